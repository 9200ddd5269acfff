/*
 * stats_b_util.h: helpers for the part-B statistics unit tests
 * (test_stats_sii.c, test_stats_funnel.c, test_stats_spc.c,
 * test_stats_inequality.c): locate the shared test data and load a whole CSV
 * into string cells addressed by column name.
 */
#ifndef HG_TEST_STATS_B_UTIL_H
#define HG_TEST_STATS_B_UTIL_H

#include "core/csv.h"
#include "core/error.h"
#include "core/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct tb_csv {
	size_t ncols, nrows;
	char **names;
	char **cells; /* nrows * ncols */
} tb_csv;

/* Path of a file under the shared directory, or NULL when it is absent. */
static inline const char *tb_shared(char *buf, size_t n, const char *rel)
{
	const char *root = getenv("HEALTHGAP_SHARED");
	if (!root || !*root)
		root = "../shared";
	snprintf(buf, n, "%s/%s", root, rel);
	FILE *f = fopen(buf, "rb");
	if (!f)
		return NULL;
	fclose(f);
	return buf;
}

static inline char *tb_dup(hg_sv s)
{
	char *p = malloc(s.n + 1);
	memcpy(p, s.p, s.n);
	p[s.n] = 0;
	return p;
}

static inline int tb_load(tb_csv *t, const char *path)
{
	hg_csv c;
	hg_err err;
	memset(t, 0, sizeof *t);
	if (hg_csv_open(&c, path, &err))
		return -1;
	size_t cap = 0;
	int header = 1;
	while (hg_csv_next(&c)) {
		if (header) {
			t->ncols = c.nfields;
			t->names = calloc(t->ncols, sizeof *t->names);
			for (size_t i = 0; i < t->ncols; i++)
				t->names[i] = tb_dup(hg_sv_trim(c.fields[i]));
			header = 0;
			continue;
		}
		if (t->nrows == cap) {
			cap = cap ? cap * 2 : 64;
			t->cells = realloc(t->cells, cap * t->ncols * sizeof *t->cells);
		}
		for (size_t i = 0; i < t->ncols; i++)
			t->cells[t->nrows * t->ncols + i] = tb_dup(hg_csv_field(&c, (int)i));
		t->nrows++;
	}
	hg_csv_close(&c);
	return 0;
}

static inline void tb_free(tb_csv *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (size_t i = 0; i < t->ncols; i++)
		free(t->names[i]);
	free(t->cells);
	free(t->names);
	memset(t, 0, sizeof *t);
}

static inline int tb_col(const tb_csv *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++) {
		const char *s = t->names[i];
		if (!strncmp(s, "\xEF\xBB\xBF", 3))
			s += 3;
		if (!strcasecmp(s, name))
			return (int)i;
	}
	return -1;
}

static inline const char *tb_str(const tb_csv *t, size_t row, const char *name)
{
	int c = tb_col(t, name);
	return c < 0 ? NULL : t->cells[row * t->ncols + (size_t)c];
}

static inline double tb_num(const tb_csv *t, size_t row, const char *name)
{
	const char *s = tb_str(t, row, name);
	double v;
	if (!s || !*s || !strcmp(s, "NA") || hg_parse_double(hg_sv_from(s), &v))
		return NAN;
	return v;
}

/* Half a unit in the last printed decimal place of s (0 when s has none). */
static inline double tb_half_ulp(const char *s)
{
	const char *dot = strchr(s, '.');
	if (!dot)
		return 0.5;
	size_t d = strspn(dot + 1, "0123456789");
	return 0.5 * pow(10.0, -(double)d);
}

/* |got - want| within relative rel, or within the rounding of the printed value. */
static inline int tb_close(double got, double want, double rel, double abs_tol)
{
	if (isnan(want))
		return isnan(got);
	double tol = rel * fabs(want);
	if (abs_tol > tol)
		tol = abs_tol;
	return fabs(got - want) <= tol;
}

#endif
