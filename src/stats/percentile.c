/*
 * percentile.c: a percentile of a sample and its distribution-free confidence
 * interval (docs/methods.md "Percentiles").
 *
 * Value: Hyndman and Fan's (1996) definition 7, R's quantile(type = 7) and
 * Excel's PERCENTILE.INC: with the sample sorted x[1] <= ... <= x[n] and
 * h = 1 + (n - 1) p, Q(p) = x[floor h] + (h - floor h) (x[ceil h] - x[floor h]),
 * computed as R computes it ((1 - g) x[lo] + g x[hi]), so the two agree to
 * rounding.
 *
 * Limits: the order statistics x[l] and x[u] (Conover, Practical Nonparametric
 * Statistics, 3rd ed., 1999, section 3.2; Hahn and Meeker 1991). The number of
 * values below the population p-quantile is Binomial(n, p), so with F its
 * distribution function, l is the largest rank with F(l - 1) <= a/2 and u the
 * smallest with F(u - 1) >= 1 - a/2 (a = 1 - confidence): P(x[l] <= Q <= x[u])
 * >= 1 - a whatever the distribution. When no rank satisfies a bound (too few
 * values for that confidence) that limit is missing (NaN).
 */
#include "stats/stats.h"

#include <assert.h>
#include <math.h>

double hg_percentile7(const double *x, size_t n, double p)
{
	assert(p >= 0 && p <= 1);
	if (n == 0)
		return NAN;
	double h = (double)(n - 1) * p; /* 0-based: index - 1 */
	size_t lo = (size_t)floor(h), hi = (size_t)ceil(h);
	if (hi >= n)
		hi = n - 1;
	double g = h - (double)lo;
	if (g == 0 || x[hi] == x[lo])
		return x[lo];
	return (1 - g) * x[lo] + g * x[hi];
}

/* log of the Binomial(n, p) probability of k. */
static double log_dbinom(size_t k, size_t n, double p)
{
	double dn = (double)n, dk = (double)k;
	return lgamma(dn + 1) - lgamma(dk + 1) - lgamma(dn - dk + 1) + dk * log(p) +
	       (dn - dk) * log1p(-p);
}

void hg_percentile_ci(const double *x, size_t n, double p, double conf, double *lo, double *hi)
{
	assert(p > 0 && p < 1 && conf > 0 && conf < 1);
	double a2 = (1 - conf) / 2;
	*lo = *hi = NAN;
	double cdf = 0; /* F(r - 1) for rank r = 1, 2, ... */
	size_t l = 0, u = 0;
	for (size_t r = 1; r <= n; r++) {
		cdf += exp(log_dbinom(r - 1, n, p));
		if (cdf <= a2)
			l = r;
		if (cdf >= 1 - a2) {
			u = r;
			break;
		}
	}
	if (l > 0 && l <= n)
		*lo = x[l - 1];
	if (u > 0)
		*hi = x[u - 1];
}
