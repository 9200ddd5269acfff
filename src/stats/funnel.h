/*
 * funnel.h: funnel plots as PHEindicatormethods (v2.1) draws them:
 * calculate_funnel_limits (100 x-axis points with 95% and 99.8% control
 * limits), assign_funnel_significance and calculate_funnel_points, for
 * proportions, ratios (count or ISR) and rates (DSR or crude). The Poisson
 * limits are found by the package's bisection, ported exactly (quirk Q11).
 */
#ifndef HG_STATS_FUNNEL_H
#define HG_STATS_FUNNEL_H

#include "core/error.h"

#include <stddef.h>

#define HG_FUNNEL_POINTS 100

enum hg_funnel_stat { HG_FUNNEL_PROPORTION = 0, HG_FUNNEL_RATIO = 1, HG_FUNNEL_RATE = 2 };
enum hg_funnel_ratio_type { HG_FUNNEL_COUNT = 0, HG_FUNNEL_ISR = 1 };
enum hg_funnel_rate_type { HG_FUNNEL_DSR = 0, HG_FUNNEL_CRUDE = 1 };

enum hg_funnel_sig {
	HG_FUNNEL_HIGH_001 = 0,
	HG_FUNNEL_HIGH_025,
	HG_FUNNEL_LOW_001,
	HG_FUNNEL_LOW_025,
	HG_FUNNEL_NOT_SIG,
	HG_FUNNEL_NOT_APPLICABLE, /* DSR with fewer than 10 events */
};

typedef struct hg_funnel_opts {
	int statistic;  /* enum hg_funnel_stat */
	int ratio_type; /* enum hg_funnel_ratio_type */
	int rate_type;  /* enum hg_funnel_rate_type */
	double multiplier;
	double years; /* years_of_data (rates) */
} hg_funnel_opts;

/* The data columns: den may be NULL for rates; rate is used only for rates. */
typedef struct hg_funnel_data {
	size_t n;
	const double *num, *den, *rate;
} hg_funnel_data;

/*
 * One x-axis point. x is Population (proportions), Observed_events (ratios)
 * or Events (rates). The limit columns are lower_2s_limit ... upper_3s_limit.
 * For ratios, *_exp are the *_exp_events columns; for rates, the
 * *_population_1_year columns (NaN for proportions). baseline is NaN for
 * ratios.
 */
typedef struct hg_funnel_point {
	double x;
	double lower_2s, upper_2s, lower_3s, upper_3s;
	double lower_2s_exp, upper_2s_exp, lower_3s_exp, upper_3s_exp;
	double baseline;
} hg_funnel_point;

int hg_funnel_limits(const hg_funnel_opts *o, const hg_funnel_data *d,
                     hg_funnel_point out[HG_FUNNEL_POINTS], hg_err *err);
/* One label (enum hg_funnel_sig) per row. */
int hg_funnel_significance(const hg_funnel_opts *o, const hg_funnel_data *d, int *sig, hg_err *err);
/* Rates only: <rate>_chart and denominator_derived per row. */
int hg_funnel_points(const hg_funnel_opts *o, const hg_funnel_data *d, double *rate_chart,
                     double *den_derived, hg_err *err);

const char *hg_funnel_sig_name(int sig);

/* The package's helpers, exposed for tests. */
double hg_funnel_sigma_adjustment(double p, double population, double av, int high,
                                  double multiplier);
double hg_funnel_poisson(double obs, double p, int high);
/* R's nchar(x) for a whole number x (as.character picks "1e+05" when shorter). */
int hg_r_nchar_whole(double x);

#endif
