/*
 * export.c: JSON, CSV and XLSX forms of published rows (export.h).
 */
#include "server/export.h"

#include "core/csv.h"
#include "core/fs.h"
#include "core/json.h"
#include "report/labels.h"
#include "server/session.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

json_t *hg_export_json(const hg_pub_rows *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(a, hg_pub_row_json(&p->rows[i]));
	return a;
}

/* ---- the downloads for people ---- */

#define HG_PEOPLE_NCOLS 17
static const char *const people_cols[HG_PEOPLE_NCOLS] = {
    "Indicator",    "Indicator ID", "Period start",   "Period end",     "Breakdown",
    "Group",        "Numerator",    "Denominator",    "Value",          "Unit",
    "Lower 95% CI", "Upper 95% CI", "Lower 99.8% CI", "Upper 99.8% CI", "Suppressed",
    "Note",         "Data status"};

/* One row in words: labels for codes; no numbers when suppressed or not applicable. */
typedef struct hg_people_row {
	char bd[200], cat[200], unit[96], note[400], status[300];
	double v[7]; /* numerator ... upper 99.8%, NaN: empty */
	const char *text[HG_PEOPLE_NCOLS];
} hg_people_row;

static void people_fill(const hg_results *res, const hg_pub_row *r, hg_people_row *x)
{
	int i = hg_results_find(res, r->indicator_id);
	int na = hg_label_not_applicable(r->suppressed, r->num, r->den, r->note);
	hg_label_breakdown(r->breakdown, res->status.imd, x->bd, sizeof x->bd);
	hg_label_category(r->breakdown, r->category, x->cat, sizeof x->cat);
	x->unit[0] = 0;
	if (i >= 0)
		hg_label_unit(res->pr->inds[i].ind, x->unit, sizeof x->unit);
	const char *note = r->suppressed    ? "suppressed (small numbers)"
	                   : na && !r->note ? HG_LABEL_NOT_APPLICABLE
	                                    : r->note;
	hg_label_note(note, x->note, sizeof x->note);
	hg_data_status_line(&res->status, x->status, sizeof x->status);
	hg_pub_row_nums(r, x->v);
	for (int k = 0; na && k < 7; k++)
		x->v[k] = NAN;
	const char *t[HG_PEOPLE_NCOLS] = {r->indicator_name, r->indicator_id, r->period_start,
	                                  r->period_end,     x->bd,           x->cat};
	memcpy(x->text, t, sizeof t);
	x->text[9] = x->unit;
	x->text[14] = r->suppressed ? "yes" : "no";
	x->text[15] = x->note;
	x->text[16] = x->status;
}

/* Text cells that look like formulas get a leading ' so they are shown as text, never run;
 * numbers are written by the published-row formatter and are left as they are. */
static void csv_people_row(hg_people_row *x, hg_buf *out)
{
	char *safe[HG_PEOPLE_NCOLS] = {0};
	for (int k = 0; k < HG_PEOPLE_NCOLS; k++) {
		if ((k >= 6 && k <= 13 && k != 9) || !hg_csv_formula_like(x->text[k]))
			continue;
		size_t n = strlen(x->text[k]);
		safe[k] = hg_xmalloc(n + 2);
		safe[k][0] = '\'';
		memcpy(safe[k] + 1, x->text[k], n + 1);
		x->text[k] = safe[k];
	}
	hg_csv_put_row(out, x->text, HG_PEOPLE_NCOLS);
	for (int k = 0; k < HG_PEOPLE_NCOLS; k++)
		free(safe[k]);
}

static void csv_people(const hg_results *res, const hg_pub_rows *p, hg_buf *out)
{
	hg_csv_put_row(out, people_cols, HG_PEOPLE_NCOLS);
	hg_people_row *x = hg_xmalloc(sizeof *x);
	char nums[7][48];
	for (size_t i = 0; i < p->n; i++) {
		people_fill(res, &p->rows[i], x);
		for (int k = 0; k < 7; k++)
			hg_result_num(x->v[k], nums[k], sizeof nums[k]);
		const int at[7] = {6, 7, 8, 10, 11, 12, 13};
		for (int k = 0; k < 7; k++)
			x->text[at[k]] = nums[k];
		csv_people_row(x, out);
	}
	free(x);
}

/* The columns and codes of indicators.csv, and the marking in a last column: exactly the
 * machine-readable file `healthgap run` writes, so nothing is prefixed (docs/api.md: load it
 * as data, not by opening it in a spreadsheet). */
static void csv_codes(const hg_results *res, const hg_pub_rows *p, hg_buf *out)
{
	char status[300];
	hg_data_status_line(&res->status, status, sizeof status);
	hg_pub_rows_csv(p->rows, p->n, "data_status", status, out);
}

void hg_export_csv(const hg_results *r, const hg_pub_rows *p, int codes, hg_buf *out)
{
	if (codes)
		csv_codes(r, p, out);
	else
		csv_people(r, p, out);
}

/* Row 0: the marking; row 1: the headers; then the rows, numbers as numbers. */
static void xlsx_rows(lxw_workbook *wb, lxw_worksheet *ws, const hg_results *res,
                      const hg_pub_rows *p)
{
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	char line[300];
	hg_data_status_line(&res->status, line, sizeof line);
	worksheet_write_string(ws, 0, 0, line, bold);
	for (int k = 0; k < HG_PEOPLE_NCOLS - 1; k++) /* the marking is row 0, not a column */
		worksheet_write_string(ws, 1, (lxw_col_t)k, people_cols[k], bold);
	worksheet_freeze_panes(ws, 2, 0);
	worksheet_set_column(ws, 0, 0, 40, NULL);
	worksheet_set_column(ws, 4, 5, 28, NULL);
	hg_people_row *x = hg_xmalloc(sizeof *x);
	const int at[7] = {6, 7, 8, 10, 11, 12, 13};
	for (size_t i = 0; i < p->n && i < 1048574; i++) {
		lxw_row_t row = (lxw_row_t)(i + 2);
		people_fill(res, &p->rows[i], x);
		for (int k = 0; k < HG_PEOPLE_NCOLS - 1; k++)
			if (k < 6 || k == 9 || k == 14 || k == 15)
				worksheet_write_string(ws, row, (lxw_col_t)k, x->text[k], NULL);
		for (int k = 0; k < 7; k++)
			if (isfinite(x->v[k]))
				worksheet_write_number(ws, row, (lxw_col_t)at[k], x->v[k], NULL);
	}
	free(x);
}

int hg_export_xlsx(const hg_results *r, const hg_pub_rows *p, const char *tmpdir, hg_buf *out,
                   hg_err *err)
{
	char rule[420];
	hg_sdc_describe(r->sdc_k, 1, rule, sizeof rule - 1); /* room for the full stop */
	rule[0] = (char)toupper((unsigned char)rule[0]);
	memcpy(rule + strlen(rule), ".", 2);
	const char *const about[] = {
	    "The sheet 'indicators' holds the rows shown in the dashboard's table for the "
	    "indicator and period chosen.",
	    rule,
	    "Suppressed: the value is withheld to protect privacy. Not applicable: nobody is in "
	    "the denominator (e.g. an age group the indicator does not cover).",
	    "Deprivation: quintile 1 and decile 1 are the most deprived neighbourhoods (English "
	    "Indices of Deprivation).",
	    NULL};
	char tok[33], path[HG_PATH_MAX];
	hg_random_hex(tok, 16);
	snprintf(path, sizeof path, "%s/.export-%s.xlsx", tmpdir, tok);
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return hg_err_set(err, HG_EIO, "cannot create a workbook");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "indicators");
	xlsx_rows(wb, ws, r, p);
	hg_data_status_xlsx(wb, ws, &r->status, about);
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		unlink(path);
		return hg_err_set(err, HG_EIO, "writing a workbook: %s", lxw_strerror(e));
	}
	size_t n;
	char *data = hg_read_file(path, &n, err);
	unlink(path);
	if (!data)
		return -1;
	hg_buf_put(out, data, n);
	free(data);
	return 0;
}
