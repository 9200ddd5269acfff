/*
 * output.c: writes a run's results: indicators.csv (the fixed column set),
 * indicators.json (jansson), indicators.xlsx and metadata.json (provenance:
 * store manifest hash, pack hash, version, disclosure rule, run time, and
 * data_status: SYNTHETIC DATA or OFFICIAL-SENSITIVE with the area's name).
 * The workbook (engine/workbook.h) is the analyst's: typed sheets for the
 * indicators, then the caller's (the analysis's inequalities and
 * monitoring), then notes: the marking, provenance and hashes, the
 * disclosure rule in words and each indicator's definition; the marking is
 * in every sheet's page header. Every file is written to a temporary name,
 * given mode 0640 and renamed into place. Suppressed and missing values are
 * empty (CSV, XLSX) or null (JSON).
 */
#include "engine/engine.h"
#include "engine/residents.h"

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
#include "engine/workbook.h"

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

/* indicators.xlsx's indicators sheet: the columns of indicators.csv (hg_result_cols),
 * typed: kinds and widths in that order. */
static const struct {
	int kind;
	double width;
} ind_cols[HG_RESULT_NCOLS] = {
    {HG_XK_TEXT, 14},  {HG_XK_TEXT, 40},  {HG_XK_DATE, 11},  {HG_XK_DATE, 11},
    {HG_XK_TEXT, 18},  {HG_XK_TEXT, 24},  {HG_XK_COUNT, 12}, {HG_XK_COUNT, 12},
    {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10},
    {HG_XK_VALUE, 10}, {HG_XK_TEXT, 24},  {HG_XK_BOOL, 11},  {HG_XK_TEXT, 40}};

static void ind_row(const hg_xlsx *x, lxw_worksheet *ws, size_t r, const hg_indicator *ind,
                    const hg_pub_row *p)
{
	hg_xlsx_text(ws, r, 0, p->indicator_id);
	hg_xlsx_text(ws, r, 1, p->indicator_name);
	hg_xlsx_date(x, ws, r, 2, ind->periods[p->period].start);
	hg_xlsx_date(x, ws, r, 3, ind->periods[p->period].end);
	hg_xlsx_text(ws, r, 4, p->breakdown);
	hg_xlsx_text(ws, r, 5, p->category);
	double v[7];
	hg_pub_row_nums(p, v);
	int vk = ind->type == HG_IND_COUNT ? HG_XK_COUNT : HG_XK_VALUE;
	for (int k = 0; k < 7; k++)
		hg_xlsx_num(x, ws, r, 6 + k, k < 2 ? HG_XK_COUNT : vk, v[k]);
	hg_xlsx_text(ws, r, 13, p->value_type);
	hg_xlsx_bool(x, ws, r, 14, p->suppressed);
	hg_xlsx_text(ws, r, 15, p->note);
}

static lxw_worksheet *ind_sheet(hg_xlsx *x, const hg_program *pr, const hg_restable *t, hg_err *err)
{
	hg_xcol cols[HG_RESULT_NCOLS];
	for (int k = 0; k < HG_RESULT_NCOLS; k++)
		cols[k] = (hg_xcol){hg_result_cols[k], ind_cols[k].kind, ind_cols[k].width};
	lxw_worksheet *ws = hg_xlsx_sheet(x, "indicators", cols, HG_RESULT_NCOLS, 2, t->n, err);
	if (!ws)
		return NULL;
	hg_pub_row *rows = pub_rows_of(pr, t);
	for (size_t i = 0; i < t->n; i++)
		ind_row(x, ws, i + 1, pr->inds[t->rows[i].ind].ind, &rows[i]);
	free(rows);
	hg_xlsx_filter(ws, HG_RESULT_NCOLS, t->n);
	return ws;
}

/* One "item | value" line of the notes sheet; returns the next row. */
static lxw_row_t note(lxw_worksheet *ws, lxw_row_t r, const char *item, const char *value,
                      lxw_format *bold)
{
	worksheet_write_string(ws, r, 0, item, bold);
	if (value && *value)
		worksheet_write_string(ws, r, 1, value, NULL);
	return r + 1;
}

/* The notes sheet's provenance: status, source, disclosure rule, hashes, software. */
static lxw_row_t notes_provenance(const hg_xlsx *x, lxw_worksheet *ws, lxw_row_t r,
                                  const hg_restable *t, const hg_run_meta *m, const char *run_at)
{
	char line[300], sdc[400], src[HG_PATH_MAX + 96];
	lxw_format *b = x->head;
	if (m->status) {
		hg_data_status_line(m->status, line, sizeof line);
		r = note(ws, r, "status", line, b);
		r = note(ws, r, "IMD", m->status->imd, b);
	}
	hg_sdc_describe(t->sdc_k, 1, sdc, sizeof sdc);
	snprintf(line, sizeof line, "%s: %s; suppressed values are empty cells (suppressed TRUE)",
	         m->sdc_rule ? m->sdc_rule : "", sdc);
	r = note(ws, r, "disclosure control", line, b);
	snprintf(src, sizeof src, "the store %s, snapshot %s", m->store_dir ? m->store_dir : "",
	         m->snapshot ? m->snapshot : "");
	r = note(ws, r, "source", src, b);
	r = note(ws, r, "store manifest hash (BLAKE2b-256)", m->manifest_hash, b);
	r = note(ws, r, "pack", m->pack_path, b);
	r = note(ws, r, "pack hash (BLAKE2b-256)", m->pack_hash, b);
	if (m->objectives_path) {
		r = note(ws, r, "objectives", m->objectives_path, b);
		r = note(ws, r, "objectives hash (BLAKE2b-256)", m->objectives_hash, b);
	}
	snprintf(line, sizeof line, "healthgap %s", m->version ? m->version : "");
	r = note(ws, r, "software", line, b);
	return note(ws, r, "run at (UTC)", run_at, b);
}

/* "2023-04-01 to 2024-03-31 (4 periods)" and "All, imd_quintile, ethnicity". */
static void ind_scope(const hg_indicator *ind, char *per, size_t pn, char *bds, size_t bn)
{
	char s[11], e[11];
	hg_date_format(ind->periods[0].start, s);
	hg_date_format(ind->periods[ind->nperiods - 1].end, e);
	snprintf(per, pn, "%s to %s (%d period%s)", s, e, ind->nperiods,
	         ind->nperiods == 1 ? "" : "s");
	size_t o = 0;
	bds[0] = 0;
	for (int b = 0; b < ind->nbds && o + 1 < bn; b++)
		o += (size_t)snprintf(bds + o, bn - o, "%s%s", b ? ", " : "", ind->bds[b].name);
}

/* The notes sheet's definitions: one row per indicator. */
static void notes_definitions(const hg_xlsx *x, lxw_worksheet *ws, lxw_row_t r,
                              const hg_program *pr)
{
	static const char *const head[] = {"indicator_id", "indicator_name", "value_type",
	                                   "periods",      "breakdowns",     "source",
	                                   "note"};
	worksheet_write_string(ws, r++, 0, "definitions (docs/language.md)", x->head);
	for (int c = 0; c < 7; c++)
		worksheet_write_string(ws, r, (lxw_col_t)c, head[c], x->head);
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		char vt[64], per[80], bds[1024];
		hg_value_type(ind, vt, sizeof vt);
		ind_scope(ind, per, sizeof per, bds, sizeof bds);
		const char *f[7] = {ind->id, ind->name, vt, per, bds, ind->source, ind->note};
		r++;
		for (int c = 0; c < 7; c++)
			hg_xlsx_text(ws, r, c, f[c]);
	}
}

/* The notes sheet: the marking, what the sheets are, provenance, definitions. */
static void notes_sheet(hg_xlsx *x, lxw_worksheet *data, const hg_program *pr, const hg_restable *t,
                        const hg_run_meta *m, const char *run_at)
{
	static const char *const about[] = {
	    "indicators: the published rows of a healthgap run (the columns of indicators.csv); "
	    "inequalities: SII/RII, gaps and people needed to close them (inequalities.csv); "
	    "monitoring: SPC of each value, SII and gap (monitoring.csv). docs/language.md, "
	    "Outputs, describes every column.",
	    NULL};
	hg_data_status none = {0};
	lxw_worksheet *ws =
	    hg_data_status_xlsx_named(x->wb, data, m->status ? m->status : &none, "notes", about);
	worksheet_set_column(ws, 0, 0, 34, NULL);
	worksheet_set_column(ws, 1, 1, 60, NULL);
	worksheet_set_column(ws, 2, 6, 24, NULL);
	lxw_row_t r = notes_provenance(x, ws, 4, t, m, run_at);
	notes_definitions(x, ws, r + 1, pr);
}

static int write_xlsx(const hg_program *pr, const hg_restable *t, const hg_run_meta *m,
                      const char *run_at, const char *path, hg_err *err)
{
	char tmp[HG_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
	hg_xlsx x;
	if (hg_xlsx_open(&x, tmp, m->status, err))
		return HG_EIO;
	lxw_worksheet *data = ind_sheet(&x, pr, t, err);
	int rc = data ? 0 : HG_EINPUT;
	if (rc == 0 && m->xlsx_sheets)
		rc = m->xlsx_sheets(&x, m->xlsx_ctx, err);
	if (rc == 0)
		notes_sheet(&x, data, pr, t, m, run_at);
	hg_err cerr = {0};
	int crc = hg_xlsx_close(&x, tmp, &cerr);
	if (rc == 0 && crc != 0) {
		rc = crc;
		if (err)
			*err = cerr;
	}
	if (rc == 0 && rename(tmp, path) != 0)
		rc = hg_err_set(err, HG_EIO, "renaming %s into place", path);
	if (rc)
		unlink(tmp);
	return rc;
}

/* {code: {"name", "pcn"}} of every practice in the store: organisation codes and names from
 * the reference lookup (no person data), "" where the lookup had none. */
static json_t *practices_json(const hg_store *s)
{
	json_t *o = json_object();
	for (uint32_t i = 0; i < s->practices.n; i++) {
		json_t *p = json_object();
		json_object_set_new(
		    p, "name",
		    json_string(i < s->practice_name.n ? hg_strtab_get(&s->practice_name, i) : ""));
		json_object_set_new(p, "pcn", json_string(hg_strtab_get(&s->practice_pcn, i)));
		json_object_set_new(o, hg_strtab_get(&s->practices, i), p);
	}
	return o;
}

static json_t *meta_json(const hg_program *pr, const hg_restable *t, const hg_run_meta *m,
                         const char *run_at)
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
	const hg_residents *res = pr->residents;
	if (res) { /* run --population: the residents' denominators (residents.h) */
		json_t *po = json_object();
		json_object_set_new(po, "file", json_string(res->path));
		json_object_set_new(po, "hash_blake2b256", json_string(res->hash));
		json_object_set_new(po, "area_lsoas", json_integer((json_int_t)res->area_lsoas));
		json_object_set_new(po, "store_lsoas_not_in_file",
		                    json_integer((json_int_t)res->missing_lsoas));
		json_object_set_new(po, "residents", json_integer((json_int_t)res->total));
		json_object_set_new(o, "population", po);
	}
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
	if (m->ranks > 1) /* an MPI run (dist.h): threads per rank */
		json_object_set_new(o, "mpi_ranks", json_integer(m->ranks));
	if (m->shards) /* a sharded store: store_snapshot and its hash are the source's */
		json_object_set_new(o, "store_shards", json_integer(m->shards));
	json_object_set_new(o, "run_at", json_string(run_at));
	json_object_set_new(o, "indicators", json_integer(pr->ninds));
	json_object_set_new(o, "rows", json_integer((json_int_t)t->n));
	if (m->store)
		json_object_set_new(o, "practices", practices_json(m->store));
	/* the indicators that are worklists' aggregates (people on a list, not population
	 * segments: the board report's segments page leaves them out) */
	json_t *wl = json_array();
	for (int w = 0; w < pr->nwls; w++)
		json_array_append_new(wl, json_string(pr->wls[w].wl->id));
	json_object_set_new(o, "worklists", wl);
	return o;
}

/* The outputs, in two independent jobs: the workbook, and everything else. */
typedef struct hg_outjob {
	const hg_program *pr;
	const hg_restable *t;
	const hg_run_meta *meta;
	int formats;
	const char *dir;
	char run_at[32]; /* UTC, ISO 8601: metadata.json and the workbook's notes */
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
			o->rc[1] = write_xlsx(o->pr, o->t, o->meta, o->run_at, path, &o->err[1]);
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
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(o.run_at, sizeof o.run_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
	json_t *m = meta_json(pr, t, meta, o.run_at);
	snprintf(path, sizeof path, "%s/metadata.json", dir);
	int rc = write_json_atomic(path, m, err);
	json_decref(m);
	return rc;
}
