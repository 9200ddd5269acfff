/*
 * board.c: renders the board report (board.h) from a results directory.
 * Monitoring icons are recomputed from the charted points with the given
 * objectives (hg_monitor_series), so the report's targets and polarity are
 * the objectives file's; a series the run marked too few events for SPC stays
 * without icons. Only published values are read, so the report inherits the
 * run's disclosure control; suppressed values show as "supp.". Words for
 * codes come from labels.h, gaps and the SII read as most minus least
 * deprived, and the run's status marking (SYNTHETIC DATA or
 * OFFICIAL-SENSITIVE, the area) heads and foots every printed page: the body
 * is one table whose thead and tfoot the browser repeats on each page.
 */
#include "report/board.h"

#include "core/fs.h"
#include "report/brief.h"
#include "report/chart_ineq.h"
#include "report/labels.h"
#include "report/svg.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rows of the groups table on an indicator's page (the rest are counted, so that each
 * indicator keeps to one printed page). */
enum { BD_GROUP_ROWS = 6 };

typedef struct hg_bd_data {
	json_t *meta, *rows, *ineq, *mon;
	const hg_objectives *obj;
	hg_data_status status;
} hg_bd_data;

/* ---- JSON helpers ---- */

static const char *js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static double json_num_at(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static int load_json(const char *dir, const char *name, json_t **out, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	json_error_t je;
	*out = json_load_file(path, 0, &je);
	if (!*out)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: %s (run `healthgap run` with json output first)", path,
		                  je.text);
	return 0;
}

/* The first measure row of an indicator and period end with this breakdown, measure and
 * category (NULL: any). */
static json_t *hg_measure(const hg_bd_data *d, const char *id, const char *end, const char *bd,
                          const char *measure, const char *cat)
{
	json_t *arr = json_object_get(d->ineq, "measures"), *r;
	size_t k;
	json_array_foreach(arr, k, r)
	{
		if (!strcmp(js(r, "indicator_id"), id) && !strcmp(js(r, "period_end"), end) &&
		    (!measure || !strcmp(js(r, "measure"), measure)) &&
		    (!bd || !strcmp(js(r, "breakdown"), bd)) &&
		    (!cat || !strcmp(js(r, "category"), cat)))
			return r;
	}
	return NULL;
}

static json_t *hg_series(const hg_bd_data *d, const char *id, const char *series)
{
	json_t *arr = json_object_get(d->mon, "series"), *s;
	size_t k;
	json_array_foreach(arr, k, s)
	{
		if (!strcmp(js(s, "indicator_id"), id) && !strcmp(js(s, "series"), series))
			return s;
	}
	return NULL;
}

/* ---- formatting ---- */

static void fmt(double v, char *buf, size_t n)
{
	if (!isfinite(v))
		snprintf(buf, n, "\xe2\x80\x93");
	else
		hg_fmt_value(v, buf, n);
}

/* People: whole numbers with thousands separators. */
static void fmt_people(double v, char *buf, size_t n)
{
	if (!isfinite(v))
		snprintf(buf, n, "\xe2\x80\x93");
	else
		hg_fmt_tick(round(v), 1, buf, n);
}

static void put_esc(hg_buf *b, const char *s)
{
	hg_xml_escape(b, s);
}

static void put_judge(hg_buf *b, json_t *r)
{
	const char *c = r ? js(r, "comparison") : "";
	if (!c[0])
		return;
	hg_buf_puts(b, " <span class=\"tag tag-");
	put_esc(b, c);
	hg_buf_puts(b, "\">");
	put_esc(b, hg_label_comparison(c));
	hg_buf_puts(b, "</span>");
}

/* A difference (most minus least deprived) in brief words, with its CI in words:
 * "8.9 points lower (95% CI 2.1 to 15.6 points lower)", or the measure's note. */
static void put_diff(hg_buf *b, const hg_indicator *ind, double v, double lo, double hi, json_t *r)
{
	char w[128], c[200];
	if (!isfinite(v)) {
		hg_buf_puts(b, "<span class=\"na\">n/a</span>");
		if (r && js(r, "note")[0]) {
			hg_buf_puts(b, "<br><span class=\"ci\">");
			put_esc(b, js(r, "note"));
			hg_buf_puts(b, "</span>");
		}
		return;
	}
	hg_label_diff(ind, v, 1, w, sizeof w);
	hg_label_diff_ci(ind, lo, hi, c, sizeof c);
	hg_buf_puts(b, "<b>");
	put_esc(b, w);
	hg_buf_puts(b, "</b>");
	if (c[0]) {
		hg_buf_puts(b, "<br><span class=\"ci\">");
		put_esc(b, c);
		hg_buf_puts(b, "</span>");
	}
}

/* ---- monitoring recomputed with the objectives ---- */

typedef struct hg_mon_view {
	hg_mon_row *rows;
	const char **labels;
	size_t n;
	int ok, too_few;
} hg_mon_view;

static int view_direction(const hg_bd_data *d, json_t *s, const char *id, int value)
{
	const char *dir = js(s, "improvement_direction");
	const hg_objective *ob = hg_objectives_find(d->obj, id);
	if (value && ob)
		return ob->polarity;
	return !strcmp(dir, "increase") ? 1 : !strcmp(dir, "decrease") ? -1 : 0;
}

static double view_target(const hg_bd_data *d, json_t *s, const char *id, int value,
                          const hg_mon_row *rows, size_t n)
{
	const hg_objective *ob = hg_objectives_find(d->obj, id);
	if (!d->obj)
		return json_num_at(s, "target");
	if (!ob)
		return NAN;
	if (value)
		return ob->target_value;
	for (size_t k = 0; k < n; k++)
		if (isfinite(rows[k].value))
			return rows[k].value * (1 - ob->gap_reduction);
	return NAN;
}

static void view_build(const hg_bd_data *d, json_t *s, const char *id, int value, hg_mon_view *v)
{
	memset(v, 0, sizeof *v);
	json_t *pts = json_object_get(s, "points"), *p;
	v->n = json_array_size(pts);
	if (!s || v->n == 0)
		return;
	v->rows = hg_xcalloc(v->n, sizeof *v->rows);
	v->labels = hg_xcalloc(v->n, sizeof *v->labels);
	size_t k;
	json_array_foreach(pts, k, p)
	{
		hg_mon_row *r = &v->rows[k];
		r->value = json_num_at(p, "value");
		r->mean = r->lpl = r->upl = r->nlpl = r->nupl = NAN;
		/* the run's judgement that this point rests on a small count (monitor.c) */
		r->few_events = json_is_true(json_object_get(p, "few_events"));
		v->labels[k] = js(p, "period_end");
	}
	int dir = view_direction(d, s, id, value);
	hg_monitor_series(v->rows, v->n, dir, view_target(d, s, id, value, v->rows, v->n));
	v->ok = isfinite(v->rows[v->n - 1].mean);
	v->too_few = v->rows[v->n - 1].too_few;
}

static void view_free(hg_mon_view *v)
{
	free(v->rows);
	free(v->labels);
}

/* ---- page parts ---- */

/* Screen: pages as cards. Print (A4): the executive summary is two pages (the cover, the
 * ranked messages and the table at a glance on the first), then one page per indicator (two
 * charts a row, group rows capped) and the methods; every .page starts a new sheet. */
static const char css[] =
    "*{box-sizing:border-box}body{margin:0;font-family:Arial,Helvetica,sans-serif;color:#212b32;"
    "background:#f0f4f5;line-height:1.45;font-size:15px}"
    ".page{background:#fff;max-width:1060px;margin:24px auto;padding:32px 40px;border-radius:4px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    ".cover{background:#005eb8;color:#fff;padding:14px 20px 12px;margin:0 0 14px}"
    ".cover h1{margin:0 0 4px;font-size:24px;line-height:1.2}.cover p{margin:1px 0;opacity:.95;"
    "font-size:13px}"
    ".product{font-weight:bold;letter-spacing:.04em;margin-bottom:6px;opacity:.9;font-size:12px}"
    "table.frame{width:100%;border-collapse:collapse;margin:0;font-size:inherit;"
    "table-layout:fixed}td.num .ci{white-space:normal}"
    "table.frame>thead>tr>td,table.frame>tfoot>tr>td,table.frame>tbody>tr>td{padding:0;"
    "border:0;min-width:0}"
    ".marking{font-size:12px;padding:5px 12px;text-align:center;letter-spacing:.02em}"
    ".marking b{letter-spacing:.06em;margin-right:6px}"
    ".marking-synthetic{background:#fff3a8;color:#212b32;border-bottom:1px solid #e8d44d}"
    ".marking-official{background:#212b32;color:#fff}"
    "h2{color:#003087;border-bottom:3px solid #005eb8;padding-bottom:4px;margin:0 0 8px}"
    "h3{color:#003087;margin:14px 0 6px;break-after:avoid}"
    "table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 10px}"
    "th{background:#e8edee;text-align:left;padding:4px 6px;border-bottom:2px solid #aeb7bd;"
    "vertical-align:bottom}"
    "td{padding:4px 6px;border-bottom:1px solid #d8dde0;vertical-align:middle}"
    "td.num{text-align:right;white-space:nowrap}.ci{color:#4c6272;font-size:12px}"
    "td.icons{white-space:nowrap}td.icons svg{vertical-align:middle}"
    "table.glance{table-layout:fixed}table.glance th:nth-child(1){width:39%}"
    "table.glance th:nth-child(2){width:8%}table.glance th:nth-child(3){width:21%}"
    "table.glance td:nth-child(3){white-space:nowrap}"
    "table.glance th:nth-child(n+4){width:8%}" /* the people columns: "(people)" fits */
    "table.glance a{color:#003087;text-decoration:none}"
    "table.glance .na{font-size:9px;white-space:nowrap}"
    ".na{color:#768692}.tiles{display:flex;gap:10px;flex-wrap:wrap;margin:8px 0 8px}"
    ".tile{flex:1 1 150px;border:1px solid #d8dde0;border-top:4px solid #005eb8;padding:6px 10px}"
    ".tile .k{font-size:11px;color:#4c6272;text-transform:uppercase;letter-spacing:.03em}"
    ".tile .v{font-size:19px;font-weight:bold;margin-top:2px;line-height:1.2}"
    ".tile .s{font-size:11px;color:#4c6272}"
    "ol.hg-brief{margin:6px 0 10px;padding-left:22px}ol.hg-brief li{margin:4px 0}"
    ".tag{font-size:11px;padding:1px 6px;border-radius:8px;"
    "background:#e8edee;white-space:nowrap}.tag-worse{background:#fde3cf;color:#8a3b00}"
    ".tag-better{background:#d6e9f8;color:#003087}"
    ".chart{margin:4px 0 2px}.chart svg{width:100%;height:auto;display:block}"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:0 18px}.pair>div{min-width:0}"
    ".note{font-size:12px;color:#4c6272;margin:4px 0}.hg-tick{font-size:11px;fill:#4c6272}"
    ".hg-supp{font-size:11px;fill:#768692}.hg-point-label{font-size:11px;font-weight:bold}"
    ".dq{font-size:12px;color:#4c6272;border-left:3px solid #ffb81c;padding:3px 10px;"
    "background:#fff9ec;margin:6px 0}"
    "footer{max-width:1000px;margin:0 auto 30px;font-size:12px;color:#4c6272;padding:0 40px}"
    "@media print{body{background:#fff;font-size:9.5pt}.marking{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact;padding:3px 8px;font-size:9pt}.page{box-shadow:none;margin:0;"
    "max-width:none;padding:0 2mm;break-before:page}.cover{-webkit-print-color-"
    "adjust:exact;print-color-adjust:exact}#summary{break-before:avoid}#summary-2{break-before:"
    "auto}"
    "h2{break-after:avoid}.keep{break-inside:avoid}"
    "table{font-size:8.5pt}.ci,.note,.tile .s,.dq{font-size:8pt}h2{font-size:15pt}"
    "table.glance{font-size:7.5pt;line-height:1.15;break-inside:auto}table.glance "
    ".ci{font-size:7pt}"
    "table.glance td{padding:1px 4px}ol.hg-brief{font-size:8pt;line-height:1.3}"
    ".tile .v{font-size:12pt}.tile{padding:3px 8px}.tiles{margin:4px 0}"
    ".cover{padding:10px 16px 8px}.cover h1{font-size:18pt}"
    "h3{font-size:11pt;margin:8px 0 4px}table.glance th{padding:2px 5px}"
    "ol.hg-brief li{margin:2px 0}.methods{font-size:8.5pt}.methods p{margin:3px 0}"
    ".methods h3{margin:6px 0 2px}"
    "table,.chart,.tiles{break-inside:avoid}tr{break-inside:avoid}"
    "table.frame{break-inside:auto}"
    "@page{size:A4;margin:10mm 10mm}}";

static void hg_head(hg_buf *b, const char *title)
{
	hg_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	               "<title>");
	put_esc(b, title);
	hg_buf_printf(b, "</title><style>%s</style></head><body>\n", css);
}

/* The status marking as one line. */
static void hg_marking(hg_buf *b, const hg_data_status *st)
{
	hg_buf_printf(b, "<div class=\"marking marking-%s\"><b>%s</b>",
	              st->synthetic ? "synthetic" : "official", hg_data_status_marking(st));
	if (st->area[0]) {
		put_esc(b, st->area);
		hg_buf_puts(b, " &middot; ");
	}
	hg_buf_puts(b, st->synthetic ? "a synthetic population: no real people"
	                             : "handle under your organisation's information governance");
	hg_buf_puts(b, "</div>");
}

/* The whole report sits in one table whose head and foot (the marking) the browser repeats
 * at the top and bottom of every printed page (so every PDF page is marked). */
static void frame_open(hg_buf *b, const hg_data_status *st)
{
	hg_buf_puts(b, "<table class=\"frame\" role=\"presentation\"><thead><tr><td>");
	hg_marking(b, st);
	hg_buf_puts(b, "</td></tr></thead><tfoot><tr><td>");
	hg_marking(b, st);
	hg_buf_puts(b, "</td></tr></tfoot><tbody><tr><td>\n");
}

static void frame_close(hg_buf *b)
{
	hg_buf_puts(b, "</td></tr></tbody></table>");
}

static const char *latest_end(json_t *s)
{
	json_t *pts = json_object_get(s, "points");
	size_t n = json_array_size(pts);
	return n ? js(json_array_get(pts, n - 1), "period_end") : "";
}

static void hg_cover(hg_buf *b, const hg_bd_data *d, const char *title, const char *latest)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%d %B %Y", &tm);
	json_t *sdc = json_object_get(d->meta, "disclosure_control");
	hg_buf_puts(b, "<header class=\"cover\"><h1>");
	put_esc(b, title);
	hg_buf_puts(b, "</h1><p>");
	if (d->status.area[0]) {
		hg_buf_puts(b, "<b>");
		put_esc(b, d->status.area);
		hg_buf_puts(b, "</b> &middot; ");
	}
	hg_buf_printf(b, "latest period ending <b>%s</b> &middot; report produced %s", latest,
	              when);
	hg_buf_puts(b, " &middot; data snapshot ");
	put_esc(b, js(d->meta, "store_snapshot"));
	hg_buf_puts(b, " &middot; disclosure control ");
	put_esc(b, js(sdc, "rule"));
	hg_buf_printf(b, " &middot; <b>%s</b>", hg_data_status_marking(&d->status));
	hg_buf_puts(b, " &middot; healthgap ");
	put_esc(b, js(d->meta, "version"));
	hg_buf_puts(b, "</p></header>\n");
}

static void hg_icons(hg_buf *b, const hg_mon_view *v, double size)
{
	if (!v->ok) {
		hg_buf_puts(b, v->too_few ? "<span class=\"na\">" HG_LABEL_TOO_FEW "</span>"
		                          : "<span class=\"na\">too few points</span>");
		return;
	}
	const hg_mon_row *r = &v->rows[v->n - 1];
	hg_chart_spc_icons(b, r->variation, isfinite(r->target) ? r->assurance : 0, size);
}

typedef struct hg_ind_view {
	json_t *value_s, *sii_s, *gap_s;
	const char *id, *name, *end;
	hg_mon_view value, sii, gap;
	hg_indicator ind; /* type, per and population: what the units depend on */
	char unit[96], axis[96];
	int polarity;
} hg_ind_view;

static void ind_open(const hg_bd_data *d, json_t *vs, hg_ind_view *iv)
{
	memset(iv, 0, sizeof *iv);
	iv->value_s = vs;
	iv->id = js(vs, "indicator_id");
	iv->name = js(vs, "indicator_name");
	iv->end = latest_end(vs);
	hg_label_ind_stub(&iv->ind, json_string_value(json_object_get(vs, "measure")),
	                  json_num_at(vs, "per"), js(vs, "population"));
	for (int u = 0; u < 3; u++) /* what a count counts (results from before: people) */
		if (!strcmp(js(vs, "unit"), hg_unit_kind_names[u]))
			iv->ind.unit = u;
	if (json_object_get(vs, "measure")) {
		hg_label_unit(&iv->ind, iv->unit, sizeof iv->unit);
		hg_label_axis(&iv->ind, iv->axis, sizeof iv->axis);
	} else { /* results from before the run said what the units are */
		snprintf(iv->axis, sizeof iv->axis, "Value");
	}
	const hg_objective *ob = hg_objectives_find(d->obj, iv->id);
	const char *pol = js(vs, "polarity");
	iv->polarity = ob                                 ? ob->polarity
	               : !strcmp(pol, "higher_is_better") ? HG_POL_HIGHER_BETTER
	               : !strcmp(pol, "lower_is_better")  ? HG_POL_LOWER_BETTER
	                                                  : HG_POL_NEUTRAL;
	iv->sii_s = hg_series(d, iv->id, "sii");
	iv->gap_s = hg_series(d, iv->id, "gap_abs");
	view_build(d, vs, iv->id, 1, &iv->value);
	view_build(d, iv->sii_s, iv->id, 0, &iv->sii);
	view_build(d, iv->gap_s, iv->id, 0, &iv->gap);
}

static void ind_close(hg_ind_view *iv)
{
	view_free(&iv->value);
	view_free(&iv->sii);
	view_free(&iv->gap);
}

/* The icons of the inequality series: the SII's (drawn as most minus least deprived, so its
 * high and low swap) or else the Q1 - Q5 gap's. */
static void gap_icons(hg_buf *b, const hg_ind_view *iv, double size)
{
	const hg_mon_view *g = iv->sii.ok ? &iv->sii : &iv->gap;
	if (!g->ok) {
		hg_icons(b, iv->sii.n ? &iv->sii : &iv->gap, size);
		return;
	}
	const hg_mon_row *r = &g->rows[g->n - 1];
	int var = g == &iv->sii ? hg_label_mirror_variation(r->variation) : r->variation;
	hg_chart_spc_icons(b, var, isfinite(r->target) ? r->assurance : 0, size);
}

/* ---- executive summary (two pages: brief.c's ranked messages and the table at a glance on
 * the first, the ranked detail on the second) ---- */

/* A practice's name from metadata.json's "practices" (written by `healthgap run` from the
 * store's practices.csv lookup), or "". */
static const char *practice_name(const hg_bd_data *d, const char *code)
{
	return js(json_object_get(json_object_get(d->meta, "practices"), code), "name");
}

static void brief_ind(const hg_bd_data *d, const hg_ind_view *iv, hg_brief_ind *x)
{
	json_t *gap = hg_measure(d, iv->id, iv->end, js(iv->gap_s, "breakdown"), "gap_abs", "1");
	json_t *ppl =
	    hg_measure(d, iv->id, iv->end, js(iv->gap_s, "breakdown"), "people_to_close_gap", "1");
	const hg_mon_row *last = iv->value.n ? &iv->value.rows[iv->value.n - 1] : NULL;
	const hg_mon_view *g = iv->sii.ok ? &iv->sii : &iv->gap;
	int pt = g->ok ? g->rows[g->n - 1].point_type : -1;
	int targeted = iv->value.ok && last && isfinite(last->target);
	*x = (hg_brief_ind){.ind = &iv->ind,
	                    .id = iv->id,
	                    .name = iv->name,
	                    .value = last ? last->value : NAN,
	                    .gap = gap ? json_num_at(gap, "value") : NAN,
	                    .gap_lo = gap ? json_num_at(gap, "lower_ci95") : NAN,
	                    .gap_hi = gap ? json_num_at(gap, "upper_ci95") : NAN,
	                    .gap_trend = pt == HG_SPC_PT_CONCERN       ? 1
	                                 : pt == HG_SPC_PT_IMPROVEMENT ? -1
	                                                               : 0,
	                    .failing = targeted && last->assurance == HG_SPC_ASSURE_FAIL,
	                    .hit_miss = targeted && last->assurance == HG_SPC_ASSURE_INCONSISTENT,
	                    .people = ppl ? json_num_at(ppl, "value") : NAN};
}

/* Practices beyond the 99.8% limits of each indicator's funnel, judged by its polarity. */
static size_t brief_practices(const hg_bd_data *d, const hg_ind_view *ivs, size_t n,
                              hg_brief_practice **out)
{
	json_t *fs = json_object_get(d->ineq, "funnels"), *f, *p;
	size_t k, m, np = 0, cap = 16;
	hg_brief_practice *v = hg_xcalloc(cap, sizeof *v);
	json_array_foreach(fs, k, f)
	{
		const hg_ind_view *iv = NULL;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(ivs[i].id, js(f, "indicator_id")))
				iv = &ivs[i];
		if (!iv)
			continue;
		json_t *lim = json_object_get(f, "limits");
		double avg = json_num_at(json_array_get(lim, 0), "baseline");
		json_array_foreach(json_object_get(f, "practices"), m, p)
		{
			const char *sig = js(p, "significance");
			if (!strstr(sig, "0.001"))
				continue;
			if (np == cap)
				v = hg_xrealloc(v, (cap *= 2) * sizeof *v);
			int high = !strncmp(sig, "High", 4);
			v[np++] = (hg_brief_practice){
			    js(p, "practice"),
			    practice_name(d, js(p, "practice")),
			    iv->name,
			    json_num_at(p, "value"),
			    avg,
			    iv->polarity == HG_POL_NEUTRAL                   ? 0
			    : (iv->polarity == HG_POL_HIGHER_BETTER) == high ? -1
			                                                     : 1};
		}
	}
	hg_brief_rank_practices(v, np);
	*out = v;
	return np;
}

/* The glance table's icons at 18 px, or a short "few events" (explained on page 2). */
static void glance_icons(hg_buf *b, const hg_mon_view *value, const hg_ind_view *iv, int gap)
{
	const hg_mon_view *v = !gap ? value : iv->sii.ok || iv->sii.n ? &iv->sii : &iv->gap;
	if (v->ok || !v->too_few) {
		if (gap)
			gap_icons(b, iv, 18);
		else
			hg_icons(b, v, 18);
		return;
	}
	hg_buf_puts(b, "<span class=\"na\">few events</span>");
}

static void summary_row(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	json_t *all = hg_measure(d, iv->id, iv->end, "All", "people_to_target", NULL);
	json_t *gap = hg_measure(d, iv->id, iv->end, js(iv->gap_s, "breakdown"), "gap_abs", "1");
	json_t *ppl =
	    hg_measure(d, iv->id, iv->end, js(iv->gap_s, "breakdown"), "people_to_close_gap", "1");
	char v[32], w[128];
	hg_buf_printf(b, "<tr><td><a href=\"#ind-%s\">", iv->id);
	put_esc(b, iv->name);
	/* a count is a whole number */
	(iv->ind.type == HG_IND_COUNT ? fmt_people : fmt)(
	    iv->value.n ? iv->value.rows[iv->value.n - 1].value : NAN, v, sizeof v);
	/* a long unit ("per 100,000 per year, age-standardised") is in the indicator's name and on
	 * its page: the row keeps to one line */
	hg_buf_printf(b, "</a></td><td class=\"num\"><b>%s</b> <span class=\"ci\">", v);
	if (iv->unit[0] == '%')
		hg_buf_puts(b, "%");
	else if (strlen(iv->unit) <= 5)
		put_esc(b, iv->unit);
	hg_buf_puts(b, "</span></td><td>");
	double g = gap ? json_num_at(gap, "value") : NAN;
	hg_label_diff(&iv->ind, g, 1, w, sizeof w);
	if (isfinite(g))
		put_esc(b, w);
	else
		hg_buf_puts(b, "<span class=\"na\">n/a</span>");
	put_judge(b, gap);
	hg_buf_puts(b, "</td><td class=\"icons\">");
	glance_icons(b, &iv->value, iv, 0);
	hg_buf_puts(b, "</td><td class=\"icons\">");
	glance_icons(b, &iv->value, iv, 1);
	fmt_people(ppl ? json_num_at(ppl, "value") : NAN, v, sizeof v);
	hg_buf_printf(b, "</td><td class=\"num\">%s</td>", v);
	fmt_people(all ? json_num_at(all, "value") : NAN, v, sizeof v);
	hg_buf_printf(b, "<td class=\"num\">%s</td></tr>\n", v);
}

static void glance(hg_buf *b, const hg_bd_data *d, const hg_ind_view *ivs, size_t n)
{
	int other = 0; /* an indicator that counts pathways or appointments */
	for (size_t k = 0; k < n; k++)
		other |= ivs[k].ind.unit != HG_UNIT_PERSON;
	const char *star = other ? "*" : "";
	hg_buf_printf(b,
	              "<h3>Indicators at a glance</h3><table class=\"glance\"><thead><tr>"
	              "<th>Indicator</th><th>Latest</th><th>Most deprived fifth against the "
	              "least</th><th>Trend, target</th><th>Gap trend</th>"
	              "<th>Close gap (people%s)</th><th>Reach target (people%s)</th></tr>"
	              "</thead><tbody>\n",
	              star, star);
	for (size_t k = 0; k < n; k++)
		summary_row(b, d, &ivs[k]);
	hg_buf_puts(b, "</tbody></table>");
	if (other)
		hg_buf_puts(b, "<p class=\"ci\">* Pathways or appointments for the indicators that "
		               "count them.</p>");
}

/* The second page: the gaps ranked, the practices named, and how to read the icons. */
static void ranked_gaps(hg_buf *b, const hg_brief_ind *v, size_t n)
{
	size_t *order = hg_xcalloc(n + 1, sizeof *order);
	hg_brief_rank(v, n, order);
	hg_buf_puts(b, "<h3>The gaps, largest first</h3><p class=\"note\">Ranked by the gap's size "
	               "relative to the whole area's value; gaps clear of chance (95% confidence "
	               "interval excluding zero) first.</p><table class=\"ranked\"><thead><tr>"
	               "<th>#</th><th>Indicator</th><th>Most deprived fifth against the least"
	               "</th><th>Relative to the area</th><th>People to close the gap</th></tr>"
	               "</thead><tbody>");
	size_t shown = 0;
	for (size_t k = 0; k < n && shown < 10; k++) {
		const hg_brief_ind *x = &v[order[k]];
		if (!hg_brief_gap_clear(x))
			continue;
		char w[128], c[200], p[32];
		hg_label_diff(x->ind, x->gap, 1, w, sizeof w);
		hg_label_diff_ci(x->ind, x->gap_lo, x->gap_hi, c, sizeof c);
		fmt_people(x->people, p, sizeof p);
		hg_buf_printf(b, "<tr><td>%zu</td><td>", ++shown);
		put_esc(b, x->name);
		hg_buf_puts(b, "</td><td><b>");
		put_esc(b, w);
		hg_buf_puts(b, "</b> <span class=\"ci\">");
		put_esc(b, c);
		double rel = 100 * fabs(x->gap) / fabs(x->value);
		if (isfinite(rel))
			hg_buf_printf(b, "</span></td><td class=\"num\">%.0f%%</td>", rel);
		else
			hg_buf_puts(b, "</span></td><td class=\"num\">&ndash;</td>");
		hg_buf_printf(b, "<td class=\"num\">%s</td></tr>", p);
	}
	if (!shown)
		hg_buf_puts(b, "<tr><td colspan=\"5\">No gap is clear of chance.</td></tr>");
	hg_buf_puts(b, "</tbody></table>");
	free(order);
}

static void named_practices(hg_buf *b, const hg_brief_practice *p, size_t np)
{
	if (!np)
		return;
	hg_buf_puts(b,
	            "<h3>Practices that stand out</h3><p class=\"note\">Practices beyond the "
	            "99.8% limits of an indicator's funnel plot (the average of all practices, "
	            "allowing for each practice's size), worse than expected first.</p>"
	            "<table class=\"ranked\"><thead><tr><th>Practice</th><th>Indicator</th>"
	            "<th>Practice</th><th>All practices</th><th>Judged</th></tr></thead><tbody>");
	size_t shown = np < 12 ? np : 12;
	for (size_t k = 0; k < shown; k++) {
		char l[200], v[32], a[32];
		hg_brief_practice_label(&p[k], l, sizeof l);
		fmt(p[k].value, v, sizeof v);
		fmt(p[k].average, a, sizeof a);
		hg_buf_puts(b, "<tr><td>");
		put_esc(b, l);
		hg_buf_puts(b, "</td><td>");
		put_esc(b, p[k].ind_name);
		hg_buf_printf(
		    b, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td>%s</td></tr>", v,
		    a,
		    p[k].worse > 0   ? "<span class=\"tag tag-worse\">Worse</span>"
		    : p[k].worse < 0 ? "<span class=\"tag tag-better\">Better</span>"
		                     : "Different");
	}
	if (np > shown)
		hg_buf_printf(b,
		              "<tr><td colspan=\"5\">and %zu more in inequalities.csv (funnels)"
		              "</td></tr>",
		              np - shown);
	hg_buf_puts(b, "</tbody></table>");
}

static void hg_summary(hg_buf *b, const hg_bd_data *d, hg_ind_view *ivs, size_t n,
                       const char *title)
{
	hg_brief_ind *v = hg_xcalloc(n + 1, sizeof *v);
	for (size_t k = 0; k < n; k++)
		brief_ind(d, &ivs[k], &v[k]);
	hg_brief_practice *p = NULL;
	size_t np = brief_practices(d, ivs, n, &p);
	hg_buf_puts(b, "<section class=\"page summary\" id=\"summary\">");
	hg_cover(b, d, title, n ? ivs[0].end : "");
	hg_buf_puts(b, "<h2>Executive summary</h2>");
	hg_brief_messages(b, v, n, p, np, 1);
	glance(b, d, ivs, n);
	/* the heading stays with the ranked table (no heading alone at the foot of page 1) */
	hg_buf_puts(b, "</section>\n<section class=\"page summary\" id=\"summary-2\"><div "
	               "class=\"keep\"><h2>Executive summary: what stands out</h2>");
	ranked_gaps(b, v, n);
	hg_buf_puts(b, "</div>");
	named_practices(b, p, np);
	hg_buf_puts(
	    b, "<h3>How to read this report</h3><p class=\"note\">Every gap reads as the most "
	       "deprived compared with the least deprived: the deprivation gap between the "
	       "most and least deprived fifths of neighbourhoods (IMD quintiles 1 and 5), and "
	       "the slope index of inequality (SII) between the two ends of the whole "
	       "deprivation scale. Icons: Making Data Count variation (left: grey common "
	       "cause; blue improvement; orange concern; H/L high/low) and assurance (right: "
	       "P consistently passes, F consistently fails, ? hit and miss). Gap trend is the "
	       "SPC of the SII over time: improvement means the gap is narrowing. " HG_LABEL_TOO_FEW
	       " (&ldquo;few events&rdquo; at a glance): a count behind some period is under 10 "
	       "or suppressed, so no signal is shown. "
	       "The appendix gives each indicator on one page; methods and provenance close the "
	       "report.</p></section>\n");
	free(v);
	free(p);
}

/* ---- one page per indicator ---- */

/* A figure with its heading k; whole: a count of people (pathways...), a whole number. */
static void hg_tile(hg_buf *b, const char *k, json_t *r, int whole, const char *sub)
{
	char v[32];
	(whole ? fmt_people : fmt)(r ? json_num_at(r, "value") : NAN, v, sizeof v);
	hg_buf_printf(b,
	              "<div class=\"tile\"><div class=\"k\">%s</div><div class=\"v\">%s</div>"
	              "<div class=\"s\">",
	              k, v);
	if (r && isfinite(json_num_at(r, "lower_ci95"))) {
		char l[32], u[32];
		fmt(json_num_at(r, "lower_ci95"), l, sizeof l);
		fmt(json_num_at(r, "upper_ci95"), u, sizeof u);
		hg_buf_printf(b, "95%% CI %s to %s", l, u);
	} else if (r && js(r, "note")[0] && !isfinite(json_num_at(r, "value"))) {
		put_esc(b, js(r, "note"));
	}
	hg_buf_printf(b, "%s</div></div>", sub ? sub : "");
}

/* Published rows of one breakdown in the latest period, from indicators.json. */
static size_t rows_of(const hg_bd_data *d, const char *id, const char *end, const char *bd,
                      json_t **out, size_t max)
{
	size_t n = 0, k;
	json_t *r;
	json_array_foreach(d->rows, k, r)
	{
		if (n < max && !strcmp(js(r, "indicator_id"), id) &&
		    !strcmp(js(r, "period_end"), end) && !strcmp(js(r, "breakdown"), bd) &&
		    strcmp(js(r, "category"), "Unknown") &&
		    !hg_label_not_applicable(json_is_true(json_object_get(r, "suppressed")),
		                             json_num_at(r, "numerator"),
		                             json_num_at(r, "denominator"),
		                             json_string_value(json_object_get(r, "note"))))
			out[n++] = r;
	}
	return n;
}

static void sii_section(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	const char *bd = js(iv->sii_s, "breakdown");
	json_t *rows[16];
	size_t n = bd[0] ? rows_of(d, iv->id, iv->end, bd, rows, 16) : 0;
	if (n < 5)
		return;
	const char *labels[16];
	double val[16], lo[16], hi[16], pop[16];
	int sup[16];
	for (size_t k = 0; k < n; k++) {
		labels[k] = js(rows[k], "category");
		val[k] = json_num_at(rows[k], "value"), lo[k] = json_num_at(rows[k], "lower_ci95");
		hi[k] = json_num_at(rows[k], "upper_ci95"),
		pop[k] = json_num_at(rows[k], "denominator");
		sup[k] = json_is_true(json_object_get(rows[k], "suppressed"));
	}
	json_t *s = hg_measure(d, iv->id, iv->end, bd, "sii", NULL);
	char id[96], title[300];
	snprintf(id, sizeof id, "sii-%s", iv->id);
	char bl[160], axis[200];
	hg_label_breakdown(bd, d->status.imd, bl, sizeof bl);
	snprintf(axis, sizeof axis, "%s: 1 = most deprived", bl);
	bl[0] = (char)tolower((unsigned char)bl[0]);
	snprintf(title, sizeof title, "%s by %s, period ending %s", iv->name, bl, iv->end);
	hg_sii_chart c = {.id = id,
	                  .title = title,
	                  .desc = "Bars span each group's share of the population, most deprived "
	                          "on the left; the line is the fitted slope (SII).",
	                  .value_label = iv->axis,
	                  .cat_label = axis,
	                  .n = n,
	                  .labels = labels,
	                  .value = val,
	                  .lo = lo,
	                  .hi = hi,
	                  .pop = pop,
	                  .suppressed = sup,
	                  .sii = s ? json_num_at(s, "value") : NAN,
	                  .width = 480,
	                  .height = 240};
	hg_buf_puts(b, "<h3>Gradient across deprivation</h3><div class=\"chart\">");
	hg_chart_sii(b, &c);
	hg_buf_puts(b, "</div>");
	char w[300];
	hg_label_sii(&iv->ind, s ? json_num_at(s, "value") : NAN, w, sizeof w);
	hg_buf_puts(b, "<p class=\"note\">Slope index of inequality: ");
	put_esc(b, w);
	if (s && js(s, "note")[0]) {
		hg_buf_puts(b, ". Method: ");
		put_esc(b, js(s, "note"));
	}
	hg_buf_puts(b, ".</p>");
}

/* One SPC chart; mirror: the series is the SII, drawn as most minus least deprived. */
static void spc_section(hg_buf *b, const hg_ind_view *iv, const hg_mon_view *v, const char *what,
                        const char *ylab, int mirror, int wide)
{
	size_t shown = 0;
	for (size_t k = 0; k < v->n; k++)
		shown += isfinite(v->rows[k].value);
	if (!shown) { /* nothing published to draw: say so instead of an empty chart */
		if (v->n)
			hg_buf_printf(
			    b, "<p class=\"note\">%c%s: no period has a published value.</p>",
			    toupper((unsigned char)what[0]), what + 1);
		return;
	}
	double m = mirror ? -1 : 1;
	hg_spc_chart_pt *pts = hg_xcalloc(v->n, sizeof *pts);
	for (size_t k = 0; k < v->n; k++) {
		const hg_mon_row *r = &v->rows[k];
		pts[k] = (hg_spc_chart_pt){v->labels[k],
		                           m * r->value,
		                           m * r->mean,
		                           mirror ? -r->upl : r->lpl,
		                           mirror ? -r->lpl : r->upl,
		                           mirror ? hg_label_mirror_point_type(r->point_type)
		                                  : r->point_type};
	}
	char id[96], title[300];
	snprintf(id, sizeof id, "spc-%s-%s",
	         mirror            ? "sii"
	         : v == &iv->value ? "value"
	                           : "gap",
	         iv->id);
	snprintf(title, sizeof title, "%s: %s over time (XmR chart)", iv->name, what);
	const hg_mon_row *last = &v->rows[v->n - 1];
	int var = v->ok ? last->variation : -1;
	hg_spc_chart c = {.id = id,
	                  .title = title,
	                  .desc = "Statistical process control chart with mean and process limits; "
	                          "coloured points are special causes.",
	                  .value_label = ylab,
	                  .pts = pts,
	                  .n = v->n,
	                  .target = m * last->target,
	                  .variation = mirror && var >= 0 ? hg_label_mirror_variation(var) : var,
	                  .assurance = isfinite(last->target) ? last->assurance : 0,
	                  .width = wide ? 920 : 480,
	                  .height = wide ? 290 : 205};
	hg_buf_puts(b, "<div class=\"chart\">");
	hg_chart_spc(b, &c);
	hg_buf_puts(b, "</div>");
	if (v->too_few)
		hg_buf_printf(
		    b,
		    "<p class=\"note\"><b>" HG_LABEL_TOO_FEW "</b> (%s): a count behind "
		    "at least one period is under %d or suppressed, so rounding would drive "
		    "any signal; the values are shown without limits or icons.</p>",
		    what, HG_SPC_MIN_EVENTS);
	else if (v->ok)
		hg_buf_printf(b, "<p class=\"note\">%c%s, latest point: %s; %s.</p>",
		              toupper((unsigned char)what[0]), what + 1,
		              hg_label_variation(c.variation), hg_label_assurance(c.assurance));
	free(pts);
}

static void eth_section(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	json_t *arr = json_object_get(d->ineq, "measures"), *r;
	size_t k;
	int any = 0, more = 0;
	json_array_foreach(arr, k, r)
	{
		if (strcmp(js(r, "indicator_id"), iv->id) || strcmp(js(r, "period_end"), iv->end) ||
		    strcmp(js(r, "measure"), "gap_to_best"))
			continue;
		if (any == BD_GROUP_ROWS) { /* the rest are counted: the indicator keeps one page */
			more++;
			continue;
		}
		if (!any++)
			hg_buf_puts(
			    b,
			    "<h3>Ethnic groups and PLUS groups: gap to the best-off group</h3>"
			    "<table><thead><tr><th>Breakdown</th><th>Group</th><th>Compared "
			    "with</th><th>Gap, the group compared with the best-off (95% CI)</th>"
			    "<th>People to close the gap</th></tr></thead><tbody>");
		json_t *p = hg_measure(d, iv->id, iv->end, js(r, "breakdown"),
		                       "people_to_close_gap", js(r, "category"));
		char v[32];
		fmt_people(p ? json_num_at(p, "value") : NAN, v, sizeof v);
		char l[200];
		hg_buf_puts(b, "<tr><td>");
		hg_label_breakdown(js(r, "breakdown"), d->status.imd, l, sizeof l);
		put_esc(b, l);
		hg_buf_puts(b, "</td><td>");
		hg_label_category(js(r, "breakdown"), js(r, "category"), l, sizeof l);
		put_esc(b, l);
		hg_buf_puts(b, "</td><td>");
		hg_label_category(js(r, "breakdown"), js(r, "reference"), l, sizeof l);
		put_esc(b, l);
		hg_buf_puts(b, "</td><td class=\"num\">");
		put_diff(b, &iv->ind, json_num_at(r, "value"), json_num_at(r, "lower_ci95"),
		         json_num_at(r, "upper_ci95"), r);
		put_judge(b, r);
		hg_buf_printf(b, "</td><td class=\"num\">%s</td></tr>", v);
	}
	if (more)
		hg_buf_printf(b,
		              "<tr><td colspan=\"5\" class=\"note\">and %d more groups in "
		              "inequalities.csv</td></tr>",
		              more);
	if (any)
		hg_buf_puts(b, "</tbody></table>");
}

static void funnel_section(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	json_t *fs = json_object_get(d->ineq, "funnels"), *f = NULL, *x;
	size_t k;
	json_array_foreach(fs, k, x) if (!strcmp(js(x, "indicator_id"), iv->id)) f = x;
	if (!f)
		return;
	json_t *lim = json_object_get(f, "limits"), *pr = json_object_get(f, "practices");
	size_t nl = json_array_size(lim), np = json_array_size(pr);
	hg_funnel_chart_lim *l = hg_xcalloc(nl + 1, sizeof *l);
	hg_funnel_chart_dot *dots = hg_xcalloc(np + 1, sizeof *dots);
	int rate = !strcmp(js(f, "statistic"), "rate");
	double base = NAN;
	json_array_foreach(lim, k, x)
	{
		l[k] = (hg_funnel_chart_lim){
		    json_num_at(x, "x"), json_num_at(x, "lower_95"), json_num_at(x, "upper_95"),
		    json_num_at(x, "lower_99_8"), json_num_at(x, "upper_99_8")};
		base = json_num_at(x, "baseline");
	}
	json_array_foreach(pr, k, x)
	{
		const char *sig = js(x, "significance");
		dots[k] = (hg_funnel_chart_dot){js(x, "practice"),
		                                json_num_at(x, rate ? "numerator" : "denominator"),
		                                json_num_at(x, "value"),
		                                !strcmp(sig, "High (0.001)")   ? 0
		                                : !strcmp(sig, "High (0.025)") ? 1
		                                : !strcmp(sig, "Low (0.001)")  ? 2
		                                : !strcmp(sig, "Low (0.025)")  ? 3
		                                                               : 4};
	}
	char id[96], title[300];
	snprintf(id, sizeof id, "funnel-%s", iv->id);
	snprintf(title, sizeof title, "%s: practices, period ending %s", iv->name, iv->end);
	hg_funnel_plot c = {.id = id,
	                    .title = title,
	                    .desc = "Funnel plot of practices with 95% and 99.8% control limits.",
	                    .value_label = iv->axis,
	                    .x_label = rate ? "Events" : "Denominator (people)",
	                    .lims = l,
	                    .nlims = nl,
	                    .dots = dots,
	                    .ndots = np,
	                    .baseline = base,
	                    .width = 480,
	                    .height = 255};
	hg_buf_puts(b, "<h3>Where to act: practices</h3><div class=\"chart\">");
	hg_chart_funnel(b, &c);
	hg_buf_puts(b, "</div>");
	free(l);
	free(dots);
}

static void dq_line(hg_buf *b, json_t *r)
{
	char e[32], i[32];
	fmt(r ? json_num_at(r, "pct_ethnicity_not_stated") : NAN, e, sizeof e);
	fmt(r ? json_num_at(r, "pct_imd_unknown") : NAN, i, sizeof i);
	hg_buf_printf(b,
	              " &middot; <b>Data quality</b> (denominator, latest period): ethnicity "
	              "not stated %s%%; IMD unknown %s%%",
	              e, i);
}

/* A tile with a gap in words (gap: Q1 - Q5; sii: PHE's sign, shown negated). */
static void tile_gap(hg_buf *b, const hg_ind_view *iv, const char *k, json_t *r, int sii)
{
	char w[128];
	double v = r ? json_num_at(r, "value") : NAN;
	hg_label_diff(&iv->ind, sii ? hg_label_sii_shown(v) : v, 1, w, sizeof w);
	hg_buf_printf(b, "<div class=\"tile\"><div class=\"k\">%s</div><div class=\"v w\">", k);
	put_esc(b, isfinite(v) ? w : "n/a");
	hg_buf_puts(b, "</div><div class=\"s\">");
	if (isfinite(v)) {
		hg_label_diff_ci(&iv->ind,
		                 sii ? hg_label_sii_shown(json_num_at(r, "upper_ci95"))
		                     : json_num_at(r, "lower_ci95"),
		                 sii ? hg_label_sii_shown(json_num_at(r, "lower_ci95"))
		                     : json_num_at(r, "upper_ci95"),
		                 w, sizeof w);
		put_esc(b, w);
	} else if (r && js(r, "note")[0]) {
		put_esc(b, js(r, "note"));
	}
	hg_buf_puts(b, "</div></div>");
}

static void ind_page(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	const char *gbd = js(iv->gap_s, "breakdown"), *sbd = js(iv->sii_s, "breakdown");
	json_t *sii = hg_measure(d, iv->id, iv->end, sbd, "sii", NULL);
	json_t *gap = hg_measure(d, iv->id, iv->end, gbd, "gap_abs", "1");
	json_t *ppl = hg_measure(d, iv->id, iv->end, gbd, "people_to_close_gap", "1");
	/* every measure's row carries the period's data quality: the first will do (a count has
	   no vs_all, and no SII series) */
	json_t *any = hg_measure(d, iv->id, iv->end, NULL, NULL, NULL);
	hg_buf_printf(b, "<section class=\"page\" id=\"ind-%s\"><h2>", iv->id);
	put_esc(b, iv->name);
	hg_buf_puts(b, "</h2><p class=\"note\">");
	put_esc(b, iv->id);
	if (iv->unit[0]) {
		hg_buf_puts(b, " &middot; ");
		put_esc(b, iv->unit);
	}
	hg_buf_printf(b, " &middot; %s &middot; latest period ending %s",
	              hg_label_polarity(iv->polarity), iv->end);
	dq_line(b, sii ? sii : any);
	hg_buf_puts(b, "</p><div class=\"tiles\">");
	char v[32];
	fmt(iv->value.n ? iv->value.rows[iv->value.n - 1].value : NAN, v, sizeof v);
	hg_buf_printf(b,
	              "<div class=\"tile\"><div class=\"k\">Latest value</div><div class=\"v\">%s"
	              "</div><div class=\"s\">",
	              v);
	put_esc(b, iv->unit);
	hg_buf_puts(b, "<br>");
	hg_icons(b, &iv->value, 22);
	hg_buf_puts(b, "</div></div>");
	tile_gap(b, iv, "Gap, most deprived fifth", gap, 0);
	tile_gap(b, iv, "SII, most deprived end", sii, 1);
	char k[64]; /* "People to close the gap", or pathways or appointments */
	snprintf(k, sizeof k, "%s to close the gap", hg_label_counted(&iv->ind, 1));
	hg_tile(b, k, ppl, 1, NULL);
	hg_buf_puts(b, "</div>");
	/* two charts a row, so that an indicator fills one printed page and no more; without a
	 * gradient or a funnel, the two SPC charts take the page's width instead (a page is
	 * never left half empty) */
	hg_buf top = {0};
	sii_section(&top, d, iv);
	size_t nsii = top.n;
	hg_buf_puts(&top, "</div><div>");
	funnel_section(&top, d, iv);
	int wide = nsii == 0 && top.n == strlen("</div><div>");
	if (!wide) {
		hg_buf_puts(b, "<div class=\"pair\"><div>");
		hg_buf_put(b, top.p, top.n);
		hg_buf_puts(b, "</div></div>");
	}
	hg_buf_free(&top);
	hg_buf_printf(b, "<h3>Progress over time</h3><div class=\"%s\"><div>", wide ? "" : "pair");
	spc_section(b, iv, &iv->value, "whole area value", iv->axis, 0, wide);
	hg_buf_puts(b, "</div><div>");
	if (iv->sii.n)
		spc_section(b, iv, &iv->sii,
		            "slope index of inequality, most deprived end minus least deprived",
		            "SII: most minus least deprived", 1, wide);
	else
		spc_section(b, iv, &iv->gap, "gap, most deprived fifth minus least deprived",
		            "Gap: most minus least deprived", 0, wide);
	hg_buf_puts(b, "</div></div>");
	eth_section(b, d, iv);
	hg_buf_puts(b, "</section>\n");
}

static void methods(hg_buf *b, const hg_bd_data *d)
{
	json_t *sdc = json_object_get(d->meta, "disclosure_control");
	hg_buf_puts(b,
	            "<section class=\"page methods\"><h2>Methods and data quality</h2>"
	            "<h3>Inequality measures</h3><p>The <b>slope index of inequality</b> (SII) is "
	            "the difference in the fitted value between the least and most deprived ends "
	            "of the population, from a population-weighted regression of each IMD decile "
	            "or quintile's value on its cumulative population midpoint (PHE phe_sii; "
	            "log/logit scale for rates and proportions; 95% and 99.8% limits by "
	            "simulation). The <b>gap</b> is the most deprived fifth (IMD quintile 1) minus "
	            "the least deprived fifth (quintile 5), with limits by the MOVER method "
	            "(Newcombe 1998). <b>One sign convention:</b> this report reads every gap and "
	            "the SII as the most deprived compared with the least deprived, and says it in "
	            "words (&ldquo;8.9 percentage points lower&rdquo;, &ldquo;2.3 years "
	            "shorter&rdquo;); the SII is therefore the negative of phe_sii's, which "
	            "inequalities.csv keeps (positive there when the value rises with affluence). "
	            "The relative index (RII) is the ratio of the two ends. "
	            "Each group is compared with the whole population as Fingertips does: better "
	            "or worse when its 95% interval excludes the whole population's value, "
	            "judged with the indicator's polarity.</p>"
	            "<h3>People needed to close the gap</h3><p>How many more people in the "
	            "group would need to meet the numerator (or, where lower is better, fewer) for "
	            "its rate to equal the reference: (reference &minus; value) &times; "
	            "denominator, rounded up and then to the nearest 5.</p>"
	            "<h3>Monitoring</h3><p>Making Data Count XmR charts (NHSRplotthedots rules: "
	            "a point outside the limits, 7-point trends and shifts, 2 of 3 near a limit) "
	            "of each indicator's value, its SII and its deprivation gap. For the gaps, "
	            "improvement means moving towards zero. Assurance compares the target with "
	            "the process limits; the gap target is the first period's gap reduced by the "
	            "objective's gap-reduction target. No signal is drawn from small counts: a "
	            "series any of whose periods rests on a count under 10 after rounding, or on "
	            "a suppressed cell, shows &ldquo;" HG_LABEL_TOO_FEW "&rdquo; instead of "
	            "limits and icons.</p>"
	            "<h3>Where to act</h3><p>Practice funnel plots use the PHE funnel limits "
	            "(95% and 99.8%) around the average of all practices; practices beyond the "
	            "99.8% limit are named.</p><h3>Disclosure control</h3><p>");
	put_esc(b, js(sdc, "description"));
	hg_buf_puts(b, ". Every measure and chart point uses only published cells: an SII needs "
	               "every quantile published, a gap needs both groups; otherwise it is shown "
	               "as n/a with the reason.</p><h3>Data quality</h3><p>Beside every measure: "
	               "the share of the indicator's denominator with ethnicity not stated, and "
	               "with no IMD (no valid LSOA). Large shares weaken ethnic and deprivation "
	               "comparisons.</p><h3>Provenance</h3><table><tbody>");
	static const char *const keys[][2] = {
	    {"pack", "Indicator pack"},
	    {"pack_hash_blake2b256", "Pack hash (BLAKE2b-256)"},
	    {"store_snapshot", "Data snapshot"},
	    {"store_manifest_hash_blake2b256", "Data manifest hash (BLAKE2b-256)"},
	    {"run_at", "Results computed (UTC)"}};
	char line[300];
	hg_data_status_line(&d->status, line, sizeof line);
	hg_buf_puts(b, "<tr><th>Data status</th><td>");
	put_esc(b, line);
	hg_buf_puts(b, "</td></tr>");
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		hg_buf_printf(b, "<tr><th>%s</th><td>", keys[k][1]);
		put_esc(b, js(d->meta, keys[k][0]));
		hg_buf_puts(b, "</td></tr>");
	}
	hg_buf_puts(b, "<tr><th>Objectives (targets and polarity)</th><td>");
	put_esc(b, d->obj ? d->obj->path : js(json_object_get(d->ineq, "objectives"), "file"));
	hg_buf_puts(b, "</td></tr></tbody></table></section>\n");
}

static void bd_free(hg_bd_data *d)
{
	json_decref(d->meta);
	json_decref(d->rows);
	json_decref(d->ineq);
	json_decref(d->mon);
}

static int bd_load(hg_bd_data *d, const char *dir, hg_err *err)
{
	if (load_json(dir, "metadata.json", &d->meta, err) ||
	    load_json(dir, "indicators.json", &d->rows, err) ||
	    load_json(dir, "inequalities.json", &d->ineq, err) ||
	    load_json(dir, "monitoring.json", &d->mon, err))
		return err->code ? err->code : HG_EINPUT;
	return 0;
}

int hg_board_render(const hg_board_opts *o, hg_buf *html, hg_err *err)
{
	hg_bd_data d = {.obj = o->obj};
	if (bd_load(&d, o->results_dir, err) != 0) {
		bd_free(&d);
		return 1;
	}
	hg_data_status_from_json(json_object_get(d.meta, "data_status"), &d.status);
	if (o->area_name && o->area_name[0])
		snprintf(d.status.area, sizeof d.status.area, "%s", o->area_name);
	json_t *ser = json_object_get(d.mon, "series"), *s;
	size_t k, n = 0;
	hg_ind_view *ivs = hg_xcalloc(json_array_size(ser) + 1, sizeof *ivs);
	json_array_foreach(ser, k, s) if (!strcmp(js(s, "series"), "value"))
	    ind_open(&d, s, &ivs[n++]);
	const char *title = o->title ? o->title : "Health inequalities board report";
	hg_head(html, title);
	frame_open(html, &d.status);
	hg_summary(html, &d, ivs, n, title);
	hg_board_segments(html, d.rows, d.meta);
	int rc = o->scenarios_dir ? hg_board_case(html, o->scenarios_dir, err) : 0;
	for (k = 0; k < n; k++)
		ind_page(html, &d, &ivs[k]);
	methods(html, &d);
	hg_buf_puts(html, "<footer>Produced offline by healthgap (an independent tool, not an NHS "
	                  "product) from disclosure-controlled aggregates; no person-level "
	                  "data.</footer>");
	frame_close(html);
	hg_buf_puts(html, "</body></html>\n");
	for (k = 0; k < n; k++)
		ind_close(&ivs[k]);
	free(ivs);
	bd_free(&d);
	return rc;
}
