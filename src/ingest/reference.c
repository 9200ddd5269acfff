/*
 * reference.c: loaders for the official IMD files and the practice lookup.
 * Columns are found by their published header names, so the untouched
 * official downloads can be used directly.
 */
#include "reference.h"
#include "core/csv.h"
#include "core/fs.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int col_prefix(const hg_csv *c, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < c->nfields; i++) {
		hg_sv f = hg_sv_trim(c->fields[i]);
		if (f.n >= n && strncasecmp(f.p, prefix, n) == 0)
			return (int)i;
	}
	return -1;
}

/* First file in dir whose name starts with prefix and ends with .csv. */
static int find_file(const char *dir, const char *prefix, char *out, size_t cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	char best[512] = "";
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && n > 4 &&
		    strcmp(e->d_name + n - 4, ".csv") == 0 &&
		    (!best[0] || strcmp(e->d_name, best) < 0))
			snprintf(best, sizeof best, "%s", e->d_name);
	}
	closedir(d);
	if (!best[0])
		return -1;
	snprintf(out, cap, "%s/%s", dir, best);
	return 0;
}

/* A rank as published: digits with thousands separators ("29,199"); 0 when none. */
static uint32_t rank_of(hg_sv v)
{
	uint64_t k = 0;
	int digits = 0;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] >= '0' && v.p[i] <= '9') {
			k = k * 10 + (uint64_t)(v.p[i] - '0');
			if (k > UINT32_MAX)
				return 0;
			digits++;
		} else if (v.p[i] != ',' && v.p[i] != ' ') {
			return 0;
		}
	}
	return digits ? (uint32_t)k : 0;
}

/* Field col of the current record (trimmed) copied into the arena; "" when col < 0. */
static char *field_dup(hg_arena *a, const hg_csv *c, int col)
{
	hg_sv v = col < 0 ? (hg_sv){"", 0} : hg_sv_trim(hg_csv_field(c, col));
	return hg_arena_strndup(a, v.p, v.n);
}

static int load_imd(hg_reference *r, const char *path, const char *code_col, const char *decile_col,
                    const char *rank_col, hg_err *err)
{
	hg_csv c;
	if (hg_csv_open(&c, path, err))
		return -1;
	if (!hg_csv_next(&c)) {
		hg_csv_close(&c);
		return hg_err_set(err, HG_EINPUT, "%s: empty file", path);
	}
	int ci = col_prefix(&c, code_col), di = col_prefix(&c, decile_col);
	if (ci < 0 || di < 0) {
		hg_csv_close(&c);
		return hg_err_set(err, HG_EINPUT,
		                  "%s:1: no '%s' or '%s' column; is this an IMD file?", path,
		                  code_col, decile_col);
	}
	/* optional: the rank (the local quintile's order) and the local authority */
	int ri = col_prefix(&c, rank_col), lai = col_prefix(&c, "Local Authority District code"),
	    lni = col_prefix(&c, "Local Authority District name");
	size_t cap = 40000;
	r->decile = hg_xmalloc(cap);
	r->rank = hg_xcalloc(cap, sizeof *r->rank);
	r->la = hg_xcalloc(cap, sizeof *r->la);
	r->la_name = hg_xcalloc(cap, sizeof *r->la_name);
	while (hg_csv_next(&c)) {
		hg_sv code = hg_sv_trim(hg_csv_field(&c, ci));
		int64_t dec;
		if (hg_parse_int64(hg_csv_field(&c, di), &dec) || dec < 1 || dec > 10) {
			hg_err_set(err, HG_EINPUT, "%s:%llu: field '%s': IMD decile is not 1-10",
			           path, (unsigned long long)c.line, decile_col);
			hg_csv_close(&c);
			return -1;
		}
		int ins;
		uint32_t id = hg_dict_intern(&r->lsoa, code.p, code.n, &ins);
		if (id >= cap) {
			r->decile = hg_xrealloc(r->decile, cap * 2);
			r->rank = hg_xrealloc(r->rank, cap * 2 * sizeof *r->rank);
			r->la = hg_xrealloc(r->la, cap * 2 * sizeof *r->la);
			r->la_name = hg_xrealloc(r->la_name, cap * 2 * sizeof *r->la_name);
			cap *= 2;
		}
		r->decile[id] = (uint8_t)dec;
		r->rank[id] = ri < 0 ? 0 : rank_of(hg_csv_field(&c, ri));
		r->la[id] = field_dup(&r->lsoa.arena, &c, lai);
		r->la_name[id] = field_dup(&r->lsoa.arena, &c, lni);
	}
	r->n_lsoa = r->lsoa.n;
	hg_csv_close(&c);
	snprintf(r->imd_source, sizeof r->imd_source, "%s", path);
	return 0;
}

static int load_practices(hg_reference *r, const char *path, hg_err *err)
{
	hg_csv c;
	if (hg_csv_open(&c, path, err))
		return -1;
	if (!hg_csv_next(&c)) {
		hg_csv_close(&c);
		return 0;
	}
	int pi = hg_csv_col(&c, "practice_code"), ni = hg_csv_col(&c, "pcn_code"),
	    si = hg_csv_col(&c, "sub_icb_code"), pni = hg_csv_col(&c, "practice_name"),
	    nni = hg_csv_col(&c, "pcn_name"), sni = hg_csv_col(&c, "sub_icb_name");
	if (pi < 0) {
		hg_csv_close(&c);
		return hg_err_set(err, HG_EINPUT, "%s:1: no practice_code column", path);
	}
	size_t cap = 1024;
	char ***cols[5] = {&r->pcn, &r->subicb, &r->prac_name, &r->pcn_name, &r->subicb_name};
	for (int k = 0; k < 5; k++)
		*cols[k] = hg_xcalloc(cap, sizeof **cols[k]);
	while (hg_csv_next(&c)) {
		hg_sv p = hg_sv_trim(hg_csv_field(&c, pi));
		if (!p.n)
			continue;
		int ins;
		uint32_t id = hg_dict_intern(&r->practice, p.p, p.n, &ins);
		if (!ins)
			continue;
		if (id >= cap) {
			for (int k = 0; k < 5; k++)
				*cols[k] = hg_xrealloc(*cols[k], cap * 2 * sizeof **cols[k]);
			cap *= 2;
		}
		hg_arena *a = &r->practice.arena;
		r->pcn[id] = field_dup(a, &c, ni);
		r->subicb[id] = field_dup(a, &c, si);
		r->prac_name[id] = field_dup(a, &c, pni);
		r->pcn_name[id] = field_dup(a, &c, nni);
		r->subicb_name[id] = field_dup(a, &c, sni);
	}
	hg_csv_close(&c);
	snprintf(r->practice_source, sizeof r->practice_source, "%s", path);
	return 0;
}

int hg_reference_load(hg_reference *r, const char *dir, const char *version, hg_err *err)
{
	memset(r, 0, sizeof *r);
	hg_dict_init(&r->lsoa);
	hg_dict_init(&r->practice);
	hg_dict_init(&r->lk);
	snprintf(r->imd_version, sizeof r->imd_version, "none");
	if (!dir)
		return 0;
	if (!hg_is_dir(dir))
		return hg_err_set(err, HG_EUSAGE, "%s: reference directory not found", dir);
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	char sub[HG_PATH_MAX], path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/SYNTHETIC", dir);
	r->synthetic = hg_path_exists(path);
	int want19 = !version || !strcmp(version, "2019"),
	    want25 = version && !strcmp(version, "2025");
	if (version && !want19 && !want25)
		return hg_err_set(err, HG_EUSAGE, "IMD version must be 2019 or 2025, not '%s'",
		                  version);
	int found = 0;
	if (want19) {
		snprintf(sub, sizeof sub, "%s/imd2019", dir);
		if (find_file(sub, "File_1", path, sizeof path) == 0 ||
		    find_file(sub, "File_2", path, sizeof path) == 0 ||
		    find_file(dir, "File_1", path, sizeof path) == 0) {
			if (load_imd(r, path, "LSOA code",
			             "Index of Multiple Deprivation (IMD) Decile",
			             "Index of Multiple Deprivation (IMD) Rank", err))
				return -1;
			snprintf(r->imd_version, sizeof r->imd_version, "IMD2019");
			snprintf(r->lsoa_vintage, sizeof r->lsoa_vintage, "2011");
			found = 1;
		}
	}
	if (!found && (want25 || !version)) {
		snprintf(sub, sizeof sub, "%s/imd2025", dir);
		if (find_file(sub, "imd2025", path, sizeof path) == 0 ||
		    find_file(dir, "imd2025", path, sizeof path) == 0) {
			if (load_imd(r, path, "lsoa21_code", "IMD_decile", "IMD_rank", err))
				return -1;
			snprintf(r->imd_version, sizeof r->imd_version, "IMD2025");
			snprintf(r->lsoa_vintage, sizeof r->lsoa_vintage, "2021");
			found = 1;
		}
	}
	if (!found && version)
		return hg_err_set(err, HG_EUSAGE, "%s: no IMD %s file found (expected imd%s/...)",
		                  dir, version, version);
	snprintf(path, sizeof path, "%s/practices.csv", dir);
	if (hg_path_exists(path) && load_practices(r, path, err))
		return -1;
	snprintf(path, sizeof path, "%s/lsoa_lookup.csv", dir);
	if (hg_path_exists(path) && hg_reference_load_lookup(r, path, err))
		return -1;
	return 0;
}

/* The first column named PREFIX, two characters (a year), then SUFFIX ("LSOA11CD"),
 * preferring the year yy when given; else the first of the plain names. */
static int col_coded(const hg_csv *c, const char *prefix, const char *suffix, const char *yy,
                     const char *const *plain)
{
	size_t np = strlen(prefix), ns = strlen(suffix);
	int any = -1;
	for (size_t i = 0; i < c->nfields; i++) {
		hg_sv f = hg_sv_trim(c->fields[i]);
		if (f.n != np + 2 + ns || strncasecmp(f.p, prefix, np) ||
		    !isdigit((unsigned char)f.p[np]) || !isdigit((unsigned char)f.p[np + 1]) ||
		    strncasecmp(f.p + np + 2, suffix, ns))
			continue;
		if (yy && !strncmp(f.p + np, yy, 2))
			return (int)i;
		if (any < 0)
			any = (int)i;
	}
	for (int k = 0; any < 0 && plain[k]; k++)
		any = hg_csv_col(c, plain[k]);
	return any;
}

/* Forget a lookup read before (--lsoa-lookup replaces the reference folder's). */
static void lookup_free(hg_reference *r)
{
	hg_dict_free(&r->lk);
	hg_dict_init(&r->lk);
	char ***out[4] = {&r->lk_la, &r->lk_la_name, &r->lk_msoa, &r->lk_msoa_name};
	for (int k = 0; k < 4; k++) {
		free(*out[k]);
		*out[k] = NULL;
	}
	r->lookup_source[0] = 0;
}

int hg_reference_load_lookup(hg_reference *r, const char *path, hg_err *err)
{
	lookup_free(r);
	hg_csv c;
	if (hg_csv_open(&c, path, err))
		return -1;
	if (!hg_csv_next(&c)) {
		hg_csv_close(&c);
		return hg_err_set(err, HG_EINPUT, "%s: empty file (no header row)", path);
	}
	const char *yy = r->lsoa_vintage[0] ? r->lsoa_vintage + 2 : NULL;
	static const char *const lsoa_n[] = {"lsoa_code", "lsoa", NULL};
	static const char *const la_n[] = {"la_code", "lad_code", NULL};
	static const char *const lan_n[] = {"la_name", "lad_name", NULL};
	static const char *const ms_n[] = {"msoa_code", "msoa", NULL};
	static const char *const msn_n[] = {"msoa_name", NULL};
	int li = col_coded(&c, "LSOA", "CD", yy, lsoa_n),
	    col[4] = {
	        col_coded(&c, "LAD", "CD", NULL, la_n),
	        col_coded(&c, "LAD", "NM", NULL, lan_n),
	        col_coded(&c, "MSOA", "CD", yy, ms_n),
	        col_coded(&c, "MSOA", "NM", yy, msn_n),
	    };
	if (li < 0 || (col[0] < 0 && col[2] < 0)) {
		hg_csv_close(&c);
		return hg_err_set(err, HG_EINPUT,
		                  "%s:1: an LSOA lookup needs an LSOA code column (LSOA11CD, "
		                  "LSOA21CD or lsoa_code) and a local authority (LAD22CD, la_code) "
		                  "or MSOA (MSOA21CD, msoa_code) column",
		                  path);
	}
	size_t cap = 1024;
	char ***out[4] = {&r->lk_la, &r->lk_la_name, &r->lk_msoa, &r->lk_msoa_name};
	for (int k = 0; k < 4; k++)
		*out[k] = hg_xcalloc(cap, sizeof **out[k]);
	while (hg_csv_next(&c)) {
		hg_sv l = hg_sv_trim(hg_csv_field(&c, li));
		int ins;
		if (!l.n)
			continue;
		uint32_t id = hg_dict_intern(&r->lk, l.p, l.n, &ins);
		if (!ins) /* a best-fit lookup lists an LSOA once per part: the first holds */
			continue;
		if (id >= cap) {
			for (int k = 0; k < 4; k++)
				*out[k] = hg_xrealloc(*out[k], cap * 2 * sizeof **out[k]);
			cap *= 2;
		}
		for (int k = 0; k < 4; k++)
			(*out[k])[id] = field_dup(&r->lk.arena, &c, col[k]);
	}
	hg_csv_close(&c);
	snprintf(r->lookup_source, sizeof r->lookup_source, "%s", path);
	return 0;
}

hg_lsoa_places hg_reference_places(const hg_reference *r, const char *lsoa, size_t n)
{
	hg_lsoa_places pl = {"", "", "", ""};
	uint32_t k = r->lk.n ? hg_dict_find(&r->lk, lsoa, n) : HG_DICT_MISSING;
	if (k != HG_DICT_MISSING) {
		pl = (hg_lsoa_places){r->lk_la[k], r->lk_la_name[k], r->lk_msoa[k],
		                      r->lk_msoa_name[k]};
	}
	uint32_t i = r->n_lsoa ? hg_dict_find(&r->lsoa, lsoa, n) : HG_DICT_MISSING;
	if (!pl.la[0] && i != HG_DICT_MISSING) {
		pl.la = r->la[i];
		pl.la_name = r->la_name[i];
	}
	return pl;
}

uint32_t hg_reference_rank(const hg_reference *r, const char *lsoa, size_t n)
{
	uint32_t i = r->n_lsoa ? hg_dict_find(&r->lsoa, lsoa, n) : HG_DICT_MISSING;
	return i == HG_DICT_MISSING ? 0 : r->rank[i];
}

void hg_reference_free(hg_reference *r)
{
	hg_dict_free(&r->lsoa);
	hg_dict_free(&r->practice);
	hg_dict_free(&r->lk);
	free(r->decile);
	free(r->rank);
	free(r->la);
	free(r->la_name);
	free(r->pcn);
	free(r->subicb);
	free(r->prac_name);
	free(r->pcn_name);
	free(r->subicb_name);
	free(r->lk_la);
	free(r->lk_la_name);
	free(r->lk_msoa);
	free(r->lk_msoa_name);
	memset(r, 0, sizeof *r);
}

int hg_reference_decile(const hg_reference *r, const char *lsoa, size_t n)
{
	if (!r->n_lsoa)
		return 0;
	uint32_t id = hg_dict_find(&r->lsoa, lsoa, n);
	return id == HG_DICT_MISSING ? 0 : r->decile[id];
}
