/* session.h - one connected console: framing, identity, subscriptions, replies. */
#ifndef DESKD_SESSION_H
#define DESKD_SESSION_H

#include <event2/bufferevent.h>
#include <event2/util.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "proto.h"
#include "server.h"

struct session {
	struct server *srv;
	struct bufferevent *bev;
	TAILQ_ENTRY(session) entry;
	uint64_t id;
	char peer[64];
	int refs;     /* the loop's own reference plus one per request in flight */
	bool closed;  /* socket gone; waiting for in-flight requests to finish */
	bool closing; /* close once output is flushed */
	bool reading_paused;
	bool hello;
	int inflight;
	int64_t connected_mono;

	/* Identity after login; agent_id 0 = not logged in. */
	int agent_id;
	int role; /* enum agent_role */
	char *login;
	char *name;

	bool watching_dashboard; /* gets "dashboard" pushes */

	/* Queue ids this console follows; 0 means every queue. */
	int *subs;
	int nsubs;
};

/* A request waiting for the database: keeps its session alive until answered. */
struct req {
	struct session *s;
	uint32_t rid;
	int64_t id; /* op-specific scratch (e.g. a ticket id) */
};

void session_accept(struct server *srv, evutil_socket_t fd, const char *peer);
void session_close(struct session *s, const char *why);
void sessions_close_all(struct server *srv);
/* Close logins that never completed and keep the books. Called every few seconds. */
void sessions_maintain(struct server *srv);

/* Record every logged-in agent as present (agents.last_seen), for automatic assignment. */
void sessions_heartbeat(struct server *srv);

bool session_subscribed(const struct session *s, int queue_id);
void session_subscribe(struct session *s, int queue_id);
void session_unsubscribe(struct session *s, int queue_id);

/* Finish the frame and queue it (no-op on a closed session). */
void session_send(struct session *s, struct frame_out *f);
void session_send_bytes(struct session *s, const char *data, size_t len);

/* Open a reply map with rid and ok:true plus room for extra key/value pairs. */
void reply_begin(struct frame_out *f, uint32_t rid, uint32_t extra);
void reply_ok(struct session *s, uint32_t rid);
void reply_error(struct session *s, uint32_t rid, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

struct req *req_new(struct session *s, uint32_t rid);
/* True if the request's session can still be answered. */
bool req_live(const struct req *r);
void req_free(struct req *r);

#endif
