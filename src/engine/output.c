/*
 * output.c: writes a run's results: indicators.csv (the fixed column set),
 * indicators.json (jansson), indicators.xlsx (libxlsxwriter) and
 * metadata.json (provenance: store manifest hash, pack hash, version,
 * disclosure rule, run time, and data_status: SYNTHETIC DATA or
 * OFFICIAL-SENSITIVE with the area's name, which the workbook also carries in
 * its page header and an "about" sheet). Every file is written to a temporary name and
 * renamed into place. Suppressed and missing values are empty (CSV, XLSX) or
 * null (JSON).
 */
#include "engine/engine.h"

#include "core/csv.h"
#include "core/fs.h"
#include "core/str.h"
#include "core/thread.h"

#include "core/json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "engine/pubrow.h"

/* The published rows of a table (pubrow.h), in its order. */
static hg_pub_row *pub_rows_of(const hg_program *pr, const hg_restable *t)
{
	hg_pub_row *rows = hg_xcalloc(t->n + 1, sizeof *rows);
	for (size_t i = 0; i < t->n; i++)
		hg_pub_row_make(pr->inds[t->rows[i].ind].ind, &t->rows[i], &rows[i]);
	return rows;
}

void hg_restable_csv(const hg_program *pr, const hg_restable *t, void *vb)
{
	hg_pub_row *rows = pub_rows_of(pr, t);
	hg_pub_rows_csv(rows, t->n, NULL, NULL, vb);
	free(rows);
}

static json_t *restable_json(const hg_program *pr, const hg_restable *t)
{
	json_t *arr = json_array();
	hg_pub_row *rows = pub_rows_of(pr, t);
	for (size_t i = 0; i < t->n; i++)
		json_array_append_new(arr, hg_pub_row_json(&rows[i]));
	free(rows);
	return arr;
}

static int write_json_atomic(const char *path, json_t *j, hg_err *err)
{
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	if (!s)
		return hg_err_set(err, HG_ENOMEM, "cannot serialise %s", path);
	int rc = hg_write_file_atomic(path, s, strlen(s), err);
	free(s);
	return rc;
}

/* The about sheet of indicators.xlsx: its marking, then what the file is. */
static void xlsx_about(lxw_workbook *wb, lxw_worksheet *ws, const hg_run_meta *m)
{
	static const char *const lines[] = {
	    "indicators: the published rows of a healthgap run, with the columns of "
	    "indicators.csv (docs/language.md, Outputs).",
	    "Counts are disclosure-controlled as metadata.json says; suppressed values are empty.",
	    NULL};
	if (m && m->status)
		hg_data_status_xlsx(wb, ws, m->status, lines);
}

static int write_xlsx(const hg_program *pr, const hg_restable *t, const hg_run_meta *m,
                      const char *path, hg_err *err)
{
	char tmp[HG_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
	lxw_workbook *wb = workbook_new(tmp);
	if (!wb)
		return hg_err_set(err, HG_EIO, "cannot create %s", tmp);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "indicators");
	for (int k = 0; k < HG_RESULT_NCOLS; k++)
		worksheet_write_string(ws, 0, (lxw_col_t)k, hg_result_cols[k], NULL);
	hg_pub_row *rows = pub_rows_of(pr, t);
	hg_pub_text *x = hg_xmalloc(sizeof *x);
	for (size_t i = 0; i < t->n && i < 1048575; i++) {
		const hg_pub_row *r = &rows[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		hg_pub_row_text(r, x);
		for (int k = 0; k < 6; k++)
			worksheet_write_string(ws, row, (lxw_col_t)k, x->f[k], NULL);
		const double nums[7] = {r->num,  r->den,   r->value, r->lo95,
		                        r->hi95, r->lo998, r->hi998};
		for (int k = 0; k < 7; k++)
			if (isfinite(nums[k]))
				worksheet_write_number(ws, row, (lxw_col_t)(6 + k), nums[k], NULL);
		worksheet_write_string(ws, row, 13, x->f[13], NULL);
		worksheet_write_boolean(ws, row, 14, r->suppressed, NULL);
		if (r->note)
			worksheet_write_string(ws, row, 15, r->note, NULL);
	}
	free(x);
	free(rows);
	xlsx_about(wb, ws, m);
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		unlink(tmp);
		return hg_err_set(err, HG_EIO, "writing %s: %s", path, lxw_strerror(e));
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return hg_err_set(err, HG_EIO, "renaming %s into place", path);
	}
	return 0;
}

static json_t *meta_json(const hg_program *pr, const hg_restable *t, const hg_run_meta *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "software", json_string("healthgap"));
	json_object_set_new(o, "version", json_string(m->version ? m->version : ""));
	json_object_set_new(o, "pack", json_string(m->pack_path ? m->pack_path : ""));
	json_object_set_new(o, "pack_hash_blake2b256",
	                    json_string(m->pack_hash ? m->pack_hash : ""));
	json_object_set_new(o, "store", json_string(m->store_dir ? m->store_dir : ""));
	json_object_set_new(o, "store_snapshot", json_string(m->snapshot ? m->snapshot : ""));
	json_object_set_new(o, "store_manifest_hash_blake2b256",
	                    json_string(m->manifest_hash ? m->manifest_hash : ""));
	json_t *sdc = json_object();
	json_object_set_new(sdc, "rule", json_string(m->sdc_rule));
	if (t->sdc_k > 0) {
		char d[400];
		hg_sdc_describe(t->sdc_k, 1, d, sizeof d);
		json_object_set_new(sdc, "description", json_string(d));
	} else {
		json_object_set_new(sdc, "description",
		                    json_string("NONE: no disclosure control was applied; for "
		                                "internal analysis only, not for release"));
	}
	json_object_set_new(o, "disclosure_control", sdc);
	if (m->status)
		json_object_set_new(o, "data_status", hg_data_status_json(m->status));
	json_object_set_new(o, "run_seconds", json_real(m->seconds));
	json_object_set_new(o, "threads", json_integer(m->threads));
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(o, "run_at", json_string(when));
	json_object_set_new(o, "indicators", json_integer(pr->ninds));
	json_object_set_new(o, "rows", json_integer((json_int_t)t->n));
	return o;
}

/* The outputs, in two independent jobs: the workbook, and everything else. */
typedef struct hg_outjob {
	const hg_program *pr;
	const hg_restable *t;
	const hg_run_meta *meta;
	int formats;
	const char *dir;
	int rc[2];
	hg_err err[2];
} hg_outjob;

static int write_text_outputs(hg_outjob *o, hg_err *err)
{
	char path[HG_PATH_MAX];
	int rc = 0;
	if (o->formats & HG_OUT_CSV) {
		hg_buf b = {0};
		hg_restable_csv(o->pr, o->t, &b);
		snprintf(path, sizeof path, "%s/indicators.csv", o->dir);
		rc = hg_write_file_atomic(path, b.p ? b.p : "", b.n, err);
		hg_buf_free(&b);
	}
	if (rc == 0 && (o->formats & HG_OUT_JSON)) {
		json_t *j = restable_json(o->pr, o->t);
		snprintf(path, sizeof path, "%s/indicators.json", o->dir);
		rc = write_json_atomic(path, j, err);
		json_decref(j);
	}
	return rc;
}

static void outjob_run(void *ctx, size_t begin, size_t end, int tid)
{
	hg_outjob *o = ctx;
	for (size_t k = begin; k < end; k++) {
		if (k == 0) {
			o->rc[0] = write_text_outputs(o, &o->err[0]);
		} else if (o->formats & HG_OUT_XLSX) {
			char path[HG_PATH_MAX];
			snprintf(path, sizeof path, "%s/indicators.xlsx", o->dir);
			o->rc[1] = write_xlsx(o->pr, o->t, o->meta, path, &o->err[1]);
		}
	}
	(void)tid;
}

int hg_write_outputs(const hg_program *pr, const hg_restable *t, const hg_run_meta *meta,
                     int formats, const char *dir, hg_err *err)
{
	if (hg_mkdir_p(dir, err) != 0)
		return HG_EIO;
	hg_outjob o = {.pr = pr, .t = t, .meta = meta, .formats = formats, .dir = dir};
	/* the workbook takes as long as the rest: write it alongside (one thread with --threads 1)
	 */
	hg_parallel_for(meta && meta->threads == 1 ? 1 : 2, 2, outjob_run, &o);
	for (int k = 0; k < 2; k++)
		if (o.rc[k]) {
			if (err)
				*err = o.err[k];
			return o.rc[k];
		}
	char path[HG_PATH_MAX];
	json_t *m = meta_json(pr, t, meta);
	snprintf(path, sizeof path, "%s/metadata.json", dir);
	int rc = write_json_atomic(path, m, err);
	json_decref(m);
	return rc;
}
