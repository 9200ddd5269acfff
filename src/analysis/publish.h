/*
 * publish.h: the one pipeline from a pack and a store to what is published,
 * used by `healthgap run` and by the server: compile the pack for the store,
 * evaluate it in one pass (engine.h), apply disclosure control and the
 * statistics to give the published rows, and analyse those rows
 * (inequality measures and SPC monitoring, analysis.h). Writing files is the
 * caller's: run writes them (hg_write_outputs, hg_analysis_write), the server
 * serves them.
 */
#ifndef HG_ANALYSIS_PUBLISH_H
#define HG_ANALYSIS_PUBLISH_H

#include "analysis/analysis.h"
#include "engine/dist.h"
#include "engine/engine.h"
#include "engine/residents.h"

typedef struct hg_publish_opts {
	int threads;              /* engine threads, 0 = all cores */
	int sdc_k;                /* disclosure control rule, 0 = none */
	int analyse;              /* also build the analysis */
	const hg_objectives *obj; /* for the analysis; may be NULL */
	const hg_dist *dist;      /* MPI ranks (dist.h): this rank's persons; NULL: one process */
	const char *population;   /* --population FILE (engine/residents.h), or NULL */
	/* A sharded store (store/shard.h): st is this rank's first shard, evaluated whole (not
	   dist's person range), and more[0 .. nmore) the directories of its other shards, each
	   opened, compiled for, evaluated and closed in turn (every shard has the same
	   dictionaries, so the same program and cells); idle: this rank has no shard (more
	   ranks than shards): st is only compiled for, its pass is empty. A shard whose manifest
	   hash is not its listed one is an error. */
	int sharded, idle, nmore;
	const char *const *more;
	const char *const *more_hash; /* their manifest hashes as the shard list has them */
} hg_publish_opts;

typedef struct hg_published {
	hg_program *pr;
	hg_restable t;             /* the published rows */
	const hg_indicator **inds; /* pr's indicators, in order (pr->ninds) */
	hg_analysis_opts aopts;    /* the analysis's options (objectives, SII replicates) */
	hg_analysis an;            /* when analysed */
	int analysed;
	uint64_t person_periods; /* of the pass */
	double pass_seconds;
	int *zero_den; /* indicators whose denominator is 0 in every period */
	int nzero;
	int follower;      /* an MPI rank but 0: its share was sent to rank 0, nothing to publish */
	hg_residents *res; /* the population file when given (pr->residents), or NULL */
} hg_published;

/* Compute what pk publishes over st (st must outlive the result). On error
 * nothing is left to free. Under MPI (o->dist), every rank must call it; rank 0
 * gets the result and the others return 0 with follower set. */
int hg_publish(const hg_pack *pk, const hg_store *st, const hg_publish_opts *o, hg_published *out,
               hg_err *err);
void hg_published_free(hg_published *p);

#endif
