/*
 * periods.c: periods from their specifications (docs/language.md, "Periods"):
 * monthly, quarterly, annual and rolling periods from a start date, or one
 * range; and a period's length in years, which event rates divide by.
 */
#include "lang/ast.h"

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
