/* alerts.h - telling the agent what just happened to them: a new escalation into a group they
 * follow, on the status line and (desk --bell) with the terminal bell. */

/*
 * The protocol does not tell a console which groups its agent belongs to, so the console
 * keeps its own list of followed groups: by default an L2 agent follows every tier-2 group and
 * anyone else none; desk --follow "Network,Applications" (or DESK_FOLLOW) sets the list, and
 * :follow / :unfollow change it for the session.
 */
#ifndef DESK_CLIENT_ALERTS_H
#define DESK_CLIENT_ALERTS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* follow: comma-separated group names, "none", or NULL for the default by role. */
void alerts_init(const char *follow);
/* A ticket as a push brought it: a fresh escalation into a followed group is announced. */
void alerts_ticket(const struct ticket *t);
/* Ring the bell if the agent asked for it (--bell), at most once every two seconds. */
void alerts_bell(void);

bool alerts_follows(const struct queue_info *q);
void alerts_set_follow(const struct queue_info *q, bool on);
/* The followed groups for the status line: "Network, Applications", or "no group". */
void alerts_describe(char *buf, size_t len);
void alerts_fini(void);

#endif
