/* cli.c - desk's subcommands for scripts. Each run: connect (the console's own connection
 * layer, conn.c), log in, look up whatever was given by name (a ticket key, a queue name, an
 * agent login), send the one request, print the answer, exit with a code from enum cli_exit.
 * Nothing is retried: a command whose connection broke exits with CLI_UNAVAILABLE, and
 * changes carry the ticket's version, so a stale one fails with CLI_CONFLICT. */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "proto.h"
#include "utf8.h"
#include "util.h"

enum fmt { FMT_TABLE, FMT_CSV, FMT_JSON };

enum cmd {
	CMD_TICKET_CREATE,
	CMD_TICKET_SHOW,
	CMD_TICKET_LIST,
	CMD_TICKET_UPDATE,
	CMD_TICKET_COMMENT,
	CMD_TICKET_ESCALATE,
	CMD_QUEUE_LIST,
	CMD_REPORT,
};

static const struct {
	const char *group, *verb;
	enum cmd cmd;
	bool needs_ticket; /* a KEY (or id) argument */
} commands[] = {
    {"ticket", "create", CMD_TICKET_CREATE, false},
    {"ticket", "show", CMD_TICKET_SHOW, true},
    {"ticket", "list", CMD_TICKET_LIST, false},
    {"ticket", "update", CMD_TICKET_UPDATE, true},
    {"ticket", "comment", CMD_TICKET_COMMENT, true},
    {"ticket", "escalate", CMD_TICKET_ESCALATE, true},
    {"queue", "list", CMD_QUEUE_LIST, false},
    {"report", NULL, CMD_REPORT, false},
};

struct cli {
	struct event_base *base;
	struct conn *conn;
	const char *user;
	char *password;
	enum fmt fmt;
	enum cmd cmd;
	int rc;
	bool done, was_ready;
	int pending; /* look-ups outstanding */
	int64_t my_id;

	/* What was asked, as given. */
	const char *ticket_ref, *queue_ref, *assignee_ref, *report;
	const char *subject, *description, *type, *channel, *status, *res_code, *res_note;
	const char *body, *kind, *reason, *tried, *sort, *from, *to, *group_by;
	int64_t impact, urgency, requester, category, minutes, limit;
	bool open_only, desc, has_desc;

	/* Looked up. */
	int64_t ticket_id, version, queue_id, assignee_id;
	bool unassign;
};

static struct cli cli;

/* ---------------------------------------------------------------- small helpers */

static void finish(int rc)
{
	if (cli.done)
		return;
	cli.done = true;
	cli.rc = rc;
	event_base_loopbreak(cli.base);
}

static int exit_for_error(int code)
{
	switch (code) {
	case E_AUTH_FAILED:
	case E_NOT_AUTHENTICATED:
		return CLI_AUTH;
	case E_FORBIDDEN:
		return CLI_FORBIDDEN;
	case E_NOT_FOUND:
		return CLI_NOT_FOUND;
	case E_STALE_VERSION:
	case E_INVALID_TRANSITION:
	case E_CONFLICT:
		return CLI_CONFLICT;
	case E_BAD_REQUEST:
		return CLI_BAD_REQUEST;
	case E_UNAVAILABLE:
	case E_BUSY:
		return CLI_UNAVAILABLE;
	default:
		return CLI_ERROR;
	}
}

/* A reply that is not ok (or a lost connection): say why and stop. Returns true if so. */
static bool failed(const msgpack_object *reply, const char *what)
{
	char why[300];

	if (cli.done)
		return true; /* e.g. requests failed while the connection is torn down */
	if (reply == NULL) {
		fprintf(stderr, "desk: %s: connection lost; it may or may not have been done\n",
		        what);
		finish(CLI_UNAVAILABLE);
		return true;
	}
	if (reply_ok(reply))
		return false;
	reply_error_text(reply, why, sizeof(why));
	fprintf(stderr, "desk: %s: %s\n", what, why);
	finish(exit_for_error(reply_error_code(reply)));
	return true;
}

static bool is_number(const char *s, int64_t *v)
{
	return s != NULL && parse_i64(s, v) == 0 && *v > 0;
}

static const char *str_or(const msgpack_object *map, const char *key, char *buf, size_t len,
                          const char *dflt)
{
	const msgpack_object *o = mp_get(map, key);

	if (o == NULL || o->type != MSGPACK_OBJECT_STR)
		return dflt;
	size_t n = o->via.str.size < len - 1 ? o->via.str.size : len - 1;
	memcpy(buf, o->via.str.ptr, n);
	buf[n] = '\0';
	return buf;
}

static int64_t int_or(const msgpack_object *map, const char *key, int64_t dflt)
{
	const msgpack_object *o = mp_get(map, key);

	return mp_is_int(o) ? mp_int(o) : dflt;
}

/* "2026-11-23T14:05:00Z", or "" for 0. */
static const char *iso_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || gmtime_r(&t, &tm) == NULL) {
		buf[0] = '\0';
		return buf;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* "1h05m", "-12m", "3d4h" for a time left in seconds. */
static const char *span(int64_t secs, char *buf, size_t len)
{
	const char *sign = secs < 0 ? "-" : "";
	int64_t s = secs < 0 ? -secs : secs;

	if (s >= 86400)
		snprintf(buf, len, "%s%" PRId64 "d%02" PRId64 "h", sign, s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%s%" PRId64 "h%02" PRId64 "m", sign, s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%s%" PRId64 "m%02" PRId64 "s", sign, s / 60, s % 60);
	return buf;
}

/* ---------------------------------------------------------------- JSON */

static void json_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The server validated every string as UTF-8, so bytes pass through. */
static void json_value(const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		fputs("null", stdout);
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		fputs(o->via.boolean ? "true" : "false", stdout);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		printf("%" PRIu64, o->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		printf("%" PRId64, o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		printf("%.15g", o->via.f64);
		break;
	case MSGPACK_OBJECT_STR:
		json_str(o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		putchar('[');
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			if (i)
				putchar(',');
			json_value(&o->via.array.ptr[i]);
		}
		putchar(']');
		break;
	case MSGPACK_OBJECT_MAP:
		putchar('{');
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object_kv *kv = &o->via.map.ptr[i];
			if (i)
				putchar(',');
			if (kv->key.type == MSGPACK_OBJECT_STR)
				json_str(kv->key.via.str.ptr, kv->key.via.str.size);
			else
				fputs("\"?\"", stdout);
			putchar(':');
			json_value(&kv->val);
		}
		putchar('}');
		break;
	default:
		fputs("null", stdout);
	}
}

/* A reply map without its envelope (rid, ok). */
static void json_reply(const msgpack_object *reply)
{
	bool first = true;

	putchar('{');
	for (uint32_t i = 0; i < reply->via.map.size; i++) {
		const msgpack_object_kv *kv = &reply->via.map.ptr[i];
		if (mp_streq(&kv->key, "rid") || mp_streq(&kv->key, "ok"))
			continue;
		if (!first)
			putchar(',');
		first = false;
		json_value(&kv->key);
		putchar(':');
		json_value(&kv->val);
	}
	puts("}");
}

/* ---------------------------------------------------------------- tables and CSV */

/* A grid of cells, printed as an aligned table or as CSV. */
struct grid {
	int ncols, nrows;
	char **cells; /* row-major, nrows x ncols; row 0 is the header */
};

static void grid_init(struct grid *g, int ncols, const char *const *header)
{
	g->ncols = ncols;
	g->nrows = 0;
	g->cells = NULL;
	g->cells = xrealloc(g->cells, sizeof(char *) * (size_t)ncols);
	for (int c = 0; c < ncols; c++)
		g->cells[c] = xstrdup(header[c]);
	g->nrows = 1;
}

static void grid_add_row(struct grid *g, char **row)
{
	g->cells = xrealloc(g->cells, sizeof(char *) * (size_t)g->ncols * (size_t)(g->nrows + 1));
	for (int c = 0; c < g->ncols; c++)
		g->cells[g->nrows * g->ncols + c] = row[c];
	g->nrows++;
}

static void csv_cell(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* Table cells are one line: control characters become spaces. */
static void table_cell(const char *s, int width, bool last)
{
	int w = 0;

	for (const char *p = s; *p; p++)
		putchar((unsigned char)*p < 0x20 ? ' ' : *p);
	w = utf8_width(s, strlen(s));
	if (!last)
		for (; w < width + 2; w++)
			putchar(' ');
}

static void grid_print(struct grid *g, enum fmt fmt)
{
	int *width = xcalloc((size_t)g->ncols, sizeof(int));

	for (int r = 0; r < g->nrows; r++)
		for (int c = 0; c < g->ncols; c++) {
			const char *s = g->cells[r * g->ncols + c];
			int w = utf8_width(s, strlen(s));
			if (w > width[c])
				width[c] = w;
		}
	for (int r = 0; r < g->nrows; r++) {
		for (int c = 0; c < g->ncols; c++) {
			const char *s = g->cells[r * g->ncols + c];
			if (fmt == FMT_CSV) {
				if (c)
					putchar(',');
				csv_cell(s);
			} else {
				table_cell(s, width[c], c == g->ncols - 1);
			}
		}
		putchar(fmt == FMT_CSV ? '\r' : '\n');
		if (fmt == FMT_CSV)
			putchar('\n');
	}
	for (int i = 0; i < g->nrows * g->ncols; i++)
		free(g->cells[i]);
	free(g->cells);
	free(width);
}

/* ---------------------------------------------------------------- tickets */

static const char *const ticket_header[] = {"key",      "priority", "status",    "type",
                                            "queue",    "assignee", "requester", "created",
                                            "sla_left", "subject"};
#define TICKET_NCOLS ((int)ARRAY_LEN(ticket_header))

static void ticket_row(const msgpack_object *t, char **row)
{
	char buf[512];
	int64_t due = int_or(t, "sla_due_ms", 0);

	row[0] = xstrdup(str_or(t, "key", buf, sizeof(buf), ""));
	row[1] = xasprintf("P%" PRId64, int_or(t, "priority", 4));
	row[2] = xstrdup(str_or(t, "status", buf, sizeof(buf), ""));
	row[3] = xstrdup(str_or(t, "type", buf, sizeof(buf), ""));
	row[4] = xstrdup(str_or(t, "queue", buf, sizeof(buf), ""));
	row[5] = xstrdup(str_or(t, "assignee", buf, sizeof(buf), ""));
	row[6] = xstrdup(str_or(t, "requester", buf, sizeof(buf), ""));
	row[7] = xstrdup(iso_time(int_or(t, "created_ms", 0), buf, sizeof(buf)));
	row[8] = xstrdup(due ? span((due - conn_server_now(cli.conn)) / 1000, buf, sizeof(buf))
	                     : "");
	row[9] = xstrdup(str_or(t, "subject", buf, sizeof(buf), ""));
}

static void print_tickets(const msgpack_object *arr)
{
	struct grid g;

	if (cli.fmt == FMT_JSON) {
		json_value(arr);
		putchar('\n');
		return;
	}
	grid_init(&g, TICKET_NCOLS, ticket_header);
	for (uint32_t i = 0; arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY && i < arr->via.array.size;
	     i++) {
		char *row[TICKET_NCOLS];
		ticket_row(&arr->via.array.ptr[i], row);
		grid_add_row(&g, row);
	}
	grid_print(&g, cli.fmt);
}

static const char *clock_label(const char *kind)
{
	if (strcmp(kind, "first_response") == 0)
		return "First response";
	if (strcmp(kind, "resolution") == 0)
		return "Resolution";
	if (strcmp(kind, "next_update") == 0)
		return "Next update";
	return kind;
}

static void print_clocks(const msgpack_object *t)
{
	const msgpack_object *sla = mp_get(t, "sla");
	char kind[32], state[32], tbuf[40], lbuf[40];

	if (sla == NULL || sla->type != MSGPACK_OBJECT_ARRAY)
		return;
	for (uint32_t i = 0; i < sla->via.array.size; i++) {
		const msgpack_object *c = &sla->via.array.ptr[i];
		int64_t due = int_or(c, "due_ms", 0), met = int_or(c, "met_ms", 0);
		str_or(c, "kind", kind, sizeof(kind), "?");
		str_or(c, "state", state, sizeof(state), "?");
		printf("  %-15s %-9s", clock_label(kind), state);
		if (met)
			printf(" met %s", iso_time(met, tbuf, sizeof(tbuf)));
		else if (mp_is_int(mp_get(c, "paused_since_ms")))
			printf(" paused, %s left",
			       span(int_or(c, "left_s", 0), lbuf, sizeof(lbuf)));
		else if (due)
			printf(" due %s (%s left)", iso_time(due, tbuf, sizeof(tbuf)),
			       span((due - conn_server_now(cli.conn)) / 1000, lbuf, sizeof(lbuf)));
		putchar('\n');
	}
}

/* One ticket, with its history when the reply has one (ticket show). */
static void print_ticket(const msgpack_object *reply)
{
	const msgpack_object *t = mp_get(reply, "ticket");
	char a[512], b[512], c[64];

	if (t == NULL || t->type != MSGPACK_OBJECT_MAP) {
		fprintf(stderr, "desk: the reply carries no ticket\n");
		finish(CLI_ERROR);
		return;
	}
	if (cli.fmt == FMT_JSON) {
		json_reply(reply);
		return;
	}
	if (cli.fmt == FMT_CSV) {
		struct grid g;
		char *row[TICKET_NCOLS];
		grid_init(&g, TICKET_NCOLS, ticket_header);
		ticket_row(t, row);
		grid_add_row(&g, row);
		grid_print(&g, FMT_CSV);
		return;
	}
	printf("%s  %s\n", str_or(t, "key", a, sizeof(a), "?"), str_or(t, "subject", b, sizeof(b), ""));
	printf("  Status     %s, P%" PRId64 ", %s\n", str_or(t, "status", a, sizeof(a), "?"),
	       int_or(t, "priority", 4), str_or(t, "type", b, sizeof(b), ""));
	printf("  Queue      %s (tier %" PRId64 ")\n", str_or(t, "queue", a, sizeof(a), "?"),
	       int_or(t, "tier", 1));
	printf("  Assignee   %s\n", str_or(t, "assignee", a, sizeof(a), "-"));
	printf("  Requester  %s\n", str_or(t, "requester", a, sizeof(a), "-"));
	printf("  Created    %s via %s\n", iso_time(int_or(t, "created_ms", 0), c, sizeof(c)),
	       str_or(t, "channel", a, sizeof(a), "?"));
	if (mp_get(t, "resolution_code") && mp_get(t, "resolution_code")->type == MSGPACK_OBJECT_STR)
		printf("  Resolution %s: %s\n", str_or(t, "resolution_code", a, sizeof(a), ""),
		       str_or(t, "resolution_note", b, sizeof(b), ""));
	if (mp_get(t, "sla_policy") && mp_get(t, "sla_policy")->type == MSGPACK_OBJECT_STR) {
		printf("  SLA        %s\n", str_or(t, "sla_policy", a, sizeof(a), ""));
		print_clocks(t);
	}
	const msgpack_object *d = mp_get(t, "description");
	if (d != NULL && d->type == MSGPACK_OBJECT_STR && d->via.str.size > 0)
		printf("\n%.*s\n", (int)d->via.str.size, d->via.str.ptr);

	const msgpack_object *cm = mp_get(reply, "comments");
	if (cm != NULL && cm->type == MSGPACK_OBJECT_ARRAY && cm->via.array.size > 0) {
		puts("\nConversation:");
		for (uint32_t i = 0; i < cm->via.array.size; i++) {
			const msgpack_object *x = &cm->via.array.ptr[i];
			printf("  %s %s (%s): %s\n", iso_time(int_or(x, "at_ms", 0), c, sizeof(c)),
			       str_or(x, "author", a, sizeof(a), "?"),
			       str_or(x, "kind", b, sizeof(b), "?"),
			       str_or(x, "body", b + 64, sizeof(b) - 64, ""));
		}
	}
	const msgpack_object *ev = mp_get(reply, "events");
	if (ev != NULL && ev->type == MSGPACK_OBJECT_ARRAY && ev->via.array.size > 0) {
		puts("\nHistory:");
		for (uint32_t i = 0; i < ev->via.array.size; i++) {
			const msgpack_object *x = &ev->via.array.ptr[i];
			char f[64], o[128], n[128], note[256];
			printf("  %s %-8s %s", iso_time(int_or(x, "at_ms", 0), c, sizeof(c)),
			       str_or(x, "actor", a, sizeof(a), "system"),
			       str_or(x, "kind", b, sizeof(b), "?"));
			if (str_or(x, "field", f, sizeof(f), NULL) != NULL)
				printf(" %s: %s -> %s", f, str_or(x, "old", o, sizeof(o), "-"),
				       str_or(x, "new", n, sizeof(n), "-"));
			if (str_or(x, "note", note, sizeof(note), NULL) != NULL)
				printf(" (%s)", note);
			putchar('\n');
		}
	}
}

/* ---------------------------------------------------------------- the main request */

static void main_done(const msgpack_object *reply, void *arg)
{
	const char *what = arg;

	if (failed(reply, what))
		return;
	switch (cli.cmd) {
	case CMD_TICKET_LIST:
		print_tickets(mp_get(reply, "tickets"));
		if (cli.fmt == FMT_TABLE)
			printf("(%" PRId64 " of %" PRId64 "%s)\n",
			       mp_get(reply, "tickets") ? (int64_t)mp_get(reply, "tickets")->via.array.size : 0,
			       int_or(reply, "total", 0), mp_true(reply, "total_capped") ? "+" : "");
		break;
	case CMD_QUEUE_LIST: {
		const msgpack_object *qs = mp_get(reply, "queues");
		static const char *const hdr[] = {"id", "name", "tier", "open"};
		struct grid g;
		if (cli.fmt == FMT_JSON) {
			json_value(qs);
			putchar('\n');
			break;
		}
		grid_init(&g, 4, hdr);
		for (uint32_t i = 0; qs != NULL && qs->type == MSGPACK_OBJECT_ARRAY && i < qs->via.array.size; i++) {
			const msgpack_object *q = &qs->via.array.ptr[i];
			char buf[256], *row[4];
			row[0] = xasprintf("%" PRId64, int_or(q, "id", 0));
			row[1] = xstrdup(str_or(q, "name", buf, sizeof(buf), ""));
			row[2] = xasprintf("%" PRId64, int_or(q, "tier", 1));
			row[3] = xasprintf("%" PRId64, int_or(q, "open", 0));
			grid_add_row(&g, row);
		}
		grid_print(&g, cli.fmt);
		break;
	}
	case CMD_REPORT: {
		const msgpack_object *cols = mp_get(reply, "columns"), *rows = mp_get(reply, "rows");
		if (cols == NULL || cols->type != MSGPACK_OBJECT_ARRAY || rows == NULL ||
		    rows->type != MSGPACK_OBJECT_ARRAY) {
			fprintf(stderr, "desk: report: malformed reply\n");
			finish(CLI_ERROR);
			return;
		}
		uint32_t nc = cols->via.array.size;
		if (cli.fmt == FMT_JSON) {
			/* Rows as objects keyed by column: what scripts want. */
			char buf[256];
			printf("{\"report\":");
			json_value(mp_get(reply, "report"));
			printf(",\"from\":\"%s\",\"to\":\"%s\",\"group_by\":\"%s\",\"rows\":[",
			       cli.from, cli.to, str_or(reply, "group_by", buf, sizeof(buf), "all"));
			for (uint32_t r = 0; r < rows->via.array.size; r++) {
				const msgpack_object *row = &rows->via.array.ptr[r];
				printf("%s{", r ? "," : "");
				for (uint32_t c = 0; c < nc && row->type == MSGPACK_OBJECT_ARRAY &&
				                     c < row->via.array.size;
				     c++) {
					if (c)
						putchar(',');
					json_value(&cols->via.array.ptr[c]);
					putchar(':');
					json_value(&row->via.array.ptr[c]);
				}
				putchar('}');
			}
			puts("]}");
			break;
		}
		char **hdr = xcalloc(nc, sizeof(char *));
		for (uint32_t c = 0; c < nc; c++)
			if ((hdr[c] = mp_strdup(&cols->via.array.ptr[c])) == NULL)
				hdr[c] = xstrdup("?");
		struct grid g;
		grid_init(&g, (int)nc, (const char *const *)hdr);
		for (uint32_t c = 0; c < nc; c++)
			free(hdr[c]);
		free(hdr);
		for (uint32_t r = 0; r < rows->via.array.size; r++) {
			const msgpack_object *row = &rows->via.array.ptr[r];
			char **cells = xcalloc(nc, sizeof(char *));
			for (uint32_t c = 0; c < nc; c++) {
				const msgpack_object *v = row->type == MSGPACK_OBJECT_ARRAY &&
				                                  c < row->via.array.size
				                              ? &row->via.array.ptr[c]
				                              : NULL;
				if (v == NULL || v->type == MSGPACK_OBJECT_NIL)
					cells[c] = xstrdup("");
				else if (mp_is_int(v))
					cells[c] = xasprintf("%" PRId64, mp_int(v));
				else if (v->type == MSGPACK_OBJECT_FLOAT64 || v->type == MSGPACK_OBJECT_FLOAT32)
					cells[c] = xasprintf("%g", v->via.f64);
				else if ((cells[c] = mp_strdup(v)) == NULL)
					cells[c] = xstrdup("");
			}
			grid_add_row(&g, cells);
			free(cells);
		}
		grid_print(&g, cli.fmt);
		break;
	}
	default:
		print_ticket(reply);
		break;
	}
	finish(cli.rc == 0 ? CLI_OK : cli.rc);
}

static void send_main(void)
{
	struct conn *c = cli.conn;
	msgpack_packer *pk;
	size_t n = 0;

	switch (cli.cmd) {
	case CMD_TICKET_CREATE:
		n = 1 + (cli.description != NULL) + (cli.type != NULL) + (cli.impact > 0) +
		    (cli.urgency > 0) + (cli.queue_id > 0) + (cli.requester > 0) +
		    (cli.channel != NULL) + (cli.category > 0);
		pk = conn_begin(c, "ticket.create", n, main_done, "ticket create");
		pk_kstr(pk, "subject", cli.subject);
		if (cli.description)
			pk_kstr(pk, "description", cli.description);
		if (cli.type)
			pk_kstr(pk, "type", cli.type);
		if (cli.impact > 0)
			pk_kint(pk, "impact", cli.impact);
		if (cli.urgency > 0)
			pk_kint(pk, "urgency", cli.urgency);
		if (cli.queue_id > 0)
			pk_kint(pk, "queue_id", cli.queue_id);
		if (cli.requester > 0)
			pk_kint(pk, "requester_id", cli.requester);
		if (cli.channel)
			pk_kstr(pk, "channel", cli.channel);
		if (cli.category > 0)
			pk_kint(pk, "category_id", cli.category);
		break;
	case CMD_TICKET_SHOW:
		pk = conn_begin(c, "ticket.get", 1, main_done, "ticket show");
		pk_kint(pk, "id", cli.ticket_id);
		break;
	case CMD_TICKET_LIST:
		n = 2 + (cli.queue_id > 0) + (cli.status != NULL) + cli.open_only +
		    (cli.assignee_ref != NULL) + (cli.sort != NULL) + cli.has_desc;
		pk = conn_begin(c, "ticket.list", n, main_done, "ticket list");
		pk_kint(pk, "limit", cli.limit > 0 ? cli.limit : 100);
		pk_kint(pk, "offset", 0);
		if (cli.queue_id > 0)
			pk_kint(pk, "queue_id", cli.queue_id);
		if (cli.status != NULL) {
			/* "new,open" -> ["new", "open"] */
			int count = 1;
			for (const char *p = cli.status; *p; p++)
				count += *p == ',';
			pk_str(pk, "status");
			msgpack_pack_array(pk, (uint32_t)count);
			for (const char *p = cli.status;;) {
				const char *e = strchr(p, ',');
				size_t len = e ? (size_t)(e - p) : strlen(p);
				pk_strn(pk, p, len);
				if (e == NULL)
					break;
				p = e + 1;
			}
		}
		if (cli.open_only)
			pk_kbool(pk, "open", true);
		if (cli.assignee_ref != NULL)
			pk_kint(pk, "assignee_id", cli.unassign ? 0 : cli.assignee_id);
		if (cli.sort)
			pk_kstr(pk, "sort", cli.sort);
		if (cli.has_desc)
			pk_kbool(pk, "desc", cli.desc);
		break;
	case CMD_TICKET_UPDATE:
		n = 2 + (cli.subject != NULL) + (cli.description != NULL) + (cli.type != NULL) +
		    (cli.status != NULL) + (cli.impact > 0) + (cli.urgency > 0) +
		    (cli.queue_id > 0) + (cli.assignee_ref != NULL) + (cli.res_code != NULL) +
		    (cli.res_note != NULL) + (cli.channel != NULL);
		if (n == 2) {
			fprintf(stderr, "desk: ticket update: nothing to change (see desk --help)\n");
			finish(CLI_USAGE);
			return;
		}
		pk = conn_begin(c, "ticket.update", n, main_done, "ticket update");
		pk_kint(pk, "id", cli.ticket_id);
		pk_kint(pk, "version", cli.version);
		if (cli.subject)
			pk_kstr(pk, "subject", cli.subject);
		if (cli.description)
			pk_kstr(pk, "description", cli.description);
		if (cli.type)
			pk_kstr(pk, "type", cli.type);
		if (cli.status)
			pk_kstr(pk, "status", cli.status);
		if (cli.impact > 0)
			pk_kint(pk, "impact", cli.impact);
		if (cli.urgency > 0)
			pk_kint(pk, "urgency", cli.urgency);
		if (cli.queue_id > 0)
			pk_kint(pk, "queue_id", cli.queue_id);
		if (cli.assignee_ref != NULL) {
			if (cli.unassign)
				pk_knil(pk, "assignee_id");
			else
				pk_kint(pk, "assignee_id", cli.assignee_id);
		}
		if (cli.res_code)
			pk_kstr(pk, "resolution_code", cli.res_code);
		if (cli.res_note)
			pk_kstr(pk, "resolution_note", cli.res_note);
		if (cli.channel)
			pk_kstr(pk, "channel", cli.channel);
		break;
	case CMD_TICKET_COMMENT:
		pk = conn_begin(c, "ticket.comment", 3 + (cli.minutes > 0), main_done,
		                "ticket comment");
		pk_kint(pk, "id", cli.ticket_id);
		pk_kstr(pk, "kind", cli.kind != NULL ? cli.kind : "note");
		pk_kstr(pk, "body", cli.body);
		if (cli.minutes > 0)
			pk_kint(pk, "minutes", cli.minutes);
		break;
	case CMD_TICKET_ESCALATE:
		pk = conn_begin(c, "ticket.escalate", 4 + (cli.tried != NULL), main_done,
		                "ticket escalate");
		pk_kint(pk, "id", cli.ticket_id);
		pk_kint(pk, "version", cli.version);
		pk_kint(pk, "queue_id", cli.queue_id);
		pk_kstr(pk, "reason", cli.reason);
		if (cli.tried)
			pk_kstr(pk, "tried", cli.tried);
		break;
	case CMD_QUEUE_LIST:
		conn_begin(c, "queue.list", 0, main_done, "queue list");
		break;
	case CMD_REPORT:
		pk = conn_begin(c, "report.run", 3 + (cli.group_by != NULL), main_done, "report");
		pk_kstr(pk, "name", cli.report);
		pk_kstr(pk, "from", cli.from);
		pk_kstr(pk, "to", cli.to);
		if (cli.group_by)
			pk_kstr(pk, "group_by", cli.group_by);
		break;
	}
	if (conn_end(c) == 0) {
		fprintf(stderr, "desk: connection lost before the request was sent\n");
		finish(CLI_UNAVAILABLE);
	}
}

/* ---------------------------------------------------------------- look-ups */

static void lookup_done(void)
{
	if (--cli.pending == 0 && !cli.done)
		send_main();
}

static void queues_done(const msgpack_object *reply, void *arg)
{
	(void)arg;
	if (failed(reply, "queue list"))
		return;
	const msgpack_object *qs = mp_get(reply, "queues");
	for (uint32_t i = 0; qs != NULL && qs->type == MSGPACK_OBJECT_ARRAY && i < qs->via.array.size; i++) {
		const msgpack_object *q = &qs->via.array.ptr[i];
		const msgpack_object *name = mp_get(q, "name");
		if (name != NULL && name->type == MSGPACK_OBJECT_STR &&
		    name->via.str.size == strlen(cli.queue_ref) &&
		    strncasecmp(name->via.str.ptr, cli.queue_ref, name->via.str.size) == 0)
			cli.queue_id = int_or(q, "id", 0);
	}
	if (cli.queue_id <= 0) {
		fprintf(stderr, "desk: no queue named '%s' (desk queue list shows them)\n",
		        cli.queue_ref);
		finish(CLI_NOT_FOUND);
		return;
	}
	lookup_done();
}

static void agents_done(const msgpack_object *reply, void *arg)
{
	(void)arg;
	if (failed(reply, "agent list"))
		return;
	const msgpack_object *as = mp_get(reply, "agents");
	for (uint32_t i = 0; as != NULL && as->type == MSGPACK_OBJECT_ARRAY && i < as->via.array.size; i++) {
		const msgpack_object *a = &as->via.array.ptr[i];
		if (mp_streq(mp_get(a, "login"), cli.assignee_ref))
			cli.assignee_id = int_or(a, "id", 0);
	}
	if (cli.assignee_id <= 0) {
		fprintf(stderr, "desk: no agent with the login '%s'\n", cli.assignee_ref);
		finish(CLI_NOT_FOUND);
		return;
	}
	lookup_done();
}

static void ticket_done(const msgpack_object *reply, void *arg)
{
	(void)arg;
	if (failed(reply, cli.ticket_ref))
		return;
	const msgpack_object *t = mp_get(reply, "ticket");
	cli.ticket_id = int_or(t, "id", 0);
	cli.version = int_or(t, "version", 0);
	if (cli.cmd == CMD_TICKET_SHOW) {
		/* The look-up was the request. */
		cli.pending--;
		print_ticket(reply);
		finish(cli.rc == 0 ? CLI_OK : cli.rc);
		return;
	}
	lookup_done();
}

static void start_lookups(void)
{
	int64_t v;

	cli.pending = 1; /* held until every look-up is sent */
	if (cli.queue_ref != NULL) {
		if (is_number(cli.queue_ref, &v)) {
			cli.queue_id = v;
		} else {
			cli.pending++;
			conn_begin(cli.conn, "queue.list", 0, queues_done, NULL);
			conn_end(cli.conn);
		}
	}
	if (cli.assignee_ref != NULL) {
		if (strcmp(cli.assignee_ref, "none") == 0) {
			cli.unassign = true;
		} else if (strcmp(cli.assignee_ref, "me") == 0) {
			cli.assignee_id = cli.my_id;
		} else if (is_number(cli.assignee_ref, &v)) {
			cli.assignee_id = v;
		} else {
			cli.pending++;
			conn_begin(cli.conn, "agent.list", 0, agents_done, NULL);
			conn_end(cli.conn);
		}
	}
	if (cli.ticket_ref != NULL) {
		msgpack_packer *pk;
		cli.pending++;
		pk = conn_begin(cli.conn, "ticket.get", 1, ticket_done, NULL);
		if (is_number(cli.ticket_ref, &v))
			pk_kint(pk, "id", v);
		else
			pk_kstr(pk, "key", cli.ticket_ref);
		conn_end(cli.conn);
	}
	lookup_done();
}

/* ---------------------------------------------------------------- connection */

static void login_done_cb(const msgpack_object *reply, void *arg)
{
	(void)arg;
	explicit_bzero(cli.password, strlen(cli.password));
	if (failed(reply, "login"))
		return;
	cli.my_id = int_or(mp_get(reply, "agent"), "id", 0);
	start_lookups();
}

static void on_state(enum conn_state st, const char *why, void *arg)
{
	(void)arg;
	if (st != CONN_OFFLINE || cli.done)
		return;
	if (cli.was_ready)
		fprintf(stderr, "desk: connection lost (%s); the command may or may not have been done\n",
		        why ? why : "closed");
	else
		fprintf(stderr, "desk: cannot reach deskd: %s\n", why ? why : "connection failed");
	finish(CLI_UNAVAILABLE);
}

static void on_ready(void *arg)
{
	(void)arg;
	if (cli.was_ready)
		return; /* a reconnect: never repeat a command by ourselves */
	cli.was_ready = true;
	msgpack_packer *pk = conn_begin(cli.conn, "login", 2, login_done_cb, NULL);
	pk_kstr(pk, "login", cli.user);
	pk_kstr(pk, "password", cli.password);
	conn_end(cli.conn);
}

static void on_push(const char *name, const msgpack_object *m, void *arg)
{
	(void)name;
	(void)m;
	(void)arg;
}

/* ---------------------------------------------------------------- arguments */

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "desk: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(desk --help lists the commands and their options)\n");
}

static char *read_password(void)
{
	const char *env = getenv("DESK_PASSWORD");
	char buf[256];
	struct termios old, quiet;

	if (env != NULL)
		return xstrdup(env);
	FILE *tty = fopen("/dev/tty", "r+");
	if (tty == NULL)
		return NULL;
	fprintf(tty, "Password for %s: ", cli.user);
	fflush(tty);
	bool hidden = tcgetattr(fileno(tty), &old) == 0;
	if (hidden) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	char *line = fgets(buf, sizeof(buf), tty);
	if (hidden)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	if (line == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	char *pw = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return pw;
}

static bool parse_int_opt(const char *name, const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	if (parse_i64(s, out) != 0 || *out < lo || *out > hi) {
		fprintf(stderr, "desk: --%s wants a number from %" PRId64 " to %" PRId64 "\n", name,
		        lo, hi);
		return false;
	}
	return true;
}

enum {
	O_FORMAT = 256, O_SUBJECT, O_DESCRIPTION, O_TYPE, O_IMPACT, O_URGENCY, O_QUEUE,
	O_REQUESTER, O_CHANNEL, O_CATEGORY, O_STATUS, O_OPEN, O_ASSIGNEE, O_SORT, O_DESC, O_ASC,
	O_LIMIT, O_CODE, O_NOTE, O_KIND, O_BODY, O_MINUTES, O_REASON, O_TRIED, O_FROM, O_TO,
	O_GROUP_BY,
};

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, O_FORMAT},
	    {"subject", required_argument, NULL, O_SUBJECT},
	    {"description", required_argument, NULL, O_DESCRIPTION},
	    {"type", required_argument, NULL, O_TYPE},
	    {"impact", required_argument, NULL, O_IMPACT},
	    {"urgency", required_argument, NULL, O_URGENCY},
	    {"queue", required_argument, NULL, O_QUEUE},
	    {"requester", required_argument, NULL, O_REQUESTER},
	    {"channel", required_argument, NULL, O_CHANNEL},
	    {"category", required_argument, NULL, O_CATEGORY},
	    {"status", required_argument, NULL, O_STATUS},
	    {"open", no_argument, NULL, O_OPEN},
	    {"assignee", required_argument, NULL, O_ASSIGNEE},
	    {"sort", required_argument, NULL, O_SORT},
	    {"desc", no_argument, NULL, O_DESC},
	    {"asc", no_argument, NULL, O_ASC},
	    {"limit", required_argument, NULL, O_LIMIT},
	    {"resolution-code", required_argument, NULL, O_CODE},
	    {"note", required_argument, NULL, O_NOTE},
	    {"kind", required_argument, NULL, O_KIND},
	    {"body", required_argument, NULL, O_BODY},
	    {"minutes", required_argument, NULL, O_MINUTES},
	    {"reason", required_argument, NULL, O_REASON},
	    {"tried", required_argument, NULL, O_TRIED},
	    {"from", required_argument, NULL, O_FROM},
	    {"to", required_argument, NULL, O_TO},
	    {"group-by", required_argument, NULL, O_GROUP_BY},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0; /* restart GNU getopt on the subcommand's arguments */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_FORMAT:
			if (strcmp(optarg, "table") == 0)
				cli.fmt = FMT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				cli.fmt = FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				cli.fmt = FMT_JSON;
			else {
				usage_error("--format is table, csv or json, not '%s'", optarg);
				return -1;
			}
			break;
		case O_SUBJECT: cli.subject = optarg; break;
		case O_DESCRIPTION: cli.description = optarg; break;
		case O_TYPE: cli.type = optarg; break;
		case O_IMPACT:
			if (!parse_int_opt("impact", optarg, 1, 3, &cli.impact))
				return -1;
			break;
		case O_URGENCY:
			if (!parse_int_opt("urgency", optarg, 1, 3, &cli.urgency))
				return -1;
			break;
		case O_QUEUE: cli.queue_ref = optarg; break;
		case O_REQUESTER:
			if (!parse_int_opt("requester", optarg, 1, INT32_MAX, &cli.requester))
				return -1;
			break;
		case O_CHANNEL: cli.channel = optarg; break;
		case O_CATEGORY:
			if (!parse_int_opt("category", optarg, 1, INT32_MAX, &cli.category))
				return -1;
			break;
		case O_STATUS: cli.status = optarg; break;
		case O_OPEN: cli.open_only = true; break;
		case O_ASSIGNEE: cli.assignee_ref = optarg; break;
		case O_SORT: cli.sort = optarg; break;
		case O_DESC: cli.desc = true; cli.has_desc = true; break;
		case O_ASC: cli.desc = false; cli.has_desc = true; break;
		case O_LIMIT:
			if (!parse_int_opt("limit", optarg, 1, PROTO_LIST_MAX, &cli.limit))
				return -1;
			break;
		case O_CODE: cli.res_code = optarg; break;
		case O_NOTE: cli.res_note = optarg; break;
		case O_KIND: cli.kind = optarg; break;
		case O_BODY: cli.body = optarg; break;
		case O_MINUTES:
			if (!parse_int_opt("minutes", optarg, 0, 1440, &cli.minutes))
				return -1;
			break;
		case O_REASON: cli.reason = optarg; break;
		case O_TRIED: cli.tried = optarg; break;
		case O_FROM: cli.from = optarg; break;
		case O_TO: cli.to = optarg; break;
		case O_GROUP_BY: cli.group_by = optarg; break;
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

/* What each command needs beyond its options. */
static bool check_required(void)
{
	const char *missing = NULL;

	switch (cli.cmd) {
	case CMD_TICKET_CREATE:
		if (cli.subject == NULL)
			missing = "--subject";
		break;
	case CMD_TICKET_COMMENT:
		if (cli.body == NULL)
			missing = "--body";
		break;
	case CMD_TICKET_ESCALATE:
		if (cli.queue_ref == NULL)
			missing = "--queue";
		else if (cli.reason == NULL)
			missing = "--reason";
		break;
	case CMD_REPORT:
		if (cli.from == NULL)
			missing = "--from";
		else if (cli.to == NULL)
			missing = "--to";
		break;
	default:
		break;
	}
	if (missing != NULL) {
		usage_error("this command needs %s", missing);
		return false;
	}
	return true;
}

bool cli_is_command(const char *word)
{
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(word, commands[i].group) == 0)
			return true;
	return false;
}

int cli_main(int argc, char **argv, const char *host, int port, const char *user)
{
	size_t i;
	int first;

	memset(&cli, 0, sizeof(cli));
	/* argv[0] is the group; the verb follows (except for report, whose NAME does). */
	if (argc < 2) {
		usage_error("'%s' needs a command", argv[0]);
		return CLI_USAGE;
	}
	for (i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(argv[0], commands[i].group) == 0 &&
		    (commands[i].verb == NULL || strcmp(argv[1], commands[i].verb) == 0))
			break;
	if (i == ARRAY_LEN(commands)) {
		fprintf(stderr, "desk: unknown command '%s %s'\n", argv[0], argv[1]);
		return CLI_USAGE;
	}
	cli.cmd = commands[i].cmd;
	if (cli.cmd == CMD_REPORT)
		cli.report = argv[1];
	/* getopt sees argv[1] as the program name and parses what follows. */
	first = parse_args(argc - 1, argv + 1);
	if (first < 0)
		return CLI_USAGE;
	int npos = argc - 1 - first;
	if (commands[i].needs_ticket) {
		if (npos != 1) {
			usage_error("this command takes one ticket key (like HD-1042)%s", "");
			return CLI_USAGE;
		}
		cli.ticket_ref = argv[1 + first];
	} else if (npos != 0) {
		usage_error("unexpected argument '%s'", argv[1 + first]);
		return CLI_USAGE;
	}
	if (!check_required())
		return CLI_USAGE;

	cli.user = user != NULL ? user : getenv("DESK_USER");
	if (cli.user == NULL || cli.user[0] == '\0') {
		usage_error("say who you are: --user LOGIN or DESK_USER%s", "");
		return CLI_USAGE;
	}
	cli.password = read_password();
	if (cli.password == NULL) {
		usage_error("no password: set DESK_PASSWORD or run on a terminal%s", "");
		return CLI_USAGE;
	}

	static const struct conn_hooks hooks = {
	    .state = on_state,
	    .ready = on_ready,
	    .push = on_push,
	};
	cli.base = event_base_new();
	if (cli.base == NULL) {
		fprintf(stderr, "desk: cannot create an event loop\n");
		return CLI_ERROR;
	}
	cli.conn = conn_new(cli.base, host, port, &hooks, NULL);
	conn_start(cli.conn);
	if (!cli.done)
		event_base_dispatch(cli.base);
	conn_free(cli.conn);
	event_base_free(cli.base);
	explicit_bzero(cli.password, strlen(cli.password));
	free(cli.password);
	fflush(stdout);
	return cli.rc;
}
