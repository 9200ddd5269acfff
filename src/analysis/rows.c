/*
 * rows.c: what the analysis reads its published rows with (analysis_int.h):
 * an index from (indicator, period, breakdown) to the rows of that group,
 * breakdown and category lookups, data-quality shares, and the growing
 * tables of measure and monitoring rows that measures.c and monitor.c fill.
 */
#include "analysis/analysis_int.h"

#include "store/store.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void hg_rowindex_build(hg_rowindex *ix, const hg_indicator *const *inds, int ninds,
                       const hg_restable *t)
{
	ix->t = t;
	ix->inds = inds;
	ix->ninds = ninds;
	ix->first = hg_xcalloc((size_t)ninds + 1, sizeof *ix->first);
	ix->count = hg_xcalloc((size_t)ninds + 1, sizeof *ix->count);
	for (int i = 0; i < ninds; i++) {
		size_t k = (size_t)inds[i]->nperiods * (size_t)inds[i]->nbds + 1;
		ix->first[i] = hg_xmalloc(k * sizeof **ix->first);
		ix->count[i] = hg_xcalloc(k, sizeof **ix->count);
		for (size_t m = 0; m < k; m++)
			ix->first[i][m] = SIZE_MAX;
	}
	for (size_t r = 0; r < t->n; r++) {
		const hg_row *w = &t->rows[r];
		if (w->ind < 0 || w->ind >= ninds)
			continue;
		size_t m = (size_t)w->period * (size_t)inds[w->ind]->nbds + (size_t)w->bd;
		if (ix->first[w->ind][m] == SIZE_MAX)
			ix->first[w->ind][m] = r;
		ix->count[w->ind][m]++;
	}
}

void hg_rowindex_free(hg_rowindex *ix)
{
	for (int i = 0; ix->first && i < ix->ninds; i++) {
		free(ix->first[i]);
		free(ix->count[i]);
	}
	free(ix->first);
	free(ix->count);
	memset(ix, 0, sizeof *ix);
}

size_t hg_rowindex_group(const hg_rowindex *ix, int i, int j, int b, const hg_row **rows)
{
	*rows = NULL;
	if (i < 0 || i >= ix->ninds || b < 0 || j < 0 || j >= ix->inds[i]->nperiods ||
	    b >= ix->inds[i]->nbds)
		return 0;
	size_t m = (size_t)j * (size_t)ix->inds[i]->nbds + (size_t)b;
	if (ix->first[i][m] == SIZE_MAX)
		return 0;
	*rows = ix->t->rows + ix->first[i][m];
	return ix->count[i][m];
}

int hg_bd_find(const hg_indicator *ind, int kind)
{
	for (int b = 0; b < ind->nbds; b++)
		if (ind->bds[b].n == 1 && ind->bds[b].kind[0] == kind)
			return b;
	return -1;
}

const hg_row *hg_group_cat(const hg_row *rows, size_t n, int cat)
{
	for (size_t k = 0; k < n; k++)
		if (rows[k].cat == cat)
			return &rows[k];
	return NULL;
}

/* Share (percent) of the "All" denominator in category cat of breakdown kind. */
static double dq_share(const hg_rowindex *ix, int i, int j, int kind, int cat)
{
	const hg_indicator *ind = ix->inds[i];
	int b = hg_bd_find(ind, kind);
	const hg_row *all, *rows;
	if (b < 0 || hg_rowindex_group(ix, i, j, 0, &all) == 0)
		return NAN;
	size_t n = hg_rowindex_group(ix, i, j, b, &rows);
	const hg_row *r = hg_group_cat(rows, n, cat);
	if (!r) /* category with nobody in it (sparse breakdowns) */
		return n ? 0 : NAN;
	if (r->suppressed || !(all->den > 0))
		return NAN;
	return 100.0 * r->den / all->den;
}

void hg_dq(const hg_rowindex *ix, int i, int j, double *eth, double *imd)
{
	*eth = dq_share(ix, i, j, HG_BD_ETH, HG_ETH_NOT_STATED);
	*imd = dq_share(ix, i, j, HG_BD_IMDQ, 5);
	if (isnan(*imd))
		*imd = dq_share(ix, i, j, HG_BD_IMDD, 10);
}

hg_ineq_row *hg_ineq_push(hg_analysis *a)
{
	HG_GROW(a->ineq, a->nineq, a->capineq);
	hg_ineq_row *r = &a->ineq[a->nineq++];
	memset(r, 0, sizeof *r);
	r->value = r->lo95 = r->hi95 = r->lo998 = r->hi998 = NAN;
	r->pct_eth_not_stated = r->pct_imd_unknown = NAN;
	return r;
}

hg_mon_row *hg_mon_push(hg_analysis *a)
{
	HG_GROW(a->mon, a->nmon, a->capmon);
	hg_mon_row *r = &a->mon[a->nmon++];
	memset(r, 0, sizeof *r);
	r->value = r->mean = r->lpl = r->upl = r->nlpl = r->nupl = r->target = NAN;
	r->pct_eth_not_stated = r->pct_imd_unknown = NAN;
	return r;
}
