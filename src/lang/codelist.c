/*
 * codelist.c: codelists. Reads the OpenCodelists CSV format (the code column
 * is the first header among the known names, else the first column; codes
 * are trimmed; blank codes are skipped), decides how a list's codes match
 * event codes, hashes a list for provenance, and turns a set of the pack
 * into a bitset over a store's code ids; finds a list's file (in --codelists
 * DIR, by its name or as an OpenCodelists download ending -NAME, else beside
 * the pack).
 *
 * Matching (docs/language.md "Codelists"): classification codes (ICD-10,
 * OPCS-4) match every event code they are a prefix of, ignoring dots and
 * case (`F09` matches `F091`, `F09.1`, `f09x`); every other system (SNOMED
 * CT, dm+d, CTV3, Read) matches exactly as written. A list's system is the
 * one its declaration names (`system icd10`), else the one its code column's
 * header names, else it is a classification when every code has the shape
 * letter, two digits, then optionally a dot and one to four letters or
 * digits.
 */
#include "lang/ast.h"
#include "lang/codelists.h"

#include "core/csv.h"
#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include "core/str.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const hg_code_system_names[HG_CSYS_N] = {"auto", "icd10", "opcs4", "snomedct",
                                                     "dmd",  "ctv3",  "read"};

/* Code column headers in order of preference, and the system each one names. */
static const struct {
	const char *col;
	int system;
} hg_code_cols[] = {
    {"code", HG_CSYS_AUTO},
    {"snomedcode", HG_CSYS_SNOMEDCT},
    {"snomed_code", HG_CSYS_SNOMEDCT},
    {"snomedct_code", HG_CSYS_SNOMEDCT},
    {"snomed_id", HG_CSYS_SNOMEDCT},
    {"conceptid", HG_CSYS_SNOMEDCT},
    {"concept_id", HG_CSYS_SNOMEDCT},
    {"dmd_id", HG_CSYS_DMD},
    {"dmd_code", HG_CSYS_DMD},
    {"ctv3code", HG_CSYS_CTV3},
    {"ctv3id", HG_CSYS_CTV3},
    {"ctv3_code", HG_CSYS_CTV3},
    {"readcode", HG_CSYS_READ},
    {"read_code", HG_CSYS_READ},
    {"icd10", HG_CSYS_ICD10},
    {"icd10_code", HG_CSYS_ICD10},
    {"icd10code", HG_CSYS_ICD10},
    {"icd_code", HG_CSYS_ICD10},
    {"opcs4", HG_CSYS_OPCS4},
    {"opcs4_code", HG_CSYS_OPCS4},
    {"opcs4code", HG_CSYS_OPCS4},
    {"opcs_code", HG_CSYS_OPCS4},
    {"id", HG_CSYS_AUTO},
};

int hg_code_system_parse(const char *s, size_t n)
{
	for (int i = 1; i < HG_CSYS_N; i++)
		if (strlen(hg_code_system_names[i]) == n &&
		    hg_sv_eq_nocase((hg_sv){s, n}, hg_code_system_names[i]))
			return i;
	return -1;
}

int hg_codelist_code_column(const hg_csv *c, int *system)
{
	for (size_t i = 0; i < sizeof hg_code_cols / sizeof hg_code_cols[0]; i++) {
		int k = hg_csv_col(c, hg_code_cols[i].col);
		if (k >= 0) {
			*system = hg_code_cols[i].system;
			return k;
		}
	}
	*system = HG_CSYS_AUTO;
	return 0;
}

int hg_codelist_load(hg_codeset *set, const char *dir, const char *path, hg_err *err)
{
	char full[HG_PATH_MAX];
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
	int system;
	int col = hg_codelist_code_column(&c, &system);
	if (set->system == HG_CSYS_AUTO)
		set->system = system;
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

/* The shape of an ICD-10 or OPCS-4 code: A99, A99.9, A999, A99X, A99.99 ... */
static int classification_shape(const char *s, size_t n)
{
	if (n < 3 || !isalpha((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]))
		return 0;
	size_t i = 3;
	if (i < n && s[i] == '.')
		i++;
	if (i == n)
		return i == 3; /* a trailing dot is Read-style padding, not a classification */
	if (n - i > 4)
		return 0;
	for (; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void codeset_hash(hg_codeset *set)
{
	const char **keys = hg_xmalloc(sizeof *keys * (set->codes.n + 1));
	for (uint32_t i = 0; i < set->codes.n; i++)
		keys[i] = hg_dict_key(&set->codes, i);
	qsort(keys, set->codes.n, sizeof *keys, cmp_str);
	hg_buf b = {0};
	/* a prefix list matches other events than the same codes matched exactly */
	if (set->prefix)
		hg_buf_puts(&b, "prefix\n");
	for (uint32_t i = 0; i < set->codes.n; i++) {
		hg_buf_puts(&b, keys[i]);
		hg_buf_putc(&b, '\n');
	}
	hg_hash_hex(b.p ? b.p : "", b.n, set->hash);
	hg_buf_free(&b);
	free(keys);
}

void hg_codeset_finish(hg_codeset *set)
{
	if (set->system == HG_CSYS_ICD10 || set->system == HG_CSYS_OPCS4) {
		set->prefix = 1;
	} else if (set->system != HG_CSYS_AUTO) {
		set->prefix = 0;
	} else {
		set->prefix = set->codes.n > 0;
		for (uint32_t i = 0; i < set->codes.n && set->prefix; i++)
			set->prefix =
			    classification_shape(hg_dict_key(&set->codes, i), set->codes.lens[i]);
	}
	codeset_hash(set);
}

size_t hg_codeset_words(const hg_store *st)
{
	return (st->codes.n + 63) / 64 + 1;
}

/* A classification code as compared: dots dropped, upper case; 0 when too long. */
static size_t code_norm(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.')
			continue;
		if (k == cap)
			return 0;
		out[k++] = (char)toupper((unsigned char)s[i]);
	}
	return k;
}

#define HG_CODE_NORM_MAX 128

static void match_exact(const hg_codeset *cs, const hg_store *st, uint64_t *bits, uint8_t *found)
{
	for (uint32_t i = 0; i < cs->codes.n; i++) {
		uint32_t id =
		    hg_dict_find(&st->code_index, hg_dict_key(&cs->codes, i), cs->codes.lens[i]);
		if (id == HG_DICT_MISSING)
			continue;
		bits[id >> 6] |= 1ull << (id & 63);
		if (found)
			found[i] = 1;
	}
}

/*
 * Each store code's prefixes (of the lengths the list has) are looked up in a
 * dictionary of the list's normalised codes: store codes x distinct lengths
 * lookups, not store codes x list codes comparisons.
 */
static void match_prefix(const hg_codeset *cs, const hg_store *st, uint64_t *bits, uint8_t *found)
{
	hg_dict norm;
	hg_dict_init(&norm);
	/* list code i -> normalised id; several codes can share one (K02.9, K029) */
	uint32_t *nid = hg_xmalloc(sizeof *nid * (cs->codes.n + 1));
	size_t lo = SIZE_MAX, hi = 0;
	char buf[HG_CODE_NORM_MAX];
	for (uint32_t i = 0; i < cs->codes.n; i++) {
		size_t k =
		    code_norm(hg_dict_key(&cs->codes, i), cs->codes.lens[i], buf, sizeof buf);
		nid[i] = k ? hg_dict_intern(&norm, buf, k, NULL) : HG_DICT_MISSING;
		if (k && k < lo)
			lo = k;
		if (k > hi)
			hi = k;
	}
	uint8_t *hit = hg_xcalloc(norm.n + 1, 1);
	for (uint32_t id = 0; id < st->codes.n && norm.n; id++) {
		const char *code = hg_strtab_get(&st->codes, id);
		size_t k = code_norm(code, strlen(code), buf, sizeof buf);
		for (size_t len = lo; len <= hi && len <= k; len++) {
			uint32_t j = hg_dict_find(&norm, buf, len);
			if (j == HG_DICT_MISSING)
				continue;
			bits[id >> 6] |= 1ull << (id & 63);
			hit[j] = 1;
		}
	}
	for (uint32_t i = 0; found && i < cs->codes.n; i++)
		found[i] = nid[i] != HG_DICT_MISSING && hit[nid[i]];
	free(hit);
	free(nid);
	hg_dict_free(&norm);
}

void hg_codeset_match(const hg_codeset *cs, const hg_store *st, uint64_t *bits, uint8_t *found)
{
	if (!cs->codes.slots)
		return;
	if (cs->prefix)
		match_prefix(cs, st, bits, found);
	else
		match_exact(cs, st, bits, found);
}

void hg_codeset_bits(const hg_pack *pk, int set, const hg_store *st, uint64_t *bits)
{
	const hg_codeset *cs = &pk->sets[set];
	size_t words = hg_codeset_words(st);
	switch (cs->op) {
	case HG_CS_LEAF:
		hg_codeset_match(cs, st, bits, NULL);
		return;
	case HG_CS_ANY:
		for (uint32_t id = 0; id < st->codes.n; id++)
			bits[id >> 6] |= 1ull << (id & 63);
		return;
	case HG_CS_REF:
		hg_codeset_bits(pk, cs->l, st, bits);
		return;
	default: {
		uint64_t *r = hg_xcalloc(words, sizeof *r);
		hg_codeset_bits(pk, cs->l, st, bits);
		hg_codeset_bits(pk, cs->r, st, r);
		for (size_t w = 0; w < words; w++)
			bits[w] = cs->op == T_PLUS  ? bits[w] | r[w]
			          : cs->op == T_AMP ? bits[w] & r[w]
			                            : bits[w] & ~r[w];
		free(r);
	}
	}
}

/* ---- where a codelist file comes from: --codelists DIR, or the pack's directory ---- */

static int is_download_of(const char *name, const char *base)
{
	size_t n = strlen(name), b = strlen(base);
	return n > b + 1 && name[n - b - 1] == '-' && !strcmp(name + n - b, base);
}

/* The file in dir named base, else the one download ending -base; 0 found, 1 none. */
static int find_in_dir(const char *dir, const char *base, char *out, size_t cap, hg_err *err)
{
	snprintf(out, cap, "%s/%s", dir, base);
	struct stat sb;
	if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode))
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return hg_err_set(err, HG_EIO, "--codelists %s: cannot open the directory: %s", dir,
		                  strerror(errno));
	char first[256] = "", second[256] = "";
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.' && is_download_of(e->d_name, base) && n++ < 2)
			snprintf(n == 1 ? first : second, sizeof first, "%s", e->d_name);
	closedir(d);
	if (n > 1)
		return hg_err_set(err, HG_EINPUT,
		                  "--codelists %s: %d files end with -%s (%s, %s%s); name one with "
		                  "--codelist NAME=FILE",
		                  dir, n, base, first, second, n > 2 ? ", ..." : "");
	if (n == 0)
		return 1;
	snprintf(out, cap, "%s/%s", dir, first);
	return 0;
}

int hg_pack_codelist_path(const hg_pack *pk, const char *path, char *out, size_t cap, int *replaced,
                          hg_err *err)
{
	*replaced = 0;
	const char *dir = pk->opts ? pk->opts->codelist_dir : NULL;
	if (dir) {
		const char *slash = strrchr(path, '/');
		int rc = find_in_dir(dir, slash ? slash + 1 : path, out, cap, err);
		if (rc < 0 || rc > 1)
			return err->code ? err->code : HG_EINPUT;
		if (rc == 0) {
			*replaced = 1;
			return 0;
		}
	}
	if (path[0] == '/')
		snprintf(out, cap, "%s", path);
	else
		snprintf(out, cap, "%s/%s", pk->src.dir, path);
	return 0;
}

const char *hg_pack_codelist_sub(const hg_pack *pk, const char *name)
{
	const hg_pack_opts *o = pk->opts;
	for (int i = 0; o && i < o->nsubs; i++)
		if (!strcmp(o->subs[i].name, name))
			return o->subs[i].file;
	return NULL;
}
