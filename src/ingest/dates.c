/*
 * dates.c: the date formats ingest reads (validate.h, hg_datefmt). The
 * default is ISO 8601, YYYY-MM-DD (YYYY-MM where a month is enough), also as
 * a date-time whose time is zero ("1997-04-23 00:00:00", "...T00:00:00Z"),
 * which is how databases and Excel export dates. Day-first and month-first
 * dates are read only when --date-format names the order, because 01/02/2000
 * is either. When a value fails, hg_datefmt_expect says what was expected and,
 * when the value has a recognisable other shape, which option reads it.
 */
#include "ingest.h"
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { F_Y, F_M, F_D }; /* also the index into {year, month, day} */

/* The formats --date-format takes: the fields' order and the separator. */
static const struct {
	const char *name;
	int order[3];
	char sep;
} formats[] = {
    {"YYYY-MM-DD", {F_Y, F_M, F_D}, '-'}, {"DD/MM/YYYY", {F_D, F_M, F_Y}, '/'},
    {"MM/DD/YYYY", {F_M, F_D, F_Y}, '/'}, {"DD-MM-YYYY", {F_D, F_M, F_Y}, '-'},
    {"MM-DD-YYYY", {F_M, F_D, F_Y}, '-'}, {"DD.MM.YYYY", {F_D, F_M, F_Y}, '.'},
    {"YYYY/MM/DD", {F_Y, F_M, F_D}, '/'}, {"YYYYMMDD", {F_Y, F_M, F_D}, 0},
};

int hg_datefmt_init(hg_datefmt *f, const char *spec, hg_err *err)
{
	memset(f, 0, sizeof *f);
	const char *s = spec && *spec ? spec : "YYYY-MM-DD";
	for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++)
		if (!strcasecmp(s, formats[k].name)) {
			memcpy(f->order, formats[k].order, sizeof f->order);
			f->sep = formats[k].sep;
			f->iso = k == 0;
			snprintf(f->name, sizeof f->name, "%s", formats[k].name);
			return 0;
		}
	return hg_err_set(err, HG_EUSAGE,
	                  "--date-format '%s' is not a date format healthgap reads: give "
	                  "YYYY-MM-DD (the default), DD/MM/YYYY, MM/DD/YYYY, DD-MM-YYYY, "
	                  "MM-DD-YYYY, DD.MM.YYYY, YYYY/MM/DD or YYYYMMDD",
	                  s);
}

int hg_date_format_check(const char *spec, hg_err *err)
{
	hg_datefmt f;
	return hg_datefmt_init(&f, spec, err);
}

/* A time of day after a date, s[0] being the space or T: hh:mm[:ss[.fff]] then
 * nothing, Z, +00:00 or +0000. 0 when it is midnight, 1 another time, -1 not a time. */
static int time_part(const char *s, size_t n)
{
	size_t i = 1;
	int nonzero = 0, parts = 0;
	while (parts < 3) {
		if (i + 2 > n || !isdigit((unsigned char)s[i]) || !isdigit((unsigned char)s[i + 1]))
			return -1;
		nonzero |= s[i] != '0' || s[i + 1] != '0';
		i += 2;
		if (++parts == 3 || i >= n || s[i] != ':')
			break;
		i++;
	}
	if (parts < 2)
		return -1;
	if (parts == 3 && i < n && s[i] == '.') {
		size_t from = ++i;
		for (; i < n && isdigit((unsigned char)s[i]); i++)
			nonzero |= s[i] != '0';
		if (i == from)
			return -1;
	}
	if (i < n && s[i] == 'Z')
		i++;
	else if ((n - i == 6 && !memcmp(s + i, "+00:00", 6)) ||
	         (n - i == 5 && !memcmp(s + i, "+0000", 5)))
		i = n;
	return i == n ? nonzero : -1;
}

/* The date part s[0..n) in format f (1- or 2-digit day and month between
 * separators), or -1. Where a month will do, a trailing day may be left out. */
static int read_generic(const hg_datefmt *f, const char *s, size_t n, int allow_month, hg_date *out,
                        int *prec)
{
	int ymd[3] = {0, 0, 1}, k;
	size_t i = 0;
	for (k = 0; k < 3; k++) {
		if (k == 2 && i == n && allow_month && f->order[2] == F_D)
			break;
		if (k && f->sep && (i >= n || s[i++] != f->sep))
			return -1;
		int field = f->order[k], maxw = field == F_Y ? 4 : 2, w = 0, x = 0;
		int minw = field == F_Y || !f->sep ? maxw : 1;
		for (; w < maxw && i < n && isdigit((unsigned char)s[i]); w++)
			x = x * 10 + (s[i++] - '0');
		if (w < minw)
			return -1;
		ymd[field] = x;
	}
	if (i != n || !hg_date_valid_ymd(ymd[F_Y], ymd[F_M], ymd[F_D]))
		return -1;
	*out = hg_date_from_ymd(ymd[F_Y], ymd[F_M], ymd[F_D]);
	if (prec)
		*prec = k == 3 ? HG_DATE_DAY : HG_DATE_MONTH;
	return 0;
}

/* Where the date part of s ends: at a space or T followed by a digit, else n. */
static size_t date_end(const char *s, size_t n)
{
	for (size_t i = 6; i + 1 < n; i++)
		if ((s[i] == ' ' || s[i] == 'T') && isdigit((unsigned char)s[i + 1]))
			return i;
	return n;
}

int hg_datefmt_read(const hg_datefmt *f, hg_sv s, int allow_month, hg_date *out, int *prec)
{
	if (f->iso && (s.n == 10 || s.n == 7)) /* the usual case, as fast as before */
		return hg_date_parse(s.p, s.n, allow_month, out, prec);
	size_t e = date_end(s.p, s.n);
	if (e < s.n) {
		int t = time_part(s.p + e, s.n - e);
		if (t < 0)
			return -1;
		if (t > 0)
			return -2;
	}
	if (f->iso)
		return hg_date_parse(s.p, e, allow_month, out, prec);
	return read_generic(f, s.p, e, allow_month, out, prec);
}

/* The shape of a value: each digit as 9 ("23/04/1997" -> "99/99/9999"). */
static void shape_of(hg_sv s, char *buf, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < s.n && k + 1 < cap; i++)
		buf[k++] = isdigit((unsigned char)s.p[i]) ? '9' : s.p[i];
	buf[k] = 0;
}

/* When a value that fails looks like a day-first or month-first date, or a
 * compact one: the --date-format options that would read it. */
static int other_format_hint(hg_sv s, char *buf, size_t cap)
{
	char sh[64];
	shape_of((hg_sv){s.p, date_end(s.p, s.n)}, sh, sizeof sh);
	size_t n = strlen(sh);
	char sep = n >= 8 ? sh[n - 5] : 0;
	if (n >= 8 && n <= 10 && strchr("/-.", sep) && !strcmp(sh + n - 4, "9999")) {
		const char *a = strchr(sh, sep);
		if (a && a - sh <= 2 && a - sh >= 1 && sh + n - 5 - a <= 3 && sh + n - 5 - a >= 2) {
			snprintf(
			    buf, cap,
			    "it looks like DD%cMM%cYYYY or MM%cDD%cYYYY, which healthgap will not "
			    "guess (01%c02 is either): give --date-format DD%cMM%cYYYY or "
			    "--date-format MM%cDD%cYYYY",
			    sep, sep, sep, sep, sep, sep, sep, sep, sep);
			return 1;
		}
	}
	if (!strcmp(sh, "99999999")) {
		snprintf(buf, cap, "it looks like YYYYMMDD: give --date-format YYYYMMDD");
		return 1;
	}
	return 0;
}

void hg_datefmt_expect(const hg_datefmt *f, hg_sv s, int allow_month, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "expected %s", f->name);
	if (allow_month && f->iso)
		n += snprintf(buf + n, cap - (size_t)n, " or YYYY-MM");
	if ((size_t)n >= cap)
		return;
	hg_date d;
	if (hg_datefmt_read(f, s, allow_month, &d, NULL) == -2) {
		snprintf(buf + n, cap - (size_t)n,
		         ": a date-time is read as its date only when the time is 00:00:00");
		return;
	}
	char hint[300];
	if (f->iso && other_format_hint(s, hint, sizeof hint))
		snprintf(buf + n, cap - (size_t)n, ": %s", hint);
	else if (!f->iso && hg_date_shape_name(s) && !strncmp(hg_date_shape_name(s), "YYYY-MM", 7))
		snprintf(buf + n, cap - (size_t)n,
		         ": it looks like YYYY-MM-DD, the default (leave out --date-format)");
}

const char *hg_date_shape_name(hg_sv s)
{
	char sh[64];
	shape_of(s, sh, sizeof sh);
	if (!strcmp(sh, "9999-99-99"))
		return "YYYY-MM-DD";
	if (!strcmp(sh, "9999-99"))
		return "YYYY-MM";
	if (!strncmp(sh, "9999-99-99", 10) && (sh[10] == ' ' || sh[10] == 'T'))
		return "YYYY-MM-DD hh:mm:ss (date-times: read as dates when the time is 00:00:00)";
	char hint[300];
	if (other_format_hint(s, hint, sizeof hint))
		return strchr(sh, '/')   ? "DD/MM/YYYY or MM/DD/YYYY"
		       : strchr(sh, '.') ? "DD.MM.YYYY or MM.DD.YYYY"
		       : strchr(sh, '-') ? "DD-MM-YYYY or MM-DD-YYYY"
		                         : "YYYYMMDD";
	return NULL;
}
