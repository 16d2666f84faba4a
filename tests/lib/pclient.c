/* pclient.c - blocking desk protocol client used by the integration tests and deskbench. */
#define _GNU_SOURCE
#include "pclient.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "mpcheck.h"
#include "util.h"

#define READ_CHUNK (64 * 1024)

struct msg_queue {
	struct pc_msg *head;
	struct pc_msg **tail;
};

struct pclient {
	int fd;
	int timeout_ms;
	uint32_t next_rid;
	bool closed; /* EOF, reset, or a stream we can no longer trust */
	char err[256];

	struct frame_out out; /* the request being built between pc_req_begin and _send */
	bool building;
	uint32_t building_rid;

	char *rbuf; /* bytes read but not yet parsed into frames */
	size_t rlen, rcap;

	struct msg_queue pushes;  /* in arrival order */
	struct msg_queue replies; /* replies nobody has asked for yet */
};

static void set_err(struct pclient *pc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(struct pclient *pc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pc->err, sizeof(pc->err), fmt, ap);
	va_end(ap);
}

/* Put context in front of the current error: "no reply to rid 7: timed out". */
static void prefix_err(struct pclient *pc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void prefix_err(struct pclient *pc, const char *fmt, ...)
{
	char old[sizeof(pc->err)];
	va_list ap;
	int n;

	memcpy(old, pc->err, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(pc->err, sizeof(pc->err) / 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(pc->err) / 2)
		n = sizeof(pc->err) / 2 - 1;
	/* The rest of the buffer holds ": " and as much of the old reason as fits. */
	snprintf(pc->err + n, sizeof(pc->err) - (size_t)n, ": %.*s",
	         (int)(sizeof(pc->err) - (size_t)n - 3), old);
}

static void queue_init(struct msg_queue *q)
{
	q->head = NULL;
	q->tail = &q->head;
}

static void queue_push(struct msg_queue *q, struct pc_msg *m)
{
	m->next = NULL;
	*q->tail = m;
	q->tail = &m->next;
}

/* Unlink and return the first message for which match() holds, or NULL. */
static struct pc_msg *queue_take(struct msg_queue *q, bool (*match)(const struct pc_msg *, void *),
                                 void *arg)
{
	for (struct pc_msg **pp = &q->head; *pp != NULL; pp = &(*pp)->next) {
		struct pc_msg *m = *pp;
		if (match == NULL || match(m, arg)) {
			*pp = m->next;
			if (q->tail == &m->next)
				q->tail = pp;
			m->next = NULL;
			return m;
		}
	}
	return NULL;
}

static void queue_clear(struct msg_queue *q)
{
	struct pc_msg *m;

	while ((m = queue_take(q, NULL, NULL)) != NULL)
		pc_msg_free(m);
}

struct pclient *pc_new(void)
{
	struct pclient *pc = xcalloc(1, sizeof(*pc));

	pc->fd = -1;
	pc->timeout_ms = PC_TIMEOUT_DEFAULT;
	pc->next_rid = 1;
	pc->closed = true; /* until connected */
	snprintf(pc->err, sizeof(pc->err), "not connected");
	queue_init(&pc->pushes);
	queue_init(&pc->replies);
	return pc;
}

void pc_free(struct pclient *pc)
{
	if (pc == NULL)
		return;
	if (pc->fd >= 0)
		close(pc->fd);
	if (pc->building)
		frame_out_destroy(&pc->out);
	queue_clear(&pc->pushes);
	queue_clear(&pc->replies);
	free(pc->rbuf);
	free(pc);
}

void pc_set_timeout(struct pclient *pc, int timeout_ms)
{
	pc->timeout_ms = timeout_ms > 0 ? timeout_ms : PC_TIMEOUT_DEFAULT;
}

const char *pc_error(const struct pclient *pc)
{
	return pc->err;
}

bool pc_closed(const struct pclient *pc)
{
	return pc->closed;
}

/* Milliseconds left until deadline (a mono_ms value), never negative. */
static int remaining(int64_t deadline)
{
	int64_t left = deadline - mono_ms();

	return left > 0 ? (int)left : 0;
}

static int timeout_of(const struct pclient *pc, int timeout_ms)
{
	return timeout_ms < 0 ? pc->timeout_ms : timeout_ms;
}

/* ---------------------------------------------------------------- connecting */

static int connect_one(struct pclient *pc, const struct addrinfo *ai, int64_t deadline)
{
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	int one = 1, soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (fd < 0) {
		set_err(pc, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			set_err(pc, "connect: %s", strerror(errno));
			close(fd);
			return -1;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int r;
		do
			r = poll(&p, 1, remaining(deadline));
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			set_err(pc, "connect: timed out");
			close(fd);
			return -1;
		}
		if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr != 0) {
			set_err(pc, "connect: %s", strerror(r < 0 ? errno : soerr ? soerr : EIO));
			close(fd);
			return -1;
		}
	}
	/* Requests are small and latency-bound; do not let Nagle hold them back. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

int pc_connect(struct pclient *pc, const char *host, int port)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	char portstr[16];
	int64_t deadline = mono_ms() + pc->timeout_ms;
	int r;

	if (pc->fd >= 0) {
		set_err(pc, "already connected");
		return -1;
	}
	snprintf(portstr, sizeof(portstr), "%d", port);
	r = getaddrinfo(host, portstr, &hints, &res);
	if (r != 0) {
		set_err(pc, "%s: %s", host, gai_strerror(r));
		return -1;
	}
	for (struct addrinfo *ai = res; ai != NULL && pc->fd < 0; ai = ai->ai_next)
		pc->fd = connect_one(pc, ai, deadline);
	freeaddrinfo(res);
	if (pc->fd < 0)
		return -1;
	pc->closed = false;
	pc->err[0] = '\0';
	return 0;
}

struct pclient *pc_open(const char *host, int port, char *err, size_t errlen)
{
	struct pclient *pc = pc_new();

	if (pc_connect(pc, host, port) == 0)
		return pc;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s:%d: %s", host, port, pc->err);
	pc_free(pc);
	return NULL;
}

/* ---------------------------------------------------------------- sending */

int pc_send_raw(struct pclient *pc, const void *buf, size_t len)
{
	const char *p = buf;
	int64_t deadline = mono_ms() + pc->timeout_ms;

	if (pc->fd < 0 || pc->closed) {
		set_err(pc, "send: connection is closed");
		return -1;
	}
	while (len > 0) {
		/* MSG_NOSIGNAL: a server that hung up must not kill the test with SIGPIPE. */
		ssize_t n = send(pc->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = {.fd = pc->fd, .events = POLLOUT};
			int r = poll(&pfd, 1, remaining(deadline));
			if (r == 0) {
				set_err(pc, "send: timed out");
				return -1;
			}
			if (r < 0 && errno != EINTR) {
				set_err(pc, "poll: %s", strerror(errno));
				return -1;
			}
			continue;
		}
		set_err(pc, "send: %s", n < 0 ? strerror(errno) : "wrote nothing");
		pc->closed = true;
		return -1;
	}
	return 0;
}

int pc_send_frame(struct pclient *pc, const void *payload, size_t len)
{
	unsigned char hdr[FRAME_HEADER];

	frame_put_len(hdr, (uint32_t)len);
	if (pc_send_raw(pc, hdr, sizeof(hdr)) < 0)
		return -1;
	return pc_send_raw(pc, payload, len);
}

msgpack_packer *pc_req_begin(struct pclient *pc, const char *op, uint32_t nfields)
{
	if (pc->building) {
		fprintf(stderr, "pclient: pc_req_begin while another request is being built\n");
		abort();
	}
	pc->building = true;
	pc->building_rid = pc->next_rid++;
	if (pc->next_rid == 0) /* rid 0 means "no rid": skip it on wrap-around */
		pc->next_rid = 1;
	frame_out_init(&pc->out);
	msgpack_pack_map(&pc->out.pk, nfields + 1 + (op != NULL));
	if (op != NULL)
		pk_kstr(&pc->out.pk, "op", op);
	pk_kint(&pc->out.pk, "rid", pc->building_rid);
	return &pc->out.pk;
}

static uint32_t req_send(struct pclient *pc, bool check)
{
	size_t len;
	const char *buf;
	uint32_t rid = pc->building_rid;
	int r;

	if (!pc->building) {
		fprintf(stderr, "pclient: pc_req_send without pc_req_begin\n");
		abort();
	}
	buf = frame_out_finish(&pc->out, &len);
	if (check) {
		enum mp_check_result cr =
		    mp_check(buf + FRAME_HEADER, len - FRAME_HEADER, MP_MAX_DEPTH);
		if (cr != MP_OK) {
			/* Truncated or trailing bytes mean the field count given to pc_req_begin
			 * does not match what was packed. */
			fprintf(stderr, "pclient: malformed request (%s); wrong field count?\n",
			        mp_check_str(cr));
			abort();
		}
	}
	r = pc_send_raw(pc, buf, len);
	frame_out_destroy(&pc->out);
	pc->building = false;
	return r < 0 ? 0 : rid;
}

uint32_t pc_req_send(struct pclient *pc)
{
	return req_send(pc, true);
}

uint32_t pc_req_send_unchecked(struct pclient *pc)
{
	return req_send(pc, false);
}

uint32_t pc_vsend(struct pclient *pc, const char *op, const char *spec, va_list ap)
{
	msgpack_packer *pk = pc_req_begin(pc, op, (uint32_t)strlen(spec));

	for (const char *c = spec; *c != '\0'; c++) {
		pk_str(pk, va_arg(ap, const char *));
		switch (*c) {
		case 's': {
			const char *v = va_arg(ap, const char *);
			if (v == NULL)
				msgpack_pack_nil(pk);
			else
				pk_str(pk, v);
			break;
		}
		case 'i':
			msgpack_pack_int64(pk, va_arg(ap, int));
			break;
		case 'l':
			msgpack_pack_int64(pk, va_arg(ap, int64_t));
			break;
		case 'b':
			if (va_arg(ap, int))
				msgpack_pack_true(pk);
			else
				msgpack_pack_false(pk);
			break;
		case 'n':
			msgpack_pack_nil(pk);
			break;
		default:
			fprintf(stderr, "pclient: unknown field type '%c' in \"%s\"\n", *c, spec);
			abort();
		}
	}
	return pc_req_send(pc);
}

uint32_t pc_send(struct pclient *pc, const char *op, const char *spec, ...)
{
	va_list ap;
	uint32_t rid;

	va_start(ap, spec);
	rid = pc_vsend(pc, op, spec, ap);
	va_end(ap);
	return rid;
}

struct pc_msg *pc_call(struct pclient *pc, const char *op, const char *spec, ...)
{
	va_list ap;
	uint32_t rid;

	va_start(ap, spec);
	rid = pc_vsend(pc, op, spec, ap);
	va_end(ap);
	return rid == 0 ? NULL : pc_wait_reply(pc, rid);
}

/* ---------------------------------------------------------------- receiving */

void pc_msg_free(struct pc_msg *m)
{
	if (m == NULL)
		return;
	msgpack_unpacked_destroy(&m->up);
	free(m->payload);
	free(m);
}

/* Take one complete frame out of the read buffer. NULL if none is complete yet, or if the
 * server sent something malformed (then pc->closed is set: the stream cannot be trusted). */
static struct pc_msg *parse_frame(struct pclient *pc)
{
	const char *why;
	uint32_t len;
	struct pc_msg *m;

	if (pc->rlen < FRAME_HEADER)
		return NULL;
	len = frame_get_len((const unsigned char *)pc->rbuf);
	if (len == 0 || len > FRAME_MAX) {
		set_err(pc, "server sent a frame header claiming %u bytes", len);
		pc->closed = true;
		pc->rlen = 0;
		return NULL;
	}
	if (pc->rlen - FRAME_HEADER < len)
		return NULL;

	/* msgpack_unpack_next does not copy strings: they point into the bytes decoded. The
	 * read buffer is reused, so each message keeps its own copy of its payload. */
	m = xcalloc(1, sizeof(*m));
	m->payload = xmalloc(len);
	memcpy(m->payload, pc->rbuf + FRAME_HEADER, len);
	if (frame_decode(m->payload, len, &m->up, &why) < 0) {
		set_err(pc, "server sent a malformed frame: %s", why);
		free(m->payload);
		free(m);
		pc->closed = true;
		pc->rlen = 0;
		return NULL;
	}
	m->map = &m->up.data;
	m->is_push = mp_get(m->map, "push") != NULL;
	const msgpack_object *rid = mp_get(m->map, "rid");
	if (mp_is_int(rid) && mp_int(rid) > 0 && mp_int(rid) <= UINT32_MAX)
		m->rid = (uint32_t)mp_int(rid);

	pc->rlen -= FRAME_HEADER + len;
	memmove(pc->rbuf, pc->rbuf + FRAME_HEADER + len, pc->rlen);
	return m;
}

/* Read what is available, waiting until deadline. 1 read something, 0 timed out,
 * -1 closed or failed. */
static int fill(struct pclient *pc, int64_t deadline)
{
	struct pollfd p = {.fd = pc->fd, .events = POLLIN};
	ssize_t n;
	int r;

	if (pc->fd < 0 || pc->closed)
		return -1;
	do
		r = poll(&p, 1, remaining(deadline));
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		set_err(pc, "poll: %s", strerror(errno));
		return -1;
	}
	if (r == 0) {
		set_err(pc, "timed out");
		return 0;
	}
	if (pc->rcap - pc->rlen < READ_CHUNK) {
		pc->rcap = pc->rlen + READ_CHUNK;
		pc->rbuf = xrealloc(pc->rbuf, pc->rcap);
	}
	do
		n = recv(pc->fd, pc->rbuf + pc->rlen, pc->rcap - pc->rlen, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		pc->rlen += (size_t)n;
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 1; /* spurious wake-up: let the caller look again */
	set_err(pc, "%s", n == 0 ? "connection closed by server" : strerror(errno));
	pc->closed = true;
	return -1;
}

/* Next frame off the wire before deadline. Frames already buffered are returned even after
 * the server has closed, so an error frame sent just before a close is not lost. */
static struct pc_msg *next_frame(struct pclient *pc, int64_t deadline)
{
	for (;;) {
		bool was_closed = pc->closed;
		struct pc_msg *m = parse_frame(pc);
		if (m != NULL)
			return m;
		if (pc->closed && !was_closed)
			return NULL; /* parse_frame found garbage */
		if (fill(pc, deadline) <= 0)
			return NULL;
	}
}

struct pc_msg *pc_recv(struct pclient *pc, int timeout_ms)
{
	return next_frame(pc, mono_ms() + timeout_of(pc, timeout_ms));
}

static bool match_reply(const struct pc_msg *m, void *arg)
{
	return m->rid == *(uint32_t *)arg;
}

static struct pc_msg *wait_reply(struct pclient *pc, bool any, uint32_t rid)
{
	int64_t deadline = mono_ms() + pc->timeout_ms;
	struct pc_msg *m = queue_take(&pc->replies, any ? NULL : match_reply, &rid);

	while (m == NULL) {
		m = next_frame(pc, deadline);
		if (m == NULL) {
			if (any)
				prefix_err(pc, "no reply");
			else
				prefix_err(pc, "no reply to rid %u", rid);
			return NULL;
		}
		if (m->is_push) {
			queue_push(&pc->pushes, m);
			m = NULL;
		} else if (!any && m->rid != rid) {
			queue_push(&pc->replies, m);
			m = NULL;
		}
	}
	return m;
}

struct pc_msg *pc_wait_reply(struct pclient *pc, uint32_t rid)
{
	return wait_reply(pc, false, rid);
}

struct pc_msg *pc_wait_any_reply(struct pclient *pc)
{
	return wait_reply(pc, true, 0);
}

struct push_match {
	pc_push_pred pred;
	void *arg;
};

static bool match_push(const struct pc_msg *m, void *arg)
{
	struct push_match *pm = arg;

	return pm->pred == NULL || pm->pred(m, pm->arg);
}

struct pc_msg *pc_wait_push(struct pclient *pc, pc_push_pred pred, void *arg, int timeout_ms)
{
	struct push_match pm = {pred, arg};
	int64_t deadline = mono_ms() + timeout_of(pc, timeout_ms);
	struct pc_msg *m = queue_take(&pc->pushes, match_push, &pm);

	while (m == NULL) {
		m = next_frame(pc, deadline);
		if (m == NULL) {
			prefix_err(pc, "no matching push");
			return NULL;
		}
		if (!m->is_push) {
			queue_push(&pc->replies, m);
			m = NULL;
		} else if (!match_push(m, &pm)) {
			queue_push(&pc->pushes, m);
			m = NULL;
		}
	}
	return m;
}

void pc_drop_pushes(struct pclient *pc)
{
	queue_clear(&pc->pushes);
}

bool pc_wait_closed(struct pclient *pc, int timeout_ms)
{
	int64_t deadline = mono_ms() + timeout_of(pc, timeout_ms);

	while (!pc->closed) {
		struct pc_msg *m = next_frame(pc, deadline);
		if (m != NULL)
			queue_push(m->is_push ? &pc->pushes : &pc->replies, m);
		else if (!pc->closed)
			return false; /* timed out */
	}
	return true;
}

/* ---------------------------------------------------------------- reading replies */

const msgpack_object *pc_at(const msgpack_object *o, const char *path)
{
	char key[128];

	while (o != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = mp_get(o, key);
		path += n;
		if (*path == '.')
			path++;
	}
	return o;
}

bool pc_int(const msgpack_object *o, const char *path, int64_t *out)
{
	const msgpack_object *v = pc_at(o, path);

	if (!mp_is_int(v))
		return false;
	*out = mp_int(v);
	return true;
}

int64_t pc_int_or(const msgpack_object *o, const char *path, int64_t dflt)
{
	int64_t v;

	return pc_int(o, path, &v) ? v : dflt;
}

bool pc_str(const msgpack_object *o, const char *path, char *buf, size_t len)
{
	const msgpack_object *v = pc_at(o, path);
	size_t n;

	if (v == NULL || v->type != MSGPACK_OBJECT_STR || len == 0)
		return false;
	n = v->via.str.size < len - 1 ? v->via.str.size : len - 1;
	memcpy(buf, v->via.str.ptr, n);
	buf[n] = '\0';
	return true;
}

bool pc_streq(const msgpack_object *o, const char *path, const char *s)
{
	return mp_streq(pc_at(o, path), s);
}

bool pc_is_nil(const msgpack_object *o, const char *path)
{
	const msgpack_object *v = pc_at(o, path);

	return v != NULL && v->type == MSGPACK_OBJECT_NIL;
}

bool pc_ok(const struct pc_msg *m)
{
	const msgpack_object *ok = m != NULL ? mp_get(m->map, "ok") : NULL;

	return ok != NULL && ok->type == MSGPACK_OBJECT_BOOLEAN && ok->via.boolean;
}

int pc_errcode(const struct pc_msg *m)
{
	if (m == NULL || pc_ok(m))
		return 0;
	return (int)pc_int_or(m->map, "code", 0);
}

const char *pc_describe(const struct pc_msg *m, char *buf, size_t len)
{
	char name[64] = "?", message[160] = "";

	if (m == NULL)
		snprintf(buf, len, "no reply");
	else if (pc_ok(m))
		snprintf(buf, len, "ok");
	else {
		pc_str(m->map, "error", name, sizeof(name));
		pc_str(m->map, "message", message, sizeof(message));
		snprintf(buf, len, "error %d %s: %s", pc_errcode(m), name, message);
	}
	return buf;
}
