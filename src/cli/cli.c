/*
 * cli.c: what every subcommand shares (cli.h): error and usage reports with
 * their exit statuses, and number options. Kept out of main.c so the unit
 * tests link the command line's code without its main.
 */
#include "cli.h"

#include "core/str.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hg_cli_fail(const char *cmd, const hg_err *err)
{
	fprintf(stderr, "healthgap %s: %s\n", cmd, err->msg);
	return 1;
}

int hg_cli_usage(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "healthgap %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n%s", usage);
	va_end(ap);
	return 2;
}

int hg_cli_double(const char *cmd, const char *opt, const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno) {
		fprintf(stderr, "healthgap %s: %s expects a number, got '%s'\n", cmd, opt, s);
		return 2;
	}
	*out = v;
	return 0;
}

int hg_cli_long(const char *cmd, const char *opt, const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno) {
		fprintf(stderr, "healthgap %s: %s expects a whole number, got '%s'\n", cmd, opt, s);
		return 2;
	}
	*out = v;
	return 0;
}

const char *hg_cli_did_you_mean(const char *word, const char *const *names, const char *prefix,
                                char *buf, size_t size)
{
	hg_suggest sg;
	hg_suggest_init(&sg, word);
	for (size_t k = 0; names[k]; k++)
		hg_suggest_add(&sg, names[k]);
	if (sg.best)
		snprintf(buf, size, " (did you mean %s%s?)", prefix, sg.best);
	else if (size)
		buf[0] = 0;
	return buf;
}

/* The options of opts whose names start with name[0..n), and how many; the first in *hit. */
static int long_matches(const struct option *opts, const char *name, size_t n,
                        const struct option **hit)
{
	int count = 0;
	*hit = NULL;
	for (const struct option *o = opts; o->name; o++)
		if (!strncmp(o->name, name, n)) {
			if (strlen(o->name) == n) { /* an exact name wins */
				*hit = o;
				return 1;
			}
			if (!count++)
				*hit = o;
		}
	return count;
}

int hg_cli_bad_option(const char *cmd, const char *usage, const struct option *opts, int argc,
                      char **argv)
{
	int at = optind - 1 < argc ? optind - 1 : argc - 1;
	const char *arg = at > 0 ? argv[at] : "";
	if (strncmp(arg, "--", 2))
		return hg_cli_usage(cmd, usage, "unknown option '%s'", arg);
	const char *name = arg + 2;
	size_t n = strcspn(name, "=");
	const struct option *hit;
	int count = long_matches(opts, name, n, &hit);
	if (count == 1 && hit->has_arg == required_argument && !name[n])
		return hg_cli_usage(cmd, usage, "--%s needs a value", hit->name);
	if (count == 1 && hit->has_arg == no_argument && name[n])
		return hg_cli_usage(cmd, usage, "--%s takes no value", hit->name);
	if (count > 1) {
		char list[512];
		size_t o = 0;
		list[0] = 0;
		for (const struct option *p = opts; p->name && o + 1 < sizeof list; p++)
			if (!strncmp(p->name, name, n))
				o += (size_t)snprintf(list + o, sizeof list - o, "%s--%s",
				                      o ? ", " : "", p->name);
		return hg_cli_usage(cmd, usage, "'--%.*s' is short for more than one option (%s)",
		                    (int)n, name, list);
	}
	char word[128], hint[200];
	snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), name);
	const char *names[128];
	size_t k = 0;
	for (const struct option *o = opts; o->name && k + 1 < 128; o++)
		names[k++] = o->name;
	names[k] = NULL;
	return hg_cli_usage(cmd, usage, "unknown option '--%s'%s", word,
	                    hg_cli_did_you_mean(word, names, "--", hint, sizeof hint));
}
