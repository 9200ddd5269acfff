/*
 * export.h: published rows as JSON (the API: the columns of indicators.csv),
 * and as the CSV and XLSX downloads of the indicator page. Downloads are for
 * people: readable headers and labels (report/labels.h), a "Data status"
 * column (CSV) or a marking row, page header and "about" sheet (XLSX) with
 * SYNTHETIC DATA or OFFICIAL-SENSITIVE and the area; with codes set, the CSV
 * has the columns and codes of indicators.csv plus a data_status column.
 * Suppressed rows have empty/null numbers; rows with nobody in the
 * denominator have no numbers and say "not applicable" (docs/api.md). In
 * the CSV for people a text cell beginning = + - @ (a formula to a
 * spreadsheet) gets a leading '; the XLSX writes every text as a string.
 * libxlsxwriter calls gmtime(), which is not thread-safe: the caller runs
 * one hg_export_xlsx at a time.
 */
#ifndef HG_SRV_EXPORT_H
#define HG_SRV_EXPORT_H

#include "core/str.h"
#include "server/rescache.h"

#include <jansson.h>

json_t *hg_export_json(const hg_pub_rows *p);
void hg_export_csv(const hg_results *r, const hg_pub_rows *p, int codes, hg_buf *out);
/* XLSX bytes into out, via a temporary file in tmpdir. */
int hg_export_xlsx(const hg_results *r, const hg_pub_rows *p, const char *tmpdir, hg_buf *out,
                   hg_err *err);

#endif
