/*
 * csv.c: a single-pass RFC 4180 tokenizer over an in-memory input.
 */
#include "csv.h"
#include "fs.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static void csv_init(hg_csv *c, const char *name)
{
	memset(c, 0, sizeof *c);
	snprintf(c->path, sizeof c->path, "%s", name);
	c->line = c->next_line = 1;
}

void hg_csv_open_mem(hg_csv *c, const char *name, const char *data, size_t size,
                     uint64_t first_line)
{
	csv_init(c, name);
	c->data = data;
	c->size = c->end = size;
	c->line = c->next_line = first_line;
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
}

int hg_csv_open(hg_csv *c, const char *path, hg_err *err)
{
	hg_map m;
	if (hg_map_file(&m, path, err))
		return -1;
	hg_csv_open_mem(c, path, m.data, m.size, 1);
	c->owns = m.mapped ? 1 : 2;
	return 0;
}

void hg_csv_close(hg_csv *c)
{
	if (c->owns) {
		hg_map m = {(void *)c->data, c->size, c->owns == 1};
		hg_unmap(&m);
	}
	free(c->fields);
	free(c->offs);
	hg_buf_free(&c->unq);
	memset(c, 0, sizeof *c);
}

static void csv_grow(hg_csv *c)
{
	c->cap = c->cap ? c->cap * 2 : 16;
	c->fields = hg_xrealloc(c->fields, c->cap * sizeof *c->fields);
	c->offs = hg_xrealloc(c->offs, c->cap * sizeof *c->offs);
}

static inline void csv_push(hg_csv *c, const char *p, size_t n, size_t off)
{
	if (c->nfields == c->cap)
		csv_grow(c);
	c->fields[c->nfields] = (hg_sv){p, n};
	c->offs[c->nfields] = off;
	c->nfields++;
}

/* Parse a quoted field starting at the opening quote; returns the position after it. */
static size_t csv_quoted(hg_csv *c, size_t i)
{
	const char *d = c->data;
	size_t start = ++i, esc_from = SIZE_MAX;
	for (;;) {
		if (i >= c->end) {
			c->malformed = "unterminated quoted field";
			csv_push(c, d + start, i - start, SIZE_MAX);
			return i;
		}
		char ch = d[i];
		if (ch == '"') {
			if (i + 1 < c->end && d[i + 1] == '"') {
				if (esc_from == SIZE_MAX)
					esc_from = c->unq.n;
				hg_buf_put(&c->unq, d + start, i - start);
				hg_buf_putc(&c->unq, '"');
				i += 2;
				start = i;
				continue;
			}
			break;
		}
		if (ch == '\n')
			c->next_line++;
		i++;
	}
	if (esc_from == SIZE_MAX) {
		csv_push(c, d + start, i - start, SIZE_MAX);
	} else {
		hg_buf_put(&c->unq, d + start, i - start);
		csv_push(c, NULL, c->unq.n - esc_from, esc_from);
	}
	i++; /* closing quote */
	if (i < c->end && d[i] != ',' && d[i] != '\n' && d[i] != '\r') {
		c->malformed = "text after a closing quote";
		while (i < c->end && d[i] != ',' && d[i] != '\n')
			i++;
	}
	return i;
}

int hg_csv_next(hg_csv *c)
{
	const char *d = c->data;
	size_t i = c->pos;
	/* skip blank lines */
	while (i < c->end && (d[i] == '\n' || d[i] == '\r')) {
		if (d[i] == '\n')
			c->next_line++;
		i++;
	}
	if (i >= c->end) {
		c->pos = i;
		return 0;
	}
	c->line = c->next_line;
	c->nfields = 0;
	c->unq.n = 0;
	c->malformed = NULL;
	c->rec = d + i;
	for (;;) {
		if (i < c->end && d[i] == '"') {
			i = csv_quoted(c, i);
		} else {
			size_t s = i;
			while (i < c->end) {
				char ch = d[i];
				if (ch == ',' || ch == '\n')
					break;
				if (ch == '"' && !c->malformed)
					c->malformed = "quote inside an unquoted field";
				i++;
			}
			size_t e = i;
			if (e > s && d[e - 1] == '\r' && (e == c->end || d[e] == '\n'))
				e--;
			csv_push(c, d + s, e - s, SIZE_MAX);
		}
		if (i < c->end && d[i] == ',') {
			i++;
			continue;
		}
		/* end of record: i at '\n', '\r' (after a quoted field) or end */
		size_t e = i;
		if (e > (size_t)(c->rec - d) && e <= c->end && d[e - 1] == '\r')
			e--;
		c->rec_len = e - (size_t)(c->rec - d);
		while (i < c->end && d[i] == '\r')
			i++;
		if (i < c->end && d[i] == '\n') {
			i++;
			c->next_line++;
		}
		break;
	}
	for (size_t f = 0; f < c->nfields; f++)
		if (c->offs[f] != SIZE_MAX)
			c->fields[f].p = c->unq.p + c->offs[f];
	c->pos = i;
	return 1;
}

int hg_csv_col(const hg_csv *c, const char *name)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (hg_sv_eq_nocase(hg_sv_trim(c->fields[i]), name))
			return (int)i;
	return -1;
}

void hg_csv_put_field(hg_buf *b, const char *p, size_t n)
{
	int quote = 0;
	for (size_t i = 0; i < n && !quote; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r')
			quote = 1;
	if (!quote) {
		hg_buf_put(b, p, n);
		return;
	}
	hg_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			hg_buf_putc(b, '"');
		hg_buf_putc(b, p[i]);
	}
	hg_buf_putc(b, '"');
}

void hg_csv_put_row(hg_buf *b, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			hg_buf_putc(b, ',');
		hg_csv_put_field(b, fields[i], strlen(fields[i]));
	}
	hg_buf_putc(b, '\n');
}
