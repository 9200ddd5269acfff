/*
 * stats_std.c: `healthgap stats dsr|isratio|israte` handlers (CSV layer over
 * dsr.c and isr.c). One result row per group; no --group = one group.
 */
#include "cli/stats_cmd.h"
#include "stats/stats.h"

#include "core/dict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Start age of an age-band label: its first run of digits, or -1. */
static long band_start(const char *s)
{
	while (*s && (*s < '0' || *s > '9'))
		s++;
	if (!*s)
		return -1;
	return strtol(s, NULL, 10);
}

/* Attach ESP2013 weights by age band label (0-4 ... 90+) into w. */
static int esp_by_label(const hg_table *t, const char *col, double *w, hg_err *err)
{
	int c;
	if (hg_table_need_col(t, col, &c, err))
		return err->code;
	for (size_t i = 0; i < t->nrows; i++) {
		long s = band_start(hg_table_cell(t, i, c));
		if (s < 0 || s > 90 || s % 5)
			return hg_stats_row_err(t, i, col, err,
			                        "'%s' is not an ESP2013 age band (0-4, 5-9, ..., "
			                        "85-89, 90+)",
			                        hg_table_cell(t, i, c));
		w[i] = hg_esp2013[s / 5];
	}
	return 0;
}

/* Attach ESP2013 weights by row position within each group (phe_dsr). */
static int esp_by_position(const hg_table *t, const hg_groups *g, double *w, hg_err *err)
{
	for (size_t gi = 0; gi < g->n; gi++) {
		const size_t *rows = hg_group_rows(g, gi);
		size_t k = hg_group_size(g, gi);
		if (k != HG_ESP2013_BANDS)
			return hg_stats_row_err(
			    t, rows[0], NULL, err,
			    "--esp2013 without --ageband needs 19 rows per group "
			    "(0-4 ... 90+ in order); this group has %zu",
			    k);
		for (size_t r = 0; r < k; r++)
			w[rows[r]] = hg_esp2013[r];
	}
	return 0;
}

typedef struct {
	const char *xcol, *ncol, *wcol, *fcol, *bcol;
	double *x, *n, *w, *f, mult;
	size_t *band;
	double lv[HG_STATS_MAX_LEVELS];
	size_t nlv;
	hg_groups g;
} hg_dsr_ctx;

static int dsr_weights(const hg_stats_args *a, hg_table *t, hg_dsr_ctx *c, hg_err *err)
{
	int esp = hg_stats_opt_given(a, "esp2013");
	if (esp == (c->wcol != NULL))
		return hg_err_set(err, HG_EUSAGE, "give either --stdpop COL or --esp2013");
	if (c->wcol)
		return hg_table_doubles(t, c->wcol, &c->w, err);
	c->w = hg_arena_alloc(&t->arena, (t->nrows ? t->nrows : 1) * sizeof *c->w);
	return c->bcol ? esp_by_label(t, c->bcol, c->w, err) : esp_by_position(t, &c->g, c->w, err);
}

/* Band ids from the --ageband column (needed for --eventfreq). */
static int read_dsr_bands(hg_table *t, hg_dsr_ctx *c, hg_err *err)
{
	int col;
	if (!c->bcol)
		return hg_err_set(err, HG_EUSAGE, "--eventfreq needs --ageband COL");
	if (hg_table_need_col(t, c->bcol, &col, err))
		return err->code;
	c->band = hg_arena_alloc(&t->arena, (t->nrows ? t->nrows : 1) * sizeof *c->band);
	hg_dict d;
	hg_dict_init(&d);
	for (size_t i = 0; i < t->nrows; i++) {
		const char *s = hg_table_cell(t, i, col);
		c->band[i] = hg_dict_intern(&d, s, strlen(s), NULL);
	}
	hg_dict_free(&d);
	return 0;
}

static int dsr_rows_check(const hg_table *t, const hg_dsr_ctx *c, hg_err *err)
{
	for (size_t i = 0; i < t->nrows; i++) {
		if (isnan(c->n[i]) || c->n[i] <= 0)
			return hg_stats_row_err(t, i, c->ncol, err,
			                        "denominators must all be greater than zero");
		if (isnan(c->w[i]) || c->w[i] < 0)
			return hg_stats_row_err(t, i, c->wcol ? c->wcol : "esp2013", err,
			                        "stdpop must all be greater than or equal to zero");
		if (c->x[i] < 0)
			return hg_stats_row_err(
			    t, i, c->xcol, err,
			    "numerators must all be greater than or equal to zero");
		if (c->f && (isnan(c->f[i]) || c->f[i] < 0))
			return hg_stats_row_err(t, i, c->fcol, err,
			                        "event frequencies must be zero or more");
	}
	return 0;
}

static int dsr_setup(const hg_stats_args *a, hg_table *t, hg_dsr_ctx *c, hg_err *err)
{
	c->xcol = hg_stats_opt_str(a, "x", "x");
	c->ncol = hg_stats_opt_str(a, "n", "n");
	c->wcol = hg_stats_opt_str(a, "stdpop", NULL);
	c->fcol = hg_stats_opt_str(a, "eventfreq", NULL);
	c->bcol = hg_stats_opt_str(a, "ageband", NULL);
	if (hg_stats_opt_double(a, "multiplier", 100000, &c->mult, err) ||
	    hg_stats_opt_levels(a, "confidence", "0.95", HG_CONF_ONE_OR_PAIR, 0, c->lv, &c->nlv,
	                        err) ||
	    hg_table_doubles(t, c->xcol, &c->x, err) || hg_table_doubles(t, c->ncol, &c->n, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &c->g, err) ||
	    dsr_weights(a, t, c, err))
		return err->code;
	if (!(c->mult > 0))
		return hg_err_set(err, HG_EUSAGE, "--multiplier must be greater than zero");
	if (c->fcol && (hg_table_doubles(t, c->fcol, &c->f, err) || read_dsr_bands(t, c, err)))
		return err->code;
	return dsr_rows_check(t, c, err);
}

static void dsr_header(hg_tab_out *o, const hg_table *t, const hg_dsr_ctx *c)
{
	hg_tab_out_group_names(o, t, &c->g);
	hg_tab_out_str(o, "total_count");
	hg_tab_out_str(o, "total_pop");
	hg_tab_out_str(o, "value");
	hg_stats_cl_header(o, c->lv, c->nlv, 1);
	hg_tab_out_str(o, "confidence");
	hg_tab_out_str(o, "statistic");
	hg_tab_out_str(o, "method");
	hg_tab_out_end_row(o);
}

/* Gather one group's rows into contiguous arrays and compute its DSR. */
static int dsr_group(hg_table *t, const hg_dsr_ctx *c, size_t gi, double *buf, size_t *bb,
                     hg_dsr_res *r, hg_err *err)
{
	size_t k = hg_group_size(&c->g, gi);
	const size_t *rows = hg_group_rows(&c->g, gi);
	double *x = buf, *n = buf + k, *w = buf + 2 * k, *f = buf + 3 * k;
	for (size_t j = 0; j < k; j++) {
		x[j] = c->x[rows[j]];
		n[j] = c->n[rows[j]];
		w[j] = c->w[rows[j]];
		if (c->f) {
			f[j] = c->f[rows[j]];
			bb[j] = c->band[rows[j]];
		}
	}
	int rc = c->f ? hg_dsr_nonind(x, n, w, f, bb, k, c->mult, r, err)
	              : hg_dsr(x, n, w, k, c->mult, r, err);
	if (rc)
		hg_err_wrap(err, "%s line %llu (group starting here)", t->path,
		            (unsigned long long)t->lines[rows[0]]);
	return rc;
}

int hg_stats_cmd_dsr(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	hg_dsr_ctx c = {0};
	if (dsr_setup(a, t, &c, err))
		return err->code;
	dsr_header(o, t, &c);
	size_t nr = t->nrows ? t->nrows : 1;
	double *buf = hg_arena_alloc(&t->arena, 4 * nr * sizeof *buf);
	size_t *bb = hg_arena_alloc(&t->arena, nr * sizeof *bb);
	char conf[64], mult[64], stat[96];
	hg_conf_labels(c.lv, c.nlv, conf, sizeof conf);
	hg_format_plain(c.mult, mult, sizeof mult);
	for (size_t gi = 0; gi < c.g.n; gi++) {
		hg_dsr_res r;
		if (dsr_group(t, &c, gi, buf, bb, &r, err))
			return err->code;
		hg_tab_out_group_keys(o, t, &c.g, gi);
		hg_tab_out_num(o, r.total_count);
		hg_tab_out_num(o, r.total_pop);
		hg_tab_out_num(o, r.value);
		for (size_t l = 0; l < c.nlv; l++) {
			double lo, hi;
			hg_dobson(&r, c.lv[l], c.mult, &lo, &hi);
			hg_tab_out_num(o, lo);
			hg_tab_out_num(o, hi);
		}
		if (r.total_count < 10)
			snprintf(stat, sizeof stat, "dsr NA for total count < 10");
		else
			snprintf(stat, sizeof stat, "dsr per %s", mult);
		hg_tab_out_str(o, conf);
		hg_tab_out_str(o, stat);
		hg_tab_out_str(o,
		               c.f ? "Dobson, with confidence adjusted for non-independent events"
		                   : "Dobson");
		hg_tab_out_end_row(o);
	}
	return 0;
}

/* ---- indirect standardisation ------------------------------------------- */

typedef struct {
	const char *xcol, *ncol, *xrcol, *nrcol;
	double *x, *n, *xr, *nr, scale;
	double lv[HG_STATS_MAX_LEVELS];
	size_t nlv;
	hg_groups g;
	int rate;
} hg_isr_ctx;

static int isr_setup(const hg_stats_args *a, hg_table *t, hg_isr_ctx *c, hg_err *err)
{
	c->xcol = hg_stats_opt_str(a, "x", "x");
	c->ncol = hg_stats_opt_str(a, "n", "n");
	c->xrcol = hg_stats_opt_str(a, "x-ref", "x_ref");
	c->nrcol = hg_stats_opt_str(a, "n-ref", "n_ref");
	if ((c->rate ? hg_stats_opt_double(a, "multiplier", 100000, &c->scale, err)
	             : hg_stats_opt_double(a, "refvalue", 1, &c->scale, err)) ||
	    hg_stats_opt_levels(a, "confidence", "0.95", HG_CONF_ONE_OR_PAIR, 0, c->lv, &c->nlv,
	                        err) ||
	    hg_table_doubles(t, c->xcol, &c->x, err) || hg_table_doubles(t, c->ncol, &c->n, err) ||
	    hg_table_doubles(t, c->xrcol, &c->xr, err) ||
	    hg_table_doubles(t, c->nrcol, &c->nr, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &c->g, err))
		return err->code;
	for (size_t i = 0; i < t->nrows; i++) {
		if (c->x[i] < 0)
			return hg_stats_row_err(
			    t, i, c->xcol, err,
			    "numerators must all be greater than or equal to zero");
		if (c->n[i] < 0)
			return hg_stats_row_err(t, i, c->ncol, err,
			                        "denominators must all be greater than or equal to "
			                        "zero");
	}
	return 0;
}

static void isr_header(hg_tab_out *o, const hg_table *t, const hg_isr_ctx *c)
{
	hg_tab_out_group_names(o, t, &c->g);
	hg_tab_out_str(o, "observed");
	hg_tab_out_str(o, "expected");
	if (c->rate)
		hg_tab_out_str(o, "ref_rate");
	hg_tab_out_str(o, "value");
	hg_stats_cl_header(o, c->lv, c->nlv, 1);
	hg_tab_out_str(o, "confidence");
	hg_tab_out_str(o, "statistic");
	hg_tab_out_str(o, "method");
	hg_tab_out_end_row(o);
}

/* O, E and the reference rate (sum x_ref / sum n_ref, NAs dropped) of a group. */
static void isr_group(const hg_isr_ctx *c, size_t gi, double *obs, double *exp_, double *ref_rate)
{
	double o = 0, e = 0, sx = 0, sn = 0;
	const size_t *rows = hg_group_rows(&c->g, gi);
	for (size_t r = 0; r < hg_group_size(&c->g, gi); r++) {
		size_t i = rows[r];
		double xr = isnan(c->xr[i]) ? 0 : c->xr[i];
		o += isnan(c->x[i]) ? 0 : c->x[i];
		e += xr / c->nr[i] * (isnan(c->n[i]) ? 0 : c->n[i]);
		sx += xr;
		sn += isnan(c->nr[i]) ? 0 : c->nr[i];
	}
	*obs = o;
	*exp_ = e;
	*ref_rate = sx / sn * c->scale;
}

static int isr_run(const hg_stats_args *a, hg_table *t, hg_tab_out *o, int rate, hg_err *err)
{
	hg_isr_ctx c = {.rate = rate};
	if (isr_setup(a, t, &c, err))
		return err->code;
	isr_header(o, t, &c);
	char conf[64], sc[64], stat[128];
	hg_conf_labels(c.lv, c.nlv, conf, sizeof conf);
	hg_format_plain(c.scale, sc, sizeof sc);
	snprintf(stat, sizeof stat,
	         rate ? "indirectly standardised rate per %s"
	              : "indirectly standardised ratio x %s",
	         sc);
	for (size_t gi = 0; gi < c.g.n; gi++) {
		double obs, e, rr, v, lo, hi;
		isr_group(&c, gi, &obs, &e, &rr);
		double scale = rate ? rr : c.scale;
		hg_tab_out_group_keys(o, t, &c.g, gi);
		hg_tab_out_num(o, obs);
		hg_tab_out_num(o, e);
		if (rate)
			hg_tab_out_num(o, rr);
		int exact = 0;
		for (size_t l = 0; l < c.nlv; l++) {
			exact = hg_isr(obs, e, c.lv[l], scale, &v, &lo, &hi);
			if (l == 0)
				hg_tab_out_num(o, v);
			hg_tab_out_num(o, lo);
			hg_tab_out_num(o, hi);
		}
		hg_tab_out_str(o, conf);
		hg_tab_out_str(o, stat);
		hg_tab_out_str(o, exact ? "Exact" : "Byars");
		hg_tab_out_end_row(o);
	}
	return 0;
}

int hg_stats_cmd_isratio(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err)
{
	return isr_run(a, in, out, 0, err);
}

int hg_stats_cmd_israte(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err)
{
	return isr_run(a, in, out, 1, err);
}
