/*
 * lang.h: the healthgap definition language (see docs/language.md).
 *
 * A pack file declares codelists, named `let` variables and indicators. It is
 * processed in phases, one file each: lexer.c (tokens), parser.c (syntax
 * tree), check.c (names, types, codelist files and set operations) and
 * compile.c (a flat register bytecode specialised to one store, run by the
 * engine's vm.c once per person and period). Errors are reported like a
 * compiler's: "file:line:col: error: ...", the source line and a caret.
 *
 * Missing values: numbers and dates propagate missing through arithmetic and
 * comparisons; booleans use three-valued (Kleene) logic, so `false and
 * missing` is false and `true or missing` is true; a person is counted only
 * where a condition is true.
 */
#ifndef HG_LANG_H
#define HG_LANG_H

#include "core/arena.h"
#include "core/date.h"
#include "core/error.h"
#include "store/store.h"

#include <stdint.h>

enum hg_ind_type {
	HG_IND_PROPORTION = 0,
	HG_IND_RATE, /* crude rate per `per` of population or person-years */
	HG_IND_DSR,  /* directly standardised rate, ESP2013 19 bands */
	HG_IND_MEAN,
	HG_IND_COUNT,
	HG_IND_LE, /* life expectancy at birth, Chiang II 20 bands */
	HG_IND_N
};

extern const char *const hg_ind_type_names[HG_IND_N];

/* The denominator of an event rate: people in the population at mid-period, or
 * the years they spent in it during the period. */
enum hg_pop_kind { HG_POP_MID = 0, HG_POP_PERSON_TIME = 1 };

/* What the numerator of a rate, dsr or life_expectancy counts (`events:`). */
enum hg_ev_kind { HG_EV_NONE = 0, HG_EV_QUERY, HG_EV_DEATHS };

enum hg_bd_kind {
	HG_BD_ALL = 0,
	HG_BD_IMDQ,
	HG_BD_IMDD,
	HG_BD_ETH,
	HG_BD_SEX,
	HG_BD_AGEBAND,
	HG_BD_PRACTICE,
	HG_BD_FLAG,
	HG_BD_N
};

/* One breakdown: a single dimension or a two-way cross. */
typedef struct hg_breakdown {
	int n;          /* 1 or 2 dimensions (0 for "all") */
	int kind[2];    /* enum hg_bd_kind */
	int flag[2];    /* HG_BD_FLAG: index into the pack's flag names */
	char name[128]; /* "imd_quintile", "imd_quintile x ethnicity" */
	int line, col;  /* where it was written */
} hg_breakdown;

typedef struct hg_period {
	hg_date start, end; /* inclusive */
} hg_period;

typedef struct hg_indicator {
	const char *id, *name;
	const char *source; /* citation of the source definition, or NULL */
	const char *note;   /* documented deviation, or NULL */
	int type;           /* enum hg_ind_type */
	int pop;            /* enum hg_pop_kind, for rates */
	int events;         /* enum hg_ev_kind: HG_EV_NONE for person-level indicators */
	int age_lo, age_hi; /* `ages A to B` of an event indicator; 0 and HG_AGE_MAX without */
	double per;         /* multiplier: 100 for proportions, 100000 for rates (per year) */
	hg_breakdown *bds;  /* bds[0] is always "all" */
	int nbds;
	hg_period *periods;
	int nperiods;
} hg_indicator;

#define HG_AGE_MAX 150 /* no upper age limit */

/* Length of a period in years: N / 12 when the period is N whole calendar
 * months or the N months ending its last day (hg_months_ending_start), else
 * days / 365.25. Event rates are
 * divided by it, so they are always per year. */
double hg_period_years(hg_period p);

typedef struct hg_pack hg_pack;

/* Read, parse and check a pack file, or the single *.hg file of a pack directory.
 * Codelist paths are relative to the pack file's directory. */
int hg_pack_load(hg_pack **out, const char *path, hg_err *err);
/* The same from text in memory; dir is where codelist paths start. */
int hg_pack_load_str(hg_pack **out, const char *name, const char *text, const char *dir,
                     hg_err *err);
void hg_pack_free(hg_pack *pk);

int hg_pack_n_indicators(const hg_pack *pk);
const hg_indicator *hg_pack_indicator(const hg_pack *pk, int i);
/* BLAKE2b-256 of the pack text and of every codelist it loads. */
const char *hg_pack_hash(const hg_pack *pk);
/* Replace every indicator's periods with one period ending on `end`, as long
 * as the indicator's own (rolling N months: N; monthly/quarterly/annual: 1, 3,
 * 12 months; a range: 12 months), starting hg_months_ending_start(end, N). */
void hg_pack_set_period_end(hg_pack *pk, hg_date end);

/* ---- compiled form ---- */

/* Opcodes of the register machine; registers hold doubles, NaN = missing,
 * booleans are 0/1. d = destination, a/b/c = operand registers. */
enum hg_op {
	OP_CONST, /* d = k */
	OP_MOV,   /* d = a */
	OP_ATTR,  /* d = person attribute c (enum hg_attr), k = flag bit */
	OP_EVF,   /* d = field c of the current event (enum hg_evfield) */
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_DIV,
	OP_NEG,
	OP_ADDM, /* d = date a + k months (day clamped) */
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_EQ,
	OP_NE,
	OP_AND, /* Kleene */
	OP_OR,
	OP_NOT,
	OP_IF,     /* d = a ? b : c, missing when a is missing */
	OP_ISMISS, /* d = isnan(a) xor k */
	OP_COALESCE,
	OP_MIN,
	OP_MAX,
	OP_ABS,
	OP_ROUND,
	OP_FLOOR,
	OP_AGEAT,   /* d = whole years of age on date a */
	OP_REGAT,   /* d = registered on date a */
	OP_ALIVEAT, /* d = alive on date a */
	OP_YEARS,   /* d = whole years from date a to date b */
	OP_LOMAX,   /* d = max(a, b), missing if either is */
	OP_HIMIN,   /* d = min(a, b), missing if either is */
	OP_QUERY,   /* d = query c */
	OP_N
};

/* One instruction of the register machine. */
typedef struct hg_ins {
	uint16_t op;
	uint16_t d, a, b, c;
	double k;
} hg_ins;

/* An event query: a scan of one person's events in a date window. */
typedef struct hg_query {
	const uint64_t *codes;  /* bitset over the store's code ids */
	const uint64_t *paired; /* NULL, or: needs a same-day event in this set */
	int paired_value;       /* ... and that event must carry a value */
	uint32_t settings;      /* bit mask of enum hg_setting, 0 = any */
	int agg;                /* enum hg_fn of the function applied */
	uint16_t lo, hi;        /* registers with inclusive day bounds (NaN = open) */
	int where_seg;          /* -1, or segment computing the event predicate */
	uint16_t where_reg;
} hg_query;

/* A segment: straight-line code computing one let, one indicator or one `where`. */
typedef struct hg_seg {
	hg_ins *code;
	uint32_t n, cap;
} hg_seg;

/* What the engine evaluates for one indicator (in its context). */
typedef struct hg_cind {
	const hg_indicator *ind;
	int ctx;           /* 0: as at the period end; 1: as at one date (register MID) */
	int seg;           /* segment computing num/den/val (an event indicator: the population) */
	uint16_t num, den; /* result registers; den = HG_REG_ONE when there is none */
	int *period_ix;    /* per indicator period: index into program periods */
	/* event indicators (ind->events != HG_EV_NONE): den is the population as at
	   the date in register MID, computed by the segments pop_segs (in order,
	   -1 terminated) from the unhoisted code; ev_q is the query selecting the
	   counted events (HG_EV_QUERY), -1 for deaths */
	int ev_q;
	int *pop_segs;
} hg_cind;

/* fixed registers set by the engine before each period */
enum { HG_REG_START = 0, HG_REG_END, HG_REG_MID, HG_REG_ONE, HG_REG_FIXED };

typedef struct hg_program {
	hg_arena arena;
	const hg_store *store;
	hg_query *queries;
	int nq, capq;
	hg_seg *segs;
	int nsegs, capsegs;
	int nregs;
	int *const_reg; /* registers holding constants, set when a machine starts */
	double *const_val;
	int nconsts, capconsts;
	hg_cind *inds;
	int ninds;
	hg_period *periods; /* distinct periods of all indicators */
	int nperiods;
	int **period_segs; /* per period: segments to run in order, -1 terminated */
	int flag_bit[64];  /* pack flag index -> store flag bit, -1 if absent */
	const hg_pack *pack;
} hg_program;

/* Compile a checked pack for a store. */
int hg_compile(const hg_pack *pk, const hg_store *st, hg_program **out, hg_err *err);
void hg_program_free(hg_program *pr);
/* Print the bytecode (for debugging and tests). */
void hg_program_dump(const hg_program *pr, void *file);

#endif
