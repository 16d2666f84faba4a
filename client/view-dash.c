/* view-dash.c - the supervisor's live dashboard: queues by tier, agents, today's KPIs, the last
 * 24 hours per hour, and the tickets that need a supervisor, as deskd pushes them. */

/*
 * deskd computes the dashboard once for every watcher and pushes it whole (docs/protocol.md,
 * "dashboard"; definitions in docs/metrics.md). This view keeps the latest push, parsed
 * defensively (a value of the wrong type is absent, shown as a dash), and draws it; it never
 * asks for figures. It subscribes while it is on screen (again after a reconnect or a
 * resync) and redraws when a push arrives or the second ticks (the ages of the oldest waiting
 * tickets, the SLA countdowns, the "not live" note).
 *
 * Actions on the selected attention ticket are the detail view's (ticket-actions.c): they act
 * on the ticket that view holds, so the selected ticket is handed to it first and the dialog
 * is then drawn and fed keys here, over the dashboard.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keys.h"
#include "log.h"
#include "proto.h"
#include "sla-text.h"
#include "ticket-actions.h"
#include "ticket.h"
#include "utf8.h"
#include "util.h"
#include "view.h"

#define DASH_KEY   'D'   /* opens the dashboard from the ticket views, and closes it */
#define WIDE_COLS  110   /* from this width the panels go in two columns */
#define STALE_MS   15000 /* deskd pushes at least every 10 s: older figures are not live */
#define MAX_ROWS   2000  /* queues, agents or tickets kept from one push */
#define COUNT_MAX  1000000000000LL /* a count beyond this is nonsense: capped, sums stay sane */
#define HOURS      24              /* the chart's hours */
#define MAX_KEYS   24              /* footer and help entries */
#define AGENT_CELL 38              /* columns of one agent in the narrow layout's two-column grid */
#define QNAME_MIN  10              /* the queue table's name column */
#define QNAME_MAX  24

/* ---- the figures of the latest push ---------------------------------------------------- */

/* The queue table's counts, in column order. */
enum qcount {
	QC_NEW,
	QC_OPEN,
	QC_UNASSIGNED,
	QC_PENDING,
	QC_ON_HOLD,
	QC_AT_RISK,
	QC_BREACHED,
	QC_COUNT
};

static const struct {
	const char *wire;
	const char *head, *abbr; /* the column's heading, and the one for narrow tables */
} qcols[QC_COUNT] = {
    [QC_NEW] = {"n_new", "New", "New"},
    [QC_OPEN] = {"n_open", "Open", "Open"},
    [QC_UNASSIGNED] = {"n_unassigned", "Unassigned", "Unas"},
    [QC_PENDING] = {"n_pending", "Pending", "Pend"},
    [QC_ON_HOLD] = {"n_on_hold", "On hold", "Hold"},
    [QC_AT_RISK] = {"n_at_risk", "At risk", "Risk"},
    [QC_BREACHED] = {"n_breached", "Breached", "Brch"},
};

struct dqueue {
	int64_t id;
	char *name;
	int tier;
	int64_t n[QC_COUNT]; /* -1: not sent */
	int64_t oldest_ms;   /* creation of the oldest waiting ticket; 0: none waits */
};

enum presence { PR_ONLINE, PR_AWAY, PR_OFFLINE, PR_UNKNOWN };

struct dagent {
	char *login, *name, *role;
	enum presence presence;
	int64_t open, max_load, resolved, minutes; /* -1: not sent */
};

/* Today's counts (-1: not sent) and durations in seconds (-1: nothing measured). */
enum kcount {
	K_CREATED,
	K_RESOLVED,
	K_FIRST_CONTACT,
	K_ESCALATED,
	K_FR_DECIDED,
	K_FR_ON_TIME,
	K_RES_DECIDED,
	K_RES_ON_TIME,
	K_COUNT
};
static const char *const kcount_wire[K_COUNT] = {
    "created",    "resolved",   "first_contact", "escalated",
    "fr_decided", "fr_on_time", "res_decided",   "res_on_time",
};

enum kspan { KS_TTFR_MEDIAN, KS_TTFR_P90, KS_TTR_MEAN, KS_TTR_BIZ, KS_COUNT };
static const char *const kspan_wire[KS_COUNT] = {"ttfr_median_s", "ttfr_p90_s", "ttr_mean_s",
                                                 "ttr_biz_mean_s"};

struct dhour {
	int64_t hour_ms; /* 0: not sent */
	int64_t created, resolved;
};

static struct {
	bool have;        /* a push has arrived */
	int64_t time_ms;  /* the server's time of the computation */
	int64_t got_mono; /* when it arrived */
	struct dqueue *q;
	size_t nq;
	struct dagent *a;
	size_t na;
	int64_t kc[K_COUNT];
	int64_t ks[KS_COUNT];
	struct dhour h[HOURS];
	size_t nh;
	struct ticket **att;
	size_t natt;

	bool subscribed;  /* dashboard.subscribe sent on this session and not refused */
	uintptr_t subseq; /* tells the reply to the latest subscribe from older ones */
	char error[256];  /* why the server refused it */

	size_t sel, top; /* the attention list's cursor and its first row on screen */
	int page;        /* attention rows at the last draw */
	bool ticking;    /* the last draw showed something that changes with the second */
	bool stale;      /* the last draw said the figures are not live */
} ds;

static void free_data(void)
{
	for (size_t i = 0; i < ds.nq; i++)
		free(ds.q[i].name);
	for (size_t i = 0; i < ds.na; i++) {
		free(ds.a[i].login);
		free(ds.a[i].name);
		free(ds.a[i].role);
	}
	for (size_t i = 0; i < ds.natt; i++)
		ticket_free(ds.att[i]);
	free(ds.q);
	free(ds.a);
	free(ds.att);
	ds.q = NULL;
	ds.a = NULL;
	ds.att = NULL;
	ds.nq = ds.na = ds.natt = ds.nh = 0;
}

/* ---- parsing: a value of the wrong type is absent, never trusted ----------------------------- */

static int64_t get_count(const msgpack_object *m, const char *key)
{
	const msgpack_object *o = mp_get(m, key);

	if (!mp_is_int(o) || mp_int(o) < 0)
		return -1;
	return mp_int(o) > COUNT_MAX ? COUNT_MAX : mp_int(o);
}

/* A point in time in ms; nil, a wrong type or a nonsensical value are "none" (0). */
static int64_t get_time(const msgpack_object *m, const char *key)
{
	const msgpack_object *o = mp_get(m, key);

	return mp_is_int(o) && mp_int(o) > 0 ? mp_int(o) : 0;
}

/* Seconds sent as a float (or an int), rounded; -1 for nil, a wrong type, NaN or a value
 * beyond a thousand years. */
static int64_t get_secs(const msgpack_object *m, const char *key)
{
	const msgpack_object *o = mp_get(m, key);
	double v;

	if (mp_is_int(o))
		v = (double)mp_int(o);
	else if (o != NULL &&
	         (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32))
		v = o->via.f64;
	else
		return -1;
	if (!(v >= 0 && v <= 1000.0 * 366 * 86400)) /* NaN fails both */
		return -1;
	return (int64_t)(v + 0.5);
}

/* The elements of an array to read, at most MAX_ROWS; 0 when o is not an array. */
static uint32_t array_len(const msgpack_object *o)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_ARRAY)
		return 0;
	return o->via.array.size < MAX_ROWS ? o->via.array.size : MAX_ROWS;
}

static void parse_queues(const msgpack_object *arr)
{
	uint32_t n = array_len(arr);

	ds.q = n > 0 ? xcalloc(n, sizeof(*ds.q)) : NULL;
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		const msgpack_object *id = mp_get(o, "queue_id"), *tier = mp_get(o, "tier");
		char *name = mp_strdup(mp_get(o, "name"));
		if (!mp_is_int(id) || name == NULL) {
			free(name);
			continue;
		}
		struct dqueue *q = &ds.q[ds.nq++];
		q->id = mp_int(id);
		q->name = name;
		/* Tiers are 1 and 2; a later server's third still groups, a hostile value not. */
		q->tier = mp_is_int(tier) && mp_int(tier) >= 0 && mp_int(tier) <= 9
		              ? (int)mp_int(tier)
		              : 0;
		for (int c = 0; c < QC_COUNT; c++)
			q->n[c] = get_count(o, qcols[c].wire);
		q->oldest_ms = get_time(o, "oldest_ms");
	}
}

static void parse_agents(const msgpack_object *arr)
{
	uint32_t n = array_len(arr);

	ds.a = n > 0 ? xcalloc(n, sizeof(*ds.a)) : NULL;
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		const msgpack_object *pr = mp_get(o, "presence");
		char *login = mp_strdup(mp_get(o, "login"));
		if (login == NULL)
			continue;
		struct dagent *a = &ds.a[ds.na++];
		a->login = login;
		a->name = mp_strdup(mp_get(o, "name"));
		if (a->name == NULL)
			a->name = xstrdup(login);
		a->role = mp_strdup(mp_get(o, "role"));
		if (a->role == NULL)
			a->role = xstrdup("");
		a->presence = mp_streq(pr, "online")    ? PR_ONLINE
		              : mp_streq(pr, "away")    ? PR_AWAY
		              : mp_streq(pr, "offline") ? PR_OFFLINE
		                                        : PR_UNKNOWN;
		a->open = get_count(o, "open_assigned");
		a->max_load = get_count(o, "max_load");
		a->resolved = get_count(o, "resolved_today");
		a->minutes = get_count(o, "minutes_today");
	}
}

static void parse_kpi(const msgpack_object *o)
{
	/* A missing or mistyped kpi map reads as every figure absent. */
	if (o != NULL && o->type != MSGPACK_OBJECT_MAP)
		o = NULL;
	for (int k = 0; k < K_COUNT; k++)
		ds.kc[k] = o != NULL ? get_count(o, kcount_wire[k]) : -1;
	for (int k = 0; k < KS_COUNT; k++)
		ds.ks[k] = o != NULL ? get_secs(o, kspan_wire[k]) : -1;
}

static void parse_hourly(const msgpack_object *arr)
{
	uint32_t n = array_len(arr);
	/* Oldest first: if a server ever sends more, the latest HOURS are the ones to show. */
	uint32_t from = n > HOURS ? n - HOURS : 0;

	for (uint32_t i = from; i < n; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		struct dhour *h = &ds.h[ds.nh++];
		h->hour_ms = get_time(o, "hour_ms");
		h->created = get_count(o, "created");
		h->resolved = get_count(o, "resolved");
	}
}

static void parse_attention(const msgpack_object *arr)
{
	uint32_t n = array_len(arr);

	ds.att = n > 0 ? xcalloc(n, sizeof(*ds.att)) : NULL;
	for (uint32_t i = 0; i < n; i++) {
		struct ticket *t = ticket_parse(&arr->via.array.ptr[i]);
		if (t != NULL)
			ds.att[ds.natt++] = t;
	}
}

static const struct ticket *selected(void)
{
	return ds.sel < ds.natt ? ds.att[ds.sel] : NULL;
}

void view_dash_push(const msgpack_object *m)
{
	const struct ticket *s = selected();
	int64_t sel_id = s != NULL ? s->id : 0;

	free_data();
	ds.have = true;
	ds.time_ms = get_time(m, "time_ms");
	ds.got_mono = mono_ms();
	parse_queues(mp_get(m, "queues"));
	parse_agents(mp_get(m, "agents"));
	parse_kpi(mp_get(m, "kpi"));
	parse_hourly(mp_get(m, "hourly"));
	parse_attention(mp_get(m, "attention"));
	/* The cursor stays on its ticket; when that one left the list, at the same place. */
	for (size_t i = 0; i < ds.natt; i++)
		if (ds.att[i]->id == sel_id)
			ds.sel = i;
	if (ds.sel >= ds.natt)
		ds.sel = ds.natt > 0 ? ds.natt - 1 : 0;
	if (app.view == &view_dash)
		app_redraw();
}

/* ---- formatting (no I/O) ------------------------------------------------------------------- */

static void fmt_count(char *buf, size_t len, int64_t n)
{
	if (n < 0)
		snprintf(buf, len, "%s", ui_dash());
	else
		snprintf(buf, len, "%lld", (long long)n);
}

/* part of whole as "93.3%", "50%", "100%"; the dash when there is nothing to divide. Rounded
 * down, so that one miss in a thousand never shows as 100 %. */
static void fmt_rate(char *buf, size_t len, int64_t part, int64_t whole)
{
	if (part < 0 || whole <= 0) {
		snprintf(buf, len, "%s", ui_dash());
		return;
	}
	if (part >= whole) {
		snprintf(buf, len, "100%%");
		return;
	}
	long long pm = (long long)(part * 1000 / whole);
	if (pm % 10 == 0)
		snprintf(buf, len, "%lld%%", pm / 10);
	else
		snprintf(buf, len, "%lld.%lld%%", pm / 10, pm % 10);
}

static void fmt_secs(char *buf, size_t len, int64_t secs)
{
	if (secs < 0)
		snprintf(buf, len, "%s", ui_dash());
	else
		sla_fmt_short(buf, len, secs);
}

/* Minutes logged: "45m", "1h20m", "120h". */
static void fmt_minutes(char *buf, size_t len, int64_t m)
{
	if (m < 0)
		snprintf(buf, len, "%s", ui_dash());
	else if (m < 60)
		snprintf(buf, len, "%lldm", (long long)m);
	else if (m < 100 * 60)
		snprintf(buf, len, "%lldh%02lldm", (long long)(m / 60), (long long)(m % 60));
	else
		snprintf(buf, len, "%lldh", (long long)(m / 60));
}

/* How long the oldest waiting ticket has waited, by the server's clock. */
static void fmt_age(char *buf, size_t len, int64_t oldest_ms, int64_t now)
{
	if (oldest_ms <= 0)
		snprintf(buf, len, "%s", ui_dash());
	else
		sla_fmt_short(buf, len, now > oldest_ms ? (now - oldest_ms) / 1000 : 0);
}

/* The chart's levels, lowest first; an hour with nothing shows blank. */
static const char *const spark_utf8[8] = {
    "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
    "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char spark_ascii[] = ".:-=+*#@";

static const char *spark_full(void)
{
	static const char full[2] = {'@', '\0'};

	return ui_utf8 ? spark_utf8[7] : full;
}

/* One column per hour: v at most max is drawn as one of eight levels, rounded up so that a
 * single ticket still shows. */
static void sparkline(char *buf, size_t len, const int64_t *v, size_t n, int64_t max)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char cell[8] = " ";
		if (v[i] > 0 && max > 0) {
			int64_t lv = (v[i] * 8 + max - 1) / max;
			lv = lv < 1 ? 1 : lv > 8 ? 8 : lv;
			if (ui_utf8)
				snprintf(cell, sizeof(cell), "%s", spark_utf8[lv - 1]);
			else
				cell[0] = spark_ascii[lv - 1];
		}
		size_t cl = strlen(cell);
		if (k + cl + 1 > len)
			break;
		memcpy(buf + k, cell, cl + 1);
		k += cl;
	}
}

/* ---- who may watch, and the subscription ---------------------------------------------------- */

static int my_role(void)
{
	return app.agent.role != NULL ? name_index(agent_role_names, app.agent.role) : -1;
}

static bool may_watch(void)
{
	return role_may(my_role(), PERM_DASHBOARD);
}

static void subscribe_reply(const msgpack_object *r, void *arg)
{
	if ((uintptr_t)arg != ds.subseq)
		return;
	if (r == NULL) {
		ds.subscribed = false; /* the connection went; reload() subscribes again */
		return;
	}
	if (!reply_ok(r)) {
		ds.subscribed = false;
		if (reply_error_code(r) == E_FORBIDDEN)
			snprintf(ds.error, sizeof(ds.error),
			         "The server does not let %s watch the dashboard: it is for "
			         "supervisors and administrators",
			         app.agent.login != NULL ? app.agent.login : "you");
		else
			reply_error_text(r, ds.error, sizeof(ds.error));
		log_warn("dashboard.subscribe refused: %s", ds.error);
		app_redraw();
	}
}

static void subscribe(void)
{
	if (ds.subscribed || !app_online())
		return;
	ds.error[0] = '\0';
	conn_begin(app.conn, "dashboard.subscribe", 0, subscribe_reply, (void *)++ds.subseq);
	ds.subscribed = conn_end(app.conn) != 0;
}

static void unsubscribe(void)
{
	if (!ds.subscribed)
		return;
	ds.subscribed = false;
	ds.subseq++; /* a late reply to the subscribe is no longer ours */
	if (app_online()) {
		conn_begin(app.conn, "dashboard.unsubscribe", 0, NULL, NULL);
		conn_end(app.conn);
	}
}

static bool is_stale(void)
{
	return ds.have && (!app_online() || mono_ms() - ds.got_mono > STALE_MS);
}

/* ---- panels: each draws inside its rectangle and clips ----------------------------------- */

/* Today's KPIs as a flow of "label value" items, wrapped under the "Today" title. Returns the
 * rows used (or needed, when draw is false). The first row leaves note_w columns free. */
static int kpi_flow(struct rect r, bool draw, int note_w)
{
	char v[10][64], a[24], b[24];
	const char *label[10];
	int n = 0;

	label[n] = "Created";
	fmt_count(v[n++], sizeof(v[0]), ds.kc[K_CREATED]);
	label[n] = "Resolved";
	fmt_count(v[n++], sizeof(v[0]), ds.kc[K_RESOLVED]);
	label[n] = "First contact";
	fmt_rate(v[n++], sizeof(v[0]), ds.kc[K_FIRST_CONTACT], ds.kc[K_RESOLVED]);
	label[n] = "Escalated";
	fmt_rate(v[n++], sizeof(v[0]), ds.kc[K_ESCALATED], ds.kc[K_CREATED]);
	label[n] = "SLA first response";
	fmt_rate(v[n++], sizeof(v[0]), ds.kc[K_FR_ON_TIME], ds.kc[K_FR_DECIDED]);
	label[n] = "SLA resolution";
	fmt_rate(v[n++], sizeof(v[0]), ds.kc[K_RES_ON_TIME], ds.kc[K_RES_DECIDED]);
	label[n] = "First response median";
	fmt_secs(v[n++], sizeof(v[0]), ds.ks[KS_TTFR_MEDIAN]);
	label[n] = "p90";
	fmt_secs(v[n++], sizeof(v[0]), ds.ks[KS_TTFR_P90]);
	label[n] = "Mean time to resolve";
	fmt_secs(a, sizeof(a), ds.ks[KS_TTR_MEAN]);
	fmt_secs(b, sizeof(b), ds.ks[KS_TTR_BIZ]);
	snprintf(v[n++], sizeof(v[0]), "%s (business %s)", a, b);

	const char *title = "Today";
	int indent = (int)strlen(title) + 2;
	int x = indent, row = 0, right = r.w - note_w;
	if (draw && r.h > 0)
		ui_put(r.y, r.x, title, r.w, ui_attr(UI_TITLE));
	for (int i = 0; i < n; i++) {
		int lw = utf8_width(label[i], strlen(label[i]));
		int w = lw + 1 + utf8_width(v[i], strlen(v[i]));
		/* "First response median" and its "p90" stay together on one row. */
		int keep = i == 6 ? w + 2 + 4 + (int)strlen(v[7]) : w;
		if (x > indent && x + keep > right) {
			row++;
			x = indent;
			right = r.w;
		}
		if (draw && row < r.h) {
			ui_put(r.y + row, r.x + x, label[i], r.w - x, ui_attr(UI_LABEL));
			ui_put(r.y + row, r.x + x + lw + 1, v[i], r.w - x - lw - 1,
			       ui_attr(UI_TITLE));
		}
		x += w + 2;
	}
	return row + 1;
}

static void draw_kpis(struct rect r)
{
	char note[96] = "", when[16];
	attr_t na = ui_attr(UI_LABEL);

	if (ds.stale) {
		ui_fmt_time(when, sizeof(when), "%H:%M:%S", ds.time_ms);
		snprintf(note, sizeof(note), "not live %s as of %s", ui_dash(), when);
		na = ui_attr(UI_ERROR);
	}
	int nw = note[0] != '\0' ? utf8_width(note, strlen(note)) + 2 : 0;
	if (nw > r.w / 2)
		nw = 0;
	kpi_flow(r, true, nw);
	if (nw > 0 && r.h > 0)
		ui_put_right(r.y, r.x, note, r.w, na);
}

/* The hourly chart: incoming and resolved over the last 24 hours, one column per hour, the
 * current hour last, on a scale shared by both rows so that they compare. Four rows (title and
 * scale, incoming, resolved, hour axis), two (the rows, the scale after the first), or one. */
static void draw_chart(struct rect r)
{
	int64_t in[HOURS], out[HOURS], max = 0, tin = 0, tout = 0;
	char sin[HOURS * 4 + 1], sout[HOURS * 4 + 1], scale[48], buf[160];
	size_t n = ds.nh;

	if (r.h <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		in[i] = ds.h[i].created;
		out[i] = ds.h[i].resolved;
		max = in[i] > max ? in[i] : max;
		max = out[i] > max ? out[i] : max;
		tin += in[i] > 0 ? in[i] : 0;
		tout += out[i] > 0 ? out[i] : 0;
	}
	if (n == 0) {
		ui_put(r.y, r.x, "Per hour: not sent", r.w, ui_attr(UI_LABEL));
		return;
	}
	sparkline(sin, sizeof(sin), in, n, max);
	sparkline(sout, sizeof(sout), out, n, max);
	snprintf(scale, sizeof(scale), "%s = %lld/h", spark_full(), (long long)(max > 0 ? max : 0));
	attr_t la = ui_attr(UI_LABEL), ia = ui_attr(UI_TITLE), oa = ui_attr(UI_SLA_OK);
	const int lw = 10; /* "Resolved  " */
	int sw = (int)n;

	if (r.h == 1) {
		/* "24 h  In ▁▂█  Out ▁ ▂  █ = 5/h" */
		int x = r.x;
		x += ui_put(r.y, x, "24 h  In ", r.w, la);
		x += ui_put(r.y, x, sin, r.x + r.w - x, ia);
		x += ui_put(r.y, x, "  Out ", r.x + r.w - x, la);
		x += ui_put(r.y, x, sout, r.x + r.w - x, oa);
		ui_put(r.y, x + 2, scale, r.x + r.w - x - 2, la);
		return;
	}
	int y = r.y;
	if (r.h >= 4) {
		int x = r.x + ui_put(y, r.x, "Per hour", r.w, ui_attr(UI_TITLE));
		snprintf(buf, sizeof(buf), "  last 24 h, %s", scale);
		ui_put(y, x, buf, r.x + r.w - x, la);
		y++;
	}
	ui_put(y, r.x, "Incoming", lw, la);
	ui_put(y, r.x + lw, sin, r.w - lw, ia);
	snprintf(buf, sizeof(buf), "%lld", (long long)tin);
	ui_put(y, r.x + lw + sw + 2, buf, r.w - lw - sw - 2, ia);
	if (r.h < 4) {
		int x = r.x + lw + sw + 3 + (int)strlen(buf);
		ui_put(y, x + 1, scale, r.x + r.w - x - 1, la);
	}
	y++;
	ui_put(y, r.x, "Resolved", lw, la);
	ui_put(y, r.x + lw, sout, r.w - lw, oa);
	snprintf(buf, sizeof(buf), "%lld", (long long)tout);
	ui_put(y, r.x + lw + sw + 2, buf, r.w - lw - sw - 2, oa);
	y++;
	if (r.h >= 4 && y < r.y + r.h) {
		/* The local hour under every sixth column; the last column is the current hour. */
		for (size_t i = 0; i < n; i += 6) {
			char hh[8];
			if (ds.h[i].hour_ms == 0)
				continue;
			ui_fmt_time(hh, sizeof(hh), "%H", ds.h[i].hour_ms);
			ui_put(y, r.x + lw + (int)i, hh, r.w - lw - (int)i, la);
		}
		snprintf(buf, sizeof(buf), "now");
		if (lw + sw + 2 + 3 <= r.w)
			ui_put(y, r.x + lw + sw - 1, buf, 3, la);
	}
}

/* A row of the queue table: a queue, a tier's subtotal or the total. */
struct qrow {
	const char *label;
	char text[32];
	int64_t n[QC_COUNT];
	int64_t oldest_ms;
	bool sum;
};

static void qrow_add(struct qrow *s, const struct dqueue *q)
{
	for (int c = 0; c < QC_COUNT; c++)
		if (q->n[c] > 0)
			s->n[c] += q->n[c];
	if (q->oldest_ms > 0 && (s->oldest_ms == 0 || q->oldest_ms < s->oldest_ms))
		s->oldest_ms = q->oldest_ms;
}

/* The table's rows: each tier's queues then the tier's subtotal (when the tier has more than
 * one queue and there is more than one tier: otherwise it repeats a row), then the total. The
 * caller frees the array; *n gets the count. */
static struct qrow *queue_rows(size_t *n)
{
	struct qrow *rows = xcalloc(ds.nq * 2 + 2, sizeof(*rows));
	struct qrow total = {.label = "Total", .sum = true};
	int tiers = 0;
	size_t k = 0;

	for (int t = 0; t <= 9; t++) {
		size_t in_tier = 0;
		for (size_t i = 0; i < ds.nq; i++)
			in_tier += ds.q[i].tier == t;
		tiers += in_tier > 0;
	}
	for (int t = 0; t <= 9; t++) {
		struct qrow sub = {.sum = true};
		size_t in_tier = 0;
		for (size_t i = 0; i < ds.nq; i++) {
			const struct dqueue *q = &ds.q[i];
			if (q->tier != t)
				continue;
			struct qrow *r = &rows[k++];
			r->label = q->name;
			memcpy(r->n, q->n, sizeof(r->n));
			r->oldest_ms = q->oldest_ms;
			qrow_add(&sub, q);
			qrow_add(&total, q);
			in_tier++;
		}
		if (in_tier > 1 && tiers > 1) {
			snprintf(sub.text, sizeof(sub.text), "Tier %d total", t);
			rows[k] = sub;
			rows[k].label = rows[k].text;
			k++;
		}
	}
	if (ds.nq > 1)
		rows[k++] = total;
	*n = k;
	return rows;
}

static size_t queue_row_count(void)
{
	size_t n;

	free(queue_rows(&n));
	return n;
}

/* The queue table's columns for w columns: the name's width and whether the full headings fit;
 * columns that still do not fit are clipped on the right. */
static void queue_cols(int w, int *nw, bool *full, int *cw)
{
	int name = QNAME_MIN, longw = 0, shortw = 0;

	for (size_t i = 0; i < ds.nq; i++) {
		int qw = utf8_width(ds.q[i].name, strlen(ds.q[i].name));
		name = qw > name ? qw : name;
	}
	name = clampi(name, QNAME_MIN, QNAME_MAX);
	for (int c = 0; c < QC_COUNT; c++) {
		int hw = (int)strlen(qcols[c].head);
		longw += (hw > 4 ? hw : 4) + 1;
		shortw += 5;
	}
	longw += 7; /* " Oldest" */
	shortw += 7;
	*full = w >= QNAME_MIN + 1 + longw;
	*nw = clampi(w - 1 - (*full ? longw : shortw), QNAME_MIN, name);
	for (int c = 0; c < QC_COUNT; c++) {
		int hw = (int)strlen(*full ? qcols[c].head : qcols[c].abbr);
		cw[c] = hw > 4 ? hw : 4;
	}
}

static attr_t count_attr(int c, int64_t v, bool sum)
{
	if (v > 0 && c == QC_BREACHED)
		return ui_attr(UI_SLA_BREACH);
	if (v > 0 && c == QC_AT_RISK)
		return ui_attr(UI_SLA_WARN);
	if (v == 0)
		return ui_attr(UI_LABEL);
	return sum ? A_BOLD : A_NORMAL;
}

static void draw_queue_row(int y, struct rect r, const struct qrow *q, int nw, const int *cw,
                           int64_t now)
{
	char buf[32];
	int x = r.x + nw + 1, right = r.x + r.w;

	ui_put(y, r.x, q->label, nw, q->sum ? ui_attr(UI_TITLE) : A_NORMAL);
	for (int c = 0; c < QC_COUNT && x + cw[c] <= right; c++) {
		fmt_count(buf, sizeof(buf), q->n[c]);
		ui_put_right(y, x, buf, cw[c], count_attr(c, q->n[c], q->sum));
		x += cw[c] + 1;
	}
	if (x + 6 <= right) {
		fmt_age(buf, sizeof(buf), q->oldest_ms, now);
		ui_put_right(y, x, buf, 6, q->sum ? A_BOLD : A_NORMAL);
		ds.ticking |= q->oldest_ms > 0;
	}
}

/* Queues by tier: the counts now, the age of the oldest waiting ticket. Short of rows, the
 * queues at the end give way and the total stays. */
static void draw_queues(struct rect r, int64_t now)
{
	int nw, cw[QC_COUNT];
	bool full;
	size_t n;

	if (r.h <= 0)
		return;
	queue_cols(r.w, &nw, &full, cw);
	attr_t ha = ui_attr(UI_COLHEAD);
	ui_fill(r.y, r.x, r.w, ha);
	ui_put(r.y, r.x, "Queues", nw, ha);
	int x = r.x + nw + 1;
	for (int c = 0; c < QC_COUNT && x + cw[c] <= r.x + r.w; c++) {
		ui_put_right(r.y, x, full ? qcols[c].head : qcols[c].abbr, cw[c], ha);
		x += cw[c] + 1;
	}
	if (x + 6 <= r.x + r.w)
		ui_put_right(r.y, x, "Oldest", 6, ha);
	if (ds.nq == 0) {
		if (r.h > 1)
			ui_put(r.y + 1, r.x, "No queues", r.w, ui_attr(UI_LABEL));
		return;
	}
	struct qrow *rows = queue_rows(&n);
	int avail = r.h - 1;
	bool cut = (int)n > avail && n > 0 && rows[n - 1].sum && ds.nq > 1;
	int shown = 0;
	for (size_t i = 0; i < n && shown < avail; i++) {
		if (cut && shown == avail - 1)
			i = n - 1; /* the total, last */
		draw_queue_row(r.y + 1 + shown++, r, &rows[i], nw, cw, now);
	}
	free(rows);
}

static const char *presence_label(enum presence p)
{
	switch (p) {
	case PR_ONLINE:
		return "online";
	case PR_AWAY:
		return "away";
	case PR_OFFLINE:
		return "offline";
	case PR_UNKNOWN:
		break;
	}
	return "?";
}

static attr_t presence_attr(enum presence p)
{
	return p == PR_ONLINE ? ui_attr(UI_SLA_OK)
	       : p == PR_AWAY ? ui_attr(UI_SLA_WARN)
	                      : ui_attr(UI_LABEL);
}

static bool overloaded(const struct dagent *a)
{
	return a->open >= 0 && a->max_load > 0 && a->open >= a->max_load;
}

static const char *role_label(const char *role)
{
	int r = name_index(agent_role_names, role);

	return r == ROLE_L1 ? "L1" : r == ROLE_L2 ? "L2" : r == ROLE_SUPERVISOR ? "Sup" : role;
}

/* The columns of one agent cell w wide: login, name (when there is room), role, presence,
 * open/max with the overload marker, resolved today ("Done"), time logged today. */
struct acols {
	int login, name, role, pres, open, res, time;
};

static struct acols agent_cols(int w)
{
	struct acols c = {.login = 6, .role = 4, .pres = 7, .open = 7, .res = 4, .time = 6};

	for (size_t i = 0; i < ds.na; i++) {
		int lw = utf8_width(ds.a[i].login, strlen(ds.a[i].login));
		c.login = lw > c.login ? lw : c.login;
	}
	c.login = clampi(c.login, 6, 12); /* at least "Agents" */
	int fixed = c.login + c.pres + c.open + c.res + c.time + 4;
	if (w - fixed - (c.role + 1) >= 10) {
		c.name = clampi(w - fixed - (c.role + 1) - 1, 0, 24);
	} else {
		c.role = 0;
		if (w - fixed < 0)
			c.res = 0;
	}
	return c;
}

static void draw_agent_head(int y, int x, int w, const struct acols *c)
{
	attr_t ha = ui_attr(UI_COLHEAD);
	int right = x + w;

	ui_put(y, x, "Agents", c->login, ha);
	x += c->login + 1;
	if (c->name > 0) {
		ui_put(y, x, "Name", c->name, ha);
		x += c->name + 1;
	}
	if (c->role > 0) {
		ui_put(y, x, "Role", c->role, ha);
		x += c->role + 1;
	}
	ui_put(y, x, "Status", c->pres, ha);
	x += c->pres + 1;
	if (x + c->open <= right)
		ui_put_right(y, x, "Open", c->open - 1, ha);
	x += c->open + 1;
	if (c->res > 0 && x + c->res <= right)
		ui_put_right(y, x, "Done", c->res, ha);
	x += c->res > 0 ? c->res + 1 : 0;
	if (x + c->time <= right)
		ui_put_right(y, x, "Logged", c->time, ha);
}

/* One agent. The open count is "open/max"; an overloaded agent's is marked '!' (for monochrome
 * terminals) and, with the login, drawn as an error. */
static void draw_agent(int y, int x, int w, const struct acols *c, const struct dagent *a)
{
	char open[64], num[24], mx[24];
	bool over = overloaded(a);
	attr_t oa = over ? ui_attr(UI_ERROR) : A_NORMAL;
	int right = x + w;

	ui_put(y, x, a->login, c->login, over ? oa : A_BOLD);
	x += c->login + 1;
	if (c->name > 0) {
		ui_put(y, x, a->name, c->name, A_NORMAL);
		x += c->name + 1;
	}
	if (c->role > 0) {
		ui_put(y, x, role_label(a->role), c->role, ui_attr(UI_LABEL));
		x += c->role + 1;
	}
	ui_put(y, x, presence_label(a->presence), c->pres, presence_attr(a->presence));
	x += c->pres + 1;
	fmt_count(num, sizeof(num), a->open);
	fmt_count(mx, sizeof(mx), a->max_load);
	snprintf(open, sizeof(open), "%s/%s", num, mx);
	if (x + c->open <= right) {
		ui_put_right(y, x, open, c->open - 1, oa);
		ui_put(y, x + c->open - 1, over ? "!" : " ", 1, oa);
	}
	x += c->open + 1;
	if (c->res > 0 && x + c->res <= right) {
		fmt_count(num, sizeof(num), a->resolved);
		ui_put_right(y, x, num, c->res, A_NORMAL);
	}
	x += c->res > 0 ? c->res + 1 : 0;
	if (x + c->time <= right) {
		fmt_minutes(num, sizeof(num), a->minutes);
		ui_put_right(y, x, num, c->time, A_NORMAL);
	}
}

/* Agents in ncols columns of cells, row by row. Short of rows, the last row says how many more
 * there are and how many of them are overloaded. */
static void draw_agents(struct rect r, int ncols)
{
	int gap = 2, cw = (r.w - (ncols - 1) * gap) / ncols;

	if (r.h <= 0 || cw <= 0)
		return;
	struct acols c = agent_cols(cw);
	for (int k = 0; k < ncols; k++)
		draw_agent_head(r.y, r.x + k * (cw + gap), cw, &c);
	if (ds.na == 0) {
		if (r.h > 1)
			ui_put(r.y + 1, r.x, "No agents", r.w, ui_attr(UI_LABEL));
		return;
	}
	int rows = r.h - 1;
	size_t fit = (size_t)rows * (size_t)ncols;
	size_t shown = ds.na <= fit ? ds.na : fit - (size_t)ncols;
	for (size_t i = 0; i < shown; i++)
		draw_agent(r.y + 1 + (int)(i / (size_t)ncols),
		           r.x + (int)(i % (size_t)ncols) * (cw + gap), cw, &c, &ds.a[i]);
	if (shown < ds.na) {
		size_t over = 0;
		char buf[96];
		for (size_t i = shown; i < ds.na; i++)
			over += overloaded(&ds.a[i]);
		snprintf(buf, sizeof(buf), "+%zu more agents%s", ds.na - shown,
		         over > 0 ? ", some overloaded" : "");
		ui_put(r.y + r.h - 1, r.x, buf, r.w,
		       over > 0 ? ui_attr(UI_ERROR) : ui_attr(UI_LABEL));
	}
}

static bool is_raised(const struct ticket *t)
{
	return strcmp(t->raise_state, "raised") == 0;
}

/* The attention list's columns. */
enum acol { AC_FLAG, AC_KEY, AC_PRI, AC_ST, AC_SLA, AC_AGENT, AC_QUEUE, AC_SUBJ, AC_WHY, NAC };

static void attention_cols(int w, int *cw)
{
	memset(cw, 0, sizeof(int) * NAC);
	cw[AC_FLAG] = 6;
	cw[AC_KEY] = 7;
	for (size_t i = 0; i < ds.natt; i++) {
		int kw = utf8_width(ds.att[i]->key, strlen(ds.att[i]->key));
		cw[AC_KEY] = clampi(kw, cw[AC_KEY], 12);
	}
	cw[AC_PRI] = 2;
	cw[AC_ST] = 4;
	cw[AC_SLA] = SLA_CELL_COLS;
	cw[AC_AGENT] = 8;
	int fixed = 0;
	for (int i = 0; i < NAC; i++)
		fixed += cw[i] > 0 ? cw[i] + 1 : 0;
	int rest = w - fixed;
	/* The queue once the subject keeps 20 columns beside it; the raise reason once the
	 * subject and the reason can have 24 each. */
	if (rest >= 12 + 1 + 20) {
		cw[AC_QUEUE] = 12;
		rest -= 13;
	}
	if (rest >= 2 * 24 + 1) {
		cw[AC_WHY] = rest / 2;
		rest -= cw[AC_WHY] + 1;
	}
	cw[AC_SUBJ] = rest > 1 ? rest : 1;
}

static void draw_att_cells(int y, int x, const int *cw, const char *const *cell, const attr_t *attr)
{
	for (int i = 0; i < NAC; i++) {
		if (cw[i] <= 0)
			continue;
		if (cell[i] != NULL)
			ui_put(y, x, cell[i], cw[i], attr[i]);
		x += cw[i] + 1;
	}
}

/* Raised tickets first (not yet acknowledged, oldest raise first), then tickets with a breached
 * running clock (earliest due first): the server's order. */
static void draw_attention(struct rect r, int64_t now)
{
	int cw[NAC];
	size_t raised = 0;
	char title[64];

	ds.page = r.h > 1 ? r.h - 1 : 1;
	if (r.h <= 0)
		return;
	attention_cols(r.w, cw);
	for (size_t i = 0; i < ds.natt; i++)
		raised += is_raised(ds.att[i]);
	snprintf(title, sizeof(title), "Attention (%zu)", ds.natt);
	static const char *const head[NAC] = {
	    NULL, NULL, "P", "St", "SLA", "Agent", "Queue", "Subject", "Raised because"};
	attr_t ha = ui_attr(UI_COLHEAD), hattr[NAC];
	for (int i = 0; i < NAC; i++)
		hattr[i] = ha;
	ui_fill(r.y, r.x, r.w, ha);
	draw_att_cells(r.y, r.x, cw, head, hattr);
	ui_put(r.y, r.x, title, cw[AC_FLAG] + 1 + cw[AC_KEY], ha | A_BOLD);
	if (ds.natt == 0) {
		if (r.h > 1)
			ui_put(r.y + 1, r.x, "Nothing raised to supervisors, no SLA breached", r.w,
			       ui_attr(UI_LABEL));
		return;
	}
	int rows = r.h - 1;
	if (ds.sel < ds.top)
		ds.top = ds.sel;
	if (rows > 0 && ds.sel >= ds.top + (size_t)rows)
		ds.top = ds.sel - (size_t)rows + 1;
	if (ds.top + (size_t)rows > ds.natt)
		ds.top = ds.natt > (size_t)rows ? ds.natt - (size_t)rows : 0;
	for (int i = 0; i < rows && ds.top + (size_t)i < ds.natt; i++) {
		size_t k = ds.top + (size_t)i;
		const struct ticket *t = ds.att[k];
		bool cur = k == ds.sel;
		attr_t base = cur ? ui_attr(UI_CURSOR) : A_NORMAL;
		char pri[8], sla[32];
		enum ui_elem se;
		int y = r.y + 1 + i;
		snprintf(pri, sizeof(pri), "P%d", t->priority);
		sla_cell(t, now, sla, sizeof(sla), &se);
		ds.ticking |= sla_has_any(t);
		const char *cell[NAC] = {
		    [AC_FLAG] = is_raised(t) ? "raised" : "breach",
		    [AC_KEY] = t->key,
		    [AC_PRI] = pri,
		    [AC_ST] = ticket_status_label(t),
		    [AC_SLA] = sla,
		    [AC_AGENT] = t->assignee[0] != '\0' ? t->assignee : ui_dash(),
		    [AC_QUEUE] = t->queue,
		    [AC_SUBJ] = t->subject,
		    [AC_WHY] = is_raised(t) && t->raise_reason != NULL ? t->raise_reason : "",
		};
		attr_t attr[NAC];
		for (int c = 0; c < NAC; c++)
			attr[c] = base;
		if (!cur) {
			attr[AC_FLAG] = is_raised(t) ? ui_attr(UI_ERROR) : ui_attr(UI_SLA_BREACH);
			attr[AC_PRI] = ui_attr((enum ui_elem)(UI_P1 + t->priority - 1));
			attr[AC_SLA] = ui_attr(se);
			if (t->assignee[0] == '\0')
				attr[AC_AGENT] = ui_attr(UI_LABEL);
			attr[AC_WHY] = ui_attr(UI_LABEL);
		}
		ui_fill(y, r.x, r.w, base);
		draw_att_cells(y, r.x, cw, cell, attr);
	}
}

/* ---- layout ---------------------------------------------------------------------------------- */

enum panel { P_KPI, P_CHART, P_QUEUES, P_AGENTS, P_ATT, NPANEL };

/* Heights for panels stacked in h rows, top to bottom in order[0..n): each gets what it needs
 * when all fits, with a blank row between panels if there is room for those too, and fill (a
 * list that scrolls) takes whatever is left beyond its minimum. Otherwise the panels in shrink
 * order give rows up, down to their minimum. Returns the gap between panels (0 or 1). */
static int stack(int *hs, const int *need, const int *min, const enum panel *order, int n,
                 const enum panel *shrink, enum panel fill, int h)
{
	int total = 0, gap = 0;

	for (int i = 0; i < n; i++) {
		enum panel p = order[i];
		hs[p] = p == fill ? min[p] : need[p];
		total += hs[p];
	}
	if (total + n - 1 <= h)
		gap = 1;
	int excess = total + gap * (n - 1) - h;
	for (int i = 0; i < n && excess > 0; i++) {
		enum panel p = shrink[i];
		int give = hs[p] - min[p] < excess ? hs[p] - min[p] : excess;
		if (give > 0) {
			hs[p] -= give;
			excess -= give;
		}
	}
	if (excess < 0)
		hs[fill] -= excess;
	return gap;
}

static void draw_column(struct rect r, const enum panel *order, int n, const enum panel *shrink,
                        enum panel fill, int agent_cols, int64_t now)
{
	int need[NPANEL] = {0}, min[NPANEL] = {0}, hs[NPANEL] = {0};
	int qn = (int)queue_row_count();
	int arows = ((int)ds.na + agent_cols - 1) / agent_cols;

	need[P_KPI] = kpi_flow(r, false, 0);
	min[P_KPI] = 1;
	need[P_CHART] = r.w >= 10 + HOURS + 8 ? 4 : 1;
	min[P_CHART] = 1;
	need[P_QUEUES] = 1 + (qn > 0 ? qn : 1);
	min[P_QUEUES] = need[P_QUEUES] < 3 ? need[P_QUEUES] : 3;
	need[P_AGENTS] = 1 + (arows > 0 ? arows : 1);
	min[P_AGENTS] = 2;
	int nat = (int)ds.natt;
	need[P_ATT] = 1 + (nat > 0 ? nat : 1);
	min[P_ATT] = 1 + (nat < 1 ? 1 : nat < 3 ? nat : 3);

	int gap = stack(hs, need, min, order, n, shrink, fill, r.h);
	int y = r.y;
	for (int i = 0; i < n && y < r.y + r.h; i++) {
		enum panel p = order[i];
		int h = hs[p] < r.y + r.h - y ? hs[p] : r.y + r.h - y;
		struct rect pr = {y, r.x, h, r.w};
		switch (p) {
		case P_KPI:
			draw_kpis(pr);
			break;
		case P_CHART:
			draw_chart(pr);
			break;
		case P_QUEUES:
			draw_queues(pr, now);
			break;
		case P_AGENTS:
			draw_agents(pr, agent_cols);
			break;
		case P_ATT:
			draw_attention(pr, now);
			break;
		case NPANEL:
			break;
		}
		y += h + gap;
	}
}

static void draw_panels(struct rect r, int64_t now)
{
	if (r.w >= WIDE_COLS) {
		/* Queues and the attention list on the left, where the eye starts; today's figures
		 * and the agents on the right. */
		static const enum panel left[] = {P_QUEUES, P_ATT}, lshrink[] = {P_QUEUES, P_ATT};
		static const enum panel right[] = {P_KPI, P_CHART, P_AGENTS};
		static const enum panel rshrink[] = {P_AGENTS, P_CHART, P_KPI};
		int lw = clampi(r.w * 3 / 5, 60, r.w - 40);
		draw_column((struct rect){r.y, r.x, r.h, lw}, left, 2, lshrink, P_ATT, 1, now);
		attrset(ui_attr(UI_BORDER));
		mvvline(r.y, r.x + lw + 1, ACS_VLINE, r.h);
		attrset(A_NORMAL);
		draw_column((struct rect){r.y, r.x + lw + 3, r.h, r.w - lw - 3}, right, 3, rshrink,
		            P_AGENTS, 1, now);
		return;
	}
	/* One column: the figures first, then the tables, the attention list taking the rest.
	 * Short of rows, the chart shrinks to one row first, then the agents give way, then the
	 * queues (the total stays) and the KPIs. */
	static const enum panel order[] = {P_KPI, P_CHART, P_QUEUES, P_AGENTS, P_ATT};
	static const enum panel shrink[] = {P_CHART, P_AGENTS, P_QUEUES, P_KPI, P_ATT};
	int acols = r.w >= 2 * AGENT_CELL + 2 ? 2 : 1;
	draw_column(r, order, NPANEL, shrink, P_ATT, acols, now);
}

/* ---- view hooks ----------------------------------------------------------------------------- */

static struct keyhelp dash_keys[MAX_KEYS];

/* Footer and help: the dialog's keys while one is open; else what the role may do to the
 * selected ticket (the detail view's actions decide the rest and say why when they refuse). */
static void build_keys(void)
{
	const struct ticket *t = selected();
	int role = my_role();
	size_t n = 0;

	if (actions_dialog_keyhelp(dash_keys, MAX_KEYS))
		return;
	dash_keys[n++] = (struct keyhelp){"Enter", "open", true};
	if (role_may(role, PERM_TICKET_ASSIGN))
		dash_keys[n++] = (struct keyhelp){"a", "reassign", true};
	if (role_may(role, PERM_TICKET_ACK)) {
		dash_keys[n++] = (struct keyhelp){"P", "priority", true};
		/* In the footer only when the selected ticket is raised: the one it applies to. */
		dash_keys[n++] = (struct keyhelp){"K", "acknowledge", t != NULL && is_raised(t)};
	}
	dash_keys[n++] = (struct keyhelp){"q", "back", true};
	dash_keys[n++] = (struct keyhelp){"?", "help", true};
	dash_keys[n++] = (struct keyhelp){ui_utf8 ? "\xe2\x86\x91\xe2\x86\x93 j k" : "Up Down j k",
	                                  "move in the attention list", false};
	dash_keys[n++] = (struct keyhelp){"PgUp PgDn", "page", false};
	dash_keys[n++] = (struct keyhelp){"Home End g G", "first / last", false};
	dash_keys[n++] = (struct keyhelp){"D Esc", "back to the ticket views", false};
	dash_keys[n] = (struct keyhelp){NULL, NULL, false};
}

static void dash_draw(struct rect r)
{
	int64_t now = conn_server_now(app.conn);

	build_keys();
	ds.ticking = false;
	ds.stale = is_stale();
	if (!ds.have) {
		const char *msg = ds.error[0] != '\0' ? ds.error
		                  : app_online()      ? "Waiting for the dashboard"
		                                 : "Offline: the dashboard shows once connected";
		ui_put(r.y, r.x + 1, msg, r.w - 2,
		       ui_attr(ds.error[0] != '\0' ? UI_ERROR : UI_LABEL));
	} else {
		draw_panels((struct rect){r.y, r.x + 1, r.h, r.w - 2}, now);
		if (ds.error[0] != '\0' && r.h > 0)
			ui_put_pad(r.y + r.h - 1, r.x + 1, ds.error, r.w - 2, ui_attr(UI_ERROR));
	}
	actions_draw(r);
}

static void leave(void)
{
	unsubscribe();
	app_set_view(&view_queue);
}

/* An action of the detail view on the selected ticket: that view holds the ticket the actions
 * work on, so it is given the ticket (as listed here, until its own fetch returns) and the
 * dashboard comes straight back, before anything is drawn; the action's dialog, if it opens
 * one, is then drawn here. Refusals (role, state) are the action's own. */
static void act(int type, wint_t ch)
{
	const struct ticket *t = selected();

	if (t == NULL) {
		app_status(true, "Nothing selected: the attention list is empty");
		return;
	}
	struct ticket *copy = ticket_dup(t);
	view_ticket_open(copy->id);
	view_ticket_adopt(copy);
	app_set_view(&view_dash);
	actions_key(type, ch);
}

static long moved(long cur, long n, long delta)
{
	long c = cur + delta;

	return n == 0 || c < 0 ? 0 : c >= n ? n - 1 : c;
}

static bool dash_key(int type, wint_t ch)
{
	long n = (long)ds.natt, cur = (long)ds.sel, page = ds.page > 1 ? ds.page - 1 : 1;

	if (actions_dialog_open())
		return actions_key(type, ch); /* modal */
	if (key_is(type, ch, 'q') || key_is(type, ch, KEY_ESCAPE) || key_is(type, ch, DASH_KEY)) {
		leave();
		return true;
	}
	if (key_is_enter(type, ch)) {
		const struct ticket *t = selected();
		if (t == NULL) {
			app_status(true, "Nothing selected: the attention list is empty");
			return true;
		}
		int64_t id = t->id;
		unsubscribe();
		view_ticket_open(id);
		return true;
	}
	if (key_is(type, ch, 'a') || key_is(type, ch, 'P') || key_is(type, ch, 'K')) {
		act(type, ch);
		return true;
	}
	if (key_fn(type, ch, KEY_UP) || key_is(type, ch, 'k'))
		cur = moved(cur, n, -1);
	else if (key_fn(type, ch, KEY_DOWN) || key_is(type, ch, 'j'))
		cur = moved(cur, n, +1);
	else if (key_fn(type, ch, KEY_PPAGE))
		cur = moved(cur, n, -page);
	else if (key_fn(type, ch, KEY_NPAGE) || key_is(type, ch, ' '))
		cur = moved(cur, n, +page);
	else if (key_fn(type, ch, KEY_HOME) || key_is(type, ch, 'g'))
		cur = 0;
	else if (key_fn(type, ch, KEY_END) || key_is(type, ch, 'G'))
		cur = n > 0 ? n - 1 : 0;
	else
		return false;
	ds.sel = (size_t)cur;
	return true;
}

bool view_dash_allowed(void)
{
	return may_watch();
}

bool view_dash_hotkey(int type, wint_t ch)
{
	if (!key_is(type, ch, DASH_KEY))
		return false;
	if (!may_watch())
		app_status(true, "The dashboard is for supervisors and administrators (you are %s)",
		           app.agent.role != NULL && app.agent.role[0] != '\0' ? app.agent.role
		                                                               : "not logged in");
	else
		app_set_view(&view_dash);
	return true;
}

static void dash_enter(void)
{
	subscribe();
}

static void dash_reload(bool current)
{
	/* A new session knows nothing of the old one's subscription. */
	ds.subscribed = false;
	ds.subseq++;
	if (current) {
		subscribe();
		actions_reload(); /* a dialog open here waits for a list lost with the connection */
	}
}

static void dash_tick(int64_t mono)
{
	if (app.view != &view_dash) {
		unsubscribe(); /* left some way other than its own keys */
		return;
	}
	if (!app.help && (ds.ticking || is_stale() != ds.stale))
		app_redraw();
}

static void dash_fini(void)
{
	free_data();
	memset(&ds, 0, sizeof(ds));
}

const struct view view_dash = {
    .title = "Supervisor dashboard",
    .keys = dash_keys,
    .enter = dash_enter,
    .draw = dash_draw,
    .key = dash_key,
    .reload = dash_reload,
    .tick = dash_tick,
    .fini = dash_fini,
};
