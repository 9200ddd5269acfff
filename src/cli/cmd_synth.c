/*
 * cmd_synth.c: `healthgap synth`: write a realistic synthetic population.
 */
#include "cli.h"

#include "core/date.h"
#include "core/fs.h"
#include "ingest/omop.h"
#include "synth/synth.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char synth_usage[] =
    "usage: healthgap synth --people N --seed S --out DIR [options]\n"
    "\n"
    "Write a synthetic GP-registered population with primary-care, prescribing and\n"
    "hospital events into DIR: persons.csv, events.csv, reference/practices.csv and,\n"
    "without --reference, a synthetic IMD 2019 lookup (reference/imd2019/, marked by\n"
    "reference/SYNTHETIC). The output is byte-for-byte deterministic for a seed.\n"
    "See docs/synthetic-data.md for the model, its sources and the coding conventions.\n"
    "\n"
    "options:\n"
    "  --people N          people ever registered during the window (required)\n"
    "  --seed S            random seed, a whole number (default 1)\n"
    "  --out DIR           output directory, created if needed (required)\n"
    "  --reference DIR     use real LSOAs, IMD 2019 deciles and ONS mid-2019 age/sex\n"
    "                      structure from DIR (imd2019/File_1_..., population/...)\n"
    "  --area CODES        comma-separated LAD 2019 codes used with --reference\n"
    "                      (default: the ten Greater Manchester boroughs E08000001-10)\n"
    "  --start DATE        window start, YYYY-MM-DD (default 2016-04-01)\n"
    "  --end DATE          window end and extract date (default 2026-03-31)\n"
    "  --corrupt-rate R    share of rows that are malformed extra rows, 0 <= R < 0.5;\n"
    "                      they are listed in DIR/corruptions.csv (file,line,kind)\n"
    "  --format csv|omop   csv (default): the native files; omop: the same population as\n"
    "                      OMOP CDM v5.4 tables (person.csv, observation_period.csv, ...,\n"
    "                      docs/omop.md), with pathways.csv and appointments.csv as they are\n"
    "  --ethnicity-as column|codes\n"
    "                      column (default): persons.csv's ethnicity column; codes: each\n"
    "                      person's category as SNOMED CT ethnicity codes in events.csv (most\n"
    "                      people one, some two over time, some none) and a hospital-recorded\n"
    "                      category in an ethnicity_hospital column, with the codelist used\n"
    "                      (DIR/ethnicity_2001_census.csv) for ingest --ethnicity-codelist;\n"
    "                      the derived categories are the column's person for person\n"
    "  --codelists DIR     code lists to draw codes from\n"
    "                      (default: packs/core20plus5/codelists near the executable)\n"
    "  --threads N         worker threads (default: all CPUs; output does not depend on it)\n"
    "  --quiet             no summary line\n"
    "  -h, --help          this text\n";

static int synth_date(const char *opt, const char *s, hg_date *out)
{
	int prec;
	if (hg_date_parse(s, strlen(s), 0, out, &prec))
		return hg_cli_usage("synth", synth_usage, "%s expects a date YYYY-MM-DD, got '%s'",
		                    opt, s);
	return 0;
}

static int synth_opt(hg_synth_params *p, const char *opt, const char *val)
{
	long v;
	double d;
	if (!strcmp(opt, "--people")) {
		if (hg_cli_long("synth", opt, val, &v))
			return 2;
		p->people = v;
	} else if (!strcmp(opt, "--seed")) {
		if (hg_cli_long("synth", opt, val, &v))
			return 2;
		p->seed = (uint64_t)v;
	} else if (!strcmp(opt, "--out")) {
		p->out_dir = val;
	} else if (!strcmp(opt, "--reference")) {
		p->reference_dir = val;
	} else if (!strcmp(opt, "--area")) {
		p->areas = val;
	} else if (!strcmp(opt, "--start")) {
		return synth_date(opt, val, &p->start);
	} else if (!strcmp(opt, "--end")) {
		return synth_date(opt, val, &p->end);
	} else if (!strcmp(opt, "--corrupt-rate")) {
		if (hg_cli_double("synth", opt, val, &d))
			return 2;
		p->corrupt_rate = d;
	} else if (!strcmp(opt, "--ethnicity-as")) {
		if (strcmp(val, "column") && strcmp(val, "codes"))
			return hg_cli_usage("synth", synth_usage,
			                    "--ethnicity-as '%s': give column or codes", val);
		p->ethnicity_codes = !strcmp(val, "codes");
	} else if (!strcmp(opt, "--codelists")) {
		p->codelists_dir = val;
	} else if (!strcmp(opt, "--threads")) {
		if (hg_cli_long("synth", opt, val, &v))
			return 2;
		p->threads = (int)v;
	}
	return 0;
}

/* Is opt one of synth's options that take a value? */
static const char *const synth_opts[] = {
    "people",    "seed",    "out",   "reference", "area",   "start",        "end", "corrupt-rate",
    "codelists", "threads", "quiet", "help",      "format", "ethnicity-as", NULL};

static int synth_known(const char *opt)
{
	for (size_t k = 0; synth_opts[k]; k++)
		if (!strcmp(opt + 2, synth_opts[k]))
			return 1;
	return 0;
}

static int synth_args(int argc, char **argv, hg_synth_params *p, int *people_given, int *omop)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "csv") && strcmp(f, "omop"))
				return hg_cli_usage("synth", synth_usage,
				                    "--format '%s': give csv or omop", f);
			*omop = !strcmp(f, "omop");
			continue;
		}
		if (!strcmp(a, "--quiet")) {
			p->quiet = 1;
			continue;
		}
		if (strncmp(a, "--", 2))
			return hg_cli_usage("synth", synth_usage, "unexpected argument '%s'", a);
		char hint[160];
		if (!synth_known(a))
			return hg_cli_usage(
			    "synth", synth_usage, "unknown option '%s'%s", a,
			    hg_cli_did_you_mean(a + 2, synth_opts, "--", hint, sizeof hint));
		if (i + 1 >= argc)
			return hg_cli_usage("synth", synth_usage, "%s needs a value", a);
		if (!strcmp(a, "--people"))
			*people_given = 1;
		int rc = synth_opt(p, a, argv[++i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Move OUT/.native-PID/NAME to OUT/NAME, when it is there. */
static int move_up(const char *tmp, const char *out, const char *name, hg_err *err)
{
	char from[HG_PATH_MAX], to[HG_PATH_MAX];
	snprintf(from, sizeof from, "%s/%s", tmp, name);
	snprintf(to, sizeof to, "%s/%s", out, name);
	if (!hg_path_exists(from))
		return 0;
	hg_rm_rf(to);
	if (rename(from, to))
		return hg_err_set(err, HG_EIO, "%s: cannot move to %s", from, to);
	return 0;
}

/* --format omop: the native files into a private folder, then as OMOP tables into --out
 * (hg_omop_from_native); the reference folder and the trust's files (which OMOP has no
 * tables for) are moved beside them. */
static int synth_omop(hg_synth_params *p)
{
	char tmp[HG_PATH_MAX];
	const char *out = p->out_dir;
	hg_err err = {0};
	snprintf(tmp, sizeof tmp, "%s/.native-%ld", out, (long)getpid());
	p->out_dir = tmp;
	int rc = hg_synth_run(p, &err);
	static const char *const keep[] = {"reference", "pathways.csv", "appointments.csv",
	                                   "SYNTHETIC", "ethnicity_2001_census.csv"};
	if (!rc)
		rc = hg_omop_from_native(tmp, out, p->end, &err);
	for (size_t k = 0; k < sizeof keep / sizeof keep[0] && !rc; k++)
		rc = move_up(tmp, out, keep[k], &err);
	hg_rm_rf(tmp);
	p->out_dir = out;
	if (rc)
		return err.code == HG_EUSAGE ? hg_cli_usage("synth", synth_usage, "%s", err.msg)
		                             : hg_cli_fail("synth", &err);
	return 0;
}

int hg_cmd_synth(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(synth_usage, stdout);
			return 0;
		}
	hg_synth_params p;
	hg_synth_defaults(&p);
	int people_given = 0, omop = 0, rc = synth_args(argc, argv, &p, &people_given, &omop);
	if (rc)
		return rc;
	if (!people_given)
		return hg_cli_usage("synth", synth_usage, "--people is required");
	if (!p.out_dir)
		return hg_cli_usage("synth", synth_usage, "--out is required");
	if (p.people < 1)
		return hg_cli_usage("synth", synth_usage, "--people must be at least 1");
	if (p.areas && !p.reference_dir)
		return hg_cli_usage("synth", synth_usage, "--area needs --reference");
	if (p.threads < 0)
		return hg_cli_usage("synth", synth_usage, "--threads must be positive");
	if (p.corrupt_rate > 0 && omop)
		return hg_cli_usage("synth", synth_usage,
		                    "--corrupt-rate writes native files: give it without --format "
		                    "omop");
	hg_err err = {0};
	if (omop)
		return synth_omop(&p);
	if (hg_synth_run(&p, &err))
		return err.code == HG_EUSAGE ? hg_cli_usage("synth", synth_usage, "%s", err.msg)
		                             : hg_cli_fail("synth", &err);
	return 0;
}
