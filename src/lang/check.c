/*
 * check.c: the checker. Resolves every name (attributes, `let` variables,
 * codelists, flags, breakdowns), assigns a type to every expression node and
 * reports misuse like a compiler, loads codelist files and evaluates set
 * operations on them, and fills in indicator defaults and periods.
 */
#include "lang/ast.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hg_checker {
	hg_pack *pk;
	hg_err *err;
	int nlets_visible; /* lets declared before the one being checked */
	int in_where;      /* inside an event `where`: value, date, setting are fields */
} hg_checker;

#define TRY(x)                                                                                     \
	do {                                                                                       \
		if ((x) != 0)                                                                      \
			return -1;                                                                 \
	} while (0)

static int hg_c_fail(hg_checker *ck, const hg_node *n, const char *fmt, const char *a,
                     const char *b)
{
	return hg_lang_error(ck->err, &ck->pk->src, n->line, n->col, fmt, a ? a : "", b ? b : "");
}

static const char *hg_type_name(int t)
{
	static const char *const names[] = {"nothing",   "a number",   "a condition (true/false)",
	                                    "a date",    "a duration", "a string",
	                                    "sex",       "ethnicity",  "a practice",
	                                    "a setting", "a codelist", "missing"};
	return t >= 0 && t <= TY_MISSING ? names[t] : "?";
}

/* ---- names ---- */

static const struct {
	const char *name;
	int attr, type;
} hg_attrs[] = {
    {"age", A_AGE, TY_NUM},
    {"sex", A_SEX, TY_SEX},
    {"ethnicity", A_ETHNICITY, TY_ETH},
    {"imd_quintile", A_IMD_QUINTILE, TY_NUM},
    {"imd_decile", A_IMD_DECILE, TY_NUM},
    {"practice", A_PRACTICE, TY_PRACTICE},
    {"registered", A_REGISTERED, TY_BOOL},
    {"alive", A_ALIVE, TY_BOOL},
    {"date_of_birth", A_DOB, TY_DATE},
    {"date_of_death", A_DOD, TY_DATE},
    {"registered_from", A_REG_FROM, TY_DATE},
    {"registered_to", A_REG_TO, TY_DATE},
    {"period_start", A_PERIOD_START, TY_DATE},
    {"period_end", A_PERIOD_END, TY_DATE},
    {"period_mid", A_PERIOD_MID, TY_DATE},
    {"index_date", A_INDEX_DATE, TY_DATE},
    {"died_in_period", A_DIED_IN_PERIOD, TY_BOOL},
};

static int hg_find_set(const hg_pack *pk, const char *name)
{
	for (int i = 0; i < pk->nsets; i++)
		if (pk->sets[i].name && !strcmp(pk->sets[i].name, name))
			return i;
	return -1;
}

static int hg_flag_index(hg_pack *pk, const char *name)
{
	for (int i = 0; i < pk->nflags; i++)
		if (!strcmp(pk->flag_names[i], name))
			return i;
	if (pk->nflags == 64)
		return -1;
	pk->flag_names[pk->nflags] = hg_arena_strdup(&pk->arena, name);
	return pk->nflags++;
}

static int hg_c_name(hg_checker *ck, hg_node *n)
{
	hg_pack *pk = ck->pk;
	if (ck->in_where) {
		static const char *const ev[] = {"value", "date", "setting"};
		static const int evt[] = {TY_NUM, TY_DATE, TY_SETTING};
		for (int i = 0; i < 3; i++)
			if (!strcmp(n->str, ev[i])) {
				n->symkind = SYM_EVENT;
				n->sym = i;
				n->type = evt[i];
				return 0;
			}
	}
	for (int i = ck->nlets_visible - 1; i >= 0; i--) {
		const hg_let *l = &pk->lets[i];
		if (strcmp(l->name, n->str))
			continue;
		if (l->set >= 0)
			return hg_c_fail(ck, n,
			                 "'%s' is a codelist, not a value (use exists(%s), "
			                 "count(...), last_date(...) and so on)",
			                 n->str, n->str);
		n->symkind = SYM_LET;
		n->sym = i;
		n->type = l->type;
		return 0;
	}
	for (size_t i = 0; i < sizeof hg_attrs / sizeof hg_attrs[0]; i++)
		if (!strcmp(n->str, hg_attrs[i].name)) {
			n->symkind = SYM_ATTR;
			n->sym = hg_attrs[i].attr;
			n->type = hg_attrs[i].type;
			return 0;
		}
	if (!strncmp(n->str, "flag_", 5) && n->str[5]) {
		int f = hg_flag_index(pk, n->str + 5);
		if (f < 0)
			return hg_c_fail(ck, n, "too many flags (at most 64)%s%s", NULL, NULL);
		n->symkind = SYM_ATTR;
		n->sym = A_FLAG + f;
		n->type = TY_BOOL;
		return 0;
	}
	for (int i = ck->nlets_visible; i < pk->nlets; i++)
		if (!strcmp(pk->lets[i].name, n->str))
			return hg_c_fail(ck, n, "'%s' is used before it is defined%s", n->str,
			                 NULL);
	if (!ck->in_where && (!strcmp(n->str, "value") || !strcmp(n->str, "setting")))
		return hg_c_fail(ck, n, "'%s' can only be used in a 'where' of an event query%s",
		                 n->str, NULL);
	return hg_c_fail(ck, n, "unknown name '%s'%s", n->str, NULL);
}

/* ---- codelists ---- */

static int hg_new_set(hg_pack *pk)
{
	if (pk->nsets == pk->capsets) {
		pk->capsets = pk->capsets ? 2 * pk->capsets : 16;
		pk->sets = hg_xrealloc(pk->sets, sizeof *pk->sets * (size_t)pk->capsets);
	}
	hg_codeset *s = &pk->sets[pk->nsets];
	memset(s, 0, sizeof *s);
	hg_dict_init(&s->codes);
	return pk->nsets++;
}

static void hg_set_add_all(hg_codeset *dst, const hg_codeset *src, const hg_codeset *filter,
                           int keep_if_in)
{
	for (uint32_t i = 0; i < src->codes.n; i++) {
		const char *k = hg_dict_key(&src->codes, i);
		size_t n = src->codes.lens[i];
		if (filter && (hg_dict_find(&filter->codes, k, n) != HG_DICT_MISSING) != keep_if_in)
			continue;
		hg_dict_intern(&dst->codes, k, n, NULL);
	}
}

/* Evaluate a codelist expression into set `into` (already initialised). */
static int hg_c_codes_into(hg_checker *ck, hg_node *n, int into);

static int hg_c_codes_binary(hg_checker *ck, hg_node *n, int into)
{
	int l = hg_new_set(ck->pk), r = hg_new_set(ck->pk);
	TRY(hg_c_codes_into(ck, n->a, l));
	TRY(hg_c_codes_into(ck, n->b, r));
	hg_codeset *S = ck->pk->sets;
	if (n->op == T_PLUS) {
		hg_set_add_all(&S[into], &S[l], NULL, 0);
		hg_set_add_all(&S[into], &S[r], NULL, 0);
	} else {
		hg_set_add_all(&S[into], &S[l], &S[r], n->op == T_AMP);
	}
	return 0;
}

static int hg_c_codes_into(hg_checker *ck, hg_node *n, int into)
{
	hg_pack *pk = ck->pk;
	switch (n->kind) {
	case N_STR: {
		int rc = hg_codelist_load(&pk->sets[into], pk->src.dir, n->str, ck->err);
		if (rc == 0)
			return 0;
		char why[HG_ERR_MSG_MAX];
		snprintf(why, sizeof why, "%s", ck->err->msg);
		return hg_c_fail(ck, n, "cannot load codelist: %s%s", why, NULL);
	}
	case N_CODES:
		for (int i = 0; i < n->nargs; i++)
			hg_dict_intern(&pk->sets[into].codes, n->args[i]->str,
			               strlen(n->args[i]->str), NULL);
		return 0;
	case N_NAME: {
		int s = hg_find_set(pk, n->str);
		if (s < 0 || s >= into)
			return hg_c_fail(ck, n, "unknown codelist '%s'%s", n->str, NULL);
		hg_set_add_all(&pk->sets[into], &pk->sets[s], NULL, 0);
		return 0;
	}
	case N_BINARY:
		return hg_c_codes_binary(ck, n, into);
	default:
		return hg_c_fail(ck, n, "expected a codelist expression%s%s", NULL, NULL);
	}
}

/* A codelist expression as a set index (a named set is used as is). */
static int hg_c_codeset(hg_checker *ck, hg_node *n, int *out)
{
	if (n->kind == N_NAME) {
		int s = hg_find_set(ck->pk, n->str);
		if (s >= 0 && ck->pk->sets[s].codes.slots) {
			*out = s;
			return 0;
		}
	}
	int s = hg_new_set(ck->pk);
	TRY(hg_c_codes_into(ck, n, s));
	hg_codeset_hash(&ck->pk->sets[s]);
	*out = s;
	return 0;
}

/* ---- expressions ---- */

static int hg_c_expr(hg_checker *ck, hg_node *n);

static int hg_c_want(hg_checker *ck, hg_node *n, int type)
{
	TRY(hg_c_expr(ck, n));
	if (n->type == type || n->type == TY_MISSING)
		return 0;
	return hg_c_fail(ck, n, "expected %s here, found %s", hg_type_name(type),
	                 hg_type_name(n->type));
}

static int hg_is_cat(int t)
{
	return t == TY_SEX || t == TY_ETH || t == TY_PRACTICE || t == TY_SETTING;
}

/* Types that = and != can compare. */
static int hg_c_eq_types(hg_checker *ck, hg_node *at, hg_node *a, hg_node *b)
{
	int ta = a->type, tb = b->type;
	if (ta == TY_MISSING || tb == TY_MISSING)
		return hg_c_fail(ck, at,
		                 "comparing with missing is always missing; use 'is missing'%s%s",
		                 NULL, NULL);
	if (ta == tb && (ta == TY_NUM || ta == TY_DATE || ta == TY_BOOL || hg_is_cat(ta)))
		return 0;
	if ((hg_is_cat(ta) && tb == TY_STR && b->kind == N_STR) ||
	    (hg_is_cat(tb) && ta == TY_STR && a->kind == N_STR))
		return 0;
	return hg_c_fail(ck, at, "cannot compare %s with %s", hg_type_name(ta), hg_type_name(tb));
}

static int hg_c_arith(hg_checker *ck, hg_node *n)
{
	int ta = n->a->type, tb = n->b->type;
	if (ta == TY_MISSING)
		ta = tb == TY_DURATION ? TY_DATE : tb;
	if (tb == TY_MISSING)
		tb = ta == TY_DATE && n->op == T_MINUS ? TY_DATE : ta;
	if (ta == TY_NUM && tb == TY_NUM) {
		n->type = TY_NUM;
	} else if (n->op == T_PLUS && ta == TY_DATE && tb == TY_DURATION) {
		n->type = TY_DATE;
	} else if (n->op == T_PLUS && ta == TY_DURATION && tb == TY_DATE) {
		hg_node *t = n->a; /* normalise to date + duration */
		n->a = n->b;
		n->b = t;
		n->type = TY_DATE;
	} else if (n->op == T_MINUS && ta == TY_DATE && tb == TY_DURATION) {
		n->type = TY_DATE;
	} else if (n->op == T_MINUS && ta == TY_DATE && tb == TY_DATE) {
		n->type = TY_NUM; /* days between */
	} else {
		return hg_lang_error(ck->err, &ck->pk->src, n->line, n->col,
		                     "cannot apply '%s' to %s and %s", hg_tok_name(n->op),
		                     hg_type_name(n->a->type), hg_type_name(n->b->type));
	}
	return 0;
}

static int hg_c_binary(hg_checker *ck, hg_node *n)
{
	TRY(hg_c_expr(ck, n->a));
	TRY(hg_c_expr(ck, n->b));
	switch (n->op) {
	case KW_AND:
	case KW_OR:
		if ((n->a->type != TY_BOOL && n->a->type != TY_MISSING))
			return hg_c_fail(ck, n->a, "expected a condition here, found %s%s",
			                 hg_type_name(n->a->type), NULL);
		if ((n->b->type != TY_BOOL && n->b->type != TY_MISSING))
			return hg_c_fail(ck, n->b, "expected a condition here, found %s%s",
			                 hg_type_name(n->b->type), NULL);
		n->type = TY_BOOL;
		return 0;
	case T_EQ:
	case T_NE:
		n->type = TY_BOOL;
		return hg_c_eq_types(ck, n, n->a, n->b);
	case T_LT:
	case T_LE:
	case T_GT:
	case T_GE:
	case KW_AFTER:
	case KW_BEFORE: {
		int t = n->a->type == TY_MISSING ? n->b->type : n->a->type;
		int ok =
		    (t == TY_NUM || t == TY_DATE) && (n->b->type == t || n->b->type == TY_MISSING);
		if ((n->op == KW_AFTER || n->op == KW_BEFORE) && t != TY_DATE)
			ok = 0;
		if (!ok)
			return hg_lang_error(ck->err, &ck->pk->src, n->line, n->col,
			                     "cannot order %s and %s%s", hg_type_name(n->a->type),
			                     hg_type_name(n->b->type),
			                     n->op == KW_AFTER || n->op == KW_BEFORE
			                         ? " ('after' and 'before' compare dates)"
			                         : "");
		n->type = TY_BOOL;
		return 0;
	}
	default:
		return hg_c_arith(ck, n);
	}
}

static int hg_c_query(hg_checker *ck, hg_node *q)
{
	TRY(hg_c_codeset(ck, q->a, &q->codeset));
	for (int i = 0; i < q->nquals; i++) {
		hg_qual *u = &q->quals[i];
		if (u->a && u->kind != Q_WHERE && u->kind != Q_PAIRED)
			TRY(hg_c_want(ck, u->a, TY_DATE));
		if (u->b)
			TRY(hg_c_want(ck, u->b, TY_DATE));
		if (u->kind == Q_WHERE) {
			int save = ck->in_where;
			ck->in_where = 1;
			int rc = hg_c_want(ck, u->a, TY_BOOL);
			ck->in_where = save;
			TRY(rc);
		}
		if (u->kind == Q_PAIRED) {
			TRY(hg_c_codeset(ck, u->a, &q->paired));
			q->paired_value = u->unit;
		}
		if (u->kind == Q_LAST && (u->n <= 0 || u->n != floor(u->n)))
			return hg_lang_error(ck->err, &ck->pk->src, u->line, u->col,
			                     "expected a positive whole number of days or months");
	}
	q->type = TY_NONE;
	return 0;
}

static int hg_c_call(hg_checker *ck, hg_node *n)
{
	static const int qret[] = {TY_BOOL, TY_NUM, TY_DATE, TY_DATE, TY_NUM, TY_NUM,
	                           TY_NUM,  TY_NUM, TY_NUM,  TY_NUM,  TY_NUM};
	if (n->sym < F_N_QUERY) {
		if (ck->in_where)
			return hg_c_fail(ck, n, "event queries cannot be nested in 'where'%s%s",
			                 NULL, NULL);
		TRY(hg_c_query(ck, n->args[0]));
		n->type = qret[n->sym];
		return 0;
	}
	int want = n->sym == F_MIN || n->sym == F_MAX || n->sym == F_COALESCE ? 2
	           : n->sym == F_YEARS_BETWEEN                                ? 2
	                                                                      : 1;
	if (n->nargs != want) {
		char buf[64];
		snprintf(buf, sizeof buf, "%d argument%s", want, want == 1 ? "" : "s");
		return hg_c_fail(ck, n, "%s() takes %s", n->str, buf);
	}
	for (int i = 0; i < n->nargs; i++)
		TRY(hg_c_expr(ck, n->args[i]));
	switch (n->sym) {
	case F_AGE_AT:
		TRY(hg_c_want(ck, n->args[0], TY_DATE));
		n->type = TY_NUM;
		return 0;
	case F_REGISTERED_AT:
	case F_ALIVE_AT:
		TRY(hg_c_want(ck, n->args[0], TY_DATE));
		n->type = TY_BOOL;
		return 0;
	case F_YEARS_BETWEEN:
		TRY(hg_c_want(ck, n->args[0], TY_DATE));
		TRY(hg_c_want(ck, n->args[1], TY_DATE));
		n->type = TY_NUM;
		return 0;
	case F_ABS:
	case F_ROUND:
	case F_FLOOR:
		TRY(hg_c_want(ck, n->args[0], TY_NUM));
		n->type = TY_NUM;
		return 0;
	default: { /* min, max, coalesce: two of the same type */
		int t = n->args[0]->type == TY_MISSING ? n->args[1]->type : n->args[0]->type;
		if ((n->sym != F_COALESCE && t != TY_NUM && t != TY_DATE) ||
		    (n->args[1]->type != t && n->args[1]->type != TY_MISSING) || hg_is_cat(t) ||
		    t == TY_STR)
			return hg_c_fail(ck, n, "%s() needs two numbers or two dates%s", n->str,
			                 NULL);
		n->type = t;
		return 0;
	}
	}
}

static int hg_c_if(hg_checker *ck, hg_node *n)
{
	TRY(hg_c_want(ck, n->a, TY_BOOL));
	TRY(hg_c_expr(ck, n->b));
	TRY(hg_c_expr(ck, n->c));
	int t = n->b->type == TY_MISSING ? n->c->type : n->b->type;
	if ((n->c->type != t && n->c->type != TY_MISSING) || t == TY_STR || hg_is_cat(t))
		return hg_c_fail(ck, n->c, "both branches must have the same type (%s and %s)",
		                 hg_type_name(n->b->type), hg_type_name(n->c->type));
	n->type = t;
	return 0;
}

static int hg_c_expr(hg_checker *ck, hg_node *n)
{
	switch (n->kind) {
	case N_NUM:
		n->type = TY_NUM;
		return 0;
	case N_STR:
		n->type = TY_STR;
		return 0;
	case N_DATE:
		n->type = TY_DATE;
		return 0;
	case N_BOOL:
		n->type = TY_BOOL;
		return 0;
	case N_MISSING:
		n->type = TY_MISSING;
		return 0;
	case N_DURATION:
		n->type = TY_DURATION;
		return 0;
	case N_NAME:
		return hg_c_name(ck, n);
	case N_BINARY:
		return hg_c_binary(ck, n);
	case N_UNARY:
		TRY(hg_c_want(ck, n->a, n->op == KW_NOT ? TY_BOOL : TY_NUM));
		n->type = n->op == KW_NOT ? TY_BOOL : TY_NUM;
		return 0;
	case N_IF:
		return hg_c_if(ck, n);
	case N_IN:
		TRY(hg_c_expr(ck, n->a));
		for (int i = 0; i < n->nargs; i++) {
			TRY(hg_c_expr(ck, n->args[i]));
			TRY(hg_c_eq_types(ck, n->args[i], n->a, n->args[i]));
		}
		n->type = TY_BOOL;
		return 0;
	case N_ISMISSING:
		TRY(hg_c_expr(ck, n->a));
		n->type = TY_BOOL;
		return 0;
	case N_CALL:
		return hg_c_call(ck, n);
	default:
		return hg_c_fail(ck, n, "a codelist is not a value here%s%s", NULL, NULL);
	}
}

/* ---- declarations ---- */

static int hg_c_value_type(hg_checker *ck, hg_node *n)
{
	if (n->type == TY_NUM || n->type == TY_DATE || n->type == TY_BOOL)
		return 0;
	return hg_c_fail(ck, n, "a variable must be a number, date or condition, not %s%s",
	                 hg_type_name(n->type), NULL);
}

static int hg_c_lets(hg_checker *ck)
{
	hg_pack *pk = ck->pk;
	for (int i = 0; i < pk->nlets; i++) {
		hg_let *l = &pk->lets[i];
		ck->nlets_visible = i;
		for (int j = 0; j < i; j++)
			if (!strcmp(pk->lets[j].name, l->name))
				return hg_lang_error(ck->err, &pk->src, l->line, l->col,
				                     "'%s' is already defined on line %d", l->name,
				                     pk->lets[j].line);
		if (l->set >= 0) {
			hg_dict_init(&pk->sets[l->set].codes);
			TRY(hg_c_codes_into(ck, l->e, l->set));
			hg_codeset_hash(&pk->sets[l->set]);
			continue;
		}
		TRY(hg_c_expr(ck, l->e));
		TRY(hg_c_value_type(ck, l->e));
		l->type = l->e->type;
	}
	ck->nlets_visible = pk->nlets;
	return 0;
}

static int hg_c_breakdown(hg_checker *ck, hg_breakdown *bd)
{
	static const char *const names[] = {"all", "imd_quintile", "imd_decile", "ethnicity",
	                                    "sex", "age_band",     "practice"};
	char text[128];
	snprintf(text, sizeof text, "%s", bd->name);
	char *parts[2] = {text, NULL};
	char *x = strstr(text, " x ");
	if (x) {
		*x = 0;
		parts[1] = x + 3;
	}
	for (int d = 0; d < bd->n; d++) {
		const char *part = parts[d];
		assert(part);
		bd->kind[d] = -1;
		for (int k = 0; k < HG_BD_FLAG; k++)
			if (!strcmp(part, names[k]))
				bd->kind[d] = k;
		if (bd->kind[d] < 0 && !strncmp(part, "flag_", 5) && part[5]) {
			bd->kind[d] = HG_BD_FLAG;
			bd->flag[d] = hg_flag_index(ck->pk, part + 5);
		}
		if (bd->kind[d] < 0 || bd->kind[d] == HG_BD_ALL)
			return hg_lang_error(ck->err, &ck->pk->src, bd->line, bd->col,
			                     "unknown breakdown '%s' (expected imd_quintile, "
			                     "imd_decile, ethnicity, sex, age_band, practice or "
			                     "flag_NAME)",
			                     part);
	}
	return 0;
}

static int hg_c_need(hg_checker *ck, hg_ind_src *ind, hg_node *e, const char *what, int bool_only)
{
	if (!e)
		return hg_lang_error(ck->err, &ck->pk->src, ind->line, ind->col,
		                     "indicator %s needs '%s:'", ind->pub.id, what);
	TRY(hg_c_expr(ck, e));
	if (e->type == TY_BOOL || (!bool_only && e->type == TY_NUM))
		return 0;
	return hg_c_fail(ck, e, "%s: expected %s", what,
	                 bool_only ? "a condition (true/false)" : "a number or a condition");
}

static int hg_c_indicator(hg_checker *ck, hg_ind_src *ind)
{
	hg_pack *pk = ck->pk;
	hg_indicator *p = &ind->pub;
	if (p->type < 0)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s needs a type: proportion, rate, dsr, mean, "
		                     "count or life_expectancy",
		                     p->id);
	int t = p->type;
	if (t == HG_IND_MEAN) {
		TRY(hg_c_need(ck, ind, ind->val, "value", 0));
		if (ind->val->type != TY_NUM)
			return hg_c_fail(ck, ind->val, "value: expected a number%s%s", NULL, NULL);
	} else {
		TRY(hg_c_need(ck, ind, ind->num, "numerator",
		              t == HG_IND_PROPORTION || t == HG_IND_LE));
	}
	if (ind->den || t == HG_IND_PROPORTION || t == HG_IND_RATE || t == HG_IND_DSR ||
	    t == HG_IND_LE)
		TRY(hg_c_need(ck, ind, ind->den, "denominator", 1));
	for (int b = 1; b < p->nbds; b++)
		TRY(hg_c_breakdown(ck, &p->bds[b]));
	const hg_period_spec *sp = ind->ps.set ? &ind->ps : &pk->periods;
	if (!sp->set)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s has no periods (add 'periods quarterly from "
		                     "... to ...' to it or at the top of the file)",
		                     p->id);
	hg_period_expand(sp, &pk->arena, &p->periods, &p->nperiods);
	if (p->nperiods == 0)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s: the date range holds no whole period", p->id);
	for (int j = 0; j < ind - pk->inds; j++)
		if (!strcmp(pk->inds[j].pub.id, p->id))
			return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
			                     "indicator %s is already defined on line %d", p->id,
			                     pk->inds[j].line);
	return 0;
}

int hg_check_pack(hg_pack *pk, hg_err *err)
{
	hg_checker ck = {.pk = pk, .err = err};
	/* named codelists get their dicts when checked; mark the rest empty */
	for (int i = 0; i < pk->nsets; i++)
		memset(&pk->sets[i].codes, 0, sizeof pk->sets[i].codes);
	TRY(hg_c_lets(&ck));
	for (int i = 0; i < pk->ninds; i++)
		TRY(hg_c_indicator(&ck, &pk->inds[i]));
	if (pk->ninds == 0)
		return hg_err_set(err, HG_EINPUT, "%s: no indicators defined", pk->src.name);
	return 0;
}
