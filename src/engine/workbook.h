/*
 * workbook.h: the analyst's workbook kit (libxlsxwriter), one home for how
 * healthgap's sheets look, so indicators.xlsx's sheets (output.c) and the
 * analysis's (analysis_write.c) match: a bold header row that stays in view
 * (frozen) with filters on it, set column widths, typed cells - dates as
 * Excel dates shown YYYY-MM-DD, numbers as numbers (stored as the CSV
 * publishes them, so no 15-digit floats, and shown with a sensible number
 * of decimals), TRUE/FALSE as booleans - and the data's status marking in
 * every sheet's printed page header.
 */
#ifndef HG_ENGINE_WORKBOOK_H
#define HG_ENGINE_WORKBOOK_H

#include "core/date.h"
#include "core/error.h"
#include "engine/status.h"

#include <stddef.h>
#include <xlsxwriter.h>

/* The rows a sheet can hold under its header (Excel's limit, less the header). */
#define HG_XLSX_MAX_ROWS 1048575u

/* How a column's cells are written and shown. */
enum hg_xkind {
	HG_XK_TEXT,
	HG_XK_DATE,  /* an hg_date: an Excel date, yyyy-mm-dd */
	HG_XK_COUNT, /* whole numbers: #,##0 */
	HG_XK_VALUE, /* a measured value: #,##0.0 (percentages, rates, means, years) */
	HG_XK_RATIO, /* ratios: 0.00 */
	HG_XK_PCT,   /* a percentage of completeness: 0.0 */
	HG_XK_BOOL,
};

typedef struct hg_xcol {
	const char *name;
	int kind; /* enum hg_xkind */
	double width;
} hg_xcol;

typedef struct hg_xlsx {
	lxw_workbook *wb;
	lxw_format *head, *fmt[HG_XK_BOOL + 1];
	const hg_data_status *status; /* may be NULL */
} hg_xlsx;

/* Start a workbook at path (its formats made once). */
int hg_xlsx_open(hg_xlsx *x, const char *path, const hg_data_status *status, hg_err *err);
/* Close it (the file is written now) and give it mode 0640, as every output. */
int hg_xlsx_close(hg_xlsx *x, const char *path, hg_err *err);

/* A data sheet: header row, widths, frozen header (and first freeze_cols columns),
 * marking. nrows (under the header) over HG_XLSX_MAX_ROWS is an error naming what. */
lxw_worksheet *hg_xlsx_sheet(hg_xlsx *x, const char *name, const hg_xcol *cols, int ncols,
                             int freeze_cols, size_t nrows, hg_err *err);
/* The filter over a sheet's header and its nrows rows. */
void hg_xlsx_filter(lxw_worksheet *ws, int ncols, size_t nrows);

/* One cell of data row r (1-based under the header), column c of kind. Text may be
 * NULL or "" (left empty); a NaN number is left empty. */
void hg_xlsx_text(lxw_worksheet *ws, size_t r, int c, const char *s);
void hg_xlsx_num(const hg_xlsx *x, lxw_worksheet *ws, size_t r, int c, int kind, double v);
void hg_xlsx_date(const hg_xlsx *x, lxw_worksheet *ws, size_t r, int c, hg_date d);
void hg_xlsx_bool(const hg_xlsx *x, lxw_worksheet *ws, size_t r, int c, int v);

/* The number format of an indicator's values (for HG_XK_VALUE columns, of every value
 * type) and of an inequality measure ("rii", "gap_rel", "ratio_to_best": ratios;
 * "people_*": counts; others in the indicator's units). */
int hg_xlsx_measure_kind(const char *measure);

#endif
