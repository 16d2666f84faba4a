/* view-ticket.c - one ticket in full: fields, description, escalation path, comments and
 * history; live. Its actions (ticket-actions.c) each have a key here. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "cmdline.h"
#include "keys.h"
#include "log.h"
#include "proto.h"
#include "sla-text.h"
#include "ticket-actions.h"
#include "utf8.h"
#include "util.h"
#include "view.h"

#define VALUE_COLS 60 /* old/new values in the timeline are cut to this many columns */
#define MAX_KEYS   40 /* footer and help entries */

/* A cell of the SLA section that changes with time alone (a clock's state or time left), as
 * the last draw left it, so the clock can repaint it in place. */
struct slacell {
	int y, x, w;
	int clock; /* index into the ticket's clocks */
	bool left; /* the time left; else the state */
	char text[40];
	attr_t a;
};

static struct {
	int64_t id;
	struct ticket *t;
	struct tevent *ev;
	size_t nev;
	struct tcomment *cm;
	size_t ncm;
	struct tescalation *esc;
	size_t nesc;
	uintptr_t seq;
	bool loading;
	bool refetch; /* a push arrived while loading: fetch again after the reply */
	char error[256];
	int top;   /* first content line shown */
	int lines; /* content lines at the last draw */
	int rows;  /* rows visible at the last draw */
	struct slacell cells[2 * SLA_NKINDS];
	int ncells;
	int drawn_cols, drawn_lines;
	const struct view *back; /* where q goes: the dashboard or the lists */
} tv;

/* Rebuilt on every draw: what is on offer changes with the ticket and with an open dialog. */
static struct keyhelp ticket_keys[MAX_KEYS];

static void fetch(void);

static void free_content(void)
{
	ticket_free(tv.t);
	tevents_free(tv.ev, tv.nev);
	tcomments_free(tv.cm, tv.ncm);
	tescalations_free(tv.esc, tv.nesc);
	tv.t = NULL;
	tv.ev = NULL;
	tv.nev = 0;
	tv.cm = NULL;
	tv.ncm = 0;
	tv.esc = NULL;
	tv.nesc = 0;
}

static void got_ticket(const msgpack_object *r, void *arg)
{
	if ((uintptr_t)arg != tv.seq)
		return;
	tv.loading = false;
	if (r == NULL)
		return; /* reload() fetches again once the session is back */
	if (!reply_ok(r)) {
		reply_error_text(r, tv.error, sizeof(tv.error));
		app_redraw();
		return;
	}
	struct ticket *t = ticket_parse(mp_get(r, "ticket"));
	if (t == NULL || t->id != tv.id) {
		ticket_free(t);
		snprintf(tv.error, sizeof(tv.error), "The server sent an unreadable ticket");
		app_redraw();
		return;
	}
	free_content();
	tv.t = t;
	tv.ev = tevents_parse(mp_get(r, "events"), &tv.nev);
	tv.cm = tcomments_parse(mp_get(r, "comments"), &tv.ncm);
	tv.esc = tescalations_parse(mp_get(r, "escalations"), &tv.nesc);
	tv.error[0] = '\0';
	if (tv.refetch) {
		tv.refetch = false;
		fetch();
	}
	actions_loaded();
	app_redraw();
}

static void fetch(void)
{
	if (!app_online())
		return;
	uintptr_t seq = ++tv.seq;
	msgpack_packer *pk = conn_begin(app.conn, "ticket.get", 1, got_ticket, (void *)seq);
	pk_kint(pk, "id", tv.id);
	tv.loading = conn_end(app.conn) != 0;
}

void view_ticket_adopt(struct ticket *t)
{
	if (t != NULL && t->id == tv.id && (tv.t == NULL || !ticket_newer(tv.t, t))) {
		if (t->description == NULL && tv.t != NULL && tv.t->description != NULL)
			t->description = xstrdup(tv.t->description);
		ticket_free(tv.t);
		tv.t = t;
		app_redraw();
	} else {
		ticket_free(t);
	}
	/* The reply has the ticket but not its history and comments. */
	fetch();
}

const struct ticket *view_ticket_shown(void)
{
	return tv.t;
}

int64_t view_ticket_id(void)
{
	return tv.id;
}

const char *view_ticket_question(void)
{
	const char *q = NULL;

	for (size_t i = 0; i < tv.ncm; i++)
		if (strcmp(tv.cm[i].kind, "question") == 0)
			q = tv.cm[i].body;
	return q;
}

void view_ticket_open(int64_t id)
{
	/* Opened from the dashboard: back to it; from anywhere else: the lists. */
	if (app.view != &view_ticket)
		tv.back = app.view == &view_dash ? &view_dash : &view_queue;
	if (id != tv.id) {
		actions_leave();
		free_content();
		tv.id = id;
	}
	tv.top = 0;
	tv.error[0] = '\0';
	app_set_view(&view_ticket);
}

/* ---- drawing: a virtual page scrolled through the body --------------------------------- */

struct page {
	struct rect r;
	int top;
	int n; /* lines emitted so far */
};

/* Screen row for the next content line, or -1 if it is scrolled out of view. */
static int next_row(struct page *p)
{
	int i = p->n++ - p->top;

	return i >= 0 && i < p->r.h ? p->r.y + i : -1;
}

/* Emit text word-wrapped at cols columns starting at column x, each line its own row. */
static void wrapped(struct page *p, int x, int cols, const char *s, attr_t a)
{
	size_t n = strlen(s), off = 0;

	if (n == 0) {
		next_row(p);
		return;
	}
	while (off < n) {
		size_t next, len = ui_wrap(s + off, n - off, cols, &next);
		int y = next_row(p);
		if (y >= 0)
			ui_putn(y, x, s + off, len, cols, a, false);
		off += next;
	}
}

static void field_pair(int y, int x, int w, const char *label, const char *value, attr_t va)
{
	ui_put(y, x, label, 10, ui_attr(UI_LABEL));
	ui_put(y, x + 11, value, w - 11, va);
}

struct pair {
	const char *label, *value;
	enum ui_elem e;
};

static void draw_fields(struct page *p, const struct ticket *t)
{
	const struct queue_info *q = app_queue(t->queue_id);
	char pri[64], queue[256], created[32], updated[32], ver[24], spent[32], res[256];
	char raised[256], merged[64];
	const char *dash = ui_dash();
	struct pair f[24];
	size_t n = 0;

	if (t->priority_override)
		snprintf(pri, sizeof(pri), "P%d  (override: %s)", t->priority,
		         t->priority_reason != NULL ? t->priority_reason : "");
	else
		snprintf(pri, sizeof(pri), "P%d  (impact %d, urgency %d)", t->priority, t->impact,
		         t->urgency);
	snprintf(queue, sizeof(queue), "%s (tier %d)", q != NULL ? q->name : t->queue, t->tier);
	ui_fmt_time(created, sizeof(created), "%Y-%m-%d %H:%M", t->created_ms);
	ui_fmt_time(updated, sizeof(updated), "%Y-%m-%d %H:%M", t->updated_ms);
	snprintf(ver, sizeof(ver), "%lld", (long long)t->version);

	f[n++] = (struct pair){"Status", t->status, UI_TITLE};
	f[n++] = (struct pair){"Priority", pri, (enum ui_elem)(UI_P1 + t->priority - 1)};
	f[n++] = (struct pair){"Type", type_label(t->type), UI_NORMAL};
	f[n++] = (struct pair){"Channel", channel_label(t->channel), UI_NORMAL};
	f[n++] = (struct pair){"Queue", queue, UI_NORMAL};
	f[n++] = (struct pair){"Assignee", t->assignee[0] ? t->assignee : dash, UI_NORMAL};
	f[n++] = (struct pair){"Requester", t->requester[0] ? t->requester : dash, UI_NORMAL};
	f[n++] = (struct pair){"Owner", t->owner[0] ? t->owner : dash, UI_NORMAL};
	/* The rest only when it says something, so a plain ticket stays compact. */
	if (t->category[0] != '\0')
		f[n++] = (struct pair){"Category", t->category, UI_NORMAL};
	if (t->minutes_spent > 0) {
		snprintf(spent, sizeof(spent), "%lld min", (long long)t->minutes_spent);
		f[n++] = (struct pair){"Time spent", spent, UI_NORMAL};
	}
	if (t->resolution_code != NULL) {
		snprintf(res, sizeof(res), "%s%s%s", t->resolution_code,
		         t->resolution_note != NULL && t->resolution_note[0] ? ": " : "",
		         t->resolution_note != NULL ? t->resolution_note : "");
		f[n++] = (struct pair){"Resolution", res, UI_NORMAL};
	}
	if (t->raise_state[0] != '\0' && strcmp(t->raise_state, "none") != 0) {
		snprintf(raised, sizeof(raised), "%s%s%s", t->raise_state,
		         t->raise_reason != NULL ? ": " : "",
		         t->raise_reason != NULL ? t->raise_reason : "");
		f[n++] = (struct pair){"Raised", raised, UI_ERROR};
	}
	if (t->question_open)
		f[n++] = (struct pair){"Question", "open, waiting for an answer", UI_ERROR};
	if (t->merged_into != NULL) {
		/* "Merged into" would not fit the 10-column labels. */
		snprintf(merged, sizeof(merged), "into %s", t->merged_into);
		f[n++] = (struct pair){"Merged", merged, UI_NORMAL};
	}
	if (t->problem != NULL)
		f[n++] = (struct pair){"Problem", t->problem, UI_NORMAL};
	f[n++] = (struct pair){"Version", ver, UI_NORMAL};
	f[n++] = (struct pair){"Created", created, UI_NORMAL};
	f[n++] = (struct pair){"Updated", updated, UI_NORMAL};

	/* Two columns when there is room for them, else one. */
	int ncol = p->r.w >= 70 ? 2 : 1;
	int cw = p->r.w / ncol;
	for (size_t i = 0; i < n; i += (size_t)ncol) {
		int y = next_row(p);
		if (y < 0)
			continue;
		for (int c = 0; c < ncol && i + (size_t)c < n; c++)
			field_pair(y, p->r.x + c * cw, cw - 2, f[i + c].label, f[i + c].value,
			           ui_attr(f[i + c].e));
	}
}

/* A time the SLA section shows: the time of day when it is today (by the server's clock),
 * the weekday within the week around now, else the date. Local time, as the header. */
static void fmt_when(char *buf, size_t len, int64_t ms, int64_t now_ms)
{
	time_t a = (time_t)(ms / 1000), b = (time_t)(now_ms / 1000);
	struct tm ta, tb;
	int64_t d = ms > now_ms ? ms - now_ms : now_ms - ms;

	if (localtime_r(&a, &ta) != NULL && localtime_r(&b, &tb) != NULL &&
	    ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday)
		ui_fmt_time(buf, len, "%H:%M:%S", ms);
	else if (d < 6LL * 86400 * 1000)
		ui_fmt_time(buf, len, "%a %H:%M", ms);
	else
		ui_fmt_time(buf, len, "%Y-%m-%d %H:%M", ms);
}

/* The two ticking cells of a clock: its state, and the time left (or overdue). */
static void clock_cells(const struct sla_clock *c, int64_t now, char *state, size_t slen,
                        char *left, size_t llen, attr_t *a)
{
	enum sla_state s = sla_state_at(c, now);
	char span[16];

	*a = ui_attr(sla_state_elem(s));
	snprintf(state, slen, "%s", sla_state_label(s));
	left[0] = '\0';
	if (sla_running(s) && c->due_ms != 0) {
		int64_t secs = sla_secs_left(c, now);
		sla_fmt_span(span, sizeof(span), secs > 0 ? secs : -secs);
		snprintf(left, llen, "%s %s", span, s == SLA_BREACHED ? "over" : "left");
	} else if (s == SLA_STOPPED && c->has_left) {
		/* Business time, as of when the pause began. */
		sla_fmt_span(span, sizeof(span), c->left_s >= 0 ? c->left_s : -c->left_s);
		snprintf(left, llen, "%s %s", span, c->left_s >= 0 ? "left" : "over");
	} else if (s == SLA_STOPPED && sla_paused_overdue(c)) {
		snprintf(left, llen, "overdue");
	}
}

/* Append one item to a comma-separated list in buf (k: its length so far). */
static void add_item(char *buf, size_t len, size_t *k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add_item(char *buf, size_t len, size_t *k, const char *fmt, ...)
{
	va_list ap;

	if (*k > 0 && *k < len)
		*k += (size_t)snprintf(buf + *k, len - *k, ", ");
	if (*k >= len)
		return;
	va_start(ap, fmt);
	*k += (size_t)vsnprintf(buf + *k, len - *k, fmt, ap);
	va_end(ap);
}

/* What else there is to know about a clock, comma-separated. */
static void clock_details(const struct sla_clock *c, int64_t now, char *buf, size_t len)
{
	char when[40], span[16];
	size_t k = 0;

	buf[0] = '\0';
	if (c->due_ms != 0) {
		fmt_when(when, sizeof(when), c->due_ms, now);
		add_item(buf, len, &k, "due %s", when);
	}
	if (c->warn_ms != 0 && c->met_ms == 0) {
		fmt_when(when, sizeof(when), c->warn_ms, now);
		add_item(buf, len, &k, "%s %s", c->warn_ms <= now ? "warned" : "warning at", when);
	}
	if (c->met_ms != 0) {
		fmt_when(when, sizeof(when), c->met_ms, now);
		add_item(buf, len, &k, "met %s", when);
	}
	if (c->breached_ms != 0) {
		fmt_when(when, sizeof(when), c->breached_ms, now);
		add_item(buf, len, &k, "breached %s", when);
	}
	if (c->paused_since_ms != 0) {
		fmt_when(when, sizeof(when), c->paused_since_ms, now);
		add_item(buf, len, &k, "paused since %s", when);
	}
	if (c->paused_s > 0) {
		sla_fmt_span(span, sizeof(span), c->paused_s);
		add_item(buf, len, &k, "paused %s in all", span);
	}
}

static void remember_cell(int y, int x, int w, int clock, bool left, const char *text, attr_t a)
{
	struct slacell *c = &tv.cells[tv.ncells++];

	*c = (struct slacell){.y = y, .x = x, .w = w, .clock = clock, .left = left, .a = a};
	snprintf(c->text, sizeof(c->text), "%s", text);
}

/* The SLA section: the policy, then one line per clock (kind, target, state, time left and
 * the times that matter), coloured by state like the list's SLA column. Nothing at all from
 * a server without SLAs. */
static void draw_sla(struct page *p, const struct ticket *t, int64_t now)
{
	/* Columns: kind, target, state, time left; the details after them or on the next line. */
	const int lw = 15, tw = 16, sw = 10, fw = 14;
	const int dx = 2 + lw + tw + sw + fw;
	char target[32], state[16], left[32], details[256];
	int y;

	if (!t->sla_known)
		return;
	next_row(p);
	if ((y = next_row(p)) >= 0) {
		int x = p->r.x + ui_put(y, p->r.x, "SLA", p->r.w, ui_attr(UI_TITLE)) + 2;
		if (t->sla_policy != NULL)
			ui_put(y, x, t->sla_policy, p->r.x + p->r.w - x, A_NORMAL);
		else
			ui_put(y, x, "no policy applies to this ticket", p->r.x + p->r.w - x,
			       ui_attr(UI_LABEL));
	}
	if (t->sla_policy != NULL && t->nsla == 0 && (y = next_row(p)) >= 0)
		ui_put(y, p->r.x + 2, "no targets for this priority", p->r.w - 2,
		       ui_attr(UI_LABEL));
	for (int i = 0; i < t->nsla; i++) {
		const struct sla_clock *c = &t->sla[i];
		attr_t a;
		sla_fmt_target(target, sizeof(target), c->target_s);
		snprintf(target + strlen(target), sizeof(target) - strlen(target), " business");
		clock_cells(c, now, state, sizeof(state), left, sizeof(left), &a);
		clock_details(c, now, details, sizeof(details));
		int dw = utf8_width(details, strlen(details));
		bool beside = p->r.w - dx >= dw;
		if ((y = next_row(p)) >= 0) {
			int x = p->r.x + 2;
			ui_put(y, x, sla_kind_label(c->kind), lw - 1, A_NORMAL);
			ui_put(y, x + lw, target, tw - 1, ui_attr(UI_LABEL));
			ui_put(y, x + lw + tw, state, sw - 1, a);
			ui_put(y, x + lw + tw + sw, left, fw - 1, a);
			if (beside)
				ui_put(y, p->r.x + dx, details, p->r.w - dx, A_NORMAL);
			if (tv.ncells + 2 <= (int)ARRAY_LEN(tv.cells)) {
				remember_cell(y, x + lw + tw, sw - 1, i, false, state, a);
				remember_cell(y, x + lw + tw + sw, fw - 1, i, true, left, a);
			}
		}
		if (!beside && details[0] != '\0')
			wrapped(p, p->r.x + 4, p->r.w - 4, details, A_NORMAL);
	}
}

/* The clock's second: repaint the SLA cells that changed, in place, when nothing covers them
 * (a dialog may: then the whole view is redrawn, as the dialog must stay on top). */
static void tick_sla(void)
{
	const struct ticket *t = tv.t;
	int64_t now = conn_server_now(app.conn);
	char state[16], left[32];
	attr_t a;
	bool running = false;

	if (app.view != &view_ticket || app.help || t == NULL || app_redraw_pending())
		return;
	for (int i = 0; i < t->nsla; i++)
		running |= sla_running(sla_state_at(&t->sla[i], now));
	if (!running)
		return;
	if (actions_dialog_open() || tv.drawn_cols != COLS || tv.drawn_lines != LINES) {
		app_redraw();
		return;
	}
	for (int i = 0; i < tv.ncells; i++) {
		struct slacell *c = &tv.cells[i];
		if (c->clock >= t->nsla)
			continue;
		clock_cells(&t->sla[c->clock], now, state, sizeof(state), left, sizeof(left), &a);
		const char *text = c->left ? left : state;
		if (strcmp(text, c->text) == 0 && a == c->a)
			continue;
		ui_fill(c->y, c->x, c->w, A_NORMAL);
		ui_put(c->y, c->x, text, c->w, a);
		snprintf(c->text, sizeof(c->text), "%s", text);
		c->a = a;
	}
}

/* A value for the timeline: nil as a dash, long text cut (a description change would
 * otherwise fill the screen). */
static void short_value(char *buf, size_t len, const char *v)
{
	if (v == NULL) {
		snprintf(buf, len, "%s", ui_dash());
		return;
	}
	size_t n = strlen(v), cut = utf8_fit(v, n, VALUE_COLS, NULL);
	const char *nl = memchr(v, '\n', cut);
	if (nl != NULL)
		cut = (size_t)(nl - v);
	snprintf(buf, len, "\"%.*s%s\"", (int)cut, v, cut < n ? ui_ellipsis() : "");
}

/* The clock an SLA event is about: "resolution" for the field "resolution". */
static const char *clock_phrase(const char *field)
{
	int k = sla_kind_from_name(field);

	return k >= 0 ? sla_kind_phrase((enum sla_kind)k) : field != NULL ? field : "clock";
}

static void event_text(const struct tevent *e, char *buf, size_t len)
{
	char o[VALUE_COLS * 4 + 16], n[VALUE_COLS * 4 + 16];
	size_t k;

	if (strcmp(e->kind, "sla_policy") == 0) {
		/* The policy of a clock changed (a new priority, queue or organisation). */
		short_value(o, sizeof(o), e->old);
		short_value(n, sizeof(n), e->new_);
		k = (size_t)snprintf(buf, len, "SLA policy for the %s: %s %s %s",
		                     clock_phrase(e->field), o, ui_utf8 ? "\xe2\x86\x92" : "->", n);
	} else if (strncmp(e->kind, "sla_", 4) == 0) {
		/* A step deskd fired: sla_warning, sla_breach, sla_level; the share in new. */
		const char *step = e->kind + 4;
		k = (size_t)snprintf(buf, len, "SLA %s: %s%s%s",
		                     strcmp(step, "level") == 0 ? "escalation level" : step,
		                     clock_phrase(e->field), e->new_ != NULL ? " at " : "",
		                     e->new_ != NULL ? e->new_ : "");
	} else if (strcmp(e->kind, "created") == 0 ||
	           (e->field == NULL && e->old == NULL && e->new_ == NULL)) {
		k = (size_t)snprintf(buf, len, "%s", e->kind);
	} else if (e->field == NULL) {
		/* escalated / handed_back: from one queue to another */
		short_value(o, sizeof(o), e->old);
		short_value(n, sizeof(n), e->new_);
		k = (size_t)snprintf(buf, len, "%s: %s %s %s", e->kind, o,
		                     ui_utf8 ? "\xe2\x86\x92" : "->", n);
	} else {
		/* "assignee_id" reads "assignee": the values are names (model.c). */
		size_t fl = strlen(e->field);
		int shown =
		    fl > 3 && strcmp(e->field + fl - 3, "_id") == 0 ? (int)(fl - 3) : (int)fl;
		short_value(o, sizeof(o), e->old);
		short_value(n, sizeof(n), e->new_);
		k = (size_t)snprintf(buf, len, "%s%.*s: %s %s %s",
		                     strcmp(e->kind, "field") == 0 ? "" : "(SQL) ", shown, e->field,
		                     o, ui_utf8 ? "\xe2\x86\x92" : "->", n);
	}
	if (e->note != NULL && e->note[0] != '\0' && k < len)
		snprintf(buf + k, len - k, " %s %s", ui_dash(), e->note);
}

static void draw_history(struct page *p)
{
	const int tw = 17, aw = 10; /* "2025-11-23 12:05 " and the actor column */
	int xw = p->r.w - tw - aw;
	char when[32], what[1024];

	for (size_t i = 0; i < tv.nev; i++) {
		const struct tevent *e = &tv.ev[i];
		ui_fmt_time(when, sizeof(when), "%Y-%m-%d %H:%M", e->at_ms);
		event_text(e, what, sizeof(what));
		int first = p->n;
		if (xw < 10) {
			wrapped(p, p->r.x, p->r.w, what, A_NORMAL);
		} else {
			wrapped(p, p->r.x + tw + aw, xw, what, A_NORMAL);
		}
		/* Time and actor go on the event's first line, if that line is on screen. */
		int y = first - p->top;
		if (y >= 0 && y < p->r.h && xw >= 10) {
			ui_put(p->r.y + y, p->r.x, when, tw - 1, ui_attr(UI_LABEL));
			ui_put(p->r.y + y, p->r.x + tw, e->actor != NULL ? e->actor : "system",
			       aw - 1, e->actor != NULL ? A_BOLD : ui_attr(UI_LABEL));
		}
	}
}

/* The escalation path, oldest first: who sent it where and why, what had been tried. */
static void draw_escalations(struct page *p)
{
	char buf[512], when[32];
	const char *arrow = ui_utf8 ? "\xe2\x86\x92" : "->";
	int y;

	next_row(p);
	if ((y = next_row(p)) >= 0) {
		snprintf(buf, sizeof(buf), "Escalation path (%zu)", tv.nesc);
		ui_put(y, p->r.x, buf, p->r.w, ui_attr(UI_TITLE));
	}
	for (size_t i = 0; i < tv.nesc; i++) {
		const struct tescalation *e = &tv.esc[i];
		ui_fmt_time(when, sizeof(when), "%Y-%m-%d %H:%M", e->at_ms);
		if ((y = next_row(p)) >= 0) {
			int x = p->r.x;
			x += ui_put(y, x, when, p->r.w, ui_attr(UI_LABEL)) + 1;
			x += ui_put(y, x, e->actor != NULL ? e->actor : "system",
			            p->r.x + p->r.w - x, A_BOLD) +
			     1;
			snprintf(buf, sizeof(buf), "%s %s %s%s", e->from_queue, arrow, e->to_queue,
			         strcmp(e->kind, "handback") == 0 ? " (handed back)" : "");
			ui_put(y, x, buf, p->r.x + p->r.w - x, A_NORMAL);
		}
		/* Reasons run to 4000 characters: no fixed buffer. */
		char *why = xasprintf("Why: %s", e->reason);
		wrapped(p, p->r.x + 2, p->r.w - 2, why, A_NORMAL);
		free(why);
		if (e->tried[0] != '\0') {
			char *tried = xasprintf("Tried: %s", e->tried);
			wrapped(p, p->r.x + 2, p->r.w - 2, tried, ui_attr(UI_LABEL));
			free(tried);
		}
	}
}

/* Comments, oldest first: a heading line per comment, the body wrapped under it. */
static void draw_comments(struct page *p)
{
	char buf[256], when[32], mins[32];
	int y;

	next_row(p);
	if ((y = next_row(p)) >= 0) {
		snprintf(buf, sizeof(buf), "Comments (%zu)", tv.ncm);
		ui_put(y, p->r.x, buf, p->r.w, ui_attr(UI_TITLE));
	}
	for (size_t i = 0; i < tv.ncm; i++) {
		const struct tcomment *c = &tv.cm[i];
		ui_fmt_time(when, sizeof(when), "%Y-%m-%d %H:%M", c->at_ms);
		mins[0] = '\0';
		if (c->minutes > 0)
			snprintf(mins, sizeof(mins), ", %lld min", (long long)c->minutes);
		if ((y = next_row(p)) >= 0) {
			int x = p->r.x;
			x += ui_put(y, x, when, p->r.w, ui_attr(UI_LABEL)) + 1;
			x += ui_put(y, x, c->author, p->r.x + p->r.w - x, A_BOLD) + 1;
			snprintf(buf, sizeof(buf), "(%s%s)", c->kind, mins);
			ui_put(y, x, buf, p->r.x + p->r.w - x, ui_attr(UI_LABEL));
		}
		wrapped(p, p->r.x + 2, p->r.w - 2, c->body, A_NORMAL);
	}
}

static void draw_page(struct rect r)
{
	struct page p = {.r = {r.y, r.x + 1, r.h, r.w - 2}, .top = tv.top};
	const struct ticket *t = tv.t;
	char buf[128];
	int y;

	tv.rows = r.h;
	tv.ncells = 0;
	tv.drawn_cols = COLS;
	tv.drawn_lines = LINES;
	if (t == NULL) {
		const char *msg = tv.error[0] != '\0' ? tv.error
		                  : app_online()      ? "Loading"
		                                      : "Not loaded (offline)";
		ui_put(r.y, r.x + 1, msg, r.w - 2, ui_attr(tv.error[0] ? UI_ERROR : UI_LABEL));
		return;
	}
	/* Title: key, then the subject wrapped beside it. */
	int kw = utf8_width(t->key, strlen(t->key)) + 2;
	int first = p.n;
	wrapped(&p, p.r.x + kw, p.r.w - kw, t->subject, ui_attr(UI_TITLE));
	if ((y = first - p.top) >= 0 && y < p.r.h)
		ui_put(p.r.y + y, p.r.x, t->key, kw, ui_attr(UI_TITLE));
	if (tv.error[0] != '\0' && (y = next_row(&p)) >= 0)
		ui_put(y, p.r.x, tv.error, p.r.w, ui_attr(UI_ERROR));
	next_row(&p);
	draw_fields(&p, t);
	draw_sla(&p, t, conn_server_now(app.conn));

	next_row(&p);
	if ((y = next_row(&p)) >= 0)
		ui_put(y, p.r.x, "Description", p.r.w, ui_attr(UI_TITLE));
	if (t->description == NULL || t->description[0] == '\0') {
		if ((y = next_row(&p)) >= 0)
			ui_put(y, p.r.x + 2, "(none)", p.r.w - 2, ui_attr(UI_LABEL));
	} else {
		wrapped(&p, p.r.x + 2, p.r.w - 2, t->description, A_NORMAL);
	}

	if (tv.nesc > 0)
		draw_escalations(&p);
	if (tv.ncm > 0)
		draw_comments(&p);

	next_row(&p);
	if ((y = next_row(&p)) >= 0) {
		snprintf(buf, sizeof(buf), "History (%zu)", tv.nev);
		ui_put(y, p.r.x, buf, p.r.w, ui_attr(UI_TITLE));
	}
	draw_history(&p);

	tv.lines = p.n;
	/* Keys may have scrolled past the end; settle and repaint once. */
	int max_top = tv.lines > r.h ? tv.lines - r.h : 0;
	if (tv.top > max_top) {
		tv.top = max_top;
		ui_clear(r, A_NORMAL);
		draw_page(r);
		return;
	}
	if (max_top > 0) {
		snprintf(buf, sizeof(buf), " %d%% ", max_top > 0 ? tv.top * 100 / max_top : 100);
		ui_put_right(r.y + r.h - 1, r.x, buf, r.w, ui_attr(UI_BORDER) | A_REVERSE);
	}
}

/* ---- view hooks ---------------------------------------------------------------------- */

/* Footer and help: the dialog's keys while one is open, else what may be done here. */
static void build_keys(void)
{
	const char *updown = ui_utf8 ? "\xe2\x86\x91\xe2\x86\x93 j k" : "Up Down j k";
	const size_t nav = 13; /* the entries after the actions, terminator included */
	size_t n = 0;

	if (actions_dialog_keyhelp(ticket_keys, MAX_KEYS))
		return;
	ticket_keys[n++] = (struct keyhelp){"q", "back", true};
	ticket_keys[n++] = (struct keyhelp){"?", "help", true};
	ticket_keys[n++] = (struct keyhelp){"p", "caller's tickets", true};
	n += actions_offered(ticket_keys + n, MAX_KEYS - n - nav);
	ticket_keys[n++] = (struct keyhelp){":", "cmd", true};
	ticket_keys[n++] = (struct keyhelp){"S", "search", true};
	ticket_keys[n++] = (struct keyhelp){updown, "scroll", false};
	ticket_keys[n++] = (struct keyhelp){"PgUp PgDn Space", "page", false};
	ticket_keys[n++] = (struct keyhelp){"Home End g G", "top / bottom", false};
	ticket_keys[n++] = (struct keyhelp){"^R", "reload", false};
	ticket_keys[n++] = (struct keyhelp){"N", "new ticket", false};
	ticket_keys[n++] =
	    (struct keyhelp){":",
	                     "command line: :go KEY (or :1042), :assign LOGIN, :take, :status S, "
	                     ":escalate GROUP, :search WORDS, :q (Tab completes)",
	                     false};
	ticket_keys[n++] = (struct keyhelp){"S", "search every ticket for words", false};
	ticket_keys[n++] =
	    (struct keyhelp){"^T", "in a reply, note or resolution: canned response", false};
	ticket_keys[n++] = (struct keyhelp){"mouse", "the wheel scrolls", false};
	ticket_keys[n++] = (struct keyhelp){"Esc \xe2\x86\x90 Bksp", "back", false};
	ticket_keys[n] = (struct keyhelp){NULL, NULL, false};
}

static void ticket_draw(struct rect r)
{
	build_keys();
	draw_page(r);
	actions_draw(r);
}

static bool ticket_key(int type, wint_t ch)
{
	int page = tv.rows > 2 ? tv.rows - 1 : 1;

	if (cmdline_active())
		return cmdline_key(type, ch);
	if (actions_key(type, ch))
		return true;
	if (key_fn(type, ch, KEY_MOUSE)) {
		int y, x;
		enum ui_mouse m = ui_mouse_read(&y, &x);
		if (m == UI_MOUSE_UP || m == UI_MOUSE_DOWN)
			tv.top += m == UI_MOUSE_UP ? -3 : 3;
		if (tv.top < 0)
			tv.top = 0;
		return true;
	}
	if (key_is(type, ch, ':')) {
		cmdline_open(CMDLINE_COMMAND);
		return true;
	}
	if (key_is(type, ch, 'S')) {
		cmdline_open(CMDLINE_SEARCH);
		return true;
	}
	if (key_is(type, ch, 'q') || key_is(type, ch, KEY_ESCAPE) || key_fn(type, ch, KEY_LEFT) ||
	    key_fn(type, ch, KEY_BACKSPACE)) {
		app_set_view(tv.back != NULL ? tv.back : &view_queue);
		return true;
	}
	if (view_dash_hotkey(type, ch))
		return true;
	if (key_is(type, ch, KEY_CTRL('R'))) {
		fetch();
		return true;
	}
	if (key_is(type, ch, 'N')) {
		view_create_open(tv.t != NULL ? tv.t->queue_id : 0);
		return true;
	}
	if (key_is(type, ch, 'p')) {
		if (tv.t == NULL)
			app_status(true, "The ticket is not loaded yet");
		else if (tv.t->requester_id == 0)
			app_status(true, "No caller on this ticket");
		else
			view_queue_caller(tv.t->requester_id, tv.t->requester, &view_ticket);
		return true;
	}
	if (key_fn(type, ch, KEY_UP) || key_is(type, ch, 'k'))
		tv.top--;
	else if (key_fn(type, ch, KEY_DOWN) || key_is(type, ch, 'j'))
		tv.top++;
	else if (key_fn(type, ch, KEY_PPAGE))
		tv.top -= page;
	else if (key_fn(type, ch, KEY_NPAGE) || key_is(type, ch, ' '))
		tv.top += page;
	else if (key_fn(type, ch, KEY_HOME) || key_is(type, ch, 'g'))
		tv.top = 0;
	else if (key_fn(type, ch, KEY_END) || key_is(type, ch, 'G'))
		tv.top = tv.lines;
	else
		return false;
	if (tv.top < 0)
		tv.top = 0;
	return true;
}

static void ticket_enter(void)
{
	fetch();
}

static void ticket_push(const struct ticket *t, bool created)
{
	if (t->id != tv.id || app.view != &view_ticket)
		return;
	/* Same version with a higher SLA stamp counts: its clocks (and history) moved. */
	if (tv.t != NULL && !ticket_newer(t, tv.t))
		return;
	if (tv.loading)
		tv.refetch = true;
	else
		fetch();
}

static void ticket_reload(bool current)
{
	if (current) {
		fetch();
		actions_reload();
	}
}

static void ticket_tick(int64_t mono)
{
	tick_sla();
}

static void ticket_fini(void)
{
	actions_fini();
	free_content();
	memset(&tv, 0, sizeof(tv));
}

const struct view view_ticket = {
    .title = "Ticket",
    .keys = ticket_keys,
    .enter = ticket_enter,
    .draw = ticket_draw,
    .key = ticket_key,
    .push = ticket_push,
    .reload = ticket_reload,
    .tick = ticket_tick,
    .fini = ticket_fini,
};
