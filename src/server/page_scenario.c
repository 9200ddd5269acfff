/*
 * page_scenario.c: the dashboard's "case for acting" page, /scenarios (issue
 * 14, docs/economics.md). It shows what `healthgap scenario` wrote into the
 * folder given to `serve --scenarios DIR` (one OUT/ID/scenario.json per
 * scenario): a table of every scenario, then the one chosen (?id=, default
 * the first): its headline sentence, the figures with their 95% intervals,
 * events averted by year, net health benefit by IMD quintile, the
 * acceptability curve, the equity-weighted gain over inequality aversion
 * 0-20, the tornado of one-way sensitivity, and every parameter with its
 * source. The files are aggregates of a run's published (disclosure-
 * controlled) rows, so every role may see them; they are read at each request
 * and say when and from what they were computed (they are not live).
 */
#include "report/chart.h"
#include "report/chart_econ.h"
#include "server/html.h"
#include "server/pages.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PS_MAX 64

typedef struct ps_list {
	json_t *j[PS_MAX];
	char id[PS_MAX][64];
	size_t n;
} ps_list;

static json_t *ps_get(json_t *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	char *save = NULL;
	for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
	return o;
}

static double ps_num(json_t *o, const char *path)
{
	json_t *v = ps_get(o, path);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *ps_str(json_t *o, const char *path)
{
	const char *s = json_string_value(ps_get(o, path));
	return s ? s : "";
}

static int ps_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* The scenarios of dir in name order (folders without a scenario.json are skipped). */
static void ps_load(const char *dir, ps_list *l)
{
	memset(l, 0, sizeof *l);
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	char names[PS_MAX][64];
	size_t n = 0;
	while ((e = readdir(dp)) && n < PS_MAX)
		if (e->d_name[0] != '.' && strlen(e->d_name) < 64)
			snprintf(names[n++], 64, "%s", e->d_name);
	closedir(dp);
	qsort(names, n, sizeof names[0], ps_cmp);
	for (size_t i = 0; i < n; i++) {
		char path[HG_PATH_MAX];
		snprintf(path, sizeof path, "%s/%s/scenario.json", dir, names[i]);
		json_error_t je;
		json_t *j = json_load_file(path, 0, &je);
		if (!j)
			continue;
		l->j[l->n] = j;
		snprintf(l->id[l->n++], 64, "%s", names[i]);
	}
}

static void ps_free(ps_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		json_decref(l->j[i]);
}

static json_t *ps_last(json_t *j)
{
	json_t *h = json_object_get(j, "horizons");
	size_t n = json_array_size(h);
	return n ? json_array_get(h, n - 1) : NULL;
}

static void ps_money(hg_buf *b, double v)
{
	double a = fabs(v);
	if (isnan(v))
		hg_buf_puts(b, "-");
	else
		hg_buf_printf(b, "%s&pound;%.*f%s", v < 0 ? "&minus;" : "",
		              a >= 1e6   ? 1
		              : a >= 1e4 ? 0
		              : a >= 1e3 ? 1
		                         : 0,
		              a >= 1e6   ? a / 1e6
		              : a >= 1e3 ? a / 1e3
		                         : a,
		              a >= 1e6   ? "m"
		              : a >= 1e3 ? "k"
		                         : "");
}

/* A metric of the last horizon as table cells: value, then its 95% interval. */
static void ps_metric(hg_buf *b, json_t *h, const char *name, int money)
{
	char path[96];
	double v[3];
	static const char *const f[3] = {"value", "lower_95", "upper_95"};
	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof path, "metrics.%s.%s", name, f[k]);
		v[k] = ps_num(h, path);
	}
	for (int k = 0; k < 3; k++) {
		hg_buf_puts(b, k == 0   ? "<td class=\"num\">"
		               : k == 1 ? "<td class=\"num\">"
		                        : " to ");
		if (money)
			ps_money(b, v[k]);
		else
			hg_page_num(b, v[k]);
		if (k != 1)
			hg_buf_puts(b, "</td>");
	}
}

/* ---- the table of every scenario ---- */

static void ps_table(hg_buf *b, const ps_list *l, size_t sel)
{
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\"><h2>Scenarios</h2><div "
	               "class=\"hg-table-wrap\"><table class=\"hg-table\" id=\"scenarios\"><thead>"
	               "<tr><th scope=\"col\">Scenario</th><th scope=\"col\">Indicator</th><th "
	               "scope=\"col\">People reached</th><th scope=\"col\">Events averted</th><th "
	               "scope=\"col\">NHS costs avoided</th><th scope=\"col\">Cost</th><th "
	               "scope=\"col\">Cost per QALY</th><th scope=\"col\">P(cost-effective at "
	               "&pound;20k)</th></tr></thead><tbody>");
	for (size_t i = 0; i < l->n; i++) {
		json_t *j = l->j[i], *h = ps_last(j);
		hg_buf_puts(b, "<tr><th scope=\"row\"><a href=\"/scenarios?id=");
		hg_html_urlenc(b, l->id[i]);
		hg_buf_printf(b, "\"%s>", i == sel ? " aria-current=\"page\"" : "");
		hg_html_text(b, ps_str(j, "title"));
		hg_buf_puts(b, "</a></th><td>");
		hg_html_text(b, ps_str(j, "indicator.id"));
		hg_buf_puts(b, "</td><td class=\"num\">");
		hg_page_count(b, ps_num(j, "people_reached"));
		hg_buf_puts(b, "</td><td class=\"num\">");
		hg_page_num(b, ps_num(h, "metrics.events_averted.value"));
		hg_buf_puts(b, "</td><td class=\"num\">");
		ps_money(b, ps_num(h, "metrics.nhs_costs_avoided.value"));
		hg_buf_puts(b, "</td><td class=\"num\">");
		ps_money(b, ps_num(h, "metrics.intervention_cost.value"));
		hg_buf_puts(b, "</td><td class=\"num\">");
		if (ps_num(h, "metrics.net_cost.value") < 0)
			hg_buf_puts(b, "saves money");
		else
			ps_money(b, ps_num(h, "metrics.cost_per_qaly.value"));
		hg_buf_puts(b, "</td><td class=\"num\">");
		hg_page_pct(b, 100 * ps_num(h, "p_cost_effective_low"));
		hg_buf_puts(b, "</td></tr>");
	}
	hg_buf_puts(b, "</tbody></table></div></section>");
}

/* ---- one scenario ---- */

static void ps_figures(hg_buf *b, json_t *j)
{
	json_t *h = ps_last(j);
	static const char *const rows[][3] = {
	    {"Events averted", "events_averted", "0"},
	    {"Deaths averted", "deaths_averted", "0"},
	    {"QALYs gained", "qalys_gained", "0"},
	    {"NHS costs avoided (discounted 3.5%)", "nhs_costs_avoided", "1"},
	    {"Intervention cost", "intervention_cost", "1"},
	    {"Net cost (negative: saves money)", "net_cost", "1"},
	    {"Return per pound spent", "roi", "0"},
	    {"Cost per QALY", "cost_per_qaly", "1"},
	    {"Net health benefit (QALYs, after the opportunity cost)", "net_health_benefit", "0"},
	    {"Equity-weighted QALYs", "equity_weighted_qalys", "0"}};
	hg_buf_printf(b,
	              "<section class=\"hg-card\"><h2>Over %.0f years</h2><div "
	              "class=\"hg-table-wrap\"><table class=\"hg-table\" id=\"scn-figures\">"
	              "<thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">Value</th><th "
	              "scope=\"col\">95%% interval</th></tr></thead><tbody>",
	              ps_num(h, "years"));
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		hg_buf_puts(b, "<tr><th scope=\"row\">");
		hg_html_text(b, rows[i][0]);
		hg_buf_puts(b, "</th>");
		ps_metric(b, h, rows[i][1], rows[i][2][0] == '1');
		hg_buf_puts(b, "</tr>");
	}
	hg_buf_puts(b, "<tr><th scope=\"row\">Probability of saving money</th><td "
	               "class=\"num\">");
	hg_page_pct(b, 100 * ps_num(h, "p_cost_saving"));
	hg_buf_puts(b, "</td><td></td></tr><tr><th scope=\"row\">Breaks even</th><td "
	               "colspan=\"2\">");
	double be = ps_num(h, "break_even_year");
	if (isnan(be))
		hg_buf_puts(b, "not within 10 years");
	else
		hg_buf_printf(b, "in year %.0f", be);
	hg_buf_puts(b, "</td></tr><tr><th scope=\"row\">Gap, most minus least deprived "
	               "fifth</th><td colspan=\"2\">");
	json_t *ind = json_object_get(j, "indicator");
	if (json_is_true(json_object_get(ind, "computed"))) {
		hg_page_num(b, ps_num(ind, "gap_q1_q5_before"));
		hg_buf_puts(b, " now, ");
		hg_page_num(b, ps_num(ind, "gap_q1_q5_after"));
		hg_buf_puts(b, " after");
	} else {
		hg_buf_puts(b, "<span class=\"hg-small\">");
		hg_html_text(b, ps_str(ind, "note"));
		hg_buf_puts(b, "</span>");
	}
	hg_buf_puts(b, "</td></tr></tbody></table></div></section>");
}

static void ps_years_chart(hg_buf *b, json_t *j)
{
	json_t *y = json_object_get(j, "by_year");
	int years = (int)ps_num(ps_last(j), "years");
	hg_bar bars[10];
	char labels[10][16];
	size_t n = 0;
	for (int t = 0; t < years && t < 10 && (size_t)t < json_array_size(y); t++, n++) {
		json_t *e = ps_get(json_array_get(y, (size_t)t), "events_averted");
		snprintf(labels[n], sizeof labels[n], "year %d", t + 1);
		bars[n] = (hg_bar){labels[n], ps_num(e, "value"), ps_num(e, "lower_95"),
		                   ps_num(e, "upper_95"), 0};
	}
	hg_bar_chart c = {.id = "scn-years",
	                  .title = "Events averted by year",
	                  .desc = "Events averted each year with 95% intervals from the "
	                          "probabilistic sensitivity analysis",
	                  .value_label = "Events averted",
	                  .cat_label = "Year",
	                  .bars = bars,
	                  .n = n,
	                  .ref = NAN,
	                  .vertical = 1,
	                  .from_zero = 1};
	hg_buf_puts(b, "<section class=\"hg-card\"><h2>Events averted by year</h2><figure "
	               "class=\"hg-chart\">");
	hg_chart_bars(b, &c);
	hg_buf_puts(b, "</figure></section>");
}

static void ps_nhb_chart(hg_buf *b, json_t *j)
{
	json_t *q = ps_get(ps_last(j), "dcea.by_quintile");
	if (json_array_size(q) != 5) {
		hg_buf_puts(b,
		            "<section class=\"hg-card\"><h2>Who gains</h2><p class=\"hg-note\" "
		            "id=\"no-dcea\">No distributional analysis: it needs the population of "
		            "each IMD quintile, and the run has no crude rate or age-standardised "
		            "rate with all five quintiles published (a scenario's population: line "
		            "names one).</p></section>");
		return;
	}
	static const char *const labels[5] = {"1 most deprived", "2", "3", "4", "5 least deprived"};
	hg_bar bars[5];
	for (size_t i = 0; i < 5; i++)
		bars[i] = (hg_bar){labels[i], ps_num(json_array_get(q, i), "net_health_benefit"),
		                   NAN, NAN, 0};
	hg_bar_chart c = {.id = "scn-nhb",
	                  .title = "Net health benefit by IMD quintile",
	                  .desc = "QALYs gained minus the health forgone where the money comes "
	                          "from, by IMD quintile",
	                  .value_label = "Net health benefit (QALYs)",
	                  .cat_label = "IMD quintile",
	                  .bars = bars,
	                  .n = 5,
	                  .ref = NAN,
	                  .palette = HG_PAL_DEPRIVATION,
	                  .vertical = 1};
	hg_buf_puts(b, "<section class=\"hg-card\"><h2>Who gains</h2><figure class=\"hg-chart\">");
	hg_chart_bars(b, &c);
	hg_buf_puts(b, "</figure><p class=\"hg-note\">Change in the slope index of inequality in "
	               "quality-adjusted life expectancy: ");
	hg_buf_printf(b, "%.6f QALYs (after minus before: negative narrows the gap).</p></section>",
	              ps_num(ps_last(j), "dcea.sii_change"));
}

/* A line chart of pairs (x label, value) from an array of objects. */
static void ps_line(hg_buf *b, json_t *a, const char *xkey, const char *ykey, double yscale,
                    const char *id, const char *title, const char *ylabel, const char *xlabel)
{
	size_t n = json_array_size(a);
	if (!n)
		return;
	hg_ts_point *p = calloc(n, sizeof *p);
	char(*lab)[16] = calloc(n, sizeof *lab);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(a, i);
		snprintf(lab[i], sizeof lab[i], "%g", ps_num(e, xkey));
		p[i] = (hg_ts_point){lab[i], yscale * ps_num(e, ykey), NAN, NAN, 0};
	}
	hg_ts_series s = {ylabel, p, n};
	hg_ts_chart c = {.id = id,
	                 .title = title,
	                 .desc = title,
	                 .value_label = ylabel,
	                 .time_label = xlabel,
	                 .series = &s,
	                 .nseries = 1};
	hg_buf_puts(b, "<section class=\"hg-card\"><h2>");
	hg_html_text(b, title);
	hg_buf_puts(b, "</h2><figure class=\"hg-chart\">");
	hg_chart_timeseries(b, &c);
	hg_buf_puts(b, "</figure></section>");
	free(p);
	free(lab);
}

/* The equity-efficiency plane: the PSA sample and the base case. */
static void ps_plane(hg_buf *b, json_t *j)
{
	json_t *smp = ps_get(j, "psa.plane_sample"), *h = ps_last(j);
	size_t n = json_array_size(smp);
	if (!n || isnan(ps_num(h, "metrics.equity_impact.value")))
		return;
	double *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(smp, i);
		x[i] = json_is_number(json_array_get(e, 3))
		           ? json_number_value(json_array_get(e, 3))
		           : NAN;
		y[i] = json_is_number(json_array_get(e, 2))
		           ? json_number_value(json_array_get(e, 2))
		           : NAN;
	}
	hg_plane_chart c = {.id = "scn-plane",
	                    .title = "Equity-efficiency plane",
	                    .desc = "Net health benefit (up: healthier) against equity impact "
	                            "(right: fairer, at inequality aversion 10.95), the base case "
	                            "and a sample of the probabilistic draws",
	                    .x_label = "Equity impact (equity-weighted QALYs minus net health "
	                               "benefit)",
	                    .y_label = "Net health benefit (QALYs)",
	                    .x = x,
	                    .y = y,
	                    .n = n,
	                    .x0 = ps_num(h, "metrics.equity_impact.value"),
	                    .y0 = ps_num(h, "metrics.net_health_benefit.value")};
	hg_buf_puts(b, "<section class=\"hg-card\"><h2>Healthier and fairer?</h2><figure "
	               "class=\"hg-chart\">");
	hg_chart_plane(b, &c);
	hg_buf_puts(b, "</figure></section>");
	free(x);
	free(y);
}

static void ps_tornado(hg_buf *b, json_t *j)
{
	json_t *t = ps_get(j, "psa.tornado");
	size_t n = json_array_size(t) < 10 ? json_array_size(t) : 10;
	if (!n)
		return;
	hg_bar bars[10];
	json_t *h = ps_last(j);
	double base =
	    20000 * ps_num(h, "metrics.qalys_gained.value") - ps_num(h, "metrics.net_cost.value");
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(t, i);
		double lo = ps_num(e, "nmb_low"), hi = ps_num(e, "nmb_high");
		bars[i] = (hg_bar){ps_str(e, "parameter"), base, fmin(lo, hi), fmax(lo, hi), 0};
	}
	hg_bar_chart c = {.id = "scn-tornado",
	                  .title = "One-way sensitivity: net monetary benefit at 20,000 pounds "
	                           "per QALY",
	                  .desc = "For the ten most influential parameters, the range of net "
	                          "monetary benefit when each is set to its 2.5% and 97.5% "
	                          "quantiles (the whiskers), the others at their values",
	                  .value_label = "Net monetary benefit (pounds)",
	                  .cat_label = "Parameter",
	                  .bars = bars,
	                  .n = n,
	                  .ref = base,
	                  .ref_label = "base case"};
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\"><h2>What matters most</h2><figure "
	               "class=\"hg-chart\">");
	hg_chart_bars(b, &c);
	hg_buf_puts(b, "</figure></section>");
}

static void ps_params(hg_buf *b, json_t *j)
{
	json_t *p = json_object_get(j, "parameters"), *x;
	size_t k;
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\"><h2>Parameters and their "
	               "sources</h2><div class=\"hg-table-wrap\"><table class=\"hg-table\"><thead>"
	               "<tr><th scope=\"col\">Endpoint</th><th scope=\"col\">Parameter</th><th "
	               "scope=\"col\">Value</th><th scope=\"col\">95% interval</th><th "
	               "scope=\"col\">Distribution</th><th scope=\"col\">Evidence</th><th "
	               "scope=\"col\">Source</th></tr></thead><tbody>");
	json_array_foreach(p, k, x)
	{
		hg_buf_puts(b, "<tr><td>");
		hg_html_text(b, ps_str(x, "endpoint"));
		hg_buf_puts(b, "</td><td>");
		hg_html_text(b, ps_str(x, "parameter"));
		hg_buf_printf(b, "</td><td class=\"num\">%g</td><td class=\"num\">",
		              ps_num(x, "value"));
		if (!isnan(ps_num(x, "low")))
			hg_buf_printf(b, "%g to %g", ps_num(x, "low"), ps_num(x, "high"));
		hg_buf_puts(b, "</td><td>");
		hg_html_text(b, ps_str(x, "distribution"));
		hg_buf_puts(b, "</td><td>");
		hg_html_text(b, ps_str(x, "evidence"));
		hg_buf_puts(b, "</td><td class=\"hg-small\">");
		hg_html_text(b, ps_str(x, "source"));
		hg_buf_puts(b, "</td></tr>");
	}
	hg_buf_puts(b, "</tbody></table></div><p class=\"hg-note\">Evidence: V verified in a "
	               "primary source, S secondary, M background knowledge or assumption, "
	               "derived, design. docs/economics.md explains the model and its "
	               "limits.</p></section>");
}

static void ps_one(hg_buf *b, json_t *j)
{
	hg_buf_puts(b, "<section class=\"hg-card hg-wide\"><h2>");
	hg_html_text(b, ps_str(j, "title"));
	hg_buf_puts(b, "</h2><p class=\"hg-lede\" id=\"headline\">");
	hg_html_text(b, ps_str(j, "headline"));
	hg_buf_puts(b, "</p><p class=\"hg-note\">");
	if (json_is_true(json_object_get(j, "synthetic")))
		hg_buf_puts(b, "Synthetic data: these figures describe a made-up population. ");
	hg_buf_puts(b, "Computed by healthgap scenario from ");
	hg_html_text(b, ps_str(j, "source"));
	hg_buf_printf(b, " with %.0f draws (seed %.0f). ", ps_num(j, "psa.draws"),
	              ps_num(j, "psa.seed"));
	hg_html_text(b, ps_str(j, "note"));
	hg_buf_puts(b, "</p></section><div class=\"hg-grid\">");
	ps_figures(b, j);
	ps_years_chart(b, j);
	ps_nhb_chart(b, j);
	ps_line(b, ps_get(j, "psa.ceac"), "threshold", "p_cost_effective", 100, "scn-ceac",
	        "Probability of being cost-effective", "Probability (%)",
	        "Pounds per QALY the NHS is willing to pay");
	ps_line(b, ps_get(ps_last(j), "dcea.profile"), "epsilon", "equity_weighted_qalys", 1,
	        "scn-eps", "Equity-weighted health gain by inequality aversion",
	        "Equity-weighted QALYs",
	        "Atkinson inequality aversion (10.95: the English public)");
	ps_plane(b, j);
	hg_buf_puts(b, "</div>");
	ps_tornado(b, j);
	ps_params(b, j);
}

void hg_page_scenarios(hg_req *q, hg_resp *r)
{
	hg_buf *b = &r->body;
	const char *dir = q->srv->o.scenarios_dir, *want = hg_req_arg(q, "id");
	ps_list l;
	ps_load(dir ? dir : "", &l);
	size_t sel = 0;
	for (size_t i = 0; want && i < l.n; i++)
		if (!strcmp(l.id[i], want))
			sel = i;
	if (want && l.n && strcmp(l.id[sel], want)) {
		ps_free(&l);
		hg_page_error(q, r, 404, "no such scenario");
		return;
	}
	hg_req_audit(q, "view", "page scenarios%s%s", l.n ? " " : "", l.n ? l.id[sel] : "");
	hg_html_begin(b, q, "The case for acting", "scenarios");
	hg_buf_puts(b, "<h1>The case for acting</h1>");
	if (!l.n) {
		hg_buf_puts(b,
		            "<p class=\"hg-lede\">No scenarios: write them with <code>healthgap "
		            "scenario SCENARIO --results DIR --out OUT</code> and start the "
		            "dashboard with <code>--scenarios OUT</code> (docs/economics.md).</p>");
	} else {
		hg_buf_puts(b,
		            "<p class=\"hg-lede\">What reaching more people would prevent, save "
		            "and cost, and who would gain, from this area's published results and "
		            "published evidence. A model's expected values, with 95% intervals "
		            "from a probabilistic sensitivity analysis.</p>");
		ps_one(b, l.j[sel]);
		ps_table(b, &l, sel);
	}
	hg_html_end(b, q);
	hg_page_ok(r, 200);
	ps_free(&l);
}
