/*
 * schema.c: the files of a store snapshot (schema.h).
 */
#include "store/schema.h"
#include "store/store.h"

#include <stdint.h>

/* Sex: 0 not known, 1 male, 2 female, 9 indeterminate. Ethnic category: 0
 * blank, '9' for 99, or an NHS category letter. Setting: enum hg_setting. */
#define SEXES       "\x01\x02\x09"
#define ETH_CATS    "9ABCDEFGHJKLMNPRSTWXZ"
#define U8MAX(m, w) HG_CHECK_U8_MAX, m, NULL, 0, w
#define U8SET(s, w) HG_CHECK_U8_SET, 0, s, 0, w
#define ID(k, t, w) k, 0, NULL, t, w
#define CHECK(k, w) k, 0, NULL, 0, w
/* the same for a column of the unit tables (HG_TABLE_UNITS) */
#define UNIT  , HG_TABLE_UNITS
#define CORE  , HG_TABLE_CORE
#define PLACE , HG_TABLE_PLACES
#define HIST  , HG_TABLE_HISTORY
/* RTT clock-stop status codes 30-36 (removal reasons); appointment settings gp (0) and
 * op (4, enum hg_setting); outcomes 1-4 (store.h, enum hg_outcome) */
#define REMOVALS     "\x1e\x1f\x20\x21\x22\x23\x24"
#define APPT_SETTING "\x04"

const hg_colspec hg_store_cols[HG_COL_N] = {
    [HG_COL_DOB] = {"person.dob.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS,
                    CHECK(HG_CHECK_DATE, "a date of birth") CORE},
    [HG_COL_DOB_MONTH_ONLY] = {"person.dob_month_only.u8", "u8", 1, HG_ROWS_PERSONS,
                               U8MAX(1, "a month-only mark (0 or 1)") CORE},
    [HG_COL_SEX] = {"person.sex.u8", "u8", 1, HG_ROWS_PERSONS,
                    U8SET(SEXES, "a sex code (0, 1, 2 or 9)") CORE},
    [HG_COL_ETH_CAT] = {"person.eth_cat.u8", "u8", 1, HG_ROWS_PERSONS,
                        U8SET(ETH_CATS, "an ethnic category (A-T, W, X, Z, 9 or blank)") CORE},
    [HG_COL_ETH_GROUP] = {"person.eth_group.u8", "u8", 1, HG_ROWS_PERSONS,
                          U8MAX(HG_ETH_N - 1, "an ethnic group (0-5)") CORE},
    [HG_COL_LSOA] = {"person.lsoa.u32", "u32", sizeof(uint32_t), HG_ROWS_PERSONS,
                     ID(HG_CHECK_ID_NONE, HG_STR_LSOA, "an LSOA") CORE},
    [HG_COL_IMD_DECILE] = {"person.imd_decile.u8", "u8", 1, HG_ROWS_PERSONS,
                           U8MAX(10, "an IMD decile (0-10)") CORE},
    [HG_COL_IMD_QUINTILE] = {"person.imd_quintile.u8", "u8", 1, HG_ROWS_PERSONS,
                             U8MAX(5, "an IMD quintile (0-5)") CORE},
    [HG_COL_PRACTICE] = {"person.practice.u32", "u32", sizeof(uint32_t), HG_ROWS_PERSONS,
                         ID(HG_CHECK_ID_NONE, HG_STR_PRACTICE, "a practice") CORE},
    [HG_COL_REG_FROM] = {"person.reg_from.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS,
                         CHECK(HG_CHECK_DATE_NONE, "a registration date") CORE},
    [HG_COL_REG_TO] = {"person.reg_to.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS,
                       CHECK(HG_CHECK_DATE_NONE, "a registration end date") CORE},
    [HG_COL_DOD] = {"person.dod.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS,
                    CHECK(HG_CHECK_DATE_NONE, "a date of death") CORE},
    [HG_COL_FLAGS] = {"person.flags.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS,
                      CHECK(HG_CHECK_FLAGS, "a set of the manifest's flags") CORE},
    [HG_COL_EV_OFFSET] = {"event.offset.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS_END,
                          CHECK(HG_CHECK_OFFSETS, "an event offset") CORE},
    [HG_COL_EV_DATE] = {"event.date.i32", "i32", sizeof(int32_t), HG_ROWS_EVENTS,
                        CHECK(HG_CHECK_DATE, "an event date") CORE},
    [HG_COL_EV_CODE] = {"event.code.u32", "u32", sizeof(uint32_t), HG_ROWS_EVENTS,
                        ID(HG_CHECK_ID, HG_STR_CODE, "a code") CORE},
    [HG_COL_EV_VALUE] = {"event.value.f32", "f32", sizeof(float), HG_ROWS_EVENTS,
                         CHECK(HG_CHECK_NONE, "a value") CORE},
    [HG_COL_EV_SETTING] = {"event.setting.u8", "u8", 1, HG_ROWS_EVENTS,
                           U8MAX(HG_SET_N - 1, "a setting (0-7)") CORE},
    [HG_COL_LSOA_DECILE] = {"dict.lsoa_decile.u8", "u8", 1, HG_ROWS_LSOAS,
                            U8MAX(10, "an IMD decile (0-10)") CORE},
    [HG_COL_PW_OFFSET] = {"pathway.offset.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS_END,
                          CHECK(HG_CHECK_OFFSETS, "a pathway offset") UNIT},
    [HG_COL_PW_START] = {"pathway.clock_start.i32", "i32", sizeof(int32_t), HG_ROWS_PATHWAYS,
                         CHECK(HG_CHECK_DATE, "a clock start date") UNIT},
    [HG_COL_PW_STOP] = {"pathway.clock_stop.i32", "i32", sizeof(int32_t), HG_ROWS_PATHWAYS,
                        CHECK(HG_CHECK_DATE_NONE, "a clock stop date") UNIT},
    [HG_COL_PW_SPECIALTY] = {"pathway.specialty.u32", "u32", sizeof(uint32_t), HG_ROWS_PATHWAYS,
                             ID(HG_CHECK_ID_NONE, HG_STR_SPECIALTY, "a specialty") UNIT},
    [HG_COL_PW_PROVIDER] = {"pathway.provider.u32", "u32", sizeof(uint32_t), HG_ROWS_PATHWAYS,
                            ID(HG_CHECK_ID_NONE, HG_STR_PROVIDER, "a provider") UNIT},
    [HG_COL_PW_PRIORITY] = {"pathway.priority.u8", "u8", 1, HG_ROWS_PATHWAYS,
                            U8MAX(4, "a clinical priority (0 unknown, 1-4)") UNIT},
    [HG_COL_PW_REMOVAL] = {"pathway.removal_reason.u8", "u8", 1, HG_ROWS_PATHWAYS,
                           U8SET(REMOVALS, "a removal reason (0 or 30-36)") UNIT},
    [HG_COL_AP_OFFSET] = {"appointment.offset.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS_END,
                          CHECK(HG_CHECK_OFFSETS, "an appointment offset") UNIT},
    [HG_COL_AP_DATE] = {"appointment.date.i32", "i32", sizeof(int32_t), HG_ROWS_APPTS,
                        CHECK(HG_CHECK_DATE, "an appointment date") UNIT},
    [HG_COL_AP_SETTING] = {"appointment.setting.u8", "u8", 1, HG_ROWS_APPTS,
                           U8SET(APPT_SETTING, "an appointment setting (gp 0 or op 4)") UNIT},
    [HG_COL_AP_SPECIALTY] = {"appointment.specialty.u32", "u32", sizeof(uint32_t), HG_ROWS_APPTS,
                             ID(HG_CHECK_ID_NONE, HG_STR_SPECIALTY, "a specialty") UNIT},
    [HG_COL_AP_PROVIDER] = {"appointment.provider.u32", "u32", sizeof(uint32_t), HG_ROWS_APPTS,
                            ID(HG_CHECK_ID_NONE, HG_STR_PROVIDER, "a provider") UNIT},
    [HG_COL_AP_TYPE] = {"appointment.attendance_type.u8", "u8", 1, HG_ROWS_APPTS,
                        U8MAX(2, "an attendance type (0 unknown, 1 first, 2 follow-up)") UNIT},
    [HG_COL_AP_OUTCOME] = {"appointment.outcome.u8", "u8", 1, HG_ROWS_APPTS,
                           U8MAX(4, "an outcome (0-4)") UNIT},
    [HG_COL_LSOA_LOCAL_Q] = {"dict.lsoa_local_quintile.u8", "u8", 1, HG_ROWS_LSOAS,
                             U8MAX(5, "a local IMD quintile (0-5)") PLACE},
    [HG_COL_RG_OFFSET] = {"registration.offset.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS_END,
                          CHECK(HG_CHECK_OFFSETS, "a registration offset") HIST},
    [HG_COL_RG_FROM] = {"registration.from.i32", "i32", sizeof(int32_t), HG_ROWS_REGS,
                        CHECK(HG_CHECK_DATE, "a registration start") HIST},
    [HG_COL_RG_TO] = {"registration.to.i32", "i32", sizeof(int32_t), HG_ROWS_REGS,
                      CHECK(HG_CHECK_DATE_NONE, "a registration end") HIST},
    [HG_COL_RG_PRACTICE] = {"registration.practice.u32", "u32", sizeof(uint32_t), HG_ROWS_REGS,
                            ID(HG_CHECK_ID, HG_STR_PRACTICE, "a practice") HIST},
    [HG_COL_AD_OFFSET] = {"address.offset.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS_END,
                          CHECK(HG_CHECK_OFFSETS, "an address offset") HIST},
    [HG_COL_AD_FROM] = {"address.from.i32", "i32", sizeof(int32_t), HG_ROWS_ADDRS,
                        CHECK(HG_CHECK_DATE, "an address start") HIST},
    [HG_COL_AD_TO] = {"address.to.i32", "i32", sizeof(int32_t), HG_ROWS_ADDRS,
                      CHECK(HG_CHECK_DATE_NONE, "an address end") HIST},
    [HG_COL_AD_LSOA] = {"address.lsoa.u32", "u32", sizeof(uint32_t), HG_ROWS_ADDRS,
                        ID(HG_CHECK_ID, HG_STR_LSOA, "an LSOA") HIST},
};

const char *const hg_store_strs[HG_STR_N] = {
    [HG_STR_PERSON_ID] = "person.id.str",
    [HG_STR_CODE] = "dict.code.str",
    [HG_STR_LSOA] = "dict.lsoa.str",
    [HG_STR_PRACTICE] = "dict.practice.str",
    [HG_STR_PRACTICE_PCN] = "dict.practice_pcn.str",
    [HG_STR_PRACTICE_SUBICB] = "dict.practice_subicb.str",
    [HG_STR_SPECIALTY] = "dict.specialty.str",
    [HG_STR_PROVIDER] = "dict.provider.str",
    [HG_STR_PRACTICE_NAME] = "dict.practice_name.str",
    [HG_STR_PCN_NAME] = "dict.practice_pcn_name.str",
    [HG_STR_SUBICB_NAME] = "dict.practice_subicb_name.str",
    [HG_STR_LSOA_LA] = "dict.lsoa_la.str",
    [HG_STR_LSOA_LA_NAME] = "dict.lsoa_la_name.str",
    [HG_STR_LSOA_MSOA] = "dict.lsoa_msoa.str",
    [HG_STR_LSOA_MSOA_NAME] = "dict.lsoa_msoa_name.str",
};

const int hg_store_str_table[HG_STR_N] = {
    [HG_STR_SPECIALTY] = HG_TABLE_UNITS,       [HG_STR_PROVIDER] = HG_TABLE_UNITS,
    [HG_STR_PRACTICE_NAME] = HG_TABLE_PLACES,  [HG_STR_PCN_NAME] = HG_TABLE_PLACES,
    [HG_STR_SUBICB_NAME] = HG_TABLE_PLACES,    [HG_STR_LSOA_LA] = HG_TABLE_PLACES,
    [HG_STR_LSOA_LA_NAME] = HG_TABLE_PLACES,   [HG_STR_LSOA_MSOA] = HG_TABLE_PLACES,
    [HG_STR_LSOA_MSOA_NAME] = HG_TABLE_PLACES,
};
