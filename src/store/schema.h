/*
 * schema.h: the files of a store snapshot, defined once: ingest writes them,
 * store.c maps them, and their sizes are checked against the rows they must
 * hold, and store_check.c checks every value against the column's rule. A
 * column file's name says its element type ("person.dob.i32"); a string table
 * holds a count, n + 1 offsets and the NUL-terminated strings.
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
	HG_ROWS_PATHWAYS,    /* one per referral-to-treatment pathway */
	HG_ROWS_APPTS,       /* one per appointment */
	HG_ROWS_REGS,        /* one per registration period (registrations.csv) */
	HG_ROWS_ADDRS,       /* one per address period (addresses.csv) */
};

/* Which table a file belongs to. The unit tables (pathways, appointments and their
 * dictionaries) were added after the first snapshots: a snapshot has them exactly when
 * its manifest counts them ("pathways" and "appointments" in counts), and ingest always
 * writes them (with no rows when no file was given). */
enum hg_col_table {
	HG_TABLE_CORE = 0, /* persons, events and their dictionaries: always present */
	HG_TABLE_UNITS,    /* pathways, appointments, specialties, providers */
	HG_TABLE_PLACES,   /* names and places of practices and LSOAs, the local IMD quintile:
	                      present exactly when the manifest counts "places" */
	HG_TABLE_HISTORY,  /* registration and address periods: present exactly when the
	                      manifest counts "registrations" and "addresses" */
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
	HG_COL_PW_OFFSET, /* pathways: sorted by person, then clock start */
	HG_COL_PW_START,
	HG_COL_PW_STOP,
	HG_COL_PW_SPECIALTY,
	HG_COL_PW_PROVIDER,
	HG_COL_PW_PRIORITY,
	HG_COL_PW_REMOVAL,
	HG_COL_AP_OFFSET, /* appointments: sorted by person, then date */
	HG_COL_AP_DATE,
	HG_COL_AP_SETTING,
	HG_COL_AP_SPECIALTY,
	HG_COL_AP_PROVIDER,
	HG_COL_AP_TYPE,
	HG_COL_AP_OUTCOME,
	HG_COL_LSOA_LOCAL_Q, /* per LSOA: IMD quintile ranked within the store's LSOAs, 0 none */
	HG_COL_RG_OFFSET,    /* registration periods: sorted by person, then start */
	HG_COL_RG_FROM,
	HG_COL_RG_TO,
	HG_COL_RG_PRACTICE,
	HG_COL_AD_OFFSET, /* address periods: sorted by person, then start */
	HG_COL_AD_FROM,
	HG_COL_AD_TO,
	HG_COL_AD_LSOA,
	HG_COL_N
};

/*
 * What every value of a column must be (checked at open, store_check.c).
 * Rules between columns (quintile from decile, registration after birth,
 * events sorted and within a life, ...) are written out in store_check.c.
 */
enum hg_col_check {
	HG_CHECK_U8_MAX,    /* u8 <= max */
	HG_CHECK_U8_SET,    /* u8: 0 or one of the bytes of set */
	HG_CHECK_ID,        /* u32 < the size of string table ref */
	HG_CHECK_ID_NONE,   /* the same, or HG_NONE32 (none) */
	HG_CHECK_DATE,      /* i32 day in 1900-01-01 .. the extract date */
	HG_CHECK_DATE_NONE, /* the same, or HG_DATE_NONE */
	HG_CHECK_FLAGS,     /* u64: only the bits of the manifest's flags */
	HG_CHECK_NONE,      /* any value (event values: a float, NaN for none) */
	HG_CHECK_OFFSETS,   /* u64: from 0, never falling, to the rows of its table */
};

typedef struct hg_colspec {
	const char *file; /* file name in the snapshot */
	const char *type; /* "i32", "u8", "u32", "u64", "f32" */
	size_t elem;      /* bytes per element */
	int rows;         /* enum hg_col_rows */
	int check;        /* enum hg_col_check */
	unsigned max;     /* HG_CHECK_U8_MAX */
	const char *set;  /* HG_CHECK_U8_SET */
	int ref;          /* HG_CHECK_ID*: enum hg_strs */
	const char *what; /* what a value is, for errors ("a practice") */
	int table;        /* enum hg_col_table */
} hg_colspec;

extern const hg_colspec hg_store_cols[HG_COL_N];

enum hg_strs {
	HG_STR_PERSON_ID,
	HG_STR_CODE,
	HG_STR_LSOA,
	HG_STR_PRACTICE,
	HG_STR_PRACTICE_PCN,
	HG_STR_PRACTICE_SUBICB,
	HG_STR_SPECIALTY, /* treatment function codes of pathways and appointments */
	HG_STR_PROVIDER,  /* provider (ODS organisation) codes */
	/* the places (HG_TABLE_PLACES): per practice, then per LSOA; "" when not known */
	HG_STR_PRACTICE_NAME,
	HG_STR_PCN_NAME,
	HG_STR_SUBICB_NAME,
	HG_STR_LSOA_LA,
	HG_STR_LSOA_LA_NAME,
	HG_STR_LSOA_MSOA,
	HG_STR_LSOA_MSOA_NAME,
	HG_STR_N
};

/* The table (enum hg_col_table) of each string table. */
extern const int hg_store_str_table[HG_STR_N];

/* File names of the string tables. */
extern const char *const hg_store_strs[HG_STR_N];

/* The manifest, and the file beside it holding the manifest's BLAKE2b-256
 * (64 hex digits and a newline), so a damaged or edited manifest is found. */
#define HG_STORE_MANIFEST     "manifest.json"
#define HG_STORE_MANIFEST_SUM "manifest.blake2b"

#endif
