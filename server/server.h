/* server.h - the daemon's shared state: one event loop, the pool, the sessions. */
#ifndef DESKD_SERVER_H
#define DESKD_SERVER_H

#include <event2/event.h>
#include <stdint.h>
#include <sys/queue.h>

#include "config.h"

struct session;
TAILQ_HEAD(session_list, session);

struct server {
	struct event_base *base;
	const struct config *cfg;
	struct db_pool *db;
	struct notifier *notifier;
	struct sla_sched *sla; /* the SLA scheduler (active in one deskd at a time) */
	struct dashboard *dash;
	struct evconnlistener *listener;
	struct session_list sessions;
	int nsessions;
	struct event *ev_maint; /* periodic housekeeping */
};

#endif
