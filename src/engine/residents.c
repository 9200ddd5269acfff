/*
 * residents.c: reading ONS mid-year population estimates by LSOA, sex and single year of
 * age for resident-population denominators (residents.h). The file is read as ONS
 * publishes it, one row per LSOA and sex with one column per year of age: columns are
 * found by name (`lsoa_code`/`LSOA Code`/`LSOAyyCD`, `gender`/`sex`, `age0` .. `age89`
 * and `age90plus`, or `0` .. `89` and `90+`), so the download is used untouched.
 */
#include "engine/residents.h"

#include "core/csv.h"
#include "core/dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first header field named one of names, or -1. */
static int find_col(const hg_csv *c, const char *const *names)
{
	for (int k = 0; names[k]; k++) {
		int i = hg_csv_col(c, names[k]);
		if (i >= 0)
			return i;
	}
	return -1;
}

/* The column of each age 0 .. 89 and 90+, in either published spelling. */
static int find_ages(const hg_csv *c, int col[HG_RES_AGES], const char *path, hg_err *err)
{
	for (int a = 0; a < HG_RES_AGES; a++) {
		char n1[16], n2[16];
		snprintf(n1, sizeof n1, a == HG_RES_AGES - 1 ? "age90plus" : "age%d", a);
		snprintf(n2, sizeof n2, a == HG_RES_AGES - 1 ? "90+" : "%d", a);
		const char *names[] = {n1, n2, NULL};
		col[a] = find_col(c, names);
		if (col[a] < 0)
			return hg_err_set(
			    err, HG_EINPUT,
			    "%s: line 1: no column '%s' (or '%s'): an ONS population file "
			    "has one column per single year of age, age0 .. age89 and "
			    "age90plus (docs/data-model.md, \"Resident populations\")",
			    path, n1, n2);
	}
	return 0;
}

/* 0 male, 1 female, or -1. ONS writes m/f (or 1/2, Male/Female). */
static int sex_of(hg_sv v)
{
	if (hg_sv_eq_nocase(v, "m") || hg_sv_eq_nocase(v, "male") || hg_sv_eq(v, "1") ||
	    hg_sv_eq_nocase(v, "males"))
		return 0;
	if (hg_sv_eq_nocase(v, "f") || hg_sv_eq_nocase(v, "female") || hg_sv_eq(v, "2") ||
	    hg_sv_eq_nocase(v, "females"))
		return 1;
	return -1;
}

/* A count: digits, with thousands separators allowed ("1,234"); -1 when not one. */
static int64_t count_of(hg_sv v)
{
	int64_t n = 0;
	int digits = 0;
	for (size_t k = 0; k < v.n; k++) {
		char ch = v.p[k];
		if (ch == ',' && digits)
			continue;
		if (ch < '0' || ch > '9' || n > 100000000)
			return -1;
		n = n * 10 + (ch - '0');
		digits++;
	}
	return digits ? n : -1;
}

typedef struct res_cols {
	int lsoa, sex, age[HG_RES_AGES];
} res_cols;

static int res_header(hg_csv *c, res_cols *rc, const char *path, hg_err *err)
{
	static const char *const lsoa[] = {"lsoa_code", "LSOA Code",      "LSOA11CD",
	                                   "LSOA21CD",  "LSOA 2011 Code", "LSOA 2021 Code",
	                                   NULL};
	static const char *const sex[] = {"gender", "sex", NULL};
	if (!hg_csv_next(c))
		return hg_err_set(err, HG_EINPUT,
		                  "%s: empty file (an ONS population file was "
		                  "expected)",
		                  path);
	rc->lsoa = find_col(c, lsoa);
	rc->sex = find_col(c, sex);
	if (rc->lsoa < 0 || rc->sex < 0)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: line 1: no %s column: an ONS population file by LSOA has "
		                  "'lsoa_code' (or 'LSOA Code', 'LSOA11CD', 'LSOA21CD'), 'gender' "
		                  "(or 'sex': m/f) and one column per year of age "
		                  "(docs/data-model.md, \"Resident populations\")",
		                  path, rc->lsoa < 0 ? "LSOA" : "sex");
	return find_ages(c, rc->age, path, err);
}

/* One data row into r (lsoas: the store's LSOA codes -> index); seen marks LSOA x sex. */
static int res_row(hg_residents *r, const hg_csv *c, const res_cols *rc, const hg_dict *lsoas,
                   uint8_t *seen, hg_err *err)
{
	const char *path = r->path;
	unsigned long long line = (unsigned long long)c->line;
	if (c->malformed)
		return hg_err_set(err, HG_EINPUT, "%s: line %llu: %s", path, line, c->malformed);
	hg_sv code = hg_csv_field(c, rc->lsoa), sx = hg_csv_field(c, rc->sex);
	int s = sex_of(sx);
	if (s < 0)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: line %llu: field 'gender': '%.*s' is not a sex (m or f; 1 "
		                  "or 2)",
		                  path, line, (int)(sx.n > 20 ? 20 : sx.n), sx.p);
	uint32_t l = hg_dict_find(lsoas, code.p, code.n);
	int32_t vals[HG_RES_AGES];
	for (int a = 0; a < HG_RES_AGES; a++) {
		hg_sv v = hg_csv_field(c, rc->age[a]);
		int64_t n = count_of(v);
		if (n < 0)
			return hg_err_set(err, HG_EINPUT,
			                  "%s: line %llu: field '%s%d%s': '%.*s' is not a count of "
			                  "people (a whole number, 0 or more)",
			                  path, line, "age", a < 90 ? a : 90, a < 90 ? "" : "plus",
			                  (int)(v.n > 20 ? 20 : v.n), v.p);
		vals[a] = (int32_t)n;
	}
	r->rows++;
	if (l == HG_DICT_MISSING)
		return 0; /* outside the area: no one in the store lives there */
	if (seen[2 * (size_t)l + (size_t)s]++)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: line %llu: a second row for LSOA %.*s, sex %s: give one "
		                  "estimate (one year's file)",
		                  path, line, (int)(code.n > 12 ? 12 : code.n), code.p,
		                  s ? "f" : "m");
	r->in_area[l] = 1;
	for (int a = 0; a < HG_RES_AGES; a++) {
		r->n[((size_t)l * 2 + (size_t)s) * HG_RES_AGES + (size_t)a] = (uint32_t)vals[a];
		r->total += vals[a];
	}
	return 0;
}

int hg_residents_load(hg_residents *r, const char *path, const hg_store *st, hg_err *err)
{
	memset(r, 0, sizeof *r);
	snprintf(r->path, sizeof r->path, "%s", path);
	if (hg_hash_file_hex(path, r->hash, err) != 0)
		return hg_err_wrap(err, "--population");
	hg_csv c;
	if (hg_csv_open(&c, path, err) != 0)
		return hg_err_wrap(err, "--population");
	r->nlsoa = (uint32_t)st->lsoas.n;
	r->in_area = hg_xcalloc((size_t)r->nlsoa + 1, 1);
	r->n = hg_xcalloc(((size_t)r->nlsoa + 1) * 2 * HG_RES_AGES, sizeof *r->n);
	uint8_t *seen = hg_xcalloc(2 * ((size_t)r->nlsoa + 1), 1);
	hg_dict lsoas;
	hg_dict_init(&lsoas);
	for (uint32_t l = 0; l < r->nlsoa; l++) {
		const char *s = hg_strtab_get(&st->lsoas, l);
		hg_dict_intern(&lsoas, s, strlen(s), NULL);
	}
	res_cols rc;
	int rc_ = res_header(&c, &rc, path, err);
	while (rc_ == 0 && hg_csv_next(&c))
		rc_ = res_row(r, &c, &rc, &lsoas, seen, err);
	hg_csv_close(&c);
	for (uint32_t l = 0; rc_ == 0 && l < r->nlsoa; l++) {
		if (seen[2 * l] != seen[2 * l + 1])
			rc_ = hg_err_set(
			    err, HG_EINPUT,
			    "%s: LSOA %s has a row for one sex only: give both (m and f)", path,
			    hg_strtab_get(&st->lsoas, l));
		r->area_lsoas += r->in_area[l];
	}
	r->missing_lsoas = r->nlsoa - r->area_lsoas;
	if (rc_ == 0 && r->area_lsoas == 0)
		rc_ = hg_err_set(
		    err, HG_EINPUT,
		    "%s: none of the store's %u LSOAs is in the file (%llu rows): give "
		    "the estimates on the store's LSOA vintage (2011 LSOAs with IMD2019, "
		    "2021 LSOAs with IMD2025)",
		    path, r->nlsoa, (unsigned long long)r->rows);
	hg_dict_free(&lsoas);
	free(seen);
	if (rc_)
		hg_residents_free(r);
	return rc_;
}

void hg_residents_free(hg_residents *r)
{
	free(r->in_area);
	free(r->n);
	r->in_area = NULL;
	r->n = NULL;
}
