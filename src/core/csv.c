/*
 * csv.c: a single-pass RFC 4180 tokenizer over an in-memory input (with a
 * chosen separator), and what reading real-world exports needs before it: the
 * separator from the header, a UTF-8 check that names the line of the first
 * bad byte, and Latin-1 / Windows-1252 to UTF-8.
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
	c->delim = ',';
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
	if (i < c->end && d[i] != c->delim && d[i] != '\n' && d[i] != '\r') {
		c->malformed = "text after a closing quote";
		while (i < c->end && d[i] != c->delim && d[i] != '\n')
			i++;
	}
	return i;
}

int hg_csv_next(hg_csv *c)
{
	const char *d = c->data;
	const char delim = c->delim;
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
				if (ch == delim || ch == '\n')
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
		if (i < c->end && d[i] == delim) {
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

int hg_csv_formula_like(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s);
}

char hg_csv_sniff_delim(const char *data, size_t size)
{
	static const char cands[] = ",;\t|";
	size_t count[4] = {0};
	int quoted = 0;
	for (size_t i = 0; i < size && (quoted || data[i] != '\n'); i++) {
		if (data[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			for (int k = 0; k < 4; k++)
				count[k] += data[i] == cands[k];
	}
	int best = 0;
	for (int k = 1; k < 4; k++)
		if (count[k] > count[best])
			best = k;
	return cands[best];
}

const char *hg_csv_delim_name(char delim)
{
	switch (delim) {
	case ';':
		return "semicolon";
	case '\t':
		return "tab";
	case '|':
		return "bar";
	default:
		return "comma";
	}
}

/* Length of the valid UTF-8 sequence at p (of n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char b = p[0];
	size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
	if (b < 0xC2 || b > 0xF4 || n < len)
		return 0; /* a continuation byte, an overlong lead, or past U+10FFFF */
	for (size_t k = 1; k < len; k++)
		if ((p[k] & 0xC0) != 0x80)
			return 0;
	if ((b == 0xE0 && p[1] < 0xA0) || (b == 0xED && p[1] >= 0xA0) || /* overlong, surrogate */
	    (b == 0xF0 && p[1] < 0x90) || (b == 0xF4 && p[1] >= 0x90))
		return 0;
	return len;
}

int hg_csv_utf8_check(const char *data, size_t size, size_t *bad_off, uint64_t *bad_line)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;
	while (i < size) {
		/* ASCII eight bytes at a time: the usual case costs a load and a mask */
		if (i + 8 <= size) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (!(w & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t len = utf8_seq(p + i, size - i);
		if (!len) {
			uint64_t line = 1;
			for (const char *q = data; (q = memchr(q, '\n', (size_t)(data + i - q)));
			     q++)
				line++;
			*bad_off = i;
			*bad_line = line;
			return -1;
		}
		i += len;
	}
	return 0;
}

char *hg_csv_latin1_to_utf8(const char *data, size_t size, size_t *out_size)
{
	/* Windows-1252's characters at 0x80-0x9F (the five it leaves undefined stay C1) */
	static const uint16_t cp1252[32] = {
	    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
	size_t need = size;
	for (size_t i = 0; i < size; i++) { /* the exact size first: inputs can be gigabytes */
		unsigned u = (unsigned char)data[i];
		need += u < 0x80 ? 0 : u >= 0xA0 ? 1 : cp1252[u - 0x80] < 0x800 ? 1 : 2;
	}
	char *out = hg_xmalloc(need + 1);
	size_t o = 0;
	for (size_t i = 0; i < size; i++) {
		unsigned u = (unsigned char)data[i];
		if (u >= 0x80 && u < 0xA0)
			u = cp1252[u - 0x80];
		if (u < 0x80) {
			out[o++] = (char)u;
		} else if (u < 0x800) {
			out[o++] = (char)(0xC0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3F));
		} else {
			out[o++] = (char)(0xE0 | u >> 12);
			out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (u & 0x3F));
		}
	}
	out[o] = 0;
	*out_size = o;
	return out;
}
