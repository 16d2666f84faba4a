/* ui.h - terminal setup, semantic colour elements and UTF-8 aware drawing primitives. */
#ifndef DESK_CLIENT_UI_H
#define DESK_CLIENT_UI_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* What is drawn, not how: each scheme maps these to attributes (htop's CRT.c idea). */
enum ui_elem {
	UI_NORMAL,
	UI_HEADER,      /* the top bar */
	UI_HEADER_BOLD, /* agent name inside the top bar */
	UI_CONN_OK,     /* "connected" */
	UI_CONN_WAIT,   /* "connecting…" */
	UI_CONN_DOWN,   /* "offline — retrying" */
	UI_FOOTER,      /* key hints bar */
	UI_FOOTER_KEY,  /* the key inside a hint */
	UI_STATUS_INFO,
	UI_STATUS_ERROR,
	UI_TITLE,        /* section and screen titles */
	UI_LABEL,        /* field labels, secondary text */
	UI_COLHEAD,      /* list column headings */
	UI_CURSOR,       /* selected row in the focused pane */
	UI_CURSOR_DIM,   /* selected row in the other pane */
	UI_CHANGED,      /* a row that just changed */
	UI_CHANGED_FADE, /* the same, a moment later: fading back to normal */
	UI_P1,
	UI_P2,
	UI_P3,
	UI_P4,
	UI_FIELD,       /* an input field */
	UI_FIELD_FOCUS, /* the input field being edited */
	UI_BUTTON,
	UI_BUTTON_FOCUS,
	UI_BORDER,
	UI_ERROR, /* inline error text inside a view */
	/* SLA clocks by state; in monochrome the text carries the difference too. */
	UI_SLA_OK,     /* running, before the warning share */
	UI_SLA_WARN,   /* running, past the warning share */
	UI_SLA_BREACH, /* running, past the due time */
	UI_SLA_PAUSED, /* not running: ticket pending or on hold */
	UI_SLA_MET,    /* met on time */
	UI_SLA_LATE,   /* met after the due time */
	UI_COUNT
};

struct rect {
	int y, x, h, w;
};

/* v limited to [lo, hi]: layout arithmetic is full of it. */
static inline int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Set after ui_init: whether the locale can show "…" and "—". */
extern bool ui_utf8;
/* Set after ui_init: the colour scheme in use: 256, 8, or 0 for monochrome. */
extern int ui_colours;

/* Returns -1 (after a message on stderr) if the terminal cannot be used. */
int ui_init(void);
void ui_fini(void);
/* Re-read the terminal size after SIGWINCH (resizeterm then queues a KEY_RESIZE). */
void ui_resize(void);
attr_t ui_attr(enum ui_elem e);
const char *ui_ellipsis(void);
const char *ui_dash(void);

/* Start a frame (forget any cursor request) and finish it (place or hide the cursor, push
 * the changes to the terminal with one doupdate). */
void ui_frame_begin(void);
void ui_frame_end(void);
/* Ask for the terminal cursor at y,x when the frame ends (text entry). */
void ui_cursor(int y, int x);

/* Draw text clipped to cols columns (never splitting a character; control characters
 * shown as '?'). ellipsis marks a cut. Returns the columns used. */
int ui_putn(int y, int x, const char *s, size_t n, int cols, attr_t a, bool ellipsis);
int ui_put(int y, int x, const char *s, int cols, attr_t a);
/* Same, then pad with spaces in the same attribute to exactly cols columns. */
void ui_put_pad(int y, int x, const char *s, int cols, attr_t a);
/* Right-align s within cols columns ending at x + cols. */
void ui_put_right(int y, int x, const char *s, int cols, attr_t a);
void ui_fill(int y, int x, int cols, attr_t a);
void ui_box(struct rect r, attr_t a);
/* Clear a rectangle with the given attribute. */
void ui_clear(struct rect r, attr_t a);

/* Word-wrap: the bytes of s[0..n) that make up the first line of at most cols columns.
 * *next gets the offset where the following line starts. Breaks at '\n', then after the last
 * space that fits, else at a character boundary; always makes progress when n > 0. */
size_t ui_wrap(const char *s, size_t n, int cols, size_t *next);

/* The mouse (xterm-style reports; off with DESK_MOUSE=0). A view's key function gets
 * KEY_MOUSE and reads the event with ui_mouse_read. */
enum ui_mouse {
	UI_MOUSE_NONE,   /* nothing usable (a button we do not use) */
	UI_MOUSE_CLICK,  /* left click */
	UI_MOUSE_DOUBLE, /* left double (or triple) click */
	UI_MOUSE_UP,     /* wheel up */
	UI_MOUSE_DOWN,   /* wheel down */
};
enum ui_mouse ui_mouse_read(int *y, int *x);
static inline bool ui_in(struct rect r, int y, int x)
{
	return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

/* Local-time formatting of a ms timestamp. */
void ui_fmt_time(char *buf, size_t len, const char *fmt, long long ms);

#endif
