/*
 * spc.h: statistical process control charts.
 *
 * XmR ("plot the dots") charts as NHSRplotthedots::ptd_spc computes them
 * (NHS England, Making Data Count), and p'/u' attribute charts with Laney's
 * adjustment (Laney 2002). Method notes are in docs/methods.md.
 *
 * The XmR functions work on one facet at a time: the caller passes the points
 * of a facet sorted by date (x, any increasing numeric key such as a day
 * number). Rebase dates split the facet into groups; limits and special-cause
 * rules are computed per group.
 */
#ifndef HG_STATS_SPC_H
#define HG_STATS_SPC_H

#include "core/error.h"

#include <stddef.h>

enum hg_spc_direction { HG_SPC_DECREASE = -1, HG_SPC_NEUTRAL = 0, HG_SPC_INCREASE = 1 };

/* special_cause_type, in the package's priority order. */
enum hg_spc_cause {
	HG_SPC_COMMON = 0,
	HG_SPC_ABOVE_UCL,
	HG_SPC_BELOW_LCL,
	HG_SPC_TREND_UP,
	HG_SPC_TREND_DOWN,
	HG_SPC_TWO_IN_THREE_ABOVE,
	HG_SPC_TWO_IN_THREE_BELOW,
	HG_SPC_SHIFT_ABOVE,
	HG_SPC_SHIFT_BELOW,
};

enum hg_spc_point_type {
	HG_SPC_PT_COMMON = 0,
	HG_SPC_PT_IMPROVEMENT,
	HG_SPC_PT_CONCERN,
	HG_SPC_PT_NEUTRAL_HIGH,
	HG_SPC_PT_NEUTRAL_LOW,
};

enum hg_spc_variation {
	HG_SPC_VAR_COMMON = 0,
	HG_SPC_VAR_IMPROVEMENT_HIGH,
	HG_SPC_VAR_IMPROVEMENT_LOW,
	HG_SPC_VAR_CONCERN_HIGH,
	HG_SPC_VAR_CONCERN_LOW,
	HG_SPC_VAR_NEUTRAL_HIGH,
	HG_SPC_VAR_NEUTRAL_LOW,
};

enum hg_spc_assurance {
	HG_SPC_ASSURE_NONE = 0, /* no target, or a neutral direction (NA) */
	HG_SPC_ASSURE_PASS,
	HG_SPC_ASSURE_FAIL,
	HG_SPC_ASSURE_INCONSISTENT,
};

typedef struct hg_spc_opts {
	int direction;        /* enum hg_spc_direction (default increase) */
	int screen_outliers;  /* 1 (default): drop moving ranges >= 3.267 * mean MR */
	long fix_after_n_pts; /* 0 = use every point; otherwise >= 12 */
	const double *rebase; /* x values that start a new group */
	size_t nrebase;
	int has_target;
	double target;
} hg_spc_opts;

/* One output row per input point (the columns of ptd_spc's data frame). */
typedef struct hg_spc_point {
	int rebase_group;
	int short_group_warning; /* group has fewer than 13 points */
	double fix_y;            /* NaN after fix_after_n_points */
	double mean, lpl, upl, nlpl, nupl;
	int outside_limits, relative_to_mean, close_to_limits;
	int cause; /* enum hg_spc_cause */
	int special_cause_flag;
	int point_type; /* enum hg_spc_point_type */
} hg_spc_point;

void hg_spc_opts_init(hg_spc_opts *o);

/*
 * XmR chart of one facet: n points already sorted by x (strictly increasing;
 * a repeated date is an error). y must not be NaN. out has n entries.
 */
int hg_spc_xmr(const double *x, const double *y, size_t n, const hg_spc_opts *o, hg_spc_point *out,
               hg_err *err);

/* Variation icon from the last point, assurance icon from its limits. */
int hg_spc_variation(const hg_spc_point *last, int direction);
int hg_spc_assurance(const hg_spc_point *last, const hg_spc_opts *o);

const char *hg_spc_cause_name(int cause);   /* "Above UCL", "Common Cause", ... */
const char *hg_spc_point_type_name(int pt); /* "special_cause_improvement", ... */
const char *hg_spc_variation_name(int v);   /* "improvement_high", ... */
const char *hg_spc_assurance_name(int a);   /* "consistent_pass", ... or NULL */

/*
 * Laney p' / u' chart for k subgroups (Laney 2002). For p: x events out of n
 * trials; for u: x events over exposure n. Per subgroup, writes the centre
 * line, the ordinary (p/u) sigma, the adjusted (p'/u') sigma and the 3-sigma
 * limits (p limits clamped to [0, 1], u lower limit at 0). sigma_z is the
 * moving-range estimate of the spread of the z-scores (mean MR / 1.128).
 */
typedef struct hg_laney_point {
	double value;   /* x/n */
	double centre;  /* pooled x/n */
	double sigma;   /* binomial or Poisson sigma at n */
	double z;       /* (value - centre) / sigma */
	double sigma_z; /* common to all points */
	double lcl, ucl;
	int outside; /* 1 above, -1 below, 0 within */
} hg_laney_point;

enum hg_laney_kind { HG_LANEY_P = 0, HG_LANEY_U = 1 };

int hg_laney_chart(int kind, const double *x, const double *n, size_t k, double multiplier,
                   int laney, hg_laney_point *out, hg_err *err);

#endif
