/*
 * brief.h: the executive summary in plain words, ranked, for the board report
 * (board.c, from a results directory) and the dashboard's overview (src/server,
 * from the published results), so both say the same things in the same order:
 *   1. the largest deprivation gaps (most minus least deprived fifth, relative to
 *      the whole area's value, clear gaps first),
 *   2. gaps widening (special-cause concern in the gap's SPC) and narrowing,
 *   3. targets consistently failed,
 *   4. practices that stand out (beyond the 99.8% funnel limits, worse first, named),
 *   5. where the most people are needed to close a gap.
 * Callers fill neutral rows (numbers already disclosure-controlled); this file
 * only ranks and words them (docs/methods.md "The executive summary").
 */
#ifndef HG_BRIEF_H
#define HG_BRIEF_H

#include "core/str.h"
#include "lang/lang.h"

#include <stddef.h>

typedef struct hg_brief_ind {
	const hg_indicator *ind; /* the units the words use (hg_label_diff) */
	const char *id, *name;
	double value;               /* the whole area, latest period */
	double gap, gap_lo, gap_hi; /* most minus least deprived fifth, 95% CI (NaN: none) */
	int gap_trend;              /* +1 widening (SPC concern), -1 narrowing, 0 neither */
	int failing, hit_miss;      /* the value's assurance against its target */
	double people;              /* people needed to close the gap (NaN: none) */
} hg_brief_ind;

typedef struct hg_brief_practice {
	const char *code, *name; /* name "" when the store has none */
	const char *ind_name;
	double value, average;
	int worse; /* +1 worse than expected under the polarity, -1 better, 0 no polarity */
} hg_brief_practice;

/* The size of a gap for ranking across units: |gap| relative to |value|; a gap whose value
 * is zero or missing ranks by its absolute size after every relative one; -1 for no gap. */
double hg_brief_gap_size(double gap, double value);
/* Is the gap clear of zero (its 95% CI excludes it)? A gap without a CI counts as clear. */
int hg_brief_gap_clear(const hg_brief_ind *v);
/* order[0..n) = indices of v, largest gap first: clear gaps by size, then the rest by size,
 * then those without a gap. */
void hg_brief_rank(const hg_brief_ind *v, size_t n, size_t *order);
/* Practices in reading order: worse first, then better, then neither; stable otherwise. */
void hg_brief_rank_practices(hg_brief_practice *p, size_t n);
/* "Name (CODE)" or "CODE". */
void hg_brief_practice_label(const hg_brief_practice *p, char *buf, size_t size);

/* The ranked messages as an HTML <ol class="hg-brief"> (np = 0 and practices_shown = 0: the
 * reader may not see practices, so that message is left out). */
void hg_brief_messages(hg_buf *b, const hg_brief_ind *v, size_t n, const hg_brief_practice *p,
                       size_t np, int practices_shown);

#endif
