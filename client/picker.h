/* picker.h - an inline "type to search" list under a field, and the folding match it uses. */
#ifndef DESK_CLIENT_PICKER_H
#define DESK_CLIENT_PICKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "ui.h"

struct pick_item {
	int64_t id;
	char *label;  /* the main text, e.g. a caller's name */
	char *detail; /* secondary text, drawn dimmer; may be NULL */
	char *right;  /* right-aligned, e.g. "2 open"; may be NULL */
	int tag;      /* the owner's use, e.g. "this is the + new caller entry" */
};

struct picker {
	struct pick_item *items;
	size_t n, cap;
	size_t cur, top;
	char note[160]; /* shown instead of items when there are none ("no match") */
};

void picker_init(struct picker *p);
void picker_free(struct picker *p);
/* Remove every item (the cursor goes back to the first). */
void picker_clear(struct picker *p);
/* Append an item; every string is copied. */
void picker_add(struct picker *p, int64_t id, const char *label, const char *detail,
                const char *right, int tag);
/* The item under the cursor, or NULL when the list is empty. */
const struct pick_item *picker_current(const struct picker *p);
/* Up, Down, PgUp, PgDn move the cursor; true if the key was one of them. */
bool picker_key(struct picker *p, int type, wint_t ch);
/* Rows a drawing of at most max_items items takes (a frame included), 0 when there is
 * nothing to show. */
int picker_height(const struct picker *p, int max_items);
/* Draw as a framed drop-down at r (r.h from picker_height), over whatever is below. */
void picker_draw(struct picker *p, struct rect r, const char *title);

/*
 * Case- and accent-insensitive substring match for UTF-8 text ("chlo" finds "Chloé",
 * "ecole" finds "École"): -1 when needle is not in hay, 0 when it starts a word of hay, 1
 * when it is found only inside a word. An empty needle matches at 0.
 */
int fold_match(const char *hay, const char *needle);

#endif
