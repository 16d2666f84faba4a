/* notify.c - the LISTEN connection: every committed ticket change (from any deskd or from SQL)
 * arrives as a NOTIFY; changes are batched per loop iteration, fetched once, and the same
 * encoded push goes to every console subscribed to the ticket's old or new queue. The same
 * connection hears SLA alerts (pushed to the ticket's assignee, its queue's followers and
 * supervisors) and wakes the SLA scheduler when clocks or calendars change. */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "db.h"
#include "log.h"
#include "ops.h"
#include "session.h"
#include "sla-sched.h"
#include "ticket.h"
#include "util.h"

#define CHANNEL   "desk_ticket"
#define LISTEN_SQL                                                                                 \
	"LISTEN " CHANNEL "; LISTEN desk_sla; LISTEN desk_sla_dirty; LISTEN desk_config"
#define BATCH_MAX 500

struct change {
	int64_t id;
	int queue_id;
	int old_queue_id;
	bool sla_only; /* only its SLA clocks changed (payload "id queue queue sla") */
};

struct notifier {
	struct server *srv;
	struct db_link *link;
	bool listening;
	bool lost_once;         /* a reconnect means changes may have been missed */
	struct change *pending; /* changes waiting to be fetched */
	int npending, cap;
	struct event *ev_flush;
	struct alert *alerts, *alerts_tail; /* SLA alerts; the head's fetch is in flight */
	bool stopping; /* the pool is being freed: its failing callbacks start nothing new */
};

struct fetch {
	struct notifier *n;
	struct change *changes;
	int count;
};

static const char SQL_FETCH[] =
    "SELECT " TICKET_COLUMNS " FROM ticket_view WHERE id = ANY($1::bigint[])";

static bool anyone_subscribed(struct server *srv, int queue_id, int old_queue_id)
{
	struct session *s;

	TAILQ_FOREACH(s, &srv->sessions, entry)
	if (s->agent_id != 0 &&
	    (session_subscribed(s, queue_id) || session_subscribed(s, old_queue_id)))
		return true;
	return false;
}

static void push_resync(struct server *srv)
{
	struct session *s, *next;
	struct frame_out f;
	size_t len;

	frame_out_init(&f);
	msgpack_pack_map(&f.pk, 1);
	pk_kstr(&f.pk, "push", "resync");
	const char *data = frame_out_finish(&f, &len);
	for (s = TAILQ_FIRST(&srv->sessions); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->nsubs > 0)
			session_send_bytes(s, data, len);
	}
	frame_out_destroy(&f);
}

static void fetch_done(PGresult *res, void *arg)
{
	struct fetch *ft = arg;
	struct server *srv = ft->n != NULL ? ft->n->srv : NULL;

	if (srv == NULL)
		goto out;
	if (!db_ok(res)) {
		log_warn("notify: fetching %d changed tickets failed; asking consoles to resync",
		         ft->count);
		push_resync(srv);
		goto out;
	}
	for (int row = 0; row < PQntuples(res); row++) {
		int64_t id = db_get_int(res, row, 0);
		int queue_id = (int)db_get_int(res, row, 10);
		int old_queue_id = queue_id;
		bool sla_only = false;
		for (int i = 0; i < ft->count; i++) {
			if (ft->changes[i].id == id) {
				old_queue_id = ft->changes[i].old_queue_id;
				sla_only = ft->changes[i].sla_only;
			}
		}

		struct frame_out f;
		size_t len;
		frame_out_init(&f);
		msgpack_pack_map(&f.pk, 3);
		pk_kstr(&f.pk, "push", "ticket");
		pk_kstr(&f.pk, "change",
		        sla_only                       ? "sla"
		        : db_get_int(res, row, 19) == 1 ? "created"
		                                        : "updated");
		pk_str(&f.pk, "ticket");
		pack_ticket(&f.pk, res, row, 0);
		const char *data = frame_out_finish(&f, &len);

		struct session *s, *next;
		for (s = TAILQ_FIRST(&srv->sessions); s != NULL; s = next) {
			next = TAILQ_NEXT(s, entry); /* sending may close a slow session */
			if (s->agent_id != 0 && (session_subscribed(s, queue_id) ||
			                         session_subscribed(s, old_queue_id)))
				session_send_bytes(s, data, len);
		}
		frame_out_destroy(&f);
	}
out:
	free(ft->changes);
	free(ft);
}

/* ---------------------------------------------------------------- SLA alerts */

/* "ticket kind step pct actions..." from desk_sla_fire_due. Alerts are fetched one at a
 * time, in the order they were notified, so a warning never overtakes its breach. */
struct alert {
	struct notifier *n;
	struct alert *next;
	long long id;
	char kind[32], step[16], actions[512];
	int pct;
};

static void alert_fetch_next(struct notifier *n);

static const char SQL_FETCH_ALERT[] =
    "SELECT " TICKET_COLUMNS ", (SELECT array_agg(m.agent_id) FROM queue_members m"
    " WHERE m.queue_id = v.queue_id) FROM ticket_view v WHERE id = ANY($1::bigint[])";

/* Whether id is in a PostgreSQL array literal of integers ("{3,14}"; NULL: empty). */
static bool id_in_list(const char *list, int id)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (*p >= '0' && *p <= '9') {
			char *end;
			long v = strtol(p, &end, 10);
			if (v == id)
				return true;
			p = end;
		} else {
			p++;
		}
	}
	return false;
}

static void alert_done(PGresult *res, void *arg)
{
	struct alert *a = arg;
	struct notifier *n = a->n;
	struct server *srv = n->srv;
	struct frame_out f;
	size_t len;

	n->alerts = a->next;
	if (n->alerts == NULL)
		n->alerts_tail = NULL;
	if (n->stopping)
		goto out;
	if (!db_ok(res) || PQntuples(res) != 1)
		goto next;
	int assignee = PQgetisnull(res, 0, 12) ? 0 : (int)db_get_int(res, 0, 12);
	/* The queue's members, "{3,4,5}", in the column after the ticket's. */
	const char *members = db_get(res, 0, PQnfields(res) - 1);

	frame_out_init(&f);
	msgpack_pack_map(&f.pk, 6);
	pk_kstr(&f.pk, "push", "sla");
	pk_kstr(&f.pk, "level", a->step);
	pk_kstr(&f.pk, "kind", a->kind);
	pk_kint(&f.pk, "pct", a->pct);
	pk_kstr(&f.pk, "actions", a->actions);
	pk_str(&f.pk, "ticket");
	pack_ticket(&f.pk, res, 0, 0);
	const char *data = frame_out_finish(&f, &len);

	struct session *s, *next;
	for (s = TAILQ_FIRST(&srv->sessions); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->agent_id != 0 &&
		    (s->agent_id == assignee || s->role == ROLE_SUPERVISOR ||
		     id_in_list(members, s->agent_id)))
			session_send_bytes(s, data, len);
	}
	frame_out_destroy(&f);
next:
	alert_fetch_next(n);
out:
	free(a);
}

static void alert_fetch_next(struct notifier *n)
{
	struct alert *a = n->alerts;
	char ids[32];

	if (a == NULL || n->stopping)
		return;
	struct db_query *q = db_query_new(SQL_FETCH_ALERT);
	int len = snprintf(ids, sizeof(ids), "{%lld}", a->id);
	db_param(q, ids, (size_t)len);
	db_submit(n->srv->db, q, alert_done, a);
}

static void queue_alert(struct notifier *n, const char *payload)
{
	struct alert *a = xcalloc(1, sizeof(*a));
	long long id;
	int used = 0;

	if (sscanf(payload, "%lld %31s %15s %d %n", &id, a->kind, a->step, &a->pct, &used) < 4) {
		log_warn("notify: ignoring malformed SLA alert '%s'", payload);
		free(a);
		return;
	}
	if (used > 0)
		snprintf(a->actions, sizeof(a->actions), "%s", payload + used);
	a->n = n;
	a->id = id;
	bool idle = n->alerts == NULL;
	if (n->alerts_tail != NULL)
		n->alerts_tail->next = a;
	else
		n->alerts = a;
	n->alerts_tail = a;
	if (idle)
		alert_fetch_next(n);
}

/* Runs once per loop iteration that received notifications. */
static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct notifier *n = arg;

	while (n->npending > 0) {
		int count = n->npending > BATCH_MAX ? BATCH_MAX : n->npending;
		struct fetch *ft = xcalloc(1, sizeof(*ft));
		char *ids = xmalloc((size_t)count * 22 + 3);
		size_t off = 0;

		ft->n = n;
		ft->count = count;
		ft->changes = xmalloc(sizeof(*ft->changes) * (size_t)count);
		memcpy(ft->changes, n->pending, sizeof(*ft->changes) * (size_t)count);
		memmove(n->pending, n->pending + count,
		        sizeof(*n->pending) * (size_t)(n->npending - count));
		n->npending -= count;

		ids[off++] = '{';
		for (int i = 0; i < count; i++)
			off += (size_t)sprintf(ids + off, "%s%" PRId64, i ? "," : "",
			                       ft->changes[i].id);
		ids[off++] = '}';
		struct db_query *q = db_query_new(SQL_FETCH);
		db_param(q, ids, off);
		free(ids);
		db_submit(n->srv->db, q, fetch_done, ft);
	}
}

static void queue_change(struct notifier *n, const char *payload)
{
	struct change c;
	long long id;
	char tag[8] = "";

	if (sscanf(payload, "%lld %d %d %7s", &id, &c.queue_id, &c.old_queue_id, tag) < 3) {
		log_warn("notify: ignoring malformed payload '%s'", payload);
		return;
	}
	c.id = id;
	c.sla_only = strcmp(tag, "sla") == 0;
	dashboard_touch(n->srv->dash);
	if (!anyone_subscribed(n->srv, c.queue_id, c.old_queue_id))
		return;
	for (int i = 0; i < n->npending; i++) {
		if (n->pending[i].id == c.id) {
			/* Keep the oldest queue seen so its followers learn the ticket left. */
			n->pending[i].queue_id = c.queue_id;
			n->pending[i].sla_only = n->pending[i].sla_only && c.sla_only;
			return;
		}
	}
	if (n->npending == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 64;
		n->pending = xrealloc(n->pending, sizeof(*n->pending) * (size_t)n->cap);
	}
	n->pending[n->npending++] = c;
	event_active(n->ev_flush, EV_TIMEOUT, 0);
}

static void notify_ready(struct db_link *link, void *arg)
{
	struct notifier *n = arg;
	PGconn *pg = db_link_conn(link);

	if (!PQsendQuery(pg, LISTEN_SQL)) {
		db_link_fail(link, PQerrorMessage(pg));
		return;
	}
	if (!db_link_flush(link))
		return;
	n->listening = true;
	if (n->lost_once) {
		log_info("notify: listening again; asking consoles to resync");
		push_resync(n->srv);
	}
}

static void notify_readable(struct db_link *link, void *arg)
{
	struct notifier *n = arg;
	PGconn *pg = db_link_conn(link);
	PGnotify *nt;

	while (!PQisBusy(pg)) {
		PGresult *res = PQgetResult(pg);
		if (res == NULL)
			break;
		if (!db_ok(res))
			log_error("notify: LISTEN failed: %s", PQresultErrorMessage(res));
		PQclear(res);
	}
	while ((nt = PQnotifies(pg)) != NULL) {
		if (strcmp(nt->relname, CHANNEL) == 0)
			queue_change(n, nt->extra);
		else if (strcmp(nt->relname, "desk_sla") == 0)
			queue_alert(n, nt->extra);
		else if (strcmp(nt->relname, "desk_sla_dirty") == 0)
			sla_sched_kick(n->srv->sla);
		else if (strcmp(nt->relname, "desk_config") == 0)
			sla_sched_config_changed(n->srv->sla);
		PQfreemem(nt);
	}
	if (PQstatus(pg) == CONNECTION_BAD)
		db_link_fail(link, "server closed the connection");
}

static void notify_lost(struct db_link *link, void *arg)
{
	struct notifier *n = arg;

	n->listening = false;
	n->lost_once = true;
}

static const struct db_link_ops notify_ops = {
    .ready = notify_ready,
    .readable = notify_readable,
    .lost = notify_lost,
};

struct notifier *notifier_new(struct server *srv)
{
	struct notifier *n = xcalloc(1, sizeof(*n));

	n->srv = srv;
	n->ev_flush = event_new(srv->base, -1, 0, flush_cb, n);
	n->link = db_link_new(srv->base, srv->cfg->db, &notify_ops, n, "listen");
	return n;
}

void notifier_stop(struct notifier *n)
{
	if (n != NULL)
		n->stopping = true;
}

void notifier_free(struct notifier *n)
{
	if (n == NULL)
		return;
	while (n->alerts != NULL) {
		struct alert *a = n->alerts;
		n->alerts = a->next;
		free(a);
	}
	db_link_free(n->link);
	event_free(n->ev_flush);
	free(n->pending);
	free(n);
}
