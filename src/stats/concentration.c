/*
 * concentration.c: concentration index for grouped data and population
 * attributable risk of inequality.
 *
 * Concentration index: Wagstaff A, Paci P, van Doorslaer E (1991). On the
 * measurement of inequalities in health. Soc Sci Med 33:545-557; Kakwani N,
 * Wagstaff A, van Doorslaer E (1997). Socioeconomic inequalities in health:
 * measurement, computation and statistical inference. J Econometrics
 * 77:87-103; O'Donnell O, van Doorslaer E, Wagstaff A, Lindelow M (2008).
 * Analyzing Health Equity Using Household Survey Data, World Bank, ch. 8
 * (eqs. 8.3 and 8.8 for grouped data).
 *   C = (2/mu) sum f_t mu_t R_t - 1, R_t = sum_{k<t} f_k + f_t/2
 *   var C = (1/N)[sum f_t a_t^2 - (1+C)^2] + (1/mu^2) sum f_t^2 se_t^2 (2R_t-1-C)^2
 *   a_t = (mu_t/mu)(2R_t - 1 - C) + 2 - q_{t-1} - q_t, q_t = sum_{k<=t} f_k mu_k / mu
 * (the second term is O'Donnell's (1/(N mu^2)) sum f_t sigma_t^2 (...)^2 with
 * sigma_t^2 / n_t = se_t^2; it is left out when no standard errors are given).
 *
 * PAR: Fingertips/PHE convention, PAR% = (overall rate - reference quantile
 * rate) / overall rate x 100, the reference being the least deprived quantile
 * (or the best one on request).
 */
#include "stats/concentration.h"

#define MATHLIB_STANDALONE 1
#include <Rmath.h>
#include <math.h>
#include <stdlib.h>

static int ineq_check(size_t q, const double *pop, const double *val, const double *se, hg_err *err)
{
	if (q < 2)
		return hg_err_set(err, HG_ESTATS, "at least 2 quantiles are needed");
	for (size_t t = 0; t < q; t++) {
		if (isnan(pop[t]) || pop[t] <= 0)
			return hg_err_set(err, HG_ESTATS,
			                  "quantile %zu: population: must be greater than zero",
			                  t + 1);
		if (isnan(val[t]) || val[t] < 0)
			return hg_err_set(err, HG_ESTATS,
			                  "quantile %zu: value: missing or negative", t + 1);
		if (se && (isnan(se[t]) || se[t] < 0))
			return hg_err_set(err, HG_ESTATS, "quantile %zu: se: missing or negative",
			                  t + 1);
	}
	return 0;
}

int hg_concentration_index(const hg_ci_input *in, double conf, hg_ci_result *res, hg_err *err)
{
	size_t q = in->q;
	if (ineq_check(q, in->population, in->value, in->se, err))
		return err ? err->code : HG_ESTATS;
	double n = 0, mu = 0;
	for (size_t t = 0; t < q; t++)
		n += in->population[t];
	for (size_t t = 0; t < q; t++)
		mu += in->population[t] / n * in->value[t];
	if (!(mu > 0))
		return hg_err_set(err, HG_ESTATS, "the mean value is 0: no concentration index");
	double c = 0, cum = 0;
	for (size_t t = 0; t < q; t++) {
		double f = in->population[t] / n;
		c += f * in->value[t] * (cum + f / 2);
		cum += f;
	}
	c = 2 / mu * c - 1;
	double s1 = 0, s2 = 0, qprev = 0, qcum = 0;
	cum = 0;
	for (size_t t = 0; t < q; t++) {
		double f = in->population[t] / n, r = cum + f / 2, mt = in->value[t];
		qcum += f * mt / mu;
		double a = mt / mu * (2 * r - 1 - c) + 2 - qprev - qcum;
		s1 += f * a * a;
		if (in->se)
			s2 += f * f * in->se[t] * in->se[t] * pow(2 * r - 1 - c, 2);
		qprev = qcum;
		cum += f;
	}
	double var = (s1 - (1 + c) * (1 + c)) / n + s2 / (mu * mu);
	double z = qnorm(conf + (1 - conf) / 2, 0, 1, 1, 0);
	res->ci = c;
	res->mean = mu;
	res->se = sqrt(var > 0 ? var : 0);
	res->lower = c - z * res->se;
	res->upper = c + z * res->se;
	return 0;
}

static size_t par_ref(const hg_par_input *in, int reference)
{
	size_t best = reference == HG_PAR_FIRST ? 0 : in->q - 1;
	if (reference == HG_PAR_MIN || reference == HG_PAR_MAX)
		for (size_t t = 0; t < in->q; t++) {
			double v = in->value[t], b = in->value[best];
			if (reference == HG_PAR_MIN ? v < b : v > b)
				best = t;
		}
	return best;
}

int hg_par(const hg_par_input *in, int reference, hg_par_result *res, hg_err *err)
{
	if (ineq_check(in->q, in->population, in->value, NULL, err))
		return err ? err->code : HG_ESTATS;
	if (reference < HG_PAR_LAST || reference > HG_PAR_MAX)
		return hg_err_set(err, HG_EUSAGE, "reference must be last, first, min or max");
	double n = 0, s = 0, events = 0;
	for (size_t t = 0; t < in->q; t++) {
		n += in->population[t];
		s += in->population[t] * in->value[t];
		if (in->count)
			events += in->count[t];
	}
	res->overall = s / n;
	res->ref_index = par_ref(in, reference);
	res->reference = in->value[res->ref_index];
	res->par = res->overall - res->reference;
	res->par_pct = res->overall > 0 ? 100 * res->par / res->overall : NAN;
	res->excess = NAN;
	if (in->count) {
		size_t r = res->ref_index;
		res->excess = events - in->count[r] / in->population[r] * n;
	}
	return 0;
}
