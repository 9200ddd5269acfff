/*
 * test_stats_econ.c: the prevention economics model (stats/econ.h), the
 * distributional cost-effectiveness analysis (stats/dcea.h) and the PSA
 * distributions (stats/psa.h) against hand calculations: docs/economics.md's
 * B1.8 event check, discounting and break-even by hand, the DCEA worked
 * example of B3.4 (NHB 740/-220/-220/-160/-140, change in SII -0.0000794,
 * equity-weighted gain +1,211.33 QALYs at aversion 10.95), the baseline
 * figures of B3.3, and fitted distributions' moments.
 */
#include "stats/dcea.h"
#include "stats/econ.h"
#include "stats/psa.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void close_rel(double got, double want, double rel, const char *what)
{
	double tol = rel * fmax(fabs(want), 1e-300);
	cr_assert(fabs(got - want) <= tol, "%s: got %.15g, want %.15g", what, got, want);
}

/* B1.8: 1,000 people, 5-year risks stroke 4.5%, CHD 5.0%, HF 2.0%, 10 mmHg:
 * 1000 x 0.045 x (1 - 0.73) = 12.15 strokes, 8.5 CHD and 5.6 HF events averted. */
Test(stats_econ, b18_events_averted)
{
	hg_econ_params p;
	hg_econ_params_init(&p);
	double risk[3] = {0.045, 0.05, 0.02}, rr[3] = {0.73, 0.83, 0.72};
	for (int i = 0; i < 3; i++) {
		hg_econ_endpoint_init(&p.ep[i]);
		p.ep[i].risk = risk[i];
		p.ep[i].risk_years = 5;
		p.ep[i].rr = rr[i];
	}
	p.nep = 3;
	hg_econ_person pp;
	hg_econ_per_person(&p, &pp);
	double ev[3] = {0};
	for (int t = 0; t < 5; t++)
		for (int i = 0; i < 3; i++)
			ev[i] += pp.y[t].events[i] * 1000;
	close_rel(ev[0], 12.15, 1e-9, "strokes");
	close_rel(ev[1], 8.5, 1e-9, "CHD");
	close_rel(ev[2], 5.6, 1e-9, "HF");
	hg_econ_totals t;
	hg_econ_totals_of(&p, &pp, 1000, 5, &t);
	close_rel(t.events, 26.25, 1e-9, "total");
	/* the first year: 1 - (1 - 0.045)^(1/5) of the 5-year risk */
	close_rel(pp.y[0].events[0] * 1000, 1000 * (1 - pow(0.955, 0.2)) * 0.27, 1e-9, "year 1");
}

/* Scaling by the effect: 20 mmHg is RR^2. */
Test(stats_econ, effect_units_log_linear)
{
	hg_econ_params p;
	hg_econ_params_init(&p);
	hg_econ_endpoint_init(&p.ep[0]);
	p.ep[0].risk = 0.1;
	p.ep[0].risk_years = 5;
	p.ep[0].rr = 0.8;
	p.nep = 1;
	p.effect_units = 2;
	p.response = 0.5;
	hg_econ_person pp;
	hg_econ_per_person(&p, &pp);
	hg_econ_totals t;
	hg_econ_totals_of(&p, &pp, 200, 5, &t);
	close_rel(t.events, 200 * 0.5 * 0.1 * (1 - 0.64), 1e-9, "events");
	close_rel(t.responders, 100, 1e-12, "responders");
}

/* A rate endpoint, costs by year since the event, deaths and discounting by hand:
 * rate 0.2 a year, RR 0.5: 0.1 averted a year per person; 20% fatal.
 * Non-fatal (0.08 a year): 100 in the year, 40 the next, 20 the one after, 10 later;
 * QALYs 0.1 then 0.05 a year. Fatal (0.02 a year): cost 500, 8 QALYs.
 * Year t's undiscounted costs: 0.08 x (100 + 40 [t>=2] + 20 [t>=3] + 10 (t - 3) [t>=4])
 * + 0.02 x 500; QALYs 0.08 x (0.1 + 0.05 (t - 1)) + 0.02 x 8. */
Test(stats_econ, costs_qalys_discounting)
{
	hg_econ_params p;
	hg_econ_params_init(&p);
	hg_econ_endpoint *e = &p.ep[0];
	hg_econ_endpoint_init(e);
	e->kind = HG_EP_RATE;
	e->rate = 0.2;
	e->rr = 0.5;
	e->case_fatality = 0.2;
	e->cost_y1 = 100;
	e->cost_y2 = 40;
	e->cost_y3 = 20;
	e->cost_later = 10;
	e->cost_fatal = 500;
	e->qaly_y1 = 0.1;
	e->qaly_later = 0.05;
	e->qaly_death = 8;
	p.nep = 1;
	p.cost_once = 30;
	p.cost_annual = 12;
	hg_econ_person pp;
	hg_econ_per_person(&p, &pp);
	double cost[5] = {0.08 * 100 + 10, 0.08 * 140 + 10, 0.08 * 160 + 10, 0.08 * 170 + 10,
	                  0.08 * 180 + 10};
	double qaly[5] = {0.08 * 0.1 + 0.16, 0.08 * 0.15 + 0.16, 0.08 * 0.2 + 0.16,
	                  0.08 * 0.25 + 0.16, 0.08 * 0.3 + 0.16};
	double want_c = 0, want_q = 0, want_i = 0;
	for (int t = 0; t < 5; t++) {
		double d = pow(1.035, -t);
		close_rel(pp.y[t].costs_avoided, cost[t] * d, 1e-12, "cost by year");
		close_rel(pp.y[t].qalys, qaly[t] * d, 1e-12, "qalys by year");
		close_rel(pp.y[t].deaths, 0.02, 1e-12, "deaths");
		want_c += cost[t] * d;
		want_q += qaly[t] * d;
		want_i += (t == 0 ? 42 : 12) * d;
	}
	hg_econ_totals t;
	hg_econ_totals_of(&p, &pp, 1000, 5, &t);
	close_rel(t.costs_avoided, 1000 * want_c, 1e-12, "costs avoided");
	close_rel(t.qalys, 1000 * want_q, 1e-12, "qalys");
	close_rel(t.intervention_cost, 1000 * want_i, 1e-12, "intervention cost");
	close_rel(t.deaths, 100, 1e-12, "deaths");
	close_rel(t.net_cost, 1000 * (want_i - want_c), 1e-12, "net cost");
	close_rel(t.roi, want_c / want_i, 1e-12, "roi");
	close_rel(t.icer, (want_i - want_c) / want_q, 1e-12, "icer");
	close_rel(hg_econ_nmb(&t, 20000), 20000 * t.qalys - t.net_cost, 1e-12, "nmb");
	/* cumulative avoided 18 vs cost 42 in year 1; 18 + 21.2/1.035 = 38.48 vs 42 + 11.59;
	 * year 3: + 22.8/1.035^2 (21.28) = 59.76 vs 53.59 + 11.20 = 64.80; year 4 adds
	 * 23.6/1.035^3 = 21.29 vs 10.82: 81.05 vs 75.62 -> year 4 */
	cr_assert_eq(t.break_even, 4);
}

Test(stats_econ, no_qalys_no_icer)
{
	hg_econ_params p;
	hg_econ_params_init(&p);
	hg_econ_person pp;
	hg_econ_per_person(&p, &pp);
	hg_econ_totals t;
	hg_econ_totals_of(&p, &pp, 10, 3, &t);
	cr_assert(isnan(t.icer) && isnan(t.roi));
	cr_assert_eq(t.break_even, 0);
}

/* ---- DCEA: docs/economics.md B3.4 worked example ---- */

static const double yheic_qale[5] = {63.20, 67.68, 69.99, 73.18, 75.07};
static const double steep[5] = {0.26, 0.22, 0.22, 0.16, 0.14};

Test(stats_dcea, worked_example)
{
	double pop[5], qalys[5] = {1000, 0, 0, 0, 0};
	for (int g = 0; g < 5; g++)
		pop[g] = 10698746;
	hg_dcea_input in = {5, pop, yheic_qale, qalys, steep, 15e6, 15000};
	hg_dcea_result r;
	hg_err err = {0};
	cr_assert_eq(hg_dcea(&in, &r, &err), 0, "%s", err.msg);
	double nhb[5] = {740, -220, -220, -160, -140};
	for (int g = 0; g < 5; g++)
		close_rel(r.nhb[g], nhb[g], 1e-12, "nhb");
	cr_assert(fabs(r.nhb_total) < 1e-9);
	close_rel(r.hoc_total, 1000, 1e-12, "hoc");
	/* by hand: cov = 0.2 x (-0.4 x 740 - 0.2 x -220 + 0.2 x -160 + 0.4 x -140) / P
	 * = -68 / P; var(rank) = 0.08; change = -850 / P = -0.0000794 ("-0.00008") */
	close_rel(r.sii_change, -850.0 / 10698746, 1e-9, "sii change");
	cr_assert(fabs(r.sii_change - -0.00008) < 0.000005);
	/* B3.3: baseline SII 14.6 (5.848 x 0.2 / 0.08 = 14.62), RII 0.209 */
	close_rel(r.sii_before, 14.62, 1e-9, "sii before");
	close_rel(r.rii_before, 14.62 / 69.824, 1e-9, "rii before");
	cr_assert(fabs(r.rii_before - 0.209) < 0.0005);
	/* concentration index: 2 cov / mean = 2 x 1.1696 / 69.824 */
	close_rel(r.conc_before, 2 * 1.1696 / 69.824, 1e-9, "concentration");
	/* equity-weighted gain at 10.95: +1,211.33 QALYs (reference: 50-digit arithmetic) */
	double ew = hg_dcea_equity_weighted(5, pop, yheic_qale, r.nhb, 10.95);
	close_rel(ew, 1211.3314884949587, 1e-9, "equity-weighted QALYs");
	/* epsilon 0: the plain sum of NHB (0) */
	cr_assert(fabs(hg_dcea_equity_weighted(5, pop, yheic_qale, r.nhb, 0)) < 1e-6);
}

/* B3.3: Atkinson index 0.021, EDE 68.39 vs 69.82, weights 2.32 ... 0.35 (10.95). */
Test(stats_dcea, atkinson_baseline)
{
	double pop[5] = {1, 1, 1, 1, 1}, w[5];
	double ede = hg_atkinson_ede(5, pop, yheic_qale, 10.95);
	cr_assert(fabs(ede - 68.39) < 0.005, "%g", ede);
	cr_assert(fabs(hg_atkinson_index(5, pop, yheic_qale, 10.95) - 0.021) < 0.0005);
	hg_atkinson_weights(5, pop, yheic_qale, 10.95, w);
	double want[5] = {2.32, 1.10, 0.76, 0.47, 0.35};
	for (int g = 0; g < 5; g++)
		cr_assert(fabs(w[g] - want[g]) < 0.006, "weight %d %g", g, w[g]);
	/* eps 1: the geometric mean; eps 0: the mean */
	double gm = exp((log(63.20) + log(67.68) + log(69.99) + log(73.18) + log(75.07)) / 5);
	close_rel(hg_atkinson_ede(5, pop, yheic_qale, 1), gm, 1e-12, "geometric");
	close_rel(hg_atkinson_ede(5, pop, yheic_qale, 0), 69.824, 1e-12, "mean");
	/* the implied weight (QALE5/QALE1)^eps: 6.59 at 10.95 */
	cr_assert(fabs(w[0] / w[4] - 6.584233840553118) < 1e-9);
}

Test(stats_dcea, change_matches_difference_and_kolm)
{
	double pop[5] = {3, 1, 2, 1, 1}, dh[5] = {0.5, -0.1, 0.2, 0, -0.3}, h2[5];
	for (int g = 0; g < 5; g++)
		h2[g] = yheic_qale[g] + dh[g];
	for (double eps = 0; eps <= 20; eps += 2.5) {
		double d =
		    hg_atkinson_ede(5, pop, h2, eps) - hg_atkinson_ede(5, pop, yheic_qale, eps);
		close_rel(hg_atkinson_ede_change(5, pop, yheic_qale, dh, eps), d, 1e-7, "change");
	}
	double d = hg_kolm_ede(5, pop, h2, 0.15) - hg_kolm_ede(5, pop, yheic_qale, 0.15);
	close_rel(hg_kolm_ede_change(5, pop, yheic_qale, dh, 0.15), d, 1e-7, "kolm");
	/* population weights matter: SII of unequal groups differs from the unweighted one */
	double eq[5] = {1, 1, 1, 1, 1};
	cr_assert(fabs(hg_dcea_sii(5, pop, yheic_qale) - hg_dcea_sii(5, eq, yheic_qale)) > 0.1);
}

Test(stats_dcea, errors)
{
	double pop[5] = {1, 1, 0, 1, 1}, q[5] = {0};
	hg_dcea_input in = {5, pop, yheic_qale, q, steep, 1, 13000};
	hg_dcea_result r;
	hg_err err = {0};
	cr_assert_neq(hg_dcea(&in, &r, &err), 0);
	cr_assert(strstr(err.msg, "group 3"), "%s", err.msg);
	pop[2] = 1;
	double bad[5] = {0.2, 0.2, 0.2, 0.2, 0.1};
	in.hoc_share = bad;
	cr_assert_neq(hg_dcea(&in, &r, &err), 0);
	cr_assert(strstr(err.msg, "add up to 0.9"), "%s", err.msg);
}

/* ---- PSA distributions ---- */

static double sample_mean(const hg_dist *d, int n, uint64_t seed, double *sd)
{
	hg_rng r;
	hg_rng_seed_plain(&r, seed);
	double s = 0, s2 = 0;
	for (int i = 0; i < n; i++) {
		double x = hg_dist_draw(d, &r);
		s += x;
		s2 += x * x;
	}
	*sd = sqrt(s2 / n - (s / n) * (s / n));
	return s / n;
}

Test(stats_psa, fitted_moments)
{
	hg_err err = {0};
	hg_dist g = {.kind = HG_DIST_GAMMA, .value = 4340, .low = 4050, .high = 4640};
	cr_assert_eq(hg_dist_fit(&g, &err), 0, "%s", err.msg);
	double sd, m = sample_mean(&g, 200000, 7, &sd), want_sd = 590 / (2 * 1.959963984540054);
	cr_assert(fabs(m - 4340) < 4 * want_sd / sqrt(200000), "gamma mean %g", m);
	cr_assert(fabs(sd / want_sd - 1) < 0.02, "gamma sd %g", sd);
	hg_dist b = {.kind = HG_DIST_BETA, .value = 0.35, .low = 0.30, .high = 0.40};
	cr_assert_eq(hg_dist_fit(&b, &err), 0, "%s", err.msg);
	m = sample_mean(&b, 200000, 8, &sd);
	cr_assert(fabs(m - 0.35) < 0.001, "beta mean %g", m);
	hg_dist l = {.kind = HG_DIST_LOGNORMAL, .value = 0.73, .low = 0.68, .high = 0.77};
	cr_assert_eq(hg_dist_fit(&l, &err), 0, "%s", err.msg);
	close_rel(hg_dist_quantile(&l, 0.5), 0.73, 1e-12, "lognormal median");
	m = sample_mean(&l, 200000, 9, &sd);
	cr_assert(fabs(m - hg_dist_mean(&l)) < 0.0005, "lognormal mean %g", m);
	/* quantiles of the fitted normal reproduce the interval */
	hg_dist n = {.kind = HG_DIST_NORMAL, .value = 10, .low = 8, .high = 12};
	cr_assert_eq(hg_dist_fit(&n, &err), 0);
	close_rel(hg_dist_quantile(&n, 0.025), 8, 1e-9, "normal low");
	close_rel(hg_dist_quantile(&n, 0.975), 12, 1e-9, "normal high");
}

Test(stats_psa, fit_errors)
{
	hg_err err = {0};
	hg_dist b = {.kind = HG_DIST_BETA, .value = 0.02, .low = 0.0, .high = 0.6};
	cr_assert_neq(hg_dist_fit(&b, &err), 0);
	cr_assert(strstr(err.msg, "too wide"), "%s", err.msg);
	hg_dist g = {.kind = HG_DIST_GAMMA, .value = 5, .low = 6, .high = 7};
	cr_assert_neq(hg_dist_fit(&g, &err), 0);
	cr_assert(strstr(err.msg, "outside"), "%s", err.msg);
	cr_assert_eq(hg_dist_parse("weibull"), -1);
	cr_assert_eq(hg_dist_parse("gamma"), HG_DIST_GAMMA);
}

Test(stats_psa, deterministic_draws_and_interval)
{
	hg_dist g = {.kind = HG_DIST_GAMMA, .value = 100, .low = 80, .high = 120};
	hg_err err = {0};
	cr_assert_eq(hg_dist_fit(&g, &err), 0);
	hg_rng a, b;
	hg_rng_seed_plain(&a, 42);
	hg_rng_seed_plain(&b, 42);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(hg_dist_draw(&g, &a), hg_dist_draw(&g, &b));
	double x[5] = {5, 1, NAN, 3, 2}, s[5];
	hg_interval iv = hg_interval_of(x, 5, s);
	close_rel(iv.mean, 2.75, 1e-12, "mean");
	/* type 7 on 1 2 3 5: h = 3 x 0.025 = 0.075 -> 1.075; h = 2.925 -> 3 + 0.925 x 2 */
	close_rel(iv.lo, 1.075, 1e-12, "lo");
	close_rel(iv.hi, 4.85, 1e-12, "hi");
}

/* The selection-based interval equals sorting, with ties and any size. */
Test(stats_psa, interval_matches_sorting)
{
	hg_rng r;
	hg_rng_seed_plain(&r, 11);
	for (size_t n = 1; n < 300; n += 7) {
		double *x = malloc(n * sizeof *x), *s = malloc(n * sizeof *s),
		       *t = malloc(n * sizeof *t);
		for (size_t i = 0; i < n; i++)
			x[i] = (double)hg_rng_below(&r, 10 + n / 3);
		memcpy(t, x, n * sizeof *x);
		hg_interval iv = hg_interval_of(x, n, s);
		cr_assert_eq(iv.lo, hg_quantile_sorted(t, n, 0.025), "n %zu", n);
		cr_assert_eq(iv.hi, hg_quantile_sorted(t, n, 0.975), "n %zu", n);
		free(x);
		free(s);
		free(t);
	}
}
