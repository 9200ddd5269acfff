/*
 * test_stats_le.c: phe_life_expectancy and phe_quantile parity: the df1
 * example at full precision, the grouped input with every exclusion rule
 * (R oracle), the wide-CI example (4 dp), le_age filtering, several levels,
 * and phe_quantile's testdata_Quantiles assignments.
 */
#include "stats_testutil.h"

#include "core/csv.h"

static const double hgt_df1_pop[20] = {7060,  35059, 46974, 48489, 43219, 38561, 46009,
                                       57208, 61435, 55601, 50209, 56416, 46411, 39820,
                                       37978, 37039, 33288, 23306, 11936, 11936};
static const double hgt_df1_dth[20] = {17,  9,   4,   8,   20,  15,  24,   33,   50,   71,
                                       100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937};
static const double hgt_ages[20] = {0,  1,  5,  10, 15, 20, 25, 30, 35, 40,
                                    45, 50, 55, 60, 65, 70, 75, 80, 85, 90};

Test(stats_le, df1_reference_value)
{
	/* stats-methods.md §8: e0 = 80.16960813, 95% limits 79.88268548 to 80.45653078.
	 * Those limits use z = 1.96 exactly (the package's own output, checked in
	 * df1_full_precision, uses qnorm(0.975) = 1.959964...). */
	double e[20], se[20];
	int st = hg_life_table(hgt_df1_dth, hgt_df1_pop, hgt_ages, 20, e, se);
	cr_assert_eq(st, HG_LE_OK);
	cr_assert(fabs(e[0] - 80.16960813) < 5e-9, "%.12g", e[0]);
	cr_assert(fabs(e[0] - 1.96 * se[0] - 79.88268548) < 5e-8, "%.12g", e[0] - 1.96 * se[0]);
	cr_assert(fabs(e[0] + 1.96 * se[0] - 80.45653078) < 5e-8, "%.12g", e[0] + 1.96 * se[0]);
}

Test(stats_le, exclusions)
{
	double d[20], p[20], e[20], se[20];
	memcpy(d, hgt_df1_dth, sizeof d);
	memcpy(p, hgt_df1_pop, sizeof p);
	d[3] = -1;
	cr_assert_eq(hg_life_table(d, p, hgt_ages, 20, e, se), HG_LE_NEG_DEATHS);
	cr_assert(isnan(e[0]));
	d[3] = 8;
	p[4] = 0;
	cr_assert_eq(hg_life_table(d, p, hgt_ages, 20, e, se), HG_LE_BAD_POP);
	p[4] = 43219;
	cr_assert_eq(hg_life_table(d, p, hgt_ages, 19, e, se), HG_LE_BANDS_WRONG);
	d[5] = p[5] + 1;
	cr_assert_eq(hg_life_table(d, p, hgt_ages, 20, e, se), HG_LE_DEATHS_GT_POP);
	for (int i = 0; i < 20; i++)
		p[i] = 250, d[i] = 1; /* total 5000: "<= 5000" excludes */
	cr_assert_eq(hg_life_table(d, p, hgt_ages, 20, e, se), HG_LE_LOW_POP);
	cr_assert(hg_le_too_wide(5.2) && !hg_le_too_wide(5.1));
}

static const char *const hgt_le_cols[] = {"value", "lowercl", "uppercl", "pops_used", "dths_used"};

Test(stats_le, df1_full_precision)
{
	hg_table in, want, out;
	hg_err err = {0};
	hgt_load(&in, "inline_csv/LE_df1_expected_4dp.csv");
	hgt_load(&want, "inline_csv/LE_df1_oracle_full_precision.csv");
	const char *opts[] = {"deaths", "deaths", "population", "pops"};
	cr_assert_eq(hgt_run(hg_stats_cmd_life_expectancy, "le", &in, opts, 2, &out, &err), 0, "%s",
	             err.msg);
	cr_assert_eq(out.nrows, 20);
	size_t n = hgt_compare(&out, &want, "startage", hgt_le_cols, 5);
	hgt_check_strings(&out, &want, "startage", "statistic");
	hgt_check_strings(&out, &want, "startage", "method");
	hgt_check_strings(&out, &want, "startage", "confidence");
	cr_assert_eq(n, 100);
	hg_table_free(&out);
	/* le_age filter and two levels: names and values consistent with 95% */
	const char *opts2[] = {"deaths", "deaths", "population", "pops",
	                       "le-age", "0,65",   "confidence", "95,99.8"};
	cr_assert_eq(hgt_run(hg_stats_cmd_life_expectancy, "le", &in, opts2, 4, &out, &err), 0,
	             "%s", err.msg);
	cr_assert_eq(out.nrows, 2);
	cr_assert_str_eq(out.names[2], "lower95_0cl");
	cr_assert_str_eq(out.names[3], "lower99_8cl");
	cr_assert_str_eq(out.names[4], "upper95_0cl");
	cr_assert_str_eq(hgt_str(&out, 1, "startage"), "65");
	cr_assert_str_eq(hgt_str(&out, 0, "confidence"), "95%, 99.8%");
	hgt_close(hgt_num(&out, 0, "lower95_0cl"), hgt_num(&want, 0, "lowercl"), "lower95");
	double e = hgt_num(&want, 14, "value"), lo = hgt_num(&want, 14, "lowercl");
	double se = (e - lo) / hg_z2(0.95);
	cr_assert(fabs(hgt_num(&out, 1, "upper99_8cl") - (e + hg_z2(0.998) * se)) < 1e-9);
	hg_table_free(&in);
	hg_table_free(&want);
	hg_table_free(&out);
}

Test(stats_le, grouped_with_warnings)
{
	hg_table in, want, out;
	hg_err err = {0};
	hgt_load(&in, "inline_csv/LE_grouped_with_warnings_input.csv");
	hgt_load(&want, "inline_csv/LE_grouped_with_warnings_oracle.csv");
	const char *opts[] = {"deaths",   "deaths", "population", "pop",
	                      "startage", "age",    "group",      "area"};
	cr_assert_eq(hgt_run(hg_stats_cmd_life_expectancy, "le", &in, opts, 4, &out, &err), 0, "%s",
	             err.msg);
	cr_assert_eq(out.nrows, want.nrows);
	size_t n = 0;
	for (size_t i = 0; i < want.nrows; i++) {
		long r = -1;
		for (size_t j = 0; j < out.nrows && r < 0; j++)
			if (!strcmp(hgt_str(&out, j, "area"), hgt_str(&want, i, "area")) &&
			    !strcmp(hgt_str(&out, j, "age"), hgt_str(&want, i, "age")))
				r = (long)j;
		cr_assert_geq(r, 0);
		for (size_t c = 0; c < 5; c++) {
			char what[128];
			snprintf(what, sizeof what, "%s age %s %s", hgt_str(&want, i, "area"),
			         hgt_str(&want, i, "age"), hgt_le_cols[c]);
			hgt_close(hgt_num(&out, (size_t)r, hgt_le_cols[c]),
			          hgt_num(&want, i, hgt_le_cols[c]), what);
			n++;
		}
		cr_assert_str_eq(hgt_str(&out, (size_t)r, "statistic"),
		                 hgt_str(&want, i, "statistic"));
	}
	cr_assert_eq(n, 119 * 5);
	hg_table_free(&in);
	hg_table_free(&want);
	hg_table_free(&out);
}

/*
 * LE_widecis_expected_4dp.csv: the input columns are as the test built them
 * (Area 1's 90+ deaths set to 312 > population, so Area 1 is excluded), but
 * the expected columns are R's output order: computed group first, excluded
 * group appended. So the expected "Area 1" rows belong to Area 2 and vice
 * versa. Values are given to 4 dp.
 */
Test(stats_le, wide_cis_4dp)
{
	hg_table in, out;
	hg_err err = {0};
	hgt_load(&in, "inline_csv/LE_widecis_expected_4dp.csv");
	const char *opts[] = {"deaths", "deaths", "population", "pops",
	                      "group",  "area",   "confidence", "0.95"};
	cr_assert_eq(hgt_run(hg_stats_cmd_life_expectancy, "le", &in, opts, 4, &out, &err), 0, "%s",
	             err.msg);
	cr_assert_eq(out.nrows, 40);
	const char *cols[] = {"value", "lower95_0cl", "upper95_0cl"};
	const char *mine[] = {"value", "lowercl", "uppercl"};
	size_t n = 0;
	for (size_t i = 0; i < in.nrows; i++) {
		int first = !strcmp(hgt_str(&in, i, "area"), "Area 1");
		size_t r = first ? i + 20 : i - 20; /* the other area, same band */
		for (size_t c = 0; c < 3; c++) {
			double want = hgt_num(&in, i, cols[c]), got = hgt_num(&out, r, mine[c]);
			if (isnan(want)) {
				cr_assert(isnan(got), "row %zu %s: got %g, want NA", i, cols[c],
				          got);
			} else {
				cr_assert(fabs(got - want) <= 5.0001e-5, "row %zu %s: %g vs %g", i,
				          cols[c], got, want);
			}
			n++;
		}
	}
	cr_assert_eq(n, 120);
	hg_table_free(&in);
	hg_table_free(&out);
}

Test(stats_le, bad_band_label_is_an_error)
{
	const char csv[] = "startage,deaths,population\n0,1,100\n3,1,100\n";
	hg_table in, out;
	hg_err err = {0};
	cr_assert_eq(hg_table_read_mem(&in, "le.csv", csv, sizeof csv - 1, &err), 0);
	cr_assert_eq(hgt_run(hg_stats_cmd_life_expectancy, "le", &in, NULL, 0, &out, &err),
	             HG_ESTATS);
	cr_assert(strstr(err.msg, "le.csv line 3, column 'startage'"), "%s", err.msg);
	hg_table_free(&in);
	hg_table_free(&out);
}

/* ---- quantiles ----------------------------------------------------------- */

Test(stats_quantile, small)
{
	/* 10 values into 5 quantiles, highest value in quantile 1 when inverted */
	double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, q[10];
	cr_assert_eq(hg_quantile_assign(v, 10, 5, 1, q), 0);
	cr_assert(q[9] == 1 && q[8] == 1 && q[0] == 5 && q[1] == 5);
	cr_assert_eq(hg_quantile_assign(v, 10, 5, 0, q), 0);
	cr_assert(q[0] == 1 && q[9] == 5);
	double t[] = {3, 3, 3, NAN}; /* ties share a quantile; NA stays NA */
	cr_assert_eq(hg_quantile_assign(t, 4, 2, 0, q), 0);
	cr_assert(q[0] == q[1] && q[1] == q[2] && isnan(q[3]));
	cr_assert_eq(hg_quantile_assign(t, 4, 5, 0, q), 1); /* too few areas */
	cr_assert(isnan(q[0]));
}

/* Compare quantile with QuantileInGrp on the rows of GroupSet gs. */
static size_t hgt_q_case(const char *gs, const char *group, const char *nq, const char *invert)
{
	hg_table all, in, out;
	hg_err err = {0};
	hgt_load(&all, "sysdata_csv/test_quantiles_g.csv");
	hg_buf b = {0};
	for (size_t j = 0; j < all.ncols; j++)
		hg_buf_printf(&b, "%s%s", j ? "," : "", all.names[j]);
	hg_buf_putc(&b, '\n');
	for (size_t i = 0; i < all.nrows; i++) {
		if (strcmp(hgt_str(&all, i, "GroupSet"), gs))
			continue;
		for (size_t j = 0; j < all.ncols; j++) {
			if (j)
				hg_buf_putc(&b, ',');
			const char *c = hg_table_cell(&all, i, (int)j);
			hg_csv_put_field(&b, c, strlen(c));
		}
		hg_buf_putc(&b, '\n');
	}
	cr_assert_eq(hg_table_read_mem(&in, gs, b.p, b.n, &err), 0);
	const char *opts[] = {"values", "Value", "nquantiles", nq,
	                      "invert", invert,  "group",      group};
	cr_assert_eq(
	    hgt_run(hg_stats_cmd_quantile, "quantile", &in, opts, group ? 4 : 3, &out, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(out.nrows, in.nrows);
	for (size_t i = 0; i < in.nrows; i++) {
		char what[64];
		snprintf(what, sizeof what, "%s row %zu", gs, i);
		hgt_close(hgt_num(&out, i, "quantile"), hgt_num(&in, i, "QuantileInGrp"), what);
	}
	size_t n = in.nrows;
	hg_buf_free(&b);
	hg_table_free(&all);
	hg_table_free(&in);
	hg_table_free(&out);
	return n;
}

Test(stats_quantile, testdata_quantiles)
{
	size_t n = 0;
	n += hgt_q_case("IndSexReg", "IndSexRef,ParentCode", "10", "Polarity"); /* df1 */
	n += hgt_q_case("IndSex", NULL, "7", "Polarity");                       /* df3 */
	n += hgt_q_case("None", NULL, "4", "TRUE");                             /* df4 */
	cr_assert_eq(n, 339 + 152 + 491, "checked %zu", n);
}

Test(stats_quantile, invert_must_be_constant)
{
	hg_table in, out;
	hg_err err = {0};
	hgt_load(&in, "sysdata_csv/test_quantiles_fail.csv");
	const char *opts[] = {"values", "Value", "invert", "Polarity"};
	cr_assert_eq(hgt_run(hg_stats_cmd_quantile, "quantile", &in, opts, 2, &out, &err),
	             HG_ESTATS);
	cr_assert(strstr(err.msg, "same logical value"), "%s", err.msg);
	hg_table_free(&in);
	hg_table_free(&out);
}
