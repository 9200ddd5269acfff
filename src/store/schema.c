/*
 * schema.c: the files of a store snapshot (schema.h).
 */
#include "store/schema.h"
#include "store/store.h"

#include <stdint.h>

/* Sex: 0 not known, 1 male, 2 female, 9 indeterminate. Ethnic category: 0
 * blank, '9' for 99, or an NHS category letter. Setting: enum hg_setting. */
#define SEXES       "\x01\x02\x09"
#define ETH_CATS    "9ABCDEFGHJKLMNPRSZ"
#define U8MAX(m, w) HG_CHECK_U8_MAX, m, NULL, 0, w
#define U8SET(s, w) HG_CHECK_U8_SET, 0, s, 0, w
#define ID(k, t, w) k, 0, NULL, t, w
#define CHECK(k, w) k, 0, NULL, 0, w

const hg_colspec hg_store_cols[HG_COL_N] = {
    [HG_COL_DOB] = {"person.dob.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS,
                    CHECK(HG_CHECK_DATE, "a date of birth")},
    [HG_COL_DOB_MONTH_ONLY] = {"person.dob_month_only.u8", "u8", 1, HG_ROWS_PERSONS,
                               U8MAX(1, "a month-only mark (0 or 1)")},
    [HG_COL_SEX] = {"person.sex.u8", "u8", 1, HG_ROWS_PERSONS,
                    U8SET(SEXES, "a sex code (0, 1, 2 or 9)")},
    [HG_COL_ETH_CAT] = {"person.eth_cat.u8", "u8", 1, HG_ROWS_PERSONS,
                        U8SET(ETH_CATS, "an ethnic category (A-S, Z, 9 or blank)")},
    [HG_COL_ETH_GROUP] = {"person.eth_group.u8", "u8", 1, HG_ROWS_PERSONS,
                          U8MAX(HG_ETH_N - 1, "an ethnic group (0-5)")},
    [HG_COL_LSOA] = {"person.lsoa.u32", "u32", sizeof(uint32_t), HG_ROWS_PERSONS,
                     ID(HG_CHECK_ID_NONE, HG_STR_LSOA, "an LSOA")},
    [HG_COL_IMD_DECILE] = {"person.imd_decile.u8", "u8", 1, HG_ROWS_PERSONS,
                           U8MAX(10, "an IMD decile (0-10)")},
    [HG_COL_IMD_QUINTILE] = {"person.imd_quintile.u8", "u8", 1, HG_ROWS_PERSONS,
                             U8MAX(5, "an IMD quintile (0-5)")},
    [HG_COL_PRACTICE] = {"person.practice.u32", "u32", sizeof(uint32_t), HG_ROWS_PERSONS,
                         ID(HG_CHECK_ID_NONE, HG_STR_PRACTICE, "a practice")},
    [HG_COL_REG_FROM] = {"person.reg_from.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS,
                         CHECK(HG_CHECK_DATE_NONE, "a registration date")},
    [HG_COL_REG_TO] = {"person.reg_to.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS,
                       CHECK(HG_CHECK_DATE_NONE, "a registration end date")},
    [HG_COL_DOD] = {"person.dod.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS,
                    CHECK(HG_CHECK_DATE_NONE, "a date of death")},
    [HG_COL_FLAGS] = {"person.flags.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS,
                      CHECK(HG_CHECK_FLAGS, "a set of the manifest's flags")},
    [HG_COL_EV_OFFSET] = {"event.offset.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS_END,
                          CHECK(HG_CHECK_OFFSETS, "an event offset")},
    [HG_COL_EV_DATE] = {"event.date.i32", "i32", sizeof(int32_t), HG_ROWS_EVENTS,
                        CHECK(HG_CHECK_DATE, "an event date")},
    [HG_COL_EV_CODE] = {"event.code.u32", "u32", sizeof(uint32_t), HG_ROWS_EVENTS,
                        ID(HG_CHECK_ID, HG_STR_CODE, "a code")},
    [HG_COL_EV_VALUE] = {"event.value.f32", "f32", sizeof(float), HG_ROWS_EVENTS,
                         CHECK(HG_CHECK_NONE, "a value")},
    [HG_COL_EV_SETTING] = {"event.setting.u8", "u8", 1, HG_ROWS_EVENTS,
                           U8MAX(HG_SET_N - 1, "a setting (0-7)")},
    [HG_COL_LSOA_DECILE] = {"dict.lsoa_decile.u8", "u8", 1, HG_ROWS_LSOAS,
                            U8MAX(10, "an IMD decile (0-10)")},
};

const char *const hg_store_strs[HG_STR_N] = {
    [HG_STR_PERSON_ID] = "person.id.str",
    [HG_STR_CODE] = "dict.code.str",
    [HG_STR_LSOA] = "dict.lsoa.str",
    [HG_STR_PRACTICE] = "dict.practice.str",
    [HG_STR_PRACTICE_PCN] = "dict.practice_pcn.str",
    [HG_STR_PRACTICE_SUBICB] = "dict.practice_subicb.str",
};
