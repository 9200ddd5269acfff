/*
 * board.c: renders the board report (board.h) from a results directory.
 * Monitoring icons are recomputed from the charted points with the given
 * objectives (hg_monitor_series), so the report's targets and polarity are
 * the objectives file's. Only published values are read, so the report
 * inherits the run's disclosure control; suppressed values show as "supp.".
 */
#include "report/board.h"

#include "core/fs.h"
#include "report/chart_ineq.h"
#include "report/svg.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct hg_bd_data {
	json_t *meta, *rows, *ineq, *mon;
	const hg_objectives *obj;
} hg_bd_data;

/* ---- JSON helpers ---- */

static const char *hg_js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static double hg_jn(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static int hg_load_json(const char *dir, const char *name, json_t **out, hg_err *err)
{
	char path[1100];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	json_error_t je;
	*out = json_load_file(path, 0, &je);
	if (!*out)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: %s (run `healthgap run` with json output first)", path,
		                  je.text);
	return 0;
}

/* The measure row of an indicator, period end, breakdown, measure and category. */
static json_t *hg_measure(const hg_bd_data *d, const char *id, const char *end, const char *bd,
                          const char *measure, const char *cat)
{
	json_t *arr = json_object_get(d->ineq, "measures"), *r;
	size_t k;
	json_array_foreach(arr, k, r)
	{
		if (!strcmp(hg_js(r, "indicator_id"), id) && !strcmp(hg_js(r, "period_end"), end) &&
		    !strcmp(hg_js(r, "measure"), measure) &&
		    (!bd || !strcmp(hg_js(r, "breakdown"), bd)) &&
		    (!cat || !strcmp(hg_js(r, "category"), cat)))
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
		if (!strcmp(hg_js(s, "indicator_id"), id) && !strcmp(hg_js(s, "series"), series))
			return s;
	}
	return NULL;
}

/* ---- formatting ---- */

static void hg_fmt(double v, char *buf, size_t n)
{
	if (!isfinite(v))
		snprintf(buf, n, "\xe2\x80\x93");
	else
		hg_fmt_value(v, buf, n);
}

/* People: whole numbers with thousands separators. */
static void hg_fmt_people(double v, char *buf, size_t n)
{
	if (!isfinite(v))
		snprintf(buf, n, "\xe2\x80\x93");
	else
		hg_fmt_tick(round(v), 1, buf, n);
}

static void hg_put_esc(hg_buf *b, const char *s)
{
	hg_xml_escape(b, s);
}

/* "12.3 (10.1 to 14.5)" or the row's note. */
static void hg_put_ci(hg_buf *b, json_t *r)
{
	char v[32], l[32], u[32];
	if (!r || !isfinite(hg_jn(r, "value"))) {
		hg_buf_puts(b, "<span class=\"na\">n/a</span>");
		return;
	}
	hg_fmt(hg_jn(r, "value"), v, sizeof v);
	hg_fmt(hg_jn(r, "lower_ci95"), l, sizeof l);
	hg_fmt(hg_jn(r, "upper_ci95"), u, sizeof u);
	hg_buf_printf(b, "<b>%s</b> <span class=\"ci\">(%s to %s)</span>", v, l, u);
}

static void hg_put_judge(hg_buf *b, json_t *r)
{
	const char *c = r ? hg_js(r, "comparison") : "";
	if (!c[0])
		return;
	hg_buf_printf(b, " <span class=\"tag tag-%s\">", c);
	hg_put_esc(b, c);
	hg_buf_puts(b, "</span>");
}

/* A readable axis label for a value_type ("proportion_percent" -> "Percent (%)"). */
static const char *hg_unit_label(const char *vt, char *buf, size_t n)
{
	const char *per = strstr(vt, "_per_");
	if (!strcmp(vt, "proportion_percent"))
		snprintf(buf, n, "Percent (%%)");
	else if (!strncmp(vt, "life_expectancy", 15))
		snprintf(buf, n, "Life expectancy (years)");
	else if (per)
		snprintf(buf, n, "%s per %s", strncmp(vt, "dsr", 3) ? "Rate" : "Standardised rate",
		         per + 5);
	else
		snprintf(buf, n, "%s", vt);
	return buf;
}

/* ---- monitoring recomputed with the objectives ---- */

typedef struct hg_mon_view {
	hg_mon_row *rows;
	const char **labels;
	size_t n;
	int ok;
} hg_mon_view;

static int hg_view_direction(const hg_bd_data *d, json_t *s, const char *id, int value)
{
	const char *dir = hg_js(s, "improvement_direction");
	const hg_objective *ob = hg_objectives_find(d->obj, id);
	if (value && ob)
		return ob->polarity;
	return !strcmp(dir, "increase") ? 1 : !strcmp(dir, "decrease") ? -1 : 0;
}

static double hg_view_target(const hg_bd_data *d, json_t *s, const char *id, int value,
                             const hg_mon_row *rows, size_t n)
{
	const hg_objective *ob = hg_objectives_find(d->obj, id);
	if (!d->obj)
		return hg_jn(s, "target");
	if (!ob)
		return NAN;
	if (value)
		return ob->target_value;
	for (size_t k = 0; k < n; k++)
		if (isfinite(rows[k].value))
			return rows[k].value * (1 - ob->gap_reduction);
	return NAN;
}

static void hg_view_build(const hg_bd_data *d, json_t *s, const char *id, int value, hg_mon_view *v)
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
		r->value = hg_jn(p, "value");
		r->mean = r->lpl = r->upl = r->nlpl = r->nupl = NAN;
		v->labels[k] = hg_js(p, "period_end");
	}
	int dir = hg_view_direction(d, s, id, value);
	hg_monitor_series(v->rows, v->n, dir, hg_view_target(d, s, id, value, v->rows, v->n));
	v->ok = isfinite(v->rows[v->n - 1].mean);
}

static void hg_view_free(hg_mon_view *v)
{
	free(v->rows);
	free(v->labels);
}

/* ---- page parts ---- */

static const char hg_css[] =
    "*{box-sizing:border-box}body{margin:0;font-family:Arial,Helvetica,sans-serif;color:#212b32;"
    "background:#f0f4f5;line-height:1.45;font-size:15px}"
    ".page{background:#fff;max-width:1060px;margin:24px auto;padding:32px 40px;border-radius:4px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    ".cover{background:#005eb8;color:#fff;padding:36px 40px 28px;max-width:1000px;margin:0 auto}"
    ".cover h1{margin:0 0 6px;font-size:30px}.cover p{margin:2px 0;opacity:.95}"
    ".brand{font-weight:bold;letter-spacing:.04em;background:#fff;color:#005eb8;padding:2px 8px;"
    "display:inline-block;margin-bottom:14px}"
    "h2{color:#003087;border-bottom:3px solid #005eb8;padding-bottom:6px;margin-top:0}"
    "h3{color:#003087;margin:22px 0 8px;break-after:avoid}"
    "table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0 16px}"
    "th{background:#e8edee;text-align:left;padding:6px 8px;border-bottom:2px solid #aeb7bd}"
    "td{padding:6px 8px;border-bottom:1px solid #d8dde0;vertical-align:middle}"
    "td.num{text-align:right;white-space:nowrap}td:first-child{min-width:200px}.ci{color:#4c6272;"
    "font-size:12px}"
    ".na{color:#768692}.tiles{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0 18px}"
    ".tile{flex:1 1 150px;border:1px solid #d8dde0;border-top:4px solid #005eb8;padding:10px 12px}"
    ".tile .k{font-size:12px;color:#4c6272;text-transform:uppercase;letter-spacing:.03em}"
    ".tile .v{font-size:22px;font-weight:bold;margin-top:2px}.tile .s{font-size:12px;color:#4c6272}"
    ".messages li{margin:6px 0}.tag{font-size:11px;padding:1px 6px;border-radius:8px;"
    "background:#e8edee;white-space:nowrap}.tag-worse{background:#fde3cf;color:#8a3b00}"
    ".tag-better{background:#d6e9f8;color:#003087}"
    ".chart{margin:8px 0 4px}.chart svg{max-width:100%;height:auto}"
    ".two{display:grid;grid-template-columns:1fr;gap:8px}"
    ".note{font-size:12px;color:#4c6272}.hg-tick{font-size:11px;fill:#4c6272}"
    ".hg-supp{font-size:11px;fill:#768692}.hg-point-label{font-size:11px;font-weight:bold}"
    ".dq{font-size:12px;color:#4c6272;border-left:3px solid #ffb81c;padding:4px 10px;"
    "background:#fff9ec;margin:8px 0}"
    "footer{max-width:1000px;margin:0 auto 30px;font-size:12px;color:#4c6272;padding:0 40px}"
    "@media print{body{background:#fff;font-size:11pt}.page{box-shadow:none;margin:0;"
    "max-width:none;padding:0 4mm;break-before:page}.cover{max-width:none;-webkit-print-color-"
    "adjust:exact;print-color-adjust:exact}.summary{break-before:avoid}"
    "table,.chart,.tiles{break-inside:avoid}tr{break-inside:avoid}"
    "@page{size:A4;margin:14mm 12mm}}";

static void hg_head(hg_buf *b, const char *title)
{
	hg_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	               "<title>");
	hg_put_esc(b, title);
	hg_buf_printf(b, "</title><style>%s</style></head><body>\n", hg_css);
}

static const char *hg_latest_end(json_t *s)
{
	json_t *pts = json_object_get(s, "points");
	size_t n = json_array_size(pts);
	return n ? hg_js(json_array_get(pts, n - 1), "period_end") : "";
}

static void hg_cover(hg_buf *b, const hg_bd_data *d, const char *title, const char *latest)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%d %B %Y", &tm);
	json_t *sdc = json_object_get(d->meta, "disclosure_control");
	hg_buf_puts(b, "<header class=\"cover\"><span class=\"brand\">NHS</span><h1>");
	hg_put_esc(b, title);
	hg_buf_printf(b, "</h1><p>Latest period ending <b>%s</b> &middot; report produced %s</p>",
	              latest, when);
	hg_buf_puts(b, "<p>Data snapshot ");
	hg_put_esc(b, hg_js(d->meta, "store_snapshot"));
	hg_buf_puts(b, " &middot; disclosure control ");
	hg_put_esc(b, hg_js(sdc, "rule"));
	hg_buf_puts(b, " &middot; healthgap ");
	hg_put_esc(b, hg_js(d->meta, "version"));
	hg_buf_puts(b, "</p></header>\n");
}

static void hg_icons(hg_buf *b, const hg_mon_view *v, double size)
{
	if (!v->ok) {
		hg_buf_puts(b, "<span class=\"na\">too few points</span>");
		return;
	}
	const hg_mon_row *r = &v->rows[v->n - 1];
	hg_chart_spc_icons(b, r->variation, isfinite(r->target) ? r->assurance : 0, size);
}

typedef struct hg_ind_view {
	json_t *value_s, *sii_s, *gap_s;
	const char *id, *name, *end;
	hg_mon_view value, sii, gap;
} hg_ind_view;

static void hg_ind_open(const hg_bd_data *d, json_t *vs, hg_ind_view *iv)
{
	memset(iv, 0, sizeof *iv);
	iv->value_s = vs;
	iv->id = hg_js(vs, "indicator_id");
	iv->name = hg_js(vs, "indicator_name");
	iv->end = hg_latest_end(vs);
	iv->sii_s = hg_series(d, iv->id, "sii");
	iv->gap_s = hg_series(d, iv->id, "gap_abs");
	hg_view_build(d, vs, iv->id, 1, &iv->value);
	hg_view_build(d, iv->sii_s, iv->id, 0, &iv->sii);
	hg_view_build(d, iv->gap_s, iv->id, 0, &iv->gap);
}

static void hg_ind_close(hg_ind_view *iv)
{
	hg_view_free(&iv->value);
	hg_view_free(&iv->sii);
	hg_view_free(&iv->gap);
}

/* ---- executive summary ---- */

typedef struct hg_tally {
	int gradient, n, pass, fail, hitmiss, narrowing, widening;
	hg_buf narrow, widen, outliers;
} hg_tally;

static void hg_list_add(hg_buf *b, const char *s)
{
	if (b->n)
		hg_buf_puts(b, ", ");
	hg_put_esc(b, s);
}

static void hg_tally_ind(hg_tally *t, const hg_bd_data *d, const hg_ind_view *iv)
{
	t->n++;
	json_t *s = hg_measure(d, iv->id, iv->end, hg_js(iv->sii_s, "breakdown"), "sii", NULL);
	double lo = s ? hg_jn(s, "lower_ci95") : NAN, hi = s ? hg_jn(s, "upper_ci95") : NAN;
	t->gradient += lo > 0 || hi < 0;
	if (iv->value.ok && isfinite(iv->value.rows[iv->value.n - 1].target)) {
		int a = iv->value.rows[iv->value.n - 1].assurance;
		t->pass += a == HG_SPC_ASSURE_PASS;
		t->fail += a == HG_SPC_ASSURE_FAIL;
		t->hitmiss += a == HG_SPC_ASSURE_INCONSISTENT;
	}
	const hg_mon_view *g = iv->sii.ok ? &iv->sii : &iv->gap;
	if (g->ok) {
		int pt = g->rows[g->n - 1].point_type;
		if (pt == HG_SPC_PT_IMPROVEMENT)
			t->narrowing++, hg_list_add(&t->narrow, iv->name);
		if (pt == HG_SPC_PT_CONCERN)
			t->widening++, hg_list_add(&t->widen, iv->name);
	}
}

static void hg_tally_outliers(hg_tally *t, const hg_bd_data *d)
{
	json_t *fs = json_object_get(d->ineq, "funnels"), *f, *p;
	size_t k, m;
	json_array_foreach(fs, k, f)
	{
		json_array_foreach(json_object_get(f, "practices"), m, p)
		{
			const char *sig = hg_js(p, "significance");
			if (strstr(sig, "0.001")) {
				char s[160];
				snprintf(s, sizeof s, "%s (%s, %s)", hg_js(p, "practice"),
				         hg_js(f, "indicator_id"),
				         strncmp(sig, "High", 4) ? "low" : "high");
				hg_list_add(&t->outliers, s);
			}
		}
	}
}

static void hg_messages(hg_buf *b, hg_tally *t)
{
	hg_buf_puts(b, "<h3>Key messages</h3><ul class=\"messages\">");
	hg_buf_printf(
	    b,
	    "<li><b>%d of %d</b> indicators show a significant gradient across deprivation "
	    "in the latest period (slope index of inequality, 95%% CI excludes zero).</li>",
	    t->gradient, t->n);
	hg_buf_printf(
	    b,
	    "<li>Gaps <b>narrowing</b> (special-cause improvement in the SII or Q1&ndash;Q5 "
	    "gap): %d%s%s%s.</li>",
	    t->narrowing, t->narrow.n ? " &ndash; " : "",
	    t->narrow.n ? hg_buf_cstr(&t->narrow) : "", "");
	hg_buf_printf(b, "<li>Gaps <b>widening</b> (special-cause concern): %d%s%s.</li>",
	              t->widening, t->widen.n ? " &ndash; " : "",
	              t->widen.n ? hg_buf_cstr(&t->widen) : "");
	hg_buf_printf(b,
	              "<li>Against targets: <b>%d</b> consistently passing, <b>%d</b> consistently "
	              "failing, <b>%d</b> hit and miss.</li>",
	              t->pass, t->fail, t->hitmiss);
	hg_buf_printf(b, "<li>Practices outside the 99.8%% funnel limits: %s.</li></ul>",
	              t->outliers.n ? hg_buf_cstr(&t->outliers) : "none");
}

static void hg_summary_row(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	json_t *all = hg_measure(d, iv->id, iv->end, "All", "people_to_target", NULL);
	json_t *gap = hg_measure(d, iv->id, iv->end, hg_js(iv->gap_s, "breakdown"), "gap_abs", "1");
	json_t *sii = hg_measure(d, iv->id, iv->end, hg_js(iv->sii_s, "breakdown"), "sii", NULL);
	json_t *ppl = hg_measure(d, iv->id, iv->end, hg_js(iv->gap_s, "breakdown"),
	                         "people_to_close_gap", "1");
	char v[32], t[32];
	hg_buf_printf(b, "<tr><td><a href=\"#ind-%s\">", iv->id);
	hg_put_esc(b, iv->name);
	hg_buf_printf(b, "</a><br><span class=\"note\">%s</span>", iv->id);
	hg_fmt(iv->value.n ? iv->value.rows[iv->value.n - 1].value : NAN, v, sizeof v);
	hg_fmt(iv->value.n ? iv->value.rows[iv->value.n - 1].target : NAN, t, sizeof t);
	hg_buf_printf(b, "</td><td class=\"num\"><b>%s</b></td><td class=\"num\">%s</td><td>", v,
	              t);
	hg_icons(b, &iv->value, 26);
	hg_buf_puts(b, "</td><td class=\"num\">");
	hg_put_ci(b, gap);
	hg_put_judge(b, gap);
	hg_buf_puts(b, "</td><td class=\"num\">");
	hg_put_ci(b, sii);
	hg_buf_puts(b, "</td><td>");
	hg_icons(b, iv->sii.ok ? &iv->sii : &iv->gap, 26);
	hg_fmt_people(ppl ? hg_jn(ppl, "value") : NAN, v, sizeof v);
	hg_buf_printf(b, "</td><td class=\"num\">%s</td>", v);
	hg_fmt_people(all ? hg_jn(all, "value") : NAN, v, sizeof v);
	hg_buf_printf(b, "<td class=\"num\">%s</td></tr>\n", v);
}

static void hg_summary(hg_buf *b, const hg_bd_data *d, hg_ind_view *ivs, size_t n)
{
	hg_tally t = {0};
	for (size_t k = 0; k < n; k++)
		hg_tally_ind(&t, d, &ivs[k]);
	hg_tally_outliers(&t, d);
	hg_buf_puts(b, "<section class=\"page summary\"><h2>Executive summary</h2>");
	hg_messages(b, &t);
	/* the key goes above the table: below it, a full page of rows would orphan it */
	hg_buf_puts(b,
	            "<h3>Indicators at a glance</h3><p class=\"note\">Icons: Making Data Count "
	            "variation (left: "
	            "grey common cause; blue improvement; orange concern; H/L high/low) and "
	            "assurance (right: P consistently passing, F consistently failing, ? hit and "
	            "miss). Gap trend is the SPC of the SII over time: improvement means the gap "
	            "is narrowing. Q1 is the most deprived quintile.</p>"
	            "<table><thead><tr><th>Indicator</th>"
	            "<th>Latest</th><th>Target</th><th>Trend &amp; assurance</th>"
	            "<th>Gap Q1&minus;Q5 (95% CI)</th><th>SII (95% CI)</th><th>Gap trend</th>"
	            "<th>People to close Q1 gap</th><th>People to reach target</th></tr></thead>"
	            "<tbody>\n");
	for (size_t k = 0; k < n; k++)
		hg_summary_row(b, d, &ivs[k]);
	hg_buf_puts(b, "</tbody></table></section>\n");
	hg_buf_free(&t.narrow);
	hg_buf_free(&t.widen);
	hg_buf_free(&t.outliers);
}

/* ---- one page per indicator ---- */

static void hg_tile(hg_buf *b, const char *k, json_t *r, const char *sub)
{
	char v[32];
	if (!strncmp(k, "People", 6))
		hg_fmt_people(r ? hg_jn(r, "value") : NAN, v, sizeof v);
	else
		hg_fmt(r ? hg_jn(r, "value") : NAN, v, sizeof v);
	hg_buf_printf(b,
	              "<div class=\"tile\"><div class=\"k\">%s</div><div class=\"v\">%s</div>"
	              "<div class=\"s\">",
	              k, v);
	if (r && isfinite(hg_jn(r, "lower_ci95"))) {
		char l[32], u[32];
		hg_fmt(hg_jn(r, "lower_ci95"), l, sizeof l);
		hg_fmt(hg_jn(r, "upper_ci95"), u, sizeof u);
		hg_buf_printf(b, "95%% CI %s to %s", l, u);
	} else if (r && hg_js(r, "note")[0] && !isfinite(hg_jn(r, "value"))) {
		hg_put_esc(b, hg_js(r, "note"));
	}
	hg_buf_printf(b, "%s</div></div>", sub ? sub : "");
}

/* Published rows of one breakdown in the latest period, from indicators.json. */
static size_t hg_rows_of(const hg_bd_data *d, const char *id, const char *end, const char *bd,
                         json_t **out, size_t max)
{
	size_t n = 0, k;
	json_t *r;
	json_array_foreach(d->rows, k, r)
	{
		if (n < max && !strcmp(hg_js(r, "indicator_id"), id) &&
		    !strcmp(hg_js(r, "period_end"), end) && !strcmp(hg_js(r, "breakdown"), bd) &&
		    strcmp(hg_js(r, "category"), "Unknown"))
			out[n++] = r;
	}
	return n;
}

static void hg_sii_section(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	const char *bd = hg_js(iv->sii_s, "breakdown");
	json_t *rows[16];
	size_t n = bd[0] ? hg_rows_of(d, iv->id, iv->end, bd, rows, 16) : 0;
	if (n < 5)
		return;
	const char *labels[16];
	double val[16], lo[16], hi[16], pop[16];
	int sup[16];
	for (size_t k = 0; k < n; k++) {
		labels[k] = hg_js(rows[k], "category");
		val[k] = hg_jn(rows[k], "value"), lo[k] = hg_jn(rows[k], "lower_ci95");
		hi[k] = hg_jn(rows[k], "upper_ci95"), pop[k] = hg_jn(rows[k], "denominator");
		sup[k] = json_is_true(json_object_get(rows[k], "suppressed"));
	}
	json_t *s = hg_measure(d, iv->id, iv->end, bd, "sii", NULL);
	char id[96], title[300], unit[64];
	snprintf(id, sizeof id, "sii-%s", iv->id);
	snprintf(title, sizeof title, "%s by %s, period ending %s", iv->name,
	         !strcmp(bd, "imd_decile") ? "IMD decile" : "IMD quintile", iv->end);
	hg_sii_chart c = {
	    .id = id,
	    .title = title,
	    .desc = "Bars span each group's share of the population, most deprived "
	            "on the left; the line is the fitted slope (SII).",
	    .value_label = hg_unit_label(hg_js(iv->value_s, "value_type"), unit, sizeof unit),
	    .cat_label = !strcmp(bd, "imd_decile") ? "IMD decile (1 = most deprived)"
	                                           : "IMD quintile (1 = most deprived)",
	    .n = n,
	    .labels = labels,
	    .value = val,
	    .lo = lo,
	    .hi = hi,
	    .pop = pop,
	    .suppressed = sup,
	    .sii = s ? hg_jn(s, "value") : NAN,
	    .width = 920};
	hg_buf_puts(b, "<h3>Gradient across deprivation</h3><div class=\"chart\">");
	hg_chart_sii(b, &c);
	hg_buf_puts(b, "</div>");
	if (s && hg_js(s, "note")[0]) {
		hg_buf_puts(b, "<p class=\"note\">SII: ");
		hg_put_esc(b, hg_js(s, "note"));
		hg_buf_puts(b, "</p>");
	}
}

static void hg_spc_section(hg_buf *b, const hg_ind_view *iv, const hg_mon_view *v, const char *what,
                           const char *ylab)
{
	if (!v->n)
		return;
	hg_spc_chart_pt *pts = hg_xcalloc(v->n, sizeof *pts);
	for (size_t k = 0; k < v->n; k++) {
		const hg_mon_row *r = &v->rows[k];
		pts[k] = (hg_spc_chart_pt){v->labels[k], r->value, r->mean,
		                           r->lpl,       r->upl,   r->point_type};
	}
	char id[96], title[300];
	snprintf(id, sizeof id, "spc-%s-%s", what, iv->id);
	snprintf(title, sizeof title, "%s: %s over time (XmR chart)", iv->name, what);
	const hg_mon_row *last = &v->rows[v->n - 1];
	hg_spc_chart c = {.id = id,
	                  .title = title,
	                  .desc = "Statistical process control chart with mean and process limits; "
	                          "coloured points are special causes.",
	                  .value_label = ylab,
	                  .pts = pts,
	                  .n = v->n,
	                  .target = last->target,
	                  .variation = v->ok ? last->variation : -1,
	                  .assurance = isfinite(last->target) ? last->assurance : 0,
	                  .width = 920,
	                  .height = 280};
	hg_buf_puts(b, "<div class=\"chart\">");
	hg_chart_spc(b, &c);
	hg_buf_puts(b, "</div>");
	free(pts);
}

static void hg_eth_section(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	json_t *arr = json_object_get(d->ineq, "measures"), *r;
	size_t k;
	int any = 0;
	json_array_foreach(arr, k, r)
	{
		if (strcmp(hg_js(r, "indicator_id"), iv->id) ||
		    strcmp(hg_js(r, "period_end"), iv->end) ||
		    strcmp(hg_js(r, "measure"), "gap_to_best"))
			continue;
		if (!any++)
			hg_buf_puts(
			    b, "<h3>Ethnic groups and PLUS groups: gap to the best-off group</h3>"
			       "<table><thead><tr><th>Breakdown</th><th>Group</th><th>Compared "
			       "with</th><th>Gap (95% CI)</th><th>People to close the gap</th>"
			       "</tr></thead><tbody>");
		json_t *p = hg_measure(d, iv->id, iv->end, hg_js(r, "breakdown"),
		                       "people_to_close_gap", hg_js(r, "category"));
		char v[32];
		hg_fmt_people(p ? hg_jn(p, "value") : NAN, v, sizeof v);
		hg_buf_puts(b, "<tr><td>");
		hg_put_esc(b, hg_js(r, "breakdown"));
		hg_buf_puts(b, "</td><td>");
		hg_put_esc(b, hg_js(r, "category"));
		hg_buf_puts(b, "</td><td>");
		hg_put_esc(b, hg_js(r, "reference"));
		hg_buf_puts(b, "</td><td class=\"num\">");
		hg_put_ci(b, r);
		hg_put_judge(b, r);
		hg_buf_printf(b, "</td><td class=\"num\">%s</td></tr>", v);
	}
	if (any)
		hg_buf_puts(b, "</tbody></table>");
}

static void hg_funnel_section(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	json_t *fs = json_object_get(d->ineq, "funnels"), *f = NULL, *x;
	size_t k;
	json_array_foreach(fs, k, x) if (!strcmp(hg_js(x, "indicator_id"), iv->id)) f = x;
	if (!f)
		return;
	json_t *lim = json_object_get(f, "limits"), *pr = json_object_get(f, "practices");
	size_t nl = json_array_size(lim), np = json_array_size(pr);
	hg_funnel_chart_lim *l = hg_xcalloc(nl + 1, sizeof *l);
	hg_funnel_chart_dot *dots = hg_xcalloc(np + 1, sizeof *dots);
	int rate = !strcmp(hg_js(f, "statistic"), "rate");
	double base = NAN;
	json_array_foreach(lim, k, x)
	{
		l[k] =
		    (hg_funnel_chart_lim){hg_jn(x, "x"), hg_jn(x, "lower_95"), hg_jn(x, "upper_95"),
		                          hg_jn(x, "lower_99_8"), hg_jn(x, "upper_99_8")};
		base = hg_jn(x, "baseline");
	}
	json_array_foreach(pr, k, x)
	{
		const char *sig = hg_js(x, "significance");
		dots[k] = (hg_funnel_chart_dot){hg_js(x, "practice"),
		                                hg_jn(x, rate ? "numerator" : "denominator"),
		                                hg_jn(x, "value"),
		                                !strcmp(sig, "High (0.001)")   ? 0
		                                : !strcmp(sig, "High (0.025)") ? 1
		                                : !strcmp(sig, "Low (0.001)")  ? 2
		                                : !strcmp(sig, "Low (0.025)")  ? 3
		                                                               : 4};
	}
	char id[96], title[300], unit[64];
	snprintf(id, sizeof id, "funnel-%s", iv->id);
	snprintf(title, sizeof title, "%s: practices, period ending %s", iv->name, iv->end);
	hg_funnel_plot c = {.id = id,
	                    .title = title,
	                    .desc = "Funnel plot of practices with 95% and 99.8% control limits.",
	                    .value_label =
	                        hg_unit_label(hg_js(iv->value_s, "value_type"), unit, sizeof unit),
	                    .x_label = rate ? "Events" : "Denominator (people)",
	                    .lims = l,
	                    .nlims = nl,
	                    .dots = dots,
	                    .ndots = np,
	                    .baseline = base,
	                    .width = 920};
	hg_buf_puts(b, "<h3>Where to act: practices</h3><div class=\"chart\">");
	hg_chart_funnel(b, &c);
	hg_buf_puts(b, "</div>");
	free(l);
	free(dots);
}

static void hg_dq_line(hg_buf *b, json_t *r)
{
	char e[32], i[32];
	hg_fmt(r ? hg_jn(r, "pct_ethnicity_not_stated") : NAN, e, sizeof e);
	hg_fmt(r ? hg_jn(r, "pct_imd_unknown") : NAN, i, sizeof i);
	hg_buf_printf(b,
	              "<p class=\"dq\"><b>Data quality</b> (denominator, latest period): ethnicity "
	              "not stated %s%%; IMD unknown %s%%.</p>",
	              e, i);
}

static void hg_ind_page(hg_buf *b, const hg_bd_data *d, const hg_ind_view *iv)
{
	const char *gbd = hg_js(iv->gap_s, "breakdown"), *sbd = hg_js(iv->sii_s, "breakdown");
	json_t *sii = hg_measure(d, iv->id, iv->end, sbd, "sii", NULL);
	json_t *gap = hg_measure(d, iv->id, iv->end, gbd, "gap_abs", "1");
	json_t *ppl = hg_measure(d, iv->id, iv->end, gbd, "people_to_close_gap", "1");
	json_t *any = hg_measure(d, iv->id, iv->end, NULL, "vs_all", NULL);
	hg_buf_printf(b, "<section class=\"page\" id=\"ind-%s\"><h2>", iv->id);
	hg_put_esc(b, iv->name);
	hg_buf_puts(b, "</h2><p class=\"note\">");
	hg_put_esc(b, iv->id);
	hg_buf_puts(b, " &middot; ");
	hg_put_esc(b, hg_js(iv->value_s, "value_type"));
	hg_buf_puts(b, " &middot; polarity ");
	const hg_objective *ob = hg_objectives_find(d->obj, iv->id);
	hg_put_esc(b, ob ? hg_polarity_name(ob->polarity) : hg_js(iv->value_s, "polarity"));
	hg_buf_printf(b, " &middot; latest period ending %s</p><div class=\"tiles\">", iv->end);
	char v[32];
	hg_fmt(iv->value.n ? iv->value.rows[iv->value.n - 1].value : NAN, v, sizeof v);
	hg_buf_printf(b,
	              "<div class=\"tile\"><div class=\"k\">Latest value</div><div class=\"v\">%s"
	              "</div><div class=\"s\">",
	              v);
	hg_icons(b, &iv->value, 22);
	hg_buf_puts(b, "</div></div>");
	hg_tile(b, "Slope index of inequality", sii, NULL);
	hg_tile(b, "Gap Q1 &minus; Q5", gap, NULL);
	hg_tile(b, "People to close Q1 gap", ppl, NULL);
	hg_buf_puts(b, "</div>");
	hg_dq_line(b, sii ? sii : any);
	hg_sii_section(b, d, iv);
	hg_buf_puts(b, "<h3>Progress over time</h3>");
	char unit[64];
	hg_spc_section(b, iv, &iv->value, "value",
	               hg_unit_label(hg_js(iv->value_s, "value_type"), unit, sizeof unit));
	hg_spc_section(b, iv, iv->sii.n ? &iv->sii : &iv->gap, iv->sii.n ? "SII" : "Q1-Q5 gap",
	               iv->sii.n ? "Slope index of inequality" : "Gap Q1 - Q5");
	hg_eth_section(b, d, iv);
	hg_funnel_section(b, d, iv);
	hg_buf_puts(b, "</section>\n");
}

static void hg_methods(hg_buf *b, const hg_bd_data *d)
{
	json_t *sdc = json_object_get(d->meta, "disclosure_control");
	hg_buf_puts(b,
	            "<section class=\"page\"><h2>Methods and data quality</h2>"
	            "<h3>Inequality measures</h3><p>The <b>slope index of inequality</b> (SII) is "
	            "the difference in the fitted value between the least and most deprived ends "
	            "of the population, from a population-weighted regression of each IMD decile "
	            "or quintile's value on its cumulative population midpoint (PHE phe_sii; "
	            "log/logit scale for rates and proportions; 95% and 99.8% limits by "
	            "simulation). A positive SII means the value rises with affluence. The "
	            "relative index (RII) is the ratio of the two ends. The <b>gap</b> is Q1 "
	            "(most deprived) minus Q5 with limits by the MOVER method (Newcombe 1998). "
	            "Each group is compared with the whole population as Fingertips does: better "
	            "or worse when its 95% interval excludes the whole population's value, "
	            "judged with the indicator's polarity.</p>"
	            "<h3>People needed to close the gap</h3><p>How many more people in the "
	            "group would need to meet the numerator (or, where lower is better, fewer) for "
	            "its rate to equal the reference: (reference &minus; value) &times; "
	            "denominator, rounded up and then to the nearest 5.</p>"
	            "<h3>Monitoring</h3><p>Making Data Count XmR charts (NHSRplotthedots rules: "
	            "a point outside the limits, 7-point trends and shifts, 2 of 3 near a limit) "
	            "of each indicator's value, its SII and its Q1&ndash;Q5 gap. For the gaps, "
	            "improvement means moving towards zero. Assurance compares the target with "
	            "the process limits; the gap target is the first period's gap reduced by the "
	            "objective's gap-reduction target.</p>"
	            "<h3>Where to act</h3><p>Practice funnel plots use the PHE funnel limits "
	            "(95% and 99.8%) around the average of all practices; practices beyond the "
	            "99.8% limit are named.</p><h3>Disclosure control</h3><p>");
	hg_put_esc(b, hg_js(sdc, "description"));
	hg_buf_puts(b, ". Every measure and chart point uses only published cells: an SII needs "
	               "every quantile published, a gap needs both groups; otherwise it is shown "
	               "as n/a with the reason.</p><h3>Data quality</h3><p>Beside every measure: "
	               "the share of the indicator's denominator with ethnicity not stated, and "
	               "with no IMD (no valid LSOA). Large shares weaken ethnic and deprivation "
	               "comparisons.</p><h3>Provenance</h3><table><tbody>");
	const char *keys[] = {"pack", "pack_hash_blake2b256", "store_snapshot",
	                      "store_manifest_hash_blake2b256", "run_at"};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		hg_buf_printf(b, "<tr><th>%s</th><td>", keys[k]);
		hg_put_esc(b, hg_js(d->meta, keys[k]));
		hg_buf_puts(b, "</td></tr>");
	}
	hg_buf_puts(b, "<tr><th>objectives</th><td>");
	hg_put_esc(b,
	           d->obj ? d->obj->path : hg_js(json_object_get(d->ineq, "objectives"), "file"));
	hg_buf_puts(b, "</td></tr></tbody></table></section>\n");
}

static void hg_bd_free(hg_bd_data *d)
{
	json_decref(d->meta);
	json_decref(d->rows);
	json_decref(d->ineq);
	json_decref(d->mon);
}

static int hg_bd_load(hg_bd_data *d, const char *dir, hg_err *err)
{
	if (hg_load_json(dir, "metadata.json", &d->meta, err) ||
	    hg_load_json(dir, "indicators.json", &d->rows, err) ||
	    hg_load_json(dir, "inequalities.json", &d->ineq, err) ||
	    hg_load_json(dir, "monitoring.json", &d->mon, err))
		return err->code ? err->code : HG_EINPUT;
	return 0;
}

int hg_board_render(const hg_board_opts *o, hg_buf *html, hg_err *err)
{
	hg_bd_data d = {.obj = o->obj};
	if (hg_bd_load(&d, o->results_dir, err) != 0) {
		hg_bd_free(&d);
		return 1;
	}
	json_t *ser = json_object_get(d.mon, "series"), *s;
	size_t k, n = 0;
	hg_ind_view *ivs = hg_xcalloc(json_array_size(ser) + 1, sizeof *ivs);
	json_array_foreach(ser, k, s) if (!strcmp(hg_js(s, "series"), "value"))
	    hg_ind_open(&d, s, &ivs[n++]);
	const char *title = o->title ? o->title : "Health inequalities: Core20PLUS5 board report";
	hg_head(html, title);
	hg_cover(html, &d, title, n ? ivs[0].end : "");
	hg_summary(html, &d, ivs, n);
	for (k = 0; k < n; k++)
		hg_ind_page(html, &d, &ivs[k]);
	hg_methods(html, &d);
	hg_buf_puts(html, "<footer>Produced offline by healthgap from disclosure-controlled "
	                  "aggregates; no person-level data.</footer></body></html>\n");
	for (k = 0; k < n; k++)
		hg_ind_close(&ivs[k]);
	free(ivs);
	hg_bd_free(&d);
	return 0;
}
