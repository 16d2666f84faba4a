/* mpcheck.c - allocation-free validator for untrusted MessagePack input. */
#include "mpcheck.h"

#include <stdint.h>

#include "utf8.h"

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

const char *mp_check_str(enum mp_check_result r)
{
	switch (r) {
	case MP_OK:
		return "ok";
	case MP_TRUNCATED:
		return "truncated MessagePack object";
	case MP_TOO_DEEP:
		return "containers nested too deeply";
	case MP_BAD_COUNT:
		return "container claims more elements than the frame holds";
	case MP_BAD_BYTE:
		return "invalid MessagePack type byte";
	case MP_BAD_UTF8:
		return "string is not valid UTF-8";
	case MP_TRAILING:
		return "bytes after the end of the message";
	}
	return "unknown";
}

enum mp_check_result mp_check(const char *buf, size_t len, int max_depth)
{
	const unsigned char *p = (const unsigned char *)buf;
	/* remaining[d] = objects still expected at depth d (depth 0: the single top object). */
	uint64_t remaining[MP_MAX_DEPTH + 1];
	int depth = 0;
	size_t off = 0;

	if (max_depth > MP_MAX_DEPTH)
		max_depth = MP_MAX_DEPTH;
	remaining[0] = 1;

	while (depth >= 0) {
		if (remaining[depth] == 0) {
			depth--;
			continue;
		}
		remaining[depth]--;
		if (off >= len)
			return MP_TRUNCATED;

		unsigned b = p[off++];
		uint64_t skip = 0;  /* payload bytes to skip */
		uint64_t count = 0; /* child objects of a container */
		int is_container = 0;
		int is_str = 0;
		int hdr = 0; /* size of a length field that follows the type byte */

		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
			/* fixint, nil, bool: no payload */
		} else if (b >= 0x80 && b <= 0x8f) {
			is_container = 1, count = (uint64_t)(b & 0x0f) * 2;
		} else if (b >= 0x90 && b <= 0x9f) {
			is_container = 1, count = b & 0x0f;
		} else if (b >= 0xa0 && b <= 0xbf) {
			is_str = 1, skip = b & 0x1f;
		} else {
			switch (b) {
			case 0xc1:
				return MP_BAD_BYTE;
			case 0xc4:
			case 0xc5:
			case 0xc6: /* bin 8/16/32 */
				hdr = 1 << (b - 0xc4);
				break;
			case 0xc7:
			case 0xc8:
			case 0xc9: /* ext 8/16/32: length, then a type byte */
				hdr = 1 << (b - 0xc7);
				break;
			case 0xca:
				skip = 4;
				break;
			case 0xcb:
				skip = 8;
				break;
			case 0xcc:
			case 0xd0:
				skip = 1;
				break;
			case 0xcd:
			case 0xd1:
				skip = 2;
				break;
			case 0xce:
			case 0xd2:
				skip = 4;
				break;
			case 0xcf:
			case 0xd3:
				skip = 8;
				break;
			case 0xd4:
				skip = 2;
				break;
			case 0xd5:
				skip = 3;
				break;
			case 0xd6:
				skip = 5;
				break;
			case 0xd7:
				skip = 9;
				break;
			case 0xd8:
				skip = 17;
				break;
			case 0xd9:
			case 0xda:
			case 0xdb:
				is_str = 1, hdr = 1 << (b - 0xd9);
				break;
			case 0xdc:
			case 0xdd:
				is_container = 1, hdr = b == 0xdc ? 2 : 4;
				break;
			case 0xde:
			case 0xdf:
				is_container = 2, hdr = b == 0xde ? 2 : 4;
				break;
			default:
				return MP_BAD_BYTE;
			}
			if (hdr > 0) {
				if (len - off < (size_t)hdr)
					return MP_TRUNCATED;
				uint64_t n = be(p + off, hdr);
				off += hdr;
				if (is_container)
					count = is_container == 2 ? n * 2 : n;
				else
					skip = n + ((b >= 0xc7 && b <= 0xc9) ? 1 : 0);
			}
		}

		if (is_container) {
			/* Every element takes at least one byte: a claim beyond that is a lie. */
			if (count > len - off)
				return MP_BAD_COUNT;
			/* An empty container is a level of nesting too. */
			if (depth + 1 > max_depth)
				return MP_TOO_DEEP;
			if (count > 0)
				remaining[++depth] = count;
			continue;
		}
		if (skip > len - off)
			return MP_TRUNCATED;
		if (is_str && !utf8_valid((const char *)p + off, (size_t)skip))
			return MP_BAD_UTF8;
		off += (size_t)skip;
	}
	return off == len ? MP_OK : MP_TRAILING;
}
