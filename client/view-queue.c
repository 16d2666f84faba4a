/* view-queue.c - main screen: views (mine, intake, escalations, ...) with live counts, and
 * the live list of the selected view (or of a search, or of a caller), with take, filter, sort
 * orders and the mouse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmdline.h"
#include "keys.h"
#include "log.h"
#include "picker.h"
#include "proto.h"
#include "sla-text.h"
#include "textedit.h"
#include "ticket-actions.h"
#include "utf8.h"
#include "util.h"
#include "view-queue.h"
#include "view.h"

#define HIGHLIGHT_MS   2000 /* how long a changed row stays highlighted... */
#define FADE_MS        1000 /* ...the last part of it fading back */
#define PANE_MIN_COLS  60   /* narrower terminals drop the view pane */
#define RESOLVED_LIMIT 100  /* "Recently resolved" shows this many */
#define COUNTS_GAP_MS  1000 /* at most one round of count queries per second */
#define SEARCH_LIMIT   100  /* search results listed */
/* Tickets asked for per request. deskd answers a page of 500 with a frame well over the
 * protocol's 256 KiB (some 700 bytes a ticket with its SLA clocks), which the connection
 * rejects; pages of 100 stay far below it, and a long view takes a few. */
#define PAGE        100
#define RESEARCH_MS 2000 /* a search asked again at most this often for new matches */

/* What a view lists. Escalation and queue views carry a queue id. V_CALLER and V_SEARCH are
 * not in the pane: they stand in for the entry chosen there (see struct special). */
enum vkind { V_MINE, V_INTAKE, V_ESC, V_ALL, V_RESOLVED, V_QUEUE, V_CALLER, V_SEARCH };

const char *const list_sort_names[LS_COUNT] = {
    [LS_VIEW] = "view",         [LS_UPDATED] = "updated", [LS_CREATED] = "created",
    [LS_PRIORITY] = "priority", [LS_DUE] = "due",
};

struct ventry {
	enum vkind kind;
	int64_t queue_id;
	char *name;
};

struct row {
	struct ticket *t;
	int64_t hl_until; /* monotonic ms; 0 = not highlighted */
	int rank;         /* a search result's place in the server's order */
};

/* Highlight stages of a changed row: strong, then fading, then none. */
enum hl { HL_NONE, HL_STRONG, HL_FADE };

/* A list that is not one of the pane's views: a caller's tickets (p on a ticket, F2 in the
 * create form) or search results. It stands in for the pane's entry until q or Esc, which go
 * back to where it was opened. */
struct special {
	bool on;
	enum vkind kind;         /* V_CALLER or V_SEARCH */
	int64_t caller_id;       /* V_CALLER */
	char *name;              /* the caller's name, or the words searched for */
	const struct view *back; /* where q goes: the ticket, the create form or here */
	int64_t back_ticket;
	int64_t prev_cur; /* the ticket under the cursor in the view it replaced */
};

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

/* A ticket row as the last full draw left it: enough to repaint the cells that tick (the
 * waiting time, the SLA countdown) without redrawing the screen. */
struct drawn_row {
	int64_t id;
	int y;
	attr_t base;
	bool cursor;
	enum hl hl; /* the row's highlight stage when drawn */
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
	struct ticket **pg; /* the pages of the list being loaded, gathered */
	size_t npg;
	size_t pg_asked;   /* tickets the pages so far held */
	int64_t pg_total;  /* what the first page said the view holds */
	bool pg_capped;    /* ... and that it holds more (deskd counts up to LIST_COUNT_MAX) */
	bool total_capped; /* total is "at least" */
	bool fresh;        /* a newly chosen view: the first reply places the cursor */
	char error[256];
	/* Pushes that arrived while a list was loading: the reply may predate them. */
	struct ticket **early;
	size_t nearly;

	int64_t want_id;    /* put the cursor here once the ticket shows up... */
	int64_t want_until; /* ...unless it takes longer than this (monotonic ms) */
	int page;           /* ticket rows visible at the last draw */
	int ppage;

	/* Counts queue.list does not give: my open tickets, resolved ones. */
	int64_t cnt_mine, cnt_resolved;            /* -1 until known */
	bool cnt_mine_capped, cnt_resolved_capped; /* "at least" counts */
	struct event *counts_ev;
	int counts_inflight;
	bool counts_again;
	int64_t counts_last;

	/* "/" filter, typed on the list's last row. */
	struct textedit filter;
	bool filtering;
	char take_key[32]; /* the ticket the last take was for, for its messages */
	int64_t takeover_id, takeover_until; /* t pressed once on a colleague's ticket */

	enum list_sort sort; /* s, :sort: every list in this order instead of its own */
	bool sla_server;     /* a ticket came with SLA clocks: the server sorts by due too */

	/* The ticking cells of the last full draw; drawn_cols/lines: the screen it was for. */
	struct drawn_row *drawn;
	size_t ndrawn, drawncap;
	int drawn_cols, drawn_lines;
	int wait_x, wait_w, sla_x, sla_w; /* screen column and width; 0 width = not shown */
	struct rect list_r;               /* the list's rows at the last draw (for the mouse) */
	int drawn_x, drawn_w;             /* ...and the columns of its last full draw */
	struct cols drawn_c;
	struct rect pane_r; /* the pane's entries; h = 0 when hidden */

	struct special sp;
	struct event *research_ev; /* a search asked again for tickets that may now match */
	int64_t research_last;
	bool refreshing; /* the reply on its way refreshes the same list: highlight what is new */
} qv = {.cnt_mine = -1, .cnt_resolved = -1};

/* Not const: q says "back" rather than "quit" in a caller's view or search results. */
static struct keyhelp queue_keys[] = {
    {"Enter", "open", true},
    {"1-9", "view", true},
    {"t", "take", true},
    {"S", "search", true},
    {"/", "filter", true},
    {":", "cmd", true},
    {"n", "new", true},
    {"s", "sort", true},
    {"D", "dashboard", false}, /* in the footer for supervisors (queue_enter) */
    {"?", "help", true},
    {"q", "quit", true},
    {"Tab", "switch between the views and the list", false},
    {"\xe2\x86\x91\xe2\x86\x93 j k", "move", false},
    {"\xe2\x86\x90\xe2\x86\x92 [ ]", "previous / next view", false},
    {"0", "all open tickets", false},
    {"PgUp PgDn Space", "page", false},
    {"Home End g G", "first / last", false},
    {"S", "search every ticket (subject, description, conversation) for words", false},
    {"/", "filter the rows shown by key, subject or caller", false},
    {"Esc", "clear the filter", false},
    {":",
     "command line: :go HD-1042 (or :1042), :assign LOGIN, :take, :status S, "
     ":escalate GROUP, :search WORDS, :sort KEY, :new, :follow GROUP, :q (Tab completes)",
     false},
    {"s", "sort by SLA time left (s again: the view's order; :sort for others)", false},
    {"r", "reload", false},
    {"D", "supervisors and administrators: the live dashboard", false},
    {"mouse",
     "click a row or view to select it; click it again (or double-click) to open; "
     "the wheel scrolls",
     false},
    {"q Esc", "in a caller's view or search results: back to where it was opened", false},
    {NULL, NULL, false},
};

static const struct ventry *cur_entry(void)
{
	return qv.sel < qv.nents ? &qv.ents[qv.sel] : NULL;
}

static enum vkind cur_kind(void)
{
	const struct ventry *e = cur_entry();

	if (qv.sp.on)
		return qv.sp.kind;
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
		return t->requester_id == qv.sp.caller_id;
	case V_SEARCH:
		/* Only the server knows what matches; a listed result stays (see apply). */
		return true;
	}
	return false;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* Display order, the same as the server's for the request load() sends: intake shows the
 * unassigned first, then by priority, oldest first; escalations the oldest escalation
 * first (never-escalated tickets last, as PostgreSQL sorts NULL); search results as the
 * server ranked them (row_order); the rest the latest change first. Sorted by time left (s)
 * or priority (:sort), that comes first and the view's order breaks ties; sorted by update
 * or creation time, that is the whole order. The page the server sent is sorted here, which
 * is the whole view below PROTO_LIST_MAX. */
static int order(const struct ticket *a, const struct ticket *b)
{
	int c;

	switch (qv.sort) {
	case LS_DUE:
		if ((c = sla_cmp_left(a, b)) != 0)
			return c;
		break;
	case LS_PRIORITY:
		if ((c = cmp_i64(a->priority, b->priority)) != 0)
			return c;
		break;
	case LS_CREATED:
		if ((c = cmp_i64(b->created_ms, a->created_ms)) != 0)
			return c;
		return cmp_i64(b->id, a->id);
	case LS_UPDATED:
		if ((c = cmp_i64(b->updated_ms, a->updated_ms)) != 0)
			return c;
		return cmp_i64(b->id, a->id);
	case LS_VIEW:
	case LS_COUNT:
		break;
	}
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
	case V_SEARCH:
		return 0; /* the server's rank: row_order, order_pos */
	default:
		if ((c = cmp_i64(b->updated_ms, a->updated_ms)) != 0)
			return c;
		return cmp_i64(b->id, a->id);
	}
}

static int row_order(const void *a, const void *b)
{
	const struct row *ra = a, *rb = b;
	int c = order(ra->t, rb->t);

	return c != 0 ? c : cmp_i64(ra->rank, rb->rank);
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

#define RANK_LAST (1 << 30) /* a row that came by push: after the server's ranking */

static void insert_row(size_t i, struct ticket *t, int64_t hl_until, int rank)
{
	if (qv.n == qv.cap) {
		qv.cap = qv.cap ? qv.cap * 2 : 64;
		qv.rows = xrealloc(qv.rows, qv.cap * sizeof(*qv.rows));
	}
	memmove(&qv.rows[i + 1], &qv.rows[i], (qv.n - i) * sizeof(*qv.rows));
	qv.rows[i] = (struct row){t, hl_until, rank};
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

/* Sorted by time left or by priority, the order is the point: a ticket whose clocks or
 * priority changed moves to its new place. */
static bool moves(const struct ticket *was, const struct ticket *now)
{
	return (qv.sort == LS_DUE && sla_cmp_left(was, now) != 0) ||
	       (qv.sort == LS_PRIORITY && was->priority != now->priority);
}

static void research_later(void);

/* Fold one ticket version into the list. Updated rows stay where they are so the row under
 * the operator's cursor does not jump (unless the list is sorted by what changed); new ones
 * go where the view's order puts them. A version is newer by its number, or by its SLA stamp
 * at the same number: deskd moves clocks without a new version. A ticket that is not among
 * search results may match now: the search is asked again, a little later. */
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
		} else if (moves(qv.rows[i].t, t)) {
			/* The cursor stays on its ticket wherever that goes. */
			int rank = qv.rows[i].rank;
			remove_row((size_t)i);
			insert_row(order_pos(t), ticket_dup(t), hl, rank);
		} else {
			ticket_free(qv.rows[i].t);
			qv.rows[i].t = ticket_dup(t);
			qv.rows[i].hl_until = hl;
		}
	} else if (cur_kind() == V_SEARCH) {
		if (qv.loaded)
			research_later();
		return;
	} else if (matches(t)) {
		insert_row(order_pos(t), ticket_dup(t), hl, RANK_LAST);
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

static void clear_pages(void)
{
	for (size_t i = 0; i < qv.npg; i++)
		ticket_free(qv.pg[i]);
	free(qv.pg);
	qv.pg = NULL;
	qv.npg = qv.pg_asked = 0;
}

static bool send_page(size_t offset);
static void list_done(void);

/* A page of the list: gathered until the view is whole (or at its bound), then shown at
 * once, so that the list never shows half of itself. */
static void list_reply(const msgpack_object *r, void *arg)
{
	const msgpack_object *arr, *total;
	uint32_t got = 0;

	if ((uintptr_t)arg != qv.seq)
		return; /* superseded by a later request (the view changed) */
	qv.loading = false;
	if (r == NULL) {
		qv.stale = true; /* reloaded when the session is back */
		clear_early();
		clear_pages();
		return;
	}
	if (!reply_ok(r)) {
		reply_error_text(r, qv.error, sizeof(qv.error));
		clear_early();
		clear_pages();
		app_redraw();
		return;
	}
	arr = mp_get(r, "tickets");
	total = mp_get(r, "total");
	if (qv.npg == 0) {
		qv.pg_total = mp_is_int(total) ? mp_int(total) : -1;
		qv.pg_capped = mp_true(r, "total_capped");
	}
	if (arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY) {
		got = arr->via.array.size;
		qv.pg = xrealloc(qv.pg, (qv.npg + got + 1) * sizeof(*qv.pg));
		for (uint32_t i = 0; i < got; i++) {
			struct ticket *t = ticket_parse(&arr->via.array.ptr[i]);
			if (t == NULL)
				log_warn("ticket list: skipping an unreadable ticket");
			else
				qv.pg[qv.npg++] = t;
		}
	}
	/* More to come: a full page, short of the view's bound and of what the view holds. */
	qv.pg_asked += got;
	if (cur_kind() != V_SEARCH && got == PAGE && qv.pg_asked < view_limit() &&
	    (qv.pg_total < 0 || (int64_t)qv.pg_asked < qv.pg_total) && send_page(qv.pg_asked))
		return;
	list_done();
}

static void list_done(void)
{
	struct anchor a = anchor_save();
	/* A refresh of the same list (search results asked again): what was highlighted stays
	 * so, and what is new is highlighted. */
	struct {
		int64_t id, hl_until;
	} *old = NULL;
	size_t nold = 0;
	int64_t hl_new = mono_ms() + HIGHLIGHT_MS;

	if (qv.refreshing && qv.n > 0) {
		old = xmalloc(qv.n * sizeof(*old));
		for (; nold < qv.n; nold++) {
			old[nold].id = qv.rows[nold].t->id;
			old[nold].hl_until = qv.rows[nold].hl_until;
		}
	}
	clear_rows();
	for (size_t i = 0; i < qv.npg; i++) {
		struct ticket *t = qv.pg[i];
		qv.pg[i] = NULL;
		qv.sla_server |= t->sla_known;
		if (!matches(t) || find_row(t->id) >= 0 || qv.n >= view_limit()) {
			ticket_free(t);
			continue;
		}
		int64_t hl = old != NULL ? hl_new : 0;
		for (size_t k = 0; k < nold; k++)
			if (old[k].id == t->id)
				hl = old[k].hl_until;
		insert_row(qv.n, t, hl, (int)i);
	}
	clear_pages();
	free(old);
	qv.refreshing = false;
	/* The server's order already, except intake's "unassigned first". */
	qsort(qv.rows, qv.n, sizeof(*qv.rows), row_order);
	qv.total = qv.pg_total >= (int64_t)qv.n ? qv.pg_total : (int64_t)qv.n;
	qv.total_capped = qv.pg_capped && qv.pg_total >= (int64_t)qv.n;
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
	qv.loaded = true;
	for (size_t i = 0; i < qv.nearly; i++)
		apply(qv.early[i], true);
	clear_early();
	qv.error[0] = '\0';
	check_want();
	app_redraw();
}

/* The order the server picks the page in. Sorted otherwise than the view's own way, a view
 * longer than a page shows the first tickets of that order (by time left: the most urgent).
 * Not "Recently resolved": that view is the last 100 changed, whatever the order they are
 * shown in. NULL: the view's own order. */
static const char *server_sort(bool *desc)
{
	*desc = false;
	if (cur_kind() == V_RESOLVED)
		return NULL;
	switch (qv.sort) {
	case LS_DUE:
		return qv.sla_server ? "due" : NULL;
	case LS_PRIORITY:
		return "priority";
	case LS_CREATED:
		*desc = true;
		return "created";
	case LS_UPDATED:
		*desc = true;
		return "updated";
	case LS_VIEW:
	case LS_COUNT:
		break;
	}
	return NULL;
}

/* Search results: ticket.search; they hold every status. */
static void load_search(void)
{
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.search", 2, list_reply, (void *)(uintptr_t)qv.seq);

	pk_kstr(pk, "text", qv.sp.name);
	pk_kint(pk, "limit", SEARCH_LIMIT);
	qv.research_last = mono_ms();
	qv.loading = conn_end(app.conn) != 0;
	if (!qv.loading)
		qv.stale = true;
}

static void load(void)
{
	enum vkind k = cur_kind();

	if (!app_online()) {
		qv.stale = true;
		return;
	}
	qv.stale = false;
	qv.error[0] = '\0';
	clear_early();
	clear_pages();
	++qv.seq;
	if (k == V_SEARCH) {
		load_search();
		return;
	}
	qv.refreshing = false;
	if (!send_page(0))
		qv.stale = true;
}

/* One page of the view's tickets from offset on, under the current request number. */
static bool send_page(size_t offset)
{
	enum vkind k = cur_kind();
	size_t nargs = 4; /* sort, desc, limit, offset */
	bool desc;
	const char *sort = server_sort(&desc);
	size_t limit = view_limit() - offset < PAGE ? view_limit() - offset : PAGE;

	nargs += k == V_MINE ? 2 : k == V_INTAKE ? 2 : k == V_ESC || k == V_QUEUE ? 2 : 1;
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.list", nargs, list_reply, (void *)(uintptr_t)qv.seq);
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
		pk_kint(pk, "requester_id", qv.sp.caller_id);
		break;
	case V_ALL:
	case V_RESOLVED:
	case V_SEARCH:
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
	if (sort == NULL) {
		sort = k == V_ESC ? "escalated" : k == V_INTAKE ? "priority" : "updated";
		desc = k != V_ESC && k != V_INTAKE;
	}
	pk_kstr(pk, "sort", sort);
	pk_kbool(pk, "desc", desc);
	pk_kint(pk, "limit", (int64_t)limit);
	pk_kint(pk, "offset", (int64_t)offset);
	qv.loading = conn_end(app.conn) != 0;
	return qv.loading;
}

/* ---- counts -------------------------------------------------------------------------------- */

static void counts_send(void);

static void counts_reply(const msgpack_object *r, void *arg)
{
	const msgpack_object *total = r != NULL ? mp_get(r, "total") : NULL;

	qv.counts_inflight--;
	if (r != NULL && reply_ok(r) && mp_is_int(total)) {
		if ((uintptr_t)arg == V_MINE) {
			qv.cnt_mine = mp_int(total);
			qv.cnt_mine_capped = mp_true(r, "total_capped");
		} else {
			qv.cnt_resolved = mp_int(total);
			qv.cnt_resolved_capped = mp_true(r, "total_capped");
		}
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
	case V_SEARCH:
		break; /* never in the pane */
	}
	return -1;
}

/* Leave the caller's view or the search results for the entry they replaced (which is
 * reloaded by the caller of this). */
static void special_clear(void)
{
	free(qv.sp.name);
	memset(&qv.sp, 0, sizeof(qv.sp));
	if (qv.research_ev != NULL)
		evtimer_del(qv.research_ev);
	for (struct keyhelp *k = queue_keys; k->key != NULL; k++)
		if (strcmp(k->key, "q") == 0)
			k->what = "quit";
}

static void select_entry(size_t i)
{
	if (i >= qv.nents || (i == qv.sel && qv.loaded && !qv.sp.on))
		return;
	special_clear();
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

/* Show a caller's tickets or search results in place of the pane's entry; back is where q
 * goes (the ticket shown now, the create form, or this screen's entry). */
static void special_open(enum vkind kind, int64_t caller_id, const char *name,
                         const struct view *back)
{
	struct ticket *c = vis_ticket(qv.cur);

	if (!qv.sp.on)
		qv.sp.prev_cur = c != NULL ? c->id : 0;
	free(qv.sp.name);
	qv.sp.name = xstrdup(name != NULL && name[0] != '\0' ? name : "?");
	qv.sp.on = true;
	qv.sp.kind = kind;
	qv.sp.caller_id = caller_id;
	qv.sp.back = back;
	qv.sp.back_ticket = back == &view_ticket ? view_ticket_id() : 0;
	for (struct keyhelp *k = queue_keys; k->key != NULL; k++)
		if (strcmp(k->key, "q") == 0)
			k->what = "back";
	qv.focus_panes = false;
	qv.want_id = 0;
	qv.fresh = true;
	clear_rows();
	qv.total = 0;
	qv.loaded = false;
	if (app.view == &view_queue)
		load();
	else
		app_set_view(&view_queue); /* which loads the list: it is not loaded */
}

void view_queue_caller(int64_t requester_id, const char *name, const struct view *back)
{
	special_open(V_CALLER, requester_id, name, back);
}

void view_queue_search(const char *text)
{
	const struct view *back = app.view == &view_ticket ? &view_ticket : &view_queue;

	special_open(V_SEARCH, 0, text, back);
}

/* q or Esc in a caller's view or search results: the view they replaced, and the screen they
 * were opened from. */
static void special_back(void)
{
	const struct view *back = qv.sp.back;
	int64_t tid = qv.sp.back_ticket, prev = qv.sp.prev_cur;

	special_clear();
	clear_rows();
	qv.total = 0;
	qv.loaded = false;
	load();
	view_queue_select(prev);
	if (back == &view_ticket && tid != 0)
		view_ticket_open(tid);
	else if (back == &view_create && view_create_is_open())
		app_set_view(&view_create);
}

/* A ticket changed that is not among the search results: ask again, at most every
 * RESEARCH_MS, and only while the results are on screen (else on the next enter). */
static void research_timer(evutil_socket_t fd, short what, void *arg)
{
	if (cur_kind() != V_SEARCH || !qv.loaded)
		return;
	if (app.view != &view_queue) {
		qv.stale = true;
		return;
	}
	if (qv.loading)
		return; /* that reply is newer than the change */
	qv.refreshing = true;
	load();
}

static void research_later(void)
{
	if (qv.research_ev == NULL) {
		qv.research_ev = evtimer_new(app.base, research_timer, NULL);
		if (qv.research_ev == NULL) {
			log_error("cannot create the search refresh timer");
			abort();
		}
	}
	if (evtimer_pending(qv.research_ev, NULL))
		return;
	int64_t wait = qv.research_last + RESEARCH_MS - mono_ms();
	if (wait < 100)
		wait = 100; /* let a burst of pushes arrive first */
	struct timeval tv = {wait / 1000, (wait % 1000) * 1000};
	evtimer_add(qv.research_ev, &tv);
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

const struct ticket *view_queue_current(void)
{
	return vis_ticket(qv.cur);
}

int64_t view_queue_find_key(const char *key)
{
	for (size_t i = 0; i < qv.n; i++)
		if (strcmp(qv.rows[i].t->key, key) == 0)
			return qv.rows[i].t->id;
	return 0;
}

const char *view_queue_key_prefix(size_t *len)
{
	const char *dash = qv.n > 0 ? strchr(qv.rows[0].t->key, '-') : NULL;

	if (dash == NULL)
		return NULL;
	*len = (size_t)(dash - qv.rows[0].t->key);
	return qv.rows[0].t->key;
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

static const char *sort_phrase(enum list_sort s)
{
	switch (s) {
	case LS_DUE:
		return "by time left";
	case LS_PRIORITY:
		return "by priority";
	case LS_CREATED:
		return "newest first";
	case LS_UPDATED:
		return "latest change first";
	case LS_VIEW:
	case LS_COUNT:
		break;
	}
	return "in each view's own order";
}

/* Every list in the order s. The cursor stays on its ticket; the window goes back to the top,
 * where the first tickets of the order now are. */
void view_queue_sort(enum list_sort s)
{
	struct anchor a = anchor_save();
	bool desc;
	const char *was = server_sort(&desc);

	if (s == LS_DUE && !qv.sla_server) {
		app_status(true, "No SLA clocks from this server: nothing to sort by");
		return;
	}
	qv.sort = s;
	qsort(qv.rows, qv.n, sizeof(*qv.rows), row_order);
	a.top = 0;
	a.top_id = 0;
	relayout(&a);
	/* A view longer than its page: the server picks another page in the other order. */
	if ((int64_t)qv.n < qv.total && (was != NULL || server_sort(&desc) != NULL))
		load();
	if (s == LS_DUE)
		app_status(false, "Sorted by SLA time left: earliest due first, paused last");
	else
		app_status(false, "Sorted %s", sort_phrase(s));
}

/* The "/" filter being typed. */
static bool filter_key(int type, wint_t ch)
{
	long pos;

	if (key_is(type, ch, KEY_ESCAPE)) {
		set_filter_text("");
		qv.filtering = false;
		return true;
	}
	if (key_is_enter(type, ch)) {
		qv.filtering = false;
		return true;
	}
	if ((pos = movement(type, ch, qv.cur, qv.nvis, qv.page, false)) >= 0) {
		qv.cur = (size_t)pos;
		return true;
	}
	struct anchor a = anchor_save();
	enum te_result r = te_key(&qv.filter, type, ch);
	if (r == TE_CHANGED)
		relayout(&a);
	return r != TE_IGNORED || type == OK; /* other printable keys are swallowed too */
}

static void open_cur(void)
{
	if (qv.nvis > 0)
		view_ticket_open(vis_ticket(qv.cur)->id);
}

/* A click selects a row or a view; a click on the selected row, or a double click, opens the
 * ticket. The wheel moves the cursor three rows (in the pane: one view). */
static bool mouse(void)
{
	int y, x;
	enum ui_mouse m = ui_mouse_read(&y, &x);
	bool in_list = ui_in(qv.list_r, y, x), in_pane = qv.pane_r.h > 0 && ui_in(qv.pane_r, y, x);

	if (m == UI_MOUSE_UP || m == UI_MOUSE_DOWN) {
		int d = m == UI_MOUSE_UP ? -1 : 1;
		if (in_pane && qv.nents > 0)
			select_entry(moved(qv.sel, qv.nents, d));
		else
			qv.cur = moved(qv.cur, qv.nvis, 3L * d);
		return true;
	}
	if (m != UI_MOUSE_CLICK && m != UI_MOUSE_DOUBLE)
		return true;
	if (in_pane) {
		size_t i = qv.ptop + (size_t)(y - qv.pane_r.y);
		if (i < qv.nents) {
			select_entry(i);
			qv.focus_panes = false;
		}
		return true;
	}
	if (!in_list)
		return true;
	size_t k = qv.top + (size_t)(y - qv.list_r.y);
	if (k >= qv.nvis)
		return true;
	bool again = k == qv.cur && !qv.focus_panes;
	qv.cur = k;
	qv.focus_panes = false;
	if (again || m == UI_MOUSE_DOUBLE)
		open_cur();
	return true;
}

static bool queue_key(int type, wint_t ch)
{
	long pos;

	if (cmdline_active())
		return cmdline_key(type, ch);
	if (qv.filtering)
		return filter_key(type, ch);
	if (key_fn(type, ch, KEY_MOUSE))
		return mouse();
	if (qv.sp.on &&
	    (key_is(type, ch, 'q') || (key_is(type, ch, KEY_ESCAPE) && !filter_active()))) {
		special_back();
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
	if (view_dash_hotkey(type, ch))
		return true;
	if (key_is(type, ch, 'r')) {
		load();
		app_queues_refresh();
		counts_refresh();
		return true;
	}
	if (key_is(type, ch, 's')) {
		view_queue_sort(qv.sort == LS_DUE ? LS_VIEW : LS_DUE);
		return true;
	}
	if (key_is(type, ch, '/')) {
		qv.filtering = true;
		qv.focus_panes = false;
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
		open_cur();
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
	if (k == V_MINE || k == V_ALL || k == V_RESOLVED || k == V_CALLER || k == V_SEARCH ||
	    (k == V_INTAKE && app.nqueues != 1))
		c.w[C_QUEUE] = 12;
	if (k == V_RESOLVED || k == V_CALLER || k == V_SEARCH)
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

/* Where a changed row is in its highlight: strong at first, fading for the last FADE_MS. */
static enum hl hl_stage(const struct row *rw, int64_t mono)
{
	if (rw->hl_until == 0 || rw->hl_until <= mono)
		return HL_NONE;
	return rw->hl_until - mono > FADE_MS ? HL_STRONG : HL_FADE;
}

/* The row's attribute. */
static attr_t row_base(enum hl hl, bool cursor)
{
	return cursor            ? ui_attr(qv.focus_panes ? UI_CURSOR_DIM : UI_CURSOR)
	       : hl == HL_STRONG ? ui_attr(UI_CHANGED)
	       : hl == HL_FADE   ? ui_attr(UI_CHANGED_FADE)
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
	enum hl hl = hl_stage(rw, mono_ms());
	attr_t base = row_base(hl, cursor);
	char pri[8];
	const char *dash = ui_dash();

	*d = (struct drawn_row){.id = t->id, .y = y, .base = base, .cursor = cursor, .hl = hl};
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
	if (!cursor && hl == HL_NONE) {
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
	char by[40] = "";

	if (qv.sort != LS_VIEW)
		snprintf(by, sizeof(by), ", %s", sort_phrase(qv.sort));
	char count[64];
	size_t unassigned = 0;

	if ((int64_t)qv.n < qv.total)
		snprintf(count, sizeof(count), "(%zu of %lld%s)", qv.n, (long long)qv.total,
		         qv.total_capped ? "+" : "");
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
		         qv.sort != LS_VIEW ? sort_phrase(qv.sort) : "unassigned first", count,
		         unassigned);
		break;
	case V_ESC:
		snprintf(buf, len, "%s %s %s  %s", e->name, dash,
		         qv.sort != LS_VIEW ? sort_phrase(qv.sort) : "oldest escalation first",
		         count);
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
		snprintf(buf, len, "Caller: %s %s all tickets, %s  %s", qv.sp.name, dash,
		         sort_phrase(qv.sort != LS_VIEW ? qv.sort : LS_UPDATED), count);
		break;
	case V_SEARCH:
		snprintf(buf, len, "Search: %s %s all tickets, %s  %s", qv.sp.name, dash,
		         qv.sort != LS_VIEW ? sort_phrase(qv.sort) : "best match first", count);
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
	case V_SEARCH:
		return "No ticket holds all of these words (S searches again, q goes back)";
	case V_ALL:
		break;
	}
	return "No open tickets";
}

/* The last row of the list: the filter being typed, or the filter in force. */
static void draw_line(int y, int x, int w)
{
	ui_fill(y, x, w, A_NORMAL);
	if (!qv.filtering) {
		char buf[300];
		snprintf(buf, sizeof(buf), "Filter: %s  (%zu of %zu shown; / edits, Esc clears)",
		         te_text(&qv.filter), qv.nvis, qv.n);
		ui_put(y, x, buf, w, ui_attr(UI_LABEL));
		return;
	}
	int pw = ui_put(y, x, "/", w, ui_attr(UI_TITLE));
	te_draw(&qv.filter, (struct rect){y, x + pw, 1, w - pw}, A_NORMAL, !cmdline_active());
}

static void draw_list(struct rect r)
{
	char title[320];
	int64_t now = conn_server_now(app.conn);
	bool line = qv.filtering || filter_active();

	qv.ndrawn = 0;
	qv.list_r = (struct rect){0, 0, 0, 0};
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
	qv.drawn_c = c;
	qv.drawn_x = r.x;
	qv.drawn_w = r.w;
	qv.list_r = (struct rect){r.y + 2, r.x, rows, r.w};
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

/* The clock's second: repaint in place the rows whose highlight moved on a stage (strong,
 * fading, gone) and the waiting and SLA cells whose text or colour changed; the header's
 * repaint that follows sends them to the terminal in one update. Anything else that changed
 * the list has asked for a full redraw, which is left to do the work. With 500 rows on
 * screen that is 500 cells formatted and compared a second, and the terminal hears only of
 * those that differ. */
static void tick_rows(int64_t mono)
{
	int64_t now = conn_server_now(app.conn);
	char wait[24], sla[32];
	attr_t sla_a;

	if (app.view != &view_queue || app.help || app_redraw_pending())
		return;
	if (qv.drawn_cols != COLS || qv.drawn_lines != LINES) {
		app_redraw(); /* a resize is being handled: it redraws everything anyway */
		return;
	}
	for (size_t i = 0; i < qv.ndrawn; i++) {
		struct drawn_row *d = &qv.drawn[i];
		const struct ticket *t = vis_ticket(qv.top + i);
		if (t == NULL || t->id != d->id)
			return; /* the rows moved without a redraw yet: it is on its way */
		const struct row *rw = &qv.rows[qv.vis[qv.top + i]];
		if (hl_stage(rw, mono) != d->hl) {
			draw_ticket_row(d->y, qv.drawn_x, qv.drawn_w, &qv.drawn_c, rw, d->cursor,
			                now, d);
			continue;
		}
		if (qv.wait_w == 0 && qv.sla_w == 0)
			continue;
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

/* The count is a lower bound: deskd stopped counting at LIST_COUNT_MAX. */
static bool entry_count_capped(const struct ventry *e)
{
	return (e->kind == V_MINE && qv.cnt_mine_capped) ||
	       (e->kind == V_RESOLVED && qv.cnt_resolved_capped);
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
		snprintf(buf, len, "%lld%s", (long long)n, entry_count_capped(e) ? "+" : "");
}

static void draw_entry(int y, int x, int w, size_t i)
{
	const struct ventry *e = &qv.ents[i];
	bool sel = i == qv.sel && !qv.sp.on;
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
	qv.pane_r = (struct rect){r.y + 1, r.x, rows, r.w};
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
		qv.pane_r.h = 0;
		draw_list(r);
	}
}

/* ---- view hooks ------------------------------------------------------------------------------ */

static void queue_enter(void)
{
	for (struct keyhelp *k = queue_keys; k->key != NULL; k++)
		if (strcmp(k->key, "D") == 0 && strcmp(k->what, "dashboard") == 0)
			k->footer = view_dash_allowed();
	if (qv.filter.buf == NULL) {
		te_init(&qv.filter, 100, false);
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
	/* Highlights out of sight expire too, so that they do not flash when scrolled to. */
	for (size_t i = 0; i < qv.n; i++)
		if (qv.rows[i].hl_until != 0 && qv.rows[i].hl_until <= now)
			qv.rows[i].hl_until = 0;
	/* Highlights fade; the escalations' waiting times count up, SLA countdowns down. */
	tick_rows(now);
}

static void queue_fini(void)
{
	clear_rows();
	free(qv.rows);
	free(qv.vis);
	free(qv.drawn);
	clear_early();
	clear_pages();
	free_entries();
	free(qv.sp.name);
	if (qv.research_ev != NULL)
		event_free(qv.research_ev);
	if (qv.counts_ev != NULL)
		event_free(qv.counts_ev);
	if (qv.filter.buf != NULL) {
		te_free(&qv.filter);
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
