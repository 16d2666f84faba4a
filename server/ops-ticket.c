/* ops-ticket.c - ticket operations: create, get (with history), update, list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "log.h"
#include "ops.h"
#include "sla.h"
#include "ticket.h"
#include "utf8.h"
#include "util.h"

/* ---------------------------------------------------------------- packing */

enum col_type { COL_INT, COL_STR, COL_BOOL };

static const struct {
	const char *name;
	enum col_type type;
} ticket_cols[] = {
    {"id", COL_INT},
    {"key", COL_STR},
    {"subject", COL_STR},
    {"description", COL_STR},
    {"type", COL_STR},
    {"status", COL_STR},
    {"impact", COL_INT},
    {"urgency", COL_INT},
    {"priority", COL_INT},
    {"tier", COL_INT},
    {"queue_id", COL_INT},
    {"queue", COL_STR},
    {"assignee_id", COL_INT},
    {"assignee", COL_STR},
    {"requester_id", COL_INT},
    {"requester", COL_STR},
    {"channel", COL_STR},
    {"created_ms", COL_INT},
    {"updated_ms", COL_INT},
    {"version", COL_INT},
    {"owner_id", COL_INT},
    {"owner", COL_STR},
    {"resolution_code", COL_STR},
    {"resolution_note", COL_STR},
    {"resolved_ms", COL_INT},
    {"category_id", COL_INT},
    {"category", COL_STR},
    {"minutes_spent", COL_INT},
    {"question_open", COL_BOOL},
    {"raise_state", COL_STR},
    {"raise_reason", COL_STR},
    {"merged_into", COL_STR},
    {"problem", COL_STR},
    {"escalated_ms", COL_INT},
    {"escalation_reason", COL_STR},
    {"priority_override", COL_BOOL},
    {"priority_reason", COL_STR},
};

/* The per-clock columns of TICKET_SLA_COLUMNS, in order. */
enum {
	SLA_COL_TARGET,
	SLA_COL_DUE,
	SLA_COL_WARN,
	SLA_COL_MET,
	SLA_COL_BREACHED,
	SLA_COL_PAUSED_SINCE,
	SLA_COL_PAUSED_S,
	SLA_COL_LEFT,
	SLA_NCOLS
};

static int64_t get_opt(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : db_get_int(res, row, col);
}

static void pk_opt_int(msgpack_packer *pk, const char *key, const PGresult *res, int row, int col)
{
	pk_str(pk, key);
	if (PQgetisnull(res, row, col))
		msgpack_pack_nil(pk);
	else
		msgpack_pack_int64(pk, db_get_int(res, row, col));
}

/* "sla": one map per clock the policy has a target for. */
static void pack_clocks(msgpack_packer *pk, const PGresult *res, int row, int col0)
{
	int n = 0;

	for (int k = 0; k < SLA_NKINDS; k++)
		n += !PQgetisnull(res, row, col0 + k * SLA_NCOLS + SLA_COL_TARGET);
	msgpack_pack_array(pk, (uint32_t)n);
	for (int k = 0; k < SLA_NKINDS; k++) {
		int c = col0 + k * SLA_NCOLS;
		if (PQgetisnull(res, row, c + SLA_COL_TARGET))
			continue;
		struct sla_clock clk = {
		    .kind = (enum sla_kind)k,
		    .target_s = db_get_int(res, row, c + SLA_COL_TARGET),
		    .due_ms = get_opt(res, row, c + SLA_COL_DUE),
		    .warn_ms = get_opt(res, row, c + SLA_COL_WARN),
		    .met_ms = get_opt(res, row, c + SLA_COL_MET),
		    .breached_ms = get_opt(res, row, c + SLA_COL_BREACHED),
		    .paused_since_ms = get_opt(res, row, c + SLA_COL_PAUSED_SINCE),
		};
		msgpack_pack_map(pk, 10);
		pk_kstr(pk, "kind", sla_kind_name(clk.kind));
		pk_kint(pk, "target_s", clk.target_s);
		pk_opt_int(pk, "due_ms", res, row, c + SLA_COL_DUE);
		pk_opt_int(pk, "warn_ms", res, row, c + SLA_COL_WARN);
		pk_opt_int(pk, "met_ms", res, row, c + SLA_COL_MET);
		pk_opt_int(pk, "breached_ms", res, row, c + SLA_COL_BREACHED);
		pk_opt_int(pk, "paused_since_ms", res, row, c + SLA_COL_PAUSED_SINCE);
		pk_kint(pk, "paused_s", get_opt(res, row, c + SLA_COL_PAUSED_S));
		pk_opt_int(pk, "left_s", res, row, c + SLA_COL_LEFT);
		pk_kstr(pk, "state", sla_state_name(sla_state_at(&clk, now_ms())));
	}
}

void pack_ticket(msgpack_packer *pk, const PGresult *res, int row, int col0)
{
	int sla0 = col0 + (int)ARRAY_LEN(ticket_cols);

	msgpack_pack_map(pk, ARRAY_LEN(ticket_cols) + 4);
	for (size_t i = 0; i < ARRAY_LEN(ticket_cols); i++) {
		int col = col0 + (int)i;
		pk_str(pk, ticket_cols[i].name);
		if (PQgetisnull(res, row, col))
			msgpack_pack_nil(pk);
		else if (ticket_cols[i].type == COL_INT)
			msgpack_pack_int64(pk, db_get_int(res, row, col));
		else if (ticket_cols[i].type == COL_BOOL)
			pk_bool(pk, PQgetvalue(res, row, col)[0] == 't');
		else
			pk_str(pk, PQgetvalue(res, row, col));
	}
	pk_kstr(pk, "sla_policy", db_get(res, row, sla0));
	pk_kint(pk, "sla_stamp", get_opt(res, row, sla0 + 1));
	pk_opt_int(pk, "sla_due_ms", res, row, sla0 + 2);
	pk_str(pk, "sla");
	pack_clocks(pk, res, row, sla0 + 3);
}

/* Reply {ticket: row 0} or not_found when the result is empty. */
static void reply_ticket(struct session *s, uint32_t rid, const PGresult *res)
{
	struct frame_out f;

	if (PQntuples(res) < 1) {
		reply_error(s, rid, E_NOT_FOUND, "no such ticket");
		return;
	}
	reply_begin(&f, rid, 1);
	pk_str(&f.pk, "ticket");
	pack_ticket(&f.pk, res, 0, 0);
	session_send(s, &f);
	frame_out_destroy(&f);
}

void op_ticket_done(PGresult *res, void *arg)
{
	struct req *r = arg;

	if (req_live(r)) {
		if (db_ok(res))
			reply_ticket(r->s, r->rid, res);
		else
			reply_db_error(r->s, r->rid, res);
	}
	req_free(r);
}

/* ---------------------------------------------------------------- create */

static const char SQL_CREATE[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_create2($1::int, $2, $3, $4, $5::smallint,"
    " $6::smallint, $7::int, $8::int, $9, $10, $11::int)";

static void param_opt_int(struct db_query *q, bool present, int64_t v)
{
	if (present)
		db_param_int(q, v);
	else
		db_param_null(q);
}

static void param_opt_name(struct db_query *q, int index, const char *const *names)
{
	db_param_str(q, index >= 0 ? names[index] : NULL);
}

static void op_ticket_create(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	const char *subject, *desc, *key;
	size_t subject_len, desc_len, key_len;
	int64_t impact = 3, urgency = 3, queue_id = 0, requester_id = 0;

	args_str(&a, "subject", true, 1, LIMIT_SUBJECT, &subject, &subject_len);
	args_str(&a, "description", false, 0, LIMIT_DESCRIPTION, &desc, &desc_len);
	int type = args_enum(&a, "type", false, ticket_type_names);
	bool has_impact = args_int(&a, "impact", false, 1, 3, &impact);
	bool has_urgency = args_int(&a, "urgency", false, 1, 3, &urgency);
	bool has_queue = args_int(&a, "queue_id", false, 1, INT32_MAX, &queue_id);
	bool has_req = args_int(&a, "requester_id", false, 1, INT32_MAX, &requester_id);
	int channel = args_enum(&a, "channel", false, ticket_channel_names);
	args_str(&a, "client_key", false, 1, LIMIT_CLIENT_KEY, &key, &key_len);
	int64_t category_id = 0;
	bool has_category = args_int(&a, "category_id", false, 1, INT32_MAX, &category_id);
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		return;
	}

	struct db_query *q = db_query_new(SQL_CREATE);
	db_param_int(q, s->agent_id);
	db_param(q, subject, subject_len);
	db_param(q, desc, desc_len);
	param_opt_name(q, type, ticket_type_names);
	param_opt_int(q, has_impact, impact);
	param_opt_int(q, has_urgency, urgency);
	param_opt_int(q, has_queue, queue_id);
	param_opt_int(q, has_req, requester_id);
	param_opt_name(q, channel, ticket_channel_names);
	db_param(q, key, key_len);
	param_opt_int(q, has_category, category_id);
	db_submit(s->srv->db, q, op_ticket_done, req_new(s, rid));
}

/* ---------------------------------------------------------------- get */

static const char SQL_GET_BY_ID[] = "SELECT " TICKET_COLUMNS " FROM ticket_view WHERE id = $1";
static const char SQL_GET_BY_NUMBER[] =
    "SELECT " TICKET_COLUMNS " FROM ticket_view v"
    " WHERE v.id = (SELECT t.id FROM tickets t WHERE t.number = $1)";
/* "created" first: an auto-assignment is recorded by a trigger on the insert, before the
 * function creating the ticket writes its "created" event, in the same instant. */
static const char SQL_EVENTS[] =
    "SELECT e.id, (extract(epoch FROM e.at) * 1000)::bigint, a.login, e.kind, e.field,"
    " e.old_value, e.new_value, e.note, desk_event_label(e.field, e.old_value),"
    " desk_event_label(e.field, e.new_value)"
    " FROM ticket_events e LEFT JOIN agents a ON a.id = e.actor_id"
    " WHERE e.ticket_id = $1 ORDER BY e.kind <> 'created', e.id";

static const char SQL_ESCALATIONS[] =
    "SELECT (extract(epoch FROM e.at) * 1000)::bigint, e.kind, a.login, fq.name, tq.name,"
    " e.reason, e.tried"
    " FROM ticket_escalations e LEFT JOIN agents a ON a.id = e.actor_id"
    " JOIN queues fq ON fq.id = e.from_queue_id JOIN queues tq ON tq.id = e.to_queue_id"
    " WHERE e.ticket_id = $1 ORDER BY e.id";

static const char SQL_COMMENTS[] =
    "SELECT c.id, (extract(epoch FROM c.at) * 1000)::bigint, a.login, c.kind, c.body, c.minutes"
    " FROM ticket_comments c LEFT JOIN agents a ON a.id = c.author_id"
    " WHERE c.ticket_id = $1 ORDER BY c.id";

static void pack_event_row(msgpack_packer *pk, const PGresult *res, int i)
{
	static const char *const keys[] = {"id",  "at_ms", "actor", "kind",      "field",
	                                   "old", "new",   "note",  "old_label", "new_label"};

	msgpack_pack_map(pk, ARRAY_LEN(keys));
	pk_kint(pk, keys[0], db_get_int(res, i, 0));
	pk_kint(pk, keys[1], db_get_int(res, i, 1));
	for (int c = 2; c < (int)ARRAY_LEN(keys); c++)
		pk_kstr(pk, keys[c], db_get(res, i, c));
}

static void pack_escalation_row(msgpack_packer *pk, const PGresult *res, int i)
{
	static const char *const keys[] = {"at_ms",    "kind",   "actor", "from_queue",
	                                   "to_queue", "reason", "tried"};

	msgpack_pack_map(pk, ARRAY_LEN(keys));
	pk_kint(pk, keys[0], db_get_int(res, i, 0));
	for (int c = 1; c < (int)ARRAY_LEN(keys); c++)
		pk_kstr(pk, keys[c], db_get(res, i, c));
}

static void pack_comment_row(msgpack_packer *pk, const PGresult *res, int i)
{
	msgpack_pack_map(pk, 6);
	pk_kint(pk, "id", db_get_int(res, i, 0));
	pk_kint(pk, "at_ms", db_get_int(res, i, 1));
	pk_kstr(pk, "author", db_get(res, i, 2));
	pk_kstr(pk, "kind", db_get(res, i, 3));
	pk_kstr(pk, "body", db_get(res, i, 4));
	pk_kint(pk, "minutes", db_get_int(res, i, 5));
}

/* ticket.get runs the ticket query, then these in turn, and replies once with all of them. */
static const struct {
	const char *sql;
	const char *key;
	row_packer *pack;
} get_steps[] = {
    {SQL_EVENTS, "events", pack_event_row},
    {SQL_ESCALATIONS, "escalations", pack_escalation_row},
    {SQL_COMMENTS, "comments", pack_comment_row},
};

struct get_req {
	struct req *r;
	int step;
	PGresult *ticket; /* results are kept until the last step arrives */
	PGresult *parts[ARRAY_LEN(get_steps)];
};

static PGresult *copy_result(const PGresult *res)
{
	PGresult *c = PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);

	if (c == NULL) {
		log_error("out of memory copying a result");
		abort();
	}
	return c;
}

static void get_req_free(struct get_req *g)
{
	PQclear(g->ticket);
	for (size_t i = 0; i < ARRAY_LEN(get_steps); i++)
		PQclear(g->parts[i]);
	req_free(g->r);
	free(g);
}

static void get_reply(struct get_req *g)
{
	struct frame_out f;

	reply_begin(&f, g->r->rid, 1 + ARRAY_LEN(get_steps));
	pk_str(&f.pk, "ticket");
	pack_ticket(&f.pk, g->ticket, 0, 0);
	for (size_t i = 0; i < ARRAY_LEN(get_steps); i++) {
		pk_str(&f.pk, get_steps[i].key);
		msgpack_pack_array(&f.pk, (size_t)PQntuples(g->parts[i]));
		for (int row = 0; row < PQntuples(g->parts[i]); row++)
			get_steps[i].pack(&f.pk, g->parts[i], row);
	}
	session_send(g->r->s, &f);
	frame_out_destroy(&f);
}

static void get_step_done(PGresult *res, void *arg);

static void get_step_submit(struct get_req *g)
{
	struct db_query *q = db_query_new(get_steps[g->step].sql);

	db_param_str(q, PQgetvalue(g->ticket, 0, 0));
	db_submit(g->r->s->srv->db, q, get_step_done, g);
}

static void get_step_done(PGresult *res, void *arg)
{
	struct get_req *g = arg;
	struct req *r = g->r;

	if (!req_live(r) || !db_ok(res)) {
		if (req_live(r))
			reply_db_error(r->s, r->rid, res);
		get_req_free(g);
		return;
	}
	/* The pool clears res after this callback. */
	g->parts[g->step++] = copy_result(res);
	if ((size_t)g->step < ARRAY_LEN(get_steps)) {
		get_step_submit(g);
		return;
	}
	get_reply(g);
	get_req_free(g);
}

static void get_ticket_done(PGresult *res, void *arg)
{
	struct req *r = arg;

	if (!req_live(r) || !db_ok(res) || PQntuples(res) < 1) {
		if (req_live(r) && !db_ok(res))
			reply_db_error(r->s, r->rid, res);
		else if (req_live(r))
			reply_error(r->s, r->rid, E_NOT_FOUND, "no such ticket");
		req_free(r);
		return;
	}
	struct get_req *g = xcalloc(1, sizeof(*g));
	g->r = r;
	g->ticket = copy_result(res);
	get_step_submit(g);
}

/* "HD-1042" (any case) -> 1042; -1 if it is not a ticket key. */
static int64_t parse_ticket_key(const char *s, size_t n)
{
	int64_t v = 0;

	if (n < 4 || n > 20 || strncasecmp(s, "HD-", 3) != 0)
		return -1;
	for (size_t i = 3; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void op_ticket_get(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0;
	const char *key;
	size_t key_len;
	struct db_query *q;

	bool has_id = args_int(&a, "id", false, 1, INT64_MAX, &id);
	bool has_key = args_str(&a, "key", false, 1, 32, &key, &key_len);
	if (!a.bad && has_id == has_key)
		args_fail(&a, "give exactly one of 'id' and 'key'");
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		return;
	}
	if (has_key) {
		int64_t number = parse_ticket_key(key, key_len);
		if (number < 0) {
			reply_error(s, rid, E_NOT_FOUND, "'%.*s' is not a ticket key like HD-1042",
			            (int)key_len, key);
			return;
		}
		q = db_query_new(SQL_GET_BY_NUMBER);
		db_param_int(q, number);
	} else {
		q = db_query_new(SQL_GET_BY_ID);
		db_param_int(q, id);
	}
	struct req *r = req_new(s, rid);
	db_submit(s->srv->db, q, get_ticket_done, r);
}

/* ---------------------------------------------------------------- update */

static const char SQL_UPDATE[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_update($1::int, $2::bigint, $3::int, $4::jsonb)";

/* A growable string for composing JSON and SQL text. */
struct strbuf {
	char *p;
	size_t len, cap;
};

static void sb_addn(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_add(struct strbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void sb_json_str(struct strbuf *b, const char *s, size_t n)
{
	sb_add(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c;
			sb_addn(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			sb_add(b, esc);
		} else {
			sb_addn(b, (const char *)&c, 1);
		}
	}
	sb_add(b, "\"");
}

static void sb_json_key(struct strbuf *b, const char *key)
{
	sb_add(b, b->len > 1 ? ",\"" : "\"");
	sb_add(b, key);
	sb_add(b, "\":");
}

struct update_req {
	struct req *r;
	int64_t id;
};

static void stale_fetch_done(PGresult *res, void *arg)
{
	struct req *r = arg;
	struct frame_out f;

	if (!req_live(r))
		goto out;
	frame_out_init(&f);
	bool have = db_ok(res) && PQntuples(res) == 1;
	msgpack_pack_map(&f.pk, have ? 6 : 5);
	pk_kint(&f.pk, "rid", r->rid);
	pk_kbool(&f.pk, "ok", false);
	pk_kint(&f.pk, "code", E_STALE_VERSION);
	pk_kstr(&f.pk, "error", proto_error_name(E_STALE_VERSION));
	pk_kstr(&f.pk, "message", "the ticket changed since you read it; nothing was changed");
	if (have) {
		pk_str(&f.pk, "ticket");
		pack_ticket(&f.pk, res, 0, 0);
	}
	session_send(r->s, &f);
	frame_out_destroy(&f);
out:
	req_free(r);
}

void op_versioned_done(PGresult *res, void *arg)
{
	struct req *r = arg;

	if (req_live(r) && !db_ok(res) && strcmp(db_sqlstate(res), "DK409") == 0) {
		/* Stale: answer with the current ticket so the client can show what changed. */
		struct db_query *q = db_query_new(SQL_GET_BY_ID);
		db_param_int(q, r->id);
		db_submit(r->s->srv->db, q, stale_fetch_done, r);
		return;
	}
	op_ticket_done(res, r);
}

static void op_ticket_update(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	struct strbuf json = {0};
	int64_t id = 0, version = 0, v;
	const char *str;
	size_t len;
	int idx, nfields = 0;
	static const char *const text_fields[] = {"subject", "description", "resolution_code",
	                                          "resolution_note"};
	static const size_t text_limits[][2] = {
	    {1, LIMIT_SUBJECT}, {0, LIMIT_DESCRIPTION}, {1, 32}, {1, LIMIT_NOTE}};
	static const struct {
		const char *name;
		const char *const *names;
	} enum_fields[] = {
	    {"type", ticket_type_names},
	    {"status", ticket_status_names},
	    {"channel", ticket_channel_names},
	};
	static const struct {
		const char *name;
		int64_t min, max;
		bool nullable;
	} int_fields[] = {
	    {"impact", 1, 3, false},
	    {"urgency", 1, 3, false},
	    {"category_id", 1, INT32_MAX, true},
	    {"queue_id", 1, INT32_MAX, false},
	    {"assignee_id", 1, INT32_MAX, true},
	    {"requester_id", 1, INT32_MAX, true},
	};

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	args_int(&a, "version", true, 1, INT32_MAX, &version);
	sb_add(&json, "{");
	for (size_t i = 0; i < ARRAY_LEN(text_fields); i++) {
		if (args_str(&a, text_fields[i], false, text_limits[i][0], text_limits[i][1], &str,
		             &len)) {
			sb_json_key(&json, text_fields[i]);
			sb_json_str(&json, str, len);
			nfields++;
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(enum_fields); i++) {
		if ((idx = args_enum(&a, enum_fields[i].name, false, enum_fields[i].names)) >= 0) {
			sb_json_key(&json, enum_fields[i].name);
			sb_json_str(&json, enum_fields[i].names[idx],
			            strlen(enum_fields[i].names[idx]));
			nfields++;
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(int_fields); i++) {
		int kind;
		if (int_fields[i].nullable) {
			kind = args_int_or_nil(&a, int_fields[i].name, int_fields[i].min,
			                       int_fields[i].max, &v);
		} else {
			kind = args_int(&a, int_fields[i].name, false, int_fields[i].min,
			                int_fields[i].max, &v)
			           ? 1
			           : 0;
		}
		if (kind == 0)
			continue;
		/* Giving a ticket to someone else is dispatching, which not every role may do. */
		if (kind == 1 && strcmp(int_fields[i].name, "assignee_id") == 0 &&
		    v != s->agent_id && !role_may(s->role, PERM_TICKET_ASSIGN)) {
			reply_error(s, rid, E_FORBIDDEN, "role %s may not %s",
			            agent_role_names[s->role], perm_names[PERM_TICKET_ASSIGN]);
			free(json.p);
			return;
		}
		char num[32];
		snprintf(num, sizeof(num), "%lld", (long long)v);
		sb_json_key(&json, int_fields[i].name);
		sb_add(&json, kind == 1 ? num : "null");
		nfields++;
	}
	sb_add(&json, "}");
	if (!a.bad && nfields == 0)
		args_fail(&a, "nothing to change: give at least one field");
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		free(json.p);
		return;
	}

	struct db_query *q = db_query_new(SQL_UPDATE);
	db_param_int(q, s->agent_id);
	db_param_int(q, id);
	db_param_int(q, version);
	db_param(q, json.p, json.len);
	free(json.p);
	struct req *r = req_new(s, rid);
	r->id = id;
	db_submit(s->srv->db, q, op_versioned_done, r);
}

/* ---------------------------------------------------------------- take, escalate */

static const char SQL_TAKE[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_take($1::int, $2::bigint, $3::int)";
static const char SQL_ESCALATE[] =
    "SELECT " TICKET_COLUMNS " FROM desk_ticket_escalate($1::int, $2::bigint, $3::int,"
    " $4::int, $5, $6)";

static void op_ticket_take(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0, version = 0;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	args_int(&a, "version", true, 1, INT32_MAX, &version);
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		return;
	}
	struct db_query *q = db_query_new(SQL_TAKE);
	db_param_int(q, s->agent_id);
	db_param_int(q, id);
	db_param_int(q, version);
	struct req *r = req_new(s, rid);
	r->id = id;
	db_submit(s->srv->db, q, op_versioned_done, r);
}

static void op_ticket_escalate(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t id = 0, version = 0, queue_id = 0;
	const char *reason, *tried;
	size_t reason_len, tried_len;

	args_int(&a, "id", true, 1, INT64_MAX, &id);
	args_int(&a, "version", true, 1, INT32_MAX, &version);
	args_int(&a, "queue_id", true, 1, INT32_MAX, &queue_id);
	args_str(&a, "reason", true, 1, LIMIT_NOTE, &reason, &reason_len);
	args_str(&a, "tried", false, 0, LIMIT_NOTE, &tried, &tried_len);
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		return;
	}
	struct db_query *q = db_query_new(SQL_ESCALATE);
	db_param_int(q, s->agent_id);
	db_param_int(q, id);
	db_param_int(q, version);
	db_param_int(q, queue_id);
	db_param(q, reason, reason_len);
	db_param(q, tried, tried_len);
	struct req *r = req_new(s, rid);
	r->id = id;
	db_submit(s->srv->db, q, op_versioned_done, r);
}

/* ---------------------------------------------------------------- list */

static void list_done(PGresult *res, void *arg)
{
	struct req *r = arg;
	struct frame_out f;
	int rows;

	if (!req_live(r))
		goto out;
	if (!db_ok(res)) {
		reply_db_error(r->s, r->rid, res);
		goto out;
	}
	/* One row at least (the count); ticket columns are NULL when the page is empty. */
	rows = PQntuples(res);
	if (rows == 1 && PQgetisnull(res, 0, 1))
		rows = 0;
	/* As many tickets as fit in one frame: packed apart first to measure them. The rest
	 * is a later page (offset); `total` tells the client how many there are. */
	msgpack_sbuffer items;
	msgpack_packer ipk;
	int fit = 0;
	msgpack_sbuffer_init(&items);
	msgpack_packer_init(&ipk, &items, msgpack_sbuffer_write);
	for (int i = 0; i < rows; i++) {
		size_t before = items.size;
		pack_ticket(&ipk, res, i, 1);
		if (items.size > FRAME_MAX - 256) {
			items.size = before;
			break;
		}
		fit++;
	}
	int64_t total = PQntuples(res) > 0 ? db_get_int(res, 0, 0) : 0;
	reply_begin(&f, r->rid, 3);
	pk_kint(&f.pk, "total", total > LIST_COUNT_MAX ? LIST_COUNT_MAX : total);
	pk_kbool(&f.pk, "total_capped", total > LIST_COUNT_MAX);
	pk_str(&f.pk, "tickets");
	msgpack_pack_array(&f.pk, (size_t)fit);
	msgpack_sbuffer_write(&f.sb, items.data, items.size);
	msgpack_sbuffer_destroy(&items);
	session_send(r->s, &f);
	frame_out_destroy(&f);
out:
	req_free(r);
}

static void op_ticket_list(struct session *s, uint32_t rid, const msgpack_object *m)
{
	static const char *const sorts[] = {"updated",   "created", "priority", "key",
	                                    "escalated", "due",     NULL};
	/* On the tickets table itself, so that the page comes from an index and only the
	 * tickets on it go through ticket_view's joins: the latest escalation (escalated_ms)
	 * and the soonest due running clock (sla_due_ms) as subqueries on the page's
	 * candidates. */
	static const char *const sort_sql[] = {
	    "t.updated_at",
	    "t.created_at",
	    "t.priority",
	    "t.id",
	    "(SELECT x.at FROM ticket_escalations x WHERE x.ticket_id = t.id"
	    " ORDER BY x.id DESC LIMIT 1)",
	    "(SELECT min(s.due_at) FROM ticket_sla s WHERE s.ticket_id = t.id"
	    " AND s.met_at IS NULL AND s.paused_since IS NULL)"};
	struct args a = ARGS_INIT(m);
	struct strbuf where = {0};
	int64_t queue_id, tier, assignee, limit = 100, offset = 0;
	bool open = false, desc;
	int nparam = 0;
	char frag[96];
	struct db_query *q = db_query_new(NULL);

	sb_add(&where, "TRUE");
	if (args_int(&a, "queue_id", false, 1, INT32_MAX, &queue_id)) {
		db_param_int(q, queue_id);
		snprintf(frag, sizeof(frag), " AND t.queue_id = $%d", ++nparam);
		sb_add(&where, frag);
	}
	if (args_int(&a, "tier", false, 1, 2, &tier)) {
		db_param_int(q, tier);
		snprintf(frag, sizeof(frag),
		         " AND t.queue_id IN (SELECT id FROM queues WHERE tier = $%d)", ++nparam);
		sb_add(&where, frag);
	}
	if (args_int(&a, "assignee_id", false, 0, INT32_MAX, &assignee)) {
		if (assignee == 0) {
			sb_add(&where, " AND t.assignee_id IS NULL");
		} else {
			db_param_int(q, assignee);
			snprintf(frag, sizeof(frag), " AND t.assignee_id = $%d", ++nparam);
			sb_add(&where, frag);
		}
	}
	int64_t requester_id;
	if (args_int(&a, "requester_id", false, 1, INT32_MAX, &requester_id)) {
		db_param_int(q, requester_id);
		snprintf(frag, sizeof(frag), " AND t.requester_id = $%d", ++nparam);
		sb_add(&where, frag);
	}
	bool raised = false;
	if (args_bool(&a, "raised", &raised) && raised)
		sb_add(&where, " AND t.raise_state = 'raised'");
	if (args_bool(&a, "open", &open) && open)
		sb_add(&where, " AND t.status IN ('new', 'open', 'pending', 'on_hold')");

	/* status: one name or an array of names, sent as a text[] parameter. */
	const msgpack_object *st = mp_get(m, "status");
	if (st != NULL && !a.bad) {
		struct strbuf arr = {0};
		const msgpack_object *items = st;
		uint32_t n = 1;
		if (st->type == MSGPACK_OBJECT_ARRAY) {
			items = st->via.array.ptr;
			n = st->via.array.size;
		}
		sb_add(&arr, "{");
		for (uint32_t i = 0; i < n && !a.bad; i++) {
			int idx = -1;
			for (int k = 0; ticket_status_names[k] != NULL; k++)
				if (mp_streq(&items[i], ticket_status_names[k]))
					idx = k;
			if (idx < 0)
				args_fail(
				    &a, "field 'status' must be a status name or an array of them");
			else {
				sb_add(&arr, i ? "," : "");
				sb_add(&arr, ticket_status_names[idx]);
			}
		}
		sb_add(&arr, "}");
		if (n == 0)
			args_fail(&a, "field 'status' must not be an empty array");
		if (!a.bad) {
			db_param(q, arr.p, arr.len);
			snprintf(frag, sizeof(frag), " AND t.status = ANY($%d::text[])", ++nparam);
			sb_add(&where, frag);
		}
		free(arr.p);
	}
	int sort = args_enum(&a, "sort", false, sorts);
	if (sort < 0)
		sort = 0;
	desc = sort <= 1;
	args_bool(&a, "desc", &desc);
	args_int(&a, "limit", false, 1, PROTO_LIST_MAX, &limit);
	args_int(&a, "offset", false, 0, INT32_MAX, &offset);
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		free(where.p);
		db_query_free(q);
		return;
	}
	db_param_int(q, limit);
	db_param_int(q, offset);
	/* The page's ids from the tickets table (indexes serve the filters and the order), then
	 * ticket_view for those ids alone (TICKET_LIST_FOR). The count stops at
	 * LIST_COUNT_MAX + 1. 1M tickets: 5-45 ms a page (docs/benchmarks.md). */
	const char *dir = desc ? "DESC" : "ASC";
	char *sql = xasprintf(
	    "WITH page AS MATERIALIZED (SELECT t.id AS page_id, %s AS page_key FROM tickets t"
	    " WHERE %s ORDER BY page_key %s, page_id %s LIMIT $%d OFFSET $%d)"
	    " SELECT c.total, v.* FROM (SELECT count(*) AS total FROM (SELECT FROM tickets t"
	    " WHERE %s LIMIT %d) n) c"
	    " LEFT JOIN LATERAL (" TICKET_LIST_FOR(
	        "page", "page_id") " ORDER BY page_key %s, page_id %s) v ON TRUE",
	    sort_sql[sort], where.p, dir, dir, nparam + 1, nparam + 2, where.p, LIST_COUNT_MAX + 1,
	    dir, dir);
	free(where.p);
	db_query_set_owned_sql(q, sql);
	db_submit(s->srv->db, q, list_done, req_new(s, rid));
}

const struct op_def ticket_ops[] = {
    {"ticket.create", NEED_LOGIN, PERM_TICKET_CREATE, op_ticket_create},
    {"ticket.get", NEED_LOGIN, PERM_TICKET_READ, op_ticket_get},
    {"ticket.update", NEED_LOGIN, PERM_TICKET_UPDATE, op_ticket_update},
    {"ticket.list", NEED_LOGIN, PERM_TICKET_READ, op_ticket_list},
    {"ticket.take", NEED_LOGIN, PERM_TICKET_TAKE, op_ticket_take},
    {"ticket.escalate", NEED_LOGIN, PERM_TICKET_ESCALATE, op_ticket_escalate},
    {NULL, 0, PERM_NONE, NULL},
};
