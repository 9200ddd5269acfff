/*
 * dict.c: open-addressing hash table (linear probing, power-of-two size,
 * load factor <= 1/2) over an append-only key array. Each slot carries the
 * top 32 bits of the key's hash, so a probe touches the key only when the
 * tags agree: one cache miss per lookup in the common case.
 */
#include "dict.h"
#include "error.h"
#include "str.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void hg_dict_init(hg_dict *d)
{
	memset(d, 0, sizeof *d);
	hg_arena_init(&d->arena, 256 * 1024);
	d->nslots = 1024;
	d->slots = hg_xcalloc(d->nslots, sizeof *d->slots);
}

static inline uint64_t hg_slot(uint64_t h, uint32_t id)
{
	return (h & 0xFFFFFFFF00000000ULL) | ((uint64_t)id + 1);
}

void hg_dict_free(hg_dict *d)
{
	hg_arena_free(&d->arena);
	free(d->slots);
	free(d->keys);
	free(d->lens);
	free(d->hashes);
	memset(d, 0, sizeof *d);
}

static void dict_grow(hg_dict *d)
{
	size_t ns = d->nslots * 2;
	uint64_t *slots = hg_xcalloc(ns, sizeof *slots);
	for (uint32_t id = 0; id < d->n; id++) {
		size_t i = d->hashes[id] & (ns - 1);
		while (slots[i])
			i = (i + 1) & (ns - 1);
		slots[i] = hg_slot(d->hashes[id], id);
	}
	free(d->slots);
	d->slots = slots;
	d->nslots = ns;
}

/* Probe for key: its id, or HG_DICT_MISSING with *slot at the empty slot to fill. */
static uint32_t dict_probe(const hg_dict *d, const char *key, size_t len, uint64_t h, size_t *slot)
{
	size_t i = h & (d->nslots - 1);
	uint64_t tag = h & 0xFFFFFFFF00000000ULL;
	for (;;) {
		uint64_t s = d->slots[i];
		if (!s) {
			*slot = i;
			return HG_DICT_MISSING;
		}
		uint32_t id = (uint32_t)s - 1;
		if ((s & 0xFFFFFFFF00000000ULL) == tag && d->lens[id] == len &&
		    memcmp(d->keys[id], key, len) == 0)
			return id;
		i = (i + 1) & (d->nslots - 1);
	}
}

uint32_t hg_dict_find(const hg_dict *d, const char *key, size_t len)
{
	size_t slot;
	return dict_probe(d, key, len, hg_hash_bytes(key, len), &slot);
}

uint32_t hg_dict_intern(hg_dict *d, const char *key, size_t len, int *inserted)
{
	uint64_t h = hg_hash_bytes(key, len);
	size_t i;
	uint32_t found = dict_probe(d, key, len, h, &i);
	if (inserted)
		*inserted = found == HG_DICT_MISSING;
	if (found != HG_DICT_MISSING)
		return found;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->keys = hg_xrealloc(d->keys, d->cap * sizeof *d->keys);
		d->lens = hg_xrealloc(d->lens, d->cap * sizeof *d->lens);
		d->hashes = hg_xrealloc(d->hashes, d->cap * sizeof *d->hashes);
	}
	uint32_t id = d->n++;
	assert(id != HG_DICT_MISSING);
	d->keys[id] = hg_arena_strndup(&d->arena, key, len);
	d->lens[id] = (uint32_t)len;
	d->hashes[id] = h;
	d->slots[i] = hg_slot(h, id);
	if ((size_t)d->n * 2 > d->nslots)
		dict_grow(d);
	return id;
}
