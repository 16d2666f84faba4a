/* alerts.c - new escalations into the groups the agent follows, announced on the status line,
 * and the rate-limited terminal bell shared with the SLA alerts. */
#include "alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "log.h"
#include "ticket.h"
#include "ui.h"
#include "util.h"

#define BELL_GAP_MS   2000   /* at most one bell for alerts this close together */
#define FRESH_MS      120000 /* an escalation older than this is not news */
#define SEEN          64     /* escalations already announced, remembered */
#define ALERT_SHOW_MS 10000  /* how long the announcement stays on the status line */

static struct {
	bool explicit; /* the list below is the agent's choice; else the default by role */
	char **names;  /* followed groups, by name (a renamed queue is simply not followed) */
	size_t n;
	struct {
		int64_t id, at;
	} seen[SEEN]; /* (ticket, escalation time) pairs announced, a ring */
	size_t nseen;
	int64_t last_bell;
} al = {.last_bell = -BELL_GAP_MS};

static void add_name(const char *name, size_t len)
{
	while (len > 0 && name[0] == ' ')
		name++, len--;
	while (len > 0 && name[len - 1] == ' ')
		len--;
	if (len == 0)
		return;
	al.names = xrealloc(al.names, (al.n + 1) * sizeof(*al.names));
	al.names[al.n++] = xstrndup(name, len);
}

void alerts_init(const char *follow)
{
	if (follow == NULL || follow[0] == '\0')
		return;
	al.explicit = true;
	if (strcasecmp(follow, "none") == 0)
		return;
	for (const char *p = follow;;) {
		const char *comma = strchr(p, ',');
		add_name(p, comma != NULL ? (size_t)(comma - p) : strlen(p));
		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

bool alerts_follows(const struct queue_info *q)
{
	if (q == NULL || q->tier != 2)
		return false;
	if (!al.explicit)
		return app.agent.role != NULL && strcmp(app.agent.role, "l2") == 0;
	for (size_t i = 0; i < al.n; i++)
		if (strcasecmp(al.names[i], q->name) == 0)
			return true;
	return false;
}

void alerts_set_follow(const struct queue_info *q, bool on)
{
	if (!al.explicit) {
		/* From the default to a list of the agent's own: start with what it covered. */
		for (size_t i = 0; i < app.nqueues; i++)
			if (alerts_follows(&app.queues[i]))
				add_name(app.queues[i].name, strlen(app.queues[i].name));
		al.explicit = true;
	}
	for (size_t i = 0; i < al.n; i++) {
		if (strcasecmp(al.names[i], q->name) != 0)
			continue;
		if (!on) {
			free(al.names[i]);
			al.names[i] = al.names[--al.n];
		}
		return;
	}
	if (on)
		add_name(q->name, strlen(q->name));
}

void alerts_describe(char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < app.nqueues && k < len; i++)
		if (alerts_follows(&app.queues[i]))
			k += (size_t)snprintf(buf + k, len - k, "%s%s", k > 0 ? ", " : "",
			                      app.queues[i].name);
	if (k == 0)
		snprintf(buf, len, "no group");
}

void alerts_bell(void)
{
	if (!app.bell || mono_ms() - al.last_bell < BELL_GAP_MS)
		return;
	al.last_bell = mono_ms();
	beep();
}

static bool seen(int64_t id, int64_t at)
{
	for (size_t i = 0; i < al.nseen && i < SEEN; i++)
		if (al.seen[i].id == id && al.seen[i].at == at)
			return true;
	al.seen[al.nseen % SEEN].id = id;
	al.seen[al.nseen % SEEN].at = at;
	al.nseen++;
	return false;
}

/* Escalated or transferred into a followed group within the last two minutes, unassigned (a
 * group picks it up from its queue), and not announced yet: the pushes that follow (an SLA
 * clock, a note) carry the same escalation time and say nothing new. */
void alerts_ticket(const struct ticket *t)
{
	const struct queue_info *q = app_queue(t->queue_id);
	int64_t now = conn_server_now(app.conn);

	if (t->escalated_ms == 0 || t->tier != 2 || t->assignee_id != 0 || !ticket_is_open(t) ||
	    now - t->escalated_ms > FRESH_MS || !alerts_follows(q) || seen(t->id, t->escalated_ms))
		return;
	app_status(false, "Escalated to %s: %s %s%s%s", q->name, t->key, t->subject,
	           t->escalation_reason != NULL ? " " : "",
	           t->escalation_reason != NULL ? "(" : "");
	/* The reason, in brackets, as much as fits. */
	if (t->escalation_reason != NULL) {
		size_t k = strlen(app.status);
		snprintf(app.status + k, sizeof(app.status) - k, "%s)", t->escalation_reason);
	}
	app.status_until = mono_ms() + ALERT_SHOW_MS;
	log_info("%s", app.status);
	alerts_bell();
}

void alerts_fini(void)
{
	for (size_t i = 0; i < al.n; i++)
		free(al.names[i]);
	free(al.names);
	memset(&al, 0, sizeof(al));
	al.last_bell = -BELL_GAP_MS;
}
