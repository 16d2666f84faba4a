/* deskbench.c - closed-loop ticket.create load generator for deskd, and the matching pgbench
 * script so the daemon's rate can be compared with the database's own; and the round-trip
 * time of one read request, repeated.
 *
 *   deskbench [--host H] [--port P] [--conns N] [--seconds S] [--warmup W]
 *             [--login L] [--password PW]
 *   deskbench --pgbench-script FILE [--actor AGENT_ID]
 *   deskbench --request "OP [KEY=VALUE ...]" [--iterations N] [--min-iterations M]
 *             [--max-seconds S] [--warm K] [--host H] [--port P] [--login L] [--password PW]
 *
 * Load mode: each of N threads owns one connection (hello + login) and keeps exactly one
 * ticket.create outstanding. Samples are taken only for requests started after the warm-up and
 * answered before the end, so the rate and the percentiles describe the same window.
 *
 * Request mode (tests/bench/run-reports.sh): one connection sends the request K times unmeasured,
 * then N times measured, one at a time, each timed from sending to the complete reply; it stops
 * early once M have been measured and S seconds have passed. VALUE is true/false, an integer,
 * [a,b,...] (an array of strings) or else a string. OP "dashboard" times dashboard.subscribe
 * until the dashboard push arrives, then unsubscribes and waits 1.2 s so that deskd drops its
 * cached push (it does so on its next one-second tick with nobody watching): every sample is a
 * full computation of the panels.
 *
 * Output is one "name: value" per line for scripts (tests/bench/run-bench.sh). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pclient.h"
#include "proto.h"
#include "util.h"

#define CODES 32 /* error codes counted individually; the rest share the last slot */

struct opts {
	const char *host;
	int port;
	int conns;
	int seconds;
	int warmup;
	const char *login;
	const char *password;
	const char *pgbench_script;
	int64_t actor;
	const char *request; /* request mode */
	int fanout;          /* fan-out mode: this many subscribers */
	int iterations, min_iterations, warm;
	int max_seconds;
};

struct worker {
	pthread_t thread;
	int index;
	const struct opts *o;
	struct pclient *pc;
	int64_t agent_id;

	uint32_t *lat_us; /* latency of each measured create, microseconds */
	size_t nlat, caplat;
	uint64_t creates; /* successful, inside the window */
	uint64_t errors;  /* error replies and lost connections, inside the window */
	uint64_t codes[CODES];
	uint64_t lost; /* connection failures (the worker stops) */
	char err[256]; /* first failure, for the report */
};

/* Set by main between the two barriers; the barrier orders the writes before the reads. */
static pthread_barrier_t g_ready, g_go;
static int64_t g_measure_from, g_measure_to; /* monotonic microseconds */

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: deskbench [--host H] [--port P] [--conns N] [--seconds S] [--warmup W]\n"
	           "                 [--login L] [--password PW]\n"
	           "       deskbench --pgbench-script FILE [--actor AGENT_ID]\n"
	           "       deskbench --request \"OP [KEY=VALUE ...]\" [--iterations N]\n"
	           "                 [--min-iterations M] [--max-seconds S] [--warm K]\n"
	           "                 [--host H] [--port P] [--login L] [--password PW]\n"
	           "       deskbench --fanout N [--iterations R] [--warm K]\n"
	           "                 [--host H] [--port P] [--login L] [--password PW]\n");
}

static void record(struct worker *w, int64_t us)
{
	if (w->nlat == w->caplat) {
		w->caplat = w->caplat ? w->caplat * 2 : 4096;
		w->lat_us = xrealloc(w->lat_us, w->caplat * sizeof(*w->lat_us));
	}
	w->lat_us[w->nlat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

/* Connect, hello, login. 0 or -1 with w->err set. */
static int setup(struct worker *w)
{
	char why[160];
	struct pc_msg *m;

	w->pc = pc_open(w->o->host, w->o->port, w->err, sizeof(w->err));
	if (w->pc == NULL)
		return -1;
	m = pc_call(w->pc, "hello", "is", "proto", PROTO_VERSION, "client",
	            "deskbench " DESK_VERSION);
	if (!pc_ok(m)) {
		snprintf(w->err, sizeof(w->err), "hello: %s",
		         m ? pc_describe(m, why, sizeof(why)) : pc_error(w->pc));
		pc_msg_free(m);
		return -1;
	}
	pc_msg_free(m);
	m = pc_call(w->pc, "login", "ss", "login", w->o->login, "password", w->o->password);
	if (!pc_ok(m)) {
		snprintf(w->err, sizeof(w->err), "login: %s",
		         m ? pc_describe(m, why, sizeof(why)) : pc_error(w->pc));
		pc_msg_free(m);
		return -1;
	}
	w->agent_id = pc_int_or(m->map, "agent.id", 0);
	pc_msg_free(m);
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	bool ok = setup(w) == 0;
	uint64_t n = 0;
	char subject[64];

	pthread_barrier_wait(&g_ready);
	pthread_barrier_wait(&g_go);
	if (!ok)
		return NULL;

	for (;;) {
		int64_t t0 = mono_us();
		if (t0 >= g_measure_to)
			break;
		/* The same fields the pgbench script passes, so both sides do the same work. */
		snprintf(subject, sizeof(subject), "Bench ticket %d-%" PRIu64, w->index, ++n);
		struct pc_msg *m =
		    pc_call(w->pc, "ticket.create", "sssiis", "subject", subject, "description", "",
		            "type", "incident", "impact", 3, "urgency", 3, "channel", "phone");
		int64_t t1 = mono_us();
		bool in_window = t0 >= g_measure_from && t1 <= g_measure_to;

		if (m == NULL) {
			/* A lost reply leaves the stream in an unknown state: stop this worker. */
			snprintf(w->err, sizeof(w->err), "%s", pc_error(w->pc));
			w->lost++;
			w->errors++;
			break;
		}
		if (in_window) {
			if (pc_ok(m)) {
				w->creates++;
				record(w, t1 - t0);
			} else {
				int code = pc_errcode(m);
				w->errors++;
				w->codes[code > 0 && code < CODES ? code : CODES - 1]++;
			}
		}
		pc_msg_free(m);
	}
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples, in milliseconds. */
static double percentile_ms(const uint32_t *s, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return s[rank - 1] / 1000.0;
}

static int write_pgbench_script(const struct opts *o)
{
	FILE *f = fopen(o->pgbench_script, "w");

	if (f == NULL) {
		fprintf(stderr, "deskbench: %s: %s\n", o->pgbench_script, strerror(errno));
		return 1;
	}
	fprintf(f, "-- deskbench: what deskd runs for one ticket.create (server/ops-ticket.c,\n"
	           "-- SQL_CREATE) with the fields deskbench sends, for pgbench -n -f.\n");
	if (o->actor > 0)
		fprintf(f, "\\set actor %" PRId64 "\n", o->actor);
	else
		fprintf(f, "-- :actor is the creating agent's id: run pgbench with -D actor=ID.\n");
	fprintf(f,
	        "\\set n random(1, 1000000000)\n"
	        "SELECT * FROM desk_ticket_create(:actor, 'Bench ticket ' || :n, '', 'incident', "
	        "3::smallint, 3::smallint, NULL, NULL, 'phone', NULL);\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "deskbench: %s: %s\n", o->pgbench_script, strerror(errno));
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- request mode */

#define REQ_MAX_FIELDS 32
#define REQ_TIMEOUT_MS 300000 /* a report over a year may take a while */
#define DASH_PAUSE_NS  1200000000L

struct request {
	char *buf; /* the spec, cut into op, keys and values in place */
	const char *op;
	const char *key[REQ_MAX_FIELDS], *val[REQ_MAX_FIELDS];
	uint32_t n;
};

/* "OP k=v k=v" into rq (which points into its own copy). 0, or -1 with a message. */
static int parse_request(const char *spec, struct request *rq)
{
	char *save = NULL, *tok;

	*rq = (struct request){.buf = xstrdup(spec)};
	rq->op = strtok_r(rq->buf, " \t", &save);
	if (rq->op == NULL) {
		fprintf(stderr, "deskbench: --request needs an op\n");
		return -1;
	}
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		char *eq = strchr(tok, '=');
		if (eq == NULL || eq == tok) {
			fprintf(stderr, "deskbench: --request: \"%s\" is not KEY=VALUE\n", tok);
			return -1;
		}
		if (rq->n == REQ_MAX_FIELDS) {
			fprintf(stderr, "deskbench: --request: more than %d fields\n",
			        REQ_MAX_FIELDS);
			return -1;
		}
		*eq = '\0';
		rq->key[rq->n] = tok;
		rq->val[rq->n++] = eq + 1;
	}
	return 0;
}

static void pack_value(msgpack_packer *pk, const char *v)
{
	int64_t i;
	size_t len = strlen(v);

	if (strcmp(v, "true") == 0) {
		msgpack_pack_true(pk);
	} else if (strcmp(v, "false") == 0) {
		msgpack_pack_false(pk);
	} else if (parse_i64(v, &i) == 0) {
		msgpack_pack_int64(pk, i);
	} else if (len >= 2 && v[0] == '[' && v[len - 1] == ']') {
		uint32_t n = len == 2 ? 0 : 1;
		for (size_t k = 1; k + 1 < len; k++)
			n += v[k] == ',';
		msgpack_pack_array(pk, n);
		for (const char *p = v + 1; n > 0; n--) {
			size_t w = strcspn(p, ",]");
			pk_strn(pk, p, w);
			p += w + 1;
		}
	} else {
		pk_str(pk, v);
	}
}

static uint32_t send_request(struct pclient *pc, const struct request *rq)
{
	msgpack_packer *pk = pc_req_begin(pc, rq->op, rq->n);

	for (uint32_t i = 0; i < rq->n; i++) {
		pk_str(pk, rq->key[i]);
		pack_value(pk, rq->val[i]);
	}
	return pc_req_send(pc);
}

static bool is_dashboard_push(const struct pc_msg *m, void *arg)
{
	(void)arg;
	return pc_streq(m->map, "push", "dashboard");
}

/* One timed exchange. Returns the reply (or the dashboard push), NULL after printing why. */
static struct pc_msg *exchange(struct pclient *pc, const struct request *rq, int64_t *us)
{
	bool dash = strcmp(rq->op, "dashboard") == 0;
	int64_t t0 = mono_us();
	uint32_t rid = dash ? pc_send(pc, "dashboard.subscribe", "") : send_request(pc, rq);
	struct pc_msg *m = rid == 0 ? NULL : pc_wait_reply(pc, rid);
	char why[256];

	if (!pc_ok(m)) {
		fprintf(stderr, "deskbench: %s: %s\n", dash ? "dashboard.subscribe" : rq->op,
		        m ? pc_describe(m, why, sizeof(why)) : pc_error(pc));
		pc_msg_free(m);
		return NULL;
	}
	if (dash) {
		pc_msg_free(m);
		m = pc_wait_push(pc, is_dashboard_push, NULL, REQ_TIMEOUT_MS);
		if (m == NULL) {
			fprintf(stderr, "deskbench: dashboard push: %s\n", pc_error(pc));
			return NULL;
		}
	}
	*us = mono_us() - t0;
	if (dash) {
		struct timespec pause = {DASH_PAUSE_NS / 1000000000L, DASH_PAUSE_NS % 1000000000L};
		struct pc_msg *u = pc_call(pc, "dashboard.unsubscribe", "");
		bool ok = pc_ok(u);
		pc_msg_free(u);
		if (!ok) {
			fprintf(stderr, "deskbench: dashboard.unsubscribe: %s\n", pc_error(pc));
			pc_msg_free(m);
			return NULL;
		}
		nanosleep(&pause, NULL);
		pc_drop_pushes(pc);
	}
	return m;
}

/* Encoded size of a decoded message: what came over the wire, less the frame header. */
static size_t encoded_size(const struct pc_msg *m)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t n;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_object(&pk, *m->map);
	n = sb.size;
	msgpack_sbuffer_destroy(&sb);
	return n;
}

/* What the reply holds: tickets listed, report rows, or the dashboard's attention list. */
static int64_t reply_rows(const struct pc_msg *m)
{
	static const char *const keys[] = {"tickets", "rows", "attention", NULL};

	for (int i = 0; keys[i] != NULL; i++) {
		const msgpack_object *o = pc_at(m->map, keys[i]);
		if (o != NULL && o->type == MSGPACK_OBJECT_ARRAY)
			return o->via.array.size;
	}
	return -1;
}

static int run_request(const struct opts *o)
{
	struct request rq;
	struct worker w = {.o = o};
	struct pc_msg *m = NULL;
	int64_t us, started, sum = 0;
	int rc = 1;

	if (parse_request(o->request, &rq) < 0)
		goto out;
	if (setup(&w) < 0) {
		fprintf(stderr, "deskbench: %s\n", w.err);
		goto out;
	}
	pc_set_timeout(w.pc, REQ_TIMEOUT_MS);
	for (int i = 0; i < o->warm; i++) {
		if ((m = exchange(w.pc, &rq, &us)) == NULL)
			goto out;
		pc_msg_free(m);
		m = NULL;
	}
	started = mono_us();
	for (int i = 0; i < o->iterations; i++) {
		if (i >= o->min_iterations &&
		    mono_us() - started >= (int64_t)o->max_seconds * 1000000)
			break;
		pc_msg_free(m);
		if ((m = exchange(w.pc, &rq, &us)) == NULL)
			goto out;
		record(&w, us);
		sum += us;
	}
	qsort(w.lat_us, w.nlat, sizeof(*w.lat_us), cmp_u32);
	printf("request: %s\n", o->request);
	printf("login: %s\n", o->login);
	printf("warm: %d\n", o->warm);
	printf("requests: %zu\n", w.nlat);
	printf("p50_ms: %.3f\n", percentile_ms(w.lat_us, w.nlat, 50));
	printf("p90_ms: %.3f\n", percentile_ms(w.lat_us, w.nlat, 90));
	printf("min_ms: %.3f\n", w.lat_us[0] / 1000.0);
	printf("max_ms: %.3f\n", w.lat_us[w.nlat - 1] / 1000.0);
	printf("mean_ms: %.3f\n", (double)sum / (double)w.nlat / 1000.0);
	printf("reply_bytes: %zu\n", encoded_size(m));
	printf("rows: %" PRId64 "\n", reply_rows(m));
	printf("total: %" PRId64 "\n", pc_int_or(m->map, "total", -1));
	rc = 0;
out:
	pc_msg_free(m);
	pc_free(w.pc);
	free(w.lat_us);
	free(rq.buf);
	return rc;
}

static int parse_int_opt(const char *name, const char *arg, int64_t min, int64_t max, int64_t *out)
{
	if (parse_i64(arg, out) < 0 || *out < min || *out > max) {
		fprintf(stderr,
		        "deskbench: --%s must be an integer from %" PRId64 " to %" PRId64 "\n",
		        name, min, max);
		return -1;
	}
	return 0;
}


/* ---------------------------------------------------------------- fan-out mode */

#define FANOUT_WAIT_US 30000000 /* a push later than this is lost */

struct sub {
	pthread_t thread;
	struct worker w; /* its connection */
	int want;        /* created pushes to collect */
	int64_t *id, *at_us;
	volatile int got; /* written by this thread only; read by the writer */
	bool failed;
};

static bool is_created_push(const struct pc_msg *m, void *arg)
{
	(void)arg;
	return pc_streq(m->map, "push", "ticket") && pc_streq(m->map, "change", "created");
}

static void *sub_main(void *arg)
{
	struct sub *sb = arg;

	while (sb->got < sb->want) {
		struct pc_msg *m = pc_wait_push(sb->w.pc, is_created_push, NULL, 60000);
		if (m == NULL) {
			sb->failed = true;
			break;
		}
		sb->at_us[sb->got] = mono_us();
		sb->id[sb->got] = pc_int_or(m->map, "ticket.id", 0);
		__atomic_store_n(&sb->got, sb->got + 1, __ATOMIC_RELEASE);
		pc_msg_free(m);
	}
	return NULL;
}

/* N consoles subscribed to every queue, one agent creating tickets one at a time: how long
 * from sending a ticket.create until each subscriber holds the push, against the create's own
 * round trip. Each round waits for every subscriber before the next. */
static int run_fanout(const struct opts *o)
{
	int rounds = o->warm + o->iterations, n = o->fanout, rc = 1;
	struct sub *subs = xcalloc((size_t)n, sizeof(*subs));
	struct worker wr = {.o = o};
	int64_t *sent = xcalloc((size_t)rounds, sizeof(*sent));
	int64_t *ids = xcalloc((size_t)rounds, sizeof(*ids));
	struct worker create_lat = {.o = o}, push_lat = {.o = o}, last_lat = {.o = o};
	char subject[64];

	for (int i = 0; i < n; i++) {
		subs[i].w.o = o;
		subs[i].want = rounds;
		subs[i].id = xcalloc((size_t)rounds, sizeof(int64_t));
		subs[i].at_us = xcalloc((size_t)rounds, sizeof(int64_t));
		struct pc_msg *m = NULL;
		if (setup(&subs[i].w) < 0 ||
		    !pc_ok(m = pc_call(subs[i].w.pc, "subscribe", "i", "queue_id", 0))) {
			fprintf(stderr, "deskbench: subscriber %d: %s\n", i,
			        subs[i].w.err[0] ? subs[i].w.err : "subscribe failed");
			pc_msg_free(m);
			goto out;
		}
		pc_msg_free(m);
		if (pthread_create(&subs[i].thread, NULL, sub_main, &subs[i]) != 0) {
			fprintf(stderr, "deskbench: pthread_create failed\n");
			goto out;
		}
	}
	if (setup(&wr) < 0) {
		fprintf(stderr, "deskbench: %s\n", wr.err);
		goto out;
	}
	for (int r = 0; r < rounds; r++) {
		snprintf(subject, sizeof(subject), "Fan-out ticket %d", r + 1);
		sent[r] = mono_us();
		struct pc_msg *m = pc_call(wr.pc, "ticket.create", "sssiis", "subject", subject,
		                           "description", "", "type", "incident", "impact", 3,
		                           "urgency", 3, "channel", "phone");
		int64_t replied = mono_us();
		if (!pc_ok(m)) {
			char why[160];
			fprintf(stderr, "deskbench: ticket.create: %s\n",
			        m ? pc_describe(m, why, sizeof(why)) : pc_error(wr.pc));
			pc_msg_free(m);
			goto out;
		}
		ids[r] = pc_int_or(m->map, "ticket.id", 0);
		pc_msg_free(m);
		if (r >= o->warm)
			record(&create_lat, replied - sent[r]);
		for (int i = 0; i < n; i++) {
			while (__atomic_load_n(&subs[i].got, __ATOMIC_ACQUIRE) <= r && !subs[i].failed &&
			       mono_us() - sent[r] < FANOUT_WAIT_US) {
				struct timespec ms = {0, 200000};
				nanosleep(&ms, NULL);
			}
			if (__atomic_load_n(&subs[i].got, __ATOMIC_ACQUIRE) <= r) {
				fprintf(stderr, "deskbench: subscriber %d did not get ticket %" PRId64 "\n",
				        i, ids[r]);
				goto out;
			}
		}
	}
	for (int r = o->warm; r < rounds; r++) {
		int64_t last = 0;
		for (int i = 0; i < n; i++) {
			/* Pushes come in commit order, one per create: round r is the r-th. */
			if (subs[i].id[r] != ids[r]) {
				fprintf(stderr, "deskbench: subscriber %d: push %d is ticket %" PRId64
				                ", not %" PRId64 "\n", i, r, subs[i].id[r], ids[r]);
				goto out;
			}
			int64_t d = subs[i].at_us[r] - sent[r];
			record(&push_lat, d);
			last = d > last ? d : last;
		}
		record(&last_lat, last);
	}
	qsort(create_lat.lat_us, create_lat.nlat, sizeof(uint32_t), cmp_u32);
	qsort(push_lat.lat_us, push_lat.nlat, sizeof(uint32_t), cmp_u32);
	qsort(last_lat.lat_us, last_lat.nlat, sizeof(uint32_t), cmp_u32);
	printf("subscribers: %d\n", n);
	printf("rounds: %d\n", o->iterations);
	printf("create_p50_ms: %.3f\n", percentile_ms(create_lat.lat_us, create_lat.nlat, 50));
	printf("push_p50_ms: %.3f\n", percentile_ms(push_lat.lat_us, push_lat.nlat, 50));
	printf("push_p99_ms: %.3f\n", percentile_ms(push_lat.lat_us, push_lat.nlat, 99));
	printf("last_p50_ms: %.3f\n", percentile_ms(last_lat.lat_us, last_lat.nlat, 50));
	printf("last_p99_ms: %.3f\n", percentile_ms(last_lat.lat_us, last_lat.nlat, 99));
	printf("last_over_create: %.2f\n",
	       percentile_ms(last_lat.lat_us, last_lat.nlat, 50) /
	           percentile_ms(create_lat.lat_us, create_lat.nlat, 50));
	rc = 0;
out:
	fflush(stdout);
	_exit(rc); /* subscriber threads may still be blocked reading */
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"host", required_argument, NULL, 'h'},
	    {"port", required_argument, NULL, 'p'},
	    {"conns", required_argument, NULL, 'c'},
	    {"seconds", required_argument, NULL, 's'},
	    {"warmup", required_argument, NULL, 'w'},
	    {"login", required_argument, NULL, 'l'},
	    {"password", required_argument, NULL, 'P'},
	    {"pgbench-script", required_argument, NULL, 'f'},
	    {"actor", required_argument, NULL, 'a'},
	    {"request", required_argument, NULL, 'r'},
	    {"iterations", required_argument, NULL, 'n'},
	    {"min-iterations", required_argument, NULL, 'm'},
	    {"max-seconds", required_argument, NULL, 'x'},
	    {"warm", required_argument, NULL, 'k'},
	    {"fanout", required_argument, NULL, 'F'},
	    {"help", no_argument, NULL, '?'},
	    {NULL, 0, NULL, 0},
	};
	const char *env_host = getenv("DESK_HOST"), *env_port = getenv("DESK_PORT");
	int64_t v;
	int c;

	*o = (struct opts){
	    .host = env_host && *env_host ? env_host : "127.0.0.1",
	    .port = PROTO_DEFAULT_PORT,
	    .conns = 16,
	    .seconds = 10,
	    .warmup = 2,
	    .login = "ana",
	    .password = "demo",
	    .iterations = 20,
	    .min_iterations = 3,
	    .warm = 1,
	    .max_seconds = 10,
	};
	if (env_port && *env_port) {
		if (parse_int_opt("port (DESK_PORT)", env_port, 1, 65535, &v) < 0)
			return -1;
		o->port = (int)v;
	}
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			o->host = optarg;
			break;
		case 'p':
			if (parse_int_opt("port", optarg, 1, 65535, &v) < 0)
				return -1;
			o->port = (int)v;
			break;
		case 'c':
			if (parse_int_opt("conns", optarg, 1, 4096, &v) < 0)
				return -1;
			o->conns = (int)v;
			break;
		case 's':
			if (parse_int_opt("seconds", optarg, 1, 86400, &v) < 0)
				return -1;
			o->seconds = (int)v;
			break;
		case 'w':
			if (parse_int_opt("warmup", optarg, 0, 3600, &v) < 0)
				return -1;
			o->warmup = (int)v;
			break;
		case 'l':
			o->login = optarg;
			break;
		case 'P':
			o->password = optarg;
			break;
		case 'f':
			o->pgbench_script = optarg;
			break;
		case 'a':
			if (parse_int_opt("actor", optarg, 1, INT32_MAX, &v) < 0)
				return -1;
			o->actor = v;
			break;
		case 'r':
			o->request = optarg;
			break;
		case 'n':
			if (parse_int_opt("iterations", optarg, 1, 1000000, &v) < 0)
				return -1;
			o->iterations = (int)v;
			break;
		case 'm':
			if (parse_int_opt("min-iterations", optarg, 1, 1000000, &v) < 0)
				return -1;
			o->min_iterations = (int)v;
			break;
		case 'x':
			if (parse_int_opt("max-seconds", optarg, 1, 86400, &v) < 0)
				return -1;
			o->max_seconds = (int)v;
			break;
		case 'k':
			if (parse_int_opt("warm", optarg, 0, 1000, &v) < 0)
				return -1;
			o->warm = (int)v;
			break;
		case 'F':
			if (parse_int_opt("fanout", optarg, 1, 1000, &v) < 0)
				return -1;
			o->fanout = (int)v;
			break;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct worker *w;
	uint64_t creates = 0, errors = 0, lost = 0, codes[CODES] = {0};
	size_t nsamples = 0, failed_setup = 0;
	uint32_t *all;
	int64_t agent_id = 0;
	double secs;
	int rc;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	if (o.pgbench_script != NULL)
		return write_pgbench_script(&o);
	if (o.request != NULL)
		return run_request(&o);
	if (o.fanout > 0)
		return run_fanout(&o);

	w = xcalloc((size_t)o.conns, sizeof(*w));
	if ((rc = pthread_barrier_init(&g_ready, NULL, (unsigned)o.conns + 1)) != 0 ||
	    (rc = pthread_barrier_init(&g_go, NULL, (unsigned)o.conns + 1)) != 0) {
		fprintf(stderr, "deskbench: pthread_barrier_init: %s\n", strerror(rc));
		return 1;
	}
	for (int i = 0; i < o.conns; i++) {
		w[i].index = i;
		w[i].o = &o;
		rc = pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
		if (rc != 0) {
			fprintf(stderr, "deskbench: pthread_create: %s\n", strerror(rc));
			return 1;
		}
	}
	/* Everyone is connected and logged in (or failed to) before the clock starts. */
	pthread_barrier_wait(&g_ready);
	g_measure_from = mono_us() + (int64_t)o.warmup * 1000000;
	g_measure_to = g_measure_from + (int64_t)o.seconds * 1000000;
	pthread_barrier_wait(&g_go);

	for (int i = 0; i < o.conns; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].pc == NULL || w[i].err[0] != '\0')
			fprintf(stderr, "deskbench: connection %d: %s\n", i,
			        w[i].err[0] ? w[i].err : "failed");
		if (w[i].agent_id == 0)
			failed_setup++;
		else
			agent_id = w[i].agent_id;
		creates += w[i].creates;
		errors += w[i].errors;
		lost += w[i].lost;
		nsamples += w[i].nlat;
		for (int c = 0; c < CODES; c++)
			codes[c] += w[i].codes[c];
	}

	all = xmalloc((nsamples ? nsamples : 1) * sizeof(*all));
	nsamples = 0;
	for (int i = 0; i < o.conns; i++) {
		if (w[i].nlat > 0)
			memcpy(all + nsamples, w[i].lat_us, w[i].nlat * sizeof(*all));
		nsamples += w[i].nlat;
	}
	qsort(all, nsamples, sizeof(*all), cmp_u32);
	secs = (double)(g_measure_to - g_measure_from) / 1e6;

	printf("deskd: %s:%d\n", o.host, o.port);
	printf("login: %s\n", o.login);
	printf("agent_id: %" PRId64 "\n", agent_id);
	printf("connections: %d\n", o.conns);
	printf("failed_connections: %zu\n", failed_setup);
	printf("warmup_s: %d\n", o.warmup);
	printf("seconds: %d\n", o.seconds);
	printf("creates: %" PRIu64 "\n", creates);
	printf("creates/s: %.1f\n", creates / secs);
	printf("latency_p50_ms: %.3f\n", percentile_ms(all, nsamples, 50));
	printf("latency_p99_ms: %.3f\n", percentile_ms(all, nsamples, 99));
	printf("latency_max_ms: %.3f\n", nsamples ? all[nsamples - 1] / 1000.0 : 0.0);
	printf("errors: %" PRIu64 "\n", errors);
	for (int c = 1; c < CODES; c++)
		if (codes[c] > 0)
			printf("errors_%s: %" PRIu64 "\n",
			       c == CODES - 1 ? "other" : proto_error_name(c), codes[c]);
	if (lost > 0)
		printf("errors_connection_lost: %" PRIu64 "\n", lost);

	for (int i = 0; i < o.conns; i++) {
		pc_free(w[i].pc);
		free(w[i].lat_us);
	}
	free(w);
	free(all);
	pthread_barrier_destroy(&g_ready);
	pthread_barrier_destroy(&g_go);
	/* A run with failed connections or no successful create measured nothing useful. */
	return failed_setup == 0 && creates > 0 ? 0 : 1;
}
