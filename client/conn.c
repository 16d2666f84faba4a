/* conn.c - the connection to deskd: frames, rid-matched replies, pushes, reconnect. */
#include "conn.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "proto.h"
#include "util.h"

#define BACKOFF_MIN_MS    500
#define BACKOFF_MAX_MS    5000
#define PING_INTERVAL_S   20 /* also bounds how long a dead server goes unnoticed */
#define CONNECT_TIMEOUT_S 10
#define STABLE_MS         10000 /* a connection this old resets the backoff when it drops */

struct pending {
	uint32_t rid;
	conn_cb cb;
	void *arg;
	char *held; /* frame not written yet (over the in-flight limit), else NULL */
	size_t held_len;
};

struct conn {
	struct event_base *base;
	char *host;
	int port;
	const struct conn_hooks *hooks;
	void *arg;

	enum conn_state state;
	struct evdns_base *dns; /* host names resolve on the loop, not in a blocking call */
	struct bufferevent *bev;
	struct event *retry_ev;
	int64_t retry_at; /* monotonic ms of the next attempt */
	int backoff_ms;
	int64_t ready_at; /* monotonic ms when hello was answered; 0 if not READY */
	struct event *ping_ev;
	bool ping_out;
	int64_t ping_sent_ms; /* wall clock when the clock-measuring request left */

	/* Requests awaiting replies, oldest first. */
	struct pending *pend;
	size_t npend, cap;
	size_t inflight; /* written and unanswered: never above PROTO_MAX_INFLIGHT */
	uint32_t next_rid;

	/* The request between conn_begin and conn_end. */
	struct frame_out out;
	bool building;
	bool internal; /* hello/ping: allowed before READY */
	uint32_t b_rid;
	conn_cb b_cb;
	void *b_arg;

	int64_t offset_ms;
	char *server;
};

static void conn_connect(struct conn *c);
static void conn_drop(struct conn *c, const char *why);

static void set_state(struct conn *c, enum conn_state st, const char *why)
{
	c->state = st;
	if (c->hooks->state != NULL)
		c->hooks->state(st, why, c->arg);
}

/* Requests over the in-flight limit wait here until replies free a slot. */
static void send_held(struct conn *c)
{
	for (size_t i = 0; i < c->npend && c->inflight < PROTO_MAX_INFLIGHT; i++) {
		struct pending *p = &c->pend[i];
		if (p->held == NULL)
			continue;
		bufferevent_write(c->bev, p->held, p->held_len);
		free(p->held);
		p->held = NULL;
		c->inflight++;
	}
}

msgpack_packer *conn_begin(struct conn *c, const char *op, size_t nargs, conn_cb cb, void *arg)
{
	if (c->building) {
		/* A request started inside another's construction: a bug, not a runtime error. */
		log_error("conn_begin(%s) while another request is being built", op);
		abort();
	}
	c->building = true;
	c->b_cb = cb;
	c->b_arg = arg;
	c->b_rid = c->next_rid++;
	if (c->next_rid == 0)
		c->next_rid = 1;
	frame_out_init(&c->out);
	msgpack_pack_map(&c->out.pk, nargs + 2);
	pk_kstr(&c->out.pk, "op", op);
	pk_kint(&c->out.pk, "rid", c->b_rid);
	return &c->out.pk;
}

uint32_t conn_end(struct conn *c)
{
	size_t len;
	const char *data = frame_out_finish(&c->out, &len);
	bool usable = c->state == CONN_READY || (c->state == CONN_HANDSHAKE && c->internal);
	uint32_t rid = c->b_rid;

	c->building = false;
	c->internal = false;
	if (!usable || len - FRAME_HEADER > FRAME_MAX) {
		if (usable)
			log_error("request of %zu bytes exceeds the frame limit", len);
		frame_out_destroy(&c->out);
		return 0;
	}
	if (c->npend == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->pend = xrealloc(c->pend, c->cap * sizeof(*c->pend));
	}
	struct pending *p = &c->pend[c->npend++];
	*p = (struct pending){.rid = rid, .cb = c->b_cb, .arg = c->b_arg};
	if (c->inflight < PROTO_MAX_INFLIGHT) {
		bufferevent_write(c->bev, data, len);
		c->inflight++;
	} else {
		p->held = xmalloc(len);
		memcpy(p->held, data, len);
		p->held_len = len;
	}
	frame_out_destroy(&c->out);
	return rid;
}

bool reply_ok(const msgpack_object *r)
{
	return mp_true(r, "ok");
}

int reply_error_code(const msgpack_object *r)
{
	const msgpack_object *code = mp_get(r, "code");

	return mp_is_int(code) && mp_int(code) > 0 && mp_int(code) < 1000 ? (int)mp_int(code) : 0;
}

const char *reply_error_name(const msgpack_object *r, char *buf, size_t len)
{
	const msgpack_object *e = mp_get(r, "error");

	buf[0] = '\0';
	if (e != NULL && e->type == MSGPACK_OBJECT_STR)
		snprintf(buf, len, "%.*s", (int)(e->via.str.size < 64 ? e->via.str.size : 64),
		         e->via.str.ptr);
	else if (reply_error_code(r) != 0)
		snprintf(buf, len, "%s", proto_error_name(reply_error_code(r)));
	return buf;
}

void reply_error_text(const msgpack_object *r, char *buf, size_t len)
{
	const msgpack_object *m = mp_get(r, "message");
	char name[80];

	if (m != NULL && m->type == MSGPACK_OBJECT_STR && m->via.str.size > 0)
		snprintf(buf, len, "%.*s", (int)(m->via.str.size < 400 ? m->via.str.size : 400),
		         m->via.str.ptr);
	else if (reply_error_name(r, name, sizeof(name))[0] != '\0')
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "request failed");
}

/* Offset from a reply's time_ms, assuming the server read its clock half-way through. */
static void measure_clock(struct conn *c, const msgpack_object *reply)
{
	const msgpack_object *t = mp_get(reply, "time_ms");
	int64_t now = now_ms();

	if (mp_is_int(t))
		c->offset_ms = mp_int(t) - (c->ping_sent_ms + now) / 2;
}

static void hello_cb(const msgpack_object *r, void *arg)
{
	struct conn *c = arg;
	char why[200];

	if (r == NULL)
		return; /* dropped: a retry is already scheduled */
	if (!reply_ok(r)) {
		reply_error_text(r, why, sizeof(why));
		log_error("hello refused: %s", why);
		conn_drop(c, why);
		return;
	}
	measure_clock(c, r);
	free(c->server);
	c->server = mp_strdup(mp_get(r, "server"));
	log_info("connected to %s, clock offset %lld ms", c->server ? c->server : "deskd",
	         (long long)c->offset_ms);
	c->ready_at = mono_ms();
	set_state(c, CONN_READY, NULL);
	if (c->hooks->ready != NULL)
		c->hooks->ready(c->arg);
}

static void send_hello(struct conn *c)
{
	c->internal = true;
	msgpack_packer *pk = conn_begin(c, "hello", 2, hello_cb, c);
	pk_kint(pk, "proto", PROTO_VERSION);
	pk_kstr(pk, "client", "desk " DESK_VERSION);
	c->ping_sent_ms = now_ms();
	conn_end(c);
}

static void ping_cb(const msgpack_object *r, void *arg)
{
	struct conn *c = arg;

	if (r == NULL)
		return;
	c->ping_out = false;
	if (reply_ok(r))
		measure_clock(c, r);
}

/* Every PING_INTERVAL_S: a server that has not answered the previous ping (or the hello) in
 * that time is treated as gone; TCP alone may take many minutes to notice. */
static void ping_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	if (c->state == CONN_HANDSHAKE) {
		conn_drop(c, "no answer to hello");
		return;
	}
	if (c->state != CONN_READY)
		return;
	if (c->ping_out) {
		conn_drop(c, "server stopped answering");
		return;
	}
	c->internal = true;
	conn_begin(c, "ping", 0, ping_cb, c);
	c->ping_sent_ms = now_ms();
	if (conn_end(c) != 0)
		c->ping_out = true;
}

static void dispatch(struct conn *c, const msgpack_object *m)
{
	const msgpack_object *push = mp_get(m, "push");

	if (push != NULL) {
		char name[48];
		if (push->type != MSGPACK_OBJECT_STR || push->via.str.size >= sizeof(name)) {
			log_warn("ignoring a push without a usable name");
			return;
		}
		memcpy(name, push->via.str.ptr, push->via.str.size);
		name[push->via.str.size] = '\0';
		if (c->hooks->push != NULL)
			c->hooks->push(name, m, c->arg);
		return;
	}

	const msgpack_object *rido = mp_get(m, "rid");
	if (!mp_is_int(rido) || mp_int(rido) <= 0 || mp_int(rido) > UINT32_MAX) {
		/* rid 0: the server could not read something we sent. Nothing to match it to. */
		char why[200];
		reply_error_text(m, why, sizeof(why));
		log_warn("server message without a request id: %s", why);
		return;
	}
	uint32_t rid = (uint32_t)mp_int(rido);
	size_t i;
	for (i = 0; i < c->npend; i++)
		if (c->pend[i].rid == rid && c->pend[i].held == NULL)
			break;
	if (i == c->npend) {
		log_warn("reply to unknown request %u ignored", rid);
		return;
	}
	/* Unlink before calling back: the callback may send requests or drop the connection. */
	struct pending p = c->pend[i];
	memmove(&c->pend[i], &c->pend[i + 1], (c->npend - i - 1) * sizeof(*c->pend));
	c->npend--;
	c->inflight--;
	send_held(c);
	if (p.cb != NULL)
		p.cb(m, p.arg);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	/* Each dispatch may drop the connection, which frees bev: re-check every time. */
	while (c->bev == bev) {
		unsigned char hdr[FRAME_HEADER];
		if (evbuffer_copyout(in, hdr, sizeof(hdr)) < (ev_ssize_t)sizeof(hdr))
			return;
		uint32_t len = frame_get_len(hdr);
		if (len == 0 || len > FRAME_MAX) {
			/* The length is checked before a byte of payload is buffered for it. */
			log_error("server sent a frame of %u bytes; dropping the connection", len);
			conn_drop(c, "protocol error from server");
			return;
		}
		if (evbuffer_get_length(in) < FRAME_HEADER + (size_t)len)
			return;

		/* Decoded strings point into the payload, so it must outlive the dispatch even
		 * if the dispatch frees the bufferevent: copy it out. */
		char *payload = xmalloc(len);
		evbuffer_drain(in, FRAME_HEADER);
		evbuffer_remove(in, payload, len);

		msgpack_unpacked msg;
		const char *why;
		if (frame_decode(payload, len, &msg, &why) != 0) {
			free(payload);
			log_error("bad frame from server (%s); dropping the connection", why);
			conn_drop(c, "protocol error from server");
			return;
		}
		dispatch(c, &msg.data);
		msgpack_unpacked_destroy(&msg);
		free(payload);
	}
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	char why[200];

	if (what & BEV_EVENT_CONNECTED) {
		evutil_socket_t fd = bufferevent_getfd(bev);
		int one = 1;
		/* Small interactive frames: do not let Nagle hold a keystroke's request back. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		set_state(c, CONN_HANDSHAKE, NULL);
		send_hello(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		snprintf(why, sizeof(why), "server closed the connection");
	} else if (what & BEV_EVENT_TIMEOUT) {
		snprintf(why, sizeof(why), "timed out");
	} else {
		int dns = bufferevent_socket_get_dns_error(bev);
		int err = EVUTIL_SOCKET_ERROR();
		if (dns != 0)
			snprintf(why, sizeof(why), "%s: %s", c->host, evutil_gai_strerror(dns));
		else if (err != 0)
			snprintf(why, sizeof(why), "%s", evutil_socket_error_to_string(err));
		else
			snprintf(why, sizeof(why), "connection failed");
	}
	conn_drop(c, why);
}

static void conn_connect(struct conn *c)
{
	struct timeval tv = {CONNECT_TIMEOUT_S, 0};

	/* Deferred callbacks: libevent may report a failed connect from inside the connect
	 * call itself, and we must never free a bufferevent underneath its own caller. */
	c->bev =
	    bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (c->bev == NULL) {
		conn_drop(c, "cannot create a socket");
		return;
	}
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	/* A write timeout bounds the connect and any write the server stops draining; there
	 * is no read timeout because an idle helpdesk is silent for long stretches. */
	bufferevent_set_timeouts(c->bev, NULL, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->ping_out = false;
	set_state(c, CONN_CONNECTING, NULL);
	/* A name is resolved by evdns on the loop (a numeric address at once): an unreachable
	 * name server never freezes the keyboard. A failed lookup arrives in event_cb. */
	if (bufferevent_socket_connect_hostname(c->bev, c->dns, AF_UNSPEC, c->host, c->port) < 0) {
		conn_drop(c, "cannot connect");
		return;
	}
	struct timeval ping = {PING_INTERVAL_S, 0};
	event_add(c->ping_ev, &ping);
}

static void retry_timer(evutil_socket_t fd, short what, void *arg)
{
	conn_connect(arg);
}

static void conn_drop(struct conn *c, const char *why)
{
	struct pending *p = c->pend;
	size_t n = c->npend;

	/* Back off from a server that accepts us and then fails (a protocol error, a crash
	 * loop); come back quickly after a connection that had been working for a while. */
	if (c->ready_at != 0 && mono_ms() - c->ready_at >= STABLE_MS)
		c->backoff_ms = BACKOFF_MIN_MS;
	c->ready_at = 0;
	int delay = c->backoff_ms;

	if (c->bev != NULL) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	event_del(c->ping_ev);
	c->inflight = 0;
	c->pend = NULL;
	c->npend = c->cap = 0;
	c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
	c->retry_at = mono_ms() + delay;
	struct timeval tv = {delay / 1000, (delay % 1000) * 1000};
	evtimer_add(c->retry_ev, &tv);
	log_info("%s %s:%d (%s); retrying in %d ms",
	         c->state == CONN_CONNECTING ? "cannot connect to" : "lost the connection to",
	         c->host, c->port, why, delay);
	set_state(c, CONN_OFFLINE, why);

	/* Whatever was in flight has an unknown outcome: tell each requester. */
	for (size_t i = 0; i < n; i++) {
		free(p[i].held);
		if (p[i].cb != NULL)
			p[i].cb(NULL, p[i].arg);
	}
	free(p);
}

struct conn *conn_new(struct event_base *base, const char *host, int port,
                      const struct conn_hooks *hooks, void *arg)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->base = base;
	c->host = xstrdup(host);
	c->port = port;
	c->hooks = hooks;
	c->arg = arg;
	c->state = CONN_OFFLINE;
	c->backoff_ms = BACKOFF_MIN_MS;
	c->next_rid = 1;
	c->retry_ev = evtimer_new(base, retry_timer, c);
	c->ping_ev = event_new(base, -1, EV_PERSIST, ping_timer, c);
	if (c->retry_ev == NULL || c->ping_ev == NULL) {
		log_error("cannot create connection timers");
		abort();
	}
	/* /etc/resolv.conf and /etc/hosts, as the C library would read them. Without it (out
	 * of memory at start) names resolve in a blocking call, as libevent does with no base. */
	c->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (c->dns == NULL)
		log_warn("cannot create the name resolver; host names will resolve synchronously");
	return c;
}

void conn_start(struct conn *c)
{
	conn_connect(c);
}

void conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->bev != NULL)
		bufferevent_free(c->bev); /* cancels its lookup, if one is under way */
	if (c->dns != NULL)
		evdns_base_free(c->dns, 0);
	event_free(c->retry_ev);
	event_free(c->ping_ev);
	for (size_t i = 0; i < c->npend; i++)
		free(c->pend[i].held);
	free(c->pend);
	free(c->server);
	free(c->host);
	free(c);
}

enum conn_state conn_state(const struct conn *c)
{
	return c->state;
}

int conn_retry_in(const struct conn *c)
{
	int64_t left = c->retry_at - mono_ms();

	return left > 0 ? (int)((left + 999) / 1000) : 0;
}

int64_t conn_clock_offset(const struct conn *c)
{
	return c->offset_ms;
}

int64_t conn_server_now(const struct conn *c)
{
	return now_ms() + c->offset_ms;
}

const char *conn_server_name(const struct conn *c)
{
	return c->server != NULL ? c->server : "";
}
