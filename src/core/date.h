/*
 * date.h: calendar dates as day numbers. A date is an int32 count of days
 * since 1970-01-01 (proleptic Gregorian), so comparisons and differences are
 * integer operations. HG_DATE_NONE marks a missing date and sorts after every
 * real date (a blank registered_to or date_of_death means "not yet").
 */
#ifndef HG_DATE_H
#define HG_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t hg_date;

#define HG_DATE_NONE INT32_MAX

enum hg_date_precision { HG_DATE_DAY = 0, HG_DATE_MONTH = 1 };

hg_date hg_date_from_ymd(int y, int m, int d);
void hg_date_to_ymd(hg_date t, int *y, int *m, int *d);
int hg_date_valid_ymd(int y, int m, int d);
int hg_days_in_month(int y, int m);

/*
 * Parse "YYYY-MM-DD", or "YYYY-MM" when allow_month is set (the date is then
 * the 1st of the month and *precision is HG_DATE_MONTH). s need not be
 * NUL-terminated. Returns 0 on success, -1 if the text is not a valid date.
 */
int hg_date_parse(const char *s, size_t len, int allow_month, hg_date *out, int *precision);

/* Write "YYYY-MM-DD" (11 bytes with NUL) into buf; "" for HG_DATE_NONE. */
char *hg_date_format(hg_date t, char buf[static 11]);

/* Add months, clamping the day to the end of the month (Jan 31 + 1 = Feb 28/29). */
hg_date hg_date_add_months(hg_date t, int months);

/*
 * First day of the N months ending on `end`: (end - N months) + 1 day, with
 * the month arithmetic above. "The 12 months ending 2024-02-28" start on
 * 2023-03-01 (365 days); ending 2024-02-29 they start on 2023-03-01 too
 * (366 days). One definition for `in last N months`, `--period-end` and
 * anything else that speaks of the months ending on a date.
 */
hg_date hg_months_ending_start(hg_date end, int months);

/* Whole years of age on date `on` for a person born on `dob`. */
int hg_age_years(hg_date dob, hg_date on);

/* Today in the local calendar. */
hg_date hg_date_today(void);

#endif
