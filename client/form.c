/* form.c - field layout, focus movement and key routing for the console's forms. */
#include "form.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "util.h"

void form_init(struct form *fm, int n, int label_w)
{
	fm->f = xcalloc((size_t)n, sizeof(*fm->f));
	fm->n = n;
	fm->focus = 0;
	fm->label_w = label_w;
}

void form_free(struct form *fm)
{
	for (int i = 0; i < fm->n; i++)
		if (fm->f[i].kind == FIELD_TEXT || fm->f[i].kind == FIELD_MULTI)
			te_free(&fm->f[i].te);
	free(fm->f);
	fm->f = NULL;
	fm->n = 0;
}

void form_text(struct form *fm, int i, const char *label, size_t max_chars)
{
	fm->f[i].kind = FIELD_TEXT;
	fm->f[i].label = label;
	te_init(&fm->f[i].te, max_chars, false);
}

void form_multi(struct form *fm, int i, const char *label, size_t max_chars, int rows)
{
	fm->f[i].kind = FIELD_MULTI;
	fm->f[i].label = label;
	fm->f[i].rows = rows;
	te_init(&fm->f[i].te, max_chars, true);
}

void form_choice(struct form *fm, int i, const char *label, const char *const *choices, int n,
                 int sel)
{
	fm->f[i].kind = FIELD_CHOICE;
	fm->f[i].label = label;
	fm->f[i].choices = choices;
	fm->f[i].nchoices = n;
	fm->f[i].sel = sel;
}

void form_info(struct form *fm, int i, const char *label)
{
	fm->f[i].kind = FIELD_INFO;
	fm->f[i].label = label;
}

void form_button(struct form *fm, int i, const char *label)
{
	fm->f[i].kind = FIELD_BUTTON;
	fm->f[i].label = label;
}

void form_focus(struct form *fm, int i)
{
	if (i >= 0 && i < fm->n && fm->f[i].kind != FIELD_INFO && !fm->f[i].hidden)
		fm->focus = i;
}

/* The next focusable field in direction dir, or -1 at either end. */
static int step(const struct form *fm, int from, int dir)
{
	for (int i = from + dir; i >= 0 && i < fm->n; i += dir)
		if (fm->f[i].kind != FIELD_INFO && !fm->f[i].hidden)
			return i;
	return -1;
}

static enum form_event focus_step(struct form *fm, int dir)
{
	int i = step(fm, fm->focus, dir);

	/* Tab past the end wraps around, as in dialogs everywhere. */
	if (i < 0)
		i = step(fm, dir > 0 ? -1 : fm->n, dir);
	if (i >= 0)
		fm->focus = i;
	return FORM_MOVED;
}

static enum form_event choice_key(struct field *f, int type, wint_t ch)
{
	if (f->nchoices <= 0)
		return FORM_UNUSED;
	if (key_fn(type, ch, KEY_LEFT)) {
		f->sel = (f->sel + f->nchoices - 1) % f->nchoices;
		return FORM_CHANGED;
	}
	if (key_fn(type, ch, KEY_RIGHT) || key_is(type, ch, ' ')) {
		f->sel = (f->sel + 1) % f->nchoices;
		return FORM_CHANGED;
	}
	/* A letter or digit jumps to the next choice starting with it: "3" for Low, "e" for
	 * Email. */
	if (type == OK && ch < 0x80 && isalnum((int)ch)) {
		for (int k = 1; k <= f->nchoices; k++) {
			int j = (f->sel + k) % f->nchoices;
			if (tolower((unsigned char)f->choices[j][0]) == tolower((int)ch)) {
				f->sel = j;
				return FORM_CHANGED;
			}
		}
		return FORM_MOVED;
	}
	return FORM_UNUSED;
}

enum form_event form_key(struct form *fm, int type, wint_t ch)
{
	struct field *f = &fm->f[fm->focus];

	if (key_is(type, ch, KEY_ESCAPE))
		return FORM_CANCEL;
	if (key_is(type, ch, KEY_CTRL('S')))
		return FORM_SUBMIT;
	if (key_is(type, ch, KEY_TAB))
		return focus_step(fm, +1);
	if (key_fn(type, ch, KEY_BTAB))
		return focus_step(fm, -1);

	if (f->kind == FIELD_TEXT || f->kind == FIELD_MULTI) {
		switch (te_key(&f->te, type, ch)) {
		case TE_CHANGED:
			return FORM_CHANGED;
		case TE_MOVED:
			return FORM_MOVED;
		case TE_FULL:
			return FORM_FULL;
		case TE_IGNORED:
			break;
		}
	} else if (f->kind == FIELD_CHOICE) {
		enum form_event e = choice_key(f, type, ch);
		if (e != FORM_UNUSED)
			return e;
	}

	if (key_fn(type, ch, KEY_DOWN))
		return focus_step(fm, +1);
	if (key_fn(type, ch, KEY_UP))
		return focus_step(fm, -1);
	if (key_is_enter(type, ch)) {
		if (f->kind == FIELD_BUTTON)
			return FORM_SUBMIT;
		/* Enter on the last field before the button submits: fewer keys per form. */
		int next = step(fm, fm->focus, +1);
		if (next < 0 || fm->f[next].kind == FIELD_BUTTON)
			return FORM_SUBMIT;
		fm->focus = next;
		return FORM_MOVED;
	}
	return FORM_UNUSED;
}

static void draw_choice(struct field *f, int y, int x, int w, bool focused)
{
	attr_t a = ui_attr(focused ? UI_FIELD_FOCUS : UI_NORMAL);
	const char *label = f->nchoices > 0 ? f->choices[f->sel] : "";
	int used = 0;

	if (focused)
		used += ui_put(y, x, "< ", w, a);
	used += ui_put(y, x + used, label, w - used - (focused ? 2 : 0), a);
	if (focused)
		ui_put(y, x + used, " >", w - used, a);
}

/* Rows a field takes; a button takes its group's row only as the group's last. */
static int field_rows(const struct form *fm, int i)
{
	const struct field *f = &fm->f[i];

	if (f->hidden)
		return 0;
	if (f->kind == FIELD_MULTI)
		return f->rows;
	if (f->kind == FIELD_BUTTON)
		return i + 1 == fm->n || fm->f[i + 1].kind != FIELD_BUTTON ? 1 : 0;
	return 1;
}

int form_draw(struct form *fm, struct rect r, int max_w)
{
	int y = r.y, bottom = r.y + r.h;
	int vx = r.x + fm->label_w + 1;
	int vw = r.w - fm->label_w - 1;
	int bx = vx;
	int first = 0, used = 0;

	if (vw > max_w)
		vw = max_w;
	for (int i = 0; i < fm->n; i++)
		fm->f[i].y = -1;
	/* On a short terminal, scroll just enough for the focused field to be on screen. */
	for (int i = 0; i <= fm->focus && i < fm->n; i++)
		used += field_rows(fm, i);
	while (first < fm->focus && used > r.h)
		used -= field_rows(fm, first++);
	for (int i = first; i < fm->n && y < bottom; i++) {
		struct field *f = &fm->f[i];
		bool focused = i == fm->focus;
		attr_t fa = ui_attr(focused ? UI_FIELD_FOCUS : UI_FIELD);

		if (f->hidden)
			continue;
		f->y = y;
		if (f->kind == FIELD_BUTTON) {
			/* Buttons share one row below the fields. */
			char b[64];
			snprintf(b, sizeof(b), "[ %s ]", f->label);
			bx += ui_put(y, bx, b, vx + vw - bx,
			             ui_attr(focused ? UI_BUTTON_FOCUS : UI_BUTTON)) +
			      2;
			if (i + 1 == fm->n || fm->f[i + 1].kind != FIELD_BUTTON)
				y++;
			continue;
		}
		ui_put(y, r.x, f->label, fm->label_w, ui_attr(focused ? UI_TITLE : UI_LABEL));
		switch (f->kind) {
		case FIELD_TEXT:
			te_draw(&f->te, (struct rect){y, vx, 1, vw}, fa, focused);
			y++;
			break;
		case FIELD_MULTI: {
			int rows = f->rows < bottom - y ? f->rows : bottom - y;
			te_draw(&f->te, (struct rect){y, vx, rows, vw}, fa, focused);
			y += rows;
			break;
		}
		case FIELD_CHOICE:
			draw_choice(f, y, vx, vw, focused);
			y++;
			break;
		case FIELD_INFO:
			ui_put(y, vx, f->info, vw, A_NORMAL);
			y++;
			break;
		case FIELD_BUTTON:
			break;
		}
	}
	return y - r.y;
}
