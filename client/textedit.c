/* textedit.c - UTF-8 line and box editor used by the login and create forms. */
#include "textedit.h"

#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "utf8.h"
#include "util.h"

/* One visual line of a multi-line field: bytes [start, end), end excluding any '\n'. */
struct vline {
	size_t start, end;
};

void te_init(struct textedit *te, size_t max_chars, bool multiline)
{
	memset(te, 0, sizeof(*te));
	te->cap = 64;
	te->buf = xcalloc(1, te->cap);
	te->max_chars = max_chars;
	te->multiline = multiline;
}

void te_free(struct textedit *te)
{
	te_wipe(te);
	free(te->buf);
	te->buf = NULL;
}

void te_wipe(struct textedit *te)
{
	/* volatile-free zeroing the compiler may not elide: the buffer may hold a password. */
	explicit_bzero(te->buf, te->cap);
	te->len = te->cur = te->scroll = te->top = te->chars = 0;
}

static void reserve(struct textedit *te, size_t need)
{
	if (need + 1 <= te->cap)
		return;
	size_t cap = te->cap;
	while (cap < need + 1)
		cap *= 2;
	/* Grow by copy rather than realloc so a password never lingers in freed memory. */
	char *nb = xcalloc(1, cap);
	memcpy(nb, te->buf, te->len + 1);
	explicit_bzero(te->buf, te->cap);
	free(te->buf);
	te->buf = nb;
	te->cap = cap;
}

void te_set(struct textedit *te, const char *s)
{
	size_t n = strlen(s);

	te_wipe(te);
	reserve(te, n);
	memcpy(te->buf, s, n + 1);
	te->len = te->cur = n;
	te->chars = utf8_len(s, n);
}

const char *te_text(const struct textedit *te)
{
	return te->buf;
}

size_t te_chars(const struct textedit *te)
{
	return te->chars;
}

static void insert(struct textedit *te, const char *s, size_t n)
{
	reserve(te, te->len + n);
	memmove(te->buf + te->cur + n, te->buf + te->cur, te->len - te->cur + 1);
	memcpy(te->buf + te->cur, s, n);
	te->len += n;
	te->cur += n;
	te->chars += utf8_len(s, n);
}

bool te_insert(struct textedit *te, const char *s)
{
	size_t n = strlen(s), k = 0;
	char *clean = xmalloc(n + 1);

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (l == 0) {
			i++; /* not UTF-8: dropped */
			continue;
		}
		if (cp == '\n' || cp == '\t') {
			clean[k++] = cp == '\n' && te->multiline ? '\n' : ' ';
		} else if (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)) {
			memcpy(clean + k, s + i, l);
			k += l;
		}
		i += l;
	}
	clean[k] = '\0';
	bool fits = te->chars + utf8_len(clean, k) <= te->max_chars;
	if (fits)
		insert(te, clean, k);
	free(clean);
	return fits;
}

static void delete_range(struct textedit *te, size_t from, size_t to)
{
	te->chars -= utf8_len(te->buf + from, to - from);
	memmove(te->buf + from, te->buf + to, te->len - to + 1);
	te->len -= to - from;
	te->cur = from;
}

static size_t next_char(const struct textedit *te, size_t off)
{
	unsigned cp;
	size_t l;

	if (off >= te->len)
		return te->len;
	l = utf8_decode(te->buf + off, te->len - off, &cp);
	return off + (l > 0 ? l : 1);
}

static size_t line_start(const struct textedit *te, size_t off)
{
	while (off > 0 && te->buf[off - 1] != '\n')
		off--;
	return off;
}

static size_t line_end(const struct textedit *te, size_t off)
{
	const char *nl = memchr(te->buf + off, '\n', te->len - off);

	return nl != NULL ? (size_t)(nl - te->buf) : te->len;
}

/* Soft-wrap the text at w columns. A line that fills the width exactly, or a trailing '\n',
 * is followed by an empty line so the cursor always has a cell to sit in. */
static struct vline *layout(const struct textedit *te, int w, size_t *count)
{
	size_t n = 0, cap = 8, s = 0;
	struct vline *v = xmalloc(cap * sizeof(*v));

	if (w < 1)
		w = 1;
	for (;;) {
		size_t i = s;
		int col = 0;
		while (i < te->len && te->buf[i] != '\n') {
			size_t nx = next_char(te, i);
			int cw = utf8_width(te->buf + i, nx - i);
			if (col + cw > w && i > s)
				break;
			col += cw;
			i = nx;
		}
		if (n == cap)
			v = xrealloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = (struct vline){s, i};
		if (i >= te->len) {
			if (col >= w) {
				if (n == cap)
					v = xrealloc(v, (cap *= 2) * sizeof(*v));
				v[n++] = (struct vline){te->len, te->len};
			}
			break;
		}
		s = te->buf[i] == '\n' ? i + 1 : i;
		if (s == te->len && te->buf[i] == '\n') {
			if (n == cap)
				v = xrealloc(v, (cap *= 2) * sizeof(*v));
			v[n++] = (struct vline){te->len, te->len};
			break;
		}
	}
	*count = n;
	return v;
}

/* The visual line holding the cursor: the last one starting at or before it, so a cursor at
 * a soft-wrap point shows at the start of the next line. */
static size_t cursor_line(const struct vline *v, size_t n, size_t cur)
{
	size_t k = n - 1;

	while (k > 0 && v[k].start > cur)
		k--;
	return k;
}

/* Move the cursor to the visual line dir (-1/+1) away, keeping its column. */
static enum te_result vertical(struct textedit *te, int dir)
{
	size_t n;
	struct vline *v = layout(te, te->width > 0 ? te->width : 80, &n);
	size_t k = cursor_line(v, n, te->cur);
	enum te_result r = TE_IGNORED;

	if ((dir < 0 && k > 0) || (dir > 0 && k + 1 < n)) {
		int col = utf8_width(te->buf + v[k].start, te->cur - v[k].start);
		size_t j = dir < 0 ? k - 1 : k + 1;
		te->cur =
		    v[j].start + utf8_fit(te->buf + v[j].start, v[j].end - v[j].start, col, NULL);
		r = TE_MOVED;
	}
	free(v);
	return r;
}

static enum te_result type_char(struct textedit *te, unsigned cp)
{
	char enc[4];

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || wcwidth((wchar_t)cp) < 0)
		return TE_IGNORED;
	if (te_chars(te) >= te->max_chars)
		return TE_FULL;
	insert(te, enc, utf8_encode(cp, enc));
	return TE_CHANGED;
}

enum te_result te_key(struct textedit *te, int type, wint_t ch)
{
	size_t p;

	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_LEFT:
			goto left;
		case KEY_RIGHT:
			goto right;
		case KEY_HOME:
			goto home;
		case KEY_END:
			goto end;
		case KEY_BACKSPACE:
			goto backspace;
		case KEY_DC:
			goto del;
		case KEY_UP:
			return te->multiline ? vertical(te, -1) : TE_IGNORED;
		case KEY_DOWN:
			return te->multiline ? vertical(te, +1) : TE_IGNORED;
		case KEY_ENTER:
			goto enter;
		}
		return TE_IGNORED;
	}
	switch (ch) {
	case KEY_CTRL('B'):
		goto left;
	case KEY_CTRL('F'):
		goto right;
	case KEY_CTRL('A'):
		goto home;
	case KEY_CTRL('E'):
		goto end;
	case KEY_CTRL('H'):
	case 0x7f:
		goto backspace;
	case KEY_CTRL('D'):
		goto del;
	case '\r':
	case '\n':
		goto enter;
	case KEY_CTRL('U'): /* kill to the start of the line, as in readline */
		p = line_start(te, te->cur);
		if (p == te->cur)
			return TE_MOVED;
		delete_range(te, p, te->cur);
		return TE_CHANGED;
	case KEY_CTRL('K'):
		p = line_end(te, te->cur);
		if (p == te->cur)
			return TE_MOVED;
		delete_range(te, te->cur, p);
		return TE_CHANGED;
	case KEY_CTRL('W'): /* delete the word before the cursor */
		p = te->cur;
		while (p > 0 && te->buf[p - 1] == ' ')
			p--;
		while (p > 0 && te->buf[p - 1] != ' ' && te->buf[p - 1] != '\n')
			p = utf8_prev(te->buf, p);
		if (p == te->cur)
			return TE_MOVED;
		{
			size_t to = te->cur;
			te->cur = p;
			delete_range(te, p, to);
		}
		return TE_CHANGED;
	}
	return type_char(te, (unsigned)ch);

left:
	if (te->cur > 0)
		te->cur = utf8_prev(te->buf, te->cur);
	return TE_MOVED;
right:
	te->cur = next_char(te, te->cur);
	return TE_MOVED;
home:
	te->cur = te->multiline ? line_start(te, te->cur) : 0;
	return TE_MOVED;
end:
	te->cur = te->multiline ? line_end(te, te->cur) : te->len;
	return TE_MOVED;
backspace:
	if (te->cur == 0)
		return TE_MOVED;
	delete_range(te, utf8_prev(te->buf, te->cur), te->cur);
	return TE_CHANGED;
del:
	if (te->cur >= te->len)
		return TE_MOVED;
	{
		size_t at = te->cur;
		delete_range(te, at, next_char(te, at));
	}
	return TE_CHANGED;
enter:
	if (!te->multiline)
		return TE_IGNORED;
	if (te_chars(te) >= te->max_chars)
		return TE_FULL;
	insert(te, "\n", 1);
	return TE_CHANGED;
}

/* Columns from byte a to byte b, as drawn (masked text is one column per character). */
static int span_width(const struct textedit *te, size_t a, size_t b)
{
	return te->masked ? (int)utf8_len(te->buf + a, b - a) : utf8_width(te->buf + a, b - a);
}

static void draw_single(struct textedit *te, struct rect r, attr_t a, bool focused)
{
	int w = r.w;

	/* Keep the cursor inside the field, leaving its last column for the cursor itself. */
	if (te->scroll > te->cur || te->scroll > te->len)
		te->scroll = te->cur;
	while (te->scroll < te->cur && span_width(te, te->scroll, te->cur) > w - 1)
		te->scroll = next_char(te, te->scroll);

	ui_fill(r.y, r.x, w, a);
	if (te->masked) {
		size_t chars = utf8_len(te->buf + te->scroll, te->len - te->scroll);
		attrset(a);
		for (size_t i = 0; i < chars && (int)i < w; i++)
			mvaddch(r.y, r.x + (int)i, '*');
		attrset(A_NORMAL);
	} else {
		ui_putn(r.y, r.x, te->buf + te->scroll, te->len - te->scroll, w, a, false);
	}
	if (focused)
		ui_cursor(r.y, r.x + span_width(te, te->scroll, te->cur));
}

static void draw_multi(struct textedit *te, struct rect r, attr_t a, bool focused)
{
	size_t n;
	struct vline *v = layout(te, r.w, &n);
	size_t k = cursor_line(v, n, te->cur);

	if (k < te->top)
		te->top = k;
	if (k >= te->top + (size_t)r.h)
		te->top = k - (size_t)r.h + 1;
	if (te->top >= n)
		te->top = 0;
	for (int i = 0; i < r.h; i++) {
		size_t j = te->top + (size_t)i;
		ui_fill(r.y + i, r.x, r.w, a);
		if (j < n)
			ui_putn(r.y + i, r.x, te->buf + v[j].start, v[j].end - v[j].start, r.w, a,
			        false);
	}
	if (focused) {
		int x = utf8_width(te->buf + v[k].start, te->cur - v[k].start);
		/* A line filled exactly up to a '\n' puts the cursor one past the edge. */
		ui_cursor(r.y + (int)(k - te->top), r.x + (x < r.w ? x : r.w - 1));
	}
	free(v);
}

void te_draw(struct textedit *te, struct rect r, attr_t a, bool focused)
{
	if (r.w < 1 || r.h < 1)
		return;
	te->width = r.w;
	if (te->multiline)
		draw_multi(te, r, a, focused);
	else
		draw_single(te, r, a, focused);
}
