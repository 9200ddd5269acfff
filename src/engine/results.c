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
		if (ind->per == 1)
			snprintf(buf, size, "mean");
		else
			snprintf(buf, size, "mean_per_%s", per);
		return;
	case HG_IND_COUNT:
		snprintf(buf, size, "count");
		return;
	case HG_IND_PERCENTILE:
		snprintf(buf, size, "percentile_%.15g", ind->pct);
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

/* A mean (times `per`: a mean of 0.045 pathways per person is 45 per 1,000 people). */
static void stat_mean(hg_row *r, const double *cell, double per)
{
	double k = cell[HG_F_NUM];
	if (!(k > 0)) {
		r->value = NAN;
		r->note = HG_NOTE_NO_VALUE;
		return;
	}
	hg_mean_res m = {cell[HG_F_SUM], k, NAN, cell[HG_F_SUM] / k};
	if (k > 1) {
		double var = (cell[HG_F_SUMSQ] - cell[HG_F_SUM] * cell[HG_F_SUM] / k) / (k - 1);
		m.sd = sqrt(var > 0 ? var : 0);
	}
	r->value = m.value * per;
	if (k > 1) {
		hg_mean_limits(&m, 0.95, &r->lo95, &r->hi95);
		hg_mean_limits(&m, 0.998, &r->lo998, &r->hi998);
		r->lo95 *= per;
		r->hi95 *= per;
		r->lo998 *= per;
		r->hi998 *= per;
	}
}

/* A percentile: value and limits from every value, computed after the pass (engine.c);
 * the numerator is the number of values. */
static void stat_percentile(hg_row *r, const double *cell)
{
	if (!(cell[HG_F_NUM] > 0)) {
		r->value = NAN;
		r->note = HG_NOTE_NO_VALUE;
		return;
	}
	r->value = cell[HG_F_PCT_VALUE];
	r->lo95 = cell[HG_F_PCT_LO95];
	r->hi95 = cell[HG_F_PCT_HI95];
	r->lo998 = cell[HG_F_PCT_LO998];
	r->hi998 = cell[HG_F_PCT_HI998];
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
	if (r->raw_num == 0 && r->raw_den == 0 && !ind->trans) { /* a flow of nobody is 0 */
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
		stat_mean(r, cell, ind->per);
		break;
	case HG_IND_COUNT:
		stat_count(r);
		break;
	case HG_IND_PERCENTILE:
		stat_percentile(r, cell);
		break;
	default:
		stat_le(r, cell, years);
		break;
	}
}

/* ---- the rows ---- */

/* Practices and places are many: their categories are listed only with anyone in them. */
static int sparse_kind(int kind)
{
	return kind == HG_BD_PRACTICE || (kind >= HG_BD_PCN && kind <= HG_BD_MSOA);
}

static int sparse_bd(const hg_breakdown *bd)
{
	return bd->n > 0 && (sparse_kind(bd->kind[0]) || (bd->n > 1 && sparse_kind(bd->kind[1])));
}

/* Rows of one indicator x period x breakdown, with raw counts; its first row. */
static size_t group_rows(const hg_cells *c, int i, int j, int b, hg_restable *t)
{
	const hg_program *pr = c->pr;
	const hg_indicator *ind = pr->inds[i].ind;
	const hg_breakdown *bd = &ind->bds[b];
	size_t first = t->n;
	for (int k = 0; k < c->bd_ncat[i][b]; k++) {
		const double *cell = hg_cell(c, i, j, b, k);
		/* practice categories are many: list only those with anyone in them */
		if (sparse_bd(bd) && cell[HG_F_DEN] == 0 && cell[HG_F_NUM] == 0 &&
		    cell[HG_F_PT] == 0)
			continue;
		hg_row r = {.ind = i, .period = j, .bd = b, .cat = k};
		hg_bd_label(bd, pr->store, k, r.category, sizeof r.category);
		r.raw_num = cell[HG_F_NUM];
		r.raw_den = ind->type == HG_IND_RATE && ind->pop == HG_POP_PERSON_TIME
		                ? cell[HG_F_PT]
		                : cell[HG_F_DEN];
		r.num = r.raw_num;
		r.den = r.raw_den;
		restable_push(t, &r);
	}
	return first;
}

/* ---- the identities disclosure control protects ---- */

/* Where the rows of each breakdown of one indicator x period start (dense: one row per
 * category, in category order; sparse practice breakdowns list only some). */
typedef struct ij_rows {
	const hg_cells *c;
	const hg_row *rows; /* the table's rows (their categories) */
	int i, j;
	size_t *first, *count;
} ij_rows;

/* A dimension: its kind, and which flag or variable for those kinds. */
typedef struct dim {
	int kind, id;
} dim;

static dim dim_of(const hg_breakdown *bd, int d)
{
	int k = bd->kind[d];
	return (dim){k, k == HG_BD_FLAG ? bd->flag[d] : k == HG_BD_VAR ? bd->var[d] : 0};
}

/* The breakdown of ind whose dimensions are exactly (a[, b]), or -1. */
static int find_bd(const hg_indicator *ind, int n, dim a, dim b)
{
	for (int k = 1; k < ind->nbds; k++) {
		const hg_breakdown *bd = &ind->bds[k];
		dim x = dim_of(bd, 0), y = n > 1 ? dim_of(bd, 1) : b;
		if (bd->n == n && x.kind == a.kind && x.id == a.id && y.kind == b.kind &&
		    y.id == b.id)
			return k;
	}
	return -1;
}

static int dense(const ij_rows *g, int b)
{
	return g->count[b] == (size_t)g->c->bd_ncat[g->i][b];
}

/* The row of breakdown b with category cat, or SIZE_MAX when it is not listed (a sparse
 * practice breakdown lists only the practices with anyone counted: the others are 0). */
static size_t row_of(const ij_rows *g, int b, int cat)
{
	if (dense(g, b))
		return g->first[b] + (size_t)cat;
	for (size_t k = 0; k < g->count[b]; k++)
		if (g->rows[g->first[b] + k].cat == cat)
			return g->first[b] + k;
	return SIZE_MAX;
}

/* A two-way breakdown's rows (d = 0) or columns (d = 1): each adds up to the one-way cell
 * of that category when the indicator has the one-way breakdown, and is a set of its own
 * even when not. Works from each listed row's category, so sparse (practice) crosses are
 * protected as dense ones are. */
static void sets_of_cross(const ij_rows *g, int b, hg_sdc_sets *s)
{
	const hg_indicator *ind = g->c->pr->inds[g->i].ind;
	const hg_store *st = g->c->pr->store;
	const hg_breakdown *bd = &ind->bds[b];
	int n2 = hg_bd_ncat(bd, 1, st);
	dim none = {0, 0};
	for (int d = 0; d < 2; d++) {
		int n = hg_bd_ncat(bd, d, st), one = find_bd(ind, 1, dim_of(bd, d), none);
		for (int x = 0; x < n; x++) {
			hg_sdc_set_begin(s);
			size_t tot = one > 0 ? row_of(g, one, x) : SIZE_MAX;
			if (tot != SIZE_MAX)
				hg_sdc_set_add(s, tot, 1);
			for (size_t k = 0; k < g->count[b]; k++) {
				int cat = g->rows[g->first[b] + k].cat;
				if ((d == 0 ? cat / n2 : cat % n2) == x)
					hg_sdc_set_add(s, g->first[b] + k, 0);
			}
			hg_sdc_set_end(s);
		}
	}
}

/* Each breakdown adds up to "All"; a two-way breakdown's rows and columns add up to the
 * one-way breakdowns of its dimensions (sets_of_cross). */
static void sets_of_breakdowns(const ij_rows *g, hg_sdc_sets *s)
{
	const hg_indicator *ind = g->c->pr->inds[g->i].ind;
	for (int b = 1; b < ind->nbds; b++) {
		hg_sdc_set_begin(s);
		hg_sdc_set_add(s, g->first[0], 1);
		for (size_t k = 0; k < g->count[b]; k++)
			hg_sdc_set_add(s, g->first[b] + k, 0);
		hg_sdc_set_end(s);
		if (ind->bds[b].n == 2)
			sets_of_cross(g, b, s);
	}
}

/* Two deciles add up to their quintile (1+2 = 1, ..., 9+10 = 5), and the two Unknowns are
 * the same count: in one-way breakdowns and in two-way ones crossed with the same other
 * dimension. */
static void sets_of_nesting(const ij_rows *g, hg_sdc_sets *s)
{
	const hg_indicator *ind = g->c->pr->inds[g->i].ind;
	const hg_store *st = g->c->pr->store;
	for (int bq = 1; bq < ind->nbds; bq++) {
		const hg_breakdown *q = &ind->bds[bq];
		for (int d = 0; d < q->n; d++) {
			if (q->kind[d] != HG_BD_IMDQ)
				continue;
			dim dec = {HG_BD_IMDD, 0};
			dim a = d == 0 ? dec : dim_of(q, 0), b = q->n < 2 ? (dim){0, 0}
			                                         : d == 1 ? dec
			                                                  : dim_of(q, 1);
			int bdd = find_bd(ind, q->n, a, b);
			if (bdd < 0 || !dense(g, bq) || !dense(g, bdd))
				continue;
			int other = q->n == 2 ? hg_bd_ncat(q, 1 - d, st) : 1;
			for (int o = 0; o < other; o++)
				for (int qq = 0; qq < 6; qq++) { /* 5 quintiles, then Unknown */
					size_t rq = g->first[bq] + (size_t)(q->n == 2 && d == 1
					                                        ? o * 6 + qq
					                                        : qq * other + o);
					int decs[2] = {2 * qq, 2 * qq + 1}, nd = qq < 5 ? 2 : 1;
					if (qq == 5)
						decs[0] = 10;
					hg_sdc_set_begin(s);
					hg_sdc_set_add(s, rq, 1);
					size_t link[2] = {rq, 0};
					for (int k = 0; k < nd; k++) {
						size_t rd = g->first[bdd] +
						            (size_t)(q->n == 2 && d == 1
						                         ? o * 11 + decs[k]
						                         : decs[k] * other + o);
						hg_sdc_set_add(s, rd, 0);
						link[1] = rd;
					}
					hg_sdc_set_end(s);
					if (nd == 1) { /* Unknown = Unknown */
						int num[2] = {1, 1}, den[2] = {2, 2};
						hg_sdc_link(s, link, num, 2);
						hg_sdc_link(s, link, den, 2);
					}
				}
		}
	}
}

/* Cells that publish the same count (equal keys, canon.c, in the same period, breakdown
 * and category), as a numerator or a denominator, in one indicator or several. */
static void links_across(const hg_program *pr, const hg_restable *t, hg_sdc_sets *s)
{
	char(*keys)[2][65] = hg_xcalloc((size_t)pr->ninds + 1, sizeof *keys);
	for (int i = 0; i < pr->ninds; i++)
		hg_pack_count_keys(pr->pack, i, keys[i][0], keys[i][1]);
	size_t nm = 2 * t->n; /* member m: row m / 2, its numerator (m even) or denominator */
	hg_dict d;
	hg_dict_init(&d);
	size_t *grp = hg_xcalloc(nm + 1, sizeof *grp), *cnt = hg_xcalloc(nm + 1, sizeof *cnt);
	for (size_t m = 0; m < nm; m++) {
		const hg_row *r = &t->rows[m / 2];
		const hg_indicator *ind = pr->inds[r->ind].ind;
		char key[512];
		int n = snprintf(key, sizeof key, "%s|%d|%d|%s|%s", keys[r->ind][m % 2],
		                 ind->periods[r->period].start, ind->periods[r->period].end,
		                 ind->bds[r->bd].name, r->category);
		grp[m] = hg_dict_intern(&d, key, (size_t)n, NULL);
		cnt[grp[m]]++;
	}
	/* members of each key, in order: one link per key held by two members or more */
	size_t *at = hg_xcalloc(d.n + 1, sizeof *at), *rows = hg_xcalloc(nm + 1, sizeof *rows);
	int *kinds = hg_xcalloc(nm + 1, sizeof *kinds);
	for (size_t g = 1; g <= d.n; g++)
		at[g] = at[g - 1] + cnt[g - 1];
	for (size_t m = 0; m < nm; m++) {
		rows[at[grp[m]]] = m / 2;
		kinds[at[grp[m]]++] = m % 2 ? 2 : 1;
	}
	for (size_t g = 0, from = 0; g < d.n; from += cnt[g], g++)
		hg_sdc_link(s, rows + from, kinds + from, cnt[g]);
	free(kinds);
	free(at);
	free(rows);
	free(grp);
	free(cnt);
	hg_dict_free(&d);
	free(keys);
}

static void build_sets(const hg_cells *c, const hg_restable *t, size_t *first_of, size_t *count_of,
                       hg_sdc_sets *s)
{
	const hg_program *pr = c->pr;
	size_t k = 0;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		for (int j = 0; j < ind->nperiods; j++, k += (size_t)ind->nbds) {
			ij_rows g = {c, t->rows, i, j, first_of + k, count_of + k};
			sets_of_breakdowns(&g, s);
			sets_of_nesting(&g, s);
		}
	}
	links_across(pr, t, s);
}

int hg_restable_build(const hg_cells *c, int sdc_k, hg_restable *t, hg_err *err)
{
	memset(t, 0, sizeof *t);
	t->sdc_k = sdc_k;
	const hg_program *pr = c->pr;
	size_t ngroups = 0;
	for (int i = 0; i < pr->ninds; i++)
		ngroups += (size_t)pr->inds[i].ind->nperiods * (size_t)pr->inds[i].ind->nbds;
	size_t *first = hg_xcalloc(ngroups + 1, sizeof *first);
	size_t *count = hg_xcalloc(ngroups + 1, sizeof *count), k = 0;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		for (int j = 0; j < ind->nperiods; j++)
			for (int b = 0; b < ind->nbds; b++, k++) {
				first[k] = group_rows(c, i, j, b, t);
				count[k] = t->n - first[k];
			}
	}
	if (sdc_k > 0) {
		hg_sdc_sets s = {0};
		build_sets(c, t, first, count, &s);
		hg_sdc_apply(t->rows, t->n, sdc_k, &s);
		hg_sdc_sets_free(&s);
	}
	for (size_t r = 0; r < t->n; r++) {
		hg_row *row = &t->rows[r];
		row_stats(row, pr->inds[row->ind].ind,
		          hg_cell(c, row->ind, row->period, row->bd, row->cat));
	}
	free(first);
	free(count);
	(void)err;
	return 0;
}
