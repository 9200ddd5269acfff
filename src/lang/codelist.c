/*
 * codelist.c: reading codelists in the OpenCodelists CSV format. The code
 * column is the first header among the known names (code, snomedcode,
 * dmd_id, ctv3code, ...), else the first column. Codes are trimmed; blank
 * codes are skipped. Also hashes a set (sorted codes) for provenance.
 */
#include "lang/ast.h"

#include "core/csv.h"
#include "core/fs.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const hg_code_cols[] = {
    "code",       "snomedcode", "snomed_code", "snomedct_code", "conceptid", "concept_id", "dmd_id",
    "dmd_code",   "ctv3code",   "ctv3id",      "ctv3_code",     "readcode",  "read_code",  "icd10",
    "icd10_code", "icd_code",   "opcs4",       "opcs_code",     "id",        NULL};

static int hg_code_column(const hg_csv *c)
{
	for (int i = 0; hg_code_cols[i]; i++) {
		int k = hg_csv_col(c, hg_code_cols[i]);
		if (k >= 0)
			return k;
	}
	return 0;
}

int hg_codelist_load(hg_codeset *set, const char *dir, const char *path, hg_err *err)
{
	char full[2048];
	if (path[0] == '/' || !dir || !dir[0])
		snprintf(full, sizeof full, "%s", path);
	else
		snprintf(full, sizeof full, "%s/%s", dir, path);
	hg_csv c;
	if (hg_csv_open(&c, full, err) != 0)
		return HG_EIO;
	if (!hg_csv_next(&c)) {
		hg_csv_close(&c);
		return hg_err_set(err, HG_EINPUT, "codelist %s is empty (expected a header row)",
		                  full);
	}
	int col = hg_code_column(&c);
	while (hg_csv_next(&c)) {
		if (c.malformed) {
			int rc = hg_err_set(err, HG_EINPUT, "codelist %s line %llu: %s", full,
			                    (unsigned long long)c.line, c.malformed);
			hg_csv_close(&c);
			return rc;
		}
		hg_sv v = hg_sv_trim(hg_csv_field(&c, col));
		if (v.n)
			hg_dict_intern(&set->codes, v.p, v.n, NULL);
	}
	hg_csv_close(&c);
	return 0;
}

static int hg_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void hg_codeset_hash(hg_codeset *set)
{
	const char **keys = hg_xmalloc(sizeof *keys * (set->codes.n + 1));
	for (uint32_t i = 0; i < set->codes.n; i++)
		keys[i] = hg_dict_key(&set->codes, i);
	qsort(keys, set->codes.n, sizeof *keys, hg_cmp_str);
	hg_buf b = {0};
	for (uint32_t i = 0; i < set->codes.n; i++) {
		hg_buf_puts(&b, keys[i]);
		hg_buf_putc(&b, '\n');
	}
	hg_hash_hex(b.p ? b.p : "", b.n, set->hash);
	hg_buf_free(&b);
	free(keys);
}
