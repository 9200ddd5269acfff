/*
 * prune.c: removing a store's old snapshots (prune.h). Only directories named
 * as ingest names them (snap-NNNNNN) are candidates; the store is recognised
 * by its CURRENT file (hg_store_resolve), so prune never deletes from a
 * directory that is not a store.
 */
#include "store/prune.h"

#include "core/fs.h"
#include "store/store.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* "snap-" and six or more digits, as hg_store_begin names snapshots. */
static int snapshot_name(const char *s, unsigned *num)
{
	if (strncmp(s, "snap-", 5) || strlen(s) < 11 || strlen(s) > 20)
		return 0;
	for (const char *p = s + 5; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	*num = (unsigned)strtoul(s + 5, NULL, 10);
	return 1;
}

/* The total size of the regular files directly in dir (a snapshot is flat). */
static uint64_t dir_bytes(const char *dir)
{
	uint64_t total = 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	char path[HG_PATH_MAX];
	struct stat st;
	for (struct dirent *e; (e = readdir(d));) {
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.' && lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	}
	closedir(d);
	return total;
}

static int by_number(const void *a, const void *b)
{
	unsigned x, y;
	snapshot_name(((const hg_prune_snap *)a)->name, &x);
	snapshot_name(((const hg_prune_snap *)b)->name, &y);
	return x < y ? -1 : x > y;
}

/* The store's snapshots, oldest first, the current one marked. */
static int list_snapshots(const char *dir, const char *current, hg_prune *out, hg_err *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return hg_err_set(err, HG_EIO, "%s: cannot read the store's directory", dir);
	size_t cap = 0;
	unsigned num;
	char path[HG_PATH_MAX];
	for (struct dirent *e; (e = readdir(d));) {
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!snapshot_name(e->d_name, &num) || !hg_is_dir(path))
			continue;
		HG_GROW(out->snaps, (size_t)out->n, cap);
		hg_prune_snap *s = &out->snaps[out->n++];
		memset(s, 0, sizeof *s);
		snprintf(s->name, sizeof s->name, "%s", e->d_name);
		s->bytes = dir_bytes(path);
		s->current = !strcmp(s->name, current);
	}
	closedir(d);
	if (out->n)
		qsort(out->snaps, (size_t)out->n, sizeof *out->snaps, by_number);
	return 0;
}

int hg_store_prune(const char *dir, int keep, int dry_run, hg_prune *out, hg_err *err)
{
	memset(out, 0, sizeof *out);
	if (keep < 1)
		return hg_err_set(
		    err, HG_EUSAGE,
		    "--keep must be at least 1 (the current snapshot is always kept)");
	char cur[HG_PATH_MAX];
	if (hg_store_resolve(dir, cur, sizeof cur, err))
		return err ? err->code : HG_EIO;
	if (!strcmp(cur, dir))
		return hg_err_set(err, HG_EUSAGE,
		                  "%s is a snapshot, not a store: give the store's directory (the "
		                  "one holding CURRENT)",
		                  dir);
	const char *slash = strrchr(cur, '/');
	if (list_snapshots(dir, slash ? slash + 1 : cur, out, err))
		return err ? err->code : HG_EIO;
	char path[HG_PATH_MAX];
	for (int i = 0; i < out->n - keep; i++) {
		hg_prune_snap *s = &out->snaps[i];
		if (s->current)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, s->name);
		if (!dry_run && hg_rm_rf(path) != 0)
			return hg_err_set(err, HG_EIO, "%s: could not remove it all", path);
		s->removed = 1;
		out->bytes_removed += s->bytes;
	}
	return 0;
}

void hg_prune_free(hg_prune *p)
{
	free(p->snaps);
	memset(p, 0, sizeof *p);
}
