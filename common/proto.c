/* proto.c - framing and MessagePack helpers for protocol v1. */
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mpcheck.h"
#include "utf8.h"
#include "util.h"

static const char *const error_names[] = {
    [E_BAD_FRAME] = "bad_frame",
    [E_FRAME_TOO_LARGE] = "frame_too_large",
    [E_UNKNOWN_OP] = "unknown_op",
    [E_BAD_REQUEST] = "bad_request",
    [E_PROTO_VERSION] = "proto_version",
    [E_HELLO_REQUIRED] = "hello_required",
    [E_NOT_AUTHENTICATED] = "not_authenticated",
    [E_AUTH_FAILED] = "auth_failed",
    [E_FORBIDDEN] = "forbidden",
    [E_NOT_FOUND] = "not_found",
    [E_STALE_VERSION] = "stale_version",
    [E_BUSY] = "busy",
    [E_UNAVAILABLE] = "unavailable",
    [E_INTERNAL] = "internal",
    [E_INVALID_TRANSITION] = "invalid_transition",
    [E_CONFLICT] = "conflict",
};

const char *proto_error_name(int code)
{
	if (code > 0 && (size_t)code < ARRAY_LEN(error_names) && error_names[code] != NULL)
		return error_names[code];
	return "unknown_error";
}

uint32_t frame_get_len(const unsigned char *h)
{
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

void frame_put_len(unsigned char *h, uint32_t len)
{
	h[0] = len >> 24;
	h[1] = len >> 16;
	h[2] = len >> 8;
	h[3] = len;
}

void frame_out_init(struct frame_out *f)
{
	static const char zero[FRAME_HEADER];

	msgpack_sbuffer_init(&f->sb);
	msgpack_packer_init(&f->pk, &f->sb, msgpack_sbuffer_write);
	msgpack_sbuffer_write(&f->sb, zero, sizeof(zero));
}

const char *frame_out_finish(struct frame_out *f, size_t *len)
{
	frame_put_len((unsigned char *)f->sb.data, (uint32_t)(f->sb.size - FRAME_HEADER));
	*len = f->sb.size;
	return f->sb.data;
}

void frame_out_destroy(struct frame_out *f)
{
	msgpack_sbuffer_destroy(&f->sb);
}

void pk_strn(msgpack_packer *pk, const char *s, size_t n)
{
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

void pk_str(msgpack_packer *pk, const char *s)
{
	pk_strn(pk, s, strlen(s));
}

void pk_kstr(msgpack_packer *pk, const char *key, const char *val)
{
	pk_str(pk, key);
	if (val == NULL)
		msgpack_pack_nil(pk);
	else
		pk_str(pk, val);
}

void pk_kint(msgpack_packer *pk, const char *key, int64_t val)
{
	pk_str(pk, key);
	msgpack_pack_int64(pk, val);
}

void pk_bool(msgpack_packer *pk, bool val)
{
	if (val)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
}

void pk_kbool(msgpack_packer *pk, const char *key, bool val)
{
	pk_str(pk, key);
	pk_bool(pk, val);
}

void pk_knil(msgpack_packer *pk, const char *key)
{
	pk_str(pk, key);
	msgpack_pack_nil(pk);
}

bool mp_streq(const msgpack_object *o, const char *s)
{
	size_t n = strlen(s);

	return o != NULL && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
	       memcmp(o->via.str.ptr, s, n) == 0;
}

const msgpack_object *mp_get(const msgpack_object *map, const char *key)
{
	if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->via.map.size; i++) {
		const msgpack_object_kv *kv = &map->via.map.ptr[i];
		if (mp_streq(&kv->key, key))
			return &kv->val;
	}
	return NULL;
}

bool mp_true(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = mp_get(map, key);

	return o != NULL && o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean;
}

bool mp_is_int(const msgpack_object *o)
{
	if (o == NULL)
		return false;
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		return true;
	return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX;
}

int64_t mp_int(const msgpack_object *o)
{
	return o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER ? o->via.i64 : (int64_t)o->via.u64;
}

char *mp_strdup(const msgpack_object *o)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_STR)
		return NULL;
	return xstrndup(o->via.str.ptr, o->via.str.size);
}

void args_fail(struct args *a, const char *fmt, ...)
{
	va_list ap;

	if (a->bad)
		return;
	a->bad = true;
	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
}

bool args_str(struct args *a, const char *key, bool required, size_t min, size_t max,
              const char **out, size_t *out_len)
{
	const msgpack_object *o = mp_get(a->map, key);

	*out = NULL;
	*out_len = 0;
	if (a->bad)
		return false;
	if (o == NULL) {
		if (required)
			args_fail(a, "field '%s' is required", key);
		return false;
	}
	if (o->type != MSGPACK_OBJECT_STR) {
		args_fail(a, "field '%s' must be a string", key);
		return false;
	}
	/* Frames are UTF-8-checked before decoding; this guards direct callers. */
	if (!utf8_valid(o->via.str.ptr, o->via.str.size)) {
		args_fail(a, "field '%s' is not valid UTF-8", key);
		return false;
	}
	size_t chars = utf8_len(o->via.str.ptr, o->via.str.size);
	if (chars < min || chars > max) {
		args_fail(a, "field '%s' must be %zu to %zu characters", key, min, max);
		return false;
	}
	for (size_t i = 0; i < o->via.str.size; i++) {
		if (o->via.str.ptr[i] == '\0') {
			args_fail(a, "field '%s' contains a NUL character", key);
			return false;
		}
	}
	*out = o->via.str.ptr;
	*out_len = o->via.str.size;
	return true;
}

bool args_int(struct args *a, const char *key, bool required, int64_t min, int64_t max,
              int64_t *out)
{
	const msgpack_object *o = mp_get(a->map, key);

	if (a->bad)
		return false;
	if (o == NULL) {
		if (required)
			args_fail(a, "field '%s' is required", key);
		return false;
	}
	if (!mp_is_int(o)) {
		args_fail(a, "field '%s' must be an integer", key);
		return false;
	}
	int64_t v = mp_int(o);
	if (v < min || v > max) {
		args_fail(a, "field '%s' must be between %lld and %lld", key, (long long)min,
		          (long long)max);
		return false;
	}
	*out = v;
	return true;
}

int args_int_or_nil(struct args *a, const char *key, int64_t min, int64_t max, int64_t *out)
{
	const msgpack_object *o = mp_get(a->map, key);

	if (a->bad || o == NULL)
		return 0;
	if (o->type == MSGPACK_OBJECT_NIL)
		return 2;
	return args_int(a, key, true, min, max, out) ? 1 : 0;
}

bool args_bool(struct args *a, const char *key, bool *out)
{
	const msgpack_object *o = mp_get(a->map, key);

	if (a->bad || o == NULL)
		return false;
	if (o->type != MSGPACK_OBJECT_BOOLEAN) {
		args_fail(a, "field '%s' must be a boolean", key);
		return false;
	}
	*out = o->via.boolean;
	return true;
}

int args_enum(struct args *a, const char *key, bool required, const char *const *names)
{
	const char *s;
	size_t n;

	if (!args_str(a, key, required, 1, 64, &s, &n))
		return -1;
	for (int i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	/* Echo at most 40 bytes, cut at a character boundary: the reason goes back to the peer in
	 * a str, and a split character would make the whole reply an invalid frame. */
	size_t shown = n > 40 ? 40 : n;
	while (shown < n && ((unsigned char)s[shown] & 0xc0) == 0x80)
		shown--;
	args_fail(a, "field '%s' has an unknown value '%.*s'", key, (int)shown, s);
	return -1;
}

int frame_decode(const char *payload, size_t len, msgpack_unpacked *out, const char **why)
{
	enum mp_check_result r = mp_check(payload, len, FRAME_MAX_DEPTH);
	size_t off = 0;

	if (r != MP_OK) {
		*why = mp_check_str(r);
		return -1;
	}
	msgpack_unpacked_init(out);
	if (msgpack_unpack_next(out, payload, len, &off) != MSGPACK_UNPACK_SUCCESS) {
		msgpack_unpacked_destroy(out);
		*why = "undecodable MessagePack";
		return -1;
	}
	if (out->data.type != MSGPACK_OBJECT_MAP) {
		msgpack_unpacked_destroy(out);
		*why = "message is not a map";
		return -1;
	}
	return 0;
}
