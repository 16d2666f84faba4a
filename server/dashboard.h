/* dashboard.h - the supervisors' live dashboard: computed by deskd at most once a second for
 * all watching consoles together (never per watcher), when something changed, and at least
 * every DASH_REFRESH_MS so ages and "today" stay true; pushed as one encoded frame. */
#ifndef DESKD_DASHBOARD_H
#define DESKD_DASHBOARD_H

struct server;
struct session;
struct dashboard;

#define DASH_REFRESH_MS 10000

struct dashboard *dashboard_new(struct server *srv);
void dashboard_free(struct dashboard *d);

/* Something the dashboard shows may have changed (a ticket, a clock, a login). */
void dashboard_touch(struct dashboard *d);

/* s starts watching: it gets the last dashboard at once (if any) and every new one. */
void dashboard_watch(struct dashboard *d, struct session *s);

#endif
