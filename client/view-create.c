/* view-create.c - the new-ticket form for a call in progress: caller and category picked by
 * typing, similar resolved tickets beside the subject, save or resolve at first contact. */

/* The form lives in memory until saved or discarded, so a resize or a dropped connection
 * loses nothing, and the client_key chosen when the form opens makes every retry of one
 * submission safe against duplicates.
 *
 * Tab order and defaults are laid out for the phone: the caller ("chlo", Enter), the
 * category ("print", Enter; it routes the queue), impact and urgency (one digit each, which
 * also moves on), the subject (Enter), the description, ^S. Resolving at first contact is
 * ^R (resolution code, Enter, note) then ^S: create, then resolve with the version the
 * create returned. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "form.h"
#include "keys.h"
#include "log.h"
#include "picker.h"
#include "proto.h"
#include "ticket.h"
#include "utf8.h"
#include "util.h"
#include "view.h"

#define SEARCH_DELAY_MS  150 /* quiet time after a keystroke before requester.search */
#define SIMILAR_DELAY_MS 200 /* ... before ticket.similar */
#define SIMILAR_MIN      3   /* characters of subject before similar tickets are looked up */
#define SIMILAR_MAX      5
#define PICK_ROWS        8   /* items a drop-down shows at once */
#define WIDE_COLS        100 /* from this width the similar panel sits beside the form */

enum {
	F_REQUESTER,
	F_CATEGORY,
	F_IMPACT,
	F_URGENCY,
	F_PRIORITY,
	F_SUBJECT,
	F_DESC,
	F_RESCODE,
	F_RESNOTE,
	F_TYPE,
	F_QUEUE,
	F_CHANNEL,
	F_SAVE,
	F_RESOLVE,
	F_COUNT
};

enum submit_state {
	S_EDITING,
	S_SAVING,    /* ticket.create sent, no reply yet */
	S_RESOLVING, /* created; ticket.update to resolved sent */
	S_RETRY,     /* offline, or the connection dropped mid-save: resend when back */
};

/* Tags of drop-down entries that are not plain choices. */
enum { PICK_PLAIN, PICK_NEW_CALLER, PICK_NONE };

static const char *const level_labels[] = {"1 High", "2 Medium", "3 Low"};
static const char *const channel_labels[] = {"Phone", "Email", "Walk-in", "Portal", "Chat"};

struct category {
	int64_t id, queue_id;
	char *path;
};

struct similar {
	char *key, *subject, *code, *note;
};

/* Per-session lists the form offers: loaded once, kept while forms come and go. */
static struct {
	struct category *cats;
	size_t ncats;
	bool cats_loading, cats_loaded;
	char **res_codes, **res_labels;
	int nres;
	bool res_loading, res_loaded;
} lists;

static struct {
	bool open;
	struct form fm;
	char client_key[40];
	enum submit_state state;
	uintptr_t seq; /* identifies the reply this form waits for */
	char error[320];
	/* Queue choices, rebuilt whenever the queue list changes. */
	char **qlabels;
	int64_t *qids;
	int nq;
	bool queue_touched;  /* the agent chose the queue: a category no longer routes it */
	int64_t queue_first; /* the queue the form opened with */

	/* The caller: requester_id once picked from the directory (or created). */
	int64_t requester_id;
	char rinfo[256]; /* organisation, phone, open tickets of the picked caller */
	struct picker rp;
	uintptr_t rseq;
	bool rsearching;    /* a requester.search is in flight */
	bool rpick_pending; /* Enter came before the results: pick the first when they do */
	bool rcreating;     /* requester.create in flight */
	bool rretry;        /* its reply was lost: send it again, same key, when back online */
	char rkey[40];      /* the client_key of the caller being added */
	struct event *rtimer;

	int64_t category_id;
	struct picker cp;

	struct similar *sim;
	size_t nsim;
	bool sim_searching, sim_done;
	uintptr_t sseq;
	struct event *stimer;

	bool resolving; /* the resolution fields are shown: saving also resolves */
	/* A ticket this form created but has not resolved yet (the update failed or is due). */
	int64_t created_id, created_version;
	char created_key[32];
	int stale_retries;
} cv;

static const struct keyhelp create_keys[] = {
    {"^S", "save", true},
    {"^R", "resolve now", true},
    {"Tab", "next", true},
    {"Enter", "pick / next", true},
    {"Esc", "discard", true},
    {"F1", "help", true},
    {"F2", "caller's tickets", true},
    {"\xe2\x86\x91\xe2\x86\x93", "move in a list; previous / next field", false},
    {"S-Tab", "previous field", false},
    {"1 2 3", "impact, urgency: set and go on", false},
    {"PgUp PgDn", "page through the caller or category list", false},
    {"\xe2\x86\x90\xe2\x86\x92 Space", "other choices", false},
    {"letter/digit", "jump to a choice starting with it", false},
    {"Caller", "type a name, phone or mail; \"Name, phone, mail\" + new caller", false},
    {"Esc", "in Caller or Category with text typed: clear it (else discard the form)", false},
    {"^R", "resolve at first contact: code, note, then ^S", false},
    {"F2", "the picked caller's tickets (q comes back to the form)", false},
    {"^U ^K ^W", "delete to start / to end / word", false},
    {"^A ^E ^B ^F ^D",
     "start / end / left / right / delete (also Home End \xe2\x86\x90 \xe2\x86\x92 Del)", false},
    {NULL, NULL, false},
};

static void update_similar_later(void);
static void update_requester_later(void);
static void refilter_categories(void);
static void requester_created(const msgpack_object *r, void *arg);
static void send_new_caller(void);

/* ---- small helpers ----------------------------------------------------------------------- */

static struct field *fld(int i)
{
	return &cv.fm.f[i];
}

static const char *text_of(int i)
{
	return te_text(&cv.fm.f[i].te);
}

/* s without leading and trailing spaces, into buf; at most max characters. */
static const char *trimmed(const char *s, char *buf, size_t len, size_t max)
{
	size_t n, keep;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	keep = 0;
	for (size_t chars = 0; keep < n && chars < max; chars++) {
		unsigned cp;
		size_t l = utf8_decode(s + keep, n - keep, &cp);
		keep += l > 0 ? l : 1;
	}
	while (keep >= len)
		keep = utf8_prev(s, keep);
	memmove(buf, s, keep); /* buf may be s itself */
	buf[keep] = '\0';
	return buf;
}

static struct event *timer(struct event **ev, event_callback_fn cb)
{
	if (*ev == NULL) {
		*ev = evtimer_new(app.base, cb, NULL);
		if (*ev == NULL) {
			log_error("cannot create a form timer");
			abort();
		}
	}
	return *ev;
}

static void arm(struct event **ev, event_callback_fn cb, int ms)
{
	struct timeval tv = {0, ms * 1000};

	evtimer_add(timer(ev, cb), &tv);
}

/* A random UUID (version 4) from the kernel's generator. */
static void make_client_key(char *out, size_t len)
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, b, sizeof(b)) : -1;

	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof(b)) {
		/* Not expected on any real system; still unique enough per agent and moment. */
		log_warn("cannot read /dev/urandom; using a time-based client key");
		uint64_t x = (uint64_t)now_ms() ^ ((uint64_t)getpid() << 40) ^ (uint64_t)mono_ms();
		for (size_t i = 0; i < sizeof(b); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = (unsigned char)x;
		}
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

/* ---- queue choice ---------------------------------------------------------------------- */

static void free_queue_choices(void)
{
	for (int i = 0; i < cv.nq; i++)
		free(cv.qlabels[i]);
	free(cv.qlabels);
	free(cv.qids);
	cv.qlabels = NULL;
	cv.qids = NULL;
	cv.nq = 0;
}

/* (Re)build the queue choice, keeping want selected if it still exists; 0 picks the
 * first tier-1 queue, which is also what the server would choose. */
static void build_queue_choices(int64_t want)
{
	free_queue_choices();
	int sel = -1;
	if (app.nqueues == 0) {
		cv.qlabels = xcalloc(1, sizeof(*cv.qlabels));
		cv.qids = xcalloc(1, sizeof(*cv.qids));
		cv.qlabels[0] = xstrdup("(server default)");
		cv.nq = 1;
		sel = 0;
	} else {
		cv.nq = (int)app.nqueues;
		cv.qlabels = xcalloc(app.nqueues, sizeof(*cv.qlabels));
		cv.qids = xcalloc(app.nqueues, sizeof(*cv.qids));
		for (size_t i = 0; i < app.nqueues; i++) {
			cv.qlabels[i] =
			    xasprintf("%s (T%d)", app.queues[i].name, app.queues[i].tier);
			cv.qids[i] = app.queues[i].id;
			if (app.queues[i].id == want)
				sel = (int)i;
		}
		for (int i = 0; sel < 0 && i < cv.nq; i++)
			if (app.queues[i].tier == 1)
				sel = i;
		if (sel < 0)
			sel = 0;
	}
	form_choice(&cv.fm, F_QUEUE, "Queue", (const char *const *)cv.qlabels, cv.nq, sel);
}

static int64_t chosen_queue(void)
{
	return cv.nq > 0 ? cv.qids[fld(F_QUEUE)->sel] : 0;
}

static void set_queue(int64_t id)
{
	for (int i = 0; i < cv.nq; i++)
		if (cv.qids[i] == id)
			fld(F_QUEUE)->sel = i;
}

/* ---- session lists: categories and resolution codes -------------------------------------- */

static void free_lists(void)
{
	for (size_t i = 0; i < lists.ncats; i++)
		free(lists.cats[i].path);
	free(lists.cats);
	for (int i = 0; i < lists.nres; i++) {
		free(lists.res_codes[i]);
		free(lists.res_labels[i]);
	}
	free(lists.res_codes);
	free(lists.res_labels);
	memset(&lists, 0, sizeof(lists));
}

static void categories_reply(const msgpack_object *r, void *arg)
{
	const msgpack_object *arr = r != NULL ? mp_get(r, "categories") : NULL;

	lists.cats_loading = false;
	if (r == NULL || !reply_ok(r) || arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY) {
		if (r != NULL)
			log_warn("category.list failed");
		return;
	}
	for (size_t i = 0; i < lists.ncats; i++)
		free(lists.cats[i].path);
	free(lists.cats);
	lists.cats = xcalloc(arr->via.array.size + 1, sizeof(*lists.cats));
	lists.ncats = 0;
	for (uint32_t i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		const msgpack_object *id = mp_get(o, "id"), *q = mp_get(o, "queue_id");
		char *path = mp_strdup(mp_get(o, "path"));
		if (!mp_is_int(id) || path == NULL) {
			free(path);
			continue;
		}
		lists.cats[lists.ncats++] =
		    (struct category){mp_int(id), mp_is_int(q) ? mp_int(q) : 0, path};
	}
	lists.cats_loaded = true;
	if (cv.open)
		refilter_categories();
	app_redraw();
}

static void resolution_reply(const msgpack_object *r, void *arg);

static void load_lists(void)
{
	if (!app_online())
		return;
	if (!lists.cats_loaded && !lists.cats_loading) {
		conn_begin(app.conn, "category.list", 0, categories_reply, NULL);
		lists.cats_loading = conn_end(app.conn) != 0;
	}
	if (!lists.res_loaded && !lists.res_loading) {
		conn_begin(app.conn, "resolution.list", 0, resolution_reply, NULL);
		lists.res_loading = conn_end(app.conn) != 0;
	}
}

static const struct category *category(int64_t id)
{
	for (size_t i = 0; i < lists.ncats; i++)
		if (lists.cats[i].id == id)
			return &lists.cats[i];
	return NULL;
}

/* The resolution choice: "Fixed" first when the desk has it, the usual first-contact case. */
static void build_resolution_choice(void)
{
	int sel = 0;

	for (int i = 0; i < lists.nres; i++)
		if (strcmp(lists.res_codes[i], "fixed") == 0)
			sel = i;
	form_choice(&cv.fm, F_RESCODE, "Resolution", (const char *const *)lists.res_labels,
	            lists.nres, sel);
	fld(F_RESCODE)->hidden = !cv.resolving;
}

static void resolution_reply(const msgpack_object *r, void *arg)
{
	const msgpack_object *arr = r != NULL ? mp_get(r, "codes") : NULL;

	lists.res_loading = false;
	if (r == NULL || !reply_ok(r) || arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY)
		return;
	/* Loaded once per run: the form's choice points at these labels. */
	if (lists.res_loaded)
		return;
	lists.res_codes = xcalloc(arr->via.array.size + 1, sizeof(char *));
	lists.res_labels = xcalloc(arr->via.array.size + 1, sizeof(char *));
	for (uint32_t i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		char *code = mp_strdup(mp_get(o, "code")), *label = mp_strdup(mp_get(o, "label"));
		if (code == NULL) {
			free(label);
			continue;
		}
		lists.res_codes[lists.nres] = code;
		lists.res_labels[lists.nres++] = label != NULL ? label : xstrdup(code);
	}
	lists.res_loaded = true;
	if (cv.open)
		build_resolution_choice();
	app_redraw();
}

/* ---- the caller ---------------------------------------------------------------------------- */

/* "Name, +33 1 23, name@example.org, Company": what "+ new caller" creates from the text. */
struct new_caller {
	char name[4 * LIMIT_NAME + 1], phone[257], email[4 * LIMIT_NAME + 1],
	    org[4 * LIMIT_NAME + 1];
};

static void parse_new_caller(const char *text, struct new_caller *nc)
{
	char buf[1024], *save = NULL;

	memset(nc, 0, sizeof(*nc));
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *tok = strtok_r(buf, ",;", &save); tok != NULL;
	     tok = strtok_r(NULL, ",;", &save)) {
		char t[1024];
		trimmed(tok, t, sizeof(t), LIMIT_NAME);
		if (t[0] == '\0')
			continue;
		if (nc->name[0] == '\0')
			trimmed(t, nc->name, sizeof(nc->name), LIMIT_NAME);
		else if (strchr(t, '@') != NULL && nc->email[0] == '\0')
			trimmed(t, nc->email, sizeof(nc->email), LIMIT_NAME);
		else if (strpbrk(t, "0123456789") != NULL && nc->phone[0] == '\0')
			trimmed(t, nc->phone, sizeof(nc->phone), 64);
		else if (nc->org[0] == '\0')
			trimmed(t, nc->org, sizeof(nc->org), LIMIT_NAME);
	}
}

static bool requester_list_shown(void)
{
	return cv.fm.focus == F_REQUESTER && cv.requester_id == 0 &&
	       te_chars(&fld(F_REQUESTER)->te) > 0;
}

static void add_new_caller_entry(void)
{
	struct new_caller nc;

	parse_new_caller(text_of(F_REQUESTER), &nc);
	if (nc.name[0] == '\0')
		return;
	char *label = xasprintf("+ new caller \"%s\"", nc.name);
	char *detail =
	    xasprintf("%s%s%s%s%s", nc.org, nc.org[0] && nc.phone[0] ? ", " : "", nc.phone,
	              (nc.org[0] || nc.phone[0]) && nc.email[0] ? ", " : "", nc.email);
	picker_add(&cv.rp, 0, label,
	           detail[0] != '\0' ? detail : "add \", phone, mail\" to record them", NULL,
	           PICK_NEW_CALLER);
	free(label);
	free(detail);
}

static void picked_requester(int64_t id, const char *name, const char *info)
{
	cv.requester_id = id;
	cv.rpick_pending = false;
	/* A search still on its way answers a question no longer asked. */
	cv.rsearching = false;
	cv.rseq++;
	if (cv.rtimer != NULL)
		evtimer_del(cv.rtimer);
	te_set(&fld(F_REQUESTER)->te, name);
	trimmed(info != NULL ? info : "", cv.rinfo, sizeof(cv.rinfo), sizeof(cv.rinfo));
	picker_clear(&cv.rp);
	if (cv.fm.focus == F_REQUESTER)
		form_focus(&cv.fm, F_CATEGORY);
}

static void pick_requester(void)
{
	const struct pick_item *it = picker_current(&cv.rp);
	char info[256];

	if (it == NULL)
		return;
	if (it->tag == PICK_NEW_CALLER) {
		if (cv.rcreating || !app_online()) {
			snprintf(cv.error, sizeof(cv.error),
			         cv.rcreating ? "Adding the caller%s"
			                      : "Offline: cannot add a caller now",
			         ui_ellipsis());
			return;
		}
		/* One key per caller added: a retry after a lost reply finds the same caller
		 * (Enter again after a lost reply is such a retry). */
		if (!cv.rretry)
			make_client_key(cv.rkey, sizeof(cv.rkey));
		send_new_caller();
		return;
	}
	/* The open tickets first: "already called about this?" is the next question. */
	snprintf(info, sizeof(info), "%s", it->right != NULL ? it->right : "");
	if (it->detail != NULL)
		snprintf(info + strlen(info), sizeof(info) - strlen(info), "%s%.200s",
		         info[0] ? ", " : "", it->detail);
	char *name = xstrdup(it->label);
	picked_requester(it->id, name, info);
	free(name);
}

/* requester.create for the caller typed in the field, with cv.rkey. */
static void send_new_caller(void)
{
	struct new_caller nc;

	parse_new_caller(text_of(F_REQUESTER), &nc);
	msgpack_packer *pk =
	    conn_begin(app.conn, "requester.create",
	               2 + (nc.phone[0] != 0) + (nc.email[0] != 0) + (nc.org[0] != 0),
	               requester_created, (void *)++cv.rseq);
	pk_kstr(pk, "name", nc.name);
	pk_kstr(pk, "client_key", cv.rkey);
	if (nc.phone[0] != '\0')
		pk_kstr(pk, "phone", nc.phone);
	if (nc.email[0] != '\0')
		pk_kstr(pk, "email", nc.email);
	if (nc.org[0] != '\0')
		pk_kstr(pk, "organisation", nc.org);
	cv.rcreating = conn_end(app.conn) != 0;
	cv.rretry = !cv.rcreating;
}

static void requester_created(const msgpack_object *r, void *arg)
{
	const msgpack_object *id = r != NULL ? mp_get(r, "id") : NULL;
	char why[256];

	if (!cv.open)
		return;
	cv.rcreating = false;
	if ((uintptr_t)arg != cv.rseq)
		return; /* typed on meanwhile: the caller is in the directory, not picked */
	cv.rretry = false;
	if (r == NULL) {
		/* Maybe added, maybe not: the same key again once back tells. */
		cv.rretry = true;
		snprintf(cv.error, sizeof(cv.error),
		         "Connection lost while adding the caller; adding them when it is back");
	} else if (!reply_ok(r) || !mp_is_int(id)) {
		reply_error_text(r, why, sizeof(why));
		snprintf(cv.error, sizeof(cv.error), "Caller not added: %s", why);
	} else {
		struct new_caller nc;
		parse_new_caller(text_of(F_REQUESTER), &nc);
		char *info = xasprintf("new caller%s%s%s%s", nc.phone[0] ? ", " : "", nc.phone,
		                       nc.email[0] ? ", " : "", nc.email);
		picked_requester(mp_int(id), nc.name, info);
		free(info);
		cv.error[0] = '\0';
	}
	app_redraw();
}

static void requester_results(const msgpack_object *r, void *arg)
{
	const msgpack_object *arr = r != NULL ? mp_get(r, "requesters") : NULL;

	if ((uintptr_t)arg != cv.rseq || !cv.open)
		return;
	cv.rsearching = false;
	picker_clear(&cv.rp);
	if (r == NULL || !reply_ok(r) || arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY) {
		char why[200] = "connection lost";
		if (r != NULL)
			reply_error_text(r, why, sizeof(why));
		snprintf(cv.rp.note, sizeof(cv.rp.note), "Search failed: %.140s", why);
		cv.rpick_pending = false;
		app_redraw();
		return;
	}
	for (uint32_t i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		const msgpack_object *id = mp_get(o, "id"), *open = mp_get(o, "open_tickets");
		char *name = mp_strdup(mp_get(o, "name"));
		char *org = mp_strdup(mp_get(o, "organisation"));
		char *phone = mp_strdup(mp_get(o, "phone"));
		char *email = mp_strdup(mp_get(o, "email"));
		char detail[400], right[32];
		if (mp_is_int(id) && name != NULL) {
			snprintf(detail, sizeof(detail), "%s%s%s%s%s", org ? org : "",
			         org && (phone || email) ? ", " : "", phone ? phone : "",
			         phone && email ? ", " : "", email ? email : "");
			int64_t n = mp_is_int(open) ? mp_int(open) : 0;
			snprintf(right, sizeof(right),
			         n == 1 ? "1 open ticket" : "%lld open tickets", (long long)n);
			if (n == 0)
				snprintf(right, sizeof(right), "no open ticket");
			picker_add(&cv.rp, mp_int(id), name, detail, right, PICK_PLAIN);
		}
		free(name);
		free(org);
		free(phone);
		free(email);
	}
	add_new_caller_entry();
	/* Enter came first: take the best match, if there is one, and go on. */
	if (cv.rpick_pending) {
		cv.rpick_pending = false;
		if (cv.fm.focus == F_REQUESTER && cv.rp.n > 0 && cv.rp.items[0].tag == PICK_PLAIN)
			pick_requester();
	}
	app_redraw();
}

static void search_requesters(void)
{
	char q[512];

	trimmed(text_of(F_REQUESTER), q, sizeof(q), 100);
	/* "Name, phone": search by the name part. */
	char *comma = strpbrk(q, ",;");
	if (comma != NULL)
		*comma = '\0';
	trimmed(q, q, sizeof(q), 100);
	if (q[0] == '\0' || cv.requester_id != 0) {
		cv.rpick_pending = false;
		return;
	}
	if (!app_online()) {
		picker_clear(&cv.rp);
		snprintf(cv.rp.note, sizeof(cv.rp.note),
		         "Offline: the directory cannot be searched");
		add_new_caller_entry();
		cv.rpick_pending = false;
		return;
	}
	msgpack_packer *pk =
	    conn_begin(app.conn, "requester.search", 2, requester_results, (void *)++cv.rseq);
	pk_kstr(pk, "q", q);
	pk_kint(pk, "limit", PICK_ROWS - 1);
	cv.rsearching = conn_end(app.conn) != 0;
}

static void requester_timer(evutil_socket_t fd, short what, void *arg)
{
	if (cv.open) {
		search_requesters();
		app_redraw();
	}
}

static void update_requester_later(void)
{
	cv.rretry = false; /* another caller now: a lost "add" is not sent again */
	cv.requester_id = 0;
	cv.rinfo[0] = '\0';
	if (te_chars(&fld(F_REQUESTER)->te) == 0) {
		picker_clear(&cv.rp);
		cv.rseq++; /* a search on its way answers a text no longer there */
		cv.rsearching = false;
		if (cv.rtimer != NULL)
			evtimer_del(cv.rtimer);
		return;
	}
	if (cv.rp.n == 0)
		snprintf(cv.rp.note, sizeof(cv.rp.note), "Searching%s", ui_ellipsis());
	arm(&cv.rtimer, requester_timer, SEARCH_DELAY_MS);
}

/* Enter in the caller field. */
static void requester_enter(void)
{
	if (cv.requester_id != 0 || te_chars(&fld(F_REQUESTER)->te) == 0) {
		form_focus(&cv.fm, F_CATEGORY);
		return;
	}
	/* Typed faster than the directory answers: pick when it does. */
	if (cv.rtimer != NULL && evtimer_pending(cv.rtimer, NULL)) {
		evtimer_del(cv.rtimer);
		cv.rpick_pending = true;
		search_requesters();
		return;
	}
	if (cv.rsearching) {
		cv.rpick_pending = true;
		return;
	}
	pick_requester();
}

/* ---- the category -------------------------------------------------------------------------- */

static bool category_list_shown(void)
{
	return cv.fm.focus == F_CATEGORY && cv.category_id == 0;
}

/* Word-start matches ("print" in "Hardware/Printer") before matches inside a word. */
static void refilter_categories(void)
{
	const char *q = text_of(F_CATEGORY);

	picker_clear(&cv.cp);
	if (!lists.cats_loaded) {
		snprintf(cv.cp.note, sizeof(cv.cp.note), "%s",
		         app_online() ? "Loading categories" : "Offline: categories not loaded");
		return;
	}
	if (q[0] == '\0')
		picker_add(&cv.cp, 0, "(no category)", NULL, NULL, PICK_NONE);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < lists.ncats; i++) {
			const struct category *c = &lists.cats[i];
			if (fold_match(c->path, q) != pass)
				continue;
			const struct queue_info *qi = c->queue_id ? app_queue(c->queue_id) : NULL;
			char right[160];
			snprintf(right, sizeof(right), "%s %s", ui_dash(),
			         qi != NULL ? qi->name : "no routing");
			picker_add(&cv.cp, c->id, c->path, NULL, right, PICK_PLAIN);
		}
	}
	if (cv.cp.n == 0)
		snprintf(cv.cp.note, sizeof(cv.cp.note), "No category matches");
}

static void pick_category(void)
{
	const struct pick_item *it = picker_current(&cv.cp);

	if (it == NULL) {
		if (te_chars(&fld(F_CATEGORY)->te) == 0)
			form_focus(&cv.fm, F_IMPACT);
		return;
	}
	if (it->tag == PICK_NONE) {
		cv.category_id = 0;
		if (!cv.queue_touched)
			set_queue(cv.queue_first);
		form_focus(&cv.fm, F_IMPACT);
		return;
	}
	const struct category *c = category(it->id);
	cv.category_id = it->id;
	te_set(&fld(F_CATEGORY)->te, it->label);
	/* The category's group is where the ticket goes, unless the agent said otherwise; a
	 * category without one leaves the queue the form opened with. */
	if (c != NULL && !cv.queue_touched)
		set_queue(c->queue_id != 0 ? c->queue_id : cv.queue_first);
	picker_clear(&cv.cp);
	form_focus(&cv.fm, F_IMPACT);
}

/* ---- similar resolved tickets -------------------------------------------------------------- */

static void clear_similar(void)
{
	for (size_t i = 0; i < cv.nsim; i++) {
		free(cv.sim[i].key);
		free(cv.sim[i].subject);
		free(cv.sim[i].code);
		free(cv.sim[i].note);
	}
	free(cv.sim);
	cv.sim = NULL;
	cv.nsim = 0;
}

static void similar_reply(const msgpack_object *r, void *arg)
{
	const msgpack_object *arr = r != NULL ? mp_get(r, "tickets") : NULL;

	if ((uintptr_t)arg != cv.sseq || !cv.open)
		return;
	cv.sim_searching = false;
	if (r == NULL || !reply_ok(r) || arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY)
		return; /* keep what is shown; the next keystroke asks again */
	clear_similar();
	cv.sim = xcalloc(arr->via.array.size + 1, sizeof(*cv.sim));
	for (uint32_t i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		char *key = mp_strdup(mp_get(o, "key")), *subj = mp_strdup(mp_get(o, "subject"));
		if (key == NULL || subj == NULL) {
			free(key);
			free(subj);
			continue;
		}
		cv.sim[cv.nsim++] =
		    (struct similar){key, subj, mp_strdup(mp_get(o, "resolution_code")),
		                     mp_strdup(mp_get(o, "resolution_note"))};
	}
	cv.sim_done = true;
	app_redraw();
}

static void similar_timer(evutil_socket_t fd, short what, void *arg)
{
	char text[LIMIT_SUBJECT * 4 + 1];

	if (!cv.open || !app_online())
		return;
	trimmed(text_of(F_SUBJECT), text, sizeof(text), LIMIT_SUBJECT);
	if (utf8_len(text, strlen(text)) < SIMILAR_MIN)
		return;
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.similar", 2, similar_reply, (void *)++cv.sseq);
	pk_kstr(pk, "text", text);
	pk_kint(pk, "limit", SIMILAR_MAX);
	cv.sim_searching = conn_end(app.conn) != 0;
	app_redraw();
}

static void update_similar_later(void)
{
	if (te_chars(&fld(F_SUBJECT)->te) < SIMILAR_MIN) {
		clear_similar();
		cv.sim_done = false;
		cv.sseq++;
		if (cv.stimer != NULL)
			evtimer_del(cv.stimer);
		return;
	}
	arm(&cv.stimer, similar_timer, SIMILAR_DELAY_MS);
}

/* ---- the form's life ----------------------------------------------------------------------- */

static void set_resolving(bool on)
{
	cv.resolving = on;
	fld(F_RESCODE)->hidden = !on;
	fld(F_RESNOTE)->hidden = !on;
	fld(F_SAVE)->label = on ? "Save & resolve ^S" : "Save ^S";
	fld(F_RESOLVE)->label = on ? "Do not resolve ^R" : "Save & resolve ^R";
	if (on)
		form_focus(&cv.fm, F_RESCODE);
	else if (cv.fm.focus == F_RESCODE || cv.fm.focus == F_RESNOTE)
		form_focus(&cv.fm, F_DESC);
}

static void close_form(void)
{
	if (!cv.open)
		return;
	form_free(&cv.fm);
	free_queue_choices();
	picker_free(&cv.rp);
	picker_free(&cv.cp);
	clear_similar();
	if (cv.rtimer != NULL)
		evtimer_del(cv.rtimer);
	if (cv.stimer != NULL)
		evtimer_del(cv.stimer);
	cv.open = false;
	cv.state = S_EDITING;
	cv.error[0] = '\0';
	/* Replies still on their way belong to no form now. */
	cv.seq++;
	cv.rseq++;
	cv.sseq++;
}

void view_create_open(int64_t queue_id)
{
	close_form();
	struct event *rt = cv.rtimer, *st = cv.stimer;
	uintptr_t seq = cv.seq, rseq = cv.rseq, sseq = cv.sseq;
	memset(&cv, 0, sizeof(cv));
	cv.rtimer = rt;
	cv.stimer = st;
	cv.seq = seq;
	cv.rseq = rseq;
	cv.sseq = sseq;

	form_init(&cv.fm, F_COUNT, 12);
	form_text(&cv.fm, F_REQUESTER, "Caller", LIMIT_NAME);
	form_text(&cv.fm, F_CATEGORY, "Category", LIMIT_NAME);
	form_choice(&cv.fm, F_IMPACT, "Impact", level_labels, 3, 2);
	form_choice(&cv.fm, F_URGENCY, "Urgency", level_labels, 3, 2);
	form_info(&cv.fm, F_PRIORITY, "Priority");
	form_text(&cv.fm, F_SUBJECT, "Subject", LIMIT_SUBJECT);
	form_multi(&cv.fm, F_DESC, "Description", LIMIT_DESCRIPTION, 4);
	form_multi(&cv.fm, F_RESNOTE, "Note", LIMIT_NOTE, 3);
	form_choice(&cv.fm, F_TYPE, "Type", ticket_type_labels, TT_COUNT, TT_INCIDENT);
	form_choice(&cv.fm, F_CHANNEL, "Channel", channel_labels, TC_COUNT, TC_PHONE);
	form_button(&cv.fm, F_SAVE, "Save ^S");
	form_button(&cv.fm, F_RESOLVE, "Save & resolve ^R");
	build_queue_choices(queue_id);
	cv.queue_first = chosen_queue();
	build_resolution_choice();
	set_resolving(false);
	picker_init(&cv.rp);
	picker_init(&cv.cp);
	make_client_key(cv.client_key, sizeof(cv.client_key));
	cv.open = true;
	cv.state = S_EDITING;
	form_focus(&cv.fm, F_REQUESTER);
	load_lists();
	refilter_categories();
	app_set_view(&view_create);
}

bool view_create_is_open(void)
{
	return cv.open;
}

/* Saved (and resolved if asked): back to the list, on the new ticket. */
static void finish(int64_t id, const char *key, bool resolved)
{
	if (resolved)
		app_status(false, "Created %s and resolved it at first contact", key);
	else
		app_status(false, "Created %s", key);
	view_queue_select(id);
	close_form();
	app_set_view(&view_queue);
}

static void send_resolve(void);

static void resolve_reply(const msgpack_object *r, void *arg)
{
	char why[256];

	if (!cv.open || (uintptr_t)arg != cv.seq)
		return;
	if (r == NULL) {
		cv.state = S_RETRY;
		snprintf(cv.error, sizeof(cv.error),
		         "%s is created; connection lost while resolving it: retried when back",
		         cv.created_key);
		app_redraw();
		return;
	}
	struct ticket *t = ticket_parse(mp_get(r, "ticket"));
	if (reply_ok(r)) {
		ticket_free(t);
		finish(cv.created_id, cv.created_key, true);
		return;
	}
	if (reply_error_code(r) == E_STALE_VERSION && t != NULL) {
		/* Our own earlier attempt went through, or auto-assignment moved it on. */
		if (strcmp(t->status, "resolved") == 0) {
			ticket_free(t);
			finish(cv.created_id, cv.created_key, true);
			return;
		}
		if (cv.stale_retries++ < 2) {
			cv.created_version = t->version;
			ticket_free(t);
			send_resolve();
			return;
		}
	}
	ticket_free(t);
	reply_error_text(r, why, sizeof(why));
	cv.state = S_EDITING;
	snprintf(cv.error, sizeof(cv.error),
	         "%s is created but not resolved: %.200s (^S tries again)", cv.created_key, why);
	app_redraw();
}

static void send_resolve(void)
{
	int sel = fld(F_RESCODE)->sel;

	if (!app_online()) {
		cv.state = S_RETRY;
		snprintf(cv.error, sizeof(cv.error),
		         "%s is created; it is resolved as soon as the connection is back",
		         cv.created_key);
		return;
	}
	/* Resolved by whoever took the call: first-contact resolution is credited to them. */
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.update", 6, resolve_reply, (void *)++cv.seq);
	pk_kint(pk, "id", cv.created_id);
	pk_kint(pk, "version", cv.created_version);
	pk_kint(pk, "assignee_id", app.agent.id);
	pk_kstr(pk, "status", "resolved");
	pk_kstr(pk, "resolution_code", lists.res_codes[sel]);
	pk_kstr(pk, "resolution_note", text_of(F_RESNOTE));
	if (conn_end(app.conn) == 0) {
		cv.state = S_RETRY;
		return;
	}
	cv.state = S_RESOLVING;
	cv.error[0] = '\0';
}

static void create_reply(const msgpack_object *r, void *arg)
{
	bool mine = cv.open && (uintptr_t)arg == cv.seq;

	if (!mine) {
		/* The form was discarded while saving; the ticket may exist all the same. */
		struct ticket *t =
		    r != NULL && reply_ok(r) ? ticket_parse(mp_get(r, "ticket")) : NULL;
		if (t != NULL)
			app_status(false, "Created %s", t->key);
		ticket_free(t);
		return;
	}
	if (r == NULL) {
		cv.state = S_RETRY;
		snprintf(cv.error, sizeof(cv.error),
		         "Connection lost while saving; it is sent again (never twice) when the "
		         "connection is back");
		app_redraw();
		return;
	}
	if (!reply_ok(r)) {
		char why[256];
		reply_error_text(r, why, sizeof(why));
		cv.state = S_EDITING;
		snprintf(cv.error, sizeof(cv.error), "Not saved: %s", why);
		if (strstr(why, "'subject'") != NULL)
			form_focus(&cv.fm, F_SUBJECT);
		else if (strstr(why, "'description'") != NULL)
			form_focus(&cv.fm, F_DESC);
		app_redraw();
		return;
	}
	struct ticket *t = ticket_parse(mp_get(r, "ticket"));
	if (t == NULL) {
		app_status(false, "Created the ticket");
		close_form();
		app_set_view(&view_queue);
		return;
	}
	if (cv.resolving) {
		cv.created_id = t->id;
		cv.created_version = t->version;
		snprintf(cv.created_key, sizeof(cv.created_key), "%s", t->key);
		ticket_free(t);
		send_resolve();
		app_redraw();
		return;
	}
	int64_t id = t->id;
	char key[32];
	snprintf(key, sizeof(key), "%s", t->key);
	ticket_free(t);
	finish(id, key, false);
}

static void send_create(void)
{
	int64_t qid = chosen_queue(); /* 0: let the server pick its default */

	/* Connected is not enough: after a reconnect the session must be logged in again
	 * before anything but login is accepted. */
	if (!app_online()) {
		cv.state = S_RETRY;
		snprintf(cv.error, sizeof(cv.error),
		         "Offline: the ticket is saved as soon as the connection is back "
		         "(Esc discards it)");
		return;
	}
	size_t nargs = 7 + (qid != 0) + (cv.requester_id != 0) + (cv.category_id != 0);
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.create", nargs, create_reply, (void *)++cv.seq);
	pk_kstr(pk, "subject", text_of(F_SUBJECT));
	pk_kstr(pk, "description", text_of(F_DESC));
	pk_kstr(pk, "type", ticket_type_names[fld(F_TYPE)->sel]);
	pk_kint(pk, "impact", fld(F_IMPACT)->sel + 1);
	pk_kint(pk, "urgency", fld(F_URGENCY)->sel + 1);
	pk_kstr(pk, "channel", ticket_channel_names[fld(F_CHANNEL)->sel]);
	pk_kstr(pk, "client_key", cv.client_key);
	if (qid != 0)
		pk_kint(pk, "queue_id", qid);
	if (cv.requester_id != 0)
		pk_kint(pk, "requester_id", cv.requester_id);
	if (cv.category_id != 0)
		pk_kint(pk, "category_id", cv.category_id);
	if (conn_end(app.conn) == 0) {
		cv.state = S_RETRY;
		snprintf(cv.error, sizeof(cv.error),
		         "Offline: the ticket is saved as soon as the connection is back");
		return;
	}
	cv.state = S_SAVING;
	cv.error[0] = '\0';
}

/* Send what is due: the create, or only the resolution of a ticket already created. */
static void send_pending(void)
{
	if (cv.created_id != 0) {
		if (cv.resolving)
			send_resolve();
		else
			finish(cv.created_id, cv.created_key, false);
	} else {
		send_create();
	}
}

static bool blank(const char *s)
{
	while (*s == ' ' || *s == '\n')
		s++;
	return *s == '\0';
}

static void submit(void)
{
	if (cv.state == S_SAVING || cv.state == S_RESOLVING)
		return;
	if (blank(text_of(F_SUBJECT))) {
		snprintf(cv.error, sizeof(cv.error), "A subject is required");
		form_focus(&cv.fm, F_SUBJECT);
		return;
	}
	if (cv.requester_id == 0 && !blank(text_of(F_REQUESTER))) {
		snprintf(cv.error, sizeof(cv.error),
		         "Pick the caller from the list (Enter), or clear the field");
		form_focus(&cv.fm, F_REQUESTER);
		return;
	}
	if (cv.category_id == 0 && !blank(text_of(F_CATEGORY))) {
		snprintf(cv.error, sizeof(cv.error),
		         "Pick the category from the list (Enter), or clear the field");
		form_focus(&cv.fm, F_CATEGORY);
		return;
	}
	if (cv.resolving) {
		if (lists.nres == 0) {
			snprintf(cv.error, sizeof(cv.error),
			         "The resolution codes are not loaded yet; try again in a moment");
			load_lists();
			return;
		}
		if (blank(text_of(F_RESNOTE))) {
			snprintf(cv.error, sizeof(cv.error), "Say how it was resolved (Note)");
			form_focus(&cv.fm, F_RESNOTE);
			return;
		}
	}
	send_pending();
}

/* ---- keys ------------------------------------------------------------------------------------ */

static void text_changed(int field)
{
	switch (field) {
	case F_REQUESTER:
		update_requester_later();
		break;
	case F_CATEGORY:
		cv.category_id = 0;
		refilter_categories();
		break;
	case F_SUBJECT:
		update_similar_later();
		break;
	case F_QUEUE:
		cv.queue_touched = true;
		break;
	}
}

/* Keys the drop-downs take before the form: moving in the list, Enter to pick, Esc to
 * close the list rather than the whole form. */
static bool picker_keys(int type, wint_t ch)
{
	int focus = cv.fm.focus;
	struct picker *p = focus == F_REQUESTER ? &cv.rp : &cv.cp;
	bool shown = focus == F_REQUESTER ? requester_list_shown() : category_list_shown();

	if (!shown)
		return false;
	if (picker_key(p, type, ch))
		return true;
	if (key_is_enter(type, ch)) {
		if (focus == F_REQUESTER)
			requester_enter();
		else
			pick_category();
		return true;
	}
	if (key_is(type, ch, KEY_ESCAPE) && te_chars(&fld(focus)->te) > 0) {
		te_set(&fld(focus)->te, "");
		text_changed(focus);
		return true;
	}
	return false;
}

static bool create_key(int type, wint_t ch)
{
	int focus;

	if (!cv.open)
		return false;
	focus = cv.fm.focus;
	if (key_is(type, ch, KEY_CTRL('R')) || (focus == F_RESOLVE && key_is_enter(type, ch))) {
		set_resolving(!cv.resolving);
		return true;
	}
	/* The picked caller's tickets; the form stays as it is and q comes back to it. */
	if (key_fn(type, ch, KEY_F(2))) {
		if (cv.requester_id == 0)
			snprintf(cv.error, sizeof(cv.error),
			         "Pick a caller first: F2 lists their tickets");
		else
			view_queue_caller(cv.requester_id, text_of(F_REQUESTER), &view_create);
		return true;
	}
	if ((focus == F_REQUESTER || focus == F_CATEGORY) && picker_keys(type, ch))
		return true;
	/* One digit sets impact or urgency and goes on. */
	if ((focus == F_IMPACT || focus == F_URGENCY) && type == OK && ch >= '1' && ch <= '3') {
		fld(focus)->sel = (int)(ch - '1');
		form_focus(&cv.fm, focus + 1 == F_PRIORITY ? F_SUBJECT : focus + 1);
		return true;
	}
	switch (form_key(&cv.fm, type, ch)) {
	case FORM_SUBMIT:
		submit();
		return true;
	case FORM_CANCEL:
		if (te_chars(&fld(F_SUBJECT)->te) > 0 || te_chars(&fld(F_DESC)->te) > 0)
			app_status(false, "New ticket discarded");
		if (cv.created_id != 0)
			app_status(true, "%s was created and is left unresolved", cv.created_key);
		close_form();
		app_set_view(&view_queue);
		return true;
	case FORM_FULL:
		snprintf(cv.error, sizeof(cv.error), "That field is at its length limit");
		return true;
	case FORM_CHANGED:
		/* Typing again after an error means the message has been read. */
		if (cv.state == S_EDITING)
			cv.error[0] = '\0';
		text_changed(focus);
		return true;
	case FORM_MOVED:
		/* Entering the category field shows the whole list to choose from. */
		if (cv.fm.focus == F_CATEGORY && focus != F_CATEGORY && cv.category_id == 0)
			refilter_categories();
		return true;
	case FORM_UNUSED:
		break;
	}
	return false;
}

/* ---- drawing --------------------------------------------------------------------------------- */

/* "Similar resolved tickets": key and subject, then the code and the note's first line. */
static void draw_similar(struct rect r)
{
	int y = r.y;
	char head[96];

	if (r.h < 2 || r.w < 20)
		return;
	snprintf(head, sizeof(head), "Similar resolved tickets%s",
	         cv.sim_searching ? "  (searching)" : "");
	ui_put(y++, r.x, head, r.w, ui_attr(UI_TITLE));
	if (cv.nsim == 0) {
		const char *msg = cv.sim_done
		                      ? "None found for this subject"
		                      : "Type the subject to see how similar calls were solved";
		ui_put(y, r.x, msg, r.w, ui_attr(UI_LABEL));
		return;
	}
	for (size_t i = 0; i < cv.nsim && y + 1 < r.y + r.h; i++) {
		const struct similar *s = &cv.sim[i];
		int kw = ui_put(y, r.x, s->key, r.w, ui_attr(UI_TITLE));
		ui_put(y++, r.x + kw + 1, s->subject, r.w - kw - 1, A_NORMAL);
		char line[300];
		const char *note = s->note != NULL ? s->note : "";
		size_t nl = strcspn(note, "\n");
		snprintf(line, sizeof(line), "%s: %.*s", s->code != NULL ? s->code : "resolved",
		         (int)(nl < 250 ? nl : 250), note);
		ui_put(y++, r.x + 2, line, r.w - 2, ui_attr(UI_LABEL));
		if (r.h >= 16 && y < r.y + r.h)
			y++; /* room to breathe when there is room */
	}
}

static void draw_dropdown(struct picker *p, int field, int vx, struct rect body, int maxw,
                          const char *title)
{
	int fy = fld(field)->y;

	if (fy < 0)
		return;
	int below = body.y + body.h - (fy + 1);
	int h = picker_height(p, clampi(below - 2, 1, PICK_ROWS));
	if (h == 0 || below < 3)
		return;
	int w = clampi(body.x + body.w - vx, 20, maxw);
	picker_draw(p, (struct rect){fy + 1, vx - 1, h, w}, title);
}

static void create_draw(struct rect r)
{
	char buf[160];

	if (!cv.open)
		return;
	bool wide = r.w >= WIDE_COLS;
	int x = r.x + 2, w = r.w - 4, y = r.y;
	ui_put(y, x, cv.resolving ? "New ticket, resolved at first contact" : "New ticket", w,
	       ui_attr(UI_TITLE));
	y += 2;

	/* The description box takes whatever height is left over. */
	int fixed = 14 + (cv.resolving ? 1 + fld(F_RESNOTE)->rows : 0);
	fld(F_DESC)->rows = clampi(r.h - fixed - (wide ? 0 : 4), 1, wide ? 8 : 4);
	fld(F_RESNOTE)->rows = clampi(r.h - fixed - 2, 1, 3);
	int p = priority_default(fld(F_IMPACT)->sel + 1, fld(F_URGENCY)->sel + 1);
	snprintf(fld(F_PRIORITY)->info, sizeof(fld(F_PRIORITY)->info),
	         "P%d  (from impact and urgency)", p);
	int vw = wide ? 48 : 72;
	int vx = x + cv.fm.label_w + 1;
	int used = form_draw(&cv.fm, (struct rect){y, x, r.y + r.h - y - 1, w}, vw);
	int vend = vx + (w - cv.fm.label_w - 1 < vw ? w - cv.fm.label_w - 1 : vw);

	/* What was picked, beside its field. */
	if (wide && fld(F_REQUESTER)->y >= 0 && cv.rinfo[0] != '\0')
		ui_put(fld(F_REQUESTER)->y, vend + 2, cv.rinfo, x + w - vend - 2,
		       ui_attr(UI_LABEL));
	if (wide && fld(F_CATEGORY)->y >= 0 && cv.category_id != 0) {
		const struct category *c = category(cv.category_id);
		const struct queue_info *qi =
		    c != NULL && c->queue_id ? app_queue(c->queue_id) : NULL;
		if (qi != NULL) {
			snprintf(buf, sizeof(buf), "routes to %s", qi->name);
			ui_put(fld(F_CATEGORY)->y, vend + 2, buf, x + w - vend - 2,
			       ui_attr(UI_LABEL));
		}
	}

	/* Similar tickets beside the subject when wide, else under the form. */
	if (wide) {
		int sy = fld(F_SUBJECT)->y >= 0 ? fld(F_SUBJECT)->y : y;
		draw_similar((struct rect){sy, vend + 3, r.y + r.h - sy - 1, x + w - vend - 3});
	} else if (y + used + 3 < r.y + r.h) {
		draw_similar((struct rect){y + used + 1, x, r.y + r.h - (y + used + 1) - 1, w});
	}

	int ly = r.y + r.h - 1;
	if (cv.state == S_SAVING)
		snprintf(buf, sizeof(buf), "Saving%s", ui_ellipsis());
	else if (cv.state == S_RESOLVING)
		snprintf(buf, sizeof(buf), "Resolving %s%s", cv.created_key, ui_ellipsis());
	else
		buf[0] = '\0';
	const char *msg = cv.error[0] != '\0' ? cv.error : buf;
	if (msg[0] != '\0') {
		ui_fill(ly, x, w, A_NORMAL);
		ui_put(
		    ly, x, msg, w,
		    ui_attr(cv.state == S_SAVING || cv.state == S_RESOLVING ? UI_LABEL : UI_ERROR));
	}

	/* The drop-down of the field being typed in, over the fields below it. */
	struct rect body = {r.y, x, r.h - 1, w};
	if (requester_list_shown())
		draw_dropdown(&cv.rp, F_REQUESTER, vx, body, 96,
		              cv.rsearching ? " searching "
		                            : " callers: \xe2\x86\x91\xe2\x86\x93 Enter ");
	else if (category_list_shown())
		draw_dropdown(&cv.cp, F_CATEGORY, vx, body, 60,
		              " categories: \xe2\x86\x91\xe2\x86\x93 Enter ");
}

/* ---- view hooks ------------------------------------------------------------------------------ */

static void create_reload(bool current)
{
	/* The session is back: lists missed while offline, and a save that was pending goes
	 * out now with the same key. */
	lists.cats_loading = lists.res_loading = false;
	if (cv.open) {
		load_lists();
		if (current && cv.rretry && !cv.rcreating && cv.requester_id == 0)
			send_new_caller();
		if (current && cv.state == S_RETRY)
			send_pending();
	}
}

static void create_queues(void)
{
	if (!cv.open)
		return;
	int64_t keep = chosen_queue();
	build_queue_choices(keep != 0 ? keep : view_queue_queue_id());
}

static void create_fini(void)
{
	close_form();
	if (cv.rtimer != NULL)
		event_free(cv.rtimer);
	if (cv.stimer != NULL)
		event_free(cv.stimer);
	cv.rtimer = cv.stimer = NULL;
	free_lists();
}

const struct view view_create = {
    .title = "New ticket",
    .keys = create_keys,
    .draw = create_draw,
    .key = create_key,
    .reload = create_reload,
    .queues = create_queues,
    .fini = create_fini,
};
