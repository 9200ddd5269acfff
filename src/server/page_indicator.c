/*
 * page_indicator.c: the indicator page: title, period filter and downloads,
 * headline figures, then its sections (ip_sections): the trend with CIs,
 * one chart per breakdown the role may see, the table of every figure shown
 * (what the downloads hold), and the definition and method. Extend it by
 * adding a section (see ip_sections and pages.h).
 */
#include "lang/lang.h"
#include "report/chart.h"
#include "report/labels.h"
#include "report/svg.h"
#include "server/html.h"
#include "server/pages.h"
#include "server/summary.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Breakdowns charted one bar per category: the single-dimension ones. */
static int bd_charted(const hg_breakdown *bd)
{
	return bd->n == 1 && bd->kind[0] != HG_BD_FLAG;
}

static void ip_chart(hg_ipage *ip, hg_buf *b, int bd)
{
	const hg_breakdown *d = &ip->ind->bds[bd];
	if (!bd_charted(d))
		return;
	char title[200], axis[240];
	int ordered = d->kind[0] == HG_BD_IMDQ || d->kind[0] == HG_BD_IMDD;
	hg_ip_bd_label(ip, d->name, title, sizeof title);
	snprintf(axis, sizeof axis, "%s%s", title, ordered ? ": 1 = most deprived" : "");
	size_t n = 0;
	hg_bar *bars = hg_xcalloc(ip->rows.n + 1, sizeof *bars);
	for (size_t k = 0; k < ip->rows.n; k++) {
		const hg_pub_row *x = &ip->rows.rows[k];
		/* Unknown is not a group to compare; nobody in the denominator: not applicable */
		if (x->bd != bd || !strcmp(x->category, "Unknown") ||
		    hg_label_not_applicable(x->suppressed, x->num, x->den, x->note))
			continue;
		bars[n++] = (hg_bar){x->category, x->value, x->lo95, x->hi95, x->suppressed};
	}
	char id[160], ctitle[400], desc[500];
	snprintf(id, sizeof id, "chart-%s", d->name);
	/* "... by ethnic group", "... by GP practice": lower case unless an acronym */
	int lower = islower((unsigned char)title[1]);
	snprintf(ctitle, sizeof ctitle, "%s by %c%s", ip->ind->name,
	         lower ? tolower((unsigned char)title[0]) : title[0], title + 1);
	snprintf(desc, sizeof desc,
	         "Bar chart of the value (%s) for each group, with 95%% confidence intervals as "
	         "whiskers and the whole area as a dashed line. Groups with nobody in the "
	         "denominator are left out. The same figures are in the table below.",
	         ip->unit);
	hg_bar_chart c = {.id = id,
	                  .title = ctitle,
	                  .desc = desc,
	                  .value_label = ip->unit,
	                  .cat_label = axis,
	                  .bars = bars,
	                  .n = n,
	                  .ref = ip->all_value,
	                  .ref_label = "Whole area",
	                  .palette = ordered ? HG_PAL_DEPRIVATION : HG_PAL_SINGLE,
	                  .vertical = ordered || d->kind[0] == HG_BD_SEX,
	                  .width = 560,
	                  .from_zero = 1};
	hg_buf_puts(b, "<section class=\"hg-card\" aria-labelledby=\"h-");
	hg_html_text(b, d->name);
	hg_buf_puts(b, "\"><h2 id=\"h-");
	hg_html_text(b, d->name);
	hg_buf_puts(b, "\">");
	hg_html_text(b, title);
	hg_buf_puts(b, "</h2><figure>");
	hg_chart_bars(b, &c);
	hg_buf_puts(b, "</figure></section>");
	free(bars);
}

/* Series of one category of a breakdown over all periods (the time-series chart). */
static size_t ip_series(hg_ipage *ip, const char *bd, const char *cat, hg_ts_point *pts)
{
	hg_pub_rows p;
	hg_query_spec spec = {ip->ind->id, bd, "all"};
	hg_err err = {0};
	size_t n = 0;
	if (hg_results_query(ip->q->res, &ip->q->sess.user, &spec, &p, &err) != HG_Q_OK)
		return 0;
	for (size_t k = 0; k < p.n && n < (size_t)ip->ind->nperiods; k++) {
		const hg_pub_row *x = &p.rows[k];
		if (strcmp(x->category, cat))
			continue;
		/* labels point into ind->periods via a static buffer per point */
		pts[n] = (hg_ts_point){NULL, x->value, x->lo95, x->hi95, x->suppressed};
		n++;
	}
	hg_pub_rows_free(&p);
	return n;
}

static void ip_timeseries(hg_ipage *ip, hg_buf *b)
{
	int np = ip->ind->nperiods;
	if (np < 2)
		return;
	hg_ts_point *pts = hg_xcalloc((size_t)np * 3, sizeof *pts);
	char(*labels)[11] = hg_xcalloc((size_t)np, 11);
	for (int j = 0; j < np; j++)
		hg_date_format(ip->ind->periods[j].end, labels[j]);
	hg_ts_series se[3];
	size_t ns = 0;
	int prac = ip->q->sess.user.role == HG_ROLE_PRACTICE;
	const char *specs[3][3] = {{"all", "All", "Whole area"},
	                           {prac ? "practice" : "imd_quintile",
	                            prac ? ip->q->sess.user.practice : "1",
	                            prac ? "Your practice" : "Most deprived fifth"},
	                           {"imd_quintile", "5", "Least deprived fifth"}};
	char pbd[64], q1[200], q5[200];
	const hg_place *pl = &ip->place;
	if (pl->kind[0]) { /* the place's series, and its fifths when broken down so */
		snprintf(pbd, sizeof pbd, "%s x imd_quintile", pl->kind);
		snprintf(q1, sizeof q1, "%s / 1", pl->cat);
		snprintf(q5, sizeof q5, "%s / 5", pl->cat);
		const char *ps[3][3] = {{pl->kind, pl->cat, pl->cat},
		                        {pbd, q1, "Most deprived fifth"},
		                        {pbd, q5, "Least deprived fifth"}};
		memcpy(specs, ps, sizeof specs);
	}
	for (int k = 0; k < 3; k++) {
		hg_ts_point *p = pts + (size_t)np * ns;
		size_t n = ip_series(ip, specs[k][0], specs[k][1], p);
		if (n != (size_t)np)
			continue;
		for (int j = 0; j < np; j++)
			p[j].label = labels[j];
		se[ns++] = (hg_ts_series){specs[k][2], p, n};
	}
	char title[300];
	snprintf(title, sizeof title, "%s over time", ip->ind->name);
	hg_ts_chart c = {"chart-trend",
	                 title,
	                 "Line chart of the value in each period with its 95% confidence "
	                 "interval as a shaded band, for the whole area (or the place chosen) "
	                 "and the most and least deprived fifths of neighbourhoods (IMD "
	                 "quintiles 1 and 5).",
	                 ip->unit,
	                 "Period end",
	                 se,
	                 ns,
	                 1120,
	                 340,
	                 1};
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-trend\"><h2 "
	               "id=\"h-trend\">Trend</h2><figure>");
	if (ns)
		hg_chart_timeseries(b, &c);
	hg_buf_puts(b, "</figure></section>");
	free(pts);
	free(labels);
}

/* The value cell of the table: the number, or why there is none. */
static void ip_value_cell(hg_buf *b, const hg_pub_row *x)
{
	if (x->suppressed)
		hg_buf_puts(b, "<span class=\"hg-na\">suppressed</span>");
	else if (hg_label_not_applicable(x->suppressed, x->num, x->den, x->note))
		hg_buf_puts(b, "<span class=\"hg-na\">" HG_LABEL_NOT_APPLICABLE "</span>");
	else
		hg_page_num(b, x->value);
}

static void ip_table_row(hg_ipage *ip, hg_buf *b, const hg_pub_row *x)
{
	char l[200], note[400];
	int na = hg_label_not_applicable(x->suppressed, x->num, x->den, x->note);
	hg_ip_bd_label(ip, x->breakdown, l, sizeof l);
	hg_buf_puts(b, "<tr><td>");
	hg_html_text(b, l);
	hg_buf_puts(b, "</td><th scope=\"row\">");
	hg_label_category(x->breakdown, x->category, l, sizeof l);
	hg_html_text(b, l);
	hg_buf_puts(b, "</th><td class=\"num\">");
	hg_page_count(b, na ? NAN : x->num);
	hg_buf_puts(b, "</td><td class=\"num\">");
	hg_page_count(b, na ? NAN : x->den);
	hg_buf_puts(b, "</td><td class=\"num\">");
	ip_value_cell(b, x);
	hg_buf_puts(b, "</td><td class=\"num\">");
	if (!x->suppressed && isfinite(x->lo95)) {
		hg_page_num(b, x->lo95);
		hg_buf_puts(b, "&ndash;");
		hg_page_num(b, x->hi95);
	}
	hg_buf_puts(b, "</td><td>");
	hg_label_note(x->suppressed ? "small numbers" : x->note, note, sizeof note);
	hg_html_text(b, note);
	hg_buf_puts(b, "</td></tr>");
}

static void ip_table(hg_ipage *ip, hg_buf *b)
{
	hg_buf_printf(b,
	              "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-table\"><h2 "
	              "id=\"h-table\">Table</h2><details><summary>Show all %zu figures of this "
	              "page</summary>",
	              ip->rows.n);
	hg_buf_printf(b,
	              "<div class=\"hg-table-wrap\"><table class=\"hg-table\" "
	              "id=\"data-table\"><caption>%s</caption><thead><tr><th ",
	              ip->place.kind[0] ? "Every figure of this place (the downloads hold every "
	                                  "row of the indicator)"
	                                : "Every figure shown on this page (the downloads hold "
	                                  "exactly these rows)");
	hg_buf_puts(b, "scope=\"col\">Breakdown</th><th scope=\"col\">Group</th><th "
	               "scope=\"col\" class=\"num\">Numerator</th><th scope=\"col\" "
	               "class=\"num\">Denominator</th><th scope=\"col\" class=\"num\">Value (");
	hg_html_text(b, ip->unit);
	hg_buf_puts(b, ")</th><th scope=\"col\" class=\"num\">95% CI</th><th scope=\"col\">Note"
	               "</th></tr></thead><tbody>");
	for (size_t k = 0; k < ip->rows.n; k++)
		ip_table_row(ip, b, &ip->rows.rows[k]);
	hg_buf_puts(b, "</tbody></table></div></details></section>");
}

static const char *method_text(int type)
{
	switch (type) {
	case HG_IND_PROPORTION:
		return "Proportion of the denominator meeting the numerator; 95% and 99.8% "
		       "confidence intervals by the Wilson score method.";
	case HG_IND_RATE:
		return "Crude rate per year per the stated population; confidence intervals by "
		       "Byar's method (exact for small counts).";
	case HG_IND_DSR:
		return "Directly standardised rate per year to the 2013 European Standard "
		       "Population; confidence intervals by Dobson's method.";
	case HG_IND_MEAN:
		return "Mean value; confidence intervals from the t distribution.";
	case HG_IND_COUNT:
		return "Count; confidence intervals by Byar's method.";
	case HG_IND_PERCENTILE:
		return "Percentile of the values (Hyndman and Fan type 7, as R's quantile); "
		       "distribution-free confidence intervals from the order statistics.";
	default:
		return "Life expectancy at birth by Chiang's method (abridged life table, 20 "
		       "age bands).";
	}
}

static void ip_head(hg_ipage *ip, hg_buf *b)
{
	hg_buf_puts(b, "<p class=\"hg-crumb\"><a href=\"/\">Overview</a> &rsaquo; ");
	hg_html_text(b, ip->ind->id);
	hg_buf_puts(b, "</p><h1>");
	hg_html_text(b, ip->ind->name);
	hg_buf_puts(b, "</h1><form method=\"get\" class=\"hg-filters\"><label "
	               "for=\"period\">Period ending</label><select id=\"period\" "
	               "name=\"period\" data-autosubmit>");
	for (int j = ip->ind->nperiods - 1; j >= 0; j--) {
		char d[11];
		hg_date_format(ip->ind->periods[j].end, d);
		int sel = ip->period ? !strcmp(ip->period, d) : j == ip->ind->nperiods - 1;
		hg_buf_printf(b, "<option value=\"%s\"%s>%s</option>", d, sel ? " selected" : "",
		              d);
	}
	hg_buf_puts(b, "</select>");
	hg_place_select(b, ip->q, &ip->place);
	hg_buf_puts(b, "<button type=\"submit\" class=\"hg-btn hg-btn-small\">Show</button>");
	if (hg_role_downloads(ip->q->sess.user.role)) {
		for (int k = 0; k < 2; k++) {
			hg_buf_printf(b, "<a class=\"hg-btn hg-btn-secondary\" download "
			                 "href=\"/download/");
			hg_html_urlenc(b, ip->ind->id);
			hg_buf_printf(b, ".%s?period=", k ? "xlsx" : "csv");
			hg_html_urlenc(b, ip->period ? ip->period : "latest");
			hg_buf_printf(b, "\" id=\"download-%s\">Download %s</a>",
			              k ? "xlsx" : "csv", k ? "XLSX" : "CSV");
		}
	}
	hg_buf_puts(b, "</form>");
}

/* A headline figure; whole: a count's (a whole number). */
static void hg_stat(hg_buf *b, const char *label, double v, int whole, const char *extra)
{
	hg_buf_puts(b, "<div class=\"hg-stat\"><span class=\"hg-stat-label\">");
	hg_html_text(b, label);
	hg_buf_puts(b, "</span><span class=\"hg-stat-value\">");
	(whole ? hg_page_whole : hg_page_num)(b, v);
	hg_buf_puts(b, "</span>");
	if (extra) {
		hg_buf_puts(b, "<span class=\"hg-stat-label\">");
		hg_html_text(b, extra);
		hg_buf_puts(b, "</span>");
	}
	hg_buf_puts(b, "</div>");
}

/* The headline of the latest period (from the same role-enforced query layer). */
static void ip_headline(hg_ipage *ip, hg_buf *b)
{
	hg_ind_summary s;
	char ci[96], l[32], h[32], gap[200], where[300];
	const hg_place *pl = &ip->place;
	if (pl->kind[0])
		hg_summarise_place(ip->q->res, &ip->q->sess.user, ip->i, pl->kind, pl->cat, &s);
	else
		hg_summarise(ip->q->res, &ip->q->sess.user, ip->i, &s);
	snprintf(where, sizeof where, "%.200s, latest", pl->cat);
	hg_fmt_value(s.lo95, l, sizeof l);
	hg_fmt_value(s.hi95, h, sizeof h);
	snprintf(ci, sizeof ci, "%s; 95%% CI %s to %s", ip->unit, l, h);
	hg_buf_puts(b, "<div class=\"hg-stats hg-headline\" aria-label=\"Latest period\">");
	hg_stat(b,
	        pl->kind[0]               ? where
	        : strcmp(s.scope, "area") ? "Your practice, latest"
	                                  : "Whole area, latest",
	        s.value, ip->ind->type == HG_IND_COUNT, ci);
	if (isfinite(s.q1) || isfinite(s.q5)) {
		int count = ip->ind->type == HG_IND_COUNT; /* its fifths are whole numbers */
		hg_stat(b, "Most deprived fifth", s.q1, count, NULL);
		hg_stat(b, "Least deprived fifth", s.q5, count, NULL);
		hg_label_diff(ip->ind, s.gap, 1, gap, sizeof gap);
		hg_buf_puts(b, "<div class=\"hg-stat\" id=\"headline-gap\"><span "
		               "class=\"hg-stat-label\">Deprivation gap</span><span "
		               "class=\"hg-stat-words\">");
		hg_html_text(b, gap);
		hg_buf_puts(b, "</span><span class=\"hg-stat-label\">in the most deprived fifth "
		               "than in the least deprived fifth</span></div>");
	}
	hg_buf_puts(b, "<div class=\"hg-stat\"><span class=\"hg-stat-label\">Since the "
	               "previous period</span>");
	hg_page_trend(b, s.trend, s.polarity);
	hg_buf_puts(b, "<span class=\"hg-stat-label\">");
	hg_page_polarity(b, s.polarity);
	hg_buf_puts(b, "</span></div></div>");
}

static void ip_definition(hg_ipage *ip, hg_buf *b)
{
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-def\"><h2 "
	               "id=\"h-def\">Definition and method</h2><dl class=\"hg-dl\"><dt>Indicator"
	               "</dt><dd>");
	hg_html_text(b, ip->ind->id);
	hg_buf_puts(b, ": ");
	hg_html_text(b, ip->ind->name);
	char measure[200];
	hg_label_measure(ip->ind, measure, sizeof measure);
	hg_buf_puts(b, "</dd><dt>Measure</dt><dd>");
	hg_html_text(b, measure);
	hg_buf_printf(b, "</dd><dt>Polarity</dt><dd>%s</dd><dt>Method</dt><dd>",
	              hg_label_polarity(hg_objectives_polarity(ip->q->res->obj, ip->ind->id)));
	hg_html_text(b, method_text(ip->ind->type));
	hg_buf_puts(b, "</dd><dt>Source definition</dt><dd>");
	hg_html_text(b, ip->ind->source ? ip->ind->source : "local definition");
	hg_buf_puts(b, "</dd>");
	if (ip->ind->note) {
		char note[600];
		hg_label_note(ip->ind->note, note, sizeof note);
		hg_buf_puts(b, "<dt>Deviation from the source</dt><dd>");
		hg_html_text(b, note);
		hg_buf_puts(b, "</dd>");
	}
	char rule[400];
	hg_sdc_describe(ip->q->res->sdc_k, 1, rule, sizeof rule);
	rule[0] = (char)toupper((unsigned char)rule[0]);
	hg_buf_printf(b, "<dt>Disclosure control</dt><dd>%s.</dd></dl></section>", rule);
}

/* Every breakdown the role may see, one chart each ("all" is the reference line). */
static void ip_breakdowns(hg_ipage *ip, hg_buf *b)
{
	for (int bd = 1; bd < ip->ind->nbds; bd++)
		if (hg_results_bd_allowed(ip->q->res, &ip->q->sess.user, ip->i, bd))
			ip_chart(ip, b, bd);
}

/* The page's sections, in order, after the title, filters and headline figures. To add a
 * section (e.g. the SII chart, SPC chart, funnel plot or gap table of issue 6), write an
 * hg_ip_section in its own file, declare it in pages.h and list it here. Each section is a
 * card (<section class="hg-card">, "hg-wide" for full width) with an h2, and takes its
 * data only from the role-enforcing query layer (rescache.h) or ip->rows. */
static const hg_ip_section ip_sections[] = {ip_timeseries, hg_ip_sii,    hg_ip_gaps,
                                            hg_ip_spc,     hg_ip_funnel, ip_breakdowns,
                                            ip_table,      ip_definition};

/* With a place chosen: what the place's rows show (the area's analyses are the area's). */
static void ip_place_note(hg_ipage *ip, hg_buf *b)
{
	char t[300];
	hg_place_title(&ip->place, t, sizeof t);
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\" id=\"place-rows\" "
	               "aria-labelledby=\"h-place\"><h2 id=\"h-place\">");
	hg_html_text(b, t);
	hg_buf_printf(b,
	              "</h2><p>%zu published figures of this place: its own row and its rows "
	              "in the indicator's two-way breakdowns by place (in the table below). The "
	              "deprivation gap, SPC and funnel analyses are the whole area's: choose "
	              "&ldquo;Whole area&rdquo; to see them.</p></section>",
	              ip->rows.n);
}

static const hg_ip_section ip_place_sections[] = {ip_place_note, ip_timeseries, ip_table,
                                                  ip_definition};

/* Keep only the place's rows (place.h). */
static void ip_place_rows(hg_ipage *ip)
{
	size_t n = 0;
	for (size_t k = 0; k < ip->rows.n; k++)
		if (hg_place_row(&ip->place, ip->rows.rows[k].breakdown, ip->rows.rows[k].category))
			ip->rows.rows[n++] = ip->rows.rows[k];
	ip->rows.n = n;
}

void hg_page_indicator(hg_req *q, hg_resp *r, const char *id)
{
	hg_ipage ip = {.q = q, .period = hg_req_arg(q, "period"), .all_value = NAN};
	hg_query_spec spec = {id, hg_req_arg(q, "breakdown"), ip.period};
	hg_err err = {0};
	int rc = hg_results_query(q->res, &q->sess.user, &spec, &ip.rows, &err);
	if (rc != HG_Q_OK) {
		if (rc == HG_Q_FORBIDDEN)
			hg_req_audit(q, "forbidden", "page indicator=%.64s breakdown=%.64s", id,
			             spec.breakdown ? spec.breakdown : "");
		hg_page_error(q, r, rc, err.msg);
		return;
	}
	hg_place_get(q, &ip.place);
	if (ip.place.kind[0])
		ip_place_rows(&ip);
	ip.i = hg_results_find(q->res, id);
	ip.ind = q->res->pr->inds[ip.i].ind;
	hg_results_analysis(q->res, &q->sess.user, id, ip.period, &ip.an, &err);
	hg_label_axis(ip.ind, ip.unit, sizeof ip.unit);
	ip.imd = q->res->status.imd;
	for (size_t k = 0; k < ip.rows.n; k++)
		if ((ip.rows.rows[k].bd == 0 ||
		     !strcmp(ip.rows.rows[k].breakdown, ip.place.kind)) &&
		    !ip.rows.rows[k].suppressed)
			ip.all_value = ip.rows.rows[k].value;
	hg_buf *b = &r->body;
	hg_html_begin(b, q, ip.ind->name, "overview");
	ip_head(&ip, b);
	ip_headline(&ip, b);
	hg_buf_puts(b, "<div class=\"hg-grid\">");
	if (ip.place.kind[0])
		for (size_t k = 0; k < sizeof ip_place_sections / sizeof ip_place_sections[0]; k++)
			ip_place_sections[k](&ip, b);
	else
		for (size_t k = 0; k < sizeof ip_sections / sizeof ip_sections[0]; k++)
			ip_sections[k](&ip, b);
	hg_buf_puts(b, "</div>");
	hg_html_end(b, q);
	hg_req_audit(q, "view", "page indicator=%.64s period=%.16s%s%.64s", id,
	             ip.period ? ip.period : "latest", ip.place.kind[0] ? " place=" : "",
	             ip.place.arg);
	hg_pub_rows_free(&ip.rows);
	hg_an_view_free(&ip.an);
	hg_page_ok(r, 200);
}
