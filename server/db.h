/* db.h - asynchronous PostgreSQL on the libevent loop: reconnecting links and a query pool. */
#ifndef DESKD_DB_H
#define DESKD_DB_H

#include <event2/event.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A db_link is one non-blocking libpq connection that connects (and reconnects, with
 * back-off) by itself. Its owner gets told when it is ready, readable, or lost.
 */
struct db_link;

struct db_link_ops {
	void (*ready)(struct db_link *link, void *arg);    /* connected, socket idle */
	void (*readable)(struct db_link *link, void *arg); /* input consumed; drain results */
	void (*lost)(struct db_link *link, void *arg);     /* connection broke; will reconnect */
};

struct db_link *db_link_new(struct event_base *base, const char *conninfo,
                            const struct db_link_ops *ops, void *arg, const char *name);
void db_link_free(struct db_link *link);
PGconn *db_link_conn(struct db_link *link);
bool db_link_up(const struct db_link *link);
/* Send what libpq has queued; the link finishes the rest when the socket is writable. Returns
 * false (and the link is failed) if the connection broke. Call after every PQsend*. */
bool db_link_flush(struct db_link *link);
/* Declare the connection broken (e.g. after a failed send); it reconnects by itself. */
void db_link_fail(struct db_link *link, const char *why);

/*
 * The query pool: a FIFO of parameterised statements run on a few db_links. Each statement
 * runs in its own implicit transaction, so a successful result means it is committed.
 */
struct db_pool;
struct db_query;

/* Called with the statement's final result (the pool clears it afterwards), or with NULL when
 * the connection failed or the query waited too long for one. */
typedef void db_cb(PGresult *res, void *arg);

struct db_pool *db_pool_new(struct event_base *base, const char *conninfo, int size);
void db_pool_free(struct db_pool *pool);
/* Number of connections currently up. */
int db_pool_up(const struct db_pool *pool);

/* sql must outlive the query (use string constants). */
struct db_query *db_query_new(const char *sql);
/* For SQL composed at run time from constant fragments: the query takes ownership of sql. */
void db_query_set_owned_sql(struct db_query *q, char *sql);
/* Free a query that was never submitted. */
void db_query_free(struct db_query *q);
void db_param(struct db_query *q, const char *s, size_t len); /* copies; s == NULL: SQL NULL */
void db_param_str(struct db_query *q, const char *s);         /* NUL-terminated or NULL */
void db_param_int(struct db_query *q, int64_t v);
void db_param_null(struct db_query *q);
/* Takes ownership of q. The callback always runs exactly once, never before this returns. */
void db_submit(struct db_pool *pool, struct db_query *q, db_cb *cb, void *arg);

/* SQLSTATE of a failed result ("" if none). */
const char *db_sqlstate(const PGresult *res);
bool db_ok(const PGresult *res);

/* Text value of a column or NULL if it is SQL NULL. */
const char *db_get(const PGresult *res, int row, int col);
int64_t db_get_int(const PGresult *res, int row, int col);

#endif
