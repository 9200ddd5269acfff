/*
 * pages.c: the server-rendered dashboard: login, overview, population,
 * methods and administration pages, and the page routes (the indicator page
 * is in page_indicator.c, the parts pages share in page_parts.c). Data come
 * only from the role-enforcing
 * query layer (rescache.h); charts from src/report. Pages without a session
 * redirect to /login; forms POST with the session's CSRF token.
 */
#include "lang/lang.h"
#include "report/brief.h"
#include "report/chart.h"
#include "report/chart_ineq.h"
#include "report/labels.h"
#include "report/svg.h"
#include "server/html.h"
#include "server/pages.h"
#include "server/place.h"
#include "server/summary.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- login ---- */

static void login_page(hg_req *q, hg_resp *r, int status, const char *msg)
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

static void login_post(hg_req *q, hg_resp *r)
{
	/* one byte over each limit, so an over-long field is seen (and refused), not cut */
	char user[HG_USERNAME_MAX + 2], pw[HG_PASSWORD_MAX + 2], csrf[80];
	int fu = hg_form_field(&q->body, "username", user, sizeof user);
	int fp = hg_form_field(&q->body, "password", pw, sizeof pw);
	int fc = hg_form_field(&q->body, "csrf", csrf, sizeof csrf);
	if (fu == HG_FORM_TOO_LONG || fp == HG_FORM_TOO_LONG || fc == HG_FORM_TOO_LONG) {
		memset(pw, 0, sizeof pw);
		login_page(q, r, 400, "The user name or password is too long.");
		return;
	}
	const char *pre = hg_req_cookie(q, "hg_pre");
	if (!pre || !hg_secret_eq(pre, csrf)) {
		memset(pw, 0, sizeof pw);
		hg_req_audit(q, "csrf_rejected", "/login");
		login_page(q, r, 403, "Your login form expired. Please try again.");
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
	int status = rc == HG_LOGIN_LOCKED     ? 429
	             : rc == HG_LOGIN_TOO_LONG ? 400
	             : rc == HG_LOGIN_ERROR    ? 500
	                                       : 401;
	login_page(q, r, status,
	           status == 429   ? "Too many failed attempts. Try again later."
	           : status == 400 ? "The user name or password is too long."
	           : status == 500 ? "Login failed: please try again or tell your administrator."
	                           : "Wrong user name or password.");
}

static void logout_post(hg_req *q, hg_resp *r)
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

/* Making Data Count icons in a cell (labelled for assistive technology by the svg itself), or
 * why there are none. */
static void overview_icons(hg_buf *b, const char *label, int var, int ass, int too_few)
{
	hg_buf_printf(b, "<td class=\"hg-icons-cell\" data-label=\"%s\">", label);
	if (too_few)
		hg_buf_puts(b, "<span class=\"hg-na hg-small\">" HG_LABEL_TOO_FEW "</span></td>");
	else if (var < 0)
		hg_buf_puts(b, "<span class=\"hg-na\">-</span></td>");
	else {
		hg_chart_spc_icons(b, var, ass,
		                   24); /* role="img" with the icons' words as its label */
		hg_buf_puts(b, "</td>");
	}
}

static void overview_gap(hg_buf *b, const hg_req *q, const hg_ind_summary *s)
{
	char w[160];
	hg_buf_puts(b, "<td class=\"num hg-gap\" data-label=\"Deprivation gap\">");
	if (!isfinite(s->gap)) {
		hg_buf_puts(b, "<span class=\"hg-na\">not available</span>");
	} else {
		hg_label_diff(s->ind, s->gap, 1, w, sizeof w);
		hg_buf_puts(b, "<strong>");
		hg_html_text(b, w);
		hg_buf_puts(b,
		            "</strong><span class=\"hg-small\">in the most deprived fifth</span>");
	}
	hg_worklist_links(b, q, s->ind->id); /* a practice user: the patients behind the gap */
	hg_buf_puts(b, "</td>");
}

/* "?place=..." (or "&place=...") carrying the place filter into a link; nothing without one. */
static void place_param(hg_buf *b, const hg_place *pl, char sep)
{
	if (!pl->kind[0])
		return;
	hg_buf_printf(b, "%cplace=", sep);
	hg_html_urlenc(b, pl->arg);
}

static void overview_row(hg_buf *b, const hg_req *q, const hg_ind_summary *s, const hg_place *pl)
{
	char unit[96];
	hg_label_unit(s->ind, unit, sizeof unit);
	hg_buf_puts(b, "<tr><th scope=\"row\"><a href=\"/indicators/");
	hg_html_urlenc(b, s->ind->id);
	place_param(b, pl, '?');
	hg_buf_puts(b, "\">");
	hg_html_text(b, s->ind->name);
	hg_buf_puts(b, "</a><span class=\"hg-id\">");
	hg_html_text(b, s->ind->id);
	hg_buf_puts(b, "</span>");
	hg_page_polarity(b, s->polarity);
	hg_buf_printf(b,
	              "</th><td class=\"hg-date\" data-label=\"Period end\">%s</td><td "
	              "class=\"num\" data-label=\"Value (95%% CI)\">",
	              s->period_end);
	hg_page_num_ci(b, s->value, s->lo95, s->hi95);
	hg_buf_puts(b, "<span class=\"hg-small\">");
	hg_html_text(b, unit);
	/* a count's fifths are whole numbers, and the whole area's count is their sum, not a level
	   to set them against: its chart has no whole-area tick (docs/methods.md, vs_all) */
	int count = s->ind->type == HG_IND_COUNT;
	void (*num)(hg_buf *, double) = count ? hg_page_whole : hg_page_num;
	hg_buf_puts(b, "</span></td><td class=\"num\" data-label=\"Most deprived fifth\">");
	num(b, s->q1);
	hg_buf_puts(b, "</td><td class=\"num\" data-label=\"Least deprived fifth\">");
	num(b, s->q5);
	hg_buf_puts(b, "</td>");
	overview_gap(b, q, s);
	hg_buf_puts(
	    b, "<td class=\"hg-spark\" data-label=\"Most and least deprived fifths, whole area\">");
	if (isfinite(s->q1) && isfinite(s->q5)) {
		char id[160], title[400], q1[32], q5[32], v[32];
		if (count) {
			hg_fmt_tick(round(s->q1), 1, q1, sizeof q1);
			hg_fmt_tick(round(s->q5), 1, q5, sizeof q5);
		} else {
			hg_fmt_value(s->q1, q1, sizeof q1);
			hg_fmt_value(s->q5, q5, sizeof q5);
		}
		hg_fmt_value(s->value, v, sizeof v);
		snprintf(id, sizeof id, "gap-%s", s->ind->id);
		snprintf(title, sizeof title, "%s: most deprived fifth %s, least deprived fifth %s",
		         s->ind->name, q1, q5);
		if (!count)
			snprintf(title + strlen(title), sizeof title - strlen(title), ", %s %s",
			         pl->kind[0] ? pl->cat : "whole area", v);
		const char *key = "Dark dot: most deprived fifth; light dot: least deprived fifth.";
		if (!count)
			key = pl->kind[0]
			          ? "Dark dot: most deprived fifth; light dot: least deprived "
			            "fifth; vertical tick: this place."
			          : "Dark dot: most deprived fifth; light dot: least deprived "
			            "fifth; vertical tick: whole area.";
		hg_dumbbell_chart c = {id, title, key, s->q1, s->q5, count ? NAN : s->value, 0, 0};
		hg_chart_dumbbell(b, &c);
	}
	hg_buf_puts(b, "</td><td data-label=\"Since the previous period\">");
	hg_page_trend(b, s->trend, s->polarity);
	hg_buf_puts(b, "</td>");
	overview_icons(b, "Value trend (SPC)", s->var, s->ass, s->too_few);
	/* the SII is shown as most minus least deprived everywhere: its icon's high/low flips */
	int gv = s->gap_series && !strcmp(s->gap_series, "sii") && s->gap_var >= 0
	             ? hg_label_mirror_variation(s->gap_var)
	             : s->gap_var;
	overview_icons(b, "Gap trend (SPC)", gv, s->gap_ass, s->gap_too_few);
	/* one column, two lines: keeps the table within a laptop screen */
	hg_buf_puts(b, "<td class=\"num\" data-label=\"IMD unknown / ethnicity not stated\">");
	hg_page_pct(b, s->imd_unknown_pct);
	hg_buf_puts(b, "<br>");
	hg_page_pct(b, s->eth_not_stated_pct);
	hg_buf_puts(b, "</td></tr>");
}

/* The size of a gap for sorting across units: relative to the whole area's value (the
 * executive summary's rule, report/brief.h). */
static double gap_size(const hg_ind_summary *s)
{
	return hg_brief_gap_size(s->gap, s->value);
}

static int by_gap(const void *a, const void *b)
{
	double x = gap_size(a), y = gap_size(b);
	return x < y ? 1 : x > y ? -1 : 0;
}

static void overview_head(hg_buf *b, int sorted, const hg_place *pl)
{
	hg_buf sort = {0};
	hg_buf_puts(&sort, sorted ? "/" : "/?sort=gap");
	place_param(&sort, pl, sorted ? '?' : '&');
	hg_buf_printf(
	    b,
	    "<div class=\"hg-table-wrap\"><table class=\"hg-table hg-cards\" id=\"overview\">"
	    "<caption>Latest value, deprivation gap and data completeness by indicator%s"
	    "</caption><thead><tr><th scope=\"col\">Indicator</th>"
	    "<th scope=\"col\">Period end</th><th scope=\"col\" class=\"num\">Value "
	    "(95%% CI)</th><th scope=\"col\" class=\"num\">Most deprived fifth</th>"
	    "<th scope=\"col\" class=\"num\">Least deprived fifth</th><th scope=\"col\" "
	    "class=\"num\" id=\"gap-col\"%s>Deprivation gap<br><a href=\"%s\" id=\"sort-gap\">%s"
	    "</a></th><th scope=\"col\"><span class=\"hg-key hg-key-q1\"></span>Most "
	    "<span class=\"hg-key hg-key-q5\"></span>least <span class=\"hg-key "
	    "hg-key-area\"></span>area</th><th scope=\"col\">Since the previous period</th><th "
	    "scope=\"col\">Value trend (SPC)</th><th scope=\"col\">Gap trend (SPC)</th><th "
	    "scope=\"col\" class=\"num\">IMD unknown /<br>ethnicity not stated</th>"
	    "</tr></thead><tbody>",
	    sorted ? ", largest deprivation gap first" : "",
	    sorted ? " aria-sort=\"descending\"" : "", hg_buf_cstr(&sort),
	    sorted ? "Back to indicator order" : "Sort by gap size");
	hg_buf_free(&sort);
}

/* The place filter (server/place.h) above the overview table. */
static void overview_filter(hg_buf *b, const hg_req *q, const hg_place *pl, int sorted)
{
	hg_buf sel = {0};
	hg_place_select(&sel, q, pl);
	if (sel.n) {
		hg_buf_puts(b, "<form method=\"get\" class=\"hg-filters\" id=\"place-filter\">");
		hg_buf_put(b, sel.p, sel.n);
		if (sorted)
			hg_buf_puts(b, "<input type=\"hidden\" name=\"sort\" value=\"gap\">");
		hg_buf_puts(b, "<button type=\"submit\" class=\"hg-btn hg-btn-small\">Show"
		               "</button></form>");
	}
	hg_buf_free(&sel);
	if (!pl->kind[0])
		return;
	char t[300];
	hg_place_title(pl, t, sizeof t);
	hg_buf_puts(b, "<p class=\"hg-lede\" id=\"place-note\">Showing <strong>");
	hg_html_text(b, t);
	hg_buf_puts(b, "</strong>: each indicator's published row for this place, and its most "
	               "and least deprived fifths where the indicator is broken down by place and "
	               "deprivation together; indicators not broken down by this kind of place "
	               "show no value. Trend icons are the whole area's only.</p>");
}

static void hg_overview(hg_req *q, hg_resp *r)
{
	hg_buf *b = &r->body;
	const char *sort = hg_req_arg(q, "sort");
	int sorted = sort && !strcmp(sort, "gap");
	hg_html_begin(b, q, "Overview", "overview");
	if (q->sess.user.role == HG_ROLE_PRACTICE) { /* its own practice's view (page_practice.c) */
		hg_buf_puts(b, "<h1>Your practice</h1>");
		hg_page_practice(q, b);
		hg_html_end(b, q);
		hg_req_audit(q, "view", "page overview");
		hg_page_ok(r, 200);
		return;
	}
	hg_buf_printf(b,
	              "<h1>Health inequalities overview</h1><p class=\"hg-lede\">The pack's %d "
	              "indicators, latest period. The deprivation gap is the most deprived fifth "
	              "of neighbourhoods (IMD quintile 1) compared with the least deprived fifth "
	              "(quintile 5), in words; &ldquo;Sort by gap size&rdquo; puts the largest "
	              "gaps, relative to the whole area's value, first. The direction compares the "
	              "latest value "
	              "with the previous period (95%% confidence intervals not overlapping), "
	              "better or worse by the indicator's polarity.</p>",
	              q->res->pr->ninds);
	int n = q->res->pr->ninds;
	hg_place pl;
	hg_place_get(q, &pl);
	hg_ind_summary *s = hg_xcalloc((size_t)n + 1, sizeof *s);
	for (int i = 0; i < n; i++)
		if (pl.kind[0])
			hg_summarise_place(q->res, &q->sess.user, i, pl.kind, pl.cat, &s[i]);
		else
			hg_summarise(q->res, &q->sess.user, i, &s[i]);
	if (!pl.kind[0]) /* the executive summary is the whole area's */
		hg_page_brief(q, b, s, n);
	overview_filter(b, q, &pl, sorted);
	if (sorted)
		qsort(s, (size_t)n, sizeof *s, by_gap);
	overview_head(b, sorted, &pl);
	for (int i = 0; i < n; i++)
		overview_row(b, q, &s[i], &pl);
	free(s);
	hg_buf_puts(b, "</tbody></table></div><p class=\"hg-note\">Value trend: Making Data Count "
	               "icons of the whole area's value over its periods; gap trend: of the slope "
	               "index of inequality (or the gap between the most and least deprived "
	               "fifths), where improvement means the gap narrowing. Variation (left): grey "
	               "common cause, blue improvement, orange concern; assurance (right): P "
	               "consistently passes the target, F consistently fails, ? hit and miss. "
	               "Where any count behind a series is under 10 or suppressed, rounding "
	               "would drive its signals: it shows &ldquo;" HG_LABEL_TOO_FEW
	               "&rdquo; instead.</p>");
	hg_html_end(b, q);
	hg_req_audit(q, "view", "page overview%s%s%.64s", sorted ? " sort=gap" : "",
	             pl.kind[0] ? " place=" : "", pl.arg);
	hg_page_ok(r, 200);
}

/* ---- population ---- */

static double jd(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Percentages of a pyramid's total into left/right; returns the largest. */
static double pyr_pct(json_t *py, double *left, double *right, size_t n)
{
	double tot = jd(json_object_get(py, "total")), mx = 0;
	for (size_t k = 0; k < n; k++) {
		left[k] = 100 * jd(json_array_get(json_object_get(py, "male"), k)) / tot;
		right[k] = 100 * jd(json_array_get(json_object_get(py, "female"), k)) / tot;
		mx = fmax(mx,
		          fmax(isfinite(left[k]) ? left[k] : 0, isfinite(right[k]) ? right[k] : 0));
	}
	return mx;
}

static void pop_pyramids(hg_buf *b, json_t *pop)
{
	json_t *bands = json_object_get(pop, "age_bands"), *pyrs = json_object_get(pop, "pyramids");
	size_t n = json_array_size(bands), np = json_array_size(pyrs);
	const char **bl = hg_xcalloc(n + 1, sizeof *bl);
	double *l = hg_xcalloc(n * np + 1, sizeof *l), *rr = hg_xcalloc(n * np + 1, sizeof *rr);
	double mx = 0;
	for (size_t k = 0; k < n; k++)
		bl[k] = json_string_value(json_array_get(bands, k));
	for (size_t i = 0; i < np; i++)
		mx = fmax(mx, pyr_pct(json_array_get(pyrs, i), l + i * n, rr + i * n, n));
	hg_buf_puts(b, "<div class=\"hg-multiples\">");
	for (size_t i = 0; i < np; i++) {
		const char *q =
		    json_string_value(json_object_get(json_array_get(pyrs, i), "quintile"));
		char id[32], title[96];
		snprintf(id, sizeof id, "pyr-%s", q);
		snprintf(title, sizeof title, "%s%s",
		         strcmp(q, "All") ? "Deprivation quintile " : "",
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

static void render_pop_eth(hg_buf *b, json_t *pop)
{
	json_t *eth = json_object_get(pop, "ethnicity");
	size_t n = json_array_size(eth);
	double tot = 0;
	hg_bar *bars = hg_xcalloc(n + 1, sizeof *bars);
	for (size_t k = 0; k < n; k++)
		tot += isfinite(jd(json_object_get(json_array_get(eth, k), "count")))
		           ? jd(json_object_get(json_array_get(eth, k), "count"))
		           : 0;
	for (size_t k = 0; k < n; k++) {
		json_t *e = json_array_get(eth, k);
		double v = 100 * jd(json_object_get(e, "count")) / tot;
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

static void render_pop_completeness(hg_buf *b, json_t *pop)
{
	json_t *c = json_object_get(pop, "completeness");
	hg_buf_puts(b, "<section class=\"hg-card\" aria-labelledby=\"h-comp\"><h2 id=\"h-comp\">"
	               "Data completeness</h2><div class=\"hg-stats\"><div class=\"hg-stat\">"
	               "<span class=\"hg-stat-label\">Registered population</span><span "
	               "class=\"hg-stat-value\">");
	hg_page_num(b, jd(json_object_get(c, "registered")));
	hg_buf_puts(b, "</span></div><div class=\"hg-stat\"><span class=\"hg-stat-label\">"
	               "Ethnicity not stated</span><span class=\"hg-stat-value\">");
	hg_page_num(b, jd(json_object_get(c, "ethnicity_not_stated_pct")));
	hg_buf_puts(b, "%</span></div><div class=\"hg-stat\"><span class=\"hg-stat-label\">"
	               "LSOA or IMD unknown</span><span class=\"hg-stat-value\">");
	hg_page_num(b, jd(json_object_get(c, "imd_unknown_pct")));
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
	char rule[200];
	hg_sdc_describe(q->res->sdc_k, 0, rule, sizeof rule);
	hg_buf_printf(b,
	              "<h1>Population</h1><p class=\"hg-lede\">The registered population on "
	              "%s%s by age, sex, deprivation and ethnicity: %s.</p>",
	              json_string_value(json_object_get(pop, "as_at")),
	              q->sess.user.role == HG_ROLE_PRACTICE ? " (your practice)" : "", rule);
	if (json_object_get(pop, "pyramids")) {
		char bl[160];
		hg_label_breakdown("imd_quintile", q->res->status.imd, bl, sizeof bl);
		hg_buf_puts(b, "<h2>Age and sex by ");
		bl[0] = (char)tolower((unsigned char)bl[0]);
		hg_html_text(b, bl);
		hg_buf_puts(b, "</h2>");
		pop_pyramids(b, pop);
		hg_buf_puts(b, "<div class=\"hg-grid\">");
		render_pop_eth(b, pop);
		render_pop_completeness(b, pop);
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

static void dl_item(hg_buf *b, const char *term, const char *value)
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
	dl_item(b, "Snapshot", x->snapshot);
	dl_item(b, "Manifest hash (BLAKE2b-256)", x->manifest_hash);
	dl_item(b, "Indicator pack hash (BLAKE2b-256)", x->pack_hash);
	dl_item(b, "Deprivation index", x->imd_version);
	dl_item(b, "Results computed", x->computed_at);
	char line[300];
	hg_data_status_line(&x->status, line, sizeof line);
	dl_item(b, "Data status", line);
	hg_buf_puts(b, "</dl></section><section class=\"hg-card\"><h2>Disclosure control</h2>");
	snprintf(k, sizeof k, "Rule k%d", x->sdc_k);
	char rule[400];
	hg_sdc_describe(x->sdc_k, 1, rule, sizeof rule);
	rule[0] = (char)toupper((unsigned char)rule[0]);
	hg_buf_printf(b,
	              "<p><strong>%s.</strong> %s. Control is applied before anything is "
	              "shown, downloaded or returned by the API; it cannot be switched off in "
	              "the dashboard.</p><p>Sources: NHS England Core20PLUS5, CVDPREVENT, "
	              "OHID Fingertips and PHEindicatormethods for the statistical methods; "
	              "English Indices of Deprivation for IMD.</p></section></div>",
	              k, rule);
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
		char txt[600];
		hg_label_measure(ind, txt, sizeof txt);
		hg_buf_puts(b, ". <em>Measure:</em> ");
		hg_html_text(b, txt);
		hg_buf_puts(b, "; ");
		hg_html_text(b, hg_label_polarity(hg_objectives_polarity(x->obj, ind->id)));
		hg_buf_puts(b, ".");
		if (ind->note) {
			hg_label_note(ind->note, txt, sizeof txt);
			hg_buf_puts(b, " <em>Note:</em> ");
			hg_html_text(b, txt);
		}
		hg_buf_puts(b, "</dd>");
	}
	hg_buf_puts(b, "</dl></section>");
	hg_html_end(b, q);
	hg_req_audit(q, "view", "page methods");
	hg_page_ok(r, 200);
}

/* ---- administration (admin role) ---- */

static void admin_user(const hg_user *u, long long created, void *arg)
{
	hg_buf *b = arg;
	hg_buf_puts(b, "<tr><th scope=\"row\">");
	hg_html_text(b, u->username);
	hg_buf_printf(b, "</th><td>%s</td><td>", hg_role_name(u->role));
	hg_html_text(b, u->practice);
	char when[32];
	time_t t = (time_t)created;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	hg_buf_printf(b, "</td><td>%s</td></tr>", when);
}

static void admin_audit(long long seq, const char *ts, const char *actor, const char *address,
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
		hg_page_error(q, r, 403, "This page is for administrators only.");
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
	            "scope=\"col\">Practice</th><th scope=\"col\">Created (UTC)</th></tr>"
	            "</thead><tbody>");
	hg_user_each(&q->srv->db, admin_user, b, &err);
	hg_buf_puts(b, "</tbody></table></div></section><section class=\"hg-card\"><h2>Latest "
	               "audit entries</h2><div class=\"hg-table-wrap\"><table class=\"hg-table\" "
	               "id=\"audit\"><thead><tr><th scope=\"col\" class=\"num\">#</th><th "
	               "scope=\"col\">Time (UTC)</th><th scope=\"col\">User</th><th "
	               "scope=\"col\">Address</th><th scope=\"col\">Action</th><th "
	               "scope=\"col\">Detail</th></tr></thead><tbody>");
	hg_audit_each(&q->srv->db, 100, admin_audit, b, &err);
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
			login_post(q, r);
		else if (q->authed)
			hg_resp_redirect(r, "/");
		else
			login_page(q, r, 200, NULL);
		return 1;
	}
	if (!strcmp(p, "/logout") && post) {
		logout_post(q, r);
		return 1;
	}
	if (hg_worklist_route(q, r) || hg_segments_route(q, r))
		return 1;
	int known = !strcmp(p, "/") || !strcmp(p, "/population") || !strcmp(p, "/methods") ||
	            !strcmp(p, "/admin") || !strncmp(p, "/indicators/", 12) ||
	            !strcmp(p, "/scenarios");
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
	else if (!strcmp(p, "/scenarios"))
		hg_page_scenarios(q, r);
	else
		hg_page_indicator(q, r, p + 12);
	return 1;
}
