/*
 * labels.h: the words a person reads for the codes healthgap computes with,
 * in one place, for the dashboard (src/server), the board report and the
 * downloads meant for people: breakdowns and their categories, units, the
 * polarity, gaps in words with one sign convention, Making Data Count
 * variation and assurance, funnel significance, disclosure notes, and the
 * status marking every output carries. Machine files (indicators.csv,
 * inequalities.csv, monitoring.csv, the JSON API) keep the codes.
 *
 * Sign convention (docs/methods.md, "Reading the gaps"): every gap shown to a
 * person is the most deprived group minus the least deprived one, and says so
 * in words ("most deprived fifth 11.8 points lower than the least deprived").
 * The SII keeps PHE's sign in inequalities.csv (positive: the value rises with
 * affluence), so it is shown negated (hg_label_sii_shown) to read the same way.
 */
#ifndef HG_LABELS_H
#define HG_LABELS_H

#include "core/error.h"
#include "lang/lang.h"

#include <stddef.h>

/* ---- breakdowns and categories ---- */

/* "Deprivation quintile (IMD 2019)", "Ethnic group", "Learning disability (PLUS group)",
 * crosses "Deprivation quintile (IMD 2019) by ethnic group". imd_version as in the store
 * ("IMD2019", "IMD2025", "none" or NULL). */
void hg_label_breakdown(const char *name, const char *imd_version, char *buf, size_t size);
/* A category of a breakdown: "1 (most deprived)", "5 (least deprived)", "Whole area",
 * crosses "1 (most deprived) / White"; other categories as they are. */
void hg_label_category(const char *breakdown, const char *cat, char *buf, size_t size);

/* ---- units ---- */

/* After a number: "% of people", "per 1,000 people per year", "per 1,000 person-years",
 * "per 100,000 per year, age-standardised", "years", "people", "" (a mean). */
void hg_label_unit(const hg_indicator *ind, char *buf, size_t size);
/* An axis or column: "% of people", "Per 1,000 people per year", "Life expectancy (years)". */
void hg_label_axis(const hg_indicator *ind, char *buf, size_t size);
/* What is measured, with its unit: "Proportion (% of people)", "Directly standardised
 * rate (per 100,000 per year, age-standardised)", "Life expectancy at birth (years)". */
void hg_label_measure(const hg_indicator *ind, char *buf, size_t size);
/* The unit of a difference of two values: "percentage points" for percentages, else the
 * unit. */
void hg_label_diff_unit(const hg_indicator *ind, char *buf, size_t size);
/* What the indicator counts: "people", "pathways" or "appointments" ("People"... with capital). */
const char *hg_label_counted(const hg_indicator *ind, int capital);
/* An indicator with the fields the unit depends on, from a measure name (hg_ind_type_names),
 * its multiplier and "person_time" or "mid_period" (JSON outputs carry these). */
void hg_label_ind_stub(hg_indicator *ind, const char *measure, double per, const char *population);
const char *hg_label_population_code(const hg_indicator *ind); /* "person_time", "mid_period" */

/* ---- polarity, direction, gaps ---- */

const char *hg_label_polarity(int polarity); /* "Higher is better", ... */
/* +1 better, -1 worse, 0 neither: a change of this sign under this polarity. */
int hg_label_judge(int change_sign, int polarity);
/* The SII as shown: most deprived end minus least deprived end (= -SII of phe_sii). */
double hg_label_sii_shown(double sii);
/* "11.8 percentage points lower", "2.3 years shorter", "about the same" (|d| < 0.05),
 * "not available" (NaN): a difference d = group - reference in words, without who.
 * brief: "11.8 points lower", "663.5 higher" (the unit shown elsewhere, years kept). */
void hg_label_diff(const hg_indicator *ind, double d, int brief, char *buf, size_t size);
/* A 95% CI of a difference in words: "95% CI 9.1 to 14.5 lower", "95% CI 2.0 lower to 3.1
 * higher" (units as hg_label_diff's brief form); "" when either limit is missing. */
void hg_label_diff_ci(const hg_indicator *ind, double lo, double hi, char *buf, size_t size);
/* "most deprived fifth 11.8 percentage points lower than the least deprived fifth": the
 * Q1 minus Q5 (or decile 1 minus 10: deciles) gap in words. */
void hg_label_gap(const hg_indicator *ind, double gap, int deciles, char *buf, size_t size);
/* The SII (phe_sii sign) in words: "most deprived end of the gradient 14.2 percentage
 * points lower than the least deprived end". */
void hg_label_sii(const hg_indicator *ind, double sii, char *buf, size_t size);

/* ---- statistical process control and comparisons ---- */

#define HG_LABEL_TOO_FEW "Too few events for SPC"
const char *hg_label_variation(int variation);   /* "Special cause: improvement (higher)" */
const char *hg_label_assurance(int assurance);   /* "Consistently fails the target" */
const char *hg_label_point_type(int point_type); /* "special cause: concern" */
/* The icon and point type of a series drawn upside down (the SII shown as most minus least
 * deprived): high and low swap, improvement and concern stay. */
int hg_label_mirror_variation(int variation);
int hg_label_mirror_point_type(int point_type);
/* A comparison code of inequalities.csv ("better", "not_compared") in words. */
const char *hg_label_comparison(const char *code);
const char *hg_label_funnel_sig(int sig); /* "High: outside the 99.8% limits" */

/* ---- rows and notes ---- */

/* Is a published row structurally empty: nobody in the denominator (never "suppressed")? */
int hg_label_not_applicable(int suppressed, double num, double den, const char *note);
#define HG_LABEL_NOT_APPLICABLE "not applicable"
/* A pack or row note for people: the source markers [M], [S], [V] explained. */
void hg_label_note(const char *note, char *buf, size_t size);

/* the status marking (SYNTHETIC DATA, OFFICIAL-SENSITIVE) is engine/status.h */
#include "engine/status.h"

#endif
