/* screen.c - the frame around every view: header, status line, key footer, help. */
#include "screen.h"

#include <string.h>

#include "app.h"
#include "cmdline.h"
#include "keys.h"
#include "presence.h"
#include "ui.h"
#include "utf8.h"
#include "util.h"

#define MIN_COLS   40
#define MIN_ROWS   10
#define HELP_MAX_W 96 /* the help overlay's widest */
#define HELP_KEY_W 18 /* its key column at most */

static int help_top;     /* first line of the help shown */
static int help_max_top; /* how far it scrolls, as of the last draw */
static int help_page;    /* its rows, as of the last draw */

static const struct keyhelp global_keys[] = {
    {"F1 ?", "this help (\xe2\x86\x91\xe2\x86\x93 PgUp PgDn scroll it)", false},
    {"^L", "repaint the screen", false},
    {"^Z", "suspend", false},
    {"^C", "quit", false},
    {NULL, NULL, false},
};

/* The keys of what has the keyboard: the prompt while it is open, else the view. */
static const struct keyhelp *current_keys(void)
{
	return cmdline_active() ? cmdline_keys() : app.view->keys;
}

static void draw_header(void)
{
	attr_t bar = ui_attr(UI_HEADER);
	char buf[256], clock[16];
	int x = 0, w = COLS;
	enum ui_elem st;

	ui_fill(0, 0, w, bar);
	x += ui_put(0, x, " desk ", w - x, ui_attr(UI_HEADER_BOLD));
	if (app.agent.login != NULL) {
		if (app.agent.role[0] != '\0')
			snprintf(buf, sizeof(buf), " %s (%s) ", app.agent.name, app.agent.role);
		else
			snprintf(buf, sizeof(buf), " %s ", app.agent.name);
		x += ui_put(0, x, buf, w - x, bar);
		if (presence_away())
			x += ui_put(0, x, "away ", w - x, bar);
	}
	switch (conn_state(app.conn)) {
	case CONN_READY:
		st = UI_CONN_OK;
		snprintf(buf, sizeof(buf), " connected ");
		break;
	case CONN_CONNECTING:
	case CONN_HANDSHAKE:
		st = UI_CONN_WAIT;
		snprintf(buf, sizeof(buf), " connecting%s ", ui_ellipsis());
		break;
	default:
		st = UI_CONN_DOWN;
		snprintf(buf, sizeof(buf), " offline %s retrying in %ds ", ui_dash(),
		         conn_retry_in(app.conn));
		break;
	}
	x += 1;
	x += ui_put(0, x, buf, w - x, ui_attr(st));

	/* The server's clock: what SLA deadlines and ticket times are measured against. */
	ui_fmt_time(clock, sizeof(clock), "%H:%M:%S", conn_server_now(app.conn));
	int cw = (int)strlen(clock) + 1;
	if (w - x > cw + 1)
		ui_put(0, w - cw, clock, cw, ui_attr(UI_HEADER_BOLD));
}

static void draw_status(int y)
{
	if (cmdline_active()) {
		cmdline_draw(y, COLS);
		return;
	}
	ui_fill(y, 0, COLS, A_NORMAL);
	if (app.status[0] != '\0')
		ui_put(y, 1, app.status, COLS - 2,
		       ui_attr(app.status_error ? UI_STATUS_ERROR : UI_STATUS_INFO));
}

static void draw_footer(int y)
{
	const struct keyhelp *k = current_keys();
	int x = 0;

	ui_fill(y, 0, COLS, ui_attr(UI_FOOTER));
	for (; k != NULL && k->key != NULL; k++) {
		if (!k->footer)
			continue;
		int need =
		    utf8_width(k->key, strlen(k->key)) + utf8_width(k->what, strlen(k->what)) + 2;
		if (x + need > COLS)
			break;
		x += ui_put(y, x, k->key, COLS - x, ui_attr(UI_FOOTER_KEY));
		x += ui_put(y, x, " ", COLS - x, ui_attr(UI_FOOTER));
		x += ui_put(y, x, k->what, COLS - x, ui_attr(UI_FOOTER));
		x += ui_put(y, x, " ", COLS - x, ui_attr(UI_FOOTER));
	}
}

/* The help as a page of lines, drawn from line help_top on: each key with what it does, the
 * description wrapped beside the key. Returns the lines it takes in all. */
static int help_lines(const struct keyhelp *k, int line, struct rect r, int kw)
{
	for (; k != NULL && k->key != NULL; k++) {
		size_t n = strlen(k->what), off = 0, next;
		bool first = true;
		do {
			size_t len = ui_wrap(k->what + off, n - off, r.w - kw, &next);
			int y = r.y + line - help_top;
			if (y >= r.y && y < r.y + r.h) {
				if (first)
					ui_put(y, r.x, k->key, kw - 1, ui_attr(UI_TITLE));
				ui_putn(y, r.x + kw, k->what + off, len, r.w - kw, A_NORMAL, false);
			}
			off += next;
			first = false;
			line++;
		} while (off < n);
	}
	return line;
}

static int key_width(const struct keyhelp *k, int w)
{
	for (; k != NULL && k->key != NULL; k++) {
		int kw = utf8_width(k->key, strlen(k->key)) + 1;
		w = kw > w ? kw : w;
	}
	return w;
}

static void draw_help(void)
{
	const struct keyhelp *keys = current_keys();
	struct rect r, in;
	int kw = key_width(global_keys, key_width(keys, 6));

	kw = kw < HELP_KEY_W ? kw : HELP_KEY_W;
	r.w = COLS - 4 < HELP_MAX_W ? COLS - 4 : HELP_MAX_W;
	in = (struct rect){0, 0, 0, r.w - 4};
	/* Measure first: the box is as tall as the lines, within the screen. */
	int total = help_lines(global_keys, help_lines(keys, 0, in, kw) + 1, in, kw);
	r.h = total + 4;
	if (r.h > LINES - 2)
		r.h = LINES - 2;
	r.y = (LINES - r.h) / 2;
	r.x = (COLS - r.w) / 2;
	in = (struct rect){r.y + 1, r.x + 2, r.h - 3, r.w - 4};
	help_page = in.h;
	help_max_top = total > in.h ? total - in.h : 0;
	help_top = clampi(help_top, 0, help_max_top);

	ui_clear(r, A_NORMAL);
	ui_box(r, ui_attr(UI_BORDER));
	char title[96];
	snprintf(title, sizeof(title), " Keys: %s ",
	         cmdline_active() ? "command line" : app.view->title);
	ui_put(r.y, r.x + 2, title, r.w - 4, ui_attr(UI_TITLE));
	help_lines(global_keys, help_lines(keys, 0, in, kw) + 1, in, kw);
	char more[96];
	if (help_max_top > 0)
		snprintf(more, sizeof(more), "%d%%  %s%s scroll, any other key closes",
		         help_top * 100 / help_max_top,
		         ui_utf8 ? "\xe2\x86\x91\xe2\x86\x93" : "Up Down", " PgUp PgDn");
	else
		snprintf(more, sizeof(more), "Press any key to close");
	ui_put(r.y + r.h - 2, r.x + 2, more, r.w - 4, ui_attr(UI_LABEL));
}

bool screen_help_key(int type, wint_t ch)
{
	int page = help_page > 1 ? help_page - 1 : 1;

	if (key_fn(type, ch, KEY_MOUSE)) {
		int y, x;
		enum ui_mouse m = ui_mouse_read(&y, &x);
		if (m != UI_MOUSE_UP && m != UI_MOUSE_DOWN)
			return false;
		help_top += m == UI_MOUSE_UP ? -3 : 3;
	} else if (key_fn(type, ch, KEY_UP) || key_is(type, ch, 'k')) {
		help_top--;
	} else if (key_fn(type, ch, KEY_DOWN) || key_is(type, ch, 'j')) {
		help_top++;
	} else if (key_fn(type, ch, KEY_PPAGE)) {
		help_top -= page;
	} else if (key_fn(type, ch, KEY_NPAGE) || key_is(type, ch, ' ')) {
		help_top += page;
	} else if (key_fn(type, ch, KEY_HOME)) {
		help_top = 0;
	} else if (key_fn(type, ch, KEY_END)) {
		help_top = help_max_top;
	} else {
		help_top = 0; /* the next time it opens at the top */
		return false;
	}
	help_top = clampi(help_top, 0, help_max_top);
	return true;
}

void screen_draw(bool full)
{
	if (COLS < MIN_COLS || LINES < MIN_ROWS) {
		ui_frame_begin();
		erase();
		char msg[64];
		snprintf(msg, sizeof(msg), "Terminal too small: %dx%d, need %dx%d", COLS, LINES,
		         MIN_COLS, MIN_ROWS);
		ui_put(0, 0, msg, COLS, A_NORMAL);
		ui_frame_end();
		return;
	}
	if (!full) {
		/* Keep whatever cursor the last full frame asked for (a form being typed in). */
		draw_header();
		ui_frame_end();
		return;
	}
	ui_frame_begin();
	erase();
	draw_header();
	app.view->draw((struct rect){1, 0, LINES - 3, COLS});
	draw_status(LINES - 2);
	draw_footer(LINES - 1);
	if (app.help) {
		ui_frame_begin(); /* no text cursor on top of the overlay */
		draw_help();
	}
	ui_frame_end();
}
