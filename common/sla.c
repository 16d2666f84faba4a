/* sla.c - SLA clocks over a business calendar: due instants with pauses, and clock states. */
#include "sla.h"

#include <string.h>

#include "util.h"

static bool in_range(int64_t t)
{
	return t >= TZ_TIME_MIN && t <= TZ_TIME_MAX;
}

static int64_t clamp(int64_t t)
{
	return t < TZ_TIME_MIN ? TZ_TIME_MIN : t > TZ_TIME_MAX ? TZ_TIME_MAX : t;
}

/* A null calendar counts every second and gives a 24x7 calendar's answers, range limits
 * included: instants clamped as bizcal_between does (which also keeps b - a from overflowing
 * on an open pause's INT64_MAX), a start out of range invalid as for bizcal_add. */
static int64_t biz_between(const struct bizcal *cal, int64_t a, int64_t b)
{
	if (cal != NULL)
		return bizcal_between(cal, a, b);
	a = clamp(a);
	b = clamp(b);
	return b > a ? b - a : 0;
}

static int64_t biz_add(const struct bizcal *cal, int64_t start, int64_t secs)
{
	if (cal != NULL)
		return bizcal_add(cal, start, secs);
	if (secs < 0 || !in_range(start))
		return BIZCAL_INVALID;
	return secs > TZ_TIME_MAX - start ? BIZCAL_NEVER : start + secs;
}

int64_t sla_due(const struct bizcal *cal, int64_t start, int64_t secs,
                const struct sla_pause *p, size_t n)
{
	int64_t cur = start, left = secs;

	/* Answered before the pauses are looked at: a zero target is due at start even when the
	 * clock is paused there (it has run 0 seconds at once), and a pause covering a bad start
	 * must not move it into range and make up an answer. */
	if (secs <= 0 || !in_range(start))
		return biz_add(cal, start, secs);
	for (size_t i = 0; i < n; i++) {
		if (p[i].to <= cur)
			continue; /* over before the clock got here */
		if (p[i].from > cur) {
			int64_t run = biz_between(cal, cur, p[i].from);
			if (run >= left)
				return biz_add(cal, cur, left);
			left -= run;
		}
		if (p[i].to == SLA_OPEN)
			return SLA_PAUSED;
		/* Resuming past the last instant there is: the target is out of reach, which is
		 * not the caller's mistake the way a bad start is. */
		if (p[i].to > TZ_TIME_MAX)
			return BIZCAL_NEVER;
		cur = p[i].to;
	}
	return biz_add(cal, cur, left);
}

int64_t sla_paused(const struct bizcal *cal, int64_t start, int64_t t,
                   const struct sla_pause *p, size_t n)
{
	int64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		int64_t a = p[i].from > start ? p[i].from : start;
		int64_t b = p[i].to < t ? p[i].to : t;
		sum += biz_between(cal, a, b);
	}
	return sum;
}

int64_t sla_elapsed(const struct bizcal *cal, int64_t start, int64_t t,
                    const struct sla_pause *p, size_t n)
{
	return biz_between(cal, start, t) - sla_paused(cal, start, t, p, n);
}

int64_t sla_share(int64_t target, int pct)
{
	int64_t q, rest;

	if (pct <= 0 || target <= 0)
		return 0;
	/* target * pct may overflow. With target = 100q + r the share is q * pct + r * pct / 100
	 * exactly (r * pct < 100 * INT_MAX fits); only q * pct can still overflow, when pct
	 * is over 100, and then the answer saturates. */
	q = target / 100;
	rest = target % 100 * pct / 100;
	if (q > (INT64_MAX - rest) / pct)
		return INT64_MAX;
	return q * pct + rest;
}

enum sla_state sla_state_at(const struct sla_clock *c, int64_t now_ms)
{
	if (c->met_ms != 0)
		return c->breached_ms != 0 || (c->due_ms != 0 && c->met_ms > c->due_ms)
		           ? SLA_MET_LATE
		           : SLA_MET;
	if (c->paused_since_ms != 0)
		return SLA_STOPPED;
	if (c->due_ms == 0)
		return c->breached_ms != 0 ? SLA_BREACHED : SLA_PENDING;
	if (c->breached_ms != 0 || now_ms >= c->due_ms)
		return SLA_BREACHED;
	if (c->warn_ms != 0 && now_ms >= c->warn_ms)
		return SLA_WARNING;
	return SLA_OK;
}

static const char *const kind_names[SLA_NKINDS] = {
    [SLA_FIRST_RESPONSE] = "first_response",
    [SLA_RESOLUTION] = "resolution",
    [SLA_NEXT_UPDATE] = "next_update",
};

int sla_kind_from_name(const char *name)
{
	for (int k = 0; k < SLA_NKINDS; k++)
		if (name != NULL && strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

const char *sla_kind_name(enum sla_kind k)
{
	return (unsigned)k < SLA_NKINDS ? kind_names[k] : NULL;
}

const char *sla_state_name(enum sla_state s)
{
	static const char *const names[] = {
	    [SLA_PENDING] = "pending", [SLA_OK] = "ok",           [SLA_WARNING] = "warning",
	    [SLA_BREACHED] = "breached", [SLA_STOPPED] = "paused", [SLA_MET] = "met",
	    [SLA_MET_LATE] = "met_late",
	};
	return (unsigned)s < ARRAY_LEN(names) ? names[s] : "pending";
}
