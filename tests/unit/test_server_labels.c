/*
 * test_server_labels.c: the human labels of src/report/labels.c that the
 * dashboard, the board report and the downloads share: breakdowns and
 * categories, units from the indicator's fields, gaps and the SII in words
 * with one sign convention, SPC and assurance words, notes, and the status
 * marking read from a store manifest.
 */
#include "analysis/analysis.h"
#include "report/labels.h"
#include "stats/spc.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

static const char *bd(const char *name, const char *imd)
{
	static char buf[200];
	hg_label_breakdown(name, imd, buf, sizeof buf);
	return buf;
}

static const char *cat(const char *b, const char *c)
{
	static char buf[200];
	hg_label_category(b, c, buf, sizeof buf);
	return buf;
}

Test(labels, breakdowns_and_categories)
{
	cr_expect_str_eq(bd("imd_quintile", "IMD2019"), "Deprivation quintile (IMD 2019)");
	cr_expect_str_eq(bd("imd_decile", "none"), "Deprivation decile");
	cr_expect_str_eq(bd("age_band", NULL), "Age band (years)");
	cr_expect_str_eq(bd("imd_quintile x ethnicity", "IMD2025"),
	                 "Deprivation quintile (IMD 2025) by ethnic group");
	cr_expect_str_eq(bd("flag_learning_disability", NULL), "Learning disability (PLUS group)");
	cr_expect_str_eq(cat("imd_quintile", "1"), "1 (most deprived)");
	cr_expect_str_eq(cat("imd_quintile", "5"), "5 (least deprived)");
	cr_expect_str_eq(cat("imd_quintile", "3"), "3");
	cr_expect_str_eq(cat("imd_decile", "10"), "10 (least deprived)");
	cr_expect_str_eq(cat("imd_decile", "1"), "1 (most deprived)");
	cr_expect_str_eq(cat("imd_decile", "5"), "5");
	cr_expect_str_eq(cat("all", "All"), "Whole area");
	cr_expect_str_eq(cat("imd_quintile x ethnicity", "5 / Not stated"),
	                 "5 (least deprived) / Not stated");
	cr_expect_str_eq(cat("ethnicity", "Not stated"), "Not stated");
	cr_expect_str_eq(cat("practice", "imd_quintile 5"),
	                 "deprivation quintile 5 (least deprived)");
	cr_expect_str_eq(cat("All", "All"), "Whole area");
}

static hg_indicator ind_of(int type, double per, int pop)
{
	hg_indicator i;
	memset(&i, 0, sizeof i);
	i.type = type, i.per = per, i.pop = pop;
	return i;
}

static const char *unit(hg_indicator i)
{
	static char buf[100];
	hg_label_unit(&i, buf, sizeof buf);
	return buf;
}

Test(labels, units_from_indicator_fields)
{
	cr_expect_str_eq(unit(ind_of(HG_IND_PROPORTION, 100, 0)), "% of people");
	/* `over pathways`: a share of pathways, a count of them */
	hg_indicator pw = ind_of(HG_IND_PROPORTION, 100, 0), pc = ind_of(HG_IND_COUNT, 1, 0);
	pw.unit = pc.unit = HG_UNIT_PATHWAY;
	cr_expect_str_eq(unit(pw), "% of pathways");
	cr_expect_str_eq(unit(pc), "pathways");
	cr_expect_str_eq(hg_label_counted(&pw, 1), "Pathways");
	cr_expect_str_eq(hg_label_counted(&pc, 0), "pathways");
	cr_expect_str_eq(unit(ind_of(HG_IND_RATE, 1000, HG_POP_MID)), "per 1,000 people per year");
	cr_expect_str_eq(unit(ind_of(HG_IND_RATE, 1000, HG_POP_PERSON_TIME)),
	                 "per 1,000 person-years");
	cr_expect_str_eq(unit(ind_of(HG_IND_DSR, 100000, 0)),
	                 "per 100,000 per year, age-standardised");
	cr_expect_str_eq(unit(ind_of(HG_IND_LE, 1, 0)), "years");
	char b[100];
	hg_indicator i = ind_of(HG_IND_DSR, 100000, 0);
	hg_label_axis(&i, b, sizeof b);
	cr_expect_str_eq(b, "Per 100,000 per year, age-standardised");
	hg_indicator s;
	hg_label_ind_stub(&s, "rate", 1000, "person_time");
	cr_expect_eq(s.type, HG_IND_RATE);
	cr_expect_eq(s.pop, HG_POP_PERSON_TIME);
	cr_expect_str_eq(hg_label_population_code(&s), "person_time");
}

Test(labels, gaps_in_words_one_sign_convention)
{
	char b[200];
	hg_indicator p = ind_of(HG_IND_PROPORTION, 100, 0), le = ind_of(HG_IND_LE, 1, 0);
	hg_label_gap(&p, -11.84, 0, b, sizeof b);
	cr_expect_str_eq(b, "most deprived fifth 11.8 percentage points lower than the least "
	                    "deprived fifth");
	hg_label_gap(&le, -2.3, 1, b, sizeof b);
	cr_expect_str_eq(b, "most deprived tenth 2.3 years shorter than the least deprived tenth");
	hg_label_gap(&p, NAN, 0, b, sizeof b);
	cr_expect_str_eq(b, "gap not available");
	/* phe_sii: positive when the value rises with affluence, so the most deprived end is lower
	 */
	hg_label_sii(&p, 14.2, b, sizeof b);
	cr_expect_str_eq(b, "most deprived end of the gradient 14.2 percentage points lower than "
	                    "the least deprived end");
	cr_expect(hg_label_sii_shown(14.2) == -14.2);
	hg_indicator r = ind_of(HG_IND_RATE, 1000, HG_POP_MID);
	hg_label_diff(&r, 39.4, 0, b, sizeof b);
	cr_expect_str_eq(b, "39.4 per 1,000 people per year higher");
	hg_label_diff(&r, 39.4, 1, b, sizeof b);
	cr_expect_str_eq(b, "39.4 higher");
	hg_label_diff(&p, -8.94, 1, b, sizeof b);
	cr_expect_str_eq(b, "8.9 points lower");
	hg_label_diff(&le, 1.04, 1, b, sizeof b);
	cr_expect_str_eq(b, "1.0 years longer");
	hg_label_diff_ci(&p, -14.5, -9.1, b, sizeof b);
	cr_expect_str_eq(b, "95% CI 9.1 to 14.5 points lower");
	hg_label_diff_ci(&p, -2, 3.1, b, sizeof b);
	cr_expect_str_eq(b, "95% CI 2.0 points lower to 3.1 points higher");
	/* a count's difference is whole people (or pathways): more or fewer */
	hg_indicator c = ind_of(HG_IND_COUNT, 1, 0);
	hg_label_diff(&c, 25, 1, b, sizeof b);
	cr_expect_str_eq(b, "25 more");
	hg_label_diff(&c, -1250, 0, b, sizeof b);
	cr_expect_str_eq(b, "1,250 fewer people");
	hg_label_gap(&c, 25, 0, b, sizeof b);
	cr_expect_str_eq(b, "most deprived fifth 25 more people than the least deprived fifth");
	hg_label_diff_ci(&c, 12.4, 37.6, b, sizeof b);
	cr_expect_str_eq(b, "95% CI 12 to 38 more");
	cr_expect_eq(hg_label_judge(1, HG_POL_HIGHER_BETTER), 1);
	cr_expect_eq(hg_label_judge(1, HG_POL_LOWER_BETTER), -1);
	cr_expect_eq(hg_label_judge(-1, HG_POL_NEUTRAL), 0);
	cr_expect_str_eq(hg_label_polarity(HG_POL_LOWER_BETTER), "Lower is better");
}

Test(labels, spc_words_not_codes)
{
	cr_expect_str_eq(hg_label_variation(HG_SPC_VAR_COMMON), "Common cause variation");
	cr_expect_str_eq(hg_label_variation(HG_SPC_VAR_IMPROVEMENT_HIGH),
	                 "Special cause: improvement (higher)");
	cr_expect_str_eq(hg_label_assurance(HG_SPC_ASSURE_FAIL), "Consistently fails the target");
	cr_expect_str_eq(hg_label_point_type(HG_SPC_PT_CONCERN), "special cause: concern");
	cr_expect_str_eq(hg_label_comparison("not_compared"), "Not compared");
	for (int v = 0; v <= HG_SPC_VAR_NEUTRAL_LOW; v++)
		cr_expect(strchr(hg_label_variation(v), '_') == NULL);
	for (int a = 0; a <= HG_SPC_ASSURE_INCONSISTENT; a++)
		cr_expect(strchr(hg_label_assurance(a), '_') == NULL);
}

Test(labels, notes_and_not_applicable)
{
	char b[300];
	hg_label_note("threshold of 3 or more is a local choice [M]", b, sizeof b);
	cr_expect(strstr(b, "[M]") == NULL, "%s", b);
	cr_expect(strstr(b, "local choice (an assumption not yet checked") != NULL, "%s", b);
	cr_expect(hg_label_not_applicable(0, 0, 0, "not applicable: nobody in the denominator"));
	cr_expect(hg_label_not_applicable(0, 0, 0, NULL));
	cr_expect(!hg_label_not_applicable(1, NAN, NAN, NULL), "suppressed is not n/a");
	cr_expect(!hg_label_not_applicable(0, 0, 40, NULL));
}

Test(labels, status_marking_from_manifest)
{
	json_t *m = json_pack("{s:{s:b, s:s}, s:s}", "imd", "synthetic", 1, "version", "IMD2019",
	                      "area_name", "NHS Example ICB");
	hg_data_status s;
	hg_data_status_from_manifest(m, NULL, &s);
	cr_expect(s.synthetic);
	cr_expect_str_eq(s.area, "NHS Example ICB");
	cr_expect_str_eq(hg_data_status_marking(&s), "SYNTHETIC DATA");
	char line[300];
	hg_data_status_line(&s, line, sizeof line);
	cr_expect(strncmp(line, "SYNTHETIC DATA - NHS Example ICB", 32) == 0, "%s", line);
	json_object_set_new(json_object_get(m, "imd"), "synthetic", json_false());
	hg_data_status_from_manifest(m, "NHS Other ICB", &s);
	cr_expect_str_eq(hg_data_status_marking(&s), "OFFICIAL-SENSITIVE");
	hg_data_status_line(&s, line, sizeof line);
	cr_expect_str_eq(line, "OFFICIAL-SENSITIVE - NHS Other ICB");
	json_t *j = hg_data_status_json(&s);
	cr_expect_str_eq(json_string_value(json_object_get(j, "marking")), "OFFICIAL-SENSITIVE");
	hg_data_status t;
	hg_data_status_from_json(j, &t);
	cr_expect_str_eq(t.area, "NHS Other ICB");
	cr_expect(!t.synthetic);
	hg_data_status_from_json(NULL, &t); /* an older run: no status recorded */
	cr_expect_str_eq(hg_data_status_marking(&t), "OFFICIAL-SENSITIVE");
	json_decref(j);
	json_decref(m);
	hg_err err = {0};
	cr_expect_eq(hg_area_name_check("NHS Example ICB", &err), 0);
	cr_expect_neq(hg_area_name_check("", &err), 0);
	cr_expect_neq(hg_area_name_check("bad\nname", &err), 0);
	cr_expect(strstr(err.msg, "--area-name") != NULL);
}
