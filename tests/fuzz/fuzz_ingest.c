/*
 * fuzz_ingest.c: libFuzzer target for ingest (src/ingest: the persons and
 * events row validators, quarantine, pseudonymisation, the IMD and practice
 * reference loaders, the snapshot writer). The input holds the files, each
 * after a line "--- NAME" (the layout of tests/lang's cases):
 *
 *   --- persons      persons.csv      --- imd        the IoD2019 File 1 lookup
 *   --- events       events.csv       --- practices  reference/practices.csv
 *
 * A file without its section is absent. An optional "--- options" section
 * holds lines "date_format=FORMAT" and "encoding=latin1" (ingest's
 * --date-format and --encoding). Each input is ingested into a new
 * store (a key file is given, so nhs_number columns work; extract date
 * 2026-03-31; any rejection rate), and what ingest writes must hold up: the
 * snapshot opens (hg_store_open checks every column), its row counts are the
 * accepted counts, read = accepted + quarantined for each file, and the
 * fixture pack runs over it
 * without a crash (compiled, run and put through disclosure control). The
 * analysis and `healthgap verify` are left to the lang and store targets:
 * under ASan they would make each input several times slower. Every error
 * must carry a message.
 */
#include "core/fs.h"
#include "fuzz.h"
#include "ingest/ingest.h"
#include "ingest/pseudo.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sections[] = {"persons", "events", "imd", "practices"};
#define IMD_FILE "in/reference/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
static const char *const files[] = {"in/persons.csv", "in/events.csv", IMD_FILE,
                                    "in/reference/practices.csv"};
#define NSECT 4

static struct {
	char dir[HG_PATH_MAX]; /* the scratch directory */
	char key[HG_PATH_MAX];
	hg_pack *pk;
} fz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	snprintf(fz.dir, sizeof fz.dir, "%s", hg_fuzz_scratch());
	hg_fuzz_path(fz.key, sizeof fz.key, fz.dir, "secret.key");
	hg_err err = {0};
	if (hg_key_generate(fz.key, &err))
		hg_fuzz_fail("%s", err.msg);
	fz.pk = hg_fuzz_load_pack();
	return 0;
}

/* Where section `name` starts: just after a line "--- name"; NULL if absent. */
static const char *find_section(const char *d, size_t n, const char *name, const char **end)
{
	const char *found = NULL;
	for (size_t i = 0; i + 4 <= n; i++) {
		if ((i && d[i - 1] != '\n') || memcmp(d + i, "--- ", 4))
			continue;
		const char *nl = memchr(d + i, '\n', n - i);
		const char *line_end = nl ? nl : d + n;
		if (found) { /* the next marker ends the section */
			*end = d + i;
			return found;
		}
		size_t k = strlen(name);
		if ((size_t)(line_end - (d + i + 4)) == k && !memcmp(d + i + 4, name, k))
			found = nl ? nl + 1 : d + n;
	}
	*end = d + n;
	return found;
}

static void write_inputs(const uint8_t *data, size_t size)
{
	char path[HG_PATH_MAX];
	hg_err err = {0};
	hg_fuzz_path(path, sizeof path, fz.dir, "in/reference/imd2019");
	if (hg_mkdir_p(path, &err))
		hg_fuzz_fail("%s", err.msg);
	for (int s = 0; s < NSECT; s++) {
		const char *end;
		const char *p = find_section((const char *)data, size, sections[s], &end);
		hg_fuzz_path(path, sizeof path, fz.dir, files[s]);
		if (p)
			hg_fuzz_write(path, p, (size_t)(end - p));
		else
			remove(path);
	}
}

/* What ingest wrote must open, verify, add up and run. */
static void check_snapshot(const char *snap, const hg_ingest_result *res)
{
	const hg_ingest_counts *c[2] = {&res->persons, &res->events};
	for (int i = 0; i < 2; i++)
		if (c[i]->read != c[i]->accepted + c[i]->quarantined)
			hg_fuzz_fail("%s: read %llu != accepted %llu + quarantined %llu",
			             i ? "events" : "persons", (unsigned long long)c[i]->read,
			             (unsigned long long)c[i]->accepted,
			             (unsigned long long)c[i]->quarantined);
	hg_store st;
	hg_err err = {0};
	if (hg_store_open(&st, snap, &err))
		hg_fuzz_fail("the snapshot ingest wrote does not open: %s", err.msg);
	if (st.n_persons != res->persons.accepted || st.n_events != res->events.accepted)
		hg_fuzz_fail("the snapshot holds %llu persons and %llu events, ingest accepted "
		             "%llu and %llu",
		             (unsigned long long)st.n_persons, (unsigned long long)st.n_events,
		             (unsigned long long)res->persons.accepted,
		             (unsigned long long)res->events.accepted);
	hg_fuzz_run_pack(fz.pk, &st, 0, &err);
	hg_store_close(&st);
}

/* The value of "key=" in the options section into buf, or NULL. */
static const char *option(const uint8_t *data, size_t size, const char *key, char *buf, size_t cap)
{
	const char *end;
	const char *p = find_section((const char *)data, size, "options", &end);
	size_t k = strlen(key);
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if ((size_t)(e - p) > k && !memcmp(p, key, k) && p[k] == '=' &&
		    (size_t)(e - p - (ptrdiff_t)k) <= cap) {
			snprintf(buf, cap, "%.*s", (int)(e - p - (ptrdiff_t)k - 1), p + k + 1);
			return buf;
		}
		p = e + 1;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	write_inputs(data, size);
	char date_format[64], encoding[64];
	char persons[HG_PATH_MAX], events[HG_PATH_MAX], store[HG_PATH_MAX];
	hg_fuzz_path(persons, sizeof persons, fz.dir, files[0]);
	hg_fuzz_path(events, sizeof events, fz.dir, files[1]);
	hg_fuzz_path(store, sizeof store, fz.dir, "store");
	hg_ingest_params p;
	hg_ingest_defaults(&p);
	p.persons_path = persons;
	p.events_path = events;
	p.store_dir = store;
	p.key_file = fz.key;
	p.date_format = option(data, size, "date_format", date_format, sizeof date_format);
	p.encoding = option(data, size, "encoding", encoding, sizeof encoding);
	p.max_reject_rate = 1.0;
	p.extract_date = hg_date_from_ymd(2026, 3, 31);
	p.quiet = 1;
	p.threads = 1;
	hg_ingest_result res;
	hg_err err = {0};
	int rc = hg_ingest_run(&p, &res, &err);
	hg_fuzz_check_err(rc, &err, "hg_ingest_run");
	if (rc == 0 || rc == HG_EREJECT) {
		char snap[HG_PATH_MAX];
		hg_fuzz_path(snap, sizeof snap, store, res.snapshot);
		check_snapshot(snap, &res);
	}
	hg_rm_rf(store);
	return 0;
}
