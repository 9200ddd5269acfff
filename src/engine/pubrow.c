/*
 * pubrow.c: the published row and its forms (pubrow.h).
 */
#include "engine/pubrow.h"

#include "core/csv.h"
#include "core/date.h"
#include "core/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const hg_result_cols[HG_RESULT_NCOLS] = {
    "indicator_id", "indicator_name", "period_start", "period_end", "breakdown",  "category",
    "numerator",    "denominator",    "value",        "lower_ci95", "upper_ci95", "lower_ci99_8",
    "upper_ci99_8", "value_type",     "suppressed",   "note"};

void hg_result_num(double v, char *buf, size_t size)
{
	if (isnan(v) || isinf(v)) {
		buf[0] = 0;
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, size, "%.0f", v);
		return;
	}
	snprintf(buf, size, "%.6f", v);
	char *e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = 0;
	if (*e == '.')
		*e = 0;
}

void hg_pub_row_make(const hg_indicator *ind, const hg_row *row, hg_pub_row *o)
{
	memset(o, 0, sizeof *o);
	o->indicator_id = ind->id;
	o->indicator_name = ind->name;
	o->breakdown = ind->bds[row->bd].name;
	o->category = row->category;
	o->note = row->note;
	hg_date_format(ind->periods[row->period].start, o->period_start);
	hg_date_format(ind->periods[row->period].end, o->period_end);
	hg_value_type(ind, o->value_type, sizeof o->value_type);
	o->suppressed = row->suppressed != 0;
	o->bd = row->bd;
	o->period = row->period;
	if (o->suppressed) {
		o->num = o->den = o->value = o->lo95 = o->hi95 = o->lo998 = o->hi998 = NAN;
		return;
	}
	o->num = row->num;
	o->den = row->den;
	o->value = row->value;
	o->lo95 = row->lo95;
	o->hi95 = row->hi95;
	o->lo998 = row->lo998;
	o->hi998 = row->hi998;
}

void hg_pub_row_nums(const hg_pub_row *r, double v[7])
{
	const double x[7] = {r->num, r->den, r->value, r->lo95, r->hi95, r->lo998, r->hi998};
	memcpy(v, x, sizeof x);
}

void hg_pub_row_text(const hg_pub_row *r, hg_pub_text *x)
{
	const char *s[6] = {r->indicator_id, r->indicator_name, r->period_start,
	                    r->period_end,   r->breakdown,      r->category};
	for (int k = 0; k < 6; k++)
		snprintf(x->f[k], sizeof x->f[k], "%s", s[k]);
	double v[7];
	hg_pub_row_nums(r, v);
	for (int k = 0; k < 7; k++)
		hg_result_num(v[k], x->f[6 + k], sizeof x->f[6 + k]);
	snprintf(x->f[13], sizeof x->f[13], "%s", r->value_type);
	snprintf(x->f[14], sizeof x->f[14], "%s", r->suppressed ? "true" : "false");
	snprintf(x->f[15], sizeof x->f[15], "%s", r->note ? r->note : "");
	for (int k = 0; k < HG_RESULT_NCOLS; k++)
		x->p[k] = x->f[k];
}

json_t *hg_pub_row_json(const hg_pub_row *r)
{
	json_t *o = json_object();
	const char *s[6] = {r->indicator_id, r->indicator_name, r->period_start,
	                    r->period_end,   r->breakdown,      r->category};
	for (int k = 0; k < 6; k++)
		json_object_set_new(o, hg_result_cols[k], json_string(s[k]));
	double v[7];
	hg_pub_row_nums(r, v);
	for (int k = 0; k < 7; k++)
		json_object_set_new(o, hg_result_cols[6 + k], hg_json_num(v[k]));
	json_object_set_new(o, hg_result_cols[13], json_string(r->value_type));
	json_object_set_new(o, hg_result_cols[14], json_boolean(r->suppressed));
	json_object_set_new(o, hg_result_cols[15], r->note ? json_string(r->note) : json_null());
	return o;
}

void hg_pub_rows_csv(const hg_pub_row *rows, size_t n, const char *extra_col, const char *extra_val,
                     hg_buf *out)
{
	int nc = HG_RESULT_NCOLS + (extra_col != NULL);
	const char *head[HG_RESULT_NCOLS + 1];
	memcpy(head, hg_result_cols, sizeof(const char *) * HG_RESULT_NCOLS);
	head[HG_RESULT_NCOLS] = extra_col;
	hg_csv_put_row(out, head, nc);
	hg_pub_text *x = hg_xmalloc(sizeof *x);
	const char *f[HG_RESULT_NCOLS + 1];
	for (size_t i = 0; i < n; i++) {
		hg_pub_row_text(&rows[i], x);
		memcpy(f, x->p, sizeof(const char *) * HG_RESULT_NCOLS);
		f[HG_RESULT_NCOLS] = extra_val;
		hg_csv_put_row(out, f, nc);
	}
	free(x);
}
