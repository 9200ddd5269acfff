/*
 * str.c: string views, growable buffers, strict number parsing, edit
 * distance for "did you mean" suggestions.
 */
#include "str.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hg_sv hg_sv_from(const char *s)
{
	return (hg_sv){s, strlen(s)};
}

/* The C locale's isspace, without the locale lookup (this is on every field's path). */
static inline int blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

hg_sv hg_sv_trim(hg_sv s)
{
	while (s.n && blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

int hg_sv_eq(hg_sv a, const char *s)
{
	size_t n = strlen(s);
	return a.n == n && memcmp(a.p, s, n) == 0;
}

int hg_sv_eq_nocase(hg_sv a, const char *s)
{
	size_t n = strlen(s);
	if (a.n != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a.p[i]) != tolower((unsigned char)s[i]))
			return 0;
	return 1;
}

void hg_buf_reserve(hg_buf *b, size_t extra)
{
	if (b->n + extra + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		while (cap < b->n + extra + 1)
			cap *= 2;
		b->p = hg_xrealloc(b->p, cap);
		b->cap = cap;
	}
}

void hg_buf_put(hg_buf *b, const void *p, size_t n)
{
	hg_buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void hg_buf_putc(hg_buf *b, char c)
{
	hg_buf_reserve(b, 1);
	b->p[b->n++] = c;
}

void hg_buf_puts(hg_buf *b, const char *s)
{
	hg_buf_put(b, s, strlen(s));
}

void hg_buf_vprintf(hg_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	hg_buf_reserve(b, (size_t)n + 1);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->n += (size_t)n;
}

void hg_buf_printf(hg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hg_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *hg_buf_cstr(hg_buf *b)
{
	hg_buf_reserve(b, 1);
	b->p[b->n] = 0;
	return b->p;
}

void hg_buf_free(hg_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

int hg_parse_double(hg_sv s, double *out)
{
	char tmp[64];
	s = hg_sv_trim(s);
	if (s.n == 0 || s.n >= sizeof tmp)
		return -1;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = 0;
	char *end;
	errno = 0;
	double v = strtod(tmp, &end);
	if (*end || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* hg_f32_decimal (str.h) for a finite value that is not a whole number up to 2^24 */
double hg_f32_decimal_slow(float f)
{
	double d = f;
	/* exact powers of ten: a quotient or product by one is correctly rounded */
	static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
	                             1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	                             1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	int e10 = (int)floor(log10(fabs(d)));
	for (int digits = 1; digits <= 9; digits++) {
		int k = digits - 1 - e10; /* decimal places kept */
		double r;
		if (k >= 0 && k <= 22)
			r = round(d * p10[k]) / p10[k];
		else if (k < 0 && -k <= 22)
			r = round(d / p10[-k]) * p10[-k];
		else { /* beyond exact powers of ten (rare): the C library's conversions */
			char buf[32];
			snprintf(buf, sizeof buf, "%.*e", digits - 1, d);
			r = strtod(buf, NULL);
		}
		if ((float)r == f)
			return r;
	}
	return d; /* not reached: 9 significant digits always round-trip a float */
}

int hg_parse_int64(hg_sv s, int64_t *out)
{
	char tmp[32];
	s = hg_sv_trim(s);
	if (s.n == 0 || s.n >= sizeof tmp)
		return -1;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = 0;
	char *end;
	errno = 0;
	long long v = strtoll(tmp, &end, 10);
	if (*end || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

void hg_buf_put_double(hg_buf *b, double v)
{
	if (isnan(v)) {
		hg_buf_put(b, "NA", 2);
		return;
	}
	if (isinf(v)) {
		hg_buf_puts(b, v > 0 ? "Inf" : "-Inf");
		return;
	}
	hg_buf_printf(b, "%.17g", v);
}

size_t hg_edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > HG_EDIT_MAX || m > HG_EDIT_MAX)
		return SIZE_MAX;
	/* three rows of the dynamic programme: i - 2, i - 1, i */
	size_t rows[3][HG_EDIT_MAX + 1];
	for (size_t j = 0; j <= m; j++)
		rows[1][j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t *cur = rows[(i + 1) % 3], *prev = rows[i % 3], *pp = rows[(i + 2) % 3];
		cur[0] = i;
		int ca = tolower((unsigned char)a[i - 1]);
		for (size_t j = 1; j <= m; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			size_t d = prev[j - 1] + (ca != cb);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
	}
	return rows[(n + 1) % 3][m];
}

void hg_suggest_init(hg_suggest *s, const char *word)
{
	size_t n = strlen(word);
	s->word = word;
	s->best = NULL;
	s->max_d = n / 3 ? n / 3 : 1;
	s->best_d = SIZE_MAX;
}

void hg_suggest_add(hg_suggest *s, const char *cand)
{
	if (!cand || !cand[0] || !strcmp(cand, s->word))
		return;
	size_t d = hg_edit_distance(s->word, cand);
	if (d <= s->max_d && d < s->best_d) {
		s->best = cand;
		s->best_d = d;
	}
}

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

uint64_t hg_hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ mix(w)) * 0xff51afd7ed558ccdULL;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ mix(w ^ 0xA5)) * 0xc4ceb9fe1a85ec53ULL;
	return mix(h);
}
