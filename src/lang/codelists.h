/*
 * codelists.h: a pack's codelists and a store. Where a pack's codelists come
 * from when it is loaded (its own files, a directory of official downloads,
 * or one file per named codelist), how many codes and events of the store
 * each codelist matches, and the checks of a pack against a store that
 * `healthgap run` makes before it evaluates anything (and `run --check
 * --store` makes without running): every problem is listed, not only the
 * first. See docs/language.md, "Codelists" and "Checking a pack against a
 * store".
 */
#ifndef HG_LANG_CODELISTS_H
#define HG_LANG_CODELISTS_H

#include "core/csv.h"
#include "core/error.h"
#include "lang/lang.h"
#include "store/store.h"

#include <stdint.h>

/* --codelist NAME=FILE: the named codelist is read from FILE instead. */
typedef struct hg_codelist_sub {
	const char *name, *file;
} hg_codelist_sub;

typedef struct hg_pack_opts {
	/* --codelists DIR: each codelist file of the pack is looked up in DIR by its
	 * file name (NAME.csv, or an OpenCodelists download ending -NAME.csv)
	 * before the pack's own; an error when none of them is there */
	const char *codelist_dir;
	const hg_codelist_sub *subs;
	int nsubs;
} hg_pack_opts;

/* The code column of an OpenCodelists-style CSV at its header (the first of the known
 * headers: code, snomedcode, concept_id, ...; else column 0) and the system it names
 * (HG_CSYS_AUTO when none). Also how ingest reads --ethnicity-codelist. */
int hg_codelist_code_column(const hg_csv *c, int *system);

/* hg_pack_load with codelists from elsewhere (o may be NULL). */
int hg_pack_load_opts(hg_pack **out, const char *path, const hg_pack_opts *o, hg_err *err);

/* What one codelist of a pack matches in a store. */
typedef struct hg_cl_cover {
	const char *label; /* the codelist's name, or the text of one written in a query */
	const char *expr;  /* what it is: "codelists/hyp.csv", codes("1", "2"), a + b, ... */
	int named;
	int line, col;
	int list;               /* a list of codes (1), or a combination of codelists (0) */
	int prefix;             /* a list matched by prefix (ICD-10, OPCS-4) */
	const char *system;     /* "icd10", ..., or "" when decided by the codes' shape */
	uint32_t listed, found; /* a list: its codes, and those that match a store code */
	uint32_t store_codes;   /* distinct store codes matched */
	uint64_t events;        /* events with one of those codes */
	const char *file;       /* the file read, or NULL */
	int replaced;           /* the file came from --codelists (1) or --codelist (2) */
} hg_cl_cover;

/* Every named codelist and every codelist written inside a query (except
 * `any`), in declaration order; *out is malloc'd (free it). */
void hg_pack_coverage(const hg_pack *pk, const hg_store *st, hg_cl_cover **out, int *n);
/* The same, with the events per store code given (code_events[st->codes.n]: a sharded
 * store's, of every shard, store/shard.h) instead of counted from st's events. */
void hg_pack_coverage_counts(const hg_pack *pk, const hg_store *st, const uint64_t *code_events,
                             hg_cl_cover **out, int *n);

/* One problem found by hg_pack_check_store. */
typedef struct hg_diag {
	int error; /* 1 error, 0 warning */
	char *msg; /* "pack.hg:3:10: warning: ..." (malloc'd) */
} hg_diag;

typedef struct hg_diags {
	hg_diag *d;
	int n, cap, nerrors;
} hg_diags;

void hg_diags_free(hg_diags *d);

/* Problems of a pack against a store: flags the store lacks (an error where a
 * value is read; a warning for a breakdown, where everyone would be "No"),
 * practice literals the store does not have, and codelists that match no
 * event (cov from hg_pack_coverage). With strict every warning is an error. */
void hg_pack_check_store(const hg_pack *pk, const hg_store *st, const hg_cl_cover *cov, int ncov,
                         int strict, hg_diags *out);

#endif
