/*
 * psa.c: parameter distributions for probabilistic sensitivity analysis and
 * summaries of the draws (see psa.h). Method of moments as Briggs, Claxton and
 * Sculpher (2006) ch. 4; quantiles type 7 as R's quantile().
 */
#include "stats/psa.h"

#include "stats/hg_rmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z975 1.959963984540054

static const char *const dist_names[] = {"fixed", "normal", "lognormal",
                                         "gamma", "beta",   "uniform"};

int hg_dist_parse(const char *name)
{
	for (int k = 0; k < (int)(sizeof dist_names / sizeof *dist_names); k++)
		if (!strcmp(name, dist_names[k]))
			return k;
	return -1;
}

const char *hg_dist_name(int kind)
{
	return kind >= 0 && kind <= HG_DIST_UNIFORM ? dist_names[kind] : "?";
}

static int fit_moments(hg_dist *d, double sd, hg_err *err)
{
	double m = d->value, v = sd * sd;
	if (d->kind == HG_DIST_GAMMA) {
		if (!(m > 0))
			return hg_err_set(err, HG_EINPUT,
			                  "a gamma distribution needs a positive value, not %g", m);
		d->a = m * m / v;
		d->b = v / m;
		return 0;
	}
	if (!(m > 0 && m < 1))
		return hg_err_set(err, HG_EINPUT,
		                  "a beta distribution needs a value between 0 and 1, not %g", m);
	if (!(v < m * (1 - m)))
		return hg_err_set(err, HG_EINPUT,
		                  "the interval %g to %g is too wide for a beta distribution with "
		                  "mean %g (its sd must be below %g): narrow it or use uniform",
		                  d->low, d->high, m, sqrt(m * (1 - m)));
	double c = m * (1 - m) / v - 1;
	d->a = m * c;
	d->b = (1 - m) * c;
	return 0;
}

int hg_dist_fit(hg_dist *d, hg_err *err)
{
	if (!isfinite(d->value))
		return hg_err_set(err, HG_EINPUT, "the value is missing");
	if (d->kind == HG_DIST_FIXED) {
		d->a = d->value;
		d->b = 0;
		return 0;
	}
	if (!isfinite(d->low) || !isfinite(d->high) || !(d->low < d->high))
		return hg_err_set(err, HG_EINPUT,
		                  "a %s distribution needs low < high (the 95%% interval), got %g "
		                  "and %g",
		                  hg_dist_name(d->kind), d->low, d->high);
	if (!(d->low <= d->value && d->value <= d->high))
		return hg_err_set(err, HG_EINPUT, "the value %g is outside its interval %g to %g",
		                  d->value, d->low, d->high);
	double sd = (d->high - d->low) / (2 * Z975);
	switch (d->kind) {
	case HG_DIST_NORMAL:
		d->a = d->value;
		d->b = sd;
		return 0;
	case HG_DIST_LOGNORMAL:
		if (!(d->low > 0))
			return hg_err_set(
			    err, HG_EINPUT,
			    "a lognormal distribution needs a positive interval, not %g "
			    "to %g",
			    d->low, d->high);
		d->a = log(d->value);
		d->b = (log(d->high) - log(d->low)) / (2 * Z975);
		return 0;
	case HG_DIST_GAMMA:
	case HG_DIST_BETA:
		return fit_moments(d, sd, err);
	case HG_DIST_UNIFORM:
		d->a = d->low;
		d->b = d->high;
		return 0;
	}
	return hg_err_set(err, HG_EINPUT, "unknown distribution %d", d->kind);
}

double hg_dist_draw(const hg_dist *d, hg_rng *r)
{
	switch (d->kind) {
	case HG_DIST_NORMAL:
		return hg_rng_normal(r, d->a, d->b);
	case HG_DIST_LOGNORMAL:
		return exp(hg_rng_normal(r, d->a, d->b));
	case HG_DIST_GAMMA:
		return hg_rng_gamma(r, d->a) * d->b;
	case HG_DIST_BETA: {
		double x = hg_rng_gamma(r, d->a), y = hg_rng_gamma(r, d->b);
		return x / (x + y);
	}
	case HG_DIST_UNIFORM:
		return d->a + (d->b - d->a) * hg_rng_unif(r);
	}
	return d->value;
}

double hg_dist_quantile(const hg_dist *d, double p)
{
	switch (d->kind) {
	case HG_DIST_NORMAL:
		return qnorm(p, d->a, d->b, 1, 0);
	case HG_DIST_LOGNORMAL:
		return qlnorm(p, d->a, d->b, 1, 0);
	case HG_DIST_GAMMA:
		return qgamma(p, d->a, d->b, 1, 0);
	case HG_DIST_BETA:
		return qbeta(p, d->a, d->b, 1, 0);
	case HG_DIST_UNIFORM:
		return d->a + (d->b - d->a) * p;
	}
	return d->value;
}

double hg_dist_mean(const hg_dist *d)
{
	switch (d->kind) {
	case HG_DIST_LOGNORMAL:
		return exp(d->a + d->b * d->b / 2);
	case HG_DIST_UNIFORM:
		return (d->a + d->b) / 2;
	}
	return d->value;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double hg_quantile_sorted(double *x, size_t n, double p)
{
	if (n == 0)
		return NAN;
	qsort(x, n, sizeof *x, cmp_double);
	double h = (double)(n - 1) * p;
	size_t i = (size_t)floor(h);
	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + (h - (double)i) * (x[i + 1] - x[i]);
}

/* The k-th smallest of x[0..n) (0-based), reordering x so that x[0..k) <= x[k] <= x[k+1..n)
 * (Hoare's selection with a median-of-three pivot; Hoare 1961, CACM 4:321): linear on
 * average, where sorting each of a PSA's 60 columns of 10,000 draws would dominate its time. */
static double select_k(double *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		double a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi];
		double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		size_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				double t = x[i];
				x[i++] = x[j];
				x[j] = t;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j && j < hi)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return x[k];
	}
	return x[k];
}

/* R's type 7 p-quantile of the m values of x (reordered). */
static double quantile7(double *x, size_t m, double p)
{
	double h = (double)(m - 1) * p;
	size_t i = (size_t)floor(h);
	double xi = select_k(x, m, i);
	if (i + 1 >= m)
		return xi;
	double next = x[i + 1]; /* the smallest of x[i+1..m), all >= xi after the selection */
	for (size_t k = i + 2; k < m; k++)
		next = x[k] < next ? x[k] : next;
	return xi + (h - (double)i) * (next - xi);
}

hg_interval hg_interval_of(const double *x, size_t n, double *scratch)
{
	size_t m = 0;
	double s = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i])) {
			scratch[m++] = x[i];
			s += x[i];
		}
	if (m == 0)
		return (hg_interval){NAN, NAN, NAN};
	hg_interval iv = {.mean = s / (double)m};
	iv.lo = quantile7(scratch, m, 0.025);
	iv.hi = quantile7(scratch, m, 0.975);
	return iv;
}
