/*
 * str.h: string views, a growable byte buffer, strict number parsing, and
 * "did you mean" suggestions by edit distance.
 * A view (hg_sv) points into memory owned by someone else; the buffer owns
 * its bytes and is freed with hg_buf_free.
 */
#ifndef HG_STR_H
#define HG_STR_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hg_sv {
	const char *p;
	size_t n;
} hg_sv;

typedef struct hg_buf {
	char *p;
	size_t n, cap;
} hg_buf;

#define HG_SV(s) ((hg_sv){(s), sizeof(s) - 1})

hg_sv hg_sv_from(const char *s);
hg_sv hg_sv_trim(hg_sv s);
int hg_sv_eq(hg_sv a, const char *s);
int hg_sv_eq_nocase(hg_sv a, const char *s);

void hg_buf_reserve(hg_buf *b, size_t extra);
void hg_buf_put(hg_buf *b, const void *p, size_t n);
void hg_buf_putc(hg_buf *b, char c);
void hg_buf_puts(hg_buf *b, const char *s);
void hg_buf_printf(hg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hg_buf_vprintf(hg_buf *b, const char *fmt, va_list ap);
const char *hg_buf_cstr(hg_buf *b); /* NUL-terminates without counting it */
void hg_buf_free(hg_buf *b);

/* Strict parsers: the whole view must be the number (surrounding blanks allowed). */
int hg_parse_double(hg_sv s, double *out);
int hg_parse_int64(hg_sv s, int64_t *out);

/*
 * The number a stored 32-bit float stands for: the double nearest the shortest
 * decimal (at most 9 significant digits) that converts to exactly f, as
 * strtod would read that decimal. A value recorded as 0.36 is stored as the float
 * 0.36000001430511474609375; this gives back the double 0.36, so it is not above a
 * bound of 0.36 written in a pack. Integers up to 2^24, NaN and infinities are unchanged.
 */
double hg_f32_decimal_slow(float f);
static inline double hg_f32_decimal(float f)
{
	double d = f;
	/* every integer up to 2^24 is its own shortest decimal (a conversion to int32_t and
	   back tests it: no call to trunc), and NaN and infinities are kept; inline: the
	   engine reads a value per filed event, most of them missing or whole */
	if (fabs(d) <= 16777216.0 ? d == (double)(int32_t)d : !isfinite(d))
		return d;
	return hg_f32_decimal_slow(f);
}

/* Write a double so that it reads back exactly ("%.17g", NaN as "NA"). */
void hg_buf_put_double(hg_buf *b, double v);

/* Edit distance between a and b, ASCII case ignored: insertions, deletions,
 * substitutions and swaps of two adjacent characters each cost 1 (optimal
 * string alignment). Strings longer than HG_EDIT_MAX count as far apart. */
#define HG_EDIT_MAX 128
size_t hg_edit_distance(const char *a, const char *b);

/* "Did you mean": the candidate closest to a misspelt word, offered only when
 * it is within a third of the word's length (at least 1). Feed candidates with
 * hg_suggest_add, then read best (NULL when none is close enough). */
typedef struct hg_suggest {
	const char *word;
	const char *best;
	size_t best_d, max_d;
} hg_suggest;
void hg_suggest_init(hg_suggest *s, const char *word);
void hg_suggest_add(hg_suggest *s, const char *cand);

/* A fast 64-bit hash of bytes, for hash tables (not for security). */
uint64_t hg_hash_bytes(const void *p, size_t n);

#endif
