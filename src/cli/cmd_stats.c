/*
 * cmd_stats.c: `healthgap stats METHOD [--input FILE] [--output FILE] [OPTIONS]`.
 *
 * Public-health indicator statistics over a CSV, matching PHEindicatormethods.
 * This file parses the options, reads the input table, dispatches to the
 * method's handler through stats_methods (add a row to add a method; the
 * handler signature and helpers are in src/cli/stats_cmd.h) and writes the result.
 */
#include "cli.h"
#include "cli/stats_cmd.h"
#include "cli/stats_b.h"
#include "stats/stats.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const hg_stats_method stats_methods[] = {
    {"proportion", hg_stats_cmd_proportion, "x n group confidence multiplier",
     "proportion with Wilson score limits (phe_proportion)"},
    {"rate", hg_stats_cmd_rate, "x n group confidence multiplier",
     "crude rate with exact (x < 10) or Byar's limits (phe_rate)"},
    {"mean", hg_stats_cmd_mean, "x group confidence", "mean with Student's t limits (phe_mean)"},
    {"dsr", hg_stats_cmd_dsr, "x n stdpop esp2013! ageband group confidence multiplier eventfreq",
     "directly standardised rate, Dobson limits (calculate_dsr)"},
    {"isratio", hg_stats_cmd_isratio, "x n x-ref n-ref group confidence refvalue",
     "indirectly standardised ratio (calculate_ISRatio)"},
    {"israte", hg_stats_cmd_israte, "x n x-ref n-ref group confidence multiplier",
     "indirectly standardised rate (calculate_ISRate)"},
    {"life-expectancy", hg_stats_cmd_life_expectancy,
     "deaths population startage group confidence le-age",
     "Chiang II abridged life table, Silcocks CI (phe_life_expectancy)"},
    {"quantile", hg_stats_cmd_quantile, "values group nquantiles invert",
     "assign areas to quantiles by rank (phe_quantile)"},
    {"percentile", hg_stats_cmd_percentile, "x group percentile confidence",
     "percentile (R's quantile type 7) with order-statistic limits"},
    /* part B methods are added here */
    {"sii", hg_stats_cmd_sii,
     "quantile population value x lower-cl upper-cl se value-type transform! multiplier "
     "repetitions confidence rii! intercept! seed reliability-stat! group type",
     "slope and relative index of inequality, simulated CI (phe_sii)"},
    {"funnel-limits", hg_stats_cmd_funnel_limits,
     "numerator denominator rate statistic multiplier ratio-type rate-type years-of-data type",
     "100-point funnel plot control limits (calculate_funnel_limits)"},
    {"funnel-significance", hg_stats_cmd_funnel_significance,
     "numerator denominator rate statistic multiplier rate-type",
     "funnel-plot outlier level of each row (assign_funnel_significance)"},
    {"funnel-points", hg_stats_cmd_funnel_points,
     "numerator denominator rate statistic multiplier rate-type years-of-data",
     "rate-funnel plotting points (calculate_funnel_points)"},
    {"spc", hg_stats_cmd_spc,
     "value date facet improvement-direction screen-outliers fix-after-n-points rebase target "
     "summary",
     "XmR chart with Making Data Count rules and icons (NHSRplotthedots ptd_spc)"},
    {"p-chart", hg_stats_cmd_p_chart, "x n group multiplier laney",
     "p' chart of proportions with Laney's adjustment"},
    {"u-chart", hg_stats_cmd_u_chart, "x n group multiplier laney",
     "u' chart of rates with Laney's adjustment"},
    {"concentration-index", hg_stats_cmd_concentration_index,
     "quantile population value se group confidence",
     "concentration index for grouped data with Kakwani SE"},
    {"par", hg_stats_cmd_par, "quantile population value x n multiplier reference group",
     "population attributable risk of inequality (PAR, PAR%)"},
};

#define HG_NMETHODS (sizeof stats_methods / sizeof stats_methods[0])

static const char stats_usage[] =
    "usage: healthgap stats METHOD [--input FILE] [--output FILE] [OPTIONS]\n"
    "  Reads a CSV (default standard input), writes one result row per group\n"
    "  (default standard output). Options take a value: --name VALUE or --name=VALUE.\n"
    "  --digits N rounds every number of the output to N decimal places (default:\n"
    "  exact, so that it reads back as the same double).\n"
    "  'healthgap stats METHOD --help' lists a method's options.\n";

static void stats_list(FILE *f)
{
	fputs(stats_usage, f);
	fputs("methods:\n", f);
	for (size_t i = 0; i < HG_NMETHODS; i++)
		fprintf(f, "  %-20s %s\n", stats_methods[i].name, stats_methods[i].help);
}

static void stats_method_help(FILE *f, const hg_stats_method *m)
{
	fprintf(f, "usage: healthgap stats %s [--input FILE] [--output FILE] [--digits N]",
	        m->name);
	const char *p = m->options;
	while (*p) {
		size_t len = strcspn(p, " ");
		int flag = len && p[len - 1] == '!';
		fprintf(f, " [--%.*s%s]", (int)(len - flag), p, flag ? "" : " V");
		p += len;
		p += strspn(p, " ");
	}
	fprintf(f, "\n  %s\n", m->help);
}

/* Is `name` (length n) in the method's option list? *flag says if it takes no value. */
static int stats_accepts(const hg_stats_method *m, const char *name, size_t n, int *flag)
{
	const char *p = m->options;
	while (*p) {
		size_t len = strcspn(p, " ");
		int f = len && p[len - 1] == '!';
		if (len - f == n && !strncmp(p, name, n)) {
			*flag = f;
			return 1;
		}
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

static int stats_add_opt(hg_stats_args *a, const char *name, const char *value)
{
	if (a->nopts == HG_STATS_MAX_OPTS)
		return -1;
	a->opts[a->nopts++] = (hg_stats_opt){name, value};
	return 0;
}

/* --digits N: 0 to 15 decimal places. */
static int stats_digits(const char *cmd, const char *value, int *out)
{
	long d;
	if (hg_cli_long(cmd, "--digits", value, &d))
		return 2;
	if (d < 0 || d > 15)
		return hg_cli_usage(cmd, stats_usage, "--digits must be 0 to 15, got %ld", d);
	*out = (int)d;
	return 0;
}

/* An option the method does not take, with the closest it does. */
static int stats_unknown(const hg_stats_method *m, const char *cmd, const char *name, size_t n)
{
	char word[64], list[512], hint[160];
	snprintf(word, sizeof word, "%.*s", (int)(n < 63 ? n : 63), name);
	snprintf(list, sizeof list, "input output digits %s", m->options);
	const char *names[64];
	size_t k = 0;
	for (char *save = NULL, *t = strtok_r(list, " ", &save); t && k + 1 < 64;
	     t = strtok_r(NULL, " ", &save)) {
		t[strcspn(t, "!")] = 0;
		names[k++] = t;
	}
	names[k] = NULL;
	return hg_cli_usage(cmd, stats_usage, "unknown option '--%s'%s", word,
	                    hg_cli_did_you_mean(word, names, "--", hint, sizeof hint));
}

/* Parse argv (after METHOD) into a; returns 0 or a usage exit status. */
static int stats_parse(const hg_stats_method *m, int argc, char **argv, hg_stats_args *a)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "stats %s", m->name);
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) || !arg[2])
			return hg_cli_usage(cmd, stats_usage, "unexpected argument '%s'", arg);
		char *name = argv[i] + 2;
		char *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		int flag = 0;
		int io = (n == 5 && !strncmp(name, "input", 5)) ||
		         (n == 6 && !strncmp(name, "output", 6)) ||
		         (n == 6 && !strncmp(name, "digits", 6));
		if (!io && !stats_accepts(m, name, n, &flag))
			return stats_unknown(m, cmd, name, n);
		const char *value = NULL;
		if (eq) {
			*eq = 0;
			value = eq + 1;
		} else if (!flag) {
			if (i + 1 >= argc)
				return hg_cli_usage(cmd, stats_usage, "--%s needs a value", name);
			value = argv[++i];
		}
		if (flag && value)
			return hg_cli_usage(cmd, stats_usage, "--%s takes no value", name);
		if (!strcmp(name, "input"))
			a->input = value;
		else if (!strcmp(name, "output"))
			a->output = value;
		else if (!strcmp(name, "digits") && stats_digits(cmd, value, &a->digits))
			return 2;
		else if (stats_add_opt(a, name, value))
			return hg_cli_usage(cmd, stats_usage, "too many options");
	}
	return 0;
}

static int stats_run(const hg_stats_method *m, const hg_stats_args *a)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "stats %s", m->name);
	hg_err err = {0};
	hg_table t;
	hg_tab_out out;
	hg_tab_out_init(&out);
	out.digits = a->digits;
	int rc = hg_table_read(&t, a->input, &err);
	if (!rc)
		rc = m->fn(a, &t, &out, &err);
	if (!rc)
		rc = hg_tab_out_write(&out, a->output, &err);
	hg_table_free(&t);
	hg_tab_out_free(&out);
	if (rc == HG_EUSAGE)
		return hg_cli_usage(cmd, stats_usage, "%s", err.msg);
	return rc ? hg_cli_fail(cmd, &err) : 0;
}

int hg_cmd_stats(int argc, char **argv)
{
	if (argc < 2) {
		stats_list(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		stats_list(stdout);
		return 0;
	}
	const hg_stats_method *m = NULL;
	for (size_t i = 0; i < HG_NMETHODS; i++)
		if (!strcmp(name, stats_methods[i].name))
			m = &stats_methods[i];
	if (!m) {
		const char *names[HG_NMETHODS + 1];
		for (size_t i = 0; i < HG_NMETHODS; i++)
			names[i] = stats_methods[i].name;
		names[HG_NMETHODS] = NULL;
		char hint[160];
		fprintf(stderr, "healthgap stats: unknown method '%s'%s\n", name,
		        hg_cli_did_you_mean(name, names, "", hint, sizeof hint));
		stats_list(stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			stats_method_help(stdout, m);
			return 0;
		}
	hg_stats_args a = {.method = m->name, .input = "-", .output = "-", .digits = -1};
	int rc = stats_parse(m, argc - 2, argv + 2, &a);
	return rc ? rc : stats_run(m, &a);
}
