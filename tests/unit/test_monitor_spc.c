/*
 * test_monitor_spc.c: monitoring (src/analysis/monitor.c): XmR charts of each
 * indicator's value, SII and Q1-Q5 gap over 20 synthetic quarters, checked
 * against the stats library's ptd_spc port on the same points; icons driven
 * by polarity and the objectives file; suppressed periods not charted; no
 * SPC at all (no limits, flags or icons) for a series resting on a count
 * under HG_SPC_MIN_EVENTS or a suppressed cell ("too few events for SPC").
 */
#include "ineq_fixture.h"

#include <criterion/criterion.h>
#include <jansson.h>
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
	const hg_mon_row *v = NULL, *s = NULL, *g = NULL;
	mon_series(&a, "value", &v);
	mon_series(&a, "sii", &s);
	mon_series(&a, "gap_abs", &g);
	cr_expect(isnan(v[4].value) && isnan(v[4].mean));
	cr_expect(strstr(v[4].note, "not charted: suppressed") != NULL, "%s", v[4].note);
	cr_expect(isnan(s[7].value));
	cr_expect(strstr(s[7].note, "suppressed") != NULL, "%s", s[7].note);
	/* a suppressed point: the other points keep their values but the series gets no SPC */
	for (int j = 0; j < FX_PERIODS; j++) {
		cr_expect(v[j].too_few && s[j].too_few, "period %d", j);
		cr_expect(isnan(v[j].mean) && isnan(s[j].upl), "period %d has limits", j);
		cr_expect(!v[j].special && !s[j].special);
	}
	cr_expect(fabs(v[0].value - fx_find(&f, 0, 0, 0)->value) < 1e-12);
	cr_expect(strstr(v[0].note, "too few events for SPC") != NULL, "%s", v[0].note);
	/* the gap (quintiles 1 and 5) does not rest on decile 10: it is charted as usual */
	double x[FX_PERIODS], y[FX_PERIODS];
	for (int j = 0; j < FX_PERIODS; j++)
		x[j] = j, y[j] = g[j].value;
	hg_spc_opts so;
	hg_spc_opts_init(&so);
	so.direction = g[0].direction;
	hg_spc_point pt[FX_PERIODS];
	cr_assert_eq(hg_spc_xmr(x, y, FX_PERIODS, &so, pt, NULL), 0);
	cr_expect(!g[0].too_few);
	cr_expect(fabs(g[0].mean - pt[0].mean) < 1e-12);
	cr_expect(fabs(g[19].upl - pt[19].upl) < 1e-12);
	cr_expect_eq(v[0].direction, HG_SPC_NEUTRAL, "no objectives: neutral");
	hg_analysis_free(&a);
	fx_free(&f);
}

/* A count under HG_SPC_MIN_EVENTS in one period: a series that today shows a
 * special-cause improvement gets no flags or icons, and says why. */
Test(monitor_spc, too_few_events_no_spc)
{
	fx f;
	fx_init(&f, FX_PERIODS, 3000, 0.08, 21);
	hg_objectives obj;
	hg_err err = {0};
	cr_assert_eq(hg_objectives_parse(&obj, "o", mon_obj_text, strlen(mon_obj_text), &err), 0);
	hg_row *all = fx_find(&f, 3, 0, 0);
	all->num = all->den - (HG_SPC_MIN_EVENTS - 1); /* 9 people not vaccinated */
	hg_row *q1 = fx_find(&f, 5, 2, 0);             /* quintile 1 in period 6 */
	q1->num = HG_SPC_MIN_EVENTS - 1;
	hg_row *q5 = fx_find(&f, 6, 2, 4); /* quintile 5 in period 7: exactly the minimum */
	q5->num = HG_SPC_MIN_EVENTS;
	hg_analysis a;
	mon_run(&f, &obj, &a);
	const hg_mon_row *v = NULL, *s = NULL, *g = NULL;
	mon_series(&a, "value", &v);
	mon_series(&a, "sii", &s);
	mon_series(&a, "gap_abs", &g);
	for (int j = 0; j < FX_PERIODS; j++) {
		cr_expect(v[j].too_few && g[j].too_few, "period %d", j);
		cr_expect(isnan(v[j].mean) && isnan(v[j].upl) && !v[j].special);
		cr_expect(isnan(g[j].mean) && !g[j].special);
		cr_expect_eq(v[j].few_events, j == 3, "period %d", j);
		cr_expect_eq(g[j].few_events, j == 5, "period %d", j);
		cr_expect(isfinite(v[j].value), "values are kept");
	}
	cr_expect(strstr(v[3].note, "too few events for SPC: a count behind this point") != NULL,
	          "%s", v[3].note);
	/* the deciles all have 3,000 people: the SII is charted, with its icons */
	cr_expect(!s[0].too_few && isfinite(s[0].mean));
	hg_buf b = {0};
	hg_mon_csv(f.inds, &a, &b);
	const char *csv = hg_buf_cstr(&b);
	cr_expect(strstr(csv, ",assurance_icon,spc_status,") != NULL);
	cr_expect(strstr(csv, "improvement_high") == NULL, "an icon from a small count");
	cr_expect(strstr(csv, ",,too_few_events,") != NULL, "no icons and the status");
	hg_buf_free(&b);
	json_t *j = hg_mon_series_json(f.inds[0], v, FX_PERIODS, HG_POL_HIGHER_BETTER);
	cr_expect_str_eq(json_string_value(json_object_get(j, "spc_status")), "too_few_events");
	cr_expect(json_is_null(json_object_get(j, "variation_icon")));
	json_t *p3 = json_array_get(json_object_get(j, "points"), 3);
	cr_expect(json_is_true(json_object_get(p3, "few_events")));
	json_decref(j);
	hg_analysis_free(&a);
	hg_objectives_free(&obj);
	fx_free(&f);
}

/* hg_monitor_series (which the board report calls with the run's points) honours few_events. */
Test(monitor_spc, series_with_few_events)
{
	hg_mon_row r[12];
	memset(r, 0, sizeof r);
	for (int k = 0; k < 12; k++) {
		r[k].value = k < 8 ? 10 : 30; /* a shift: special cause with enough events */
		r[k].mean = r[k].lpl = r[k].upl = r[k].target = NAN;
	}
	hg_monitor_series(r, 12, HG_SPC_INCREASE, NAN);
	cr_expect(isfinite(r[11].mean) && r[11].special);
	cr_expect_eq(r[11].variation, HG_SPC_VAR_IMPROVEMENT_HIGH);
	for (int k = 0; k < 12; k++) {
		r[k].mean = r[k].lpl = r[k].upl = NAN;
		r[k].special = r[k].variation = 0;
		r[k].note[0] = 0;
	}
	r[10].few_events = 1;
	hg_monitor_series(r, 12, HG_SPC_INCREASE, NAN);
	for (int k = 0; k < 12; k++)
		cr_expect(r[k].too_few && isnan(r[k].mean) && !r[k].special, "row %d", k);
	cr_expect(strstr(r[0].note, "another point") != NULL, "%s", r[0].note);
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
