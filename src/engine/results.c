/*
 * results.c: from accumulated cells to published rows. For every indicator
 * x period x breakdown group it lays out the category rows, applies
 * disclosure control (sdc.c) and computes values and 95% / 99.8% limits with
 * the stats library from the published (rounded) counts:
 *   proportion  Wilson score (percent);  rate  exact/Byar's (per `per`);
 *   dsr  Dobson with ESP2013 (bands with no population contribute rate 0);
 *   mean  Student's t;  count  the count, exact/Byar's limits;
 *   life_expectancy  Chiang II with Silcocks' variance, normal limits.
 * DSR and life expectancy are computed from the unrounded age-band counts
 * (complex statistics, d8) but are suppressed with their cell.
 */
#include "engine/engine.h"

#include "stats/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hg_value_type(const hg_indicator *ind, char *buf, size_t size)
{
	char per[32];
	snprintf(per, sizeof per, "%.15g", ind->per);
	switch (ind->type) {
	case HG_IND_PROPORTION:
		if (ind->per == 100)
			snprintf(buf, size, "proportion_percent");
		else
			snprintf(buf, size, "proportion_per_%s", per);
		return;
	case HG_IND_RATE:
		snprintf(buf, size, "crude_rate_per_%s_%s", per,
		         ind->pop == HG_POP_PERSON_TIME ? "person_years" : "per_year");
		return;
	case HG_IND_DSR:
		snprintf(buf, size, "dsr_per_%s_per_year", per);
		return;
	case HG_IND_MEAN:
		snprintf(buf, size, "mean");
		return;
	case HG_IND_COUNT:
		snprintf(buf, size, "count");
		return;
	default:
		snprintf(buf, size, "life_expectancy_years");
		return;
	}
}

static void restable_push(hg_restable *t, const hg_row *r)
{
	HG_GROW(t->rows, t->n, t->cap);
	t->rows[t->n++] = *r;
}

void hg_restable_free(hg_restable *t)
{
	free(t->rows);
	memset(t, 0, sizeof *t);
}

static void limits_none(hg_row *r)
{
	r->lo95 = r->hi95 = r->lo998 = r->hi998 = NAN;
}

static void stat_proportion(hg_row *r, double per)
{
	if (!(r->den > 0)) {
		r->value = NAN;
		return;
	}
	r->value = r->num / r->den * per;
	if (hg_wilson(r->num, r->den, 0.95, &r->lo95, &r->hi95) != 0 ||
	    hg_wilson(r->num, r->den, 0.998, &r->lo998, &r->hi998) != 0) {
		limits_none(r);
		return;
	}
	r->lo95 *= per;
	r->hi95 *= per;
	r->lo998 *= per;
	r->hi998 *= per;
}

static void stat_rate(hg_row *r, double den, double per)
{
	if (!(den > 0)) {
		r->value = NAN;
		return;
	}
	r->value = r->num / den * per;
	hg_rate_limits(r->num, den, 0.95, per, &r->lo95, &r->hi95, NULL);
	hg_rate_limits(r->num, den, 0.998, per, &r->lo998, &r->hi998, NULL);
}

/* The ESP2013 bands an indicator's `ages` cover: [*b0, *b1). */
static void band_range(const hg_indicator *ind, int *b0, int *b1)
{
	*b0 = ind->age_lo / 5;
	*b1 = ind->age_hi >= 90 ? HG_DSR_BANDS : (ind->age_hi + 1) / 5;
}

/* Events over person-years (population x years) in each band, standardised
 * to the ESP2013 weights of the bands the indicator's ages cover. */
static void stat_dsr(hg_row *r, const hg_indicator *ind, const double *cell, double years)
{
	double x[HG_DSR_BANDS], n[HG_DSR_BANDS];
	int b0, b1;
	band_range(ind, &b0, &b1);
	for (int b = b0; b < b1; b++) {
		x[b] = cell[HG_F_BANDS + 2 * b];
		n[b] = cell[HG_F_BANDS + 2 * b + 1] * years;
		if (n[b] <= 0) { /* no population: the band's rate counts as 0 */
			x[b] = 0;
			n[b] = 1;
		}
	}
	hg_dsr_res d;
	if (hg_dsr(x + b0, n + b0, hg_esp2013 + b0, (size_t)(b1 - b0), ind->per, &d, NULL) != 0) {
		r->value = NAN;
		r->note = "dsr could not be computed";
		return;
	}
	r->value = d.value;
	if (isnan(d.value))
		r->note = "dsr not published: fewer than 10 events";
	hg_dobson(&d, 0.95, ind->per, &r->lo95, &r->hi95);
	hg_dobson(&d, 0.998, ind->per, &r->lo998, &r->hi998);
}

static void stat_mean(hg_row *r, const double *cell)
{
	double k = cell[HG_F_NUM];
	if (!(k > 0)) {
		r->value = NAN;
		return;
	}
	hg_mean_res m = {cell[HG_F_SUM], k, NAN, cell[HG_F_SUM] / k};
	if (k > 1) {
		double var = (cell[HG_F_SUMSQ] - cell[HG_F_SUM] * cell[HG_F_SUM] / k) / (k - 1);
		m.sd = sqrt(var > 0 ? var : 0);
	}
	r->value = m.value;
	if (k > 1) {
		hg_mean_limits(&m, 0.95, &r->lo95, &r->hi95);
		hg_mean_limits(&m, 0.998, &r->lo998, &r->hi998);
	}
}

static void stat_count(hg_row *r)
{
	r->value = r->num;
	hg_count_limits(r->num, 0.95, &r->lo95, &r->hi95);
	hg_count_limits(r->num, 0.998, &r->lo998, &r->hi998);
}

/* Chiang II over deaths and person-years (population x years) in 20 bands;
 * not published (as PHEindicatormethods) when the 95% interval is wider than
 * 20 years or the table cannot be formed. */
static void stat_le(hg_row *r, const double *cell, double years)
{
	static const double start[HG_LE_NBANDS] = {0,  1,  5,  10, 15, 20, 25, 30, 35, 40,
	                                           45, 50, 55, 60, 65, 70, 75, 80, 85, 90};
	double d[HG_LE_NBANDS], n[HG_LE_NBANDS], e[HG_LE_NBANDS], se[HG_LE_NBANDS];
	for (int b = 0; b < HG_LE_NBANDS; b++) {
		d[b] = cell[HG_F_BANDS + 2 * b];
		n[b] = cell[HG_F_BANDS + 2 * b + 1] * years;
	}
	int st = hg_life_table(d, n, start, HG_LE_NBANDS, e, se);
	if (st != HG_LE_OK) {
		r->note = hg_le_status_msg(st);
		return;
	}
	if (isinf(e[0]) || hg_le_too_wide(se[0])) {
		r->note = "life expectancy not published: 95% interval wider than 20 years";
		return;
	}
	double z95 = hg_z2(0.95), z998 = hg_z2(0.998);
	r->value = e[0];
	r->lo95 = e[0] - z95 * se[0];
	r->hi95 = e[0] + z95 * se[0];
	r->lo998 = e[0] - z998 * se[0];
	r->hi998 = e[0] + z998 * se[0];
}

static void row_stats(hg_row *r, const hg_indicator *ind, const double *cell)
{
	limits_none(r);
	r->value = NAN;
	if (r->suppressed)
		return;
	if (r->raw_num == 0 && r->raw_den == 0) {
		r->note = HG_NOTE_NOT_APPLICABLE;
		return;
	}
	double years = hg_period_years(ind->periods[r->period]);
	switch (ind->type) {
	case HG_IND_PROPORTION:
		stat_proportion(r, ind->per);
		break;
	case HG_IND_RATE: /* per year: person-years, or the mid-period population x years */
		stat_rate(r, ind->pop == HG_POP_PERSON_TIME ? r->den : r->den * years, ind->per);
		break;
	case HG_IND_DSR:
		stat_dsr(r, ind, cell, years);
		break;
	case HG_IND_MEAN:
		stat_mean(r, cell);
		break;
	case HG_IND_COUNT:
		stat_count(r);
		break;
	default:
		stat_le(r, cell, years);
		break;
	}
}

/* Rows of one indicator x period x breakdown. */
/* Rows of one indicator x period x breakdown; returns 1 when a suppressed
 * cell of it could be recovered from the total (hg_sdc_exposed). */
static int hg_group(const hg_cells *c, int i, int j, int b, int sdc_k, hg_restable *t)
{
	const hg_program *pr = c->pr;
	const hg_indicator *ind = pr->inds[i].ind;
	const hg_breakdown *bd = &ind->bds[b];
	int ncat = c->bd_ncat[i][b];
	size_t first = t->n;
	for (int k = 0; k < ncat; k++) {
		const double *cell = hg_cell(c, i, j, b, k);
		/* practice categories are many: list only those with anyone in them */
		int sparse = bd->n > 0 && (bd->kind[0] == HG_BD_PRACTICE ||
		                           (bd->n > 1 && bd->kind[1] == HG_BD_PRACTICE));
		if (sparse && cell[HG_F_DEN] == 0 && cell[HG_F_NUM] == 0 && cell[HG_F_PT] == 0)
			continue;
		hg_row r = {.ind = i, .period = j, .bd = b, .cat = k};
		hg_bd_label(bd, pr->store, NULL, k, r.category, sizeof r.category);
		r.raw_num = cell[HG_F_NUM];
		r.raw_den = ind->type == HG_IND_RATE && ind->pop == HG_POP_PERSON_TIME
		                ? cell[HG_F_PT]
		                : cell[HG_F_DEN];
		r.num = r.raw_num;
		r.den = r.raw_den;
		restable_push(t, &r);
	}
	size_t n = t->n - first;
	int n1 = 0, n2 = 0;
	if (bd->n == 2 && n == (size_t)ncat) {
		n1 = hg_bd_dim_ncat(bd->kind[0], pr->store);
		n2 = hg_bd_dim_ncat(bd->kind[1], pr->store);
	}
	if (sdc_k > 0)
		hg_sdc_group(t->rows + first, n, sdc_k, n1, n2);
	for (size_t k = first; k < t->n; k++) {
		hg_row *r = &t->rows[k];
		row_stats(r, ind, hg_cell(c, i, j, b, r->cat));
	}
	return sdc_k > 0 && hg_sdc_exposed(t->rows + first, n, n1, n2) > 0;
}

/* Suppress the "All" row: a breakdown's lone suppressed cell had no complement. */
static void suppress_total(hg_row *all)
{
	if (all->suppressed)
		return;
	all->suppressed = 2;
	all->num = all->den = NAN;
	all->value = all->lo95 = all->hi95 = all->lo998 = all->hi998 = NAN;
	all->note = "suppressed to protect another cell";
}

static int is_all_row(const hg_restable *t, size_t k, int i, int j)
{
	return k < t->n && t->rows[k].ind == i && t->rows[k].period == j && t->rows[k].bd == 0;
}

int hg_restable_build(const hg_cells *c, int sdc_k, hg_restable *t, hg_err *err)
{
	memset(t, 0, sizeof *t);
	t->sdc_k = sdc_k;
	const hg_program *pr = c->pr;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		for (int j = 0; j < ind->nperiods; j++) {
			size_t all = t->n; /* breakdown 0 ("all") is one row, first */
			int exposed = 0;
			for (int b = 0; b < ind->nbds; b++) {
				int e = hg_group(c, i, j, b, sdc_k, t);
				exposed |= b > 0 && e;
			}
			if (exposed && is_all_row(t, all, i, j))
				suppress_total(&t->rows[all]);
		}
	}
	(void)err;
	return 0;
}
