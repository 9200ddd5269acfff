/*
 * sesscache.c: a direct-mapped cache of recently read sessions (sesscache.h).
 * The slot is chosen by the token's hash, so no token is kept, only the
 * hash the database already stores.
 */
#include "server/sesscache.h"

#include "core/fs.h"
#include "core/str.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

void hg_sesscache_init(hg_sesscache *c)
{
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
}

void hg_sesscache_free(hg_sesscache *c)
{
	pthread_mutex_destroy(&c->mu);
	sodium_memzero(c, sizeof *c);
}

static long long mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static hg_sesscache_slot *slot_of(hg_sesscache *c, const char *hash)
{
	return &c->slot[hg_hash_bytes(hash, 64) % HG_SESSCACHE_SLOTS];
}

/* The cached session of hash, if read recently and still within its expiry. */
static int cached(hg_sesscache *c, const hg_session_cfg *cfg, const char *hash, hg_session *s)
{
	long long now = hg_db_now();
	hg_sesscache_slot *e = slot_of(c, hash);
	pthread_mutex_lock(&c->mu);
	int hit = !strcmp(e->hash, hash) && mono_ms() - e->read_ms < HG_SESSCACHE_MS;
	if (hit)
		*s = e->s;
	pthread_mutex_unlock(&c->mu);
	/* expired: the database path deletes it and says no */
	return hit && now - s->last_seen < cfg->idle && now - s->created < cfg->absolute;
}

int hg_sesscache_get(hg_sesscache *c, hg_db *db, const hg_session_cfg *cfg, const char *token,
                     hg_session *s)
{
	char hash[65];
	hg_hash_hex(token, strlen(token), hash);
	if (cached(c, cfg, hash, s))
		return 1;
	int found = hg_session_get(db, cfg, token, s);
	hg_sesscache_slot *e = slot_of(c, hash);
	pthread_mutex_lock(&c->mu);
	if (found) {
		memcpy(e->hash, hash, sizeof hash);
		e->s = *s;
		e->read_ms = mono_ms();
	} else if (!strcmp(e->hash, hash)) {
		e->hash[0] = 0;
	}
	pthread_mutex_unlock(&c->mu);
	return found;
}

void hg_sesscache_drop(hg_sesscache *c, const char *token)
{
	char hash[65];
	hg_hash_hex(token, strlen(token), hash);
	hg_sesscache_slot *e = slot_of(c, hash);
	pthread_mutex_lock(&c->mu);
	if (!strcmp(e->hash, hash))
		e->hash[0] = 0;
	pthread_mutex_unlock(&c->mu);
}
