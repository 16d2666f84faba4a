/* picker.c - inline "type to search" drop-down list and case/accent-folding matching. */
#include "picker.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "keys.h"
#include "utf8.h"
#include "util.h"

/* ---- folding --------------------------------------------------------------------------- */

/* U+00C0..U+017F without their accents, lower case ('.' = no plain letter: towlower). An
 * operator on the phone types "Dubois", "chloe", "goncalves" without the diacritics. */
static const char latin_base[] = "aaaaaa.ceeeeiiii.nooooo.ouuuuy..aaaaaa.ceeeeiiii.nooooo.ouuuuy.y"
                                 "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkk.llllll."
                                 ".llnnnnnn...oooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzz.";

static unsigned fold_cp(unsigned cp)
{
	if (cp >= 0xc0 && cp < 0xc0 + sizeof(latin_base) - 1 && latin_base[cp - 0xc0] != '.')
		return (unsigned char)latin_base[cp - 0xc0];
	return (unsigned)towlower((wint_t)cp);
}

/* Folded code points of s; malformed bytes stand for themselves (never matched by text a
 * user typed, and never a reason to fail). */
static unsigned *fold(const char *s, size_t *count)
{
	size_t n = strlen(s), k = 0;
	unsigned *out = xmalloc((n + 1) * sizeof(*out));

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			cp = (unsigned char)s[i];
			len = 1;
		}
		out[k++] = fold_cp(cp);
		i += len;
	}
	*count = k;
	return out;
}

int fold_match(const char *hay, const char *needle)
{
	size_t nh, nn;
	unsigned *h, *w;
	int best = -1;

	if (needle == NULL || needle[0] == '\0')
		return 0;
	if (hay == NULL)
		return -1;
	h = fold(hay, &nh);
	w = fold(needle, &nn);
	for (size_t i = 0; nn <= nh && i + nn <= nh && best != 0; i++) {
		if (memcmp(h + i, w, nn * sizeof(*w)) != 0)
			continue;
		best = i == 0 || !iswalnum((wint_t)h[i - 1]) ? 0 : 1;
	}
	free(h);
	free(w);
	return best;
}

/* ---- the list -------------------------------------------------------------------------- */

void picker_init(struct picker *p)
{
	memset(p, 0, sizeof(*p));
}

void picker_clear(struct picker *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].label);
		free(p->items[i].detail);
		free(p->items[i].right);
	}
	p->n = p->cur = p->top = 0;
	p->note[0] = '\0';
}

void picker_free(struct picker *p)
{
	picker_clear(p);
	free(p->items);
	memset(p, 0, sizeof(*p));
}

static char *dup_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

void picker_add(struct picker *p, int64_t id, const char *label, const char *detail,
                const char *right, int tag)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->items = xrealloc(p->items, p->cap * sizeof(*p->items));
	}
	p->items[p->n++] =
	    (struct pick_item){id, xstrdup(label), dup_or_null(detail), dup_or_null(right), tag};
}

const struct pick_item *picker_current(const struct picker *p)
{
	return p->n > 0 ? &p->items[p->cur < p->n ? p->cur : p->n - 1] : NULL;
}

bool picker_key(struct picker *p, int type, wint_t ch)
{
	long c = (long)p->cur;

	if (key_fn(type, ch, KEY_UP))
		c--;
	else if (key_fn(type, ch, KEY_DOWN))
		c++;
	else if (key_fn(type, ch, KEY_PPAGE))
		c -= 5;
	else if (key_fn(type, ch, KEY_NPAGE))
		c += 5;
	else
		return false;
	if (p->n == 0)
		return true;
	p->cur = c < 0 ? 0 : c >= (long)p->n ? p->n - 1 : (size_t)c;
	return true;
}

int picker_height(const struct picker *p, int max_items)
{
	if (p->n == 0)
		return p->note[0] != '\0' ? 3 : 0;
	return (int)(p->n < (size_t)max_items ? p->n : (size_t)max_items) + 2;
}

void picker_draw(struct picker *p, struct rect r, const char *title)
{
	int rows = r.h - 2, w = r.w - 2;

	if (r.h < 3 || r.w < 8)
		return;
	ui_clear(r, A_NORMAL);
	ui_box(r, ui_attr(UI_BORDER));
	if (title != NULL)
		ui_put(r.y, r.x + 2, title, r.w - 4, ui_attr(UI_LABEL));
	if (p->n == 0) {
		ui_put(r.y + 1, r.x + 1, p->note, w, ui_attr(UI_LABEL));
		return;
	}
	if (p->cur < p->top)
		p->top = p->cur;
	if (p->cur >= p->top + (size_t)rows)
		p->top = p->cur - (size_t)rows + 1;
	for (int i = 0; i < rows && p->top + (size_t)i < p->n; i++) {
		const struct pick_item *it = &p->items[p->top + (size_t)i];
		bool cur = p->top + (size_t)i == p->cur;
		attr_t a = cur ? ui_attr(UI_CURSOR) : A_NORMAL;
		attr_t da = cur ? a : ui_attr(UI_LABEL);
		int y = r.y + 1 + i, x = r.x + 1, rw = 0;

		ui_fill(y, x, w, a);
		if (it->right != NULL) {
			rw = utf8_width(it->right, strlen(it->right));
			if (rw > w / 3)
				rw = w / 3;
			ui_put_right(y, x, it->right, w - 1, da);
			rw += 2;
		}
		int used = ui_put(y, x + 1, it->label, w - rw - 1, a);
		if (it->detail != NULL && used + 3 < w - rw)
			ui_put(y, x + 1 + used + 2, it->detail, w - rw - used - 3, da);
	}
}
