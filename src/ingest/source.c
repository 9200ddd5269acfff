/*
 * source.c: opening an input file the way real-world exports come (issue
 * 12): its encoding checked (the first byte that is not UTF-8 is an error
 * naming its line) or converted (--encoding latin1), its separator detected
 * from the header, and what was found said up front, before any row is read:
 * the separator, the encoding, the date format, and the optional columns the
 * header lacks, with what their absence means.
 */
#include "ingest_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --encoding: 0 UTF-8 (checked), 1 Latin-1 / Windows-1252 (converted), -1 unknown. */
static int encoding_kind(const char *e)
{
	static const char *const utf8[] = {"utf-8", "utf8"};
	static const char *const latin1[] = {"latin1", "latin-1", "iso-8859-1", "windows-1252",
	                                     "cp1252"};
	if (!e || !*e)
		return 0;
	for (size_t k = 0; k < 2; k++)
		if (!strcasecmp(e, utf8[k]))
			return 0;
	for (size_t k = 0; k < 5; k++)
		if (!strcasecmp(e, latin1[k]))
			return 1;
	return -1;
}

int hg_encoding_kind(const char *encoding, hg_err *err)
{
	int kind = encoding_kind(encoding);
	if (kind < 0)
		hg_err_set(
		    err, HG_EUSAGE,
		    "--encoding '%s' is not one healthgap reads: give utf-8 (the default) or "
		    "latin1 (also read as Windows-1252)",
		    encoding);
	return kind;
}

int hg_source_bad_utf8(const char *path, const char *data, size_t off, uint64_t line, hg_err *err)
{
	const char *sol = off ? data + off - 1 : data;
	while (sol > data && *sol != '\n')
		sol--;
	size_t col = (size_t)(data + off - sol) + (sol == data && *sol != '\n');
	return hg_err_set(err, HG_EINPUT,
	                  "%s:%llu: byte %zu of the line (0x%02X) is not UTF-8: the file looks "
	                  "like Latin-1 or Windows-1252 (what Excel saves as plain 'CSV'); give "
	                  "--encoding latin1 to convert it, or save it as 'CSV UTF-8'",
	                  path, (unsigned long long)line, col, (unsigned char)data[off]);
}

/* Check the bytes (all of them, or the header line only) or convert them. */
static int source_bytes(hg_map *m, const char *path, int kind, int check_all, hg_err *err)
{
	const unsigned char *u = m->data;
	if (m->size >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return hg_err_set(err, HG_EINPUT,
		                  "%s: the file is UTF-16 (Excel's 'Unicode Text'): save it as "
		                  "'CSV UTF-8' and ingest that",
		                  path);
	if (kind == 1) {
		size_t n;
		char *utf8 = hg_csv_latin1_to_utf8(m->data, m->size, &n);
		hg_unmap(m);
		*m = (hg_map){utf8, n, 0};
		return 0;
	}
	size_t len = m->size, off;
	uint64_t line;
	if (!check_all) {
		const char *nl = memchr(m->data, '\n', m->size);
		len = nl ? (size_t)(nl - (const char *)m->data) : m->size;
	}
	if (hg_csv_utf8_check(m->data, len, &off, &line))
		return hg_source_bad_utf8(path, m->data, off, line, err);
	return 0;
}

int hg_source_open(hg_csv *c, const char *path, const char *encoding, int check_all, hg_err *err)
{
	int kind = hg_encoding_kind(encoding, err);
	if (kind < 0)
		return -1;
	hg_map m;
	if (hg_map_file(&m, path, err))
		return -1;
	if (source_bytes(&m, path, kind, check_all, err)) {
		hg_unmap(&m);
		return -1;
	}
	hg_csv_open_mem(c, path, m.data, m.size, 1);
	c->owns = m.mapped ? 1 : 2;
	c->delim = hg_csv_sniff_delim(c->data + c->pos, c->size - c->pos);
	return 0;
}

/* Field col of the first record after the header (c is at the header), trimmed. */
static hg_sv first_value(const hg_csv *c, int col, char *buf, size_t cap)
{
	hg_csv peek;
	hg_csv_open_mem(&peek, c->path, c->data + c->pos, c->size - c->pos, c->next_line);
	peek.pos = 0;
	peek.delim = c->delim;
	hg_sv v = {"", 0};
	if (col >= 0 && hg_csv_next(&peek)) {
		v = hg_sv_trim(hg_csv_field(&peek, col));
		v.n = v.n < cap ? v.n : cap - 1;
		memcpy(buf, v.p, v.n);
		v.p = buf;
	}
	hg_csv_close(&peek);
	return v;
}

void hg_source_say(const hg_csv *c, const char *encoding, const hg_datefmt *df, int date_col,
                   int quiet)
{
	if (quiet)
		return;
	char buf[64];
	hg_sv first = first_value(c, date_col, buf, sizeof buf);
	const char *shape = first.n ? hg_date_shape_name(first) : NULL;
	printf("%s: %s-separated, %s; dates %s%s", c->path, hg_csv_delim_name(c->delim),
	       encoding_kind(encoding) == 1 ? "Latin-1 (converted to UTF-8)" : "UTF-8", df->name,
	       df->iso ? "" : " (--date-format)");
	if (shape && strcmp(shape, df->name))
		printf(", given as %s", shape);
	putchar('\n');
	fflush(stdout);
}

/* Is a header field one of the known column names (or a flag_ column)? */
static int known_column(hg_sv v, const char *const *known)
{
	if (v.n > 5 && !strncasecmp(v.p, "flag_", 5))
		return 1;
	for (size_t k = 0; known && known[k]; k++)
		if (hg_sv_eq_nocase(v, known[k]))
			return 1;
	return 0;
}

/* A header field that is none of the known names and is close to name ("ethnicty"). */
static const char *close_header(const hg_csv *c, const char *name, const char *const *known,
                                char *buf, size_t cap)
{
	hg_suggest s;
	hg_suggest_init(&s, name);
	char(*f)[80] = hg_xcalloc(c->nfields + 1, sizeof *f);
	for (size_t i = 0; i < c->nfields; i++) {
		hg_sv v = hg_sv_trim(c->fields[i]);
		if (known_column(v, known))
			continue;
		snprintf(f[i], sizeof f[i], "%.*s", (int)(v.n < 79 ? v.n : 79), v.p);
		hg_suggest_add(&s, f[i]);
	}
	if (s.best)
		snprintf(buf, cap, "%s", s.best);
	free(f);
	return s.best ? buf : NULL;
}

/* " (is 'X' it? name the column NAME)", or for a one-field header, what separates columns. */
static void header_hint(const hg_csv *c, const char *name, const char *const *known, char *hint,
                        size_t cap)
{
	char near[80];
	hint[0] = 0;
	if (name && close_header(c, name, known, near, sizeof near))
		snprintf(hint, cap, " (is '%s' it? name the column %s)", near, name);
	else if (c->nfields == 1)
		snprintf(hint, cap,
		         " (the header is a single field: separate the columns with commas, "
		         "semicolons, tabs or bars)");
}

int hg_header_missing(const hg_csv *c, const char *what, const char *name, const char *const *known,
                      hg_err *err)
{
	char hint[200];
	header_hint(c, name, known, hint, sizeof hint);
	return hg_err_set(err, HG_EINPUT, "%s:%llu: header has %s%s", c->path,
	                  (unsigned long long)c->line, what, hint);
}

void hg_say_missing_column(const hg_csv *c, const char *name, const char *const *known,
                           const char *meaning, int warn, int quiet)
{
	if (quiet)
		return;
	char hint[200];
	header_hint(c, name, known, hint, sizeof hint);
	fprintf(stderr, "%s: %s has no %s column%s: %s\n", warn ? "warning" : "note", c->path, name,
	        hint, meaning);
}
