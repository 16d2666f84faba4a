/* conn.h - the connection to deskd: requests with callbacks, pushes, auto-reconnect. */
#ifndef DESK_CLIENT_CONN_H
#define DESK_CLIENT_CONN_H

#include <event2/event.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum conn_state {
	CONN_OFFLINE,    /* no socket; a retry timer is running */
	CONN_CONNECTING, /* TCP connect in progress */
	CONN_HANDSHAKE,  /* connected, hello sent, not answered yet */
	CONN_READY,      /* hello answered: requests may be sent */
};

struct conn;

/* A reply (a map with ok: true or false), or NULL when the connection was lost before the
 * reply arrived (the request may or may not have been carried out). */
typedef void (*conn_cb)(const msgpack_object *reply, void *arg);

struct conn_hooks {
	/* Every state change; why explains a drop (NULL otherwise). */
	void (*state)(enum conn_state st, const char *why, void *arg);
	/* hello was answered: log in and (re)build the session. */
	void (*ready)(void *arg);
	/* A push frame; name is its "push" value. */
	void (*push)(const char *name, const msgpack_object *msg, void *arg);
};

struct conn *conn_new(struct event_base *base, const char *host, int port,
                      const struct conn_hooks *hooks, void *arg);
void conn_free(struct conn *c);
/* First connection attempt; later ones are automatic. */
void conn_start(struct conn *c);

enum conn_state conn_state(const struct conn *c);
/* Whole seconds until the next attempt while offline (rounded up). */
int conn_retry_in(const struct conn *c);
/* Server wall clock minus ours, in ms, measured at hello and refreshed by pings. */
int64_t conn_clock_offset(const struct conn *c);
/* Server's wall clock now, in ms since the epoch. */
int64_t conn_server_now(const struct conn *c);
const char *conn_server_name(const struct conn *c);

/*
 * Sending a request:
 *
 *	msgpack_packer *pk = conn_begin(c, "ticket.get", 1, got_ticket, view);
 *	pk_kint(pk, "id", id);
 *	uint32_t rid = conn_end(c);
 *
 * nargs is the number of key/value pairs the caller packs. conn_end returns the rid, or 0
 * when there is no usable connection; then the callback is never called. Beyond the
 * protocol's in-flight limit requests are held locally and sent as replies come back.
 */
msgpack_packer *conn_begin(struct conn *c, const char *op, size_t nargs, conn_cb cb, void *arg);
uint32_t conn_end(struct conn *c);

/* Reply helpers. */
bool reply_ok(const msgpack_object *reply);
/* The error name ("auth_failed"), or "" when missing. */
const char *reply_error_name(const msgpack_object *reply, char *buf, size_t len);
/* A one-line explanation for the user: the server's message, else the error name. */
void reply_error_text(const msgpack_object *reply, char *buf, size_t len);
int reply_error_code(const msgpack_object *reply);

#endif
