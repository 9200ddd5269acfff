/*
 * csv.h: RFC 4180 CSV reading and writing.
 *
 * The reader works over a whole input held in memory (a file is mapped with
 * mmap, standard input is read in full). It handles quoted fields with
 * embedded commas, newlines and doubled quotes, CRLF and LF line ends, and a
 * UTF-8 byte-order mark. For each record it reports the physical line where
 * the record starts and the raw bytes of the record, so that a rejected row
 * can be quarantined exactly as it was. Field views point into the input or
 * into a per-record buffer and stay valid until the next call to
 * hg_csv_next. Malformed quoting does not stop the reader: the record is
 * returned with `malformed` set to a reason, and the caller decides.
 *
 * The separator is a comma unless the caller sets `delim` (ingest detects a
 * semicolon, tab or bar from the header with hg_csv_sniff_delim). Real-world
 * exports also come in other encodings: hg_csv_utf8_check finds the first
 * byte that is not UTF-8 (with its line), and hg_csv_latin1_to_utf8 converts
 * a Latin-1 / Windows-1252 file.
 */
#ifndef HG_CSV_H
#define HG_CSV_H

#include "error.h"
#include "str.h"

#include <stdint.h>

typedef struct hg_csv {
	char path[512];   /* name used in messages */
	const char *data; /* whole input */
	size_t size;
	size_t pos;         /* next byte to read */
	size_t end;         /* stop at this offset (for ranges) */
	uint64_t line;      /* line where the current record starts (1-based) */
	uint64_t next_line; /* line where the next record starts */
	hg_sv *fields;
	size_t nfields, cap;
	size_t *offs; /* per field: offset into unq when unescaped, else SIZE_MAX */
	hg_buf unq;
	const char *rec; /* raw record bytes, without the line end */
	size_t rec_len;
	const char *malformed; /* NULL, or why the current record's quoting is bad */
	int owns;              /* 1 = mmap'd, 2 = malloc'd */
	char delim;            /* the field separator: ',' unless set after opening */
} hg_csv;

/* Open a file ("-" = standard input). */
int hg_csv_open(hg_csv *c, const char *path, hg_err *err);
/* Read from memory the caller keeps alive; first_line numbers the first record. */
void hg_csv_open_mem(hg_csv *c, const char *name, const char *data, size_t size,
                     uint64_t first_line);
/* Next record: 1 = a record, 0 = end of input. Blank lines are skipped. */
int hg_csv_next(hg_csv *c);
void hg_csv_close(hg_csv *c);

/* The separator of a file from its first line (the header): whichever of comma,
 * semicolon, tab and bar occurs most often outside quotes; a comma when none does. */
char hg_csv_sniff_delim(const char *data, size_t size);
/* The separator's name for messages: "comma", "semicolon", "tab", "bar". */
const char *hg_csv_delim_name(char delim);

/* 0 when data[0..size) is valid UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF); else -1 with the offset of the first bad byte, and its 1-based line. */
int hg_csv_utf8_check(const char *data, size_t size, size_t *bad_off, uint64_t *bad_line);
/* Latin-1 (ISO-8859-1, with 0x80-0x9F read as Windows-1252, which is what such
 * exports hold) to UTF-8, as a new malloc'd buffer of *out_size bytes. */
char *hg_csv_latin1_to_utf8(const char *data, size_t size, size_t *out_size);

/* Index of the header field named `name` (case-insensitive, trimmed), or -1. */
int hg_csv_col(const hg_csv *c, const char *name);
/* Field i of the current record, or an empty view when the record is short. */
static inline hg_sv hg_csv_field(const hg_csv *c, int i)
{
	return (i >= 0 && (size_t)i < c->nfields) ? c->fields[i] : (hg_sv){"", 0};
}

/* Append one field to b, quoting it when it holds a comma, quote or newline. */
void hg_csv_put_field(hg_buf *b, const char *p, size_t n);
/* Append a whole row of NUL-terminated fields followed by "\n". */
void hg_csv_put_row(hg_buf *b, const char *const *fields, size_t n);
/* Would a spreadsheet opening a CSV run this text cell as a formula? (= + - @ first, or a
 * tab or carriage return that some strip before them: "CSV injection".) Files for people
 * write such a cell with a leading ' so it is shown as text. */
int hg_csv_formula_like(const char *s);

#endif
