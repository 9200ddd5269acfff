/*
 * test_store.c: a damaged store gets nothing (issue 11, defect 1). A small
 * store is ingested, then damaged in one way per case: every id and enum
 * column out of range, values that break the rules between columns, event
 * offsets, string-table offsets, unsorted or impossible dates, a tampered or
 * re-signed manifest, a truncated file. Opening must fail with HG_ECORRUPT
 * naming the file (and the row) and the fix, and verify must fail too,
 * without crashing (the suite runs again under ASan + UBSan).
 */
#include "core/date.h"
#include "core/fs.h"
#include "core/str.h"
#include "ingest/ingest.h"
#include "store/store.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];

static void setup(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/hg_test_store_XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void teardown(void)
{
	hg_rm_rf(tmp);
}

TestSuite(store, .init = setup, .fini = teardown);

static void put(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = 0;
	hg_mkdir_p(dir, NULL);
	cr_assert_eq(hg_write_file(path, text, strlen(text), NULL), 0);
}

/*
 * Four people (two practices, three LSOAs of deciles 1, 10 and 6 and one
 * without, two flags, one death) and five events (three of P1's, in date
 * order). Rows: P1 = 1, P2 = 2, P3 = 3, P4 = 4; offsets 0, 3, 4, 4, 5.
 */
static void make_inputs(void)
{
	put("reference/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv",
	    "LSOA code (2011),LSOA name (2011),Index of Multiple Deprivation (IMD) Decile\n"
	    "E01900001,One,1\nE01900002,Two,10\nE01900003,Three,6\n");
	put("persons.csv",
	    "person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,registered_to,"
	    "date_of_death,flag_a,flag_b\n"
	    "P1,1950-03-02,1,A,E01900001,A81001,2000-01-01,,,0,1\n"
	    "P2,1980-05-01,2,H,E01900002,A81002,2001-01-01,,,1,0\n"
	    "P3,1990-01-01,9,Z,E01900003,,,,,0,0\n"
	    "P4,1960-01-01,0,,,,,,2020-01-01,0,0\n");
	put("events.csv", "person_id,date,code,value,setting\n"
	                  "P1,2020-01-01,C2,,ae\n"
	                  "P1,2019-01-01,C1,150,gp\n"
	                  "P1,2021-06-01,C1,140,gp\n"
	                  "P2,2020-02-01,C3,,apc\n"
	                  "P4,2019-12-31,C1,,gp\n");
}

/* Ingest into tmp/NAME; the snapshot's directory goes to snap. */
static void make_store(const char *name, char *snap, size_t cap)
{
	char store[512], persons[512], events[512];
	snprintf(store, sizeof store, "%s/%s", tmp, name);
	snprintf(persons, sizeof persons, "%s/persons.csv", tmp);
	snprintf(events, sizeof events, "%s/events.csv", tmp);
	hg_ingest_params p;
	hg_ingest_defaults(&p);
	p.persons_path = persons;
	p.events_path = events;
	p.store_dir = store;
	p.quiet = 1;
	p.extract_date = hg_date_from_ymd(2025, 3, 31);
	hg_ingest_result res;
	hg_err err = {0};
	cr_assert_eq(hg_ingest_run(&p, &res, &err), 0, "%s", err.msg);
	snprintf(snap, cap, "%s/%s", store, res.snapshot);
}

/* Copy a file without fsync (ingest's fsyncs made 44 stores slow). */
static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *text = hg_read_file(from, &n, NULL);
	cr_assert_not_null(text, "%s", from);
	FILE *f = fopen(to, "wb");
	cr_assert_not_null(f, "%s", to);
	cr_assert_eq(fwrite(text, 1, n, f), n);
	fclose(f);
	free(text);
}

/* A copy of store tmp/good (CURRENT and its snapshot) at tmp/NAME. */
static void copy_store(const char *name, char *snap, size_t cap)
{
	char from[600], to[600];
	snprintf(to, sizeof to, "%s/%s/snap-000001", tmp, name);
	cr_assert_eq(hg_mkdir_p(to, NULL), 0);
	snprintf(from, sizeof from, "%s/good/CURRENT", tmp);
	snprintf(to, sizeof to, "%s/%s/CURRENT", tmp, name);
	copy_file(from, to);
	snprintf(from, sizeof from, "%s/good/snap-000001", tmp);
	DIR *d = opendir(from);
	cr_assert_not_null(d);
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			char a[900], b[900];
			snprintf(a, sizeof a, "%s/%s", from, e->d_name);
			snprintf(b, sizeof b, "%s/%s/snap-000001/%s", tmp, name, e->d_name);
			copy_file(a, b);
		}
	closedir(d);
	snprintf(snap, cap, "%s/%s/snap-000001", tmp, name);
}

static void file_path(char *out, size_t cap, const char *snap, const char *file)
{
	snprintf(out, cap, "%s/%s", snap, file);
}

/* Overwrite n bytes of a snapshot file at byte offset off. */
static void poke(const char *snap, const char *file, long off, const void *p, size_t n)
{
	char path[700];
	file_path(path, sizeof path, snap, file);
	int fd = open(path, O_WRONLY);
	cr_assert_geq(fd, 0, "%s", path);
	cr_assert_eq(pwrite(fd, p, n, off), (ssize_t)n);
	close(fd);
}

#define SET(file, T, index, value)                                                                 \
	do {                                                                                       \
		T v_ = (value);                                                                    \
		poke(snap, file, (long)(index) * (long)sizeof(T), &v_, sizeof v_);                 \
	} while (0)

static hg_date ymd(int y, int m, int d)
{
	return hg_date_from_ymd(y, m, d);
}

/* Rewrite the manifest through edit; resign: also write its checksum file, as
 * a careful forger would, so the checks behind the checksum are reached. */
static void manifest_edit(const char *snap, void (*edit)(json_t *), int resign)
{
	char path[700];
	file_path(path, sizeof path, snap, HG_STORE_MANIFEST);
	json_error_t je;
	json_t *m = json_load_file(path, 0, &je);
	cr_assert_not_null(m, "%s", je.text);
	edit(m);
	char *text = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(m);
	cr_assert_eq(hg_write_file(path, text, strlen(text), NULL), 0);
	if (resign) {
		char sum[66];
		hg_hash_hex(text, strlen(text), sum);
		strcat(sum, "\n");
		file_path(path, sizeof path, snap, HG_STORE_MANIFEST_SUM);
		cr_assert_eq(hg_write_file(path, sum, 65, NULL), 0);
	}
	free(text);
}

static void edit_persons(json_t *m)
{
	json_object_set_new(json_object_get(m, "counts"), "persons", json_integer(5));
}

static void edit_persons_huge(json_t *m)
{
	json_object_set_new(json_object_get(m, "counts"), "persons", json_integer(1LL << 40));
}

static void edit_events_negative(json_t *m)
{
	json_object_set_new(json_object_get(m, "counts"), "events", json_integer(-1));
}

static void edit_flags_65(json_t *m)
{
	json_t *f = json_array();
	for (int i = 0; i < 65; i++) {
		char name[16];
		snprintf(name, sizeof name, "f%d", i);
		json_array_append_new(f, json_string(name));
	}
	json_object_set_new(m, "flags", f);
}

static void edit_flag_long(json_t *m)
{
	char name[100];
	memset(name, 'x', 99);
	name[99] = 0;
	json_array_set_new(json_object_get(m, "flags"), 0, json_string(name));
}

static void edit_file_escape(json_t *m)
{
	json_t *files = json_object_get(m, "files");
	json_object_set(files, "../../x", json_object_get(files, "person.sex.u8"));
}

static void edit_not_object(json_t *m)
{
	json_object_set_new(m, "files", json_array());
}

/* A damage and what the error must say. */
typedef struct damage {
	const char *name;
	void (*apply)(const char *snap);
	const char *want[2];
} damage;

static void d_lsoa(const char *snap)
{
	SET("person.lsoa.u32", uint32_t, 0, 3); /* 3 LSOAs */
}
static void d_practice(const char *snap)
{
	SET("person.practice.u32", uint32_t, 1, 1000000);
}
static void d_code(const char *snap)
{
	SET("event.code.u32", uint32_t, 2, 3); /* 3 codes */
}
static void d_quintile(const char *snap)
{
	SET("person.imd_quintile.u8", uint8_t, 0, 6);
}
static void d_quintile_rule(const char *snap)
{
	SET("person.imd_quintile.u8", uint8_t, 0, 2); /* decile 1 */
}
static void d_decile(const char *snap)
{
	SET("person.imd_decile.u8", uint8_t, 2, 11);
}
static void d_decile_rule(const char *snap)
{
	SET("person.imd_decile.u8", uint8_t, 2, 5); /* the LSOA's is 6; quintile 3 holds */
}
static void d_sex(const char *snap)
{
	SET("person.sex.u8", uint8_t, 3, 3);
}
static void d_eth_group(const char *snap)
{
	SET("person.eth_group.u8", uint8_t, 1, HG_ETH_N);
}
static void d_eth_rule(const char *snap)
{
	SET("person.eth_group.u8", uint8_t, 1, HG_ETH_WHITE); /* category H: Asian */
}
static void d_eth_cat(const char *snap)
{
	SET("person.eth_cat.u8", uint8_t, 0, 'I');
}
static void d_setting(const char *snap)
{
	SET("event.setting.u8", uint8_t, 4, HG_SET_N);
}
static void d_month_only(const char *snap)
{
	SET("person.dob_month_only.u8", uint8_t, 1, 2);
}
static void d_lsoa_decile(const char *snap)
{
	SET("dict.lsoa_decile.u8", uint8_t, 1, 11);
}
static void d_flags(const char *snap)
{
	SET("person.flags.u64", uint64_t, 2, 1ULL << 5); /* 2 flags */
}
static void d_offset(const char *snap)
{
	SET("event.offset.u64", uint64_t, 1, 1ULL << 40);
}
static void d_offset_down(const char *snap)
{
	SET("event.offset.u64", uint64_t, 2, 2); /* 0, 3, 2, 4, 5 */
}
static void d_offset_end(const char *snap)
{
	SET("event.offset.u64", uint64_t, 4, 4); /* ends before the 5 events */
}
static void d_strtab_offset(const char *snap)
{
	SET("dict.code.str", uint32_t, 2, 0x7fffff); /* count, off[0], off[1] */
}
static void d_strtab_count(const char *snap)
{
	SET("dict.practice.str", uint32_t, 0, 0xffffffff);
}
static void d_strtab_nul(const char *snap)
{
	/* 3 codes of 2 characters: the data is 9 bytes after 4 + 16 */
	SET("dict.code.str", char, 4 + 16 + 8, 'x');
}
static void d_person_id_empty(const char *snap)
{
	/* 4 ids "P1".."P4" at 0, 3, 6, 9: the first becomes "" and the second
	 * starts at the first's old "1" (the data starts at 4 + 20) */
	SET("person.id.str", uint32_t, 2, 1);
	SET("person.id.str", char, 4 + 20, 0);
}
static void d_unsorted(const char *snap)
{
	SET("event.date.i32", int32_t, 0, ymd(2020, 6, 1)); /* after P1's next event */
}
static void d_before_birth(const char *snap)
{
	SET("event.date.i32", int32_t, 0, ymd(1950, 3, 1));
}
static void d_after_death(const char *snap)
{
	SET("event.date.i32", int32_t, 4, ymd(2020, 1, 2)); /* P4 died 2020-01-01 */
}
static void d_after_extract(const char *snap)
{
	SET("event.date.i32", int32_t, 3, ymd(2025, 4, 1));
}
static void d_dob(const char *snap)
{
	SET("person.dob.i32", int32_t, 0, ymd(1899, 12, 31));
}
static void d_dob_none(const char *snap)
{
	SET("person.dob.i32", int32_t, 2, HG_DATE_NONE);
}
static void d_death(const char *snap)
{
	SET("person.dod.i32", int32_t, 3, ymd(1959, 1, 1));
}
static void d_reg_from(const char *snap)
{
	SET("person.reg_from.i32", int32_t, 0, ymd(1949, 1, 1));
}
static void d_reg_to(const char *snap)
{
	SET("person.reg_to.i32", int32_t, 1, ymd(2000, 1, 1));
}
static void d_practice_unregistered(const char *snap)
{
	SET("person.reg_from.i32", int32_t, 1, HG_DATE_NONE);
}
static void d_truncated(const char *snap)
{
	char path[700];
	file_path(path, sizeof path, snap, "event.code.u32");
	cr_assert_eq(truncate(path, 16), 0);
}
static void d_missing_file(const char *snap)
{
	char path[700];
	file_path(path, sizeof path, snap, "person.sex.u8");
	cr_assert_eq(unlink(path), 0);
}
static void d_manifest_tampered(const char *snap)
{
	manifest_edit(snap, edit_persons, 0);
}
static void d_manifest_unsigned(const char *snap)
{
	char path[700];
	file_path(path, sizeof path, snap, HG_STORE_MANIFEST_SUM);
	cr_assert_eq(unlink(path), 0);
}
static void d_manifest_persons(const char *snap)
{
	manifest_edit(snap, edit_persons, 1);
}
static void d_manifest_persons_huge(const char *snap)
{
	manifest_edit(snap, edit_persons_huge, 1);
}
static void d_manifest_events(const char *snap)
{
	manifest_edit(snap, edit_events_negative, 1);
}
static void d_manifest_flags(const char *snap)
{
	manifest_edit(snap, edit_flags_65, 1);
}
static void d_manifest_flag_long(const char *snap)
{
	manifest_edit(snap, edit_flag_long, 1);
}
static void d_manifest_escape(const char *snap)
{
	manifest_edit(snap, edit_file_escape, 1);
}
static void d_manifest_files(const char *snap)
{
	manifest_edit(snap, edit_not_object, 1);
}

#define ROW_FIX "healthgap verify"

static const damage damages[] = {
    {"lsoa id", d_lsoa, {"person.lsoa.u32: row 1: not an LSOA", ROW_FIX}},
    {"practice id", d_practice, {"person.practice.u32: row 2: not a practice", ROW_FIX}},
    {"code id", d_code, {"event.code.u32: row 3 (an event of person 1): not a code", ROW_FIX}},
    {"quintile", d_quintile, {"person.imd_quintile.u8: row 1: not an IMD quintile", ROW_FIX}},
    {"quintile rule", d_quintile_rule, {"person.imd_quintile.u8: row 1: the IMD quintile", NULL}},
    {"decile", d_decile, {"person.imd_decile.u8: row 3: not an IMD decile", ROW_FIX}},
    {"decile rule", d_decile_rule, {"person.imd_decile.u8: row 3: the IMD decile is not", NULL}},
    {"sex", d_sex, {"person.sex.u8: row 4: not a sex code", ROW_FIX}},
    {"ethnic group", d_eth_group, {"person.eth_group.u8: row 2: not an ethnic group", NULL}},
    {"ethnic group rule", d_eth_rule, {"person.eth_group.u8: row 2: the ethnic group", NULL}},
    {"ethnic category", d_eth_cat, {"person.eth_cat.u8: row 1: not an ethnic category", NULL}},
    {"setting", d_setting, {"event.setting.u8: row 5 (an event of person 4): not a setting", NULL}},
    {"month only", d_month_only, {"person.dob_month_only.u8: row 2", NULL}},
    {"LSOA decile", d_lsoa_decile, {"dict.lsoa_decile.u8: row 2: not an IMD decile", NULL}},
    {"flags", d_flags, {"person.flags.u64: row 3", NULL}},
    {"offset", d_offset, {"event.offset.u64: row 3: event offsets", ROW_FIX}},
    {"offset falling", d_offset_down, {"event.offset.u64: row 3: event offsets", NULL}},
    {"offset end", d_offset_end, {"event.offset.u64: row 5: event offsets", NULL}},
    {"string offset", d_strtab_offset, {"dict.code.str: string 1: offset", ROW_FIX}},
    {"string count", d_strtab_count, {"dict.practice.str: truncated string table", NULL}},
    {"string NUL", d_strtab_nul, {"dict.code.str: string 3: not NUL-terminated", NULL}},
    {"empty id", d_person_id_empty, {"person.id.str: string 1: empty", NULL}},
    {"unsorted dates",
     d_unsorted,
     {"event.date.i32: row 2 (an event of person 1): the person's "
      "events are not in date order",
      ROW_FIX}},
    {"before birth",
     d_before_birth,
     {"event.date.i32: row 1", "before the person's date of birth"}},
    {"after death", d_after_death, {"event.date.i32: row 5", "after the person's date of death"}},
    {"after extract", d_after_extract, {"event.date.i32: row 4", "or the extract date"}},
    {"dob", d_dob, {"person.dob.i32: row 1: not a date of birth from 1900-01-01", NULL}},
    {"dob none", d_dob_none, {"person.dob.i32: row 3: not a date of birth", NULL}},
    {"death", d_death, {"person.dod.i32: row 4: the date of death is before", NULL}},
    {"registration", d_reg_from, {"person.reg_from.i32: row 1: registration starts", NULL}},
    {"registration end", d_reg_to, {"person.reg_to.i32: row 2: registration ends", NULL}},
    {"practice, no registration", d_practice_unregistered, {"person.reg_from.i32: row 2", NULL}},
    {"truncated", d_truncated, {"event.code.u32: 16 bytes, but the manifest lists 20", ROW_FIX}},
    {"missing file", d_missing_file, {"person.sex.u8", NULL}},
    {"manifest tampered", d_manifest_tampered, {"does not match its checksum", ROW_FIX}},
    {"manifest unsigned", d_manifest_unsigned, {"manifest.blake2b: missing", "re-ingest"}},
    {"manifest persons", d_manifest_persons, {"person.dob.i32: 16 bytes, but", "5 rows"}},
    {"manifest persons huge", d_manifest_persons_huge, {"counts.persons is not", NULL}},
    {"manifest events", d_manifest_events, {"counts.events is not", NULL}},
    {"manifest flags", d_manifest_flags, {"flags must be a list of at most 64", NULL}},
    {"manifest flag name", d_manifest_flag_long, {"flag 1 is not a name", NULL}},
    {"manifest file name", d_manifest_escape, {"is not a plain name", NULL}},
    {"manifest files", d_manifest_files, {"no \"files\" object", NULL}},
};

Test(store, every_damage_is_an_error_at_open_and_verify)
{
	make_inputs();
	char snap[600];
	make_store("good", snap, sizeof snap);
	hg_store s;
	hg_err err = {0};
	cr_assert_eq(hg_store_open(&s, snap, &err), 0, "the undamaged store: %s", err.msg);
	cr_assert_eq(s.n_persons, 4);
	cr_assert_eq(s.n_events, 5);
	cr_assert_eq(s.codes.n, 3);
	cr_assert_eq(s.lsoas.n, 3);
	cr_assert_eq(s.n_flags, 2);
	hg_store_close(&s);
	cr_assert_eq(hg_store_verify(snap, NULL, NULL, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < sizeof damages / sizeof *damages; i++) {
		const damage *d = &damages[i];
		char name[32];
		snprintf(name, sizeof name, "store%zu", i);
		copy_store(name, snap, sizeof snap);
		d->apply(snap);
		err = (hg_err){0};
		int rc = hg_store_open(&s, snap, &err);
		cr_expect_eq(rc, HG_ECORRUPT, "%s: open gave %d: %s", d->name, rc, err.msg);
		for (int k = 0; k < 2; k++)
			cr_expect(!d->want[k] || strstr(err.msg, d->want[k]),
			          "%s: the message should say '%s': %s", d->name, d->want[k],
			          err.msg);
		/* the store root opens its CURRENT snapshot: the same error */
		char root[600];
		snprintf(root, sizeof root, "%s/%s", tmp, name);
		hg_err e2 = {0};
		cr_expect_neq(hg_store_open(&s, root, &e2), 0, "%s: open of the store", d->name);
		/* verify hashes first: never a crash, always a failure */
		e2 = (hg_err){0};
		cr_expect_eq(hg_store_verify(root, NULL, NULL, &e2), HG_ECORRUPT, "%s: verify: %s",
		             d->name, e2.msg);
	}
}

/* Checksums first: a column changed in place is named by verify even where
 * open finds nothing wrong (a sex code swapped for another). */
Test(store, verify_names_every_changed_file)
{
	make_inputs();
	char snap[600];
	make_store("s", snap, sizeof snap);
	SET("person.sex.u8", uint8_t, 0, HG_SEX_FEMALE);
	SET("event.value.f32", float, 1, 1.0f);
	hg_store s;
	hg_err err = {0};
	cr_assert_eq(hg_store_open(&s, snap, &err), 0, "in range, so open accepts it: %s", err.msg);
	hg_store_close(&s);
	int n = 0;
	char name[64];
	cr_assert_eq(hg_store_verify(snap, &n, name, &err), HG_ECORRUPT);
	cr_expect(strstr(err.msg, "2 of "), "%s", err.msg);
	cr_expect(strstr(err.msg, "person.sex.u8: checksum mismatch"), "%s", err.msg);
	cr_expect(strstr(err.msg, "event.value.f32: checksum mismatch"), "%s", err.msg);
	cr_expect_str_eq(name, "snap-000001");
}

/* A FIFO in place of a listed file: verify names it rather than blocking. */
Test(store, verify_does_not_block_on_a_fifo)
{
	make_inputs();
	char snap[600], path[700];
	make_store("s", snap, sizeof snap);
	file_path(path, sizeof path, snap, "quarantine_events.csv");
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(mkfifo(path, 0600), 0);
	hg_err err = {0};
	cr_assert_eq(hg_store_verify(snap, NULL, NULL, &err), HG_ECORRUPT);
	cr_expect(strstr(err.msg, "quarantine_events.csv: not a regular file"), "%s", err.msg);
	file_path(path, sizeof path, snap, HG_STORE_MANIFEST_SUM);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(hg_store_verify(snap, NULL, NULL, &err), HG_ECORRUPT);
	cr_expect(strstr(err.msg, "not a regular file"), "%s", err.msg);
}

/* The checks run over ranges of persons in threads: the error is the first
 * row whatever the number of threads (here one range and two: a range is at
 * least 262,144 persons). */
Test(store, the_first_fault_is_reported_whatever_the_threads)
{
	hg_buf p = {0}, e = {0};
	hg_buf_puts(&p, "person_id,date_of_birth,sex\n");
	hg_buf_puts(&e, "person_id,date,code,value,setting\n");
	for (int i = 0; i < 280000; i++) {
		hg_buf_printf(&p, "P%d,1960-01-01,1\n", i);
		if (i % 4 == 0)
			hg_buf_printf(&e, "P%d,2020-01-01,C%d,,gp\n", i, i % 7);
	}
	put("persons.csv", hg_buf_cstr(&p));
	put("events.csv", hg_buf_cstr(&e));
	hg_buf_free(&p);
	hg_buf_free(&e);
	char snap[600];
	make_store("s", snap, sizeof snap);
	SET("person.sex.u8", uint8_t, 270000, 7);
	SET("person.sex.u8", uint8_t, 260000, 7);
	SET("event.code.u32", uint32_t, 50000, 99); /* person 200001 */
	const char *threads[] = {"1", "2", "5"};
	for (int t = 0; t < 3; t++) {
		setenv("HEALTHGAP_THREADS", threads[t], 1);
		hg_store s;
		hg_err err = {0};
		cr_assert_eq(hg_store_open(&s, snap, &err), HG_ECORRUPT);
		cr_expect(strstr(err.msg, "event.code.u32: row 50001 (an event of person 200001)"),
		          "%s threads: %s", threads[t], err.msg);
	}
	unsetenv("HEALTHGAP_THREADS");
}
