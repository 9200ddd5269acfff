/*
 * cli.c: what every subcommand shares (cli.h): error and usage reports with
 * their exit statuses, and number options. Kept out of main.c so the unit
 * tests link the command line's code without its main.
 */
#include "cli.h"

#include <errno.h>
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
