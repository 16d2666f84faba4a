/* session.c - per-connection state: bounded framed input, backpressure, replies, lifetime. */
#include "session.h"

#include <event2/buffer.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "db.h"
#include "log.h"
#include "ops.h"
#include "ticket.h"
#include "utf8.h"
#include "util.h"

#define LOGIN_GRACE_MS 60000

static uint64_t next_session_id = 1;

static void session_unref(struct session *s)
{
	if (--s->refs > 0)
		return;
	free(s->login);
	free(s->name);
	free(s->subs);
	free(s);
}

static void presence_done(PGresult *res, void *arg)
{
	(void)arg;
	if (res != NULL && !db_ok(res))
		log_warn("presence update failed: %s", PQresultErrorMessage(res));
}

/* The agent's last console on this deskd closed: offline at once on the dashboard rather
 * than when the heartbeat runs out. A console on another deskd puts them back within a
 * heartbeat. */
static void agent_left(struct server *srv, int agent_id)
{
	struct session *o;

	TAILQ_FOREACH(o, &srv->sessions, entry)
	if (o->agent_id == agent_id)
		return;
	/* Only if nothing newer (a login through another console) got there first: the two
	 * updates may run on different connections in either order. */
	struct db_query *q = db_query_new(
	    "UPDATE agents SET last_seen = NULL"
	    " WHERE id = $1::int AND last_seen < to_timestamp($2::bigint / 1000.0)");
	db_param_int(q, agent_id);
	db_param_int(q, now_ms());
	db_submit(srv->db, q, presence_done, NULL);
	dashboard_touch(srv->dash);
}

void session_close(struct session *s, const char *why)
{
	if (s->closed)
		return;
	log_info("session %llu (%s%s%s): closed: %s", (unsigned long long)s->id, s->peer,
	         s->login ? " " : "", s->login ? s->login : "", why);
	s->closed = true;
	bufferevent_free(s->bev);
	s->bev = NULL;
	TAILQ_REMOVE(&s->srv->sessions, s, entry);
	s->srv->nsessions--;
	if (s->agent_id != 0)
		agent_left(s->srv, s->agent_id);
	session_unref(s);
}

void sessions_close_all(struct server *srv)
{
	struct session *s;

	while ((s = TAILQ_FIRST(&srv->sessions)) != NULL)
		session_close(s, "server shutting down");
}

void sessions_maintain(struct server *srv)
{
	struct session *s, *next;
	int64_t now = mono_ms();

	for (s = TAILQ_FIRST(&srv->sessions); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->agent_id == 0 && s->inflight == 0 &&
		    now - s->connected_mono > LOGIN_GRACE_MS)
			session_close(s, "no login within 60 s");
	}
}


void sessions_heartbeat(struct server *srv)
{
	struct session *s;
	char *ids = xstrdup("{");
	bool any = false;

	TAILQ_FOREACH(s, &srv->sessions, entry)
	{
		if (s->agent_id == 0)
			continue;
		char *next = xasprintf("%s%s%d", ids, any ? "," : "", s->agent_id);
		free(ids);
		ids = next;
		any = true;
	}
	if (any) {
		char *lit = xasprintf("%s}", ids);
		struct db_query *q =
		    db_query_new("UPDATE agents SET last_seen = now() WHERE id = ANY($1::int[])");
		db_param_str(q, lit);
		db_submit(srv->db, q, presence_done, NULL);
		free(lit);
	}
	free(ids);
}

/* ---------------------------------------------------------------- output */

static void update_backpressure(struct session *s)
{
	size_t out = evbuffer_get_length(bufferevent_get_output(s->bev));

	/* Stop reading requests from a peer that does not read its replies. */
	if (!s->reading_paused && out > PROTO_MAX_OUTPUT / 2) {
		bufferevent_disable(s->bev, EV_READ);
		s->reading_paused = true;
	} else if (s->reading_paused && out <= PROTO_MAX_OUTPUT / 4) {
		bufferevent_enable(s->bev, EV_READ);
		s->reading_paused = false;
	}
}

void session_send_bytes(struct session *s, const char *data, size_t len)
{
	if (s->closed || s->closing)
		return;
	struct evbuffer *out = bufferevent_get_output(s->bev);
	if (evbuffer_get_length(out) + len > PROTO_MAX_OUTPUT) {
		session_close(s, "output limit exceeded (peer not reading)");
		return;
	}
	evbuffer_add(out, data, len);
	update_backpressure(s);
}

void session_send(struct session *s, struct frame_out *f)
{
	size_t len;
	const char *data = frame_out_finish(f, &len);

	session_send_bytes(s, data, len);
}

void reply_begin(struct frame_out *f, uint32_t rid, uint32_t extra)
{
	frame_out_init(f);
	msgpack_pack_map(&f->pk, 2 + extra);
	pk_kint(&f->pk, "rid", rid);
	pk_kbool(&f->pk, "ok", true);
}

void reply_ok(struct session *s, uint32_t rid)
{
	struct frame_out f;

	reply_begin(&f, rid, 0);
	session_send(s, &f);
	frame_out_destroy(&f);
}

void reply_error(struct session *s, uint32_t rid, int code, const char *fmt, ...)
{
	struct frame_out f;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* vsnprintf may have cut a multi-byte character in half: drop the fragment. */
	size_t len = strlen(msg);
	while (len > 0 && !utf8_valid(msg, len))
		len = utf8_prev(msg, len);
	msg[len] = '\0';
	log_debug("session %llu: rid %u: error %s: %s", (unsigned long long)s->id, rid,
	          proto_error_name(code), msg);
	frame_out_init(&f);
	msgpack_pack_map(&f.pk, 5);
	pk_kint(&f.pk, "rid", rid);
	pk_kbool(&f.pk, "ok", false);
	pk_kint(&f.pk, "code", code);
	pk_kstr(&f.pk, "error", proto_error_name(code));
	pk_kstr(&f.pk, "message", msg);
	session_send(s, &f);
	frame_out_destroy(&f);
}

/* ---------------------------------------------------------------- requests */

struct req *req_new(struct session *s, uint32_t rid)
{
	struct req *r = xcalloc(1, sizeof(*r));

	r->s = s;
	r->rid = rid;
	s->refs++;
	s->inflight++;
	return r;
}

bool req_live(const struct req *r)
{
	return !r->s->closed;
}

void req_free(struct req *r)
{
	r->s->inflight--;
	session_unref(r->s);
	free(r);
}

/* ---------------------------------------------------------------- input */

static void handle_frame(struct session *s, const char *payload, size_t len)
{
	msgpack_unpacked msg;
	const char *why;

	if (frame_decode(payload, len, &msg, &why) != 0) {
		reply_error(s, 0, E_BAD_FRAME, "%s", why);
		return;
	}
	ops_dispatch(s, &msg.data);
	msgpack_unpacked_destroy(&msg);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct session *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned char hdr[FRAME_HEADER];

	/* The session may close inside handle_frame (output overflow): hold it. */
	s->refs++;
	while (!s->closed && !s->closing && evbuffer_get_length(in) >= FRAME_HEADER) {
		evbuffer_copyout(in, hdr, FRAME_HEADER);
		uint32_t len = frame_get_len(hdr);
		if (len == 0 || len > FRAME_MAX) {
			reply_error(s, 0, E_FRAME_TOO_LARGE,
			            "frame length %u is outside 1..%d; closing", len, FRAME_MAX);
			s->closing = true;
			bufferevent_disable(bev, EV_READ);
			if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
				session_close(s, "bad frame length");
			break;
		}
		if (evbuffer_get_length(in) < FRAME_HEADER + (size_t)len)
			break;
		const char *frame = (const char *)evbuffer_pullup(in, FRAME_HEADER + len);
		handle_frame(s, frame + FRAME_HEADER, len);
		if (!s->closed)
			evbuffer_drain(in, FRAME_HEADER + len);
	}
	session_unref(s);
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct session *s = arg;

	if (s->closing) {
		session_close(s, "closed after final reply");
		return;
	}
	update_backpressure(s);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct session *s = arg;

	if (what & BEV_EVENT_EOF)
		session_close(s, "peer closed the connection");
	else if (what & BEV_EVENT_ERROR)
		session_close(s, evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

void session_accept(struct server *srv, evutil_socket_t fd, const char *peer)
{
	struct session *s;

	if (srv->nsessions >= srv->cfg->max_sessions) {
		log_warn("refusing %s: %d sessions already", peer, srv->nsessions);
		evutil_closesocket(fd);
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->srv = srv;
	s->id = next_session_id++;
	s->refs = 1;
	s->role = -1;
	s->connected_mono = mono_ms();
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	s->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		log_error("cannot create bufferevent for %s", peer);
		evutil_closesocket(fd);
		free(s);
		return;
	}
	/* Never buffer more than one maximal frame of unread input per peer. */
	bufferevent_setwatermark(s->bev, EV_READ, 0, FRAME_HEADER + FRAME_MAX);
	bufferevent_setcb(s->bev, read_cb, write_cb, event_cb, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&srv->sessions, s, entry);
	srv->nsessions++;
	log_info("session %llu: connected from %s", (unsigned long long)s->id, peer);
}

/* ---------------------------------------------------------------- subscriptions */

bool session_subscribed(const struct session *s, int queue_id)
{
	for (int i = 0; i < s->nsubs; i++)
		if (s->subs[i] == 0 || s->subs[i] == queue_id)
			return true;
	return false;
}

void session_subscribe(struct session *s, int queue_id)
{
	for (int i = 0; i < s->nsubs; i++)
		if (s->subs[i] == queue_id)
			return;
	s->subs = xrealloc(s->subs, sizeof(*s->subs) * (size_t)(s->nsubs + 1));
	s->subs[s->nsubs++] = queue_id;
}

void session_unsubscribe(struct session *s, int queue_id)
{
	for (int i = 0; i < s->nsubs; i++) {
		if (s->subs[i] == queue_id) {
			s->subs[i] = s->subs[--s->nsubs];
			return;
		}
	}
}
