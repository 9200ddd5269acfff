/*
 * mean.c: the mean with a Student's t confidence interval (Student. The
 * probable error of a mean. Biometrika 1908;6:1-25), as phe_mean: the
 * count includes missing values and any missing value makes the result NA.
 */
#include "stats/stats.h"

#include "stats/hg_rmath.h"
#include <math.h>

void hg_mean_stats(const double *v, size_t k, hg_mean_res *r)
{
	double sum = 0;
	for (size_t i = 0; i < k; i++)
		sum += v[i];
	r->sum = sum;
	r->count = (double)k;
	r->value = sum / (double)k;
	/* two-pass sample variance, as R's var() */
	double ss = 0;
	for (size_t i = 0; i < k; i++)
		ss += (v[i] - r->value) * (v[i] - r->value);
	r->sd = k > 1 ? sqrt(ss / (double)(k - 1)) : NAN;
}

void hg_mean_limits(const hg_mean_res *r, double conf, double *lo, double *hi)
{
	double t = fabs(qt((1 - conf) / 2, r->count - 1, 1, 0));
	double half = t * r->sd / sqrt(r->count);
	*lo = r->value - half;
	*hi = r->value + half;
}
