/* dialog.c - modal dialogs: field editing, checks on OK, focus, a layout redone on every draw. */
#include "dialog.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keys.h"
#include "log.h"
#include "textedit.h"
#include "utf8.h"
#include "util.h"

#define DLG_MAX_W  76 /* the box never gets wider, however wide the terminal */
#define FILTER_MAX 48 /* bytes of typed list filter */
#define MSG_LINES  6  /* message lines shown at most */
#define MAX_FIELDS 6  /* a dialog is small by design */
#define ERR_LINES  3  /* error lines shown at most */

struct option {
	char *label;
	char *name; /* may be NULL */
	int64_t id;
};

struct dfield {
	enum dlg_kind kind;
	char *label;
	bool required;
	struct textedit te; /* TEXT, MULTI, NUMBER */
	int rows;           /* MULTI, LIST: rows wanted */
	int64_t min, max;   /* NUMBER */
	struct option *opt; /* CHOICE, LIST */
	int nopt;
	int sel;                     /* index into opt, -1 for none */
	int top;                     /* LIST: first option drawn, an index into opt */
	char filter[FILTER_MAX + 1]; /* LIST: typed text narrowing the options */
	char *empty;                 /* LIST: shown while there are no options */
};

struct dialog {
	char *title;
	char *message;
	char *ok, *cancel;
	char *ok_lc; /* the OK label in lower case, for the key help */
	struct dfield f[MAX_FIELDS];
	int n;
	int focus; /* a field; n is the OK button, n + 1 Cancel */
	bool busy;
	char error[320];
};

/* ---- set-up -------------------------------------------------------------------------- */

struct dialog *dialog_new(const char *title)
{
	struct dialog *d = xcalloc(1, sizeof(*d));

	d->title = xstrdup(title);
	d->message = xstrdup("");
	dialog_buttons(d, "OK", "Cancel");
	return d;
}

void dialog_free(struct dialog *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < d->n; i++) {
		struct dfield *f = &d->f[i];
		if (f->kind == DLG_TEXT || f->kind == DLG_MULTI || f->kind == DLG_NUMBER)
			te_free(&f->te);
		for (int k = 0; k < f->nopt; k++) {
			free(f->opt[k].label);
			free(f->opt[k].name);
		}
		free(f->opt);
		free(f->label);
		free(f->empty);
	}
	free(d->title);
	free(d->message);
	free(d->ok);
	free(d->cancel);
	free(d->ok_lc);
	free(d);
}

void dialog_buttons(struct dialog *d, const char *ok, const char *cancel)
{
	free(d->ok);
	free(d->cancel);
	free(d->ok_lc);
	d->ok = xstrdup(ok);
	d->cancel = xstrdup(cancel);
	d->ok_lc = xstrdup(ok);
	for (char *p = d->ok_lc; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
}

void dialog_message(struct dialog *d, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(d->message);
	d->message = xstrdup(buf);
}

static struct dfield *add_field(struct dialog *d, enum dlg_kind kind, const char *label)
{
	if (d->n == MAX_FIELDS) {
		/* A programming error, not a runtime condition. */
		log_error("dialog '%s': more than %d fields", d->title, MAX_FIELDS);
		abort();
	}
	struct dfield *f = &d->f[d->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->label = xstrdup(label);
	f->sel = -1;
	f->rows = 1;
	/* A confirmation starts on its OK button; a dialog with fields on its first field. */
	d->focus = 0;
	return f;
}

int dialog_text(struct dialog *d, const char *label, size_t max_chars, bool required)
{
	struct dfield *f = add_field(d, DLG_TEXT, label);

	f->required = required;
	te_init(&f->te, max_chars, false);
	return d->n - 1;
}

int dialog_multi(struct dialog *d, const char *label, size_t max_chars, int rows, bool required)
{
	struct dfield *f = add_field(d, DLG_MULTI, label);

	f->required = required;
	f->rows = rows > 0 ? rows : 1;
	te_init(&f->te, max_chars, true);
	return d->n - 1;
}

int dialog_number(struct dialog *d, const char *label, int64_t min, int64_t max)
{
	struct dfield *f = add_field(d, DLG_NUMBER, label);
	char digits[32];

	f->min = min;
	f->max = max;
	te_init(&f->te, (size_t)snprintf(digits, sizeof(digits), "%lld", (long long)max), false);
	return d->n - 1;
}

int dialog_choice(struct dialog *d, const char *label)
{
	add_field(d, DLG_CHOICE, label);
	return d->n - 1;
}

int dialog_list(struct dialog *d, const char *label, int rows)
{
	struct dfield *f = add_field(d, DLG_LIST, label);

	f->rows = rows > 0 ? rows : 1;
	return d->n - 1;
}

static void refilter(struct dfield *f);

void dialog_option(struct dialog *d, int fi, const char *label, const char *name, int64_t id)
{
	struct dfield *f = &d->f[fi];

	f->opt = xrealloc(f->opt, (size_t)(f->nopt + 1) * sizeof(*f->opt));
	f->opt[f->nopt] = (struct option){xstrdup(label), name != NULL ? xstrdup(name) : NULL, id};
	if (f->sel < 0)
		f->sel = f->nopt;
	f->nopt++;
	/* Options that arrive after the agent started typing a filter honour it. */
	if (f->filter[0] != '\0')
		refilter(f);
}

void dialog_empty_text(struct dialog *d, int fi, const char *text)
{
	free(d->f[fi].empty);
	d->f[fi].empty = xstrdup(text);
}

void dialog_select(struct dialog *d, int fi, const char *name)
{
	struct dfield *f = &d->f[fi];

	for (int i = 0; i < f->nopt; i++)
		if (f->opt[i].name != NULL && strcmp(f->opt[i].name, name) == 0)
			f->sel = i;
}

void dialog_focus(struct dialog *d, int fi)
{
	if (fi >= 0 && fi < d->n + 2)
		d->focus = fi;
}

bool dialog_insert(struct dialog *d, int fi, const char *text)
{
	struct dfield *f = &d->f[fi];

	if (!te_insert(&f->te, text)) {
		dialog_error(d, "%s: that does not fit in what is left of its %zu characters",
		             f->label, f->te.max_chars);
		return false;
	}
	d->error[0] = '\0';
	return true;
}

int dialog_focused(const struct dialog *d)
{
	return d->focus < d->n ? d->focus : -1;
}

bool dialog_is_multi(const struct dialog *d, int fi)
{
	return fi >= 0 && fi < d->n && d->f[fi].kind == DLG_MULTI;
}

void dialog_error(struct dialog *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
}

void dialog_busy(struct dialog *d, bool busy)
{
	d->busy = busy;
	if (busy)
		d->error[0] = '\0';
}

bool dialog_is_busy(const struct dialog *d)
{
	return d->busy;
}

const char *dialog_ok_label(const struct dialog *d)
{
	return d->ok;
}

/* ---- values -------------------------------------------------------------------------- */

const char *dialog_str(const struct dialog *d, int fi)
{
	return te_text(&d->f[fi].te);
}

bool dialog_int(const struct dialog *d, int fi, int64_t *out)
{
	const char *s = te_text(&d->f[fi].te);

	return s[0] != '\0' && parse_i64(s, out) == 0;
}

/* ---- list filtering ------------------------------------------------------------------ */

/* Where needle occurs in hay, ignoring ASCII case: 0 at the start of a word, 1 only inside
 * words, -1 not at all. An empty needle matches everything at 0. */
static int match_rank(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	int rank = -1;

	if (n == 0)
		return 0;
	for (size_t i = 0; hay[i] != '\0'; i++) {
		if (strncasecmp(hay + i, needle, n) != 0)
			continue;
		if (i == 0 || !isalnum((unsigned char)hay[i - 1]))
			return 0;
		rank = 1;
	}
	return rank;
}

static bool shown(const struct dfield *f, int i)
{
	return f->kind != DLG_LIST || match_rank(f->opt[i].label, f->filter) >= 0;
}

static const struct option *selected(const struct dialog *d, int fi)
{
	const struct dfield *f = &d->f[fi];

	if ((f->kind != DLG_CHOICE && f->kind != DLG_LIST) || f->sel < 0 || f->sel >= f->nopt ||
	    !shown(f, f->sel))
		return NULL;
	return &f->opt[f->sel];
}

const char *dialog_sel_name(const struct dialog *d, int fi)
{
	const struct option *o = selected(d, fi);

	return o != NULL ? o->name : NULL;
}

const char *dialog_sel_label(const struct dialog *d, int fi)
{
	const struct option *o = selected(d, fi);

	return o != NULL ? o->label : NULL;
}

int64_t dialog_sel_id(const struct dialog *d, int fi)
{
	const struct option *o = selected(d, fi);

	return o != NULL ? o->id : 0;
}

/* The filter changed: the first option where it starts a word wins ("n" picks Network over
 * Applications); otherwise the selection stays if it still matches, else the first match. */
static void refilter(struct dfield *f)
{
	int first = -1;

	if (f->filter[0] == '\0') {
		/* Erased: every option shows again, and the selection stays where it was. */
		if (f->sel < 0 && f->nopt > 0)
			f->sel = 0;
		return;
	}
	for (int i = 0; i < f->nopt; i++) {
		int r = match_rank(f->opt[i].label, f->filter);
		if (r == 0) {
			f->sel = i;
			return;
		}
		if (r > 0 && first < 0)
			first = i;
	}
	if (f->sel < 0 || !shown(f, f->sel))
		f->sel = first;
}

/* Move the selection by delta shown options, stopping at either end. */
static void move_sel(struct dfield *f, int delta)
{
	int dir = delta < 0 ? -1 : 1, i = f->sel;

	for (int left = abs(delta); left > 0; left--) {
		int j = i;
		do
			j += dir;
		while (j >= 0 && j < f->nopt && !shown(f, j));
		if (j < 0 || j >= f->nopt)
			break;
		i = j;
	}
	if (i >= 0 && i < f->nopt && shown(f, i))
		f->sel = i;
}

/* Step to the next shown option, wrapping around (Left / Right). */
static void cycle_sel(struct dfield *f, int dir)
{
	for (int k = 1; k <= f->nopt; k++) {
		int j = ((f->sel < 0 ? 0 : f->sel) + dir * k + f->nopt * k) % f->nopt;
		if (shown(f, j)) {
			f->sel = j;
			return;
		}
	}
}

/* ---- keys ---------------------------------------------------------------------------- */

static bool blank(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return *s == '\0';
}

/* A failed check: say why and put the focus where it can be fixed. */
static enum dlg_event refuse(struct dialog *d, int fi, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum dlg_event refuse(struct dialog *d, int fi, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
	d->focus = fi;
	return DLG_NONE;
}

static enum dlg_event submit(struct dialog *d)
{
	for (int i = 0; i < d->n; i++) {
		struct dfield *f = &d->f[i];
		const char *s;
		int64_t v;

		switch (f->kind) {
		case DLG_TEXT:
		case DLG_MULTI:
			if (f->required && blank(te_text(&f->te)))
				return refuse(d, i, "%s is required", f->label);
			break;
		case DLG_NUMBER:
			s = te_text(&f->te);
			if (s[0] != '\0' && (parse_i64(s, &v) != 0 || v < f->min || v > f->max))
				return refuse(d, i, "%s: a whole number from %lld to %lld",
				              f->label, (long long)f->min, (long long)f->max);
			break;
		case DLG_CHOICE:
		case DLG_LIST:
			if (selected(d, i) != NULL)
				break;
			if (f->nopt == 0)
				return refuse(d, i, "%s: %s", f->label,
				              f->empty != NULL ? f->empty
				                               : "nothing to choose from");
			return refuse(d, i, "%s: nothing matches \"%s\"", f->label, f->filter);
		}
	}
	return DLG_SUBMIT;
}

static void move_focus(struct dialog *d, int dir)
{
	int total = d->n + 2;

	d->focus = (d->focus + dir + total) % total;
}

static bool is_backspace(int type, wint_t ch)
{
	return key_fn(type, ch, KEY_BACKSPACE) || key_is(type, ch, 0x7f) ||
	       key_is(type, ch, KEY_CTRL('H'));
}

static enum dlg_event text_key(struct dialog *d, struct dfield *f, int type, wint_t ch)
{
	if (f->kind == DLG_NUMBER && type == OK && ch >= 0x20 && ch != 0x7f &&
	    (ch < '0' || ch > '9')) {
		dialog_error(d, "%s: digits only", f->label);
		return DLG_NONE;
	}
	switch (te_key(&f->te, type, ch)) {
	case TE_CHANGED:
		d->error[0] = '\0'; /* typing again means the message has been read */
		return DLG_NONE;
	case TE_MOVED:
		return DLG_NONE;
	case TE_FULL:
		dialog_error(d, "%s is at its length limit", f->label);
		return DLG_NONE;
	case TE_IGNORED:
		break;
	}
	if (key_is_enter(type, ch))
		return submit(d); /* a multi-line field took Enter above */
	if (key_fn(type, ch, KEY_UP) && d->focus > 0)
		move_focus(d, -1);
	else if (key_fn(type, ch, KEY_DOWN))
		move_focus(d, +1);
	return DLG_NONE;
}

static enum dlg_event choice_key(struct dialog *d, struct dfield *f, int type, wint_t ch)
{
	if (key_fn(type, ch, KEY_LEFT)) {
		cycle_sel(f, -1);
	} else if (key_fn(type, ch, KEY_RIGHT) || key_is(type, ch, ' ')) {
		cycle_sel(f, +1);
	} else if (key_is_enter(type, ch)) {
		return submit(d);
	} else if (key_fn(type, ch, KEY_UP)) {
		if (d->focus > 0)
			move_focus(d, -1);
	} else if (key_fn(type, ch, KEY_DOWN)) {
		move_focus(d, +1);
	} else if (type == OK && ch < 0x80 && isalnum((int)ch)) {
		/* A letter jumps to the next option starting with it. */
		for (int k = 1; k <= f->nopt; k++) {
			int j = (f->sel + k + f->nopt) % f->nopt;
			if (tolower((unsigned char)f->opt[j].label[0]) == tolower((int)ch)) {
				f->sel = j;
				break;
			}
		}
	}
	return DLG_NONE;
}

static enum dlg_event list_key(struct dialog *d, struct dfield *f, int type, wint_t ch)
{
	int page = f->rows > 1 ? f->rows - 1 : 1;
	size_t len = strlen(f->filter);

	if (key_fn(type, ch, KEY_UP)) {
		move_sel(f, -1);
	} else if (key_fn(type, ch, KEY_DOWN)) {
		move_sel(f, +1);
	} else if (key_fn(type, ch, KEY_PPAGE)) {
		move_sel(f, -page);
	} else if (key_fn(type, ch, KEY_NPAGE)) {
		move_sel(f, +page);
	} else if (key_fn(type, ch, KEY_HOME)) {
		move_sel(f, -f->nopt);
	} else if (key_fn(type, ch, KEY_END)) {
		move_sel(f, +f->nopt);
	} else if (key_fn(type, ch, KEY_LEFT)) {
		cycle_sel(f, -1);
	} else if (key_fn(type, ch, KEY_RIGHT)) {
		cycle_sel(f, +1);
	} else if (key_is_enter(type, ch)) {
		return submit(d);
	} else if (is_backspace(type, ch)) {
		if (len > 0) {
			f->filter[utf8_prev(f->filter, len)] = '\0';
			refilter(f);
		}
	} else if (key_is(type, ch, KEY_CTRL('U'))) {
		f->filter[0] = '\0';
		refilter(f);
	} else if (type == OK && ch >= 0x20 && ch != 0x7f && ch <= 0x10ffff &&
	           (ch < 0xd800 || ch > 0xdfff) && (ch < 0x80 || ch >= 0xa0)) {
		char enc[4];
		size_t n = utf8_encode((unsigned)ch, enc);
		if (len + n <= FILTER_MAX) {
			memcpy(f->filter + len, enc, n);
			f->filter[len + n] = '\0';
			refilter(f);
			d->error[0] = '\0';
		}
	}
	return DLG_NONE;
}

static enum dlg_event button_key(struct dialog *d, int type, wint_t ch)
{
	if (key_is_enter(type, ch) || key_is(type, ch, ' '))
		return d->focus == d->n ? submit(d) : DLG_CANCEL;
	if (key_fn(type, ch, KEY_LEFT) || key_fn(type, ch, KEY_RIGHT))
		d->focus = d->focus == d->n ? d->n + 1 : d->n;
	else if (key_fn(type, ch, KEY_UP) && d->n > 0)
		d->focus = d->n - 1;
	return DLG_NONE;
}

enum dlg_event dialog_key(struct dialog *d, int type, wint_t ch)
{
	if (key_is(type, ch, KEY_ESCAPE))
		return DLG_CANCEL;
	if (d->busy)
		return DLG_NONE;
	if (d->n == 0) {
		if (key_is(type, ch, 'y') || key_is(type, ch, 'Y'))
			return DLG_SUBMIT;
		if (key_is(type, ch, 'n') || key_is(type, ch, 'N'))
			return DLG_CANCEL;
	}
	if (key_is(type, ch, KEY_CTRL('S')))
		return submit(d);
	if (key_is(type, ch, KEY_TAB)) {
		move_focus(d, +1);
		return DLG_NONE;
	}
	if (key_fn(type, ch, KEY_BTAB)) {
		move_focus(d, -1);
		return DLG_NONE;
	}
	if (d->focus >= d->n)
		return button_key(d, type, ch);

	struct dfield *f = &d->f[d->focus];
	switch (f->kind) {
	case DLG_TEXT:
	case DLG_MULTI:
	case DLG_NUMBER:
		return text_key(d, f, type, ch);
	case DLG_CHOICE:
		return choice_key(d, f, type, ch);
	case DLG_LIST:
		return list_key(d, f, type, ch);
	}
	return DLG_NONE;
}

void dialog_keyhelp(const struct dialog *d, struct keyhelp *out, size_t max)
{
	const char *updown = ui_utf8 ? "\xe2\x86\x91\xe2\x86\x93" : "Up Down";
	const char *leftright = ui_utf8 ? "\xe2\x86\x90\xe2\x86\x92" : "Left Right";
	size_t n = 0;

	if (max == 0)
		return;
#define ADD(k, w, foot)                                                                            \
	do {                                                                                       \
		if (n + 1 < max)                                                                   \
			out[n++] = (struct keyhelp){(k), (w), (foot)};                             \
	} while (0)
	if (d->n == 0) {
		ADD("y", d->ok_lc, true);
		ADD("n Esc", "no", true);
		ADD("Tab", "other button", false);
	} else {
		int kind = d->focus < d->n ? (int)d->f[d->focus].kind : -1;
		if (kind == DLG_MULTI) {
			ADD("^S", d->ok_lc, true);
			ADD("Enter", "new line", true);
		} else {
			ADD("Enter", kind >= 0 || d->focus == d->n ? d->ok_lc : "cancel", true);
		}
		if (kind == DLG_LIST) {
			ADD(updown, "pick", true);
			ADD("type", "filter", true);
		} else if (kind == DLG_CHOICE) {
			ADD(leftright, "choose", true);
		}
		ADD("Tab", "next field", true);
		ADD("Esc", "cancel", true);
		ADD("S-Tab", "previous field", false);
		if (kind != DLG_MULTI)
			ADD("^S", d->ok_lc, false);
		if (kind == DLG_LIST)
			ADD("Bksp ^U", "erase / clear the filter", false);
		else if (kind == DLG_TEXT || kind == DLG_MULTI || kind == DLG_NUMBER)
			ADD("^U ^K ^W", "delete to start / to end / word", false);
	}
#undef ADD
	out[n] = (struct keyhelp){NULL, NULL, false};
}

/* ---- drawing ------------------------------------------------------------------------- */

/* Rows a field would like. */
static int want_rows(const struct dfield *f)
{
	if (f->kind == DLG_MULTI)
		return f->rows;
	if (f->kind == DLG_LIST)
		return clampi(f->nopt, 1, f->rows);
	return 1;
}

static int count_lines(const char *s, int cols)
{
	size_t n = strlen(s), off = 0, next;
	int lines = 0;

	while (off < n) {
		ui_wrap(s + off, n - off, cols, &next);
		off += next;
		lines++;
	}
	return lines;
}

static void draw_choice(const struct dfield *f, int y, int x, int w, bool focused)
{
	attr_t a = ui_attr(focused ? UI_FIELD_FOCUS : UI_NORMAL);
	const char *label = f->sel >= 0 ? f->opt[f->sel].label : "";
	int used = 0;

	if (focused)
		used += ui_put(y, x, "< ", w, a);
	used += ui_put(y, x + used, label, w - used - (focused ? 2 : 0), a);
	if (focused)
		ui_put(y, x + used, " >", w - used, a);
}

static void draw_list(struct dfield *f, struct rect r, int label_x, int label_w, bool focused)
{
	int *idx = xmalloc((size_t)(f->nopt > 0 ? f->nopt : 1) * sizeof(*idx));
	int ns = 0, ps = 0, tp = 0;

	for (int i = 0; i < f->nopt; i++) {
		if (!shown(f, i))
			continue;
		if (i == f->sel)
			ps = ns;
		if (i == f->top)
			tp = ns;
		idx[ns++] = i;
	}
	/* Scroll just enough to keep the selection in view. */
	if (ps < tp)
		tp = ps;
	if (ps >= tp + r.h)
		tp = ps - r.h + 1;
	if (tp > ns - r.h)
		tp = ns - r.h > 0 ? ns - r.h : 0;
	if (ns > 0)
		f->top = idx[tp];

	for (int row = 0; row < r.h; row++) {
		int k = tp + row;
		if (k >= ns) {
			if (row == 0) {
				const char *msg = f->nopt == 0 ? (f->empty ? f->empty : "(none)")
				                               : "(nothing matches)";
				ui_put(r.y, r.x + 2, msg, r.w - 2, ui_attr(UI_LABEL));
			}
			continue;
		}
		bool sel = idx[k] == f->sel;
		attr_t a = sel ? ui_attr(focused ? UI_CURSOR : UI_CURSOR_DIM) : A_NORMAL;
		ui_fill(r.y + row, r.x, r.w, a);
		ui_put(r.y + row, r.x, sel ? ">" : " ", 1, a);
		ui_put(r.y + row, r.x + 2, f->opt[idx[k]].label, r.w - 3, a);
	}
	/* More above or below: an arrow in the last column. */
	if (tp > 0)
		ui_put(r.y, r.x + r.w - 1, ui_utf8 ? "\xe2\x86\x91" : "^", 1, ui_attr(UI_LABEL));
	if (tp + r.h < ns)
		ui_put(r.y + r.h - 1, r.x + r.w - 1, ui_utf8 ? "\xe2\x86\x93" : "v", 1,
		       ui_attr(UI_LABEL));
	/* The filter as typed, under the label (or instead of it on a one-row list). */
	if (f->filter[0] != '\0') {
		char buf[FILTER_MAX + 8];
		snprintf(buf, sizeof(buf), "/%s", f->filter);
		int y = r.h > 1 ? r.y + 1 : r.y;
		ui_fill(y, label_x, label_w, A_NORMAL);
		ui_put(y, label_x, buf, label_w, ui_attr(UI_CHANGED));
	}
	free(idx);
}

static void draw_field(struct dfield *f, int y, int rows, int lx, int lw, int vx, int vw,
                       bool focused)
{
	attr_t fa = ui_attr(focused ? UI_FIELD_FOCUS : UI_FIELD);

	ui_put(y, lx, f->label, lw, ui_attr(focused ? UI_TITLE : UI_LABEL));
	switch (f->kind) {
	case DLG_TEXT:
	case DLG_NUMBER:
	case DLG_MULTI:
		te_draw(&f->te, (struct rect){y, vx, rows, vw}, fa, focused);
		break;
	case DLG_CHOICE:
		draw_choice(f, y, vx, vw, focused);
		break;
	case DLG_LIST:
		draw_list(f, (struct rect){y, vx, rows, vw}, lx, lw, focused);
		break;
	}
}

static void draw_buttons(const struct dialog *d, int y, int x, int w)
{
	char b[96];
	int used = 0;

	snprintf(b, sizeof(b), "[ %s ]", d->ok);
	used += ui_put(y, x, b, w, ui_attr(d->focus == d->n ? UI_BUTTON_FOCUS : UI_BUTTON)) + 2;
	snprintf(b, sizeof(b), "[ %s ]", d->cancel);
	ui_put(y, x + used, b, w - used,
	       ui_attr(d->focus == d->n + 1 ? UI_BUTTON_FOCUS : UI_BUTTON));
}

void dialog_draw(struct dialog *d, struct rect area)
{
	if (area.w < 16 || area.h < 4)
		return;
	int w = area.w - 4 < DLG_MAX_W ? area.w - 4 : DLG_MAX_W;
	if (w < 16)
		w = area.w;
	int inner = w - 4; /* between the border and one column of padding on each side */

	int lw = 0;
	for (int i = 0; i < d->n; i++) {
		int lwi = utf8_width(d->f[i].label, strlen(d->f[i].label));
		lw = lwi > lw ? lwi : lw;
	}
	lw = clampi(lw, 0, inner / 3);
	int vw = d->n > 0 ? inner - lw - 2 : inner;

	/* Rows wanted; on a short terminal give up the spacing first, then field height, then
	 * error and message lines, and finally let the fields scroll. */
	int msg = d->message[0] != '\0' ? clampi(count_lines(d->message, inner), 1, MSG_LINES) : 0;
	int err = !d->busy && d->error[0] != '\0'
	              ? clampi(count_lines(d->error, inner), 1, ERR_LINES)
	              : 1;
	bool gap = msg > 0 && d->n > 0;
	int rows[MAX_FIELDS], fields = 0;
	for (int i = 0; i < d->n; i++)
		fields += rows[i] = want_rows(&d->f[i]);
	int total = 2 + msg + gap + fields + err + 1; /* borders, error lines, buttons */
	while (total > area.h) {
		int tallest = -1;
		for (int i = 0; i < d->n; i++)
			if (rows[i] > 1 && (tallest < 0 || rows[i] > rows[tallest]))
				tallest = i;
		if (gap)
			gap = false;
		else if (tallest >= 0)
			rows[tallest]--, fields--;
		else if (err > 1)
			err--;
		else if (msg > 1)
			msg--;
		else
			break;
		total--;
	}
	int h = total < area.h ? total : area.h;
	struct rect box = {area.y + (area.h - h) / 2, area.x + (area.w - w) / 2, h, w};
	ui_clear(box, A_NORMAL);
	ui_box(box, ui_attr(UI_BORDER));
	char title[160];
	snprintf(title, sizeof(title), " %s ", d->title);
	ui_put(box.y, box.x + 2, title, w - 4, ui_attr(UI_TITLE));

	int x = box.x + 2, y = box.y + 1;
	int btn_y = box.y + h - 2, err_y = btn_y - err;
	if (err_y < box.y + 1)
		err_y = box.y + 1;
	size_t mlen = strlen(d->message), off = 0, next;
	for (int i = 0; i < msg && off < mlen && y < err_y; i++, y++) {
		size_t len = ui_wrap(d->message + off, mlen - off, inner, &next);
		ui_putn(y, x, d->message + off, len, inner, A_NORMAL, false);
		off += next;
	}
	y += gap;

	/* Fields that do not all fit scroll so that the focused one shows. */
	int first = 0, room = err_y - y;
	if (d->focus < d->n) {
		int used = 0;
		for (int i = 0; i <= d->focus; i++)
			used += rows[i];
		while (first < d->focus && used > room)
			used -= rows[first++];
	}
	for (int i = first; i < d->n && y < err_y; i++) {
		int r = rows[i] < err_y - y ? rows[i] : err_y - y;
		draw_field(&d->f[i], y, r, x, lw, x + lw + 2, vw, i == d->focus && !d->busy);
		y += r;
	}

	if (d->busy)
		ui_put(err_y, x, ui_utf8 ? "Sending\xe2\x80\xa6" : "Sending...", inner,
		       ui_attr(UI_LABEL));
	else if (d->error[0] != '\0') {
		size_t elen = strlen(d->error);
		off = 0;
		for (int ey = err_y; ey < btn_y && off < elen; ey++) {
			size_t len = ui_wrap(d->error + off, elen - off, inner, &next);
			/* The last line shown marks a cut with an ellipsis. */
			bool last = ey + 1 == btn_y && off + next < elen;
			ui_putn(ey, x, d->error + off, last ? elen - off : len, inner,
			        ui_attr(UI_ERROR), last);
			off += next;
		}
	}
	draw_buttons(d, btn_y, d->n > 0 ? x + lw + 2 : x, d->n > 0 ? vw : inner);
}
