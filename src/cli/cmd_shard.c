/*
 * cmd_shard.c: `healthgap shard STORE --shards N --out DIR`: split a store's
 * current snapshot by person into N shards, each a verifiable store with the
 * dictionaries whole, listed in DIR/shards.json (store/shard.h), for
 * `mpirun -np R healthgap run PACK --store DIR` (docs/scale.md "Sharded stores").
 */
#include "cli.h"

#include "store/shard.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char shard_usage[] =
    "usage: healthgap shard STORE --shards N --out DIR\n"
    "  STORE         the store to split (its current snapshot)\n"
    "  --shards N    how many shards (1 or more, at most one per person): persons are split\n"
    "                in the store's order into N contiguous, near-equal ranges\n"
    "  --out DIR     a new directory: DIR/shard-0000 ... and DIR/shards.json\n";

int hg_cmd_shard(int argc, char **argv)
{
	static const struct option opts[] = {{"shards", required_argument, NULL, 'n'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *out = NULL;
	long n = 0;
	int c;
	optind = 1;
	opterr = 0; /* hg_cli_bad_option says what is wrong */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'n') {
			if (hg_cli_long("shard", "--shards", optarg, &n))
				return 2;
		} else if (c == 'o') {
			out = optarg;
		} else if (c == 'h') {
			fputs(shard_usage, stdout);
			return 0;
		} else {
			return hg_cli_bad_option("shard", shard_usage, opts, argc, argv);
		}
	}
	if (optind != argc - 1 || !out || n == 0)
		return hg_cli_usage("shard", shard_usage,
		                    "one STORE, --shards and --out are required");
	if (n < 1 || n > HG_SHARDS_MAX)
		return hg_cli_usage("shard", shard_usage, "--shards must be 1 to %d, got %ld",
		                    HG_SHARDS_MAX, n);
	hg_err err = {0};
	hg_store st;
	if (hg_store_open(&st, argv[optind], &err))
		return hg_cli_fail("shard", &err);
	int rc = hg_shards_split(&st, (int)n, out, NULL, &err);
	if (rc == 0)
		printf("%s: %llu persons and %llu events of snapshot %s split into %ld shard%s "
		       "(%s/shard-0000 ...; %s/" HG_SHARDS_FILE ")\n",
		       out, (unsigned long long)st.n_persons, (unsigned long long)st.n_events,
		       st.snapshot, n, n == 1 ? "" : "s", out, out);
	hg_store_close(&st);
	return rc ? hg_cli_fail("shard", &err) : 0;
}
