/*
 * sii.c: Slope Index of Inequality (SII) and Relative Index of Inequality
 * (RII) for quantile data, following PHEindicatormethods::phe_sii and its
 * SimulationFunc (PHE R package, v2.1.0).
 *
 * Method: Low A, Low A (2004). Measuring the gap: quantifying and comparing
 * local health inequalities. J Public Health 26:388-395; and the PHE/APHO
 * "Technical Guide: Calculating the Slope Index of Inequality" (2011/2013):
 * each quantile's value is regressed on the midpoint of its cumulative
 * population share, weighting by population share (the no-intercept model
 * sqrt(a)*y = alpha*sqrt(a) + beta*b*sqrt(a)); SII = multiplier * beta and
 * RII = (alpha + beta) / alpha. Confidence limits come from simulating each
 * quantile's value from a normal with its standard error (on the log or
 * logit scale for rates and proportions) and taking order statistics of
 * the simulated slopes.
 */
#include "stats/sii.h"
#include "stats/simrng.h"

#define MATHLIB_STANDALONE 1
#include <Rmath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hg_sii_opts_init(hg_sii_opts *o)
{
	memset(o, 0, sizeof *o);
	o->multiplier = 1;
	o->repetitions = 100000;
	o->conf[0] = 0.95;
	o->nconf = 1;
	o->seed = 1;
}

void hg_sii_level_name(double conf, char out[16])
{
	snprintf(out, 16, "%.1f", conf * 100);
	for (char *p = out; *p; p++)
		if (*p == '.')
			*p = '_';
}

int hg_sii_check_opts(const hg_sii_opts *o, int have_se, int have_cls, hg_err *err)
{
	if (!have_se && !have_cls)
		return hg_err_set(err, HG_EUSAGE,
		                  "function phe_sii requires either lower_cl and "
		                  "upper_cl fields, or se field");
	if (o->value_type < 0 || o->value_type > 2)
		return hg_err_set(err, HG_EUSAGE, "value_type should be 0, 1 or 2");
	if (o->repetitions < 1000)
		return hg_err_set(err, HG_EUSAGE,
		                  "number of repetitions must be 1000 or greater. Default is "
		                  "100,000");
	if (o->repetitions > HG_SII_MAX_REPS)
		return hg_err_set(err, HG_EUSAGE,
		                  "number of repetitions must be at most %d (every replicate is "
		                  "kept in memory); the default is 100,000",
		                  HG_SII_MAX_REPS);
	if (o->transform && o->value_type == 0)
		return hg_err_set(err, HG_EUSAGE,
		                  "value_type should be 1 or 2 when transform is true");
	if (o->transform && have_se)
		return hg_err_set(
		    err, HG_EUSAGE,
		    "function phe_sii requires se to be missing when transform is true");
	if (o->transform && !have_cls)
		return hg_err_set(err, HG_EUSAGE,
		                  "function phe_sii requires lower_cl and upper_cl "
		                  "fields when transform is true");
	if (o->nconf < 1 || o->nconf > HG_SII_MAX_LEVELS)
		return hg_err_set(err, HG_EUSAGE, "between 1 and %d confidence levels are allowed",
		                  HG_SII_MAX_LEVELS);
	for (size_t i = 0; i < o->nconf; i++)
		if (!(o->conf[i] >= 0.9 && o->conf[i] <= 1))
			return hg_err_set(err, HG_EUSAGE,
			                  "all confidence levels must be between "
			                  "90 and 100 or between 0.9 and 1");
	return 0;
}

static int sii_bad_prop(double v)
{
	return v < 0 || v > 1;
}

int hg_sii_check_row(const hg_sii_opts *o, double pop, double value, int use_value, double se,
                     int use_se, double lcl, double ucl, hg_err *err)
{
	if (isnan(pop) || pop <= 0)
		return hg_err_set(err, HG_ESTATS,
		                  "population: some groups have a zero, negative or missing "
		                  "population");
	if (use_se && (isnan(se) || se < 0))
		return hg_err_set(err, HG_ESTATS,
		                  "se: negative or missing standard errors in input dataset");
	if (!use_se && (isnan(lcl) || isnan(ucl)))
		return hg_err_set(err, HG_ESTATS,
		                  "lower_cl/upper_cl: missing lower or upper "
		                  "confidence limits in input dataset");
	if (o->value_type == HG_SII_PROPORTION) {
		if (use_value && sii_bad_prop(value))
			return hg_err_set(err, HG_ESTATS,
			                  "value: value proportions are not all between 0 and 1");
		if (!use_value && !(value > 0))
			return hg_err_set(err, HG_ESTATS,
			                  "x: some groups have a zero or negative count x");
		if (!use_se && (sii_bad_prop(lcl) || sii_bad_prop(ucl)))
			return hg_err_set(err, HG_ESTATS,
			                  "lower_cl/upper_cl: confidence limit "
			                  "proportions are not all between 0 and 1");
	}
	if (isnan(value))
		return hg_err_set(err, HG_ESTATS, "value: missing value");
	return 0;
}

/* Natural scale -> regression scale (log for rates, logit for proportions). */
static double sii_fwd(int vt, double v)
{
	return vt == HG_SII_RATE ? log(v) : vt == HG_SII_PROPORTION ? log(v / (1 - v)) : v;
}

static double sii_back(int vt, double t)
{
	return vt == HG_SII_RATE ? exp(t) : vt == HG_SII_PROPORTION ? exp(t) / (1 + exp(t)) : t;
}

/* Per-quantile design: weights turning y into alpha and beta. */
typedef struct hg_sii_fit {
	size_t q;
	double *t;  /* value on the regression scale */
	double *se; /* its standard error */
	double *wa, *wb;
} hg_sii_fit;

static void sii_design(const hg_sii_input *in, hg_sii_fit *f)
{
	size_t q = in->q;
	double tot = 0, cum = 0;
	for (size_t j = 0; j < q; j++)
		tot += in->population[j];
	double *a = hg_xmalloc(q * sizeof *a), *b = hg_xmalloc(q * sizeof *b);
	for (size_t j = 0; j < q; j++) {
		a[j] = in->population[j] / tot;
		b[j] = cum + a[j] / 2;
		cum += a[j];
	}
	double sa = 0, sb = 0, sbb = 0;
	for (size_t j = 0; j < q; j++) {
		sa += a[j];
		sb += a[j] * b[j];
		sbb += a[j] * b[j] * b[j];
	}
	double d = sa * sbb - sb * sb;
	for (size_t j = 0; j < q; j++) {
		f->wa[j] = a[j] * (sbb - sb * b[j]) / d;
		f->wb[j] = a[j] * (sa * b[j] - sb) / d;
	}
	free(a);
	free(b);
}

static void sii_fit_init(const hg_sii_input *in, const hg_sii_opts *o, hg_sii_fit *f)
{
	size_t q = in->q;
	f->q = q;
	f->t = hg_xmalloc(q * sizeof *f->t);
	f->se = hg_xmalloc(q * sizeof *f->se);
	f->wa = hg_xmalloc(q * sizeof *f->wa);
	f->wb = hg_xmalloc(q * sizeof *f->wb);
	double z = qnorm(0.975, 0, 1, 1, 0); /* the package always assumes 95% CLs */
	for (size_t j = 0; j < q; j++) {
		int vt = o->value_type;
		f->t[j] = sii_fwd(vt, in->value[j]);
		if (in->se)
			f->se[j] = in->se[j];
		else
			f->se[j] =
			    (sii_fwd(vt, in->upper_cl[j]) - sii_fwd(vt, in->lower_cl[j])) / z / 2;
	}
	sii_design(in, f);
}

static void sii_fit_free(hg_sii_fit *f)
{
	free(f->t);
	free(f->se);
	free(f->wa);
	free(f->wb);
}

/* alpha and beta of y (natural or transformed scale, as the caller chose). */
static void sii_coef(const hg_sii_fit *f, const double *y, double *alpha, double *beta)
{
	double al = 0, be = 0;
	for (size_t j = 0; j < f->q; j++) {
		al += f->wa[j] * y[j];
		be += f->wb[j] * y[j];
	}
	*alpha = al;
	*beta = be;
}

static void sii_point(const hg_sii_fit *f, const hg_sii_opts *o, hg_sii_result *res)
{
	double *y = hg_xmalloc(f->q * sizeof *y);
	double al, be, m = o->multiplier;
	int vt = o->value_type;
	for (size_t j = 0; j < f->q; j++)
		y[j] = o->transform ? f->t[j] : sii_back(vt, f->t[j]);
	sii_coef(f, y, &al, &be);
	if (!o->transform) {
		res->sii = m * be;
		res->rii = (al + be) / al;
		if (m < 0)
			res->rii = 1 / res->rii;
		res->intercept = al;
	} else {
		double g0 = sii_back(vt, al), g1 = sii_back(vt, al + be);
		res->sii = (g1 - g0) * m;
		res->rii = m < 0 ? 1 / (g1 / g0) : g1 / g0;
		res->intercept = g0 * fabs(m);
	}
	free(y);
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Simulated slopes (and RIIs) for nrep replicates. */
static void sii_simulate(const hg_sii_fit *f, const hg_sii_opts *o, size_t nrep, double *slope,
                         double *rii)
{
	hg_simrng r;
	hg_simrng_seed(&r, o->seed);
	double *y = hg_xmalloc(f->q * sizeof *y);
	int back = !o->transform;
	double m = o->multiplier;
	for (size_t k = 0; k < nrep; k++) {
		for (size_t j = 0; j < f->q; j++) {
			double v = f->t[j] + f->se[j] * hg_simrng_norm(&r);
			y[j] = back ? sii_back(o->value_type, v) : v;
		}
		double al, be;
		sii_coef(f, y, &al, &be);
		slope[k] = o->transform ? be : m * be;
		double ri = (al + be) / al;
		rii[k] = (!o->transform && m < 0) ? 1 / ri : ri;
	}
	free(y);
}

/* 1-based order-statistic positions as R computes them (round half even). */
static void sii_positions(long reps, double conf, size_t *lo, size_t *hi)
{
	double cv = conf + ((1 - conf) / 2);
	double pl = nearbyint((double)reps * (1 - cv)), pu = nearbyint((double)reps * cv);
	*lo = pl < 1 ? 1 : (size_t)pl;
	*hi = pu < 1 ? 1 : (size_t)pu;
	if (*hi > (size_t)reps)
		*hi = (size_t)reps;
}

/* Transformed-fit limits mapped back around h = alpha + beta/2. */
static void sii_untransform(const hg_sii_opts *o, double h, double sl, double su, double *siil,
                            double *siiu, double *riil, double *riiu)
{
	int vt = o->value_type;
	double m = o->multiplier;
	double ll = sii_back(vt, h + sl / 2), l0 = sii_back(vt, h - sl / 2);
	double ul = sii_back(vt, h + su / 2), u0 = sii_back(vt, h - su / 2);
	int swap = vt == HG_SII_RATE ? m < 1 : m < 0; /* quirk Q7, kept for parity */
	if (swap) {
		*siil = (ul - u0) * m;
		*siiu = (ll - l0) * m;
		*riil = 1 / (ul / u0);
		*riiu = 1 / (ll / l0);
	} else {
		*siil = (ll - l0) * m;
		*siiu = (ul - u0) * m;
		*riil = ll / l0;
		*riiu = ul / u0;
	}
}

/* Reorders v[0..n) so that v[k] is its (k+1)-th smallest (Wirth's selection). */
static void sii_select(double *v, size_t n, size_t k)
{
	ptrdiff_t l = 0, r = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
	while (l < r) {
		double x = v[kk];
		ptrdiff_t i = l, j = r;
		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				double t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
}

/* NaNs and zeros (whose sign a sort leaves to the input order) need the full sort. */
static int sii_needs_sort(const double *v, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (isnan(v[k]) || v[k] == 0)
			return 1;
	return 0;
}

/*
 * Puts the order statistics the levels read (0-based positions) in place, as
 * a full sort would: an order statistic of numbers that are neither NaN nor
 * zero is the same value whichever way it is found. Positions are selected
 * from the highest down, each within the prefix below the previous one, so
 * no selection moves an earlier one.
 */
static void sii_order(const hg_sii_opts *o, double *v, size_t n)
{
	if (sii_needs_sort(v, n)) {
		qsort(v, n, sizeof *v, dcmp);
		return;
	}
	size_t pos[2 * HG_SII_MAX_LEVELS], np = 0;
	for (size_t c = 0; c < o->nconf; c++) {
		size_t lo, hi;
		sii_positions(o->repetitions, o->conf[c], &lo, &hi);
		pos[np++] = lo - 1;
		pos[np++] = hi - 1;
	}
	for (size_t a = 1; a < np; a++) /* descending */
		for (size_t b = a; b > 0 && pos[b - 1] < pos[b]; b--) {
			size_t t = pos[b];
			pos[b] = pos[b - 1];
			pos[b - 1] = t;
		}
	size_t end = n;
	for (size_t a = 0; a < np; a++) {
		if (pos[a] >= end)
			continue; /* a repeated position */
		sii_select(v, end, pos[a]);
		end = pos[a];
	}
}

/* Limits at every level from one block of nrep replicates. */
static void sii_block_limits(const hg_sii_opts *o, double h, double *slope, double *rii,
                             double *out /* nconf * 4 */)
{
	size_t n = (size_t)o->repetitions;
	sii_order(o, slope, n);
	if (!o->transform)
		sii_order(o, rii, n);
	for (size_t c = 0; c < o->nconf; c++) {
		size_t lo, hi;
		sii_positions(o->repetitions, o->conf[c], &lo, &hi);
		double *v = out + 4 * c;
		if (o->transform) {
			sii_untransform(o, h, slope[lo - 1], slope[hi - 1], &v[0], &v[1], &v[2],
			                &v[3]);
		} else {
			v[0] = slope[lo - 1];
			v[1] = slope[hi - 1];
			v[2] = rii[lo - 1];
			v[3] = rii[hi - 1];
		}
	}
}

static void sii_limits(const hg_sii_fit *f, const hg_sii_opts *o, hg_sii_result *res)
{
	size_t reps = (size_t)o->repetitions, nblk = o->reliability ? 10 : 1;
	double *slope = hg_xmalloc(reps * nblk * sizeof *slope);
	double *rii = hg_xmalloc(reps * nblk * sizeof *rii);
	double *lim = hg_xmalloc(nblk * o->nconf * 4 * sizeof *lim);
	sii_simulate(f, o, reps * nblk, slope, rii);
	double al, be;
	sii_coef(f, f->t, &al, &be);
	double h = al + be / 2;
	for (size_t b = 0; b < nblk; b++)
		sii_block_limits(o, h, slope + b * reps, rii + b * reps, lim + b * o->nconf * 4);
	for (size_t c = 0; c < o->nconf; c++) {
		res->sii_lower[c] = lim[4 * c];
		res->sii_upper[c] = lim[4 * c + 1];
		res->rii_lower[c] = lim[4 * c + 2];
		res->rii_upper[c] = lim[4 * c + 3];
		double ds = 0, dr = 0;
		for (size_t b = 1; b < nblk; b++)
			for (int k = 0; k < 2; k++) {
				const double *v = lim + b * o->nconf * 4 + 4 * c;
				ds += fabs(v[k] - lim[4 * c + k]);
				dr += fabs(v[2 + k] - lim[4 * c + 2 + k]);
			}
		res->sii_mad[c] = nblk > 1 ? ds / (double)(2 * (nblk - 1)) : NAN;
		res->rii_mad[c] = nblk > 1 ? dr / (double)(2 * (nblk - 1)) : NAN;
	}
	free(slope);
	free(rii);
	free(lim);
}

int hg_sii(const hg_sii_input *in, const hg_sii_opts *o, hg_sii_result *res, hg_err *err)
{
	if (hg_sii_check_opts(o, in->se != NULL, in->lower_cl && in->upper_cl, err))
		return err ? err->code : HG_EUSAGE;
	if (in->q < 2)
		return hg_err_set(err, HG_ESTATS, "SII needs at least 2 quantiles");
	memset(res, 0, sizeof *res);
	hg_sii_fit f;
	sii_fit_init(in, o, &f);
	sii_point(&f, o, res);
	sii_limits(&f, o, res);
	sii_fit_free(&f);
	return 0;
}
