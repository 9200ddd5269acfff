/*
 * ineq_fixture.h: synthetic published tables for the inequality and
 * monitoring tests. A proportion indicator (percent) with breakdowns All,
 * imd_decile, imd_quintile, ethnicity and practice, whose counts are drawn
 * from known rates: uptake rising linearly from decile 1 (most deprived) to
 * decile 10, so the true SII and Q1-Q5 gap are known exactly. Rows carry
 * Wilson limits (stats library), as results.c computes them.
 */
#ifndef HG_INEQ_FIXTURE_H
#define HG_INEQ_FIXTURE_H

#include "analysis/analysis.h"
#include "stats/stats.h"
#include "store/store.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define FX_PERIODS   20
#define FX_PRACTICES 12

typedef struct fx {
	hg_indicator ind;
	hg_breakdown bds[5];
	hg_period periods[FX_PERIODS];
	const hg_indicator *inds[1];
	hg_restable t;
	uint64_t rng;
} fx;

/* splitmix64 and a normal approximation to the binomial (n large). */
static inline double fx_unif(fx *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static inline double fx_binom(fx *f, double n, double p)
{
	double z = sqrt(-2 * log(fx_unif(f))) * cos(6.283185307179586 * fx_unif(f));
	double x = floor(n * p + z * sqrt(n * p * (1 - p)) + 0.5);
	return x < 0 ? 0 : x > n ? n : x;
}

static inline void fx_push(fx *f, int j, int b, int cat, const char *label, double num, double den)
{
	if (f->t.n == f->t.cap) {
		f->t.cap = f->t.cap ? 2 * f->t.cap : 64;
		f->t.rows = hg_xrealloc(f->t.rows, f->t.cap * sizeof *f->t.rows);
	}
	hg_row *r = &f->t.rows[f->t.n++];
	memset(r, 0, sizeof *r);
	r->ind = 0, r->period = j, r->bd = b, r->cat = cat;
	snprintf(r->category, sizeof r->category, "%s", label);
	r->num = r->raw_num = num;
	r->den = r->raw_den = den;
	r->value = num / den * 100;
	hg_wilson(num, den, 0.95, &r->lo95, &r->hi95);
	hg_wilson(num, den, 0.998, &r->lo998, &r->hi998);
	r->lo95 *= 100, r->hi95 *= 100, r->lo998 *= 100, r->hi998 *= 100;
}

static inline void fx_suppress(hg_row *r)
{
	r->suppressed = 1;
	r->num = r->den = r->value = NAN;
	r->lo95 = r->hi95 = r->lo998 = r->hi998 = NAN;
}

/* True uptake (fraction) in IMD decile d (1 = most deprived) in period j. */
static inline double fx_p(int d, int j, double step)
{
	return 0.60 + 0.20 * (d - 1) / 9.0 + (j >= FX_PERIODS / 2 ? step : 0);
}

/* The true SII (percentage points) for equal decile populations. */
static inline double fx_true_sii(void)
{
	return 100 * 0.20 * 10 / 9.0;
}

/* The RII that phe_sii's logit fit gives on the true rates (equal populations). */
static inline double fx_true_rii(void)
{
	double x[10], y[10], mx = 0, my = 0, sxy = 0, sxx = 0;
	for (int d = 0; d < 10; d++) {
		double p = fx_p(d + 1, 0, 0);
		x[d] = (d + 0.5) / 10, y[d] = log(p / (1 - p));
		mx += x[d] / 10, my += y[d] / 10;
	}
	for (int d = 0; d < 10; d++)
		sxy += (x[d] - mx) * (y[d] - my), sxx += (x[d] - mx) * (x[d] - mx);
	double b = sxy / sxx, a = my - b * mx;
	return (1 + exp(-a)) / (1 + exp(-(a + b)));
}

static inline hg_row *fx_find(fx *f, int j, int b, int cat)
{
	for (size_t k = 0; k < f->t.n; k++)
		if (f->t.rows[k].period == j && f->t.rows[k].bd == b && f->t.rows[k].cat == cat)
			return &f->t.rows[k];
	return NULL;
}

static inline void fx_breakdowns(fx *f)
{
	const int kinds[5] = {HG_BD_ALL, HG_BD_IMDD, HG_BD_IMDQ, HG_BD_ETH, HG_BD_PRACTICE};
	const char *names[5] = {"all", "imd_decile", "imd_quintile", "ethnicity", "practice"};
	for (int b = 0; b < 5; b++) {
		f->bds[b].n = b ? 1 : 0;
		f->bds[b].kind[0] = kinds[b];
		snprintf(f->bds[b].name, sizeof f->bds[b].name, "%s", names[b]);
	}
}

/* Ethnic groups: White best (p + 0.05), Black worst (p - 0.10); Not stated 4%. */
static inline void fx_ethnicity(fx *f, int j, const double *dn, const double *pd)
{
	static const double share[HG_ETH_N] = {0.70, 0.04, 0.12, 0.06, 0.04, 0.04};
	static const double shift[HG_ETH_N] = {0.05, 0, 0, -0.10, 0, 0};
	for (int e = 0; e < HG_ETH_N; e++) {
		double den = 0, num = 0;
		for (int d = 0; d < 10; d++) {
			double n = floor(dn[d] * share[e]);
			den += n;
			num += fx_binom(f, n, pd[d] + shift[e]);
		}
		fx_push(f, j, 3, e, hg_ethgroup_names[e], num, den);
	}
}

/* Practices: 1,000-3,000 people at the overall rate; P003 far below, P007 far above. */
static inline void fx_practices(fx *f, int j, double p)
{
	for (int k = 0; k < FX_PRACTICES; k++) {
		char code[16];
		snprintf(code, sizeof code, "P%03d", k);
		double den = 1000 + 2000.0 * k / FX_PRACTICES;
		double pk = k == 3 ? p - 0.15 : k == 7 ? p + 0.12 : p;
		fx_push(f, j, 4, k, code, fx_binom(f, den, pk), den);
	}
}

static inline void fx_period(fx *f, int j, double per_decile, double step)
{
	double dn[10], pd[10], xn[10], all_n = 0, all_x = 0;
	for (int d = 0; d < 10; d++) {
		dn[d] = per_decile;
		pd[d] = fx_p(d + 1, j, step);
		xn[d] = fx_binom(f, dn[d], pd[d]);
		all_n += dn[d], all_x += xn[d];
	}
	double unknown = floor(all_n * 0.02);
	fx_push(f, j, 0, 0, "All", all_x + floor(unknown * 0.7), all_n + unknown);
	for (int d = 0; d < 10; d++) {
		char lab[8];
		snprintf(lab, sizeof lab, "%d", d + 1);
		fx_push(f, j, 1, d, lab, xn[d], dn[d]);
	}
	fx_push(f, j, 1, 10, "Unknown", floor(unknown * 0.7), unknown);
	for (int q = 0; q < 5; q++) {
		char lab[8];
		snprintf(lab, sizeof lab, "%d", q + 1);
		fx_push(f, j, 2, q, lab, xn[2 * q] + xn[2 * q + 1], dn[2 * q] + dn[2 * q + 1]);
	}
	fx_push(f, j, 2, 5, "Unknown", floor(unknown * 0.7), unknown);
	fx_ethnicity(f, j, dn, pd);
	fx_practices(f, j, all_x / all_n);
}

/* nper periods (1..FX_PERIODS); step: change of every rate from the middle period on. */
static inline void fx_init(fx *f, int nper, double per_decile, double step, uint64_t seed)
{
	memset(f, 0, sizeof *f);
	f->rng = seed;
	fx_breakdowns(f);
	for (int j = 0; j < nper; j++) {
		f->periods[j].start = hg_date_from_ymd(2021 + j / 4, 1 + 3 * (j % 4), 1);
		f->periods[j].end = hg_date_add_months(f->periods[j].start, 3) - 1;
	}
	f->ind = (hg_indicator){.id = "FX_UPTAKE",
	                        .name = "Synthetic uptake",
	                        .type = HG_IND_PROPORTION,
	                        .per = 100,
	                        .bds = f->bds,
	                        .nbds = 5,
	                        .periods = f->periods,
	                        .nperiods = nper};
	f->inds[0] = &f->ind;
	for (int j = 0; j < nper; j++)
		fx_period(f, j, per_decile, step);
}

static inline void fx_free(fx *f)
{
	hg_restable_free(&f->t);
}

/* The analysis row of a measure, or NULL. */
static inline const hg_ineq_row *fx_measure(const hg_analysis *a, int j, const char *bd,
                                            const char *measure, const char *cat)
{
	for (size_t k = 0; k < a->nineq; k++) {
		const hg_ineq_row *r = &a->ineq[k];
		if (r->period == j && !strcmp(r->breakdown, bd) && !strcmp(r->measure, measure) &&
		    (!cat || !strcmp(r->category, cat)))
			return r;
	}
	return NULL;
}

static inline void fx_objectives(hg_objectives *o, const char *text)
{
	hg_err err = {0};
	int rc = hg_objectives_parse(o, "objectives.csv", text, strlen(text), &err);
	if (rc)
		fprintf(stderr, "%s\n", err.msg);
}

#endif
