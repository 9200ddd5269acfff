/*
 * plan.c: prepares a compiled program for the lane machine (vm.h): match
 * classes of event queries and the code -> class index, the period-only code
 * hoisted out of the segments (run once per lane group), and the lane groups
 * themselves (periods needing the same segments, with their due indicators).
 */
#include "engine/vm.h"

#include "lang/ast.h"
#include "lang/program.h"

#include <assert.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* A list of ints. */
typedef struct hg_ilist {
	int *v;
	int n, cap;
} hg_ilist;

/* Registers read by an instruction (explicit operands only); returns how many. */
static int ins_reads(const hg_ins *x, int out[3])
{
	switch (x->op) {
	case OP_CONST:
	case OP_ATTR:
	case OP_EVF:
	case OP_QUERY:
		return 0;
	case OP_IF:
		out[0] = x->a;
		out[1] = x->b;
		out[2] = x->c;
		return 3;
	default:
		out[0] = x->a;
		out[1] = x->b;
		return hg_op_unary(x->op) ? 1 : 2;
	}
}

/* Can this instruction's result depend on the person or the event? */
static int ins_personal(const hg_ins *x)
{
	return x->op == OP_ATTR || x->op == OP_EVF || x->op == OP_QUERY || x->op == OP_UNIT ||
	       x->op == OP_AGEAT || x->op == OP_REGAT || x->op == OP_ALIVEAT || x->op == OP_PLACEAT;
}

static char *const_mask(const hg_program *pr)
{
	char *isc = hg_xcalloc((size_t)pr->nregs + 1, 1);
	for (int i = 0; i < pr->nconsts; i++)
		isc[pr->const_reg[i]] = 1;
	isc[HG_REG_ONE] = 1;
	return isc;
}

/* A `where` segment that reads only constants, the event and fixed person data. */
static int where_is_static(const hg_program *pr, int seg, const char *isc)
{
	const hg_seg *sg = &pr->segs[seg];
	char *w = hg_xcalloc((size_t)pr->nregs + 1, 1);
	int ok = 1;
	for (uint32_t i = 0; i < sg->n && ok; i++) {
		const hg_ins *x = &sg->code[i];
		int rd[3], n = ins_reads(x, rd);
		for (int k = 0; k < n; k++)
			if (!isc[rd[k]] && !w[rd[k]])
				ok = 0;
		if (x->op == OP_QUERY || (x->op == OP_ATTR && x->c == A_DIED_IN_PERIOD))
			ok = 0;
		w[x->d] = 1;
	}
	free(w);
	return ok;
}

/* Do two code sets (NULL: none) hold the same codes? Codelists read from the same file
 * under two names, or built the same way, are one set of events. */
static int same_codes(const hg_store *st, const uint64_t *a, const uint64_t *b)
{
	if (a == b)
		return 1;
	return a && b && memcmp(a, b, hg_codeset_words(st) * sizeof *a) == 0;
}

static int class_of(hg_plan *pl, const hg_mclass *k)
{
	for (int c = 0; c < pl->nclass; c++) {
		const hg_mclass *o = &pl->cls[c];
		if (same_codes(pl->pr->store, o->codes, k->codes) &&
		    same_codes(pl->pr->store, o->paired, k->paired) &&
		    o->paired_value == k->paired_value && o->settings == k->settings &&
		    o->where_seg == k->where_seg)
			return c;
	}
	pl->cls[pl->nclass] = *k;
	return pl->nclass++;
}

/* Class c as filing reads it (hg_cfile). */
static hg_cfile cfile(const hg_mclass *k, int c)
{
	int more = k->paired || (k->where_seg >= 0 && k->where_value < 0);
	return (hg_cfile){.cls = (uint32_t)c,
	                  .where_value = k->where_value,
	                  .flags = (uint8_t)((more ? HG_CF_MORE : 0) | (k->vals ? HG_CF_VALS : 0) |
	                                     (k->evs ? HG_CF_EVS : 0))};
}

/* A value aggregate: the only queries that read the filed events' values (vm.c agg_range). */
static int agg_reads_values(int agg)
{
	return agg == F_FIRST_VALUE || agg == F_LAST_VALUE || agg == F_MIN_VALUE ||
	       agg == F_MAX_VALUE || agg == F_MEAN_VALUE || agg == F_SUM_VALUE;
}

/* 1 for a `where` that is exactly `value is not missing`, 0 for `value is missing`, else -1
 * (compile.c: the event's value, then OP_ISMISS with k 1 for `not`). */
static int where_value_test(const hg_program *pr, int seg, int reg)
{
	const hg_seg *sg = &pr->segs[seg];
	if (sg->n != 2)
		return -1;
	const hg_ins *v = &sg->code[0], *t = &sg->code[1];
	if (v->op != OP_EVF || v->c != E_VALUE || t->op != OP_ISMISS || t->a != v->d || t->d != reg)
		return -1;
	return t->k != 0;
}

static void plan_classes(hg_plan *pl, const char *isc)
{
	const hg_program *pr = pl->pr;
	pl->cls = hg_xcalloc((size_t)pr->nq + 1, sizeof *pl->cls);
	pl->q = hg_xcalloc((size_t)pr->nq + 1, sizeof *pl->q);
	for (int q = 0; q < pr->nq; q++) {
		const hg_query *Q = &pr->queries[q];
		int stat = Q->where_seg >= 0 && where_is_static(pr, Q->where_seg, isc);
		hg_mclass k = {.codes = Q->codes,
		               .paired = Q->paired,
		               .paired_value = Q->paired_value,
		               .settings = Q->settings,
		               .where_seg = stat ? Q->where_seg : -1,
		               .where_reg = stat ? Q->where_reg : 0};
		pl->q[q] = (hg_qplan){.cls = class_of(pl, &k),
		                      .where = stat ? -1 : Q->where_seg,
		                      .lo = Q->lo,
		                      .hi = Q->hi,
		                      .agg = Q->agg};
	}
	for (int c = 0; c < pl->nclass; c++) {
		hg_mclass *k = &pl->cls[c];
		k->where_value =
		    (int8_t)(k->where_seg < 0 ? -1
		                              : where_value_test(pr, k->where_seg, k->where_reg));
	}
	/* a period-dependent `where` reads the event itself (vm.c where_lanes), not the list */
	for (int q = 0; q < pr->nq; q++) {
		pl->cls[pl->q[q].cls].vals |= agg_reads_values(pr->queries[q].agg);
		pl->cls[pl->q[q].cls].evs |= pl->q[q].where >= 0;
	}
	/* the classes of each code and setting: filing an event reads only those that take
	   its setting (an `any in setting apc` class is in every code's lists, but only in
	   the lists of setting apc); a row of HG_SET_N + 1 offsets per code that some class
	   has (code_row: where it starts; row 0, empty, for the others), so the rows take no
	   room for the codes no codelist names */
	uint32_t ncodes = pr->store->codes.n, nrow = 1;
	/* rows x (HG_SET_N + 1) offsets: at most codes x 9, far below 2^32 */
	assert((uint64_t)ncodes * (HG_SET_N + 1) < UINT32_MAX);
	pl->code_row = hg_xcalloc((size_t)ncodes + 1, sizeof *pl->code_row);
	int *has = hg_xcalloc((size_t)pl->nclass + 1, sizeof *has);
	for (int pass = 0; pass < 2; pass++) {
		size_t n = 0;
		nrow = 1;
		for (uint32_t id = 0; id < ncodes; id++) {
			int nh = 0; /* the classes that have the code */
			for (int c = 0; c < pl->nclass; c++)
				if (pl->cls[c].codes[id >> 6] >> (id & 63) & 1)
					has[nh++] = c;
			if (!nh)
				continue;
			uint32_t *o = pass ? pl->code_off + (size_t)nrow * (HG_SET_N + 1) : NULL;
			if (pass)
				pl->code_row[id] = nrow * (HG_SET_N + 1);
			nrow++;
			for (uint32_t set = 0; set < HG_SET_N; set++) {
				/* at most the codelists' codes x settings: far below 2^32 */
				assert(n < UINT32_MAX);
				if (o)
					o[set] = (uint32_t)n;
				for (int k = 0; k < nh; k++) {
					const hg_mclass *cl = &pl->cls[has[k]];
					if (cl->settings && !(cl->settings >> set & 1))
						continue;
					if (pass)
						pl->code_cls[n] = cfile(cl, has[k]);
					n++;
				}
			}
			if (o)
				o[HG_SET_N] = (uint32_t)n;
		}
		if (!pass) {
			pl->code_cls = hg_xcalloc(n + 1, sizeof *pl->code_cls);
			pl->code_off =
			    hg_xcalloc((size_t)nrow * (HG_SET_N + 1), sizeof *pl->code_off);
		}
	}
	free(has);
	pl->code_any = hg_xcalloc((size_t)ncodes + 1, 1);
	for (uint32_t id = 0; id < ncodes; id++)
		pl->code_any[id] = pl->code_row[id] != 0;
}

/* ---- hoisting period-only code ---- */

typedef struct hg_wpos {
	int nw;        /* writes */
	int seg, last; /* segment and position of the last write */
	char bad;      /* written by person-dependent code, or read between writes */
} hg_wpos;

static void scan_writes(const hg_program *pr, hg_wpos *wp)
{
	for (int s = 0; s < pr->nsegs; s++)
		for (uint32_t i = 0; i < pr->segs[s].n; i++) {
			const hg_ins *x = &pr->segs[s].code[i];
			hg_wpos *w = &wp[x->d];
			if (w->nw && w->seg != s)
				w->bad = 1;
			w->nw++;
			w->seg = s;
			w->last = (int)i;
			if (ins_personal(x))
				w->bad = 1;
		}
	/* a register written several times must not be read in between by others */
	for (int s = 0; s < pr->nsegs; s++)
		for (uint32_t i = 0; i < pr->segs[s].n; i++) {
			const hg_ins *x = &pr->segs[s].code[i];
			int rd[3], n = ins_reads(x, rd);
			for (int k = 0; k < n; k++) {
				hg_wpos *w = &wp[rd[k]];
				if (w->nw > 1 && rd[k] != x->d && w->seg == s && (int)i < w->last)
					w->bad = 1;
			}
		}
}

/* inv[r]: register r depends on the period only (greatest fixed point). */
static char *invariant_regs(const hg_program *pr, const char *isc)
{
	int nr = pr->nregs;
	hg_wpos *wp = hg_xcalloc((size_t)nr + 1, sizeof *wp);
	scan_writes(pr, wp);
	char *inv = hg_xcalloc((size_t)nr + 1, 1);
	for (int r = 0; r < nr; r++)
		inv[r] = isc[r] || (wp[r].nw > 0 && !wp[r].bad);
	inv[HG_REG_START] = inv[HG_REG_END] = inv[HG_REG_MID] = 1;
	for (int changed = 1; changed;) {
		changed = 0;
		for (int s = 0; s < pr->nsegs; s++)
			for (uint32_t i = 0; i < pr->segs[s].n; i++) {
				const hg_ins *x = &pr->segs[s].code[i];
				int rd[3], n = ins_reads(x, rd);
				for (int k = 0; k < n && inv[x->d] && !isc[x->d]; k++)
					if (!inv[rd[k]]) {
						inv[x->d] = 0;
						changed = 1;
					}
			}
	}
	free(wp);
	return inv;
}

static void seg_push(hg_seg *sg, const hg_ins *x)
{
	HG_GROW(sg->code, sg->n, sg->cap);
	sg->code[sg->n++] = *x;
}

/* Split every segment into person code (pl->segs) and hoisted code (*hoist); returns
 * which registers are period-only (the hoisted code's, constants, period registers). */
static char *plan_hoist(hg_plan *pl, const char *isc, hg_seg *hoist)
{
	const hg_program *pr = pl->pr;
	char *inv = invariant_regs(pr, isc);
	pl->segs = hg_xcalloc((size_t)pr->nsegs + 1, sizeof *pl->segs);
	for (int s = 0; s < pr->nsegs; s++)
		for (uint32_t i = 0; i < pr->segs[s].n; i++) {
			const hg_ins *x = &pr->segs[s].code[i];
			assert(!isc[x->d] &&
			       x->d >= HG_REG_FIXED); /* constants are never written */
			seg_push(inv[x->d] ? hoist : &pl->segs[s], x);
		}
	return inv;
}

/* ---- numerators run only for people in the denominator ---- */

/* Mark the registers x reads, with a query's bounds and its `where` code's reads. */
static void mark_reads(const hg_plan *pl, const hg_ins *x, char *rd)
{
	int r[3], n = ins_reads(x, r);
	for (int k = 0; k < n; k++)
		rd[r[k]] = 1;
	if (x->op != OP_QUERY)
		return;
	const hg_query *q = &pl->pr->queries[x->c];
	rd[q->lo] = rd[q->hi] = 1;
	int ws = pl->q[x->c].where;
	for (uint32_t i = 0; ws >= 0 && i < pl->segs[ws].n; i++)
		mark_reads(pl, &pl->segs[ws].code[i], rd);
}

/* Moving marked instructions before unmarked ones keeps every value. */
static int split_safe(const hg_plan *pl, const hg_seg *sg, const char *mark)
{
	char *rd = hg_xcalloc((size_t)pl->pr->nregs + 1, 1);
	int ok = 1;
	for (uint32_t i = 0; i < sg->n && ok; i++) {
		if (mark[i])
			continue;
		memset(rd, 0, (size_t)pl->pr->nregs);
		mark_reads(pl, &sg->code[i], rd);
		for (uint32_t j = i + 1; j < sg->n && ok; j++)
			if (mark[j] && (rd[sg->code[j].d] || sg->code[j].d == sg->code[i].d))
				ok = 0;
	}
	free(rd);
	return ok;
}

/* Split segment s into part 2s (what computes register den) and 2s + 1 (the rest). */
static void split_seg(hg_plan *pl, int s, int den)
{
	const hg_seg *sg = &pl->segs[s];
	char *need = hg_xcalloc((size_t)pl->pr->nregs + 1, 1);
	char *mark = hg_xcalloc((size_t)sg->n + 1, 1);
	if (den >= 0)
		need[den] = 1;
	for (uint32_t i = sg->n; i-- > 0;)
		if (need[sg->code[i].d]) {
			mark[i] = 1;
			mark_reads(pl, &sg->code[i], need);
		}
	int ok = den >= 0 && split_safe(pl, sg, mark); /* else all in part 2s */
	for (uint32_t i = 0; i < sg->n; i++)
		seg_push(&pl->parts[2 * s + (ok && !mark[i])], &sg->code[i]);
	free(mark);
	free(need);
}

static void plan_parts(hg_plan *pl)
{
	const hg_program *pr = pl->pr;
	int *den = hg_xmalloc(sizeof(int) * ((size_t)pr->nsegs + 1));
	for (int s = 0; s < pr->nsegs; s++)
		den[s] = -1;
	for (int i = 0; i < pr->ninds; i++)
		den[pr->inds[i].seg] = pr->inds[i].den;
	pl->parts = hg_xcalloc(2 * (size_t)pr->nsegs + 1, sizeof *pl->parts);
	for (int s = 0; s < pr->nsegs; s++)
		split_seg(pl, s, den[s]);
	free(den);
}

/* Per register: the group segment writing it, -1; returns 0 if one is written by two. */
static int group_writers(const hg_plan *pl, const hg_lgroup *g, int *wr)
{
	for (int r = 0; r < pl->pr->nregs; r++)
		wr[r] = -1;
	for (const int *s = g->seg; *s >= 0; s++)
		for (uint32_t i = 0; i < pl->segs[*s].n; i++) {
			int d = pl->segs[*s].code[i].d;
			if (wr[d] >= 0 && wr[d] != *s)
				return 0;
			wr[d] = *s;
		}
	return 1;
}

/* Mark (in need) the group segments that part p reads from, other than its own. */
static void need_writers(const hg_plan *pl, int p, const int *wr, char *rd, char *need)
{
	memset(rd, 0, (size_t)pl->pr->nregs);
	for (uint32_t i = 0; i < pl->parts[p].n; i++)
		mark_reads(pl, &pl->parts[p].code[i], rd);
	for (int r = 0; r < pl->pr->nregs; r++)
		if (rd[r] && wr[r] >= 0 && wr[r] != p / 2)
			need[wr[r]] = 1;
}

/* The parts segments in need (in group order) run; num: segment whose numerator part.
   Empty parts are left out (a count whose numerator is its denominator has no code for
   it: nothing to call per person). */
static int *part_list(const hg_plan *pl, const hg_lgroup *g, const char *need, int num, int both)
{
	int n = 0;
	for (const int *s = g->seg; *s >= 0; s++)
		n++;
	int *list = hg_xmalloc(sizeof(int) * (2 * (size_t)n + 1)), k = 0;
	for (const int *s = g->seg; *s >= 0; s++) {
		if (need[*s] && (both || *s != num) && pl->parts[2 * *s].n)
			list[k++] = 2 * *s;
		if (((need[*s] && both) || *s == num) && pl->parts[2 * *s + 1].n)
			list[k++] = 2 * *s + 1;
	}
	list[k] = -1;
	return list;
}

/* The group's eager parts and each due indicator's lazy ones. */
static void group_parts(hg_plan *pl, hg_lgroup *g)
{
	const hg_program *pr = pl->pr;
	int ns = pr->nsegs, *wr = hg_xmalloc(sizeof(int) * ((size_t)pr->nregs + 1));
	char *rd = hg_xcalloc((size_t)pr->nregs + 1, 1), *eager = hg_xcalloc((size_t)ns + 1, 1);
	char *need = hg_xcalloc((size_t)ns + 1, 1);
	int lazy_ok = group_writers(pl, g, wr);
	int nseg = 0;
	for (const int *s = g->seg; *s >= 0; s++)
		nseg++;
	for (int d = 0; d < g->nind; d++) {
		const hg_cind *ci = &pr->inds[g->ind[d]];
		eager[ci->seg] = 1;
		if (wr[ci->den] >= 0)
			eager[wr[ci->den]] = 1;
		/* the categories of segmentation breakdowns place every denominator */
		for (int k = 0; k < 2 * ci->ind->nbds; k++)
			if (ci->bd_reg[k] >= 0 && wr[ci->bd_reg[k]] >= 0)
				eager[wr[ci->bd_reg[k]]] = 1;
	}
	for (int k = nseg; k-- > 0;)
		if (eager[g->seg[k]])
			need_writers(pl, 2 * g->seg[k], wr, rd, eager);
	if (!lazy_ok)
		for (int k = 0; k < nseg; k++)
			eager[g->seg[k]] = 1;
	g->eager = part_list(pl, g, eager, -1, !lazy_ok);
	g->lazy = hg_xcalloc((size_t)g->nind + 1, sizeof *g->lazy);
	for (int d = 0; d < g->nind; d++) {
		int is = pr->inds[g->ind[d]].seg;
		memset(need, 0, (size_t)ns);
		int num = pr->inds[g->ind[d]].num;
		if (lazy_ok)
			need_writers(pl, 2 * is + 1, wr, rd, need);
		if (lazy_ok && wr[num] >= 0 && wr[num] != is)
			need[wr[num]] = 1;
		for (int k = nseg; k-- > 0;)
			if (need[g->seg[k]] && !eager[g->seg[k]])
				need_writers(pl, 2 * g->seg[k], wr, rd, need);
		for (int s = 0; s < ns; s++)
			need[s] &= !eager[s];
		g->lazy[d] = part_list(pl, g, need, lazy_ok ? is : -1, 0);
	}
	free(wr);
	free(rd);
	free(eager);
	free(need);
}

/* ---- lane groups ---- */

static int same_segs(const int *a, const int *b)
{
	for (; *a >= 0 && *a == *b; a++, b++)
		;
	return *a == *b;
}

static void split_date(hg_date d, int32_t *y, int32_t *md)
{
	int yy, mm, dd;
	hg_date_to_ymd(d, &yy, &mm, &dd);
	*y = yy;
	*md = mm * 32 + dd;
}

/* Lane l's period: a program period, or a hidden lane's one day. */
static hg_period lane_period(const hg_program *pr, const hg_lgroup *g, int l)
{
	assert(l >= 0 && l < g->nl);
	if (l < g->nd)
		return pr->periods[g->period[l]];
	return (hg_period){g->hid[l - g->nd], g->hid[l - g->nd]};
}

/* The first lane of g, due or hidden, whose period ends on day t, or -1. */
static int lane_ending(const hg_program *pr, const hg_lgroup *g, hg_date t)
{
	for (int l = 0; l < g->nl; l++)
		if (lane_period(pr, g, l).end == t)
			return l;
	return -1;
}

/*
 * Hidden lanes of g (vm.h): when a transitions indicator is due in g (then in every
 * lane, as g's periods need the same segments, so every such indicator needs the same
 * days), the day before each due lane's period when no lane of g ends on it. Evaluated
 * with the group, the population and segment on that day cost one more lane, not a
 * run of the code for one date.
 */
static void plan_hidden(const hg_program *pr, hg_lgroup *g)
{
	int nh = 0;
	g->nd = g->nl;
	g->hid = hg_xcalloc((size_t)g->nd + 1, sizeof *g->hid);
	for (int i = 0; i < pr->ninds; i++) {
		const hg_cind *ci = &pr->inds[i];
		int due = 0;
		for (int j = 0; j < ci->ind->nperiods && !due; j++)
			due = ci->period_ix[j] == g->period[0];
		if (!ci->ind->trans || !due)
			continue;
		for (int l = 0; l < g->nd; l++) {
			hg_date s1 = pr->periods[g->period[l]].start - 1;
			if (lane_ending(pr, g, s1) < 0) {
				assert(nh < g->nd); /* at most one per due lane's start */
				g->hid[nh++] = s1;
				g->nl = g->nd + nh;
			}
		}
		break; /* the other transitions indicators due need the same days */
	}
}

static void group_lanes(hg_plan *pl, hg_lgroup *g)
{
	const hg_program *pr = pl->pr;
	plan_hidden(pr, g);
	g->pstart = hg_xcalloc((size_t)g->nd + 1, sizeof *g->pstart);
	g->pend = hg_xcalloc((size_t)g->nd + 1, sizeof *g->pend);
	g->span_lo = HG_DATE_NONE;
	g->span_hi = INT32_MIN;
	g->ascending = 1;
	for (int l = 0; l < g->nd; l++) {
		g->pstart[l] = pr->periods[g->period[l]].start;
		g->pend[l] = pr->periods[g->period[l]].end;
		g->span_lo = g->pstart[l] < g->span_lo ? g->pstart[l] : g->span_lo;
		g->span_hi = g->pend[l] > g->span_hi ? g->pend[l] : g->span_hi;
		g->ascending &=
		    !l || (g->pstart[l] >= g->pstart[l - 1] && g->pend[l] >= g->pend[l - 1]);
	}
	g->before = hg_xcalloc((size_t)g->nd + 1, sizeof *g->before);
	for (int l = 0; l < g->nd; l++)
		g->before[l] = lane_ending(pr, g, pr->periods[g->period[l]].start - 1);
	g->end_y = hg_xcalloc((size_t)g->nl, sizeof(int32_t));
	g->end_md = hg_xcalloc((size_t)g->nl, sizeof(int32_t));
	g->mid_y = hg_xcalloc((size_t)g->nl, sizeof(int32_t));
	g->mid_md = hg_xcalloc((size_t)g->nl, sizeof(int32_t));
	for (int l = 0; l < g->nl; l++) {
		hg_period p = lane_period(pr, g, l);
		split_date(p.end, &g->end_y[l], &g->end_md[l]);
		split_date(hg_period_mid(p), &g->mid_y[l], &g->mid_md[l]);
	}
	g->ind = hg_xcalloc((size_t)pr->ninds + 1, sizeof *g->ind);
	g->ind_j = hg_xcalloc((size_t)pr->ninds + 1, sizeof *g->ind_j);
	g->ind_j0 = hg_xcalloc((size_t)pr->ninds + 1, sizeof *g->ind_j0);
	for (int i = 0; i < pr->ninds; i++) {
		const hg_cind *ci = &pr->inds[i];
		int *jl = NULL;
		for (int j = 0; j < ci->ind->nperiods; j++)
			for (int l = 0; l < g->nd; l++)
				if (ci->period_ix[j] == g->period[l]) {
					if (!jl) {
						jl = hg_xmalloc(sizeof(int) * (size_t)g->nd);
						for (int k = 0; k < g->nd; k++)
							jl[k] = -1;
					}
					jl[l] = j;
				}
		if (!jl)
			continue;
		for (int l = 0; l < g->nd; l++)
			assert(jl[l] >= 0); /* same segments => same indicators due */
		int j0 = jl[0];
		for (int l = 0; l < g->nd; l++)
			j0 = jl[l] == jl[0] + l ? j0 : -1;
		g->ind[g->nind] = i;
		g->ind_j0[g->nind] = j0;
		g->ind_j[g->nind++] = jl;
	}
}

static void plan_groups(hg_plan *pl)
{
	const hg_program *pr = pl->pr;
	pl->groups = hg_xcalloc((size_t)pr->nperiods + 1, sizeof *pl->groups);
	int *gof = hg_xcalloc((size_t)pr->nperiods + 1, sizeof *gof);
	for (int k = 0; k < pr->nperiods; k++) {
		int g = 0;
		while (g < pl->ngroups && !same_segs(pl->groups[g].seg, pr->period_segs[k]))
			g++;
		if (g == pl->ngroups) {
			pl->groups[g].seg = pr->period_segs[k];
			pl->groups[g].period = hg_xcalloc((size_t)pr->nperiods, sizeof(int));
			pl->ngroups++;
		}
		pl->groups[g].period[pl->groups[g].nl++] = k;
		gof[k] = g;
	}
	free(gof);
	for (int g = 0; g < pl->ngroups; g++) {
		group_lanes(pl, &pl->groups[g]);
		if (pl->groups[g].nl > pl->max_lanes)
			pl->max_lanes = pl->groups[g].nl;
	}
}

/*
 * hg_lgroup.ext of group g: the lanes of the least and greatest value of each period-only
 * register (its values are in the image) that is never missing; then of each `age` on one
 * of them, when that instruction is its register's only writer: an age in whole years does
 * not decrease with the date, so it is least and greatest on the same lanes (a person
 * without a birth date gets a uniform missing age, which the machine takes first).
 */
static void plan_extremes(const hg_plan *pl, hg_lgroup *g, const char *inv)
{
	const hg_program *pr = pl->pr;
	size_t nl = (size_t)g->nl;
	g->ext = hg_xmalloc(((size_t)pr->nregs + 1) * 2 * sizeof *g->ext);
	for (int r = 0; r < pr->nregs; r++) {
		const double *v = g->inv + (size_t)r * nl;
		int32_t lo = 0, hi = 0;
		int ok = inv[r];
		for (size_t l = 0; l < nl && ok; l++) {
			ok = !isnan(v[l]);
			lo = v[l] < v[lo] ? (int32_t)l : lo;
			hi = v[l] > v[hi] ? (int32_t)l : hi;
		}
		g->ext[2 * r] = ok ? lo : -1;
		g->ext[2 * r + 1] = ok ? hi : -1;
	}
	hg_wpos *wp = hg_xcalloc((size_t)pr->nregs + 1, sizeof *wp);
	scan_writes(pr, wp);
	for (int s = 0; s < pr->nsegs; s++)
		for (uint32_t i = 0; i < pr->segs[s].n; i++) {
			const hg_ins *x = &pr->segs[s].code[i];
			if (x->op == OP_AGEAT && g->ext[2 * x->a] >= 0 && wp[x->d].nw == 1) {
				g->ext[2 * x->d] = g->ext[2 * x->a];
				g->ext[2 * x->d + 1] = g->ext[2 * x->a + 1];
			}
		}
	free(wp);
}

/* A machine that runs code on group g's register image (inv) for a person with no events
 * in any class: every lane holds its value (no uniform register), every list is empty. */
static hg_vm image_vm(const hg_plan *pl, hg_lgroup *g)
{
	const hg_program *pr = pl->pr;
	hg_vm vm = {.pl = pl,
	            .pr = pr,
	            .st = pr->store,
	            .r = g->inv,
	            .u = hg_xcalloc((size_t)pr->nregs + 1, 1),
	            .nl = g->nl,
	            .stride = g->nl,
	            .g = g,
	            .ml = hg_xcalloc((size_t)pl->nclass + 1, sizeof(hg_mlist))};
	hg_vm_group_facts(&vm, g);
	return vm;
}

static void image_vm_free(hg_vm *vm)
{
	free(vm->u);
	free(vm->ml);
}

/* The register image of group g: constants, period registers, hoisted code; and which
 * queries have period-only bounds set in every lane (inv: period-only registers). */
static void group_image(hg_plan *pl, hg_lgroup *g, const hg_seg *hoist, const char *inv)
{
	const hg_program *pr = pl->pr;
	size_t nl = (size_t)g->nl;
	g->inv = hg_xcalloc((size_t)pr->nregs * nl + 1, sizeof(double));
	for (size_t l = 0; l < nl; l++) {
		hg_period p = lane_period(pr, g, (int)l);
		g->inv[HG_REG_START * nl + l] = p.start;
		g->inv[HG_REG_END * nl + l] = p.end;
		g->inv[HG_REG_MID * nl + l] = hg_period_mid(p);
		g->inv[HG_REG_ONE * nl + l] = 1;
		for (int i = 0; i < pr->nconsts; i++)
			g->inv[(size_t)pr->const_reg[i] * nl + l] = pr->const_val[i];
	}
	/* run the hoisted code with a machine that has no person */
	hg_vm vm = image_vm(pl, g);
	g->qg = hg_xcalloc((size_t)pr->nq + 1, sizeof *g->qg); /* none yet: hoisted code has no
	                                                         query */
	hg_vm_exec(&vm, hoist);
	image_vm_free(&vm);
	for (int q = 0; q < pr->nq; q++) {
		const hg_query *Q = &pr->queries[q];
		int c = inv[Q->lo] && inv[Q->hi];
		for (size_t l = 0; l < nl && c; l++)
			c = !isnan(g->inv[Q->lo * nl + l]) && !isnan(g->inv[Q->hi * nl + l]);
		g->qg[q].cnst = (uint8_t)c;
	}
	plan_extremes(pl, g, inv);
}

/* ---- skipping unneeded code (guards, vm.h) ---- */

/*
 * The code computing only operand b of `if a then b else c`, `a and b` or
 * `a or b` (or only c) is its cone: instructions whose register is written
 * once in the program and read once, by the operand's user or by the cone.
 * Moved next to its user after an OP_SKIP, it runs only when some lane needs
 * it: an eFI for people under 65 in every period, a later segment's rules for
 * people an earlier segment took. Its registers are read by nothing else, so
 * their stale values when skipped are never seen: outputs are unchanged.
 */
#define GUARD_MIN 3 /* smaller cones are not worth a guard */

typedef struct hg_gctx {
	const hg_plan *pl;
	int *nread;  /* per register: reads by code, query bounds and the engine (2: many) */
	int *nwrite; /* per register: instructions writing it */
	int *pwrite; /* per register: person code (not hoisted) writing it */
	int *cwrite; /* pwrite, or nwrite for unhoisted code (plan_at: nothing is in the image) */
	int *pos;    /* per register: its writer's index in the code being guarded, or -1 */
	hg_ilist st; /* scratch */
} hg_gctx;

static void il_push(hg_ilist *l, int v)
{
	HG_GROW(l->v, l->n, l->cap);
	l->v[l->n++] = v;
}

/* Push what x reads: operands and a query's bounds, and with deep its `where` code's reads. */
static void ins_inputs(const hg_plan *pl, const hg_ins *x, int deep, hg_ilist *out)
{
	int r[3], n = ins_reads(x, r);
	for (int k = 0; k < n; k++)
		il_push(out, r[k]);
	if (x->op != OP_QUERY)
		return;
	const hg_query *q = &pl->pr->queries[x->c];
	il_push(out, q->lo);
	il_push(out, q->hi);
	int ws = pl->q[x->c].where;
	if (!deep || ws < 0)
		return;
	/* the `where` code's reads, but for what it writes itself (run with the query) */
	const hg_seg *w = &pl->segs[ws];
	for (uint32_t i = 0; i < w->n; i++) {
		int from = out->n;
		ins_inputs(pl, &w->code[i], 1, out);
		for (int k = from; k < out->n; k++)
			for (uint32_t j = 0; j < w->n; j++)
				if (w->code[j].d == out->v[k]) {
					out->v[k--] = out->v[--out->n];
					break;
				}
	}
}

static void gctx_init(hg_gctx *gc, const hg_plan *pl)
{
	const hg_program *pr = pl->pr;
	size_t nr = (size_t)pr->nregs + 1;
	memset(gc, 0, sizeof *gc);
	gc->pl = pl;
	gc->nread = hg_xcalloc(nr, sizeof(int));
	gc->nwrite = hg_xcalloc(nr, sizeof(int));
	gc->pwrite = hg_xcalloc(nr, sizeof(int));
	gc->pos = hg_xmalloc(nr * sizeof(int));
	gc->cwrite = gc->pwrite;
	for (int s = 0; s < pr->nsegs; s++)
		for (uint32_t i = 0; i < pl->segs[s].n; i++)
			gc->pwrite[pl->segs[s].code[i].d]++;
	for (size_t r = 0; r < nr; r++)
		gc->pos[r] = -1;
	for (int s = 0; s < pr->nsegs; s++)
		for (uint32_t i = 0; i < pr->segs[s].n; i++) {
			const hg_ins *x = &pr->segs[s].code[i];
			gc->nwrite[x->d]++;
			gc->st.n = 0;
			ins_inputs(pl, x, 0, &gc->st);
			for (int k = 0; k < gc->st.n; k++)
				gc->nread[gc->st.v[k]]++;
		}
	/* registers the engine reads: results, breakdown categories, worklist values */
	for (int i = 0; i < pr->ninds; i++) {
		const hg_cind *ci = &pr->inds[i];
		gc->nread[ci->num] = gc->nread[ci->den] = 2;
		for (int b = 0; ci->bd_reg && b < 2 * ci->ind->nbds; b++)
			if (ci->bd_reg[b] >= 0)
				gc->nread[ci->bd_reg[b]] = 2;
	}
	for (int w = 0; w < pr->nwls; w++)
		for (int k = 0; k < pr->wls[w].nregs; k++)
			gc->nread[pr->wls[w].regs[k]] = 2;
}

static void gctx_free(hg_gctx *gc)
{
	free(gc->nread);
	free(gc->nwrite);
	free(gc->pwrite);
	free(gc->pos);
	free(gc->st.v);
}

/* Is register q written in c(j, i) outside the cone (or, written once, at or after j)? */
static int rewritten(const hg_gctx *gc, const hg_ins *c, int j, int i, int q, const char *in)
{
	if (gc->nwrite[q] == 1)
		return gc->pos[q] >= j;
	for (int k = j + 1; k < i; k++)
		if (!in[k] && c[k].op != OP_SKIP && c[k].d == q)
			return 1;
	return 0;
}

/*
 * Mark in `in` the cone of register r in c[0, i) (gc->pos set for c); returns
 * its size, 0 when there is none or moving it next to c[i] could change a value.
 */
static int guard_cone(hg_gctx *gc, const hg_ins *c, int i, int r, char *in)
{
	memset(in, 0, (size_t)i);
	hg_ilist *st = &gc->st;
	st->n = 0;
	il_push(st, r);
	int size = 0;
	while (st->n > 0) {
		int q = st->v[--st->n], j = gc->pos[q];
		if (gc->nread[q] != 1 || gc->nwrite[q] != 1 || j < 0 || j >= i || in[j])
			continue;
		in[j] = 1;
		size++;
		ins_inputs(gc->pl, &c[j], 0, st);
	}
	/* every input from outside the cone keeps its value until c[i]: hoisted, or
	   not written again before c[i] */
	for (int j = 0; j < i && size; j++) {
		if (!in[j])
			continue;
		st->n = 0;
		ins_inputs(gc->pl, &c[j], 1, st);
		for (int k = 0; k < st->n; k++) {
			int q = st->v[k], w = gc->pos[q];
			if (w >= 0 && in[w])
				continue;
			if (gc->cwrite[q] && rewritten(gc, c, j, i, q, in))
				size = 0;
		}
	}
	if (!size)
		memset(in, 0, (size_t)i);
	return size;
}

/* Which operand of c[i] to guard (its register, mode and cone in `in`); 0: none. */
static int guard_pick(hg_gctx *gc, const hg_ins *c, int i, char *in, char *alt, int *mode)
{
	const hg_ins *x = &c[i];
	if (x->op == OP_AND || x->op == OP_OR) {
		*mode = x->op == OP_AND ? HG_GUARD_ANY_NOT_0 : HG_GUARD_ANY_NOT_1;
		return x->b != x->a && guard_cone(gc, c, i, x->b, in) >= GUARD_MIN;
	}
	if (x->op != OP_IF || x->b == x->a || x->c == x->a || x->b == x->c)
		return 0;
	int nb = guard_cone(gc, c, i, x->b, alt);
	int nc = guard_cone(gc, c, i, x->c, in);
	if (nb >= nc) {
		memcpy(in, alt, (size_t)i);
		nc = nb;
		*mode = HG_GUARD_ANY_TRUE;
	} else
		*mode = HG_GUARD_ANY_SET_NOT_1;
	return nc >= GUARD_MIN;
}

/* Guard c[0, n) into out: the last guardable instruction first, then recursively. */
static void guard_code(hg_gctx *gc, const hg_ins *c, int n, hg_seg *out)
{
	for (int j = 0; j < n; j++)
		if (c[j].op != OP_SKIP)
			gc->pos[c[j].d] = j;
	char *in = hg_xcalloc((size_t)n + 1, 1), *alt = hg_xcalloc((size_t)n + 1, 1);
	int i = n - 1, mode = 0;
	while (i >= 0 && !guard_pick(gc, c, i, in, alt, &mode))
		i--;
	for (int j = 0; j < n; j++)
		gc->pos[c[j].d] = -1;
	if (i < 0) {
		for (int j = 0; j < n; j++)
			seg_push(out, &c[j]);
		free(in);
		free(alt);
		return;
	}
	hg_seg pre = {NULL, 0, 0}, cone = {NULL, 0, 0}, inner = {NULL, 0, 0};
	for (int j = 0; j < i; j++)
		seg_push(in[j] ? &cone : &pre, &c[j]);
	guard_code(gc, pre.code, (int)pre.n, out);
	guard_code(gc, cone.code, (int)cone.n, &inner);
	hg_ins skip = {.op = OP_SKIP,
	               .d = c[i].a,
	               .a = c[i].a,
	               .b = c[i].a,
	               .c = (uint16_t)mode,
	               .k = inner.n};
	seg_push(out, &skip);
	for (uint32_t j = 0; j < inner.n; j++)
		seg_push(out, &inner.code[j]);
	for (int j = i; j < n; j++)
		seg_push(out, &c[j]);
	free(pre.code);
	free(cone.code);
	free(inner.code);
	free(in);
	free(alt);
}

/*
 * The code run as at given dates (hg_vm_eval_at) for the segments segs: their
 * unhoisted code as one segment, guarded unless guards is 0. Nothing is in a
 * register image there, so every write counts as the person's (gc->cwrite).
 */
static void plan_at(hg_gctx *gc, const int *segs, int guards, hg_seg *out)
{
	const hg_program *pr = gc->pl->pr;
	hg_seg all = {NULL, 0, 0};
	for (const int *s = segs; *s >= 0; s++)
		for (uint32_t j = 0; j < pr->segs[*s].n; j++)
			seg_push(&all, &pr->segs[*s].code[j]);
	if (!guards) {
		*out = all;
		return;
	}
	gc->cwrite = gc->nwrite;
	guard_code(gc, all.code, (int)all.n, out);
	gc->cwrite = gc->pwrite;
	free(all.code);
}

/* Parts of group g's fused code (its eager parts, but not those a unit indicator runs again
 * per pathway or appointment: engine.c acc_units), as a mask over every part. */
static char *fused_parts(const hg_plan *pl, const hg_lgroup *g)
{
	const hg_program *pr = pl->pr;
	char *eager = hg_xcalloc(2 * (size_t)pr->nsegs + 1, 1);
	for (const int *s = g->eager; *s >= 0; s++)
		eager[*s] = 1;
	for (int i = 0; i < pr->ninds; i++)
		if (pr->inds[i].ind->unit)
			eager[2 * pr->inds[i].seg] = eager[2 * pr->inds[i].seg + 1] = 0;
	return eager;
}

/* Registers of group g's file written by code other than its fused code: its lazy parts
 * (and `where` code, which is in parts too), and the parts a unit indicator runs again per
 * pathway or appointment (fused_parts). */
static char *other_writes(const hg_plan *pl, const hg_lgroup *g)
{
	const hg_program *pr = pl->pr;
	char *eager = fused_parts(pl, g);
	char *other = hg_xcalloc((size_t)pr->nregs + 1, 1);
	for (int p = 0; p < 2 * pr->nsegs; p++)
		for (uint32_t i = 0; !eager[p] && i < pl->parts[p].n; i++)
			other[pl->parts[p].code[i].d] = 1;
	free(eager);
	return other;
}

/* Registers of group g's file read by other than its fused code: its lazy parts and the parts
 * a unit indicator runs again (as other_writes), any `where` code and query bound, and the
 * engine (results, breakdown categories, worklist values). The code run as at given dates
 * (hg_vm_eval_at) has registers of its own. */
static char *other_reads(const hg_plan *pl, const hg_lgroup *g)
{
	const hg_program *pr = pl->pr;
	char *eager = fused_parts(pl, g);
	char *other = hg_xcalloc((size_t)pr->nregs + 1, 1);
	int r[3];
	for (int p = 0; p < 2 * pr->nsegs; p++)
		for (uint32_t i = 0; !eager[p] && i < pl->parts[p].n; i++)
			for (int k = 0, n = ins_reads(&pl->parts[p].code[i], r); k < n; k++)
				other[r[k]] = 1;
	for (int q = 0; q < pr->nq; q++) {
		other[pr->queries[q].lo] = other[pr->queries[q].hi] = 1;
		for (uint32_t i = 0; pl->q[q].where >= 0 && i < pl->segs[pl->q[q].where].n; i++)
			for (int k = 0, n = ins_reads(&pl->segs[pl->q[q].where].code[i], r); k < n;
			     k++)
				other[r[k]] = 1;
	}
	for (int c = 0; c < pl->nclass; c++)
		for (uint32_t i = 0;
		     pl->cls[c].where_seg >= 0 && i < pl->segs[pl->cls[c].where_seg].n; i++)
			for (int k = 0, n = ins_reads(&pl->segs[pl->cls[c].where_seg].code[i], r);
			     k < n; k++)
				other[r[k]] = 1;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_cind *ci = &pr->inds[i];
		other[ci->num] = other[ci->den] = 1;
		for (int b = 0; ci->bd_reg && b < 2 * ci->ind->nbds; b++)
			if (ci->bd_reg[b] >= 0)
				other[ci->bd_reg[b]] = 1;
	}
	for (int w = 0; w < pr->nwls; w++)
		for (int k = 0; k < pr->wls[w].nregs; k++)
			other[pr->wls[w].regs[k]] = 1;
	free(eager);
	return other;
}

/* The register fields an instruction reads (as ins_reads), to rewrite them. */
static int ins_read_fields(hg_ins *x, uint16_t *f[3])
{
	f[0] = &x->a;
	f[1] = &x->b;
	f[2] = &x->c;
	int r[3];
	return ins_reads(x, r);
}

/*
 * Copies out of group g's eager code c[0, n) (after share_code, canon its value numbers, wpos
 * where each register is written): a read of a copy becomes a read of what it copies, written
 * before it; then a copy that nothing reads any more (in this code or elsewhere: other_reads)
 * is dropped. `registered` in every let that names it was a copy per person. The register
 * read instead is read more: nread goes up, as share_code's, and its uniform state is
 * tested where the copy's was (hg_plan.tested). Returns the new length.
 */
static int drop_copies(const hg_plan *pl, const hg_lgroup *g, hg_ins *c, int n, const int *canon,
                       const int *wpos, int *nread, uint8_t *tested)
{
	int nr = pl->pr->nregs, *reads = hg_xcalloc((size_t)nr + 1, sizeof(int));
	for (int j = 0; j < n; j++) {
		uint16_t *f[3];
		for (int k = 0, m = ins_read_fields(&c[j], f); k < m; k++) {
			int r = *f[k], to = canon[r];
			if (to >= 0 && to != r && wpos[r] >= 0 && wpos[r] < j && wpos[to] < j) {
				*f[k] = (uint16_t)to;
				nread[to] = 2;
				tested[to] |= tested[r];
			}
			reads[*f[k]]++;
		}
	}
	char *other = other_reads(pl, g);
	int m = 0;
	for (int j = 0; j < n; j++) {
		const hg_ins *x = &c[j];
		if (x->op == OP_MOV && canon[x->d] >= 0 && canon[x->d] != x->d && !reads[x->d] &&
		    !other[x->d])
			continue;
		c[m++] = c[j];
	}
	free(other);
	free(reads);
	return m;
}

/* ---- common instructions ---- */

/* Do x and y compute the same value from registers with the same values (canon)? */
static int same_ins(const hg_plan *pl, const hg_ins *x, const hg_ins *y, const int *canon)
{
	if (x->op != y->op || memcmp(&x->k, &y->k, sizeof x->k) != 0)
		return 0;
	int rx[3] = {0, 0, 0}, ry[3] = {0, 0, 0}, n = ins_reads(x, rx);
	ins_reads(y, ry);
	uint16_t fx[3] = {x->a, x->b, x->c}, fy[3] = {y->a, y->b, y->c};
	for (int k = 0; k < 3; k++) /* registers read by value, other fields as they are */
		if (k < n ? canon[rx[k]] != canon[ry[k]] : x->op != OP_QUERY && fx[k] != fy[k])
			return 0;
	if (x->op != OP_QUERY)
		return 1;
	const hg_query *p = &pl->pr->queries[x->c], *q = &pl->pr->queries[y->c];
	return pl->q[x->c].cls == pl->q[y->c].cls && p->agg == q->agg &&
	       canon[p->lo] == canon[q->lo] && canon[p->hi] == canon[q->hi];
}

/* Can an instruction's value be shared: the same whenever its inputs are the same? */
static int shareable(const hg_plan *pl, const hg_ins *x)
{
	if (x->op == OP_QUERY)
		return pl->q[x->c].where < 0; /* a period-dependent `where` reads its own code */
	return x->op != OP_UNIT && x->op != OP_EVF && x->op != OP_MOV && x->op != OP_SKIP;
}

/*
 * Group g's eager code c[0, n) with every instruction that computes what an earlier one
 * computed (the same operation on registers holding the same values) turned into a copy of
 * the earlier one's register: lets that repeat `registered and alive`, an age, a query. Only
 * registers written once, by this code, before their reads (or never written for a person)
 * are compared, so each holds one value for the whole run. A register copied from is read
 * once more: nread (the guards' counts) goes up, so it is never moved into a guarded cone
 * and always runs before its copies.
 */
static int share_code(const hg_plan *pl, const hg_lgroup *g, hg_ins *c, int n, int *nread,
                      uint8_t *tested)
{
	const hg_program *pr = pl->pr;
	char *other = other_writes(pl, g);
	int nr = pr->nregs, *nw = hg_xcalloc((size_t)nr + 1, sizeof(int));
	int *canon = hg_xmalloc(((size_t)nr + 1) * sizeof(int));
	int *wpos = hg_xmalloc(((size_t)nr + 1) * sizeof(int));
	for (int j = 0; j < n; j++)
		nw[c[j].d]++;
	for (int r = 0; r <= nr; r++) {
		canon[r] = other[r] || nw[r] > 0 ? -1 - r : r; /* -1 - r: only itself, not yet */
		wpos[r] = -1;
	}
	for (int j = 0; j < n; j++) {
		hg_ins *x = &c[j];
		wpos[x->d] = wpos[x->d] < 0 ? j : wpos[x->d];
		int rd[5], k = ins_reads(x, rd), ok = nw[x->d] == 1 && !other[x->d];
		if (x->op == OP_QUERY) {
			rd[k++] = pr->queries[x->c].lo;
			rd[k++] = pr->queries[x->c].hi;
		}
		for (int q = 0; q < k; q++)
			ok &= canon[rd[q]] >= 0;
		if (!ok)
			continue;
		canon[x->d] = x->d;
		if (x->op == OP_MOV) {
			canon[x->d] = canon[x->a];
			continue;
		}
		for (int i = 0; i < j && shareable(pl, x); i++)
			if (canon[c[i].d] == c[i].d && same_ins(pl, &c[i], x, canon)) {
				*x = (hg_ins){.op = OP_MOV, .d = x->d, .a = c[i].d};
				canon[x->d] = c[i].d;
				nread[c[i].d]++;
				break;
			}
	}
	n = drop_copies(pl, g, c, n, canon, wpos, nread, tested);
	free(other);
	free(nw);
	free(canon);
	free(wpos);
	return n;
}

/* Fuse each group's eager parts; guard them and every part unless guards is 0; the code
 * run as at given dates for each event or transitions indicator and each worklist. */
static void plan_guards(hg_plan *pl, int guards, int share)
{
	hg_gctx gc;
	gctx_init(&gc, pl);
	/* a group's eager parts as one segment, so a cone can span lets */
	for (int g = 0; g < pl->ngroups; g++) {
		hg_lgroup *gr = &pl->groups[g];
		hg_seg all = {NULL, 0, 0};
		for (const int *s = gr->eager; *s >= 0; s++)
			for (uint32_t j = 0; j < pl->parts[*s].n; j++)
				seg_push(&all, &pl->parts[*s].code[j]);
		if (share)
			all.n = (uint32_t)share_code(pl, gr, all.code, (int)all.n, gc.nread,
			                             pl->tested);
		if (guards)
			guard_code(&gc, all.code, (int)all.n, &gr->fused);
		else
			for (uint32_t j = 0; j < all.n; j++)
				seg_push(&gr->fused, &all.code[j]);
		free(all.code);
	}
	for (int p = 0; guards && p < 2 * pl->pr->nsegs; p++) {
		hg_seg out = {NULL, 0, 0};
		guard_code(&gc, pl->parts[p].code, (int)pl->parts[p].n, &out);
		free(pl->parts[p].code);
		pl->parts[p] = out;
	}
	const hg_program *pr = pl->pr;
	pl->at_ind = hg_xcalloc((size_t)pr->ninds + 1, sizeof *pl->at_ind);
	for (int i = 0; i < pr->ninds; i++) /* transitions: their days are hidden lanes */
		if (pr->inds[i].pop_segs && !pr->inds[i].ind->trans)
			plan_at(&gc, pr->inds[i].pop_segs, guards, &pl->at_ind[i]);
	pl->at_wl = hg_xcalloc((size_t)pr->nwls + 1, sizeof *pl->at_wl);
	for (int w = 0; w < pr->nwls; w++)
		plan_at(&gc, pr->wls[w].segs, guards, &pl->at_wl[w]);
	gctx_free(&gc);
}

/* ---- the event-free baseline (hg_lgroup.bw) ---- */

/* Does the instruction read other person data than event lists (or the event)? */
static int ins_person_data(const hg_plan *pl, const hg_ins *x)
{
	if (x->op == OP_QUERY)
		return pl->q[x->c].where >= 0; /* a period-dependent `where` reads the events */
	return ins_personal(x);
}

/*
 * Which fused instructions of group g depend on the person (bit nclass of their dependency
 * set) and on which classes (bits 0 .. nclass - 1), into dep (n x cw words). A register read
 * before the fused code writes it, written twice or written by other code counts as the
 * person's: only registers written once, by the fused code, have a baseline.
 */
static void fused_deps(const hg_plan *pl, const hg_lgroup *g, uint64_t *dep, size_t cw)
{
	const hg_program *pr = pl->pr;
	const hg_seg *f = &g->fused;
	int person = pl->nclass, nr = pr->nregs;
	char *other = other_writes(pl, g), *seen = hg_xcalloc((size_t)nr + 1, 1);
	int *nw = hg_xcalloc((size_t)nr + 1, sizeof(int));
	uint64_t *rdep = hg_xcalloc((size_t)nr * cw + 1, sizeof *rdep);
	for (uint32_t j = 0; j < f->n; j++)
		if (f->code[j].op != OP_SKIP)
			nw[f->code[j].d]++;
	for (uint32_t j = 0; j < f->n; j++) {
		const hg_ins *x = &f->code[j];
		uint64_t *dj = dep + (size_t)j * cw;
		int rd[5], n = ins_reads(x, rd);
		if (x->op == OP_QUERY) {
			rd[n++] = pr->queries[x->c].lo;
			rd[n++] = pr->queries[x->c].hi;
			int c = pl->q[x->c].cls;
			dj[c >> 6] |= 1ull << (c & 63);
		}
		int pers = ins_person_data(pl, x);
		for (int k = 0; k < n; k++) {
			int r = rd[k];
			if (other[r] || (nw[r] && !seen[r]))
				pers = 1;
			else if (seen[r])
				for (size_t w = 0; w < cw; w++)
					dj[w] |= rdep[(size_t)r * cw + w];
		}
		if (x->op != OP_SKIP) {
			pers |= nw[x->d] > 1 || other[x->d];
			seen[x->d] = 1;
		}
		if (pers)
			dj[person >> 6] |= 1ull << (person & 63);
		if (x->op != OP_SKIP)
			memcpy(rdep + (size_t)x->d * cw, dj, cw * sizeof *dj);
	}
	free(other);
	free(seen);
	free(nw);
	free(rdep);
}

/* The baseline of the instructions in `base`: each run in order on the image with no events
 * in any class (guards ignored: every one of them is computed), then copied to every lane. */
static void baseline_image(const hg_plan *pl, hg_lgroup *g, const char *base)
{
	hg_vm vm = image_vm(pl, g);
	for (uint32_t j = 0; j < g->fused.n; j++) {
		if (!base[j])
			continue;
		hg_seg one = {&g->fused.code[j], 1, 1};
		hg_vm_exec(&vm, &one);
		hg_vm_lanes_of(&vm, g->fused.code[j].d);
	}
	image_vm_free(&vm);
}

/* Fewer instructions with a baseline than this are not worth the list of those to run and
 * the registers put back per person (bench/limit's three indicators: 6 of 14, 5% slower with). */
#define BASELINE_MIN 32

/* Group g's event-free baseline (vm.h), unless `on` is 0 or too few instructions have one. */
static void plan_baseline(hg_plan *pl, hg_lgroup *g, int on)
{
	const hg_seg *f = &g->fused;
	size_t cw = ((size_t)pl->nclass + 64) / 64, n = f->n;
	int person = pl->nclass;
	if (!on || n == 0)
		return;
	uint64_t *dep = hg_xcalloc(n * cw + 1, sizeof *dep);
	fused_deps(pl, g, dep, cw);
	char *base = hg_xcalloc(n + 1, 1);
	int nbase = 0;
	for (size_t j = 0; j < n; j++) {
		const uint64_t *dj = dep + j * cw;
		base[j] = f->code[j].op != OP_SKIP && !(dj[person >> 6] >> (person & 63) & 1);
		nbase += base[j];
	}
	if (nbase < BASELINE_MIN) {
		free(dep);
		free(base);
		return;
	}
	baseline_image(pl, g, base);
	size_t bw = (n + 63) / 64, nl = (size_t)g->nl;
	g->bw = (int)bw;
	g->b_person = hg_xcalloc(bw, sizeof *g->b_person);
	g->b_cls = hg_xmalloc(((size_t)pl->nclass + 1) * sizeof *g->b_cls);
	g->b_uni = hg_xcalloc(n + 1, 1);
	int nb = 0;
	for (int c = 0; c < pl->nclass; c++) {
		g->b_cls[c] = -1;
		for (size_t j = 0; j < n && g->b_cls[c] < 0; j++)
			if (base[j] && dep[j * cw + ((size_t)c >> 6)] >> (c & 63) & 1)
				g->b_cls[c] = (int32_t)bw * nb++;
	}
	g->b_bits = hg_xcalloc(bw * (size_t)nb + 1, sizeof *g->b_bits);
	for (size_t j = 0; j < n; j++) {
		const uint64_t *dj = dep + j * cw;
		uint64_t bit = 1ull << (j & 63);
		/* the person's instructions and every guard always run (a guard's register then
		   holds the person's value, run or baseline) */
		if (!base[j]) {
			g->b_person[j >> 6] |= bit;
			continue;
		}
		for (int c = 0; c < pl->nclass; c++)
			if (dj[c >> 6] >> (c & 63) & 1)
				g->b_bits[(size_t)g->b_cls[c] + (j >> 6)] |= bit;
		{
			const double *v = g->inv + (size_t)f->code[j].d * nl;
			int same = 1;
			for (size_t l = 1; l < nl; l++)
				same &= memcmp(&v[l], &v[0], sizeof *v) == 0;
			g->b_uni[j] = (uint8_t)same;
		}
	}
	free(dep);
	free(base);
}

/* ---- window bounds as tables of days (hg_dtab) ---- */

/* Bounds spread over more days than this get no table (a byte per day): about 180 years. */
#define DTAB_MAX_DAYS 65536

/* Lane of position k in the table order of group g's tables of every lane (hg_dtab.all: the
 * hidden lanes, then the due ones) or of the due lanes. */
static int dtab_lane(const hg_lgroup *g, int all, int k)
{
	int nh = all ? g->nl - g->nd : 0;
	return k < nh ? g->nd + k : k - nh;
}

/* The table of register r's lanes in group g, in the order of every lane (all) or of the due
 * ones (le: counting values at or below a day, else below it) into *t; 0 when its values
 * decrease somewhere in that order or span too many days. */
static int dtab_make(const hg_lgroup *g, int r, int le, int all, hg_dtab *t)
{
	const double *v = g->inv + (size_t)r * (size_t)g->nl;
	int n = all ? g->nl : g->nd, nneg = 0, npos = 0;
	double lo = INFINITY, hi = -INFINITY;
	for (int k = 0; k < n; k++) {
		double x = v[dtab_lane(g, all, k)];
		if (isnan(x) || (k > 0 && x < v[dtab_lane(g, all, k - 1)]))
			return 0;
		nneg += x == -INFINITY;
		npos += x == INFINITY;
		if (isfinite(x)) {
			lo = x < lo ? x : lo;
			hi = x > hi ? x : hi;
		}
	}
	memset(t, 0, sizeof *t);
	t->below = (uint8_t)nneg;
	t->above = (uint8_t)(n - npos);
	t->all = (uint8_t)all;
	if (lo > hi)
		return 1; /* no finite value: the same count for every day */
	if (lo < INT32_MIN / 2 || hi > INT32_MAX / 2 || hi - lo > DTAB_MAX_DAYS)
		return 0; /* not days of a period's windows: the lanes are slid (vm.c) */
	t->base = (int32_t)floor(lo);
	t->len = (int32_t)ceil(hi) - t->base + 2;
	t->t = hg_xmalloc((size_t)t->len);
	for (int32_t k = 0; k < t->len; k++) {
		double day = (double)t->base + k;
		int c = 0;
		for (int j = 0; j < n; j++) {
			double x = v[dtab_lane(g, all, j)];
			c += le ? x <= day : x < day;
		}
		t->t[k] = (uint8_t)c;
	}
	return 1;
}

/* The table of register r (le, all as dtab_make) in group g: an equal one made before, or a
 * new one; -1 when there is none. */
static int dtab_of(hg_lgroup *g, int r, int le, int all, int *regs, int *les)
{
	const double *v = g->inv + (size_t)r * (size_t)g->nl;
	size_t n = (size_t)(all ? g->nl : g->nd);
	for (int k = 0; k < g->ndtab; k++)
		if (les[k] == le && g->dtab[k].all == all &&
		    memcmp(g->inv + (size_t)regs[k] * (size_t)g->nl, v, sizeof *v * n) == 0)
			return k;
	hg_dtab t;
	if (!dtab_make(g, r, le, all, &t))
		return -1;
	regs[g->ndtab] = r;
	les[g->ndtab] = le;
	g->dtab[g->ndtab] = t;
	return g->ndtab++;
}

/* The tables of the bounds of each query whose bounds are period-only (hg_qgroup.cnst) in group g,
 * without a period-dependent `where` (none when `on` is 0): over every lane when both bounds
 * allow it (no lane is then slid), else over the due lanes. */
static void plan_tables(const hg_plan *pl, hg_lgroup *g, int on)
{
	const hg_program *pr = pl->pr;

	g->dtab = hg_xcalloc(4 * (size_t)pr->nq + 1, sizeof *g->dtab);
	int *regs = hg_xmalloc(4 * ((size_t)pr->nq + 1) * sizeof(int));
	int *les = hg_xmalloc(4 * ((size_t)pr->nq + 1) * sizeof(int));
	for (int q = 0; q < pr->nq; q++) {
		int lo = -1, hi = -1;
		for (int all = g->nl > g->nd; all >= 0 && hi < 0; all--)
			if (on && g->nd > 1 && g->nl < 256 && g->qg[q].cnst && pl->q[q].where < 0) {
				lo = dtab_of(g, pr->queries[q].lo, 1, all, regs, les);
				hi = lo < 0 ? -1 : dtab_of(g, pr->queries[q].hi, 0, all, regs, les);
			}
		g->qg[q].tl = hi < 0 ? -1 : lo;
		g->qg[q].th = hi;
	}
	free(regs);
	free(les);
}

/* Registers whose uniform state some instruction tests (vm.h): operands, query bounds. */
static void plan_tested(hg_plan *pl)
{
	const hg_program *pr = pl->pr;
	pl->tested = hg_xcalloc((size_t)pr->nregs + 1, 1);
	for (int s = 0; s < pr->nsegs; s++)
		for (uint32_t i = 0; i < pr->segs[s].n; i++) {
			const hg_ins *x = &pr->segs[s].code[i];
			int r[3], n = ins_reads(x, r);
			for (int k = 0; k < n; k++)
				pl->tested[r[k]] = 1;
			if (x->op == OP_QUERY) {
				pl->tested[pr->queries[x->c].lo] = 1;
				pl->tested[pr->queries[x->c].hi] = 1;
			}
		}
	/* and the registers the engine reads: a uniform population and numerator give the
	   tally masks from lane 0, a uniform segmentation category no cut (engine.c) */
	for (int i = 0; i < pr->ninds; i++) {
		const hg_cind *ci = &pr->inds[i];
		pl->tested[ci->den] = pl->tested[ci->num] = 1;
		for (int k = 0; k < 2 * ci->ind->nbds; k++)
			if (ci->bd_reg[k] >= 0)
				pl->tested[ci->bd_reg[k]] = 1;
	}
}

void hg_plan_build(hg_plan *pl, const hg_program *pr)
{
	memset(pl, 0, sizeof *pl);
	pl->pr = pr;
	plan_tested(pl);
	char *isc = const_mask(pr);
	plan_classes(pl, isc);
	hg_seg hoist = {NULL, 0, 0};
	char *inv = plan_hoist(pl, isc, &hoist);
	free(isc);
	plan_groups(pl);
	plan_parts(pl);
	for (int g = 0; g < pl->ngroups; g++) {
		group_image(pl, &pl->groups[g], &hoist, inv);
		group_parts(pl, &pl->groups[g]);
	}
	plan_guards(pl, !getenv("HEALTHGAP_NO_GUARDS"), !getenv("HEALTHGAP_NO_SHARE"));
	for (int g = 0; g < pl->ngroups; g++) {
		plan_baseline(pl, &pl->groups[g], !getenv("HEALTHGAP_NO_BASELINE"));
		pl->baseline |= pl->groups[g].bw > 0;
		plan_tables(pl, &pl->groups[g], !getenv("HEALTHGAP_NO_TABLES"));
	}
	free(hoist.code);
	free(inv);
}

void hg_plan_free(hg_plan *pl)
{
	for (int g = 0; g < pl->ngroups; g++) {
		hg_lgroup *gr = &pl->groups[g];
		for (int d = 0; d < gr->nind; d++) {
			free(gr->ind_j[d]);
			if (gr->lazy)
				free(gr->lazy[d]);
		}
		free(gr->lazy);
		free(gr->eager);
		free(gr->fused.code);
		free(gr->ind_j);
		free(gr->ind_j0);
		free(gr->ind);
		free(gr->period);
		free(gr->hid);
		free(gr->before);
		free(gr->pstart);
		free(gr->pend);
		free(gr->end_y);
		free(gr->end_md);
		free(gr->mid_y);
		free(gr->mid_md);
		free(gr->inv);
		free(gr->ext);
		free(gr->b_person);
		free(gr->b_cls);
		free(gr->b_bits);
		free(gr->b_uni);
		for (int k = 0; k < gr->ndtab; k++)
			free(gr->dtab[k].t);
		free(gr->dtab);
		free(gr->qg);
	}
	free(pl->groups);
	free(pl->tested);
	if (pl->pr)
		for (int s = 0; s < pl->pr->nsegs; s++) {
			free(pl->segs[s].code);
			if (pl->parts) {
				free(pl->parts[2 * s].code);
				free(pl->parts[2 * s + 1].code);
			}
		}
	free(pl->parts);
	free(pl->segs);
	for (int i = 0; pl->at_ind && i < pl->pr->ninds; i++)
		free(pl->at_ind[i].code);
	for (int w = 0; pl->at_wl && w < pl->pr->nwls; w++)
		free(pl->at_wl[w].code);
	free(pl->at_ind);
	free(pl->at_wl);
	free(pl->cls);
	free(pl->q);
	free(pl->code_off);
	free(pl->code_row);
	free(pl->code_cls);
	free(pl->code_any);
	memset(pl, 0, sizeof *pl);
}
