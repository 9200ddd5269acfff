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
#include "store/store.h"
#include "validate.h"

#include <stdatomic.h>

/* A quarantine file being built: "line,field,reason,record" rows. */
typedef struct hg_quarantine {
	hg_buf csv;
	uint64_t n;
	uint64_t by_reason[HG_REJ_N];
} hg_quarantine;

void hg_quarantine_add(hg_quarantine *q, uint64_t line, const char *field, enum hg_reject why,
                       const char *detail, const char *rec, size_t rec_len);
/* Re-serialise the current record with field `mask` replaced by asterisks. */
void hg_quarantine_add_masked(hg_quarantine *q, const hg_csv *c, int mask, const char *field,
                              enum hg_reject why, const char *detail);

typedef struct hg_persons {
	size_t n, cap;
	hg_date *dob, *reg_from, *reg_to, *dod;
	uint8_t *dob_month_only, *sex, *eth_cat, *eth_group, *decile, *quintile;
	uint32_t *lsoa, *practice;
	uint64_t *flags;
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

int hg_persons_load(hg_persons *ps, const hg_ingest_params *p, const hg_reference *ref,
                    const hg_key *key, hg_progress *prog, hg_err *err);
void hg_persons_free(hg_persons *ps);
int hg_events_load(hg_events *ev, const hg_persons *ps, const hg_ingest_params *p,
                   hg_progress *prog, hg_err *err);
void hg_events_free(hg_events *ev);

#endif
