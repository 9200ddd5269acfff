/*
 * sdc.c: statistical disclosure control, enforced in the engine (d8 of the
 * domain notes; HES/ECDS and OpenSAFELY conventions). With rule k:
 *   - primary: a cell whose numerator or denominator is 1..k is suppressed
 *     (it hides its numerator; a small denominator hides both);
 *   - secondary, over every identity that holds by construction (the sets
 *     given: the cells of a breakdown add up to the "All" cell, the cells of
 *     a two-way breakdown's row to the one-way cell, two deciles to their
 *     quintile, ...): no set may hold exactly one suppressed cell, or that
 *     cell would be its total minus the rest; and the suppressed cells of a
 *     set must hold more than k of each count they hide, or each would be
 *     known to lie within that small sum. Where a set falls short, the
 *     smallest other cell that is not structurally empty (0/0) and whose
 *     hidden count is not 0 (so it adds uncertainty in that count) is
 *     suppressed too, parts before the total;
 *   - links: a count published by several cells (two indicators that count
 *     the same, a quintile's and a decile's "Unknown") is hidden in all of
 *     them when it is hidden in one;
 *   - repeated until nothing changes (each change suppresses one more cell);
 *   - rounding: every other count is rounded to the nearest 5 (0 stays 0);
 *     values are then computed from the rounded counts (results.c);
 *   - every statistic of a suppressed cell is suppressed, and every
 *     suppressed cell carries the same note (which cell is primary is not
 *     said: that would narrow the others).
 * k = 0 means no control (marked as such in the metadata).
 */
#include "engine/engine.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HIDE_NUM = 1, HIDE_DEN = 2 };

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

/* ---- sets and links ---- */

void hg_sdc_sets_free(hg_sdc_sets *s)
{
	free(s->idx);
	free(s->start);
	free(s->total);
	free(s->lidx);
	free(s->lstart);
	free(s->lkind);
	memset(s, 0, sizeof *s);
}

void hg_sdc_set_begin(hg_sdc_sets *s)
{
	if (s->nsets + 2 > s->capsets) {
		s->capsets = s->capsets ? 2 * s->capsets : 64;
		s->start = hg_xrealloc(s->start, sizeof *s->start * s->capsets);
		s->total = hg_xrealloc(s->total, sizeof *s->total * s->capsets);
	}
	s->start[s->nsets] = s->n;
	s->start[s->nsets + 1] = s->n;
	s->total[s->nsets] = SIZE_MAX;
}

void hg_sdc_set_add(hg_sdc_sets *s, size_t row, int is_total)
{
	HG_GROW(s->idx, s->n, s->cap);
	if (is_total)
		s->total[s->nsets] = row;
	s->idx[s->n++] = row;
	s->start[s->nsets + 1] = s->n;
}

void hg_sdc_set_end(hg_sdc_sets *s)
{
	if (s->n - s->start[s->nsets] > 1)
		s->nsets++; /* a set of one cell is no identity */
	else
		s->n = s->start[s->nsets];
}

void hg_sdc_link(hg_sdc_sets *s, const size_t *rows, const int *kinds, size_t n)
{
	if (n < 2)
		return;
	if (s->nlinks + 2 > s->caplinks) {
		s->caplinks = s->caplinks ? 2 * s->caplinks : 64;
		s->lstart = hg_xrealloc(s->lstart, sizeof *s->lstart * s->caplinks);
	}
	s->lstart[s->nlinks] = s->ln;
	for (size_t i = 0; i < n; i++) {
		size_t at = s->ln;
		HG_GROW(s->lidx, s->ln, s->lcap);
		s->ln = at;
		HG_GROW(s->lkind, s->ln, s->lkcap);
		s->lidx[s->ln] = rows[i];
		s->lkind[s->ln++] = kinds[i];
	}
	s->nlinks++;
	s->lstart[s->nlinks] = s->ln;
}

/* ---- the rule ---- */

static int empty(const hg_row *r)
{
	return r->raw_den == 0 && r->raw_num == 0;
}

/* Rank of a candidate complement for a cell hiding `hide` (lower is better):
 * one whose hidden count is 0 adds no uncertainty in it, so it comes after;
 * then parts before the total; then the smallest denominator and numerator. */
static double rank(const hg_row *r, int hide, int is_total)
{
	int adds = (!(hide & HIDE_NUM) || r->raw_num > 0) && (!(hide & HIDE_DEN) || r->raw_den > 0);
	return (adds ? 0 : 4e30) + (is_total ? 2e30 : 0) + r->raw_den * 1e6 + r->raw_num;
}

/* The counts of set q that need another suppressed cell: a lone suppressed cell would be
 * the total minus the rest; and suppressed cells whose hidden counts add up to k or less
 * would each be known to lie within that small sum (the rest being published to +-2),
 * so a hidden count needs the suppressed cells of the set to hold more than k of it. */
static int needs(const hg_row *rows, const hg_sdc_sets *s, size_t q, int k)
{
	size_t nsup = 0;
	int hide = 0;
	double sum[2] = {0, 0};
	for (size_t m = s->start[q]; m < s->start[q + 1]; m++) {
		const hg_row *r = &rows[s->idx[m]];
		if (!r->suppressed)
			continue;
		nsup++;
		hide |= r->hide;
		sum[0] += r->raw_num;
		sum[1] += r->raw_den;
	}
	if (nsup == 0)
		return 0;
	if (nsup == 1)
		return hide ? hide : HIDE_NUM | HIDE_DEN;
	return ((hide & HIDE_NUM) && sum[0] <= k ? HIDE_NUM : 0) |
	       ((hide & HIDE_DEN) && sum[1] <= k ? HIDE_DEN : 0);
}

/* Suppress the best complement in set q when it needs one; 1 if one was. */
static int complement(hg_row *rows, const hg_sdc_sets *s, size_t q, int k)
{
	int hide = needs(rows, s, q, k);
	if (!hide)
		return 0;
	size_t best = SIZE_MAX;
	double br = 0;
	for (size_t m = s->start[q]; m < s->start[q + 1]; m++) {
		size_t i = s->idx[m];
		if (rows[i].suppressed || empty(&rows[i]))
			continue; /* 0/0 is structurally empty: suppressing it hides nothing */
		double r = rank(&rows[i], hide, i == s->total[q]);
		if (best == SIZE_MAX || r < br) {
			best = i;
			br = r;
		}
	}
	if (best == SIZE_MAX)
		return 0;
	rows[best].suppressed = 2;
	rows[best].hide = hide;
	return 1;
}

/* A link whose count is hidden in one cell: hide it in all; 1 if any changed. */
static int spread(hg_row *rows, const hg_sdc_sets *s, size_t l)
{
	int hidden = 0, changed = 0;
	for (size_t m = s->lstart[l]; m < s->lstart[l + 1]; m++)
		hidden |= rows[s->lidx[m]].suppressed && (rows[s->lidx[m]].hide & s->lkind[m]);
	for (size_t m = s->lstart[l]; hidden && m < s->lstart[l + 1]; m++) {
		hg_row *r = &rows[s->lidx[m]];
		int kind = s->lkind[m];
		if (!(r->hide & kind)) {
			if (!r->suppressed)
				r->suppressed = 2;
			r->hide |= kind;
			changed = 1;
		}
	}
	return changed;
}

void hg_sdc_apply(hg_row *rows, size_t n, int k, const hg_sdc_sets *s)
{
	if (k <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		hg_row *r = &rows[i];
		r->hide = (hg_sdc_small(r->raw_num, k) ? HIDE_NUM : 0) |
		          (hg_sdc_small(r->raw_den, k) ? HIDE_NUM | HIDE_DEN : 0);
		r->suppressed = r->hide ? 1 : 0;
	}
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t q = 0; q < s->nsets; q++)
			changed |= complement(rows, s, q, k);
		for (size_t l = 0; l < s->nlinks; l++)
			changed |= spread(rows, s, l);
	}
	for (size_t i = 0; i < n; i++) {
		hg_row *r = &rows[i];
		if (r->suppressed) {
			r->num = r->den = NAN;
			r->note = HG_NOTE_SUPPRESSED;
		} else {
			r->num = hg_sdc_round5(r->raw_num);
			r->den = hg_sdc_round5(r->raw_den);
		}
	}
}

int hg_sdc_exposed(const hg_row *rows, const hg_sdc_sets *s)
{
	int k = 0;
	for (size_t q = 0; q < s->nsets; q++) {
		size_t nsup = 0;
		for (size_t m = s->start[q]; m < s->start[q + 1]; m++)
			nsup += rows[s->idx[m]].suppressed != 0;
		k += nsup == 1;
	}
	return k;
}

/* The sets of one group of n cells, an n1 x n2 cross when n1 > 0: the group, each row
 * and each column (their totals are not among the cells). */
void hg_sdc_group_sets(hg_sdc_sets *s, size_t first, size_t n, int n1, int n2)
{
	hg_sdc_set_begin(s);
	for (size_t i = 0; i < n; i++)
		hg_sdc_set_add(s, first + i, 0);
	hg_sdc_set_end(s);
	if (!(n1 > 0 && n2 > 0 && (size_t)(n1 * n2) == n))
		return;
	for (int a = 0; a < n1; a++) {
		hg_sdc_set_begin(s);
		for (int b = 0; b < n2; b++)
			hg_sdc_set_add(s, first + (size_t)(a * n2 + b), 0);
		hg_sdc_set_end(s);
	}
	for (int b = 0; b < n2; b++) {
		hg_sdc_set_begin(s);
		for (int a = 0; a < n1; a++)
			hg_sdc_set_add(s, first + (size_t)(a * n2 + b), 0);
		hg_sdc_set_end(s);
	}
}

void hg_sdc_group(hg_row *rows, size_t n, int k, int n1, int n2)
{
	hg_sdc_sets s = {0};
	hg_sdc_group_sets(&s, 0, n, n1, n2);
	hg_sdc_apply(rows, n, k, &s);
	hg_sdc_sets_free(&s);
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
