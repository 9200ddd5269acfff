/*
 * wlout.h: a worklist's people as files, one home for `healthgap worklist`
 * and the dashboard's downloads (docs/language.md "Worklists"), so the two
 * cannot differ: the CSV is one table (the columns of hg_wl_col_name, the
 * widest list's, the re-identification token last, where `healthgap
 * reidentify` and its key holder's tools find it); the
 * workbook has a summary sheet (people per priority group) and a sheet per
 * list, the marking in every sheet's printed header. In the CSV a text cell
 * that a spreadsheet would run as a formula (= + - @ first) gets a leading ',
 * except the machine-read columns (pseudonym, practice, re-identification
 * token), which `healthgap reidentify` reads back as they are.
 */
#ifndef HG_ENGINE_WLOUT_H
#define HG_ENGINE_WLOUT_H

#include "core/str.h"
#include "engine/status.h"
#include "engine/worklist.h"
#include "store/store.h"

/* The CSV of n lists into b. */
void hg_wl_csv(hg_buf *b, const hg_wl_rows *rs, int n, const hg_store *st);
/* The workbook of n lists written to path (made 0640; the caller renames it into place). */
int hg_wl_xlsx(const char *path, const hg_wl_rows *rs, int n, const hg_store *st,
               const hg_data_status *status, hg_err *err);
/* The default date of a list: the date of the store's latest event, the end of its data
 * (a synthetic store's extract date can be later than its data), else the extract date. */
hg_date hg_wl_default_as_at(const hg_store *st);

#endif
