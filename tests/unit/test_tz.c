/* test_tz.c - time zones: offsets against values from zdump and Python's zoneinfo, local time
 * both ways through gaps and folds, POSIX footer rules, every zone against glibc, and hostile
 * TZif input. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "tz.h"
#include "util.h"

#define DAY 86400

static struct tz *load(const char *name)
{
	char *err = NULL;
	struct tz *tz = tz_load(name, &err);

	CHECKF(tz != NULL, "tz_load(%s): %s", name, err ? err : "?");
	free(err);
	if (tz == NULL)
		abort(); /* every test below needs it */
	return tz;
}

static struct tz *posix(const char *spec)
{
	char *err = NULL;
	struct tz *tz = tz_from_posix(spec, &err);

	CHECKF(tz != NULL, "tz_from_posix(%s): %s", spec, err ? err : "?");
	free(err);
	if (tz == NULL)
		abort();
	return tz;
}

/* UTC instant from fields, for readable expectations. */
static int64_t utc(int y, int m, int d, int h, int mi, int s)
{
	return tz_days_from_civil(y, m, d) * DAY + h * 3600 + mi * 60 + s;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

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

/* ---- known offsets --------------------------------------------------------------------------- */

struct known {
	const char *zone;
	int64_t t;
	int32_t utoff;
	int isdst;
	const char *abbr;
};

/* Transitions from `zdump -v -c` (tzdata 2025b), one second either side; 2100 comes from the
 * footer rule, the files' tables end in 2037. Samples from Python's zoneinfo. */
static const struct known known[] = {
    {"America/New_York", 9961199, -18000, 0, "EST"},    /* 1970-04-26 06:59:59Z */
    {"America/New_York", 9961200, -14400, 1, "EDT"},    /* 1970-04-26 07:00:00Z */
    {"America/New_York", 25682399, -14400, 1, "EDT"},   /* 1970-10-25 05:59:59Z */
    {"America/New_York", 25682400, -18000, 0, "EST"},   /* 1970-10-25 06:00:00Z */
    {"Europe/Lisbon", 1743296399, 0, 0, "WET"},         /* 2025-03-30 00:59:59Z */
    {"Europe/Lisbon", 1743296400, 3600, 1, "WEST"},     /* 2025-03-30 01:00:00Z */
    {"Europe/Lisbon", 1761440399, 3600, 1, "WEST"},     /* 2025-10-26 00:59:59Z */
    {"Europe/Lisbon", 1761440400, 0, 0, "WET"},         /* 2025-10-26 01:00:00Z */
    {"Europe/Lisbon", 4109878799, 0, 0, "WET"},         /* 2100-03-28 00:59:59Z */
    {"Europe/Lisbon", 4109878800, 3600, 1, "WEST"},     /* 2100-03-28 01:00:00Z */
    {"Europe/Lisbon", 4128627599, 3600, 1, "WEST"},     /* 2100-10-31 00:59:59Z */
    {"Europe/Lisbon", 4128627600, 0, 0, "WET"},         /* 2100-10-31 01:00:00Z */
    {"America/New_York", 1741503599, -18000, 0, "EST"}, /* 2025-03-09 06:59:59Z */
    {"America/New_York", 1741503600, -14400, 1, "EDT"}, /* 2025-03-09 07:00:00Z */
    {"America/New_York", 1762063199, -14400, 1, "EDT"}, /* 2025-11-02 05:59:59Z */
    {"America/New_York", 1762063200, -18000, 0, "EST"}, /* 2025-11-02 06:00:00Z */
    {"America/New_York", 4108690799, -18000, 0, "EST"}, /* 2100-03-14 06:59:59Z */
    {"America/New_York", 4108690800, -14400, 1, "EDT"}, /* 2100-03-14 07:00:00Z */
    {"America/New_York", 4129250399, -14400, 1, "EDT"}, /* 2100-11-07 05:59:59Z */
    {"America/New_York", 4129250400, -18000, 0, "EST"}, /* 2100-11-07 06:00:00Z */
    {"Australia/Sydney", 1743868799, 39600, 1, "AEDT"}, /* 2025-04-05 15:59:59Z */
    {"Australia/Sydney", 1743868800, 36000, 0, "AEST"}, /* 2025-04-05 16:00:00Z */
    {"Australia/Sydney", 1759593599, 36000, 0, "AEST"}, /* 2025-10-04 15:59:59Z */
    {"Australia/Sydney", 1759593600, 39600, 1, "AEDT"}, /* 2025-10-04 16:00:00Z */
    {"Australia/Sydney", 4110451199, 39600, 1, "AEDT"}, /* 2100-04-03 15:59:59Z */
    {"Australia/Sydney", 4110451200, 36000, 0, "AEST"}, /* 2100-04-03 16:00:00Z */
    {"Australia/Sydney", 4126175999, 36000, 0, "AEST"}, /* 2100-10-02 15:59:59Z */
    {"Australia/Sydney", 4126176000, 39600, 1, "AEDT"}, /* 2100-10-02 16:00:00Z */
    {"Pacific/Chatham", 1743861599, 49500, 1, "+1345"}, /* 2025-04-05 13:59:59Z */
    {"Pacific/Chatham", 1743861600, 45900, 0, "+1245"}, /* 2025-04-05 14:00:00Z */
    {"Pacific/Chatham", 1758981599, 45900, 0, "+1245"}, /* 2025-09-27 13:59:59Z */
    {"Pacific/Chatham", 1758981600, 49500, 1, "+1345"}, /* 2025-09-27 14:00:00Z */
    {"Pacific/Chatham", 4110443999, 49500, 1, "+1345"}, /* 2100-04-03 13:59:59Z */
    {"Pacific/Chatham", 4110444000, 45900, 0, "+1245"}, /* 2100-04-03 14:00:00Z */
    {"Pacific/Chatham", 4125563999, 45900, 0, "+1245"}, /* 2100-09-25 13:59:59Z */
    {"Pacific/Chatham", 4125564000, 49500, 1, "+1345"}, /* 2100-09-25 14:00:00Z */
    /* 1970: Portugal kept CET (+1, not DST) from 1966 to 1976. */
    {"Europe/Lisbon", 0, 3600, 0, "CET"},
    {"Europe/Lisbon", 15552000, 3600, 0, "CET"}, /* 1970-06-30 */
    {"Europe/Lisbon", 212544000, 0, 0, "WET"},   /* 1976-09-26 00:00:00Z, back to WET */
    {"Europe/Lisbon", 212543999, 3600, 0, "CET"},
    {"Europe/Lisbon", 1735732800, 0, 0, "WET"},     /* 2025-01-01 12:00Z */
    {"Europe/Lisbon", 1751371200, 3600, 1, "WEST"}, /* 2025-07-01 12:00Z */
    {"Europe/Lisbon", 4102488000, 0, 0, "WET"},     /* 2100-01-01 12:00Z */
    {"Europe/Lisbon", 4118126400, 3600, 1, "WEST"}, /* 2100-07-01 12:00Z */
    {"America/New_York", 0, -18000, 0, "EST"},
    {"America/New_York", 15552000, -14400, 1, "EDT"},
    {"America/New_York", 1735732800, -18000, 0, "EST"},
    {"America/New_York", 1751371200, -14400, 1, "EDT"},
    {"America/New_York", 4102488000, -18000, 0, "EST"},
    {"America/New_York", 4118126400, -14400, 1, "EDT"},
    /* Southern hemisphere: summer time in January. No DST in 1970. */
    {"Australia/Sydney", 0, 36000, 0, "AEST"},
    {"Australia/Sydney", 15552000, 36000, 0, "AEST"},
    {"Australia/Sydney", 1735732800, 39600, 1, "AEDT"},
    {"Australia/Sydney", 1751371200, 36000, 0, "AEST"},
    {"Australia/Sydney", 4102488000, 39600, 1, "AEDT"},
    {"Australia/Sydney", 4118126400, 36000, 0, "AEST"},
    {"Asia/Kolkata", 0, 19800, 0, "IST"},
    {"Asia/Kolkata", 15552000, 19800, 0, "IST"},
    {"Asia/Kolkata", 1735732800, 19800, 0, "IST"},
    {"Asia/Kolkata", 1751371200, 19800, 0, "IST"},
    {"Asia/Kolkata", 4102488000, 19800, 0, "IST"},
    {"Asia/Kolkata", 4118126400, 19800, 0, "IST"},
    {"Pacific/Chatham", 0, 45900, 0, "+1245"},
    {"Pacific/Chatham", 15552000, 45900, 0, "+1245"},
    {"Pacific/Chatham", 1735732800, 49500, 1, "+1345"},
    {"Pacific/Chatham", 1751371200, 45900, 0, "+1245"},
    {"Pacific/Chatham", 4102488000, 49500, 1, "+1345"},
    {"Pacific/Chatham", 4118126400, 45900, 0, "+1245"},
};

static void test_known_offsets(void)
{
	for (size_t i = 0; i < ARRAY_LEN(known); i++) {
		const struct known *k = &known[i];
		struct tz *tz = load(k->zone);
		struct tz_tm tm;

		CHECKF(tz_utc_offset(tz, k->t) == k->utoff, "%s at %lld: offset %d, want %d",
		       k->zone, (long long)k->t, tz_utc_offset(tz, k->t), k->utoff);
		if (CHECK(tz_to_local(tz, k->t, &tm) == 0)) {
			CHECKF(tm.utoff == k->utoff && tm.isdst == k->isdst &&
			           strcmp(tm.abbr, k->abbr) == 0,
			       "%s at %lld: %d %d %s, want %d %d %s", k->zone, (long long)k->t,
			       tm.utoff, tm.isdst, tm.abbr, k->utoff, k->isdst, k->abbr);
		}
		tz_free(tz);
	}
}

static void test_to_local_fields(void)
{
	struct tz *lis = load("Europe/Lisbon"), *cha = load("Pacific/Chatham");
	struct tz *kol = load("Asia/Kolkata"), *ny = load("America/New_York");
	struct tz_tm tm;

	/* The spring-forward instant reads 02:00 WEST on Sunday 2025-03-30. */
	tz_to_local(lis, 1743296400, &tm);
	CHECK(tm.year == 2025 && tm.month == 3 && tm.day == 30 && tm.hour == 2 && tm.min == 0 &&
	      tm.sec == 0 && tm.wday == 0 && tm.yday == 88 && tm.isdst);
	tz_to_local(lis, 1743296399, &tm);
	CHECK(tm.hour == 0 && tm.min == 59 && tm.sec == 59 && !tm.isdst);
	/* Chatham's DST starts at 02:45 standard time, which reads 03:45. */
	tz_to_local(cha, 1758981600, &tm);
	CHECK(tm.year == 2025 && tm.month == 9 && tm.day == 28 && tm.hour == 3 && tm.min == 45 &&
	      tm.wday == 0);
	tz_to_local(kol, utc(2025, 12, 31, 18, 30, 0), &tm);
	CHECK(tm.year == 2026 && tm.month == 1 && tm.day == 1 && tm.hour == 0 && tm.min == 0 &&
	      tm.wday == 4 && tm.yday == 0);
	/* Before 1970 and far out. */
	tz_to_local(ny, utc(1900, 1, 1, 12, 0, 0), &tm);
	CHECK(tm.year == 1900 && tm.hour == 7 && tm.wday == 1 && tm.utoff == -18000);
	tz_to_local(ny, utc(9999, 12, 31, 23, 59, 59), &tm);
	CHECK(tm.year == 9999 && tm.month == 12 && tm.day == 31 && tm.hour == 18 &&
	      tm.utoff == -18000);
	CHECK(tz_to_local(ny, TZ_TIME_MAX + 1, &tm) == -1);
	CHECK(tz_to_local(ny, TZ_TIME_MIN - 1, &tm) == -1);
	CHECK(tz_to_local(ny, TZ_TIME_MIN, &tm) == 0 && tm.year == 0 && tm.month == 12);
	/* tz_utc_offset clamps rather than failing. */
	CHECK(tz_utc_offset(ny, INT64_MAX) == -18000 && tz_utc_offset(ny, INT64_MIN) != 0);
	tz_free(lis);
	tz_free(cha);
	tz_free(kol);
	tz_free(ny);
}

/* ---- local time to instant ------------------------------------------------------------------- */

struct local_case {
	const char *zone;
	int y, m, d, h, mi;
	int64_t earlier_next, earlier_shift, later_next, later_shift;
};

#define POL_EN (TZ_FOLD_EARLIER | TZ_GAP_NEXT)
#define POL_ES (TZ_FOLD_EARLIER | TZ_GAP_SHIFT)
#define POL_LN (TZ_FOLD_LATER | TZ_GAP_NEXT)
#define POL_LS (TZ_FOLD_LATER | TZ_GAP_SHIFT)

static void test_from_local(void)
{
	/* A gap answers the same for both fold policies, a fold for both gap policies. */
	const struct local_case cases[] = {
	    /* ordinary */
	    {"Europe/Lisbon", 2025, 6, 4, 9, 0, utc(2025, 6, 4, 8, 0, 0), utc(2025, 6, 4, 8, 0, 0),
	     utc(2025, 6, 4, 8, 0, 0), utc(2025, 6, 4, 8, 0, 0)},
	    /* Lisbon spring: 01:00 WET -> 02:00 WEST, 01:30 does not exist */
	    {"Europe/Lisbon", 2025, 3, 30, 1, 30, utc(2025, 3, 30, 1, 0, 0),
	     utc(2025, 3, 30, 1, 30, 0), utc(2025, 3, 30, 1, 0, 0), utc(2025, 3, 30, 1, 30, 0)},
	    /* the gap's first and last second, and the first existing time */
	    {"Europe/Lisbon", 2025, 3, 30, 1, 0, utc(2025, 3, 30, 1, 0, 0),
	     utc(2025, 3, 30, 1, 0, 0), utc(2025, 3, 30, 1, 0, 0), utc(2025, 3, 30, 1, 0, 0)},
	    {"Europe/Lisbon", 2025, 3, 30, 2, 0, utc(2025, 3, 30, 1, 0, 0),
	     utc(2025, 3, 30, 1, 0, 0), utc(2025, 3, 30, 1, 0, 0), utc(2025, 3, 30, 1, 0, 0)},
	    /* Lisbon fall: 02:00 WEST -> 01:00 WET, 01:30 twice */
	    {"Europe/Lisbon", 2025, 10, 26, 1, 30, utc(2025, 10, 26, 0, 30, 0),
	     utc(2025, 10, 26, 0, 30, 0), utc(2025, 10, 26, 1, 30, 0), utc(2025, 10, 26, 1, 30, 0)},
	    {"Europe/Lisbon", 2025, 10, 26, 1, 0, utc(2025, 10, 26, 0, 0, 0),
	     utc(2025, 10, 26, 0, 0, 0), utc(2025, 10, 26, 1, 0, 0), utc(2025, 10, 26, 1, 0, 0)},
	    {"Europe/Lisbon", 2025, 10, 26, 2, 0, utc(2025, 10, 26, 2, 0, 0),
	     utc(2025, 10, 26, 2, 0, 0), utc(2025, 10, 26, 2, 0, 0), utc(2025, 10, 26, 2, 0, 0)},
	    /* New York spring: 02:00 EST -> 03:00 EDT; fall: 02:00 EDT -> 01:00 EST */
	    {"America/New_York", 2025, 3, 9, 2, 30, utc(2025, 3, 9, 7, 0, 0),
	     utc(2025, 3, 9, 7, 30, 0), utc(2025, 3, 9, 7, 0, 0), utc(2025, 3, 9, 7, 30, 0)},
	    {"America/New_York", 2025, 11, 2, 1, 30, utc(2025, 11, 2, 5, 30, 0),
	     utc(2025, 11, 2, 5, 30, 0), utc(2025, 11, 2, 6, 30, 0), utc(2025, 11, 2, 6, 30, 0)},
	    /* 2100, from the footer rule */
	    {"America/New_York", 2100, 3, 14, 2, 30, utc(2100, 3, 14, 7, 0, 0),
	     utc(2100, 3, 14, 7, 30, 0), utc(2100, 3, 14, 7, 0, 0), utc(2100, 3, 14, 7, 30, 0)},
	    {"America/New_York", 2100, 11, 7, 1, 30, utc(2100, 11, 7, 5, 30, 0),
	     utc(2100, 11, 7, 5, 30, 0), utc(2100, 11, 7, 6, 30, 0), utc(2100, 11, 7, 6, 30, 0)},
	    /* Sydney: gap 02:00-03:00 in October, fold 02:00-03:00 in April */
	    {"Australia/Sydney", 2025, 10, 5, 2, 30, utc(2025, 10, 4, 16, 0, 0),
	     utc(2025, 10, 4, 16, 30, 0), utc(2025, 10, 4, 16, 0, 0), utc(2025, 10, 4, 16, 30, 0)},
	    {"Australia/Sydney", 2025, 4, 6, 2, 30, utc(2025, 4, 5, 15, 30, 0),
	     utc(2025, 4, 5, 15, 30, 0), utc(2025, 4, 5, 16, 30, 0), utc(2025, 4, 5, 16, 30, 0)},
	    /* Chatham: gap 02:45-03:45 in September, fold 02:45-03:45 in April */
	    {"Pacific/Chatham", 2025, 9, 28, 3, 0, utc(2025, 9, 27, 14, 0, 0),
	     utc(2025, 9, 27, 14, 15, 0), utc(2025, 9, 27, 14, 0, 0), utc(2025, 9, 27, 14, 15, 0)},
	    {"Pacific/Chatham", 2025, 4, 6, 3, 0, utc(2025, 4, 5, 13, 15, 0),
	     utc(2025, 4, 5, 13, 15, 0), utc(2025, 4, 5, 14, 15, 0), utc(2025, 4, 5, 14, 15, 0)},
	    {"Asia/Kolkata", 2025, 1, 1, 0, 0, utc(2024, 12, 31, 18, 30, 0),
	     utc(2024, 12, 31, 18, 30, 0), utc(2024, 12, 31, 18, 30, 0),
	     utc(2024, 12, 31, 18, 30, 0)},
	    /* Santiago skips midnight: Saturday 24:00 -> Sunday 01:00 */
	    {"America/Santiago", 2025, 9, 7, 0, 30, utc(2025, 9, 7, 4, 0, 0),
	     utc(2025, 9, 7, 4, 30, 0), utc(2025, 9, 7, 4, 0, 0), utc(2025, 9, 7, 4, 30, 0)},
	    /* Lord Howe moves by half an hour: fold 01:30-02:00 in April */
	    {"Australia/Lord_Howe", 2025, 4, 6, 1, 45, utc(2025, 4, 5, 14, 45, 0),
	     utc(2025, 4, 5, 14, 45, 0), utc(2025, 4, 5, 15, 15, 0), utc(2025, 4, 5, 15, 15, 0)},
	    /* 1970 */
	    {"America/New_York", 1970, 4, 26, 2, 30, utc(1970, 4, 26, 7, 0, 0),
	     utc(1970, 4, 26, 7, 30, 0), utc(1970, 4, 26, 7, 0, 0), utc(1970, 4, 26, 7, 30, 0)},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct local_case *c = &cases[i];
		struct tz *tz = load(c->zone);
		const int pol[] = {POL_EN, POL_ES, POL_LN, POL_LS};
		const int64_t want[] = {c->earlier_next, c->earlier_shift, c->later_next,
		                        c->later_shift};

		for (int p = 0; p < 4; p++) {
			int64_t got = tz_from_local(tz, c->y, c->m, c->d, c->h, c->mi, 0, pol[p]);

			CHECKF(got == want[p],
			       "%s %04d-%02d-%02d %02d:%02d policy %d: %lld, want %lld", c->zone,
			       c->y, c->m, c->d, c->h, c->mi, pol[p], (long long)got,
			       (long long)want[p]);
		}
		tz_free(tz);
	}
}

static void test_from_local_invalid(void)
{
	struct tz *tz = load("Europe/Lisbon");

	CHECK(tz_from_local(tz, 2025, 13, 1, 0, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2025, 0, 1, 0, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2025, 2, 29, 0, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2024, 2, 29, 0, 0, 0, 0) == utc(2024, 2, 29, 0, 0, 0));
	CHECK(tz_from_local(tz, 2100, 2, 29, 0, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2000, 2, 29, 0, 0, 0, 0) == utc(2000, 2, 29, 0, 0, 0));
	CHECK(tz_from_local(tz, 2025, 4, 31, 0, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2025, 4, 0, 0, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2025, 4, 1, 24, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2025, 4, 1, 23, 60, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2025, 4, 1, 23, 59, 60, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 2025, 4, 1, -1, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 0, 1, 1, 0, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 10000, 1, 1, 0, 0, 0, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local(tz, 9999, 12, 31, 23, 59, 59, 0) == TZ_TIME_MAX);
	CHECK(tz_from_local_secs(tz, TZ_TIME_MAX + 1, 0) == TZ_TIME_INVALID);
	CHECK(tz_from_local_secs(tz, TZ_TIME_MIN - 1, 0) == TZ_TIME_INVALID);
	/* Local seconds normalise: 25:00 on the 29th is 01:00 on the 30th (in the gap). */
	CHECK(tz_from_local_secs(tz, tz_days_from_civil(2025, 3, 29) * DAY + 25 * 3600 + 1800, 0) ==
	      utc(2025, 3, 30, 1, 0, 0));
	tz_free(tz);
}

/* For every zone and a spread of instants: local time read back gives the instant (its first
 * occurrence, or its second with TZ_FOLD_LATER), policy 0 never decreases, and a local time
 * that exists comes back as itself. */
static void test_roundtrip(void)
{
	const char *zones[] = {"Europe/Lisbon",       "America/New_York", "Australia/Sydney",
	                       "Asia/Kolkata",        "Pacific/Chatham",  "America/Santiago",
	                       "Australia/Lord_Howe", "America/Havana",   "Europe/Dublin",
	                       "Africa/Casablanca",   "Pacific/Apia",     "Asia/Tehran"};

	for (size_t z = 0; z < ARRAY_LEN(zones); z++) {
		struct tz *tz = load(zones[z]);
		int64_t prev_local = INT64_MIN, prev_inst = INT64_MIN;
		int fails = 0;

		for (int64_t t = utc(1960, 1, 1, 0, 0, 0);
		     t < utc(2110, 1, 1, 0, 0, 0) && fails < 5; t += 3 * DAY + 3607) {
			/* Also probe every transition closely. */
			int64_t probes[3] = {t, 0, 0};
			int64_t next = tz_next_transition(tz, t);
			int np = 1;

			if (next != TZ_TIME_NONE && next < t + 3 * DAY + 3607) {
				probes[np++] = next - 1;
				probes[np++] = next;
			}
			for (int i = 0; i < np; i++) {
				struct tz_tm tm;
				int64_t x = probes[i];

				tz_to_local(tz, x, &tm);
				int64_t e = tz_from_local(tz, tm.year, tm.month, tm.day, tm.hour,
				                          tm.min, tm.sec, TZ_FOLD_EARLIER);
				int64_t l = tz_from_local(tz, tm.year, tm.month, tm.day, tm.hour,
				                          tm.min, tm.sec, TZ_FOLD_LATER);

				if (!CHECKF(e <= x && x <= l && (e == x || l == x),
				            "%s at %lld: earlier %lld, later %lld", zones[z],
				            (long long)x, (long long)e, (long long)l))
					fails++;
			}
			/* Monotonic policy 0 over random local times. */
			int64_t local = t + rnd_range(-DAY, DAY);
			int64_t inst = tz_from_local_secs(tz, local, 0);

			if (local > prev_local &&
			    !CHECKF(inst >= prev_inst, "%s not monotonic at %lld", zones[z],
			            (long long)local))
				fails++;
			prev_local = local;
			prev_inst = inst;
		}
		tz_free(tz);
	}
}

/* ---- transitions ----------------------------------------------------------------------------- */

static void test_next_transition(void)
{
	struct tz *lis = load("Europe/Lisbon"), *kol = load("Asia/Kolkata");
	struct tz *ny = load("America/New_York"), *syd = load("Australia/Sydney");

	CHECK_EQ_INT(tz_next_transition(lis, utc(2025, 1, 1, 0, 0, 0)), 1743296400);
	CHECK_EQ_INT(tz_next_transition(lis, 1743296399), 1743296400);
	CHECK_EQ_INT(tz_next_transition(lis, 1743296400), 1761440400);
	CHECK_EQ_INT(tz_next_transition(lis, 0), 212544000); /* 1976: CET -> WET */
	CHECK_EQ_INT(tz_next_transition(lis, utc(2100, 1, 1, 0, 0, 0)), 4109878800);
	CHECK_EQ_INT(tz_next_transition(ny, utc(2099, 12, 31, 0, 0, 0)), 4108690800);
	CHECK_EQ_INT(tz_next_transition(ny, 4108690800), 4129250400);
	/* Across the end of the table (2037) into the footer. */
	CHECK_EQ_INT(tz_next_transition(ny, utc(2037, 11, 1, 6, 0, 0)), utc(2038, 3, 14, 7, 0, 0));
	CHECK_EQ_INT(tz_next_transition(syd, utc(2025, 1, 1, 0, 0, 0)), 1743868800);
	CHECK_EQ_INT(tz_next_transition(kol, 0), TZ_TIME_NONE);
	CHECK_EQ_INT(tz_next_transition(kol, utc(1900, 1, 1, 0, 0, 0)),
	             utc(1905, 12, 31, 18, 38, 50));
	CHECK_EQ_INT(tz_next_transition(kol, utc(1906, 1, 1, 0, 0, 0)),
	             utc(1941, 9, 30, 18, 30, 0));

	/* Walk New York 2000..2200: two changes a year, each a real change. */
	int64_t t = utc(2000, 1, 1, 0, 0, 0);
	int n = 0;

	while ((t = tz_next_transition(ny, t)) < utc(2200, 1, 1, 0, 0, 0)) {
		CHECKF(tz_utc_offset(ny, t - 1) != tz_utc_offset(ny, t), "no change at %lld",
		       (long long)t);
		n++;
	}
	CHECK_EQ_INT(n, 400);
	tz_free(lis);
	tz_free(kol);
	tz_free(ny);
	tz_free(syd);
}

/* ---- POSIX footer rules ---------------------------------------------------------------------- */

/* A footer-only zone agrees with the full zone at every change since the rule started. */
static void same_since(const char *zone, const char *spec, int64_t since, int64_t until)
{
	struct tz *full = load(zone), *rule = posix(spec);

	for (int64_t t = tz_next_transition(full, since); t < until;
	     t = tz_next_transition(full, t)) {
		CHECKF(tz_utc_offset(full, t) == tz_utc_offset(rule, t) &&
		           tz_utc_offset(full, t - 1) == tz_utc_offset(rule, t - 1),
		       "%s vs \"%s\" at %lld", zone, spec, (long long)t);
		CHECKF(tz_next_transition(rule, t - 1) == t, "%s: rule's next change after %lld",
		       zone, (long long)(t - 1));
	}
	tz_free(full);
	tz_free(rule);
}

static void test_posix_rules(void)
{
	struct tz *tz;
	struct tz_tm tm;

	same_since("Europe/Lisbon", "WET0WEST,M3.5.0/1,M10.5.0", utc(1996, 6, 1, 0, 0, 0),
	           utc(2150, 1, 1, 0, 0, 0));
	same_since("America/New_York", "EST5EDT,M3.2.0,M11.1.0", utc(2007, 6, 1, 0, 0, 0),
	           utc(2150, 1, 1, 0, 0, 0));
	same_since("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3", utc(2008, 6, 1, 0, 0, 0),
	           utc(2150, 1, 1, 0, 0, 0));
	same_since("Pacific/Chatham", "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
	           utc(2008, 6, 1, 0, 0, 0), utc(2150, 1, 1, 0, 0, 0));
	/* Negative and 24-hour rule times. */
	same_since("America/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", utc(2024, 6, 1, 0, 0, 0),
	           utc(2150, 1, 1, 0, 0, 0));
	same_since("America/Santiago", "<-04>4<-03>,M9.1.6/24,M4.1.6/24", utc(2023, 6, 1, 0, 0, 0),
	           utc(2150, 1, 1, 0, 0, 0));

	tz = posix("IST-5:30");
	CHECK(tz_utc_offset(tz, 0) == 19800 && tz_next_transition(tz, 0) == TZ_TIME_NONE);
	tz_to_local(tz, 0, &tm);
	CHECK_STREQ(tm.abbr, "IST");
	tz_free(tz);

	/* Jn never counts Feb 29: J60 is March 1 in every year. */
	tz = posix("AAA3BBB,J60/2,J300/2");
	CHECK_EQ_INT(tz_next_transition(tz, utc(2024, 1, 1, 0, 0, 0)), utc(2024, 3, 1, 5, 0, 0));
	CHECK_EQ_INT(tz_next_transition(tz, utc(2025, 1, 1, 0, 0, 0)), utc(2025, 3, 1, 5, 0, 0));
	/* J300 is Oct 27, read in DST (-2). */
	CHECK_EQ_INT(tz_next_transition(tz, utc(2024, 6, 1, 0, 0, 0)), utc(2024, 10, 27, 4, 0, 0));
	tz_free(tz);
	/* Plain n counts from 0 and does count Feb 29: 59 is Feb 29 in 2024, Mar 1 in 2025. */
	tz = posix("AAA3BBB,59/2,299/2");
	CHECK_EQ_INT(tz_next_transition(tz, utc(2024, 1, 1, 0, 0, 0)), utc(2024, 2, 29, 5, 0, 0));
	CHECK_EQ_INT(tz_next_transition(tz, utc(2025, 1, 1, 0, 0, 0)), utc(2025, 3, 1, 5, 0, 0));
	tz_free(tz);
	/* A DST offset given explicitly, two hours ahead, with seconds. */
	tz = posix("AAA-1BBB-3:00:30,M3.5.0,M10.5.0/3");
	CHECK_EQ_INT(tz_utc_offset(tz, utc(2025, 7, 1, 0, 0, 0)), 3 * 3600 + 30);
	CHECK_EQ_INT(tz_utc_offset(tz, utc(2025, 1, 1, 0, 0, 0)), 3600);
	tz_free(tz);
	/* DST without a rule takes the US rule. */
	tz = posix("EST5EDT");
	CHECK_EQ_INT(tz_next_transition(tz, utc(2025, 1, 1, 0, 0, 0)), 1741503600);
	tz_free(tz);
	/* DST all year (RFC 8536 3.3.1): DST from Jan 1 00:00 to Dec 31 25:00 is permanent. */
	tz = posix("EST5EDT,0/0,J365/25");
	for (int64_t t = utc(2024, 12, 31, 0, 0, 0); t < utc(2026, 1, 2, 0, 0, 0); t += 1800)
		CHECKF(tz_utc_offset(tz, t) == -14400, "all-year DST at %lld", (long long)t);
	CHECK(tz_next_transition(tz, utc(2025, 1, 1, 0, 0, 0)) == TZ_TIME_NONE);
	tz_free(tz);
	/* A rule time that moves a year's start into the previous year: DST from Dec 31 2025
	 * 04:00 (Jan 1 2026 minus 20 hours) until Jun 29 (J180) 02:00 DST. */
	tz = posix("AAA0BBB,J1/-20,J180");
	CHECK_EQ_INT(tz_utc_offset(tz, utc(2025, 12, 31, 3, 59, 59)), 0);
	CHECK_EQ_INT(tz_utc_offset(tz, utc(2025, 12, 31, 4, 0, 0)), 3600);
	CHECK_EQ_INT(tz_utc_offset(tz, utc(2026, 6, 29, 0, 59, 59)), 3600);
	CHECK_EQ_INT(tz_utc_offset(tz, utc(2026, 6, 29, 1, 0, 0)), 0);
	CHECK_EQ_INT(tz_next_transition(tz, utc(2025, 7, 1, 0, 0, 0)), utc(2025, 12, 31, 4, 0, 0));
	CHECK_EQ_INT(tz_from_local(tz, 2025, 12, 31, 4, 30, 0, 0), utc(2025, 12, 31, 4, 0, 0));
	tz_free(tz);
	/* Rule time of 167 hours: a week after the date. */
	tz = posix("AAA0BBB,M3.1.0/167,M10.1.0");
	CHECK_EQ_INT(tz_next_transition(tz, utc(2025, 1, 1, 0, 0, 0)),
	             utc(2025, 3, 2, 0, 0, 0) + 167 * 3600);
	tz_free(tz);

	const char *bad[] = {"",
	                     "E5",
	                     "EST",
	                     "5",
	                     "EST5x",
	                     "EST25",
	                     "EST5:60",
	                     "<EST5",
	                     "<E>5",
	                     "EST5EDT,M3.2.0",
	                     "EST5EDT,M3.2.0,",
	                     "EST5EDT,M13.1.0,M11.1.0",
	                     "EST5EDT,M0.1.0,M11.1.0",
	                     "EST5EDT,M3.6.0,M11.1.0",
	                     "EST5EDT,M3.0.0,M11.1.0",
	                     "EST5EDT,M3.2.7,M11.1.0",
	                     "EST5EDT,J0,J300",
	                     "EST5EDT,J366,J300",
	                     "EST5EDT,366,300",
	                     "EST5EDT,M3.2.0/168,M11.1.0",
	                     "EST5EDT,M3.2.0/2:60,M11.1.0",
	                     "EST5EDT,M3.2.0,M11.1.0x",
	                     "EST5,M3.2.0,M11.1.0",
	                     "ESTABCDEFGHIJKLMNOPQ5"};

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *err = NULL;

		tz = tz_from_posix(bad[i], &err);
		CHECKF(tz == NULL && err != NULL, "tz_from_posix(\"%s\") accepted", bad[i]);
		tz_free(tz);
		free(err);
	}
}

/* ---- names and files ------------------------------------------------------------------------- */

static void test_names(void)
{
	const char *bad[] = {"",
	                     "../etc/passwd",
	                     "Europe/../../etc/passwd",
	                     "Europe/..",
	                     "..",
	                     "/etc/localtime",
	                     "/usr/share/zoneinfo/Europe/Lisbon",
	                     "Europe//Lisbon",
	                     "Europe/Lisbon/",
	                     "Europe/Lis bon",
	                     "Europe/Lisbon\n",
	                     "Europe\\Lisbon",
	                     "Europe/Lisbon;rm",
	                     "./Europe/Lisbon",
	                     "Europe/Lisbon.tz"};
	char *err;
	struct tz *tz;

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		err = NULL;
		tz = tz_load(bad[i], &err);
		CHECKF(tz == NULL && err != NULL && strstr(err, "bad time zone name") != NULL,
		       "tz_load(\"%s\"): %s", bad[i], err ? err : "accepted");
		tz_free(tz);
		free(err);
	}

	char long_name[300];

	memset(long_name, 'A', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	err = NULL;
	CHECK(tz_load(long_name, &err) == NULL && err != NULL);
	free(err);

	/* Well-formed names that are not zones. */
	err = NULL;
	CHECK(tz_load("Nowhere/Atlantis", &err) == NULL && err != NULL &&
	      strstr(err, "Nowhere/Atlantis") != NULL && strstr(err, "No such file") != NULL);
	free(err);
	err = NULL;
	CHECK(tz_load("Europe", &err) == NULL && err != NULL); /* a directory */
	free(err);
	err = NULL;
	CHECK(tz_load("zone1970-tab", &err) == NULL && err != NULL);
	free(err);
	/* Leap-second zones count TAI-like seconds; refused rather than misread. */
	err = NULL;
	tz = tz_load("right/Europe/Lisbon", &err);
	CHECK(tz == NULL && err != NULL && strstr(err, "leap") != NULL);
	tz_free(tz);
	free(err);

	/* Built-in UTC needs no file; a symlinked file name works too. */
	err = NULL;
	tz = tz_load_dir("/nonexistent", "UTC", &err);
	if (CHECK(tz != NULL)) {
		struct tz_tm tm;

		CHECK_STREQ(tz_name(tz), "UTC");
		CHECK(tz_utc_offset(tz, 0) == 0 &&
		      tz_utc_offset(tz, utc(2100, 7, 1, 0, 0, 0)) == 0);
		CHECK(tz_to_local(tz, 1751371200, &tm) == 0 && strcmp(tm.abbr, "UTC") == 0 &&
		      tm.hour == 12 && !tm.isdst);
		CHECK(tz_next_transition(tz, 0) == TZ_TIME_NONE);
		CHECK(tz_from_local(tz, 2025, 7, 1, 12, 0, 0, 0) == 1751371200);
	}
	tz_free(tz);
	tz = load("Portugal"); /* a link to Europe/Lisbon */
	CHECK_STREQ(tz_name(tz), "Portugal");
	CHECK(tz_utc_offset(tz, 1751371200) == 3600);
	tz_free(tz);
	tz = load("Etc/GMT+5"); /* POSIX-inverted sign in the name: UTC-5 */
	CHECK(tz_utc_offset(tz, 0) == -18000);
	tz_free(tz);
}

/* ---- TZif input ------------------------------------------------------------------------------ */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = xmalloc(1 << 16);

	if (!CHECK(f != NULL))
		abort();
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

struct mk_type {
	int32_t utoff;
	int isdst;
	int abbr; /* offset into the pool */
};

static size_t put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

static size_t put_header(unsigned char *p, char version, uint32_t timecnt, uint32_t typecnt,
                         uint32_t charcnt, uint32_t leapcnt)
{
	memset(p, 0, 44);
	memcpy(p, "TZif", 4);
	p[4] = (unsigned char)version;
	put32(p + 28, leapcnt);
	put32(p + 32, timecnt);
	put32(p + 36, typecnt);
	put32(p + 40, charcnt);
	return 44;
}

/* A version 2 file: an empty v1 block, then the real data and the footer. */
static size_t mk_tzif(unsigned char *out, const int64_t *times, const uint8_t *idx, size_t n,
                      const struct mk_type *types, size_t ntypes, const char *pool, size_t poollen,
                      const char *footer)
{
	size_t o = 0;

	o += put_header(out, '2', 0, 0, 0, 0);
	o += put_header(out + o, '2', (uint32_t)n, (uint32_t)ntypes, (uint32_t)poollen, 0);
	for (size_t i = 0; i < n; i++) {
		o += put32(out + o, (uint32_t)((uint64_t)times[i] >> 32));
		o += put32(out + o, (uint32_t)times[i]);
	}
	memcpy(out + o, idx, n);
	o += n;
	for (size_t i = 0; i < ntypes; i++) {
		o += put32(out + o, (uint32_t)types[i].utoff);
		out[o++] = (unsigned char)types[i].isdst;
		out[o++] = (unsigned char)types[i].abbr;
	}
	memcpy(out + o, pool, poollen);
	o += poollen;
	out[o++] = '\n';
	memcpy(out + o, footer, strlen(footer));
	o += strlen(footer);
	out[o++] = '\n';
	return o;
}

static struct tz *parse_ok(const unsigned char *buf, size_t len, const char *what)
{
	char *err = NULL;
	struct tz *tz = tz_parse(buf, len, what, &err);

	CHECKF(tz != NULL, "%s: %s", what, err ? err : "?");
	free(err);
	return tz;
}

static void parse_bad(const unsigned char *buf, size_t len, const char *what, const char *why)
{
	char *err = NULL;
	struct tz *tz = tz_parse(buf, len, what, &err);

	CHECKF(tz == NULL && err != NULL && strstr(err, why) != NULL, "%s: got \"%s\", want \"%s\"",
	       what, err ? err : "accepted", why);
	tz_free(tz);
	free(err);
}

static void test_tzif_synthetic(void)
{
	unsigned char buf[8192];
	const struct mk_type types[] = {{-3600, 0, 0}, {0, 0, 4}, {3600, 1, 8}};
	const char pool[] = "AAA\0BBB\0CCC"; /* 12 bytes with the final NUL */
	int64_t times[64];
	uint8_t idx[64];
	struct tz *tz;
	size_t len;

	/* zic's "big bang" transition at -2^59 only sets the type before everything else. */
	times[0] = -(1LL << 59);
	idx[0] = 1;
	times[1] = 1000000;
	idx[1] = 2;
	len = mk_tzif(buf, times, idx, 2, types, 3, pool, sizeof(pool), "");
	if ((tz = parse_ok(buf, len, "bigbang")) != NULL) {
		CHECK(tz_utc_offset(tz, TZ_TIME_MIN) == 0 && tz_utc_offset(tz, 999999) == 0);
		CHECK(tz_utc_offset(tz, 1000000) == 3600 && tz_utc_offset(tz, TZ_TIME_MAX) == 3600);
		CHECK(tz_next_transition(tz, 0) == 1000000);
		CHECK(tz_next_transition(tz, 1000000) == TZ_TIME_NONE); /* no footer rule */
	}
	tz_free(tz);

	/* Without transitions, type 0 holds for all time; with a footer, the footer does. */
	len = mk_tzif(buf, times, idx, 0, types, 1, pool, 4, "");
	if ((tz = parse_ok(buf, len, "static")) != NULL)
		CHECK(tz_utc_offset(tz, 0) == -3600 && tz_utc_offset(tz, TZ_TIME_MAX) == -3600);
	tz_free(tz);
	len = mk_tzif(buf, times, idx, 0, types, 1, pool, 4, "EST5EDT,M3.2.0,M11.1.0");
	if ((tz = parse_ok(buf, len, "footer only")) != NULL)
		CHECK(tz_utc_offset(tz, 1751371200) == -14400 && tz_utc_offset(tz, 0) == -18000);
	tz_free(tz);

	/* A change of isdst or abbreviation alone is no change of offset. */
	const struct mk_type same[] = {{0, 0, 0}, {0, 1, 4}, {3600, 0, 8}};

	times[0] = 100;
	idx[0] = 1;
	times[1] = 200;
	idx[1] = 2;
	len = mk_tzif(buf, times, idx, 2, same, 3, pool, sizeof(pool), "");
	if ((tz = parse_ok(buf, len, "isdst only")) != NULL) {
		CHECK(tz_next_transition(tz, 0) == 200);
		struct tz_tm tm;

		tz_to_local(tz, 150, &tm);
		CHECK(tm.isdst && strcmp(tm.abbr, "BBB") == 0);
	}
	tz_free(tz);

	/* Sixty transitions within two days: more than from_local's stack buffer holds. */
	for (int i = 0; i < 60; i++) {
		times[i] = 1000000 + i * 3000;
		idx[i] = (uint8_t)(i % 2 ? 1 : 2);
	}
	len = mk_tzif(buf, times, idx, 60, types, 3, pool, sizeof(pool), "");
	if ((tz = parse_ok(buf, len, "dense")) != NULL) {
		for (int64_t t = 990000; t < 1200000; t += 97) {
			struct tz_tm tm;

			tz_to_local(tz, t, &tm);
			int64_t e = tz_from_local(tz, tm.year, tm.month, tm.day, tm.hour, tm.min,
			                          tm.sec, TZ_FOLD_EARLIER);
			int64_t l = tz_from_local(tz, tm.year, tm.month, tm.day, tm.hour, tm.min,
			                          tm.sec, TZ_FOLD_LATER);

			CHECKF(e <= t && t <= l, "dense zone at %lld: %lld %lld", (long long)t,
			       (long long)e, (long long)l);
		}
	}
	tz_free(tz);

	/* Malformed headers and tables. */
	times[0] = 100;
	idx[0] = 1;
	times[1] = 100;
	idx[1] = 2;
	len = mk_tzif(buf, times, idx, 2, types, 3, pool, sizeof(pool), "");
	parse_bad(buf, len, "equal times", "out of order");
	times[1] = 200;
	idx[1] = 3;
	len = mk_tzif(buf, times, idx, 2, types, 3, pool, sizeof(pool), "");
	parse_bad(buf, len, "bad index", "bad transition type");
	const struct mk_type wild[] = {{26 * 3600, 0, 0}};
	len = mk_tzif(buf, times, idx, 0, wild, 1, pool, 4, "");
	parse_bad(buf, len, "wild offset", "bad local time type");
	const struct mk_type badabbr[] = {{0, 0, 40}};
	len = mk_tzif(buf, times, idx, 0, badabbr, 1, pool, 4, "");
	parse_bad(buf, len, "bad abbreviation", "bad local time type");
	const struct mk_type baddst[] = {{0, 2, 0}};
	len = mk_tzif(buf, times, idx, 0, baddst, 1, pool, 4, "");
	parse_bad(buf, len, "bad isdst", "bad local time type");
	len = mk_tzif(buf, times, idx, 0, types, 0, pool, 4, "");
	parse_bad(buf, len, "no types", "bad type");
	len = mk_tzif(buf, times, idx, 0, types, 1, pool, 4, "EST5EDT,M3.2.0");
	parse_bad(buf, len, "bad footer", "bad footer rule");
	len = mk_tzif(buf, times, idx, 0, types, 1, pool, 4, "");
	parse_bad(buf, len - 1, "no final newline", "missing footer");
	parse_bad(buf, len - 2, "no footer", "missing footer");
	buf[4] = '\0';
	parse_bad(buf, len, "version 1", "version 1");
	buf[4] = '2';
	buf[0] = 'X';
	parse_bad(buf, len, "magic", "not a TZif file");
	buf[0] = 'T';
	/* Counts far larger than the bytes there. */
	put32(buf + 44 + 32, 0xffffffffu);
	parse_bad(buf, len, "huge count", "truncated");
	put32(buf + 44 + 32, 0);
	put32(buf + 32, 0x10000000u);
	parse_bad(buf, len, "huge v1 count", "truncated");
	put32(buf + 32, 0);
	put32(buf + 44 + 28, 1);
	parse_bad(buf, len, "leap count", "truncated");
	parse_bad(buf, 0, "empty", "not a TZif file");
}

/* Every prefix of a real file is refused, and random damage never crashes or misbehaves. */
static void test_tzif_damage(void)
{
	size_t len;
	unsigned char *orig = slurp(TZ_DEFAULT_DIR "/America/New_York", &len);
	unsigned char *buf = xmalloc(len);
	int accepted = 0;

	for (size_t n = 0; n < len; n++) {
		char *err = NULL;
		struct tz *tz = tz_parse(orig, n, "prefix", &err);

		CHECKF(tz == NULL && err != NULL, "prefix of %zu bytes accepted", n);
		tz_free(tz);
		free(err);
	}
	for (int round = 0; round < 3000; round++) {
		char *err = NULL;

		memcpy(buf, orig, len);
		for (int k = (int)rnd_range(1, 4); k > 0; k--)
			buf[rnd_range(0, (int64_t)len - 1)] = (unsigned char)rnd();

		struct tz *tz = tz_parse(buf, len, "damaged", &err);

		if (tz != NULL) {
			/* Whatever it now says, it must answer consistently. */
			accepted++;
			for (int i = 0; i < 20; i++) {
				int64_t t =
				    rnd_range(utc(1800, 1, 1, 0, 0, 0), utc(2200, 1, 1, 0, 0, 0));
				struct tz_tm tm;

				CHECK(tz_to_local(tz, t, &tm) == 0);
				int64_t e = tz_from_local_secs(tz, t + tm.utoff, TZ_FOLD_EARLIER);
				int64_t l = tz_from_local_secs(tz, t + tm.utoff, TZ_FOLD_LATER);

				CHECKF(e <= t && t <= l, "damaged zone at %lld", (long long)t);
				CHECK(tz_next_transition(tz, t) > t);
			}
		} else {
			CHECK(err != NULL);
		}
		tz_free(tz);
		free(err);
	}
	fprintf(stderr, "damaged New York files: %d of 3000 still parse\n", accepted);
	free(buf);
	free(orig);
}

/* ---- every zone against glibc ---------------------------------------------------------------- */

/* glibc's localtime_r reads the same files with its own code; the TZ variable is set here, in
 * the test, only to drive that oracle. */
static int compare_with_glibc(const char *name)
{
	char *err = NULL;
	struct tz *tz = tz_load(name, &err);
	char env[300];
	int fails = 0;

	if (!CHECKF(tz != NULL, "%s: %s", name, err ? err : "?")) {
		free(err);
		return 1;
	}
	snprintf(env, sizeof(env), ":%s", name);
	setenv("TZ", env, 1);
	tzset();

	int64_t t = utc(1900, 1, 1, 0, 0, 0), end = utc(2150, 1, 1, 0, 0, 0);
	int64_t next = tz_next_transition(tz, t);

	while (t < end && fails < 3) {
		/* Samples a little over a week apart, plus both sides of every change. */
		int64_t probe[3] = {t, 0, 0};
		int np = 1;

		if (next <= t + 8 * DAY) {
			probe[np++] = next - 1;
			probe[np++] = next;
		}
		for (int i = 0; i < np; i++) {
			struct tz_tm mine;
			struct tm theirs;
			time_t tt = (time_t)probe[i];

			tz_to_local(tz, probe[i], &mine);
			localtime_r(&tt, &theirs);
			if (!CHECKF(mine.utoff == theirs.tm_gmtoff &&
			                mine.isdst == (theirs.tm_isdst > 0) &&
			                strcmp(mine.abbr, theirs.tm_zone) == 0 &&
			                mine.year == theirs.tm_year + 1900 &&
			                mine.month == theirs.tm_mon + 1 &&
			                mine.day == theirs.tm_mday && mine.hour == theirs.tm_hour &&
			                mine.min == theirs.tm_min && mine.sec == theirs.tm_sec &&
			                mine.wday == theirs.tm_wday && mine.yday == theirs.tm_yday,
			            "%s at %lld: %d %d %s, glibc %ld %d %s", name,
			            (long long)probe[i], mine.utoff, mine.isdst, mine.abbr,
			            theirs.tm_gmtoff, theirs.tm_isdst, theirs.tm_zone))
				fails++;
		}
		if (next <= t + 8 * DAY)
			next = tz_next_transition(tz, next);
		t += 8 * DAY + 3607;
	}
	tz_free(tz);
	return fails;
}

static void test_all_zones_vs_glibc(void)
{
	FILE *f = fopen(TZ_DEFAULT_DIR "/zone1970.tab", "r");
	char line[512];
	int zones = 0, bad = 0;

	if (!CHECK(f != NULL))
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *save, *tok;

		if (line[0] == '#')
			continue;
		strtok_r(line, "\t\n", &save);
		strtok_r(NULL, "\t\n", &save);
		if ((tok = strtok_r(NULL, "\t\n", &save)) == NULL)
			continue;
		zones++;
		bad += compare_with_glibc(tok) > 0;
	}
	fclose(f);
	bad += compare_with_glibc("UTC") > 0;
	unsetenv("TZ");
	tzset();
	fprintf(stderr, "%d zones compared with glibc, %d differ\n", zones, bad);
	CHECK(zones > 300);
}

static void test_civil(void)
{
	int64_t y;
	int m, d;

	CHECK_EQ_INT(tz_days_from_civil(1970, 1, 1), 0);
	CHECK_EQ_INT(tz_days_from_civil(2000, 3, 1), 11017);
	CHECK_EQ_INT(tz_days_from_civil(1969, 12, 31), -1);
	CHECK_EQ_INT(tz_days_from_civil(1, 1, 1) * DAY, TZ_TIME_MIN);
	CHECK_EQ_INT(tz_days_from_civil(9999, 12, 31) * DAY + DAY - 1, TZ_TIME_MAX);
	CHECK_EQ_INT(tz_weekday(0), 4);                                /* Thursday */
	CHECK_EQ_INT(tz_weekday(tz_days_from_civil(2023, 12, 25)), 1); /* Monday */
	CHECK_EQ_INT(tz_weekday(tz_days_from_civil(1900, 1, 1)), 1);   /* Monday */
	CHECK_EQ_INT(tz_weekday(tz_days_from_civil(1, 1, 1)), 1);      /* proleptic Monday */
	CHECK_EQ_INT(tz_days_in_month(1900, 2), 28);
	CHECK_EQ_INT(tz_days_in_month(2000, 2), 29);
	CHECK_EQ_INT(tz_days_in_month(2024, 2), 29);
	CHECK_EQ_INT(tz_days_in_month(2025, 12), 31);
	CHECK_EQ_INT(tz_days_in_month(2025, 13), 0);
	for (int64_t day = TZ_TIME_MIN / DAY; day <= TZ_TIME_MAX / DAY; day += 17) {
		tz_civil_from_days(day, &y, &m, &d);
		if (!CHECKF(tz_days_from_civil(y, m, d) == day && d >= 1 &&
		                d <= tz_days_in_month(y, m),
		            "day %lld -> %lld-%d-%d", (long long)day, (long long)y, m, d))
			break;
	}
}

int main(void)
{
	RUN(test_civil);
	RUN(test_known_offsets);
	RUN(test_to_local_fields);
	RUN(test_from_local);
	RUN(test_from_local_invalid);
	RUN(test_roundtrip);
	RUN(test_next_transition);
	RUN(test_posix_rules);
	RUN(test_names);
	RUN(test_tzif_synthetic);
	RUN(test_tzif_damage);
	RUN(test_all_zones_vs_glibc);
	return check_done();
}
