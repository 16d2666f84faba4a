/* ticket-actions.c - the detail view's actions: one key each, a dialog, the server's word. */

/*
 * The actions form a table (key, permission, a check of the ticket's state, a start
 * function), the way tmux's commands do: the footer, the help overlay and the key dispatch all
 * read it, so the console offers exactly what the agent's role and the ticket's state allow.
 * The server still decides; its refusal is shown in the action's dialog, which stays open
 * with everything typed in it (across a resize or a lost connection) until the agent sends it
 * again or cancels.
 *
 * In a dialog with text to write (reply, note, question, answer, resolution) ^T opens a second
 * dialog over it: the canned responses by name, filtered by typing; Enter puts the chosen one's
 * body at the cursor. A command typed on the list (:escalate Network) opens the ticket and then
 * its dialog, with the group already chosen, once the ticket has loaded (actions_request).
 */
#include "ticket-actions.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dialog.h"
#include "keys.h"
#include "log.h"
#include "proto.h"
#include "ticket.h"
#include "util.h"

#define NPENDING    8    /* action requests awaiting replies */
#define MAX_MINUTES 1440 /* ticket.comment minutes: 0..1440 */
#define TKEY_MAX    32   /* a typed ticket key */
#define LIST_PAGES  20   /* ticket.list pages read when counting a problem's incidents */

/* What a request or a dialog is for. The first A_KEYS have keys of their own; the rest are
 * the steps that follow them. */
enum act {
	A_TAKE,
	A_ASSIGN,
	A_ESCALATE,
	A_STATUS,
	A_RESOLVE,
	A_REOPEN,
	A_REPLY,
	A_NOTE,
	A_QUESTION,
	A_ANSWER,
	A_RAISE,
	A_ACK,
	A_PRIORITY,
	A_MERGE,
	A_LINK,
	A_UNLINK,
	A_KEYS,
	A_FIND_MERGE = A_KEYS, /* ticket.get of the ticket to merge into */
	A_FIND_LINK,           /* ticket.get of the problem to link to */
	A_RESOLVE_TIME,        /* the minutes given with a resolution, as an internal note */
	A_COUNT_LINKED,        /* ticket.list pages: a resolved problem's open incidents */
	A_RESOLVE_LINKED,      /* problem.resolve_linked */
};

/* An action request awaiting its reply. Kept in a fixed table rather than allocated per
 * request: the connection drops its callbacks at exit without calling them. */
struct pending {
	uintptr_t seq; /* 0: free */
	enum act act;
	int64_t id;         /* the ticket acted on */
	char key[TKEY_MAX]; /* its key, for messages */
	char done[320];     /* the status line on success */
	char *text;         /* a later step's text (the resolution note; a typed key) */
	int64_t n;          /* a later step's number (minutes; a list offset) */
	int64_t count;      /* COUNT_LINKED: incidents found so far */
	bool problem;       /* RESOLVE: the ticket is a problem; offer its incidents next */
};

static struct pending pend[NPENDING];
static uintptr_t pend_seq;

/* The open dialog, at most one, always about the ticket shown. */
static struct {
	struct dialog *dlg;
	enum act act;
	int64_t version;   /* the version the change is based on; 0: the ticket's current one */
	uintptr_t wait;    /* the request it waits for, 0 if none */
	uintptr_t gen;     /* tells a list reply for this dialog from one for an older dialog */
	bool loaded;       /* its option list arrived */
	int f1, f2, f3;    /* its fields */
	int64_t target_id; /* RESOLVE_LINKED: the problem */
	char target_key[TKEY_MAX];

	/* ^T: the canned responses over the dialog. */
	struct dialog *canned;
	char **bodies; /* indexed by the options' ids */
	size_t nbodies;
	uintptr_t canned_gen;
	int canned_into; /* the field the body goes into */
} av;

/* An action asked for by a command, to start once its ticket is shown and loaded. */
static struct {
	int64_t id;    /* 0: none */
	int64_t until; /* monotonic ms: a ticket that takes longer (offline) no longer surprises */
	wint_t key;
	char choice[128];
} deferred;

#define DEFERRED_MS 10000

static int canned_field(void);

static const struct ticket *cur(void)
{
	return view_ticket_shown();
}

static int64_t cur_id(void)
{
	return view_ticket_id();
}

/* ---- what the agent may do ----------------------------------------------------------- */

static int my_role(void)
{
	return app.agent.role != NULL ? name_index(agent_role_names, app.agent.role) : -1;
}

static int status_of(const struct ticket *t)
{
	return name_index(ticket_status_names, t->status);
}

/* new, open, pending or on hold: the statuses in which a ticket is worked. */
static bool active(const struct ticket *t)
{
	int s = status_of(t);

	return s == TS_NEW || s == TS_OPEN || s == TS_PENDING || s == TS_ON_HOLD;
}

static bool final(const struct ticket *t)
{
	int s = status_of(t);

	return s == TS_CLOSED || s == TS_CANCELLED;
}

/* Why an action is not offered, for the status line when its key is pressed anyway. */
static char why_not[160];

static const char *because(const char *fmt, const struct ticket *t)
{
	snprintf(why_not, sizeof(why_not), fmt, t->status);
	return why_not;
}

static const char *blocked_take(const struct ticket *t)
{
	if (!active(t))
		return because("a %s ticket cannot be taken", t);
	if (t->assignee_id == app.agent.id)
		return "it is already yours";
	return NULL;
}

static const char *blocked_final(const struct ticket *t)
{
	return final(t) ? because("a %s ticket cannot change any more", t) : NULL;
}

/* Queues a ticket can go to: tier-2 groups from tier 1; from tier 2, back to a tier-1 queue
 * (hand-back) or on to another group. */
static bool escalation_target(const struct ticket *t, const struct queue_info *q)
{
	return q->id != t->queue_id && (q->tier == 2 || t->tier == 2);
}

static const char *blocked_escalate(const struct ticket *t)
{
	if (!active(t))
		return because("a %s ticket cannot be escalated", t);
	for (size_t i = 0; i < app.nqueues; i++)
		if (escalation_target(t, &app.queues[i]))
			return NULL;
	return app.nqueues == 0 ? "the queue list is not loaded yet"
	                        : "there is no queue to send it to";
}

/* Statuses the status dialog offers: the transition table's, less resolving (R asks for the
 * resolution) and less staying put. */
static bool status_target(const struct ticket *t, int to)
{
	return to != TS_RESOLVED && ticket_transition_allowed(status_of(t), to);
}

static const char *blocked_status(const struct ticket *t)
{
	for (int s = 0; s < TS_COUNT; s++)
		if (status_target(t, s))
			return NULL;
	return because("a %s ticket cannot change status", t);
}

static const char *blocked_resolve(const struct ticket *t)
{
	if (status_of(t) == TS_RESOLVED)
		return "it is already resolved";
	return ticket_transition_allowed(status_of(t), TS_RESOLVED)
	           ? NULL
	           : because("a %s ticket cannot be resolved", t);
}

static const char *blocked_reopen(const struct ticket *t)
{
	return status_of(t) == TS_RESOLVED ? NULL : "only a resolved ticket can be reopened";
}

static const char *blocked_question(const struct ticket *t)
{
	/* Questions go from the specialists to the service desk, never within it. */
	if (my_role() == ROLE_L1)
		return "L2 asks L1 questions, not L1 itself";
	if (t->question_open)
		return "a question is already open";
	return active(t) ? NULL : because("a %s ticket takes no questions", t);
}

static const char *blocked_answer(const struct ticket *t)
{
	return t->question_open ? NULL : "there is no open question";
}

static const char *blocked_raise(const struct ticket *t)
{
	if (final(t))
		return because("a %s ticket cannot be raised", t);
	return strcmp(t->raise_state, "raised") == 0 ? "it is already raised" : NULL;
}

static const char *blocked_ack(const struct ticket *t)
{
	return strcmp(t->raise_state, "raised") == 0 ? NULL : "it is not raised";
}

static const char *blocked_merge(const struct ticket *t)
{
	if (final(t))
		return because("a %s ticket cannot be merged", t);
	return t->merged_into != NULL ? "it was merged already" : NULL;
}

static const char *blocked_link(const struct ticket *t)
{
	if (strcmp(t->type, "problem") == 0)
		return "a problem is not linked to another problem";
	return blocked_final(t);
}

static const char *blocked_unlink(const struct ticket *t)
{
	return t->problem == NULL ? "it is not linked to a problem" : blocked_final(t);
}

static void start_take(void);
static void start_assign(void);
static void start_escalate(void);
static void start_status(void);
static void start_resolve(void);
static void start_reopen(void);
static void start_reply(void);
static void start_note(void);
static void start_question(void);
static void start_answer(void);
static void start_raise(void);
static void start_ack(void);
static void start_priority(void);
static void start_merge(void);
static void start_link(void);
static void start_unlink(void);

struct action {
	wint_t ch;
	const char *key;
	const char *what;
	enum perm perm;
	/* Why the ticket's state rules it out, or NULL when it does not. */
	const char *(*blocked)(const struct ticket *t);
	void (*start)(void);
};

/* Table order is footer order: the most common first, since a narrow footer cuts the tail. */
static const struct action actions[A_KEYS] = {
    [A_TAKE] = {'t', "t", "take", PERM_TICKET_TAKE, blocked_take, start_take},
    [A_ASSIGN] = {'a', "a", "assign", PERM_TICKET_ASSIGN, blocked_final, start_assign},
    [A_ESCALATE] = {'e', "e", "escalate", PERM_TICKET_ESCALATE, blocked_escalate, start_escalate},
    [A_STATUS] = {'s', "s", "status", PERM_TICKET_UPDATE, blocked_status, start_status},
    [A_RESOLVE] = {'R', "R", "resolve", PERM_TICKET_UPDATE, blocked_resolve, start_resolve},
    [A_REOPEN] = {'o', "o", "reopen", PERM_TICKET_UPDATE, blocked_reopen, start_reopen},
    [A_REPLY] = {'c', "c", "reply", PERM_TICKET_COMMENT, NULL, start_reply},
    [A_NOTE] = {'n', "n", "note", PERM_TICKET_COMMENT, NULL, start_note},
    [A_QUESTION] = {'Q', "Q", "ask L1", PERM_TICKET_COMMENT, blocked_question, start_question},
    [A_ANSWER] = {'w', "w", "answer", PERM_TICKET_COMMENT, blocked_answer, start_answer},
    [A_RAISE] = {'r', "r", "raise", PERM_TICKET_COMMENT, blocked_raise, start_raise},
    [A_ACK] = {'K', "K", "acknowledge", PERM_TICKET_ACK, blocked_ack, start_ack},
    [A_PRIORITY] = {'P', "P", "priority", PERM_TICKET_ACK, blocked_final, start_priority},
    [A_MERGE] = {'m', "m", "merge", PERM_TICKET_MERGE, blocked_merge, start_merge},
    [A_LINK] = {'l', "l", "link problem", PERM_TICKET_MERGE, blocked_link, start_link},
    [A_UNLINK] = {'L', "L", "unlink", PERM_TICKET_MERGE, blocked_unlink, start_unlink},
};

static bool offered(const struct action *a, const struct ticket *t)
{
	return role_may(my_role(), a->perm) && (a->blocked == NULL || a->blocked(t) == NULL);
}

static void run_action(const struct action *a)
{
	const char *why;

	if (cur() == NULL) {
		app_status(true, "The ticket is not loaded yet");
	} else if (!role_may(my_role(), a->perm)) {
		app_status(true, "Not available: role %s may not %s", app.agent.role,
		           perm_names[a->perm]);
	} else if (a->blocked != NULL && (why = a->blocked(cur())) != NULL) {
		app_status(true, "Not available for %s: %s", cur()->key, why);
	} else {
		a->start();
	}
}

bool actions_dialog_open(void)
{
	return av.dlg != NULL;
}

bool actions_dialog_keyhelp(struct keyhelp *out, size_t max)
{
	size_t n = 0;

	if (av.dlg == NULL)
		return false;
	if (av.canned != NULL) {
		dialog_keyhelp(av.canned, out, max);
		return true;
	}
	dialog_keyhelp(av.dlg, out, max);
	if (canned_field() < 0)
		return true;
	while (out[n].key != NULL)
		n++;
	if (n + 2 <= max) {
		/* Into the footer after Enter or ^S: a narrow footer cuts the tail first. */
		size_t at = n > 2 ? 2 : n;
		memmove(&out[at + 1], &out[at], (n + 1 - at) * sizeof(*out));
		out[at] = (struct keyhelp){"^T", "canned", true};
	}
	return true;
}

size_t actions_offered(struct keyhelp *out, size_t max)
{
	const struct ticket *t = cur();
	size_t n = 0;

	for (size_t i = 0; t != NULL && i < A_KEYS && n < max; i++) {
		const struct action *a = &actions[i];
		if (!offered(a, t))
			continue;
		const char *what = i == A_ESCALATE && t->tier > 1 ? "hand back" : a->what;
		out[n++] = (struct keyhelp){a->key, what, true};
	}
	return n;
}

/* ---- requests ------------------------------------------------------------------------ */

static void pend_done(struct pending *p)
{
	free(p->text);
	memset(p, 0, sizeof(*p));
}

static struct pending *pend_new(enum act a)
{
	struct pending *p = NULL;

	for (size_t i = 0; i < NPENDING && p == NULL; i++)
		if (pend[i].seq == 0)
			p = &pend[i];
	if (p == NULL) {
		/* Eight at once is far beyond any typist: forget the oldest (its reply is then
		 * ignored; the pushes still show what it did). */
		p = &pend[0];
		for (size_t i = 1; i < NPENDING; i++)
			if (pend[i].seq < p->seq)
				p = &pend[i];
		pend_done(p);
	}
	p->seq = ++pend_seq;
	p->act = a;
	p->id = cur_id();
	snprintf(p->key, sizeof(p->key), "%s", cur() != NULL ? cur()->key : "");
	return p;
}

static void action_reply(const msgpack_object *r, void *arg);

/* Begin an action's request. NULL when offline (the caller then sends nothing). */
static msgpack_packer *req_begin(struct pending **pp, enum act a, const char *op, size_t nargs)
{
	if (!app_online()) {
		*pp = NULL;
		if (av.dlg != NULL)
			dialog_error(
			    av.dlg,
			    "Offline: nothing was sent. What you typed is kept; press %s again "
			    "once the connection is back",
			    dialog_ok_label(av.dlg));
		else
			app_status(true, "Offline: nothing was sent");
		return NULL;
	}
	*pp = pend_new(a);
	return conn_begin(app.conn, op, nargs, action_reply, (void *)(*pp)->seq);
}

/* Send it; the open dialog (if attach) shows it is waiting. */
static void req_end(struct pending *p, bool attach)
{
	if (conn_end(app.conn) == 0) {
		pend_done(p);
		if (av.dlg != NULL && attach)
			dialog_error(av.dlg,
			             "Not connected: nothing was sent; what you typed is kept");
		else
			app_status(true, "Not connected: nothing was sent");
		return;
	}
	if (av.dlg != NULL && attach) {
		av.wait = p->seq;
		dialog_busy(av.dlg, true);
	}
}

/* The version a change is based on: the one the dialog was opened on, so that a change
 * made by someone else meanwhile is reported rather than silently overwritten. */
static int64_t base_version(void)
{
	return av.dlg != NULL && av.version > 0 ? av.version : cur()->version;
}

static void send_comment(enum act a, const char *kind, const char *body, bool has_minutes,
                         int64_t minutes, const char *done, bool attach)
{
	struct pending *p;
	msgpack_packer *pk = req_begin(&p, a, "ticket.comment", has_minutes ? 4 : 3);

	if (pk == NULL)
		return;
	pk_kint(pk, "id", cur_id());
	pk_kstr(pk, "kind", kind);
	pk_kstr(pk, "body", body);
	if (has_minutes)
		pk_kint(pk, "minutes", minutes);
	snprintf(p->done, sizeof(p->done), "%s", done);
	req_end(p, attach);
}

static void send_count_linked(int64_t id, const char *key, int64_t offset, int64_t count)
{
	struct pending *p;
	msgpack_packer *pk = req_begin(&p, A_COUNT_LINKED, "ticket.list", 4);

	if (pk == NULL)
		return;
	pk_kbool(pk, "open", true);
	pk_kstr(pk, "sort", "key");
	pk_kint(pk, "limit", PROTO_LIST_MAX);
	pk_kint(pk, "offset", offset);
	p->id = id;
	snprintf(p->key, sizeof(p->key), "%s", key);
	p->n = offset;
	p->count = count;
	req_end(p, false);
}

/* ---- dialogs ------------------------------------------------------------------------- */

static void close_canned(void)
{
	dialog_free(av.canned);
	av.canned = NULL;
	for (size_t i = 0; i < av.nbodies; i++)
		free(av.bodies[i]);
	free(av.bodies);
	av.bodies = NULL;
	av.nbodies = 0;
}

static void close_dialog(void)
{
	close_canned();
	dialog_free(av.dlg);
	av.dlg = NULL;
	av.wait = 0;
	av.loaded = false;
}

static struct dialog *open_dialog(enum act a, const char *ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static struct dialog *open_dialog(enum act a, const char *ok, const char *fmt, ...)
{
	char title[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	close_dialog();
	av.dlg = dialog_new(title);
	dialog_buttons(av.dlg, ok, "Cancel");
	av.act = a;
	av.version = cur()->version;
	av.gen++;
	av.f1 = av.f2 = av.f3 = -1;
	app_redraw();
	return av.dlg;
}

/* A yes / no question. */
static struct dialog *open_confirm(enum act a, const char *title, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static struct dialog *open_confirm(enum act a, const char *title, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct dialog *d = open_dialog(a, "Yes", "%s", title);
	dialog_buttons(d, "Yes", "No");
	dialog_message(d, "%s", msg);
	return d;
}

/* Option lists that come from the server (agents, resolution codes); asked for again after
 * a reconnect if they had not arrived. */
static void list_reply(const msgpack_object *r, void *arg);

static void load_lists(void)
{
	const char *op = av.act == A_ASSIGN    ? "agent.list"
	                 : av.act == A_RESOLVE ? "resolution.list"
	                                       : NULL;

	if (av.dlg == NULL || av.loaded || op == NULL)
		return;
	if (!app_online()) {
		dialog_empty_text(av.dlg, av.f1, "Offline: loaded once the connection is back");
		return;
	}
	conn_begin(app.conn, op, 0, list_reply, (void *)av.gen);
	conn_end(app.conn);
}

static void list_reply(const msgpack_object *r, void *arg)
{
	char why[256];

	if (av.dlg == NULL || (uintptr_t)arg != av.gen || r == NULL)
		return;
	if (!reply_ok(r)) {
		reply_error_text(r, why, sizeof(why));
		dialog_empty_text(av.dlg, av.f1, why);
		app_redraw();
		return;
	}
	av.loaded = true;
	if (av.act == A_ASSIGN) {
		const msgpack_object *arr = mp_get(r, "agents");
		for (uint32_t i = 0;
		     arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY && i < arr->via.array.size;
		     i++) {
			struct agent a;
			if (!agent_parse(&arr->via.array.ptr[i], &a))
				continue;
			/* Administrators configure the desk; they do not work tickets. */
			if (strcmp(a.role, "admin") != 0) {
				char label[300];
				snprintf(label, sizeof(label), "%s %s %s (%s)%s", a.login,
				         ui_dash(), a.name, a.role,
				         a.id == app.agent.id ? ", you" : "");
				dialog_option(av.dlg, av.f1, label, a.login, a.id);
			}
			agent_clear(&a);
		}
		if (cur() != NULL && cur()->assignee_id != 0)
			dialog_option(av.dlg, av.f1, "(nobody: unassign)", NULL, -1);
		dialog_empty_text(av.dlg, av.f1, "No agents");
	} else if (av.act == A_RESOLVE) {
		const msgpack_object *arr = mp_get(r, "codes");
		for (uint32_t i = 0;
		     arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY && i < arr->via.array.size;
		     i++) {
			char *code = mp_strdup(mp_get(&arr->via.array.ptr[i], "code"));
			char *label = mp_strdup(mp_get(&arr->via.array.ptr[i], "label"));
			if (code != NULL)
				dialog_option(av.dlg, av.f1, label != NULL ? label : code, code, 0);
			free(code);
			free(label);
		}
		/* The usual outcome, preselected. */
		dialog_select(av.dlg, av.f1, "fixed");
		dialog_empty_text(av.dlg, av.f1, "No resolution codes");
	}
	app_redraw();
}

static void start_take(void)
{
	struct pending *p;
	msgpack_packer *pk = req_begin(&p, A_TAKE, "ticket.take", 2);

	if (pk == NULL)
		return;
	pk_kint(pk, "id", cur_id());
	pk_kint(pk, "version", cur()->version);
	snprintf(p->done, sizeof(p->done), "Took %s", cur()->key);
	req_end(p, false);
}

static void start_assign(void)
{
	struct dialog *d = open_dialog(A_ASSIGN, "Assign", "Assign %s", cur()->key);

	dialog_message(d, "Assigned to %s now. Type to filter the agents.",
	               cur()->assignee[0] != '\0' ? cur()->assignee : "nobody");
	av.f1 = dialog_list(d, "Agent", 8);
	dialog_empty_text(d, av.f1, ui_utf8 ? "Loading\xe2\x80\xa6" : "Loading...");
	load_lists();
}

static void start_escalate(void)
{
	const struct ticket *t = cur();
	bool from2 = t->tier > 1;
	struct dialog *d = open_dialog(A_ESCALATE, from2 ? "Send" : "Escalate",
	                               from2 ? "Hand back or transfer %s" : "Escalate %s", t->key);

	if (from2)
		dialog_message(d,
		               "Hand %s back to a tier-1 queue (its owner %s gets it again), or "
		               "transfer it to another group.",
		               t->key, t->owner[0] != '\0' ? t->owner : "nobody");
	else
		dialog_message(
		    d,
		    "Send %s from %s to a tier-2 group: the group takes it from its queue, "
		    "and %s stays the owner.",
		    t->key, t->queue, t->owner[0] != '\0' ? t->owner : "the owner");
	av.f1 = dialog_list(d, "Group", 6);
	/* Hand-back targets first: from tier 2 that is the usual way. */
	for (int pass = 1; pass <= 2; pass++) {
		for (size_t i = 0; i < app.nqueues; i++) {
			const struct queue_info *q = &app.queues[i];
			if (q->tier != pass || !escalation_target(t, q))
				continue;
			char label[256];
			snprintf(label, sizeof(label), "%s%s", q->name,
			         q->tier == 1 ? " (hand back)" : "");
			dialog_option(d, av.f1, label, q->name, q->id);
		}
	}
	av.f2 = dialog_text(d, "Reason", LIMIT_NOTE, true);
	av.f3 = dialog_multi(d, "Tried", LIMIT_NOTE, 3, false);
}

static void start_status(void)
{
	static const char *const meaning[TS_COUNT] = {
	    [TS_NEW] = "nobody has worked it yet",
	    [TS_OPEN] = "being worked",
	    [TS_PENDING] = "waiting for the requester",
	    [TS_ON_HOLD] = "waiting for a third party",
	    [TS_RESOLVED] = "fixed",
	    [TS_CLOSED] = "final",
	    [TS_CANCELLED] = "withdrawn or registered in error",
	};
	const struct ticket *t = cur();
	struct dialog *d = open_dialog(A_STATUS, "Change", "Status of %s", t->key);
	int now = status_of(t);

	dialog_message(d, "Now %s.%s", t->status,
	               ticket_transition_allowed(now, TS_RESOLVED) ? " To resolve it, use R." : "");
	av.f1 = dialog_list(d, "Status", TS_COUNT);
	for (int s = 0; s < TS_COUNT; s++) {
		if (!status_target(t, s))
			continue;
		char label[128];
		snprintf(label, sizeof(label), "%s %s %s%s", ticket_status_names[s], ui_dash(),
		         meaning[s], now == TS_RESOLVED && s == TS_OPEN ? " (reopen)" : "");
		dialog_option(d, av.f1, label, ticket_status_names[s], 0);
	}
}

static void start_resolve(void)
{
	struct dialog *d = open_dialog(A_RESOLVE, "Resolve", "Resolve %s", cur()->key);

	dialog_message(d, "How it was fixed, for the requester and the next agent.%s",
	               strcmp(cur()->type, "problem") == 0
	                   ? " Its linked incidents can be resolved with it afterwards."
	                   : "");
	av.f1 = dialog_list(d, "Code", 7);
	dialog_empty_text(d, av.f1, ui_utf8 ? "Loading\xe2\x80\xa6" : "Loading...");
	av.f2 = dialog_multi(d, "Note", LIMIT_NOTE, 3, true);
	av.f3 = dialog_number(d, "Minutes", 0, MAX_MINUTES);
	load_lists();
}

static void start_reopen(void)
{
	open_confirm(A_REOPEN, "Reopen",
	             "Reopen %s? Its resolution (%s) is cleared; the history keeps it.", cur()->key,
	             cur()->resolution_code != NULL ? cur()->resolution_code : "none");
}

static void start_comment(enum act a, const char *ok, const char *title, const char *message)
{
	struct dialog *d = open_dialog(a, ok, "%s %s", title, cur()->key);

	dialog_message(d, "%s", message);
	av.f1 = dialog_multi(d, "Text", LIMIT_DESCRIPTION, 5, true);
	av.f2 = dialog_number(d, "Minutes", 0, MAX_MINUTES);
}

static void start_reply(void)
{
	start_comment(A_REPLY, "Send", "Reply on", "Public: the requester sees it.");
}

static void start_note(void)
{
	start_comment(A_NOTE, "Add", "Note on", "Internal: only agents see it.");
}

static void start_question(void)
{
	start_comment(A_QUESTION, "Ask", "Ask L1 about",
	              "The ticket shows an open question until the service desk answers it.");
}

static void start_answer(void)
{
	const char *q = view_ticket_question();
	char *msg = xasprintf("Q: %s", q != NULL ? q : "(not loaded)");
	start_comment(A_ANSWER, "Answer", "Answer on", msg);
	free(msg);
}

static void start_raise(void)
{
	struct dialog *d = open_dialog(A_RAISE, "Raise", "Raise %s to supervisors", cur()->key);

	dialog_message(d, "For what needs a supervisor: a complaint, a breach, a blocker.");
	av.f1 = dialog_text(d, "Reason", LIMIT_NOTE, true);
}

static void start_ack(void)
{
	struct dialog *d = open_dialog(A_ACK, "Acknowledge", "Acknowledge %s", cur()->key);

	dialog_message(d, "Raised: %s", cur()->raise_reason != NULL ? cur()->raise_reason : "");
	av.f1 = dialog_text(d, "Note", LIMIT_NOTE, false);
}

/* A supervisor's override of the computed priority, or its removal ("computed"). */
static void start_priority(void)
{
	struct dialog *d = open_dialog(A_PRIORITY, "Set", "Priority of %s", cur()->key);
	static const char *const names[] = {"P1", "P2", "P3", "P4"};

	dialog_message(d, "Now P%d%s. Impact and urgency no longer move an overridden priority.",
	               cur()->priority, cur()->priority_override ? " (overridden)" : "");
	av.f1 = dialog_list(d, "Priority", 5);
	for (int i = 0; i < 4; i++)
		dialog_option(d, av.f1, names[i], names[i], i + 1);
	dialog_option(d, av.f1, "computed (impact x urgency)", "computed", 0);
	dialog_select(
	    d, av.f1,
	    names[cur()->priority >= 1 && cur()->priority <= 4 ? cur()->priority - 1 : 3]);
	av.f2 = dialog_text(d, "Reason", LIMIT_NOTE, false);
	dialog_focus(d, av.f1);
}

static void start_merge(void)
{
	struct dialog *d = open_dialog(A_MERGE, "Merge", "Merge %s", cur()->key);

	dialog_message(d,
	               "%s duplicates which ticket? It is closed as a duplicate pointing there; "
	               "its history stays.",
	               cur()->key);
	av.f1 = dialog_text(d, "Into", TKEY_MAX - 1, true);
}

static void start_link(void)
{
	struct dialog *d = open_dialog(A_LINK, "Link", "Link %s to a problem", cur()->key);

	dialog_message(d, "The problem ticket's key; resolving the problem can then resolve this.");
	av.f1 = dialog_text(d, "Problem", TKEY_MAX - 1, true);
}

static void start_unlink(void)
{
	open_confirm(A_UNLINK, "Unlink", "Unlink %s from problem %s?", cur()->key, cur()->problem);
}

/* "hd-1042 " -> "HD-1042"; bare digits get this desk's prefix: "1042" -> "HD-1042". */
static void normalize_key(const char *in, char *out, size_t len)
{
	size_t n, plen = 0;
	bool digits = true;

	while (*in == ' ')
		in++;
	n = strlen(in);
	while (n > 0 && in[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < n; i++)
		digits = digits && in[i] >= '0' && in[i] <= '9';
	const char *dash = cur() != NULL ? strchr(cur()->key, '-') : NULL;
	if (digits && n > 0 && dash != NULL)
		plen = (size_t)(dash - cur()->key) + 1;
	snprintf(out, len, "%.*s%.*s", (int)plen, plen > 0 ? cur()->key : "", (int)n, in);
	for (char *c = out; *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
}

static void find_ticket(enum act a, const char *typed)
{
	char key[TKEY_MAX];
	struct pending *p;

	normalize_key(typed, key, sizeof(key));
	msgpack_packer *pk = req_begin(&p, a, "ticket.get", 1);
	if (pk == NULL)
		return;
	pk_kstr(pk, "key", key);
	p->text = xstrdup(key);
	req_end(p, true);
}

/* OK in the dialog: every field passed the dialog's own checks. */
static void submit_dialog(void)
{
	struct dialog *d = av.dlg;
	const struct ticket *t = cur();
	struct pending *p;
	msgpack_packer *pk;
	int64_t minutes = 0, v = base_version();
	bool has_minutes;
	const char *name;

	switch (av.act) {
	case A_ASSIGN: {
		int64_t who = dialog_sel_id(d, av.f1);
		if ((pk = req_begin(&p, A_ASSIGN, "ticket.update", 3)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		if (who > 0) {
			pk_kint(pk, "assignee_id", who);
			snprintf(p->done, sizeof(p->done), "Assigned %s to %s", t->key,
			         dialog_sel_name(d, av.f1));
		} else {
			pk_knil(pk, "assignee_id");
			snprintf(p->done, sizeof(p->done), "Unassigned %s", t->key);
		}
		req_end(p, true);
		return;
	}
	case A_ESCALATE: {
		const struct queue_info *q = app_queue(dialog_sel_id(d, av.f1));
		if ((pk = req_begin(&p, A_ESCALATE, "ticket.escalate", 5)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		pk_kint(pk, "queue_id", dialog_sel_id(d, av.f1));
		pk_kstr(pk, "reason", dialog_str(d, av.f2));
		pk_kstr(pk, "tried", dialog_str(d, av.f3));
		name = dialog_sel_name(d, av.f1);
		if (q != NULL && q->tier == 1 && t->tier > 1)
			snprintf(p->done, sizeof(p->done), "Handed %s back to %s", t->key, name);
		else
			snprintf(p->done, sizeof(p->done), "Escalated %s to %s", t->key, name);
		req_end(p, true);
		return;
	}
	case A_STATUS:
		name = dialog_sel_name(d, av.f1);
		if ((pk = req_begin(&p, A_STATUS, "ticket.update", 3)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		pk_kstr(pk, "status", name);
		snprintf(p->done, sizeof(p->done), "%s is now %s", t->key, name);
		req_end(p, true);
		return;
	case A_RESOLVE:
		name = dialog_sel_name(d, av.f1);
		if ((pk = req_begin(&p, A_RESOLVE, "ticket.update", 5)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		pk_kstr(pk, "status", "resolved");
		pk_kstr(pk, "resolution_code", name);
		pk_kstr(pk, "resolution_note", dialog_str(d, av.f2));
		snprintf(p->done, sizeof(p->done), "Resolved %s (%s)", t->key, name);
		/* ticket.update has no minutes: they follow as an internal note. */
		if (dialog_int(d, av.f3, &minutes) && minutes > 0) {
			p->n = minutes;
			p->text = xasprintf("Resolved (%s): %s", name, dialog_str(d, av.f2));
		}
		p->problem = strcmp(t->type, "problem") == 0;
		req_end(p, true);
		return;
	case A_REOPEN:
		if ((pk = req_begin(&p, A_REOPEN, "ticket.update", 3)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		pk_kstr(pk, "status", "open");
		snprintf(p->done, sizeof(p->done), "Reopened %s", t->key);
		req_end(p, true);
		return;
	case A_REPLY:
	case A_NOTE:
	case A_QUESTION:
	case A_ANSWER: {
		static const char *const kinds[] = {[A_REPLY] = "reply",
		                                    [A_NOTE] = "note",
		                                    [A_QUESTION] = "question",
		                                    [A_ANSWER] = "answer"};
		static const char *const dones[] = {[A_REPLY] = "Replied on %s",
		                                    [A_NOTE] = "Added a note to %s",
		                                    [A_QUESTION] = "Asked L1 on %s",
		                                    [A_ANSWER] = "Answered the question on %s"};
		char done[256];
		int k = snprintf(done, sizeof(done), dones[av.act], t->key);
		has_minutes = dialog_int(d, av.f2, &minutes);
		if (has_minutes && minutes > 0 && k > 0 && (size_t)k < sizeof(done))
			snprintf(done + k, sizeof(done) - (size_t)k, " (%lld min)",
			         (long long)minutes);
		send_comment(av.act, kinds[av.act], dialog_str(d, av.f1), has_minutes, minutes,
		             done, true);
		return;
	}
	case A_RAISE:
		if ((pk = req_begin(&p, A_RAISE, "ticket.raise", 3)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		pk_kstr(pk, "reason", dialog_str(d, av.f1));
		snprintf(p->done, sizeof(p->done), "Raised %s to supervisors", t->key);
		req_end(p, true);
		return;
	case A_ACK: {
		bool note = dialog_str(d, av.f1)[0] != '\0';
		if ((pk = req_begin(&p, A_ACK, "ticket.ack", note ? 3 : 2)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		if (note)
			pk_kstr(pk, "note", dialog_str(d, av.f1));
		snprintf(p->done, sizeof(p->done), "Acknowledged %s", t->key);
		req_end(p, true);
		return;
	}
	case A_PRIORITY: {
		int64_t pri = dialog_sel_id(d, av.f1);
		if (pri != 0 && dialog_str(d, av.f2)[0] == '\0') {
			dialog_error(d, "Overriding the priority needs a reason");
			return;
		}
		if ((pk = req_begin(&p, A_PRIORITY, "ticket.set_priority", 4)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		pk_str(pk, "priority");
		if (pri == 0)
			msgpack_pack_nil(pk);
		else
			msgpack_pack_int64(pk, pri);
		pk_kstr(pk, "reason", dialog_str(d, av.f2));
		if (pri == 0)
			snprintf(p->done, sizeof(p->done), "%s back to its computed priority",
			         t->key);
		else
			snprintf(p->done, sizeof(p->done), "%s set to P%lld", t->key,
			         (long long)pri);
		req_end(p, true);
		return;
	}
	case A_MERGE:
		find_ticket(A_FIND_MERGE, dialog_str(d, av.f1));
		return;
	case A_LINK:
		find_ticket(A_FIND_LINK, dialog_str(d, av.f1));
		return;
	case A_UNLINK:
		if ((pk = req_begin(&p, A_UNLINK, "ticket.link", 3)) == NULL)
			return;
		pk_kint(pk, "id", cur_id());
		pk_kint(pk, "version", v);
		pk_knil(pk, "problem_id");
		snprintf(p->done, sizeof(p->done), "Unlinked %s from %s", t->key,
		         t->problem != NULL ? t->problem : "its problem");
		req_end(p, true);
		return;
	case A_RESOLVE_LINKED:
		if ((pk = req_begin(&p, A_RESOLVE_LINKED, "problem.resolve_linked", 1)) == NULL)
			return;
		pk_kint(pk, "id", av.target_id);
		p->id = av.target_id;
		snprintf(p->key, sizeof(p->key), "%s", av.target_key);
		req_end(p, true);
		return;
	case A_TAKE:
	case A_KEYS:
	case A_FIND_LINK:
	case A_RESOLVE_TIME:
	case A_COUNT_LINKED:
		break;
	}
	log_error("no dialog for action %d", (int)av.act);
	close_dialog();
}

/* ---- replies ------------------------------------------------------------------------- */

/* A lookup by key for merge or link found its ticket: do the action itself. */
static void found(const struct pending *p, const msgpack_object *r, bool mine)
{
	struct ticket *other = ticket_parse(mp_get(r, "ticket"));
	struct pending *q;
	msgpack_packer *pk;

	if (!mine) {
		/* The dialog was cancelled during the look-up: do not act on it. */
		ticket_free(other);
		return;
	}
	/* mine: the dialog is still open, so the view still shows ticket p->id. */
	if (other == NULL || cur() == NULL) {
		dialog_error(av.dlg, "The server sent an unreadable ticket");
	} else if (other->id == cur_id()) {
		dialog_error(av.dlg, "That is %s itself", cur()->key);
	} else if (p->act == A_FIND_LINK && strcmp(other->type, "problem") != 0) {
		dialog_error(av.dlg, "%s is not a problem ticket (type: %s)", other->key,
		             type_label(other->type));
	} else if (p->act == A_FIND_MERGE) {
		if ((pk = req_begin(&q, A_MERGE, "ticket.merge", 3)) != NULL) {
			pk_kint(pk, "id", cur_id());
			pk_kint(pk, "version", base_version());
			pk_kint(pk, "into_id", other->id);
			snprintf(q->done, sizeof(q->done), "Merged %s into %s", cur()->key,
			         other->key);
			req_end(q, true);
		}
	} else {
		if ((pk = req_begin(&q, A_LINK, "ticket.link", 3)) != NULL) {
			pk_kint(pk, "id", cur_id());
			pk_kint(pk, "version", base_version());
			pk_kint(pk, "problem_id", other->id);
			snprintf(q->done, sizeof(q->done), "Linked %s to problem %s", cur()->key,
			         other->key);
			req_end(q, true);
		}
	}
	ticket_free(other);
}

/* A page of open tickets: count the ones linked to the problem just resolved. */
static void counted(const struct pending *p, const msgpack_object *r)
{
	const msgpack_object *arr = mp_get(r, "tickets"), *total = mp_get(r, "total");
	int64_t count = p->count, got = 0;

	for (uint32_t i = 0;
	     arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY && i < arr->via.array.size;
	     i++, got++) {
		struct ticket *t = ticket_parse(&arr->via.array.ptr[i]);
		if (t != NULL && t->problem != NULL && strcmp(t->problem, p->key) == 0)
			count++;
		ticket_free(t);
	}
	int64_t next = p->n + got;
	if (got > 0 && mp_is_int(total) && next < mp_int(total) &&
	    next < (int64_t)LIST_PAGES * PROTO_LIST_MAX) {
		send_count_linked(p->id, p->key, next, count);
		return;
	}
	if (count == 0)
		return;
	if (app.view != &view_ticket || cur_id() != p->id || av.dlg != NULL || cur() == NULL) {
		/* The agent has moved on; do not pop a question up somewhere else. */
		app_status(false, "%s: %lld linked incident%s still open", p->key, (long long)count,
		           count == 1 ? "" : "s");
		return;
	}
	open_confirm(A_RESOLVE_LINKED, "Linked incidents",
	             "%s is resolved. Resolve %lld linked incident%s too, with the same "
	             "resolution? y/n",
	             p->key, (long long)count, count == 1 ? "" : "s");
	av.target_id = p->id;
	snprintf(av.target_key, sizeof(av.target_key), "%s", p->key);
}

static void succeeded(struct pending *p, const msgpack_object *r, bool mine)
{
	switch (p->act) {
	case A_FIND_MERGE:
	case A_FIND_LINK:
		found(p, r, mine);
		return;
	case A_COUNT_LINKED:
		counted(p, r);
		return;
	case A_RESOLVE_LINKED: {
		const msgpack_object *n = mp_get(r, "resolved");
		long long k = mp_is_int(n) ? (long long)mp_int(n) : 0;
		if (mine)
			close_dialog();
		app_status(false, "Resolved %lld linked incident%s of %s", k, k == 1 ? "" : "s",
		           p->key);
		return;
	}
	default:
		break;
	}
	if (p->id == cur_id())
		view_ticket_adopt(ticket_parse(mp_get(r, "ticket")));
	if (p->act == A_RESOLVE && p->n > 0 && p->text != NULL) {
		/* Resolved; the time goes on record next, and the dialog (if still open) waits
		 * for that. Its reply finishes the job: status line, linked incidents. */
		struct pending *q;
		msgpack_packer *pk = req_begin(&q, A_RESOLVE_TIME, "ticket.comment", 4);
		if (pk != NULL) {
			pk_kint(pk, "id", p->id);
			pk_kstr(pk, "kind", "note");
			pk_kstr(pk, "body", p->text);
			pk_kint(pk, "minutes", p->n);
			snprintf(q->done, sizeof(q->done), "%.280s, %lld min recorded", p->done,
			         (long long)p->n);
			q->problem = p->problem;
			req_end(q, mine);
		}
		if (pk != NULL && q->seq != 0) {
			if (!mine)
				app_status(false, "%s", p->done);
			return;
		}
		if (mine)
			close_dialog();
		app_status(true, "%s, but the %lld min were not recorded: not connected", p->done,
		           (long long)p->n);
		return;
	}
	if (mine)
		close_dialog();
	app_status(false, "%s", p->done);
	if ((p->act == A_RESOLVE || p->act == A_RESOLVE_TIME) && p->problem)
		send_count_linked(p->id, p->key, 0, 0);
}

static void failed(const struct pending *p, const msgpack_object *r, bool mine)
{
	char why[300];

	reply_error_text(r, why, sizeof(why));
	if (reply_error_code(r) == E_STALE_VERSION) {
		/* Someone else changed it. Show what it is now; a second OK applies the change
		 * on top, knowingly. */
		struct ticket *t = ticket_parse(mp_get(r, "ticket"));
		if (mine)
			av.version = t != NULL ? t->version : 0;
		if (p->id == cur_id())
			view_ticket_adopt(t);
		else
			ticket_free(t);
		if (mine)
			dialog_error(av.dlg,
			             "Changed meanwhile %s reloaded. Check it, then %s again",
			             ui_dash(), dialog_ok_label(av.dlg));
		else
			app_status(true, "%s changed meanwhile %s reloaded; nothing was done",
			           p->key, ui_dash());
		return;
	}
	if (p->act == A_RESOLVE_TIME) {
		if (mine)
			close_dialog();
		app_status(true, "Resolved %s, but the time was not recorded: %s", p->key, why);
		return;
	}
	if (p->act == A_COUNT_LINKED) {
		log_warn("counting the incidents linked to %s: %s", p->key, why);
		return;
	}
	if (p->id == cur_id())
		view_ticket_adopt(NULL); /* whatever the refusal, show the ticket as it is */
	if (mine && (p->act == A_FIND_MERGE || p->act == A_FIND_LINK))
		dialog_error(av.dlg, "%s: %s", p->text != NULL ? p->text : "", why);
	else if (mine)
		dialog_error(av.dlg, "%s", why);
	else
		app_status(true, "%s: %s", p->key, why);
}

static void action_reply(const msgpack_object *r, void *arg)
{
	struct pending *slot = NULL, p;

	for (size_t i = 0; i < NPENDING && slot == NULL; i++)
		if (pend[i].seq == (uintptr_t)arg)
			slot = &pend[i];
	if (slot == NULL)
		return; /* forgotten (see pend_new) */
	/* Work on a copy with the slot free again: the next step may need a slot. */
	p = *slot;
	memset(slot, 0, sizeof(*slot));
	bool mine = av.dlg != NULL && av.wait == p.seq;
	if (mine) {
		av.wait = 0;
		dialog_busy(av.dlg, false);
	}
	if (r == NULL) {
		if (mine)
			dialog_error(
			    av.dlg,
			    "Connection lost before the answer, so it may or may not have been "
			    "done. What you typed is kept: check the ticket once reconnected, "
			    "then send again or Esc");
		else if (p.act != A_COUNT_LINKED)
			app_status(true, "%s: connection lost before the answer; check the ticket",
			           p.key);
	} else if (!reply_ok(r)) {
		failed(&p, r, mine);
	} else {
		succeeded(&p, r, mine);
	}
	free(p.text);
	app_redraw();
}

/* ---- canned responses ---------------------------------------------------------------- */

/* The field a canned response goes into: the focused one if it takes text, else the dialog's
 * main text; -1 when the dialog writes no text. */
static int canned_field(void)
{
	int f = dialog_focused(av.dlg);

	switch (av.act) {
	case A_REPLY:
	case A_NOTE:
	case A_QUESTION:
	case A_ANSWER:
		return av.f1;
	case A_RESOLVE:
		return dialog_is_multi(av.dlg, f) ? f : av.f2;
	default:
		return -1;
	}
}

static void canned_reply(const msgpack_object *r, void *arg)
{
	const msgpack_object *arr = r != NULL ? mp_get(r, "canned") : NULL;
	char why[256];

	if (av.canned == NULL || (uintptr_t)arg != av.canned_gen || r == NULL)
		return;
	if (!reply_ok(r)) {
		reply_error_text(r, why, sizeof(why));
		dialog_empty_text(av.canned, 0, why);
		app_redraw();
		return;
	}
	for (uint32_t i = 0;
	     arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY && i < arr->via.array.size; i++) {
		char *name = mp_strdup(mp_get(&arr->via.array.ptr[i], "name"));
		char *body = mp_strdup(mp_get(&arr->via.array.ptr[i], "body"));
		if (name != NULL && body != NULL) {
			/* The name, then the body's start on the same line, to recognise it by. */
			char label[160];
			snprintf(label, sizeof(label), "%s %s %.100s", name, ui_dash(), body);
			for (char *c = label; *c != '\0'; c++)
				if (*c == '\n' || *c == '\r' || *c == '\t')
					*c = ' ';
			av.bodies = xrealloc(av.bodies, (av.nbodies + 1) * sizeof(*av.bodies));
			av.bodies[av.nbodies] = body;
			dialog_option(av.canned, 0, label, name, (int64_t)av.nbodies);
			av.nbodies++;
			body = NULL;
		}
		free(name);
		free(body);
	}
	dialog_empty_text(av.canned, 0, "No canned responses (administrators add them)");
	app_redraw();
}

static void open_canned(void)
{
	int into = canned_field();

	if (into < 0)
		return;
	close_canned();
	av.canned_into = into;
	av.canned = dialog_new("Canned responses");
	dialog_buttons(av.canned, "Insert", "Cancel");
	dialog_message(av.canned, "Type to filter by name or text; Enter puts it at the cursor.");
	dialog_list(av.canned, "Response", 8);
	if (!app_online()) {
		dialog_empty_text(av.canned, 0, "Offline: no canned responses now");
		return;
	}
	dialog_empty_text(av.canned, 0, ui_utf8 ? "Loading\xe2\x80\xa6" : "Loading...");
	conn_begin(app.conn, "canned.list", 0, canned_reply, (void *)++av.canned_gen);
	conn_end(app.conn);
}

static void canned_key(int type, wint_t ch)
{
	switch (dialog_key(av.canned, type, ch)) {
	case DLG_SUBMIT: {
		int64_t i = dialog_sel_id(av.canned, 0);
		if (i >= 0 && (size_t)i < av.nbodies) {
			dialog_focus(av.dlg, av.canned_into);
			dialog_insert(av.dlg, av.canned_into, av.bodies[i]);
		}
		close_canned();
		break;
	}
	case DLG_CANCEL:
		close_canned();
		break;
	case DLG_NONE:
		break;
	}
}

/* ---- actions asked for by commands ----------------------------------------------------- */

void actions_request(int64_t id, wint_t key, const char *choice)
{
	if (app.view != &view_ticket || view_ticket_id() != id)
		view_ticket_open(id);
	deferred.id = id;
	deferred.until = mono_ms() + DEFERRED_MS;
	deferred.key = key;
	snprintf(deferred.choice, sizeof(deferred.choice), "%s", choice != NULL ? choice : "");
	actions_loaded();
}

void actions_loaded(void)
{
	const struct action *a = NULL;

	if (deferred.id == 0 || cur() == NULL || cur_id() != deferred.id)
		return;
	deferred.id = 0;
	if (app.view != &view_ticket || mono_ms() > deferred.until)
		return; /* the agent went elsewhere meanwhile */
	for (size_t i = 0; i < A_KEYS; i++)
		if (actions[i].ch == deferred.key)
			a = &actions[i];
	if (a == NULL)
		return;
	run_action(a);
	if (av.dlg == NULL || deferred.choice[0] == '\0')
		return;
	/* The choice made on the command line; the focus goes on to what is left to write. */
	dialog_select(av.dlg, av.f1, deferred.choice);
	const char *sel = dialog_sel_name(av.dlg, av.f1);
	if (sel != NULL && strcmp(sel, deferred.choice) == 0) {
		if (av.f2 >= 0)
			dialog_focus(av.dlg, av.f2);
	} else {
		dialog_error(av.dlg, "%s cannot go to %s: pick one of these", cur()->key,
		             deferred.choice);
	}
	app_redraw();
}

/* ---- the view's entry points --------------------------------------------------------- */

bool actions_key(int type, wint_t ch)
{
	if (av.canned != NULL) {
		canned_key(type, ch);
		return true;
	}
	if (av.dlg != NULL && key_is(type, ch, KEY_CTRL('T')) && !dialog_is_busy(av.dlg)) {
		if (canned_field() >= 0)
			open_canned();
		else
			dialog_error(av.dlg,
			             "^T inserts canned responses where there is text to write");
		return true;
	}
	if (av.dlg != NULL) {
		/* Modal: every key is the dialog's. */
		switch (dialog_key(av.dlg, type, ch)) {
		case DLG_SUBMIT:
			if (cur() == NULL)
				dialog_error(av.dlg, "The ticket is not loaded yet");
			else
				submit_dialog();
			break;
		case DLG_CANCEL:
			close_dialog();
			break;
		case DLG_NONE:
			break;
		}
		return true;
	}
	for (size_t i = 0; i < A_KEYS; i++) {
		if (key_is(type, ch, actions[i].ch)) {
			run_action(&actions[i]);
			return true;
		}
	}
	return false;
}

void actions_draw(struct rect r)
{
	if (av.dlg != NULL)
		dialog_draw(av.dlg, r);
	if (av.canned != NULL)
		dialog_draw(av.canned, r);
}

void actions_leave(void)
{
	close_dialog();
}

void actions_reload(void)
{
	load_lists(); /* an option list lost with the old connection */
}

void actions_fini(void)
{
	close_dialog();
	for (size_t i = 0; i < NPENDING; i++)
		pend_done(&pend[i]);
}
