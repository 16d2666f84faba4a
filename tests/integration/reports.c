/* reports.c - report and dashboard tests against a deskd holding the fixed fixture that
 * tests/integration/reports.sh loads: every number a report or the dashboard shows for it is
 * compared with a value computed by hand, the arithmetic in a comment beside it.
 *
 * Environment: DESK_HOST, DESK_PORT (default 127.0.0.1:7420). Arguments: optional test-name
 * substrings to run a subset. Prints one "ok - name" or "not ok - name: reason" line per test
 * and exits 1 if any failed. A report test lists every cell that differs, not only the first.
 *
 * The fixture (reports.sh): Lisbon office hours Mon-Fri 09:00-17:00 for the Service Desk
 * (policy "Office"), 24x7 for the Network group ("Network 24x7"), report_tz Europe/Lisbon,
 * fcr_minutes 30. Agents ana (l1, Service Desk), carl (l2, Network), sup and sup2
 * (supervisors), all with the password "fixture-pw". Targets, first response / resolution:
 *
 *	        Office (business time)    Network 24x7
 *	   P1   15 min / 4 h              15 min / 4 h
 *	   P2   30 min / 8 h              1 h / 12 h
 *	   P3   1 h / 16 h                2 h / 24 h
 *	   P4   4 h / 40 h                4 h / 48 h
 *
 * The week is Mon 2026-10-19 .. Sun 2026-10-25, Lisbon time (WEST, UTC+1, until the clocks go
 * back at 02:00 on Sunday 25; WET = UTC after). A report "--from 2026-10-19 --to 2026-10-25"
 * covers [2026-10-18 23:00 UTC, 2026-10-26 00:00 UTC). Tickets (times Lisbon; FR = first
 * response; "contact" = a phone or walk-in ticket an agent logged, met at creation):
 *
 *  HD    channel  type  P  queue    created        FR                 resolved         now
 *  1001  phone    SR    3  SD       Mon 09:10      contact            Mon 09:25        closed
 *  1002  email    inc   3  SD       Mon 10:00      reply Mon 10:40    Mon 14:00        resolved
 *  1003  chat     inc   2  SD       Fri 16 16:30   reply Mon 09:20    Mon 10:30        resolved
 *                                                  (late: due Fri 17:00, breach fired then)
 *  1004  portal   inc   2  SD       Tue 11:00      reply Tue 12:15    Tue 15:00        closed
 *                                                  (late: due 11:30, breach fired then)
 *  1005  email    inc   3  SD       Wed 10:00      reply Wed 10:30    Thu 14:00        resolved
 *                       pending Wed 10:30 .. Thu 11:00 (a night: resolution clock paused)
 *  1006  phone    inc   1  SD       Tue 14:00      contact            Wed 11:30        resolved
 *                       resolution due Wed 10:00: breached
 *  1007  phone    inc   2  Network  Thu 10:00      contact            Thu 10:25        resolved
 *                       escalated Service Desk -> Network Thu 10:05
 *  1008  email    inc   3  Network  Fri 18:00      reply Fri 18:30    Sat 11:00        resolved
 *  1009  chat     SR    4  SD       Mon 11:00      reply Mon 11:05    Mon 11:25        resolved
 *                       resolved 11:10, reopened 11:15 (reopen_count 1), resolved 11:25
 *  1010  chat     info  4  SD       Tue 09:30      reply Tue 09:35    Tue 09:40        closed
 *  1011  email    inc   4  SD       Tue 15:00      (none)             -                cancelled
 *                       cancelled Tue 15:20 (its clocks stop then)
 *  1012  email    inc   3  SD       Thu 15:00      reply Thu 15:30    -                open
 *  1013  phone    SR    4  SD       Fri 10:00      contact            -                on hold
 *                       on hold since Fri 11:00
 *  1014  portal   inc   4  SD       Sun 25 23:30   -                  -                new
 *  1015  portal   info  4  SD       Mon 00:30      reply Mon 09:15    Mon 09:20        closed
 *  1016  email    inc   3  Network  Wed 09:00      reply Wed 09:20    -                open
 *                       escalated Wed 09:30; resolution due Thu 09:00 (24x7): breached
 *  1017  email    SR    4  SD       Mon 14 Sep     reply same day     -                pending
 *  1018  email    inc   3  SD       Fri 14:00      reply Fri 14:20    Mon 26 10:00     resolved
 *  1019  walk_in  inc   4  SD       Thu 12:00      contact            Thu 12:30        closed
 *  1020  chat     inc   4  SD       Thu 16:00      reply Thu 16:10    Thu 18:30        resolved
 *  1021  phone    prob  4  Network  Wed 7 Oct      contact            -                open
 *
 * Assignees: carl has 1007, 1008, 1016, 1021; sup has 1020; 1011 and 1014 have none; ana has
 * the rest. Categories (top level): Access 1001, 1017; Software 1002, 1005, 1011, 1018;
 * Network 1003, 1006, 1007, 1008, 1016, 1021; Hardware 1004, 1009, 1012, 1013, 1019 (whose
 * category is three levels deep: Hardware/Printer/Toner); Security 1020; none 1010, 1014, 1015.
 * reports.sh checks, before this program runs, that deskd computed each clock's due time and
 * business seconds as written in its CLOCK_CHECK_SQL. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pclient.h"
#include "ptest.h"
#include "proto.h"
#include "util.h"

#define PASSWORD  "fixture-pw"
#define WEEK_FROM "2026-10-19"
#define WEEK_TO   "2026-10-25"
/* A change shows within a second; a presence may wait for a heartbeat (30 s). */
#define DASH_WAIT_MS 45000
#define SLA_WAIT_MS  30000
#define MAX_COLS     16

static const char *g_host = "127.0.0.1";
static int g_port = PROTO_DEFAULT_PORT;
static int g_seq; /* makes subjects unique within a run */

/* ---------------------------------------------------------------- connections and calls */

static struct pc_msg *call_at(int line, struct pclient *pc, const char *op, const char *spec, ...)
{
	va_list ap;
	uint32_t rid;
	struct pc_msg *m;

	va_start(ap, spec);
	rid = pc_vsend(pc, op, spec, ap);
	va_end(ap);
	if (rid == 0) {
		fail_at(line, "%s: send: %s", op, pc_error(pc));
		return NULL;
	}
	m = pc_wait_reply(pc, rid);
	if (m == NULL)
		fail_at(line, "%s: %s", op, pc_error(pc));
	return keep(m);
}
/* CALL(pc, op, spec, key, value, ...): send and wait for the reply (NULL: reason recorded). */
#define CALL(pc, ...) call_at(__LINE__, (pc), __VA_ARGS__)

static bool expect_ok_at(int line, const struct pc_msg *m, const char *what)
{
	if (m == NULL) {
		fail_at(line, "%s: no reply", what);
		return false;
	}
	if (!pc_ok(m)) {
		fail_at(line, "%s: expected ok, got %s", what, describe(m));
		return false;
	}
	return true;
}
#define EXPECT_OK(m, what) NEED(expect_ok_at(__LINE__, (m), (what)))

static int error_code_of(const char *name)
{
	for (int c = 1; c < 64; c++)
		if (strcmp(proto_error_name(c), name) == 0)
			return c;
	return -1;
}

/* A failed reply carrying the named error with its matching code. */
static bool expect_err_at(int line, const struct pc_msg *m, const char *name, const char *what)
{
	if (m == NULL) {
		fail_at(line, "%s: expected %s, got no reply", what, name);
		return false;
	}
	if (pc_ok(m) || !pc_streq(m->map, "error", name) || pc_errcode(m) != error_code_of(name)) {
		fail_at(line, "%s: expected error %d %s, got %s", what, error_code_of(name), name,
		        describe(m));
		return false;
	}
	return true;
}
#define EXPECT_ERR(m, name, what) NEED(expect_err_at(__LINE__, (m), (name), (what)))

/* A connection logged in as one of the fixture's agents. */
static struct pclient *agent_at(int line, const char *login)
{
	char err[256];
	struct pclient *pc;

	if (T.nclients == PTEST_MAX_CLIENTS) {
		fail_at(line, "too many clients in one test");
		return NULL;
	}
	pc = pc_open(g_host, g_port, err, sizeof(err));
	if (pc == NULL) {
		fail_at(line, "connect to %s:%d: %s", g_host, g_port, err);
		return NULL;
	}
	T.clients[T.nclients++] = pc;
	if (!expect_ok_at(line, call_at(line, pc, "hello", "is", "proto", 1, "client", "reports"),
	                  "hello") ||
	    !expect_ok_at(line,
	                  call_at(line, pc, "login", "ss", "login", login, "password", PASSWORD),
	                  "login"))
		return NULL;
	return pc;
}
#define AGENT(login) agent_at(__LINE__, (login))

static bool queue_id_at(int line, struct pclient *pc, const char *name, int64_t *id)
{
	struct pc_msg *m = call_at(line, pc, "queue.list", "");
	const msgpack_object *qs;

	if (!expect_ok_at(line, m, "queue.list"))
		return false;
	qs = pc_at(m->map, "queues");
	if (qs == NULL || qs->type != MSGPACK_OBJECT_ARRAY) {
		fail_at(line, "queue.list: no queues array");
		return false;
	}
	for (uint32_t i = 0; i < qs->via.array.size; i++) {
		if (pc_streq(&qs->via.array.ptr[i], "name", name) &&
		    pc_int(&qs->via.array.ptr[i], "id", id))
			return true;
	}
	fail_at(line, "queue.list: no queue '%s'", name);
	return false;
}
#define QUEUE_ID(pc, name, id) NEED(queue_id_at(__LINE__, (pc), (name), (id)))

/* ticket.create as `pc` in the named queue; the new ticket's id and version. */
static bool create_at(int line, struct pclient *pc, const char *queue, int64_t requester_id,
                      int64_t *id, int64_t *version)
{
	char subject[96];
	int64_t qid;
	struct pc_msg *m;

	if (!queue_id_at(line, pc, queue, &qid))
		return false;
	snprintf(subject, sizeof(subject), "Report test %d-%d", (int)getpid(), ++g_seq);
	if (requester_id != 0)
		m = call_at(line, pc, "ticket.create", "slsl", "subject", subject, "queue_id", qid,
		            "channel", "email", "requester_id", requester_id);
	else
		m = call_at(line, pc, "ticket.create", "sls", "subject", subject, "queue_id", qid,
		            "channel", "email");
	if (!expect_ok_at(line, m, "ticket.create"))
		return false;
	if (!pc_int(m->map, "ticket.id", id) || !pc_int(m->map, "ticket.version", version)) {
		fail_at(line, "ticket.create: no ticket id or version in %s", describe(m));
		return false;
	}
	return true;
}
#define CREATE(pc, queue, requester, id, version)                                                  \
	NEED(create_at(__LINE__, (pc), (queue), (requester), (id), (version)))

/* ---------------------------------------------------------------- report comparison */

/* A '|'-separated line split in place. */
struct cells {
	char buf[512];
	const char *v[MAX_COLS];
	int n;
};

static void split(struct cells *c, const char *line)
{
	char *p;

	snprintf(c->buf, sizeof(c->buf), "%s", line);
	c->n = 0;
	for (p = c->buf; c->n < MAX_COLS;) {
		c->v[c->n++] = p;
		p = strchr(p, '|');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
}

static void show_value(const msgpack_object *o, char *buf, size_t len)
{
	if (o == NULL)
		snprintf(buf, len, "(absent)");
	else if (o->type == MSGPACK_OBJECT_NIL)
		snprintf(buf, len, "nil");
	else if (mp_is_int(o))
		snprintf(buf, len, "%" PRId64, mp_int(o));
	else if (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32)
		snprintf(buf, len, "%.6g (float)", o->via.f64);
	else if (o->type == MSGPACK_OBJECT_STR)
		snprintf(buf, len, "'%.*s'", (int)o->via.str.size, o->via.str.ptr);
	else
		snprintf(buf, len, "(type %d)", (int)o->type);
}

/* Does a cell hold what `want` says? "nil": nil; "12": that integer; "93.8": a float within
 * rounding of it (the server rounds, we compare the rounded decimals it sends). */
static bool cell_is(const msgpack_object *o, const char *want)
{
	if (strcmp(want, "nil") == 0)
		return o->type == MSGPACK_OBJECT_NIL;
	if (strchr(want, '.') != NULL) {
		double d;
		if (o->type != MSGPACK_OBJECT_FLOAT64 && o->type != MSGPACK_OBJECT_FLOAT32)
			return false;
		d = o->via.f64 - strtod(want, NULL);
		return d > -0.0005 && d < 0.0005;
	}
	return mp_is_int(o) && mp_int(o) == strtoll(want, NULL, 10);
}

__attribute__((format(printf, 3, 4))) static void note(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 4 >= len)
		return;
	if (used > 0) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Record one more failure without hiding the ones before (a report test checks every
 * grouping, and each lists every cell that differs). */
static void fail_also_at(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail_also_at(int line, const char *fmt, ...)
{
	size_t used = strlen(T.why);
	va_list ap;
	int n;

	if (used + 16 >= sizeof(T.why))
		return;
	n = snprintf(T.why + used, sizeof(T.why) - used, "%sline %d: ", used > 0 ? " || " : "",
	             line);
	used += (size_t)n;
	va_start(ap, fmt);
	vsnprintf(T.why + used, sizeof(T.why) - used, fmt, ap);
	va_end(ap);
}

/* The row of `rows` whose first cell is the group `grp`. */
static const msgpack_object *row_of(const msgpack_object *rows, const char *grp)
{
	for (uint32_t i = 0; i < rows->via.array.size; i++) {
		const msgpack_object *r = &rows->via.array.ptr[i];
		if (r->type == MSGPACK_OBJECT_ARRAY && r->via.array.size > 0 &&
		    mp_streq(&r->via.array.ptr[0], grp))
			return r;
	}
	return NULL;
}

/* Run report `name` over [from, to] grouped by `group` and compare it with the expected
 * table: `cols` names the columns ("grp|fr_decided|..."), each row gives the group and then
 * the values ("Service Desk|13|12|92.3|..."), in the order the server must send them. The
 * groups are compared as a list first, then every expected row with the row of the same
 * group; every difference is reported. */
static bool report_is_at(int line, struct pclient *pc, const char *name, const char *from,
                         const char *to, const char *group, const char *cols,
                         const char *const *rows, size_t nrows)
{
	char diff[1500] = "", got[96], got_groups[400] = "", want_groups[400] = "";
	struct cells hdr, want;
	const msgpack_object *c, *r;
	struct pc_msg *m;

	m = call_at(line, pc, "report.run", "ssss", "name", name, "from", from, "to", to,
	            "group_by", group);
	if (!expect_ok_at(line, m, name))
		return false;
	if (!pc_streq(m->map, "report", name) || !pc_streq(m->map, "from", from) ||
	    !pc_streq(m->map, "to", to) || !pc_streq(m->map, "group_by", group)) {
		fail_also_at(line, "report %s: name, from, to or group_by not echoed: %s", name,
		             describe(m));
		return false;
	}
	split(&hdr, cols);
	c = pc_at(m->map, "columns");
	r = pc_at(m->map, "rows");
	if (c == NULL || c->type != MSGPACK_OBJECT_ARRAY || r == NULL ||
	    r->type != MSGPACK_OBJECT_ARRAY) {
		fail_also_at(line, "report %s: no columns or rows array", name);
		return false;
	}
	if (c->via.array.size != (uint32_t)hdr.n) {
		note(diff, sizeof(diff), "%u columns, expected %d", c->via.array.size, hdr.n);
	} else {
		for (int j = 0; j < hdr.n; j++)
			if (!mp_streq(&c->via.array.ptr[j], hdr.v[j]))
				note(diff, sizeof(diff), "column %d is not '%s'", j, hdr.v[j]);
	}
	for (uint32_t i = 0; i < r->via.array.size; i++) {
		const msgpack_object *row = &r->via.array.ptr[i];
		show_value(row->type == MSGPACK_OBJECT_ARRAY && row->via.array.size > 0
		               ? &row->via.array.ptr[0]
		               : row,
		           got, sizeof(got));
		note(got_groups, sizeof(got_groups), "%s", got);
	}
	for (size_t i = 0; i < nrows; i++) {
		split(&want, rows[i]);
		note(want_groups, sizeof(want_groups), "'%s'", want.v[0]);
	}
	if (strcmp(got_groups, want_groups) != 0)
		note(diff, sizeof(diff), "groups [%s], expected [%s]", got_groups, want_groups);
	for (size_t i = 0; i < nrows; i++) {
		const msgpack_object *row;
		split(&want, rows[i]);
		row = row_of(r, want.v[0]);
		if (row == NULL)
			continue; /* reported with the groups */
		if (row->via.array.size != (uint32_t)want.n) {
			note(diff, sizeof(diff), "row %s has %u values, expected %d", want.v[0],
			     row->via.array.size, want.n);
			continue;
		}
		for (int j = 1; j < want.n; j++) {
			if (cell_is(&row->via.array.ptr[j], want.v[j]))
				continue;
			show_value(&row->via.array.ptr[j], got, sizeof(got));
			note(diff, sizeof(diff), "%s %s: %s, expected %s", want.v[0],
			     j < hdr.n ? hdr.v[j] : "?", got, want.v[j]);
		}
	}
	if (diff[0] != '\0') {
		fail_also_at(line, "report %s %s..%s by %s: %s", name, from, to, group, diff);
		return false;
	}
	return true;
}
/* Both evaluate to true when the report is as expected; tests `&=` them so that one wrong
 * grouping does not hide another. */
#define REPORT(pc, name, group, cols, rows)                                                        \
	report_is_at(__LINE__, (pc), (name), WEEK_FROM, WEEK_TO, (group), (cols), (rows),          \
	             ARRAY_LEN(rows))
#define REPORT_RANGE(pc, name, from, to, group, cols, rows, nrows)                                 \
	report_is_at(__LINE__, (pc), (name), (from), (to), (group), (cols), (rows), (nrows))

/* ================================================================ reports */

static const char SLA_COLS[] = "grp|fr_decided|fr_on_time|fr_pct|res_decided|res_on_time|res_pct";
/* First-response clocks decided in the week (met, or breached if that came first), the
 * cancelled HD-1011 left out:
 *   on time: contacts at creation 1001, 1006, 1007, 1013, 1019; replies (business minutes of
 *            the target) 1002 40 of 60, 1005 30/60, 1008 30/120 (24x7), 1009 5/240,
 *            1010 5/240, 1012 30/60, 1015 15/240 (created Mon 00:30, the office opens at
 *            09:00, replied 09:15), 1016 20/120 (24x7), 1018 20/60, 1020 10/240     = 15
 *   late:    1004: P2, 30 min from Tue 11:00 -> due 11:30, breach fired 11:30, reply 12:15
 *                                                                                   =  1
 *   decided outside the week: 1003 (breach fired Fri 16 17:00, though the late reply came on
 *   Mon 19), 1017 (September), 1021 (7 Oct), 1014 (breach fired Mon 26 13:00)
 *   -> 16 decided, 15 on time: 93.75 % -> 93.8
 * Resolution clocks decided in the week:
 *   on time: 1001, 1002, 1003 (due Mon 16:30: 30 min Fri + 7 h 30 Mon), 1004, 1005, 1007,
 *            1008, 1009, 1010, 1015, 1019, 1020                                     = 12
 *   breached: 1006: P1, 4 h from Tue 14:00 = 3 h Tue + 1 h Wed -> due Wed 10:00, resolved
 *            11:30; 1016: 24 h (24x7) from Wed 09:00 -> due Thu 09:00, still open, breach
 *            fired by deskd at the due time                                         =  2
 *   not decided in the week: 1012 (due Mon 26 15:00), 1014 (due Fri 30), 1018 (resolved Mon
 *   26), 1013 and 1017 (paused), 1021 (breached 9 Oct)
 *   -> 14 decided, 12 on time: 85.71 % -> 85.7 */
static const char *const SLA_ALL[] = {"all|16|15|93.8|14|12|85.7"};
/* By current queue. Network holds 1007, 1008, 1016 (1021 decided nothing this week): first
 * responses 3 of 3; resolutions 1007, 1008 on time, 1016 breached: 2 / 3 = 66.7 %.
 * Service Desk: first responses 16 - 3 = 13, on time 12 (1004 late): 92.31 % -> 92.3;
 * resolutions 14 - 3 = 11, on time 10 (1006 breached): 90.91 % -> 90.9. */
static const char *const SLA_QUEUE[] = {"Network|3|3|100.0|3|2|66.7",
                                        "Service Desk|13|12|92.3|11|10|90.9"};

static bool test_report_sla(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "sla", "all", SLA_COLS, SLA_ALL);
	ok &= REPORT(pc, "sla", "queue", SLA_COLS, SLA_QUEUE);
	return ok;
}

static const char FCR_COLS[] = "grp|resolved|first_contact|fcr_pct";
/* Resolved in the week, status resolved or closed: 1001, 1002, 1003, 1004, 1005, 1006, 1007,
 * 1008, 1009, 1010, 1015, 1019, 1020 = 13 (1018 was resolved on Mon 26; 1011 was cancelled).
 * At first contact (resolved within 30 min of creation, never reopened, never escalated):
 * 1001 (15 min), 1010 (10 min), 1019 (exactly 30 min: the limit counts) = 3. Left out although
 * resolved within 25 min: 1009 (reopened once), 1007 (escalated to Network). 3 / 13 = 23.08 %
 * -> 23.1 */
static const char *const FCR_ALL[] = {"all|13|3|23.1"};
/* chat 1003, 1009, 1010, 1020: 1 (1010) of 4 = 25.0; email 1002, 1005, 1008: 0 of 3;
 * phone 1001, 1006, 1007: 1 (1001) of 3 = 33.3; portal 1004, 1015: 0 of 2; walk_in 1019: 1. */
static const char *const FCR_CHANNEL[] = {"chat|4|1|25.0", "email|3|0|0.0", "phone|3|1|33.3",
                                          "portal|2|0|0.0", "walk_in|1|1|100.0"};

static bool test_report_fcr(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "fcr", "all", FCR_COLS, FCR_ALL);
	ok &= REPORT(pc, "fcr", "channel", FCR_COLS, FCR_CHANNEL);
	return ok;
}

static const char FR_COLS[] = "grp|responses|median_min|p90_min|median_biz_min|p90_biz_min";
/* First responses made by a reply in the week (contacts met at creation excluded; HD-1011 was
 * cancelled without an answer: no response), wall-clock / business minutes:
 *   1002 40/40, 1003 3890/50 (Fri 16 16:30 -> Mon 19 09:20: 2 d 16 h 50 min of wall clock,
 *   30 business minutes on Friday + 20 on Monday), 1004 75/75, 1005 30/30, 1008 30/30 (24x7),
 *   1009 5/5, 1010 5/5, 1012 30/30, 1015 525/15 (Mon 00:30 -> 09:15; the office opens at
 *   09:00), 1016 20/20 (24x7), 1018 20/20, 1020 10/10                                = 12
 * percentile_cont over 12 sorted values: the median at position 0.5 * 11 = 5.5 (halfway
 * between the 6th and 7th value), the 90th percentile at 0.9 * 11 = 9.9.
 *   wall:     5 5 10 20 20 30 | 30 30 40 75 525 3890 -> median 30.0,
 *             p90 = 75 + 0.9 * (525 - 75) = 480.0
 *   business: 5 5 10 15 20 20 | 30 30 30 40 50 75   -> median (20 + 30) / 2 = 25.0,
 *             p90 = 40 + 0.9 * (50 - 40) = 49.0 */
static const char *const FR_ALL[] = {"all|12|30.0|480.0|25.0|49.0"};
/* chat 1003, 1009, 1010, 1020: wall 5 5 10 3890 -> median (5 + 10) / 2 = 7.5, p90 at 2.7 =
 *   10 + 0.7 * 3880 = 2726.0; business 5 5 10 50 -> 7.5, 10 + 0.7 * 40 = 38.0.
 * email 1002, 1005, 1008, 1012, 1016, 1018: 20 20 30 30 30 40 (same in business time) ->
 *   median at 2.5 = 30.0, p90 at 4.5 = 30 + 0.5 * 10 = 35.0.
 * portal 1004, 1015: wall 75 525 -> 300.0, 75 + 0.9 * 450 = 480.0; business 15 75 -> 45.0,
 *   15 + 0.9 * 60 = 69.0.
 * phone and walk_in: only contacts at creation, no row. */
static const char *const FR_CHANNEL[] = {
    "chat|4|7.5|2726.0|7.5|38.0", "email|6|30.0|35.0|30.0|35.0", "portal|2|300.0|480.0|45.0|69.0"};

static bool test_report_first_response(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "first_response", "all", FR_COLS, FR_ALL);
	ok &= REPORT(pc, "first_response", "channel", FR_COLS, FR_CHANNEL);
	return ok;
}

static const char RES_COLS[] = "grp|resolved|mean_h|median_h|p90_h|mean_biz_h";
/* The 13 tickets resolved in the week, wall-clock minutes from creation / business minutes of
 * the resolution clock:
 *   1001 15/15, 1002 240/240, 1003 3960/120 (Fri 16 16:30 -> Mon 10:30 = 66 h; business 30 min
 *   Fri + 1 h 30 Mon), 1004 240/240, 1005 1680/210 (Wed 10:00 -> Thu 14:00 = 28 h; business
 *   7 h Wed + 5 h Thu = 12 h, minus the pending pause Wed 10:30 -> Thu 11:00 = 6 h 30 + 2 h
 *   = 8 h 30 -> 3 h 30; the night counts in neither), 1006 1290/330 (Tue 14:00 -> Wed 11:30:
 *   3 h + 2 h 30 business), 1007 25/25 (24x7), 1008 1020/1020 (24x7, Fri 18:00 -> Sat 11:00),
 *   1009 25/20 (the 5 min resolved before the reopening do not count), 1010 10/10,
 *   1015 530/20 (Mon 00:30 -> 09:20), 1019 30/30, 1020 150/60 (Thu 16:00 -> 18:30; the
 *   office closes at 17:00)
 * mean wall = 9215 / 13 = 708.85 min = 11.81 h;
 * sorted wall: 10 15 25 25 30 150 [240] 240 530 1020 1290 1680 3960 -> median 240 min = 4.00 h,
 *   p90 at 0.9 * 12 = 10.8: 1290 + 0.8 * (1680 - 1290) = 1602 min = 26.70 h;
 * mean business = 2340 / 13 = 180 min = 3.00 h */
static const char *const RES_ALL[] = {"all|13|11.81|4.00|26.70|3.00"};
/* P1 1006: 21.5 h, business 5.5 h.
 * P2 1003, 1004, 1007: wall 3960 240 25 -> mean 4225 / 3 = 1408.33 min = 23.47 h, median
 *   240 min = 4.00 h, p90 at 1.8: 240 + 0.8 * 3720 = 3216 min = 53.60 h; business
 *   (120 + 240 + 25) / 3 = 128.33 min = 2.14 h.
 * P3 1001, 1002, 1005, 1008: wall 15 240 1020 1680 -> mean 2955 / 4 = 738.75 min = 12.3125
 *   h -> 12.31, median (240 + 1020) / 2 = 630 min = 10.50 h, p90 at 2.7: 1020 + 0.7 * 660 =
 *   1482 min = 24.70 h; business (15 + 240 + 210 + 1020) / 4 = 371.25 min = 6.1875 h -> 6.19.
 * P4 1009, 1010, 1015, 1019, 1020: wall 10 25 30 150 530 -> mean 745 / 5 = 149 min = 2.48 h,
 *   median 30 min = 0.50 h, p90 at 3.6: 150 + 0.6 * 380 = 378 min = 6.30 h; business
 *   (20 + 10 + 20 + 30 + 60) / 5 = 28 min = 0.47 h. */
static const char *const RES_PRIORITY[] = {
    "P1|1|21.50|21.50|21.50|5.50", "P2|3|23.47|4.00|53.60|2.14", "P3|4|12.31|10.50|24.70|6.19",
    "P4|5|2.48|0.50|6.30|0.47"};

static bool test_report_resolution(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "resolution", "all", RES_COLS, RES_ALL);
	ok &= REPORT(pc, "resolution", "priority", RES_COLS, RES_PRIORITY);
	return ok;
}

static const char BACKLOG_COLS[] = "grp|open|under_1d|d1_3|d3_7|d7_30|over_30d";
/* Open at the end of the week, Mon 26 00:00 Lisbon = 00:00 UTC (after the change to WET),
 * with their age then:
 *   1014 new, created Sun 25 23:30 WET               -> 30 min        under 1 day
 *   1013 on hold, created Fri 10:00 WEST (09:00 UTC)  -> 2 d 15 h      1-3 days
 *   1018 created Fri 14:00 WEST, resolved only on Mon 26 10:00 -> 2 d 11 h   1-3 days
 *   1012 open, created Thu 15:00 WEST                 -> 3 d 10 h      3-7 days
 *   1016 open, created Wed 09:00 WEST                 -> 4 d 16 h      3-7 days
 *   1021 open, created Wed 7 Oct 10:00 WEST           -> 18 d 15 h     7-30 days
 *   1017 pending, created Mon 14 Sep 10:00 WEST       -> 41 d 15 h     over 30 days
 * Not open then: the cancelled 1011 and everything resolved in the week. */
static const char *const BACKLOG_ALL[] = {"all|7|1|2|2|1|1"};
/* Network: 1016 (3-7 d), 1021 (7-30 d); Service Desk: the other five. */
static const char *const BACKLOG_QUEUE[] = {"Network|2|0|0|1|1|0", "Service Desk|5|1|2|1|0|1"};

static bool test_report_backlog(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "backlog", "all", BACKLOG_COLS, BACKLOG_ALL);
	ok &= REPORT(pc, "backlog", "queue", BACKLOG_COLS, BACKLOG_QUEUE);
	return ok;
}

static const char VOLUME_COLS[] = "grp|created|resolved|incidents|requests";
/* Created in the week: every ticket but 1003 (Fri 16), 1017 (September) and 1021 (7 Oct) =
 * 18, of which service requests 1001, 1009, 1013 = 3, information requests 1010, 1015, and
 * incidents the other 13. Resolved in the week: the 13 of the resolution report (1003 among
 * them, created the week before). */
static const char *const VOLUME_ALL[] = {"all|18|13|13|3"};
/* chat: created 1009, 1010, 1020 = 3 (incident 1020, request 1009), resolved 1003, 1009,
 *   1010, 1020 = 4;
 * email: created 1002, 1005, 1008, 1011, 1012, 1016, 1018 = 7, all incidents; resolved 1002,
 *   1005, 1008 = 3;
 * phone: created 1001, 1006, 1007, 1013 = 4 (incidents 1006, 1007; requests 1001, 1013);
 *   resolved 1001, 1006, 1007 = 3;
 * portal: created 1004, 1014, 1015 = 3 (incidents 1004, 1014; 1015 asks for information);
 *   resolved 1004, 1015 = 2;
 * walk_in: 1019 created and resolved, an incident. */
static const char *const VOLUME_CHANNEL[] = {"chat|3|4|1|1", "email|7|3|7|0", "phone|4|3|2|2",
                                             "portal|3|2|2|0", "walk_in|1|1|1|0"};
/* Days are Lisbon days. Sunday 2026-10-18 alone: 1015, created Sun 18 23:30 UTC, is already
 * Mon 19 00:30 in Lisbon; nothing else happened that day. No rows. */
static const char *const *const VOLUME_NONE = NULL;
/* Monday 19 alone: created 1001, 1002, 1009, 1015 (incident 1002; requests 1001, 1009);
 * resolved 1001, 1002, 1003, 1009, 1015. */
static const char *const VOLUME_MONDAY[] = {"all|4|5|1|2"};
/* Sunday 25, the 25-hour day the clocks go back: 1014, created 23:30 WET = 23:30 UTC. */
static const char *const VOLUME_SUNDAY[] = {"all|1|0|1|0"};

static bool test_report_volume(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "volume", "all", VOLUME_COLS, VOLUME_ALL);
	ok &= REPORT(pc, "volume", "channel", VOLUME_COLS, VOLUME_CHANNEL);
	ok &= REPORT_RANGE(pc, "volume", "2026-10-18", "2026-10-18", "all", VOLUME_COLS,
	                   VOLUME_NONE, 0);
	ok &= REPORT_RANGE(pc, "volume", "2026-10-19", "2026-10-19", "all", VOLUME_COLS,
	                   VOLUME_MONDAY, ARRAY_LEN(VOLUME_MONDAY));
	ok &= REPORT_RANGE(pc, "volume", "2026-10-25", "2026-10-25", "all", VOLUME_COLS,
	                   VOLUME_SUNDAY, ARRAY_LEN(VOLUME_SUNDAY));
	return ok;
}

static const char WORKLOAD_COLS[] = "grp|open_now|resolved|replies|minutes";
/* Every l1, l2 and supervisor, by login.
 * ana: open now 1012, 1013, 1017 = 3; resolved in the week 1001, 1002, 1003, 1004, 1005,
 *   1006, 1009, 1010, 1015, 1019 = 10; replies in the week on 1002, 1003, 1004, 1005, 1009,
 *   1010, 1012, 1015, 1016, 1018 = 10 (her reply on 1017 was in September); minutes: replies
 *   10 + 15 + 10 + 5 + 5 + 5 + 10 + 5 + 5 + 10 = 80, notes 1001 15 + 1002 20 + 1005 25 +
 *   1006 30 + 1013 10 + 1019 30 = 130 -> 210.
 * carl: open now 1016, 1021; resolved 1007, 1008; one reply (1008); minutes 20 (reply 1008)
 *   + 20 (note 1007) + 45 (note 1016) = 85 (his note on 1021 was on 7 Oct).
 * sup: resolved 1020 and replied once on it, 10 minutes. sup2: nothing. */
static const char *const WORKLOAD[] = {"ana|3|10|10|210", "carl|2|2|1|85", "sup|0|1|1|10",
                                       "sup2|0|0|0|0"};

static bool test_report_workload(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "workload", "all", WORKLOAD_COLS, WORKLOAD);
	/* Grouping is always by agent. */
	ok &= REPORT(pc, "workload", "queue", WORKLOAD_COLS, WORKLOAD);
	return ok;
}

static const char ESCALATION_COLS[] = "grp|created|escalated|escalation_pct";
/* Of the 18 tickets created in the week, 1007 and 1016 were escalated to Network: 2 / 18 =
 * 11.11 % -> 11.1 */
static const char *const ESCALATION_ALL[] = {"all|18|2|11.1"};
/* By current queue: Network holds 1007, 1008, 1016 (2 of 3 escalated = 66.7 %); the 15
 * others stayed in the Service Desk. */
static const char *const ESCALATION_QUEUE[] = {"Network|3|2|66.7", "Service Desk|15|0|0.0"};
/* By top-level category (byte order: "(" sorts first): (none) 1010, 1014, 1015; Access 1001;
 * Hardware 1004, 1009, 1012, 1013 and 1019 (Hardware/Printer/Toner: still Hardware);
 * Network 1006, 1007, 1008, 1016 (2 escalated: 50 %); Security 1020; Software 1002, 1005,
 * 1011, 1018. */
static const char *const ESCALATION_CATEGORY[] = {"(none)|3|0|0.0",   "Access|1|0|0.0",
                                                  "Hardware|5|0|0.0", "Network|4|2|50.0",
                                                  "Security|1|0|0.0", "Software|4|0|0.0"};

static bool test_report_escalation(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "escalation", "all", ESCALATION_COLS, ESCALATION_ALL);
	ok &= REPORT(pc, "escalation", "queue", ESCALATION_COLS, ESCALATION_QUEUE);
	return ok;
}

static bool test_report_escalation_top_category(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "escalation", "category", ESCALATION_COLS, ESCALATION_CATEGORY);
	return ok;
}

static const char TRENDS_COLS[] = "grp|created|resolved|escalated|fr_pct|res_pct";
/* Per Lisbon day; SLA compliance of the clocks decided that day, cancelled tickets left out.
 * Mon 19: created 1001, 1002, 1009, 1015 (00:30 Lisbon) = 4; resolved 1001, 1002, 1003, 1009,
 *   1015 = 5; first responses decided 1001, 1002, 1009, 1015, all on time (1003's was decided
 *   on Fri 16); resolutions 1001, 1002, 1003, 1009, 1015, all on time.
 * Tue 20: created 1004, 1006, 1010, 1011 = 4; resolved 1004, 1010 = 2; first responses 1004
 *   (late), 1006, 1010 -> 2 / 3 = 66.7 (1011's clocks, stopped by its cancellation, do not
 *   count); resolutions 1004, 1010 -> 100.0.
 * Wed 21: created 1005, 1016; resolved 1006; escalated 1016; first responses 1005, 1016 on
 *   time; resolution 1006 breached at 10:00 -> 0.0.
 * Thu 22: created 1007, 1012, 1019, 1020; resolved 1005, 1007, 1019, 1020; escalated 1007;
 *   first responses 1007, 1012, 1019, 1020 on time; resolutions 1005, 1007, 1019, 1020 on
 *   time and 1016 breached at 09:00 -> 4 / 5 = 80.0.
 * Fri 23: created 1008, 1013, 1018; first responses 1008, 1013, 1018 on time; no resolution.
 * Sat 24: resolved 1008, on time; no first response.
 * Sun 25: created 1014 (23:30, after the clocks went back); nothing decided. */
static const char *const TRENDS[] = {"2026-10-19|4|5|0|100.0|100.0", "2026-10-20|4|2|0|66.7|100.0",
                                     "2026-10-21|2|1|1|100.0|0.0",   "2026-10-22|4|4|1|100.0|80.0",
                                     "2026-10-23|3|0|0|100.0|nil",   "2026-10-24|0|1|0|nil|100.0",
                                     "2026-10-25|1|0|0|nil|nil"};

static bool test_report_trends(void)
{
	struct pclient *pc = AGENT("sup");
	bool ok = true;

	NEED(pc);
	ok &= REPORT(pc, "trends", "all", TRENDS_COLS, TRENDS);
	/* Grouping is always by day. */
	ok &= REPORT(pc, "trends", "channel", TRENDS_COLS, TRENDS);
	return ok;
}

/* ---------------------------------------------------------------- bad report requests */

static bool bad_report_at(int line, struct pclient *pc, const char *name, const char *from,
                          const char *to, const char *why)
{
	return expect_err_at(
	    line, call_at(line, pc, "report.run", "sss", "name", name, "from", from, "to", to),
	    "bad_request", why);
}
#define BAD_REPORT(pc, name, from, to, why)                                                        \
	NEED(bad_report_at(__LINE__, (pc), (name), (from), (to), (why)))

static bool test_report_bad_requests(void)
{
	struct pclient *pc = AGENT("sup");

	NEED(pc);
	BAD_REPORT(pc, "nonsense", WEEK_FROM, WEEK_TO, "unknown report");
	BAD_REPORT(pc, "desk_report_sla", WEEK_FROM, WEEK_TO, "a function name is no report");
	BAD_REPORT(pc, "sla", "2026-02-30", WEEK_TO, "30 February");
	BAD_REPORT(pc, "sla", "2026-02-29", WEEK_TO, "29 February of a common year");
	BAD_REPORT(pc, "sla", "yesterday", WEEK_TO, "from = yesterday");
	BAD_REPORT(pc, "sla", WEEK_FROM, "2026-13-01", "month 13");
	BAD_REPORT(pc, "sla", "2026/10/19", WEEK_TO, "slashes");
	BAD_REPORT(pc, "sla", WEEK_TO, WEEK_FROM, "to before from");
	/* 2000-01-01 .. 2010-01-01 is 3653 days (leap years 2000, 2004, 2008). To 2010-01-08:
	 * 3660 days apart, 3661 days covered, one too many; to 2010-01-07: 3660 days, allowed. */
	BAD_REPORT(pc, "volume", "2000-01-01", "2010-01-08", "3661 days");
	EXPECT_OK(CALL(pc, "report.run", "sss", "name", "volume", "from", "2000-01-01", "to",
	               "2010-01-07"),
	          "3660 days");
	EXPECT_OK(CALL(pc, "report.run", "sss", "name", "volume", "from", "2028-02-29", "to",
	               "2028-02-29"),
	          "29 February of a leap year");
	EXPECT_ERR(CALL(pc, "report.run", "ssss", "name", "sla", "from", WEEK_FROM, "to", WEEK_TO,
	                "group_by", "requester"),
	           "bad_request", "unknown group_by");
	EXPECT_ERR(CALL(pc, "report.run", "ss", "name", "sla", "to", WEEK_TO), "bad_request",
	           "no from");
	EXPECT_ERR(CALL(pc, "report.run", "ss", "from", WEEK_FROM, "to", WEEK_TO), "bad_request",
	           "no name");
	EXPECT_ERR(CALL(pc, "report.run", "sis", "name", "sla", "from", 20261019, "to", WEEK_TO),
	           "bad_request", "from as an integer");
	/* Still answering after all that. */
	EXPECT_OK(CALL(pc, "ping", ""), "ping");
	return true;
}

static bool test_report_forbidden(void)
{
	struct pclient *l1 = AGENT("ana");
	struct pclient *l2 = AGENT("carl");

	NEED(l1 && l2);
	EXPECT_ERR(CALL(l1, "report.run", "sss", "name", "sla", "from", WEEK_FROM, "to", WEEK_TO),
	           "forbidden", "report.run as l1");
	EXPECT_ERR(CALL(l2, "report.run", "sss", "name", "sla", "from", WEEK_FROM, "to", WEEK_TO),
	           "forbidden", "report.run as l2");
	EXPECT_ERR(CALL(l1, "dashboard.subscribe", ""), "forbidden", "dashboard.subscribe as l1");
	return true;
}

/* ================================================================ dashboard */

static const msgpack_object *array_of(const msgpack_object *map, const char *key)
{
	const msgpack_object *a = pc_at(map, key);

	return a != NULL && a->type == MSGPACK_OBJECT_ARRAY ? a : NULL;
}

/* The map in array `key` of the push whose field `field` is the string `value`. */
static const msgpack_object *entry(const msgpack_object *push, const char *key, const char *field,
                                   const char *value)
{
	const msgpack_object *a = array_of(push, key);

	for (uint32_t i = 0; a != NULL && i < a->via.array.size; i++)
		if (pc_streq(&a->via.array.ptr[i], field, value))
			return &a->via.array.ptr[i];
	return NULL;
}

#define NONE INT64_MIN

static int64_t queue_val(const msgpack_object *push, const char *queue, const char *key)
{
	const msgpack_object *q = entry(push, "queues", "name", queue);

	return q != NULL ? pc_int_or(q, key, NONE) : NONE;
}

static int64_t kpi_val(const msgpack_object *push, const char *key)
{
	const msgpack_object *k = pc_at(push, "kpi");

	return k != NULL && k->type == MSGPACK_OBJECT_MAP ? pc_int_or(k, key, NONE) : NONE;
}

static int64_t hourly_created(const msgpack_object *push)
{
	const msgpack_object *h = array_of(push, "hourly");
	int64_t sum = 0;

	for (uint32_t i = 0; h != NULL && i < h->via.array.size; i++)
		sum += pc_int_or(&h->via.array.ptr[i], "created", 0);
	return h != NULL ? sum : NONE;
}

static bool in_attention(const msgpack_object *push, int64_t id)
{
	const msgpack_object *a = array_of(push, "attention");

	for (uint32_t i = 0; a != NULL && i < a->via.array.size; i++)
		if (pc_int_or(&a->via.array.ptr[i], "id", -1) == id)
			return true;
	return false;
}

/* What a dashboard push must show; unset fields (NULL, 0) are not looked at. */
struct dash_cond {
	const char *queue, *qkey; /* queues[name = queue][qkey] == qval */
	int64_t qval;
	const char *kkey; /* kpi[kkey] == kval */
	int64_t kval;
	const char *agent, *presence; /* agents[login = agent].presence */
	int64_t attention;            /* this ticket is in attention */
	int64_t time_ms;              /* this very push */
};

static bool dash_matches(const struct pc_msg *m, void *arg)
{
	const struct dash_cond *c = arg;
	const msgpack_object *a;

	if (!pc_streq(m->map, "push", "dashboard"))
		return false;
	if (c->queue != NULL && queue_val(m->map, c->queue, c->qkey) != c->qval)
		return false;
	if (c->kkey != NULL && kpi_val(m->map, c->kkey) != c->kval)
		return false;
	if (c->agent != NULL) {
		a = entry(m->map, "agents", "login", c->agent);
		if (a == NULL || !pc_streq(a, "presence", c->presence))
			return false;
	}
	if (c->attention != 0 && !in_attention(m->map, c->attention))
		return false;
	return c->time_ms == 0 || pc_int_or(m->map, "time_ms", -1) == c->time_ms;
}

/* The oldest dashboard push (queued or new) that shows what `c` asks for. */
static struct pc_msg *dash_at(int line, struct pclient *pc, const struct dash_cond *c,
                              const char *what)
{
	struct pc_msg *m = pc_wait_push(pc, dash_matches, (void *)c, DASH_WAIT_MS);

	if (m == NULL)
		fail_at(line, "no dashboard push showing %s within %d ms: %s", what, DASH_WAIT_MS,
		        pc_error(pc));
	return keep(m);
}
#define DASH(pc, cond, what) dash_at(__LINE__, (pc), (cond), (what))

static const struct dash_cond ANY_DASH = {0};

/* A supervisor's connection watching the dashboard, and the first push it got. */
static struct pclient *watcher_at(int line, const char *login, struct pc_msg **first)
{
	struct pclient *pc = agent_at(line, login);

	if (pc == NULL || !expect_ok_at(line, call_at(line, pc, "dashboard.subscribe", ""),
	                                "dashboard.subscribe"))
		return NULL;
	*first = dash_at(line, pc, &ANY_DASH, "anything");
	return *first != NULL ? pc : NULL;
}
#define WATCHER(login, first) watcher_at(__LINE__, (login), (first))

static bool int_is_at(int line, const msgpack_object *o, const char *key, int64_t want,
                      const char *what)
{
	char got[96];
	const msgpack_object *v = pc_at(o, key);

	if (v != NULL && mp_is_int(v) && mp_int(v) == want)
		return true;
	show_value(v, got, sizeof(got));
	fail_at(line, "%s %s: %s, expected %" PRId64, what, key, got, want);
	return false;
}
#define INT_IS(o, key, want, what) NEED(int_is_at(__LINE__, (o), (key), (want), (what)))

/* One queue row of the first push: its counts as listed. */
static bool queue_row_at(int line, const msgpack_object *push, int i, const char *name,
                         int64_t tier, const int64_t counts[8])
{
	static const char *const keys[] = {"n_new",        "n_open",    "n_pending", "n_on_hold",
	                                   "n_unassigned", "n_at_risk", "n_breached"};
	const msgpack_object *qs = array_of(push, "queues");
	const msgpack_object *q;

	if (qs == NULL || qs->via.array.size <= (uint32_t)i) {
		fail_at(line, "queues: no row %d", i);
		return false;
	}
	q = &qs->via.array.ptr[i];
	if (!pc_streq(q, "name", name)) {
		fail_at(line, "queues[%d] is not %s", i, name);
		return false;
	}
	if (!int_is_at(line, q, "tier", tier, name) || pc_int_or(q, "queue_id", -1) <= 0)
		return false;
	for (size_t k = 0; k < ARRAY_LEN(keys); k++)
		if (!int_is_at(line, q, keys[k], counts[k], name))
			return false;
	if (counts[7] != 0)
		return int_is_at(line, q, "oldest_ms", counts[7], name);
	if (!pc_is_nil(q, "oldest_ms")) {
		fail_at(line, "%s oldest_ms is not nil", name);
		return false;
	}
	return true;
}
#define QUEUE_ROW(push, i, name, tier, ...)                                                        \
	NEED(queue_row_at(__LINE__, (push), (i), (name), (tier), (const int64_t[8]){__VA_ARGS__}))

static bool test_dashboard_first_push(void)
{
	static const char *const kpi_counts[] = {"created",     "resolved",   "first_contact",
	                                         "escalated",   "fr_decided", "fr_on_time",
	                                         "res_decided", "res_on_time"};
	static const char *const kpi_times[] = {"ttfr_median_s", "ttfr_p90_s", "ttr_mean_s",
	                                        "ttr_biz_mean_s"};
	static const char *const logins[] = {"ana", "carl", "sup", "sup2"};
	static const char *const roles[] = {"l1", "l2", "supervisor", "supervisor"};
	/* Open assigned: ana 1012, 1013, 1017; carl 1016, 1021. */
	static const int64_t open_assigned[] = {3, 2, 0, 0};
	static const char *const attention[] = {"HD-1021", "HD-1016", "HD-1014", "HD-1012"};
	struct pc_msg *first;
	struct pclient *sup = WATCHER("sup", &first);
	const msgpack_object *d, *a, *h, *k;
	int64_t hour0 = 0;

	NEED(sup);
	d = first->map;
	CHECK(pc_int_or(d, "time_ms", 0) > 0, "no time_ms");
	/* Service Desk now (tier 1 first): 1014 new and unassigned, 1012 open, 1017 pending, 1013
	 * on hold. Breached: running clocks past due: 1012 (resolution due Mon 26 15:00) and 1014
	 * (first response due Mon 26 13:00); 1013 and 1017 are paused, not breached. Nothing is
	 * at risk: every running clock is already past due. The oldest ticket waiting (new or
	 * unassigned) is 1014, created 2026-10-25 23:30 UTC = 1792971000 s. */
	QUEUE_ROW(d, 0, "Service Desk", 1, 1, 1, 1, 1, 1, 0, 2, 1792971000000);
	/* Network: 1016 and 1021 open and assigned to carl, both with a breached resolution clock
	 * (due Thu 22 09:00 and Fri 9 Oct 10:00); nothing new or unassigned: no oldest. */
	QUEUE_ROW(d, 1, "Network", 2, 0, 2, 0, 0, 0, 0, 2, 0);
	CHECK(array_of(d, "queues")->via.array.size == 2, "more than two queues");

	a = array_of(d, "agents");
	CHECK(a != NULL && a->via.array.size == 4, "agents: expected 4 rows");
	for (uint32_t i = 0; i < 4; i++) {
		const msgpack_object *ag = &a->via.array.ptr[i];
		CHECK(pc_streq(ag, "login", logins[i]) && pc_streq(ag, "role", roles[i]),
		      "agents[%u] is not %s (%s)", i, logins[i], roles[i]);
		INT_IS(ag, "open_assigned", open_assigned[i], logins[i]);
		INT_IS(ag, "max_load", 10, logins[i]);
		/* Everything in the fixture happened in October: nothing today. */
		INT_IS(ag, "resolved_today", 0, logins[i]);
		INT_IS(ag, "minutes_today", 0, logins[i]);
		CHECK(pc_streq(ag, "presence", "online") || pc_streq(ag, "presence", "away") ||
		          pc_streq(ag, "presence", "offline"),
		      "agents[%u]: bad presence", i);
	}

	k = pc_at(d, "kpi");
	CHECK(k != NULL && k->type == MSGPACK_OBJECT_MAP && k->via.map.size == 12,
	      "kpi is not a map of 12");
	for (size_t i = 0; i < ARRAY_LEN(kpi_counts); i++)
		INT_IS(k, kpi_counts[i], 0, "kpi");
	for (size_t i = 0; i < ARRAY_LEN(kpi_times); i++)
		CHECK(pc_is_nil(k, kpi_times[i]), "kpi %s is not nil with nothing to measure",
		      kpi_times[i]);

	h = array_of(d, "hourly");
	CHECK(h != NULL && h->via.array.size == 24, "hourly: expected 24 hours");
	for (uint32_t i = 0; i < 24; i++) {
		const msgpack_object *e = &h->via.array.ptr[i];
		int64_t at = pc_int_or(e, "hour_ms", -1);
		CHECK(at % 3600000 == 0 && (i == 0 || at == hour0 + 3600000),
		      "hourly[%u]: hour_ms %" PRId64 " does not follow %" PRId64, i, at, hour0);
		hour0 = at;
		INT_IS(e, "created", 0, "hourly");
		INT_IS(e, "resolved", 0, "hourly");
	}
	CHECK(hour0 <= now_ms() + 60000 && hour0 > now_ms() - 3600000 - 60000,
	      "the last hour is not the current one");

	/* Breached running clocks, earliest due first: 1021 (Fri 9 Oct 10:00), 1016 (Thu 22
	 * 09:00), 1014 (Mon 26 13:00, first response), 1012 (Mon 26 15:00). Nothing raised. */
	a = array_of(d, "attention");
	CHECK(a != NULL && a->via.array.size == ARRAY_LEN(attention), "attention: expected %zu",
	      ARRAY_LEN(attention));
	for (uint32_t i = 0; i < ARRAY_LEN(attention); i++)
		CHECK(pc_streq(&a->via.array.ptr[i], "key", attention[i]),
		      "attention[%u] is not %s", i, attention[i]);

	/* The watcher itself is logged in: online (once a computation after its login lands). */
	NEED(DASH(sup, &((struct dash_cond){.agent = "sup", .presence = "online"}), "sup online"));
	return true;
}

static bool test_dashboard_created_ticket(void)
{
	struct pc_msg *first, *first2, *p, *p2;
	struct pclient *sup = WATCHER("sup", &first);
	struct pclient *sup2 = WATCHER("sup2", &first2);
	struct pclient *ana = AGENT("ana");
	int64_t id, version, n_new, n_unassigned, created, hourly, t;

	NEED(sup && sup2 && ana);
	n_new = queue_val(first->map, "Service Desk", "n_new");
	n_unassigned = queue_val(first->map, "Service Desk", "n_unassigned");
	created = kpi_val(first->map, "created");
	hourly = hourly_created(first->map);
	CHECK(n_new != NONE && n_unassigned != NONE && created != NONE && hourly != NONE,
	      "first push lacks a count");

	/* A new, unassigned email ticket in the Service Desk, created today, this hour. */
	CREATE(ana, "Service Desk", 0, &id, &version);
	p = DASH(sup,
	         &((struct dash_cond){.queue = "Service Desk",
	                              .qkey = "n_new",
	                              .qval = n_new + 1,
	                              .kkey = "created",
	                              .kval = created + 1}),
	         "Service Desk n_new + 1 and kpi.created + 1");
	NEED(p);
	CHECK(queue_val(p->map, "Service Desk", "n_unassigned") == n_unassigned + 1,
	      "n_unassigned did not grow by one");
	CHECK(hourly_created(p->map) == hourly + 1, "hourly created did not grow by one");
	CHECK(queue_val(p->map, "Network", "n_new") == 0, "Network n_new changed");

	/* Both watching supervisors get that very push, byte for byte the same content. */
	t = pc_int_or(p->map, "time_ms", -1);
	p2 = DASH(sup2, &((struct dash_cond){.time_ms = t}), "the push sup got");
	NEED(p2);
	CHECK(msgpack_object_equal(*p->map, *p2->map), "sup and sup2 got different pushes");
	return true;
}

static bool test_dashboard_presence(void)
{
	struct pc_msg *first;
	struct pclient *ana = AGENT("ana");
	struct pclient *sup = WATCHER("sup", &first);

	NEED(ana && sup);
	NEED(DASH(sup, &((struct dash_cond){.agent = "ana", .presence = "online"}), "ana online"));
	EXPECT_ERR(CALL(ana, "agent.presence", "s", "state", "busy"), "bad_request",
	           "presence busy");
	EXPECT_OK(CALL(ana, "agent.presence", "s", "state", "away"), "presence away");
	NEED(DASH(sup, &((struct dash_cond){.agent = "ana", .presence = "away"}), "ana away"));
	EXPECT_OK(CALL(ana, "agent.presence", "s", "state", "online"), "presence online");
	NEED(DASH(sup, &((struct dash_cond){.agent = "ana", .presence = "online"}),
	          "ana online again"));
	return true;
}

struct want_sla {
	int64_t id;
	const char *level;
};

static bool sla_matches(const struct pc_msg *m, void *arg)
{
	const struct want_sla *w = arg;

	return pc_streq(m->map, "push", "sla") && pc_streq(m->map, "level", w->level) &&
	       pc_int_or(m->map, "ticket.id", -1) == w->id;
}

static bool test_dashboard_breach(void)
{
	struct pc_msg *first, *m, *p;
	struct pclient *sup = WATCHER("sup", &first);
	struct pclient *ana = AGENT("ana");
	struct want_sla w = {0, "breach"};
	int64_t rita, id, version, breached, res_decided, res_on_time;
	const msgpack_object *r;

	NEED(sup && ana);
	m = CALL(ana, "requester.search", "s", "q", "Rita Breach");
	EXPECT_OK(m, "requester.search");
	r = array_of(m->map, "requesters");
	CHECK(r != NULL && r->via.array.size == 1 && pc_int(&r->via.array.ptr[0], "id", &rita),
	      "requester Rita Breach not found");
	breached = queue_val(first->map, "Service Desk", "n_breached");
	res_decided = kpi_val(first->map, "res_decided");
	res_on_time = kpi_val(first->map, "res_on_time");
	CHECK(breached != NONE && res_decided != NONE && res_on_time != NONE,
	      "first push lacks a count");

	/* Breach Drill Ltd's policy: a 2-second resolution target, 24x7. */
	CREATE(ana, "Service Desk", rita, &id, &version);
	w.id = id;
	m = keep(pc_wait_push(sup, sla_matches, &w, SLA_WAIT_MS));
	CHECK(m != NULL, "no sla breach push for ticket %" PRId64 " within %d ms: %s", id,
	      SLA_WAIT_MS, pc_error(sup));
	CHECK(pc_streq(m->map, "kind", "resolution") && pc_int_or(m->map, "pct", -1) == 100,
	      "breach push: %s", describe(m));

	p = DASH(sup,
	         &((struct dash_cond){.queue = "Service Desk",
	                              .qkey = "n_breached",
	                              .qval = breached + 1,
	                              .attention = id}),
	         "Service Desk n_breached + 1 and the ticket in attention");
	NEED(p);
	/* Decided today by its breach: one more resolution clock, none more on time. */
	CHECK(kpi_val(p->map, "res_decided") == res_decided + 1,
	      "kpi.res_decided %" PRId64 ", expected %" PRId64, kpi_val(p->map, "res_decided"),
	      res_decided + 1);
	CHECK(kpi_val(p->map, "res_on_time") == res_on_time, "kpi.res_on_time changed");
	return true;
}

/* "Cancelled tickets are left out of SLA compliance" (docs/metrics.md), and a cancellation
 * is no first response: cancelling a ticket today must not add a decided clock or a time to
 * first response to today's KPIs. */
static bool test_dashboard_cancelled_kpi(void)
{
	struct pc_msg *first, *p;
	struct pclient *sup = WATCHER("sup", &first);
	struct pclient *ana = AGENT("ana");
	int64_t id, version, n_new, created, fr_decided, res_decided;
	bool ttfr_nil;
	struct pc_msg *m;

	NEED(sup && ana);
	n_new = queue_val(first->map, "Service Desk", "n_new");
	created = kpi_val(first->map, "created");
	fr_decided = kpi_val(first->map, "fr_decided");
	res_decided = kpi_val(first->map, "res_decided");
	ttfr_nil = pc_is_nil(pc_at(first->map, "kpi"), "ttfr_median_s");

	CREATE(ana, "Service Desk", 0, &id, &version);
	NEED(DASH(sup,
	          &((struct dash_cond){.queue = "Service Desk",
	                               .qkey = "n_new",
	                               .qval = n_new + 1,
	                               .kkey = "created",
	                               .kval = created + 1}),
	          "the new ticket"));
	m = CALL(ana, "ticket.update", "lls", "id", id, "version", version, "status", "cancelled");
	EXPECT_OK(m, "cancel");
	p = DASH(sup,
	         &((struct dash_cond){.queue = "Service Desk",
	                              .qkey = "n_new",
	                              .qval = n_new,
	                              .kkey = "created",
	                              .kval = created + 1}),
	         "the ticket cancelled");
	NEED(p);
	CHECK(kpi_val(p->map, "fr_decided") == fr_decided &&
	          kpi_val(p->map, "res_decided") == res_decided,
	      "a cancelled ticket counts in today's SLA compliance: fr_decided %" PRId64
	      " -> %" PRId64 ", res_decided %" PRId64 " -> %" PRId64,
	      fr_decided, kpi_val(p->map, "fr_decided"), res_decided,
	      kpi_val(p->map, "res_decided"));
	CHECK(!ttfr_nil || pc_is_nil(pc_at(p->map, "kpi"), "ttfr_median_s"),
	      "a cancellation counts as a first response in ttfr_median_s");
	return true;
}

/* ================================================================ main */

static const struct {
	const char *name;
	bool (*fn)(void);
} tests[] = {
    {"report sla", test_report_sla},
    {"report fcr", test_report_fcr},
    {"report first_response", test_report_first_response},
    {"report resolution", test_report_resolution},
    {"report backlog", test_report_backlog},
    {"report volume", test_report_volume},
    {"report workload", test_report_workload},
    {"report escalation", test_report_escalation},
    {"report escalation by top-level category", test_report_escalation_top_category},
    {"report trends", test_report_trends},
    {"report bad requests", test_report_bad_requests},
    {"report forbidden", test_report_forbidden},
    /* The dashboard tests run in this order: the first push sees the fixture alone. */
    {"dashboard first push", test_dashboard_first_push},
    {"dashboard created ticket", test_dashboard_created_ticket},
    {"dashboard presence", test_dashboard_presence},
    {"dashboard breach", test_dashboard_breach},
    {"dashboard cancelled ticket kpi", test_dashboard_cancelled_kpi},
};

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]) != NULL)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *host = getenv("DESK_HOST"), *port = getenv("DESK_PORT");
	int run = 0, failed = 0;
	int64_t p;

	if (host != NULL && *host != '\0')
		g_host = host;
	if (port != NULL && *port != '\0') {
		if (parse_i64(port, &p) < 0 || p < 1 || p > 65535) {
			fprintf(stderr, "reports: bad DESK_PORT '%s'\n", port);
			return 2;
		}
		g_port = (int)p;
	}
	printf("# deskd at %s:%d\n", g_host, g_port);
	for (size_t i = 0; i < ARRAY_LEN(tests); i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		bool ok = tests[i].fn();
		run++;
		if (ok) {
			printf("ok - %s\n", tests[i].name);
		} else {
			printf("not ok - %s: %s\n", tests[i].name, T.why[0] ? T.why : "failed");
			failed++;
		}
		fflush(stdout);
		test_cleanup();
	}
	printf("# %d tests, %d passed, %d failed\n", run, run - failed, failed);
	return failed == 0 ? 0 : 1;
}
