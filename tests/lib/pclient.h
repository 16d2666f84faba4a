/* pclient.h - a small blocking desk protocol client for the integration tests and the benchmark.
 *
 * One struct pclient is one TCP connection. Nothing is shared between instances, so each thread
 * of a load generator may own one. Every wait has a timeout (pc_set_timeout, 10 s by default).
 *
 * Ownership: pc_new/pc_free for the client; every struct pc_msg returned to the caller is the
 * caller's and is freed with pc_msg_free. Messages read while waiting for something else are
 * kept inside the client (pushes in arrival order, replies by rid) until asked for.
 *
 * Sending a request:
 *
 *	uint32_t rid = pc_send(pc, "ticket.create", "si", "subject", "Printer", "impact", 2);
 *	struct pc_msg *m = pc_wait_reply(pc, rid);
 *
 * or, for full control over the map, pack the fields yourself:
 *
 *	msgpack_packer *pk = pc_req_begin(pc, "ticket.list", 2);  // op and rid + 2 fields
 *	pk_kint(pk, "queue_id", 1);
 *	pk_str(pk, "status"); msgpack_pack_array(pk, 2); pk_str(pk, "new"); pk_str(pk, "open");
 *	uint32_t rid = pc_req_send(pc);
 */
#ifndef DESK_PCLIENT_H
#define DESK_PCLIENT_H

#include <msgpack.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define PC_TIMEOUT_DEFAULT 10000 /* ms */

struct pclient;

/* One decoded frame from the server. */
struct pc_msg {
	msgpack_unpacked up; /* owns the decoded objects */
	msgpack_object *map; /* == &up.data; always a map */
	char *payload;       /* the frame's bytes: decoded strings point into them */
	bool is_push;        /* has a "push" key */
	uint32_t rid;        /* replies only; 0 if absent or not an integer */
	struct pc_msg *next; /* link while queued inside the client */
};

struct pclient *pc_new(void);
void pc_free(struct pclient *pc); /* closes the connection, frees everything queued */

/* Timeout in ms for connect, send and every wait that takes no explicit timeout. */
void pc_set_timeout(struct pclient *pc, int timeout_ms);

/* Connect to host:port (name or address). Returns 0, or -1 with pc_error() set. */
int pc_connect(struct pclient *pc, const char *host, int port);
/* Convenience: pc_new + pc_connect; NULL on failure with the reason copied to err. */
struct pclient *pc_open(const char *host, int port, char *err, size_t errlen);

/* Why the last operation failed. */
const char *pc_error(const struct pclient *pc);
/* True once the server closed the connection (or it broke). */
bool pc_closed(const struct pclient *pc);

/* ---------------------------------------------------------------- sending */

/* Start a request map holding op, a fresh rid and nfields more key/value pairs that the
 * caller packs into the returned packer before pc_req_send. */
msgpack_packer *pc_req_begin(struct pclient *pc, const char *op, uint32_t nfields);
/* Send the request begun with pc_req_begin. Returns its rid, or 0 if the connection failed.
 * Aborts if the map does not hold exactly the number of fields declared, or is otherwise
 * malformed: that is a bug in the test, not something the server should see by accident. */
uint32_t pc_req_send(struct pclient *pc);
/* Same without the well-formedness check, for deliberately hostile requests. */
uint32_t pc_req_send_unchecked(struct pclient *pc);

/*
 * Send a request whose fields are described by spec: one letter per field, and for each
 * letter a key (const char *) followed by its value argument:
 *	s  const char *  (NULL packs nil)
 *	i  int
 *	l  int64_t
 *	b  int, packed as a boolean
 *	n  (no value) nil
 * Returns the rid, or 0 if the connection failed. Aborts on an unknown letter.
 */
uint32_t pc_send(struct pclient *pc, const char *op, const char *spec, ...);
uint32_t pc_vsend(struct pclient *pc, const char *op, const char *spec, va_list ap);

/* pc_send then pc_wait_reply. NULL on timeout or a broken connection. */
struct pc_msg *pc_call(struct pclient *pc, const char *op, const char *spec, ...);

/* Send arbitrary bytes (a hand-made frame, a lying header...). 0 or -1. */
int pc_send_raw(struct pclient *pc, const void *buf, size_t len);
/* Send one frame: a correct 4-byte header followed by payload. 0 or -1. */
int pc_send_frame(struct pclient *pc, const void *payload, size_t len);

/* ---------------------------------------------------------------- receiving */

/* The next frame from the wire (ignoring anything queued). NULL on timeout, close or a
 * malformed frame from the server; pc_error() says which. timeout_ms < 0: the default. */
struct pc_msg *pc_recv(struct pclient *pc, int timeout_ms);

/* The reply carrying rid (0 waits for a reply with rid 0, e.g. to an unreadable frame).
 * Pushes and other replies arriving meanwhile are queued. NULL on timeout or close. */
struct pc_msg *pc_wait_reply(struct pclient *pc, uint32_t rid);
/* The oldest reply with any rid, queued or new. */
struct pc_msg *pc_wait_any_reply(struct pclient *pc);

/* The oldest push for which pred returns true (pred NULL: any push), queued or new, within
 * timeout_ms (< 0: the default). Pushes that do not match stay queued in order. */
typedef bool (*pc_push_pred)(const struct pc_msg *m, void *arg);
struct pc_msg *pc_wait_push(struct pclient *pc, pc_push_pred pred, void *arg, int timeout_ms);
/* Discard every queued push. */
void pc_drop_pushes(struct pclient *pc);

/* Read until the server closes the connection; frames received meanwhile are queued.
 * Returns true if it closed within timeout_ms (< 0: the default). */
bool pc_wait_closed(struct pclient *pc, int timeout_ms);

void pc_msg_free(struct pc_msg *m);

/* ---------------------------------------------------------------- reading replies */

/* Field lookup by dotted path through nested maps: pc_at(m->map, "ticket.version"). */
const msgpack_object *pc_at(const msgpack_object *o, const char *path);
/* Integer at path into *out; false if absent or not an integer. */
bool pc_int(const msgpack_object *o, const char *path, int64_t *out);
/* Integer at path, or dflt. */
int64_t pc_int_or(const msgpack_object *o, const char *path, int64_t dflt);
/* String at path copied into buf (truncated, NUL-terminated); false if absent or not a str. */
bool pc_str(const msgpack_object *o, const char *path, char *buf, size_t len);
/* Is the str at path equal to s? */
bool pc_streq(const msgpack_object *o, const char *path, const char *s);
/* Is the value at path nil (false if absent)? */
bool pc_is_nil(const msgpack_object *o, const char *path);

/* A reply with ok = true? */
bool pc_ok(const struct pc_msg *m);
/* The error code of a failed reply, 0 if the reply is ok or carries none. */
int pc_errcode(const struct pc_msg *m);
/* Describe a reply for a failure message: "ok", or "error 4 bad_request: subject ...". */
const char *pc_describe(const struct pc_msg *m, char *buf, size_t len);

#endif
