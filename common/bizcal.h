/* bizcal.h - business calendars for SLA clocks: working hours per weekday in a time zone, minus
 * holidays, and arithmetic on business seconds (a due instant from a target, business time
 * elapsed between two instants). Pure computation: no I/O, no global state.
 *
 * The rules, which every function below follows:
 * - Working time is a set of instants. For each local calendar day that is not a holiday,
 *   each interval configured for its weekday covers the instants from its opening to its
 *   closing, both read as local times on that day.
 * - An interval may cross midnight (Fri 22:00-Sat 06:00 is weekday 5, 1320..1800 minutes). It
 *   is cut at midnight into an evening on its own day and a morning on the next (Fri
 *   22:00-24:00 and Sat 00:00-06:00), and each part follows its own day. So a holiday blanks
 *   exactly one local calendar day, 00:00 to 24:00: a holiday on the Saturday removes the
 *   shift's morning part, a holiday on the Friday only its evening part.
 * - Overlapping intervals are merged: an instant counts once.
 * - Local times that a DST change skips or repeats are resolved by tz_from_local's policy 0:
 *   an opening or closing inside a gap moves to the end of the gap, one inside a fold is its
 *   first occurrence. An interval therefore always covers one unbroken stretch of real time:
 *   09:00-17:00 is 8 hours on any day, 00:00-04:00 is 3 hours on the spring-forward night and
 *   5 on the fall-back night, 01:30-05:00 in Lisbon opens at 02:00 WEST on the spring-forward
 *   day (01:30 does not exist) and at 01:30 WEST, the first 01:30, on the fall-back day.
 * - A 24x7 calendar counts every second and ignores intervals and holidays: a target of N
 *   seconds is due exactly N seconds later, across DST changes. (For "round the clock but not
 *   on holidays", add 00:00-24:00 on all seven days instead.)
 *
 * A calendar borrows its zone: the zone must outlive it. The query functions take a const
 * calendar and may run concurrently; configuring a calendar while it is queried is a race. */
#ifndef DESK_BIZCAL_H
#define DESK_BIZCAL_H

#include <stdbool.h>
#include <stdint.h>

#include "tz.h"

/* bizcal_add's answer when the target is never reached: the calendar has no working time at
 * all, or the due instant would lie past TZ_TIME_MAX. Compares later than every instant. */
#define BIZCAL_NEVER INT64_MAX
/* bizcal_add's answer to a negative target or a start outside TZ_TIME_MIN..TZ_TIME_MAX. */
#define BIZCAL_INVALID INT64_MIN

#define BIZCAL_MINUTES_PER_DAY 1440

struct bizcal;

struct bizcal *bizcal_new(const struct tz *tz);
void bizcal_free(struct bizcal *cal);

/* Every second counts (and holidays do not apply) when on. */
void bizcal_set_24x7(struct bizcal *cal, bool on);

/* Working time on weekday (0 = Sunday .. 6 = Saturday) from start_min to end_min minutes after
 * local midnight: 0 <= start_min < 1440 and start_min < end_min <= start_min + 1440; an
 * end_min past 1440 runs into the next day. Returns 0, or -1 on bad arguments. */
int bizcal_add_interval(struct bizcal *cal, int weekday, int start_min, int end_min);

/* Local date y-m-d is a holiday. Returns 0 (also when it already was), or -1 on a bad date. */
int bizcal_add_holiday(struct bizcal *cal, int y, int m, int d);
bool bizcal_is_holiday(const struct bizcal *cal, int y, int m, int d);

/* Business seconds in a week without holidays or offset changes (7 * 86400 when 24x7). */
int64_t bizcal_week_seconds(const struct bizcal *cal);

/* Whether instant t is working time. */
bool bizcal_is_working(const struct bizcal *cal, int64_t t);

/* The first working instant at or after t (t itself when working), or BIZCAL_NEVER. */
int64_t bizcal_next_working(const struct bizcal *cal, int64_t t);

/* The instant at which `secs` business seconds have passed since start: the earliest t >= start
 * with bizcal_between(cal, start, t) == secs. A start outside working hours waits for the next
 * opening; a target that runs out exactly at a closing is due at the closing; 0 seconds are
 * due at start. Returns BIZCAL_NEVER or BIZCAL_INVALID as described above. */
int64_t bizcal_add(const struct bizcal *cal, int64_t start, int64_t secs);

/* Business seconds in [a, b); 0 when b <= a. Instants are clamped into the supported range. */
int64_t bizcal_between(const struct bizcal *cal, int64_t a, int64_t b);

#endif
