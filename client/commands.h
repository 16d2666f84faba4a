/* commands.h - what the ":" prompt runs: a table of named commands (as tmux's cmd-*.c), their
 * completion, and the one-request ticket changes they make. */
#ifndef DESK_CLIENT_COMMANDS_H
#define DESK_CLIENT_COMMANDS_H

#include <stddef.h>

#include "view.h"

/* Run one command line (without the ":"). Errors go to the status line. Commands that act on
 * a ticket act on the one shown (detail view) or under the list's cursor. */
void commands_run(const char *line);
/* "S": search every ticket for these words. */
void commands_search(const char *words);

/* Tab: the candidates for the word being typed at the end of line. word is where that word
 * starts (it may hold spaces: a queue name); command is set when it is the command's name. */
struct completion {
	char **items;
	size_t n;
	size_t word;
	bool command;
};
void commands_complete(const char *line, struct completion *c);
void completion_free(struct completion *c);

/* The prompt opened: fetch what completing and :assign need (the agent list), unless fresh. */
void commands_prepare(void);
/* The commands as help lines (usage, what it does), terminated by {NULL}. */
const struct keyhelp *commands_help(void);
void commands_fini(void);

#endif
