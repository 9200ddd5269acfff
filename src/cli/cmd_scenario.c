/*
 * cmd_scenario.c: `healthgap scenario SCENARIO... --results DIR --out DIR`: the
 * economic and equity case for an intervention (docs/economics.md). Each
 * SCENARIO is a scenario file, or a folder whose *.scn files are all run; each
 * is read with its intervention library, applied to the published rows of a
 * `healthgap run` results folder, and written to OUT/ID/ (scenario.json and
 * the CSV tables). Prints each headline and the PSA's time.
 */
#include "cli.h"

#include "analysis/scenario.h"
#include "core/fs.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char scn_usage[] =
    "usage: healthgap scenario SCENARIO... --results DIR --out DIR\n"
    "  SCENARIO           a scenario file (docs/economics.md \"Scenario files\"), or a folder\n"
    "                     whose *.scn files are all run\n"
    "  --results DIR      the results folder of `healthgap run` (indicators.csv,\n"
    "                     inequalities.csv, metadata.json)\n"
    "  --out DIR          where to write: one folder per scenario, OUT/ID/\n"
    "  --library FILE     an intervention library added to the scenario's own (repeatable)\n"
    "  --draws N          PSA draws (default: the scenario's, else 10000)\n"
    "  --seed N           PSA seed (default: the scenario's, else 1)\n"
    "  --threads N        threads for the PSA (default: all cores)\n"
    "  --write-draws      also write psa_draws.csv (every draw's figures, a few MB)\n";

typedef struct scn_opts {
	const char *results, *out;
	const char *libs[HG_SCN_MAX_LIBS];
	int nlibs;
	long draws, seed, threads;
	int write_draws;
	char **files;
	int nfiles;
} scn_opts;

static int scn_parse(scn_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
	    {"results", 1, 0, 'r'},     {"out", 1, 0, 'o'},  {"library", 1, 0, 'l'},
	    {"draws", 1, 0, 'd'},       {"seed", 1, 0, 's'}, {"threads", 1, 0, 't'},
	    {"write-draws", 0, 0, 'w'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	memset(o, 0, sizeof *o);
	o->draws = o->seed = -1;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->results = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'l':
			if (o->nlibs == HG_SCN_MAX_LIBS)
				return hg_cli_usage("scenario", scn_usage,
				                    "at most %d --library options",
				                    HG_SCN_MAX_LIBS);
			o->libs[o->nlibs++] = optarg;
			break;
		case 'd':
			if (hg_cli_long("scenario", "--draws", optarg, &o->draws))
				return 2;
			if (o->draws < 1 || o->draws > HG_SCN_MAX_DRAWS)
				return hg_cli_usage("scenario", scn_usage,
				                    "--draws must be 1 to %d", HG_SCN_MAX_DRAWS);
			break;
		case 's':
			if (hg_cli_long("scenario", "--seed", optarg, &o->seed) || o->seed < 0)
				return hg_cli_usage("scenario", scn_usage,
				                    "--seed must be 0 or more");
			break;
		case 't':
			if (hg_cli_long("scenario", "--threads", optarg, &o->threads) ||
			    o->threads < 1 || o->threads > 256)
				return hg_cli_usage("scenario", scn_usage,
				                    "--threads must be 1 to 256");
			break;
		case 'w':
			o->write_draws = 1;
			break;
		case 'h':
			fputs(scn_usage, stdout);
			return -1;
		default:
			return hg_cli_bad_option("scenario", scn_usage, lo, argc, argv);
		}
	}
	if (optind >= argc || !o->results || !o->out)
		return hg_cli_usage("scenario", scn_usage, "give SCENARIO, --results and --out");
	o->files = argv + optind;
	o->nfiles = argc - optind;
	return 0;
}

static int run_one(const scn_opts *o, const char *path)
{
	hg_err err = {0};
	hg_scenario s;
	hg_library lib = {0};
	hg_scn_data d;
	hg_scn_result r;
	if (hg_scenario_load(&s, path, &err))
		return hg_cli_fail("scenario", &err);
	if (o->draws > 0)
		s.draws = o->draws;
	if (o->seed >= 0)
		s.seed = (uint64_t)o->seed;
	if (s.nlibs + o->nlibs == 0) {
		hg_err_set(&err, HG_EUSAGE,
		           "%s names no intervention library: add 'library: PATH' to it (e.g. "
		           "packs/interventions/interventions.csv) or give --library",
		           path);
		return hg_cli_fail("scenario", &err);
	}
	int rc = 0;
	for (int i = 0; rc == 0 && i < s.nlibs; i++)
		rc = hg_library_load(&lib, s.libs[i], &err);
	for (int i = 0; rc == 0 && i < o->nlibs; i++)
		rc = hg_library_load(&lib, o->libs[i], &err);
	if (rc == 0 && hg_scn_data_from_results(&d, o->results, &s, &err) == 0) {
		rc = hg_scn_run(&s, &lib, &d, (int)o->threads, &r, &err);
		if (rc == 0) {
			char dir[HG_PATH_MAX], head[1024];
			snprintf(dir, sizeof dir, "%s/%s", o->out, s.id);
			rc = hg_scn_write(&r, dir, o->write_draws, &err);
			hg_scn_headline(&r, head, sizeof head);
			if (rc == 0)
				printf("%s: %s\n  %s%s; %ld draws in %.2f s; written to %s/\n",
				       s.id, head, hg_data_status_marking(&d.status),
				       d.status.synthetic
				           ? " (a synthetic population: no real people)"
				           : "",
				       r.draws, r.seconds, dir);
			hg_scn_result_free(&r);
		}
		hg_scn_data_free(&d);
	} else {
		rc = 1;
	}
	hg_library_free(&lib);
	return rc ? hg_cli_fail("scenario", &err) : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.scn of a folder, in name order. */
static int run_dir(const scn_opts *o, const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "healthgap scenario: cannot open folder %s\n", dir);
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		size_t k = strlen(e->d_name);
		if (k > 4 && !strcmp(e->d_name + k - 4, ".scn")) {
			HG_GROW(names, n, cap);
			names[n++] = strdup(e->d_name);
		}
	}
	closedir(dp);
	qsort(names, n, sizeof *names, cmp_str);
	int rc = n ? 0 : 1;
	if (!n)
		fprintf(stderr, "healthgap scenario: %s holds no .scn file\n", dir);
	for (size_t i = 0; i < n; i++) {
		char path[HG_PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		rc |= run_one(o, path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int hg_cmd_scenario(int argc, char **argv)
{
	scn_opts o;
	int rc = scn_parse(&o, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	for (int i = 0; i < o.nfiles; i++)
		rc |= hg_is_dir(o.files[i]) ? run_dir(&o, o.files[i]) : run_one(&o, o.files[i]);
	return rc ? 1 : 0;
}
