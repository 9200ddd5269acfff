/*
 * reference.h: reference data joined at ingest. The IMD lookup (LSOA code ->
 * IMD decile, rank and local authority) is read from the official files:
 * IoD2019 File 1 (or File 2) on 2011 LSOAs, or the IoD2025 LSOA21 file. The
 * optional practice lookup (practices.csv: practice_code, practice_name,
 * pcn_code, pcn_name, sub_icb_code, sub_icb_name) maps practices to PCNs and
 * sub-ICBs with their names; the optional LSOA lookup (lsoa_lookup.csv, or
 * --lsoa-lookup FILE: an ONS lookup as published) maps LSOAs to MSOAs and
 * local authorities (docs/data-model.md "Places").
 */
#ifndef HG_REFERENCE_H
#define HG_REFERENCE_H

#include "core/dict.h"
#include "core/fs.h"
#include "core/error.h"

#include <stdint.h>

typedef struct hg_reference {
	char dir[1024];
	char imd_version[32]; /* "IMD2019", "IMD2025", or "none" */
	char imd_source[HG_PATH_MAX];
	char lsoa_vintage[8]; /* "2011", "2021" */
	int synthetic;        /* the directory holds a SYNTHETIC marker */
	hg_dict lsoa;         /* LSOA code -> row */
	uint8_t *decile;      /* per row */
	uint32_t *rank;       /* per row: national IMD rank (1 most deprived), 0 if no column */
	char **la, **la_name; /* per row: local authority from the IMD file ("" if none) */
	uint32_t n_lsoa;
	hg_dict practice;                            /* practice code -> row */
	char **pcn, **subicb;                        /* per row */
	char **prac_name, **pcn_name, **subicb_name; /* per row ("" when not given) */
	char practice_source[HG_PATH_MAX];
	hg_dict lk; /* the LSOA lookup: LSOA code -> row */
	char **lk_la, **lk_la_name, **lk_msoa, **lk_msoa_name; /* per row ("" if none) */
	char lookup_source[HG_PATH_MAX];
} hg_reference;

/* An LSOA's places: local authority and MSOA codes and names, "" when not known. */
typedef struct hg_lsoa_places {
	const char *la, *la_name, *msoa, *msoa_name;
} hg_lsoa_places;

/* Load from dir (NULL/absent dir gives an empty reference with imd_version "none").
 * version: "2019", "2025" or NULL (2019 when present, else 2025). */
int hg_reference_load(hg_reference *r, const char *dir, const char *version, hg_err *err);
/* Read an LSOA lookup (lsoa_lookup.csv in the reference folder, or --lsoa-lookup). */
int hg_reference_load_lookup(hg_reference *r, const char *path, hg_err *err);
/* The places of an LSOA: the LSOA lookup's local authority, else the IMD file's. */
hg_lsoa_places hg_reference_places(const hg_reference *r, const char *lsoa, size_t n);
/* National IMD rank of an LSOA (1 most deprived), or 0 when not known. */
uint32_t hg_reference_rank(const hg_reference *r, const char *lsoa, size_t n);
void hg_reference_free(hg_reference *r);
/* IMD decile of an LSOA (1..10) or 0 when not found. */
int hg_reference_decile(const hg_reference *r, const char *lsoa, size_t n);

#endif
