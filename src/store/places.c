/*
 * places.c: the places of a store (store.h, enum hg_place_kind), built at
 * open from the snapshot's lookups: PCN and sub-ICB codes per practice
 * (dict.practice_pcn.str, dict.practice_subicb.str, their names in the place
 * tables), local authority and MSOA codes per LSOA. Each kind's distinct codes
 * are sorted, so a breakdown's categories do not depend on the order of
 * persons.csv; a place is labelled "NAME (CODE)" by the first name given for
 * its code, or CODE alone. A snapshot from before the place tables still has
 * PCNs and sub-ICBs (codes only); local authorities and MSOAs are then unknown.
 */
#include "store/store.h"

#include "core/dict.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One kind of place from n owners' codes (and names, or NULL). */
static void place_build(hg_place_dim *d, const hg_strtab *code, const hg_strtab *name)
{
	uint32_t n = code->n;
	hg_arena_init(&d->arena, 1 << 12);
	d->of = hg_xmalloc(((size_t)n + 1) * sizeof *d->of);
	hg_dict dist;
	hg_dict_init(&dist);
	for (uint32_t i = 0; i < n; i++) {
		const char *c = hg_strtab_get(code, i);
		if (*c)
			hg_dict_intern(&dist, c, strlen(c), NULL);
	}
	/* the distinct codes in order, and each one's rank */
	const char **sorted = hg_xmalloc(((size_t)dist.n + 1) * sizeof *sorted);
	for (uint32_t k = 0; k < dist.n; k++)
		sorted[k] = hg_dict_key(&dist, k);
	qsort(sorted, dist.n, sizeof *sorted, cmp_str);
	uint32_t *rank = hg_xmalloc(((size_t)dist.n + 1) * sizeof *rank);
	for (uint32_t k = 0; k < dist.n; k++)
		rank[hg_dict_find(&dist, sorted[k], strlen(sorted[k]))] = k;
	d->n = dist.n;
	d->label = hg_xcalloc((size_t)dist.n + 1, sizeof *d->label);
	for (uint32_t i = 0; i < n; i++) {
		const char *c = hg_strtab_get(code, i);
		if (!*c) {
			d->of[i] = HG_NONE32;
			continue;
		}
		uint32_t k = rank[hg_dict_find(&dist, c, strlen(c))];
		d->of[i] = k;
		const char *nm = name ? hg_strtab_get(name, i) : "";
		if (!d->label[k] && *nm)
			d->label[k] = hg_arena_printf(&d->arena, "%s (%s)", nm, c);
	}
	for (uint32_t k = 0; k < dist.n; k++)
		if (!d->label[k])
			d->label[k] = hg_arena_strdup(&d->arena, sorted[k]);
	free(rank);
	free(sorted);
	hg_dict_free(&dist);
}

void hg_store_places_build(hg_store *s)
{
	int hp = s->has_places;
	place_build(&s->place[HG_PLACE_PCN], &s->practice_pcn, hp ? &s->pcn_name : NULL);
	place_build(&s->place[HG_PLACE_SUBICB], &s->practice_subicb, hp ? &s->subicb_name : NULL);
	if (hp) {
		place_build(&s->place[HG_PLACE_LA], &s->lsoa_la, &s->lsoa_la_name);
		place_build(&s->place[HG_PLACE_MSOA], &s->lsoa_msoa, &s->lsoa_msoa_name);
		return;
	}
	for (int k = HG_PLACE_LA; k <= HG_PLACE_MSOA; k++) { /* nobody's is known */
		hg_place_dim *d = &s->place[k];
		hg_arena_init(&d->arena, 64);
		d->n = 0;
		d->label = hg_xcalloc(1, sizeof *d->label);
		d->of = hg_xmalloc(((size_t)s->lsoas.n + 1) * sizeof *d->of);
		for (uint32_t i = 0; i < s->lsoas.n; i++)
			d->of[i] = HG_NONE32;
	}
}

void hg_store_places_free(hg_store *s)
{
	for (int k = 0; k < HG_PLACE_N; k++) {
		hg_place_dim *d = &s->place[k];
		if (!d->of)
			continue;
		free(d->of);
		free(d->label);
		hg_arena_free(&d->arena);
		memset(d, 0, sizeof *d);
	}
}

uint32_t hg_store_place_of(const hg_store *s, int kind, uint64_t p)
{
	uint32_t owner =
	    kind == HG_PLACE_PCN || kind == HG_PLACE_SUBICB ? s->practice[p] : s->lsoa[p];
	return owner == HG_NONE32 ? HG_NONE32 : s->place[kind].of[owner];
}
