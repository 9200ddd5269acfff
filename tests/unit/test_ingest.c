/*
 * test_ingest.c: ingest into a store and read it back: validation and
 * quarantine reconciliation, pseudonymisation, IMD join, event ordering,
 * the rejection-rate gate, and parallel/sequential equivalence.
 */
#include "core/fs.h"
#include "core/str.h"
#include "ingest/ingest.h"
#include "ingest/pseudo.h"
#include "store/store.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];

static void setup(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/hg_test_ingest_XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void teardown(void)
{
	hg_rm_rf(tmp);
}

static void put(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = 0;
	hg_mkdir_p(dir, NULL);
	hg_err err;
	cr_assert_eq(hg_write_file(path, text, strlen(text), &err), 0);
}

static char *path_of(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
	return buf[k];
}

static int run(hg_ingest_result *res, double rate, const char *key, hg_err *err)
{
	hg_ingest_params p;
	hg_ingest_defaults(&p);
	p.persons_path = path_of("persons.csv");
	p.events_path = path_of("events.csv");
	p.store_dir = path_of("store");
	p.max_reject_rate = rate;
	p.key_file = key;
	p.quiet = 1;
	p.extract_date = hg_date_from_ymd(2025, 3, 31);
	return hg_ingest_run(&p, res, err);
}

static const char *IMD_FILE =
    "\xEF\xBB\xBFLSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
    "Index of Multiple Deprivation (IMD) Decile\n"
    "E01900001,Synthetic 1,E06900001,Synthetic,\"1,234\",1\n"
    "E01900002,Synthetic 2,E06900001,Synthetic,\"30,001\",10\n"
    "E01900003,Synthetic 3,E06900001,Synthetic,\"15,000\",6\n";

TestSuite(ingest, .init = setup, .fini = teardown);

Test(ingest, reconciles_and_quarantines_every_kind)
{
	put("reference/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv", IMD_FILE);
	put("persons.csv",
	    "person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,registered_to,"
	    "date_of_death,flag_homeless\n"
	    "P1,1950-03-02,1,A,E01900001,A81001,2000-01-01,,,0\n"            /* ok */
	    "P2,1980-05,F,,E01900002,A81001,2001-01-01,,2020-01-01,1\n"      /* ok, warning */
	    "P3,1990-01-01,X,A,E01900001,A81001,2000-01-01,,,0\n"            /* sex */
	    "P1,1950-03-02,1,A,E01900001,A81001,2000-01-01,,,0\n"            /* duplicate */
	    "P5,1899-12-31,1,A,E01900001,A81001,2000-01-01,,,0\n"            /* range */
	    "P6,1960-01-01,1,Q,E01900001,A81001,2000-01-01,,,0\n"            /* ethnicity */
	    "P7,1960-01-01,1,A,E0190001,A81001,2000-01-01,,,0\n"             /* lsoa */
	    "P8,1960-01-01,1,A,E01900001,81001,2000-01-01,,,0\n"             /* practice */
	    "P9,1960-01-01,1,A,E01900001,A81001,2000-01-01,1999-01-01,,0\n"  /* reg order */
	    "P10,1960-01-01,1,A,E01900001,A81001,2000-01-01,,1950-01-01,0\n" /* death<birth */
	    "P11,1960-01-01,1,A,E01900001,A81001,2000-01-01,,,2\n"           /* flag */
	    "P12,1960-01-01,1,A,E01900001,A81001,2000-01-01,,\n"             /* shape */
	    "P13,1960-01-01,1,A,E01999999,,,,,0\n"); /* ok: unmatched, no practice */
	put("events.csv", "person_id,date,code,value,setting\n"
	                  "P1,2020-01-01,38341003,,gp\n"
	                  "P1,2019-01-01,72313002,150,gp\n"
	                  "P2,2021-01-01,38341003,,gp\n" /* after death */
	                  "P99,2020-01-01,x,,gp\n"       /* unknown person */
	                  "P3,2020-01-01,x,,gp\n"        /* person was rejected */
	                  "P1,2020-01-01,x,abc,gp\n"     /* value */
	                  "P1,2020-01-01,x,1,zz\n"       /* setting */
	                  "P1,2026-01-01,x,1,gp\n"       /* after extract date */
	                  "P1,1949-01-01,x,1,gp\n"       /* before birth */
	                  "P1,2020-01-01,,1,gp\n"        /* code */
	                  "P13,2020-02-01,22298006,,apc\n");
	hg_ingest_result res;
	hg_err err = {0};
	cr_assert_eq(run(&res, 1.0, NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(res.persons.read, 13);
	cr_assert_eq(res.persons.accepted, 3);
	cr_assert_eq(res.persons.quarantined, 10);
	cr_assert_eq(res.events.read, 11);
	cr_assert_eq(res.events.accepted, 3);
	cr_assert_eq(res.events.quarantined, 8);
	cr_assert(res.published);

	size_t n;
	char q[600];
	snprintf(q, sizeof q, "%s/store/%s/quarantine_persons.csv", tmp, res.snapshot);
	char *text = hg_read_file(q, &n, &err);
	cr_assert_not_null(text);
	int lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += text[i] == '\n';
	cr_assert_eq(lines, 11, "header + 10 rejected rows");
	cr_assert_not_null(strstr(text, "4,sex,invalid sex code,"));
	cr_assert_not_null(strstr(text, "5,person_id,duplicate person,"));
	cr_assert_not_null(
	    strstr(text, "13,(record),\"wrong number of fields: 9 fields, header has 10\""));
	free(text);

	hg_store s;
	cr_assert_eq(hg_store_open(&s, path_of("store"), &err), 0, "%s", err.msg);
	cr_assert_eq(s.n_persons, 3);
	cr_assert_str_eq(s.imd_version, "IMD2019");
	cr_assert_eq(s.imd_decile[0], 1);
	cr_assert_eq(s.imd_quintile[0], 1);
	cr_assert_eq(s.imd_decile[1], 10);
	cr_assert_eq(s.imd_quintile[1], 5);
	cr_assert_eq(s.imd_decile[2], 0, "unmatched LSOA: unknown IMD");
	cr_assert_eq(s.practice[2], HG_NONE32);
	cr_assert_eq(s.dob_month_only[1], 1);
	cr_assert_eq(s.dob[1], hg_date_from_ymd(1980, 5, 1));
	cr_assert_eq(s.eth_group[1], HG_ETH_NOT_STATED);
	cr_assert_eq(s.flags[1], 1);
	cr_assert_str_eq(s.flag_names[0], "homeless");
	cr_assert_eq(s.reg_to[0], HG_DATE_NONE);
	/* events sorted by person then date */
	cr_assert_eq(s.ev_off[1] - s.ev_off[0], 2);
	cr_assert_eq(s.ev_date[0], hg_date_from_ymd(2019, 1, 1));
	cr_assert(fabsf(s.ev_value[0] - 150.0f) < 1e-6f);
	cr_assert(isnan(s.ev_value[1]));
	cr_assert_str_eq(hg_strtab_get(&s.codes, s.ev_code[1]), "38341003");
	cr_assert_eq(s.ev_setting[2], HG_SET_APC);
	hg_store_close(&s);
	int nf;
	char snap[64];
	cr_assert_eq(hg_store_verify(path_of("store"), &nf, snap, &err), 0, "%s", err.msg);
	cr_assert_gt(nf, 20);
	cr_assert_str_eq(snap, res.snapshot);
}

static int file_contains(const char *path, const char *needle)
{
	size_t n;
	char *t = hg_read_file(path, &n, NULL);
	if (!t)
		return 0;
	int found = memmem(t, n, needle, strlen(needle)) != NULL;
	free(t);
	return found;
}

Test(ingest, nhs_numbers_are_pseudonymised_everywhere)
{
	char key[600];
	snprintf(key, sizeof key, "%s/key", tmp);
	hg_err err = {0};
	cr_assert_eq(hg_key_generate(key, &err), 0, "%s", err.msg);
	cr_assert_neq(hg_key_generate(key, &err), 0, "must refuse to overwrite a key");
	put("persons.csv", "nhs_number,date_of_birth,sex\n"
	                   "9434765919,1950-01-01,1\n"
	                   "943 476 5870,1960-01-01,2\n"
	                   "9434765918,1970-01-01,2\n"); /* fails modulus 11 */
	put("events.csv", "nhs_number,date,code,value,setting\n"
	                  "9434765919,2020-01-01,38341003,,gp\n"
	                  "9434765870,2020-01-01,38341003,x,gp\n"); /* bad value */
	hg_ingest_result res;
	cr_assert_eq(run(&res, 1.0, NULL, &err), HG_EUSAGE, "no key: refuse");
	cr_assert_eq(run(&res, 1.0, key, &err), 0, "%s", err.msg);
	cr_assert_eq(res.persons.accepted, 2);
	cr_assert_eq(res.events.accepted, 1);
	char dir[600];
	snprintf(dir, sizeof dir, "%s/store/%s", tmp, res.snapshot);
	const char *files[] = {"person.id.str", "quarantine_persons.csv", "quarantine_events.csv",
	                       "manifest.json"};
	for (int i = 0; i < 4; i++) {
		char p[700];
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		cr_assert(hg_path_exists(p));
		cr_assert_not(file_contains(p, "9434765919"), "%s leaks an NHS number", files[i]);
		cr_assert_not(file_contains(p, "9434765918"), "%s leaks an NHS number", files[i]);
		cr_assert_not(file_contains(p, "9434765870"), "%s leaks an NHS number", files[i]);
	}
	char p[700];
	snprintf(p, sizeof p, "%s/quarantine_persons.csv", dir);
	cr_assert(file_contains(p, "**********,1970-01-01,2"));
	hg_key k;
	cr_assert_eq(hg_key_load(&k, key, &err), 0);
	char pseudo[65];
	hg_pseudonymise(&k, "9434765919", pseudo);
	hg_store s;
	cr_assert_eq(hg_store_open(&s, path_of("store"), &err), 0, "%s", err.msg);
	cr_assert_str_eq(hg_strtab_get(&s.person_ids, 0), pseudo);
	cr_assert_eq(s.ev_off[1], 1, "event linked through the NHS number");
	hg_store_close(&s);
}

Test(ingest, reject_rate_gate_keeps_previous_snapshot_current)
{
	put("persons.csv", "person_id,date_of_birth,sex\nA,1950-01-01,1\nB,1950-01-01,1\n");
	put("events.csv", "person_id,date,code,value,setting\nA,2020-01-01,c,,gp\n");
	hg_ingest_result res;
	hg_err err = {0};
	cr_assert_eq(run(&res, 0.01, NULL, &err), 0, "%s", err.msg);
	cr_assert_str_eq(res.snapshot, "snap-000001");
	put("persons.csv", "person_id,date_of_birth,sex\nA,1950-01-01,1\nB,1950-13-01,1\n");
	cr_assert_eq(run(&res, 0.01, NULL, &err), HG_EREJECT);
	cr_assert_str_eq(res.snapshot, "snap-000002");
	cr_assert_not(res.published);
	cr_assert_not_null(strstr(err.msg, "not made current"));
	hg_store s;
	cr_assert_eq(hg_store_open(&s, path_of("store"), &err), 0, "%s", err.msg);
	cr_assert_str_eq(s.snapshot, "snap-000001");
	cr_assert_eq(s.n_persons, 2);
	hg_store_close(&s);
	char q[600];
	snprintf(q, sizeof q, "%s/store/snap-000002/quarantine_persons.csv", tmp);
	cr_assert(file_contains(q, "B,1950-13-01,1"), "rejected rows are kept");
}

Test(ingest, parallel_parse_matches_sequential)
{
	hg_buf p = {0}, e = {0};
	hg_buf_puts(&p, "person_id,date_of_birth,sex\n");
	for (int i = 0; i < 2000; i++)
		hg_buf_printf(&p, "P%d,19%02d-01-01,%d\n", i, 20 + i % 70, 1 + i % 2);
	hg_buf_puts(&e, "person_id,date,code,value,setting\n");
	for (int i = 0; i < 60000; i++) /* > 1 MiB, so it is split */
		hg_buf_printf(&e, "P%d,20%02d-%02d-01,C%d,%s,%s\n", (i * 7919) % 2100, 10 + i % 15,
		              1 + i % 12, i % 300, i % 3 ? "120" : "", i % 997 ? "gp" : "bad");
	put("persons.csv", hg_buf_cstr(&p));
	put("events.csv", hg_buf_cstr(&e));
	hg_buf_free(&p);
	hg_buf_free(&e);
	char hashes[2][5][65];
	for (int t = 0; t < 2; t++) {
		hg_ingest_params prm;
		hg_ingest_defaults(&prm);
		prm.persons_path = path_of("persons.csv");
		prm.events_path = path_of("events.csv");
		prm.store_dir = path_of("store");
		prm.max_reject_rate = 1;
		prm.quiet = 1;
		prm.threads = t ? 2 : 1;
		hg_ingest_result res;
		hg_err err = {0};
		cr_assert_eq(hg_ingest_run(&prm, &res, &err), 0, "%s", err.msg);
		cr_assert_eq(res.events.read, 60000);
		cr_assert_eq(res.events.read, res.events.accepted + res.events.quarantined);
		const char *f[] = {"event.date.i32", "event.code.u32", "event.offset.u64",
		                   "dict.code.str", "quarantine_events.csv"};
		for (int i = 0; i < 5; i++) {
			char path[700];
			snprintf(path, sizeof path, "%s/store/%s/%s", tmp, res.snapshot, f[i]);
			cr_assert_eq(hg_hash_file_hex(path, hashes[t][i], &err), 0);
		}
	}
	for (int i = 0; i < 5; i++)
		cr_assert_str_eq(hashes[0][i], hashes[1][i], "file %d differs", i);
	hg_store s;
	hg_err err = {0};
	cr_assert_eq(hg_store_open(&s, path_of("store"), &err), 0, "%s", err.msg);
	for (uint64_t p2 = 0; p2 < s.n_persons; p2++)
		for (uint64_t i = s.ev_off[p2] + 1; i < s.ev_off[p2 + 1]; i++)
			cr_assert_leq(s.ev_date[i - 1], s.ev_date[i]);
	hg_store_close(&s);
}

Test(ingest, header_errors_name_file_and_line)
{
	put("persons.csv", "id,dob\n1,2\n");
	put("events.csv", "person_id,date,code,value,setting\n");
	hg_ingest_result res;
	hg_err err = {0};
	cr_assert_eq(run(&res, 1, NULL, &err), HG_EINPUT);
	cr_assert_not_null(strstr(err.msg, "persons.csv:1:"), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "person_id"), "%s", err.msg);
}

/* Issue 11: a FIFO as key file is refused at once (reading it blocked ingest
 * until a writer came, and took whatever key that writer sent). */
Test(ingest, key_file_must_be_a_regular_file)
{
	char key[600];
	snprintf(key, sizeof key, "%s/key.fifo", tmp);
	cr_assert_eq(mkfifo(key, 0600), 0);
	hg_key k;
	hg_err err = {0};
	cr_assert_eq(hg_key_load(&k, key, &err), HG_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "not a regular file"), "%s", err.msg);
	/* the other checks still hold: mode, and the contents */
	snprintf(key, sizeof key, "%s/key.open", tmp);
	put("key.open", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
	cr_assert_eq(chmod(key, 0644), 0);
	cr_assert_eq(hg_key_load(&k, key, &err), HG_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "chmod 600"), "%s", err.msg);
	cr_assert_eq(chmod(key, 0600), 0);
	cr_assert_eq(hg_key_load(&k, key, &err), 0, "%s", err.msg);
	put("key.long", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	                "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
	snprintf(key, sizeof key, "%s/key.long", tmp);
	cr_assert_eq(chmod(key, 0600), 0);
	cr_assert_eq(hg_key_load(&k, key, &err), HG_EINPUT);
}
