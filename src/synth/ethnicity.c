/*
 * ethnicity.c: `synth --ethnicity-as codes`, ethnicity as a GP record holds
 * it (docs/synthetic-data.md "Ethnicity as codes"). person.c draws each
 * person's category as before; here it is written as SNOMED CT ethnicity
 * codes in events.csv (from the codelist ethnicity_2001_census.csv of the
 * --codelists directory, copied to the output) and a hospital-recorded
 * category in persons.csv's ethnicity_hospital column, never as an ethnicity
 * column. The record is drawn from its own random stream, so every other row
 * is as without the option, and it is made so that `ingest
 * --ethnicity-codelist` (docs/data-model.md "Ethnicity from the record")
 * derives exactly the category person.c drew, for every person: the latest
 * stated code is that category (an earlier different code or a later
 * not-stated code never wins), and people with no code have it as their
 * hospital value (a blank category stays blank; 99 is a hospital 99).
 */
#include "synth_int.h"

#include "core/fs.h"
#include "ingest/ingest.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HG_SY_ETH_FILE "ethnicity_2001_census.csv"

/* The categories person.c draws, in its groups (White, Mixed, Asian, Black, Other). */
static const char *const eth_groups[5] = {"ABC", "DEFG", "HJKL", "MNP", "RS"};

/* The codelist's codes as list HG_SC_ETHNIC and each one's category in c->eth_cat. */
static int eth_fill(hg_sy_codes *c, const char *path, const hg_dict *d, const uint8_t *cat,
                    hg_err *err)
{
	if (d->n > 64)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: %u codes; the synthesiser draws from at most 64 (keep the "
		                  "typical codes of each category, first)",
		                  path, d->n);
	c->code[HG_SC_ETHNIC] = hg_arena_alloc(&c->arena, 64 * sizeof(char *));
	for (uint32_t i = 0; i < d->n; i++) {
		c->code[HG_SC_ETHNIC][i] = hg_arena_strndup(&c->arena, d->keys[i], d->lens[i]);
		c->len[HG_SC_ETHNIC][i] = d->lens[i];
		c->eth_cat[i] = cat[i];
	}
	c->n[HG_SC_ETHNIC] = d->n;
	/* every category person.c draws, and Z, needs a code */
	char need[24];
	snprintf(need, sizeof need, "%s%s%s%s%sZ", eth_groups[0], eth_groups[1], eth_groups[2],
	         eth_groups[3], eth_groups[4]);
	for (const char *k = need; *k; k++)
		if (!memchr(c->eth_cat, *k, d->n))
			return hg_err_set(err, HG_EINPUT,
			                  "%s: no code of category %c (the synthetic population "
			                  "records every category A-S and Z as a code)",
			                  path, *k);
	return 0;
}

int hg_sy_eth_load(hg_sy_codes *c, const char *dir, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, HG_SY_ETH_FILE);
	if (!hg_path_exists(path))
		return hg_err_set(err, HG_EUSAGE,
		                  "--ethnicity-as codes: %s not found (the SNOMED CT ethnicity "
		                  "codelist of packs/core20plus5/codelists)",
		                  path);
	hg_dict d;
	hg_dict_init(&d);
	uint8_t *cat = NULL;
	int rc = hg_ethnicity_codelist_load(path, &d, &cat, err);
	if (!rc)
		rc = eth_fill(c, path, &d, cat, err);
	free(cat);
	hg_dict_free(&d);
	return rc;
}

int hg_sy_eth_write_list(const char *dir, const char *out_dir, hg_err *err)
{
	char from[HG_PATH_MAX], to[HG_PATH_MAX];
	snprintf(from, sizeof from, "%s/%s", dir, HG_SY_ETH_FILE);
	snprintf(to, sizeof to, "%s/%s", out_dir, HG_SY_ETH_FILE);
	size_t n;
	char *s = hg_read_file(from, &n, err);
	if (!s)
		return -1;
	int rc = hg_write_file_atomic(to, s, n, err);
	free(s);
	return rc;
}

void hg_sy_eth_remove_list(const char *out_dir)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", out_dir, HG_SY_ETH_FILE);
	if (hg_path_exists(path))
		remove(path);
}

/* A code of category k: its first (the top-level concept) mostly, else another of it. */
static uint8_t eth_code_of(const hg_sy_codes *c, hg_rng *r, char k)
{
	uint8_t idx[64];
	int n = 0;
	for (size_t i = 0; i < c->n[HG_SC_ETHNIC]; i++)
		if (c->eth_cat[i] == (uint8_t)k)
			idx[n++] = (uint8_t)i;
	assert(n > 0); /* hg_sy_eth_load checked every category */
	if (n == 1 || hg_rng_unif(r) < 0.85)
		return idx[0];
	return idx[1 + hg_rng_below(r, (uint64_t)n - 1)];
}

/* Another category of k's group (an earlier record that was later corrected). */
static char eth_other(hg_rng *r, char k)
{
	for (int g = 0; g < 5; g++) {
		const char *s = strchr(eth_groups[g], k);
		if (!s)
			continue;
		size_t n = strlen(eth_groups[g]), j = (size_t)(s - eth_groups[g]);
		return eth_groups[g][(j + 1 + hg_rng_below(r, n - 1)) % n];
	}
	return 'S';
}

static void eth_add(const hg_sy_codes *c, hg_rng *r, hg_sy_person *ps, hg_date d, char k)
{
	assert(ps->neth < sizeof ps->eth_idx);
	ps->eth_date[ps->neth] = d;
	ps->eth_idx[ps->neth++] = eth_code_of(c, r, k);
}

/* A stated category k: one code at registration (78%), an earlier different one then k
 * (10%), k then a later not-stated code (4%), or no code and k as the hospital's (8%). */
static void eth_stated(const hg_sy_codes *c, hg_rng *r, hg_sy_person *ps, hg_date lo, hg_date hi,
                       char k)
{
	double u = hg_rng_unif(r);
	if (u >= 0.92 || lo > hi) {
		ps->eth_hosp[0] = k;
		return;
	}
	int later = hi - lo >= 60;
	hg_date d2 = later ? lo + 30 + (hg_date)hg_rng_below(r, (uint64_t)(hi - lo - 29)) : lo;
	if (u >= 0.78 && u < 0.88 && later) {
		eth_add(c, r, ps, lo, eth_other(r, k));
		eth_add(c, r, ps, d2, k);
	} else if (u >= 0.88 && later) {
		eth_add(c, r, ps, lo, k);
		eth_add(c, r, ps, d2, 'Z');
	} else {
		eth_add(c, r, ps, lo, k);
	}
	/* a quarter of coded people also have a hospital record, 15% of them different:
	 * the codes win (rule 1) */
	if (hg_rng_bernoulli(r, 0.25))
		ps->eth_hosp[0] = hg_rng_bernoulli(r, 0.15) ? eth_other(r, k) : k;
}

void hg_sy_eth_record(const hg_sy_model *m, hg_sy_person *ps, hg_rng *r)
{
	const hg_sy_codes *c = m->codes;
	hg_date lo = ps->reg_from, hi = m->p->end;
	if (ps->reg_to < hi)
		hi = ps->reg_to;
	if (ps->dod < hi)
		hi = ps->dod;
	ps->neth = 0;
	memset(ps->eth_hosp, 0, sizeof ps->eth_hosp);
	const char *k = ps->eth_code;
	if (!k[0])
		return; /* nothing recorded anywhere: Not known */
	if (!strcmp(k, "99")) {
		strcpy(ps->eth_hosp, "99"); /* the hospital's "not known" */
		return;
	}
	if (k[0] == 'Z') {
		if (lo <= hi && hg_rng_unif(r) < 0.85)
			eth_add(c, r, ps, lo, 'Z');
		else
			ps->eth_hosp[0] = 'Z';
		return;
	}
	eth_stated(c, r, ps, lo, hi, k[0]);
}

void hg_sy_eth_events(const hg_sy_person *ps, hg_sy_out *o)
{
	for (int i = 0; i < ps->neth; i++)
		hg_sy_add(o, ps->eth_date[i], HG_ST_GP, HG_SC_ETHNIC, ps->eth_idx[i], HG_SY_NOVAL);
}

const char *hg_sy_eth_column(const hg_sy_model *m, const hg_sy_person *ps)
{
	return m->p->ethnicity_codes ? ps->eth_hosp : ps->eth_code;
}
