/*
 * cli.h: the `healthgap` command's subcommands. Each returns a process exit
 * status: 0 success, 1 failure, 2 usage error, 3 ingest rejected too many rows.
 * Every message starts "healthgap CMD: "; a misspelt command or option gets a
 * "did you mean".
 */
#ifndef HG_CLI_H
#define HG_CLI_H

#include "core/error.h"

#include "core/version.h"

#include <stddef.h>

int hg_cmd_ingest(int argc, char **argv);
int hg_cmd_info(int argc, char **argv);
int hg_cmd_verify(int argc, char **argv);
int hg_cmd_keygen(int argc, char **argv);
int hg_cmd_synth(int argc, char **argv);
int hg_cmd_stats(int argc, char **argv);
int hg_cmd_run(int argc, char **argv);
int hg_cmd_report(int argc, char **argv);
int hg_cmd_serve(int argc, char **argv);
int hg_cmd_user(int argc, char **argv);
int hg_cmd_audit(int argc, char **argv);

int hg_cmd_prune(int argc, char **argv);
int hg_cmd_shard(int argc, char **argv);
int hg_cmd_worklist(int argc, char **argv);
int hg_cmd_reidentify(int argc, char **argv);
int hg_cmd_scenario(int argc, char **argv);

/* Print "healthgap CMD: message" to stderr; returns 1. */
int hg_cli_fail(const char *cmd, const hg_err *err);
/* Print a usage error and the command's usage text; returns 2. */
int hg_cli_usage(const char *cmd, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct option;
/* The usage error for what getopt_long refused (call it with opterr = 0 on '?' or ':'):
 * argv[optind - 1] as an unknown option with the closest of opts ("unknown option
 * '--sotre' (did you mean --store?)"), an ambiguous abbreviation, or an option missing
 * its value. Returns 2. */
int hg_cli_bad_option(const char *cmd, const char *usage, const struct option *opts, int argc,
                      char **argv);
/* " (did you mean PREFIXname?)" for the name of names (NULL-terminated) closest to word,
 * or "" when none is close (core/str.h hg_suggest); into buf. */
const char *hg_cli_did_you_mean(const char *word, const char *const *names, const char *prefix,
                                char *buf, size_t size);

/* Parse a number option or report a usage error. */
int hg_cli_double(const char *cmd, const char *opt, const char *s, double *out);
int hg_cli_long(const char *cmd, const char *opt, const char *s, long *out);

#endif
