/* commands.c - the ":" commands: a table of names, what each takes and completes, and what it
 * does; the ticket changes that need no dialog are sent from here, one request each. */

/*
 * Like tmux's command table, every command is one entry: its name, the kind of argument it
 * takes (which is also what Tab completes), whether it acts on a ticket, and the function that
 * runs it. A command that acts on a ticket takes the one the view shows: the detail view's
 * ticket, or the row under the list's cursor. Changes that a single argument describes
 * (:take, :assign ben, :status pending) are sent at once and answered on the status line;
 * those that need more (:escalate Network needs a reason, :status resolved a resolution) open
 * the ticket's dialog with the argument already chosen.
 */
#include "commands.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts.h"
#include "app.h"
#include "cmdline.h"
#include "log.h"
#include "proto.h"
#include "ticket-actions.h"
#include "ticket.h"
#include "utf8.h"
#include "util.h"
#include "view-queue.h"

#define AGENTS_FRESH_MS 60000 /* the agent list is asked for again after a minute */
#define NCHANGES        8     /* ticket changes awaiting replies */
#define TKEY_LEN        32

enum argkind {
	ARG_NONE,
	ARG_KEY,    /* a ticket key or number */
	ARG_LOGIN,  /* an agent's login, me, none */
	ARG_QUEUE,  /* any queue */
	ARG_GROUP,  /* a tier-2 queue */
	ARG_STATUS, /* a ticket status */
	ARG_SORT,   /* a list order */
	ARG_TEXT,   /* free words */
};

struct command {
	const char *name;
	const char *alias; /* may be NULL */
	const char *usage;
	const char *what;
	enum argkind arg;
	bool ticket; /* acts on the current ticket */
	void (*exec)(const char *arg, const struct ticket *t);
};

/* The agent list, for :assign and its completion. */
static struct {
	struct agent *a;
	size_t n;
	int64_t at; /* monotonic ms of the reply; 0: never */
	bool inflight;
	char *again; /* a command line that waited for the list */
} ag;

/* A change sent from here, awaiting its reply. */
static struct change {
	uintptr_t seq; /* 0: free */
	char key[TKEY_LEN];
	char done[200];
	char verb[32]; /* "take", "assign", ... for an error */
} chg[NCHANGES];
static uintptr_t chg_seq;

/* A ticket.get by key for :go, and where the agent was when asking. */
static struct {
	uintptr_t seq;
	char key[TKEY_LEN];
	const struct view *from;
} go;

/* ---- the ticket acted on ------------------------------------------------------------------ */

static const struct ticket *current(void)
{
	if (app.view == &view_ticket)
		return view_ticket_shown();
	if (app.view == &view_queue)
		return view_queue_current();
	return NULL;
}

/* "hd-1042" -> "HD-1042"; a bare number gets the prefix of the keys around: "1042" ->
 * "HD-1042". */
static void normalize_key(const char *in, char *out, size_t len)
{
	const struct ticket *t = current();
	const char *prefix = "HD";
	size_t plen = 2, n = strlen(in);
	bool digits = n > 0 && strspn(in, "0123456789") == n;

	if (digits) {
		const char *p = t != NULL ? t->key : NULL;
		const char *dash = p != NULL ? strchr(p, '-') : NULL;
		if (dash != NULL) {
			prefix = p;
			plen = (size_t)(dash - p);
		} else if ((p = view_queue_key_prefix(&plen)) != NULL) {
			prefix = p;
		} else {
			plen = 2;
		}
		snprintf(out, len, "%.*s-%s", (int)plen, prefix, in);
	} else {
		snprintf(out, len, "%s", in);
	}
	for (char *c = out; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
}

/* ---- replies ------------------------------------------------------------------------------ */

static struct change *change_new(const struct ticket *t, const char *verb)
{
	struct change *c = &chg[0];

	for (size_t i = 0; i < NCHANGES; i++) {
		if (chg[i].seq == 0) {
			c = &chg[i];
			break;
		}
		if (chg[i].seq < c->seq)
			c = &chg[i]; /* all busy: forget the oldest (its push still shows it) */
	}
	memset(c, 0, sizeof(*c));
	c->seq = ++chg_seq;
	snprintf(c->key, sizeof(c->key), "%s", t->key);
	snprintf(c->verb, sizeof(c->verb), "%s", verb);
	return c;
}

static void change_reply(const msgpack_object *r, void *arg)
{
	struct change *c = NULL, copy;
	char why[256];

	for (size_t i = 0; i < NCHANGES && c == NULL; i++)
		if (chg[i].seq == (uintptr_t)arg)
			c = &chg[i];
	if (c == NULL)
		return;
	copy = *c;
	memset(c, 0, sizeof(*c));
	if (r == NULL) {
		app_status(true, "%s: connection lost before the answer; check it once reconnected",
		           copy.key);
		return;
	}
	struct ticket *t = ticket_parse(mp_get(r, "ticket"));
	if (reply_ok(r)) {
		app_status(false, "%s", copy.done);
	} else if (reply_error_code(r) == E_STALE_VERSION) {
		app_status(true,
		           "%s changed meanwhile (now %s, %s): check it, then run the "
		           "command again",
		           copy.key, t != NULL ? t->status : "?",
		           t != NULL && t->assignee[0] != '\0' ? t->assignee : "unassigned");
	} else {
		reply_error_text(r, why, sizeof(why));
		app_status(true, "Cannot %s %s: %s", copy.verb, copy.key, why);
	}
	/* The push says the same; the detail view shows it at once. */
	if (t != NULL && app.view == &view_ticket && t->id == view_ticket_id())
		view_ticket_adopt(t);
	else
		ticket_free(t);
	app_redraw();
}

static msgpack_packer *change_begin(const struct ticket *t, const char *op, size_t nargs,
                                    const char *verb, struct change **out)
{
	if (!app_online()) {
		app_status(true, "Offline: nothing was sent");
		return NULL;
	}
	*out = change_new(t, verb);
	msgpack_packer *pk = conn_begin(app.conn, op, nargs, change_reply, (void *)(*out)->seq);
	pk_kint(pk, "id", t->id);
	pk_kint(pk, "version", t->version);
	return pk;
}

static void change_end(struct change *c)
{
	if (conn_end(app.conn) == 0) {
		memset(c, 0, sizeof(*c));
		app_status(true, "Not connected: nothing was sent");
	}
}

/* ---- the agent list ----------------------------------------------------------------------- */

static void agents_free(void)
{
	for (size_t i = 0; i < ag.n; i++)
		agent_clear(&ag.a[i]);
	free(ag.a);
	ag.a = NULL;
	ag.n = 0;
}

static void agents_reply(const msgpack_object *r, void *arg)
{
	const msgpack_object *arr = r != NULL ? mp_get(r, "agents") : NULL;
	char *again = ag.again;

	ag.inflight = false;
	ag.again = NULL;
	if (r != NULL && reply_ok(r) && arr != NULL && arr->type == MSGPACK_OBJECT_ARRAY) {
		agents_free();
		ag.a = xcalloc(arr->via.array.size + 1, sizeof(*ag.a));
		for (uint32_t i = 0; i < arr->via.array.size; i++)
			if (agent_parse(&arr->via.array.ptr[i], &ag.a[ag.n]))
				ag.n++;
		ag.at = mono_ms();
	} else if (again != NULL) {
		char why[200] = "connection lost";
		if (r != NULL)
			reply_error_text(r, why, sizeof(why));
		app_status(true, "Cannot read the agent list: %s", why);
		free(again);
		return;
	}
	if (again != NULL)
		commands_run(again);
	free(again);
}

static void agents_fetch(void)
{
	if (ag.inflight || !app_online())
		return;
	conn_begin(app.conn, "agent.list", 0, agents_reply, NULL);
	ag.inflight = conn_end(app.conn) != 0;
}

void commands_prepare(void)
{
	if (ag.at == 0 || mono_ms() - ag.at > AGENTS_FRESH_MS)
		agents_fetch();
}

/* Administrators configure the desk; they do not work tickets. */
static bool assignable(const struct agent *a)
{
	return strcmp(a->role, "admin") != 0;
}

/* ---- name matching ------------------------------------------------------------------------ */

/* How well what was typed names s: 3 the same (ignoring case), 2 a prefix of it, 1 the start
 * of one of its words, 0 not at all. */
static int name_match(const char *s, const char *typed)
{
	size_t n = strlen(typed);

	if (n == 0)
		return 0;
	if (strcasecmp(s, typed) == 0)
		return 3;
	if (strncasecmp(s, typed, n) == 0)
		return 2;
	for (const char *p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)p[0]) && strncasecmp(p + 1, typed, n) == 0)
			return 1;
	return 0;
}

/* The queue typed: an exact name, else the only one it starts, else the only one one of
 * whose words it starts. NULL with *why set when none or several fit. */
static const struct queue_info *find_queue(const char *typed, bool tier2, char *why, size_t len)
{
	const struct queue_info *best = NULL;
	int score = 0, ties = 0;

	for (size_t i = 0; i < app.nqueues; i++) {
		const struct queue_info *q = &app.queues[i];
		if (tier2 && q->tier != 2)
			continue;
		int m = name_match(q->name, typed);
		if (m > score) {
			best = q;
			score = m;
			ties = 0;
		} else if (m == score && m > 0) {
			ties++;
		}
	}
	if (best == NULL)
		snprintf(why, len, "No %s named \"%s\"", tier2 ? "group" : "queue", typed);
	else if (ties > 0 && score < 3)
		snprintf(why, len, "\"%s\" fits several %s; type more (Tab completes)", typed,
		         tier2 ? "groups" : "queues");
	else
		return best;
	return NULL;
}

/* ---- the commands ------------------------------------------------------------------------- */

static void go_reply(const msgpack_object *r, void *arg)
{
	char why[256];

	if ((uintptr_t)arg != go.seq || r == NULL)
		return;
	if (!reply_ok(r)) {
		reply_error_text(r, why, sizeof(why));
		if (reply_error_code(r) == E_NOT_FOUND)
			app_status(true, "No ticket %s", go.key);
		else
			app_status(true, "Cannot open %s: %s", go.key, why);
		return;
	}
	struct ticket *t = ticket_parse(mp_get(r, "ticket"));
	/* Only if the agent is still where they asked from. */
	if (t != NULL && app.view == go.from)
		view_ticket_open(t->id);
	ticket_free(t);
}

static void cmd_go(const char *arg, const struct ticket *cur)
{
	char key[TKEY_LEN];
	int64_t id;

	if (arg[0] == '\0') {
		app_status(true, "Which ticket? e.g. :go HD-1042 or :1042");
		return;
	}
	normalize_key(arg, key, sizeof(key));
	if (cur != NULL && strcmp(cur->key, key) == 0)
		id = cur->id;
	else
		id = view_queue_find_key(key);
	if (id != 0) {
		view_ticket_open(id);
		return;
	}
	if (!app_online()) {
		app_status(true, "Offline: cannot look up %s now", key);
		return;
	}
	snprintf(go.key, sizeof(go.key), "%s", key);
	go.from = app.view;
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.get", 1, go_reply, (void *)(uintptr_t)++go.seq);
	pk_kstr(pk, "key", key);
	if (conn_end(app.conn) == 0)
		app_status(true, "Offline: cannot look up %s now", key);
}

static void cmd_take(const char *arg, const struct ticket *t)
{
	struct change *c;
	msgpack_packer *pk;

	if (t->assignee_id != 0 && t->assignee_id == app.agent.id) {
		app_status(false, "%s is already yours", t->key);
		return;
	}
	/* Typed out, taking a colleague's ticket over is deliberate: no second confirmation. */
	if ((pk = change_begin(t, "ticket.take", 2, "take", &c)) == NULL)
		return;
	if (t->assignee_id != 0)
		snprintf(c->done, sizeof(c->done), "Took %s over from %s", t->key, t->assignee);
	else
		snprintf(c->done, sizeof(c->done), "Took %s", t->key);
	change_end(c);
}

static void cmd_assign(const char *arg, const struct ticket *t)
{
	const struct agent *who = NULL;
	struct change *c;
	msgpack_packer *pk;
	int score = 0, ties = 0;
	bool nobody =
	    strcasecmp(arg, "none") == 0 || strcasecmp(arg, "nobody") == 0 || strcmp(arg, "-") == 0;

	if (arg[0] == '\0') {
		actions_request(t->id, 'a', NULL);
		return;
	}
	if (!nobody && strcasecmp(arg, "me") != 0) {
		if (ag.at == 0) {
			/* Not here yet: run the line again when it is. */
			char *line = xasprintf("assign %s", arg);
			free(ag.again);
			ag.again = line;
			agents_fetch();
			if (!ag.inflight) {
				free(ag.again);
				ag.again = NULL;
				app_status(true, "Offline: cannot read the agent list now");
			}
			return;
		}
		for (size_t i = 0; i < ag.n; i++) {
			if (!assignable(&ag.a[i]))
				continue;
			int m = name_match(ag.a[i].login, arg);
			if (m < 3 && name_match(ag.a[i].name, arg) > 0)
				m = m > 1 ? m : 1;
			if (m > score) {
				who = &ag.a[i];
				score = m;
				ties = 0;
			} else if (m == score && m > 0) {
				ties++;
			}
		}
		if (who == NULL) {
			app_status(true, "No agent \"%s\" (Tab completes logins; me, none)", arg);
			return;
		}
		if (ties > 0 && score < 3) {
			app_status(true, "\"%s\" fits several agents; type more (Tab completes)",
			           arg);
			return;
		}
	}
	int64_t id = nobody ? 0 : who != NULL ? who->id : app.agent.id;
	const char *login = who != NULL ? who->login : app.agent.login;
	if (id == t->assignee_id) {
		app_status(false, "%s is already %s%s", t->key, nobody ? "unassigned" : "with ",
		           nobody ? "" : login);
		return;
	}
	if ((pk = change_begin(t, "ticket.update", 3, "assign", &c)) == NULL)
		return;
	if (nobody) {
		pk_knil(pk, "assignee_id");
		snprintf(c->done, sizeof(c->done), "Unassigned %s", t->key);
	} else {
		pk_kint(pk, "assignee_id", id);
		snprintf(c->done, sizeof(c->done), "Assigned %s to %s", t->key, login);
	}
	change_end(c);
}

/* "on hold", "on-hold", "onhold" all name on_hold. */
static int parse_status(const char *arg)
{
	char norm[32];
	size_t k = 0;

	for (const char *p = arg; *p != '\0' && k + 1 < sizeof(norm); p++)
		if (isalpha((unsigned char)*p))
			norm[k++] = (char)tolower((unsigned char)*p);
	norm[k] = '\0';
	for (int s = 0; s < TS_COUNT; s++) {
		char name[32];
		size_t j = 0;
		for (const char *p = ticket_status_names[s]; *p != '\0' && j + 1 < sizeof(name);
		     p++)
			if (*p != '_')
				name[j++] = *p;
		name[j] = '\0';
		if (k > 0 && strncmp(name, norm, k) == 0)
			return s;
	}
	return -1;
}

static void cmd_status(const char *arg, const struct ticket *t)
{
	int from = name_index(ticket_status_names, t->status), to;
	struct change *c;
	msgpack_packer *pk;

	if (arg[0] == '\0') {
		actions_request(t->id, 's', NULL);
		return;
	}
	if ((to = parse_status(arg)) < 0) {
		app_status(true,
		           "No status \"%s\" (new, open, pending, on_hold, resolved, closed, "
		           "cancelled)",
		           arg);
		return;
	}
	if (to == from) {
		app_status(false, "%s is already %s", t->key, t->status);
		return;
	}
	if (!ticket_transition_allowed(from, to)) {
		char can[160] = "";
		size_t k = 0;
		for (int s = 0; s < TS_COUNT; s++)
			if (ticket_transition_allowed(from, s) && k < sizeof(can))
				k += (size_t)snprintf(can + k, sizeof(can) - k, "%s%s",
				                      k ? ", " : "", ticket_status_names[s]);
		app_status(true, "%s is %s: it can go to %s", t->key, t->status,
		           k > 0 ? can : "no other status");
		return;
	}
	if (to == TS_RESOLVED) {
		/* A resolution needs its code and note: the dialog asks for them. */
		actions_request(t->id, 'R', NULL);
		return;
	}
	if ((pk = change_begin(t, "ticket.update", 3, "change the status of", &c)) == NULL)
		return;
	pk_kstr(pk, "status", ticket_status_names[to]);
	snprintf(c->done, sizeof(c->done), "%s is now %s", t->key, ticket_status_names[to]);
	change_end(c);
}

static void cmd_escalate(const char *arg, const struct ticket *t)
{
	char why[200];
	const struct queue_info *q = NULL;

	if (arg[0] != '\0' && (q = find_queue(arg, false, why, sizeof(why))) == NULL) {
		app_status(true, "%s", why);
		return;
	}
	if (q != NULL && q->id == t->queue_id) {
		app_status(true, "%s is in %s already", t->key, q->name);
		return;
	}
	actions_request(t->id, 'e', q != NULL ? q->name : NULL);
}

void commands_search(const char *words)
{
	char buf[LIMIT_SUBJECT * 4 + 1];
	size_t n;

	while (*words == ' ')
		words++;
	snprintf(buf, sizeof(buf), "%s", words);
	for (n = strlen(buf); n > 0 && buf[n - 1] == ' ';)
		buf[--n] = '\0';
	if (n == 0) {
		app_status(true, "Search for what? Type some words, e.g. printer jam");
		return;
	}
	if (utf8_len(buf, n) > LIMIT_SUBJECT) {
		app_status(true, "At most %d characters to search for", LIMIT_SUBJECT);
		return;
	}
	view_queue_search(buf);
}

static void cmd_search(const char *arg, const struct ticket *t)
{
	if (arg[0] == '\0')
		cmdline_open(CMDLINE_SEARCH);
	else
		commands_search(arg);
}

static void cmd_sort(const char *arg, const struct ticket *t)
{
	for (int s = 0; s < LS_COUNT; s++) {
		if (arg[0] != '\0' && strncasecmp(list_sort_names[s], arg, strlen(arg)) == 0) {
			view_queue_sort((enum list_sort)s);
			return;
		}
	}
	app_status(true, "Sort by what? :sort updated, created, priority, due, or view (each "
	                 "view's own order)");
}

static void cmd_new(const char *arg, const struct ticket *t)
{
	view_create_open(t != NULL ? t->queue_id : view_queue_queue_id());
}

static void cmd_follow(const char *arg, bool on)
{
	char why[200], list[400];
	const struct queue_info *q;

	if (arg[0] != '\0') {
		if ((q = find_queue(arg, true, why, sizeof(why))) == NULL) {
			app_status(true, "%s", why);
			return;
		}
		alerts_set_follow(q, on);
	}
	alerts_describe(list, sizeof(list));
	app_status(false, "New escalations announced for: %s", list);
}

static void cmd_follow_on(const char *arg, const struct ticket *t)
{
	cmd_follow(arg, true);
}

static void cmd_follow_off(const char *arg, const struct ticket *t)
{
	if (arg[0] == '\0') {
		app_status(true, "Unfollow which group? e.g. :unfollow Network");
		return;
	}
	cmd_follow(arg, false);
}

static void cmd_help(const char *arg, const struct ticket *t)
{
	app.help = true;
}

static void cmd_quit(const char *arg, const struct ticket *t)
{
	app_quit();
}

static const struct command commands[] = {
    {"go", "open", ":go KEY", "open a ticket by its key (also :KEY, :NUMBER)", ARG_KEY, false,
     cmd_go},
    {"take", NULL, ":take", "take the ticket (a colleague's too)", ARG_NONE, true, cmd_take},
    {"assign", NULL, ":assign LOGIN", "assign the ticket (me, none; no login: the dialog)",
     ARG_LOGIN, true, cmd_assign},
    {"status", NULL, ":status STATUS", "change the status (resolved opens the resolve dialog)",
     ARG_STATUS, true, cmd_status},
    {"escalate", NULL, ":escalate GROUP", "the escalate dialog with the group chosen", ARG_QUEUE,
     true, cmd_escalate},
    {"search", NULL, ":search WORDS", "search every ticket (as S)", ARG_TEXT, false, cmd_search},
    {"sort", NULL, ":sort KEY", "order lists by updated, created, priority, due, or view", ARG_SORT,
     false, cmd_sort},
    {"new", NULL, ":new", "new ticket", ARG_NONE, false, cmd_new},
    {"follow", NULL, ":follow [GROUP]", "announce new escalations into a group (list them)",
     ARG_GROUP, false, cmd_follow_on},
    {"unfollow", NULL, ":unfollow GROUP", "stop announcing a group's escalations", ARG_GROUP, false,
     cmd_follow_off},
    {"help", NULL, ":help", "the keys of this screen", ARG_NONE, false, cmd_help},
    {"quit", "q", ":q", "quit", ARG_NONE, false, cmd_quit},
};

static const struct command *find_command(const char *name)
{
	const struct command *found = NULL;
	size_t n = strlen(name);
	int ties = 0;

	for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
		const struct command *c = &commands[i];
		if (strcmp(c->name, name) == 0 || (c->alias != NULL && strcmp(c->alias, name) == 0))
			return c;
		/* A prefix names a command when it names only one (:esc, :st). */
		if (strncmp(c->name, name, n) == 0) {
			found = c;
			ties++;
		}
	}
	return ties == 1 ? found : NULL;
}

void commands_run(const char *line)
{
	char buf[512], *w, *arg, *e;
	const struct command *c;
	const struct ticket *t = NULL;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = buf; *w == ' '; w++)
		;
	for (e = w + strlen(w); e > w && e[-1] == ' ';)
		*--e = '\0';
	if (*w == '\0')
		return;
	arg = strchr(w, ' ');
	if (arg != NULL) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	} else {
		arg = e;
	}
	for (char *p = w; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if ((c = find_command(w)) == NULL) {
		/* ":HD-1042", ":1042": a key alone opens it. */
		if (arg[0] == '\0' &&
		    (strchr(w, '-') != NULL || strspn(w, "0123456789") == strlen(w))) {
			cmd_go(w, current());
			return;
		}
		app_status(true,
		           "Unknown command :%s (Tab lists them: :go, :assign, :take, "
		           ":status, :escalate, :search, :sort, :q)",
		           w);
		return;
	}
	if (c->arg == ARG_NONE && arg[0] != '\0') {
		app_status(true, "%s takes nothing after it", c->usage);
		return;
	}
	if (c->ticket && (t = current()) == NULL) {
		app_status(true, "%s: no ticket %s", c->usage,
		           app.view == &view_ticket ? "loaded yet" : "under the cursor");
		return;
	}
	c->exec(arg, c->ticket ? t : current());
}

/* ---- completion --------------------------------------------------------------------------- */

static void add_item(struct completion *c, const char *s, const char *typed)
{
	if (strncasecmp(s, typed, strlen(typed)) != 0)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->items[i], s) == 0)
			return;
	c->items = xrealloc(c->items, (c->n + 1) * sizeof(*c->items));
	c->items[c->n++] = xstrdup(s);
}

void commands_complete(const char *line, struct completion *c)
{
	const char *sp = strchr(line, ' ');
	char name[32];

	memset(c, 0, sizeof(*c));
	while (*line == ' ')
		line++, c->word++;
	if (sp == NULL) {
		c->command = true;
		for (size_t i = 0; i < ARRAY_LEN(commands); i++)
			add_item(c, commands[i].name, line);
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(sp - line), line);
	const struct command *cmd = find_command(name);
	const char *typed = sp;
	while (*typed == ' ')
		typed++;
	c->word += (size_t)(typed - line);
	if (cmd == NULL)
		return;
	const struct ticket *t = current();
	switch (cmd->arg) {
	case ARG_LOGIN:
		add_item(c, "me", typed);
		add_item(c, "none", typed);
		for (size_t i = 0; i < ag.n; i++)
			if (assignable(&ag.a[i]))
				add_item(c, ag.a[i].login, typed);
		break;
	case ARG_QUEUE:
	case ARG_GROUP:
		/* Escalation targets first: the tier-2 groups. */
		for (int tier = 2; tier >= 1; tier--)
			for (size_t i = 0; i < app.nqueues; i++)
				if (app.queues[i].tier == tier &&
				    (cmd->arg == ARG_QUEUE || tier == 2) &&
				    (t == NULL || app.queues[i].id != t->queue_id))
					add_item(c, app.queues[i].name, typed);
		break;
	case ARG_STATUS:
		for (int s = 0; s < TS_COUNT; s++) {
			int from = t != NULL ? name_index(ticket_status_names, t->status) : -1;
			if (from < 0 || ticket_transition_allowed(from, s))
				add_item(c, ticket_status_names[s], typed);
		}
		break;
	case ARG_SORT:
		for (int s = 0; s < LS_COUNT; s++)
			add_item(c, list_sort_names[s], typed);
		break;
	case ARG_NONE:
	case ARG_KEY:
	case ARG_TEXT:
		break;
	}
}

void completion_free(struct completion *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->items[i]);
	free(c->items);
	memset(c, 0, sizeof(*c));
}

const struct keyhelp *commands_help(void)
{
	static struct keyhelp help[ARRAY_LEN(commands) + 1];

	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		help[i] = (struct keyhelp){commands[i].usage, commands[i].what, false};
	help[ARRAY_LEN(commands)] = (struct keyhelp){NULL, NULL, false};
	return help;
}

void commands_fini(void)
{
	agents_free();
	free(ag.again);
	memset(&ag, 0, sizeof(ag));
}
