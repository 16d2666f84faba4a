/* cmdline.c - the prompt on the status line: editing, history, Tab completion, drawing. */
#include "cmdline.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "commands.h"
#include "keys.h"
#include "proto.h"
#include "textedit.h"
#include "utf8.h"
#include "util.h"

#define HISTORY 50 /* lines remembered per mode */

static struct {
	bool active;
	enum cmdline_mode mode;
	struct textedit te;
	char *hist[2][HISTORY]; /* oldest first, per mode */
	size_t nhist[2];
	size_t hpos; /* while recalling: index into hist; nhist = the line being typed */
	char *typed; /* the line being typed, kept while recalling older ones */
	struct completion comp;
	long comp_i;     /* the candidate in the line now, -1 for none */
	bool comp_shown; /* candidates on the row above */
	char *comp_text; /* the line as the last Tab left it: Tab again cycles */
	char note[80];   /* "no completion" and the like, on the row above */
} cl;

static const struct keyhelp command_keys[] = {
    {"Enter", "run", true},
    {"Tab", "complete", true},
    {"\xe2\x86\x91\xe2\x86\x93", "history", true},
    {"Esc", "cancel", true},
    {"Tab Tab", "next candidate", false},
    {"^U ^K ^W", "delete to start / to end / word", false},
    {"Bksp", "on an empty line: cancel", false},
    {NULL, NULL, false},
};

static const struct keyhelp search_keys[] = {
    {"Enter", "search", true},
    {"\xe2\x86\x91\xe2\x86\x93", "history", true},
    {"Esc", "cancel", true},
    {"words", "every word must start a word of the subject, description or conversation", false},
    {"^U ^K ^W", "delete to start / to end / word", false},
    {NULL, NULL, false},
};

static void comp_reset(void)
{
	completion_free(&cl.comp);
	free(cl.comp_text);
	cl.comp_text = NULL;
	cl.comp_i = -1;
	cl.comp_shown = false;
	cl.note[0] = '\0';
}

void cmdline_open(enum cmdline_mode mode)
{
	if (cl.te.buf == NULL)
		te_init(&cl.te, mode == CMDLINE_SEARCH ? LIMIT_SUBJECT : 300, false);
	cl.te.max_chars = mode == CMDLINE_SEARCH ? LIMIT_SUBJECT : 300;
	te_set(&cl.te, "");
	cl.active = true;
	cl.mode = mode;
	cl.hpos = cl.nhist[mode];
	free(cl.typed);
	cl.typed = NULL;
	comp_reset();
	if (mode == CMDLINE_COMMAND)
		commands_prepare();
	app_redraw();
}

bool cmdline_active(void)
{
	return cl.active;
}

static void close_line(void)
{
	cl.active = false;
	comp_reset();
	free(cl.typed);
	cl.typed = NULL;
	app_redraw();
}

static void remember(const char *line)
{
	char **h = cl.hist[cl.mode];
	size_t *n = &cl.nhist[cl.mode];

	if (line[0] == '\0' || (*n > 0 && strcmp(h[*n - 1], line) == 0))
		return;
	if (*n == HISTORY) {
		free(h[0]);
		memmove(h, h + 1, (HISTORY - 1) * sizeof(*h));
		(*n)--;
	}
	h[(*n)++] = xstrdup(line);
}

/* Up / Down: an older or newer line; past the newest, the line that was being typed. */
static void recall(int dir)
{
	size_t n = cl.nhist[cl.mode];

	if ((dir < 0 && cl.hpos == 0) || (dir > 0 && cl.hpos >= n))
		return;
	if (cl.hpos == n) {
		free(cl.typed);
		cl.typed = xstrdup(te_text(&cl.te));
	}
	cl.hpos = (size_t)((long)cl.hpos + dir);
	te_set(&cl.te, cl.hpos < n ? cl.hist[cl.mode][cl.hpos] : cl.typed ? cl.typed : "");
}

/* The line with its last word (from c->word) replaced by s. */
static void put_word(const char *s, bool space)
{
	const char *line = te_text(&cl.te);
	char *next = xasprintf("%.*s%s%s", (int)cl.comp.word, line, s, space ? " " : "");

	te_set(&cl.te, next);
	free(next);
}

/* Tab: complete the word being typed; with several candidates, as far as they agree, and on
 * the next Tab each in turn. */
static void complete(void)
{
	if (cl.comp_text != NULL && strcmp(cl.comp_text, te_text(&cl.te)) == 0 && cl.comp.n > 1) {
		cl.comp_i = (cl.comp_i + 1) % (long)cl.comp.n;
		put_word(cl.comp.items[cl.comp_i], false);
	} else {
		const char *line = te_text(&cl.te);
		comp_reset();
		commands_complete(line, &cl.comp);
		const char *typed = line + cl.comp.word;
		if (cl.comp.n == 0) {
			snprintf(cl.note, sizeof(cl.note), "(nothing to complete)");
		} else if (cl.comp.n == 1) {
			put_word(cl.comp.items[0], cl.comp.command);
		} else {
			/* As far as every candidate agrees (ignoring case). */
			size_t agree = strlen(cl.comp.items[0]);
			for (size_t i = 1; i < cl.comp.n; i++) {
				size_t k = 0;
				while (k < agree && cl.comp.items[i][k] != '\0' &&
				       strncasecmp(cl.comp.items[i] + k, cl.comp.items[0] + k, 1) ==
				           0)
					k++;
				agree = k;
			}
			if (agree > strlen(typed)) {
				char *common = xstrndup(cl.comp.items[0], agree);
				put_word(common, false);
				free(common);
			}
			/* Nothing agreed further: the candidates show, and Tab again takes
			 * each in turn. */
			cl.comp_shown = true;
		}
	}
	free(cl.comp_text);
	cl.comp_text = xstrdup(te_text(&cl.te));
}

static bool is_backspace(int type, wint_t ch)
{
	return key_fn(type, ch, KEY_BACKSPACE) || key_is(type, ch, 0x7f) ||
	       key_is(type, ch, KEY_CTRL('H'));
}

bool cmdline_key(int type, wint_t ch)
{
	if (key_is(type, ch, KEY_ESCAPE)) {
		close_line();
		return true;
	}
	if (key_is_enter(type, ch)) {
		char *line = xstrdup(te_text(&cl.te));
		enum cmdline_mode mode = cl.mode;
		remember(line);
		/* Closed first: the command may open the prompt again (:search alone). */
		close_line();
		if (mode == CMDLINE_SEARCH)
			commands_search(line);
		else
			commands_run(line);
		free(line);
		return true;
	}
	if (key_is(type, ch, KEY_TAB)) {
		if (cl.mode == CMDLINE_COMMAND)
			complete();
		return true;
	}
	cl.comp_shown = false;
	cl.note[0] = '\0';
	if (key_fn(type, ch, KEY_UP) || key_fn(type, ch, KEY_DOWN)) {
		recall(key_fn(type, ch, KEY_UP) ? -1 : +1);
		return true;
	}
	/* Backspace on an empty line leaves it, as in vi. */
	if (is_backspace(type, ch) && te_chars(&cl.te) == 0) {
		close_line();
		return true;
	}
	te_key(&cl.te, type, ch);
	return true;
}

void cmdline_draw(int y, int w)
{
	const char *prompt = cl.mode == CMDLINE_SEARCH ? "Search: " : ":";

	ui_fill(y, 0, w, A_NORMAL);
	int pw = ui_put(y, 0, prompt, w, ui_attr(UI_TITLE));
	te_draw(&cl.te, (struct rect){y, pw, 1, w - pw}, A_NORMAL, true);
	if (y < 1 || (!cl.comp_shown && cl.note[0] == '\0'))
		return;
	/* The candidates (or a note) on the row above, the one in the line highlighted. */
	ui_fill(y - 1, 0, w, ui_attr(UI_FOOTER));
	if (cl.note[0] != '\0') {
		ui_put(y - 1, 1, cl.note, w - 2, ui_attr(UI_FOOTER));
		return;
	}
	int x = 1;
	for (size_t i = 0; i < cl.comp.n && x < w - 1; i++) {
		const char *s = cl.comp.items[i];
		int sw = utf8_width(s, strlen(s));
		if (x + sw + 1 > w - 1 && i > 0) {
			ui_put(y - 1, x, ui_ellipsis(), w - x, ui_attr(UI_FOOTER));
			break;
		}
		ui_put(y - 1, x, s, w - x - 1,
		       ui_attr((long)i == cl.comp_i ? UI_CURSOR : UI_FOOTER_KEY));
		x += sw + 2;
	}
}

const struct keyhelp *cmdline_keys(void)
{
	static struct keyhelp all[ARRAY_LEN(command_keys) + 16];

	if (cl.mode == CMDLINE_SEARCH)
		return search_keys;
	/* The prompt's keys, then every command (for the help overlay). */
	size_t n = 0;
	for (size_t i = 0; command_keys[i].key != NULL; i++)
		all[n++] = command_keys[i];
	for (const struct keyhelp *k = commands_help(); k->key != NULL && n + 1 < ARRAY_LEN(all);
	     k++)
		all[n++] = *k;
	all[n] = (struct keyhelp){NULL, NULL, false};
	return all;
}

void cmdline_fini(void)
{
	comp_reset();
	free(cl.typed);
	for (int m = 0; m < 2; m++)
		for (size_t i = 0; i < cl.nhist[m]; i++)
			free(cl.hist[m][i]);
	if (cl.te.buf != NULL)
		te_free(&cl.te);
	memset(&cl, 0, sizeof(cl));
	commands_fini();
}
