/*
 * cmd_run.c: `healthgap run PACK --store DIR --out DIR [OPTIONS]`: load and
 * check a pack (its codelists optionally from --codelists DIR or --codelist
 * NAME=FILE), check it against the store (one line per codelist: codes found
 * and events; every data problem listed; --strict makes warnings errors),
 * compile it for the store, evaluate it in one pass, apply disclosure control
 * and the statistics, and write the outputs, then the inequality and
 * monitoring analysis of the published rows (engine/analysis.h:
 * inequalities.csv/.json, monitoring.csv/.json). `run --check PACK` only
 * parses and checks; with --store it also checks against the store. Under
 * `mpirun -np N` each rank evaluates its range of persons and rank 0 writes
 * (engine/dist.h, docs/scale.md); the other ranks print nothing but errors.
 */
#include "cli.h"

#include "core/date.h"
#include "core/fs.h"
#include "analysis/publish.h"
#include "engine/dist.h"
#include "engine/engine.h"
#include "lang/codelists.h"
#include "lang/lang.h"
#include "report/labels.h"
#include "store/shard.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char run_usage[] =
    "usage: healthgap run PACK --store DIR --out DIR [OPTIONS]\n"
    "  --store DIR             the store to read (its current snapshot)\n"
    "  --out DIR               where indicators.csv, .json, .xlsx and metadata.json go\n"
    "  --sdc k7|k5|k10|none    disclosure control (default k7: 1-7 suppressed, round to 5)\n"
    "  --period-end YYYY-MM-DD one period per indicator ending then, of the indicator's own\n"
    "                          length (a quarter, 12 or 36 months ...; docs/language.md)\n"
    "  --format LIST           any of csv,json,xlsx (default all three)\n"
    "  --threads N             worker threads (default: all cores)\n"
    "  --objectives FILE       targets and polarity per indicator (default: objectives.csv\n"
    "                          beside the pack, when there is one)\n"
    "  --area-name NAME        the area's name for the outputs' marking (default: the one\n"
    "                          recorded by ingest --area-name)\n"
    "  --codelists DIR         read each codelist file of the pack from DIR when it is there\n"
    "                          (same file name, or an OpenCodelists download *-NAME.csv)\n"
    "  --codelist NAME=FILE    read codelist NAME from FILE instead (repeatable)\n"
    "  --population FILE       ONS mid-year population estimates by LSOA, sex and single\n"
    "                          year of age, for 'denominator: residents' (docs/data-model.md)\n"
    "  --strict                a codelist that matches no event, an indicator whose\n"
    "                          denominator is 0 in every period and every other warning\n"
    "                          about the data is an error: nothing is written\n"
    "  --quiet                 no line per codelist (warnings and errors still shown)\n"
    "  --check                 only parse and check the pack; with --store, also check it\n"
    "                          against the store (codelists, flags, practices) without\n"
    "                          running, listing every problem\n";

typedef struct hg_run_opts {
	const char *pack, *store, *out, *objectives, *area_name;
	const char *codelist_dir;
	const char *population; /* --population FILE, or NULL */
	hg_codelist_sub *subs;  /* --codelist NAME=FILE (malloc'd) */
	int nsubs;
	int sdc_k, formats, threads, check, strict, quiet;
	char sdc_rule[16];
	hg_date period_end;
	const hg_dist *dist; /* MPI ranks, or one process */
	/* a sharded store (store/shard.h): this rank's shards and the snapshot they split */
	int sharded, idle, nmore, nshards;
	const char *const *more, *const *more_hash;
	const char *data_snapshot, *data_manifest;
	const uint64_t *code_events; /* the whole's events per code, for the coverage */
} hg_run_opts;

static int run_parse_sdc(hg_run_opts *o, const char *s)
{
	snprintf(o->sdc_rule, sizeof o->sdc_rule, "%s", s);
	if (!strcmp(s, "none"))
		o->sdc_k = 0;
	else if (!strcmp(s, "k5"))
		o->sdc_k = 5;
	else if (!strcmp(s, "k7"))
		o->sdc_k = 7;
	else if (!strcmp(s, "k10"))
		o->sdc_k = 10;
	else
		return hg_cli_usage("run", run_usage, "--sdc expects k7, k5, k10 or none");
	return 0;
}

static int run_parse_formats(hg_run_opts *o, const char *s)
{
	o->formats = 0;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", s);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "csv"))
			o->formats |= HG_OUT_CSV;
		else if (!strcmp(t, "json"))
			o->formats |= HG_OUT_JSON;
		else if (!strcmp(t, "xlsx"))
			o->formats |= HG_OUT_XLSX;
		else
			return hg_cli_usage("run", run_usage, "unknown format '%s'", t);
	}
	return o->formats ? 0 : hg_cli_usage("run", run_usage, "--format is empty");
}

/* --codelist NAME=FILE */
static int run_parse_sub(hg_run_opts *o, char *arg)
{
	char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		return hg_cli_usage("run", run_usage,
		                    "--codelist expects NAME=FILE (e.g. hyp=hyp_cod.csv), got '%s'",
		                    arg);
	*eq = 0;
	o->subs[o->nsubs++] = (hg_codelist_sub){arg, eq + 1};
	return 0;
}

static int run_opts_parse(hg_run_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {{"store", required_argument, NULL, 's'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"sdc", required_argument, NULL, 'k'},
	                                     {"period-end", required_argument, NULL, 'e'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"threads", required_argument, NULL, 't'},
	                                     {"check", no_argument, NULL, 'c'},
	                                     {"objectives", required_argument, NULL, 'O'},
	                                     {"area-name", required_argument, NULL, 'a'},
	                                     {"codelists", required_argument, NULL, 'C'},
	                                     {"codelist", required_argument, NULL, 'L'},
	                                     {"strict", no_argument, NULL, 'S'},
	                                     {"population", required_argument, NULL, 'P'},
	                                     {"quiet", no_argument, NULL, 'q'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof *o);
	o->subs = hg_xcalloc((size_t)argc + 1, sizeof *o->subs);
	o->sdc_k = 7;
	snprintf(o->sdc_rule, sizeof o->sdc_rule, "k7");
	o->formats = HG_OUT_CSV | HG_OUT_JSON | HG_OUT_XLSX;
	o->period_end = HG_DATE_NONE;
	int c, rc;
	long n;
	hg_err aerr = {0};
	optind = 1;
	opterr = 0; /* hg_cli_bad_option says what is wrong */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->store = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'k':
			if ((rc = run_parse_sdc(o, optarg)) != 0)
				return rc;
			break;
		case 'e':
			if (hg_date_parse(optarg, strlen(optarg), 0, &o->period_end, NULL) != 0)
				return hg_cli_usage("run", run_usage,
				                    "--period-end expects YYYY-MM-DD, got '%s'",
				                    optarg);
			break;
		case 'f':
			if ((rc = run_parse_formats(o, optarg)) != 0)
				return rc;
			break;
		case 't':
			if ((rc = hg_cli_long("run", "--threads", optarg, &n)) != 0)
				return rc;
			o->threads = (int)n;
			break;
		case 'c':
			o->check = 1;
			break;
		case 'O':
			o->objectives = optarg;
			break;
		case 'a':
			if (hg_area_name_check(optarg, &aerr))
				return hg_cli_usage("run", run_usage, "%s", aerr.msg);
			o->area_name = optarg;
			break;
		case 'C':
			o->codelist_dir = optarg;
			break;
		case 'L':
			if ((rc = run_parse_sub(o, optarg)) != 0)
				return rc;
			break;
		case 'S':
			o->strict = 1;
			break;
		case 'P':
			o->population = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(run_usage, stdout);
			return -1;
		default:
			return hg_cli_bad_option("run", run_usage, opts, argc, argv);
		}
	}
	if (optind >= argc)
		return hg_cli_usage("run", run_usage, "no pack file given");
	o->pack = argv[optind];
	if (!o->check && (!o->store || !o->out))
		return hg_cli_usage("run", run_usage, "--store and --out are required");
	return 0;
}

/* inequalities.csv/.json and monitoring.csv/.json from the published rows. */
/* 41203 -> "41,203" */
static const char *run_thousands(uint64_t v, char buf[32])
{
	char raw[24];
	int n = snprintf(raw, sizeof raw, "%llu", (unsigned long long)v), k = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = raw[i];
	}
	buf[k] = 0;
	return buf;
}

/* "codelist hyp: 5 of 5 codes found, 41,203 events (read from ..., --codelists)" */
static void run_print_cover(const hg_cl_cover *c)
{
	char ev[32];
	if (c->named)
		printf("codelist %s", c->label);
	else
		printf("codelist %s (line %d)", c->expr, c->line);
	if (c->list && c->prefix)
		printf(": %u of %u codes found by prefix (%u store codes)", c->found, c->listed,
		       c->store_codes);
	else if (c->list)
		printf(": %u of %u codes found", c->found, c->listed);
	else
		printf("%s%s: %u codes found", c->named ? " = " : "", c->named ? c->expr : "",
		       c->store_codes);
	printf(", %s event%s", run_thousands(c->events, ev), c->events == 1 ? "" : "s");
	if (c->replaced == 1)
		printf(" (read from %s, --codelists)", c->file);
	else if (c->replaced == 2)
		printf(" (read from %s, --codelist)", c->file);
	putchar('\n');
}

/* Codelist coverage and every data problem; 1 when there is an error. */
static int run_data_check(const hg_run_opts *o, const hg_pack *pk, const hg_store *st)
{
	hg_cl_cover *cov;
	int ncov;
	hg_pack_coverage_counts(pk, st, o->code_events, &cov, &ncov);
	for (int i = 0; i < ncov && !o->quiet; i++)
		run_print_cover(&cov[i]);
	fflush(stdout);
	hg_diags d = {0};
	hg_pack_check_store(pk, st, cov, ncov, o->strict, &d);
	int loud = hg_dist_root(o->dist); /* every rank finds the same: rank 0 says it */
	for (int i = 0; i < d.n && loud; i++)
		fprintf(stderr, "healthgap run: %s\n", d.d[i].msg);
	int bad = d.nerrors > 0;
	if (bad && loud)
		fprintf(stderr, "healthgap run: %d error%s in the pack against the store%s\n",
		        d.nerrors, d.nerrors == 1 ? "" : "s",
		        o->check ? "" : "; nothing was run or written");
	hg_diags_free(&d);
	free(cov);
	return bad;
}

/* Warn (or, with --strict, err) about each indicator whose denominator is 0 in every period. */
static void run_zero_dens(const hg_published *p, int strict)
{
	for (int k = 0; k < p->nzero; k++) {
		const hg_indicator *ind = p->inds[p->zero_den[k]];
		fprintf(stderr,
		        "healthgap run: %s: indicator %s (%s) has a denominator of 0 in every "
		        "period: no one in the store meets its denominator%s\n",
		        strict ? "error" : "warning", ind->id, ind->name,
		        ind->events ? " (population)" : "");
	}
}

/* The analysis files run writes beside indicators.*: CSV and JSON as asked. */
static int run_analysis_formats(int formats)
{
	return (formats & HG_OUT_CSV ? HG_AN_CSV : 0) | (formats & HG_OUT_JSON ? HG_AN_JSON : 0);
}

static int run_eval(const hg_run_opts *o, hg_pack *pk, hg_store *st, hg_err *err)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hg_objectives obj;
	if (hg_objectives_load_default(&obj, o->objectives, o->pack, err) != 0)
		return 1;
	int aformats = run_analysis_formats(o->formats);
	/* the workbook has the analysis's sheets too */
	hg_publish_opts po = {.threads = o->threads,
	                      .sdc_k = o->sdc_k,
	                      .analyse = aformats || (o->formats & HG_OUT_XLSX),
	                      .obj = &obj,
	                      .dist = o->dist,
	                      .sharded = o->sharded,
	                      .idle = o->idle,
	                      .nmore = o->nmore,
	                      .more = o->more,
	                      .more_hash = o->more_hash,
	                      .population = o->population};
	hg_published p;
	int rc = hg_publish(pk, st, &po, &p, err);
	if (rc || p.follower) { /* a rank but 0 has sent its share: rank 0 writes */
		if (rc == 0)
			hg_published_free(&p);
		hg_objectives_free(&obj);
		return rc ? 1 : 0;
	}
	run_zero_dens(&p, o->strict);
	if (p.nzero && o->strict)
		rc = hg_err_set(err, HG_EINPUT,
		                "--strict: an indicator's denominator is 0 in every period; "
		                "nothing was written");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	hg_data_status status;
	hg_data_status_from_manifest(st->manifest, o->area_name, &status);
	hg_run_meta m = {
	    .pack_path = o->pack,
	    .pack_hash = hg_pack_hash(pk),
	    .store_dir = o->store,
	    /* a sharded store's data is the snapshot it was split from */
	    .manifest_hash = o->sharded ? o->data_manifest : st->manifest_hash,
	    .snapshot = o->sharded ? o->data_snapshot : st->snapshot,
	    .store = st,
	    .version = HG_VERSION,
	    .sdc_rule = o->sdc_rule,
	    .seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	    .threads = o->threads,
	    .ranks = o->dist ? o->dist->size : 1,
	    .shards = o->sharded ? o->nshards : 0,
	    .status = &status,
	    .objectives_path = obj.hash[0] ? obj.path : NULL,
	    .objectives_hash = obj.hash[0] ? obj.hash : NULL,
	};
	hg_analysis_xlsx_ctx xc = {p.inds, &p.an, &p.aopts};
	if (p.analysed) {
		m.xlsx_sheets = hg_analysis_xlsx;
		m.xlsx_ctx = &xc;
	}
	if (rc == 0)
		rc = hg_write_outputs(p.pr, &p.t, &m, o->formats, o->out, err);
	if (rc == 0 && aformats)
		rc = hg_analysis_write(p.inds, p.pr->ninds, &p.an, &p.aopts, aformats, o->out, err);
	char on[32] = "";
	if (m.ranks > 1)
		snprintf(on, sizeof on, " on %d MPI ranks", m.ranks);
	if (rc == 0)
		fprintf(stderr,
		        "healthgap run: %d indicators, %zu rows, %llu person-periods in %.2fs%s; "
		        "disclosure control %s; %s\n",
		        p.pr->ninds, p.t.n, (unsigned long long)p.person_periods, m.seconds, on,
		        o->sdc_rule, hg_data_status_marking(&status));
	hg_published_free(&p);
	hg_objectives_free(&obj);
	return rc ? 1 : 0;
}

/* run --check --store: what compiling for the store finds beyond the data check. */
static int run_check_store(const hg_run_opts *o, const hg_pack *pk, const hg_store *st, hg_err *err)
{
	hg_program *pr = NULL;
	if (hg_compile(pk, st, &pr, err) != 0)
		return hg_cli_fail("run", err);
	hg_program_free(pr);
	int n = hg_pack_n_indicators(pk);
	printf("%s: %d indicator%s, ok against %s\n", o->pack, n, n == 1 ? "" : "s", o->store);
	return 0;
}

/* A sharded store: this rank's shards [k0, k1) of the n (hg_dist_range over shards, so
 * one process takes them all); st is opened on the first, or on shard 0 for a rank with
 * none (idle: only the program is needed). */
static int run_shards(hg_run_opts *o, const hg_shards *sh, hg_store *st, const char ***more,
                      hg_err *err)
{
	uint64_t k0, k1;
	hg_dist_range(o->dist, (uint64_t)sh->n, &k0, &k1);
	o->sharded = 1;
	o->nshards = sh->n;
	o->idle = k0 == k1;
	o->data_snapshot = sh->source_snapshot;
	o->data_manifest = sh->source_manifest;
	o->code_events = sh->code_events;
	if (getenv("HEALTHGAP_ENGINE_STATS"))
		fprintf(stderr, "shards: rank %d of %d reads shards %llu-%llu of %d\n",
		        o->dist ? o->dist->rank : 0, o->dist ? o->dist->size : 1,
		        (unsigned long long)k0, (unsigned long long)k1, sh->n);
	if (hg_shards_open_one(sh, o->idle ? 0 : (int)k0, st, err))
		return -1;
	o->nmore = o->idle ? 0 : (int)(k1 - k0 - 1);
	/* the directories, then the manifest hashes, in one allocation */
	*more = hg_xcalloc(2 * (size_t)o->nmore + 1, sizeof **more);
	for (int k = 0; k < o->nmore; k++) {
		(*more)[k] = sh->dir[k0 + 1 + (uint64_t)k];
		(*more)[o->nmore + k] = sh->manifest[k0 + 1 + (uint64_t)k];
	}
	o->more = *more;
	o->more_hash = *more + o->nmore;
	return 0;
}

static int run_store(hg_run_opts *o, hg_pack *pk)
{
	hg_err err = {0};
	if (o->period_end != HG_DATE_NONE)
		hg_pack_set_period_end(pk, o->period_end);
	hg_store st;
	hg_shards sh = {0};
	const char **more = NULL;
	if (hg_shards_is(o->store)) {
		if (hg_shards_open(&sh, o->store, &err) || run_shards(o, &sh, &st, &more, &err)) {
			free(more);
			hg_shards_free(&sh);
			return hg_cli_fail("run", &err);
		}
	} else if (hg_store_open(&st, o->store, &err) != 0) {
		return hg_cli_fail("run", &err);
	}
	int rc = run_data_check(o, pk, &st);
	if (rc == 0 && o->check)
		rc = run_check_store(o, pk, &st, &err);
	else if (rc == 0 && (rc = run_eval(o, pk, &st, &err)) != 0)
		hg_cli_fail("run", &err);
	hg_store_close(&st);
	free(more);
	hg_shards_free(&sh);
	return rc;
}

int hg_cmd_run(int argc, char **argv)
{
	hg_run_opts o;
	int rc = run_opts_parse(&o, argc, argv);
	if (rc) {
		free(o.subs);
		return rc < 0 ? 0 : rc;
	}
	hg_err err = {0};
	hg_dist dist;
	if (hg_dist_init(&dist, &err) != 0) {
		free(o.subs);
		return hg_cli_fail("run", &err);
	}
	o.dist = &dist;
	if (!hg_dist_root(&dist))
		o.quiet = 1;
	hg_pack *pk = NULL;
	hg_pack_opts po = {o.codelist_dir, o.subs, o.nsubs};
	if (hg_pack_load_opts(&pk, o.pack, &po, &err) != 0) {
		hg_cli_fail("run", &err);
		free(o.subs);
		rc = err.code == HG_EUSAGE ? 2 : 1;
		hg_dist_end(&dist, rc);
		return rc;
	}
	if (o.check && !o.store) {
		int n = hg_pack_n_indicators(pk);
		printf("%s: %d indicator%s, ok\n", o.pack, n, n == 1 ? "" : "s");
	} else {
		rc = run_store(&o, pk);
	}
	hg_pack_free(pk);
	free(o.subs);
	hg_dist_end(&dist, rc);
	return rc;
}
