/*
 * arena.c: region allocator (a linked list of blocks, bump allocation).
 */
#include "arena.h"
#include "error.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hg_arena_block {
	hg_arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void hg_arena_init(hg_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
}

void *hg_arena_alloc(hg_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	hg_arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > a->block_size ? n : a->block_size;
		b = hg_xmalloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	assert(b->used <= b->cap);
	return p;
}

void *hg_arena_calloc(hg_arena *a, size_t n)
{
	void *p = hg_arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *hg_arena_strndup(hg_arena *a, const char *s, size_t n)
{
	char *p = hg_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *hg_arena_strdup(hg_arena *a, const char *s)
{
	return hg_arena_strndup(a, s, strlen(s));
}

char *hg_arena_printf(hg_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = hg_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

void hg_arena_free(hg_arena *a)
{
	hg_arena_block *b = a->head;
	while (b) {
		hg_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}
