/*
 * synth_int.h: internals shared by the synthesiser's files: the geography
 * (LSOAs with IMD deciles and age/sex structure, practices), the code lists,
 * the per-person record and per-thread output buffers, and the CSV field
 * writers. Calls run one way: synth.c drives geo.c, codes.c, person.c,
 * clinical.c, multimorbidity.c and corrupt.c; person.c asks clinical.c for a
 * person's conditions; clinical.c asks multimorbidity.c for the frailty and
 * multimorbidity events (which add them with clinical.c's hg_sy_add) and hands
 * events to corrupt.c; all write their fields with fields.c.
 */
#ifndef HG_SYNTH_INT_H
#define HG_SYNTH_INT_H

#include "core/arena.h"
#include "core/date.h"
#include "core/error.h"
#include "core/str.h"
#include "core/rng.h"
#include "synth.h"

#include <stddef.h>
#include <stdint.h>

#define HG_YEAR     365.2425 /* days in a mean Gregorian year: ages and durations in years */
#define HG_SY_AGES  91       /* single years 0..89 and 90+ */
#define HG_SY_CELLS (2 * HG_SY_AGES)

typedef struct hg_sy_lsoa {
	char code[12];
	const char *name;
	uint32_t lad;
	int decile; /* 1 = most deprived */
	int rank;
	double pop;          /* relative population weight */
	const float *agesex; /* cumulative over HG_SY_CELLS (male ages, then female) */
	uint32_t practice;   /* home practice */
} hg_sy_lsoa;

typedef struct hg_sy_practice {
	char code[8];
	uint32_t pcn;
	uint32_t lad; /* sub-ICB = the LAD of its first LSOA */
} hg_sy_practice;

typedef struct hg_sy_geo {
	hg_arena arena;
	int synthetic;
	hg_sy_lsoa *lsoa;
	size_t nlsoa;
	double *cum; /* cumulative population share over LSOAs */
	const char **lad_code, **lad_name;
	size_t nlad;
	hg_sy_practice *prac;
	size_t nprac;
	float decile_agesex[10][HG_SY_CELLS]; /* synthetic structure per decile */
} hg_sy_geo;

/* Code lists the synthesiser draws from (file names in codes.c). */
enum hg_sy_list {
	HG_SC_HYP,
	HG_SC_HYPRES,
	HG_SC_SBP,
	HG_SC_DBP,
	HG_SC_DM1,
	HG_SC_DM2,
	HG_SC_COPD,
	HG_SC_AST,
	HG_SC_SMI,
	HG_SC_LD,
	HG_SC_SMOK,
	HG_SC_EXSMOK,
	HG_SC_NONSMOK,
	HG_SC_FLU,
	HG_SC_BMI,
	HG_SC_CHOL,
	HG_SC_HBA1C,
	HG_SC_ALC,
	HG_SC_SABA,
	HG_SC_AE,
	HG_SC_APPT,
	HG_SC_DNA,
	HG_SC_BIRTH,
	HG_SC_TOOTH,
	HG_SC_CARIES,
	HG_SC_CANCER,
	HG_SC_EMERG,
	HG_SC_ELECT,
	HG_SC_COPD_ADM,
	HG_SC_AST_ADM,
	HG_SC_MH,
	HG_SC_OP,
	/* packs/frailty/codelists: eFI deficits and prescribing classes */
	HG_SC_EFI_ACTIVITY,
	HG_SC_EFI_ANAEMIA,
	HG_SC_EFI_ARTHRITIS,
	HG_SC_EFI_CARE,
	HG_SC_EFI_COGNITIVE,
	HG_SC_EFI_DIZZINESS,
	HG_SC_EFI_DYSPNOEA,
	HG_SC_EFI_FALLS,
	HG_SC_EFI_FOOT,
	HG_SC_EFI_FRACTURE,
	HG_SC_EFI_HEARING,
	HG_SC_EFI_VALVE,
	HG_SC_EFI_HOUSEBOUND,
	HG_SC_EFI_HYPOTENSION,
	HG_SC_EFI_MOBILITY,
	HG_SC_EFI_OSTEOPOROSIS,
	HG_SC_EFI_PARKINSONS,
	HG_SC_EFI_PEPTIC,
	HG_SC_EFI_SKIN_ULCER,
	HG_SC_EFI_SLEEP,
	HG_SC_EFI_SOCIAL,
	HG_SC_EFI_THYROID,
	HG_SC_EFI_INCONTINENCE,
	HG_SC_EFI_URINARY,
	HG_SC_EFI_VISION,
	HG_SC_EFI_WEIGHT_LOSS,
	HG_SC_RX_ANTIHYP,
	HG_SC_RX_STATIN,
	HG_SC_RX_ANTITHROMB,
	HG_SC_RX_PPI,
	HG_SC_RX_DIABETES,
	HG_SC_RX_THYROID,
	HG_SC_RX_BISPHOS,
	HG_SC_RX_DEMENTIA,
	HG_SC_RX_LOOP,
	/* packs/multimorbidity/codelists: Cambridge Multimorbidity Score */
	HG_SC_ALCOHOL,
	HG_SC_ANXDEP,
	HG_SC_RX_ANXDEP,
	HG_SC_RX_ASTHMA,
	HG_SC_AF,
	HG_SC_EGFR,
	HG_SC_RX_LAXATIVE,
	HG_SC_CHD,
	HG_SC_DEMENTIA,
	HG_SC_EPILEPSY,
	HG_SC_RX_EPILEPSY,
	HG_SC_HF,
	HG_SC_IBS,
	HG_SC_RX_ANTISPASMODIC,
	HG_SC_RX_ANALGESIC,
	HG_SC_RX_PAIN_AED,
	HG_SC_RX_LITHIUM,
	HG_SC_CTD,
	HG_SC_STROKE,
	/* packs/segmentation/codelists: Bridges to Health */
	HG_SC_MILDFRAIL,
	HG_SC_MODFRAIL,
	HG_SC_SEVFRAIL,
	HG_SC_PALCARE,
	HG_SC_SECONDARY,
	HG_SC_ESRF,
	HG_SC_ESRF_ADM,
	HG_SC_LIVER_FAIL,
	HG_SC_HF_ADM,
	HG_SC_OXYGEN,
	HG_SC_DISAB_PHYS,
	HG_SC_DISAB_SENS,
	HG_SC_PREGNANCY,
	HG_SC_CKD,
	HG_SC_PAD,
	HG_SC_ASTRES, /* resolved codes, dialysis, GP cancer codes (multimorbidity.c, resolved) */
	HG_SC_AFRES,
	HG_SC_COPDRES,
	HG_SC_DMRES,
	HG_SC_DIALYSIS,
	HG_SC_CANCER_GP,
	HG_SC_CYP_RTCGM, /* the children's Core20PLUS5 pack's audit items (cyp.c) */
	HG_SC_CYP_PUMP,
	HG_SC_CYP_ESN,
	HG_SC_CYP_AUTISM, /* the children's PLUS groups (cyp.c, stream HG_SY_STREAM_PLUS) */
	HG_SC_CYP_LAC,
	HG_SC_ETHNIC, /* ethnicity_2001_census.csv, only with --ethnicity-as codes (ethnicity.c) */
	HG_SC_N
};
_Static_assert(HG_SC_N <= 256, "an event's list is a uint8_t");

typedef struct hg_sy_codes {
	hg_arena arena;
	const char **code[HG_SC_N];
	uint32_t len[HG_SC_N][64]; /* code lengths (lists are short) */
	size_t n[HG_SC_N];
	double *cancer_w[2]; /* per-sex cancer site weights (cumulative) */
	uint8_t eth_cat[64]; /* HG_SC_ETHNIC: each code's category letter (Z not stated) */
} hg_sy_codes;

int hg_sy_codes_load(hg_sy_codes *c, const char *dir, hg_err *err);
void hg_sy_codes_free(hg_sy_codes *c);

/* Mortality: hazard per year of age by sex and decile, solved to hit LE targets. */
typedef struct hg_sy_mort {
	double h[2][10][111];
	double le[2][10]; /* life expectancy the tables imply */
} hg_sy_mort;
void hg_sy_mort_init(hg_sy_mort *m);

/* Hypertension care over calendar time: the chance that a register member
 * invited to a BP review attends, and the logit shift of BP control per
 * reading, at knot dates with linear interpolation between them (clinical.c;
 * the figures and their sources are in docs/synthetic-data.md). */
#define HG_SY_BP_KNOTS 16
typedef struct hg_sy_bp_trend {
	hg_date t[HG_SY_BP_KNOTS];
	double attend[HG_SY_BP_KNOTS], shift[HG_SY_BP_KNOTS];
	int n;
} hg_sy_bp_trend;
void hg_sy_bp_trend_init(hg_sy_bp_trend *t);

/* Everything a worker needs; read-only during generation. */
typedef struct hg_sy_model {
	const hg_synth_params *p;
	const hg_sy_geo *geo;
	const hg_sy_codes *codes;
	hg_sy_mort mort;
	hg_sy_bp_trend bp;
	double share_birth, share_mover; /* shares of people born / moving in during the window */
	double pcorrupt;                 /* per valid row chance of an extra corrupt row */
	uint64_t id_mul, id_add;         /* person_id = P + (i * mul + add) mod 1e10 */
	char (*datestr)[10];             /* formatted dates from date_lo */
	hg_date date_lo, date_hi;
} hg_sy_model;

enum hg_sy_setting {
	HG_ST_GP,
	HG_ST_RX,
	HG_ST_AE,
	HG_ST_APC,
	HG_ST_OP,
	HG_ST_MH,
	HG_ST_MAT,
	HG_ST_CANCER
};

#define HG_SY_NOVAL INT32_MIN

typedef struct hg_sy_event {
	hg_date date;
	uint32_t seq;    /* insertion order, keeps the sort stable */
	int32_t value10; /* value x 10, HG_SY_NOVAL = blank */
	uint8_t setting;
	uint8_t list;
	uint8_t idx; /* index of the code within its list */
} hg_sy_event;

typedef struct hg_sy_person {
	uint64_t index;
	hg_date dob, reg_from, reg_to, dod;
	int sex; /* 1 male, 2 female (biological, for the model) */
	int eth; /* 0 White, 1 Mixed, 2 Asian, 3 Black, 4 Other */
	int south_asian;
	char eth_code[3]; /* the category drawn: a letter, "99" or "" (none) */
	/* --ethnicity-as codes (ethnicity.c): the hospital's category and the coded record */
	char eth_hosp[3];
	hg_date eth_date[2];
	uint8_t eth_idx[2]; /* index in list HG_SC_ETHNIC */
	uint8_t neth;
	char sex_code;
	int month_only; /* date_of_birth written as YYYY-MM */
	uint32_t lsoa, practice;
	int decile;
	int homeless, ld_flag, carer;
	/* conditions: date first coded, HG_DATE_NONE = never */
	hg_date hyp, hypres, dm, copd, ast, smi, ld;
	int dm_type, smoking; /* smoking: 0 never, 1 ex, 2 current */
	double frailty;       /* person-level random effect on service use */
} hg_sy_person;

/* A corrupt row: file 0 = persons.csv, 1 = events.csv; line relative to the buffer. */
typedef struct hg_sy_corr {
	uint64_t line;
	uint8_t file;
	uint8_t kind;
} hg_sy_corr;

typedef struct hg_sy_out {
	hg_buf persons, events;
	hg_buf regs, addrs;      /* registrations.csv, addresses.csv (history.c) */
	uint64_t plines, elines; /* rows written to each buffer */
	uint64_t rlines, alines;
	hg_buf pathways, appts; /* the trust's files (units.c) */
	uint64_t wlines, aplines;
	hg_sy_corr *corr;
	size_t ncorr, capcorr;
	hg_sy_event *ev;
	size_t nev, capev;
	uint64_t nevents_valid, ndead;
} hg_sy_out;

/* geo.c */
int hg_sy_geo_build(hg_sy_geo *g, const hg_synth_params *p, hg_err *err);
void hg_sy_geo_free(hg_sy_geo *g);
int hg_sy_geo_write(const hg_sy_geo *g, const char *out_dir, hg_err *err);
void hg_sy_decile_agesex(float out[HG_SY_CELLS], int decile);

/* Each person's random streams: hg_rng_seed(seed, person index, stream). One stream per
 * part of the population, so adding a part never changes what the others draw, and no two
 * parts share one (their draws would be correlated). */
enum hg_sy_stream {
	HG_SY_STREAM_PERSON = 1,  /* the person and their clinical events (person.c, clinical.c) */
	HG_SY_STREAM_CORRUPT = 2, /* corrupt rows (corrupt.c) */
	HG_SY_STREAM_MULTIMORB = 3, /* frailty and multimorbidity events (multimorbidity.c) */
	HG_SY_STREAM_UNITS = 4,     /* pathways and appointments (units) */
	HG_SY_STREAM_CYP = 5,       /* the children's pack's events (cyp.c) */
	HG_SY_STREAM_HISTORY = 6,   /* registration and address histories (history.c) */
	HG_SY_STREAM_PLUS = 7,      /* children's PLUS groups: autism, looked after (cyp.c) */
	HG_SY_STREAM_ETHNICITY = 8, /* ethnicity codes and hospital values (ethnicity.c) */
};

/* fields.c: the CSV fields rows are made of, shared by person.c, clinical.c
 * and corrupt.c (which call it and never each other for a field). */
#define HG_SY_ID_LEN 11 /* P + 10 digits, no terminator */
void hg_sy_format_id(const hg_sy_model *m, uint64_t index, char s[HG_SY_ID_LEN]);
void hg_sy_put_id(const hg_sy_model *m, uint64_t index, hg_buf *b);
void hg_sy_put_date(const hg_sy_model *m, hg_date d, hg_buf *b); /* nothing for HG_DATE_NONE */
void hg_sy_put_code(const hg_sy_model *m, int list, int idx, hg_buf *b);
void hg_sy_put_value(int32_t v10, hg_buf *b); /* nothing for HG_SY_NOVAL */
const char *hg_sy_setting_name(int s);        /* enum hg_sy_setting as written */

/* history.c: person ps's registration and address periods (random stream r, its own) */
void hg_sy_history(const hg_sy_model *m, const hg_sy_person *ps, hg_rng *r, hg_sy_out *o);

/* ethnicity.c: --ethnicity-as codes. The codelist DIR/ethnicity_2001_census.csv as list
 * HG_SC_ETHNIC; copied to OUT_DIR; a person's record (its own stream r) and its events
 * (added to o->ev); the value of persons.csv's ethnicity (or ethnicity_hospital) column. */
int hg_sy_eth_load(hg_sy_codes *c, const char *dir, hg_err *err);
int hg_sy_eth_write_list(const char *dir, const char *out_dir, hg_err *err);
void hg_sy_eth_remove_list(const char *out_dir);
void hg_sy_eth_record(const hg_sy_model *m, hg_sy_person *ps, hg_rng *r);
void hg_sy_eth_events(const hg_sy_person *ps, hg_sy_out *o);
const char *hg_sy_eth_column(const hg_sy_model *m, const hg_sy_person *ps);

/* person.c */
void hg_sy_person_make(const hg_sy_model *m, uint64_t index, hg_rng *r, hg_sy_person *ps);
void hg_sy_person_write(const hg_sy_model *m, const hg_sy_person *ps, hg_buf *b);

/* clinical.c */
typedef struct {
	double age, p;
} hg_pt;
/* Onset age for a latent uniform draw from a cumulative by-age curve scaled by
 * mult, or -1 when never diagnosed. */
double hg_sy_onset(hg_rng *r, const hg_pt *c, size_t n, double mult);
/* Linear in the person's IMD decile: d1 in decile 1 (most deprived), d10 in 10. */
double hg_sy_dep(const hg_sy_person *ps, double d1, double d10);
void hg_sy_add(hg_sy_out *o, hg_date d, int setting, int list, int idx, int32_t v10);
/* Index into a list: mostly the first (the usual code), sometimes another. */
int hg_sy_pick_code(const hg_sy_model *m, hg_rng *r, int list);
/* A cancer site: an index into the cancer list, by the sex's site weights. */
int hg_sy_cancer_site(const hg_sy_model *m, hg_rng *r, int sex);
void hg_sy_conditions(const hg_sy_model *m, hg_rng *r, hg_sy_person *ps);
void hg_sy_events(const hg_sy_model *m, hg_rng *r, const hg_sy_person *ps, hg_sy_out *o);
void hg_sy_events_write(const hg_sy_model *m, const hg_sy_person *ps, hg_sy_out *o, hg_rng *cr);

/* multimorbidity.c: the frailty deficits and multimorbidity conditions of the
 * segmentation, frailty and multimorbidity packs and what follows from them,
 * added to o->ev (unsorted) from the person's own random stream 3. gp_* and
 * h_* are the GP and hospital windows (inclusive; lo > hi when empty). */
typedef struct {
	hg_date gp_lo, gp_hi, h_lo, h_hi;
} hg_sy_windows;
void hg_sy_multimorbidity(const hg_sy_model *m, const hg_sy_person *ps, const hg_sy_windows *w,
                          hg_sy_out *o);

/* cyp.c: the children's diabetes technology and epilepsy nurse events from the person's
 * own stream 5, then autism diagnoses and looked-after child codes from stream 7, added to
 * o->ev (unsorted, after every other event of the person, in that order) */
void hg_sy_cyp(const hg_sy_model *m, const hg_sy_person *ps, const hg_sy_windows *w, hg_sy_out *o);

/* units.c: pathways.csv and appointments.csv rows of one person (its own stream r) */
void hg_sy_units(const hg_sy_model *m, hg_rng *r, const hg_sy_person *ps, hg_sy_out *o);

/* corrupt.c */
enum hg_sy_kind {
	HG_CK_DATE_PRE1900,
	HG_CK_DATE_FUTURE,
	HG_CK_DATE_IMPOSSIBLE,
	HG_CK_BIRTH_AFTER_DEATH,
	HG_CK_REG_ORDER,
	HG_CK_SEX,
	HG_CK_ETHNICITY,
	HG_CK_LSOA,
	HG_CK_PRACTICE,
	HG_CK_DUPLICATE,
	HG_CK_UNKNOWN_PERSON,
	HG_CK_AFTER_DEATH,
	HG_CK_VALUE,
	HG_CK_SETTING,
	HG_CK_QUOTES,
	HG_CK_FIELDS,
	HG_CK_BLANK,
	HG_CK_N
};
extern const char *const hg_sy_kind_names[HG_CK_N];
void hg_sy_corrupt_person(const hg_sy_model *m, const hg_sy_person *ps, hg_rng *cr, hg_sy_out *o);
void hg_sy_corrupt_event(const hg_sy_model *m, const hg_sy_person *ps, const hg_sy_event *e,
                         hg_rng *cr, hg_sy_out *o);
void hg_sy_out_corr(hg_sy_out *o, int file, int kind);

#endif
