/*
 * store.c: opening and verifying snapshots (reading side of store.h).
 *
 * Nothing read from a snapshot is trusted: open checks the manifest against
 * its checksum file, every field of the manifest it uses, every file's size,
 * every string table's offsets, and (store_check.c) every value the engine
 * will use as an index, an enum or a date. verify hashes every file before
 * it interprets anything, then opens.
 */
#include "store.h"
#include "store/schema.h"
#include "store/reid.h"
#include "core/fs.h"
#include "core/str.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const hg_setting_names[HG_SET_N] = {"gp", "rx", "ae",  "apc",
                                                "op", "mh", "mat", "cancer"};
const char *const hg_ethgroup_names[HG_ETH_N] = {"White", "Mixed", "Asian",
                                                 "Black", "Other", "Not stated"};
const char *const hg_outcome_names[HG_OUT_N] = {"not known", "attended", "did not attend",
                                                "cancelled by patient", "cancelled by provider"};
const char *const hg_attendance_names[HG_ATT_N] = {"not known", "first", "follow-up"};

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
	snprintf(p, sizeof p, "%s/" HG_STORE_MANIFEST, dir);
	if (hg_path_exists(p)) {
		snprintf(path, cap, "%s", dir);
		return 0;
	}
	snprintf(p, sizeof p, "%s/CURRENT", dir);
	size_t n;
	hg_err e2;
	char *cur = hg_read_file(p, &n, &e2);
	if (!cur) {
		snprintf(p, sizeof p, "%s/shards.json", dir);
		if (hg_path_exists(p))
			return hg_err_set(
			    err, HG_EUSAGE,
			    "%s: a sharded store (shards.json): only run, info and verify "
			    "read it whole; give one shard (%s/shard-0000) or the store "
			    "it was split from",
			    dir, dir);
		return hg_err_set(err, HG_EIO, "%s: not a healthgap store (no CURRENT file)", dir);
	}
	while (n && (cur[n - 1] == '\n' || cur[n - 1] == ' '))
		cur[--n] = 0;
	if (!n || strchr(cur, '/') || n >= 64 || strlen(cur) != n) {
		free(cur);
		return hg_err_set(err, HG_ECORRUPT, "%s/CURRENT: does not name a snapshot", dir);
	}
	snprintf(path, cap, "%s/%s", dir, cur);
	free(cur);
	return 0;
}

/* The fix every damaged-store message ends with. */
#define FIX "the snapshot is damaged: run 'healthgap verify', then re-ingest"

/* Read snapshot file name (a regular file: a FIFO would block) into memory. */
static char *read_regular(const char *snapdir, const char *name, size_t *len, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", snapdir, name);
	struct stat st;
	if (stat(path, &st) < 0) {
		hg_err_set(err, HG_ECORRUPT, "%s: %s; " FIX, path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		hg_err_set(err, HG_ECORRUPT, "%s: not a regular file; " FIX, path);
		return NULL;
	}
	return hg_read_file(path, len, err);
}

/*
 * Read the manifest, check it against manifest.blake2b and parse it. The
 * hash is kept in hash (it identifies the data in every output).
 */
static json_t *manifest_load(const char *snapdir, char hash[65], hg_err *err)
{
	size_t mlen, slen;
	char *mtext = read_regular(snapdir, HG_STORE_MANIFEST, &mlen, err);
	if (!mtext)
		return NULL;
	hg_hash_hex(mtext, mlen, hash);
	char sumpath[HG_PATH_MAX];
	snprintf(sumpath, sizeof sumpath, "%s/" HG_STORE_MANIFEST_SUM, snapdir);
	if (!hg_path_exists(sumpath)) {
		free(mtext);
		hg_err_set(
		    err, HG_ECORRUPT,
		    "%s: missing, so the manifest cannot be checked (a snapshot written before "
		    "healthgap checksummed its manifest must be re-ingested); " FIX,
		    sumpath);
		return NULL;
	}
	char *sum = read_regular(snapdir, HG_STORE_MANIFEST_SUM, &slen, err);
	if (!sum) {
		free(mtext);
		return NULL;
	}
	int ok = slen >= 64 && memcmp(sum, hash, 64) == 0 &&
	         (slen == 64 || (slen == 65 && sum[64] == '\n'));
	free(sum);
	if (!ok) {
		free(mtext);
		hg_err_set(err, HG_ECORRUPT,
		           "%s/" HG_STORE_MANIFEST
		           ": does not match its checksum in " HG_STORE_MANIFEST_SUM
		           " (changed or damaged); " FIX,
		           snapdir);
		return NULL;
	}
	json_error_t je;
	json_t *m = json_loadb(mtext, mlen, 0, &je);
	free(mtext);
	if (!m || !json_is_object(m)) {
		hg_err_set(err, HG_ECORRUPT,
		           "%s/" HG_STORE_MANIFEST ":%d: not a JSON object: %s; " FIX, snapdir,
		           m ? 1 : je.line, m ? "" : je.text);
		json_decref(m);
		return NULL;
	}
	return m;
}

/* A file name the manifest may list: in the snapshot, not a path elsewhere. */
static int file_name_ok(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) < 96;
}

/* The manifest's "files": an object of {bytes, blake2b256} under plain names. */
static int manifest_files_ok(const char *snapdir, json_t *m, hg_err *err)
{
	json_t *files = json_object_get(m, "files"), *f;
	const char *name;
	if (!json_is_object(files))
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s/" HG_STORE_MANIFEST ": no \"files\" object; " FIX, snapdir);
	json_object_foreach(files, name, f)
	{
		json_t *b = json_object_get(f, "bytes");
		const char *h = json_string_value(json_object_get(f, "blake2b256"));
		if (!file_name_ok(name) || !json_is_integer(b) || json_integer_value(b) < 0 || !h ||
		    strlen(h) != 64)
			return hg_err_set(err, HG_ECORRUPT,
			                  "%s/" HG_STORE_MANIFEST
			                  ": file entry \"%.96s\" is not a plain "
			                  "name with bytes and a blake2b256 checksum; " FIX,
			                  snapdir, name);
	}
	return 0;
}

static const void *store_file(hg_store *s, const char *name, size_t elem, uint64_t count,
                              hg_err *err)
{
	json_t *files = json_object_get(s->manifest, "files");
	json_t *f = json_object_get(files, name);
	if (!f) {
		hg_err_set(err, HG_ECORRUPT, "%s: manifest lists no file %s; " FIX, s->snapdir,
		           name);
		return NULL;
	}
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", s->snapdir, name);
	assert(s->n_maps < s->cap_maps); /* store_map_all's count covers every file it maps */
	hg_store_map *m = &s->maps[s->n_maps];
	snprintf(m->name, sizeof m->name, "%s", name);
	hg_err e2;
	if (hg_map_file(&m->map, path, &e2)) {
		hg_err_set(err, HG_ECORRUPT, "%s; " FIX, e2.msg);
		return NULL;
	}
	s->n_maps++;
	uint64_t bytes = (uint64_t)json_integer_value(json_object_get(f, "bytes"));
	/* count comes from the manifest: a huge one must not wrap elem * count */
	if (m->map.size != bytes ||
	    (elem && (count > SIZE_MAX / elem || m->map.size != elem * count))) {
		hg_err_set(
		    err, HG_ECORRUPT,
		    "%s: %zu bytes, but the manifest lists %llu bytes (%llu rows of %zu); " FIX,
		    path, m->map.size, (unsigned long long)bytes, (unsigned long long)count, elem);
		return NULL;
	}
	return m->map.data;
}

/*
 * A string table: count n, n + 1 offsets from 0, each above the last (every
 * string has its NUL), the last the end of the data, each string ending in NUL.
 * need_text: every string has at least one character.
 */
static int store_strtab(hg_store *s, const char *name, hg_strtab *t, int need_text, hg_err *err)
{
	const uint32_t *p = store_file(s, name, 0, 0, err);
	if (!p)
		return -1;
	size_t size = s->maps[s->n_maps - 1].map.size;
	if (size < 8 || size / 4 - 1 < (size_t)p[0] + 1)
		return hg_err_set(err, HG_ECORRUPT, "%s/%s: truncated string table; " FIX,
		                  s->snapdir, name);
	t->n = p[0];
	t->off = p + 1;
	t->data = (const char *)(p + 1 + t->n + 1);
	size_t datalen = size - 4 - 4 * ((size_t)t->n + 1);
	if (t->off[0] != 0 || t->off[t->n] != datalen)
		return hg_err_set(
		    err, HG_ECORRUPT,
		    "%s/%s: the offsets do not run from 0 to the end of the strings; " FIX,
		    s->snapdir, name);
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t a = t->off[i], b = t->off[i + 1];
		if (b <= a || b > datalen || t->data[b - 1] != 0 || (need_text && b - a < 2))
			return hg_err_set(
			    err, HG_ECORRUPT, "%s/%s: string %u: %s; " FIX, s->snapdir, name, i + 1,
			    b <= a || b > datalen ? "offset out of order or past the end"
			    : t->data[b - 1]      ? "not NUL-terminated"
			                          : "empty");
	}
	return 0;
}

/* Map column c of the schema into s->field (whose element size must match). */
#define HG_COL(field, c)                                                                           \
	do {                                                                                       \
		assert(sizeof *s->field == hg_store_cols[c].elem);                                 \
		s->field = store_file(s, hg_store_cols[c].file, hg_store_cols[c].elem,             \
		                      col_count(s, c), err);                                       \
		if (!s->field)                                                                     \
			return -1;                                                                 \
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
	case HG_ROWS_PATHWAYS:
		return s->n_pathways;
	case HG_ROWS_APPTS:
		return s->n_appts;
	case HG_ROWS_REGS:
		return s->n_regs;
	case HG_ROWS_ADDRS:
		return s->n_addrs;
	default:
		return s->lsoas.n;
	}
}

/* Does the manifest m count the unit tables? 1 both, 0 neither, -1 only one. */
static int manifest_has_units(json_t *m)
{
	json_t *c = json_object_get(m, "counts");
	int pw = json_object_get(c, "pathways") != NULL,
	    ap = json_object_get(c, "appointments") != NULL;
	return pw && ap ? 1 : pw || ap ? -1 : 0;
}

/* Does the manifest m count the history tables? 1 both, 0 neither, -1 only one. */
static int manifest_has_history(json_t *m)
{
	json_t *c = json_object_get(m, "counts");
	int rg = json_object_get(c, "registrations") != NULL,
	    ad = json_object_get(c, "addresses") != NULL;
	return rg && ad ? 1 : rg || ad ? -1 : 0;
}

/* Does the manifest m count the place tables ("places": 1)? */
static int manifest_has_places(json_t *m)
{
	return json_object_get(json_object_get(m, "counts"), "places") != NULL;
}

/* A count of the manifest: an integer from 0 to max. */
static int manifest_count(const hg_store *s, const char *key, uint64_t max, uint64_t *out,
                          hg_err *err)
{
	json_t *v = json_object_get(json_object_get(s->manifest, "counts"), key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s/" HG_STORE_MANIFEST
		                  ": counts.%s is not a whole number from 0 "
		                  "to %llu; " FIX,
		                  s->snapdir, key, (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* The manifest's fields that open uses: version, counts, IMD, extract date, flags. */
static int manifest_fields(hg_store *s, hg_err *err)
{
	json_t *m = s->manifest;
	if (manifest_files_ok(s->snapdir, m, err))
		return -1;
	if (json_integer_value(json_object_get(m, "format_version")) != HG_STORE_FORMAT_VERSION)
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s/" HG_STORE_MANIFEST
		                  ": unsupported store format version (this healthgap reads %d); "
		                  "re-ingest with this version",
		                  s->snapdir, HG_STORE_FORMAT_VERSION);
	/* persons are indexed by uint32 (string tables), events by uint64 */
	if (manifest_count(s, "persons", UINT32_MAX - 1, &s->n_persons, err) ||
	    manifest_count(s, "events", UINT64_MAX / 16, &s->n_events, err))
		return -1;
	s->has_units = manifest_has_units(m);
	s->has_places = manifest_has_places(m);
	s->has_history = manifest_has_history(m);
	if (s->has_history < 0)
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s/" HG_STORE_MANIFEST
		                  ": counts has only one of registrations and addresses; " FIX,
		                  s->snapdir);
	if (s->has_history &&
	    (manifest_count(s, "registrations", UINT64_MAX / 16, &s->n_regs, err) ||
	     manifest_count(s, "addresses", UINT64_MAX / 16, &s->n_addrs, err)))
		return -1;
	if (s->has_units < 0)
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s/" HG_STORE_MANIFEST ": counts has one of pathways and "
		                  "appointments without the other; " FIX,
		                  s->snapdir);
	if (s->has_units && (manifest_count(s, "pathways", UINT64_MAX / 16, &s->n_pathways, err) ||
	                     manifest_count(s, "appointments", UINT64_MAX / 16, &s->n_appts, err)))
		return -1;
	const char *iv = json_string_value(json_object_get(json_object_get(m, "imd"), "version"));
	const char *xd = json_string_value(json_object_get(m, "extract_date"));
	if ((iv && strlen(iv) >= sizeof s->imd_version) || !xd ||
	    hg_date_parse(xd, strlen(xd), 0, &s->extract_date, NULL))
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s/" HG_STORE_MANIFEST ": bad imd.version or extract_date; " FIX,
		                  s->snapdir);
	snprintf(s->imd_version, sizeof s->imd_version, "%s", iv ? iv : "none");
	json_t *flags = json_object_get(m, "flags");
	if (flags && (!json_is_array(flags) || json_array_size(flags) > HG_MAX_FLAGS))
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s/" HG_STORE_MANIFEST ": flags must be a list of at most %d "
		                  "names; " FIX,
		                  s->snapdir, HG_MAX_FLAGS);
	s->n_flags = (uint32_t)json_array_size(flags);
	for (uint32_t i = 0; i < s->n_flags; i++) {
		const char *f = json_string_value(json_array_get(flags, i));
		if (!f || !*f || strlen(f) >= sizeof s->flag_names[i])
			return hg_err_set(err, HG_ECORRUPT,
			                  "%s/" HG_STORE_MANIFEST
			                  ": flag %u is not a name of 1 to %zu "
			                  "characters; " FIX,
			                  s->snapdir, i + 1, sizeof s->flag_names[i] - 1);
		snprintf(s->flag_names[i], sizeof s->flag_names[i], "%s", f);
	}
	return 0;
}

/* One event segment's columns (k 0: the base files; else an append's "segK." files). */
typedef struct ev_seg {
	const uint64_t *off;
	const hg_date *date;
	const uint32_t *code;
	const float *value;
	const uint8_t *setting;
	uint64_t np, ne;
} ev_seg;

/* Map segment k's files (np persons, ne events); its offsets must run from 0 to ne. */
static int seg_map(hg_store *s, int k, ev_seg *g, hg_err *err)
{
	char f[96];
	const void **dst[] = {(const void **)&g->off, (const void **)&g->date,
	                      (const void **)&g->code, (const void **)&g->value,
	                      (const void **)&g->setting};
	for (int c = HG_COL_EV_OFFSET; c <= HG_COL_EV_SETTING; c++) {
		hg_store_seg_file(c, k, f, sizeof f);
		uint64_t rows = c == HG_COL_EV_OFFSET ? g->np + 1 : g->ne;
		if (!(*dst[c - HG_COL_EV_OFFSET] =
		          store_file(s, f, hg_store_cols[c].elem, rows, err)))
			return -1;
	}
	if (g->off[0] != 0 || g->off[g->np] != g->ne)
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s: event segment %d's offsets do not run from 0 to its %llu "
		                  "events; " FIX,
		                  s->snapdir, k, (unsigned long long)g->ne);
	for (uint64_t p = 0; p < g->np; p++)
		if (g->off[p + 1] < g->off[p])
			return hg_err_set(err, HG_ECORRUPT,
			                  "%s: event segment %d: person %llu's offsets fall; " FIX,
			                  s->snapdir, k, (unsigned long long)p + 1);
	return 0;
}

/* Merge the segments person by person, by date (an earlier segment first on a date). */
static void seg_merge(hg_store *s, const ev_seg *g, int n)
{
	uint64_t ne = s->n_events, np = s->n_persons;
	size_t bytes = (np + 1) * 8 + ne * (4 + 4 + 4 + 1) + 8;
	char *m = hg_xmalloc(bytes);
	uint64_t *off = (uint64_t *)m;
	hg_date *date = (hg_date *)(off + np + 1);
	uint32_t *code = (uint32_t *)(date + ne);
	float *value = (float *)(code + ne);
	uint8_t *setting = (uint8_t *)(value + ne);
	uint64_t o = 0, at[HG_MAX_SEGMENTS];
	for (uint64_t p = 0; p < np; p++) {
		off[p] = o;
		for (int k = 0; k < n; k++)
			at[k] = p < g[k].np ? g[k].off[p] : 0;
		for (;;) {
			int best = -1;
			for (int k = 0; k < n; k++)
				if (p < g[k].np && at[k] < g[k].off[p + 1] &&
				    (best < 0 || g[k].date[at[k]] < g[best].date[at[best]]))
					best = k;
			if (best < 0)
				break;
			uint64_t e = at[best]++;
			date[o] = g[best].date[e];
			code[o] = g[best].code[e];
			value[o] = g[best].value[e];
			setting[o++] = g[best].setting[e];
		}
	}
	off[np] = o;
	assert(o == ne);
	s->ev_mem = m;
	s->ev_off = off;
	s->ev_date = date;
	s->ev_code = code;
	s->ev_value = value;
	s->ev_setting = setting;
}

/*
 * The events: the base files, or with manifest "event_segments" (an appended snapshot:
 * [{"persons": P, "events": E}, ...], segment k over persons 0..P-1, the counts adding up
 * to the manifest's) every segment mapped and merged into memory.
 */
static int store_events(hg_store *s, hg_err *err)
{
	json_t *segs = json_object_get(s->manifest, "event_segments");
	s->n_segments = 1;
	if (!segs) {
		HG_COL(ev_off, HG_COL_EV_OFFSET);
		HG_COL(ev_date, HG_COL_EV_DATE);
		HG_COL(ev_code, HG_COL_EV_CODE);
		HG_COL(ev_value, HG_COL_EV_VALUE);
		HG_COL(ev_setting, HG_COL_EV_SETTING);
		return 0;
	}
	size_t n = json_array_size(segs);
	if (n < 1 || n > HG_MAX_SEGMENTS)
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s: manifest event_segments: %zu segments (1 to %d); " FIX,
		                  s->snapdir, n, HG_MAX_SEGMENTS);
	ev_seg g[HG_MAX_SEGMENTS];
	uint64_t total = 0;
	for (size_t k = 0; k < n; k++) {
		json_t *sg = json_array_get(segs, k);
		json_t *p = json_object_get(sg, "persons"), *e = json_object_get(sg, "events");
		if (!json_is_integer(p) || !json_is_integer(e) || json_integer_value(p) < 0 ||
		    (uint64_t)json_integer_value(p) > s->n_persons || json_integer_value(e) < 0 ||
		    (uint64_t)json_integer_value(e) > s->n_events - total)
			return hg_err_set(err, HG_ECORRUPT,
			                  "%s: manifest event_segments[%zu]: persons and events "
			                  "must be counts within the snapshot's; " FIX,
			                  s->snapdir, k);
		g[k].np = (uint64_t)json_integer_value(p);
		g[k].ne = (uint64_t)json_integer_value(e);
		total += g[k].ne;
		if (seg_map(s, (int)k, &g[k], err))
			return -1;
	}
	if (total != s->n_events)
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s: the event segments hold %llu events, the manifest counts "
		                  "%llu; " FIX,
		                  s->snapdir, (unsigned long long)total,
		                  (unsigned long long)s->n_events);
	s->n_segments = (int)n;
	seg_merge(s, g, (int)n);
	return 0;
}

/* Map every column and string table of the schema, sizes checked. */
static int store_map_all(hg_store *s, hg_err *err)
{
	/* + person.reid.b58, + the appended event segments' files */
	s->cap_maps = HG_COL_N + HG_STR_N + 1 + 5 * HG_MAX_SEGMENTS;
	s->maps = hg_xcalloc(s->cap_maps, sizeof *s->maps);
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
	if (store_events(s, err))
		return -1;
	hg_strtab *tabs[HG_STR_N];
	hg_store_strtabs(s, tabs);
	for (int k = 0; k < HG_STR_N; k++) {
		int t = hg_store_str_table[k];
		if (((s->has_units && t == HG_TABLE_UNITS) ||
		     (s->has_places && t == HG_TABLE_PLACES) || t == HG_TABLE_CORE) &&
		    store_strtab(s, hg_store_strs[k], tabs[k],
		                 k != HG_STR_PRACTICE_PCN && k != HG_STR_PRACTICE_SUBICB &&
		                     t != HG_TABLE_PLACES,
		                 err))
			return -1;
	}
	HG_COL(lsoa_decile, HG_COL_LSOA_DECILE);
	if (s->has_units) {
		HG_COL(pw_off, HG_COL_PW_OFFSET);
		HG_COL(pw_start, HG_COL_PW_START);
		HG_COL(pw_stop, HG_COL_PW_STOP);
		HG_COL(pw_specialty, HG_COL_PW_SPECIALTY);
		HG_COL(pw_provider, HG_COL_PW_PROVIDER);
		HG_COL(pw_priority, HG_COL_PW_PRIORITY);
		HG_COL(pw_removal, HG_COL_PW_REMOVAL);
		HG_COL(ap_off, HG_COL_AP_OFFSET);
		HG_COL(ap_date, HG_COL_AP_DATE);
		HG_COL(ap_setting, HG_COL_AP_SETTING);
		HG_COL(ap_specialty, HG_COL_AP_SPECIALTY);
		HG_COL(ap_provider, HG_COL_AP_PROVIDER);
		HG_COL(ap_type, HG_COL_AP_TYPE);
		HG_COL(ap_outcome, HG_COL_AP_OUTCOME);
	} else { /* a snapshot from before the unit tables: no pathways, no appointments */
		s->no_units = hg_xcalloc(s->n_persons + 1, sizeof *s->no_units);
		s->pw_off = s->ap_off = s->no_units;
	}
	if (s->has_history) {
		HG_COL(rg_off, HG_COL_RG_OFFSET);
		HG_COL(rg_from, HG_COL_RG_FROM);
		HG_COL(rg_to, HG_COL_RG_TO);
		HG_COL(rg_practice, HG_COL_RG_PRACTICE);
		HG_COL(ad_off, HG_COL_AD_OFFSET);
		HG_COL(ad_from, HG_COL_AD_FROM);
		HG_COL(ad_to, HG_COL_AD_TO);
		HG_COL(ad_lsoa, HG_COL_AD_LSOA);
	} else { /* a snapshot from before the histories: persons.csv's single values */
		s->no_history = hg_xcalloc(s->n_persons + 1, sizeof *s->no_history);
		s->rg_off = s->ad_off = s->no_history;
	}
	if (s->has_places) {
		HG_COL(lsoa_local_q, HG_COL_LSOA_LOCAL_Q);
	} else { /* a snapshot from before the place tables: no names, no local quintile */
		s->no_places = hg_xcalloc(s->lsoas.n + 1, 1);
		s->lsoa_local_q = s->no_places;
	}
	s->reid = NULL; /* optional: only when ingest sealed NHS numbers (reid.h) */
	if (json_object_get(json_object_get(s->manifest, "files"), HG_REID_FILE) &&
	    !(s->reid = store_file(s, HG_REID_FILE, HG_REID_BYTES, s->n_persons, err)))
		return -1;
	uint32_t np = s->practices.n, nl = s->lsoas.n;
	if (s->person_ids.n != s->n_persons || s->practice_pcn.n != np ||
	    s->practice_subicb.n != np ||
	    (s->has_places &&
	     (s->practice_name.n != np || s->pcn_name.n != np || s->subicb_name.n != np ||
	      s->lsoa_la.n != nl || s->lsoa_la_name.n != nl || s->lsoa_msoa.n != nl ||
	      s->lsoa_msoa_name.n != nl)))
		return hg_err_set(
		    err, HG_ECORRUPT,
		    "%s: inconsistent row counts (person.id.str against the manifest, "
		    "or the practice lookups against dict.practice.str, or the LSOA lookups "
		    "against dict.lsoa.str); " FIX,
		    s->snapdir);
	return 0;
}

const void *hg_store_col(const hg_store *s, int c)
{
	const void *p[HG_COL_N] = {
	    [HG_COL_DOB] = s->dob,
	    [HG_COL_DOB_MONTH_ONLY] = s->dob_month_only,
	    [HG_COL_SEX] = s->sex,
	    [HG_COL_ETH_CAT] = s->eth_cat,
	    [HG_COL_ETH_GROUP] = s->eth_group,
	    [HG_COL_LSOA] = s->lsoa,
	    [HG_COL_IMD_DECILE] = s->imd_decile,
	    [HG_COL_IMD_QUINTILE] = s->imd_quintile,
	    [HG_COL_PRACTICE] = s->practice,
	    [HG_COL_REG_FROM] = s->reg_from,
	    [HG_COL_REG_TO] = s->reg_to,
	    [HG_COL_DOD] = s->dod,
	    [HG_COL_FLAGS] = s->flags,
	    [HG_COL_EV_OFFSET] = s->ev_off,
	    [HG_COL_EV_DATE] = s->ev_date,
	    [HG_COL_EV_CODE] = s->ev_code,
	    [HG_COL_EV_VALUE] = s->ev_value,
	    [HG_COL_EV_SETTING] = s->ev_setting,
	    [HG_COL_LSOA_DECILE] = s->lsoa_decile,
	    [HG_COL_PW_OFFSET] = s->pw_off,
	    [HG_COL_PW_START] = s->pw_start,
	    [HG_COL_PW_STOP] = s->pw_stop,
	    [HG_COL_PW_SPECIALTY] = s->pw_specialty,
	    [HG_COL_PW_PROVIDER] = s->pw_provider,
	    [HG_COL_PW_PRIORITY] = s->pw_priority,
	    [HG_COL_PW_REMOVAL] = s->pw_removal,
	    [HG_COL_AP_OFFSET] = s->ap_off,
	    [HG_COL_AP_DATE] = s->ap_date,
	    [HG_COL_AP_SETTING] = s->ap_setting,
	    [HG_COL_AP_SPECIALTY] = s->ap_specialty,
	    [HG_COL_AP_PROVIDER] = s->ap_provider,
	    [HG_COL_AP_TYPE] = s->ap_type,
	    [HG_COL_AP_OUTCOME] = s->ap_outcome,
	    [HG_COL_LSOA_LOCAL_Q] = s->lsoa_local_q,
	    [HG_COL_RG_OFFSET] = s->rg_off,
	    [HG_COL_RG_FROM] = s->rg_from,
	    [HG_COL_RG_TO] = s->rg_to,
	    [HG_COL_RG_PRACTICE] = s->rg_practice,
	    [HG_COL_AD_OFFSET] = s->ad_off,
	    [HG_COL_AD_FROM] = s->ad_from,
	    [HG_COL_AD_TO] = s->ad_to,
	    [HG_COL_AD_LSOA] = s->ad_lsoa,
	};
	assert(c >= 0 && c < HG_COL_N);
	return p[c];
}

void hg_store_strtabs(hg_store *s, hg_strtab *tabs[HG_STR_N])
{
	tabs[HG_STR_PERSON_ID] = &s->person_ids;
	tabs[HG_STR_CODE] = &s->codes;
	tabs[HG_STR_LSOA] = &s->lsoas;
	tabs[HG_STR_PRACTICE] = &s->practices;
	tabs[HG_STR_PRACTICE_PCN] = &s->practice_pcn;
	tabs[HG_STR_PRACTICE_SUBICB] = &s->practice_subicb;
	tabs[HG_STR_SPECIALTY] = &s->specialties;
	tabs[HG_STR_PROVIDER] = &s->providers;
	tabs[HG_STR_PRACTICE_NAME] = &s->practice_name;
	tabs[HG_STR_PCN_NAME] = &s->pcn_name;
	tabs[HG_STR_SUBICB_NAME] = &s->subicb_name;
	tabs[HG_STR_LSOA_LA] = &s->lsoa_la;
	tabs[HG_STR_LSOA_LA_NAME] = &s->lsoa_la_name;
	tabs[HG_STR_LSOA_MSOA] = &s->lsoa_msoa;
	tabs[HG_STR_LSOA_MSOA_NAME] = &s->lsoa_msoa_name;
}

long hg_store_practice_find(const hg_store *s, const char *code)
{
	for (uint32_t i = 0; i < s->practices.n; i++) /* a few hundred practices at most */
		if (!strcmp(hg_strtab_get(&s->practices, i), code))
			return (long)i;
	return -1;
}

const char *hg_store_practice_name(const hg_store *s, const char *code)
{
	long i = hg_store_practice_find(s, code);
	return i < 0 || (uint32_t)i >= s->practice_name.n
	           ? ""
	           : hg_strtab_get(&s->practice_name, (uint32_t)i);
}

/* The code dictionary's index; a code listed twice would split its events. */
static int store_code_index(hg_store *s, hg_err *err)
{
	for (uint32_t i = 0; i < s->codes.n; i++) {
		const char *c = hg_strtab_get(&s->codes, i);
		int ins;
		hg_dict_intern(&s->code_index, c, strlen(c), &ins);
		if (!ins)
			return hg_err_set(err, HG_ECORRUPT,
			                  "%s/%s: string %u: a code listed twice; " FIX, s->snapdir,
			                  hg_store_strs[HG_STR_CODE], i + 1);
	}
	return 0;
}

int hg_store_open(hg_store *s, const char *dir, hg_err *err)
{
	memset(s, 0, sizeof *s);
	hg_dict_init(&s->code_index);
	snprintf(s->root, sizeof s->root, "%s", dir);
	if (hg_store_resolve(dir, s->snapdir, sizeof s->snapdir, err))
		goto fail;
	const char *slash = strrchr(s->snapdir, '/');
	const char *name = slash ? slash + 1 : s->snapdir;
	if (strlen(name) >= sizeof s->snapshot) {
		hg_err_set(err, HG_EUSAGE, "%s: a snapshot's name has at most %zu characters",
		           s->snapdir, sizeof s->snapshot - 1);
		goto fail;
	}
	snprintf(s->snapshot, sizeof s->snapshot, "%s", name);
	s->manifest = manifest_load(s->snapdir, s->manifest_hash, err);
	if (!s->manifest || manifest_fields(s, err) || store_map_all(s, err) ||
	    hg_store_check(s, err) || store_code_index(s, err))
		goto fail;
	hg_store_places_build(s);
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
	free(s->no_units);
	free(s->ev_mem);
	s->ev_mem = NULL;
	s->no_units = NULL;
	free(s->no_places);
	s->no_places = NULL;
	free(s->no_history);
	s->no_history = NULL;
	hg_store_places_free(s);
	s->maps = NULL;
	s->n_maps = s->cap_maps = 0;
	s->manifest = NULL;
}

/*
 * BLAKE2b-256 of a regular file, read through one descriptor: opened without
 * waiting (a FIFO would block verify forever), checked to be a regular file
 * on that descriptor, and read in 64 KiB pieces (not mapped: a file cut short
 * under a mapping is a SIGBUS). Returns a reason, or NULL when hex is set.
 */
static const char *hash_regular(const char *path, char hex[65], char *why, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, cap, "%s", errno == ENOENT ? "missing" : strerror(errno));
		if (fd >= 0)
			close(fd);
		return why;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return "not a regular file";
	}
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	unsigned char *buf = hg_xmalloc(1 << 16), sum[32];
	ssize_t r;
	while ((r = read(fd, buf, 1 << 16)) > 0)
		crypto_generichash_update(&h, buf, (size_t)r);
	int e = errno;
	free(buf);
	close(fd);
	if (r < 0) {
		snprintf(why, cap, "read failed: %s", strerror(e));
		return why;
	}
	crypto_generichash_final(&h, sum, sizeof sum);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	return NULL;
}

/* Hash one listed file and compare it with the manifest's checksum. */
static void verify_file(const char *snapdir, const char *name, json_t *f, hg_buf *msg, int *bad)
{
	char path[HG_PATH_MAX], hex[65], why[128];
	snprintf(path, sizeof path, "%s/%s", snapdir, name);
	const char *want = json_string_value(json_object_get(f, "blake2b256"));
	const char *fault = hash_regular(path, hex, why, sizeof why);
	if (fault) {
		hg_buf_printf(msg, "\n  %s: %s", name, fault);
		++*bad;
	} else if (!want || strcmp(want, hex) != 0) {
		hg_buf_printf(msg, "\n  %s: checksum mismatch (manifest %.16s..., file %.16s...)",
		              name, want ? want : "none", hex);
		++*bad;
	}
}

/* Every file the manifest lists, hashed before anything is interpreted. */
static int verify_hashes(const char *snapdir, int *n_files, hg_err *err)
{
	char hash[65];
	json_t *m = manifest_load(snapdir, hash, err);
	if (!m)
		return err ? err->code : HG_ECORRUPT;
	if (manifest_files_ok(snapdir, m, err)) {
		json_decref(m);
		return HG_ECORRUPT;
	}
	hg_buf msg = {0};
	int bad = 0, n = 0;
	const char *name;
	json_t *f, *files = json_object_get(m, "files");
	json_object_foreach(files, name, f)
	{
		n++;
		verify_file(snapdir, name, f, &msg, &bad);
	}
	int units = manifest_has_units(m), places = manifest_has_places(m),
	    history = manifest_has_history(m);
	for (int c = 0; c < HG_COL_N + HG_STR_N; c++) {
		const char *want =
		    c < HG_COL_N ? hg_store_cols[c].file : hg_store_strs[c - HG_COL_N];
		int table =
		    c < HG_COL_N ? hg_store_cols[c].table : hg_store_str_table[c - HG_COL_N];
		if ((table == HG_TABLE_UNITS && units <= 0) ||
		    (table == HG_TABLE_PLACES && !places) ||
		    (table == HG_TABLE_HISTORY && history <= 0))
			continue; /* an older snapshot (open names a half-counted one) */
		if (!json_object_get(files, want)) {
			hg_buf_printf(&msg, "\n  %s: not listed in the manifest", want);
			bad++;
		}
	}
	json_decref(m);
	if (n_files)
		*n_files = n;
	if (bad)
		hg_err_set(err, HG_ECORRUPT,
		           "%s: %d of %d files failed verification:%s\nre-ingest, "
		           "or restore the snapshot from a backup",
		           snapdir, bad, n, hg_buf_cstr(&msg));
	hg_buf_free(&msg);
	return bad ? HG_ECORRUPT : 0;
}

/* One link of an append's chain: the parent's manifest is the one recorded, and every
 * file kept from it has the parent's checksum. */
static int chain_link(const char *snapdir, json_t *m, const char *pdir, json_t *pm,
                      const char *phash, hg_err *err)
{
	json_t *lin = json_object_get(m, "lineage");
	const char *want = json_string_value(json_object_get(lin, "parent_manifest"));
	if (!want || strcmp(want, phash))
		return hg_err_set(
		    err, HG_ECORRUPT,
		    "%s: its lineage names parent %s with manifest %.16s..., but that "
		    "snapshot's manifest is %.16s...: the chain is broken; re-ingest",
		    snapdir, pdir, want ? want : "none", phash);
	json_t *linked = json_object_get(lin, "linked_files"), *v;
	size_t i;
	json_array_foreach(linked, i, v)
	{
		const char *name = json_string_value(v);
		json_t *a = json_object_get(json_object_get(m, "files"), name ? name : "");
		json_t *b = json_object_get(json_object_get(pm, "files"), name ? name : "");
		const char *ha = json_string_value(json_object_get(a, "blake2b256"));
		const char *hb = json_string_value(json_object_get(b, "blake2b256"));
		if (!ha || !hb || strcmp(ha, hb))
			return hg_err_set(err, HG_ECORRUPT,
			                  "%s: file %s is recorded as kept from %s, but the two "
			                  "manifests' checksums differ; re-ingest",
			                  snapdir, name ? name : "(not a name)", pdir);
	}
	return 0;
}

int hg_store_verify_chain(const char *dir, int *links, char first[64], hg_err *err)
{
	char snapdir[HG_PATH_MAX], hash[65];
	*links = 0;
	first[0] = 0;
	if (hg_store_resolve(dir, snapdir, sizeof snapdir, err))
		return err->code;
	json_t *m = manifest_load(snapdir, hash, err);
	if (!m)
		return err->code;
	int rc = 0;
	/* a chain is at most HG_MAX_SEGMENTS long (each append adds a segment) */
	for (int depth = 0; depth < HG_MAX_SEGMENTS; depth++) {
		const char *parent =
		    json_string_value(json_object_get(json_object_get(m, "lineage"), "parent"));
		if (!parent)
			break;
		char pdir[HG_PATH_MAX], tmp[HG_PATH_MAX];
		snprintf(tmp, sizeof tmp, "%s", snapdir);
		char *slash = strrchr(tmp, '/');
		if (slash)
			*slash = 0;
		if (!file_name_ok(parent) || strncmp(parent, "snap-", 5)) {
			rc = hg_err_set(err, HG_ECORRUPT,
			                "%s: lineage parent '%s' is not a snapshot name", snapdir,
			                parent);
			break;
		}
		snprintf(pdir, sizeof pdir, "%s/%s", slash ? tmp : ".", parent);
		snprintf(first, 64, "%s", parent);
		if (!hg_is_dir(pdir))
			break; /* pruned: the files it kept are this snapshot's, checked by verify
			        */
		json_t *pm = manifest_load(pdir, hash, err);
		if (!pm) {
			rc = err->code;
			break;
		}
		rc = chain_link(snapdir, m, pdir, pm, hash, err);
		json_decref(m);
		m = pm;
		snprintf(snapdir, sizeof snapdir, "%s", pdir);
		if (rc)
			break;
		++*links;
	}
	json_decref(m);
	return rc;
}

int hg_store_verify(const char *dir, int *n_files, char snapshot[64], hg_err *err)
{
	char snapdir[HG_PATH_MAX];
	if (hg_store_resolve(dir, snapdir, sizeof snapdir, err))
		return err ? err->code : HG_EIO;
	if (snapshot) {
		const char *slash = strrchr(snapdir, '/');
		snprintf(snapshot, 64, "%s", slash ? slash + 1 : snapdir);
	}
	int rc = verify_hashes(snapdir, n_files, err);
	if (rc)
		return rc;
	/* the checksums hold: now interpret (every range check of open) */
	hg_store s;
	rc = hg_store_open(&s, snapdir, err);
	if (rc == 0)
		hg_store_close(&s);
	return rc;
}
