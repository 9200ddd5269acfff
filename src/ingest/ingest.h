/*
 * ingest.h: load persons.csv and events.csv into a new store snapshot.
 *
 * Every row is validated; rejected rows go to quarantine files inside the
 * snapshot (quarantine_persons.csv, quarantine_events.csv: line, field,
 * reason, record) and counts reconcile: read = accepted + quarantined. Soft
 * problems are counted as warnings. NHS numbers are replaced by
 * HMAC-SHA256 pseudonyms and never written anywhere in clear. IMD deciles are
 * resolved through the LSOA at ingest. Files are read as real-world exports
 * come: the separator detected, the encoding checked (or converted from
 * Latin-1), dates in a chosen format; what was found is said up front, the
 * first failing value of each rejection reason is shown with what was
 * expected, and a file whose first rows all fail one rule stops ingest before
 * anything is written. See docs/data-model.md.
 */
#ifndef HG_INGEST_H
#define HG_INGEST_H

#include "core/date.h"
#include "core/dict.h"
#include "core/error.h"

#include <stdint.h>

typedef struct hg_ingest_params {
	const char *persons_path;
	const char *events_path;
	const char *pathways_path;      /* NULL: none (units.h: pathways.csv) */
	const char *appointments_path;  /* NULL: none (appointments.csv) */
	const char *registrations_path; /* NULL: none (history.h: registrations.csv) */
	const char *addresses_path;     /* NULL: none (addresses.csv) */
	const char *store_dir;
	const char *reference_dir; /* NULL: look for reference/ beside persons.csv */
	const char *key_file;      /* required when persons.csv has nhs_number */
	const char *reid_keys;     /* a directory of PRACTICE.pub: seal NHS numbers (reid.h) */
	const char
	    *ethnicity_codelist; /* ethnicity from the record's codes (no ethnicity column) */
	const char
	    *lsoa_lookup; /* LSOA -> MSOA, local authority (else reference/lsoa_lookup.csv) */
	const char *imd_version; /* "2019" (default when available) or "2025" */
	const char *area_name;   /* recorded in the manifest for every output's marking */
	const char *date_format; /* NULL: YYYY-MM-DD (a zero time allowed); "DD/MM/YYYY" ... */
	const char *encoding;    /* NULL: UTF-8, checked; "latin1": converted */
	double max_reject_rate;  /* per file; default 0.01 */
	hg_date extract_date;    /* default today */
	int progress;            /* draw a progress bar on stderr */
	int quiet;               /* no summary on stdout */
	int threads;             /* 0 = all cores */
	int append;              /* add the files to store_dir's current snapshot (append.c) */
	int compact;    /* append: write the parent's events again as one segment (append.c) */
	int no_publish; /* append: write and check the snapshot but leave CURRENT (ingest --append
	                   over a sharded store publishes it once the shards are split again) */
} hg_ingest_params;

typedef struct hg_ingest_counts {
	uint64_t read, accepted, quarantined, warnings;
} hg_ingest_counts;

typedef struct hg_ingest_result {
	hg_ingest_counts persons, events, pathways, appointments, registrations, addresses;
	uint64_t persons_new, persons_updated; /* an append's persons (the others: unchanged) */
	int files_linked;                      /* an append's files kept from its parent */
	char snapshot[64];
	int published; /* 0 when the reject rate was exceeded */
} hg_ingest_result;

void hg_ingest_defaults(hg_ingest_params *p);
/* Returns 0, HG_EREJECT (snapshot kept but not published), or another error. */
int hg_ingest_run(const hg_ingest_params *p, hg_ingest_result *res, hg_err *err);

/* An --encoding value: 0 utf-8 (the default, NULL), 1 latin1 (converted); -1 and a usage
 * error for anything else. */
int hg_encoding_kind(const char *encoding, hg_err *err);
/* A --date-format value (validate.h, hg_datefmt_init): 0, or a usage error. */
int hg_date_format_check(const char *spec, hg_err *err);

/* An ethnicity codelist (docs/data-model.md "Ethnicity from the record"): a code column and
 * a category column (an NHS letter, 99 or a Grouping_16 number). Each code is interned into
 * codes in file order and (*cat)[id] is its category as stored (a letter, '9' for 99); the
 * caller frees *cat (also after an error) and the dict. ethnicity.c; synth reads it too. */
int hg_ethnicity_codelist_load(const char *path, hg_dict *codes, uint8_t **cat, hg_err *err);

/* NHS number Modulus 11 check on exactly 10 digits (spaces allowed as in "943 476 5919"). */
int hg_nhs_number_valid(const char *s, size_t n);

#endif
