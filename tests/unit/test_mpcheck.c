/* test_mpcheck.c - mp_check on every MessagePack type and length form, on truncated, lying,
 * too deep and malformed input, and a deterministic fuzz loop cross-checked with msgpack-c. */
#include <limits.h>
#include <math.h>
#include <msgpack.h>
#include <stdlib.h>

#include "check.h"
#include "mpcheck.h"
#include "proto.h"
#include "util.h"

static const char *mp_name(enum mp_check_result r)
{
	static const char *const names[] = {"MP_OK",        "MP_TRUNCATED", "MP_TOO_DEEP",
	                                    "MP_BAD_COUNT", "MP_BAD_BYTE",  "MP_BAD_UTF8",
	                                    "MP_TRAILING"};

	return (unsigned)r < ARRAY_LEN(names) ? names[r] : "(out of range)";
}

/* mp_check over an exact-size heap copy, so AddressSanitizer reports any read past len. */
static enum mp_check_result mp_check_exact(const void *buf, size_t len, int max_depth)
{
	char *copy = xmalloc(len);
	enum mp_check_result r;

	memcpy(copy, buf, len);
	r = mp_check(copy, len, max_depth);
	free(copy);
	return r;
}

static bool check_mp(const void *buf, size_t len, int depth, enum mp_check_result want,
                     const char *label, const char *file, int line)
{
	enum mp_check_result r = mp_check_exact(buf, len, depth);

	return check_true(r == want, file, line, "mp_check(%s, %zu bytes, depth %d) = %s, want %s",
	                  label, len, depth, mp_name(r), mp_name(want));
}

#define CHECK_MP(buf, len, depth, want)                                                            \
	check_mp((buf), (len), (depth), (want), #buf, __FILE__, __LINE__)

/* A packer writing into a growable buffer. */
struct sb {
	msgpack_sbuffer sb;
	msgpack_packer pk;
};

static void sb_init(struct sb *b)
{
	msgpack_sbuffer_init(&b->sb);
	msgpack_packer_init(&b->pk, &b->sb, msgpack_sbuffer_write);
}

static void sb_raw(struct sb *b, const unsigned char *bytes, size_t n)
{
	msgpack_sbuffer_write(&b->sb, (const char *)bytes, n);
}

/* Append literal bytes, e.g. non-minimal headers msgpack-c would never produce. */
#define RAW(b, ...)                                                                                \
	sb_raw((b), (const unsigned char[]){__VA_ARGS__},                                          \
	       sizeof((const unsigned char[]){__VA_ARGS__}))

/* CHECK_MP over literal bytes. */
#define CHECK_BYTES(depth, want, ...)                                                              \
	check_mp((const unsigned char[]){__VA_ARGS__},                                             \
	         sizeof((const unsigned char[]){__VA_ARGS__}), (depth), (want), #__VA_ARGS__,      \
	         __FILE__, __LINE__)

/* n bytes of valid UTF-8 mixing 1-, 2-, 3- and 4-byte characters ("a", e acute, CJK, emoji),
 * padded with ASCII to the exact length. */
static char *utf8_text(size_t n)
{
	static const char unit[] = "a\xc3\xa9\xe6\x9d\xb1\xf0\x9f\x98\x80";
	char *s = xmalloc(n + 1);
	size_t i = 0;

	for (; i + sizeof(unit) - 1 <= n; i += sizeof(unit) - 1)
		memcpy(s + i, unit, sizeof(unit) - 1);
	memset(s + i, 'x', n - i);
	s[n] = '\0';
	return s;
}

/* Every byte value, including ones never valid in UTF-8. */
static char *binary(size_t n)
{
	char *s = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = (char)(i * 7 + 0xc0);
	return s;
}

/* The buffer holds one valid object: its first byte is the intended format, mp_check accepts
 * it, and msgpack-c decodes it consuming every byte. The decoded object is left in *u for
 * value checks (the caller destroys it). */
static bool check_valid_at(struct sb *b, int first, msgpack_unpacked *u, const char *label,
                           const char *file, int line)
{
	size_t off = 0;
	bool ok = true;

	ok &= check_true(b->sb.size > 0 && (unsigned char)b->sb.data[0] == first, file, line,
	                 "%s: format byte 0x%02x, want 0x%02x", label,
	                 b->sb.size > 0 ? (unsigned char)b->sb.data[0] : 0, (unsigned)first);
	ok &= check_mp(b->sb.data, b->sb.size, MP_MAX_DEPTH, MP_OK, label, file, line);
	msgpack_unpacked_init(u);
	ok &= check_true(
	    msgpack_unpack_next(u, b->sb.data, b->sb.size, &off) == MSGPACK_UNPACK_SUCCESS &&
	        off == b->sb.size,
	    file, line, "%s: msgpack-c did not decode all %zu bytes", label, b->sb.size);
	return ok;
}

#define CHECK_VALID(b, first, u) check_valid_at((b), (first), (u), #first, __FILE__, __LINE__)

enum pk_kind { U8, U16, U32, U64, I8, I16, I32, I64, FU8, FU16, FU32, FU64, FI8, FI16, FI32, FI64 };

static void test_ints(void)
{
	static const struct {
		enum pk_kind kind;
		int64_t s;  /* signed kinds */
		uint64_t u; /* unsigned kinds */
		int first;
	} cases[] = {
	    {U64, 0, 0, 0x00},
	    {U64, 0, 127, 0x7f},
	    {U64, 0, 128, 0xcc},
	    {U64, 0, 255, 0xcc},
	    {U64, 0, 256, 0xcd},
	    {U64, 0, 65535, 0xcd},
	    {U64, 0, 65536, 0xce},
	    {U64, 0, 0xffffffffu, 0xce},
	    {U64, 0, 0x100000000u, 0xcf},
	    {U64, 0, UINT64_MAX, 0xcf},
	    {U8, 0, 200, 0xcc},
	    {U16, 0, 65000, 0xcd},
	    {U32, 0, 4000000000u, 0xce},
	    {I64, -1, 0, 0xff},
	    {I64, -32, 0, 0xe0},
	    {I64, -33, 0, 0xd0},
	    {I64, -128, 0, 0xd0},
	    {I64, -129, 0, 0xd1},
	    {I64, -32768, 0, 0xd1},
	    {I64, -32769, 0, 0xd2},
	    {I64, INT32_MIN, 0, 0xd2},
	    {I64, (int64_t)INT32_MIN - 1, 0, 0xd3},
	    {I64, INT64_MIN, 0, 0xd3},
	    {I64, INT64_MAX, 0, 0xcf},
	    {I8, -100, 0, 0xd0},
	    {I16, -30000, 0, 0xd1},
	    {I32, -2000000000, 0, 0xd2},
	    {FU8, 0, 1, 0xcc},
	    {FU16, 0, 1, 0xcd},
	    {FU32, 0, 1, 0xce},
	    {FU64, 0, 1, 0xcf},
	    {FI8, -1, 0, 0xd0},
	    {FI16, -1, 0, 0xd1},
	    {FI32, -1, 0, 0xd2},
	    {FI64, -1, 0, 0xd3},
	    {FI8, 5, 0, 0xd0}, /* a signed format holding a positive value */
	    {FI64, INT64_MIN, 0, 0xd3},
	};
	struct sb b;

	sb_init(&b);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		msgpack_packer *pk = &b.pk;
		int64_t s = cases[i].s;
		uint64_t u = cases[i].u;
		bool is_signed = cases[i].kind >= I8 && cases[i].kind <= I64;
		msgpack_unpacked un;

		is_signed |= cases[i].kind >= FI8;
		msgpack_sbuffer_clear(&b.sb);
		switch (cases[i].kind) {
		case U8:
			msgpack_pack_uint8(pk, (uint8_t)u);
			break;
		case U16:
			msgpack_pack_uint16(pk, (uint16_t)u);
			break;
		case U32:
			msgpack_pack_uint32(pk, (uint32_t)u);
			break;
		case U64:
			msgpack_pack_uint64(pk, u);
			break;
		case I8:
			msgpack_pack_int8(pk, (int8_t)s);
			break;
		case I16:
			msgpack_pack_int16(pk, (int16_t)s);
			break;
		case I32:
			msgpack_pack_int32(pk, (int32_t)s);
			break;
		case I64:
			msgpack_pack_int64(pk, s);
			break;
		case FU8:
			msgpack_pack_fix_uint8(pk, (uint8_t)u);
			break;
		case FU16:
			msgpack_pack_fix_uint16(pk, (uint16_t)u);
			break;
		case FU32:
			msgpack_pack_fix_uint32(pk, (uint32_t)u);
			break;
		case FU64:
			msgpack_pack_fix_uint64(pk, u);
			break;
		case FI8:
			msgpack_pack_fix_int8(pk, (int8_t)s);
			break;
		case FI16:
			msgpack_pack_fix_int16(pk, (int16_t)s);
			break;
		case FI32:
			msgpack_pack_fix_int32(pk, (int32_t)s);
			break;
		case FI64:
			msgpack_pack_fix_int64(pk, s);
			break;
		}
		if (check_valid_at(&b, cases[i].first, &un, "int", __FILE__, __LINE__)) {
			const msgpack_object *o = &un.data;
			bool ok =
			    is_signed && s < 0
			        ? o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER && o->via.i64 == s
			        : o->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
			              o->via.u64 == (is_signed ? (uint64_t)s : u);
			CHECKF(ok, "int case %zu decoded to a different value", i);
		}
		msgpack_unpacked_destroy(&un);
	}
	msgpack_sbuffer_destroy(&b.sb);
}

static void test_scalars(void)
{
	struct sb b;
	msgpack_unpacked u;

	sb_init(&b);
	msgpack_pack_nil(&b.pk);
	if (CHECK_VALID(&b, 0xc0, &u))
		CHECK(u.data.type == MSGPACK_OBJECT_NIL);
	msgpack_unpacked_destroy(&u);

	msgpack_sbuffer_clear(&b.sb);
	msgpack_pack_true(&b.pk);
	if (CHECK_VALID(&b, 0xc3, &u))
		CHECK(u.data.type == MSGPACK_OBJECT_BOOLEAN && u.data.via.boolean);
	msgpack_unpacked_destroy(&u);

	msgpack_sbuffer_clear(&b.sb);
	msgpack_pack_false(&b.pk);
	if (CHECK_VALID(&b, 0xc2, &u))
		CHECK(u.data.type == MSGPACK_OBJECT_BOOLEAN && !u.data.via.boolean);
	msgpack_unpacked_destroy(&u);

	static const double doubles[] = {0.0, -0.0, 1.5, -1e300, INFINITY, -INFINITY, NAN};
	for (size_t i = 0; i < ARRAY_LEN(doubles); i++) {
		msgpack_sbuffer_clear(&b.sb);
		msgpack_pack_float(&b.pk, (float)doubles[i]);
		if (CHECK_VALID(&b, 0xca, &u))
			CHECKF(u.data.type == MSGPACK_OBJECT_FLOAT32 &&
			           (isnan(doubles[i]) ? isnan(u.data.via.f64)
			                              : u.data.via.f64 == (float)doubles[i]),
			       "float %g", doubles[i]);
		msgpack_unpacked_destroy(&u);

		msgpack_sbuffer_clear(&b.sb);
		msgpack_pack_double(&b.pk, doubles[i]);
		if (CHECK_VALID(&b, 0xcb, &u))
			CHECKF(u.data.type == MSGPACK_OBJECT_FLOAT64 &&
			           (isnan(doubles[i]) ? isnan(u.data.via.f64)
			                              : u.data.via.f64 == doubles[i]),
			       "double %g", doubles[i]);
		msgpack_unpacked_destroy(&u);
	}
	msgpack_sbuffer_destroy(&b.sb);
}

enum raw_kind { STR, BIN, EXT };

/* str, bin and ext at each length form's smallest and largest size (within reason). */
static void test_raw(void)
{
	static const struct {
		enum raw_kind kind;
		size_t len;
		int first;
	} cases[] = {
	    {STR, 0, 0xa0},     {STR, 1, 0xa1},     {STR, 31, 0xbf},    {STR, 32, 0xd9},
	    {STR, 255, 0xd9},   {STR, 256, 0xda},   {STR, 65535, 0xda}, {STR, 65536, 0xdb},
	    {STR, 70000, 0xdb}, {BIN, 0, 0xc4},     {BIN, 1, 0xc4},     {BIN, 255, 0xc4},
	    {BIN, 256, 0xc5},   {BIN, 65535, 0xc5}, {BIN, 65536, 0xc6}, {EXT, 1, 0xd4},
	    {EXT, 2, 0xd5},     {EXT, 4, 0xd6},     {EXT, 8, 0xd7},     {EXT, 16, 0xd8},
	    {EXT, 0, 0xc7},     {EXT, 3, 0xc7},     {EXT, 17, 0xc7},    {EXT, 255, 0xc7},
	    {EXT, 256, 0xc8},   {EXT, 65535, 0xc8}, {EXT, 65536, 0xc9},
	};
	struct sb b;

	sb_init(&b);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t n = cases[i].len;
		char *body = cases[i].kind == STR ? utf8_text(n) : binary(n);
		msgpack_unpacked u;
		char label[32];

		msgpack_sbuffer_clear(&b.sb);
		switch (cases[i].kind) {
		case STR:
			msgpack_pack_str_with_body(&b.pk, body, n);
			break;
		case BIN:
			msgpack_pack_bin_with_body(&b.pk, body, n);
			break;
		case EXT:
			msgpack_pack_ext_with_body(&b.pk, body, n, (int8_t)(i - 10));
			break;
		}
		snprintf(label, sizeof(label), "%s %zu",
		         cases[i].kind == STR   ? "str"
		         : cases[i].kind == BIN ? "bin"
		                                : "ext",
		         n);
		if (check_valid_at(&b, cases[i].first, &u, label, __FILE__, __LINE__)) {
			const msgpack_object *o = &u.data;
			bool ok;
			/* (msgpack-c decodes an empty str with a NULL pointer.) */
			switch (cases[i].kind) {
			case STR:
				ok = o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
				     (n == 0 || memcmp(o->via.str.ptr, body, n) == 0);
				break;
			case BIN:
				ok = o->type == MSGPACK_OBJECT_BIN && o->via.bin.size == n &&
				     (n == 0 || memcmp(o->via.bin.ptr, body, n) == 0);
				break;
			default:
				ok = o->type == MSGPACK_OBJECT_EXT && o->via.ext.size == n &&
				     o->via.ext.type == (int8_t)(i - 10) &&
				     (n == 0 || memcmp(o->via.ext.ptr, body, n) == 0);
				break;
			}
			CHECKF(ok, "%s decoded to something else", label);
		}
		msgpack_unpacked_destroy(&u);
		free(body);
	}

	/* Timestamps are ext -1 in three sizes. */
	static const msgpack_timestamp ts[] = {{1, 0}, {1, 1}, {-1, 5}};
	static const int ts_first[] = {0xd6, 0xd7, 0xc7};
	for (size_t i = 0; i < ARRAY_LEN(ts); i++) {
		msgpack_unpacked u;
		msgpack_sbuffer_clear(&b.sb);
		msgpack_pack_timestamp(&b.pk, &ts[i]);
		CHECK_VALID(&b, ts_first[i], &u);
		msgpack_unpacked_destroy(&u);
	}
	msgpack_sbuffer_destroy(&b.sb);
}

/* Elements of assorted types for filling containers. */
static void pack_element(msgpack_packer *pk, size_t i)
{
	switch (i % 6) {
	case 0:
		msgpack_pack_nil(pk);
		break;
	case 1:
		msgpack_pack_int64(pk, -(int64_t)i);
		break;
	case 2:
		msgpack_pack_uint64(pk, i * 1000003u);
		break;
	case 3:
		pk_str(pk, "\xe6\x9d\xb1");
		break;
	case 4:
		msgpack_pack_true(pk);
		break;
	default:
		msgpack_pack_array(pk, 0);
		break;
	}
}

static void test_containers(void)
{
	static const struct {
		bool map;
		size_t n;
		int first;
	} cases[] = {
	    {false, 0, 0x90},     {false, 1, 0x91},     {false, 15, 0x9f},   {false, 16, 0xdc},
	    {false, 65535, 0xdc}, {false, 65536, 0xdd}, {true, 0, 0x80},     {true, 1, 0x81},
	    {true, 15, 0x8f},     {true, 16, 0xde},     {true, 65535, 0xde}, {true, 65536, 0xdf},
	};
	struct sb b;

	sb_init(&b);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		msgpack_unpacked u;
		msgpack_sbuffer_clear(&b.sb);
		if (cases[i].map) {
			msgpack_pack_map(&b.pk, cases[i].n);
			for (size_t k = 0; k < cases[i].n; k++) {
				msgpack_pack_uint64(&b.pk, k); /* keys need not be strings */
				pack_element(&b.pk, k);
			}
		} else {
			msgpack_pack_array(&b.pk, cases[i].n);
			for (size_t k = 0; k < cases[i].n; k++)
				pack_element(&b.pk, k);
		}
		if (check_valid_at(&b, cases[i].first, &u, cases[i].map ? "map" : "array", __FILE__,
		                   __LINE__))
			CHECKF(cases[i].map ? u.data.type == MSGPACK_OBJECT_MAP &&
			                          u.data.via.map.size == cases[i].n
			                    : u.data.type == MSGPACK_OBJECT_ARRAY &&
			                          u.data.via.array.size == cases[i].n,
			       "container case %zu decoded to something else", i);
		msgpack_unpacked_destroy(&u);
	}
	msgpack_sbuffer_destroy(&b.sb);
}

/* Length fields wider than needed are legal MessagePack; they also let the truncation test
 * cover every 16- and 32-bit header form in a small message. */
static void pack_nonminimal(struct sb *b)
{
	msgpack_pack_array(&b->pk, 12);
	RAW(b, 0xd9, 0x02, 'h', 'i');                                      /* str8 */
	RAW(b, 0xda, 0x00, 0x02, 0xc3, 0xa9);                              /* str16 */
	RAW(b, 0xdb, 0x00, 0x00, 0x00, 0x03, 0xe6, 0x9d, 0xb1);            /* str32 */
	RAW(b, 0xdb, 0x00, 0x00, 0x00, 0x00);                              /* empty str32 */
	RAW(b, 0xc5, 0x00, 0x02, 0xff, 0xc0);                              /* bin16 */
	RAW(b, 0xc6, 0x00, 0x00, 0x00, 0x01, 0xc1);                        /* bin32 */
	RAW(b, 0xc7, 0x00, 0x05);                                          /* empty ext8 */
	RAW(b, 0xc8, 0x00, 0x01, 0x05, 0xaa);                              /* ext16 */
	RAW(b, 0xc9, 0x00, 0x00, 0x00, 0x02, 0x7f, 0xc1, 0xdd);            /* ext32 */
	RAW(b, 0xdc, 0x00, 0x02, 0xc0, 0xc3);                              /* array16 */
	RAW(b, 0xdd, 0x00, 0x00, 0x00, 0x01, 0x01);                        /* array32 */
	RAW(b, 0xdf, 0x00, 0x00, 0x00, 0x01, 0xa1, 'k', 0xde, 0x00, 0x00); /* map32, map16 */
}

/* A message with one of nearly everything, 7 levels deep at most. */
static void pack_complex(struct sb *b)
{
	char *s300 = utf8_text(300), *b300 = binary(300);

	msgpack_pack_map(&b->pk, 14);
	pk_str(&b->pk, "op");
	pk_str(&b->pk, "ticket.create");
	pk_kint(&b->pk, "rid", 4294967295);
	pk_kint(&b->pk, "neg", INT64_MIN);
	pk_kbool(&b->pk, "flag", true);
	pk_knil(&b->pk, "none");
	pk_str(&b->pk, "ints");
	msgpack_pack_array(&b->pk, 8);
	msgpack_pack_fix_uint8(&b->pk, 1);
	msgpack_pack_fix_uint16(&b->pk, 2);
	msgpack_pack_fix_uint32(&b->pk, 3);
	msgpack_pack_fix_uint64(&b->pk, 4);
	msgpack_pack_fix_int8(&b->pk, -1);
	msgpack_pack_fix_int16(&b->pk, -2);
	msgpack_pack_fix_int32(&b->pk, -3);
	msgpack_pack_fix_int64(&b->pk, -4);
	pk_str(&b->pk, "floats");
	msgpack_pack_array(&b->pk, 2);
	msgpack_pack_float(&b->pk, 0.5f);
	msgpack_pack_double(&b->pk, -2.25);
	pk_kstr(&b->pk, "text", "h\xc3\xa9llo \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80");
	pk_str(&b->pk, "str16");
	pk_strn(&b->pk, s300, 300);
	pk_str(&b->pk, "bins");
	msgpack_pack_array(&b->pk, 2);
	msgpack_pack_bin_with_body(&b->pk, b300, 40);
	msgpack_pack_bin_with_body(&b->pk, b300, 300);
	pk_str(&b->pk, "exts");
	msgpack_pack_array(&b->pk, 4);
	msgpack_pack_ext_with_body(&b->pk, "x", 1, 1);
	msgpack_pack_ext_with_body(&b->pk, b300, 16, 2);
	msgpack_pack_ext_with_body(&b->pk, b300, 20, -3);
	msgpack_pack_ext_with_body(&b->pk, b300, 300, 4);
	pk_str(&b->pk, "nonminimal");
	pack_nonminimal(b);
	msgpack_pack_uint64(&b->pk, 42); /* a non-string key */
	msgpack_pack_map(&b->pk, 0);
	pk_str(&b->pk, "deep");
	for (int i = 0; i < 3; i++) {
		msgpack_pack_array(&b->pk, 2);
		msgpack_pack_map(&b->pk, 1);
		pk_kint(&b->pk, "d", i);
		msgpack_pack_array(&b->pk, 1);
	}
	msgpack_pack_nil(&b->pk);
	free(s300);
	free(b300);
}

static void test_complex_and_truncation(void)
{
	struct sb b;
	msgpack_unpacked u;
	long bad = 0;

	sb_init(&b);
	pack_complex(&b);
	CHECK_VALID(&b, 0x8e, &u);
	msgpack_unpacked_destroy(&u);
	CHECK_MP(b.sb.data, b.sb.size, FRAME_MAX_DEPTH, MP_OK);

	/* Every proper prefix ends inside some object. */
	for (size_t cut = 0; cut < b.sb.size; cut++) {
		enum mp_check_result r = mp_check_exact(b.sb.data, cut, FRAME_MAX_DEPTH);
		if (r != MP_TRUNCATED && r != MP_BAD_COUNT && bad++ < 5)
			CHECKF(0, "prefix of %zu/%zu bytes: %s, want MP_TRUNCATED or MP_BAD_COUNT",
			       cut, b.sb.size, mp_name(r));
	}
	CHECK_EQ_INT(bad, 0);

	/* One byte too many. */
	msgpack_pack_nil(&b.pk);
	CHECK_MP(b.sb.data, b.sb.size, FRAME_MAX_DEPTH, MP_TRAILING);
	msgpack_sbuffer_destroy(&b.sb);

	/* The large forms too, cut just inside each header and body. */
	char *big = utf8_text(70000);
	sb_init(&b);
	msgpack_pack_array(&b.pk, 2);
	pk_strn(&b.pk, big, 70000);
	msgpack_pack_bin_with_body(&b.pk, big, 70000);
	CHECK_MP(b.sb.data, b.sb.size, FRAME_MAX_DEPTH, MP_OK);
	/* (cut 1 or 2 is a lying array count: two elements cannot fit in fewer bytes) */
	static const size_t cuts[] = {0, 3, 5, 6, 100, 70005, 70006, 70007, 70010, 70011};
	for (size_t i = 0; i < ARRAY_LEN(cuts); i++)
		CHECKF(mp_check(b.sb.data, cuts[i], FRAME_MAX_DEPTH) == MP_TRUNCATED,
		       "large message cut at %zu: %s", cuts[i],
		       mp_name(mp_check(b.sb.data, cuts[i], FRAME_MAX_DEPTH)));
	CHECK_MP(b.sb.data, b.sb.size - 1, FRAME_MAX_DEPTH, MP_TRUNCATED);
	msgpack_sbuffer_destroy(&b.sb);
	free(big);
}

static void test_lying_counts(void)
{
	/* The 5-byte header that makes msgpack-c reserve ~384 MiB. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0xdd, 0x00, 0xff, 0xff, 0xff);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0xdf, 0x00, 0xff, 0xff, 0xff);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0xdd, 0xff, 0xff, 0xff, 0xff);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0xdf, 0xff, 0xff, 0xff, 0xff);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0xdc, 0xff, 0xff);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0xde, 0xff, 0xff);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0x91);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0x81);
	/* Nested inside a valid map, after a valid field. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0x82, 0xa1, 'a', 0xc0, 0xa1, 'b', 0xdd, 0x00,
	            0xff, 0xff, 0xff);
	/* A header cut short is truncation, not a count. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRUNCATED, 0xdd, 0x00, 0xff);

	/* Real bytes behind the lie do not make it true. */
	unsigned char buf[5 + 4096] = {0xdd, 0x00, 0xff, 0xff, 0xff};
	memset(buf + 5, 0xc0, 4096);
	CHECK_MP(buf, sizeof(buf), FRAME_MAX_DEPTH, MP_BAD_COUNT);
	buf[3] = 0x10, buf[4] = 0x00; /* claims exactly 4096 nils: true */
	buf[1] = 0x00, buf[2] = 0x00;
	CHECK_MP(buf, sizeof(buf), FRAME_MAX_DEPTH, MP_OK);
	buf[4] = 0x01; /* 4097: one more than there are bytes */
	CHECK_MP(buf, sizeof(buf), FRAME_MAX_DEPTH, MP_BAD_COUNT);

	/* At the edge: a map of 3 pairs needs 6 bytes. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0x83, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0x83, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0x9f, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0,
	            0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_COUNT, 0x9f, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0,
	            0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0);
	/* Enough bytes for the count, but the elements are larger than one byte. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRUNCATED, 0x92, 0xcd, 0x01);
	/* A str length beyond the buffer. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRUNCATED, 0xdb, 0xff, 0xff, 0xff, 0xff, 'a');
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRUNCATED, 0xc6, 0x7f, 0xff, 0xff, 0xff);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRUNCATED, 0xc9, 0xff, 0xff, 0xff, 0xff, 0x01);
}

/* levels nested containers (arrays or single-entry maps); the innermost holds a nil, or
 * nothing if empty. */
static void pack_nest(struct sb *b, int levels, bool maps, bool empty)
{
	for (int i = 0; i < levels; i++) {
		bool last = i == levels - 1;
		if (maps) {
			msgpack_pack_map(&b->pk, last && empty ? 0 : 1);
			if (!(last && empty))
				pk_str(&b->pk, "k");
		} else {
			msgpack_pack_array(&b->pk, last && empty ? 0 : 1);
		}
	}
	if (levels == 0 || !empty)
		msgpack_pack_nil(&b->pk);
}

static enum mp_check_result nest_check(int levels, bool maps, bool empty, int max_depth)
{
	struct sb b;
	enum mp_check_result r;

	sb_init(&b);
	pack_nest(&b, levels, maps, empty);
	r = mp_check_exact(b.sb.data, b.sb.size, max_depth);
	msgpack_sbuffer_destroy(&b.sb);
	return r;
}

static void test_depth(void)
{
	for (int maps = 0; maps <= 1; maps++) {
		for (int levels = 0; levels <= FRAME_MAX_DEPTH; levels++)
			CHECKF(nest_check(levels, maps, false, FRAME_MAX_DEPTH) == MP_OK,
			       "%d levels of %s at limit %d: %s", levels, maps ? "maps" : "arrays",
			       FRAME_MAX_DEPTH,
			       mp_name(nest_check(levels, maps, false, FRAME_MAX_DEPTH)));
		for (int levels = FRAME_MAX_DEPTH + 1; levels <= 40; levels++)
			CHECKF(nest_check(levels, maps, false, FRAME_MAX_DEPTH) == MP_TOO_DEEP,
			       "%d levels of %s at limit %d: %s", levels, maps ? "maps" : "arrays",
			       FRAME_MAX_DEPTH,
			       mp_name(nest_check(levels, maps, false, FRAME_MAX_DEPTH)));
	}
	/* Far deeper than msgpack-c's own 32-level stack. */
	CHECK_EQ_INT(nest_check(1000, false, false, FRAME_MAX_DEPTH), MP_TOO_DEEP);

	/* The compile-time ceiling: larger limits are clamped to it. */
	CHECK_EQ_INT(nest_check(MP_MAX_DEPTH, false, false, MP_MAX_DEPTH), MP_OK);
	CHECK_EQ_INT(nest_check(MP_MAX_DEPTH + 1, false, false, MP_MAX_DEPTH), MP_TOO_DEEP);
	CHECK_EQ_INT(nest_check(MP_MAX_DEPTH, true, false, 1000), MP_OK);
	CHECK_EQ_INT(nest_check(MP_MAX_DEPTH + 1, true, false, 1000), MP_TOO_DEEP);
	CHECK_EQ_INT(nest_check(MP_MAX_DEPTH + 1, false, false, MP_MAX_DEPTH + 1), MP_TOO_DEEP);
	CHECK_EQ_INT(nest_check(MP_MAX_DEPTH + 2, false, false, MP_MAX_DEPTH + 1), MP_TOO_DEEP);
	CHECK_EQ_INT(nest_check(MP_MAX_DEPTH + 1, false, false, INT_MAX), MP_TOO_DEEP);
	/* mp_check must stop before msgpack-c's unpacker runs out of stack (32 levels). */
	CHECK(MP_MAX_DEPTH < 32);
	CHECK(FRAME_MAX_DEPTH <= MP_MAX_DEPTH);

	/* Limit 0: scalars only. */
	CHECK_EQ_INT(nest_check(0, false, false, 0), MP_OK);
	CHECK_EQ_INT(nest_check(1, false, false, 0), MP_TOO_DEEP);
	CHECK_EQ_INT(nest_check(1, true, false, 1), MP_OK);

	/* Empty containers at the limit are fine... */
	CHECK_EQ_INT(nest_check(FRAME_MAX_DEPTH, false, true, FRAME_MAX_DEPTH), MP_OK);
	CHECK_EQ_INT(nest_check(FRAME_MAX_DEPTH, true, true, FRAME_MAX_DEPTH), MP_OK);
	/* ...but one level below it is still a level: docs/protocol.md allows 8 levels of
	 * nesting, and an empty container inside the 8th is the 9th. */
	CHECK(nest_check(FRAME_MAX_DEPTH + 1, false, true, FRAME_MAX_DEPTH) == MP_TOO_DEEP);
	CHECK(nest_check(FRAME_MAX_DEPTH + 1, true, true, FRAME_MAX_DEPTH) == MP_TOO_DEEP);
}

static void test_bad_byte(void)
{
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_BYTE, 0xc1);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_BYTE, 0x91, 0xc1);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_BYTE, 0x81, 0xc1, 0xc0);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_BYTE, 0x81, 0xa1, 'k', 0xc1);
	/* Inside a str, bin or ext body, 0xc1 is just data. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0xc4, 0x01, 0xc1);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0xd4, 0x01, 0xc1);
	/* After the single object it is trailing garbage. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRAILING, 0xc0, 0xc1);
}

static void test_utf8(void)
{
	static const struct {
		const char *bytes;
		size_t n;
		const char *what;
	} bad[] = {
	    {"\xc0\x80", 2, "overlong NUL"},
	    {"\xe0\x80\xaf", 3, "overlong slash"},
	    {"\xed\xa0\x80", 3, "surrogate U+D800"},
	    {"\xed\xbf\xbf", 3, "surrogate U+DFFF"},
	    {"\xf4\x90\x80\x80", 4, "U+110000"},
	    {"\xe6\x9d", 2, "truncated CJK"},
	    {"\xf0\x9f\x98", 3, "truncated emoji"},
	    {"\x80", 1, "lone continuation"},
	    {"\xff", 1, "byte FF"},
	};
	struct sb b;

	sb_init(&b);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		const char *s = bad[i].bytes;
		size_t n = bad[i].n;
		char padded[64];

		/* Alone, between valid text, in a str8, as a map key: each is rejected. */
		snprintf(padded, sizeof(padded),
		         "caf\xc3\xa9 %.*s \xe6\x9d\xb1 and quite a bit more padding", (int)n, s);
		msgpack_sbuffer_clear(&b.sb);
		pk_strn(&b.pk, s, n);
		CHECKF(mp_check_exact(b.sb.data, b.sb.size, FRAME_MAX_DEPTH) == MP_BAD_UTF8,
		       "str %s accepted", bad[i].what);
		msgpack_sbuffer_clear(&b.sb);
		pk_str(&b.pk, padded);
		CHECKF((unsigned char)b.sb.data[0] == 0xd9 &&
		           mp_check_exact(b.sb.data, b.sb.size, FRAME_MAX_DEPTH) == MP_BAD_UTF8,
		       "str8 with %s accepted", bad[i].what);
		msgpack_sbuffer_clear(&b.sb);
		msgpack_pack_map(&b.pk, 1);
		pk_strn(&b.pk, s, n);
		msgpack_pack_nil(&b.pk);
		CHECKF(mp_check_exact(b.sb.data, b.sb.size, FRAME_MAX_DEPTH) == MP_BAD_UTF8,
		       "map key %s accepted", bad[i].what);
		msgpack_sbuffer_clear(&b.sb);
		msgpack_pack_map(&b.pk, 1);
		pk_str(&b.pk, "k");
		pk_strn(&b.pk, s, n);
		CHECKF(mp_check_exact(b.sb.data, b.sb.size, FRAME_MAX_DEPTH) == MP_BAD_UTF8,
		       "map value %s accepted", bad[i].what);

		/* The same bytes are fine where they are not text. */
		msgpack_sbuffer_clear(&b.sb);
		msgpack_pack_bin_with_body(&b.pk, s, n);
		CHECKF(mp_check_exact(b.sb.data, b.sb.size, FRAME_MAX_DEPTH) == MP_OK,
		       "bin with %s rejected", bad[i].what);
		msgpack_sbuffer_clear(&b.sb);
		msgpack_pack_ext_with_body(&b.pk, s, n, 7);
		CHECKF(mp_check_exact(b.sb.data, b.sb.size, FRAME_MAX_DEPTH) == MP_OK,
		       "ext with %s rejected", bad[i].what);
	}
	msgpack_sbuffer_destroy(&b.sb);

	/* Edges of the valid range, and NUL (valid UTF-8; text fields reject it later). */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0xa4, 0xf4, 0x8f, 0xbf, 0xbf);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0xa3, 0xed, 0x9f, 0xbf);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0xa3, 0xee, 0x80, 0x80);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0xa3, 'a', 0x00, 'b');
	/* A character split across two strs is two invalid strs. */
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_BAD_UTF8, 0x92, 0xa1, 0xc3, 0xa1, 0xa9);
}

static void test_trailing_and_empty(void)
{
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_OK, 0x00);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRAILING, 0xc0, 0xc0);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRAILING, 0x80, 0x00);
	CHECK_BYTES(FRAME_MAX_DEPTH, MP_TRAILING, 0x81, 0xa1, 'k', 0xc0, 0x80);
	CHECK_EQ_INT(mp_check("", 0, FRAME_MAX_DEPTH), MP_TRUNCATED);
	CHECK_EQ_INT(mp_check(NULL, 0, FRAME_MAX_DEPTH), MP_TRUNCATED);
}

static void test_result_strings(void)
{
	for (int r = MP_OK; r <= MP_TRAILING; r++) {
		CHECKF(strcmp(mp_check_str((enum mp_check_result)r), "unknown") != 0,
		       "mp_check_str(%s) is unknown", mp_name((enum mp_check_result)r));
		for (int q = MP_OK; q < r; q++)
			CHECKF(strcmp(mp_check_str((enum mp_check_result)r),
			              mp_check_str((enum mp_check_result)q)) != 0,
			       "%s and %s share a description", mp_name((enum mp_check_result)r),
			       mp_name((enum mp_check_result)q));
	}
	CHECK_STREQ(mp_check_str((enum mp_check_result)99), "unknown");
}

/* ---- fuzz --------------------------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

static size_t rnd(size_t n)
{
	return n == 0 ? 0 : (size_t)(rng() % n);
}

/* Bytes that mean something to the format: headers, limits, UTF-8 leads. */
static const unsigned char interesting[] = {
    0x00, 0x01, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x91, 0x9f, 0xa0, 0xa1, 0xbf, 0xc0, 0xc1, 0xc2,
    0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd3,
    0xd4, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff,
};

static unsigned char rnd_byte(void)
{
	return rnd(2) ? interesting[rnd(ARRAY_LEN(interesting))] : (unsigned char)rng();
}

/* Nesting depth of a generated object: counting every container, as docs/protocol.md does,
 * and counting only non-empty ones, as mp_check does today (see the XFAIL in test_depth). */
struct depth {
	int all, nonempty;
};

static void depth_max(struct depth *d, struct depth c)
{
	d->all = c.all > d->all ? c.all : d->all;
	d->nonempty = c.nonempty > d->nonempty ? c.nonempty : d->nonempty;
}

static struct depth gen(struct sb *b, int depth_left);

/* A container of n elements (a map of n pairs if map) with random contents. */
static struct depth gen_container(struct sb *b, bool map, size_t n, int depth_left)
{
	struct depth d = {0, 0};

	if (map)
		msgpack_pack_map(&b->pk, n);
	else if (rnd(8) == 0) /* a non-minimal array32 header */
		RAW(b, 0xdd, 0, 0, 0, (unsigned char)n);
	else
		msgpack_pack_array(&b->pk, n);
	for (size_t i = 0; i < (map ? 2 * n : n); i++)
		depth_max(&d, gen(b, depth_left - 1));
	d.all++;
	d.nonempty = n > 0 ? d.nonempty + 1 : 0;
	return d;
}

/* A random valid object whose containers nest at most depth_left deep. */
static struct depth gen(struct sb *b, int depth_left)
{
	static const char *const texts[] = {
	    "", "op", "ticket.create", "\xc3\xa9", "\xe6\x9d\xb1\xe4\xba\xac", "\xf0\x9f\x98\x80"};
	struct depth d = {0, 0};

	switch (rnd(depth_left > 0 ? 15 : 10)) {
	case 0:
		msgpack_pack_nil(&b->pk);
		break;
	case 1:
		msgpack_pack_int64(&b->pk, (int64_t)rng() >> rnd(64));
		break;
	case 2:
		msgpack_pack_uint64(&b->pk, rng() >> rnd(64));
		break;
	case 3:
		msgpack_pack_double(&b->pk, (double)(int64_t)rng() / 7.0);
		break;
	case 4:
		msgpack_pack_float(&b->pk, (float)rnd(1000));
		break;
	case 5:
		rnd(2) ? msgpack_pack_true(&b->pk) : msgpack_pack_false(&b->pk);
		break;
	case 6:
		pk_str(&b->pk, texts[rnd(ARRAY_LEN(texts))]);
		break;
	case 7:
		pk_strn(&b->pk, "a\0b", 3);
		break;
	case 8: {
		char *s = utf8_text(rnd(300));
		pk_str(&b->pk, s);
		free(s);
		break;
	}
	case 9: {
		unsigned char bytes[40];
		size_t n = rnd(sizeof(bytes));
		for (size_t i = 0; i < n; i++)
			bytes[i] = rnd_byte();
		if (rnd(2))
			msgpack_pack_bin_with_body(&b->pk, bytes, n);
		else
			msgpack_pack_ext_with_body(&b->pk, bytes, n, (int8_t)rng());
		break;
	}
	case 10:
		if (depth_left < 3) {
			msgpack_pack_nil(&b->pk);
			break;
		}
		pack_nonminimal(b); /* array > map32 > empty map16 */
		d.all = 3, d.nonempty = 2;
		break;
	case 11:
	case 12:
		d = gen_container(b, false, rnd(5), depth_left);
		break;
	default:
		d = gen_container(b, true, rnd(4), depth_left);
		break;
	}
	return d;
}

static void mutate(unsigned char *buf, size_t *len, size_t cap)
{
	int rounds = 1 + (int)rnd(4);

	for (int i = 0; i < rounds; i++) {
		size_t n = *len;
		switch (rnd(6)) {
		case 0: /* flip a bit */
			if (n > 0)
				buf[rnd(n)] ^= (unsigned char)(1u << rnd(8));
			break;
		case 1: /* overwrite a byte */
			if (n > 0)
				buf[rnd(n)] = rnd_byte();
			break;
		case 2: /* insert a byte */
			if (n < cap) {
				size_t at = rnd(n + 1);
				memmove(buf + at + 1, buf + at, n - at);
				buf[at] = rnd_byte();
				*len = n + 1;
			}
			break;
		case 3: /* delete a byte */
			if (n > 0) {
				size_t at = rnd(n);
				memmove(buf + at, buf + at + 1, n - at - 1);
				*len = n - 1;
			}
			break;
		case 4: /* truncate */
			*len = rnd(n + 1);
			break;
		default: /* duplicate a chunk at the end */
			if (n > 0) {
				size_t at = rnd(n), k = 1 + rnd(n - at);
				if (n + k <= cap) {
					memmove(buf + n, buf + at, k);
					*len = n + k;
				}
			}
			break;
		}
	}
}

struct fuzz_stats {
	long ok, maps, counts[MP_TRAILING + 1];
};

/* The properties every input must have, whatever it is. */
static void fuzz_one(const unsigned char *data, size_t len, struct fuzz_stats *st, long iter)
{
	char *buf = xmalloc(len); /* exact size: over-reads are AddressSanitizer errors */
	enum mp_check_result r;
	msgpack_unpacked u;
	const char *why = NULL;
	size_t off = 0;
	int ret, dec;

	memcpy(buf, data, len);
	r = mp_check(buf, len, FRAME_MAX_DEPTH);
	if (!CHECKF(r >= MP_OK && r <= MP_TRAILING, "iteration %ld: result %d", iter, (int)r)) {
		free(buf);
		return;
	}
	st->counts[r]++;

	/* msgpack-c is only ever shown what mp_check lets through, plus truncated and bad-byte
	 * input, whose counts mp_check has already bounded. */
	if (r == MP_OK || r == MP_TRUNCATED || r == MP_BAD_BYTE) {
		msgpack_unpacked_init(&u);
		ret = msgpack_unpack_next(&u, buf, len, &off);
		msgpack_unpacked_destroy(&u);
		if (r == MP_OK)
			CHECKF(ret == MSGPACK_UNPACK_SUCCESS && off == len,
			       "iteration %ld: mp_check OK but msgpack-c returned %d after %zu/%zu "
			       "bytes",
			       iter, ret, off, len);
		else if (r == MP_TRUNCATED)
			CHECKF(ret == MSGPACK_UNPACK_CONTINUE,
			       "iteration %ld: truncated, but msgpack-c returned %d", iter, ret);
		else
			CHECKF(ret == MSGPACK_UNPACK_PARSE_ERROR,
			       "iteration %ld: bad byte, but msgpack-c returned %d", iter, ret);
	}

	dec = frame_decode(buf, len, &u, &why);
	if (r == MP_OK) {
		st->ok++;
		if (dec == 0) {
			st->maps++;
			CHECKF(u.data.type == MSGPACK_OBJECT_MAP, "iteration %ld: non-map decoded",
			       iter);
			msgpack_unpacked_destroy(&u);
		} else {
			CHECKF(why != NULL && strcmp(why, "message is not a map") == 0 &&
			           ((const unsigned char *)buf)[0] != 0xde &&
			           ((const unsigned char *)buf)[0] != 0xdf &&
			           (((const unsigned char *)buf)[0] & 0xf0) != 0x80,
			       "iteration %ld: valid map refused: %s", iter, why ? why : "(null)");
		}
	} else {
		CHECKF(dec == -1 && why != NULL && strcmp(why, mp_check_str(r)) == 0,
		       "iteration %ld: frame_decode on %s gave %d (%s)", iter, mp_name(r), dec,
		       why ? why : "(null)");
	}
	free(buf);
}

static void test_fuzz(long iterations, uint64_t seed)
{
	enum { CAP = 4096 };
	unsigned char buf[CAP];
	struct sb corpus[6], gb;
	struct fuzz_stats st = {0};

	rng_state = seed ? seed : 1;
	for (size_t i = 0; i < ARRAY_LEN(corpus); i++)
		sb_init(&corpus[i]);
	pack_complex(&corpus[0]);
	pack_nonminimal(&corpus[1]);
	pack_nest(&corpus[2], FRAME_MAX_DEPTH, true, false);
	pack_nest(&corpus[3], FRAME_MAX_DEPTH, false, false);
	RAW(&corpus[4], 0x82, 0xa2, 'o', 'p', 0xa4, 'p', 'i', 'n', 'g', 0xa3, 'r', 'i', 'd', 0x01);
	RAW(&corpus[5], 0x92, 0xdd, 0x00, 0x00, 0x00, 0x02, 0xc0, 0xc0, 0xa2, 0xc3, 0xa9);
	sb_init(&gb);

	for (long it = 0; it < iterations; it++) {
		size_t len = 0;
		switch (rnd(4)) {
		case 0: /* noise */
			len = rnd(48);
			for (size_t i = 0; i < len; i++)
				buf[i] = rnd_byte();
			break;
		case 1: { /* a mutated corpus entry */
			struct sb *c = &corpus[rnd(ARRAY_LEN(corpus))];
			len = c->sb.size < CAP ? c->sb.size : CAP;
			memcpy(buf, c->sb.data, len);
			mutate(buf, &len, CAP);
			break;
		}
		default: { /* a generated valid message, sometimes mutated */
			msgpack_sbuffer_clear(&gb.sb);
			/* A top-level map, nested up to two levels too deep. */
			struct depth d = gen_container(&gb, true, rnd(6), FRAME_MAX_DEPTH + 2);
			if (gb.sb.size > CAP)
				continue;
			len = gb.sb.size;
			memcpy(buf, gb.sb.data, len);
			if (rnd(2)) {
				mutate(buf, &len, CAP);
			} else {
				enum mp_check_result r =
				    mp_check(gb.sb.data, gb.sb.size, FRAME_MAX_DEPTH);
				/* Between the two depth counts the verdict hangs on the empty
				 * container bug, so either answer passes there. */
				bool ok = d.all <= FRAME_MAX_DEPTH ? r == MP_OK
				          : d.nonempty > FRAME_MAX_DEPTH
				              ? r == MP_TOO_DEEP
				              : r == MP_OK || r == MP_TOO_DEEP;
				CHECKF(
				    ok,
				    "iteration %ld: generated message %d deep (%d non-empty): %s",
				    it, d.all, d.nonempty, mp_name(r));
			}
			break;
		}
		}
		fuzz_one(buf, len, &st, it);
	}

	fprintf(stderr, "fuzz: %ld inputs, seed %#llx: %ld valid (%ld maps)", iterations,
	        (unsigned long long)seed, st.ok, st.maps);
	for (int r = MP_TRUNCATED; r <= MP_TRAILING; r++)
		fprintf(stderr, ", %s %ld", mp_name((enum mp_check_result)r), st.counts[r]);
	fputc('\n', stderr);
	/* The generator must keep reaching every verdict, or the loop tests less than it seems. */
	for (int r = MP_OK; r <= MP_TRAILING; r++)
		CHECKF(st.counts[r] > iterations / 1000, "fuzz reached %s only %ld times",
		       mp_name((enum mp_check_result)r), st.counts[r]);
	CHECK(st.maps > iterations / 10);

	for (size_t i = 0; i < ARRAY_LEN(corpus); i++)
		msgpack_sbuffer_destroy(&corpus[i].sb);
	msgpack_sbuffer_destroy(&gb.sb);
}

int main(int argc, char **argv)
{
	/* Optional: iterations and seed, to fuzz longer or elsewhere by hand. */
	long iterations = argc > 1 ? strtol(argv[1], NULL, 0) : 200000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x6465736b; /* "desk" */

	RUN(test_ints);
	RUN(test_scalars);
	RUN(test_raw);
	RUN(test_containers);
	RUN(test_complex_and_truncation);
	RUN(test_lying_counts);
	RUN(test_depth);
	RUN(test_bad_byte);
	RUN(test_utf8);
	RUN(test_trailing_and_empty);
	RUN(test_result_strings);
	check_section = "test_fuzz";
	test_fuzz(iterations, seed);
	return check_done();
}
