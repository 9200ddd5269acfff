/*
 * dist.h: distributed runs over MPI (Open MPI), an optional layer around the
 * engine's merge. Launched by `mpirun -np N` (or Slurm's `srun`), each rank
 * evaluates one contiguous range of persons (hg_dist_range) with its own
 * threads; the ranks' unfinished cells are summed into rank 0's by MPI
 * reductions (hg_dist_reduce_cells). Every addition of the pass is exact
 * (engine.h, "Exact accumulation"), so the sums, and so everything rank 0
 * publishes from them (disclosure control, statistics, analysis, outputs),
 * are byte-identical to one process's for any N. Only rank 0 writes.
 *
 * Built without MPI (no pkg-config ompi-c: HG_HAVE_MPI undefined) or started
 * without a launcher, it is one process and every call is trivial. See
 * docs/scale.md.
 */
#ifndef HG_ENGINE_DIST_H
#define HG_ENGINE_DIST_H

#include "core/error.h"
#include "engine/engine.h"

#include <stdint.h>

typedef struct hg_dist {
	int rank, size; /* this process's rank of size; 0 of 1 without MPI */
	int mpi;        /* MPI was initialised (hg_dist_end finalises it) */
} hg_dist;

/* Initialise MPI when a launcher started this process (its environment says so:
 * OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK), else one process. An error when a
 * launcher asks for several ranks of a binary built without MPI. */
int hg_dist_init(hg_dist *d, hg_err *err);
/* Finalise MPI; with rc != 0 on any rank under several ranks, abort the job (a rank that
 * failed alone would leave the others waiting in a reduction). */
void hg_dist_end(hg_dist *d, int rc);
/* Is this the rank that publishes (rank 0, or no distribution at all: d NULL)? */
int hg_dist_root(const hg_dist *d);
/* This rank's persons [p0, p1) of n: contiguous ranges in rank order (all of them when
 * d is NULL or one process). */
void hg_dist_range(const hg_dist *d, uint64_t n, uint64_t *p0, uint64_t *p1);
/* 0 when pr's cells of several passes can be summed (hg_cells_add, the reductions): not
 * when an indicator is a percentile, which needs every value in one pass; the error
 * names it and ends with fix. */
int hg_dist_summable(const hg_program *pr, const char *fix, hg_err *err);
/* After each rank's pass (rc its result): 0 when every rank succeeded, and then rank 0's
 * cells hold the sums of every rank's (person-periods too; seconds the slowest
 * rank's). A rank whose own pass failed keeps its error; the others get one naming it.
 * With d NULL or one process, returns rc. */
int hg_dist_reduce_cells(const hg_dist *d, int rc, hg_cells *c, hg_err *err);

#endif
