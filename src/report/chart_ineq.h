/*
 * chart_ineq.h: the inequality and monitoring charts (issue 6), built on
 * svg.h: the SII chart (quantile bars placed on the cumulative population,
 * 95% CI whiskers, the fitted slope), the Making Data Count SPC chart (mean,
 * process limits, target, points coloured by special cause) with its
 * variation and assurance icons, and the practice funnel plot (95% and
 * 99.8% limits, outliers named). Each writes a complete accessible <svg>.
 * Suppressed quantiles are drawn as a labelled gap, never as zero.
 */
#ifndef HG_CHART_INEQ_H
#define HG_CHART_INEQ_H

#include "core/str.h"

#include <stddef.h>

typedef struct hg_sii_chart {
	const char *id, *title, *desc, *value_label, *cat_label;
	size_t n;                      /* quantiles, most deprived first */
	const char *const *labels;     /* "1" ... */
	const double *value, *lo, *hi; /* NaN lo/hi: no whisker */
	const double *pop;             /* population of each quantile */
	const int *suppressed;
	double sii, sii_lo, sii_hi; /* NaN: no fitted line */
	double width, height;       /* 0: 640 x 320 */
} hg_sii_chart;

void hg_chart_sii(hg_buf *out, const hg_sii_chart *c);

typedef struct hg_spc_chart_pt {
	const char *label; /* period end */
	double value, mean, lpl, upl;
	int point_type; /* enum hg_spc_point_type */
} hg_spc_chart_pt;

typedef struct hg_spc_chart {
	const char *id, *title, *desc, *value_label;
	const hg_spc_chart_pt *pts;
	size_t n;
	double target;            /* NaN: none */
	int variation, assurance; /* icons (enum hg_spc_variation / assurance), -1: none */
	double width, height;     /* 0: 640 x 300 */
} hg_spc_chart;

void hg_chart_spc(hg_buf *out, const hg_spc_chart *c);
/* The two Making Data Count icons side by side as a small <svg> (size px each). */
void hg_chart_spc_icons(hg_buf *out, int variation, int assurance, double size);

typedef struct hg_funnel_chart_dot {
	const char *label;
	double x, value;
	int sig; /* enum hg_funnel_sig */
} hg_funnel_chart_dot;

typedef struct hg_funnel_chart_lim {
	double x, lo95, hi95, lo998, hi998;
} hg_funnel_chart_lim;

typedef struct hg_funnel_plot {
	const char *id, *title, *desc, *value_label, *x_label;
	const hg_funnel_chart_lim *lims;
	size_t nlims;
	const hg_funnel_chart_dot *dots;
	size_t ndots;
	double baseline;
	double width, height; /* 0: 640 x 340 */
} hg_funnel_plot;

void hg_chart_funnel(hg_buf *out, const hg_funnel_plot *c);

#endif
