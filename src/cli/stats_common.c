/*
 * stats_common.c: option getters and warnings for the `healthgap stats`
 * method handlers (see cmd.h).
 */
#include "cli/stats_cmd.h"
#include "stats/stats.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const hg_stats_opt *stats_find(const hg_stats_args *a, const char *name)
{
	const hg_stats_opt *found = NULL;
	for (size_t i = 0; i < a->nopts; i++)
		if (!strcmp(a->opts[i].name, name))
			found = &a->opts[i]; /* the last one given wins */
	return found;
}

const char *hg_stats_opt_str(const hg_stats_args *a, const char *name, const char *def)
{
	const hg_stats_opt *o = stats_find(a, name);
	return o && o->value ? o->value : def;
}

int hg_stats_opt_given(const hg_stats_args *a, const char *name)
{
	return stats_find(a, name) != NULL;
}

int hg_stats_opt_double(const hg_stats_args *a, const char *name, double def, double *out,
                        hg_err *err)
{
	const char *s = hg_stats_opt_str(a, name, NULL);
	if (!s) {
		*out = def;
		return 0;
	}
	if (hg_parse_double(hg_sv_from(s), out))
		return hg_err_set(err, HG_EUSAGE, "--%s expects a number, got '%s'", name, s);
	return 0;
}

int hg_stats_opt_bool(const hg_stats_args *a, const char *name, int def, int *out, hg_err *err)
{
	const hg_stats_opt *o = stats_find(a, name);
	if (!o) {
		*out = def;
		return 0;
	}
	const char *s = o->value;
	if (!s || !strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes"))
		*out = 1;
	else if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no"))
		*out = 0;
	else
		return hg_err_set(err, HG_EUSAGE, "--%s expects true or false, got '%s'", name, s);
	return 0;
}

int hg_stats_opt_levels(const hg_stats_args *a, const char *name, const char *def, int mode,
                        int allow_na, double levels[HG_STATS_MAX_LEVELS], size_t *n, hg_err *err)
{
	const char *s = hg_stats_opt_str(a, name, def);
	*n = 0;
	if (allow_na && !strcmp(s, "NA"))
		return 0;
	const char *p = s;
	while (1) {
		size_t len = strcspn(p, ",");
		if (*n == HG_STATS_MAX_LEVELS)
			return hg_err_set(err, HG_EUSAGE, "--%s: too many levels", name);
		if (hg_parse_double((hg_sv){p, len}, &levels[*n]))
			return hg_err_set(err, HG_EUSAGE,
			                  "--%s expects numbers like 0.95 or "
			                  "0.95,0.998, got '%s'",
			                  name, s);
		(*n)++;
		if (!p[len])
			break;
		p += len + 1;
	}
	if (hg_conf_check(levels, *n, mode, err))
		return hg_err_wrap(err, "--%s", name);
	return 0;
}

void hg_stats_warn(const hg_stats_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "healthgap stats %s: warning: ", a->method);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int hg_stats_row_err(const hg_table *t, size_t row, const char *col, hg_err *err, const char *fmt,
                     ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (col)
		return hg_err_set(err, HG_ESTATS, "%s line %llu, column '%s': %s", t->path,
		                  (unsigned long long)t->lines[row], col, msg);
	return hg_err_set(err, HG_ESTATS, "%s line %llu: %s", t->path,
	                  (unsigned long long)t->lines[row], msg);
}

void hg_stats_cl_header(hg_tab_out *o, const double *levels, size_t n, int interleave)
{
	char name[64];
	for (size_t pass = 0; pass < (interleave ? 1u : 2u); pass++)
		for (size_t i = 0; i < n; i++) {
			for (int side = 0; side < 2; side++) {
				if (!interleave && side != (int)pass)
					continue;
				hg_cl_name(name, sizeof name, "", side ? "upper" : "lower",
				           levels[i], n == 1, "cl");
				hg_tab_out_str(o, name);
			}
		}
}
