/*
 * resanalysis.c: the inequality and monitoring analysis of the published
 * results (computed with them in rescache.c by engine/analysis.h, the same
 * code as `healthgap run`) as one user may see it: hg_results_analysis
 * applies the role rules of the rows (rescache.h) to measures, series and
 * funnel points, so pages and the API cannot differ.
 */
#include "server/rescache.h"

#include <stdlib.h>
#include <string.h>

/* Breakdown index of an analysis row's breakdown name ("All" is the area row), or -1. */
static int an_bd(const hg_indicator *ind, const char *name)
{
	if (!strcmp(name, "All"))
		return 0;
	for (int b = 0; b < ind->nbds; b++)
		if (!strcmp(ind->bds[b].name, name))
			return b;
	return -1;
}

/* A measure or series about a category ("" for a whole breakdown or a note). */
static int an_visible(const hg_results *r, const hg_user *u, int i, const char *bd, const char *cat)
{
	int b = an_bd(r->pub.inds[i], bd);
	if (b < 0 || !hg_results_bd_allowed(r, u, i, b))
		return 0;
	return !cat[0] || hg_results_cat_allowed(r, u, i, b, cat);
}

static void an_measures(const hg_results *r, const hg_user *u, hg_an_view *v)
{
	size_t from = r->ineq_at[v->i][v->j0], to = r->ineq_at[v->i][v->j1];
	v->ineq = hg_xcalloc(to - from + 1, sizeof *v->ineq);
	for (size_t k = from; k < to; k++) {
		const hg_ineq_row *x = &r->pub.an.ineq[k];
		/* a period whose area figure the user may not see has no measure for it: each
		 * compares with, or is computed from, the area (rescache.h) */
		if (an_visible(r, u, v->i, x->breakdown, x->category) &&
		    hg_results_area_visible(r, u, v->i, x->period))
			v->ineq[v->nineq++] = x;
	}
}

/* Every period of indicator i shows its area figure to u (its series are of the area). */
static int an_area_all(const hg_results *r, const hg_user *u, int i)
{
	for (int j = 0; j < r->pub.inds[i]->nperiods; j++)
		if (!hg_results_area_visible(r, u, i, j))
			return 0;
	return 1;
}

static void an_monitor(const hg_results *r, const hg_user *u, hg_an_view *v)
{
	size_t from = r->mon_at[v->i], to = r->mon_at[v->i + 1];
	v->mon = hg_xcalloc(to - from + 1, sizeof *v->mon);
	if (!an_area_all(r, u, v->i))
		return;
	for (size_t k = from; k < to; k++) {
		const hg_mon_row *x = &r->pub.an.mon[k];
		if (an_visible(r, u, v->i, x->breakdown, ""))
			v->mon[v->nmon++] = x;
	}
}

/* The funnel of a period in [j0, j1) if the role sees practices at all; its visible points. */
static void an_funnel(const hg_results *r, const hg_user *u, hg_an_view *v)
{
	const hg_indicator *ind = r->pub.inds[v->i];
	int b = -1;
	for (int k = 0; k < ind->nbds && b < 0; k++)
		if (ind->bds[k].n == 1 && ind->bds[k].kind[0] == HG_BD_PRACTICE)
			b = k;
	if (b < 0 || !hg_results_bd_allowed(r, u, v->i, b))
		return;
	for (size_t k = 0; k < r->pub.an.nfunnels; k++) {
		const hg_funnel_chart *f = &r->pub.an.funnels[k];
		if (f->ind == v->i && f->period >= v->j0 && f->period < v->j1 &&
		    hg_results_area_visible(r, u, v->i, f->period)) /* its centre is the area's */
			v->funnel = f;
	}
	if (!v->funnel)
		return;
	v->dots = hg_xcalloc(v->funnel->ndots + 1, sizeof *v->dots);
	for (size_t k = 0; k < v->funnel->ndots; k++)
		if (hg_results_cat_allowed(r, u, v->i, b, v->funnel->dots[k].practice))
			v->dots[v->ndots++] = &v->funnel->dots[k];
}

int hg_results_analysis(const hg_results *r, const hg_user *u, const char *id, const char *period,
                        hg_an_view *v, hg_err *err)
{
	memset(v, 0, sizeof *v);
	if (u->role == HG_ROLE_NONE)
		return hg_err_set(err, HG_Q_FORBIDDEN, "no role");
	v->i = hg_results_find(r, id);
	if (v->i < 0)
		return hg_err_set(err, HG_Q_NOTFOUND, "no indicator '%s'", id ? id : "");
	int rc = hg_results_periods(r->pub.inds[v->i], period, &v->j0, &v->j1, err);
	if (rc != HG_Q_OK)
		return rc;
	v->polarity = hg_objectives_polarity(r->obj, r->pub.inds[v->i]->id);
	an_measures(r, u, v);
	an_monitor(r, u, v);
	an_funnel(r, u, v);
	return HG_Q_OK;
}

void hg_an_view_free(hg_an_view *v)
{
	free(v->ineq);
	free(v->mon);
	free(v->dots);
	memset(v, 0, sizeof *v);
}

const hg_ineq_row *hg_an_find(const hg_an_view *v, const char *measure, const char *bd,
                              const char *cat)
{
	for (size_t k = 0; k < v->nineq; k++) {
		const hg_ineq_row *x = v->ineq[k];
		if (!strcmp(x->measure, measure) && (!bd || !strcmp(x->breakdown, bd)) &&
		    (!cat || !strcmp(x->category, cat)))
			return x;
	}
	return NULL;
}

const hg_mon_row *const *hg_an_series(const hg_an_view *v, const char *name, size_t *n)
{
	*n = 0;
	size_t k = 0;
	while (k < v->nmon && strcmp(v->mon[k]->series, name))
		k++;
	while (k + *n < v->nmon && !strcmp(v->mon[k + *n]->series, name))
		(*n)++;
	return *n ? v->mon + k : NULL;
}
