/* app.c - event loop (keys, network, signals, clock) and session: login, relogin, queues. */
#include "app.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cmdline.h"
#include "keys.h"
#include "log.h"
#include "presence.h"
#include "proto.h"
#include "screen.h"
#include "sla-text.h"
#include "ui.h"
#include "util.h"

struct app app;

static const struct view *const all_views[] = {&view_login, &view_queue, &view_ticket,
                                               &view_create, &view_dash};

/* Event priorities: input and network first, the redraw last so that everything that
 * happened in one loop iteration is painted once. */
enum { PRIO_NORMAL = 1, PRIO_REDRAW = 2, PRIO_COUNT = 3 };

static struct event *stdin_ev, *winch_ev, *term_ev, *hup_ev, *clock_ev, *redraw_ev;
static struct event *queues_ev, *relogin_ev;
static bool redraw_full;
static int empty_wakeups;

/* Credentials of the established session, kept to log in again after a reconnect. */
static char *cred_login, *cred_password;
/* A login from the login screen, awaiting its reply. */
static char *try_login, *try_password;
static void (*login_done)(const char *error);

static bool queues_inflight, queues_again;
static int64_t queues_last;

static void wipe_free(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

/* ---- drawing and status -------------------------------------------------------------- */

void app_redraw(void)
{
	redraw_full = true;
	event_active(redraw_ev, EV_TIMEOUT, 0);
}

bool app_redraw_pending(void)
{
	return redraw_full;
}

static void redraw_header(void)
{
	event_active(redraw_ev, EV_TIMEOUT, 0);
}

void app_status(bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app.status, sizeof(app.status), fmt, ap);
	va_end(ap);
	app.status_error = error;
	app.status_until = mono_ms() + (error ? 10000 : 5000);
	app_redraw();
}

void app_set_view(const struct view *v)
{
	app.view = v;
	app.help = false;
	if (v->enter != NULL)
		v->enter();
	app_redraw();
}

static void drain_input(void);

static void redraw_cb(evutil_socket_t fd, short what, void *arg)
{
	screen_draw(redraw_full);
	redraw_full = false;
	/* ncurses may have read ahead while we were busy: keys can sit in its buffer with
	 * nothing left on the descriptor to wake us. */
	drain_input();
}

/* ---- keyboard ------------------------------------------------------------------------ */

static void handle_key(int type, wint_t ch)
{
	if (key_fn(type, ch, KEY_RESIZE)) {
		/* ncurses has already resized its windows (resizeterm queued this key). */
		clearok(curscr, TRUE);
		app_redraw();
		return;
	}
	presence_activity();
	if (key_is(type, ch, KEY_CTRL('C'))) {
		app_quit();
		return;
	}
	if (key_is(type, ch, KEY_CTRL('Z'))) {
		/* raw mode turns ^Z into a key; suspend as the shell user expects. ncurses'
		 * SIGTSTP handler restores the terminal and, on fg, the program mode. */
		endwin();
		raise(SIGTSTP);
		clearok(curscr, TRUE);
		app_redraw();
		return;
	}
	if (key_is(type, ch, KEY_CTRL('L'))) {
		clearok(curscr, TRUE);
		app_redraw();
		return;
	}
	if (app.help) {
		/* Scrolling keys scroll it; any other closes it and is not also acted on. */
		if (!screen_help_key(type, ch))
			app.help = false;
		app_redraw();
		return;
	}
	if (key_fn(type, ch, KEY_F(1))) {
		app.help = true;
		app_redraw();
		return;
	}
	if (app.view->key(type, ch)) {
		app_redraw();
		return;
	}
	if (key_is(type, ch, '?')) {
		app.help = true;
		app_redraw();
	}
}

static void drain_input(void)
{
	wint_t ch;
	int type;

	while (app.view != NULL && (type = get_wch(&ch)) != ERR) {
		empty_wakeups = 0;
		handle_key(type, ch);
	}
}

static void stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	/* A readable terminal that yields no key over and over has hung up (EOF). A partial
	 * escape sequence gives one such wake-up, never a hundred in a row. */
	empty_wakeups++;
	drain_input();
	if (empty_wakeups > 100) {
		log_error("terminal input closed; exiting");
		app_quit();
	}
}

/* ---- signals and clock --------------------------------------------------------------- */

static void winch_cb(evutil_socket_t sig, short what, void *arg)
{
	ui_resize();
	app_redraw();
}

static void term_cb(evutil_socket_t sig, short what, void *arg)
{
	log_info("signal %d: exiting", (int)sig);
	app_quit();
}

static void arm_clock(void)
{
	/* Wake just after the next whole second of the server's clock, which the header
	 * shows, rather than drifting across second boundaries. */
	int64_t ms = conn_server_now(app.conn) % 1000;
	int64_t delay = 1000 - (ms < 0 ? ms + 1000 : ms) + 2;
	struct timeval tv = {0, (suseconds_t)delay * 1000};

	if (delay >= 1000) {
		tv.tv_sec = 1;
		tv.tv_usec = (suseconds_t)(delay - 1000) * 1000;
	}
	evtimer_add(clock_ev, &tv);
}

static void clock_cb(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = mono_ms();

	if (app.status[0] != '\0' && now >= app.status_until) {
		app.status[0] = '\0';
		app_redraw();
	}
	for (size_t i = 0; i < ARRAY_LEN(all_views); i++)
		if (all_views[i]->tick != NULL)
			all_views[i]->tick(now);
	presence_tick(now);
	redraw_header();
	arm_clock();
}

/* ---- session ------------------------------------------------------------------------- */

bool app_online(void)
{
	return app.session && conn_state(app.conn) == CONN_READY;
}

const struct queue_info *app_queue(int64_t id)
{
	for (size_t i = 0; i < app.nqueues; i++)
		if (app.queues[i].id == id)
			return &app.queues[i];
	return NULL;
}

static void queues_reply(const msgpack_object *r, void *arg)
{
	queues_inflight = false;
	if (r != NULL && reply_ok(r)) {
		size_t n;
		struct queue_info *q = queues_parse(mp_get(r, "queues"), &n);
		queues_free(app.queues, app.nqueues);
		app.queues = q;
		app.nqueues = n;
		for (size_t i = 0; i < ARRAY_LEN(all_views); i++)
			if (all_views[i]->queues != NULL)
				all_views[i]->queues();
		app_redraw();
	} else if (r != NULL) {
		char why[200];
		reply_error_text(r, why, sizeof(why));
		log_warn("queue.list failed: %s", why);
	}
	if (queues_again) {
		queues_again = false;
		app_queues_refresh();
	}
}

static void queues_send(void)
{
	conn_begin(app.conn, "queue.list", 0, queues_reply, NULL);
	if (conn_end(app.conn) != 0) {
		queues_inflight = true;
		queues_last = mono_ms();
	}
}

static void queues_timer(evutil_socket_t fd, short what, void *arg)
{
	if (app_online())
		queues_send();
}

void app_queues_refresh(void)
{
	if (!app_online())
		return;
	/* A burst of pushes (a bulk SQL update) must not become a burst of queue.list. */
	if (queues_inflight) {
		queues_again = true;
		return;
	}
	if (evtimer_pending(queues_ev, NULL))
		return;
	int64_t wait = queues_last + 1000 - mono_ms();
	if (wait > 0) {
		struct timeval tv = {wait / 1000, (wait % 1000) * 1000};
		evtimer_add(queues_ev, &tv);
		return;
	}
	queues_send();
}

static void subscribe_reply(const msgpack_object *r, void *arg)
{
	char why[200];

	if (r != NULL && !reply_ok(r)) {
		reply_error_text(r, why, sizeof(why));
		app_status(true, "Live updates unavailable: %s", why);
	}
}

/* Logged in on a fresh connection: subscribe, refresh caches, reload what is shown.
 * Pushes missed while offline are covered by the reloads. */
static void session_start(bool first)
{
	app.session = true;
	msgpack_packer *pk = conn_begin(app.conn, "subscribe", 1, subscribe_reply, NULL);
	pk_kint(pk, "queue_id", 0);
	conn_end(app.conn);
	presence_session();
	queues_last = 0;
	evtimer_del(queues_ev);
	queues_again = false;
	app_queues_refresh();
	for (size_t i = 0; i < ARRAY_LEN(all_views); i++)
		if (all_views[i]->reload != NULL)
			all_views[i]->reload(!first && all_views[i] == app.view);
	if (first)
		app_set_view(&view_queue);
	app_redraw();
}

static uint32_t send_login(const char *login, const char *password, conn_cb cb)
{
	msgpack_packer *pk = conn_begin(app.conn, "login", 2, cb, NULL);

	pk_kstr(pk, "login", login);
	pk_kstr(pk, "password", password);
	return conn_end(app.conn);
}

static void login_reply(const msgpack_object *r, void *arg)
{
	void (*done)(const char *) = login_done;
	char why[256];
	struct agent a;

	login_done = NULL;
	if (r == NULL) {
		snprintf(why, sizeof(why), "Connection lost; try again");
	} else if (!reply_ok(r)) {
		if (reply_error_code(r) == E_AUTH_FAILED)
			snprintf(why, sizeof(why), "Wrong login or password");
		else
			reply_error_text(r, why, sizeof(why));
	} else if (!agent_parse(mp_get(r, "agent"), &a)) {
		snprintf(why, sizeof(why), "The server sent an unreadable reply");
	} else {
		agent_clear(&app.agent);
		app.agent = a;
		wipe_free(&cred_login);
		wipe_free(&cred_password);
		cred_login = try_login;
		cred_password = try_password;
		try_login = try_password = NULL;
		log_info("logged in as %s (%s)", app.agent.login, app.agent.role);
		if (done != NULL)
			done(NULL);
		session_start(true);
		return;
	}
	wipe_free(&try_login);
	wipe_free(&try_password);
	if (done != NULL)
		done(why);
	app_redraw();
}

void app_login(const char *login, const char *password, void (*done)(const char *error))
{
	if (login_done != NULL)
		return; /* one attempt at a time; the screen shows it is waiting */
	if (conn_state(app.conn) != CONN_READY) {
		done("Not connected to the server yet; it is retried automatically");
		return;
	}
	wipe_free(&try_login);
	wipe_free(&try_password);
	try_login = xstrdup(login);
	try_password = xstrdup(password);
	login_done = done;
	if (send_login(login, password, login_reply) == 0) {
		login_done = NULL;
		wipe_free(&try_login);
		wipe_free(&try_password);
		done("Not connected to the server");
	}
}

static void relogin(void);

static void relogin_reply(const msgpack_object *r, void *arg)
{
	char why[256];
	struct agent a;

	if (r == NULL)
		return; /* lost again; the next connection tries again */
	if (!reply_ok(r)) {
		reply_error_text(r, why, sizeof(why));
		if (reply_error_code(r) == E_AUTH_FAILED) {
			/* The password changed or the agent was disabled while we were away. */
			wipe_free(&cred_login);
			wipe_free(&cred_password);
			agent_clear(&app.agent);
			view_login_show("Your session ended; please log in again");
			return;
		}
		/* Typically "unavailable" while the database comes back: try again shortly. */
		app_status(true, "Cannot resume the session (%s); retrying", why);
		struct timeval tv = {3, 0};
		evtimer_add(relogin_ev, &tv);
		return;
	}
	if (agent_parse(mp_get(r, "agent"), &a)) {
		agent_clear(&app.agent);
		app.agent = a;
	}
	log_info("session resumed as %s", app.agent.login);
	app_status(false, "Reconnected");
	session_start(false);
}

static void relogin(void)
{
	if (cred_login != NULL && conn_state(app.conn) == CONN_READY && !app.session)
		send_login(cred_login, cred_password, relogin_reply);
}

static void relogin_timer(evutil_socket_t fd, short what, void *arg)
{
	relogin();
}

/* ---- connection hooks ---------------------------------------------------------------- */

static void on_state(enum conn_state st, const char *why, void *arg)
{
	if (st == CONN_OFFLINE && app.session) {
		app.session = false;
		app_status(true, "Connection lost: %s", why != NULL ? why : "unknown reason");
	}
	if (st != CONN_READY)
		app.session = false;
	app_redraw();
}

static void on_ready(void *arg)
{
	relogin();
	app_redraw();
}

/* A ticket as it now is: every view folds it in (lists, the detail). */
static void fold_ticket(const struct ticket *t, bool created)
{
	for (size_t i = 0; i < ARRAY_LEN(all_views); i++)
		if (all_views[i]->push != NULL)
			all_views[i]->push(t, created);
	app_queues_refresh();
	app_redraw();
}

/* An SLA warning, breach or escalation level fired on a ticket the agent should care about
 * (deskd sends it to the assignee, the queue's followers and supervisors): say so on the
 * status line, ring if asked to, and show the ticket as it now is. */
static void sla_alert(const msgpack_object *m)
{
	struct ticket *t = ticket_parse(mp_get(m, "ticket"));
	const msgpack_object *level = mp_get(m, "level"), *kind = mp_get(m, "kind");
	const msgpack_object *pct = mp_get(m, "pct");
	char *actions = mp_strdup(mp_get(m, "actions"));
	char share[24] = "", *what;
	const char *title = "SLA alert";
	bool breach = false;
	int k = sla_kind_parse(kind);

	if (t == NULL) {
		log_warn("ignoring an sla push without a readable ticket");
		free(actions);
		return;
	}
	if (mp_streq(level, "breach")) {
		title = "SLA breach";
		breach = true;
	} else if (mp_streq(level, "warning")) {
		title = "SLA warning";
	} else if (mp_streq(level, "level")) {
		title = "SLA escalation";
		breach = true;
	}
	/* A breach is 100 % by definition; warnings and escalation levels say how far. */
	if (!mp_streq(level, "breach") && mp_is_int(pct) && mp_int(pct) <= 100000)
		snprintf(share, sizeof(share), " %lld %%", (long long)mp_int(pct));
	if (actions != NULL && actions[0] != '\0')
		what = xasprintf(" (%s)", actions);
	else
		what = xstrdup("");
	app_status(breach, "%s: %s %s%s%s", title, t->key,
	           k >= 0 ? sla_kind_phrase((enum sla_kind)k) : "clock", share, what);
	log_info("%s", app.status);
	/* A burst (deskd catching up on many due steps at once) rings once, not once each. */
	alerts_bell();
	fold_ticket(t, false);
	ticket_free(t);
	free(actions);
	free(what);
}

static void on_push(const char *name, const msgpack_object *m, void *arg)
{
	if (!app.session)
		return;
	if (strcmp(name, "ticket") == 0) {
		struct ticket *t = ticket_parse(mp_get(m, "ticket"));
		if (t == NULL) {
			log_warn("ignoring a ticket push without a readable ticket");
			return;
		}
		fold_ticket(t, mp_streq(mp_get(m, "change"), "created"));
		alerts_ticket(t);
		ticket_free(t);
	} else if (strcmp(name, "sla") == 0) {
		sla_alert(m);
	} else if (strcmp(name, "dashboard") == 0) {
		view_dash_push(m);
	} else if (strcmp(name, "resync") == 0) {
		log_info("server asked for a resync");
		app_queues_refresh();
		for (size_t i = 0; i < ARRAY_LEN(all_views); i++)
			if (all_views[i]->reload != NULL)
				all_views[i]->reload(all_views[i] == app.view);
		app_redraw();
	} else {
		log_debug("ignoring unknown push '%s'", name);
	}
}

static const struct conn_hooks hooks = {
    .state = on_state,
    .ready = on_ready,
    .push = on_push,
};

/* ---- lifetime ------------------------------------------------------------------------ */

static struct event *must(struct event *ev)
{
	if (ev == NULL) {
		log_error("cannot create an event");
		abort();
	}
	return ev;
}

int app_init(const char *host, int port, const char *user)
{
	app.host = xstrdup(host);
	app.port = port;
	app.base = event_base_new();
	if (app.base == NULL) {
		fprintf(stderr, "desk: cannot create the event loop\n");
		return -1;
	}
	event_base_priority_init(app.base, PRIO_COUNT);

	/* A write to a socket the server closed must be an error, not a fatal signal. */
	signal(SIGPIPE, SIG_IGN);

	if (ui_init() != 0)
		return -1;
	presence_init();
	/* Our SIGWINCH event replaces the handler ncurses installed in initscr. */
	stdin_ev = must(event_new(app.base, 0, EV_READ | EV_PERSIST, stdin_cb, NULL));
	winch_ev = must(evsignal_new(app.base, SIGWINCH, winch_cb, NULL));
	term_ev = must(evsignal_new(app.base, SIGTERM, term_cb, NULL));
	hup_ev = must(evsignal_new(app.base, SIGHUP, term_cb, NULL));
	clock_ev = must(evtimer_new(app.base, clock_cb, NULL));
	redraw_ev = must(event_new(app.base, -1, 0, redraw_cb, NULL));
	queues_ev = must(evtimer_new(app.base, queues_timer, NULL));
	relogin_ev = must(evtimer_new(app.base, relogin_timer, NULL));
	event_priority_set(redraw_ev, PRIO_REDRAW);
	event_add(stdin_ev, NULL);
	event_add(winch_ev, NULL);
	/* A resize between newterm reading the size and the event above was seen by nobody
	 * (tiling window managers resize a terminal as it starts): ask the terminal now. */
	ui_resize();
	event_add(term_ev, NULL);
	event_add(hup_ev, NULL);

	app.conn = conn_new(app.base, host, port, &hooks, NULL);
	if (user != NULL)
		view_login_prefill(user);
	app_set_view(&view_login);
	conn_start(app.conn);
	arm_clock();
	return 0;
}

void app_run(void)
{
	event_base_dispatch(app.base);
}

void app_quit(void)
{
	event_base_loopbreak(app.base);
}

void app_fini(void)
{
	for (size_t i = 0; i < ARRAY_LEN(all_views); i++)
		if (all_views[i]->fini != NULL)
			all_views[i]->fini();
	cmdline_fini();
	alerts_fini();
	conn_free(app.conn);
	struct event *evs[] = {stdin_ev, winch_ev,  term_ev,   hup_ev,
	                       clock_ev, redraw_ev, queues_ev, relogin_ev};
	for (size_t i = 0; i < ARRAY_LEN(evs); i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	ui_fini();
	if (app.base != NULL)
		event_base_free(app.base);
	wipe_free(&cred_login);
	wipe_free(&cred_password);
	wipe_free(&try_login);
	wipe_free(&try_password);
	agent_clear(&app.agent);
	queues_free(app.queues, app.nqueues);
	free(app.host);
	memset(&app, 0, sizeof(app));
}
