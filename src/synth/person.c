/*
 * person.c: demographics. Where a person lives (LSOA, practice), their age,
 * sex and ethnicity, how they enter the list (registered at the window start,
 * born or moving in during it), when they leave and when they die
 * (Gompertz-Makeham hazards scaled per sex and IMD decile so that period life
 * expectancy matches the ONS 2017-19 figures), and the persons.csv row.
 */
#include "synth_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ONS 2017-19 LE at birth, most and least deprived deciles (calibration.md). */
static const double le_d1[2] = {74.1, 78.7}, le_d10[2] = {83.5, 86.4};
/* Added to the decile-1 targets: the excess mortality of SMI, learning disability
 * and homelessness (concentrated in deprived deciles) otherwise widens the gap. */
static const double le_comp[2] = {0.6, 0.2};

static double base_hazard(int sex, int a)
{
	double g = (sex == 0 ? 3.2e-5 : 1.7e-5) * exp(0.092 * a);
	if (a == 0)
		return 0.0040 + g;
	if (a < 15)
		return 0.00012 + g;
	if (a < 40)
		return (sex == 0 ? 0.00045 : 0.00022) + g;
	return g;
}

static double life_exp(const double *h)
{
	double s = 1, le = 0;
	for (int a = 0; a < 111; a++) {
		double q = exp(-h[a]);
		le += h[a] > 1e-12 ? s * (1 - q) / h[a] : s;
		s *= q;
	}
	return le;
}

static void mort_scale(double *h, int sex, double mult)
{
	for (int a = 0; a < 111; a++) {
		h[a] = base_hazard(sex, a) * mult;
		if (h[a] > 3.0)
			h[a] = 3.0;
	}
}

void hg_sy_mort_init(hg_sy_mort *m)
{
	for (int s = 0; s < 2; s++)
		for (int d = 0; d < 10; d++) {
			/* concave in decile, as the published series is */
			double x = 1 - pow(1 - d / 9.0, 1.4);
			double d1 = le_d1[s] + le_comp[s];
			double target = d1 + (le_d10[s] - d1) * x;
			double lo = 0.05, hi = 20;
			for (int it = 0; it < 60; it++) {
				double mid = sqrt(lo * hi);
				mort_scale(m->h[s][d], s, mid);
				if (life_exp(m->h[s][d]) > target)
					lo = mid;
				else
					hi = mid;
			}
			mort_scale(m->h[s][d], s, sqrt(lo * hi));
			m->le[s][d] = life_exp(m->h[s][d]);
		}
}

static uint32_t pick_lsoa(const hg_sy_geo *g, double u)
{
	size_t lo = 0, hi = g->nlsoa - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (g->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (uint32_t)lo;
}

/* A (sex, age) cell from a cumulative table; returns the age, sets *sex. */
static int pick_agesex(const float *cum, double u, int *sex)
{
	int lo = 0, hi = HG_SY_CELLS - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	*sex = lo >= HG_SY_AGES ? 2 : 1;
	return lo % HG_SY_AGES;
}

static double exact_age(hg_rng *r, int a)
{
	if (a >= 90) {
		while (a < 105 && hg_rng_bernoulli(r, 0.72))
			a++;
	}
	return a + hg_rng_unif(r);
}

/* Movers are mostly young adults. */
static int pick_mover_age(const float *cum, hg_rng *r, int *sex)
{
	for (;;) {
		int a = pick_agesex(cum, hg_rng_unif(r), sex);
		double w = a >= 18 && a < 40 ? 1.0 : a < 18 ? 0.5 : a < 65 ? 0.35 : 0.12;
		if (hg_rng_unif(r) < w)
			return a;
	}
}

static void entry(const hg_sy_model *m, hg_rng *r, hg_sy_person *ps, const float *cum)
{
	const hg_synth_params *p = m->p;
	double win = (double)(p->end - p->start + 1), u = hg_rng_unif(r);
	int sex, a;
	if (u < m->share_birth) {
		ps->dob = p->start + (hg_date)(hg_rng_unif(r) * win);
		ps->sex = hg_rng_bernoulli(r, 0.512) ? 1 : 2;
		ps->reg_from = ps->dob + hg_rng_range(r, 7, 56);
	} else if (u < m->share_birth + m->share_mover) {
		a = pick_mover_age(cum, r, &sex);
		ps->sex = sex;
		ps->reg_from = p->start + (hg_date)(hg_rng_unif(r) * win);
		ps->dob = ps->reg_from - (hg_date)(exact_age(r, a) * HG_YEAR);
	} else {
		a = pick_agesex(cum, hg_rng_unif(r), &sex);
		ps->sex = sex;
		double age = exact_age(r, a);
		ps->dob = p->start - (hg_date)(age * HG_YEAR);
		double back = fmin(age, 25.0) * pow(hg_rng_unif(r), 1.5);
		ps->reg_from = p->start - (hg_date)(back * HG_YEAR);
		if (ps->reg_from < ps->dob + 7)
			ps->reg_from = ps->dob + 7;
	}
	if (ps->reg_from > p->end)
		ps->reg_from = p->end;
}

/* Minorities are concentrated in deprived areas (1.6x in decile 1, 0.4x in decile 10)
 * and are younger. */
static void hg_ethnicity(hg_rng *r, hg_sy_person *ps, int age)
{
	static const char *const letters[5] = {"ABC", "DEFG", "HJKL", "MNP", "RS"};
	static const double within[5][4] = {{0.905, 0.012, 0.083, 0},
	                                    {0.26, 0.14, 0.25, 0.35},
	                                    {0.33, 0.29, 0.12, 0.26},
	                                    {0.25, 0.63, 0.12, 0},
	                                    {0.21, 0.79, 0, 0}};
	static const double minority[4] = {0.030, 0.096, 0.042, 0.022}; /* sums to 0.19 */
	double dm = 1.6 - 0.1333 * (ps->decile - 1);
	double am = age < 18 ? 1.3 : age < 40 ? 1.25 : age < 65 ? 0.85 : 0.45;
	double pmin = fmin(0.19 * dm * am, 0.85), u = hg_rng_unif(r);
	int g = 0;
	if (u < pmin) {
		double v = u / pmin * 0.19;
		for (g = 1; g < 4 && v >= minority[g - 1]; g++)
			v -= minority[g - 1];
	}
	ps->eth = g;
	double v = hg_rng_unif(r);
	int k = 0;
	while (k < 3 && within[g][k + 1] > 0 && v >= within[g][k])
		v -= within[g][k++];
	ps->eth_code[0] = letters[g][k];
	ps->eth_code[1] = 0;
	ps->south_asian = g == 2 && k < 3;
	/* not stated: Z 6%, blank 2.8%, 99 0.2% (GP records: ~9% unknown) */
	double ns = hg_rng_unif(r);
	if (ns < 0.060)
		strcpy(ps->eth_code, "Z");
	else if (ns < 0.088)
		ps->eth_code[0] = 0;
	else if (ns < 0.090)
		strcpy(ps->eth_code, "99");
}

static void flags(hg_rng *r, hg_sy_person *ps, int age)
{
	double dm = 2.5 - 0.244 * (ps->decile - 1); /* 2.5 in decile 1 to 0.3 in decile 10 */
	ps->homeless = hg_rng_bernoulli(r, age >= 18 && age < 65 ? 0.004 * dm : 0.0003);
	double pc = age < 18 ? 0.01 : age >= 40 && age < 70 ? 0.10 : 0.06;
	ps->carer = hg_rng_bernoulli(r, pc * (1.15 - 0.03 * (ps->decile - 1)));
}

static double leave_rate(int age)
{
	return age < 18 ? 0.03 : age < 35 ? 0.07 : age < 65 ? 0.025 : age < 80 ? 0.015 : 0.01;
}

/* Leaving the list and dying, as competing hazards stepped by year of age. */
static void leave_or_die(const hg_sy_model *m, hg_rng *r, hg_sy_person *ps)
{
	const hg_synth_params *p = m->p;
	const double *h = m->mort.h[ps->sex - 1][ps->decile - 1];
	double mult = (ps->ld != HG_DATE_NONE ? 2.5 : 1) * (ps->smi != HG_DATE_NONE ? 1.8 : 1) *
	              (ps->homeless ? 2.0 : 1);
	double ed = hg_rng_exp(r, 1), el = hg_rng_exp(r, 1);
	hg_date t = ps->reg_from > p->start ? ps->reg_from : p->start;
	ps->reg_to = ps->dod = HG_DATE_NONE;
	while (t <= p->end) {
		int age = hg_age_years(ps->dob, t);
		hg_date next = hg_date_add_months(ps->dob, 12 * (age + 1));
		if (next <= t)
			next = t + 1;
		if (next > p->end + 1)
			next = p->end + 1;
		double dt = (next - t) / HG_YEAR;
		double hd = h[age > 110 ? 110 : age] * mult, hl = leave_rate(age);
		if (ed < hd * dt || el < hl * dt) {
			double td = ed / hd, tl = el / hl;
			if (td <= tl) {
				ps->dod = t + (hg_date)(td * HG_YEAR);
				ps->reg_to = ps->dod;
			} else {
				ps->reg_to = t + (hg_date)(tl * HG_YEAR);
			}
			return;
		}
		ed -= hd * dt;
		el -= hl * dt;
		t = next;
	}
}

void hg_sy_person_make(const hg_sy_model *m, uint64_t index, hg_rng *r, hg_sy_person *ps)
{
	const hg_sy_geo *g = m->geo;
	memset(ps, 0, sizeof *ps);
	ps->index = index;
	ps->lsoa = pick_lsoa(g, hg_rng_unif(r));
	const hg_sy_lsoa *l = &g->lsoa[ps->lsoa];
	ps->decile = l->decile;
	entry(m, r, ps, l->agesex);
	int age = hg_age_years(ps->dob, ps->reg_from);
	uint32_t pr = l->practice;
	double u = hg_rng_unif(r);
	if (u < 0.075 && pr > 0)
		pr--;
	else if (u < 0.15 && pr + 1 < g->nprac)
		pr++;
	ps->practice = pr;
	hg_ethnicity(r, ps, age);
	double s = hg_rng_unif(r);
	ps->sex_code = s < 0.0005 ? '9' : s < 0.001 ? '0' : (char)('0' + ps->sex);
	ps->month_only = hg_rng_bernoulli(r, 0.02);
	flags(r, ps, age);
	hg_sy_conditions(m, r, ps);
	leave_or_die(m, r, ps);
	ps->ld_flag =
	    ps->ld != HG_DATE_NONE ? hg_rng_bernoulli(r, 0.95) : hg_rng_bernoulli(r, 0.0005);
}

void hg_sy_person_write(const hg_sy_model *m, const hg_sy_person *ps, hg_buf *b)
{
	const hg_sy_geo *g = m->geo;
	hg_sy_put_id(m, ps->index, b);
	hg_buf_putc(b, ',');
	if (ps->month_only) {
		char s[11];
		hg_date_format(ps->dob, s);
		hg_buf_put(b, s, 7);
	} else {
		hg_sy_put_date(m, ps->dob, b);
	}
	char mid[64];
	int n = snprintf(mid, sizeof mid, ",%c,%s,%s,%s,", ps->sex_code, hg_sy_eth_column(m, ps),
	                 g->lsoa[ps->lsoa].code, g->prac[ps->practice].code);
	hg_buf_put(b, mid, (size_t)n);
	hg_sy_put_date(m, ps->reg_from, b);
	hg_buf_putc(b, ',');
	hg_sy_put_date(m, ps->reg_to, b);
	hg_buf_putc(b, ',');
	hg_sy_put_date(m, ps->dod, b);
	char fl[8] = {',', (char)('0' + ps->homeless), ',',  (char)('0' + ps->ld_flag),
	              ',', (char)('0' + ps->carer),    '\n', 0};
	hg_buf_put(b, fl, 7);
}
