/*
 * stats_le.c: `healthgap stats life-expectancy|quantile` handlers (CSV layer
 * over le.c and quantile.c).
 *
 * life-expectancy writes one row per group and age band (filtered by
 * --le-age), in the input's group order and ascending start age. Groups the
 * package excludes (negative deaths, population <= 0, not 20 bands, deaths >
 * population, total population <= 5000) keep their rows with NA value and
 * limits, and a warning names them. quantile writes every input row with its
 * quantile appended, as phe_quantile does.
 */
#include "cli/stats_cmd.h"
#include "stats/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const double le_ages[HG_LE_BANDS] = {0,  1,  5,  10, 15, 20, 25, 30, 35, 40,
                                            45, 50, 55, 60, 65, 70, 75, 80, 85, 90};

/* The first run of digits of a label, as the package reads start ages. */
static double le_start(const char *s)
{
	while (*s && (*s < '0' || *s > '9'))
		s++;
	return *s ? strtod(s, NULL) : NAN;
}

typedef struct {
	const char *dcol, *pcol, *acol;
	int acol_i;
	double *d, *p, *age;
	double lv[HG_STATS_MAX_LEVELS];
	size_t nlv;
	double keep[HG_LE_BANDS]; /* --le-age start ages */
	size_t nkeep;             /* 0 = all */
	hg_groups g;
} hg_le_ctx;

static int le_ages_check(hg_table *t, hg_le_ctx *c, hg_err *err)
{
	int seen[HG_LE_BANDS] = {0};
	c->age = hg_arena_alloc(&t->arena, (t->nrows ? t->nrows : 1) * sizeof *c->age);
	for (size_t i = 0; i < t->nrows; i++) {
		c->age[i] = le_start(hg_table_cell(t, i, c->acol_i));
		size_t b = 0;
		while (b < HG_LE_BANDS && le_ages[b] != c->age[i])
			b++;
		if (b == HG_LE_BANDS)
			return hg_stats_row_err(t, i, c->acol, err,
			                        "'%s' is not one of the start ages 0, 1, 5, 10, "
			                        "..., 85, 90",
			                        hg_table_cell(t, i, c->acol_i));
		seen[b] = 1;
	}
	for (size_t b = 0; b < HG_LE_BANDS && t->nrows; b++)
		if (!seen[b])
			return hg_err_set(err, HG_ESTATS,
			                  "%s: the contents in the startage field do not match the "
			                  "age bands 0, 1, 5, ..., 90 (no row has start age %g)",
			                  t->path, le_ages[b]);
	return 0;
}

static int le_keep(const hg_stats_args *a, hg_le_ctx *c, hg_err *err)
{
	const char *s = hg_stats_opt_str(a, "le-age", "all");
	c->nkeep = 0;
	if (!strcmp(s, "all"))
		return 0;
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, ",");
		double v;
		if (hg_parse_double((hg_sv){p, len}, &v))
			return hg_err_set(err, HG_EUSAGE,
			                  "--le-age expects 'all' or start ages like 0,65");
		for (size_t b = 0; b < HG_LE_BANDS; b++)
			if (le_ages[b] == v && c->nkeep < HG_LE_BANDS)
				c->keep[c->nkeep++] = v;
		p += len + (p[len] == ',');
	}
	if (c->nkeep == 0)
		hg_stats_warn(a, "le_age not in the vector described by age_contents; all life "
		                 "expectancies will be returned");
	return 0;
}

static int le_setup(const hg_stats_args *a, hg_table *t, hg_le_ctx *c, hg_err *err)
{
	c->dcol = hg_stats_opt_str(a, "deaths", "deaths");
	c->pcol = hg_stats_opt_str(a, "population", "population");
	c->acol = hg_stats_opt_str(a, "startage", "startage");
	if (hg_stats_opt_levels(a, "confidence", "0.95", HG_CONF_ANY, 0, c->lv, &c->nlv, err) ||
	    hg_table_doubles(t, c->dcol, &c->d, err) || hg_table_doubles(t, c->pcol, &c->p, err) ||
	    hg_table_need_col(t, c->acol, &c->acol_i, err) || le_ages_check(t, c, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &c->g, err) || le_keep(a, c, err))
		return err->code;
	return 0;
}

static void le_header(hg_tab_out *o, const hg_table *t, const hg_le_ctx *c)
{
	hg_tab_out_group_names(o, t, &c->g);
	hg_tab_out_str(o, c->acol);
	hg_tab_out_str(o, "value");
	hg_stats_cl_header(o, c->lv, c->nlv, 0);
	const char *rest[] = {"pops_used", "dths_used", "confidence", "statistic", "method"};
	for (size_t k = 0; k < 5; k++)
		hg_tab_out_str(o, rest[k]);
	hg_tab_out_end_row(o);
}

/* A group's rows sorted by start age (stable, as R's arrange). */
static void le_sort(const hg_le_ctx *c, const size_t *rows, size_t k, size_t *idx)
{
	for (size_t i = 0; i < k; i++) {
		size_t r = rows[i], j = i;
		while (j > 0 && c->age[idx[j - 1]] > c->age[r]) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = r;
	}
}

typedef struct {
	size_t *idx;
	double *d, *p, *age, *e, *se;
} hg_le_work;

static int le_wanted(const hg_le_ctx *c, double age)
{
	if (c->nkeep == 0)
		return 1;
	for (size_t k = 0; k < c->nkeep; k++)
		if (c->keep[k] == age)
			return 1;
	return 0;
}

static void le_rows(hg_tab_out *o, const hg_table *t, const hg_le_ctx *c, size_t gi,
                    const hg_le_work *w, size_t k, int *wide)
{
	char conf[128], stat[160];
	hg_conf_labels(c->lv, c->nlv, conf, sizeof conf);
	for (size_t i = 0; i < k; i++) {
		double pu = 0, du = 0;
		for (size_t j = i; j < k; j++) {
			pu += w->p[j];
			du += w->d[j];
		}
		if (!le_wanted(c, w->age[i]))
			continue;
		int too_wide = hg_le_too_wide(w->se[i]);
		*wide |= too_wide;
		hg_tab_out_group_keys(o, t, &c->g, gi);
		const char *label = hg_table_cell(t, w->idx[i], c->acol_i);
		hg_tab_out_str(o, label);
		hg_tab_out_num(o, too_wide || isinf(w->e[i]) ? NAN : w->e[i]);
		for (int side = 0; side < 2; side++)
			for (size_t l = 0; l < c->nlv; l++)
				hg_tab_out_num(o, w->e[i] +
				                      (side ? 1 : -1) * hg_z2(c->lv[l]) * w->se[i]);
		hg_tab_out_num(o, pu);
		hg_tab_out_num(o, du);
		hg_tab_out_str(o, conf);
		snprintf(stat, sizeof stat, "life expectancy at %s", label);
		hg_tab_out_str(o, stat);
		hg_tab_out_str(o, "Chiang, using Silcocks et al for confidence limits");
		hg_tab_out_end_row(o);
	}
}

static void le_warn(const hg_stats_args *a, const hg_table *t, const hg_le_ctx *c, size_t gi,
                    int st)
{
	char key[256] = "";
	size_t used = 0;
	for (size_t k = 0; k < c->g.ncols && used < sizeof key; k++) {
		int w = snprintf(key + used, sizeof key - used, "%s%s", k ? ", " : "",
		                 hg_table_cell(t, c->g.first_row[gi], c->g.cols[k]));
		used += w > 0 ? (size_t)w : 0;
	}
	hg_stats_warn(a, "group '%s' (from line %llu): %s", c->g.ncols ? key : "all rows",
	              (unsigned long long)t->lines[c->g.first_row[gi]], hg_le_status_msg(st));
}

int hg_stats_cmd_life_expectancy(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	hg_le_ctx c = {0};
	if (le_setup(a, t, &c, err))
		return err->code;
	le_header(o, t, &c);
	size_t nr = t->nrows ? t->nrows : 1;
	hg_le_work w;
	w.idx = hg_arena_alloc(&t->arena, nr * sizeof *w.idx);
	double *buf = hg_arena_alloc(&t->arena, 5 * nr * sizeof *buf);
	w.d = buf, w.p = buf + nr, w.age = buf + 2 * nr, w.e = buf + 3 * nr, w.se = buf + 4 * nr;
	int wide = 0;
	for (size_t gi = 0; gi < c.g.n; gi++) {
		size_t k = hg_group_size(&c.g, gi);
		le_sort(&c, hg_group_rows(&c.g, gi), k, w.idx);
		for (size_t i = 0; i < k; i++) {
			w.d[i] = c.d[w.idx[i]];
			w.p[i] = c.p[w.idx[i]];
			w.age[i] = c.age[w.idx[i]];
		}
		int st = hg_life_table(w.d, w.p, w.age, k, w.e, w.se);
		/* a repeated band with 20 rows is as incomplete as a missing one */
		for (size_t i = 0; st == HG_LE_OK && i < k; i++)
			if (w.age[i] != le_ages[i])
				st = HG_LE_BANDS_WRONG;
		if (st != HG_LE_OK) {
			le_warn(a, t, &c, gi, st);
			for (size_t i = 0; i < k; i++)
				w.e[i] = w.se[i] = NAN;
		}
		le_rows(o, t, &c, gi, &w, k, &wide);
	}
	if (wide)
		hg_stats_warn(a, "some life expectancy values have a 95%% confidence interval > 20 "
		                 "years; these values have been suppressed to NAs");
	return 0;
}

/* ---- quantiles ----------------------------------------------------------- */

/* --invert: true/false, or a column whose value must be constant per group. */
static int q_invert(const hg_stats_args *a, hg_table *t, const hg_groups *g, size_t gi, int *inv,
                    hg_err *err)
{
	const char *s = hg_stats_opt_str(a, "invert", "TRUE");
	int col = hg_table_col(t, s);
	if (col < 0) {
		if (!strcasecmp(s, "true") || !strcmp(s, "1"))
			*inv = 1;
		else if (!strcasecmp(s, "false") || !strcmp(s, "0"))
			*inv = 0;
		else
			return hg_err_set(err, HG_EUSAGE,
			                  "--invert must be TRUE, FALSE or a column name, got '%s'",
			                  s);
		return 0;
	}
	const size_t *rows = hg_group_rows(g, gi);
	for (size_t r = 0; r < hg_group_size(g, gi); r++) {
		const char *v = hg_table_cell(t, rows[r], col);
		int b = !strcasecmp(v, "true") || !strcmp(v, "1");
		if (!b && strcasecmp(v, "false") && strcmp(v, "0"))
			return hg_stats_row_err(t, rows[r], s, err,
			                        "invert values must be TRUE or FALSE, got '%s'", v);
		if (r > 0 && b != *inv)
			return hg_stats_row_err(t, rows[r], s, err,
			                        "invert field values must take the same logical "
			                        "value for each data grouping set");
		*inv = b;
	}
	return 0;
}

static void q_groupvars(const hg_table *t, const hg_groups *g, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t k = 0; k < g->ncols && used < size; k++) {
		int w =
		    snprintf(buf + used, size - used, "%s%s", k ? ", " : "", t->names[g->cols[k]]);
		used += w > 0 ? (size_t)w : 0;
	}
}

int hg_stats_cmd_quantile(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	const char *vcol = hg_stats_opt_str(a, "values", "values");
	double nqd, *v;
	hg_groups g;
	if (hg_stats_opt_double(a, "nquantiles", 10, &nqd, err) ||
	    hg_table_doubles(t, vcol, &v, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &g, err))
		return err->code;
	if (nqd < 1 || nqd != floor(nqd) || nqd > 1000)
		return hg_err_set(err, HG_EUSAGE, "--nquantiles must be a whole number >= 1");
	size_t nr = t->nrows ? t->nrows : 1;
	double *q = hg_arena_alloc(&t->arena, nr * sizeof *q);
	double *gv = hg_arena_alloc(&t->arena, 2 * nr * sizeof *gv), *gq = gv + nr;
	int *inv = hg_arena_alloc(&t->arena, (g.n ? g.n : 1) * sizeof *inv);
	int few = 0;
	for (size_t gi = 0; gi < g.n; gi++) {
		const size_t *rows = hg_group_rows(&g, gi);
		size_t k = hg_group_size(&g, gi);
		if (q_invert(a, t, &g, gi, &inv[gi], err))
			return err->code;
		for (size_t r = 0; r < k; r++)
			gv[r] = v[rows[r]];
		few |= hg_quantile_assign(gv, k, (int)nqd, inv[gi], gq);
		for (size_t r = 0; r < k; r++)
			q[rows[r]] = gq[r];
	}
	if (few)
		hg_stats_warn(a, "One or more groups had too few small areas to allow quantiles "
		                 "to be assigned");
	for (size_t j = 0; j < t->ncols; j++)
		hg_tab_out_str(o, t->names[j]);
	const char *extra[] = {"quantile", "nquantiles", "groupvars", "qinverted"};
	for (size_t k = 0; k < 4; k++)
		hg_tab_out_str(o, extra[k]);
	hg_tab_out_end_row(o);
	char gvars[512];
	q_groupvars(t, &g, gvars, sizeof gvars);
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t j = 0; j < t->ncols; j++)
			hg_tab_out_str(o, hg_table_cell(t, i, (int)j));
		hg_tab_out_num(o, q[i]);
		hg_tab_out_num(o, nqd);
		hg_tab_out_str(o, g.ncols ? gvars : NULL);
		hg_tab_out_str(o, inv[g.group_of[i]] ? "lowest quantile represents highest values"
		                                     : "lowest quantile represents lowest values");
		hg_tab_out_end_row(o);
	}
	return 0;
}
