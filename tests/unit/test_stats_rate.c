/*
 * test_stats_rate.c: phe_rate parity (testdata_Rate: ungrouped with both
 * levels and grouped sums, exact below 10 events and Byar's from 10) and
 * phe_mean parity (testdata_Mean), plus error cases.
 */
#include "stats_testutil.h"

Test(stats_rate, rate_ungrouped_pair)
{
	hg_table t, out;
	hgt_load(&t, "sysdata_csv/test_Rate.csv");
	const char *cols[] = {"value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"};
	size_t checked = 0;
	for (int pass = 0; pass < 2; pass++) {
		hg_err err = {0};
		const char *m = pass ? "100000" : "100";
		const char *opts[] = {"x",          "Numerator", "n",          "Denominator",
		                      "confidence", "95,99.8",   "multiplier", m};
		cr_assert_eq(hgt_run(hg_stats_cmd_rate, "rate", &t, opts, 4, &out, &err), 0, "%s",
		             err.msg);
		size_t base = out.ncols - 8;
		cr_assert_str_eq(out.names[base], "value");
		for (size_t i = 0; i < t.nrows; i++) {
			if (strcmp(hgt_str(&t, i, "multiplier"), m))
				continue;
			for (size_t c = 0; c < 5; c++) {
				double got = hgt_cell_num(&out, i, (int)(base + c));
				hgt_close(got, hgt_num(&t, i, cols[c]), cols[c]);
				checked++;
			}
			cr_assert_str_eq(hg_table_cell(&out, i, (int)(base + 6)),
			                 hgt_str(&t, i, "statistic"));
			const char *meth = hg_table_cell(&out, i, (int)(base + 7));
			cr_assert_str_eq(meth, hgt_str(&t, i, "method"), "row %zu", i);
		}
		hg_table_free(&out);
	}
	cr_assert_eq(checked, 20 * 5, "checked %zu", checked);
	hg_table_free(&t);
}

Test(stats_rate, rate_grouped)
{
	hg_table in, want, out;
	hgt_load(&in, "sysdata_csv/test_Rate_g.csv");
	hgt_load(&want, "sysdata_csv/test_Rate_g_results.csv");
	hg_err err = {0};
	const char *opts[] = {"x", "Numerator", "n", "Denominator", "group", "Area"};
	cr_assert_eq(hgt_run(hg_stats_cmd_rate, "rate", &in, opts, 3, &out, &err), 0, "%s",
	             err.msg);
	const char *cols[] = {"Numerator", "Denominator", "value", "lowercl", "uppercl"};
	size_t checked = hgt_compare(&out, &want, "Area", cols, 5);
	hgt_check_strings(&out, &want, "Area", "method");
	hgt_check_strings(&out, &want, "Area", "statistic");
	cr_assert_eq(checked, 12 * 5);
	hg_table_free(&in);
	hg_table_free(&want);
	hg_table_free(&out);
}

Test(stats_rate, rate_errors)
{
	hg_err err = {0};
	cr_assert_eq(hg_rate_check(-1, 10, &err), HG_ESTATS);
	cr_assert_eq(hg_rate_check(1, 0, &err), HG_ESTATS);
	cr_assert_eq(hg_rate_check(20, 10, &err), 0); /* x > n is fine for a rate */
	const char csv[] = "x,n\n3,100\n4,-5\n";
	hg_table in, out;
	cr_assert_eq(hg_table_read_mem(&in, "in.csv", csv, sizeof csv - 1, &err), 0);
	cr_assert_eq(hgt_run(hg_stats_cmd_rate, "rate", &in, NULL, 0, &out, &err), HG_ESTATS);
	cr_assert(strstr(err.msg, "in.csv line 3, column 'n'"), "%s", err.msg);
	hg_table_free(&in);
	hg_table_free(&out);
}

Test(stats_mean, textbook)
{
	/* 2,4,4,4,5,5,7,9: mean 5, sd 2.13809; t(0.975, 7) = 2.364624 */
	double v[] = {2, 4, 4, 4, 5, 5, 7, 9}, lo, hi;
	hg_mean_res m;
	hg_mean_stats(v, 8, &m);
	cr_assert_eq(m.value, 5);
	cr_assert(fabs(m.sd - 2.138089935) < 1e-9, "%.12g", m.sd);
	hg_mean_limits(&m, 0.95, &lo, &hi);
	cr_assert(fabs(hi - (5 + 2.364624252 * 2.138089935 / sqrt(8))) < 1e-8, "%.12g", hi);
	v[3] = NAN; /* any NA makes the group NA (no na.rm) */
	hg_mean_stats(v, 8, &m);
	cr_assert(isnan(m.value) && isnan(m.sd) && m.count == 8);
}

Test(stats_mean, testdata_mean)
{
	hg_table in, want, out, all;
	hgt_load(&in, "sysdata_csv/test_Mean.csv");
	hgt_load(&want, "sysdata_csv/test_Mean_results.csv");
	hg_err err = {0};
	const char *cols[] = {"value_sum",   "value_count", "stdev",       "value",
	                      "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"};
	const char *opts[] = {"x", "values", "group", "area", "confidence", "0.95,0.998"};
	cr_assert_eq(hgt_run(hg_stats_cmd_mean, "mean", &in, opts, 3, &out, &err), 0, "%s",
	             err.msg);
	cr_assert_eq(out.nrows, 2);
	size_t checked = 0;
	for (size_t i = 0; i < 2; i++) {
		long r = hgt_find(&out, "area", hgt_str(&want, i, "area"));
		cr_assert_geq(r, 0);
		for (size_t c = 0; c < 8; c++) {
			hgt_close(hgt_num(&out, (size_t)r, cols[c]), hgt_num(&want, i, cols[c]),
			          cols[c]);
			checked++;
		}
	}
	/* ungrouped: one row over all values ("No grouping") */
	cr_assert_eq(hgt_run(hg_stats_cmd_mean, "mean", &in, opts, 1, &all, &err), 0);
	hg_table_free(&out);
	const char *opts2[] = {"x", "values", "confidence", "0.95,0.998"};
	cr_assert_eq(hgt_run(hg_stats_cmd_mean, "mean", &in, opts2, 2, &out, &err), 0, "%s",
	             err.msg);
	cr_assert_eq(out.nrows, 1);
	cr_assert_str_eq(hgt_str(&want, 2, "area"), "No grouping");
	for (size_t c = 0; c < 8; c++) {
		hgt_close(hgt_num(&out, 0, cols[c]), hgt_num(&want, 2, cols[c]), cols[c]);
		checked++;
	}
	cr_assert_str_eq(hgt_str(&out, 0, "method"), "Student's t-distribution");
	cr_assert_eq(checked, 24);
	hg_table_free(&in);
	hg_table_free(&want);
	hg_table_free(&out);
	hg_table_free(&all);
}
