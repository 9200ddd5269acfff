/*
 * sesscache.h: the sessions the server read from its database in the last
 * second, so that a busy client does not run an SQLite query (and its file
 * locks) on every request. An entry is used for at most HG_SESSCACHE_MS
 * after it was read; idle and absolute expiry are checked on every use as
 * the database would. Logging out in the server removes the entry at once;
 * a session ended by another process (a password changed or a user removed
 * with `healthgap user`) stops working within that second. Fixed size (a
 * slot per token hash; a collision just reads the database), thread-safe.
 */
#ifndef HG_SRV_SESSCACHE_H
#define HG_SRV_SESSCACHE_H

#include "server/session.h"

#include <pthread.h>

#define HG_SESSCACHE_MS    1000
#define HG_SESSCACHE_SLOTS 256

typedef struct hg_sesscache_slot {
	char hash[65]; /* BLAKE2b of the token, as the database keys it; "" empty */
	hg_session s;
	long long read_ms; /* monotonic */
} hg_sesscache_slot;

typedef struct hg_sesscache {
	pthread_mutex_t mu;
	hg_sesscache_slot slot[HG_SESSCACHE_SLOTS];
} hg_sesscache;

void hg_sesscache_init(hg_sesscache *c);
void hg_sesscache_free(hg_sesscache *c);
/* As hg_session_get, from the cache when read within HG_SESSCACHE_MS: 1 found, 0 not. */
int hg_sesscache_get(hg_sesscache *c, hg_db *db, const hg_session_cfg *cfg, const char *token,
                     hg_session *s);
/* Forget the session of token (at logout). */
void hg_sesscache_drop(hg_sesscache *c, const char *token);

#endif
