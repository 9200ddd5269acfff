/*
 * test_stats_inequality.c: concentration index and population attributable
 * risk (src/stats/inequality.c) on hand-computed cases.
 */
#include "stats/concentration.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

Test(stats_inequality, equal_distribution_is_zero)
{
	double pop[] = {120, 80, 100, 150, 50}, val[] = {3, 3, 3, 3, 3}, se[] = {1, 1, 1, 1, 1};
	hg_ci_input in = {5, pop, val, se};
	hg_ci_result r;
	hg_err err;
	cr_assert_eq(hg_concentration_index(&in, 0.95, &r, &err), 0);
	cr_expect_float_eq(r.ci, 0.0, 1e-15);
	cr_expect_float_eq(r.mean, 3.0, 1e-15);
	cr_expect_lt(r.lower, 0);
	cr_expect_gt(r.upper, 0);
}

/*
 * Two halves of 50 people, all the ill health (value 2) in the poorer half:
 * R = 0.25, 0.75; C = 2 (0.5 * 2 * 0.25) - 1 = -0.5. Kakwani et al.'s grouped
 * variance: q_1 = 1, a_1 = 2 (0.5 - 1 + 0.5) + 2 - 0 - 1 = 1, a_2 = 0;
 * var = (0.5 * 1 - 0.25) / 100 = 0.0025, so se = 0.05.
 */
Test(stats_inequality, two_groups_by_hand)
{
	double pop[] = {50, 50}, val[] = {2, 0};
	hg_ci_input in = {2, pop, val, NULL};
	hg_ci_result r;
	hg_err err;
	cr_assert_eq(hg_concentration_index(&in, 0.95, &r, &err), 0);
	cr_expect_float_eq(r.ci, -0.5, 1e-15);
	cr_expect_float_eq(r.se, 0.05, 1e-12);
	cr_expect_float_eq(r.lower, -0.5 - 1.959963984540054 * 0.05, 1e-12);
}

/* C equals 2 cov_w(value, rank) / mean; reversing the order negates C only. */
Test(stats_inequality, covariance_form_and_reversal)
{
	double pop[] = {100, 200, 300, 250, 150}, val[] = {5, 4, 3, 2.5, 1};
	double rp[5], rv[5], se[] = {0.2, 0.1, 0.1, 0.1, 0.2}, rse[5];
	for (int i = 0; i < 5; i++) {
		rp[i] = pop[4 - i];
		rv[i] = val[4 - i];
		rse[i] = se[4 - i];
	}
	double n = 1000, mu = 0, cum = 0, cov = 0, rbar = 0.5;
	for (int i = 0; i < 5; i++)
		mu += pop[i] / n * val[i];
	for (int i = 0; i < 5; i++) {
		double f = pop[i] / n, r = cum + f / 2;
		cov += f * (val[i] - mu) * (r - rbar);
		cum += f;
	}
	hg_ci_result a, b;
	hg_err err;
	cr_assert_eq(hg_concentration_index(&(hg_ci_input){5, pop, val, se}, 0.95, &a, &err), 0);
	cr_assert_eq(hg_concentration_index(&(hg_ci_input){5, rp, rv, rse}, 0.95, &b, &err), 0);
	cr_expect_float_eq(a.ci, 2 * cov / mu, 1e-12);
	cr_expect_lt(a.ci, 0);
	cr_expect_float_eq(b.ci, -a.ci, 1e-12);
	cr_expect_float_eq(b.se, a.se, 1e-12);
	double z[] = {0, 1, 1, 1, 1};
	cr_expect_neq(hg_concentration_index(&(hg_ci_input){5, z, val, NULL}, 0.95, &a, &err), 0);
	cr_expect(strstr(err.msg, "population"));
}

/* Quintile rates 50..20 per 1,000, 1,000 people each: overall 33, PAR 13. */
Test(stats_inequality, par_by_hand)
{
	double pop[] = {1000, 1000, 1000, 1000, 1000}, val[] = {50, 40, 30, 25, 20};
	double cnt[] = {50, 40, 30, 25, 20};
	hg_par_result r;
	hg_err err;
	cr_assert_eq(hg_par(&(hg_par_input){5, pop, val, cnt}, HG_PAR_LAST, &r, &err), 0);
	cr_expect_float_eq(r.overall, 33.0, 1e-12);
	cr_expect_float_eq(r.reference, 20.0, 1e-12);
	cr_expect_float_eq(r.par, 13.0, 1e-12);
	cr_expect_float_eq(r.par_pct, 100.0 * 13 / 33, 1e-12);
	cr_expect_float_eq(r.excess, 165 - 100.0, 1e-12);
	cr_assert_eq(hg_par(&(hg_par_input){5, pop, val, NULL}, HG_PAR_MAX, &r, &err), 0);
	cr_expect_eq(r.ref_index, 0);
	cr_expect_float_eq(r.par_pct, 100.0 * (33 - 50) / 33, 1e-12);
	cr_expect(isnan(r.excess));
	cr_expect_neq(hg_par(&(hg_par_input){1, pop, val, NULL}, HG_PAR_LAST, &r, &err), 0);
}
