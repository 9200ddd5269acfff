/*
 * page_analysis.c: the indicator page's inequality and monitoring sections
 * (pages.h, hg_ip_sections): the SII chart (the fitted slope over the IMD
 * decile or quintile bars, SII and RII with CIs in text), the gap table
 * (Q1 vs Q5 gaps, gaps to the best-off group, people needed to close them,
 * data quality), the Making Data Count SPC charts of the value and of the
 * SII (or gap) with their icons, and the practice funnel plot. Everything
 * comes from ip->an, the role-filtered analysis (rescache.h), and ip->rows;
 * a section the role may not see is simply absent.
 */
#include "lang/lang.h"
#include "report/chart_ineq.h"
#include "report/labels.h"
#include "report/svg.h"
#include "server/html.h"
#include "server/pages.h"
#include "server/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "12.3 (10.1 to 14.5)" or "not available" (the reason is shown beside it). */
static void pa_ci(hg_buf *b, const hg_ineq_row *x)
{
	if (!x || !isfinite(x->value)) {
		hg_buf_puts(b, "<span class=\"hg-na\">not available</span>");
		return;
	}
	hg_page_num(b, x->value);
	if (isfinite(x->lo95) && isfinite(x->hi95)) {
		hg_buf_puts(b, " <span class=\"hg-ci\">(");
		hg_page_num(b, x->lo95);
		hg_buf_puts(b, " to ");
		hg_page_num(b, x->hi95);
		hg_buf_puts(b, ")</span>");
	}
}

static void pa_people(hg_buf *b, const hg_ineq_row *x)
{
	char s[32];
	if (!x || !isfinite(x->value)) {
		hg_buf_puts(b, "-");
		return;
	}
	hg_fmt_tick(round(x->value), 1, s, sizeof s);
	hg_buf_puts(b, s);
}

static void pa_judge(hg_buf *b, const hg_ineq_row *x)
{
	if (!x || !x->comparison[0])
		return;
	hg_buf_puts(b, " <span class=\"hg-tag hg-tag-");
	hg_html_text(b, x->comparison);
	hg_buf_puts(b, "\">");
	hg_html_text(b, hg_label_comparison(x->comparison));
	hg_buf_puts(b, "</span>");
}

/* A difference with its CI, both in words (the value's sign is the measure's, e.g. most minus
 * least deprived). */
static void pa_diff_words(hg_ipage *ip, hg_buf *b, double v, double lo, double hi)
{
	char w[160], c[200];
	hg_label_diff(ip->ind, v, 0, w, sizeof w);
	hg_label_diff_ci(ip->ind, lo, hi, c, sizeof c);
	hg_buf_puts(b, "<span class=\"hg-words\">");
	hg_html_text(b, w);
	if (c[0]) {
		hg_buf_puts(b, " <span class=\"hg-ci\">(");
		hg_html_text(b, c);
		hg_buf_puts(b, ")</span>");
	}
	hg_buf_puts(b, "</span>");
}

/* ---- SII ---- */

typedef struct hg_pa_bars {
	const char *labels[16];
	double val[16], lo[16], hi[16], pop[16];
	int sup[16];
	size_t n;
} hg_pa_bars;

/* The quantile rows of the SII's breakdown and period, from the page's rows. */
static void pa_sii_bars(const hg_ipage *ip, const hg_ineq_row *s, hg_pa_bars *d)
{
	memset(d, 0, sizeof *d);
	for (size_t k = 0; k < ip->rows.n && d->n < 16; k++) {
		const hg_pub_row *x = &ip->rows.rows[k];
		if (x->period != s->period || strcmp(x->breakdown, s->breakdown) ||
		    !strcmp(x->category, "Unknown"))
			continue;
		d->labels[d->n] = x->category;
		d->val[d->n] = x->value, d->lo[d->n] = x->lo95, d->hi[d->n] = x->hi95;
		d->pop[d->n] = x->den, d->sup[d->n] = x->suppressed;
		d->n++;
	}
}

/* The SII and RII in the page's sign convention: most deprived end against the least. */
static void pa_sii_text(hg_ipage *ip, hg_buf *b, const hg_ineq_row *s, const hg_ineq_row *rii)
{
	char w[300];
	hg_buf_puts(b, "<div class=\"hg-stats\" id=\"sii-figures\"><div class=\"hg-stat\"><span "
	               "class=\"hg-stat-label\">Slope index of inequality (SII)</span><span "
	               "class=\"hg-stat-words\">");
	hg_label_sii(ip->ind, s->value, w, sizeof w);
	hg_html_text(b, w);
	hg_buf_puts(b, "</span>");
	if (isfinite(s->value)) {
		/* shown = -SII, so its CI is (-hi, -lo) */
		hg_label_diff_ci(ip->ind, hg_label_sii_shown(s->hi95), hg_label_sii_shown(s->lo95),
		                 w, sizeof w);
		hg_buf_puts(b, "<span class=\"hg-stat-label\">");
		hg_html_text(b, w);
		hg_buf_puts(b, "</span>");
	}
	hg_buf_puts(b, "</div><div class=\"hg-stat\"><span class=\"hg-stat-label\">Relative index "
	               "of inequality (RII)</span><span class=\"hg-stat-words\">");
	if (rii && isfinite(rii->value) && rii->value > 0) {
		char v[32], l[32], h[32];
		hg_fmt_value(1 / rii->value, v, sizeof v);
		hg_fmt_value(1 / rii->hi95, l, sizeof l);
		hg_fmt_value(1 / rii->lo95, h, sizeof h);
		hg_buf_printf(b,
		              "most deprived end %s times the least deprived end</span><span "
		              "class=\"hg-stat-label\">95%% CI %s to %s",
		              v, l, h);
	} else {
		hg_buf_puts(b, "not available");
	}
	hg_buf_puts(b, "</span></div></div><p class=\"hg-note\">");
	if (isfinite(s->value))
		hg_buf_puts(
		    b, "The SII is the modelled difference between the two ends of the "
		       "deprivation scale, read here as the most deprived end minus the least "
		       "deprived end, the same way as every gap on this page; the RII is their "
		       "ratio. Method: ");
	hg_html_text(b, s->note);
	hg_buf_puts(b, "</p>");
}

void hg_ip_sii(hg_ipage *ip, hg_buf *b)
{
	const hg_ineq_row *s = hg_an_find(&ip->an, "sii", "imd_decile", NULL);
	if (!s)
		s = hg_an_find(&ip->an, "sii", "imd_quintile", NULL);
	if (!s)
		return;
	const hg_ineq_row *rii = hg_an_find(&ip->an, "rii", s->breakdown, NULL);
	hg_pa_bars d;
	pa_sii_bars(ip, s, &d);
	int dec = !strcmp(s->breakdown, "imd_decile");
	char title[300], bl[160], axis[200];
	hg_ip_bd_label(ip, s->breakdown, bl, sizeof bl);
	snprintf(axis, sizeof axis, "%s: 1 = most deprived", bl);
	snprintf(title, sizeof title, "%s: gradient across deprivation %s", ip->ind->name,
	         dec ? "deciles" : "quintiles");
	hg_sii_chart c = {.id = "chart-sii",
	                  .title = title,
	                  .desc = "Bars for each deprivation group, as wide as its share of the "
	                          "population, most deprived on the left, with 95% confidence "
	                          "intervals; the line is the fitted slope whose rise from left to "
	                          "right is the slope index of inequality. The figures are given "
	                          "beside the chart.",
	                  .value_label = ip->unit,
	                  .cat_label = axis,
	                  .n = d.n,
	                  .labels = d.labels,
	                  .value = d.val,
	                  .lo = d.lo,
	                  .hi = d.hi,
	                  .pop = d.pop,
	                  .suppressed = d.sup,
	                  .sii = s->value,
	                  .sii_lo = s->lo95,
	                  .sii_hi = s->hi95,
	                  .width = 1120};
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-sii\"><h2 "
	               "id=\"h-sii\">Gradient across deprivation</h2>");
	pa_sii_text(ip, b, s, rii);
	hg_buf_puts(b, "<figure>");
	if (d.n >= 5)
		hg_chart_sii(b, &c);
	hg_buf_puts(b, "</figure></section>");
}

/* ---- gaps ---- */

/* A group or reference of a measure in words ("1 (most deprived)", "White"). */
static void pa_group(hg_buf *b, const char *bd, const char *cat)
{
	char l[200];
	if (!cat[0]) {
		hg_buf_puts(b, "-");
		return;
	}
	hg_label_category(bd, cat, l, sizeof l);
	hg_html_text(b, l);
}

static void pa_gap_row(hg_ipage *ip, hg_buf *b, const char *what, const hg_ineq_row *x,
                       const hg_ineq_row *people)
{
	char note[400];
	int ratio = !strcmp(x->measure, "gap_rel") || !strcmp(x->measure, "ratio_to_best");
	int diff = !strcmp(x->measure, "gap_abs") || !strcmp(x->measure, "gap_to_best");
	hg_buf_puts(b, "<tr><th scope=\"row\">");
	hg_html_text(b, what);
	hg_buf_puts(b, "</th><td data-label=\"Group\">");
	pa_group(b, x->breakdown, x->category);
	hg_buf_puts(b, "</td><td data-label=\"Compared with\">");
	pa_group(b, x->breakdown, x->reference);
	hg_buf_puts(b, "</td><td class=\"num\" data-label=\"Value (95% CI)\">");
	if (!strncmp(x->measure, "people_", 7))
		pa_people(b, x);
	else
		pa_ci(b, x);
	if (diff && isfinite(x->value)) {
		hg_buf_puts(b, "<br>");
		pa_diff_words(ip, b, x->value, x->lo95, x->hi95);
	} else if (ratio && isfinite(x->value)) {
		char v[32];
		hg_fmt_value(x->value, v, sizeof v);
		hg_buf_printf(b, "<br><span class=\"hg-words\">%s times</span>", v);
	}
	hg_buf_puts(b, "</td><td data-label=\"Judgement\">");
	pa_judge(b, x);
	hg_buf_printf(b, "</td><td class=\"num\" data-label=\"%s needed\">",
	              hg_label_counted(ip->ind, 1));
	pa_people(b, people);
	hg_buf_puts(b, "</td><td class=\"hg-small\" data-label=\"Note\">");
	hg_label_note(people && !isfinite(people->value) ? people->note : x->note, note,
	              sizeof note);
	hg_html_text(b, note);
	hg_buf_puts(b, "</td></tr>");
}

static const hg_ineq_row *pa_people_of(const hg_ipage *ip, const hg_ineq_row *x)
{
	return hg_an_find(&ip->an, "people_to_close_gap", x->breakdown, x->category);
}

static void pa_gap_rows(hg_ipage *ip, hg_buf *b)
{
	const hg_ineq_row *ga = hg_an_find(&ip->an, "gap_abs", NULL, NULL);
	if (ga)
		pa_gap_row(ip, b, "Gap: most deprived fifth minus least deprived", ga,
		           pa_people_of(ip, ga));
	const hg_ineq_row *gr = hg_an_find(&ip->an, "gap_rel", NULL, NULL);
	if (gr)
		pa_gap_row(ip, b, "Ratio: most deprived fifth to least deprived", gr, NULL);
	for (size_t k = 0; k < ip->an.nineq; k++) {
		const hg_ineq_row *x = ip->an.ineq[k];
		char what[300], bl[200];
		hg_ip_bd_label(ip, x->breakdown, bl, sizeof bl);
		snprintf(what, sizeof what, "Gap to the best-off group (%s)", bl);
		if (!strcmp(x->measure, "gap_to_best"))
			pa_gap_row(ip, b, what, x, pa_people_of(ip, x));
	}
	for (size_t k = 0; k < ip->an.nineq; k++) {
		const hg_ineq_row *x = ip->an.ineq[k];
		int own = ip->q->sess.user.role == HG_ROLE_PRACTICE && x->category[0];
		if (!strcmp(x->measure, "people_to_target") &&
		    (own || !strcmp(x->breakdown, "All")))
			pa_gap_row(ip, b,
			           own ? "Your practice to reach the target"
			               : "To reach the target",
			           x, x);
		else if (own && !strcmp(x->measure, "people_to_close_gap"))
			pa_gap_row(ip, b, "Your practice to reach the least deprived fifth", x, x);
	}
}

static void pa_dq(hg_ipage *ip, hg_buf *b)
{
	const hg_ineq_row *x = ip->an.nineq ? ip->an.ineq[0] : NULL;
	hg_buf_puts(b, "<p class=\"hg-dq\" id=\"data-quality\"><strong>Data quality</strong> "
	               "(share of the denominator): ethnicity not stated ");
	hg_page_pct(b, x ? x->pct_eth_not_stated : NAN);
	hg_buf_puts(b, "; IMD unknown ");
	hg_page_pct(b, x ? x->pct_imd_unknown : NAN);
	hg_buf_puts(b, ".</p>");
}

void hg_ip_gaps(hg_ipage *ip, hg_buf *b)
{
	if (!ip->an.nineq)
		return;
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-gaps\"><h2 "
	               "id=\"h-gaps\">Gaps and people needed to close them</h2>");
	pa_dq(ip, b);
	hg_buf_printf(
	    b,
	    "<div class=\"hg-table-wrap\"><table class=\"hg-table hg-cards\" id=\"gap-table\">"
	    "<caption>Gaps (each group minus the one it is compared with) with 95%% "
	    "confidence intervals, judged with the indicator's polarity, and how many "
	    "more %s would need to meet the numerator (rounded to "
	    "5)</caption><thead><tr><th scope=\"col\">Measure</th><th "
	    "scope=\"col\">Group</th><th scope=\"col\">Compared with</th><th "
	    "scope=\"col\" class=\"num\">Value (95%% CI)</th><th scope=\"col\">"
	    "Judgement</th><th scope=\"col\" class=\"num\">%s needed</th><th "
	    "scope=\"col\">Note</th></tr></thead><tbody>",
	    hg_label_counted(ip->ind, 0), hg_label_counted(ip->ind, 1));
	pa_gap_rows(ip, b);
	hg_buf_puts(b, "</tbody></table></div></section>");
}

/* ---- SPC ---- */

static void pa_icon_text(hg_buf *b, int var, int ass, int too_few)
{
	if (too_few) {
		hg_buf_printf(b,
		              "<p class=\"hg-note hg-too-few\"><strong>" HG_LABEL_TOO_FEW
		              "</strong>: a count behind at least one period is under %d or "
		              "suppressed, so rounding to 5 would drive any signal. The values are "
		              "shown without limits or icons.</p>",
		              HG_SPC_MIN_EVENTS);
		return;
	}
	hg_buf_puts(b, "<p class=\"hg-note\">Latest point: <strong>");
	hg_buf_puts(b, var >= 0 ? hg_label_variation(var) : "not charted");
	hg_buf_puts(b, "</strong>; <strong>");
	hg_buf_puts(b, hg_label_assurance(ass));
	hg_buf_puts(b, "</strong>.</p>");
}

static void pa_spc_chart(hg_ipage *ip, hg_buf *b, const char *series, const char *ylab,
                         const char *what)
{
	size_t n;
	const hg_mon_row *const *rows = hg_an_series(&ip->an, series, &n);
	if (!rows)
		return;
	size_t shown = 0;
	for (size_t k = 0; k < n; k++)
		shown += isfinite(rows[k]->value);
	if (!shown) { /* nothing published to draw: say so instead of an empty chart */
		hg_buf_puts(b, "<figure class=\"hg-spc\"><figcaption>");
		hg_html_text(b, what);
		hg_buf_puts(b,
		            "</figcaption><p class=\"hg-note\">No period has a published value.</p>"
		            "</figure>");
		return;
	}
	hg_spc_chart_pt *pts = hg_xcalloc(n, sizeof *pts);
	char(*labels)[11] = hg_xcalloc(n, 11);
	/* the SII is drawn as the most deprived end minus the least, like every gap shown */
	double m = !strcmp(series, "sii") ? -1 : 1;
	for (size_t k = 0; k < n; k++) {
		const hg_mon_row *r = rows[k];
		hg_date_format(ip->ind->periods[r->period].end, labels[k]);
		pts[k] = (hg_spc_chart_pt){labels[k],
		                           m * r->value,
		                           m * r->mean,
		                           m > 0 ? r->lpl : -r->upl,
		                           m > 0 ? r->upl : -r->lpl,
		                           m > 0 ? r->point_type
		                                 : hg_label_mirror_point_type(r->point_type)};
	}
	int var, ass;
	hg_series_icons(rows, n, &var, &ass);
	if (m < 0 && var >= 0)
		var = hg_label_mirror_variation(var);
	char id[64], title[300];
	snprintf(id, sizeof id, "chart-spc-%s", series);
	snprintf(title, sizeof title, "%s: %s over time (XmR chart)", ip->ind->name, what);
	hg_spc_chart c = {.id = id,
	                  .title = title,
	                  .desc = "Statistical process control chart: each period's value, the "
	                          "mean and the process limits; coloured points are special "
	                          "causes. The icons' meaning is given below the chart.",
	                  .value_label = ylab,
	                  .pts = pts,
	                  .n = n,
	                  .target = m * rows[n - 1]->target,
	                  .variation = var,
	                  .assurance = ass < 0 ? 0 : ass,
	                  .width = 560,
	                  .height = 300};
	hg_buf_printf(b, "<figure class=\"hg-spc\">");
	hg_chart_spc(b, &c);
	hg_buf_puts(b, "<figcaption>");
	hg_html_text(b, what);
	hg_buf_puts(b, "</figcaption>");
	pa_icon_text(b, var, ass, hg_series_too_few(rows, n));
	hg_buf_puts(b, "</figure>");
	free(pts);
	free(labels);
}

void hg_ip_spc(hg_ipage *ip, hg_buf *b)
{
	if (!ip->an.nmon)
		return;
	size_t n;
	int sii = hg_an_series(&ip->an, "sii", &n) != NULL;
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-spc\"><h2 "
	               "id=\"h-spc\">Progress over time (statistical process control)</h2><div "
	               "class=\"hg-pair\">");
	pa_spc_chart(ip, b, "value", ip->unit, "Whole area value");
	if (sii)
		pa_spc_chart(ip, b, "sii", "SII: most minus least deprived",
		             "Slope index of inequality: most deprived end minus least deprived");
	else
		pa_spc_chart(ip, b, "gap_abs", "Gap: most minus least deprived",
		             "Gap: most deprived fifth minus least deprived");
	hg_buf_puts(b, "</div><p class=\"hg-note\">Making Data Count icons. Variation (left): grey "
	               "common cause; blue improvement; orange concern; H or L for high or low. "
	               "Assurance (right): P consistently passing the target, F consistently "
	               "failing, ? hit and miss. For the inequality series improvement means the "
	               "gap moving towards zero.</p></section>");
}

/* ---- funnel ---- */

static void pa_outliers(hg_ipage *ip, hg_buf *b)
{
	int any = 0;
	hg_buf_puts(b, "<p class=\"hg-note\" id=\"funnel-outliers\">");
	for (size_t k = 0; k < ip->an.ndots; k++) {
		const hg_funnel_dot *d = ip->an.dots[k];
		if (d->sig != HG_FUNNEL_HIGH_001 && d->sig != HG_FUNNEL_LOW_001 &&
		    d->sig != HG_FUNNEL_HIGH_025 && d->sig != HG_FUNNEL_LOW_025)
			continue;
		hg_buf_puts(b, any++ ? "; " : "Outside the limits: ");
		hg_html_text(b, d->practice);
		hg_buf_printf(b, " (%s)", hg_label_funnel_sig(d->sig));
	}
	if (!any)
		hg_buf_puts(b, ip->an.ndots ? "No practice shown is outside the 95% limits."
		                            : "No practice point is published.");
	hg_buf_puts(b, "</p>");
}

static void pa_funnel_chart(hg_ipage *ip, hg_buf *b)
{
	const hg_funnel_chart *f = ip->an.funnel;
	int prop = f->statistic == HG_FUNNEL_PROPORTION;
	hg_funnel_chart_lim lim[HG_FUNNEL_POINTS];
	for (int k = 0; k < HG_FUNNEL_POINTS; k++) {
		const hg_funnel_point *p = &f->limits[k];
		lim[k] =
		    (hg_funnel_chart_lim){p->x, p->lower_2s, p->upper_2s, p->lower_3s, p->upper_3s};
	}
	hg_funnel_chart_dot *dots = hg_xcalloc(ip->an.ndots + 1, sizeof *dots);
	for (size_t k = 0; k < ip->an.ndots; k++) {
		const hg_funnel_dot *d = ip->an.dots[k];
		dots[k] =
		    (hg_funnel_chart_dot){d->practice, prop ? d->den : d->num, d->value, d->sig};
	}
	char title[300];
	snprintf(title, sizeof title, "%s: practices against the average of all practices",
	         ip->ind->name);
	hg_funnel_plot c = {.id = "chart-funnel",
	                    .title = title,
	                    .desc = "Funnel plot: each practice's value against its size, with "
	                            "95% and 99.8% control limits around the average of all "
	                            "practices; practices outside the limits are named below.",
	                    .value_label = ip->unit,
	                    .x_label = prop ? "Denominator (people)" : "Events",
	                    .lims = lim,
	                    .nlims = HG_FUNNEL_POINTS,
	                    .dots = dots,
	                    .ndots = ip->an.ndots,
	                    .baseline = f->limits[0].baseline,
	                    .width = 1120,
	                    .height = 360};
	hg_chart_funnel(b, &c);
	free(dots);
}

void hg_ip_funnel(hg_ipage *ip, hg_buf *b)
{
	if (!ip->an.funnel)
		return;
	int own = ip->q->sess.user.role == HG_ROLE_PRACTICE;
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-funnel\"><h2 "
	               "id=\"h-funnel\">Where to act: practices</h2>");
	if (own)
		hg_buf_puts(b, "<p class=\"hg-note\">Your practice against the limits of all "
		               "practices; other practices are not shown.</p>");
	hg_buf_puts(b, "<figure>");
	pa_funnel_chart(ip, b);
	hg_buf_puts(b, "</figure>");
	pa_outliers(ip, b);
	hg_buf_puts(b, "</section>");
}
