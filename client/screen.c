/* screen.c - the frame around every view: header, status line, key footer, help. */
#include "screen.h"

#include <string.h>

#include "app.h"
#include "ui.h"
#include "utf8.h"
#include "util.h"

#define MIN_COLS 40
#define MIN_ROWS 10

static const struct keyhelp global_keys[] = {
    {"F1 ?", "this help", false}, {"^L", "repaint the screen", false},
    {"^Z", "suspend", false},     {"^C", "quit", false},
    {NULL, NULL, false},
};

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
	ui_fill(y, 0, COLS, A_NORMAL);
	if (app.status[0] != '\0')
		ui_put(y, 1, app.status, COLS - 2,
		       ui_attr(app.status_error ? UI_STATUS_ERROR : UI_STATUS_INFO));
}

static void draw_footer(int y)
{
	const struct keyhelp *k = app.view->keys;
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

static int count_keys(const struct keyhelp *k)
{
	int n = 0;

	while (k != NULL && k[n].key != NULL)
		n++;
	return n;
}

static void draw_help_list(const struct keyhelp *k, int *y, int x, int w, int bottom)
{
	for (; k != NULL && k->key != NULL && *y < bottom; k++, (*y)++) {
		ui_put(*y, x, k->key, 12, ui_attr(UI_TITLE));
		ui_put(*y, x + 13, k->what, w - 13, A_NORMAL);
	}
}

static void draw_help(void)
{
	int nk = count_keys(app.view->keys), ng = count_keys(global_keys);
	struct rect r;

	r.w = COLS - 4 < 64 ? COLS - 4 : 64;
	r.h = nk + ng + 5;
	if (r.h > LINES - 2)
		r.h = LINES - 2;
	r.y = (LINES - r.h) / 2;
	r.x = (COLS - r.w) / 2;
	ui_clear(r, A_NORMAL);
	ui_box(r, ui_attr(UI_BORDER));
	char title[96];
	snprintf(title, sizeof(title), " Keys: %s ", app.view->title);
	ui_put(r.y, r.x + 2, title, r.w - 4, ui_attr(UI_TITLE));

	int y = r.y + 1, bottom = r.y + r.h - 2;
	draw_help_list(app.view->keys, &y, r.x + 2, r.w - 4, bottom);
	y++;
	draw_help_list(global_keys, &y, r.x + 2, r.w - 4, bottom);
	ui_put(r.y + r.h - 2, r.x + 2, "Press any key to close", r.w - 4, ui_attr(UI_LABEL));
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
