/*
 * cmd_audit.c: `healthgap audit verify|list --data-dir DIR`: check the
 * dashboard's hash-chained audit log (exit 0 intact, 1 broken), or print
 * its latest entries. Both only read: the data directory, its database and
 * its audit key must exist (a missing key is an error, never recreated).
 * Printed fields show any byte outside printable ASCII as \xNN, so an entry
 * cannot forge a line or send control sequences to the terminal.
 */
#include "cli.h"

#include "server/audit.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char audit_usage[] = "usage: healthgap audit verify --data-dir DIR\n"
                                  "       healthgap audit list --data-dir DIR [--limit N]\n";

static void audit_print(long long seq, const char *ts, const char *actor, const char *address,
                        const char *action, const char *detail, void *arg)
{
	(void)arg;
	/* entries are stored escaped; this also covers any written before that was so */
	const char *in[5] = {ts, *actor ? actor : "-", *address ? address : "-", action, detail};
	hg_buf f[5] = {{0}};
	for (int i = 0; i < 5; i++)
		hg_audit_escape(in[i], 0, &f[i]);
	printf("%6lld %s %-16s %-15s %-18s %s\n", seq, f[0].p, f[1].p, f[2].p, f[3].p, f[4].p);
	for (int i = 0; i < 5; i++)
		hg_buf_free(&f[i]);
}

int hg_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {{"data-dir", 1, NULL, 'd'},
	                                     {"limit", 1, NULL, 'n'},
	                                     {"help", 0, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *dir = NULL;
	long limit = 50;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'n' && hg_cli_long("audit", "--limit", optarg, &limit))
			return 2;
		else if (c == 'h') {
			fputs(audit_usage, stdout);
			return 0;
		} else if (c != 'n')
			return hg_cli_usage("audit", audit_usage, "unknown option");
	}
	const char *verb = optind < argc ? argv[optind] : NULL;
	if (!verb || !dir || (strcmp(verb, "verify") && strcmp(verb, "list")))
		return hg_cli_usage("audit", audit_usage, "give verify or list, and --data-dir");
	hg_db db;
	hg_err err = {0};
	if (hg_db_open_existing(&db, dir, &err))
		return hg_cli_fail("audit", &err);
	int rc;
	if (!strcmp(verb, "list")) {
		rc = hg_audit_each(&db, (int)limit, audit_print, NULL, &err);
	} else {
		hg_audit_report rep;
		rc = hg_audit_verify(&db, &rep, &err);
		if (rc == 0)
			printf("audit log intact: %lld entries, chain verified\n", rep.entries);
	}
	hg_db_close(&db);
	return rc ? hg_cli_fail("audit", &err) : 0;
}
