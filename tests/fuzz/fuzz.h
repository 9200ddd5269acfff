/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz share (see README.md,
 * "Fuzzing"): a scratch directory for the files a target writes, the fixture
 * (tests/fuzz/data: a 39-person synthetic store's CSV files and reference
 * data, and pack.hg, a tiny pack with a bit of every indicator type), building
 * a store from it, running a pack over a store the way `healthgap run` does,
 * and checks that turn a broken promise into a crash libFuzzer reports.
 *
 * libFuzzer calls LLVMFuzzerTestOneInput with no context, so each target keeps
 * its set-up in one static struct made by its LLVMFuzzerInitialize: the only
 * process-wide state, and only in these test programs.
 */
#ifndef HG_FUZZ_H
#define HG_FUZZ_H

#include "core/error.h"
#include "lang/lang.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* The fixture directory: $HG_FUZZ_DATA, else tests/fuzz/data of the source tree. */
const char *hg_fuzz_data(void);
/* A fresh directory for this process's files under $HG_FUZZ_TMP (else $TMPDIR,
 * else /tmp), removed at exit. Aborts when it cannot be made. */
const char *hg_fuzz_scratch(void);
/* dir/name into buf (aborts when it does not fit). */
void hg_fuzz_path(char *buf, size_t cap, const char *dir, const char *name);
/* Write a file, aborting on failure (the scratch directory must work). */
void hg_fuzz_write(const char *path, const void *data, size_t n);
/* Read a fixture file (relative to hg_fuzz_data) into a NUL-terminated buffer. */
char *hg_fuzz_read_data(const char *name, size_t *n);

/* Ingest the fixture's persons.csv and events.csv (extract date 2026-03-31) into
 * store_dir; aborts on failure. */
void hg_fuzz_make_store(const char *store_dir);
/* Load pack.hg (its codelists are relative to hg_fuzz_data); aborts on failure. */
hg_pack *hg_fuzz_load_pack(void);
/* Run pk over st as `healthgap run` does (compile, one pass, disclosure
 * control k7, and when `analyse` is set the analysis), on one thread. Returns
 * the status; an error must carry a message. */
int hg_fuzz_run_pack(const hg_pack *pk, const hg_store *st, int analyse, hg_err *err);

/* A failed call must say why: abort (a finding) when rc != 0 and err has no message. */
void hg_fuzz_check_err(int rc, const hg_err *err, const char *what);
/* Abort with a message: a broken invariant is a crash libFuzzer keeps. */
void hg_fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
