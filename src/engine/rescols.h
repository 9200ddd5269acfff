/*
 * rescols.h: the published-results format shared by `healthgap run`'s
 * outputs and the dashboard's downloads, so both always write the same
 * columns with the same number formatting.
 */
#ifndef HG_RESCOLS_H
#define HG_RESCOLS_H

#include <stddef.h>

#define HG_RESULT_NCOLS 16

/* indicator_id, indicator_name, ..., suppressed, note (indicators.csv order). */
extern const char *const hg_result_cols[HG_RESULT_NCOLS];

/* A number as published: integers exactly, others with up to 6 decimals
 * (trailing zeros dropped); NaN and infinities as an empty string. */
void hg_result_num(double v, char *buf, size_t size);

#endif
