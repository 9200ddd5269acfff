/*
 * store_check.c: every invariant the engine relies on, checked once when a
 * snapshot is opened, so that a damaged store is an error and never an index
 * out of range (a write past a cell accumulator), an endless loop or a quietly
 * different result.
 *
 * What each column may hold is in schema.c (hg_colspec.check); the rules
 * between columns are here: a quintile is (decile + 1) / 2, a decile is its
 * LSOA's, an ethnic group is its category's, a death is not before birth,
 * registration starts after birth and not after death and ends after it
 * starts, a practice has a registration date, and a person's events are in
 * date order between birth and death (or the extract date), and likewise each
 * person's pathways (by clock start; a clock stop not before its start, a
 * removal reason only with a stop) and appointments. These are the guarantees
 * ingest gives (docs/data-model.md, "Validation").
 *
 * One pass: event offsets first (they say whose events are whose), then the
 * persons split into ranges across threads; each range checks its rows of
 * every person column, its events' columns, then the rules between columns.
 * The error reported is the first row (in person order, then column order)
 * that breaks a rule, whatever the number of threads.
 */
#include "store.h"
#include "core/thread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fix every message ends with. */
#define FIX "the snapshot is damaged: run 'healthgap verify', then re-ingest"

/* The rules between columns; each names the column it is reported against. */
enum rule {
	R_COLUMN, /* the column's own rule (schema.c) */
	R_QUINTILE,
	R_DECILE,
	R_ETH_GROUP,
	R_DEATH,
	R_REG_FROM,
	R_REG_TO,
	R_PRACTICE_REG,
	R_EV_BIRTH,
	R_EV_ORDER,
	R_EV_DEATH,
	R_PW_BIRTH,
	R_PW_ORDER,
	R_PW_DEATH,
	R_PW_STOP,
	R_PW_REMOVAL,
	R_AP_BIRTH,
	R_AP_ORDER,
	R_AP_DEATH,
	R_RG_PERIOD,
	R_AD_PERIOD,
};

static const struct {
	int col;
	const char *text;
} rules[] = {
    [R_COLUMN] = {0, NULL},
    [R_QUINTILE] = {HG_COL_IMD_QUINTILE,
                    "the IMD quintile is not (decile + 1) / 2 of person.imd_decile.u8"},
    [R_DECILE] = {HG_COL_IMD_DECILE, "the IMD decile is not the LSOA's in dict.lsoa_decile.u8 "
                                     "(0 without an LSOA)"},
    [R_ETH_GROUP] = {HG_COL_ETH_GROUP,
                     "the ethnic group is not the group of the category in person.eth_cat.u8"},
    [R_DEATH] = {HG_COL_DOD, "the date of death is before the date of birth"},
    [R_REG_FROM] = {HG_COL_REG_FROM, "registration starts before birth or after death"},
    [R_REG_TO] = {HG_COL_REG_TO, "registration ends before it starts, or has no start"},
    [R_PRACTICE_REG] = {HG_COL_REG_FROM, "a person with a practice has no registration date"},
    [R_EV_BIRTH] = {HG_COL_EV_DATE, "an event before the person's date of birth"},
    [R_EV_ORDER] = {HG_COL_EV_DATE, "the person's events are not in date order"},
    [R_EV_DEATH] = {HG_COL_EV_DATE,
                    "an event after the person's date of death or the extract date"},
    [R_PW_BIRTH] = {HG_COL_PW_START, "a clock start before the person's date of birth"},
    [R_PW_ORDER] = {HG_COL_PW_START, "the person's pathways are not in clock start order"},
    [R_PW_DEATH] = {HG_COL_PW_START,
                    "a clock start after the person's date of death or the extract date"},
    [R_PW_STOP] = {HG_COL_PW_STOP, "a clock stop before its clock start, or after the "
                                   "person's date of death or the extract date"},
    [R_PW_REMOVAL] = {HG_COL_PW_REMOVAL, "a removal reason on a pathway without a clock stop"},
    [R_AP_BIRTH] = {HG_COL_AP_DATE, "an appointment before the person's date of birth"},
    [R_AP_ORDER] = {HG_COL_AP_DATE, "the person's appointments are not in date order"},
    [R_AP_DEATH] = {HG_COL_AP_DATE,
                    "an appointment after the person's date of death or the extract date"},
    [R_RG_PERIOD] = {HG_COL_RG_FROM,
                     "a registration period starting before birth or after death, ending "
                     "before it starts, or not after the one before (unsorted or overlapping)"},
    [R_AD_PERIOD] = {HG_COL_AD_FROM,
                     "an address period starting before birth or after death, ending before "
                     "it starts, or not after the one before (unsorted or overlapping)"},
};

/* A broken rule: person is the sort key; row the element of the column's file. */
typedef struct fault {
	uint64_t person, row;
	int col, rule;
} fault;

typedef struct ctx {
	const hg_store *s;
	const void *data[HG_COL_N];
	uint32_t nref[HG_STR_N];
	hg_date lo, hi; /* 1900-01-01 .. the extract date, as ingest allows */
	uint64_t flag_mask;
	uint8_t u8_ok[HG_COL_N][256]; /* u8 columns: 1 for the values allowed */
	uint8_t eth_group[256];       /* the group of each ethnic category byte */
	fault *faults;                /* one per worker */
} ctx;

#define NOT_FOUND UINT64_MAX

/*
 * Scan [b, e) for the first i where BAD(i) holds. Whole blocks of BLOCK are
 * reduced without branches and with a fixed count, which the compiler
 * vectorises at -O2; only a block with a bad element is scanned again, one by
 * one, to find it (as is the tail).
 */
#define BLOCK 1024
#define FIRST_BAD(b, e, BAD)                                                                       \
	do {                                                                                       \
		uint64_t i = (b);                                                                  \
		for (; (e)-i >= BLOCK; i += BLOCK) {                                               \
			int any = 0;                                                               \
			for (uint64_t k = 0; k < BLOCK; k++) {                                     \
				uint64_t j = i + k;                                                \
				any |= (BAD(j));                                                   \
			}                                                                          \
			if (any)                                                                   \
				break;                                                             \
		}                                                                                  \
		for (; i < (e); i++)                                                               \
			if (BAD(i))                                                                \
				return i;                                                          \
	} while (0)

/* The first element of [b, e) of column c that breaks the column's rule. */
static uint64_t col_first_bad(const ctx *x, int c, uint64_t b, uint64_t e)
{
	const hg_colspec *cs = &hg_store_cols[c];
	const uint8_t *u8 = x->data[c], *ok = x->u8_ok[c];
	const uint32_t *u32 = x->data[c];
	const int32_t *i32 = x->data[c];
	const uint64_t *u64 = x->data[c];
	uint32_t n = x->nref[cs->ref];
	hg_date lo = x->lo, hi = x->hi;
	uint64_t mask = x->flag_mask;
	unsigned max = cs->max;
	switch (cs->check) {
#define U8_MAX_BAD(i) (u8[i] > max)
	case HG_CHECK_U8_MAX:
		FIRST_BAD(b, e, U8_MAX_BAD);
		break;
#define U8_SET_BAD(i) (!ok[u8[i]])
	case HG_CHECK_U8_SET:
		FIRST_BAD(b, e, U8_SET_BAD);
		break;
#define ID_BAD(i) (u32[i] >= n)
	case HG_CHECK_ID:
		FIRST_BAD(b, e, ID_BAD);
		break;
/* HG_NONE32 + 1 wraps to 0, so none passes */
#define ID_NONE_BAD(i) (u32[i] + 1 > n)
	case HG_CHECK_ID_NONE:
		FIRST_BAD(b, e, ID_NONE_BAD);
		break;
#define DATE_BAD(i) ((i32[i] < lo) | (i32[i] > hi))
	case HG_CHECK_DATE:
		FIRST_BAD(b, e, DATE_BAD);
		break;
#define DATE_NONE_BAD(i) ((i32[i] < lo) | ((i32[i] > hi) & (i32[i] != HG_DATE_NONE)))
	case HG_CHECK_DATE_NONE:
		FIRST_BAD(b, e, DATE_NONE_BAD);
		break;
#define FLAGS_BAD(i) ((u64[i] & mask) != 0)
	case HG_CHECK_FLAGS:
		FIRST_BAD(b, e, FLAGS_BAD);
		break;
	default: /* HG_CHECK_OFFSETS: checked whole, before the ranges; HG_CHECK_NONE */
		break;
	}
	return NOT_FOUND;
}

/* The person whose rows (offsets off, already checked) hold row e. */
static uint64_t person_of_row(const hg_store *s, const uint64_t *off, uint64_t e)
{
	uint64_t lo = 0, hi = s->n_persons; /* off[lo] <= e < off[hi] */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (off[mid] <= e)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The per-person offsets of a table's rows (events, pathways or appointments). */
static const uint64_t *offsets_of(const hg_store *s, int rows)
{
	return rows == HG_ROWS_PATHWAYS ? s->pw_off
	       : rows == HG_ROWS_APPTS  ? s->ap_off
	       : rows == HG_ROWS_REGS   ? s->rg_off
	       : rows == HG_ROWS_ADDRS  ? s->ad_off
	                                : s->ev_off;
}

/* Person p's periods (off, from, to): after birth, before death and the extract date,
 * each ending on or after its start and starting after the one before ends. */
static int periods_ok(const ctx *x, uint64_t p, const uint64_t *off, const hg_date *from,
                      const hg_date *to, uint64_t *row)
{
	const hg_store *s = x->s;
	hg_date dob = s->dob[p], end = s->dod[p] < x->hi ? s->dod[p] : x->hi;
	for (uint64_t k = off[p]; k < off[p + 1]; k++) {
		*row = k;
		if (from[k] < dob || from[k] > end || (to[k] != HG_DATE_NONE && to[k] < from[k]))
			return 0;
		if (k > off[p] && (to[k - 1] == HG_DATE_NONE || from[k] <= to[k - 1]))
			return 0;
	}
	return 1;
}

/* Keep f when it comes before the worker's fault so far. */
static void note(fault *best, uint64_t person, uint64_t row, int col, int rule)
{
	if (person < best->person)
		*best = (fault){person, row, col, rule};
}

/* The rules between person columns, for person p (its columns are in range). */
static int person_rule(const ctx *x, uint64_t p)
{
	const hg_store *s = x->s;
	uint8_t d = s->imd_decile[p];
	if (s->imd_quintile[p] != (d + 1) / 2)
		return R_QUINTILE;
	if ((s->lsoa[p] == HG_NONE32 ? 0 : s->lsoa_decile[s->lsoa[p]]) != d)
		return R_DECILE;
	if (s->eth_group[p] != x->eth_group[s->eth_cat[p]])
		return R_ETH_GROUP;
	hg_date dob = s->dob[p], dod = s->dod[p], from = s->reg_from[p], to = s->reg_to[p];
	if (dod < dob) /* no death is HG_DATE_NONE, after every date */
		return R_DEATH;
	if (from != HG_DATE_NONE && (from < dob || from > dod))
		return R_REG_FROM;
	if (to != HG_DATE_NONE && (from == HG_DATE_NONE || to < from))
		return R_REG_TO;
	if (s->practice[p] != HG_NONE32 && from == HG_DATE_NONE)
		return R_PRACTICE_REG;
	return 0;
}

/*
 * Person p's events: in date order, from birth to death or the extract date.
 * Sorted, only the first can be before birth and only the last after the end,
 * so the loop is one comparison per event, without branches; the events are
 * walked again only to name the row that breaks the rule.
 */
static int events_rule(const ctx *x, uint64_t p, uint64_t *row)
{
	const hg_store *s = x->s;
	uint64_t first = s->ev_off[p], last = s->ev_off[p + 1];
	if (first == last)
		return 0;
	const hg_date *d = s->ev_date;
	hg_date dob = s->dob[p], end = s->dod[p] < x->hi ? s->dod[p] : x->hi;
	int down = 0;
	for (uint64_t e = first + 1; e < last; e++)
		down |= d[e] < d[e - 1];
	if (!down && d[first] >= dob && d[last - 1] <= end)
		return 0;
	for (uint64_t e = first; e < last; e++) {
		*row = e;
		if (d[e] < dob)
			return R_EV_BIRTH;
		if (d[e] > end)
			return R_EV_DEATH;
		if (e > first && d[e] < d[e - 1])
			return R_EV_ORDER;
	}
	return R_EV_ORDER; /* not reached: one of the above holds */
}

/*
 * Person p's pathways: in clock start order, each started from birth to death or the
 * extract date, stopped (if at all) not before its start nor after that end, with a
 * removal reason only when stopped; and the person's appointments in date order from
 * birth to that end. *row is the offending row, *col its column.
 */
static int units_rule(const ctx *x, uint64_t p, uint64_t *row)
{
	const hg_store *s = x->s;
	hg_date dob = s->dob[p], end = s->dod[p] < x->hi ? s->dod[p] : x->hi;
	for (uint64_t k = s->pw_off[p]; k < s->pw_off[p + 1]; k++) {
		*row = k;
		hg_date a = s->pw_start[k], b = s->pw_stop[k];
		if (a < dob)
			return R_PW_BIRTH;
		if (a > end)
			return R_PW_DEATH;
		if (k > s->pw_off[p] && a < s->pw_start[k - 1])
			return R_PW_ORDER;
		if (b != HG_DATE_NONE && (b < a || b > end))
			return R_PW_STOP;
		if (b == HG_DATE_NONE && s->pw_removal[k])
			return R_PW_REMOVAL;
	}
	for (uint64_t k = s->ap_off[p]; k < s->ap_off[p + 1]; k++) {
		*row = k;
		hg_date d = s->ap_date[k];
		if (d < dob)
			return R_AP_BIRTH;
		if (d > end)
			return R_AP_DEATH;
		if (k > s->ap_off[p] && d < s->ap_date[k - 1])
			return R_AP_ORDER;
	}
	if (!periods_ok(x, p, s->rg_off, s->rg_from, s->rg_to, row))
		return R_RG_PERIOD;
	if (!periods_ok(x, p, s->ad_off, s->ad_from, s->ad_to, row))
		return R_AD_PERIOD;
	return 0;
}

/* Check persons [b, e) and their events; the first fault goes to faults[tid]. */
static void check_range(void *arg, size_t b, size_t e, int tid)
{
	const ctx *x = arg;
	const hg_store *s = x->s;
	fault *f = &x->faults[tid];
	*f = (fault){NOT_FOUND, 0, 0, 0};
	for (int c = 0; c < HG_COL_N; c++) {
		int rows = hg_store_cols[c].rows;
		uint64_t end = f->person < e ? f->person : e, bad;
		if ((hg_store_cols[c].table == HG_TABLE_UNITS && !s->has_units) ||
		    (hg_store_cols[c].table == HG_TABLE_HISTORY && !s->has_history))
			continue;
		if (rows == HG_ROWS_PERSONS) {
			bad = col_first_bad(x, c, b, end);
			if (bad != NOT_FOUND)
				note(f, bad, bad, c, R_COLUMN);
		} else if ((rows == HG_ROWS_EVENTS && c != HG_COL_EV_DATE) ||
		           rows == HG_ROWS_PATHWAYS || rows == HG_ROWS_APPTS ||
		           rows == HG_ROWS_REGS || rows == HG_ROWS_ADDRS) {
			/* event dates: events_rule, whose order from birth (after
			 * 1900) to the end implies their range, in one read */
			const uint64_t *off = offsets_of(s, rows);
			bad = col_first_bad(x, c, off[b], off[end]);
			if (bad != NOT_FOUND)
				note(f, person_of_row(s, off, bad), bad, c, R_COLUMN);
		}
	}
	/* the rules between columns, only where every column is in range */
	uint64_t end = f->person < e ? f->person : e;
	for (uint64_t p = b; p < end; p++) {
		uint64_t row = p;
		int r = person_rule(x, p);
		if (!r)
			r = events_rule(x, p, &row);
		if (!r)
			r = units_rule(x, p, &row);
		if (r) {
			note(f, p, row, rules[r].col, r);
			return;
		}
	}
}

static int report(const ctx *x, const fault *f, hg_err *err)
{
	const hg_store *s = x->s;
	const hg_colspec *cs = &hg_store_cols[f->col];
	char why[256];
	if (f->rule != R_COLUMN)
		snprintf(why, sizeof why, "%s", rules[f->rule].text);
	else if (cs->check == HG_CHECK_ID || cs->check == HG_CHECK_ID_NONE)
		snprintf(why, sizeof why, "not %s (an id below the %u of %s%s)", cs->what,
		         x->nref[cs->ref], hg_store_strs[cs->ref],
		         cs->check == HG_CHECK_ID_NONE ? ", or none" : "");
	else if (cs->check == HG_CHECK_DATE || cs->check == HG_CHECK_DATE_NONE)
		snprintf(why, sizeof why, "not %s from 1900-01-01 to the extract date%s", cs->what,
		         cs->check == HG_CHECK_DATE_NONE ? ", or none" : "");
	else
		snprintf(why, sizeof why, "not %s", cs->what);
	if (cs->rows == HG_ROWS_EVENTS || cs->rows == HG_ROWS_PATHWAYS || cs->rows == HG_ROWS_APPTS)
		return hg_err_set(err, HG_ECORRUPT, "%s/%s: row %llu (%s of person %llu): %s; " FIX,
		                  s->snapdir, cs->file, (unsigned long long)f->row + 1,
		                  cs->rows == HG_ROWS_EVENTS     ? "an event"
		                  : cs->rows == HG_ROWS_PATHWAYS ? "a pathway"
		                                                 : "an appointment",
		                  (unsigned long long)f->person + 1, why);
	return hg_err_set(err, HG_ECORRUPT, "%s/%s: row %llu: %s; " FIX, s->snapdir, cs->file,
	                  (unsigned long long)f->row + 1, why);
}

/* Offsets (column col) from 0, never falling, to the n rows of their table. */
static int check_offsets(const hg_store *s, const uint64_t *off, uint64_t n, int col,
                         const char *what, hg_err *err)
{
	uint64_t np = s->n_persons, bad = NOT_FOUND;
	if (off[0] != 0)
		bad = 0;
	for (uint64_t p = 0; bad == NOT_FOUND && p < np; p++)
		if (off[p + 1] < off[p])
			bad = p + 1;
	if (bad == NOT_FOUND && off[np] != n)
		bad = np;
	if (bad == NOT_FOUND)
		return 0;
	return hg_err_set(err, HG_ECORRUPT,
	                  "%s/%s: row %llu: %s offsets must run from 0, never falling, to the "
	                  "%llu %ss of the manifest; " FIX,
	                  s->snapdir, hg_store_cols[col].file, (unsigned long long)bad + 1, what,
	                  (unsigned long long)n, what);
}

static void ctx_init(ctx *x, const hg_store *s)
{
	memset(x, 0, sizeof *x);
	x->s = s;
	for (int c = 0; c < HG_COL_N; c++)
		x->data[c] = hg_store_col(s, c);
	hg_strtab *tabs[HG_STR_N];
	hg_store_strtabs((hg_store *)s, tabs); /* only read */
	for (int k = 0; k < HG_STR_N; k++)
		x->nref[k] = tabs[k]->n;
	x->lo = hg_date_from_ymd(1900, 1, 1);
	x->hi = s->extract_date;
	x->flag_mask = s->n_flags >= 64 ? 0 : ~0ULL << s->n_flags;
	for (int c = 0; c < HG_COL_N; c++) {
		const hg_colspec *cs = &hg_store_cols[c];
		for (unsigned v = 0; v < 256; v++)
			x->u8_ok[c][v] = cs->check == HG_CHECK_U8_MAX
			                     ? v <= cs->max
			                     : v == 0 || (cs->set && v && strchr(cs->set, (int)v));
	}
	for (unsigned v = 0; v < 256; v++) /* 255: no group, so it never matches */
		x->eth_group[v] = (uint8_t)hg_eth_group_of((uint8_t)v);
}

/* Below this many persons one thread does it all (threads cost more). */
#define CHECK_PER_THREAD 262144

int hg_store_check(const hg_store *s, hg_err *err)
{
	ctx x;
	ctx_init(&x, s);
	if (check_offsets(s, s->ev_off, s->n_events, HG_COL_EV_OFFSET, "event", err) ||
	    (s->has_units &&
	     (check_offsets(s, s->pw_off, s->n_pathways, HG_COL_PW_OFFSET, "pathway", err) ||
	      check_offsets(s, s->ap_off, s->n_appts, HG_COL_AP_OFFSET, "appointment", err))) ||
	    (s->has_history &&
	     (check_offsets(s, s->rg_off, s->n_regs, HG_COL_RG_OFFSET, "registration", err) ||
	      check_offsets(s, s->ad_off, s->n_addrs, HG_COL_AD_OFFSET, "address", err))))
		return HG_ECORRUPT;
	uint64_t bad = col_first_bad(&x, HG_COL_LSOA_DECILE, 0, s->lsoas.n);
	if (bad != NOT_FOUND)
		return report(&x, &(fault){0, bad, HG_COL_LSOA_DECILE, R_COLUMN}, err);
	bad = s->has_places ? col_first_bad(&x, HG_COL_LSOA_LOCAL_Q, 0, s->lsoas.n) : NOT_FOUND;
	if (bad != NOT_FOUND)
		return report(&x, &(fault){0, bad, HG_COL_LSOA_LOCAL_Q, R_COLUMN}, err);
	uint64_t threads = (uint64_t)hg_ncpu(), most = s->n_persons / CHECK_PER_THREAD + 1;
	threads = threads < most ? threads : most;
	x.faults = hg_xcalloc(threads, sizeof *x.faults);
	hg_parallel_for((int)threads, s->n_persons, check_range, &x);
	int rc = 0;
	for (uint64_t t = 0; !rc && t < threads; t++)
		if (x.faults[t].person != NOT_FOUND)
			rc = report(&x, &x.faults[t], err);
	free(x.faults);
	return rc;
}
