/* db.c - non-blocking libpq links that reconnect by themselves, and the query pool on them. */
#include "db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "log.h"
#include "util.h"

#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 5000
#define QUERY_WAIT_MS  10000 /* a query waiting this long for a connection fails */
#define MAX_PARAMS     16

/* ---------------------------------------------------------------- links */

struct db_link {
	struct event_base *base;
	char *conninfo;
	char *name;
	const struct db_link_ops *ops;
	void *arg;
	PGconn *pg;
	int fd;
	bool up;
	bool write_armed;
	struct event *ev_read;
	struct event *ev_write;
	struct event *ev_retry;
	int backoff_ms;
};

static void link_connect(struct db_link *link);

static void link_drop_events(struct db_link *link)
{
	if (link->ev_read != NULL)
		event_free(link->ev_read);
	if (link->ev_write != NULL)
		event_free(link->ev_write);
	link->ev_read = link->ev_write = NULL;
	link->write_armed = false;
	link->fd = -1;
}

static void link_schedule_retry(struct db_link *link)
{
	struct timeval tv = {link->backoff_ms / 1000, (link->backoff_ms % 1000) * 1000};

	event_add(link->ev_retry, &tv);
	link->backoff_ms =
	    link->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : link->backoff_ms * 2;
}

void db_link_fail(struct db_link *link, const char *why)
{
	bool was_up = link->up;

	log_warn("db %s: connection lost: %s", link->name, why);
	link_drop_events(link);
	if (link->pg != NULL)
		PQfinish(link->pg);
	link->pg = NULL;
	link->up = false;
	link_schedule_retry(link);
	if (was_up && link->ops->lost != NULL)
		link->ops->lost(link, link->arg);
}

static void link_io_cb(evutil_socket_t fd, short what, void *arg);

/* (Re)attach events to the connection's socket, which may change while connecting. */
static void link_watch(struct db_link *link, bool rd, bool wr)
{
	int fd = PQsocket(link->pg);

	if (fd != link->fd) {
		link_drop_events(link);
		link->fd = fd;
		link->ev_read = event_new(link->base, fd, EV_READ | EV_PERSIST, link_io_cb, link);
		link->ev_write = event_new(link->base, fd, EV_WRITE | EV_PERSIST, link_io_cb, link);
	}
	if (rd)
		event_add(link->ev_read, NULL);
	else
		event_del(link->ev_read);
	if (wr != link->write_armed) {
		if (wr)
			event_add(link->ev_write, NULL);
		else
			event_del(link->ev_write);
		link->write_armed = wr;
	}
}

static void link_poll_connect(struct db_link *link)
{
	switch (PQconnectPoll(link->pg)) {
	case PGRES_POLLING_READING:
		link_watch(link, true, false);
		break;
	case PGRES_POLLING_WRITING:
		link_watch(link, false, true);
		break;
	case PGRES_POLLING_OK:
		if (PQsetnonblocking(link->pg, 1) != 0) {
			db_link_fail(link, PQerrorMessage(link->pg));
			return;
		}
		link_watch(link, true, false);
		link->up = true;
		link->backoff_ms = BACKOFF_MIN_MS;
		log_info("db %s: connected (server %d, backend pid %d)", link->name,
		         PQserverVersion(link->pg), PQbackendPID(link->pg));
		link->ops->ready(link, link->arg);
		break;
	default: {
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(link->pg));
		msg[strcspn(msg, "\n")] = '\0';
		db_link_fail(link, msg);
		break;
	}
	}
}

static void link_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_link *link = arg;

	if (!link->up) {
		link_poll_connect(link);
		return;
	}
	if ((what & EV_WRITE) && !db_link_flush(link))
		return;
	if (what & EV_READ) {
		if (!PQconsumeInput(link->pg)) {
			db_link_fail(link, PQerrorMessage(link->pg));
			return;
		}
		link->ops->readable(link, link->arg);
	}
}

static void link_connect(struct db_link *link)
{
	link->pg = PQconnectStart(link->conninfo);
	if (link->pg == NULL) {
		log_error("db %s: out of memory connecting", link->name);
		abort();
	}
	if (PQstatus(link->pg) == CONNECTION_BAD) {
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(link->pg));
		msg[strcspn(msg, "\n")] = '\0';
		db_link_fail(link, msg);
		return;
	}
	/* libpq says: after PQconnectStart, behave as if the last poll said WRITING. */
	link_watch(link, false, true);
}

static void link_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	link_connect(arg);
}

struct db_link *db_link_new(struct event_base *base, const char *conninfo,
                            const struct db_link_ops *ops, void *arg, const char *name)
{
	struct db_link *link = xcalloc(1, sizeof(*link));

	link->base = base;
	link->conninfo = xstrdup(conninfo);
	link->name = xstrdup(name);
	link->ops = ops;
	link->arg = arg;
	link->fd = -1;
	link->backoff_ms = BACKOFF_MIN_MS;
	link->ev_retry = evtimer_new(base, link_retry_cb, link);
	link_connect(link);
	return link;
}

void db_link_free(struct db_link *link)
{
	if (link == NULL)
		return;
	link_drop_events(link);
	event_free(link->ev_retry);
	if (link->pg != NULL)
		PQfinish(link->pg);
	free(link->conninfo);
	free(link->name);
	free(link);
}

PGconn *db_link_conn(struct db_link *link)
{
	return link->pg;
}

bool db_link_up(const struct db_link *link)
{
	return link->up;
}

bool db_link_flush(struct db_link *link)
{
	int r = PQflush(link->pg);

	if (r < 0) {
		db_link_fail(link, PQerrorMessage(link->pg));
		return false;
	}
	/* Non-blocking mode: keep the write event armed only while output is queued. */
	link_watch(link, true, r == 1);
	return true;
}

/* ---------------------------------------------------------------- queries */

struct db_query {
	const char *sql;
	char *owned_sql;
	int nparams;
	char *params[MAX_PARAMS];
	db_cb *cb;
	void *arg;
	int64_t queued_ms;
	TAILQ_ENTRY(db_query) entry;
};

TAILQ_HEAD(query_list, db_query);

struct pool_conn {
	struct db_pool *pool;
	struct db_link *link;
	struct db_query *cur; /* in flight, or NULL when idle */
	PGresult *last;
	char name[16];
};

struct db_pool {
	struct event_base *base;
	int size;
	struct pool_conn *conns;
	struct query_list waiting; /* not yet sent */
	struct query_list failed;  /* to be called back with NULL from ev_failed */
	struct event *ev_failed;
	struct event *ev_tick;
};

struct db_query *db_query_new(const char *sql)
{
	struct db_query *q = xcalloc(1, sizeof(*q));

	q->sql = sql;
	return q;
}

void db_query_set_owned_sql(struct db_query *q, char *sql)
{
	free(q->owned_sql);
	q->owned_sql = sql;
	q->sql = sql;
}

void db_query_free(struct db_query *q)
{
	free(q->owned_sql);
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q);
}

void db_param(struct db_query *q, const char *s, size_t len)
{
	if (q->nparams >= MAX_PARAMS) {
		log_error("db: too many parameters for query: %s", q->sql);
		abort();
	}
	q->params[q->nparams++] = s != NULL ? xstrndup(s, len) : NULL;
}

void db_param_str(struct db_query *q, const char *s)
{
	db_param(q, s, s != NULL ? strlen(s) : 0);
}

void db_param_int(struct db_query *q, int64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRId64, v);

	db_param(q, buf, (size_t)n);
}

void db_param_null(struct db_query *q)
{
	db_param(q, NULL, 0);
}

static void query_fail_later(struct db_pool *pool, struct db_query *q)
{
	TAILQ_INSERT_TAIL(&pool->failed, q, entry);
	event_active(pool->ev_failed, EV_TIMEOUT, 0);
}

static void pool_dispatch(struct db_pool *pool);

/* Send q on an idle connection. On failure the link is failed (it reconnects by itself) and q
 * was not sent, so the caller may queue it again. */
static bool conn_send(struct pool_conn *c, struct db_query *q)
{
	PGconn *pg = db_link_conn(c->link);

	if (!PQsendQueryParams(pg, q->sql, q->nparams, NULL, (const char *const *)q->params, NULL,
	                       NULL, 0)) {
		db_link_fail(c->link, PQerrorMessage(pg));
		return false;
	}
	if (!db_link_flush(c->link))
		return false;
	c->cur = q;
	return true;
}

static void pool_dispatch(struct db_pool *pool)
{
	for (int i = 0; i < pool->size && !TAILQ_EMPTY(&pool->waiting); i++) {
		struct pool_conn *c = &pool->conns[i];
		if (c->cur != NULL || !db_link_up(c->link))
			continue;
		struct db_query *q = TAILQ_FIRST(&pool->waiting);
		TAILQ_REMOVE(&pool->waiting, q, entry);
		if (!conn_send(c, q))
			TAILQ_INSERT_HEAD(&pool->waiting, q, entry);
	}
}

void db_submit(struct db_pool *pool, struct db_query *q, db_cb *cb, void *arg)
{
	q->cb = cb;
	q->arg = arg;
	q->queued_ms = mono_ms();
	TAILQ_INSERT_TAIL(&pool->waiting, q, entry);
	pool_dispatch(pool);
}

static void conn_ready(struct db_link *link, void *arg)
{
	struct pool_conn *c = arg;

	pool_dispatch(c->pool);
}

static void conn_readable(struct db_link *link, void *arg)
{
	struct pool_conn *c = arg;
	PGconn *pg = db_link_conn(link);
	PGnotify *n;

	/* Pool connections do not LISTEN, but never let a notice pile up. */
	while ((n = PQnotifies(pg)) != NULL)
		PQfreemem(n);
	while (c->cur != NULL && !PQisBusy(pg)) {
		PGresult *res = PQgetResult(pg);
		if (res != NULL) {
			if (c->last != NULL)
				PQclear(c->last);
			c->last = res;
			continue;
		}
		/* NULL: the statement is complete. */
		struct db_query *q = c->cur;
		PGresult *last = c->last;
		c->cur = NULL;
		c->last = NULL;
		q->cb(last, q->arg);
		if (last != NULL)
			PQclear(last);
		db_query_free(q);
	}
	if (c->cur == NULL && PQstatus(pg) == CONNECTION_BAD) {
		db_link_fail(link, "server closed the connection");
		return;
	}
	pool_dispatch(c->pool);
}

static void conn_lost(struct db_link *link, void *arg)
{
	struct pool_conn *c = arg;

	if (c->last != NULL)
		PQclear(c->last);
	c->last = NULL;
	/* Whether an in-flight statement committed is unknowable: report failure; clients retry
	 * creates with the same client_key, and updates carry a version. */
	if (c->cur != NULL)
		query_fail_later(c->pool, c->cur);
	c->cur = NULL;
}

static const struct db_link_ops pool_link_ops = {
    .ready = conn_ready,
    .readable = conn_readable,
    .lost = conn_lost,
};

static void pool_failed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_pool *pool = arg;
	struct db_query *q;

	while ((q = TAILQ_FIRST(&pool->failed)) != NULL) {
		TAILQ_REMOVE(&pool->failed, q, entry);
		q->cb(NULL, q->arg);
		db_query_free(q);
	}
}

/* Queries that waited too long for a connection fail rather than hang their client. */
static void pool_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_pool *pool = arg;
	int64_t now = mono_ms();
	struct db_query *q;

	while ((q = TAILQ_FIRST(&pool->waiting)) != NULL && now - q->queued_ms > QUERY_WAIT_MS) {
		TAILQ_REMOVE(&pool->waiting, q, entry);
		log_warn("db: query waited %" PRId64 " ms without a connection; failing it",
		         now - q->queued_ms);
		query_fail_later(pool, q);
	}
}

struct db_pool *db_pool_new(struct event_base *base, const char *conninfo, int size)
{
	struct db_pool *pool = xcalloc(1, sizeof(*pool));
	struct timeval second = {1, 0};

	pool->base = base;
	pool->size = size;
	TAILQ_INIT(&pool->waiting);
	TAILQ_INIT(&pool->failed);
	pool->ev_failed = event_new(base, -1, 0, pool_failed_cb, pool);
	pool->ev_tick = event_new(base, -1, EV_PERSIST, pool_tick_cb, pool);
	event_add(pool->ev_tick, &second);
	pool->conns = xcalloc((size_t)size, sizeof(*pool->conns));
	for (int i = 0; i < size; i++) {
		struct pool_conn *c = &pool->conns[i];
		c->pool = pool;
		snprintf(c->name, sizeof(c->name), "pool-%d", i);
		c->link = db_link_new(base, conninfo, &pool_link_ops, c, c->name);
	}
	return pool;
}

void db_pool_free(struct db_pool *pool)
{
	struct db_query *q;

	if (pool == NULL)
		return;
	for (int i = 0; i < pool->size; i++) {
		struct pool_conn *c = &pool->conns[i];
		if (c->cur != NULL) {
			c->cur->cb(NULL, c->cur->arg);
			db_query_free(c->cur);
		}
		if (c->last != NULL)
			PQclear(c->last);
		db_link_free(c->link);
	}
	pool_failed_cb(-1, 0, pool);
	while ((q = TAILQ_FIRST(&pool->waiting)) != NULL) {
		TAILQ_REMOVE(&pool->waiting, q, entry);
		q->cb(NULL, q->arg);
		db_query_free(q);
	}
	event_free(pool->ev_failed);
	event_free(pool->ev_tick);
	free(pool->conns);
	free(pool);
}

int db_pool_up(const struct db_pool *pool)
{
	int n = 0;

	for (int i = 0; i < pool->size; i++)
		n += db_link_up(pool->conns[i].link);
	return n;
}

const char *db_sqlstate(const PGresult *res)
{
	const char *s = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return s != NULL ? s : "";
}

bool db_ok(const PGresult *res)
{
	ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

const char *db_get(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int64_t db_get_int(const PGresult *res, int row, int col)
{
	int64_t v = 0;

	if (!PQgetisnull(res, row, col))
		parse_i64(PQgetvalue(res, row, col), &v);
	return v;
}
