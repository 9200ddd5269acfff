/*
 * schema.c: the files of a store snapshot (schema.h).
 */
#include "store/schema.h"

#include <stdint.h>

const hg_colspec hg_store_cols[HG_COL_N] = {
    [HG_COL_DOB] = {"person.dob.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS},
    [HG_COL_DOB_MONTH_ONLY] = {"person.dob_month_only.u8", "u8", 1, HG_ROWS_PERSONS},
    [HG_COL_SEX] = {"person.sex.u8", "u8", 1, HG_ROWS_PERSONS},
    [HG_COL_ETH_CAT] = {"person.eth_cat.u8", "u8", 1, HG_ROWS_PERSONS},
    [HG_COL_ETH_GROUP] = {"person.eth_group.u8", "u8", 1, HG_ROWS_PERSONS},
    [HG_COL_LSOA] = {"person.lsoa.u32", "u32", sizeof(uint32_t), HG_ROWS_PERSONS},
    [HG_COL_IMD_DECILE] = {"person.imd_decile.u8", "u8", 1, HG_ROWS_PERSONS},
    [HG_COL_IMD_QUINTILE] = {"person.imd_quintile.u8", "u8", 1, HG_ROWS_PERSONS},
    [HG_COL_PRACTICE] = {"person.practice.u32", "u32", sizeof(uint32_t), HG_ROWS_PERSONS},
    [HG_COL_REG_FROM] = {"person.reg_from.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS},
    [HG_COL_REG_TO] = {"person.reg_to.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS},
    [HG_COL_DOD] = {"person.dod.i32", "i32", sizeof(int32_t), HG_ROWS_PERSONS},
    [HG_COL_FLAGS] = {"person.flags.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS},
    [HG_COL_EV_OFFSET] = {"event.offset.u64", "u64", sizeof(uint64_t), HG_ROWS_PERSONS_END},
    [HG_COL_EV_DATE] = {"event.date.i32", "i32", sizeof(int32_t), HG_ROWS_EVENTS},
    [HG_COL_EV_CODE] = {"event.code.u32", "u32", sizeof(uint32_t), HG_ROWS_EVENTS},
    [HG_COL_EV_VALUE] = {"event.value.f32", "f32", sizeof(float), HG_ROWS_EVENTS},
    [HG_COL_EV_SETTING] = {"event.setting.u8", "u8", 1, HG_ROWS_EVENTS},
    [HG_COL_LSOA_DECILE] = {"dict.lsoa_decile.u8", "u8", 1, HG_ROWS_LSOAS},
};

const char *const hg_store_strs[HG_STR_N] = {
    [HG_STR_PERSON_ID] = "person.id.str",
    [HG_STR_CODE] = "dict.code.str",
    [HG_STR_LSOA] = "dict.lsoa.str",
    [HG_STR_PRACTICE] = "dict.practice.str",
    [HG_STR_PRACTICE_PCN] = "dict.practice_pcn.str",
    [HG_STR_PRACTICE_SUBICB] = "dict.practice_subicb.str",
};
