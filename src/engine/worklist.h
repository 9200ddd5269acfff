/*
 * worklist.h: the people on a pack's worklist for one practice as at one date,
 * in priority order (docs/language.md "Worklists"). Person-level: only for the
 * practice's own patients, under the governance of docs/security.md.
 */
#ifndef HG_WORKLIST_H
#define HG_WORKLIST_H

#include "core/error.h"
#include "lang/program.h"

#include <stddef.h>
#include <stdint.h>

/* One person on the list. */
typedef struct hg_wl_row {
	uint64_t person; /* store index */
	int group;       /* priority group (0 without a priority) */
	int age;         /* on the date, -1 unknown */
	int core20;      /* IMD decile 1 or 2 */
	int nplus;       /* PLUS flags set */
	const double *v; /* the reasons, columns and order keys (hg_cwl regs from 2) */
} hg_wl_row;

typedef struct hg_wl_rows {
	const hg_cwl *cw;
	hg_date as_at;
	hg_wl_row *rows;
	size_t n, cap;
	double *vals; /* n x (cw->nregs - 2) */
	size_t nvals, capvals;
	size_t *group_n; /* people per priority group */
	int ngroups;
} hg_wl_rows;

/* The people of practice `practice` (a code; NULL: every practice) on worklist w as at
 * `as_at`, sorted: priority group, then the worklist's order keys (default: Core20
 * first, more PLUS flags first, older first), then pseudonym. An unknown practice code
 * is an error. */
int hg_worklist_run(const hg_program *pr, int w, const char *practice, hg_date as_at,
                    hg_wl_rows *out, hg_err *err);
void hg_wl_rows_free(hg_wl_rows *r);

/*
 * The list as a table (one home for the CSV, the workbook and the dashboard):
 * the fixed columns below, then one per `column` of the worklist, then the
 * re-identification token (store/reid.h; empty when the store holds none).
 */
enum hg_wl_col {
	HG_WLC_LIST = 0, /* the worklist's id */
	HG_WLC_RANK,     /* the priority group's number, 1 = most urgent */
	HG_WLC_GROUP,    /* its name ("All" without a priority) */
	HG_WLC_PERSON,   /* the pseudonym, as in the store */
	HG_WLC_PRACTICE,
	HG_WLC_AGE,
	HG_WLC_SEX,
	HG_WLC_ETHNICITY,
	HG_WLC_IMD_DECILE,
	HG_WLC_CORE20,  /* Yes / No (IMD decile 1 or 2) */
	HG_WLC_PLUS,    /* the PLUS flags set, "; " between */
	HG_WLC_REASONS, /* the reasons that hold, "; " between */
	HG_WLC_FIXED
};
/* How a cell is best shown. */
enum hg_wl_kind { HG_WLK_TEXT = 0, HG_WLK_NUMBER, HG_WLK_DATE };

int hg_wl_ncols(const hg_worklist *wl);
const char *hg_wl_col_name(const hg_worklist *wl, int c);
int hg_wl_col_kind(const hg_worklist *wl, int c);
/* Row i's cell in column c as text in buf (numbers as the CSV writes them, dates
 * YYYY-MM-DD, missing as ""); *num is its number or date (days), NaN for text. */
const char *hg_wl_cell(const hg_wl_rows *r, const hg_store *st, size_t i, int c, char *buf,
                       size_t size, double *num);

#endif
