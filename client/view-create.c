/* view-create.c - the new-ticket form, kept in memory until saved or discarded. */

/* A resize or a dropped connection loses nothing, and the client_key chosen when the
 * form opens makes every retry of one submission safe against duplicates. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "form.h"
#include "keys.h"
#include "log.h"
#include "proto.h"
#include "ticket.h"
#include "util.h"
#include "view.h"

enum {
	F_SUBJECT,
	F_DESC,
	F_TYPE,
	F_IMPACT,
	F_URGENCY,
	F_PRIORITY,
	F_QUEUE,
	F_CHANNEL,
	F_SAVE,
	F_COUNT
};

enum submit_state {
	S_EDITING,
	S_SAVING, /* ticket.create sent, no reply yet */
	S_RETRY,  /* offline, or the connection dropped mid-save: resend when back */
};

static const char *const level_labels[] = {"1 High", "2 Medium", "3 Low"};
static const char *const channel_labels[] = {"Phone", "Email", "Walk-in", "Portal", "Chat"};

static struct {
	bool open;
	struct form fm;
	char client_key[40];
	enum submit_state state;
	uintptr_t seq; /* identifies the reply this form waits for */
	char error[320];
	/* Queue choices, rebuilt whenever the queue list changes. */
	char **qlabels;
	int64_t *qids;
	int nq;
} cv;

static const struct keyhelp create_keys[] = {
    {"^S", "save", true},
    {"Tab", "next field", true},
    {"\xe2\x86\x90\xe2\x86\x92", "choose", true},
    {"Esc", "discard", true},
    {"F1", "help", true},
    {"S-Tab \xe2\x86\x91", "previous field", false},
    {"Enter", "next field; new line in Description; save on the last field", false},
    {"letter/digit", "jump to a choice starting with it", false},
    {"^U ^K ^W", "delete to start / to end / word", false},
    {NULL, NULL, false},
};

/* A random UUID (version 4) from the kernel's generator. */
static void make_client_key(char *out, size_t len)
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, b, sizeof(b)) : -1;

	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof(b)) {
		/* Not expected on any real system; still unique enough per agent and moment. */
		log_warn("cannot read /dev/urandom; using a time-based client key");
		uint64_t x = (uint64_t)now_ms() ^ ((uint64_t)getpid() << 40) ^ (uint64_t)mono_ms();
		for (size_t i = 0; i < sizeof(b); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = (unsigned char)x;
		}
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

static void free_queue_choices(void)
{
	for (int i = 0; i < cv.nq; i++)
		free(cv.qlabels[i]);
	free(cv.qlabels);
	free(cv.qids);
	cv.qlabels = NULL;
	cv.qids = NULL;
	cv.nq = 0;
}

/* (Re)build the queue choice, keeping want selected if it still exists; 0 picks the
 * first tier-1 queue, which is also what the server would choose. */
static void build_queue_choices(int64_t want)
{
	free_queue_choices();
	int sel = -1;
	if (app.nqueues == 0) {
		cv.qlabels = xcalloc(1, sizeof(*cv.qlabels));
		cv.qids = xcalloc(1, sizeof(*cv.qids));
		cv.qlabels[0] = xstrdup("(server default)");
		cv.nq = 1;
		sel = 0;
	} else {
		cv.nq = (int)app.nqueues;
		cv.qlabels = xcalloc(app.nqueues, sizeof(*cv.qlabels));
		cv.qids = xcalloc(app.nqueues, sizeof(*cv.qids));
		for (size_t i = 0; i < app.nqueues; i++) {
			cv.qlabels[i] =
			    xasprintf("%s (T%d)", app.queues[i].name, app.queues[i].tier);
			cv.qids[i] = app.queues[i].id;
			if (app.queues[i].id == want)
				sel = (int)i;
		}
		for (int i = 0; sel < 0 && i < cv.nq; i++)
			if (app.queues[i].tier == 1)
				sel = i;
		if (sel < 0)
			sel = 0;
	}
	form_choice(&cv.fm, F_QUEUE, "Queue", (const char *const *)cv.qlabels, cv.nq, sel);
}

static void close_form(void)
{
	if (!cv.open)
		return;
	form_free(&cv.fm);
	free_queue_choices();
	cv.open = false;
	cv.state = S_EDITING;
	cv.error[0] = '\0';
	cv.seq++; /* a reply still on its way belongs to no form now */
}

void view_create_open(int64_t queue_id)
{
	close_form();
	form_init(&cv.fm, F_COUNT, 12);
	form_text(&cv.fm, F_SUBJECT, "Subject", LIMIT_SUBJECT);
	form_multi(&cv.fm, F_DESC, "Description", LIMIT_DESCRIPTION, 4);
	form_choice(&cv.fm, F_TYPE, "Type", ticket_type_labels, TT_COUNT, TT_INCIDENT);
	form_choice(&cv.fm, F_IMPACT, "Impact", level_labels, 3, 2);
	form_choice(&cv.fm, F_URGENCY, "Urgency", level_labels, 3, 2);
	form_info(&cv.fm, F_PRIORITY, "Priority");
	form_choice(&cv.fm, F_CHANNEL, "Channel", channel_labels, TC_COUNT, TC_PHONE);
	form_button(&cv.fm, F_SAVE, "Save");
	build_queue_choices(queue_id);
	make_client_key(cv.client_key, sizeof(cv.client_key));
	cv.open = true;
	cv.state = S_EDITING;
	cv.error[0] = '\0';
	app_set_view(&view_create);
}

static void create_reply(const msgpack_object *r, void *arg)
{
	bool mine = cv.open && (uintptr_t)arg == cv.seq;

	if (!mine) {
		/* The form was discarded while saving; the ticket may exist all the same. */
		struct ticket *t =
		    r != NULL && reply_ok(r) ? ticket_parse(mp_get(r, "ticket")) : NULL;
		if (t != NULL)
			app_status(false, "Created %s", t->key);
		ticket_free(t);
		return;
	}
	if (r == NULL) {
		cv.state = S_RETRY;
		snprintf(cv.error, sizeof(cv.error),
		         "Connection lost while saving; it is sent again (never twice) when the "
		         "connection is back");
		app_redraw();
		return;
	}
	if (!reply_ok(r)) {
		char why[256];
		reply_error_text(r, why, sizeof(why));
		cv.state = S_EDITING;
		snprintf(cv.error, sizeof(cv.error), "Not saved: %s", why);
		if (strstr(why, "'subject'") != NULL)
			form_focus(&cv.fm, F_SUBJECT);
		else if (strstr(why, "'description'") != NULL)
			form_focus(&cv.fm, F_DESC);
		app_redraw();
		return;
	}
	struct ticket *t = ticket_parse(mp_get(r, "ticket"));
	if (t != NULL) {
		app_status(false, "Created %s", t->key);
		view_queue_select(t->id);
	} else {
		app_status(false, "Created the ticket");
	}
	ticket_free(t);
	close_form();
	app_set_view(&view_queue);
}

static void send_create(void)
{
	struct field *f = cv.fm.f;
	int64_t qid = cv.qids[f[F_QUEUE].sel]; /* 0: let the server pick its default */

	/* Connected is not enough: after a reconnect the session must be logged in again
	 * before anything but login is accepted. */
	if (!app_online()) {
		cv.state = S_RETRY;
		snprintf(cv.error, sizeof(cv.error),
		         "Offline: the ticket is saved as soon as the connection is back "
		         "(Esc discards it)");
		return;
	}
	msgpack_packer *pk =
	    conn_begin(app.conn, "ticket.create", qid != 0 ? 8 : 7, create_reply, (void *)++cv.seq);
	pk_kstr(pk, "subject", te_text(&f[F_SUBJECT].te));
	pk_kstr(pk, "description", te_text(&f[F_DESC].te));
	pk_kstr(pk, "type", ticket_type_names[f[F_TYPE].sel]);
	pk_kint(pk, "impact", f[F_IMPACT].sel + 1);
	pk_kint(pk, "urgency", f[F_URGENCY].sel + 1);
	pk_kstr(pk, "channel", ticket_channel_names[f[F_CHANNEL].sel]);
	pk_kstr(pk, "client_key", cv.client_key);
	if (qid != 0)
		pk_kint(pk, "queue_id", qid);
	if (conn_end(app.conn) == 0) {
		cv.state = S_RETRY;
		snprintf(cv.error, sizeof(cv.error),
		         "Offline: the ticket is saved as soon as the connection is back");
		return;
	}
	cv.state = S_SAVING;
	cv.error[0] = '\0';
}

static void submit(void)
{
	const char *s = te_text(&cv.fm.f[F_SUBJECT].te);

	if (cv.state == S_SAVING)
		return;
	while (*s == ' ')
		s++;
	if (*s == '\0') {
		snprintf(cv.error, sizeof(cv.error), "A subject is required");
		form_focus(&cv.fm, F_SUBJECT);
		return;
	}
	send_create();
}

static bool create_key(int type, wint_t ch)
{
	if (!cv.open)
		return false;
	switch (form_key(&cv.fm, type, ch)) {
	case FORM_SUBMIT:
		submit();
		return true;
	case FORM_CANCEL:
		if (te_chars(&cv.fm.f[F_SUBJECT].te) > 0 || te_chars(&cv.fm.f[F_DESC].te) > 0)
			app_status(false, "New ticket discarded");
		close_form();
		app_set_view(&view_queue);
		return true;
	case FORM_FULL:
		snprintf(cv.error, sizeof(cv.error), "That field is at its length limit");
		return true;
	case FORM_CHANGED:
		/* Typing again after an error means the message has been read. */
		if (cv.state == S_EDITING)
			cv.error[0] = '\0';
		return true;
	case FORM_MOVED:
		return true;
	case FORM_UNUSED:
		break;
	}
	return false;
}

static void create_draw(struct rect r)
{
	char buf[128];

	if (!cv.open)
		return;
	int x = r.x + 2, w = r.w - 4, y = r.y;
	ui_put(y, x, "New ticket", w, ui_attr(UI_TITLE));
	y += 2;

	/* The description box takes whatever height is left over. */
	int desc = r.h - 13;
	cv.fm.f[F_DESC].rows = clampi(desc, 1, 8);
	int p = priority_default(cv.fm.f[F_IMPACT].sel + 1, cv.fm.f[F_URGENCY].sel + 1);
	snprintf(cv.fm.f[F_PRIORITY].info, sizeof(cv.fm.f[F_PRIORITY].info),
	         "P%d  (from impact and urgency)", p);
	y += form_draw(&cv.fm, (struct rect){y, x, r.y + r.h - y - 1, w}, 72);

	y++;
	if (y < r.y + r.h) {
		if (cv.state == S_SAVING)
			snprintf(buf, sizeof(buf), "Saving%s", ui_ellipsis());
		else
			buf[0] = '\0';
		const char *msg = cv.error[0] != '\0' ? cv.error : buf;
		ui_put(y, x, msg, w, ui_attr(cv.state == S_SAVING ? UI_LABEL : UI_ERROR));
	}
}

static void create_reload(bool current)
{
	/* The session is back: a save that was pending goes out now with the same key. */
	if (current && cv.open && cv.state == S_RETRY)
		send_create();
}

static void create_queues(void)
{
	if (!cv.open)
		return;
	int64_t keep = cv.nq > 0 ? cv.qids[cv.fm.f[F_QUEUE].sel] : 0;
	build_queue_choices(keep != 0 ? keep : view_queue_queue_id());
}

static void create_fini(void)
{
	close_form();
}

const struct view view_create = {
    .title = "New ticket",
    .keys = create_keys,
    .draw = create_draw,
    .key = create_key,
    .reload = create_reload,
    .queues = create_queues,
    .fini = create_fini,
};
