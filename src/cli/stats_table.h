/*
 * stats_table.h: a small in-memory table for the `healthgap stats` methods.
 *
 * hg_table reads a whole CSV (header + rows) into string cells held in one
 * arena, remembers the CSV line of every row (for messages), converts a
 * column to doubles on request ("NA" and empty cells become NaN, anything
 * else that is not a number is an error naming the line and column), and
 * groups rows by a list of group columns, keeping groups in order of first
 * appearance. hg_tab_out builds the result CSV: a header, then rows of
 * string and double cells (doubles written round-trip exact, or to --digits
 * decimal places for people to read; NaN as NA).
 */
#ifndef HG_CLI_STATS_TABLE_H
#define HG_CLI_STATS_TABLE_H

#include "core/arena.h"
#include "core/error.h"
#include "core/str.h"

#include <stddef.h>
#include <stdint.h>

typedef struct hg_table {
	hg_arena arena;
	char path[512]; /* name used in messages */
	size_t ncols;
	const char **names; /* ncols column names */
	size_t nrows;
	const char **cells; /* nrows * ncols, row-major, NUL-terminated */
	uint64_t *lines;    /* nrows: CSV line where each row starts */
} hg_table;

/* Read a CSV file ("-" = standard input) with a header row. */
int hg_table_read(hg_table *t, const char *path, hg_err *err);
/* Read CSV text held in memory (copied); name is used in messages. */
int hg_table_read_mem(hg_table *t, const char *name, const char *data, size_t size, hg_err *err);
void hg_table_free(hg_table *t);

/* Index of the column named `name` (case-sensitive exact, then case-insensitive), or -1. */
int hg_table_col(const hg_table *t, const char *name);
/* As hg_table_col, but an error naming the column when it is absent. */
int hg_table_need_col(const hg_table *t, const char *name, int *col, hg_err *err);
static inline const char *hg_table_cell(const hg_table *t, size_t row, int col)
{
	return t->cells[row * t->ncols + (size_t)col];
}
/* 1 if the cell is missing (empty or NA), else 0. */
int hg_table_is_na(const hg_table *t, size_t row, int col);
/*
 * Column `name` as doubles (NaN for NA/empty), allocated in the table's
 * arena. An error names the CSV line and column of the first bad cell.
 */
int hg_table_doubles(hg_table *t, const char *name, double **out, hg_err *err);

/* Rows grouped by the values of some columns, in order of first appearance. */
typedef struct hg_groups {
	size_t ncols;      /* number of group columns (0 = one group of all rows) */
	int *cols;         /* their indexes in the table */
	size_t n;          /* number of groups */
	size_t *first_row; /* per group: a row holding its key (for output) */
	size_t *start;     /* n+1 offsets into rows */
	size_t *rows;      /* row indexes, group by group, in input order */
	size_t *group_of;  /* per table row: its group */
} hg_groups;

/*
 * Group t by a comma-separated list of column names (NULL or "" = one group
 * holding every row). Arrays are allocated in t's arena.
 */
int hg_table_group(hg_table *t, const char *cols, hg_groups *g, hg_err *err);
static inline size_t hg_group_size(const hg_groups *g, size_t i)
{
	return g->start[i + 1] - g->start[i];
}
static inline const size_t *hg_group_rows(const hg_groups *g, size_t i)
{
	return g->rows + g->start[i];
}

/* A result table being written as CSV into a buffer. */
typedef struct hg_tab_out {
	hg_buf buf;
	size_t ncells; /* cells so far in the current row */
	int digits;    /* --digits: decimal places of every number; -1 round-trip exact */
} hg_tab_out;

void hg_tab_out_init(hg_tab_out *o);
void hg_tab_out_free(hg_tab_out *o);
void hg_tab_out_str(hg_tab_out *o, const char *s); /* NULL is written as NA */
void hg_tab_out_num(hg_tab_out *o, double v);      /* NaN is written as NA */
/* v with `digits` decimal places ("41.2", "58.0"), or none when it is whole ("412");
 * never "-0.0". */
void hg_tab_out_rounded(hg_buf *b, double v, int digits);
void hg_tab_out_end_row(hg_tab_out *o);
/* The header cells of the group columns, or of the group's key values. */
void hg_tab_out_group_names(hg_tab_out *o, const hg_table *t, const hg_groups *g);
void hg_tab_out_group_keys(hg_tab_out *o, const hg_table *t, const hg_groups *g, size_t grp);
/* Write the buffer to path ("-" = standard output). */
int hg_tab_out_write(hg_tab_out *o, const char *path, hg_err *err);

#endif
