/*
 * stats_cmd.h: the plumbing shared by the `healthgap stats METHOD` handlers.
 *
 * src/cli/cmd_stats.c parses "--name value" options (and bare "--flag"s),
 * reads --input into an hg_table, calls the method's handler, and writes the
 * hg_tab_out it filled to --output. A handler validates its own options with
 * the getters below, computes one result row per group, and returns 0 or an
 * error code with err filled in. Warnings go to stderr via hg_stats_warn.
 *
 * To add a method: write a handler with the hg_stats_handler signature,
 * declare it (here or in your own header) and add an entry to the method
 * table in src/cli/cmd_stats.c giving its name, accepted options and help.
 */
#ifndef HG_CLI_STATS_CMD_H
#define HG_CLI_STATS_CMD_H

#include "cli/stats_table.h"

#include <stddef.h>

#define HG_STATS_MAX_OPTS   48
#define HG_STATS_MAX_LEVELS 8

typedef struct hg_stats_opt {
	const char *name;  /* without the leading "--" */
	const char *value; /* NULL for a bare flag */
} hg_stats_opt;

typedef struct hg_stats_args {
	const char *method;
	const char *input;  /* "-" = standard input */
	const char *output; /* "-" = standard output */
	int digits;         /* --digits N: decimal places of the output's numbers; -1 exact */
	size_t nopts;
	hg_stats_opt opts[HG_STATS_MAX_OPTS];
} hg_stats_args;

typedef int (*hg_stats_handler)(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);

typedef struct hg_stats_method {
	const char *name;
	hg_stats_handler fn;
	/* Accepted options, space-separated, without "--"; a trailing '!' marks a
	 * flag that takes no value (e.g. "x n group confidence esp2013!"). */
	const char *options;
	const char *help;
} hg_stats_method;

/* The value of option `name`, or def when it was not given. */
const char *hg_stats_opt_str(const hg_stats_args *a, const char *name, const char *def);
/* 1 if the option (or flag) was given. */
int hg_stats_opt_given(const hg_stats_args *a, const char *name);
/* A number option (def when absent); a non-number is a usage error. */
int hg_stats_opt_double(const hg_stats_args *a, const char *name, double def, double *out,
                        hg_err *err);
/* A boolean option: absent = def; "--name" alone, true/TRUE/1 = 1; false/FALSE/0 = 0. */
int hg_stats_opt_bool(const hg_stats_args *a, const char *name, int def, int *out, hg_err *err);
/*
 * Confidence levels from a comma-separated option value (def when absent),
 * e.g. "0.95" or "0.95,0.998" or "95,99.8". Checked by hg_conf_check with
 * `mode` (see stats.h). "NA" yields *n = 0 when allow_na is set.
 */
int hg_stats_opt_levels(const hg_stats_args *a, const char *name, const char *def, int mode,
                        int allow_na, double levels[HG_STATS_MAX_LEVELS], size_t *n, hg_err *err);

/*
 * Fail with "FILE line L, column 'col': message" for table row `row`
 * (col may be NULL); returns HG_ESTATS.
 */
int hg_stats_row_err(const hg_table *t, size_t row, const char *col, hg_err *err, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));
/*
 * Header cells of the confidence limits: "lowercl","uppercl" for one level,
 * else lower/upper per level ("lower95_0cl","upper95_0cl","lower99_8cl",...)
 * when interleave is set, or all lowers then all uppers (life expectancy).
 */
void hg_stats_cl_header(hg_tab_out *o, const double *levels, size_t n, int interleave);

/* Print "healthgap stats METHOD: warning: ..." to stderr. */
void hg_stats_warn(const hg_stats_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Part A handlers (src/stats/cmd_*.c). */
int hg_stats_cmd_proportion(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_rate(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_mean(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_dsr(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_isratio(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_israte(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_life_expectancy(const hg_stats_args *a, hg_table *in, hg_tab_out *out,
                                 hg_err *err);
int hg_stats_cmd_quantile(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);
int hg_stats_cmd_percentile(const hg_stats_args *a, hg_table *in, hg_tab_out *out, hg_err *err);

#endif
