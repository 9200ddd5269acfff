/*
 * econ.c: the prevention economics model (see econ.h and docs/economics.md).
 * Method: a cohort (expected-value) model per person reached, as the NHS
 * England / UCLPartners "size of the prize" and the SPHR CVD prevention
 * models count events averted (Thomas C et al. BMJ Open 2020;10:e037486), with
 * relative risks scaled log-linearly in the effect (Ettehad D et al. Lancet
 * 2016;387:957), event costs by year since the event (Zhou J et al.
 * PharmacoEconomics 2023;41:547) and NICE's 3.5% discounting (PMG36 4.5.1).
 */
#include "stats/econ.h"

#include <math.h>
#include <string.h>

void hg_econ_endpoint_init(hg_econ_endpoint *e)
{
	memset(e, 0, sizeof *e);
	e->kind = HG_EP_RISK;
	e->risk_years = 1;
	e->rr = 1;
}

void hg_econ_params_init(hg_econ_params *p)
{
	memset(p, 0, sizeof *p);
	p->response = 1;
	p->effect_units = 1;
	p->discount = 0.035;
}

/* Events of endpoint e averted in year t (1-based) per responder, before (1 - RR). */
static double events_at(const hg_econ_endpoint *e, int t)
{
	if (e->kind == HG_EP_RATE)
		return e->max_years <= 0 || t <= e->max_years ? e->rate : 0;
	double h = -log1p(-e->risk) / e->risk_years;
	return exp(-h * (t - 1)) - exp(-h * t);
}

/* Cost avoided k years after a non-fatal event (k = 0: the year of the event). */
static double cost_after(const hg_econ_endpoint *e, int k)
{
	return k == 0 ? e->cost_y1 : k == 1 ? e->cost_y2 : k == 2 ? e->cost_y3 : e->cost_later;
}

/* Add endpoint i's averted events and what follows them (undiscounted) to out. */
static void endpoint_years(const hg_econ_params *p, int i, hg_econ_person *out)
{
	const hg_econ_endpoint *e = &p->ep[i];
	double rr = pow(e->rr, p->effect_units);
	for (int t = 1; t <= HG_ECON_YEARS; t++) {
		double a = p->response * events_at(e, t) * (1 - rr);
		double dead = a * e->case_fatality, alive = a - dead;
		hg_econ_year *y = &out->y[t - 1];
		y->events[i] += a;
		y->events_total += a;
		y->deaths += dead;
		y->costs_avoided += dead * e->cost_fatal;
		y->qalys += dead * e->qaly_death;
		for (int s = t; s <= HG_ECON_YEARS; s++) {
			out->y[s - 1].costs_avoided += alive * cost_after(e, s - t);
			out->y[s - 1].qalys += alive * (s == t ? e->qaly_y1 : e->qaly_later);
		}
	}
}

void hg_econ_per_person(const hg_econ_params *p, hg_econ_person *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < p->nep; i++)
		endpoint_years(p, i, out);
	out->y[0].costs_avoided += p->response * p->saving_once;
	double d = 1;
	for (int t = 0; t < HG_ECON_YEARS; t++) {
		hg_econ_year *y = &out->y[t];
		y->intervention_cost = (t == 0 ? p->cost_once : 0) + p->cost_annual;
		y->intervention_cost *= d;
		y->costs_avoided *= d;
		y->qalys *= d;
		d /= 1 + p->discount;
	}
}

void hg_econ_totals_of(const hg_econ_params *p, const hg_econ_person *pp, double reached,
                       int horizon, hg_econ_totals *t)
{
	memset(t, 0, sizeof *t);
	t->reached = reached;
	t->responders = reached * p->response;
	for (int s = 0; s < horizon && s < HG_ECON_YEARS; s++) {
		const hg_econ_year *y = &pp->y[s];
		t->events += y->events_total;
		t->deaths += y->deaths;
		t->qalys += y->qalys;
		t->costs_avoided += y->costs_avoided;
		t->intervention_cost += y->intervention_cost;
	}
	t->events *= reached;
	t->deaths *= reached;
	t->qalys *= reached;
	t->costs_avoided *= reached;
	t->intervention_cost *= reached;
	t->net_cost = t->intervention_cost - t->costs_avoided;
	t->roi = t->intervention_cost > 0 ? t->costs_avoided / t->intervention_cost : NAN;
	t->icer = t->qalys > 0 ? t->net_cost / t->qalys : NAN;
	double cum = 0;
	for (int s = 0; s < HG_ECON_YEARS && !t->break_even; s++) {
		cum += pp->y[s].costs_avoided - pp->y[s].intervention_cost;
		if (cum >= 0 && (pp->y[s].costs_avoided > 0 || pp->y[s].intervention_cost > 0))
			t->break_even = s + 1;
	}
}

double hg_econ_nmb(const hg_econ_totals *t, double lambda)
{
	return lambda * t->qalys - t->net_cost;
}
