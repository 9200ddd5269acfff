/*
 * export.c: JSON, CSV and XLSX forms of published rows.
 */
#include "server/export.h"

#include "core/csv.h"
#include "engine/rescols.h"
#include "core/fs.h"
#include "server/session.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define hg_result_cols hg_result_cols

static void hg_row_nums(const hg_pub_row *r, double v[7])
{
	const double x[7] = {r->num, r->den, r->value, r->lo95, r->hi95, r->lo998, r->hi998};
	for (int k = 0; k < 7; k++)
		v[k] = r->suppressed ? NAN : x[k];
}

json_t *hg_export_json(const hg_pub_rows *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const hg_pub_row *r = &p->rows[i];
		double v[7];
		hg_row_nums(r, v);
		json_t *o = json_object();
		const char *s[6] = {r->indicator_id, r->indicator_name, r->period_start,
		                    r->period_end,   r->breakdown,      r->category};
		for (int k = 0; k < 6; k++)
			json_object_set_new(o, hg_result_cols[k], json_string(s[k]));
		for (int k = 0; k < 7; k++)
			json_object_set_new(o, hg_result_cols[6 + k],
			                    isnan(v[k]) || isinf(v[k]) ? json_null()
			                                               : json_real(v[k]));
		json_object_set_new(o, hg_result_cols[13], json_string(r->value_type));
		json_object_set_new(o, hg_result_cols[14], json_boolean(r->suppressed));
		json_object_set_new(o, hg_result_cols[15],
		                    r->note ? json_string(r->note) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

void hg_export_csv(const hg_pub_rows *p, hg_buf *out)
{
	hg_csv_put_row(out, hg_result_cols, HG_RESULT_NCOLS);
	char nums[7][48];
	for (size_t i = 0; i < p->n; i++) {
		const hg_pub_row *r = &p->rows[i];
		double v[7];
		hg_row_nums(r, v);
		for (int k = 0; k < 7; k++)
			hg_result_num(v[k], nums[k], sizeof nums[k]);
		const char *f[HG_RESULT_NCOLS] = {r->indicator_id,
		                                  r->indicator_name,
		                                  r->period_start,
		                                  r->period_end,
		                                  r->breakdown,
		                                  r->category,
		                                  nums[0],
		                                  nums[1],
		                                  nums[2],
		                                  nums[3],
		                                  nums[4],
		                                  nums[5],
		                                  nums[6],
		                                  r->value_type,
		                                  r->suppressed ? "true" : "false",
		                                  r->note ? r->note : ""};
		hg_csv_put_row(out, f, HG_RESULT_NCOLS);
	}
}

static void hg_xlsx_rows(lxw_worksheet *ws, const hg_pub_rows *p)
{
	for (int k = 0; k < HG_RESULT_NCOLS; k++)
		worksheet_write_string(ws, 0, (lxw_col_t)k, hg_result_cols[k], NULL);
	for (size_t i = 0; i < p->n && i < 1048575; i++) {
		const hg_pub_row *r = &p->rows[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		const char *s[6] = {r->indicator_id, r->indicator_name, r->period_start,
		                    r->period_end,   r->breakdown,      r->category};
		for (int k = 0; k < 6; k++)
			worksheet_write_string(ws, row, (lxw_col_t)k, s[k], NULL);
		double v[7];
		hg_row_nums(r, v);
		for (int k = 0; k < 7; k++)
			if (!isnan(v[k]) && !isinf(v[k]))
				worksheet_write_number(ws, row, (lxw_col_t)(6 + k), v[k], NULL);
		worksheet_write_string(ws, row, 13, r->value_type, NULL);
		worksheet_write_boolean(ws, row, 14, r->suppressed, NULL);
		if (r->note)
			worksheet_write_string(ws, row, 15, r->note, NULL);
	}
}

int hg_export_xlsx(const hg_pub_rows *p, const char *tmpdir, hg_buf *out, hg_err *err)
{
	char tok[33], path[1200];
	hg_random_hex(tok, 16);
	snprintf(path, sizeof path, "%s/.export-%s.xlsx", tmpdir, tok);
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return hg_err_set(err, HG_EIO, "cannot create a workbook");
	hg_xlsx_rows(workbook_add_worksheet(wb, "indicators"), p);
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
