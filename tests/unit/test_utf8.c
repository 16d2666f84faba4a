/* test_utf8.c - UTF-8 validation, decoding, length, display width and cutting at character
 * boundaries. Widths come from wcwidth(), so main runs in the C.UTF-8 locale. */
#include <locale.h>
#include <stdlib.h>

#include "check.h"
#include "utf8.h"
#include "util.h"

/* A literal and its length, so cases may hold NUL bytes. */
#define S(lit) lit, sizeof(lit) - 1

/* Exact-size heap copy: reading past n is then an error AddressSanitizer reports, which a
 * string literal (followed by its NUL and other data) would hide. */
static char *dup_exact(const char *s, size_t n)
{
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

/* Well-formedness per Unicode 15 table 3-7, written independently of utf8.c. */
static bool ref_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned lo = 0x80, hi = 0xbf; /* allowed range of the second byte */

		if (c <= 0x7f) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
		} else if (c == 0xe0) {
			len = 3, lo = 0xa0;
		} else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) {
			len = 3;
		} else if (c == 0xed) {
			len = 3, hi = 0x9f;
		} else if (c == 0xf0) {
			len = 4, lo = 0x90;
		} else if (c >= 0xf1 && c <= 0xf3) {
			len = 4;
		} else if (c == 0xf4) {
			len = 4, hi = 0x8f;
		} else {
			return false;
		}
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		i += len;
	}
	return true;
}

static size_t encode(unsigned cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	} else if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | (cp >> 12 & 0x3f);
	out[2] = 0x80 | (cp >> 6 & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

static const struct {
	const char *s;
	size_t n;
	bool valid;
	const char *what;
} valid_cases[] = {
    {S(""), true, "empty"},
    {S("a"), true, "ASCII"},
    {S("\0"), true, "NUL is a valid character"},
    {S("\x7f"), true, "U+007F"},
    {S("\xc2\x80"), true, "U+0080, smallest 2-byte"},
    {S("\xc3\xa9"), true, "U+00E9 e acute"},
    {S("\xdf\xbf"), true, "U+07FF, largest 2-byte"},
    {S("\xe0\xa0\x80"), true, "U+0800, smallest 3-byte"},
    {S("\xe6\x9d\xb1"), true, "U+6771 CJK"},
    {S("\xed\x9f\xbf"), true, "U+D7FF, just below the surrogates"},
    {S("\xee\x80\x80"), true, "U+E000, just above the surrogates"},
    {S("\xef\xbf\xbf"), true, "U+FFFF"},
    {S("\xf0\x90\x80\x80"), true, "U+10000, smallest 4-byte"},
    {S("\xf0\x9f\x98\x80"), true, "U+1F600 emoji"},
    {S("\xf4\x8f\xbf\xbf"), true, "U+10FFFF, largest code point"},
    {S("h\xc3\xa9llo \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80!"), true, "mixed"},

    {S("\xc0\x80"), false, "overlong NUL (2 bytes)"},
    {S("\xc1\xbf"), false, "overlong U+007F"},
    {S("\xe0\x80\x80"), false, "overlong NUL (3 bytes)"},
    {S("\xe0\x9f\xbf"), false, "overlong U+07FF"},
    {S("\xf0\x80\x80\x80"), false, "overlong NUL (4 bytes)"},
    {S("\xf0\x8f\xbf\xbf"), false, "overlong U+FFFF"},
    {S("\xed\xa0\x80"), false, "surrogate U+D800"},
    {S("\xed\xbf\xbf"), false, "surrogate U+DFFF"},
    {S("\xed\xa0\xbd\xed\xb8\x80"), false, "CESU-8 surrogate pair"},
    {S("\xf4\x90\x80\x80"), false, "U+110000, above the range"},
    {S("\xf5\x80\x80\x80"), false, "lead byte F5"},
    {S("\xf7\xbf\xbf\xbf"), false, "U+1FFFFF"},
    {S("\xf8\x88\x80\x80\x80"), false, "5-byte form"},
    {S("\xfc\x84\x80\x80\x80\x80"), false, "6-byte form"},
    {S("\xfe"), false, "byte FE"},
    {S("\xff"), false, "byte FF"},
    {S("\x80"), false, "lone continuation 80"},
    {S("\xbf"), false, "lone continuation BF"},
    {S("a\x80z"), false, "continuation between ASCII"},
    {S("\xc3\xa9\xa9"), false, "extra continuation"},
    {S("\xc3"), false, "truncated 2-byte"},
    {S("\xe2\x82"), false, "truncated 3-byte"},
    {S("\xf0\x9f\x98"), false, "truncated 4-byte"},
    {S("abc\xe6\x9d"), false, "truncated at the end of a string"},
    {S("\xe6\x9d"
       "abc"),
     false, "truncated before ASCII"},
    {S("\xc3\x28"), false, "2-byte with ASCII continuation"},
    {S("\xe2\x28\xa1"), false, "3-byte, bad second byte"},
    {S("\xe2\x82\x28"), false, "3-byte, bad third byte"},
    {S("\xf0\x28\x8c\xbc"), false, "4-byte, bad second byte"},
    {S("\xf0\x9f\x98\x28"), false, "4-byte, bad fourth byte"},
};

static void test_valid_table(void)
{
	for (size_t i = 0; i < ARRAY_LEN(valid_cases); i++) {
		char *s = dup_exact(valid_cases[i].s, valid_cases[i].n);
		CHECKF(utf8_valid(s, valid_cases[i].n) == valid_cases[i].valid,
		       "utf8_valid(%s) = %d, want %d", valid_cases[i].what, !valid_cases[i].valid,
		       valid_cases[i].valid);
		/* The reference agrees, so the table itself is right. */
		CHECKF(ref_valid((const unsigned char *)s, valid_cases[i].n) ==
		           valid_cases[i].valid,
		       "reference disagrees on %s", valid_cases[i].what);
		free(s);
	}
}

/* utf8_valid agrees with the reference on every buffer of 1, 2 and 3 bytes, and on 4-byte
 * buffers with a lead byte F0..FF, any second and third byte, and a last byte at each edge of
 * the continuation range. */
static void test_valid_exhaustive(void)
{
	static const unsigned char last[] = {0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xff};
	unsigned char b[4];
	long bad = 0;

	for (size_t n = 1; n <= 3; n++) {
		for (unsigned v = 0; v < 1u << (8 * n); v++) {
			for (size_t k = 0; k < n; k++)
				b[k] = v >> (8 * (n - 1 - k));
			if (utf8_valid((const char *)b, n) != ref_valid(b, n) && bad++ < 5)
				CHECKF(0, "utf8_valid(%06x, n=%zu) disagrees with the reference", v,
				       n);
		}
	}
	for (unsigned v = 0xf00000; v <= 0xffffff; v++) {
		b[0] = v >> 16, b[1] = v >> 8, b[2] = v;
		for (size_t k = 0; k < ARRAY_LEN(last); k++) {
			b[3] = last[k];
			if (utf8_valid((const char *)b, 4) != ref_valid(b, 4) && bad++ < 10)
				CHECKF(0, "utf8_valid(%06x%02x) disagrees with the reference", v,
				       b[3]);
		}
	}
	CHECK_EQ_INT(bad, 0);
}

/* Every code point encodes and decodes back; surrogates are refused. */
static void test_decode_all(void)
{
	unsigned char b[4];
	long bad = 0;
	unsigned cp;

	for (unsigned c = 0; c <= 0x10ffff; c++) {
		size_t n = encode(c, b);
		char *s = dup_exact((const char *)b, n);
		size_t got = utf8_decode(s, n, &cp);
		bool surrogate = c >= 0xd800 && c <= 0xdfff;
		bool ok = surrogate ? got == 0 : got == n && cp == c;
		if (!ok && bad++ < 5)
			CHECKF(0, "utf8_decode(U+%04X) = %zu (cp %04X)", c, got, cp);
		/* One byte short is malformed. */
		if (n > 1 && utf8_decode(s, n - 1, &cp) != 0 && bad++ < 5)
			CHECKF(0, "utf8_decode(U+%04X, n-1) accepted a truncated sequence", c);
		free(s);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(utf8_decode("a", 0, &cp), 0);
}

static void test_len(void)
{
	static const struct {
		const char *s;
		size_t n, len;
	} cases[] = {
	    {S(""), 0},
	    {S("abc"), 3},
	    {S("\xc3\xa9"), 1},
	    {S("\xe6\x9d\xb1\xe4\xba\xac"), 2},
	    {S("\xf0\x9f\x98\x80"), 1},
	    {S("a\xc3\xa9\xe6\x9d\xb1\xf0\x9f\x98\x80"), 4},
	    {S("a\0b"), 3},
	    {S("e\xcc\x81"), 2}, /* e + combining acute: two code points */
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *s = dup_exact(cases[i].s, cases[i].n);
		CHECKF(utf8_len(s, cases[i].n) == cases[i].len,
		       "utf8_len(case %zu) = %zu, want %zu", i, utf8_len(s, cases[i].n),
		       cases[i].len);
		free(s);
	}
}

static void test_width(void)
{
	static const struct {
		const char *s;
		size_t n;
		int width;
		const char *what;
	} cases[] = {
	    {S(""), 0, "empty"},
	    {S("abc"), 3, "ASCII"},
	    {S("\xc3\xa9"), 1, "precomposed e acute"},
	    {S("e\xcc\x81"), 1, "e + combining acute"},
	    {S("\xe6\x9d\xb1\xe4\xba\xac"), 4, "CJK Tokyo"},
	    {S("\xef\xbc\xa1"), 2, "fullwidth A"},
	    {S("\xf0\x9f\x98\x80"), 2, "emoji"},
	    {S("a\xc3\xa9\xe6\x9d\xb1"), 4, "a e-acute CJK"},
	    {S("\t"), 1, "control character counts 1"},
	    {S("\xff"), 1, "malformed byte counts 1"},
	    {S("\xff\xfe"
	       "ab"),
	     4, "each malformed byte counts 1"},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *s = dup_exact(cases[i].s, cases[i].n);
		CHECKF(utf8_width(s, cases[i].n) == cases[i].width, "utf8_width(%s) = %d, want %d",
		       cases[i].what, utf8_width(s, cases[i].n), cases[i].width);
		free(s);
	}

	/* A long line: 32000 CJK characters (the description limit) take 64000 columns. */
	size_t n = 32000 * 3;
	char *s = xmalloc(n);
	for (size_t i = 0; i < n; i += 3)
		memcpy(s + i, "\xe6\x9d\xb1", 3);
	CHECK_EQ_INT(utf8_width(s, n), 64000);
	CHECK_EQ_INT(utf8_fit(s, n, 63999, NULL), n - 3);
	free(s);
}

static void test_fit_table(void)
{
	static const struct {
		const char *s;
		size_t n;
		int cols;
		size_t bytes;
		int width;
		const char *what;
	} cases[] = {
	    {S("abc"), 0, 0, 0, "nothing fits in 0 columns"},
	    {S("abc"), 2, 2, 2, "ASCII cut"},
	    {S("abc"), 3, 3, 3, "exact"},
	    {S("abc"), 10, 3, 3, "room to spare"},
	    {S("abc"), -1, 0, 0, "negative columns"},
	    {S("\xe6\x9d\xb1\xe4\xba\xac"), 1, 0, 0, "CJK does not fit in 1 column"},
	    {S("\xe6\x9d\xb1\xe4\xba\xac"), 2, 3, 2, "one CJK char"},
	    {S("\xe6\x9d\xb1\xe4\xba\xac"), 3, 3, 2, "second CJK char left out of the last column"},
	    {S("\xe6\x9d\xb1\xe4\xba\xac"), 4, 6, 4, "both CJK chars"},
	    {S("a\xe6\x9d\xb1"), 2, 1, 1, "CJK after ASCII left out"},
	    {S("a\xc3\xa9\xe6\x9d\xb1x"), 3, 3, 2, "a e-acute, CJK left out"},
	    {S("a\xc3\xa9\xe6\x9d\xb1x"), 4, 6, 4, "a e-acute CJK"},
	    {S("a\xc3\xa9\xe6\x9d\xb1x"), 5, 7, 5, "all"},
	    {S("\xc3\xa9\xc3\xa9\xc3\xa9"), 2, 4, 2, "2-byte chars never split"},
	    {S("e\xcc\x81x"), 1, 3, 1, "combining mark stays with its base"},
	    {S("\xf0\x9f\x98\x80"
	       "a"),
	     1, 0, 0, "emoji does not fit in 1 column"},
	    {S("\xf0\x9f\x98\x80"
	       "a"),
	     2, 4, 2, "emoji"},
	    /* Malformed input (callers should not pass it) still advances one byte and one
	     * column at a time and never past n. */
	    {S("\xff"
	       "ab"),
	     10, 3, 3, "malformed byte"},
	    {S("a\xe6\x9d"), 10, 3, 3, "truncated character at the end"},
	    {S("\xc3"), 10, 1, 1, "lone lead byte"},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *s = dup_exact(cases[i].s, cases[i].n);
		int w = -1;
		size_t got = utf8_fit(s, cases[i].n, cases[i].cols, &w);
		CHECKF(got == cases[i].bytes && w == cases[i].width,
		       "utf8_fit(%s, %d cols) = %zu bytes, %d wide; want %zu, %d", cases[i].what,
		       cases[i].cols, got, w, cases[i].bytes, cases[i].width);
		/* width may be NULL. */
		CHECK_EQ_INT(utf8_fit(s, cases[i].n, cases[i].cols, NULL), cases[i].bytes);
		free(s);
	}
}

/* For every column count: the cut is at a character start, the prefix is as wide as reported
 * and no wider than allowed, and the next character would not have fitted. */
static void test_fit_sweep(void)
{
	static const char text[] = "a\xc3\xa9\xe6\x9d\xb1 \xf0\x9f\x98\x80z\xe4\xba\xac"
	                           "e\xcc\x81\xef\xbc\xa1!";
	size_t n = sizeof(text) - 1;
	char *s = dup_exact(text, n);
	int total = utf8_width(s, n);

	CHECK_EQ_INT(total, 1 + 1 + 2 + 1 + 2 + 1 + 2 + 1 + 2 + 1);
	for (int cols = 0; cols <= total + 2; cols++) {
		int w = -1;
		size_t cut = utf8_fit(s, n, cols, &w);
		CHECKF(cut <= n, "cols %d: cut %zu beyond %zu", cols, cut, n);
		CHECKF(cut == n || ((unsigned char)s[cut] & 0xc0) != 0x80,
		       "cols %d: cut %zu splits a character", cols, cut);
		CHECKF(w <= cols && w == utf8_width(s, cut), "cols %d: width %d, prefix is %d wide",
		       cols, w, utf8_width(s, cut));
		if (cut < n) {
			unsigned cp;
			size_t l = utf8_decode(s + cut, n - cut, &cp);
			CHECKF(l > 0 && w + utf8_width(s + cut, l) > cols,
			       "cols %d: stopped at %zu although the next character fits", cols,
			       cut);
		}
	}
	free(s);
}

static void test_prev(void)
{
	/* a(1) e-acute(2) CJK(3) emoji(4): characters start at 0, 1, 3, 6; the end is 10. */
	static const char text[] = "a\xc3\xa9\xe6\x9d\xb1\xf0\x9f\x98\x80";
	static const size_t starts[] = {6, 3, 1, 0, 0};
	size_t off = sizeof(text) - 1;

	for (size_t i = 0; i < ARRAY_LEN(starts); i++) {
		size_t p = utf8_prev(text, off);
		CHECKF(p == starts[i], "utf8_prev(%zu) = %zu, want %zu", off, p, starts[i]);
		off = p;
	}
	/* A multibyte character at offset 0. */
	CHECK_EQ_INT(utf8_prev("\xe6\x9d\xb1\xe4\xba\xac", 6), 3);
	CHECK_EQ_INT(utf8_prev("\xe6\x9d\xb1\xe4\xba\xac", 3), 0);
	CHECK_EQ_INT(utf8_prev("\xf0\x9f\x98\x80", 4), 0);
	CHECK_EQ_INT(utf8_prev("\xc3\xa9", 2), 0);
	CHECK_EQ_INT(utf8_prev("abc", 3), 2);
	CHECK_EQ_INT(utf8_prev("abc", 1), 0);
	CHECK_EQ_INT(utf8_prev("e\xcc\x81", 3), 1); /* code points, not grapheme clusters */
}

/* Every scalar value encodes to what utf8_decode reads back, in the shortest form. */
static void test_encode_roundtrip(void)
{
	char buf[4];
	unsigned back;

	for (unsigned cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		size_t n = utf8_encode(cp, buf);
		size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n != want || utf8_decode(buf, n, &back) != n || back != cp) {
			CHECKF(false, "utf8_encode(U+%04X): %zu bytes, decodes to U+%04X", cp, n,
			       back);
			return;
		}
	}
	CHECK_EQ_INT((int)utf8_encode(0xe9, buf), 2);
	CHECK(memcmp(buf, "\xc3\xa9", 2) == 0);
}

int main(void)
{
	/* wcwidth() answers for the current locale; in "C" every non-ASCII width is wrong. */
	if (!CHECK(setlocale(LC_ALL, "C.UTF-8") != NULL))
		return check_done();

	RUN(test_valid_table);
	RUN(test_valid_exhaustive);
	RUN(test_decode_all);
	RUN(test_len);
	RUN(test_width);
	RUN(test_fit_table);
	RUN(test_fit_sweep);
	RUN(test_prev);
	RUN(test_encode_roundtrip);
	return check_done();
}
