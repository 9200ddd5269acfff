/*
 * chart.h: the standard charts of healthgap, built on svg.h: bars by
 * category with 95% CI whiskers (horizontal for named categories, vertical
 * for ordered ones such as IMD deciles and quintiles), a time series with a
 * CI band (one or more series), and an age-sex pyramid. Each chart writes a
 * complete accessible <svg> into an hg_buf; suppressed values are drawn as
 * a labelled gap ("suppressed"), never as zero.
 *
 * Extending (issue 6): a new chart builds its own hg_plot with svg.h (frame,
 * scales, hg_plot_axis_*), or draws a standard chart's elements and adds
 * overlays; keep to the palettes and the accessibility rules of svg.h.
 */
#ifndef HG_CHART_H
#define HG_CHART_H

#include "core/str.h"

#include <stddef.h>

enum hg_chart_palette {
	HG_PAL_SINGLE = 0,      /* every bar NHS blue */
	HG_PAL_DEPRIVATION = 1, /* ordinal blues, first = most deprived */
	HG_PAL_CATEGORY = 2     /* Okabe-Ito, one colour per bar */
};

typedef struct hg_bar {
	const char *label;
	double value, lo, hi; /* lo/hi NaN: no whisker */
	int suppressed;
} hg_bar;

typedef struct hg_bar_chart {
	const char *id; /* unique in the page: prefixes element ids */
	const char *title, *desc;
	const char *value_label; /* the value axis, with units: "Prevalence (%)" */
	const char *cat_label;   /* the category axis: "IMD quintile (1 = most deprived)" */
	const hg_bar *bars;
	size_t n;
	double ref;            /* reference value (e.g. the area), NaN for none */
	const char *ref_label; /* legend text of the reference line */
	int palette;           /* enum hg_chart_palette */
	int vertical;          /* bars upward from a category x axis */
	double width;          /* 0: 640 */
	int from_zero;         /* value axis starts at 0 (rates, proportions) */
} hg_bar_chart;

void hg_chart_bars(hg_buf *out, const hg_bar_chart *c);

typedef struct hg_ts_point {
	const char *label; /* x label (period end) */
	double value, lo, hi;
	int suppressed;
} hg_ts_point;

typedef struct hg_ts_series {
	const char *name;
	const hg_ts_point *pts; /* every series has the same x labels */
	size_t n;
} hg_ts_series;

typedef struct hg_ts_chart {
	const char *id, *title, *desc;
	const char *value_label, *time_label;
	const hg_ts_series *series;
	size_t nseries;
	double width, height; /* 0: 640 x 320 */
	int from_zero;
} hg_ts_chart;

void hg_chart_timeseries(hg_buf *out, const hg_ts_chart *c);

typedef struct hg_pyramid_chart {
	const char *id, *title, *desc;
	const char *const *bands; /* youngest first */
	size_t n;
	const double *left, *right; /* males, females; NaN = suppressed */
	const char *left_label, *right_label, *value_label;
	double max;   /* axis maximum (share it across small multiples), 0 = auto */
	double width; /* 0: 320 */
} hg_pyramid_chart;

void hg_chart_pyramid(hg_buf *out, const hg_pyramid_chart *c);

/* A compact dumbbell (e.g. the most vs least deprived quintile, with the area as a tick) for
 * tables: no axes, the scale zoomed on the values (it shows the gap, not magnitudes), so the
 * values must be shown next to it as text too. */
typedef struct hg_dumbbell_chart {
	const char *id, *title, *desc;
	double a, b, ref;     /* a drawn dark, b light; ref as a tick; NaN = absent */
	double width, height; /* 0: 120 x 24 */
} hg_dumbbell_chart;

void hg_chart_dumbbell(hg_buf *out, const hg_dumbbell_chart *c);

#endif
