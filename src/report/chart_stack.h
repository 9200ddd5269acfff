/*
 * chart_stack.h: 100% stacked bars, one bar per group (the whole area, each
 * IMD quintile, ...) split into the shares of ordered parts (the segments of
 * a segmentation), with a legend of the parts and each share's value written
 * in its piece where it fits. Built on svg.h and its accessibility rules;
 * used by the dashboard's Population segments page and the board report.
 */
#ifndef HG_CHART_STACK_H
#define HG_CHART_STACK_H

#include "core/str.h"

#include <stddef.h>

typedef struct hg_stack_chart {
	const char *id; /* unique in the page: prefixes element ids */
	const char *title, *desc;
	const char *const *groups; /* a bar each, top to bottom */
	size_t ngroups;
	const char *const *parts; /* the pieces of every bar, left to right */
	size_t nparts;
	const double *share; /* [group * nparts + part], percent; NaN: not published */
	double width;        /* 0: 640 */
} hg_stack_chart;

void hg_chart_stacked(hg_buf *out, const hg_stack_chart *c);

#endif
