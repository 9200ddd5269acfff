/*
 * place.h: the dashboard's place filter (issue 15; docs/api.md "Place filter"). A place
 * is a category of one of the pack's place breakdowns (local authority, sub-ICB, PCN,
 * MSOA) as published: the overview and indicator pages then show that place's
 * breakdown rows (the place's row, and its rows of two-way breakdowns such as
 * `local_authority x imd_quintile`), disclosure-controlled like every other row and
 * taken through the role-enforcing query layer (rescache.h). Nothing is computed from
 * person-level data.
 */
#ifndef HG_SRV_PLACE_H
#define HG_SRV_PLACE_H

#include "server/srv.h"
#include "server/summary.h"

typedef struct hg_place {
	char kind[24]; /* "local_authority", "sub_icb", "pcn", "msoa"; "" for the whole area */
	char cat[160]; /* its category as published, "Alpha (E09000001)" */
	char arg[200]; /* the request's value, "local_authority:Alpha (E09000001)" */
} hg_place;

/* The place the request asks for (?place=KIND:CATEGORY); 0 (kind "") when none or when
 * KIND is not a place breakdown. A practice user's pages have no place filter. */
int hg_place_get(const hg_req *q, hg_place *pl);
/* The filter's <label> and <select name="place"> (autosubmitting) listing the places of
 * the published rows the user may see, by kind; nothing when there are none. */
void hg_place_select(hg_buf *b, const hg_req *q, const hg_place *pl);
/* "Alpha (E09000001), local authority" for headings. */
void hg_place_title(const hg_place *pl, char *buf, size_t size);
/* Is a published row one of the place's rows (its own, or a two-way breakdown's)? */
int hg_place_row(const hg_place *pl, const char *breakdown, const char *category);

#endif
