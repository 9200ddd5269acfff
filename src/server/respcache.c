/*
 * respcache.c: a bounded hash map of response bodies behind a read-write
 * lock (requests copy bodies out in parallel; only a new entry excludes).
 */
#include "server/respcache.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

struct hg_rc_entry {
	hg_rc_entry *next;
	char *key, *body;
	size_t n;
};

void hg_respcache_init(hg_respcache *c, size_t max_n, size_t max_bytes)
{
	memset(c, 0, sizeof *c);
	pthread_rwlock_init(&c->mu, NULL);
	c->nslots = 1024;
	c->slots = hg_xcalloc(c->nslots, sizeof *c->slots);
	c->max_n = max_n;
	c->max_bytes = max_bytes;
}

void hg_respcache_free(hg_respcache *c)
{
	if (!c->slots)
		return;
	for (size_t i = 0; i < c->nslots; i++)
		for (hg_rc_entry *e = c->slots[i], *nx; e; e = nx) {
			nx = e->next;
			free(e->key);
			free(e->body);
			free(e);
		}
	free(c->slots);
	pthread_rwlock_destroy(&c->mu);
	memset(c, 0, sizeof *c);
}

static size_t rc_slot(const hg_respcache *c, const char *key)
{
	return (size_t)(hg_hash_bytes(key, strlen(key)) % c->nslots);
}

int hg_respcache_get(hg_respcache *c, const char *key, hg_buf *out)
{
	int found = 0;
	pthread_rwlock_rdlock(&c->mu);
	for (hg_rc_entry *e = c->slots[rc_slot(c, key)]; e; e = e->next)
		if (!strcmp(e->key, key)) {
			hg_buf_put(out, e->body, e->n);
			found = 1;
			break;
		}
	pthread_rwlock_unlock(&c->mu);
	return found;
}

void hg_respcache_put(hg_respcache *c, const char *key, const char *body, size_t n)
{
	pthread_rwlock_wrlock(&c->mu);
	size_t s = rc_slot(c, key);
	int dup = 0;
	for (hg_rc_entry *e = c->slots[s]; e; e = e->next)
		dup |= !strcmp(e->key, key);
	if (!dup && c->n < c->max_n && c->bytes + n <= c->max_bytes) {
		hg_rc_entry *e = hg_xmalloc(sizeof *e);
		e->key = hg_xstrdup(key);
		e->body = hg_xmalloc(n ? n : 1);
		memcpy(e->body, body, n);
		e->n = n;
		e->next = c->slots[s];
		c->slots[s] = e;
		c->n++;
		c->bytes += n;
	}
	pthread_rwlock_unlock(&c->mu);
}
