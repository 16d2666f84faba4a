/* view.h - the interface every screen implements, and the entry points they share. */

/* The vtable is modelled on tmux's window modes. */
#ifndef DESK_CLIENT_VIEW_H
#define DESK_CLIENT_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include "model.h"
#include "ui.h"

/* One line of help: shown in the footer when footer is set, always in the ? overlay. */
struct keyhelp {
	const char *key;
	const char *what;
	bool footer;
};

struct view {
	const char *title;
	const struct keyhelp *keys; /* terminated by an entry with key == NULL */
	/* Became the current view. */
	void (*enter)(void);
	/* Draw the body area (everything between the header and the status line). */
	void (*draw)(struct rect r);
	/* A key for the current view; false if unused (global keys then get a chance). type
	 * is OK for a character and KEY_CODE_YES for a function key, as from wget_wch. */
	bool (*key)(int type, wint_t ch);
	/* A ticket changed on the server. Sent to every view, current or not, so that a
	 * view keeps itself live while another one is on screen. */
	void (*push)(const struct ticket *t, bool created);
	/* The session was rebuilt (reconnect) or the server asked for a resync: reload now
	 * if current, otherwise on the next enter. */
	void (*reload)(bool current);
	/* The queue list (app.queues) was replaced. */
	void (*queues)(void);
	/* Once a second (for expiring highlights). */
	void (*tick)(int64_t mono);
	/* Free everything at exit. */
	void (*fini)(void);
};

extern const struct view view_login;
extern const struct view view_queue;
extern const struct view view_ticket;
extern const struct view view_create;
extern const struct view view_dash;

/* Show the login screen with an optional message (a failed re-login). */
void view_login_show(const char *error);
/* Prefill the login field (--user). */
void view_login_prefill(const char *login);
/* Open the detail of a ticket. */
void view_ticket_open(int64_t id);
/* Put the list cursor on a ticket as soon as it is in the list. */
void view_queue_select(int64_t id);
/* Show every ticket of a requester in the queue screen ("Caller: name"); q or Esc there goes
 * back to back: the ticket shown now (view_ticket), the open create form (view_create), or
 * the queue screen's previous view (view_queue). */
void view_queue_caller(int64_t requester_id, const char *name, const struct view *back);
/* The queue the list shows (0 = all queues). */
int64_t view_queue_queue_id(void);
/* Open the create form, preselecting a queue (0 = the server's default). */
void view_create_open(int64_t queue_id);
/* A create form is in progress (left for a caller's view, say). */
bool view_create_is_open(void);
/* The dashboard's key (D) pressed in another view: opens the supervisor dashboard, or says on
 * the status line that the agent's role may not watch it. False for any other key. */
bool view_dash_hotkey(int type, wint_t ch);
/* The agent's role may watch the dashboard (supervisors, administrators). */
bool view_dash_allowed(void);
/* A "dashboard" push from deskd (app.c routes it here). */
void view_dash_push(const msgpack_object *m);

#endif
