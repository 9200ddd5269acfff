/*
 * funnel.c: funnel-plot control limits and significance, ported from
 * PHEindicatormethods R/Funnels.R and R/utils.R (v2.1.0), which follow the
 * PHE Fingertips technical guidance and Spiegelhalter DJ (2005). Funnel
 * plots for comparing institutional performance. Stat Med 24:1185-1202.
 *
 * Proportions: the limit at population N is the proportion whose Wilson
 * score bound equals the pooled average (the package's sigma_adjustment
 * quadratic, kept as written for bit-level parity). Ratios and rates: exact
 * Poisson limits by the package's bisection (poisson_funnel), which has a
 * tolerance of about 1e-7 and is ported exactly because the expected values
 * depend on it. The package sums the Poisson series term by term inside each
 * bisection step (poisson_cis: time proportional to the count, 48 s for a
 * million events); here each step takes the same sums in constant time from
 * the Poisson distribution function (R's ppois, the regularised gamma
 * function), including where the package's series stops, so the limits are
 * the package's (equal bit for bit over every count 0..3000 checked).
 * Significance uses exact chi-square limits below 10 events and Byar's
 * approximation from 10. Inputs are checked first: a non-finite or
 * non-positive multiplier or years of data, or a count beyond 1e15, is an
 * error rather than an infinite axis.
 */
#include "stats/funnel.h"

#define MATHLIB_STANDALONE 1
#include <Rmath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hg_funnel_sig_name(int sig)
{
	static const char *const names[] = {
	    "High (0.001)", "High (0.025)",    "Low (0.001)",
	    "Low (0.025)",  "Not significant", "Not applicable for events less than 10 for dsrs",
	};
	return sig >= 0 && sig <= HG_FUNNEL_NOT_APPLICABLE ? names[sig] : NULL;
}

double hg_funnel_sigma_adjustment(double p, double population, double av, int high,
                                  double multiplier)
{
	double q = qnorm(p, 0, 1, 1, 0);
	double q2 = q * q;
	double first = av * (population / q2 + 1);
	double t = -8 * av * (population / q2 + 1);
	double adj =
	    sqrt(t * t - 64 * (1 / q2 + 1 / population) * av *
	                     (population * (av * (population / q2 + 2) - 1) + q2 * (av - 1)));
	double last = (1 / q2 + 1 / population);
	double r = high ? (first + adj / 8) / last : (first - adj / 8) / last;
	return (r / population) * multiplier;
}

/*
 * poisson_cis sums the terms z^k/k! from k = 0 while k <= z or the term
 * exceeds 1e-10 of the sum so far, so its sums stop at the first k above z
 * whose term is at most 1e-10 of P(X <= k - 1). Past the mode that ratio only
 * falls, so the end is found by doubling then halving a step: about
 * 2 log2(sqrt(z)) evaluations instead of z terms.
 */
static int series_ends_at(double k, double z)
{
	return dpois(k, z, 0) <= 1e-10 * ppois(k - 1, z, 1, 0);
}

static double series_end(double z)
{
	double lo = floor(z) + 1, step = 1, hi = lo;
	if (series_ends_at(lo, z))
		return lo;
	/* invariant: the series goes on at lo and ends by hi (a step that no
	 * longer moves hi, past 2^53, gives up there: counts are at most 1e15) */
	for (hi = lo + step; !series_ends_at(hi, z) && hi + step > hi; hi = lo + step) {
		lo = hi;
		step *= 2;
	}
	while (hi - lo > 1) {
		double mid = floor(lo + (hi - lo) / 2);
		if (series_ends_at(mid, z))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* P(X >= k) for X ~ Poisson(z). */
static double poisson_upper(double k, double z)
{
	return k <= 0 ? 1 : ppois(k - 1, z, 0, 0);
}

/* poisson_cis: P(x_a <= X <= x_b | X < end of the series) for X ~ Poisson(z). */
static double poisson_cis(double z, double xa, double xb)
{
	double end = series_end(z), a = ceil(xa), b = fmin(floor(xb), end - 1);
	if (a > b)
		return 0;
	return (poisson_upper(a, z) - poisson_upper(b + 1, z)) / (1 - poisson_upper(end, z));
}

double hg_funnel_poisson(double obs, double p, int high)
{
	double v = 0.5, dv = 0.5;
	while (dv > 1e-7) {
		dv /= 2;
		double lam = (1 + obs) * v / (1 - v);
		int down =
		    high ? poisson_cis(lam, 0, obs) < p : poisson_cis(lam, obs, 10000000000.0) > p;
		v += down ? -dv : dv;
	}
	return (1 + obs) * v / (1 - v);
}

int hg_r_nchar_whole(double x)
{
	if (!isfinite(x)) /* "Inf", "-Inf", "NaN": the axis refuses these first */
		return isnan(x) || x > 0 ? 3 : 4;
	char fixed[64], sci[64];
	snprintf(fixed, sizeof fixed, "%.0f", x);
	snprintf(sci, sizeof sci, "%.14e", x);
	/* Trim the mantissa's trailing zeros as R does with 15 significant digits. */
	char *e = strchr(sci, 'e'), *m = e;
	while (m > sci && m[-1] == '0')
		m--;
	if (m > sci && m[-1] == '.')
		m--;
	int exp = atoi(e + 1);
	int sci_len = (int)(m - sci) + 2 + (abs(exp) >= 100 ? 3 : 2);
	int fixed_len = (int)strlen(fixed);
	return fixed_len <= sci_len ? fixed_len : sci_len;
}

static double signif_floor(double x)
{
	if (x == 0)
		return 0;
	double n = hg_r_nchar_whole(floor(x * 0.95)) - 1;
	return floor(x * 0.95 / pow(10, n)) * pow(10, n);
}

static double signif_ceiling(double x)
{
	if (x == 0)
		return 0;
	double n = hg_r_nchar_whole(ceil(x * 1.05)) - 2;
	return ceil(x * 1.05 / pow(10, n)) * pow(10, n);
}

static int funnel_check_args(const hg_funnel_opts *o, const hg_funnel_data *d, hg_err *err)
{
	if (o->statistic < 0 || o->statistic > 2)
		return hg_err_set(err, HG_EUSAGE,
		                  "statistic must be provided as 'proportion', 'rate' or 'ratio'");
	if (o->statistic == HG_FUNNEL_RATE) {
		if (!d->rate)
			return hg_err_set(err, HG_EUSAGE,
			                  "the following arguments are required "
			                  "for rates: data, numerator, rate, "
			                  "rate_type, multiplier, years_of_data");
		for (size_t i = 0; i < d->n && !d->den; i++)
			if (d->num[i] == 0)
				return hg_err_set(err, HG_EUSAGE,
				                  "row %zu: for rates, where there are 0 events "
				                  "for a record, the denominator field needs to "
				                  "be provided using the denominator argument",
				                  i + 1);
	} else if (!d->den) {
		return hg_err_set(err, HG_EUSAGE,
		                  "the following arguments are required for %s: data, "
		                  "numerator, denominator",
		                  o->statistic == HG_FUNNEL_RATIO ? "ratios" : "proportions");
	}
	if (d->n == 0)
		return hg_err_set(err, HG_ESTATS, "no rows");
	return 0;
}

/* The largest count or denominator accepted: past it a double no longer holds
 * every whole number near it, so the axis's steps and the Poisson sums fail. */
#define FUNNEL_MAX 1e15

static int check_positive(double v, const char *what, hg_err *err)
{
	if (isfinite(v) && v > 0 && v <= FUNNEL_MAX)
		return 0;
	return hg_err_set(err, HG_EUSAGE, "%s must be a number above 0 and at most 1e15 (got %g)",
	                  what, v);
}

/* One row's numbers as the statistic uses them: finite, in range. */
static int check_row(const hg_funnel_opts *o, const hg_funnel_data *d, size_t i, hg_err *err)
{
	double x = d->num[i];
	if (!(isfinite(x) && x >= 0 && x <= FUNNEL_MAX))
		return hg_err_set(err, HG_ESTATS,
		                  "row %zu: numerator must be a number from 0 to 1e15 (got %g)",
		                  i + 1, x);
	int rate = o->statistic == HG_FUNNEL_RATE;
	if (d->den && (!rate || x == 0) &&
	    !(isfinite(d->den[i]) && d->den[i] > 0 && d->den[i] <= FUNNEL_MAX))
		return hg_err_set(err, HG_ESTATS,
		                  "row %zu: denominator must be a number above 0 and at most "
		                  "1e15 (got %g)",
		                  i + 1, d->den[i]);
	if (rate && x != 0 && !(isfinite(d->rate[i]) && d->rate[i] > 0))
		return hg_err_set(err, HG_ESTATS,
		                  "row %zu: rate must be a finite number above 0 where there are "
		                  "events (got %g)",
		                  i + 1, d->rate[i]);
	if (o->statistic == HG_FUNNEL_PROPORTION && x > d->den[i])
		return hg_err_set(err, HG_ESTATS,
		                  "row %zu: numerator: numerators must be less than or equal to "
		                  "denominator for a proportion statistic",
		                  i + 1);
	return 0;
}

/*
 * The inputs every method relies on (after funnel_check_args): a multiplier
 * (proportions and rates) and years of data (rate limits and points) that are
 * finite and above 0, and rows in range. Without this, 0 years of data gave
 * an infinite axis, and the axis's loop then ran off the end.
 */
static int funnel_check_values(const hg_funnel_opts *o, const hg_funnel_data *d, int need_years,
                               hg_err *err)
{
	if (o->statistic != HG_FUNNEL_RATIO && check_positive(o->multiplier, "multiplier", err))
		return -1;
	if (need_years && o->statistic == HG_FUNNEL_RATE &&
	    check_positive(o->years, "years_of_data", err))
		return -1;
	for (size_t i = 0; i < d->n; i++)
		if (check_row(o, d, i, err))
			return -1;
	return 0;
}

/* denominator_derived as calculate_funnel_limits computes it. */
static double funnel_den_limits(const hg_funnel_opts *o, const hg_funnel_data *d, size_t i)
{
	if (o->statistic != HG_FUNNEL_RATE)
		return d->den[i];
	double m = o->multiplier, x = d->num[i];
	if (o->rate_type == HG_FUNNEL_DSR)
		return x == 0 ? NAN : m * x / d->rate[i];
	if (!d->den)
		return m * x / d->rate[i];
	return x == 0 ? d->den[i] : m * x / d->rate[i];
}

static int funnel_axis(const hg_funnel_opts *o, const hg_funnel_data *d, double *av, double *lo,
                       double *hi, hg_err *err)
{
	double sn = 0, sd = 0, mn = INFINITY, mx = -INFINITY;
	for (size_t i = 0; i < d->n; i++) {
		double den = funnel_den_limits(o, d, i);
		sn += d->num[i];
		if (isnan(den))
			continue;
		sd += den;
		mn = den < mn ? den : mn;
		mx = den > mx ? den : mx;
	}
	if (!isfinite(sd))
		return hg_err_set(err, HG_ESTATS,
		                  "the funnel's axis cannot be drawn: the denominators (for rates: "
		                  "multiplier x events / rate) add up to more than a number holds; "
		                  "check the rates");
	*av = sn / sd;
	int rate = o->statistic == HG_FUNNEL_RATE;
	double y = rate ? o->years : 1;
	if (mx > 2 * mn)
		*lo = 0;
	else
		*lo = rate ? signif_floor(mn / y) * y : signif_floor(mn);
	*hi = rate ? signif_ceiling(mx / y) * y : signif_ceiling(mx);
	if (rate) {
		*lo = floor(*lo * *av);
		*hi = ceil(*hi * *av);
	}
	if (!(*hi <= FUNNEL_MAX) || !(*lo >= 0))
		return hg_err_set(err, HG_ESTATS,
		                  "the funnel's axis runs from %g to %g, outside 0..1e15: check "
		                  "the rates, multiplier and years of data",
		                  *lo, *hi);
	return 0;
}

static void funnel_prop_point(double av, double m, hg_funnel_point *p)
{
	double x = p->x;
	p->lower_2s = fmax(0, hg_funnel_sigma_adjustment(0.975, x, av, 0, m));
	p->upper_2s = fmin(100, hg_funnel_sigma_adjustment(0.975, x, av, 1, m));
	p->lower_3s = fmax(0, hg_funnel_sigma_adjustment(0.999, x, av, 0, m));
	p->upper_3s = fmin(100, hg_funnel_sigma_adjustment(0.999, x, av, 1, m));
	p->baseline = av * m;
	p->lower_2s_exp = p->upper_2s_exp = p->lower_3s_exp = p->upper_3s_exp = NAN;
}

static double funnel_ratio_scale(int ratio_type, double v)
{
	return ratio_type == HG_FUNNEL_COUNT ? v - 1 : v * 100;
}

static void funnel_ratio_point(int ratio_type, hg_funnel_point *p)
{
	double o = p->x;
	p->lower_2s_exp = hg_funnel_poisson(o, 0.025, 1);
	p->upper_2s_exp = hg_funnel_poisson(o, 0.025, 0);
	p->lower_3s_exp = hg_funnel_poisson(o, 0.001, 1);
	p->upper_3s_exp = hg_funnel_poisson(o, 0.001, 0);
	p->lower_2s = funnel_ratio_scale(ratio_type, o / p->lower_2s_exp);
	p->upper_2s = funnel_ratio_scale(ratio_type, o / p->upper_2s_exp);
	p->lower_3s = funnel_ratio_scale(ratio_type, o / p->lower_3s_exp);
	p->upper_3s = funnel_ratio_scale(ratio_type, o / p->upper_3s_exp);
	p->baseline = NAN;
}

static void funnel_rate_point(double av, const hg_funnel_opts *o, hg_funnel_point *p)
{
	double e = p->x, m = o->multiplier, y = o->years;
	double l2 = hg_funnel_poisson(e, 0.025, 1) / av, u2 = hg_funnel_poisson(e, 0.025, 0) / av;
	double l3 = hg_funnel_poisson(e, 0.001, 1) / av, u3 = hg_funnel_poisson(e, 0.001, 0) / av;
	p->lower_2s = e / l2 * m;
	p->upper_2s = e / u2 * m;
	p->lower_3s = e / l3 * m;
	p->upper_3s = e / u3 * m;
	p->lower_2s_exp = l2 / y;
	p->upper_2s_exp = u2 / y;
	p->lower_3s_exp = l3 / y;
	p->upper_3s_exp = u3 / y;
	p->baseline = av * m;
}

int hg_funnel_limits(const hg_funnel_opts *o, const hg_funnel_data *d,
                     hg_funnel_point out[HG_FUNNEL_POINTS], hg_err *err)
{
	if (funnel_check_args(o, d, err) || funnel_check_values(o, d, 1, err))
		return err ? err->code : HG_EUSAGE;
	double av = 0, lo = 0, hi = 0;
	if (funnel_axis(o, d, &av, &lo, &hi, err))
		return err ? err->code : HG_ESTATS;
	int off = o->statistic == HG_FUNNEL_RATIO ? 1 : 0;
	out[0].x = fmax(1, lo);
	for (int j = 2; j <= HG_FUNNEL_POINTS; j++) {
		double prev = out[j - 2].x;
		double next = nearbyint(pow(hi / prev, 1.0 / (101 - (j - off))) * prev);
		out[j - 1].x = fmax(next, prev + 1);
	}
	for (int j = 0; j < HG_FUNNEL_POINTS; j++) {
		if (o->statistic == HG_FUNNEL_PROPORTION)
			funnel_prop_point(av, o->multiplier, &out[j]);
		else if (o->statistic == HG_FUNNEL_RATIO)
			funnel_ratio_point(o->ratio_type, &out[j]);
		else
			funnel_rate_point(av, o, &out[j]);
	}
	return 0;
}

/* funnel_ratio_significance: the limit of O/E on one side at level p. */
static double funnel_ratio_sig(double obs, double expected, double p, int high)
{
	double t;
	if (obs == 0 && !high) {
		t = 0;
	} else if (obs < 10) {
		double df = high ? 2 * obs + 2 : 2 * obs;
		t = qchisq(0.5 + p / 2, df, high ? 1 : 0, 0) / 2;
	} else {
		double z = qnorm(0.5 + p / 2, 0, 1, 1, 0);
		double oa = high ? obs + 1 : obs;
		double b = high ? 1 - 1 / (9 * oa) + z / 3 / sqrt(oa)
		                : 1 - 1 / (9 * oa) - z / 3 / sqrt(oa);
		t = oa * (b * b * b);
	}
	return t / expected;
}

static int funnel_sig_check(const hg_funnel_opts *o, const hg_funnel_data *d, hg_err *err)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->num[i] < 0)
			return hg_err_set(err, HG_ESTATS,
			                  "row %zu: numerator: numerators must be "
			                  "greater than or equal to zero",
			                  i + 1);
	for (size_t i = 0; d->den && i < d->n; i++)
		if (d->den[i] <= 0)
			return hg_err_set(err, HG_ESTATS,
			                  "row %zu: denominator: denominators must "
			                  "be greater than zero",
			                  i + 1);
	for (size_t i = 0; o->statistic == HG_FUNNEL_PROPORTION && i < d->n; i++)
		if (d->num[i] > d->den[i])
			return hg_err_set(err, HG_ESTATS,
			                  "row %zu: numerator: numerators must be less than or "
			                  "equal to denominator for a proportion statistic",
			                  i + 1);
	return 0;
}

/*
 * case_when over the four tests: the average v below the lower limit of the
 * area's value is High, above its upper limit is Low (NaN comparisons are
 * false, as NA is in R).
 */
static int funnel_classify(double v, double lo3, double lo2, double hi3, double hi2)
{
	if (v < lo3)
		return HG_FUNNEL_HIGH_001;
	if (v < lo2)
		return HG_FUNNEL_HIGH_025;
	if (v > hi3)
		return HG_FUNNEL_LOW_001;
	if (v > hi2)
		return HG_FUNNEL_LOW_025;
	return HG_FUNNEL_NOT_SIG;
}

static int funnel_prop_sig(double x, double n, double av)
{
	double v = x / n;
	if (v < hg_funnel_sigma_adjustment(0.999, n, av, 0, 1))
		return HG_FUNNEL_LOW_001;
	if (v < hg_funnel_sigma_adjustment(0.975, n, av, 0, 1))
		return HG_FUNNEL_LOW_025;
	if (v > hg_funnel_sigma_adjustment(0.999, n, av, 1, 1))
		return HG_FUNNEL_HIGH_001;
	if (v > hg_funnel_sigma_adjustment(0.975, n, av, 1, 1))
		return HG_FUNNEL_HIGH_025;
	return HG_FUNNEL_NOT_SIG;
}

static double funnel_den_sig(const hg_funnel_opts *o, const hg_funnel_data *d, size_t i)
{
	double x = d->num[i];
	if (o->rate_type == HG_FUNNEL_DSR)
		return x == 0 ? NAN : x / d->rate[i] * o->multiplier;
	return x == 0 ? (d->den ? d->den[i] : NAN) : x / d->rate[i] * o->multiplier;
}

static void funnel_rate_sig(const hg_funnel_opts *o, const hg_funnel_data *d, int *sig)
{
	double sn = 0, sd = 0;
	for (size_t i = 0; i < d->n; i++) {
		double den = funnel_den_sig(o, d, i);
		sn += d->num[i];
		if (!isnan(den))
			sd += den;
	}
	double wa = sn / sd;
	for (size_t i = 0; i < d->n; i++) {
		double x = d->num[i], den = funnel_den_sig(o, d, i);
		sig[i] = funnel_classify(
		    wa, funnel_ratio_sig(x, den, 0.998, 0), funnel_ratio_sig(x, den, 0.95, 0),
		    funnel_ratio_sig(x, den, 0.998, 1), funnel_ratio_sig(x, den, 0.95, 1));
		if (o->rate_type == HG_FUNNEL_DSR && x < 10)
			sig[i] = HG_FUNNEL_NOT_APPLICABLE;
	}
}

int hg_funnel_significance(const hg_funnel_opts *o, const hg_funnel_data *d, int *sig, hg_err *err)
{
	if (funnel_check_args(o, d, err) || funnel_sig_check(o, d, err) ||
	    funnel_check_values(o, d, 0, err))
		return err ? err->code : HG_ESTATS;
	if (o->statistic == HG_FUNNEL_RATE) {
		funnel_rate_sig(o, d, sig);
		return 0;
	}
	double sn = 0, sd = 0;
	for (size_t i = 0; i < d->n; i++) {
		sn += d->num[i];
		sd += d->den[i];
	}
	for (size_t i = 0; i < d->n; i++) {
		double x = d->num[i], e = d->den[i];
		if (o->statistic == HG_FUNNEL_PROPORTION)
			sig[i] = funnel_prop_sig(x, e, sn / sd);
		else
			sig[i] = funnel_classify(
			    1, funnel_ratio_sig(x, e, 0.998, 0), funnel_ratio_sig(x, e, 0.95, 0),
			    funnel_ratio_sig(x, e, 0.998, 1), funnel_ratio_sig(x, e, 0.95, 1));
	}
	return 0;
}

int hg_funnel_points(const hg_funnel_opts *o, const hg_funnel_data *d, double *rate_chart,
                     double *den_derived, hg_err *err)
{
	hg_funnel_opts r = *o;
	r.statistic = HG_FUNNEL_RATE;
	if (funnel_check_args(&r, d, err) || funnel_check_values(&r, d, 1, err))
		return err ? err->code : HG_EUSAGE;
	double m = o->multiplier, y = o->years;
	for (size_t i = 0; i < d->n; i++) {
		double x = d->num[i], rt = d->rate[i];
		if (o->rate_type == HG_FUNNEL_DSR) {
			rate_chart[i] = x < 10 ? NAN : rt;
			den_derived[i] = x < 10 ? NAN : (m * x / rt) / y;
		} else {
			rate_chart[i] = rt;
			den_derived[i] = (d->den && x == 0) ? d->den[i] / y : (m * x / rt) / y;
		}
	}
	return 0;
}
