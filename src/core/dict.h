/*
 * dict.h: string interning. Maps byte strings to dense ids 0..n-1 in order of
 * first insertion, and ids back to strings. Used for code, practice and LSOA
 * dictionaries in the store and for person-id lookup at ingest. Keys are
 * copied into the dictionary's own arena.
 */
#ifndef HG_DICT_H
#define HG_DICT_H

#include "arena.h"

#include <stddef.h>
#include <stdint.h>

#define HG_DICT_MISSING UINT32_MAX

typedef struct hg_dict {
	hg_arena arena;
	uint64_t *slots; /* (hash tag << 32) | (id + 1); 0 = empty */
	size_t nslots;
	const char **keys; /* id -> NUL-terminated key */
	uint32_t *lens;
	uint64_t *hashes;
	uint32_t n, cap;
} hg_dict;

void hg_dict_init(hg_dict *d);
void hg_dict_free(hg_dict *d);
/* Id of key, inserting it if absent; *inserted (if not NULL) says which. */
uint32_t hg_dict_intern(hg_dict *d, const char *key, size_t len, int *inserted);
/* Id of key or HG_DICT_MISSING. */
uint32_t hg_dict_find(const hg_dict *d, const char *key, size_t len);
static inline const char *hg_dict_key(const hg_dict *d, uint32_t id)
{
	return d->keys[id];
}

#endif
