/* screen.h - the frame around every view: header bar, status line, key footer, help. */
#ifndef DESK_CLIENT_SCREEN_H
#define DESK_CLIENT_SCREEN_H

#include <stdbool.h>

/* Paint the screen: everything when full, else only the header (the clock tick); ncurses
 * then sends the terminal only the cells that differ. */
void screen_draw(bool full);

#endif
