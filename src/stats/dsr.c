/*
 * dsr.c: directly standardised rates with Dobson confidence limits (Dobson
 * AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted
 * sums of Poisson parameters. Stat Med 1991;10:457-62) around Byar's limits
 * of the total count (Breslow & Day 1987), as calculate_dsr in
 * PHEindicatormethods. The non-independent events variant pools the
 * per-frequency variances, sum over f of f^2 var_f, as in the Fingertips
 * public health data technical guidance (DSR chapter) and package v2.1.
 */
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>

/*
 * European Standard Population 2013, 19 five-year bands 0-4 ... 85-89, 90+
 * (Eurostat. Revision of the European Standard Population: report of
 * Eurostat's task force. Luxembourg, 2013, table 3.1; the package data set
 * esp2013 of PHEindicatormethods). Public reference values, sum 100 000.
 */
const double hg_esp2013[19] = {5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
                               7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000};

static int dsr_row_check(double x, double n, double w, size_t i, hg_err *err)
{
	if (isnan(n) || n <= 0)
		return hg_err_set(err, HG_ESTATS,
		                  "row %zu: denominators must all be greater than zero", i + 1);
	if (isnan(w) || w < 0)
		return hg_err_set(err, HG_ESTATS,
		                  "row %zu: stdpop must all be greater than or equal to zero",
		                  i + 1);
	if (x < 0)
		return hg_err_set(err, HG_ESTATS,
		                  "row %zu: numerators must all be greater than or equal to zero",
		                  i + 1);
	return 0;
}

static int dsr_mult_check(double mult, hg_err *err)
{
	if (!(mult > 0))
		return hg_err_set(err, HG_ESTATS, "multiplier must be greater than zero");
	return 0;
}

int hg_dsr(const double *x, const double *n, const double *w, size_t k, double mult, hg_dsr_res *r,
           hg_err *err)
{
	if (dsr_mult_check(mult, err))
		return HG_ESTATS;
	double o = 0, pop = 0, wt = 0, sq = 0, wsum = 0;
	for (size_t i = 0; i < k; i++) {
		if (dsr_row_check(x[i], n[i], w[i], i, err))
			return HG_ESTATS;
		double xi = isnan(x[i]) ? 0 : x[i];
		o += xi;
		pop += n[i];
		wt += xi * w[i] / n[i];
		sq += xi * (w[i] / n[i]) * (w[i] / n[i]);
		wsum += w[i];
	}
	r->total_count = o;
	r->total_pop = pop;
	r->raw = wt / wsum * mult;
	r->var = 1 / (wsum * wsum) * sq;
	r->value = o < 10 ? NAN : r->raw;
	return 0;
}

/* Per band: index of the first row of that band, or SIZE_MAX. */
static size_t band_first(const size_t *band, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (band[j] == band[i])
			return j;
	return (size_t)-1;
}

int hg_dsr_nonind(const double *x, const double *n, const double *w, const double *f,
                  const size_t *band, size_t k, double mult, hg_dsr_res *r, hg_err *err)
{
	if (dsr_mult_check(mult, err))
		return HG_ESTATS;
	double o = 0, pop = 0, wt = 0, sq = 0, wsum = 0;
	for (size_t i = 0; i < k; i++) {
		if (dsr_row_check(x[i], n[i], w[i], i, err))
			return HG_ESTATS;
		if (isnan(f[i]) || f[i] < 0)
			return hg_err_set(err, HG_ESTATS,
			                  "row %zu: event frequency must be zero or more", i + 1);
		size_t j = band_first(band, i);
		if (j != (size_t)-1 && (n[j] != n[i] || w[j] != w[i]))
			return hg_err_set(
			    err, HG_ESTATS,
			    "row %zu: there are rows with varying n or stdpop for the "
			    "same age band (compare row %zu)",
			    i + 1, j + 1);
		if (j == (size_t)-1) {
			pop += n[i];
			wsum += w[i];
		}
		double ev = (isnan(x[i]) ? 0 : x[i]) * f[i];
		o += ev;
		wt += ev * w[i] / n[i];
		sq += f[i] * f[i] * (isnan(x[i]) ? 0 : x[i]) * (w[i] / n[i]) * (w[i] / n[i]);
	}
	r->total_count = o;
	r->total_pop = pop;
	r->raw = wt / wsum * mult;
	r->var = 1 / (wsum * wsum) * sq;
	r->value = o < 10 ? NAN : r->raw;
	return 0;
}

void hg_dobson(const hg_dsr_res *r, double conf, double mult, double *lo, double *hi)
{
	double o = r->total_count;
	if (o < 10) {
		*lo = *hi = NAN;
		return;
	}
	double s = sqrt(r->var / o);
	*lo = r->raw + s * (hg_byars_lower(o, conf) - o) * mult;
	*hi = r->raw + s * (hg_byars_upper(o, conf) - o) * mult;
}
