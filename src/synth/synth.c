/*
 * synth.c: hg_synth_run. Builds the model (code lists, geography, mortality
 * tables), then generates people in chunks: within a chunk hg_parallel_for
 * gives each thread a contiguous range of person indexes, every person has its
 * own random streams seeded from (seed, index), and the per-thread buffers are
 * written in order, so the output is identical for any number of threads.
 */
#include "synth_int.h"

#include "core/fs.h"
#include "core/thread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HG_SY_CHUNK 32768

/* %s: ethnicity, or ethnicity_hospital with --ethnicity-as codes */
static const char persons_header[] =
    "person_id,date_of_birth,sex,%s,lsoa,practice,registered_from,registered_to,"
    "date_of_death,flag_homeless,flag_learning_disability,flag_carer\n";
static const char events_header[] = "person_id,date,code,value,setting\n";
static const char pathways_header[] = "person_id,pathway_id,provider,specialty,clock_start,"
                                      "clock_stop,priority,removal_reason\n";
static const char appts_header[] =
    "person_id,date,setting,specialty,provider,outcome,attendance_type\n";

void hg_synth_defaults(hg_synth_params *p)
{
	memset(p, 0, sizeof *p);
	p->people = 10000;
	p->seed = 1;
	p->start = hg_date_from_ymd(2016, 4, 1);
	p->end = hg_date_from_ymd(2026, 3, 31);
}

static int check_params(const hg_synth_params *p, hg_err *err)
{
	if (p->people < 1 || p->people > 100000000L)
		return hg_err_set(err, HG_EUSAGE, "--people must be between 1 and 100000000");
	if (!p->out_dir || !*p->out_dir)
		return hg_err_set(err, HG_EUSAGE, "an output directory is required");
	if (p->start == HG_DATE_NONE || p->end == HG_DATE_NONE || p->end < p->start + 365)
		return hg_err_set(err, HG_EUSAGE, "the window must span at least a year");
	if (p->start < hg_date_from_ymd(1950, 1, 1) || p->end > hg_date_from_ymd(2080, 12, 31))
		return hg_err_set(err, HG_EUSAGE, "the window must lie within 1950..2080");
	if (!(p->corrupt_rate >= 0 && p->corrupt_rate < 0.5))
		return hg_err_set(err, HG_EUSAGE, "--corrupt-rate must be in [0, 0.5)");
	return 0;
}

static void model_dates(hg_sy_model *m)
{
	m->date_lo = hg_date_from_ymd(1880, 1, 1);
	m->date_hi = hg_date_from_ymd(2100, 12, 31);
	size_t n = (size_t)(m->date_hi - m->date_lo + 1);
	m->datestr = hg_xmalloc(n * sizeof *m->datestr);
	for (size_t i = 0; i < n; i++) {
		char s[11];
		hg_date_format(m->date_lo + (hg_date)i, s);
		memcpy(m->datestr[i], s, 10);
	}
}

static void model_init(hg_sy_model *m, const hg_synth_params *p, const hg_sy_geo *g,
                       const hg_sy_codes *c)
{
	memset(m, 0, sizeof *m);
	m->p = p;
	m->geo = g;
	m->codes = c;
	hg_sy_mort_init(&m->mort);
	hg_sy_bp_trend_init(&m->bp);
	/* entrants relative to people registered at the start: births ~11.5 per 1,000 a
	 * year, moves in ~42 per 1,000 a year (balancing moves out and keeping the age
	 * structure close to stationary) */
	double years = (p->end - p->start + 1) / 365.2425;
	double nb = 0.0115 * years, nm = 0.042 * years;
	m->share_birth = nb / (1 + nb + nm);
	m->share_mover = nm / (1 + nb + nm);
	m->pcorrupt = p->corrupt_rate / (1 - p->corrupt_rate);
	uint64_t x = p->seed ^ 0x5EED5EED;
	m->id_mul = 6364136223ULL;
	m->id_add = hg_splitmix64(&x) % 10000000000ULL;
	model_dates(m);
}

typedef struct {
	const hg_sy_model *m;
	hg_sy_out *outs;
	uint64_t base;
} hg_chunk;

static void out_reset(hg_sy_out *o)
{
	o->persons.n = o->events.n = o->regs.n = o->addrs.n = 0;
	o->plines = o->elines = o->rlines = o->alines = 0;
	o->pathways.n = o->appts.n = 0;
	o->wlines = o->aplines = 0;
	o->ncorr = 0;
}

static void out_release(hg_sy_out *o)
{
	hg_buf_free(&o->persons);
	hg_buf_free(&o->events);
	hg_buf_free(&o->regs);
	hg_buf_free(&o->addrs);
	hg_buf_free(&o->pathways);
	hg_buf_free(&o->appts);
	free(o->corr);
	free(o->ev);
}

static void gen_range(void *ctx, size_t begin, size_t end, int tid)
{
	hg_chunk *ch = ctx;
	const hg_sy_model *m = ch->m;
	hg_sy_out *o = &ch->outs[tid];
	out_reset(o);
	for (size_t k = begin; k < end; k++) {
		uint64_t i = ch->base + k;
		hg_rng r, cr;
		hg_rng_seed(&r, m->p->seed, i, HG_SY_STREAM_PERSON);
		hg_rng_seed(&cr, m->p->seed, i, HG_SY_STREAM_CORRUPT);
		hg_sy_person ps;
		hg_sy_person_make(m, i, &r, &ps);
		if (m->p->ethnicity_codes) { /* its own stream: the other draws are as without */
			hg_rng er;
			hg_rng_seed(&er, m->p->seed, i, HG_SY_STREAM_ETHNICITY);
			hg_sy_eth_record(m, &ps, &er);
		}
		hg_sy_person_write(m, &ps, &o->persons);
		o->plines++;
		o->ndead += ps.dod != HG_DATE_NONE;
		if (m->pcorrupt > 0 && hg_rng_unif(&cr) < m->pcorrupt)
			hg_sy_corrupt_person(m, &ps, &cr, o);
		hg_sy_events(m, &r, &ps, o);
		hg_sy_events_write(m, &ps, o, &cr);
		hg_rng hr; /* the histories' own stream: the other files do not change */
		hg_rng_seed(&hr, m->p->seed, i, HG_SY_STREAM_HISTORY);
		hg_sy_history(m, &ps, &hr, o);
		hg_rng ur; /* its own stream: persons and events are as without it */
		hg_rng_seed(&ur, m->p->seed, i, HG_SY_STREAM_UNITS);
		hg_sy_units(m, &ur, &ps, o);
	}
}

typedef struct {
	hg_out persons, events, regs, addrs, pathways, appts;
	hg_buf corr;
	uint64_t prow, erow; /* data rows written so far */
	uint64_t wrow, arow;
	uint64_t ncorr;
} hg_sink;

static void sink_chunk(hg_sink *s, const hg_sy_out *outs, int nt)
{
	for (int t = 0; t < nt; t++) {
		const hg_sy_out *o = &outs[t];
		hg_out_write(&s->persons, o->persons.p, o->persons.n);
		hg_out_write(&s->events, o->events.p, o->events.n);
		hg_out_write(&s->regs, o->regs.p, o->regs.n);
		hg_out_write(&s->addrs, o->addrs.p, o->addrs.n);
		hg_out_write(&s->pathways, o->pathways.p, o->pathways.n);
		hg_out_write(&s->appts, o->appts.p, o->appts.n);
		s->wrow += o->wlines;
		s->arow += o->aplines;
		for (size_t k = 0; k < o->ncorr; k++) {
			const hg_sy_corr *c = &o->corr[k];
			uint64_t line = 2 + c->line + (c->file ? s->erow : s->prow);
			hg_buf_printf(&s->corr, "%s,%llu,%s\n",
			              c->file ? "events.csv" : "persons.csv",
			              (unsigned long long)line, hg_sy_kind_names[c->kind]);
		}
		s->ncorr += o->ncorr;
		s->prow += o->plines;
		s->erow += o->elines;
	}
}

static int sink_open(hg_sink *s, const char *dir, int eth_codes, hg_err *err)
{
	char path[HG_PATH_MAX];
	memset(s, 0, sizeof *s);
	snprintf(path, sizeof path, "%s/persons.csv", dir);
	if (hg_out_open(&s->persons, path, err))
		return -1;
	snprintf(path, sizeof path, "%s/events.csv", dir);
	if (hg_out_open(&s->events, path, err)) {
		hg_out_close(&s->persons, 0, NULL);
		return -1;
	}
	snprintf(path, sizeof path, "%s/registrations.csv", dir);
	if (hg_out_open(&s->regs, path, err)) {
		hg_out_close(&s->persons, 0, NULL);
		hg_out_close(&s->events, 0, NULL);
		return -1;
	}
	snprintf(path, sizeof path, "%s/addresses.csv", dir);
	if (hg_out_open(&s->addrs, path, err)) {
		hg_out_close(&s->persons, 0, NULL);
		hg_out_close(&s->events, 0, NULL);
		hg_out_close(&s->regs, 0, NULL);
		return -1;
	}
	snprintf(path, sizeof path, "%s/pathways.csv", dir);
	if (hg_out_open(&s->pathways, path, err)) {
		hg_out_close(&s->persons, 0, NULL);
		hg_out_close(&s->events, 0, NULL);
		hg_out_close(&s->regs, 0, NULL);
		hg_out_close(&s->addrs, 0, NULL);
		return -1;
	}
	snprintf(path, sizeof path, "%s/appointments.csv", dir);
	if (hg_out_open(&s->appts, path, err)) {
		hg_out_close(&s->persons, 0, NULL);
		hg_out_close(&s->events, 0, NULL);
		hg_out_close(&s->regs, 0, NULL);
		hg_out_close(&s->addrs, 0, NULL);
		hg_out_close(&s->pathways, 0, NULL);
		return -1;
	}
	hg_out_write(&s->regs, "person_id,practice,from,to\n", 27);
	hg_out_write(&s->addrs, "person_id,lsoa,from,to\n", 23);
	char ph[sizeof persons_header + 32];
	int n =
	    snprintf(ph, sizeof ph, persons_header, eth_codes ? "ethnicity_hospital" : "ethnicity");
	hg_out_write(&s->persons, ph, (size_t)n);
	hg_out_write(&s->events, events_header, sizeof events_header - 1);
	hg_out_write(&s->pathways, pathways_header, sizeof pathways_header - 1);
	hg_out_write(&s->appts, appts_header, sizeof appts_header - 1);
	hg_buf_puts(&s->corr, "file,line,kind\n");
	return 0;
}

static int sink_close(hg_sink *s, const char *dir, int corrupt, hg_err *err)
{
	int rc = hg_out_close(&s->persons, 0, err);
	if (hg_out_close(&s->events, 0, rc ? NULL : err))
		rc = -1;
	if (hg_out_close(&s->regs, 0, rc ? NULL : err))
		rc = -1;
	if (hg_out_close(&s->addrs, 0, rc ? NULL : err))
		rc = -1;
	if (hg_out_close(&s->pathways, 0, rc ? NULL : err))
		rc = -1;
	if (hg_out_close(&s->appts, 0, rc ? NULL : err))
		rc = -1;
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/corruptions.csv", dir);
	if (!rc && corrupt)
		rc = hg_write_file_atomic(path, s->corr.p, s->corr.n, err);
	else if (!rc && hg_path_exists(path))
		remove(path); /* a stale list from an earlier run would mislead */
	hg_buf_free(&s->corr);
	return rc;
}

static int generate(const hg_sy_model *m, hg_sink *s, uint64_t *ndead)
{
	int nt = m->p->threads > 0 ? m->p->threads : hg_ncpu();
	hg_sy_out *outs = hg_xcalloc((size_t)nt, sizeof *outs);
	uint64_t n = (uint64_t)m->p->people;
	for (uint64_t base = 0; base < n; base += HG_SY_CHUNK) {
		uint64_t len = n - base < HG_SY_CHUNK ? n - base : HG_SY_CHUNK;
		hg_chunk ch = {m, outs, base};
		for (int t = 0; t < nt; t++)
			out_reset(&outs[t]);
		hg_parallel_for(nt, (size_t)len, gen_range, &ch);
		sink_chunk(s, outs, nt);
	}
	*ndead = 0;
	for (int t = 0; t < nt; t++) {
		*ndead += outs[t].ndead;
		out_release(&outs[t]);
	}
	free(outs);
	return 0;
}

static int synth_codes(const hg_synth_params *p, hg_sy_codes *codes, char *dir, hg_err *err)
{
	if (p->codelists_dir)
		snprintf(dir, HG_PATH_MAX, "%s", p->codelists_dir);
	else if (hg_synth_find_codelists(dir, HG_PATH_MAX, err))
		return -1;
	if (hg_sy_codes_load(codes, dir, err))
		return -1;
	return p->ethnicity_codes ? hg_sy_eth_load(codes, dir, err) : 0;
}

static void report(const hg_synth_params *p, const hg_sy_geo *g, const hg_sink *s, uint64_t ndead)
{
	if (p->quiet)
		return;
	fprintf(stderr,
	        "healthgap synth: %ld people (%llu died in the window), %llu event rows, %llu "
	        "pathways, %llu appointments, %zu LSOAs (%s), %zu practices, %llu corrupt rows -> "
	        "%s\n",
	        p->people, (unsigned long long)ndead, (unsigned long long)s->erow,
	        (unsigned long long)s->wrow, (unsigned long long)s->arow, g->nlsoa,
	        g->synthetic ? "synthetic" : "reference", g->nprac, (unsigned long long)s->ncorr,
	        p->out_dir);
}

/* OUT/SYNTHETIC beside persons.csv: ingest records that the population is synthetic
 * (manifest synthetic_population), so every output is marked SYNTHETIC DATA even
 * when the geography is real (--reference). */
static int write_marker(const char *out_dir, hg_err *err)
{
	static const char marker[] =
	    "persons.csv, events.csv, pathways.csv and appointments.csv in this directory were\n"
	    "written by `healthgap synth`:\n"
	    "a synthetic population, no real people. Every output made from them is marked\n"
	    "SYNTHETIC DATA (healthgap ingest reads this file).\n";
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/SYNTHETIC", out_dir);
	return hg_write_file_atomic(path, marker, sizeof marker - 1, err);
}

int hg_synth_run(const hg_synth_params *p, hg_err *err)
{
	if (check_params(p, err))
		return -1;
	hg_sy_codes codes;
	char dir[HG_PATH_MAX];
	if (synth_codes(p, &codes, dir, err)) {
		hg_sy_codes_free(&codes);
		return -1;
	}
	hg_sy_geo geo;
	int rc = hg_sy_geo_build(&geo, p, err);
	if (!rc)
		rc = hg_mkdir_p(p->out_dir, err);
	if (!rc)
		rc = hg_sy_geo_write(&geo, p->out_dir, err);
	if (!rc)
		rc = write_marker(p->out_dir, err);
	if (!rc && p->ethnicity_codes) /* the codelist the codes came from, for ingest */
		rc = hg_sy_eth_write_list(dir, p->out_dir, err);
	else if (!rc)
		hg_sy_eth_remove_list(
		    p->out_dir); /* a stale one from an earlier run would mislead */
	hg_sy_model m;
	hg_sink s;
	if (!rc) {
		model_init(&m, p, &geo, &codes);
		rc = sink_open(&s, p->out_dir, p->ethnicity_codes, err);
		if (!rc) {
			uint64_t ndead = 0;
			generate(&m, &s, &ndead);
			report(p, &geo, &s, ndead);
			rc = sink_close(&s, p->out_dir, p->corrupt_rate > 0, err);
		}
		free(m.datestr);
	}
	hg_sy_geo_free(&geo);
	hg_sy_codes_free(&codes);
	return rc;
}
