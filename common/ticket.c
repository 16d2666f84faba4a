/* ticket.c - ticket vocabulary tables and the default priority matrix. */
#include "ticket.h"

#include <string.h>

const char *const ticket_type_names[] = {"incident", "service_request", "information_request",
                                         "problem", NULL};
const char *const ticket_type_labels[] = {"Incident", "Service request", "Information request",
                                          "Problem", NULL};
const char *const ticket_status_names[] = {"new",      "open",   "pending",   "on_hold",
                                           "resolved", "closed", "cancelled", NULL};
const char *const ticket_status_short[] = {"New",  "Open", "Pend", "Hold",
                                           "Resd", "Clsd", "Canc", NULL};
const char *const ticket_channel_names[] = {"phone", "email", "walk_in", "portal", "chat", NULL};
const char *const agent_role_names[] = {"l1", "l2", "supervisor", "admin", NULL};

int name_index(const char *const *names, const char *name)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int priority_default(int impact, int urgency)
{
	static const int matrix[3][3] = {
	    /* urgency:  high med low */
	    /* high */ {1, 2, 3},
	    /* med  */ {2, 3, 4},
	    /* low  */ {3, 4, 4},
	};

	if (impact < 1 || impact > 3 || urgency < 1 || urgency > 3)
		return 4;
	return matrix[impact - 1][urgency - 1];
}

bool ticket_transition_allowed(int from, int to)
{
	/* Rows: from; columns: to (new open pending on_hold resolved closed cancelled). */
	static const bool allowed[TS_COUNT][TS_COUNT] = {
	    [TS_NEW] = {0, 1, 1, 1, 1, 0, 1},
	    [TS_OPEN] = {0, 0, 1, 1, 1, 0, 1},
	    [TS_PENDING] = {0, 1, 0, 1, 1, 0, 1},
	    [TS_ON_HOLD] = {0, 1, 1, 0, 1, 0, 1},
	    [TS_RESOLVED] = {0, 1, 0, 0, 0, 1, 0},
	    [TS_CLOSED] = {0},
	    [TS_CANCELLED] = {0},
	};

	if (from < 0 || from >= TS_COUNT || to < 0 || to >= TS_COUNT)
		return false;
	return allowed[from][to];
}

const char *const perm_names[] = {"read tickets",
                                  "create tickets",
                                  "change tickets",
                                  "take tickets",
                                  "escalate tickets",
                                  "assign tickets to others",
                                  "comment on or raise tickets",
                                  "acknowledge raised tickets",
                                  "merge or link tickets",
                                  "edit the requester directory",
                                  "watch the dashboard",
                                  "run reports",
                                  "configure the desk",
                                  NULL};

bool role_may(int role, enum perm p)
{
	/* Administrators configure the desk; they do not work tickets. L2 specialists take
	 * tickets from their group rather than dispatching them to others. The dashboard and
	 * the reports are for supervisors and administrators; configuration for administrators. */
	static const bool matrix[ROLE_COUNT][PERM_COUNT] = {
	    /* read create update take escalate assign comment ack merge requester dash report
	     * configure */
	    [ROLE_L1] = {1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0},
	    [ROLE_L2] = {1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0},
	    [ROLE_SUPERVISOR] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0},
	    [ROLE_ADMIN] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1},
	};

	if (p == PERM_NONE)
		return true;
	if (role < 0 || role >= ROLE_COUNT || p < 0 || p >= PERM_COUNT)
		return false;
	return matrix[role][p];
}
