/*
 * fuzz_store.c: libFuzzer target for opening damaged store snapshots
 * (src/store/store.c) and everything that reads a store after it: the
 * engine's pass, disclosure control and the analysis (the fixture pack),
 * `healthgap info` and `healthgap verify`. A damaged snapshot must give an
 * error, never a crash.
 *
 * The fixture store is ingested once into the scratch directory. An input is
 * "NAME\n" and then new contents for the snapshot's file NAME (a name that is
 * not one of its files picks one by a hash of the name). The contents are
 * fitted to the file's size (cut, or padded with the file's own bytes) so
 * that most inputs get past the size check, except for manifest.json or when
 * NAME ends in '!', where they are taken as they are. The file is put back
 * after each input.
 *
 * With HG_FUZZ_SEEDS_OUT=DIR the target first writes one starting input per
 * file of the snapshot into DIR (the snapshot as ingest wrote it), so the
 * seeds follow the store's format as it changes.
 */
#include "cli/cli.h"
#include "core/fs.h"
#include "core/str.h"
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILES 64

static struct {
	char snap[HG_PATH_MAX];
	hg_pack *pk;
	size_t n;
	char *name[MAX_FILES];
	char *orig[MAX_FILES]; /* the file as ingest wrote it */
	size_t len[MAX_FILES];
} fz;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_snapshot(void)
{
	DIR *d = opendir(fz.snap);
	if (!d)
		hg_fuzz_fail("cannot read %s", fz.snap);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (fz.n == MAX_FILES)
			hg_fuzz_fail("more than %d files in a snapshot: raise MAX_FILES",
			             MAX_FILES);
		fz.name[fz.n++] = hg_xstrdup(e->d_name);
	}
	closedir(d);
	qsort(fz.name, fz.n, sizeof *fz.name, cmp_name);
	for (size_t i = 0; i < fz.n; i++) {
		char path[HG_PATH_MAX];
		hg_fuzz_path(path, sizeof path, fz.snap, fz.name[i]);
		hg_err err = {0};
		fz.orig[i] = hg_read_file(path, &fz.len[i], &err);
		if (!fz.orig[i])
			hg_fuzz_fail("%s", err.msg);
	}
}

static void write_seeds(const char *dir)
{
	for (size_t i = 0; i < fz.n; i++) {
		hg_buf b = {0};
		hg_buf_printf(&b, "%s\n", fz.name[i]);
		hg_buf_put(&b, fz.orig[i], fz.len[i]);
		char path[HG_PATH_MAX];
		hg_fuzz_path(path, sizeof path, dir, fz.name[i]);
		hg_fuzz_write(path, b.p, b.n);
		hg_buf_free(&b);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char store[HG_PATH_MAX];
	hg_fuzz_path(store, sizeof store, hg_fuzz_scratch(), "store");
	hg_fuzz_make_store(store);
	hg_err err = {0};
	if (hg_store_resolve(store, fz.snap, sizeof fz.snap, &err))
		hg_fuzz_fail("%s", err.msg);
	list_snapshot();
	fz.pk = hg_fuzz_load_pack();
	const char *seeds = getenv("HG_FUZZ_SEEDS_OUT");
	if (seeds && *seeds)
		write_seeds(seeds);
	return 0;
}

/* The file an input's first line names. */
static size_t pick_file(const char *name, size_t n, int *exact)
{
	*exact = n && name[n - 1] == '!';
	if (*exact)
		n--;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	for (size_t i = 0; i < fz.n; i++)
		if (strlen(fz.name[i]) == n && !memcmp(fz.name[i], name, n))
			return i;
	return h % fz.n;
}

/* What the damaged snapshot meets: open and the pack, info, verify. */
static void use_snapshot(void)
{
	hg_store st;
	hg_err err = {0};
	int rc = hg_store_open(&st, fz.snap, &err);
	hg_fuzz_check_err(rc, &err, "hg_store_open");
	if (rc == 0) {
		hg_fuzz_run_pack(fz.pk, &st, 1, &err);
		hg_store_close(&st);
	}
	char *info[] = {"info", fz.snap, NULL};
	hg_cmd_info(2, info);
	char *verify[] = {"verify", fz.snap, NULL};
	hg_cmd_verify(2, verify);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - (const char *)data) : size;
	size_t body = nl ? head + 1 : size;
	int exact;
	size_t f = pick_file((const char *)data, head, &exact);
	exact |= !strcmp(fz.name[f], "manifest.json");
	size_t n = size - body;
	char *content = hg_xmalloc(fz.len[f] + n + 1);
	memcpy(content, data + body, n);
	if (!exact) { /* fit to the file's size, padding with its own tail */
		if (n < fz.len[f])
			memcpy(content + n, fz.orig[f] + n, fz.len[f] - n);
		n = fz.len[f];
	}
	char path[HG_PATH_MAX];
	hg_fuzz_path(path, sizeof path, fz.snap, fz.name[f]);
	hg_fuzz_write(path, content, n);
	use_snapshot();
	hg_fuzz_write(path, fz.orig[f], fz.len[f]);
	free(content);
	return 0;
}
