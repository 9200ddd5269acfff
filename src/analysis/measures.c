/*
 * inequality.c: inequality measures of every indicator and period, from the
 * published rows only (docs/methods.md, "Inequality analysis"):
 *   sii, rii       over IMD deciles and quintiles (stats/sii.h, PHE phe_sii);
 *                  NA with a note unless every quantile is published;
 *   gap_abs/rel    most vs least deprived quintile (Q1 - Q5, Q1 / Q5) with
 *                  MOVER limits (Newcombe 1998; Zou & Donner 2008);
 *   vs_all         each category against the whole population: better,
 *                  similar or worse as Fingertips compares (the category's
 *                  confidence interval against the comparator's value);
 *   gap_to_best,   each ethnic group / PLUS flag group against the best-off
 *   ratio_to_best  group (largest group when the polarity is neutral);
 *   people_to_close_gap, people_to_target
 *                  extra people who would need to meet the numerator;
 *   funnel         practices on a funnel plot (latest period), outliers named.
 * Every row carries the data quality of its indicator and period.
 */
#include "analysis/analysis_int.h"

#include "stats/sii.h"
#include "stats/stats.h"
#include "store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hg_ictx {
	hg_analysis *a;
	const hg_rowindex *ix;
	const hg_analysis_opts *o;
	const hg_indicator *ind;
	const hg_objective *ob;
	int i, j, pol;
	double dq_eth, dq_imd;
} hg_ictx;

static hg_ineq_row *irow(const hg_ictx *c, const char *bd, const char *measure, const char *cat,
                         const char *ref)
{
	hg_ineq_row *r = hg_ineq_push(c->a);
	r->ind = c->i;
	r->period = c->j;
	snprintf(r->breakdown, sizeof r->breakdown, "%s", bd);
	snprintf(r->measure, sizeof r->measure, "%s", measure);
	snprintf(r->category, sizeof r->category, "%s", cat ? cat : "");
	snprintf(r->reference, sizeof r->reference, "%s", ref ? ref : "");
	r->pct_eth_not_stated = c->dq_eth;
	r->pct_imd_unknown = c->dq_imd;
	return r;
}

static int row_ok(const hg_row *r)
{
	return r && !r->suppressed && isfinite(r->value);
}

static int row_cls(const hg_row *r)
{
	return row_ok(r) && isfinite(r->lo95) && isfinite(r->hi95) && isfinite(r->lo998) &&
	       isfinite(r->hi998);
}

/* ---- differences and ratios of independent estimates (MOVER) ---- */

static void mover_diff(double v1, double l1, double u1, double v2, double l2, double u2, double *lo,
                       double *hi)
{
	double d = v1 - v2;
	*lo = d - sqrt((v1 - l1) * (v1 - l1) + (u2 - v2) * (u2 - v2));
	*hi = d + sqrt((u1 - v1) * (u1 - v1) + (v2 - l2) * (v2 - l2));
}

static double logp(double v)
{
	return v > 0 ? log(v) : -INFINITY;
}

static void mover_ratio(double v1, double l1, double u1, double v2, double l2, double u2,
                        double *lo, double *hi)
{
	double a = logp(v1), b = logp(v2);
	double dl1 = a - logp(l1), du1 = logp(u1) - a;
	double dl2 = b - logp(l2), du2 = logp(u2) - b;
	*lo = isfinite(dl1) && isfinite(du2) ? exp(a - b - sqrt(dl1 * dl1 + du2 * du2)) : 0;
	*hi = isfinite(du1) && isfinite(dl2) ? exp(a - b + sqrt(du1 * du1 + dl2 * dl2)) : INFINITY;
}

/* Fill a row with r1 - r2 (abs) or r1 / r2 (rel) and both levels of limits. */
static void contrast(hg_ineq_row *o, const hg_row *r1, const hg_row *r2, int rel)
{
	if (rel) {
		if (!(r2->value > 0)) {
			snprintf(o->note, sizeof o->note,
			         "ratio not defined: reference value is 0");
			return;
		}
		o->value = r1->value / r2->value;
		mover_ratio(r1->value, r1->lo95, r1->hi95, r2->value, r2->lo95, r2->hi95, &o->lo95,
		            &o->hi95);
		mover_ratio(r1->value, r1->lo998, r1->hi998, r2->value, r2->lo998, r2->hi998,
		            &o->lo998, &o->hi998);
		return;
	}
	o->value = r1->value - r2->value;
	mover_diff(r1->value, r1->lo95, r1->hi95, r2->value, r2->lo95, r2->hi95, &o->lo95,
	           &o->hi95);
	mover_diff(r1->value, r1->lo998, r1->hi998, r2->value, r2->lo998, r2->hi998, &o->lo998,
	           &o->hi998);
}

/* "better"/"worse" for a value that is higher (dir 1) or lower (-1) than the comparator. */
static const char *judge(int dir, int pol)
{
	if (dir == 0)
		return "similar";
	if (pol == 0)
		return dir > 0 ? "higher" : "lower";
	return dir * pol > 0 ? "better" : "worse";
}

static int ci_dir(double lo, double hi, double ref)
{
	return lo > ref ? 1 : hi < ref ? -1 : 0;
}

/* ---- SII and RII ---- */

typedef struct hg_sii_data {
	double pop[10], val[10], lo[10], hi[10];
	size_t q;
	int vt, transform;
	double mult;
} hg_sii_data;

/* Values on the scale phe_sii expects; transform when every value and limit allows it. */
static void sii_scale(const hg_indicator *ind, hg_sii_data *d)
{
	d->vt = HG_SII_NORMAL;
	d->mult = 1;
	int prop = ind->type == HG_IND_PROPORTION;
	int rate = ind->type == HG_IND_RATE || ind->type == HG_IND_DSR;
	if (prop) {
		for (size_t k = 0; k < d->q; k++) {
			d->val[k] /= ind->per;
			d->lo[k] /= ind->per;
			d->hi[k] /= ind->per;
		}
		d->mult = ind->per;
	}
	int ok = prop || rate;
	for (size_t k = 0; ok && k < d->q; k++)
		ok = d->lo[k] > 0 && (!prop || d->hi[k] < 1);
	if (ok) {
		d->vt = prop ? HG_SII_PROPORTION : HG_SII_RATE;
		d->transform = 1;
	}
}

static uint64_t sii_seed(const hg_ictx *c, int b)
{
	uint64_t h = hg_hash_bytes(c->ind->id, strlen(c->ind->id));
	return c->o->seed ^ h ^ ((uint64_t)c->j << 20) ^ ((uint64_t)b << 40);
}

static int sii_collect(const hg_ictx *c, int b, hg_sii_data *d, char *why, size_t wn)
{
	const hg_row *rows;
	size_t n = hg_rowindex_group(c->ix, c->i, c->j, b, &rows);
	d->q = c->ind->bds[b].kind[0] == HG_BD_IMDD ? 10 : 5;
	for (size_t k = 0; k < d->q; k++) {
		const hg_row *r = hg_group_cat(rows, n, (int)k);
		if (!r || r->suppressed) {
			snprintf(why, wn,
			         "not computed: %s %zu is suppressed (SII needs every quantile)",
			         d->q == 10 ? "decile" : "quintile", k + 1);
			return 1;
		}
		if (!row_cls(r) || !(r->den > 0)) {
			snprintf(why, wn, "not computed: %s %zu has no value or limits",
			         d->q == 10 ? "decile" : "quintile", k + 1);
			return 1;
		}
		d->pop[k] = r->den;
		d->val[k] = r->value;
		d->lo[k] = r->lo95;
		d->hi[k] = r->hi95;
	}
	sii_scale(c->ind, d);
	return 0;
}

static int sii_compute(const hg_ictx *c, int b, const hg_sii_data *d, hg_sii_result *res,
                       hg_err *err)
{
	hg_sii_opts so;
	hg_sii_opts_init(&so);
	so.value_type = d->vt;
	so.transform = d->transform;
	so.multiplier = d->mult;
	so.repetitions = c->o->sii_reps;
	so.conf[0] = 0.95;
	so.conf[1] = 0.998;
	so.nconf = 2;
	so.rii = 1;
	so.seed = sii_seed(c, b);
	for (size_t k = 0; k < d->q; k++)
		if (hg_sii_check_row(&so, d->pop[k], d->val[k], 1, NAN, 0, d->lo[k], d->hi[k], err))
			return 1;
	hg_sii_input in = {d->q, d->pop, d->val, NULL, d->lo, d->hi};
	return hg_sii(&in, &so, res, err);
}

static void ineq_sii(const hg_ictx *c, int b)
{
	const char *bd = c->ind->bds[b].name;
	hg_ineq_row *s = irow(c, bd, "sii", "", "least vs most deprived");
	hg_ineq_row *rr = irow(c, bd, "rii", "", "least / most deprived");
	s = &c->a->ineq[c->a->nineq - 2];
	if (c->ind->type == HG_IND_COUNT) {
		snprintf(s->note, sizeof s->note, "not computed for counts");
		snprintf(rr->note, sizeof rr->note, "not computed for counts");
		return;
	}
	hg_sii_data d = {0};
	hg_sii_result res;
	hg_err err = {0};
	if (sii_collect(c, b, &d, s->note, sizeof s->note) == 0 &&
	    sii_compute(c, b, &d, &res, &err) != 0)
		snprintf(s->note, sizeof s->note, "not computed: %s", err.msg);
	if (s->note[0]) {
		snprintf(rr->note, sizeof rr->note, "%s", s->note);
		return;
	}
	s->value = res.sii;
	s->lo95 = res.sii_lower[0], s->hi95 = res.sii_upper[0];
	s->lo998 = res.sii_lower[1], s->hi998 = res.sii_upper[1];
	rr->value = res.rii;
	rr->lo95 = res.rii_lower[0], rr->hi95 = res.rii_upper[0];
	rr->lo998 = res.rii_lower[1], rr->hi998 = res.rii_upper[1];
	snprintf(s->note, sizeof s->note, "%s; %ld simulations",
	         d.transform ? (d.vt == HG_SII_RATE ? "log-transformed" : "logit-transformed")
	                     : "untransformed",
	         c->o->sii_reps);
	snprintf(rr->note, sizeof rr->note, "%s", s->note);
	s->comparison[0] = 0;
	int dir = ci_dir(s->lo95, s->hi95, 0);
	snprintf(s->comparison, sizeof s->comparison, "%s",
	         dir == 0  ? "no_gradient"
	         : dir > 0 ? "rises_with_affluence"
	                   : "falls_with_affluence");
}

/* ---- people needed ---- */

/* Extra people (events) in a group of size den to move value to ref; NaN when undefined. */
static double people_needed(const hg_ictx *c, double value, double ref, double den, char *note,
                            size_t nn)
{
	int t = c->ind->type;
	if (c->pol == 0) {
		snprintf(note, nn, "not defined: the indicator's polarity is neutral");
		return NAN;
	}
	if (t != HG_IND_PROPORTION && t != HG_IND_RATE && t != HG_IND_DSR) {
		snprintf(note, nn, "not defined for this value type");
		return NAN;
	}
	if (!isfinite(value) || !isfinite(ref) || !(den > 0))
		return NAN;
	double gap = (ref - value) * c->pol; /* > 0: the group is worse off */
	if (gap <= 0) {
		snprintf(note, nn, "already at or better than the reference");
		return 0;
	}
	double people = ceil(gap / c->ind->per * den - 1e-9);
	if (t == HG_IND_DSR)
		snprintf(note, nn, "approximate: standardised rate difference x population");
	if (c->pol < 0 && !note[0])
		snprintf(note, nn, "fewer people meeting the numerator (lower is better)");
	return c->a->sdc_k > 0 ? hg_sdc_round5(people) : people;
}

static void people_row(const hg_ictx *c, const char *bd, const char *measure, const hg_row *r,
                       const char *refname, double ref)
{
	hg_ineq_row *o = irow(c, bd, measure, r->category, refname);
	if (!row_ok(r)) {
		snprintf(o->note, sizeof o->note, "not computed: the group is suppressed");
		return;
	}
	o->value = people_needed(c, r->value, ref, r->den, o->note, sizeof o->note);
}

/* ---- Q1 vs Q5 ---- */

static void ineq_gap(const hg_ictx *c)
{
	int b = hg_bd_find(c->ind, HG_BD_IMDQ), nq = 5;
	if (b < 0) {
		b = hg_bd_find(c->ind, HG_BD_IMDD);
		nq = 10;
	}
	if (b < 0)
		return;
	const hg_row *rows;
	size_t n = hg_rowindex_group(c->ix, c->i, c->j, b, &rows);
	const hg_row *r1 = hg_group_cat(rows, n, 0), *r5 = hg_group_cat(rows, n, nq - 1);
	const char *bd = c->ind->bds[b].name;
	char ref[16];
	snprintf(ref, sizeof ref, "%d", nq);
	hg_ineq_row *ga = irow(c, bd, "gap_abs", "1", ref);
	hg_ineq_row *gr = irow(c, bd, "gap_rel", "1", ref);
	ga = &c->a->ineq[c->a->nineq - 2];
	if (!row_cls(r1) || !row_cls(r5)) {
		const char *m = "not computed: the most or least deprived group is suppressed";
		snprintf(ga->note, sizeof ga->note, "%s", m);
		snprintf(gr->note, sizeof gr->note, "%s", m);
		irow(c, bd, "people_to_close_gap", "1", ref);
		snprintf(c->a->ineq[c->a->nineq - 1].note, HG_NOTE_MAX, "%s", m);
		return;
	}
	contrast(ga, r1, r5, 0);
	contrast(gr, r1, r5, 1);
	snprintf(ga->comparison, sizeof ga->comparison, "%s",
	         judge(ci_dir(ga->lo95, ga->hi95, 0), c->pol));
	snprintf(gr->comparison, sizeof gr->comparison, "%s", ga->comparison);
	people_row(c, bd, "people_to_close_gap", r1, ref, r5->value);
}

/* ---- every category against the whole population ---- */

static void ineq_vs_all(const hg_ictx *c, int b, const hg_row *all)
{
	const hg_row *rows;
	size_t n = hg_rowindex_group(c->ix, c->i, c->j, b, &rows);
	for (size_t k = 0; k < n; k++) {
		const hg_row *r = &rows[k];
		hg_ineq_row *o = irow(c, c->ind->bds[b].name, "vs_all", r->category, "All");
		if (!row_ok(r) || !row_ok(all)) {
			snprintf(o->comparison, sizeof o->comparison, "not_compared");
			snprintf(o->note, sizeof o->note, "%s",
			         r->suppressed ? "suppressed" : "no value");
			continue;
		}
		o->value = r->value;
		o->lo95 = r->lo95, o->hi95 = r->hi95, o->lo998 = r->lo998, o->hi998 = r->hi998;
		if (!isfinite(r->lo95)) {
			snprintf(o->comparison, sizeof o->comparison, "not_compared");
			snprintf(o->note, sizeof o->note, "no confidence interval");
			continue;
		}
		snprintf(o->comparison, sizeof o->comparison, "%s",
		         judge(ci_dir(r->lo95, r->hi95, all->value), c->pol));
		snprintf(o->note, sizeof o->note, "99.8%%: %s",
		         judge(ci_dir(r->lo998, r->hi998, all->value), c->pol));
	}
}

/* ---- gaps to the best-off group (ethnicity, PLUS flags) ---- */

/* Is a category of a breakdown's one dimension no group to compare (ethnicity not stated
 * or not known)? */
static int not_a_group(const hg_breakdown *bd, int cat)
{
	if (bd->kind[0] == HG_BD_ETH)
		return cat == HG_ETH_NOT_STATED;
	if (bd->kind[0] == HG_BD_ETHD)
		return cat == HG_ETHD_NOT_STATED || cat == HG_ETHD_NOT_KNOWN;
	return 0;
}

static const hg_row *hg_best(const hg_ictx *c, const hg_row *rows, size_t n, const hg_breakdown *bd)
{
	const hg_row *best = NULL;
	for (size_t k = 0; k < n; k++) {
		const hg_row *r = &rows[k];
		if (not_a_group(bd, r->cat) || !row_cls(r))
			continue;
		if (!best)
			best = r;
		else if (c->pol == 0 ? r->den > best->den : (r->value - best->value) * c->pol > 0)
			best = r;
	}
	return best;
}

static void ineq_to_best(const hg_ictx *c, int b)
{
	const hg_breakdown *bd = &c->ind->bds[b];
	const hg_row *rows;
	size_t n = hg_rowindex_group(c->ix, c->i, c->j, b, &rows);
	const hg_row *best = hg_best(c, rows, n, bd);
	for (size_t k = 0; k < n; k++) {
		const hg_row *r = &rows[k];
		if (not_a_group(bd, r->cat) || r == best)
			continue;
		const char *ref = best ? best->category : "";
		hg_ineq_row *g = irow(c, bd->name, "gap_to_best", r->category, ref);
		hg_ineq_row *q = irow(c, bd->name, "ratio_to_best", r->category, ref);
		g = &c->a->ineq[c->a->nineq - 2];
		if (!best || !row_cls(r)) {
			snprintf(g->note, sizeof g->note, "not computed: %s",
			         best ? "the group is suppressed" : "no published reference group");
			snprintf(q->note, sizeof q->note, "%s", g->note);
			continue;
		}
		contrast(g, r, best, 0);
		contrast(q, r, best, 1);
		snprintf(g->comparison, sizeof g->comparison, "%s",
		         judge(ci_dir(g->lo95, g->hi95, 0), c->pol));
		snprintf(q->comparison, sizeof q->comparison, "%s", g->comparison);
		if (c->pol == 0)
			snprintf(g->note, sizeof g->note,
			         "reference: the largest group (neutral polarity)");
		people_row(c, bd->name, "people_to_close_gap", r, ref, best->value);
	}
}

/* ---- practices: funnel plot and people needed (latest period) ---- */

static void funnel_opts_for(const hg_indicator *ind, hg_funnel_opts *fo)
{
	memset(fo, 0, sizeof *fo);
	fo->statistic = ind->type == HG_IND_PROPORTION ? HG_FUNNEL_PROPORTION : HG_FUNNEL_RATE;
	fo->rate_type = HG_FUNNEL_CRUDE;
	fo->multiplier = ind->per;
	fo->years = 1;
}

static void make_funnel_dots(const hg_row *rows, size_t n, hg_funnel_chart *f)
{
	f->dots = hg_xcalloc(n + 1, sizeof *f->dots);
	for (size_t k = 0; k < n; k++) {
		const hg_row *r = &rows[k];
		if (!row_ok(r) || !(r->den > 0) || !strcmp(r->category, "Unknown"))
			continue;
		hg_funnel_dot *d = &f->dots[f->ndots++];
		snprintf(d->practice, sizeof d->practice, "%s", r->category);
		d->num = r->num, d->den = r->den, d->value = r->value;
	}
}

static int funnel_run(hg_funnel_chart *f, const hg_funnel_opts *fo, hg_err *err)
{
	size_t n = f->ndots;
	double *num = hg_xmalloc((3 * n + 1) * sizeof *num), *den = num + n, *rate = den + n;
	int *sig = hg_xmalloc((n + 1) * sizeof *sig);
	for (size_t k = 0; k < n; k++)
		num[k] = f->dots[k].num, den[k] = f->dots[k].den, rate[k] = f->dots[k].value;
	hg_funnel_data fd = {n, num, den, rate};
	int rc = hg_funnel_limits(fo, &fd, f->limits, err);
	if (rc == 0)
		rc = hg_funnel_significance(fo, &fd, sig, err);
	for (size_t k = 0; rc == 0 && k < n; k++)
		f->dots[k].sig = sig[k];
	free(num);
	free(sig);
	return rc;
}

static const char *funnel_flag(int sig)
{
	switch (sig) {
	case HG_FUNNEL_HIGH_001:
		return "outlier: above the 99.8% limit";
	case HG_FUNNEL_LOW_001:
		return "outlier: below the 99.8% limit";
	case HG_FUNNEL_HIGH_025:
		return "above the 95% limit";
	case HG_FUNNEL_LOW_025:
		return "below the 95% limit";
	default:
		return "within the limits";
	}
}

static void funnel_rows(const hg_ictx *c, const char *bd, const hg_funnel_chart *f)
{
	for (size_t k = 0; k < f->ndots; k++) {
		const hg_funnel_dot *d = &f->dots[k];
		hg_ineq_row *o = irow(c, bd, "funnel", d->practice, "All practices");
		o->value = d->value;
		const char *nm = hg_funnel_sig_name(d->sig);
		snprintf(o->comparison, sizeof o->comparison, "%s", nm ? nm : "");
		int hi = d->sig == HG_FUNNEL_HIGH_001 || d->sig == HG_FUNNEL_HIGH_025;
		int lo = d->sig == HG_FUNNEL_LOW_001 || d->sig == HG_FUNNEL_LOW_025;
		snprintf(o->note, sizeof o->note, "%s%s", funnel_flag(d->sig),
		         hi || lo ? (c->pol == 0                  ? ""
		                     : (hi ? 1 : -1) * c->pol > 0 ? " (better)"
		                                                  : " (worse)")
		                  : "");
	}
}

static void ineq_funnel(const hg_ictx *c, int b)
{
	int t = c->ind->type;
	if (t != HG_IND_PROPORTION && t != HG_IND_RATE)
		return;
	const hg_row *rows;
	size_t n = hg_rowindex_group(c->ix, c->i, c->j, b, &rows);
	hg_funnel_chart f = {.ind = c->i, .period = c->j, .multiplier = c->ind->per};
	make_funnel_dots(rows, n, &f);
	hg_funnel_opts fo;
	funnel_opts_for(c->ind, &fo);
	f.statistic = fo.statistic;
	hg_err err = {0};
	if (f.ndots < 2 || funnel_run(&f, &fo, &err) != 0) {
		hg_ineq_row *o = irow(c, c->ind->bds[b].name, "funnel", "", "All practices");
		snprintf(o->note, sizeof o->note, "not computed: %s",
		         f.ndots < 2 ? "fewer than 2 published practices" : err.msg);
		free(f.dots);
		return;
	}
	funnel_rows(c, c->ind->bds[b].name, &f);
	hg_analysis *a = c->a;
	HG_GROW(a->funnels, a->nfunnels, a->capfunnels);
	a->funnels[a->nfunnels++] = f;
}

static void ineq_practices(const hg_ictx *c, const hg_row *q5)
{
	int b = hg_bd_find(c->ind, HG_BD_PRACTICE);
	if (b < 0)
		return;
	ineq_funnel(c, b);
	const hg_row *rows;
	size_t n = hg_rowindex_group(c->ix, c->i, c->j, b, &rows);
	const char *bd = c->ind->bds[b].name;
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(rows[k].category, "Unknown"))
			continue;
		if (c->ob && isfinite(c->ob->target_value))
			people_row(c, bd, "people_to_target", &rows[k], "target",
			           c->ob->target_value);
		if (row_ok(q5))
			people_row(c, bd, "people_to_close_gap", &rows[k], "imd_quintile 5",
			           q5->value);
	}
}

/* ---- one indicator and period ---- */

static const hg_row *hg_q5(const hg_ictx *c)
{
	int b = hg_bd_find(c->ind, HG_BD_IMDQ);
	if (b < 0)
		return NULL;
	const hg_row *rows;
	size_t n = hg_rowindex_group(c->ix, c->i, c->j, b, &rows);
	return hg_group_cat(rows, n, 4);
}

static void ineq_target(const hg_ictx *c, const hg_row *all)
{
	if (!c->ob || !isfinite(c->ob->target_value) || !all)
		return;
	people_row(c, "All", "people_to_target", all, "target", c->ob->target_value);
}

static void ineq_period(hg_ictx *c)
{
	const hg_indicator *ind = c->ind;
	hg_dq(c->ix, c->i, c->j, &c->dq_eth, &c->dq_imd);
	const hg_row *all;
	hg_rowindex_group(c->ix, c->i, c->j, 0, &all);
	for (int b = 1; b < ind->nbds; b++) {
		const hg_breakdown *bd = &ind->bds[b];
		if (bd->n == 1 && (bd->kind[0] == HG_BD_IMDD || bd->kind[0] == HG_BD_IMDQ))
			ineq_sii(c, b);
	}
	ineq_gap(c);
	ineq_target(c, all);
	/* A count's groups are parts of the whole population's count, and their counts differ by
	   the groups' sizes: comparing one with the whole (always lower) or with the largest group
	   says nothing about inequality, so counts get neither (as no SII: ineq_sii). */
	for (int b = 1; b < ind->nbds && ind->type != HG_IND_COUNT; b++) {
		const hg_breakdown *bd = &ind->bds[b];
		int prac =
		    bd->kind[0] == HG_BD_PRACTICE || (bd->n > 1 && bd->kind[1] == HG_BD_PRACTICE);
		if (!prac)
			ineq_vs_all(c, b, all);
		if (bd->n == 1 && (bd->kind[0] == HG_BD_ETH || bd->kind[0] == HG_BD_ETHD ||
		                   bd->kind[0] == HG_BD_FLAG))
			ineq_to_best(c, b);
	}
	if (c->j == ind->nperiods - 1)
		ineq_practices(c, hg_q5(c));
}

int hg_ineq_build(const hg_rowindex *ix, const hg_analysis_opts *o, hg_analysis *a, hg_err *err)
{
	(void)err;
	for (int i = 0; i < ix->ninds; i++) {
		const hg_indicator *ind = ix->inds[i];
		hg_ictx c = {.a = a, .ix = ix, .o = o, .ind = ind, .i = i};
		c.ob = hg_objectives_find(o->obj, ind->id);
		c.pol = hg_objectives_polarity(o->obj, ind->id);
		for (int j = 0; j < ind->nperiods; j++) {
			c.j = j;
			ineq_period(&c);
		}
	}
	return 0;
}
