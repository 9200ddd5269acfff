/*
 * status.h: the status marking every output carries (issue 9): SYNTHETIC DATA
 * for a synthetic population or synthetic reference data, otherwise
 * OFFICIAL-SENSITIVE, with the area's name when one is recorded (ingest
 * --area-name, overridden by --area-name of run, serve and report). Read from
 * the store manifest; written into metadata.json, workbooks, downloads, the
 * dashboard and the board report, all with these words.
 */
#ifndef HG_ENGINE_STATUS_H
#define HG_ENGINE_STATUS_H

#include "core/error.h"

#include <stddef.h>

typedef struct hg_data_status {
	int synthetic; /* the store was built from synthetic reference data (healthgap synth) */
	char area[128];
	char imd[32]; /* "IMD2019", "IMD2025", "none" */
} hg_data_status;

/* From a store manifest (json_t *: imd.synthetic, area_name, imd.version); a non-empty
 * area_override replaces the recorded name. */
void hg_data_status_from_manifest(const void *manifest, const char *area_override,
                                  hg_data_status *s);
/* {"synthetic", "area_name", "imd_version", "marking"} (a json_t *, new reference) and back;
 * reading a missing or partial object gives an official-sensitive status with no area. */
void *hg_data_status_json(const hg_data_status *s);
void hg_data_status_from_json(const void *json, hg_data_status *s);
/* "SYNTHETIC DATA" or "OFFICIAL-SENSITIVE". */
const char *hg_data_status_marking(const hg_data_status *s);
/* The marking with the area and what it means: "OFFICIAL-SENSITIVE - NHS X ICB",
 * "SYNTHETIC DATA - NHS X ICB - a synthetic population: no real people". */
void hg_data_status_line(const hg_data_status *s, char *buf, size_t size);
/* Mark a workbook (lxw_workbook *): the marking in the printed page header of the data
 * sheet (lxw_worksheet *), and an "about" sheet whose first line is the marking, then
 * the lines given (what the data are; NULL-terminated). Returns the about sheet. */
void *hg_data_status_xlsx(void *workbook, void *data_sheet, const hg_data_status *s,
                          const char *const *lines);
/* The same with the sheet named name (indicators.xlsx: "notes"). */
void *hg_data_status_xlsx_named(void *workbook, void *data_sheet, const hg_data_status *s,
                                const char *name, const char *const *lines);
/* The marking in the printed page header of one more sheet (lxw_worksheet *). */
void hg_data_status_xlsx_header(void *sheet, const hg_data_status *s);
/* An --area-name value: 1 to 100 bytes, no control characters. */
int hg_area_name_check(const char *name, hg_err *err);

#endif
