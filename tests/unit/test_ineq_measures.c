/*
 * test_ineq_measures.c: inequality measures (src/analysis/measures.c) on
 * synthetic published tables whose true gradient is known (ineq_fixture.h):
 * the SII recovered within its CI and equal to the stats library's phe_sii
 * port on the same inputs, the Q1-Q5 gap and its MOVER limits, people needed
 * to close the gap, Fingertips comparisons with polarity, gaps to the best
 * ethnic group, practice funnel outliers, data quality, and disclosure
 * control carried through (no measure from a suppressed cell).
 */
#include "ineq_fixture.h"

#include "stats/sii.h"

#include <criterion/criterion.h>
#include <stdlib.h>

static const char fx_obj_text[] =
    "indicator_id,target_value,target_date,gap_reduction_target,polarity\n"
    "FX_UPTAKE,80,2026-03-31,25%,higher_is_better\n";

static void fx_run(fx *f, const hg_objectives *obj, hg_analysis *a)
{
	hg_analysis_opts o;
	hg_analysis_opts_init(&o);
	o.obj = obj;
	o.sii_reps = 5000;
	hg_err err = {0};
	cr_assert_eq(hg_analysis_build(f->inds, 1, &f->t, &o, a, &err), 0, "%s", err.msg);
}

Test(ineq_measures, sii_recovered_within_ci)
{
	fx f;
	fx_init(&f, 4, 3000, 0, 11);
	hg_analysis a;
	fx_run(&f, NULL, &a);
	double truth = fx_true_sii();
	for (int j = 0; j < 4; j++) {
		const hg_ineq_row *s = fx_measure(&a, j, "imd_decile", "sii", NULL);
		cr_assert(s && isfinite(s->value), "period %d: %s", j, s ? s->note : "none");
		cr_expect(s->lo95 <= truth && truth <= s->hi95, "decile SII %g [%g, %g] vs true %g",
		          s->value, s->lo95, s->hi95, truth);
		cr_expect(s->lo998 <= s->lo95 && s->hi95 <= s->hi998);
		cr_expect(fabs(s->value - truth) < 4, "SII %g far from %g", s->value, truth);
		const hg_ineq_row *q = fx_measure(&a, j, "imd_quintile", "sii", NULL);
		cr_assert(q && isfinite(q->value));
		cr_expect(q->lo95 <= truth && truth <= q->hi95, "quintile SII %g [%g, %g] vs %g",
		          q->value, q->lo95, q->hi95, truth);
		const hg_ineq_row *r = fx_measure(&a, j, "imd_decile", "rii", NULL);
		double rtrue = fx_true_rii();
		cr_expect(r && r->lo95 <= rtrue && rtrue <= r->hi95, "RII %g vs %g", r->value,
		          rtrue);
	}
	hg_analysis_free(&a);
	fx_free(&f);
}

Test(ineq_measures, sii_equals_stats_library)
{
	fx f;
	fx_init(&f, 1, 3000, 0, 5);
	hg_analysis a;
	fx_run(&f, NULL, &a);
	double pop[10], val[10], lo[10], hi[10];
	for (int d = 0; d < 10; d++) {
		const hg_row *r = fx_find(&f, 0, 1, d);
		pop[d] = r->den, val[d] = r->value / 100, lo[d] = r->lo95 / 100,
		hi[d] = r->hi95 / 100;
	}
	hg_sii_opts so;
	hg_sii_opts_init(&so);
	so.value_type = HG_SII_PROPORTION, so.transform = 1, so.multiplier = 100;
	so.repetitions = 5000, so.conf[0] = 0.95, so.conf[1] = 0.998, so.nconf = 2, so.rii = 1;
	hg_sii_input in = {10, pop, val, NULL, lo, hi};
	hg_sii_result res;
	cr_assert_eq(hg_sii(&in, &so, &res, NULL), 0);
	const hg_ineq_row *s = fx_measure(&a, 0, "imd_decile", "sii", NULL);
	cr_expect(fabs(s->value - res.sii) < 1e-9, "%g vs %g", s->value, res.sii);
	/* limits are simulated with another seed: equal within simulation error */
	cr_expect(fabs(s->lo95 - res.sii_lower[0]) < 0.5, "%g vs %g", s->lo95, res.sii_lower[0]);
	cr_expect(fabs(s->hi95 - res.sii_upper[0]) < 0.5, "%g vs %g", s->hi95, res.sii_upper[0]);
	hg_analysis_free(&a);
	fx_free(&f);
}

Test(ineq_measures, gap_and_people_to_close)
{
	fx f;
	fx_init(&f, 1, 3000, 0, 7);
	hg_objectives obj;
	fx_objectives(&obj, fx_obj_text);
	hg_analysis a;
	fx_run(&f, &obj, &a);
	const hg_row *q1 = fx_find(&f, 0, 2, 0), *q5 = fx_find(&f, 0, 2, 4);
	const hg_ineq_row *g = fx_measure(&a, 0, "imd_quintile", "gap_abs", "1");
	cr_assert(g);
	cr_expect(fabs(g->value - (q1->value - q5->value)) < 1e-9);
	double truth = 100 * (fx_p(1, 0, 0) + fx_p(2, 0, 0) - fx_p(9, 0, 0) - fx_p(10, 0, 0)) / 2;
	cr_expect(g->lo95 <= truth && truth <= g->hi95, "gap %g [%g, %g] vs %g", g->value, g->lo95,
	          g->hi95, truth);
	cr_expect_str_eq(g->comparison, "worse");
	const hg_ineq_row *r = fx_measure(&a, 0, "imd_quintile", "gap_rel", "1");
	cr_expect(fabs(r->value - q1->value / q5->value) < 1e-9);
	cr_expect(r->lo95 < r->value && r->value < r->hi95);
	const hg_ineq_row *p = fx_measure(&a, 0, "imd_quintile", "people_to_close_gap", "1");
	double want = ceil((q5->value - q1->value) / 100 * q1->den - 1e-9);
	cr_expect(fabs(p->value - want) < 1e-9, "%g vs %g", p->value, want);
	const hg_ineq_row *t = fx_measure(&a, 0, "All", "people_to_target", "All");
	const hg_row *all = fx_find(&f, 0, 0, 0);
	cr_expect(fabs(t->value - ceil((80 - all->value) / 100 * all->den - 1e-9)) < 1e-9);
	hg_analysis_free(&a);
	hg_objectives_free(&obj);
	fx_free(&f);
}

Test(ineq_measures, compared_with_all_by_polarity)
{
	fx f;
	fx_init(&f, 1, 3000, 0, 3);
	hg_objectives obj;
	fx_objectives(&obj, fx_obj_text);
	hg_analysis a, n;
	fx_run(&f, &obj, &a);
	fx_run(&f, NULL, &n);
	cr_expect_str_eq(fx_measure(&a, 0, "imd_decile", "vs_all", "1")->comparison, "worse");
	cr_expect_str_eq(fx_measure(&a, 0, "imd_decile", "vs_all", "10")->comparison, "better");
	cr_expect_str_eq(fx_measure(&n, 0, "imd_decile", "vs_all", "1")->comparison, "lower");
	cr_expect_str_eq(fx_measure(&n, 0, "imd_decile", "vs_all", "10")->comparison, "higher");
	/* decile 5/6 straddle the mean: similar */
	const hg_ineq_row *m = fx_measure(&a, 0, "imd_quintile", "vs_all", "3");
	cr_expect_str_eq(m->comparison, "similar", "Q3 %g [%g, %g] vs All %g", m->value, m->lo95,
	                 m->hi95, fx_find(&f, 0, 0, 0)->value);
	hg_analysis_free(&a);
	hg_analysis_free(&n);
	hg_objectives_free(&obj);
	fx_free(&f);
}

Test(ineq_measures, ethnic_gap_to_best_group)
{
	fx f;
	fx_init(&f, 1, 3000, 0, 9);
	hg_objectives obj;
	fx_objectives(&obj, fx_obj_text);
	hg_analysis a;
	fx_run(&f, &obj, &a);
	const hg_ineq_row *b = fx_measure(&a, 0, "ethnicity", "gap_to_best", "Black");
	cr_assert(b);
	cr_expect_str_eq(b->reference, "White");
	cr_expect(b->hi95 < 0 && b->lo95 < -10, "Black gap %g [%g, %g]", b->value, b->lo95,
	          b->hi95);
	cr_expect_str_eq(b->comparison, "worse");
	cr_expect_null(fx_measure(&a, 0, "ethnicity", "gap_to_best", "Not stated"));
	cr_expect_null(fx_measure(&a, 0, "ethnicity", "gap_to_best", "White"));
	const hg_ineq_row *p = fx_measure(&a, 0, "ethnicity", "people_to_close_gap", "Black");
	cr_expect(p && p->value > 0);
	hg_analysis_free(&a);
	hg_objectives_free(&obj);
	fx_free(&f);
}

/* A count's groups are parts of the whole's count: no group is compared with the whole or with
 * the largest group (both would compare sizes), and no SII; the Q1-Q5 gap stays. */
Test(ineq_measures, counts_not_compared_with_the_whole)
{
	fx f;
	fx_init(&f, 1, 3000, 0, 9);
	hg_analysis p;
	fx_run(&f, NULL, &p);
	cr_assert(fx_measure(&p, 0, "imd_decile", "vs_all", "1"), "a proportion is compared");
	cr_assert(fx_measure(&p, 0, "ethnicity", "gap_to_best", "Black"));
	f.ind.type = HG_IND_COUNT;
	hg_analysis a;
	fx_run(&f, NULL, &a);
	for (size_t k = 0; k < a.nineq; k++) {
		const char *m = a.ineq[k].measure;
		cr_expect(strcmp(m, "vs_all") && strcmp(m, "gap_to_best") &&
		              strcmp(m, "ratio_to_best"),
		          "%s of %s %s for a count", m, a.ineq[k].breakdown, a.ineq[k].category);
	}
	cr_expect_str_eq(fx_measure(&a, 0, "imd_decile", "sii", NULL)->note,
	                 "not computed for counts");
	cr_expect(fx_measure(&a, 0, "imd_quintile", "gap_abs", "1"));
	hg_analysis_free(&p);
	hg_analysis_free(&a);
	fx_free(&f);
}

Test(ineq_measures, funnel_names_outliers)
{
	fx f;
	fx_init(&f, 2, 3000, 0, 13);
	hg_analysis a;
	fx_run(&f, NULL, &a);
	cr_assert_eq(a.nfunnels, 1);
	cr_expect_eq(a.funnels[0].period, 1, "funnel of the latest period only");
	const hg_ineq_row *lo = fx_measure(&a, 1, "practice", "funnel", "P003");
	const hg_ineq_row *hi = fx_measure(&a, 1, "practice", "funnel", "P007");
	cr_assert(lo && hi);
	cr_expect_str_eq(lo->comparison, "Low (0.001)");
	cr_expect_str_eq(hi->comparison, "High (0.001)");
	cr_expect(strstr(lo->note, "outlier") != NULL);
	int outliers = 0;
	for (size_t k = 0; k < a.funnels[0].ndots; k++)
		outliers += a.funnels[0].dots[k].sig == HG_FUNNEL_HIGH_001 ||
		            a.funnels[0].dots[k].sig == HG_FUNNEL_LOW_001;
	cr_expect_leq(outliers, 3, "mostly within 99.8%% limits: %d outliers", outliers);
	cr_expect_null(fx_measure(&a, 0, "practice", "funnel", "P003"));
	hg_analysis_free(&a);
	fx_free(&f);
}

Test(ineq_measures, data_quality_beside_every_measure)
{
	fx f;
	fx_init(&f, 1, 3000, 0, 17);
	hg_analysis a;
	fx_run(&f, NULL, &a);
	const hg_row *all = fx_find(&f, 0, 0, 0), *ns = fx_find(&f, 0, 3, HG_ETH_NOT_STATED);
	const hg_row *unk = fx_find(&f, 0, 2, 5);
	for (size_t k = 0; k < a.nineq; k++) {
		cr_expect(fabs(a.ineq[k].pct_eth_not_stated - 100 * ns->den / all->den) < 1e-9);
		cr_expect(fabs(a.ineq[k].pct_imd_unknown - 100 * unk->den / all->den) < 1e-9);
	}
	hg_analysis_free(&a);
	fx_free(&f);
}

Test(ineq_measures, nothing_from_a_suppressed_cell)
{
	fx f;
	fx_init(&f, 1, 3000, 0, 19);
	fx_suppress(fx_find(&f, 0, 1, 2));            /* decile 3 */
	fx_suppress(fx_find(&f, 0, 2, 0));            /* quintile 1 */
	fx_suppress(fx_find(&f, 0, 3, HG_ETH_BLACK)); /* an ethnic group */
	fx_suppress(fx_find(&f, 0, 3, HG_ETH_NOT_STATED));
	hg_analysis a;
	fx_run(&f, NULL, &a);
	const hg_ineq_row *s = fx_measure(&a, 0, "imd_decile", "sii", NULL);
	cr_expect(isnan(s->value) && isnan(s->lo95));
	cr_expect(strstr(s->note, "decile 3 is suppressed") != NULL, "%s", s->note);
	cr_expect(isnan(fx_measure(&a, 0, "imd_quintile", "sii", NULL)->value));
	cr_expect(isnan(fx_measure(&a, 0, "imd_quintile", "gap_abs", "1")->value));
	cr_expect(isnan(fx_measure(&a, 0, "imd_quintile", "gap_rel", "1")->value));
	const hg_ineq_row *v = fx_measure(&a, 0, "imd_quintile", "vs_all", "1");
	cr_expect(isnan(v->value));
	cr_expect_str_eq(v->comparison, "not_compared");
	cr_expect(isnan(fx_measure(&a, 0, "ethnicity", "gap_to_best", "Black")->value));
	cr_expect(isnan(a.ineq[0].pct_eth_not_stated), "DQ share of a suppressed cell is NA");
	hg_analysis_free(&a);
	fx_free(&f);
}

Test(ineq_measures, objectives_file)
{
	hg_objectives o;
	hg_err err = {0};
	const char ok[] = "indicator_id,target_value,target_date,gap_reduction_target,polarity\n"
	                  "A,80,2026-03-31,0.2,higher_is_better\n"
	                  "B,,,,lower_is_better\n"
	                  "C,5.5,,10%,\n";
	cr_assert_eq(hg_objectives_parse(&o, "o.csv", ok, strlen(ok), &err), 0, "%s", err.msg);
	cr_expect_eq(o.n, 3);
	cr_expect_eq(hg_objectives_polarity(&o, "A"), HG_POL_HIGHER_BETTER);
	cr_expect_eq(hg_objectives_polarity(&o, "B"), HG_POL_LOWER_BETTER);
	cr_expect_eq(hg_objectives_polarity(&o, "C"), HG_POL_NEUTRAL);
	cr_expect_eq(hg_objectives_polarity(&o, "Z"), HG_POL_NEUTRAL);
	cr_expect(isnan(hg_objectives_find(&o, "B")->target_value));
	cr_expect(fabs(hg_objectives_find(&o, "C")->gap_reduction - 0.1) < 1e-12);
	cr_expect_eq(hg_objectives_find(&o, "A")->target_date, hg_date_from_ymd(2026, 3, 31));
	hg_objectives_free(&o);
	const char bad[] = "indicator_id,target_value,target_date,gap_reduction_target,polarity\n"
	                   "A,80,2026-03-31,0.2,upwards\n";
	cr_expect_neq(hg_objectives_parse(&o, "o.csv", bad, strlen(bad), &err), 0);
	cr_expect(strstr(err.msg, "o.csv:2: polarity 'upwards'") != NULL, "%s", err.msg);
	const char nohdr[] = "id,target\nA,1\n";
	cr_expect_neq(hg_objectives_parse(&o, "o.csv", nohdr, strlen(nohdr), &err), 0);
	const char gap[] = "indicator_id,target_value,target_date,gap_reduction_target\nA,1,,1.5\n";
	cr_expect_neq(hg_objectives_parse(&o, "o.csv", gap, strlen(gap), &err), 0);
}
