/*
 * test_ingest_files.c: reading real-world exports (issue 12, section 5): the
 * separator detected from the header and used by the reader, the UTF-8 check
 * (the line of the first bad byte) and the Latin-1 / Windows-1252
 * conversion, the date formats (ISO date-times at midnight, DD/MM/YYYY only
 * when asked for, the hints for a value that fails), and an ingest of such
 * files end to end: what is stored, and the early stop.
 */
#include "core/csv.h"
#include "core/fs.h"
#include "ingest/ingest.h"
#include "ingest/validate.h"
#include "store/store.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hg_sv sv(const char *s)
{
	return (hg_sv){s, strlen(s)};
}

Test(ingest_files, separator_is_found_from_the_header_and_read)
{
	cr_assert_eq(hg_csv_sniff_delim("a,b,c\n1;2\n", 10), ',');
	cr_assert_eq(hg_csv_sniff_delim("person_id;date;code\n", 20), ';');
	cr_assert_eq(hg_csv_sniff_delim("a\tb\tc\n", 6), '\t');
	cr_assert_eq(hg_csv_sniff_delim("\"a;b\",c\n", 8), ',',
	             "separators in quotes do not count");
	cr_assert_eq(hg_csv_sniff_delim("one\n", 4), ',');
	cr_assert_str_eq(hg_csv_delim_name(';'), "semicolon");
	const char *text = "a;\"b;c\";d\n1;2;3\n";
	hg_csv c;
	hg_csv_open_mem(&c, "t", text, strlen(text), 1);
	c.delim = ';';
	cr_assert(hg_csv_next(&c));
	cr_assert_eq(c.nfields, 3);
	cr_assert(hg_sv_eq(c.fields[1], "b;c"));
	cr_assert(hg_csv_next(&c));
	cr_assert(hg_sv_eq(c.fields[2], "3"));
	hg_csv_close(&c);
}

Test(ingest_files, utf8_check_names_the_line_of_the_first_bad_byte)
{
	size_t off;
	uint64_t line;
	const char *ok =
	    "caf\xc3\xa9,\xe2\x82\xac,\xf0\x9f\x98\x80\nplain ascii text, long enough\n";
	cr_assert_eq(hg_csv_utf8_check(ok, strlen(ok), &off, &line), 0);
	const char *bad = "a,b\nabcdefghijkl,m\nP\xe9,1\n";
	cr_assert_eq(hg_csv_utf8_check(bad, strlen(bad), &off, &line), -1);
	cr_assert_eq(line, 3);
	cr_assert_eq(off, 20);
	const char *const invalid[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
	                               "\x80"};
	for (size_t k = 0; k < 5; k++)
		cr_assert_eq(hg_csv_utf8_check(invalid[k], strlen(invalid[k]), &off, &line), -1,
		             "case %zu", k);
}

Test(ingest_files, latin1_and_windows_1252_become_utf8)
{
	size_t n;
	char *u = hg_csv_latin1_to_utf8("caf\xe9 \x80 \x93x\x94", 10, &n);
	cr_assert_str_eq(u, "caf\xc3\xa9 \xe2\x82\xac \xe2\x80\x9cx\xe2\x80\x9d");
	cr_assert_eq(n, strlen(u));
	size_t off;
	uint64_t line;
	cr_assert_eq(hg_csv_utf8_check(u, n, &off, &line), 0);
	free(u);
}

Test(ingest_files, iso_dates_with_a_zero_time_are_dates)
{
	hg_datefmt f;
	hg_err err = {0};
	cr_assert_eq(hg_datefmt_init(&f, NULL, &err), 0);
	hg_date d;
	int prec;
	const char *const ok[] = {"1997-04-23",
	                          "1997-04-23 00:00:00",
	                          "1997-04-23T00:00:00",
	                          "1997-04-23T00:00:00Z",
	                          "1997-04-23 00:00",
	                          "1997-04-23 00:00:00.000",
	                          "1997-04-23T00:00:00+00:00"};
	for (size_t k = 0; k < 7; k++) {
		cr_assert_eq(hg_datefmt_read(&f, sv(ok[k]), 0, &d, &prec), 0, "%s", ok[k]);
		cr_assert_eq(d, hg_date_from_ymd(1997, 4, 23), "%s", ok[k]);
	}
	cr_assert_eq(hg_datefmt_read(&f, sv("1997-04-23 14:30:00"), 0, &d, NULL), -2);
	cr_assert_eq(hg_datefmt_read(&f, sv("1997-04-23 00:00:01"), 0, &d, NULL), -2);
	cr_assert_eq(hg_datefmt_read(&f, sv("1997-04-23 00:00:00.5"), 0, &d, NULL), -2);
	cr_assert_eq(hg_datefmt_read(&f, sv("23/04/1997"), 0, &d, NULL), -1);
	cr_assert_eq(hg_datefmt_read(&f, sv("1997-04-23 junk"), 0, &d, NULL), -1);
	cr_assert_eq(hg_datefmt_read(&f, sv("1997-04"), 1, &d, &prec), 0);
	cr_assert_eq(prec, HG_DATE_MONTH);
}

Test(ingest_files, day_first_dates_only_when_asked_for)
{
	hg_datefmt f;
	hg_err err = {0};
	hg_date d;
	int prec;
	cr_assert_eq(hg_datefmt_init(&f, "dd/mm/yyyy", &err), 0);
	cr_assert_str_eq(f.name, "DD/MM/YYYY");
	cr_assert_eq(hg_datefmt_read(&f, sv("01/02/2000"), 0, &d, NULL), 0);
	cr_assert_eq(d, hg_date_from_ymd(2000, 2, 1));
	cr_assert_eq(hg_datefmt_read(&f, sv("1/2/2000 00:00"), 0, &d, NULL), 0);
	cr_assert_eq(d, hg_date_from_ymd(2000, 2, 1));
	cr_assert_eq(hg_datefmt_read(&f, sv("31/02/2000"), 0, &d, NULL), -1);
	cr_assert_eq(hg_datefmt_read(&f, sv("2000-02-01"), 0, &d, NULL), -1);
	cr_assert_eq(hg_datefmt_init(&f, "MM/DD/YYYY", &err), 0);
	cr_assert_eq(hg_datefmt_read(&f, sv("01/02/2000"), 0, &d, NULL), 0);
	cr_assert_eq(d, hg_date_from_ymd(2000, 1, 2));
	cr_assert_eq(hg_datefmt_init(&f, "YYYYMMDD", &err), 0);
	cr_assert_eq(hg_datefmt_read(&f, sv("20000102"), 0, &d, NULL), 0);
	cr_assert_eq(d, hg_date_from_ymd(2000, 1, 2));
	cr_assert_eq(hg_datefmt_read(&f, sv("200001"), 1, &d, &prec), 0);
	cr_assert_eq(prec, HG_DATE_MONTH);
	cr_assert_eq(hg_datefmt_init(&f, "DD/MM", &err), HG_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "--date-format 'DD/MM' is not a date format"), "%s",
	                   err.msg);
}

Test(ingest_files, a_failing_date_says_which_format_reads_it)
{
	hg_datefmt iso, dmy;
	hg_err err = {0};
	cr_assert_eq(hg_datefmt_init(&iso, NULL, &err), 0);
	cr_assert_eq(hg_datefmt_init(&dmy, "DD/MM/YYYY", &err), 0);
	char b[400];
	hg_datefmt_expect(&iso, sv("23.04.1997"), 0, b, sizeof b);
	cr_assert_str_eq(b, "expected YYYY-MM-DD: it looks like DD.MM.YYYY or MM.DD.YYYY, which "
	                    "healthgap will not guess (01.02 is either): give --date-format "
	                    "DD.MM.YYYY or --date-format MM.DD.YYYY");
	hg_datefmt_expect(&iso, sv("19970423"), 0, b, sizeof b);
	cr_assert_str_eq(
	    b, "expected YYYY-MM-DD: it looks like YYYYMMDD: give --date-format YYYYMMDD");
	hg_datefmt_expect(&iso, sv("1997-13-01"), 1, b, sizeof b);
	cr_assert_str_eq(b, "expected YYYY-MM-DD or YYYY-MM");
	hg_datefmt_expect(&dmy, sv("1997-04-23"), 0, b, sizeof b);
	cr_assert_str_eq(b, "expected DD/MM/YYYY: it looks like YYYY-MM-DD, the default (leave out "
	                    "--date-format)");
	cr_assert_str_eq(
	    hg_date_shape_name(sv("1997-04-23 00:00")),
	    "YYYY-MM-DD hh:mm:ss (date-times: read as dates when the time is 00:00:00)");
	cr_assert_null(hg_date_shape_name(sv("yesterday")));
}

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hg_test_files_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	hg_rm_rf(dir);
}

static const char *put(const char *name, const char *text)
{
	static char path[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
	hg_err err;
	cr_assert_eq(hg_write_file(path[k], text, strlen(text), &err), 0);
	return path[k];
}

static int ingest(const char *persons, const char *events, const char *fmt, const char *enc,
                  hg_ingest_result *res, hg_err *err)
{
	hg_ingest_params p;
	hg_ingest_defaults(&p);
	p.persons_path = put("persons.csv", persons);
	p.events_path = put("events.csv", events);
	char store[600];
	snprintf(store, sizeof store, "%s/store", dir);
	p.store_dir = store;
	p.date_format = fmt;
	p.encoding = enc;
	p.quiet = 1;
	p.extract_date = hg_date_from_ymd(2025, 3, 31);
	return hg_ingest_run(&p, res, err);
}

TestSuite(ingest_run_files, .init = setup, .fini = teardown);

Test(ingest_run_files, an_excel_export_is_read_as_it_comes)
{
	/* semicolons, Windows-1252, DD/MM/YYYY, upper-case settings, CRLF */
	const char *persons = "person_id;date_of_birth;sex;ethnicity\r\n"
	                      "Jos\xe9;23/04/1997 00:00;1;A\r\n"
	                      "P2;02/05/1960;2;B\r\n";
	const char *events = "person_id;date;code;value;setting\r\n"
	                     "Jos\xe9;01/02/2020;x;1.5;GP\r\n"
	                     "P2;03/02/2020;y;;Apc\r\n";
	hg_ingest_result res;
	hg_err err = {0};
	cr_assert_eq(ingest(persons, events, "DD/MM/YYYY", "latin1", &res, &err), 0, "%s", err.msg);
	cr_assert_eq(res.persons.accepted, 2);
	cr_assert_eq(res.events.accepted, 2);
	hg_store s;
	char store[600];
	snprintf(store, sizeof store, "%s/store", dir);
	cr_assert_eq(hg_store_open(&s, store, &err), 0, "%s", err.msg);
	cr_assert_str_eq(hg_strtab_get(&s.person_ids, 0), "Jos\xc3\xa9");
	cr_assert_eq(s.dob[0], hg_date_from_ymd(1997, 4, 23));
	cr_assert_eq(s.ev_date[0], hg_date_from_ymd(2020, 2, 1));
	cr_assert_eq(s.ev_setting[0], HG_SET_GP);
	cr_assert_eq(s.ev_setting[1], HG_SET_APC);
	hg_store_close(&s);
}

Test(ingest_run_files, rows_all_failing_one_rule_stop_before_a_snapshot)
{
	hg_buf p = {0};
	hg_buf_puts(&p, "person_id,date_of_birth,sex\n");
	for (int i = 0; i < 1200; i++)
		hg_buf_printf(&p, "P%d,%02d/01/1950,1\n", i, 1 + i % 28);
	hg_ingest_result res;
	hg_err err = {0};
	cr_assert_eq(
	    ingest(hg_buf_cstr(&p), "person_id,date,code,value,setting\n", NULL, NULL, &res, &err),
	    HG_EINPUT);
	hg_buf_free(&p);
	cr_assert_not_null(strstr(err.msg, "persons.csv: the first 1,000 rows all fail the same "
	                                   "rule, so ingest stopped and wrote nothing: invalid "
	                                   "date (first at line 2, date_of_birth: '01/01/1950';"),
	                   "%s", err.msg);
	char store[600];
	snprintf(store, sizeof store, "%s/store", dir);
	cr_assert_not(hg_path_exists(store), "nothing is written");
	/* one good row among them: no early stop, the reject-rate gate decides */
	cr_assert_eq(ingest("person_id,date_of_birth,sex\nP0,01/01/1950,1\nP1,1950-01-01,1\n",
	                    "person_id,date,code,value,setting\n", NULL, NULL, &res, &err),
	             HG_EREJECT);
}
