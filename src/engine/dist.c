/*
 * dist.c: distributed runs over MPI (dist.h). The reductions send each rank's
 * accumulators once: the doubles with MPI_SUM (every one an integer below 2^53,
 * so the sum is exact in any order the MPI library chooses) and the 128-bit
 * exact sums with a commutative user operation (integer addition). Buffers
 * are reduced in pieces of at most 2^26 elements (MPI counts are int).
 */
#include "engine/dist.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HG_HAVE_MPI
#include <mpi.h>
#endif

/* The size a launcher gave this process in its environment, or 0 when none did. */
static int launcher_size(void)
{
	const char *v = getenv("OMPI_COMM_WORLD_SIZE");
	if (!v)
		v = getenv("PMI_SIZE");
	if (!v)
		v = getenv("SLURM_NTASKS");
	if (!v && (getenv("PMIX_RANK") || getenv("PMI_RANK")))
		v = "1";
	return v ? atoi(v) : 0;
}

int hg_dist_init(hg_dist *d, hg_err *err)
{
	memset(d, 0, sizeof *d);
	d->size = 1;
	int n = launcher_size();
#ifdef HG_HAVE_MPI
	if (n < 1 || !(getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK")))
		return 0;
	int provided = 0;
	if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
		return hg_err_set(err, HG_EIO, "MPI could not be initialised");
	d->mpi = 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &d->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &d->size);
	return 0;
#else
	if (n > 1)
		return hg_err_set(
		    err, HG_EUSAGE,
		    "started as one of %d ranks, but this healthgap was built "
		    "without MPI: every rank would run the whole store and write the "
		    "same files; install libopenmpi-dev (scripts/install-deps.sh) and "
		    "rebuild, or run it without mpirun",
		    n);
	return 0;
#endif
}

void hg_dist_end(hg_dist *d, int rc)
{
#ifdef HG_HAVE_MPI
	if (!d->mpi)
		return;
	if (rc != 0 && d->size > 1) {
		fflush(stdout);
		fflush(stderr);
		MPI_Abort(MPI_COMM_WORLD, rc);
	}
	MPI_Finalize();
	d->mpi = 0;
#else
	(void)d;
	(void)rc;
#endif
}

int hg_dist_root(const hg_dist *d)
{
	return !d || d->rank == 0;
}

void hg_dist_range(const hg_dist *d, uint64_t n, uint64_t *p0, uint64_t *p1)
{
	if (!d || d->size <= 1) {
		*p0 = 0;
		*p1 = n;
		return;
	}
	/* n x rank / size without overflow for any store (n < 2^40, size < 2^20) */
	*p0 = (uint64_t)((unsigned __int128)n * (unsigned)d->rank / (unsigned)d->size);
	*p1 = (uint64_t)((unsigned __int128)n * (unsigned)(d->rank + 1) / (unsigned)d->size);
}

#ifdef HG_HAVE_MPI
#define PIECE ((size_t)1 << 26)

/* The exact sums' reduction: 128-bit integer addition (commutative, associative). */
static void i128_sum(void *in, void *inout, int *len, MPI_Datatype *type)
{
	(void)type;
	const unsigned char *a = in;
	unsigned char *b = inout;
	for (int k = 0; k < *len; k++) {
		hg_i128 x, y;
		memcpy(&x, a + (size_t)k * sizeof x, sizeof x);
		memcpy(&y, b + (size_t)k * sizeof y, sizeof y);
		y += x;
		memcpy(b + (size_t)k * sizeof y, &y, sizeof y);
	}
}

/* Reduce n elements of type t at buf into rank 0's, in pieces. */
static int reduce_buf(const hg_dist *d, void *buf, size_t n, size_t elsize, MPI_Datatype t,
                      MPI_Op op)
{
	for (size_t k = 0; k < n; k += PIECE) {
		int m = (int)(n - k < PIECE ? n - k : PIECE);
		char *p = (char *)buf + k * elsize;
		int rc =
		    MPI_Reduce(d->rank == 0 ? MPI_IN_PLACE : p, p, m, t, op, 0, MPI_COMM_WORLD);
		if (rc != MPI_SUCCESS)
			return -1;
	}
	return 0;
}
#endif

int hg_dist_summable(const hg_program *pr, const char *fix, hg_err *err)
{
	/* a percentile is taken over every value, which the passes' sums do not carry */
	for (int i = 0; i < pr->ninds; i++)
		if (pr->inds[i].ind->type == HG_IND_PERCENTILE)
			return hg_err_set(
			    err, HG_EUSAGE,
			    "indicator %s is a percentile, which needs every value in "
			    "one pass: %s",
			    pr->inds[i].ind->id, fix);
	return 0;
}

int hg_dist_reduce_cells(const hg_dist *d, int rc, hg_cells *c, hg_err *err)
{
	if (!d || d->size <= 1)
		return rc;
	/* every rank has the same program, so every rank stops here, before any collective
	   call */
	if (hg_dist_summable(c->pr, "run the pack without mpirun (or with -np 1)", err))
		return err->code;
#ifdef HG_HAVE_MPI
	int mine = rc != 0, failed = 0;
	MPI_Allreduce(&mine, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (failed)
		return rc ? rc
		          : hg_err_set(err, HG_EIO,
		                       "another rank's pass failed (its message is above); "
		                       "nothing was written");
	assert(!c->finished);
	MPI_Datatype t128;
	MPI_Op op128;
	MPI_Type_contiguous((int)sizeof(hg_i128), MPI_BYTE, &t128);
	MPI_Type_commit(&t128);
	MPI_Op_create(i128_sum, 1, &op128);
	int bad = reduce_buf(d, c->acc, c->nacc, sizeof(double), MPI_DOUBLE, MPI_SUM) ||
	          reduce_buf(d, c->x, c->nx, sizeof(hg_i128), t128, op128);
	MPI_Op_free(&op128);
	MPI_Type_free(&t128);
	uint64_t pp = c->person_periods;
	double sec = c->seconds;
	bad = bad ||
	      MPI_Reduce(d->rank == 0 ? MPI_IN_PLACE : &pp, &pp, 1, MPI_UINT64_T, MPI_SUM, 0,
	                 MPI_COMM_WORLD) != MPI_SUCCESS ||
	      MPI_Reduce(d->rank == 0 ? MPI_IN_PLACE : &sec, &sec, 1, MPI_DOUBLE, MPI_MAX, 0,
	                 MPI_COMM_WORLD) != MPI_SUCCESS;
	if (bad)
		return hg_err_set(err, HG_EIO, "the MPI reduction of the accumulators failed");
	c->person_periods = pp;
	c->seconds = sec;
	return 0;
#else
	(void)c;
	(void)err;
	return rc;
#endif
}
