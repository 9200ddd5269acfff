/*
 * publish.c: the one pipeline from a pack and a store to the published rows
 * and their analysis (publish.h).
 */
#include "analysis/publish.h"

#include <stdlib.h>
#include <string.h>

/* Indicators whose denominator (population, person-time) is 0 in every period. */
static void find_zero_dens(const hg_cells *cells, hg_published *p)
{
	const hg_program *pr = p->pr;
	p->zero_den = hg_xcalloc((size_t)pr->ninds + 1, sizeof *p->zero_den);
	for (int i = 0; i < pr->ninds; i++) {
		int zero = 1;
		for (int j = 0; j < pr->inds[i].ind->nperiods && zero; j++) {
			const double *c = hg_cell(cells, i, j, 0, 0);
			zero = c[HG_F_DEN] == 0 && c[HG_F_PT] == 0;
		}
		if (zero)
			p->zero_den[p->nzero++] = i;
	}
}

/* `denominator: residents` needs --population: read it (every rank reads its own copy). */
static int load_residents(const hg_store *st, const hg_publish_opts *o, hg_published *out,
                          hg_err *err)
{
	const hg_program *pr = out->pr;
	int need = -1;
	for (int i = 0; i < pr->ninds && need < 0; i++)
		if (pr->inds[i].ind->events != HG_EV_NONE &&
		    pr->inds[i].ind->pop == HG_POP_RESIDENTS)
			need = i;
	if (!o->population) {
		if (need < 0)
			return 0;
		return hg_err_set(
		    err, HG_EUSAGE,
		    "indicator %s has 'denominator: residents': give the ONS mid-year "
		    "population estimates by LSOA, sex and single year of age with "
		    "--population FILE (docs/data-model.md, \"Resident populations\")",
		    pr->inds[need].ind->id);
	}
	out->res = hg_xcalloc(1, sizeof *out->res);
	if (hg_residents_load(out->res, o->population, st, err) != 0) {
		free(out->res);
		out->res = NULL;
		return -1;
	}
	out->pr->residents = out->res;
	return 0;
}

/* Add the pass over every person of the shard at dir into cells (compiled for another
 * shard: the program compiled for this one must have the same cells). */
static int publish_shard(const hg_pack *pk, const hg_program *pr0, const hg_publish_opts *o, int k,
                         hg_cells *cells, hg_err *err)
{
	const char *dir = o->more[k];
	hg_store st;
	if (hg_store_open(&st, dir, err))
		return -1;
	if (strcmp(st.manifest_hash, o->more_hash[k])) {
		hg_store_close(&st);
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s: its snapshot is not the one shards.json lists (manifest "
		                  "hash); split the store again with `healthgap shard`",
		                  dir);
	}
	hg_program *pr = NULL;
	hg_cells c;
	int rc = hg_compile(pk, &st, &pr, err);
	if (rc == 0) /* read for the first shard: the same LSOA dictionary in every shard */
		pr->residents = pr0->residents;
	if (rc == 0 && (rc = hg_engine_pass(pr, o->threads, 0, st.n_persons, &c, err)) == 0) {
		if (c.nacc != cells->nacc || c.nx != cells->nx || pr->ninds != pr0->ninds)
			rc = hg_err_set(err, HG_ECORRUPT,
			                "%s: the pack compiles to other cells than for the first "
			                "shard (the shards' dictionaries differ); split the store "
			                "again with `healthgap shard`",
			                dir);
		else
			hg_cells_add(cells, &c);
		cells->seconds += c.seconds;
		hg_cells_free(&c);
	}
	hg_program_free(pr);
	hg_store_close(&st);
	return rc;
}

int hg_publish(const hg_pack *pk, const hg_store *st, const hg_publish_opts *o, hg_published *out,
               hg_err *err)
{
	memset(out, 0, sizeof *out);
	if (hg_compile(pk, st, &out->pr, err) != 0)
		return -1;
	if (load_residents(st, o, out, err) != 0) {
		hg_program_free(out->pr);
		out->pr = NULL;
		return -1;
	}
	hg_cells cells;
	uint64_t p0 = 0, p1 = o->idle ? 0 : st->n_persons;
	if (!o->sharded)
		hg_dist_range(o->dist, st->n_persons, &p0, &p1);
	if (o->nmore > 0 && hg_dist_summable(out->pr,
	                                     "run it over the store the shards were split from "
	                                     "(or one of one shard)",
	                                     err)) {
		hg_program_free(out->pr);
		out->pr = NULL;
		return -1;
	}
	int prc = hg_engine_pass(out->pr, o->threads, p0, p1, &cells, err);
	int passed = prc == 0; /* cells to free */
	for (int k = 0; k < o->nmore && prc == 0; k++)
		prc = publish_shard(pk, out->pr, o, k, &cells, err);
	int rc = hg_dist_reduce_cells(o->dist, prc, &cells, err);
	if (rc && passed)
		hg_cells_free(&cells); /* a shard's pass or another rank failed */
	if (rc == 0 && !hg_dist_root(o->dist)) {
		hg_cells_free(&cells);
		out->follower = 1;
		return 0;
	}
	if (rc == 0) {
		hg_cells_finish(&cells);
		out->person_periods = cells.person_periods;
		out->pass_seconds = cells.seconds;
		find_zero_dens(&cells, out);
		rc = hg_restable_build(&cells, o->sdc_k, &out->t, err);
		hg_cells_free(&cells);
	}
	if (rc == 0) {
		out->inds = hg_xcalloc((size_t)out->pr->ninds + 1, sizeof *out->inds);
		for (int i = 0; i < out->pr->ninds; i++)
			out->inds[i] = out->pr->inds[i].ind;
		hg_analysis_opts_init(&out->aopts);
		out->aopts.obj = o->obj;
	}
	if (rc == 0 && o->analyse) {
		rc = hg_analysis_build(out->inds, out->pr->ninds, &out->t, &out->aopts, &out->an,
		                       err);
		out->analysed = rc == 0;
		if (rc)
			hg_err_wrap(err, "inequality analysis");
	}
	if (rc) {
		hg_published_free(out);
		return -1;
	}
	return 0;
}

void hg_published_free(hg_published *p)
{
	if (p->analysed)
		hg_analysis_free(&p->an);
	free(p->inds);
	free(p->zero_den);
	hg_restable_free(&p->t);
	hg_program_free(p->pr);
	if (p->res)
		hg_residents_free(p->res);
	free(p->res);
	memset(p, 0, sizeof *p);
}
