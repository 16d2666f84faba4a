/* utf8.h - UTF-8 validation and display-width helpers (pure, no I/O). */
#ifndef DESK_UTF8_H
#define DESK_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
bool utf8_valid(const char *s, size_t n);

/* Decode one code point at s (n bytes available); returns its length, or 0 if malformed. */
size_t utf8_decode(const char *s, size_t n, unsigned *cp);

/* Encode a code point (at most U+10FFFF, not a surrogate) into out (4 bytes of room);
 * returns its length. */
size_t utf8_encode(unsigned cp, char *out);

/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s, size_t n);

/* Terminal columns taken by a valid UTF-8 string (control/non-printable count as 1). */
int utf8_width(const char *s, size_t n);

/* Longest prefix of s (in bytes) that fits in cols terminal columns, cutting only at
 * character boundaries; *width gets the columns it takes (may be NULL). */
size_t utf8_fit(const char *s, size_t n, int cols, int *width);

/* Byte offset of the start of the character before byte offset off. */
size_t utf8_prev(const char *s, size_t off);

#endif
