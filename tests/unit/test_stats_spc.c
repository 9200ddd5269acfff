/*
 * test_stats_spc.c: XmR charts (src/stats/spc.c) against every case in
 * ../shared/testdata/NHSRplotthedots (limits to 1e-9 relative,
 * classifications equal), the package's inline rule examples, and Laney
 * p'/u' charts.
 */
#include "stats/spc.h"
#include "stats_b_util.h"
#include "core/date.h"

#include <criterion/criterion.h>

static int spc_bool(const char *s)
{
	return !strcmp(s, "TRUE");
}

static void spc_case(const char *file, int screen)
{
	char buf[1024];
	char rel[256];
	snprintf(rel, sizeof rel, "testdata/NHSRplotthedots/%s", file);
	if (!tb_shared(buf, sizeof buf, rel))
		cr_skip_test("shared test data absent (%s)", rel);
	tb_csv t;
	cr_assert_eq(tb_load(&t, buf), 0);
	size_t n = t.nrows;
	double *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y);
	for (size_t i = 0; i < n; i++) {
		hg_date d;
		const char *xs = tb_str(&t, i, "x");
		cr_assert_eq(hg_date_parse(xs, strlen(xs), 0, &d, NULL), 0);
		x[i] = d;
		y[i] = tb_num(&t, i, "y");
	}
	hg_spc_opts o;
	hg_spc_opts_init(&o);
	o.screen_outliers = screen;
	hg_spc_point *p = calloc(n, sizeof *p);
	hg_err err;
	cr_assert_eq(hg_spc_xmr(x, y, n, &o, p, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		cr_expect(tb_close(p[i].mean, tb_num(&t, i, "mean_col"), 1e-9, 1e-12),
		          "row %zu mean", i);
		cr_expect(tb_close(p[i].lpl, tb_num(&t, i, "lpl"), 1e-9, 1e-12),
		          "row %zu lpl %.17g", i, p[i].lpl);
		cr_expect(tb_close(p[i].upl, tb_num(&t, i, "upl"), 1e-9, 1e-12), "row %zu upl", i);
		cr_expect(tb_close(p[i].fix_y, tb_num(&t, i, "fix_y"), 1e-15, 0), "row %zu fix_y",
		          i);
		cr_expect_eq(p[i].rebase_group, (int)tb_num(&t, i, "rebase_group"));
		cr_expect_eq(p[i].short_group_warning,
		             spc_bool(tb_str(&t, i, "short_group_warning")));
		cr_expect_eq(p[i].outside_limits, spc_bool(tb_str(&t, i, "outside_limits")),
		             "row %zu", i);
		cr_expect_eq(p[i].relative_to_mean, (int)tb_num(&t, i, "relative_to_mean"));
		cr_expect_eq(p[i].close_to_limits, spc_bool(tb_str(&t, i, "close_to_limits")),
		             "row %zu", i);
		cr_expect_str_eq(hg_spc_cause_name(p[i].cause), tb_str(&t, i, "special_cause_type"),
		                 "row %zu", i);
		cr_expect_eq(p[i].special_cause_flag,
		             spc_bool(tb_str(&t, i, "special_cause_flag")));
		cr_expect_str_eq(hg_spc_point_type_name(p[i].point_type),
		                 tb_str(&t, i, "point_type"), "row %zu", i);
	}
	free(p);
	free(x);
	free(y);
	tb_free(&t);
}

Test(stats_spc, snapshot_default)
{
	spc_case("spc_snapshot_r1_default.csv", 1);
}

Test(stats_spc, snapshot_outlier_screened)
{
	spc_case("spc_snapshot_r2_outlier_screened.csv", 1);
}

Test(stats_spc, snapshot_outlier_unscreened)
{
	spc_case("spc_snapshot_r3_outlier_unscreened.csv", 0);
}

Test(stats_spc, vignette_deviations_screened)
{
	spc_case("spc_vignette_deviations_screened.csv", 1);
}

Test(stats_spc, vignette_deviations_unscreened)
{
	spc_case("spc_vignette_deviations_unscreened.csv", 0);
}

static void run(const double *y, size_t n, const hg_spc_opts *o, hg_spc_point *p)
{
	double x[64];
	for (size_t i = 0; i < n; i++)
		x[i] = (double)i;
	hg_err err;
	cr_assert_eq(hg_spc_xmr(x, y, n, o, p, &err), 0, "%s", err.msg);
}

/* Hand computation: y = 1..5 alternating; mean 3, MR all 2 -> limits 3 -/+ 5.32. */
Test(stats_spc, hand_computed_xmr)
{
	double y[] = {1, 5, 1, 5, 1, 5, 1, 5};
	hg_spc_point p[8];
	hg_spc_opts o;
	hg_spc_opts_init(&o);
	run(y, 8, &o, p);
	cr_expect_float_eq(p[0].mean, 3.0, 1e-15);
	cr_expect_float_eq(p[0].lpl, 3 - 2.66 * 4, 1e-12);
	cr_expect_float_eq(p[0].upl, 3 + 2.66 * 4, 1e-12);
	cr_expect_float_eq(p[0].nupl, 3 + 2 * (2.66 / 3) * 4, 1e-12);
	cr_expect_eq(p[0].relative_to_mean, -1);
	cr_expect_eq(p[1].relative_to_mean, 1);
	cr_expect_eq(p[7].short_group_warning, 1);
	for (int i = 0; i < 8; i++)
		cr_expect_eq(p[i].cause, HG_SPC_COMMON);
}

/*
 * Package rule tests: 1:7 is a trend; 1,2,3,3,4,5,6 is not. With so few
 * points the end points also fall outside the limits (mean 4, MR 1, limits
 * 4 -/+ 2.66), and that rule has priority over the trend.
 */
Test(stats_spc, trend_rule)
{
	double up[] = {1, 2, 3, 4, 5, 6, 7};
	double flat[] = {1, 2, 3, 3, 4, 5, 6};
	double down[] = {7, 6, 5, 4, 3, 2, 1};
	hg_spc_point p[7];
	hg_spc_opts o;
	hg_spc_opts_init(&o);
	run(up, 7, &o, p);
	cr_expect_eq(p[0].cause, HG_SPC_BELOW_LCL);
	for (int i = 1; i < 6; i++)
		cr_expect_eq(p[i].cause, HG_SPC_TREND_UP, "point %d", i);
	cr_expect_eq(p[6].cause, HG_SPC_ABOVE_UCL);
	cr_expect_eq(p[3].point_type, HG_SPC_PT_IMPROVEMENT);
	cr_expect_eq(p[0].point_type, HG_SPC_PT_CONCERN);
	run(flat, 7, &o, p);
	for (int i = 0; i < 7; i++) {
		cr_expect_neq(p[i].cause, HG_SPC_TREND_UP, "point %d", i);
		cr_expect_neq(p[i].cause, HG_SPC_TREND_DOWN, "point %d", i);
	}
	o.direction = HG_SPC_DECREASE;
	run(down, 7, &o, p);
	cr_expect_eq(p[0].cause, HG_SPC_ABOVE_UCL);
	cr_expect_eq(p[0].point_type, HG_SPC_PT_CONCERN);
	cr_expect_eq(p[3].cause, HG_SPC_TREND_DOWN);
	cr_expect_eq(p[3].point_type, HG_SPC_PT_IMPROVEMENT);
	cr_expect_eq(p[6].point_type, HG_SPC_PT_IMPROVEMENT);
	cr_expect_eq(hg_spc_variation(&p[6], o.direction), HG_SPC_VAR_IMPROVEMENT_LOW);
}

/* Shift: 7 points above the mean after 7 below; a point on the mean breaks it. */
Test(stats_spc, shift_rule)
{
	double y[] = {1, 2, 1, 2, 1, 2, 1, 4, 5, 4, 5, 4, 5, 4};
	hg_spc_point p[14];
	hg_spc_opts o;
	hg_spc_opts_init(&o);
	o.direction = HG_SPC_NEUTRAL;
	run(y, 14, &o, p);
	cr_expect_eq(p[0].cause, HG_SPC_SHIFT_BELOW);
	cr_expect_eq(p[13].cause, HG_SPC_SHIFT_ABOVE);
	cr_expect_eq(p[13].point_type, HG_SPC_PT_NEUTRAL_HIGH);
	cr_expect_eq(hg_spc_variation(&p[13], o.direction), HG_SPC_VAR_NEUTRAL_HIGH);
	double z[] = {1, 2, 1, 2, 1, 2, 3, 4, 5, 4, 5, 4, 5, 4};
	run(z, 14, &o, p);
	cr_expect_neq(p[0].cause, HG_SPC_SHIFT_BELOW);
}

/* Rebase splits limits; fix_after_n_points freezes them; the assurance icon. */
Test(stats_spc, rebase_fix_and_assurance)
{
	double y[30];
	double x[30];
	for (int i = 0; i < 30; i++) {
		x[i] = i;
		y[i] = (i < 15 ? 10 : 20) + (i % 2 ? 1 : -1);
	}
	double rb[] = {15};
	hg_spc_opts o;
	hg_spc_opts_init(&o);
	o.rebase = rb;
	o.nrebase = 1;
	o.has_target = 1;
	o.target = 30;
	hg_spc_point p[30];
	hg_err err;
	cr_assert_eq(hg_spc_xmr(x, y, 30, &o, p, &err), 0);
	cr_expect_eq(p[14].rebase_group, 0);
	cr_expect_eq(p[15].rebase_group, 1);
	cr_expect_float_eq(p[0].mean, 10 - 1.0 / 15, 1e-12);
	cr_expect_float_eq(p[29].mean, 20 + 1.0 / 15, 1e-12);
	cr_expect_eq(hg_spc_assurance(&p[29], &o), HG_SPC_ASSURE_FAIL);
	o.target = 0;
	cr_expect_eq(hg_spc_assurance(&p[29], &o), HG_SPC_ASSURE_PASS);
	o.nrebase = 0;
	o.fix_after_n_pts = 12;
	cr_assert_eq(hg_spc_xmr(x, y, 30, &o, p, &err), 0);
	cr_expect_float_eq(p[29].mean, 10.0, 1e-12);
	cr_expect(isnan(p[12].fix_y));
	cr_expect_eq(p[29].cause, HG_SPC_ABOVE_UCL);
	o.fix_after_n_pts = 5;
	cr_expect_neq(hg_spc_xmr(x, y, 30, &o, p, &err), 0);
	x[3] = x[2];
	o.fix_after_n_pts = 0;
	cr_expect_neq(hg_spc_xmr(x, y, 30, &o, p, &err), 0);
}

/*
 * Laney p': 4 subgroups, hand computed. p-bar = 60/400 = 0.15; sigma_p at
 * n = 100 is sqrt(0.15 * 0.85 / 100) = 0.0357071; z = -1.40028, 0, 1.40028,
 * 0; mean MR = (1.40028 * 3) / 3 = 1.40028 -> sigma_z = 1.24138.
 */
Test(stats_spc, laney_p_prime)
{
	double x[] = {10, 15, 20, 15}, n[] = {100, 100, 100, 100};
	hg_laney_point p[4];
	hg_err err;
	cr_assert_eq(hg_laney_chart(HG_LANEY_P, x, n, 4, 1, 1, p, &err), 0);
	double sp = sqrt(0.15 * 0.85 / 100);
	double sz = (0.05 / sp) / 1.128;
	cr_expect_float_eq(p[0].centre, 0.15, 1e-15);
	cr_expect_float_eq(p[0].z, -0.05 / sp, 1e-12);
	cr_expect_float_eq(p[2].sigma_z, sz, 1e-12);
	cr_expect_float_eq(p[1].ucl, 0.15 + 3 * sp * sz, 1e-12);
	cr_expect_float_eq(p[1].lcl, 0.15 - 3 * sp * sz, 1e-12);
	/* Without the adjustment sigma_z is 1: the classic p chart. */
	cr_assert_eq(hg_laney_chart(HG_LANEY_P, x, n, 4, 100, 0, p, &err), 0);
	cr_expect_float_eq(p[1].ucl, 100 * (0.15 + 3 * sp), 1e-10);
	cr_expect_eq(p[0].outside, 0);
	double bad[] = {120, 1, 1, 1};
	cr_expect_neq(hg_laney_chart(HG_LANEY_P, bad, n, 4, 1, 1, p, &err), 0);
}

/* Laney u': over-dispersed counts widen the limits (sigma_z > 1). */
Test(stats_spc, laney_u_prime)
{
	double x[] = {50, 150, 40, 160, 55, 145}, n[] = {1000, 1000, 1000, 1000, 1000, 1000};
	hg_laney_point p[6];
	hg_err err;
	cr_assert_eq(hg_laney_chart(HG_LANEY_U, x, n, 6, 1000, 1, p, &err), 0);
	cr_expect_float_eq(p[0].centre, 100.0, 1e-12);
	double su = sqrt(0.1 / 1000);
	double mr = (100 + 110 + 120 + 105 + 90) / 1000.0 / su / 5;
	cr_expect_float_eq(p[0].sigma_z, mr / 1.128, 1e-12);
	cr_expect_gt(p[0].sigma_z, 1);
	cr_expect_float_eq(p[0].ucl, 1000 * (0.1 + 3 * su * mr / 1.128), 1e-9);
	for (int i = 0; i < 6; i++)
		cr_expect_eq(p[i].outside, 0);
	cr_assert_eq(hg_laney_chart(HG_LANEY_U, x, n, 6, 1000, 0, p, &err), 0);
	cr_expect_eq(p[0].outside, -1);
	cr_expect_eq(p[1].outside, 1);
}
