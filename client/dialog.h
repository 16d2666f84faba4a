/* dialog.h - a small modal dialog over a view: title, a few fields, OK / Cancel, error line. */

/*
 * The owner keeps the dialog while it is open and routes every key to it. The dialog holds
 * only state, no geometry: it is laid out afresh on each draw, so a resize loses nothing, and
 * it knows nothing of the connection, so what was typed survives a lost connection until the
 * owner closes it.
 *
 *	struct dialog *d = dialog_new("Escalate HD-1042");
 *	int group = dialog_list(d, "Group", 6);
 *	dialog_option(d, group, "Network", NULL, 7);
 *	int reason = dialog_text(d, "Reason", LIMIT_NOTE, true);
 *	...
 *	switch (dialog_key(d, type, ch)) { case DLG_SUBMIT: send it, dialog_busy(d, true); ... }
 *
 * Enter submits from a one-line field, a choice or a list; in a multi-line field it breaks
 * the line and ^S submits. A dialog without fields is a confirmation: y / n.
 */
#ifndef DESK_CLIENT_DIALOG_H
#define DESK_CLIENT_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "ui.h"
#include "view.h"

enum dlg_kind {
	DLG_TEXT,   /* one line */
	DLG_MULTI,  /* several lines */
	DLG_NUMBER, /* digits only, within a range; empty means "not given" */
	DLG_CHOICE, /* one of a list on one row: Left/Right cycle, a letter jumps */
	DLG_LIST,   /* one of a list on several rows: Up/Down pick, typing filters */
};

enum dlg_event {
	DLG_NONE,   /* the key was used (or ignored); redraw */
	DLG_SUBMIT, /* OK, and every field passed its checks */
	DLG_CANCEL, /* Esc, Cancel, or n in a confirmation */
};

struct dialog;

struct dialog *dialog_new(const char *title);
void dialog_free(struct dialog *d);

/* Button labels; the defaults are "OK" and "Cancel". */
void dialog_buttons(struct dialog *d, const char *ok, const char *cancel);
/* Explanatory text above the fields (wrapped; a confirmation's question). */
void dialog_message(struct dialog *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fields, top to bottom; each returns its index. max_chars is the protocol limit. */
int dialog_text(struct dialog *d, const char *label, size_t max_chars, bool required);
int dialog_multi(struct dialog *d, const char *label, size_t max_chars, int rows, bool required);
int dialog_number(struct dialog *d, const char *label, int64_t min, int64_t max);
int dialog_choice(struct dialog *d, const char *label);
int dialog_list(struct dialog *d, const char *label, int rows);
/* Add an option to a choice or list: what is shown, and the owner's values for it. */
void dialog_option(struct dialog *d, int f, const char *label, const char *name, int64_t id);
/* What an empty list shows instead ("Loading…"); an empty list cannot be submitted. */
void dialog_empty_text(struct dialog *d, int f, const char *text);
/* Select the option named name, if there is one. */
void dialog_select(struct dialog *d, int f, const char *name);
void dialog_focus(struct dialog *d, int f);

/* Insert text at the cursor of a text field (a canned response); false when it does not fit
 * (the error line then says so). */
bool dialog_insert(struct dialog *d, int f, const char *text);
/* The field with the focus, or -1 on a button; whether a field is multi-line. */
int dialog_focused(const struct dialog *d);
bool dialog_is_multi(const struct dialog *d, int f);

/* The error line; typing in a field clears it. */
void dialog_error(struct dialog *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* While busy a request is out: the error line says so and only Esc is accepted. */
void dialog_busy(struct dialog *d, bool busy);
bool dialog_is_busy(const struct dialog *d);
const char *dialog_ok_label(const struct dialog *d);

enum dlg_event dialog_key(struct dialog *d, int type, wint_t ch);
/* Draw centred in area, over whatever is there. */
void dialog_draw(struct dialog *d, struct rect area);
/* Key help for the focused field into out (at most max entries, terminator included). The
 * strings stay valid until the dialog is freed. */
void dialog_keyhelp(const struct dialog *d, struct keyhelp *out, size_t max);

/* Values. */
const char *dialog_str(const struct dialog *d, int f);
/* A number field's value; false when it was left empty. */
bool dialog_int(const struct dialog *d, int f, int64_t *out);
/* The selected option of a choice or list: NULL / 0 when there is none. */
const char *dialog_sel_name(const struct dialog *d, int f);
const char *dialog_sel_label(const struct dialog *d, int f);
int64_t dialog_sel_id(const struct dialog *d, int f);

#endif
