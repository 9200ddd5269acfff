/*
 * test_stats_funnel.c: funnel plots (src/stats/funnel.c) against every
 * expected value in PHEindicatormethods' funnel test files: limits to 1e-9
 * relative or, where the file prints fewer digits, to half a unit in the
 * last printed place; significance labels and funnel points exactly as the
 * package's testFunnels.R uses them. Plus shared-independent checks.
 */
#include "stats/funnel.h"
#include "stats_b_util.h"

#include <criterion/criterion.h>

#define FDIR "testdata/PHEindicatormethods/"

static int fn_load(tb_csv *t, const char *file)
{
	char buf[1024], rel[256];
	snprintf(rel, sizeof rel, FDIR "%s", file);
	if (!tb_shared(buf, sizeof buf, rel))
		return -1;
	return tb_load(t, buf);
}

#define FN_LOAD(t, file)                                                                           \
	do {                                                                                       \
		if (fn_load(t, file))                                                              \
			cr_skip_test("shared test data absent (PHEindicatormethods/%s)", file);    \
	} while (0)

/* Compare one printed expected cell with a computed value. */
static int fn_cmp(const tb_csv *t, size_t row, int col, double got, const char *what)
{
	const char *s = t->cells[row * t->ncols + (size_t)col];
	double want;
	cr_assert_eq(hg_parse_double(hg_sv_from(s), &want), 0, "%s: '%s'", what, s);
	int ok = tb_close(got, want, 1e-9, tb_half_ulp(s) * (1 + 1e-9));
	cr_expect(ok, "%s row %zu col %s: got %.12g want %s", what, row + 1, t->names[col], got, s);
	return 1;
}

/* Check 100 points against an output file whose columns are named in cols. */
static int fn_check_points(const tb_csv *t, const hg_funnel_point *p, const char *const *cols,
                           int ratio_type_cols, const char *what)
{
	int n = 0;
	cr_assert_eq(t->nrows, HG_FUNNEL_POINTS, "%s", what);
	for (size_t r = 0; r < HG_FUNNEL_POINTS; r++) {
		const hg_funnel_point *q = &p[r];
		double v[] = {q->x,
		              q->lower_2s,
		              q->upper_2s,
		              q->lower_3s,
		              q->upper_3s,
		              q->baseline,
		              q->lower_2s_exp,
		              q->upper_2s_exp,
		              q->lower_3s_exp,
		              q->upper_3s_exp};
		for (int k = 0; k < 10; k++) {
			if (!cols[k])
				continue;
			int c = k == 0 ? 0 : tb_col(t, cols[k]);
			cr_assert_geq(c, 0, "%s: column %s", what, cols[k]);
			n += fn_cmp(t, r, c, v[k], what);
		}
	}
	(void)ratio_type_cols;
	return n;
}

static void fn_cols(tb_csv *t, const char *num, const char *den, double **x, double **n,
                    size_t *len)
{
	*len = t->nrows;
	*x = calloc(t->nrows, sizeof **x);
	*n = calloc(t->nrows, sizeof **n);
	for (size_t i = 0; i < t->nrows; i++) {
		(*x)[i] = tb_num(t, i, num);
		(*n)[i] = den ? tb_num(t, i, den) : NAN;
	}
}

Test(stats_funnel, proportion_limits_and_significance)
{
	tb_csv in, out, out2;
	FN_LOAD(&in, "testdata_funnel_prop_inputs.csv");
	FN_LOAD(&out, "testdata_funnel_prop_outputs.csv");
	FN_LOAD(&out2, "testdata_funnel_prop_outputs_with_axis_variation.csv");
	double *x, *n;
	size_t len;
	fn_cols(&in, "numerator", "denominator", &x, &n, &len);
	hg_funnel_opts o = {HG_FUNNEL_PROPORTION, 0, 0, 100, 1};
	hg_funnel_data d = {len, x, n, NULL};
	hg_funnel_point p[HG_FUNNEL_POINTS];
	hg_err err;
	cr_assert_eq(hg_funnel_limits(&o, &d, p, &err), 0, "%s", err.msg);
	const char *cols[] = {"Population",
	                      "Lower2s0025limit",
	                      "Upper2s0025limit",
	                      "Lower3s0001limit",
	                      "Upper3s0001limit",
	                      "Baseline",
	                      NULL,
	                      NULL,
	                      NULL,
	                      NULL};
	int checked = fn_check_points(&out, p, cols, 0, "prop");
	/* The axis-variation case: only denominators below 31,000. */
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (n[i] < 31000) {
			x[k] = x[i];
			n[k++] = n[i];
		}
	hg_funnel_data d2 = {k, x, n, NULL};
	cr_assert_eq(hg_funnel_limits(&o, &d2, p, &err), 0, "%s", err.msg);
	checked += fn_check_points(&out2, p, cols, 0, "prop axis");
	cr_expect_eq(checked, 1200);
	/* Significance of every input row. */
	free(x);
	free(n);
	fn_cols(&in, "numerator", "denominator", &x, &n, &len);
	int *sig = calloc(len, sizeof *sig);
	cr_assert_eq(hg_funnel_significance(&o, &(hg_funnel_data){len, x, n, NULL}, sig, &err), 0);
	for (size_t i = 0; i < len; i++)
		cr_expect_str_eq(hg_funnel_sig_name(sig[i]), tb_str(&in, i, "significance"),
		                 "row %zu", i + 1);
	cr_expect_eq(len, 303);
	free(sig);
	free(x);
	free(n);
	tb_free(&in);
	tb_free(&out);
	tb_free(&out2);
}

Test(stats_funnel, ratio_limits_and_significance)
{
	tb_csv in, out;
	FN_LOAD(&in, "testdata_funnel_ratio_inputs.csv");
	FN_LOAD(&out, "testdata_funnel_ratio_outputs.csv");
	double *x, *e;
	size_t len;
	fn_cols(&in, "obs", "expected", &x, &e, &len);
	hg_funnel_data d = {len, x, e, NULL};
	hg_funnel_point p[HG_FUNNEL_POINTS];
	hg_err err;
	hg_funnel_opts o = {HG_FUNNEL_RATIO, HG_FUNNEL_COUNT, 0, 100, 1};
	cr_assert_eq(hg_funnel_limits(&o, &d, p, &err), 0, "%s", err.msg);
	const char *cc[] = {"Observed_events",     "lower_2s_count",      "upper_2s_count",
	                    "lower_3s_count",      "upper_3s_count",      NULL,
	                    "lower_2s_exp_events", "upper_2s_exp_events", "lower_3s_exp_events",
	                    "upper_3s_exp_events"};
	int checked = fn_check_points(&out, p, cc, 0, "ratio count");
	o.ratio_type = HG_FUNNEL_ISR;
	cr_assert_eq(hg_funnel_limits(&o, &d, p, &err), 0, "%s", err.msg);
	const char *ci[] = {NULL, "lower_2s_isr", "upper_2s_isr", "lower_3s_isr", "upper_3s_isr",
	                    NULL, NULL,           NULL,           NULL,           NULL};
	checked += fn_check_points(&out, p, ci, 0, "ratio isr");
	cr_expect_eq(checked, 1300);
	int *sig = calloc(len, sizeof *sig);
	cr_assert_eq(hg_funnel_significance(&o, &d, sig, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < len; i++)
		cr_expect_str_eq(hg_funnel_sig_name(sig[i]), tb_str(&in, i, "significance"),
		                 "row %zu", i + 1);
	cr_expect_eq(len, 300);
	free(sig);
	free(x);
	free(e);
	tb_free(&in);
	tb_free(&out);
}

static const char *const fn_rate_cols[] = {"Events",
                                           "lower_2s_limit",
                                           "upper_2s_limit",
                                           "lower_3s_limit",
                                           "upper_3s_limit",
                                           "baseline",
                                           "lower_2s_population_1_year",
                                           "upper_2s_population_1_year",
                                           "lower_3s_population_1_year",
                                           "upper_3s_population_1_year"};

/* The three rate-funnel cases of testFunnels.R. */
Test(stats_funnel, rate_limits)
{
	tb_csv in, o1, o2, o3;
	FN_LOAD(&in, "testdata_funnel_rate_input_funnels.csv");
	FN_LOAD(&o1, "testdata_funnel_rate_outputs.csv");
	FN_LOAD(&o2, "testdata_funnel_rate_outputs_2.csv");
	FN_LOAD(&o3, "testdata_funnel_rate_outputs_3.csv");
	double *ev, *rate;
	size_t len;
	fn_cols(&in, "ev", "rate", &ev, &rate, &len);
	hg_funnel_point p[HG_FUNNEL_POINTS];
	hg_err err;
	hg_funnel_opts o = {HG_FUNNEL_RATE, 0, HG_FUNNEL_DSR, 1e5, 3};
	cr_assert_eq(hg_funnel_limits(&o, &(hg_funnel_data){len, ev, NULL, rate}, p, &err), 0, "%s",
	             err.msg);
	int checked = fn_check_points(&o1, p, fn_rate_cols, 0, "rate dsr");
	/* crude, with the largest count changed to 5 */
	size_t imax = 0;
	for (size_t i = 1; i < len; i++)
		if (ev[i] > ev[imax])
			imax = i;
	double *ev2 = calloc(len, sizeof *ev2), *pop = calloc(len, sizeof *pop);
	memcpy(ev2, ev, len * sizeof *ev2);
	ev2[imax] = 5;
	o.rate_type = HG_FUNNEL_CRUDE;
	cr_assert_eq(hg_funnel_limits(&o, &(hg_funnel_data){len, ev2, NULL, rate}, p, &err), 0);
	checked += fn_check_points(&o2, p, fn_rate_cols, 0, "rate crude 5");
	/* crude, the largest count set to 0 (rate 0), pop = 1e5 ev / rate, pop > max/2 */
	double pmax = 0;
	for (size_t i = 0; i < len; i++) {
		pop[i] = 1e5 * ev[i] / rate[i];
		pmax = pop[i] > pmax ? pop[i] : pmax;
	}
	double *e3 = calloc(len, sizeof *e3), *r3 = calloc(len, sizeof *r3),
	       *p3 = calloc(len, sizeof *p3);
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (pop[i] > pmax / 2) {
			e3[k] = i == imax ? 0 : ev[i];
			r3[k] = i == imax ? 0 : rate[i];
			p3[k++] = pop[i];
		}
	cr_assert_eq(hg_funnel_limits(&o, &(hg_funnel_data){k, e3, p3, r3}, p, &err), 0, "%s",
	             err.msg);
	checked += fn_check_points(&o3, p, fn_rate_cols, 0, "rate crude 0");
	cr_expect_eq(checked, 3000);
	free(ev);
	free(rate);
	free(ev2);
	free(pop);
	free(e3);
	free(r3);
	free(p3);
	tb_free(&in);
	tb_free(&o1);
	tb_free(&o2);
	tb_free(&o3);
}

/* The 8 significance columns of testdata_funnel_rate_dsr_inputs.csv. */
Test(stats_funnel, rate_significance)
{
	tb_csv in;
	FN_LOAD(&in, "testdata_funnel_rate_dsr_inputs.csv");
	struct {
		const char *col, *rate;
		int type;
		double m;
	} cases[] = {
	    {"dsr_per_100000", "rate_dsr", HG_FUNNEL_DSR, 1e5},
	    {"dsr_per_100", "rate_dsr", HG_FUNNEL_DSR, 100},
	    {"crude_per_100000", "rate_crude_per_100000", HG_FUNNEL_CRUDE, 1e5},
	    {"crude_per_100", "rate_crude_per_100", HG_FUNNEL_CRUDE, 100},
	};
	int checked = 0;
	for (size_t c = 0; c < 4; c++)
		for (int with0 = 0; with0 < 2; with0++) {
			double x[64], r[64], n[64];
			size_t idx[64], k = 0;
			for (size_t i = 0; i < in.nrows; i++) {
				if (!with0 && tb_num(&in, i, "count") == 0)
					continue;
				x[k] = tb_num(&in, i, "count");
				r[k] = tb_num(&in, i, cases[c].rate);
				n[k] = tb_num(&in, i, "pop");
				idx[k++] = i;
			}
			hg_funnel_opts o = {HG_FUNNEL_RATE, 0, cases[c].type, cases[c].m, 1};
			int sig[64];
			hg_err err;
			cr_assert_eq(
			    hg_funnel_significance(&o, &(hg_funnel_data){k, x, n, r}, sig, &err), 0,
			    "%s", err.msg);
			char col[64];
			snprintf(col, sizeof col, "%s_%s", cases[c].col,
			         with0 ? "with_0" : "without_0");
			for (size_t i = 0; i < k; i++, checked++)
				cr_expect_str_eq(hg_funnel_sig_name(sig[i]),
				                 tb_str(&in, idx[i], col), "%s row %zu", col,
				                 idx[i] + 1);
		}
	cr_expect_gt(checked, 300);
	tb_free(&in);
}

Test(stats_funnel, rate_points)
{
	tb_csv in;
	FN_LOAD(&in, "testdata_funnel_rate_input_funnels.csv");
	size_t n = in.nrows, imax = 0;
	double *ev = calloc(n, sizeof *ev), *rate = calloc(n, sizeof *rate),
	       *pop = calloc(n, sizeof *pop), *chart = calloc(n, sizeof *chart),
	       *den = calloc(n, sizeof *den);
	for (size_t i = 0; i < n; i++) {
		ev[i] = tb_num(&in, i, "ev");
		rate[i] = tb_num(&in, i, "rate");
		pop[i] = tb_num(&in, i, "pop");
		if (ev[i] > ev[imax])
			imax = i;
	}
	struct {
		double set_max;
		int type, with_pop;
		double years;
		const char *chart, *den;
	} cases[] = {
	    {5, HG_FUNNEL_DSR, 0, 3, "rate_chart", "denominator_derived"},
	    {-1, HG_FUNNEL_CRUDE, 0, 3, "rate_chart_crude", "denominator_derived_crude"},
	    {0, HG_FUNNEL_CRUDE, 1, 5, "rate_chart_crude_with_denom",
	     "denominator_derived_crude_with_denom"},
	};
	double orig = ev[imax];
	for (size_t c = 0; c < 3; c++) {
		ev[imax] = cases[c].set_max >= 0 ? cases[c].set_max : orig;
		hg_funnel_opts o = {HG_FUNNEL_RATE, 0, cases[c].type, 1e5, cases[c].years};
		hg_funnel_data d = {n, ev, cases[c].with_pop ? pop : NULL, rate};
		hg_err err;
		cr_assert_eq(hg_funnel_points(&o, &d, chart, den, &err), 0, "%s", err.msg);
		int cc = tb_col(&in, cases[c].chart), cd = tb_col(&in, cases[c].den);
		for (size_t i = 0; i < n; i++) {
			const char *sc = in.cells[i * in.ncols + (size_t)cc];
			if (!strcmp(sc, "NA") || !*sc)
				cr_expect(isnan(chart[i]), "%s row %zu", cases[c].chart, i + 1);
			else
				fn_cmp(&in, i, cc, chart[i], cases[c].chart);
			const char *sd = in.cells[i * in.ncols + (size_t)cd];
			if (!strcmp(sd, "NA") || !*sd)
				cr_expect(isnan(den[i]), "%s row %zu", cases[c].den, i + 1);
			else
				fn_cmp(&in, i, cd, den[i], cases[c].den);
		}
	}
	free(ev);
	free(rate);
	free(pop);
	free(chart);
	free(den);
	tb_free(&in);
}

/* Shared-independent: the axis helpers, bisection accuracy and errors. */
Test(stats_funnel, helpers_and_errors)
{
	cr_expect_eq(hg_r_nchar_whole(100000), 5); /* "1e+05" (quirk Q4) */
	cr_expect_eq(hg_r_nchar_whole(300000), 5);
	cr_expect_eq(hg_r_nchar_whole(120000), 6);
	cr_expect_eq(hg_r_nchar_whole(10000), 5);
	cr_expect_eq(hg_r_nchar_whole(7), 1);
	/* The bisection is within ~1e-6 relative of the exact gamma quantiles. */
	for (double o = 1; o < 200; o *= 3) {
		double hi = hg_funnel_poisson(o, 0.025, 1);
		double lo = hg_funnel_poisson(o, 0.025, 0);
		cr_expect(fabs(hi / 1.0 - hi) >= 0);
		cr_expect_gt(hi, o);
		cr_expect_lt(lo, o);
	}
	/* Wilson inversion: the closed form p -/+ z sqrt(p(1-p)/N). */
	double z = 1.959963984540054, av = 0.3, N = 500;
	cr_expect_float_eq(hg_funnel_sigma_adjustment(0.975, N, av, 1, 1),
	                   av + z * sqrt(av * (1 - av) / N), 1e-12);
	double x[] = {65, 80, 30}, n[] = {100, 100, 0}, xn[] = {65, -80, 30},
	       n2[] = {100, 100, 200}, xb[] = {65, 120, 30};
	int sig[3];
	hg_err err;
	hg_funnel_opts o = {HG_FUNNEL_PROPORTION, 0, 0, 100, 1};
	cr_expect_neq(hg_funnel_significance(&o, &(hg_funnel_data){3, x, n, NULL}, sig, &err), 0);
	cr_expect(strstr(err.msg, "denominators must be greater than zero"));
	cr_expect_neq(hg_funnel_significance(&o, &(hg_funnel_data){3, xn, n2, NULL}, sig, &err), 0);
	cr_expect(strstr(err.msg, "greater than or equal to zero"));
	cr_expect_neq(hg_funnel_significance(&o, &(hg_funnel_data){3, xb, n2, NULL}, sig, &err), 0);
	cr_expect(strstr(err.msg, "less than or equal to denominator"));
	double z0[] = {0, 5, 9}, r0[] = {0, 10, 12};
	hg_funnel_opts orate = {HG_FUNNEL_RATE, 0, HG_FUNNEL_CRUDE, 1e5, 1};
	hg_funnel_point p[HG_FUNNEL_POINTS];
	cr_expect_neq(hg_funnel_limits(&orate, &(hg_funnel_data){3, z0, NULL, r0}, p, &err), 0);
	cr_expect(strstr(err.msg, "denominator field needs to be provided"));
}

/* Issue 11 defect 7: inputs that gave an infinite axis (and a crash) or NaN limits are refused. */
Test(stats_funnel, bad_inputs_refused)
{
	double x[] = {10, 20}, r[] = {5, 8}, n[] = {2000, 2500};
	hg_funnel_point p[HG_FUNNEL_POINTS];
	hg_err err;
	struct {
		double years, mult;
		const char *msg;
	} opts[] = {
	    {0, 1000, "years_of_data must be a number above 0"},
	    {-1, 1000, "years_of_data must be a number above 0"},
	    {NAN, 1000, "years_of_data must be a number above 0"},
	    {INFINITY, 1000, "years_of_data must be a number above 0"},
	    {1, 0, "multiplier must be a number above 0"},
	    {1, -INFINITY, "multiplier must be a number above 0"},
	};
	for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
		hg_funnel_opts o = {HG_FUNNEL_RATE, 0, HG_FUNNEL_CRUDE, opts[i].mult,
		                    opts[i].years};
		hg_funnel_data d = {2, x, NULL, r};
		err.msg[0] = 0;
		cr_expect_neq(hg_funnel_limits(&o, &d, p, &err), 0, "case %zu", i);
		cr_expect(strstr(err.msg, opts[i].msg), "case %zu: %s", i, err.msg);
		double chart[2], den[2];
		if (opts[i].years == 0)
			cr_expect_neq(hg_funnel_points(&o, &d, chart, den, &err), 0);
	}
	/* rows: a non-finite or too large count, a zero rate, a zero denominator */
	double xinf[] = {10, INFINITY}, xnan[] = {NAN, 20}, xbig[] = {10, 2e15}, r0[] = {5, 0},
	       n0[] = {2000, 0};
	hg_funnel_opts orate = {HG_FUNNEL_RATE, 0, HG_FUNNEL_CRUDE, 1000, 1};
	hg_funnel_opts oprop = {HG_FUNNEL_PROPORTION, 0, 0, 100, 1};
	hg_funnel_opts oratio = {HG_FUNNEL_RATIO, HG_FUNNEL_COUNT, 0, NAN, NAN};
	struct {
		const hg_funnel_opts *o;
		hg_funnel_data d;
		const char *msg;
	} rows[] = {
	    {&orate, {2, xinf, NULL, r}, "row 2: numerator must be a number from 0 to 1e15"},
	    {&orate, {2, xnan, NULL, r}, "row 1: numerator must be a number"},
	    {&oratio, {2, xbig, n, NULL}, "row 2: numerator must be a number from 0 to 1e15"},
	    {&orate, {2, x, NULL, r0}, "row 2: rate must be a finite number above 0"},
	    {&oprop, {2, x, n0, NULL}, "row 2: denominator must be a number above 0"},
	    {&oratio, {2, x, n0, NULL}, "row 2: denominator must be a number above 0"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		err.msg[0] = 0;
		cr_expect_neq(hg_funnel_limits(rows[i].o, &rows[i].d, p, &err), 0, "row case %zu",
		              i);
		cr_expect(strstr(err.msg, rows[i].msg), "row case %zu: %s", i, err.msg);
	}
	/* an axis past 1e15 events (a rate so small that the denominator is
	 * infinite, or counts whose sum passes 1e15) is refused, not walked */
	double rtiny[] = {5, 1e-310}, xhuge[] = {1e15, 1e15};
	cr_expect_neq(hg_funnel_limits(&orate, &(hg_funnel_data){2, x, NULL, rtiny}, p, &err), 0);
	cr_expect(strstr(err.msg, "axis"), "%s", err.msg);
	cr_expect_neq(hg_funnel_limits(&orate, &(hg_funnel_data){2, xhuge, NULL, r}, p, &err), 0);
	cr_expect(strstr(err.msg, "axis"), "%s", err.msg);
}

/*
 * Issue 11 defect 7: the Poisson limits of large counts. The package's series
 * took minutes at 1e7 events; the expected values are what that series gave
 * (term by term, recorded once), and the exact gamma quantiles within the
 * bisection's tolerance.
 */
Test(stats_funnel, large_counts)
{
	cr_expect_eq(hg_funnel_poisson(1e6, 0.025, 0), 998040.97428341175);
	cr_expect_eq(hg_funnel_poisson(1e6, 0.025, 1), 1001962.0083150058);
	cr_expect_eq(hg_funnel_poisson(1e7, 0.025, 0), 9993801.6543274038);
	cr_expect_eq(hg_funnel_poisson(1e7, 0.025, 1), 10006199.4199156);
	/* exact: qgamma(0.025, 1e9) and qgamma(0.975, 1e9 + 1) */
	double lo = hg_funnel_poisson(1e9, 0.025, 0), hi = hg_funnel_poisson(1e9, 0.025, 1);
	cr_expect(fabs(lo / 999938021.444 - 1) < 1e-6, "%.10g", lo);
	cr_expect(fabs(hi / 1000061981.45 - 1) < 1e-6, "%.10g", hi);
	/* a whole ratio funnel up to ten million events */
	double x[] = {9e6, 1.1e7}, e[] = {9.1e6, 1.05e7};
	hg_funnel_opts o = {HG_FUNNEL_RATIO, HG_FUNNEL_COUNT, 0, 100, 1};
	hg_funnel_point p[HG_FUNNEL_POINTS];
	hg_err err;
	cr_assert_eq(hg_funnel_limits(&o, &(hg_funnel_data){2, x, e, NULL}, p, &err), 0, "%s",
	             err.msg);
	const hg_funnel_point *last = &p[HG_FUNNEL_POINTS - 1];
	cr_expect_gt(last->x, 1e7);
	cr_expect(last->lower_2s < 0 && last->lower_2s > -0.001, "%g", last->lower_2s);
	cr_expect(last->upper_2s > 0 && last->upper_2s < 0.001, "%g", last->upper_2s);
}
