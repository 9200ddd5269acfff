/*
 * sdc.c: statistical disclosure control, enforced in the engine (d8 of the
 * domain notes; HES/ECDS and OpenSAFELY conventions). With rule k:
 *   - primary: a cell whose numerator or denominator is 1..k is suppressed;
 *   - rounding: every other count is rounded to the nearest 5 (0 stays 0);
 *     values are then computed from the rounded counts (results.c);
 *   - secondary: within each indicator x period x breakdown group, if
 *     exactly one cell is suppressed, the next smallest unsuppressed cell
 *     that is not structurally empty (0/0) is suppressed too, so the
 *     suppressed one cannot be recovered from the "All" total by
 *     subtraction; for two-way breakdowns the same holds for every row and
 *     column of the cross. Repeated until nothing changes (each pass that
 *     changes anything suppresses one more cell, so at most n passes).
 *     Where no cell can be the complement, hg_sdc_exposed says so and the
 *     caller suppresses the total (results.c).
 *   - every statistic of a suppressed cell is suppressed.
 * k = 0 means no control (marked as such in the metadata).
 */
#include "engine/engine.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

double hg_sdc_round5(double v)
{
	if (v == 0 || isnan(v))
		return v;
	return floor(v / 5.0 + 0.5) * 5.0;
}

int hg_sdc_small(double count, int k)
{
	return count >= 1 && count <= k;
}

double hg_sdc_count(double count, int k)
{
	return hg_sdc_small(count, k) ? NAN : hg_sdc_round5(count);
}

static int sdc_primary(const hg_row *r, int k)
{
	return hg_sdc_small(r->raw_num, k) || hg_sdc_small(r->raw_den, k);
}

/* Size used to choose the complementary cell: smallest denominator, then numerator. */
static double sdc_size(const hg_row *r)
{
	return r->raw_den * 1e6 + r->raw_num;
}

/* Rows idx[0..n) form one additive set; returns 1 if a cell was newly suppressed. */
static int sdc_complement(hg_row *rows, const size_t *idx, size_t n)
{
	size_t nsup = 0, best = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		hg_row *r = &rows[idx[i]];
		if (r->suppressed) {
			nsup++;
			continue;
		}
		if (r->raw_den == 0 && r->raw_num == 0)
			continue; /* 0/0 is structurally empty: suppressing it hides nothing */
		if (best == (size_t)-1 || sdc_size(r) < sdc_size(&rows[idx[best]]))
			best = i;
	}
	if (nsup != 1 || best == (size_t)-1)
		return 0;
	rows[idx[best]].suppressed = 2;
	return 1;
}

/* 1 when exactly one of rows idx[0..n) is suppressed: it equals the set's total minus the rest. */
static int sdc_lone(const hg_row *rows, const size_t *idx, size_t n)
{
	size_t nsup = 0;
	for (size_t i = 0; i < n; i++)
		nsup += rows[idx[i]].suppressed != 0;
	return n > 1 && nsup == 1;
}

int hg_sdc_exposed(const hg_row *rows, size_t n, int n1, int n2)
{
	size_t *idx = hg_xmalloc(sizeof *idx * (n + 1));
	int k = 0;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	k += sdc_lone(rows, idx, n);
	if (n1 > 0 && n2 > 0 && (size_t)(n1 * n2) == n) {
		for (int a = 0; a < n1; a++) {
			for (int b = 0; b < n2; b++)
				idx[b] = (size_t)(a * n2 + b);
			k += sdc_lone(rows, idx, (size_t)n2);
		}
		for (int b = 0; b < n2; b++) {
			for (int a = 0; a < n1; a++)
				idx[a] = (size_t)(a * n2 + b);
			k += sdc_lone(rows, idx, (size_t)n1);
		}
	}
	free(idx);
	return k;
}

void hg_sdc_group(hg_row *rows, size_t n, int k, int n1, int n2)
{
	if (k <= 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (sdc_primary(&rows[i], k))
			rows[i].suppressed = 1;
	size_t *idx = hg_xmalloc(sizeof *idx * (n + 1));
	int changed = 1;
	while (changed) {
		changed = 0;
		if (n > 1) {
			for (size_t i = 0; i < n; i++)
				idx[i] = i;
			changed |= sdc_complement(rows, idx, n);
		}
		if (n1 > 0 && n2 > 0 && (size_t)(n1 * n2) == n) {
			for (int a = 0; a < n1; a++) {
				for (int b = 0; b < n2; b++)
					idx[b] = (size_t)(a * n2 + b);
				changed |= sdc_complement(rows, idx, (size_t)n2);
			}
			for (int b = 0; b < n2; b++) {
				for (int a = 0; a < n1; a++)
					idx[a] = (size_t)(a * n2 + b);
				changed |= sdc_complement(rows, idx, (size_t)n1);
			}
		}
	}
	free(idx);
	for (size_t i = 0; i < n; i++) {
		hg_row *r = &rows[i];
		if (r->suppressed) {
			r->num = r->den = NAN;
			r->note = r->suppressed == 1
			              ? "suppressed: a count at or below the threshold"
			              : "suppressed to protect another cell";
		} else {
			r->num = hg_sdc_round5(r->raw_num);
			r->den = hg_sdc_round5(r->raw_den);
		}
	}
}

void hg_sdc_describe(int k, int full, char *buf, size_t size)
{
	if (k <= 0) {
		snprintf(buf, size, "no disclosure control (for internal analysis only)");
		return;
	}
	if (!full) {
		snprintf(buf, size,
		         "counts of 1 to %d suppressed, all other counts rounded to the "
		         "nearest 5",
		         k);
		return;
	}
	snprintf(buf, size,
	         "every count from 1 to %d is suppressed; every other count is rounded to the "
	         "nearest 5, and values and confidence intervals are computed from the rounded "
	         "counts; where one cell of a breakdown is suppressed, the next smallest is "
	         "suppressed too, so that it cannot be recovered by subtraction",
	         k);
}
