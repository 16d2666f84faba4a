/* cli.h - desk's non-interactive subcommands for scripts: ticket create/show/list/update/
 * comment/escalate, queue list, report. One request (after looking up names), printed as
 * table, CSV or JSON, and an exit code a script can rely on. */
#ifndef DESK_CLIENT_CLI_H
#define DESK_CLIENT_CLI_H

#include <stdbool.h>

/* Exit codes, also documented in `desk --help` and docs/operators-guide.md. */
enum cli_exit {
	CLI_OK = 0,
	CLI_ERROR = 1,        /* anything else: internal error, unexpected reply */
	CLI_USAGE = 2,        /* bad command line */
	CLI_UNAVAILABLE = 3,  /* deskd or its database unreachable; nothing was done */
	CLI_AUTH = 4,         /* wrong login or password */
	CLI_FORBIDDEN = 5,    /* the agent's role may not do this */
	CLI_NOT_FOUND = 6,    /* no such ticket, queue, agent, ... */
	CLI_CONFLICT = 7,     /* stale version, invalid transition, conflict: re-read and retry */
	CLI_BAD_REQUEST = 8,  /* the server refused a value */
};

/* True when argv[0] names a subcommand ("ticket", "queue", "report"). */
bool cli_is_command(const char *word);

/* Run the subcommand in argv[0..argc); host/port/user as given to desk (user may be NULL:
 * then $DESK_USER). The password comes from $DESK_PASSWORD or a prompt on the terminal.
 * Returns the process exit code. */
int cli_main(int argc, char **argv, const char *host, int port, const char *user);

#endif
