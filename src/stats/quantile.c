/*
 * quantile.c: assignment of areas to quantiles by rank, as phe_quantile in
 * PHEindicatormethods: ties share the minimum rank, the highest value gets
 * rank 1 when inverted, and q = floor(Q+1 - ceil((N+1-rank)/(N/Q))).
 */
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
	double v;
	size_t i;
} hg_qitem;

static int qitem_cmp(const void *a, const void *b)
{
	double x = ((const hg_qitem *)a)->v, y = ((const hg_qitem *)b)->v;
	return (x > y) - (x < y);
}

int hg_quantile_assign(const double *v, size_t k, int nq, int invert, double *q)
{
	hg_qitem *it = hg_xmalloc((k ? k : 1) * sizeof *it);
	size_t n = 0;
	for (size_t i = 0; i < k; i++) {
		q[i] = NAN;
		if (!isnan(v[i]))
			it[n++] = (hg_qitem){invert ? -v[i] : v[i], i};
	}
	int too_few = n < (size_t)nq;
	qsort(it, n, sizeof *it, qitem_cmp);
	double per = (double)n / nq;
	size_t first = 0;
	for (size_t j = 0; j < n && !too_few; j++) {
		if (j > 0 && it[j].v != it[j - 1].v)
			first = j;
		double rank = (double)(first + 1);
		double qq = floor((nq + 1) - ceil(((double)n + 1 - rank) / per));
		q[it[j].i] = qq == 0 ? 1 : qq;
	}
	free(it);
	return too_few;
}
