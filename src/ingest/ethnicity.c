/*
 * ethnicity.c: ethnicity from the coded record. GP systems record ethnicity
 * as SNOMED CT codes in the record, not as a column; when persons.csv has no
 * ethnicity column, --ethnicity-codelist names a codelist whose rows map a
 * code to an NHS ethnic category (a letter A-Z or 99, or OpenSAFELY's
 * Grouping_16 number 1-17), and each person's category is their latest
 * recorded one (docs/data-model.md "Ethnicity from the record"):
 *   1. the latest-dated code with a stated category (not Z, 99 or X);
 *   2. codes on that date that disagree: the category recorded most often in
 *      the whole record among them, then the first in the ethnicity_detailed
 *      order (counted as a conflict);
 *   3. no stated code: the latest not-stated code's category (Not stated or
 *      Not known);
 *   4. no code at all: ethnicity_hospital when persons.csv has it (the
 *      hospital-recorded category), else nothing (Not known).
 * The events stay in the store (a pack can still use them).
 */
#include "ingest_int.h"
#include "lang/codelists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* OpenSAFELY's Grouping_16 numbers 1-17 as NHS category letters. */
static const char grouping16[18] = "?ABCDEFGHJKLMNPRSZ";

/* A category cell: an NHS letter or 99 (as stored), or a Grouping_16 number; 0 if neither. */
static uint8_t category_of(hg_sv v)
{
	uint8_t g;
	int c = hg_ethnicity_parse(v, &g);
	if (c > 0)
		return (uint8_t)c;
	int64_t k;
	if (!hg_parse_int64(v, &k) && k >= 1 && k <= 17)
		return (uint8_t)grouping16[k];
	return 0;
}

static int category_column(const hg_csv *c)
{
	static const char *const names[] = {"ethnic_category", "category", "grouping_16",
	                                    "ethnicity_16", "ethnicity_category"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		int k = hg_csv_col(c, names[i]);
		if (k >= 0)
			return k;
	}
	return -1;
}

/* code -> category of every row of the codelist. */
int hg_ethnicity_codelist_load(const char *path, hg_dict *codes, uint8_t **cat, hg_err *err)
{
	hg_csv c;
	if (hg_csv_open(&c, path, err))
		return -1;
	int rc = 0;
	if (!hg_csv_next(&c)) {
		rc = hg_err_set(err, HG_EINPUT, "%s: empty file (expected a header row)", path);
		goto out;
	}
	int system, cc = hg_codelist_code_column(&c, &system), kc = category_column(&c);
	if (kc < 0) {
		rc = hg_err_set(err, HG_EINPUT,
		                "%s:1: no category column (ethnic_category, category or "
		                "Grouping_16): the ethnicity codelist maps each code to an NHS "
		                "ethnic category",
		                path);
		goto out;
	}
	size_t cap = 256;
	*cat = hg_xmalloc(cap);
	while (hg_csv_next(&c)) {
		hg_sv code = hg_sv_trim(hg_csv_field(&c, cc)), v = hg_sv_trim(hg_csv_field(&c, kc));
		if (c.malformed || !code.n) {
			if (!c.malformed)
				continue;
			rc = hg_err_set(err, HG_EINPUT, "%s:%llu: %s", path,
			                (unsigned long long)c.line, c.malformed);
			goto out;
		}
		uint8_t k = category_of(v);
		if (!k) {
			rc = hg_err_set(err, HG_EINPUT,
			                "%s:%llu: category '%.*s' is not an NHS ethnic category "
			                "(A-Z or 99) or a Grouping_16 number (1-17)",
			                path, (unsigned long long)c.line,
			                (int)(v.n > 20 ? 20 : v.n), v.p);
			goto out;
		}
		uint32_t id = hg_dict_intern(codes, code.p, code.n, NULL);
		if (id >= cap)
			*cat = hg_xrealloc(*cat, cap *= 2);
		(*cat)[id] = k;
	}
out:
	hg_csv_close(&c);
	return rc ? -1 : 0;
}

static int stated(uint8_t k)
{
	return k && k != 'Z' && k != '9' && k != 'X';
}

/* Rule 2: among the categories on the latest date (tied), the most often recorded. */
static uint8_t resolve_tie(const uint8_t *evcat, uint64_t a, uint64_t b, const uint8_t *tied,
                           int nt)
{
	int best = -1;
	uint64_t best_n = 0;
	for (int t = 0; t < nt; t++) {
		uint64_t n = 0;
		for (uint64_t e = a; e < b; e++)
			n += evcat[e] == tied[t];
		int better =
		    best < 0 || n > best_n ||
		    (n == best_n && hg_eth_detailed_of(tied[t]) < hg_eth_detailed_of(tied[best]));
		if (better) {
			best = t;
			best_n = n;
		}
	}
	return tied[best];
}

/* One person's category from events a..b (sorted by date); *conflict when rule 2 applied. */
static uint8_t person_category(const hg_events *ev, const uint8_t *evcat, uint64_t a, uint64_t b,
                               int *conflict)
{
	*conflict = 0;
	uint8_t not_stated = 0;
	for (uint64_t e = b; e-- > a;) {
		uint8_t k = evcat[e];
		if (!k)
			continue;
		if (!stated(k)) {
			if (!not_stated)
				not_stated = k;
			continue;
		}
		uint8_t tied[HG_ETHD_N];
		int nt = 0;
		for (uint64_t f = e + 1; f-- > a && ev->date[f] == ev->date[e];) {
			if (!stated(evcat[f]) || memchr(tied, evcat[f], (size_t)nt))
				continue;
			tied[nt++] = evcat[f];
		}
		if (nt == 1)
			return tied[0];
		*conflict = 1;
		return resolve_tie(evcat, a, b, tied, nt);
	}
	return not_stated;
}

int hg_ethnicity_derive(hg_persons *ps, const hg_events *ev, const char *codelist,
                        hg_eth_derive *out, hg_err *err)
{
	memset(out, 0, sizeof *out);
	if (!codelist)
		return 0;
	out->on = 1;
	snprintf(out->source, sizeof out->source, "%s", codelist);
	hg_dict list;
	hg_dict_init(&list);
	uint8_t *cat = NULL;
	if (hg_ethnicity_codelist_load(codelist, &list, &cat, err)) {
		hg_dict_free(&list);
		free(cat);
		return -1;
	}
	out->listed = list.n;
	/* the category of each of the store's codes, then of each event */
	uint8_t *codecat = hg_xcalloc(ev->codes.n + 1, 1);
	for (uint32_t i = 0; i < ev->codes.n; i++) {
		uint32_t id = hg_dict_find(&list, ev->codes.keys[i], ev->codes.lens[i]);
		codecat[i] = id == HG_DICT_MISSING ? 0 : cat[id];
		out->found += codecat[i] != 0;
	}
	uint8_t *evcat = hg_xmalloc(ev->n + 1);
	for (uint64_t e = 0; e < ev->n; e++)
		evcat[e] = codecat[ev->code[e]];
	for (size_t p = 0; p < ps->n; p++) {
		int conflict;
		uint8_t k = person_category(ev, evcat, ev->off[p], ev->off[p + 1], &conflict);
		out->conflicts += (uint64_t)conflict;
		if (stated(k))
			out->from_codes++;
		else if (k)
			out->not_stated++;
		if (!k && ps->has_eth_hosp && ps->eth_hosp[p]) {
			k = ps->eth_hosp[p];
			out->from_hospital++;
		}
		out->none += !k;
		ps->eth_cat[p] = k;
		int g = hg_eth_group_of(k);
		ps->eth_group[p] = (uint8_t)(g < 0 ? HG_ETH_NOT_STATED : g);
	}
	free(evcat);
	free(codecat);
	free(cat);
	hg_dict_free(&list);
	return 0;
}
