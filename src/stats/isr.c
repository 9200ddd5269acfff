/*
 * isr.c: indirect standardisation, as calculate_ISRatio and calculate_ISRate
 * in PHEindicatormethods: expected counts from reference rates applied to
 * the local population, the ratio O/E (e.g. the SMR, Breslow & Day 1987) or
 * O/E times the reference rate, with exact Poisson limits of O when O < 10
 * and Byar's otherwise.
 */
#include "stats/stats.h"

#include <math.h>

int hg_isr_sums(const double *x, const double *n, const double *xref, const double *nref, size_t k,
                double *observed, double *expected, hg_err *err)
{
	double o = 0, e = 0;
	for (size_t i = 0; i < k; i++) {
		if (x && x[i] < 0)
			return hg_err_set(
			    err, HG_ESTATS,
			    "row %zu: numerators must all be greater than or equal to zero", i + 1);
		if (n[i] < 0)
			return hg_err_set(
			    err, HG_ESTATS,
			    "row %zu: denominators must all be greater than or equal to zero",
			    i + 1);
		if (x && !isnan(x[i]))
			o += x[i];
		double xr = isnan(xref[i]) ? 0 : xref[i];
		double ni = isnan(n[i]) ? 0 : n[i];
		e += xr / nref[i] * ni;
	}
	if (observed)
		*observed = o;
	*expected = e;
	return 0;
}

int hg_isr(double observed, double expected, double conf, double scale, double *value, double *lo,
           double *hi)
{
	double l, h;
	int exact = hg_count_limits(observed, conf, &l, &h);
	*value = observed / expected * scale;
	*lo = l / expected * scale;
	*hi = h / expected * scale;
	return exact;
}
