/*
 * stats.h: public-health indicator statistics, a C port of the methods of
 * the R package PHEindicatormethods (v2.1), numerically identical to it:
 * proportions with Wilson score limits, crude rates with exact Poisson or
 * Byar's limits, means with Student's t limits, directly standardised rates
 * with Dobson limits (optionally for non-independent events), indirectly
 * standardised ratios and rates, life expectancy by the Chiang II abridged
 * life table with Silcocks' variance, and rank-based quantile assignment.
 *
 * Functions take plain numbers or arrays (no CSV), so the engine can call
 * them directly. NaN stands for R's NA: NA inputs give NA results, as in R.
 * Invalid inputs return HG_ESTATS with a message in err (err may be NULL).
 * Quantile functions come from libRmath so results match R to the last bit.
 */
#ifndef HG_STATS_H
#define HG_STATS_H

#include "core/error.h"

#include <stddef.h>

/* ---- confidence levels (stats_util.c) ---------------------------------- */

enum hg_conf_mode {
	HG_CONF_ONE_OR_PAIR = 0, /* one level, or exactly the pair 0.95, 0.998 */
	HG_CONF_ANY = 1,         /* any number of levels (life expectancy, SII) */
};

/*
 * Check and normalise levels in place as PHEindicatormethods does: values
 * >= 90 are divided by 100; anything below 0.9, or between 1 and 90, is an
 * error; with HG_CONF_ONE_OR_PAIR more than one level must be (0.95, 0.998).
 */
int hg_conf_check(double *levels, size_t n, int mode, hg_err *err);
/* Two-sided normal quantile z(c) = qnorm(c + (1 - c)/2). */
double hg_z2(double conf);
/* "95%", "99.8%": level x 100 as R's paste0 prints it, plus "%". */
void hg_conf_label(double conf, char *buf, size_t size);
/* "95%" or "95%, 99.8%" for a list of levels. */
void hg_conf_labels(const double *levels, size_t n, char *buf, size_t size);
/*
 * Output column name for a limit: "lowercl"/"uppercl" when single is set,
 * else "lower95_0cl", "upper99_8cl" (level x 100, one decimal, '.' -> '_').
 * side is "lower" or "upper"; prefix (e.g. "sii_") and suffix ("cl" or "")
 * are put around it.
 */
void hg_cl_name(char *buf, size_t size, const char *prefix, const char *side, double conf,
                int single, const char *suffix);
/* R's format(m, scientific = FALSE) for a multiplier: "100000", "1", "0.5". */
void hg_format_plain(double v, char *buf, size_t size);

/* ---- count limits (byars.c): Byar's method (Breslow & Day 1987) ---------- */

/* Byar's lower limit of a Poisson count; NaN for x = 0, NaN if negative. */
double hg_byars_lower(double x, double conf);
double hg_byars_upper(double x, double conf);
/* Exact Poisson limits from the chi-square distribution (Garwood 1936). */
double hg_exact_lower(double x, double conf);
double hg_exact_upper(double x, double conf);
/* Exact limits when x < 10, else Byar's; returns 1 when exact was used. */
int hg_count_limits(double x, double conf, double *lo, double *hi);

/* ---- proportions (wilson.c): Wilson 1927 score interval ----------------- */

/* Wilson limits of x/n as fractions; HG_ESTATS if x < 0, n < 0 or x > n. */
int hg_wilson(double x, double n, double conf, double *lo, double *hi);
/* Check proportion inputs as phe_proportion does (x < 0, n <= 0, x > n). */
int hg_proportion_check(double x, double n, hg_err *err);

/* ---- crude rates (rate.c) ----------------------------------------------- */

/* Check rate inputs as phe_rate does (x < 0, n <= 0). */
int hg_rate_check(double x, double n, hg_err *err);
/* Limits of x/n * mult at conf; *exact (may be NULL) says which method. */
void hg_rate_limits(double x, double n, double conf, double mult, double *lo, double *hi,
                    int *exact);

/* ---- means (mean.c): Student's t interval -------------------------------- */

typedef struct hg_mean_res {
	double sum, count, sd, value;
} hg_mean_res;

/* Sum, count (NaN included), sample sd and mean of v[0..k); NaN if any NaN. */
void hg_mean_stats(const double *v, size_t k, hg_mean_res *r);
/* value -/+ |qt((1-c)/2, k-1)| * sd / sqrt(k). */
void hg_mean_limits(const hg_mean_res *r, double conf, double *lo, double *hi);

/* ---- directly standardised rates (dsr.c): Dobson et al 1991 -------------- */

typedef struct hg_dsr_res {
	double total_count; /* O: sum of events */
	double total_pop;   /* sum of n */
	double value;       /* DSR x multiplier, NaN when O < 10 */
	double var;         /* variance of the unscaled DSR (pooled for non-independent) */
	double raw;         /* DSR x multiplier before small-count suppression */
} hg_dsr_res;

/* The ESP2013 weights of the 19 bands 0-4, 5-9, ..., 85-89, 90+. */
extern const double hg_esp2013[19];
#define HG_ESP2013_BANDS 19

/*
 * DSR of one group from k (band) rows: x events (NaN = 0), n population,
 * w standard population. Errors as calculate_dsr: n missing or <= 0, w
 * missing or < 0, x < 0, mult <= 0; messages number rows from 1 within
 * the arrays.
 */
int hg_dsr(const double *x, const double *n, const double *w, size_t k, double mult, hg_dsr_res *r,
           hg_err *err);
/*
 * Non-independent events: rows are (band, frequency f) with x = persons
 * having f events. band[i] identifies the band of row i (any ids). O is the
 * sum of f*x; var* = sum over f of f^2 * var_f.
 */
int hg_dsr_nonind(const double *x, const double *n, const double *w, const double *f,
                  const size_t *band, size_t k, double mult, hg_dsr_res *r, hg_err *err);
/* Dobson limits: value + sqrt(var/O) * (Byars(O) - O) * mult; NaN if O < 10. */
void hg_dobson(const hg_dsr_res *r, double conf, double mult, double *lo, double *hi);

/* ---- indirect standardisation (isr.c) ----------------------------------- */

/* E = sum x_ref/n_ref * n (NaN x_ref and NaN n count as 0); O = sum x. */
int hg_isr_sums(const double *x, const double *n, const double *xref, const double *nref, size_t k,
                double *observed, double *expected, hg_err *err);
/* O/E * scale with count limits of O / E * scale; returns 1 if exact. */
int hg_isr(double observed, double expected, double conf, double scale, double *value, double *lo,
           double *hi);

/* ---- life expectancy (le.c): Chiang 1984, Silcocks et al 2001 ------------ */

#define HG_LE_BANDS 20

enum hg_le_status {
	HG_LE_OK = 0,
	HG_LE_NEG_DEATHS,  /* some deaths < 0 */
	HG_LE_BAD_POP,     /* some population <= 0 */
	HG_LE_BANDS_WRONG, /* not 20 age bands */
	HG_LE_DEATHS_GT_POP,
	HG_LE_LOW_POP, /* total population <= 5000 */
};

/* Message for a status, as the R warning reads. */
const char *hg_le_status_msg(int status);

/*
 * Abridged life table for one group of k rows already sorted by start age
 * 0,1,5,...,90 (k must be 20 for a result). Fills e[k] and se[k] and returns
 * an hg_le_status; on a non-OK status e and se are NaN. e may be Inf (no
 * deaths in 90+): the package reports value NA but limits from the Inf.
 * The limits are e -/+ hg_z2(c) * se.
 */
int hg_life_table(const double *deaths, const double *pop, const double *startage, size_t k,
                  double *e, double *se);
/* 1 when the 95% interval is wider than 20 years (value suppressed to NA). */
int hg_le_too_wide(double se);

/* ---- quantiles (quantile.c) ---------------------------------------------- */

/*
 * phe_quantile's assignment of values v[0..k) to nq quantiles: rank with ties
 * at the minimum (of -v when invert), q = floor(nq+1 - ceil((N+1-rank)/(N/nq))),
 * 0 -> 1. q[i] is NaN for NaN values, and all NaN when N < nq (returns 1).
 */
int hg_quantile_assign(const double *v, size_t k, int nq, int invert, double *q);

/* ---- percentiles (percentile.c) ------------------------------------------ */

/* The p-quantile (0 <= p <= 1) of the sorted x[0..n), Hyndman and Fan definition 7
 * (R's quantile type 7); NaN when n is 0. */
double hg_percentile7(const double *x, size_t n, double p);
/* Its distribution-free confidence limits (0 < p < 1): the order statistics x[l], x[u]
 * with F(l-1) <= a/2 and F(u-1) >= 1-a/2 for F the Binomial(n, p) distribution
 * function; NaN where no rank qualifies. */
void hg_percentile_ci(const double *x, size_t n, double p, double conf, double *lo, double *hi);

#endif
