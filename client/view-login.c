/* view-login.c - the login screen: login and masked password, errors shown inline. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "keys.h"
#include "proto.h"
#include "view.h"

enum { F_LOGIN, F_PASSWORD, F_BUTTON, F_COUNT };

static struct {
	bool inited;
	struct form fm;
	char error[256];
	bool busy; /* a login request is out */
} lv;

static const struct keyhelp login_keys[] = {
    {"Enter", "log in", true}, {"Tab", "next field", true}, {"^U", "clear field", false},
    {"^C", "quit", true},      {NULL, NULL, false},
};

static void ensure(void)
{
	if (lv.inited)
		return;
	form_init(&lv.fm, F_COUNT, 9);
	form_text(&lv.fm, F_LOGIN, "Login", LIMIT_LOGIN);
	form_text(&lv.fm, F_PASSWORD, "Password", LIMIT_PASSWORD);
	lv.fm.f[F_PASSWORD].te.masked = true;
	form_button(&lv.fm, F_BUTTON, "Log in");
	lv.inited = true;
}

void view_login_prefill(const char *login)
{
	ensure();
	te_set(&lv.fm.f[F_LOGIN].te, login);
	form_focus(&lv.fm, F_PASSWORD);
}

void view_login_show(const char *error)
{
	ensure();
	snprintf(lv.error, sizeof(lv.error), "%s", error != NULL ? error : "");
	te_wipe(&lv.fm.f[F_PASSWORD].te);
	form_focus(&lv.fm, te_chars(&lv.fm.f[F_LOGIN].te) > 0 ? F_PASSWORD : F_LOGIN);
	app_set_view(&view_login);
}

static void login_done(const char *error)
{
	lv.busy = false;
	/* Never keep the password in the form: the app holds the one copy it needs. */
	te_wipe(&lv.fm.f[F_PASSWORD].te);
	if (error == NULL) {
		lv.error[0] = '\0';
		return;
	}
	snprintf(lv.error, sizeof(lv.error), "%s", error);
	form_focus(&lv.fm, F_PASSWORD);
	app_redraw();
}

static void submit(void)
{
	const char *login = te_text(&lv.fm.f[F_LOGIN].te);
	const char *password = te_text(&lv.fm.f[F_PASSWORD].te);

	if (lv.busy)
		return;
	if (login[0] == '\0') {
		snprintf(lv.error, sizeof(lv.error), "Enter your login");
		form_focus(&lv.fm, F_LOGIN);
		return;
	}
	if (password[0] == '\0') {
		snprintf(lv.error, sizeof(lv.error), "Enter your password");
		form_focus(&lv.fm, F_PASSWORD);
		return;
	}
	lv.error[0] = '\0';
	lv.busy = true;
	app_login(login, password, login_done);
}

static void login_enter(void)
{
	ensure();
}

static bool login_key(int type, wint_t ch)
{
	ensure();
	switch (form_key(&lv.fm, type, ch)) {
	case FORM_SUBMIT:
		submit();
		return true;
	case FORM_CANCEL:
		lv.error[0] = '\0';
		return true;
	case FORM_UNUSED:
		return false;
	default:
		return true;
	}
}

static void login_draw(struct rect r)
{
	char buf[300];
	struct rect b;

	ensure();
	b.w = r.w - 4 < 64 ? r.w - 4 : 64;
	b.h = 12 < r.h ? 12 : r.h;
	b.y = r.y + (r.h - b.h) / 3;
	b.x = r.x + (r.w - b.w) / 2;
	ui_box(b, ui_attr(UI_BORDER));
	int x = b.x + 3, w = b.w - 6, y = b.y + 1;

	snprintf(buf, sizeof(buf), "desk %s helpdesk console", ui_dash());
	ui_put(y++, x, buf, w, ui_attr(UI_TITLE));
	snprintf(buf, sizeof(buf), "Server %s:%d", app.host, app.port);
	ui_put(y++, x, buf, w, ui_attr(UI_LABEL));
	y++;
	form_draw(&lv.fm, (struct rect){y, x, b.y + b.h - 1 - y, w}, 40);
	y += 4;
	if (y < b.y + b.h - 1) {
		if (lv.busy)
			snprintf(buf, sizeof(buf), "Logging in%s", ui_ellipsis());
		else if (lv.error[0] != '\0')
			snprintf(buf, sizeof(buf), "%s", lv.error);
		else if (conn_state(app.conn) != CONN_READY)
			snprintf(buf, sizeof(buf), "Waiting for the server%s", ui_ellipsis());
		else
			buf[0] = '\0';
		ui_put(y, x, buf, w,
		       ui_attr(lv.error[0] != '\0' && !lv.busy ? UI_ERROR : UI_LABEL));
	}
}

static void login_fini(void)
{
	if (lv.inited)
		form_free(&lv.fm);
	lv.inited = false;
}

const struct view view_login = {
    .title = "Log in",
    .keys = login_keys,
    .enter = login_enter,
    .draw = login_draw,
    .key = login_key,
    .fini = login_fini,
};
