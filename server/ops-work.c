/* ops-work.c - working a ticket beyond its fields: comments, raise / acknowledge, merge,
 * problem links, requester directory, similar resolved tickets, categories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ops.h"
#include "ticket.h"
#include "utf8.h"
#include "util.h"

static const char *const comment_kinds[] = {"reply", "note", "question", "answer", NULL};

#define BAD_ARGS_RETURN(s, rid, a)                                                                 \
	do {                                                                                       \
		if ((a).bad) {                                                                     \
			reply_error((s), (rid), E_BAD_REQUEST, "%s", (a).why);                     \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* Submit a versioned ticket action: params are actor, id, version, then the query's own. */
static struct db_query *versioned_query(struct session *s, const char *sql, int64_t id,
                                        int64_t version)
{
	struct db_query *q = db_query_new(sql);

	db_param_int(q, s->agent_id);
	db_param_int(q, id);
	db_param_int(q, version);
	return q;
}

static void submit_versioned(struct session *s, uint32_t rid, struct db_query *q, int64_t id)
{
	struct req *r = req_new(s, rid);

	r->id = id;
	db_submit(s->srv->db, q, op_versioned_done, r);
}

/* ---------------------------------------------------------------- comments */

static const char SQL_COMMENT[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_comment($1::int, $2::bigint, $3, $4,"
    " $5::int)";

static void op_ticket_comment(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0, minutes = 0;
	const char *body;
	size_t body_len;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	int kind = args_enum(&a, "kind", true, comment_kinds);
	args_str(&a, "body", true, 1, LIMIT_DESCRIPTION, &body, &body_len);
	args_int(&a, "minutes", false, 0, 1440, &minutes);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = db_query_new(SQL_COMMENT);
	db_param_int(q, s->agent_id);
	db_param_int(q, id);
	db_param_str(q, comment_kinds[kind]);
	db_param(q, body, body_len);
	db_param_int(q, minutes);
	db_submit(s->srv->db, q, op_ticket_done, req_new(s, rid));
}

/* ---------------------------------------------------------------- raise, acknowledge */

static const char SQL_RAISE[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_raise($1::int, $2::bigint, $3::int, $4, $5)";

static void op_ticket_raise(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0, version = 0;
	const char *reason;
	size_t reason_len;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	args_int(&a, "version", true, 1, INT32_MAX, &version);
	args_str(&a, "reason", true, 1, LIMIT_NOTE, &reason, &reason_len);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = versioned_query(s, SQL_RAISE, id, version);
	db_param_str(q, "false");
	db_param(q, reason, reason_len);
	submit_versioned(s, rid, q, id);
}

static void op_ticket_ack(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0, version = 0;
	const char *note;
	size_t note_len;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	args_int(&a, "version", true, 1, INT32_MAX, &version);
	args_str(&a, "note", false, 0, LIMIT_NOTE, &note, &note_len);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = versioned_query(s, SQL_RAISE, id, version);
	db_param_str(q, "true");
	db_param(q, note, note_len);
	submit_versioned(s, rid, q, id);
}

/* ---------------------------------------------------------------- priority override */

static const char SQL_SET_PRIORITY[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_set_priority($1::int, $2::bigint,"
    " $3::int, $4::smallint, $5)";

static void op_ticket_set_priority(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0, version = 0, priority = 0;
	const char *reason;
	size_t reason_len;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	args_int(&a, "version", true, 1, INT32_MAX, &version);
	int kind = args_int_or_nil(&a, "priority", 1, 4, &priority);
	args_str(&a, "reason", false, 0, LIMIT_NOTE, &reason, &reason_len);
	if (!a.bad && kind == 0)
		args_fail(&a,
		          "field 'priority' is required (nil returns to the computed priority)");
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = versioned_query(s, SQL_SET_PRIORITY, id, version);
	if (kind == 1)
		db_param_int(q, priority);
	else
		db_param_null(q);
	db_param(q, reason, reason_len);
	submit_versioned(s, rid, q, id);
}

/* ---------------------------------------------------------------- merge, link */

static const char SQL_MERGE[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_merge($1::int, $2::bigint, $3::int, $4::bigint)";
static const char SQL_LINK[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_link($1::int, $2::bigint, $3::int, $4::bigint)";

static void op_ticket_merge(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0, version = 0, into = 0;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	args_int(&a, "version", true, 1, INT32_MAX, &version);
	args_int(&a, "into_id", true, 1, INT64_MAX, &into);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = versioned_query(s, SQL_MERGE, id, version);
	db_param_int(q, into);
	submit_versioned(s, rid, q, id);
}

static void op_ticket_link(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0, version = 0, problem = 0;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	args_int(&a, "version", true, 1, INT32_MAX, &version);
	int kind = args_int_or_nil(&a, "problem_id", 1, INT64_MAX, &problem);
	if (!a.bad && kind == 0)
		args_fail(&a, "field 'problem_id' is required (nil unlinks)");
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = versioned_query(s, SQL_LINK, id, version);
	if (kind == 1)
		db_param_int(q, problem);
	else
		db_param_null(q);
	submit_versioned(s, rid, q, id);
}

static const char SQL_RESOLVE_LINKED[] = "SELECT desk_problem_resolve_linked($1::int, $2::bigint)";

static void op_problem_resolve_linked(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = db_query_new(SQL_RESOLVE_LINKED);
	db_param_int(q, s->agent_id);
	db_param_int(q, id);
	op_submit_count(s, rid, q, "resolved");
}

/* ---------------------------------------------------------------- requesters */

/* Matches on name, email and phone, prefix matches first. Three characters or more: anywhere
 * in the text, through the trigram indexes (fast at 100k requesters, see docs/benchmarks.md).
 * Shorter: prefixes only, through the btree pattern indexes, since trigrams cannot narrow one
 * or two characters. LIKE wildcards in the typed text are escaped. */
#define REQUESTER_SEARCH(WHERE)                                                                    \
	"WITH p AS (SELECT replace(replace(replace(lower($1), '\\', '\\\\'), '%', '\\%'), '_', "   \
	"'\\_') AS q)"                                                                             \
	" SELECT r.id, r.name, r.email, r.phone, r.organisation,"                                  \
	" (SELECT count(*) FROM tickets t WHERE t.requester_id = r.id"                             \
	"   AND t.status IN ('new', 'open', 'pending', 'on_hold'))"                                \
	" FROM requesters r, p WHERE " WHERE                                                       \
	" ORDER BY coalesce(lower(r.name) LIKE p.q || '%' OR lower(r.email) LIKE p.q || '%'"       \
	"           OR r.phone LIKE p.q || '%', false) DESC, r.name, r.id"                         \
	" LIMIT $2"

static const char SQL_REQUESTER_SEARCH[] =
    REQUESTER_SEARCH("(r.name ILIKE '%' || p.q || '%' OR r.email ILIKE '%' || p.q || '%'"
                     " OR r.phone LIKE '%' || p.q || '%')");
static const char SQL_REQUESTER_PREFIX[] =
    REQUESTER_SEARCH("(lower(r.name) LIKE p.q || '%' OR lower(r.email) LIKE p.q || '%'"
                     " OR r.phone LIKE p.q || '%')");

static void pack_requester_row(msgpack_packer *pk, const PGresult *res, int i)
{
	msgpack_pack_map(pk, 6);
	pk_kint(pk, "id", db_get_int(res, i, 0));
	pk_kstr(pk, "name", db_get(res, i, 1));
	pk_kstr(pk, "email", db_get(res, i, 2));
	pk_kstr(pk, "phone", db_get(res, i, 3));
	pk_kstr(pk, "organisation", db_get(res, i, 4));
	pk_kint(pk, "open_tickets", db_get_int(res, i, 5));
}

static void op_requester_search(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	const char *text;
	size_t text_len;
	int64_t limit = 10;

	args_str(&a, "q", true, 1, 100, &text, &text_len);
	args_int(&a, "limit", false, 1, 50, &limit);
	BAD_ARGS_RETURN(s, rid, a);
	bool short_text = utf8_len(text, text_len) < 3;
	struct db_query *q = db_query_new(short_text ? SQL_REQUESTER_PREFIX : SQL_REQUESTER_SEARCH);
	db_param(q, text, text_len);
	db_param_int(q, limit);
	op_submit_rows(s, rid, q, "requesters", pack_requester_row);
}

/* A repeated client_key returns the caller its first request created (no-op update: ON
 * CONFLICT DO NOTHING would return no row). Without a key every request adds a caller. */
static const char SQL_REQUESTER_CREATE[] =
    "INSERT INTO requesters (name, email, phone, organisation, client_key)"
    " VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (client_key) DO UPDATE SET client_key = EXCLUDED.client_key RETURNING id";

static void op_requester_create(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	const char *name, *email, *phone, *org, *key;
	size_t name_len, email_len, phone_len, org_len, key_len;

	args_str(&a, "name", true, 1, LIMIT_NAME, &name, &name_len);
	args_str(&a, "email", false, 0, LIMIT_NAME, &email, &email_len);
	args_str(&a, "phone", false, 0, 64, &phone, &phone_len);
	args_str(&a, "organisation", false, 0, LIMIT_NAME, &org, &org_len);
	args_str(&a, "client_key", false, 1, LIMIT_CLIENT_KEY, &key, &key_len);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = db_query_new(SQL_REQUESTER_CREATE);
	db_param(q, name, name_len);
	db_param(q, email, email_len);
	db_param(q, phone, phone_len);
	db_param(q, org, org_len);
	db_param(q, key, key_len);
	op_submit_count(s, rid, q, "id");
}

/* ---------------------------------------------------------------- similar, categories */

/* Resolved tickets whose subject resembles the text (trigram similarity), best first, with
 * their resolutions: a known fix found at first contact. */
static const char SQL_SIMILAR[] =
    "SELECT 'HD-' || t.number, t.subject, t.resolution_code, t.resolution_note,"
    " round(similarity(t.subject, $1)::numeric * 100)"
    " FROM tickets t"
    " WHERE t.status IN ('resolved', 'closed') AND t.merged_into IS NULL AND t.subject % $1"
    " ORDER BY similarity(t.subject, $1) DESC, t.id DESC LIMIT $2";

static void pack_similar_row(msgpack_packer *pk, const PGresult *res, int i)
{
	msgpack_pack_map(pk, 5);
	pk_kstr(pk, "key", db_get(res, i, 0));
	pk_kstr(pk, "subject", db_get(res, i, 1));
	pk_kstr(pk, "resolution_code", db_get(res, i, 2));
	pk_kstr(pk, "resolution_note", db_get(res, i, 3));
	pk_kint(pk, "score", db_get_int(res, i, 4));
}

static void op_ticket_similar(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	const char *text;
	size_t text_len;
	int64_t limit = 5;

	args_str(&a, "text", true, 1, LIMIT_SUBJECT, &text, &text_len);
	args_int(&a, "limit", false, 1, 20, &limit);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = db_query_new(SQL_SIMILAR);
	db_param(q, text, text_len);
	db_param_int(q, limit);
	op_submit_rows(s, rid, q, "tickets", pack_similar_row);
}

static const char SQL_CATEGORIES[] =
    "SELECT c.id, c.parent_id, desk_category_path(c.id), desk_category_queue(c.id)"
    " FROM categories c ORDER BY 3";

static void pk_kint_or_nil(msgpack_packer *pk, const char *key, const PGresult *res, int row,
                           int col)
{
	pk_str(pk, key);
	if (PQgetisnull(res, row, col))
		msgpack_pack_nil(pk);
	else
		msgpack_pack_int64(pk, db_get_int(res, row, col));
}

static void pack_category_row(msgpack_packer *pk, const PGresult *res, int i)
{
	msgpack_pack_map(pk, 4);
	pk_kint(pk, "id", db_get_int(res, i, 0));
	pk_kint_or_nil(pk, "parent_id", res, i, 1);
	pk_kstr(pk, "path", db_get(res, i, 2));
	pk_kint_or_nil(pk, "queue_id", res, i, 3);
}

static void op_category_list(struct session *s, uint32_t rid, const msgpack_object *m)
{
	op_submit_rows(s, rid, db_query_new(SQL_CATEGORIES), "categories", pack_category_row);
}

/* ---------------------------------------------------------------- full-text search */

static const char SQL_SEARCH[] =
    "WITH s AS MATERIALIZED (SELECT ticket_id, score FROM desk_ticket_search($1, $2::boolean,"
    " $3::int)) " TICKET_LIST_FOR("s", "ticket_id") " ORDER BY s.score DESC, v.updated_ms DESC";

static void pack_ticket_row(msgpack_packer *pk, const PGresult *res, int i)
{
	pack_ticket(pk, res, i, 0);
}

static void op_ticket_search(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	const char *text;
	size_t text_len;
	int64_t limit = 50;
	bool open = false;

	args_str(&a, "text", true, 1, LIMIT_SUBJECT, &text, &text_len);
	args_int(&a, "limit", false, 1, PROTO_LIST_MAX, &limit);
	args_bool(&a, "open", &open);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = db_query_new(SQL_SEARCH);
	db_param(q, text, text_len);
	db_param_str(q, open ? "true" : "false");
	db_param_int(q, limit);
	op_submit_rows(s, rid, q, "tickets", pack_ticket_row);
}

/* ---------------------------------------------------------------- canned responses */

static void pack_canned_row(msgpack_packer *pk, const PGresult *res, int i)
{
	msgpack_pack_map(pk, 3);
	pk_kint(pk, "id", db_get_int(res, i, 0));
	pk_kstr(pk, "name", db_get(res, i, 1));
	pk_kstr(pk, "body", db_get(res, i, 2));
}

static void op_canned_list(struct session *s, uint32_t rid, const msgpack_object *m)
{
	(void)m;
	op_submit_rows(s, rid,
	               db_query_new("SELECT id, name, body FROM canned_responses ORDER BY name"),
	               "canned", pack_canned_row);
}

static void op_canned_save(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	const char *name, *body;
	size_t name_len, body_len;

	args_str(&a, "name", true, 1, 64, &name, &name_len);
	args_str(&a, "body", true, 1, LIMIT_DESCRIPTION, &body, &body_len);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q =
	    db_query_new("SELECT id, name, body FROM desk_canned_save($1::int, $2, $3)");
	db_param_int(q, s->agent_id);
	db_param(q, name, name_len);
	db_param(q, body, body_len);
	op_submit_rows(s, rid, q, "canned", pack_canned_row);
}

static void op_canned_delete(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	const char *name;
	size_t name_len;

	args_str(&a, "name", true, 1, 64, &name, &name_len);
	BAD_ARGS_RETURN(s, rid, a);
	struct db_query *q = db_query_new(
	    "WITH d AS (DELETE FROM canned_responses WHERE name = $1 RETURNING 1)"
	    " SELECT count(*) FROM d");
	db_param(q, name, name_len);
	op_submit_count(s, rid, q, "deleted");
}

const struct op_def work_ops[] = {
    {"ticket.comment", NEED_LOGIN, PERM_TICKET_COMMENT, op_ticket_comment},
    {"ticket.raise", NEED_LOGIN, PERM_TICKET_COMMENT, op_ticket_raise},
    {"ticket.ack", NEED_LOGIN, PERM_TICKET_ACK, op_ticket_ack},
    {"ticket.set_priority", NEED_LOGIN, PERM_TICKET_ACK, op_ticket_set_priority},
    {"ticket.merge", NEED_LOGIN, PERM_TICKET_MERGE, op_ticket_merge},
    {"ticket.link", NEED_LOGIN, PERM_TICKET_MERGE, op_ticket_link},
    {"problem.resolve_linked", NEED_LOGIN, PERM_TICKET_UPDATE, op_problem_resolve_linked},
    {"ticket.similar", NEED_LOGIN, PERM_TICKET_READ, op_ticket_similar},
    {"requester.search", NEED_LOGIN, PERM_TICKET_READ, op_requester_search},
    {"requester.create", NEED_LOGIN, PERM_REQUESTER_EDIT, op_requester_create},
    {"category.list", NEED_LOGIN, PERM_NONE, op_category_list},
    {"ticket.search", NEED_LOGIN, PERM_TICKET_READ, op_ticket_search},
    {"canned.list", NEED_LOGIN, PERM_NONE, op_canned_list},
    {"canned.save", NEED_LOGIN, PERM_CONFIGURE, op_canned_save},
    {"canned.delete", NEED_LOGIN, PERM_CONFIGURE, op_canned_delete},
    {NULL, 0, PERM_NONE, NULL},
};
