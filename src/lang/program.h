/*
 * program.h: the compiled program format, shared by the compiler (compile.c,
 * which writes it) and the engine (plan.c and vm.c, which run it), as Lua's
 * lopcodes.h: the person attributes, event fields and query aggregates the
 * code names, the register machine's opcodes and instructions, event
 * queries, segments of straight-line code, the compiled indicators and the
 * program. Nothing here knows the syntax tree.
 */
#ifndef HG_LANG_PROGRAM_H
#define HG_LANG_PROGRAM_H

#include "lang/lang.h"

#include <stdint.h>

/* person attributes read by OP_ATTR (c) and named in the language */
enum hg_attr {
	A_AGE,
	A_SEX,
	A_ETHNICITY,
	A_IMD_QUINTILE,
	A_IMD_DECILE,
	A_PRACTICE,
	A_REGISTERED,
	A_ALIVE,
	A_DOB,
	A_DOD,
	A_REG_FROM,
	A_REG_TO,
	A_PERIOD_START,
	A_PERIOD_END,
	A_PERIOD_MID,
	A_INDEX_DATE,
	A_DIED_IN_PERIOD,
	A_OPEN_PATHWAYS, /* compiled to OP_UNIT U_OPEN_PATHWAYS on the index date */
	A_FLAG,          /* + flag index in the pack's flag names */
};

/* fields of the current pathway or appointment read by OP_UNIT (c) in an indicator
 * `over pathways` or `over appointments` (docs/language.md); with the lane's period
 * [S, E] where they depend on it */
enum hg_unitfield {
	U_PW_CLOCK_START, /* date */
	U_PW_CLOCK_STOP,  /* date, missing unless the clock stopped on or before E */
	U_PW_OPEN,        /* clock_start <= E and no clock stop on or before E */
	U_PW_WEEKS,       /* (min(clock_stop, E) - clock_start) / 7; missing if started after E */
	U_PW_PRIORITY,    /* 1-4, missing when not known */
	U_PW_REMOVAL,     /* 30-36, missing when none or not stopped by E */
	U_PW_STOPPED_IN_PERIOD, /* clock_stop in [S, E] */
	U_PW_STARTED_IN_PERIOD, /* clock_start in [S, E] */
	U_AP_DATE,
	U_AP_ATTENDED,
	U_AP_DNA,
	U_AP_CANC_PATIENT,
	U_AP_CANC_PROVIDER,
	U_AP_FIRST,
	U_AP_FOLLOW_UP,
	U_AP_OUTPATIENT,
	U_AP_GP,
	U_OPEN_PATHWAYS, /* the person's pathways open on date a (a person attribute) */
	U_N
};

/* event fields read by OP_EVF (c) inside a `where` */
enum hg_evfield { E_VALUE, E_DATE, E_SETTING };

/* functions: the aggregates of an event query (hg_query.agg) come first */
enum hg_fn {
	F_EXISTS,
	F_COUNT,
	F_FIRST_DATE,
	F_LAST_DATE,
	F_FIRST_VALUE,
	F_LAST_VALUE,
	F_MIN_VALUE,
	F_MAX_VALUE,
	F_MEAN_VALUE,
	F_SUM_VALUE,
	F_COUNT_DAYS,
	F_N_QUERY, /* functions before this take an event query */
	F_AGE_AT = F_N_QUERY,
	F_REGISTERED_AT,
	F_ALIVE_AT,
	F_MIN,
	F_MAX,
	F_ABS,
	F_ROUND,
	F_FLOOR,
	F_COALESCE,
	F_YEARS_BETWEEN,
	F_N
};

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
	OP_PLACEAT, /* d = place attribute c (A_PRACTICE, A_IMD_QUINTILE, A_IMD_DECILE) on date a:
	               a store with as-at histories (without, OP_ATTR reads the one value) */
	OP_YEARS,   /* d = whole years from date a to date b */
	OP_LOMAX,   /* d = max(a, b), missing if either is */
	OP_HIMIN,   /* d = min(a, b), missing if either is */
	OP_QUERY,   /* d = query c */
	OP_UNIT,    /* d = field c (enum hg_unitfield) of the current pathway or appointment
	               (U_OPEN_PATHWAYS: of the person, on date a) */
	OP_SKIP,    /* planner only (engine/guard.c): skip the next k instructions unless
	               some lane of a needs them (c: enum hg_guard) */
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
	/* per breakdown b and dimension d, bd_reg[2 * b + d]: the register holding the
	   category of a segmentation or score-bands breakdown (HG_BD_VAR), or of a
	   transitions indicator's segmentation (HG_BD_TRANS), in this context; -1 for the
	   other kinds (their categories do not depend on code). A transitions indicator
	   is compiled as an event indicator without events: den is its population. */
	int *bd_reg;
} hg_cind;

/* Limits of the format: registers and query numbers are 16-bit operands. The
 * compiler reports a pack that needs more as an error at the indicator. */
#define HG_MAX_REGS    65535
#define HG_MAX_QUERIES 65535

/* fixed registers set by the engine before each period */
enum { HG_REG_START = 0, HG_REG_END, HG_REG_MID, HG_REG_ONE, HG_REG_FIXED };

/*
 * A worklist, compiled as at one date (context 1, like an event indicator's
 * population): hg_vm_eval_at(segs, regs, nregs, date) gives, for one person,
 * regs[0] who (1 when on the list), then the priority group (the first
 * worklist's segmentation; `who` again without one), each reason, each column and
 * each order key (`who` again for core20 and plus) in the order of hg_worklist.
 */
typedef struct hg_cwl {
	const hg_worklist *wl;
	int *regs;
	int nregs;
	int *segs;
} hg_cwl;

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
	/* the distinct `in last N` windows of the program: {n, 1 for months or 0 for days};
	   where an event leaves a window, a person-time population can change */
	int (*windows)[2];
	int nwindows, capwindows;
	hg_cwl *wls; /* the pack's worklists */
	int nwls;
	const hg_pack *pack;
	/* `denominator: residents`: the ONS estimates (engine/residents.h), set by the caller
	   after compiling (hg_publish); NULL: none given */
	const struct hg_residents *residents;
} hg_program;

/* Compile a checked pack for a store. */
int hg_compile(const hg_pack *pk, const hg_store *st, hg_program **out, hg_err *err);
void hg_program_free(hg_program *pr);
/* Print the bytecode (for debugging and tests). */
void hg_program_dump(const hg_program *pr, void *file);

#endif
