/*
 * test_names.c: the edit distance behind "did you mean" (core/str.c), and
 * codelist matching against a store's code dictionary (lang/codelist.c):
 * classification codes by prefix with dots and case ignored, other systems
 * exactly, the system from the header or the codes' shape, and the
 * dictionary-of-prefixes matcher against a brute-force reference on many
 * codes.
 */
#include "core/fs.h"
#include "core/rng.h"
#include "core/str.h"
#include "lang/ast.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Test(core_suggest, edit_distance)
{
	cr_assert_eq(hg_edit_distance("", ""), 0);
	cr_assert_eq(hg_edit_distance("abc", ""), 3);
	cr_assert_eq(hg_edit_distance("", "ab"), 2);
	cr_assert_eq(hg_edit_distance("kitten", "sitting"), 3);
	cr_assert_eq(hg_edit_distance("Asain", "Asian"), 1, "a swap of neighbours costs 1");
	cr_assert_eq(hg_edit_distance("ca", "abc"), 3, "optimal string alignment, not full DL");
	cr_assert_eq(hg_edit_distance("HYP", "hyp"), 0, "case is ignored");
	cr_assert_eq(hg_edit_distance("on_hyp_registr", "on_hyp_register"), 1);
	char big[HG_EDIT_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	cr_assert_eq(hg_edit_distance(big, "a"), SIZE_MAX, "too long to compare");
}

static const char *suggest(const char *word, const char *const *cands)
{
	hg_suggest s;
	hg_suggest_init(&s, word);
	for (int i = 0; cands[i]; i++)
		hg_suggest_add(&s, cands[i]);
	return s.best;
}

Test(core_suggest, closest_within_a_third)
{
	const char *lets[] = {"on_hyp_register", "on_register", "adult", "age", NULL};
	cr_assert_str_eq(suggest("on_hyp_registr", lets), "on_hyp_register");
	cr_assert_str_eq(suggest("adlut", lets), "adult");
	cr_assert_str_eq(suggest("aeg", lets), "age", "a word of 3 allows 1 edit");
	cr_assert_null(suggest("xyz", lets), "nothing close: no suggestion");
	cr_assert_null(suggest("registered_to_practice", lets));
	const char *eth[] = {"White", "Mixed", "Asian", "Black", "Other", "Not stated", NULL};
	cr_assert_str_eq(suggest("Asain", eth), "Asian");
	cr_assert_str_eq(suggest("not-stated", eth), "Not stated");
	const char *same[] = {"hyp", NULL};
	cr_assert_null(suggest("hyp", same), "the word itself is never suggested");
}

/* ---- matching against a store's codes ---- */

/* A store with only a code dictionary (what matching reads). */
typedef struct fake_store {
	hg_store st;
	uint32_t *off;
	char *data;
} fake_store;

static void fake_init(fake_store *f, const char *const *codes, uint32_t n)
{
	memset(f, 0, sizeof *f);
	size_t bytes = 0;
	for (uint32_t i = 0; i < n; i++)
		bytes += strlen(codes[i]) + 1;
	f->off = malloc(sizeof *f->off * (n + 1));
	f->data = malloc(bytes + 1);
	hg_dict_init(&f->st.code_index);
	size_t at = 0;
	for (uint32_t i = 0; i < n; i++) {
		f->off[i] = (uint32_t)at;
		memcpy(f->data + at, codes[i], strlen(codes[i]) + 1);
		at += strlen(codes[i]) + 1;
		hg_dict_intern(&f->st.code_index, codes[i], strlen(codes[i]), NULL);
	}
	f->st.codes = (hg_strtab){n, f->off, f->data};
}

static void fake_free(fake_store *f)
{
	hg_dict_free(&f->st.code_index);
	free(f->off);
	free(f->data);
}

static void leaf(hg_codeset *cs, int system, const char *const *codes)
{
	memset(cs, 0, sizeof *cs);
	hg_dict_init(&cs->codes);
	cs->system = system;
	for (int i = 0; codes[i]; i++)
		hg_dict_intern(&cs->codes, codes[i], strlen(codes[i]), NULL);
	hg_codeset_finish(cs);
}

/* The store codes cs matches, as "a b c" in store order. */
static const char *matched(const hg_codeset *cs, const fake_store *f, uint8_t *found)
{
	static char out[1024];
	size_t words = hg_codeset_words(&f->st);
	uint64_t *bits = calloc(words, sizeof *bits);
	hg_codeset_match(cs, &f->st, bits, found);
	out[0] = 0;
	for (uint32_t i = 0; i < f->st.codes.n; i++)
		if (bits[i >> 6] >> (i & 63) & 1) {
			strcat(out, out[0] ? " " : "");
			strcat(out, hg_strtab_get(&f->st.codes, i));
		}
	free(bits);
	return out;
}

static const char *const STORE_CODES[] = {
    "F09", "F091",  "F09.1",    "f09x",      "F0",      "F10",   "F09.12", "K029",  "K02.9",
    "K02", "K0291", "38341003", "383410031", "3834100", "G20..", "G20",    "XaJLa", "xajla"};

Test(lang_codelist_match, prefix_exact_and_shape)
{
	fake_store f;
	fake_init(&f, STORE_CODES, sizeof STORE_CODES / sizeof STORE_CODES[0]);
	hg_codeset cs;
	uint8_t found[4];

	leaf(&cs, HG_CSYS_AUTO, (const char *[]){"F09", NULL});
	cr_assert(cs.prefix, "A99 has the shape of a classification code");
	cr_assert_str_eq(matched(&cs, &f, found), "F09 F091 F09.1 f09x F09.12");
	hg_dict_free(&cs.codes);

	leaf(&cs, HG_CSYS_AUTO, (const char *[]){"K02.9", "k029", NULL});
	cr_assert_str_eq(matched(&cs, &f, found), "K029 K02.9 K0291");
	cr_assert(found[0] && found[1], "both spellings of one code are found");
	hg_dict_free(&cs.codes);

	leaf(&cs, HG_CSYS_AUTO, (const char *[]){"38341003", NULL});
	cr_assert(!cs.prefix, "SNOMED CT codes are exact");
	cr_assert_str_eq(matched(&cs, &f, found), "38341003");
	hg_dict_free(&cs.codes);

	leaf(&cs, HG_CSYS_AUTO, (const char *[]){"G20..", NULL});
	cr_assert(!cs.prefix, "a Read code padded with dots is not a classification code");
	cr_assert_str_eq(matched(&cs, &f, found), "G20..");
	hg_dict_free(&cs.codes);

	leaf(&cs, HG_CSYS_CTV3, (const char *[]){"XaJLa", NULL});
	cr_assert_str_eq(matched(&cs, &f, found), "XaJLa", "CTV3 is exact and case-sensitive");
	hg_dict_free(&cs.codes);

	leaf(&cs, HG_CSYS_SNOMEDCT, (const char *[]){"F09", NULL});
	cr_assert_str_eq(matched(&cs, &f, found), "F09", "a declared system wins over the shape");
	hg_dict_free(&cs.codes);

	leaf(&cs, HG_CSYS_ICD10, (const char *[]){"f0", "X99", NULL});
	cr_assert_str_eq(matched(&cs, &f, found), "F09 F091 F09.1 f09x F0 F09.12");
	cr_assert(found[0] && !found[1], "X99 matches no store code");
	hg_dict_free(&cs.codes);

	leaf(&cs, HG_CSYS_AUTO, (const char *[]){"F09", "38341003", NULL});
	cr_assert(!cs.prefix, "one code of another shape makes the whole list exact");
	hg_dict_free(&cs.codes);
	fake_free(&f);
}

Test(lang_codelist_match, header_names_the_system)
{
	char dir[] = "/tmp/hg_test_names_XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[256];
	hg_err err = {0};
	static const struct {
		const char *text;
		int system, prefix;
	} cases[] = {
	    {"icd10_code,term\nF09,x\n", HG_CSYS_ICD10, 1},
	    {"opcs4,term\nF10.4,x\n", HG_CSYS_OPCS4, 1},
	    {"snomedcode,term\n38341003,x\n", HG_CSYS_SNOMEDCT, 0},
	    {"dmd_id\n39113611000001102\n", HG_CSYS_DMD, 0},
	    {"CTV3Code,Description\nG20..,x\n", HG_CSYS_CTV3, 0},
	    {"code,term\nK02.9,x\nK02.1,y\n", HG_CSYS_AUTO, 1},
	    {"code,term\nF09,x\n12345,y\n", HG_CSYS_AUTO, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(path, sizeof path, "%s/c%zu.csv", dir, i);
		cr_assert_eq(hg_write_file(path, cases[i].text, strlen(cases[i].text), &err), 0);
		hg_codeset cs;
		memset(&cs, 0, sizeof cs);
		hg_dict_init(&cs.codes);
		cr_assert_eq(hg_codelist_load(&cs, NULL, path, &err), 0, "%s", err.msg);
		hg_codeset_finish(&cs);
		cr_expect_eq(cs.system, cases[i].system, "case %zu", i);
		cr_expect_eq(cs.prefix, cases[i].prefix, "case %zu", i);
		hg_dict_free(&cs.codes);
	}
	hg_rm_rf(dir);
}

/* A random classification-like code: a letter, two digits, up to 3 more characters. */
static void rand_code(hg_rng *r, char *out, int dotted)
{
	int k = 0;
	out[k++] = (char)('A' + hg_rng_below(r, 3));
	out[k++] = (char)('0' + hg_rng_below(r, 3));
	out[k++] = (char)('0' + hg_rng_below(r, 4));
	int more = (int)hg_rng_below(r, 4);
	if (more && dotted)
		out[k++] = '.';
	for (int i = 0; i < more; i++)
		out[k++] = (char)('0' + hg_rng_below(r, 3));
	out[k] = 0;
}

static int ref_prefix_match(const char *list, const char *code)
{
	char a[32], b[32];
	size_t na = 0, nb = 0;
	for (const char *p = list; *p; p++)
		if (*p != '.')
			a[na++] = (char)toupper((unsigned char)*p);
	for (const char *p = code; *p; p++)
		if (*p != '.')
			b[nb++] = (char)toupper((unsigned char)*p);
	return na <= nb && !memcmp(a, b, na);
}

Test(lang_codelist_match, prefix_dictionary_equals_brute_force)
{
	hg_rng r;
	hg_rng_seed_plain(&r, 42);
	enum { NS = 3000, NL = 200 };
	char(*scodes)[16] = calloc(NS, 16);
	const char **sp = calloc(NS, sizeof *sp);
	uint32_t ns = 0;
	hg_dict seen;
	hg_dict_init(&seen);
	for (int i = 0; i < NS; i++) {
		rand_code(&r, scodes[ns], (int)hg_rng_below(&r, 2));
		int ins;
		hg_dict_intern(&seen, scodes[ns], strlen(scodes[ns]), &ins);
		if (ins)
			sp[ns] = scodes[ns], ns++;
	}
	fake_store f;
	fake_init(&f, sp, ns);
	char lcodes[NL][16];
	const char *lp[NL + 1];
	for (int i = 0; i < NL; i++) {
		rand_code(&r, lcodes[i], (int)hg_rng_below(&r, 2));
		lp[i] = lcodes[i];
	}
	lp[NL] = NULL;
	hg_codeset cs;
	leaf(&cs, HG_CSYS_ICD10, lp);
	uint64_t *bits = calloc(hg_codeset_words(&f.st), sizeof *bits);
	uint8_t *found = calloc(cs.codes.n, 1);
	hg_codeset_match(&cs, &f.st, bits, found);
	int hits = 0;
	for (uint32_t s = 0; s < ns; s++) {
		int want = 0;
		for (uint32_t l = 0; l < cs.codes.n && !want; l++)
			want = ref_prefix_match(hg_dict_key(&cs.codes, l), sp[s]);
		int got = (int)(bits[s >> 6] >> (s & 63) & 1);
		cr_assert_eq(got, want, "store code %s: got %d, want %d", sp[s], got, want);
		hits += got;
	}
	for (uint32_t l = 0; l < cs.codes.n; l++) {
		int want = 0;
		for (uint32_t s = 0; s < ns && !want; s++)
			want = ref_prefix_match(hg_dict_key(&cs.codes, l), sp[s]);
		cr_assert_eq(found[l], want, "list code %s", hg_dict_key(&cs.codes, l));
	}
	cr_assert_gt(hits, 0, "the random codes should overlap");
	free(found);
	free(bits);
	hg_dict_free(&cs.codes);
	hg_dict_free(&seen);
	fake_free(&f);
	free(scodes);
	free(sp);
}
