/*
 * scn_data.c: what a scenario reads from a run (scenario.h): the published
 * rows of its indicator at one period (numerator, denominator, value and
 * limits by IMD quintile, ethnicity, their two-way breakdown and practice),
 * the indicator's polarity, the people in each IMD quintile for the DCEA
 * (the denominators of a population-based rate), and the run's status
 * marking and disclosure rule. From a results directory (indicators.csv,
 * inequalities.csv, metadata.json) here; the dashboard fills the same
 * structure from its role-filtered query layer (src/server/page_scenario.c).
 * Only published cells are read: suppressed ones stay NaN.
 */
#include "analysis/analysis.h"
#include "analysis/scenario.h"

#include "core/csv.h"
#include "core/fs.h"
#include "core/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hg_scn_data_init(hg_scn_data *d)
{
	memset(d, 0, sizeof *d);
	for (int q = 0; q < HG_SCN_QUINTILES; q++)
		d->pop[q] = NAN;
	d->pop_all = NAN;
	d->itype = HG_SCN_OTHER;
	d->per = 1;
}

void hg_scn_data_free(hg_scn_data *d)
{
	free(d->cells);
	d->cells = NULL;
	d->ncells = d->cap = 0;
}

void hg_scn_data_add(hg_scn_data *d, const char *bd, const char *cat, double num, double den,
                     double value, double lo, double hi, int suppressed)
{
	HG_GROW(d->cells, d->ncells, d->cap);
	hg_scn_cell *c = &d->cells[d->ncells++];
	snprintf(c->bd, sizeof c->bd, "%s", bd);
	snprintf(c->cat, sizeof c->cat, "%s", cat);
	c->suppressed = suppressed;
	c->num = suppressed ? NAN : num;
	c->den = suppressed ? NAN : den;
	c->value = suppressed ? NAN : value;
	c->lo = suppressed ? NAN : lo;
	c->hi = suppressed ? NAN : hi;
}

void hg_scn_data_type(hg_scn_data *d, const char *vt)
{
	snprintf(d->value_type, sizeof d->value_type, "%s", vt);
	d->itype = !strncmp(vt, "proportion", 10)   ? HG_SCN_PROPORTION
	           : !strncmp(vt, "crude_rate", 10) ? HG_SCN_RATE
	                                            : HG_SCN_OTHER;
	const char *per = strstr(vt, "per_");
	d->per = !strcmp(vt, "proportion_percent") ? 100 : per ? atof(per + 4) : 1;
	if (!(d->per > 0))
		d->per = 1;
}

void hg_scn_data_offer_pop(hg_scn_data *d, const char *want, const char *id, double all,
                           const double q[HG_SCN_QUINTILES])
{
	for (int k = 0; k < HG_SCN_QUINTILES; k++)
		if (!(q[k] > 0))
			return;
	if (want && want[0] ? strcmp(want, id) != 0 : !(isnan(d->pop_all) || all > d->pop_all))
		return;
	memcpy(d->pop, q, sizeof d->pop);
	d->pop_all = all;
	snprintf(d->pop_indicator, sizeof d->pop_indicator, "%s", id);
}

/* ---- reading a results directory ---- */

typedef struct hg_latest {
	char id[64], end[11], vt[48];
} hg_latest;

typedef struct hg_rcols {
	int id, name, start, end, bd, cat, num, den, value, lo, hi, vt, supp;
} hg_rcols;

static void fcopy(const hg_csv *c, int col, char *buf, size_t size)
{
	hg_sv v = hg_csv_field(c, col);
	size_t n = v.n < size - 1 ? v.n : size - 1;
	memcpy(buf, v.p, n);
	buf[n] = 0;
}

static double fnum(const hg_csv *c, int col)
{
	double v;
	hg_sv s = hg_csv_field(c, col);
	return s.n && hg_parse_double(s, &v) == 0 ? v : NAN;
}

static int rcols(const hg_csv *c, hg_rcols *k, hg_err *err)
{
	static const char *const names[] = {
	    "indicator_id", "indicator_name", "period_start", "period_end", "breakdown",
	    "category",     "numerator",      "denominator",  "value",      "lower_ci95",
	    "upper_ci95",   "value_type",     "suppressed"};
	int *slot = &k->id;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if ((slot[i] = hg_csv_col(c, names[i])) < 0)
			return hg_err_set(
			    err, HG_EINPUT,
			    "%s has no column %s: is it indicators.csv of `healthgap run`?",
			    c->path, names[i]);
	return 0;
}

/* The latest period end and the value type of every indicator. */
static int latest_pass(hg_csv *c, const hg_rcols *k, hg_latest **out, size_t *n)
{
	size_t cap = 0;
	char id[64], end[11];
	while (hg_csv_next(c)) {
		fcopy(c, k->id, id, sizeof id);
		fcopy(c, k->end, end, sizeof end);
		hg_latest *l = *n ? &(*out)[*n - 1] : NULL;
		if (!l || strcmp(l->id, id)) { /* rows come indicator by indicator */
			for (size_t i = 0; i < *n; i++)
				if (!strcmp((*out)[i].id, id))
					l = &(*out)[i];
			if (!l || strcmp(l->id, id)) {
				HG_GROW(*out, *n, cap);
				l = &(*out)[(*n)++];
				memset(l, 0, sizeof *l);
				snprintf(l->id, sizeof l->id, "%s", id);
				fcopy(c, k->vt, l->vt, sizeof l->vt);
			}
		}
		if (strcmp(end, l->end) > 0)
			memcpy(l->end, end, sizeof l->end);
	}
	return 0;
}

static const hg_latest *latest_of(const hg_latest *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].id, id))
			return &v[i];
	return NULL;
}

typedef struct hg_popacc {
	char id[64];
	double all, q[HG_SCN_QUINTILES];
} hg_popacc;

static void pop_flush(hg_scn_data *d, const hg_scenario *s, hg_popacc *a)
{
	if (a->id[0])
		hg_scn_data_offer_pop(d, s->population, a->id, a->all, a->q);
	memset(a, 0, sizeof *a);
}

/* A row of a population-based rate at its latest period: its All and quintile people. */
static void pop_row(hg_scn_data *d, const hg_scenario *s, const hg_csv *c, const hg_rcols *k,
                    hg_popacc *a, const char *id)
{
	if (strcmp(a->id, id)) {
		pop_flush(d, s, a);
		snprintf(a->id, sizeof a->id, "%s", id);
		for (int q = 0; q < HG_SCN_QUINTILES; q++)
			a->q[q] = NAN;
		a->all = NAN;
	}
	char bd[40], cat[16];
	fcopy(c, k->bd, bd, sizeof bd);
	fcopy(c, k->cat, cat, sizeof cat);
	double den = fnum(c, k->den);
	if (!strcmp(bd, "all"))
		a->all = den;
	else if (!strcmp(bd, "imd_quintile") && cat[0] >= '1' && cat[0] <= '5' && !cat[1])
		a->q[cat[0] - '1'] = den;
}

static void data_row(hg_scn_data *d, const hg_csv *c, const hg_rcols *k)
{
	char bd[40], cat[80], supp[8];
	fcopy(c, k->bd, bd, sizeof bd);
	fcopy(c, k->cat, cat, sizeof cat);
	fcopy(c, k->supp, supp, sizeof supp);
	if (!d->ncells) {
		fcopy(c, k->name, d->indicator_name, sizeof d->indicator_name);
		fcopy(c, k->start, d->period_start, sizeof d->period_start);
	}
	hg_scn_data_add(d, bd, cat, fnum(c, k->num), fnum(c, k->den), fnum(c, k->value),
	                fnum(c, k->lo), fnum(c, k->hi), !strcmp(supp, "true"));
}

static int rows_pass(hg_scn_data *d, const hg_scenario *s, hg_csv *c, const hg_rcols *k,
                     const hg_latest *lv, size_t nl, const char *end)
{
	hg_popacc acc;
	memset(&acc, 0, sizeof acc);
	char id[64], e[11];
	while (hg_csv_next(c)) {
		fcopy(c, k->id, id, sizeof id);
		fcopy(c, k->end, e, sizeof e);
		if (!strcmp(id, s->indicator) && !strcmp(e, end))
			data_row(d, c, k);
		const hg_latest *l = latest_of(lv, nl, id);
		int popish = !strncmp(l->vt, "crude_rate", 10) || !strncmp(l->vt, "dsr", 3);
		if (popish && !strcmp(e, l->end))
			pop_row(d, s, c, k, &acc, id);
	}
	pop_flush(d, s, &acc);
	return 0;
}

static int no_indicator(const hg_latest *lv, size_t nl, const char *id, const char *path,
                        hg_err *err)
{
	hg_suggest sg;
	hg_suggest_init(&sg, id);
	for (size_t i = 0; i < nl; i++)
		hg_suggest_add(&sg, lv[i].id);
	return hg_err_set(err, HG_EINPUT, "%s has no indicator %s%s%s%s", path, id,
	                  sg.best ? " (did you mean " : "", sg.best ? sg.best : "",
	                  sg.best ? "?)" : "");
}

static int read_indicators(hg_scn_data *d, const char *dir, const hg_scenario *s, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/indicators.csv", dir);
	size_t n = 0;
	char *text = hg_read_file(path, &n, err);
	if (!text)
		return hg_err_wrap(err, "results (run `healthgap run` with csv output first)");
	hg_csv c;
	hg_csv_open_mem(&c, path, text, n, 1);
	hg_rcols k;
	hg_latest *lv = NULL;
	size_t nl = 0;
	int rc =
	    !hg_csv_next(&c) ? hg_err_set(err, HG_EINPUT, "%s is empty", path) : rcols(&c, &k, err);
	if (rc == 0)
		latest_pass(&c, &k, &lv, &nl);
	hg_csv_close(&c);
	const hg_latest *l = rc ? NULL : latest_of(lv, nl, s->indicator);
	if (rc == 0 && !l)
		rc = no_indicator(lv, nl, s->indicator, path, err);
	if (rc == 0) {
		const char *end = strcmp(s->period, "latest") ? s->period : l->end;
		snprintf(d->period_end, sizeof d->period_end, "%s", end);
		hg_scn_data_type(d, l->vt);
		hg_csv_open_mem(&c, path, text, n, 1);
		hg_csv_next(&c); /* the header, read above */
		rows_pass(d, s, &c, &k, lv, nl, end);
		hg_csv_close(&c);
		if (!d->ncells)
			rc = hg_err_set(
			    err, HG_EINPUT,
			    "%s: indicator %s has no period ending %s (the latest is %s)", path,
			    s->indicator, end, l->end);
	}
	free(lv);
	free(text);
	return rc;
}

/* The polarity the run used (inequalities.csv, from its objectives). */
static int read_polarity(hg_scn_data *d, const char *dir, const char *id, hg_err *err)
{
	char path[HG_PATH_MAX], pol[32];
	snprintf(path, sizeof path, "%s/inequalities.csv", dir);
	hg_csv c;
	if (hg_csv_open(&c, path, err))
		return hg_err_wrap(err, "results (the polarity of %s comes from inequalities.csv)",
		                   id);
	int kid = -1, kpol = -1;
	if (hg_csv_next(&c)) {
		kid = hg_csv_col(&c, "indicator_id");
		kpol = hg_csv_col(&c, "polarity");
	}
	int rc =
	    kid < 0 || kpol < 0
	        ? hg_err_set(err, HG_EINPUT, "%s has no indicator_id and polarity columns", path)
	        : 0;
	d->polarity = HG_POL_NEUTRAL;
	while (rc == 0 && hg_csv_next(&c))
		if (hg_sv_eq(hg_csv_field(&c, kid), id)) {
			fcopy(&c, kpol, pol, sizeof pol);
			hg_polarity_parse(pol, &d->polarity);
			break;
		}
	hg_csv_close(&c);
	return rc;
}

static int read_meta(hg_scn_data *d, const char *dir, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/metadata.json", dir);
	json_error_t je;
	json_t *m = json_load_file(path, 0, &je);
	if (!m)
		return hg_err_set(err, HG_EINPUT, "%s: %s (a results directory of `healthgap run`)",
		                  path, je.text);
	hg_data_status_from_json(json_object_get(m, "data_status"), &d->status);
	const char *rule =
	    json_string_value(json_object_get(json_object_get(m, "disclosure_control"), "rule"));
	snprintf(d->sdc, sizeof d->sdc, "%s", rule ? rule : "unknown");
	const char *snap = json_string_value(json_object_get(m, "store_snapshot"));
	const char *at = json_string_value(json_object_get(m, "run_at"));
	snprintf(d->source, sizeof d->source, "%s (snapshot %s, run %s)", dir, snap ? snap : "?",
	         at ? at : "?");
	json_decref(m);
	return 0;
}

int hg_scn_data_from_results(hg_scn_data *d, const char *dir, const hg_scenario *s, hg_err *err)
{
	hg_scn_data_init(d);
	snprintf(d->indicator, sizeof d->indicator, "%s", s->indicator);
	if (read_meta(d, dir, err) || read_indicators(d, dir, s, err) ||
	    read_polarity(d, dir, s->indicator, err)) {
		hg_scn_data_free(d);
		return 1;
	}
	if (s->population[0] && strcmp(d->pop_indicator, s->population)) {
		hg_scn_data_free(d);
		return hg_err_set(
		    err, HG_EINPUT,
		    "population: %s is not a rate or DSR of the run with all five IMD "
		    "quintiles published at its latest period",
		    s->population);
	}
	return 0;
}
