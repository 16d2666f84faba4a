/* tz.h - IANA time zones read from TZif files, as pure data: UTC offsets, local time, and local
 * time back to an instant, with no global state (no TZ variable, no tzset), so any number of
 * zones can be used at once from any thread.
 *
 * A zone is the file's transition table (64-bit section of a version 2+ TZif file) plus its
 * POSIX TZ footer ("WET0WEST,M3.5.0/1,M10.5.0"), which gives the rule for every instant after
 * the last transition, so 2100 works as well as 2025. Instants are Unix seconds (int64_t);
 * the supported range is TZ_TIME_MIN..TZ_TIME_MAX (years 1..9999). A loaded zone is immutable:
 * every function taking a const struct tz * may run concurrently on the same zone. */
#ifndef DESK_TZ_H
#define DESK_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZ_TIME_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define TZ_TIME_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */
/* Returned by tz_from_local for fields that name no date or time (month 13, 24:00, Feb 30). */
#define TZ_TIME_INVALID INT64_MIN
/* Returned by tz_next_transition when the offset never changes again. */
#define TZ_TIME_NONE INT64_MAX

#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"

struct tz;

/* A local date and time, as tz_to_local fills it. */
struct tz_tm {
	int year;         /* 2025 */
	int month;        /* 1..12 */
	int day;          /* 1..31 */
	int hour;         /* 0..23 */
	int min;          /* 0..59 */
	int sec;          /* 0..59 */
	int wday;         /* 0 = Sunday .. 6 = Saturday */
	int yday;         /* 0..365 */
	int32_t utoff;    /* seconds east of UTC */
	bool isdst;       /* daylight saving time in effect */
	const char *abbr; /* "WEST", "+1245"; points into the zone, valid until tz_free */
};

/* How tz_from_local resolves a local time that a transition repeats (a fold: clocks go back)
 * or skips (a gap: clocks go forward). Combine one TZ_FOLD_* with one TZ_GAP_*; 0 means
 * TZ_FOLD_EARLIER | TZ_GAP_NEXT, which is "the first instant whose local time is at or past
 * the one asked for" and never decreases as the local time increases. */
enum tz_policy {
	TZ_FOLD_EARLIER = 0, /* repeated: the first occurrence (01:30 EDT, not 01:30 EST) */
	TZ_FOLD_LATER = 1,   /* repeated: the second occurrence */
	TZ_GAP_NEXT = 0,     /* skipped: the instant the gap ends (02:30 -> 03:00 EDT) */
	TZ_GAP_SHIFT = 2,    /* skipped: forward by the gap's length (02:30 -> 03:30 EDT), as
	                        java.time does: the local time read with the old offset */
};

/* Load zone `name` ("Europe/Lisbon") from TZ_DEFAULT_DIR, or the built-in "UTC". Names are
 * relative paths of [A-Za-z0-9_+-] components separated by '/'; "..", empty components and
 * absolute paths are refused. On failure returns NULL and sets *err to a message the caller
 * frees. */
struct tz *tz_load(const char *name, char **err);
/* Same, from another zoneinfo directory. */
struct tz *tz_load_dir(const char *dir, const char *name, char **err);
/* Parse TZif bytes already in memory; name is what tz_name will report. */
struct tz *tz_parse(const unsigned char *buf, size_t len, const char *name, char **err);
/* A zone that is nothing but a POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0"): M, J and plain
 * day-of-year dates, transition times -167..167 hours (RFC 8536). */
struct tz *tz_from_posix(const char *spec, char **err);
void tz_free(struct tz *tz);

const char *tz_name(const struct tz *tz);

/* Seconds east of UTC in effect at instant t (clamped into the supported range). */
int32_t tz_utc_offset(const struct tz *tz, int64_t t);

/* Local date and time at instant t. Returns 0, or -1 when t is outside the supported range. */
int tz_to_local(const struct tz *tz, int64_t t, struct tz_tm *out);

/* The instant at local date and time y-m-d h:mi:s, resolving folds and gaps by policy (a
 * combination of enum tz_policy). Returns TZ_TIME_INVALID unless 1 <= y <= 9999, m 1..12,
 * d in the month, h 0..23, mi 0..59, s 0..59. */
int64_t tz_from_local(const struct tz *tz, int y, int m, int d, int h, int mi, int s, int policy);

/* The same for a local time given as seconds since 1970-01-01 00:00:00 local (days * 86400 +
 * seconds into the day, any value: 25:00 on a day is 01:00 on the next). Returns
 * TZ_TIME_INVALID when the local time is outside years 1..9999. */
int64_t tz_from_local_secs(const struct tz *tz, int64_t local, int policy);

/* The first instant after t at which the UTC offset changes (a change of abbreviation or of
 * the isdst flag alone does not count), or TZ_TIME_NONE. */
int64_t tz_next_transition(const struct tz *tz, int64_t t);

/* Proleptic Gregorian calendar helpers, on days since 1970-01-01. */
int64_t tz_days_from_civil(int64_t y, int m, int d);
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int tz_weekday(int64_t days); /* 0 = Sunday */
int tz_days_in_month(int64_t y, int m);

#endif
