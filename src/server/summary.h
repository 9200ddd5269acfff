/*
 * summary.h: the headline of one indicator for the overview (API and page):
 * the latest value with its CI, the gap between the most and least deprived
 * IMD quintiles, the direction of travel since the previous period, and the
 * completeness of IMD and ethnicity in its denominator. Built only through
 * the role-enforcing query layer (rescache.h): a practice user's headline
 * is its own practice's value and has no quintile gap.
 */
#ifndef HG_SRV_SUMMARY_H
#define HG_SRV_SUMMARY_H

#include "server/rescache.h"

enum { HG_TREND_NA = 0, HG_TREND_UP, HG_TREND_DOWN, HG_TREND_SAME };

typedef struct hg_ind_summary {
	const hg_indicator *ind;
	char period_end[11], value_type[40], scope[24];
	double value, lo95, hi95, den;
	double q1, q5, gap; /* q1 most deprived; gap = q1 - q5 */
	int trend;          /* HG_TREND_*, by 95% CI overlap with the previous period */
	int polarity;       /* enum hg_polarity (objectives): colours the trend better/worse */
	double imd_unknown_pct, eth_not_stated_pct;
	int nperiods;
	/* Making Data Count icons of the last period (enum hg_spc_variation / assurance; -1: not
	 * charted): the area's value, and the SII (else the Q1-Q5 gap) series, if visible */
	int var, ass, gap_var, gap_ass;
	const char *gap_series;   /* "sii", "gap_abs" or NULL */
	int too_few, gap_too_few; /* no icons: too few events for SPC (engine/analysis.h) */
} hg_ind_summary;

void hg_summarise(const hg_results *r, const hg_user *u, int i, hg_ind_summary *s);
/* The headline of indicator i for one place (server/place.h): category cat of breakdown
 * kind (its value and trend), the most and least deprived fifths from `kind x
 * imd_quintile` ("cat / 1", "cat / 5") when the pack has it; no SPC icons (the analysis
 * is the area's). Without the breakdown everything is missing. */
void hg_summarise_place(const hg_results *r, const hg_user *u, int i, const char *kind,
                        const char *cat, hg_ind_summary *s);
/* The icons of the last row of a monitored series: 0 if it has no limits there. */
int hg_series_icons(const hg_mon_row *const *rows, size_t n, int *var, int *ass);
/* Is a monitored series marked too few events for SPC (no icons by rule)? */
int hg_series_too_few(const hg_mon_row *const *rows, size_t n);
const char *hg_trend_name(int t);
/* The trend in words with its judgement under the polarity: "Increasing (better)";
 * *judge gets +1 better, -1 worse, 0 neither (label colours). */
const char *hg_trend_words(int t, int polarity, int *judge);

#endif
