/*
 * le.c: life expectancy from an abridged life table (Chiang CL. The Life
 * Table and its Construction. In: Introduction to Stochastic Processes in
 * Biostatistics. Wiley, 1968:189-214; Chiang CL. The Life Table and its
 * Applications, 1984) with the variance term for the open final interval of
 * Silcocks PBS, Jenner DA, Reza R. J Epidemiol Community Health
 * 2001;55:38-43, as phe_life_expectancy in PHEindicatormethods computes it.
 */
#include "stats/stats.h"

#include "stats/hg_rmath.h"
#include <math.h>

const char *hg_le_status_msg(int status)
{
	switch (status) {
	case HG_LE_NEG_DEATHS:
		return "some age bands have negative deaths; outputs have been suppressed to NAs";
	case HG_LE_BAD_POP:
		return "some age bands have a zero or less population; outputs have been "
		       "suppressed to NAs";
	case HG_LE_BANDS_WRONG:
		return "some groups do not contain records for all age bands; life expectancy "
		       "cannot be calculated for these. These groups will contain NAs.";
	case HG_LE_DEATHS_GT_POP:
		return "some age bands have more deaths than population; outputs have been "
		       "suppressed to NAs";
	case HG_LE_LOW_POP:
		return "some groups have a total population of less than 5,000; outputs have "
		       "been suppressed to NAs";
	default:
		return "ok";
	}
}

/* The package's group exclusions, checked in its order. */
static int le_status(const double *d, const double *p, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (d[i] < 0)
			return HG_LE_NEG_DEATHS;
	for (size_t i = 0; i < k; i++)
		if (p[i] <= 0)
			return HG_LE_BAD_POP;
	if (k != HG_LE_BANDS)
		return HG_LE_BANDS_WRONG;
	for (size_t i = 0; i < k; i++)
		if (d[i] > p[i])
			return HG_LE_DEATHS_GT_POP;
	double total = 0;
	for (size_t i = 0; i < k; i++)
		total += p[i];
	return total <= 5000 ? HG_LE_LOW_POP : HG_LE_OK;
}

typedef struct {
	double n[HG_LE_BANDS], a[HG_LE_BANDS], m[HG_LE_BANDS], q[HG_LE_BANDS];
	double l[HG_LE_BANDS + 1], dl[HG_LE_BANDS], L[HG_LE_BANDS];
} hg_le_table;

/* Widths, a, M and q for every band. */
static void le_q(hg_le_table *t, const double *d, const double *p, const double *age)
{
	const size_t K = HG_LE_BANDS;
	for (size_t i = 0; i < K; i++) {
		t->m[i] = d[i] / p[i];
		t->a[i] = age[i] == 0 ? 0.1 : 0.5;
		t->n[i] = i + 1 < K ? age[i + 1] - age[i] : 2 / t->m[i];
		double mn = t->m[i] * t->n[i];
		t->q[i] = d[i] <= p[i] / t->n[i] / t->a[i] ? mn / (1 + mn * (1 - t->a[i])) : 1;
	}
}

/* Survivors l, table deaths d and person-years L. */
static void le_l(hg_le_table *t)
{
	const size_t K = HG_LE_BANDS;
	t->l[0] = 1e5;
	for (size_t i = 1; i < K; i++)
		t->l[i] = t->l[i - 1] * (1 - t->q[i - 1]);
	t->l[K] = 0;
	for (size_t i = 0; i < K; i++)
		t->dl[i] = t->l[i] - t->l[i + 1];
	for (size_t i = 0; i + 1 < K; i++)
		t->L[i] = t->n[i] * (t->l[i + 1] + t->a[i] * t->dl[i]);
	t->L[K - 1] = t->l[K - 1] / t->m[K - 1];
}

/* e_i = T_i / l_i and SE(e_i) with the Silcocks term for the last band. */
static void le_e(const hg_le_table *t, const double *d, double *e, double *se)
{
	const size_t K = HG_LE_BANDS;
	double T = 0;
	for (size_t i = K; i-- > 0;) {
		T += t->L[i];
		e[i] = t->l[i] == 0 ? 0 : T / t->l[i];
	}
	double S = 0;
	for (size_t i = K; i-- > 0;) {
		double w;
		if (i + 1 < K) {
			double sq = t->dl[i] == 0 ? 0 : t->q[i] * t->q[i] * (1 - t->q[i]) / d[i];
			double h = (1 - t->a[i]) * t->n[i] + e[i + 1];
			w = sq * (t->l[i] * t->l[i]) * (h * h);
		} else {
			double sq = 4 / (d[i] * (t->m[i] * t->m[i]));
			w = (t->l[i] / 2) * (t->l[i] / 2) * sq;
		}
		S += w;
		se[i] = sqrt(S / (t->l[i] * t->l[i]));
	}
}

int hg_life_table(const double *deaths, const double *pop, const double *startage, size_t k,
                  double *e, double *se)
{
	int st = le_status(deaths, pop, k);
	if (st != HG_LE_OK) {
		for (size_t i = 0; i < k; i++)
			e[i] = se[i] = NAN;
		return st;
	}
	hg_le_table t;
	le_q(&t, deaths, pop, startage);
	le_l(&t);
	le_e(&t, deaths, e, se);
	return HG_LE_OK;
}

int hg_le_too_wide(double se)
{
	return qnorm(0.975, 0.0, 1.0, 1, 0) * se > 10;
}
