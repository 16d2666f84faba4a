/* ticket-actions.h - what an agent can do to the ticket in the detail view, one key each. */
#ifndef DESK_CLIENT_TICKET_ACTIONS_H
#define DESK_CLIENT_TICKET_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "model.h"
#include "ui.h"
#include "view.h"

/* An action key, or any key while an action's dialog is open (it is modal). False when the
 * key is not the actions' (the view then uses it). */
bool actions_key(int type, wint_t ch);
/* Draw the open dialog, if any, over the body area r. */
void actions_draw(struct rect r);
/* A dialog is open (drawn over the ticket). */
bool actions_dialog_open(void);
/* While a dialog is open: its key help into out (terminated) and true. */
bool actions_dialog_keyhelp(struct keyhelp *out, size_t max);
/* The actions on offer for the ticket shown (what the role may do and its state allows), at
 * most max entries, not terminated; returns how many. */
size_t actions_offered(struct keyhelp *out, size_t max);
/* The view shows another ticket: an open dialog belongs to the old one and closes. */
void actions_leave(void);
/* The session is back after a reconnect: fetch what a dialog was still waiting for. */
void actions_reload(void);
void actions_fini(void);
/* Start the action of key on ticket id as soon as the detail view shows it loaded (opening it
 * if need be): what a command typed on a list asks for. choice: the option to pick in the
 * dialog's first list (a group's name), or NULL. */
void actions_request(int64_t id, wint_t key, const char *choice);
/* The detail view's ticket arrived: start a requested action. */
void actions_loaded(void);

/* Provided by view-ticket.c. */

/* The ticket shown, or NULL while it loads; its id (0 for none). */
const struct ticket *view_ticket_shown(void);
int64_t view_ticket_id(void);
/* The body of the latest question asked on it, or NULL. */
const char *view_ticket_question(void);
/* An action's reply carries the ticket as it now is: show it at once and reload its history.
 * Takes ownership of t; NULL (or another ticket) just reloads. */
void view_ticket_adopt(struct ticket *t);

#endif
