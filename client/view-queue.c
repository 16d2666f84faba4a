/* view-queue.c - main screen: views (mine, intake, escalations, ...) with live counts, and
 * the live list of the selected view, with take, filter and a command line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keys.h"
#include "log.h"
#include "picker.h"
#include "proto.h"
#include "sla-text.h"
#include "textedit.h"
#include "ticket-actions.h"
#include "utf8.h"
#include "util.h"
#include "view.h"

#define HIGHLIGHT_MS   3000 /* how long a changed row stays bold */
#define PANE_MIN_COLS  60   /* narrower terminals drop the view pane */
#define RESOLVED_LIMIT 100  /* "Recently resolved" shows this many */
#define COUNTS_GAP_MS  1000 /* at most one round of count queries per second */

/* What a view lists. Escalation and queue views carry a queue id. V_CALLER is not in the
 * pane: it is opened from a ticket or the create form and lists one requester's tickets. */
enum vkind { V_MINE, V_INTAKE, V_ESC, V_ALL, V_RESOLVED, V_QUEUE, V_CALLER };

struct ventry {
	enum vkind kind;
	int64_t queue_id;
	char *name;
};

struct row {
	struct ticket *t;
	int64_t hl_until; /* monotonic ms; 0 = not highlighted */
};

/* A ticket row as the last full draw left it: enough to repaint the cells that tick (the
 * waiting time, the SLA countdown) without redrawing the screen. */
struct drawn_row {
	int64_t id;
	int y;
	attr_t base;
	bool cursor;
	char wait[24], sla[32];
	attr_t sla_a;
};

static struct {
	struct ventry *ents;
	size_t nents;
	size_t sel; /* the entry shown */
	bool focus_panes;
	size_t ptop; /* first entry shown in the pane */

	struct row *rows; /* everything the view holds, in display order */
	size_t n, cap;
	size_t *vis; /* indexes into rows of those passing the filter */
	size_t nvis, viscap;
	size_t cur, top; /* positions in vis */
	int64_t total;   /* tickets matching on the server (may exceed what is listed) */

	uintptr_t seq; /* the ticket.list whose reply we are waiting for */
	bool loading, loaded, stale;
	bool fresh; /* a newly chosen view: the first reply places the cursor */
	char error[256];
	/* Pushes that arrived while a list was loading: the reply may predate them. */
	struct ticket **early;
	size_t nearly;

	int64_t want_id;    /* put the cursor here once the ticket shows up... */
	int64_t want_until; /* ...unless it takes longer than this (monotonic ms) */
	int page;           /* ticket rows visible at the last draw */
	int ppage;

	/* Counts queue.list does not give: my open tickets, resolved ones. */
	int64_t cnt_mine, cnt_resolved; /* -1 until known */
	struct event *counts_ev;
	int counts_inflight;
	bool counts_again;
	int64_t counts_last;

	/* "/" filter and ":" command line, each typed on the list's last row. */
	struct textedit filter, cmd;
	bool filtering, commanding;
	uintptr_t jump_seq;
	char jump_key[64]; /* the key :go asked for */
	char take_key[32]; /* the ticket the last take was for, for its messages */
	int64_t takeover_id, takeover_until; /* t pressed once on a colleague's ticket */

	bool by_left;    /* s: every list sorted by SLA time left instead of its own order */
	bool sla_server; /* a ticket came with SLA clocks: the server sorts by due too */

	/* The ticking cells of the last full draw; drawn_cols/lines: the screen it was for. */
	struct drawn_row *drawn;
	size_t ndrawn, drawncap;
	int drawn_cols, drawn_lines;
	int wait_x, wait_w, sla_x, sla_w; /* screen column and width; 0 width = not shown */

	/* The caller view, shown instead of the entry sel while caller_id is set. */
	int64_t caller_id;
	char *caller_name;
	const struct view *caller_back; /* where q goes: the ticket, the create form or here */
	int64_t caller_back_ticket;
	int64_t caller_prev_cur; /* the ticket under the cursor in the view it replaced */
} qv = {.cnt_mine = -1, .cnt_resolved = -1};

/* Not const: q says "back" rather than "quit" in a caller's view. */
static struct keyhelp queue_keys[] = {
    {"Enter", "open", true},
    {"1-9", "view", true},
    {"t", "take", true},
    {"/", "filter", true},
    {":", "go to", true},
    {"n", "new", true},
    {"s", "sort", true},
    {"Tab", "pane", true},
    {"?", "help", true},
    {"q", "quit", true},
    {"\xe2\x86\x91\xe2\x86\x93 j k", "move", false},
    {"\xe2\x86\x90\xe2\x86\x92 [ ]", "previous / next view", false},
    {"0", "all open tickets", false},
    {"PgUp PgDn", "page", false},
    {"Home End g G", "first / last", false},
    {":go HD-1042", "open a ticket by its key (also :HD-1042, :1042)", false},
    {":q", "quit", false},
    {"Esc", "clear the filter", false},
    {"r", "reload", false},
    {"s", "sort by SLA time left (s again: the view's order)", false},
    {"q Esc", "in a caller's view (p on a ticket): back to where it was opened", false},
    {NULL, NULL, false},
};

static const struct ventry *cur_entry(void)
{
	return qv.sel < qv.nents ? &qv.ents[qv.sel] : NULL;
}

static enum vkind cur_kind(void)
{
	const struct ventry *e = cur_entry();

	if (qv.caller_id != 0)
		return V_CALLER;
	return e != NULL ? e->kind : V_ALL;
}

static int64_t cur_queue(void)
{
	const struct ventry *e = cur_entry();
	enum vkind k = cur_kind();

	return e != NULL && (k == V_ESC || k == V_QUEUE) ? e->queue_id : 0;
}

/* ---- what a view holds, and in which order ------------------------------------------- */

static bool is_resolved(const struct ticket *t)
{
	return strcmp(t->status, "resolved") == 0 || strcmp(t->status, "closed") == 0;
}

static bool matches(const struct ticket *t)
{
	switch (cur_kind()) {
	case V_MINE:
		return ticket_is_open(t) && app.agent.id != 0 && t->assignee_id == app.agent.id;
	case V_INTAKE:
		return ticket_is_open(t) && t->tier == 1;
	case V_ESC:
	case V_QUEUE:
		return ticket_is_open(t) && t->queue_id == cur_queue();
	case V_ALL:
		return ticket_is_open(t);
	case V_RESOLVED:
		return is_resolved(t);
	case V_CALLER:
		return t->requester_id == qv.caller_id;
	}
	return false;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* Display order, the same as the server's for the request load() sends: intake shows the
 * unassigned first, then by priority, oldest first; escalations the oldest escalation
 * first (never-escalated tickets last, as PostgreSQL sorts NULL); the rest the latest
 * change first. Sorted by time left (s), that comes first and the view's order breaks ties;
 * the page the server sent is sorted here, which is the whole view below PROTO_LIST_MAX. */
static int order(const struct ticket *a, const struct ticket *b)
{
	int c;

	if (qv.by_left && (c = sla_cmp_left(a, b)) != 0)
		return c;
	switch (cur_kind()) {
	case V_INTAKE:
		if ((c = cmp_i64(a->assignee_id != 0, b->assignee_id != 0)) != 0)
			return c;
		if ((c = cmp_i64(a->priority, b->priority)) != 0)
			return c;
		return cmp_i64(a->id, b->id);
	case V_ESC:
		if ((c = cmp_i64(a->escalated_ms == 0, b->escalated_ms == 0)) != 0)
			return c;
		if ((c = cmp_i64(a->escalated_ms, b->escalated_ms)) != 0)
			return c;
		return cmp_i64(a->id, b->id);
	default:
		if ((c = cmp_i64(b->updated_ms, a->updated_ms)) != 0)
			return c;
		return cmp_i64(b->id, a->id);
	}
}

static int row_order(const void *a, const void *b)
{
	return order(((const struct row *)a)->t, ((const struct row *)b)->t);
}

/* ---- the filter and the visible rows ---------------------------------------------------- */

static bool filter_active(void)
{
	return qv.filter.buf != NULL && te_chars(&qv.filter) > 0;
}

static bool passes(const struct ticket *t)
{
	const char *f;

	if (!filter_active())
		return true;
	f = te_text(&qv.filter);
	return fold_match(t->key, f) >= 0 || fold_match(t->subject, f) >= 0 ||
	       fold_match(t->requester, f) >= 0;
}

/* Where the operator is, by ticket rather than by position, so that rows arriving,
 * leaving or being filtered out around the cursor do not move it to another ticket. */
struct anchor {
	int64_t cur_id, top_id;
	size_t cur, top;
};

static struct ticket *vis_ticket(size_t i)
{
	return i < qv.nvis ? qv.rows[qv.vis[i]].t : NULL;
}

static struct anchor anchor_save(void)
{
	struct ticket *c = vis_ticket(qv.cur), *t = vis_ticket(qv.top);

	return (struct anchor){c != NULL ? c->id : 0, t != NULL ? t->id : 0, qv.cur, qv.top};
}

static long vis_find(int64_t id)
{
	for (size_t i = 0; i < qv.nvis; i++)
		if (qv.rows[qv.vis[i]].t->id == id)
			return (long)i;
	return -1;
}

/* Rebuild the visible rows and put the cursor back on its ticket, else near where it was
 * (the next ticket when its own left). Someone scrolled down is reading: their window stays
 * on the same first ticket. */
static void relayout(const struct anchor *a)
{
	long k;

	if (qv.viscap < qv.n) {
		qv.viscap = qv.cap;
		qv.vis = xrealloc(qv.vis, qv.viscap * sizeof(*qv.vis));
	}
	qv.nvis = 0;
	for (size_t i = 0; i < qv.n; i++)
		if (passes(qv.rows[i].t))
			qv.vis[qv.nvis++] = i;
	k = a->cur_id != 0 ? vis_find(a->cur_id) : -1;
	qv.cur = k >= 0 ? (size_t)k : a->cur;
	if (qv.cur >= qv.nvis)
		qv.cur = qv.nvis > 0 ? qv.nvis - 1 : 0;
	k = a->top > 0 && a->top_id != 0 ? vis_find(a->top_id) : -1;
	qv.top = k >= 0 ? (size_t)k : a->top;
	if (qv.top > qv.cur)
		qv.top = qv.cur;
}

/* ---- the row list ------------------------------------------------------------------------ */

static long find_row(int64_t id)
{
	for (size_t i = 0; i < qv.n; i++)
		if (qv.rows[i].t->id == id)
			return (long)i;
	return -1;
}

static void remove_row(size_t i)
{
	ticket_free(qv.rows[i].t);
	memmove(&qv.rows[i], &qv.rows[i + 1], (qv.n - i - 1) * sizeof(*qv.rows));
	qv.n--;
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
}

static void clear_rows(void)
{
	for (size_t i = 0; i < qv.n; i++)
		ticket_free(qv.rows[i].t);
	qv.n = qv.nvis = qv.cur = qv.top = 0;
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
		qv.want_id = 0; /* it went to another view; do not jump at a surprising time */
	if (qv.want_id != 0 && (i = vis_find(qv.want_id)) >= 0) {
		qv.cur = (size_t)i;
		qv.want_id = 0;
		qv.focus_panes = false;
	}
}

static size_t view_limit(void)
{
	return cur_kind() == V_RESOLVED ? RESOLVED_LIMIT : PROTO_LIST_MAX;
}

/* Where the view's order puts t among the rows (after its equals). */
static size_t order_pos(const struct ticket *t)
{
	size_t at = 0;

	while (at < qv.n && order(qv.rows[at].t, t) <= 0)
		at++;
	return at;
}

/* Fold one ticket version into the list. Updated rows stay where they are so the row under
 * the operator's cursor does not jump (unless sorted by time left, where that time changed);
 * new ones go where the view's order puts them. A version is newer by its number, or by its
 * SLA stamp at the same number: deskd moves clocks without a new version. */
static void apply(const struct ticket *t, bool highlight)
{
	long i = find_row(t->id);
	int64_t hl = highlight ? mono_ms() + HIGHLIGHT_MS : 0;
	struct anchor a = anchor_save();

	qv.sla_server |= t->sla_known;
	if (i >= 0) {
		if (!ticket_newer(t, qv.rows[i].t))
			return; /* a repeat or an older version overtaken on the way */
		if (!matches(t)) {
			remove_row((size_t)i);
			if (qv.total > 0)
				qv.total--;
		} else if (qv.by_left && sla_cmp_left(qv.rows[i].t, t) != 0) {
			/* Sorted by time left the order is the point: a paused or newly due ticket
			 * moves (the cursor stays on its ticket). */
			remove_row((size_t)i);
			insert_row(order_pos(t), ticket_dup(t), hl);
		} else {
			ticket_free(qv.rows[i].t);
			qv.rows[i].t = ticket_dup(t);
			qv.rows[i].hl_until = hl;
		}
	} else if (matches(t)) {
		insert_row(order_pos(t), ticket_dup(t), hl);
		qv.total++;
		/* A bounded view keeps its bound: the last row falls off. */
		if (qv.n > view_limit())
			remove_row(qv.n - 1);
	} else {
		return;
	}
	relayout(&a);
	check_want();
}

/* ---- loading ------------------------------------------------------------------------------ */

static void list_reply(const msgpack_object *r, void *arg)
{
	if ((uintptr_t)arg != qv.seq)
		return; /* superseded by a later request (the view changed) */
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
	struct anchor a = anchor_save();

	clear_rows();
	if (arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY) {
		for (uint32_t i = 0; i < arr->via.array.size; i++) {
			struct ticket *t = ticket_parse(&arr->via.array.ptr[i]);
			if (t == NULL) {
				log_warn("ticket.list: skipping an unreadable ticket");
				continue;
			}
			qv.sla_server |= t->sla_known;
			if (!matches(t) || find_row(t->id) >= 0) {
				ticket_free(t);
				continue;
			}
			insert_row(qv.n, t, 0);
		}
	}
	/* The server's order already, except intake's "unassigned first". */
	qsort(qv.rows, qv.n, sizeof(*qv.rows), row_order);
	qv.total =
	    mp_is_int(total) && mp_int(total) >= (int64_t)qv.n ? mp_int(total) : (int64_t)qv.n;
	relayout(&a);
	/* A group opening its escalations starts on the oldest one nobody has taken: the one
	 * to take next. */
	if (qv.fresh && cur_kind() == V_ESC) {
		for (size_t i = 0; i < qv.nvis; i++) {
			if (vis_ticket(i)->assignee_id == 0) {
				qv.cur = i;
				break;
			}
		}
	}
	qv.fresh = false;
	for (size_t i = 0; i < qv.nearly; i++)
		apply(qv.early[i], true);
	clear_early();
	qv.loaded = true;
	qv.error[0] = '\0';
	check_want();
	app_redraw();
}

/* Sorted by time left, the server picks the page by due time (soonest first), so that a view
 * longer than a page shows its most urgent tickets. Not "Recently resolved": that view is the
 * last 100 changed, whatever the order they are shown in. */
static bool server_due(void)
{
	return qv.by_left && qv.sla_server && cur_kind() != V_RESOLVED;
}

static void load(void)
{
	enum vkind k = cur_kind();
	size_t nargs = 3; /* sort, desc, limit */

	if (!app_online()) {
		qv.stale = true;
		return;
	}
	qv.stale = false;
	qv.error[0] = '\0';
	clear_early();
	nargs += k == V_MINE ? 2 : k == V_INTAKE ? 2 : k == V_ESC || k == V_QUEUE ? 2 : 1;
	uintptr_t seq = ++qv.seq;
	msgpack_packer *pk = conn_begin(app.conn, "ticket.list", nargs, list_reply, (void *)seq);
	switch (k) {
	case V_MINE:
		pk_kint(pk, "assignee_id", app.agent.id);
		break;
	case V_INTAKE:
		pk_kint(pk, "tier", 1);
		break;
	case V_ESC:
	case V_QUEUE:
		pk_kint(pk, "queue_id", cur_queue());
		break;
	case V_CALLER:
		pk_kint(pk, "requester_id", qv.caller_id);
		break;
	case V_ALL:
	case V_RESOLVED:
		break;
	}
	if (k == V_RESOLVED) {
		pk_str(pk, "status");
		msgpack_pack_array(pk, 2);
		pk_str(pk, "resolved");
		pk_str(pk, "closed");
	} else if (k != V_CALLER) { /* a caller's view holds every status */
		pk_kbool(pk, "open", true);
	}
	/* Intake: by priority from the server, then unassigned first here; a page of 500 holds
	 * a whole tier-1 backlog in practice. */
	pk_kstr(pk, "sort",
	        server_due()    ? "due"
	        : k == V_ESC    ? "escalated"
	        : k == V_INTAKE ? "priority"
	                        : "updated");
	pk_kbool(pk, "desc", !server_due() && k != V_ESC && k != V_INTAKE);
	pk_kint(pk, "limit", (int64_t)view_limit());
	qv.loading = conn_end(app.conn) != 0;
	if (!qv.loading)
		qv.stale = true;
}

/* ---- counts -------------------------------------------------------------------------------- */

static void counts_send(void);

static void counts_reply(const msgpack_object *r, void *arg)
{
	const msgpack_object *total = r != NULL ? mp_get(r, "total") : NULL;

	qv.counts_inflight--;
	if (r != NULL && reply_ok(r) && mp_is_int(total)) {
		if ((uintptr_t)arg == V_MINE)
			qv.cnt_mine = mp_int(total);
		else
			qv.cnt_resolved = mp_int(total);
		if (app.view == &view_queue)
			app_redraw();
	}
	if (qv.counts_inflight == 0 && qv.counts_again) {
		qv.counts_again = false;
		counts_send();
	}
}

static void counts_send(void)
{
	msgpack_packer *pk;

	if (!app_online())
		return;
	if (app.agent.id != 0) {
		pk =
		    conn_begin(app.conn, "ticket.list", 3, counts_reply, (void *)(uintptr_t)V_MINE);
		pk_kint(pk, "assignee_id", app.agent.id);
		pk_kbool(pk, "open", true);
		pk_kint(pk, "limit", 1);
		if (conn_end(app.conn) != 0)
			qv.counts_inflight++;
	}
	pk = conn_begin(app.conn, "ticket.list", 2, counts_reply, (void *)(uintptr_t)V_RESOLVED);
	pk_str(pk, "status");
	msgpack_pack_array(pk, 2);
	pk_str(pk, "resolved");
	pk_str(pk, "closed");
	pk_kint(pk, "limit", 1);
	if (conn_end(app.conn) != 0)
		qv.counts_inflight++;
	qv.counts_last = mono_ms();
}

static void counts_timer(evutil_socket_t fd, short what, void *arg)
{
	counts_send();
}

/* The same throttle as the queue counts: a burst of pushes is one round of queries. */
static void counts_refresh(void)
{
	if (!app_online())
		return;
	if (qv.counts_ev == NULL) {
		qv.counts_ev = evtimer_new(app.base, counts_timer, NULL);
		if (qv.counts_ev == NULL) {
			log_error("cannot create the view count timer");
			abort();
		}
	}
	if (qv.counts_inflight > 0) {
		qv.counts_again = true;
		return;
	}
	if (evtimer_pending(qv.counts_ev, NULL))
		return;
	int64_t wait = qv.counts_last + COUNTS_GAP_MS - mono_ms();
	if (wait > 0) {
		struct timeval tv = {wait / 1000, (wait % 1000) * 1000};
		evtimer_add(qv.counts_ev, &tv);
		return;
	}
	counts_send();
}

/* ---- the views ------------------------------------------------------------------------------ */

static void free_entries(void)
{
	for (size_t i = 0; i < qv.nents; i++)
		free(qv.ents[i].name);
	free(qv.ents);
	qv.ents = NULL;
	qv.nents = 0;
}

static void add_entry(enum vkind k, int64_t queue_id, char *name)
{
	qv.ents = xrealloc(qv.ents, (qv.nents + 1) * sizeof(*qv.ents));
	qv.ents[qv.nents++] = (struct ventry){k, queue_id, name};
}

static long find_entry(enum vkind k, int64_t queue_id)
{
	for (size_t i = 0; i < qv.nents; i++)
		if (qv.ents[i].kind == k && qv.ents[i].queue_id == queue_id)
			return (long)i;
	return -1;
}

/* The views, in the order digits reach them: the agent's own work, the first-line intake,
 * each second-line group's escalations, then everything, and the raw queues last. Returns
 * false when the view shown is gone (its queue was deleted) and "All open" replaced it. */
static bool build_entries(void)
{
	const struct ventry *e = cur_entry();
	enum vkind k = e != NULL ? e->kind : V_ALL;
	int64_t q = e != NULL ? e->queue_id : 0;

	free_entries();
	add_entry(V_MINE, 0, xstrdup("My tickets"));
	add_entry(V_INTAKE, 0, xstrdup("L1 intake"));
	for (size_t i = 0; i < app.nqueues; i++)
		if (app.queues[i].tier == 2)
			add_entry(V_ESC, app.queues[i].id,
			          xasprintf("Escalations: %s", app.queues[i].name));
	add_entry(V_ALL, 0, xstrdup("All open"));
	add_entry(V_RESOLVED, 0, xstrdup("Recently resolved"));
	for (size_t i = 0; i < app.nqueues; i++)
		add_entry(V_QUEUE, app.queues[i].id, xstrdup(app.queues[i].name));
	long s = find_entry(k, q);
	qv.sel = (size_t)(s >= 0 ? s : find_entry(V_ALL, 0));
	return s >= 0;
}

static int64_t entry_count(const struct ventry *e)
{
	int64_t n = 0;
	const struct queue_info *q;

	switch (e->kind) {
	case V_MINE:
		return qv.cnt_mine;
	case V_RESOLVED:
		return qv.cnt_resolved;
	case V_ESC:
	case V_QUEUE:
		q = app_queue(e->queue_id);
		return q != NULL ? q->open : -1;
	case V_INTAKE:
	case V_ALL:
		for (size_t i = 0; i < app.nqueues; i++)
			if (e->kind == V_ALL || app.queues[i].tier == 1)
				n += app.queues[i].open;
		return n;
	case V_CALLER:
		break; /* never in the pane */
	}
	return -1;
}

/* Leave the caller view for the entry it replaced (which is reloaded). */
static void caller_clear(void)
{
	free(qv.caller_name);
	qv.caller_name = NULL;
	qv.caller_id = 0;
	qv.caller_back = NULL;
	for (struct keyhelp *k = queue_keys; k->key != NULL; k++)
		if (strcmp(k->key, "q") == 0)
			k->what = "quit";
}

static void select_entry(size_t i)
{
	if (i >= qv.nents || (i == qv.sel && qv.loaded && qv.caller_id == 0))
		return;
	caller_clear();
	qv.sel = i;
	qv.want_id = 0;
	qv.fresh = true;
	/* Different view, different list: show nothing stale while the new one loads. */
	clear_rows();
	qv.total = 0;
	qv.loaded = false;
	load();
}

int64_t view_queue_queue_id(void)
{
	return cur_queue();
}

void view_queue_caller(int64_t requester_id, const char *name, const struct view *back)
{
	struct ticket *c = vis_ticket(qv.cur);

	if (qv.caller_id == 0)
		qv.caller_prev_cur = c != NULL ? c->id : 0;
	free(qv.caller_name);
	qv.caller_name = xstrdup(name != NULL && name[0] != '\0' ? name : "?");
	qv.caller_id = requester_id;
	qv.caller_back = back;
	qv.caller_back_ticket = back == &view_ticket ? view_ticket_id() : 0;
	for (struct keyhelp *k = queue_keys; k->key != NULL; k++)
		if (strcmp(k->key, "q") == 0)
			k->what = "back";
	qv.focus_panes = false;
	qv.want_id = 0;
	qv.fresh = true;
	clear_rows();
	qv.total = 0;
	qv.loaded = false;
	app_set_view(&view_queue); /* which loads the list: it is not loaded */
}

/* q or Esc in the caller view: the view it replaced, and the screen it was opened from. */
static void caller_back(void)
{
	const struct view *back = qv.caller_back;
	int64_t tid = qv.caller_back_ticket;

	caller_clear();
	clear_rows();
	qv.total = 0;
	qv.loaded = false;
	load();
	view_queue_select(qv.caller_prev_cur);
	if (back == &view_ticket && tid != 0)
		view_ticket_open(tid);
	else if (back == &view_create && view_create_is_open())
		app_set_view(&view_create);
}

void view_queue_select(int64_t id)
{
	qv.want_id = id;
	qv.want_until = mono_ms() + 5000;
	check_want();
}

/* ---- actions on the list ------------------------------------------------------------------- */

static void take_reply(const msgpack_object *r, void *arg)
{
	char why[256];
	struct ticket *t;

	if (r == NULL) {
		app_status(true, "Connection lost while taking %s; check it once reconnected",
		           qv.take_key);
		return;
	}
	t = ticket_parse(mp_get(r, "ticket"));
	if (reply_ok(r)) {
		app_status(false, "Took %s", t != NULL ? t->key : qv.take_key);
	} else {
		reply_error_text(r, why, sizeof(why));
		if (reply_error_code(r) == E_STALE_VERSION && t != NULL)
			app_status(true, "%s changed meanwhile (assignee %s): t again to take it",
			           t->key, t->assignee[0] != '\0' ? t->assignee : "none");
		else
			app_status(true, "Cannot take %s: %s", qv.take_key, why);
	}
	/* The push says the same, but this reply may well come first. */
	if (t != NULL)
		apply(t, true);
	ticket_free(t);
	app_redraw();
}

static void take(void)
{
	struct ticket *t = vis_ticket(qv.cur);

	if (t == NULL)
		return;
	if (t->assignee_id != 0 && t->assignee_id == app.agent.id) {
		app_status(false, "%s is already yours", t->key);
		return;
	}
	/* Taking over a colleague's ticket is allowed, but never by a stray key. */
	if (t->assignee_id != 0 && (qv.takeover_id != t->id || mono_ms() > qv.takeover_until)) {
		qv.takeover_id = t->id;
		qv.takeover_until = mono_ms() + 5000;
		app_status(true, "%s is assigned to %s: t again to take it over", t->key,
		           t->assignee);
		return;
	}
	qv.takeover_id = 0;
	if (!app_online()) {
		app_status(true, "Offline: cannot take %s now", t->key);
		return;
	}
	snprintf(qv.take_key, sizeof(qv.take_key), "%s", t->key);
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.take", 2, take_reply, (void *)(uintptr_t)t->id);
	pk_kint(pk, "id", t->id);
	pk_kint(pk, "version", t->version);
	if (conn_end(app.conn) == 0)
		app_status(true, "Offline: cannot take %s now", t->key);
}

static void jump_reply(const msgpack_object *r, void *arg)
{
	char why[256];

	if ((uintptr_t)arg != qv.jump_seq || r == NULL)
		return;
	if (!reply_ok(r)) {
		reply_error_text(r, why, sizeof(why));
		if (reply_error_code(r) == E_NOT_FOUND)
			app_status(true, "No ticket %s", qv.jump_key);
		else
			app_status(true, "Cannot open %s: %s", qv.jump_key, why);
		return;
	}
	struct ticket *t = ticket_parse(mp_get(r, "ticket"));
	/* Only if the operator is still where they asked from. */
	if (t != NULL && app.view == &view_queue)
		view_ticket_open(t->id);
	ticket_free(t);
}

/* Open a ticket by key: from the list when it is there, else through ticket.get. A bare
 * number gets the prefix the tickets on screen use. */
static void jump(const char *what)
{
	char key[64];
	size_t n = strlen(what), i;

	for (i = 0; i < n && what[i] >= '0' && what[i] <= '9'; i++)
		;
	if (n > 0 && i == n) {
		const char *prefix = "HD";
		size_t plen = 2;
		if (qv.n > 0) {
			const char *dash = strchr(qv.rows[0].t->key, '-');
			if (dash != NULL) {
				prefix = qv.rows[0].t->key;
				plen = (size_t)(dash - prefix);
			}
		}
		snprintf(key, sizeof(key), "%.*s-%s", (int)plen, prefix, what);
	} else {
		snprintf(key, sizeof(key), "%s", what);
	}
	for (char *p = key; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	for (i = 0; i < qv.n; i++) {
		if (strcmp(qv.rows[i].t->key, key) == 0) {
			view_ticket_open(qv.rows[i].t->id);
			return;
		}
	}
	if (!app_online()) {
		app_status(true, "Offline: cannot look up %s now", key);
		return;
	}
	snprintf(qv.jump_key, sizeof(qv.jump_key), "%s", key);
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.get", 1, jump_reply, (void *)(uintptr_t)++qv.jump_seq);
	pk_kstr(pk, "key", key);
	if (conn_end(app.conn) == 0)
		app_status(true, "Offline: cannot look up %s now", key);
}

static void run_command(const char *line)
{
	char buf[256], *w, *arg;

	snprintf(buf, sizeof(buf), "%s", line);
	w = buf;
	while (*w == ' ')
		w++;
	for (char *e = w + strlen(w); e > w && e[-1] == ' ';)
		*--e = '\0';
	arg = strchr(w, ' ');
	if (arg != NULL) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	}
	if (*w == '\0')
		return;
	if (strcmp(w, "q") == 0 || strcmp(w, "quit") == 0) {
		app_quit();
	} else if (strcmp(w, "go") == 0 || strcmp(w, "g") == 0 || strcmp(w, "open") == 0) {
		if (arg == NULL || *arg == '\0')
			app_status(true, "Which ticket? e.g. :go HD-1042");
		else
			jump(arg);
	} else if (strcmp(w, "new") == 0) {
		view_create_open(cur_queue());
	} else if (arg == NULL && strchr(w, '-') != NULL) {
		jump(w); /* ":HD-1042" */
	} else if (arg == NULL && strspn(w, "0123456789") == strlen(w)) {
		jump(w);
	} else {
		app_status(true, "Unknown command :%s (try :go HD-1042, :new, :q)", w);
	}
}

/* ---- keys ------------------------------------------------------------------------------------ */

static size_t moved(size_t cur, size_t n, long delta)
{
	long c = (long)cur + delta;

	if (n == 0 || c < 0)
		return 0;
	return c >= (long)n ? n - 1 : (size_t)c;
}

/* Movement shared by both panes; returns the new position or -1 if not a movement key.
 * letters is false while a line is being typed: only the function keys move then. */
static long movement(int type, wint_t ch, size_t cur, size_t n, int page, bool letters)
{
	long p = page > 1 ? page - 1 : 1;

	if (key_fn(type, ch, KEY_UP) || (letters && key_is(type, ch, 'k')))
		return (long)moved(cur, n, -1);
	if (key_fn(type, ch, KEY_DOWN) || (letters && key_is(type, ch, 'j')))
		return (long)moved(cur, n, +1);
	if (key_fn(type, ch, KEY_PPAGE))
		return (long)moved(cur, n, -p);
	if (key_fn(type, ch, KEY_NPAGE) || (letters && key_is(type, ch, ' ')))
		return (long)moved(cur, n, +p);
	if (!letters)
		return -1;
	if (key_fn(type, ch, KEY_HOME) || key_is(type, ch, 'g'))
		return 0;
	if (key_fn(type, ch, KEY_END) || key_is(type, ch, 'G'))
		return n > 0 ? (long)n - 1 : 0;
	return -1;
}

static void set_filter_text(const char *s)
{
	struct anchor a = anchor_save();

	te_set(&qv.filter, s);
	relayout(&a);
}

/* s: sort by time left, or back to the view's own order. The cursor stays on its ticket; the
 * window goes back to the top, where the most urgent tickets now are. */
static void toggle_sort(void)
{
	struct anchor a = anchor_save();
	bool was_due = server_due();

	if (!qv.by_left && !qv.sla_server) {
		app_status(true, "No SLA clocks from this server: nothing to sort by");
		return;
	}
	qv.by_left = !qv.by_left;
	qsort(qv.rows, qv.n, sizeof(*qv.rows), row_order);
	a.top = 0;
	a.top_id = 0;
	relayout(&a);
	/* A view longer than its page: the server picks another page in the other order. */
	if ((int64_t)qv.n < qv.total && (was_due || server_due()))
		load();
	app_status(false, "%s",
	           qv.by_left ? "Sorted by SLA time left: earliest due first, paused last"
	                      : "Sorted in the view's own order");
}

/* A key while the filter or the command line is being typed. */
static bool line_key(int type, wint_t ch)
{
	struct textedit *te = qv.filtering ? &qv.filter : &qv.cmd;
	long pos;

	if (key_is(type, ch, KEY_ESCAPE)) {
		if (qv.filtering)
			set_filter_text("");
		qv.filtering = qv.commanding = false;
		return true;
	}
	if (key_is_enter(type, ch)) {
		if (qv.commanding) {
			char *line = xstrdup(te_text(te));
			qv.commanding = false;
			te_set(te, "");
			run_command(line);
			free(line);
		}
		qv.filtering = false;
		return true;
	}
	if (qv.filtering && (pos = movement(type, ch, qv.cur, qv.nvis, qv.page, false)) >= 0) {
		qv.cur = (size_t)pos;
		return true;
	}
	struct anchor a = anchor_save();
	enum te_result r = te_key(te, type, ch);
	if (r == TE_CHANGED && qv.filtering)
		relayout(&a);
	/* Backspace on an empty command line leaves it, as in vi. */
	if (r == TE_MOVED && qv.commanding && te_chars(te) == 0 &&
	    (key_fn(type, ch, KEY_BACKSPACE) || key_is(type, ch, 0x7f) ||
	     key_is(type, ch, KEY_CTRL('H'))))
		qv.commanding = false;
	return r != TE_IGNORED || type == OK; /* other printable keys are swallowed too */
}

static bool queue_key(int type, wint_t ch)
{
	long pos;

	if (qv.filtering || qv.commanding)
		return line_key(type, ch);
	if (qv.caller_id != 0 &&
	    (key_is(type, ch, 'q') || (key_is(type, ch, KEY_ESCAPE) && !filter_active()))) {
		caller_back();
		return true;
	}
	if (key_is(type, ch, 'q')) {
		app_quit();
		return true;
	}
	if (key_is(type, ch, 'n')) {
		view_create_open(cur_queue());
		return true;
	}
	if (key_is(type, ch, 'r')) {
		load();
		app_queues_refresh();
		counts_refresh();
		return true;
	}
	if (key_is(type, ch, 's')) {
		toggle_sort();
		return true;
	}
	if (key_is(type, ch, '/')) {
		qv.filtering = true;
		qv.focus_panes = false;
		return true;
	}
	if (key_is(type, ch, ':')) {
		qv.commanding = true;
		te_set(&qv.cmd, "");
		return true;
	}
	if (key_is(type, ch, KEY_ESCAPE)) {
		if (filter_active())
			set_filter_text("");
		return true;
	}
	if (key_is(type, ch, KEY_TAB) || key_fn(type, ch, KEY_BTAB)) {
		qv.focus_panes = !qv.focus_panes;
		return true;
	}
	if (key_fn(type, ch, KEY_LEFT) || key_is(type, ch, '[')) {
		if (qv.nents > 0)
			select_entry((qv.sel + qv.nents - 1) % qv.nents);
		return true;
	}
	if (key_fn(type, ch, KEY_RIGHT) || key_is(type, ch, ']')) {
		if (qv.nents > 0)
			select_entry((qv.sel + 1) % qv.nents);
		return true;
	}
	if (key_is(type, ch, '0')) {
		long i = find_entry(V_ALL, 0);
		if (i >= 0)
			select_entry((size_t)i);
		return true;
	}
	if (type == OK && ch >= '1' && ch <= '9') {
		select_entry((size_t)(ch - '1'));
		qv.focus_panes = false;
		return true;
	}
	if (qv.focus_panes) {
		if (key_is_enter(type, ch)) {
			qv.focus_panes = false;
			return true;
		}
		pos = movement(type, ch, qv.sel, qv.nents, qv.ppage, true);
		if (pos >= 0)
			select_entry((size_t)pos);
		return pos >= 0;
	}
	if (key_is_enter(type, ch)) {
		if (qv.nvis > 0)
			view_ticket_open(vis_ticket(qv.cur)->id);
		return true;
	}
	if (key_is(type, ch, 't')) {
		take();
		return true;
	}
	pos = movement(type, ch, qv.cur, qv.nvis, qv.page, true);
	if (pos >= 0)
		qv.cur = (size_t)pos;
	return pos >= 0;
}

/* ---- drawing --------------------------------------------------------------------------------- */

/* SLA sits after the waiting time (the escalations' own clock) and next to the subject. */
enum colid {
	C_KEY,
	C_PRI,
	C_ST,
	C_QUEUE,
	C_WAIT,
	C_REASON,
	C_RES,
	C_SLA,
	C_SUBJ,
	C_REQ,
	C_ASG,
	NCOL
};

/* "Agent", not "Assignee": the column is as wide as the logins in it, often five columns. */
static const char *const col_head[NCOL] = {
    "Key", "P", "St", "Queue", "Waiting", "Reason", "Res", "SLA", "Subject", "Requester", "Agent"};

struct cols {
	int w[NCOL]; /* 0 = not shown */
};

/* Whether the list has SLA clocks to show. Not a column for a server without SLAs, or a
 * list where no policy applies: the space goes to the subject then. */
static bool sla_column(void)
{
	for (size_t i = 0; i < qv.n; i++)
		if (sla_has_any(qv.rows[i].t))
			return true;
	return false;
}

/* The widest of a column's values among the visible rows (at least min). */
static int content_width(int min, const char *(*value)(const struct ticket *))
{
	int w = min;

	for (size_t i = 0; i < qv.nvis; i++) {
		const char *v = value(vis_ticket(i));
		int vw = utf8_width(v, strlen(v));
		if (vw > w)
			w = vw;
	}
	return w;
}

static const char *assignee_value(const struct ticket *t)
{
	return t->assignee[0] != '\0' ? t->assignee : ui_dash();
}

static const char *requester_value(const struct ticket *t)
{
	return t->requester;
}

/* Column widths for w columns: fixed narrow columns first, then subject, requester and
 * assignee share the rest; requester and then assignee are dropped before the subject
 * gets unreadably short, and the SLA countdown before the subject all but vanishes. Views
 * over several queues show the queue; escalations show why and for how long; the resolved
 * view the resolution code. The assignee and the requester are no wider than what they hold,
 * so that a list with an SLA column keeps a readable subject at 120 columns. */
static struct cols layout_cols(int w)
{
	enum vkind k = cur_kind();
	struct cols c = {{0}};

	c.w[C_KEY] = 6;
	c.w[C_PRI] = 2;
	c.w[C_ST] = 4;
	for (size_t i = 0; i < qv.nvis; i++) {
		const char *key = vis_ticket(i)->key;
		int kw = utf8_width(key, strlen(key));
		if (kw > c.w[C_KEY])
			c.w[C_KEY] = kw < 12 ? kw : 12;
	}
	if (k == V_ESC)
		c.w[C_WAIT] = 7;
	if (k == V_MINE || k == V_ALL || k == V_RESOLVED || k == V_CALLER ||
	    (k == V_INTAKE && app.nqueues != 1))
		c.w[C_QUEUE] = 12;
	if (k == V_RESOLVED || k == V_CALLER)
		c.w[C_RES] = 10;
	if (sla_column())
		c.w[C_SLA] = SLA_CELL_COLS;
	int fixed = 0, ncols = 0;
	for (int i = 0; i < NCOL; i++)
		if (c.w[i] > 0)
			fixed += c.w[i], ncols++;
	int rest = w - fixed - ncols; /* one space after each fixed column */
	if (k == V_ESC) {
		c.w[C_REASON] = clampi(rest / 4, 10, 30);
		rest -= c.w[C_REASON] + 1;
	}
	c.w[C_ASG] = clampi(content_width(5, assignee_value), 5, 12);
	/* Of what is left, the requester takes about a third, the subject the rest. */
	int share = rest - c.w[C_ASG] - 2;
	c.w[C_REQ] = clampi(share * 3 / 10, 8, 20);
	c.w[C_REQ] = clampi(content_width(8, requester_value), 8, c.w[C_REQ]);
	c.w[C_SUBJ] = rest - c.w[C_ASG] - c.w[C_REQ] - 2;
	if (c.w[C_SUBJ] < 20 && c.w[C_QUEUE] > 0) {
		c.w[C_SUBJ] += c.w[C_QUEUE] + 1;
		c.w[C_QUEUE] = 0;
	}
	if (c.w[C_SUBJ] < 20 && c.w[C_REASON] > 0) {
		c.w[C_SUBJ] += c.w[C_REASON] + 1;
		c.w[C_REASON] = 0;
	}
	if (c.w[C_SUBJ] < 20) {
		c.w[C_SUBJ] += c.w[C_REQ] + 1;
		c.w[C_REQ] = 0;
	}
	if (c.w[C_SUBJ] < 16) {
		c.w[C_SUBJ] += c.w[C_ASG] + 1;
		c.w[C_ASG] = 0;
	}
	if (c.w[C_SUBJ] < 10 && c.w[C_SLA] > 0) {
		c.w[C_SUBJ] += c.w[C_SLA] + 1;
		c.w[C_SLA] = 0;
	}
	if (c.w[C_SUBJ] < 1)
		c.w[C_SUBJ] = 1;
	return c;
}

/* "42s", "14m05s", "2h14m", "3d04h": how long an escalation has waited. */
static void fmt_wait(char *buf, size_t len, int64_t ms)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;

	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600),
		         (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)(s / 86400),
		         (long long)(s % 86400 / 3600));
}

static void draw_cells(int y, int x, const struct cols *c, const char *const cell[NCOL],
                       const attr_t attr[NCOL])
{
	for (int i = 0; i < NCOL; i++) {
		if (c->w[i] <= 0)
			continue;
		if (cell[i] != NULL)
			ui_put(y, x, cell[i], c->w[i], attr[i]);
		x += c->w[i] + 1;
	}
}

/* The row's attribute. */
static attr_t row_base(const struct row *rw, bool cursor)
{
	return cursor              ? ui_attr(qv.focus_panes ? UI_CURSOR_DIM : UI_CURSOR)
	       : rw->hl_until != 0 ? ui_attr(UI_CHANGED)
	                           : A_NORMAL;
}

/* The two cells that change with time alone. The SLA cell keeps its state's colour on a
 * changed row (a breach must not hide behind a highlight); the cursor bar stays one colour. */
static void ticking_cells(const struct ticket *t, int64_t now, attr_t base, bool cursor,
                          char wait[24], char sla[32], attr_t *sla_a)
{
	enum ui_elem e;

	if (t->escalated_ms != 0)
		fmt_wait(wait, 24, now - t->escalated_ms);
	else
		snprintf(wait, 24, "%s", ui_dash());
	sla_cell(t, now, sla, 32, &e);
	*sla_a = cursor ? base : ui_attr(e);
}

static void draw_ticket_row(int y, int x, int w, const struct cols *c, const struct row *rw,
                            bool cursor, int64_t now, struct drawn_row *d)
{
	const struct ticket *t = rw->t;
	attr_t base = row_base(rw, cursor);
	char pri[8];
	const char *dash = ui_dash();

	*d = (struct drawn_row){.id = t->id, .y = y, .base = base, .cursor = cursor};
	snprintf(pri, sizeof(pri), "P%d", t->priority);
	ticking_cells(t, now, base, cursor, d->wait, d->sla, &d->sla_a);
	ui_fill(y, x, w, base);
	const char *cell[NCOL] = {
	    [C_KEY] = t->key,
	    [C_PRI] = pri,
	    [C_ST] = ticket_status_label(t),
	    [C_QUEUE] = t->queue,
	    [C_WAIT] = d->wait,
	    [C_REASON] = t->escalation_reason != NULL ? t->escalation_reason : dash,
	    [C_RES] = t->resolution_code != NULL ? t->resolution_code : dash,
	    [C_SLA] = d->sla,
	    [C_SUBJ] = t->subject,
	    [C_REQ] = t->requester,
	    [C_ASG] = t->assignee[0] != '\0' ? t->assignee : dash,
	};
	attr_t attr[NCOL];
	for (int i = 0; i < NCOL; i++)
		attr[i] = base;
	if (!cursor && rw->hl_until == 0) {
		attr[C_PRI] = ui_attr((enum ui_elem)(UI_P1 + t->priority - 1));
		if (t->assignee[0] == '\0')
			attr[C_ASG] = ui_attr(UI_LABEL);
		attr[C_REASON] = ui_attr(UI_LABEL);
	}
	attr[C_SLA] = d->sla_a;
	draw_cells(y, x, c, cell, attr);
}

static void list_title(char *buf, size_t len)
{
	const struct ventry *e = cur_entry();
	const char *dash = ui_dash();
	const char *by = qv.by_left ? ", by time left" : "";
	char count[64];
	size_t unassigned = 0;

	if ((int64_t)qv.n < qv.total)
		snprintf(count, sizeof(count), "(%zu of %lld)", qv.n, (long long)qv.total);
	else
		snprintf(count, sizeof(count), "(%zu)", qv.n);
	switch (cur_kind()) {
	case V_ALL:
		snprintf(buf, len, "Open tickets %s All queues%s  %s", dash, by, count);
		break;
	case V_QUEUE:
		snprintf(buf, len, "Open tickets %s %s%s  %s", dash, e->name, by, count);
		break;
	case V_INTAKE:
		for (size_t i = 0; i < qv.n; i++)
			unassigned += qv.rows[i].t->assignee_id == 0;
		snprintf(buf, len, "L1 intake %s tier-1 queues, %s  %s, %zu unassigned", dash,
		         qv.by_left ? "by time left" : "unassigned first", count, unassigned);
		break;
	case V_ESC:
		snprintf(buf, len, "%s %s %s  %s", e->name, dash,
		         qv.by_left ? "by time left" : "oldest escalation first", count);
		break;
	case V_RESOLVED:
		snprintf(buf, len, "Recently resolved %s last %d changed%s  %s", dash,
		         RESOLVED_LIMIT, by, count);
		break;
	case V_MINE:
		snprintf(buf, len, "My tickets %s open, assigned to %s%s  %s", dash,
		         app.agent.login != NULL ? app.agent.login : "me", by, count);
		break;
	case V_CALLER:
		snprintf(buf, len, "Caller: %s %s all tickets, %s  %s", qv.caller_name, dash,
		         qv.by_left ? "by time left" : "latest change first", count);
		break;
	}
}

static const char *empty_message(void)
{
	if (!qv.loaded)
		return app_online() ? "Loading" : "Not loaded (offline)";
	if (qv.n > 0)
		return "No ticket matches the filter (Esc clears it)";
	switch (cur_kind()) {
	case V_MINE:
		return "Nothing assigned to you";
	case V_INTAKE:
		return "No open tickets in the tier-1 queues";
	case V_ESC:
		return "No open escalations for this group";
	case V_RESOLVED:
		return "No resolved tickets";
	case V_QUEUE:
		return "No open tickets in this queue";
	case V_CALLER:
		return "No tickets for this caller";
	case V_ALL:
		break;
	}
	return "No open tickets";
}

/* The last row of the list: the filter or command being typed, or the filter in force. */
static void draw_line(int y, int x, int w)
{
	struct textedit *te = qv.commanding ? &qv.cmd : &qv.filter;
	const char *prompt = qv.commanding ? ":" : "/";

	ui_fill(y, x, w, A_NORMAL);
	if (!qv.commanding && !qv.filtering) {
		char buf[300];
		snprintf(buf, sizeof(buf), "Filter: %s  (%zu of %zu shown; / edits, Esc clears)",
		         te_text(&qv.filter), qv.nvis, qv.n);
		ui_put(y, x, buf, w, ui_attr(UI_LABEL));
		return;
	}
	int pw = ui_put(y, x, prompt, w, ui_attr(UI_TITLE));
	te_draw(te, (struct rect){y, x + pw, 1, w - pw}, A_NORMAL, true);
}

static void draw_list(struct rect r)
{
	char title[320];
	int64_t now = conn_server_now(app.conn);
	bool line = qv.filtering || qv.commanding || filter_active();

	qv.ndrawn = 0;
	if (r.h < 4)
		return;
	struct cols c = layout_cols(r.w);
	list_title(title, sizeof(title));
	int tw = ui_put(r.y, r.x, title, r.w, ui_attr(UI_TITLE));
	if (qv.loading)
		ui_put(r.y, r.x + tw + 2, "loading", r.w - tw - 2, ui_attr(UI_LABEL));

	attr_t ha = ui_attr(UI_COLHEAD), hattr[NCOL];
	for (int i = 0; i < NCOL; i++)
		hattr[i] = ha;
	ui_fill(r.y + 1, r.x, r.w, ha);
	draw_cells(r.y + 1, r.x, &c, col_head, hattr);

	int rows = r.h - 2 - (line ? 1 : 0);
	qv.page = rows;
	if (line)
		draw_line(r.y + r.h - 1, r.x, r.w);
	if (qv.error[0] != '\0') {
		ui_put(r.y + 2, r.x, qv.error, r.w, ui_attr(UI_ERROR));
		return;
	}
	if (qv.nvis == 0) {
		ui_put(r.y + 2, r.x, empty_message(), r.w, ui_attr(UI_LABEL));
		return;
	}
	/* Scroll only as far as needed to keep the cursor visible. */
	if (qv.cur < qv.top)
		qv.top = qv.cur;
	if (qv.cur >= qv.top + (size_t)rows)
		qv.top = qv.cur - (size_t)rows + 1;
	if (qv.drawncap < (size_t)rows) {
		qv.drawncap = (size_t)rows;
		qv.drawn = xrealloc(qv.drawn, qv.drawncap * sizeof(*qv.drawn));
	}
	qv.drawn_cols = COLS;
	qv.drawn_lines = LINES;
	qv.wait_w = c.w[C_WAIT];
	qv.sla_w = c.w[C_SLA];
	for (int i = 0, x = r.x; i < NCOL; i++) {
		if (i == C_WAIT)
			qv.wait_x = x;
		if (i == C_SLA)
			qv.sla_x = x;
		x += c.w[i] > 0 ? c.w[i] + 1 : 0;
	}
	for (int i = 0; i < rows && qv.top + (size_t)i < qv.nvis; i++) {
		size_t k = qv.top + (size_t)i;
		draw_ticket_row(r.y + 2 + i, r.x, r.w, &c, &qv.rows[qv.vis[k]], k == qv.cur, now,
		                &qv.drawn[qv.ndrawn++]);
	}
}

/* The clock's second: repaint the waiting and SLA cells whose text or colour changed, in
 * place; the header's repaint that follows sends them to the terminal. Anything else that
 * changed the list has asked for a full redraw, which is left to do the work. */
static void tick_cells(void)
{
	int64_t now = conn_server_now(app.conn);
	char wait[24], sla[32];
	attr_t sla_a;

	if (app.view != &view_queue || app.help || app_redraw_pending() || qv.drawn_cols != COLS ||
	    qv.drawn_lines != LINES || (qv.wait_w == 0 && qv.sla_w == 0))
		return;
	for (size_t i = 0; i < qv.ndrawn; i++) {
		struct drawn_row *d = &qv.drawn[i];
		const struct ticket *t = vis_ticket(qv.top + i);
		if (t == NULL || t->id != d->id)
			return; /* the rows moved without a redraw yet: it is on its way */
		ticking_cells(t, now, d->base, d->cursor, wait, sla, &sla_a);
		if (qv.wait_w > 0 && strcmp(wait, d->wait) != 0) {
			ui_fill(d->y, qv.wait_x, qv.wait_w, d->base);
			ui_put(d->y, qv.wait_x, wait, qv.wait_w, d->base);
			memcpy(d->wait, wait, sizeof(wait));
		}
		if (qv.sla_w > 0 && (strcmp(sla, d->sla) != 0 || sla_a != d->sla_a)) {
			ui_fill(d->y, qv.sla_x, qv.sla_w, d->base);
			ui_put(d->y, qv.sla_x, sla, qv.sla_w, sla_a);
			memcpy(d->sla, sla, sizeof(sla));
			d->sla_a = sla_a;
		}
	}
}

static void entry_count_text(const struct ventry *e, char *buf, size_t len)
{
	int64_t n = entry_count(e);

	/* A count too wide for the pane says little anyway: cap it. */
	if (n < 0)
		snprintf(buf, len, "%s", ui_dash());
	else if (n > 99999)
		snprintf(buf, len, "99999+");
	else
		snprintf(buf, len, "%lld", (long long)n);
}

static void draw_entry(int y, int x, int w, size_t i)
{
	const struct ventry *e = &qv.ents[i];
	bool sel = i == qv.sel && qv.caller_id == 0;
	attr_t a = sel ? ui_attr(qv.focus_panes ? UI_CURSOR : UI_CURSOR_DIM) : A_NORMAL;
	char num[24], digit[4];

	ui_fill(y, x, w, a);
	entry_count_text(e, num, sizeof(num));
	int nw = utf8_width(num, strlen(num));
	if (i < 9) {
		snprintf(digit, sizeof(digit), "%zu", i + 1);
		ui_put(y, x + 1, digit, 1, sel ? a : ui_attr(UI_LABEL));
	}
	ui_put(y, x + 3, e->name, w - nw - 5, a);
	ui_put(y, x + w - nw - 1, num, nw, a);
}

static void draw_pane(struct rect r)
{
	int rows = r.h - 1;

	ui_put(r.y, r.x + 1, "Views", r.w - 1, ui_attr(UI_TITLE));
	qv.ppage = rows;
	if (qv.sel < qv.ptop)
		qv.ptop = qv.sel;
	if (rows > 0 && qv.sel >= qv.ptop + (size_t)rows)
		qv.ptop = qv.sel - (size_t)rows + 1;
	for (int i = 0; i < rows && qv.ptop + (size_t)i < qv.nents; i++) {
		draw_entry(r.y + 1 + i, r.x, r.w, qv.ptop + (size_t)i);
	}
}

/* Wide enough for every view's digit, name and count (draw_entry: " 1 name N "), within a
 * third of the screen: every column spared goes to the list. */
static int pane_width(int w)
{
	int need = 18;
	char num[24];

	for (size_t i = 0; i < qv.nents; i++) {
		entry_count_text(&qv.ents[i], num, sizeof(num));
		int nw = utf8_width(qv.ents[i].name, strlen(qv.ents[i].name)) +
		         utf8_width(num, strlen(num)) + 5;
		if (nw > need)
			need = nw;
	}
	return clampi(need, 18, w / 3);
}

static void queue_draw(struct rect r)
{
	if (qv.nents == 0)
		build_entries();
	if (r.w >= PANE_MIN_COLS) {
		int pw = pane_width(r.w);
		draw_pane((struct rect){r.y, r.x, r.h, pw});
		attrset(ui_attr(UI_BORDER));
		mvvline(r.y, r.x + pw, ACS_VLINE, r.h);
		attrset(A_NORMAL);
		draw_list((struct rect){r.y, r.x + pw + 2, r.h, r.w - pw - 2});
	} else {
		qv.focus_panes = false;
		draw_list(r);
	}
}

/* ---- view hooks ------------------------------------------------------------------------------ */

static void queue_enter(void)
{
	if (qv.filter.buf == NULL) {
		te_init(&qv.filter, 100, false);
		te_init(&qv.cmd, 200, false);
	}
	if (qv.nents == 0)
		build_entries();
	if (qv.stale || !qv.loaded)
		load();
	if (qv.cnt_mine < 0 || qv.cnt_resolved < 0)
		counts_refresh();
}

static void queue_push(const struct ticket *t, bool created)
{
	apply(t, true);
	if (qv.loading) {
		qv.early = xrealloc(qv.early, (qv.nearly + 1) * sizeof(*qv.early));
		qv.early[qv.nearly++] = ticket_dup(t);
	}
	counts_refresh();
}

static void queue_reload(bool current)
{
	qv.stale = true;
	qv.counts_last = 0;
	counts_refresh();
	if (current)
		load();
}

static void queue_queues(void)
{
	/* Tier-2 groups give escalation views; a deleted queue takes its views along. */
	if (!build_entries()) {
		clear_rows();
		qv.total = 0;
		qv.loaded = false;
		load();
	}
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
	if (changed && app.view == &view_queue && !app.help)
		app_redraw();
	/* The escalations' waiting times count up, SLA countdowns down. */
	tick_cells();
}

static void queue_fini(void)
{
	clear_rows();
	free(qv.rows);
	free(qv.vis);
	free(qv.drawn);
	clear_early();
	free_entries();
	free(qv.caller_name);
	if (qv.counts_ev != NULL)
		event_free(qv.counts_ev);
	if (qv.filter.buf != NULL) {
		te_free(&qv.filter);
		te_free(&qv.cmd);
	}
	memset(&qv, 0, sizeof(qv));
}

const struct view view_queue = {
    .title = "Ticket views",
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
