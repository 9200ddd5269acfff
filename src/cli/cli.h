/*
 * cli.h: the `healthgap` command's subcommands. Each returns a process exit
 * status: 0 success, 1 failure, 2 usage error, 3 ingest rejected too many rows.
 */
#ifndef HG_CLI_H
#define HG_CLI_H

#include "core/error.h"

#include "core/version.h"

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

/* Print "healthgap CMD: message" to stderr; returns 1. */
int hg_cli_fail(const char *cmd, const hg_err *err);
/* Print a usage error and the command's usage text; returns 2. */
int hg_cli_usage(const char *cmd, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Parse a number option or report a usage error. */
int hg_cli_double(const char *cmd, const char *opt, const char *s, double *out);
int hg_cli_long(const char *cmd, const char *opt, const char *s, long *out);

#endif
