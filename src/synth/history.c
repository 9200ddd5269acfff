/*
 * history.c: the synthetic registration and address histories
 * (registrations.csv, addresses.csv; docs/synthetic-data.md "Histories"). Each
 * person's last period is persons.csv's own practice and registration dates,
 * and their LSOA, so a population ingested without the history files gives
 * what it gave before; the earlier periods come from a separate random stream
 * (tag 3), so persons.csv and events.csv are the same with or without them.
 * Rates: the time since the last change of address is exponential with 10% of
 * people moving a year (ONS internal migration, about one in ten a year), the
 * previous practice registration of a person who registered after birth lasts
 * an exponential time with mean 8 years (practice changes follow moves), and
 * one in ten such changes leaves a gap of up to 90 days unregistered.
 */
#include "synth_int.h"

static void put_row(const hg_sy_model *m, hg_buf *b, uint64_t index, const char *code, hg_date from,
                    hg_date to)
{
	hg_sy_put_id(m, index, b);
	hg_buf_printf(b, ",%s,", code);
	hg_sy_put_date(m, from, b);
	hg_buf_putc(b, ',');
	hg_sy_put_date(m, to, b);
	hg_buf_putc(b, '\n');
}

/* A neighbouring other one of n (practices or LSOAs are numbered by place). */
static uint32_t neighbour(hg_rng *r, uint32_t k, size_t n)
{
	if (n < 2)
		return k;
	uint32_t step = 1 + (uint32_t)hg_rng_below(r, n - 1 < 5 ? n - 1 : 5);
	return hg_rng_bernoulli(r, 0.5) && k >= step ? k - step : (uint32_t)((k + step) % n);
}

void hg_sy_history(const hg_sy_model *m, const hg_sy_person *ps, hg_rng *r, hg_sy_out *o)
{
	const hg_sy_geo *g = m->geo;
	hg_date end = ps->dod < m->p->end ? ps->dod : m->p->end;
	/* registrations: an earlier practice before persons.csv's registration */
	if (ps->reg_from != HG_DATE_NONE && ps->reg_from > ps->dob + 365 &&
	    hg_rng_bernoulli(r, 0.6)) {
		hg_date to = ps->reg_from - 1;
		if (hg_rng_bernoulli(r, 0.1))
			to -= 1 + (hg_date)hg_rng_below(r, 90);
		hg_date from = to - (hg_date)(hg_rng_exp(r, 1.0 / 8) * 365.25);
		if (from < ps->dob)
			from = ps->dob;
		if (from <= to) {
			uint32_t pr = neighbour(r, ps->practice, g->nprac);
			put_row(m, &o->regs, ps->index, g->prac[pr].code, from, to);
			o->rlines++;
		}
	}
	if (ps->reg_from != HG_DATE_NONE) {
		put_row(m, &o->regs, ps->index, g->prac[ps->practice].code, ps->reg_from,
		        ps->reg_to);
		o->rlines++;
	}
	/* addresses: the last move, 10% a year, before the end of the window */
	hg_date moved = end - (hg_date)(hg_rng_exp(r, 0.10) * 365.25);
	hg_date lived = ps->dob;
	if (moved > ps->dob + 1) {
		uint32_t prev = neighbour(r, ps->lsoa, g->nlsoa);
		put_row(m, &o->addrs, ps->index, g->lsoa[prev].code, ps->dob, moved - 1);
		o->alines++;
		lived = moved;
	}
	put_row(m, &o->addrs, ps->index, g->lsoa[ps->lsoa].code, lived, HG_DATE_NONE);
	o->alines++;
}
