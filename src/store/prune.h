/*
 * prune.h: removing a store's old snapshots (`healthgap prune`). Every
 * ingest adds a snapshot (store.h) and none is ever removed by ingest, so a
 * store grows by the size of its data on every load; prune keeps the newest
 * N snapshots and the current one (whatever its age: a rejected ingest's
 * snapshot can be newer than CURRENT), and removes the others. Temporary
 * snapshots being written (.tmp-*) are never touched: an ingest may be
 * writing one.
 */
#ifndef HG_STORE_PRUNE_H
#define HG_STORE_PRUNE_H

#include "core/error.h"

#include <stdint.h>

typedef struct hg_prune_snap {
	char name[64];  /* "snap-000003" */
	uint64_t bytes; /* the files' sizes */
	int current;    /* named by CURRENT */
	int removed;    /* removed (or, dry run, would be) */
} hg_prune_snap;

typedef struct hg_prune {
	hg_prune_snap *snaps; /* oldest first */
	int n;
	uint64_t bytes_removed;
} hg_prune;

/* Keep the newest `keep` (at least 1) snapshots of the store at dir and its current one;
 * remove the rest unless dry_run. Every snapshot is listed in out (free it). */
int hg_store_prune(const char *dir, int keep, int dry_run, hg_prune *out, hg_err *err);
void hg_prune_free(hg_prune *p);

#endif
