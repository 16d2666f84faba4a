/* check.h - assertion macros for the unit tests: a failed check prints file:line and the values
 * involved, every failure is counted, and main returns check_done() (nonzero on any failure).
 *
 * Checks do not stop the test, so one run reports every broken case. Each macro is an
 * expression that yields whether the check passed, for guarding code that depends on it:
 *
 *	if (!CHECK(p != NULL))
 *		return;
 */
#ifndef DESK_CHECK_H
#define DESK_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A fuzz loop can fail thousands of times; past this many reports failures are only counted. */
#define CHECK_MAX_REPORTS 50

static long check_runs __attribute__((unused));
static long check_failures __attribute__((unused));
static long check_xfails __attribute__((unused));
static const char *check_section __attribute__((unused)) = "main";

__attribute__((format(printf, 4, 5), unused)) static bool check_true(bool ok, const char *file,
                                                                     int line, const char *fmt, ...)
{
	va_list ap;

	check_runs++;
	if (ok)
		return true;
	if (++check_failures <= CHECK_MAX_REPORTS) {
		fprintf(stderr, "%s:%d: FAIL [%s] ", file, line, check_section);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	} else if (check_failures == CHECK_MAX_REPORTS + 1) {
		fprintf(stderr, "(further failures are counted but not shown)\n");
	}
	return false;
}

__attribute__((unused)) static bool check_eq_int(intmax_t a, intmax_t b, const char *file, int line,
                                                 const char *as, const char *bs)
{
	return check_true(a == b, file, line, "%s == %s: got %jd, want %jd", as, bs, a, b);
}

__attribute__((unused)) static bool check_streq(const char *a, const char *b, const char *file,
                                                int line, const char *as, const char *bs)
{
	bool ok = (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;

	return check_true(ok, file, line, "%s == %s: got %s%s%s, want %s%s%s", as, bs,
	                  a ? "\"" : "", a ? a : "NULL", a ? "\"" : "", b ? "\"" : "",
	                  b ? b : "NULL", b ? "\"" : "");
}

/* A known bug, written as the check that should pass. While the bug is there this prints
 * XFAIL and does not fail the run; once fixed it fails as XPASS, so the marker gets turned
 * into a plain CHECK and the fix stays covered. */
__attribute__((unused)) static bool check_xfail(bool ok, const char *file, int line,
                                                const char *cond, const char *why)
{
	if (!ok) {
		check_xfails++;
		fprintf(stderr, "%s:%d: XFAIL [%s] %s (known bug: %s)\n", file, line, check_section,
		        cond, why);
		return false;
	}
	return check_true(false, file, line,
	                  "XPASS %s: the known bug (%s) is fixed; change CHECK_XFAIL to CHECK",
	                  cond, why);
}

/* Print a summary; the value is main's exit status. */
__attribute__((unused)) static int check_done(void)
{
	fprintf(stderr, "%ld checks, %ld failed", check_runs, check_failures);
	if (check_xfails > 0)
		fprintf(stderr, ", %ld known bugs (XFAIL)", check_xfails);
	fputc('\n', stderr);
	return check_failures > 0 ? 1 : 0;
}

#define CHECK(cond) check_true(!!(cond), __FILE__, __LINE__, "%s", #cond)
/* CHECK with a printf-style explanation, for checks inside loops. */
#define CHECKF(cond, ...)      check_true(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_EQ_INT(a, b)     check_eq_int((intmax_t)(a), (intmax_t)(b), __FILE__, __LINE__, #a, #b)
#define CHECK_STREQ(a, b)      check_streq((a), (b), __FILE__, __LINE__, #a, #b)
#define CHECK_XFAIL(cond, why) check_xfail(!!(cond), __FILE__, __LINE__, #cond, (why))

/* Run one test function, naming it in failure reports. */
#define RUN(fn)                                                                                    \
	do {                                                                                       \
		check_section = #fn;                                                               \
		fn();                                                                              \
	} while (0)

#endif
