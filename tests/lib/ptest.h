/* ptest.h - the scaffolding shared by the protocol test programs (itest.c, reports.c): each
 * test is a function returning false on its first failed check, which records the reason
 * with its line; everything a test opens or receives is registered in T and released after
 * it, so an early return leaks nothing.
 *
 * Include once, after pclient.h, from the test program's single source file. */
#ifndef DESK_PTEST_H
#define DESK_PTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pclient.h"
#include "util.h"

#define PTEST_MAX_CLIENTS 16

/* Per-test state: the first failure's reason, and what to release afterwards. */
static struct {
	char why[2048];
	bool skip;
	struct pclient *clients[PTEST_MAX_CLIENTS];
	int nclients;
	struct pc_msg **msgs;
	size_t nmsgs, capmsgs;
} T;

static void fail_at(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));

static void fail_at(int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (T.why[0] != '\0')
		return; /* keep the first, most specific reason */
	n = snprintf(T.why, sizeof(T.why), "line %d: ", line);
	va_start(ap, fmt);
	vsnprintf(T.why + n, sizeof(T.why) - (size_t)n, fmt, ap);
	va_end(ap);
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		fail_at(__LINE__, __VA_ARGS__);                                                    \
		return false;                                                                      \
	} while (0)
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			FAIL(__VA_ARGS__);                                                         \
	} while (0)
/* For helpers that already recorded why they failed. */
#define NEED(x)                                                                                    \
	do {                                                                                       \
		if (!(x))                                                                          \
			return false;                                                              \
	} while (0)

/* Release m with the test. */
__attribute__((unused)) static struct pc_msg *keep(struct pc_msg *m)
{
	if (m == NULL)
		return NULL;
	if (T.nmsgs == T.capmsgs) {
		T.capmsgs = T.capmsgs ? T.capmsgs * 2 : 64;
		T.msgs = xrealloc(T.msgs, T.capmsgs * sizeof(*T.msgs));
	}
	T.msgs[T.nmsgs++] = m;
	return m;
}

__attribute__((unused)) static void test_cleanup(void)
{
	for (size_t i = 0; i < T.nmsgs; i++)
		pc_msg_free(T.msgs[i]);
	for (int i = 0; i < T.nclients; i++)
		pc_free(T.clients[i]);
	free(T.msgs);
	memset(&T, 0, sizeof(T));
}

/* One line describing a message, for failure reasons. */
__attribute__((unused)) static const char *describe(const struct pc_msg *m)
{
	static char buf[256];

	return pc_describe(m, buf, sizeof(buf));
}

#endif
