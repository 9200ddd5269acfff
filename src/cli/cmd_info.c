/*
 * cmd_info.c: `healthgap info` (describe a store) and `healthgap verify`;
 * both take a sharded store too (store/shard.h): info lists its shards, verify
 * verifies each and their shared dictionaries.
 */
#include "cli.h"
#include "store/shard.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static double num(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static const char *strv(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "-";
}

static void info_print(const hg_store *s)
{
	json_t *m = s->manifest;
	json_t *counts = json_object_get(m, "counts");
	json_t *imd = json_object_get(m, "imd");
	json_t *range = json_object_get(m, "date_range");
	json_t *comp = json_object_get(m, "completeness");
	printf("store:        %s\n", s->root);
	printf("snapshot:     %s (created %s, parent %s)\n", s->snapshot, strv(m, "created"),
	       strv(m, "parent"));
	printf("manifest:     blake2b256 %s\n", s->manifest_hash);
	json_t *lin = json_object_get(m, "lineage");
	if (lin) { /* an append (ingest --append): what it added and what it kept */
		json_t *app = json_object_get(lin, "appended");
		printf("lineage:      appended to %s (manifest %.16s...): %lld new persons, %lld "
		       "updated, %lld events; %zu files kept from it; %d event segments\n",
		       strv(lin, "parent"), strv(lin, "parent_manifest"),
		       (long long)json_integer_value(json_object_get(app, "persons_new")),
		       (long long)json_integer_value(json_object_get(app, "persons_updated")),
		       (long long)json_integer_value(json_object_get(app, "events")),
		       json_array_size(json_object_get(lin, "linked_files")), s->n_segments);
	}
	printf("extract date: %s\n", strv(m, "extract_date"));
	printf("persons:      %llu\n", (unsigned long long)s->n_persons);
	printf("events:       %llu (%s to %s)\n", (unsigned long long)s->n_events,
	       strv(range, "first_event"), strv(range, "last_event"));
	json_t *bys = json_object_get(counts, "events_by_setting");
	printf("  by setting: ");
	for (int i = 0; i < HG_SET_N; i++)
		printf("%s %lld%s", hg_setting_names[i],
		       (long long)json_integer_value(json_object_get(bys, hg_setting_names[i])),
		       i + 1 < HG_SET_N ? ", " : "\n");
	printf("codes:        %u distinct\n", s->codes.n);
	printf("practices:    %u\n", s->practices.n);
	printf("LSOAs:        %u\n", s->lsoas.n);
	printf("IMD:          %s (LSOA %s)%s\n", s->imd_version, strv(imd, "lsoa_vintage"),
	       json_is_true(json_object_get(imd, "synthetic")) ? ", SYNTHETIC geography" : "");
	printf("flags:        ");
	for (uint32_t i = 0; i < s->n_flags; i++)
		printf("%s%s", s->flag_names[i], i + 1 < s->n_flags ? ", " : "");
	printf("%s\n", s->n_flags ? "" : "none");
	printf("pseudonyms:   %s\n", strv(json_object_get(m, "pseudonymisation"), "method"));
	printf("completeness:\n");
	printf("  ethnicity not stated      %6.2f%%\n", num(comp, "ethnicity_not_stated_pct"));
	printf("  LSOA unknown              %6.2f%%\n", num(comp, "lsoa_unknown_pct"));
	printf("  LSOA not matched to IMD   %6.2f%%\n", num(comp, "lsoa_not_matched_to_imd_pct"));
	printf("  without a practice        %6.2f%%\n", num(comp, "no_practice_pct"));
	json_t *ing = json_object_get(m, "ingest");
	const char *files[] = {"persons", "events"};
	for (int i = 0; i < 2; i++) {
		json_t *f = json_object_get(ing, files[i]);
		printf("ingest %-7s read %lld, accepted %lld, quarantined %lld\n", files[i],
		       (long long)json_integer_value(json_object_get(f, "read")),
		       (long long)json_integer_value(json_object_get(f, "accepted")),
		       (long long)json_integer_value(json_object_get(f, "quarantined")));
	}
}

/* info of a sharded store: the source snapshot and each shard. */
static int info_shards(const char *dir)
{
	hg_shards s;
	hg_err err = {0};
	if (hg_shards_open(&s, dir, &err))
		return hg_cli_fail("info", &err);
	printf("sharded store  %d shards of snapshot %s (manifest %.16s...)\n", s.n,
	       s.source_snapshot, s.source_manifest);
	printf("persons        %llu\nevents         %llu\n", (unsigned long long)s.n_persons,
	       (unsigned long long)s.n_events);
	for (int k = 0; k < s.n; k++)
		printf("shard %-8d %s: persons %llu from %llu\n", k, s.dir[k],
		       (unsigned long long)s.persons[k], (unsigned long long)s.first[k]);
	hg_shards_free(&s);
	return 0;
}

int hg_cmd_info(int argc, char **argv)
{
	static const char usage[] = "usage: healthgap info STORE [--json]\n";
	const char *dir = NULL;
	int as_json = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			as_json = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!dir)
			dir = argv[i];
		else
			return hg_cli_usage("info", usage, "unexpected argument '%s'", argv[i]);
	}
	if (!dir)
		return hg_cli_usage("info", usage, "a store directory is required");
	if (hg_shards_is(dir) && !as_json)
		return info_shards(dir);
	hg_store s;
	hg_err err = {0};
	if (hg_store_open(&s, dir, &err))
		return hg_cli_fail("info", &err);
	if (as_json)
		json_dumpf(s.manifest, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	else
		info_print(&s);
	if (as_json)
		putchar('\n');
	hg_store_close(&s);
	return 0;
}

int hg_cmd_verify(int argc, char **argv)
{
	static const char usage[] = "usage: healthgap verify STORE\n";
	if (argc != 2 || argv[1][0] == '-') {
		if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(usage, stdout);
			return 0;
		}
		return hg_cli_usage("verify", usage, "one store directory is required");
	}
	/* every checksum first (bytes only), then open: every range check */
	hg_err err = {0};
	int n = 0;
	char snap[64];
	if (hg_shards_is(argv[1])) {
		if (hg_shards_verify(argv[1], &n, &err))
			return hg_cli_fail("verify", &err);
		char src[HG_PATH_MAX];
		snprintf(src, sizeof src, "%s/" HG_SHARDS_SOURCE, argv[1]);
		printf("%s: a sharded store: every shard's %s%d files match their checksums, every "
		       "value is in range, and the shards' dictionaries are the same\n",
		       argv[1], hg_is_dir(src) ? "and the source store's " : "", n);
		return 0;
	}
	if (hg_store_verify(argv[1], &n, snap, &err))
		return hg_cli_fail("verify", &err);
	printf("%s: snapshot %s: all %d files match their checksums, and every value is in range\n",
	       argv[1], snap, n);
	int links = 0;
	char first[64];
	if (hg_store_verify_chain(argv[1], &links, first, &err))
		return hg_cli_fail("verify", &err);
	if (first[0])
		printf("%s: lineage: %d appended snapshot%s checked back to %s%s\n", argv[1], links,
		       links == 1 ? "" : "s", first,
		       links ? "" : " (no longer in the store: its kept files were checked above)");
	return 0;
}
