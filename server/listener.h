/* listener.h - the TCP listening socket. */
#ifndef DESKD_LISTENER_H
#define DESKD_LISTENER_H

#include "server.h"

/* Bind cfg->listen ("host:port", "[v6]:port"); returns -1 with a logged reason. */
int listener_start(struct server *srv);
void listener_stop(struct server *srv);

#endif
