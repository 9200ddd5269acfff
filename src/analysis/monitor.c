/*
 * monitor.c: Making Data Count XmR charts (stats/spc.h, NHSRplotthedots
 * ptd_spc) of three series per indicator over its periods:
 *   value    the whole population's value; improvement direction from the
 *            polarity; assurance against the objective's target_value;
 *   sii      the SII over IMD deciles (quintiles when there are no deciles);
 *   gap_abs  the Q1 - Q5 absolute gap;
 * for the two inequality series improvement is movement towards zero (the
 * direction is set from the sign of the series' mean) and the target is the
 * first charted value reduced by the objective's gap_reduction_target.
 * Periods whose point is suppressed or not computed are kept as rows with a
 * note but are not charted, so no chart point comes from a suppressed cell.
 * A series any of whose points rests on a count under HG_SPC_MIN_EVENTS (or a
 * suppressed one) gets no limits, flags or icons at all: rounding to 5 would
 * make its special causes (analysis.h).
 */
#include "analysis/analysis_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mon_apply(hg_mon_row *rows, const size_t *ix, const hg_spc_point *pt, size_t m,
                      int direction, int var, int ass)
{
	for (size_t k = 0; k < m; k++) {
		hg_mon_row *r = &rows[ix[k]];
		const hg_spc_point *p = &pt[k];
		r->mean = p->mean, r->lpl = p->lpl, r->upl = p->upl;
		r->nlpl = p->nlpl, r->nupl = p->nupl;
		r->cause = p->cause, r->point_type = p->point_type;
		r->special = p->special_cause_flag, r->short_group = p->short_group_warning;
		r->variation = var, r->assurance = ass;
		(void)direction;
	}
}

/* Mark every row of a series with few events: no limits, flags or icons, and say why (after
 * the row's own note, e.g. why its point is not charted). */
static void mon_too_few(hg_mon_row *rows, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		hg_mon_row *r = &rows[k];
		size_t len = strlen(r->note);
		r->too_few = 1;
		snprintf(
		    r->note + len, HG_NOTE_MAX - len,
		    "%stoo few events for SPC: a count behind %s point is under %d or suppressed",
		    len ? "; " : "", r->few_events ? "this" : "another", HG_SPC_MIN_EVENTS);
	}
}

void hg_monitor_series(hg_mon_row *rows, size_t n, int direction, double target)
{
	int few = 0;
	for (size_t k = 0; k < n; k++) {
		rows[k].direction = direction;
		rows[k].target = target;
		few |= rows[k].few_events;
	}
	if (few) {
		mon_too_few(rows, n);
		return;
	}
	size_t *ix = hg_xmalloc((n + 1) * sizeof *ix), m = 0;
	double *x = hg_xmalloc((2 * n + 1) * sizeof *x), *y = x + n;
	for (size_t k = 0; k < n; k++) {
		if (isfinite(rows[k].value)) {
			ix[m] = k;
			x[m] = (double)k;
			y[m++] = rows[k].value;
		}
	}
	hg_spc_point *pt = hg_xcalloc(m + 1, sizeof *pt);
	hg_spc_opts so;
	hg_spc_opts_init(&so);
	so.direction = direction;
	so.has_target = isfinite(target);
	so.target = target;
	hg_err err = {0};
	if (m < 2 || hg_spc_xmr(x, y, m, &so, pt, &err) != 0) {
		for (size_t k = 0; k < n; k++)
			if (!rows[k].note[0])
				snprintf(rows[k].note, HG_NOTE_MAX, "no limits: %s",
				         m < 2 ? "fewer than 2 charted points" : err.msg);
	} else {
		int var = hg_spc_variation(&pt[m - 1], direction);
		int ass = hg_spc_assurance(&pt[m - 1], &so);
		mon_apply(rows, ix, pt, m, direction, var, ass);
	}
	free(pt);
	free(x);
	free(ix);
}

/*
 * The count behind a published cell that rounding to 5 distorts most: the events of a
 * rate, DSR or life expectancy (its numerator), the smaller of those meeting and not
 * meeting a proportion, the people of a mean or a count. 0 for a missing cell (nobody in
 * it), NaN for a suppressed one.
 */
static double cell_count(const hg_indicator *ind, const hg_row *r)
{
	if (!r)
		return 0;
	if (r->suppressed)
		return NAN;
	switch (ind->type) {
	case HG_IND_PROPORTION:
		return fmin(r->num, r->den - r->num);
	case HG_IND_MEAN:
		return r->den;
	default:
		return r->num;
	}
}

static int cell_few(const hg_indicator *ind, const hg_row *r)
{
	return !(cell_count(ind, r) >= HG_SPC_MIN_EVENTS);
}

/* Does the point of series `measure` over breakdown b in period j rest on a small count:
 * any quantile (sii) or the most or least deprived one (gap_abs)? */
static int group_few(const hg_rowindex *ix, int i, int j, int b, const char *measure)
{
	const hg_indicator *ind = ix->inds[i];
	const hg_row *rows;
	size_t n = hg_rowindex_group(ix, i, j, b, &rows);
	int q = ind->bds[b].kind[0] == HG_BD_IMDD ? 10 : 5;
	if (strcmp(measure, "sii")) /* gap_abs: quantile 1 against quantile q */
		return cell_few(ind, hg_group_cat(rows, n, 0)) ||
		       cell_few(ind, hg_group_cat(rows, n, q - 1));
	for (int k = 0; k < q; k++)
		if (cell_few(ind, hg_group_cat(rows, n, k)))
			return 1;
	return 0;
}

/*
 * The ineq rows in (indicator, period, measure, breakdown) order, so each monitored
 * point finds its row by binary search: a scan per point was quadratic in the periods
 * (a pack of daily periods over decades took minutes).
 */
typedef struct ineq_index {
	const hg_ineq_row **rows;
	size_t n;
} ineq_index;

static int ineq_cmp4(const hg_ineq_row *r, int i, int j, const char *measure, const char *bd)
{
	if (r->ind != i)
		return r->ind < i ? -1 : 1;
	if (r->period != j)
		return r->period < j ? -1 : 1;
	int c = strcmp(r->measure, measure);
	return c ? c : strcmp(r->breakdown, bd);
}

static int ineq_cmp(const void *pa, const void *pb)
{
	const hg_ineq_row *a = *(const hg_ineq_row *const *)pa,
	                  *b = *(const hg_ineq_row *const *)pb;
	int c = ineq_cmp4(a, b->ind, b->period, b->measure, b->breakdown);
	/* equal keys keep their order, so the first pushed is found as the scan found it */
	return c ? c : (a < b ? -1 : a > b);
}

static void ineq_index_build(ineq_index *x, const hg_analysis *a)
{
	x->n = a->nineq;
	x->rows = hg_xmalloc((x->n ? x->n : 1) * sizeof *x->rows);
	for (size_t k = 0; k < x->n; k++)
		x->rows[k] = &a->ineq[k];
	qsort(x->rows, x->n, sizeof *x->rows, ineq_cmp);
}

/* The first ineq row of indicator i, period j with this measure and breakdown, or NULL. */
static const hg_ineq_row *find_ineq(const ineq_index *x, int i, int j, const char *measure,
                                    const char *bd)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) { /* the first row not below the key */
		size_t mid = lo + (hi - lo) / 2;
		if (ineq_cmp4(x->rows[mid], i, j, measure, bd) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n && !ineq_cmp4(x->rows[lo], i, j, measure, bd) ? x->rows[lo] : NULL;
}

static hg_mon_row *mon_start(hg_analysis *a, int i, int j, const char *series, const char *bd,
                             const hg_rowindex *ix)
{
	hg_mon_row *r = hg_mon_push(a);
	r->ind = i;
	r->period = j;
	snprintf(r->series, sizeof r->series, "%s", series);
	snprintf(r->breakdown, sizeof r->breakdown, "%s", bd);
	hg_dq(ix, i, j, &r->pct_eth_not_stated, &r->pct_imd_unknown);
	return r;
}

static double first_finite(const hg_mon_row *rows, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (isfinite(rows[k].value))
			return rows[k].value;
	return NAN;
}

static int toward_zero(const hg_mon_row *rows, size_t n)
{
	double s = 0;
	for (size_t k = 0; k < n; k++)
		if (isfinite(rows[k].value))
			s += rows[k].value;
	return s > 0 ? HG_SPC_DECREASE : s < 0 ? HG_SPC_INCREASE : HG_SPC_NEUTRAL;
}

static void mon_value(const hg_rowindex *ix, const hg_objective *ob, int pol, int i, hg_analysis *a)
{
	const hg_indicator *ind = ix->inds[i];
	size_t first = a->nmon;
	for (int j = 0; j < ind->nperiods; j++) {
		hg_mon_row *r = mon_start(a, i, j, "value", "All", ix);
		const hg_row *all;
		size_t n = hg_rowindex_group(ix, i, j, 0, &all);
		r->few_events = cell_few(ind, n ? all : NULL);
		if (!n || all->suppressed || !isfinite(all->value))
			snprintf(r->note, HG_NOTE_MAX, "not charted: %s",
			         n && all->suppressed ? "suppressed" : "no value");
		else
			r->value = all->value;
	}
	double target = ob ? ob->target_value : NAN;
	hg_monitor_series(a->mon + first, a->nmon - first, pol, target);
}

static void mon_ineq(const hg_rowindex *ix, const ineq_index *qx, const hg_objective *ob, int i,
                     const char *measure, int b, hg_analysis *a)
{
	const hg_indicator *ind = ix->inds[i];
	const char *bd = ind->bds[b].name;
	size_t first = a->nmon;
	for (int j = 0; j < ind->nperiods; j++) {
		hg_mon_row *r = mon_start(a, i, j, measure, bd, ix);
		r->few_events = group_few(ix, i, j, b, measure);
		const hg_ineq_row *q = find_ineq(qx, i, j, measure, bd);
		if (q && isfinite(q->value))
			r->value = q->value;
		else
			snprintf(r->note, HG_NOTE_MAX, "not charted: %s",
			         q && q->note[0] ? q->note : "not computed");
	}
	hg_mon_row *rows = a->mon + first;
	size_t n = a->nmon - first;
	double target = NAN;
	if (ob && isfinite(ob->gap_reduction))
		target = first_finite(rows, n) * (1 - ob->gap_reduction);
	hg_monitor_series(rows, n, toward_zero(rows, n), target);
}

int hg_monitor_build(const hg_rowindex *ix, const hg_analysis_opts *o, hg_analysis *a, hg_err *err)
{
	(void)err;
	ineq_index qx;
	ineq_index_build(&qx, a);
	for (int i = 0; i < ix->ninds; i++) {
		const hg_indicator *ind = ix->inds[i];
		const hg_objective *ob = hg_objectives_find(o->obj, ind->id);
		mon_value(ix, ob, hg_objectives_polarity(o->obj, ind->id), i, a);
		int bd = hg_bd_find(ind, HG_BD_IMDD);
		if (bd < 0)
			bd = hg_bd_find(ind, HG_BD_IMDQ);
		if (bd >= 0 && ind->type != HG_IND_COUNT)
			mon_ineq(ix, &qx, ob, i, "sii", bd, a);
		int gb = hg_bd_find(ind, HG_BD_IMDQ);
		if (gb < 0)
			gb = hg_bd_find(ind, HG_BD_IMDD);
		if (gb >= 0)
			mon_ineq(ix, &qx, ob, i, "gap_abs", gb, a);
	}
	free(qx.rows);
	return 0;
}
