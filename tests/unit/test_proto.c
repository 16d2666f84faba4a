/* test_proto.c - framing, frame_decode's limits, the args_* request readers and the error
 * name table of protocol v1 (docs/protocol.md). */
#include <limits.h>
#include <stdlib.h>

#include "check.h"
#include "mpcheck.h"
#include "proto.h"
#include "ticket.h"
#include "utf8.h"
#include "util.h"

/* ---- building requests ---------------------------------------------------------------------
 * A request is packed into a frame_out exactly as a peer would send it, then decoded with
 * frame_decode, so every args_* test also runs the real inbound path. */
struct msg {
	struct frame_out f;
	msgpack_unpacked u;
	bool decoded;
};

static msgpack_packer *msg_begin(struct msg *m, size_t fields)
{
	frame_out_init(&m->f);
	m->decoded = false;
	msgpack_pack_map(&m->f.pk, fields);
	return &m->f.pk;
}

/* Finish and decode; NULL (after a failed check) if the frame did not decode to a map. */
static const msgpack_object *msg_end_at(struct msg *m, const char *file, int line)
{
	size_t len;
	const char *frame = frame_out_finish(&m->f, &len);
	const char *why = "";

	check_true(frame_get_len((const unsigned char *)frame) == len - FRAME_HEADER, file, line,
	           "frame header %u, payload %zu bytes",
	           frame_get_len((const unsigned char *)frame), len - FRAME_HEADER);
	if (!check_true(frame_decode(frame + FRAME_HEADER, len - FRAME_HEADER, &m->u, &why) == 0,
	                file, line, "frame_decode failed: %s", why))
		return NULL;
	m->decoded = true;
	return &m->u.data;
}

#define msg_end(m) msg_end_at((m), __FILE__, __LINE__)

static void msg_free(struct msg *m)
{
	if (m->decoded)
		msgpack_unpacked_destroy(&m->u);
	frame_out_destroy(&m->f);
}

/* n copies of a character. */
static char *repeat(const char *ch, size_t n)
{
	size_t l = strlen(ch);
	char *s = xmalloc(n * l + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * l, ch, l);
	s[n * l] = '\0';
	return s;
}

/* The reason names the field, quoted, as every args_* message does. */
static bool why_names(const struct args *a, const char *key)
{
	char quoted[80];

	snprintf(quoted, sizeof(quoted), "'%s'", key);
	return strstr(a->why, quoted) != NULL;
}

#define CHECK_BAD(a, key)                                                                          \
	CHECKF((a)->bad &&why_names((a), (key)),                                                   \
	       "want an error naming '%s', got bad=%d why=\"%s\"", (key), (a)->bad, (a)->why)
#define CHECK_GOOD(a) CHECKF(!(a)->bad, "unexpected error: %s", (a)->why)

/* ---- framing -------------------------------------------------------------------------------- */

static void test_frame_len(void)
{
	static const uint32_t lens[] = {
	    0, 1, 255, 256, 65536, FRAME_MAX, FRAME_MAX + 1, 0x7fffffff, 0x80000000, 0xffffffff};
	unsigned char h[FRAME_HEADER];

	for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
		frame_put_len(h, lens[i]);
		CHECKF(frame_get_len(h) == lens[i], "round trip of %u gave %u", lens[i],
		       frame_get_len(h));
	}
	/* Big-endian on the wire, whatever the host. */
	frame_put_len(h, 0x01020304);
	CHECK(h[0] == 1 && h[1] == 2 && h[2] == 3 && h[3] == 4);
	frame_put_len(h, FRAME_MAX);
	CHECK(h[0] == 0x00 && h[1] == 0x04 && h[2] == 0x00 && h[3] == 0x00);
	CHECK_EQ_INT(frame_get_len((const unsigned char[]){0xff, 0xff, 0xff, 0xff}), 0xffffffffu);
	CHECK_EQ_INT(frame_get_len((const unsigned char[]){0x80, 0, 0, 1}), 0x80000001u);
}

/* The constants are the numbers docs/protocol.md promises to other implementations. */
static void test_constants(void)
{
	CHECK_EQ_INT(PROTO_VERSION, 1);
	CHECK_EQ_INT(PROTO_DEFAULT_PORT, 7420);
	CHECK_EQ_INT(FRAME_HEADER, 4);
	CHECK_EQ_INT(FRAME_MAX, 262144);
	CHECK_EQ_INT(FRAME_MAX_DEPTH, 8);
	CHECK_EQ_INT(PROTO_MAX_INFLIGHT, 32);
	CHECK_EQ_INT(PROTO_MAX_OUTPUT, 8 * 1024 * 1024);
	CHECK_EQ_INT(PROTO_LIST_MAX, 500);
	CHECK_EQ_INT(LIMIT_SUBJECT, 200);
	CHECK_EQ_INT(LIMIT_DESCRIPTION, 32000);
	CHECK_EQ_INT(LIMIT_LOGIN, 64);
	CHECK_EQ_INT(LIMIT_PASSWORD, 200);
	CHECK_EQ_INT(LIMIT_CLIENT_KEY, 64);
}

static void test_frame_out_round_trip(void)
{
	struct msg m;
	msgpack_packer *pk = msg_begin(&m, 9);

	pk_kstr(pk, "op", "ticket.create");
	pk_kint(pk, "rid", 4294967295);
	pk_kint(pk, "neg", INT64_MIN);
	pk_kstr(pk, "subject",
	        "Imprimante bloqu\xc3\xa9"
	        "e \xe6\x9d\xb1");
	pk_kbool(pk, "yes", true);
	pk_kbool(pk, "no", false);
	pk_knil(pk, "gone");
	pk_kstr(pk, "null_str", NULL);
	pk_str(pk, "status");
	msgpack_pack_array(pk, 2);
	pk_str(pk, "new");
	pk_str(pk, "open");

	const msgpack_object *req = msg_end(&m);
	if (req != NULL) {
		CHECK_EQ_INT(req->via.map.size, 9);
		CHECK(mp_streq(mp_get(req, "op"), "ticket.create"));
		CHECK(mp_is_int(mp_get(req, "rid")) && mp_int(mp_get(req, "rid")) == 4294967295);
		CHECK(mp_is_int(mp_get(req, "neg")) && mp_int(mp_get(req, "neg")) == INT64_MIN);
		char *subj = mp_strdup(mp_get(req, "subject"));
		CHECK_STREQ(subj, "Imprimante bloqu\xc3\xa9"
		                  "e \xe6\x9d\xb1");
		free(subj);
		const msgpack_object *o = mp_get(req, "yes");
		CHECK(o != NULL && o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean);
		o = mp_get(req, "no");
		CHECK(o != NULL && o->type == MSGPACK_OBJECT_BOOLEAN && !o->via.boolean);
		o = mp_get(req, "gone");
		CHECK(o != NULL && o->type == MSGPACK_OBJECT_NIL);
		o = mp_get(req, "null_str"); /* pk_kstr packs NULL as nil */
		CHECK(o != NULL && o->type == MSGPACK_OBJECT_NIL);
		o = mp_get(req, "status");
		if (CHECK(o != NULL && o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size == 2)) {
			CHECK(mp_streq(&o->via.array.ptr[0], "new"));
			CHECK(mp_streq(&o->via.array.ptr[1], "open"));
		}
		CHECK(mp_get(req, "missing") == NULL);
	}
	msg_free(&m);

	/* An empty frame_out is a bare header saying 0. */
	struct frame_out f;
	size_t len;
	frame_out_init(&f);
	const char *frame = frame_out_finish(&f, &len);
	CHECK_EQ_INT(len, FRAME_HEADER);
	CHECK_EQ_INT(frame_get_len((const unsigned char *)frame), 0);
	frame_out_destroy(&f);

	/* A payload past 64 KiB uses every byte of the header. */
	char *big = repeat("\xc3\xa9", 40000);
	msg_begin(&m, 1);
	pk_kstr(&m.f.pk, "description", big);
	frame = frame_out_finish(&m.f, &len);
	CHECK(len > 80000 && len <= FRAME_MAX);
	CHECK_EQ_INT(frame_get_len((const unsigned char *)frame), len - FRAME_HEADER);
	req = msg_end(&m);
	if (req != NULL) {
		char *d = mp_strdup(mp_get(req, "description"));
		CHECK_STREQ(d, big);
		free(d);
	}
	msg_free(&m);
	free(big);
}

/* frame_decode over bytes; returns its result and sets *why. Cleans up on success. */
static int decode_bytes(const unsigned char *bytes, size_t n, const char **why, int *type)
{
	char *copy = xmalloc(n);
	msgpack_unpacked u;
	int r;

	memcpy(copy, bytes, n);
	*why = NULL;
	r = frame_decode(copy, n, &u, why);
	if (r == 0) {
		*type = u.data.type;
		msgpack_unpacked_destroy(&u);
	}
	free(copy);
	return r;
}

#define DECODE(why, type, ...)                                                                     \
	decode_bytes((const unsigned char[]){__VA_ARGS__},                                         \
	             sizeof((const unsigned char[]){__VA_ARGS__}), (why), (type))

/* levels nested single-entry maps, the innermost holding a nil. */
static void pack_nested_maps(msgpack_packer *pk, int levels)
{
	for (int i = 0; i < levels; i++) {
		msgpack_pack_map(pk, 1);
		pk_str(pk, "k");
	}
	msgpack_pack_nil(pk);
}

static void test_frame_decode(void)
{
	const char *why;
	int type = -1;

	CHECK_EQ_INT(DECODE(&why, &type, 0x80), 0);
	CHECK_EQ_INT(type, MSGPACK_OBJECT_MAP);
	CHECK_EQ_INT(DECODE(&why, &type, 0xde, 0x00, 0x01, 0xa1, 'k', 0xc0), 0);

	/* The top level must be a map. */
	CHECK_EQ_INT(DECODE(&why, &type, 0x90), -1);
	CHECK_STREQ(why, "message is not a map");
	CHECK_EQ_INT(DECODE(&why, &type, 0x92, 0x80, 0x80), -1);
	CHECK_STREQ(why, "message is not a map");
	CHECK_EQ_INT(DECODE(&why, &type, 0x01), -1);
	CHECK_STREQ(why, "message is not a map");
	CHECK_EQ_INT(DECODE(&why, &type, 0xa2, 'o', 'k'), -1);
	CHECK_STREQ(why, "message is not a map");
	CHECK_EQ_INT(DECODE(&why, &type, 0xc0), -1);
	CHECK_STREQ(why, "message is not a map");

	/* Invalid UTF-8 anywhere: key, value, deep inside. */
	CHECK_EQ_INT(DECODE(&why, &type, 0x81, 0xa2, 0xc0, 0x80, 0xc0), -1);
	CHECK_STREQ(why, mp_check_str(MP_BAD_UTF8));
	CHECK_EQ_INT(DECODE(&why, &type, 0x81, 0xa1, 's', 0xa3, 0xed, 0xa0, 0x80), -1);
	CHECK_STREQ(why, mp_check_str(MP_BAD_UTF8));
	CHECK_EQ_INT(DECODE(&why, &type, 0x81, 0xa1, 'a', 0x91, 0x91, 0xa1, 0xff), -1);
	CHECK_STREQ(why, mp_check_str(MP_BAD_UTF8));

	/* Malformed in each other way mp_check knows. */
	CHECK_EQ_INT(DECODE(&why, &type, 0xdf, 0x00, 0xff, 0xff, 0xff), -1);
	CHECK_STREQ(why, mp_check_str(MP_BAD_COUNT));
	CHECK_EQ_INT(DECODE(&why, &type, 0x81, 0xa1, 'k'), -1);
	CHECK_STREQ(why, mp_check_str(MP_TRUNCATED));
	CHECK_EQ_INT(DECODE(&why, &type, 0x80, 0x80), -1);
	CHECK_STREQ(why, mp_check_str(MP_TRAILING));
	CHECK_EQ_INT(DECODE(&why, &type, 0x81, 0xc1, 0xc0), -1);
	CHECK_STREQ(why, mp_check_str(MP_BAD_BYTE));
	msgpack_unpacked unused;
	CHECK_EQ_INT(frame_decode("", 0, &unused, &why), -1);
	CHECK_STREQ(why, mp_check_str(MP_TRUNCATED));

	/* Depth: the top-level map is level 1; FRAME_MAX_DEPTH levels pass, one more does not. */
	for (int levels = 1; levels <= FRAME_MAX_DEPTH + 3; levels++) {
		struct frame_out f;
		msgpack_unpacked u;
		size_t len;

		frame_out_init(&f);
		pack_nested_maps(&f.pk, levels);
		const char *frame = frame_out_finish(&f, &len);
		why = NULL;
		int r = frame_decode(frame + FRAME_HEADER, len - FRAME_HEADER, &u, &why);
		if (levels <= FRAME_MAX_DEPTH) {
			CHECKF(r == 0, "%d levels refused: %s", levels, why);
			if (r == 0)
				msgpack_unpacked_destroy(&u);
		} else {
			CHECKF(r == -1 && why != NULL &&
			           strcmp(why, mp_check_str(MP_TOO_DEEP)) == 0,
			       "%d levels: %d (%s)", levels, r, why ? why : "(null)");
		}
		frame_out_destroy(&f);
	}
}

/* ---- args_* --------------------------------------------------------------------------------- */

static void test_args_str(void)
{
	struct msg m;
	msgpack_packer *pk = msg_begin(&m, 8);
	const char *s;
	size_t n;

	pk_kstr(pk, "subject", "Printer jam");
	pk_kint(pk, "number", 5);
	pk_knil(pk, "nil");
	pk_kstr(pk, "empty", "");
	pk_str(pk, "nul");
	pk_strn(pk, "a\0b", 3);
	pk_kbool(pk, "bool", true);
	pk_str(pk, "bin");
	msgpack_pack_bin_with_body(pk, "abc", 3);
	pk_str(pk, "arr");
	msgpack_pack_array(pk, 1);
	pk_str(pk, "x");
	const msgpack_object *req = msg_end(&m);

	struct args a = ARGS_INIT(req);
	CHECK(args_str(&a, "subject", true, 1, LIMIT_SUBJECT, &s, &n));
	CHECK_GOOD(&a);
	/* Points into the message, not NUL-terminated. */
	CHECK(n == 11 && s != NULL && memcmp(s, "Printer jam", 11) == 0);
	if (req != NULL)
		CHECK(s == mp_get(req, "subject")->via.str.ptr);

	a = (struct args)ARGS_INIT(req);
	CHECK(!args_str(&a, "absent", false, 1, 10, &s, &n));
	CHECK_GOOD(&a);
	CHECK(s == NULL && n == 0);

	a = (struct args)ARGS_INIT(req);
	CHECK(!args_str(&a, "absent", true, 1, 10, &s, &n));
	CHECK_BAD(&a, "absent");
	CHECK(strstr(a.why, "required") != NULL);

	static const char *const wrong_type[] = {"number", "nil", "bool", "bin", "arr"};
	for (size_t i = 0; i < ARRAY_LEN(wrong_type); i++) {
		a = (struct args)ARGS_INIT(req);
		CHECKF(!args_str(&a, wrong_type[i], false, 0, 10, &s, &n) && s == NULL,
		       "%s accepted as a string", wrong_type[i]);
		CHECK_BAD(&a, wrong_type[i]);
	}

	a = (struct args)ARGS_INIT(req);
	CHECK(!args_str(&a, "empty", true, 1, 10, &s, &n));
	CHECK_BAD(&a, "empty");
	a = (struct args)ARGS_INIT(req);
	CHECK(args_str(&a, "empty", true, 0, 10, &s, &n) && n == 0);
	CHECK_GOOD(&a);

	/* NUL is valid UTF-8 (it passed frame_decode) but never allowed in a text field. */
	a = (struct args)ARGS_INIT(req);
	CHECK(!args_str(&a, "nul", true, 0, 10, &s, &n));
	CHECK_BAD(&a, "nul");
	CHECK(strstr(a.why, "NUL") != NULL);
	msg_free(&m);
}

/* Limits count characters, not bytes. */
static void test_args_str_chars(void)
{
	static const struct {
		const char *ch; /* one character */
		size_t count;
		size_t min, max;
		bool ok;
	} cases[] = {
	    {"a", 200, 1, 200, true},
	    {"a", 201, 1, 200, false},
	    {"\xc3\xa9", 200, 1, 200, true}, /* 400 bytes */
	    {"\xc3\xa9", 201, 1, 200, false},
	    {"\xe6\x9d\xb1", 200, 1, 200, true}, /* 600 bytes */
	    {"\xe6\x9d\xb1", 201, 1, 200, false},
	    {"\xf0\x9f\x98\x80", 64, 1, 64, true}, /* 256 bytes */
	    {"\xf0\x9f\x98\x80", 65, 1, 64, false},
	    {"\xc3\xa9", 1, 2, 10, false}, /* 2 bytes but 1 character: below min 2 */
	    {"\xc3\xa9", 2, 2, 10, true},
	    {"\xc3\xa9", 32000, 0, LIMIT_DESCRIPTION, true},
	    {"\xc3\xa9", 32001, 0, LIMIT_DESCRIPTION, false},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *text = repeat(cases[i].ch, cases[i].count);
		struct msg m;
		const char *s;
		size_t n;

		pk_kstr(msg_begin(&m, 1), "f", text);
		const msgpack_object *req = msg_end(&m);
		struct args a = ARGS_INIT(req);
		bool got = args_str(&a, "f", true, cases[i].min, cases[i].max, &s, &n);
		CHECKF(got == cases[i].ok && a.bad == !cases[i].ok,
		       "%zu x %zu-byte char, limits %zu..%zu: got %d (%s)", cases[i].count,
		       strlen(cases[i].ch), cases[i].min, cases[i].max, got, a.why);
		if (got)
			CHECK(n == strlen(text));
		else
			CHECK(why_names(&a, "f") && strstr(a.why, "characters") != NULL);
		msg_free(&m);
		free(text);
	}

	/* A string the frame check never saw (a direct caller) is still refused if malformed. */
	static const unsigned char raw[] = {0x81, 0xa1, 's', 0xa2, 0xc0, 0x80};
	msgpack_unpacked u;
	size_t off = 0;
	const char *s;
	size_t n;
	msgpack_unpacked_init(&u);
	if (CHECK(msgpack_unpack_next(&u, (const char *)raw, sizeof(raw), &off) ==
	          MSGPACK_UNPACK_SUCCESS)) {
		struct args a = ARGS_INIT(&u.data);
		CHECK(!args_str(&a, "s", true, 0, 10, &s, &n));
		CHECK_BAD(&a, "s");
		CHECK(strstr(a.why, "UTF-8") != NULL);
	}
	msgpack_unpacked_destroy(&u);
}

static void test_args_int(void)
{
	struct msg m;
	msgpack_packer *pk = msg_begin(&m, 10);
	int64_t v;

	pk_kint(pk, "three", 3);
	pk_kint(pk, "neg", -5);
	pk_kint(pk, "min", INT64_MIN);
	pk_kint(pk, "max", INT64_MAX);
	pk_str(pk, "over");
	msgpack_pack_uint64(pk, (uint64_t)INT64_MAX + 1);
	pk_str(pk, "umax");
	msgpack_pack_uint64(pk, UINT64_MAX);
	pk_kstr(pk, "str", "3");
	pk_str(pk, "float");
	msgpack_pack_double(pk, 3.0);
	pk_kbool(pk, "bool", true);
	pk_knil(pk, "nil");
	const msgpack_object *req = msg_end(&m);
	struct args a;

	a = (struct args)ARGS_INIT(req);
	v = 0;
	CHECK(args_int(&a, "three", true, 1, 3, &v) && v == 3); /* max is inclusive */
	CHECK(args_int(&a, "three", true, 3, 5, &v) && v == 3); /* min is inclusive */
	CHECK(args_int(&a, "neg", true, -10, 10, &v) && v == -5);
	CHECK(args_int(&a, "min", true, INT64_MIN, INT64_MAX, &v) && v == INT64_MIN);
	CHECK(args_int(&a, "max", true, INT64_MIN, INT64_MAX, &v) && v == INT64_MAX);
	CHECK_GOOD(&a);

	a = (struct args)ARGS_INIT(req);
	v = 42;
	CHECK(!args_int(&a, "absent", false, 0, 10, &v) && v == 42);
	CHECK_GOOD(&a);
	CHECK(!args_int(&a, "absent", true, 0, 10, &v) && v == 42);
	CHECK_BAD(&a, "absent");

	static const struct {
		const char *key;
		int64_t min, max;
	} bad[] = {
	    {"three", 4, 10}, /* below */
	    {"three", 0, 2},  /* above */
	    {"neg", 0, INT64_MAX},
	    {"min", INT64_MIN + 1, 0},
	    {"max", 0, INT64_MAX - 1},
	    {"over", INT64_MIN, INT64_MAX}, /* 2^63 does not fit an int64 */
	    {"umax", INT64_MIN, INT64_MAX},
	    {"str", INT64_MIN, INT64_MAX},
	    {"float", INT64_MIN, INT64_MAX},
	    {"bool", INT64_MIN, INT64_MAX},
	    {"nil", INT64_MIN, INT64_MAX},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		a = (struct args)ARGS_INIT(req);
		v = 42;
		CHECKF(!args_int(&a, bad[i].key, true, bad[i].min, bad[i].max, &v) && v == 42,
		       "'%s' accepted in %lld..%lld", bad[i].key, (long long)bad[i].min,
		       (long long)bad[i].max);
		CHECK_BAD(&a, bad[i].key);
	}
	msg_free(&m);
}

static void test_args_int_or_nil(void)
{
	struct msg m;
	msgpack_packer *pk = msg_begin(&m, 4);
	int64_t v;

	pk_kint(pk, "assignee_id", 7);
	pk_knil(pk, "requester_id");
	pk_kstr(pk, "queue_id", "7");
	pk_kint(pk, "big", 1000);
	const msgpack_object *req = msg_end(&m);
	struct args a = ARGS_INIT(req);

	v = 0;
	CHECK_EQ_INT(args_int_or_nil(&a, "assignee_id", 1, 100, &v), 1);
	CHECK_EQ_INT(v, 7);
	v = 42;
	CHECK_EQ_INT(args_int_or_nil(&a, "requester_id", 1, 100, &v), 2);
	CHECK_EQ_INT(v, 42);
	CHECK_EQ_INT(args_int_or_nil(&a, "absent", 1, 100, &v), 0);
	CHECK_EQ_INT(v, 42);
	CHECK_GOOD(&a);

	CHECK_EQ_INT(args_int_or_nil(&a, "queue_id", 1, 100, &v), 0);
	CHECK_BAD(&a, "queue_id");
	a = (struct args)ARGS_INIT(req);
	CHECK_EQ_INT(args_int_or_nil(&a, "big", 1, 100, &v), 0);
	CHECK_BAD(&a, "big");
	CHECK_EQ_INT(v, 42);
	msg_free(&m);
}

static void test_args_bool(void)
{
	struct msg m;
	msgpack_packer *pk = msg_begin(&m, 3);
	bool v;

	pk_kbool(pk, "open", true);
	pk_kbool(pk, "desc", false);
	pk_kint(pk, "one", 1);
	const msgpack_object *req = msg_end(&m);
	struct args a = ARGS_INIT(req);

	v = false;
	CHECK(args_bool(&a, "open", &v) && v);
	CHECK(args_bool(&a, "desc", &v) && !v);
	v = true;
	CHECK(!args_bool(&a, "absent", &v) && v);
	CHECK_GOOD(&a);
	CHECK(!args_bool(&a, "one", &v)); /* 1 is not true */
	CHECK_BAD(&a, "one");
	msg_free(&m);
}

static void test_args_enum(void)
{
	static const char *const statuses[] = {"new", "open", "pending", NULL};
	struct msg m;
	msgpack_packer *pk = msg_begin(&m, 6);

	pk_kstr(pk, "first", "new");
	pk_kstr(pk, "last", "pending");
	pk_kstr(pk, "unknown", "Open"); /* case matters */
	pk_kstr(pk, "prefix", "ope");
	pk_kint(pk, "number", 1);
	pk_kstr(pk, "empty", "");
	const msgpack_object *req = msg_end(&m);
	struct args a = ARGS_INIT(req);

	CHECK_EQ_INT(args_enum(&a, "first", true, statuses), 0);
	CHECK_EQ_INT(args_enum(&a, "last", true, statuses), 2);
	CHECK_EQ_INT(args_enum(&a, "absent", false, statuses), -1);
	CHECK_GOOD(&a);

	static const char *const bad[] = {"unknown", "prefix", "number", "empty", "absent"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		a = (struct args)ARGS_INIT(req);
		CHECK_EQ_INT(args_enum(&a, bad[i], true, statuses), -1);
		CHECK_BAD(&a, bad[i]);
	}
	a = (struct args)ARGS_INIT(req);
	args_enum(&a, "unknown", true, statuses);
	CHECK(strstr(a.why, "'Open'") != NULL); /* the value is echoed */
	msg_free(&m);

	/* The echoed value is cut to 40 bytes; the reason travels back to the peer in a str,
	 * so the cut must not split a character (the peer's mp_check would refuse the reply). */
	char *value = repeat("\xc3\xa9", 30);
	char *shifted = xasprintf("x%s", value); /* 61 bytes: byte 40 is mid-character */
	pk = msg_begin(&m, 2);
	pk_kstr(pk, "even", value);
	pk_kstr(pk, "odd", shifted);
	req = msg_end(&m);
	a = (struct args)ARGS_INIT(req);
	CHECK_EQ_INT(args_enum(&a, "even", true, statuses), -1);
	CHECK(a.bad && utf8_valid(a.why, strlen(a.why)));
	a = (struct args)ARGS_INIT(req);
	CHECK_EQ_INT(args_enum(&a, "odd", true, statuses), -1);
	CHECK(a.bad);
	CHECK(utf8_valid(a.why, strlen(a.why)));
	msg_free(&m);
	free(value);
	free(shifted);
}

/* The first problem is the one reported; later calls change nothing. */
static void test_args_first_error_wins(void)
{
	struct msg m;
	msgpack_packer *pk = msg_begin(&m, 5);
	const char *s;
	size_t n;
	int64_t v;
	bool b;

	pk_kint(pk, "subject", 12);     /* wrong type: the first error */
	pk_kstr(pk, "impact", "high");  /* wrong type too */
	pk_kint(pk, "urgency", 2);      /* valid */
	pk_kstr(pk, "type", "problem"); /* valid */
	pk_kbool(pk, "open", true);     /* valid */
	const msgpack_object *req = msg_end(&m);
	struct args a = ARGS_INIT(req);

	args_str(&a, "subject", true, 1, LIMIT_SUBJECT, &s, &n);
	CHECK_BAD(&a, "subject");
	args_int(&a, "impact", true, 1, 3, &v);
	args_str(&a, "missing", true, 1, 10, &s, &n);
	args_fail(&a, "field '%s' is broken", "manual");
	CHECK_BAD(&a, "subject");
	CHECK(!why_names(&a, "impact") && !why_names(&a, "missing") && !why_names(&a, "manual"));

	/* Valid fields read after an error are not read at all. */
	v = 42;
	CHECK(!args_int(&a, "urgency", true, 1, 3, &v) && v == 42);
	CHECK_EQ_INT(args_enum(&a, "type", true, ticket_type_names), -1);
	b = false;
	CHECK(!args_bool(&a, "open", &b) && !b);
	CHECK_EQ_INT(args_int_or_nil(&a, "urgency", 1, 3, &v), 0);
	s = "sentinel";
	CHECK(!args_str(&a, "type", true, 1, 64, &s, &n) && s == NULL);
	CHECK_BAD(&a, "subject");
	msg_free(&m);

	/* args_fail formats once, and bounds the reason to the buffer. */
	char key[300];
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	a = (struct args)ARGS_INIT(NULL);
	args_fail(&a, "field '%s' is too long", key);
	CHECK(a.bad && strlen(a.why) == sizeof(a.why) - 1);
	/* A NULL map (nothing decoded) reads as every field absent. */
	a = (struct args)ARGS_INIT(NULL);
	CHECK(!args_int(&a, "id", false, 0, 1, &v));
	CHECK_GOOD(&a);
	CHECK(!args_int(&a, "id", true, 0, 1, &v));
	CHECK_BAD(&a, "id");
}

static void test_mp_helpers(void)
{
	struct msg m;
	msgpack_packer *pk = msg_begin(&m, 4);

	pk_kstr(pk, "dup", "first");
	pk_kstr(pk, "dup", "second");
	pk_str(pk, "u");
	msgpack_pack_uint64(pk, (uint64_t)INT64_MAX + 1);
	pk_str(pk, "f");
	msgpack_pack_double(pk, 1.0);
	const msgpack_object *req = msg_end(&m);

	CHECK(mp_streq(mp_get(req, "dup"), "first")); /* the first of duplicate keys */
	CHECK(!mp_streq(mp_get(req, "dup"), "firs"));
	CHECK(!mp_streq(mp_get(req, "dup"), "firstt"));
	CHECK(!mp_streq(NULL, "x"));
	CHECK(mp_get(req, "du") == NULL);
	CHECK(mp_get(NULL, "dup") == NULL);
	if (req != NULL)
		CHECK(mp_get(mp_get(req, "u"), "x") == NULL); /* not a map */
	CHECK(!mp_is_int(mp_get(req, "u")));
	CHECK(!mp_is_int(mp_get(req, "f")));
	CHECK(!mp_is_int(NULL));
	CHECK(mp_strdup(mp_get(req, "u")) == NULL);
	CHECK(mp_strdup(NULL) == NULL);
	msg_free(&m);
}

static void test_error_names(void)
{
	static const struct {
		int code;
		const char *name;
	} names[] = {
	    {E_BAD_FRAME, "bad_frame"},
	    {E_FRAME_TOO_LARGE, "frame_too_large"},
	    {E_UNKNOWN_OP, "unknown_op"},
	    {E_BAD_REQUEST, "bad_request"},
	    {E_PROTO_VERSION, "proto_version"},
	    {E_HELLO_REQUIRED, "hello_required"},
	    {E_NOT_AUTHENTICATED, "not_authenticated"},
	    {E_AUTH_FAILED, "auth_failed"},
	    {E_FORBIDDEN, "forbidden"},
	    {E_NOT_FOUND, "not_found"},
	    {E_STALE_VERSION, "stale_version"},
	    {E_BUSY, "busy"},
	    {E_UNAVAILABLE, "unavailable"},
	    {E_INTERNAL, "internal"},
	    {E_INVALID_TRANSITION, "invalid_transition"},
	    {E_CONFLICT, "conflict"},
	};

	/* Codes are stable: these are the numbers in docs/protocol.md's table. */
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		CHECKF(names[i].code == (int)i + 1, "%s is code %d, docs say %zu", names[i].name,
		       names[i].code, i + 1);
		CHECK_STREQ(proto_error_name(names[i].code), names[i].name);
	}
	static const int unknown[] = {0, -1, 17, 100, INT_MAX, INT_MIN};
	for (size_t i = 0; i < ARRAY_LEN(unknown); i++)
		CHECK_STREQ(proto_error_name(unknown[i]), "unknown_error");
}

int main(void)
{
	RUN(test_frame_len);
	RUN(test_constants);
	RUN(test_frame_out_round_trip);
	RUN(test_frame_decode);
	RUN(test_args_str);
	RUN(test_args_str_chars);
	RUN(test_args_int);
	RUN(test_args_int_or_nil);
	RUN(test_args_bool);
	RUN(test_args_enum);
	RUN(test_args_first_error_wins);
	RUN(test_mp_helpers);
	RUN(test_error_names);
	return check_done();
}
