/*
 * dcea.h: distributional cost-effectiveness analysis (DCEA) over ordered
 * socioeconomic groups (IMD quintiles, most deprived first), as the York
 * Health Equity Impact Calculator computes it (Love-Koh, Schneider, Cookson
 * 2022; Asaria M, Griffin S, Cookson R. Med Decis Making 2016;36:8-19), with
 * the corrections docs/economics.md lists: the slope index is population
 * weighted, groups are ranked by deprivation (not by health), the
 * concentration index uses the population covariance, and every change is
 * after minus before (negative = narrowing).
 *
 *   HOC_g  = share_g x net_cost / k          health forgone where the money comes from
 *   NHB_g  = QALYs_g - HOC_g                 net health benefit
 *   h'_g   = h_g + NHB_g / P_g               quality-adjusted life expectancy after
 *   EDE_e  = [sum P_g h_g^(1-e) / sum P]^(1/(1-e))   Atkinson (Atkinson 1970)
 *   EDE_a  = -(1/a) ln(sum P_g exp(-a h_g) / sum P)   Kolm (Kolm 1976)
 *   equity-weighted QALYs = (EDE(h') - EDE(h)) x sum P;  equity impact = that - NHB
 *
 * Numbers in, numbers out. Changes in the equally distributed equivalent are
 * computed from the changes themselves (expm1/log1p), not as a difference of
 * two nearly equal numbers, so they keep full relative precision even when
 * the gain per person is 1e-6 of the life expectancy.
 */
#ifndef HG_STATS_DCEA_H
#define HG_STATS_DCEA_H

#include "core/error.h"

#include <stddef.h>

#define HG_DCEA_MAX_GROUPS 10

typedef struct hg_dcea_input {
	size_t n;                /* groups, most deprived first (2..HG_DCEA_MAX_GROUPS) */
	const double *pop;       /* people in each group (> 0) */
	const double *qale;      /* baseline quality-adjusted life expectancy (> 0) */
	const double *qalys;     /* QALYs gained by the programme's recipients in each group */
	const double *hoc_share; /* share of the health opportunity cost borne by each group */
	double net_cost;         /* net NHS cost (negative when the programme saves money) */
	double k;                /* cost per QALY forgone by displaced spending (> 0) */
} hg_dcea_input;

typedef struct hg_dcea_result {
	double hoc[HG_DCEA_MAX_GROUPS], nhb[HG_DCEA_MAX_GROUPS], qale_after[HG_DCEA_MAX_GROUPS];
	double qalys, hoc_total, nhb_total;
	double mean_before, mean_after;           /* population-weighted QALE */
	double sii_before, sii_after, sii_change; /* QALYs per person, least minus most deprived */
	double rii_before, rii_after;             /* SII / mean */
	double conc_before, conc_after;           /* concentration index */
} hg_dcea_result;

/* Check the input (sizes, positive populations, QALE and k, shares summing to 1 within
 * 1e-6) and compute the distribution of net health benefit and the SII/RII/concentration
 * index before and after. */
int hg_dcea(const hg_dcea_input *in, hg_dcea_result *res, hg_err *err);

/* Population-weighted slope index: cov(h, rank) / var(rank), ranks = cumulative population
 * mid-points in the order given. */
double hg_dcea_sii(size_t n, const double *pop, const double *h);
/* Concentration index 2 cov(h, rank) / mean(h) (population covariance). */
double hg_dcea_concentration(size_t n, const double *pop, const double *h);

/* Atkinson equally distributed equivalent at inequality aversion eps >= 0 (eps = 1: the
 * geometric mean); h > 0. */
double hg_atkinson_ede(size_t n, const double *pop, const double *h, double eps);
/* EDE(h + dh) - EDE(h), accurately; h + dh > 0. */
double hg_atkinson_ede_change(size_t n, const double *pop, const double *h, const double *dh,
                              double eps);
/* Atkinson inequality index 1 - EDE / mean. */
double hg_atkinson_index(size_t n, const double *pop, const double *h, double eps);
/* Normalised Atkinson equity weights h_g^-eps / (population-weighted mean of h^-eps). */
void hg_atkinson_weights(size_t n, const double *pop, const double *h, double eps, double *w);
/* Kolm equally distributed equivalent at absolute aversion alpha > 0, and its change. */
double hg_kolm_ede(size_t n, const double *pop, const double *h, double alpha);
double hg_kolm_ede_change(size_t n, const double *pop, const double *h, const double *dh,
                          double alpha);

/* Equity-weighted QALYs at aversion eps: (EDE(h') - EDE(h)) x sum P, h' = h + nhb / P. */
double hg_dcea_equity_weighted(size_t n, const double *pop, const double *h, const double *nhb,
                               double eps);

#endif
