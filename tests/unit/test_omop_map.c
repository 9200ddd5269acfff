/*
 * test_omop_map.c: the OMOP mapping tables (src/ingest/omop_map.c, docs/omop.md)
 * both ways: what synth --format omop writes for a sex, an NHS ethnic category or a
 * setting reads back as the same value, the standard race concepts give the
 * documented categories, and integers read as OMOP exports write them.
 */
#include "ingest/omop_int.h"
#include "ingest/validate.h"
#include "store/store.h"

#include <criterion/criterion.h>
#include <string.h>

Test(omop_map, sex_round_trip)
{
	static const char *const codes[] = {"1", "2", "9", "0"};
	for (size_t k = 0; k < 4; k++) {
		int s = hg_sex_parse(hg_sv_from(codes[k]));
		const char *back = hg_omop_sex_of(hg_omop_gender_of(s));
		cr_assert_not_null(back, "sex %s", codes[k]);
		cr_assert_str_eq(back, codes[k]);
	}
	cr_assert_eq(hg_omop_gender_of(-2), 0, "blank sex is concept 0");
	cr_assert_null(hg_omop_sex_of(0));
	cr_assert_null(hg_omop_sex_of(12345));
}

Test(omop_map, every_nhs_category_round_trips_by_its_source_concept)
{
	static const char *const cats[] = {"A", "B", "C", "D", "E", "F", "G", "H",
	                                   "J", "K", "L", "M", "N", "P", "R"};
	for (size_t k = 0; k < sizeof cats / sizeof cats[0]; k++) {
		int64_t race, src;
		hg_omop_race_of(hg_sv_from(cats[k]), &race, &src);
		cr_assert_neq(src, 0, "%s has a source concept", cats[k]);
		cr_assert_str_eq(hg_omop_eth_of_source_concept(src), cats[k]);
		cr_assert_not_null(hg_omop_eth_of_race(race), "%s's race %lld reads back", cats[k],
		                   (long long)race);
	}
	int64_t race, src;
	hg_omop_race_of(hg_sv_from("Z"), &race, &src);
	cr_assert(race == 0 && src == 0, "not stated has no race concept");
}

Test(omop_map, standard_races_give_the_documented_categories)
{
	cr_assert_str_eq(hg_omop_eth_of_race(38003574), "H");
	cr_assert_str_eq(hg_omop_eth_of_race(38003589), "J");
	cr_assert_str_eq(hg_omop_eth_of_race(38003575), "K");
	cr_assert_str_eq(hg_omop_eth_of_race(38003579), "R");
	cr_assert_str_eq(hg_omop_eth_of_race(38003600), "N");
	cr_assert_str_eq(hg_omop_eth_of_race(8527), "C");
	cr_assert_str_eq(hg_omop_eth_of_race(8515), "L");
	cr_assert_str_eq(hg_omop_eth_of_race(8516), "P");
	cr_assert_null(hg_omop_eth_of_race(8557), "Native Hawaiian has no NHS category");
	cr_assert_null(hg_omop_eth_of_race(0));
}

Test(omop_map, settings_round_trip_through_visit_concepts)
{
	/* the settings with a visit concept of their own; mh, mat and cancer need the visit's
	 * source value (docs/omop.md) */
	static const int own[] = {HG_SET_GP, HG_SET_RX, HG_SET_AE, HG_SET_APC, HG_SET_OP};
	for (size_t k = 0; k < 5; k++)
		cr_assert_eq(hg_omop_setting_of_visit(hg_omop_visit_of_setting(own[k])), own[k],
		             "setting %s", hg_setting_names[own[k]]);
	cr_assert_eq(hg_omop_setting_of_visit(262), HG_SET_APC);
	cr_assert_eq(hg_omop_setting_of_visit(99999), -1);
	for (int s = 0; s < HG_SET_N; s++)
		cr_assert_neq(hg_omop_visit_of_setting(s), 0,
		              "every setting writes a visit concept");
}

Test(omop_map, integers_as_exports_write_them)
{
	int64_t v;
	cr_assert_eq(hg_omop_int(hg_sv_from("8507"), &v), 0);
	cr_assert_eq(v, 8507);
	cr_assert_eq(hg_omop_int(hg_sv_from(" 8507.0 "), &v), 0);
	cr_assert_eq(v, 8507);
	cr_assert_neq(hg_omop_int(hg_sv_from("8507.5"), &v), 0);
	cr_assert_neq(hg_omop_int(hg_sv_from(""), &v), 0);
	cr_assert_neq(hg_omop_int(hg_sv_from("male"), &v), 0);
}
