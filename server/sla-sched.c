/* sla-sched.c - the SLA scheduler. One cycle:
 *
 *   1. SELECT desk_sla_tick(): on this deskd's own connection, hold (or take) the scheduler's
 *      advisory lock and fire every step whose time has come (SQL, one transaction per call).
 *      -1 means another deskd holds the lock: try again in a second.
 *   2. Read the dirty clocks (desk_sla_dirty), compute their due, warning and next firing
 *      instants with common/sla.c on the cached calendars, write them back
 *      (desk_sla_computed). Repeat 1-2 while there is work.
 *   3. Ask for the earliest next firing and sleep until then (at most a second).
 *
 * NOTIFY desk_sla_dirty wakes the holder at once, so a new ticket's due time is known within
 * milliseconds; the firing timer makes steps fire within a second of their time. All state
 * lives in PostgreSQL: a restarted or replacement deskd picks up where the last one stopped,
 * and desk_sla_fire_due's row locks and step bookkeeping make every step fire once. */
#include "sla-sched.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bizcal.h"
#include "db.h"
#include "log.h"
#include "server.h"
#include "sla.h"
#include "tz.h"
#include "util.h"

#define FIRE_BATCH    200
#define COMPUTE_BATCH 500
#define IDLE_MS       1000 /* longest sleep: also how fast a standby notices the lock is free */

struct calendar {
	int id;
	struct tz *tz;
	struct bizcal *cal;
};

struct sla_sched {
	struct server *srv;
	struct db_pool *db; /* one connection: its session holds the advisory lock */
	struct event *ev_timer;
	bool busy;      /* a cycle is running */
	bool again;     /* something changed while it ran: run another */
	bool holder;    /* the last tick held the lock */
	bool cal_stale; /* reload calendars before computing */
	bool cal_redirty; /* after that reload, compute every open clock again */
	bool fired_last;  /* the last tick fired something */
	bool stopping;
	bool cal_fresh; /* calendars were loaded during this cycle */
	struct calendar *cals;
	int ncals;
};

static void cycle_start(struct sla_sched *s);
static void cycle_end(struct sla_sched *s, int64_t sleep_ms);

/* ---------------------------------------------------------------- text building */

struct sbuf {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		size_t room = b->cap - b->len;
		va_start(ap, fmt);
		int n = vsnprintf(b->p != NULL ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 64;
		b->p = xrealloc(b->p, b->cap);
	}
}

/* Append one element of a PostgreSQL array literal: a number or NULL. */
static void sb_elem(struct sbuf *b, bool first, bool null, int64_t v)
{
	if (null)
		sb_printf(b, "%sNULL", first ? "" : ",");
	else
		sb_printf(b, "%s%" PRId64, first ? "" : ",", v);
}

/* ---------------------------------------------------------------- calendars */

static void calendars_clear(struct sla_sched *s)
{
	for (int i = 0; i < s->ncals; i++) {
		bizcal_free(s->cals[i].cal);
		tz_free(s->cals[i].tz);
	}
	free(s->cals);
	s->cals = NULL;
	s->ncals = 0;
}

static const struct bizcal *calendar_find(const struct sla_sched *s, int id, bool *known)
{
	for (int i = 0; i < s->ncals; i++) {
		if (s->cals[i].id == id) {
			*known = true;
			return s->cals[i].cal;
		}
	}
	*known = false;
	return NULL;
}

/* "1 540 1020,2 540 1020" -> intervals. Bad parts are logged and skipped. */
static void parse_hours(struct bizcal *cal, int id, const char *spec)
{
	const char *p = spec;

	while (p != NULL && *p != '\0') {
		int w, a, b, used = 0;
		if (sscanf(p, "%d %d %d%n", &w, &a, &b, &used) != 3 ||
		    bizcal_add_interval(cal, w, a, b) != 0)
			log_warn("sla: calendar %d: ignoring working hours '%.40s'", id, p);
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
}

static void parse_holidays(struct bizcal *cal, int id, const char *spec)
{
	const char *p = spec;

	while (p != NULL && *p != '\0') {
		int y, m, d;
		if (sscanf(p, "%d-%d-%d", &y, &m, &d) != 3 || bizcal_add_holiday(cal, y, m, d) != 0)
			log_warn("sla: calendar %d: ignoring holiday '%.12s'", id, p);
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
}

static void calendars_load(struct sla_sched *s, const PGresult *res)
{
	int n = PQntuples(res);

	calendars_clear(s);
	s->cals = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*s->cals));
	for (int row = 0; row < n; row++) {
		struct calendar *c = &s->cals[s->ncals++];
		const char *zone = db_get(res, row, 1);
		char *err = NULL;

		c->id = (int)db_get_int(res, row, 0);
		c->tz = tz_load(zone, &err);
		if (c->tz == NULL) {
			log_warn("sla: calendar %d: time zone '%s': %s; using UTC", c->id, zone, err);
			free(err);
			c->tz = tz_load("UTC", &err);
		}
		c->cal = bizcal_new(c->tz);
		bizcal_set_24x7(c->cal, db_get(res, row, 2)[0] == 't');
		parse_hours(c->cal, c->id, db_get(res, row, 3));
		parse_holidays(c->cal, c->id, db_get(res, row, 4));
	}
	s->cal_fresh = true;
	log_debug("sla: %d calendars loaded", s->ncals);
}

/* ---------------------------------------------------------------- computing clocks */

struct clock_in {
	int64_t start, target, met; /* Unix seconds; target in business seconds */
	bool has_start, has_target, has_met, has_next;
	int warn_pct, next_pct;
	struct sla_pause *pauses;
	size_t npauses;
};

struct clock_out {
	bool has_due, has_warn, has_next, has_left, has_elapsed;
	int64_t due_ms, warn_ms, next_ms, left_s, paused_s, elapsed_s;
};

/* "from:to,from:" (Unix seconds, an empty `to` is still open), ascending. */
static size_t parse_pauses(const char *spec, struct sla_pause **out)
{
	size_t n = 0, cap = 0;
	struct sla_pause *v = NULL;
	const char *p = spec;

	while (p != NULL && *p != '\0') {
		long long a, b;
		int used = 0;
		if (sscanf(p, "%lld:%n", &a, &used) == 1 && used > 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 4;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[n].from = a;
			v[n].to = sscanf(p + used, "%lld", &b) == 1 ? b : SLA_OPEN;
			if (v[n].to < v[n].from)
				v[n].to = v[n].from;
			n++;
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	*out = v;
	return n;
}

static bool is_instant(int64_t t)
{
	return t != SLA_PAUSED && t != BIZCAL_NEVER && t != BIZCAL_INVALID;
}

static void clock_compute(const struct bizcal *cal, const struct clock_in *in,
                          struct clock_out *out)
{
	memset(out, 0, sizeof(*out));
	if (!in->has_start || !in->has_target)
		return;
	for (size_t i = 0; i < in->npauses; i++) {
		const struct sla_pause *p = &in->pauses[i];
		if (p->to != SLA_OPEN)
			out->paused_s += sla_paused(cal, in->start, p->to, p, 1);
	}
	int64_t due = sla_due(cal, in->start, in->target, in->pauses, in->npauses);
	int64_t warn = sla_due(cal, in->start, sla_share(in->target, in->warn_pct), in->pauses,
	                       in->npauses);
	if ((out->has_due = is_instant(due)))
		out->due_ms = due * 1000;
	if ((out->has_warn = is_instant(warn)))
		out->warn_ms = warn * 1000;
	if (in->npauses > 0 && in->pauses[in->npauses - 1].to == SLA_OPEN && !in->has_met) {
		/* Paused now: what was left when the pause began (negative when it began after the
		 * due time, which then stays as it was). */
		int64_t from = in->pauses[in->npauses - 1].from;
		out->has_left = true;
		out->left_s = in->target - sla_elapsed(cal, in->start, from, in->pauses, in->npauses);
	}
	if (in->has_met) {
		/* What reports measure: business time to respond or resolve, pauses excluded. */
		out->has_elapsed = true;
		out->elapsed_s = sla_elapsed(cal, in->start, in->met, in->pauses, in->npauses);
		return;
	}
	if (!in->has_next || due == SLA_PAUSED)
		return;
	int64_t next = sla_due(cal, in->start, sla_share(in->target, in->next_pct), in->pauses,
	                       in->npauses);
	if ((out->has_next = is_instant(next)))
		out->next_ms = next * 1000;
}

/* ---------------------------------------------------------------- the cycle */

static void computed_done(PGresult *res, void *arg)
{
	struct sla_sched *s = arg;

	if (s->stopping)
		return;
	if (!db_ok(res)) {
		log_warn("sla: storing computed clocks failed: %s",
		         res != NULL ? PQresultErrorMessage(res) : "no connection");
		cycle_end(s, IDLE_MS);
		return;
	}
	/* There may be more dirty clocks, or the new ones may already be due. */
	cycle_start(s);
}

static void compute_rows(struct sla_sched *s, const PGresult *res)
{
	int n = PQntuples(res);
	struct sbuf ids = {0}, kinds = {0}, revs = {0}, due = {0}, warn = {0}, next = {0};
	struct sbuf paused = {0}, left = {0}, elapsed = {0};
	struct sbuf *all[] = {&ids, &kinds, &revs, &due, &warn, &next, &paused, &left, &elapsed};
	int done = 0;

	for (size_t i = 0; i < ARRAY_LEN(all); i++)
		sb_printf(all[i], "{");
	for (int row = 0; row < n; row++) {
		struct clock_in in = {0};
		struct clock_out out;
		bool known = true;
		const struct bizcal *cal = NULL;

		if (!PQgetisnull(res, row, 3)) {
			cal = calendar_find(s, (int)db_get_int(res, row, 3), &known);
			if (!known && !s->cal_fresh) {
				/* Created after our last load: reload, and compute it then. */
				s->cal_stale = true;
				s->again = true;
				continue;
			}
			if (!known)
				log_warn("sla: calendar %s is missing; counting every second",
				         db_get(res, row, 3));
		}
		in.has_start = !PQgetisnull(res, row, 4);
		in.start = in.has_start ? db_get_int(res, row, 4) : 0;
		in.has_target = !PQgetisnull(res, row, 5);
		in.target = in.has_target ? db_get_int(res, row, 5) : 0;
		in.warn_pct = (int)db_get_int(res, row, 6);
		in.has_next = !PQgetisnull(res, row, 7);
		in.next_pct = in.has_next ? (int)db_get_int(res, row, 7) : 0;
		in.has_met = !PQgetisnull(res, row, 8);
		in.met = in.has_met ? db_get_int(res, row, 8) : 0;
		in.npauses = parse_pauses(db_get(res, row, 9), &in.pauses);
		clock_compute(cal, &in, &out);
		free(in.pauses);

		bool first = done == 0;
		sb_elem(&ids, first, false, db_get_int(res, row, 0));
		sb_printf(&kinds, "%s%s", first ? "" : ",", db_get(res, row, 1));
		sb_elem(&revs, first, false, db_get_int(res, row, 2));
		sb_elem(&due, first, !out.has_due, out.due_ms);
		sb_elem(&warn, first, !out.has_warn, out.warn_ms);
		sb_elem(&next, first, !out.has_next, out.next_ms);
		sb_elem(&paused, first, false, out.paused_s);
		sb_elem(&left, first, !out.has_left, out.left_s);
		sb_elem(&elapsed, first, !out.has_elapsed, out.elapsed_s);
		done++;
	}
	struct db_query *q = db_query_new(
	    "SELECT desk_sla_computed($1::bigint[], $2::text[], $3::bigint[], $4::bigint[],"
	    " $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])");
	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		sb_printf(all[i], "}");
		db_param(q, all[i]->p, all[i]->len);
		free(all[i]->p);
	}
	if (done == 0) {
		db_query_free(q);
		cycle_start(s); /* only unknown calendars: reload them */
		return;
	}
	log_debug("sla: computed %d clocks", done);
	db_submit(s->db, q, computed_done, s);
}

static void next_done(PGresult *res, void *arg)
{
	struct sla_sched *s = arg;
	int64_t sleep_ms = IDLE_MS;

	if (s->stopping)
		return;
	if (db_ok(res) && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		int64_t wait = db_get_int(res, 0, 0);
		/* A few ms late rather than early: the step fires once its time has passed. A step
		 * already due that the last tick did not fire waits for a lock someone holds:
		 * look again shortly rather than spin. */
		if (wait < 0)
			sleep_ms = s->fired_last ? 0 : 100;
		else
			sleep_ms = wait + 5;
		if (sleep_ms > IDLE_MS)
			sleep_ms = IDLE_MS;
	}
	cycle_end(s, sleep_ms);
}

static void dirty_done(PGresult *res, void *arg)
{
	struct sla_sched *s = arg;

	if (s->stopping)
		return;
	if (!db_ok(res)) {
		log_warn("sla: reading clocks failed: %s",
		         res != NULL ? PQresultErrorMessage(res) : "no connection");
		cycle_end(s, IDLE_MS);
		return;
	}
	if (PQntuples(res) > 0) {
		compute_rows(s, res);
		return;
	}
	struct db_query *q = db_query_new(
	    "SELECT desk_ms(min(next_fire_at)) - desk_ms(clock_timestamp()) FROM ticket_sla"
	    " WHERE next_fire_at IS NOT NULL");
	db_submit(s->db, q, next_done, s);
}

static void read_dirty(struct sla_sched *s)
{
	struct db_query *q = db_query_new("SELECT * FROM desk_sla_dirty($1::int)");

	db_param_int(q, COMPUTE_BATCH);
	db_submit(s->db, q, dirty_done, s);
}

static void redirty_done(PGresult *res, void *arg)
{
	struct sla_sched *s = arg;

	if (s->stopping)
		return;
	if (!db_ok(res)) {
		log_warn("sla: marking clocks for a new calendar failed: %s",
		         res != NULL ? PQresultErrorMessage(res) : "no connection");
		s->cal_redirty = true;
		s->cal_stale = true;
		cycle_end(s, IDLE_MS);
		return;
	}
	read_dirty(s);
}

static void calendars_done(PGresult *res, void *arg)
{
	struct sla_sched *s = arg;

	if (s->stopping)
		return;
	if (!db_ok(res)) {
		log_warn("sla: loading calendars failed: %s",
		         res != NULL ? PQresultErrorMessage(res) : "no connection");
		cycle_end(s, IDLE_MS);
		return;
	}
	calendars_load(s, res);
	if (s->cal_redirty) {
		/* Clocks computed between the change and this reload used the old calendar. */
		s->cal_redirty = false;
		db_submit(s->db, db_query_new("SELECT desk_sla_touch_open()"), redirty_done, s);
		return;
	}
	read_dirty(s);
}

static void tick_done(PGresult *res, void *arg)
{
	struct sla_sched *s = arg;

	if (s->stopping)
		return;
	if (!db_ok(res) || PQntuples(res) != 1) {
		if (s->holder)
			log_warn("sla: scheduler tick failed (%s); retrying",
			         res != NULL ? PQresultErrorMessage(res) : "no connection");
		s->holder = false;
		cycle_end(s, IDLE_MS);
		return;
	}
	int64_t fired = db_get_int(res, 0, 0);
	if (fired < 0) {
		if (s->holder)
			log_info("sla: another deskd schedules SLA events now");
		s->holder = false;
		cycle_end(s, IDLE_MS);
		return;
	}
	if (!s->holder) {
		log_info("sla: this deskd schedules SLA events");
		s->holder = true;
		s->cal_stale = true;
	}
	s->fired_last = fired > 0;
	if (fired > 0) {
		log_debug("sla: fired %" PRId64 " steps", fired);
		s->again = true; /* their clocks are dirty now; and there may be more due */
	}
	if (s->cal_stale) {
		/* Cleared now, not when the answer comes: a change notified meanwhile sets it
		 * again and causes another reload. */
		s->cal_stale = false;
		db_submit(s->db, db_query_new("SELECT id, tz, always, hours, holidays"
		                              " FROM calendar_spec ORDER BY id"),
		          calendars_done, s);
		return;
	}
	read_dirty(s);
}

static void cycle_start(struct sla_sched *s)
{
	struct db_query *q = db_query_new("SELECT desk_sla_tick($1::int)");

	s->busy = true;
	s->again = false;
	s->cal_fresh = false;
	db_param_int(q, FIRE_BATCH);
	db_submit(s->db, q, tick_done, s);
}

static void cycle_end(struct sla_sched *s, int64_t sleep_ms)
{
	struct timeval tv;

	s->busy = false;
	if (s->again && s->holder)
		sleep_ms = 0;
	tv.tv_sec = (time_t)(sleep_ms / 1000);
	tv.tv_usec = (suseconds_t)(sleep_ms % 1000) * 1000;
	evtimer_add(s->ev_timer, &tv);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sla_sched *s = arg;

	(void)fd;
	(void)what;
	if (!s->busy && !s->stopping)
		cycle_start(s);
}

/* ---------------------------------------------------------------- interface */

struct sla_sched *sla_sched_new(struct server *srv)
{
	struct sla_sched *s = xcalloc(1, sizeof(*s));
	struct timeval now = {0, 0};

	s->srv = srv;
	s->db = db_pool_new(srv->base, srv->cfg->db, 1);
	s->ev_timer = evtimer_new(srv->base, timer_cb, s);
	s->cal_stale = true;
	evtimer_add(s->ev_timer, &now);
	return s;
}

void sla_sched_free(struct sla_sched *s)
{
	if (s == NULL)
		return;
	s->stopping = true;
	db_pool_free(s->db); /* runs the pending callbacks, which see `stopping` */
	event_free(s->ev_timer);
	calendars_clear(s);
	free(s);
}

void sla_sched_kick(struct sla_sched *s)
{
	struct timeval now = {0, 0};

	if (s == NULL || !s->holder)
		return; /* a standby has nothing to do until it holds the lock */
	if (s->busy) {
		s->again = true;
		return;
	}
	evtimer_add(s->ev_timer, &now);
}

void sla_sched_config_changed(struct sla_sched *s)
{
	if (s == NULL)
		return;
	s->cal_stale = true;
	s->cal_redirty = true;
	sla_sched_kick(s);
}

bool sla_sched_is_holder(const struct sla_sched *s)
{
	return s != NULL && s->holder;
}
