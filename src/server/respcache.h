/*
 * respcache.h: serialised API responses of one results snapshot, keyed by
 * what determines them (indicator, breakdown, period and the caller's data
 * scope: "all", "noprac" or the practice code). Owned by hg_results, so a
 * new snapshot starts with an empty cache; bounded in entries and bytes
 * (when full, responses are built but not kept). Thread-safe.
 */
#ifndef HG_SRV_RESPCACHE_H
#define HG_SRV_RESPCACHE_H

#include "core/str.h"

#include <pthread.h>
#include <stddef.h>

typedef struct hg_rc_entry hg_rc_entry;

typedef struct hg_respcache {
	pthread_rwlock_t mu;
	hg_rc_entry **slots;
	size_t nslots, n, bytes, max_n, max_bytes;
} hg_respcache;

void hg_respcache_init(hg_respcache *c, size_t max_n, size_t max_bytes);
void hg_respcache_free(hg_respcache *c);
/* Append the cached body for key to out: 1 found, 0 not. */
int hg_respcache_get(hg_respcache *c, const char *key, hg_buf *out);
void hg_respcache_put(hg_respcache *c, const char *key, const char *body, size_t n);

#endif
