/*
 * clinical.c: conditions and events. Chronic conditions get an onset age by
 * inverting a cumulative by-age prevalence curve scaled by deprivation and
 * ethnicity multipliers; recurring events (appointments, BP readings,
 * prescriptions, vaccinations, hospital activity, births, cancers) are drawn
 * as Poisson counts per year of follow-up. GP and prescribing events lie in
 * the registration period; hospital events while alive and resident in the
 * window. The conventions are in docs/synthetic-data.md.
 */
#include "synth_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cumulative share diagnosed by age (QOF/OpenSAFELY shapes, calibration.md). */
static const hg_pt hyp_curve[] = {{18, 0},    {25, 0.003}, {35, 0.013}, {45, 0.057}, {55, 0.165},
                                  {65, 0.31}, {75, 0.48},  {85, 0.63},  {105, 0.70}};
static const hg_pt dm_curve[] = {{20, 0},     {30, 0.006}, {40, 0.025}, {50, 0.062},
                                 {60, 0.115}, {70, 0.165}, {80, 0.19},  {105, 0.19}};
static const hg_pt copd_curve[] = {{35, 0},     {45, 0.003}, {55, 0.014}, {65, 0.037},
                                   {75, 0.062}, {85, 0.078}, {105, 0.08}};
static const hg_pt ast_curve[] = {{1, 0},      {5, 0.03},   {10, 0.06}, {18, 0.075},
                                  {40, 0.085}, {70, 0.095}, {105, 0.10}};
static const hg_pt smi_curve[] = {{15, 0},      {20, 0.002},  {30, 0.007},
                                  {45, 0.0105}, {65, 0.0125}, {105, 0.013}};

#define HG_N(a) (sizeof(a) / sizeof((a)[0]))

double hg_sy_onset(hg_rng *r, const hg_pt *c, size_t n, double mult)
{
	double t = hg_rng_unif(r) / mult;
	if (t >= c[n - 1].p)
		return -1;
	for (size_t i = 1; i < n; i++)
		if (t < c[i].p)
			return c[i - 1].age +
			       (c[i].age - c[i - 1].age) * (t - c[i - 1].p) / (c[i].p - c[i - 1].p);
	return -1;
}

static hg_date at_age(const hg_sy_person *ps, double age)
{
	return age < 0 ? HG_DATE_NONE : ps->dob + (hg_date)(age * HG_YEAR);
}

double hg_sy_dep(const hg_sy_person *ps, double d1, double d10)
{
	return d1 + (d10 - d1) * (ps->decile - 1) / 9.0;
}

static void hg_smoking(hg_rng *r, hg_sy_person *ps)
{
	double cur = 0.14 * hg_sy_dep(ps, 1.75, 0.55) * (ps->smi != HG_DATE_NONE ? 2.5 : 1);
	double ex = 0.25;
	double u = hg_rng_unif(r);
	ps->smoking = u < cur ? 2 : u < cur + ex ? 1 : 0;
}

void hg_sy_conditions(const hg_sy_model *m, hg_rng *r, hg_sy_person *ps)
{
	(void)m;
	double eth_hyp = ps->eth == 3 ? 1.35 : ps->south_asian ? 1.15 : 1.0;
	double eth_dm = ps->eth == 3 ? 1.6 : ps->south_asian ? 2.0 : 1.0;
	ps->hyp = at_age(ps, hg_sy_onset(r, hyp_curve, HG_N(hyp_curve),
	                                 1.02 * hg_sy_dep(ps, 1.18, 0.82) * eth_hyp));
	ps->hypres = HG_DATE_NONE;
	if (ps->hyp != HG_DATE_NONE && hg_rng_bernoulli(r, 0.02))
		ps->hypres = ps->hyp + (hg_date)(hg_rng_unif(r) * 8 * HG_YEAR);
	if (hg_rng_bernoulli(r, 0.004)) {
		ps->dm_type = 1;
		ps->dm = at_age(ps, 1 + 29 * hg_rng_unif(r));
	} else {
		ps->dm_type = 2;
		ps->dm = at_age(ps, hg_sy_onset(r, dm_curve, HG_N(dm_curve),
		                                hg_sy_dep(ps, 1.45, 0.72) * eth_dm));
	}
	ps->smi = at_age(ps, hg_sy_onset(r, smi_curve, HG_N(smi_curve),
	                                 hg_sy_dep(ps, 2.0, 0.47) * (ps->eth == 3 ? 2.0 : 1)));
	hg_smoking(r, ps);
	double smk = ps->smoking == 2 ? 2.6 : ps->smoking == 1 ? 1.6 : 0.3;
	ps->copd = at_age(
	    ps, hg_sy_onset(r, copd_curve, HG_N(copd_curve), smk * hg_sy_dep(ps, 1.7, 0.55)));
	ps->ast = at_age(ps, hg_sy_onset(r, ast_curve, HG_N(ast_curve), hg_sy_dep(ps, 1.2, 0.85)));
	ps->ld = HG_DATE_NONE;
	if (hg_rng_bernoulli(r, 0.005 * hg_sy_dep(ps, 1.5, 0.7)))
		ps->ld = at_age(ps, 2 + 10 * hg_rng_unif(r));
	ps->frailty = hg_rng_gamma(r, 2.0) / 2.0;
}

/* ---- event buffer ---- */

void hg_sy_add(hg_sy_out *o, hg_date d, int setting, int list, int idx, int32_t v10)
{
	HG_GROW(o->ev, o->nev, o->capev);
	o->ev[o->nev] =
	    (hg_sy_event){d, (uint32_t)o->nev, v10, (uint8_t)setting, (uint8_t)list, (uint8_t)idx};
	o->nev++;
}

int hg_sy_pick_code(const hg_sy_model *m, hg_rng *r, int list)
{
	size_t n = m->codes->n[list];
	if (n <= 1 || hg_rng_unif(r) < 0.8)
		return 0;
	return (int)hg_rng_below(r, n);
}

typedef struct {
	const hg_sy_model *m;
	const hg_sy_person *ps;
	hg_rng *r;
	hg_sy_out *o;
	hg_date gp_lo, gp_hi, h_lo, h_hi; /* GP and hospital windows (inclusive) */
} hg_ctx;

static int has(hg_date onset, hg_date t)
{
	return onset != HG_DATE_NONE && onset <= t;
}

/* A uniform date in [a, b). */
static hg_date hg_in(hg_rng *r, hg_date a, hg_date b)
{
	return a + (hg_date)(hg_rng_unif(r) * (double)(b - a));
}

static int32_t clampi(double v, double lo, double hi)
{
	return (int32_t)lrint(v < lo ? lo : v > hi ? hi : v);
}

static hg_date min(hg_date a, hg_date b)
{
	return a < b ? a : b;
}

static hg_date max(hg_date a, hg_date b)
{
	return a > b ? a : b;
}

/* ---- diagnoses ---- */

static void diag(hg_ctx *c, hg_date onset, int list)
{
	if (onset == HG_DATE_NONE)
		return;
	hg_date d = onset > c->ps->reg_from ? onset : c->ps->reg_from;
	if (d <= c->gp_hi && d >= c->ps->reg_from)
		hg_sy_add(c->o, d, HG_ST_GP, list, hg_sy_pick_code(c->m, c->r, list), HG_SY_NOVAL);
}

static void hg_diagnoses(hg_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	diag(c, ps->hyp, HG_SC_HYP);
	diag(c, ps->hypres, HG_SC_HYPRES);
	diag(c, ps->dm, ps->dm_type == 1 ? HG_SC_DM1 : HG_SC_DM2);
	diag(c, ps->copd, HG_SC_COPD);
	diag(c, ps->ast, HG_SC_AST);
	diag(c, ps->smi, HG_SC_SMI);
	diag(c, ps->ld, HG_SC_LD);
}

/* ---- BP ---- */

/* Hypertension care by calendar date (docs/synthetic-data.md, "BP over
 * time"): the chance that a register member invited to a BP review attends,
 * and the logit shift of BP control per reading. Routine reviews stopped in
 * the first COVID-19 lockdown and recovered over 2021-2023 while control
 * improved: CVDPREVENT's ICB range for CVDP007HYP was 39-52% in March 2021
 * and 66-74% in March 2024; after that both rise slowly. */
static const struct {
	int y, m, d;
	double attend, shift;
} hg_bp_knots[] = {
    {2019, 4, 1, 0.80, 0.40}, {2020, 3, 15, 0.80, 0.40}, {2020, 4, 1, 0.08, 0.30},
    {2020, 7, 1, 0.38, 0.30}, {2021, 1, 1, 0.42, 0.30},  {2021, 4, 1, 0.48, 0.30},
    {2022, 4, 1, 0.72, 0.35}, {2023, 4, 1, 0.85, 0.55},  {2024, 4, 1, 0.88, 0.78},
    {2026, 4, 1, 0.90, 0.82},
};

_Static_assert(HG_N(hg_bp_knots) <= HG_SY_BP_KNOTS, "raise HG_SY_BP_KNOTS");

void hg_sy_bp_trend_init(hg_sy_bp_trend *t)
{
	t->n = (int)HG_N(hg_bp_knots);
	for (int i = 0; i < t->n; i++) {
		t->t[i] = hg_date_from_ymd(hg_bp_knots[i].y, hg_bp_knots[i].m, hg_bp_knots[i].d);
		t->attend[i] = hg_bp_knots[i].attend;
		t->shift[i] = hg_bp_knots[i].shift;
	}
}

/* A trend column at date d: linear between knots, flat outside them. */
static double hg_trend(const hg_sy_bp_trend *t, const double *v, hg_date d)
{
	if (d <= t->t[0])
		return v[0];
	for (int i = 1; i < t->n; i++)
		if (d < t->t[i])
			return v[i - 1] + (v[i] - v[i - 1]) * (double)(d - t->t[i - 1]) /
			                      (double)(t->t[i] - t->t[i - 1]);
	return v[t->n - 1];
}

static double hg_logit(double p)
{
	return log(p / (1 - p));
}

/* Chance that a register member's reading on date d is at or under target. */
static double ctrl_prob(const hg_sy_model *m, const hg_sy_person *ps, int age, hg_date d)
{
	double base = age < 40   ? 0.48
	              : age < 50 ? 0.521
	              : age < 60 ? 0.555
	              : age < 70 ? 0.612
	              : age < 80 ? 0.643
	                         : 0.715;
	double z = hg_logit(base) + hg_sy_dep(ps, -0.15, 0.15) + hg_trend(&m->bp, m->bp.shift, d);
	z += ps->eth == 3 ? -0.14 : ps->eth == 2 ? 0.25 : 0; /* Rison 2023: OR 0.87 / 1.28 */
	return 1 / (1 + exp(-z));
}

static void bp_values(hg_rng *r, int age, int hyp, double pctrl, int32_t *s, int32_t *d)
{
	double ts = age >= 80 ? 150 : 140;
	if (!hyp) {
		*s = clampi(hg_rng_normal(r, 118 + 0.35 * (age - 30), 13), 85, 210);
		*d = clampi(hg_rng_normal(r, 76, 9), 45, 120);
	} else if (hg_rng_unif(r) < pctrl) {
		*s = clampi(hg_rng_normal(r, ts - 13, 9), 95, ts);
		*d = clampi(hg_rng_normal(r, 76, 7), 50, 90);
	} else if (hg_rng_unif(r) < 0.8) {
		*s = clampi(ts + 1 + fabs(hg_rng_normal(r, 0, 13)), ts + 1, 240);
		*d = clampi(hg_rng_normal(r, 86, 9), 55, 130);
	} else {
		*s = clampi(hg_rng_normal(r, ts - 8, 8), 100, ts);
		*d = clampi(91 + fabs(hg_rng_normal(r, 0, 5)), 91, 130);
	}
}

/* A BP pair on date d; the reading that leads to a diagnosis is raised. */
static void bp_at(hg_ctx *c, hg_date d, int diagnosis)
{
	int age = hg_age_years(c->ps->dob, d), hyp = has(c->ps->hyp, d) && !has(c->ps->hypres, d);
	double pctrl = diagnosis ? 0 : ctrl_prob(c->m, c->ps, age, d);
	int32_t s, di;
	bp_values(c->r, age, hyp, pctrl, &s, &di);
	hg_sy_add(c->o, d, HG_ST_GP, HG_SC_SBP, hg_sy_pick_code(c->m, c->r, HG_SC_SBP), s * 10);
	hg_sy_add(c->o, d, HG_ST_GP, HG_SC_DBP, hg_sy_pick_code(c->m, c->r, HG_SC_DBP), di * 10);
}

/* Opportunistic readings at other consultations (register members and
 * others aged 18+), fewer when routine care is disrupted. */
static void bp_year(hg_ctx *c, hg_date a, hg_date b, int age, double dt)
{
	if (age < 18)
		return;
	int reg = has(c->ps->hyp, a) && !has(c->ps->hypres, a);
	int n = hg_rng_poisson(c->r, dt * (reg ? 0.45 : age >= 40 ? 0.13 : 0.05));
	for (int i = 0; i < n; i++) {
		hg_date d = hg_in(c->r, a, b);
		if (hg_rng_unif(c->r) < hg_trend(&c->m->bp, c->m->bp.attend, d))
			bp_at(c, d, 0);
	}
}

/* Annual BP review of a register member while registered: invited about
 * every 12 months, recalled 2-6 months after a missed invitation. A
 * diagnosis in the window is a raised reading followed by a check 1-3 months
 * later. About 8% of people rarely respond (persistent non-attenders). */
static void bp_reviews(hg_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	if (ps->hyp == HG_DATE_NONE)
		return;
	hg_date lo = max(c->gp_lo, ps->hyp), hi = c->gp_hi;
	if (ps->hypres != HG_DATE_NONE)
		hi = min(hi, ps->hypres - 1);
	if (lo > hi)
		return;
	double engage = (hg_rng_unif(c->r) < 0.08 ? 0.3 : 1) * hg_sy_dep(ps, 0.92, 1.04);
	hg_date d = lo + (hg_date)hg_rng_below(c->r, 365);
	if (ps->hyp >= c->gp_lo) {
		bp_at(c, ps->hyp, 1);
		d = ps->hyp + 30 + (hg_date)hg_rng_below(c->r, 61);
	}
	while (d <= hi) {
		if (hg_rng_unif(c->r) < engage * hg_trend(&c->m->bp, c->m->bp.attend, d)) {
			bp_at(c, d, 0);
			d += 335 + (hg_date)hg_rng_below(c->r, 61);
		} else {
			d += 60 + (hg_date)hg_rng_below(c->r, 121);
		}
	}
}

/* ---- primary care per year ---- */

static double appt_rate(const hg_sy_person *ps, int age, hg_date t)
{
	double base = age < 5    ? 2.2
	              : age < 16 ? 0.9
	              : age < 45 ? (ps->sex == 1 ? 0.8 : 1.6)
	              : age < 65 ? (ps->sex == 1 ? 1.4 : 1.9)
	              : age < 80 ? 2.6
	                         : 3.6;
	base += 0.4 * (has(ps->hyp, t) + has(ps->dm, t) + has(ps->copd, t) + has(ps->smi, t));
	return base * ps->frailty * hg_sy_dep(ps, 1.1, 0.92);
}

static void appts(hg_ctx *c, hg_date a, hg_date b, int age, double dt)
{
	const hg_sy_person *ps = c->ps;
	int n = hg_rng_poisson(c->r, dt * appt_rate(ps, age, a));
	double dna = 0.05 * hg_sy_dep(ps, 1.6, 0.6) *
	             (age >= 16 && age < 30 ? 1.6
	              : age >= 65           ? 0.6
	                                    : 1);
	for (int i = 0; i < n; i++) {
		int miss = hg_rng_unif(c->r) < dna;
		int list = miss ? HG_SC_DNA : HG_SC_APPT;
		hg_sy_add(c->o, hg_in(c->r, a, b), HG_ST_GP, list,
		          hg_sy_pick_code(c->m, c->r, list), HG_SY_NOVAL);
	}
}

static void smoking_rec(hg_ctx *c, hg_date d)
{
	static const int lists[3] = {HG_SC_NONSMOK, HG_SC_EXSMOK, HG_SC_SMOK};
	int l = lists[c->ps->smoking];
	hg_sy_add(c->o, d, HG_ST_GP, l, hg_sy_pick_code(c->m, c->r, l), HG_SY_NOVAL);
}

static void alcohol_rec(hg_ctx *c, hg_date d)
{
	double u = hg_rng_normal(c->r, c->ps->sex == 1 ? 12 : 7, 10);
	hg_sy_add(c->o, d, HG_ST_GP, HG_SC_ALC, 0, clampi(u < 0 ? 0 : u, 0, 150) * 10);
}

static void bmi_rec(hg_ctx *c, hg_date d, double mean)
{
	double v = hg_rng_normal(c->r, mean, 5.5);
	hg_sy_add(c->o, d, HG_ST_GP, HG_SC_BMI, 0, clampi(v * 10, 150, 700));
}

static void chol_rec(hg_ctx *c, hg_date d)
{
	double v = hg_rng_normal(c->r, 4.9, 1.1);
	hg_sy_add(c->o, d, HG_ST_GP, HG_SC_CHOL, hg_sy_pick_code(c->m, c->r, HG_SC_CHOL),
	          clampi(v * 10, 20, 120));
}

static void hba1c_rec(hg_ctx *c, hg_date d, double mean)
{
	double v = hg_rng_normal(c->r, mean, 12);
	hg_sy_add(c->o, d, HG_ST_GP, HG_SC_HBA1C, 0, clampi(v, 25, 160) * 10);
}

/* SMI annual physical health check: six elements on one day (Core20PLUS5). */
static void smi_year(hg_ctx *c, hg_date a, hg_date b, double dt)
{
	if (hg_rng_unif(c->r) >= dt * 0.62 * hg_sy_dep(c->ps, 0.85, 1.12))
		return;
	hg_date d = hg_in(c->r, a, b);
	double pe = 0.9;
	if (hg_rng_unif(c->r) < pe)
		bmi_rec(c, d, 30.5);
	if (hg_rng_unif(c->r) < pe)
		bp_at(c, d, 0);
	if (hg_rng_unif(c->r) < pe)
		chol_rec(c, d);
	if (hg_rng_unif(c->r) < pe)
		hba1c_rec(c, d, 42);
	if (hg_rng_unif(c->r) < pe)
		alcohol_rec(c, d);
	if (hg_rng_unif(c->r) < pe)
		smoking_rec(c, d);
}

static void lifestyle_year(hg_ctx *c, hg_date a, hg_date b, int age, double dt)
{
	if (age < 16)
		return;
	if (hg_rng_unif(c->r) < dt * 0.22)
		smoking_rec(c, hg_in(c->r, a, b));
	if (hg_rng_unif(c->r) < dt * 0.07)
		bmi_rec(c, hg_in(c->r, a, b), 27.5);
	if (hg_rng_unif(c->r) < dt * 0.04)
		alcohol_rec(c, hg_in(c->r, a, b));
}

static void dm_year(hg_ctx *c, hg_date a, hg_date b, double dt)
{
	if (!has(c->ps->dm, a))
		return;
	if (hg_rng_unif(c->r) < dt * 0.85)
		hba1c_rec(c, hg_in(c->r, a, b),
		          c->ps->dm_type == 1 ? 66 : hg_sy_dep(c->ps, 58, 53));
	if (hg_rng_unif(c->r) < dt * 0.6)
		chol_rec(c, hg_in(c->r, a, b));
}

/* SABA relievers: overdispersed counts, higher in deprived areas. */
static void saba_year(hg_ctx *c, hg_date a, hg_date b, double dt)
{
	if (!has(c->ps->ast, a))
		return;
	double lam = 2.0 * hg_sy_dep(c->ps, 1.5, 0.8) * hg_rng_gamma(c->r, 1.5) / 1.5;
	int n = hg_rng_poisson(c->r, lam * dt);
	for (int i = 0; i < n; i++)
		hg_sy_add(c->o, hg_in(c->r, a, b), HG_ST_RX, HG_SC_SABA,
		          hg_sy_pick_code(c->m, c->r, HG_SC_SABA), HG_SY_NOVAL);
}

static void gp_years(hg_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	for (hg_date a = c->gp_lo; a <= c->gp_hi; a += 365) {
		hg_date b = a + 365 <= c->gp_hi + 1 ? a + 365 : c->gp_hi + 1;
		double dt = (b - a) / 365.0;
		int age = hg_age_years(ps->dob, a);
		appts(c, a, b, age, dt);
		bp_year(c, a, b, age, dt);
		lifestyle_year(c, a, b, age, dt);
		dm_year(c, a, b, dt);
		saba_year(c, a, b, dt);
		if (has(ps->smi, a))
			smi_year(c, a, b, dt);
	}
}

/* Seasonal flu vaccination, September to January, for 65+ and at-risk groups. */
static void hg_flu(hg_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	int y0, y1, mth, day;
	hg_date_to_ymd(c->gp_lo, &y0, &mth, &day);
	hg_date_to_ymd(c->gp_hi, &y1, &mth, &day);
	for (int y = y0 - 1; y <= y1; y++) {
		hg_date sep = hg_date_from_ymd(y, 9, 1);
		int age = hg_age_years(ps->dob, hg_date_from_ymd(y + 1, 3, 31));
		double p = 0;
		if (age >= 65)
			p = 0.72 * hg_sy_dep(ps, 0.88, 1.1);
		else if (has(ps->copd, sep))
			p = 0.55 * hg_sy_dep(ps, 0.9, 1.1);
		else if (has(ps->dm, sep) || has(ps->ast, sep) || has(ps->smi, sep))
			p = 0.45 * hg_sy_dep(ps, 0.9, 1.1);
		else if (age >= 2 && age <= 3)
			p = 0.45;
		if (p <= 0 || hg_rng_unif(c->r) >= p)
			continue;
		double off = hg_rng_exp(c->r, 1 / 35.0);
		hg_date d = sep + (hg_date)(off > 150 ? 150 : off);
		if (d >= c->gp_lo && d <= c->gp_hi)
			hg_sy_add(c->o, d, HG_ST_GP, HG_SC_FLU,
			          hg_sy_pick_code(c->m, c->r, HG_SC_FLU), HG_SY_NOVAL);
	}
}

/* ---- hospital ---- */

static double ae_rate(const hg_sy_person *ps, int age, hg_date t)
{
	double base = age < 5    ? 0.5
	              : age < 16 ? 0.22
	              : age < 30 ? 0.34
	              : age < 65 ? 0.24
	              : age < 80 ? 0.32
	                         : 0.6;
	double mult = hg_sy_dep(ps, 1.5, 0.7) * ps->frailty;
	mult *= (has(ps->copd, t) ? 1.8 : 1) * (has(ps->smi, t) ? 1.8 : 1) * (ps->homeless ? 3 : 1);
	return base * mult;
}

static int emerg_dx(hg_ctx *c, hg_date d, int age, int *list)
{
	double u = hg_rng_unif(c->r);
	if (has(c->ps->copd, d) && u < 0.3)
		*list = HG_SC_COPD_ADM;
	else if (has(c->ps->ast, d) && age < 19 && u < 0.25)
		*list = HG_SC_AST_ADM;
	else
		*list = HG_SC_EMERG;
	return (int)hg_rng_below(c->r, c->m->codes->n[*list]);
}

static void hg_emergency(hg_ctx *c, hg_date d, int age, int method)
{
	int list, idx = emerg_dx(c, d, age, &list);
	hg_sy_add(c->o, d, HG_ST_APC, list, idx, method * 10);
}

static void ae_year(hg_ctx *c, hg_date a, hg_date b, int age, double dt)
{
	int n = hg_rng_poisson(c->r, dt * ae_rate(c->ps, age, a));
	double padm = age < 16 ? 0.12 : age < 65 ? 0.2 : age < 80 ? 0.35 : 0.5;
	for (int i = 0; i < n; i++) {
		hg_date d = hg_in(c->r, a, b);
		hg_sy_add(c->o, d, HG_ST_AE, HG_SC_AE, hg_sy_pick_code(c->m, c->r, HG_SC_AE),
		          HG_SY_NOVAL);
		if (hg_rng_unif(c->r) < padm)
			hg_emergency(c, d, age, 21);
	}
	/* emergency admissions not through A&E (GP referral, other) */
	static const int other[5] = {22, 22, 22, 24, 28};
	int k = hg_rng_poisson(c->r, dt * 0.25 * padm * ae_rate(c->ps, age, a));
	for (int i = 0; i < k; i++)
		hg_emergency(c, hg_in(c->r, a, b), age, other[hg_rng_below(c->r, 5)]);
	if (has(c->ps->copd, a) && hg_rng_unif(c->r) < dt * 0.12 * hg_sy_dep(c->ps, 1.6, 0.7))
		hg_sy_add(c->o, hg_in(c->r, a, b), HG_ST_APC, HG_SC_COPD_ADM, 0, 210);
}

static void elective_year(hg_ctx *c, hg_date a, hg_date b, int age, double dt)
{
	double rate = age < 16 ? 0.02 : age < 50 ? 0.04 : age < 65 ? 0.08 : 0.16;
	int n = hg_rng_poisson(c->r, dt * rate * c->ps->frailty);
	for (int i = 0; i < n; i++) {
		double u = hg_rng_unif(c->r);
		int method = u < 0.6 ? 11 : u < 0.9 ? 12 : 13;
		hg_sy_add(c->o, hg_in(c->r, a, b), HG_ST_APC, HG_SC_ELECT,
		          (int)hg_rng_below(c->r, c->m->codes->n[HG_SC_ELECT]), method * 10);
	}
}

/* Tooth extraction for caries in children 0-10: strong deprivation gradient. */
static void teeth_year(hg_ctx *c, hg_date a, hg_date b, int age, double dt)
{
	if (age > 10)
		return;
	double am = age < 2 ? 0.1 : age < 4 ? 0.6 : 1.2;
	if (hg_rng_unif(c->r) >= dt * 0.0028 * am * hg_sy_dep(c->ps, 2.2, 0.35))
		return;
	hg_date d = hg_in(c->r, a, b);
	double u = hg_rng_unif(c->r);
	int method = u < 0.5 ? 11 : u < 0.95 ? 12 : 13;
	hg_sy_add(c->o, d, HG_ST_APC, HG_SC_CARIES, hg_sy_pick_code(c->m, c->r, HG_SC_CARIES),
	          method * 10);
	hg_sy_add(c->o, d, HG_ST_APC, HG_SC_TOOTH, hg_sy_pick_code(c->m, c->r, HG_SC_TOOTH),
	          HG_SY_NOVAL);
}

static void op_year(hg_ctx *c, hg_date a, hg_date b, int age, double dt)
{
	double rate = age < 16 ? 0.25 : age < 50 ? 0.4 : age < 65 ? 0.7 : 1.1;
	rate += 0.3 * (has(c->ps->dm, a) + has(c->ps->copd, a));
	int n = hg_rng_poisson(c->r, dt * rate * c->ps->frailty);
	for (int i = 0; i < n; i++)
		hg_sy_add(c->o, hg_in(c->r, a, b), HG_ST_OP, HG_SC_OP,
		          hg_sy_pick_code(c->m, c->r, HG_SC_OP), HG_SY_NOVAL);
}

/* Mental health services: SMI care, CYP and adult common-disorder contacts.
 * MH list order: F20.9, F31.9, F32.9, F41.1, F90.0, F50.0, F43.1, F84.0. */
static void mh_year(hg_ctx *c, hg_date a, hg_date b, int age, double dt)
{
	int n = 0, idx = 2;
	if (has(c->ps->smi, a)) {
		n = hg_rng_poisson(c->r, dt * 2.5);
		idx = (int)(c->ps->index % 3 == 0); /* schizophrenia or bipolar */
	} else if (age < 18 && hg_rng_unif(c->r) < dt * 0.05 * hg_sy_dep(c->ps, 1.15, 0.85)) {
		n = 1 + hg_rng_poisson(c->r, 2);
		idx = 2 + (int)hg_rng_below(c->r, 6);
	} else if (age >= 18 && hg_rng_unif(c->r) < dt * 0.02) {
		n = 1 + hg_rng_poisson(c->r, 1.5);
		idx = 2 + (int)hg_rng_below(c->r, 2);
	}
	for (int i = 0; i < n; i++)
		hg_sy_add(c->o, hg_in(c->r, a, b), HG_ST_MH, HG_SC_MH, idx, HG_SY_NOVAL);
}

static const double fert[6] = {0.012, 0.05, 0.085, 0.10, 0.06, 0.013}; /* 15-19 ... 40-44 */

static int gestation(hg_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	double pre = hg_sy_dep(ps, 0.09, 0.065) * (ps->eth == 3      ? 1.35
	                                           : ps->south_asian ? 1.15
	                                                             : 1);
	double u = hg_rng_unif(c->r);
	if (u < pre) {
		double v = hg_rng_unif(c->r);
		return v < 0.75  ? hg_rng_range(c->r, 34, 36)
		       : v < 0.9 ? hg_rng_range(c->r, 32, 33)
		                 : hg_rng_range(c->r, 24, 31);
	}
	static const double term[6] = {0.08, 0.2, 0.3, 0.27, 0.13, 0.02};
	double v = hg_rng_unif(c->r);
	int w = 0;
	while (w < 5 && v >= term[w])
		v -= term[w++];
	return 37 + w;
}

static void births_year(hg_ctx *c, hg_date a, hg_date b, int age, double dt, hg_date *last)
{
	if (c->ps->sex != 2 || age < 15 || age > 44)
		return;
	double rate = fert[(age - 15) / 5] * hg_sy_dep(c->ps, 1.15, 0.9);
	if (hg_rng_unif(c->r) >= rate * dt)
		return;
	hg_date d = hg_in(c->r, a, b);
	if (*last != HG_DATE_NONE && d - *last < 300)
		return;
	*last = d;
	hg_sy_add(c->o, d, HG_ST_MAT, HG_SC_BIRTH, hg_sy_pick_code(c->m, c->r, HG_SC_BIRTH),
	          gestation(c) * 10);
}

static int stage(hg_ctx *c, const char *code)
{
	if (!strncmp(code, "C85", 3) || !strncmp(code, "C91", 3) || !strncmp(code, "C92", 3) ||
	    !strncmp(code, "C71", 3) || hg_rng_unif(c->r) < 0.1)
		return 0;
	double early = hg_sy_dep(c->ps, 0.50, 0.62);
	if (!strncmp(code, "C34", 3) || !strncmp(code, "C25", 3) || !strncmp(code, "C15", 3) ||
	    !strncmp(code, "C16", 3) || !strncmp(code, "C56", 3))
		early -= 0.28;
	else if (!strncmp(code, "C50", 3) || !strncmp(code, "C43", 3) || !strncmp(code, "C54", 3) ||
	         !strncmp(code, "C73", 3))
		early += 0.28;
	else if (!strncmp(code, "C18", 3) || !strncmp(code, "C19", 3) || !strncmp(code, "C20", 3))
		early -= 0.1;
	if (hg_rng_unif(c->r) < early)
		return hg_rng_unif(c->r) < 0.55 ? 1 : 2;
	return hg_rng_unif(c->r) < 0.5 ? 3 : 4;
}

int hg_sy_cancer_site(const hg_sy_model *m, hg_rng *r, int sex)
{
	const double *w = m->codes->cancer_w[sex - 1];
	size_t n = m->codes->n[HG_SC_CANCER];
	double u = hg_rng_unif(r) * w[n - 1];
	size_t i = 0;
	while (i + 1 < n && w[i] <= u)
		i++;
	return (int)i;
}

static void cancer(hg_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	for (hg_date a = c->h_lo; a <= c->h_hi; a += 365) {
		hg_date b = a + 365 <= c->h_hi + 1 ? a + 365 : c->h_hi + 1;
		int age = hg_age_years(ps->dob, a);
		double rate = 0.00015 * exp(0.06 * (age - 30)) * hg_sy_dep(ps, 1.15, 0.9);
		if (age < 20)
			rate = 0.00002;
		if (hg_rng_unif(c->r) >= rate * (b - a) / 365.0)
			continue;
		hg_date d = hg_in(c->r, a, b);
		int idx = hg_sy_cancer_site(c->m, c->r, c->ps->sex);
		int st = stage(c, c->m->codes->code[HG_SC_CANCER][idx]);
		hg_sy_add(c->o, d, HG_ST_CANCER, HG_SC_CANCER, idx, st ? st * 10 : HG_SY_NOVAL);
		return; /* first primary only */
	}
}

static void hosp_years(hg_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	hg_date last_birth = HG_DATE_NONE;
	for (hg_date a = c->h_lo; a <= c->h_hi; a += 365) {
		hg_date b = a + 365 <= c->h_hi + 1 ? a + 365 : c->h_hi + 1;
		double dt = (b - a) / 365.0;
		int age = hg_age_years(ps->dob, a);
		ae_year(c, a, b, age, dt);
		elective_year(c, a, b, age, dt);
		teeth_year(c, a, b, age, dt);
		op_year(c, a, b, age, dt);
		mh_year(c, a, b, age, dt);
		births_year(c, a, b, age, dt, &last_birth);
	}
	cancer(c);
}

static int ev_cmp(const void *x, const void *y)
{
	const hg_sy_event *a = x, *b = y;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void hg_sy_events(const hg_sy_model *m, hg_rng *r, const hg_sy_person *ps, hg_sy_out *o)
{
	const hg_synth_params *p = m->p;
	hg_ctx c = {m, ps, r, o, 0, 0, 0, 0};
	o->nev = 0;
	c.gp_lo = max(p->start, ps->reg_from);
	c.gp_hi = min(min(p->end, ps->reg_to), ps->dod);
	c.h_lo = max(max(p->start, ps->dob), ps->reg_from - 365);
	c.h_hi = min(p->end, ps->dod);
	if (ps->reg_to != HG_DATE_NONE)
		c.h_hi = min(c.h_hi, ps->reg_to + 365);
	hg_diagnoses(&c);
	if (c.gp_lo <= c.gp_hi) {
		gp_years(&c);
		bp_reviews(&c);
		hg_flu(&c);
	}
	if (c.h_lo <= c.h_hi)
		hosp_years(&c);
	hg_sy_windows w = {c.gp_lo, c.gp_hi, c.h_lo, c.h_hi};
	hg_sy_multimorbidity(m, ps, &w, o);
	hg_sy_cyp(m, ps, &w, o);
	if (m->p->ethnicity_codes)
		hg_sy_eth_events(ps, o);
	qsort(o->ev, o->nev, sizeof *o->ev, ev_cmp);
}

void hg_sy_events_write(const hg_sy_model *m, const hg_sy_person *ps, hg_sy_out *o, hg_rng *cr)
{
	hg_buf *b = &o->events;
	char id[HG_SY_ID_LEN]; /* formatted once: every row of the person starts with it */
	hg_sy_format_id(m, ps->index, id);
	for (size_t i = 0; i < o->nev; i++) {
		const hg_sy_event *e = &o->ev[i];
		hg_buf_put(b, id, HG_SY_ID_LEN);
		hg_buf_putc(b, ',');
		hg_sy_put_date(m, e->date, b);
		hg_buf_putc(b, ',');
		hg_sy_put_code(m, e->list, e->idx, b);
		hg_buf_putc(b, ',');
		hg_sy_put_value(e->value10, b);
		hg_buf_putc(b, ',');
		hg_buf_puts(b, hg_sy_setting_name(e->setting));
		hg_buf_putc(b, '\n');
		o->elines++;
		o->nevents_valid++;
		if (m->pcorrupt > 0 && hg_rng_unif(cr) < m->pcorrupt)
			hg_sy_corrupt_event(m, ps, e, cr, o);
	}
}
