/*
 * validate.h: field rules shared by the ingest stages: code formats (LSOA,
 * ODS practice), sex and ethnic category codes, date formats (dates.c), and
 * the catalogue of rejection reasons (with what each expects) and warnings
 * counted in the ingest report.
 */
#ifndef HG_VALIDATE_H
#define HG_VALIDATE_H

#include "core/date.h"
#include "core/error.h"
#include "core/str.h"

#include <stdint.h>

enum hg_reject {
	HG_REJ_SHAPE,       /* wrong number of fields */
	HG_REJ_QUOTING,     /* malformed quoting */
	HG_REJ_ID_MISSING,  /* blank person_id / nhs_number */
	HG_REJ_ID_FORMAT,   /* person_id too long or has control characters */
	HG_REJ_NHS_INVALID, /* NHS number fails Modulus 11 */
	HG_REJ_DUPLICATE,   /* person already seen */
	HG_REJ_DATE_INVALID,
	HG_REJ_DATE_RANGE, /* before 1900 or after the extract date */
	HG_REJ_DOB_MISSING,
	HG_REJ_DEATH_BEFORE_BIRTH,
	HG_REJ_REG_ORDER,   /* registration dates out of order */
	HG_REJ_REG_MISSING, /* practice given without registered_from */
	HG_REJ_SEX,
	HG_REJ_ETHNICITY,
	HG_REJ_LSOA,
	HG_REJ_PRACTICE,
	HG_REJ_FLAG,
	HG_REJ_UNKNOWN_PERSON,
	HG_REJ_AFTER_DEATH,
	HG_REJ_BEFORE_BIRTH,
	HG_REJ_CODE,
	HG_REJ_VALUE,
	HG_REJ_SETTING,
	/* pathways.csv and appointments.csv (units.c) */
	HG_REJ_UNIT_PERSON,  /* a row for a person not in persons.csv */
	HG_REJ_DATE_MISSING, /* clock_start or an appointment's date blank */
	HG_REJ_UNIT_BIRTH,   /* a date before the person's birth */
	HG_REJ_UNIT_DEATH,   /* a date after the person's death */
	HG_REJ_PATHWAY_ID,   /* pathway_id blank or malformed */
	HG_REJ_PATHWAY_DUP,  /* pathway_id seen before */
	HG_REJ_CLOCK_ORDER,  /* clock_stop before clock_start */
	HG_REJ_PRIORITY,     /* not P1-P4 */
	HG_REJ_REMOVAL,      /* not an RTT clock-stop status 30-36 */
	HG_REJ_REMOVAL_OPEN, /* a removal reason without a clock stop */
	HG_REJ_SPECIALTY,    /* not a treatment function code */
	HG_REJ_PROVIDER,     /* not an ODS organisation code */
	HG_REJ_ATTENDANCE,   /* not first or follow-up */
	HG_REJ_OUTCOME,      /* not an appointment outcome */
	HG_REJ_APPT_SETTING, /* not op or gp */
	HG_REJ_OVERLAP,      /* registrations.csv, addresses.csv: overlaps an earlier period */
	HG_REJ_N
};

enum hg_warn {
	HG_WARN_SEX_BLANK,
	HG_WARN_ETH_BLANK,
	HG_WARN_LSOA_BLANK,
	HG_WARN_LSOA_UNMATCHED,
	HG_WARN_NO_PRACTICE,
	HG_WARN_PRACTICE_UNMAPPED,
	HG_WARN_N
};

extern const char *const hg_reject_names[HG_REJ_N];
/* What a field must be for each reason ("1, 2, 9, 0 or M, F, I, U"); "" for
 * dates, whose expectation depends on the format (hg_datefmt_expect). */
extern const char *const hg_reject_expected[HG_REJ_N];
extern const char *const hg_warn_names[HG_WARN_N];

/* 1 when s is an LSOA/Data Zone style code: E01/W01 + 6 digits. */
int hg_lsoa_valid(hg_sv s);
/* 1 when s is an ODS GP practice code: one letter + 5 digits. */
int hg_practice_valid(hg_sv s);
/* Sex: 1/2/9/0 or M/F/I/U (any case) -> enum hg_sex; -1 invalid; -2 blank. */
int hg_sex_parse(hg_sv s);
/* NHS ethnic category A-Z (valid letters) or 99 -> stored byte ('9' for 99),
 * group in *group; -1 invalid; -2 blank. */
int hg_ethnicity_parse(hg_sv s, uint8_t *group);

/* A date format of the input (--date-format): ISO YYYY-MM-DD by default. */
typedef struct hg_datefmt {
	int iso;      /* YYYY-MM-DD: the fast path */
	int order[3]; /* the fields in order: 0 year, 1 month, 2 day */
	char sep;     /* '-', '/', '.', or 0 for YYYYMMDD */
	char name[12];
} hg_datefmt;

/* spec NULL or "" is YYYY-MM-DD; else one of the names hg_datefmt_init lists in its
 * error (DD/MM/YYYY, MM/DD/YYYY, ...), any case. */
int hg_datefmt_init(hg_datefmt *f, const char *spec, hg_err *err);
/* Read a date (with a zero time allowed after it: " 00:00:00", "T00:00:00Z"); where
 * allow_month, a trailing day may be missing (*prec HG_DATE_MONTH). 0 ok, -1 not a
 * date in this format, -2 a date with a time of day other than 00:00. */
int hg_datefmt_read(const hg_datefmt *f, hg_sv s, int allow_month, hg_date *out, int *prec);
/* "expected YYYY-MM-DD", and for a value s that failed, why or which --date-format
 * would read it. */
void hg_datefmt_expect(const hg_datefmt *f, hg_sv s, int allow_month, char *buf, size_t cap);
/* The format a value looks like ("YYYY-MM-DD", "DD/MM/YYYY or MM/DD/YYYY", ...), or NULL. */
const char *hg_date_shape_name(hg_sv s);

#endif
