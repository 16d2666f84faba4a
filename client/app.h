/* app.h - process-wide console state: loop, connection, session, view, status line. */
#ifndef DESK_CLIENT_APP_H
#define DESK_CLIENT_APP_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "model.h"
#include "view.h"

struct app {
	struct event_base *base;
	struct conn *conn;
	char *host;
	int port;

	const struct view *view; /* on screen */
	bool help;               /* the key overlay is open */

	/* Session: logged in on the current connection and subscribed. */
	bool session;
	struct agent agent; /* valid once logged in (kept across reconnects) */

	/* Queue cache from queue.list, shared by the list and the create form. */
	struct queue_info *queues;
	size_t nqueues;

	bool bell; /* ring the terminal bell on SLA alerts (--bell, DESK_BELL=1) */

	/* One-line message under the body. */
	char status[256];
	bool status_error;
	int64_t status_until; /* monotonic ms */
};

extern struct app app;

int app_init(const char *host, int port, const char *user);
void app_run(void);
void app_fini(void);
void app_quit(void);

void app_set_view(const struct view *v);
/* Schedule a full redraw at the end of this loop iteration (coalesces many changes). */
void app_redraw(void);
/* A full redraw is scheduled and has not happened yet. */
bool app_redraw_pending(void);
void app_status(bool error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Logged in and connected: requests other than login may be sent. */
bool app_online(void);
/* Log in from the login screen. done(NULL) on success (the app then shows the queue view),
 * done(message) on failure. */
void app_login(const char *login, const char *password, void (*done)(const char *error));
/* Refresh the queue counts soon: at most one queue.list per second. */
void app_queues_refresh(void);
const struct queue_info *app_queue(int64_t id);

#endif
