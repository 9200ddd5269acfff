/*
 * stats_testutil.h: helpers for the part-A statistics unit tests: locate the
 * shared PHEindicatormethods test data (env HEALTHGAP_SHARED, default
 * "../shared"), load CSVs with hg_table, compare doubles to a relative
 * tolerance (NA equals NA only), and run a `healthgap stats` handler on a
 * table and read its CSV output back. Header-only, static functions.
 */
#ifndef HG_STATS_TESTUTIL_H
#define HG_STATS_TESTUTIL_H

#include "cli/stats_cmd.h"
#include "stats/stats.h"
#include "cli/stats_table.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HGT_REL 1e-9

static inline const char *hgt_shared(void)
{
	const char *s = getenv("HEALTHGAP_SHARED");
	return s && *s ? s : "../shared";
}

/* Load testdata/PHEindicatormethods/<rel>; skips the test when absent. */
static inline void hgt_load(hg_table *t, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/testdata/PHEindicatormethods/%s", hgt_shared(), rel);
	FILE *f = fopen(path, "rb");
	if (!f) {
		memset(t, 0, sizeof *t);
		cr_skip_test("shared test data not found (%s); set HEALTHGAP_SHARED", path);
	}
	fclose(f);
	hg_err err = {0};
	int rc = hg_table_read(t, path, &err);
	cr_assert_eq(rc, 0, "reading %s: %s", path, err.msg);
}

/* Numeric cell (NA -> NaN); the column must exist. */
static inline double hgt_num(const hg_table *t, size_t row, const char *col)
{
	int c = hg_table_col(t, col);
	cr_assert_geq(c, 0, "%s: no column %s", t->path, col);
	if (hg_table_is_na(t, row, c))
		return NAN;
	double v;
	cr_assert_eq(hg_parse_double(hg_sv_from(hg_table_cell(t, row, c)), &v), 0,
	             "%s row %zu column %s: not a number", t->path, row, col);
	return v;
}

static inline const char *hgt_str(const hg_table *t, size_t row, const char *col)
{
	int c = hg_table_col(t, col);
	cr_assert_geq(c, 0, "%s: no column %s", t->path, col);
	return hg_table_cell(t, row, c);
}

/* got == want within HGT_REL relative (absolute near 0); NaN only equals NaN. */
/* Cell (row, col) of a result table as a number; NaN when NA. */
static inline double hgt_cell_num(const hg_table *t, size_t row, int col)
{
	double v = NAN;
	if (!hg_table_is_na(t, row, col))
		hg_parse_double(hg_sv_from(hg_table_cell(t, row, col)), &v);
	return v;
}

static inline void hgt_close(double got, double want, const char *what)
{
	if (isnan(want)) {
		cr_assert(isnan(got), "%s: got %.17g, want NA", what, got);
		return;
	}
	cr_assert(!isnan(got), "%s: got NA, want %.17g", what, want);
	double tol = HGT_REL * fmax(fabs(want), 1e-300);
	cr_assert(fabs(got - want) <= tol, "%s: got %.17g, want %.17g (rel diff %.3g)", what, got,
	          want, fabs(got - want) / fabs(want));
}

/*
 * Run handler fn with options {"name", "value", ...} (value NULL for a flag)
 * on table in; on success parse the output into *out and return 0, else
 * return the error code with err filled.
 */
static inline int hgt_run(hg_stats_handler fn, const char *method, hg_table *in,
                          const char *const *opts, size_t nopts, hg_table *out, hg_err *err)
{
	hg_stats_args a = {.method = method, .input = "-", .output = "-"};
	for (size_t i = 0; i < nopts; i++)
		a.opts[a.nopts++] = (hg_stats_opt){opts[2 * i], opts[2 * i + 1]};
	hg_tab_out o;
	hg_tab_out_init(&o);
	int rc = fn(&a, in, &o, err);
	if (rc == 0)
		rc = hg_table_read_mem(out, "output", o.buf.p ? o.buf.p : "", o.buf.n, err);
	else
		memset(out, 0, sizeof *out);
	hg_tab_out_free(&o);
	return rc;
}

/* Find the output row whose column col equals key (or -1). */
static inline long hgt_find(const hg_table *t, const char *col, const char *key)
{
	int c = hg_table_col(t, col);
	cr_assert_geq(c, 0, "output has no column %s", col);
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(hg_table_cell(t, i, c), key))
			return (long)i;
	return -1;
}

/* Compare every numeric result column of out with the expected table by key. */
static inline size_t hgt_compare(const hg_table *out, const hg_table *want, const char *key,
                                 const char *const *cols, size_t ncols)
{
	size_t checked = 0;
	for (size_t i = 0; i < want->nrows; i++) {
		long r = hgt_find(out, key, hgt_str(want, i, key));
		cr_assert_geq(r, 0, "no output row for %s", hgt_str(want, i, key));
		for (size_t c = 0; c < ncols; c++) {
			char what[128];
			snprintf(what, sizeof what, "%s %s", hgt_str(want, i, key), cols[c]);
			hgt_close(hgt_num(out, (size_t)r, cols[c]), hgt_num(want, i, cols[c]),
			          what);
			checked++;
		}
	}
	return checked;
}

static inline void hgt_check_strings(const hg_table *out, const hg_table *want, const char *key,
                                     const char *col)
{
	for (size_t i = 0; i < want->nrows; i++) {
		long r = hgt_find(out, key, hgt_str(want, i, key));
		cr_assert_geq(r, 0);
		const char *w = hgt_str(want, i, col);
		cr_assert_str_eq(hgt_str(out, (size_t)r, col), w, "%s %s", hgt_str(want, i, key),
		                 col);
	}
}

#endif
