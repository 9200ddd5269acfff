/*
 * validate.c: field formats and code sets (NHS Data Dictionary: Person
 * Stated Gender Code / Person Gender Code, Ethnic Category letters (their
 * ONS 5+1 groups are store/ethnic.c's hg_eth_group_of); ONS LSOA codes; ODS practice
 * codes).
 */
#include "validate.h"
#include "store/store.h"

#include <ctype.h>

const char *const hg_reject_names[HG_REJ_N] = {
    "wrong number of fields",
    "malformed quoting",
    "missing person identifier",
    "malformed person_id",
    "NHS number fails the Modulus 11 check",
    "duplicate person",
    "invalid date",
    "date outside 1900-01-01..extract date",
    "missing date_of_birth",
    "date_of_death before date_of_birth",
    "registration dates out of order",
    "practice without registered_from",
    "invalid sex code",
    "invalid ethnic category",
    "malformed LSOA code",
    "malformed practice code",
    "flag not 0 or 1",
    "event for unknown person",
    "event after date of death",
    "event before date of birth",
    "missing or malformed code",
    "value is not a number",
    "unknown setting",
    "row for unknown person",
    "missing date",
    "date before date of birth",
    "date after date of death",
    "missing or malformed pathway_id",
    "duplicate pathway_id",
    "clock_stop before clock_start",
    "invalid priority",
    "invalid removal_reason",
    "removal_reason without a clock_stop",
    "malformed specialty code",
    "malformed provider code",
    "invalid attendance_type",
    "invalid outcome",
    "appointment setting not op or gp",
    "overlaps an earlier period",
};

const char *const hg_reject_expected[HG_REJ_N] = {
    "as many fields as the header",
    "a quoted field to end with a quote then the separator or the line end",
    "an identifier in every row",
    "1 to 64 characters, no commas or control characters",
    "10 digits with a valid Modulus 11 check digit",
    "one row per person",
    "",
    "a date from 1900-01-01 to the extract date (--extract-date, default today)",
    "a date of birth in every row",
    "a date of death on or after the date of birth",
    "registered_from on or after birth and before registered_to and death",
    "a registered_from date for everyone with a practice",
    "1, 2, 9, 0 or M, F, I, U (any case), or blank",
    "an NHS ethnic category A-H, J-N, P, R-T, W, X, Z or 99, or blank",
    "E01 or W01 and 6 digits (E01000001), or blank",
    "an ODS practice code: a capital letter and 5 digits (A81001), or blank",
    "0, 1 or blank",
    "a person of persons.csv whose row was accepted",
    "a date on or before the person's date of death",
    "a date on or after the person's date of birth",
    "1 to 64 characters without spaces, commas or quotes",
    "a number, or blank",
    "gp, rx, ae, apc, op, mh, mat or cancer (any case)",
    "a person of persons.csv whose row was accepted",
    "a date in every row",
    "a date on or after the person's date of birth",
    "a date on or before the person's date of death",
    "1 to 64 characters, no commas or control characters",
    "one row per pathway_id",
    "a clock_stop on or after clock_start, or blank (still waiting)",
    "P1, P2, P3, P4 (or 1-4, P1a, P1b; any case), or blank",
    "an RTT clock-stop status 30-36, or blank",
    "a clock_stop when removal_reason is given",
    "a treatment function code of 3 letters or digits (110, 130, X02), or blank",
    "an ODS organisation code of 3 to 6 capital letters and digits (RXX, RXX01), or blank",
    "first or follow-up (or FIRST ATTENDANCE codes 1-4), or blank",
    ("attended, did not attend, cancelled by patient or cancelled by provider (or ATTENDED OR "
     "DID NOT ATTEND codes 2-7)"),
    "op or gp (any case), or blank (op)",
    "periods of one person that do not overlap (a new one may start on the last day of the one "
    "before: a move that day)",
};

const char *const hg_warn_names[HG_WARN_N] = {
    "sex blank (recorded as not known)", "ethnicity blank (recorded as not stated)",
    "LSOA blank (IMD unknown)",          "LSOA not in the IMD file (IMD unknown)",
    "no practice (not registered)",      "practice not in the practice lookup",
};

int hg_lsoa_valid(hg_sv s)
{
	if (s.n != 9 || (s.p[0] != 'E' && s.p[0] != 'W') || s.p[1] != '0' || s.p[2] != '1')
		return 0;
	for (int i = 3; i < 9; i++)
		if (!isdigit((unsigned char)s.p[i]))
			return 0;
	return 1;
}

int hg_practice_valid(hg_sv s)
{
	if (s.n != 6 || !isupper((unsigned char)s.p[0]))
		return 0;
	for (int i = 1; i < 6; i++)
		if (!isdigit((unsigned char)s.p[i]))
			return 0;
	return 1;
}

int hg_sex_parse(hg_sv s)
{
	if (s.n == 0)
		return -2;
	if (s.n != 1)
		return -1;
	switch (toupper((unsigned char)s.p[0])) {
	case '1':
	case 'M':
		return HG_SEX_MALE;
	case '2':
	case 'F':
		return HG_SEX_FEMALE;
	case '9':
	case 'I':
		return HG_SEX_INDET;
	case '0':
	case 'U':
		return HG_SEX_UNKNOWN;
	}
	return -1;
}

int hg_ethnicity_parse(hg_sv s, uint8_t *group)
{
	if (s.n == 0) {
		*group = HG_ETH_NOT_STATED;
		return -2;
	}
	uint8_t c;
	if (s.n == 2 && s.p[0] == '9' && s.p[1] == '9')
		c = '9';
	else if (s.n == 1 && isalpha((unsigned char)s.p[0]))
		c = (uint8_t)toupper((unsigned char)s.p[0]);
	else
		return -1;
	int g = hg_eth_group_of(c); /* the one mapping (store/ethnic.c) */
	if (g < 0)
		return -1;
	*group = (uint8_t)g;
	return c;
}
