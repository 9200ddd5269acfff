/*
 * scn_run.c: a scenario's analysis (scenario.h, docs/economics.md "Model"):
 * the deterministic results at every horizon (stats/econ.h on the
 * intervention's base parameters, times the people reached), the
 * distributional cost-effectiveness analysis over IMD quintiles
 * (stats/dcea.h), then a seeded Monte Carlo over the parameters' distributions
 * (stats/psa.h): draw i uses its own generator stream (seed, i), so the
 * results do not depend on the number of threads. From the draws: the mean
 * and 95% interval of every headline figure, the probability of being
 * cost-saving and cost-effective at the NICE thresholds, the acceptability
 * curve and a sample for the planes; then one-way sensitivity (each uncertain
 * parameter at its 2.5% and 97.5% quantiles, the others at their values) for
 * the tornado, on net monetary benefit at the lower threshold.
 */
#include "analysis/scenario.h"

#include "core/thread.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const hg_scn_metric_names[HG_SCN_NMETRIC] = {"events_averted",
                                                         "deaths_averted",
                                                         "qalys_gained",
                                                         "nhs_costs_avoided",
                                                         "intervention_cost",
                                                         "net_cost",
                                                         "roi",
                                                         "cost_per_qaly",
                                                         "net_health_benefit",
                                                         "equity_weighted_qalys",
                                                         "equity_impact",
                                                         "change_in_sii_qale",
                                                         "responders"};

#define PSA_TAG 0x505341ULL /* "PSA": the draws' stream tag */

static int has_pop(const hg_scn_result *r)
{
	return !isnan(r->d->pop_all);
}

static const double *hoc_shares(const hg_scn_result *r)
{
	const char *h = r->s.hoc;
	return r->model.hoc[!strcmp(h, "moderate") ? 1 : !strcmp(h, "flat") ? 2 : 0];
}

/* The DCEA input for QALYs and net cost, spread over quintiles like the people reached. */
static void dcea_of(const hg_scn_result *r, double qalys, double net_cost, double *qq,
                    hg_dcea_input *in)
{
	for (int q = 0; q < HG_SCN_QUINTILES; q++)
		qq[q] = r->reach.reached > 0 ? qalys * r->reach.q[q].reached / r->reach.reached : 0;
	*in = (hg_dcea_input){HG_SCN_QUINTILES, r->d->pop, r->model.qale, qq,
	                      hoc_shares(r),    net_cost,  r->model.k};
}

/* Every metric of one parameter set at one horizon; dcea (optional) gets the distribution. */
static void metrics_of(const hg_scn_result *r, const hg_econ_params *p, const hg_econ_person *pp,
                       int years, double *m, hg_econ_totals *tot, hg_dcea_result *dcea)
{
	hg_econ_totals t;
	hg_econ_totals_of(p, pp, r->reach.reached, years, &t);
	m[HG_M_EVENTS] = t.events;
	m[HG_M_DEATHS] = t.deaths;
	m[HG_M_QALYS] = t.qalys;
	m[HG_M_AVOIDED] = t.costs_avoided;
	m[HG_M_COST] = t.intervention_cost;
	m[HG_M_NET] = t.net_cost;
	m[HG_M_ROI] = t.roi;
	m[HG_M_ICER] = t.icer;
	m[HG_M_RESPONDERS] = t.responders;
	m[HG_M_NHB] = t.qalys - t.net_cost / r->model.k;
	m[HG_M_EWQ] = m[HG_M_EQUITY] = m[HG_M_DSII] = NAN;
	if (tot)
		*tot = t;
	if (!has_pop(r))
		return;
	double qq[HG_SCN_QUINTILES];
	hg_dcea_input in;
	hg_dcea_result res;
	hg_err err = {0};
	dcea_of(r, t.qalys, t.net_cost, qq, &in);
	if (hg_dcea(&in, &res, &err)) /* checked once before the draws: cannot fail here */
		return;
	m[HG_M_NHB] = res.nhb_total;
	m[HG_M_EWQ] = hg_dcea_equity_weighted(HG_SCN_QUINTILES, r->d->pop, r->model.qale, res.nhb,
	                                      r->model.aversion);
	m[HG_M_EQUITY] = m[HG_M_EWQ] - res.nhb_total;
	m[HG_M_DSII] = res.sii_change;
	if (dcea)
		*dcea = res;
}

/* ---- deterministic ---- */

static void equity_profile(const hg_scn_result *r, hg_scn_horizon *h)
{
	double dh[HG_SCN_QUINTILES], tot = 0;
	const double *pop = r->d->pop, *qale = r->model.qale;
	for (int q = 0; q < HG_SCN_QUINTILES; q++) {
		dh[q] = h->dcea.nhb[q] / pop[q];
		tot += pop[q];
	}
	for (int e = 0; e < HG_SCN_EPS_N; e++) {
		h->ede_before[e] = hg_atkinson_ede(HG_SCN_QUINTILES, pop, qale, e);
		h->ede_change[e] = hg_atkinson_ede_change(HG_SCN_QUINTILES, pop, qale, dh, e);
		h->ewq_eps[e] = h->ede_change[e] * tot;
	}
	double eps = r->model.aversion;
	h->ewq = h->det_m[HG_M_EWQ];
	h->equity_impact = h->det_m[HG_M_EQUITY];
	h->kolm_ewq =
	    hg_kolm_ede_change(HG_SCN_QUINTILES, pop, qale, dh, r->model.kolm_alpha) * tot;
	h->atkinson_before = hg_atkinson_index(HG_SCN_QUINTILES, pop, qale, eps);
	h->atkinson_after = hg_atkinson_index(HG_SCN_QUINTILES, pop, h->dcea.qale_after, eps);
}

static int deterministic(hg_scn_result *r, hg_err *err)
{
	hg_econ_per_person(&r->iv.base, &r->det_pp);
	for (int i = 0; i < r->nh; i++) {
		hg_scn_horizon *h = &r->h[i];
		h->years = r->s.horizons[i];
		metrics_of(r, &r->iv.base, &r->det_pp, h->years, h->det_m, &h->det, NULL);
		for (int q = 0; q < HG_SCN_QUINTILES; q++)
			h->qalys_q[q] =
			    r->reach.reached > 0
			        ? h->det.qalys * r->reach.q[q].reached / r->reach.reached
			        : 0;
		if (!has_pop(r))
			continue;
		double qq[HG_SCN_QUINTILES];
		hg_dcea_input in;
		dcea_of(r, h->det.qalys, h->det.net_cost, qq, &in);
		if (hg_dcea(&in, &h->dcea, err))
			return hg_err_wrap(err, "scenario %s", r->s.id);
		equity_profile(r, h);
	}
	return 0;
}

/* ---- the draws ---- */

typedef struct psa_ctx {
	const hg_scn_result *r;
	double *m;     /* draws x nh x HG_SCN_NMETRIC */
	double *years; /* draws x 3 x HG_ECON_YEARS: events, costs avoided, cost (whole area) */
} psa_ctx;

static void psa_range(void *arg, size_t begin, size_t end, int tid)
{
	(void)tid;
	const psa_ctx *c = arg;
	const hg_scn_result *r = c->r;
	for (size_t i = begin; i < end; i++) {
		hg_rng rng;
		hg_rng_seed(&rng, r->s.seed, i, PSA_TAG);
		hg_econ_params p;
		hg_econ_person pp;
		hg_intervention_draw(&r->iv, &rng, &p);
		hg_econ_per_person(&p, &pp);
		for (int h = 0; h < r->nh; h++)
			metrics_of(r, &p, &pp, r->h[h].years,
			           &c->m[(i * (size_t)r->nh + (size_t)h) * HG_SCN_NMETRIC], NULL,
			           NULL);
		double *y = &c->years[i * 3 * HG_ECON_YEARS];
		for (int t = 0; t < HG_ECON_YEARS; t++) {
			y[t] = pp.y[t].events_total * r->reach.reached;
			y[HG_ECON_YEARS + t] = pp.y[t].costs_avoided * r->reach.reached;
			y[2 * HG_ECON_YEARS + t] = pp.y[t].intervention_cost * r->reach.reached;
		}
	}
}

static double frac_below(const double *m, size_t n, size_t stride, double lambda, int nmb)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const double *x = &m[i * stride];
		k += nmb ? lambda * x[HG_M_QALYS] - x[HG_M_NET] > 0 : x[HG_M_NET] < 0;
	}
	return n ? (double)k / (double)n : NAN;
}

static void summarise(hg_scn_result *r, const psa_ctx *c, double *col)
{
	size_t n = (size_t)r->draws, stride = (size_t)r->nh * HG_SCN_NMETRIC;
	for (int h = 0; h < r->nh; h++) {
		const double *base = &c->m[(size_t)h * HG_SCN_NMETRIC];
		for (int k = 0; k < HG_SCN_NMETRIC; k++) {
			for (size_t i = 0; i < n; i++)
				col[i] = base[i * stride + (size_t)k];
			r->h[h].iv[k] = hg_interval_of(col, n, col + n);
		}
		r->h[h].p_saving = frac_below(base, n, stride, 0, 0);
		r->h[h].p_ce_low = frac_below(base, n, stride, r->model.threshold_low, 1);
		r->h[h].p_ce_high = frac_below(base, n, stride, r->model.threshold_high, 1);
	}
	const double *main = &c->m[(size_t)r->main * HG_SCN_NMETRIC];
	for (int l = 0; l < HG_SCN_CEAC_N; l++) {
		r->ceac_lambda[l] = 1000.0 * l;
		r->ceac_p[l] = frac_below(main, n, stride, r->ceac_lambda[l], 1);
	}
	for (int t = 0; t < HG_ECON_YEARS; t++) {
		hg_interval *out[3] = {&r->y_events[t], &r->y_avoided[t], &r->y_cost[t]};
		for (int k = 0; k < 3; k++) {
			for (size_t i = 0; i < n; i++)
				col[i] = c->years[(i * 3 + (size_t)k) * HG_ECON_YEARS + (size_t)t];
			*out[k] = hg_interval_of(col, n, col + n);
		}
	}
	r->nsample = n < HG_SCN_SAMPLE_N ? n : HG_SCN_SAMPLE_N;
	r->sample = hg_xcalloc(r->nsample * 4 + 1, sizeof *r->sample);
	static const int pick[4] = {HG_M_QALYS, HG_M_NET, HG_M_NHB, HG_M_EQUITY};
	for (size_t i = 0; i < r->nsample; i++)
		for (int k = 0; k < 4; k++)
			r->sample[i * 4 + (size_t)k] = main[i * stride + (size_t)pick[k]];
}

static int psa(hg_scn_result *r, int threads)
{
	size_t n = (size_t)r->draws;
	psa_ctx c = {r, hg_xcalloc(n * (size_t)r->nh * HG_SCN_NMETRIC, sizeof(double)),
	             hg_xcalloc(n * 3 * HG_ECON_YEARS, sizeof(double))};
	hg_parallel_for(threads > 0 ? threads : hg_ncpu(), n, psa_range, &c);
	double *col = hg_xcalloc(2 * n, sizeof *col);
	summarise(r, &c, col);
	free(col);
	free(c.years);
	r->draws_m = c.m;
	return 0;
}

/* ---- one-way sensitivity ---- */

static int tornado_cmp(const void *a, const void *b)
{
	const hg_scn_tornado *x = a, *y = b;
	double wx = fabs(x->nmb_hi - x->nmb_lo), wy = fabs(y->nmb_hi - y->nmb_lo);
	return (wx < wy) - (wx > wy);
}

static double nmb_with(const hg_scn_result *r, size_t k, double v)
{
	hg_econ_params p;
	hg_econ_person pp;
	double m[HG_SCN_NMETRIC];
	hg_intervention_with(&r->iv, k, v, &p);
	hg_econ_per_person(&p, &pp);
	metrics_of(r, &p, &pp, r->h[r->main].years, m, NULL, NULL);
	return r->model.threshold_low * m[HG_M_QALYS] - m[HG_M_NET];
}

static void tornado(hg_scn_result *r)
{
	r->tornado = hg_xcalloc(r->iv.nbind + 1, sizeof *r->tornado);
	for (size_t k = 0; k < r->iv.nbind; k++) {
		const hg_dist *d = &r->iv.bind[k].dist;
		if (d->kind == HG_DIST_FIXED)
			continue;
		hg_scn_tornado *t = &r->tornado[r->ntornado++];
		t->bind = k;
		t->lo_value = hg_dist_quantile(d, 0.025);
		t->hi_value = hg_dist_quantile(d, 0.975);
		t->nmb_lo = nmb_with(r, k, t->lo_value);
		t->nmb_hi = nmb_with(r, k, t->hi_value);
	}
	qsort(r->tornado, r->ntornado, sizeof *r->tornado, tornado_cmp);
}

/* ---- the whole ---- */

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run_setup(hg_scn_result *r, const hg_scenario *s, hg_err *err)
{
	if (hg_econ_model_get(r->lib, s->sets, (size_t)s->nsets, &r->model, err))
		return hg_err_wrap(err, "%s", s->path);
	if (hg_intervention_bind(r->lib, s->intervention, s->sets, (size_t)s->nsets,
	                         r->model.discount, &r->iv, err))
		return hg_err_wrap(err, "%s", s->path);
	if (hg_scn_reach_compute(s, r->d, s->no_move ? 0 : r->iv.indicator_share, &r->reach, err))
		return 1;
	hg_scn_indicator_change(r->d, &r->reach, &r->ind);
	if (s->no_move) {
		r->ind.computed = 0;
		snprintf(
		    r->ind.note, sizeof r->ind.note,
		    "not computed: the scenario says the intervention does not move %s one for "
		    "one (moves_indicator: no)",
		    s->indicator);
	}
	r->nh = s->nh;
	r->main = s->nh - 1;
	r->draws = s->draws;
	if (!(r->draws >= 1 && r->draws <= HG_SCN_MAX_DRAWS))
		return hg_err_set(err, HG_EUSAGE, "%s: draws must be 1 to %d, not %ld", s->path,
		                  HG_SCN_MAX_DRAWS, r->draws);
	return 0;
}

int hg_scn_run(const hg_scenario *s, const hg_library *lib, const hg_scn_data *d, int threads,
               hg_scn_result *r, hg_err *err)
{
	memset(r, 0, sizeof *r);
	r->s = *s;
	r->lib = lib;
	r->d = d;
	double t0 = now_seconds();
	if (run_setup(r, s, err) || deterministic(r, err)) {
		hg_scn_result_free(r);
		return 1;
	}
	psa(r, threads);
	tornado(r);
	r->seconds = now_seconds() - t0;
	return 0;
}

void hg_scn_result_free(hg_scn_result *r)
{
	hg_intervention_free(&r->iv);
	hg_scn_reach_free(&r->reach);
	free(r->tornado);
	free(r->sample);
	free(r->draws_m);
	r->tornado = NULL;
	r->sample = r->draws_m = NULL;
}
