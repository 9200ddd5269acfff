/*
 * analysis.h: inequality analysis and progress monitoring on top of the
 * published (disclosure-controlled) rows of a run (engine.h):
 *   - objectives.c   the objectives file (targets, gap-reduction targets,
 *                    polarity per indicator);
 *   - measures.c     SII/RII over IMD deciles and quintiles, the Q1 vs Q5
 *                    absolute and relative gap, every category against the
 *                    whole population (Fingertips), gaps to the best-off
 *                    ethnic group and PLUS flag group, people needed to close
 *                    the gap and to reach the target, practice funnel plots,
 *                    and data quality (% ethnicity not stated, % IMD unknown);
 *   - monitor.c      Making Data Count XmR charts of each indicator's value,
 *                    SII and Q1-Q5 gap over its periods, with icons;
 *   - analysis_write.c inequalities.csv/.json and monitoring.csv/.json;
 *   - rows.c, run.c  the index of the published rows; building the analysis.
 * publish.h is the pipeline from a pack and a store to the published rows and
 * this analysis, shared by `healthgap run` and the server.
 * Only published rows are used, so no measure or chart point is built from a
 * suppressed cell (docs/methods.md, "Inequality analysis").
 */
#ifndef HG_ANALYSIS_H
#define HG_ANALYSIS_H

#include "core/date.h"
#include "core/error.h"
#include "core/str.h"
#include "engine/engine.h"
#include "stats/funnel.h"
#include "stats/spc.h"

#include <stddef.h>
#include <stdint.h>

/* ---- objectives (objectives.c) ---- */

enum hg_polarity { HG_POL_LOWER_BETTER = -1, HG_POL_NEUTRAL = 0, HG_POL_HIGHER_BETTER = 1 };

typedef struct hg_objective {
	char id[64];
	double target_value;  /* NaN: none */
	hg_date target_date;  /* HG_DATE_NONE: none */
	double gap_reduction; /* fraction of the baseline gap to remove; NaN: none */
	int polarity;         /* enum hg_polarity */
	int has_polarity;
} hg_objective;

typedef struct hg_objectives {
	hg_objective *v;
	size_t n, cap;
	char path[512];
	char hash[65]; /* BLAKE2b-256 of the file, "" when none */
} hg_objectives;

/*
 * Read an objectives CSV: indicator_id,target_value,target_date,
 * gap_reduction_target[,polarity]. Empty fields mean "none"; polarity is
 * higher_is_better, lower_is_better or neutral; gap_reduction_target is a
 * fraction (0.2) or a percentage (20%).
 */
int hg_objectives_load(hg_objectives *o, const char *path, hg_err *err);
int hg_objectives_parse(hg_objectives *o, const char *name, const char *text, size_t n,
                        hg_err *err);
/* The objectives of a run or a server: path when given, else objectives.csv beside the
 * pack (a directory or a .hg file) when there is one, else none (o left empty). */
int hg_objectives_load_default(hg_objectives *o, const char *path, const char *pack, hg_err *err);
void hg_objectives_free(hg_objectives *o);
const hg_objective *hg_objectives_find(const hg_objectives *o, const char *id);
/* Polarity of an indicator (neutral when it has no objective). */
int hg_objectives_polarity(const hg_objectives *o, const char *id);
const char *hg_polarity_name(int polarity);
int hg_polarity_parse(const char *s, int *out);

/* ---- results of the analysis ---- */

#define HG_NOTE_MAX 200

typedef struct hg_ineq_row {
	int ind, period;
	char breakdown[128];
	char measure[32];    /* sii, rii, gap_abs, gap_rel, vs_all, ... */
	char category[128];  /* the group measured ("" for a whole breakdown) */
	char reference[128]; /* what it is compared with */
	double value, lo95, hi95, lo998, hi998;
	char comparison[24]; /* better, similar, worse, higher, lower, not_compared, ... */
	double pct_eth_not_stated, pct_imd_unknown;
	char note[HG_NOTE_MAX];
} hg_ineq_row;

/*
 * Making Data Count rules are not applied to points built from counts so small that
 * rounding to 5 and suppression drive them: every count behind a monitored point (the
 * events of a rate, the smaller of "meets" and "does not meet" of a proportion, the people
 * of a mean) must be at least this many after rounding. A series with any point below it,
 * or suppressed, is marked too few events for SPC: its values are kept, but it gets no
 * limits, no special-cause flags and no icons.
 */
#define HG_SPC_MIN_EVENTS 10

typedef struct hg_mon_row {
	int ind, period;
	char series[16];     /* value, sii, gap_abs */
	char breakdown[128]; /* All, imd_decile, imd_quintile */
	double value;        /* NaN: not charted */
	double mean, lpl, upl, nlpl, nupl;
	int cause, point_type, special, short_group;
	int direction;            /* enum hg_spc_direction */
	int variation, assurance; /* icons of the series (its last point) */
	int few_events;           /* a count behind this point is under HG_SPC_MIN_EVENTS */
	int too_few;              /* some point of the series has few_events: no SPC at all */
	double target;
	double pct_eth_not_stated, pct_imd_unknown;
	char note[HG_NOTE_MAX];
} hg_mon_row;

/* One practice on a funnel plot. */
typedef struct hg_funnel_dot {
	char practice[64];
	double num, den, value;
	int sig; /* enum hg_funnel_sig */
} hg_funnel_dot;

typedef struct hg_funnel_chart {
	int ind, period;
	int statistic; /* enum hg_funnel_stat */
	double multiplier;
	hg_funnel_point limits[HG_FUNNEL_POINTS];
	hg_funnel_dot *dots;
	size_t ndots;
} hg_funnel_chart;

typedef struct hg_analysis {
	hg_ineq_row *ineq;
	size_t nineq, capineq;
	hg_mon_row *mon;
	size_t nmon, capmon;
	hg_funnel_chart *funnels;
	size_t nfunnels, capfunnels;
	int sdc_k;
} hg_analysis;

typedef struct hg_analysis_opts {
	const hg_objectives *obj; /* may be NULL */
	long sii_reps;            /* simulation repetitions (default 10000) */
	uint64_t seed;            /* base seed of the SII simulation */
} hg_analysis_opts;

void hg_analysis_opts_init(hg_analysis_opts *o);

/*
 * Build every measure and chart for the indicators inds[0..ninds) from the
 * published rows t (as hg_restable_build lays them out: by indicator, period,
 * breakdown, category).
 */
int hg_analysis_build(const hg_indicator *const *inds, int ninds, const hg_restable *t,
                      const hg_analysis_opts *o, hg_analysis *a, hg_err *err);
void hg_analysis_free(hg_analysis *a);

/*
 * One monitored series: XmR chart of the points with finite y (in order),
 * icons for the series, with the direction and target given. rows[k] gets the
 * limits of point k; points with NaN y are kept with NaN limits. When any row
 * has few_events set, no chart is computed: every row gets too_few and a note.
 */
void hg_monitor_series(hg_mon_row *rows, size_t n, int direction, double target);

enum { HG_AN_CSV = 1, HG_AN_JSON = 2 };

/* Write inequalities.csv/.json and monitoring.csv/.json (as selected) into dir. */
int hg_analysis_write(const hg_indicator *const *inds, int ninds, const hg_analysis *a,
                      const hg_analysis_opts *o, int formats, const char *dir, hg_err *err);
/* The inequalities and monitoring sheets of indicators.xlsx: xlsx is an hg_xlsx *
 * (engine/workbook.h), ctx an hg_analysis_xlsx_ctx; fits hg_run_meta.xlsx_sheets. */
typedef struct hg_analysis_xlsx_ctx {
	const hg_indicator *const *inds;
	const hg_analysis *a;
	const hg_analysis_opts *o;
} hg_analysis_xlsx_ctx;
int hg_analysis_xlsx(void *xlsx, const void *ctx, hg_err *err);
/* CSV text of the two tables (tests). */
void hg_ineq_csv(const hg_indicator *const *inds, const hg_analysis *a, hg_buf *b);
void hg_mon_csv(const hg_indicator *const *inds, const hg_analysis *a, hg_buf *b);

/*
 * The JSON objects of inequalities.json and monitoring.json, one at a time
 * (the dashboard's API serves the same fields): a measure row, a funnel
 * chart ({"indicator_id", ..., "limits", "practices"}), and one monitored
 * series (rows of one indicator and series, in period order).
 */
struct json_t;
struct json_t *hg_ineq_row_json(const hg_indicator *ind, const hg_ineq_row *r, int polarity);
struct json_t *hg_funnel_chart_json(const hg_indicator *ind, const hg_funnel_chart *f);
struct json_t *hg_mon_series_json(const hg_indicator *ind, const hg_mon_row *rows, size_t n,
                                  int polarity);

#endif
