/*
 * cmd_ingest.c: `healthgap ingest` (with --shards N: ingest, then split into a sharded
 * store in one step) and `healthgap keygen`.
 */
#include "cli.h"
#include "store/reid.h"
#include "core/date.h"
#include "core/fs.h"
#include "ingest/ingest.h"
#include "ingest/omop.h"
#include "ingest/pseudo.h"
#include "report/labels.h"
#include "store/shard.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char ingest_usage[] =
    "usage: healthgap ingest --persons FILE --events FILE --store DIR [options]\n"
    "       healthgap ingest --omop DIR --store DIR [options]\n"
    "  --omop DIR             OMOP CDM v5.4 tables as CSV (person.csv, observation_period.csv,\n"
    "                         condition_occurrence.csv, ...: docs/omop.md) instead of\n"
    "                         --persons and --events (and --registrations, --addresses)\n"
    "  --omop-codes source|concept  an event's code: its *_source_value (default) or its\n"
    "                         *_concept_id (then codelists hold OMOP concept ids)\n"
    "  --pathways FILE        referral-to-treatment pathways (pathways.csv), optional\n"
    "  --appointments FILE    outpatient and GP appointments (appointments.csv), optional\n"
    "  --registrations FILE   registration history (person, practice, from, to), optional:\n"
    "                         registered and practice are then taken as at each date\n"
    "  --addresses FILE       address history (person, lsoa, from, to), optional: LSOA, IMD\n"
    "                         and places as at each date\n"
    "  --reference DIR        IMD files (imd2019/File_1..., imd2025/...) and practices.csv;\n"
    "                         default: a reference/ folder beside the persons file\n"
    "  --imd 2019|2025        IMD version (default 2019 when available)\n"
    "  --lsoa-lookup FILE     LSOA -> MSOA and local authority (an ONS lookup as published;\n"
    "                         default: lsoa_lookup.csv in the reference folder)\n"
    "  --ethnicity-codelist FILE  when persons.csv has no ethnicity column: each person's\n"
    "                         latest recorded ethnicity code in events, by this codelist's\n"
    "                         category column (an NHS letter or Grouping_16 number)\n"
    "  --area-name NAME       the area's name (\"NHS Example ICB\"), shown with the\n"
    "                         OFFICIAL-SENSITIVE marking of every output\n"
    "  --key-file FILE        pseudonymisation key, required for an nhs_number column\n"
    "  --reid-keys DIR        seal each NHS number to its practice's re-identification\n"
    "                         key (DIR/PRACTICE.pub, from 'healthgap keygen --reid'), so\n"
    "                         that practice alone can re-identify its worklists\n"
    "  --max-reject-rate R    fail when more than R of a file's rows are rejected (0.01)\n"
    "  --extract-date DATE    latest plausible date (default today)\n"
    "  --date-format FORMAT   how the files write dates: YYYY-MM-DD (default; a date-time\n"
    "                         at 00:00:00 is read as its date), DD/MM/YYYY, MM/DD/YYYY,\n"
    "                         DD-MM-YYYY, MM-DD-YYYY, DD.MM.YYYY, YYYY/MM/DD or YYYYMMDD\n"
    "  --encoding ENC         utf-8 (default: checked) or latin1 (Windows-1252, converted)\n"
    "  --threads N            worker threads (default: all cores)\n"
    "  --no-progress          no progress bar\n"
    "  --append               add the files, a batch, to the store's current snapshot: a\n"
    "                         new snapshot that keeps its parent's events (hard links);\n"
    "                         a batch person with a known pseudonym replaces that row;\n"
    "                         to a sharded store that --shards made: the batch added to\n"
    "                         its source, which is split again into its shards\n"
    "  --compact              with --append: write the store's events again as one segment\n"
    "                         before the batch's (automatic when the store already holds\n"
    "                         the most segments a snapshot may, 64)\n"
    "  --shards N             make --store a new sharded store for distributed runs: the\n"
    "                         files ingested as DIR/source, then split by person into N\n"
    "                         shards as 'healthgap shard' does (docs/scale.md); DIR must be\n"
    "                         new or empty, and is written whole or not at all\n";

/* Native or OMOP ingest of p into p->store_dir. */
static int ingest_one(hg_ingest_params *p, const char *omop, int codes, hg_ingest_result *res,
                      hg_err *err)
{
	return omop ? hg_omop_ingest(p, omop, codes, res, err) : hg_ingest_run(p, res, err);
}

/* The source, ingested in the staging directory, split into its n shards there. */
static int split_source(const char *src, int n, const char *staging, const char *label, hg_err *err)
{
	hg_store st;
	if (hg_store_open(&st, src, err))
		return err->code ? err->code : HG_EIO;
	int rc = hg_shards_split(&st, n, staging, label, err);
	hg_store_close(&st);
	return rc ? (err->code ? err->code : HG_EIO) : 0;
}

/* ingest --shards N: ingested as DIR/source and split into DIR's shards, all in a staging
 * directory renamed to DIR at the end (store/shard.h), so a failure or a kill leaves DIR as
 * it was. A snapshot over --max-reject-rate stays in the staging directory (its quarantine
 * files to read) and DIR is not written. */
static int ingest_sharded(hg_ingest_params *p, const char *omop, int codes, int n,
                          hg_ingest_result *res, hg_err *err)
{
	const char *out = p->store_dir;
	char staging[HG_PATH_MAX], src[HG_PATH_MAX], label[HG_PATH_MAX];
	if (hg_shards_stage(out, staging, err))
		return err->code;
	snprintf(src, sizeof src, "%s/" HG_SHARDS_SOURCE, staging);
	snprintf(label, sizeof label, "%s/" HG_SHARDS_SOURCE, out);
	p->store_dir = src;
	int rc = ingest_one(p, omop, codes, res, err);
	p->store_dir = out;
	if (rc == HG_EREJECT) {
		hg_err_wrap(err,
		            "%s was not written (the source store, unpublished, is %s; the next "
		            "ingest --shards into %s removes it)",
		            out, src, out);
		return HG_EREJECT;
	}
	if (rc == 0)
		rc = split_source(src, n, staging, label, err);
	if (rc == 0 && hg_shards_publish(staging, out, err))
		rc = err->code ? err->code : HG_EIO;
	if (rc)
		hg_rm_rf(staging);
	return rc;
}

/* ingest --append over a sharded store that ingest --shards made (DIR/source kept): the
 * batch appended to the source, unpublished; the source's new snapshot split again into
 * DIR's shards by the same rule (hg_shards_resplit: shards.json is the commit); then the
 * source's CURRENT. A failure or a kill before shards.json leaves the old split current. */
static int append_sharded(hg_ingest_params *p, hg_ingest_result *res, hg_err *err)
{
	const char *dir = p->store_dir;
	char src[HG_PATH_MAX], snap[HG_PATH_MAX], label[HG_PATH_MAX];
	snprintf(src, sizeof src, "%s/" HG_SHARDS_SOURCE, dir);
	snprintf(label, sizeof label, "%s", src);
	if (hg_shards_source_sync(dir, err))
		return err->code ? err->code : HG_EIO;
	p->store_dir = src;
	p->no_publish = 1;
	int rc = hg_ingest_run(p, res, err);
	p->store_dir = dir;
	if (rc == HG_EREJECT)
		hg_err_wrap(err, "%s: its shards were not changed", dir);
	if (rc)
		return rc;
	snprintf(snap, sizeof snap, "%s/%s", src, res->snapshot);
	hg_store st;
	if (hg_store_open(&st, snap, err) == 0) {
		rc = hg_shards_resplit(&st, dir, label, err) ? -1 : 0;
		hg_store_close(&st);
	} else {
		rc = -1;
	}
	if (rc) { /* never listed: the next append starts from the source's CURRENT */
		hg_rm_rf(snap);
		return err->code ? err->code : HG_EIO;
	}
	char cur[HG_PATH_MAX], line[80];
	int len = snprintf(line, sizeof line, "%s\n", res->snapshot);
	snprintf(cur, sizeof cur, "%s/CURRENT", src);
	return hg_write_file_atomic(cur, line, (size_t)len, err) ? err->code : 0;
}

int hg_cmd_ingest(int argc, char **argv)
{
	hg_ingest_params p;
	hg_ingest_defaults(&p);
	p.progress = isatty(2);
	static const struct option opts[] = {{"persons", required_argument, 0, 'p'},
	                                     {"events", required_argument, 0, 'e'},
	                                     {"pathways", required_argument, 0, 'P'},
	                                     {"appointments", required_argument, 0, 'A'},
	                                     {"registrations", required_argument, 0, 'G'},
	                                     {"addresses", required_argument, 0, 'H'},
	                                     {"store", required_argument, 0, 's'},
	                                     {"reference", required_argument, 0, 'r'},
	                                     {"key-file", required_argument, 0, 'k'},
	                                     {"reid-keys", required_argument, 0, 'R'},
	                                     {"max-reject-rate", required_argument, 0, 'm'},
	                                     {"extract-date", required_argument, 0, 'x'},
	                                     {"imd", required_argument, 0, 'i'},
	                                     {"ethnicity-codelist", required_argument, 0, 'C'},
	                                     {"lsoa-lookup", required_argument, 0, 'L'},
	                                     {"area-name", required_argument, 0, 'a'},
	                                     {"date-format", required_argument, 0, 'D'},
	                                     {"encoding", required_argument, 0, 'E'},
	                                     {"threads", required_argument, 0, 't'},
	                                     {"no-progress", no_argument, 0, 'n'},
	                                     {"append", no_argument, 0, 'U'},
	                                     {"compact", no_argument, 0, 'K'},
	                                     {"omop", required_argument, 0, 'O'},
	                                     {"omop-codes", required_argument, 0, 'Q'},
	                                     {"shards", required_argument, 0, 'S'},
	                                     {"help", no_argument, 0, 'h'},
	                                     {0, 0, 0, 0}};
	int o, codes = HG_OMOP_CODES_SOURCE;
	long shards = 0;
	const char *omop = NULL;
	optind = 1;
	opterr = 0; /* hg_cli_bad_option says what is wrong */
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		long l;
		switch (o) {
		case 'p':
			p.persons_path = optarg;
			break;
		case 'e':
			p.events_path = optarg;
			break;
		case 'P':
			p.pathways_path = optarg;
			break;
		case 'A':
			p.appointments_path = optarg;
			break;
		case 'G':
			p.registrations_path = optarg;
			break;
		case 'H':
			p.addresses_path = optarg;
			break;
		case 's':
			p.store_dir = optarg;
			break;
		case 'r':
			p.reference_dir = optarg;
			break;
		case 'R':
			p.reid_keys = optarg;
			break;
		case 'k':
			p.key_file = optarg;
			break;
		case 'i':
			p.imd_version = optarg;
			break;
		case 'C':
			p.ethnicity_codelist = optarg;
			break;
		case 'L':
			p.lsoa_lookup = optarg;
			break;
		case 'a':
			p.area_name = optarg;
			break;
		case 'D': {
			hg_err e = {0};
			if (hg_date_format_check(optarg, &e))
				return hg_cli_usage("ingest", ingest_usage, "%s", e.msg);
			p.date_format = optarg;
			break;
		}
		case 'E': {
			hg_err e = {0};
			if (hg_encoding_kind(optarg, &e) < 0)
				return hg_cli_usage("ingest", ingest_usage, "%s", e.msg);
			p.encoding = optarg;
			break;
		}
		case 'm':
			if (hg_cli_double("ingest", "--max-reject-rate", optarg,
			                  &p.max_reject_rate))
				return 2;
			if (p.max_reject_rate < 0 || p.max_reject_rate > 1)
				return hg_cli_usage("ingest", ingest_usage,
				                    "--max-reject-rate must be between 0 and 1");
			break;
		case 'x':
			if (hg_date_parse(optarg, strlen(optarg), 0, &p.extract_date, NULL))
				return hg_cli_usage("ingest", ingest_usage,
				                    "--extract-date expects YYYY-MM-DD");
			break;
		case 't':
			if (hg_cli_long("ingest", "--threads", optarg, &l))
				return 2;
			p.threads = (int)l;
			break;
		case 'n':
			p.progress = 0;
			break;
		case 'U':
			p.append = 1;
			break;
		case 'K':
			p.compact = 1;
			break;
		case 'O':
			omop = optarg;
			break;
		case 'S':
			if (hg_cli_long("ingest", "--shards", optarg, &shards))
				return 2;
			if (shards < 1 || shards > HG_SHARDS_MAX)
				return hg_cli_usage("ingest", ingest_usage,
				                    "--shards must be 1 to %d, got %ld",
				                    HG_SHARDS_MAX, shards);
			break;
		case 'Q': {
			hg_err e = {0};
			if ((codes = hg_omop_codes_parse(optarg, &e)) < 0)
				return hg_cli_usage("ingest", ingest_usage, "%s", e.msg);
			break;
		}
		case 'h':
			fputs(ingest_usage, stdout);
			return 0;
		default:
			return hg_cli_bad_option("ingest", ingest_usage, opts, argc, argv);
		}
	}
	if (omop && (p.persons_path || p.events_path || p.registrations_path || p.addresses_path ||
	             p.append))
		return hg_cli_usage("ingest", ingest_usage,
		                    "--omop reads persons, events, registrations and addresses "
		                    "from the OMOP tables: give it without --persons, --events, "
		                    "--registrations, --addresses and --append");
	if (omop && p.date_format)
		return hg_cli_usage(
		    "ingest", ingest_usage,
		    "--omop reads dates as the OMOP CDM writes them (YYYY-MM-DD, or a "
		    "date-time at 00:00:00): give it without --date-format");
	if (!omop && (!p.persons_path || !p.events_path || !p.store_dir))
		return hg_cli_usage("ingest", ingest_usage,
		                    "--persons, --events and --store are required (or --omop DIR "
		                    "and --store)");
	if (!p.store_dir)
		return hg_cli_usage("ingest", ingest_usage, "--store is required");
	if (shards && p.append)
		return hg_cli_usage(
		    "ingest", ingest_usage,
		    "--shards writes a new sharded store and --append adds to an "
		    "existing store: give --append alone (a sharded store that ingest "
		    "--shards made takes it; docs/scale.md)");
	if (p.compact && !p.append)
		return hg_cli_usage("ingest", ingest_usage,
		                    "--compact compacts an append: give --append too");
	hg_ingest_result res;
	hg_err err = {0};
	if (p.area_name && hg_area_name_check(p.area_name, &err))
		return hg_cli_usage("ingest", ingest_usage, "%s", err.msg);
	char src[HG_PATH_MAX];
	snprintf(src, sizeof src, "%s/" HG_SHARDS_SOURCE, p.store_dir);
	int sharded_append = p.append && hg_shards_is(p.store_dir) && hg_is_dir(src);
	int rc = shards           ? ingest_sharded(&p, omop, codes, (int)shards, &res, &err)
	         : sharded_append ? append_sharded(&p, &res, &err)
	                          : ingest_one(&p, omop, codes, &res, &err);
	if (rc == HG_EREJECT) {
		fprintf(stderr, "healthgap ingest: %s\n", err.msg);
		return 3;
	}
	if (rc)
		return hg_cli_fail("ingest", &err);
	if (sharded_append)
		printf("snapshot %s of %s/" HG_SHARDS_SOURCE " split again into %s's shards\n",
		       res.snapshot, p.store_dir, p.store_dir);
	else if (shards)
		printf("snapshot %s split into %ld shard%s: %s is a sharded store (%s/shard-0000 "
		       "...; the source store %s/" HG_SHARDS_SOURCE ")\n",
		       res.snapshot, shards, shards == 1 ? "" : "s", p.store_dir, p.store_dir,
		       p.store_dir);
	else
		printf("snapshot %s is now current in %s\n", res.snapshot, p.store_dir);
	return 0;
}

int hg_cmd_keygen(int argc, char **argv)
{
	static const char usage[] =
	    "usage: healthgap keygen --out FILE\n"
	    "  writes 32 random bytes (hex) readable by you only; keep it secret and never in "
	    "the store\n"
	    "       healthgap keygen --reid --practice CODE --out DIR\n"
	    "  a practice's re-identification key pair: DIR/CODE.pub for the data environment's "
	    "ingest,\n"
	    "  DIR/CODE.key (mode 0600) kept by the practice alone (docs/security.md)\n";
	const char *out = NULL, *practice = NULL;
	int reid = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--practice") && i + 1 < argc)
			practice = argv[++i];
		else if (!strcmp(argv[i], "--reid"))
			reid = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else
			return hg_cli_usage("keygen", usage, "unexpected argument '%s'", argv[i]);
	}
	if (!out)
		return hg_cli_usage("keygen", usage, "--out is required");
	hg_err err = {0};
	if (reid || practice) {
		if (!reid || !practice)
			return hg_cli_usage("keygen", usage, "--reid and --practice go together");
		if (hg_reid_keygen(out, practice, &err))
			return hg_cli_fail("keygen", &err);
		printf(
		    "wrote %s/%s.pub (give it to the data environment) and %s/%s.key (mode 0600: "
		    "keep it at the practice)\n",
		    out, practice, out, practice);
		return 0;
	}
	if (hg_key_generate(out, &err))
		return hg_cli_fail("keygen", &err);
	printf("wrote key %s (mode 0600)\n", out);
	return 0;
}
