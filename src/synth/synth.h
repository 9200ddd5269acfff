/*
 * synth.h: `healthgap synth`, a realistic synthetic population. Writes
 * persons.csv, events.csv, reference/practices.csv (and, without a reference
 * directory, a synthetic IMD lookup in the official File 1 layout) into an
 * output directory, byte-for-byte deterministic for a seed. With a corrupt
 * rate it also adds malformed rows of every kind ingest must reject and lists
 * them in corruptions.csv. The model and its sources: docs/synthetic-data.md.
 */
#ifndef HG_SYNTH_H
#define HG_SYNTH_H

#include "core/date.h"
#include "core/error.h"

#include <stdint.h>

typedef struct hg_synth_params {
	long people; /* number of people ever registered in the window */
	uint64_t seed;
	const char *out_dir;
	const char *reference_dir; /* NULL = synthetic geography */
	const char *areas;         /* comma-separated LAD 2019 codes; NULL = default ICB */
	hg_date start, end;        /* extract window (inclusive) */
	double corrupt_rate;       /* share of data rows that are malformed, 0 <= r < 0.5 */
	const char *codelists_dir; /* NULL = packs/core20plus5/codelists near the binary */
	int threads;               /* 0 = hg_ncpu() */
	int quiet;                 /* 1 = no progress summary on stderr */
	int ethnicity_codes;       /* 1 = ethnicity as SNOMED CT codes in events.csv and an
	                            * ethnicity_hospital column, not an ethnicity column
	                            * (--ethnicity-as codes; ethnicity.c) */
} hg_synth_params;

/* Default LAD 2019 codes: the ten boroughs of Greater Manchester ICB. */
extern const char hg_synth_default_areas[];

void hg_synth_defaults(hg_synth_params *p);
int hg_synth_run(const hg_synth_params *p, hg_err *err);

/* Find packs/core20plus5/codelists relative to the running executable. */
int hg_synth_find_codelists(char *out, size_t n, hg_err *err);

#endif
