/*
 * bench/limit/limit.c: the hand-written C baseline for bench/engine/three.hg
 * (issue 18). It answers exactly that pack's three indicators by IMD quintile
 * x ethnicity, reading the store's columns directly, with the rules of
 * docs/language.md written out by hand for this one query:
 *   CVDP001HYP  quarters 2021-04-01 .. 2026-03-31; denominator registered and
 *               alive at E and aged >= 18 at E; numerator: a hypertension code
 *               on or before E and no resolution code after the last one (up to E)
 *   CVDP007HYP  denominator CVDP001HYP's numerator (within its denominator);
 *               numerator: on the last day in (E - 12 months, E] with a systolic
 *               and a diastolic reading that both carry a value, the lowest
 *               systolic and diastolic of that day are <= 140 / 90 (aged < 80 at E)
 *               or <= 150 / 90
 *   AE_RATE     rolling 12 months quarterly from 2020-07-01; denominator
 *               registered at mid-period S + (E - S) / 2; numerator: A&E-setting
 *               attendances in [S, E] of people registered on the attendance's date
 * It is the floor the engine is measured against (bench/limit/run.sh), and is
 * checked cell for cell against `healthgap run` on every benchmark run.
 *
 *   limit STORE CODELIST_DIR OUT_CSV THREADS   the baseline, cells to OUT_CSV
 *   limit --scan STORE THREADS                 a bare scan of the same columns
 * Registration is persons.csv's: [registered_from, min(registered_to, date_of_death)].
 * Prints "limit: S s (cpu C s)" (the evaluation only, after the store is open) on
 * stderr. Stores with registration or address histories are refused (places and
 * registration would then depend on the date: the engine handles them, this
 * baseline does not).
 */
#include "core/csv.h"
#include "core/date.h"
#include "core/dict.h"
#include "core/error.h"
#include "core/str.h"
#include "core/thread.h"
#include "lang/codelists.h"
#include "store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NQ   20 /* periods of each indicator */
#define NCAT 36 /* IMD quintile (5 + Unknown) x ethnic group (6) */

enum { L_HYP = 1, L_HYPRES = 2, L_SBP = 4, L_DBP = 8, L_AE = 16 };

typedef struct cells {
	uint64_t n1[NQ][NCAT], d1[NQ][NCAT], n2[NQ][NCAT], d2[NQ][NCAT], n3[NQ][NCAT], d3[NQ][NCAT];
	uint64_t scan; /* the scan's checksum */
} cells;

/* A day with a systolic and a diastolic value: the lowest of each. */
typedef struct bpday {
	hg_date d;
	double sys, dia;
} bpday;

typedef struct scratch {
	hg_date *hyp, *res;
	bpday *bp;
	size_t cap;
} scratch;

typedef struct ctx {
	const hg_store *st;
	const uint8_t *lists; /* per code id: L_* bits */
	hg_date qe[NQ], qlo[NQ], as[NQ], ae[NQ], am[NQ];
	int qe_y[NQ], qe_md[NQ];
	cells *c; /* per thread */
	int scan;
} ctx;

static double now(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int read_list(const hg_store *st, const char *dir, const char *name, uint8_t bit,
                     uint8_t *lists, hg_err *err)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s.csv", dir, name);
	hg_csv c;
	if (hg_csv_open(&c, path, err))
		return err->code;
	int sys, col = -1;
	if (hg_csv_next(&c))
		col = hg_codelist_code_column(&c, &sys);
	while (col >= 0 && hg_csv_next(&c)) {
		if ((size_t)col >= c.nfields)
			continue;
		hg_sv f = hg_csv_field(&c, col);
		uint32_t id = hg_dict_find(&st->code_index, f.p, f.n);
		if (id != HG_DICT_MISSING)
			lists[id] |= bit;
	}
	hg_csv_close(&c);
	return 0;
}

static void grow(scratch *s, size_t n)
{
	if (n <= s->cap)
		return;
	s->cap = n * 2;
	s->hyp = hg_xrealloc(s->hyp, s->cap * sizeof *s->hyp);
	s->res = hg_xrealloc(s->res, s->cap * sizeof *s->res);
	s->bp = hg_xrealloc(s->bp, s->cap * sizeof *s->bp);
}

static int category(const hg_store *st, uint64_t p)
{
	uint32_t lsoa = st->lsoa[p];
	uint8_t dec = lsoa == HG_NONE32 ? 0 : st->lsoa_decile[lsoa];
	int q = dec ? (dec + 1) / 2 - 1 : 5;
	int e = st->eth_group[p] < HG_ETH_N ? st->eth_group[p] : HG_ETH_NOT_STATED;
	return q * 6 + e;
}

/* Registered (and so alive) on d, for a person without a history: the days [lo, hi]. */
typedef struct span {
	hg_date lo, hi;
} span;

static span reg_span(const hg_store *st, uint64_t p)
{
	if (st->practice[p] == HG_NONE32 || st->reg_from[p] == HG_DATE_NONE)
		return (span){1, 0};
	hg_date hi = st->reg_to[p] < st->dod[p] ? st->reg_to[p] : st->dod[p];
	return (span){st->reg_from[p], hi};
}

/* One person's events, filed: hypertension and resolution dates, BP days, A&E counts. */
static void file_events(const ctx *x, uint64_t p, scratch *s, size_t *nh, size_t *nr, size_t *nb,
                        cells *c, int cat, span r)
{
	const hg_store *st = x->st;
	uint64_t b = st->ev_off[p], e = st->ev_off[p + 1];
	grow(s, e - b + 1);
	hg_date day = HG_DATE_NONE;
	double sys = INFINITY, dia = INFINITY;
	for (uint64_t i = b; i < e; i++) {
		hg_date d = st->ev_date[i];
		if (d != day) {
			if (sys != INFINITY && dia != INFINITY)
				s->bp[(*nb)++] = (bpday){day, sys, dia};
			day = d;
			sys = dia = INFINITY;
		}
		uint8_t l = x->lists[st->ev_code[i]];
		if (!l)
			continue;
		double v = hg_f32_decimal(st->ev_value[i]); /* how the language reads a value */
		if (l & L_HYP)
			s->hyp[(*nh)++] = d;
		if (l & L_HYPRES)
			s->res[(*nr)++] = d;
		if ((l & L_SBP) && !isnan(v) && v < sys)
			sys = v;
		if ((l & L_DBP) && !isnan(v) && v < dia)
			dia = v;
		if ((l & L_AE) && st->ev_setting[i] == HG_SET_AE && d >= r.lo && d <= r.hi)
			for (int k = 0; k < NQ && x->as[k] <= d; k++) /* periods in date order */
				c->n3[k][cat] += d <= x->ae[k];
	}
	if (sys != INFINITY && dia != INFINITY)
		s->bp[(*nb)++] = (bpday){day, sys, dia};
}

static void person(const ctx *x, uint64_t p, scratch *s, cells *c)
{
	const hg_store *st = x->st;
	int cat = category(st, p);
	span r = reg_span(st, p);
	for (int k = 0; k < NQ; k++)
		c->d3[k][cat] += x->am[k] >= r.lo && x->am[k] <= r.hi;
	size_t nh = 0, nr = 0, nb = 0;
	file_events(x, p, s, &nh, &nr, &nb, c, cat, r);
	hg_date dob = st->dob[p];
	if (dob == HG_DATE_NONE)
		return; /* age missing: in no denominator of the proportions */
	int by, bm, bd;
	hg_date_to_ymd(dob, &by, &bm, &bd);
	size_t ih = 0, ib = 0;
	for (int k = 0; k < NQ; k++) {
		hg_date E = x->qe[k];
		int age = x->qe_y[k] - by - (x->qe_md[k] < bm * 32 + bd);
		if (age < 18 || E < r.lo || E > r.hi)
			continue;
		c->d1[k][cat]++;
		while (ih < nh && s->hyp[ih] <= E)
			ih++;
		if (ih == 0)
			continue;
		hg_date last = s->hyp[ih - 1];
		int resolved = 0;
		for (size_t j = 0; j < nr && s->res[j] <= E; j++)
			resolved |= s->res[j] > last;
		if (resolved)
			continue;
		c->n1[k][cat]++;
		c->d2[k][cat]++;
		while (ib < nb && s->bp[ib].d <= E)
			ib++;
		if (ib == 0 || s->bp[ib - 1].d < x->qlo[k])
			continue;
		const bpday *b = &s->bp[ib - 1];
		double lim = age < 80 ? 140 : 150;
		c->n2[k][cat] += b->sys <= lim && b->dia <= 90;
	}
}

/* The bare scan: every column the baseline reads, summed. */
static void scan(const ctx *x, uint64_t p0, uint64_t p1, cells *c)
{
	const hg_store *st = x->st;
	uint64_t sum = 0;
	for (uint64_t p = p0; p < p1; p++)
		sum += (uint64_t)st->dob[p] + st->practice[p] + (uint64_t)st->reg_from[p] +
		       (uint64_t)st->reg_to[p] + (uint64_t)st->dod[p] + st->lsoa[p] +
		       st->eth_group[p];
	for (uint64_t i = st->ev_off[p0]; i < st->ev_off[p1]; i++) {
		double v = hg_f32_decimal(st->ev_value[i]); /* how the language reads a value */
		sum += (uint64_t)st->ev_date[i] + st->ev_code[i] + st->ev_setting[i] + (v == v);
	}
	c->scan += sum;
}

static void worker(void *arg, size_t b, size_t e, int tid)
{
	const ctx *x = arg;
	cells *c = &x->c[tid];
	if (x->scan) {
		scan(x, b, e, c);
		return;
	}
	scratch s = {0};
	for (size_t p = b; p < e; p++)
		person(x, p, &s, c);
	free(s.hyp);
	free(s.res);
	free(s.bp);
}

static void periods(ctx *x)
{
	for (int k = 0; k < NQ; k++) {
		hg_date s = hg_date_add_months(hg_date_from_ymd(2021, 4, 1), 3 * k);
		hg_date e = hg_date_add_months(s, 3) - 1;
		int y, m, d;
		hg_date_to_ymd(e, &y, &m, &d);
		x->qe[k] = e;
		x->qe_y[k] = y;
		x->qe_md[k] = m * 32 + d;
		x->qlo[k] = hg_date_add_months(e, -12) + 1;
		x->as[k] = hg_date_add_months(hg_date_from_ymd(2020, 7, 1), 3 * k);
		x->ae[k] = hg_date_add_months(x->as[k], 12) - 1;
		x->am[k] = x->as[k] + (x->ae[k] - x->as[k]) / 2;
	}
}

static void write_ind(FILE *f, const char *id, const hg_date *ends, uint64_t n[NQ][NCAT],
                      uint64_t d[NQ][NCAT])
{
	static const char *const q[6] = {"1", "2", "3", "4", "5", "Unknown"};
	for (int k = 0; k < NQ; k++)
		for (int c = 0; c < NCAT; c++) {
			char buf[11];
			fprintf(f, "%s,%s,%s / %s,%llu,%llu\n", id, hg_date_format(ends[k], buf),
			        q[c / 6], hg_ethgroup_names[c % 6], (unsigned long long)n[k][c],
			        (unsigned long long)d[k][c]);
		}
}

static void merge(cells *t, const cells *c)
{
	uint64_t *a = &t->n1[0][0];
	const uint64_t *b = &c->n1[0][0];
	for (size_t i = 0; i < 6 * (size_t)NQ * NCAT; i++)
		a[i] += b[i];
	t->scan += c->scan;
}

int main(int argc, char **argv)
{
	int scanning = argc == 4 && strcmp(argv[1], "--scan") == 0;
	if (!scanning && argc != 5) {
		fprintf(stderr, "usage: limit STORE CODELIST_DIR OUT_CSV THREADS\n"
		                "       limit --scan STORE THREADS\n");
		return 2;
	}
	hg_store st;
	hg_err err = {0};
	if (hg_store_open(&st, argv[scanning ? 2 : 1], &err)) {
		fprintf(stderr, "limit: %s\n", err.msg);
		return 1;
	}
	if (st.n_regs || st.n_addrs) {
		fprintf(stderr, "limit: the store has registration or address histories; this "
		                "baseline handles only stores without them\n");
		hg_store_close(&st);
		return 1;
	}
	int threads = atoi(argv[scanning ? 3 : 4]);
	ctx x = {.st = &st, .scan = scanning};
	periods(&x);
	uint8_t *lists = hg_xcalloc(st.codes.n + 1, 1);
	static const char *const names[5] = {"hyp_cod", "hypres_cod", "sbp_cod", "dbp_cod",
	                                     "ae_attend"};
	for (int i = 0; !scanning && i < 5; i++)
		if (read_list(&st, argv[2], names[i], (uint8_t)(1 << i), lists, &err)) {
			fprintf(stderr, "limit: %s\n", err.msg);
			return 1;
		}
	x.lists = lists;
	x.c = hg_xcalloc((size_t)threads, sizeof *x.c);
	double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	hg_parallel_for(threads, st.n_persons, worker, &x);
	cells *tot = hg_xcalloc(1, sizeof *tot);
	for (int t = 0; t < threads; t++)
		merge(tot, &x.c[t]);
	double t1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
	fprintf(stderr, "%s: %d threads, %.3f s (cpu %.3f s)\n", scanning ? "scan" : "limit",
	        threads, t1 - t0, c1 - c0);
	int rc = 0;
	if (scanning) {
		printf("%llu\n",
		       (unsigned long long)tot->scan); /* keeps the scan from being elided */
	} else {
		FILE *f = fopen(argv[3], "w");
		if (!f) {
			fprintf(stderr, "limit: cannot write %s\n", argv[3]);
			rc = 1;
		} else {
			fprintf(f, "indicator_id,period_end,category,numerator,denominator\n");
			write_ind(f, "CVDP001HYP", x.qe, tot->n1, tot->d1);
			write_ind(f, "CVDP007HYP", x.qe, tot->n2, tot->d2);
			write_ind(f, "AE_RATE", x.ae, tot->n3, tot->d3);
			rc = fclose(f) != 0;
		}
	}
	free(tot);
	free(x.c);
	free(lists);
	hg_store_close(&st);
	return rc;
}
