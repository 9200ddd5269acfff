/*
 * dcea.c: distributional cost-effectiveness analysis (see dcea.h).
 * Method: Asaria M, Griffin S, Cookson R (2016) Distributional cost-effectiveness
 * analysis: a tutorial. Med Decis Making 36:8-19; Love-Koh J et al. (2020) Med Decis
 * Making 40:170 (who bears the opportunity cost); Robson M et al. (2017) Health Econ
 * 26:1328 (inequality aversion); Atkinson AB (1970) J Econ Theory 2:244; Kolm S-C (1976)
 * J Econ Theory 12:416. The York Health Equity Impact Calculator's functions are the
 * reference implementation; docs/economics.md says where this file departs from them.
 */
#include "stats/dcea.h"

#include <math.h>
#include <string.h>

/* Population shares p_g = P_g / sum P. */
static void shares(size_t n, const double *pop, double *p)
{
	double tot = 0;
	for (size_t g = 0; g < n; g++)
		tot += pop[g];
	for (size_t g = 0; g < n; g++)
		p[g] = pop[g] / tot;
}

static double wmean(size_t n, const double *p, const double *x)
{
	double m = 0;
	for (size_t g = 0; g < n; g++)
		m += p[g] * x[g];
	return m;
}

/* Population-weighted covariance of h with the fractional rank (cumulative mid-points),
 * and the variance of the rank. */
static void rank_moments(size_t n, const double *pop, const double *h, double *cov, double *var)
{
	double p[HG_DCEA_MAX_GROUPS], r[HG_DCEA_MAX_GROUPS], cum = 0;
	shares(n, pop, p);
	for (size_t g = 0; g < n; g++) {
		r[g] = cum + p[g] / 2;
		cum += p[g];
	}
	double rm = wmean(n, p, r), hm = wmean(n, p, h);
	*cov = *var = 0;
	for (size_t g = 0; g < n; g++) {
		*cov += p[g] * (r[g] - rm) * (h[g] - hm);
		*var += p[g] * (r[g] - rm) * (r[g] - rm);
	}
}

double hg_dcea_sii(size_t n, const double *pop, const double *h)
{
	double cov, var;
	rank_moments(n, pop, h, &cov, &var);
	return cov / var;
}

double hg_dcea_concentration(size_t n, const double *pop, const double *h)
{
	double cov, var, p[HG_DCEA_MAX_GROUPS];
	rank_moments(n, pop, h, &cov, &var);
	shares(n, pop, p);
	return 2 * cov / wmean(n, p, h);
}

static double hmax(size_t n, const double *h)
{
	double m = h[0];
	for (size_t g = 1; g < n; g++)
		m = h[g] > m ? h[g] : m;
	return m;
}

double hg_atkinson_ede(size_t n, const double *pop, const double *h, double eps)
{
	double p[HG_DCEA_MAX_GROUPS], m = hmax(n, h), s = 0;
	shares(n, pop, p);
	if (eps == 1) {
		for (size_t g = 0; g < n; g++)
			s += p[g] * log(h[g] / m);
		return m * exp(s);
	}
	/* scaled by the largest value, so h^(1 - eps) neither under- nor overflows */
	for (size_t g = 0; g < n; g++)
		s += p[g] * pow(h[g] / m, 1 - eps);
	return m * pow(s, 1 / (1 - eps));
}

double hg_atkinson_ede_change(size_t n, const double *pop, const double *h, const double *dh,
                              double eps)
{
	double p[HG_DCEA_MAX_GROUPS], m = hmax(n, h), ede = hg_atkinson_ede(n, pop, h, eps);
	shares(n, pop, p);
	if (eps == 1) {
		double s = 0;
		for (size_t g = 0; g < n; g++)
			s += p[g] * log1p(dh[g] / h[g]);
		return ede * expm1(s);
	}
	/* S'/S - 1 = sum w_g ((1 + dh/h)^(1-eps) - 1), w_g = p_g h_g^(1-eps) / S */
	double w[HG_DCEA_MAX_GROUPS], s = 0, x = 0;
	for (size_t g = 0; g < n; g++) {
		w[g] = p[g] * pow(h[g] / m, 1 - eps);
		s += w[g];
	}
	for (size_t g = 0; g < n; g++)
		x += w[g] / s * expm1((1 - eps) * log1p(dh[g] / h[g]));
	return ede * expm1(log1p(x) / (1 - eps));
}

double hg_atkinson_index(size_t n, const double *pop, const double *h, double eps)
{
	double p[HG_DCEA_MAX_GROUPS];
	shares(n, pop, p);
	return 1 - hg_atkinson_ede(n, pop, h, eps) / wmean(n, p, h);
}

void hg_atkinson_weights(size_t n, const double *pop, const double *h, double eps, double *w)
{
	double p[HG_DCEA_MAX_GROUPS], m = hmax(n, h), mean = 0;
	shares(n, pop, p);
	for (size_t g = 0; g < n; g++) {
		w[g] = pow(h[g] / m, -eps);
		mean += p[g] * w[g];
	}
	for (size_t g = 0; g < n; g++)
		w[g] /= mean;
}

/* Kolm terms relative to the smallest value: w_g = p_g exp(-alpha (h_g - hmin)). */
static double kolm_terms(size_t n, const double *pop, const double *h, double alpha, double *w,
                         double *hmin)
{
	double p[HG_DCEA_MAX_GROUPS], s = 0;
	shares(n, pop, p);
	*hmin = h[0];
	for (size_t g = 1; g < n; g++)
		*hmin = h[g] < *hmin ? h[g] : *hmin;
	for (size_t g = 0; g < n; g++) {
		w[g] = p[g] * exp(-alpha * (h[g] - *hmin));
		s += w[g];
	}
	return s;
}

double hg_kolm_ede(size_t n, const double *pop, const double *h, double alpha)
{
	double w[HG_DCEA_MAX_GROUPS], hmin, s = kolm_terms(n, pop, h, alpha, w, &hmin);
	return hmin - log(s) / alpha;
}

double hg_kolm_ede_change(size_t n, const double *pop, const double *h, const double *dh,
                          double alpha)
{
	double w[HG_DCEA_MAX_GROUPS], hmin, s = kolm_terms(n, pop, h, alpha, w, &hmin), x = 0;
	for (size_t g = 0; g < n; g++)
		x += w[g] / s * expm1(-alpha * dh[g]);
	return -log1p(x) / alpha;
}

double hg_dcea_equity_weighted(size_t n, const double *pop, const double *h, const double *nhb,
                               double eps)
{
	double dh[HG_DCEA_MAX_GROUPS], tot = 0;
	for (size_t g = 0; g < n; g++) {
		dh[g] = nhb[g] / pop[g];
		tot += pop[g];
	}
	return hg_atkinson_ede_change(n, pop, h, dh, eps) * tot;
}

static int dcea_check(const hg_dcea_input *in, hg_err *err)
{
	if (in->n < 2 || in->n > HG_DCEA_MAX_GROUPS)
		return hg_err_set(err, HG_ESTATS, "DCEA needs 2 to %d groups, got %zu",
		                  HG_DCEA_MAX_GROUPS, in->n);
	double s = 0;
	for (size_t g = 0; g < in->n; g++) {
		if (!(in->pop[g] > 0) || !isfinite(in->pop[g]))
			return hg_err_set(
			    err, HG_ESTATS,
			    "DCEA: group %zu has no population (%g): every group needs "
			    "people for its life expectancy to change",
			    g + 1, in->pop[g]);
		if (!(in->qale[g] > 0) || !isfinite(in->qale[g]))
			return hg_err_set(
			    err, HG_ESTATS,
			    "DCEA: baseline QALE of group %zu must be positive, not %g", g + 1,
			    in->qale[g]);
		if (!isfinite(in->qalys[g]) || !(in->hoc_share[g] >= 0))
			return hg_err_set(err, HG_ESTATS,
			                  "DCEA: group %zu has a missing QALY gain or a negative "
			                  "opportunity-cost share",
			                  g + 1);
		s += in->hoc_share[g];
	}
	if (fabs(s - 1) > 1e-6)
		return hg_err_set(
		    err, HG_ESTATS,
		    "DCEA: the opportunity-cost shares add up to %g, not 1: fix them so "
		    "that the whole cost falls on someone",
		    s);
	if (!(in->k > 0) || !isfinite(in->net_cost))
		return hg_err_set(
		    err, HG_ESTATS,
		    "DCEA: the opportunity-cost threshold k must be positive (%g) and "
		    "the net cost finite",
		    in->k);
	return 0;
}

int hg_dcea(const hg_dcea_input *in, hg_dcea_result *res, hg_err *err)
{
	memset(res, 0, sizeof *res);
	if (dcea_check(in, err))
		return 1;
	size_t n = in->n;
	double p[HG_DCEA_MAX_GROUPS], dh[HG_DCEA_MAX_GROUPS];
	shares(n, in->pop, p);
	res->hoc_total = in->net_cost / in->k;
	for (size_t g = 0; g < n; g++) {
		res->hoc[g] = in->hoc_share[g] * res->hoc_total;
		res->nhb[g] = in->qalys[g] - res->hoc[g];
		dh[g] = res->nhb[g] / in->pop[g];
		res->qale_after[g] = in->qale[g] + dh[g];
		res->qalys += in->qalys[g];
		res->nhb_total += res->nhb[g];
	}
	res->mean_before = wmean(n, p, in->qale);
	res->mean_after = res->mean_before + wmean(n, p, dh);
	res->sii_before = hg_dcea_sii(n, in->pop, in->qale);
	/* the SII is linear in h: its change is the SII of the change, exactly */
	res->sii_change = hg_dcea_sii(n, in->pop, dh);
	res->sii_after = res->sii_before + res->sii_change;
	res->rii_before = res->sii_before / res->mean_before;
	res->rii_after = res->sii_after / res->mean_after;
	res->conc_before = hg_dcea_concentration(n, in->pop, in->qale);
	res->conc_after = hg_dcea_concentration(n, in->pop, res->qale_after);
	return 0;
}
