/*
 * wilson.c: proportions with the Wilson score interval (Wilson EB. Probable
 * inference, the law of succession, and statistical inference. J Am Stat
 * Assoc 1927;22:209-12), as PHEindicatormethods' wilson_lower/wilson_upper
 * and phe_proportion compute them.
 */
#include "stats/stats.h"

#include <math.h>

int hg_wilson(double x, double n, double conf, double *lo, double *hi)
{
	if (x < 0 || n < 0 || x > n)
		return HG_ESTATS;
	if (conf == 1) {
		*lo = 0;
		*hi = 1;
		return 0;
	}
	double z = hg_z2(conf);
	double root = z * sqrt(z * z + 4 * x * (1 - x / n));
	*lo = (2 * x + z * z - root) / (2 * (n + z * z));
	*hi = (2 * x + z * z + root) / (2 * (n + z * z));
	return 0;
}

int hg_proportion_check(double x, double n, hg_err *err)
{
	if (x < 0)
		return hg_err_set(err, HG_ESTATS,
		                  "numerators must be greater than or equal to zero");
	if (n <= 0)
		return hg_err_set(err, HG_ESTATS, "denominators must be greater than zero");
	if (x > n)
		return hg_err_set(err, HG_ESTATS,
		                  "numerators must be less than or equal to denominator for a "
		                  "proportion statistic");
	return 0;
}
