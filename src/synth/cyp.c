/*
 * cyp.c: the events the children and young people's Core20PLUS5 pack needs
 * beyond the other packs' (packs/core20plus5-cyp; docs/synthetic-data.md
 * "Children and young people"): real-time CGM and insulin pump use for
 * children with type 1 diabetes, less often in deprived areas and ethnic
 * minority groups (NPDA 2022/23 reports gaps of this size), and epilepsy
 * specialist nurse input within a year of an epilepsy diagnosis made before
 * 18, less often for children with a learning disability or in deprived areas.
 *
 * Then the children's PLUS groups that a GP record holds as codes: an autism
 * diagnosis (more often in boys, with epilepsy or a learning disability, and
 * slightly more often in deprived areas) and "looked after child" codes at the
 * start of each year in care (ten times as often in the most deprived decile as
 * in the least). Young carers are persons.csv's flag_carer (person.c).
 *
 * The events come from the person's own random streams (tag 5, then tag 7 for
 * the PLUS groups), used by nothing else, and are added after every other
 * event, so the other rows of events.csv are as they were (only these rows are
 * new). The figures and their sources: docs/synthetic-data.md "Children and
 * young people".
 */
#include "synth_int.h"

#include <math.h>

/* The first date of a list's events in o->ev, HG_DATE_NONE if none. */
static hg_date first_of(const hg_sy_out *o, int list)
{
	hg_date d = HG_DATE_NONE;
	for (size_t k = 0; k < o->nev; k++)
		if (o->ev[k].list == list && o->ev[k].date < d)
			d = o->ev[k].date;
	return d;
}

/* A probability moved by deprivation (decile 1 most deprived) and ethnic group on the
 * logit scale: p in decile 10 for White children, lower towards decile 1 and for others. */
static double gap_prob(const hg_sy_person *ps, double p10, double per_decile, double minority)
{
	double z = log(p10 / (1 - p10)) - per_decile * (10 - ps->decile) -
	           (ps->eth >= 1 && ps->eth <= 4 ? minority : 0);
	return 1 / (1 + exp(-z));
}

/* A date uniformly in [a, b] (a <= b). */
static hg_date within(hg_rng *r, hg_date a, hg_date b)
{
	return a + (hg_date)hg_rng_below(r, (uint64_t)(b - a) + 1);
}

/* Recorded autism by age 18 (Roman-Urrestarazu et al., JAMA Pediatrics 2021: 1.76% of
 * England's pupils, about 3 boys to 1 girl, more often with social disadvantage and in
 * Black pupils), far more often with epilepsy or a learning disability, and rarely in
 * those born before 2000 (adults diagnosed as children were few). Diagnosed at 2.5 to
 * 14.5 years (median about 5.5), coded then or, if earlier, on registering (as other
 * diagnoses: clinical.c's diag). */
static void autism(const hg_sy_model *m, hg_rng *r, const hg_sy_person *ps, const hg_sy_windows *w,
                   hg_sy_out *o)
{
	double u = hg_rng_unif(r), a = hg_rng_unif(r);
	double cohort = ps->dob >= hg_date_from_ymd(2000, 1, 1)   ? 1
	                : ps->dob >= hg_date_from_ymd(1985, 1, 1) ? 0.4
	                                                          : 0.1;
	double p = (ps->sex == 1 ? 0.028 : 0.009) * hg_sy_dep(ps, 1.25, 0.85) *
	           (ps->eth == 3 ? 1.25 : 1) * cohort;
	if (first_of(o, HG_SC_EPILEPSY) != HG_DATE_NONE || ps->ld != HG_DATE_NONE)
		p *= 6;
	if (u >= (p < 0.6 ? p : 0.6))
		return;
	hg_date onset = ps->dob + (hg_date)((2.5 + 12 * a * a) * HG_YEAR);
	hg_date d = onset > ps->reg_from ? onset : ps->reg_from;
	if (d <= w->gp_hi)
		hg_sy_add(o, d, HG_ST_GP, HG_SC_CYP_AUTISM, hg_sy_pick_code(m, r, HG_SC_CYP_AUTISM),
		          HG_SY_NOVAL);
}

/* One spell in care per child: entry at a constant hazard over ages 0-17 of 0.0014 a
 * year times 2.6 (IMD decile 1) down to 0.26 (decile 10) (Bywaters et al. 2016: children
 * in the most deprived decile of neighbourhoods over ten times as likely to be in care as
 * in the least), more for Mixed and Black, less for Asian children (DfE looked-after
 * children by ethnicity); the spell lasts an exponential 3.5 years on average, ending at
 * 18 at the latest. The GP codes "looked after child" at entry and at each yearly health
 * assessment in care, dated from the window start (so care before it is not seen) to the
 * end of the GP window. About 70 per 10,000 children are in care at a time (DfE: 71 per
 * 10,000 under-18s on 31 March 2023). */
static void looked_after(const hg_sy_model *m, hg_rng *r, const hg_sy_person *ps,
                         const hg_sy_windows *w, hg_sy_out *o)
{
	static const double eth[] = {1, 1.6, 0.5, 1.2, 1}; /* White .. Other */
	double h =
	    0.0014 * hg_sy_dep(ps, 2.6, 0.26) * eth[ps->eth >= 0 && ps->eth < 5 ? ps->eth : 0];
	double age = hg_rng_exp(r, h), stay = hg_rng_exp(r, 1 / 3.5);
	if (age >= 18)
		return;
	hg_date adult = hg_date_add_months(ps->dob, 12 * 18);
	hg_date from = ps->dob + (hg_date)(age * HG_YEAR);
	hg_date to = from + (hg_date)(stay * HG_YEAR);
	to = to < adult ? to : adult - 1;
	hg_date lo = m->p->start > ps->dob ? m->p->start : ps->dob;
	for (int k = 0; k < 18; k++) {
		hg_date d = hg_date_add_months(from, 12 * k);
		if (d > to || d > w->gp_hi)
			break;
		if (d >= lo)
			hg_sy_add(o, d, HG_ST_GP, HG_SC_CYP_LAC, 0, HG_SY_NOVAL);
	}
}

void hg_sy_cyp(const hg_sy_model *m, const hg_sy_person *ps, const hg_sy_windows *w, hg_sy_out *o)
{
	hg_rng r;
	hg_rng_seed(&r, m->p->seed, ps->index, HG_SY_STREAM_CYP);
	/* type 1 diabetes before 19: rtCGM (started within a year of diagnosis or of 2019,
	   when NHS England funded it, whichever is later) and a pump, in the GP window */
	hg_date adult = hg_date_add_months(ps->dob, 12 * 19);
	if (ps->dm_type == 1 && ps->dm != HG_DATE_NONE && ps->dm < adult && w->gp_lo <= w->gp_hi) {
		hg_date from =
		    ps->dm > hg_date_from_ymd(2019, 4, 1) ? ps->dm : hg_date_from_ymd(2019, 4, 1);
		from = from > w->gp_lo ? from : w->gp_lo;
		hg_date to = from + 365 < w->gp_hi ? from + 365 : w->gp_hi;
		if (from <= to && hg_rng_bernoulli(&r, gap_prob(ps, 0.75, 0.09, 0.45)))
			hg_sy_add(o, within(&r, from, to), HG_ST_GP, HG_SC_CYP_RTCGM, 0,
			          HG_SY_NOVAL);
		if (from <= to && hg_rng_bernoulli(&r, gap_prob(ps, 0.45, 0.08, 0.40)))
			hg_sy_add(o, within(&r, from, to), HG_ST_GP, HG_SC_CYP_PUMP, 0,
			          HG_SY_NOVAL);
	}
	/* epilepsy diagnosed before 18: a specialist nurse within the first year */
	hg_date ep = first_of(o, HG_SC_EPILEPSY);
	if (ep != HG_DATE_NONE && ep < hg_date_add_months(ps->dob, 12 * 18) && ep >= w->h_lo) {
		double p = gap_prob(ps, 0.80, 0.06, 0.20) * (ps->ld_flag ? 0.75 : 1);
		hg_date to = ep + 365 < w->h_hi ? ep + 365 : w->h_hi;
		if (ep <= to && hg_rng_bernoulli(&r, p))
			hg_sy_add(o, within(&r, ep, to), HG_ST_OP, HG_SC_CYP_ESN, 0, HG_SY_NOVAL);
	}
	/* the PLUS groups, from their own stream: the rows above are as without them */
	hg_rng pr;
	hg_rng_seed(&pr, m->p->seed, ps->index, HG_SY_STREAM_PLUS);
	autism(m, &pr, ps, w, o);
	looked_after(m, &pr, ps, w, o);
}
