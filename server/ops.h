/* ops.h - request dispatch: the table of operations and what each requires. */
#ifndef DESKD_OPS_H
#define DESKD_OPS_H

#include <libpq-fe.h>
#include <msgpack.h>
#include <stdint.h>

#include "db.h"
#include "session.h"

enum op_need { NEED_NOTHING, NEED_HELLO, NEED_LOGIN };

typedef void op_fn(struct session *s, uint32_t rid, const msgpack_object *req);

struct op_def {
	const char *name;
	enum op_need need;
	int perm; /* enum perm the agent's role needs, or PERM_NONE */
	op_fn *fn;
};

/* Tables exported by each ops-*.c file, terminated by a NULL name. */
extern const struct op_def session_ops[];
extern const struct op_def ticket_ops[];
extern const struct op_def work_ops[];
extern const struct op_def dash_ops[];

void ops_dispatch(struct session *s, const msgpack_object *msg);

/* Database callbacks shared by ticket operations: reply {ticket} from a ticket_view row
 * (arg is a struct req); the versioned variant also answers stale_version with the current
 * ticket (req->id holds the ticket id). */
void op_ticket_done(PGresult *res, void *arg);
void op_versioned_done(PGresult *res, void *arg);

/* Pack one column value by its PostgreSQL type: integers, floats (numeric too), booleans,
 * text; SQL NULL as nil. */
void pack_db_value(msgpack_packer *pk, const PGresult *res, int row, int col);

/* Pack one result row as a map. */
typedef void row_packer(msgpack_packer *pk, const PGresult *res, int row);

/* Run q and reply {key: [one map per row]} (rows packed by pack). */
void op_submit_rows(struct session *s, uint32_t rid, struct db_query *q, const char *key,
                    row_packer *pack);
/* Run q and reply {key: <integer in row 0, column 0>}. */
void op_submit_count(struct session *s, uint32_t rid, struct db_query *q, const char *key);

/* Map a failed database result to a protocol error reply (NULL: database unreachable). */
void reply_db_error(struct session *s, uint32_t rid, const PGresult *res);

/* Pack a ticket_view row as a ticket object: TICKET_COLUMNS starting at column col0. */
void pack_ticket(msgpack_packer *pk, const PGresult *res, int row, int col0);

/* The ticket_view column list, in the order pack_ticket reads them. List results leave out
 * the long texts (description, resolution_note) but keep their places. */
#define TICKET_COLUMNS_A "id, key, subject, "
#define TICKET_COLUMNS_B                                                                           \
	"type, status, impact, urgency, priority, tier, queue_id, queue, assignee_id, assignee, "  \
	"requester_id, requester, channel, created_ms, updated_ms, version, owner_id, owner, "     \
	"resolution_code, "
#define TICKET_COLUMNS_C                                                                           \
	"resolved_ms, category_id, category, minutes_spent, question_open, raise_state, "          \
	"raise_reason, merged_into, problem, escalated_ms, escalation_reason, priority_override, " \
	"priority_reason, " TICKET_SLA_COLUMNS
/* The SLA clocks (sql/008_sla.sql): policy, stamp, earliest due, then 8 columns per clock. */
#define TICKET_SLA_CLOCK(k)                                                                        \
	k "_target_s, " k "_due_ms, " k "_warn_ms, " k "_met_ms, " k "_breached_ms, " k           \
	  "_paused_ms, " k "_paused_s, " k "_left_s"
#define TICKET_SLA_COLUMNS                                                                         \
	"sla_policy, sla_stamp, sla_due_ms, " TICKET_SLA_CLOCK("fr") ", " TICKET_SLA_CLOCK(        \
	    "res") ", " TICKET_SLA_CLOCK("nu")
#define TICKET_COLUMNS                                                                             \
	TICKET_COLUMNS_A "description, " TICKET_COLUMNS_B "resolution_note, " TICKET_COLUMNS_C
#define TICKET_LIST_COLUMNS                                                                        \
	TICKET_COLUMNS_A "NULL::text AS description, " TICKET_COLUMNS_B                            \
	                 "NULL::text AS resolution_note, " TICKET_COLUMNS_C

/* The list-form tickets whose ids are in column ID of the CTE named CTE (declared before,
 * MATERIALIZED; its column names must not be ticket_view's), for the caller's ORDER BY.
 * "v.id = ANY (ARRAY(...))" is a restriction the planner pushes into the view's tickets scan;
 * a join alone would not reach inside the view (more relations than from_collapse_limit), and
 * the whole view would be built to pick a page: 4-16 s at 1M tickets (docs/benchmarks.md). */
#define TICKET_LIST_FOR(cte, id)                                                                   \
	"SELECT " TICKET_LIST_COLUMNS " FROM " cte " JOIN ticket_view v ON v.id = " cte "." id     \
	" WHERE v.id = ANY (ARRAY(SELECT " id " FROM " cte "))"

#endif
