/*
 * spc.c: XmR charts as NHSRplotthedots::ptd_spc (v0.2.2) computes them, and
 * Laney p'/u' attribute charts.
 *
 * Method: NHS England / NHS Improvement, "Making Data Count" (2019) and the
 * NHSRplotthedots package (nhs-r-community): mean of the baseline points,
 * limits at mean +/- 2.66 x mean moving range (moving ranges >= 3.267 x the
 * mean moving range are screened out first by default), and four
 * special-cause rules in priority order: a point beyond a limit, a run of 7
 * strictly increasing or decreasing points, 2 of 3 points beyond 2 sigma on
 * one side, and 7 points on one side of the mean.
 * Laney DB (2002). Improved control charts for attributes. Quality
 * Engineering 14(4):531-537.
 */
#include "stats/spc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HG_SPC_LIMIT  2.66
#define HG_SPC_SCREEN 3.267
#define HG_SPC_SHORT  13

void hg_spc_opts_init(hg_spc_opts *o)
{
	memset(o, 0, sizeof *o);
	o->direction = HG_SPC_INCREASE;
	o->screen_outliers = 1;
}

static int sign(double v)
{
	return (v > 0) - (v < 0);
}

/* R's mean(): a long double sum, then one correction pass. */
static double spc_mean(const double *v, size_t n, size_t *used)
{
	long double s = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s += v[i];
			k++;
		}
	*used = k;
	if (k == 0)
		return NAN;
	s /= (long double)k;
	long double t = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			t += v[i] - s;
	return (double)(s + t / (long double)k);
}

static int spc_is_rebase(double x, const hg_spc_opts *o)
{
	for (size_t i = 0; i < o->nrebase; i++)
		if (o->rebase[i] == x)
			return 1;
	return 0;
}

/* Mean, moving ranges and limits of one group of points p[0..n). */
static void spc_limits(const double *y, size_t n, const hg_spc_opts *o, hg_spc_point *p)
{
	double *mr = hg_xmalloc((n ? n : 1) * sizeof *mr);
	size_t used;
	for (size_t i = 0; i < n; i++)
		p[i].fix_y =
		    (o->fix_after_n_pts <= 0 || i < (size_t)o->fix_after_n_pts) ? y[i] : NAN;
	double *fy = hg_xmalloc((n ? n : 1) * sizeof *fy);
	for (size_t i = 0; i < n; i++)
		fy[i] = p[i].fix_y;
	double mean = spc_mean(fy, n, &used);
	for (size_t i = 0; i < n; i++)
		mr[i] = i == 0 ? NAN : fabs(fy[i] - fy[i - 1]);
	double amr = spc_mean(mr, n, &used);
	if (o->screen_outliers) {
		for (size_t i = 0; i < n; i++)
			if (!isnan(mr[i]) && !(mr[i] < HG_SPC_SCREEN * amr))
				mr[i] = NAN;
		amr = spc_mean(mr, n, &used);
	}
	double close = 2 * (HG_SPC_LIMIT / 3);
	for (size_t i = 0; i < n; i++) {
		p[i].mean = mean;
		p[i].lpl = mean - HG_SPC_LIMIT * amr;
		p[i].upl = mean + HG_SPC_LIMIT * amr;
		p[i].nlpl = mean - close * amr;
		p[i].nupl = mean + close * amr;
		p[i].outside_limits = y[i] > p[i].upl || y[i] < p[i].lpl;
		p[i].relative_to_mean = sign(y[i] - mean);
		p[i].close_to_limits =
		    !p[i].outside_limits && (y[i] < p[i].nlpl || y[i] > p[i].nupl);
		p[i].short_group_warning = n < HG_SPC_SHORT;
	}
	free(fy);
	free(mr);
}

/* 1 where a point ends a run (rule value v != 0) or one of the next 6 does. */
static void spc_part_of_seven(const int *v, size_t n, int *part)
{
	for (size_t i = 0; i < n; i++) {
		part[i] = 0;
		for (size_t j = i; j < n && j <= i + 6; j++)
			if (v[j] != 0)
				part[i] = 1;
	}
}

/* Rule value at i: +1/-1 when points i-6..i rise (fall) strictly. */
static void spc_trend(const double *y, size_t n, int *v)
{
	for (size_t i = 0; i < n; i++) {
		v[i] = 0;
		if (i < 6)
			continue;
		int s = sign(y[i] - y[i - 1]);
		for (size_t k = 1; k < 6 && s != 0; k++)
			if (sign(y[i - k] - y[i - k - 1]) != s)
				s = 0;
		v[i] = s;
	}
}

/* Rule value at i: relative_to_mean when points i-6..i share a non-zero side. */
static void spc_shift(const hg_spc_point *p, size_t n, int *v)
{
	for (size_t i = 0; i < n; i++) {
		v[i] = 0;
		if (i < 6 || p[i].relative_to_mean == 0)
			continue;
		int same = 1;
		for (size_t k = 1; k <= 6; k++)
			if (p[i - k].relative_to_mean != p[i].relative_to_mean)
				same = 0;
		v[i] = same;
	}
}

/* Window [s, s+3) in point indexes (may hang over the ends: padding is 0). */
static int spc_window(const hg_spc_point *p, size_t n, long s)
{
	int close = 0, side = 0;
	for (long j = s; j < s + 3; j++) {
		if (j < 0 || j >= (long)n)
			continue;
		close += p[j].close_to_limits;
		side += p[j].relative_to_mean;
	}
	return close >= 2 && abs(side) == 3;
}

static void spc_two_in_three(const hg_spc_point *p, size_t n, int *part)
{
	for (size_t i = 0; i < n; i++) {
		long s = (long)i;
		int hit = spc_window(p, n, s - 2) || spc_window(p, n, s - 1) || spc_window(p, n, s);
		part[i] = hit && p[i].close_to_limits;
	}
}

/* Direction of a trend point: to the next point if it is also in the trend. */
static int spc_trend_dir(const double *y, size_t n, const int *trend, size_t i)
{
	if (i + 1 < n && trend[i] && trend[i + 1])
		return sign(y[i + 1] - y[i]);
	return i == 0 ? 0 : sign(y[i] - y[i - 1]);
}

static int spc_cause_of(const hg_spc_point *p, int trend_dir, int trend, int two, int shift)
{
	int above = p->relative_to_mean > 0;
	if (p->outside_limits)
		return p->relative_to_mean == 1 ? HG_SPC_ABOVE_UCL : HG_SPC_BELOW_LCL;
	if (trend)
		return trend_dir == 1 ? HG_SPC_TREND_UP : HG_SPC_TREND_DOWN;
	if (two)
		return above ? HG_SPC_TWO_IN_THREE_ABOVE : HG_SPC_TWO_IN_THREE_BELOW;
	if (shift)
		return above ? HG_SPC_SHIFT_ABOVE : HG_SPC_SHIFT_BELOW;
	return HG_SPC_COMMON;
}

static int spc_cause_sign(int cause)
{
	switch (cause) {
	case HG_SPC_ABOVE_UCL:
	case HG_SPC_TREND_UP:
	case HG_SPC_TWO_IN_THREE_ABOVE:
	case HG_SPC_SHIFT_ABOVE:
		return 1;
	case HG_SPC_COMMON:
		return 0;
	default:
		return -1;
	}
}

static int spc_point_type_of(int cause, int direction)
{
	int v = spc_cause_sign(cause);
	if (direction == HG_SPC_NEUTRAL)
		return v > 0   ? HG_SPC_PT_NEUTRAL_HIGH
		       : v < 0 ? HG_SPC_PT_NEUTRAL_LOW
		               : HG_SPC_PT_COMMON;
	v *= direction;
	return v > 0 ? HG_SPC_PT_IMPROVEMENT : v < 0 ? HG_SPC_PT_CONCERN : HG_SPC_PT_COMMON;
}

/* The special-cause rules over one group. */
static void spc_rules(const double *y, size_t n, int direction, hg_spc_point *p)
{
	size_t m = n ? n : 1;
	int *v = hg_xmalloc(m * sizeof *v), *trend = hg_xmalloc(m * sizeof *trend);
	int *shift = hg_xmalloc(m * sizeof *shift), *two = hg_xmalloc(m * sizeof *two);
	spc_trend(y, n, v);
	spc_part_of_seven(v, n, trend);
	spc_shift(p, n, v);
	spc_part_of_seven(v, n, shift);
	spc_two_in_three(p, n, two);
	for (size_t i = 0; i < n; i++) {
		int dir = spc_trend_dir(y, n, trend, i);
		p[i].cause = spc_cause_of(&p[i], dir, trend[i], two[i], shift[i]);
		p[i].special_cause_flag = p[i].cause != HG_SPC_COMMON;
		p[i].point_type = spc_point_type_of(p[i].cause, direction);
	}
	free(v);
	free(trend);
	free(shift);
	free(two);
}

static int spc_check(const double *x, const double *y, size_t n, const hg_spc_opts *o, hg_err *err)
{
	if (o->fix_after_n_pts != 0 && o->fix_after_n_pts < 12)
		return hg_err_set(err, HG_EUSAGE,
		                  "fix_after_n_points must be at least 12 (got %ld)",
		                  o->fix_after_n_pts);
	if (o->direction < -1 || o->direction > 1)
		return hg_err_set(err, HG_EUSAGE,
		                  "improvement_direction must be increase, "
		                  "neutral or decrease");
	for (size_t i = 0; i < n; i++) {
		if (isnan(y[i]))
			return hg_err_set(err, HG_ESTATS, "point %zu: value is missing", i + 1);
		if (i > 0 && !(x[i] > x[i - 1]))
			return hg_err_set(err, HG_ESTATS,
			                  "point %zu: duplicate or unsorted date (dates must be "
			                  "unique within a facet)",
			                  i + 1);
	}
	return 0;
}

int hg_spc_xmr(const double *x, const double *y, size_t n, const hg_spc_opts *o, hg_spc_point *out,
               hg_err *err)
{
	if (spc_check(x, y, n, o, err))
		return err ? err->code : HG_ESTATS;
	int group = 0;
	for (size_t i = 0; i < n; i++) {
		group += spc_is_rebase(x[i], o);
		out[i].rebase_group = group;
	}
	for (size_t start = 0, end; start < n; start = end) {
		for (end = start + 1; end < n && out[end].rebase_group == out[start].rebase_group;)
			end++;
		spc_limits(y + start, end - start, o, out + start);
		spc_rules(y + start, end - start, o->direction, out + start);
	}
	return 0;
}

int hg_spc_variation(const hg_spc_point *last, int direction)
{
	switch (last->point_type) {
	case HG_SPC_PT_NEUTRAL_HIGH:
		return HG_SPC_VAR_NEUTRAL_HIGH;
	case HG_SPC_PT_NEUTRAL_LOW:
		return HG_SPC_VAR_NEUTRAL_LOW;
	case HG_SPC_PT_IMPROVEMENT:
		return direction == HG_SPC_INCREASE ? HG_SPC_VAR_IMPROVEMENT_HIGH
		                                    : HG_SPC_VAR_IMPROVEMENT_LOW;
	case HG_SPC_PT_CONCERN:
		return direction == HG_SPC_INCREASE ? HG_SPC_VAR_CONCERN_LOW
		                                    : HG_SPC_VAR_CONCERN_HIGH;
	default:
		return HG_SPC_VAR_COMMON;
	}
}

int hg_spc_assurance(const hg_spc_point *last, const hg_spc_opts *o)
{
	if (!o->has_target || isnan(o->target) || o->direction == HG_SPC_NEUTRAL)
		return HG_SPC_ASSURE_NONE;
	int inc = o->direction == HG_SPC_INCREASE;
	if (o->target > last->upl)
		return inc ? HG_SPC_ASSURE_FAIL : HG_SPC_ASSURE_PASS;
	if (o->target < last->lpl)
		return inc ? HG_SPC_ASSURE_PASS : HG_SPC_ASSURE_FAIL;
	return HG_SPC_ASSURE_INCONSISTENT;
}

const char *hg_spc_cause_name(int cause)
{
	static const char *const names[] = {
	    "Common Cause",
	    "Above UCL",
	    "Below LCL",
	    "7 Point Trend (Increasing)",
	    "7 Point Trend (Decreasing)",
	    "2 in 3 Above CL",
	    "2 in 3 Below CL",
	    "7 Points Above CL",
	    "7 Points Below CL",
	};
	return cause >= 0 && cause <= HG_SPC_SHIFT_BELOW ? names[cause] : "Common Cause";
}

const char *hg_spc_point_type_name(int pt)
{
	static const char *const names[] = {"common_cause", "special_cause_improvement",
	                                    "special_cause_concern", "special_cause_neutral_high",
	                                    "special_cause_neutral_low"};
	return pt >= 0 && pt <= HG_SPC_PT_NEUTRAL_LOW ? names[pt] : "common_cause";
}

const char *hg_spc_variation_name(int v)
{
	static const char *const names[] = {"common_cause", "improvement_high", "improvement_low",
	                                    "concern_high", "concern_low",      "neutral_high",
	                                    "neutral_low"};
	return v >= 0 && v <= HG_SPC_VAR_NEUTRAL_LOW ? names[v] : "common_cause";
}

const char *hg_spc_assurance_name(int a)
{
	switch (a) {
	case HG_SPC_ASSURE_PASS:
		return "consistent_pass";
	case HG_SPC_ASSURE_FAIL:
		return "consistent_fail";
	case HG_SPC_ASSURE_INCONSISTENT:
		return "inconsistent";
	default:
		return NULL;
	}
}

/* Laney p'/u' chart. */
static int laney_check(int kind, const double *x, const double *n, size_t k, hg_err *err)
{
	if (k < 2)
		return hg_err_set(err, HG_ESTATS, "a p'/u' chart needs at least 2 subgroups");
	for (size_t i = 0; i < k; i++) {
		if (isnan(x[i]) || isnan(n[i]))
			return hg_err_set(err, HG_ESTATS, "subgroup %zu: missing count or size",
			                  i + 1);
		if (x[i] < 0)
			return hg_err_set(err, HG_ESTATS, "subgroup %zu: negative count", i + 1);
		if (!(n[i] > 0))
			return hg_err_set(err, HG_ESTATS, "subgroup %zu: size must be > 0", i + 1);
		if (kind == HG_LANEY_P && x[i] > n[i])
			return hg_err_set(err, HG_ESTATS,
			                  "subgroup %zu: count exceeds the subgroup size", i + 1);
	}
	return 0;
}

int hg_laney_chart(int kind, const double *x, const double *n, size_t k, double multiplier,
                   int laney, hg_laney_point *out, hg_err *err)
{
	if (laney_check(kind, x, n, k, err))
		return err ? err->code : HG_ESTATS;
	double sx = 0, sn = 0;
	for (size_t i = 0; i < k; i++) {
		sx += x[i];
		sn += n[i];
	}
	double c = sx / sn;
	if (kind == HG_LANEY_P && (c <= 0 || c >= 1))
		return hg_err_set(err, HG_ESTATS,
		                  "the pooled proportion is %g: p charts need 0 < p < 1", c);
	if (kind == HG_LANEY_U && c <= 0)
		return hg_err_set(err, HG_ESTATS, "the pooled rate is 0: no u chart");
	for (size_t i = 0; i < k; i++) {
		out[i].value = x[i] / n[i];
		out[i].centre = c;
		out[i].sigma = kind == HG_LANEY_P ? sqrt(c * (1 - c) / n[i]) : sqrt(c / n[i]);
		out[i].z = (out[i].value - c) / out[i].sigma;
	}
	double mr = 0;
	for (size_t i = 1; i < k; i++)
		mr += fabs(out[i].z - out[i - 1].z);
	double sz = laney ? (mr / (double)(k - 1)) / 1.128 : 1.0;
	for (size_t i = 0; i < k; i++) {
		hg_laney_point *p = &out[i];
		p->sigma_z = sz;
		p->lcl = c - 3 * p->sigma * sz;
		p->ucl = c + 3 * p->sigma * sz;
		if (p->lcl < 0)
			p->lcl = 0;
		if (kind == HG_LANEY_P && p->ucl > 1)
			p->ucl = 1;
		p->outside = p->value > p->ucl ? 1 : p->value < p->lcl ? -1 : 0;
		p->value *= multiplier;
		p->centre *= multiplier;
		p->lcl *= multiplier;
		p->ucl *= multiplier;
	}
	return 0;
}
