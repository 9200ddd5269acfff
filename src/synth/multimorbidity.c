/*
 * multimorbidity.c: the frailty deficits and multimorbidity conditions that
 * the segmentation, frailty and multimorbidity packs read, and what follows
 * from them (docs/synthetic-data.md, "Frailty and multimorbidity").
 *
 * Each person has a latent propensity z ~ N(0, 1), 0.6 of it the standardised
 * log of the service-use frailty that person.c drew (so the people who use
 * more services are the ones with more conditions), scaling the onset of every
 * condition: onsets are drawn, as clinical.c's are, by inverting a cumulative
 * by-age curve (a shape times the share ever coded by 75) scaled by
 * exp(load z - load^2/2) and by deprivation and sex multipliers, so conditions
 * cluster in the same people and in deprived areas. Deaths are person.c's;
 * nothing here changes them: instead deficits accumulate before a death (the
 * chance that a frailty deficit starts in the two years before a death at 60
 * or over) and end-of-life care is placed before it.
 *
 * From the conditions follow: diagnosis codes, repeat prescribing (the
 * Cambridge Multimorbidity Score's medication rules need 4 or more issues in
 * 12 months, so those drugs are issued every 12 weeks; other classes are a
 * sample, one issue about every 11 months), eGFR readings, recorded frailty categories at annual
 * reviews, pregnancy booking codes before each birth, palliative care, secondary cancers,
 * heart-failure and COPD admissions, end-stage renal and liver failure, home oxygen; last, resolved
 * codes, dialysis and the GP's record of a cancer (so nothing before them changes). Everything is
 * drawn from the person's own random stream (seed, index, 3), so every other event is as it was
 * without it.
 */
#include "synth_int.h"

#include <math.h>
#include <string.h>

/* ---- condition table ---- */

enum mm_shape { SH_STEEP, SH_MODERATE, SH_FLAT, SH_YOUNG, SH_N };

/* Share ever coded by age relative to the share at 75 (SH_YOUNG: onsets in
 * childhood and early adulthood, relative to the lifetime share). */
#define MM_PTS 11
static const hg_pt shapes[SH_N][MM_PTS] = {
    [SH_STEEP] = {{40, 0},
                  {50, 0.1},
                  {60, 0.3},
                  {65, 0.48},
                  {70, 0.7},
                  {75, 1},
                  {80, 1.4},
                  {85, 1.9},
                  {90, 2.4},
                  {95, 2.8},
                  {105, 3.1}},
    [SH_MODERATE] = {{20, 0},
                     {30, 0.05},
                     {40, 0.12},
                     {50, 0.28},
                     {60, 0.5},
                     {65, 0.65},
                     {70, 0.82},
                     {75, 1},
                     {80, 1.2},
                     {90, 1.5},
                     {105, 1.7}},
    [SH_FLAT] = {{10, 0},
                 {20, 0.25},
                 {30, 0.4},
                 {40, 0.5},
                 {50, 0.62},
                 {60, 0.75},
                 {70, 0.9},
                 {75, 1},
                 {85, 1.12},
                 {95, 1.2},
                 {105, 1.25}},
    [SH_YOUNG] = {{5, 0},
                  {12, 0.1},
                  {18, 0.35},
                  {25, 0.6},
                  {35, 0.8},
                  {45, 0.9},
                  {55, 0.96},
                  {65, 0.99},
                  {75, 1},
                  {90, 1.01},
                  {105, 1.02}},
};

enum mm_cond {
	MM_AF,
	MM_CHD,
	MM_STROKE,
	MM_HF,
	MM_PVD,
	MM_VALVE,
	MM_CKD,
	MM_DEMENTIA,
	MM_MEMORY,
	MM_PARKINSONS,
	MM_ARTHRITIS,
	MM_CTD,
	MM_OSTEOPOROSIS,
	MM_FRACTURE,
	MM_FALLS,
	MM_FOOT,
	MM_SKIN_ULCER,
	MM_DIZZINESS,
	MM_DYSPNOEA,
	MM_SLEEP,
	MM_WEIGHT_LOSS,
	MM_ANAEMIA,
	MM_THYROID,
	MM_PEPTIC,
	MM_INCONTINENCE,
	MM_URINARY,
	MM_HEARING,
	MM_VISION,
	MM_ACTIVITY,
	MM_MOBILITY,
	MM_HOUSEBOUND,
	MM_CARE,
	MM_SOCIAL,
	MM_HYPOTENSION,
	MM_ANXDEP,
	MM_PAIN,
	MM_CONSTIPATION,
	MM_IBS,
	MM_EPILEPSY,
	MM_ALCOHOL,
	MM_DISAB_PHYS,
	MM_DISAB_SENS,
	MM_N
};

/* How a condition starts and how it is coded. list: its diagnosis code list
 * (-1: none; coded elsewhere or only prescribed for). p75: share ever coded
 * by 75 before multipliers. d1, d10: deprivation multipliers in deciles 1 and
 * 10. load: on the latent propensity. female: the female : male ratio.
 * terminal: chance that it starts in the two years before a death at 60+
 * (when it has not already). cvd: raised by hypertension and diabetes. */
typedef struct {
	int list;
	int shape;
	double p75, d1, d10, load, female, terminal;
	int cvd;
} mm_spec;

static const mm_spec spec[MM_N] = {
    [MM_AF] = {HG_SC_AF, SH_STEEP, 0.042, 1.1, 0.95, 0.9, 0.8, 0, 1},
    [MM_CHD] = {HG_SC_CHD, SH_MODERATE, 0.055, 1.5, 0.7, 0.9, 0.6, 0, 1},
    [MM_STROKE] = {HG_SC_STROKE, SH_STEEP, 0.035, 1.4, 0.75, 0.9, 0.9, 0.05, 1},
    [MM_HF] = {HG_SC_HF, SH_STEEP, 0.02, 1.6, 0.7, 1.0, 0.8, 0.06, 1},
    [MM_PVD] = {HG_SC_PAD, SH_MODERATE, 0.025, 1.6, 0.6, 0.6, 0.7, 0, 1},
    [MM_VALVE] = {HG_SC_EFI_VALVE, SH_STEEP, 0.03, 1.0, 1.0, 0.4, 1.0, 0, 0},
    [MM_CKD] = {-1, SH_STEEP, 0.2, 1.4, 0.8, 0.9, 1.2, 0, 1},
    [MM_DEMENTIA] = {HG_SC_DEMENTIA, SH_STEEP, 0.03, 1.18, 0.91, 0.8, 1.2, 0.04, 0},
    [MM_MEMORY] = {HG_SC_EFI_COGNITIVE, SH_STEEP, 0.04, 1.18, 0.91, 0.8, 1.1, 0.08, 0},
    [MM_PARKINSONS] = {HG_SC_EFI_PARKINSONS, SH_STEEP, 0.012, 1.0, 1.0, 0.4, 0.7, 0, 0},
    [MM_ARTHRITIS] = {HG_SC_EFI_ARTHRITIS, SH_MODERATE, 0.3, 1.18, 0.91, 0.6, 1.4, 0, 0},
    [MM_CTD] = {HG_SC_CTD, SH_MODERATE, 0.02, 1.3, 0.8, 0.8, 2.2, 0, 0},
    [MM_OSTEOPOROSIS] = {HG_SC_EFI_OSTEOPOROSIS, SH_STEEP, 0.06, 1.12, 0.94, 0.6, 3.0, 0, 0},
    [MM_FRACTURE] = {HG_SC_EFI_FRACTURE, SH_STEEP, 0.04, 1.18, 0.91, 0.8, 2.0, 0.05, 0},
    [MM_FALLS] = {HG_SC_EFI_FALLS, SH_STEEP, 0.13, 1.28, 0.86, 0.9, 1.3, 0.2, 0},
    [MM_FOOT] = {HG_SC_EFI_FOOT, SH_MODERATE, 0.14, 1.12, 0.94, 0.7, 1.1, 0, 0},
    [MM_SKIN_ULCER] = {HG_SC_EFI_SKIN_ULCER, SH_STEEP, 0.04, 1.28, 0.86, 0.8, 1.0, 0.1, 0},
    [MM_DIZZINESS] = {HG_SC_EFI_DIZZINESS, SH_MODERATE, 0.15, 1.12, 0.94, 0.7, 1.3, 0, 0},
    [MM_DYSPNOEA] = {HG_SC_EFI_DYSPNOEA, SH_MODERATE, 0.12, 1.42, 0.79, 0.8, 1.0, 0.15, 0},
    [MM_SLEEP] = {HG_SC_EFI_SLEEP, SH_FLAT, 0.14, 1.18, 0.91, 0.7, 1.3, 0, 0},
    [MM_WEIGHT_LOSS] = {HG_SC_EFI_WEIGHT_LOSS, SH_STEEP, 0.06, 1.28, 0.86, 0.9, 1.1, 0.2, 0},
    [MM_ANAEMIA] = {HG_SC_EFI_ANAEMIA, SH_MODERATE, 0.12, 1.18, 0.91, 0.7, 1.3, 0.05, 0},
    [MM_THYROID] = {HG_SC_EFI_THYROID, SH_FLAT, 0.1, 1.0, 1.0, 0.4, 3.0, 0, 0},
    [MM_PEPTIC] = {HG_SC_EFI_PEPTIC, SH_MODERATE, 0.04, 1.5, 0.75, 0.6, 0.9, 0, 0},
    [MM_INCONTINENCE] = {HG_SC_EFI_INCONTINENCE, SH_STEEP, 0.1, 1.18, 0.91, 0.8, 1.8, 0.1, 0},
    [MM_URINARY] = {HG_SC_EFI_URINARY, SH_MODERATE, 0.14, 1.12, 0.94, 0.6, 1.0, 0, 0},
    [MM_HEARING] = {HG_SC_EFI_HEARING, SH_MODERATE, 0.15, 1.12, 0.94, 0.8, 0.8, 0, 0},
    [MM_VISION] = {HG_SC_EFI_VISION, SH_MODERATE, 0.14, 1.12, 0.94, 0.5, 1.1, 0, 0},
    [MM_ACTIVITY] = {HG_SC_EFI_ACTIVITY, SH_STEEP, 0.035, 1.25, 0.86, 1.0, 1.1, 0.1, 0},
    [MM_MOBILITY] = {HG_SC_EFI_MOBILITY, SH_STEEP, 0.1, 1.25, 0.86, 1.0, 1.2, 0.25, 0},
    [MM_HOUSEBOUND] = {HG_SC_EFI_HOUSEBOUND, SH_STEEP, 0.035, 1.25, 0.86, 1.1, 1.3, 0.2, 0},
    [MM_CARE] = {HG_SC_EFI_CARE, SH_STEEP, 0.06, 1.25, 0.86, 1.1, 1.3, 0.25, 0},
    [MM_SOCIAL] = {HG_SC_EFI_SOCIAL, SH_FLAT, 0.08, 1.8, 0.6, 0.7, 1.3, 0, 0},
    [MM_HYPOTENSION] = {HG_SC_EFI_HYPOTENSION, SH_STEEP, 0.07, 1.12, 0.94, 0.8, 1.1, 0.08, 0},
    [MM_ANXDEP] = {HG_SC_ANXDEP, SH_YOUNG, 0.42, 1.5, 0.8, 1.2, 1.7, 0, 0},
    [MM_PAIN] = {-1, SH_FLAT, 0.32, 1.8, 0.75, 1.3, 1.3, 0, 0},
    [MM_CONSTIPATION] = {-1, SH_STEEP, 0.13, 1.3, 0.85, 1.2, 1.5, 0.1, 0},
    [MM_IBS] = {HG_SC_IBS, SH_YOUNG, 0.055, 1.2, 0.9, 0.9, 2.0, 0, 0},
    [MM_EPILEPSY] = {HG_SC_EPILEPSY, SH_YOUNG, 0.012, 1.6, 0.7, 0.8, 1.0, 0, 0},
    [MM_ALCOHOL] = {HG_SC_ALCOHOL, SH_YOUNG, 0.02, 2.0, 0.6, 1.2, 0.4, 0, 0},
    [MM_DISAB_PHYS] = {HG_SC_DISAB_PHYS, SH_STEEP, 0.02, 1.6, 0.7, 1.0, 1.1, 0, 0},
    [MM_DISAB_SENS] = {HG_SC_DISAB_SENS, SH_STEEP, 0.008, 1.3, 0.85, 0.6, 1.0, 0, 0},
};

/* Conditions that are eFI deficits (for the recorded frailty category). */
static const unsigned char is_deficit[MM_N] = {
    [MM_AF] = 1,         [MM_CHD] = 1,       [MM_STROKE] = 1,       [MM_HF] = 1,
    [MM_PVD] = 1,        [MM_VALVE] = 1,     [MM_CKD] = 1,          [MM_MEMORY] = 1,
    [MM_PARKINSONS] = 1, [MM_ARTHRITIS] = 1, [MM_OSTEOPOROSIS] = 1, [MM_FRACTURE] = 1,
    [MM_FALLS] = 1,      [MM_FOOT] = 1,      [MM_SKIN_ULCER] = 1,   [MM_DIZZINESS] = 1,
    [MM_DYSPNOEA] = 1,   [MM_SLEEP] = 1,     [MM_WEIGHT_LOSS] = 1,  [MM_ANAEMIA] = 1,
    [MM_THYROID] = 1,    [MM_PEPTIC] = 1,    [MM_INCONTINENCE] = 1, [MM_URINARY] = 1,
    [MM_HEARING] = 1,    [MM_VISION] = 1,    [MM_ACTIVITY] = 1,     [MM_MOBILITY] = 1,
    [MM_HOUSEBOUND] = 1, [MM_CARE] = 1,      [MM_SOCIAL] = 1,       [MM_HYPOTENSION] = 1,
};

/* ---- per-person state ---- */

typedef struct {
	const hg_sy_model *m;
	const hg_sy_person *ps;
	const hg_sy_windows *w;
	hg_sy_out *o;
	hg_rng *r;
	double z;
	hg_date on[MM_N]; /* onset; HG_DATE_NONE = never */
	int ckd_stage;    /* 0 = 3A, 1 = 3B, 2 = 4, 3 = 5 */
	hg_date cancer;   /* first cancer (registry), HG_DATE_NONE = none */
	int cancer_stage; /* 0 = not staged */
} mm_ctx;

static hg_date mm_min(hg_date a, hg_date b)
{
	return a < b ? a : b;
}

static hg_date mm_max(hg_date a, hg_date b)
{
	return a > b ? a : b;
}

static int has(hg_date onset, hg_date t)
{
	return onset != HG_DATE_NONE && onset <= t;
}

static int ever(hg_date onset)
{
	return onset != HG_DATE_NONE;
}

/* A uniform date in [a, b]. */
static hg_date mm_in(hg_rng *r, hg_date a, hg_date b)
{
	return b <= a ? a : a + (hg_date)hg_rng_below(r, (uint64_t)(b - a + 1));
}

static double sex_mult(const hg_sy_person *ps, double female)
{
	return ps->sex == 2 ? 2 * female / (1 + female) : 2 / (1 + female);
}

/* ---- onsets ---- */

/* The latent propensity: the standardised log service-use frailty, noise,
 * and a shift for the chronic conditions clinical.c drew (ever), so that the
 * new conditions cluster with those too. */
static double latent(const hg_sy_person *ps, hg_rng *r)
{
	/* frailty ~ Gamma(2)/2: log has mean digamma(2) - ln 2 = -0.27, sd 0.80 */
	double zf = (log(ps->frailty) + 0.27) / 0.80;
	double z = 0.55 * zf + 0.75 * hg_rng_normal(r, 0, 1);
	return z + 0.7 * ever(ps->copd) + 0.5 * ever(ps->dm) + 0.6 * ever(ps->smi) +
	       0.3 * ever(ps->ast);
}

/* Calibration (docs/segmentation.md): every condition's share by 75 and its
 * loading on the latent propensity are scaled by these, tuned so that the eFI
 * categories at 65+ and the share with CMS > 1.5 fall in the published
 * ranges, and their deprivation multipliers brought towards 1. */
#define MM_P_SCALE    1.2
#define MM_LOAD_SCALE 0.6
#define MM_DEP_SCALE  0.6 /* of each multiplier's distance from 1 */

static hg_date onset(mm_ctx *c, int k)
{
	const mm_spec *s = &spec[k];
	const hg_sy_person *ps = c->ps;
	hg_pt curve[MM_PTS];
	for (int i = 0; i < MM_PTS; i++) {
		double p = s->p75 * MM_P_SCALE * shapes[s->shape][i].p;
		curve[i] = (hg_pt){shapes[s->shape][i].age, p < 0.97 ? p : 0.97};
	}
	double load = s->load * MM_LOAD_SCALE;
	double dep = 1 + (hg_sy_dep(ps, s->d1, s->d10) - 1) * MM_DEP_SCALE;
	double mult = exp(load * c->z - load * load / 2) * dep * sex_mult(ps, s->female);
	if (s->cvd)
		mult *= (ever(ps->hyp) ? 1.4 : 1) * (ever(ps->dm) ? 1.4 : 1);
	if (k == MM_DYSPNOEA || k == MM_HF)
		mult *= ever(ps->copd) ? 1.8 : 1;
	double age = hg_sy_onset(c->r, curve, MM_PTS, mult);
	return age < 0 ? HG_DATE_NONE : ps->dob + (hg_date)(age * HG_YEAR);
}

/* Deficits accumulate before death: some start in the two years before it. */
static void terminal(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	int dying = ps->dod != HG_DATE_NONE && hg_age_years(ps->dob, ps->dod) >= 60;
	for (int k = 0; k < MM_N; k++) {
		double u = hg_rng_unif(c->r);
		if (!dying || u >= spec[k].terminal)
			continue;
		hg_date t = ps->dod - (hg_date)hg_rng_below(c->r, 731);
		if (c->on[k] == HG_DATE_NONE || c->on[k] > t)
			c->on[k] = t;
	}
}

static void onsets(mm_ctx *c)
{
	for (int k = 0; k < MM_N; k++)
		c->on[k] = onset(c, k);
	/* memory problems are often coded before a dementia diagnosis */
	if (ever(c->on[MM_DEMENTIA]) && hg_rng_unif(c->r) < 0.6) {
		hg_date t = c->on[MM_DEMENTIA] - 180 - (hg_date)hg_rng_below(c->r, 820);
		if (!ever(c->on[MM_MEMORY]) || c->on[MM_MEMORY] > t)
			c->on[MM_MEMORY] = mm_max(t, c->ps->dob);
	}
	/* chronic pain brings depression and, with opioids, constipation */
	hg_date pain = c->on[MM_PAIN];
	if (ever(pain) && !ever(c->on[MM_ANXDEP]) && hg_rng_unif(c->r) < 0.2)
		c->on[MM_ANXDEP] = pain + (hg_date)hg_rng_below(c->r, 1096);
	if (ever(pain) && !ever(c->on[MM_CONSTIPATION]) && hg_rng_unif(c->r) < 0.25)
		c->on[MM_CONSTIPATION] = pain + (hg_date)hg_rng_below(c->r, 731);
	terminal(c);
	double u = hg_rng_unif(c->r);
	c->ckd_stage = u < 0.62 ? 0 : u < 0.90 ? 1 : u < 0.98 ? 2 : 3;
}

/* ---- events ---- */

static int gp_ok(const mm_ctx *c, hg_date d)
{
	return d != HG_DATE_NONE && d >= c->ps->reg_from && d <= c->w->gp_hi;
}

static int hosp_ok(const mm_ctx *c, hg_date d)
{
	return d != HG_DATE_NONE && d >= c->w->h_lo && d <= c->w->h_hi;
}

/* A GP code on d, or on registration for a condition that began before it
 * (the record arriving with the patient), as clinical.c's diagnoses are. */
static void code_at(mm_ctx *c, hg_date d, int list, int idx)
{
	if (d == HG_DATE_NONE)
		return;
	d = mm_max(d, c->ps->reg_from);
	if (gp_ok(c, d))
		hg_sy_add(c->o, d, HG_ST_GP, list, idx, HG_SY_NOVAL);
}

static void diagnoses(mm_ctx *c)
{
	for (int k = 0; k < MM_N; k++)
		if (spec[k].list >= 0 && k != MM_ANXDEP)
			code_at(c, c->on[k], spec[k].list,
			        hg_sy_pick_code(c->m, c->r, spec[k].list));
	/* CKD: about two thirds of people with an eGFR under 60 are coded */
	if (ever(c->on[MM_CKD]) && hg_rng_unif(c->r) < 0.65) {
		hg_date d = c->on[MM_CKD] + 30 + (hg_date)hg_rng_below(c->r, 335);
		if (c->ckd_stage < 3)
			code_at(c, d, HG_SC_CKD, c->ckd_stage);
		else
			code_at(c, d, HG_SC_ESRF, hg_sy_pick_code(c->m, c->r, HG_SC_ESRF));
	}
}

/* Repeat issues of one product every interval (+-7) days from from to to,
 * within the GP window. */
static void rx_series(mm_ctx *c, int list, hg_date from, hg_date to, int interval)
{
	if (from == HG_DATE_NONE)
		return;
	hg_date lo = mm_max(from, c->w->gp_lo), hi = mm_min(to, c->w->gp_hi);
	if (lo > hi)
		return;
	int idx = hg_sy_pick_code(c->m, c->r, list);
	hg_date d = from >= lo ? from : lo + (hg_date)hg_rng_below(c->r, (uint64_t)interval);
	while (d <= hi) {
		hg_sy_add(c->o, d, HG_ST_RX, list, idx, HG_SY_NOVAL);
		d += interval - 7 + (hg_date)hg_rng_below(c->r, 15);
	}
}

/* The Cambridge Multimorbidity Score counts issues (4 or more in 12 months):
 * those drugs are issued every 12 weeks +-7 days, so any 12 months of a
 * course hold at least 4. The other classes matter only as present or not
 * (the eFI's polypharmacy: any issue in 12 months), so they are written as
 * one issue every 330 days +-7, a sample of the repeat issues that keeps the
 * files small. */
#define RX_CMS   84
#define RX_OTHER 330
#define NEVER    ((hg_date)INT32_MAX)

/* A course of the given mean length in years (at least two months). */
static hg_date course_end(mm_ctx *c, hg_date from, double mean_years)
{
	return from + 60 + (hg_date)(hg_rng_exp(c->r, 1 / mean_years) * HG_YEAR);
}

/* Anxiety and depression come in episodes: coded at the start (80%), treated
 * (80%) for a course of about 14 months, or long-term (20%); relapses at
 * 0.3 a year (higher with the latent propensity). */
static void anxdep(mm_ctx *c)
{
	hg_date t = c->on[MM_ANXDEP];
	double relapse = 0.3 * exp(0.3 * c->z);
	while (t != HG_DATE_NONE && t <= c->w->gp_hi) {
		hg_date end = course_end(c, t, hg_rng_unif(c->r) < 0.2 ? 5 : 1.2);
		if (hg_rng_unif(c->r) < 0.8 && t >= c->ps->reg_from)
			code_at(c, t, HG_SC_ANXDEP, hg_rng_unif(c->r) < 0.6 ? 0 : 1);
		if (hg_rng_unif(c->r) < 0.8)
			rx_series(c, HG_SC_RX_ANXDEP, t, end, RX_CMS);
		t = end + (hg_date)(hg_rng_exp(c->r, relapse) * HG_YEAR);
	}
}

static void cms_prescribing(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	anxdep(c);
	hg_date p = c->on[MM_PAIN];
	if (ever(p)) {
		hg_date end = hg_rng_unif(c->r) < 0.5 ? NEVER : course_end(c, p, 2.5);
		if (hg_rng_unif(c->r) < 0.92)
			rx_series(c, HG_SC_RX_ANALGESIC, p, end, RX_CMS);
		if (hg_rng_unif(c->r) < 0.2)
			rx_series(c, HG_SC_RX_PAIN_AED, p, end, RX_CMS);
	}
	hg_date k = c->on[MM_CONSTIPATION];
	if (ever(k))
		rx_series(c, HG_SC_RX_LAXATIVE, k,
		          hg_rng_unif(c->r) < 0.5 ? NEVER : course_end(c, k, 1.5), RX_CMS);
	hg_date i = c->on[MM_IBS];
	if (ever(i) && hg_rng_unif(c->r) < 0.35)
		rx_series(c, HG_SC_RX_ANTISPASMODIC, i, course_end(c, i, 2), RX_CMS);
	if (ever(c->on[MM_EPILEPSY]) && hg_rng_unif(c->r) < 0.9)
		rx_series(c, HG_SC_RX_EPILEPSY, c->on[MM_EPILEPSY], NEVER, RX_CMS);
	if (ever(ps->smi) && hg_rng_unif(c->r) < 0.12)
		rx_series(c, HG_SC_RX_LITHIUM, ps->smi, NEVER, RX_CMS);
	if (ever(ps->copd) && hg_rng_unif(c->r) < 0.85)
		rx_series(c, HG_SC_RX_ASTHMA, ps->copd, NEVER, RX_OTHER);
}

static hg_date earliest3(hg_date a, hg_date b, hg_date d)
{
	hg_date m = NEVER;
	if (ever(a))
		m = mm_min(m, a);
	if (ever(b))
		m = mm_min(m, b);
	if (ever(d))
		m = mm_min(m, d);
	return m == NEVER ? HG_DATE_NONE : m;
}

/* Treated with probability p from the condition's onset. */
static void treat(mm_ctx *c, hg_date from, double p, int list, hg_date to)
{
	if (ever(from) && hg_rng_unif(c->r) < p)
		rx_series(c, list, from, to, RX_OTHER);
}

/* Statins for primary prevention: about a third of people by 80. */
static const hg_pt statin_curve[] = {{40, 0},    {50, 0.05}, {60, 0.15},
                                     {70, 0.28}, {80, 0.35}, {105, 0.38}};

static void other_prescribing(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	hg_date hyp_end = ever(ps->hypres) ? ps->hypres : NEVER;
	treat(c, ps->hyp, 0.85, HG_SC_RX_ANTIHYP, hyp_end);
	if (!ever(ps->hyp))
		treat(c, c->on[MM_HF], 0.9, HG_SC_RX_ANTIHYP, NEVER);
	hg_date cvd = earliest3(c->on[MM_CHD], c->on[MM_STROKE], c->on[MM_PVD]);
	hg_date statin = HG_DATE_NONE;
	if (ever(cvd) && hg_rng_unif(c->r) < 0.8)
		statin = cvd;
	if (ever(ps->dm) && hg_rng_unif(c->r) < 0.7)
		statin = ever(statin) ? mm_min(statin, ps->dm) : ps->dm;
	double a = hg_sy_onset(c->r, statin_curve, sizeof statin_curve / sizeof statin_curve[0],
	                       exp(0.3 * c->z));
	if (a >= 0)
		statin = ever(statin) ? mm_min(statin, ps->dob + (hg_date)(a * HG_YEAR))
		                      : ps->dob + (hg_date)(a * HG_YEAR);
	rx_series(c, HG_SC_RX_STATIN, statin, NEVER, RX_OTHER);
	hg_date thromb = HG_DATE_NONE;
	if (ever(c->on[MM_AF]) && hg_rng_unif(c->r) < 0.8)
		thromb = c->on[MM_AF];
	if (ever(cvd) && hg_rng_unif(c->r) < 0.8)
		thromb = ever(thromb) ? mm_min(thromb, cvd) : cvd;
	rx_series(c, HG_SC_RX_ANTITHROMB, thromb, NEVER, RX_OTHER);
	hg_date ppi =
	    ever(c->on[MM_PEPTIC]) && hg_rng_unif(c->r) < 0.8 ? c->on[MM_PEPTIC] : HG_DATE_NONE;
	if (!ever(ppi) && ever(thromb) && hg_rng_unif(c->r) < 0.35)
		ppi = thromb;
	if (!ever(ppi) && hg_rng_unif(c->r) < 0.12)
		ppi = ps->dob + (hg_date)((50 + 40 * hg_rng_unif(c->r)) * HG_YEAR);
	rx_series(c, HG_SC_RX_PPI, ppi, NEVER, RX_OTHER);
	treat(c, ps->dm, 0.8, HG_SC_RX_DIABETES, NEVER);
	treat(c, c->on[MM_THYROID], 0.85, HG_SC_RX_THYROID, NEVER);
	treat(c, c->on[MM_OSTEOPOROSIS], 0.6, HG_SC_RX_BISPHOS, NEVER);
	treat(c, c->on[MM_DEMENTIA], 0.5, HG_SC_RX_DEMENTIA, NEVER);
	treat(c, c->on[MM_HF], 0.85, HG_SC_RX_LOOP, NEVER);
}

/* eGFR: 0.6 a year for people with hypertension, diabetes, CKD, CHD or
 * heart failure and everyone 70+, otherwise 0.05 a year from 18. CKD (stage
 * 3A, 3B, 4 or 5) readings lie in the stage's range, 8% above 60 (the
 * variation that "best of the last two" allows for); others are normal for
 * age, 2% dipping to 50-59. Values are whole mL/min/1.73m2. */
static int egfr_value(mm_ctx *c, hg_date d, int age)
{
	static const int lo[4] = {45, 30, 15, 5}, hi[4] = {59, 44, 29, 14};
	if (has(c->on[MM_CKD], d) && hg_rng_unif(c->r) >= 0.08)
		return hg_rng_range(c->r, lo[c->ckd_stage], hi[c->ckd_stage]);
	if (hg_rng_unif(c->r) < 0.02)
		return hg_rng_range(c->r, 50, 59);
	double v = hg_rng_normal(c->r, 88 - 0.6 * (age > 40 ? age - 40 : 0), 11);
	return v < 60 ? 60 + (int)hg_rng_below(c->r, 8) : v > 130 ? 130 : (int)lrint(v);
}

static void egfr_tests(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	for (hg_date a = c->w->gp_lo; a <= c->w->gp_hi; a += 365) {
		hg_date b = mm_min(a + 364, c->w->gp_hi);
		int age = hg_age_years(ps->dob, a);
		if (age < 18)
			continue;
		int risk = has(ps->hyp, a) || has(ps->dm, a) || has(c->on[MM_CKD], a) ||
		           has(c->on[MM_CHD], a) || has(c->on[MM_HF], a) || age >= 70;
		int n = hg_rng_poisson(c->r, (risk ? 0.6 : 0.05) * (double)(b - a + 1) / 365.0);
		for (int i = 0; i < n; i++) {
			hg_date d = mm_in(c->r, a, b);
			hg_sy_add(c->o, d, HG_ST_GP, HG_SC_EGFR, 0, egfr_value(c, d, age) * 10);
		}
	}
}

/* Deficits present on d as the practice's eFI would count them (roughly:
 * no polypharmacy), for the frailty category coded at a review. */
static int deficits_on(const mm_ctx *c, hg_date d)
{
	const hg_sy_person *ps = c->ps;
	int n = has(ps->hyp, d) + has(ps->dm, d) + (has(ps->copd, d) || has(ps->ast, d));
	for (int k = 0; k < MM_N; k++)
		n += is_deficit[k] && has(c->on[k], d);
	n += has(c->on[MM_DEMENTIA], d) && !has(c->on[MM_MEMORY], d);
	return n;
}

/* Annual frailty identification (GP contract, 65+): reviewed in 30% of years,
 * the category coded when mild or worse. */
static void frailty_reviews(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	int y0, y1, mo, dd;
	hg_date_to_ymd(c->w->gp_lo, &y0, &mo, &dd);
	hg_date_to_ymd(c->w->gp_hi, &y1, &mo, &dd);
	for (int y = y0; y <= y1; y++) {
		hg_date d = hg_date_from_ymd(y, 4, 1) + (hg_date)hg_rng_below(c->r, 365);
		if (hg_rng_unif(c->r) >= 0.3 || d < c->w->gp_lo || d > c->w->gp_hi ||
		    hg_age_years(ps->dob, d) < 65)
			continue;
		int n = deficits_on(c, d);
		if (n >= 5)
			hg_sy_add(c->o, d, HG_ST_GP,
			          n <= 8    ? HG_SC_MILDFRAIL
			          : n <= 12 ? HG_SC_MODFRAIL
			                    : HG_SC_SEVFRAIL,
			          0, HG_SY_NOVAL);
	}
}

/* The existing events this module builds on: births (for pregnancy bookings)
 * and the first cancer. */
static void scan(mm_ctx *c, size_t n0)
{
	c->cancer = HG_DATE_NONE;
	c->cancer_stage = 0;
	for (size_t i = 0; i < n0; i++) {
		const hg_sy_event *e = &c->o->ev[i];
		if (e->list == HG_SC_BIRTH && e->value10 != HG_SY_NOVAL) {
			hg_date book = e->date - (hg_date)(7 * (e->value10 / 10 - 10));
			if (book >= c->w->gp_lo && gp_ok(c, book))
				hg_sy_add(c->o, book, HG_ST_GP, HG_SC_PREGNANCY, 0, HG_SY_NOVAL);
		} else if (e->list == HG_SC_CANCER && c->cancer == HG_DATE_NONE) {
			c->cancer = e->date;
			c->cancer_stage = e->value10 == HG_SY_NOVAL ? 0 : e->value10 / 10;
		}
	}
}

/* A hospital diagnosis on d: an apc row without an admission method (a
 * diagnosis of a spell, not a spell of its own), so the Core20PLUS5 emergency
 * admission counts (apc rows with a method 21-28) stay as clinical.c made
 * them. */
static void admit(mm_ctx *c, hg_date d, int list)
{
	if (hosp_ok(c, d))
		hg_sy_add(c->o, d, HG_ST_APC, list, hg_sy_pick_code(c->m, c->r, list), HG_SY_NOVAL);
}

/* A cancer that clinical.c's registry did not draw (hospital diagnosis rows
 * only; the registry rows, and so the Core20PLUS5 cancer indicator, are
 * clinical.c's): stage 0 = unstaged. */
static void add_cancer(mm_ctx *c, hg_date d, int st)
{
	int idx = hg_sy_cancer_site(c->m, c->r, c->ps->sex);
	hg_sy_add(c->o, d, HG_ST_APC, HG_SC_CANCER, idx, HG_SY_NOVAL);
	c->cancer = d;
	c->cancer_stage = st;
}

/* Incident cancers beyond clinical.c's registry rate (0.00015 e^{0.06(age-30)}
 * a year, kept low for the published Core20PLUS5 rows) up to about the
 * England incidence (0.00045 e^{0.085(age-30)}, at most 2.5% a year, CRUK
 * by age), first primary only. */
static void more_cancer(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	if (c->cancer != HG_DATE_NONE)
		return;
	for (hg_date a = c->w->h_lo; a <= c->w->h_hi; a += 365) {
		hg_date b = mm_min(a + 364, c->w->h_hi);
		int age = hg_age_years(ps->dob, a);
		if (age < 20)
			continue;
		double want = fmin(0.025, 0.00045 * exp(0.085 * (age - 30)));
		double have = 0.00015 * exp(0.06 * (age - 30));
		double rate = (want > have ? want - have : 0) * hg_sy_dep(ps, 1.15, 0.9);
		if (hg_rng_unif(c->r) >= rate * (double)(b - a + 1) / 365.0)
			continue;
		double u = hg_rng_unif(c->r);
		add_cancer(c, mm_in(c->r, a, b),
		           u < 0.45   ? 1 + (int)hg_rng_below(c->r, 2)
		           : u < 0.75 ? 3
		                      : 4);
		return;
	}
}

/* Cancers that kill: 35% of deaths at 40-79 (20% at 80+, 15% under 40) follow
 * a cancer diagnosed a median of about 7 months before, mostly at stage 3 or
 * 4 (hospital diagnoses, add_cancer), unless the person already has one. */
static void terminal_cancer(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	if (ps->dod == HG_DATE_NONE || c->cancer != HG_DATE_NONE)
		return;
	int age = hg_age_years(ps->dob, ps->dod);
	if (hg_rng_unif(c->r) >= (age < 40 ? 0.15 : age < 80 ? 0.35 : 0.2))
		return;
	double lead = 30 + hg_rng_exp(c->r, 1 / 300.0);
	hg_date d = ps->dod - (hg_date)(lead > 1100 ? 1100 : lead);
	if (!hosp_ok(c, d))
		return;
	double u = hg_rng_unif(c->r);
	add_cancer(c, d, u < 0.1 ? 0 : u < 0.595 ? 4 : u < 0.865 ? 3 : u < 0.955 ? 2 : 1);
}

/* Secondary cancer: at the diagnosis of a stage 4 cancer, and in the last
 * six months of 60% of people who die within three years of a cancer. */
static void cancer_spread(mm_ctx *c)
{
	hg_date dx = c->cancer, dod = c->ps->dod;
	if (dx == HG_DATE_NONE)
		return;
	if (c->cancer_stage == 4)
		admit(c, dx + (hg_date)hg_rng_below(c->r, 31), HG_SC_SECONDARY);
	if (dod != HG_DATE_NONE && dod - dx <= 3 * 365 && hg_rng_unif(c->r) < 0.6)
		admit(c, mm_in(c->r, mm_max(dx, dod - 180), dod), HG_SC_SECONDARY);
}

static void admit_twice_before(mm_ctx *c, int list, int days)
{
	hg_date dod = c->ps->dod;
	admit(c, dod - (hg_date)hg_rng_below(c->r, (uint64_t)days), list);
	admit(c, dod - (hg_date)hg_rng_below(c->r, (uint64_t)days), list);
}

/* Organ failure: heart-failure admissions (0.12 a year, two before 55% of
 * deaths with heart failure), COPD exacerbations before 50% of deaths with
 * COPD, home oxygen, end-stage renal care, liver failure after alcohol. */
static void organ_failure(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	int dies = ps->dod != HG_DATE_NONE;
	hg_date hf = c->on[MM_HF];
	if (ever(hf)) {
		for (hg_date a = mm_max(hf, c->w->h_lo); a <= c->w->h_hi; a += 365) {
			int n = hg_rng_poisson(c->r, 0.12);
			for (int i = 0; i < n; i++)
				admit(c, mm_in(c->r, a, mm_min(a + 364, c->w->h_hi)), HG_SC_HF_ADM);
		}
		if (dies && has(hf, ps->dod) && hg_rng_unif(c->r) < 0.55)
			admit_twice_before(c, HG_SC_HF_ADM, 240);
	}
	if (dies && has(ps->copd, ps->dod) && hg_rng_unif(c->r) < 0.5)
		admit_twice_before(c, HG_SC_COPD_ADM, 240);
	if (ever(ps->copd) && hg_rng_unif(c->r) < (dies ? 0.2 : 0.06)) {
		hg_date d = dies ? ps->dod - (hg_date)hg_rng_below(c->r, 730)
		                 : ps->copd + (hg_date)((2 + 8 * hg_rng_unif(c->r)) * HG_YEAR);
		if (d >= ps->copd && hg_age_years(ps->dob, d) >= 60)
			code_at(c, d, HG_SC_OXYGEN, 0);
	}
	if (ever(c->on[MM_CKD]) && c->ckd_stage == 3) {
		for (hg_date a = mm_max(c->on[MM_CKD] + 365, c->w->h_lo); a <= c->w->h_hi; a += 182)
			admit(c, a + (hg_date)hg_rng_below(c->r, 30), HG_SC_ESRF_ADM);
	}
	hg_date alc = c->on[MM_ALCOHOL];
	if (ever(alc) && hg_rng_unif(c->r) < (dies ? 0.25 : 0.03))
		admit(c,
		      dies ? ps->dod - (hg_date)hg_rng_below(c->r, 365)
		           : alc + (hg_date)((5 + 15 * hg_rng_unif(c->r)) * HG_YEAR),
		      HG_SC_LIVER_FAIL);
}

/* Palliative care: before 30% of deaths at 40+ (75% after a recent cancer,
 * 45% with dementia, heart failure or COPD), a median of about 10 weeks
 * before; and for people still alive at the end of the window at the rate
 * they would die soon after it. */
static void palliative(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	hg_date dod = ps->dod;
	if (dod != HG_DATE_NONE) {
		if (hg_age_years(ps->dob, dod) < 40)
			return;
		int recent = c->cancer != HG_DATE_NONE && dod - c->cancer <= 3 * 365;
		int organ =
		    has(c->on[MM_DEMENTIA], dod) || has(c->on[MM_HF], dod) || has(ps->copd, dod);
		double p = recent ? 0.75 : organ ? 0.45 : 0.30;
		if (hg_rng_unif(c->r) < p) {
			double lead = hg_rng_exp(c->r, 1 / 100.0);
			code_at(c, dod - (hg_date)(lead > 730 ? 730 : lead), HG_SC_PALCARE, 0);
		}
		return;
	}
	hg_date end = c->m->p->end;
	int age = hg_age_years(ps->dob, end);
	if (ps->reg_to != HG_DATE_NONE || age < 50)
		return;
	double h = c->m->mort.h[ps->sex - 1][ps->decile - 1][age > 110 ? 110 : age];
	if (hg_rng_unif(c->r) < 0.35 * h * 0.5)
		code_at(c, end - (hg_date)hg_rng_below(c->r, 180), HG_SC_PALCARE, 0);
}

/* A code of `list` on a date drawn in [a, b] after the condition's onset, with chance p: the
 * resolved codes (the condition no longer active from then, QOF's *RES_COD). */
static void resolve(mm_ctx *c, hg_date on, double p, int a_days, int b_days, int list)
{
	if (!ever(on) || hg_rng_unif(c->r) >= p)
		return;
	code_at(c,
	        on + (hg_date)a_days + (hg_date)hg_rng_below(c->r, (uint64_t)(b_days - a_days + 1)),
	        list, 0);
}

/*
 * What follows the conditions in the record and not in the clinical model: resolved codes
 * (asthma: 15% of onsets under 16, resolved from age 16, 5% of adult onsets; atrial
 * fibrillation 6%, COPD 1%, type 2 diabetes 2%, each 1-10 years after onset; nothing else
 * stops: a resolved person's prescriptions go on), dialysis for end-stage renal failure
 * (60%: an outpatient X40 row a quarter from a year after onset; 8% a kidney transplant
 * admission, M01, 2-6 years after), and the GP's record of a cancer diagnosed in hospital
 * or registered (90%, 2-8 weeks after, a site code for breast, prostate, lung and colon,
 * else the generic one). Drawn last, so no other event changes.
 */
static void resolved(mm_ctx *c)
{
	const hg_sy_person *ps = c->ps;
	if (ever(ps->ast)) {
		hg_date at16 = ps->dob + (hg_date)(16 * HG_YEAR);
		int child = ps->ast < at16;
		hg_date from = child ? mm_max(ps->ast + 3 * 365, at16) : ps->ast;
		resolve(c, from, child ? 0.15 : 0.05, 365, 10 * 365, HG_SC_ASTRES);
	}
	resolve(c, c->on[MM_AF], 0.06, 365, 10 * 365, HG_SC_AFRES);
	resolve(c, ps->copd, 0.01, 365, 10 * 365, HG_SC_COPDRES);
	if (ps->dm_type == 2)
		resolve(c, ps->dm, 0.02, 365, 10 * 365, HG_SC_DMRES);
	if (ever(c->on[MM_CKD]) && c->ckd_stage == 3) {
		if (hg_rng_unif(c->r) < 0.6)
			for (hg_date a = mm_max(c->on[MM_CKD] + 365, c->w->h_lo); a <= c->w->h_hi;
			     a += 91) {
				hg_date d = a + (hg_date)hg_rng_below(c->r, 30);
				if (hosp_ok(c, d))
					hg_sy_add(c->o, d, HG_ST_OP, HG_SC_DIALYSIS, 0,
					          HG_SY_NOVAL);
			}
		if (hg_rng_unif(c->r) < 0.08) {
			hg_date d =
			    c->on[MM_CKD] + (hg_date)((2 + 4 * hg_rng_unif(c->r)) * HG_YEAR);
			if (hosp_ok(c, d))
				hg_sy_add(c->o, d, HG_ST_APC, HG_SC_DIALYSIS, 1, HG_SY_NOVAL);
		}
	}
	/* the first cancer row (registry or hospital) and its site */
	const hg_sy_event *first = NULL;
	for (size_t i = 0; i < c->o->nev; i++) {
		const hg_sy_event *e = &c->o->ev[i];
		if (e->list == HG_SC_CANCER && (!first || e->date < first->date))
			first = e;
	}
	if (first && hg_rng_unif(c->r) < 0.9) {
		/* cancer_icd10.csv lists breast, prostate, lung, colon first; the GP list's
		   generic code, then those sites */
		int site = first->idx < 4 ? first->idx + 1 : 0;
		code_at(c, first->date + 14 + (hg_date)hg_rng_below(c->r, 43), HG_SC_CANCER_GP,
		        site);
	}
}

void hg_sy_multimorbidity(const hg_sy_model *m, const hg_sy_person *ps, const hg_sy_windows *w,
                          hg_sy_out *o)
{
	hg_rng r;
	hg_rng_seed(&r, m->p->seed, ps->index, HG_SY_STREAM_MULTIMORB);
	mm_ctx c;
	memset(&c, 0, sizeof c);
	c.m = m;
	c.ps = ps;
	c.w = w;
	c.o = o;
	c.r = &r;
	c.z = latent(ps, &r);
	size_t n0 = o->nev;
	onsets(&c);
	scan(&c, n0);
	if (w->gp_lo <= w->gp_hi) {
		diagnoses(&c);
		cms_prescribing(&c);
		other_prescribing(&c);
		egfr_tests(&c);
		frailty_reviews(&c);
	}
	if (w->h_lo <= w->h_hi) {
		terminal_cancer(&c);
		more_cancer(&c);
		cancer_spread(&c);
		organ_failure(&c);
	}
	if (w->gp_lo <= w->gp_hi)
		palliative(&c);
	resolved(&c); /* last: every event above is as it was without these */
}
