/*
 * thread.h: data parallelism. hg_parallel_for splits [0, n) into contiguous
 * ranges, one per worker thread, and runs fn on each; it returns when all are
 * done. Workers share nothing but ctx, which fn must treat as read-only or
 * partition by tid.
 */
#ifndef HG_THREAD_H
#define HG_THREAD_H

#include <stddef.h>

typedef void (*hg_range_fn)(void *ctx, size_t begin, size_t end, int tid);

/* Number of online CPUs, or HEALTHGAP_THREADS if set (at least 1). */
int hg_ncpu(void);
void hg_parallel_for(int nthreads, size_t n, hg_range_fn fn, void *ctx);

#endif
