/*
 * pubrow.h: the published row, one home for `healthgap run`'s outputs and the
 * dashboard's downloads and API, so both always give the same columns with
 * the same numbers: hg_pub_row is a row of hg_restable as it may leave the
 * engine (no raw counts; every number NaN when suppressed), with its text
 * fields in the order of indicators.csv, its JSON object, and one CSV writer.
 */
#ifndef HG_ENGINE_PUBROW_H
#define HG_ENGINE_PUBROW_H

#include "core/str.h"
#include "engine/engine.h"

#include <jansson.h>
#include <stddef.h>

#define HG_RESULT_NCOLS 16

/* indicator_id, indicator_name, ..., suppressed, note (indicators.csv order). */
extern const char *const hg_result_cols[HG_RESULT_NCOLS];

/* A number as published: integers exactly, others with up to 6 decimals
 * (trailing zeros dropped); NaN and infinities as an empty string. */
void hg_result_num(double v, char *buf, size_t size);

/* The published form of a row (no raw counts). */
typedef struct hg_pub_row {
	const char *indicator_id, *indicator_name, *breakdown, *category, *note;
	char period_start[11], period_end[11], value_type[40];
	double num, den, value, lo95, hi95, lo998, hi998; /* NaN when suppressed */
	int suppressed;
	int bd, period; /* indexes, for grouping */
} hg_pub_row;

/* The published form of row (of indicator ind); pointers point into ind and row. */
void hg_pub_row_make(const hg_indicator *ind, const hg_row *row, hg_pub_row *out);

/* Its seven numbers: numerator, denominator, value, 95% and 99.8% limits (NaN when
 * suppressed or missing). */
void hg_pub_row_nums(const hg_pub_row *r, double v[7]);

/* Its fields as text, in hg_result_cols order (numbers by hg_result_num). */
typedef struct hg_pub_text {
	char f[HG_RESULT_NCOLS][160];
	const char *p[HG_RESULT_NCOLS];
} hg_pub_text;
void hg_pub_row_text(const hg_pub_row *r, hg_pub_text *x);

/* Its JSON object: the indicators.csv columns, numbers (null when missing), suppressed
 * a boolean, note a string or null (new reference). */
json_t *hg_pub_row_json(const hg_pub_row *r);

/* The CSV of rows: the header and rows of indicators.csv, and when extra_col is given
 * one more column of that name holding extra_val in every row. */
void hg_pub_rows_csv(const hg_pub_row *rows, size_t n, const char *extra_col, const char *extra_val,
                     hg_buf *out);

#endif
