/*
 * compile.c: from the checked syntax tree to register bytecode specialised
 * for one store. Each `let` becomes a segment of straight-line code writing
 * one register, compiled once per context in which it is used (as at the
 * period end, or as at one date held in register MID: the population of an
 * event rate, taken at mid-period and on each counted event's date); each
 * indicator becomes a segment writing its numerator and denominator
 * registers. Codelists become bitsets over the store's code ids, and string
 * constants (sex, ethnicity, practice, setting) become numbers, so nothing is
 * looked up by name while persons are evaluated. For every distinct period
 * the program lists the segments to run, in dependency order.
 */
#include "lang/ast.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct hg_compiler {
	const hg_pack *pk;
	const hg_store *st;
	hg_program *pr;
	hg_err *err;
	int *let_reg[2]; /* per context: register of let i, -1 if not compiled */
	int *let_seg[2];
	uint64_t **set_bits; /* per codeset, lazily */
	int **seg_deps;      /* per segment: let segments it needs, -1 terminated */
	int cur;             /* segment being emitted */
	int full;            /* a limit of program.h was passed (HG_MAX_REGS, HG_MAX_QUERIES) */
} hg_compiler;

/* A growing list of segment numbers. */
typedef struct hg_ilist {
	int *v;
	int n, cap;
} hg_ilist;

/* ---- emission ---- */

/* A fresh register. Past HG_MAX_REGS the compiler notes it (the indicator
 * being compiled reports it as an error) and hands out register 0 so that
 * emission can finish harmlessly. */
static uint16_t reg(hg_compiler *cc)
{
	if (cc->pr->nregs >= HG_MAX_REGS) {
		cc->full = 1;
		return 0;
	}
	return (uint16_t)cc->pr->nregs++;
}

static void emit(hg_compiler *cc, int op, int d, int a, int b, int c, double k)
{
	assert(cc->cur >= 0);
	hg_seg *sg = &cc->pr->segs[cc->cur];
	HG_GROW(sg->code, sg->n, sg->cap);
	sg->code[sg->n++] =
	    (hg_ins){(uint16_t)op, (uint16_t)d, (uint16_t)a, (uint16_t)b, (uint16_t)c, k};
}

/* A register holding k, set once when the machine starts (never written by code). */
static int hg_const(hg_compiler *cc, double k)
{
	hg_program *pr = cc->pr;
	for (int i = 0; i < pr->nconsts; i++)
		if (pr->const_val[i] == k || (isnan(k) && isnan(pr->const_val[i])))
			return pr->const_reg[i];
	if (pr->nconsts == pr->capconsts) {
		pr->capconsts = pr->capconsts ? 2 * pr->capconsts : 32;
		pr->const_reg = hg_xrealloc(pr->const_reg, sizeof(int) * (size_t)pr->capconsts);
		pr->const_val = hg_xrealloc(pr->const_val, sizeof(double) * (size_t)pr->capconsts);
	}
	int d = reg(cc);
	pr->const_reg[pr->nconsts] = d;
	pr->const_val[pr->nconsts++] = k;
	return d;
}

/* ---- dependencies ---- */

static int compile_let(hg_compiler *cc, int i, int ctx);

static int hg_deps(hg_compiler *cc, const hg_node *n, int ctx)
{
	if (!n)
		return 0;
	if (n->kind == N_NAME && n->symkind == SYM_LET)
		TRY(compile_let(cc, n->sym, ctx));
	TRY(hg_deps(cc, n->a, ctx));
	TRY(hg_deps(cc, n->b, ctx));
	TRY(hg_deps(cc, n->c, ctx));
	for (int i = 0; i < n->nargs; i++)
		TRY(hg_deps(cc, n->args[i], ctx));
	for (int i = 0; i < n->nquals; i++) {
		if (n->quals[i].kind == Q_PAIRED)
			continue;
		TRY(hg_deps(cc, n->quals[i].a, ctx));
		TRY(hg_deps(cc, n->quals[i].b, ctx));
	}
	return 0;
}

/* Collect the let segments an expression reads (directly), each once. */
static void collect(hg_compiler *cc, const hg_node *n, int ctx, hg_ilist *l)
{
	if (!n)
		return;
	if (n->kind == N_NAME && n->symkind == SYM_LET) {
		int s = cc->let_seg[ctx][n->sym], seen = 0;
		for (int i = 0; i < l->n; i++)
			seen |= l->v[i] == s;
		if (!seen) {
			HG_GROW(l->v, l->n, l->cap);
			l->v[l->n++] = s;
		}
	}
	collect(cc, n->a, ctx, l);
	collect(cc, n->b, ctx, l);
	collect(cc, n->c, ctx, l);
	for (int i = 0; i < n->nargs; i++)
		collect(cc, n->args[i], ctx, l);
	for (int i = 0; i < n->nquals; i++)
		if (n->quals[i].kind != Q_PAIRED) {
			collect(cc, n->quals[i].a, ctx, l);
			collect(cc, n->quals[i].b, ctx, l);
		}
}

/* Start a segment; returns its index and saves the enclosing one in *save. */
static int seg_begin(hg_compiler *cc, int *save)
{
	hg_program *pr = cc->pr;
	if (pr->nsegs == pr->capsegs) {
		pr->capsegs = pr->capsegs ? 2 * pr->capsegs : 32;
		pr->segs = hg_xrealloc(pr->segs, sizeof *pr->segs * (size_t)pr->capsegs);
		cc->seg_deps =
		    hg_xrealloc(cc->seg_deps, sizeof *cc->seg_deps * (size_t)pr->capsegs);
	}
	pr->segs[pr->nsegs] = (hg_seg){NULL, 0, 0};
	cc->seg_deps[pr->nsegs] = NULL;
	*save = cc->cur;
	cc->cur = pr->nsegs;
	return pr->nsegs++;
}

static void seg_end(hg_compiler *cc, int seg, int save, const hg_node *const *roots, int nroots,
                    int ctx)
{
	assert(cc->cur == seg);
	cc->cur = save;
	hg_ilist l = {0};
	for (int i = 0; i < nroots; i++)
		collect(cc, roots[i], ctx, &l);
	int *deps = hg_arena_alloc(&cc->pr->arena, sizeof *deps * (size_t)(l.n + 1));
	if (l.n)
		memcpy(deps, l.v, sizeof *deps * (size_t)l.n);
	deps[l.n] = -1;
	cc->seg_deps[seg] = deps;
	free(l.v);
}

/* ---- constants for categorical comparisons ---- */

static int cat_value(hg_compiler *cc, const hg_node *cat, const hg_node *s, double *out)
{
	int type = cat->type;
	const char *v = s->str;
	if (type == TY_CATEG) { /* the checker has found the name among the categories */
		const hg_let *l = &cc->pk->lets[cat->sym];
		for (int k = 0; k < l->ncat; k++)
			if (!strcmp(l->cat_names[k], v))
				*out = k;
		return 0;
	}
	/* the checker has validated sex, ethnicity and setting literals (vocab.c) */
	int k = type == TY_SEX       ? hg_lang_sex_value(v)
	        : type == TY_ETH     ? hg_lang_eth_value(v)
	        : type == TY_SETTING ? hg_setting_parse(v, strlen(v))
	                             : -1;
	if (type != TY_PRACTICE) {
		char msg[256] = "";
		if (k < 0) {
			hg_lang_literal_check(type, v, msg, sizeof msg);
			return hg_lang_error(cc->err, &cc->pk->src, s->line, s->col, "%s", msg);
		}
		*out = k;
		return 0;
	}
	*out = -2; /* matches no one when the store has no such practice */
	for (uint32_t i = 0; i < cc->st->practices.n; i++)
		if (!strcmp(hg_strtab_get(&cc->st->practices, i), v))
			*out = i;
	return 0;
}

/* ---- expressions ---- */

static int expr(hg_compiler *cc, const hg_node *n, int ctx, int *out);

static int index_reg(int ctx)
{
	return ctx ? HG_REG_MID : HG_REG_END;
}

static int gen_attr(hg_compiler *cc, const hg_node *n, int ctx, int *out)
{
	int a = n->sym, d;
	switch (a) {
	case A_PERIOD_START:
		*out = HG_REG_START;
		return 0;
	case A_PERIOD_END:
		*out = HG_REG_END;
		return 0;
	case A_PERIOD_MID:
		*out = HG_REG_MID;
		return 0;
	case A_INDEX_DATE:
		*out = index_reg(ctx);
		return 0;
	case A_AGE:
		d = reg(cc);
		emit(cc, OP_AGEAT, d, index_reg(ctx), 0, 0, 0);
		break;
	case A_REGISTERED:
		d = reg(cc);
		emit(cc, OP_REGAT, d, index_reg(ctx), 0, 0, 0);
		break;
	case A_ALIVE:
		d = reg(cc);
		emit(cc, OP_ALIVEAT, d, index_reg(ctx), 0, 0, 0);
		break;
	case A_OPEN_PATHWAYS:
		d = reg(cc);
		emit(cc, OP_UNIT, d, index_reg(ctx), 0, U_OPEN_PATHWAYS, 0);
		break;
	case A_PRACTICE:
	case A_IMD_QUINTILE:
	case A_IMD_DECILE:
		d = reg(cc);
		/* with as-at histories the place depends on the date (docs/data-model.md "As-at
		   histories"); without, the one value, as OP_ATTR reads it, whatever the date */
		if (cc->st->n_regs || cc->st->n_addrs)
			emit(cc, OP_PLACEAT, d, index_reg(ctx), 0, a, 0);
		else
			emit(cc, OP_ATTR, d, 0, 0, a, 0);
		break;
	default:
		d = reg(cc);
		if (a >= A_FLAG) {
			int bit = cc->pr->flag_bit[a - A_FLAG];
			if (bit < 0)
				return hg_lang_error(cc->err, &cc->pk->src, n->line, n->col,
				                     "the store has no flag '%s'",
				                     cc->pk->flag_names[a - A_FLAG]);
			emit(cc, OP_ATTR, d, 0, 0, A_FLAG, bit);
		} else {
			emit(cc, OP_ATTR, d, 0, 0, a, 0);
		}
	}
	*out = d;
	return 0;
}

/* Whole values up to 2^53 are exact doubles: a sum of terms whose bounds add up to no more
 * than this has the same value in any order. */
#define EXACT_SUM_MAX 9007199254740992.0

/*
 * Is every value of n (but missing) a whole number in [0, *b]? A truth value (0 or 1), a
 * count, a non-negative whole literal, and sums, products and `if` branches of those. Not
 * negatives: a sum of them could be -0 in one order and 0 in another.
 */
static int whole_bound(const hg_compiler *cc, const hg_node *n, int depth, double *b)
{
	double x, y;
	if (depth > 32)
		return 0;
	if (n->type == TY_BOOL) {
		*b = 1;
		return 1;
	}
	switch (n->kind) {
	case N_NUM:
		*b = n->num;
		return n->num >= 0 && n->num <= EXACT_SUM_MAX && n->num == floor(n->num);
	case N_MISSING:
		*b = 0;
		return 1;
	case N_NAME:
		return n->symkind == SYM_LET && cc->pk->lets[n->sym].set < 0 &&
		       cc->pk->lets[n->sym].type == TY_NUM && cc->pk->lets[n->sym].bands_of < 0 &&
		       !cc->pk->lets[n->sym].cat_cond &&
		       whole_bound(cc, cc->pk->lets[n->sym].e, depth + 1, b);
	case N_CALL:
		*b = 4294967296.0; /* the events of one person */
		return n->sym == F_COUNT || n->sym == F_COUNT_DAYS;
	case N_IF:
		if (!whole_bound(cc, n->b, depth + 1, &x) || !whole_bound(cc, n->c, depth + 1, &y))
			return 0;
		*b = x > y ? x : y;
		return 1;
	case N_BINARY:
		if ((n->op != T_PLUS && n->op != T_STAR) || n->type != TY_NUM ||
		    !whole_bound(cc, n->a, depth + 1, &x) || !whole_bound(cc, n->b, depth + 1, &y))
			return 0;
		*b = n->op == T_PLUS ? x + y : x * y;
		return *b <= EXACT_SUM_MAX;
	default:
		return 0;
	}
}

/* The terms of a sum a + b + c + ... (nested `+` of numbers) into t (up to max; 0 when more). */
static int sum_terms(const hg_node *n, const hg_node **t, int k, int max)
{
	if (n->kind == N_BINARY && n->op == T_PLUS && n->type == TY_NUM && n->b->type == TY_NUM) {
		k = sum_terms(n->a, t, k, max);
		return k ? sum_terms(n->b, t, k, max) : 0;
	}
	if (k >= max)
		return 0;
	t[k] = n;
	return k + 1;
}

/*
 * A sum of many whole terms (the eFI's 36 deficits, the CMS's weighted conditions) added as a
 * balanced tree, not a chain: the engine runs only the additions over terms that can differ
 * from a person without events (engine/plan.c, baselines), and in a chain every addition after
 * the first such term is over one. Exact, so the same value as the chain (whole_bound);
 * returns 0 with *out = -1 when n is not such a sum.
 */
#define TREE_SUM_MIN 4
#define TREE_SUM_MAX 256
static int gen_tree_sum(hg_compiler *cc, const hg_node *n, int ctx, int *out)
{
	const hg_node *t[TREE_SUM_MAX];
	int r[TREE_SUM_MAX], k = sum_terms(n, t, 0, TREE_SUM_MAX);
	double total = 0, b;
	*out = -1;
	if (k < TREE_SUM_MIN)
		return 0;
	for (int i = 0; i < k; i++) {
		if (!whole_bound(cc, t[i], 0, &b))
			return 0;
		total += b;
	}
	if (total > EXACT_SUM_MAX)
		return 0;
	for (int i = 0; i < k; i++)
		TRY(expr(cc, t[i], ctx, &r[i]));
	for (; k > 1; k = (k + 1) / 2)
		for (int i = 0; i < k; i += 2) {
			int d = r[i];
			if (i + 1 < k) {
				d = reg(cc);
				emit(cc, OP_ADD, d, r[i], r[i + 1], 0, 0);
			}
			r[i / 2] = d;
		}
	*out = r[0];
	return 0;
}

static int gen_binary(hg_compiler *cc, const hg_node *n, int ctx, int *out)
{
	int a, b, d;
	/* date +/- duration */
	if (n->b->kind == N_DURATION || (n->b->type == TY_DURATION)) {
		TRY(expr(cc, n->a, ctx, &a));
		double k = n->b->num * (n->op == T_MINUS ? -1 : 1);
		d = reg(cc);
		if (n->b->ival == U_MONTHS)
			emit(cc, OP_ADDM, d, a, 0, 0, k);
		else
			emit(cc, OP_ADD, d, a, hg_const(cc, k), 0, 0);
		*out = d;
		return 0;
	}
	if (n->op == T_PLUS) {
		TRY(gen_tree_sum(cc, n, ctx, out));
		if (*out >= 0)
			return 0;
	}
	TRY(expr(cc, n->a, ctx, &a));
	TRY(expr(cc, n->b, ctx, &b));
	int op;
	switch (n->op) {
	case T_PLUS:
		op = OP_ADD;
		break;
	case T_MINUS:
		op = OP_SUB;
		break;
	case T_STAR:
		op = OP_MUL;
		break;
	case T_SLASH:
		op = OP_DIV;
		break;
	case T_LT:
	case KW_BEFORE:
		op = OP_LT;
		break;
	case T_LE:
		op = OP_LE;
		break;
	case T_GT:
	case KW_AFTER:
		op = OP_GT;
		break;
	case T_GE:
		op = OP_GE;
		break;
	case T_EQ:
		op = OP_EQ;
		break;
	case T_NE:
		op = OP_NE;
		break;
	case KW_AND:
		op = OP_AND;
		break;
	case KW_OR:
		op = OP_OR;
		break;
	default:
		assert(0);
		op = OP_ADD;
	}
	d = reg(cc);
	emit(cc, op, d, a, b, 0, 0);
	*out = d;
	return 0;
}

static int gen_in(hg_compiler *cc, const hg_node *n, int ctx, int *out)
{
	int a, acc = -1;
	TRY(expr(cc, n->a, ctx, &a));
	for (int i = 0; i < n->nargs; i++) {
		int b, d = reg(cc);
		TRY(expr(cc, n->args[i], ctx, &b));
		emit(cc, OP_EQ, d, a, b, 0, 0);
		if (acc >= 0) {
			int o = reg(cc);
			emit(cc, OP_OR, o, acc, d, 0, 0);
			d = o;
		}
		acc = d;
	}
	if (n->ival) {
		int d = reg(cc);
		emit(cc, OP_NOT, d, acc, 0, 0, 0);
		acc = d;
	}
	*out = acc;
	return 0;
}

static uint64_t *bits(hg_compiler *cc, int set)
{
	if (cc->set_bits[set])
		return cc->set_bits[set];
	uint64_t *b = hg_arena_calloc(&cc->pr->arena, hg_codeset_words(cc->st) * sizeof *b);
	hg_codeset_bits(cc->pk, set, cc->st, b); /* matching rules: codelist.c */
	cc->set_bits[set] = b;
	return b;
}

static int new_query(hg_compiler *cc)
{
	hg_program *pr = cc->pr;
	if (pr->nq >= HG_MAX_QUERIES)
		cc->full = 1; /* reported by the indicator being compiled */
	HG_GROW(pr->queries, pr->nq, pr->capq);
	memset(&pr->queries[pr->nq], 0, sizeof pr->queries[pr->nq]);
	pr->queries[pr->nq].where_seg = -1;
	return pr->nq++;
}

/* Note an `in last N` window (once). */
static void add_window(hg_program *pr, int n, int unit)
{
	for (int k = 0; k < pr->nwindows; k++)
		if (pr->windows[k][0] == n && pr->windows[k][1] == unit)
			return;
	HG_GROW(pr->windows, pr->nwindows, pr->capwindows);
	pr->windows[pr->nwindows][0] = n;
	pr->windows[pr->nwindows++][1] = unit == U_MONTHS;
}

/* *bound (a register) narrowed by register b with op (OP_LOMAX or OP_HIMIN), into a new
 * register: the open bound `open` (-inf or +inf, a constant) narrowed is b itself (max and
 * min give b, and missing when b is). */
static void narrow(hg_compiler *cc, int op, int *bound, int open, int b)
{
	if (*bound == open) {
		*bound = b;
		return;
	}
	int d = reg(cc);
	emit(cc, op, d, *bound, b, 0, 0);
	*bound = d;
}

/* Window bounds: lo/hi start open (-inf, +inf); hi never passes the index date
 * (the period end; in context 1 the date the population is taken at): events
 * after it are never seen, whatever the qualifiers say. Each narrowing writes a new
 * register (no register is written twice: a bound that depends only on the period is
 * computed once per group, plan.c). */
static int gen_window(hg_compiler *cc, const hg_node *q, int ctx, int *lo, int *hi)
{
	int idx = index_reg(ctx);
	int open_lo = hg_const(cc, -INFINITY), open_hi = hg_const(cc, INFINITY);
	*lo = open_lo;
	*hi = open_hi;
	for (int i = 0; i < q->nquals; i++) {
		const hg_qual *u = &q->quals[i];
		int a = -1, b = -1, l = -1, h = -1;
		if (u->a && u->kind != Q_WHERE && u->kind != Q_PAIRED)
			TRY(expr(cc, u->a, ctx, &a));
		if (u->b)
			TRY(expr(cc, u->b, ctx, &b));
		switch (u->kind) {
		case Q_EVER:
			h = idx;
			break;
		case Q_PERIOD: /* the checker keeps 'in period' out of context 1 */
			assert(ctx == 0);
			l = HG_REG_START;
			h = HG_REG_END;
			break;
		case Q_LAST:
			add_window(cc->pr, (int)u->n, u->unit);
			l = reg(cc);
			if (u->unit == U_MONTHS) {
				/* hg_months_ending_start: (E - N months) + 1 day */
				emit(cc, OP_ADDM, l, idx, 0, 0, -u->n);
				emit(cc, OP_ADD, l, l, hg_const(cc, 1), 0, 0);
			} else {
				emit(cc, OP_ADD, l, idx, hg_const(cc, 1 - u->n), 0, 0);
			}
			h = idx;
			break;
		case Q_BEFORE:
			h = reg(cc);
			emit(cc, OP_ADD, h, a, hg_const(cc, -1), 0, 0);
			break;
		case Q_AFTER:
			l = reg(cc);
			emit(cc, OP_ADD, l, a, hg_const(cc, 1), 0, 0);
			break;
		case Q_ON:
			l = h = a;
			break;
		case Q_SINCE:
			l = a;
			break;
		case Q_UNTIL:
			h = a;
			break;
		case Q_BETWEEN:
			l = a;
			h = b;
			break;
		default:
			break;
		}
		if (l >= 0)
			narrow(cc, OP_LOMAX, lo, open_lo, l);
		if (h >= 0)
			narrow(cc, OP_HIMIN, hi, open_hi, h);
	}
	narrow(cc, OP_HIMIN, hi, open_hi, idx);
	return 0;
}

/* A new query for the event selection q: codes, settings, pairing and `where`
 * (its own segment, run per event); the caller sets agg and the window. */
static int query_of(hg_compiler *cc, const hg_node *q, int ctx, int *out)
{
	int qi = new_query(cc);
	for (int i = 0; i < q->nquals; i++) {
		const hg_qual *u = &q->quals[i];
		if (u->kind == Q_SETTING)
			cc->pr->queries[qi].settings |= u->settings;
		if (u->kind != Q_WHERE)
			continue;
		if (cc->pr->queries[qi].where_seg >= 0)
			return hg_lang_error(cc->err, &cc->pk->src, u->line, u->col,
			                     "only one 'where' per query (combine with 'and')");
		int save, r;
		int seg = seg_begin(cc, &save);
		TRY(expr(cc, u->a, ctx, &r));
		seg_end(cc, seg, save, NULL, 0, ctx);
		cc->pr->queries[qi].where_seg = seg;
		cc->pr->queries[qi].where_reg = (uint16_t)r;
	}
	hg_query *Q = &cc->pr->queries[qi];
	Q->codes = bits(cc, q->codeset);
	Q->paired = q->paired >= 0 ? bits(cc, q->paired) : NULL;
	Q->paired_value = q->paired_value;
	*out = qi;
	return 0;
}

static int gen_query(hg_compiler *cc, const hg_node *call, int ctx, int *out)
{
	const hg_node *q = call->args[0];
	int lo, hi, qi;
	TRY(gen_window(cc, q, ctx, &lo, &hi));
	TRY(query_of(cc, q, ctx, &qi));
	hg_query *Q = &cc->pr->queries[qi];
	Q->agg = call->sym;
	Q->lo = (uint16_t)lo;
	Q->hi = (uint16_t)hi;
	int d = reg(cc);
	emit(cc, OP_QUERY, d, 0, 0, qi, 0);
	*out = d;
	return 0;
}

static int gen_call(hg_compiler *cc, const hg_node *n, int ctx, int *out)
{
	if (n->sym < F_N_QUERY)
		return gen_query(cc, n, ctx, out);
	int a = 0, b = 0, d = reg(cc);
	TRY(expr(cc, n->args[0], ctx, &a));
	if (n->nargs > 1)
		TRY(expr(cc, n->args[1], ctx, &b));
	static const int ops[] = {
	    [F_AGE_AT - F_N_QUERY] = OP_AGEAT,      [F_REGISTERED_AT - F_N_QUERY] = OP_REGAT,
	    [F_ALIVE_AT - F_N_QUERY] = OP_ALIVEAT,  [F_MIN - F_N_QUERY] = OP_MIN,
	    [F_MAX - F_N_QUERY] = OP_MAX,           [F_ABS - F_N_QUERY] = OP_ABS,
	    [F_ROUND - F_N_QUERY] = OP_ROUND,       [F_FLOOR - F_N_QUERY] = OP_FLOOR,
	    [F_COALESCE - F_N_QUERY] = OP_COALESCE, [F_YEARS_BETWEEN - F_N_QUERY] = OP_YEARS,
	};
	emit(cc, ops[n->sym - F_N_QUERY], d, a, b, 0, 0);
	*out = d;
	return 0;
}

static int gen_eq_cat(hg_compiler *cc, const hg_node *n, int ctx, int *out)
{
	const hg_node *cat = n->a->kind == N_STR ? n->b : n->a;
	const hg_node *lit = n->a->kind == N_STR ? n->a : n->b;
	double k = 0;
	int a;
	TRY(cat_value(cc, cat, lit, &k));
	TRY(expr(cc, cat, ctx, &a));
	int d = reg(cc);
	emit(cc, n->op == T_EQ ? OP_EQ : OP_NE, d, a, hg_const(cc, k), 0, 0);
	*out = d;
	return 0;
}

static int expr(hg_compiler *cc, const hg_node *n, int ctx, int *out)
{
	int a, d;
	switch (n->kind) {
	case N_NUM:
	case N_DATE:
	case N_BOOL:
		*out = hg_const(cc, n->num);
		return 0;
	case N_MISSING:
		*out = hg_const(cc, NAN);
		return 0;
	case N_STR:
		/* only reached as an `in` list element next to a categorical value */
		*out = hg_const(cc, NAN);
		return 0;
	case N_NAME:
		if (n->symkind == SYM_LET) {
			*out = cc->let_reg[ctx][n->sym];
			assert(*out >= 0);
			return 0;
		}
		if (n->symkind == SYM_EVENT) {
			*out = reg(cc);
			emit(cc, OP_EVF, *out, 0, 0, n->sym, 0);
			return 0;
		}
		if (n->symkind == SYM_UNIT) {
			*out = reg(cc);
			emit(cc, OP_UNIT, *out, 0, 0, n->sym, 0);
			return 0;
		}
		return gen_attr(cc, n, ctx, out);
	case N_BINARY:
		if ((n->op == T_EQ || n->op == T_NE) &&
		    (n->a->kind == N_STR || n->b->kind == N_STR))
			return gen_eq_cat(cc, n, ctx, out);
		return gen_binary(cc, n, ctx, out);
	case N_UNARY:
		TRY(expr(cc, n->a, ctx, &a));
		d = reg(cc);
		emit(cc, n->op == KW_NOT ? OP_NOT : OP_NEG, d, a, 0, 0, 0);
		*out = d;
		return 0;
	case N_IF: {
		int b, c;
		/* a truth value is 0, 1 or missing, so `if a then 1 else 0` is a itself (the eFI
		   and CMS sum dozens of them; each would be a pass over the lanes) */
		if (n->b->kind == N_NUM && n->b->num == 1 && n->c->kind == N_NUM &&
		    n->c->num == 0 && n->a->type == TY_BOOL)
			return expr(cc, n->a, ctx, out);
		TRY(expr(cc, n->a, ctx, &a));
		TRY(expr(cc, n->b, ctx, &b));
		TRY(expr(cc, n->c, ctx, &c));
		d = reg(cc);
		emit(cc, OP_IF, d, a, b, c, 0);
		*out = d;
		return 0;
	}
	case N_IN:
		if (n->args[0]->kind == N_STR) {
			/* categorical: compare with each literal */
			int acc = -1;
			for (int i = 0; i < n->nargs; i++) {
				hg_node eq = *n;
				eq.kind = N_BINARY;
				eq.op = T_EQ;
				eq.b = n->args[i];
				int r;
				TRY(gen_eq_cat(cc, &eq, ctx, &r));
				if (acc >= 0) {
					int o = reg(cc);
					emit(cc, OP_OR, o, acc, r, 0, 0);
					r = o;
				}
				acc = r;
			}
			if (n->ival) {
				d = reg(cc);
				emit(cc, OP_NOT, d, acc, 0, 0, 0);
				acc = d;
			}
			*out = acc;
			return 0;
		}
		return gen_in(cc, n, ctx, out);
	case N_ISMISSING:
		TRY(expr(cc, n->a, ctx, &a));
		d = reg(cc);
		emit(cc, OP_ISMISS, d, a, 0, 0, n->ival);
		*out = d;
		return 0;
	case N_CALL:
		return gen_call(cc, n, ctx, out);
	default:
		return hg_lang_error(cc->err, &cc->pk->src, n->line, n->col,
		                     "internal error: cannot compile this expression");
	}
}

/* Compile let i (and what it needs) for context ctx, once. */
/* A segmentation: the index of the first category whose condition is true (missing
 * counts as not true), else `otherwise`'s, else missing (Unknown). */
static int gen_segmentation(hg_compiler *cc, const hg_let *l, int ctx, int *out)
{
	int r = hg_const(cc, l->cat_cond[l->ncat - 1] ? NAN : l->ncat - 1);
	for (int k = l->ncat - 1; k >= 0; k--) {
		if (!l->cat_cond[k])
			continue;
		int c, t = reg(cc), d = reg(cc);
		TRY(expr(cc, l->cat_cond[k], ctx, &c));
		emit(cc, OP_COALESCE, t, c, hg_const(cc, 0), 0, 0);
		emit(cc, OP_IF, d, t, hg_const(cc, k), r, 0);
		r = d;
	}
	*out = r;
	return 0;
}

/* A score's bands: how many bounds the score is above (missing when it is). */
static int gen_bands(hg_compiler *cc, const hg_let *l, int ctx, int *out)
{
	int v = cc->let_reg[ctx][l->bands_of], r = -1;
	for (int k = 0; k + 1 < l->ncat; k++) {
		int gt = reg(cc);
		emit(cc, OP_GT, gt, v, hg_const(cc, l->cat_upto[k]), 0, 0);
		if (r >= 0) {
			int s = reg(cc);
			emit(cc, OP_ADD, s, r, gt, 0, 0);
			gt = s;
		}
		r = gt;
	}
	*out = r;
	return 0;
}

/* A categorical let's code, after what it needs. */
static int gen_categ(hg_compiler *cc, const hg_let *l, int ctx, int *out)
{
	return l->bands_of >= 0 ? gen_bands(cc, l, ctx, out) : gen_segmentation(cc, l, ctx, out);
}

static int categ_deps(hg_compiler *cc, const hg_let *l, int ctx)
{
	if (l->bands_of >= 0)
		return compile_let(cc, l->bands_of, ctx);
	for (int k = 0; k < l->ncat; k++)
		TRY(hg_deps(cc, l->cat_cond[k], ctx));
	return 0;
}

static int compile_categ(hg_compiler *cc, int i, int ctx)
{
	const hg_let *l = &cc->pk->lets[i];
	TRY(categ_deps(cc, l, ctx));
	int save, r;
	int seg = seg_begin(cc, &save);
	TRY(gen_categ(cc, l, ctx, &r));
	int d = reg(cc);
	emit(cc, OP_MOV, d, r, 0, 0, 0);
	/* what it reads: the conditions, or the score (as a name) */
	hg_node score = {.kind = N_NAME, .symkind = SYM_LET, .sym = l->bands_of};
	const hg_node **roots = hg_xcalloc((size_t)l->ncat + 1, sizeof *roots);
	int nroots = 0;
	if (l->bands_of >= 0)
		roots[nroots++] = &score;
	else
		for (int k = 0; k < l->ncat; k++)
			if (l->cat_cond[k])
				roots[nroots++] = l->cat_cond[k];
	seg_end(cc, seg, save, roots, nroots, ctx);
	free(roots);
	cc->let_reg[ctx][i] = d;
	cc->let_seg[ctx][i] = seg;
	return 0;
}

static int compile_let(hg_compiler *cc, int i, int ctx)
{
	if (cc->let_reg[ctx][i] >= 0)
		return 0;
	const hg_let *l = &cc->pk->lets[i];
	assert(l->set < 0);
	if (l->type == TY_CATEG)
		return compile_categ(cc, i, ctx);
	TRY(hg_deps(cc, l->e, ctx));
	int save, r;
	int seg = seg_begin(cc, &save), r0 = cc->pr->nregs;
	TRY(expr(cc, l->e, ctx, &r));
	/* the value's register: the one the expression's last instruction wrote when it is
	   new (written by this segment only), else a copy (a constant, another let's value,
	   a period register) */
	const hg_seg *sg = &cc->pr->segs[seg];
	int d = r;
	if (r < r0 || sg->n == 0 || sg->code[sg->n - 1].d != r) {
		d = reg(cc);
		emit(cc, OP_MOV, d, r, 0, 0, 0);
	}
	const hg_node *roots[1] = {l->e};
	seg_end(cc, seg, save, roots, 1, ctx);
	cc->let_reg[ctx][i] = d;
	cc->let_seg[ctx][i] = seg;
	return 0;
}

/* d = d and age >= lo and age <= hi (age as at the index date of ctx). */
static int age_range(hg_compiler *cc, const hg_indicator *ind, int ctx, int d)
{
	int age = reg(cc);
	emit(cc, OP_AGEAT, age, index_reg(ctx), 0, 0, 0);
	int bounds[2][2] = {{OP_GE, ind->age_lo}, {OP_LE, ind->age_hi}};
	for (int k = 0; k < 2; k++) {
		int c = reg(cc), a = reg(cc);
		emit(cc, bounds[k][0], c, age, hg_const(cc, bounds[k][1]), 0, 0);
		emit(cc, OP_AND, a, d, c, 0, 0);
		d = a;
	}
	return d;
}

/* The segments that compute segment s, s last, in order (-1 terminated). */
static int *seg_closure(hg_compiler *cc, int s)
{
	hg_program *pr = cc->pr;
	char *mark = hg_xcalloc((size_t)pr->nsegs + 1, 1);
	mark[s] = 1;
	/* dependencies point to earlier segments: one backward sweep closes them */
	for (int k = s; k >= 0; k--)
		if (mark[k])
			for (const int *d = cc->seg_deps[k]; d && *d >= 0; d++)
				mark[*d] = 1;
	int n = 0, *list = hg_arena_alloc(&pr->arena, sizeof(int) * (size_t)(s + 2));
	for (int k = 0; k <= s; k++)
		if (mark[k])
			list[n++] = k;
	list[n] = -1;
	free(mark);
	return list;
}

/*
 * An event indicator: its segment computes the population (with `ages`) as
 * at the date in register MID, into den; the counted events are a query
 * whose window the engine sets per event (no code is emitted for it).
 */
/* The categorical lets an indicator is broken down by, as names (roots of its segment). */
static int bd_vars(hg_compiler *cc, const hg_indicator *ind, int ctx, hg_node *nodes, int *n)
{
	*n = 0;
	for (int b = 0; b < ind->nbds; b++)
		for (int d = 0; d < ind->bds[b].n; d++)
			if (ind->bds[b].kind[d] == HG_BD_VAR ||
			    ind->bds[b].kind[d] == HG_BD_TRANS) {
				nodes[*n] = (hg_node){
				    .kind = N_NAME, .symkind = SYM_LET, .sym = ind->bds[b].var[d]};
				TRY(compile_let(cc, ind->bds[b].var[d], ctx));
				(*n)++;
			}
	return 0;
}

/* Where each breakdown variable's category is, once compiled in ctx. */
static void bd_regs(hg_compiler *cc, const hg_indicator *ind, int ctx, hg_cind *ci)
{
	ci->bd_reg = hg_arena_alloc(&cc->pr->arena, sizeof(int) * 2 * (size_t)(ind->nbds + 1));
	for (int b = 0; b < ind->nbds; b++)
		for (int d = 0; d < 2; d++)
			ci->bd_reg[2 * b + d] =
			    d < ind->bds[b].n && (ind->bds[b].kind[d] == HG_BD_VAR ||
			                          ind->bds[b].kind[d] == HG_BD_TRANS)
			        ? cc->let_reg[ctx][ind->bds[b].var[d]]
			        : -1;
}

static int compile_event_ind(hg_compiler *cc, const hg_ind_src *src, hg_cind *ci)
{
	const hg_indicator *ind = &src->pub;
	/* An event rate's population is as at mid-period in the group (its denominator) and
	   on each event's date; a transitions indicator's as at each period's end in the group
	   (where people are at the end), so the same segmentation in a person-level indicator
	   shares its registers, and on the day before each period (engine.c acc_trans). */
	int ctx = ind->trans ? 0 : 1;
	ci->ctx = ctx;
	ci->ev_q = -1;
	TRY(hg_deps(cc, src->pop, ctx));
	/* lets before the segment that reads them (dependencies point backwards) */
	hg_node *vars = hg_xcalloc(2 * (size_t)ind->nbds + 1, sizeof *vars);
	int nv = 0;
	if (bd_vars(cc, ind, ctx, vars, &nv) != 0) {
		free(vars);
		return -1;
	}
	int save, r;
	int seg = seg_begin(cc, &save);
	int rc = expr(cc, src->pop, ctx, &r);
	if (rc == 0 && (ind->age_lo > 0 || ind->age_hi < HG_AGE_MAX))
		r = age_range(cc, ind, ctx, r);
	ci->den = ci->num = (uint16_t)r;
	const hg_node **roots = hg_xcalloc(2 * (size_t)ind->nbds + 2, sizeof *roots);
	roots[0] = src->pop;
	for (int k = 0; k < nv; k++)
		roots[1 + k] = &vars[k];
	seg_end(cc, seg, save, roots, 1 + nv, ctx);
	free(roots);
	free(vars);
	TRY(rc);
	bd_regs(cc, ind, ctx, ci);
	ci->seg = seg;
	ci->pop_segs = seg_closure(cc, seg);
	if (ind->events == HG_EV_QUERY) {
		TRY(query_of(cc, src->ev, 1, &ci->ev_q));
		hg_query *Q = &cc->pr->queries[ci->ev_q];
		Q->agg = F_COUNT;
		Q->lo = HG_REG_START;
		Q->hi = HG_REG_END;
	}
	return 0;
}

static int compile_ind1(hg_compiler *cc, const hg_ind_src *src, hg_cind *ci)
{
	int t = src->pub.type;
	ci->ind = &src->pub;
	ci->ev_q = -1;
	if (src->pub.events != HG_EV_NONE || src->pub.trans)
		return compile_event_ind(cc, src, ci); /* a population as at a date */
	const hg_node *num = t == HG_IND_MEAN || t == HG_IND_PERCENTILE ? src->val : src->num;
	int ctx = 0;
	ci->ctx = ctx;
	TRY(hg_deps(cc, num, ctx));
	TRY(hg_deps(cc, src->den, ctx));
	hg_node *vars = hg_xcalloc(2 * (size_t)src->pub.nbds + 1, sizeof *vars);
	int nv = 0;
	if (bd_vars(cc, &src->pub, ctx, vars, &nv) != 0) {
		free(vars);
		return -1;
	}
	int save, r, rd = HG_REG_ONE;
	int seg = seg_begin(cc, &save);
	if (expr(cc, num, ctx, &r) != 0 || (src->den && expr(cc, src->den, ctx, &rd) != 0)) {
		free(vars); /* an error in either (e.g. a flag the store lacks) ends the compile */
		return -1;
	}
	ci->num = (uint16_t)r;
	ci->den = (uint16_t)rd;
	const hg_node **roots = hg_xcalloc(2 * (size_t)src->pub.nbds + 3, sizeof *roots);
	roots[0] = num;
	roots[1] = src->den;
	for (int k = 0; k < nv; k++)
		roots[2 + k] = &vars[k];
	seg_end(cc, seg, save, roots, 2 + nv, ctx);
	free(roots);
	free(vars);
	bd_regs(cc, &src->pub, ctx, ci);
	ci->seg = seg;
	return 0;
}

/* Compile indicator src (and the lets it needs); a passed limit is an error at it. */
static int compile_ind(hg_compiler *cc, const hg_ind_src *src, hg_cind *ci)
{
	TRY(compile_ind1(cc, src, ci));
	if (cc->full)
		return hg_lang_error(
		    cc->err, &cc->pk->src, src->line, src->col,
		    "the pack is too large for the engine: it needs more than %d "
		    "registers or %d event queries by indicator %s (split the pack, "
		    "or share repeated expressions with 'let')",
		    HG_MAX_REGS, HG_MAX_QUERIES, src->pub.id);
	return 0;
}

/* ---- worklists ---- */

static int compile_worklist(hg_compiler *cc, const hg_wl_src *w, hg_cwl *cw)
{
	const hg_worklist *p = &w->pub;
	int n = 2 + p->nreasons + p->ncolumns + p->norder, k = 0;
	const hg_node **nodes = hg_xcalloc((size_t)n + 1, sizeof *nodes);
	hg_node prio = {.kind = N_NAME, .symkind = SYM_LET, .sym = p->prio, .type = TY_CATEG};
	nodes[k++] = w->who;
	nodes[k++] = p->prio >= 0 ? &prio : w->who;
	for (int i = 0; i < p->nreasons; i++)
		nodes[k++] = w->reason_e[i];
	for (int i = 0; i < p->ncolumns; i++)
		nodes[k++] = w->column_e[i];
	for (int i = 0; i < p->norder; i++)
		nodes[k++] = w->order_e[i] ? w->order_e[i] : w->who;
	assert(k == n);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = nodes[i] == &prio ? compile_let(cc, p->prio, 1) : hg_deps(cc, nodes[i], 1);
	cw->wl = p;
	cw->nregs = n;
	cw->regs = hg_arena_alloc(&cc->pr->arena, sizeof(int) * (size_t)n);
	int save, seg = rc == 0 ? seg_begin(cc, &save) : -1;
	for (int i = 0; i < n && rc == 0; i++)
		rc = expr(cc, nodes[i], 1, &cw->regs[i]);
	if (seg >= 0) {
		seg_end(cc, seg, save, nodes, n, 1);
		cw->segs = seg_closure(cc, seg);
	}
	free(nodes);
	return rc;
}

/* ---- periods ---- */

/* The program's periods: the indicators' periods numbered in the order first
 * seen (hg_periods_number), and per period the segments it needs, closed over
 * their dependencies. Linear in the indicators' periods (a pack may have
 * thousands: the checker's limits) besides the per-period segment lists. */
static void build_periods(hg_compiler *cc)
{
	hg_program *pr = cc->pr;
	int cap = 0;
	for (int i = 0; i < pr->ninds; i++)
		cap += pr->inds[i].ind->nperiods;
	hg_period *all = hg_xmalloc(sizeof *all * (size_t)(cap + 1));
	int *ix = hg_xmalloc(sizeof *ix * (size_t)(cap + 1));
	int *seg = hg_xmalloc(sizeof *seg * (size_t)(cap + 1));
	int n = 0;
	for (int i = 0; i < pr->ninds; i++)
		for (int j = 0; j < pr->inds[i].ind->nperiods; j++) {
			seg[n] = pr->inds[i].seg;
			all[n++] = pr->inds[i].ind->periods[j];
		}
	pr->periods = hg_arena_alloc(&pr->arena, sizeof *pr->periods * (size_t)(cap ? cap : 1));
	pr->nperiods = hg_periods_number(all, n, ix, pr->periods);
	n = 0;
	for (int i = 0; i < pr->ninds; i++) {
		int np = pr->inds[i].ind->nperiods;
		pr->inds[i].period_ix = hg_arena_alloc(&pr->arena, sizeof(int) * (size_t)np);
		memcpy(pr->inds[i].period_ix, ix + n, sizeof(int) * (size_t)np);
		n += np;
	}
	/* the indicator periods of each program period, as linked lists */
	int *head = hg_xmalloc(sizeof *head * (size_t)(pr->nperiods + 1));
	int *next = hg_xmalloc(sizeof *next * (size_t)(cap + 1));
	for (int p = 0; p < pr->nperiods; p++)
		head[p] = -1;
	for (int k = 0; k < n; k++) {
		next[k] = head[ix[k]];
		head[ix[k]] = k;
	}
	pr->period_segs = hg_arena_alloc(&pr->arena, sizeof *pr->period_segs *
	                                                 (size_t)(pr->nperiods ? pr->nperiods : 1));
	char *mark = hg_xmalloc((size_t)pr->nsegs + 1);
	for (int p = 0; p < pr->nperiods; p++) {
		memset(mark, 0, (size_t)pr->nsegs + 1);
		for (int k = head[p]; k >= 0; k = next[k])
			mark[seg[k]] = 1;
		/* dependencies point to earlier segments: one backward sweep closes them */
		for (int s = pr->nsegs - 1; s >= 0; s--)
			if (mark[s])
				for (const int *d = cc->seg_deps[s]; d && *d >= 0; d++)
					mark[*d] = 1;
		int m = 0;
		int *list = hg_arena_alloc(&pr->arena, sizeof(int) * (size_t)(pr->nsegs + 1));
		for (int s = 0; s < pr->nsegs; s++)
			if (mark[s])
				list[m++] = s;
		list[m] = -1;
		pr->period_segs[p] = list;
	}
	free(mark);
	free(head);
	free(next);
	free(seg);
	free(ix);
	free(all);
}

static void map_flags(hg_compiler *cc)
{
	for (int i = 0; i < 64; i++)
		cc->pr->flag_bit[i] = -1;
	for (int i = 0; i < cc->pk->nflags; i++)
		for (uint32_t b = 0; b < cc->st->n_flags; b++)
			if (!strcmp(cc->st->flag_names[b], cc->pk->flag_names[i]) ||
			    (!strncmp(cc->st->flag_names[b], "flag_", 5) &&
			     !strcmp(cc->st->flag_names[b] + 5, cc->pk->flag_names[i])))
				cc->pr->flag_bit[i] = (int)b;
}

static void compiler_free(hg_compiler *cc)
{
	for (int c = 0; c < 2; c++) {
		free(cc->let_reg[c]);
		free(cc->let_seg[c]);
	}
	free(cc->set_bits);
	free(cc->seg_deps);
}

int hg_compile(const hg_pack *pk, const hg_store *st, hg_program **out, hg_err *err)
{
	hg_program *pr = hg_xcalloc(1, sizeof *pr);
	hg_arena_init(&pr->arena, 64 * 1024);
	pr->store = st;
	pr->pack = pk;
	pr->nregs = HG_REG_FIXED;
	hg_compiler cc = {.pk = pk, .st = st, .pr = pr, .err = err, .cur = -1};
	for (int c = 0; c < 2; c++) {
		cc.let_reg[c] = hg_xmalloc(sizeof(int) * (size_t)(pk->nlets + 1));
		cc.let_seg[c] = hg_xmalloc(sizeof(int) * (size_t)(pk->nlets + 1));
		for (int i = 0; i < pk->nlets; i++)
			cc.let_reg[c][i] = cc.let_seg[c][i] = -1;
	}
	cc.set_bits = hg_xcalloc((size_t)pk->nsets + 1, sizeof *cc.set_bits);
	map_flags(&cc);
	pr->inds = hg_arena_calloc(&pr->arena, sizeof *pr->inds * (size_t)pk->ninds);
	pr->ninds = pk->ninds;
	int rc = 0;
	for (int i = 0; i < pk->ninds && rc == 0; i++)
		rc = compile_ind(&cc, &pk->inds[i], &pr->inds[i]);
	pr->wls = hg_arena_calloc(&pr->arena, sizeof *pr->wls * (size_t)(pk->nwls + 1));
	pr->nwls = pk->nwls;
	for (int i = 0; i < pk->nwls && rc == 0; i++)
		rc = compile_worklist(&cc, &pk->wls[i], &pr->wls[i]);
	if (rc == 0)
		build_periods(&cc);
	compiler_free(&cc);
	if (rc != 0) {
		hg_program_free(pr);
		*out = NULL;
		return err->code ? err->code : HG_EINPUT;
	}
	*out = pr;
	return 0;
}

void hg_program_free(hg_program *pr)
{
	if (!pr)
		return;
	for (int i = 0; i < pr->nsegs; i++)
		free(pr->segs[i].code);
	free(pr->queries);
	free(pr->segs);
	free(pr->const_reg);
	free(pr->const_val);
	free(pr->windows);
	hg_arena_free(&pr->arena);
	free(pr);
}

void hg_program_dump(const hg_program *pr, void *file)
{
	static const char *const names[OP_N] = {
	    "const", "mov",   "attr",  "evf",   "add",    "sub",      "mul",     "div",
	    "neg",   "addm",  "lt",    "le",    "gt",     "ge",       "eq",      "ne",
	    "and",   "or",    "not",   "if",    "ismiss", "coalesce", "min",     "max",
	    "abs",   "round", "floor", "ageat", "regat",  "aliveat",  "placeat", "years",
	    "lomax", "himin", "query", "unit",  "skip"};
	FILE *f = file;
	for (int s = 0; s < pr->nsegs; s++) {
		fprintf(f, "segment %d:\n", s);
		for (uint32_t i = 0; i < pr->segs[s].n; i++) {
			const hg_ins *x = &pr->segs[s].code[i];
			fprintf(f, "  %-8s r%u r%u r%u c%u k=%g\n", names[x->op], x->d, x->a, x->b,
			        x->c, x->k);
		}
	}
}
