/*
 * stats_inequality.c: `healthgap stats sii | funnel-limits | funnel-significance
 * | funnel-points | concentration-index | par`. Reads columns, validates rows
 * (errors name the CSV line and column), calls src/stats/{sii,funnel,
 * inequality}.c and writes the package's output columns. Methods and quirk
 * decisions: docs/methods.md.
 */
#include "cli/stats_b.h"
#include "stats/funnel.h"
#include "stats/concentration.h"
#include "stats/sii.h"
#include "stats/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hg_sort_ctx {
	const hg_table *t;
	int col, numeric;
} hg_sort_ctx;

/* Insertion sort (groups are small: 5-100 quantiles) keeps it re-entrant. */
static int sort_less(const hg_sort_ctx *c, size_t a, size_t b)
{
	const char *x = hg_table_cell(c->t, a, c->col), *y = hg_table_cell(c->t, b, c->col);
	if (!c->numeric)
		return strcmp(x, y) < 0;
	return strtod(x, NULL) < strtod(y, NULL);
}

void hg_stats_sort_by_col(const hg_table *t, int col, size_t *rows, size_t n)
{
	hg_sort_ctx c = {t, col, 1};
	for (size_t r = 0; r < t->nrows; r++) {
		double v;
		if (hg_parse_double(hg_sv_from(hg_table_cell(t, r, col)), &v))
			c.numeric = 0;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && sort_less(&c, rows[j], rows[j - 1]); j--) {
			size_t tmp = rows[j];
			rows[j] = rows[j - 1];
			rows[j - 1] = tmp;
		}
}

void hg_stats_r_number(double v, char *buf, size_t size)
{
	char sci[64];
	snprintf(buf, size, "%.15g", v);
	if (v != floor(v) || fabs(v) < 1e5) {
		return;
	}
	snprintf(sci, sizeof sci, "%.14e", v);
	char *e = strchr(sci, 'e'), *m = e;
	while (m > sci && m[-1] == '0')
		m--;
	if (m > sci && m[-1] == '.')
		m--;
	int ex = atoi(e + 1);
	char out[64];
	snprintf(out, sizeof out, "%.*se%c%02d", (int)(m - sci), sci, ex < 0 ? '-' : '+', abs(ex));
	if (strlen(out) < strlen(buf))
		snprintf(buf, size, "%s", out);
}

/* ---- sii ------------------------------------------------------------------ */

typedef struct hg_sii_cols {
	double *q, *pop, *value, *x, *se, *lcl, *ucl;
	int qcol;
} hg_sii_cols;

static int sii_read(const hg_stats_args *a, hg_table *t, hg_sii_cols *c, hg_err *err)
{
	memset(c, 0, sizeof *c);
	const char *qn = hg_stats_opt_str(a, "quantile", "quantile");
	if (hg_table_need_col(t, qn, &c->qcol, err) ||
	    hg_table_doubles(t, hg_stats_opt_str(a, "population", "population"), &c->pop, err))
		return err->code;
	const char *opt[] = {"value", "x", "se", "lower-cl", "upper-cl"};
	double **dst[] = {&c->value, &c->x, &c->se, &c->lcl, &c->ucl};
	for (int k = 0; k < 5; k++)
		if (hg_stats_opt_given(a, opt[k]) &&
		    hg_table_doubles(t, hg_stats_opt_str(a, opt[k], NULL), dst[k], err))
			return err->code;
	if (!c->value && !c->x)
		return hg_err_set(err, HG_EUSAGE,
		                  "function phe_sii requires value field, or x "
		                  "field if indicator is a proportion of population");
	return 0;
}

static int sii_read_opts(const hg_stats_args *a, hg_sii_opts *o, hg_err *err)
{
	double vt, reps, seed;
	size_t n;
	hg_sii_opts_init(o);
	if (hg_stats_opt_double(a, "value-type", 0, &vt, err) ||
	    hg_stats_opt_double(a, "multiplier", 1, &o->multiplier, err) ||
	    hg_stats_opt_double(a, "repetitions", 100000, &reps, err) ||
	    hg_stats_opt_double(a, "seed", 1, &seed, err) ||
	    hg_stats_opt_bool(a, "transform", 0, &o->transform, err) ||
	    hg_stats_opt_bool(a, "rii", 0, &o->rii, err) ||
	    hg_stats_opt_bool(a, "reliability-stat", 0, &o->reliability, err) ||
	    hg_stats_opt_levels(a, "confidence", "0.95", HG_CONF_ANY, 0, o->conf, &n, err))
		return err->code;
	if (vt != 0 && vt != 1 && vt != 2)
		return hg_err_set(err, HG_EUSAGE, "value_type should be 0, 1 or 2");
	/* refused before the casts: a number past the type's range has no value in it */
	if (!(reps >= 0 && reps <= HG_SII_MAX_REPS))
		return hg_err_set(err, HG_EUSAGE, "--repetitions must be from 1000 to %d, got %g",
		                  HG_SII_MAX_REPS, reps);
	if (!(seed >= 0 && seed < 0x1p64))
		return hg_err_set(err, HG_EUSAGE,
		                  "--seed must be a whole number from 0 to 2^64 - 1, got %g", seed);
	o->value_type = (int)vt;
	o->repetitions = (long)reps;
	o->seed = (uint64_t)seed;
	o->nconf = n;
	return 0;
}

static int sii_check_rows(const hg_table *t, const hg_sii_cols *c, const hg_sii_opts *o,
                          hg_err *err)
{
	for (size_t r = 0; r < t->nrows; r++) {
		double v = c->value ? c->value[r] : c->x[r];
		if (hg_sii_check_row(o, c->pop[r], v, c->value != NULL, c->se ? c->se[r] : NAN,
		                     c->se != NULL, c->lcl ? c->lcl[r] : NAN,
		                     c->ucl ? c->ucl[r] : NAN, err))
			return hg_stats_row_err(t, r, NULL, err, "%s", err->msg);
	}
	return 0;
}

static size_t count_distinct(const hg_table *t, int col)
{
	size_t n = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		size_t k = 0;
		while (k < r && strcmp(hg_table_cell(t, k, col), hg_table_cell(t, r, col)))
			k++;
		n += k == r;
	}
	return n;
}

static void sii_header(hg_tab_out *o, const hg_table *t, const hg_groups *g, const hg_sii_opts *so,
                       int intercept, int full)
{
	char name[64], lv[16];
	const char *sfx = so->transform ? "" : "cl";
	hg_tab_out_group_names(o, t, g);
	hg_tab_out_str(o, "sii");
	if (so->rii)
		hg_tab_out_str(o, "rii");
	for (int pass = 0; pass < (so->transform ? 1 : 2); pass++)
		for (size_t c = 0; c < so->nconf; c++) {
			hg_sii_level_name(so->conf[c], lv);
			for (int s = 0; s < 2; s++) {
				const char *stat = so->transform ? (s == 0 ? "sii" : "rii")
				                                 : (pass == 0 ? "sii" : "rii");
				if ((!so->rii && !strcmp(stat, "rii")) || (!so->transform && s))
					continue;
				snprintf(name, sizeof name, "%s_lower%s%s", stat, lv, sfx);
				hg_tab_out_str(o, name);
				snprintf(name, sizeof name, "%s_upper%s%s", stat, lv, sfx);
				hg_tab_out_str(o, name);
			}
		}
	for (int s = 0; so->reliability && s < (so->rii ? 2 : 1); s++)
		for (size_t c = 0; c < so->nconf; c++) {
			hg_sii_level_name(so->conf[c], lv);
			snprintf(name, sizeof name, "%s_mad%s", s ? "rii" : "sii", lv);
			hg_tab_out_str(o, name);
		}
	if (intercept)
		hg_tab_out_str(o, "intercept");
	const char *meta[] = {"indicator_type", "multiplier", "transform", "CI_confidence",
	                      "CI_method"};
	for (int k = 0; full && k < 5; k++)
		hg_tab_out_str(o, meta[k]);
	hg_tab_out_end_row(o);
}

static void sii_row(hg_tab_out *o, const hg_sii_opts *so, const hg_sii_result *r, int intercept,
                    int full)
{
	hg_tab_out_num(o, r->sii);
	if (so->rii)
		hg_tab_out_num(o, r->rii);
	for (int pass = 0; pass < (so->transform ? 1 : 2); pass++)
		for (size_t c = 0; c < so->nconf; c++) {
			if (so->transform || pass == 0) {
				hg_tab_out_num(o, r->sii_lower[c]);
				hg_tab_out_num(o, r->sii_upper[c]);
			}
			if (so->rii && (so->transform || pass == 1)) {
				hg_tab_out_num(o, r->rii_lower[c]);
				hg_tab_out_num(o, r->rii_upper[c]);
			}
		}
	for (int s = 0; so->reliability && s < (so->rii ? 2 : 1); s++)
		for (size_t c = 0; c < so->nconf; c++)
			hg_tab_out_num(o, s ? r->rii_mad[c] : r->sii_mad[c]);
	if (intercept)
		hg_tab_out_num(o, r->intercept);
	if (full) {
		const char *types[] = {"normal", "rate", "proportion"};
		const char *tr[] = {"none", "log", "logit"};
		char buf[96], num[48];
		hg_tab_out_str(o, types[so->value_type]);
		hg_tab_out_num(o, so->multiplier);
		hg_tab_out_str(o, so->transform ? tr[so->value_type] : "none");
		hg_conf_labels(so->conf, so->nconf, buf, sizeof buf);
		hg_tab_out_str(o, buf);
		hg_stats_r_number((double)so->repetitions, num, sizeof num);
		snprintf(buf, sizeof buf, "simulation %s reps", num);
		hg_tab_out_str(o, buf);
	}
	hg_tab_out_end_row(o);
}

/* Seed per group: the user's seed mixed with the group's key, so a group's limits do not
 * depend on which other groups are in the file. */
static uint64_t sii_group_seed(const hg_table *t, const hg_groups *g, size_t gi, uint64_t s)
{
	uint64_t h = s * 0x9e3779b97f4a7c15ULL;
	for (size_t k = 0; k < g->ncols; k++) {
		const char *cell = hg_table_cell(t, g->first_row[gi], g->cols[k]);
		h ^= hg_hash_bytes(cell, strlen(cell)) + (h << 6) + (h >> 2);
	}
	return h;
}

static int sii_group(const hg_table *t, const hg_sii_cols *c, const hg_sii_opts *so,
                     const size_t *rows, size_t n, hg_sii_result *res, hg_err *err)
{
	double *buf = hg_xmalloc(5 * n * sizeof *buf);
	double *pop = buf, *val = buf + n, *se = buf + 2 * n, *lo = buf + 3 * n, *hi = buf + 4 * n;
	for (size_t i = 0; i < n; i++) {
		size_t r = rows[i];
		pop[i] = c->pop[r];
		val[i] = c->value ? c->value[r] : c->x[r] / c->pop[r];
		se[i] = c->se ? c->se[r] : NAN;
		lo[i] = c->lcl ? c->lcl[r] : NAN;
		hi[i] = c->ucl ? c->ucl[r] : NAN;
	}
	int have_cls = c->lcl && c->ucl;
	hg_sii_input in = {
	    n, pop, val, c->se ? se : NULL, have_cls ? lo : NULL, have_cls ? hi : NULL};
	int rc = hg_sii(&in, so, res, err);
	free(buf);
	return rc;
}

int hg_stats_cmd_sii(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	hg_sii_cols c;
	hg_sii_opts so;
	hg_groups g;
	int intercept, full = strcmp(hg_stats_opt_str(a, "type", "full"), "standard") != 0;
	if (sii_read_opts(a, &so, err) || hg_stats_opt_bool(a, "intercept", 0, &intercept, err) ||
	    sii_read(a, t, &c, err) || hg_sii_check_opts(&so, c.se != NULL, c.lcl && c.ucl, err) ||
	    sii_check_rows(t, &c, &so, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &g, err))
		return err->code;
	size_t nq = count_distinct(t, c.qcol);
	if (nq < 5 || nq > 100)
		return hg_err_set(err, HG_ESTATS, "Number of quantiles must be between 5 and 100");
	if (nq > 10)
		hg_stats_warn(a, "Small values can make SII unstable when using a large number "
		                 "of quantiles");
	sii_header(o, t, &g, &so, intercept, full);
	uint64_t seed = so.seed;
	for (size_t gi = 0; gi < g.n; gi++) {
		size_t n = hg_group_size(&g, gi);
		size_t *rows = hg_xmalloc(n * sizeof *rows);
		memcpy(rows, hg_group_rows(&g, gi), n * sizeof *rows);
		hg_stats_sort_by_col(t, c.qcol, rows, n);
		hg_sii_result res;
		int rc = 0;
		if (n != nq) {
			hg_stats_warn(a,
			              "some records have been removed due to incomplete or "
			              "invalid data (group at line %llu lacks quantiles)",
			              (unsigned long long)t->lines[rows[0]]);
		} else {
			so.seed = sii_group_seed(t, &g, gi, seed);
			rc = sii_group(t, &c, &so, rows, n, &res, err);
			if (!rc) {
				hg_tab_out_group_keys(o, t, &g, gi);
				sii_row(o, &so, &res, intercept, full);
			}
		}
		free(rows);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- funnels -------------------------------------------------------------- */

static int funnel_read_opts(const hg_stats_args *a, hg_funnel_opts *o, hg_err *err)
{
	const char *st = hg_stats_opt_str(a, "statistic", NULL);
	memset(o, 0, sizeof *o);
	if (!st)
		return hg_err_set(err, HG_EUSAGE,
		                  "statistic must be provided as 'proportion', 'rate' or 'ratio'");
	o->statistic = !strcmp(st, "proportion") ? HG_FUNNEL_PROPORTION
	               : !strcmp(st, "ratio")    ? HG_FUNNEL_RATIO
	               : !strcmp(st, "rate")     ? HG_FUNNEL_RATE
	                                         : -1;
	if (o->statistic < 0)
		return hg_err_set(
		    err, HG_EUSAGE,
		    "'statistic' should be one of \"proportion\", \"ratio\", \"rate\"");
	const char *rt = hg_stats_opt_str(a, "ratio-type", "count");
	const char *rr = hg_stats_opt_str(a, "rate-type", NULL);
	o->ratio_type = !strcmp(rt, "isr") ? HG_FUNNEL_ISR : HG_FUNNEL_COUNT;
	if (strcmp(rt, "isr") && strcmp(rt, "count"))
		return hg_err_set(err, HG_EUSAGE,
		                  "'ratio_type' should be one of \"count\", \"isr\"");
	if (o->statistic == HG_FUNNEL_RATE && (!rr || (strcmp(rr, "dsr") && strcmp(rr, "crude"))))
		return hg_err_set(err, HG_EUSAGE, "for rates --rate-type must be dsr or crude");
	o->rate_type = rr && !strcmp(rr, "crude") ? HG_FUNNEL_CRUDE : HG_FUNNEL_DSR;
	double defm = o->statistic == HG_FUNNEL_PROPORTION ? 100 : NAN;
	if (hg_stats_opt_double(a, "multiplier", defm, &o->multiplier, err) ||
	    hg_stats_opt_double(a, "years-of-data", NAN, &o->years, err))
		return err->code;
	int need_years = strcmp(a->method, "funnel-significance") != 0;
	if (o->statistic == HG_FUNNEL_RATE &&
	    ((need_years && isnan(o->years)) || isnan(o->multiplier)))
		return hg_err_set(err, HG_EUSAGE,
		                  "the following arguments are required for rates: "
		                  "data, numerator, rate, rate_type, multiplier, "
		                  "years_of_data");
	return 0;
}

static int funnel_read(const hg_stats_args *a, hg_table *t, const hg_funnel_opts *o,
                       hg_funnel_data *d, hg_err *err)
{
	double *num = NULL, *den = NULL, *rate = NULL;
	const char *dn = hg_stats_opt_str(a, "denominator", NULL);
	if (!dn && hg_table_col(t, "denominator") >= 0)
		dn = "denominator";
	const char *rn = hg_stats_opt_str(a, "rate", NULL);
	if (hg_table_doubles(t, hg_stats_opt_str(a, "numerator", "numerator"), &num, err) ||
	    (dn && hg_table_doubles(t, dn, &den, err)) ||
	    (rn && o->statistic == HG_FUNNEL_RATE && hg_table_doubles(t, rn, &rate, err)))
		return err->code;
	for (size_t r = 0; r < t->nrows; r++)
		if (isnan(num[r]) || (den && isnan(den[r]) && o->statistic != HG_FUNNEL_RATE) ||
		    (rate && isnan(rate[r]) && num[r] != 0))
			return hg_stats_row_err(t, r, NULL, err,
			                        "missing numerator, denominator "
			                        "or rate");
	*d = (hg_funnel_data){t->nrows, num, den, rate};
	return 0;
}

static void funnel_statistic(const hg_funnel_opts *o, char *buf, size_t size)
{
	if (o->statistic == HG_FUNNEL_PROPORTION) {
		snprintf(buf, size, "proportion");
	} else if (o->statistic == HG_FUNNEL_RATIO) {
		snprintf(buf, size, "ratio (%s)", o->ratio_type == HG_FUNNEL_ISR ? "isr" : "count");
	} else {
		char m[64], c[96];
		hg_format_plain(o->multiplier, m, sizeof m);
		size_t n = strcspn(m, "."), k = 0;
		for (size_t i = 0; m[i]; i++) {
			c[k++] = m[i];
			if (i + 1 < n && (n - i - 1) % 3 == 0 && m[i] != '-')
				c[k++] = ',';
		}
		c[k] = 0;
		snprintf(buf, size, "rate (%s per %s)",
		         o->rate_type == HG_FUNNEL_CRUDE ? "crude" : "dsr", c);
	}
}

int hg_stats_cmd_funnel_limits(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	hg_funnel_opts fo;
	hg_funnel_data d;
	hg_funnel_point p[HG_FUNNEL_POINTS];
	int full = strcmp(hg_stats_opt_str(a, "type", "full"), "standard") != 0;
	if (funnel_read_opts(a, &fo, err) || funnel_read(a, t, &fo, &d, err) ||
	    hg_funnel_limits(&fo, &d, p, err))
		return err->code;
	static const char *const head[3][10] = {
	    {"Population", "lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit",
	     "baseline"},
	    {"Observed_events", "lower_2s_exp_events", "lower_2s_limit", "upper_2s_exp_events",
	     "upper_2s_limit", "lower_3s_exp_events", "lower_3s_limit", "upper_3s_exp_events",
	     "upper_3s_limit"},
	    {"Events", "lower_2s_population_1_year", "lower_2s_limit", "upper_2s_population_1_year",
	     "upper_2s_limit", "lower_3s_population_1_year", "lower_3s_limit",
	     "upper_3s_population_1_year", "upper_3s_limit", "baseline"},
	};
	int nh = fo.statistic == 0 ? 6 : fo.statistic == 1 ? 9 : 10;
	for (int k = 0; k < nh; k++)
		hg_tab_out_str(o, head[fo.statistic][k]);
	if (full) {
		hg_tab_out_str(o, "statistic");
		hg_tab_out_str(o, "method");
	}
	hg_tab_out_end_row(o);
	char stat[128];
	funnel_statistic(&fo, stat, sizeof stat);
	for (int j = 0; j < HG_FUNNEL_POINTS; j++) {
		const hg_funnel_point *q = &p[j];
		double prop[] = {q->x,        q->lower_2s, q->upper_2s,
		                 q->lower_3s, q->upper_3s, q->baseline};
		double pois[] = {q->x,        q->lower_2s_exp, q->lower_2s, q->upper_2s_exp,
		                 q->upper_2s, q->lower_3s_exp, q->lower_3s, q->upper_3s_exp,
		                 q->upper_3s, q->baseline};
		for (int k = 0; k < nh; k++)
			hg_tab_out_num(o, fo.statistic == 0 ? prop[k] : pois[k]);
		if (full) {
			hg_tab_out_str(o, stat);
			hg_tab_out_str(o, fo.statistic == 0 ? "Wilson" : "Poisson");
		}
		hg_tab_out_end_row(o);
	}
	return 0;
}

/*
 * Echo the input columns of row r (the header when r == SIZE_MAX), leaving out
 * columns named like an output column, which R's mutate() would replace.
 */
static void echo_row(hg_tab_out *o, const hg_table *t, size_t r, const char *skip1,
                     const char *skip2)
{
	for (size_t c = 0; c < t->ncols; c++) {
		const char *nm = t->names[c];
		if ((skip1 && !strcmp(nm, skip1)) || (skip2 && !strcmp(nm, skip2)))
			continue;
		hg_tab_out_str(o, r == (size_t)-1 ? nm : hg_table_cell(t, r, (int)c));
	}
}

int hg_stats_cmd_funnel_significance(const hg_stats_args *a, hg_table *t, hg_tab_out *o,
                                     hg_err *err)
{
	hg_funnel_opts fo;
	hg_funnel_data d;
	if (funnel_read_opts(a, &fo, err) || funnel_read(a, t, &fo, &d, err))
		return err->code;
	int *sig = hg_arena_alloc(&t->arena, (t->nrows ? t->nrows : 1) * sizeof *sig);
	if (hg_funnel_significance(&fo, &d, sig, err))
		return err->code;
	echo_row(o, t, (size_t)-1, "significance", NULL);
	hg_tab_out_str(o, "significance");
	hg_tab_out_end_row(o);
	for (size_t r = 0; r < t->nrows; r++) {
		echo_row(o, t, r, "significance", NULL);
		hg_tab_out_str(o, hg_funnel_sig_name(sig[r]));
		hg_tab_out_end_row(o);
	}
	return 0;
}

int hg_stats_cmd_funnel_points(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	hg_funnel_opts fo;
	hg_funnel_data d;
	hg_stats_args b = *a;
	if (!hg_stats_opt_given(a, "statistic") && b.nopts < HG_STATS_MAX_OPTS)
		b.opts[b.nopts++] = (hg_stats_opt){"statistic", "rate"};
	if (funnel_read_opts(&b, &fo, err) || funnel_read(&b, t, &fo, &d, err))
		return err->code;
	size_t n = t->nrows ? t->nrows : 1;
	double *chart = hg_arena_alloc(&t->arena, n * sizeof *chart);
	double *den = hg_arena_alloc(&t->arena, n * sizeof *den);
	if (hg_funnel_points(&fo, &d, chart, den, err))
		return err->code;
	char name[256];
	snprintf(name, sizeof name, "%s_chart", hg_stats_opt_str(a, "rate", "rate"));
	echo_row(o, t, (size_t)-1, name, "denominator_derived");
	hg_tab_out_str(o, name);
	hg_tab_out_str(o, "denominator_derived");
	hg_tab_out_end_row(o);
	for (size_t r = 0; r < t->nrows; r++) {
		echo_row(o, t, r, name, "denominator_derived");
		hg_tab_out_num(o, chart[r]);
		hg_tab_out_num(o, den[r]);
		hg_tab_out_end_row(o);
	}
	return 0;
}

/* ---- concentration index and PAR ------------------------------------------ */

typedef struct hg_ineq_cols {
	int qcol;
	double *pop, *value, *se, *x, *n;
} hg_ineq_cols;

static int ineq_read(const hg_stats_args *a, hg_table *t, hg_ineq_cols *c, hg_err *err)
{
	memset(c, 0, sizeof *c);
	if (hg_table_need_col(t, hg_stats_opt_str(a, "quantile", "quantile"), &c->qcol, err))
		return err->code;
	const char *opt[] = {"population", "value", "se", "x", "n"};
	double **dst[] = {&c->pop, &c->value, &c->se, &c->x, &c->n};
	for (int k = 0; k < 5; k++)
		if (hg_stats_opt_given(a, opt[k]) &&
		    hg_table_doubles(t, hg_stats_opt_str(a, opt[k], NULL), dst[k], err))
			return err->code;
	if (!c->pop && hg_table_col(t, "population") >= 0 &&
	    hg_table_doubles(t, "population", &c->pop, err))
		return err->code;
	if (!c->value && hg_table_col(t, "value") >= 0 && !c->x &&
	    hg_table_doubles(t, "value", &c->value, err))
		return err->code;
	return 0;
}

/* Values and populations of one group, sorted by quantile. */
static size_t *ineq_group(const hg_table *t, const hg_ineq_cols *c, const hg_groups *g, size_t gi,
                          double m, double *pop, double *val, double *se, double *cnt)
{
	size_t n = hg_group_size(g, gi);
	size_t *rows = hg_xmalloc(n * sizeof *rows);
	memcpy(rows, hg_group_rows(g, gi), n * sizeof *rows);
	hg_stats_sort_by_col(t, c->qcol, rows, n);
	for (size_t i = 0; i < n; i++) {
		size_t r = rows[i];
		int counts = c->x && c->n;
		pop[i] = counts ? c->n[r] : c->pop[r];
		val[i] = counts ? c->x[r] / c->n[r] * m : c->value[r];
		se[i] = c->se ? c->se[r] : NAN;
		cnt[i] = counts ? c->x[r] : NAN;
	}
	return rows;
}

int hg_stats_cmd_concentration_index(const hg_stats_args *a, hg_table *t, hg_tab_out *o,
                                     hg_err *err)
{
	hg_ineq_cols c;
	hg_groups g;
	double lv[HG_STATS_MAX_LEVELS];
	size_t nlv;
	if (hg_stats_opt_levels(a, "confidence", "0.95", HG_CONF_ANY, 0, lv, &nlv, err) ||
	    ineq_read(a, t, &c, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &g, err))
		return err->code;
	if (!c.pop || !c.value)
		return hg_err_set(err, HG_EUSAGE,
		                  "concentration-index needs --population and "
		                  "--value columns");
	hg_tab_out_group_names(o, t, &g);
	hg_tab_out_str(o, "concentration_index");
	hg_tab_out_str(o, "se");
	hg_stats_cl_header(o, lv, nlv, 1);
	hg_tab_out_str(o, "mean");
	hg_tab_out_end_row(o);
	size_t cap = t->nrows ? t->nrows : 1;
	double *buf = hg_arena_alloc(&t->arena, 4 * cap * sizeof *buf);
	for (size_t gi = 0; gi < g.n; gi++) {
		size_t n = hg_group_size(&g, gi);
		size_t *rows =
		    ineq_group(t, &c, &g, gi, 1, buf, buf + cap, buf + 2 * cap, buf + 3 * cap);
		hg_ci_input in = {n, buf, buf + cap, c.se ? buf + 2 * cap : NULL};
		hg_ci_result r;
		int rc = hg_concentration_index(&in, lv[0], &r, err);
		size_t first = rows[0];
		free(rows);
		if (rc)
			return hg_stats_row_err(t, first, NULL, err, "group starting here: %s",
			                        err->msg);
		hg_tab_out_group_keys(o, t, &g, gi);
		hg_tab_out_num(o, r.ci);
		hg_tab_out_num(o, r.se);
		for (size_t l = 0; l < nlv; l++) {
			hg_concentration_index(&in, lv[l], &r, err);
			hg_tab_out_num(o, r.lower);
			hg_tab_out_num(o, r.upper);
		}
		hg_tab_out_num(o, r.mean);
		hg_tab_out_end_row(o);
	}
	return 0;
}

static int par_reference(const char *s, int *ref, hg_err *err)
{
	const char *names[] = {"last", "first", "min", "max"};
	for (int k = 0; k < 4; k++)
		if (!strcmp(s, names[k])) {
			*ref = k;
			return 0;
		}
	return hg_err_set(err, HG_EUSAGE, "--reference must be last, first, min or max");
}

int hg_stats_cmd_par(const hg_stats_args *a, hg_table *t, hg_tab_out *o, hg_err *err)
{
	hg_ineq_cols c;
	hg_groups g;
	double m;
	int ref = 0;
	if (hg_stats_opt_double(a, "multiplier", 1, &m, err) ||
	    par_reference(hg_stats_opt_str(a, "reference", "last"), &ref, err) ||
	    ineq_read(a, t, &c, err) ||
	    hg_table_group(t, hg_stats_opt_str(a, "group", NULL), &g, err))
		return err->code;
	if (!(c.x && c.n) && !(c.pop && c.value))
		return hg_err_set(err, HG_EUSAGE,
		                  "par needs --x and --n, or --population and "
		                  "--value");
	hg_tab_out_group_names(o, t, &g);
	const char *head[] = {"overall", "reference_quantile", "reference_value",
	                      "par",     "par_percent",        "excess_events"};
	for (int k = 0; k < 6; k++)
		hg_tab_out_str(o, head[k]);
	hg_tab_out_end_row(o);
	size_t cap = t->nrows ? t->nrows : 1;
	double *buf = hg_arena_alloc(&t->arena, 4 * cap * sizeof *buf);
	for (size_t gi = 0; gi < g.n; gi++) {
		size_t n = hg_group_size(&g, gi);
		size_t *rows =
		    ineq_group(t, &c, &g, gi, m, buf, buf + cap, buf + 2 * cap, buf + 3 * cap);
		hg_par_input in = {n, buf, buf + cap, c.x && c.n ? buf + 3 * cap : NULL};
		hg_par_result r;
		int rc = hg_par(&in, ref, &r, err);
		size_t first = rows[0], refrow = rc ? 0 : rows[r.ref_index];
		free(rows);
		if (rc)
			return hg_stats_row_err(t, first, NULL, err, "group starting here: %s",
			                        err->msg);
		hg_tab_out_group_keys(o, t, &g, gi);
		hg_tab_out_num(o, r.overall);
		hg_tab_out_str(o, hg_table_cell(t, refrow, c.qcol));
		hg_tab_out_num(o, r.reference);
		hg_tab_out_num(o, r.par);
		hg_tab_out_num(o, r.par_pct);
		hg_tab_out_num(o, r.excess);
		hg_tab_out_end_row(o);
	}
	return 0;
}
