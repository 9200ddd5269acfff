/*
 * store_write.c: writing a snapshot atomically (writing side of store.h).
 *
 * Protocol: files go to STORE/.tmp-PID-RANDOM/, each fsynced as written; the
 * manifest is written last, then manifest.blake2b (its checksum); the directory is fsynced and
 * renamed to STORE/snap-NNNNNN; STORE/CURRENT is replaced atomically (write, fsync, rename, fsync
 * STORE). Readers only ever follow CURRENT, so they see either the old or the new snapshot, never a
 * partial one.
 */
#include "store.h"
#include "store/shard.h"
#include "core/fs.h"
#include "core/str.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned store_last_snapshot(const char *root)
{
	unsigned last = 0;
	DIR *d = opendir(root);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		unsigned n;
		if (sscanf(e->d_name, "snap-%u", &n) == 1 && n > last)
			last = n;
	}
	closedir(d);
	return last;
}

static void store_clean_stale(const char *root)
{
	DIR *d = opendir(root);
	if (!d)
		return;
	struct dirent *e;
	char path[HG_PATH_MAX];
	while ((e = readdir(d))) {
		long pid;
		if (sscanf(e->d_name, ".tmp-%ld-", &pid) == 1 && kill((pid_t)pid, 0) != 0 &&
		    errno == ESRCH) {
			snprintf(path, sizeof path, "%s/%s", root, e->d_name);
			hg_rm_rf(path);
		}
	}
	closedir(d);
}

int hg_store_begin(hg_store_writer *w, const char *root, hg_err *err)
{
	memset(w, 0, sizeof *w);
	snprintf(w->root, sizeof w->root, "%s", root);
	if (hg_shards_is(root)) /* its shards are listed in shards.json: a snapshot beside them
	                           would make one directory two stores */
		return hg_err_set(err, HG_EUSAGE,
		                  "%s is a sharded store (shards.json): no snapshot can be written "
		                  "into it; ingest into a new directory (with --shards N for a new "
		                  "sharded store)",
		                  root);
	if (hg_mkdir_p(root, err))
		return -1;
	store_clean_stale(root);
	snprintf(w->tmpdir, sizeof w->tmpdir, "%s/.tmp-%ld-%08x", root, (long)getpid(),
	         randombytes_random());
	if (hg_mkdir_p(w->tmpdir, err))
		return -1;
	w->files = json_object();
	return 0;
}

static int store_record(hg_store_writer *w, const char *name, const char *type, uint64_t rows,
                        const void *data, size_t bytes)
{
	char hex[65];
	hg_hash_hex(data, bytes, hex);
	json_t *f = json_object();
	json_object_set_new(f, "bytes", json_integer((json_int_t)bytes));
	if (type) {
		json_object_set_new(f, "type", json_string(type));
		json_object_set_new(f, "rows", json_integer((json_int_t)rows));
	}
	json_object_set_new(f, "blake2b256", json_string(hex));
	json_object_set_new(w->files, name, f);
	return 0;
}

int hg_store_put(hg_store_writer *w, const char *name, const char *type, uint64_t rows,
                 const void *data, size_t bytes, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", w->tmpdir, name);
	if (hg_write_file(path, data, bytes, err))
		return -1;
	return store_record(w, name, type, rows, data, bytes);
}

int hg_store_put_file(hg_store_writer *w, const char *name, const void *data, size_t bytes,
                      hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", w->tmpdir, name);
	if (hg_write_file(path, data, bytes, err))
		return -1;
	return store_record(w, name, NULL, 0, data, bytes);
}

int hg_store_link(hg_store_writer *w, const char *srcdir, const char *name, const void *entry,
                  hg_err *err)
{
	char src[HG_PATH_MAX], dst[HG_PATH_MAX];
	snprintf(src, sizeof src, "%s/%s", srcdir, name);
	snprintf(dst, sizeof dst, "%s/%s", w->tmpdir, name);
	if (!entry)
		return hg_err_set(err, HG_ECORRUPT, "%s: not listed in its snapshot's manifest",
		                  src);
	if (link(src, dst) < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot link it into the new snapshot: %s", src,
		                  strerror(errno));
	json_object_set_new(w->files, name, json_deep_copy((const json_t *)entry));
	return 0;
}

void hg_store_seg_file(int c, int k, char *buf, size_t cap)
{
	if (k == 0)
		snprintf(buf, cap, "%s", hg_store_cols[c].file);
	else
		snprintf(buf, cap, "seg%d.%s", k, hg_store_cols[c].file);
}

int hg_store_put_strings(hg_store_writer *w, const char *name, const char *const *strs, uint32_t n,
                         hg_err *err)
{
	hg_buf b = {0};
	uint32_t off = 0;
	hg_buf_put(&b, &n, 4);
	for (uint32_t i = 0; i < n; i++) {
		hg_buf_put(&b, &off, 4);
		off += (uint32_t)strlen(strs[i]) + 1;
	}
	hg_buf_put(&b, &off, 4);
	for (uint32_t i = 0; i < n; i++)
		hg_buf_put(&b, strs[i], strlen(strs[i]) + 1);
	int r = hg_store_put(w, name, "strings", n, b.p, b.n, err);
	hg_buf_free(&b);
	return r;
}

int hg_store_commit(hg_store_writer *w, void *manifest, int publish, char snap_name[64],
                    hg_err *err)
{
	json_t *m = manifest;
	unsigned prev = store_last_snapshot(w->root);
	char cur[HG_PATH_MAX];
	snprintf(cur, sizeof cur, "%s/CURRENT", w->root);
	size_t n;
	char *parent = hg_read_file(cur, &n, NULL);
	if (parent) {
		while (n && parent[n - 1] == '\n')
			parent[--n] = 0;
		json_object_set_new(m, "parent", json_string(parent));
		free(parent);
	} else {
		json_object_set_new(m, "parent", json_null());
	}
	snprintf(w->final_name, sizeof w->final_name, "snap-%06u", prev + 1);
	json_object_set_new(m, "snapshot", json_string(w->final_name));
	json_object_set(m, "files", w->files);
	char *text = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
	char path[HG_PATH_MAX], sum[66];
	snprintf(path, sizeof path, "%s/" HG_STORE_MANIFEST, w->tmpdir);
	size_t mlen = strlen(text);
	int r = hg_write_file(path, text, mlen, err);
	hg_hash_hex(text, mlen, sum);
	free(text);
	/* the manifest's own checksum, in the same directory, so it is renamed
	 * into place with the snapshot: a damaged manifest is found at open */
	strcat(sum, "\n");
	snprintf(path, sizeof path, "%s/" HG_STORE_MANIFEST_SUM, w->tmpdir);
	if (r || hg_write_file(path, sum, 65, err) || hg_fsync_dir(w->tmpdir, err))
		return -1;
	char final[HG_PATH_MAX];
	snprintf(final, sizeof final, "%s/%s", w->root, w->final_name);
	if (rename(w->tmpdir, final) < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot rename snapshot into place: %s", final,
		                  strerror(errno));
	if (hg_fsync_dir(w->root, err))
		return -1;
	if (publish) {
		char line[80];
		int len = snprintf(line, sizeof line, "%s\n", w->final_name);
		if (hg_write_file_atomic(cur, line, (size_t)len, err))
			return -1;
	}
	snprintf(snap_name, 64, "%s", w->final_name);
	json_decref(w->files);
	w->files = NULL;
	return 0;
}

void hg_store_abort(hg_store_writer *w)
{
	if (w->files)
		json_decref(w->files);
	w->files = NULL;
	if (w->tmpdir[0])
		hg_rm_rf(w->tmpdir);
}
