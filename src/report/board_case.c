/*
 * board_case.c: the board report's "case for acting" page (issue 14,
 * docs/economics.md): from the scenario.json files of `healthgap scenario`
 * (one folder per scenario), the headline sentences of the scenarios with
 * the most equity-weighted health gain, a table of every scenario (people
 * reached, events averted with their 95% interval, NHS costs avoided, cost,
 * return on investment, break-even year, cost per QALY, the probability of
 * being cost-effective, the change in the indicator's gap, equity-weighted
 * QALYs), the net health benefit by IMD quintile of the first, and where the
 * parameters come from. Synthetic results say so.
 */
#include "report/board.h"

#include "report/chart.h"
#include "report/svg.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE_MAX       64 /* scenarios on the page (more is an error, not a silent cut) */
#define CASE_HEADLINES 2
#define CASE_ROWS      5 /* the table keeps to one printed page */

typedef struct case_scn {
	json_t *j;
	double ewq; /* equity-weighted QALYs at the longest horizon, for the order */
} case_scn;

static json_t *jget(json_t *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, "."))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
	return o;
}

static double jnum(json_t *o, const char *path)
{
	json_t *v = jget(o, path);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *jstr(json_t *o, const char *path)
{
	const char *s = json_string_value(jget(o, path));
	return s ? s : "";
}

static json_t *last_horizon(json_t *j)
{
	json_t *h = json_object_get(j, "horizons");
	size_t n = json_array_size(h);
	return n ? json_array_get(h, n - 1) : NULL;
}

static int cmp_case(const void *a, const void *b)
{
	const case_scn *x = a, *y = b;
	double u = isnan(x->ewq) ? -INFINITY : x->ewq, v = isnan(y->ewq) ? -INFINITY : y->ewq;
	return (u < v) - (u > v);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The scenario folders of dir, in name order. */
static int case_list(const char *dir, char ***names, size_t *n, hg_err *err)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return hg_err_set(err, HG_EIO,
		                  "%s: cannot open the scenarios folder (the --out of "
		                  "`healthgap scenario`)",
		                  dir);
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.') {
			HG_GROW(*names, *n, cap);
			(*names)[(*n)++] = strdup(e->d_name);
		}
	closedir(dp);
	qsort(*names, *n, sizeof **names, cmp_name);
	return 0;
}

static int case_load(const char *dir, case_scn *v, size_t *n, hg_err *err)
{
	char **names = NULL;
	size_t nn = 0;
	int rc = case_list(dir, &names, &nn, err);
	for (size_t i = 0; rc == 0 && i < nn; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s/scenario.json", dir, names[i]);
		json_error_t je;
		json_t *j = json_load_file(path, 0, &je);
		if (!j)
			continue; /* not a scenario folder */
		if (*n == CASE_MAX) {
			json_decref(j);
			rc = hg_err_set(err, HG_EINPUT, "%s: more than %d scenarios for one page",
			                dir, CASE_MAX);
			break;
		}
		v[*n].j = j;
		v[*n].ewq = jnum(last_horizon(j), "metrics.equity_weighted_qalys.value");
		(*n)++;
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	if (rc == 0 && !*n)
		rc = hg_err_set(err, HG_EINPUT, "%s holds no scenario (OUT/ID/scenario.json)", dir);
	return rc;
}

/* ---- numbers in words ---- */

static void money(hg_buf *b, double v)
{
	double a = fabs(v);
	if (isnan(v))
		hg_buf_puts(b, "<span class=\"na\">n/a</span>");
	else if (a >= 1e6)
		hg_buf_printf(b, "%s&pound;%.1fm", v < 0 ? "&minus;" : "", a / 1e6);
	else if (a >= 1e3)
		hg_buf_printf(b, "%s&pound;%.0fk", v < 0 ? "&minus;" : "", a / 1e3);
	else
		hg_buf_printf(b, "%s&pound;%.0f", v < 0 ? "&minus;" : "", a);
}

static void count(hg_buf *b, double v)
{
	if (isnan(v))
		hg_buf_puts(b, "<span class=\"na\">n/a</span>");
	else if (fabs(v) < 0.05)
		hg_buf_puts(b, "0");
	else
		hg_buf_printf(b, fabs(v) >= 10 ? "%.0f" : "%.1f", v);
}

static void icer(hg_buf *b, json_t *h)
{
	double c = jnum(h, "metrics.cost_per_qaly.value"), net = jnum(h, "metrics.net_cost.value");
	if (net < 0)
		hg_buf_puts(b, "saves money");
	else if (isnan(c))
		hg_buf_puts(b, "<span class=\"na\">no QALYs</span>");
	else if (c >= 1000 && c < 1e6)
		hg_buf_printf(b, "&pound;%.0f,%03.0f", floor(c / 1000), fmod(round(c), 1000));
	else
		money(b, c);
}

static void gap(hg_buf *b, json_t *j)
{
	json_t *ind = json_object_get(j, "indicator");
	if (!json_is_true(json_object_get(ind, "computed"))) {
		hg_buf_puts(b, "<span class=\"na\">not claimed</span>");
		return;
	}
	double before = jnum(ind, "gap_q1_q5_before"), after = jnum(ind, "gap_q1_q5_after");
	double d = fabs(before) - fabs(after);
	hg_buf_printf(b, "%s %.1f", d >= 0 ? "narrows" : "widens", fabs(d));
}

/* ---- the page ---- */

static void case_row(hg_buf *b, json_t *j)
{
	json_t *h = last_horizon(j);
	hg_buf_puts(b, "<tr><td>");
	hg_xml_escape(b, jstr(j, "title"));
	hg_buf_puts(b, " <span class=\"ci\">");
	hg_xml_escape(b, jstr(j, "indicator.id"));
	hg_buf_puts(b, "</span></td><td class=\"num\">");
	count(b, jnum(j, "people_reached"));
	hg_buf_puts(b, "</td><td class=\"num\">");
	count(b, jnum(h, "metrics.events_averted.value"));
	hg_buf_puts(b, " <span class=\"ci\">(");
	count(b, jnum(h, "metrics.events_averted.lower_95"));
	hg_buf_puts(b, "&ndash;");
	count(b, jnum(h, "metrics.events_averted.upper_95"));
	hg_buf_puts(b, ")</span></td><td class=\"num\">");
	money(b, jnum(h, "metrics.nhs_costs_avoided.value"));
	hg_buf_puts(b, "</td><td class=\"num\">");
	money(b, jnum(h, "metrics.intervention_cost.value"));
	hg_buf_printf(b, "</td><td class=\"num\">%.2f</td><td class=\"num\">",
	              jnum(h, "metrics.roi.value"));
	double be = jnum(h, "break_even_year");
	if (isnan(be))
		hg_buf_puts(b, "<span class=\"na\">not in 10 y</span>");
	else
		hg_buf_printf(b, "year %.0f", be);
	hg_buf_puts(b, "</td><td class=\"num\">");
	icer(b, h);
	hg_buf_printf(b, "</td><td class=\"num\">%.0f%%</td><td class=\"num\">",
	              100 * jnum(h, "p_cost_effective_low"));
	gap(b, j);
	hg_buf_puts(b, "</td><td class=\"num\">");
	count(b, jnum(h, "metrics.equity_weighted_qalys.value"));
	hg_buf_puts(b, "</td></tr>\n");
}

static void case_table(hg_buf *b, const case_scn *v, size_t n)
{
	hg_buf_printf(b, "<table><thead><tr><th>Scenario</th><th>People reached</th>"
	                 "<th>Events averted (95%% interval)</th><th>NHS costs avoided</th>"
	                 "<th>Cost</th><th>Return per &pound;1</th><th>Breaks even</th>"
	                 "<th>Cost per QALY</th><th>P(cost-effective at &pound;20k)</th>"
	                 "<th>Gap Q1&ndash;Q5 (points)</th><th>Equity-weighted QALYs</th></tr>"
	                 "</thead><tbody>");
	for (size_t i = 0; i < n && i < CASE_ROWS; i++)
		case_row(b, v[i].j);
	hg_buf_puts(b, "</tbody></table>");
	if (n > CASE_ROWS)
		hg_buf_printf(
		    b,
		    "<p class=\"note\">%zu more scenarios, with less equity-weighted gain, "
		    "are in the scenarios folder (summary.csv of each).</p>",
		    n - CASE_ROWS);
}

static void case_chart(hg_buf *b, json_t *j)
{
	json_t *q = jget(last_horizon(j), "dcea.by_quintile");
	size_t n = json_array_size(q);
	if (n != 5)
		return;
	hg_bar bars[5];
	static const char *const labels[5] = {"1 most deprived", "2", "3", "4", "5 least deprived"};
	for (size_t i = 0; i < n; i++)
		bars[i] = (hg_bar){labels[i], jnum(json_array_get(q, i), "net_health_benefit"), NAN,
		                   NAN, 0};
	char title[400];
	snprintf(title, sizeof title, "Net health benefit by IMD quintile: %s", jstr(j, "title"));
	hg_bar_chart c = {.id = "case-nhb",
	                  .title = title,
	                  .desc =
	                      "QALYs gained minus the health forgone where the money comes from "
	                      "(the opportunity cost), by IMD quintile",
	                  .value_label = "Net health benefit (QALYs)",
	                  .cat_label = "IMD quintile",
	                  .bars = bars,
	                  .n = n,
	                  .ref = NAN,
	                  .palette = HG_PAL_DEPRIVATION,
	                  .vertical = 1,
	                  .width = 440};
	hg_buf_puts(b, "<h3>Who gains: net health benefit by IMD quintile, ");
	hg_xml_escape(b, jstr(j, "title"));
	hg_buf_puts(b, "</h3><div class=\"chart\">");
	hg_chart_bars(b, &c);
	hg_buf_puts(b, "</div>");
}

/* How the parameters used are graded, with the library and its version. */
static void case_sources(hg_buf *b, const case_scn *v, size_t n)
{
	int ver = 0, sec = 0, other = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_object_get(v[i].j, "parameters"), *x;
		size_t k;
		json_array_foreach(p, k, x)
		{
			const char *e = jstr(x, "evidence");
			ver += !strcmp(e, "V");
			sec += !strcmp(e, "S");
			other += strcmp(e, "V") && strcmp(e, "S");
		}
	}
	hg_buf_puts(b, "<p class=\"note\">Sources: every parameter is listed with its source in "
	               "each scenario's parameters.csv and in docs/economics.md (intervention "
	               "library ");
	hg_xml_escape(b, jstr(v[0].j, "model.library.0.path"));
	hg_buf_puts(b, ", version ");
	hg_xml_escape(b, jstr(v[0].j, "model.library.0.version"));
	hg_buf_printf(b,
	              "). Of the parameters used, %d are verified in a primary source, %d come "
	              "from secondary sources and %d are derived, design choices or assumptions: "
	              "the figures are a model's expected values, not forecasts. Costs are NHS "
	              "costs discounted at 3.5%%; the cost per QALY is compared with NICE's "
	              "&pound;20,000&ndash;30,000; equity weighting uses inequality aversion ",
	              ver, sec, other);
	hg_buf_printf(b, "%g (Robson 2017).</p>", jnum(v[0].j, "model.inequality_aversion"));
}

static void case_page(hg_buf *b, const case_scn *v, size_t n)
{
	hg_buf_puts(b, "<section class=\"page case\" id=\"case-for-acting\"><h2>The case for "
	               "acting</h2><style>.case table{font-size:12px}.case td,.case th{padding:4px "
	               "6px}.case td:first-child{min-width:160px}</style>");
	if (json_is_true(json_object_get(v[0].j, "synthetic")))
		hg_buf_puts(b,
		            "<p class=\"dq\"><b>Synthetic data.</b> These scenarios are computed "
		            "from a synthetic population: they show the method, not this area's "
		            "real case.</p>");
	hg_buf_puts(b, "<ul class=\"messages\">");
	for (size_t i = 0; i < n && i < CASE_HEADLINES; i++) {
		hg_buf_puts(b, "<li>");
		hg_xml_escape(b, jstr(v[i].j, "headline"));
		hg_buf_puts(b, "</li>");
	}
	hg_buf_printf(b,
	              "</ul><p class=\"note\">Over %.0f years; scenarios ordered by "
	              "equity-weighted health gain. Events averted are the intervention's "
	              "endpoints (strokes, admissions, GP visits, deaths...).</p>",
	              jnum(last_horizon(v[0].j), "years"));
	case_table(b, v, n);
	case_chart(b, v[0].j);
	case_sources(b, v, n);
	hg_buf_puts(b, "</section>\n");
}

int hg_board_case(hg_buf *b, const char *dir, hg_err *err)
{
	case_scn v[CASE_MAX];
	size_t n = 0;
	int rc = case_load(dir, v, &n, err);
	if (rc == 0) {
		qsort(v, n, sizeof *v, cmp_case);
		case_page(b, v, n);
	}
	for (size_t i = 0; i < n; i++)
		json_decref(v[i].j);
	return rc;
}
