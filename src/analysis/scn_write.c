/*
 * scn_write.c: a scenario's outputs (scenario.h, docs/economics.md
 * "Outputs"): scenario.json (everything; the board report and the dashboard
 * read it) and one CSV per table, written atomically into the output folder.
 * Missing numbers (a cost per QALY with no QALY gained, a DCEA without
 * quintile populations) are null in JSON and empty in CSV. The headline
 * sentence is built here, once, for every reader.
 */
#include "analysis/scenario.h"

#include "core/csv.h"
#include "core/json.h"
#include "core/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- words ---- */

/* 1240 -> "1,240" (rounded to a whole number). */
static void thousands(double v, char *buf, size_t size)
{
	char raw[48];
	snprintf(raw, sizeof raw, "%.0f", fabs(v));
	size_t n = strlen(raw), k = 0;
	char out[64];
	if (v < 0 && fabs(v) >= 0.5)
		out[k++] = '-';
	for (size_t i = 0; i < n && k < sizeof out - 2; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = raw[i];
	}
	out[k] = 0;
	snprintf(buf, size, "%s", out);
}

/* Money in words: 950 -> "£950", 210400 -> "£210k", 1.26e6 -> "£1.3m". */
static void money(double v, char *buf, size_t size)
{
	double a = fabs(v);
	const char *sign = v < 0 ? "-" : "";
	if (isnan(v))
		snprintf(buf, size, "not estimable");
	else if (a >= 1e6)
		snprintf(buf, size, "%s\xc2\xa3%.1fm", sign, a / 1e6);
	else if (a >= 1e4)
		snprintf(buf, size, "%s\xc2\xa3%.0fk", sign, a / 1e3);
	else if (a >= 1e3)
		snprintf(buf, size, "%s\xc2\xa3%.1fk", sign, a / 1e3);
	else
		snprintf(buf, size, "%s\xc2\xa3%.0f", sign, a);
}

/* A count of events: whole numbers from 10, one decimal below. */
static void count_words(double v, char *buf, size_t size)
{
	if (fabs(v) < 0.05)
		snprintf(buf, size, "0");
	else if (fabs(v) >= 10)
		thousands(v, buf, size);
	else
		snprintf(buf, size, "%.1f", v);
}

static void endpoint_words(const hg_scn_result *r, char *buf, size_t size)
{
	const char *p[HG_ECON_MAX_ENDPOINTS];
	char low[HG_ECON_MAX_ENDPOINTS][96];
	int n = r->iv.base.nep;
	for (int i = 0; i < n; i++) {
		snprintf(low[i], sizeof low[i], "%s", r->iv.ep_label[i]);
		if (low[i][0] >= 'A' && low[i][0] <= 'Z' && !(low[i][1] >= 'A' && low[i][1] <= 'Z'))
			low[i][0] = (char)(low[i][0] - 'A' + 'a');
		p[i] = low[i];
	}
	buf[0] = 0;
	for (int i = 0; i < n; i++) {
		size_t k = strlen(buf);
		snprintf(buf + k, size - k, "%s%s",
		         i == 0       ? ""
		         : i == n - 1 ? " and "
		                      : ", ",
		         p[i]);
	}
}

static void gap_words(const hg_scn_result *r, char *buf, size_t size)
{
	buf[0] = 0;
	if (!r->ind.computed)
		return;
	double change = fabs(r->ind.gap_before) - fabs(r->ind.gap_after);
	const char *unit = r->d->per == 100 ? "percentage points" : "per unit";
	if (fabs(change) < 0.05)
		snprintf(buf, size, ", and leave the gap in %s about where it is", r->d->indicator);
	else
		snprintf(buf, size,
		         ", and %s the gap between the most and least deprived fifths in %s "
		         "by %.1f %s",
		         change > 0 ? "narrow" : "widen", r->d->indicator, fabs(change), unit);
}

void hg_scn_headline(const hg_scn_result *r, char *buf, size_t size)
{
	const hg_scn_horizon *h = &r->h[r->main];
	char reached[32], ev[32], lo[32], hi[32], saved[32], cost[32], eps[400], gap[200];
	thousands(r->reach.reached, reached, sizeof reached);
	count_words(h->det_m[HG_M_EVENTS], ev, sizeof ev);
	count_words(h->iv[HG_M_EVENTS].lo, lo, sizeof lo);
	count_words(h->iv[HG_M_EVENTS].hi, hi, sizeof hi);
	money(h->det_m[HG_M_AVOIDED], saved, sizeof saved);
	money(h->det_m[HG_M_COST], cost, sizeof cost);
	endpoint_words(r, eps, sizeof eps);
	gap_words(r, gap, sizeof gap);
	char name[160];
	snprintf(name, sizeof name, "%s", r->iv.name);
	if (name[0] >= 'A' && name[0] <= 'Z' && !(name[1] >= 'A' && name[1] <= 'Z'))
		name[0] = (char)(name[0] - 'A' + 'a');
	snprintf(buf, size,
	         "Reaching %s more people %s with %s would prevent about %s %s over %d years (95%% "
	         "interval %s-%s), save about %s in NHS costs%s; it costs %s.",
	         reached, r->reach.who, name, ev, eps, h->years, lo, hi, saved, gap, cost);
}

/* ---- JSON ---- */

static json_t *interval_json(double det, const hg_interval *iv)
{
	return json_pack("{s:o,s:o,s:o,s:o}", "value", hg_json_num(det), "mean",
	                 hg_json_num(iv->mean), "lower_95", hg_json_num(iv->lo), "upper_95",
	                 hg_json_num(iv->hi));
}

static json_t *group_json(const hg_scn_group *g, const hg_scn_horizon *h, double reached)
{
	double f = reached > 0 ? g->reached / reached : 0;
	return json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "breakdown", g->bd,
	                 "category", g->cat, "denominator", hg_json_num(g->den), "numerator",
	                 hg_json_num(g->num), "people_eligible", hg_json_num(g->eligible),
	                 "people_moved", hg_json_num(g->moved), "people_reached",
	                 hg_json_num(g->reached), "events_averted",
	                 hg_json_num(f * h->det_m[HG_M_EVENTS]), "deaths_averted",
	                 hg_json_num(f * h->det_m[HG_M_DEATHS]), "qalys_gained",
	                 hg_json_num(f * h->det_m[HG_M_QALYS]), "nhs_costs_avoided",
	                 hg_json_num(f * h->det_m[HG_M_AVOIDED]), "intervention_cost",
	                 hg_json_num(f * h->det_m[HG_M_COST]));
}

static json_t *dcea_json(const hg_scn_result *r, const hg_scn_horizon *h)
{
	if (isnan(r->d->pop_all))
		return json_null();
	json_t *q = json_array(), *prof = json_array();
	const double *hoc = r->model.hoc[!strcmp(r->s.hoc, "moderate") ? 1
	                                 : !strcmp(r->s.hoc, "flat")   ? 2
	                                                               : 0];
	for (int g = 0; g < HG_SCN_QUINTILES; g++)
		json_array_append_new(
		    q, json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "imd_quintile", g + 1,
		                 "population", hg_json_num(r->d->pop[g]), "qale_before",
		                 hg_json_num(r->model.qale[g]), "qale_after",
		                 hg_json_num(h->dcea.qale_after[g]), "qalys_gained",
		                 hg_json_num(h->qalys_q[g]), "opportunity_cost_share",
		                 hg_json_num(hoc[g]), "health_opportunity_cost",
		                 hg_json_num(h->dcea.hoc[g]), "net_health_benefit",
		                 hg_json_num(h->dcea.nhb[g])));
	for (int e = 0; e < HG_SCN_EPS_N; e++)
		json_array_append_new(prof, json_pack("{s:i,s:o,s:o,s:o}", "epsilon", e,
		                                      "ede_before", hg_json_num(h->ede_before[e]),
		                                      "ede_change", hg_json_num(h->ede_change[e]),
		                                      "equity_weighted_qalys",
		                                      hg_json_num(h->ewq_eps[e])));
	return json_pack(
	    "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o}", "by_quintile", q,
	    "health_opportunity_cost", hg_json_num(h->dcea.hoc_total), "net_health_benefit",
	    hg_json_num(h->dcea.nhb_total), "sii_before", hg_json_num(h->dcea.sii_before),
	    "sii_after", hg_json_num(h->dcea.sii_after), "sii_change",
	    hg_json_num(h->dcea.sii_change), "rii_before", hg_json_num(h->dcea.rii_before),
	    "rii_after", hg_json_num(h->dcea.rii_after), "atkinson_index_before",
	    hg_json_num(h->atkinson_before), "atkinson_index_after", hg_json_num(h->atkinson_after),
	    "equity_weighted_qalys", hg_json_num(h->ewq), "equity_impact",
	    hg_json_num(h->equity_impact), "kolm_equity_weighted_qalys", hg_json_num(h->kolm_ewq),
	    "sii_sign", "after minus before: negative narrows the gap in QALE", "profile", prof);
}

static json_t *horizon_json(const hg_scn_result *r, const hg_scn_horizon *h)
{
	json_t *m = json_object(), *groups = json_array();
	for (int k = 0; k < HG_SCN_NMETRIC; k++)
		json_object_set_new(m, hg_scn_metric_names[k],
		                    interval_json(h->det_m[k], &h->iv[k]));
	for (int q = 0; q < HG_SCN_QUINTILES; q++)
		json_array_append_new(groups, group_json(&r->reach.q[q], h, r->reach.reached));
	for (size_t i = 0; i < r->reach.neth; i++)
		json_array_append_new(groups, group_json(&r->reach.eth[i], h, r->reach.reached));
	return json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "years", h->years, "metrics", m,
	                 "p_cost_saving", hg_json_num(h->p_saving), "p_cost_effective_low",
	                 hg_json_num(h->p_ce_low), "p_cost_effective_high",
	                 hg_json_num(h->p_ce_high), "break_even_year",
	                 h->det.break_even ? json_integer(h->det.break_even) : json_null(),
	                 "by_group", groups, "dcea", dcea_json(r, h));
}

static json_t *years_json(const hg_scn_result *r)
{
	json_t *a = json_array();
	for (int t = 0; t < HG_ECON_YEARS; t++) {
		const hg_econ_year *y = &r->det_pp.y[t];
		double n = r->reach.reached;
		json_array_append_new(
		    a, json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:o}", "year", t + 1, "events_averted",
		                 interval_json(y->events_total * n, &r->y_events[t]),
		                 "deaths_averted", hg_json_num(y->deaths * n), "qalys_gained",
		                 hg_json_num(y->qalys * n), "nhs_costs_avoided",
		                 interval_json(y->costs_avoided * n, &r->y_avoided[t]),
		                 "intervention_cost",
		                 interval_json(y->intervention_cost * n, &r->y_cost[t]), "net_cost",
		                 hg_json_num((y->intervention_cost - y->costs_avoided) * n)));
	}
	return a;
}

/* A parameter in words for the tornado: its label, else its endpoint's and what it is. */
static const char *bind_label(const hg_scn_result *r, size_t k, char *buf, size_t size)
{
	static const char *const words[][2] = {{"risk", "baseline risk"},
	                                       {"rate", "baseline rate"},
	                                       {"rr", "relative risk"},
	                                       {"case_fatality", "share fatal"},
	                                       {"cost_y1", "cost in the year"},
	                                       {"cost_y2", "cost the next year"},
	                                       {"cost_y3", "cost the year after"},
	                                       {"cost_later", "cost each later year"},
	                                       {"cost_fatal", "cost of a death"},
	                                       {"qaly_y1", "QALYs lost in the year"},
	                                       {"qaly_later", "QALYs lost each later year"},
	                                       {"qaly_death", "QALYs lost per death"}};
	const hg_lib_param *p = r->iv.bind[k].par;
	const char *w = p->name;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (!strcmp(words[i][0], p->name))
			w = words[i][1];
	if (!p->endpoint[0]) {
		snprintf(buf, size, "%s", p->label[0] ? p->label : p->name);
		return buf;
	}
	const char *ep = p->endpoint;
	for (int i = 0; i < r->iv.base.nep; i++)
		if (!strcmp(r->iv.ep_name[i], p->endpoint))
			ep = r->iv.ep_label[i];
	snprintf(buf, size, "%s: %s", ep, w);
	return buf;
}

static const char *bind_name(const hg_scn_result *r, size_t k, char *buf, size_t size)
{
	const hg_lib_param *p = r->iv.bind[k].par;
	snprintf(buf, size, "%s%s%s", p->endpoint, p->endpoint[0] ? "." : "", p->name);
	return buf;
}

static json_t *psa_json(const hg_scn_result *r)
{
	json_t *ceac = json_array(), *tor = json_array(), *sample = json_array();
	for (int l = 0; l < HG_SCN_CEAC_N; l++)
		json_array_append_new(ceac,
		                      json_pack("{s:f,s:o}", "threshold", r->ceac_lambda[l],
		                                "p_cost_effective", hg_json_num(r->ceac_p[l])));
	for (size_t i = 0; i < r->ntornado; i++) {
		const hg_scn_tornado *t = &r->tornado[i];
		char name[80], label[200];
		json_array_append_new(
		    tor,
		    json_pack("{s:s,s:s,s:o,s:o,s:o,s:o}", "parameter",
		              bind_name(r, t->bind, name, sizeof name), "label",
		              bind_label(r, t->bind, label, sizeof label), "low",
		              hg_json_num(t->lo_value), "high", hg_json_num(t->hi_value), "nmb_low",
		              hg_json_num(t->nmb_lo), "nmb_high", hg_json_num(t->nmb_hi)));
	}
	for (size_t i = 0; i < r->nsample; i++) {
		const double *x = &r->sample[i * 4];
		json_array_append_new(sample,
		                      json_pack("[o,o,o,o]", hg_json_num(x[0]), hg_json_num(x[1]),
		                                hg_json_num(x[2]), hg_json_num(x[3])));
	}
	return json_pack("{s:I,s:I,s:i,s:o,s:o,s:s,s:o,s:f}", "draws", (json_int_t)r->draws, "seed",
	                 (json_int_t)r->s.seed, "horizon_years", r->h[r->main].years, "ceac", ceac,
	                 "tornado", tor, "tornado_measure",
	                 "net monetary benefit at the lower NICE threshold", "plane_sample", sample,
	                 "seconds", r->seconds);
}

static json_t *params_json(const hg_scn_result *r)
{
	json_t *a = json_array();
	for (size_t k = 0; k < r->iv.nbind; k++) {
		const hg_bind *b = &r->iv.bind[k];
		const hg_lib_param *p = b->par;
		json_array_append_new(
		    a, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:i}",
		                 "intervention", p->intervention, "endpoint", p->endpoint,
		                 "parameter", p->name, "value", hg_json_num(b->dist.value), "low",
		                 hg_json_num(b->dist.kind == HG_DIST_FIXED ? NAN : b->dist.low),
		                 "high",
		                 hg_json_num(b->dist.kind == HG_DIST_FIXED ? NAN : b->dist.high),
		                 "distribution", hg_dist_name(b->dist.kind), "unit", p->unit,
		                 "label", p->label, "evidence", p->evidence, "source", p->source,
		                 "file", r->lib->files[p->file].path, "line", p->line));
	}
	return a;
}

static json_t *indicator_json(const hg_scn_result *r)
{
	const hg_scn_indicator *in = &r->ind;
	json_t *b = json_array(), *a = json_array();
	for (int q = 0; q < HG_SCN_QUINTILES && in->computed; q++) {
		json_array_append_new(b, hg_json_num(in->before[q]));
		json_array_append_new(a, hg_json_num(in->after[q]));
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id", r->d->indicator,
	                 "name", r->d->indicator_name, "period_end", r->d->period_end, "value_type",
	                 r->d->value_type, "computed", in->computed, "note", in->note,
	                 "by_quintile_before", b, "by_quintile_after", a, "gap_q1_q5_before",
	                 hg_json_num(in->computed ? in->gap_before : NAN), "gap_q1_q5_after",
	                 hg_json_num(in->computed ? in->gap_after : NAN), "sii_before",
	                 hg_json_num(in->computed ? in->sii_before : NAN), "sii_after",
	                 hg_json_num(in->computed ? in->sii_after : NAN));
}

static json_t *model_json(const hg_scn_result *r)
{
	const hg_econ_model *m = &r->model;
	json_t *libs = json_array();
	for (int i = 0; i < r->lib->nfiles; i++)
		json_array_append_new(
		    libs, json_pack("{s:s,s:s,s:s}", "path", r->lib->files[i].path, "version",
		                    r->lib->files[i].version, "blake2b256", r->lib->files[i].hash));
	return json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:s,s:o}", "discount_rate", m->discount,
	                 "threshold_low", m->threshold_low, "threshold_high", m->threshold_high,
	                 "opportunity_cost_k", m->k, "inequality_aversion", m->aversion,
	                 "kolm_alpha", m->kolm_alpha, "opportunity_cost_distribution", r->s.hoc,
	                 "library", libs);
}

json_t *hg_scn_json(const hg_scn_result *r)
{
	char head[1024], line[512];
	hg_scn_headline(r, head, sizeof head);
	hg_data_status_line(&r->d->status, line, sizeof line);
	json_t *hz = json_array();
	for (int i = 0; i < r->nh; i++)
		json_array_append_new(hz, horizon_json(r, &r->h[i]));
	json_t *o = json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
	    "id", r->s.id, "title", r->s.title, "intervention", r->iv.id, "intervention_name",
	    r->iv.name, "reach", r->s.reach_text, "who", r->reach.who, "headline", head, "marking",
	    hg_data_status_marking(&r->d->status), "status_line", line, "synthetic",
	    json_boolean(r->d->status.synthetic), "disclosure_control", r->d->sdc, "source",
	    r->d->source, "population_indicator", r->d->pop_indicator, "indicator",
	    indicator_json(r), "model", model_json(r), "horizons", hz, "by_year", years_json(r),
	    "psa", psa_json(r), "parameters", params_json(r), "ethnicity_note",
	    json_string(r->reach.eth_note));
	json_object_set_new(o, "people_reached", hg_json_num(r->reach.reached));
	json_object_set_new(o, "people_moved", hg_json_num(r->reach.moved));
	json_object_set_new(o, "note", json_string(r->reach.note));
	return o;
}

/* ---- CSV ---- */

static void put_num(hg_buf *b, double v, int last)
{
	if (isfinite(v))
		hg_buf_printf(b, "%.10g", v == 0 ? 0.0 : v); /* never "-0" */
	hg_buf_putc(b, last ? '\n' : ',');
}

static void put_str(hg_buf *b, const char *s, int last)
{
	hg_csv_put_field(b, s, strlen(s));
	hg_buf_putc(b, last ? '\n' : ',');
}

static void summary_csv(const hg_scn_result *r, hg_buf *b)
{
	hg_buf_puts(b, "horizon_years,measure,value,psa_mean,lower_95,upper_95\n");
	for (int i = 0; i < r->nh; i++) {
		const hg_scn_horizon *h = &r->h[i];
		for (int k = 0; k < HG_SCN_NMETRIC; k++) {
			hg_buf_printf(b, "%d,%s,", h->years, hg_scn_metric_names[k]);
			put_num(b, h->det_m[k], 0);
			put_num(b, h->iv[k].mean, 0);
			put_num(b, h->iv[k].lo, 0);
			put_num(b, h->iv[k].hi, 1);
		}
		double p[3] = {h->p_saving, h->p_ce_low, h->p_ce_high};
		static const char *const pn[3] = {"p_cost_saving", "p_cost_effective_low",
		                                  "p_cost_effective_high"};
		for (int k = 0; k < 3; k++) {
			hg_buf_printf(b, "%d,%s,,", h->years, pn[k]);
			put_num(b, p[k], 0);
			hg_buf_puts(b, ",\n");
		}
		hg_buf_printf(b, "%d,break_even_year,", h->years);
		put_num(b, h->det.break_even ? h->det.break_even : NAN, 0);
		hg_buf_puts(b, ",,\n");
	}
}

static void by_year_csv(const hg_scn_result *r, hg_buf *b)
{
	hg_buf_puts(b, "year,events_averted,events_lower_95,events_upper_95,deaths_averted,"
	               "qalys_gained,nhs_costs_avoided,costs_avoided_lower_95,"
	               "costs_avoided_upper_95,intervention_cost,net_cost\n");
	double n = r->reach.reached;
	for (int t = 0; t < HG_ECON_YEARS; t++) {
		const hg_econ_year *y = &r->det_pp.y[t];
		hg_buf_printf(b, "%d,", t + 1);
		put_num(b, y->events_total * n, 0);
		put_num(b, r->y_events[t].lo, 0);
		put_num(b, r->y_events[t].hi, 0);
		put_num(b, y->deaths * n, 0);
		put_num(b, y->qalys * n, 0);
		put_num(b, y->costs_avoided * n, 0);
		put_num(b, r->y_avoided[t].lo, 0);
		put_num(b, r->y_avoided[t].hi, 0);
		put_num(b, y->intervention_cost * n, 0);
		put_num(b, (y->intervention_cost - y->costs_avoided) * n, 1);
	}
}

static void group_row(hg_buf *b, const hg_scn_horizon *h, const hg_scn_group *g, double n)
{
	double f = n > 0 ? g->reached / n : 0;
	hg_buf_printf(b, "%d,", h->years);
	put_str(b, g->bd, 0);
	put_str(b, g->cat, 0);
	double v[10] = {g->den,
	                g->eligible,
	                g->moved,
	                g->reached,
	                f * h->det_m[HG_M_EVENTS],
	                f * h->det_m[HG_M_DEATHS],
	                f * h->det_m[HG_M_QALYS],
	                f * h->det_m[HG_M_AVOIDED],
	                f * h->det_m[HG_M_COST],
	                f * h->det_m[HG_M_NET]};
	for (int k = 0; k < 10; k++)
		put_num(b, v[k], k == 9);
}

static void by_group_csv(const hg_scn_result *r, hg_buf *b)
{
	hg_buf_puts(b, "horizon_years,breakdown,category,denominator,people_eligible,people_moved,"
	               "people_reached,events_averted,deaths_averted,qalys_gained,"
	               "nhs_costs_avoided,intervention_cost,net_cost\n");
	for (int i = 0; i < r->nh; i++) {
		for (int q = 0; q < HG_SCN_QUINTILES; q++)
			group_row(b, &r->h[i], &r->reach.q[q], r->reach.reached);
		for (size_t e = 0; e < r->reach.neth; e++)
			group_row(b, &r->h[i], &r->reach.eth[e], r->reach.reached);
	}
}

static void dcea_csv(const hg_scn_result *r, hg_buf *b)
{
	hg_buf_puts(b, "horizon_years,imd_quintile,population,qale_before,qale_after,qalys_gained,"
	               "health_opportunity_cost,net_health_benefit\n");
	for (int i = 0; i < r->nh && !isnan(r->d->pop_all); i++) {
		const hg_scn_horizon *h = &r->h[i];
		for (int q = 0; q < HG_SCN_QUINTILES; q++) {
			hg_buf_printf(b, "%d,%d,", h->years, q + 1);
			double v[6] = {r->d->pop[q],  r->model.qale[q], h->dcea.qale_after[q],
			               h->qalys_q[q], h->dcea.hoc[q],   h->dcea.nhb[q]};
			for (int k = 0; k < 6; k++)
				put_num(b, v[k], k == 5);
		}
	}
}

static void profile_csv(const hg_scn_result *r, hg_buf *b)
{
	hg_buf_puts(b, "horizon_years,epsilon,ede_before,ede_change,equity_weighted_qalys\n");
	for (int i = 0; i < r->nh && !isnan(r->d->pop_all); i++)
		for (int e = 0; e < HG_SCN_EPS_N; e++) {
			hg_buf_printf(b, "%d,%d,", r->h[i].years, e);
			put_num(b, r->h[i].ede_before[e], 0);
			put_num(b, r->h[i].ede_change[e], 0);
			put_num(b, r->h[i].ewq_eps[e], 1);
		}
}

static void ceac_tornado_csv(const hg_scn_result *r, hg_buf *ceac, hg_buf *tor)
{
	hg_buf_puts(ceac, "threshold_gbp_per_qaly,p_cost_effective\n");
	for (int l = 0; l < HG_SCN_CEAC_N; l++) {
		put_num(ceac, r->ceac_lambda[l], 0);
		put_num(ceac, r->ceac_p[l], 1);
	}
	hg_buf_puts(tor, "parameter,label,low,high,nmb_at_low,nmb_at_high\n");
	for (size_t i = 0; i < r->ntornado; i++) {
		const hg_scn_tornado *t = &r->tornado[i];
		char name[80], label[200];
		put_str(tor, bind_name(r, t->bind, name, sizeof name), 0);
		put_str(tor, bind_label(r, t->bind, label, sizeof label), 0);
		put_num(tor, t->lo_value, 0);
		put_num(tor, t->hi_value, 0);
		put_num(tor, t->nmb_lo, 0);
		put_num(tor, t->nmb_hi, 1);
	}
}

static void params_csv(const hg_scn_result *r, hg_buf *b)
{
	hg_buf_puts(b, "intervention,endpoint,parameter,value,low,high,distribution,unit,label,"
	               "evidence,source,file,line\n");
	for (size_t k = 0; k < r->iv.nbind; k++) {
		const hg_bind *bd = &r->iv.bind[k];
		const hg_lib_param *p = bd->par;
		int fixed = bd->dist.kind == HG_DIST_FIXED;
		put_str(b, p->intervention, 0);
		put_str(b, p->endpoint, 0);
		put_str(b, p->name, 0);
		put_num(b, bd->dist.value, 0);
		put_num(b, fixed ? NAN : bd->dist.low, 0);
		put_num(b, fixed ? NAN : bd->dist.high, 0);
		put_str(b, hg_dist_name(bd->dist.kind), 0);
		put_str(b, p->unit, 0);
		put_str(b, p->label, 0);
		put_str(b, p->evidence, 0);
		put_str(b, p->source, 0);
		put_str(b, r->lib->files[p->file].path, 0);
		hg_buf_printf(b, "%d\n", p->line);
	}
}

static void draws_csv(const hg_scn_result *r, hg_buf *b)
{
	hg_buf_puts(b, "draw,horizon_years");
	for (int k = 0; k < HG_SCN_NMETRIC; k++)
		hg_buf_printf(b, ",%s", hg_scn_metric_names[k]);
	hg_buf_putc(b, '\n');
	for (long i = 0; i < r->draws; i++)
		for (int h = 0; h < r->nh; h++) {
			const double *m =
			    &r->draws_m[((size_t)i * (size_t)r->nh + (size_t)h) * HG_SCN_NMETRIC];
			hg_buf_printf(b, "%ld,%d,", i + 1, r->h[h].years);
			for (int k = 0; k < HG_SCN_NMETRIC; k++)
				put_num(b, m[k], k == HG_SCN_NMETRIC - 1);
		}
}

static int put_file(const char *dir, const char *name, hg_buf *b, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int rc = hg_write_file_atomic(path, b->p ? b->p : "", b->n, err);
	hg_buf_free(b);
	return rc;
}

int hg_scn_write(const hg_scn_result *r, const char *dir, int draws, hg_err *err)
{
	if (hg_mkdir_p(dir, err))
		return hg_err_wrap(err, "scenario output");
	json_t *j = hg_scn_json(r);
	char *text = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
	json_decref(j);
	hg_buf b[10] = {{0}};
	hg_buf_puts(&b[0], text ? text : "{}");
	hg_buf_putc(&b[0], '\n');
	free(text);
	summary_csv(r, &b[1]);
	by_year_csv(r, &b[2]);
	by_group_csv(r, &b[3]);
	dcea_csv(r, &b[4]);
	profile_csv(r, &b[5]);
	ceac_tornado_csv(r, &b[6], &b[7]);
	params_csv(r, &b[8]);
	if (draws)
		draws_csv(r, &b[9]);
	static const char *const names[10] = {
	    "scenario.json",      "summary.csv", "by_year.csv", "by_group.csv",   "dcea.csv",
	    "equity_profile.csv", "ceac.csv",    "tornado.csv", "parameters.csv", "psa_draws.csv"};
	int rc = 0;
	for (int i = 0; i < 10 - !draws; i++)
		if (rc == 0)
			rc = put_file(dir, names[i], &b[i], err);
		else
			hg_buf_free(&b[i]);
	return rc;
}
