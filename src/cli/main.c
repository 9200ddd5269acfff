/*
 * main.c: the `healthgap` command: dispatch to subcommands.
 */
#include "cli.h"

#include "core/fs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} hg_cmd;

static const hg_cmd cmds[] = {
    {"synth", hg_cmd_synth, "write a realistic synthetic population (persons.csv, events.csv)"},
    {"ingest", hg_cmd_ingest, "validate, pseudonymise and load CSV extracts into a store"},
    {"info", hg_cmd_info, "describe a store: counts, date range, data completeness"},
    {"verify", hg_cmd_verify, "check every checksum of a store"},
    {"keygen", hg_cmd_keygen, "make a pseudonymisation key file"},
    {"run", hg_cmd_run, "evaluate an indicator pack over a store, with disclosure control"},
    {"worklist", hg_cmd_worklist, "a practice's patients to act on, from a pack's worklists"},
    {"reidentify", hg_cmd_reidentify, "add NHS numbers to a worklist with the practice's key"},
    {"scenario", hg_cmd_scenario,
     "the economic and equity case for an intervention (a run's results)"},
    {"stats", hg_cmd_stats, "indicator statistics and SPC over CSV (PHEindicatormethods)"},
    {"report", hg_cmd_report, "board report (HTML, optional PDF) of gaps and progress"},
    {"serve", hg_cmd_serve, "the dashboard and JSON API (login, roles, audit)"},
    {"user", hg_cmd_user, "add, remove, list dashboard users or change a password"},
    {"audit", hg_cmd_audit, "verify or list the dashboard's hash-chained audit log"},
    {"shard", hg_cmd_shard, "split a store by person into N shards for distributed runs"},
    {"prune", hg_cmd_prune, "remove a store's old snapshots, keeping the newest N"},
};

static void hg_usage(FILE *f)
{
	fprintf(f, "usage: healthgap COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'healthgap COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		hg_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		hg_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("healthgap %s\n", HG_VERSION);
		return 0;
	}
	for (int i = 1; i < argc; i++) /* fs.h: no path is cut short */
		if (strlen(argv[i]) > HG_ARG_MAX) {
			fprintf(stderr,
			        "healthgap: argument %d is %zu bytes long; arguments (paths, "
			        "names) are "
			        "at most %d bytes\n",
			        i, strlen(argv[i]), HG_ARG_MAX);
			return 2;
		}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	const char *names[sizeof cmds / sizeof cmds[0] + 1];
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		names[i] = cmds[i].name;
	names[sizeof cmds / sizeof cmds[0]] = NULL;
	char hint[160];
	fprintf(stderr, "healthgap: unknown command '%s'%s\n", argv[1],
	        hg_cli_did_you_mean(argv[1], names, "", hint, sizeof hint));
	hg_usage(stderr);
	return 2;
}
