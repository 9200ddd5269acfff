/*
 * stats_util.c: confidence-level rules and output naming shared by the
 * PHEindicatormethods ports (the package's validation and column-naming
 * conventions: levels 0.9-1 or 90-100, the 95%/99.8% pair, "lower95_0cl").
 */
#include "stats/stats.h"

#include "stats/hg_rmath.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

double hg_z2(double conf)
{
	return qnorm(conf + (1 - conf) / 2, 0.0, 1.0, 1, 0);
}

static int conf_norm(double *c, hg_err *err)
{
	if (isnan(*c))
		return hg_err_set(err, HG_ESTATS, "confidence level is missing");
	if (*c >= 90)
		*c /= 100;
	if (*c < 0.9 || *c > 1)
		return hg_err_set(err, HG_ESTATS,
		                  "confidence level must be between 90 and 100 or between 0.9 and 1"
		                  " (got %g)",
		                  *c);
	return 0;
}

int hg_conf_check(double *levels, size_t n, int mode, hg_err *err)
{
	if (n == 0)
		return hg_err_set(err, HG_ESTATS, "no confidence level given");
	for (size_t i = 0; i < n; i++)
		if (conf_norm(&levels[i], err))
			return HG_ESTATS;
	if (mode == HG_CONF_ONE_OR_PAIR && n > 2)
		return hg_err_set(err, HG_ESTATS,
		                  "a maximum of two confidence levels can be given");
	if (mode == HG_CONF_ONE_OR_PAIR && n == 2 && !(levels[0] == 0.95 && levels[1] == 0.998))
		return hg_err_set(err, HG_ESTATS,
		                  "two confidence levels can only be given as 0.95, 0.998");
	return 0;
}

void hg_conf_label(double conf, char *buf, size_t size)
{
	snprintf(buf, size, "%.15g%%", conf * 100);
}

void hg_conf_labels(const double *levels, size_t n, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && used < size; i++) {
		char one[48];
		hg_conf_label(levels[i], one, sizeof one);
		int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", one);
		used += w > 0 ? (size_t)w : 0;
	}
}

void hg_cl_name(char *buf, size_t size, const char *prefix, const char *side, double conf,
                int single, const char *suffix)
{
	if (single) {
		snprintf(buf, size, "%s%s%s", prefix, side, suffix);
		return;
	}
	char lv[32];
	snprintf(lv, sizeof lv, "%.1f", conf * 100);
	char *dot = strchr(lv, '.');
	if (dot)
		*dot = '_';
	snprintf(buf, size, "%s%s%s%s", prefix, side, lv, suffix);
}

void hg_format_plain(double v, char *buf, size_t size)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.7g", v);
}
