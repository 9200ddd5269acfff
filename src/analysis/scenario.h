/*
 * scenario.h: the economic and equity case for prevention (issue 14,
 * docs/economics.md). A scenario (a small text file) names an intervention
 * from the intervention library (a versioned CSV: value, 95% interval,
 * distribution and source per parameter), an indicator of a run and whom the
 * intervention reaches ("close half the Q1-Q5 gap", "reach 80% in Core20 and
 * Black patients", "N more people in practices X"). The people reached are
 * taken from the run's published rows by IMD quintile (and ethnicity where
 * the run has the two-way breakdown); stats/econ.h turns them into events,
 * deaths, QALYs and NHS costs by year; stats/dcea.h distributes the net health
 * benefit across quintiles; a seeded Monte Carlo over the parameters
 * (stats/psa.h) gives intervals, the probability of being cost-saving and
 * cost-effective, the acceptability curve and a tornado of one-way
 * sensitivity. The run's disclosure control is inherited: only published
 * (rounded) cells are read, people counts are rounded to 5.
 *
 *   scn_library.c  the library CSV, binding an intervention's parameters
 *   scn_file.c     the scenario file
 *   scn_data.c     a run's results (indicators.csv, inequalities.csv, metadata.json)
 *   scn_reach.c    who is reached, by quintile and ethnicity; the indicator's new gap and SII
 *   scn_run.c      deterministic results, PSA, tornado, DCEA
 *   scn_write.c    scenario.json and the CSV files
 */
#ifndef HG_ANALYSIS_SCENARIO_H
#define HG_ANALYSIS_SCENARIO_H

#include "core/error.h"
#include "core/fs.h"
#include "core/rng.h"
#include "engine/status.h"
#include "stats/dcea.h"
#include "stats/econ.h"
#include "stats/psa.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define HG_SCN_QUINTILES 5
#define HG_SCN_MAX_LIBS  8
#define HG_SCN_MAX_DRAWS 1000000

/* ---- the intervention library (scn_library.c) ---- */

typedef struct hg_lib_param {
	char intervention[48], endpoint[32], name[32];
	hg_dist dist;
	char unit[48], label[160], evidence[8], source[320], note[320];
	int file, line; /* which library file (hg_library.files) and CSV line */
} hg_lib_param;

typedef struct hg_lib_file {
	char path[HG_PATH_MAX];
	char hash[65];    /* BLAKE2b-256 of the file */
	char version[32]; /* its library_version column */
} hg_lib_file;

typedef struct hg_library {
	hg_lib_param *v;
	size_t n, cap;
	hg_lib_file files[HG_SCN_MAX_LIBS];
	int nfiles;
} hg_library;

/* Add the parameters of one library CSV (columns library_version, intervention, endpoint,
 * parameter, value, low, high, distribution, unit, label, evidence, source, note). Every
 * row is checked (known parameter names, distributions that fit, probabilities in [0, 1]);
 * a parameter given twice, in this file or an earlier one, is an error naming both. */
int hg_library_load(hg_library *l, const char *path, hg_err *err);
int hg_library_parse(hg_library *l, const char *name, const char *text, size_t n, hg_err *err);
void hg_library_free(hg_library *l);
/* The parameter (endpoint "" for the intervention's own), or NULL. */
const hg_lib_param *hg_library_find(const hg_library *l, const char *intervention,
                                    const char *endpoint, const char *name);

/* The model-wide parameters (intervention "model"). */
typedef struct hg_econ_model {
	double discount, threshold_low, threshold_high, k, aversion, kolm_alpha;
	double qale[HG_SCN_QUINTILES];
	double hoc[3][HG_SCN_QUINTILES]; /* steep, moderate, flat */
} hg_econ_model;

/* A parameter changed by a scenario's `set:` line. */
typedef struct hg_scn_set {
	char endpoint[32], name[32]; /* endpoint "model" for a model-wide parameter */
	double value;
	int line;
} hg_scn_set;

/* One intervention's parameters, bound to the model's fields so a draw is a copy and a
 * few stores. */
typedef struct hg_bind {
	size_t off; /* of the double in hg_econ_params */
	const hg_lib_param *par;
	hg_dist dist; /* the library's, or as moved by a set: line */
	int prob;     /* a probability: draws are kept within [0, 1) */
} hg_bind;

typedef struct hg_intervention {
	char id[48], name[160];
	hg_econ_params base; /* every parameter at its value */
	char ep_name[HG_ECON_MAX_ENDPOINTS][32], ep_label[HG_ECON_MAX_ENDPOINTS][96];
	double indicator_share; /* share of people reached who move the indicator (0: none) */
	hg_bind *bind;
	size_t nbind, bind_cap;
} hg_intervention;

int hg_econ_model_get(const hg_library *l, const hg_scn_set *sets, size_t nsets, hg_econ_model *m,
                      hg_err *err);
int hg_intervention_bind(const hg_library *l, const char *id, const hg_scn_set *sets, size_t nsets,
                         double discount, hg_intervention *iv, hg_err *err);
void hg_intervention_free(hg_intervention *iv);
/* Every uncertain parameter drawn from r, in library order. */
void hg_intervention_draw(const hg_intervention *iv, hg_rng *r, hg_econ_params *out);
/* The base parameters with parameter k of the binding at value v. */
void hg_intervention_with(const hg_intervention *iv, size_t k, double v, hg_econ_params *out);

/* ---- the scenario file (scn_file.c) ---- */

enum hg_reach_mode { HG_REACH_CLOSE_GAP = 1, HG_REACH_RATE, HG_REACH_PEOPLE };

typedef struct hg_scenario {
	char path[HG_PATH_MAX];
	char id[64], title[200], intervention[48], indicator[64];
	char period[16];     /* "latest" or a period end */
	char population[64]; /* the indicator whose denominators are the quintiles' people */
	char hoc[16];        /* steep, moderate, flat */
	int reach;           /* enum hg_reach_mode */
	double reach_value;  /* gap fraction, rate, or people */
	int reach_pct; /* the value was written with %: a fraction, whatever the indicator's unit */
	int quintile[HG_SCN_QUINTILES]; /* quintiles named (none: the mode's default) */
	int nquint;
	char groups[8][64]; /* reach_rate: core20, imd_quintile N, an ethnic group, all */
	int ngroups;
	char practices[32][16];
	int nprac;
	char reach_text[256];
	int horizons[HG_ECON_YEARS];
	int nh;
	int no_move; /* moves_indicator: no (the indicator is not changed one for one) */
	long draws;
	uint64_t seed;
	char libs[HG_SCN_MAX_LIBS][HG_PATH_MAX]; /* resolved against the scenario's folder */
	int nlibs;
	hg_scn_set sets[32];
	int nsets;
} hg_scenario;

int hg_scenario_load(hg_scenario *s, const char *path, hg_err *err);
int hg_scenario_parse(hg_scenario *s, const char *name, const char *text, size_t n, hg_err *err);

/* ---- a run's results (scn_data.c) ---- */

typedef struct hg_scn_cell {
	char bd[40], cat[80];
	double num, den, value, lo, hi; /* NaN when suppressed */
	int suppressed;
} hg_scn_cell;

enum hg_scn_itype { HG_SCN_PROPORTION = 0, HG_SCN_RATE = 1, HG_SCN_OTHER = 2 };

typedef struct hg_scn_data {
	char indicator[64], indicator_name[256], period_start[11], period_end[11];
	char value_type[48];
	int itype;    /* enum hg_scn_itype */
	int polarity; /* analysis.h enum hg_polarity */
	double per;   /* 100 for a percentage, 1000 for per 1,000 ... */
	hg_scn_cell *cells;
	size_t ncells, cap;
	double pop[HG_SCN_QUINTILES]; /* people by quintile for the DCEA */
	double pop_all;
	char pop_indicator[64];
	hg_data_status status;
	char sdc[16];     /* the run's rule: k7 ... none */
	char source[512]; /* where the rows came from: results directory and snapshot */
} hg_scn_data;

void hg_scn_data_init(hg_scn_data *d);
void hg_scn_data_free(hg_scn_data *d);
/* A published row of the indicator at the period (suppressed: numbers NaN). */
void hg_scn_data_add(hg_scn_data *d, const char *bd, const char *cat, double num, double den,
                     double value, double lo, double hi, int suppressed);
/* A candidate for the quintiles' populations: kept if it is `want` (when given) or, with
 * no want, the largest whole population with all five quintiles published. */
void hg_scn_data_offer_pop(hg_scn_data *d, const char *want, const char *id, double all,
                           const double q[HG_SCN_QUINTILES]);
/* The value type's words ("proportion_percent", "crude_rate_per_1000_per_year") into
 * itype and per. */
void hg_scn_data_type(hg_scn_data *d, const char *value_type);
/* From a results directory of `healthgap run` (indicators.csv, inequalities.csv for the
 * polarity, metadata.json for the marking): the indicator's rows at the period. */
int hg_scn_data_from_results(hg_scn_data *d, const char *dir, const hg_scenario *s, hg_err *err);

/* ---- who is reached (scn_reach.c) ---- */

typedef struct hg_scn_group {
	char bd[16], cat[80];
	double den, num,
	    eligible;          /* eligible: not meeting the indicator (meeting, lower is better) */
	double moved, reached; /* people moving the indicator; people reached */
} hg_scn_group;

typedef struct hg_scn_indicator {
	int computed; /* 0: note says why */
	double before[HG_SCN_QUINTILES], after[HG_SCN_QUINTILES];
	double gap_before, gap_after, sii_before, sii_after; /* gap Q1 - Q5; SII as phe_sii */
	char note[256];
} hg_scn_indicator;

typedef struct hg_scn_reach {
	hg_scn_group q[HG_SCN_QUINTILES];
	hg_scn_group *eth; /* by ethnicity, when the run allows */
	size_t neth;
	double reached, moved;
	char eth_note[256], note[512];
	char who[256]; /* "in the most deprived fifth", for sentences */
} hg_scn_reach;

int hg_scn_reach_compute(const hg_scenario *s, const hg_scn_data *d, double indicator_share,
                         hg_scn_reach *r, hg_err *err);
void hg_scn_reach_free(hg_scn_reach *r);
/* The indicator's quintile values, Q1 - Q5 gap and SII before and after the people moved. */
void hg_scn_indicator_change(const hg_scn_data *d, const hg_scn_reach *r, hg_scn_indicator *out);

/* ---- the analysis (scn_run.c) ---- */

enum hg_scn_metric {
	HG_M_EVENTS = 0,
	HG_M_DEATHS,
	HG_M_QALYS,
	HG_M_AVOIDED,
	HG_M_COST,
	HG_M_NET,
	HG_M_ROI,
	HG_M_ICER,
	HG_M_NHB,
	HG_M_EWQ,    /* equity-weighted QALYs at the model's aversion */
	HG_M_EQUITY, /* equity impact: EWQ - NHB */
	HG_M_DSII,   /* change in the SII of QALE */
	HG_M_RESPONDERS,
	HG_SCN_NMETRIC
};
extern const char *const hg_scn_metric_names[HG_SCN_NMETRIC];

#define HG_SCN_EPS_N    21 /* inequality aversion 0, 1, ..., 20 */
#define HG_SCN_CEAC_N   51 /* 0 to 50,000 per QALY in steps of 1,000 */
#define HG_SCN_SAMPLE_N 500

typedef struct hg_scn_horizon {
	int years;
	hg_econ_totals det;
	double det_m[HG_SCN_NMETRIC];   /* deterministic, by metric */
	hg_interval iv[HG_SCN_NMETRIC]; /* PSA mean and 95% interval */
	double p_saving, p_ce_low, p_ce_high;
	hg_dcea_result dcea;
	double ewq, equity_impact, kolm_ewq, atkinson_before, atkinson_after;
	double ede_before[HG_SCN_EPS_N], ede_change[HG_SCN_EPS_N], ewq_eps[HG_SCN_EPS_N];
	double qalys_q[HG_SCN_QUINTILES];
} hg_scn_horizon;

typedef struct hg_scn_tornado {
	size_t bind; /* index into the intervention's binding */
	double lo_value, hi_value, nmb_lo, nmb_hi;
} hg_scn_tornado;

typedef struct hg_scn_result {
	hg_scenario s;
	const hg_library *lib;
	const hg_scn_data *d;
	hg_intervention iv;
	hg_econ_model model;
	hg_scn_reach reach;
	hg_scn_indicator ind;
	hg_econ_person det_pp; /* deterministic, per person reached */
	hg_scn_horizon h[HG_ECON_YEARS];
	int nh, main; /* main: the longest horizon, for the CEAC, tornado and sample */
	long draws;
	/* PSA by year (undiscounted events, discounted money): mean and 95% interval */
	hg_interval y_events[HG_ECON_YEARS], y_avoided[HG_ECON_YEARS], y_cost[HG_ECON_YEARS];
	double ceac_lambda[HG_SCN_CEAC_N], ceac_p[HG_SCN_CEAC_N];
	hg_scn_tornado *tornado;
	size_t ntornado;
	double *sample; /* HG_SCN_SAMPLE_N x (qalys, net cost, NHB, equity impact), main horizon */
	size_t nsample;
	double *draws_m; /* draws x nh x HG_SCN_NMETRIC, for psa_draws.csv */
	double seconds;
} hg_scn_result;

/* Run a scenario over data with the library: deterministic results for every horizon,
 * the DCEA, then s->draws PSA draws on `threads` threads (0: all cores). */
int hg_scn_run(const hg_scenario *s, const hg_library *lib, const hg_scn_data *d, int threads,
               hg_scn_result *r, hg_err *err);
void hg_scn_result_free(hg_scn_result *r);

/* ---- outputs (scn_write.c) ---- */

/* The headline sentence: people reached, events averted over the longest horizon with
 * its interval, costs avoided, the change in the indicator's gap and the cost. */
void hg_scn_headline(const hg_scn_result *r, char *buf, size_t size);
/* Everything as one JSON object (scenario.json; the report and the dashboard read it). */
json_t *hg_scn_json(const hg_scn_result *r);
/* scenario.json, summary.csv, by_year.csv, by_group.csv, dcea.csv, equity_profile.csv,
 * ceac.csv, tornado.csv, parameters.csv and, with draws, psa_draws.csv (every draw: a
 * few MB) into dir (created). */
int hg_scn_write(const hg_scn_result *r, const char *dir, int draws, hg_err *err);

#endif
