/* util.h - allocation helpers that never fail, small string and time helpers. */
#ifndef DESK_UTIL_H
#define DESK_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define DESK_VERSION "0.1.0"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wall clock in milliseconds since the Unix epoch. */
int64_t now_ms(void);
/* Monotonic clock in milliseconds. */
int64_t mono_ms(void);

/* Parse a whole decimal integer; returns 0 on success, -1 on junk or overflow. */
int parse_i64(const char *s, int64_t *out);

#endif
