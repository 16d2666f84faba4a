/* cmdline.h - the prompt on the status line: ":" commands and "S" full-text search. */

/*
 * A view that offers the prompt opens it on its key (":" or "S") and, while it is active,
 * hands it every key; the frame (screen.c) draws it in place of the status line, its
 * completions on the row above, and its keys in the footer. Enter runs the line through
 * commands.c; Esc, or Backspace on an empty line, closes it. Up and Down recall earlier lines
 * of this session; Tab completes command names and their arguments (logins, groups, statuses,
 * sort orders), cycling through the candidates when pressed again.
 */
#ifndef DESK_CLIENT_CMDLINE_H
#define DESK_CLIENT_CMDLINE_H

#include <stdbool.h>
#include <wchar.h>

#include "view.h"

enum cmdline_mode {
	CMDLINE_COMMAND, /* ":" */
	CMDLINE_SEARCH,  /* "S": the words to search every ticket for */
};

void cmdline_open(enum cmdline_mode mode);
bool cmdline_active(void);
/* Every key while active; always used. */
bool cmdline_key(int type, wint_t ch);
/* The prompt on row y (the status line), completions on the row above when there are any. */
void cmdline_draw(int y, int w);
/* The prompt's keys, for the footer and the help overlay. */
const struct keyhelp *cmdline_keys(void);
void cmdline_fini(void);

#endif
