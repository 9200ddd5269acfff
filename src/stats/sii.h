/*
 * sii.h: the Slope and Relative Index of Inequality, as
 * PHEindicatormethods::phe_sii (v2.1) computes them: weighted least squares
 * of the quantile values on the cumulative-population midpoints, with
 * confidence limits by Monte-Carlo simulation. Our simulation uses our own
 * seeded generator (stats/rng.h), so limits are reproducible for a seed but
 * are not R's draws. See docs/methods.md.
 */
#ifndef HG_STATS_SII_H
#define HG_STATS_SII_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

#define HG_SII_MAX_LEVELS 8
/* Every replicate is kept (16 bytes, 160 with reliability): ten times the package's default. */
#define HG_SII_MAX_REPS 1000000

enum hg_sii_value_type { HG_SII_NORMAL = 0, HG_SII_RATE = 1, HG_SII_PROPORTION = 2 };

typedef struct hg_sii_opts {
	int value_type;    /* enum hg_sii_value_type */
	int transform;     /* fit on the log/logit scale (value_type 1 or 2, CLs only) */
	double multiplier; /* default 1 */
	long repetitions;  /* default 100000, at least 1000, at most HG_SII_MAX_REPS */
	double conf[HG_SII_MAX_LEVELS]; /* fractions (0.9..1) */
	size_t nconf;
	int rii;
	int reliability; /* simulate 10 x repetitions and report mean abs. differences */
	uint64_t seed;
} hg_sii_opts;

/* One group's quantiles, in social order (sorted by the quantile column). */
typedef struct hg_sii_input {
	size_t q;
	const double *population;
	const double *value; /* already x/population when only x was given */
	const double *se;    /* NULL when CLs are used */
	const double *lower_cl, *upper_cl;
} hg_sii_input;

typedef struct hg_sii_result {
	double sii, rii, intercept;
	double sii_lower[HG_SII_MAX_LEVELS], sii_upper[HG_SII_MAX_LEVELS];
	double rii_lower[HG_SII_MAX_LEVELS], rii_upper[HG_SII_MAX_LEVELS];
	double sii_mad[HG_SII_MAX_LEVELS], rii_mad[HG_SII_MAX_LEVELS];
} hg_sii_result;

void hg_sii_opts_init(hg_sii_opts *o);
/* Check the options (transform rules, repetitions, levels): the R messages. */
int hg_sii_check_opts(const hg_sii_opts *o, int have_se, int have_cls, hg_err *err);
/*
 * Check one input row; the message names the column (population, se,
 * value, lower_cl, upper_cl) and R's reason. se/lcl/ucl/value may be NaN
 * when that column is not used (pass the use flags).
 */
int hg_sii_check_row(const hg_sii_opts *o, double pop, double value, int use_value, double se,
                     int use_se, double lcl, double ucl, hg_err *err);
/* SII, RII, intercept and the simulated limits of one group. */
int hg_sii(const hg_sii_input *in, const hg_sii_opts *o, hg_sii_result *res, hg_err *err);
/* Level suffix "95_0" for 0.95 (formatC(level*100, "f", digits = 1)). */
void hg_sii_level_name(double conf, char out[16]);

#endif
