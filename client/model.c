/* model.c - defensive parsing of server objects into console-owned structs. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "ticket.h"
#include "util.h"

/* Field readers: a value of the wrong type is treated as absent, never trusted. */
static char *get_str(const msgpack_object *map, const char *key, const char *dflt)
{
	char *s = mp_strdup(mp_get(map, key));

	if (s == NULL && dflt != NULL)
		s = xstrdup(dflt);
	return s;
}

static int64_t get_int(const msgpack_object *map, const char *key, int64_t dflt)
{
	const msgpack_object *o = mp_get(map, key);

	return mp_is_int(o) ? mp_int(o) : dflt;
}

/* Small enumerations (priority, tier, impact) clamped to their range so a hostile value
 * cannot index a table or overflow a column. */
static int get_small(const msgpack_object *map, const char *key, int lo, int hi, int dflt)
{
	int64_t v = get_int(map, key, dflt);

	return v < lo || v > hi ? dflt : (int)v;
}

/* A point in time in ms; nil, a wrong type or a nonsensical value are all "none" (0). */
static int64_t get_time(const msgpack_object *map, const char *key)
{
	int64_t v = get_int(map, key, 0);

	return v > 0 ? v : 0;
}

/* A span in seconds within a thousand years either way. */
static int64_t clamp_secs(int64_t v)
{
	const int64_t lim = 1000LL * 366 * 86400;

	return v < -lim ? -lim : v > lim ? lim : v;
}

int sla_kind_parse(const msgpack_object *o)
{
	for (int k = 0; k < SLA_NKINDS; k++)
		if (mp_streq(o, sla_kind_name((enum sla_kind)k)))
			return k;
	return -1;
}

/* The clocks array: at most one clock per kind, unknown kinds (a later server) skipped. */
static void parse_sla(struct ticket *t, const msgpack_object *o)
{
	const msgpack_object *arr = mp_get(o, "sla");
	const msgpack_object *stamp = mp_get(o, "sla_stamp");

	t->sla_policy = get_str(o, "sla_policy", NULL);
	t->sla_stamp = mp_is_int(stamp) ? mp_int(stamp) : 0;
	t->sla_due_ms = get_time(o, "sla_due_ms");
	if (arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY)
		return;
	t->sla_known = true;
	for (uint32_t i = 0; i < arr->via.array.size && t->nsla < SLA_NKINDS; i++) {
		const msgpack_object *c = &arr->via.array.ptr[i];
		const msgpack_object *left = mp_get(c, "left_s");
		int k = sla_kind_parse(mp_get(c, "kind"));

		if (k < 0)
			continue;
		bool dup = false;
		for (int j = 0; j < t->nsla; j++)
			dup |= (int)t->sla[j].kind == k;
		if (dup)
			continue;
		struct sla_clock *s = &t->sla[t->nsla++];
		memset(s, 0, sizeof(*s));
		s->kind = (enum sla_kind)k;
		s->target_s = clamp_secs(get_int(c, "target_s", 0));
		if (s->target_s < 0)
			s->target_s = 0;
		s->due_ms = get_time(c, "due_ms");
		s->warn_ms = get_time(c, "warn_ms");
		s->met_ms = get_time(c, "met_ms");
		s->breached_ms = get_time(c, "breached_ms");
		s->paused_since_ms = get_time(c, "paused_since_ms");
		s->paused_s = clamp_secs(get_int(c, "paused_s", 0));
		if (s->paused_s < 0)
			s->paused_s = 0;
		/* Negative while paused overdue. Bounded, like the others, so that no caller can
		 * overflow negating or adding it. */
		if (mp_is_int(left)) {
			s->left_s = clamp_secs(mp_int(left));
			s->has_left = true;
		}
	}
}

struct ticket *ticket_parse(const msgpack_object *o)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_MAP)
		return NULL;
	const msgpack_object *id = mp_get(o, "id"), *ver = mp_get(o, "version");
	const msgpack_object *key = mp_get(o, "key"), *subj = mp_get(o, "subject");
	const msgpack_object *st = mp_get(o, "status");
	if (!mp_is_int(id) || mp_int(id) <= 0 || !mp_is_int(ver) || key == NULL ||
	    key->type != MSGPACK_OBJECT_STR || subj == NULL || subj->type != MSGPACK_OBJECT_STR ||
	    st == NULL || st->type != MSGPACK_OBJECT_STR)
		return NULL;

	struct ticket *t = xcalloc(1, sizeof(*t));
	t->id = mp_int(id);
	t->version = mp_int(ver);
	t->key = mp_strdup(key);
	t->subject = mp_strdup(subj);
	t->status = mp_strdup(st);
	t->description = get_str(o, "description", NULL);
	t->type = get_str(o, "type", "incident");
	t->channel = get_str(o, "channel", "");
	t->impact = get_small(o, "impact", 1, 3, 3);
	t->urgency = get_small(o, "urgency", 1, 3, 3);
	t->priority = get_small(o, "priority", 1, 4, 4);
	t->tier = get_small(o, "tier", 1, 9, 1);
	t->queue_id = get_int(o, "queue_id", 0);
	t->queue = get_str(o, "queue", "");
	t->assignee_id = get_int(o, "assignee_id", 0);
	t->assignee = get_str(o, "assignee", "");
	t->requester_id = get_int(o, "requester_id", 0);
	t->requester = get_str(o, "requester", "");
	t->created_ms = get_int(o, "created_ms", 0);
	t->updated_ms = get_int(o, "updated_ms", 0);
	t->owner = get_str(o, "owner", "");
	t->category = get_str(o, "category", "");
	t->raise_state = get_str(o, "raise_state", "");
	t->raise_reason = get_str(o, "raise_reason", NULL);
	t->priority_override = mp_true(o, "priority_override");
	t->priority_reason = get_str(o, "priority_reason", NULL);
	t->resolution_code = get_str(o, "resolution_code", NULL);
	t->resolution_note = get_str(o, "resolution_note", NULL);
	t->merged_into = get_str(o, "merged_into", NULL);
	t->problem = get_str(o, "problem", NULL);
	t->minutes_spent = get_int(o, "minutes_spent", 0);
	t->question_open = mp_true(o, "question_open");
	t->escalated_ms = get_int(o, "escalated_ms", 0);
	t->escalation_reason = get_str(o, "escalation_reason", NULL);
	parse_sla(t, o);
	return t;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct ticket *ticket_dup(const struct ticket *t)
{
	struct ticket *c = xmalloc(sizeof(*c));

	*c = *t;
	c->key = xstrdup(t->key);
	c->subject = xstrdup(t->subject);
	c->description = dup_or_null(t->description);
	c->type = xstrdup(t->type);
	c->status = xstrdup(t->status);
	c->channel = xstrdup(t->channel);
	c->queue = xstrdup(t->queue);
	c->assignee = xstrdup(t->assignee);
	c->requester = xstrdup(t->requester);
	c->owner = xstrdup(t->owner);
	c->category = xstrdup(t->category);
	c->raise_state = xstrdup(t->raise_state);
	c->raise_reason = dup_or_null(t->raise_reason);
	c->priority_reason = dup_or_null(t->priority_reason);
	c->resolution_code = dup_or_null(t->resolution_code);
	c->resolution_note = dup_or_null(t->resolution_note);
	c->merged_into = dup_or_null(t->merged_into);
	c->problem = dup_or_null(t->problem);
	c->escalation_reason = dup_or_null(t->escalation_reason);
	c->sla_policy = dup_or_null(t->sla_policy);
	return c;
}

void ticket_free(struct ticket *t)
{
	if (t == NULL)
		return;
	free(t->key);
	free(t->subject);
	free(t->description);
	free(t->type);
	free(t->status);
	free(t->channel);
	free(t->queue);
	free(t->assignee);
	free(t->requester);
	free(t->owner);
	free(t->category);
	free(t->raise_state);
	free(t->raise_reason);
	free(t->priority_reason);
	free(t->resolution_code);
	free(t->resolution_note);
	free(t->merged_into);
	free(t->problem);
	free(t->escalation_reason);
	free(t->sla_policy);
	free(t);
}

bool ticket_newer(const struct ticket *a, const struct ticket *b)
{
	return a->version > b->version || (a->version == b->version && a->sla_stamp > b->sla_stamp);
}

bool ticket_is_open(const struct ticket *t)
{
	int s = name_index(ticket_status_names, t->status);

	return s == TS_NEW || s == TS_OPEN || s == TS_PENDING || s == TS_ON_HOLD;
}

const char *ticket_status_label(const struct ticket *t)
{
	int s = name_index(ticket_status_names, t->status);

	/* A status added by a later server version still shows, just unabbreviated. */
	return s >= 0 ? ticket_status_short[s] : t->status;
}

struct tevent *tevents_parse(const msgpack_object *arr, size_t *n)
{
	*n = 0;
	if (arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY || arr->via.array.size == 0)
		return NULL;

	struct tevent *ev = xcalloc(arr->via.array.size, sizeof(*ev));
	for (uint32_t i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		const msgpack_object *kind = mp_get(o, "kind");
		if (o->type != MSGPACK_OBJECT_MAP || kind == NULL ||
		    kind->type != MSGPACK_OBJECT_STR)
			continue;
		struct tevent *e = &ev[(*n)++];
		e->id = get_int(o, "id", 0);
		e->at_ms = get_int(o, "at_ms", 0);
		e->kind = mp_strdup(kind);
		e->actor = get_str(o, "actor", NULL);
		e->field = get_str(o, "field", NULL);
		/* Ids come with their names (old_label, new_label): the names are what people read.
		 */
		e->old = get_str(o, "old_label", NULL);
		if (e->old == NULL)
			e->old = get_str(o, "old", NULL);
		e->new_ = get_str(o, "new_label", NULL);
		if (e->new_ == NULL)
			e->new_ = get_str(o, "new", NULL);
		e->note = get_str(o, "note", NULL);
	}
	return ev;
}

void tevents_free(struct tevent *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ev[i].actor);
		free(ev[i].kind);
		free(ev[i].field);
		free(ev[i].old);
		free(ev[i].new_);
		free(ev[i].note);
	}
	free(ev);
}

struct tcomment *tcomments_parse(const msgpack_object *arr, size_t *n)
{
	*n = 0;
	if (arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY || arr->via.array.size == 0)
		return NULL;

	struct tcomment *cm = xcalloc(arr->via.array.size, sizeof(*cm));
	for (uint32_t i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		const msgpack_object *body = mp_get(o, "body");
		if (o->type != MSGPACK_OBJECT_MAP || body == NULL ||
		    body->type != MSGPACK_OBJECT_STR)
			continue;
		struct tcomment *c = &cm[(*n)++];
		c->id = get_int(o, "id", 0);
		c->at_ms = get_int(o, "at_ms", 0);
		c->minutes = get_int(o, "minutes", 0);
		c->author = get_str(o, "author", "");
		c->kind = get_str(o, "kind", "");
		c->body = mp_strdup(body);
	}
	return cm;
}

void tcomments_free(struct tcomment *cm, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cm[i].author);
		free(cm[i].kind);
		free(cm[i].body);
	}
	free(cm);
}

struct tescalation *tescalations_parse(const msgpack_object *arr, size_t *n)
{
	*n = 0;
	if (arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY || arr->via.array.size == 0)
		return NULL;

	struct tescalation *es = xcalloc(arr->via.array.size, sizeof(*es));
	for (uint32_t i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		const msgpack_object *to = mp_get(o, "to_queue");
		if (o->type != MSGPACK_OBJECT_MAP || to == NULL || to->type != MSGPACK_OBJECT_STR)
			continue;
		struct tescalation *e = &es[(*n)++];
		e->at_ms = get_int(o, "at_ms", 0);
		e->kind = get_str(o, "kind", "functional");
		e->actor = get_str(o, "actor", NULL);
		e->from_queue = get_str(o, "from_queue", "");
		e->to_queue = mp_strdup(to);
		e->reason = get_str(o, "reason", "");
		e->tried = get_str(o, "tried", "");
	}
	return es;
}

void tescalations_free(struct tescalation *es, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(es[i].kind);
		free(es[i].actor);
		free(es[i].from_queue);
		free(es[i].to_queue);
		free(es[i].reason);
		free(es[i].tried);
	}
	free(es);
}

struct queue_info *queues_parse(const msgpack_object *arr, size_t *n)
{
	*n = 0;
	if (arr == NULL || arr->type != MSGPACK_OBJECT_ARRAY || arr->via.array.size == 0)
		return NULL;

	struct queue_info *q = xcalloc(arr->via.array.size, sizeof(*q));
	for (uint32_t i = 0; i < arr->via.array.size; i++) {
		const msgpack_object *o = &arr->via.array.ptr[i];
		const msgpack_object *id = mp_get(o, "id"), *name = mp_get(o, "name");
		/* Queue 0 is the console's "All queues" entry; a real queue never uses it. */
		if (!mp_is_int(id) || mp_int(id) <= 0 || name == NULL ||
		    name->type != MSGPACK_OBJECT_STR)
			continue;
		struct queue_info *e = &q[(*n)++];
		e->id = mp_int(id);
		e->name = mp_strdup(name);
		e->tier = get_small(o, "tier", 1, 9, 1);
		e->open = get_int(o, "open", 0);
		if (e->open < 0)
			e->open = 0;
	}
	return q;
}

void queues_free(struct queue_info *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(q[i].name);
	free(q);
}

bool agent_parse(const msgpack_object *o, struct agent *a)
{
	const msgpack_object *id = mp_get(o, "id"), *login = mp_get(o, "login");

	memset(a, 0, sizeof(*a));
	if (!mp_is_int(id) || login == NULL || login->type != MSGPACK_OBJECT_STR)
		return false;
	a->id = mp_int(id);
	a->login = mp_strdup(login);
	a->name = get_str(o, "name", a->login);
	a->role = get_str(o, "role", "");
	return true;
}

void agent_clear(struct agent *a)
{
	free(a->login);
	free(a->name);
	free(a->role);
	memset(a, 0, sizeof(*a));
}

const char *channel_label(const char *name)
{
	static const char *const labels[] = {"Phone", "Email", "Walk-in", "Portal", "Chat"};
	int i = name_index(ticket_channel_names, name);

	return i >= 0 && (size_t)i < ARRAY_LEN(labels) ? labels[i] : name;
}

const char *type_label(const char *name)
{
	int i = name_index(ticket_type_names, name);

	return i >= 0 ? ticket_type_labels[i] : name;
}
