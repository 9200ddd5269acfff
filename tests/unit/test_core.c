/*
 * test_core.c: dates, CSV reading and writing, dictionaries, NHS numbers.
 */
#include "core/csv.h"
#include "core/date.h"
#include "core/dict.h"
#include "core/str.h"
#include "ingest/ingest.h"
#include "ingest/validate.h"
#include "store/store.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

Test(core_date, round_trip_and_epoch)
{
	cr_assert_eq(hg_date_from_ymd(1970, 1, 1), 0);
	cr_assert_eq(hg_date_from_ymd(2000, 3, 1) - hg_date_from_ymd(2000, 2, 28), 2);
	for (hg_date t = hg_date_from_ymd(1899, 12, 1); t < hg_date_from_ymd(2101, 1, 1); t += 17) {
		int y, m, d;
		hg_date_to_ymd(t, &y, &m, &d);
		cr_assert_eq(hg_date_from_ymd(y, m, d), t);
	}
}

Test(core_date, parse_rules)
{
	hg_date t;
	int prec;
	cr_assert_eq(hg_date_parse("2024-02-29", 10, 0, &t, &prec), 0);
	cr_assert_eq(prec, HG_DATE_DAY);
	cr_assert_eq(hg_date_parse("2023-02-29", 10, 0, &t, NULL), -1);
	cr_assert_eq(hg_date_parse("2021-13-01", 10, 0, &t, NULL), -1);
	cr_assert_eq(hg_date_parse("2021-1-01", 9, 0, &t, NULL), -1);
	cr_assert_eq(hg_date_parse("2021-06", 7, 0, &t, NULL), -1);
	cr_assert_eq(hg_date_parse("2021-06", 7, 1, &t, &prec), 0);
	cr_assert_eq(prec, HG_DATE_MONTH);
	cr_assert_eq(t, hg_date_from_ymd(2021, 6, 1));
	char buf[11];
	cr_assert_str_eq(hg_date_format(hg_date_from_ymd(1901, 7, 9), buf), "1901-07-09");
	cr_assert_str_eq(hg_date_format(HG_DATE_NONE, buf), "");
}

Test(core_date, months_and_age)
{
	hg_date jan31 = hg_date_from_ymd(2023, 1, 31);
	cr_assert_eq(hg_date_add_months(jan31, 1), hg_date_from_ymd(2023, 2, 28));
	cr_assert_eq(hg_date_add_months(jan31, -12), hg_date_from_ymd(2022, 1, 31));
	cr_assert_eq(hg_date_add_months(hg_date_from_ymd(2024, 3, 31), -1),
	             hg_date_from_ymd(2024, 2, 29));
	hg_date dob = hg_date_from_ymd(1946, 6, 15);
	cr_assert_eq(hg_age_years(dob, hg_date_from_ymd(2026, 6, 14)), 79);
	cr_assert_eq(hg_age_years(dob, hg_date_from_ymd(2026, 6, 15)), 80);
}

static int next_fields(hg_csv *c, const char *const *want, size_t n)
{
	if (hg_csv_next(c) != 1 || c->nfields != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (c->fields[i].n != strlen(want[i]) ||
		    memcmp(c->fields[i].p, want[i], c->fields[i].n) != 0)
			return 0;
	return 1;
}

Test(core_csv, quotes_newlines_crlf_bom)
{
	const char in[] = "\xEF\xBB\xBF"
	                  "a,b,c\r\n"
	                  "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
	                  "\r\n"
	                  "2,\"two\nlines\",\r\n"
	                  "3,,last";
	hg_csv c;
	hg_csv_open_mem(&c, "t.csv", in, sizeof in - 1, 1);
	cr_assert(next_fields(&c, (const char *[]){"a", "b", "c"}, 3));
	cr_assert_eq(c.line, 1);
	cr_assert(next_fields(&c, (const char *[]){"1", "x, y", "say \"hi\""}, 3));
	cr_assert_eq(c.line, 2);
	cr_assert_null(c.malformed);
	cr_assert(next_fields(&c, (const char *[]){"2", "two\nlines", ""}, 3));
	cr_assert_eq(c.line, 4, "record after a blank line starts on line 4, got %llu",
	             (unsigned long long)c.line);
	cr_assert(next_fields(&c, (const char *[]){"3", "", "last"}, 3));
	cr_assert_eq(c.line, 6);
	cr_assert_eq(c.rec_len, strlen("3,,last"));
	cr_assert_eq(hg_csv_next(&c), 0);
	hg_csv_close(&c);
}

Test(core_csv, malformed_quoting_is_reported)
{
	const char in[] = "a,b\n1,x\"y\n2,\"open\n";
	hg_csv c;
	hg_csv_open_mem(&c, "t.csv", in, sizeof in - 1, 1);
	cr_assert_eq(hg_csv_next(&c), 1);
	cr_assert_eq(hg_csv_next(&c), 1);
	cr_assert_not_null(c.malformed);
	cr_assert_eq(hg_csv_next(&c), 1);
	cr_assert_str_eq(c.malformed, "unterminated quoted field");
	cr_assert_eq(c.line, 3);
	hg_csv_close(&c);
}

Test(core_csv, writer_quotes_when_needed)
{
	hg_buf b = {0};
	const char *row[] = {"plain", "a,b", "q\"q", "nl\n"};
	hg_csv_put_row(&b, row, 4);
	cr_assert_str_eq(hg_buf_cstr(&b), "plain,\"a,b\",\"q\"\"q\",\"nl\n\"\n");
	hg_csv c;
	hg_csv_open_mem(&c, "w", b.p, b.n, 1);
	cr_assert(next_fields(&c, row, 4));
	hg_csv_close(&c);
	hg_buf_free(&b);
}

Test(core_dict, intern_and_find)
{
	hg_dict d;
	hg_dict_init(&d);
	char key[32];
	for (int i = 0; i < 50000; i++) {
		int n = snprintf(key, sizeof key, "code%d", i);
		int ins;
		cr_assert_eq(hg_dict_intern(&d, key, (size_t)n, &ins), (uint32_t)i);
		cr_assert(ins);
	}
	int ins;
	cr_assert_eq(hg_dict_intern(&d, "code123", 7, &ins), 123);
	cr_assert_not(ins);
	cr_assert_eq(hg_dict_find(&d, "code49999", 9), 49999);
	cr_assert_eq(hg_dict_find(&d, "nope", 4), HG_DICT_MISSING);
	cr_assert_str_eq(hg_dict_key(&d, 7), "code7");
	hg_dict_free(&d);
}

Test(core_str, strict_numbers)
{
	double v;
	int64_t i;
	cr_assert_eq(hg_parse_double(hg_sv_from(" 140.5 "), &v), 0);
	cr_assert_float_eq(v, 140.5, 1e-12);
	cr_assert_eq(hg_parse_double(hg_sv_from("12abc"), &v), -1);
	cr_assert_eq(hg_parse_double(hg_sv_from(""), &v), -1);
	cr_assert_eq(hg_parse_double(hg_sv_from("nan"), &v), -1);
	cr_assert_eq(hg_parse_int64(hg_sv_from("-42"), &i), 0);
	cr_assert_eq(i, -42);
	cr_assert_eq(hg_parse_int64(hg_sv_from("4.2"), &i), -1);
	hg_buf b = {0};
	hg_buf_put_double(&b, 0.1);
	hg_buf_putc(&b, ' ');
	hg_buf_put_double(&b, NAN);
	cr_assert_str_eq(hg_buf_cstr(&b), "0.10000000000000001 NA");
	hg_buf_free(&b);
}

/* A stored float reads back as the decimal it was written from (docs/data-model.md). */
Test(core_str, f32_decimal)
{
	const char *dec[] = {"0.36",  "0.12",     "0.1201",        "27.3",      "5.7",   "-0.25",
	                     "1e-05", "123456.7", "3.4028235e+38", "0.0001234", "99.99", "7.1"};
	for (size_t i = 0; i < sizeof dec / sizeof *dec; i++) {
		double want = strtod(dec[i], NULL);
		cr_assert_eq(hg_f32_decimal((float)want), want, "%s read back as %.17g", dec[i],
		             hg_f32_decimal((float)want));
	}
	cr_assert_eq(hg_f32_decimal(140.0f), 140.0);
	cr_assert_eq(hg_f32_decimal(0.0f), 0.0);
	cr_assert(isnan(hg_f32_decimal(NAN)));
	cr_assert(isinf(hg_f32_decimal(INFINITY)));
	/* every result converts back to the same float, for floats of every magnitude */
	uint32_t bits = 0x12345678u;
	for (int k = 0; k < 200000; k++) {
		bits = bits * 1664525u + 1013904223u;
		float f;
		memcpy(&f, &bits, sizeof f);
		if (!isfinite(f))
			continue;
		double d = hg_f32_decimal(f);
		cr_assert_eq((float)d, f, "%a came back as %a", (double)f, d);
	}
}

Test(core_codes, nhs_number_modulus_11)
{
	cr_assert(hg_nhs_number_valid("9434765919", 10));
	cr_assert(hg_nhs_number_valid("943 476 5919", 12));
	cr_assert_not(hg_nhs_number_valid("9434765918", 10));
	cr_assert_not(hg_nhs_number_valid("943476591", 9));
	cr_assert_not(hg_nhs_number_valid("94347659190", 11));
	cr_assert_not(hg_nhs_number_valid("94347A5919", 10));
	/* sum 22: 11 - 0 = 11, which means check digit 0 */
	cr_assert(hg_nhs_number_valid("1000000060", 10));
	/* sum 12: 11 - 1 = 10, which no check digit can satisfy */
	for (char last = '0'; last <= '9'; last++) {
		char n[11] = "100000001";
		n[9] = last;
		cr_assert_not(hg_nhs_number_valid(n, 10));
	}
}

Test(core_codes, field_formats)
{
	cr_assert(hg_lsoa_valid(hg_sv_from("E01000001")));
	cr_assert(hg_lsoa_valid(hg_sv_from("W01001234")));
	cr_assert_not(hg_lsoa_valid(hg_sv_from("E02000001")));
	cr_assert_not(hg_lsoa_valid(hg_sv_from("E0100001")));
	cr_assert(hg_practice_valid(hg_sv_from("A81001")));
	cr_assert_not(hg_practice_valid(hg_sv_from("a81001")));
	cr_assert_not(hg_practice_valid(hg_sv_from("A8100")));
	cr_assert_eq(hg_sex_parse(hg_sv_from("M")), 1);
	cr_assert_eq(hg_sex_parse(hg_sv_from("2")), 2);
	cr_assert_eq(hg_sex_parse(hg_sv_from("u")), 0);
	cr_assert_eq(hg_sex_parse(hg_sv_from("X")), -1);
	cr_assert_eq(hg_sex_parse(hg_sv_from("")), -2);
	uint8_t g;
	cr_assert_eq(hg_ethnicity_parse(hg_sv_from("N"), &g), 'N');
	cr_assert_eq(g, 3);
	cr_assert_eq(hg_ethnicity_parse(hg_sv_from("99"), &g), '9');
	cr_assert_eq(g, 5);
	cr_assert_eq(hg_ethnicity_parse(hg_sv_from("I"), &g), -1);
	cr_assert_eq(hg_ethnicity_parse(hg_sv_from("Q"), &g), -1);
	/* 2021 census letters and X (not known before 2013): their groups */
	cr_assert_eq(hg_ethnicity_parse(hg_sv_from("t"), &g), 'T');
	cr_assert_eq(g, HG_ETH_WHITE);
	cr_assert_eq(hg_ethnicity_parse(hg_sv_from("W"), &g), 'W');
	cr_assert_eq(g, HG_ETH_OTHER);
	cr_assert_eq(hg_ethnicity_parse(hg_sv_from("X"), &g), 'X');
	cr_assert_eq(g, HG_ETH_NOT_STATED);
	cr_assert_eq(hg_ethnicity_parse(hg_sv_from("9"), &g), -1);
	/* the detailed categories: letters in order, then Not stated, Not known */
	cr_assert_eq(hg_eth_detailed_of('A'), 0);
	cr_assert_eq(hg_eth_detailed_of('T'), 3);
	cr_assert_eq(hg_eth_detailed_of('W'), 17);
	cr_assert_eq(hg_eth_detailed_of('Z'), HG_ETHD_NOT_STATED);
	cr_assert_eq(hg_eth_detailed_of('9'), HG_ETHD_NOT_KNOWN);
	cr_assert_eq(hg_eth_detailed_of(0), HG_ETHD_NOT_KNOWN);
	cr_assert_eq(hg_eth_detailed_of('Q'), -1);
	for (int c = 1; c < 256; c++) /* every category with a detail has a group, and back */
		cr_assert_eq(hg_eth_detailed_of((uint8_t)c) >= 0, hg_eth_group_of((uint8_t)c) >= 0,
		             "byte %d", c);
}
