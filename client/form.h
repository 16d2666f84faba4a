/* form.h - vertical forms of labelled fields with keyboard navigation. */
#ifndef DESK_CLIENT_FORM_H
#define DESK_CLIENT_FORM_H

#include <stdbool.h>
#include <wchar.h>

#include "textedit.h"
#include "ui.h"

enum field_kind {
	FIELD_TEXT,   /* single line */
	FIELD_MULTI,  /* several lines; Enter inserts a line break */
	FIELD_CHOICE, /* one of a list, cycled with Left/Right */
	FIELD_INFO,   /* read-only text the owner keeps current; never focused */
	FIELD_BUTTON, /* Enter submits */
};

struct field {
	enum field_kind kind;
	const char *label;
	struct textedit te;         /* TEXT, MULTI */
	const char *const *choices; /* CHOICE: labels, owned by the form's owner */
	int nchoices;
	int sel;
	int rows;       /* MULTI: rows shown */
	char info[128]; /* INFO: the text */
	bool hidden;    /* set by the owner: not drawn, never focused */
	int y;          /* screen row of the value at the last draw; -1 when not drawn */
};

struct form {
	struct field *f;
	int n;
	int focus;
	int label_w; /* columns for labels */
};

enum form_event {
	FORM_UNUSED,  /* not a form key */
	FORM_MOVED,   /* focus or cursor moved */
	FORM_CHANGED, /* a value changed */
	FORM_FULL,    /* text at its length limit */
	FORM_SUBMIT,
	FORM_CANCEL,
};

void form_init(struct form *fm, int n, int label_w);
void form_free(struct form *fm);
void form_text(struct form *fm, int i, const char *label, size_t max_chars);
void form_multi(struct form *fm, int i, const char *label, size_t max_chars, int rows);
void form_choice(struct form *fm, int i, const char *label, const char *const *choices, int n,
                 int sel);
void form_info(struct form *fm, int i, const char *label);
void form_button(struct form *fm, int i, const char *label);
void form_focus(struct form *fm, int i);

enum form_event form_key(struct form *fm, int type, wint_t ch);
/* Draw inside r; the value column is at most max_w wide. Returns the rows used. */
int form_draw(struct form *fm, struct rect r, int max_w);

#endif
