/* ui.c - ncurses setup, colour and monochrome schemes, UTF-8 width-correct drawing. */
#include "ui.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "log.h"
#include "utf8.h"
#include "util.h"

bool ui_utf8;
int ui_colours;

static SCREEN *screen;
static attr_t attrs[UI_COUNT];
static bool cursor_wanted;
static int cursor_y, cursor_x;
static int cursor_visible = -1; /* what we last told curs_set, to avoid resending it */

struct style {
	short fg, bg;
	attr_t a;
};

#define DFLT (-1) /* the terminal's own colour (use_default_colors) */

static const struct style colour_scheme[UI_COUNT] = {
    [UI_NORMAL] = {DFLT, DFLT, A_NORMAL},
    [UI_HEADER] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL},
    [UI_HEADER_BOLD] = {COLOR_WHITE, COLOR_BLUE, A_BOLD},
    [UI_CONN_OK] = {COLOR_GREEN, COLOR_BLUE, A_BOLD},
    [UI_CONN_WAIT] = {COLOR_YELLOW, COLOR_BLUE, A_BOLD},
    [UI_CONN_DOWN] = {COLOR_WHITE, COLOR_RED, A_BOLD},
    [UI_FOOTER] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [UI_FOOTER_KEY] = {DFLT, DFLT, A_BOLD},
    [UI_STATUS_INFO] = {COLOR_GREEN, DFLT, A_BOLD},
    [UI_STATUS_ERROR] = {COLOR_RED, DFLT, A_BOLD},
    [UI_TITLE] = {DFLT, DFLT, A_BOLD},
    [UI_LABEL] = {COLOR_CYAN, DFLT, A_NORMAL},
    [UI_COLHEAD] = {COLOR_CYAN, DFLT, A_BOLD},
    [UI_CURSOR] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [UI_CURSOR_DIM] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL},
    [UI_CHANGED] = {COLOR_YELLOW, DFLT, A_BOLD},
    [UI_CHANGED_FADE] = {COLOR_YELLOW, DFLT, A_NORMAL},
    [UI_P1] = {COLOR_RED, DFLT, A_BOLD},
    [UI_P2] = {COLOR_YELLOW, DFLT, A_NORMAL},
    [UI_P3] = {DFLT, DFLT, A_NORMAL},
    [UI_P4] = {DFLT, DFLT, A_DIM},
    [UI_FIELD] = {DFLT, DFLT, A_UNDERLINE},
    [UI_FIELD_FOCUS] = {COLOR_YELLOW, DFLT, A_UNDERLINE | A_BOLD},
    [UI_BUTTON] = {DFLT, DFLT, A_BOLD},
    [UI_BUTTON_FOCUS] = {COLOR_BLACK, COLOR_CYAN, A_BOLD},
    [UI_BORDER] = {COLOR_CYAN, DFLT, A_NORMAL},
    [UI_ERROR] = {COLOR_RED, DFLT, A_BOLD},
    [UI_SLA_OK] = {COLOR_GREEN, DFLT, A_NORMAL},
    [UI_SLA_WARN] = {COLOR_YELLOW, DFLT, A_NORMAL},
    [UI_SLA_BREACH] = {COLOR_RED, DFLT, A_BOLD},
    [UI_SLA_PAUSED] = {COLOR_BLUE, DFLT, A_NORMAL},
    [UI_SLA_MET] = {DFLT, DFLT, A_NORMAL},
    [UI_SLA_LATE] = {COLOR_RED, DFLT, A_NORMAL},
};

/* With 256 colours the bars, the cursor and a changed row get quieter shades (a dark blue
 * header, grey footer, a tinted background that fades on changed rows) instead of the
 * saturated eight. Only these differ from the eight-colour scheme; the SLA states keep the
 * basic colours, which every palette renders the same. */
struct style256 {
	bool set;
	short fg, bg;
	attr_t a;
};

static const struct style256 scheme256[UI_COUNT] = {
    [UI_HEADER] = {true, 255, 24, A_NORMAL},         [UI_HEADER_BOLD] = {true, 231, 24, A_BOLD},
    [UI_CONN_OK] = {true, 120, 24, A_BOLD},          [UI_CONN_WAIT] = {true, 221, 24, A_BOLD},
    [UI_CONN_DOWN] = {true, 231, 124, A_BOLD},       [UI_FOOTER] = {true, 252, 237, A_NORMAL},
    [UI_FOOTER_KEY] = {true, 222, 237, A_BOLD},      [UI_LABEL] = {true, 110, DFLT, A_NORMAL},
    [UI_COLHEAD] = {true, 110, DFLT, A_BOLD},        [UI_CURSOR] = {true, 231, 25, A_NORMAL},
    [UI_CURSOR_DIM] = {true, 231, 240, A_NORMAL},    [UI_CHANGED] = {true, 230, 58, A_BOLD},
    [UI_CHANGED_FADE] = {true, DFLT, 236, A_NORMAL}, [UI_BUTTON_FOCUS] = {true, 231, 25, A_BOLD},
    [UI_BORDER] = {true, 67, DFLT, A_NORMAL},
};

/* Without colour every distinction must survive as bold, reverse, underline or dim. */
static const attr_t mono_scheme[UI_COUNT] = {
    [UI_NORMAL] = A_NORMAL,
    [UI_HEADER] = A_REVERSE,
    [UI_HEADER_BOLD] = A_REVERSE | A_BOLD,
    [UI_CONN_OK] = A_REVERSE | A_BOLD,
    [UI_CONN_WAIT] = A_REVERSE,
    [UI_CONN_DOWN] = A_REVERSE | A_BOLD | A_UNDERLINE,
    [UI_FOOTER] = A_REVERSE,
    [UI_FOOTER_KEY] = A_BOLD,
    [UI_STATUS_INFO] = A_BOLD,
    [UI_STATUS_ERROR] = A_BOLD | A_UNDERLINE,
    [UI_TITLE] = A_BOLD,
    [UI_LABEL] = A_DIM,
    [UI_COLHEAD] = A_BOLD | A_UNDERLINE,
    [UI_CURSOR] = A_REVERSE,
    [UI_CURSOR_DIM] = A_UNDERLINE,
    [UI_CHANGED] = A_BOLD | A_UNDERLINE,
    [UI_CHANGED_FADE] = A_BOLD,
    [UI_P1] = A_BOLD,
    [UI_P2] = A_NORMAL,
    [UI_P3] = A_NORMAL,
    [UI_P4] = A_DIM,
    [UI_FIELD] = A_UNDERLINE,
    [UI_FIELD_FOCUS] = A_UNDERLINE | A_BOLD,
    [UI_BUTTON] = A_BOLD,
    [UI_BUTTON_FOCUS] = A_REVERSE | A_BOLD,
    [UI_BORDER] = A_NORMAL,
    [UI_ERROR] = A_BOLD,
    /* Warning bold, breach reverse: the two that need a glance; the cell's own markers
     * ('!' breached, a pause sign, "met late") say the rest. */
    [UI_SLA_OK] = A_NORMAL,
    [UI_SLA_WARN] = A_BOLD,
    [UI_SLA_BREACH] = A_REVERSE | A_BOLD,
    [UI_SLA_PAUSED] = A_DIM,
    [UI_SLA_MET] = A_NORMAL,
    [UI_SLA_LATE] = A_UNDERLINE,
};

static bool want_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	/* https://no-color.org: present and non-empty disables colour. */
	if (nc != NULL && nc[0] != '\0')
		return false;
	return has_colors();
}

static void setup_scheme(void)
{
	if (!want_colour() || start_color() == ERR || COLOR_PAIRS < UI_COUNT + 1) {
		memcpy(attrs, mono_scheme, sizeof(attrs));
		ui_colours = 0;
		return;
	}
	bool dflt = use_default_colors() == OK;
	ui_colours = COLORS >= 256 ? 256 : 8;
	for (int e = 0; e < UI_COUNT; e++) {
		short fg = colour_scheme[e].fg, bg = colour_scheme[e].bg;
		attr_t a = colour_scheme[e].a;
		if (ui_colours == 256 && scheme256[e].set) {
			fg = scheme256[e].fg;
			bg = scheme256[e].bg;
			a = scheme256[e].a;
		}
		if (!dflt) {
			fg = fg == DFLT ? COLOR_WHITE : fg;
			bg = bg == DFLT ? COLOR_BLACK : bg;
		}
		init_pair((short)(e + 1), fg, bg);
		attrs[e] = COLOR_PAIR(e + 1) | a;
	}
}

/* Clicks and the wheel, unless DESK_MOUSE=0 (the terminal's own selection then works without
 * Shift). ncurses pairs a press with its release into a click (waiting up to its click
 * interval, a sixth of a second, for the release) and two clicks into a double click; pairing
 * them ourselves from presses alone loses presses whose release arrives in the same read. */
static void setup_mouse(void)
{
	const char *m = getenv("DESK_MOUSE");

	if (m != NULL && strcmp(m, "0") == 0)
		return;
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_TRIPLE_CLICKED |
	              BUTTON4_PRESSED | BUTTON5_PRESSED,
	          NULL);
}

enum ui_mouse ui_mouse_read(int *y, int *x)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return UI_MOUSE_NONE;
	log_debug("mouse: y %d x %d state %#lx", ev.y, ev.x, (unsigned long)ev.bstate);
	*y = ev.y;
	*x = ev.x;
	if (ev.bstate & BUTTON4_PRESSED)
		return UI_MOUSE_UP;
	if (ev.bstate & BUTTON5_PRESSED)
		return UI_MOUSE_DOWN;
	if (ev.bstate & (BUTTON1_DOUBLE_CLICKED | BUTTON1_TRIPLE_CLICKED))
		return UI_MOUSE_DOUBLE;
	if (ev.bstate & BUTTON1_CLICKED)
		return UI_MOUSE_CLICK;
	return UI_MOUSE_NONE;
}

int ui_init(void)
{
	const char *cs = nl_langinfo(CODESET);

	ui_utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	/* newterm rather than initscr: initscr exits on an unknown $TERM, and we want the
	 * SCREEN to free it at exit. */
	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL) {
		const char *term = getenv("TERM");
		fprintf(stderr, "desk: cannot use terminal type '%s'\n", term ? term : "");
		return -1;
	}
	set_term(screen);
	/* raw, not cbreak: ^S must reach us as "save" instead of stopping the terminal, and ^C
	 * is handled as a key so the screen is restored on the way out. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Esc closes things; do not wait a whole second to see whether it starts a sequence. */
	set_escdelay(25);
	/* Never abandon a refresh half-way because input is pending: we read input from the
	 * event loop, and a half-drawn screen would stay half-drawn until the next change. */
	typeahead(-1);
	setup_scheme();
	setup_mouse();
	cursor_visible = -1;
	return 0;
}

void ui_fini(void)
{
	if (screen == NULL)
		return;
	if (!isendwin())
		endwin();
	/* Release ncurses' own screen structures so a leak checker sees a clean exit. */
	delscreen(screen);
	screen = NULL;
}

void ui_resize(void)
{
	struct winsize ws;

	/* Ask the terminal directly and let resizeterm adjust every window. No endwin and
	 * refresh: that refresh makes ncurses queue a KEY_RESIZE of its own, and a resize
	 * handled again on that key would loop forever. */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	/* The terminal's contents are unknown after a resize: repaint everything. */
	clearok(curscr, TRUE);
}

attr_t ui_attr(enum ui_elem e)
{
	return attrs[e];
}

const char *ui_ellipsis(void)
{
	return ui_utf8 ? "\xe2\x80\xa6" : "~";
}

const char *ui_dash(void)
{
	return ui_utf8 ? "\xe2\x80\x94" : "-";
}

void ui_frame_begin(void)
{
	cursor_wanted = false;
}

void ui_cursor(int y, int x)
{
	cursor_wanted = true;
	cursor_y = y;
	cursor_x = x;
}

void ui_frame_end(void)
{
	int vis = cursor_wanted ? 1 : 0;

	if (vis != cursor_visible) {
		curs_set(vis);
		cursor_visible = vis;
	}
	if (cursor_wanted)
		move(cursor_y, cursor_x);
	leaveok(stdscr, !cursor_wanted);
	wnoutrefresh(stdscr);
	doupdate();
}

/* A code point we can hand to the terminal, or '?' for anything that would move the cursor
 * or print something of unknown width. utf8_width counts all of these as one column, so the
 * substitution keeps the column arithmetic exact. */
static wchar_t printable(unsigned cp)
{
	if (cp == '\t')
		return L' ';
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return L'?';
	if (wcwidth((wchar_t)cp) < 0)
		return L'?';
	return (wchar_t)cp;
}

static void put_fitted(const char *s, size_t n)
{
	wchar_t buf[128];
	size_t i = 0, k = 0;
	unsigned cp;

	while (i < n) {
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (l == 0) {
			l = 1;
			cp = '?';
		}
		buf[k++] = printable(cp);
		i += l;
		if (k == ARRAY_LEN(buf)) {
			addnwstr(buf, (int)k);
			k = 0;
		}
	}
	if (k > 0)
		addnwstr(buf, (int)k);
}

int ui_putn(int y, int x, const char *s, size_t n, int cols, attr_t a, bool ellipsis)
{
	int w = 0;
	size_t fit;

	/* Off-screen: curses would refuse the move and draw at the old position instead. */
	if (cols <= 0 || s == NULL || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (cols > COLS - x)
		cols = COLS - x;
	fit = utf8_fit(s, n, cols, &w);
	bool cut = fit < n;
	if (cut && ellipsis)
		fit = utf8_fit(s, n, cols - 1, &w);
	attrset(a);
	move(y, x);
	put_fitted(s, fit);
	if (cut && ellipsis) {
		addstr(ui_ellipsis());
		w++;
	}
	attrset(A_NORMAL);
	return w;
}

int ui_put(int y, int x, const char *s, int cols, attr_t a)
{
	return s != NULL ? ui_putn(y, x, s, strlen(s), cols, a, true) : 0;
}

void ui_fill(int y, int x, int cols, attr_t a)
{
	if (cols <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	attrset(a);
	mvhline(y, x, ' ', cols);
	attrset(A_NORMAL);
}

void ui_put_pad(int y, int x, const char *s, int cols, attr_t a)
{
	int w = ui_put(y, x, s, cols, a);

	ui_fill(y, x + w, cols - w, a);
}

void ui_put_right(int y, int x, const char *s, int cols, attr_t a)
{
	int w = utf8_width(s, strlen(s));

	if (w > cols)
		w = cols;
	ui_put(y, x + cols - w, s, w, a);
}

void ui_clear(struct rect r, attr_t a)
{
	for (int i = 0; i < r.h; i++)
		ui_fill(r.y + i, r.x, r.w, a);
}

void ui_box(struct rect r, attr_t a)
{
	if (r.h < 2 || r.w < 2)
		return;
	attrset(a);
	mvaddch(r.y, r.x, ACS_ULCORNER);
	mvhline(r.y, r.x + 1, ACS_HLINE, r.w - 2);
	mvaddch(r.y, r.x + r.w - 1, ACS_URCORNER);
	mvvline(r.y + 1, r.x, ACS_VLINE, r.h - 2);
	mvvline(r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
	mvaddch(r.y + r.h - 1, r.x, ACS_LLCORNER);
	mvhline(r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
	mvaddch(r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
}

size_t ui_wrap(const char *s, size_t n, int cols, size_t *next)
{
	const char *nl = memchr(s, '\n', n);
	size_t lim = nl != NULL ? (size_t)(nl - s) : n;
	size_t shown = lim;
	size_t fit;

	if (cols < 1)
		cols = 1;
	/* CRLF text: the CR is not content. */
	if (shown > 0 && s[shown - 1] == '\r')
		shown--;
	fit = utf8_fit(s, shown, cols, NULL);
	if (fit == shown) {
		*next = nl != NULL ? lim + 1 : n;
		return shown;
	}
	/* Break after the last space that fits (or at one right at the edge). */
	size_t brk = fit;
	while (brk > 0 && s[brk] != ' ')
		brk--;
	if (s[brk] == ' ' && brk > 0) {
		size_t end = brk;
		while (end > 0 && s[end - 1] == ' ')
			end--;
		size_t nx = brk;
		while (nx < shown && s[nx] == ' ')
			nx++;
		if (end > 0) {
			*next = nx;
			return end;
		}
	}
	if (fit == 0) {
		/* One character wider than the line: show it anyway rather than loop forever. */
		unsigned cp;
		fit = utf8_decode(s, shown, &cp);
		if (fit == 0)
			fit = 1;
	}
	*next = fit;
	return fit;
}

void ui_fmt_time(char *buf, size_t len, const char *fmt, long long ms)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, fmt, &tm) == 0)
		snprintf(buf, len, "?");
}
