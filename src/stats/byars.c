/*
 * byars.c: confidence limits for a Poisson count. Byar's approximation
 * (Breslow NE, Day NE. Statistical Methods in Cancer Research vol II, IARC
 * 1987, p69) and exact limits from the chi-square distribution (Garwood F.
 * Biometrika 1936;28:437-42), as PHEindicatormethods R/utils.R uses them.
 */
#include "stats/stats.h"

#include "stats/hg_rmath.h"
#include <math.h>

double hg_byars_lower(double x, double conf)
{
	if (isnan(x) || isnan(conf))
		return NAN;
	double z = hg_z2(conf);
	double v = x * pow(1 - 1 / (9 * x) - z / (3 * sqrt(x)), 3);
	return v < 0 ? NAN : v;
}

double hg_byars_upper(double x, double conf)
{
	if (isnan(x) || isnan(conf))
		return NAN;
	double z = hg_z2(conf);
	return (x + 1) * pow(1 - 1 / (9 * (x + 1)) + z / (3 * sqrt(x + 1)), 3);
}

double hg_exact_lower(double x, double conf)
{
	if (isnan(x) || isnan(conf))
		return NAN;
	return qchisq((1 - conf) / 2, 2 * x, 1, 0) / 2;
}

double hg_exact_upper(double x, double conf)
{
	if (isnan(x) || isnan(conf))
		return NAN;
	return qchisq(conf + (1 - conf) / 2, 2 * x + 2, 1, 0) / 2;
}

int hg_count_limits(double x, double conf, double *lo, double *hi)
{
	if (x < 10) {
		*lo = hg_exact_lower(x, conf);
		*hi = hg_exact_upper(x, conf);
		return 1;
	}
	*lo = hg_byars_lower(x, conf);
	*hi = hg_byars_upper(x, conf);
	return 0;
}
