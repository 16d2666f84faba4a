/* view-queue.h - the list screen's entry points beyond view.h: search results, sort orders,
 * and the ticket under the cursor, for the command line and the other views. */
#ifndef DESK_CLIENT_VIEW_QUEUE_H
#define DESK_CLIENT_VIEW_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/* The order of every list: each view's own (intake unassigned first, escalations oldest
 * first, the rest latest change first), or one chosen with s or :sort. */
enum list_sort {
	LS_VIEW,     /* the view's own order */
	LS_UPDATED,  /* latest change first */
	LS_CREATED,  /* newest first */
	LS_PRIORITY, /* P1 first, then by key */
	LS_DUE,      /* SLA time left: earliest due first, paused clocks after */
	LS_COUNT
};

/* The words :sort takes, indexed by enum list_sort ("view" for LS_VIEW). */
extern const char *const list_sort_names[LS_COUNT];

/* Sort every list by s; says so on the status line. */
void view_queue_sort(enum list_sort s);
/* Show the tickets whose subject, description or conversation hold every word of text (as
 * prefixes: ticket.search) as the list "Search: text", live; q or Esc there go back to where it
 * was asked from (this list's previous view, or the ticket shown). */
void view_queue_search(const char *text);
/* The ticket under the list's cursor, or NULL (an empty list). */
const struct ticket *view_queue_current(void);
/* The id of the listed ticket with this key (as shown, e.g. "HD-1042"), or 0. */
int64_t view_queue_find_key(const char *key);
/* The prefix the listed keys use ("HD"), for a bare number typed as a key; NULL when the list
 * is empty. Returned with its length in *len. */
const char *view_queue_key_prefix(size_t *len);

#endif
