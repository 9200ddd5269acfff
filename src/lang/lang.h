/*
 * lang.h: the healthgap definition language (see docs/language.md).
 *
 * A pack file declares codelists, named `let` variables and indicators. It is
 * processed in phases, one file each: lexer.c (tokens), parser.c (syntax
 * tree), check.c (names, types, codelist files and set operations) and
 * compile.c (a flat register bytecode specialised to one store, in the
 * format of program.h, run by the engine's vm.c once per person and period). Errors are reported
 * like a compiler's: "file:line:col: error: ...", the source line and a caret.
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
	HG_IND_LE,         /* life expectancy at birth, Chiang II 20 bands */
	HG_IND_PERCENTILE, /* a percentile of a value over units (type 7, order-statistic CI) */
	HG_IND_N
};

extern const char *const hg_ind_type_names[HG_IND_N];

/* The denominator of an event rate: people in the population at mid-period, the
 * years they spent in it during the period, or the residents of the area by the ONS
 * mid-year estimates (`run --population FILE`; docs/language.md "Resident populations"). */
enum hg_pop_kind { HG_POP_MID = 0, HG_POP_PERSON_TIME = 1, HG_POP_RESIDENTS = 2 };
/* as written after 'denominator:': "mid_period", "person_time", "residents" */
extern const char *const hg_pop_kind_names[3];

/* What a person-level indicator counts (`over pathways`, `over appointments`): people, or
 * each of their referral-to-treatment pathways or appointments (docs/language.md). */
enum hg_unit_kind { HG_UNIT_PERSON = 0, HG_UNIT_PATHWAY, HG_UNIT_APPT };
/* as monitoring.json's "unit": "people", "pathways", "appointments" */
extern const char *const hg_unit_kind_names[3];

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
	HG_BD_ETHD, /* the detailed ethnic category (store.h, hg_ethd_names) */
	HG_BD_PCN,  /* places (store.h, enum hg_place_kind), in this order */
	HG_BD_SUBICB,
	HG_BD_LA,
	HG_BD_MSOA,
	HG_BD_IMDQ_LOCAL, /* the IMD quintile ranked within the store's own LSOAs */
	HG_BD_FLAG,
	HG_BD_VAR,       /* a segmentation or a score's bands, per person and period */
	HG_BD_TRANS,     /* a transitions indicator's flow: category from -> category to */
	HG_BD_SPECIALTY, /* a pathway's or appointment's treatment function (over units) */
	HG_BD_PROVIDER,  /* ... and its provider */
	HG_BD_N
};

/* One breakdown: a single dimension or a two-way cross. */
typedef struct hg_breakdown {
	int n;           /* 1 or 2 dimensions (0 for "all") */
	int kind[2];     /* enum hg_bd_kind */
	int flag[2];     /* HG_BD_FLAG: index into the pack's flag names */
	int var[2];      /* HG_BD_VAR: the pack's let (segmentation or score bands) */
	int var_ncat[2]; /* ... its categories (not counting Unknown) */
	const char *const *var_names[2]; /* ... and their names */
	int var_unknown[2];              /* ... 1 when it can be missing (an Unknown category) */
	char name[128];                  /* "imd_quintile", "imd_quintile x ethnicity" */
	int line, col;                   /* where it was written */
} hg_breakdown;

typedef struct hg_period {
	hg_date start, end; /* inclusive */
} hg_period;

/* Mid-period of [S, E]: S + floor((E - S) / 2) (docs/language.md "Dates, ages ..."). */
static inline hg_date hg_period_mid(hg_period p)
{
	return p.start + (p.end - p.start) / 2;
}

typedef struct hg_indicator {
	const char *id, *name;
	const char *source; /* citation of the source definition, or NULL */
	const char *note;   /* documented deviation, or NULL */
	int type;           /* enum hg_ind_type */
	int pop;            /* enum hg_pop_kind, for rates */
	int events;         /* enum hg_ev_kind: HG_EV_NONE for person-level indicators */
	int age_lo, age_hi; /* `ages A to B` of an event indicator; 0 and HG_AGE_MAX without */
	double per;         /* multiplier: 100 for proportions, 100000 for rates (per year) */
	int trans;          /* `transitions of NAME`: a count of people by their flow */
	int unit;           /* enum hg_unit_kind: what is counted */
	double pct;         /* `percentile P`: P (0 < P < 100) */
	hg_breakdown *bds;  /* bds[0] is always "all" */
	int nbds;
	hg_period *periods;
	int nperiods;
} hg_indicator;

#define HG_AGE_MAX 150 /* no upper age limit */
#define HG_MAX_BDS 64  /* breakdowns after `by`, besides "all" */

/* Length of a period in years: N / 12 when the period is N whole calendar
 * months or the N months ending its last day (hg_months_ending_start), else
 * days / 365.25. Event rates are
 * divided by it, so they are always per year. */
double hg_period_years(hg_period p);

/* How a worklist shows a value (the type of its expression). */
enum hg_wl_show { HG_WL_NUMBER = 0, HG_WL_DATE, HG_WL_YESNO, HG_WL_CATEGORY };
/* How the people of one priority group are ordered (`order:`). */
enum hg_wl_key { HG_WL_KEY_EXPR = 0, HG_WL_KEY_CORE20, HG_WL_KEY_PLUS };

/*
 * A worklist (docs/language.md "Worklists"): the people a practice should act on,
 * as at one date, in priority groups, with the reasons and values shown for each.
 * Its aggregate (people on it by priority group, practice, deprivation, ethnicity)
 * is also the count indicator `ind` of the pack, published like any other.
 */
typedef struct hg_worklist {
	const char *id, *title, *source, *note;
	int prio;  /* the priority segmentation (a let of the pack), or -1 */
	int nprio; /* its groups (categories, then "Other" when it can be missing) */
	const char *const *prio_names;
	int nreasons; /* `reason "TEXT" = CONDITION`: shown when true */
	const char **reasons;
	int ncolumns; /* `column "HEADING" = EXPRESSION` */
	const char **columns;
	int *column_show;                 /* enum hg_wl_show, per column */
	const char *const **column_names; /* HG_WL_CATEGORY: the category names, else NULL */
	int *column_ncat;
	int norder;      /* `order:` keys, after the priority group */
	int *order_key;  /* enum hg_wl_key */
	int *order_desc; /* 1: descending */
	int ind;         /* the aggregate indicator */
	int ncloses;     /* `closes: ID, ...`: the indicators whose gap the list acts on */
	const char **closes;
} hg_worklist;

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
int hg_pack_n_worklists(const hg_pack *pk);
const hg_worklist *hg_pack_worklist(const hg_pack *pk, int i);
/* BLAKE2b-256 of the pack text and of every codelist it loads. */
const char *hg_pack_hash(const hg_pack *pk);
/* Keys of what indicator i's numerator and denominator count (BLAKE2b of a canonical
 * text, canon.c): equal keys mean the same count in every cell of the same period,
 * breakdown and category (disclosure control must hide such a count everywhere). */
void hg_pack_count_keys(const hg_pack *pk, int i, char num[65], char den[65]);
/* Replace every indicator's periods with one period ending on `end`, as long
 * as the indicator's own (rolling N months: N; monthly/quarterly/annual: 1, 3,
 * 12 months; a range: 12 months), starting hg_months_ending_start(end, N). */
void hg_pack_set_period_end(hg_pack *pk, hg_date end);

#endif
