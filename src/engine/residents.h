/*
 * residents.h: resident-population denominators (docs/language.md "Resident populations",
 * docs/data-model.md "Resident populations"). An event indicator with `denominator:
 * residents` divides its events by the ONS mid-year population estimates of the area's
 * LSOAs by sex and single year of age (`run --population FILE`, read as published) instead
 * of the registered list. The area is every LSOA of the store (where someone in the
 * extract lives or lived) that the file has; the numerator counts the events of people
 * whose LSOA on the event's date is in it (engine.c).
 */
#ifndef HG_ENGINE_RESIDENTS_H
#define HG_ENGINE_RESIDENTS_H

#include "core/error.h"
#include "core/fs.h"
#include "store/store.h"

#include <stdint.h>

#define HG_RES_AGES 91 /* single years 0 .. 89, then 90 and over */

typedef struct hg_residents {
	uint32_t nlsoa;   /* the store's LSOAs (st->lsoas.n) */
	uint8_t *in_area; /* per store LSOA: 1 when the file has its estimates */
	uint32_t *n;      /* per store LSOA, sex (0 male, 1 female), age: the estimate */
	char path[HG_PATH_MAX];
	char hash[65];          /* BLAKE2b-256 of the file, for metadata.json */
	uint64_t rows;          /* data rows read */
	uint64_t area_lsoas;    /* store LSOAs the file has */
	uint64_t missing_lsoas; /* store LSOAs it does not have (outside the area) */
	double total;           /* everyone in the area, all ages */
} hg_residents;

/* Read an ONS LSOA population file (columns found by their published names; see
 * docs/data-model.md) for the LSOAs of st. Errors name the file, line, field and value. */
int hg_residents_load(hg_residents *r, const char *path, const hg_store *st, hg_err *err);
void hg_residents_free(hg_residents *r);
/* The estimate of store LSOA l, sex s (0 male, 1 female), age a (HG_RES_AGES - 1: 90+). */
static inline uint32_t hg_residents_n(const hg_residents *r, uint32_t l, int s, int a)
{
	return r->n[((size_t)l * 2 + (size_t)s) * HG_RES_AGES + (size_t)a];
}

#endif
