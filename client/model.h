/* model.h - console-owned copies of server objects, parsed defensively. */
#ifndef DESK_CLIENT_MODEL_H
#define DESK_CLIENT_MODEL_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sla.h"

/* Every string is heap-owned and never NULL except where noted; an id of 0 means "none". */
struct ticket {
	int64_t id;
	int64_t version;
	char *key;
	char *subject;
	char *description; /* NULL in ticket.list results and pushes */
	char *type;
	char *status;
	char *channel;
	int impact, urgency, priority, tier;
	int64_t queue_id;
	char *queue;
	int64_t assignee_id;
	char *assignee; /* "" when unassigned */
	int64_t requester_id;
	char *requester; /* "" when none */
	int64_t created_ms, updated_ms;
	/* Work and lifecycle fields; "" or NULL when the server does not send them. */
	char *owner;            /* "" when none */
	char *category;         /* "" when none */
	char *raise_state;      /* "" when not sent */
	char *raise_reason;     /* NULL unless raised */
	bool priority_override; /* a supervisor fixed the priority */
	char *priority_reason;  /* why; NULL without an override */
	char *resolution_code;  /* NULL unless resolved or closed */
	char *resolution_note;  /* NULL in list results */
	char *merged_into;      /* NULL unless merged */
	char *problem;          /* NULL unless linked to a problem */
	int64_t minutes_spent;
	bool question_open;
	int64_t escalated_ms;    /* latest functional escalation or hand-back; 0 = never */
	char *escalation_reason; /* its reason; NULL when never escalated */
	/* SLA clocks. A server without SLAs sends none of these: sla_known stays false. */
	bool sla_known;     /* the ticket carried an "sla" array (possibly empty) */
	char *sla_policy;   /* NULL: no policy applies (or not sent) */
	int64_t sla_stamp;  /* grows when any clock changes, even with the version unchanged */
	int64_t sla_due_ms; /* earliest due among the running clocks; 0 = none runs */
	int nsla;
	struct sla_clock sla[SLA_NKINDS]; /* in the server's order, one per kind at most */
};

struct tcomment {
	int64_t id;
	int64_t at_ms;
	int64_t minutes;
	char *author; /* never NULL */
	char *kind;   /* reply, note, question, answer, ... */
	char *body;
};

struct tevent {
	int64_t id;
	int64_t at_ms;
	char *actor; /* NULL: the system or a direct SQL change */
	char *kind;
	char *field, *old, *new_, *note; /* each may be NULL */
};

/* One step of a ticket's escalation path (ticket.get -> escalations). */
struct tescalation {
	int64_t at_ms;
	char *kind;                  /* functional, handback */
	char *actor;                 /* NULL: the system */
	char *from_queue, *to_queue; /* never NULL */
	char *reason, *tried;        /* never NULL */
};

struct queue_info {
	int64_t id;
	char *name;
	int tier;
	int64_t open;
};

struct agent {
	int64_t id;
	char *login;
	char *name;
	char *role;
};

/* Returns NULL when a field the console cannot do without (id, key, subject, status,
 * version) is missing or mistyped; optional fields of the wrong type fall back to defaults. */
struct ticket *ticket_parse(const msgpack_object *o);
struct ticket *ticket_dup(const struct ticket *t);
void ticket_free(struct ticket *t);
/* The clock kind a str object names (enum sla_kind), or -1 (not a str, or a kind this console
 * does not know). */
int sla_kind_parse(const msgpack_object *o);
/* a is a later state of the same ticket than b: a higher version, or the same version with
 * newer SLA clocks (deskd changes clocks without bumping the version). */
bool ticket_newer(const struct ticket *a, const struct ticket *b);
/* Status in new/open/pending/on_hold, the set the queue view shows. */
bool ticket_is_open(const struct ticket *t);
/* Short status label for narrow columns. */
const char *ticket_status_label(const struct ticket *t);

/* Parse an array of events; malformed entries are skipped. *n gets the count. */
struct tevent *tevents_parse(const msgpack_object *arr, size_t *n);
void tevents_free(struct tevent *ev, size_t n);

/* Parse an array of comments; malformed entries are skipped. */
struct tcomment *tcomments_parse(const msgpack_object *arr, size_t *n);
void tcomments_free(struct tcomment *c, size_t n);

/* Parse the escalation path; malformed entries are skipped. */
struct tescalation *tescalations_parse(const msgpack_object *arr, size_t *n);
void tescalations_free(struct tescalation *e, size_t n);

struct queue_info *queues_parse(const msgpack_object *arr, size_t *n);
void queues_free(struct queue_info *q, size_t n);

bool agent_parse(const msgpack_object *o, struct agent *a);
void agent_clear(struct agent *a);

/* Human label for a wire name ("walk_in" -> "Walk-in"); falls back to the name itself. */
const char *channel_label(const char *name);
const char *type_label(const char *name);

#endif
