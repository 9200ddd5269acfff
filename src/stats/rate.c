/*
 * rate.c: crude rates with exact Poisson limits for counts below 10 and
 * Byar's approximation otherwise (Breslow & Day 1987), as phe_rate does.
 */
#include "stats/stats.h"

int hg_rate_check(double x, double n, hg_err *err)
{
	if (x < 0)
		return hg_err_set(err, HG_ESTATS,
		                  "numerators must be greater than or equal to zero");
	if (n <= 0)
		return hg_err_set(err, HG_ESTATS, "denominators must be greater than zero");
	return 0;
}

void hg_rate_limits(double x, double n, double conf, double mult, double *lo, double *hi,
                    int *exact)
{
	double l, h;
	int e = hg_count_limits(x, conf, &l, &h);
	*lo = l / n * mult;
	*hi = h / n * mult;
	if (exact)
		*exact = e;
}
