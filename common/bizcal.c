/* bizcal.c - business calendars: working intervals per weekday in a zone, holidays, and
 * business-second arithmetic that skips whole weeks instead of walking them. */
#include "bizcal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define DAY  86400
#define WEEK (7 * DAY)
/* Local days the walks may visit: each needs its midnight and the next one in range. */
#define DAY_LO (TZ_TIME_MIN / DAY)
#define DAY_HI (TZ_TIME_MAX / DAY - 1)

/* Minutes after local midnight, 0 <= start < end <= 1440. */
struct interval {
	int start, end;
};

struct bizcal {
	const struct tz *tz;
	bool always;
	/* Per weekday: sorted, merged, within one day (overnight intervals are split). */
	struct interval *day[7];
	size_t nday[7];
	int64_t week_secs;
	int64_t *holidays; /* local days since 1970-01-01, ascending, distinct */
	size_t nholidays;
};

struct bizcal *bizcal_new(const struct tz *tz)
{
	struct bizcal *cal = xcalloc(1, sizeof(*cal));

	cal->tz = tz;
	return cal;
}

void bizcal_free(struct bizcal *cal)
{
	if (cal == NULL)
		return;
	for (int w = 0; w < 7; w++)
		free(cal->day[w]);
	free(cal->holidays);
	free(cal);
}

void bizcal_set_24x7(struct bizcal *cal, bool on)
{
	cal->always = on;
}

static int cmp_interval(const void *a, const void *b)
{
	const struct interval *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static void add_part(struct bizcal *cal, int w, int start, int end)
{
	struct interval *v;
	size_t n = cal->nday[w], out = 0;

	v = cal->day[w] = xrealloc(cal->day[w], (n + 1) * sizeof(*v));
	v[n++] = (struct interval){start, end};
	qsort(v, n, sizeof(*v), cmp_interval);
	for (size_t i = 1; i < n; i++) {
		if (v[i].start <= v[out].end) {
			if (v[i].end > v[out].end)
				v[out].end = v[i].end;
		} else {
			v[++out] = v[i];
		}
	}
	cal->nday[w] = out + 1;
}

int bizcal_add_interval(struct bizcal *cal, int weekday, int start_min, int end_min)
{
	if (weekday < 0 || weekday > 6 || start_min < 0 || start_min >= BIZCAL_MINUTES_PER_DAY ||
	    end_min <= start_min || end_min > start_min + BIZCAL_MINUTES_PER_DAY)
		return -1;
	if (end_min <= BIZCAL_MINUTES_PER_DAY) {
		add_part(cal, weekday, start_min, end_min);
	} else {
		add_part(cal, weekday, start_min, BIZCAL_MINUTES_PER_DAY);
		add_part(cal, (weekday + 1) % 7, 0, end_min - BIZCAL_MINUTES_PER_DAY);
	}
	cal->week_secs = 0;
	for (int w = 0; w < 7; w++) {
		for (size_t i = 0; i < cal->nday[w]; i++)
			cal->week_secs += (int64_t)(cal->day[w][i].end - cal->day[w][i].start) * 60;
	}
	return 0;
}

/* Index of the first holiday on or after day. */
static size_t holiday_from(const struct bizcal *cal, int64_t day)
{
	size_t lo = 0, hi = cal->nholidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_holiday_day(const struct bizcal *cal, int64_t day)
{
	size_t i = holiday_from(cal, day);

	return i < cal->nholidays && cal->holidays[i] == day;
}

static bool valid_date(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= tz_days_in_month(y, m);
}

int bizcal_add_holiday(struct bizcal *cal, int y, int m, int d)
{
	if (!valid_date(y, m, d))
		return -1;

	int64_t day = tz_days_from_civil(y, m, d);
	size_t i = holiday_from(cal, day);

	if (i < cal->nholidays && cal->holidays[i] == day)
		return 0;
	cal->holidays = xrealloc(cal->holidays, (cal->nholidays + 1) * sizeof(*cal->holidays));
	memmove(cal->holidays + i + 1, cal->holidays + i,
	        (cal->nholidays - i) * sizeof(*cal->holidays));
	cal->holidays[i] = day;
	cal->nholidays++;
	return 0;
}

bool bizcal_is_holiday(const struct bizcal *cal, int y, int m, int d)
{
	return valid_date(y, m, d) && is_holiday_day(cal, tz_days_from_civil(y, m, d));
}

int64_t bizcal_week_seconds(const struct bizcal *cal)
{
	return cal->always ? WEEK : cal->week_secs;
}

/* ---- the working spans of one local day ------------------------------------------------------ */

/* The first instant of local day `day` (policy 0: the end of the gap if midnight is skipped). */
static int64_t day_start(const struct bizcal *cal, int64_t day)
{
	return tz_from_local_secs(cal->tz, day * DAY, 0);
}

/* The local day instant t falls in. */
static int64_t day_of(const struct bizcal *cal, int64_t t)
{
	int64_t local = t + tz_utc_offset(cal->tz, t);

	return local >= 0 ? local / DAY : -((-local + DAY - 1) / DAY);
}

/* Where the walks start: t's local day. Its midnight maps to the first instant whose local
 * time is at or past it, which is never after t, so no earlier day has a span reaching t. (A
 * fold across midnight can put t in the next day's range; the walks go forward anyway.) */
static int64_t first_day(const struct bizcal *cal, int64_t t)
{
	int64_t d = day_of(cal, t);

	return d < DAY_LO ? DAY_LO : d;
}

/* Span j of day's weekday as instants [*s, *e); false when a DST gap swallows it. Policy 0
 * never decreases, so the spans of a day are ordered and disjoint, and lie between the day's
 * midnight and the next: the spans of successive days are too. */
static bool span(const struct bizcal *cal, int64_t day, size_t j, int64_t *s, int64_t *e)
{
	const struct interval *iv = &cal->day[tz_weekday(day)][j];

	*s = tz_from_local_secs(cal->tz, day * DAY + iv->start * 60, 0);
	*e = tz_from_local_secs(cal->tz, day * DAY + iv->end * 60, 0);
	return *e > *s;
}

static size_t nspans(const struct bizcal *cal, int64_t day)
{
	return is_holiday_day(cal, day) ? 0 : cal->nday[tz_weekday(day)];
}

/* How many whole weeks from local day `day` on (at most max_weeks) run exactly as the weekly
 * template says, starting at or after not_before and ending at or before not_after: no holiday
 * among their days and no change of UTC offset from their first instant to their last, so
 * their spans are the template's at one fixed offset and hold k * week_secs seconds. */
static int64_t clear_weeks(const struct bizcal *cal, int64_t day, int64_t not_before,
                           int64_t not_after, int64_t max_weeks)
{
	int64_t t0 = day_start(cal, day), k = max_weeks, next, x;
	int32_t off = tz_utc_offset(cal->tz, t0);
	size_t h;

	/* Midnight in a gap maps to the gap's end, not to the template's place. */
	if (t0 < not_before || t0 != day * DAY - off)
		return 0;
	/* The block's last instant, (day + 7k) local midnight, must come before the change. */
	if ((next = tz_next_transition(cal->tz, t0)) != TZ_TIME_NONE) {
		x = next + off - day * DAY;
		if (x <= 0)
			return 0;
		if ((x - 1) / WEEK < k)
			k = (x - 1) / WEEK;
	}
	if ((h = holiday_from(cal, day)) < cal->nholidays && (cal->holidays[h] - day) / 7 < k)
		k = (cal->holidays[h] - day) / 7;
	if (not_after != INT64_MAX) {
		x = not_after + off - day * DAY;
		if (x < 0)
			return 0;
		if (x / WEEK < k)
			k = x / WEEK;
	}
	if ((DAY_HI - day) / 7 < k)
		k = (DAY_HI - day) / 7;
	return k;
}

/* ---- queries --------------------------------------------------------------------------------- */

static bool in_range(int64_t t)
{
	return t >= TZ_TIME_MIN && t <= TZ_TIME_MAX;
}

bool bizcal_is_working(const struct bizcal *cal, int64_t t)
{
	if (!in_range(t))
		return false;
	if (cal->always)
		return true;

	int64_t d = day_of(cal, t), s, e;

	for (int64_t day = d; day <= d + 1; day++) {
		if (day < DAY_LO || day > DAY_HI)
			continue;
		for (size_t j = 0, n = nspans(cal, day); j < n; j++) {
			if (span(cal, day, j, &s, &e) && s <= t && t < e)
				return true;
		}
	}
	return false;
}

int64_t bizcal_next_working(const struct bizcal *cal, int64_t t)
{
	if (!in_range(t))
		return BIZCAL_NEVER;
	if (cal->always)
		return t;
	if (cal->week_secs == 0)
		return BIZCAL_NEVER;

	int64_t s, e;

	/* Holidays are finite, so a working day comes within nholidays + 7 days. */
	for (int64_t day = first_day(cal, t); day <= DAY_HI; day++) {
		for (size_t j = 0, n = nspans(cal, day); j < n; j++) {
			if (span(cal, day, j, &s, &e) && e > t)
				return s > t ? s : t;
		}
	}
	return BIZCAL_NEVER;
}

int64_t bizcal_add(const struct bizcal *cal, int64_t start, int64_t secs)
{
	if (secs < 0 || !in_range(start))
		return BIZCAL_INVALID;
	if (cal->always)
		return secs > TZ_TIME_MAX - start ? BIZCAL_NEVER : start + secs;
	if (secs == 0)
		return start;
	if (cal->week_secs == 0)
		return BIZCAL_NEVER;

	int64_t rem = secs, s, e, k;

	for (int64_t day = first_day(cal, start); day <= DAY_HI; day++) {
		/* Leave at least one second for the day walk, which finds the due instant. */
		if (rem > cal->week_secs &&
		    (k = clear_weeks(cal, day, start, INT64_MAX, (rem - 1) / cal->week_secs)) > 0) {
			rem -= k * cal->week_secs;
			day += 7 * k - 1;
			continue;
		}
		for (size_t j = 0, n = nspans(cal, day); j < n; j++) {
			if (!span(cal, day, j, &s, &e) || e <= start)
				continue;
			if (s < start)
				s = start;
			if (rem <= e - s)
				return s + rem > TZ_TIME_MAX ? BIZCAL_NEVER : s + rem;
			rem -= e - s;
		}
	}
	return BIZCAL_NEVER;
}

int64_t bizcal_between(const struct bizcal *cal, int64_t a, int64_t b)
{
	a = a < TZ_TIME_MIN ? TZ_TIME_MIN : a > TZ_TIME_MAX ? TZ_TIME_MAX : a;
	b = b < TZ_TIME_MIN ? TZ_TIME_MIN : b > TZ_TIME_MAX ? TZ_TIME_MAX : b;
	if (b <= a)
		return 0;
	if (cal->always)
		return b - a;
	if (cal->week_secs == 0)
		return 0;

	int64_t sum = 0, s, e, k;

	for (int64_t day = first_day(cal, a); day <= DAY_HI && day_start(cal, day) < b; day++) {
		if (b - a >= WEEK && (k = clear_weeks(cal, day, a, b, INT64_MAX)) > 0) {
			sum += k * cal->week_secs;
			day += 7 * k - 1;
			continue;
		}
		for (size_t j = 0, n = nspans(cal, day); j < n; j++) {
			if (!span(cal, day, j, &s, &e))
				continue;
			if (s < a)
				s = a;
			if (e > b)
				e = b;
			if (e > s)
				sum += e - s;
		}
	}
	return sum;
}
