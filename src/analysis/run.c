/*
 * run.c: the driver of the inequality and monitoring analysis (analysis.h):
 * index the published rows (rows.c), compute the inequality measures
 * (measures.c) and the monitoring series (monitor.c), and write them
 * (analysis_write.c is called by `healthgap run` after publish.c's pipeline).
 */
#include "analysis/analysis_int.h"

#include "store/store.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void hg_analysis_opts_init(hg_analysis_opts *o)
{
	memset(o, 0, sizeof *o);
	o->sii_reps = 10000;
	o->seed = 20240401;
}

int hg_analysis_build(const hg_indicator *const *inds, int ninds, const hg_restable *t,
                      const hg_analysis_opts *o, hg_analysis *a, hg_err *err)
{
	memset(a, 0, sizeof *a);
	a->sdc_k = t->sdc_k;
	hg_rowindex ix;
	hg_rowindex_build(&ix, inds, ninds, t);
	int rc = hg_ineq_build(&ix, o, a, err);
	if (rc == 0)
		rc = hg_monitor_build(&ix, o, a, err);
	hg_rowindex_free(&ix);
	if (rc)
		hg_analysis_free(a);
	return rc;
}

void hg_analysis_free(hg_analysis *a)
{
	for (size_t k = 0; k < a->nfunnels; k++)
		free(a->funnels[k].dots);
	free(a->funnels);
	free(a->ineq);
	free(a->mon);
	memset(a, 0, sizeof *a);
}
