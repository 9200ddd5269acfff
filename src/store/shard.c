/*
 * shard.c: splitting a store by person into shards, and reading and verifying
 * a sharded store (shard.h, docs/scale.md "Sharded stores").
 *
 * A shard is written with the ordinary snapshot writer (store_write.c), so it
 * is as atomic and as checked as any snapshot: every column of the schema is
 * either per person (its range of rows), per-person offsets (rebased to the
 * shard's first row), per event, pathway, appointment or history period (the
 * rows its persons own: a contiguous range, since every table is sorted by
 * person), or a dictionary (written whole). An appended snapshot's event
 * segments, merged at open, are written as one segment. shards.json is written
 * last, after every shard has been written and opened with every check.
 */
#include "store/shard.h"

#include "core/fs.h"
#include "store/reid.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIX_SHARDS "split the store again with `healthgap shard`"

/* Is table t (enum hg_col_table) in st? */
static int has_table(const hg_store *s, int t)
{
	return t == HG_TABLE_CORE || (t == HG_TABLE_UNITS && s->has_units) ||
	       (t == HG_TABLE_PLACES && s->has_places) || (t == HG_TABLE_HISTORY && s->has_history);
}

/* The offsets that place the rows of a per-row kind (enum hg_col_rows) by person. */
static const uint64_t *rows_off(const hg_store *s, int rows)
{
	switch (rows) {
	case HG_ROWS_EVENTS:
		return s->ev_off;
	case HG_ROWS_PATHWAYS:
		return s->pw_off;
	case HG_ROWS_APPTS:
		return s->ap_off;
	case HG_ROWS_REGS:
		return s->rg_off;
	case HG_ROWS_ADDRS:
		return s->ad_off;
	default:
		return NULL;
	}
}

/* Column c of persons [p0, p1) into w. */
static int put_col(hg_store_writer *w, const hg_store *s, int c, uint64_t p0, uint64_t p1,
                   hg_err *err)
{
	const hg_colspec *cs = &hg_store_cols[c];
	const char *data = hg_store_col(s, c);
	assert(data);
	if (cs->rows == HG_ROWS_PERSONS_END) { /* offsets from the shard's first row */
		const uint64_t *off = (const uint64_t *)data;
		uint64_t *o = hg_xcalloc(p1 - p0 + 1, sizeof *o);
		for (uint64_t p = p0; p <= p1; p++)
			o[p - p0] = off[p] - off[p0];
		int r = hg_store_put(w, cs->file, cs->type, p1 - p0 + 1, o,
		                     (p1 - p0 + 1) * sizeof *o, err);
		free(o);
		return r;
	}
	uint64_t r0 = 0, r1 = s->lsoas.n; /* HG_ROWS_LSOAS: the dictionary's, whole */
	if (cs->rows == HG_ROWS_PERSONS) {
		r0 = p0;
		r1 = p1;
	} else if (rows_off(s, cs->rows)) {
		r0 = rows_off(s, cs->rows)[p0];
		r1 = rows_off(s, cs->rows)[p1];
	}
	return hg_store_put(w, cs->file, cs->type, r1 - r0, data + r0 * cs->elem,
	                    (size_t)(r1 - r0) * cs->elem, err);
}

/* The string tables: the person pseudonyms of [p0, p1), every dictionary whole. */
static int put_strings(hg_store_writer *w, hg_store *s, uint64_t p0, uint64_t p1, hg_err *err)
{
	hg_strtab *tabs[HG_STR_N];
	hg_store_strtabs(s, tabs);
	for (int k = 0; k < HG_STR_N; k++) {
		if (!has_table(s, hg_store_str_table[k]))
			continue;
		uint32_t a = k == HG_STR_PERSON_ID ? (uint32_t)p0 : 0,
		         b = k == HG_STR_PERSON_ID ? (uint32_t)p1 : tabs[k]->n;
		const char **v = hg_xcalloc((size_t)(b - a) + 1, sizeof *v);
		for (uint32_t i = a; i < b; i++)
			v[i - a] = hg_strtab_get(tabs[k], i);
		int r = hg_store_put_strings(w, hg_store_strs[k], v, b - a, err);
		free(v);
		if (r)
			return -1;
	}
	return 0;
}

static void set_count(json_t *counts, const char *key, uint64_t v)
{
	json_object_set_new(counts, key, json_integer((json_int_t)v));
}

/* Shard k's manifest: the source's, with the shard's counts and its place in the split
 * (the completeness and ingest counts stay the source's, for the whole store). */
static json_t *shard_manifest(const hg_store *s, int k, int n, uint64_t p0, uint64_t p1)
{
	json_t *m = json_deep_copy(s->manifest);
	json_object_del(m, "files");
	json_object_del(m, "event_segments"); /* merged: one segment */
	json_object_del(m, "lineage");        /* a shard has no parent snapshot in its store */
	json_t *c = json_object_get(m, "counts");
	set_count(c, "persons", p1 - p0);
	set_count(c, "events", s->ev_off[p1] - s->ev_off[p0]);
	if (s->has_units) {
		set_count(c, "pathways", s->pw_off[p1] - s->pw_off[p0]);
		set_count(c, "appointments", s->ap_off[p1] - s->ap_off[p0]);
	}
	if (s->has_history) {
		set_count(c, "registrations", s->rg_off[p1] - s->rg_off[p0]);
		set_count(c, "addresses", s->ad_off[p1] - s->ad_off[p0]);
	}
	json_t *bys = json_object_get(c, "events_by_setting");
	if (bys) {
		uint64_t by[HG_SET_N] = {0};
		for (uint64_t e = s->ev_off[p0]; e < s->ev_off[p1]; e++)
			by[s->ev_setting[e]]++;
		for (int i = 0; i < HG_SET_N; i++)
			set_count(bys, hg_setting_names[i], by[i]);
	}
	json_t *sh = json_object();
	json_object_set_new(sh, "index", json_integer(k));
	json_object_set_new(sh, "of", json_integer(n));
	set_count(sh, "first_person", p0);
	json_object_set_new(sh, "source_snapshot", json_string(s->snapshot));
	json_object_set_new(sh, "source_manifest", json_string(s->manifest_hash));
	json_object_set_new(m, "shard", sh);
	return m;
}

/* Write shard k (persons [p0, p1)) as the store dir; snap receives its snapshot name. */
static int write_shard(hg_store *s, int k, int n, uint64_t p0, uint64_t p1, const char *dir,
                       int publish, char snap[64], hg_err *err)
{
	hg_store_writer w;
	if (hg_store_begin(&w, dir, err))
		return -1;
	int rc = 0;
	for (int c = 0; c < HG_COL_N && rc == 0; c++)
		if (has_table(s, hg_store_cols[c].table))
			rc = put_col(&w, s, c, p0, p1, err);
	if (rc == 0)
		rc = put_strings(&w, s, p0, p1, err);
	if (rc == 0 && s->reid)
		rc = hg_store_put(&w, HG_REID_FILE, "b58", p1 - p0, s->reid + p0 * HG_REID_BYTES,
		                  (size_t)(p1 - p0) * HG_REID_BYTES, err);
	json_t *m = rc == 0 ? shard_manifest(s, k, n, p0, p1) : NULL;
	if (rc == 0)
		rc = hg_store_commit(&w, m, publish, snap, err);
	json_decref(m);
	if (rc) {
		hg_store_abort(&w);
		return -1;
	}
	return 0;
}

/* The files every shard holds whole (the dictionaries), by name. */
static int is_dictionary(const char *name)
{
	for (int c = 0; c < HG_COL_N; c++)
		if (!strcmp(name, hg_store_cols[c].file))
			return hg_store_cols[c].rows == HG_ROWS_LSOAS;
	return strcmp(name, hg_store_strs[HG_STR_PERSON_ID]) && strcmp(name, HG_REID_FILE);
}

/* Shard k's entry of shards.json, from the shard as written and reopened. */
static json_t *shard_entry(const hg_store *sh, int k, uint64_t p0, json_t *dicts)
{
	json_t *e = json_object();
	char name[32];
	snprintf(name, sizeof name, "shard-%04d", k);
	json_object_set_new(e, "dir", json_string(name));
	json_object_set_new(e, "snapshot", json_string(sh->snapshot));
	json_object_set_new(e, "manifest", json_string(sh->manifest_hash));
	set_count(e, "first_person", p0);
	set_count(e, "persons", sh->n_persons);
	set_count(e, "events", sh->n_events);
	const char *f;
	json_t *v;
	json_object_foreach(json_object_get(sh->manifest, "files"), f, v)
	{
		if (k == 0 && is_dictionary(f))
			json_object_set(dicts, f, json_object_get(v, "blake2b256"));
	}
	return e;
}

/* The dictionaries of shard sh against dicts (shard 0's): 0 when every one is the same. */
static int same_dicts(const hg_store *sh, json_t *dicts, const char *dir, hg_err *err)
{
	json_t *files = json_object_get(sh->manifest, "files"), *v;
	const char *f;
	json_object_foreach(dicts, f, v)
	{
		const char *h =
		    json_string_value(json_object_get(json_object_get(files, f), "blake2b256"));
		if (!h || strcmp(h, json_string_value(v)))
			return hg_err_set(err, HG_ECORRUPT,
			                  "%s: dictionary %s is not the same as the other shards'; "
			                  "" FIX_SHARDS,
			                  dir, f);
	}
	return 0;
}

/* out must not exist or be an empty directory; it is created. */
static int out_dir(const char *out, hg_err *err)
{
	if (hg_path_exists(out)) {
		char probe[HG_PATH_MAX];
		snprintf(probe, sizeof probe, "%s/" HG_SHARDS_FILE, out);
		int empty = hg_is_dir(out) && !hg_path_exists(probe);
		char sh0[HG_PATH_MAX];
		snprintf(sh0, sizeof sh0, "%s/shard-0000", out);
		if (!empty || hg_path_exists(sh0))
			return hg_err_set(err, HG_EUSAGE,
			                  "--out %s already holds a sharded store or is not a "
			                  "directory: give a new directory",
			                  out);
	}
	return hg_mkdir_p(out, err);
}

/* out/code_events.u64: the events of each code of st (codes.n u64), and its checksum. */
static int write_code_events(const hg_store *st, const char *out, const char *name, char hash[65],
                             hg_err *err)
{
	uint64_t *h = hg_xcalloc((size_t)st->codes.n + 1, sizeof *h);
	for (uint64_t e = 0; e < st->n_events; e++)
		h[st->ev_code[e]]++; /* every code id < codes.n: checked at open */
	size_t bytes = (size_t)st->codes.n * sizeof *h;
	hg_hash_hex(h, bytes, hash);
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", out, name);
	int rc = hg_write_file_atomic(path, h, bytes, err);
	free(h);
	return rc;
}

/* dir/code_events.u64 read into s, its checksum and size checked. */
static int read_code_events(hg_shards *s, const char *dir, const char *want, hg_err *err)
{
	char path[HG_PATH_MAX], got[65];
	snprintf(path, sizeof path, "%s/%s", dir, s->code_events_file);
	size_t n = 0;
	char *data = hg_read_file(path, &n, err);
	if (!data)
		return -1;
	hg_hash_hex(data, n, got);
	if (strcmp(got, want) || n % sizeof(uint64_t) || n / sizeof(uint64_t) > UINT32_MAX) {
		free(data);
		return hg_err_set(
		    err, HG_ECORRUPT,
		    "%s: does not match its checksum in " HG_SHARDS_FILE "; " FIX_SHARDS, path);
	}
	s->n_codes = (uint32_t)(n / sizeof(uint64_t));
	s->code_events = hg_xcalloc((size_t)s->n_codes + 1, sizeof *s->code_events);
	memcpy(s->code_events, data, n);
	free(data);
	return 0;
}

/* Write st's n shards into out (new shard stores, or a new snapshot of each existing one),
 * the events per code as out/ce_name, and shards.json last (atomically): the split's commit.
 * The shards' snapshots are made CURRENT in their stores when publish is set. */
static int write_split(const hg_store *st, int n, const char *out, const char *source_label,
                       const char *ce_name, int publish, hg_err *err)
{
	hg_store *s = (hg_store *)st; /* hg_store_strtabs takes it; nothing is changed */
	json_t *top = json_object(), *list = json_array(), *dicts = json_object();
	int rc = 0;
	for (int k = 0; k < n && rc == 0; k++) {
		uint64_t p0 = st->n_persons * (uint64_t)k / (uint64_t)n,
		         p1 = st->n_persons * (uint64_t)(k + 1) / (uint64_t)n;
		char dir[HG_PATH_MAX], snap[64], sdir[HG_PATH_MAX];
		snprintf(dir, sizeof dir, "%s/shard-%04d", out, k);
		hg_store sh;
		rc = write_shard(s, k, n, p0, p1, dir, publish, snap, err);
		if (rc == 0) {
			snprintf(sdir, sizeof sdir, "%s/%s", dir, snap);
			rc = hg_store_open(&sh, sdir, err);
		}
		if (rc == 0) {
			json_array_append_new(list, shard_entry(&sh, k, p0, dicts));
			rc = same_dicts(&sh, dicts, dir, err);
			hg_store_close(&sh);
		}
	}
	char ce_hash[65] = "";
	if (rc == 0)
		rc = write_code_events(st, out, ce_name, ce_hash, err);
	if (rc == 0) {
		json_object_set_new(top, "code_events", json_string(ce_hash));
		if (strcmp(ce_name, HG_SHARDS_CODE_EVENTS))
			json_object_set_new(top, "code_events_file", json_string(ce_name));
		json_object_set_new(top, "format", json_string("healthgap sharded store"));
		json_object_set_new(top, "format_version", json_integer(1));
		json_t *src = json_object();
		json_object_set_new(src, "store",
		                    json_string(source_label ? source_label : st->root));
		json_object_set_new(src, "snapshot", json_string(st->snapshot));
		json_object_set_new(src, "manifest", json_string(st->manifest_hash));
		set_count(src, "persons", st->n_persons);
		set_count(src, "events", st->n_events);
		json_object_set_new(top, "source", src);
		json_object_set(top, "shards", list);
		json_object_set(top, "dictionaries", dicts);
		char *text = json_dumps(top, JSON_INDENT(2) | JSON_SORT_KEYS);
		char path[HG_PATH_MAX];
		snprintf(path, sizeof path, "%s/" HG_SHARDS_FILE, out);
		rc = hg_write_file_atomic(path, text, strlen(text), err);
		free(text);
	}
	json_decref(top);
	json_decref(list);
	json_decref(dicts);
	return rc ? -1 : 0;
}

static int check_count(const hg_store *st, int n, hg_err *err)
{
	if (n < 1 || n > HG_SHARDS_MAX || (uint64_t)n > st->n_persons)
		return hg_err_set(err, HG_EUSAGE,
		                  "--shards %d: give 1 to %d shards, and no more than the store's "
		                  "%llu persons",
		                  n, HG_SHARDS_MAX, (unsigned long long)st->n_persons);
	return 0;
}

int hg_shards_split(const hg_store *st, int n, const char *out, const char *source_label,
                    hg_err *err)
{
	if (check_count(st, n, err) || out_dir(out, err))
		return -1;
	return write_split(st, n, out, source_label, HG_SHARDS_CODE_EVENTS, 1, err);
}

/* Remove every snapshot of each shard store of s but the one s lists, and every events-per-
 * code file of dir but s's: what a split replaced, or a split that stopped wrote. */
static void prune_unlisted(const hg_shards *s, const char *dir)
{
	for (int k = 0; k < s->n; k++) {
		char store[HG_PATH_MAX];
		snprintf(store, sizeof store, "%s", s->dir[k]);
		char *slash = strrchr(store, '/');
		assert(slash);
		*slash = 0;
		DIR *d = opendir(store);
		struct dirent *e;
		char path[HG_PATH_MAX];
		while (d && (e = readdir(d))) {
			if (!strncmp(e->d_name, "snap-", 5) && strcmp(e->d_name, slash + 1)) {
				snprintf(path, sizeof path, "%s/%s", store, e->d_name);
				hg_rm_rf(path);
			}
		}
		if (d)
			closedir(d);
	}
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[HG_PATH_MAX];
	while (d && (e = readdir(d))) {
		if (!strncmp(e->d_name, "code_events", 11) &&
		    strcmp(e->d_name, s->code_events_file)) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	if (d)
		closedir(d);
}

/* Make each shard's listed snapshot CURRENT in its store (for a shard read alone). */
static int publish_listed(const hg_shards *s, hg_err *err)
{
	for (int k = 0; k < s->n; k++) {
		char cur[HG_PATH_MAX], line[80];
		snprintf(cur, sizeof cur, "%s", s->dir[k]);
		char *slash = strrchr(cur, '/');
		assert(slash);
		int len = snprintf(line, sizeof line, "%s\n", slash + 1);
		snprintf(slash, sizeof cur - (size_t)(slash - cur), "/CURRENT");
		if (hg_write_file_atomic(cur, line, (size_t)len, err))
			return -1;
	}
	return 0;
}

int hg_shards_resplit(const hg_store *st, const char *dir, const char *source_label, hg_err *err)
{
	hg_shards old;
	if (hg_shards_open(&old, dir, err))
		return -1;
	prune_unlisted(&old, dir); /* a split stopped by a kill: its unlisted snapshots */
	int n = old.n;
	hg_shards_free(&old);
	char ce[96];
	snprintf(ce, sizeof ce, "code_events.%s.u64", st->snapshot);
	hg_shards now;
	if (check_count(st, n, err) || write_split(st, n, dir, source_label, ce, 0, err) ||
	    hg_shards_open(&now, dir, err))
		return -1;
	int rc = publish_listed(&now, err);
	if (rc == 0)
		prune_unlisted(&now, dir);
	hg_shards_free(&now);
	return rc;
}

int hg_shards_is(const char *dir)
{
	char p[HG_PATH_MAX];
	snprintf(p, sizeof p, "%s/" HG_SHARDS_FILE, dir);
	return hg_path_exists(p);
}

/* A whole number from 0 of o's key, or -1. */
static int64_t json_count(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) && json_integer_value(v) >= 0 ? (int64_t)json_integer_value(v)
	                                                        : -1;
}

/* Copy a string of o's key into buf (cap bytes), or fail. */
static int json_str(json_t *o, const char *key, char *buf, size_t cap)
{
	const char *v = json_string_value(json_object_get(o, key));
	if (!v || strlen(v) >= cap || strchr(v, '/'))
		return -1;
	snprintf(buf, cap, "%s", v);
	return 0;
}

/* Each listed shard: a name of its own, its persons following the previous shard's. */
static int shards_list(hg_shards *s, const char *dir, json_t *list, hg_err *err)
{
	uint64_t next = 0, events = 0;
	for (int k = 0; k < s->n; k++) {
		json_t *e = json_array_get(list, (size_t)k);
		char name[64];
		int64_t first = json_count(e, "first_person"), np = json_count(e, "persons"),
		        ne = json_count(e, "events");
		char snap[64];
		if (json_str(e, "dir", name, sizeof name) || !name[0] || name[0] == '.' ||
		    json_str(e, "snapshot", snap, sizeof snap) || snap[0] == '.' ||
		    json_str(e, "manifest", s->manifest[k], sizeof s->manifest[k]) || first < 0 ||
		    np < 1 || ne < 0 || (uint64_t)first != next)
			return hg_err_set(
			    err, HG_ECORRUPT,
			    "%s/" HG_SHARDS_FILE
			    ": shard %d is not listed as a directory, a manifest hash "
			    "and persons following the previous shard's; " FIX_SHARDS,
			    dir, k);
		/* the listed snapshot, not the shard's CURRENT: shards.json alone says which
		   snapshots make the split (hg_shards_resplit writes it before any CURRENT) */
		snprintf(s->dir[k], sizeof s->dir[k], "%s/%s/%s", dir, name, snap);
		s->first[k] = (uint64_t)first;
		s->persons[k] = (uint64_t)np;
		next += (uint64_t)np;
		events += (uint64_t)ne;
	}
	if (next != s->n_persons || events != s->n_events)
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s/" HG_SHARDS_FILE
		                  ": the shards hold %llu persons and %llu events, the source "
		                  "%llu and %llu; " FIX_SHARDS,
		                  dir, (unsigned long long)next, (unsigned long long)events,
		                  (unsigned long long)s->n_persons,
		                  (unsigned long long)s->n_events);
	return 0;
}

int hg_shards_open(hg_shards *s, const char *dir, hg_err *err)
{
	memset(s, 0, sizeof *s);
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/" HG_SHARDS_FILE, dir);
	json_error_t je;
	json_t *top = json_load_file(path, 0, &je);
	if (!top)
		return hg_err_set(err, HG_ECORRUPT, "%s: line %d: %s; " FIX_SHARDS, path, je.line,
		                  je.text);
	json_t *src = json_object_get(top, "source"), *list = json_object_get(top, "shards");
	int64_t np = json_count(src, "persons"), ne = json_count(src, "events");
	size_t n = json_array_size(list);
	int rc = 0;
	if (json_count(top, "format_version") != 1 || np < 0 || ne < 0 || n < 1 ||
	    n > HG_SHARDS_MAX ||
	    json_str(src, "snapshot", s->source_snapshot, sizeof s->source_snapshot) ||
	    json_str(src, "manifest", s->source_manifest, sizeof s->source_manifest)) {
		rc = hg_err_set(err, HG_ECORRUPT,
		                "%s: not a sharded store of format version 1 (source, shards); "
		                "" FIX_SHARDS,
		                path);
	} else {
		s->n = (int)n;
		s->n_persons = (uint64_t)np;
		s->n_events = (uint64_t)ne;
		s->dir = hg_xcalloc(n, sizeof *s->dir);
		s->manifest = hg_xcalloc(n, sizeof *s->manifest);
		s->first = hg_xcalloc(n, sizeof *s->first);
		s->persons = hg_xcalloc(n, sizeof *s->persons);
		rc = shards_list(s, dir, list, err);
	}
	const char *ce = json_string_value(json_object_get(top, "code_events"));
	snprintf(s->code_events_file, sizeof s->code_events_file, HG_SHARDS_CODE_EVENTS);
	if (rc == 0 && json_object_get(top, "code_events_file") &&
	    (json_str(top, "code_events_file", s->code_events_file, sizeof s->code_events_file) ||
	     s->code_events_file[0] == '.'))
		rc = hg_err_set(err, HG_ECORRUPT,
		                "%s: code_events_file is not a file name; " FIX_SHARDS, path);
	if (rc == 0 && !ce)
		rc = hg_err_set(err, HG_ECORRUPT, "%s: no code_events checksum; " FIX_SHARDS, path);
	if (rc == 0)
		rc = read_code_events(s, dir, ce, err);
	json_decref(top);
	if (rc)
		hg_shards_free(s);
	return rc ? -1 : 0;
}

void hg_shards_free(hg_shards *s)
{
	free(s->dir);
	free(s->manifest);
	free(s->first);
	free(s->persons);
	free(s->code_events);
	memset(s, 0, sizeof *s);
}

int hg_shards_open_one(const hg_shards *s, int k, hg_store *st, hg_err *err)
{
	assert(k >= 0 && k < s->n);
	if (hg_store_open(st, s->dir[k], err))
		return -1;
	if (strcmp(st->manifest_hash, s->manifest[k]) || st->n_persons != s->persons[k] ||
	    st->codes.n != s->n_codes) {
		hg_store_close(st);
		return hg_err_set(err, HG_ECORRUPT,
		                  "%s: its snapshot is not the one " HG_SHARDS_FILE
		                  " lists (manifest hash, persons or codes differ); " FIX_SHARDS,
		                  s->dir[k]);
	}
	return 0;
}

/* The source store ingest --shards kept (dir/source), when it still holds the snapshot
 * split: verified as hg_store_verify does, and its manifest hash the one shards.json lists. */
static int verify_source(const hg_shards *s, const char *dir, int *n_files, hg_err *err)
{
	char snap[HG_PATH_MAX];
	snprintf(snap, sizeof snap, "%s/" HG_SHARDS_SOURCE "/%s", dir, s->source_snapshot);
	if (!hg_is_dir(snap))
		return 0;
	int nf = 0;
	hg_store st;
	if (hg_store_verify(snap, &nf, NULL, err) || hg_store_open(&st, snap, err))
		return -1;
	int same = !strcmp(st.manifest_hash, s->source_manifest);
	hg_store_close(&st);
	*n_files += nf;
	return same ? 0
	            : hg_err_set(err, HG_ECORRUPT,
	                         "%s: its manifest is not the one " HG_SHARDS_FILE
	                         " lists as the source split; " FIX_SHARDS,
	                         snap);
}

int hg_shards_verify(const char *dir, int *n_files, hg_err *err)
{
	hg_shards s;
	if (hg_shards_open(&s, dir, err))
		return -1;
	*n_files = 0;
	json_t *dicts = NULL;
	int rc = 0;
	for (int k = 0; k < s.n && rc == 0; k++) {
		int nf = 0;
		hg_store st;
		rc = hg_store_verify(s.dir[k], &nf, NULL, err) ||
		     hg_shards_open_one(&s, k, &st, err);
		if (rc)
			break;
		*n_files += nf;
		if (!dicts) { /* shard 0's dictionaries: every other shard's must be the same */
			dicts = json_object();
			const char *f;
			json_t *v;
			json_object_foreach(json_object_get(st.manifest, "files"), f, v)
			{
				if (is_dictionary(f))
					json_object_set(dicts, f, json_object_get(v, "blake2b256"));
			}
		}
		rc = same_dicts(&st, dicts, s.dir[k], err);
		hg_store_close(&st);
	}
	json_decref(dicts);
	if (rc == 0)
		rc = verify_source(&s, dir, n_files, err);
	hg_shards_free(&s);
	return rc ? -1 : 0;
}

/* Is dir a directory with no entries (but . and ..)? */
static int dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int empty = 1;
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* PARENT/.NAME.shards-tmp for out (trailing slashes ignored). */
static int staging_path(const char *out, char staging[HG_PATH_MAX], hg_err *err)
{
	char o[HG_PATH_MAX];
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof o - 32)
		return hg_err_set(err, HG_EUSAGE, "--store '%s': give a directory name", out);
	memcpy(o, out, n);
	o[n] = 0;
	const char *slash = strrchr(o, '/');
	const char *name = slash ? slash + 1 : o;
	if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(o, "/"))
		return hg_err_set(err, HG_EUSAGE,
		                  "--store %s: give the sharded store's own directory by name",
		                  out);
	snprintf(staging, HG_PATH_MAX, "%.*s.%s.shards-tmp", slash ? (int)(name - o) : 0, o, name);
	return 0;
}

int hg_shards_stage(const char *out, char staging[HG_PATH_MAX], hg_err *err)
{
	if (hg_path_exists(out) && !(hg_is_dir(out) && dir_empty(out)))
		return hg_err_set(err, HG_EUSAGE,
		                  "--store %s already exists and is not an empty directory%s: "
		                  "ingest --shards writes a new sharded store; give a new "
		                  "directory (or remove it first)",
		                  out, hg_shards_is(out) ? " (it holds a sharded store)" : "");
	if (staging_path(out, staging, err))
		return -1;
	if (hg_path_exists(staging)) /* left by an ingest --shards into out that was killed */
		hg_rm_rf(staging);
	if (hg_path_exists(staging))
		return hg_err_set(err, HG_EIO,
		                  "%s: cannot remove the staging directory of an "
		                  "earlier ingest --shards: remove it by hand",
		                  staging);
	return hg_mkdir_p(staging, err);
}

int hg_shards_publish(const char *staging, const char *out, hg_err *err)
{
	assert(hg_shards_is(staging));
	if (hg_fsync_dir(staging, err))
		return -1;
	if (rename(staging, out) != 0) /* out absent or an empty directory: replaced at once */
		return hg_err_set(err, HG_EIO, "%s: cannot rename to %s: %s", staging, out,
		                  strerror(errno));
	char parent[HG_PATH_MAX];
	snprintf(parent, sizeof parent, "%s", staging);
	char *slash = strrchr(parent, '/');
	if (slash)
		*slash = 0;
	return hg_fsync_dir(slash ? (parent[0] ? parent : "/") : ".", err);
}

int hg_shards_source_sync(const char *dir, hg_err *err)
{
	hg_shards s;
	if (hg_shards_open(&s, dir, err))
		return -1;
	char src[HG_PATH_MAX], cur[HG_PATH_MAX], listed[HG_PATH_MAX];
	snprintf(src, sizeof src, "%s/" HG_SHARDS_SOURCE, dir);
	snprintf(listed, sizeof listed, "%s/%s", src, s.source_snapshot);
	int rc = hg_store_resolve(src, cur, sizeof cur, err);
	const char *now = rc == 0 ? strrchr(cur, '/') + 1 : NULL;
	/* the names are snap-NNNNNN: a later one sorts after; one the user appended since (a
	   later CURRENT) is kept: the next split takes it */
	if (rc == 0 && strcmp(now, s.source_snapshot) < 0 && hg_is_dir(listed)) {
		char line[80];
		int len = snprintf(line, sizeof line, "%s\n", s.source_snapshot);
		snprintf(cur, sizeof cur, "%s/CURRENT", src);
		rc = hg_write_file_atomic(cur, line, (size_t)len, err);
	}
	hg_shards_free(&s);
	return rc ? -1 : 0;
}
