/*
 * chart_econ.h: the equity-efficiency plane of a distributional
 * cost-effectiveness analysis (docs/economics.md): net health benefit (y)
 * against equity impact (x), one faint point per PSA draw and the
 * deterministic result marked, with both axes through zero so the four
 * quadrants (win-win, trade-offs, lose-lose) read at a glance. Built on svg.h.
 */
#ifndef HG_CHART_ECON_H
#define HG_CHART_ECON_H

#include "core/str.h"

#include <stddef.h>

typedef struct hg_plane_chart {
	const char *id, *title, *desc;
	const char *x_label, *y_label;
	const double *x, *y; /* the draws; NaN points are skipped */
	size_t n;
	double x0, y0; /* the deterministic result (NaN: not drawn) */
	double width;  /* 0: 560 (height is 0.7 x width) */
} hg_plane_chart;

void hg_chart_plane(hg_buf *out, const hg_plane_chart *c);

#endif
