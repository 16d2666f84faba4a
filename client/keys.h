/* keys.h - key codes the console uses beyond what curses names. */
#ifndef DESK_CLIENT_KEYS_H
#define DESK_CLIENT_KEYS_H

#include <stdbool.h>
#include <wchar.h>

#include "ui.h"

#define KEY_CTRL(c) ((c)&0x1f)
#define KEY_ESCAPE  27
#define KEY_TAB     9

/* Enter arrives as CR (nonl), LF (^J) or KEY_ENTER (keypad) depending on the terminal. */
static inline bool key_is_enter(int type, wint_t ch)
{
	return type == KEY_CODE_YES ? ch == KEY_ENTER : ch == '\r' || ch == '\n';
}

/* A plain character key (not a function key) equal to c. */
static inline bool key_is(int type, wint_t ch, wint_t c)
{
	return type == OK && ch == c;
}

/* A function key equal to k. */
static inline bool key_fn(int type, wint_t ch, int k)
{
	return type == KEY_CODE_YES && ch == (wint_t)k;
}

#endif
