/*
 * psa.h: probabilistic sensitivity analysis. A parameter's uncertainty is
 * given as a base value and a 95% interval (as published), and a
 * distribution family that turns them into a distribution (Briggs A, Claxton
 * K, Sculpher M. Decision Modelling for Health Economic Evaluation, OUP 2006,
 * ch. 4: beta for probabilities and utilities, gamma for costs, lognormal for
 * relative risks, normal otherwise):
 *
 *   fixed      no uncertainty: always the value
 *   normal     mean = value, sd = (high - low) / (2 x 1.959964)
 *   lognormal  median = value, sd of the log = (ln high - ln low) / (2 x 1.959964)
 *   gamma      mean = value, sd as normal (method of moments: shape m^2/s^2, scale s^2/m)
 *   beta       mean = value, sd as normal (method of moments; needs s^2 < m(1 - m))
 *   uniform    between low and high (value is the base case, inside the range)
 *
 * Draws use core/rng.h (xoshiro256**), so they depend only on the generator's
 * state; quantiles (for one-way sensitivity) come from libRmath.
 */
#ifndef HG_STATS_PSA_H
#define HG_STATS_PSA_H

#include "core/error.h"
#include "core/rng.h"

#include <stddef.h>

enum hg_dist_kind {
	HG_DIST_FIXED = 0,
	HG_DIST_NORMAL,
	HG_DIST_LOGNORMAL,
	HG_DIST_GAMMA,
	HG_DIST_BETA,
	HG_DIST_UNIFORM
};

typedef struct hg_dist {
	int kind;
	double value, low, high; /* as given */
	double a, b; /* fitted: mean/sd, meanlog/sdlog, shape/scale, alpha/beta, lo/hi */
} hg_dist;

/* The kind for a name ("fixed", "normal", ...); -1 when unknown. */
int hg_dist_parse(const char *name);
const char *hg_dist_name(int kind);
/* Fit a and b from value, low and high; an error says what is wrong with the numbers. */
int hg_dist_fit(hg_dist *d, hg_err *err);
/* One draw. */
double hg_dist_draw(const hg_dist *d, hg_rng *r);
/* The p-quantile (0 < p < 1). */
double hg_dist_quantile(const hg_dist *d, double p);
/* The distribution's mean (the lognormal's exceeds its median, the value). */
double hg_dist_mean(const hg_dist *d);

/* The p-quantile of x[0..n) by R's default (type 7) rule; sorts x in place. */
double hg_quantile_sorted(double *x, size_t n, double p);

typedef struct hg_interval {
	double mean, lo, hi; /* mean and the 2.5% and 97.5% quantiles */
} hg_interval;

/* Mean and 95% interval of x[0..n) (selects in a copy in scratch, n doubles). NaN values are
 * left out; all NaN gives NaN. */
hg_interval hg_interval_of(const double *x, size_t n, double *scratch);

#endif
