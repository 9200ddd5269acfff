/*
 * cyp.c: the events the children and young people's Core20PLUS5 pack needs
 * beyond the other packs' (packs/core20plus5-cyp; docs/synthetic-data.md
 * "Children and young people"): real-time CGM and insulin pump use for
 * children with type 1 diabetes, less often in deprived areas and ethnic
 * minority groups (NPDA 2022/23 reports gaps of this size), and epilepsy
 * specialist nurse input within a year of an epilepsy diagnosis made before
 * 18, less often for children with a learning disability or in deprived areas.
 *
 * The events come from the person's own random stream (tag 5), used by nothing
 * else, and are added after every other event, so the other rows of events.csv
 * are as they were (only these rows are new).
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
}
