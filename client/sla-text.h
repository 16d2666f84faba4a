/* sla-text.h - how the console shows SLA clocks: the clock a list cell shows, compact
 * countdowns, labels, the colour element of each state and the "time left" order. No I/O:
 * callers pass the server's clock (conn_server_now), never the local one. */
#ifndef DESK_CLIENT_SLA_TEXT_H
#define DESK_CLIENT_SLA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "sla.h"
#include "ui.h"

/* Columns of a list cell: the kind's letter, a marker ('!' breached, a pause sign) or a
 * space, then at most 6 for the time: "R 4m12s", "F!2h00m", "R‖2h10m", "met late". */
#define SLA_CELL_COLS 8

/* "F", "R", "U": the kind in a list cell. */
const char *sla_kind_letter(enum sla_kind k);
/* "First response", "Resolution", "Next update". */
const char *sla_kind_label(enum sla_kind k);
/* "first response", "resolution", "next update": inside a sentence. */
const char *sla_kind_phrase(enum sla_kind k);
/* "ok", "warning", "breached", "paused", "met", "met late", "pending". */
const char *sla_state_label(enum sla_state s);
enum ui_elem sla_state_elem(enum sla_state s);
/* The pause sign: "‖" where the locale can show it, else "=". */
const char *sla_pause_sign(void);

/* A span in at most 7 columns, to the second below 10 hours: "42s", "4m12s", "1:23:45",
 * "12h34m", "3d04h"; negative with a '-' and never in the h:mm:ss form ("-5m10s",
 * "-1h05m"). The detail view's. */
void sla_fmt_span(char *buf, size_t len, int64_t secs);
/* The list's: a span of 0 or more seconds in at most 6 columns, in the escalations' Waiting
 * format: "42s", "4m12s", "2h14m", "3d04h", "99d+". */
void sla_fmt_short(char *buf, size_t len, int64_t secs);
/* A target in business time: "4h", "30m", "1h30m", "45s". */
void sla_fmt_target(char *buf, size_t len, int64_t secs);
/* Whole seconds from now to the clock's due time, rounded up while it is ahead (a running
 * countdown read on the second never shows 0) and down once past it (then <= 0). 0 without a
 * due time. */
int64_t sla_secs_left(const struct sla_clock *c, int64_t now_ms);

/* A paused clock was already overdue when its pause began: a negative left_s, or (as deskd
 * sends it) no left_s and a due time at or before the pause. */
bool sla_paused_overdue(const struct sla_clock *c);

/* The clock a list shows for t: the running one due first, else the paused one with the least
 * time left, else one still pending; NULL when every clock is met or there is none. */
const struct sla_clock *sla_urgent(const struct ticket *t, int64_t now_ms);
/* The list cell for t at now (at most SLA_CELL_COLS columns) and the element to draw it with. */
void sla_cell(const struct ticket *t, int64_t now_ms, char *buf, size_t len, enum ui_elem *e);
/* The ticket has SLA data worth a column: a policy or at least one clock. */
bool sla_has_any(const struct ticket *t);
/* "Time left" order: earliest running due first, then paused tickets (least time left
 * first), then those without a running or paused clock; 0 when alike (the view's own order
 * then decides). */
int sla_cmp_left(const struct ticket *a, const struct ticket *b);
/* A clock is running at now: ok, warning or breached. */
bool sla_running(enum sla_state s);

#endif
