/*
 * scn_reach.c: whom a scenario reaches (scenario.h), from the run's
 * published cells of its indicator:
 *   close_gap F [quintiles ...]  each quintile named (default 1) gains F x the people
 *                                it needs to reach quintile 5's rate:
 *                                (v5 - vq) x polarity / per x den_q, rounded up;
 *   reach_rate V groups ...      every group named reaches V; with the run's IMD x
 *                                ethnicity breakdown, cell by cell (a person in Core20
 *                                and Black is counted once), else group by group;
 *   people N [quintiles ...] [practices ...]   N people, split across the quintiles
 *                                in proportion to the people not yet meeting the
 *                                indicator (the run has no practice x IMD breakdown).
 * People moving the indicator ("moved") are rounded up and, under disclosure
 * control, to a multiple of 5 as `people_to_close_gap` is (docs/methods.md); the
 * people reached are moved / the intervention's indicator_share. Ethnicity is
 * split from the IMD x ethnicity cells where the run has them; suppressed cells
 * are left out and the note says so.
 */
#include "analysis/analysis.h"
#include "analysis/scenario.h"

#include "stats/sii.h"
#include "stats/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const hg_scn_cell *cell(const hg_scn_data *d, const char *bd, const char *cat)
{
	for (size_t i = 0; i < d->ncells; i++)
		if (!strcmp(d->cells[i].bd, bd) && !strcmp(d->cells[i].cat, cat))
			return &d->cells[i];
	return NULL;
}

static const hg_scn_cell *qcell(const hg_scn_data *d, int q)
{
	char cat[4];
	snprintf(cat, sizeof cat, "%d", q + 1);
	return cell(d, "imd_quintile", cat);
}

/* People not yet where the indicator wants them (or, neutral, everyone in it). */
static double eligible_of(const hg_scn_data *d, const hg_scn_cell *c)
{
	if (!c || c->suppressed)
		return NAN;
	return d->polarity > 0 ? c->den - c->num : d->polarity < 0 ? c->num : c->den;
}

static int sdc_on(const hg_scn_data *d)
{
	return strcmp(d->sdc, "none") != 0;
}

/* Whole people, rounded up, then to the nearest 5 (halves up) under disclosure control. */
static double people_round(const hg_scn_data *d, double x)
{
	if (!(x > 0))
		return 0;
	x = ceil(x - 1e-9);
	return sdc_on(d) ? 5 * floor(x / 5 + 0.5) : x;
}

/* Split total (a multiple of unit) over n parts in proportion to w (largest remainder). */
static void apportion(double total, const double *w, size_t n, double unit, double *out)
{
	double s = 0, given = 0;
	for (size_t i = 0; i < n; i++)
		s += w[i] > 0 ? w[i] : 0;
	double *rem = hg_xcalloc(n ? n : 1, sizeof *rem);
	for (size_t i = 0; i < n; i++) {
		double share = s > 0 && w[i] > 0 ? total * w[i] / s / unit : 0;
		out[i] = floor(share) * unit;
		rem[i] = share - floor(share);
		given += out[i];
	}
	while (given + unit / 2 < total && s > 0) {
		size_t best = 0;
		for (size_t i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best] += unit;
		rem[best] = -1;
		given += unit;
	}
	free(rem);
}

/* ---- the ethnicity split, from the IMD x ethnicity cells ---- */

#define XBD "imd_quintile x ethnicity"

static size_t eth_slot(hg_scn_reach *r, const char *eth)
{
	for (size_t i = 0; i < r->neth; i++)
		if (!strcmp(r->eth[i].cat, eth))
			return i;
	r->eth = hg_xrealloc(r->eth, (r->neth + 1) * sizeof *r->eth);
	hg_scn_group *g = &r->eth[r->neth];
	memset(g, 0, sizeof *g);
	snprintf(g->bd, sizeof g->bd, "ethnicity");
	snprintf(g->cat, sizeof g->cat, "%s", eth);
	return r->neth++;
}

static int has_cross(const hg_scn_data *d)
{
	for (size_t i = 0; i < d->ncells; i++)
		if (!strcmp(d->cells[i].bd, XBD))
			return 1;
	return 0;
}

/* The cross cells of quintile q: indexes into d->cells (published ones), and how many
 * were suppressed. */
static size_t cross_cells(const hg_scn_data *d, int q, size_t *idx, size_t max, int *supp)
{
	size_t n = 0;
	char pre[8];
	snprintf(pre, sizeof pre, "%d / ", q + 1);
	for (size_t i = 0; i < d->ncells && n < max; i++)
		if (!strcmp(d->cells[i].bd, XBD) && !strncmp(d->cells[i].cat, pre, strlen(pre))) {
			if (d->cells[i].suppressed)
				(*supp)++;
			else
				idx[n++] = i;
		}
	return n;
}

/* Split each quintile's people across its ethnic groups in proportion to the people
 * eligible in each cell: the people moved, or for `people N` the people reached. */
static void split_eth(const hg_scn_data *d, hg_scn_reach *r, int reached, double share)
{
	int supp = 0;
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		size_t idx[32], n = cross_cells(d, q, idx, 32, &supp);
		double w[32], out[32];
		for (size_t i = 0; i < n; i++)
			w[i] = eligible_of(d, &d->cells[idx[i]]);
		apportion(reached ? r->q[q].reached : r->q[q].moved, w, n,
		          reached || !sdc_on(d) ? 1 : 5, out);
		for (size_t i = 0; i < n; i++) {
			size_t k = eth_slot(r, strstr(d->cells[idx[i]].cat, " / ") + 3);
			hg_scn_group *g = &r->eth[k]; /* after eth_slot, which may move r->eth */
			if (reached) {
				g->reached += out[i];
				g->moved += out[i] * share;
			} else {
				g->moved += out[i];
			}
		}
	}
	snprintf(r->eth_note, sizeof r->eth_note,
	         supp ? "split by the IMD x ethnicity cells of the run; %d suppressed cells are "
	                "left out, so their people are given to the other groups of their quintile"
	              : "split by the IMD x ethnicity cells of the run",
	         supp);
}

static void note_add(hg_scn_reach *r, const char *s)
{
	size_t k = strlen(r->note);
	snprintf(r->note + k, sizeof r->note - k, "%s", s);
}

/* ---- the three ways of reaching people ---- */

static int need_polarity(const hg_scenario *s, const hg_scn_data *d, hg_err *err)
{
	if (d->polarity == HG_POL_NEUTRAL)
		return hg_err_set(
		    err, HG_EINPUT,
		    "%s: indicator %s has no polarity in the run's objectives, so there "
		    "is no gap to close or rate to reach: use 'reach: people N', or give "
		    "it a polarity in objectives.csv",
		    s->path, s->indicator);
	if (d->itype != HG_SCN_PROPORTION)
		return hg_err_set(
		    err, HG_EINPUT,
		    "%s: close_gap and reach_rate count people meeting a condition, so "
		    "they need a proportion; %s is %s: use 'reach: people N'",
		    s->path, s->indicator, d->value_type);
	return 0;
}

static int close_gap(const hg_scenario *s, const hg_scn_data *d, hg_scn_reach *r, hg_err *err)
{
	const hg_scn_cell *c5 = qcell(d, 4);
	if (!c5 || c5->suppressed)
		return hg_err_set(
		    err, HG_EINPUT,
		    "%s: IMD quintile 5 of %s is not published at %s: the gap needs it", s->path,
		    s->indicator, d->period_end);
	int qs[HG_SCN_QUINTILES] = {1}, nq = s->nquint ? s->nquint : 1;
	if (s->nquint)
		memcpy(qs, s->quintile, sizeof qs);
	for (int i = 0; i < nq; i++) {
		const hg_scn_cell *c = qcell(d, qs[i] - 1);
		if (qs[i] == 5)
			return hg_err_set(
			    err, HG_EINPUT,
			    "%s: quintile 5 is the reference: close_gap takes quintiles "
			    "1 to 4",
			    s->path);
		if (!c || c->suppressed)
			return hg_err_set(err, HG_EINPUT,
			                  "%s: IMD quintile %d of %s is suppressed at %s", s->path,
			                  qs[i], s->indicator, d->period_end);
		double need = (c5->value - c->value) * d->polarity / d->per * c->den;
		r->q[qs[i] - 1].moved = people_round(d, s->reach_value * need);
	}
	return 0;
}

typedef struct hg_groupset {
	int q[HG_SCN_QUINTILES], all;
	const char *eth[8];
	int neth;
} hg_groupset;

static int groupset(const hg_scenario *s, const hg_scn_data *d, hg_groupset *g, hg_err *err)
{
	memset(g, 0, sizeof *g);
	for (int i = 0; i < s->ngroups; i++) {
		const char *w = s->groups[i];
		if (!strcmp(w, "core20"))
			g->q[0] = 1;
		else if (w[0] == 'q' && w[1] >= '1' && w[1] <= '5' && !w[2])
			g->q[w[1] - '1'] = 1;
		else if (!strcmp(w, "all"))
			g->all = 1;
		else if (cell(d, "ethnicity", w))
			g->eth[g->neth++] = w;
		else
			return hg_err_set(
			    err, HG_EINPUT,
			    "%s: group '%s' is not core20, q1..q5, all or an ethnic group "
			    "of %s's ethnicity breakdown",
			    s->path, w, s->indicator);
	}
	return 0;
}

static int in_groups(const hg_groupset *g, int q, const char *eth)
{
	if (g->all || g->q[q])
		return 1;
	for (int i = 0; i < g->neth; i++)
		if (!strcmp(g->eth[i], eth))
			return 1;
	return 0;
}

static double to_rate(const hg_scn_data *d, const hg_scn_cell *c, double target)
{
	double need = d->polarity > 0 ? target * c->den - c->num : c->num - target * c->den;
	return need > 0 ? need : 0;
}

/* Cell by cell over IMD x ethnicity: nobody counted twice. */
static int reach_cross(const hg_scn_data *d, const hg_groupset *g, double t, hg_scn_reach *r)
{
	int supp = 0;
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		size_t idx[32], n = cross_cells(d, q, idx, 32, &supp);
		for (size_t i = 0; i < n; i++) {
			const hg_scn_cell *c = &d->cells[idx[i]];
			const char *eth = strstr(c->cat, " / ") + 3;
			if (!in_groups(g, q, eth))
				continue;
			double m = people_round(d, to_rate(d, c, t));
			r->q[q].moved += m;
			size_t k = eth_slot(r, eth); /* first: it may move r->eth */
			r->eth[k].moved += m;
		}
	}
	snprintf(r->eth_note, sizeof r->eth_note,
	         "cell by cell over the run's IMD x ethnicity breakdown");
	if (supp) {
		char msg[160];
		snprintf(msg, sizeof msg,
		         "%d suppressed IMD x ethnicity cells are left out (their people are not "
		         "counted, an underestimate). ",
		         supp);
		note_add(r, msg);
	}
	return 0;
}

/* Group by group, when the run has no IMD x ethnicity breakdown. */
static int reach_groups(const hg_scn_data *d, const hg_groupset *g, double t, hg_scn_reach *r)
{
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		const hg_scn_cell *c = qcell(d, q);
		if ((g->all || g->q[q]) && c && !c->suppressed)
			r->q[q].moved += people_round(d, to_rate(d, c, t));
	}
	for (int i = 0; i < g->neth; i++) { /* over quintiles like the eligible people */
		const hg_scn_cell *c = cell(d, "ethnicity", g->eth[i]);
		double m = c->suppressed ? 0 : people_round(d, to_rate(d, c, t)), w[5], out[5];
		for (int q = 0; q < HG_SCN_QUINTILES; q++)
			w[q] = eligible_of(d, qcell(d, q));
		apportion(m, w, 5, sdc_on(d) ? 5 : 1, out);
		for (int q = 0; q < HG_SCN_QUINTILES; q++)
			r->q[q].moved += out[q];
	}
	if (g->neth && (g->all || g->q[0] || g->q[1] || g->q[2] || g->q[3] || g->q[4]))
		note_add(r, "Without the run's IMD x ethnicity breakdown, people in both a "
		            "deprivation group and an ethnic group named may be counted twice. ");
	if (g->neth)
		note_add(r, "Ethnic groups' people are spread over the quintiles like the "
		            "indicator's eligible people. ");
	snprintf(r->eth_note, sizeof r->eth_note,
	         "not available: the run has no IMD x ethnicity breakdown of this indicator");
	return 0;
}

static int reach_rate(const hg_scenario *s, const hg_scn_data *d, hg_scn_reach *r, hg_err *err)
{
	hg_groupset g;
	if (groupset(s, d, &g, err))
		return 1;
	double t = s->reach_pct ? s->reach_value : s->reach_value / d->per; /* 80% or 80 */
	if (!(t > 0 && t <= 1))
		return hg_err_set(err, HG_EINPUT, "%s: reach_rate %g is not a rate of %s (0 to %g)",
		                  s->path, s->reach_value, s->indicator, d->per);
	return has_cross(d) ? reach_cross(d, &g, t, r) : reach_groups(d, &g, t, r);
}

static int check_practices(const hg_scenario *s, const hg_scn_data *d, hg_err *err)
{
	for (int i = 0; i < s->nprac; i++)
		if (!cell(d, "practice", s->practices[i]))
			return hg_err_set(
			    err, HG_EINPUT,
			    "%s: practice %s has no row for %s in the run (is it a "
			    "practice of the store, and is %s broken down by practice?)",
			    s->path, s->practices[i], s->indicator, s->indicator);
	return 0;
}

/* When the indicator gives no people to weight by (a life expectancy, suppressed cells), the
 * named quintiles' populations, else equal shares. */
static void people_weights(const hg_scenario *s, const hg_scn_data *d, double *w)
{
	double tot = 0;
	for (int q = 0; q < HG_SCN_QUINTILES; q++)
		tot += w[q] > 0 ? w[q] : 0;
	if (tot > 0)
		return;
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		int named = !s->nquint;
		for (int i = 0; i < s->nquint; i++)
			named |= s->quintile[i] == q + 1;
		w[q] = !named ? 0 : d->pop[q] > 0 ? d->pop[q] : 1;
	}
}

static int people(const hg_scenario *s, const hg_scn_data *d, double share, hg_scn_reach *r,
                  hg_err *err)
{
	if (check_practices(s, d, err))
		return 1;
	double w[5], out[5];
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		int named = !s->nquint;
		for (int i = 0; i < s->nquint; i++)
			named |= s->quintile[i] == q + 1;
		w[q] = named ? eligible_of(d, qcell(d, q)) : 0;
	}
	people_weights(s, d, w);
	apportion(s->reach_value, w, 5, 1, out);
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		r->q[q].reached = out[q];
		r->q[q].moved = out[q] * share;
	}
	if (s->nprac)
		note_add(r, "The run has no practice x IMD breakdown: the practices' people are "
		            "spread over the quintiles like the area's eligible people. ");
	return 0;
}

/* ---- words for sentences ---- */

static void join(char *buf, size_t size, const char *const *parts, int n)
{
	buf[0] = 0;
	for (int i = 0; i < n; i++) {
		size_t k = strlen(buf);
		snprintf(buf + k, size - k, "%s%s",
		         i == 0       ? ""
		         : i == n - 1 ? " and "
		                      : ", ",
		         parts[i]);
	}
}

static void who_words(const hg_scenario *s, hg_scn_reach *r)
{
	char parts[40][80];
	const char *p[40] = {0};
	int n = 0;
	if (s->nprac) {
		for (int i = 0; i < s->nprac && n < 40; i++)
			snprintf(parts[n++], 80, "%s", s->practices[i]);
		for (int i = 0; i < n; i++)
			p[i] = parts[i];
		char list[200];
		join(list, sizeof list, p, n);
		snprintf(r->who, sizeof r->who, "in practice%s %s", n > 1 ? "s" : "", list);
		return;
	}
	int nq = s->reach == HG_REACH_CLOSE_GAP && !s->nquint ? 1 : s->nquint;
	for (int i = 0; i < nq; i++) {
		int q = s->nquint ? s->quintile[i] : 1;
		snprintf(parts[n++], 80, q == 1 ? "the most deprived fifth" : "IMD quintile %d", q);
	}
	for (int i = 0; i < s->ngroups && n < 40; i++) {
		const char *g = s->groups[i];
		if (!strcmp(g, "core20") || !strcmp(g, "q1"))
			snprintf(parts[n++], 80, "Core20 (the most deprived fifth)");
		else if (g[0] == 'q' && g[1] && !g[2])
			snprintf(parts[n++], 80, "IMD quintile %c", g[1]);
		else if (!strcmp(g, "all"))
			snprintf(parts[n++], 80, "the whole population");
		else
			snprintf(parts[n++], 80, "%s patients", g);
	}
	for (int i = 0; i < n; i++)
		p[i] = parts[i];
	char list[200];
	join(list, sizeof list, p, n);
	snprintf(r->who, sizeof r->who, n ? "in %s" : "across the area", list);
}

/* ---- the whole ---- */

static void reach_totals(const hg_scn_data *d, double share, hg_scn_reach *r)
{
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		hg_scn_group *g = &r->q[q];
		const hg_scn_cell *c = qcell(d, q);
		snprintf(g->bd, sizeof g->bd, "imd_quintile");
		snprintf(g->cat, sizeof g->cat, "%d", q + 1);
		g->den = c ? c->den : NAN;
		g->num = c ? c->num : NAN;
		g->eligible = eligible_of(d, c);
		if (share > 0 && !(g->reached > 0))
			g->reached = g->moved > 0 ? ceil(g->moved / share - 1e-9) : 0;
		r->reached += g->reached;
		r->moved += g->moved;
	}
	for (size_t i = 0; i < r->neth; i++) {
		hg_scn_group *g = &r->eth[i];
		const hg_scn_cell *c = cell(d, "ethnicity", g->cat);
		g->den = c ? c->den : NAN;
		g->num = c ? c->num : NAN;
		g->eligible = eligible_of(d, c);
		if (!(g->reached > 0))
			g->reached = share > 0 && g->moved > 0 ? ceil(g->moved / share - 1e-9) : 0;
	}
}

int hg_scn_reach_compute(const hg_scenario *s, const hg_scn_data *d, double share, hg_scn_reach *r,
                         hg_err *err)
{
	memset(r, 0, sizeof *r);
	if (s->reach != HG_REACH_PEOPLE && !(share > 0))
		return hg_err_set(err, HG_EINPUT,
		                  "%s: intervention %s does not change indicator %s (its "
		                  "indicator_share is 0), so no gap can be closed with it: use "
		                  "'reach: people N'",
		                  s->path, s->intervention, s->indicator);
	int rc = s->reach == HG_REACH_PEOPLE      ? people(s, d, share, r, err)
	         : need_polarity(s, d, err)       ? 1
	         : s->reach == HG_REACH_CLOSE_GAP ? close_gap(s, d, r, err)
	                                          : reach_rate(s, d, r, err);
	if (rc) {
		hg_scn_reach_free(r);
		return 1;
	}
	if (s->reach != HG_REACH_RATE && has_cross(d))
		split_eth(d, r, s->reach == HG_REACH_PEOPLE, share);
	else if (s->reach != HG_REACH_RATE)
		snprintf(
		    r->eth_note, sizeof r->eth_note,
		    "not available: the run has no IMD x ethnicity breakdown of this indicator");
	reach_totals(d, share, r);
	who_words(s, r);
	if (!(r->reached > 0))
		note_add(r, "Nobody is reached: the groups named already meet the aim. ");
	return 0;
}

void hg_scn_reach_free(hg_scn_reach *r)
{
	free(r->eth);
	r->eth = NULL;
	r->neth = 0;
}

/* ---- the indicator after ---- */

static int ind_sii(const hg_scn_data *d, const double *num, const double *den, double *sii)
{
	double val[5], lo[5], hi[5];
	int transform = 1;
	for (int q = 0; q < 5; q++) {
		val[q] = num[q] / den[q];
		if (hg_wilson(num[q], den[q], 0.95, &lo[q], &hi[q]))
			return 1;
		transform &= lo[q] > 0 && hi[q] < 1;
	}
	hg_sii_opts so;
	hg_sii_opts_init(&so);
	so.value_type = transform ? HG_SII_PROPORTION : HG_SII_NORMAL;
	so.transform = transform;
	so.multiplier = d->per;
	so.repetitions = 1000; /* the point estimate does not depend on the simulation */
	so.conf[0] = 0.95;
	so.nconf = 1;
	hg_sii_input in = {5, den, val, NULL, lo, hi};
	hg_sii_result res;
	hg_err err = {0};
	if (hg_sii(&in, &so, &res, &err))
		return 1;
	*sii = res.sii;
	return 0;
}

void hg_scn_indicator_change(const hg_scn_data *d, const hg_scn_reach *r, hg_scn_indicator *out)
{
	memset(out, 0, sizeof *out);
	if (d->itype != HG_SCN_PROPORTION || d->polarity == HG_POL_NEUTRAL) {
		snprintf(out->note, sizeof out->note,
		         "not computed: the gap and SII change are computed for proportions with a "
		         "polarity (%s is %s, %s)",
		         d->indicator, d->value_type, hg_polarity_name(d->polarity));
		return;
	}
	double num0[5], num1[5], den[5];
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		const hg_scn_cell *c = qcell(d, q);
		if (!c || c->suppressed || !(c->den > 0)) {
			snprintf(out->note, sizeof out->note,
			         "not computed: IMD quintile %d is suppressed or empty", q + 1);
			return;
		}
		num0[q] = c->num;
		den[q] = c->den;
		num1[q] = c->num + d->polarity * r->q[q].moved;
		num1[q] = num1[q] < 0 ? 0 : num1[q] > den[q] ? den[q] : num1[q];
		out->before[q] = num0[q] / den[q] * d->per;
		out->after[q] = num1[q] / den[q] * d->per;
	}
	out->gap_before = out->before[0] - out->before[4];
	out->gap_after = out->after[0] - out->after[4];
	if (ind_sii(d, num0, den, &out->sii_before) || ind_sii(d, num1, den, &out->sii_after)) {
		snprintf(out->note, sizeof out->note,
		         "SII not computed (a quintile at 0 or 100%%)");
		out->sii_before = out->sii_after = NAN;
	}
	out->computed = 1;
}
