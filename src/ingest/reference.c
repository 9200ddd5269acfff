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

static int load_imd(hg_reference *r, const char *path, const char *code_col, const char *decile_col,
                    hg_err *err)
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
	size_t cap = 40000;
	r->decile = hg_xmalloc(cap);
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
		if (id >= cap)
			r->decile = hg_xrealloc(r->decile, cap *= 2);
		r->decile[id] = (uint8_t)dec;
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
	    si = hg_csv_col(&c, "sub_icb_code");
	if (pi < 0) {
		hg_csv_close(&c);
		return hg_err_set(err, HG_EINPUT, "%s:1: no practice_code column", path);
	}
	size_t cap = 1024;
	r->pcn = hg_xcalloc(cap, sizeof *r->pcn);
	r->subicb = hg_xcalloc(cap, sizeof *r->subicb);
	while (hg_csv_next(&c)) {
		hg_sv p = hg_sv_trim(hg_csv_field(&c, pi));
		if (!p.n)
			continue;
		int ins;
		uint32_t id = hg_dict_intern(&r->practice, p.p, p.n, &ins);
		if (!ins)
			continue;
		if (id >= cap) {
			r->pcn = hg_xrealloc(r->pcn, cap * 2 * sizeof *r->pcn);
			r->subicb = hg_xrealloc(r->subicb, cap * 2 * sizeof *r->subicb);
			cap *= 2;
		}
		hg_sv pcn = hg_sv_trim(hg_csv_field(&c, ni)),
		      sub = hg_sv_trim(hg_csv_field(&c, si));
		r->pcn[id] = hg_arena_strndup(&r->practice.arena, pcn.p, pcn.n);
		r->subicb[id] = hg_arena_strndup(&r->practice.arena, sub.p, sub.n);
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
			             "Index of Multiple Deprivation (IMD) Decile", err))
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
			if (load_imd(r, path, "lsoa21_code", "IMD_decile", err))
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
	return 0;
}

void hg_reference_free(hg_reference *r)
{
	hg_dict_free(&r->lsoa);
	hg_dict_free(&r->practice);
	free(r->decile);
	free(r->pcn);
	free(r->subicb);
	memset(r, 0, sizeof *r);
}

int hg_reference_decile(const hg_reference *r, const char *lsoa, size_t n)
{
	if (!r->n_lsoa)
		return 0;
	uint32_t id = hg_dict_find(&r->lsoa, lsoa, n);
	return id == HG_DICT_MISSING ? 0 : r->decile[id];
}
