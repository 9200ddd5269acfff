/*
 * vm.c: the register machine that runs compiled segments for one person,
 * and the event-query scanner. Registers are doubles: NaN is missing,
 * booleans are 0/1 with Kleene logic. An event query binary-searches the
 * person's date-sorted events for the window start and scans to its end.
 */
#include "engine/vm.h"

#include "lang/ast.h"

#include <assert.h>
#include <math.h>

static double hg_bool(int b)
{
	return b ? 1.0 : 0.0;
}

static double hg_age_at(const hg_store *st, uint64_t p, double d)
{
	if (isnan(d) || st->dob[p] == HG_DATE_NONE || isinf(d))
		return NAN;
	return hg_age_years(st->dob[p], (hg_date)d);
}

static double hg_reg_at(const hg_store *st, uint64_t p, double d)
{
	if (isnan(d))
		return NAN;
	hg_date f = st->reg_from[p], t = st->reg_to[p];
	return hg_bool(f != HG_DATE_NONE && f <= d && (t == HG_DATE_NONE || t >= d));
}

static double hg_alive_at(const hg_store *st, uint64_t p, double d)
{
	if (isnan(d))
		return NAN;
	hg_date dod = st->dod[p];
	return hg_bool(dod == HG_DATE_NONE || dod > d);
}

static double hg_date_or_nan(hg_date d)
{
	return d == HG_DATE_NONE ? NAN : (double)d;
}

static double hg_attr(const hg_vm *vm, int a, double k)
{
	const hg_store *st = vm->st;
	uint64_t p = vm->person;
	const double *r = vm->r;
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
		return hg_date_or_nan(st->dob[p]);
	case A_DOD:
		return hg_date_or_nan(st->dod[p]);
	case A_REG_FROM:
		return hg_date_or_nan(st->reg_from[p]);
	case A_REG_TO:
		return hg_date_or_nan(st->reg_to[p]);
	case A_DIED_IN_PERIOD:
		return hg_bool(st->dod[p] != HG_DATE_NONE && st->dod[p] >= r[HG_REG_START] &&
		               st->dod[p] <= r[HG_REG_END]);
	case A_FLAG:
		return hg_bool((st->flags[p] >> (int)k) & 1);
	default:
		assert(0);
		return NAN;
	}
}

static double hg_and(double a, double b)
{
	if (a == 0 || b == 0)
		return 0;
	if (isnan(a) || isnan(b))
		return NAN;
	return 1;
}

static double hg_or(double a, double b)
{
	if (a == 1 || b == 1)
		return 1;
	if (isnan(a) || isnan(b))
		return NAN;
	return 0;
}

static double hg_addm(double d, double k)
{
	if (isnan(d) || isinf(d))
		return d;
	return hg_date_add_months((hg_date)d, (int)k);
}

/* Is there a same-day event in `paired` with a value? */
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

/* First event index in [b, e) with date >= lo. */
static uint64_t hg_lower_bound(const hg_date *date, uint64_t b, uint64_t e, double lo)
{
	while (b < e) {
		uint64_t m = b + (e - b) / 2;
		if (date[m] < lo)
			b = m + 1;
		else
			e = m;
	}
	return b;
}

typedef struct hg_agg {
	double n, sum, min, max, first, last, first_date, last_date, days;
	hg_date prev_day;
} hg_agg;

static int hg_event_passes(hg_vm *vm, const hg_query *q, uint64_t e, uint64_t b, uint64_t end)
{
	const hg_store *st = vm->st;
	uint32_t c = st->ev_code[e];
	if (!(q->codes[c >> 6] >> (c & 63) & 1))
		return 0;
	if (q->settings && !(q->settings >> st->ev_setting[e] & 1))
		return 0;
	if (q->paired && !hg_paired(st, e, b, end, q->paired, q->paired_value))
		return 0;
	if (q->where_seg >= 0) {
		vm->event = e;
		hg_vm_run_seg(vm, q->where_seg);
		if (vm->r[q->where_reg] != 1)
			return 0;
	}
	return 1;
}

static int hg_value_agg(int agg)
{
	return agg == F_MIN_VALUE || agg == F_MAX_VALUE || agg == F_MEAN_VALUE ||
	       agg == F_SUM_VALUE;
}

static void hg_agg_add(hg_agg *g, int agg, hg_date d, double v)
{
	if (hg_value_agg(agg)) {
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

static double hg_agg_result(const hg_agg *g, int agg)
{
	int none = g->n == 0;
	switch (agg) {
	case F_EXISTS:
		return hg_bool(!none);
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

static double hg_query_run(hg_vm *vm, const hg_query *q)
{
	double lo = vm->r[q->lo], hi = vm->r[q->hi];
	if (isnan(lo) || isnan(hi))
		return NAN;
	const hg_store *st = vm->st;
	uint64_t b = st->ev_off[vm->person], end = st->ev_off[vm->person + 1];
	uint64_t e = isinf(lo) ? b : hg_lower_bound(st->ev_date, b, end, lo);
	hg_agg g = {0};
	/* the last match is found fastest from the end */
	if (q->agg == F_LAST_DATE || q->agg == F_LAST_VALUE) {
		uint64_t stop = e;
		e = isinf(hi) ? end : hg_lower_bound(st->ev_date, stop, end, hi + 1);
		while (e > stop) {
			e--;
			if (hg_event_passes(vm, q, e, b, end)) {
				hg_agg_add(&g, q->agg, st->ev_date[e], st->ev_value[e]);
				break;
			}
		}
		return hg_agg_result(&g, q->agg);
	}
	for (; e < end && st->ev_date[e] <= hi; e++) {
		if (!hg_event_passes(vm, q, e, b, end))
			continue;
		hg_agg_add(&g, q->agg, st->ev_date[e], st->ev_value[e]);
		if (q->agg == F_EXISTS || q->agg == F_FIRST_DATE || q->agg == F_FIRST_VALUE)
			break;
	}
	return hg_agg_result(&g, q->agg);
}

static double hg_evf(const hg_vm *vm, int f)
{
	uint64_t e = vm->event;
	switch (f) {
	case E_VALUE:
		return vm->st->ev_value[e];
	case E_DATE:
		return vm->st->ev_date[e];
	default:
		return vm->st->ev_setting[e];
	}
}

static double hg_cmp(int op, double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	switch (op) {
	case OP_LT:
		return hg_bool(a < b);
	case OP_LE:
		return hg_bool(a <= b);
	case OP_GT:
		return hg_bool(a > b);
	case OP_GE:
		return hg_bool(a >= b);
	case OP_EQ:
		return hg_bool(a == b);
	default:
		return hg_bool(a != b);
	}
}

static double hg_minmax(int op, double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	return (op == OP_MIN || op == OP_HIMIN) ? (a < b ? a : b) : (a > b ? a : b);
}

void hg_vm_run_seg(hg_vm *vm, int seg)
{
	const hg_seg *sg = &vm->pr->segs[seg];
	double *r = vm->r;
	for (uint32_t i = 0; i < sg->n; i++) {
		const hg_ins *x = &sg->code[i];
		switch (x->op) {
		case OP_CONST:
			r[x->d] = x->k;
			break;
		case OP_MOV:
			r[x->d] = r[x->a];
			break;
		case OP_ATTR:
			r[x->d] = hg_attr(vm, x->c, x->k);
			break;
		case OP_EVF:
			r[x->d] = hg_evf(vm, x->c);
			break;
		case OP_ADD:
			r[x->d] = r[x->a] + r[x->b];
			break;
		case OP_SUB:
			r[x->d] = r[x->a] - r[x->b];
			break;
		case OP_MUL:
			r[x->d] = r[x->a] * r[x->b];
			break;
		case OP_DIV:
			r[x->d] = r[x->b] == 0 ? NAN : r[x->a] / r[x->b];
			break;
		case OP_NEG:
			r[x->d] = -r[x->a];
			break;
		case OP_ADDM:
			r[x->d] = hg_addm(r[x->a], x->k);
			break;
		case OP_LT:
		case OP_LE:
		case OP_GT:
		case OP_GE:
		case OP_EQ:
		case OP_NE:
			r[x->d] = hg_cmp(x->op, r[x->a], r[x->b]);
			break;
		case OP_AND:
			r[x->d] = hg_and(r[x->a], r[x->b]);
			break;
		case OP_OR:
			r[x->d] = hg_or(r[x->a], r[x->b]);
			break;
		case OP_NOT:
			r[x->d] = isnan(r[x->a]) ? NAN : hg_bool(r[x->a] == 0);
			break;
		case OP_IF:
			r[x->d] = isnan(r[x->a]) ? NAN : r[x->a] == 1 ? r[x->b] : r[x->c];
			break;
		case OP_ISMISS:
			r[x->d] = hg_bool(isnan(r[x->a]) != (x->k != 0));
			break;
		case OP_COALESCE:
			r[x->d] = isnan(r[x->a]) ? r[x->b] : r[x->a];
			break;
		case OP_MIN:
		case OP_MAX:
		case OP_HIMIN:
		case OP_LOMAX:
			r[x->d] = hg_minmax(x->op, r[x->a], r[x->b]);
			break;
		case OP_ABS:
			r[x->d] = fabs(r[x->a]);
			break;
		case OP_ROUND:
			r[x->d] = round(r[x->a]);
			break;
		case OP_FLOOR:
			r[x->d] = floor(r[x->a]);
			break;
		case OP_AGEAT:
			r[x->d] = hg_age_at(vm->st, vm->person, r[x->a]);
			break;
		case OP_REGAT:
			r[x->d] = hg_reg_at(vm->st, vm->person, r[x->a]);
			break;
		case OP_ALIVEAT:
			r[x->d] = hg_alive_at(vm->st, vm->person, r[x->a]);
			break;
		case OP_YEARS:
			r[x->d] = isnan(r[x->a]) || isnan(r[x->b])
			              ? NAN
			              : hg_age_years((hg_date)r[x->a], (hg_date)r[x->b]);
			break;
		case OP_QUERY:
			r[x->d] = hg_query_run(vm, &vm->pr->queries[x->c]);
			break;
		default:
			assert(0);
		}
	}
}

void hg_vm_init(hg_vm *vm, const hg_program *pr)
{
	vm->pr = pr;
	vm->st = pr->store;
	vm->r = hg_xcalloc((size_t)pr->nregs + 1, sizeof *vm->r);
	vm->r[HG_REG_ONE] = 1;
	for (int i = 0; i < pr->nconsts; i++)
		vm->r[pr->const_reg[i]] = pr->const_val[i];
	vm->person = 0;
	vm->event = 0;
}

void hg_vm_free(hg_vm *vm)
{
	free(vm->r);
	vm->r = NULL;
}

void hg_vm_set_period(hg_vm *vm, hg_period p)
{
	vm->r[HG_REG_START] = p.start;
	vm->r[HG_REG_END] = p.end;
	vm->r[HG_REG_MID] = p.start + (p.end - p.start) / 2;
}
