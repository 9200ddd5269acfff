/*
 * schema.h: the files of a store snapshot, defined once: ingest writes them,
 * store.c maps them, and their sizes are checked against the rows they must
 * hold. A column file's name says its element type ("person.dob.i32"); a
 * string table holds a count, n + 1 offsets and the NUL-terminated strings.
 */
#ifndef HG_STORE_SCHEMA_H
#define HG_STORE_SCHEMA_H

#include <stddef.h>

/* How many elements a column has. */
enum hg_col_rows {
	HG_ROWS_PERSONS,     /* one per person */
	HG_ROWS_PERSONS_END, /* one per person, and one past the last (offsets) */
	HG_ROWS_EVENTS,      /* one per event */
	HG_ROWS_LSOAS,       /* one per LSOA of the LSOA dictionary */
};

enum hg_col {
	HG_COL_DOB,
	HG_COL_DOB_MONTH_ONLY,
	HG_COL_SEX,
	HG_COL_ETH_CAT,
	HG_COL_ETH_GROUP,
	HG_COL_LSOA,
	HG_COL_IMD_DECILE,
	HG_COL_IMD_QUINTILE,
	HG_COL_PRACTICE,
	HG_COL_REG_FROM,
	HG_COL_REG_TO,
	HG_COL_DOD,
	HG_COL_FLAGS,
	HG_COL_EV_OFFSET,
	HG_COL_EV_DATE,
	HG_COL_EV_CODE,
	HG_COL_EV_VALUE,
	HG_COL_EV_SETTING,
	HG_COL_LSOA_DECILE,
	HG_COL_N
};

typedef struct hg_colspec {
	const char *file; /* file name in the snapshot */
	const char *type; /* "i32", "u8", "u32", "u64", "f32" */
	size_t elem;      /* bytes per element */
	int rows;         /* enum hg_col_rows */
} hg_colspec;

extern const hg_colspec hg_store_cols[HG_COL_N];

enum hg_strs {
	HG_STR_PERSON_ID,
	HG_STR_CODE,
	HG_STR_LSOA,
	HG_STR_PRACTICE,
	HG_STR_PRACTICE_PCN,
	HG_STR_PRACTICE_SUBICB,
	HG_STR_N
};

/* File names of the string tables. */
extern const char *const hg_store_strs[HG_STR_N];

#endif
