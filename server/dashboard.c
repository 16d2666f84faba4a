/* dashboard.c - one computation for every watching supervisor. A one-second timer checks
 * whether anyone watches and whether anything changed (or the last computation is older than
 * DASH_REFRESH_MS); if so the panels are read one after another (sql/009_dashboard.sql: each
 * an indexed query), packed into one push frame, and the same bytes go to every watcher. */
#include "dashboard.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "ops.h"
#include "server.h"
#include "session.h"
#include "util.h"

#define ATTENTION_MAX 50

struct dashboard {
	struct server *srv;
	struct event *ev_tick;
	bool dirty;
	bool busy;
	int64_t computed_mono;
	struct frame_out f; /* being built while busy */
	char *frame;        /* the last complete push */
	size_t len;
};

/* The panels in push order: key, SQL, packer. */
typedef void panel_packer(msgpack_packer *pk, const PGresult *res);

static void pack_row_map(msgpack_packer *pk, const PGresult *res, int row)
{
	int n = PQnfields(res);

	msgpack_pack_map(pk, (uint32_t)n);
	for (int c = 0; c < n; c++) {
		pk_str(pk, PQfname(res, c));
		pack_db_value(pk, res, row, c);
	}
}

static void pack_rows(msgpack_packer *pk, const PGresult *res)
{
	msgpack_pack_array(pk, (uint32_t)PQntuples(res));
	for (int row = 0; row < PQntuples(res); row++)
		pack_row_map(pk, res, row);
}

static void pack_one(msgpack_packer *pk, const PGresult *res)
{
	if (PQntuples(res) == 1)
		pack_row_map(pk, res, 0);
	else
		msgpack_pack_nil(pk);
}

static void pack_tickets(msgpack_packer *pk, const PGresult *res)
{
	msgpack_pack_array(pk, (uint32_t)PQntuples(res));
	for (int row = 0; row < PQntuples(res); row++)
		pack_ticket(pk, res, row, 0);
}

static const struct panel {
	const char *key;
	const char *sql;
	panel_packer *pack;
} panels[] = {
    {"queues", "SELECT * FROM desk_dash_queues()", pack_rows},
    {"agents", "SELECT * FROM desk_dash_agents()", pack_rows},
    {"kpi", "SELECT * FROM desk_dash_kpis()", pack_one},
    {"hourly", "SELECT * FROM desk_dash_hourly()", pack_rows},
    {"attention",
     "WITH a AS MATERIALIZED (SELECT tid, n FROM desk_dash_attention(50)"
     " WITH ORDINALITY a(tid, n)) " TICKET_LIST_FOR("a", "tid") " ORDER BY a.n",
     pack_tickets},
};

struct step {
	struct dashboard *d;
	size_t panel;
};

static void broadcast(struct dashboard *d)
{
	struct session *s, *next;

	for (s = TAILQ_FIRST(&d->srv->sessions); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry); /* sending may close a slow session */
		if (s->watching_dashboard && s->agent_id != 0)
			session_send_bytes(s, d->frame, d->len);
	}
}

static void submit_panel(struct dashboard *d, size_t i);

static void panel_done(PGresult *res, void *arg)
{
	struct step *st = arg;
	struct dashboard *d = st->d;
	size_t i = st->panel;

	free(st);
	if (!db_ok(res)) {
		if (res != NULL)
			log_warn("dashboard: panel %s failed: %s", panels[i].key,
			         PQresultErrorMessage(res));
		frame_out_destroy(&d->f);
		d->busy = false;
		d->dirty = true; /* try again on the next tick */
		return;
	}
	pk_str(&d->f.pk, panels[i].key);
	panels[i].pack(&d->f.pk, res);
	if (i + 1 < ARRAY_LEN(panels)) {
		submit_panel(d, i + 1);
		return;
	}
	size_t len;
	const char *data = frame_out_finish(&d->f, &len);
	free(d->frame);
	d->frame = xmalloc(len);
	memcpy(d->frame, data, len);
	d->len = len;
	frame_out_destroy(&d->f);
	d->busy = false;
	broadcast(d);
}

static void submit_panel(struct dashboard *d, size_t i)
{
	struct step *st = xmalloc(sizeof(*st));

	st->d = d;
	st->panel = i;
	db_submit(d->srv->db, db_query_new(panels[i].sql), panel_done, st);
}

static void compute(struct dashboard *d)
{
	d->busy = true;
	d->dirty = false;
	d->computed_mono = mono_ms();
	frame_out_init(&d->f);
	msgpack_pack_map(&d->f.pk, 2 + ARRAY_LEN(panels));
	pk_kstr(&d->f.pk, "push", "dashboard");
	pk_kint(&d->f.pk, "time_ms", now_ms());
	submit_panel(d, 0);
}

static bool anyone_watching(const struct server *srv)
{
	const struct session *s;

	TAILQ_FOREACH(s, &srv->sessions, entry)
	if (s->watching_dashboard && s->agent_id != 0)
		return true;
	return false;
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dashboard *d = arg;

	(void)fd;
	(void)what;
	if (d->busy)
		return;
	if (!anyone_watching(d->srv)) {
		/* Nobody looks: drop the cache so the next watcher gets fresh numbers. */
		free(d->frame);
		d->frame = NULL;
		d->len = 0;
		d->dirty = true;
		return;
	}
	if (d->dirty || d->frame == NULL || mono_ms() - d->computed_mono >= DASH_REFRESH_MS)
		compute(d);
}

struct dashboard *dashboard_new(struct server *srv)
{
	struct dashboard *d = xcalloc(1, sizeof(*d));
	struct timeval one = {1, 0};

	d->srv = srv;
	d->dirty = true;
	d->ev_tick = event_new(srv->base, -1, EV_PERSIST, tick_cb, d);
	event_add(d->ev_tick, &one);
	return d;
}

/* After the pool: its pending callbacks still reach the dashboard. */
void dashboard_free(struct dashboard *d)
{
	if (d == NULL)
		return;
	event_free(d->ev_tick);
	if (d->busy)
		frame_out_destroy(&d->f);
	free(d->frame);
	free(d);
}

void dashboard_touch(struct dashboard *d)
{
	if (d != NULL)
		d->dirty = true;
}

void dashboard_watch(struct dashboard *d, struct session *s)
{
	s->watching_dashboard = true;
	if (d->frame != NULL && !d->dirty)
		session_send_bytes(s, d->frame, d->len);
	else if (!d->busy)
		compute(d);
	/* else: the computation under way reaches s too when it finishes */
}
