/* mpcheck.h - structural validation of untrusted MessagePack bytes before decoding.
 *
 * msgpack-c's unpacker trusts container headers (a 5-byte array header can make it reserve
 * hundreds of MiB) and has no depth limit of its own. mp_check walks the bytes without
 * allocating and rejects anything the decoder should never see. */
#ifndef DESK_MPCHECK_H
#define DESK_MPCHECK_H

#include <stddef.h>

#define MP_MAX_DEPTH 16

enum mp_check_result {
	MP_OK = 0,
	MP_TRUNCATED, /* the bytes end inside an object */
	MP_TOO_DEEP,  /* containers nested deeper than the limit */
	MP_BAD_COUNT, /* a container claims more elements than bytes remain */
	MP_BAD_BYTE,  /* 0xc1, the never-used type byte */
	MP_BAD_UTF8,  /* a str that is not valid UTF-8 */
	MP_TRAILING,  /* bytes left after the single top-level object */
};

/* Check that buf[0..len) holds exactly one well-formed object nested at most max_depth deep,
 * whose strings are valid UTF-8. */
enum mp_check_result mp_check(const char *buf, size_t len, int max_depth);

const char *mp_check_str(enum mp_check_result r);

#endif
