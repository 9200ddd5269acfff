/*
 * workbook.c: the analyst's workbook kit (workbook.h). Numbers are stored as
 * the CSV publishes them (hg_result_num: whole numbers exactly, others to 6
 * decimals), then shown with the column's format; dates are Excel serial
 * days with a date format, so they sort and filter as dates.
 */
#include "engine/workbook.h"

#include "engine/pubrow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Excel's day 0 is 1899-12-30, 25569 days before 1970-01-01 (hg_date's day 0). */
#define HG_EXCEL_EPOCH 25569

int hg_xlsx_open(hg_xlsx *x, const char *path, const hg_data_status *status, hg_err *err)
{
	memset(x, 0, sizeof *x);
	x->wb = workbook_new(path);
	if (!x->wb)
		return hg_err_set(err, HG_EIO, "cannot create %s", path);
	x->status = status;
	x->head = workbook_add_format(x->wb);
	format_set_bold(x->head);
	format_set_bottom(x->head, LXW_BORDER_THIN);
	format_set_text_wrap(x->head);
	format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
	static const char *const nums[HG_XK_BOOL + 1] = {[HG_XK_DATE] = "yyyy-mm-dd",
	                                                 [HG_XK_COUNT] = "#,##0",
	                                                 [HG_XK_VALUE] = "#,##0.0",
	                                                 [HG_XK_RATIO] = "0.00",
	                                                 [HG_XK_PCT] = "0.0"};
	for (int k = 0; k <= HG_XK_BOOL; k++)
		if (nums[k]) {
			x->fmt[k] = workbook_add_format(x->wb);
			format_set_num_format(x->fmt[k], nums[k]);
		}
	return 0;
}

int hg_xlsx_close(hg_xlsx *x, const char *path, hg_err *err)
{
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	if (e != LXW_NO_ERROR)
		return hg_err_set(err, HG_EIO, "writing %s: %s", path, lxw_strerror(e));
	if (chmod(path, 0640) != 0) /* libxlsxwriter leaves the umask's 0644 */
		return hg_err_set(err, HG_EIO, "cannot set the mode of %s to 0640", path);
	return 0;
}

lxw_worksheet *hg_xlsx_sheet(hg_xlsx *x, const char *name, const hg_xcol *cols, int ncols,
                             int freeze_cols, size_t nrows, hg_err *err)
{
	if (nrows > HG_XLSX_MAX_ROWS) {
		hg_err_set(err, HG_EINPUT,
		           "the %s sheet would need %zu rows, more than a worksheet holds (%u): "
		           "leave xlsx out of --format and use the CSV",
		           name, nrows, HG_XLSX_MAX_ROWS);
		return NULL;
	}
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
	for (int c = 0; c < ncols; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].name, x->head);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, NULL);
	}
	worksheet_freeze_panes(ws, 1, (lxw_col_t)freeze_cols);
	if (x->status)
		hg_data_status_xlsx_header(ws, x->status);
	return ws;
}

void hg_xlsx_filter(lxw_worksheet *ws, int ncols, size_t nrows)
{
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows, (lxw_col_t)(ncols - 1));
}

void hg_xlsx_text(lxw_worksheet *ws, size_t r, int c, const char *s)
{
	if (s && *s)
		worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s, NULL);
}

void hg_xlsx_num(const hg_xlsx *x, lxw_worksheet *ws, size_t r, int c, int kind, double v)
{
	char buf[64];
	hg_result_num(v, buf, sizeof buf); /* the CSV's number, so the two agree */
	if (buf[0])
		worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, strtod(buf, NULL),
		                       x->fmt[kind]);
}

void hg_xlsx_date(const hg_xlsx *x, lxw_worksheet *ws, size_t r, int c, hg_date d)
{
	if (d != HG_DATE_NONE)
		worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, (double)d + HG_EXCEL_EPOCH,
		                       x->fmt[HG_XK_DATE]);
}

void hg_xlsx_bool(const hg_xlsx *x, lxw_worksheet *ws, size_t r, int c, int v)
{
	(void)x;
	worksheet_write_boolean(ws, (lxw_row_t)r, (lxw_col_t)c, v, NULL);
}

int hg_xlsx_measure_kind(const char *measure)
{
	if (!strcmp(measure, "rii") || strstr(measure, "ratio") || !strcmp(measure, "gap_rel"))
		return HG_XK_RATIO;
	if (!strncmp(measure, "people", 6))
		return HG_XK_COUNT;
	return HG_XK_VALUE;
}
