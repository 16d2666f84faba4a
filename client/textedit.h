/* textedit.h - an editable UTF-8 text field, single-line or soft-wrapped multi-line. */
#ifndef DESK_CLIENT_TEXTEDIT_H
#define DESK_CLIENT_TEXTEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "ui.h"

struct textedit {
	char *buf; /* always NUL-terminated valid UTF-8 */
	size_t len, cap;
	size_t cur;       /* byte offset of the cursor, always on a character boundary */
	size_t scroll;    /* single-line: first byte shown */
	size_t top;       /* multi-line: first visual line shown */
	size_t chars;     /* characters in buf, kept current: a paste must not go quadratic */
	size_t max_chars; /* protocol limit, in characters */
	int width;        /* columns at the last draw; Up/Down need the wrapped layout */
	bool multiline;
	bool masked; /* passwords: draw one '*' per character */
};

enum te_result {
	TE_IGNORED, /* not a key for the field; the caller may use it (Tab, Esc, Up at top) */
	TE_MOVED,
	TE_CHANGED,
	TE_FULL, /* typed past max_chars; nothing inserted */
};

void te_init(struct textedit *te, size_t max_chars, bool multiline);
void te_free(struct textedit *te);
void te_set(struct textedit *te, const char *s);
const char *te_text(const struct textedit *te);
size_t te_chars(const struct textedit *te);
/* Insert text at the cursor (a canned response, a paste): control characters other than line
 * breaks are dropped, and line breaks become spaces in a one-line field. False, and nothing
 * inserted, when it would take the field past max_chars. */
bool te_insert(struct textedit *te, const char *s);
/* Overwrite the contents with zeros (passwords) and empty the field. */
void te_wipe(struct textedit *te);

/* type is what wget_wch returned: OK for a character, KEY_CODE_YES for a function key. */
enum te_result te_key(struct textedit *te, int type, wint_t ch);

/* Draw into the r.h x r.w area (single-line fields use only the first row); when focused,
 * request the terminal cursor at the insertion point. */
void te_draw(struct textedit *te, struct rect r, attr_t a, bool focused);

#endif
