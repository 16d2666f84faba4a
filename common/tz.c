/* tz.c - TZif files and POSIX TZ rules turned into UTC offsets and local times, without tzset. */
#include "tz.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY 86400
/* Real offsets stay within +-15:56 (LMT of Manila); POSIX allows 24:59:59. */
#define MAX_UTOFF (25 * 3600)
/* Transitions beyond this are outside every supported instant (zic writes one at -2^59). */
#define FAR_TIME      (1LL << 40)
#define TZIF_MAX_SIZE (1 << 20)
#define TZ_NAME_MAX   255
#define ABBR_MAX      16

enum rule_kind { RULE_JULIAN, RULE_YDAY, RULE_MONTH };

/* One date/time of a POSIX TZ rule: Jn (1..365, Feb 29 never counted), n (0..365), Mm.w.d. */
struct rule {
	enum rule_kind kind;
	int mon, week, wday; /* RULE_MONTH */
	int day;             /* RULE_JULIAN, RULE_YDAY */
	int32_t time;        /* seconds after local midnight, -167h..167h */
};

struct tz_type {
	int32_t utoff;
	bool isdst;
	size_t abbr; /* offset into chars */
};

struct tz {
	char *name;
	int64_t *times; /* ascending transition instants */
	uint8_t *idx;   /* type in effect from each transition on */
	size_t ntimes;
	struct tz_type *types;
	size_t ntypes;
	char *chars;
	size_t nchars;
	int initial; /* type before the first transition */

	/* The footer rule, for instants after the last transition (all of them if none). */
	bool footer;
	bool footer_dst;
	int std_type, dst_type;
	struct rule start, end;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t tz_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int tz_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(((days % 7) + 7 + 4) % 7);
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tz_days_in_month(int64_t y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int64_t clamp_time(int64_t t)
{
	return t < TZ_TIME_MIN ? TZ_TIME_MIN : t > TZ_TIME_MAX ? TZ_TIME_MAX : t;
}

/* ---- POSIX TZ rules -------------------------------------------------------------------------- */

static int64_t rule_day(const struct rule *r, int64_t y)
{
	int64_t jan1 = tz_days_from_civil(y, 1, 1);

	switch (r->kind) {
	case RULE_JULIAN:
		return jan1 + r->day - 1 + (is_leap(y) && r->day >= 60);
	case RULE_YDAY:
		return jan1 + r->day;
	case RULE_MONTH: {
		int64_t first = tz_days_from_civil(y, r->mon, 1);
		int64_t d = first + (r->wday - tz_weekday(first) + 7) % 7 + 7 * (r->week - 1);

		if (d >= first + tz_days_in_month(y, r->mon))
			d -= 7; /* week 5 means the last one */
		return d;
	}
	}
	abort();
}

struct event {
	int64_t at;
	bool dst; /* the footer's DST type starts here (else its standard type) */
};

/* The footer's two changes in year y, in order. The start time is read in standard time and
 * the end time in daylight time, as POSIX says. */
static void year_events(const struct tz *tz, int64_t y, struct event ev[2])
{
	struct event s = {
	    rule_day(&tz->start, y) * DAY + tz->start.time - tz->types[tz->std_type].utoff, true};
	struct event e = {
	    rule_day(&tz->end, y) * DAY + tz->end.time - tz->types[tz->dst_type].utoff, false};

	if (e.at < s.at) {
		ev[0] = e;
		ev[1] = s;
	} else {
		ev[0] = s;
		ev[1] = e;
	}
}

/* The calendar year (in standard local time) that instant t falls in. */
static int64_t footer_year(const struct tz *tz, int64_t t)
{
	int64_t y;
	int m, d;

	t = clamp_time(t);
	tz_civil_from_days(floor_div(t + tz->types[tz->std_type].utoff, DAY), &y, &m, &d);
	return y;
}

static int footer_type(const struct tz *tz, int64_t t)
{
	if (!tz->footer_dst)
		return tz->std_type;
	/* A year's changes lie within about 9 days of it (rule times reach +-167 hours), so the
	 * latest change at or before t is among those of the years y-2..y+1. On a tie the later
	 * year wins: "0/0,J365/25" (DST all year) ends one year's DST at the instant the next
	 * year's starts. */
	int64_t y = footer_year(tz, t);
	int64_t best = INT64_MIN;
	bool dst = false;

	for (int64_t yy = y - 2; yy <= y + 1; yy++) {
		struct event ev[2];

		year_events(tz, yy, ev);
		for (int i = 0; i < 2; i++) {
			if (ev[i].at <= t && ev[i].at >= best) {
				best = ev[i].at;
				dst = ev[i].dst;
			}
		}
	}
	return dst ? tz->dst_type : tz->std_type;
}

/* ---- lookups --------------------------------------------------------------------------------- */

/* Index of the first transition after t. */
static size_t upper_bound(const struct tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->ntimes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->times[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int type_at(const struct tz *tz, int64_t t)
{
	if (tz->ntimes == 0 || t > tz->times[tz->ntimes - 1]) {
		if (tz->footer)
			return footer_type(tz, t);
		return tz->ntimes == 0 ? tz->initial : tz->idx[tz->ntimes - 1];
	}
	size_t i = upper_bound(tz, t);

	return i == 0 ? tz->initial : tz->idx[i - 1];
}

static int32_t utoff_at(const struct tz *tz, int64_t t)
{
	return tz->types[type_at(tz, t)].utoff;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The instants in (lo, hi] at which the zone may change type, ascending and distinct. Stores
 * at most cap of them and returns how many there are, so a caller can retry with room. */
static size_t changes_in(const struct tz *tz, int64_t lo, int64_t hi, int64_t *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = upper_bound(tz, lo); i < tz->ntimes && tz->times[i] <= hi; i++) {
		if (n < cap)
			out[n] = tz->times[i];
		n++;
	}
	if (!tz->footer_dst)
		return n;

	size_t first_footer = n;
	int64_t from = lo;

	if (tz->ntimes > 0 && tz->times[tz->ntimes - 1] > from)
		from = tz->times[tz->ntimes - 1];
	if (hi <= from)
		return n;
	for (int64_t y = footer_year(tz, from) - 2, y1 = footer_year(tz, hi) + 1; y <= y1; y++) {
		struct event ev[2];

		year_events(tz, y, ev);
		for (int i = 0; i < 2; i++) {
			if (ev[i].at > from && ev[i].at <= hi) {
				if (n < cap)
					out[n] = ev[i].at;
				n++;
			}
		}
	}
	if (n > cap)
		return n;
	/* Footer changes of adjacent years may interleave, and a tie repeats an instant. */
	qsort(out + first_footer, n - first_footer, sizeof(*out), cmp_i64);
	size_t w = first_footer;

	for (size_t r = first_footer; r < n; r++) {
		if (w == first_footer || out[r] != out[w - 1])
			out[w++] = out[r];
	}
	return w;
}

int32_t tz_utc_offset(const struct tz *tz, int64_t t)
{
	return utoff_at(tz, clamp_time(t));
}

int tz_to_local(const struct tz *tz, int64_t t, struct tz_tm *out)
{
	if (t < TZ_TIME_MIN || t > TZ_TIME_MAX)
		return -1;

	const struct tz_type *ty = &tz->types[type_at(tz, t)];
	int64_t local = t + ty->utoff;
	int64_t days = floor_div(local, DAY);
	int64_t secs = local - days * DAY;
	int64_t y;

	tz_civil_from_days(days, &y, &out->month, &out->day);
	out->year = (int)y;
	out->hour = (int)(secs / 3600);
	out->min = (int)(secs / 60 % 60);
	out->sec = (int)(secs % 60);
	out->wday = tz_weekday(days);
	out->yday = (int)(days - tz_days_from_civil(y, 1, 1));
	out->utoff = ty->utoff;
	out->isdst = ty->isdst;
	out->abbr = tz->chars + ty->abbr;
	return 0;
}

int64_t tz_from_local_secs(const struct tz *tz, int64_t local, int policy)
{
	if (local < TZ_TIME_MIN || local > TZ_TIME_MAX)
		return TZ_TIME_INVALID;

	/* Every instant whose local time can be `local` lies within a day of it, so the zone's
	 * behaviour over [local - 2 days, local + 2 days] decides. Segment k runs from change
	 * k-1 (or before the window) to change k (or past it) at offset off[k]. */
	int64_t lo = local - 2 * DAY, hi = local + 2 * DAY;
	int64_t cbuf[32];
	int32_t obuf[33];
	int64_t *c = cbuf;
	int32_t *off = obuf;
	size_t n = changes_in(tz, lo, hi, c, ARRAY_LEN(cbuf));

	if (n == 0)
		return local - utoff_at(tz, lo);
	if (n > ARRAY_LEN(cbuf)) {
		c = xmalloc(n * sizeof(*c));
		off = xmalloc((n + 1) * sizeof(*off));
		n = changes_in(tz, lo, hi, c, n);
	}
	off[0] = utoff_at(tz, lo);
	for (size_t k = 1; k <= n; k++)
		off[k] = utoff_at(tz, c[k - 1]);

	/* g = the first instant whose local time is at or past `local`: its first occurrence in
	 * a fold, the end of the gap in a gap. */
	size_t gk = 0;
	int64_t g = 0;

	for (size_t k = 0; k <= n; k++) {
		int64_t cand = local - off[k];

		if (k > 0 && cand < c[k - 1])
			cand = c[k - 1];
		if (k == n || cand < c[k]) {
			g = cand;
			gk = k;
			break;
		}
	}

	int64_t result = g;

	if (policy != (TZ_FOLD_EARLIER | TZ_GAP_NEXT)) {
		/* Exact occurrences: segments whose span holds local - off[k]. */
		int64_t first = INT64_MAX, last = INT64_MIN;

		for (size_t k = 0; k <= n; k++) {
			int64_t cand = local - off[k];

			if ((k == 0 || cand >= c[k - 1]) && (k == n || cand < c[k])) {
				if (first == INT64_MAX)
					first = cand;
				last = cand;
			}
		}
		if (first != INT64_MAX)
			result = (policy & TZ_FOLD_LATER) ? last : first;
		else if ((policy & TZ_GAP_SHIFT) && gk > 0)
			result = local - off[gk - 1];
	}
	if (c != cbuf) {
		free(c);
		free(off);
	}
	return result;
}

int64_t tz_from_local(const struct tz *tz, int y, int m, int d, int h, int mi, int s, int policy)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > tz_days_in_month(y, m) || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
		return TZ_TIME_INVALID;
	return tz_from_local_secs(tz, tz_days_from_civil(y, m, d) * DAY + h * 3600 + mi * 60 + s,
	                          policy);
}

int64_t tz_next_transition(const struct tz *tz, int64_t t)
{
	t = clamp_time(t);

	/* The offset changes first at the earliest candidate instant whose offset differs from
	 * the one at t: the offset is constant between candidates. */
	int32_t cur = utoff_at(tz, t);

	for (size_t i = upper_bound(tz, t); i < tz->ntimes; i++) {
		if (utoff_at(tz, tz->times[i]) != cur)
			return tz->times[i];
	}
	if (!tz->footer_dst || tz->types[tz->std_type].utoff == tz->types[tz->dst_type].utoff)
		return TZ_TIME_NONE;

	int64_t from = t;

	if (tz->ntimes > 0 && tz->times[tz->ntimes - 1] > from)
		from = tz->times[tz->ntimes - 1];

	int64_t best = TZ_TIME_NONE, found_year = 0;

	for (int64_t y = footer_year(tz, from) - 2; y <= 10000; y++) {
		struct event ev[2];

		/* Changes of adjacent years can interleave: look two years past the first find. */
		if (best != TZ_TIME_NONE && y > found_year + 2)
			break;
		year_events(tz, y, ev);
		for (int i = 0; i < 2; i++) {
			if (ev[i].at > from && ev[i].at < best && ev[i].at <= TZ_TIME_MAX &&
			    utoff_at(tz, ev[i].at) != cur) {
				if (best == TZ_TIME_NONE)
					found_year = y;
				best = ev[i].at;
			}
		}
	}
	return best;
}

const char *tz_name(const struct tz *tz)
{
	return tz->name;
}

void tz_free(struct tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->times);
	free(tz->idx);
	free(tz->types);
	free(tz->chars);
	free(tz);
}

/* ---- POSIX TZ string parsing ----------------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* An abbreviation: 3+ letters, or <...> of letters, digits, '+' and '-'. */
static const char *parse_abbr(const char *p, char *out)
{
	const char *q;
	size_t len;

	if (*p == '<') {
		q = ++p;
		while (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-')
			p++;
		if (*p != '>')
			return NULL;
		len = (size_t)(p++ - q);
	} else {
		q = p;
		while (is_alpha(*p))
			p++;
		len = (size_t)(p - q);
	}
	if (len < 3 || len >= ABBR_MAX)
		return NULL;
	memcpy(out, q, len);
	out[len] = '\0';
	return p;
}

static const char *parse_int(const char *p, int max_digits, int *out)
{
	int v = 0, n = 0;

	while (is_digit(*p) && n < max_digits) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || is_digit(*p))
		return NULL;
	*out = v;
	return p;
}

/* [+-]hh[:mm[:ss]] with hh <= max_hours. */
static const char *parse_hms(const char *p, int max_hours, int32_t *out)
{
	int sign = 1, h, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if ((p = parse_int(p, 3, &h)) == NULL || h > max_hours)
		return NULL;
	if (*p == ':') {
		if ((p = parse_int(p + 1, 2, &m)) == NULL || m > 59)
			return NULL;
		if (*p == ':' && ((p = parse_int(p + 1, 2, &s)) == NULL || s > 59))
			return NULL;
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *parse_rule(const char *p, struct rule *r)
{
	int v;

	if (*p == 'J') {
		if ((p = parse_int(p + 1, 3, &v)) == NULL || v < 1 || v > 365)
			return NULL;
		r->kind = RULE_JULIAN;
		r->day = v;
	} else if (is_digit(*p)) {
		if ((p = parse_int(p, 3, &v)) == NULL || v > 365)
			return NULL;
		r->kind = RULE_YDAY;
		r->day = v;
	} else if (*p == 'M') {
		r->kind = RULE_MONTH;
		if ((p = parse_int(p + 1, 2, &r->mon)) == NULL || r->mon < 1 || r->mon > 12 ||
		    *p != '.' || (p = parse_int(p + 1, 1, &r->week)) == NULL || r->week < 1 ||
		    r->week > 5 || *p != '.' || (p = parse_int(p + 1, 1, &r->wday)) == NULL ||
		    r->wday > 6)
			return NULL;
	} else {
		return NULL;
	}
	r->time = 2 * 3600;
	if (*p == '/')
		p = parse_hms(p + 1, 167, &r->time);
	return p;
}

/* Append s and its NUL to the zone's abbreviation pool; returns its offset. */
static size_t add_chars(struct tz *tz, const char *s)
{
	size_t len = strlen(s) + 1, at = tz->nchars;

	tz->chars = xrealloc(tz->chars, tz->nchars + len);
	memcpy(tz->chars + at, s, len);
	tz->nchars += len;
	return at;
}

/* Parse spec as the zone's footer rule. An empty spec means no rule. */
static int parse_footer(struct tz *tz, const char *spec, char **err)
{
	char std[ABBR_MAX], dst[ABBR_MAX];
	int32_t std_off, dst_off;
	struct rule start, end;
	bool has_dst = false;
	const char *p = spec;

	if (*p == '\0')
		return 0;
	if ((p = parse_abbr(p, std)) == NULL || (p = parse_hms(p, 24, &std_off)) == NULL)
		goto bad;
	std_off = -std_off; /* POSIX counts west of UTC as positive */
	if (*p != '\0') {
		has_dst = true;
		if ((p = parse_abbr(p, dst)) == NULL)
			goto bad;
		dst_off = std_off + 3600;
		if (*p != ',' && *p != '\0') {
			if ((p = parse_hms(p, 24, &dst_off)) == NULL)
				goto bad;
			dst_off = -dst_off;
		}
		if (*p == '\0') {
			/* No rule: the US one, as glibc and tzcode assume. */
			parse_rule("M3.2.0", &start);
			parse_rule("M11.1.0", &end);
		} else if (*p != ',' || (p = parse_rule(p + 1, &start)) == NULL || *p != ',' ||
		           (p = parse_rule(p + 1, &end)) == NULL || *p != '\0') {
			goto bad;
		}
	}
	if (*p != '\0')
		goto bad;

	tz->types = xrealloc(tz->types, (tz->ntypes + 2) * sizeof(*tz->types));
	tz->std_type = (int)tz->ntypes++;
	tz->types[tz->std_type] = (struct tz_type){std_off, false, add_chars(tz, std)};
	tz->footer = true;
	if (has_dst) {
		tz->dst_type = (int)tz->ntypes++;
		tz->types[tz->dst_type] = (struct tz_type){dst_off, true, add_chars(tz, dst)};
		tz->footer_dst = true;
		tz->start = start;
		tz->end = end;
	}
	return 0;
bad:
	*err = xasprintf("bad POSIX TZ rule \"%s\"", spec);
	return -1;
}

struct tz *tz_from_posix(const char *spec, char **err)
{
	struct tz *tz = xcalloc(1, sizeof(*tz));

	tz->name = xstrdup(spec);
	if (*spec == '\0') {
		*err = xstrdup("empty POSIX TZ rule");
	} else if (parse_footer(tz, spec, err) == 0) {
		tz->initial = tz->std_type;
		return tz;
	}
	tz_free(tz);
	return NULL;
}

/* ---- TZif ------------------------------------------------------------------------------------ */

struct tzif_header {
	char version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int read_header(const unsigned char *p, size_t left, struct tzif_header *h)
{
	if (left < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	h->version = (char)p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return 0;
}

/* Bytes of the data block after a header, with tsize-byte times (4 in v1, 8 in v2+). */
static uint64_t data_size(const struct tzif_header *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * tsize + h->timecnt + (uint64_t)h->typecnt * 6 + h->charcnt +
	       (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* RFC 8536: the v1 block, then a v2+ header and block with 64-bit times, then the footer. */
static const char *parse_tzif(struct tz *tz, const unsigned char *buf, size_t len)
{
	struct tzif_header h;
	const unsigned char *p = buf;
	size_t left = len;
	uint64_t size;

	if (read_header(p, left, &h) != 0)
		return "not a TZif file";
	if (h.version < '2')
		return "TZif version 1 has no 64-bit data";
	size = data_size(&h, 4);
	if (size > left - 44)
		return "truncated";
	p += 44 + size;
	left -= 44 + size;
	if (read_header(p, left, &h) != 0)
		return "no second TZif header";
	p += 44;
	left -= 44;
	if (data_size(&h, 8) > left)
		return "truncated";
	if (h.typecnt == 0 || h.typecnt > 256 || h.charcnt == 0)
		return "bad type or abbreviation count";
	if (h.leapcnt != 0)
		return "leap-second zones are not supported";
	if ((h.isstdcnt != 0 && h.isstdcnt != h.typecnt) ||
	    (h.isutcnt != 0 && h.isutcnt != h.typecnt))
		return "bad indicator counts";

	const unsigned char *times = p, *idx = p + (size_t)h.timecnt * 8;
	const unsigned char *types = idx + h.timecnt, *chars = types + (size_t)h.typecnt * 6;

	tz->ntypes = h.typecnt;
	tz->types = xcalloc(h.typecnt, sizeof(*tz->types));
	for (uint32_t i = 0; i < h.typecnt; i++) {
		int32_t utoff = (int32_t)be32(types + 6 * i);
		uint8_t isdst = types[6 * i + 4], abbr = types[6 * i + 5];

		if (utoff < -MAX_UTOFF || utoff > MAX_UTOFF || isdst > 1 || abbr >= h.charcnt)
			return "bad local time type";
		tz->types[i] = (struct tz_type){utoff, isdst, abbr};
	}
	/* The pool gets a NUL of its own so an unterminated last abbreviation stays a string. */
	tz->chars = xmalloc(h.charcnt + 1);
	memcpy(tz->chars, chars, h.charcnt);
	tz->chars[h.charcnt] = '\0';
	tz->nchars = h.charcnt + 1;

	tz->times = xmalloc((h.timecnt ? h.timecnt : 1) * sizeof(*tz->times));
	tz->idx = xmalloc(h.timecnt ? h.timecnt : 1);
	for (uint32_t i = 0; i < h.timecnt; i++) {
		int64_t t = be64(times + 8 * i);

		if (idx[i] >= h.typecnt)
			return "bad transition type";
		if (i > 0 && t <= be64(times + 8 * (i - 1)))
			return "transitions out of order";
		if (t < -FAR_TIME) {
			/* Before every supported instant: it only decides the initial type. */
			tz->initial = idx[i];
		} else if (t <= FAR_TIME) {
			tz->times[tz->ntimes] = t;
			tz->idx[tz->ntimes++] = idx[i];
		}
	}
	p += data_size(&h, 8);
	left -= data_size(&h, 8);

	/* Footer: "\n" rule "\n". */
	const unsigned char *nl;

	if (left < 2 || p[0] != '\n' || (nl = memchr(p + 1, '\n', left - 1)) == NULL)
		return "missing footer";
	if (memchr(p + 1, '\0', (size_t)(nl - p - 1)) != NULL || nl - p - 1 > 255)
		return "bad footer";

	char *spec = xstrndup((const char *)p + 1, (size_t)(nl - p - 1));
	char *err = NULL;
	int rc = parse_footer(tz, spec, &err);

	free(spec);
	free(err);
	return rc == 0 ? NULL : "bad footer rule";
}

struct tz *tz_parse(const unsigned char *buf, size_t len, const char *name, char **err)
{
	struct tz *tz = xcalloc(1, sizeof(*tz));
	const char *why;

	tz->name = xstrdup(name);
	if ((why = parse_tzif(tz, buf, len)) != NULL) {
		*err = xasprintf("%s: %s", name, why);
		tz_free(tz);
		return NULL;
	}
	return tz;
}

/* Zone names are relative paths below the zoneinfo directory and nothing else. */
static bool valid_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > TZ_NAME_MAX || name[0] == '/' || name[len - 1] == '/' ||
	    strstr(name, "//") != NULL || strstr(name, "..") != NULL)
		return false;
	for (const char *p = name; *p; p++) {
		if (!is_alpha(*p) && !is_digit(*p) && strchr("_+-/", *p) == NULL)
			return false;
	}
	return true;
}

struct tz *tz_load_dir(const char *dir, const char *name, char **err)
{
	struct stat st;
	struct tz *tz = NULL;
	unsigned char *buf;
	char *path;
	ssize_t got;
	size_t have = 0;
	int fd;

	if (!valid_name(name)) {
		*err = xasprintf("bad time zone name \"%s\"", name);
		return NULL;
	}
	if (strcmp(name, "UTC") == 0) {
		tz = tz_from_posix("UTC0", err);
		free(tz->name);
		tz->name = xstrdup("UTC");
		return tz;
	}
	path = xasprintf("%s/%s", dir, name);
	/* O_NONBLOCK: a FIFO planted in the directory must not hang the open. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TZIF_MAX_SIZE) {
		*err = xasprintf("%s: not a regular file of at most %d bytes", path, TZIF_MAX_SIZE);
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	/* Read one byte past the expected size to notice a file that grew. */
	while ((got = read(fd, buf + have, (size_t)st.st_size + 1 - have)) > 0 &&
	       have + (size_t)got <= (size_t)st.st_size)
		have += (size_t)got;
	if (got < 0)
		*err = xasprintf("%s: %s", path, strerror(errno));
	else if (got > 0)
		*err = xasprintf("%s: changed while being read", path);
	else
		tz = tz_parse(buf, have, name, err);
	free(buf);
out:
	close(fd);
	free(path);
	return tz;
}

struct tz *tz_load(const char *name, char **err)
{
	return tz_load_dir(TZ_DEFAULT_DIR, name, err);
}
