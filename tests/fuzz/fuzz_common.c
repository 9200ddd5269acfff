/*
 * fuzz_common.c: the scratch directory, the fixture store and pack, and the
 * checks shared by the fuzz targets (fuzz.h).
 */
#include "fuzz.h"

#include "analysis/publish.h"
#include "core/fs.h"
#include "ingest/ingest.h"

#include <sanitizer/common_interface_defs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HG_FUZZ_DATA_DIR
#define HG_FUZZ_DATA_DIR "tests/fuzz/data"
#endif

/* The scratch directory's name: set once, removed by the atexit handler. */
static char scratch[HG_PATH_MAX];

void hg_fuzz_fail(const char *fmt, ...)
{
	char msg[2048];
	int k = snprintf(msg, sizeof msg, "fuzz: invariant broken: ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + k, sizeof msg - (size_t)k, fmt, ap);
	va_end(ap);
	/* the sanitizers' report channel: libFuzzer keeps it when -close_fd_mask closes stderr */
	__sanitizer_report_error_summary(msg);
	abort();
}

void hg_fuzz_check_err(int rc, const hg_err *err, const char *what)
{
	if (rc && !err->msg[0])
		hg_fuzz_fail("%s failed (status %d) with no message", what, rc);
}

const char *hg_fuzz_data(void)
{
	const char *d = getenv("HG_FUZZ_DATA");
	return d && *d ? d : HG_FUZZ_DATA_DIR;
}

static void remove_scratch(void)
{
	if (scratch[0])
		hg_rm_rf(scratch);
}

const char *hg_fuzz_scratch(void)
{
	if (scratch[0])
		return scratch;
	const char *base = getenv("HG_FUZZ_TMP");
	if (!base || !*base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(scratch, sizeof scratch, "%s/hg-fuzz-XXXXXX", base);
	if (!mkdtemp(scratch))
		hg_fuzz_fail("cannot make a scratch directory under %s", base);
	atexit(remove_scratch);
	return scratch;
}

void hg_fuzz_path(char *buf, size_t cap, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, cap, "%s/%s", dir, name) >= cap)
		hg_fuzz_fail("path %s/%s too long", dir, name);
}

void hg_fuzz_write(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f))
		hg_fuzz_fail("cannot write %s", path);
}

char *hg_fuzz_read_data(const char *name, size_t *n)
{
	char path[HG_PATH_MAX];
	hg_fuzz_path(path, sizeof path, hg_fuzz_data(), name);
	hg_err err = {0};
	char *text = hg_read_file(path, n, &err);
	if (!text)
		hg_fuzz_fail("%s (set HG_FUZZ_DATA to tests/fuzz/data)", err.msg);
	return text;
}

void hg_fuzz_make_store(const char *store_dir)
{
	char persons[HG_PATH_MAX], events[HG_PATH_MAX];
	hg_fuzz_path(persons, sizeof persons, hg_fuzz_data(), "store/persons.csv");
	hg_fuzz_path(events, sizeof events, hg_fuzz_data(), "store/events.csv");
	hg_ingest_params p;
	hg_ingest_defaults(&p);
	p.persons_path = persons;
	p.events_path = events;
	p.store_dir = store_dir;
	p.quiet = 1;
	p.threads = 1;
	p.extract_date = hg_date_from_ymd(2026, 3, 31);
	hg_ingest_result res;
	hg_err err = {0};
	if (hg_ingest_run(&p, &res, &err))
		hg_fuzz_fail("ingesting the fixture: %s", err.msg);
}

hg_pack *hg_fuzz_load_pack(void)
{
	size_t n;
	char *text = hg_fuzz_read_data("pack.hg", &n);
	hg_pack *pk = NULL;
	hg_err err = {0};
	if (hg_pack_load_str(&pk, "pack.hg", text, hg_fuzz_data(), &err))
		hg_fuzz_fail("loading the fixture pack: %s", err.msg);
	free(text);
	return pk;
}

int hg_fuzz_run_pack(const hg_pack *pk, const hg_store *st, int analyse, hg_err *err)
{
	hg_publish_opts o = {.threads = 1, .sdc_k = 7, .analyse = 0};
	hg_published pub;
	int rc = hg_publish(pk, st, &o, &pub, err);
	hg_fuzz_check_err(rc, err, "hg_publish");
	if (rc || !analyse) {
		if (!rc)
			hg_published_free(&pub);
		return rc;
	}
	/* the analysis as run does it, with few SII replicates to keep each input quick */
	pub.aopts.sii_reps = 50;
	rc = hg_analysis_build(pub.inds, pub.pr->ninds, &pub.t, &pub.aopts, &pub.an, err);
	pub.analysed = rc == 0;
	hg_fuzz_check_err(rc, err, "hg_analysis_build");
	hg_published_free(&pub);
	return rc;
}
