/* main.c - deskd: configuration, start-up (migrations, pool, LISTEN, listener), the event loop
 * and clean shutdown. */
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dashboard.h"
#include "db.h"
#include "listener.h"
#include "log.h"
#include "migrate.h"
#include "notify.h"
#include "server.h"
#include "session.h"
#include "sla-sched.h"
#include "util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
	        "usage: deskd [options]\n"
	        "\n"
	        "The desk helpdesk daemon: owns the ticket store in PostgreSQL and serves desk\n"
	        "consoles over the desk protocol (docs/protocol.md).\n"
	        "\n"
	        "  -c, --config FILE     read settings from FILE (key = value lines)\n"
	        "  -d, --db CONNINFO     libpq connection string (env DESKD_DB; default: libpq's\n"
	        "                        PGHOST/PGDATABASE/... environment)\n"
	        "  -l, --listen H:P      address to listen on (env DESKD_LISTEN; default "
	        "127.0.0.1:%d)\n"
	        "      --db-pool N       database connections for requests (default 8)\n"
	        "      --log-level L     error, warn, info or debug (env DESKD_LOG_LEVEL; default "
	        "info)\n"
	        "      --log-file FILE   log there instead of stderr\n"
	        "      --demo            load demo data into an empty database\n"
	        "      --migrate-only    apply schema migrations and exit\n"
	        "  -h, --help            this text\n"
	        "  -V, --version         print the version\n"
	        "\n"
	        "Precedence: defaults, then the config file, then the environment, then options.\n",
	        PROTO_DEFAULT_PORT);
}

enum { OPT_DB_POOL = 256, OPT_LOG_LEVEL, OPT_LOG_FILE, OPT_DEMO, OPT_MIGRATE_ONLY };

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"db", required_argument, NULL, 'd'},
    {"listen", required_argument, NULL, 'l'},
    {"db-pool", required_argument, NULL, OPT_DB_POOL},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"log-file", required_argument, NULL, OPT_LOG_FILE},
    {"demo", no_argument, NULL, OPT_DEMO},
    {"migrate-only", no_argument, NULL, OPT_MIGRATE_ONLY},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	log_info("received %s; shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	event_base_loopexit(srv->base, NULL);
}

static void auto_close_done(PGresult *res, void *arg)
{
	if (res != NULL && !db_ok(res))
		log_error("auto-close failed: %s", PQresultErrorMessage(res));
	else if (res != NULL && db_get_int(res, 0, 0) > 0)
		log_info("auto-closed %lld resolved tickets", (long long)db_get_int(res, 0, 0));
}

/* Every 5 s: drop stalled logins. Every 30 s: presence. Every minute: close resolved tickets whose
 * time has come. */
static void maint_cb(evutil_socket_t fd, short what, void *arg)
{
	static unsigned ticks;
	struct server *srv = arg;

	sessions_maintain(srv);
	if (ticks % 6 == 0)
		sessions_heartbeat(srv);
	if (ticks++ % 12 == 0)
		db_submit(srv->db, db_query_new("SELECT desk_auto_close()"), auto_close_done, NULL);
}

static void libevent_log_cb(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_ERR)
		log_error("libevent: %s", msg);
	else if (severity == EVENT_LOG_WARN)
		log_warn("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct server srv;
	const char *config_path = getenv("DESKD_CONFIG");
	bool migrate_only = false;
	int opt, rc = 1;

	/* First pass: only find the config file, so options can override it. */
	while ((opt = getopt_long(argc, argv, "c:d:l:hV", long_opts, NULL)) != -1) {
		if (opt == 'c')
			config_path = optarg;
		else if (opt == 'h') {
			usage(stdout);
			return 0;
		} else if (opt == 'V') {
			printf("deskd %s (protocol %d, schema %d)\n", DESK_VERSION, PROTO_VERSION,
			       migrate_latest());
			return 0;
		} else if (opt == '?') {
			usage(stderr);
			return 2;
		}
	}
	config_defaults(&cfg);
	if ((config_path != NULL && config_load_file(&cfg, config_path) != 0) ||
	    config_load_env(&cfg) != 0) {
		config_free(&cfg);
		return 2;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:d:l:hV", long_opts, NULL)) != -1) {
		const char *key = NULL;
		switch (opt) {
		case 'd':
			key = "db";
			break;
		case 'l':
			key = "listen";
			break;
		case OPT_DB_POOL:
			key = "db_pool";
			break;
		case OPT_LOG_LEVEL:
			key = "log_level";
			break;
		case OPT_LOG_FILE:
			key = "log_file";
			break;
		case OPT_DEMO:
			cfg.demo = true;
			break;
		case OPT_MIGRATE_ONLY:
			migrate_only = true;
			break;
		default:
			break;
		}
		if (key != NULL && config_set(&cfg, key, optarg) != 0) {
			fprintf(stderr, "deskd: invalid value '%s' for setting %s\n", optarg, key);
			config_free(&cfg);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "deskd: unexpected argument '%s'\n", argv[optind]);
		config_free(&cfg);
		return 2;
	}
	log_set_level(cfg.log_level);
	if (cfg.log_file != NULL)
		log_set_file(cfg.log_file);
	event_set_log_callback(libevent_log_cb);
	signal(SIGPIPE, SIG_IGN);
	log_info("deskd %s starting (protocol %d)", DESK_VERSION, PROTO_VERSION);

	if (migrate_run(cfg.db, cfg.demo) != 0) {
		config_free(&cfg);
		return 1;
	}
	if (migrate_only) {
		config_free(&cfg);
		return 0;
	}

	memset(&srv, 0, sizeof(srv));
	TAILQ_INIT(&srv.sessions);
	srv.cfg = &cfg;
	srv.base = event_base_new();
	if (srv.base == NULL) {
		log_error("cannot create the event loop");
		config_free(&cfg);
		return 1;
	}
	struct event *ev_term = evsignal_new(srv.base, SIGTERM, signal_cb, &srv);
	struct event *ev_int = evsignal_new(srv.base, SIGINT, signal_cb, &srv);
	struct timeval five = {5, 0};
	event_add(ev_term, NULL);
	event_add(ev_int, NULL);
	srv.ev_maint = event_new(srv.base, -1, EV_PERSIST, maint_cb, &srv);
	event_add(srv.ev_maint, &five);

	srv.db = db_pool_new(srv.base, cfg.db, cfg.db_pool);
	srv.notifier = notifier_new(&srv);
	srv.sla = sla_sched_new(&srv);
	srv.dash = dashboard_new(&srv);
	if (listener_start(&srv) == 0) {
		event_base_dispatch(srv.base);
		rc = 0;
	}

	listener_stop(&srv);
	sessions_close_all(&srv);
	sla_sched_free(srv.sla);
	srv.sla = NULL;
	/* The pool first: its pending callbacks may still reach the notifier. */
	notifier_stop(srv.notifier);
	db_pool_free(srv.db);
	dashboard_free(srv.dash);
	notifier_free(srv.notifier);
	event_free(srv.ev_maint);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(srv.base);
	log_info("deskd stopped");
	config_free(&cfg);
	return rc;
}
