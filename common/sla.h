/* sla.h - SLA clocks: when a target falls due given its business calendar and the pauses it
 * has had, and what state a clock is in at a given instant. Pure computation shared by deskd
 * (which stores due times and fires warnings and breaches) and the console (which colours a
 * countdown every second without asking the server).
 *
 * A clock starts at `start` and runs in business time (the calendar's working seconds). While
 * it is paused (ticket pending or on hold, or resolved until a reopening) it does not run.
 * Pauses are given in wall-clock time; only their business seconds count. The clock's target
 * of N business seconds is due at the first instant at which it has run N seconds. */
#ifndef DESK_SLA_H
#define DESK_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bizcal.h"

/* A pause from `from` to `to` (Unix seconds). SLA_OPEN as `to`: still paused. */
#define SLA_OPEN INT64_MAX
/* sla_due's answer when the clock is paused before the target is reached. */
#define SLA_PAUSED (INT64_MAX - 1)

struct sla_pause {
	int64_t from, to;
};

/* The instant the clock has run `secs` business seconds, or SLA_PAUSED (an open pause comes
 * first), BIZCAL_NEVER (the calendar never reaches it) or BIZCAL_INVALID. Pauses must be
 * sorted by `from` and must not overlap; parts before `start` are ignored. A null calendar
 * counts every second (24x7). */
int64_t sla_due(const struct bizcal *cal, int64_t start, int64_t secs,
                const struct sla_pause *p, size_t n);

/* Business seconds the clock has run from start up to t (pauses excluded). */
int64_t sla_elapsed(const struct bizcal *cal, int64_t start, int64_t t,
                    const struct sla_pause *p, size_t n);

/* Business seconds spent in pauses between start and t (an open pause counts up to t). */
int64_t sla_paused(const struct bizcal *cal, int64_t start, int64_t t,
                   const struct sla_pause *p, size_t n);

/* Seconds for pct percent of a target, rounded down (pct of 0 or less: 0; INT64_MAX when the
 * share does not fit). */
int64_t sla_share(int64_t target, int pct);

/* ---------------------------------------------------------------- clock state */

enum sla_kind { SLA_FIRST_RESPONSE, SLA_RESOLUTION, SLA_NEXT_UPDATE, SLA_NKINDS };

enum sla_state {
	SLA_PENDING,  /* not computed yet (deskd works it out within a second) */
	SLA_OK,       /* running, before the warning */
	SLA_WARNING,  /* running, past the warning share */
	SLA_BREACHED, /* running, past the due time */
	SLA_STOPPED,  /* paused: the clock does not run */
	SLA_MET,      /* met on time */
	SLA_MET_LATE, /* met after the due time */
};

/* One clock as the ticket object carries it; times in Unix milliseconds, 0 for none. */
struct sla_clock {
	enum sla_kind kind;
	int64_t target_s;
	int64_t due_ms, warn_ms, met_ms, breached_ms, paused_since_ms;
	int64_t paused_s; /* business seconds paused so far (closed pauses) */
	int64_t left_s;   /* business seconds left, while paused (negative: overdue) */
	bool has_left;
};

enum sla_state sla_state_at(const struct sla_clock *c, int64_t now_ms);

/* Wire names: "first_response", "resolution", "next_update"; -1 / NULL when unknown. */
int sla_kind_from_name(const char *name);
const char *sla_kind_name(enum sla_kind k);
/* "ok", "warning", "breached", "paused", "met", "met_late", "pending". */
const char *sla_state_name(enum sla_state s);

#endif
