/* screen.h - the frame around every view: header bar, status line, key footer, help. */
#ifndef DESK_CLIENT_SCREEN_H
#define DESK_CLIENT_SCREEN_H

#include <stdbool.h>
#include <wchar.h>

/* Paint the screen: everything when full, else only the header (the clock tick); ncurses
 * then sends the terminal only the cells that differ. */
void screen_draw(bool full);
/* A key while the help overlay is open: true if it scrolled the overlay (Up, Down, PgUp,
 * PgDn, Home, End, j, k, Space, the wheel); any other key closes it. */
bool screen_help_key(int type, wint_t ch);

#endif
