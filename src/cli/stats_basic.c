/*
 * stats_basic.c: `healthgap stats proportion|rate|mean` handlers (CSV layer
 * over wilson.c, rate.c and mean.c).
 *
 * Without --group every input row is its own result and keeps its columns,
 * as phe_proportion/phe_rate return an ungrouped table. With --group, x and
 * n are summed per group (one row per group, even for a single group: quirk
 * Q1 is fixed deliberately). phe_mean always summarises per group.
 */
#include "cli/stats_cmd.h"
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	const char *xcol, *ncol;
	double mult;
	double lv[HG_STATS_MAX_LEVELS];
	size_t nlv;
	double *x, *n;
	hg_groups g;
	int rate; /* 0 = proportion, 1 = rate */
} hg_pr_ctx;

static int pr_setup(const hg_stats_args *a, hg_table *t, hg_pr_ctx *c, hg_err *err)
{
	c->xcol = hg_stats_opt_str(a, "x", "x");
	c->ncol = hg_stats_opt_str(a, "n", "n");
	if (hg_stats_opt_double(a, "multiplier", c->rate ? 100000 : 1, &c->mult, err) ||
	    hg_stats_opt_levels(a, "confidence", "0.95", HG_CONF_ONE_OR_PAIR, !c->rate, c->lv,
	                        &c->nlv, err) ||
	    hg_table_doubles(t, c->xcol, &c->x, err) || hg_table_doubles(t, c->ncol, &c->n, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &c->g, err))
		return err->code;
	for (size_t i = 0; i < t->nrows; i++) {
		if (c->x[i] < 0)
			return hg_stats_row_err(t, i, c->xcol, err,
			                        "numerators must be greater than or equal to zero");
		if (c->n[i] <= 0)
			return hg_stats_row_err(t, i, c->ncol, err,
			                        "denominators must be greater than zero");
		if (!c->rate && c->x[i] > c->n[i])
			return hg_stats_row_err(t, i, c->xcol, err,
			                        "numerators must be less than or equal to "
			                        "denominator for a proportion statistic");
	}
	return 0;
}

static void pr_header(hg_tab_out *o, const hg_table *t, const hg_pr_ctx *c)
{
	if (c->g.ncols == 0) {
		for (size_t j = 0; j < t->ncols; j++)
			hg_tab_out_str(o, t->names[j]);
	} else {
		hg_tab_out_group_names(o, t, &c->g);
		hg_tab_out_str(o, c->xcol);
		hg_tab_out_str(o, c->ncol);
	}
	hg_tab_out_str(o, "value");
	hg_stats_cl_header(o, c->lv, c->nlv, 1);
	if (c->nlv)
		hg_tab_out_str(o, "confidence");
	hg_tab_out_str(o, "statistic");
	if (c->nlv)
		hg_tab_out_str(o, "method");
	hg_tab_out_end_row(o);
}

/* value, limits, confidence, statistic, method for totals x of n. */
static void pr_result(hg_tab_out *o, const hg_pr_ctx *c, double x, double n)
{
	char conf[64], mult[64], stat[96];
	int exact = 0;
	hg_tab_out_num(o, x / n * c->mult);
	for (size_t k = 0; k < c->nlv; k++) {
		double lo, hi;
		if (c->rate) {
			hg_rate_limits(x, n, c->lv[k], c->mult, &lo, &hi, &exact);
		} else if (hg_wilson(x, n, c->lv[k], &lo, &hi) == 0) {
			lo *= c->mult;
			hi *= c->mult;
		} else {
			lo = hi = NAN;
		}
		hg_tab_out_num(o, lo);
		hg_tab_out_num(o, hi);
	}
	hg_conf_labels(c->lv, c->nlv, conf, sizeof conf);
	hg_format_plain(c->mult, mult, sizeof mult);
	if (c->rate)
		snprintf(stat, sizeof stat, "rate per %s", mult);
	else if (c->mult == 100)
		snprintf(stat, sizeof stat, "percentage");
	else
		snprintf(stat, sizeof stat, "proportion of %s", mult);
	if (c->nlv)
		hg_tab_out_str(o, conf);
	hg_tab_out_str(o, stat);
	if (c->nlv)
		hg_tab_out_str(o, !c->rate   ? "Wilson"
		                  : isnan(x) ? NULL
		                  : exact    ? "Exact"
		                             : "Byars");
	hg_tab_out_end_row(o);
}

static int pr_run(const hg_stats_args *a, hg_table *t, hg_tab_out *o, int rate, hg_err *err)
{
	hg_pr_ctx c = {.rate = rate};
	if (pr_setup(a, t, &c, err))
		return err->code;
	pr_header(o, t, &c);
	if (c.g.ncols == 0) {
		for (size_t i = 0; i < t->nrows; i++) {
			for (size_t j = 0; j < t->ncols; j++)
				hg_tab_out_str(o, hg_table_cell(t, i, (int)j));
			pr_result(o, &c, c.x[i], c.n[i]);
		}
		return 0;
	}
	for (size_t gi = 0; gi < c.g.n; gi++) {
		double x = 0, n = 0;
		const size_t *rows = hg_group_rows(&c.g, gi);
		for (size_t r = 0; r < hg_group_size(&c.g, gi); r++) {
			x += c.x[rows[r]];
			n += c.n[rows[r]];
		}
		hg_tab_out_group_keys(o, t, &c.g, gi);
		hg_tab_out_num(o, x);
		hg_tab_out_num(o, n);
		pr_result(o, &c, x, n);
	}
	return 0;
}

int hg_stats_cmd_proportion(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err)
{
	return pr_run(a, in, out, 0, err);
}

int hg_stats_cmd_rate(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err)
{
	return pr_run(a, in, out, 1, err);
}

int hg_stats_cmd_mean(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	const char *xcol = hg_stats_opt_str(a, "x", "x");
	double lv[HG_STATS_MAX_LEVELS], *x;
	size_t nlv;
	hg_groups g;
	if (hg_stats_opt_levels(a, "confidence", "0.95", HG_CONF_ONE_OR_PAIR, 0, lv, &nlv, err) ||
	    hg_table_doubles(t, xcol, &x, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &g, err))
		return err->code;
	hg_tab_out_group_names(o, t, &g);
	const char *cols[] = {"value_sum", "value_count", "stdev", "value"};
	for (size_t k = 0; k < 4; k++)
		hg_tab_out_str(o, cols[k]);
	hg_stats_cl_header(o, lv, nlv, 1);
	hg_tab_out_str(o, "confidence");
	hg_tab_out_str(o, "statistic");
	hg_tab_out_str(o, "method");
	hg_tab_out_end_row(o);
	char conf[64];
	hg_conf_labels(lv, nlv, conf, sizeof conf);
	double *v = hg_arena_alloc(&t->arena, (t->nrows ? t->nrows : 1) * sizeof *v);
	for (size_t gi = 0; gi < g.n; gi++) {
		size_t k = hg_group_size(&g, gi);
		const size_t *rows = hg_group_rows(&g, gi);
		for (size_t r = 0; r < k; r++)
			v[r] = x[rows[r]];
		hg_mean_res m;
		hg_mean_stats(v, k, &m);
		hg_tab_out_group_keys(o, t, &g, gi);
		hg_tab_out_num(o, m.sum);
		hg_tab_out_num(o, m.count);
		hg_tab_out_num(o, m.sd);
		hg_tab_out_num(o, m.value);
		for (size_t l = 0; l < nlv; l++) {
			double lo, hi;
			hg_mean_limits(&m, lv[l], &lo, &hi);
			hg_tab_out_num(o, lo);
			hg_tab_out_num(o, hi);
		}
		hg_tab_out_str(o, conf);
		hg_tab_out_str(o, "mean");
		hg_tab_out_str(o, "Student's t-distribution");
		hg_tab_out_end_row(o);
	}
	return 0;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* percentile: Hyndman and Fan type 7 (R's quantile default) with distribution-free
 * order-statistic limits (src/stats/percentile.c); the same functions as a `percentile`
 * indicator of a pack. */
int hg_stats_cmd_percentile(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	const char *xcol = hg_stats_opt_str(a, "x", "x");
	double lv[HG_STATS_MAX_LEVELS], *x, pct;
	size_t nlv;
	hg_groups g;
	if (hg_stats_opt_double(a, "percentile", 50, &pct, err))
		return err->code;
	if (!(pct > 0 && pct < 100))
		return hg_err_set(
		    err, HG_EUSAGE,
		    "--percentile %g: give a percentile above 0 and below 100 (50: the "
		    "median)",
		    pct);
	if (hg_stats_opt_levels(a, "confidence", "0.95", HG_CONF_ONE_OR_PAIR, 0, lv, &nlv, err) ||
	    hg_table_doubles(t, xcol, &x, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &g, err))
		return err->code;
	hg_tab_out_group_names(o, t, &g);
	hg_tab_out_str(o, "value_count");
	hg_tab_out_str(o, "value");
	hg_stats_cl_header(o, lv, nlv, 1);
	hg_tab_out_str(o, "confidence");
	hg_tab_out_str(o, "statistic");
	hg_tab_out_str(o, "method");
	hg_tab_out_end_row(o);
	char conf[64], stat[48];
	hg_conf_labels(lv, nlv, conf, sizeof conf);
	snprintf(stat, sizeof stat, "percentile %.15g", pct);
	double *v = hg_arena_alloc(&t->arena, (t->nrows ? t->nrows : 1) * sizeof *v);
	for (size_t gi = 0; gi < g.n; gi++) {
		size_t k = hg_group_size(&g, gi), n = 0;
		const size_t *rows = hg_group_rows(&g, gi);
		for (size_t r = 0; r < k; r++)
			if (!isnan(x[rows[r]]))
				v[n++] = x[rows[r]];
		qsort(v, n, sizeof *v, dbl_cmp);
		hg_tab_out_group_keys(o, t, &g, gi);
		hg_tab_out_num(o, (double)n);
		hg_tab_out_num(o, hg_percentile7(v, n, pct / 100));
		for (size_t l = 0; l < nlv; l++) {
			double lo = NAN, hi = NAN;
			if (n)
				hg_percentile_ci(v, n, pct / 100, lv[l], &lo, &hi);
			hg_tab_out_num(o, lo);
			hg_tab_out_num(o, hi);
		}
		hg_tab_out_str(o, conf);
		hg_tab_out_str(o, stat);
		hg_tab_out_str(o, "Hyndman and Fan type 7; order-statistic (binomial) limits");
		hg_tab_out_end_row(o);
	}
	return 0;
}
