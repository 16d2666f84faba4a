/* notify.h - LISTEN for committed ticket changes and push them to subscribed consoles. */
#ifndef DESKD_NOTIFY_H
#define DESKD_NOTIFY_H

#include "server.h"

struct notifier;

struct notifier *notifier_new(struct server *srv);
/* Before the pool is freed: fail pending work quietly and start nothing new. */
void notifier_stop(struct notifier *n);
void notifier_free(struct notifier *n);

#endif
