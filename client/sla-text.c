/* sla-text.c - SLA clocks as the console shows them: list cells, countdowns, labels, colours. */
#include "sla-text.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* Spans beyond this are nonsense from a peer; clamping keeps the arithmetic defined. */
#define SPAN_MAX_S (100LL * 365 * 86400)

static const char *const letters[SLA_NKINDS] = {"F", "R", "U"};
static const char *const labels[SLA_NKINDS] = {"First response", "Resolution", "Next update"};
static const char *const phrases[SLA_NKINDS] = {"first response", "resolution", "next update"};

const char *sla_kind_letter(enum sla_kind k)
{
	return (unsigned)k < SLA_NKINDS ? letters[k] : "?";
}

const char *sla_kind_label(enum sla_kind k)
{
	return (unsigned)k < SLA_NKINDS ? labels[k] : "?";
}

const char *sla_kind_phrase(enum sla_kind k)
{
	return (unsigned)k < SLA_NKINDS ? phrases[k] : "?";
}

const char *sla_state_label(enum sla_state s)
{
	return s == SLA_MET_LATE ? "met late" : sla_state_name(s);
}

enum ui_elem sla_state_elem(enum sla_state s)
{
	switch (s) {
	case SLA_OK:
		return UI_SLA_OK;
	case SLA_WARNING:
		return UI_SLA_WARN;
	case SLA_BREACHED:
		return UI_SLA_BREACH;
	case SLA_STOPPED:
		return UI_SLA_PAUSED;
	case SLA_MET:
		return UI_SLA_MET;
	case SLA_MET_LATE:
		return UI_SLA_LATE;
	case SLA_PENDING:
		break;
	}
	return UI_LABEL;
}

const char *sla_pause_sign(void)
{
	return ui_utf8 ? "\xe2\x80\x96" : "=";
}

bool sla_running(enum sla_state s)
{
	return s == SLA_OK || s == SLA_WARNING || s == SLA_BREACHED;
}

void sla_fmt_span(char *buf, size_t len, int64_t secs)
{
	bool neg = secs < 0;
	long long a = (long long)(neg ? -(secs < -SPAN_MAX_S ? -SPAN_MAX_S : secs)
	                              : (secs > SPAN_MAX_S ? SPAN_MAX_S : secs));
	const char *sign = neg ? "-" : "";

	if (a < 60)
		snprintf(buf, len, "%s%llds", sign, a);
	else if (a < 3600)
		snprintf(buf, len, "%s%lldm%02llds", sign, a / 60, a % 60);
	else if (a < 10 * 3600 && !neg)
		snprintf(buf, len, "%lld:%02lld:%02lld", a / 3600, a % 3600 / 60, a % 60);
	else if (a < 100 * 3600)
		snprintf(buf, len, "%s%lldh%02lldm", sign, a / 3600, a % 3600 / 60);
	else if (a < 100 * 86400)
		snprintf(buf, len, "%s%lldd%02lldh", sign, a / 86400, a % 86400 / 3600);
	else
		snprintf(buf, len, "%s99d+", sign);
}

void sla_fmt_short(char *buf, size_t len, int64_t secs)
{
	long long s = (long long)(secs < 0 ? 0 : secs > SPAN_MAX_S ? SPAN_MAX_S : secs);

	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else if (s < 100 * 86400)
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	else
		snprintf(buf, len, "99d+");
}

void sla_fmt_target(char *buf, size_t len, int64_t secs)
{
	long long s = (long long)(secs < 0 ? 0 : secs > SPAN_MAX_S ? SPAN_MAX_S : secs);
	long long h = s / 3600, m = s % 3600 / 60, sec = s % 60;
	size_t k = 0;

	buf[0] = '\0';
	if (h > 0)
		k += (size_t)snprintf(buf + k, len - k, "%lldh", h);
	if (m > 0 && k < len)
		k += (size_t)snprintf(buf + k, len - k, "%lldm", m);
	if ((sec > 0 || s == 0) && k < len)
		snprintf(buf + k, len - k, "%llds", sec);
}

int64_t sla_secs_left(const struct sla_clock *c, int64_t now_ms)
{
	if (c->due_ms == 0)
		return 0;
	/* Both are positive (the parser drops others), so the difference cannot overflow; the
	 * rounding could, for a due time a peer set near the end of time. */
	int64_t d = c->due_ms - now_ms;
	if (d > SPAN_MAX_S * 1000)
		return SPAN_MAX_S;
	return d > 0 ? (d + 999) / 1000 : d / 1000;
}

bool sla_paused_overdue(const struct sla_clock *c)
{
	if (c->has_left)
		return c->left_s < 0;
	return c->due_ms != 0 && c->paused_since_ms != 0 && c->due_ms <= c->paused_since_ms;
}

/* Seconds left of a paused clock, for ordering: business seconds when deskd sent them, else
 * the (wall) time it was overdue by when it paused; the largest when unknown. */
static int64_t paused_left(const struct sla_clock *c)
{
	if (c->has_left)
		return c->left_s;
	if (sla_paused_overdue(c))
		return -((c->paused_since_ms - c->due_ms) / 1000) - 1;
	return INT64_MAX;
}

const struct sla_clock *sla_urgent(const struct ticket *t, int64_t now_ms)
{
	const struct sla_clock *run = NULL, *paused = NULL, *pending = NULL;

	for (int i = 0; i < t->nsla; i++) {
		const struct sla_clock *c = &t->sla[i];
		enum sla_state s = sla_state_at(c, now_ms);
		if (sla_running(s)) {
			/* A breach without a due time (should not happen) counts as due first. */
			if (run == NULL || c->due_ms < run->due_ms)
				run = c;
		} else if (s == SLA_STOPPED) {
			if (paused == NULL || paused_left(c) < paused_left(paused))
				paused = c;
		} else if (s == SLA_PENDING && pending == NULL) {
			pending = c;
		}
	}
	return run != NULL ? run : paused != NULL ? paused : pending;
}

void sla_cell(const struct ticket *t, int64_t now_ms, char *buf, size_t len, enum ui_elem *e)
{
	const struct sla_clock *c = sla_urgent(t, now_ms);
	char span[16];

	if (c == NULL) {
		bool late = false;
		for (int i = 0; i < t->nsla; i++)
			late |= sla_state_at(&t->sla[i], now_ms) == SLA_MET_LATE;
		if (t->nsla == 0) {
			snprintf(buf, len, "%s", ui_dash());
			*e = UI_LABEL;
		} else {
			snprintf(buf, len, "%s", late ? "met late" : "met");
			*e = late ? UI_SLA_LATE : UI_SLA_MET;
		}
		return;
	}
	enum sla_state s = sla_state_at(c, now_ms);
	const char *k = sla_kind_letter(c->kind);
	int64_t left = sla_secs_left(c, now_ms);
	*e = sla_state_elem(s);
	switch (s) {
	case SLA_OK:
	case SLA_WARNING:
		sla_fmt_short(span, sizeof(span), left);
		snprintf(buf, len, "%s %s", k, span);
		break;
	case SLA_BREACHED:
		/* '!' says overdue; the span is by how long (no room for a sign as well). */
		if (c->due_ms == 0)
			snprintf(span, sizeof(span), "late");
		else
			sla_fmt_short(span, sizeof(span), -left);
		snprintf(buf, len, "%s!%s", k, span);
		break;
	case SLA_STOPPED:
		/* Business time left when the pause began; already overdue: just "late". */
		if (sla_paused_overdue(c))
			snprintf(span, sizeof(span), "late");
		else if (c->has_left)
			sla_fmt_short(span, sizeof(span), c->left_s);
		else
			snprintf(span, sizeof(span), "paused");
		snprintf(buf, len, "%s%s%s", k, sla_pause_sign(), span);
		break;
	default:
		snprintf(buf, len, "%s %s", k, ui_ellipsis());
		break;
	}
}

bool sla_has_any(const struct ticket *t)
{
	return t->nsla > 0 || t->sla_policy != NULL;
}

/* 0: a clock runs (*key: the earliest due), 1: paused (*key: least left), 2: neither. */
static int left_group(const struct ticket *t, int64_t *key)
{
	int64_t due = INT64_MAX, left = INT64_MAX;
	bool paused = false;

	for (int i = 0; i < t->nsla; i++) {
		const struct sla_clock *c = &t->sla[i];
		if (c->met_ms != 0)
			continue;
		if (c->paused_since_ms != 0) {
			paused = true;
			if (paused_left(c) < left)
				left = paused_left(c);
		} else if (c->due_ms != 0 && c->due_ms < due) {
			due = c->due_ms;
		}
	}
	/* The server's own answer when it sent one: it knows which clocks run. */
	if (t->sla_due_ms != 0)
		due = t->sla_due_ms;
	if (due != INT64_MAX) {
		*key = due;
		return 0;
	}
	*key = left;
	return paused ? 1 : 2;
}

int sla_cmp_left(const struct ticket *a, const struct ticket *b)
{
	int64_t ka, kb;
	int ga = left_group(a, &ka), gb = left_group(b, &kb);

	if (ga != gb)
		return ga < gb ? -1 : 1;
	return ka < kb ? -1 : ka > kb;
}
