/*
 * history.h: the optional history files of ingest (history.c; docs/data-model.md
 * "As-at histories"): registrations.csv and addresses.csv, each person's
 * periods at a practice or an address, sorted by start, into the columns of
 * the store's history tables (store/schema.h).
 */
#ifndef HG_INGEST_HISTORY_H
#define HG_INGEST_HISTORY_H

#include "ingest_int.h"

/* One history file's accepted periods, sorted by person and then start. */
typedef struct hg_spells {
	int given;               /* the file was given (else no rows) */
	uint64_t n;              /* periods */
	uint64_t *off;           /* per person + 1 */
	hg_date *from, *to;      /* to: the last day, HG_DATE_NONE while current */
	uint32_t *place;         /* practice (dict.practice) or LSOA (dict.lsoa) */
	uint64_t gaps;           /* a period starting more than a day after the one before */
	uint64_t moves_same_day; /* a period starting on the last day of the one before */
	hg_ingest_counts counts;
	hg_quarantine quar;
} hg_spells;

typedef struct hg_history {
	hg_spells reg, addr;
} hg_history;

/* Read p->registrations_path and p->addresses_path (each optional) for the persons ps
 * (new practices and LSOAs join their dictionaries), and set each person's practice,
 * registration dates and LSOA to those of the periods as at the extract date. */
int hg_history_load(hg_history *h, hg_persons *ps, const hg_reference *ref,
                    const hg_ingest_params *p, hg_err *err);
void hg_history_free(hg_history *h);

#endif
