/*
 * fuzz_csv.c: libFuzzer target for the CSV reader (src/core/csv.c) and the
 * stats commands' table (src/cli/stats_table.c). The input is a CSV file.
 *
 * Beyond "no crash, no leak" it checks what the reader promises and what its
 * callers rely on:
 *   - every field and the raw record lie inside the input or the reader's own
 *     buffer (every byte is read, so ASan sees an overrun), and line numbers
 *     never go back;
 *   - a record without a quoting problem survives hg_csv_put_field: written
 *     back and read again it gives the same fields;
 *   - a file without quotes, read in two ranges split at a line end (as
 *     ingest's parallel events parse does), gives the same records and line
 *     numbers as one pass;
 *   - all of the above with the separator hg_csv_sniff_delim finds (as
 *     ingest reads semicolon, tab and bar files), the round trip only for
 *     commas (hg_csv_put_field writes commas);
 *   - hg_csv_utf8_check finds the first byte a plain reading of RFC 3629
 *     rejects, on its line; hg_csv_latin1_to_utf8 gives valid UTF-8, one
 *     character per input byte, ASCII bytes unchanged.
 */
#include "cli/stats_table.h"
#include "core/csv.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A record as one string: fields separated by 0x1F, with its line number. */
typedef struct rec_list {
	hg_buf text;
	uint64_t *lines;
	size_t n, cap;
} rec_list;

static unsigned touch(hg_sv s)
{
	unsigned h = 0;
	for (size_t i = 0; i < s.n; i++)
		h = h * 31 + (unsigned char)s.p[i];
	return h;
}

static void rec_add(rec_list *l, const hg_csv *c)
{
	for (size_t f = 0; f < c->nfields; f++) {
		hg_buf_put(&l->text, c->fields[f].p, c->fields[f].n);
		hg_buf_putc(&l->text, 0x1F);
	}
	hg_buf_putc(&l->text, '\n');
	HG_GROW(l->lines, l->n, l->cap);
	l->lines[l->n++] = c->line;
}

static void rec_free(rec_list *l)
{
	hg_buf_free(&l->text);
	free(l->lines);
}

static int same_records(const rec_list *a, const rec_list *b)
{
	if (a->n != b->n || a->text.n != b->text.n)
		return 0;
	return !a->n || (!memcmp(a->text.p, b->text.p, a->text.n) &&
	                 !memcmp(a->lines, b->lines, a->n * sizeof *a->lines));
}

/* Write the current record's fields back as CSV and read them again. */
static void check_round_trip(const hg_csv *c)
{
	if (c->malformed || (c->nfields == 1 && c->fields[0].n == 0))
		return; /* a lone empty field is a blank line, which the reader skips */
	hg_buf b = {0};
	hg_buf_putc(&b, '\n'); /* so a field starting with a BOM is not taken for one */
	for (size_t f = 0; f < c->nfields; f++) {
		if (f)
			hg_buf_putc(&b, ',');
		hg_csv_put_field(&b, c->fields[f].p, c->fields[f].n);
	}
	hg_buf_putc(&b, '\n');
	hg_csv r;
	hg_csv_open_mem(&r, "round-trip", b.p, b.n, 1);
	if (hg_csv_next(&r) != 1 || r.malformed || r.nfields != c->nfields)
		hg_fuzz_fail("a record of %zu fields does not read back after hg_csv_put_field",
		             c->nfields);
	for (size_t f = 0; f < c->nfields; f++)
		if (r.fields[f].n != c->fields[f].n ||
		    memcmp(r.fields[f].p, c->fields[f].p, c->fields[f].n))
			hg_fuzz_fail("field %zu changes after hg_csv_put_field", f);
	if (hg_csv_next(&r) != 0)
		hg_fuzz_fail("one record written by hg_csv_put_field reads as two");
	hg_csv_close(&r);
	hg_buf_free(&b);
}

/* Read data whole; records after the header go to body (when not NULL). */
static size_t read_whole(const uint8_t *data, size_t size, char delim, rec_list *body,
                         size_t *body_at, uint64_t *body_line)
{
	hg_csv c;
	hg_csv_open_mem(&c, "fuzz.csv", (const char *)data, size, 1);
	c.delim = delim;
	size_t n = 0;
	uint64_t last_line = 0;
	unsigned h = 0;
	while (hg_csv_next(&c)) {
		if (c.line < last_line || c.next_line < c.line)
			hg_fuzz_fail("line numbers go back");
		last_line = c.line;
		if (c.rec < (const char *)data || c.rec + c.rec_len > (const char *)data + size)
			hg_fuzz_fail("the raw record lies outside the input");
		h += touch((hg_sv){c.rec, c.rec_len});
		for (size_t f = 0; f < c.nfields; f++)
			h += touch(hg_csv_field(&c, (int)f));
		h += touch(hg_csv_field(&c, (int)c.nfields)); /* past the end: empty */
		if (n == 0) {
			*body_at = c.pos;
			*body_line = c.next_line;
			h += (unsigned)hg_csv_col(&c, "person_id");
		} else {
			rec_add(body, &c);
		}
		if (delim == ',')
			check_round_trip(&c);
		n++;
	}
	hg_csv_close(&c);
	(void)h;
	return n;
}

/* Read [begin, end) as ingest reads one chunk of events.csv. */
static void read_range(const uint8_t *data, size_t begin, size_t end, uint64_t first_line,
                       char delim, rec_list *out)
{
	hg_csv c;
	hg_csv_open_mem(&c, "chunk", (const char *)data + begin, end - begin, first_line);
	c.pos = 0; /* a chunk never starts with a BOM */
	c.delim = delim;
	while (hg_csv_next(&c))
		rec_add(out, &c);
	hg_csv_close(&c);
}

static uint64_t count_nl(const uint8_t *p, size_t n)
{
	uint64_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

/* Split the body at the first line end after its middle; compare with one pass. */
static void check_split(const uint8_t *data, size_t size, char delim, const rec_list *whole,
                        size_t body, uint64_t body_line)
{
	if (memchr(data, '"', size) || body >= size)
		return; /* ingest parses a file holding a quote in one piece */
	const uint8_t *nl =
	    memchr(data + body + (size - body) / 2, '\n', size - body - (size - body) / 2);
	size_t mid = nl ? (size_t)(nl - data) + 1 : size;
	rec_list parts = {0};
	read_range(data, body, mid, body_line, delim, &parts);
	read_range(data, mid, size, body_line + count_nl(data + body, mid - body), delim, &parts);
	if (!same_records(whole, &parts))
		hg_fuzz_fail("reading in two ranges split at byte %zu differs from one pass", mid);
	rec_free(&parts);
}

static void check_table(const uint8_t *data, size_t size)
{
	hg_table t;
	hg_err err = {0};
	int rc = hg_table_read_mem(&t, "fuzz.csv", (const char *)data, size, &err);
	hg_fuzz_check_err(rc, &err, "hg_table_read_mem");
	if (rc) {
		hg_table_free(&t); /* as cmd_stats.c does: the table is the caller's either way */
		return;
	}
	for (size_t j = 0; j < t.ncols; j++) {
		double *v;
		rc = hg_table_doubles(&t, t.names[j], &v, &err);
		hg_fuzz_check_err(rc, &err, "hg_table_doubles");
	}
	if (t.ncols) {
		hg_groups g;
		rc = hg_table_group(&t, t.names[0], &g, &err);
		hg_fuzz_check_err(rc, &err, "hg_table_group");
		if (!rc && g.start[g.n] != t.nrows)
			hg_fuzz_fail("groups hold %zu of %zu rows", g.start[g.n], t.nrows);
	}
	hg_table_free(&t);
}

/* Length of the valid UTF-8 sequence at p (RFC 3629, table 3-7 of Unicode), 0 if none. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	if (p[0] < 0x80)
		return 1;
	size_t len = p[0] >= 0xC2 && p[0] <= 0xDF   ? 2
	             : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
	             : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
	                                            : 0;
	if (!len || len > n)
		return 0;
	uint8_t lo = 0x80, hi = 0xBF; /* the second byte's range */
	if (p[0] == 0xE0)
		lo = 0xA0; /* no overlong forms */
	else if (p[0] == 0xED)
		hi = 0x9F; /* no surrogates */
	else if (p[0] == 0xF0)
		lo = 0x90;
	else if (p[0] == 0xF4)
		hi = 0x8F; /* nothing past U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

/* The first byte that is not UTF-8, or n. */
static size_t first_bad(const uint8_t *p, size_t n)
{
	size_t i = 0, k;
	while (i < n && (k = utf8_len(p + i, n - i)))
		i += k;
	return i;
}

static void check_encodings(const uint8_t *data, size_t size)
{
	size_t off = 0, want = first_bad(data, size);
	uint64_t line = 0;
	int rc = hg_csv_utf8_check((const char *)data, size, &off, &line);
	if ((rc == 0) != (want == size) || (rc && off != want))
		hg_fuzz_fail("hg_csv_utf8_check says %d at byte %zu, the first bad byte is %zu", rc,
		             rc ? off : size, want);
	if (rc && line != 1 + count_nl(data, off))
		hg_fuzz_fail("hg_csv_utf8_check puts byte %zu on line %llu", off,
		             (unsigned long long)line);
	size_t n = 0;
	char *u = hg_csv_latin1_to_utf8((const char *)data, size, &n);
	if (first_bad((const uint8_t *)u, n) != n)
		hg_fuzz_fail("hg_csv_latin1_to_utf8 wrote bytes that are not UTF-8");
	size_t chars = 0; /* one character per input byte, ASCII bytes as they were */
	for (size_t i = 0; i < n; i += utf8_len((const uint8_t *)u + i, n - i), chars++)
		if (chars < size && data[chars] < 0x80 && (uint8_t)u[i] != data[chars])
			hg_fuzz_fail("hg_csv_latin1_to_utf8 changed the ASCII byte at %zu", chars);
	if (chars != size)
		hg_fuzz_fail("hg_csv_latin1_to_utf8 made %zu characters of %zu bytes", chars, size);
	free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char delims[2] = {',', hg_csv_sniff_delim((const char *)data, size)};
	for (int k = 0; k < 2 && (k == 0 || delims[1] != ','); k++) {
		if (!hg_csv_delim_name(delims[k]))
			hg_fuzz_fail("the separator %d has no name", delims[k]);
		rec_list body = {0};
		size_t body_at = size;
		uint64_t body_line = 1;
		read_whole(data, size, delims[k], &body, &body_at, &body_line);
		check_split(data, size, delims[k], &body, body_at, body_line);
		rec_free(&body);
	}
	check_table(data, size);
	check_encodings(data, size);
	return 0;
}
