/*
 * cmd_prune.c: `healthgap prune --store DIR --keep N [--dry-run]`: remove a
 * store's old snapshots, keeping the newest N and the current one
 * (store/prune.h), and say what was removed and kept, with the space freed.
 */
#include "cli.h"

#include "store/prune.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char prune_usage[] =
    "usage: healthgap prune --store DIR --keep N [--dry-run]\n"
    "  --store DIR   the store (the directory holding CURRENT)\n"
    "  --keep N      how many of the newest snapshots to keep (at least 1); the current\n"
    "                snapshot is always kept\n"
    "  --dry-run     only say what would be removed\n";

/* "85.3 MB", "12 kB" */
static const char *prune_size(uint64_t bytes, char buf[32])
{
	if (bytes >= 1000000000ULL)
		snprintf(buf, 32, "%.1f GB", (double)bytes / 1e9);
	else if (bytes >= 1000000ULL)
		snprintf(buf, 32, "%.1f MB", (double)bytes / 1e6);
	else
		snprintf(buf, 32, "%.0f kB", (double)bytes / 1e3);
	return buf;
}

static void prune_report(const char *store, const hg_prune *p, int dry_run)
{
	char sz[32];
	int removed = 0;
	for (int i = 0; i < p->n; i++) {
		const hg_prune_snap *s = &p->snaps[i];
		removed += s->removed;
		printf("%s %s (%s)%s\n",
		       s->removed ? (dry_run ? "would remove" : "removed") : "kept        ",
		       s->name, prune_size(s->bytes, sz), s->current ? ", current" : "");
	}
	printf("%s %d of %d snapshot%s in %s, %s%s\n", dry_run ? "would remove" : "removed",
	       removed, p->n, p->n == 1 ? "" : "s", store, prune_size(p->bytes_removed, sz),
	       dry_run ? "" : " freed");
}

int hg_cmd_prune(int argc, char **argv)
{
	static const struct option opts[] = {{"store", required_argument, NULL, 's'},
	                                     {"keep", required_argument, NULL, 'k'},
	                                     {"dry-run", no_argument, NULL, 'n'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *store = NULL;
	long keep = 0;
	int dry_run = 0, c, have_keep = 0;
	optind = 1;
	opterr = 0; /* hg_cli_bad_option says what is wrong */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 's') {
			store = optarg;
		} else if (c == 'k') {
			if (hg_cli_long("prune", "--keep", optarg, &keep))
				return 2;
			have_keep = 1;
		} else if (c == 'n') {
			dry_run = 1;
		} else if (c == 'h') {
			fputs(prune_usage, stdout);
			return 0;
		} else {
			return hg_cli_bad_option("prune", prune_usage, opts, argc, argv);
		}
	}
	if (optind < argc)
		return hg_cli_usage("prune", prune_usage, "unexpected argument '%s'", argv[optind]);
	if (!store || !have_keep)
		return hg_cli_usage("prune", prune_usage, "--store and --keep are required");
	if (keep < 1 || keep > 1000000)
		return hg_cli_usage("prune", prune_usage,
		                    "--keep must be 1 or more (the current snapshot is always "
		                    "kept), got %ld",
		                    keep);
	hg_prune p;
	hg_err err = {0};
	int rc = hg_store_prune(store, (int)keep, dry_run, &p, &err);
	if (rc == 0)
		prune_report(store, &p, dry_run);
	hg_prune_free(&p);
	return rc ? hg_cli_fail("prune", &err) : 0;
}
