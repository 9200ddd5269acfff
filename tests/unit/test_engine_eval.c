/*
 * test_engine_eval.c: the measures engine: three-valued logic and missing
 * values evaluated end to end on a tiny ingested store, the same results
 * with 1 and 2 threads and over many periods (lanes), disclosure control
 * (primary suppression, rounding, secondary suppression in one- and two-way
 * breakdowns), and the Core20PLUS5 pack's codelists against the official
 * refsets in $HEALTHGAP_SHARED/codelists.
 */
#include "core/fs.h"
#include "core/str.h"
#include "engine/engine.h"
#include "ingest/ingest.h"
#include "lang/ast.h"
#include "lang/lang.h"
#include "stats/stats.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];

static void mk(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/hg_test_engine_XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void rm(void)
{
	hg_rm_rf(tmp);
}

static const char *at(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
	return buf[k];
}

static void put(const char *name, const char *text)
{
	hg_err err;
	cr_assert_eq(hg_write_file(at(name), text, strlen(text), &err), 0);
}

/* Ingest persons/events text into TMP/store and open it. */
static void make_store(hg_store *st, const char *persons, const char *events)
{
	put("persons.csv", persons);
	put("events.csv", events);
	hg_ingest_params p;
	hg_ingest_defaults(&p);
	p.persons_path = at("persons.csv");
	p.events_path = at("events.csv");
	p.store_dir = at("store");
	p.quiet = 1;
	p.extract_date = hg_date_from_ymd(2025, 3, 31);
	hg_ingest_result res;
	hg_err err = {0};
	cr_assert_eq(hg_ingest_run(&p, &res, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_store_open(st, at("store"), &err), 0, "%s", err.msg);
}

/* Compile text for st and run it with nthreads into cells. */
static void run_pack(const char *text, const hg_store *st, int nthreads, hg_pack **pk,
                     hg_program **pr, hg_cells *cells)
{
	hg_err err = {0};
	cr_assert_eq(hg_pack_load_str(pk, "t.hg", text, tmp, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_compile(*pk, st, pr, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_engine_run(*pr, nthreads, cells, &err), 0, "%s", err.msg);
}

static const char PERSONS[] = "person_id,date_of_birth,sex,practice,registered_from\n"
                              "p1,1960-01,1,A00001,2010-01-01\n";

/* Each case: an expression and whether it is true / missing for a person with
 * no events of codelist c. */
static const struct {
	const char *expr;
	int is_true, is_missing;
} LOGIC[] = {
    {"false and missing", 0, 0},
    {"true and missing", 0, 1},
    {"true or missing", 1, 0},
    {"false or missing", 0, 1},
    {"not missing", 0, 1},
    {"not (false and missing)", 1, 0},
    {"last_value(c) > 3", 0, 1},
    {"last_value(c) > 3 or true", 1, 0},
    {"last_value(c) > 3 and false", 0, 0},
    {"last_value(c) is missing", 1, 0},
    {"coalesce(last_value(c), 5) = 5", 1, 0},
    {"1 / 0 > 0", 0, 1},
    {"if last_value(c) > 3 then true else false", 0, 1},
    {"if true then missing else true", 0, 1},
    {"exists(c)", 0, 0},
    {"count(c) = 0", 1, 0},
    {"exists(c after last_date(c))", 0, 1},
    {"age = 64 and registered and alive", 1, 0},
    {"last_value(c) between 1 and 2", 0, 1},
    {"sex in (\"male\", \"female\") and not (sex = \"female\")", 1, 0},
};

Test(engine_logic, three_valued, .init = mk, .fini = rm)
{
	hg_store st;
	make_store(&st, PERSONS, "person_id,date,code,value,setting\np1,2020-01-01,999,,gp\n");
	hg_buf b = {0};
	hg_buf_puts(&b, "periods range from 2024-01-01 to 2024-12-31\ncodelist c = codes(\"1\")\n");
	size_t n = sizeof LOGIC / sizeof LOGIC[0];
	for (size_t i = 0; i < n; i++) {
		char line[512];
		snprintf(line, sizeof line,
		         "indicator T%zu \"t\"\n  count\n  numerator: %s\n"
		         "indicator M%zu \"m\"\n  count\n  numerator: (%s) is missing\n",
		         i, LOGIC[i].expr, i, LOGIC[i].expr);
		hg_buf_puts(&b, line);
	}
	hg_buf_putc(&b, 0);
	hg_pack *pk;
	hg_program *pr;
	hg_cells cells;
	run_pack(b.p, &st, 1, &pk, &pr, &cells);
	for (size_t i = 0; i < n; i++) {
		double t = hg_cell(&cells, (int)(2 * i), 0, 0, 0)[HG_F_NUM];
		double m = hg_cell(&cells, (int)(2 * i + 1), 0, 0, 0)[HG_F_NUM];
		cr_expect_eq(t, LOGIC[i].is_true, "%s: true %g", LOGIC[i].expr, t);
		cr_expect_eq(m, LOGIC[i].is_missing, "%s: missing %g", LOGIC[i].expr, m);
	}
	hg_cells_free(&cells);
	hg_program_free(pr);
	hg_pack_free(pk);
	hg_buf_free(&b);
	hg_store_close(&st);
}

/* Many persons and monthly lanes: 1 and 2 threads give identical cells. */
Test(engine_lanes, threads_agree_and_windows_slide, .init = mk, .fini = rm)
{
	hg_buf p = {0}, e = {0};
	hg_buf_puts(&p, "person_id,date_of_birth,sex,practice,registered_from,date_of_death\n");
	hg_buf_puts(&e, "person_id,date,code,value,setting\n");
	for (int i = 0; i < 3000; i++) {
		char line[256];
		snprintf(line, sizeof line, "q%04d,%d-%02d-15,%d,A00001,2015-01-01,%s\n", i,
		         1940 + i % 70, 1 + i % 12, 1 + i % 2, i % 97 == 0 ? "2024-06-10" : "");
		hg_buf_puts(&p, line);
		for (int k = 0; k < i % 7; k++) {
			snprintf(line, sizeof line, "q%04d,2024-%02d-%02d,%d,%d,gp\n", i,
			         1 + (i + k) % 12, 1 + k * 3, k % 2 ? 1 : 2,
			         100 + (i * 7 + k) % 80);
			hg_buf_puts(&e, line);
		}
	}
	hg_buf_putc(&p, 0);
	hg_buf_putc(&e, 0);
	hg_store st;
	make_store(&st, p.p, e.p);
	const char *pack = "periods monthly from 2024-01-01 to 2024-12-31\n"
	                   "codelist a = codes(\"1\")\ncodelist b = codes(\"2\")\n"
	                   "let d = last_date(a paired with b in last 3 months)\n"
	                   "indicator X \"x\"\n  proportion\n  denominator: registered and alive\n"
	                   "  numerator: max_value(a on d) > 140 or count(b in period) >= 1\n"
	                   "  by sex, age_band\n"
	                   "indicator Y \"y\"\n  mean\n  value: mean_value(a in last 6 months)\n"
	                   "  denominator: registered\n"
	                   "indicator Z \"z\"\n  dsr\n  events: a + b\n"
	                   "  population: registered\n"
	                   "indicator W \"w\"\n  rate\n  events: deaths\n  population: registered\n"
	                   "  denominator: person_time\n  by age_band\n";
	hg_pack *pk1, *pk2;
	hg_program *pr1, *pr2;
	hg_cells c1, c2;
	run_pack(pack, &st, 1, &pk1, &pr1, &c1);
	run_pack(pack, &st, 2, &pk2, &pr2, &c2);
	cr_assert_eq(c1.nacc, c2.nacc);
	cr_assert_eq(c1.person_periods, 3000u * 12u);
	/* every addition is exact (engine.h): the same bits for any thread count */
	for (size_t k = 0; k < c1.nacc; k++)
		cr_assert(!memcmp(&c1.acc[k], &c2.acc[k], sizeof(double)), "acc[%zu] %.17g %.17g",
		          k, c1.acc[k], c2.acc[k]);
	/* two person ranges evaluated apart (as MPI ranks do, dist.h), added in either
	   order, give the whole pass's cells bit for bit */
	hg_cells a, r;
	hg_err err = {0};
	cr_assert_eq(hg_engine_pass(pr1, 2, 0, 1234, &a, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_engine_pass(pr1, 1, 1234, 3000, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(a.person_periods, 1234u * 12u);
	hg_cells_add(&r, &a);
	hg_cells_finish(&r);
	cr_assert_eq(r.person_periods, c1.person_periods);
	for (size_t k = 0; k < c1.nacc; k++)
		cr_assert(!memcmp(&c1.acc[k], &r.acc[k], sizeof(double)), "acc[%zu] %.17g %.17g", k,
		          c1.acc[k], r.acc[k]);
	cr_expect_gt(hg_cell(&c1, 1, 5, 0, 0)[HG_F_SUM], 0); /* the mean has values */
	cr_expect_gt(hg_cell(&c1, 3, 5, 0, 0)[HG_F_PT], 0);  /* and the rate person-years */
	hg_cells_free(&a);
	hg_cells_free(&r);
	/* everyone is registered; the deaths leave the X denominator after June */
	cr_expect_eq(hg_cell(&c1, 0, 0, 0, 0)[HG_F_DEN], 3000);
	cr_expect_eq(hg_cell(&c1, 0, 11, 0, 0)[HG_F_DEN], 3000 - 31);
	cr_expect_gt(hg_cell(&c1, 0, 5, 0, 0)[HG_F_NUM], 0);
	hg_cells_free(&c1);
	hg_cells_free(&c2);
	hg_program_free(pr1);
	hg_program_free(pr2);
	hg_pack_free(pk1);
	hg_pack_free(pk2);
	hg_buf_free(&p);
	hg_buf_free(&e);
	hg_store_close(&st);
}

/* ---- disclosure control ---- */

static void set_rows(hg_row *r, const double *num, const double *den, size_t n)
{
	memset(r, 0, sizeof *r * n);
	for (size_t i = 0; i < n; i++) {
		r[i].raw_num = num[i];
		r[i].raw_den = den[i];
	}
}

Test(engine_sdc, primary_and_rounding)
{
	cr_assert_eq(hg_sdc_round5(0), 0);
	cr_assert_eq(hg_sdc_round5(12), 10);
	cr_assert_eq(hg_sdc_round5(12.5), 15);
	cr_assert_eq(hg_sdc_round5(13), 15);
	cr_assert_eq(hg_sdc_round5(1003), 1005);
	double num[] = {0, 8, 7, 1, 40}, den[] = {100, 100, 100, 100, 5};
	hg_row r[5];
	set_rows(r, num, den, 5);
	hg_sdc_group(r, 5, 7, 0, 0);
	cr_assert_eq(r[0].suppressed, 0);
	cr_assert_eq(r[0].num, 0);
	cr_assert_eq(r[0].den, 100);
	cr_assert_eq(r[1].suppressed, 0);
	cr_assert_eq(r[1].num, 10);
	cr_assert_eq(r[2].suppressed, 1); /* 7 <= k */
	cr_assert_eq(r[3].suppressed, 1);
	cr_assert_eq(r[4].suppressed, 1); /* denominator 5 */
	cr_assert(isnan(r[2].num) && isnan(r[2].den));
	/* k5: 7 is published, rounded */
	set_rows(r, num, den, 5);
	hg_sdc_group(r, 5, 5, 0, 0);
	cr_assert_eq(r[2].suppressed, 0);
	cr_assert_eq(r[2].num, 5);
	/* none: nothing happens */
	set_rows(r, num, den, 5);
	hg_sdc_group(r, 5, 0, 0, 0);
	cr_assert_eq(r[3].suppressed, 0);
}

Test(engine_sdc, secondary_one_way)
{
	/* one primary cell: the smallest other non-empty cell goes too */
	double num[] = {3, 50, 20, 30, 0}, den[] = {100, 400, 200, 300, 0};
	hg_row r[5];
	set_rows(r, num, den, 5);
	hg_sdc_group(r, 5, 7, 0, 0);
	cr_assert_eq(r[0].suppressed, 1);
	cr_assert_eq(r[2].suppressed, 2);
	cr_assert_eq(r[1].suppressed + r[3].suppressed + r[4].suppressed, 0);
	cr_assert_not_null(r[2].note);
	/* primary and secondary cells carry the same note: which is which is not said */
	cr_assert_str_eq(r[0].note, r[2].note);
	/* two primary cells holding 6 and 5: each lies in 0..11, nothing more needed */
	double num2[] = {6, 50, 5, 30}, den2[] = {100, 400, 200, 300};
	set_rows(r, num2, den2, 4);
	hg_sdc_group(r, 4, 7, 0, 0);
	cr_assert_eq(r[1].suppressed + r[3].suppressed, 0);
	/* two holding 3 and 2: each would be known to lie in 0..5, within +-2 of the
	   truth, so the smallest other cell goes too (issue 11: the attack's fix) */
	double num3[] = {3, 50, 2, 30}, den3[] = {100, 400, 200, 300};
	set_rows(r, num3, den3, 4);
	hg_sdc_group(r, 4, 7, 0, 0);
	cr_assert_eq(r[3].suppressed, 2);
	cr_assert_eq(r[1].suppressed, 0);
	/* a complement adds uncertainty in the hidden count: not a cell with numerator 0 */
	double num4[] = {3, 0, 40, 50}, den4[] = {100, 150, 400, 500};
	set_rows(r, num4, den4, 4);
	hg_sdc_group(r, 4, 7, 0, 0);
	cr_assert_eq(r[1].suppressed, 0, "a 0 numerator hides nothing about the 3");
	cr_assert_eq(r[2].suppressed, 2);
}

Test(engine_sdc, secondary_two_way_rows_and_columns)
{
	/* 3 x 3 cross; cell (0,0) is primary */
	double num[] = {2, 40, 50, 30, 35, 45, 60, 25, 55};
	double den[] = {100, 200, 300, 110, 210, 310, 120, 220, 320};
	hg_row r[9];
	set_rows(r, num, den, 9);
	hg_sdc_group(r, 9, 7, 3, 3);
	cr_assert_eq(r[0].suppressed, 1);
	int row0 = 0, col0 = 0, total = 0;
	for (int i = 0; i < 9; i++)
		total += r[i].suppressed != 0;
	for (int b = 0; b < 3; b++)
		row0 += r[b].suppressed != 0;
	for (int a = 0; a < 3; a++)
		col0 += r[3 * a].suppressed != 0;
	cr_assert_geq(row0, 2, "row 0 has a lone suppressed cell");
	cr_assert_geq(col0, 2, "column 0 has a lone suppressed cell");
	/* every row and column has 0 or at least 2 suppressed cells */
	for (int a = 0; a < 3; a++) {
		int nr = 0, nc = 0;
		for (int b = 0; b < 3; b++) {
			nr += r[3 * a + b].suppressed != 0;
			nc += r[3 * b + a].suppressed != 0;
		}
		cr_assert(nr != 1 && nc != 1, "row/column %d: %d/%d suppressed", a, nr, nc);
	}
	cr_assert(total != 1);
}

/* ---- the pack's codelists against the official refsets ---- */

static const struct {
	const char *pack, *official;
} REFSETS[] = {
    {"hyp_cod", "nhsd-primary-care-domain-refsets-hyp_cod.csv"},
    {"hypres_cod", "nhsd-primary-care-domain-refsets-hypres_cod.csv"},
    {"sbp_cod", "opensafely-systolic-blood-pressure-qof.csv"},
    {"dbp_cod", "user-milanwiedemann-diastolic-blood-pressure-qof.csv"},
    {"copd_cod", "nhsd-primary-care-domain-refsets-copd_cod.csv"},
    {"ast_cod", "nhsd-primary-care-domain-refsets-ast_cod.csv"},
    {"dm_cod", "nhsd-primary-care-domain-refsets-dm_cod.csv"},
    {"ld_cod", "nhsd-primary-care-domain-refsets-ld_cod.csv"},
    {"smi_cod", "primis-covid19-vacc-uptake-sev_mental.csv"},
};

/* The first file called name under dir (one level of project folders). */
static int find_official(const char *dir, const char *name, char *out, size_t cap)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "find '%s' -maxdepth 2 -name '%s' | sort | head -1", dir, name);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	int ok = fgets(out, (int)cap, f) != NULL;
	pclose(f);
	if (!ok)
		return -1;
	out[strcspn(out, "\n")] = 0;
	return out[0] ? 0 : -1;
}

Test(engine_codelists, pack_codes_are_in_official_refsets)
{
	const char *shared = getenv("HEALTHGAP_SHARED");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/codelists", shared ? shared : "../shared");
	struct stat sb;
	if (stat(dir, &sb) != 0)
		cr_skip_test("no official codelists at %s (set HEALTHGAP_SHARED)", dir);
	int checked = 0;
	for (size_t i = 0; i < sizeof REFSETS / sizeof REFSETS[0]; i++) {
		char off[1024], mine[256];
		if (find_official(dir, REFSETS[i].official, off, sizeof off) != 0)
			continue;
		snprintf(mine, sizeof mine, "packs/core20plus5/codelists/%s.csv", REFSETS[i].pack);
		hg_codeset a = {0}, b = {0};
		hg_dict_init(&a.codes);
		hg_dict_init(&b.codes);
		hg_err err = {0};
		cr_assert_eq(hg_codelist_load(&a, NULL, mine, &err), 0, "%s", err.msg);
		cr_assert_eq(hg_codelist_load(&b, NULL, off, &err), 0, "%s", err.msg);
		cr_assert_gt(a.codes.n, 0, "%s is empty", mine);
		for (uint32_t k = 0; k < a.codes.n; k++)
			cr_expect_neq(
			    hg_dict_find(&b.codes, hg_dict_key(&a.codes, k), a.codes.lens[k]),
			    HG_DICT_MISSING, "%s: code %s is not in %s", mine,
			    hg_dict_key(&a.codes, k), off);
		hg_dict_free(&a.codes);
		hg_dict_free(&b.codes);
		checked++;
	}
	if (!checked)
		cr_skip_test("none of the official refsets found under %s", dir);
}

/* ---- event indicators (issue 9) ---- */

/* The published row of indicator i, period j, breakdown "all". */
static const hg_row *all_row(const hg_restable *t, int i, int j)
{
	for (size_t k = 0; k < t->n; k++)
		if (t->rows[k].ind == i && t->rows[k].period == j && t->rows[k].bd == 0)
			return &t->rows[k];
	cr_assert_fail("no row for indicator %d period %d", i, j);
	return NULL;
}

static int le_band_of(int age)
{
	return age == 0 ? 0 : age < 5 ? 1 : age >= 90 ? 19 : age / 5 + 1;
}

/*
 * Life expectancy counts every death in the period of a person registered
 * on the day they died (before mid-period too) against the mid-period
 * population (issue 9: the old engine counted only deaths of people in the
 * mid-period population, so half the deaths of a year went missing), with
 * 3 years pooled as 3 x the population; its value is the life table of
 * those counts.
 */
Test(engine_events, life_expectancy_counts_every_death, .init = mk, .fini = rm)
{
	static const double start[20] = {0,  1,  5,  10, 15, 20, 25, 30, 35, 40,
	                                 45, 50, 55, 60, 65, 70, 75, 80, 85, 90};
	hg_buf p = {0};
	hg_buf_puts(&p, "person_id,date_of_birth,sex,practice,registered_from,registered_to,"
	                "date_of_death\n");
	double deaths[20] = {0}, pop[20] = {0};
	hg_date mid = hg_date_from_ymd(2022, 9, 30); /* of 2021-04-01 .. 2024-03-31 */
	for (int i = 0; i < 12000; i++) {
		int by = 1929 + i % 95, bm = 1 + i % 12;
		char dod[16] = "", rto[16] = "";
		hg_date b = hg_date_from_ymd(by, bm, 10), d = HG_DATE_NONE;
		/* deaths rise with age; some before mid-period, some after, some outside */
		if (i % 97 < 1 + (2023 - by) / 12) {
			d = hg_date_from_ymd(2020 + i % 5, 1 + (i * 7) % 12, 1 + i % 28);
			if (d <= b)
				d = HG_DATE_NONE;
		}
		if (d != HG_DATE_NONE) {
			hg_date_format(d, dod);
			if (i % 3)
				hg_date_format(d,
				               rto); /* a death ends registration, given or not */
		}
		char line[160];
		snprintf(line, sizeof line, "L%05d,%d-%02d-10,%d,A00001,%d-%02d-10,%s,%s\n", i, by,
		         bm, 1 + i % 2, by, bm, rto, dod);
		hg_buf_puts(&p, line);
		if (d != HG_DATE_NONE && d >= hg_date_from_ymd(2021, 4, 1) &&
		    d <= hg_date_from_ymd(2024, 3, 31))
			deaths[le_band_of(hg_age_years(b, d))]++;
		if (b <= mid && (d == HG_DATE_NONE || d >= mid)) /* registered from birth */
			pop[le_band_of(hg_age_years(b, mid))]++;
	}
	hg_buf_putc(&p, 0);
	hg_store st;
	make_store(&st, p.p, "person_id,date,code,value,setting\n");
	hg_pack *pk;
	hg_program *pr;
	hg_cells c;
	run_pack("indicator LE \"le\"\n  life_expectancy\n  population: registered\n"
	         "  events: deaths\n  periods range from 2021-04-01 to 2024-03-31\n",
	         &st, 2, &pk, &pr, &c);
	double *cell = hg_cell(&c, 0, 0, 0, 0), nd = 0, np = 0;
	for (int b = 0; b < 20; b++) {
		cr_expect_eq(cell[HG_F_BANDS + 2 * b], deaths[b], "band %d deaths", b);
		cr_expect_eq(cell[HG_F_BANDS + 2 * b + 1], pop[b], "band %d population", b);
		nd += deaths[b];
		np += pop[b];
		pop[b] *= 3; /* three years of person-time */
	}
	cr_expect_eq(cell[HG_F_NUM], nd);
	cr_expect_eq(cell[HG_F_DEN], np);
	cr_assert_gt(nd, 150);
	double e[20], se[20];
	cr_assert_eq(hg_life_table(deaths, pop, start, 20, e, se), HG_LE_OK);
	hg_restable t;
	hg_err err = {0};
	cr_assert_eq(hg_restable_build(&c, 0, &t, &err), 0);
	const hg_row *r = all_row(&t, 0, 0);
	cr_expect_float_eq(r->value, e[0], 1e-9, "%.6f vs %.6f", r->value, e[0]);
	cr_expect_float_eq(r->hi95 - r->lo95, 2 * 1.959963984540054 * se[0], 1e-6);
	hg_restable_free(&t);
	hg_cells_free(&c);
	hg_program_free(pr);
	hg_pack_free(pk);
	hg_buf_free(&p);
	hg_store_close(&st);
}

/*
 * A life expectancy whose 95% interval is wider than 20 years is not
 * published by `run`, as `healthgap stats life-expectancy` and
 * PHEindicatormethods do not (the old engine published 105.6, CI 91.7-119.6).
 */
Test(engine_events, life_expectancy_not_published_when_too_uncertain, .init = mk, .fini = rm)
{
	static const double start[20] = {0,  1,  5,  10, 15, 20, 25, 30, 35, 40,
	                                 45, 50, 55, 60, 65, 70, 75, 80, 85, 90};
	hg_buf p = {0};
	hg_buf_puts(&p, "person_id,date_of_birth,sex,practice,registered_from,date_of_death\n");
	double deaths[20] = {0}, pop[20] = {0};
	for (int i = 0; i < 5200; i++) {
		int by = 1930 + i % 94;
		const char *dod = i % 1300 == 7 ? "2023-11-01" : ""; /* 4 deaths */
		char line[128];
		snprintf(line, sizeof line, "W%05d,%d-01-10,1,A00001,%d-02-01,%s\n", i, by, by,
		         dod);
		hg_buf_puts(&p, line);
		hg_date b = hg_date_from_ymd(by, 1, 10);
		pop[le_band_of(hg_age_years(b, hg_date_from_ymd(2023, 7, 2)))]++;
		if (*dod)
			deaths[le_band_of(hg_age_years(b, hg_date_from_ymd(2023, 11, 1)))]++;
	}
	hg_buf_putc(&p, 0);
	double e[20], se[20];
	cr_assert_eq(hg_life_table(deaths, pop, start, 20, e, se), HG_LE_OK);
	cr_assert(hg_le_too_wide(se[0]) || isinf(e[0]), "the case must be too uncertain");
	hg_store st;
	make_store(&st, p.p, "person_id,date,code,value,setting\n");
	hg_pack *pk;
	hg_program *pr;
	hg_cells c;
	run_pack("indicator LE \"le\"\n  life_expectancy\n  population: registered\n"
	         "  events: deaths\n  periods range from 2023-01-01 to 2023-12-31\n",
	         &st, 1, &pk, &pr, &c);
	hg_restable t;
	hg_err err = {0};
	cr_assert_eq(hg_restable_build(&c, 0, &t, &err), 0);
	const hg_row *r = all_row(&t, 0, 0);
	cr_expect_eq(r->num, 4);
	cr_expect(isnan(r->value) && isnan(r->lo95) && isnan(r->hi95));
	cr_expect(r->note && strstr(r->note, "wider than 20 years"), "note: %s",
	          r->note ? r->note : "(none)");
	hg_restable_free(&t);
	hg_cells_free(&c);
	hg_program_free(pr);
	hg_pack_free(pk);
	hg_buf_free(&p);
	hg_store_close(&st);
}

/*
 * Person-time: the days in the population, split where it changes (joining,
 * leaving, dying, birthdays), in the age band of each part.
 */
Test(engine_events, person_time_follows_registration_death_and_age, .init = mk, .fini = rm)
{
	hg_store st;
	make_store(
	    &st,
	    "person_id,date_of_birth,sex,practice,registered_from,registered_to,date_of_death\n"
	    "all,1980-01-01,1,A00001,2000-01-01,,\n"              /* 365 days, 40-44 */
	    "joins,1980-01-01,1,A00001,2023-03-01,,\n"            /* 306 days */
	    "leaves,1980-01-01,1,A00001,2000-01-01,2023-01-31,\n" /* 31 days */
	    "dies,1980-01-01,2,A00001,2000-01-01,,2023-02-10\n"   /* 41 days */
	    "turns45,1978-07-02,2,A00001,2000-01-01,,\n"          /* 182 days 44, 183 days 45 */
	    "noprac,1980-01-01,2,,2000-01-01,,\n",                /* never registered */
	    "person_id,date,code,value,setting\n");
	hg_pack *pk;
	hg_program *pr;
	hg_cells c;
	run_pack("indicator PT \"pt\"\n  rate\n  population: registered\n  events: deaths\n"
	         "  denominator: person_time\n  by age_band\n"
	         "  periods range from 2023-01-01 to 2023-12-31\n",
	         &st, 1, &pk, &pr, &c);
	double days = 365 + 306 + 31 + 41 + 365;
	cr_expect_float_eq(hg_cell(&c, 0, 0, 0, 0)[HG_F_PT], days / 365.25, 1e-12);
	cr_expect_eq(hg_cell(&c, 0, 0, 0, 0)[HG_F_NUM], 1);
	/* age_band: 40-44 is category 8, 45-49 is 9 */
	cr_expect_float_eq(hg_cell(&c, 0, 0, 1, 8)[HG_F_PT], (365 + 306 + 31 + 41 + 182) / 365.25,
	                   1e-12);
	cr_expect_float_eq(hg_cell(&c, 0, 0, 1, 9)[HG_F_PT], 183 / 365.25, 1e-12);
	hg_cells_free(&c);
	hg_program_free(pr);
	hg_pack_free(pk);
	hg_store_close(&st);
}

/* ---- limits are errors, never silent (issue 10) ---- */

/* A variable reading 300 others: every one is computed (the compiler used to
 * drop dependencies past 255, leaving their registers unset). */
Test(engine_limits, many_dependencies_all_computed, .init = mk, .fini = rm)
{
	hg_buf b = {0};
	hg_buf_puts(&b, "periods range from 2024-01-01 to 2024-12-31\n");
	for (int k = 0; k < 300; k++) {
		char line[64];
		snprintf(line, sizeof line, "let a%d = age - age + 1\n", k);
		hg_buf_puts(&b, line);
	}
	hg_buf_puts(&b, "let big = a0");
	for (int k = 1; k < 300; k++) {
		char term[16];
		snprintf(term, sizeof term, " + a%d", k);
		hg_buf_puts(&b, term);
	}
	hg_buf_puts(&b,
	            "\nindicator N \"n\"\n  count\n  numerator: big\n  denominator: registered\n");
	hg_buf_putc(&b, 0);
	hg_store st;
	make_store(&st, PERSONS, "person_id,date,code,value,setting\n");
	hg_pack *pk;
	hg_program *pr;
	hg_cells c;
	run_pack(b.p, &st, 1, &pk, &pr, &c);
	cr_expect_eq(hg_cell(&c, 0, 0, 0, 0)[HG_F_NUM], 300);
	hg_cells_free(&c);
	hg_program_free(pr);
	hg_pack_free(pk);
	hg_buf_free(&b);
	hg_store_close(&st);
}

/* A mean's values are summed exactly in fixed point (engine.h): a value it cannot hold
 * is an error naming the indicator, never a silently wrong sum. */
Test(engine_limits, mean_value_out_of_exact_range_is_an_error, .init = mk, .fini = rm)
{
	hg_store st;
	make_store(&st, PERSONS, "person_id,date,code,value,setting\np1,2024-03-01,1,5,gp\n");
	const char *text =
	    "periods range from 2024-01-01 to 2024-12-31\ncodelist c = codes(\"1\")\n"
	    "indicator BIG \"big\"\n  mean\n  value: last_value(c) * 100000000\n";
	hg_pack *pk;
	hg_program *pr;
	hg_cells c;
	hg_err err = {0};
	cr_assert_eq(hg_pack_load_str(&pk, "t.hg", text, tmp, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_compile(pk, &st, &pr, &err), 0, "%s", err.msg);
	cr_assert_neq(hg_engine_run(pr, 1, &c, &err), 0);
	cr_expect(strstr(err.msg, "indicator BIG") && strstr(err.msg, "2^28"), "%s", err.msg);
	hg_program_free(pr);
	hg_pack_free(pk);
	/* below the limit it is exact */
	text = "periods range from 2024-01-01 to 2024-12-31\ncodelist c = codes(\"1\")\n"
	       "indicator OK \"ok\"\n  mean\n  value: last_value(c) * 10000000\n";
	cr_assert_eq(hg_pack_load_str(&pk, "t.hg", text, tmp, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_compile(pk, &st, &pr, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_engine_run(pr, 1, &c, &err), 0, "%s", err.msg);
	cr_expect_eq(hg_cell(&c, 0, 0, 0, 0)[HG_F_SUM], 5e7);
	cr_expect_eq(hg_cell(&c, 0, 0, 0, 0)[HG_F_SUMSQ], 25e14);
	hg_cells_free(&c);
	hg_program_free(pr);
	hg_pack_free(pk);
	hg_store_close(&st);
}

/* A pack needing more registers than the format has is an error at an
 * indicator, not an assert. */
Test(engine_limits, too_many_registers_is_an_error, .init = mk, .fini = rm)
{
	hg_buf b = {0};
	hg_buf_puts(&b, "periods range from 2024-01-01 to 2024-12-31\n");
	for (int i = 0; i < 300; i++) {
		char head[96];
		snprintf(head, sizeof head, "indicator I%d \"i\"\n  count\n  numerator: age", i);
		hg_buf_puts(&b, head);
		for (int k = 0; k < 120; k++)
			hg_buf_puts(&b, " + age");
		hg_buf_puts(&b, "\n");
	}
	hg_buf_putc(&b, 0);
	hg_store st;
	make_store(&st, PERSONS, "person_id,date,code,value,setting\n");
	hg_pack *pk = NULL;
	hg_program *pr = NULL;
	hg_err err = {0};
	cr_assert_eq(hg_pack_load_str(&pk, "t.hg", b.p, tmp, &err), 0, "%s", err.msg);
	cr_assert_neq(hg_compile(pk, &st, &pr, &err), 0);
	cr_expect_null(pr);
	cr_expect(strstr(err.msg, "too large for the engine") && strstr(err.msg, "65535 registers"),
	          "%s", err.msg);
	cr_expect(strstr(err.msg, "t.hg:"), "names the pack line: %s", err.msg);
	hg_pack_free(pk);
	hg_buf_free(&b);
	hg_store_close(&st);
}

/*
 * The invariant of secondary suppression, on many random groups (one- and
 * two-way): no additive set (the group, a row, a column) is left with exactly
 * one suppressed cell unless every other cell of it is structurally empty,
 * and then hg_sdc_exposed says so.
 */
Test(engine_sdc, no_lone_suppressed_cell_survives)
{
	uint64_t s = 12345;
	hg_row r[64];
	double num[64], den[64];
	for (int t = 0; t < 3000; t++) {
		int n1 = 2 + (int)(s % 5), n2 = t % 2 ? 2 + (int)((s >> 8) % 6) : 0;
		int n = n2 ? n1 * n2 : n1 + (int)((s >> 16) % 8);
		for (int i = 0; i < n; i++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			int kind = (int)(s >> 60); /* 0-15: empty, small, large */
			den[i] = kind < 3   ? 0
			         : kind < 7 ? (double)(1 + (s >> 32) % 9)
			                    : (double)(10 + (s >> 32) % 500);
			num[i] = den[i] ? (double)((s >> 20) % ((uint64_t)den[i] + 1)) : 0;
		}
		set_rows(r, num, den, n);
		hg_sdc_sets sets = {0};
		hg_sdc_group_sets(&sets, 0, (size_t)n, n2 ? n1 : 0, n2);
		hg_sdc_apply(r, (size_t)n, 7, &sets);
		int exposed = hg_sdc_exposed(r, &sets);
		hg_sdc_sets_free(&sets);
		/* count sets with one suppressed cell and a non-empty unsuppressed one */
		int bad = 0, lone = 0;
		for (int set = -1; set < (n2 ? n1 + n2 : 0); set++) {
			int nsup = 0, other = 0, m = set < 0 ? n : set < n1 ? n2 : n1;
			for (int k = 0; k < m; k++) {
				int i = set < 0 ? k : set < n1 ? set * n2 + k : k * n2 + (set - n1);
				nsup += r[i].suppressed != 0;
				other |= !r[i].suppressed && (r[i].raw_num > 0 || r[i].raw_den > 0);
			}
			lone += nsup == 1 && m > 1;
			bad += nsup == 1 && m > 1 && other;
		}
		cr_assert_eq(bad, 0,
		             "case %d: a lone suppressed cell beside a cell that could hide it", t);
		cr_assert_eq(exposed, lone, "case %d: hg_sdc_exposed %d, lone sets %d", t, exposed,
		             lone);
	}
}
