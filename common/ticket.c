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
