/*
 * omop_int.h: the OMOP mapping tables (omop_map.c), shared by the reader
 * (omop.c) and the writer (omop_write.c) so both directions use one table.
 * Not a public interface; docs/omop.md lists the same tables.
 */
#ifndef HG_OMOP_INT_H
#define HG_OMOP_INT_H

#include "core/csv.h"
#include "core/fs.h"
#include "core/str.h"

#include <stdint.h>

/* An OMOP event table: its code, date, value and source columns, and the setting of a
 * row without a visit. */
typedef struct hg_omop_evtab {
	const char *table, *id, *concept, *date, *value, *source, *type;
	int setting; /* enum hg_setting */
} hg_omop_evtab;

#define HG_OMOP_NEVTABS 5
extern const hg_omop_evtab hg_omop_evtabs[HG_OMOP_NEVTABS];

/* The event tables' indexes in hg_omop_evtabs. */
enum { HG_OMOP_CONDITION, HG_OMOP_DRUG, HG_OMOP_PROCEDURE, HG_OMOP_MEASUREMENT, HG_OMOP_OBS };

/* Gender concept -> native sex code ("1", "2", "9", "0"), NULL when not mapped. */
const char *hg_omop_sex_of(int64_t gender_concept_id);
/* Native sex (enum hg_sex, or -2 blank) -> gender concept (0 for blank). */
int64_t hg_omop_gender_of(int sex);

/* Race concepts (standard, or the NHS Ethnic Category source concept) -> an NHS
 * category letter ("H"), NULL when not mapped. */
const char *hg_omop_eth_of_race(int64_t race_concept_id);
const char *hg_omop_eth_of_source_concept(int64_t race_source_concept_id);
/* NHS category ("A".."Z", "99") -> race_concept_id and race_source_concept_id (0: none). */
void hg_omop_race_of(hg_sv cat, int64_t *race, int64_t *source);

/* Visit concept -> setting (enum hg_setting), -1 when not mapped. */
int hg_omop_setting_of_visit(int64_t visit_concept_id);
/* Setting -> the visit concept written for it. */
int64_t hg_omop_visit_of_setting(int setting);

/* A whole number (an OMOP integer column; "8507.0" as some exports write it is 8507). */
int hg_omop_int(hg_sv s, int64_t *out);

/* A buffered CSV output: fields separated by commas, quoted when needed. */
typedef struct hg_omop_out {
	hg_out o;
	hg_buf b;
	uint64_t line; /* lines written (the header is line 1) */
	int nf;        /* fields on the current line */
} hg_omop_out;

int hg_omop_out_open(hg_omop_out *w, const char *path, hg_err *err);
void hg_omop_out_header(hg_omop_out *w, const char *const *cols);
void hg_omop_out_field(hg_omop_out *w, hg_sv v);
void hg_omop_out_str(hg_omop_out *w, const char *s);
void hg_omop_out_int(hg_omop_out *w, int64_t v);
void hg_omop_out_end(hg_omop_out *w);
/* Blank lines until the next record starts on line (records keep their source's lines). */
void hg_omop_out_pad(hg_omop_out *w, uint64_t line);
int hg_omop_out_close(hg_omop_out *w, hg_err *err);

#endif
