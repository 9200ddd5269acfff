/*
 * engine.h: the measures engine. Runs a compiled pack (lang.h) over a store
 * in one pass: persons are split across threads, each thread evaluates every
 * person once per distinct period and adds into its own accumulators, which
 * are merged at the end. The result is a table of cells (indicator x period
 * x breakdown x category) of raw counts, person-time and age-band counts;
 * hg_restable_build then applies disclosure control (sdc.c) and the stats
 * library to give the published rows, and output.c writes them.
 */
#ifndef HG_ENGINE_H
#define HG_ENGINE_H

#include "core/arena.h"
#include "core/error.h"
#include "engine/status.h"
#include "lang/program.h"

#include <stddef.h>

#define HG_DSR_BANDS 19 /* ESP2013: 0-4, 5-9, ..., 85-89, 90+ */
#define HG_LE_NBANDS 20 /* 0, 1-4, 5-9, ..., 85-89, 90+ */

/* accumulator fields of a cell; age-band pairs (events, population) follow */
enum { HG_F_NUM = 0, HG_F_DEN, HG_F_PT, HG_F_SUM, HG_F_SUMSQ, HG_F_BANDS };
/* A percentile indicator's cell has, after HG_F_BANDS, the value and its limits, computed
 * at the end of the pass from every value (engine.c). */
enum { HG_F_PCT_VALUE = HG_F_BANDS, HG_F_PCT_LO95, HG_F_PCT_HI95, HG_F_PCT_LO998, HG_F_PCT_HI998 };
#define HG_PCT_FIELDS 5

/*
 * Exact accumulation. Every addition the pass makes is exact, so the totals do
 * not depend on how persons are split over threads or MPI ranks (dist.h): counts
 * and band counts are integers in doubles (exact below 2^53); person-time is
 * summed in days and turned into years (/ 365.25) by hg_cells_finish; a mean's
 * values and squares and a count's numerator are fixed-point integers (value x
 * 2^32, rounded to nearest) summed in 128 bits (x, two per cell) and turned into
 * doubles by hg_cells_finish. A value of magnitude 2^28 or more cannot be summed
 * that way and is an error.
 */
__extension__ typedef __int128 hg_i128;
#define HG_X_SCALE    4294967296.0 /* 2^32 */
#define HG_X_LIMIT    268435456.0  /* 2^28 */
#define HG_X_PER_CELL 2            /* the sum, the sum of squares */

typedef struct hg_cells {
	const hg_program *pr;
	double *acc; /* merged accumulators */
	size_t nacc;
	size_t *base;  /* per indicator: offset of its block in acc */
	int *width;    /* per indicator: doubles per cell */
	int *nbands;   /* per indicator: age bands (0, 19 or 20) */
	int *ncat;     /* per indicator: categories over all breakdowns */
	int **bd_off;  /* per indicator, per breakdown: first category */
	int **bd_ncat; /* per indicator, per breakdown: number of categories */
	hg_i128 *x;    /* exact sums (HG_X_PER_CELL per cell of a mean or count) */
	size_t nx;
	size_t *xbase;  /* per indicator: offset of its block in x, SIZE_MAX without one */
	int finished;   /* hg_cells_finish has turned the sums into published units */
	double seconds; /* time spent in the pass */
	uint64_t person_periods;
} hg_cells;

/* Is a breakdown kind a place (practice, IMD, PCN, ...): with a registration or address
 * history, taken as at the index date? */
int hg_bd_kind_is_place(int kind);
/* Number of categories of one breakdown dimension for a store. */
int hg_bd_ncat(const hg_breakdown *bd, int d, const hg_store *st);
/* Label of category c of a breakdown (two-way: "a / b") into buf. */
void hg_bd_label(const hg_breakdown *bd, const hg_store *st, int c, char *buf, size_t size);
/* Person p's category label in a one-way breakdown of kind HG_BD_IMDQ .. HG_BD_FLAG - 1
 * but not age band ("2", "Unknown", "Asian", "Female", "Y00001"), as the indicators
 * publish it. */
void hg_person_label(const hg_store *st, uint64_t p, int kind, char *buf, size_t size);

/* Evaluate every indicator of pr over the store with nthreads (0 = all cores):
 * hg_engine_pass over every person, then hg_cells_finish. */
int hg_engine_run(const hg_program *pr, int nthreads, hg_cells *out, hg_err *err);
/* The pass over persons [p0, p1) only, leaving the exact sums unfinished: the
 * cells of several ranges add up (hg_cells_add, or an MPI reduction: dist.h) to
 * those of their union, bit for bit, in any order. */
int hg_engine_pass(const hg_program *pr, int nthreads, uint64_t p0, uint64_t p1, hg_cells *out,
                   hg_err *err);
/* Add b's unfinished sums into a's (same program, or the same pack compiled for another
 * shard of a sharded store: the same cells). */
void hg_cells_add(hg_cells *a, const hg_cells *b);
/* Turn the exact sums into published units (person-years, mean sums, count numerators). */
void hg_cells_finish(hg_cells *c);
void hg_cells_free(hg_cells *c);
/* Pointer to the accumulator of indicator i, its period j, breakdown b, category c. */
double *hg_cell(const hg_cells *c, int i, int j, int b, int cat);

/* ---- published rows ---- */

typedef struct hg_row {
	int ind, period, bd, cat; /* period: index into the indicator's periods */
	char category[128];
	double num, den;         /* after rounding (NaN when suppressed) */
	double raw_num, raw_den; /* before disclosure control, never written out */
	double value, lo95, hi95, lo998, hi998;
	int suppressed; /* 0 no, 1 primary, 2 secondary (never published as such) */
	int hide;       /* disclosure control: the counts it hides (1 numerator, 2 denominator) */
	const char *note;
} hg_row;

/* The note of a structurally empty cell (numerator and denominator 0): not
 * applicable, never "suppressed" (docs/language.md, Outputs). */
#define HG_NOTE_NOT_APPLICABLE "not applicable: nobody in the denominator"
#define HG_NOTE_NO_VALUE       "not applicable: nobody with a value"
/* A transitions indicator's flows into and out of the population (docs/language.md). */
#define HG_TRANS_JOINED "Joined"
#define HG_TRANS_DIED   "Died"
#define HG_TRANS_LEFT   "Left"
/* The note of every suppressed cell, primary or secondary alike (sdc.c). */
#define HG_NOTE_SUPPRESSED "suppressed: disclosure control"

typedef struct hg_restable {
	hg_row *rows;
	size_t n, cap;
	int sdc_k; /* 0 = none */
} hg_restable;

/* Build the published rows: categories, disclosure control, statistics. */
int hg_restable_build(const hg_cells *c, int sdc_k, hg_restable *t, hg_err *err);
void hg_restable_free(hg_restable *t);
/* "proportion_percent", "dsr_per_100000", ... */
void hg_value_type(const hg_indicator *ind, char *buf, size_t size);

/* ---- disclosure control (sdc.c) ---- */

/* Round a count to the nearest 5 (halves up); 0 stays 0. */
double hg_sdc_round5(double v);
/* The rule in words, the one home of its prose (full: with rounding of values and
 * secondary suppression), e.g. "counts of 1 to 7 suppressed, all other counts rounded
 * to the nearest 5". */
void hg_sdc_describe(int k, int full, char *buf, size_t size);
/* Is a count one that rule k suppresses (1..k)? */
int hg_sdc_small(double count, int k);
/* A count as rule k publishes it on its own: NaN when suppressed, else rounded to 5
 * (a set of counts that add up goes through hg_sdc_group instead). */
double hg_sdc_count(double count, int k);
/*
 * The identities disclosure control protects (sdc.c): additive sets of rows
 * (in each, the numerators add up and so do the denominators; `total` names
 * the member that is the others' sum, when it is among them) and links (the
 * cells that publish one count, each as its numerator, kind 1, or its
 * denominator, kind 2: CVDP007HYP's denominator is CVDP001HYP's numerator).
 */
typedef struct hg_sdc_sets {
	size_t *idx, n, cap;   /* members of every set, set after set */
	size_t *start, *total; /* per set: first member (nsets + 1), the total or SIZE_MAX */
	size_t nsets, capsets;
	size_t *lidx, ln, lcap; /* members of every link: row ... */
	int *lkind;             /* ... and which of its counts */
	size_t lkcap;
	size_t *lstart, nlinks, caplinks;
} hg_sdc_sets;

void hg_sdc_set_begin(hg_sdc_sets *s);
void hg_sdc_set_add(hg_sdc_sets *s, size_t row, int is_total);
void hg_sdc_set_end(hg_sdc_sets *s); /* a set of fewer than two rows is dropped */
void hg_sdc_link(hg_sdc_sets *s, const size_t *rows, const int *kinds, size_t n);
void hg_sdc_sets_free(hg_sdc_sets *s);
/* The sets of one group of n rows from first (an n1 x n2 cross when n1 > 0): the group,
 * each row and each column. */
void hg_sdc_group_sets(hg_sdc_sets *s, size_t first, size_t n, int n1, int n2);

/* Apply rule k to rows [0, n) (which hold raw_num/raw_den) over the sets and links:
 * primary suppression, secondary until no set holds exactly one suppressed row,
 * rounding to 5 (docs/language.md, "Outputs and disclosure control"). */
void hg_sdc_apply(hg_row *rows, size_t n, int k, const hg_sdc_sets *s);
/* One group on its own (hg_sdc_group_sets + hg_sdc_apply). */
void hg_sdc_group(hg_row *rows, size_t n, int k, int n1, int n2);
/* After hg_sdc_apply: how many sets hold exactly one suppressed row (recoverable from
 * the set's total because no other row could be suppressed with it). */
int hg_sdc_exposed(const hg_row *rows, const hg_sdc_sets *s);

/* ---- outputs (output.c) ---- */

typedef struct hg_run_meta {
	const char *pack_path, *pack_hash, *store_dir, *manifest_hash, *snapshot, *version;
	const char *sdc_rule; /* "k7", "none" ... */
	/* the outputs' marking (SYNTHETIC DATA or OFFICIAL-SENSITIVE and the area): in
	   metadata.json and in indicators.xlsx; NULL: none recorded */
	const hg_data_status *status;
	const char *objectives_path, *objectives_hash; /* NULL: no objectives file */
	double seconds;
	int threads;
	int ranks;  /* MPI ranks of the run (dist.h); 0 or 1: one process */
	int shards; /* shards of a sharded store (store/shard.h); 0: one store */
	/* more sheets for indicators.xlsx, after the indicators sheet and before the notes:
	   run passes the analysis's (inequalities, monitoring: hg_analysis_xlsx), so the
	   engine never includes the analysis. xlsx is an hg_xlsx * (engine/workbook.h). */
	int (*xlsx_sheets)(void *xlsx, const void *ctx, hg_err *err);
	const void *xlsx_ctx;
	/* the store run over: metadata.json's "practices" (each practice's name and PCN from the
	   reference lookup, for the board report's names); NULL: none written */
	const hg_store *store;
} hg_run_meta;

enum { HG_OUT_CSV = 1, HG_OUT_JSON = 2, HG_OUT_XLSX = 4 };

/* Write indicators.csv/.json/.xlsx (as selected) and metadata.json atomically into dir,
 * every file mode 0640. */
int hg_write_outputs(const hg_program *pr, const hg_restable *t, const hg_run_meta *meta,
                     int formats, const char *dir, hg_err *err);
/* The CSV text of a table (used by tests and the CSV writer). */
void hg_restable_csv(const hg_program *pr, const hg_restable *t, void *buf /* hg_buf * */);

#endif
