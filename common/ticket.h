/* ticket.h - ticket vocabulary shared by deskd and desk: types, statuses, channels, roles,
 * and the names they travel under on the wire and in the database. */
#ifndef DESK_TICKET_H
#define DESK_TICKET_H

#include <stdbool.h>

enum ticket_type { TT_INCIDENT, TT_SERVICE_REQUEST, TT_INFORMATION_REQUEST, TT_PROBLEM, TT_COUNT };
enum ticket_status {
	TS_NEW,
	TS_OPEN,
	TS_PENDING,
	TS_ON_HOLD,
	TS_RESOLVED,
	TS_CLOSED,
	TS_CANCELLED,
	TS_COUNT
};
enum ticket_channel { TC_PHONE, TC_EMAIL, TC_WALK_IN, TC_PORTAL, TC_CHAT, TC_COUNT };
enum agent_role { ROLE_L1, ROLE_L2, ROLE_SUPERVISOR, ROLE_ADMIN, ROLE_COUNT };

/* NULL-terminated name tables, indexed by the enums above. */
extern const char *const ticket_type_names[];
extern const char *const ticket_status_names[];
extern const char *const ticket_channel_names[];
extern const char *const agent_role_names[];

/* Short labels for narrow columns ("New", "Open", "Pend", "Hold", "Resd", "Clsd", "Canc"). */
extern const char *const ticket_status_short[];
extern const char *const ticket_type_labels[];

/* Index of name in a NULL-terminated table, or -1. */
int name_index(const char *const *names, const char *name);

/* Default ITIL priority matrix (impact 1..3 x urgency 1..3 -> P1..P4). The database holds the
 * configurable copy; the console uses this one to preview a new ticket's priority. */
int priority_default(int impact, int urgency);

/* The status transition table (sql/002_lifecycle.sql holds the same rows, enforced there). */
bool ticket_transition_allowed(int from, int to);

/* What a role may do. The server enforces it; the console only offers what is allowed. */
enum perm {
	PERM_NONE = -1,
	PERM_TICKET_READ,
	PERM_TICKET_CREATE,
	PERM_TICKET_UPDATE, /* edit fields, change status, resolve, reopen */
	PERM_TICKET_TAKE,
	PERM_TICKET_ESCALATE, /* functional escalation and hand-back */
	PERM_TICKET_ASSIGN,   /* assign a ticket to another agent */
	PERM_TICKET_COMMENT,  /* replies, notes, questions, answers; raise to supervisors */
	PERM_TICKET_ACK,      /* acknowledge a raised ticket; override priority */
	PERM_TICKET_MERGE,    /* merge duplicates, link to problems */
	PERM_REQUESTER_EDIT,  /* add callers to the directory */
	PERM_DASHBOARD,       /* watch the live supervisor dashboard */
	PERM_REPORT,          /* run reports */
	PERM_CONFIGURE,       /* manage shared settings such as canned responses */
	PERM_COUNT
};
extern const char *const perm_names[];
bool role_may(int role, enum perm p);

#endif
