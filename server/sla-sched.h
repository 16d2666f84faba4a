/* sla-sched.h - the SLA scheduler: computes clocks' due times in business time and fires warnings,
 * breaches and escalation levels. Every deskd runs one; a PostgreSQL advisory lock lets
 * exactly one of them work at a time, and another takes over within a second or two when
 * the holder's connection ends. */
#ifndef DESKD_SLA_H
#define DESKD_SLA_H

#include <stdbool.h>

struct server;
struct sla_sched;

struct sla_sched *sla_sched_new(struct server *srv);
void sla_sched_free(struct sla_sched *s);

/* Clocks changed (NOTIFY desk_sla_dirty): compute them now if this deskd is the scheduler. */
void sla_sched_kick(struct sla_sched *s);
/* Calendars changed (NOTIFY desk_config): reload them before the next computation. */
void sla_sched_config_changed(struct sla_sched *s);
bool sla_sched_is_holder(const struct sla_sched *s);

#endif
