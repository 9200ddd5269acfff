/*
 * analysis_int.h: internals of the analysis: rows.c's index from (indicator,
 * period, breakdown) to the published rows of that group, breakdown lookups
 * and row pushers, used by measures.c, monitor.c and analysis_write.c; and the
 * two builders run.c calls. Calls run one way: run.c -> measures.c,
 * monitor.c -> rows.c.
 */
#ifndef HG_ANALYSIS_INT_H
#define HG_ANALYSIS_INT_H

#include "analysis/analysis.h"

typedef struct hg_rowindex {
	const hg_restable *t;
	const hg_indicator *const *inds;
	int ninds;
	size_t **first; /* per indicator: [period * nbds + bd] first row, SIZE_MAX if none */
	size_t **count;
} hg_rowindex;

void hg_rowindex_build(hg_rowindex *ix, const hg_indicator *const *inds, int ninds,
                       const hg_restable *t);
void hg_rowindex_free(hg_rowindex *ix);
/* Rows of one group; returns their number (0 when absent). */
size_t hg_rowindex_group(const hg_rowindex *ix, int i, int j, int b, const hg_row **rows);
/* Breakdown index of a one-dimension breakdown of this kind, or -1. */
int hg_bd_find(const hg_indicator *ind, int kind);
/* The row of category cat in a group, or NULL. */
const hg_row *hg_group_cat(const hg_row *rows, size_t n, int cat);

/* Data quality of indicator i, period j: % ethnicity not stated, % IMD unknown. */
void hg_dq(const hg_rowindex *ix, int i, int j, double *eth, double *imd);

hg_ineq_row *hg_ineq_push(hg_analysis *a);
hg_mon_row *hg_mon_push(hg_analysis *a);

int hg_ineq_build(const hg_rowindex *ix, const hg_analysis_opts *o, hg_analysis *a, hg_err *err);
int hg_monitor_build(const hg_rowindex *ix, const hg_analysis_opts *o, hg_analysis *a, hg_err *err);

#endif
