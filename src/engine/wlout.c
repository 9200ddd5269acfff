/*
 * wlout.c: a worklist's people as CSV and as a workbook (wlout.h), moved out
 * of `healthgap worklist` so the dashboard's downloads are the same files.
 */
#include "engine/wlout.h"

#include "core/csv.h"
#include "engine/workbook.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- CSV: every list in one table ---- */

/* Columns read back by machines (`healthgap reidentify`): written as they are. */
static int machine_col(const hg_worklist *wl, int c)
{
	return c == HG_WLC_PERSON || c == HG_WLC_PRACTICE || c == HG_WLC_FIXED + wl->ncolumns;
}

static void csv_cell(hg_buf *b, const hg_worklist *wl, int c, const char *cell)
{
	size_t n = strlen(cell);
	if (hg_wl_col_kind(wl, c) != HG_WLK_TEXT || machine_col(wl, c) ||
	    !hg_csv_formula_like(cell)) {
		hg_csv_put_field(b, cell, n);
		return;
	}
	char *t = hg_xmalloc(n + 2); /* shown as text by a spreadsheet, never run */
	t[0] = '\'';
	memcpy(t + 1, cell, n + 1);
	hg_csv_put_field(b, t, n + 1);
	free(t);
}

static void csv_rows(hg_buf *b, const hg_wl_rows *r, const hg_store *st, int ncols)
{
	const hg_worklist *wl = r->cw->wl;
	char cell[4096];
	double num;
	for (size_t i = 0; i < r->n; i++) {
		for (int c = 0; c < ncols; c++) {
			if (c)
				hg_buf_putc(b, ',');
			if (c < hg_wl_ncols(wl))
				csv_cell(b, wl, c,
				         hg_wl_cell(r, st, i, c, cell, sizeof cell, &num));
		}
		hg_buf_putc(b, '\n');
	}
}

void hg_wl_csv(hg_buf *b, const hg_wl_rows *rs, int n, const hg_store *st)
{
	assert(n > 0);
	/* the widest list's columns; other lists leave the extra columns empty */
	int wide = 0;
	for (int k = 1; k < n; k++)
		if (hg_wl_ncols(rs[k].cw->wl) > hg_wl_ncols(rs[wide].cw->wl))
			wide = k;
	const hg_worklist *ww = rs[wide].cw->wl;
	int ncols = hg_wl_ncols(ww);
	for (int c = 0; c < ncols; c++) {
		if (c)
			hg_buf_putc(b, ',');
		const char *name = hg_wl_col_name(ww, c);
		if (c >= HG_WLC_FIXED && c < HG_WLC_FIXED + ww->ncolumns && n > 1)
			name = "Value"; /* the lists' own columns differ: see each list's heading */
		hg_csv_put_field(b, name, strlen(name));
	}
	hg_buf_putc(b, '\n');
	for (int k = 0; k < n; k++)
		csv_rows(b, &rs[k], st, ncols);
}

/* ---- XLSX: a summary sheet, then a sheet per list ---- */

static int xlsx_summary(hg_xlsx *x, const hg_wl_rows *rs, int n, hg_err *err)
{
	static const hg_xcol cols[] = {{"Worklist", HG_XK_TEXT, 22},
	                               {"Title", HG_XK_TEXT, 50},
	                               {"Priority", HG_XK_COUNT, 9},
	                               {"Priority group", HG_XK_TEXT, 40},
	                               {"Patients", HG_XK_COUNT, 10}};
	size_t rows = 0;
	for (int k = 0; k < n; k++)
		rows += (size_t)rs[k].ngroups;
	lxw_worksheet *ws = hg_xlsx_sheet(x, "Summary", cols, 5, 0, rows, err);
	if (!ws)
		return -1;
	size_t r = 1;
	for (int k = 0; k < n; k++) {
		const hg_worklist *wl = rs[k].cw->wl;
		for (int g = 0; g < rs[k].ngroups; g++, r++) {
			hg_xlsx_text(ws, r, 0, wl->id);
			hg_xlsx_text(ws, r, 1, wl->title);
			hg_xlsx_num(x, ws, r, 2, HG_XK_COUNT, g + 1);
			hg_xlsx_text(ws, r, 3, wl->prio < 0 ? "All" : wl->prio_names[g]);
			hg_xlsx_num(x, ws, r, 4, HG_XK_COUNT, (double)rs[k].group_n[g]);
		}
	}
	hg_xlsx_filter(ws, 5, rows);
	return 0;
}

static int xlsx_list(hg_xlsx *x, const hg_wl_rows *r, const hg_store *st, hg_err *err)
{
	const hg_worklist *wl = r->cw->wl;
	int ncols = hg_wl_ncols(wl);
	hg_xcol *cols = hg_xcalloc((size_t)ncols, sizeof *cols);
	for (int c = 0; c < ncols; c++) {
		int k = hg_wl_col_kind(wl, c);
		cols[c].name = hg_wl_col_name(wl, c);
		cols[c].kind = k == HG_WLK_NUMBER ? HG_XK_VALUE
		               : k == HG_WLK_DATE ? HG_XK_DATE
		                                  : HG_XK_TEXT;
		if (c == HG_WLC_RANK || c == HG_WLC_AGE || c == HG_WLC_IMD_DECILE)
			cols[c].kind = HG_XK_COUNT;
		cols[c].width = c == HG_WLC_REASONS || c == HG_WLC_GROUP ? 36
		                : c == HG_WLC_PERSON                     ? 24
		                                                         : 14;
	}
	char name[32];
	snprintf(name, sizeof name, "%.31s", wl->id); /* Excel's sheet-name limit */
	lxw_worksheet *ws = hg_xlsx_sheet(x, name, cols, ncols, HG_WLC_PERSON + 1, r->n, err);
	if (!ws) {
		free(cols);
		return -1;
	}
	char cell[4096];
	double num;
	for (size_t i = 0; i < r->n; i++)
		for (int c = 0; c < ncols; c++) {
			hg_wl_cell(r, st, i, c, cell, sizeof cell, &num);
			if (cols[c].kind == HG_XK_DATE && !isnan(num))
				hg_xlsx_date(x, ws, i + 1, c, (hg_date)num);
			else if (cols[c].kind != HG_XK_TEXT && !isnan(num))
				hg_xlsx_num(x, ws, i + 1, c, cols[c].kind, num);
			else
				hg_xlsx_text(ws, i + 1, c, cell);
		}
	hg_xlsx_filter(ws, ncols, r->n);
	free(cols);
	return 0;
}

int hg_wl_xlsx(const char *path, const hg_wl_rows *rs, int n, const hg_store *st,
               const hg_data_status *status, hg_err *err)
{
	hg_xlsx x;
	if (hg_xlsx_open(&x, path, status, err) != 0)
		return -1;
	int rc = xlsx_summary(&x, rs, n, err);
	for (int k = 0; k < n && rc == 0; k++)
		rc = xlsx_list(&x, &rs[k], st, err);
	hg_err cerr = {0};
	if (hg_xlsx_close(&x, path, rc ? &cerr : err) != 0 || rc != 0) {
		remove(path);
		return -1;
	}
	return 0;
}

hg_date hg_wl_default_as_at(const hg_store *st)
{
	hg_date end = HG_DATE_NONE;
	for (uint64_t e = 0; e < st->n_events; e++)
		if (end == HG_DATE_NONE || st->ev_date[e] > end)
			end = st->ev_date[e];
	return end == HG_DATE_NONE || end > st->extract_date ? st->extract_date : end;
}
