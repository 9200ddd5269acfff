/*
 * pages.c: the server-rendered dashboard: login, overview, indicator,
 * population and methods pages. Data come only from the role-enforcing
 * query layer (rescache.h); charts from src/report. Pages without a session
 * redirect to /login; forms POST with the session's CSRF token.
 */
#include "lang/lang.h"
#include "report/chart.h"
#include "report/svg.h"
#include "server/html.h"
#include "server/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hg_page_ok(hg_resp *r, int status)
{
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
}

static void hg_num(hg_buf *b, double v)
{
	char s[32];
	hg_fmt_value(v, s, sizeof s);
	hg_buf_puts(b, s);
}

/* A count (numerator, denominator): a whole number, "-" when suppressed. */
static void hg_count(hg_buf *b, double v)
{
	char s[32];
	if (!isfinite(v)) {
		hg_buf_puts(b, "-");
		return;
	}
	snprintf(s, sizeof s, "%.0f", v);
	hg_buf_puts(b, s);
}

/* A percentage, or "-" when unknown. */
static void hg_pct(hg_buf *b, double v)
{
	hg_num(b, v);
	if (isfinite(v))
		hg_buf_puts(b, "%");
}

static void hg_num_ci(hg_buf *b, double v, double lo, double hi)
{
	hg_num(b, v);
	if (isfinite(lo) && isfinite(hi)) {
		hg_buf_puts(b, " <span class=\"hg-ci\">(");
		hg_num(b, lo);
		hg_buf_puts(b, "&ndash;");
		hg_num(b, hi);
		hg_buf_puts(b, ")</span>");
	}
}

/* ---- login ---- */

static void hg_login_page(hg_req *q, hg_resp *r, int status, const char *msg)
{
	char pre[80];
	hg_random_hex(pre, 32);
	hg_resp_session_cookie(r, 1, q->srv, "hg_pre", pre, 600);
	hg_html_begin(&r->body, q, "Log in", "");
	hg_buf_puts(&r->body, "<div class=\"hg-login\"><h1>Log in</h1><p>Health inequality "
	                      "indicators for your system. Use the account your administrator "
	                      "gave you.</p>");
	if (msg) {
		hg_buf_puts(&r->body, "<div class=\"hg-error\" role=\"alert\">");
		hg_html_text(&r->body, msg);
		hg_buf_puts(&r->body, "</div>");
	}
	hg_buf_printf(&r->body,
	              "<form method=\"post\" action=\"/login\" class=\"hg-form\">"
	              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	              "<label for=\"username\">User name</label>"
	              "<input id=\"username\" name=\"username\" autocomplete=\"username\" "
	              "required maxlength=\"64\" autofocus>"
	              "<label for=\"password\">Password</label>"
	              "<input id=\"password\" name=\"password\" type=\"password\" "
	              "autocomplete=\"current-password\" required maxlength=\"1024\">"
	              "<button type=\"submit\" class=\"hg-btn\">Log in</button></form></div>",
	              pre);
	hg_html_end(&r->body, q);
	hg_page_ok(r, status);
}

static void hg_login_post(hg_req *q, hg_resp *r)
{
	char user[128], pw[1100], csrf[80];
	hg_form_field(&q->body, "username", user, sizeof user);
	hg_form_field(&q->body, "password", pw, sizeof pw);
	hg_form_field(&q->body, "csrf", csrf, sizeof csrf);
	const char *pre = hg_req_cookie(q, "hg_pre");
	if (!pre || !hg_secret_eq(pre, csrf)) {
		hg_req_audit(q, "csrf_rejected", "/login");
		hg_login_page(q, r, 403, "Your login form expired. Please try again.");
		return;
	}
	char token[80], scsrf[80];
	long retry = 0;
	int rc = hg_login(q, user, pw, token, scsrf, &retry);
	memset(pw, 0, sizeof pw);
	if (rc == HG_LOGIN_OK) {
		hg_resp_session_cookie(r, 0, q->srv, "hg_session", token, q->srv->scfg.absolute);
		hg_resp_redirect(r, "/");
		hg_resp_session_cookie(r, 1, q->srv, "hg_pre", "", 0);
		return;
	}
	q->authed = 0;
	r->retry_after = rc == HG_LOGIN_LOCKED ? retry : 0;
	hg_login_page(q, r, rc == HG_LOGIN_LOCKED ? 429 : 401,
	              rc == HG_LOGIN_LOCKED ? "Too many failed attempts. Try again later."
	                                    : "Wrong user name or password.");
}

static void hg_logout_post(hg_req *q, hg_resp *r)
{
	char csrf[80];
	hg_form_field(&q->body, "csrf", csrf, sizeof csrf);
	if (!hg_req_csrf_ok(q, csrf)) {
		hg_req_audit(q, "csrf_rejected", "/logout");
		hg_resp_error(r, 403, "missing or wrong CSRF token");
		return;
	}
	hg_logout(q);
	hg_resp_session_cookie(r, 0, q->srv, "hg_session", "", 0);
	hg_resp_redirect(r, "/login");
}

/* ---- overview ---- */

static void hg_overview_row(hg_buf *b, const hg_ind_summary *s)
{
	hg_buf_puts(b, "<tr><th scope=\"row\"><a href=\"/indicators/");
	hg_html_urlenc(b, s->ind->id);
	hg_buf_puts(b, "\">");
	hg_html_text(b, s->ind->name);
	hg_buf_puts(b, "</a><span class=\"hg-id\">");
	hg_html_text(b, s->ind->id);
	hg_buf_printf(b, "</span></th><td class=\"hg-date\">%s</td><td class=\"num\">",
	              s->period_end);
	hg_num_ci(b, s->value, s->lo95, s->hi95);
	hg_buf_puts(b, "</td><td class=\"num\">");
	hg_num(b, s->q1);
	hg_buf_puts(b, "</td><td class=\"num\">");
	hg_num(b, s->q5);
	hg_buf_puts(b, "</td><td class=\"num\"><strong>");
	hg_num(b, s->gap);
	hg_buf_puts(b, "</strong></td><td class=\"hg-spark\">");
	if (isfinite(s->q1) && isfinite(s->q5)) {
		char id[160], title[400];
		snprintf(id, sizeof id, "gap-%s", s->ind->id);
		snprintf(title, sizeof title,
		         "%s: most deprived quintile %.1f, least deprived %.1f, whole area %.1f",
		         s->ind->name, s->q1, s->q5, s->value);
		hg_dumbbell_chart c = {
		    id,
		    title,
		    "Dark dot: most deprived quintile; light dot: least deprived; "
		    "vertical tick: whole area.",
		    s->q1,
		    s->q5,
		    s->value,
		    0,
		    0};
		hg_chart_dumbbell(b, &c);
	}
	hg_buf_printf(b, "</td><td><span class=\"hg-trend hg-trend-%d\">%s</span></td>", s->trend,
	              hg_trend_name(s->trend));
	hg_buf_puts(b, "<td class=\"num\">");
	hg_pct(b, s->imd_unknown_pct);
	hg_buf_puts(b, "</td><td class=\"num\">");
	hg_pct(b, s->eth_not_stated_pct);
	hg_buf_puts(b, "</td></tr>");
}

static void hg_overview(hg_req *q, hg_resp *r)
{
	hg_buf *b = &r->body;
	hg_html_begin(b, q, "Overview", "overview");
	hg_buf_printf(b,
	              "<h1>Health inequalities overview</h1><p class=\"hg-lede\">%d Core20PLUS5 "
	              "indicators, latest period. The gap compares the most deprived fifth of "
	              "neighbourhoods (IMD quintile 1) with the least deprived (quintile 5). "
	              "Direction compares the latest value with the previous period (95%% "
	              "confidence intervals not overlapping).</p>",
	              q->res->pr->ninds);
	if (q->sess.user.role == HG_ROLE_PRACTICE) {
		hg_buf_puts(b, "<p class=\"hg-note\">Values are for your practice, ");
		hg_html_text(b, q->sess.user.practice);
		hg_buf_puts(b, ", only.</p>");
	}
	hg_buf_puts(b,
	            "<div class=\"hg-table-wrap\"><table class=\"hg-table\" id=\"overview\">"
	            "<caption>Latest value, deprivation gap and data completeness by "
	            "indicator</caption><thead><tr><th scope=\"col\">Indicator</th>"
	            "<th scope=\"col\">Period end</th><th scope=\"col\" class=\"num\">Value "
	            "(95% CI)</th><th scope=\"col\" class=\"num\">Most deprived (Q1)</th>"
	            "<th scope=\"col\" class=\"num\">Least deprived (Q5)</th><th "
	            "scope=\"col\" class=\"num\">Gap (Q1&minus;Q5)</th><th scope=\"col\">"
	            "<span class=\"hg-key hg-key-q1\"></span>Q1 <span class=\"hg-key "
	            "hg-key-q5\"></span>Q5 <span class=\"hg-key hg-key-area\"></span>area</th><th "
	            "scope=\"col\">Direction</th><th scope=\"col\" class=\"num\">IMD "
	            "unknown</th><th scope=\"col\" class=\"num\">Ethnicity not stated</th>"
	            "</tr></thead><tbody>");
	for (int i = 0; i < q->res->pr->ninds; i++) {
		hg_ind_summary s;
		hg_summarise(q->res, &q->sess.user, i, &s);
		hg_overview_row(b, &s);
	}
	hg_buf_puts(b, "</tbody></table></div>");
	hg_html_end(b, q);
	hg_req_audit(q, "view", "page overview");
	hg_page_ok(r, 200);
}

/* ---- indicator ---- */

static const char *hg_bd_title(const hg_breakdown *bd)
{
	if (bd->n != 1)
		return NULL;
	switch (bd->kind[0]) {
	case HG_BD_IMDQ:
		return "IMD quintile (1 = most deprived)";
	case HG_BD_IMDD:
		return "IMD decile (1 = most deprived)";
	case HG_BD_ETH:
		return "Ethnic group";
	case HG_BD_SEX:
		return "Sex";
	case HG_BD_AGEBAND:
		return "Age band (years)";
	case HG_BD_PRACTICE:
		return "GP practice";
	default:
		return NULL;
	}
}

typedef struct hg_ipage {
	hg_req *q;
	const hg_indicator *ind;
	int i;
	hg_pub_rows rows;
	const char *period;
	char unit[96];
	double all_value;
} hg_ipage;

static void hg_ip_chart(hg_ipage *ip, hg_buf *b, int bd)
{
	const hg_breakdown *d = &ip->ind->bds[bd];
	const char *title = hg_bd_title(d);
	if (!title)
		return;
	size_t n = 0;
	hg_bar *bars = hg_xcalloc(ip->rows.n + 1, sizeof *bars);
	for (size_t k = 0; k < ip->rows.n; k++) {
		const hg_pub_row *x = &ip->rows.rows[k];
		if (x->bd != bd || !strcmp(x->category, "Unknown"))
			continue;
		bars[n++] = (hg_bar){x->category, x->value, x->lo95, x->hi95, x->suppressed};
	}
	char id[64], ctitle[300], desc[400];
	snprintf(id, sizeof id, "chart-%s", d->name);
	snprintf(ctitle, sizeof ctitle, "%s by %s", ip->ind->name, title);
	snprintf(desc, sizeof desc,
	         "Bar chart of %s for each category of %s, with 95%% confidence intervals as "
	         "whiskers and the whole area as a dashed line. The same figures are in the "
	         "table below.",
	         ip->unit, title);
	int ordered = d->kind[0] == HG_BD_IMDQ || d->kind[0] == HG_BD_IMDD;
	hg_bar_chart c = {.id = id,
	                  .title = ctitle,
	                  .desc = desc,
	                  .value_label = ip->unit,
	                  .cat_label = title,
	                  .bars = bars,
	                  .n = n,
	                  .ref = ip->all_value,
	                  .ref_label = "Whole area",
	                  .palette = ordered ? HG_PAL_DEPRIVATION : HG_PAL_SINGLE,
	                  .vertical = ordered || d->kind[0] == HG_BD_SEX,
	                  .width = 560,
	                  .from_zero = 1};
	hg_buf_printf(b, "<section class=\"hg-card\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">",
	              d->name, d->name);
	hg_html_text(b, title);
	hg_buf_puts(b, "</h2><figure>");
	hg_chart_bars(b, &c);
	hg_buf_puts(b, "</figure></section>");
	free(bars);
}

/* Series of one category of a breakdown over all periods (the time-series chart). */
static size_t hg_ip_series(hg_ipage *ip, const char *bd, const char *cat, hg_ts_point *pts)
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

static void hg_ip_timeseries(hg_ipage *ip, hg_buf *b)
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
	                            prac ? "Your practice" : "Most deprived quintile (Q1)"},
	                           {"imd_quintile", "5", "Least deprived quintile (Q5)"}};
	for (int k = 0; k < 3; k++) {
		hg_ts_point *p = pts + (size_t)np * ns;
		size_t n = hg_ip_series(ip, specs[k][0], specs[k][1], p);
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
	                 "interval as a shaded band, for the whole area and the most and least "
	                 "deprived quintiles.",
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

static void hg_ip_table(hg_ipage *ip, hg_buf *b)
{
	hg_buf_printf(b,
	              "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-table\"><h2 "
	              "id=\"h-table\">Table</h2><details><summary>Show all %zu figures of this "
	              "page</summary>",
	              ip->rows.n);
	hg_buf_puts(b, "<div class=\"hg-table-wrap\"><table "
	               "class=\"hg-table\" id=\"data-table\"><caption>Every figure shown on this "
	               "page (the downloads hold exactly these rows)</caption><thead><tr><th "
	               "scope=\"col\">Breakdown</th><th scope=\"col\">Category</th><th "
	               "scope=\"col\" class=\"num\">Numerator</th><th scope=\"col\" "
	               "class=\"num\">Denominator</th><th scope=\"col\" class=\"num\">Value</th>"
	               "<th scope=\"col\" class=\"num\">95% CI</th><th scope=\"col\">Note</th>"
	               "</tr></thead><tbody>");
	for (size_t k = 0; k < ip->rows.n; k++) {
		const hg_pub_row *x = &ip->rows.rows[k];
		hg_buf_puts(b, "<tr><td>");
		hg_html_text(b, x->breakdown);
		hg_buf_puts(b, "</td><th scope=\"row\">");
		hg_html_text(b, x->category);
		hg_buf_puts(b, "</th><td class=\"num\">");
		hg_count(b, x->num);
		hg_buf_puts(b, "</td><td class=\"num\">");
		hg_count(b, x->den);
		hg_buf_puts(b, "</td><td class=\"num\">");
		hg_num(b, x->value);
		hg_buf_puts(b, "</td><td class=\"num\">");
		if (!x->suppressed) {
			hg_num(b, x->lo95);
			hg_buf_puts(b, "&ndash;");
			hg_num(b, x->hi95);
		}
		hg_buf_puts(b, "</td><td>");
		hg_html_text(b, x->suppressed ? "suppressed" : x->note ? x->note : "");
		hg_buf_puts(b, "</td></tr>");
	}
	hg_buf_puts(b, "</tbody></table></div></details></section>");
}

static const char *hg_method_text(int type)
{
	switch (type) {
	case HG_IND_PROPORTION:
		return "Proportion of the denominator meeting the numerator; 95% and 99.8% "
		       "confidence intervals by the Wilson score method.";
	case HG_IND_RATE:
		return "Crude rate per the stated population; confidence intervals by Byar's "
		       "method (exact for small counts).";
	case HG_IND_DSR:
		return "Directly standardised rate to the 2013 European Standard Population (19 "
		       "age bands); confidence intervals by Dobson's method.";
	case HG_IND_MEAN:
		return "Mean value; confidence intervals from the t distribution.";
	case HG_IND_COUNT:
		return "Count of people; confidence intervals by Byar's method.";
	default:
		return "Life expectancy at birth by Chiang's method (abridged life table, 20 "
		       "age bands).";
	}
}

static void hg_ip_head(hg_ipage *ip, hg_buf *b)
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
	hg_buf_puts(b, "</select><button type=\"submit\" class=\"hg-btn hg-btn-small\">Show"
	               "</button>");
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

static void hg_stat(hg_buf *b, const char *label, double v, const char *extra)
{
	hg_buf_puts(b, "<div class=\"hg-stat\"><span class=\"hg-stat-label\">");
	hg_html_text(b, label);
	hg_buf_puts(b, "</span><span class=\"hg-stat-value\">");
	hg_num(b, v);
	hg_buf_puts(b, "</span>");
	if (extra) {
		hg_buf_puts(b, "<span class=\"hg-stat-label\">");
		hg_html_text(b, extra);
		hg_buf_puts(b, "</span>");
	}
	hg_buf_puts(b, "</div>");
}

/* The headline of the latest period (from the same role-enforced query layer). */
static void hg_ip_headline(hg_ipage *ip, hg_buf *b)
{
	hg_ind_summary s;
	char ci[96], l[32], h[32];
	hg_summarise(ip->q->res, &ip->q->sess.user, ip->i, &s);
	hg_fmt_value(s.lo95, l, sizeof l);
	hg_fmt_value(s.hi95, h, sizeof h);
	snprintf(ci, sizeof ci, "95%% CI %s to %s", l, h);
	hg_buf_puts(b, "<div class=\"hg-stats hg-headline\" aria-label=\"Latest period\">");
	hg_stat(b, strcmp(s.scope, "area") ? "Your practice, latest" : "Whole area, latest",
	        s.value, ci);
	if (isfinite(s.q1) || isfinite(s.q5)) {
		hg_stat(b, "Most deprived quintile", s.q1, NULL);
		hg_stat(b, "Least deprived quintile", s.q5, NULL);
		hg_stat(b, "Gap (Q1 minus Q5)", s.gap, NULL);
	}
	hg_buf_printf(b,
	              "<div class=\"hg-stat\"><span class=\"hg-stat-label\">Since the "
	              "previous period</span><span class=\"hg-trend hg-trend-%d\">%s</span>"
	              "</div></div>",
	              s.trend, hg_trend_name(s.trend));
}

static void hg_ip_definition(hg_ipage *ip, hg_buf *b)
{
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\" aria-labelledby=\"h-def\"><h2 "
	               "id=\"h-def\">Definition and method</h2><dl class=\"hg-dl\"><dt>Indicator"
	               "</dt><dd>");
	hg_html_text(b, ip->ind->id);
	hg_buf_puts(b, ": ");
	hg_html_text(b, ip->ind->name);
	hg_buf_printf(b, "</dd><dt>Measure</dt><dd>%s</dd><dt>Method</dt><dd>",
	              hg_ind_type_names[ip->ind->type]);
	hg_html_text(b, hg_method_text(ip->ind->type));
	hg_buf_puts(b, "</dd><dt>Source definition</dt><dd>");
	hg_html_text(b, ip->ind->source ? ip->ind->source : "local definition");
	hg_buf_puts(b, "</dd>");
	if (ip->ind->note) {
		hg_buf_puts(b, "<dt>Deviation from the source</dt><dd>");
		hg_html_text(b, ip->ind->note);
		hg_buf_puts(b, "</dd>");
	}
	hg_buf_printf(b,
	              "<dt>Disclosure control</dt><dd>Counts of 1 to %d suppressed, others "
	              "rounded to the nearest 5; values computed from rounded counts; a second "
	              "cell suppressed where one could be recovered by subtraction.</dd></dl>"
	              "</section>",
	              ip->q->res->sdc_k);
}

static void hg_indicator_page(hg_req *q, hg_resp *r, const char *id)
{
	hg_ipage ip = {.q = q, .period = hg_req_arg(q, "period"), .all_value = NAN};
	hg_query_spec spec = {id, hg_req_arg(q, "breakdown"), ip.period};
	hg_err err = {0};
	int rc = hg_results_query(q->res, &q->sess.user, &spec, &ip.rows, &err);
	if (rc != HG_Q_OK) {
		hg_resp_error(r, rc, err.msg);
		return;
	}
	ip.i = hg_results_find(q->res, id);
	ip.ind = q->res->pr->inds[ip.i].ind;
	hg_value_unit(ip.ind, ip.unit, sizeof ip.unit);
	for (size_t k = 0; k < ip.rows.n; k++)
		if (ip.rows.rows[k].bd == 0 && !ip.rows.rows[k].suppressed)
			ip.all_value = ip.rows.rows[k].value;
	hg_buf *b = &r->body;
	hg_html_begin(b, q, ip.ind->name, "overview");
	hg_ip_head(&ip, b);
	hg_ip_headline(&ip, b);
	hg_buf_puts(b, "<div class=\"hg-grid\">");
	hg_ip_timeseries(&ip, b);
	for (int bd = 1; bd < ip.ind->nbds; bd++)
		if (hg_results_bd_allowed(q->res, &q->sess.user, ip.i, bd))
			hg_ip_chart(&ip, b, bd);
	hg_ip_table(&ip, b);
	hg_ip_definition(&ip, b);
	hg_buf_puts(b, "</div>");
	hg_html_end(b, q);
	hg_req_audit(q, "view", "page indicator=%.64s period=%.16s", id,
	             ip.period ? ip.period : "latest");
	hg_pub_rows_free(&ip.rows);
	hg_page_ok(r, 200);
}

/* ---- population ---- */

static double hg_jd(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Percentages of a pyramid's total into left/right; returns the largest. */
static double hg_pyr_pct(json_t *py, double *left, double *right, size_t n)
{
	double tot = hg_jd(json_object_get(py, "total")), mx = 0;
	for (size_t k = 0; k < n; k++) {
		left[k] = 100 * hg_jd(json_array_get(json_object_get(py, "male"), k)) / tot;
		right[k] = 100 * hg_jd(json_array_get(json_object_get(py, "female"), k)) / tot;
		mx = fmax(mx,
		          fmax(isfinite(left[k]) ? left[k] : 0, isfinite(right[k]) ? right[k] : 0));
	}
	return mx;
}

static void hg_pop_pyramids(hg_buf *b, json_t *pop)
{
	json_t *bands = json_object_get(pop, "age_bands"), *pyrs = json_object_get(pop, "pyramids");
	size_t n = json_array_size(bands), np = json_array_size(pyrs);
	const char **bl = hg_xcalloc(n + 1, sizeof *bl);
	double *l = hg_xcalloc(n * np + 1, sizeof *l), *rr = hg_xcalloc(n * np + 1, sizeof *rr);
	double mx = 0;
	for (size_t k = 0; k < n; k++)
		bl[k] = json_string_value(json_array_get(bands, k));
	for (size_t i = 0; i < np; i++)
		mx = fmax(mx, hg_pyr_pct(json_array_get(pyrs, i), l + i * n, rr + i * n, n));
	hg_buf_puts(b, "<div class=\"hg-multiples\">");
	for (size_t i = 0; i < np; i++) {
		const char *q =
		    json_string_value(json_object_get(json_array_get(pyrs, i), "quintile"));
		char id[32], title[96];
		snprintf(id, sizeof id, "pyr-%s", q);
		snprintf(title, sizeof title, "%s%s", strcmp(q, "All") ? "IMD quintile " : "",
		         strcmp(q, "All") ? q : "Whole population");
		if (!strcmp(q, "1") || !strcmp(q, "5"))
			strcat(title, !strcmp(q, "1") ? " (most deprived)" : " (least deprived)");
		hg_pyramid_chart c = {id,
		                      title,
		                      "Age-sex pyramid: the share of this group's registered "
		                      "population in each five-year age band, males left, females "
		                      "right.",
		                      bl,
		                      n,
		                      l + i * n,
		                      rr + i * n,
		                      "Male",
		                      "Female",
		                      "% of group",
		                      mx,
		                      340};
		hg_buf_puts(b, "<figure class=\"hg-card\"><figcaption>");
		hg_html_text(b, title);
		hg_buf_puts(b, "</figcaption>");
		hg_chart_pyramid(b, &c);
		hg_buf_puts(b, "</figure>");
	}
	hg_buf_puts(b, "</div>");
	free(bl);
	free(l);
	free(rr);
}

static void hg_pop_eth(hg_buf *b, json_t *pop)
{
	json_t *eth = json_object_get(pop, "ethnicity");
	size_t n = json_array_size(eth);
	double tot = 0;
	hg_bar *bars = hg_xcalloc(n + 1, sizeof *bars);
	for (size_t k = 0; k < n; k++)
		tot += isfinite(hg_jd(json_object_get(json_array_get(eth, k), "count")))
		           ? hg_jd(json_object_get(json_array_get(eth, k), "count"))
		           : 0;
	for (size_t k = 0; k < n; k++) {
		json_t *e = json_array_get(eth, k);
		double v = 100 * hg_jd(json_object_get(e, "count")) / tot;
		bars[k] = (hg_bar){json_string_value(json_object_get(e, "group")), v, NAN, NAN,
		                   !isfinite(v)};
	}
	hg_bar_chart c = {.id = "chart-eth",
	                  .title = "Ethnicity mix of the registered population",
	                  .desc = "Bar chart of the share of the registered population in each "
	                          "ethnic group, including those whose ethnicity is not stated.",
	                  .value_label = "% of registered population",
	                  .bars = bars,
	                  .n = n,
	                  .ref = NAN,
	                  .palette = HG_PAL_SINGLE,
	                  .width = 560,
	                  .from_zero = 1};
	hg_buf_puts(b, "<section class=\"hg-card\" aria-labelledby=\"h-eth\"><h2 id=\"h-eth\">"
	               "Ethnicity mix</h2><figure>");
	hg_chart_bars(b, &c);
	hg_buf_puts(b, "</figure></section>");
	free(bars);
}

static void hg_pop_completeness(hg_buf *b, json_t *pop)
{
	json_t *c = json_object_get(pop, "completeness");
	hg_buf_puts(b, "<section class=\"hg-card\" aria-labelledby=\"h-comp\"><h2 id=\"h-comp\">"
	               "Data completeness</h2><div class=\"hg-stats\"><div class=\"hg-stat\">"
	               "<span class=\"hg-stat-label\">Registered population</span><span "
	               "class=\"hg-stat-value\">");
	hg_num(b, hg_jd(json_object_get(c, "registered")));
	hg_buf_puts(b, "</span></div><div class=\"hg-stat\"><span class=\"hg-stat-label\">"
	               "Ethnicity not stated</span><span class=\"hg-stat-value\">");
	hg_num(b, hg_jd(json_object_get(c, "ethnicity_not_stated_pct")));
	hg_buf_puts(b, "%</span></div><div class=\"hg-stat\"><span class=\"hg-stat-label\">"
	               "LSOA or IMD unknown</span><span class=\"hg-stat-value\">");
	hg_num(b, hg_jd(json_object_get(c, "imd_unknown_pct")));
	hg_buf_puts(b, "%</span></div></div><p class=\"hg-note\">People whose ethnicity is not "
	               "stated, or whose address cannot be placed in an IMD neighbourhood, are "
	               "missing from those breakdowns: gaps may be understated where these are "
	               "high.</p></section>");
}

static void hg_population(hg_req *q, hg_resp *r)
{
	json_t *pop = hg_results_population(q->res, &q->sess.user);
	hg_buf *b = &r->body;
	hg_html_begin(b, q, "Population", "population");
	hg_buf_printf(b,
	              "<h1>Population</h1><p class=\"hg-lede\">The registered population on "
	              "%s%s by age, sex, deprivation and ethnicity. Counts are rounded to the "
	              "nearest 5 and small counts suppressed.</p>",
	              json_string_value(json_object_get(pop, "as_at")),
	              q->sess.user.role == HG_ROLE_PRACTICE ? " (your practice)" : "");
	if (json_object_get(pop, "pyramids")) {
		hg_buf_puts(b, "<h2>Age and sex by deprivation quintile</h2>");
		hg_pop_pyramids(b, pop);
		hg_buf_puts(b, "<div class=\"hg-grid\">");
		hg_pop_eth(b, pop);
		hg_pop_completeness(b, pop);
		hg_buf_puts(b, "</div>");
	} else {
		hg_buf_puts(b, "<p>No registered population to show.</p>");
	}
	hg_html_end(b, q);
	json_decref(pop);
	hg_req_audit(q, "view", "page population");
	hg_page_ok(r, 200);
}

/* ---- methods ---- */

static void hg_dl_item(hg_buf *b, const char *term, const char *value)
{
	hg_buf_puts(b, "<dt>");
	hg_html_text(b, term);
	hg_buf_puts(b, "</dt><dd>");
	hg_html_text(b, value);
	hg_buf_puts(b, "</dd>");
}

static void hg_methods(hg_req *q, hg_resp *r)
{
	const hg_results *x = q->res;
	hg_buf *b = &r->body;
	char k[160];
	hg_html_begin(b, q, "Methods and data", "methods");
	hg_buf_puts(b, "<h1>Methods and data</h1><div class=\"hg-grid\"><section "
	               "class=\"hg-card\"><h2>Data snapshot and provenance</h2><dl "
	               "class=\"hg-dl\">");
	hg_dl_item(b, "Snapshot", x->snapshot);
	hg_dl_item(b, "Manifest hash (BLAKE2b-256)", x->manifest_hash);
	hg_dl_item(b, "Indicator pack hash (BLAKE2b-256)", x->pack_hash);
	hg_dl_item(b, "Deprivation index", x->imd_version);
	hg_dl_item(b, "Results computed", x->computed_at);
	hg_dl_item(b, "Data",
	           x->synthetic ? "synthetic population (not real people)" : "extract as ingested");
	hg_buf_puts(b, "</dl></section><section class=\"hg-card\"><h2>Disclosure control</h2>");
	snprintf(k, sizeof k, "Rule k%d", x->sdc_k);
	hg_buf_printf(b,
	              "<p><strong>%s.</strong> Every count from 1 to %d is suppressed; every "
	              "other count is rounded to the nearest 5, and values and confidence "
	              "intervals are computed from the rounded counts. Where one cell of a "
	              "breakdown is suppressed, the next smallest is suppressed too so it cannot "
	              "be recovered by subtraction. Control is applied before anything is "
	              "shown, downloaded or returned by the API; it cannot be switched off in "
	              "the dashboard.</p><p>Sources: NHS England Core20PLUS5, CVDPREVENT, "
	              "OHID Fingertips and PHEindicatormethods for the statistical methods; "
	              "English Indices of Deprivation for IMD.</p></section></div>",
	              k, x->sdc_k);
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\"><h2>Indicators</h2><dl "
	               "class=\"hg-dl\">");
	for (int i = 0; i < x->pr->ninds; i++) {
		const hg_indicator *ind = x->pr->inds[i].ind;
		hg_buf_puts(b, "<dt>");
		hg_html_text(b, ind->id);
		hg_buf_puts(b, " &middot; ");
		hg_html_text(b, ind->name);
		hg_buf_puts(b, "</dt><dd>");
		hg_html_text(b, ind->source ? ind->source : "local definition");
		if (ind->note) {
			hg_buf_puts(b, ". <em>Note:</em> ");
			hg_html_text(b, ind->note);
		}
		hg_buf_puts(b, "</dd>");
	}
	hg_buf_puts(b, "</dl></section>");
	hg_html_end(b, q);
	hg_req_audit(q, "view", "page methods");
	hg_page_ok(r, 200);
}

/* ---- administration (admin role) ---- */

static void hg_admin_user(const hg_user *u, long long created, void *arg)
{
	hg_buf *b = arg;
	hg_buf_puts(b, "<tr><th scope=\"row\">");
	hg_html_text(b, u->username);
	hg_buf_printf(b, "</th><td>%s</td><td>", hg_role_name(u->role));
	hg_html_text(b, u->practice);
	hg_buf_printf(b, "</td><td class=\"num\">%lld</td></tr>", created);
}

static void hg_admin_audit(long long seq, const char *ts, const char *actor, const char *address,
                           const char *action, const char *detail, void *arg)
{
	hg_buf *b = arg;
	const char *f[5] = {ts, *actor ? actor : "-", *address ? address : "-", action, detail};
	hg_buf_printf(b, "<tr><td class=\"num\">%lld</td>", seq);
	for (int i = 0; i < 5; i++) {
		hg_buf_puts(b, "<td>");
		hg_html_text(b, f[i]);
		hg_buf_puts(b, "</td>");
	}
	hg_buf_puts(b, "</tr>");
}

static void hg_admin(hg_req *q, hg_resp *r)
{
	if (!hg_role_admin(q->sess.user.role)) {
		hg_req_audit(q, "forbidden", "page admin");
		hg_resp_error(r, 403, "administrators only");
		return;
	}
	hg_buf *b = &r->body;
	hg_err err = {0};
	hg_html_begin(b, q, "Administration", "admin");
	hg_buf_puts(b,
	            "<h1>Administration</h1><p class=\"hg-lede\">Users are managed with "
	            "<code>healthgap user</code> on the server; the audit chain is checked with "
	            "<code>healthgap audit verify</code>.</p><section class=\"hg-card\"><h2>Users"
	            "</h2><div class=\"hg-table-wrap\"><table class=\"hg-table\"><thead><tr>"
	            "<th scope=\"col\">User</th><th scope=\"col\">Role</th><th "
	            "scope=\"col\">Practice</th><th scope=\"col\" class=\"num\">Created "
	            "(Unix time)</th></tr></thead><tbody>");
	hg_user_each(&q->srv->db, hg_admin_user, b, &err);
	hg_buf_puts(b, "</tbody></table></div></section><section class=\"hg-card\"><h2>Latest "
	               "audit entries</h2><div class=\"hg-table-wrap\"><table class=\"hg-table\" "
	               "id=\"audit\"><thead><tr><th scope=\"col\" class=\"num\">#</th><th "
	               "scope=\"col\">Time (UTC)</th><th scope=\"col\">User</th><th "
	               "scope=\"col\">Address</th><th scope=\"col\">Action</th><th "
	               "scope=\"col\">Detail</th></tr></thead><tbody>");
	hg_audit_each(&q->srv->db, 100, hg_admin_audit, b, &err);
	hg_buf_puts(b, "</tbody></table></div></section>");
	hg_html_end(b, q);
	hg_req_audit(q, "view", "page admin");
	hg_page_ok(r, 200);
}

int hg_pages_route(hg_req *q, hg_resp *r)
{
	const char *p = q->path;
	int post = !strcmp(q->method, "POST");
	if (!strcmp(p, "/login")) {
		if (post)
			hg_login_post(q, r);
		else if (q->authed)
			hg_resp_redirect(r, "/");
		else
			hg_login_page(q, r, 200, NULL);
		return 1;
	}
	if (!strcmp(p, "/logout") && post) {
		hg_logout_post(q, r);
		return 1;
	}
	int known = !strcmp(p, "/") || !strcmp(p, "/population") || !strcmp(p, "/methods") ||
	            !strcmp(p, "/admin") || !strncmp(p, "/indicators/", 12);
	if (!known)
		return 0;
	if (!q->authed) {
		hg_resp_redirect(r, "/login");
		return 1;
	}
	if (post)
		hg_resp_error(r, 405, "method not allowed");
	else if (!strcmp(p, "/"))
		hg_overview(q, r);
	else if (!strcmp(p, "/population"))
		hg_population(q, r);
	else if (!strcmp(p, "/methods"))
		hg_methods(q, r);
	else if (!strcmp(p, "/admin"))
		hg_admin(q, r);
	else
		hg_indicator_page(q, r, p + 12);
	return 1;
}
