/* test_sla.c - SLA clocks: due instants with pauses in and out of office hours, on weekends,
 * holidays, DST weeks and year ends; elapsed and paused time against a brute-force stepping
 * reference and as properties on random calendars; percentage shares; clock states and names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bizcal.h"
#include "check.h"
#include "sla.h"
#include "tz.h"
#include "util.h"

#define DAY  86400
#define HOUR 3600
#define MIN  60

enum { SUN, MON, TUE, WED, THU, FRI, SAT };

static struct tz *zone(const char *name)
{
	char *err = NULL;
	struct tz *tz = tz_load(name, &err);

	if (tz == NULL) {
		fprintf(stderr, "tz_load(%s): %s\n", name, err);
		abort();
	}
	return tz;
}

/* Local wall time in zone tz (policy 0: first occurrence, end of a gap). */
static int64_t L(const struct tz *tz, int y, int m, int d, int h, int mi)
{
	return tz_from_local(tz, y, m, d, h, mi, 0, 0);
}

static int64_t utc(int y, int m, int d, int h, int mi, int s)
{
	return tz_days_from_civil(y, m, d) * DAY + h * HOUR + mi * MIN + s;
}

static const char *fmt(const struct tz *tz, int64_t t, char *buf, size_t len)
{
	struct tz_tm tm;

	if (t == BIZCAL_NEVER)
		snprintf(buf, len, "NEVER");
	else if (t == BIZCAL_INVALID)
		snprintf(buf, len, "INVALID");
	else if (t == SLA_PAUSED)
		snprintf(buf, len, "PAUSED");
	else if (tz == NULL || tz_to_local(tz, t, &tm) != 0)
		snprintf(buf, len, "%lld", (long long)t);
	else
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d %s (%lld)", tm.year, tm.month,
		         tm.day, tm.hour, tm.min, tm.sec, tm.abbr, (long long)t);
	return buf;
}

/* An instant check that prints both sides as local times. */
#define CHECK_AT(tz, got, want) check_at((tz), (got), (want), __FILE__, __LINE__, #got)

static bool check_at(const struct tz *tz, int64_t got, int64_t want, const char *file, int line,
                     const char *expr)
{
	char a[80], b[80];

	return check_true(got == want, file, line, "%s: got %s, want %s", expr,
	                  fmt(tz, got, a, sizeof(a)), fmt(tz, want, b, sizeof(b)));
}

static uint64_t rng_state = 0x5a17c10c4d00beefULL;

/* splitmix64: deterministic, so a failure reproduces. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t rnd_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* Mon-Fri 09:00-17:00. */
static struct bizcal *office(const struct tz *tz)
{
	struct bizcal *cal = bizcal_new(tz);

	for (int w = MON; w <= FRI; w++)
		bizcal_add_interval(cal, w, 9 * 60, 17 * 60);
	return cal;
}

static struct bizcal *always(const struct tz *tz)
{
	struct bizcal *cal = bizcal_new(tz);

	bizcal_set_24x7(cal, true);
	return cal;
}

/* ---- a reference that steps through time ----------------------------------------------------- */

/* Whether the clock is stopped at t, and whether by a pause that never ends. */
static bool ref_paused_at(const struct sla_pause *p, size_t n, int64_t t, bool *open)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i].from <= t && t < p[i].to) {
			*open = p[i].to == SLA_OPEN;
			return true;
		}
	}
	*open = false;
	return false;
}

static bool ref_working(const struct bizcal *cal, int64_t t)
{
	return cal == NULL || bizcal_is_working(cal, t);
}

/* The due instant by walking from start in steps of q seconds, counting the steps that are
 * working time and not paused. Every opening, closing and pause edge must fall on the step
 * grid (q = 60 with whole-minute zone offsets and minute-aligned times; q = 1 always). Knows
 * nothing of how sla_due skips from pause to pause. Gives up at `limit` with BIZCAL_NEVER. */
static int64_t ref_due(const struct bizcal *cal, int64_t start, int64_t secs,
                       const struct sla_pause *p, size_t n, int64_t q, int64_t limit)
{
	int64_t run = 0;
	bool open;

	if (secs == 0)
		return start;
	for (int64_t t = start; t < limit; t += q) {
		if (ref_paused_at(p, n, t, &open)) {
			if (open)
				return SLA_PAUSED;
			continue;
		}
		if (ref_working(cal, t) && (run += q) >= secs)
			return t + q - (run - secs);
	}
	return BIZCAL_NEVER;
}

/* Business seconds run and paused in [start, t), stepping the same way. */
static void ref_clock(const struct bizcal *cal, int64_t start, int64_t t, const struct sla_pause *p,
                      size_t n, int64_t q, int64_t *run, int64_t *paused)
{
	bool open;

	*run = *paused = 0;
	for (int64_t u = start; u < t; u += q) {
		int64_t len = t - u < q ? t - u : q;

		if (!ref_working(cal, u))
			continue;
		if (ref_paused_at(p, n, u, &open))
			*paused += len;
		else
			*run += len;
	}
}

/* ---- no pauses ------------------------------------------------------------------------------- */

static void test_no_pauses(void)
{
	struct tz *lis = zone("Europe/Lisbon"), *ny = zone("America/New_York");
	struct bizcal *cals[] = {office(lis), office(ny), always(lis), bizcal_new(lis)};
	const int64_t targets[] = {0, 1, 59, HOUR, 8 * HOUR, 8 * HOUR + 1, 40 * HOUR, 1000 * HOUR};

	bizcal_add_holiday(cals[0], 2025, 6, 10);
	bizcal_add_holiday(cals[1], 2025, 7, 4);
	for (size_t c = 0; c < ARRAY_LEN(cals); c++) {
		for (size_t k = 0; k < ARRAY_LEN(targets); k++) {
			for (int i = 0; i < 8; i++) {
				int64_t s =
				    rnd_range(utc(2025, 1, 1, 0, 0, 0), utc(2026, 1, 1, 0, 0, 0));
				int64_t want = bizcal_add(cals[c], s, targets[k]);
				char a[80], b[80];

				CHECKF(sla_due(cals[c], s, targets[k], NULL, 0) == want,
				       "cal %zu from %lld + %lld: got %s, want %s", c, (long long)s,
				       (long long)targets[k],
				       fmt(lis, sla_due(cals[c], s, targets[k], NULL, 0), a,
				           sizeof(a)),
				       fmt(lis, want, b, sizeof(b)));
				/* An empty pause list, not just a null one. */
				struct sla_pause none[1] = {{0, 0}};

				CHECK(sla_due(cals[c], s, targets[k], none, 0) == want);
				CHECK_EQ_INT(sla_elapsed(cals[c], s, s + 30 * DAY, NULL, 0),
				             bizcal_between(cals[c], s, s + 30 * DAY));
				CHECK_EQ_INT(sla_paused(cals[c], s, s + 30 * DAY, NULL, 0), 0);
			}
		}
	}
	/* Straight answers from a fixed start: Wednesday 2025-06-04 10:00 in Lisbon. */
	int64_t s = L(lis, 2025, 6, 4, 10, 0);

	CHECK_AT(lis, sla_due(cals[0], s, 4 * HOUR, NULL, 0), L(lis, 2025, 6, 4, 14, 0));
	CHECK_AT(lis, sla_due(cals[0], s, 8 * HOUR, NULL, 0), L(lis, 2025, 6, 5, 10, 0));
	CHECK_AT(lis, sla_due(cals[0], s, 0, NULL, 0), s);
	CHECK_AT(lis, sla_due(cals[0], s, -1, NULL, 0), BIZCAL_INVALID);
	CHECK_AT(lis, sla_due(cals[3], s, HOUR, NULL, 0), BIZCAL_NEVER);
	CHECK_AT(lis, sla_due(cals[3], s, 0, NULL, 0), s);
	CHECK_AT(lis, sla_due(cals[0], TZ_TIME_MAX + 1, HOUR, NULL, 0), BIZCAL_INVALID);
	CHECK_AT(lis, sla_due(cals[0], s, INT64_MAX, NULL, 0), BIZCAL_NEVER);

	/* A null calendar counts every second, exactly like a 24x7 one, range limits included. */
	for (int i = 0; i < 500; i++) {
		int64_t t = rnd_range(utc(1970, 1, 1, 0, 0, 0), utc(2100, 1, 1, 0, 0, 0));
		int64_t d = rnd_range(0, 10 * 365 * DAY);

		CHECKF(sla_due(NULL, t, d, NULL, 0) == t + d, "null cal: %lld + %lld", (long long)t,
		       (long long)d);
		CHECK_EQ_INT(sla_elapsed(NULL, t, t + d, NULL, 0), d);
		CHECK_EQ_INT(sla_elapsed(NULL, t + d, t, NULL, 0), 0);
	}
	const int64_t edges[][2] = {
	    {TZ_TIME_MAX - 10, 10},
	    {TZ_TIME_MAX - 10, 11},
	    {TZ_TIME_MAX, 0},
	    {TZ_TIME_MAX + 1, 0},
	    {TZ_TIME_MAX + 1, 5},
	    {TZ_TIME_MIN, 5},
	    {TZ_TIME_MIN - 1, 5},
	    {TZ_TIME_MIN - 100, 10},
	    {INT64_MIN, 0},
	    {INT64_MIN, 1},
	    {INT64_MAX, 0},
	    {0, INT64_MAX},
	    {TZ_TIME_MAX - 1, INT64_MAX},
	    {0, -1},
	};

	for (size_t i = 0; i < ARRAY_LEN(edges); i++) {
		int64_t t = edges[i][0], d = edges[i][1];
		char a[80], b[80];

		CHECKF(sla_due(NULL, t, d, NULL, 0) == sla_due(cals[2], t, d, NULL, 0),
		       "null vs 24x7 at %lld + %lld: %s vs %s", (long long)t, (long long)d,
		       fmt(NULL, sla_due(NULL, t, d, NULL, 0), a, sizeof(a)),
		       fmt(NULL, sla_due(cals[2], t, d, NULL, 0), b, sizeof(b)));
	}
	/* Instants outside the supported range are clamped, as bizcal_between does. */
	CHECK_EQ_INT(sla_elapsed(NULL, INT64_MIN, INT64_MAX, NULL, 0), TZ_TIME_MAX - TZ_TIME_MIN);
	CHECK_EQ_INT(sla_elapsed(NULL, INT64_MIN, INT64_MAX, NULL, 0),
	             sla_elapsed(cals[2], INT64_MIN, INT64_MAX, NULL, 0));
	struct sla_pause forever = {INT64_MIN + 1, SLA_OPEN};

	CHECK_EQ_INT(sla_paused(NULL, INT64_MIN, INT64_MAX, &forever, 1),
	             TZ_TIME_MAX - TZ_TIME_MIN);
	CHECK_EQ_INT(sla_elapsed(NULL, INT64_MIN, INT64_MAX, &forever, 1), 0);

	for (size_t c = 0; c < ARRAY_LEN(cals); c++)
		bizcal_free(cals[c]);
	tz_free(lis);
	tz_free(ny);
}

/* ---- pauses, by hand ------------------------------------------------------------------------- */

/* A local wall time; a pause whose `to` has y == 0 is still open, an expected due with y == 0
 * means SLA_PAUSED. */
struct wall {
	int y, m, d, h, mi, s;
};

/* Kept on one line each; clang-format would spread every brace pair over four. */
/* clang-format off */
#define W(y, m, d, h, mi) {(y), (m), (d), (h), (mi), 0}
/* June 2025: Mon 2 .. Fri 6, Sat 7, Sun 8, Mon 9, Tue 10 (a holiday here), Wed 11. */
#define J(d, h, mi)       W(2025, 6, d, h, mi)
#define JS(d, h, mi, s)   {2025, 6, (d), (h), (mi), (s)}
#define OPEN              {0, 0, 0, 0, 0, 0}
#define PAUSED            {0, 0, 0, 0, 0, 0}
/* clang-format on */

static int64_t at(const struct tz *tz, struct wall w)
{
	return tz_from_local(tz, w.y, w.m, w.d, w.h, w.mi, w.s, 0);
}

struct due_case {
	const char *what;
	struct wall start;
	int64_t target;
	struct {
		struct wall from, to;
	} p[4];
	struct wall want;
};

/* Lisbon, Mon-Fri 09:00-17:00, Tuesday 2025-06-10 off. */
static const struct due_case due_cases[] = {
    {.what = "no pause", .start = J(4, 10, 0), .target = 4 * HOUR, .want = J(4, 14, 0)},
    /* A pause in working hours costs exactly its length. */
    {.what = "inside hours",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 11, 0), J(4, 11, 45)}},
     .want = J(4, 14, 45)},
    {.what = "at start",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 10, 0), J(4, 10, 30)}},
     .want = J(4, 14, 30)},
    /* Pauses wholly outside working time cost nothing. */
    {.what = "overnight",
     .start = J(4, 16, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 18, 0), J(5, 8, 0)}},
     .want = J(5, 12, 0)},
    {.what = "over the weekend",
     .start = J(6, 16, 0),
     .target = 4 * HOUR,
     .p = {{J(7, 10, 0), J(8, 20, 0)}},
     .want = J(9, 12, 0)},
    {.what = "closing to opening",
     .start = J(6, 16, 0),
     .target = 4 * HOUR,
     .p = {{J(6, 17, 0), J(9, 9, 0)}},
     .want = J(9, 12, 0)},
    {.what = "on the holiday",
     .start = J(9, 15, 0),
     .target = 4 * HOUR,
     .p = {{J(10, 8, 0), J(10, 20, 0)}},
     .want = J(11, 11, 0)},
    /* Straddling an edge of the working day: only the working part counts. */
    {.what = "across the closing",
     .start = J(4, 10, 0),
     .target = 8 * HOUR,
     .p = {{J(4, 16, 0), J(4, 19, 0)}},
     .want = J(5, 11, 0)},
    {.what = "across the opening",
     .start = J(4, 16, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 20, 0), J(5, 10, 30)}},
     .want = J(5, 13, 30)},
    /* Begun before the clock started: the part before start is ignored. */
    {.what = "began before start",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 8, 0), J(4, 11, 0)}},
     .want = J(4, 15, 0)},
    {.what = "began the day before",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(3, 16, 0), J(4, 11, 0)}},
     .want = J(4, 15, 0)},
    {.what = "ended at start",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 8, 0), J(4, 10, 0)}},
     .want = J(4, 14, 0)},
    {.what = "wholly before start",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(3, 10, 0), J(3, 11, 0)}},
     .want = J(4, 14, 0)},
    /* Ending after the naive due: pushed by the whole overlap, not just up to the due. */
    {.what = "ends after the naive due",
     .start = J(4, 10, 0),
     .target = 2 * HOUR,
     .p = {{J(4, 11, 0), J(4, 15, 0)}},
     .want = J(4, 16, 0)},
    {.what = "ends the next day",
     .start = J(4, 10, 0),
     .target = 2 * HOUR,
     .p = {{J(4, 11, 0), J(5, 10, 0)}},
     .want = J(5, 11, 0)},
    /* A pause starting as the target runs out does not move it; a second earlier does. */
    {.what = "starts at the due",
     .start = J(4, 10, 0),
     .target = 2 * HOUR,
     .p = {{J(4, 12, 0), J(4, 13, 0)}},
     .want = J(4, 12, 0)},
    {.what = "starts a second before the due",
     .start = J(4, 10, 0),
     .target = 2 * HOUR,
     .p = {{JS(4, 11, 59, 59), J(4, 13, 0)}},
     .want = JS(4, 13, 0, 1)},
    {.what = "several",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 10, 30), J(4, 11, 0)}, {J(4, 12, 0), J(4, 12, 15)}, {J(4, 13, 0), J(4, 14, 0)}},
     .want = J(4, 15, 45)},
    {.what = "several, some off hours",
     .start = J(4, 15, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 16, 0), J(4, 16, 30)}, {J(4, 20, 0), J(4, 21, 0)}, {J(5, 9, 30), J(5, 10, 0)}},
     .want = J(5, 12, 0)},
    {.what = "back to back",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 11, 0), J(4, 11, 30)}, {J(4, 11, 30), J(4, 12, 0)}},
     .want = J(4, 15, 0)},
    {.what = "zero length",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 11, 0), J(4, 11, 0)}},
     .want = J(4, 14, 0)},
    {.what = "zero length at start",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 10, 0), J(4, 10, 0)}},
     .want = J(4, 14, 0)},
    {.what = "started on the holiday",
     .start = J(10, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(10, 12, 0), J(11, 9, 30)}},
     .want = J(11, 13, 30)},
    {.what = "over the weekend and the holiday",
     .start = J(6, 16, 0),
     .target = 8 * HOUR,
     .p = {{J(6, 16, 30), J(11, 9, 30)}},
     .want = J(11, 17, 0)},
    /* Open pauses: the clock stops unless the target is reached first. */
    {.what = "open before the due",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 12, 0), OPEN}},
     .want = PAUSED},
    {.what = "open at start",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 10, 0), OPEN}},
     .want = PAUSED},
    {.what = "open before start",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(3, 18, 0), OPEN}},
     .want = PAUSED},
    {.what = "open a second before the due",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{JS(4, 13, 59, 59), OPEN}},
     .want = PAUSED},
    {.what = "open at the due",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 14, 0), OPEN}},
     .want = J(4, 14, 0)},
    {.what = "open after the due",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 15, 0), OPEN}},
     .want = J(4, 14, 0)},
    /* Off hours, but before the target is reached: still stopped. */
    {.what = "open off hours before the due",
     .start = J(4, 16, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 18, 0), OPEN}},
     .want = PAUSED},
    {.what = "open at the closing that is the due",
     .start = J(4, 13, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 17, 0), OPEN}},
     .want = J(4, 17, 0)},
    {.what = "closed then open",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 10, 30), J(4, 11, 0)}, {J(4, 12, 0), OPEN}},
     .want = PAUSED},
    {.what = "closed then open after the due",
     .start = J(4, 10, 0),
     .target = 4 * HOUR,
     .p = {{J(4, 10, 30), J(4, 11, 0)}, {J(4, 15, 0), OPEN}},
     .want = J(4, 14, 30)},
    /* A zero target is due at start, paused or not, in hours or not. */
    {.what = "zero target", .start = J(7, 12, 0), .target = 0, .want = J(7, 12, 0)},
    {.what = "zero target, paused at start",
     .start = J(4, 10, 0),
     .target = 0,
     .p = {{J(4, 10, 0), J(4, 11, 0)}},
     .want = J(4, 10, 0)},
    {.what = "zero target, open at start",
     .start = J(4, 10, 0),
     .target = 0,
     .p = {{J(4, 9, 0), OPEN}},
     .want = J(4, 10, 0)},
    {.what = "one second",
     .start = J(9, 8, 30),
     .target = 1,
     .p = {{J(9, 9, 0), JS(9, 9, 0, 30)}},
     .want = JS(9, 9, 0, 31)},
};

static size_t case_pauses(const struct tz *tz, const struct due_case *c, struct sla_pause *p)
{
	size_t n = 0;

	while (n < ARRAY_LEN(c->p) && c->p[n].from.y != 0) {
		p[n].from = at(tz, c->p[n].from);
		p[n].to = c->p[n].to.y == 0 ? SLA_OPEN : at(tz, c->p[n].to);
		n++;
	}
	return n;
}

static bool case_has_seconds(const struct due_case *c)
{
	bool any = c->start.s != 0 || c->want.s != 0;

	for (size_t i = 0; i < ARRAY_LEN(c->p); i++)
		any = any || c->p[i].from.s != 0 || c->p[i].to.s != 0;
	return any;
}

static void test_pauses(void)
{
	struct tz *tz = zone("Europe/Lisbon");
	struct bizcal *cal = office(tz);

	bizcal_add_holiday(cal, 2025, 6, 10);
	for (size_t i = 0; i < ARRAY_LEN(due_cases); i++) {
		const struct due_case *c = &due_cases[i];
		struct sla_pause p[ARRAY_LEN(c->p)];
		size_t n = case_pauses(tz, c, p);
		int64_t start = at(tz, c->start);
		int64_t want = c->want.y == 0 ? SLA_PAUSED : at(tz, c->want);
		int64_t got = sla_due(cal, start, c->target, p, n);
		int64_t q = case_has_seconds(c) ? 1 : 60;
		int64_t ref = ref_due(cal, start, c->target, p, n, q, start + 30 * DAY);
		char a[80], b[80];

		CHECKF(got == want, "%s: got %s, want %s", c->what, fmt(tz, got, a, sizeof(a)),
		       fmt(tz, want, b, sizeof(b)));
		/* The hand-written answer agrees with the stepping reference too. */
		CHECKF(ref == want, "%s: reference says %s, table %s", c->what,
		       fmt(tz, ref, a, sizeof(a)), fmt(tz, want, b, sizeof(b)));
		if (want == SLA_PAUSED)
			continue;
		CHECKF(sla_elapsed(cal, start, want, p, n) == c->target, "%s: elapsed at due %lld",
		       c->what, (long long)sla_elapsed(cal, start, want, p, n));
		if (c->target > 0)
			CHECKF(sla_elapsed(cal, start, want - 1, p, n) == c->target - 1,
			       "%s: elapsed a second before the due", c->what);
		/* The shift is exactly the business time paused before the due. */
		CHECKF(want ==
		           bizcal_add(cal, start, c->target + sla_paused(cal, start, want, p, n)),
		       "%s: due is not shifted by the paused time", c->what);
	}

	/* Elapsed and paused time at given instants, Wednesday 10:00 with a pause 11:00-11:45. */
	int64_t s = L(tz, 2025, 6, 4, 10, 0);
	struct sla_pause one = {L(tz, 2025, 6, 4, 11, 0), L(tz, 2025, 6, 4, 11, 45)};

	CHECK_EQ_INT(sla_elapsed(cal, s, L(tz, 2025, 6, 4, 11, 30), &one, 1), HOUR);
	CHECK_EQ_INT(sla_paused(cal, s, L(tz, 2025, 6, 4, 11, 30), &one, 1), 30 * MIN);
	CHECK_EQ_INT(sla_elapsed(cal, s, L(tz, 2025, 6, 4, 14, 0), &one, 1), 3 * HOUR + 15 * MIN);
	CHECK_EQ_INT(sla_paused(cal, s, L(tz, 2025, 6, 4, 14, 0), &one, 1), 45 * MIN);
	CHECK_EQ_INT(sla_elapsed(cal, s, L(tz, 2025, 6, 5, 10, 0), &one, 1), 7 * HOUR + 15 * MIN);
	CHECK_EQ_INT(sla_elapsed(cal, s, s, &one, 1), 0);
	CHECK_EQ_INT(sla_elapsed(cal, s, s - HOUR, &one, 1), 0);
	CHECK_EQ_INT(sla_paused(cal, s, s - HOUR, &one, 1), 0);
	/* An open pause counts up to the instant asked about, business time only. */
	struct sla_pause open = {L(tz, 2025, 6, 4, 16, 0), SLA_OPEN};

	CHECK_EQ_INT(sla_paused(cal, s, L(tz, 2025, 6, 4, 16, 30), &open, 1), 30 * MIN);
	CHECK_EQ_INT(sla_paused(cal, s, L(tz, 2025, 6, 5, 9, 30), &open, 1), HOUR + 30 * MIN);
	CHECK_EQ_INT(sla_elapsed(cal, s, L(tz, 2025, 6, 9, 0, 0), &open, 1), 6 * HOUR);
	/* A pause that began before start only counts from start. */
	struct sla_pause early = {L(tz, 2025, 6, 3, 9, 0), L(tz, 2025, 6, 4, 11, 0)};

	CHECK_EQ_INT(sla_paused(cal, s, L(tz, 2025, 6, 4, 12, 0), &early, 1), HOUR);
	CHECK_EQ_INT(sla_elapsed(cal, s, L(tz, 2025, 6, 4, 12, 0), &early, 1), HOUR);

	/* Bad and hopeless targets. */
	CHECK_AT(tz, sla_due(cal, s, -1, &one, 1), BIZCAL_INVALID);
	CHECK_AT(tz, sla_due(cal, TZ_TIME_MIN - 1, HOUR, &one, 1), BIZCAL_INVALID);
	CHECK_AT(tz, sla_due(cal, s, INT64_MAX, &one, 1), BIZCAL_NEVER);
	/* A pause that outlasts the supported range (but is not open) leaves the target out of
	 * reach, and a start out of range is invalid even when a pause covers it. */
	struct sla_pause long_one = {s + HOUR, TZ_TIME_MAX + 100};

	CHECK_AT(tz, sla_due(cal, s, 2 * HOUR, &long_one, 1), BIZCAL_NEVER);
	CHECK_AT(tz, sla_due(NULL, s, 2 * HOUR, &long_one, 1), BIZCAL_NEVER);
	CHECK_AT(tz, sla_due(cal, s, HOUR, &long_one, 1), s + HOUR);
	struct sla_pause cover = {TZ_TIME_MIN - 10, s};

	CHECK_AT(tz, sla_due(cal, TZ_TIME_MIN - 5, HOUR, &cover, 1), BIZCAL_INVALID);
	CHECK_AT(tz, sla_due(NULL, TZ_TIME_MIN - 5, HOUR, &cover, 1), BIZCAL_INVALID);
	/* An empty calendar never gets there, unless an open pause stops the clock first. */
	struct bizcal *none = bizcal_new(tz);

	CHECK_AT(tz, sla_due(none, s, HOUR, &one, 1), BIZCAL_NEVER);
	CHECK_AT(tz, sla_due(none, s, HOUR, &open, 1), SLA_PAUSED);
	CHECK_AT(tz, sla_due(none, s, 0, &open, 1), s);
	bizcal_free(none);
	bizcal_free(cal);
	tz_free(tz);
}

/* ---- real-world scenarios -------------------------------------------------------------------- */

struct scenario {
	const char *what, *zone;
	bool round_the_clock; /* 24x7; otherwise Mon-Fri 09:00-17:00 */
	struct {
		int y, m, d;
	} hol[2];
	struct wall start;
	int64_t target;
	struct {
		struct wall from, to;
	} p[2];
	struct wall want;
	int64_t real; /* wall-clock seconds from start to due */
};

/* Lisbon changes 2025-03-30 01:00 WET -> 02:00 WEST and 2025-10-26 02:00 WEST -> 01:00 WET; New
 * York 2025-03-09 02:00 EST -> 03:00 EDT and 2025-11-02 02:00 EDT -> 01:00 EST. 2025-06-06,
 * 03-28, 10-24, 03-07 and 10-31 are Fridays; 2025-12-31 is a Wednesday. */
static const struct scenario scenarios[] = {
    {.what = "Friday 16:30, 4h",
     .zone = "Europe/Lisbon",
     .start = W(2025, 6, 6, 16, 30),
     .target = 4 * HOUR,
     .want = W(2025, 6, 9, 12, 30),
     .real = 68 * HOUR},
    {.what = "Friday 16:30, 4h, pending over the weekend",
     .zone = "Europe/Lisbon",
     .start = W(2025, 6, 6, 16, 30),
     .target = 4 * HOUR,
     .p = {{W(2025, 6, 6, 16, 45), W(2025, 6, 9, 10, 0)}},
     .want = W(2025, 6, 9, 13, 45),
     .real = 69 * HOUR + 15 * MIN},
    {.what = "Friday 16:30, 4h, pending Saturday to Sunday",
     .zone = "Europe/Lisbon",
     .start = W(2025, 6, 6, 16, 30),
     .target = 4 * HOUR,
     .p = {{W(2025, 6, 7, 10, 0), W(2025, 6, 8, 18, 0)}},
     .want = W(2025, 6, 9, 12, 30),
     .real = 68 * HOUR},
    {.what = "spring-forward week",
     .zone = "Europe/Lisbon",
     .start = W(2025, 3, 28, 15, 0),
     .target = 8 * HOUR,
     .want = W(2025, 3, 31, 15, 0),
     .real = 71 * HOUR},
    {.what = "spring-forward week, pending over the weekend",
     .zone = "Europe/Lisbon",
     .start = W(2025, 3, 28, 15, 0),
     .target = 8 * HOUR,
     .p = {{W(2025, 3, 28, 16, 0), W(2025, 3, 31, 9, 30)}},
     .want = W(2025, 3, 31, 16, 30),
     .real = 72 * HOUR + 30 * MIN},
    {.what = "fall-back week",
     .zone = "Europe/Lisbon",
     .start = W(2025, 10, 24, 15, 0),
     .target = 8 * HOUR,
     .want = W(2025, 10, 27, 15, 0),
     .real = 73 * HOUR},
    {.what = "fall-back week, pending over the weekend",
     .zone = "Europe/Lisbon",
     .start = W(2025, 10, 24, 15, 0),
     .target = 8 * HOUR,
     .p = {{W(2025, 10, 24, 16, 0), W(2025, 10, 27, 10, 0)}},
     .want = W(2025, 10, 27, 17, 0),
     .real = 75 * HOUR},
    {.what = "year end, January 1 off",
     .zone = "Europe/Lisbon",
     .hol = {{2026, 1, 1}},
     .start = W(2025, 12, 31, 14, 0),
     .target = 4 * HOUR,
     .want = W(2026, 1, 2, 10, 0),
     .real = 44 * HOUR},
    {.what = "year end, pending across the holiday",
     .zone = "Europe/Lisbon",
     .hol = {{2026, 1, 1}},
     .start = W(2025, 12, 31, 14, 0),
     .target = 4 * HOUR,
     .p = {{W(2025, 12, 31, 16, 30), W(2026, 1, 2, 9, 30)}},
     .want = W(2026, 1, 2, 11, 0),
     .real = 45 * HOUR},
    {.what = "year end, pending on the holiday only",
     .zone = "Europe/Lisbon",
     .hol = {{2026, 1, 1}},
     .start = W(2025, 12, 31, 14, 0),
     .target = 4 * HOUR,
     .p = {{W(2026, 1, 1, 10, 0), W(2026, 1, 1, 15, 0)}},
     .want = W(2026, 1, 2, 10, 0),
     .real = 44 * HOUR},
    {.what = "year end, Christmas and New Year",
     .zone = "Europe/Lisbon",
     .hol = {{2025, 12, 25}, {2026, 1, 1}},
     .start = W(2025, 12, 24, 16, 0),
     .target = 40 * HOUR,
     .want = W(2026, 1, 2, 16, 0),
     .real = 9 * DAY},
    {.what = "Friday 16:30, 4h, into summer time",
     .zone = "America/New_York",
     .start = W(2025, 3, 7, 16, 30),
     .target = 4 * HOUR,
     .want = W(2025, 3, 10, 12, 30),
     .real = 67 * HOUR},
    {.what = "Friday 16:30, 4h, pending over the spring-forward weekend",
     .zone = "America/New_York",
     .start = W(2025, 3, 7, 16, 30),
     .target = 4 * HOUR,
     .p = {{W(2025, 3, 7, 16, 45), W(2025, 3, 10, 10, 0)}},
     .want = W(2025, 3, 10, 13, 45),
     .real = 68 * HOUR + 15 * MIN},
    {.what = "Friday 16:30, 4h, back to standard time",
     .zone = "America/New_York",
     .start = W(2025, 10, 31, 16, 30),
     .target = 4 * HOUR,
     .want = W(2025, 11, 3, 12, 30),
     .real = 69 * HOUR},
    {.what = "pending across the fall-back night",
     .zone = "America/New_York",
     .start = W(2025, 10, 31, 16, 30),
     .target = 4 * HOUR,
     .p = {{W(2025, 11, 1, 12, 0), W(2025, 11, 2, 12, 0)}},
     .want = W(2025, 11, 3, 12, 30),
     .real = 69 * HOUR},
    {.what = "year end, January 1 off",
     .zone = "America/New_York",
     .hol = {{2026, 1, 1}},
     .start = W(2025, 12, 31, 16, 30),
     .target = 4 * HOUR,
     .want = W(2026, 1, 2, 12, 30),
     .real = 44 * HOUR},
    {.what = "year end, pending from New Year's Eve to January 2",
     .zone = "America/New_York",
     .hol = {{2026, 1, 1}},
     .start = W(2025, 12, 31, 9, 0),
     .target = 10 * HOUR,
     .p = {{W(2025, 12, 31, 12, 0), W(2026, 1, 2, 12, 0)}},
     .want = W(2026, 1, 5, 11, 0),
     .real = 5 * DAY + 2 * HOUR},
    /* Round the clock: exact seconds across the changes, holidays ignored. */
    {.what = "24x7 into summer time",
     .zone = "Europe/Lisbon",
     .round_the_clock = true,
     .hol = {{2025, 3, 30}},
     .start = W(2025, 3, 29, 12, 0),
     .target = 24 * HOUR,
     .want = W(2025, 3, 30, 13, 0),
     .real = 24 * HOUR},
    {.what = "24x7 into summer time, paused 2h",
     .zone = "Europe/Lisbon",
     .round_the_clock = true,
     .start = W(2025, 3, 29, 12, 0),
     .target = 24 * HOUR,
     .p = {{W(2025, 3, 29, 20, 0), W(2025, 3, 29, 22, 0)}},
     .want = W(2025, 3, 30, 15, 0),
     .real = 26 * HOUR},
    {.what = "24x7 into summer time, paused across the gap",
     .zone = "Europe/Lisbon",
     .round_the_clock = true,
     .start = W(2025, 3, 29, 12, 0),
     .target = 24 * HOUR,
     .p = {{W(2025, 3, 30, 0, 30), W(2025, 3, 30, 2, 30)}},
     .want = W(2025, 3, 30, 14, 0),
     .real = 25 * HOUR},
    {.what = "24x7 back to standard time",
     .zone = "Europe/Lisbon",
     .round_the_clock = true,
     .start = W(2025, 10, 25, 12, 0),
     .target = 24 * HOUR,
     .want = W(2025, 10, 26, 11, 0),
     .real = 24 * HOUR},
    {.what = "24x7 back to standard time, paused across the fold",
     .zone = "Europe/Lisbon",
     .round_the_clock = true,
     .start = W(2025, 10, 25, 12, 0),
     .target = 24 * HOUR,
     .p = {{W(2025, 10, 25, 23, 30), W(2025, 10, 26, 2, 30)}},
     .want = W(2025, 10, 26, 15, 0),
     .real = 28 * HOUR},
    {.what = "24x7 into summer time",
     .zone = "America/New_York",
     .round_the_clock = true,
     .start = W(2025, 3, 8, 12, 0),
     .target = 24 * HOUR,
     .want = W(2025, 3, 9, 13, 0),
     .real = 24 * HOUR},
    {.what = "24x7 into summer time, paused across the gap",
     .zone = "America/New_York",
     .round_the_clock = true,
     .start = W(2025, 3, 8, 12, 0),
     .target = 24 * HOUR,
     .p = {{W(2025, 3, 9, 1, 0), W(2025, 3, 9, 4, 0)}},
     .want = W(2025, 3, 9, 15, 0),
     .real = 26 * HOUR},
    {.what = "24x7 back to standard time",
     .zone = "America/New_York",
     .round_the_clock = true,
     .start = W(2025, 11, 1, 12, 0),
     .target = 24 * HOUR,
     .want = W(2025, 11, 2, 11, 0),
     .real = 24 * HOUR},
    {.what = "24x7 over a year end, a week",
     .zone = "America/New_York",
     .round_the_clock = true,
     .hol = {{2026, 1, 1}},
     .start = W(2025, 12, 29, 8, 0),
     .target = 7 * DAY,
     .want = W(2026, 1, 5, 8, 0),
     .real = 7 * DAY},
};

static void test_scenarios(void)
{
	for (size_t i = 0; i < ARRAY_LEN(scenarios); i++) {
		const struct scenario *sc = &scenarios[i];
		struct tz *tz = zone(sc->zone);
		struct bizcal *cal = sc->round_the_clock ? always(tz) : office(tz);
		struct sla_pause p[ARRAY_LEN(sc->p)];
		size_t n = 0;
		char a[80], b[80];

		for (size_t h = 0; h < ARRAY_LEN(sc->hol) && sc->hol[h].y != 0; h++)
			CHECK(bizcal_add_holiday(cal, sc->hol[h].y, sc->hol[h].m, sc->hol[h].d) ==
			      0);
		for (; n < ARRAY_LEN(sc->p) && sc->p[n].from.y != 0; n++) {
			p[n].from = at(tz, sc->p[n].from);
			p[n].to = at(tz, sc->p[n].to);
		}
		int64_t start = at(tz, sc->start), want = at(tz, sc->want);
		int64_t got = sla_due(cal, start, sc->target, p, n);

		CHECKF(got == want, "%s, %s: got %s, want %s", sc->zone, sc->what,
		       fmt(tz, got, a, sizeof(a)), fmt(tz, want, b, sizeof(b)));
		CHECKF(want - start == sc->real, "%s, %s: %lld s of wall clock, want %lld",
		       sc->zone, sc->what, (long long)(want - start), (long long)sc->real);
		CHECKF(ref_due(cal, start, sc->target, p, n, 60, start + 30 * DAY) == want,
		       "%s, %s: the reference disagrees", sc->zone, sc->what);
		CHECK_EQ_INT(sla_elapsed(cal, start, got, p, n), sc->target);
		if (sc->round_the_clock) {
			/* The null calendar is the same clock. */
			CHECKF(sla_due(NULL, start, sc->target, p, n) == want,
			       "%s, %s: null calendar", sc->zone, sc->what);
			CHECK_EQ_INT(sla_paused(NULL, start, got, p, n),
			             sla_paused(cal, start, got, p, n));
		}
		/* Left open instead, each pause stops the clock before the due. */
		for (size_t k = 0; k < n; k++) {
			struct sla_pause q[ARRAY_LEN(sc->p)];

			memcpy(q, p, sizeof(q));
			q[k].to = SLA_OPEN;
			CHECKF(sla_due(cal, start, sc->target, q, k + 1) == SLA_PAUSED,
			       "%s, %s: pause %zu left open", sc->zone, sc->what, k);
		}
		bizcal_free(cal);
		tz_free(tz);
	}

	/* Two answers pinned in UTC, so a wrong zone reading cannot hide. */
	struct tz *ny = zone("America/New_York"), *lis = zone("Europe/Lisbon");
	struct bizcal *cal = office(ny);

	CHECK_AT(ny, sla_due(cal, utc(2025, 3, 7, 21, 30, 0), 4 * HOUR, NULL, 0),
	         utc(2025, 3, 10, 16, 30, 0));
	bizcal_free(cal);
	cal = always(lis);
	struct sla_pause fold = {utc(2025, 10, 25, 22, 30, 0), utc(2025, 10, 26, 2, 30, 0)};

	CHECK_AT(lis, sla_due(cal, utc(2025, 10, 25, 11, 0, 0), DAY, &fold, 1),
	         utc(2025, 10, 26, 15, 0, 0));
	bizcal_free(cal);
	tz_free(ny);
	tz_free(lis);
}

/* ---- random calendars and pauses ------------------------------------------------------------- */

static const char *const random_zones[] = {
    "Europe/Lisbon",     "America/New_York",  "Australia/Sydney",    "Asia/Kolkata",
    "Pacific/Chatham",   "America/Santiago",  "Australia/Lord_Howe", "UTC",
    "Africa/Casablanca", "America/Sao_Paulo",
};

/* A random calendar: any intervals (openings in DST gaps and folds included), holidays, now
 * and then 24x7 or no working time at all. */
static struct bizcal *random_cal(const struct tz *tz)
{
	struct bizcal *cal = bizcal_new(tz);
	int kind = (int)(rnd() % 20);

	if (kind == 0) {
		bizcal_set_24x7(cal, true);
		return cal;
	}
	if (kind == 1)
		return cal; /* empty */
	for (int i = 0, n = (int)rnd_range(1, 8); i < n; i++) {
		int s = (int)rnd_range(0, 1439);
		int e = s + (int)rnd_range(1, rnd() % 4 ? 600 : 1440);

		CHECK(bizcal_add_interval(cal, (int)rnd_range(0, 6), s, e) == 0);
	}
	for (int i = 0, n = (int)rnd_range(0, 20); i < n; i++) {
		int64_t y;
		int m, d;

		tz_civil_from_days(
		    rnd_range(tz_days_from_civil(2024, 12, 1), tz_days_from_civil(2026, 3, 1)), &y,
		    &m, &d);
		CHECK(bizcal_add_holiday(cal, (int)y, m, d) == 0);
	}
	return cal;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Up to `most` sorted, non-overlapping pauses in [lo, hi], some back to back, some of zero
 * length, some edges on openings, the last one sometimes open. With `grid`, every edge is
 * a whole minute. */
static size_t random_pauses(const struct bizcal *cal, int64_t lo, int64_t hi, bool grid,
                            struct sla_pause *p, size_t most)
{
	size_t n = (size_t)rnd_range(0, (int64_t)most);
	int64_t pts[2 * 8];

	for (size_t i = 0; i < 2 * n; i++) {
		int64_t t = rnd_range(lo, hi);

		if (cal != NULL && rnd() % 4 == 0) {
			int64_t nw = bizcal_next_working(cal, t);

			if (nw != BIZCAL_NEVER && nw <= hi)
				t = nw;
		}
		if (grid)
			t -= ((t % 60) + 60) % 60;
		pts[i] = t;
	}
	qsort(pts, 2 * n, sizeof(pts[0]), cmp_i64);
	for (size_t i = 0; i < n; i++) {
		p[i].from = pts[2 * i];
		p[i].to = pts[2 * i + 1];
		/* Close the gap to the previous pause now and then: back to back. */
		if (i > 0 && rnd() % 6 == 0)
			p[i].from = p[i - 1].to;
	}
	if (n > 0 && rnd() % 5 == 0)
		p[n - 1].to = SLA_OPEN;
	return n;
}

/* Properties of sla_due / sla_elapsed / sla_paused that hold for any calendar and pauses; a
 * share of the cases are also walked by the stepping reference. */
static void test_random(void)
{
	const int rounds = 400, per_round = 10;
	int finite = 0, paused = 0, never = 0, refs = 0;
	clock_t c0 = clock();

	for (int round = 0; round < rounds; round++) {
		const char *zn = random_zones[rnd() % ARRAY_LEN(random_zones)];
		struct tz *tz = zone(zn);
		bool null_cal = rnd() % 10 == 0;
		struct bizcal *cal = null_cal ? NULL : random_cal(tz);
		struct bizcal *all = always(tz);
		int64_t week = cal != NULL ? bizcal_week_seconds(cal) : 7 * DAY;

		for (int k = 0; k < per_round; k++) {
			/* The reference walks minutes, so keep its cases short and on the grid. */
			bool ref = k == 0 && (week == 0 || week >= 4 * HOUR);
			int64_t start =
			    rnd_range(utc(2025, 1, 1, 0, 0, 0), utc(2026, 1, 1, 0, 0, 0));
			int64_t target;

			if (ref) {
				start -= start % 60;
				target = rnd_range(0, 6 * HOUR);
			} else if (rnd() % 8 == 0) {
				target = 0;
			} else {
				target =
				    rnd() % 4 ? rnd_range(1, 40 * HOUR) : rnd_range(1, 2000 * HOUR);
				/* At most five years' worth, so a sparse calendar stays quick. */
				if (week > 0 && target > week * 52 * 5)
					target = rnd_range(1, week * 52 * 5);
			}
			int64_t naive = sla_due(cal, start, target, NULL, 0);
			int64_t span = naive < start + 20 * DAY ? naive - start : 20 * DAY;
			struct sla_pause p[8];
			size_t n = random_pauses(cal, start - 2 * DAY, start + span + 2 * DAY, ref,
			                         p, ref ? 4 : 6);
			int64_t due = sla_due(cal, start, target, p, n);
			char a[80], b[80];

			if (null_cal)
				CHECKF(due == sla_due(all, start, target, p, n),
				       "round %d: null calendar vs 24x7", round);
			/* Merging the back-to-back pauses, or dropping closed pauses that cover
			 * no working time, changes nothing. */
			struct sla_pause merged[8];
			size_t m = 0;

			for (size_t i = 0; i < n; i++) {
				bool empty = p[i].to != SLA_OPEN &&
				             (cal != NULL ? bizcal_between(cal, p[i].from, p[i].to)
				                          : p[i].to - p[i].from) == 0;

				if (empty)
					continue;
				if (m > 0 && merged[m - 1].to == p[i].from)
					merged[m - 1].to = p[i].to;
				else
					merged[m++] = p[i];
			}
			CHECKF(sla_due(cal, start, target, merged, m) == due,
			       "round %d %s: merged pauses give %s, not %s", round, zn,
			       fmt(tz, sla_due(cal, start, target, merged, m), a, sizeof(a)),
			       fmt(tz, due, b, sizeof(b)));

			if (due == SLA_PAUSED) {
				/* The open pause came first: the clock stopped short and stays. */
				int64_t from = p[n - 1].from > start ? p[n - 1].from : start;
				int64_t e = sla_elapsed(cal, start, from, p, n);

				paused++;
				CHECKF(p[n - 1].to == SLA_OPEN && e < target,
				       "round %d %s: paused with %lld of %lld run", round, zn,
				       (long long)e, (long long)target);
				CHECK_EQ_INT(sla_elapsed(cal, start, from + 400 * DAY, p, n), e);
			} else if (due == BIZCAL_NEVER) {
				never++;
				CHECKF(naive == BIZCAL_NEVER || week == 0,
				       "round %d %s: never, but %s without pauses", round, zn,
				       fmt(tz, naive, a, sizeof(a)));
			} else if (CHECKF(due != BIZCAL_INVALID && due >= start,
			                  "round %d %s: due %s", round, zn,
			                  fmt(tz, due, a, sizeof(a)))) {
				finite++;
				int64_t pz = sla_paused(cal, start, due, p, n);

				CHECKF(sla_elapsed(cal, start, due, p, n) == target,
				       "round %d %s: elapsed at due %s = %lld, want %lld", round,
				       zn, fmt(tz, due, a, sizeof(a)),
				       (long long)sla_elapsed(cal, start, due, p, n),
				       (long long)target);
				if (due > start && ref_working(cal, due - 1))
					CHECKF(sla_elapsed(cal, start, due - 1, p, n) < target,
					       "round %d %s: target already run a second before %s",
					       round, zn, fmt(tz, due, a, sizeof(a)));
				if (target > 0) {
					/* The last second before the due is a running one... */
					bool open;

					CHECKF(ref_working(cal, due - 1) &&
					           !ref_paused_at(p, n, due - 1, &open),
					       "round %d %s: clock not running before %s", round,
					       zn, fmt(tz, due, a, sizeof(a)));
					CHECK_EQ_INT(sla_elapsed(cal, start, due - 1, p, n),
					             target - 1);
					/* ...and the due moved by exactly the business time paused.
					 */
					CHECKF(due == sla_due(cal, start, target + pz, NULL, 0),
					       "round %d %s: %s is not shifted by %lld paused",
					       round, zn, fmt(tz, due, a, sizeof(a)),
					       (long long)pz);
				} else {
					CHECK_AT(tz, due, start);
				}
				CHECK(due <=
				      sla_due(cal, start, target + rnd_range(1, 10 * HOUR), p, n));
			}
			/* Run plus paused is the business time between, at any instant. */
			for (int j = 0; j < 4; j++) {
				int64_t hi = due >= start && due < start + 30 * DAY
				                 ? due + DAY
				                 : start + 30 * DAY;
				int64_t t = rnd_range(start - DAY, hi);
				int64_t between = cal != NULL ? bizcal_between(cal, start, t)
				                              : (t > start ? t - start : 0);

				CHECKF(sla_elapsed(cal, start, t, p, n) +
				               sla_paused(cal, start, t, p, n) ==
				           between,
				       "round %d %s: elapsed + paused at %s", round, zn,
				       fmt(tz, t, a, sizeof(a)));
				CHECK(sla_elapsed(cal, start, t, p, n) >= 0 &&
				      sla_paused(cal, start, t, p, n) >= 0);
				if (null_cal)
					CHECK_EQ_INT(sla_paused(cal, start, t, p, n),
					             sla_paused(all, start, t, p, n));
			}
			if (!ref)
				continue;
			/* The stepping reference: due, then run and paused at a random instant. */
			int64_t limit = start + 40 * DAY;
			int64_t want = ref_due(cal, start, target, p, n, 60, limit);

			refs++;
			if (want != BIZCAL_NEVER)
				CHECKF(due == want,
				       "round %d %s from %s + %lld: got %s, reference %s", round,
				       zn, fmt(tz, start, a, sizeof(a)), (long long)target,
				       fmt(tz, due, b, sizeof(b)), fmt(tz, want, a, sizeof(a)));
			else
				CHECKF(due == BIZCAL_NEVER || due >= limit,
				       "round %d %s: ref gave up", round, zn);
			int64_t end =
			    due >= start && due < start + 4 * DAY ? due + HOUR : start + 4 * DAY;
			int64_t t = rnd_range(start, end), run, pz;

			ref_clock(cal, start, t, p, n, 60, &run, &pz);
			CHECKF(sla_elapsed(cal, start, t, p, n) == run &&
			           sla_paused(cal, start, t, p, n) == pz,
			       "round %d %s: at %s run %lld paused %lld, reference %lld %lld",
			       round, zn, fmt(tz, t, a, sizeof(a)),
			       (long long)sla_elapsed(cal, start, t, p, n),
			       (long long)sla_paused(cal, start, t, p, n), (long long)run,
			       (long long)pz);
		}
		bizcal_free(cal);
		bizcal_free(all);
		tz_free(tz);
	}
	fprintf(stderr, "random: %d due, %d paused, %d never, %d against the reference, %.2f s\n",
	        finite, paused, never, refs, (double)(clock() - c0) / CLOCKS_PER_SEC);
	CHECK(finite > 1000 && paused > 100 && refs > 300);
}

/* Second by second on small cases, including pauses and starts off the minute grid. */
static void test_seconds(void)
{
	struct tz *tz = zone("America/New_York");
	struct bizcal *cal = bizcal_new(tz);

	/* Wednesdays 10:00-10:20 and 10:40-11:00. */
	bizcal_add_interval(cal, WED, 600, 620);
	bizcal_add_interval(cal, WED, 640, 660);
	for (int k = 0; k < 200; k++) {
		int64_t base = L(tz, 2025, 6, 11, 9, 55);
		int64_t start = base + rnd_range(0, 70 * MIN);
		int64_t target = rnd_range(0, 2400);
		struct sla_pause p[8];
		size_t n = random_pauses(cal, base, base + 70 * MIN, false, p, 4);
		/* Stepping seconds through the night is slow: past the day's last closing the
		 * reference gives up, and the due only has to lie beyond. */
		int64_t limit = base + 75 * MIN;
		int64_t want = ref_due(cal, start, target, p, n, 1, limit);
		int64_t got = sla_due(cal, start, target, p, n);
		char a[80], b[80];

		if (want == BIZCAL_NEVER)
			CHECKF(got != SLA_PAUSED && got >= limit, "case %d: %s, reference gave up",
			       k, fmt(tz, got, a, sizeof(a)));
		else
			CHECKF(got == want, "case %d from %s + %lld: got %s, want %s", k,
			       fmt(tz, start, a, sizeof(a)), (long long)target,
			       fmt(tz, got, b, sizeof(b)), fmt(tz, want, a, sizeof(a)));
		int64_t t = start + rnd_range(0, 75 * MIN), run, pz;

		ref_clock(cal, start, t, p, n, 1, &run, &pz);
		CHECK_EQ_INT(sla_elapsed(cal, start, t, p, n), run);
		CHECK_EQ_INT(sla_paused(cal, start, t, p, n), pz);
	}
	bizcal_free(cal);
	tz_free(tz);
}

/* ---- shares ---------------------------------------------------------------------------------- */

/* floor(target * pct / 100) in 128 bits, saturated: what sla_share should say. */
static int64_t share_ref(int64_t target, int pct)
{
	__int128 v;

	if (target <= 0 || pct <= 0)
		return 0;
	v = (__int128)target * pct / 100;
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static void test_share(void)
{
	static const struct {
		int64_t target;
		int pct;
		int64_t want;
	} cases[] = {
	    {3600, 75, 2700},
	    {3600, 100, 3600},
	    {100, 33, 33},
	    {1, 50, 0}, /* rounded down, not to nearest */
	    {199, 50, 99},
	    {3, 67, 2}, /* 2.01 */
	    {7, 99, 6}, /* 6.93 */
	    {7, 0, 0},
	    {7, -5, 0},
	    {0, 50, 0},
	    {-100, 50, 0},
	    {100, 150, 150},
	    {3, 150, 4}, /* 4.5 */
	    {28800, 1, 288},
	    {28801, 1, 288},
	    {1000 * HOUR, 80, 800 * HOUR},
	    {INT64_MAX, 100, INT64_MAX},
	    {INT64_MAX, 50, INT64_MAX / 2},
	    {INT64_MAX, 1, INT64_MAX / 100},
	    {INT64_MAX, 99, 9131138316486228048LL},      /* floor(9223372036854775807 * 0.99) */
	    {INT64_MAX / 2, 150, 6917529027641081854LL}, /* 1.5 * 4611686018427387903 */
	    {INT64_MAX / 2, 250, INT64_MAX},             /* saturated */
	    {INT64_MAX, 200, INT64_MAX},
	    {INT64_MAX, INT32_MAX, INT64_MAX},
	    {100, INT32_MAX, 2147483647LL},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		CHECKF(sla_share(cases[i].target, cases[i].pct) == cases[i].want,
		       "sla_share(%lld, %d) = %lld, want %lld", (long long)cases[i].target,
		       cases[i].pct, (long long)sla_share(cases[i].target, cases[i].pct),
		       (long long)cases[i].want);
		CHECK_EQ_INT(share_ref(cases[i].target, cases[i].pct), cases[i].want);
	}
	for (int i = 0; i < 20000; i++) {
		int64_t target = (int64_t)(rnd() >> (rnd() % 64));
		int pct = (int)(rnd() % 4 ? rnd_range(-5, 300) : (int64_t)(rnd() >> 33));

		if (!CHECKF(sla_share(target, pct) == share_ref(target, pct),
		            "sla_share(%lld, %d) = %lld, want %lld", (long long)target, pct,
		            (long long)sla_share(target, pct), (long long)share_ref(target, pct)))
			break;
	}
}

/* ---- clock states and names ------------------------------------------------------------------ */

#define T0 1750000000000LL /* some instant, in ms */

static void test_state(void)
{
	static const struct {
		const char *what;
		struct sla_clock c;
		int64_t now;
		enum sla_state want;
	} cases[] = {
	    {"pending: no due yet", {.target_s = 3600}, T0, SLA_PENDING},
	    {"pending: a warning but no due", {.warn_ms = T0 - 1}, T0, SLA_PENDING},
	    {"pending: breach recorded, no due", {.breached_ms = T0 - 1}, T0, SLA_BREACHED},
	    {"ok", {.due_ms = T0 + 1000, .warn_ms = T0 + 500}, T0, SLA_OK},
	    {"ok a millisecond before the warning",
	     {.due_ms = T0 + 1000, .warn_ms = T0 + 500},
	     T0 + 499,
	     SLA_OK},
	    {"warning at the warning",
	     {.due_ms = T0 + 1000, .warn_ms = T0 + 500},
	     T0 + 500,
	     SLA_WARNING},
	    {"warning a millisecond before the due",
	     {.due_ms = T0 + 1000, .warn_ms = T0 + 500},
	     T0 + 999,
	     SLA_WARNING},
	    {"breached at the due",
	     {.due_ms = T0 + 1000, .warn_ms = T0 + 500},
	     T0 + 1000,
	     SLA_BREACHED},
	    {"breached after the due",
	     {.due_ms = T0 + 1000, .warn_ms = T0 + 500},
	     T0 + 86400000,
	     SLA_BREACHED},
	    {"no warning share: ok up to the due", {.due_ms = T0 + 1000}, T0 + 999, SLA_OK},
	    {"no warning share: breached at the due",
	     {.due_ms = T0 + 1000},
	     T0 + 1000,
	     SLA_BREACHED},
	    /* deskd recorded a breach, then a recomputation moved the due later. */
	    {"breached before the due",
	     {.due_ms = T0 + 1000, .warn_ms = T0 + 500, .breached_ms = T0 - 10},
	     T0,
	     SLA_BREACHED},
	    {"paused", {.due_ms = T0 + 1000, .paused_since_ms = T0 - 5}, T0, SLA_STOPPED},
	    {"paused past the due",
	     {.due_ms = T0 + 1000, .paused_since_ms = T0 - 5},
	     T0 + 5000,
	     SLA_STOPPED},
	    {"paused in the warning",
	     {.due_ms = T0 + 1000, .warn_ms = T0 + 500, .paused_since_ms = T0 + 600},
	     T0 + 700,
	     SLA_STOPPED},
	    {"paused, overdue when it stopped",
	     {.paused_since_ms = T0 - 5, .has_left = true, .left_s = -30},
	     T0,
	     SLA_STOPPED},
	    {"met", {.due_ms = T0 + 1000, .met_ms = T0}, T0 + 5000, SLA_MET},
	    {"met at the due", {.due_ms = T0 + 1000, .met_ms = T0 + 1000}, T0 + 5000, SLA_MET},
	    {"met before it had a due", {.met_ms = T0}, T0, SLA_MET},
	    {"met while paused",
	     {.due_ms = T0 + 1000, .met_ms = T0, .paused_since_ms = T0 - 5},
	     T0,
	     SLA_MET},
	    {"met late: after the due",
	     {.due_ms = T0 + 1000, .met_ms = T0 + 1001},
	     T0 + 5000,
	     SLA_MET_LATE},
	    {"met late: breach recorded",
	     {.due_ms = T0 + 1000, .met_ms = T0 + 10, .breached_ms = T0 + 5},
	     T0 + 20,
	     SLA_MET_LATE},
	    {"met late: breach recorded, no due",
	     {.met_ms = T0, .breached_ms = T0 - 5},
	     T0,
	     SLA_MET_LATE},
	    /* `now` before the met instant does not matter: met is met. */
	    {"met, asked about earlier", {.due_ms = T0 + 1000, .met_ms = T0 + 900}, T0, SLA_MET},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		enum sla_state got = sla_state_at(&cases[i].c, cases[i].now);

		CHECKF(got == cases[i].want, "%s: got %s, want %s", cases[i].what,
		       sla_state_name(got), sla_state_name(cases[i].want));
	}
	/* Walking a running clock through time gives ok, warning, breached, in that order. */
	struct sla_clock c = {.kind = SLA_RESOLUTION, .target_s = 100};

	c.due_ms = T0 + c.target_s * 1000;
	c.warn_ms = T0 + sla_share(c.target_s, 75) * 1000;
	for (int64_t now = T0; now < T0 + 150000; now += 250) {
		enum sla_state want = now < T0 + 75000    ? SLA_OK
		                      : now < T0 + 100000 ? SLA_WARNING
		                                          : SLA_BREACHED;

		CHECKF(sla_state_at(&c, now) == want, "walk at +%lld ms: %s", (long long)(now - T0),
		       sla_state_name(sla_state_at(&c, now)));
	}
}

static void test_names(void)
{
	static const char *const kinds[SLA_NKINDS] = {"first_response", "resolution",
	                                              "next_update"};
	static const struct {
		enum sla_state s;
		const char *name;
	} states[] = {
	    {SLA_PENDING, "pending"},   {SLA_OK, "ok"},          {SLA_WARNING, "warning"},
	    {SLA_BREACHED, "breached"}, {SLA_STOPPED, "paused"}, {SLA_MET, "met"},
	    {SLA_MET_LATE, "met_late"},
	};
	int bad = -1;

	for (int k = 0; k < SLA_NKINDS; k++) {
		CHECK_STREQ(sla_kind_name((enum sla_kind)k), kinds[k]);
		CHECK_EQ_INT(sla_kind_from_name(sla_kind_name((enum sla_kind)k)), k);
		CHECK_EQ_INT(sla_kind_from_name(kinds[k]), k);
	}
	CHECK(sla_kind_name(SLA_NKINDS) == NULL);
	CHECK(sla_kind_name((enum sla_kind)bad) == NULL);
	const char *unknown[] = {"",          "First_Response", "first_response ", " resolution",
	                         "resolutio", "resolutionx",    "next-update",     "ok",
	                         "met"};

	for (size_t i = 0; i < ARRAY_LEN(unknown); i++)
		CHECKF(sla_kind_from_name(unknown[i]) == -1, "kind \"%s\"", unknown[i]);
	CHECK_EQ_INT(sla_kind_from_name(NULL), -1);

	for (size_t i = 0; i < ARRAY_LEN(states); i++) {
		CHECK_STREQ(sla_state_name(states[i].s), states[i].name);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(sla_state_name(states[i].s), sla_state_name(states[j].s)) !=
			      0);
	}
	/* Out of range reads as pending rather than crashing. */
	CHECK_STREQ(sla_state_name((enum sla_state)99), "pending");
	CHECK_STREQ(sla_state_name((enum sla_state)bad), "pending");
}

int main(void)
{
	RUN(test_no_pauses);
	RUN(test_pauses);
	RUN(test_scenarios);
	RUN(test_random);
	RUN(test_seconds);
	RUN(test_share);
	RUN(test_state);
	RUN(test_names);
	return check_done();
}
