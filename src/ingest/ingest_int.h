/*
 * ingest_int.h: state shared by the ingest stages (persons.c, events.c,
 * ingest.c). Not a public interface.
 */
#ifndef HG_INGEST_INT_H
#define HG_INGEST_INT_H

#include "core/csv.h"
#include "core/dict.h"
#include "core/str.h"
#include "ingest.h"
#include "pseudo.h"
#include "reference.h"
#include "store/reid.h"
#include "store/store.h"
#include "validate.h"

#include <jansson.h>
#include <stdatomic.h>

/* The first row a rejection reason hit: shown on the terminal with what was expected. */
typedef struct hg_first {
	uint64_t line;     /* 0: the reason has not occurred */
	const char *field; /* a static name */
	char value[48];    /* the failing value (cut at 40 bytes) ... */
	int shown;         /* ... unless it is an identifier, never shown */
	int allow_month;   /* a date field where YYYY-MM will do */
} hg_first;

/* A quarantine file being built: "line,field,reason,record" rows. */
typedef struct hg_quarantine {
	hg_buf csv;
	uint64_t n;
	uint64_t by_reason[HG_REJ_N];
	hg_first first[HG_REJ_N];
} hg_quarantine;

/* Rows read before ingest gives up on a file whose every row fails one rule. */
#define HG_EARLY_ROWS 1000

/* Note the first row of a reason (before hg_quarantine_add counts it); value.p NULL
 * withholds the value (identifiers). */
void hg_quarantine_first(hg_quarantine *q, enum hg_reject why, uint64_t line, const char *field,
                         hg_sv value, int allow_month);
/* "line 4, sex: 'X'; expected 1, 2, 9, 0 or M, F, I, U (any case), or blank" */
void hg_first_describe(const hg_quarantine *q, enum hg_reject why, const hg_datefmt *df, char *buf,
                       size_t cap);
/* The error when the first rows (all, when fewer than HG_EARLY_ROWS) all fail reason why. */
int hg_early_stop(const char *path, uint64_t rows, const hg_quarantine *q, enum hg_reject why,
                  const hg_datefmt *df, hg_err *err);
/* Copy the firsts of src that dst has not seen (merging chunks in file order). */
void hg_quarantine_merge_firsts(hg_quarantine *dst, const hg_quarantine *src);

void hg_quarantine_add(hg_quarantine *q, uint64_t line, const char *field, enum hg_reject why,
                       const char *detail, const char *rec, size_t rec_len);
/* Re-serialise the current record with field `mask` replaced by asterisks. */
void hg_quarantine_add_masked(hg_quarantine *q, const hg_csv *c, int mask, const char *field,
                              enum hg_reject why, const char *detail);

typedef struct hg_persons {
	size_t n, cap;
	hg_date *dob, *reg_from, *reg_to, *dod;
	uint8_t *dob_month_only, *sex, *eth_cat, *eth_group, *decile, *quintile;
	int has_eth;       /* persons.csv has an ethnicity column */
	int has_eth_hosp;  /* ... an ethnicity_hospital column (the fallback of ethnicity.c) */
	uint8_t *eth_hosp; /* hospital-recorded category as eth_cat stores it, when has_eth_hosp */
	uint32_t *lsoa, *practice;
	uint64_t *flags;
	unsigned char *reid;           /* HG_REID_BYTES per person when reid_keys, zero if none */
	const hg_reid_keys *reid_keys; /* the practices' re-identification keys, or NULL */
	uint64_t reid_sealed;          /* people whose NHS number was sealed */
	hg_dict ids;     /* pseudonym/person_id -> index (ids.keys are the stored ids) */
	hg_dict raw_nhs; /* NHS digits -> index; memory only, never written */
	hg_dict lsoas, practices;
	uint32_t n_flags;
	char flag_names[HG_MAX_FLAGS][64];
	int has_nhs;
	hg_ingest_counts counts;
	uint64_t warn[HG_WARN_N];
	hg_quarantine quar;
} hg_persons;

typedef struct hg_events {
	uint64_t n;
	uint64_t *off; /* per person */
	hg_date *date;
	uint32_t *code;
	float *value;
	uint8_t *setting;
	hg_dict codes;
	hg_ingest_counts counts;
	hg_quarantine quar;
	hg_date min_date, max_date;
	uint64_t by_setting[HG_SET_N];
} hg_events;

typedef struct hg_progress {
	int on;
	_Atomic uint64_t done;
	uint64_t total;
	const char *label;
	int last_pct;
} hg_progress;

void hg_progress_tick(hg_progress *p, uint64_t bytes, int draw);
void hg_progress_end(hg_progress *p);

/* ---- source.c: opening an input file ---- */

/* Open path for ingest: UTF-8 checked (the whole file when check_all, else the header
 * line: the caller checks the rest) or Latin-1 converted; the separator detected. */
int hg_source_open(hg_csv *c, const char *path, const char *encoding, int check_all, hg_err *err);
/* The error for a byte that is not UTF-8 at data[off], on line. */
int hg_source_bad_utf8(const char *path, const char *data, size_t off, uint64_t line, hg_err *err);
/* Say up front how the file is read: "persons.csv: comma-separated, UTF-8; dates YYYY-MM-DD"
 * (c at the header; date_col: the column whose first value shows the dates' shape). */
void hg_source_say(const hg_csv *c, const char *encoding, const hg_datefmt *df, int date_col,
                   int quiet);
/* The error for a header without `what` ("no sex column"), suggesting a close unknown
 * field for name (known: the file's column names, NULL-terminated). */
int hg_header_missing(const hg_csv *c, const char *what, const char *name, const char *const *known,
                      hg_err *err);
/* "warning: persons.csv has no ethnicity column: MEANING" on stderr ("note:" unless warn,
 * for a column whose absence is an ordinary choice). */
void hg_say_missing_column(const hg_csv *c, const char *name, const char *const *known,
                           const char *meaning, int warn, int quiet);

/* ---- ethnicity.c: ethnicity from the coded record ---- */

/* What deriving ethnicity found (the manifest's ingest.ethnicity). */
typedef struct hg_eth_derive {
	int on;                 /* derived (--ethnicity-codelist) */
	uint32_t listed, found; /* the codelist's codes, and those in events */
	uint64_t from_codes, from_hospital, not_stated, none, conflicts;
	char source[HG_PATH_MAX];
} hg_eth_derive;

/* Each person's ethnic category from their latest recorded ethnicity code
 * (docs/data-model.md "Ethnicity from the record"), else ethnicity_hospital. */
int hg_ethnicity_derive(hg_persons *ps, const hg_events *ev, const char *codelist,
                        hg_eth_derive *out, hg_err *err);

/* The previous row's identifier and its person: extracts are usually grouped by person,
 * so a repeat skips the lookup. Zero-initialise; one per thread. */
typedef struct hg_person_memo {
	const char *id; /* points into the input (never into an unquoted copy) */
	size_t len;
	uint32_t person;
} hg_person_memo;

/* The person a row of a per-person file (events, pathways, appointments, registrations,
 * addresses) names, by nhs_col when it is >= 0 (persons.csv's NHS numbers) else by id_col
 * (persons.csv's person_id), after checking the record's shape (ncols fields, quoting).
 * HG_REJ_N and *person when found; otherwise the reason (`unknown` for a well-formed
 * identifier that is not in persons.csv), with *field ("(record)", "nhs_number",
 * "person_id") and, for a shape fault, a detail. Identifiers are never copied out.
 * memo may be NULL. */
enum hg_reject hg_persons_row(const hg_persons *ps, const hg_csv *c, size_t ncols, int nhs_col,
                              int id_col, enum hg_reject unknown, hg_person_memo *memo,
                              uint32_t *person, const char **field, char *detail, size_t dcap);

int hg_persons_load(hg_persons *ps, const hg_ingest_params *p, const hg_reference *ref,
                    const hg_key *key, const hg_reid_keys *reid, hg_progress *prog, hg_err *err);
void hg_persons_free(hg_persons *ps);
int hg_events_load(hg_events *ev, const hg_persons *ps, const hg_ingest_params *p,
                   hg_progress *prog, hg_err *err);
void hg_events_free(hg_events *ev);

/* ---- ingest.c: the snapshot's parts, shared with append.c ---- */

/* A written snapshot's verdict: published unless the rejection rate was over
 * --max-reject-rate (then the HG_EREJECT error saying it was written but not made current). */
int hg_ingest_verdict(hg_ingest_result *res, int over, double max_reject_rate, hg_err *err);

json_t *hg_ingest_counts_json(const hg_ingest_counts *c, const hg_quarantine *q,
                              const uint64_t *warn, int nwarn);
json_t *hg_completeness(const hg_persons *ps);
/* {"role", "file" (its base name), "blake2b256"} of an input file, or NULL and err. */
json_t *hg_ingest_source_json(const char *role, const char *path, hg_err *err);
int hg_ingest_write_persons(hg_store_writer *w, const hg_persons *ps, hg_err *err);
/* LSOAs with their deciles and places, practices with their PCN, sub-ICB and names. */
int hg_ingest_write_dicts(hg_store_writer *w, const hg_persons *ps, const hg_reference *ref,
                          hg_err *err);
int hg_ingest_write_quarantine(hg_store_writer *w, const char *name, const hg_quarantine *q,
                               hg_err *err);
void hg_ingest_print_counts(const char *label, const char *path, const hg_ingest_counts *c,
                            const hg_quarantine *q, const uint64_t *warn, int nwarn,
                            const hg_datefmt *df);

/* ---- append.c: `ingest --append` ---- */

int hg_append_run(const hg_ingest_params *p, const hg_reference *ref, const hg_key *key,
                  hg_progress *prog, hg_ingest_result *res, hg_err *err);

#endif
