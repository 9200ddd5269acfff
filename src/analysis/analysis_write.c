/*
 * analysis_write.c: writes the analysis of a run (analysis.h):
 *   inequalities.csv   one row per measure (columns below);
 *   inequalities.json  {"objectives", "measures": [rows], "funnels": [charts]};
 *   monitoring.csv     one row per series point with limits, rules, icons and
 *                      spc_status (too_few_events: no SPC from small counts);
 *   monitoring.json    {"series": [{..., "points": [...]}]};
 * and the inequalities and monitoring sheets of indicators.xlsx (the CSV's
 * columns, typed: engine/workbook.h), which output.c calls through
 * hg_analysis_xlsx. Files are written atomically. Missing values are empty
 * (CSV, XLSX) or null (JSON).
 */
#include "analysis/analysis_int.h"

#include "core/csv.h"
#include "core/fs.h"

#include "core/json.h"
#include "engine/pubrow.h"
#include "engine/workbook.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ineq_cols[] = {"indicator_id",
                                        "indicator_name",
                                        "period_start",
                                        "period_end",
                                        "breakdown",
                                        "measure",
                                        "category",
                                        "reference",
                                        "value",
                                        "lower_ci95",
                                        "upper_ci95",
                                        "lower_ci99_8",
                                        "upper_ci99_8",
                                        "comparison",
                                        "polarity",
                                        "value_type",
                                        "pct_ethnicity_not_stated",
                                        "pct_imd_unknown",
                                        "note"};
#define HG_INEQ_NCOLS 19

static const char *const mon_cols[] = {"indicator_id",
                                       "indicator_name",
                                       "series",
                                       "breakdown",
                                       "period_start",
                                       "period_end",
                                       "value",
                                       "mean",
                                       "lower_process_limit",
                                       "upper_process_limit",
                                       "lower_near_limit",
                                       "upper_near_limit",
                                       "special_cause",
                                       "point_type",
                                       "special_cause_flag",
                                       "short_group_warning",
                                       "improvement_direction",
                                       "target",
                                       "variation_icon",
                                       "assurance_icon",
                                       "spc_status",
                                       "pct_ethnicity_not_stated",
                                       "pct_imd_unknown",
                                       "note"};
#define HG_MON_NCOLS 24

static const char *direction_name(int d)
{
	return d > 0 ? "increase" : d < 0 ? "decrease" : "neutral";
}

typedef struct hg_text {
	char f[25][220];
	const char *p[25];
} hg_text;

/* The SPC status of a monitored series (the same on each of its rows). */
static const char *hg_spc_status(const hg_mon_row *r)
{
	return r->too_few ? "too_few_events" : "ok";
}

static void period_text(const hg_indicator *ind, int j, char *s, char *e)
{
	hg_date_format(ind->periods[j].start, s);
	hg_date_format(ind->periods[j].end, e);
}

static void ineq_text(const hg_indicator *ind, const hg_ineq_row *r, int pol, hg_text *x)
{
	snprintf(x->f[0], sizeof x->f[0], "%s", ind->id);
	snprintf(x->f[1], sizeof x->f[1], "%s", ind->name);
	period_text(ind, r->period, x->f[2], x->f[3]);
	snprintf(x->f[4], sizeof x->f[4], "%s", r->breakdown);
	snprintf(x->f[5], sizeof x->f[5], "%s", r->measure);
	snprintf(x->f[6], sizeof x->f[6], "%s", r->category);
	snprintf(x->f[7], sizeof x->f[7], "%s", r->reference);
	const double v[5] = {r->value, r->lo95, r->hi95, r->lo998, r->hi998};
	for (int k = 0; k < 5; k++)
		hg_result_num(v[k], x->f[8 + k], sizeof x->f[8 + k]);
	snprintf(x->f[13], sizeof x->f[13], "%s", r->comparison);
	snprintf(x->f[14], sizeof x->f[14], "%s", hg_polarity_name(pol));
	hg_value_type(ind, x->f[15], sizeof x->f[15]);
	hg_result_num(r->pct_eth_not_stated, x->f[16], sizeof x->f[16]);
	hg_result_num(r->pct_imd_unknown, x->f[17], sizeof x->f[17]);
	snprintf(x->f[18], sizeof x->f[18], "%s", r->note);
	for (int k = 0; k < HG_INEQ_NCOLS; k++)
		x->p[k] = x->f[k];
}

static void mon_text(const hg_indicator *ind, const hg_mon_row *r, hg_text *x)
{
	snprintf(x->f[0], sizeof x->f[0], "%s", ind->id);
	snprintf(x->f[1], sizeof x->f[1], "%s", ind->name);
	snprintf(x->f[2], sizeof x->f[2], "%s", r->series);
	snprintf(x->f[3], sizeof x->f[3], "%s", r->breakdown);
	period_text(ind, r->period, x->f[4], x->f[5]);
	const double v[6] = {r->value, r->mean, r->lpl, r->upl, r->nlpl, r->nupl};
	for (int k = 0; k < 6; k++)
		hg_result_num(v[k], x->f[6 + k], sizeof x->f[6 + k]);
	int charted = isfinite(r->value) && isfinite(r->mean);
	snprintf(x->f[12], sizeof x->f[12], "%s", charted ? hg_spc_cause_name(r->cause) : "");
	snprintf(x->f[13], sizeof x->f[13], "%s",
	         charted ? hg_spc_point_type_name(r->point_type) : "");
	snprintf(x->f[14], sizeof x->f[14], "%s", charted ? (r->special ? "true" : "false") : "");
	snprintf(x->f[15], sizeof x->f[15], "%s", r->short_group ? "true" : "false");
	snprintf(x->f[16], sizeof x->f[16], "%s", direction_name(r->direction));
	hg_result_num(r->target, x->f[17], sizeof x->f[17]);
	const char *an = hg_spc_assurance_name(r->assurance);
	snprintf(x->f[18], sizeof x->f[18], "%s",
	         isfinite(r->mean) ? hg_spc_variation_name(r->variation) : "");
	snprintf(x->f[19], sizeof x->f[19], "%s", isfinite(r->mean) && an ? an : "");
	snprintf(x->f[20], sizeof x->f[20], "%s", hg_spc_status(r));
	hg_result_num(r->pct_eth_not_stated, x->f[21], sizeof x->f[21]);
	hg_result_num(r->pct_imd_unknown, x->f[22], sizeof x->f[22]);
	snprintf(x->f[23], sizeof x->f[23], "%s", r->note);
	for (int k = 0; k < HG_MON_NCOLS; k++)
		x->p[k] = x->f[k];
}

static int pol_of(const hg_analysis_opts *o, const hg_indicator *ind)
{
	return hg_objectives_polarity(o ? o->obj : NULL, ind->id);
}

static void ineq_csv_o(const hg_indicator *const *inds, const hg_analysis *a,
                       const hg_analysis_opts *o, hg_buf *b)
{
	hg_csv_put_row(b, ineq_cols, HG_INEQ_NCOLS);
	hg_text *x = hg_xmalloc(sizeof *x);
	for (size_t k = 0; k < a->nineq; k++) {
		const hg_indicator *ind = inds[a->ineq[k].ind];
		ineq_text(ind, &a->ineq[k], pol_of(o, ind), x);
		hg_csv_put_row(b, x->p, HG_INEQ_NCOLS);
	}
	free(x);
}

void hg_ineq_csv(const hg_indicator *const *inds, const hg_analysis *a, hg_buf *b)
{
	ineq_csv_o(inds, a, NULL, b);
}

void hg_mon_csv(const hg_indicator *const *inds, const hg_analysis *a, hg_buf *b)
{
	hg_csv_put_row(b, mon_cols, HG_MON_NCOLS);
	hg_text *x = hg_xmalloc(sizeof *x);
	for (size_t k = 0; k < a->nmon; k++) {
		mon_text(inds[a->mon[k].ind], &a->mon[k], x);
		hg_csv_put_row(b, x->p, HG_MON_NCOLS);
	}
	free(x);
}

/* ---- JSON ---- */

json_t *hg_ineq_row_json(const hg_indicator *ind, const hg_ineq_row *r, int polarity)
{
	hg_text *x = hg_xmalloc(sizeof *x);
	ineq_text(ind, r, polarity, x);
	json_t *j = json_object();
	for (int c = 0; c < 8; c++)
		json_object_set_new(j, ineq_cols[c], json_string(x->f[c]));
	const double v[5] = {r->value, r->lo95, r->hi95, r->lo998, r->hi998};
	for (int c = 0; c < 5; c++)
		json_object_set_new(j, ineq_cols[8 + c], hg_json_num(v[c]));
	for (int c = 13; c < 16; c++)
		json_object_set_new(j, ineq_cols[c], hg_json_str(x->f[c]));
	json_object_set_new(j, ineq_cols[16], hg_json_num(r->pct_eth_not_stated));
	json_object_set_new(j, ineq_cols[17], hg_json_num(r->pct_imd_unknown));
	json_object_set_new(j, ineq_cols[18], hg_json_str(r->note));
	free(x);
	return j;
}

static json_t *ineq_json_rows(const hg_indicator *const *inds, const hg_analysis *a,
                              const hg_analysis_opts *o)
{
	json_t *arr = json_array();
	for (size_t k = 0; k < a->nineq; k++) {
		const hg_indicator *ind = inds[a->ineq[k].ind];
		json_array_append_new(arr, hg_ineq_row_json(ind, &a->ineq[k], pol_of(o, ind)));
	}
	return arr;
}

json_t *hg_funnel_chart_json(const hg_indicator *ind, const hg_funnel_chart *f)
{
	json_t *j = json_object();
	char s[11], e[11];
	period_text(ind, f->period, s, e);
	json_object_set_new(j, "indicator_id", json_string(ind->id));
	json_object_set_new(j, "period_start", json_string(s));
	json_object_set_new(j, "period_end", json_string(e));
	json_object_set_new(
	    j, "statistic",
	    json_string(f->statistic == HG_FUNNEL_PROPORTION ? "proportion" : "rate"));
	json_object_set_new(j, "multiplier", json_real(f->multiplier));
	json_t *lim = json_array();
	for (int k = 0; k < HG_FUNNEL_POINTS; k++) {
		const hg_funnel_point *p = &f->limits[k];
		json_t *q = json_object();
		json_object_set_new(q, "x", hg_json_num(p->x));
		json_object_set_new(q, "lower_95", hg_json_num(p->lower_2s));
		json_object_set_new(q, "upper_95", hg_json_num(p->upper_2s));
		json_object_set_new(q, "lower_99_8", hg_json_num(p->lower_3s));
		json_object_set_new(q, "upper_99_8", hg_json_num(p->upper_3s));
		json_object_set_new(q, "baseline", hg_json_num(p->baseline));
		json_array_append_new(lim, q);
	}
	json_object_set_new(j, "limits", lim);
	json_t *dots = json_array();
	for (size_t k = 0; k < f->ndots; k++) {
		const hg_funnel_dot *d = &f->dots[k];
		json_t *q = json_object();
		json_object_set_new(q, "practice", json_string(d->practice));
		json_object_set_new(q, "numerator", hg_json_num(d->num));
		json_object_set_new(q, "denominator", hg_json_num(d->den));
		json_object_set_new(q, "value", hg_json_num(d->value));
		json_object_set_new(q, "significance", hg_json_str(hg_funnel_sig_name(d->sig)));
		json_array_append_new(dots, q);
	}
	json_object_set_new(j, "practices", dots);
	return j;
}

static json_t *ineq_json(const hg_indicator *const *inds, const hg_analysis *a,
                         const hg_analysis_opts *o)
{
	json_t *j = json_object();
	json_t *ob = json_object();
	const hg_objectives *obj = o ? o->obj : NULL;
	json_object_set_new(ob, "file", hg_json_str(obj ? obj->path : NULL));
	json_object_set_new(ob, "hash_blake2b256", hg_json_str(obj ? obj->hash : NULL));
	json_object_set_new(j, "objectives", ob);
	json_object_set_new(j, "measures", ineq_json_rows(inds, a, o));
	json_t *fs = json_array();
	for (size_t k = 0; k < a->nfunnels; k++)
		json_array_append_new(
		    fs, hg_funnel_chart_json(inds[a->funnels[k].ind], &a->funnels[k]));
	json_object_set_new(j, "funnels", fs);
	return j;
}

static json_t *mon_point_json(const hg_indicator *ind, const hg_mon_row *r, hg_text *x)
{
	mon_text(ind, r, x);
	json_t *q = json_object();
	json_object_set_new(q, "period_start", json_string(x->f[4]));
	json_object_set_new(q, "period_end", json_string(x->f[5]));
	const char *nm[6] = {"value", "mean", "lpl", "upl", "nlpl", "nupl"};
	const double v[6] = {r->value, r->mean, r->lpl, r->upl, r->nlpl, r->nupl};
	for (int c = 0; c < 6; c++)
		json_object_set_new(q, nm[c], hg_json_num(v[c]));
	json_object_set_new(q, "special_cause", hg_json_str(x->f[12]));
	json_object_set_new(q, "point_type", hg_json_str(x->f[13]));
	json_object_set_new(q, "few_events", json_boolean(r->few_events));
	json_object_set_new(q, "pct_ethnicity_not_stated", hg_json_num(r->pct_eth_not_stated));
	json_object_set_new(q, "pct_imd_unknown", hg_json_num(r->pct_imd_unknown));
	json_object_set_new(q, "note", hg_json_str(r->note));
	return q;
}

/* Rows [k, end) of one series. */
static json_t *mon_series_json_x(const hg_indicator *ind, const hg_mon_row *r, size_t n, int pol,
                                 hg_text *x)
{
	json_t *j = json_object();
	json_object_set_new(j, "indicator_id", json_string(ind->id));
	json_object_set_new(j, "indicator_name", json_string(ind->name));
	json_object_set_new(j, "series", json_string(r->series));
	json_object_set_new(j, "breakdown", json_string(r->breakdown));
	char vt[64];
	hg_value_type(ind, vt, sizeof vt);
	json_object_set_new(j, "value_type", json_string(vt));
	/* what the units depend on, so readers label them without parsing value_type */
	json_object_set_new(j, "measure", json_string(hg_ind_type_names[ind->type]));
	json_object_set_new(j, "per", json_real(ind->per));
	json_object_set_new(j, "population", json_string(hg_pop_kind_names[ind->pop]));
	json_object_set_new(j, "unit", json_string(hg_unit_kind_names[ind->unit]));
	json_object_set_new(j, "polarity", json_string(hg_polarity_name(pol)));
	json_object_set_new(j, "improvement_direction", json_string(direction_name(r->direction)));
	json_object_set_new(j, "target", hg_json_num(r->target));
	mon_text(ind, &r[n - 1], x);
	json_object_set_new(j, "variation_icon", hg_json_str(x->f[18]));
	json_object_set_new(j, "assurance_icon", hg_json_str(x->f[19]));
	json_object_set_new(j, "spc_status", json_string(hg_spc_status(r)));
	json_t *pts = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(pts, mon_point_json(ind, &r[k], x));
	json_object_set_new(j, "points", pts);
	return j;
}

json_t *hg_mon_series_json(const hg_indicator *ind, const hg_mon_row *rows, size_t n, int polarity)
{
	hg_text *x = hg_xmalloc(sizeof *x);
	json_t *j = mon_series_json_x(ind, rows, n, polarity, x);
	free(x);
	return j;
}

static json_t *mon_json(const hg_indicator *const *inds, const hg_analysis *a,
                        const hg_analysis_opts *o)
{
	json_t *arr = json_array();
	hg_text *x = hg_xmalloc(sizeof *x);
	for (size_t k = 0; k < a->nmon;) {
		size_t e = k + 1;
		while (e < a->nmon && a->mon[e].ind == a->mon[k].ind &&
		       !strcmp(a->mon[e].series, a->mon[k].series))
			e++;
		const hg_indicator *ind = inds[a->mon[k].ind];
		json_array_append_new(arr,
		                      mon_series_json_x(ind, &a->mon[k], e - k, pol_of(o, ind), x));
		k = e;
	}
	free(x);
	json_t *j = json_object();
	json_object_set_new(j, "series", arr);
	return j;
}

/* ---- the workbook's sheets (engine/workbook.h) ---- */

/* A sheet column's kind (enum hg_xkind) and width. */
typedef struct xspec {
	int kind;
	double width;
} xspec;

/* The inequalities sheet's columns, in ineq_cols order; the value and its limits (8-12)
 * take the measure's kind. */
static const xspec ineq_x[HG_INEQ_NCOLS] = {
    {HG_XK_TEXT, 14},  {HG_XK_TEXT, 40},  {HG_XK_DATE, 11},  {HG_XK_DATE, 11},  {HG_XK_TEXT, 18},
    {HG_XK_TEXT, 20},  {HG_XK_TEXT, 20},  {HG_XK_TEXT, 24},  {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10},
    {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10}, {HG_XK_TEXT, 26},  {HG_XK_TEXT, 12},
    {HG_XK_TEXT, 22},  {HG_XK_PCT, 12},   {HG_XK_PCT, 12},   {HG_XK_TEXT, 40}};

static const xspec mon_x[HG_MON_NCOLS] = {
    {HG_XK_TEXT, 14},  {HG_XK_TEXT, 40},  {HG_XK_TEXT, 12},  {HG_XK_TEXT, 18},  {HG_XK_DATE, 11},
    {HG_XK_DATE, 11},  {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10},
    {HG_XK_VALUE, 10}, {HG_XK_VALUE, 10}, {HG_XK_TEXT, 14},  {HG_XK_TEXT, 14},  {HG_XK_BOOL, 12},
    {HG_XK_BOOL, 12},  {HG_XK_TEXT, 12},  {HG_XK_VALUE, 10}, {HG_XK_TEXT, 22},  {HG_XK_TEXT, 22},
    {HG_XK_TEXT, 16},  {HG_XK_PCT, 12},   {HG_XK_PCT, 12},   {HG_XK_TEXT, 40}};

static lxw_worksheet *xsheet(hg_xlsx *x, const char *name, const char *const *names,
                             const xspec *sp, int ncols, size_t nrows, hg_err *err)
{
	hg_xcol cols[HG_MON_NCOLS];
	for (int k = 0; k < ncols; k++)
		cols[k] = (hg_xcol){names[k], sp[k].kind, sp[k].width};
	return hg_xlsx_sheet(x, name, cols, ncols, 2, nrows, err);
}

/* Row r of a sheet from its text fields (as the CSV has them), typed: kinds[k] < 0 takes
 * vkind (the row's value kind); the two date columns are the period's start and end. */
static void xrow(const hg_xlsx *x, lxw_worksheet *ws, size_t r, const hg_text *t, int ncols,
                 const int *kinds, hg_period period, int vkind)
{
	int dates = 0;
	for (int k = 0; k < ncols; k++) {
		int kind = kinds[k] < 0 ? vkind : kinds[k];
		const char *f = t->f[k];
		if (kind == HG_XK_TEXT)
			hg_xlsx_text(ws, r, k, f);
		else if (kind == HG_XK_DATE)
			hg_xlsx_date(x, ws, r, k, dates++ ? period.end : period.start);
		else if (kind == HG_XK_BOOL && f[0])
			hg_xlsx_bool(x, ws, r, k, !strcmp(f, "true"));
		else if (kind != HG_XK_BOOL && f[0])
			hg_xlsx_num(x, ws, r, k, kind, strtod(f, NULL));
	}
}

static int ineq_sheet(hg_xlsx *x, const hg_indicator *const *inds, const hg_analysis *a,
                      const hg_analysis_opts *o, hg_err *err)
{
	lxw_worksheet *ws =
	    xsheet(x, "inequalities", ineq_cols, ineq_x, HG_INEQ_NCOLS, a->nineq, err);
	if (!ws)
		return HG_EINPUT;
	int kinds[HG_INEQ_NCOLS];
	for (int k = 0; k < HG_INEQ_NCOLS; k++)
		kinds[k] = k >= 8 && k <= 12 ? -1 : ineq_x[k].kind;
	hg_text *t = hg_xmalloc(sizeof *t);
	for (size_t k = 0; k < a->nineq; k++) {
		const hg_ineq_row *r = &a->ineq[k];
		const hg_indicator *ind = inds[r->ind];
		ineq_text(ind, r, pol_of(o, ind), t);
		xrow(x, ws, k + 1, t, HG_INEQ_NCOLS, kinds, ind->periods[r->period],
		     hg_xlsx_measure_kind(r->measure));
	}
	free(t);
	hg_xlsx_filter(ws, HG_INEQ_NCOLS, a->nineq);
	return 0;
}

static int mon_sheet(hg_xlsx *x, const hg_indicator *const *inds, const hg_analysis *a, hg_err *err)
{
	lxw_worksheet *ws = xsheet(x, "monitoring", mon_cols, mon_x, HG_MON_NCOLS, a->nmon, err);
	if (!ws)
		return HG_EINPUT;
	int kinds[HG_MON_NCOLS];
	for (int k = 0; k < HG_MON_NCOLS; k++)
		kinds[k] = mon_x[k].kind == HG_XK_VALUE ? -1 : mon_x[k].kind;
	hg_text *t = hg_xmalloc(sizeof *t);
	for (size_t k = 0; k < a->nmon; k++) {
		const hg_mon_row *r = &a->mon[k];
		const hg_indicator *ind = inds[r->ind];
		mon_text(ind, r, t);
		int count = ind->type == HG_IND_COUNT && !strcmp(r->series, "value");
		xrow(x, ws, k + 1, t, HG_MON_NCOLS, kinds, ind->periods[r->period],
		     count ? HG_XK_COUNT : HG_XK_VALUE);
	}
	free(t);
	hg_xlsx_filter(ws, HG_MON_NCOLS, a->nmon);
	return 0;
}

int hg_analysis_xlsx(void *xlsx, const void *ctx, hg_err *err)
{
	const hg_analysis_xlsx_ctx *c = ctx;
	int rc = ineq_sheet(xlsx, c->inds, c->a, c->o, err);
	return rc ? rc : mon_sheet(xlsx, c->inds, c->a, err);
}

static int write_json(const char *dir, const char *name, json_t *j, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	json_decref(j);
	if (!s)
		return hg_err_set(err, HG_ENOMEM, "cannot serialise %s", path);
	int rc = hg_write_file_atomic(path, s, strlen(s), err);
	free(s);
	return rc;
}

static int write_buf(const char *dir, const char *name, hg_buf *b, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int rc = hg_write_file_atomic(path, b->p ? b->p : "", b->n, err);
	hg_buf_free(b);
	return rc;
}

int hg_analysis_write(const hg_indicator *const *inds, int ninds, const hg_analysis *a,
                      const hg_analysis_opts *o, int formats, const char *dir, hg_err *err)
{
	(void)ninds;
	if (hg_mkdir_p(dir, err) != 0)
		return HG_EIO;
	int rc = 0;
	if (formats & HG_AN_CSV) {
		hg_buf b = {0};
		ineq_csv_o(inds, a, o, &b);
		rc = write_buf(dir, "inequalities.csv", &b, err);
		hg_buf m = {0};
		hg_mon_csv(inds, a, &m);
		if (rc == 0)
			rc = write_buf(dir, "monitoring.csv", &m, err);
		else
			hg_buf_free(&m);
	}
	if (rc == 0 && (formats & HG_AN_JSON))
		rc = write_json(dir, "inequalities.json", ineq_json(inds, a, o), err);
	if (rc == 0 && (formats & HG_AN_JSON))
		rc = write_json(dir, "monitoring.json", mon_json(inds, a, o), err);
	return rc;
}
