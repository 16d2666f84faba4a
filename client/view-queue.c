/* view-queue.c - main screen: queues with open counts, live list of open tickets. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keys.h"
#include "log.h"
#include "proto.h"
#include "utf8.h"
#include "util.h"
#include "view.h"

#define HIGHLIGHT_MS  3000 /* how long a changed row stays bold */
#define PANE_MIN_COLS 60   /* narrower terminals drop the queue pane */

struct row {
	struct ticket *t;
	int64_t hl_until; /* monotonic ms; 0 = not highlighted */
};

static struct {
	int64_t queue_id; /* selected queue; 0 = all queues */
	bool focus_queues;
	size_t qtop; /* first entry shown in the queue pane */

	struct row *rows;
	size_t n, cap;
	size_t cur, top;
	int64_t total; /* tickets matching on the server (may exceed what is listed) */

	uintptr_t seq; /* the ticket.list whose reply we are waiting for */
	bool loading, loaded, stale;
	char error[256];
	/* Pushes that arrived while a list was loading: the reply may predate them. */
	struct ticket **early;
	size_t nearly;

	int64_t want_id;    /* put the cursor here once the ticket shows up... */
	int64_t want_until; /* ...unless it takes longer than this (monotonic ms) */
	int page;           /* ticket rows visible at the last draw */
	int qpage;
} qv;

static const struct keyhelp queue_keys[] = {
    {"Enter", "open", true},
    {"n", "new ticket", true},
    {"Tab", "pane", true},
    {"\xe2\x86\x90\xe2\x86\x92", "queue", true},
    {"?", "help", true},
    {"q", "quit", true},
    {"\xe2\x86\x91\xe2\x86\x93 j k", "move", false},
    {"PgUp PgDn", "page", false},
    {"Home End", "first / last", false},
    {"0-9", "pick queue: 0 all, 1.. by position", false},
    {"r", "reload", false},
    {NULL, NULL, false},
};

/* ---- the row list -------------------------------------------------------------------- */

static bool matches(const struct ticket *t)
{
	return ticket_is_open(t) && (qv.queue_id == 0 || t->queue_id == qv.queue_id);
}

static long find_row(int64_t id)
{
	for (size_t i = 0; i < qv.n; i++)
		if (qv.rows[i].t->id == id)
			return (long)i;
	return -1;
}

static void clamp_cursor(void)
{
	if (qv.cur >= qv.n)
		qv.cur = qv.n > 0 ? qv.n - 1 : 0;
	if (qv.top > qv.cur)
		qv.top = qv.cur;
}

static void remove_row(size_t i)
{
	ticket_free(qv.rows[i].t);
	memmove(&qv.rows[i], &qv.rows[i + 1], (qv.n - i - 1) * sizeof(*qv.rows));
	qv.n--;
	/* The cursor stays on the same ticket, or on the next one if it was this one. */
	if (i < qv.cur)
		qv.cur--;
	if (i < qv.top)
		qv.top--;
	clamp_cursor();
}

static void insert_row(size_t i, struct ticket *t, int64_t hl_until)
{
	if (qv.n == qv.cap) {
		qv.cap = qv.cap ? qv.cap * 2 : 64;
		qv.rows = xrealloc(qv.rows, qv.cap * sizeof(*qv.rows));
	}
	memmove(&qv.rows[i + 1], &qv.rows[i], (qv.n - i) * sizeof(*qv.rows));
	qv.rows[i] = (struct row){t, hl_until};
	qv.n++;
	if (qv.n > 1 && i <= qv.cur)
		qv.cur++;
	/* Someone scrolled down is reading: keep their window still. */
	if (qv.top > 0 && i < qv.top)
		qv.top++;
}

static void clear_rows(void)
{
	for (size_t i = 0; i < qv.n; i++)
		ticket_free(qv.rows[i].t);
	qv.n = qv.cur = qv.top = 0;
}

static void clear_early(void)
{
	for (size_t i = 0; i < qv.nearly; i++)
		ticket_free(qv.early[i]);
	free(qv.early);
	qv.early = NULL;
	qv.nearly = 0;
}

static void check_want(void)
{
	long i;

	if (qv.want_id != 0 && mono_ms() > qv.want_until)
		qv.want_id = 0; /* it went to another queue; do not jump at a surprising time */
	if (qv.want_id != 0 && (i = find_row(qv.want_id)) >= 0) {
		qv.cur = (size_t)i;
		qv.want_id = 0;
		qv.focus_queues = false;
	}
}

/* Fold one ticket version into the list. Updated rows stay where they are so the row
 * under the operator's cursor does not jump; new ones go on top (the list is sorted by
 * last update). */
static void apply(const struct ticket *t, bool highlight)
{
	long i = find_row(t->id);
	int64_t hl = highlight ? mono_ms() + HIGHLIGHT_MS : 0;

	if (i >= 0) {
		if (qv.rows[i].t->version >= t->version)
			return; /* a repeat or an older version overtaken on the way */
		if (!matches(t)) {
			remove_row((size_t)i);
			if (qv.total > 0)
				qv.total--;
			return;
		}
		ticket_free(qv.rows[i].t);
		qv.rows[i].t = ticket_dup(t);
		qv.rows[i].hl_until = hl;
	} else if (matches(t)) {
		insert_row(0, ticket_dup(t), hl);
		qv.total++;
	}
	check_want();
}

/* ---- loading ------------------------------------------------------------------------- */

static void list_reply(const msgpack_object *r, void *arg)
{
	if ((uintptr_t)arg != qv.seq)
		return; /* superseded by a later request (the queue changed) */
	qv.loading = false;
	if (r == NULL) {
		qv.stale = true; /* reloaded when the session is back */
		clear_early();
		return;
	}
	if (!reply_ok(r)) {
		reply_error_text(r, qv.error, sizeof(qv.error));
		clear_early();
		app_redraw();
		return;
	}

	const msgpack_object *arr = mp_get(r, "tickets");
	const msgpack_object *total = mp_get(r, "total");
	int64_t keep_id = qv.n > 0 ? qv.rows[qv.cur].t->id : 0;
	size_t keep_pos = qv.cur;

	clear_rows();
	if (arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY) {
		for (uint32_t i = 0; i < arr->via.array.size; i++) {
			struct ticket *t = ticket_parse(&arr->via.array.ptr[i]);
			if (t == NULL) {
				log_warn("ticket.list: skipping an unreadable ticket");
				continue;
			}
			if (!matches(t) || find_row(t->id) >= 0) {
				ticket_free(t);
				continue;
			}
			insert_row(qv.n, t, 0);
		}
	}
	qv.total =
	    mp_is_int(total) && mp_int(total) >= (int64_t)qv.n ? mp_int(total) : (int64_t)qv.n;
	/* Keep the cursor on the ticket it was on, else near where it was. */
	long k = keep_id != 0 ? find_row(keep_id) : -1;
	qv.cur = k >= 0 ? (size_t)k : keep_pos;
	clamp_cursor();
	for (size_t i = 0; i < qv.nearly; i++)
		apply(qv.early[i], true);
	clear_early();
	qv.loaded = true;
	qv.error[0] = '\0';
	check_want();
	app_redraw();
}

static void load(void)
{
	if (!app_online()) {
		qv.stale = true;
		return;
	}
	qv.stale = false;
	qv.error[0] = '\0';
	clear_early();
	uintptr_t seq = ++qv.seq;
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.list", qv.queue_id != 0 ? 5 : 4, list_reply, (void *)seq);
	if (qv.queue_id != 0)
		pk_kint(pk, "queue_id", qv.queue_id);
	pk_kbool(pk, "open", true);
	pk_kstr(pk, "sort", "updated");
	pk_kbool(pk, "desc", true);
	pk_kint(pk, "limit", PROTO_LIST_MAX);
	qv.loading = conn_end(app.conn) != 0;
	if (!qv.loading)
		qv.stale = true;
}

/* ---- queue selection ----------------------------------------------------------------- */

/* Queue pane position: 0 is "All queues", i is app.queues[i - 1]. */
static size_t queue_pos(void)
{
	for (size_t i = 0; i < app.nqueues; i++)
		if (app.queues[i].id == qv.queue_id)
			return i + 1;
	return 0;
}

static void select_queue(size_t pos)
{
	int64_t id = pos == 0 || pos > app.nqueues ? 0 : app.queues[pos - 1].id;

	if (id == qv.queue_id && qv.loaded)
		return;
	qv.queue_id = id;
	qv.want_id = 0;
	/* Different queue, different list: show nothing stale while the new one loads. */
	clear_rows();
	qv.total = 0;
	qv.loaded = false;
	load();
}

int64_t view_queue_queue_id(void)
{
	return qv.queue_id;
}

void view_queue_select(int64_t id)
{
	qv.want_id = id;
	qv.want_until = mono_ms() + 5000;
	check_want();
}

/* ---- keys ---------------------------------------------------------------------------- */

static size_t moved(size_t cur, size_t n, long delta)
{
	long c = (long)cur + delta;

	if (n == 0 || c < 0)
		return 0;
	return c >= (long)n ? n - 1 : (size_t)c;
}

/* Movement shared by both panes; returns the new position or -1 if not a movement key. */
static long movement(int type, wint_t ch, size_t cur, size_t n, int page)
{
	long p = page > 1 ? page - 1 : 1;

	if (key_fn(type, ch, KEY_UP) || key_is(type, ch, 'k'))
		return (long)moved(cur, n, -1);
	if (key_fn(type, ch, KEY_DOWN) || key_is(type, ch, 'j'))
		return (long)moved(cur, n, +1);
	if (key_fn(type, ch, KEY_PPAGE))
		return (long)moved(cur, n, -p);
	if (key_fn(type, ch, KEY_NPAGE) || key_is(type, ch, ' '))
		return (long)moved(cur, n, +p);
	if (key_fn(type, ch, KEY_HOME) || key_is(type, ch, 'g'))
		return 0;
	if (key_fn(type, ch, KEY_END) || key_is(type, ch, 'G'))
		return n > 0 ? (long)n - 1 : 0;
	return -1;
}

static bool queue_key(int type, wint_t ch)
{
	size_t nq = app.nqueues + 1;
	long pos;

	if (key_is(type, ch, 'q')) {
		app_quit();
		return true;
	}
	if (key_is(type, ch, 'n')) {
		view_create_open(qv.queue_id);
		return true;
	}
	if (key_is(type, ch, 'r')) {
		load();
		app_queues_refresh();
		return true;
	}
	if (key_is(type, ch, KEY_TAB) || key_fn(type, ch, KEY_BTAB)) {
		qv.focus_queues = !qv.focus_queues;
		return true;
	}
	if (key_fn(type, ch, KEY_LEFT) || key_is(type, ch, '[')) {
		select_queue((queue_pos() + nq - 1) % nq);
		return true;
	}
	if (key_fn(type, ch, KEY_RIGHT) || key_is(type, ch, ']')) {
		select_queue((queue_pos() + 1) % nq);
		return true;
	}
	if (type == OK && ch >= '0' && ch <= '9') {
		if ((size_t)(ch - '0') < nq)
			select_queue((size_t)(ch - '0'));
		return true;
	}
	if (qv.focus_queues) {
		if (key_is_enter(type, ch)) {
			qv.focus_queues = false;
			return true;
		}
		pos = movement(type, ch, queue_pos(), nq, qv.qpage);
		if (pos >= 0)
			select_queue((size_t)pos);
		return pos >= 0;
	}
	if (key_is_enter(type, ch)) {
		if (qv.n > 0)
			view_ticket_open(qv.rows[qv.cur].t->id);
		return true;
	}
	pos = movement(type, ch, qv.cur, qv.n, qv.page);
	if (pos >= 0)
		qv.cur = (size_t)pos;
	return pos >= 0;
}

/* ---- drawing ------------------------------------------------------------------------- */

struct cols {
	int key, pri, st, tier, subj, req, asg;
};

/* Column widths for w columns: fixed narrow columns first, then subject, requester and
 * assignee share the rest; requester and then assignee are dropped before the subject
 * gets unreadably short. */
static struct cols layout_cols(int w)
{
	struct cols c = {.key = 6, .pri = 2, .st = 4, .tier = 2};

	for (size_t i = 0; i < qv.n; i++) {
		int kw = utf8_width(qv.rows[i].t->key, strlen(qv.rows[i].t->key));
		if (kw > c.key)
			c.key = kw < 12 ? kw : 12;
	}
	int rest = w - (c.key + c.pri + c.st + c.tier + 4);
	c.asg = clampi(rest / 6, 8, 12);
	c.req = clampi(rest / 4, 8, 20);
	c.subj = rest - c.asg - c.req - 2;
	if (c.subj < 20) {
		c.req = 0;
		c.subj = rest - c.asg - 1;
	}
	if (c.subj < 16) {
		c.asg = 0;
		c.subj = rest;
	}
	if (c.subj < 1)
		c.subj = 1;
	return c;
}

/* Draw the cells of one row from x; NULL texts draw nothing. */
static void draw_cells(int y, int x, const struct cols *c, const char *const cell[7],
                       const attr_t attr[7])
{
	const int widths[7] = {c->key, c->pri, c->st, c->tier, c->subj, c->req, c->asg};

	for (int i = 0; i < 7; i++) {
		if (widths[i] <= 0)
			continue;
		if (cell[i] != NULL)
			ui_put(y, x, cell[i], widths[i], attr[i]);
		x += widths[i] + 1;
	}
}

static void draw_ticket_row(int y, int x, int w, const struct cols *c, const struct row *rw,
                            bool cursor)
{
	const struct ticket *t = rw->t;
	attr_t base = cursor              ? ui_attr(qv.focus_queues ? UI_CURSOR_DIM : UI_CURSOR)
	              : rw->hl_until != 0 ? ui_attr(UI_CHANGED)
	                                  : A_NORMAL;
	char pri[8], tier[8];

	snprintf(pri, sizeof(pri), "P%d", t->priority);
	snprintf(tier, sizeof(tier), "T%d", t->tier);
	ui_fill(y, x, w, base);
	const char *cell[7] = {t->key,
	                       pri,
	                       ticket_status_label(t),
	                       tier,
	                       t->subject,
	                       t->requester,
	                       t->assignee[0] != '\0' ? t->assignee : ui_dash()};
	attr_t attr[7] = {base, base, base, base, base, base, base};
	if (!cursor && rw->hl_until == 0) {
		attr[1] = ui_attr((enum ui_elem)(UI_P1 + t->priority - 1));
		if (t->assignee[0] == '\0')
			attr[6] = ui_attr(UI_LABEL);
	}
	draw_cells(y, x, c, cell, attr);
}

static void draw_list(struct rect r)
{
	const struct queue_info *q = app_queue(qv.queue_id);
	char title[256];
	struct cols c = layout_cols(r.w);

	if (r.h < 3)
		return;
	if ((int64_t)qv.n < qv.total)
		snprintf(title, sizeof(title), "Open tickets %s %s  (%zu of %lld)", ui_dash(),
		         q != NULL ? q->name : "All queues", qv.n, (long long)qv.total);
	else
		snprintf(title, sizeof(title), "Open tickets %s %s  (%zu)", ui_dash(),
		         q != NULL ? q->name : "All queues", qv.n);
	int tw = ui_put(r.y, r.x, title, r.w, ui_attr(UI_TITLE));
	if (qv.loading)
		ui_put(r.y, r.x + tw + 2, "loading", r.w - tw - 2, ui_attr(UI_LABEL));

	const char *head[7] = {"Key", "P", "St", "T", "Subject", "Requester", "Assignee"};
	attr_t ha = ui_attr(UI_COLHEAD);
	attr_t hattr[7] = {ha, ha, ha, ha, ha, ha, ha};
	ui_fill(r.y + 1, r.x, r.w, ha);
	draw_cells(r.y + 1, r.x, &c, head, hattr);

	int rows = r.h - 2;
	qv.page = rows;
	if (qv.error[0] != '\0') {
		ui_put(r.y + 2, r.x, qv.error, r.w, ui_attr(UI_ERROR));
		return;
	}
	if (qv.n == 0) {
		const char *msg = !qv.loaded ? (app_online() ? "Loading" : "Not loaded (offline)")
		                  : qv.queue_id != 0 ? "No open tickets in this queue"
		                                     : "No open tickets";
		ui_put(r.y + 2, r.x, msg, r.w, ui_attr(UI_LABEL));
		return;
	}
	/* Scroll only as far as needed to keep the cursor visible. */
	if (qv.cur < qv.top)
		qv.top = qv.cur;
	if (qv.cur >= qv.top + (size_t)rows)
		qv.top = qv.cur - (size_t)rows + 1;
	for (int i = 0; i < rows && qv.top + (size_t)i < qv.n; i++) {
		size_t k = qv.top + (size_t)i;
		draw_ticket_row(r.y + 2 + i, r.x, r.w, &c, &qv.rows[k], k == qv.cur);
	}
}

static void draw_queue_entry(int y, int x, int w, const char *name, int64_t open, bool sel)
{
	attr_t a = sel ? ui_attr(qv.focus_queues ? UI_CURSOR : UI_CURSOR_DIM) : A_NORMAL;
	char num[24];

	ui_fill(y, x, w, a);
	/* A count too wide for the pane says little anyway: cap it. */
	if (open > 99999)
		snprintf(num, sizeof(num), "99999+");
	else
		snprintf(num, sizeof(num), "%lld", (long long)open);
	int nw = (int)strlen(num);
	ui_put(y, x + 1, name, w - nw - 3, a);
	ui_put(y, x + w - nw - 1, num, nw, a);
}

static void draw_queues(struct rect r)
{
	size_t sel = queue_pos(), nq = app.nqueues + 1;
	int64_t all = 0;
	int rows = r.h - 1;

	ui_put(r.y, r.x + 1, "Queues", r.w - 1, ui_attr(UI_TITLE));
	for (size_t i = 0; i < app.nqueues; i++)
		all += app.queues[i].open;
	qv.qpage = rows;
	if (sel < qv.qtop)
		qv.qtop = sel;
	if (rows > 0 && sel >= qv.qtop + (size_t)rows)
		qv.qtop = sel - (size_t)rows + 1;
	for (int i = 0; i < rows && qv.qtop + (size_t)i < nq; i++) {
		size_t k = qv.qtop + (size_t)i;
		if (k == 0)
			draw_queue_entry(r.y + 1 + i, r.x, r.w, "All queues", all, sel == 0);
		else
			draw_queue_entry(r.y + 1 + i, r.x, r.w, app.queues[k - 1].name,
			                 app.queues[k - 1].open, sel == k);
	}
}

static void queue_draw(struct rect r)
{
	if (r.w >= PANE_MIN_COLS) {
		int pw = clampi(r.w / 4, 18, 28);
		draw_queues((struct rect){r.y, r.x, r.h, pw});
		attrset(ui_attr(UI_BORDER));
		mvvline(r.y, r.x + pw, ACS_VLINE, r.h);
		attrset(A_NORMAL);
		draw_list((struct rect){r.y, r.x + pw + 2, r.h, r.w - pw - 2});
	} else {
		qv.focus_queues = false;
		draw_list(r);
	}
}

/* ---- view hooks ---------------------------------------------------------------------- */

static void queue_enter(void)
{
	if (qv.stale || !qv.loaded)
		load();
}

static void queue_push(const struct ticket *t, bool created)
{
	apply(t, true);
	if (qv.loading) {
		qv.early = xrealloc(qv.early, (qv.nearly + 1) * sizeof(*qv.early));
		qv.early[qv.nearly++] = ticket_dup(t);
	}
}

static void queue_reload(bool current)
{
	qv.stale = true;
	if (current)
		load();
}

static void queue_queues(void)
{
	/* The selected queue may have been deleted meanwhile. */
	if (qv.queue_id != 0 && app_queue(qv.queue_id) == NULL)
		select_queue(0);
}

static void queue_tick(int64_t now)
{
	bool changed = false;

	for (size_t i = 0; i < qv.n; i++) {
		if (qv.rows[i].hl_until != 0 && qv.rows[i].hl_until <= now) {
			qv.rows[i].hl_until = 0;
			changed = true;
		}
	}
	if (changed && app.view == &view_queue)
		app_redraw();
}

static void queue_fini(void)
{
	clear_rows();
	free(qv.rows);
	clear_early();
	memset(&qv, 0, sizeof(qv));
}

const struct view view_queue = {
    .title = "Ticket queues",
    .keys = queue_keys,
    .enter = queue_enter,
    .draw = queue_draw,
    .key = queue_key,
    .push = queue_push,
    .reload = queue_reload,
    .queues = queue_queues,
    .tick = queue_tick,
    .fini = queue_fini,
};
