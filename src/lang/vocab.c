/*
 * vocab.c: the fixed vocabularies that string literals are compared with in
 * a pack: sex ("male", "F", "9", ...), ONS ethnic groups ("Asian", ...) and
 * event settings ("apc", ...). The checker validates every literal against
 * them (with a "did you mean" for a misspelling) and the compiler turns a
 * literal into the number the store holds.
 */
#include "lang/ast.h"

#include "core/str.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int code;
} hg_sex_names[] = {
    {"male", HG_SEX_MALE},           {"m", HG_SEX_MALE},    {"1", HG_SEX_MALE},
    {"female", HG_SEX_FEMALE},       {"f", HG_SEX_FEMALE},  {"2", HG_SEX_FEMALE},
    {"unknown", HG_SEX_UNKNOWN},     {"0", HG_SEX_UNKNOWN}, {"not known", HG_SEX_UNKNOWN},
    {"u", HG_SEX_UNKNOWN}, /* as persons.csv writes it (ingest's hg_sex_parse) */
    {"indeterminate", HG_SEX_INDET}, {"9", HG_SEX_INDET},   {"i", HG_SEX_INDET}};

int hg_lang_sex_value(const char *s)
{
	for (size_t i = 0; i < sizeof hg_sex_names / sizeof hg_sex_names[0]; i++)
		if (!strcasecmp(s, hg_sex_names[i].name))
			return hg_sex_names[i].code;
	return -1;
}

int hg_lang_eth_value(const char *s)
{
	for (int i = 0; i < HG_ETH_N; i++)
		if (!strcasecmp(s, hg_ethgroup_names[i]))
			return i;
	return -1;
}

const char *hg_lang_vocab_suggest(int type, const char *s)
{
	hg_suggest sg;
	hg_suggest_init(&sg, s);
	if (type == TY_SEX)
		for (size_t i = 0; i < sizeof hg_sex_names / sizeof hg_sex_names[0]; i++)
			if (strlen(hg_sex_names[i].name) > 1) /* not "m" for "x" */
				hg_suggest_add(&sg, hg_sex_names[i].name);
	if (type == TY_ETH)
		for (int i = 0; i < HG_ETH_N; i++)
			hg_suggest_add(&sg, hg_ethgroup_names[i]);
	if (type == TY_SETTING)
		for (int i = 0; i < HG_SET_N; i++)
			hg_suggest_add(&sg, hg_setting_names[i]);
	return sg.best;
}

int hg_lang_literal_check(int type, const char *s, char *msg, size_t cap)
{
	const char *what, *expect;
	if (type == TY_SEX) {
		if (hg_lang_sex_value(s) >= 0)
			return 0;
		what = "sex";
		expect = "\"male\", \"female\", \"indeterminate\" or \"unknown\"";
	} else if (type == TY_ETH) {
		if (hg_lang_eth_value(s) >= 0)
			return 0;
		what = "ethnic group";
		expect = "White, Mixed, Asian, Black, Other or Not stated";
	} else if (type == TY_SETTING) {
		if (hg_setting_parse(s, strlen(s)) >= 0)
			return 0;
		what = "setting";
		expect = "gp, rx, ae, apc, op, mh, mat or cancer";
	} else {
		return 0; /* practices depend on the store: see hg_pack_check_store */
	}
	const char *best = hg_lang_vocab_suggest(type, s);
	char mean[96] = "";
	if (best)
		snprintf(mean, sizeof mean, "did you mean \"%s\"? ", best);
	snprintf(msg, cap, "unknown %s \"%s\" (%sexpected %s)", what, s, mean, expect);
	return -1;
}
