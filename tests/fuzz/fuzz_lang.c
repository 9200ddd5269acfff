/*
 * fuzz_lang.c: libFuzzer target for the definition language, lexer to VM
 * (src/lang and src/engine): the input is a pack's text. It is loaded
 * (hg_pack_load_str: lexer, parser, checker), compiled for the fixture
 * store, run in one pass, put through disclosure control and analysed, as
 * `healthgap run` does. Codelist paths are relative to a directory whose
 * codelists/ holds the fixture's (contacts.csv, sbp.csv) and the Core20PLUS5
 * pack's codelists, so both packs and their mutations find their files.
 * Every error must carry a message.
 */
#include "core/fs.h"
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	hg_store st;
	char dir[HG_PATH_MAX]; /* where the pack's codelist paths start */
} fz;

/* Copy every file of directory from into directory to (missing from: nothing). */
static void copy_files(const char *from, const char *to)
{
	DIR *d = opendir(from);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char src[HG_PATH_MAX], dst[HG_PATH_MAX];
		hg_fuzz_path(src, sizeof src, from, e->d_name);
		hg_fuzz_path(dst, sizeof dst, to, e->d_name);
		size_t n;
		hg_err err = {0};
		char *text = hg_read_file(src, &n, &err);
		if (!text)
			hg_fuzz_fail("%s", err.msg);
		hg_fuzz_write(dst, text, n);
		free(text);
	}
	closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char store[HG_PATH_MAX], lists[HG_PATH_MAX], from[HG_PATH_MAX];
	hg_fuzz_path(fz.dir, sizeof fz.dir, hg_fuzz_scratch(), "pack");
	hg_fuzz_path(lists, sizeof lists, fz.dir, "codelists");
	hg_err err = {0};
	if (hg_mkdir_p(lists, &err))
		hg_fuzz_fail("%s", err.msg);
	hg_fuzz_path(from, sizeof from, hg_fuzz_data(), "codelists");
	copy_files(from, lists);
	hg_fuzz_path(from, sizeof from, hg_fuzz_data(), "../../../packs/core20plus5/codelists");
	copy_files(from, lists);
	hg_fuzz_path(store, sizeof store, hg_fuzz_scratch(), "store");
	hg_fuzz_make_store(store);
	if (hg_store_open(&fz.st, store, &err))
		hg_fuzz_fail("%s", err.msg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	hg_pack *pk = NULL;
	hg_err err = {0};
	int rc = hg_pack_load_str(&pk, "fuzz.hg", text, fz.dir, &err);
	hg_fuzz_check_err(rc, &err, "hg_pack_load_str");
	if (rc == 0) {
		hg_fuzz_run_pack(pk, &fz.st, 1, &err);
		hg_pack_free(pk);
	}
	free(text);
	return 0;
}
