/*
 * test_stats_proportion.c: Wilson and Byar's limits and phe_proportion /
 * phe_rate parity against PHEindicatormethods' expected values
 * (testdata_Byars_Wilson, testdata_Proportion, testdata_Rate, NCMP_testdata),
 * plus textbook values and error cases that need no shared data.
 */
#include "stats_testutil.h"

/* ---- no shared data ---------------------------------------------------- */

Test(stats_proportion, wilson_textbook)
{
	/* Newcombe 1998 Stat Med 17:857, example 81/263: 0.2553 to 0.3662 */
	double lo, hi;
	cr_assert_eq(hg_wilson(81, 263, 0.95, &lo, &hi), 0);
	cr_assert(fabs(lo - 0.2553) < 5e-5 && fabs(hi - 0.3662) < 5e-5, "%g %g", lo, hi);
	/* 0/10: lower limit 0, upper 0.2775 */
	cr_assert_eq(hg_wilson(0, 10, 0.95, &lo, &hi), 0);
	cr_assert(fabs(lo) < 1e-15 && fabs(hi - 0.2775) < 5e-5, "%g %g", lo, hi);
	/* confidence 1 gives 0 and 1 */
	cr_assert_eq(hg_wilson(3, 10, 1, &lo, &hi), 0);
	cr_assert(lo == 0 && hi == 1);
}

Test(stats_proportion, wilson_errors)
{
	double lo, hi;
	cr_assert_eq(hg_wilson(11, 10, 0.95, &lo, &hi), HG_ESTATS);
	cr_assert_eq(hg_wilson(-1, 10, 0.95, &lo, &hi), HG_ESTATS);
	cr_assert_eq(hg_wilson(1, -10, 0.95, &lo, &hi), HG_ESTATS);
	hg_err err = {0};
	cr_assert_eq(hg_proportion_check(5, 0, &err), HG_ESTATS);
	cr_assert(strstr(err.msg, "denominators"), "%s", err.msg);
	cr_assert_eq(hg_proportion_check(6, 5, &err), HG_ESTATS);
	cr_assert(strstr(err.msg, "less than or equal to denominator"), "%s", err.msg);
	cr_assert_eq(hg_proportion_check(NAN, 5, &err), 0); /* NA passes, as in R */
}

Test(stats_proportion, byars_textbook)
{
	/* Byar's limits for 10 events, by hand: 4.78745 to 18.39146 (exact: 4.7954 to 18.3904) */
	cr_assert(fabs(hg_byars_lower(10, 0.95) - 4.78745) < 1e-5, "%g", hg_byars_lower(10, 0.95));
	cr_assert(fabs(hg_byars_upper(10, 0.95) - 18.39146) < 1e-5, "%g", hg_byars_upper(10, 0.95));
	cr_assert(fabs(hg_exact_lower(10, 0.95) - 4.795389) < 1e-6, "%g", hg_exact_lower(10, 0.95));
	cr_assert(fabs(hg_exact_upper(10, 0.95) - 18.390356) < 1e-6, "%g",
	          hg_exact_upper(10, 0.95));
	/* exact Poisson for 0 events: 0 to 3.6889 */
	cr_assert_eq(hg_exact_lower(0, 0.95), 0);
	cr_assert(fabs(hg_exact_upper(0, 0.95) - 3.688879) < 1e-6);
	double lo, hi;
	cr_assert_eq(hg_count_limits(9, 0.95, &lo, &hi), 1);
	cr_assert_eq(hg_count_limits(10, 0.95, &lo, &hi), 0);
	cr_assert(isnan(hg_byars_lower(1, 0.998)), "negative Byar's lower limit is NA");
}

Test(stats_proportion, confidence_rules)
{
	hg_err err = {0};
	double one[1] = {95};
	cr_assert_eq(hg_conf_check(one, 1, HG_CONF_ONE_OR_PAIR, &err), 0);
	cr_assert_eq(one[0], 0.95);
	double bad[1] = {0.74};
	cr_assert_eq(hg_conf_check(bad, 1, HG_CONF_ONE_OR_PAIR, &err), HG_ESTATS);
	double mid[1] = {3};
	cr_assert_eq(hg_conf_check(mid, 1, HG_CONF_ONE_OR_PAIR, &err), HG_ESTATS);
	double big[1] = {1000};
	cr_assert_eq(hg_conf_check(big, 1, HG_CONF_ONE_OR_PAIR, &err), HG_ESTATS);
	double pair[2] = {0.95, 0.98};
	cr_assert_eq(hg_conf_check(pair, 2, HG_CONF_ONE_OR_PAIR, &err), HG_ESTATS);
	cr_assert(strstr(err.msg, "0.95, 0.998"), "%s", err.msg);
	double three[3] = {0.95, 0.998, 0.98};
	cr_assert_eq(hg_conf_check(three, 3, HG_CONF_ONE_OR_PAIR, &err), HG_ESTATS);
	cr_assert_eq(hg_conf_check(three, 3, HG_CONF_ANY, &err), 0);
	char name[32];
	hg_cl_name(name, sizeof name, "", "lower", 0.998, 0, "cl");
	cr_assert_str_eq(name, "lower99_8cl");
	hg_conf_label(0.998, name, sizeof name);
	cr_assert_str_eq(name, "99.8%");
}

Test(stats_proportion, cli_rejects_x_over_n)
{
	const char csv[] = "area,x,n\nA,1,10\nB,12,10\n";
	hg_table in, out;
	hg_err err = {0};
	cr_assert_eq(hg_table_read_mem(&in, "in.csv", csv, sizeof csv - 1, &err), 0);
	int rc = hgt_run(hg_stats_cmd_proportion, "proportion", &in, NULL, 0, &out, &err);
	cr_assert_eq(rc, HG_ESTATS);
	cr_assert(strstr(err.msg, "line 3") && strstr(err.msg, "'x'"), "%s", err.msg);
	hg_table_free(&in);
	hg_table_free(&out);
}

/* ---- PHEindicatormethods expected values ------------------------------- */

Test(stats_proportion, byars_wilson_testdata)
{
	hg_table t;
	hgt_load(&t, "sysdata_csv/test_BW.csv");
	size_t checked = 0;
	for (size_t i = 0; i < t.nrows; i++) {
		double x = hgt_num(&t, i, "x"), n = hgt_num(&t, i, "n");
		double conf = strcmp(hgt_str(&t, i, "confidence"), "95%") ? 0.998 : 0.95;
		double lo, hi;
		if (!strcmp(hgt_str(&t, i, "method"), "Wilson")) {
			cr_assert_eq(hg_wilson(x, n, conf, &lo, &hi), 0);
		} else {
			lo = hg_byars_lower(x, conf);
			hi = hg_byars_upper(x, conf);
		}
		hgt_close(lo, hgt_num(&t, i, "lowercl"), "lowercl");
		hgt_close(hi, hgt_num(&t, i, "uppercl"), "uppercl");
		checked += 2;
	}
	cr_assert_eq(checked, 26);
	hg_table_free(&t);
}

static const char *const hgt_pair_cols[] = {"value", "lower95_0cl", "upper95_0cl", "lower99_8cl",
                                            "upper99_8cl"};
static const char *const hgt_one_cols[] = {"Numerator", "Denominator", "value", "lowercl",
                                           "uppercl"};

/* test_Prop: ungrouped rows, both levels, multiplier 1 then 100. */
Test(stats_proportion, prop_ungrouped_pair)
{
	hg_table t, out;
	hgt_load(&t, "sysdata_csv/test_Prop.csv");
	size_t checked = 0;
	for (int pass = 0; pass < 2; pass++) {
		hg_err err = {0};
		const char *m = pass ? "100" : "1";
		const char *opts[] = {"x",          "Numerator",  "n",          "Denominator",
		                      "confidence", "0.95,0.998", "multiplier", m};
		cr_assert_eq(
		    hgt_run(hg_stats_cmd_proportion, "proportion", &t, opts, 4, &out, &err), 0,
		    "%s", err.msg);
		size_t base = out.ncols - 5 - 3; /* new columns follow the input's */
		cr_assert_str_eq(out.names[base], "value");
		for (size_t i = 0; i < t.nrows; i++) {
			if (strcmp(hgt_str(&t, i, "multiplier"), m))
				continue;
			for (size_t c = 0; c < 5; c++) {
				double got = hgt_cell_num(&out, i, (int)(base + c));
				hgt_close(got, hgt_num(&t, i, hgt_pair_cols[c]), hgt_pair_cols[c]);
				checked++;
			}
			cr_assert_str_eq(hg_table_cell(&out, i, (int)(base + 6)),
			                 hgt_str(&t, i, "statistic"));
		}
		hg_table_free(&out);
	}
	cr_assert_eq(checked, 19 * 5, "checked %zu", checked);
	hg_table_free(&t);
}

/* test_Prop_g grouped by Area sums each area's two rows (as the R test does). */
Test(stats_proportion, prop_grouped)
{
	hg_table in, want, out;
	hgt_load(&in, "sysdata_csv/test_Prop_g.csv");
	hgt_load(&want, "sysdata_csv/test_Prop_g_results.csv");
	hg_err err = {0};
	const char *opts[] = {"x", "Numerator", "n", "Denominator", "group", "Area"};
	cr_assert_eq(hgt_run(hg_stats_cmd_proportion, "proportion", &in, opts, 3, &out, &err), 0,
	             "%s", err.msg);
	cr_assert_eq(out.nrows, want.nrows);
	size_t checked = hgt_compare(&out, &want, "Area", hgt_one_cols, 5);
	hgt_check_strings(&out, &want, "Area", "statistic");
	hgt_check_strings(&out, &want, "Area", "confidence");
	hgt_check_strings(&out, &want, "Area", "method");
	cr_assert_eq(checked, 11 * 5);
	hg_table_free(&in);
	hg_table_free(&want);
	hg_table_free(&out);
}

/* confidence NA: value and statistic only (no limits, confidence or method). */
Test(stats_proportion, prop_grouped_no_ci)
{
	hg_table in, want, out;
	hgt_load(&in, "sysdata_csv/test_Prop_g.csv");
	hgt_load(&want, "sysdata_csv/test_Prop_g_results_no_CI.csv");
	hg_err err = {0};
	const char *opts[] = {"x",     "Numerator", "n",          "Denominator",
	                      "group", "Area",      "confidence", "NA"};
	cr_assert_eq(hgt_run(hg_stats_cmd_proportion, "proportion", &in, opts, 4, &out, &err), 0,
	             "%s", err.msg);
	cr_assert_lt(hg_table_col(&out, "lowercl"), 0);
	cr_assert_lt(hg_table_col(&out, "method"), 0);
	size_t checked = hgt_compare(&out, &want, "Area", hgt_one_cols, 3);
	hgt_check_strings(&out, &want, "Area", "statistic");
	cr_assert_eq(checked, 11 * 3);
	hg_table_free(&in);
	hg_table_free(&want);
	hg_table_free(&out);
}

/* NCMP_testdata: Rate, LCL, UCL are Wilson percentages of Count/Measured. */
Test(stats_proportion, ncmp_percentages)
{
	hg_table t;
	hgt_load(&t, "NCMP_testdata.csv");
	size_t checked = 0;
	for (size_t i = 0; i < t.nrows; i++) {
		double x = hgt_num(&t, i, "Count"), n = hgt_num(&t, i, "Measured"), lo, hi;
		cr_assert_eq(hg_wilson(x, n, 0.95, &lo, &hi), 0);
		hgt_close(x / n * 100, hgt_num(&t, i, "Rate"), "Rate");
		hgt_close(lo * 100, hgt_num(&t, i, "LCL"), "LCL");
		hgt_close(hi * 100, hgt_num(&t, i, "UCL"), "UCL");
		checked += 3;
	}
	cr_assert_gt(checked, 300);
	hg_table_free(&t);
}
