/*
 * test_lang_front.c: the definition language's front end: lexer and parser
 * errors (file:line:column, the source line, the caret, what was expected),
 * checker errors, period generation (monthly, quarterly, annual, rolling,
 * range, --period-end), loading a pack from its directory, "did you mean"
 * for misspelt names, the reserved codelist `any`, `system` on a codelist,
 * and codelists from --codelists DIR and --codelist NAME=FILE.
 */
#include "core/fs.h"
#include "lang/ast.h"
#include "lang/codelists.h"
#include "lang/lang.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Load text as "t.hg"; returns the error message ("" when it loads). */
static const char *load_err(const char *text, hg_err *err)
{
	hg_pack *pk = NULL;
	memset(err, 0, sizeof *err);
	int rc = hg_pack_load_str(&pk, "t.hg", text, ".", err);
	hg_pack_free(pk);
	return rc ? err->msg : "";
}

static void expect_error(const char *text, const char *where, const char *what,
                         const char *caret_line)
{
	hg_err err;
	const char *m = load_err(text, &err);
	cr_assert(strncmp(m, where, strlen(where)) == 0, "for [%s] got: %s", text, m);
	cr_assert_not_null(strstr(m, what), "for [%s] got: %s", text, m);
	if (caret_line)
		cr_assert_not_null(strstr(m, caret_line), "caret for [%s]: %s", text, m);
}

Test(lang_lexer, bad_characters_strings_dates)
{
	expect_error("let a = 3 $ 4\n", "t.hg:1:11: error: ", "unexpected character '$'",
	             "\nlet a = 3 $ 4\n          ^");
	expect_error("let a = \"abc\n", "t.hg:1:9: error: ", "unterminated string", "\n        ^");
	expect_error("let a = 2024-13-01\n", "t.hg:1:9: error: ", "invalid date '2024-13-01'",
	             NULL);
	expect_error("\n\n   let b = 2023-02-29\n", "t.hg:3:12: error: ", "invalid date", NULL);
}

Test(lang_parser, expected_tokens_and_positions)
{
	expect_error("let a = 1 +* 2\n", "t.hg:1:12: error: ", "expected an expression, found '*'",
	             "\nlet a = 1 +* 2\n           ^");
	expect_error("indicator X \"x\"\n  proportion\n  denominator: alive and\n"
	             "  numerator: alive\n",
	             "t.hg:4:3: error: ", "expected an expression, found 'numerator'",
	             "\n  numerator: alive\n  ^");
	hg_err err;
	cr_assert_str_neq(load_err("let = 3\n", &err), "");
	cr_assert_str_neq(load_err("let a = (1 + 2\n", &err), "");
	cr_assert_str_neq(load_err("indicator \"no id\"\n", &err), "");
}

Test(lang_checker, names_types_and_duplicates)
{
	expect_error("indicator X \"x\"\n  proportion\n  denominator: foo\n  numerator: alive\n",
	             "t.hg:3:16: error: ", "unknown name 'foo'", "\n               ^");
	expect_error("let a = age and alive\n",
	             "t.hg:1:9: error: ", "expected a condition here, found a number", NULL);
	expect_error("let a = exists(nolist)\n", "t.hg:1:16: error: ", "unknown codelist 'nolist'",
	             NULL);
	expect_error("let a = alive\nlet a = alive\n",
	             "t.hg:2:5: error: ", "'a' is already defined on line 1", NULL);
	expect_error("let a = age = missing\n", "t.hg:1:", "use 'is missing'", NULL);
	expect_error("codelist c = \"no/such/file.csv\"\n", "t.hg:1:", "no/such/file.csv", NULL);
}

Test(lang_checker, valid_pack_loads)
{
	hg_err err;
	cr_assert_str_eq(load_err("codelist c = codes(\"1\", \"2\") + codes(\"3\")\n"
	                          "let on = exists(c in last 12 months) or missing\n"
	                          "indicator X \"x\"\n  proportion\n  denominator: registered\n"
	                          "  numerator: on\n  by imd_quintile x ethnicity, sex\n"
	                          "  periods monthly from 2024-01-01 to 2024-12-31\n",
	                          &err),
	                 "");
}

static const hg_indicator *load_periods(hg_pack **pk, const char *spec)
{
	char text[512];
	snprintf(text, sizeof text,
	         "indicator X \"x\"\n  count\n  numerator: alive\n  periods %s\n", spec);
	hg_err err = {0};
	cr_assert_eq(hg_pack_load_str(pk, "t.hg", text, ".", &err), 0, "%s", err.msg);
	return hg_pack_indicator(*pk, 0);
}

static void expect_period(const hg_indicator *ind, int i, const char *start, const char *end)
{
	char a[11], b[11];
	cr_assert_lt(i, ind->nperiods);
	cr_assert_str_eq(hg_date_format(ind->periods[i].start, a), start);
	cr_assert_str_eq(hg_date_format(ind->periods[i].end, b), end);
}

Test(lang_periods, monthly_quarterly_annual)
{
	hg_pack *pk;
	const hg_indicator *ind = load_periods(&pk, "monthly from 2024-01-01 to 2024-12-31");
	cr_assert_eq(ind->nperiods, 12);
	expect_period(ind, 1, "2024-02-01", "2024-02-29");
	expect_period(ind, 11, "2024-12-01", "2024-12-31");
	hg_pack_free(pk);
	ind = load_periods(&pk, "quarterly from 2021-04-01 to 2026-03-31");
	cr_assert_eq(ind->nperiods, 20);
	expect_period(ind, 0, "2021-04-01", "2021-06-30");
	expect_period(ind, 19, "2026-01-01", "2026-03-31");
	hg_pack_free(pk);
	/* only whole periods that end by the end date */
	ind = load_periods(&pk, "annual from 2020-04-01 to 2023-03-30");
	cr_assert_eq(ind->nperiods, 2);
	expect_period(ind, 1, "2021-04-01", "2022-03-31");
	hg_pack_free(pk);
}

Test(lang_periods, rolling_range_and_period_end)
{
	hg_pack *pk;
	const hg_indicator *ind =
	    load_periods(&pk, "rolling 12 months quarterly from 2021-04-01 to 2026-03-31");
	cr_assert_eq(ind->nperiods, 17);
	expect_period(ind, 0, "2021-04-01", "2022-03-31");
	expect_period(ind, 1, "2021-07-01", "2022-06-30");
	expect_period(ind, 16, "2025-04-01", "2026-03-31");
	hg_pack_free(pk);
	ind = load_periods(&pk, "range from 2023-01-15 to 2023-02-14");
	cr_assert_eq(ind->nperiods, 1);
	expect_period(ind, 0, "2023-01-15", "2023-02-14");
	hg_pack_set_period_end(pk, hg_date_from_ymd(2024, 2, 29));
	cr_assert_eq(ind->nperiods, 1);
	expect_period(ind, 0, "2023-03-01", "2024-02-29");
	/* the 12 months ending 28 Feb 2024 are 365 days, as `in last 12 months` (issue 9) */
	hg_pack_set_period_end(pk, hg_date_from_ymd(2024, 2, 28));
	expect_period(ind, 0, "2023-03-01", "2024-02-28");
	hg_pack_free(pk);
	/* --period-end keeps each indicator's own length: a quarter, 3 rolling years */
	ind = load_periods(&pk, "quarterly from 2021-04-01 to 2026-03-31");
	hg_pack_set_period_end(pk, hg_date_from_ymd(2024, 2, 29));
	expect_period(ind, 0, "2023-11-30", "2024-02-29");
	hg_pack_free(pk);
	ind = load_periods(&pk, "rolling 36 months annual from 2019-04-01 to 2026-03-31");
	cr_assert_eq(ind->nperiods, 5);
	hg_pack_set_period_end(pk, hg_date_from_ymd(2025, 3, 31));
	expect_period(ind, 0, "2022-04-01", "2025-03-31");
	hg_pack_free(pk);
}

Test(lang_periods, months_ending_and_years)
{
	hg_date (*d)(int, int, int) = hg_date_from_ymd;
	cr_expect_eq(hg_months_ending_start(d(2024, 2, 28), 12), d(2023, 3, 1));
	cr_expect_eq(hg_months_ending_start(d(2024, 2, 29), 12), d(2023, 3, 1));
	cr_expect_eq(hg_months_ending_start(d(2023, 2, 28), 12), d(2022, 3, 1));
	cr_expect_eq(hg_months_ending_start(d(2024, 3, 31), 12), d(2023, 4, 1));
	cr_expect_eq(hg_months_ending_start(d(2024, 5, 31), 3), d(2024, 3, 1));
	cr_expect_eq(hg_months_ending_start(d(2024, 4, 30), 2), d(2024, 3, 1));
	/* whole months: months / 12; otherwise days / 365.25 */
	cr_expect_eq(hg_period_years((hg_period){d(2023, 1, 1), d(2023, 3, 31)}), 0.25);
	cr_expect_eq(hg_period_years((hg_period){d(2023, 4, 1), d(2024, 3, 31)}), 1.0);
	cr_expect_eq(hg_period_years((hg_period){d(2023, 4, 1), d(2026, 3, 31)}), 3.0);
	cr_expect_eq(hg_period_years((hg_period){d(2024, 2, 1), d(2024, 2, 29)}), 1 / 12.0);
	cr_expect_eq(hg_period_years((hg_period){d(2023, 3, 1), d(2024, 2, 28)}), 1.0);
	cr_expect_eq(hg_period_years((hg_period){d(2023, 3, 1), d(2024, 2, 29)}), 1.0);
	cr_expect_eq(hg_period_years((hg_period){d(2023, 1, 15), d(2023, 2, 14)}), 1 / 12.0);
	cr_expect_float_eq(hg_period_years((hg_period){d(2023, 1, 15), d(2023, 2, 20)}),
	                   37 / 365.25, 1e-12);
}

static char tmp[256];

static void mkpackdir(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/hg_test_packdir_XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void rmpackdir(void)
{
	hg_rm_rf(tmp);
}

static void put(const char *name, const char *text)
{
	char path[512];
	hg_err err;
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	cr_assert_eq(hg_write_file(path, text, strlen(text), &err), 0);
}

Test(lang_packdir, directory_means_its_one_hg_file, .init = mkpackdir, .fini = rmpackdir)
{
	hg_pack *pk = NULL;
	hg_err err = {0};
	cr_assert_neq(hg_pack_load(&pk, tmp, &err), 0);
	cr_assert_not_null(strstr(err.msg, "no pack file"), "%s", err.msg);
	put("c.csv", "code,term\n123,thing\n");
	put("p.hg", "codelist c = \"c.csv\"\nindicator X \"x\"\n  count\n"
	            "  numerator: count(c)\n  periods range from 2024-01-01 to 2024-12-31\n");
	memset(&err, 0, sizeof err);
	cr_assert_eq(hg_pack_load(&pk, tmp, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_pack_n_indicators(pk), 1);
	hg_pack_free(pk);
	char slash[300];
	snprintf(slash, sizeof slash, "%s/", tmp);
	cr_assert_eq(hg_pack_load(&pk, slash, &err), 0, "%s", err.msg);
	hg_pack_free(pk);
	put("q.hg", "let a = alive\n");
	memset(&err, 0, sizeof err);
	cr_assert_neq(hg_pack_load(&pk, tmp, &err), 0);
	cr_assert_not_null(strstr(err.msg, "2 pack files"), "%s", err.msg);
	cr_assert_null(strchr(err.msg, '\n'), "one line: %s", err.msg);
}

Test(lang_checker, did_you_mean)
{
	static const char ind[] = "indicator X \"x\"\n  proportion\n  denominator: registered\n";
	char text[512];
	snprintf(text, sizeof text,
	         "codelist hyp = codes(\"1\")\nlet a = exists(hpy)\n%s"
	         "  numerator: a\n",
	         ind);
	expect_error(text, "t.hg:2:16: error: ", "unknown codelist 'hpy' (did you mean 'hyp'?)",
	             NULL);
	snprintf(text, sizeof text, "let adult = age >= 18\n%s  numerator: adlut\n", ind);
	expect_error(text, "t.hg:5:14: error: ", "unknown name 'adlut' (did you mean 'adult'?)",
	             NULL);
	snprintf(text, sizeof text, "%s  numerator: alive\n  by imd_quintle\n", ind);
	expect_error(text, "t.hg:5:6: error: ", "did you mean 'imd_quintile'?", NULL);
	snprintf(text, sizeof text, "%s  numerator: sex = \"femal\"\n", ind);
	expect_error(text, "t.hg:4:20: error: ", "unknown sex \"femal\" (did you mean \"female\"?",
	             NULL);
	snprintf(text, sizeof text, "%s  numerator: exists(codes(\"1\") in setting apcc)\n", ind);
	expect_error(text, "t.hg:4:43: error: ", "did you mean 'apc'?", NULL);
	snprintf(text, sizeof text, "%s  numerator: exists(codes(\"1\") where setting = \"ea\")\n",
	         ind);
	expect_error(text, "t.hg:4:48: error: ", "unknown setting \"ea\" (did you mean \"ae\"?",
	             NULL);
	snprintf(text, sizeof text, "%s  numerator: zzzzzz\n", ind);
	hg_err err;
	cr_assert_null(strstr(load_err(text, &err), "did you mean"), "nothing close: %s", err.msg);
}

Test(lang_checker, any_is_reserved_and_means_every_code)
{
	expect_error("let any = alive\n", "t.hg:1:5: error: ", "'any' is reserved", NULL);
	expect_error("codelist any = codes(\"1\")\n", "t.hg:1:10: error: ", "'any' is reserved",
	             NULL);
	expect_error("let a = any and alive\n",
	             "t.hg:1:9: error: ", "'any' is the codelist of every code", NULL);
	expect_error("let a = exists(later)\ncodelist later = codes(\"1\")\n",
	             "t.hg:1:16: error: ", "codelist 'later' is used before it is defined", NULL);
	expect_error("codelist c = codes(\"1\") system icd9\n", "t.hg:1:32: error: ",
	             "expected a coding system: icd10, opcs4, snomedct, dmd, ctv3 or read", NULL);
	hg_err err;
	cr_assert_str_eq(load_err("codelist c = codes(\"I21\") system icd10\n"
	                          "let n = count(any - c in period in setting apc)\n"
	                          "indicator X \"x\"\n  count\n  numerator: n\n"
	                          "  periods range from 2024-01-01 to 2024-12-31\n",
	                          &err),
	                 "");
}

static const char SUB_PACK[] = "codelist hyp = \"codelists/hyp_cod.csv\"\n"
                               "codelist ast = \"codelists/ast_cod.csv\"\n"
                               "indicator X \"x\"\n  count\n  numerator: count(hyp + ast)\n"
                               "  periods range from 2024-01-01 to 2024-12-31\n";

static hg_pack *load_sub(const hg_pack_opts *o, hg_err *err)
{
	hg_pack *pk = NULL;
	memset(err, 0, sizeof *err);
	char path[512];
	snprintf(path, sizeof path, "%s/p.hg", tmp);
	hg_pack_load_opts(&pk, path, o, err);
	return pk;
}

Test(lang_packdir, codelists_from_elsewhere, .init = mkpackdir, .fini = rmpackdir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "mkdir -p %s/codelists %s/official %s/empty %s/two", tmp, tmp,
	         tmp, tmp);
	cr_assert_eq(system(cmd), 0);
	put("p.hg", SUB_PACK);
	put("codelists/hyp_cod.csv", "code,term\n1,a\n");
	put("codelists/ast_cod.csv", "code,term\n2,b\n");
	put("official/nhsd-primary-care-domain-refsets-hyp_cod.csv", "code,term\n1,a\n3,c\n");
	put("mine.csv", "code,term\n9,z\n");
	hg_err err;
	hg_pack *own = load_sub(NULL, &err);
	cr_assert_not_null(own, "%s", err.msg);

	char off[300];
	snprintf(off, sizeof off, "%s/official", tmp);
	hg_pack_opts o = {.codelist_dir = off};
	hg_pack *pk = load_sub(&o, &err);
	cr_assert_not_null(pk, "%s", err.msg);
	cr_assert_eq(pk->sets[0].replaced, 1, "hyp read from the download ending -hyp_cod.csv");
	cr_assert_not_null(strstr(pk->sets[0].file, "official/nhsd-"), "%s", pk->sets[0].file);
	cr_assert_eq(pk->sets[0].codes.n, 2);
	cr_assert_eq(pk->sets[1].replaced, 0, "ast: not in DIR, the pack's own file");
	cr_assert_str_neq(hg_pack_hash(pk), hg_pack_hash(own), "the pack hash covers the codes");
	hg_pack_free(pk);

	char mine[300];
	snprintf(mine, sizeof mine, "%s/mine.csv", tmp);
	hg_codelist_sub sub = {"ast", mine};
	hg_pack_opts o2 = {.subs = &sub, .nsubs = 1};
	pk = load_sub(&o2, &err);
	cr_assert_not_null(pk, "%s", err.msg);
	cr_assert_eq(pk->sets[1].replaced, 2);
	cr_assert_not_null(hg_dict_key(&pk->sets[1].codes, 0));
	cr_assert_str_eq(hg_dict_key(&pk->sets[1].codes, 0), "9");
	cr_assert_str_neq(hg_pack_hash(pk), hg_pack_hash(own));
	hg_pack_free(pk);

	hg_codelist_sub bad = {"hpy", mine};
	hg_pack_opts o3 = {.subs = &bad, .nsubs = 1};
	cr_assert_null(load_sub(&o3, &err));
	cr_assert_not_null(strstr(err.msg, "the pack has no codelist 'hpy' (did you mean 'hyp'?)"),
	                   "%s", err.msg);

	snprintf(off, sizeof off, "%s/empty", tmp);
	hg_pack_opts o4 = {.codelist_dir = off};
	cr_assert_null(load_sub(&o4, &err));
	cr_assert_not_null(strstr(err.msg, "none of the pack's codelist files"), "%s", err.msg);

	put("two/a-hyp_cod.csv", "code\n1\n");
	put("two/b-hyp_cod.csv", "code\n1\n");
	snprintf(off, sizeof off, "%s/two", tmp);
	hg_pack_opts o5 = {.codelist_dir = off};
	cr_assert_null(load_sub(&o5, &err));
	cr_assert_not_null(strstr(err.msg, "2 files end with -hyp_cod.csv"), "%s", err.msg);
	hg_pack_free(own);
}
