/*
 * econ.h: the prevention economics model of docs/economics.md: what one more
 * person reached by an intervention gains and costs the NHS, year by year,
 * and the totals, return on investment, cost per QALY and break-even year of
 * a programme that reaches many.
 *
 * Per person reached, a share `response` benefits (a quitter, a person whose
 * new treatment works...). For each endpoint e (stroke, heart attack, a flu
 * admission, a GP visit...) and year t = 1, 2, ...:
 *
 *   first events (risk):  F(t) = 1 - exp(-h t), h = -ln(1 - risk) / risk_years
 *                         averted(t) = response x (F(t) - F(t-1)) x (1 - RR)
 *   recurrent (rate):     averted(t) = response x rate x (1 - RR)   (t <= max_years)
 *   RR = rr ^ effect_units   (log-linear in the effect, as Ettehad 2016 scales by mmHg)
 *
 * so that over risk_years the risk falls by exactly (1 - RR) x risk, as the
 * trials report and docs/economics.md B1.8 applies it. A fraction
 * case_fatality of averted events are deaths averted (cost_fatal in the year,
 * qaly_death QALYs: the remaining discounted quality-adjusted life
 * expectancy); the others avoid cost_y1 in the year of the event, cost_y2 and
 * cost_y3 in the next two years and cost_later each year after, and qaly_y1
 * then qaly_later QALYs a year, within the years modelled. The programme
 * costs cost_once (year 1) and cost_annual (every year) per person reached,
 * and avoids saving_once per responder in year 1. Costs and QALYs of year t
 * are discounted by (1 + discount)^-(t - 1) (NICE: 3.5%, year 1 undiscounted).
 *
 * Not modelled (docs/economics.md): competing deaths (rates are small over
 * <= 10 years), recurrent events after a first event, benefits beyond the
 * last year modelled other than the QALYs of a death averted, costs of the
 * extra years lived, social care and productivity.
 */
#ifndef HG_STATS_ECON_H
#define HG_STATS_ECON_H

#include <stddef.h>

#define HG_ECON_MAX_ENDPOINTS 8
#define HG_ECON_YEARS         10 /* the longest horizon */

enum hg_econ_kind { HG_EP_RISK = 0, HG_EP_RATE = 1 };

typedef struct hg_econ_endpoint {
	int kind;    /* enum hg_econ_kind */
	double risk; /* HG_EP_RISK: cumulative risk over risk_years without the intervention */
	double risk_years; /* > 0 */
	double rate;       /* HG_EP_RATE: events per person-year */
	double max_years;  /* HG_EP_RATE: events only in years 1..max_years (0: every year) */
	double rr;         /* relative risk per effect unit (1: no effect) */
	double case_fatality;
	double cost_y1, cost_y2, cost_y3, cost_later, cost_fatal;
	double qaly_y1, qaly_later, qaly_death;
} hg_econ_endpoint;

typedef struct hg_econ_params {
	double response;     /* share of people reached who benefit */
	double effect_units; /* RR = rr ^ effect_units (e.g. mmHg / 10, mmol/L) */
	double cost_once, cost_annual, saving_once;
	double discount; /* annual rate, 0.035 */
	hg_econ_endpoint ep[HG_ECON_MAX_ENDPOINTS];
	int nep;
} hg_econ_params;

/* Set the neutral values: response 1, effect_units 1, discount 0.035, no endpoint. */
void hg_econ_params_init(hg_econ_params *p);
void hg_econ_endpoint_init(hg_econ_endpoint *e);

/* One person reached, year by year (index 0 = year 1). Events and deaths are not
 * discounted; QALYs and costs are. */
typedef struct hg_econ_year {
	double events[HG_ECON_MAX_ENDPOINTS];
	double events_total, deaths;
	double qalys;             /* discounted */
	double costs_avoided;     /* discounted */
	double intervention_cost; /* discounted */
} hg_econ_year;

typedef struct hg_econ_person {
	hg_econ_year y[HG_ECON_YEARS];
} hg_econ_person;

void hg_econ_per_person(const hg_econ_params *p, hg_econ_person *out);

/* A programme reaching `reached` people, over `horizon` years (1..HG_ECON_YEARS). */
typedef struct hg_econ_totals {
	double reached, responders;
	double events, deaths, qalys, costs_avoided, intervention_cost;
	double net_cost; /* intervention cost - costs avoided */
	double roi;     /* costs avoided per pound spent (docs/economics.md B1.8); NaN if no cost */
	double icer;    /* net cost per QALY; NaN when no QALY is gained */
	int break_even; /* first year (1..HG_ECON_YEARS) whose cumulative costs avoided cover the
	                   cumulative cost, sustained as modelled; 0: not within HG_ECON_YEARS */
} hg_econ_totals;

void hg_econ_totals_of(const hg_econ_params *p, const hg_econ_person *pp, double reached,
                       int horizon, hg_econ_totals *t);

/* Net monetary benefit at threshold lambda (pounds per QALY): lambda x QALYs - net cost. */
double hg_econ_nmb(const hg_econ_totals *t, double lambda);

#endif
