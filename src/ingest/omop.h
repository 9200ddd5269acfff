/*
 * omop.h: OMOP CDM v5.4 input and output (issue 15, part 5).
 *
 * `ingest --omop DIR` converts the OMOP tables (CSV) into the native row
 * stream (persons.csv, events.csv, registrations.csv, addresses.csv in a
 * private folder inside the store) and hands it to the one ingest pipeline,
 * so every row is validated, quarantined and reconciled by the native rules:
 * this file maps, it does not validate. A value that cannot be mapped (an
 * unknown gender concept, a location_id that location.csv lacks) is passed on
 * as a telling text ("gender_concept_id 1234") that the native rule rejects,
 * so the quarantine and the terminal name it. Every converted row carries an
 * omop_source column ("condition_occurrence.csv:17"), and persons,
 * registrations and addresses keep their OMOP file's line numbers.
 *
 * `synth --format omop` writes a native synthetic population as OMOP tables
 * (hg_omop_from_native), by the same mapping tables, so that the two inputs
 * give the same store. The mapping, table by table, is docs/omop.md.
 */
#ifndef HG_OMOP_H
#define HG_OMOP_H

#include "core/date.h"
#include "core/error.h"
#include "ingest.h"

#include <stdint.h>

/* Which OMOP field gives an event's code. */
enum hg_omop_codes {
	HG_OMOP_CODES_SOURCE = 0, /* *_source_value, as recorded (the default) */
	HG_OMOP_CODES_CONCEPT     /* *_concept_id, the standard concept (0: no code) */
};

typedef struct hg_omop_params {
	const char *dir;      /* the OMOP tables, TABLE.csv */
	const char *out_dir;  /* where the native files are written (created) */
	const char *encoding; /* as for ingest: NULL UTF-8, "latin1" */
	int codes;            /* enum hg_omop_codes */
	int eth_from_record;  /* --ethnicity-codelist: race goes to ethnicity_hospital */
	hg_date extract_date; /* an end date on or after it: still registered */
	int quiet;
} hg_omop_params;

/* What the conversion wrote: the native files to ingest (NULL: none) and counts. */
typedef struct hg_omop_native {
	char persons[4096], events[4096], registrations[4096], addresses[4096];
	int has_registrations, has_addresses;
	uint64_t persons_n, events_n, visits_n, flag_rows, deaths_unmatched;
	char event_lines[512]; /* "lines 2-8 from condition_occurrence.csv, ..." */
} hg_omop_native;

/* Parse an --omop-codes value ("source", "concept"); -1 and a usage error otherwise. */
int hg_omop_codes_parse(const char *s, hg_err *err);

/* Convert the OMOP tables of p->dir into native files in p->out_dir. */
int hg_omop_to_native(const hg_omop_params *p, hg_omop_native *out, hg_err *err);

/* `ingest --omop DIR`: convert into STORE/.tmp-PID-omop/ (removed after, and by a later
 * ingest when this one was killed), then ingest those files as p says (p's persons and
 * events paths are set here; registrations and addresses when the tables were given;
 * the reference folder defaults to DIR/reference). Returns as hg_ingest_run. */
int hg_omop_ingest(hg_ingest_params *p, const char *dir, int codes, hg_ingest_result *res,
                   hg_err *err);

/* Write the native files of native_dir (persons.csv, events.csv, and registrations.csv,
 * addresses.csv when present) as OMOP CDM v5.4 tables in omop_dir. extract_date is the
 * end of an open registration (observation_period_end_date is required). */
int hg_omop_from_native(const char *native_dir, const char *omop_dir, hg_date extract_date,
                        hg_err *err);

#endif
