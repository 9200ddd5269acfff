/*
 * units.c: a synthetic trust's patient administration data (issue 16):
 * referral-to-treatment pathways (pathways.csv) and outpatient and GP
 * appointments (appointments.csv) for each person, with the gradients NHS
 * England reports (docs/synthetic-data.md "Pathways and appointments";
 * economics.md part C4): referrals by age and sex, longer waits in more
 * deprived areas and for Black, Mixed and Asian patients, and more missed
 * appointments by deprivation, among young adults, Black and Mixed patients
 * and people who are homeless.
 *
 * Every person has its own random stream (tag 4) used only here, so adding
 * these files leaves persons.csv and events.csv byte for byte as they were.
 */
#include "synth_int.h"

#include <math.h>
#include <stdio.h>

/* Treatment functions and their shares of referrals (adults; 420 paediatrics for
 * children takes the place of 502 gynaecology). */
static const char *const tfc[] = {"110", "130", "120", "100", "502",
                                  "330", "101", "320", "300", "420"};
static const double tfc_w[] = {0.18, 0.14, 0.10, 0.12, 0.10, 0.09, 0.08, 0.08, 0.11, 0.0};
#define NTFC (sizeof tfc / sizeof tfc[0])
/* Providers: the local trust, a neighbouring trust and an independent sector provider. */
static const char *const providers[] = {"SYN01", "SYN02", "SYN03"};

/* Clock starts per person-year by age band (economics.md C4: the waiting list is 11%
 * aged 18 or under, 56% 19-64, 33% 65 and over; women 57%). */
static double referral_rate(int age, int sex)
{
	double r = age < 18 ? 0.16 : age < 65 ? 0.30 : age < 80 ? 0.55 : 0.60;
	return r * (sex == 2 ? 1.12 : 0.88);
}

/* Median weeks from clock start to stop by the patient's deprivation and ethnicity:
 * longer in deprived deciles (about 1.3x the chance of a wait over 52 weeks in decile
 * 1 against decile 10) and for Black, Mixed and Asian patients (NHS England, 2025). */
static double wait_scale(const hg_sy_person *ps)
{
	double s = 11.0 * (1 + 0.025 * (10 - ps->decile));
	static const double eth[] = {1.0, 1.08, 1.06, 1.10, 1.03};
	return s * eth[ps->eth < 5 ? ps->eth : 0];
}

/* The chance of not attending, logistic in deprivation, age, ethnicity and
 * homelessness (OPDNA: 5.7-7% of outpatient appointments; BJGP 2017). */
static double dna_prob(const hg_sy_person *ps, int age, double base)
{
	double z = log(base / (1 - base)) + 0.08 * (5.5 - ps->decile);
	z += age >= 16 && age < 30 ? 0.45 : age >= 65 ? -0.35 : 0;
	static const double eth[] = {0, 0.25, 0.10, 0.40, 0.15};
	z += eth[ps->eth < 5 ? ps->eth : 0] + (ps->homeless ? 0.9 : 0);
	return 1 / (1 + exp(-z));
}

static int pick(hg_rng *r, const double *w, size_t n)
{
	double u = hg_rng_unif(r), c = 0, tot = 0;
	for (size_t k = 0; k < n; k++)
		tot += w[k];
	for (size_t k = 0; k < n; k++) {
		c += w[k] / tot;
		if (u < c)
			return (int)k;
	}
	return (int)n - 1;
}

typedef struct unit_ctx {
	const hg_sy_model *m;
	const hg_sy_person *ps;
	hg_rng *r;
	hg_sy_out *o;
	hg_date end; /* last day: the window end, the person's leaving or death */
	int npath;
} unit_ctx;

static void put_sep(hg_buf *b)
{
	hg_buf_putc(b, ',');
}

/* appointments.csv: person_id,date,setting,specialty,provider,outcome,attendance_type */
static void appt_row(unit_ctx *x, hg_date d, int gp, int spec, int prov, const char *outcome,
                     const char *type)
{
	hg_buf *b = &x->o->appts;
	hg_sy_put_id(x->m, x->ps->index, b);
	put_sep(b);
	hg_sy_put_date(x->m, d, b);
	hg_buf_printf(b, ",%s,%s,%s,%s,%s\n", gp ? "gp" : "op", spec >= 0 ? tfc[spec] : "",
	              prov >= 0 ? providers[prov] : "", outcome, type);
	x->o->aplines++;
}

/* An appointment's outcome: cancellations first, then attended or not. */
static const char *outcome(unit_ctx *x, int age, double base_dna)
{
	double u = hg_rng_unif(x->r);
	if (u < 0.06)
		return "cancelled by patient";
	if (u < 0.13)
		return "cancelled by provider";
	return hg_rng_bernoulli(x->r, dna_prob(x->ps, age, base_dna)) ? "did not attend"
	                                                              : "attended";
}

/* One pathway from clock start t: its outpatient appointments, then its stop (treated,
 * monitored, declined, discharged after not attending, or died) or still open. */
static void pathway(unit_ctx *x, hg_date t)
{
	const hg_sy_person *ps = x->ps;
	hg_rng *r = x->r;
	int age = hg_age_years(ps->dob, t);
	double w[NTFC];
	for (size_t k = 0; k < NTFC; k++)
		w[k] = tfc_w[k];
	if (age < 18) {
		w[4] = 0;    /* no gynaecology */
		w[9] = 0.30; /* paediatrics */
	}
	int spec = pick(r, w, NTFC);
	int prov = hg_rng_unif(r) < 0.8 ? 0 : hg_rng_unif(r) < 0.6 ? 1 : 2;
	double weeks = wait_scale(ps) * exp(hg_rng_normal(r, 0, 0.85));
	hg_date stop = t + (hg_date)(weeks * 7);
	double u = hg_rng_unif(r);
	int reason = u < 0.72 ? 30 : u < 0.84 ? 31 : u < 0.89 ? 34 : u < 0.93 ? 35 : 32;
	/* first outpatient appointment 2-10 weeks after the referral, before the stop */
	hg_date first = t + 14 + (hg_date)hg_rng_below(r, 57);
	int first_dna = 0;
	if (first < stop && first <= x->end) {
		const char *out = outcome(x, age, 0.065);
		first_dna = out[0] == 'd';
		appt_row(x, first, 0, spec, prov, out, "first");
		if (first_dna && hg_rng_bernoulli(r, 0.35)) { /* discharged after not attending */
			stop = first + 7 + (hg_date)hg_rng_below(r, 21);
			reason = 33;
		}
		int nfu = hg_rng_poisson(r, 1.4);
		for (int k = 0; k < nfu; k++) {
			hg_date d = first + 28 * (k + 1) + (hg_date)hg_rng_below(r, 28);
			if (d > x->end)
				break;
			appt_row(x, d, 0, spec, prov, outcome(x, hg_age_years(ps->dob, d), 0.075),
			         "follow-up");
		}
	}
	if (ps->dod != HG_DATE_NONE && stop > ps->dod) {
		stop = ps->dod;
		reason = 36;
	}
	const char *pri[] = {"P1", "P2", "P3", "P4", ""};
	static const double pri_w[] = {0.02, 0.10, 0.35, 0.45, 0.08};
	int pk = pick(r, pri_w, 5);
	hg_buf *b = &x->o->pathways;
	hg_sy_put_id(x->m, ps->index, b);
	hg_buf_printf(b, ",W%llu-%d,%s,%s,", (unsigned long long)ps->index, x->npath++,
	              providers[prov], tfc[spec]);
	hg_sy_put_date(x->m, t, b);
	put_sep(b);
	if (stop <= x->m->p->end) /* else still waiting at the extract */
		hg_sy_put_date(x->m, stop, b);
	hg_buf_printf(b, ",%s,", pri[pk]);
	if (stop <= x->m->p->end)
		hg_buf_printf(b, "%d", reason);
	hg_buf_putc(b, '\n');
	x->o->wlines++;
}

/* GP appointments in the last two years of the window (about 1.5 a year, more with age). */
static void gp_appointments(unit_ctx *x, hg_date from)
{
	const hg_sy_person *ps = x->ps;
	hg_date lo = x->m->p->end - 730 + 1;
	if (from > lo)
		lo = from;
	for (hg_date t = lo; t <= x->end;) {
		int age = hg_age_years(ps->dob, t);
		double rate = (age < 5    ? 2.0
		               : age < 18 ? 0.8
		               : age < 65 ? 1.4
		                          : 2.6) *
		              (1 + 0.3 * ps->frailty);
		t += 1 + (hg_date)(hg_rng_exp(x->r, rate) * HG_YEAR);
		if (t > x->end)
			break;
		appt_row(x, t, 1, -1, -1, outcome(x, hg_age_years(ps->dob, t), 0.04), "");
	}
}

void hg_sy_units(const hg_sy_model *m, hg_rng *r, const hg_sy_person *ps, hg_sy_out *o)
{
	const hg_synth_params *p = m->p;
	unit_ctx x = {m, ps, r, o, p->end, 0};
	if (ps->reg_to != HG_DATE_NONE && ps->reg_to < x.end)
		x.end = ps->reg_to;
	if (ps->dod != HG_DATE_NONE && ps->dod < x.end)
		x.end = ps->dod;
	/* referrals from the later of the window's start, registration and birth, until the
	   person leaves, dies or the window ends (the list fills up over the first years) */
	hg_date t = ps->reg_from > p->start ? ps->reg_from : p->start;
	if (t < ps->dob)
		t = ps->dob;
	hg_date from = t;
	while (t <= x.end) {
		double rate = referral_rate(hg_age_years(ps->dob, t), ps->sex);
		t += 1 + (hg_date)(hg_rng_exp(r, rate) * HG_YEAR);
		if (t > x.end)
			break;
		pathway(&x, t);
	}
	gp_appointments(&x, from);
}
