/* proto.h - desk protocol v1: framing constants, error codes and MessagePack helpers
 * shared by deskd and desk. docs/protocol.md is the normative description. */
#ifndef DESK_PROTO_H
#define DESK_PROTO_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION      1
#define PROTO_DEFAULT_PORT 7420
#define FRAME_HEADER       4
#define FRAME_MAX          (256 * 1024)      /* payload bytes, header excluded */
#define FRAME_MAX_DEPTH    8                 /* container nesting inside one frame */
#define PROTO_MAX_INFLIGHT 32                /* requests awaiting a reply, per connection */
#define PROTO_MAX_OUTPUT   (8 * 1024 * 1024) /* queued output before a slow peer is dropped */
#define PROTO_LIST_MAX     500               /* ticket.list page size limit */
#define LIST_COUNT_MAX     10000             /* ticket.list counts matches up to this */

/* Field limits, in characters (code points) for text. */
#define LIMIT_SUBJECT     200
#define LIMIT_DESCRIPTION 32000
#define LIMIT_LOGIN       64
#define LIMIT_PASSWORD    200
#define LIMIT_CLIENT_KEY  64
#define LIMIT_NAME        200
#define LIMIT_NOTE        4000

/* Stable error codes; docs/protocol.md lists each with its meaning. */
enum proto_error {
	E_BAD_FRAME = 1,       /* payload is not one valid MessagePack map */
	E_FRAME_TOO_LARGE = 2, /* length prefix is 0 or above FRAME_MAX; connection closed */
	E_UNKNOWN_OP = 3,
	E_BAD_REQUEST = 4, /* missing field, wrong type, value out of range */
	E_PROTO_VERSION = 5,
	E_HELLO_REQUIRED = 6,
	E_NOT_AUTHENTICATED = 7,
	E_AUTH_FAILED = 8,
	E_FORBIDDEN = 9,
	E_NOT_FOUND = 10,
	E_STALE_VERSION = 11,
	E_BUSY = 12,        /* too many requests in flight on this connection */
	E_UNAVAILABLE = 13, /* the database is unreachable; nothing was changed */
	E_INTERNAL = 14,
	E_INVALID_TRANSITION = 15,
	E_CONFLICT = 16, /* uniqueness or state conflict other than a stale version */
};

const char *proto_error_name(int code);

/* Parse a 4-byte big-endian frame header. */
uint32_t frame_get_len(const unsigned char *hdr);
void frame_put_len(unsigned char *hdr, uint32_t len);

/* An outgoing frame: a packer writing into an sbuffer whose first 4 bytes are the length. */
struct frame_out {
	msgpack_sbuffer sb;
	msgpack_packer pk;
};

void frame_out_init(struct frame_out *f);
/* Patch the header; returns the whole frame (header + payload) and its length. */
const char *frame_out_finish(struct frame_out *f, size_t *len);
void frame_out_destroy(struct frame_out *f);

/* Packing helpers: key/value pairs inside a map the caller opened. */
void pk_str(msgpack_packer *pk, const char *s);
void pk_strn(msgpack_packer *pk, const char *s, size_t n);
void pk_kstr(msgpack_packer *pk, const char *key, const char *val); /* NULL packs nil */
void pk_kint(msgpack_packer *pk, const char *key, int64_t val);
void pk_kbool(msgpack_packer *pk, const char *key, bool val);
void pk_bool(msgpack_packer *pk, bool val);
void pk_knil(msgpack_packer *pk, const char *key);

/* Decoding helpers over a decoded map. */
const msgpack_object *mp_get(const msgpack_object *map, const char *key);
/* Does map hold key = true? (Absent, nil or another type: false.) */
bool mp_true(const msgpack_object *map, const char *key);
bool mp_is_int(const msgpack_object *o);
int64_t mp_int(const msgpack_object *o); /* caller checked mp_is_int */
/* Copy a str object into a NUL-terminated heap string (NULL if o is not a str). */
char *mp_strdup(const msgpack_object *o);
/* Equal to a C string? */
bool mp_streq(const msgpack_object *o, const char *s);

/*
 * Argument reader. The first problem is remembered; later calls are no-ops, so a handler
 * reads every field and checks args.bad once:
 *
 *	struct args a = ARGS_INIT(req);
 *	args_str(&a, "subject", true, 1, LIMIT_SUBJECT, &subj, &subj_len);
 *	if (a.bad) reply_error(..., E_BAD_REQUEST, a.why);
 */
struct args {
	const msgpack_object *map;
	bool bad;
	char why[160];
};

#define ARGS_INIT(m)                                                                               \
	{                                                                                          \
		.map = (m), .bad = false, .why = ""                                                \
	}

/* Text field. Absent: *out = NULL and false returned (error if required). Present and valid:
 * points into the decoded message (not NUL-terminated), true returned. min/max in chars. */
bool args_str(struct args *a, const char *key, bool required, size_t min, size_t max,
              const char **out, size_t *out_len);
/* Integer field within [min, max]. Absent: returns false (error if required). */
bool args_int(struct args *a, const char *key, bool required, int64_t min, int64_t max,
              int64_t *out);
/* Integer or nil. Returns 0 absent, 1 integer (in *out), 2 nil. */
int args_int_or_nil(struct args *a, const char *key, int64_t min, int64_t max, int64_t *out);
/* Boolean field. */
bool args_bool(struct args *a, const char *key, bool *out);
/* Text field that must be one of a NULL-terminated list; returns its index or -1 if absent. */
int args_enum(struct args *a, const char *key, bool required, const char *const *names);
void args_fail(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Decode one frame payload (header already stripped and length-checked). Validates with
 * mp_check first, then unpacks; the top-level object must be a map. On success returns 0 and
 * the caller destroys *out. Decoded strings point into payload (nothing is copied): keep the
 * payload alive until done with *out, and copy out what must outlive it. On failure returns -1 with
 * a reason in *why (static string). */
int frame_decode(const char *payload, size_t len, msgpack_unpacked *out, const char **why);

#endif
