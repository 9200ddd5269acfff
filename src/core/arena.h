/*
 * arena.h: region allocator. Many small allocations with one owner are taken
 * from an arena and released together by hg_arena_free. Allocations are
 * 16-byte aligned. An arena is not thread-safe; give each thread its own.
 */
#ifndef HG_ARENA_H
#define HG_ARENA_H

#include <stddef.h>

typedef struct hg_arena_block hg_arena_block;

typedef struct hg_arena {
	hg_arena_block *head;
	size_t block_size;
	size_t total; /* bytes handed out, for reporting */
} hg_arena;

void hg_arena_init(hg_arena *a, size_t block_size);
void *hg_arena_alloc(hg_arena *a, size_t n);
void *hg_arena_calloc(hg_arena *a, size_t n);
char *hg_arena_strndup(hg_arena *a, const char *s, size_t n);
char *hg_arena_strdup(hg_arena *a, const char *s);
char *hg_arena_printf(hg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hg_arena_free(hg_arena *a);

#endif
