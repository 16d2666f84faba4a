/* ops.c - request dispatch and the session operations: hello, login, ping, queue.list,
 * agent.list, subscribe, unsubscribe. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "db.h"
#include "log.h"
#include "ticket.h"
#include "utf8.h"
#include "util.h"

static const struct op_def *const op_tables[] = {session_ops, ticket_ops, work_ops, dash_ops};

void ops_dispatch(struct session *s, const msgpack_object *msg)
{
	const msgpack_object *op = mp_get(msg, "op");
	const msgpack_object *rido = mp_get(msg, "rid");
	uint32_t rid = 0;

	if (rido != NULL && rido->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    rido->via.u64 <= UINT32_MAX)
		rid = (uint32_t)rido->via.u64;
	if (rid == 0) {
		reply_error(s, 0, E_BAD_REQUEST, "field 'rid' must be an integer 1..4294967295");
		return;
	}
	if (op == NULL || op->type != MSGPACK_OBJECT_STR) {
		reply_error(s, rid, E_UNKNOWN_OP, "field 'op' must be a string");
		return;
	}
	for (size_t t = 0; t < ARRAY_LEN(op_tables); t++) {
		for (const struct op_def *d = op_tables[t]; d->name != NULL; d++) {
			if (!mp_streq(op, d->name))
				continue;
			if (d->need >= NEED_HELLO && !s->hello) {
				reply_error(s, rid, E_HELLO_REQUIRED, "send hello first");
			} else if (d->need >= NEED_LOGIN && s->agent_id == 0) {
				reply_error(s, rid, E_NOT_AUTHENTICATED, "log in first");
			} else if (d->need >= NEED_LOGIN && !role_may(s->role, d->perm)) {
				reply_error(s, rid, E_FORBIDDEN, "role %s may not %s",
				            agent_role_names[s->role], perm_names[d->perm]);
			} else if (s->inflight >= PROTO_MAX_INFLIGHT) {
				reply_error(s, rid, E_BUSY, "more than %d requests in flight",
				            PROTO_MAX_INFLIGHT);
			} else {
				log_debug("session %llu: %s rid %u", (unsigned long long)s->id,
				          d->name, rid);
				d->fn(s, rid, msg);
			}
			return;
		}
	}
	/* Echo a bounded prefix cut at a character boundary, so the reply stays valid UTF-8. */
	reply_error(s, rid, E_UNKNOWN_OP, "unknown operation '%.*s'",
	            (int)utf8_fit(op->via.str.ptr, op->via.str.size, 64, NULL), op->via.str.ptr);
}

void reply_db_error(struct session *s, uint32_t rid, const PGresult *res)
{
	const char *state = db_sqlstate(res);
	const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (res == NULL) {
		reply_error(s, rid, E_UNAVAILABLE, "database unavailable; nothing was changed");
	} else if (strcmp(state, "DK404") == 0) {
		reply_error(s, rid, E_NOT_FOUND, "%s", msg ? msg : "not found");
	} else if (strcmp(state, "DK409") == 0) {
		reply_error(s, rid, E_STALE_VERSION, "%s", msg ? msg : "stale version");
	} else if (strcmp(state, "DK400") == 0 || strncmp(state, "22", 2) == 0 ||
	           strcmp(state, "23514") == 0) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", msg ? msg : "invalid value");
	} else if (strcmp(state, "DK403") == 0) {
		reply_error(s, rid, E_FORBIDDEN, "%s", msg ? msg : "forbidden");
	} else if (strcmp(state, "DK422") == 0) {
		reply_error(s, rid, E_INVALID_TRANSITION, "%s", msg ? msg : "invalid transition");
	} else if (strcmp(state, "23505") == 0) {
		reply_error(s, rid, E_CONFLICT, "%s", msg ? msg : "already exists");
	} else if (strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0) {
		reply_error(s, rid, E_UNAVAILABLE, "database unavailable; nothing was changed");
	} else {
		log_error("session %llu: database error %s: %s", (unsigned long long)s->id, state,
		          res != NULL ? PQresultErrorMessage(res) : "");
		reply_error(s, rid, E_INTERNAL, "internal error (logged)");
	}
}

/* ---------------------------------------------------------------- row replies */

void pack_db_value(msgpack_packer *pk, const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col)) {
		msgpack_pack_nil(pk);
		return;
	}
	const char *v = PQgetvalue(res, row, col);
	switch (PQftype(res, col)) {
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
		msgpack_pack_int64(pk, db_get_int(res, row, col));
		break;
	case 700:  /* float4 */
	case 701:  /* float8 */
	case 1700: /* numeric */
		msgpack_pack_double(pk, strtod(v, NULL));
		break;
	case 16: /* bool */
		pk_bool(pk, v[0] == 't');
		break;
	default:
		pk_str(pk, v);
	}
}

struct rows_req {
	struct req *r;
	const char *key;
	row_packer *pack; /* NULL: reply the integer in row 0, column 0 */
};

static void rows_done(PGresult *res, void *arg)
{
	struct rows_req *rr = arg;
	struct req *r = rr->r;
	struct frame_out f;

	if (!req_live(r))
		goto out;
	if (!db_ok(res)) {
		reply_db_error(r->s, r->rid, res);
		goto out;
	}
	reply_begin(&f, r->rid, 1);
	if (rr->pack == NULL) {
		pk_kint(&f.pk, rr->key, PQntuples(res) > 0 ? db_get_int(res, 0, 0) : 0);
	} else {
		pk_str(&f.pk, rr->key);
		msgpack_pack_array(&f.pk, (size_t)PQntuples(res));
		for (int i = 0; i < PQntuples(res); i++)
			rr->pack(&f.pk, res, i);
	}
	session_send(r->s, &f);
	frame_out_destroy(&f);
out:
	req_free(r);
	free(rr);
}

void op_submit_rows(struct session *s, uint32_t rid, struct db_query *q, const char *key,
                    row_packer *pack)
{
	struct rows_req *rr = xcalloc(1, sizeof(*rr));

	rr->r = req_new(s, rid);
	rr->key = key;
	rr->pack = pack;
	db_submit(s->srv->db, q, rows_done, rr);
}

void op_submit_count(struct session *s, uint32_t rid, struct db_query *q, const char *key)
{
	op_submit_rows(s, rid, q, key, NULL);
}

/* ---------------------------------------------------------------- hello, ping */

static void op_hello(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	int64_t proto = 0;
	const char *client;
	size_t client_len;
	struct frame_out f;

	args_int(&a, "proto", true, 0, INT32_MAX, &proto);
	args_str(&a, "client", false, 0, 200, &client, &client_len);
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		return;
	}
	if (proto != PROTO_VERSION) {
		reply_error(s, rid, E_PROTO_VERSION,
		            "protocol version %lld is not supported; use %d", (long long)proto,
		            PROTO_VERSION);
		return;
	}
	s->hello = true;
	if (client != NULL)
		log_info("session %llu: client %.*s", (unsigned long long)s->id, (int)client_len,
		         client);
	reply_begin(&f, rid, 4);
	pk_kint(&f.pk, "proto", PROTO_VERSION);
	pk_kstr(&f.pk, "server", "deskd " DESK_VERSION);
	pk_kint(&f.pk, "time_ms", now_ms());
	pk_kint(&f.pk, "max_frame", FRAME_MAX);
	session_send(s, &f);
	frame_out_destroy(&f);
}

static void op_ping(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct frame_out f;

	reply_begin(&f, rid, 1);
	pk_kint(&f.pk, "time_ms", now_ms());
	session_send(s, &f);
	frame_out_destroy(&f);
}

/* ---------------------------------------------------------------- login */

/* Logging in also marks the agent present, committed before the reply (automatic assignment
 * and supervisors' views may look at once). */
static const char SQL_LOGIN[] =
    "WITH a AS (SELECT id, login, name, role FROM desk_login($1, $2)),"
    " seen AS (UPDATE agents SET last_seen = now() WHERE id IN (SELECT id FROM a))"
    " SELECT id, login, name, role FROM a";

static void pack_agent(msgpack_packer *pk, const PGresult *res, int row)
{
	msgpack_pack_map(pk, 4);
	pk_kint(pk, "id", db_get_int(res, row, 0));
	pk_kstr(pk, "login", db_get(res, row, 1));
	pk_kstr(pk, "name", db_get(res, row, 2));
	pk_kstr(pk, "role", db_get(res, row, 3));
}

static void login_done(PGresult *res, void *arg)
{
	struct req *r = arg;
	struct session *s = r->s;
	struct frame_out f;

	if (!req_live(r))
		goto out;
	if (!db_ok(res)) {
		reply_db_error(s, r->rid, res);
		goto out;
	}
	if (PQntuples(res) != 1) {
		log_info("session %llu: failed login", (unsigned long long)s->id);
		reply_error(s, r->rid, E_AUTH_FAILED, "wrong login or password");
		goto out;
	}
	s->agent_id = (int)db_get_int(res, 0, 0);
	free(s->login);
	free(s->name);
	s->login = xstrdup(db_get(res, 0, 1));
	s->name = xstrdup(db_get(res, 0, 2));
	s->role = name_index(agent_role_names, db_get(res, 0, 3));
	log_info("session %llu: logged in as %s (%s)", (unsigned long long)s->id, s->login,
	         agent_role_names[s->role]);
	dashboard_touch(s->srv->dash);
	reply_begin(&f, r->rid, 1);
	pk_str(&f.pk, "agent");
	pack_agent(&f.pk, res, 0);
	session_send(s, &f);
	frame_out_destroy(&f);
out:
	req_free(r);
}

static void op_login(struct session *s, uint32_t rid, const msgpack_object *m)
{
	struct args a = ARGS_INIT(m);
	const char *login, *pw;
	size_t login_len, pw_len;

	args_str(&a, "login", true, 1, LIMIT_LOGIN, &login, &login_len);
	args_str(&a, "password", true, 1, LIMIT_PASSWORD, &pw, &pw_len);
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		return;
	}
	struct db_query *q = db_query_new(SQL_LOGIN);
	db_param(q, login, login_len);
	db_param(q, pw, pw_len);
	db_submit(s->srv->db, q, login_done, req_new(s, rid));
}

/* ---------------------------------------------------------------- queues, agents */

static const char SQL_QUEUE_LIST[] = "SELECT q.id, q.name, q.tier,"
                                     " (SELECT count(*) FROM tickets t WHERE t.queue_id = q.id"
                                     "   AND t.status IN ('new', 'open', 'pending', 'on_hold'))"
                                     " FROM queues q ORDER BY q.tier, q.name";

static void pack_queue_row(msgpack_packer *pk, const PGresult *res, int i)
{
	msgpack_pack_map(pk, 4);
	pk_kint(pk, "id", db_get_int(res, i, 0));
	pk_kstr(pk, "name", db_get(res, i, 1));
	pk_kint(pk, "tier", db_get_int(res, i, 2));
	pk_kint(pk, "open", db_get_int(res, i, 3));
}

static void op_queue_list(struct session *s, uint32_t rid, const msgpack_object *m)
{
	op_submit_rows(s, rid, db_query_new(SQL_QUEUE_LIST), "queues", pack_queue_row);
}

static const char SQL_AGENT_LIST[] =
    "SELECT a.id, a.login, a.name, a.role,"
    " coalesce(a.last_seen > now() - interval '90 seconds', false),"
    " (SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id"
    "   AND t.status IN ('new', 'open', 'pending', 'on_hold')),"
    " (SELECT coalesce(sum(c.minutes), 0) FROM ticket_comments c WHERE c.author_id = a.id"
    "   AND c.at >= date_trunc('day', now())),"
    " (SELECT coalesce(sum(c.minutes), 0) FROM ticket_comments c WHERE c.author_id = a.id)"
    " FROM agents a WHERE a.active ORDER BY a.login";

static void pack_agent_row(msgpack_packer *pk, const PGresult *res, int i)
{
	msgpack_pack_map(pk, 8);
	pk_kint(pk, "id", db_get_int(res, i, 0));
	pk_kstr(pk, "login", db_get(res, i, 1));
	pk_kstr(pk, "name", db_get(res, i, 2));
	pk_kstr(pk, "role", db_get(res, i, 3));
	pk_kbool(pk, "present", db_get(res, i, 4)[0] == 't');
	pk_kint(pk, "open_assigned", db_get_int(res, i, 5));
	pk_kint(pk, "minutes_today", db_get_int(res, i, 6));
	pk_kint(pk, "minutes_total", db_get_int(res, i, 7));
}

static void op_agent_list(struct session *s, uint32_t rid, const msgpack_object *m)
{
	op_submit_rows(s, rid, db_query_new(SQL_AGENT_LIST), "agents", pack_agent_row);
}

static const char SQL_RESOLUTION_LIST[] = "SELECT code, label FROM resolution_codes ORDER BY code";

static void pack_resolution_row(msgpack_packer *pk, const PGresult *res, int i)
{
	msgpack_pack_map(pk, 2);
	pk_kstr(pk, "code", db_get(res, i, 0));
	pk_kstr(pk, "label", db_get(res, i, 1));
}

static void op_resolution_list(struct session *s, uint32_t rid, const msgpack_object *m)
{
	op_submit_rows(s, rid, db_query_new(SQL_RESOLUTION_LIST), "codes", pack_resolution_row);
}

/* ---------------------------------------------------------------- subscriptions */

/* Follow (or stop following) a queue's changes; queue 0 is every queue. */
static void subscription(struct session *s, uint32_t rid, const msgpack_object *m, bool on)
{
	struct args a = ARGS_INIT(m);
	int64_t queue_id = 0;

	args_int(&a, "queue_id", true, 0, INT32_MAX, &queue_id);
	if (a.bad) {
		reply_error(s, rid, E_BAD_REQUEST, "%s", a.why);
		return;
	}
	if (on)
		session_subscribe(s, (int)queue_id);
	else
		session_unsubscribe(s, (int)queue_id);
	reply_ok(s, rid);
}

static void op_subscribe(struct session *s, uint32_t rid, const msgpack_object *m)
{
	subscription(s, rid, m, true);
}

static void op_unsubscribe(struct session *s, uint32_t rid, const msgpack_object *m)
{
	subscription(s, rid, m, false);
}

const struct op_def session_ops[] = {
    {"hello", NEED_NOTHING, PERM_NONE, op_hello},
    {"ping", NEED_HELLO, PERM_NONE, op_ping},
    {"login", NEED_HELLO, PERM_NONE, op_login},
    {"queue.list", NEED_LOGIN, PERM_NONE, op_queue_list},
    {"agent.list", NEED_LOGIN, PERM_NONE, op_agent_list},
    {"resolution.list", NEED_LOGIN, PERM_NONE, op_resolution_list},
    {"subscribe", NEED_LOGIN, PERM_TICKET_READ, op_subscribe},
    {"unsubscribe", NEED_LOGIN, PERM_NONE, op_unsubscribe},
    {NULL, 0, PERM_NONE, NULL},
};
