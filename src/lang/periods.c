/*
 * periods.c: periods from their specifications (docs/language.md, "Periods"):
 * monthly, quarterly, annual and rolling periods from a start date, or one
 * range; the numbering of a pack's distinct periods; and a period's length
 * in years, which event rates divide by.
 */
#include "lang/ast.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int hg_period_expand(const hg_period_spec *ps, hg_arena *a, hg_period **out, int *n)
{
	int cap = 0, k = 0;
	hg_period *p = NULL;
	for (int i = 0;; i++) {
		hg_period cur;
		if (ps->step == 0) {
			if (i > 0)
				break;
			cur = (hg_period){ps->from, ps->to};
		} else {
			cur.start = hg_date_add_months(ps->from, i * ps->step);
			int len = ps->rolling ? ps->rolling : ps->step;
			cur.end = hg_date_add_months(cur.start, len) - 1;
			if (cur.end > ps->to)
				break;
		}
		if (k == HG_PERIODS_MAX) {
			free(p);
			*out = NULL;
			*n = HG_PERIODS_MAX + 1;
			return -1;
		}
		HG_GROW(p, k, cap);
		p[k++] = cur;
	}
	*out = hg_arena_alloc(a, sizeof *p * (size_t)(k ? k : 1));
	if (k)
		memcpy(*out, p, sizeof *p * (size_t)k);
	*n = k;
	free(p);
	return 0;
}

/* qsort order of positions into a period array: by start, end, then position
 * (so the first of equal periods comes first). */
typedef struct {
	hg_period p;
	int pos;
} period_pos;

static int period_pos_cmp(const void *a, const void *b)
{
	const period_pos *x = a, *y = b;
	if (x->p.start != y->p.start)
		return x->p.start < y->p.start ? -1 : 1;
	if (x->p.end != y->p.end)
		return x->p.end < y->p.end ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

int hg_periods_number(const hg_period *all, int n, int *ix, hg_period *uniq)
{
	if (n <= 0)
		return 0;
	period_pos *s = hg_xmalloc(sizeof *s * (size_t)n);
	int *first = hg_xmalloc(sizeof *first * (size_t)n);
	for (int i = 0; i < n; i++)
		s[i] = (period_pos){all[i], i};
	qsort(s, (size_t)n, sizeof *s, period_pos_cmp);
	/* first[pos]: the position where pos's period is first seen */
	for (int i = 0, run = 0; i < n; i++) {
		if (i > 0 && (s[i].p.start != s[i - 1].p.start || s[i].p.end != s[i - 1].p.end))
			run = i;
		first[s[i].pos] = s[run].pos;
	}
	int k = 0;
	for (int i = 0; i < n; i++) {
		assert(first[i] <= i);
		if (first[i] == i) {
			uniq[k] = all[i];
			ix[i] = k++;
		} else {
			ix[i] = ix[first[i]];
		}
	}
	free(first);
	free(s);
	return k;
}

double hg_period_years(hg_period p)
{
	int y0, m0, d0, y1, m1, d1;
	hg_date_to_ymd(p.start, &y0, &m0, &d0);
	hg_date_to_ymd(p.end, &y1, &m1, &d1);
	int n = (y1 - y0) * 12 + (m1 - m0);
	if (d0 == 1 && d1 == hg_days_in_month(y1, m1)) /* calendar months */
		return (n + 1) / 12.0;
	for (int k = n; k <= n + 1; k++)
		if (k > 0 && hg_months_ending_start(p.end, k) == p.start)
			return k / 12.0;
	return (p.end - p.start + 1) / 365.25;
}
