/*
 * stats_spc.c: `healthgap stats spc | p-chart | u-chart`. spc reproduces
 * NHSRplotthedots::ptd_spc (one output row per point, and with --summary FILE
 * one row per facet with the variation and assurance icons); p-chart and
 * u-chart are Laney p'/u' charts (--laney false gives the classic chart).
 * Methods: src/stats/spc.c and docs/methods.md.
 */
#include "core/date.h"
#include "core/fs.h"
#include "cli/stats_b.h"
#include "stats/spc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A date cell as a day number, or a plain number. */
static int spc_key(const char *s, double *out)
{
	hg_date d;
	int prec;
	if (!hg_date_parse(s, strlen(s), 1, &d, &prec)) {
		*out = d;
		return 0;
	}
	return hg_parse_double(hg_sv_from(s), out);
}

typedef struct hg_spc_in {
	const hg_table *t;
	int fcol, xcol;
	double *x, *y;
} hg_spc_in;

static int spc_row_less(const hg_spc_in *in, size_t a, size_t b)
{
	if (in->fcol >= 0) {
		int c =
		    strcmp(hg_table_cell(in->t, a, in->fcol), hg_table_cell(in->t, b, in->fcol));
		if (c)
			return c < 0;
	}
	return in->x[a] < in->x[b];
}

/* Row order: facet (byte order, as dplyr::arrange), then date. Merge sort: stable. */
static void spc_sort(const hg_spc_in *in, size_t *v, size_t *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	spc_sort(in, v, tmp, h);
	spc_sort(in, v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h || j < n)
		tmp[k++] = (j >= n || (i < h && !spc_row_less(in, v[j], v[i]))) ? v[i++] : v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

static int spc_read_opts(const hg_stats_args *a, hg_spc_opts *o, double *rb, hg_err *err)
{
	hg_spc_opts_init(o);
	const char *dir = hg_stats_opt_str(a, "improvement-direction", "increase");
	double fix;
	o->direction = !strcmp(dir, "increase")   ? HG_SPC_INCREASE
	               : !strcmp(dir, "decrease") ? HG_SPC_DECREASE
	               : !strcmp(dir, "neutral")  ? HG_SPC_NEUTRAL
	                                          : 9;
	if (o->direction == 9)
		return hg_err_set(err, HG_EUSAGE,
		                  "improvement_direction must be one of "
		                  "increase, neutral, decrease (got '%s')",
		                  dir);
	if (hg_stats_opt_bool(a, "screen-outliers", 1, &o->screen_outliers, err) ||
	    hg_stats_opt_double(a, "fix-after-n-points", 0, &fix, err) ||
	    hg_stats_opt_double(a, "target", NAN, &o->target, err))
		return err->code;
	if (!(fix >= 0 && fix <= 1e15)) /* before the cast: past long's range it has no value */
		return hg_err_set(
		    err, HG_EUSAGE,
		    "fix_after_n_points must be 0 (every point) or at least 12, got %g", fix);
	o->fix_after_n_pts = (long)fix;
	o->has_target = !isnan(o->target);
	const char *rs = hg_stats_opt_str(a, "rebase", NULL);
	while (rs && *rs && o->nrebase < 64) {
		char cell[64];
		size_t len = strcspn(rs, ",");
		snprintf(cell, sizeof cell, "%.*s", (int)len, rs);
		if (spc_key(cell, &rb[o->nrebase]))
			return hg_err_set(err, HG_EUSAGE, "--rebase: '%s' is not a date", cell);
		o->nrebase++;
		rs += len + (rs[len] == ',');
	}
	o->rebase = rb;
	return 0;
}

static int spc_read(const hg_stats_args *a, hg_table *t, hg_spc_in *in, hg_err *err)
{
	const char *fname = hg_stats_opt_str(a, "facet", NULL);
	in->t = t;
	in->fcol = -1;
	if (hg_table_doubles(t, hg_stats_opt_str(a, "value", "value"), &in->y, err) ||
	    hg_table_need_col(t, hg_stats_opt_str(a, "date", "date"), &in->xcol, err) ||
	    (fname && hg_table_need_col(t, fname, &in->fcol, err)))
		return err->code;
	in->x = hg_arena_alloc(&t->arena, (t->nrows ? t->nrows : 1) * sizeof *in->x);
	for (size_t r = 0; r < t->nrows; r++) {
		if (spc_key(hg_table_cell(t, r, in->xcol), &in->x[r]))
			return hg_stats_row_err(t, r, t->names[in->xcol], err,
			                        "'%s' is not a date (YYYY-MM-DD) or number",
			                        hg_table_cell(t, r, in->xcol));
		if (isnan(in->y[r]))
			return hg_stats_row_err(t, r, t->names[0], err, "missing value");
	}
	return 0;
}

static const char *tf(int v)
{
	return v ? "TRUE" : "FALSE";
}

static void spc_out_point(hg_tab_out *o, const hg_spc_in *in, size_t r, const hg_spc_point *p,
                          const hg_spc_opts *so)
{
	hg_tab_out_str(o, in->fcol >= 0 ? hg_table_cell(in->t, r, in->fcol) : "no facet");
	hg_tab_out_str(o, hg_table_cell(in->t, r, in->xcol));
	hg_tab_out_num(o, in->y[r]);
	hg_tab_out_num(o, p->rebase_group);
	hg_tab_out_str(o, tf(p->short_group_warning));
	hg_tab_out_num(o, p->fix_y);
	hg_tab_out_num(o, p->mean);
	hg_tab_out_num(o, p->lpl);
	hg_tab_out_num(o, p->upl);
	hg_tab_out_str(o, tf(p->outside_limits));
	hg_tab_out_num(o, p->relative_to_mean);
	hg_tab_out_str(o, tf(p->close_to_limits));
	hg_tab_out_str(o, hg_spc_cause_name(p->cause));
	hg_tab_out_str(o, tf(p->special_cause_flag));
	hg_tab_out_str(o, hg_spc_point_type_name(p->point_type));
	hg_tab_out_num(o, so->has_target ? so->target : NAN);
	hg_tab_out_end_row(o);
}

static void spc_out_summary(hg_tab_out *s, const hg_spc_in *in, size_t r, size_t npts,
                            const hg_spc_point *last, const hg_spc_opts *so)
{
	hg_tab_out_str(s, in->fcol >= 0 ? hg_table_cell(in->t, r, in->fcol) : "no facet");
	hg_tab_out_num(s, last->rebase_group);
	hg_tab_out_num(s, (double)npts);
	hg_tab_out_num(s, last->mean);
	hg_tab_out_num(s, last->lpl);
	hg_tab_out_num(s, last->upl);
	hg_tab_out_str(s, hg_spc_variation_name(hg_spc_variation(last, so->direction)));
	hg_tab_out_str(s, hg_spc_assurance_name(hg_spc_assurance(last, so)));
	hg_tab_out_end_row(s);
}

static void spc_headers(hg_tab_out *o, hg_tab_out *s)
{
	const char *ph[] = {"f",
	                    "x",
	                    "y",
	                    "rebase_group",
	                    "short_group_warning",
	                    "fix_y",
	                    "mean_col",
	                    "lpl",
	                    "upl",
	                    "outside_limits",
	                    "relative_to_mean",
	                    "close_to_limits",
	                    "special_cause_type",
	                    "special_cause_flag",
	                    "point_type",
	                    "target"};
	for (size_t k = 0; k < sizeof ph / sizeof ph[0]; k++)
		hg_tab_out_str(o, ph[k]);
	hg_tab_out_end_row(o);
	const char *sh[] = {"f",   "rebase_group", "n_points",       "mean_col",
	                    "lpl", "upl",          "variation_type", "assurance_type"};
	for (size_t k = 0; k < sizeof sh / sizeof sh[0]; k++)
		hg_tab_out_str(s, sh[k]);
	hg_tab_out_end_row(s);
}

/* Run one facet: ord[0..n) are its rows in date order. */
static int spc_facet(const hg_spc_in *in, const size_t *ord, size_t n, const hg_spc_opts *so,
                     hg_tab_out *o, hg_tab_out *s, hg_err *err)
{
	double *x = hg_xmalloc(n * sizeof *x), *y = hg_xmalloc(n * sizeof *y);
	hg_spc_point *p = hg_xcalloc(n, sizeof *p);
	for (size_t i = 0; i < n; i++) {
		x[i] = in->x[ord[i]];
		y[i] = in->y[ord[i]];
	}
	int rc = hg_spc_xmr(x, y, n, so, p, err);
	if (rc) {
		size_t bad = 0;
		sscanf(err->msg, "point %zu", &bad);
		size_t row = ord[bad > 0 && bad <= n ? bad - 1 : 0];
		rc = hg_stats_row_err(in->t, row, in->t->names[in->xcol], err, "%s", err->msg);
	} else {
		for (size_t i = 0; i < n; i++)
			spc_out_point(o, in, ord[i], &p[i], so);
		spc_out_summary(s, in, ord[n - 1], n, &p[n - 1], so);
	}
	free(x);
	free(y);
	free(p);
	return rc;
}

int hg_stats_cmd_spc(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	hg_spc_opts so;
	hg_spc_in in;
	double rb[64];
	if (spc_read_opts(a, &so, rb, err) || spc_read(a, t, &in, err))
		return err->code;
	size_t n = t->nrows;
	size_t *ord = hg_xmalloc((n ? n : 1) * sizeof *ord),
	       *tmp = hg_xmalloc((n ? n : 1) * sizeof *tmp);
	for (size_t i = 0; i < n; i++)
		ord[i] = i;
	spc_sort(&in, ord, tmp, n);
	hg_tab_out s;
	hg_tab_out_init(&s);
	spc_headers(o, &s);
	int rc = 0;
	for (size_t start = 0, end; start < n && !rc; start = end) {
		for (end = start + 1; end < n && in.fcol >= 0 &&
		                      !strcmp(hg_table_cell(t, ord[end], in.fcol),
		                              hg_table_cell(t, ord[start], in.fcol));)
			end++;
		if (in.fcol < 0)
			end = n;
		rc = spc_facet(&in, ord + start, end - start, &so, o, &s, err);
	}
	const char *sp = hg_stats_opt_str(a, "summary", NULL);
	if (!rc && sp)
		rc = hg_tab_out_write(&s, sp, err);
	hg_tab_out_free(&s);
	free(ord);
	free(tmp);
	return rc;
}

/* ---- Laney p' and u' charts ------------------------------------------------ */

static int laney_cmd(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err, int kind)
{
	double *x, *n, m;
	int laney;
	hg_groups g;
	if (hg_table_doubles(t, hg_stats_opt_str(a, "x", "x"), &x, err) ||
	    hg_table_doubles(t, hg_stats_opt_str(a, "n", "n"), &n, err) ||
	    hg_stats_opt_double(a, "multiplier", 1, &m, err) ||
	    hg_stats_opt_bool(a, "laney", 1, &laney, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &g, err))
		return err->code;
	for (size_t c = 0; c < t->ncols; c++)
		hg_tab_out_str(o, t->names[c]);
	const char *h[] = {"value", "centre", "sigma", "z", "sigma_z", "lcl", "ucl", "outside"};
	for (int k = 0; k < 8; k++)
		hg_tab_out_str(o, h[k]);
	hg_tab_out_end_row(o);
	size_t cap = t->nrows ? t->nrows : 1;
	double *gx = hg_arena_alloc(&t->arena, 2 * cap * sizeof *gx), *gn = gx + cap;
	hg_laney_point *p = hg_arena_alloc(&t->arena, cap * sizeof *p);
	for (size_t gi = 0; gi < g.n; gi++) {
		size_t k = hg_group_size(&g, gi);
		const size_t *rows = hg_group_rows(&g, gi);
		for (size_t i = 0; i < k; i++) {
			gx[i] = x[rows[i]];
			gn[i] = n[rows[i]];
		}
		if (hg_laney_chart(kind, gx, gn, k, m, laney, p, err)) {
			size_t bad = 0;
			sscanf(err->msg, "subgroup %zu", &bad);
			return hg_stats_row_err(t, rows[bad > 0 && bad <= k ? bad - 1 : 0], NULL,
			                        err, "%s", err->msg);
		}
		for (size_t i = 0; i < k; i++) {
			for (size_t c = 0; c < t->ncols; c++)
				hg_tab_out_str(o, hg_table_cell(t, rows[i], (int)c));
			double v[] = {p[i].value,   p[i].centre, p[i].sigma * m, p[i].z,
			              p[i].sigma_z, p[i].lcl,    p[i].ucl,       p[i].outside};
			for (int c = 0; c < 8; c++)
				hg_tab_out_num(o, v[c]);
			hg_tab_out_end_row(o);
		}
	}
	return 0;
}

int hg_stats_cmd_p_chart(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	return laney_cmd(a, t, o, err, HG_LANEY_P);
}

int hg_stats_cmd_u_chart(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	return laney_cmd(a, t, o, err, HG_LANEY_U);
}
