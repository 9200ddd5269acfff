/*
 * store.c: opening and verifying snapshots (reading side of store.h).
 */
#include "store.h"
#include "store/schema.h"
#include "core/fs.h"
#include "core/str.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const hg_setting_names[HG_SET_N] = {"gp", "rx", "ae",  "apc",
                                                "op", "mh", "mat", "cancer"};
const char *const hg_ethgroup_names[HG_ETH_N] = {"White", "Mixed", "Asian",
                                                 "Black", "Other", "Not stated"};

int hg_setting_parse(const char *s, size_t n)
{
	for (int i = 0; i < HG_SET_N; i++)
		if (strlen(hg_setting_names[i]) == n && memcmp(hg_setting_names[i], s, n) == 0)
			return i;
	return -1;
}

struct hg_store_map {
	char name[96];
	hg_map map;
};

int hg_store_resolve(const char *dir, char *path, size_t cap, hg_err *err)
{
	char p[HG_PATH_MAX];
	snprintf(p, sizeof p, "%s/manifest.json", dir);
	if (hg_path_exists(p)) {
		snprintf(path, cap, "%s", dir);
		return 0;
	}
	snprintf(p, sizeof p, "%s/CURRENT", dir);
	size_t n;
	hg_err e2;
	char *cur = hg_read_file(p, &n, &e2);
	if (!cur)
		return hg_err_set(err, HG_EIO, "%s: not a healthgap store (no CURRENT file)", dir);
	while (n && (cur[n - 1] == '\n' || cur[n - 1] == ' '))
		cur[--n] = 0;
	if (!n || strchr(cur, '/')) {
		free(cur);
		return hg_err_set(err, HG_ECORRUPT, "%s/CURRENT: does not name a snapshot", dir);
	}
	snprintf(path, cap, "%s/%s", dir, cur);
	free(cur);
	return 0;
}

static const void *store_file(hg_store *s, const char *name, size_t elem, uint64_t count,
                              hg_err *err)
{
	json_t *files = json_object_get(s->manifest, "files");
	json_t *f = json_object_get(files, name);
	if (!f) {
		hg_err_set(err, HG_ECORRUPT, "%s: manifest lists no file %s", s->snapdir, name);
		return NULL;
	}
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", s->snapdir, name);
	hg_store_map *m = &s->maps[s->n_maps];
	snprintf(m->name, sizeof m->name, "%s", name);
	if (hg_map_file(&m->map, path, err))
		return NULL;
	s->n_maps++;
	uint64_t bytes = (uint64_t)json_integer_value(json_object_get(f, "bytes"));
	if (m->map.size != bytes || (elem && m->map.size != elem * count)) {
		hg_err_set(err, HG_ECORRUPT,
		           "%s: size %zu does not match the manifest (%llu bytes); run "
		           "'healthgap verify'",
		           path, m->map.size, (unsigned long long)bytes);
		return NULL;
	}
	return m->map.data;
}

static int store_strtab(hg_store *s, const char *name, hg_strtab *t, hg_err *err)
{
	const uint32_t *p = store_file(s, name, 0, 0, err);
	if (!p)
		return -1;
	size_t size = s->maps[s->n_maps - 1].map.size;
	if (size < 4 || size < 4 + 4 * ((size_t)p[0] + 1))
		return hg_err_set(err, HG_ECORRUPT, "%s/%s: truncated string table", s->snapdir,
		                  name);
	t->n = p[0];
	t->off = p + 1;
	t->data = (const char *)(p + 1 + t->n + 1);
	size_t datalen = size - 4 - 4 * ((size_t)t->n + 1);
	if (t->off[t->n] > datalen || (datalen && t->data[datalen - 1] != 0))
		return hg_err_set(err, HG_ECORRUPT, "%s/%s: bad string table", s->snapdir, name);
	return 0;
}

/* Map column c of the schema into s->field (whose element size must match). */
#define HG_COL(field, c)                                                                           \
	do {                                                                                       \
		assert(sizeof *s->field == hg_store_cols[c].elem);                                 \
		s->field = store_file(s, hg_store_cols[c].file, hg_store_cols[c].elem,             \
		                      col_count(s, c), err);                                       \
		if (!s->field)                                                                     \
			goto fail;                                                                 \
	} while (0)

/* The number of elements column c must hold. */
static uint64_t col_count(const hg_store *s, int c)
{
	switch (hg_store_cols[c].rows) {
	case HG_ROWS_PERSONS:
		return s->n_persons;
	case HG_ROWS_PERSONS_END:
		return s->n_persons + 1;
	case HG_ROWS_EVENTS:
		return s->n_events;
	default:
		return s->lsoas.n;
	}
}

int hg_store_open(hg_store *s, const char *dir, hg_err *err)
{
	memset(s, 0, sizeof *s);
	hg_dict_init(&s->code_index);
	snprintf(s->root, sizeof s->root, "%s", dir);
	if (hg_store_resolve(dir, s->snapdir, sizeof s->snapdir, err))
		goto fail;
	const char *slash = strrchr(s->snapdir, '/');
	snprintf(s->snapshot, sizeof s->snapshot, "%s", slash ? slash + 1 : s->snapdir);
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/manifest.json", s->snapdir);
	size_t mlen;
	char *mtext = hg_read_file(path, &mlen, err);
	if (!mtext)
		goto fail;
	hg_hash_hex(mtext, mlen, s->manifest_hash);
	json_error_t je;
	s->manifest = json_loadb(mtext, mlen, 0, &je);
	free(mtext);
	if (!s->manifest) {
		hg_err_set(err, HG_ECORRUPT, "%s:%d: manifest is not valid JSON: %s", path, je.line,
		           je.text);
		goto fail;
	}
	json_t *m = s->manifest;
	if (json_integer_value(json_object_get(m, "format_version")) != HG_STORE_FORMAT_VERSION) {
		hg_err_set(err, HG_ECORRUPT, "%s: unsupported store format version", path);
		goto fail;
	}
	json_t *counts = json_object_get(m, "counts");
	s->n_persons = (uint64_t)json_integer_value(json_object_get(counts, "persons"));
	s->n_events = (uint64_t)json_integer_value(json_object_get(counts, "events"));
	const char *iv = json_string_value(json_object_get(json_object_get(m, "imd"), "version"));
	snprintf(s->imd_version, sizeof s->imd_version, "%s", iv ? iv : "none");
	const char *xd = json_string_value(json_object_get(m, "extract_date"));
	if (!xd || hg_date_parse(xd, strlen(xd), 0, &s->extract_date, NULL)) {
		hg_err_set(err, HG_ECORRUPT, "%s: missing extract_date", path);
		goto fail;
	}
	json_t *flags = json_object_get(m, "flags");
	s->n_flags = (uint32_t)json_array_size(flags);
	if (s->n_flags > HG_MAX_FLAGS)
		s->n_flags = HG_MAX_FLAGS;
	for (uint32_t i = 0; i < s->n_flags; i++)
		snprintf(s->flag_names[i], sizeof s->flag_names[i], "%s",
		         json_string_value(json_array_get(flags, i)));
	size_t nfiles = json_object_size(json_object_get(m, "files"));
	s->maps = hg_xcalloc(nfiles + 1, sizeof *s->maps);

	uint64_t np = s->n_persons, ne = s->n_events;
	HG_COL(dob, HG_COL_DOB);
	HG_COL(dob_month_only, HG_COL_DOB_MONTH_ONLY);
	HG_COL(sex, HG_COL_SEX);
	HG_COL(eth_cat, HG_COL_ETH_CAT);
	HG_COL(eth_group, HG_COL_ETH_GROUP);
	HG_COL(lsoa, HG_COL_LSOA);
	HG_COL(imd_decile, HG_COL_IMD_DECILE);
	HG_COL(imd_quintile, HG_COL_IMD_QUINTILE);
	HG_COL(practice, HG_COL_PRACTICE);
	HG_COL(reg_from, HG_COL_REG_FROM);
	HG_COL(reg_to, HG_COL_REG_TO);
	HG_COL(dod, HG_COL_DOD);
	HG_COL(flags, HG_COL_FLAGS);
	HG_COL(ev_off, HG_COL_EV_OFFSET);
	HG_COL(ev_date, HG_COL_EV_DATE);
	HG_COL(ev_code, HG_COL_EV_CODE);
	HG_COL(ev_value, HG_COL_EV_VALUE);
	HG_COL(ev_setting, HG_COL_EV_SETTING);
	hg_strtab *tabs[HG_STR_N] = {&s->person_ids, &s->codes,        &s->lsoas,
	                             &s->practices,  &s->practice_pcn, &s->practice_subicb};
	for (int k = 0; k < HG_STR_N; k++)
		if (store_strtab(s, hg_store_strs[k], tabs[k], err))
			goto fail;
	HG_COL(lsoa_decile, HG_COL_LSOA_DECILE);
	if (s->person_ids.n != np || s->ev_off[np] != ne || s->practice_pcn.n != s->practices.n) {
		hg_err_set(err, HG_ECORRUPT, "%s: inconsistent row counts", s->snapdir);
		goto fail;
	}
	for (uint32_t i = 0; i < s->codes.n; i++) {
		const char *c = hg_strtab_get(&s->codes, i);
		hg_dict_intern(&s->code_index, c, strlen(c), NULL);
	}
	return 0;
fail:
	hg_store_close(s);
	return err ? err->code ? err->code : HG_EIO : HG_EIO;
}

void hg_store_close(hg_store *s)
{
	for (size_t i = 0; i < s->n_maps; i++)
		hg_unmap(&s->maps[i].map);
	free(s->maps);
	if (s->manifest)
		json_decref(s->manifest);
	hg_dict_free(&s->code_index);
	s->maps = NULL;
	s->n_maps = 0;
	s->manifest = NULL;
}

int hg_store_verify(const hg_store *s, int *n_files, hg_err *err)
{
	json_t *files = json_object_get(s->manifest, "files");
	const char *name;
	json_t *f;
	int bad = 0, n = 0;
	hg_buf msg = {0};
	json_object_foreach(files, name, f)
	{
		char path[HG_PATH_MAX], hex[65];
		snprintf(path, sizeof path, "%s/%s", s->snapdir, name);
		const char *want = json_string_value(json_object_get(f, "blake2b256"));
		hg_err e2;
		n++;
		if (hg_hash_file_hex(path, hex, &e2)) {
			hg_buf_printf(&msg, "\n  %s: %s", name, e2.msg);
			bad++;
		} else if (!want || strcmp(want, hex) != 0) {
			hg_buf_printf(
			    &msg, "\n  %s: checksum mismatch (manifest %.16s..., file %.16s...)",
			    name, want ? want : "none", hex);
			bad++;
		}
	}
	if (n_files)
		*n_files = n;
	if (bad) {
		hg_err_set(err, HG_ECORRUPT, "%s: %d of %d files failed verification:%s",
		           s->snapdir, bad, n, hg_buf_cstr(&msg));
		hg_buf_free(&msg);
		return HG_ECORRUPT;
	}
	hg_buf_free(&msg);
	return 0;
}
