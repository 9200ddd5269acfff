/*
 * vm.c: the lane register machine (see vm.h). Registers are doubles, one per
 * lane (period): NaN is missing, booleans are 0/1 with Kleene logic. Each
 * instruction is a short loop over the lanes. Event queries read the
 * person's match-class lists built by hg_vm_person: a binary search per lane
 * finds the window, and the aggregate is read off the range.
 */
#include "engine/vm.h"

#include "core/str.h"
#include "lang/program.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/*
 * HG_CLONES: a hot lane loop built twice, for x86-64's baseline and for AVX2, the copy
 * chosen once at start by the machine it runs on (GCC's and clang's target_clones, an
 * ifunc): four lanes an instruction instead of two. The two copies do the same IEEE
 * operations on each lane, with no contraction into FMA (ISO C mode: -ffp-contract=off;
 * AVX2 has no FMA), so outputs do not depend on the machine. Only for functions whose
 * callees are inlined or clones too: a call from a clone to a plain function is not
 * inlined (docs/performance.md, steps 14-15).
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define HG_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define HG_CLONES
#endif
const char *hg_vm_lanes(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init(); /* what the clones' resolver runs before choosing */
	return __builtin_cpu_supports("avx2") ? "avx2" : "baseline";
#else
	return "baseline";
#endif
}

#define LANES(vm, reg) ((vm)->r + (size_t)(reg) * (size_t)(vm)->stride)

#define lanes hg_vm_lanes_of

/* Do lanes [0, nl) of d hold the same bits? (NaNs with different payloads, 0 and -0: no) */
typedef uint64_t __attribute__((may_alias)) hg_bits;
static inline __attribute__((always_inline)) int same_bits(const double *d, int nl)
{
	const hg_bits *b = (const hg_bits *)d;
	uint64_t b0 = b[0], diff = 0;
	for (int l = 0; l < nl; l++) /* from lane 0: whole vectors for 4k lanes, no tail */
		diff |= b[l] ^ b0;
	return diff == 0;
}

HG_CLONES
static int lanes_same(const double *d, int nl)
{
	return same_bits(d, nl);
}

/* The lane to compare with lane 0 first when testing a result for uniformity: the last due
   lane, whose period is the latest (the hidden lanes after it are days before the first
   period, close to lane 0's: a value that changes over the periods is often the same on
   them), or the last lane. */
static inline int far_lane(const hg_vm *vm)
{
	return vm->far;
}

/* The uniform state of a register just written in every lane (nl of stride) */
static inline int written(const hg_vm *vm, const double *d, int nl)
{
	const hg_bits *b = (const hg_bits *)d;
	if (nl != vm->stride || b[0] != b[far_lane(vm)] || b[0] != b[nl - 1])
		return HG_U_NO; /* the latest lane tells most results that differ (ages, a
		                   registration that starts or ends in the periods): no call */
	return lanes_same(d, nl) ? HG_U_ALL : HG_U_NO;
}

/* ---- person data ---- */

static double date_or_nan(hg_date d)
{
	return d == HG_DATE_NONE ? NAN : (double)d;
}

/* A person attribute that does not depend on the period. */
static double attr(const hg_vm *vm, int a, double k)
{
	const hg_store *st = vm->st;
	uint64_t p = vm->person;
	switch (a) {
	case A_SEX:
		return st->sex[p];
	case A_ETHNICITY:
		return st->eth_group[p];
	case A_IMD_QUINTILE:
		return st->imd_quintile[p] ? st->imd_quintile[p] : NAN;
	case A_IMD_DECILE:
		return st->imd_decile[p] ? st->imd_decile[p] : NAN;
	case A_PRACTICE:
		return st->practice[p] == HG_NONE32 ? NAN : st->practice[p];
	case A_DOB:
		return date_or_nan(st->dob[p]);
	case A_DOD:
		return date_or_nan(st->dod[p]);
	case A_REG_FROM:
		return date_or_nan(st->reg_from[p]);
	case A_REG_TO:
		return date_or_nan(st->reg_to[p]);
	case A_FLAG:
		return (st->flags[p] >> (int)k) & 1 ? 1.0 : 0.0;
	default:
		assert(0);
		return NAN;
	}
}

/* The run_ functions below write register d and return its uniform state (vm.h):
 * HG_U_LANE0 when they wrote lane 0 only, the value of every lane. */
static int run_attr(hg_vm *vm, const hg_ins *x, double *d)
{
	int nl = vm->nl;
	if (x->c == A_DIED_IN_PERIOD) {
		const double *s = lanes(vm, HG_REG_START), *e = lanes(vm, HG_REG_END);
		hg_date dod = vm->st->dod[vm->person];
		for (int l = 0; l < nl; l++)
			d[l] = dod != HG_DATE_NONE && dod >= s[l] && dod <= e[l];
		return HG_U_NO;
	}
	d[0] = attr(vm, x->c, x->k);
	return HG_U_LANE0;
}

static int32_t age_split(const hg_vm *vm, int32_t y, int32_t md)
{
	return y - vm->dob_y - (md < vm->dob_md);
}

int hg_vm_age_on(const hg_vm *vm, hg_date t)
{
	if (vm->dob_y < 0)
		return -1;
	int y, m, d;
	hg_date_to_ymd(t, &y, &m, &d);
	return age_split(vm, y, m * 32 + d);
}

static int run_ageat(hg_vm *vm, const hg_ins *x, double *d)
{
	int nl = vm->nl;
	if (vm->dob_y < 0) {
		d[0] = NAN;
		return HG_U_LANE0;
	}
	const hg_lgroup *g = vm->g;
	if (g && nl == g->nl && (x->a == HG_REG_END || x->a == HG_REG_MID)) {
		const int32_t *y = x->a == HG_REG_END ? g->end_y : g->mid_y;
		const int32_t *md = x->a == HG_REG_END ? g->end_md : g->mid_md;
		for (int l = 0; l < nl; l++)
			d[l] = age_split(vm, y[l], md[l]);
		return HG_U_NO;
	}
	const double *a = LANES(vm, x->a);
	if (vm->u[x->a])
		nl = 1;
	for (int l = 0; l < nl; l++) {
		if (isnan(a[l]) || isinf(a[l])) {
			d[l] = NAN;
			continue;
		}
		int yy, mm, dd;
		hg_date_to_ymd((hg_date)a[l], &yy, &mm, &dd);
		d[l] = age_split(vm, yy, mm * 32 + dd);
	}
	return vm->u[x->a] ? HG_U_LANE0 : HG_U_NO;
}

/* The lanes of register reg's least and greatest values (hg_lgroup.ext), or NULL. */
static const int32_t *extremes(const hg_vm *vm, int reg, int nl)
{
	return vm->ext && nl == vm->stride && vm->ext[2 * reg] >= 0 ? vm->ext + 2 * reg : NULL;
}
/*
 * registered and alive on each lane's date a. Without a registration history a person
 * is registered on the days [reg_lo, reg_hi] (hg_vm_person, from hg_store_registered_on's
 * rule), so each lane is two comparisons of the date as hg_date; with one, the store
 * decides.
 */
HG_CLONES
static int run_regat(hg_vm *vm, const hg_ins *x, double *d, int nl)
{
	const double *a = LANES(vm, x->a);
	if (vm->reg_hist) {
		for (int l = 0; l < nl; l++)
			d[l] = isnan(a[l])
			           ? NAN
			           : hg_store_registered_on(vm->st, vm->person, (hg_date)a[l]);
		return HG_U_NO;
	}
	/* (hg_date)a[l] compared as an integer is trunc(a[l]) compared as a double (dates are
	   far inside int32_t and exact in a double): whole vectors, no conversions */
	double lo = vm->reg_lo, hi = vm->reg_hi;
	for (int l = 0; l < nl; l++) {
		double t = trunc(a[l]);
		d[l] = t != t ? NAN : (t >= lo) & (t <= hi) ? 1.0 : 0.0;
	}
	return HG_U_NO;
}

HG_CLONES
static int run_aliveat(hg_vm *vm, const hg_ins *x, double *d, int nl)
{
	const double *a = LANES(vm, x->a);
	double dod = vm->st->dod[vm->person]; /* as run_regat */
	for (int l = 0; l < nl; l++) {
		double t = trunc(a[l]);
		d[l] = t != t ? NAN : t <= dod ? 1.0 : 0.0;
	}
	return HG_U_NO;
}

/* Registered (x->op OP_REGAT, without a history) or alive (OP_ALIVEAT) on every lane's date
 * or on none, as the dates' least and greatest (hg_lgroup.ext) show: 1 with the value in
 * *v; else 0 (then lane by lane). Inline: most people are, and the lane loops are a call. */
static inline int regat_uniform(const hg_vm *vm, const hg_ins *x, int nl, double *v)
{
	const int32_t *ext = extremes(vm, x->a, nl);
	if (!ext || (x->op == OP_REGAT && vm->reg_hist))
		return 0;
	const double *a = LANES(vm, x->a);
	hg_date t0 = (hg_date)a[ext[0]], t1 = (hg_date)a[ext[1]]; /* never missing (ext) */
	if (x->op == OP_ALIVEAT) {
		hg_date dod = vm->st->dod[vm->person];
		*v = t1 <= dod;
		return t1 <= dod || t0 > dod;
	}
	*v = vm->reg_lo <= t0 && t1 <= vm->reg_hi;
	return *v == 1 || t1 < vm->reg_lo || t0 > vm->reg_hi;
}

/* A place attribute (practice, IMD quintile or decile) of p on date t: where the
 * registration and address periods covering t put them (hg_store_practice_on,
 * hg_store_lsoa_on); missing when none covers t or the LSOA has no IMD decile. */
static double place_on(const hg_store *st, uint64_t p, int a, hg_date t)
{
	if (a == A_PRACTICE) {
		uint32_t k = hg_store_practice_on(st, p, t);
		return k == HG_NONE32 ? NAN : k;
	}
	uint32_t lsoa = hg_store_lsoa_on(st, p, t);
	int dec = lsoa == HG_NONE32 ? 0 : st->lsoa_decile[lsoa];
	if (!dec)
		return NAN;
	return a == A_IMD_DECILE ? dec : (dec + 1) / 2;
}

/* place attribute x->c on each lane's date a; a person without a history has the one
 * value (attr: the same as place_on's for them, store_check keeps the IMD in step) */
static int run_placeat(hg_vm *vm, const hg_ins *x, double *d)
{
	if (!hg_store_moves(vm->st, vm->person)) {
		d[0] = attr(vm, x->c, 0);
		return HG_U_LANE0;
	}
	const double *a = lanes(vm, x->a);
	for (int l = 0, nl = vm->nl; l < nl; l++)
		d[l] = isnan(a[l]) ? NAN : place_on(vm->st, vm->person, x->c, (hg_date)a[l]);
	return HG_U_NO;
}

static int run_evf(hg_vm *vm, const hg_ins *x, double *d)
{
	uint64_t e = vm->event;
	d[0] = x->c == E_VALUE  ? hg_f32_decimal(vm->st->ev_value[e])
	       : x->c == E_DATE ? (double)vm->st->ev_date[e]
	                        : (double)vm->st->ev_setting[e];
	return HG_U_LANE0;
}

static double date_or_missing(hg_date d)
{
	return d == HG_DATE_NONE ? NAN : (double)d;
}

/* A field of the current pathway as at each lane's period [S, E]. */
static double pathway_field(const hg_store *st, uint64_t u, int f, double s, double e)
{
	double a = st->pw_start[u], b = date_or_missing(st->pw_stop[u]);
	int stopped = !isnan(b) && b <= e; /* stopped by E; open at E when started and not */
	switch (f) {
	case U_PW_CLOCK_START:
		return a;
	case U_PW_CLOCK_STOP:
		return stopped ? b : NAN;
	case U_PW_OPEN:
		return a <= e && !stopped;
	case U_PW_WEEKS:
		return a > e ? NAN : ((stopped ? b : e) - a) / 7;
	case U_PW_PRIORITY:
		return st->pw_priority[u] ? st->pw_priority[u] : NAN;
	case U_PW_REMOVAL:
		return stopped && st->pw_removal[u] ? st->pw_removal[u] : NAN;
	case U_PW_STOPPED_IN_PERIOD:
		return stopped && b >= s;
	default:
		assert(f == U_PW_STARTED_IN_PERIOD);
		return a >= s && a <= e;
	}
}

/* A field of the current appointment (none depends on the period). */
static double appt_field(const hg_store *st, uint64_t u, int f)
{
	int out = st->ap_outcome[u], type = st->ap_type[u];
	switch (f) {
	case U_AP_DATE:
		return st->ap_date[u];
	case U_AP_ATTENDED:
		return out == HG_OUT_ATTENDED;
	case U_AP_DNA:
		return out == HG_OUT_DNA;
	case U_AP_CANC_PATIENT:
		return out == HG_OUT_CANCELLED_PATIENT;
	case U_AP_CANC_PROVIDER:
		return out == HG_OUT_CANCELLED_PROVIDER;
	case U_AP_FIRST:
		return type == HG_ATT_FIRST;
	case U_AP_FOLLOW_UP:
		return type == HG_ATT_FOLLOW_UP;
	case U_AP_OUTPATIENT:
		return st->ap_setting[u] == HG_SET_OP;
	default:
		assert(f == U_AP_GP);
		return st->ap_setting[u] == HG_SET_GP;
	}
}

/* The person's pathways open on date t: clock started on or before t, not stopped by t. */
static double open_pathways(const hg_store *st, uint64_t p, double t)
{
	if (isnan(t))
		return NAN;
	double n = 0;
	for (uint64_t u = st->pw_off[p]; u < st->pw_off[p + 1] && st->pw_start[u] <= t; u++)
		n += st->pw_stop[u] == HG_DATE_NONE || st->pw_stop[u] > t;
	return n;
}

static int run_unit(hg_vm *vm, const hg_ins *x, double *d)
{
	if (x->c == U_OPEN_PATHWAYS) {
		const double *a = lanes(vm, x->a);
		for (int l = 0; l < vm->nl; l++)
			d[l] = open_pathways(vm->st, vm->person, a[l]);
		return HG_U_NO;
	}
	const double *s = lanes(vm, HG_REG_START), *e = lanes(vm, HG_REG_END);
	for (int l = 0; l < vm->nl; l++)
		d[l] = vm->unit_kind == HG_UNIT_PATHWAY
		           ? pathway_field(vm->st, vm->unit, x->c, s[l], e[l])
		       : vm->unit_kind == HG_UNIT_APPT ? appt_field(vm->st, vm->unit, x->c)
		                                       : NAN;
	return HG_U_NO;
}

/* ---- event queries ---- */

/* Is there a same-day event in `paired` (with a value when need_value)? */
static int hg_paired(const hg_store *st, uint64_t e, uint64_t b, uint64_t end,
                     const uint64_t *paired, int need_value)
{
	hg_date d = st->ev_date[e];
	for (uint64_t j = e; j > b && st->ev_date[j - 1] == d; j--) {
		uint32_t c = st->ev_code[j - 1];
		if ((paired[c >> 6] >> (c & 63) & 1) && !(need_value && isnan(st->ev_value[j - 1])))
			return 1;
	}
	for (uint64_t j = e; j < end && st->ev_date[j] == d; j++) {
		uint32_t c = st->ev_code[j];
		if ((paired[c >> 6] >> (c & 63) & 1) && !(need_value && isnan(st->ev_value[j])))
			return 1;
	}
	return 0;
}

/* First index in [0, n) with date >= lo. */
static uint32_t lower(const int32_t *date, uint32_t b, uint32_t n, double lo)
{
	while (b < n) {
		uint32_t m = b + (n - b) / 2;
		if (date[m] < lo)
			b = m + 1;
		else
			n = m;
	}
	return b;
}

/* First index in [b, n) with date > hi. */
static uint32_t upper(const int32_t *date, uint32_t b, uint32_t n, double hi)
{
	while (b < n) {
		uint32_t m = b + (n - b) / 2;
		if (date[m] <= hi)
			b = m + 1;
		else
			n = m;
	}
	return b;
}

/* A query's window [i0, i1) in a list for bounds [lo, hi] (NaN: none yet). */
typedef struct hg_window {
	uint32_t i0, i1;
	double lo, hi;
} hg_window;

/*
 * Move the window to [lo, hi]. Periods come in date order, so bounds mostly
 * only grow: then the ends step forward from where they were (linear in the
 * list over all lanes); otherwise they are found by binary search.
 */
static void window_slide(hg_window *w, const hg_mlist *m, double lo, double hi)
{
	const int32_t *date = m->date;
	uint32_t n = m->n;
	if (lo >= w->lo && hi >= w->hi) {
		while (w->i0 < n && date[w->i0] < lo)
			w->i0++;
		if (w->i1 < w->i0)
			w->i1 = w->i0;
		while (w->i1 < n && date[w->i1] <= hi)
			w->i1++;
	} else {
		w->i0 = lower(date, 0, n, lo);
		w->i1 = upper(date, w->i0, n, hi);
	}
	w->lo = lo;
	w->hi = hi;
}

typedef struct hg_agg {
	double n, sum, min, max, first, last, first_date, last_date, days;
	int32_t prev_day;
} hg_agg;

static int value_agg(int agg)
{
	return agg == F_MIN_VALUE || agg == F_MAX_VALUE || agg == F_MEAN_VALUE ||
	       agg == F_SUM_VALUE;
}

static void agg_add(hg_agg *g, int agg, int32_t d, double v)
{
	if (value_agg(agg)) {
		if (isnan(v))
			return;
		g->sum += v;
		if (g->n == 0 || v < g->min)
			g->min = v;
		if (g->n == 0 || v > g->max)
			g->max = v;
	}
	if (g->n == 0) {
		g->first = v;
		g->first_date = d;
	}
	if (g->n == 0 || d != g->prev_day)
		g->days++;
	g->prev_day = d;
	g->last = v;
	g->last_date = d;
	g->n++;
}

static double agg_result(const hg_agg *g, int agg)
{
	int none = g->n == 0;
	switch (agg) {
	case F_EXISTS:
		return !none;
	case F_COUNT:
		return g->n;
	case F_COUNT_DAYS:
		return g->days;
	case F_FIRST_DATE:
		return none ? NAN : g->first_date;
	case F_LAST_DATE:
		return none ? NAN : g->last_date;
	case F_FIRST_VALUE:
		return none ? NAN : g->first;
	case F_LAST_VALUE:
		return none ? NAN : g->last;
	case F_MIN_VALUE:
		return none ? NAN : g->min;
	case F_MAX_VALUE:
		return none ? NAN : g->max;
	case F_MEAN_VALUE:
		return none ? NAN : g->sum / g->n;
	case F_SUM_VALUE:
		return none ? NAN : g->sum;
	default:
		assert(0);
		return NAN;
	}
}

/* The aggregate of events [i0, i1) of a list; pass (stride ps) filters them. */
static double agg_range(const hg_mlist *m, uint32_t i0, uint32_t i1, int agg, const uint8_t *pass,
                        int ps)
{
	if (!pass) {
		switch (agg) {
		case F_EXISTS:
			return i1 > i0;
		case F_COUNT:
			return i1 - i0;
		case F_FIRST_DATE:
			return i1 > i0 ? m->date[i0] : NAN;
		case F_LAST_DATE:
			return i1 > i0 ? m->date[i1 - 1] : NAN;
		case F_FIRST_VALUE:
			return i1 > i0 ? m->val[i0] : NAN;
		case F_LAST_VALUE:
			return i1 > i0 ? m->val[i1 - 1] : NAN;
		default:
			break;
		}
	}
	hg_agg g = {0};
	for (uint32_t i = i0; i < i1; i++)
		if (!pass || pass[(size_t)i * (size_t)ps])
			agg_add(&g, agg, m->date[i], m->val[i]);
	return agg_result(&g, agg);
}

/* Per event of the list and lane: does the period-dependent `where` hold? */
static const uint8_t *where_lanes(hg_vm *vm, int qi, const hg_mlist *m)
{
	const hg_query *q = &vm->pr->queries[qi];
	size_t nl = (size_t)vm->nl, need = (size_t)m->n * nl + 1;
	if (vm->pass_cap[qi] < need) {
		free(vm->pass[qi]);
		vm->pass[qi] = hg_xmalloc(need);
		vm->pass_cap[qi] = need;
	}
	uint8_t *pass = vm->pass[qi];
	uint64_t save = vm->event;
	/* as at given dates (vm->g NULL) the hoisted code is not in the registers */
	int ws = vm->pl->q[qi].where;
	const hg_seg *code = vm->g ? &vm->pl->segs[ws] : &vm->pr->segs[ws];
	for (uint32_t i = 0; i < m->n; i++) {
		vm->event = vm->ev0 + m->ev[i];
		hg_vm_exec(vm, code);
		const double *w = lanes(vm, q->where_reg);
		for (size_t l = 0; l < nl; l++)
			pass[i * nl + l] = w[l] == 1;
	}
	vm->event = save;
	return pass;
}

/* Does every lane's window [lo, hi] hold the whole list (and no bound is missing)? Often
 * so: conditions recorded before the first period, bounds from the start of the record. */
static int whole_list(const hg_mlist *m, const double *lo, size_t sl, const double *hi, size_t sh,
                      int nl)
{
	double first = m->date[0], last = m->date[m->n - 1];
	for (int l = 0; l < nl; l++) /* most often the first lane already tells */
		if (!(lo[l * sl] <= first && hi[l * sh] >= last))
			return 0;
	return 1;
}

/* Table t's count for day (hg_dtab). */
static inline int dtab_at(const hg_dtab *t, int32_t day)
{
	int64_t k = (int64_t)day - t->base;
	return k < 0 ? t->below : k >= t->len ? t->above : t->t[k];
}

/*
 * The query's value in each lane of the tables' order (hg_dtab: every lane, or the due
 * ones), its bounds given by their tables (lower tl, upper th): an event on day t is in the
 * windows of the table's lanes [a, b), a = th(t) the lanes whose upper bound is before t, b =
 * tl(t) those whose lower bound is t or earlier, both growing with t. So `exists` is the
 * union of those ranges as a bit mask (under 64 lanes), and the windows' ends [i0, i1) in
 * every lane are running counts of the events' a and b, as window_slide finds them; no search
 * and no branch per event and lane. Returns the lanes done: the due ones first.
 */
static int window_lanes(hg_vm *vm, const hg_mlist *m, const hg_dtab *tl, const hg_dtab *th, int agg,
                        double *d)
{
	int nd = vm->g->nd, n = th->all ? vm->g->nl : nd, nh = n - nd;
	const int32_t *date = m->date;
	assert(tl->all == th->all);
	if (agg == F_EXISTS && n < 64) {
		uint64_t in = 0;
		for (uint32_t i = 0; i < m->n; i++) {
			uint64_t a = (uint64_t)dtab_at(th, date[i]),
			         b = (uint64_t)dtab_at(tl, date[i]);
			in |= b > a ? ((uint64_t)1 << b) - ((uint64_t)1 << a) : 0;
		}
		for (int l = 0; l < nd; l++)
			d[l] = (double)(in >> (l + nh) & 1);
		for (int h = 0; h < nh; h++)
			d[nd + h] = (double)(in >> h & 1);
		return n;
	}
	uint32_t *c1 = vm->cnt, *c0 = vm->cnt + n + 1;
	memset(vm->cnt, 0, 2 * ((size_t)n + 1) * sizeof *vm->cnt);
	for (uint32_t i = 0; i < m->n; i++) {
		c1[dtab_at(th, date[i])]++;
		c0[dtab_at(tl, date[i])]++;
	}
	/* c1 and c0 become each lane's window ends i1 and i0 (i1 >= i0), in lane order */
	uint32_t *e1 = c1 + 2 * (n + 1), *e0 = e1 + n;
	for (int k = 0, i0 = 0, i1 = 0; k < n; k++) {
		int l = k < nh ? nd + k : k - nh;
		i1 += (int)c1[k];
		i0 += (int)c0[k];
		e1[l] = (uint32_t)(i1 < i0 ? i0 : i1);
		e0[l] = (uint32_t)i0;
	}
	switch (agg) {
	case F_EXISTS:
	case F_COUNT:
		for (int l = 0; l < n; l++)
			d[l] = agg == F_EXISTS ? e1[l] > e0[l] : (double)(e1[l] - e0[l]);
		return n;
	case F_FIRST_DATE:
	case F_LAST_DATE:
		for (int l = 0; l < n; l++)
			d[l] = e1[l] == e0[l] ? NAN : date[agg == F_FIRST_DATE ? e0[l] : e1[l] - 1];
		return n;
	case F_FIRST_VALUE:
	case F_LAST_VALUE:
		for (int l = 0; l < n; l++)
			d[l] =
			    e1[l] == e0[l] ? NAN : m->val[agg == F_FIRST_VALUE ? e0[l] : e1[l] - 1];
		return n;
	default:
		for (int l = 0; l < n; l++)
			d[l] = l > 0 && e0[l] == e0[l - 1] && e1[l] == e1[l - 1]
			           ? d[l - 1] /* the same window */
			           : agg_range(m, e0[l], e1[l], agg, NULL, 1);
		return n;
	}
}

static int run_query(hg_vm *vm, int qi, double *d)
{
	const hg_qplan *q = &vm->pl->q[qi]; /* (its bounds and function too: one load) */
	const hg_mlist *m = &vm->ml[q->cls];
	int nl = vm->nl, agg = q->agg, uni = vm->u[q->lo] && vm->u[q->hi];
	/* a uniform bound is read from lane 0 (a stride of 0): not copied to every lane */
	const double *lo = LANES(vm, q->lo), *hi = LANES(vm, q->hi);
	size_t sl = vm->u[q->lo] ? 0 : 1, sh = vm->u[q->hi] ? 0 : 1;
	if (m->n == 0) {
		double none = agg == F_EXISTS || agg == F_COUNT || agg == F_COUNT_DAYS ? 0 : NAN;
		if (uni || (vm->g && vm->g->qg[qi].cnst)) { /* the most common cases */
			d[0] = (lo[0] != lo[0]) | (hi[0] != hi[0]) && uni ? NAN : none;
			return HG_U_LANE0;
		}
		for (int l = 0; l < nl; l++)
			d[l] = (lo[l * sl] != lo[l * sl]) | (hi[l * sh] != hi[l * sh]) ? NAN : none;
		return HG_U_NO;
	}
	const uint8_t *pass = q->where >= 0 ? where_lanes(vm, qi, m) : NULL;
	if (uni && !pass)
		nl = 1; /* the same window in every lane */
	else if (!pass && whole_list(m, lo, sl, hi, sh, nl)) {
		d[0] = agg_range(m, 0, m->n, agg, NULL, 1); /* each lane's value */
		return HG_U_LANE0;
	}
	int l0 = 0; /* lanes before l0 done */
	const hg_qgroup *qt = vm->g && nl == vm->g->nl && !pass ? &vm->g->qg[qi] : NULL;
	if (qt && qt->th >= 0) /* then the hidden lanes, if the tables have not done them */
		l0 = window_lanes(vm, m, &vm->g->dtab[qt->tl], &vm->g->dtab[qt->th], agg, d);
	hg_window w = {0, 0, NAN, NAN};
	for (int l = l0, wl = -1; l < nl; l++) {
		double a = lo[l * sl], b = hi[l * sh];
		if (isnan(a) || isnan(b)) {
			d[l] = NAN;
			continue;
		}
		if (wl >= 0 && a == w.lo && b == w.hi && !pass) {
			d[l] = d[wl]; /* the window of lane wl (bounds on one date, repeated) */
			continue;
		}
		window_slide(&w, m, a, b);
		d[l] = agg_range(m, w.i0, w.i1, agg, pass ? pass + l : NULL, nl);
		wl = l;
	}
	return nl == 1 && uni ? HG_U_LANE0 : HG_U_NO;
}

/* ---- the instruction loop ---- */

static double addm(double d, double k)
{
	if (isnan(d) || isinf(d))
		return d;
	return hg_date_add_months((hg_date)d, (int)k);
}

/*
 * One lane of everything that reads only registers: arithmetic, comparisons (missing when
 * either side is), Kleene logic (truth values are 0, 1 or NaN: a + b - 1 is 1 for (1, 1) and
 * NaN with a NaN), conditionals and missing tests; k is the instruction's constant. The one
 * home of these operations' values: the lane loops below (exec_logic) and a uniform
 * register's lane 0 (exec_uniform) both use it. Written as selects so the loops vectorise.
 */
static inline __attribute__((always_inline)) double lane_op(int op, double a, double b, double c,
                                                            double k)
{
	switch (op) {
	case OP_ADD:
		return a + b;
	case OP_SUB:
		return a - b;
	case OP_MUL:
		return a * b;
	case OP_DIV:
		return b == 0 ? NAN : a / b;
	case OP_NEG:
		return -a;
	case OP_ADDM:
		return addm(a, k);
	case OP_LT:
		return a < b ? 1.0 : a >= b ? 0.0 : NAN;
	case OP_LE:
		return a <= b ? 1.0 : a > b ? 0.0 : NAN;
	case OP_GT:
		return a > b ? 1.0 : a <= b ? 0.0 : NAN;
	case OP_GE:
		return a >= b ? 1.0 : a < b ? 0.0 : NAN;
	case OP_EQ:
		return a == b ? 1.0 : (a < b) | (a > b) ? 0.0 : NAN;
	case OP_NE:
		return (a < b) | (a > b) ? 1.0 : a == b ? 0.0 : NAN;
	case OP_MIN:
	case OP_HIMIN:
		return isnan(a) || isnan(b) ? NAN : a < b ? a : b;
	case OP_MAX:
	case OP_LOMAX:
		return isnan(a) || isnan(b) ? NAN : a > b ? a : b;
	case OP_ABS:
		return fabs(a);
	case OP_ROUND:
		return round(a);
	case OP_FLOOR:
		return floor(a);
	case OP_YEARS:
		return isnan(a) || isnan(b) ? NAN : hg_age_years((hg_date)a, (hg_date)b);
	case OP_AND:
		return (a == 0) | (b == 0) ? 0.0 : a + b - 1;
	case OP_OR:
		return (a == 1) | (b == 1) ? 1.0 : a + b;
	case OP_NOT:
		return 1 - a;
	case OP_IF:
		return a != a ? NAN : a == 1 ? b : c;
	case OP_ISMISS:
		return isnan(a) != (k != 0);
	case OP_COALESCE:
		return isnan(a) ? b : a;
	default:
		assert(0);
		return NAN;
	}
}

/* lane_op over lanes [0, nl), one loop per operation (the switch folds in each). */
#define LANE_LOOP(OP)                                                                              \
	case OP:                                                                                   \
		for (l = 0; l < nl; l++)                                                           \
			d[l] = lane_op(OP, a[l], b[l], c[l], x->k);                                \
		break

/* Every lane of an instruction that reads only registers (lane_op); built for AVX2 too
 * (HG_CLONES). With test, whether every lane of the result holds the same bits (else 0). */
HG_CLONES
static int exec_logic(hg_vm *vm, const hg_ins *x, double *d, const double *a, const double *b,
                      int nl, int test)
{
	int l;
	const double *c = x->op == OP_IF ? LANES(vm, x->c) : a;
	switch (x->op) {
		LANE_LOOP(OP_ADD);
		LANE_LOOP(OP_SUB);
		LANE_LOOP(OP_MUL);
		LANE_LOOP(OP_DIV);
		LANE_LOOP(OP_NEG);
		LANE_LOOP(OP_ADDM);
		LANE_LOOP(OP_LT);
		LANE_LOOP(OP_LE);
		LANE_LOOP(OP_GT);
		LANE_LOOP(OP_GE);
		LANE_LOOP(OP_EQ);
		LANE_LOOP(OP_NE);
		LANE_LOOP(OP_MIN);
		LANE_LOOP(OP_HIMIN);
		LANE_LOOP(OP_MAX);
		LANE_LOOP(OP_LOMAX);
		LANE_LOOP(OP_ABS);
		LANE_LOOP(OP_ROUND);
		LANE_LOOP(OP_FLOOR);
		LANE_LOOP(OP_YEARS);
		LANE_LOOP(OP_AND);
		LANE_LOOP(OP_OR);
		LANE_LOOP(OP_NOT);
		LANE_LOOP(OP_IF);
		LANE_LOOP(OP_ISMISS);
		LANE_LOOP(OP_COALESCE);
	default:
		assert(0);
	}
	const hg_bits *r = (const hg_bits *)d;
	return test && r[0] == r[far_lane(vm)] && r[0] == r[nl - 1] && same_bits(d, nl);
}
#undef LANE_LOOP

/* Does some lane of a need the guarded code (enum hg_guard)? */
HG_CLONES
static int guard_needs(int mode, const double *a, int nl)
{
	int any = 0;
	switch (mode) {
	case HG_GUARD_ANY_TRUE:
		for (int l = 0; l < nl; l++)
			any |= a[l] == 1;
		return any;
	case HG_GUARD_ANY_NOT_0:
		for (int l = 0; l < nl; l++)
			any |= a[l] != 0;
		return any;
	case HG_GUARD_ANY_NOT_1:
		for (int l = 0; l < nl; l++)
			any |= a[l] != 1;
		return any;
	default:
		assert(mode == HG_GUARD_ANY_SET_NOT_1);
		for (int l = 0; l < nl; l++)
			any |= (a[l] == a[l]) & (a[l] != 1);
		return any;
	}
}

/* An order comparison of a register whose least and greatest values are on known lanes
 * (hg_lgroup.ext) with a uniform one: what holds on both of those lanes holds on every lane,
 * and lane 0 alone is computed (into d[0]; returns 1). */
static int ordered_uniform(hg_vm *vm, const hg_ins *x, double *d, int nl)
{
	if (x->op != OP_LT && x->op != OP_LE && x->op != OP_GT && x->op != OP_GE)
		return 0;
	const uint8_t *u = vm->u;
	const int32_t *ea = !u[x->a] && u[x->b] ? extremes(vm, x->a, nl) : NULL;
	const int32_t *eb = u[x->a] && !u[x->b] ? extremes(vm, x->b, nl) : NULL;
	if (!ea && !eb)
		return 0;
	const double *a = LANES(vm, x->a), *b = LANES(vm, x->b);
	double least = lane_op(x->op, a[ea ? ea[0] : 0], b[eb ? eb[0] : 0], 0, x->k);
	double most = lane_op(x->op, a[ea ? ea[1] : 0], b[eb ? eb[1] : 0], 0, x->k);
	if (!(least == most || (least != least && most != most)))
		return 0; /* (comparisons give 1, 0 or the one NAN) */
	d[0] = least;
	return 1;
}

/* Logic, comparisons and arithmetic (exec_logic) with uniform registers (vm.h): with every
 * input uniform, lane 0 alone is computed (by the same code as every lane, so the value is
 * the lane loops'); `if` on a uniform condition is a copy of the branch taken; else every
 * lane, inputs kept in lane 0 copied to their lanes first. Returns d's uniform state. */
static int exec_uniform(hg_vm *vm, const hg_ins *x, double *d, int nl)
{
	uint8_t *u = vm->u;
	int unary = hg_op_unary(x->op), cond = x->op == OP_IF;
	if (u[x->a] && (unary || u[x->b]) && (!cond || u[x->c])) {
		d[0] = lane_op(x->op, LANES(vm, x->a)[0], LANES(vm, x->b)[0],
		               cond ? LANES(vm, x->c)[0] : 0, x->k);
		return HG_U_LANE0;
	}
	if (cond && u[x->a]) {
		double a0 = LANES(vm, x->a)[0];
		int r = a0 != a0 ? -1 : a0 == 1 ? x->b : x->c;
		if (r < 0) {
			d[0] = NAN;
			return HG_U_LANE0;
		}
		if (u[r]) {
			d[0] = LANES(vm, r)[0];
			return HG_U_LANE0;
		}
		if (r != x->d)
			memcpy(d, LANES(vm, r), sizeof *d * (size_t)nl);
		return HG_U_NO;
	}
	if (ordered_uniform(vm, x, d, nl))
		return HG_U_LANE0;
	const double *a = lanes(vm, x->a), *b = unary ? a : lanes(vm, x->b);
	if (cond)
		lanes(vm, x->c);
	int test = nl == vm->stride && vm->pl->tested[x->d];
	return exec_logic(vm, x, d, a, b, nl, test) ? HG_U_ALL : HG_U_NO;
}

#define HG_EXEC_NAME exec_dense
#define HG_EXEC_LIST 0
#include "engine/vm_exec.h"
#define HG_EXEC_NAME exec_list
#define HG_EXEC_LIST 1
#include "engine/vm_exec.h"

void hg_vm_exec(hg_vm *vm, const hg_seg *sg)
{
	exec_dense(vm, sg->code, sg->n, NULL);
}

/* ---- persons ---- */

/* Room for n events in every class's list (a person's events: no test per event). */
static void ml_reserve(hg_vm *vm, uint32_t n)
{
	if (n <= vm->ml_cap)
		return;
	vm->ml_cap = n > 2 * vm->ml_cap ? n : 2 * vm->ml_cap;
	for (int c = 0; c < vm->pl->nclass; c++) {
		hg_mlist *m = &vm->ml[c];
		m->date = hg_xrealloc(m->date, sizeof *m->date * vm->ml_cap);
		m->val = hg_xrealloc(m->val, sizeof *m->val * vm->ml_cap);
		m->ev = hg_xrealloc(m->ev, sizeof *m->ev * vm->ml_cap);
	}
	vm->cand = hg_xrealloc(vm->cand, sizeof *vm->cand * vm->ml_cap);
}

/* A period-independent `where`, run on lane 0 of the first group's registers. */
static int where_holds(hg_vm *vm, const hg_mclass *c, uint64_t e)
{
	int nl = vm->nl;
	vm->nl = 1;
	vm->event = e;
	hg_vm_exec(vm, &vm->pl->segs[c->where_seg]);
	vm->nl = nl;
	return LANES(vm, c->where_reg)[0] == 1;
}

/* Does class c take event e (of the person's events [b, end)), its settings and value test
 * passed: its pairing and its own `where` (hg_cfile.flags HG_CF_MORE). */
static int class_takes_more(hg_vm *vm, const hg_mclass *c, uint64_t e, uint64_t b, uint64_t end)
{
	const hg_store *st = vm->st;
	if (c->paired && !hg_paired(st, e, b, end, c->paired, c->paired_value))
		return 0;
	return c->where_seg < 0 || c->where_value >= 0 || where_holds(vm, c, e);
}

/* Event e (of the person's events [b, end)) into the lists of the classes that take it. */
static inline void file_event(hg_vm *vm, uint64_t e, uint64_t b, uint64_t end)
{
	const hg_store *st = vm->st;
	const hg_plan *pl = vm->pl;
	const uint32_t *o = pl->code_off + pl->code_row[st->ev_code[e]];
	uint32_t set = st->ev_setting[e];
	int nan = isnan(st->ev_value[e]) != 0;
	assert(set < HG_SET_N);
	for (uint32_t k = o[set], k1 = o[set + 1]; k < k1; k++) {
		const hg_cfile f = pl->code_cls[k];
		if (f.where_value >= 0 && nan == f.where_value)
			continue; /* `value is (not) missing`: hg_f32_decimal keeps NaN and only NaN
			           */
		if (f.flags & HG_CF_MORE && !class_takes_more(vm, &pl->cls[f.cls], e, b, end))
			continue;
		uint32_t c = f.cls;
		hg_mlist *m = &vm->ml[c];
		assert(m->n < vm->ml_cap);
		m->date[m->n] = st->ev_date[e];
		if (f.flags & HG_CF_VALS) /* else no query reads them */
			m->val[m->n] = hg_f32_decimal(st->ev_value[e]);
		if (f.flags & HG_CF_EVS)
			m->ev[m->n] = (uint32_t)(e - b);
		m->n++;
		if (pl->baseline) /* (the same way for every event: predicted) */
			vm->ne[c >> 6] |= (uint64_t)1 << (c & 63);
	}
}

/* Make group g's register file the current one (hg_vm_group_facts too). */
static void use_group(hg_vm *vm, int g)
{
	const hg_lgroup *gr = &vm->pl->groups[g];
	vm->g = gr;
	vm->r = vm->rf[g];
	vm->u = vm->uf[g];
	vm->nl = vm->stride = gr->nl;
	hg_vm_group_facts(vm, gr);
}

void hg_vm_person(hg_vm *vm, uint64_t p)
{
	const hg_store *st = vm->st;
	const hg_plan *pl = vm->pl;
	vm->person = p;
	/* registered on [reg_lo, reg_hi] without a history (hg_store_registered_on) */
	vm->reg_hist = st->rg_off[p + 1] > st->rg_off[p];
	vm->reg_lo = 1;
	vm->reg_hi = 0;
	if (st->practice[p] != HG_NONE32 && st->reg_from[p] != HG_DATE_NONE) {
		vm->reg_lo = st->reg_from[p];
		vm->reg_hi = st->reg_to[p] < st->dod[p] ? st->reg_to[p] : st->dod[p];
	}
	hg_date dob = st->dob[p];
	vm->dob_y = -1;
	if (dob != HG_DATE_NONE) {
		int y, m, d;
		hg_date_to_ymd(dob, &y, &m, &d);
		vm->dob_y = y;
		vm->dob_md = m * 32 + d;
		assert(y >= 0);
	}
	/* with baselines, the classes the previous person had events in (vm->ne) are emptied */
	for (int w = 0, nw = (pl->nclass + 63) / 64; pl->baseline && w < nw; w++) {
		for (uint64_t m = vm->ne[w]; m; m &= m - 1)
			vm->ml[w * 64 + __builtin_ctzll(m)].n = 0;
		vm->ne[w] = 0;
	}
	for (int c = 0; !pl->baseline && c < pl->nclass; c++)
		vm->ml[c].n = 0;
	uint64_t b = st->ev_off[p], end = st->ev_off[p + 1];
	vm->ev0 = b;
	ml_reserve(vm, (uint32_t)(end - b));
	if (pl->ngroups)
		use_group(vm, 0);
	/* most events have a code no class has: the others are listed first without a branch
	   per event (which the processor could not predict) */
	const uint32_t *ev_code = st->ev_code;
	const uint8_t *any = pl->code_any;
	uint32_t *cand = vm->cand, nc = 0;
	for (uint64_t e = b; e < end; e++) {
		cand[nc] = (uint32_t)(e - b);
		nc += any[ev_code[e]];
	}
	for (uint32_t k = 0; k < nc; k++) { /* their fields' cache lines, all asked for at once */
		__builtin_prefetch(st->ev_date + b + cand[k]);
		__builtin_prefetch(st->ev_value + b + cand[k]);
		__builtin_prefetch(st->ev_setting + b + cand[k]);
	}
	for (uint32_t k = 0; k < nc; k++)
		file_event(vm, b + cand[k], b, end);
}

/*
 * The fused code of group g with its event-free baseline (vm.h): the registers the previous
 * person moved off their baseline are put back, then the instructions that depend on the
 * person, or on a class with events, are run in order. The others' registers hold their
 * baselines, which are their values for this person: the same code on the same empty
 * lists and period-only values.
 */
static void run_baseline(hg_vm *vm, int g)
{
	const hg_lgroup *gr = vm->g;
	const hg_ins *code = gr->fused.code;
	uint64_t *dirty = vm->dirty[g], *live = vm->live;
	size_t nl = (size_t)gr->nl;
	memset(live, 0, (size_t)gr->bw * sizeof *live);
	for (int w = 0, nw = (vm->pl->nclass + 63) / 64; w < nw; w++)
		for (uint64_t m = vm->ne[w]; m; m &= m - 1) {
			int32_t off = gr->b_cls[w * 64 + __builtin_ctzll(m)];
			if (off >= 0)
				for (int k = 0; k < gr->bw; k++)
					live[k] |= gr->b_bits[off + k];
		}
	/* what runs again is written again: only the rest is put back */
	for (int w = 0; w < gr->bw; w++) {
		for (uint64_t m = dirty[w] & ~live[w]; m; m &= m - 1) {
			int j = w * 64 + __builtin_ctzll(m), d = code[j].d;
			const double *b = gr->inv + (size_t)d * nl;
			if (gr->b_uni[j]) {
				LANES(vm, d)[0] = b[0];
				vm->u[d] = HG_U_LANE0;
			} else {
				memcpy(LANES(vm, d), b, nl * sizeof *b);
				vm->u[d] = HG_U_NO;
			}
		}
		dirty[w] = live[w];
	}
	uint32_t n = 0;
	for (int w = 0; w < gr->bw; w++)
		for (uint64_t m = live[w] | gr->b_person[w]; m; m &= m - 1)
			vm->run[n++] = (uint32_t)(w * 64 + __builtin_ctzll(m));
	exec_list(vm, code, n, vm->run);
}

void hg_vm_run_group(hg_vm *vm, int g)
{
	const hg_plan *pl = vm->pl;
	assert(g >= 0 && g < pl->ngroups);
	use_group(vm, g);
	memset(vm->done, 0, 2 * (size_t)vm->pr->nsegs);
	if (vm->g->bw)
		run_baseline(vm, g);
	else
		hg_vm_exec(vm, &vm->g->fused);
}

void hg_vm_run_lazy(hg_vm *vm, int d)
{
	for (const int *s = vm->g->lazy[d]; *s >= 0; s++)
		if (!vm->done[*s]) {
			hg_vm_exec(vm, &vm->pl->parts[*s]);
			vm->done[*s] = 1;
		}
}

void hg_vm_eval_at(hg_vm *vm, const hg_seg *code, const int *regs, int nregs, const hg_date *dates,
                   int n, double *out, size_t ostride)
{
	double *r = vm->r;
	uint8_t *u = vm->u;
	int nl = vm->nl, stride = vm->stride;
	const hg_lgroup *g = vm->g;
	const int32_t *ext = vm->ext;
	int far = vm->far;
	vm->r = vm->atf;
	vm->u = vm->uat;
	vm->stride = HG_AT_LANES;
	vm->g = NULL;
	vm->ext = NULL;
	vm->far = HG_AT_LANES - 1;
	for (int k0 = 0; k0 < n; k0 += HG_AT_LANES) {
		vm->nl = n - k0 < HG_AT_LANES ? n - k0 : HG_AT_LANES;
		for (int f = HG_REG_START; f <= HG_REG_MID; f++)
			for (int l = 0; l < vm->nl; l++)
				LANES(vm, f)[l] = dates[k0 + l];
		for (int f = HG_REG_START; f <= HG_REG_MID; f++)
			vm->u[f] = 0;
		hg_vm_exec(vm, code);
		for (int j = 0; j < nregs; j++)
			memcpy(out + (size_t)j * ostride + (size_t)k0, lanes(vm, regs[j]),
			       sizeof *out * (size_t)vm->nl);
	}
	vm->r = r;
	vm->u = u;
	vm->nl = nl;
	vm->stride = stride;
	vm->g = g;
	vm->ext = ext;
	vm->far = far;
}

void hg_vm_init(hg_vm *vm, const hg_plan *pl)
{
	memset(vm, 0, sizeof *vm);
	const hg_program *pr = pl->pr;
	vm->pl = pl;
	vm->pr = pr;
	vm->st = pr->store;
	vm->rf = hg_xcalloc((size_t)pl->ngroups + 1, sizeof *vm->rf);
	vm->uf = hg_xcalloc((size_t)pl->ngroups + 1, sizeof *vm->uf);
	for (int g = 0; g < pl->ngroups; g++) {
		int nl = pl->groups[g].nl;
		size_t n = (size_t)pr->nregs * (size_t)nl + 1;
		vm->rf[g] = hg_xmalloc(n * sizeof(double));
		memcpy(vm->rf[g], pl->groups[g].inv, n * sizeof(double));
		vm->uf[g] = hg_xcalloc((size_t)pr->nregs + 1, 1);
		for (int r = 0; r < pr->nregs; r++)
			vm->uf[g][r] =
			    lanes_same(vm->rf[g] + (size_t)r * (size_t)nl, nl) ? HG_U_ALL : HG_U_NO;
	}
	/* the register file for dates: constants set once, as in a group image */
	vm->atf = hg_xcalloc((size_t)pr->nregs * HG_AT_LANES + 1, sizeof(double));
	for (int l = 0; l < HG_AT_LANES; l++) {
		vm->atf[HG_REG_ONE * HG_AT_LANES + l] = 1;
		for (int i = 0; i < pr->nconsts; i++)
			vm->atf[(size_t)pr->const_reg[i] * HG_AT_LANES + l] = pr->const_val[i];
	}
	vm->uat = hg_xcalloc((size_t)pr->nregs + 1, 1);
	for (int r = 0; r < pr->nregs; r++)
		vm->uat[r] =
		    lanes_same(vm->atf + (size_t)r * HG_AT_LANES, HG_AT_LANES) ? HG_U_ALL : HG_U_NO;
	vm->ml = hg_xcalloc((size_t)pl->nclass + 1, sizeof *vm->ml);
	vm->ne = hg_xcalloc(((size_t)pl->nclass + 63) / 64 + 1, sizeof *vm->ne);
	vm->dirty = hg_xcalloc((size_t)pl->ngroups + 1, sizeof *vm->dirty);
	uint32_t nrun = 0;
	for (int g = 0; g < pl->ngroups; g++) {
		vm->dirty[g] = hg_xcalloc((size_t)pl->groups[g].bw + 1, sizeof **vm->dirty);
		if (pl->groups[g].fused.n > nrun)
			nrun = pl->groups[g].fused.n;
	}
	vm->run = hg_xcalloc((size_t)nrun + 1, sizeof *vm->run);
	vm->live = hg_xcalloc((size_t)nrun / 64 + 2, sizeof *vm->live);
	vm->cnt = hg_xcalloc(4 * ((size_t)pl->max_lanes + 1), sizeof *vm->cnt);
	vm->done = hg_xcalloc(2 * (size_t)pr->nsegs + 1, 1);
	vm->pass = hg_xcalloc((size_t)pr->nq + 1, sizeof *vm->pass);
	vm->pass_cap = hg_xcalloc((size_t)pr->nq + 1, sizeof *vm->pass_cap);
}

void hg_vm_free(hg_vm *vm)
{
	if (!vm->pl)
		return;
	for (int g = 0; g < vm->pl->ngroups; g++) {
		free(vm->rf[g]);
		free(vm->uf[g]);
		free(vm->dirty[g]);
	}
	free(vm->dirty);
	free(vm->ne);
	free(vm->run);
	free(vm->live);
	free(vm->cnt);
	free(vm->rf);
	free(vm->uf);
	free(vm->uat);
	free(vm->atf);
	for (int c = 0; c < vm->pl->nclass; c++) {
		free(vm->ml[c].date);
		free(vm->ml[c].val);
		free(vm->ml[c].ev);
	}
	free(vm->ml);
	free(vm->cand);
	for (int q = 0; q < vm->pr->nq; q++)
		free(vm->pass[q]);
	free(vm->done);
	free(vm->pass);
	free(vm->pass_cap);
	memset(vm, 0, sizeof *vm);
}
