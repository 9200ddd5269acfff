/*
 * thread.c: a fork-join parallel for over pthreads.
 */
#include "thread.h"
#include "error.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

int hg_ncpu(void)
{
	const char *env = getenv("HEALTHGAP_THREADS");
	if (env && atoi(env) > 0)
		return atoi(env);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

typedef struct {
	hg_range_fn fn;
	void *ctx;
	size_t begin, end;
	int tid;
} hg_job;

static void *job_run(void *arg)
{
	hg_job *j = arg;
	j->fn(j->ctx, j->begin, j->end, j->tid);
	return NULL;
}

void hg_parallel_for(int nthreads, size_t n, hg_range_fn fn, void *ctx)
{
	if (nthreads < 1)
		nthreads = 1;
	if ((size_t)nthreads > n)
		nthreads = n ? (int)n : 1;
	if (nthreads == 1) {
		fn(ctx, 0, n, 0);
		return;
	}
	hg_job *jobs = hg_xcalloc((size_t)nthreads, sizeof *jobs);
	pthread_t *th = hg_xcalloc((size_t)nthreads, sizeof *th);
	for (int t = 0; t < nthreads; t++) {
		jobs[t] = (hg_job){fn, ctx, n * (size_t)t / (size_t)nthreads,
		                   n * (size_t)(t + 1) / (size_t)nthreads, t};
		if (t > 0 && pthread_create(&th[t], NULL, job_run, &jobs[t]) != 0) {
			jobs[t].tid = -1; /* run inline below */
		}
	}
	job_run(&jobs[0]);
	for (int t = 1; t < nthreads; t++) {
		if (jobs[t].tid == -1) {
			jobs[t].tid = t;
			job_run(&jobs[t]);
		} else {
			pthread_join(th[t], NULL);
		}
	}
	free(jobs);
	free(th);
}
