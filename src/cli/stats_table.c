/*
 * stats_table.c: CSV in, grouped rows, CSV out for the `healthgap stats` methods.
 * See stats_table.h.
 */
#include "cli/stats_table.h"

#include "core/csv.h"
#include "core/dict.h"
#include "core/fs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Copy the current record's fields into row `r`; grows the cell arrays. */
static void table_add_row(hg_table *t, const hg_csv *c, size_t *cap)
{
	if (t->nrows == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		t->cells = hg_xrealloc(t->cells, *cap * t->ncols * sizeof *t->cells);
		t->lines = hg_xrealloc(t->lines, *cap * sizeof *t->lines);
	}
	const char **row = t->cells + t->nrows * t->ncols;
	for (size_t j = 0; j < t->ncols; j++) {
		hg_sv f = hg_csv_field(c, (int)j);
		row[j] = hg_arena_strndup(&t->arena, f.p, f.n);
	}
	t->lines[t->nrows++] = c->line;
}

static int table_load(hg_table *t, hg_csv *c, hg_err *err)
{
	if (!hg_csv_next(c))
		return hg_err_set(err, HG_EINPUT, "%s: empty input (a header row is needed)",
		                  t->path);
	if (c->malformed)
		return hg_err_set(err, HG_EINPUT, "%s line %llu: %s", t->path,
		                  (unsigned long long)c->line, c->malformed);
	t->ncols = c->nfields;
	t->names = hg_arena_alloc(&t->arena, t->ncols * sizeof *t->names);
	for (size_t j = 0; j < t->ncols; j++) {
		hg_sv f = hg_sv_trim(c->fields[j]);
		t->names[j] = hg_arena_strndup(&t->arena, f.p, f.n);
	}
	size_t cap = 0;
	while (hg_csv_next(c)) {
		if (c->malformed)
			return hg_err_set(err, HG_EINPUT, "%s line %llu: %s", t->path,
			                  (unsigned long long)c->line, c->malformed);
		if (c->nfields != t->ncols)
			return hg_err_set(
			    err, HG_EINPUT, "%s line %llu: %zu fields, but the header has %zu",
			    t->path, (unsigned long long)c->line, c->nfields, t->ncols);
		table_add_row(t, c, &cap);
	}
	return 0;
}

static void table_init(hg_table *t, const char *name)
{
	memset(t, 0, sizeof *t);
	hg_arena_init(&t->arena, 1 << 16);
	snprintf(t->path, sizeof t->path, "%s", strcmp(name, "-") ? name : "<stdin>");
}

int hg_table_read(hg_table *t, const char *path, hg_err *err)
{
	table_init(t, path);
	hg_csv c;
	if (hg_csv_open(&c, path, err))
		return err ? err->code : HG_EIO;
	int rc = table_load(t, &c, err);
	hg_csv_close(&c);
	return rc;
}

int hg_table_read_mem(hg_table *t, const char *name, const char *data, size_t size, hg_err *err)
{
	table_init(t, name);
	hg_csv c;
	hg_csv_open_mem(&c, name, data, size, 1);
	int rc = table_load(t, &c, err);
	hg_csv_close(&c);
	return rc;
}

void hg_table_free(hg_table *t)
{
	free(t->cells);
	free(t->lines);
	hg_arena_free(&t->arena);
	memset(t, 0, sizeof *t);
}

int hg_table_col(const hg_table *t, const char *name)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcmp(t->names[j], name))
			return (int)j;
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcasecmp(t->names[j], name))
			return (int)j;
	return -1;
}

int hg_table_need_col(const hg_table *t, const char *name, int *col, hg_err *err)
{
	*col = hg_table_col(t, name);
	if (*col < 0)
		return hg_err_set(err, HG_EUSAGE, "%s: no column named '%s'", t->path, name);
	return 0;
}

int hg_table_is_na(const hg_table *t, size_t row, int col)
{
	hg_sv s = hg_sv_trim(hg_sv_from(hg_table_cell(t, row, col)));
	return s.n == 0 || hg_sv_eq(s, "NA") || hg_sv_eq(s, "NaN");
}

int hg_table_doubles(hg_table *t, const char *name, double **out, hg_err *err)
{
	int col;
	if (hg_table_need_col(t, name, &col, err))
		return err ? err->code : HG_EUSAGE;
	double *v = hg_arena_alloc(&t->arena, (t->nrows ? t->nrows : 1) * sizeof *v);
	for (size_t i = 0; i < t->nrows; i++) {
		if (hg_table_is_na(t, i, col)) {
			v[i] = NAN;
			continue;
		}
		const char *s = hg_table_cell(t, i, col);
		if (hg_parse_double(hg_sv_from(s), &v[i]))
			return hg_err_set(err, HG_EINPUT,
			                  "%s line %llu, column '%s': '%s' is not a number",
			                  t->path, (unsigned long long)t->lines[i], name, s);
	}
	*out = v;
	return 0;
}

/* Resolve a comma-separated list of column names into g->cols. */
static int group_cols(hg_table *t, const char *cols, hg_groups *g, hg_err *err)
{
	size_t n = 0;
	for (const char *p = cols; p && *p; p++)
		n += *p == ',';
	n = (cols && *cols) ? n + 1 : 0;
	g->ncols = n;
	g->cols = hg_arena_alloc(&t->arena, (n ? n : 1) * sizeof *g->cols);
	const char *p = cols;
	for (size_t k = 0; k < n; k++) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		hg_sv sv = hg_sv_trim((hg_sv){p, len});
		char *name = hg_arena_strndup(&t->arena, sv.p, sv.n);
		if (hg_table_need_col(t, name, &g->cols[k], err))
			return err ? err->code : HG_EUSAGE;
		p = e ? e + 1 : p + len;
	}
	return 0;
}

/* Assign each row a group id, in order of first appearance. */
static void group_ids(hg_table *t, hg_groups *g)
{
	hg_dict d;
	hg_dict_init(&d);
	hg_buf key = {0};
	g->n = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		key.n = 0;
		for (size_t k = 0; k < g->ncols; k++) {
			hg_buf_puts(&key, hg_table_cell(t, i, g->cols[k]));
			hg_buf_putc(&key, '\x1f');
		}
		int inserted = 0;
		uint32_t id = hg_dict_intern(&d, key.p ? key.p : "", key.n, &inserted);
		if (inserted)
			g->first_row[g->n++] = i;
		g->group_of[i] = id;
	}
	hg_buf_free(&key);
	hg_dict_free(&d);
}

int hg_table_group(hg_table *t, const char *cols, hg_groups *g, hg_err *err)
{
	memset(g, 0, sizeof *g);
	if (group_cols(t, cols, g, err))
		return err ? err->code : HG_EUSAGE;
	size_t nr = t->nrows ? t->nrows : 1;
	g->first_row = hg_arena_alloc(&t->arena, nr * sizeof *g->first_row);
	g->group_of = hg_arena_alloc(&t->arena, nr * sizeof *g->group_of);
	g->rows = hg_arena_alloc(&t->arena, nr * sizeof *g->rows);
	group_ids(t, g);
	g->start = hg_arena_calloc(&t->arena, (g->n + 2) * sizeof *g->start);
	for (size_t i = 0; i < t->nrows; i++)
		g->start[g->group_of[i] + 2]++;
	for (size_t k = 2; k < g->n + 2; k++)
		g->start[k] += g->start[k - 1];
	for (size_t i = 0; i < t->nrows; i++)
		g->rows[g->start[g->group_of[i] + 1]++] = i;
	return 0;
}

void hg_tab_out_init(hg_tab_out *o)
{
	memset(o, 0, sizeof *o);
	o->digits = -1;
}

void hg_tab_out_free(hg_tab_out *o)
{
	hg_buf_free(&o->buf);
}

static void tab_out_sep(hg_tab_out *o)
{
	if (o->ncells++)
		hg_buf_putc(&o->buf, ',');
}

void hg_tab_out_str(hg_tab_out *o, const char *s)
{
	tab_out_sep(o);
	if (!s)
		hg_buf_put(&o->buf, "NA", 2);
	else
		hg_csv_put_field(&o->buf, s, strlen(s));
}

void hg_tab_out_rounded(hg_buf *b, double v, int digits)
{
	char s[400];
	/* whole numbers (counts) stay whole; the others get the same decimals in a column */
	snprintf(s, sizeof s, "%.*f", v == floor(v) && fabs(v) < 1e15 ? 0 : digits, v);
	/* -0.0 is 0.0 to a reader */
	int negzero = s[0] == '-' && strspn(s + 1, "0.") == strlen(s + 1);
	hg_buf_puts(b, negzero ? s + 1 : s);
}

void hg_tab_out_num(hg_tab_out *o, double v)
{
	tab_out_sep(o);
	if (o->digits < 0 || !isfinite(v))
		hg_buf_put_double(&o->buf, v);
	else
		hg_tab_out_rounded(&o->buf, v, o->digits);
}

void hg_tab_out_end_row(hg_tab_out *o)
{
	hg_buf_putc(&o->buf, '\n');
	o->ncells = 0;
}

void hg_tab_out_group_names(hg_tab_out *o, const hg_table *t, const hg_groups *g)
{
	for (size_t k = 0; k < g->ncols; k++)
		hg_tab_out_str(o, t->names[g->cols[k]]);
}

void hg_tab_out_group_keys(hg_tab_out *o, const hg_table *t, const hg_groups *g, size_t grp)
{
	for (size_t k = 0; k < g->ncols; k++)
		hg_tab_out_str(o, hg_table_cell(t, g->first_row[grp], g->cols[k]));
}

int hg_tab_out_write(hg_tab_out *o, const char *path, hg_err *err)
{
	hg_out f;
	if (hg_out_open(&f, path, err))
		return err ? err->code : HG_EIO;
	hg_out_write(&f, o->buf.p, o->buf.n);
	return hg_out_close(&f, 0, err);
}
