/* presence.c - away after a while without a key, online again on the next one: what the
 * supervisors' dashboard shows next to each agent (agent.presence). */
#include "presence.h"

#include <stdlib.h>

#include "app.h"
#include "log.h"
#include "proto.h"
#include "util.h"

#define IDLE_DEFAULT_S 300 /* five minutes */

static struct {
	int64_t idle_ms;
	int64_t last_key; /* monotonic ms */
	bool away;        /* what the server was last told (or is being told) */
} pr;

void presence_init(void)
{
	const char *env = getenv("DESK_IDLE_SECONDS");
	int64_t s;

	pr.idle_ms = IDLE_DEFAULT_S * 1000LL;
	if (env != NULL && env[0] != '\0') {
		if (parse_i64(env, &s) == 0 && s >= 1 && s <= 86400)
			pr.idle_ms = s * 1000;
		else
			log_warn("DESK_IDLE_SECONDS=%s is not 1..86400; using %d", env,
			         IDLE_DEFAULT_S);
	}
	pr.last_key = mono_ms();
}

static void presence_reply(const msgpack_object *r, void *arg)
{
	char why[200];

	if (r != NULL && !reply_ok(r)) {
		reply_error_text(r, why, sizeof(why));
		log_warn("agent.presence: %s", why);
	}
}

static void send_state(void)
{
	if (!app_online())
		return; /* the next session starts by saying it */
	msgpack_packer *pk = conn_begin(app.conn, "agent.presence", 1, presence_reply, NULL);
	pk_kstr(pk, "state", pr.away ? "away" : "online");
	conn_end(app.conn);
	log_info("presence: %s", pr.away ? "away" : "online");
}

void presence_activity(void)
{
	pr.last_key = mono_ms();
	if (pr.away) {
		pr.away = false;
		send_state();
		app_redraw();
	}
}

void presence_tick(int64_t mono)
{
	if (!pr.away && app.session && mono - pr.last_key >= pr.idle_ms) {
		pr.away = true;
		send_state();
		app_redraw();
	}
}

void presence_session(void)
{
	/* The server keeps the last state said, even from an earlier session: say it again. */
	send_state();
}

bool presence_away(void)
{
	return pr.away;
}
