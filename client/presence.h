/* presence.h - the agent's presence for the dashboard: away after DESK_IDLE_SECONDS (default
 * 300) without a key or click, online again on the next one. */
#ifndef DESK_CLIENT_PRESENCE_H
#define DESK_CLIENT_PRESENCE_H

#include <stdbool.h>
#include <stdint.h>

void presence_init(void);
/* A key or a click. */
void presence_activity(void);
/* The clock's second (monotonic ms). */
void presence_tick(int64_t mono);
/* A session was (re)established: tell the server the current state. */
void presence_session(void);
bool presence_away(void);

#endif
