/* main.c - desk, the agent console: command line, logging and the event loop's lifetime. */
#include <event2/event.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "app.h"
#include "cli.h"
#include "log.h"
#include "proto.h"
#include "util.h"

static void usage(FILE *fp)
{
	fprintf(fp,
	        "usage: desk [options]                  the agent console\n"
	        "       desk [options] COMMAND [args]   one command, for scripts\n"
	        "\n"
	        "The desk helpdesk agent console.\n"
	        "\n"
	        "  -H, --host HOST   deskd address (default $DESK_HOST or 127.0.0.1)\n"
	        "  -p, --port PORT   deskd port (default $DESK_PORT or %d)\n"
	        "  -u, --user LOGIN  prefill the login\n"
	        "      --bell        ring the terminal bell on SLA warnings, breaches and\n"
	        "                    escalations (also DESK_BELL=1)\n"
	        "      --follow G,G  announce new escalations into these groups (also\n"
	        "                    DESK_FOLLOW; default: every tier-2 group for L2 agents;\n"
	        "                    none: no group)\n"
	        "      --log FILE    write a log to FILE (the screen is no place for one)\n"
	        "      --debug       log debug messages too\n"
	        "  -h, --help        show this help\n"
	        "  -V, --version     show the version\n"
	        "\n"
	        "Environment: DESK_IDLE_SECONDS (default 300): away on the dashboard after this\n"
	        "long without a key; DESK_MOUSE=0: leave the mouse to the terminal; NO_COLOR: no\n"
	        "colours.\n"
	        "\n"
	        "Commands (log in as --user or $DESK_USER; password from $DESK_PASSWORD or a\n"
	        "prompt; each takes --format table|csv|json):\n"
	        "  ticket create --subject S [--description D] [--type T] [--impact 1-3]\n"
	        "                [--urgency 1-3] [--queue Q] [--requester ID] [--channel C]\n"
	        "                [--category ID]\n"
	        "  ticket show KEY\n"
	        "  ticket list [--queue Q] [--status S[,S...]] [--open] [--assignee LOGIN|me|none]\n"
	        "              [--sort updated|created|priority|key|escalated|due] [--asc|--desc]\n"
	        "              [--limit N]\n"
	        "  ticket update KEY [--status S] [--resolution-code C --note N] [--subject S]\n"
	        "                [--description D] [--type T] [--impact N] [--urgency N]\n"
	        "                [--queue Q] [--assignee LOGIN|me|none] [--channel C]\n"
	        "  ticket comment KEY --body TEXT [--kind reply|note|question|answer] [--minutes N]\n"
	        "  ticket escalate KEY --queue Q --reason TEXT [--tried TEXT]\n"
	        "  queue list\n"
	        "  report NAME --from YYYY-MM-DD --to YYYY-MM-DD [--group-by G]\n"
	        "      NAME: sla fcr first_response resolution backlog volume workload\n"
	        "            escalation trends; G: all queue agent category channel priority type\n"
	        "Exit codes: 0 done, 1 error, 2 usage, 3 deskd or database unreachable,\n"
	        "4 login failed, 5 forbidden, 6 not found, 7 conflict (stale version, invalid\n"
	        "transition), 8 value refused.\n",
	        PROTO_DEFAULT_PORT);
}

static int parse_port(const char *s, int *port)
{
	int64_t v;

	if (parse_i64(s, &v) != 0 || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

/* libevent's own complaints go to our log, not onto the curses screen. */
static void event_log(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_ERR:
		log_error("libevent: %s", msg);
		break;
	case EVENT_LOG_WARN:
		log_warn("libevent: %s", msg);
		break;
	default:
		log_debug("libevent: %s", msg);
		break;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"host", required_argument, NULL, 'H'},
	    {"port", required_argument, NULL, 'p'},
	    {"user", required_argument, NULL, 'u'},
	    {"log", required_argument, NULL, 'L'},
	    {"debug", no_argument, NULL, 'D'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"bell", no_argument, NULL, 'B'},
	    {"follow", required_argument, NULL, 'F'},
	    {NULL, 0, NULL, 0},
	};
	const char *host = getenv("DESK_HOST");
	const char *env_port = getenv("DESK_PORT");
	const char *env_bell = getenv("DESK_BELL");
	const char *user = NULL, *logfile = NULL, *follow = getenv("DESK_FOLLOW");
	bool debug = false;
	/* DESK_BELL=1 (any value but empty or 0) asks for it too, from a shell profile. */
	bool bell = env_bell != NULL && env_bell[0] != '\0' && strcmp(env_bell, "0") != 0;
	int port = PROTO_DEFAULT_PORT;
	int c;

	/* First of all: wcwidth, ncursesw and utf8_width all depend on the locale. */
	setlocale(LC_ALL, "");

	if (host == NULL || host[0] == '\0')
		host = "127.0.0.1";
	if (env_port != NULL && env_port[0] != '\0' && parse_port(env_port, &port) != 0) {
		fprintf(stderr, "desk: DESK_PORT is not a port number: %s\n", env_port);
		return 2;
	}
	/* "+": stop at the first word, which may be a subcommand with options of its own. */
	while ((c = getopt_long(argc, argv, "+H:p:u:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			host = optarg;
			break;
		case 'p':
			if (parse_port(optarg, &port) != 0) {
				fprintf(stderr, "desk: not a port number: %s\n", optarg);
				return 2;
			}
			break;
		case 'u':
			if (optarg[0] == '\0' || strlen(optarg) > 4 * LIMIT_LOGIN) {
				fprintf(stderr, "desk: unusable login: %s\n", optarg);
				return 2;
			}
			user = optarg;
			break;
		case 'L':
			logfile = optarg;
			break;
		case 'D':
			debug = true;
			break;
		case 'B':
			bell = true;
			break;
		case 'F':
			follow = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("desk %s (protocol %d)\n", DESK_VERSION, PROTO_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc && cli_is_command(argv[optind])) {
		log_set_file(logfile != NULL ? logfile : "/dev/null");
		log_set_level(debug ? LOG_DEBUG : LOG_INFO);
		event_set_log_callback(event_log);
		return cli_main(argc - optind, argv + optind, host, port, user);
	}
	if (optind < argc) {
		fprintf(stderr, "desk: unexpected argument: %s\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "desk: needs a terminal\n");
		return 2;
	}

	/* Anything written to stderr would land in the middle of the screen. */
	log_set_file(logfile != NULL ? logfile : "/dev/null");
	log_set_level(debug ? LOG_DEBUG : LOG_INFO);
	event_set_log_callback(event_log);
	log_info("desk %s starting; server %s:%d", DESK_VERSION, host, port);

	app.bell = bell;
	alerts_init(follow);
	if (app_init(host, port, user) != 0)
		return 1;
	app_run();
	app_fini();
	log_info("desk exiting");
	log_set_file(NULL);
	libevent_global_shutdown();
	return 0;
}
