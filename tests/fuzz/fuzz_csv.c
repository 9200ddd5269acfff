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
 *     numbers as one pass.
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
static size_t read_whole(const uint8_t *data, size_t size, rec_list *body, size_t *body_at,
                         uint64_t *body_line)
{
	hg_csv c;
	hg_csv_open_mem(&c, "fuzz.csv", (const char *)data, size, 1);
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
		check_round_trip(&c);
		n++;
	}
	hg_csv_close(&c);
	(void)h;
	return n;
}

/* Read [begin, end) as ingest reads one chunk of events.csv. */
static void read_range(const uint8_t *data, size_t begin, size_t end, uint64_t first_line,
                       rec_list *out)
{
	hg_csv c;
	hg_csv_open_mem(&c, "chunk", (const char *)data + begin, end - begin, first_line);
	c.pos = 0; /* a chunk never starts with a BOM */
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
static void check_split(const uint8_t *data, size_t size, const rec_list *whole, size_t body,
                        uint64_t body_line)
{
	if (memchr(data, '"', size) || body >= size)
		return; /* ingest parses a file holding a quote in one piece */
	const uint8_t *nl =
	    memchr(data + body + (size - body) / 2, '\n', size - body - (size - body) / 2);
	size_t mid = nl ? (size_t)(nl - data) + 1 : size;
	rec_list parts = {0};
	read_range(data, body, mid, body_line, &parts);
	read_range(data, mid, size, body_line + count_nl(data + body, mid - body), &parts);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rec_list body = {0};
	size_t body_at = size;
	uint64_t body_line = 1;
	read_whole(data, size, &body, &body_at, &body_line);
	check_split(data, size, &body, body_at, body_line);
	rec_free(&body);
	check_table(data, size);
	return 0;
}
