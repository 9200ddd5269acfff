/*
 * test_scenario.c: the scenario module (analysis/scenario.h) against hand
 * calculations. Every intervention of the repository's library
 * (packs/interventions/interventions.csv) at its base values, 1,000 people
 * reached, 5 years: events, deaths, QALYs, NHS costs avoided, intervention
 * cost and ROI from an independent calculation written here (risks as
 * 1 - (1 - r)^(t/T), costs summed event year by event year), plus closed
 * forms where they exist (hypertension 26.25 events per 1,000 as
 * docs/economics.md B1.8; CHWW 1,480 GP visits and ROI 0.15096). The PSA is
 * identical for a seed whatever the threads, and its mean converges to the
 * deterministic result for a model linear in its parameters. Reach rules
 * (close_gap, reach_rate, people) by hand; library and scenario errors.
 */
#include "analysis/analysis.h"
#include "analysis/scenario.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LIB "packs/interventions/interventions.csv"

static void close_rel(double got, double want, double rel, const char *what)
{
	double tol = rel * fmax(fabs(want), 1e-12);
	cr_assert(fabs(got - want) <= tol, "%s: got %.15g, want %.15g", what, got, want);
}

static double par(const hg_library *l, const char *iv, const char *ep, const char *name,
                  double dflt)
{
	const hg_lib_param *p = hg_library_find(l, iv, ep, name);
	return p ? p->dist.value : dflt;
}

typedef struct ref {
	double events, deaths, qalys, avoided, cost;
} ref;

/* The model by hand for `n` people over `years`, straight from the library rows. */
static ref reference(const hg_library *l, const char *iv, double n, int years)
{
	ref o = {0};
	double disc = par(l, "model", "", "discount_rate", 0), resp = par(l, iv, "", "response", 1);
	double eu = par(l, iv, "", "effect_units", 1);
	char eps[8][32];
	int ne = 0;
	for (size_t i = 0; i < l->n; i++) {
		const hg_lib_param *p = &l->v[i];
		if (strcmp(p->intervention, iv) || !p->endpoint[0])
			continue;
		int seen = 0;
		for (int k = 0; k < ne; k++)
			seen |= !strcmp(eps[k], p->endpoint);
		if (!seen)
			snprintf(eps[ne++], 32, "%s", p->endpoint);
	}
	for (int k = 0; k < ne; k++) {
		const char *e = eps[k];
		double risk = par(l, iv, e, "risk", -1), T = par(l, iv, e, "risk_years", 1);
		double rate = par(l, iv, e, "rate", 0), rr = pow(par(l, iv, e, "rr", 1), eu);
		double cf = par(l, iv, e, "case_fatality", 0);
		double c[4] = {par(l, iv, e, "cost_y1", 0), par(l, iv, e, "cost_y2", 0),
		               par(l, iv, e, "cost_y3", 0), par(l, iv, e, "cost_later", 0)};
		double q1 = par(l, iv, e, "qaly_y1", 0), ql = par(l, iv, e, "qaly_later", 0);
		for (int t = 1; t <= years; t++) {
			double base =
			    risk >= 0 ? pow(1 - risk, (t - 1) / T) - pow(1 - risk, t / T) : rate;
			double a = n * resp * base * (1 - rr), dead = a * cf, alive = a - dead;
			o.events += a;
			o.deaths += dead;
			o.avoided += dead * par(l, iv, e, "cost_fatal", 0) / pow(1 + disc, t - 1);
			o.qalys += dead * par(l, iv, e, "qaly_death", 0) / pow(1 + disc, t - 1);
			for (int s = t; s <= years; s++) {
				double d = pow(1 + disc, -(s - 1));
				o.avoided += alive * c[s - t < 3 ? s - t : 3] * d;
				o.qalys += alive * (s == t ? q1 : ql) * d;
			}
		}
	}
	o.avoided += n * resp * par(l, iv, "", "saving_once", 0);
	for (int t = 1; t <= years; t++)
		o.cost += n *
		          ((t == 1 ? par(l, iv, "", "cost_once", 0) : 0) +
		           par(l, iv, "", "cost_annual", 0)) /
		          pow(1 + disc, t - 1);
	return o;
}

static void load_lib(hg_library *l)
{
	hg_err err = {0};
	memset(l, 0, sizeof *l);
	cr_assert_eq(hg_library_load(l, LIB, &err), 0, "%s", err.msg);
}

static void check_intervention(const hg_library *l, const char *id)
{
	hg_intervention iv;
	hg_err err = {0};
	cr_assert_eq(hg_intervention_bind(l, id, NULL, 0, 0.035, &iv, &err), 0, "%s", err.msg);
	hg_econ_person pp;
	hg_econ_per_person(&iv.base, &pp);
	for (int years = 1; years <= 10; years += 4) {
		hg_econ_totals t;
		hg_econ_totals_of(&iv.base, &pp, 1000, years, &t);
		ref o = reference(l, id, 1000, years);
		close_rel(t.events, o.events, 1e-9, id);
		close_rel(t.deaths, o.deaths, 1e-9, id);
		close_rel(t.qalys, o.qalys, 1e-9, id);
		close_rel(t.costs_avoided, o.avoided, 1e-9, id);
		close_rel(t.intervention_cost, o.cost, 1e-9, id);
		close_rel(t.roi, o.avoided / o.cost, 1e-9, id);
		if (o.qalys > 0)
			close_rel(t.icer, (o.cost - o.avoided) / o.qalys, 1e-9, id);
	}
	hg_intervention_free(&iv);
}

Test(scenario, every_intervention_by_hand)
{
	hg_library l;
	load_lib(&l);
	static const char *const ids[] = {"hypertension", "lipids",     "flu_copd",     "flu_65",
	                                  "smoking",      "smi_checks", "cancer_early", "chww"};
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
		check_intervention(&l, ids[i]);
	hg_library_free(&l);
}

/* Closed forms: hypertension as B1.8 (1,000 x (0.045 x 0.27 + 0.05 x 0.17 + 0.02 x 0.28));
 * CHWW 1,000 x 4 x 0.074 x 5 GP visits and ROI 4 x 0.074 x 51 / 100 (both yearly, so the
 * discounting cancels); flu at 65: 1,000 x 0.008 x 0.4 x 5. */
Test(scenario, closed_forms)
{
	hg_library l;
	load_lib(&l);
	hg_err err = {0};
	const char *ids[3] = {"hypertension", "chww", "flu_65"};
	double want[3] = {26.25, 1480, 16};
	for (int i = 0; i < 3; i++) {
		hg_intervention iv;
		cr_assert_eq(hg_intervention_bind(&l, ids[i], NULL, 0, 0.035, &iv, &err), 0);
		hg_econ_person pp;
		hg_econ_totals t;
		hg_econ_per_person(&iv.base, &pp);
		hg_econ_totals_of(&iv.base, &pp, 1000, 5, &t);
		close_rel(t.events, want[i], 1e-9, ids[i]);
		if (i == 1)
			close_rel(t.roi, 4 * 0.074 * 51 / 100.0, 1e-9, "chww roi");
		hg_intervention_free(&iv);
	}
	hg_library_free(&l);
}

/* ---- a small run in memory ---- */

static void fake_data(hg_scn_data *d, int sdc)
{
	hg_scn_data_init(d);
	snprintf(d->indicator, sizeof d->indicator, "HYP");
	snprintf(d->sdc, sizeof d->sdc, "%s", sdc ? "k7" : "none");
	hg_scn_data_type(d, "proportion_percent");
	d->polarity = HG_POL_HIGHER_BETTER;
	double num[5] = {600, 650, 700, 750, 800};
	hg_scn_data_add(d, "all", "All", 3500, 5000, 70, 0, 0, 0);
	for (int q = 0; q < 5; q++) {
		char cat[4];
		snprintf(cat, sizeof cat, "%d", q + 1);
		hg_scn_data_add(d, "imd_quintile", cat, num[q], 1000, num[q] / 10, 0, 0, 0);
	}
	hg_scn_data_add(d, "ethnicity", "Black", 70, 100, 70, 0, 0, 0);
	double pop[5] = {20000, 21000, 19000, 20000, 20000};
	hg_scn_data_offer_pop(d, NULL, "POP", 100000, pop);
}

static void parse_scn(hg_scenario *s, const char *text)
{
	hg_err err = {0};
	cr_assert_eq(hg_scenario_parse(s, "t/x.scn", text, strlen(text), &err), 0, "%s", err.msg);
}

Test(scenario, reach_close_gap_and_rate_by_hand)
{
	hg_scn_data d;
	fake_data(&d, 1);
	hg_scenario s;
	hg_scn_reach r;
	hg_err err = {0};
	/* Q1 60% vs Q5 80% of 1,000: 200 people; half: 100 */
	parse_scn(&s, "intervention: x\nindicator: HYP\nreach: close_gap 50%\n");
	cr_assert_eq(hg_scn_reach_compute(&s, &d, 0.5, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.q[0].moved, 100);
	cr_assert_eq(r.q[0].reached, 200, "reached = moved / share");
	hg_scn_indicator ind;
	hg_scn_indicator_change(&d, &r, &ind);
	cr_assert(ind.computed);
	close_rel(ind.gap_before, -20, 1e-12, "gap before");
	close_rel(ind.gap_after, -10, 1e-12, "gap after");
	cr_assert(ind.sii_after < ind.sii_before, "the SII narrows");
	hg_scn_reach_free(&r);
	/* 80% in Core20 (Q1: 800 - 600 = 200) and quintile 3 (800 - 700 = 100) */
	parse_scn(&s, "intervention: x\nindicator: HYP\nreach: reach_rate 80% groups core20, q3\n");
	cr_assert_eq(hg_scn_reach_compute(&s, &d, 1, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.q[0].moved, 200);
	cr_assert_eq(r.q[2].moved, 100);
	cr_assert_eq(r.reached, 300);
	hg_scn_reach_free(&r);
	/* the same written in the indicator's unit */
	parse_scn(&s, "intervention: x\nindicator: HYP\nreach: reach_rate 80 groups core20\n");
	cr_assert_eq(hg_scn_reach_compute(&s, &d, 1, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.q[0].moved, 200);
	hg_scn_reach_free(&r);
	/* 90 people over quintiles 1 and 2 like their people not at target (400 : 350) */
	parse_scn(&s, "intervention: x\nindicator: HYP\nreach: people 90 quintiles 1, 2\n");
	cr_assert_eq(hg_scn_reach_compute(&s, &d, 1, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.q[0].reached, 48);
	cr_assert_eq(r.q[1].reached, 42);
	hg_scn_reach_free(&r);
	/* an unknown group is an error naming it */
	parse_scn(&s, "intervention: x\nindicator: HYP\nreach: reach_rate 80% groups Martian\n");
	cr_assert_neq(hg_scn_reach_compute(&s, &d, 1, &r, &err), 0);
	cr_assert(strstr(err.msg, "Martian"), "%s", err.msg);
	hg_scn_data_free(&d);
}

static const char lib_text[] =
    "library_version,intervention,endpoint,parameter,value,low,high,distribution,unit,label,"
    "evidence,source,note\n"
    "t1,model,,discount_rate,0.035,,,fixed,,,,s,\n"
    "t1,model,,threshold_low,20000,,,fixed,,,,s,\n"
    "t1,model,,threshold_high,30000,,,fixed,,,,s,\n"
    "t1,model,,k,13000,,,fixed,,,,s,\n"
    "t1,model,,aversion,10.95,,,fixed,,,,s,\n"
    "t1,model,,kolm_alpha,0.15,,,fixed,,,,s,\n"
    "t1,model,,qale_q1,63.20,,,fixed,,,,s,\n"
    "t1,model,,qale_q2,67.68,,,fixed,,,,s,\n"
    "t1,model,,qale_q3,69.99,,,fixed,,,,s,\n"
    "t1,model,,qale_q4,73.18,,,fixed,,,,s,\n"
    "t1,model,,qale_q5,75.07,,,fixed,,,,s,\n"
    "t1,model,,hoc_steep_q1,0.26,,,fixed,,,,s,\n"
    "t1,model,,hoc_steep_q2,0.22,,,fixed,,,,s,\n"
    "t1,model,,hoc_steep_q3,0.22,,,fixed,,,,s,\n"
    "t1,model,,hoc_steep_q4,0.16,,,fixed,,,,s,\n"
    "t1,model,,hoc_steep_q5,0.14,,,fixed,,,,s,\n"
    "t1,model,,hoc_moderate_q1,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_moderate_q2,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_moderate_q3,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_moderate_q4,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_moderate_q5,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_flat_q1,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_flat_q2,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_flat_q3,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_flat_q4,0.2,,,fixed,,,,s,\n"
    "t1,model,,hoc_flat_q5,0.2,,,fixed,,,,s,\n"
    "t1,lin,,response,0.5,0.4,0.6,beta,,,,s,\n"
    "t1,lin,,cost_annual,50,40,60,gamma,,,,s,\n"
    "t1,lin,,indicator_share,0.5,,,fixed,,,,s,\n"
    "t1,lin,visit,rate,2,1.5,2.5,gamma,,Visits,,s,\n"
    "t1,lin,visit,rr,0.8,0.75,0.85,normal,,,,s,\n"
    "t1,lin,visit,cost_y1,100,80,120,normal,,,,s,\n"
    "t1,lin,visit,qaly_y1,0.01,0.008,0.012,normal,,,,s,\n";

static void lin_run(hg_scn_result *r, hg_library *l, hg_scn_data *d, long draws, int threads,
                    uint64_t seed)
{
	hg_err err = {0};
	memset(l, 0, sizeof *l);
	cr_assert_eq(hg_library_parse(l, "lib.csv", lib_text, strlen(lib_text), &err), 0, "%s",
	             err.msg);
	fake_data(d, 0);
	hg_scenario s;
	parse_scn(&s, "intervention: lin\nindicator: HYP\nreach: close_gap 1\n");
	s.draws = draws;
	s.seed = seed;
	cr_assert_eq(hg_scn_run(&s, l, d, threads, r, &err), 0, "%s", err.msg);
}

Test(scenario, psa_deterministic_for_a_seed_and_threads)
{
	hg_scn_result a, b, c;
	hg_library la, lb, lc;
	hg_scn_data da, db, dc;
	lin_run(&a, &la, &da, 2000, 1, 7);
	lin_run(&b, &lb, &db, 2000, 3, 7);
	lin_run(&c, &lc, &dc, 2000, 1, 8);
	size_t n = (size_t)a.draws * (size_t)a.nh * HG_SCN_NMETRIC;
	cr_assert(!memcmp(a.draws_m, b.draws_m, n * sizeof(double)), "threads change the draws");
	cr_assert(memcmp(a.draws_m, c.draws_m, n * sizeof(double)), "the seed changes nothing");
	cr_assert_eq(a.h[1].iv[HG_M_QALYS].lo, b.h[1].iv[HG_M_QALYS].lo);
	hg_scn_result *rs[3] = {&a, &b, &c};
	hg_library *ls[3] = {&la, &lb, &lc};
	hg_scn_data *ds[3] = {&da, &db, &dc};
	for (int i = 0; i < 3; i++) {
		hg_scn_result_free(rs[i]);
		hg_library_free(ls[i]);
		hg_scn_data_free(ds[i]);
	}
}

/* Linear in every parameter, each independent with its value as mean: the PSA mean of
 * events, costs and QALYs tends to the deterministic value (within 4 standard errors). */
Test(scenario, psa_mean_converges)
{
	hg_scn_result r;
	hg_library l;
	hg_scn_data d;
	lin_run(&r, &l, &d, 40000, 2, 3);
	/* close_gap 1 with share 0.5: 200 moved, 400 reached; 5 years */
	cr_assert_eq(r.reach.reached, 400);
	const hg_scn_horizon *h = &r.h[1];
	close_rel(h->det_m[HG_M_EVENTS], 400 * 0.5 * 2 * 0.2 * 5, 1e-12, "events");
	int ks[3] = {HG_M_EVENTS, HG_M_AVOIDED, HG_M_QALYS};
	for (int i = 0; i < 3; i++) {
		int k = ks[i];
		double sum = 0, sum2 = 0;
		for (long j = 0; j < r.draws; j++) {
			double x =
			    r.draws_m[((size_t)j * (size_t)r.nh + 1) * HG_SCN_NMETRIC + (size_t)k];
			sum += x;
			sum2 += x * x;
		}
		double m = sum / (double)r.draws,
		       se = sqrt((sum2 / (double)r.draws - m * m) / (double)r.draws);
		cr_assert(fabs(m - h->det_m[k]) < 4 * se, "%s: mean %g vs %g (se %g)",
		          hg_scn_metric_names[k], m, h->det_m[k], se);
		cr_assert(fabs(m - h->det_m[k]) < 0.01 * h->det_m[k], "%s within 1%%",
		          hg_scn_metric_names[k]);
	}
	/* the DCEA: all QALYs to quintile 1; NHB = QALYs - net cost / k */
	close_rel(h->dcea.nhb_total, h->det.qalys - h->det.net_cost / 13000, 1e-9, "nhb");
	close_rel(h->qalys_q[0], h->det.qalys, 1e-12, "qalys in Q1");
	cr_assert(h->ewq > h->dcea.nhb_total, "pro-poor: equity weighting adds value");
	cr_assert(r.ntornado == 6, "six uncertain parameters, got %zu", r.ntornado);
	hg_scn_result_free(&r);
	hg_library_free(&l);
	hg_scn_data_free(&d);
}

Test(scenario, library_and_file_errors)
{
	hg_library l = {0};
	hg_err err = {0};
	const char *hdr = "library_version,intervention,endpoint,parameter,value,low,high,"
	                  "distribution,unit,label,evidence,source,note\n";
	char text[1024];
	snprintf(text, sizeof text, "%st1,a,stroke,rrr,0.7,,,fixed,,,,s,\n", hdr);
	cr_assert_neq(hg_library_parse(&l, "u.csv", text, strlen(text), &err), 0);
	cr_assert(strstr(err.msg, "u.csv:2") && strstr(err.msg, "did you mean 'rr'"), "%s",
	          err.msg);
	hg_library_free(&l);
	snprintf(text, sizeof text,
	         "%st1,a,stroke,rr,0.7,,,fixed,,,,s,\nt1,a,stroke,rr,0.8,,,fixed,,,,s,\n", hdr);
	cr_assert_neq(hg_library_parse(&l, "d.csv", text, strlen(text), &err), 0);
	cr_assert(strstr(err.msg, "already defined at d.csv:2"), "%s", err.msg);
	hg_library_free(&l);
	snprintf(text, sizeof text, "%st1,a,stroke,rr,0.7,,,fixed,,,,,\n", hdr);
	cr_assert_neq(hg_library_parse(&l, "s.csv", text, strlen(text), &err), 0);
	cr_assert(strstr(err.msg, "no source"), "%s", err.msg);
	hg_library_free(&l);
	snprintf(text, sizeof text, "%st1,a,stroke,risk,1.5,,,fixed,,,,s,\n", hdr);
	cr_assert_neq(hg_library_parse(&l, "p.csv", text, strlen(text), &err), 0);
	cr_assert(strstr(err.msg, "probability"), "%s", err.msg);
	hg_library_free(&l);
	hg_scenario s;
	const char *bad = "intervention: x\nindicator: Y\nreach: close_gap 2\n";
	cr_assert_neq(hg_scenario_parse(&s, "b.scn", bad, strlen(bad), &err), 0);
	cr_assert(strstr(err.msg, "b.scn:3"), "%s", err.msg);
	bad = "intervention: x\nindicator: Y\nreach: people 5\nhorizon: 3\n";
	cr_assert_neq(hg_scenario_parse(&s, "b.scn", bad, strlen(bad), &err), 0);
	cr_assert(strstr(err.msg, "did you mean 'horizons'"), "%s", err.msg);
	bad = "indicator: Y\nreach: people 5\n";
	cr_assert_neq(hg_scenario_parse(&s, "b.scn", bad, strlen(bad), &err), 0);
	cr_assert(strstr(err.msg, "no 'intervention:' line"), "%s", err.msg);
}
