/* test_bizcal.c - business calendar arithmetic: office hours, holidays, year ends, DST nights,
 * shifts across midnight, 24x7, the empty calendar, long targets against a brute-force
 * minute-stepping reference, and properties of add/between on random calendars. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bizcal.h"
#include "check.h"
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
	else if (tz_to_local(tz, t, &tm) != 0)
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

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

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

/* ---- office hours ---------------------------------------------------------------------------- */

static void test_office_hours(void)
{
	struct tz *tz = zone("Europe/Lisbon");
	struct bizcal *cal = office(tz);

	CHECK_EQ_INT(bizcal_week_seconds(cal), 40 * HOUR);
	/* 2025-06-04 is a Wednesday. */
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 4, 10, 0), 2 * HOUR), L(tz, 2025, 6, 4, 12, 0));
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 4, 16, 0), 2 * HOUR), L(tz, 2025, 6, 5, 10, 0));
	/* Before opening, after closing, on Saturday, late Sunday: the clock waits. */
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 4, 7, 0), HOUR), L(tz, 2025, 6, 4, 10, 0));
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 4, 18, 0), HOUR), L(tz, 2025, 6, 5, 10, 0));
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 7, 12, 0), HOUR), L(tz, 2025, 6, 9, 10, 0));
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 8, 23, 59), 30 * MIN),
	         L(tz, 2025, 6, 9, 9, 30));
	/* Friday 16:30 + 1h: half an hour on Friday, half on Monday. */
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 6, 16, 30), HOUR), L(tz, 2025, 6, 9, 9, 30));
	/* A target that runs out at a closing is due at the closing, not the next opening. */
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 4, 16, 0), HOUR), L(tz, 2025, 6, 4, 17, 0));
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 2, 9, 0), 8 * HOUR), L(tz, 2025, 6, 2, 17, 0));
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 2, 9, 0), 40 * HOUR), L(tz, 2025, 6, 6, 17, 0));
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 2, 9, 0), 40 * HOUR + 1),
	         L(tz, 2025, 6, 9, 9, 0) + 1);
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 2, 9, 0), 400 * HOUR),
	         L(tz, 2025, 8, 8, 17, 0));
	/* Zero is due at once, even outside hours. */
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 7, 12, 0), 0), L(tz, 2025, 6, 7, 12, 0));

	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2025, 6, 4, 10, 0), L(tz, 2025, 6, 5, 10, 0)),
	             8 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2025, 6, 6, 16, 30), L(tz, 2025, 6, 9, 9, 30)),
	             HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2025, 6, 7, 0, 0), L(tz, 2025, 6, 9, 0, 0)), 0);
	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2025, 6, 5, 10, 0), L(tz, 2025, 6, 4, 10, 0)), 0);
	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2025, 6, 4, 10, 0), L(tz, 2025, 6, 4, 10, 0)), 0);
	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2025, 6, 2, 0, 0), L(tz, 2026, 6, 1, 0, 0)),
	             52 * 40 * HOUR);

	CHECK(bizcal_is_working(cal, L(tz, 2025, 6, 4, 9, 0)));
	CHECK(bizcal_is_working(cal, L(tz, 2025, 6, 4, 17, 0) - 1));
	CHECK(!bizcal_is_working(cal, L(tz, 2025, 6, 4, 17, 0)));
	CHECK(!bizcal_is_working(cal, L(tz, 2025, 6, 4, 9, 0) - 1));
	CHECK(!bizcal_is_working(cal, L(tz, 2025, 6, 7, 12, 0)));
	CHECK_AT(tz, bizcal_next_working(cal, L(tz, 2025, 6, 7, 12, 0)), L(tz, 2025, 6, 9, 9, 0));
	CHECK_AT(tz, bizcal_next_working(cal, L(tz, 2025, 6, 4, 12, 0)), L(tz, 2025, 6, 4, 12, 0));
	CHECK_AT(tz, bizcal_next_working(cal, L(tz, 2025, 6, 4, 17, 0)), L(tz, 2025, 6, 5, 9, 0));

	/* The same calendar in other zones keeps local hours. */
	struct tz *kol = zone("Asia/Kolkata"), *cha = zone("Pacific/Chatham");
	struct bizcal *ck = office(kol), *cc = office(cha);

	CHECK_AT(kol, bizcal_add(ck, L(kol, 2025, 6, 6, 16, 30), HOUR), L(kol, 2025, 6, 9, 9, 30));
	CHECK_EQ_INT(L(kol, 2025, 6, 9, 9, 30), utc(2025, 6, 9, 4, 0, 0));
	CHECK_AT(cha, bizcal_add(cc, L(cha, 2025, 6, 6, 16, 30), HOUR), L(cha, 2025, 6, 9, 9, 30));
	CHECK_EQ_INT(L(cha, 2025, 6, 9, 9, 30), utc(2025, 6, 8, 20, 45, 0));
	bizcal_free(ck);
	bizcal_free(cc);
	tz_free(kol);
	tz_free(cha);
	bizcal_free(cal);
	tz_free(tz);
}

/* ---- holidays -------------------------------------------------------------------------------- */

static void test_holidays(void)
{
	struct tz *tz = zone("Europe/Lisbon");
	struct bizcal *cal = office(tz);

	/* Christmas 2023 falls on a Monday. */
	CHECK(bizcal_add_holiday(cal, 2023, 12, 25) == 0);
	CHECK(bizcal_add_holiday(cal, 2023, 12, 25) == 0); /* again: no change */
	CHECK(bizcal_is_holiday(cal, 2023, 12, 25) && !bizcal_is_holiday(cal, 2023, 12, 26));
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2023, 12, 22, 16, 30), HOUR),
	         L(tz, 2023, 12, 26, 9, 30));
	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2023, 12, 22, 16, 30), L(tz, 2023, 12, 26, 9, 30)),
	             HOUR);
	CHECK(!bizcal_is_working(cal, L(tz, 2023, 12, 25, 10, 0)));
	CHECK_AT(tz, bizcal_next_working(cal, L(tz, 2023, 12, 23, 0, 0)),
	         L(tz, 2023, 12, 26, 9, 0));
	/* Starting on the holiday itself. */
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2023, 12, 25, 11, 0), HOUR), L(tz, 2023, 12, 26, 10, 0));
	bizcal_add_holiday(cal, 2023, 12, 26);
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2023, 12, 22, 16, 30), HOUR),
	         L(tz, 2023, 12, 27, 9, 30));

	/* Across the year end: Wed Dec 31 15:00 + 4h, Jan 1 and 2 off, then a weekend. */
	bizcal_add_holiday(cal, 2026, 1, 1);
	bizcal_add_holiday(cal, 2026, 1, 2);
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 12, 31, 15, 0), 4 * HOUR),
	         L(tz, 2026, 1, 5, 11, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2025, 12, 31, 15, 0), L(tz, 2026, 1, 5, 11, 0)),
	             4 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(tz, 2025, 12, 29, 0, 0), L(tz, 2026, 1, 5, 0, 0)),
	             3 * 8 * HOUR);
	/* A holiday on a weekend changes nothing. */
	bizcal_add_holiday(cal, 2025, 6, 7);
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2025, 6, 6, 16, 30), HOUR), L(tz, 2025, 6, 9, 9, 30));
	/* A long target over a holiday-free stretch and one across many holidays agree with the
	 * day count: 2027 has no holidays yet; then ten Mondays off. */
	int64_t plain = bizcal_add(cal, L(tz, 2027, 1, 4, 9, 0), 500 * HOUR);

	/* 12 weeks, then Monday, Tuesday and half of Wednesday. */
	CHECK_AT(tz, plain, L(tz, 2027, 3, 31, 13, 0));
	for (int i = 0; i < 10; i++) {
		int64_t y;
		int m, d;

		tz_civil_from_days(tz_days_from_civil(2027, 1, 4) + 7 * i, &y, &m, &d);
		CHECK(bizcal_add_holiday(cal, (int)y, m, d) == 0);
	}
	/* 80 hours more: to Wednesday 2027-04-14 13:00. */
	CHECK_AT(tz, bizcal_add(cal, L(tz, 2027, 1, 4, 9, 0), 500 * HOUR),
	         L(tz, 2027, 4, 14, 13, 0));

	CHECK(bizcal_add_holiday(cal, 2025, 2, 29) == -1);
	CHECK(bizcal_add_holiday(cal, 2025, 13, 1) == -1);
	CHECK(bizcal_add_holiday(cal, 0, 1, 1) == -1);
	CHECK(!bizcal_is_holiday(cal, 2025, 2, 30));
	bizcal_free(cal);
	tz_free(tz);
}

/* ---- year ends ------------------------------------------------------------------------------ */

/* The year's last day and the new year's first, with leap years, New Year holidays, night shifts
 * across midnight into January 1, and zones whose new year comes hours before UTC's. Calendar
 * facts used: 2023-12-31 is a Sunday; 2024 (leap) starts on a Monday, has Thursday February 29
 * and ends on Tuesday December 31; 2025-12-31 is a Wednesday and 2026-01-01 a Thursday;
 * 2026-12-25 is a Friday, 2026-12-31 a Thursday and 2027-01-01 a Friday. */
static void test_year_ends(void)
{
	struct tz *ny = zone("America/New_York"), *lis = zone("Europe/Lisbon");
	struct tz *kol = zone("Asia/Kolkata"), *syd = zone("Australia/Sydney");
	struct bizcal *cal = office(ny);

	/* Whole years of weekdays: 2023 has 260 (its extra day is a Sunday), leap 2024 has 262
	 * (its two extra days are Monday and Tuesday). */
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2023, 1, 1, 0, 0), L(ny, 2024, 1, 1, 0, 0)),
	             260 * 8 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2024, 1, 1, 0, 0), L(ny, 2025, 1, 1, 0, 0)),
	             262 * 8 * HOUR);
	/* A year's worth from January 1 runs out at the last closing of December 31... */
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 1, 1, 0, 0), 262 * 8 * HOUR),
	         L(ny, 2024, 12, 31, 17, 0));
	/* ...and one second more spills into the new year. */
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 1, 1, 0, 0), 262 * 8 * HOUR + 1),
	         L(ny, 2025, 1, 1, 9, 0) + 1);
	/* The leap day is an ordinary Thursday. */
	CHECK(bizcal_is_working(cal, L(ny, 2024, 2, 29, 12, 0)));
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 2, 28, 16, 0), 2 * HOUR),
	         L(ny, 2024, 2, 29, 10, 0));
	CHECK(bizcal_add_holiday(cal, 2023, 2, 29) == -1);
	CHECK(bizcal_add_holiday(cal, 2024, 2, 29) == 0);
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 2, 28, 16, 0), 2 * HOUR),
	         L(ny, 2024, 3, 1, 10, 0));
	/* Tuesday 2024-12-31 16:00 + 3h with New Year's Day off: one hour on December 31, two
	 * on Thursday January 2. */
	CHECK(bizcal_add_holiday(cal, 2025, 1, 1) == 0);
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 12, 31, 16, 0), 3 * HOUR),
	         L(ny, 2025, 1, 2, 11, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2024, 12, 31, 16, 0), L(ny, 2025, 1, 2, 11, 0)),
	             3 * HOUR);
	/* The leap day off pushes the year's worth past December 31 and the January 1 holiday. */
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2024, 1, 1, 0, 0), L(ny, 2025, 1, 1, 0, 0)),
	             261 * 8 * HOUR);
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 1, 1, 0, 0), 262 * 8 * HOUR),
	         L(ny, 2025, 1, 2, 17, 0));
	/* December 31 of a leap year (its 366th day) as a holiday too. */
	CHECK(!bizcal_is_holiday(cal, 2024, 12, 31));
	CHECK(bizcal_add_holiday(cal, 2024, 12, 31) == 0);
	CHECK(bizcal_is_holiday(cal, 2024, 12, 31) && !bizcal_is_holiday(cal, 2024, 12, 30));
	CHECK(!bizcal_is_working(cal, L(ny, 2024, 12, 31, 12, 0)));
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 12, 31, 16, 0), 3 * HOUR),
	         L(ny, 2025, 1, 2, 12, 0));
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 12, 30, 16, 0), 3 * HOUR),
	         L(ny, 2025, 1, 2, 11, 0));
	CHECK_AT(ny, bizcal_next_working(cal, L(ny, 2024, 12, 30, 17, 0)), L(ny, 2025, 1, 2, 9, 0));
	bizcal_free(cal);

	/* Lisbon with Christmas and New Year's Day off two years running. */
	cal = office(lis);
	bizcal_add_holiday(cal, 2025, 12, 25);
	bizcal_add_holiday(cal, 2026, 1, 1);
	bizcal_add_holiday(cal, 2026, 12, 25);
	bizcal_add_holiday(cal, 2027, 1, 1);
	/* Two weeks from Monday December 22: ten weekdays, two of them holidays. */
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 12, 22, 0, 0), L(lis, 2026, 1, 5, 0, 0)),
	             8 * 8 * HOUR);
	/* Wednesday December 24 16:00 + 10h: 1h, Christmas, 8h on Friday, 1h on Monday. */
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 12, 24, 16, 0), 10 * HOUR),
	         L(lis, 2025, 12, 29, 10, 0));
	/* Wednesday December 31 16:30 + 1h: half an hour, Thursday off, half an hour Friday. */
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 12, 31, 16, 30), HOUR),
	         L(lis, 2026, 1, 2, 9, 30));
	/* Starting on the holiday itself waits for January 2. */
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2026, 1, 1, 10, 0), HOUR), L(lis, 2026, 1, 2, 10, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2026, 1, 1, 0, 0), 0), L(lis, 2026, 1, 1, 0, 0));
	/* 2026: 261 weekdays less January 1 and December 25. A year's worth from the holiday
	 * ends at Thursday December 31's closing; a second more skips Friday 2027-01-01 and the
	 * weekend. */
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2026, 1, 1, 0, 0), L(lis, 2027, 1, 1, 0, 0)),
	             259 * 8 * HOUR);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2026, 1, 1, 0, 0), 259 * 8 * HOUR),
	         L(lis, 2026, 12, 31, 17, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2026, 1, 1, 0, 0), 259 * 8 * HOUR + 1),
	         L(lis, 2027, 1, 4, 9, 0) + 1);
	bizcal_free(cal);

	/* Night shifts 22:00-06:00 every day, across midnight on December 31. */
	cal = bizcal_new(lis);
	for (int w = SUN; w <= SAT; w++)
		bizcal_add_interval(cal, w, 22 * 60, 30 * 60);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 12, 31, 21, 0), 4 * HOUR),
	         L(lis, 2026, 1, 1, 2, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 12, 31, 21, 0), L(lis, 2026, 1, 1, 7, 0)),
	             8 * HOUR);
	/* January 1 off: December 31's evening stays; the shift's morning on January 1 and
	 * January 1's own evening go; January 2's morning (January 1's shift) stays. */
	bizcal_add_holiday(cal, 2026, 1, 1);
	CHECK(bizcal_is_working(cal, L(lis, 2025, 12, 31, 23, 0)));
	CHECK(!bizcal_is_working(cal, L(lis, 2026, 1, 1, 0, 0)));
	CHECK(!bizcal_is_working(cal, L(lis, 2026, 1, 1, 3, 0)));
	CHECK(!bizcal_is_working(cal, L(lis, 2026, 1, 1, 23, 0)));
	CHECK(bizcal_is_working(cal, L(lis, 2026, 1, 2, 0, 0)));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 12, 31, 21, 0), 2 * HOUR),
	         L(lis, 2026, 1, 1, 0, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 12, 31, 21, 0), 4 * HOUR),
	         L(lis, 2026, 1, 2, 2, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 12, 31, 21, 0), L(lis, 2026, 1, 2, 7, 0)),
	             8 * HOUR);
	CHECK_AT(lis, bizcal_next_working(cal, L(lis, 2026, 1, 1, 0, 0)), L(lis, 2026, 1, 2, 0, 0));
	bizcal_free(cal);
	/* December 31 off instead: its evening goes and so does its morning (December 30's
	 * shift), but January 1's morning is a working day's. */
	cal = bizcal_new(lis);
	for (int w = SUN; w <= SAT; w++)
		bizcal_add_interval(cal, w, 22 * 60, 30 * 60);
	bizcal_add_holiday(cal, 2025, 12, 31);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 12, 31, 21, 0), 4 * HOUR),
	         L(lis, 2026, 1, 1, 4, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 12, 30, 23, 0), 4 * HOUR),
	         L(lis, 2026, 1, 1, 3, 0));
	bizcal_free(cal);
	/* The same into a leap year's end, New York: Tuesday 2024-12-31 23:00 + 3h with New
	 * Year's Day off is one hour, then two on Thursday morning. */
	cal = bizcal_new(ny);
	for (int w = SUN; w <= SAT; w++)
		bizcal_add_interval(cal, w, 22 * 60, 30 * 60);
	bizcal_add_holiday(cal, 2025, 1, 1);
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2024, 12, 31, 23, 0), 3 * HOUR),
	         L(ny, 2025, 1, 2, 2, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2024, 12, 31, 0, 0), L(ny, 2025, 1, 3, 0, 0)),
	             6 * HOUR + 2 * HOUR + 6 * HOUR + 2 * HOUR);
	bizcal_free(cal);

	/* The holiday is the local date. Kolkata's January 1 begins at 18:30 UTC on December 31,
	 * so round the clock by intervals loses the UTC evening of December 31. */
	cal = bizcal_new(kol);
	for (int w = SUN; w <= SAT; w++)
		bizcal_add_interval(cal, w, 0, 1440);
	bizcal_add_holiday(cal, 2026, 1, 1);
	CHECK(bizcal_is_working(cal, utc(2025, 12, 31, 18, 29, 59)));
	CHECK(!bizcal_is_working(cal, utc(2025, 12, 31, 18, 30, 0)));
	CHECK(!bizcal_is_working(cal, utc(2025, 12, 31, 20, 0, 0)));
	CHECK_EQ_INT(bizcal_between(cal, utc(2025, 12, 31, 12, 0, 0), utc(2026, 1, 1, 12, 0, 0)),
	             6 * HOUR + 30 * MIN);
	CHECK_AT(kol, bizcal_add(cal, L(kol, 2025, 12, 31, 23, 0), 2 * HOUR),
	         L(kol, 2026, 1, 2, 1, 0));
	bizcal_free(cal);
	/* Sydney sees in the new year on summer time (UTC+11): Wednesday 16:00 + 2h, Thursday
	 * January 1 off, is Friday 10:00 AEDT, still January 1 in UTC. */
	cal = office(syd);
	bizcal_add_holiday(cal, 2026, 1, 1);
	CHECK_AT(syd, bizcal_add(cal, L(syd, 2025, 12, 31, 16, 0), 2 * HOUR),
	         L(syd, 2026, 1, 2, 10, 0));
	CHECK_EQ_INT(L(syd, 2026, 1, 2, 10, 0), utc(2026, 1, 1, 23, 0, 0));
	bizcal_free(cal);

	tz_free(ny);
	tz_free(lis);
	tz_free(kol);
	tz_free(syd);
}

/* ---- DST ------------------------------------------------------------------------------------- */

/* Business hours around the 01:00-03:00 transitions. Lisbon: spring 01:00 WET -> 02:00 WEST
 * (2025-03-30), fall 02:00 WEST -> 01:00 WET (2025-10-26). New York: spring 02:00 EST -> 03:00
 * EDT (2025-03-09), fall 02:00 EDT -> 01:00 EST (2025-11-02). */
static void test_dst_nights(void)
{
	struct tz *lis = zone("Europe/Lisbon"), *ny = zone("America/New_York");
	struct bizcal *cal;

	/* Sunday 00:00-04:00: 3 real hours on the spring night, 5 on the fall night. */
	cal = bizcal_new(lis);
	bizcal_add_interval(cal, SUN, 0, 4 * 60);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 3, 29, 12, 0), L(lis, 2025, 3, 31, 0, 0)),
	             3 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 10, 25, 12, 0), L(lis, 2025, 10, 27, 0, 0)),
	             5 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 6, 7, 12, 0), L(lis, 2025, 6, 9, 0, 0)),
	             4 * HOUR);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 3, 29, 12, 0), HOUR), utc(2025, 3, 30, 1, 0, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 3, 29, 12, 0), 2 * HOUR),
	         L(lis, 2025, 3, 30, 3, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 3, 29, 12, 0), 3 * HOUR),
	         L(lis, 2025, 3, 30, 4, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 3, 29, 12, 0), 3 * HOUR + 1),
	         L(lis, 2025, 4, 6, 0, 0) + 1);
	/* Fall: 01:30 comes twice; 1h30 in is the first, 2h30 in the second. */
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 10, 25, 12, 0), 90 * MIN),
	         utc(2025, 10, 26, 0, 30, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 10, 25, 12, 0), 150 * MIN),
	         utc(2025, 10, 26, 1, 30, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 10, 25, 12, 0), 5 * HOUR),
	         L(lis, 2025, 10, 26, 4, 0));
	CHECK(bizcal_is_working(cal, utc(2025, 3, 30, 0, 59, 59)));
	CHECK(bizcal_is_working(cal, utc(2025, 3, 30, 1, 0, 0)));
	CHECK(bizcal_is_working(cal, utc(2025, 3, 30, 2, 59, 59)));
	CHECK(!bizcal_is_working(cal, utc(2025, 3, 30, 3, 0, 0)));
	CHECK(bizcal_is_working(cal, utc(2025, 10, 26, 3, 59, 59)));
	CHECK(!bizcal_is_working(cal, utc(2025, 10, 26, 4, 0, 0)));
	bizcal_free(cal);

	cal = bizcal_new(ny);
	bizcal_add_interval(cal, SUN, 0, 4 * 60);
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2025, 3, 8, 12, 0), L(ny, 2025, 3, 10, 0, 0)),
	             3 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2025, 11, 1, 12, 0), L(ny, 2025, 11, 3, 0, 0)),
	             5 * HOUR);
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2025, 3, 8, 12, 0), 2 * HOUR), L(ny, 2025, 3, 9, 3, 0));
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2025, 3, 8, 12, 0), 2 * HOUR), utc(2025, 3, 9, 7, 0, 0));
	/* 00:00 EDT + 2h is 01:00 EST, the second 01:00. */
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2025, 11, 1, 12, 0), 2 * HOUR),
	         utc(2025, 11, 2, 6, 0, 0));
	bizcal_free(cal);

	/* An opening inside the gap moves to the gap's end; inside the fold it is the first
	 * occurrence. Lisbon Sunday 01:30-05:00. */
	cal = bizcal_new(lis);
	bizcal_add_interval(cal, SUN, 90, 5 * 60);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 3, 29, 12, 0), L(lis, 2025, 3, 31, 0, 0)),
	             3 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 10, 25, 12, 0), L(lis, 2025, 10, 27, 0, 0)),
	             4 * HOUR + 30 * MIN);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 3, 29, 12, 0), 1), utc(2025, 3, 30, 1, 0, 1));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 10, 25, 12, 0), 30 * MIN),
	         utc(2025, 10, 26, 1, 0, 0));
	CHECK_AT(lis, bizcal_next_working(cal, L(lis, 2025, 3, 29, 12, 0)),
	         utc(2025, 3, 30, 1, 0, 0));
	bizcal_free(cal);
	/* New York Sunday 02:30-05:00: 02:30 is in the spring gap but not in the fall fold. */
	cal = bizcal_new(ny);
	bizcal_add_interval(cal, SUN, 150, 5 * 60);
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2025, 3, 8, 12, 0), L(ny, 2025, 3, 10, 0, 0)),
	             2 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2025, 11, 1, 12, 0), L(ny, 2025, 11, 3, 0, 0)),
	             150 * MIN);
	bizcal_free(cal);
	/* A closing in the gap: Lisbon Sunday 00:00-01:30 is one hour that night. An interval
	 * wholly inside the gap does not happen at all that night. */
	cal = bizcal_new(lis);
	bizcal_add_interval(cal, SUN, 0, 90);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 3, 29, 12, 0), L(lis, 2025, 3, 31, 0, 0)),
	             HOUR);
	bizcal_free(cal);
	cal = bizcal_new(lis);
	bizcal_add_interval(cal, SUN, 75, 105);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 3, 29, 12, 0), L(lis, 2025, 3, 31, 0, 0)), 0);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 3, 22, 12, 0), L(lis, 2025, 3, 24, 0, 0)),
	             30 * MIN);
	CHECK(!bizcal_is_working(cal, utc(2025, 3, 30, 1, 0, 0)));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 3, 29, 12, 0), 60), L(lis, 2025, 4, 6, 1, 16));
	bizcal_free(cal);

	/* Office hours are untouched by the night's change: the weekend still costs nothing. */
	cal = office(ny);
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2025, 3, 7, 16, 0), 2 * HOUR),
	         L(ny, 2025, 3, 10, 10, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2025, 3, 7, 9, 0), L(ny, 2025, 3, 10, 17, 0)),
	             16 * HOUR);
	CHECK_AT(ny, bizcal_add(cal, L(ny, 2025, 10, 31, 16, 0), 2 * HOUR),
	         L(ny, 2025, 11, 3, 10, 0));
	bizcal_free(cal);
	cal = office(lis);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 10, 24, 16, 0), 2 * HOUR),
	         L(lis, 2025, 10, 27, 10, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 3, 24, 0, 0), L(lis, 2025, 4, 7, 0, 0)),
	             80 * HOUR);
	bizcal_free(cal);

	/* 24x7 counts real seconds: a day is 23 hours of wall clock in spring, 25 in fall. */
	cal = bizcal_new(lis);
	bizcal_set_24x7(cal, true);
	bizcal_add_holiday(cal, 2025, 3, 30); /* ignored by 24x7 */
	CHECK_EQ_INT(bizcal_week_seconds(cal), 7 * DAY);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 3, 29, 12, 0), DAY), L(lis, 2025, 3, 30, 13, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 10, 25, 12, 0), DAY),
	         L(lis, 2025, 10, 26, 11, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 3, 30, 0, 0), L(lis, 2025, 3, 31, 0, 0)),
	             23 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 10, 26, 0, 0), L(lis, 2025, 10, 27, 0, 0)),
	             25 * HOUR);
	CHECK(bizcal_is_working(cal, utc(2025, 3, 30, 1, 0, 0)));
	CHECK_AT(lis, bizcal_next_working(cal, 12345), 12345);
	for (int i = 0; i < 1000; i++) {
		int64_t s = rnd_range(utc(2020, 1, 1, 0, 0, 0), utc(2040, 1, 1, 0, 0, 0));
		int64_t d = rnd_range(0, 5000 * HOUR);

		CHECKF(bizcal_add(cal, s, d) == s + d && bizcal_between(cal, s, s + d) == d,
		       "24x7 at %lld + %lld", (long long)s, (long long)d);
	}
	bizcal_free(cal);

	/* Around the clock by intervals instead: across DST it equals real time too, but holidays
	 * now count. */
	cal = bizcal_new(ny);
	for (int w = SUN; w <= SAT; w++)
		bizcal_add_interval(cal, w, 0, 1440);
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2025, 3, 9, 0, 0), L(ny, 2025, 3, 10, 0, 0)),
	             23 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2025, 11, 2, 0, 0), L(ny, 2025, 11, 3, 0, 0)),
	             25 * HOUR);
	CHECK_EQ_INT(bizcal_add(cal, L(ny, 2025, 3, 1, 0, 0), 40 * DAY),
	             L(ny, 2025, 3, 1, 0, 0) + 40 * DAY);
	bizcal_add_holiday(cal, 2025, 11, 2);
	CHECK_EQ_INT(bizcal_between(cal, L(ny, 2025, 11, 1, 0, 0), L(ny, 2025, 11, 4, 0, 0)),
	             48 * HOUR);
	bizcal_free(cal);

	tz_free(lis);
	tz_free(ny);
}

/* Zones whose transitions sit at midnight or move by half an hour. */
static void test_odd_zones(void)
{
	/* Santiago skips Sunday 00:00-01:00 (2025-09-07) and repeats Saturday 23:00-24:00
	 * (2025-04-05). */
	struct tz *scl = zone("America/Santiago"), *lhi = zone("Australia/Lord_Howe");
	struct bizcal *cal = bizcal_new(scl);

	bizcal_add_interval(cal, SUN, 0, 120);
	bizcal_add_interval(cal, SAT, 22 * 60, 1440);
	CHECK_EQ_INT(bizcal_between(cal, L(scl, 2025, 9, 6, 12, 0), L(scl, 2025, 9, 8, 0, 0)),
	             2 * HOUR + HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(scl, 2025, 4, 5, 12, 0), L(scl, 2025, 4, 7, 0, 0)),
	             3 * HOUR + 2 * HOUR);
	/* The day boundary sits at the gap's end: a Sunday holiday starts there. */
	bizcal_add_holiday(cal, 2025, 9, 7);
	CHECK_EQ_INT(bizcal_between(cal, L(scl, 2025, 9, 6, 12, 0), L(scl, 2025, 9, 8, 0, 0)),
	             2 * HOUR);
	CHECK(!bizcal_is_working(cal, utc(2025, 9, 7, 4, 0, 0)));
	CHECK(bizcal_is_working(cal, utc(2025, 9, 7, 4, 0, 0) - 1));
	bizcal_free(cal);

	/* Lord Howe: 30-minute DST. Sunday 01:00-03:00 is 1h30 in October, 2h30 in April. */
	cal = bizcal_new(lhi);
	bizcal_add_interval(cal, SUN, 60, 180);
	CHECK_EQ_INT(bizcal_between(cal, L(lhi, 2025, 10, 4, 12, 0), L(lhi, 2025, 10, 6, 0, 0)),
	             90 * MIN);
	CHECK_EQ_INT(bizcal_between(cal, L(lhi, 2025, 4, 5, 12, 0), L(lhi, 2025, 4, 7, 0, 0)),
	             150 * MIN);
	bizcal_free(cal);
	tz_free(scl);
	tz_free(lhi);
}

/* ---- shifts across midnight ------------------------------------------------------------------ */

static void test_overnight(void)
{
	struct tz *lis = zone("Europe/Lisbon"), *ny = zone("America/New_York");
	struct bizcal *cal = bizcal_new(lis);

	/* Mon-Fri nights 22:00-06:00: Friday's shift ends Saturday morning. */
	for (int w = MON; w <= FRI; w++)
		CHECK(bizcal_add_interval(cal, w, 22 * 60, 30 * 60) == 0);
	CHECK_EQ_INT(bizcal_week_seconds(cal), 40 * HOUR);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 6, 2, 21, 0), HOUR), L(lis, 2025, 6, 2, 23, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 6, 2, 21, 0), 8 * HOUR),
	         L(lis, 2025, 6, 3, 6, 0));
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 6, 2, 21, 0), 8 * HOUR + 1),
	         L(lis, 2025, 6, 3, 22, 0) + 1);
	CHECK(bizcal_is_working(cal, L(lis, 2025, 6, 7, 3, 0)));   /* Saturday, Friday's shift */
	CHECK(!bizcal_is_working(cal, L(lis, 2025, 6, 7, 7, 0)));  /* Saturday morning */
	CHECK(!bizcal_is_working(cal, L(lis, 2025, 6, 8, 23, 0))); /* no Sunday shift */
	CHECK(!bizcal_is_working(cal, L(lis, 2025, 6, 9, 2, 0)));  /* so no Monday morning */
	CHECK(bizcal_is_working(cal, L(lis, 2025, 6, 10, 0, 0)));  /* midnight inside a shift */
	/* Friday 23:00 + 4h crosses midnight without a pause. */
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 6, 6, 23, 0), 4 * HOUR),
	         L(lis, 2025, 6, 7, 3, 0));
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 6, 6, 23, 0), L(lis, 2025, 6, 7, 3, 0)),
	             4 * HOUR);

	/* A holiday blanks its own local day. Friday 2025-06-13 off: its evening goes, the
	 * Saturday-morning part stays. */
	bizcal_add_holiday(cal, 2025, 6, 13);
	CHECK(!bizcal_is_working(cal, L(lis, 2025, 6, 13, 23, 0)));
	CHECK(bizcal_is_working(cal, L(lis, 2025, 6, 14, 3, 0)));
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 6, 13, 21, 0), L(lis, 2025, 6, 14, 7, 0)),
	             6 * HOUR);
	/* Saturday 2025-06-21 off: Friday's evening stays, the part after midnight goes. */
	bizcal_add_holiday(cal, 2025, 6, 21);
	CHECK(bizcal_is_working(cal, L(lis, 2025, 6, 20, 23, 0)));
	CHECK(!bizcal_is_working(cal, L(lis, 2025, 6, 21, 3, 0)));
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 6, 20, 21, 0), L(lis, 2025, 6, 21, 7, 0)),
	             2 * HOUR);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 6, 20, 23, 0), 2 * HOUR),
	         L(lis, 2025, 6, 23, 23, 0));
	bizcal_free(cal);

	/* Every night 22:00-06:00 across the DST nights: 7 real hours in spring, 9 in fall. */
	struct tz *zones[] = {lis, ny};
	const int spring[2][3] = {{2025, 3, 29}, {2025, 3, 8}};
	const int fall[2][3] = {{2025, 10, 25}, {2025, 11, 1}};
	const int64_t spring_due[2] = {utc(2025, 3, 30, 2, 0, 0), utc(2025, 3, 9, 7, 0, 0)};
	const int64_t fall_due[2] = {utc(2025, 10, 26, 1, 0, 0), utc(2025, 11, 2, 6, 0, 0)};

	for (int z = 0; z < 2; z++) {
		struct tz *tz = zones[z];

		cal = bizcal_new(tz);
		for (int w = SUN; w <= SAT; w++)
			bizcal_add_interval(cal, w, 22 * 60, 30 * 60);
		const int *s = spring[z], *f = fall[z];

		CHECK_EQ_INT(bizcal_between(cal, L(tz, s[0], s[1], s[2], 21, 0),
		                            L(tz, s[0], s[1], s[2] + 1, 7, 0)),
		             7 * HOUR);
		CHECK_EQ_INT(bizcal_between(cal, L(tz, f[0], f[1], f[2], 21, 0),
		                            L(tz, f[0], f[1], f[2] + 1, 7, 0)),
		             9 * HOUR);
		/* Four hours into the shift: 03:00 summer time in spring, the second 01:00 in
		 * fall. */
		CHECK_AT(tz, bizcal_add(cal, L(tz, s[0], s[1], s[2], 22, 0), 4 * HOUR),
		         spring_due[z]);
		CHECK_AT(tz, bizcal_add(cal, L(tz, f[0], f[1], f[2], 22, 0), 4 * HOUR),
		         fall_due[z]);
		CHECK_AT(tz, bizcal_add(cal, L(tz, s[0], s[1], s[2], 22, 0), 7 * HOUR),
		         L(tz, s[0], s[1], s[2] + 1, 6, 0));
		CHECK_AT(tz, bizcal_add(cal, L(tz, f[0], f[1], f[2], 22, 0), 9 * HOUR),
		         L(tz, f[0], f[1], f[2] + 1, 6, 0));
		bizcal_free(cal);
	}

	/* Overlaps merge: Mon 08-12 and 10-14, and Sunday 22:00-Monday 10:00, make Monday
	 * 00:00-14:00 plus Sunday 22-24. A full 24-hour shift is allowed. */
	cal = bizcal_new(lis);
	bizcal_add_interval(cal, MON, 8 * 60, 12 * 60);
	bizcal_add_interval(cal, MON, 10 * 60, 14 * 60);
	CHECK_EQ_INT(bizcal_week_seconds(cal), 6 * HOUR);
	bizcal_add_interval(cal, SUN, 22 * 60, 34 * 60);
	CHECK_EQ_INT(bizcal_week_seconds(cal), 16 * HOUR);
	CHECK_EQ_INT(bizcal_between(cal, L(lis, 2025, 6, 9, 0, 0), L(lis, 2025, 6, 10, 0, 0)),
	             14 * HOUR);
	bizcal_add_interval(cal, WED, 10 * 60, 34 * 60);
	CHECK_EQ_INT(bizcal_week_seconds(cal), 40 * HOUR);
	CHECK_AT(lis, bizcal_add(cal, L(lis, 2025, 6, 11, 9, 0), 24 * HOUR),
	         L(lis, 2025, 6, 12, 10, 0));
	/* Saturday 22:00-Sunday 06:00 wraps to the start of the week. */
	bizcal_add_interval(cal, SAT, 22 * 60, 30 * 60);
	CHECK(bizcal_is_working(cal, L(lis, 2025, 6, 8, 5, 0)));

	CHECK(bizcal_add_interval(cal, 7, 0, 60) == -1);
	CHECK(bizcal_add_interval(cal, -1, 0, 60) == -1);
	CHECK(bizcal_add_interval(cal, MON, -1, 60) == -1);
	CHECK(bizcal_add_interval(cal, MON, 1440, 1500) == -1);
	CHECK(bizcal_add_interval(cal, MON, 600, 600) == -1);
	CHECK(bizcal_add_interval(cal, MON, 600, 500) == -1);
	CHECK(bizcal_add_interval(cal, MON, 600, 600 + 1441) == -1);
	CHECK(bizcal_add_interval(cal, MON, 600, 600 + 1440) == 0);
	bizcal_free(cal);
	tz_free(lis);
	tz_free(ny);
}

/* ---- the empty calendar and the edges -------------------------------------------------------- */

static void test_empty_and_edges(void)
{
	struct tz *tz = zone("Europe/Lisbon");
	struct bizcal *cal = bizcal_new(tz);
	int64_t t = L(tz, 2025, 6, 4, 10, 0);

	/* No intervals and not 24x7: the target is never reached. */
	CHECK_EQ_INT(bizcal_week_seconds(cal), 0);
	CHECK_AT(tz, bizcal_add(cal, t, HOUR), BIZCAL_NEVER);
	CHECK_AT(tz, bizcal_add(cal, t, 1), BIZCAL_NEVER);
	CHECK_AT(tz, bizcal_add(cal, t, 0), t);
	CHECK_EQ_INT(bizcal_between(cal, t, t + 365 * DAY), 0);
	CHECK(!bizcal_is_working(cal, t));
	CHECK_AT(tz, bizcal_next_working(cal, t), BIZCAL_NEVER);
	bizcal_add_holiday(cal, 2025, 6, 4);
	CHECK_AT(tz, bizcal_add(cal, t, HOUR), BIZCAL_NEVER);
	/* Turning 24x7 on makes it count everything. */
	bizcal_set_24x7(cal, true);
	CHECK_AT(tz, bizcal_add(cal, t, HOUR), t + HOUR);
	bizcal_set_24x7(cal, false);
	CHECK_AT(tz, bizcal_add(cal, t, HOUR), BIZCAL_NEVER);
	bizcal_free(cal);

	/* Bad arguments. */
	cal = office(tz);
	CHECK_AT(tz, bizcal_add(cal, t, -1), BIZCAL_INVALID);
	CHECK_AT(tz, bizcal_add(cal, TZ_TIME_MAX + 1, 1), BIZCAL_INVALID);
	CHECK_AT(tz, bizcal_add(cal, TZ_TIME_MIN - 1, 1), BIZCAL_INVALID);
	CHECK(!bizcal_is_working(cal, TZ_TIME_MAX + 1));
	CHECK_AT(tz, bizcal_next_working(cal, TZ_TIME_MAX + 1), BIZCAL_NEVER);
	/* Past year 9999 there is no answer; an absurd target says so at once. */
	CHECK_AT(tz, bizcal_add(cal, L(tz, 9999, 12, 29, 9, 0), 100 * HOUR), BIZCAL_NEVER);
	CHECK_AT(tz, bizcal_add(cal, L(tz, 9999, 12, 29, 9, 0), 8 * HOUR),
	         L(tz, 9999, 12, 29, 17, 0));
	clock_t c0 = clock();

	CHECK_AT(tz, bizcal_add(cal, t, INT64_MAX), BIZCAL_NEVER);
	CHECK_AT(tz, bizcal_add(cal, t, INT64_MAX / 2), BIZCAL_NEVER);
	/* ~8000 years of DST changes, walked in whole weeks between them. */
	double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;

	fprintf(stderr, "two adds to year 9999 in Lisbon: %.3f s\n", secs);
	CHECK(secs < 10);
	/* between clamps: to the end of time in Lisbon is finite and positive. */
	CHECK(bizcal_between(cal, t, INT64_MAX) > 0);
	CHECK(bizcal_between(cal, INT64_MIN, t) > 0);
	/* At the start of time. */
	CHECK(bizcal_add(cal, TZ_TIME_MIN, HOUR) > TZ_TIME_MIN);
	bizcal_free(cal);

	cal = bizcal_new(tz);
	bizcal_set_24x7(cal, true);
	CHECK_AT(tz, bizcal_add(cal, TZ_TIME_MAX - 10, 10), TZ_TIME_MAX);
	CHECK_AT(tz, bizcal_add(cal, TZ_TIME_MAX - 10, 11), BIZCAL_NEVER);
	CHECK_AT(tz, bizcal_add(cal, t, INT64_MAX), BIZCAL_NEVER);
	bizcal_free(cal);
	tz_free(tz);
}

/* ---- a reference that steps minute by minute ------------------------------------------------- */

/* A calendar as configured, read by wall clock: minute [t, t+60) works when its local date is
 * not a holiday and its local time lies in an interval of its weekday, or in the part past
 * midnight of the previous weekday's interval. Knows nothing of bizcal's spans, splitting,
 * merging or week skipping. It agrees with bizcal's rules wherever no opening or closing falls
 * in a DST gap or fold, which the calendars fed to it make sure of. */
struct spec {
	const char *zone;
	int n;
	struct {
		int w, s, e;
	} iv[24];
	int nh;
	struct {
		int y, m, d;
	} hol[96];
};

struct ref {
	const struct spec *sp;
	const struct tz *tz;
	int64_t *hol_days;
};

static bool ref_working(const struct ref *r, int64_t t)
{
	struct tz_tm tm;

	tz_to_local(r->tz, t, &tm);
	int64_t day = tz_days_from_civil(tm.year, tm.month, tm.day);
	int m = tm.hour * 60 + tm.min;

	for (int i = 0; i < r->sp->nh; i++) {
		if (r->hol_days[i] == day)
			return false;
	}
	for (int i = 0; i < r->sp->n; i++) {
		int w = r->sp->iv[i].w, s = r->sp->iv[i].s, e = r->sp->iv[i].e;

		if (tm.wday == w && m >= s && m < (e < 1440 ? e : 1440))
			return true;
		if (e > 1440 && tm.wday == (w + 1) % 7 && m < e - 1440)
			return true;
	}
	return false;
}

/* Due instant of `minutes` business minutes from a minute-aligned start. */
static int64_t ref_add(const struct ref *r, int64_t start, int64_t minutes)
{
	for (int64_t t = start;; t += 60) {
		if (ref_working(r, t) && --minutes == 0)
			return t + 60;
	}
}

static struct bizcal *build(const struct spec *sp, const struct tz *tz, struct ref *r)
{
	struct bizcal *cal = bizcal_new(tz);

	for (int i = 0; i < sp->n; i++)
		CHECK(bizcal_add_interval(cal, sp->iv[i].w, sp->iv[i].s, sp->iv[i].e) == 0);
	r->sp = sp;
	r->tz = tz;
	r->hol_days = xcalloc((size_t)sp->nh + 1, sizeof(*r->hol_days));
	for (int i = 0; i < sp->nh; i++) {
		CHECK(bizcal_add_holiday(cal, sp->hol[i].y, sp->hol[i].m, sp->hol[i].d) == 0);
		r->hol_days[i] = tz_days_from_civil(sp->hol[i].y, sp->hol[i].m, sp->hol[i].d);
	}
	return cal;
}

/* Openings and closings between 04:00 and 22:00 (and midnight): clear of every DST change in
 * these zones, Santiago's at midnight included. */
static const struct spec fixed_specs[] = {
    {"Europe/Lisbon",
     5,
     {{MON, 540, 1020}, {TUE, 540, 1020}, {WED, 540, 1020}, {THU, 540, 1020}, {FRI, 540, 1020}},
     20,
     {{2025, 1, 1},  {2025, 4, 25}, {2025, 5, 1},   {2025, 6, 10}, {2025, 8, 15},
      {2025, 12, 1}, {2025, 12, 8}, {2025, 12, 25}, {2026, 1, 1},  {2026, 4, 3},
      {2026, 6, 10}, {2026, 12, 8}, {2026, 12, 25}, {2027, 3, 26}, {2027, 6, 10},
      {2028, 4, 25}, {2029, 10, 5}, {2030, 12, 25}, {2031, 1, 1},  {2032, 6, 10}}},
    {"America/New_York",
     13,
     {{MON, 480, 720},
      {MON, 780, 1080},
      {TUE, 480, 720},
      {TUE, 780, 1080},
      {WED, 480, 720},
      {WED, 780, 1080},
      {THU, 480, 720},
      {THU, 780, 1080},
      {FRI, 480, 720},
      {FRI, 780, 1080},
      {SAT, 600, 840},
      {FRI, 1320, 1800}, /* Friday night into Saturday */
      {SUN, 1200, 1440}},
     8,
     {{2025, 7, 4},
      {2025, 11, 27},
      {2025, 12, 25},
      {2026, 1, 1},
      {2026, 7, 3},
      {2026, 11, 26},
      {2027, 7, 5},
      {2028, 12, 25}}},
    {"Australia/Sydney",
     6,
     {{MON, 420, 1140},
      {TUE, 420, 1140},
      {WED, 420, 1140},
      {THU, 420, 1140},
      {FRI, 420, 1140},
      {SAT, 420, 1140}},
     6,
     {{2025, 12, 25}, {2025, 12, 26}, {2026, 1, 26}, {2026, 4, 25}, {2027, 1, 26}, {2028, 4, 25}}},
    {"Pacific/Chatham",
     5,
     {{MON, 540, 1050}, {TUE, 540, 1050}, {WED, 540, 1050}, {THU, 540, 1050}, {FRI, 540, 1050}},
     3,
     {{2025, 11, 28}, {2026, 11, 30}, {2027, 11, 29}}},
    {"Asia/Kolkata",
     7,
     {{MON, 570, 1110},
      {TUE, 570, 1110},
      {WED, 570, 1110},
      {THU, 570, 1110},
      {FRI, 570, 1110},
      {SAT, 570, 1110},
      {SUN, 1320, 1680}},
     4,
     {{2026, 1, 26}, {2026, 8, 15}, {2026, 10, 2}, {2027, 1, 26}}},
    {"Europe/Lisbon",
     7,
     {{SUN, 1320, 1800},
      {MON, 1320, 1800},
      {TUE, 1320, 1800},
      {WED, 1320, 1800},
      {THU, 1320, 1800},
      {FRI, 1320, 1800},
      {SAT, 1320, 1800}},
     2,
     {{2025, 12, 25}, {2026, 12, 25}}},
};

/* 10,000 business hours from random starts, against the reference. */
static void test_long_targets(void)
{
	for (size_t i = 0; i < ARRAY_LEN(fixed_specs); i++) {
		const struct spec *sp = &fixed_specs[i];
		struct tz *tz = zone(sp->zone);
		struct ref r;
		struct bizcal *cal = build(sp, tz, &r);

		for (int k = 0; k < 2; k++) {
			int64_t start =
			    rnd_range(utc(2025, 1, 1, 0, 0, 0), utc(2026, 1, 1, 0, 0, 0));
			int64_t target = 10000 * HOUR;
			char a[80], b[80];

			start -= start % 60;
			int64_t want = ref_add(&r, start, target / 60);
			int64_t got = bizcal_add(cal, start, target);

			CHECKF(got == want, "%s spec %zu from %s: got %s, want %s", sp->zone, i,
			       fmt(tz, start, a, sizeof(a)), fmt(tz, got, b, sizeof(b)),
			       fmt(tz, want, a, sizeof(a)));
			CHECK_EQ_INT(bizcal_between(cal, start, got), target);
		}
		/* Shorter targets, more of them, starts at any second. */
		for (int k = 0; k < 40; k++) {
			int64_t start =
			    rnd_range(utc(2025, 1, 1, 0, 0, 0), utc(2028, 1, 1, 0, 0, 0));
			int64_t minutes = rnd_range(1, 120 * 60);
			int64_t aligned = start - start % 60;
			int64_t want = ref_add(&r, aligned, minutes);
			int64_t got = bizcal_add(cal, aligned, minutes * 60);
			char a[80], b[80], c[80];

			CHECKF(got == want, "%s spec %zu from %s + %lld min: got %s, want %s",
			       sp->zone, i, fmt(tz, aligned, a, sizeof(a)), (long long)minutes,
			       fmt(tz, got, b, sizeof(b)), fmt(tz, want, c, sizeof(c)));
			CHECKF(bizcal_is_working(cal, start) == ref_working(&r, start),
			       "%s spec %zu: is_working at %s", sp->zone, i,
			       fmt(tz, start, a, sizeof(a)));
		}
		bizcal_free(cal);
		free(r.hol_days);
		tz_free(tz);
	}
}

/* ---- random calendars ------------------------------------------------------------------------ */

static const char *const random_zones[] = {
    "Europe/Lisbon",       "America/New_York", "Australia/Sydney",
    "Asia/Kolkata",        "Pacific/Chatham",  "America/Santiago",
    "Australia/Lord_Howe", "America/Havana",   "UTC",
    "Africa/Casablanca",   "Europe/London",    "America/Sao_Paulo"};

/* Random intervals and holidays; with `safe`, openings and closings stay within 04:00-22:00
 * so that the wall-clock reference applies. */
static void random_spec(struct spec *sp, bool safe)
{
	sp->zone = random_zones[rnd() % (safe ? 8 : ARRAY_LEN(random_zones))];
	sp->n = (int)rnd_range(1, 8);
	for (int i = 0; i < sp->n; i++) {
		int w = (int)rnd_range(0, 6), s, e;

		if (!safe) {
			s = (int)rnd_range(0, 1439);
			e = s + (int)rnd_range(1, rnd() % 4 ? 600 : 1440);
		} else if (rnd() % 4 == 0) {
			s = (int)rnd_range(1200, 1320); /* a night shift */
			e = (int)rnd_range(1440 + 240, 1440 + 600);
		} else {
			s = (int)rnd_range(240, 1300);
			e = (int)rnd_range(s + 1, 1320);
		}
		sp->iv[i].w = w;
		sp->iv[i].s = s;
		sp->iv[i].e = e;
	}
	sp->nh = (int)rnd_range(0, 40);
	for (int i = 0; i < sp->nh; i++) {
		int64_t day =
		    rnd_range(tz_days_from_civil(2024, 6, 1), tz_days_from_civil(2027, 1, 1));
		int64_t y;

		tz_civil_from_days(day, &y, &sp->hol[i].m, &sp->hol[i].d);
		sp->hol[i].y = (int)y;
	}
}

/* The wall-clock reference again, on random calendars and short targets. */
static void test_random_vs_reference(void)
{
	for (int round = 0; round < 150; round++) {
		struct spec sp;
		struct ref r;

		random_spec(&sp, true);
		struct tz *tz = zone(sp.zone);
		struct bizcal *cal = build(&sp, tz, &r);

		/* At most about eight weeks' worth, to keep the minute stepping short. */
		int64_t most = bizcal_week_seconds(cal) / 60 * 8;

		for (int k = 0; k < 10; k++) {
			int64_t start =
			    rnd_range(utc(2024, 6, 1, 0, 0, 0), utc(2026, 6, 1, 0, 0, 0));
			int64_t minutes = rnd_range(1, most < 60 * 60 ? most : 60 * 60);
			char a[80], b[80], c[80];

			start -= start % 60;
			int64_t want = ref_add(&r, start, minutes);
			int64_t got = bizcal_add(cal, start, minutes * 60);

			CHECKF(got == want, "round %d %s from %s + %lld min: got %s, want %s",
			       round, sp.zone, fmt(tz, start, a, sizeof(a)), (long long)minutes,
			       fmt(tz, got, b, sizeof(b)), fmt(tz, want, c, sizeof(c)));
		}
		for (int k = 0; k < 200; k++) {
			int64_t t = rnd_range(utc(2024, 6, 1, 0, 0, 0), utc(2027, 1, 1, 0, 0, 0));
			char a[80];

			CHECKF(bizcal_is_working(cal, t) == ref_working(&r, t), "round %d %s at %s",
			       round, sp.zone, fmt(tz, t, a, sizeof(a)));
		}
		bizcal_free(cal);
		free(r.hol_days);
		tz_free(tz);
	}
}

/* Properties that hold for any calendar, openings in gaps and folds included. */
static void test_properties(void)
{
	int checked = 0;

	for (int round = 0; round < 400; round++) {
		struct spec sp;
		struct ref r;

		random_spec(&sp, false);
		struct tz *tz = zone(sp.zone);
		struct bizcal *cal = build(&sp, tz, &r);

		if (rnd() % 10 == 0)
			bizcal_set_24x7(cal, true);
		for (int k = 0; k < 10; k++) {
			int64_t s = rnd_range(utc(2024, 1, 1, 0, 0, 0), utc(2027, 1, 1, 0, 0, 0));
			/* Mostly short targets, some up to 3000 hours or 30 years' worth. */
			int64_t most = bizcal_week_seconds(cal) * 52 * 30;
			int64_t d =
			    rnd() % 4 ? rnd_range(0, 100 * HOUR) : rnd_range(0, 3000 * HOUR);

			if (d > most)
				d = rnd_range(0, most);
			int64_t d2 = d + rnd_range(0, 50 * HOUR);
			int64_t due = bizcal_add(cal, s, d), due2 = bizcal_add(cal, s, d2);
			char a[80], b[80];

			if (!CHECKF(due != BIZCAL_NEVER && due != BIZCAL_INVALID && due >= s,
			            "round %d: add(%s, %lld) = %s", round, fmt(tz, s, a, sizeof(a)),
			            (long long)d, fmt(tz, due, b, sizeof(b))))
				continue;
			checked++;
			CHECKF(bizcal_between(cal, s, due) == d,
			       "round %d %s: between(%s, add(+%lld)) = %lld", round, sp.zone,
			       fmt(tz, s, a, sizeof(a)), (long long)d,
			       (long long)bizcal_between(cal, s, due));
			CHECKF(due <= due2, "round %d: add(%lld) = %lld > add(%lld) = %lld", round,
			       (long long)d, (long long)due, (long long)d2, (long long)due2);
			CHECKF(bizcal_between(cal, s, due2) == d2, "round %d: between for d2",
			       round);
			if (d > 0) {
				CHECKF(bizcal_is_working(cal, due - 1),
				       "round %d %s: due - 1 (%s) not working", round, sp.zone,
				       fmt(tz, due - 1, a, sizeof(a)));
				CHECKF(bizcal_between(cal, s, due - 1) == d - 1,
				       "round %d: due is not the first", round);
				int64_t nw = bizcal_next_working(cal, s);

				CHECKF(nw <= due - 1 && bizcal_is_working(cal, nw) &&
				           bizcal_between(cal, s, nw) == 0,
				       "round %d: next_working(%s) = %s", round,
				       fmt(tz, s, a, sizeof(a)), fmt(tz, nw, b, sizeof(b)));
			}
			/* between is additive and matches is_working second by second. */
			int64_t m = rnd_range(s, due2);

			CHECKF(bizcal_between(cal, s, m) + bizcal_between(cal, m, due2) == d2,
			       "round %d: between not additive at %lld", round, (long long)m);
			CHECKF(bizcal_between(cal, m, m + 1) == (bizcal_is_working(cal, m) ? 1 : 0),
			       "round %d: between(m, m+1) vs is_working at %s", round,
			       fmt(tz, m, a, sizeof(a)));
			/* add from the due instant continues where it left off. */
			int64_t extra = rnd_range(1, 20 * HOUR);

			CHECKF(bizcal_add(cal, due, extra) == bizcal_add(cal, s, d + extra),
			       "round %d: add not composable", round);
		}
		bizcal_free(cal);
		free(r.hol_days);
		tz_free(tz);
	}
	fprintf(stderr, "property cases: %d\n", checked);
}

/* Long targets are computed a week at a time, not a minute or a day at a time. */
static void test_speed(void)
{
	const char *zones[] = {"Asia/Kolkata", "Europe/Lisbon"};

	for (size_t z = 0; z < ARRAY_LEN(zones); z++) {
		struct tz *tz = zone(zones[z]);
		struct bizcal *cal = office(tz);
		clock_t c0 = clock();
		int64_t sink = 0;

		bizcal_add_holiday(cal, 2026, 12, 25);
		for (int i = 0; i < 2000; i++) {
			int64_t s = utc(2025, 1, 1, 0, 0, 0) + i * 7919;
			int64_t due = bizcal_add(cal, s, 10000 * HOUR);

			sink += bizcal_between(cal, s, due) - 10000 * HOUR;
		}
		double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;

		CHECK_EQ_INT(sink, 0);
		fprintf(stderr, "%s: 2000 x (add + between) of 10,000 business hours: %.3f s\n",
		        zones[z], secs);
		CHECK(secs < 10);
		bizcal_free(cal);
		tz_free(tz);
	}
}

int main(void)
{
	RUN(test_office_hours);
	RUN(test_holidays);
	RUN(test_year_ends);
	RUN(test_dst_nights);
	RUN(test_odd_zones);
	RUN(test_overnight);
	RUN(test_empty_and_edges);
	RUN(test_long_targets);
	RUN(test_random_vs_reference);
	RUN(test_properties);
	RUN(test_speed);
	return check_done();
}
