/*
 * units.h: the optional unit files of ingest (docs/data-model.md): pathways.csv
 * (referral-to-treatment pathways: clock start, clock stop or still waiting,
 * provider, specialty, priority, removal reason) and appointments.csv
 * (outpatient and GP appointments: date, setting, specialty, provider, first or
 * follow-up, outcome). Each row is validated as persons and events are (the
 * first rule it breaks quarantines it with its line, field and reason; counts
 * reconcile: read = accepted + quarantined), then the rows are sorted by person
 * and date into the columns of the store's unit tables (store/schema.h). The
 * specialty and provider codes of both files share one dictionary each.
 */
#ifndef HG_INGEST_UNITS_H
#define HG_INGEST_UNITS_H

#include "ingest_int.h"

/* One unit file's accepted rows, sorted by person and then date. */
typedef struct hg_unit_rows {
	uint64_t n;
	uint64_t *off;         /* per person + 1 */
	hg_date *d0, *d1;      /* pathways: clock start, clock stop (HG_DATE_NONE open);
	                          appointments: date (d1 unused) */
	uint32_t *spec, *prov; /* HG_NONE32: not known */
	uint8_t *k0, *k1, *k2; /* pathways: priority, removal reason (k2 unused);
	                          appointments: setting, attendance type, outcome */
	hg_ingest_counts counts;
	hg_quarantine quar;
	int given; /* the file was given (else no rows, nothing read) */
	hg_date min_date, max_date;
} hg_unit_rows;

typedef struct hg_units {
	hg_unit_rows pw, ap;
	hg_dict specialties, providers;
} hg_units;

/* Read p->pathways_path and p->appointments_path (each optional) for the persons ps. */
int hg_units_load(hg_units *u, const hg_persons *ps, const hg_ingest_params *p, hg_progress *prog,
                  hg_err *err);
void hg_units_free(hg_units *u);

#endif
