/*
 * test_monitor_spc.c: monitoring (src/engine/monitor.c): XmR charts of each
 * indicator's value, SII and Q1-Q5 gap over 20 synthetic quarters, checked
 * against the stats library's ptd_spc port on the same points; icons driven
 * by polarity and the objectives file; suppressed periods not charted.
 */
#include "ineq_fixture.h"

#include <criterion/criterion.h>
#include <stdlib.h>

static const char mon_obj_text[] =
    "indicator_id,target_value,target_date,gap_reduction_target,polarity\n"
    "FX_UPTAKE,80,2026-03-31,0.25,higher_is_better\n";

static void mon_run(fx *f, const hg_objectives *obj, hg_analysis *a)
{
	hg_analysis_opts o;
	hg_analysis_opts_init(&o);
	o.obj = obj;
	o.sii_reps = 2000;
	hg_err err = {0};
	cr_assert_eq(hg_analysis_build(f->inds, 1, &f->t, &o, a, &err), 0, "%s", err.msg);
}

/* Rows of one series, in period order. */
static size_t mon_series(const hg_analysis *a, const char *series, const hg_mon_row **out)
{
	size_t n = 0;
	for (size_t k = 0; k < a->nmon; k++)
		if (!strcmp(a->mon[k].series, series)) {
			if (!n)
				*out = &a->mon[k];
			n++;
		}
	return n;
}

Test(monitor_spc, value_series_matches_library_and_icons)
{
	fx f;
	fx_init(&f, FX_PERIODS, 3000, 0.08, 21);
	hg_objectives obj;
	hg_err err = {0};
	cr_assert_eq(hg_objectives_parse(&obj, "o", mon_obj_text, strlen(mon_obj_text), &err), 0);
	hg_analysis a;
	mon_run(&f, &obj, &a);
	const hg_mon_row *v = NULL;
	size_t n = mon_series(&a, "value", &v);
	cr_assert_eq(n, FX_PERIODS);
	double x[FX_PERIODS], y[FX_PERIODS];
	for (int j = 0; j < FX_PERIODS; j++)
		x[j] = j, y[j] = fx_find(&f, j, 0, 0)->value;
	hg_spc_opts so;
	hg_spc_opts_init(&so);
	so.direction = HG_SPC_INCREASE, so.has_target = 1, so.target = 80;
	hg_spc_point pt[FX_PERIODS];
	cr_assert_eq(hg_spc_xmr(x, y, FX_PERIODS, &so, pt, NULL), 0);
	for (int j = 0; j < FX_PERIODS; j++) {
		cr_expect(fabs(v[j].value - y[j]) < 1e-12);
		cr_expect(fabs(v[j].mean - pt[j].mean) < 1e-12);
		cr_expect(fabs(v[j].upl - pt[j].upl) < 1e-12);
		cr_expect(fabs(v[j].lpl - pt[j].lpl) < 1e-12);
		cr_expect_eq(v[j].cause, pt[j].cause);
		cr_expect_eq(v[j].direction, HG_SPC_INCREASE);
	}
	/* an 8-point rise half way: special cause improvement at the last point */
	cr_expect_eq(v[FX_PERIODS - 1].point_type, HG_SPC_PT_IMPROVEMENT);
	cr_expect_eq(v[FX_PERIODS - 1].variation, HG_SPC_VAR_IMPROVEMENT_HIGH);
	cr_expect_eq(v[FX_PERIODS - 1].assurance, hg_spc_assurance(&pt[FX_PERIODS - 1], &so));
	cr_expect(v[0].target == 80);
	hg_analysis_free(&a);
	hg_objectives_free(&obj);
	fx_free(&f);
}

Test(monitor_spc, sii_and_gap_series)
{
	fx f;
	fx_init(&f, FX_PERIODS, 3000, 0, 23);
	hg_objectives obj;
	hg_err err = {0};
	cr_assert_eq(hg_objectives_parse(&obj, "o", mon_obj_text, strlen(mon_obj_text), &err), 0);
	hg_analysis a;
	mon_run(&f, &obj, &a);
	const hg_mon_row *s = NULL, *g = NULL;
	cr_assert_eq(mon_series(&a, "sii", &s), FX_PERIODS);
	cr_assert_eq(mon_series(&a, "gap_abs", &g), FX_PERIODS);
	cr_expect_str_eq(s[0].breakdown, "imd_decile");
	cr_expect_str_eq(g[0].breakdown, "imd_quintile");
	/* SII about +22: improvement is a decrease; the gap Q1-Q5 is negative: an increase */
	cr_expect_eq(s[0].direction, HG_SPC_DECREASE);
	cr_expect_eq(g[0].direction, HG_SPC_INCREASE);
	cr_expect(fabs(s[0].target - s[0].value * 0.75) < 1e-9, "target %g", s[0].target);
	double mean = 0;
	for (int j = 0; j < FX_PERIODS; j++) {
		const hg_ineq_row *q = fx_measure(&a, j, "imd_decile", "sii", NULL);
		cr_expect(fabs(s[j].value - q->value) < 1e-12);
		mean += s[j].value / FX_PERIODS;
	}
	cr_expect(fabs(s[0].mean - mean) < 1e-9);
	cr_expect(fabs(mean - fx_true_sii()) < 2, "mean SII %g vs true %g", mean, fx_true_sii());
	/* a stable gradient: the target (a quarter lower) is below the lower limit */
	cr_expect_eq(s[FX_PERIODS - 1].assurance, HG_SPC_ASSURE_FAIL);
	hg_analysis_free(&a);
	hg_objectives_free(&obj);
	fx_free(&f);
}

Test(monitor_spc, suppressed_points_not_charted)
{
	fx f;
	fx_init(&f, FX_PERIODS, 3000, 0, 29);
	fx_suppress(fx_find(&f, 4, 0, 0)); /* All in period 5 */
	fx_suppress(fx_find(&f, 7, 1, 9)); /* decile 10 in period 8 */
	hg_analysis a;
	mon_run(&f, NULL, &a);
	const hg_mon_row *v = NULL, *s = NULL;
	mon_series(&a, "value", &v);
	mon_series(&a, "sii", &s);
	cr_expect(isnan(v[4].value) && isnan(v[4].mean));
	cr_expect(strstr(v[4].note, "not charted: suppressed") != NULL, "%s", v[4].note);
	cr_expect(isnan(s[7].value));
	cr_expect(strstr(s[7].note, "suppressed") != NULL, "%s", s[7].note);
	double x[FX_PERIODS], y[FX_PERIODS];
	size_t m = 0;
	for (int j = 0; j < FX_PERIODS; j++)
		if (j != 4)
			x[m] = j, y[m++] = fx_find(&f, j, 0, 0)->value;
	hg_spc_opts so;
	hg_spc_opts_init(&so);
	so.direction = HG_SPC_NEUTRAL;
	hg_spc_point pt[FX_PERIODS];
	cr_assert_eq(hg_spc_xmr(x, y, m, &so, pt, NULL), 0);
	cr_expect(fabs(v[0].mean - pt[0].mean) < 1e-12);
	cr_expect(fabs(v[19].upl - pt[m - 1].upl) < 1e-12);
	cr_expect_eq(v[0].direction, HG_SPC_NEUTRAL, "no objectives: neutral");
	hg_analysis_free(&a);
	fx_free(&f);
}

Test(monitor_spc, too_few_points)
{
	hg_mon_row r[3];
	memset(r, 0, sizeof r);
	for (int k = 0; k < 3; k++)
		r[k].value = r[k].mean = r[k].lpl = r[k].upl = NAN;
	r[0].value = 1;
	hg_monitor_series(r, 3, HG_SPC_INCREASE, NAN);
	cr_expect(isnan(r[0].mean));
	cr_expect(strstr(r[0].note, "fewer than 2") != NULL, "%s", r[0].note);
}

Test(monitor_spc, csv_columns)
{
	fx f;
	fx_init(&f, 3, 2000, 0, 31);
	hg_analysis a;
	mon_run(&f, NULL, &a);
	hg_buf b = {0};
	hg_mon_csv(f.inds, &a, &b);
	const char *s = hg_buf_cstr(&b);
	const char *hdr = "indicator_id,indicator_name,series,breakdown,period_start,";
	cr_expect(strncmp(s, hdr, strlen(hdr)) == 0);
	cr_expect(strstr(s, "FX_UPTAKE,Synthetic uptake,value,All,2021-01-01,2021-03-31,") != NULL);
	hg_buf_free(&b);
	hg_ineq_csv(f.inds, &a, &b);
	s = hg_buf_cstr(&b);
	cr_expect(strstr(s, ",imd_decile,sii,,least vs most deprived,") != NULL);
	hg_buf_free(&b);
	hg_analysis_free(&a);
	fx_free(&f);
}
