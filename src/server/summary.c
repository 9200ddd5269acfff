/*
 * summary.c: indicator headlines from disclosure-controlled rows only.
 */
#include "server/summary.h"

#include "report/labels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *hg_trend_name(int t)
{
	static const char *const names[] = {"not enough data", "increasing", "decreasing",
	                                    "no significant change"};
	return t >= 0 && t <= 3 ? names[t] : names[0];
}

const char *hg_trend_words(int t, int polarity, int *judge)
{
	static const char *const words[][3] = {
	    {"Not enough data", "Not enough data", "Not enough data"},
	    {"Increasing (worse)", "Increasing", "Increasing (better)"},
	    {"Decreasing (worse)", "Decreasing", "Decreasing (better)"},
	    {"No significant change", "No significant change", "No significant change"}};
	int sign = t == HG_TREND_UP ? 1 : t == HG_TREND_DOWN ? -1 : 0;
	*judge = hg_label_judge(sign, polarity);
	return words[t >= 0 && t <= 3 ? t : 0][*judge + 1];
}

static const hg_pub_row *find_cat(const hg_pub_rows *p, const char *cat)
{
	for (size_t k = 0; k < p->n; k++)
		if (!strcmp(p->rows[k].category, cat) && !p->rows[k].suppressed)
			return &p->rows[k];
	return NULL;
}

static int query_rows(const hg_results *r, const hg_user *u, const char *id, const char *bd,
                      const char *period, hg_pub_rows *out)
{
	hg_query_spec q = {id, bd, period};
	hg_err err = {0};
	return hg_results_query(r, u, &q, out, &err);
}

/* Headline series: the rows of category cat of breakdown bd (the area's "all", a practice
 * user's own practice, a place). */
static void sum_headline(const hg_results *r, const hg_user *u, const char *bd, const char *cat,
                         hg_ind_summary *s)
{
	hg_pub_rows p;
	if (query_rows(r, u, s->ind->id, bd, "all", &p) != HG_Q_OK)
		return;
	const hg_pub_row *last = NULL, *prev = NULL;
	for (size_t k = 0; k < p.n; k++) {
		if (strcmp(p.rows[k].category, cat))
			continue;
		prev = last;
		last = &p.rows[k];
	}
	if (last)
		snprintf(s->period_end, sizeof s->period_end, "%s", last->period_end);
	if (last && !last->suppressed) {
		s->value = last->value;
		s->lo95 = last->lo95;
		s->hi95 = last->hi95;
		s->den = last->den;
	}
	if (last && prev && !last->suppressed && !prev->suppressed && !isnan(last->lo95) &&
	    !isnan(prev->lo95))
		s->trend = last->lo95 > prev->hi95   ? HG_TREND_UP
		           : last->hi95 < prev->lo95 ? HG_TREND_DOWN
		                                     : HG_TREND_SAME;
	hg_pub_rows_free(&p);
}

static double share(const hg_pub_rows *p, const char *cat, double den)
{
	const hg_pub_row *x = find_cat(p, cat);
	return x && den > 0 && !isnan(x->den) ? 100.0 * x->den / den : NAN;
}

int hg_series_icons(const hg_mon_row *const *rows, size_t n, int *var, int *ass)
{
	*var = *ass = -1;
	if (!n || !isfinite(rows[n - 1]->mean))
		return 0;
	*var = rows[n - 1]->variation;
	*ass = isfinite(rows[n - 1]->target) ? rows[n - 1]->assurance : HG_SPC_ASSURE_NONE;
	return 1;
}

int hg_series_too_few(const hg_mon_row *const *rows, size_t n)
{
	return n && rows[n - 1]->too_few;
}

/* Icons of the value series and of the SII (else gap) series the user may see. */
static void sum_icons(const hg_results *r, const hg_user *u, hg_ind_summary *s)
{
	hg_an_view v;
	hg_err err = {0};
	s->var = s->ass = s->gap_var = s->gap_ass = -1;
	if (hg_results_analysis(r, u, s->ind->id, "latest", &v, &err) != HG_Q_OK)
		return;
	size_t n;
	const hg_mon_row *const *rows = hg_an_series(&v, "value", &n);
	hg_series_icons(rows, n, &s->var, &s->ass);
	s->too_few = hg_series_too_few(rows, n);
	const char *names[2] = {"sii", "gap_abs"};
	int seen = 0, few = 0;
	for (int k = 0; k < 2 && !s->gap_series; k++) {
		rows = hg_an_series(&v, names[k], &n);
		seen += rows != NULL;
		few += hg_series_too_few(rows, n);
		if (hg_series_icons(rows, n, &s->gap_var, &s->gap_ass))
			s->gap_series = names[k];
	}
	s->gap_too_few = !s->gap_series && seen && few == seen;
	hg_an_view_free(&v);
}

void hg_summarise(const hg_results *r, const hg_user *u, int i, hg_ind_summary *s)
{
	memset(s, 0, sizeof *s);
	s->ind = r->pr->inds[i].ind;
	s->nperiods = s->ind->nperiods;
	hg_value_type(s->ind, s->value_type, sizeof s->value_type);
	s->polarity = hg_objectives_polarity(r->obj, s->ind->id);
	s->value = s->lo95 = s->hi95 = s->den = s->q1 = s->q5 = s->gap = NAN;
	s->imd_unknown_pct = s->eth_not_stated_pct = NAN;
	int prac = u->role == HG_ROLE_PRACTICE;
	snprintf(s->scope, sizeof s->scope, "%s", prac ? u->practice : "area");
	sum_headline(r, u, prac ? "practice" : "all", prac ? u->practice : "All", s);
	sum_icons(r, u, s);
	hg_pub_rows p;
	if (query_rows(r, u, s->ind->id, "imd_quintile", "latest", &p) == HG_Q_OK) {
		const hg_pub_row *a = find_cat(&p, "1"), *b = find_cat(&p, "5");
		s->q1 = a ? a->value : NAN;
		s->q5 = b ? b->value : NAN;
		s->gap = s->q1 - s->q5;
		s->imd_unknown_pct = share(&p, "Unknown", s->den);
		hg_pub_rows_free(&p);
	}
	if (query_rows(r, u, s->ind->id, "ethnicity", "latest", &p) == HG_Q_OK) {
		s->eth_not_stated_pct = share(&p, "Not stated", s->den);
		hg_pub_rows_free(&p);
	}
}

void hg_summarise_place(const hg_results *r, const hg_user *u, int i, const char *kind,
                        const char *cat, hg_ind_summary *s)
{
	memset(s, 0, sizeof *s);
	s->ind = r->pr->inds[i].ind;
	s->nperiods = s->ind->nperiods;
	hg_value_type(s->ind, s->value_type, sizeof s->value_type);
	s->polarity = hg_objectives_polarity(r->obj, s->ind->id);
	s->value = s->lo95 = s->hi95 = s->den = s->q1 = s->q5 = s->gap = NAN;
	s->imd_unknown_pct = s->eth_not_stated_pct = NAN;
	s->var = s->ass = s->gap_var = s->gap_ass = -1;
	snprintf(s->scope, sizeof s->scope, "place");
	sum_headline(r, u, kind, cat, s);
	char bd[64], c[200];
	hg_pub_rows p;
	snprintf(bd, sizeof bd, "%s x imd_quintile", kind);
	if (query_rows(r, u, s->ind->id, bd, "latest", &p) == HG_Q_OK) {
		snprintf(c, sizeof c, "%s / 1", cat);
		const hg_pub_row *a = find_cat(&p, c);
		snprintf(c, sizeof c, "%s / 5", cat);
		const hg_pub_row *b = find_cat(&p, c);
		s->q1 = a ? a->value : NAN;
		s->q5 = b ? b->value : NAN;
		s->gap = s->q1 - s->q5;
		snprintf(c, sizeof c, "%s / Unknown", cat);
		s->imd_unknown_pct = share(&p, c, s->den);
		hg_pub_rows_free(&p);
	}
	snprintf(bd, sizeof bd, "%s x ethnicity", kind);
	if (query_rows(r, u, s->ind->id, bd, "latest", &p) == HG_Q_OK) {
		snprintf(c, sizeof c, "%s / Not stated", cat);
		s->eth_not_stated_pct = share(&p, c, s->den);
		hg_pub_rows_free(&p);
	}
}
