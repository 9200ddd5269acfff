/*
 * concentration.h: inequality measures over quantile (grouped) data beyond
 * PHEindicatormethods: the concentration index for grouped data with its
 * standard error (Kakwani, Wagstaff & van Doorslaer 1997; O'Donnell et al.
 * 2008, ch. 8) and the population attributable risk (PAR) of inequality,
 * i.e. the share of the overall rate that would go if every quantile had the
 * reference (least deprived, or best) quantile's rate. See docs/methods.md.
 */
#ifndef HG_STATS_CONCENTRATION_H
#define HG_STATS_CONCENTRATION_H

#include "core/error.h"

#include <stddef.h>

/* One group's quantiles in socioeconomic order (poorest/most deprived first). */
typedef struct hg_ci_input {
	size_t q;
	const double *population; /* persons in each quantile (> 0) */
	const double *value;      /* mean or rate of the health variable (>= 0) */
	const double *se;         /* standard error of each value, or NULL */
} hg_ci_input;

typedef struct hg_ci_result {
	double ci; /* concentration index, in [-1, 1] */
	double se; /* its standard error */
	double lower, upper;
	double mean; /* population-weighted mean value */
} hg_ci_result;

int hg_concentration_index(const hg_ci_input *in, double conf, hg_ci_result *res, hg_err *err);

enum hg_par_reference {
	HG_PAR_LAST = 0, /* the last quantile in order (least deprived with IMD 1 = most) */
	HG_PAR_FIRST,
	HG_PAR_MIN, /* the lowest value (lower is better) */
	HG_PAR_MAX, /* the highest value (higher is better) */
};

typedef struct hg_par_input {
	size_t q;
	const double *population;
	const double *value; /* rates or proportions (already x/n * m) */
	const double *count; /* observed events, or NULL */
} hg_par_input;

typedef struct hg_par_result {
	double overall;   /* population-weighted mean of value */
	double reference; /* the reference quantile's value */
	size_t ref_index;
	double par;     /* overall - reference, in value units */
	double par_pct; /* 100 * par / overall */
	double excess;  /* events above the reference rate (NaN without counts) */
} hg_par_result;

int hg_par(const hg_par_input *in, int reference, hg_par_result *res, hg_err *err);

#endif
