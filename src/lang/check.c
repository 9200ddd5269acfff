/*
 * check.c: the checker. Resolves every name (attributes, `let` variables,
 * codelists, flags, breakdowns), assigns a type to every expression node and
 * reports misuse like a compiler, loads codelist files and evaluates set
 * operations on them, and fills in indicator defaults and periods.
 */
#include "lang/ast.h"
#include "core/fs.h"

#include "core/str.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const hg_pop_kind_names[3] = {"mid_period", "person_time", "residents"};
const char *const hg_unit_kind_names[3] = {"people", "pathways", "appointments"};
const char *const hg_ind_type_names[HG_IND_N] = {
    "proportion", "rate", "dsr", "mean", "count", "life_expectancy", "percentile"};

typedef struct hg_checker {
	hg_pack *pk;
	hg_err *err;
	int nlets_visible; /* lets declared before the one being checked */
	int in_where;      /* inside an event `where`: value, date, setting are fields */
	int decl_system;   /* `system` of the codelist declaration being checked */
	int in_unit;       /* enum hg_unit_kind of the indicator clause being checked */
} hg_checker;

static int c_fail(hg_checker *ck, const hg_node *n, const char *fmt, const char *a, const char *b)
{
	return hg_lang_error(ck->err, &ck->pk->src, n->line, n->col, fmt, a ? a : "", b ? b : "");
}

static const char *type_name(int t)
{
	static const char *const names[] = {"nothing",
	                                    "a number",
	                                    "a condition (true/false)",
	                                    "a date",
	                                    "a duration",
	                                    "a string",
	                                    "sex",
	                                    "ethnicity",
	                                    "a practice",
	                                    "a setting",
	                                    "a codelist",
	                                    "missing",
	                                    "a category (segmentation or band)"};
	return t >= 0 && t <= TY_CATEG ? names[t] : "?";
}

/* ---- names ---- */

/* The fields of a pathway or an appointment (enum hg_unitfield), in an indicator over them. */
static const struct {
	const char *name;
	int unit, field, type;
} hg_unit_fields[] = {
    {"clock_start", HG_UNIT_PATHWAY, U_PW_CLOCK_START, TY_DATE},
    {"clock_stop", HG_UNIT_PATHWAY, U_PW_CLOCK_STOP, TY_DATE},
    {"open", HG_UNIT_PATHWAY, U_PW_OPEN, TY_BOOL},
    {"weeks_waited", HG_UNIT_PATHWAY, U_PW_WEEKS, TY_NUM},
    {"priority", HG_UNIT_PATHWAY, U_PW_PRIORITY, TY_NUM},
    {"removal_reason", HG_UNIT_PATHWAY, U_PW_REMOVAL, TY_NUM},
    {"stopped_in_period", HG_UNIT_PATHWAY, U_PW_STOPPED_IN_PERIOD, TY_BOOL},
    {"started_in_period", HG_UNIT_PATHWAY, U_PW_STARTED_IN_PERIOD, TY_BOOL},
    {"appointment_date", HG_UNIT_APPT, U_AP_DATE, TY_DATE},
    {"attended", HG_UNIT_APPT, U_AP_ATTENDED, TY_BOOL},
    {"did_not_attend", HG_UNIT_APPT, U_AP_DNA, TY_BOOL},
    {"cancelled_by_patient", HG_UNIT_APPT, U_AP_CANC_PATIENT, TY_BOOL},
    {"cancelled_by_provider", HG_UNIT_APPT, U_AP_CANC_PROVIDER, TY_BOOL},
    {"first_attendance", HG_UNIT_APPT, U_AP_FIRST, TY_BOOL},
    {"follow_up", HG_UNIT_APPT, U_AP_FOLLOW_UP, TY_BOOL},
    {"outpatient", HG_UNIT_APPT, U_AP_OUTPATIENT, TY_BOOL},
    {"gp_appointment", HG_UNIT_APPT, U_AP_GP, TY_BOOL},
};

/* A field of a pathway or appointment: resolved in an indicator over them (0), else an
 * error saying where it can be used (-1); 1 when n is no such name. */
static int c_unit_name(hg_checker *ck, hg_node *n)
{
	for (size_t i = 0; i < sizeof hg_unit_fields / sizeof hg_unit_fields[0]; i++) {
		if (strcmp(n->str, hg_unit_fields[i].name))
			continue;
		const char *what =
		    hg_unit_fields[i].unit == HG_UNIT_PATHWAY ? "pathway" : "appointment";
		if (ck->in_unit != hg_unit_fields[i].unit) {
			hg_lang_error(ck->err, &ck->pk->src, n->line, n->col,
			              "'%s' is a field of %s %s: use it in the numerator, "
			              "denominator or value of an indicator 'over %ss'",
			              n->str, *what == 'a' ? "an" : "a", what, what);
			return -1;
		}
		if (ck->in_where) {
			hg_lang_error(ck->err, &ck->pk->src, n->line, n->col,
			              "'%s' is a field of the %s, not of an event: it cannot "
			              "be used in a 'where'",
			              n->str, what);
			return -1;
		}
		n->symkind = SYM_UNIT;
		n->sym = hg_unit_fields[i].field;
		n->type = hg_unit_fields[i].type;
		return 0;
	}
	return 1;
}

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
    {"open_pathways", A_OPEN_PATHWAYS, TY_NUM},
};

static int find_set(const hg_pack *pk, const char *name)
{
	for (int i = 0; i < pk->nsets; i++)
		if (pk->sets[i].name && !strcmp(pk->sets[i].name, name))
			return i;
	return -1;
}

static int flag_index(hg_pack *pk, const char *name)
{
	for (int i = 0; i < pk->nflags; i++)
		if (!strcmp(pk->flag_names[i], name))
			return i;
	if (pk->nflags == 64)
		return -1;
	pk->flag_names[pk->nflags] = hg_arena_strdup(&pk->arena, name);
	return pk->nflags++;
}

/* "unknown name 'x' (did you mean 'y'?)" over the names in scope. */
static int c_unknown_name(hg_checker *ck, const hg_node *n)
{
	hg_suggest sg;
	hg_suggest_init(&sg, n->str);
	for (int i = 0; i < ck->nlets_visible; i++)
		if (ck->pk->lets[i].set < 0)
			hg_suggest_add(&sg, ck->pk->lets[i].name);
	for (size_t i = 0; i < sizeof hg_attrs / sizeof hg_attrs[0]; i++)
		hg_suggest_add(&sg, hg_attrs[i].name);
	if (ck->in_where) {
		hg_suggest_add(&sg, "value");
		hg_suggest_add(&sg, "date");
		hg_suggest_add(&sg, "setting");
	}
	char mean[160] = "";
	if (sg.best)
		snprintf(mean, sizeof mean, " (did you mean '%s'?)", sg.best);
	return c_fail(ck, n, "unknown name '%s'%s", n->str, mean);
}

static int c_name(hg_checker *ck, hg_node *n)
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
	if (ck->in_unit) { /* an indicator's own fields come before the pack's names */
		int rc = c_unit_name(ck, n);
		if (rc <= 0)
			return rc;
	}
	for (int i = ck->nlets_visible - 1; i >= 0; i--) {
		const hg_let *l = &pk->lets[i];
		if (strcmp(l->name, n->str))
			continue;
		if (l->set >= 0)
			return c_fail(ck, n,
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
		int f = flag_index(pk, n->str + 5);
		if (f < 0)
			return c_fail(ck, n, "too many flags (at most 64)%s%s", NULL, NULL);
		n->symkind = SYM_ATTR;
		n->sym = A_FLAG + f;
		n->type = TY_BOOL;
		return 0;
	}
	for (int i = ck->nlets_visible; i < pk->nlets; i++)
		if (!strcmp(pk->lets[i].name, n->str))
			return c_fail(ck, n, "'%s' is used before it is defined%s", n->str, NULL);
	if (!ck->in_where && (!strcmp(n->str, "value") || !strcmp(n->str, "setting")))
		return c_fail(ck, n, "'%s' can only be used in a 'where' of an event query%s",
		              n->str, NULL);
	if (!ck->in_unit && c_unit_name(ck, n) <= 0)
		return -1; /* a unit field outside an indicator over units */
	if (!strcmp(n->str, "any"))
		return c_fail(ck, n,
		              "'any' is the codelist of every code, not a value (use it in an "
		              "event query, e.g. count(any in period in setting apc))%s%s",
		              NULL, NULL);
	return c_unknown_name(ck, n);
}

/* ---- codelists ---- */

static int new_set(hg_pack *pk, int op)
{
	HG_GROW(pk->sets, pk->nsets, pk->capsets);
	hg_codeset *s = &pk->sets[pk->nsets];
	memset(s, 0, sizeof *s);
	s->op = op;
	s->l = s->r = -1;
	if (op == HG_CS_LEAF)
		hg_dict_init(&s->codes);
	return pk->nsets++;
}

/* Make set `into` a leaf: a list of codes, in the declaration's system unless it names one. */
static hg_codeset *c_leaf(hg_checker *ck, int into)
{
	hg_codeset *s = &ck->pk->sets[into];
	s->op = HG_CS_LEAF;
	if (!s->codes.slots)
		hg_dict_init(&s->codes);
	if (s->system == HG_CSYS_AUTO)
		s->system = ck->decl_system;
	return s;
}

/* Load a codelist file into leaf `into` (from --codelists DIR when it is there). */
static int c_load_file(hg_checker *ck, const hg_node *n, int into)
{
	hg_pack *pk = ck->pk;
	char path[HG_PATH_MAX];
	int replaced = 0;
	if (strlen(n->str) > HG_ARG_MAX) { /* core/fs.h: paths are never cut short */
		char max[16];
		snprintf(max, sizeof max, "%d", HG_ARG_MAX);
		return c_fail(ck, n, "a codelist path is at most %s bytes%s", max, NULL);
	}
	if (hg_pack_codelist_path(pk, n->str, path, sizeof path, &replaced, ck->err) != 0) {
		char why[HG_ERR_MSG_MAX];
		snprintf(why, sizeof why, "%s", ck->err->msg);
		return c_fail(ck, n, "%s%s", why, NULL);
	}
	hg_codeset *s = c_leaf(ck, into);
	s->file = hg_arena_strdup(&pk->arena, path);
	s->replaced = replaced;
	if (hg_codelist_load(s, NULL, path, ck->err) != 0) {
		char why[HG_ERR_MSG_MAX];
		snprintf(why, sizeof why, "%s", ck->err->msg);
		return c_fail(ck, n, "cannot load codelist: %s%s", why, NULL);
	}
	hg_codeset_finish(s);
	return 0;
}

static void c_codes_literal(hg_checker *ck, const hg_node *n, int into)
{
	hg_codeset *s = c_leaf(ck, into);
	hg_buf b = {0};
	hg_buf_puts(&b, "codes(");
	for (int i = 0; i < n->nargs; i++) {
		hg_dict_intern(&s->codes, n->args[i]->str, strlen(n->args[i]->str), NULL);
		if (i < 3)
			hg_buf_printf(&b, "%s\"%s\"", i ? ", " : "", n->args[i]->str);
	}
	hg_buf_puts(&b, n->nargs > 3 ? ", ...)" : ")");
	s->label = hg_arena_strdup(&ck->pk->arena, hg_buf_cstr(&b));
	hg_buf_free(&b);
	hg_codeset_finish(s);
}

/* "unknown codelist 'x' (did you mean 'y'?)" over the codelists declared so far. */
static int c_unknown_set(hg_checker *ck, const hg_node *n)
{
	hg_suggest sg;
	hg_suggest_init(&sg, n->str);
	hg_suggest_add(&sg, "any");
	for (int i = 0; i < ck->pk->nsets; i++)
		if (ck->pk->sets[i].name && ck->pk->sets[i].built)
			hg_suggest_add(&sg, ck->pk->sets[i].name);
	for (int i = 0; i < ck->pk->nlets; i++)
		if (ck->pk->lets[i].set < 0 && !strcmp(ck->pk->lets[i].name, n->str))
			return c_fail(ck, n, "'%s' is a variable, not a codelist%s", n->str, NULL);
	char mean[160] = "";
	if (sg.best)
		snprintf(mean, sizeof mean, " (did you mean '%s'?)", sg.best);
	return c_fail(ck, n, "unknown codelist '%s'%s", n->str, mean);
}

/* A named codelist (or `any`) as used in an expression: its set index. */
static int c_set_name(hg_checker *ck, const hg_node *n, int *out)
{
	int s = find_set(ck->pk, n->str);
	if (s < 0)
		return c_unknown_set(ck, n);
	if (!ck->pk->sets[s].built)
		return c_fail(ck, n, "codelist '%s' is used before it is defined%s", n->str, NULL);
	*out = s;
	return 0;
}

/* Build codelist expression n into set `into` (fresh, or a declared codelist). */
static int c_codes_into(hg_checker *ck, hg_node *n, int into);

static int c_codes_binary(hg_checker *ck, hg_node *n, int into)
{
	int l = new_set(ck->pk, HG_CS_REF), r = new_set(ck->pk, HG_CS_REF);
	TRY(c_codes_into(ck, n->a, l));
	TRY(c_codes_into(ck, n->b, r));
	hg_codeset *S = ck->pk->sets;
	S[into].op = n->op;
	S[into].l = l;
	S[into].r = r;
	const char *op = n->op == T_PLUS ? "+" : n->op == T_MINUS ? "-" : "&";
	int paren = S[r].op > HG_CS_REF; /* a set operation on the right was in brackets */
	S[into].label = hg_arena_printf(&ck->pk->arena, "%s %s %s%s%s", S[l].label, op,
	                                paren ? "(" : "", S[r].label, paren ? ")" : "");
	return 0;
}

static int c_codes_into(hg_checker *ck, hg_node *n, int into)
{
	hg_pack *pk = ck->pk;
	switch (n->kind) {
	case N_STR:
		TRY(c_load_file(ck, n, into));
		pk->sets[into].label = hg_arena_printf(&pk->arena, "\"%s\"", n->str);
		break;
	case N_CODES:
		c_codes_literal(ck, n, into);
		break;
	case N_NAME:
		if (!strcmp(n->str, "any")) {
			pk->sets[into].op = HG_CS_ANY;
		} else {
			int s;
			TRY(c_set_name(ck, n, &s));
			pk->sets[into].op = HG_CS_REF;
			pk->sets[into].l = s;
		}
		pk->sets[into].label = n->str;
		break;
	case N_BINARY:
		TRY(c_codes_binary(ck, n, into));
		break;
	default:
		return c_fail(ck, n, "expected a codelist expression%s%s", NULL, NULL);
	}
	pk->sets[into].built = 1;
	return 0;
}

/* A codelist expression in a query as a set index (a named set is used as is). */
static int c_codeset(hg_checker *ck, hg_node *n, int *out)
{
	if (n->kind == N_NAME && strcmp(n->str, "any"))
		return c_set_name(ck, n, out);
	int s = new_set(ck->pk, HG_CS_REF);
	ck->pk->sets[s].in_query = 1;
	ck->pk->sets[s].line = n->line;
	ck->pk->sets[s].col = n->col;
	TRY(c_codes_into(ck, n, s));
	*out = s;
	return 0;
}

/* A declared codelist: its expression, or the file that --codelist NAME=FILE gives. */
static int c_codelist_decl(hg_checker *ck, const hg_let *l)
{
	hg_pack *pk = ck->pk;
	hg_codeset *s = &pk->sets[l->set];
	const char *file = hg_pack_codelist_sub(pk, s->name);
	ck->decl_system = s->system;
	int rc = 0;
	if (!file) {
		rc = c_codes_into(ck, l->e, l->set);
	} else {
		s = c_leaf(ck, l->set);
		s->file = file;
		s->replaced = 2;
		if (hg_codelist_load(s, NULL, file, ck->err) != 0) {
			char why[HG_ERR_MSG_MAX];
			snprintf(why, sizeof why, "%s", ck->err->msg);
			rc = hg_lang_error(ck->err, &pk->src, l->line, l->col,
			                   "--codelist %s=%s: cannot load codelist: %s", s->name,
			                   file, why);
		} else {
			hg_codeset_finish(s);
			s->built = 1;
		}
	}
	ck->decl_system = HG_CSYS_AUTO;
	if (file)
		pk->sets[l->set].label = hg_arena_printf(&pk->arena, "\"%s\"", file);
	return rc;
}

/* ---- expressions ---- */

static int c_expr(hg_checker *ck, hg_node *n);

static int c_want(hg_checker *ck, hg_node *n, int type)
{
	TRY(c_expr(ck, n));
	if (n->type == type || n->type == TY_MISSING)
		return 0;
	return c_fail(ck, n, "expected %s here, found %s", type_name(type), type_name(n->type));
}

static int is_cat(int t)
{
	return t == TY_SEX || t == TY_ETH || t == TY_PRACTICE || t == TY_SETTING;
}

/* A string compared with sex, ethnicity or a setting must be one of its values. */
static int c_literal(hg_checker *ck, int type, const hg_node *lit)
{
	char msg[256];
	if (hg_lang_literal_check(type, lit->str, msg, sizeof msg) == 0)
		return 0;
	return c_fail(ck, lit, "%s%s", msg, NULL);
}

/* A segmentation (or a score's bands) is compared, by name, with one of its categories. */
static int c_categ_eq(hg_checker *ck, hg_node *at, hg_node *a, hg_node *b)
{
	hg_node *var = a->type == TY_CATEG ? a : b, *lit = var == a ? b : a;
	if (var->kind != N_NAME || var->symkind != SYM_LET)
		return c_fail(ck, at,
		              "a segmentation is compared by its name with one of its "
		              "categories%s%s",
		              NULL, NULL);
	const hg_let *l = &ck->pk->lets[var->sym];
	if (lit->kind != N_STR)
		return c_fail(ck, at,
		              "'%s' can only be compared with one of its categories' names%s",
		              l->name, NULL);
	hg_suggest sg;
	hg_suggest_init(&sg, lit->str);
	for (int k = 0; k < l->ncat; k++) {
		if (!strcmp(l->cat_names[k], lit->str))
			return 0;
		hg_suggest_add(&sg, l->cat_names[k]);
	}
	char mean[160] = "";
	if (sg.best)
		snprintf(mean, sizeof mean, " (did you mean \"%s\"?)", sg.best);
	return hg_lang_error(ck->err, &ck->pk->src, lit->line, lit->col,
	                     "\"%s\" is not a category of %s%s", lit->str, l->name, mean);
}

/* Types that = and != can compare. */
static int c_eq_types(hg_checker *ck, hg_node *at, hg_node *a, hg_node *b)
{
	int ta = a->type, tb = b->type;
	if (ta == TY_MISSING || tb == TY_MISSING)
		return c_fail(ck, at,
		              "comparing with missing is always missing; use 'is missing'%s%s",
		              NULL, NULL);
	if (ta == TY_CATEG || tb == TY_CATEG)
		return c_categ_eq(ck, at, a, b);
	if (ta == tb && (ta == TY_NUM || ta == TY_DATE || ta == TY_BOOL || is_cat(ta)))
		return 0;
	if (is_cat(ta) && tb == TY_STR && b->kind == N_STR)
		return c_literal(ck, ta, b);
	if (is_cat(tb) && ta == TY_STR && a->kind == N_STR)
		return c_literal(ck, tb, a);
	return c_fail(ck, at, "cannot compare %s with %s", type_name(ta), type_name(tb));
}

static int c_arith(hg_checker *ck, hg_node *n)
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
		                     "cannot apply %s to %s and %s", hg_tok_name(n->op),
		                     type_name(n->a->type), type_name(n->b->type));
	}
	return 0;
}

static int c_binary(hg_checker *ck, hg_node *n)
{
	TRY(c_expr(ck, n->a));
	TRY(c_expr(ck, n->b));
	switch (n->op) {
	case KW_AND:
	case KW_OR:
		if ((n->a->type != TY_BOOL && n->a->type != TY_MISSING))
			return c_fail(ck, n->a, "expected a condition here, found %s%s",
			              type_name(n->a->type), NULL);
		if ((n->b->type != TY_BOOL && n->b->type != TY_MISSING))
			return c_fail(ck, n->b, "expected a condition here, found %s%s",
			              type_name(n->b->type), NULL);
		n->type = TY_BOOL;
		return 0;
	case T_EQ:
	case T_NE:
		n->type = TY_BOOL;
		return c_eq_types(ck, n, n->a, n->b);
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
			                     "cannot order %s and %s%s", type_name(n->a->type),
			                     type_name(n->b->type),
			                     n->op == KW_AFTER || n->op == KW_BEFORE
			                         ? " ('after' and 'before' compare dates)"
			                         : "");
		n->type = TY_BOOL;
		return 0;
	}
	default:
		return c_arith(ck, n);
	}
}

static int c_query(hg_checker *ck, hg_node *q)
{
	TRY(c_codeset(ck, q->a, &q->codeset));
	for (int i = 0; i < q->nquals; i++) {
		hg_qual *u = &q->quals[i];
		if (u->a && u->kind != Q_WHERE && u->kind != Q_PAIRED)
			TRY(c_want(ck, u->a, TY_DATE));
		if (u->b)
			TRY(c_want(ck, u->b, TY_DATE));
		if (u->kind == Q_WHERE) {
			int save = ck->in_where;
			ck->in_where = 1;
			int rc = c_want(ck, u->a, TY_BOOL);
			ck->in_where = save;
			TRY(rc);
		}
		if (u->kind == Q_PAIRED) {
			TRY(c_codeset(ck, u->a, &q->paired));
			q->paired_value = u->unit;
		}
		if (u->kind == Q_LAST && (u->n <= 0 || u->n != floor(u->n)))
			return hg_lang_error(ck->err, &ck->pk->src, u->line, u->col,
			                     "expected a positive whole number of days or months");
	}
	q->type = TY_NONE;
	return 0;
}

static int c_call(hg_checker *ck, hg_node *n)
{
	static const int qret[] = {TY_BOOL, TY_NUM, TY_DATE, TY_DATE, TY_NUM, TY_NUM,
	                           TY_NUM,  TY_NUM, TY_NUM,  TY_NUM,  TY_NUM};
	if (n->sym < F_N_QUERY) {
		if (ck->in_where)
			return c_fail(ck, n, "event queries cannot be nested in 'where'%s%s", NULL,
			              NULL);
		TRY(c_query(ck, n->args[0]));
		n->type = qret[n->sym];
		return 0;
	}
	int want = n->sym == F_MIN || n->sym == F_MAX || n->sym == F_COALESCE ? 2
	           : n->sym == F_YEARS_BETWEEN                                ? 2
	                                                                      : 1;
	if (n->nargs != want) {
		char buf[64];
		snprintf(buf, sizeof buf, "%d argument%s", want, want == 1 ? "" : "s");
		return c_fail(ck, n, "%s() takes %s", n->str, buf);
	}
	for (int i = 0; i < n->nargs; i++)
		TRY(c_expr(ck, n->args[i]));
	switch (n->sym) {
	case F_AGE_AT:
		TRY(c_want(ck, n->args[0], TY_DATE));
		n->type = TY_NUM;
		return 0;
	case F_REGISTERED_AT:
	case F_ALIVE_AT:
		TRY(c_want(ck, n->args[0], TY_DATE));
		n->type = TY_BOOL;
		return 0;
	case F_YEARS_BETWEEN:
		TRY(c_want(ck, n->args[0], TY_DATE));
		TRY(c_want(ck, n->args[1], TY_DATE));
		n->type = TY_NUM;
		return 0;
	case F_ABS:
	case F_ROUND:
	case F_FLOOR:
		TRY(c_want(ck, n->args[0], TY_NUM));
		n->type = TY_NUM;
		return 0;
	default: { /* min, max, coalesce: two of the same type */
		int t = n->args[0]->type == TY_MISSING ? n->args[1]->type : n->args[0]->type;
		if ((n->sym != F_COALESCE && t != TY_NUM && t != TY_DATE) ||
		    (n->args[1]->type != t && n->args[1]->type != TY_MISSING) || is_cat(t) ||
		    t == TY_STR)
			return c_fail(ck, n, "%s() needs two numbers or two dates%s", n->str, NULL);
		n->type = t;
		return 0;
	}
	}
}

static int c_if(hg_checker *ck, hg_node *n)
{
	TRY(c_want(ck, n->a, TY_BOOL));
	TRY(c_expr(ck, n->b));
	TRY(c_expr(ck, n->c));
	int t = n->b->type == TY_MISSING ? n->c->type : n->b->type;
	if ((n->c->type != t && n->c->type != TY_MISSING) || t == TY_STR || is_cat(t))
		return c_fail(ck, n->c, "both branches must have the same type (%s and %s)",
		              type_name(n->b->type), type_name(n->c->type));
	n->type = t;
	return 0;
}

static int c_expr(hg_checker *ck, hg_node *n)
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
		return c_name(ck, n);
	case N_BINARY:
		return c_binary(ck, n);
	case N_UNARY:
		TRY(c_want(ck, n->a, n->op == KW_NOT ? TY_BOOL : TY_NUM));
		n->type = n->op == KW_NOT ? TY_BOOL : TY_NUM;
		return 0;
	case N_IF:
		return c_if(ck, n);
	case N_IN:
		TRY(c_expr(ck, n->a));
		for (int i = 0; i < n->nargs; i++) {
			TRY(c_expr(ck, n->args[i]));
			TRY(c_eq_types(ck, n->args[i], n->a, n->args[i]));
		}
		n->type = TY_BOOL;
		return 0;
	case N_ISMISSING:
		TRY(c_expr(ck, n->a));
		n->type = TY_BOOL;
		return 0;
	case N_CALL:
		return c_call(ck, n);
	default:
		return c_fail(ck, n, "a codelist is not a value here%s%s", NULL, NULL);
	}
}

/* ---- declarations ---- */

static int c_value_type(hg_checker *ck, hg_node *n)
{
	if (n->type == TY_NUM || n->type == TY_DATE || n->type == TY_BOOL)
		return 0;
	return c_fail(ck, n, "a variable must be a number, date or condition, not %s%s",
	              type_name(n->type), NULL);
}

/* A segmentation's conditions; a score's bands need a number (checked with the score). */
static int c_categorical(hg_checker *ck, hg_let *l)
{
	if (l->bands_of >= 0)
		return 0;
	for (int k = 0; k < l->ncat; k++)
		if (l->cat_cond[k])
			TRY(c_want(ck, l->cat_cond[k], TY_BOOL));
	return 0;
}

static int c_lets(hg_checker *ck)
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
		if (!strcmp(l->name, "any"))
			return hg_lang_error(ck->err, &pk->src, l->line, l->col,
			                     "'any' is reserved: it is the codelist of every code; "
			                     "choose another name");
		if (l->set >= 0) {
			TRY(c_codelist_decl(ck, l));
			continue;
		}
		if (l->type == TY_CATEG) {
			TRY(c_categorical(ck, l));
			continue;
		}
		TRY(c_expr(ck, l->e));
		TRY(c_value_type(ck, l->e));
		l->type = l->e->type;
		if (l->title && l->type != TY_NUM) /* a score */
			return c_fail(ck, l->e, "a score must be a number, not %s%s",
			              type_name(l->type), NULL);
	}
	ck->nlets_visible = pk->nlets;
	return 0;
}

static int c_breakdown(hg_checker *ck, hg_breakdown *bd)
{
	/* in the order of enum hg_bd_kind, up to HG_BD_FLAG */
	static const char *const names[] = {"all",
	                                    "imd_quintile",
	                                    "imd_decile",
	                                    "ethnicity",
	                                    "sex",
	                                    "age_band",
	                                    "practice",
	                                    "ethnicity_detailed",
	                                    "pcn",
	                                    "sub_icb",
	                                    "local_authority",
	                                    "msoa",
	                                    "imd_quintile_local"};
	_Static_assert(sizeof names / sizeof *names == HG_BD_FLAG, "a name for every kind");
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
		if (!strcmp(part, "specialty"))
			bd->kind[d] = HG_BD_SPECIALTY;
		if (!strcmp(part, "provider"))
			bd->kind[d] = HG_BD_PROVIDER;
		if (bd->kind[d] < 0 && !strncmp(part, "flag_", 5) && part[5]) {
			bd->kind[d] = HG_BD_FLAG;
			bd->flag[d] = flag_index(ck->pk, part + 5);
		}
		for (int i = 0; bd->kind[d] < 0 && i < ck->pk->nlets; i++) {
			const hg_let *l = &ck->pk->lets[i];
			if (l->type == TY_CATEG && !strcmp(part, l->name)) {
				bd->kind[d] = HG_BD_VAR;
				bd->var[d] = i;
				bd->var_ncat[d] = l->ncat;
				bd->var_names[d] = l->cat_names;
				/* a segmentation that ends with `otherwise` always has a value */
				bd->var_unknown[d] = l->bands_of >= 0 || l->cat_cond[l->ncat - 1];
			}
		}
		if (bd->kind[d] < 0 || bd->kind[d] == HG_BD_ALL) {
			hg_suggest sg;
			hg_suggest_init(&sg, part);
			for (int k = 1; k < HG_BD_FLAG; k++)
				hg_suggest_add(&sg, names[k]);
			for (int i = 0; i < ck->pk->nlets; i++)
				if (ck->pk->lets[i].type == TY_CATEG)
					hg_suggest_add(&sg, ck->pk->lets[i].name);
			for (int i = 0; i < ck->pk->nlets; i++) { /* a score: its bands */
				const hg_let *l = &ck->pk->lets[i];
				if (l->bands_of >= 0 &&
				    !strcmp(ck->pk->lets[l->bands_of].name, part))
					sg.best = l->name;
			}
			char mean[160] = "";
			if (sg.best)
				snprintf(mean, sizeof mean, "did you mean '%s'? ", sg.best);
			return hg_lang_error(
			    ck->err, &ck->pk->src, bd->line, bd->col,
			    "unknown breakdown '%s' (%sexpected imd_quintile, "
			    "imd_decile, ethnicity, ethnicity_detailed, sex, age_band, practice, "
			    "pcn, sub_icb, local_authority, msoa, imd_quintile_local, "
			    "flag_NAME, a segmentation or a score's NAME_category; over "
			    "pathways or appointments also specialty and provider)",
			    part, mean);
		}
	}
	return 0;
}

static int c_need(hg_checker *ck, hg_ind_src *ind, hg_node *e, const char *what, int bool_only)
{
	if (!e)
		return hg_lang_error(ck->err, &ck->pk->src, ind->line, ind->col,
		                     "indicator %s needs '%s:'", ind->pub.id, what);
	TRY(c_expr(ck, e));
	if (e->type == TY_BOOL || (!bool_only && e->type == TY_NUM))
		return 0;
	return c_fail(ck, e, "%s: expected %s", what,
	              bool_only ? "a condition (true/false)" : "a number or a condition");
}

/* ---- event indicators: rate, dsr, life_expectancy ---- */

static int is_event_type(int t)
{
	return t == HG_IND_RATE || t == HG_IND_DSR || t == HG_IND_LE;
}

/*
 * The first node of e (or of a let it reads) that only makes sense for a
 * period, or NULL. A population is evaluated as at one date (mid-period, or
 * an event's date), so it cannot speak of the period. seen: per let, visited.
 */
static const hg_node *period_bound(const hg_pack *pk, const hg_node *e, char *seen)
{
	if (!e)
		return NULL;
	if (e->kind == N_NAME && e->symkind == SYM_ATTR &&
	    (e->sym == A_PERIOD_START || e->sym == A_PERIOD_END || e->sym == A_PERIOD_MID ||
	     e->sym == A_DIED_IN_PERIOD))
		return e;
	if (e->kind == N_NAME && e->symkind == SYM_LET && !seen[e->sym]) {
		seen[e->sym] = 1;
		const hg_node *u = period_bound(pk, pk->lets[e->sym].e, seen);
		return u ? e : NULL; /* point at the use in this expression */
	}
	const hg_node *sub[3] = {e->a, e->b, e->c};
	for (int i = 0; i < 3; i++) {
		const hg_node *u = period_bound(pk, sub[i], seen);
		if (u)
			return u;
	}
	for (int i = 0; i < e->nargs; i++) {
		const hg_node *u = period_bound(pk, e->args[i], seen);
		if (u)
			return u;
	}
	for (int i = 0; i < e->nquals; i++) {
		if (e->quals[i].kind == Q_PERIOD)
			return e;
		const hg_node *u = period_bound(pk, e->quals[i].a, seen);
		if (!u)
			u = period_bound(pk, e->quals[i].b, seen);
		if (u)
			return u;
	}
	return NULL;
}

/* The first name in a `where` of `events:` that is not a field of the event. */
static const hg_node *personal_name(const hg_node *e)
{
	if (!e)
		return NULL;
	if (e->kind == N_NAME && e->symkind != SYM_EVENT)
		return e;
	const hg_node *sub[3] = {e->a, e->b, e->c};
	for (int i = 0; i < 3; i++)
		if (sub[i] && personal_name(sub[i]))
			return personal_name(sub[i]);
	for (int i = 0; i < e->nargs; i++)
		if (personal_name(e->args[i]))
			return personal_name(e->args[i]);
	return NULL;
}

static int c_population(hg_checker *ck, hg_ind_src *ind)
{
	hg_pack *pk = ck->pk;
	if (!ind->pop)
		return hg_lang_error(
		    ck->err, &pk->src, ind->line, ind->col,
		    "indicator %s needs 'population:', the condition a person "
		    "meets to be in the population (e.g. 'population: registered')",
		    ind->pub.id);
	TRY(c_want(ck, ind->pop, TY_BOOL));
	char *seen = hg_xcalloc((size_t)pk->nlets + 1, 1);
	const hg_node *u = period_bound(pk, ind->pop, seen);
	free(seen);
	if (u)
		return c_fail(ck, u,
		              "population: is evaluated as at one date (mid-period for the "
		              "denominator, each event's date for the numerator), so it cannot "
		              "use%s%s the period (period_start, period_end, period_mid, "
		              "died_in_period, 'in period')",
		              u->kind == N_NAME && u->symkind == SYM_LET ? " a variable that uses"
		                                                         : "",
		              NULL);
	return 0;
}

static int c_events(hg_checker *ck, hg_ind_src *ind)
{
	hg_pack *pk = ck->pk;
	if (ind->num)
		return c_fail(ck, ind->num,
		              "a %s counts events, not people: write 'events: CODELIST "
		              "[qualifiers]' or 'events: deaths' with 'population: CONDITION' "
		              "instead of 'numerator:' (docs/language.md, \"Event rates\")",
		              hg_ind_type_names[ind->pub.type], NULL);
	if (ind->pub.events == HG_EV_NONE)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s needs 'events:' (what its numerator counts: "
		                     "'events: deaths' or 'events: CODELIST [qualifiers]')",
		                     ind->pub.id);
	if (ind->pub.type == HG_IND_LE && ind->pub.events != HG_EV_DEATHS)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s: life expectancy counts 'events: deaths'",
		                     ind->pub.id);
	if (!ind->ev)
		return 0;
	TRY(c_query(ck, ind->ev));
	for (int i = 0; i < ind->ev->nquals; i++) {
		const hg_qual *u = &ind->ev->quals[i];
		if (u->kind == Q_SETTING || u->kind == Q_PAIRED)
			continue;
		if (u->kind == Q_WHERE) {
			const hg_node *nm = personal_name(u->a);
			if (nm)
				return c_fail(
				    ck, nm,
				    "in 'events:', 'where' may use only the event's value, "
				    "date and setting, not '%s' (conditions on the person "
				    "go in 'population:', which is checked on the event's "
				    "date)%s",
				    nm->str, NULL);
			continue;
		}
		return hg_lang_error(ck->err, &pk->src, u->line, u->col,
		                     "'events:' counts the events dated in the period: remove this "
		                     "date qualifier");
	}
	return 0;
}

/* denominator: mid_period (the default), person_time (rates) or residents */
static int c_rate_den(hg_checker *ck, hg_ind_src *ind)
{
	if (!ind->den)
		return 0;
	const hg_node *d = ind->den;
	int ok =
	    d->kind == N_NAME && (!strcmp(d->str, "mid_period") || !strcmp(d->str, "residents") ||
	                          (!strcmp(d->str, "person_time") && ind->pub.type == HG_IND_RATE));
	if (!ok)
		return c_fail(ck, d,
		              "the denominator of a %s is the population at mid-period "
		              "('denominator: mid_period', the default)%s or the area's residents "
		              "('denominator: residents', with run --population FILE); who is in "
		              "the population is said by 'population:'",
		              hg_ind_type_names[ind->pub.type],
		              ind->pub.type == HG_IND_RATE
		                  ? ", the years spent in it ('denominator: person_time')"
		                  : "");
	ind->pub.pop = !strcmp(d->str, "person_time") ? HG_POP_PERSON_TIME
	               : !strcmp(d->str, "residents") ? HG_POP_RESIDENTS
	                                              : HG_POP_MID;
	return 0;
}

/*
 * denominator: residents. The population is everyone living in the area (the ONS
 * estimate), so the pack gives no 'population:'; the numerator's people must be alive
 * on the event's date (their LSOA on it in the area is the engine's test), so the
 * population is `alive`, made here as if written.
 */
static int c_residents_pop(hg_checker *ck, hg_ind_src *ind)
{
	if (ind->pop)
		return c_fail(ck, ind->pop,
		              "with 'denominator: residents' the population is everyone living in "
		              "the area (the ONS estimates of run --population): remove "
		              "'population:' (choose ages with 'ages A to B')%s%s",
		              NULL, NULL);
	hg_node *n = hg_arena_calloc(&ck->pk->arena, sizeof *n);
	n->kind = N_NAME;
	n->str = "alive";
	n->line = ind->line;
	n->col = ind->col;
	n->sym = n->codeset = n->paired = -1;
	ind->pop = n;
	return 0;
}

/* The breakdowns a residents denominator has: those of an LSOA, sex and age. */
static int residents_kind(int kind)
{
	return kind == HG_BD_IMDQ || kind == HG_BD_IMDD || kind == HG_BD_IMDQ_LOCAL ||
	       kind == HG_BD_LA || kind == HG_BD_MSOA || kind == HG_BD_SEX || kind == HG_BD_AGEBAND;
}

static int c_residents_bd(hg_checker *ck, const hg_ind_src *ind, const hg_breakdown *bd)
{
	for (int d = 0; d < bd->n; d++)
		if (!residents_kind(bd->kind[d]))
			return hg_lang_error(
			    ck->err, &ck->pk->src, bd->line, bd->col,
			    "indicator %s: a residents denominator is known only by LSOA, sex and "
			    "age (the ONS estimates), so it cannot be broken down by '%s'%s; use "
			    "imd_quintile, imd_decile, imd_quintile_local, local_authority, msoa, "
			    "sex or age_band, or 'denominator: mid_period' for the registered list",
			    ind->pub.id, bd->name,
			    bd->kind[d] == HG_BD_SUBICB
			        ? " (a practice's place, from practices.csv: healthgap has no "
			          "LSOA to sub-ICB lookup, so a resident's sub-ICB is not known)"
			    : bd->kind[d] == HG_BD_PCN || bd->kind[d] == HG_BD_PRACTICE
			        ? " (a practice's place, not an LSOA's)"
			        : "");
	return 0;
}

/* ONS estimates count ages 90 and over as one group: `ages` cannot cut it. */
static int c_residents_ages(hg_checker *ck, const hg_ind_src *ind)
{
	const hg_indicator *p = &ind->pub;
	if (p->age_lo > 90 || (p->age_hi >= 90 && p->age_hi < HG_AGE_MAX))
		return hg_lang_error(ck->err, &ck->pk->src, ind->ages_line, ind->ages_col,
		                     "indicator %s: the ONS estimates count ages 90 and over as "
		                     "one group, so a residents denominator's ages start at 90 "
		                     "at most and end below 90 or at %d (no upper limit)",
		                     p->id, HG_AGE_MAX);
	return 0;
}

static int c_ages(hg_checker *ck, hg_ind_src *ind)
{
	const hg_indicator *p = &ind->pub;
	if (!ind->ages_line)
		return 0;
	if (!is_event_type(p->type) || p->type == HG_IND_LE)
		return hg_lang_error(ck->err, &ck->pk->src, ind->ages_line, ind->ages_col,
		                     "'ages' is for rate and dsr indicators (elsewhere write the "
		                     "age condition, e.g. 'age >= 18')");
	if (p->type == HG_IND_DSR &&
	    (p->age_lo % 5 || (p->age_hi != HG_AGE_MAX && p->age_hi < 90 && (p->age_hi + 1) % 5) ||
	     p->age_lo >= 90))
		return hg_lang_error(ck->err, &ck->pk->src, ind->ages_line, ind->ages_col,
		                     "a dsr's ages must cover whole standard-population bands "
		                     "(0-4, 5-9, ..., 85-89, 90+), e.g. 'ages 0 to 74' or 'ages 35 "
		                     "to %d'",
		                     HG_AGE_MAX);
	return 0;
}

static int c_event_ind(hg_checker *ck, hg_ind_src *ind)
{
	TRY(c_events(ck, ind));
	TRY(c_rate_den(ck, ind));
	if (ind->pub.pop == HG_POP_RESIDENTS) {
		TRY(c_residents_pop(ck, ind));
		TRY(c_residents_ages(ck, ind));
	}
	TRY(c_population(ck, ind));
	return c_ages(ck, ind);
}

static int c_person_ind(hg_checker *ck, hg_ind_src *ind)
{
	hg_pack *pk = ck->pk;
	int t = ind->pub.type;
	if (ind->pop || ind->pub.events || ind->ages_line)
		return hg_lang_error(
		    ck->err, &pk->src, ind->line, ind->col,
		    "indicator %s: 'population:', 'events:' and 'ages' are for rate, dsr and "
		    "life_expectancy indicators; a %s counts people with 'numerator:' and "
		    "'denominator:'",
		    ind->pub.id, hg_ind_type_names[t]);
	if (t == HG_IND_MEAN || t == HG_IND_PERCENTILE) {
		TRY(c_need(ck, ind, ind->val, "value", 0));
		if (ind->val->type != TY_NUM)
			return c_fail(ck, ind->val, "value: expected a number%s%s", NULL, NULL);
	} else {
		TRY(c_need(ck, ind, ind->num, "numerator", t == HG_IND_PROPORTION));
	}
	if (ind->den || t == HG_IND_PROPORTION)
		TRY(c_need(ck, ind, ind->den, "denominator", 1));
	return 0;
}

/* A transitions indicator's segmentation: a categorical let. */
static int c_trans_var(hg_checker *ck, hg_ind_src *ind, int *var)
{
	hg_pack *pk = ck->pk;
	hg_suggest sg;
	hg_suggest_init(&sg, ind->trans_name);
	for (int i = 0; i < pk->nlets; i++) {
		const hg_let *l = &pk->lets[i];
		if (l->type != TY_CATEG)
			continue;
		if (!strcmp(l->name, ind->trans_name)) {
			*var = i;
			return 0;
		}
		hg_suggest_add(&sg, l->name);
	}
	char mean[160] = "";
	if (sg.best)
		snprintf(mean, sizeof mean, " (did you mean '%s'?)", sg.best);
	return hg_lang_error(ck->err, &pk->src, ind->trans_line, ind->trans_col,
	                     "'%s' is not a segmentation or a score's bands declared before "
	                     "this indicator%s",
	                     ind->trans_name, mean);
}

/* The flow dimension of segmentation let l. */
static void trans_dim(hg_breakdown *bd, int d, const hg_let *l, int var)
{
	bd->kind[d] = HG_BD_TRANS;
	bd->var[d] = var;
	bd->var_ncat[d] = l->ncat;
	bd->var_names[d] = l->cat_names;
	bd->var_unknown[d] = l->bands_of >= 0 || l->cat_cond[l->ncat - 1];
}

/*
 * transitions of NAME: population: CONDITION, by one-way person breakdowns. The
 * breakdowns become: all, transition, and for each B written, B and B x transition.
 */
static int c_trans_ind(hg_checker *ck, hg_ind_src *ind)
{
	hg_pack *pk = ck->pk;
	hg_indicator *p = &ind->pub;
	if (ind->num || ind->den || ind->val || p->events || ind->ages_line)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s: a transitions indicator counts the people in "
		                     "'population:' by where they move; it takes no numerator:, "
		                     "denominator:, value:, events: or ages",
		                     p->id);
	TRY(c_population(ck, ind));
	int var = -1;
	TRY(c_trans_var(ck, ind, &var));
	int nb = p->nbds - 1;
	if (nb > 31)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s: at most 31 breakdowns for transitions", p->id);
	hg_breakdown *bds = hg_arena_calloc(&pk->arena, sizeof *bds * (size_t)(2 * nb + 2));
	bds[0] = p->bds[0];
	bds[1].n = 1;
	snprintf(bds[1].name, sizeof bds[1].name, "transition");
	trans_dim(&bds[1], 0, &pk->lets[var], var);
	for (int b = 1; b <= nb; b++) {
		hg_breakdown *u = &p->bds[b];
		TRY(c_breakdown(ck, u));
		if (u->n != 1 || u->kind[0] == HG_BD_VAR)
			return hg_lang_error(ck->err, &pk->src, u->line, u->col,
			                     "transitions are broken down by one person attribute "
			                     "at a time (imd_quintile, imd_decile, ethnicity, sex, "
			                     "age_band, practice or flag_NAME), not '%s'",
			                     u->name);
		hg_breakdown *x = &bds[2 * b];
		*x = *u;
		bds[2 * b + 1] = *u;
		x = &bds[2 * b + 1];
		x->n = 2;
		trans_dim(x, 1, &pk->lets[var], var);
		snprintf(x->name, sizeof x->name, "%.100s x transition", u->name);
	}
	p->bds = bds;
	p->nbds = 2 * nb + 2;
	return 0;
}

/* `over` goes with proportion, count, mean and percentile; a percentile needs it. */
static int c_unit_kind(hg_checker *ck, hg_ind_src *ind)
{
	const hg_indicator *p = &ind->pub;
	int t = p->type;
	if (p->unit && (p->trans || is_event_type(t)))
		return hg_lang_error(
		    ck->err, &ck->pk->src, ind->line, ind->col,
		    "indicator %s: 'over pathways' and 'over appointments' go with "
		    "proportion, count, mean or percentile, not %s",
		    p->id, p->trans ? "transitions" : hg_ind_type_names[t]);
	if (t == HG_IND_PERCENTILE && !p->unit)
		return hg_lang_error(ck->err, &ck->pk->src, ind->line, ind->col,
		                     "indicator %s: a percentile is taken over pathways or "
		                     "appointments: add 'over pathways' (or 'over appointments')",
		                     p->id);
	return 0;
}

/* specialty and provider are fields of a pathway or appointment: only over them. */
static int c_unit_breakdown(hg_checker *ck, const hg_ind_src *ind, const hg_breakdown *bd)
{
	for (int d = 0; d < bd->n; d++)
		if ((bd->kind[d] == HG_BD_SPECIALTY || bd->kind[d] == HG_BD_PROVIDER) &&
		    !ind->pub.unit)
			return hg_lang_error(ck->err, &ck->pk->src, bd->line, bd->col,
			                     "indicator %s: '%s' breaks down pathways or "
			                     "appointments; add 'over pathways' or 'over "
			                     "appointments' to count them",
			                     ind->pub.id, bd->name);
	return 0;
}

static int c_indicator(hg_checker *ck, hg_ind_src *ind)
{
	hg_pack *pk = ck->pk;
	hg_indicator *p = &ind->pub;
	if (p->type < 0)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s needs a type: proportion, rate, dsr, mean, "
		                     "count, life_expectancy or percentile",
		                     p->id);
	TRY(c_unit_kind(ck, ind));
	if (p->trans)
		TRY(c_trans_ind(ck, ind));
	else if (is_event_type(p->type))
		TRY(c_event_ind(ck, ind));
	else {
		ck->in_unit = p->unit;
		int rc = c_person_ind(ck, ind);
		ck->in_unit = HG_UNIT_PERSON;
		TRY(rc);
	}
	for (int b = 1; b < p->nbds && !p->trans; b++) {
		TRY(c_breakdown(ck, &p->bds[b]));
		TRY(c_unit_breakdown(ck, ind, &p->bds[b]));
		if (p->pop == HG_POP_RESIDENTS)
			TRY(c_residents_bd(ck, ind, &p->bds[b]));
	}
	const hg_period_spec *sp = ind->ps.set ? &ind->ps : &pk->periods;
	if (!sp->set)
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s has no periods (add 'periods quarterly from "
		                     "... to ...' to it or at the top of the file)",
		                     p->id);
	if (hg_period_expand(sp, &pk->arena, &p->periods, &p->nperiods) != 0) {
		char d1[11], d2[11];
		return hg_lang_error(ck->err, &pk->src, ind->line, ind->col,
		                     "indicator %s has more than %d periods (from %s to %s), the "
		                     "most one indicator may have: check the 'periods' dates",
		                     p->id, HG_PERIODS_MAX, hg_date_format(sp->from, d1),
		                     hg_date_format(sp->to, d2));
	}
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

/* ---- worklists ---- */

/* A worklist expression: checked, and as at one date (no period). */
static int c_wl_expr(hg_checker *ck, hg_node *e, const char *what)
{
	TRY(c_expr(ck, e));
	char *seen = hg_xcalloc((size_t)ck->pk->nlets + 1, 1);
	const hg_node *u = period_bound(ck->pk, e, seen);
	free(seen);
	if (u)
		return c_fail(ck, u,
		              "a worklist is drawn up as at one date, so its %s cannot use%s the "
		              "period (period_start, period_end, period_mid, died_in_period, 'in "
		              "period'): use 'in last N months'",
		              what,
		              u->kind == N_NAME && u->symkind == SYM_LET ? " a variable that uses"
		                                                         : "");
	return 0;
}

static int c_wl_prio(hg_checker *ck, hg_wl_src *w)
{
	hg_pack *pk = ck->pk;
	if (!w->prio_name)
		return 0;
	for (int i = 0; i < pk->nlets; i++) {
		const hg_let *l = &pk->lets[i];
		if (l->type != TY_CATEG || strcmp(l->name, w->prio_name))
			continue;
		int unknown = l->bands_of >= 0 || l->cat_cond[l->ncat - 1];
		const char **names =
		    hg_arena_calloc(&pk->arena, sizeof *names * (size_t)(l->ncat + 2));
		for (int k = 0; k < l->ncat; k++)
			names[k] = l->cat_names[k];
		if (unknown)
			names[l->ncat] = "Other";
		w->pub.prio = i;
		w->pub.nprio = l->ncat + unknown;
		w->pub.prio_names = names;
		return 0;
	}
	return hg_lang_error(ck->err, &pk->src, w->prio_line, w->prio_col,
	                     "'%s' is not a segmentation or a score's bands: a worklist's priority "
	                     "groups are a segmentation's segments, in order",
	                     w->prio_name);
}

/* What a column shows, from its expression's type. */
static int c_wl_column(hg_checker *ck, hg_wl_src *w, int k)
{
	hg_node *e = w->column_e[k];
	TRY(c_wl_expr(ck, e, "column"));
	hg_worklist *p = &w->pub;
	switch (e->type) {
	case TY_NUM:
	case TY_MISSING:
		p->column_show[k] = HG_WL_NUMBER;
		return 0;
	case TY_DATE:
		p->column_show[k] = HG_WL_DATE;
		return 0;
	case TY_BOOL:
		p->column_show[k] = HG_WL_YESNO;
		return 0;
	case TY_CATEG: {
		if (e->kind != N_NAME || e->symkind != SYM_LET)
			break;
		const hg_let *l = &ck->pk->lets[e->sym];
		p->column_show[k] = HG_WL_CATEGORY;
		p->column_names[k] = l->cat_names;
		p->column_ncat[k] = l->ncat;
		return 0;
	}
	default:
		break;
	}
	return c_fail(ck, e,
	              "a worklist column shows a number, a date, a condition or a segmentation's "
	              "category, not %s%s",
	              type_name(e->type), NULL);
}

static int c_wl_parts(hg_checker *ck, hg_wl_src *w)
{
	hg_pack *pk = ck->pk;
	hg_worklist *p = &w->pub;
	if (!w->who)
		return hg_lang_error(
		    ck->err, &pk->src, w->line, w->col,
		    "worklist %s needs 'who:', the condition that puts a person on "
		    "it",
		    p->id);
	TRY(c_wl_expr(ck, w->who, "'who:'"));
	TRY(c_want(ck, w->who, TY_BOOL));
	TRY(c_wl_prio(ck, w));
	for (int k = 0; k < p->nreasons; k++) {
		TRY(c_wl_expr(ck, w->reason_e[k], "reason"));
		TRY(c_want(ck, w->reason_e[k], TY_BOOL));
	}
	size_t nc = (size_t)p->ncolumns + 1;
	p->column_show = hg_arena_calloc(&pk->arena, sizeof(int) * nc);
	p->column_names = hg_arena_calloc(&pk->arena, sizeof(char **) * nc);
	p->column_ncat = hg_arena_calloc(&pk->arena, sizeof(int) * nc);
	for (int k = 0; k < p->ncolumns; k++)
		TRY(c_wl_column(ck, w, k));
	for (int k = 0; k < p->norder; k++) {
		hg_node *e = w->order_e[k];
		if (!e)
			continue;
		TRY(c_wl_expr(ck, e, "order"));
		if (e->type != TY_NUM && e->type != TY_DATE && e->type != TY_BOOL)
			return c_fail(
			    ck, e,
			    "a worklist is ordered by numbers, dates or conditions, not %s%s",
			    type_name(e->type), NULL);
	}
	return 0;
}

/* The worklist's aggregate: a count of the people on it, by priority group, practice,
 * deprivation and ethnicity (docs/language.md "Worklists"). */
static int wl_indicator(hg_checker *ck, hg_wl_src *w)
{
	hg_pack *pk = ck->pk;
	const char *pn = w->prio_name;
	const char *one[] = {"practice", "imd_quintile", "ethnicity"};
	const char *with[] = {"%s",           "practice",          "practice x %s",
	                      "imd_quintile", "imd_quintile x %s", "ethnicity"};
	int n = pn ? 6 : 3;
	HG_GROW(pk->inds, pk->ninds, pk->capinds);
	hg_ind_src *ind = &pk->inds[pk->ninds];
	memset(ind, 0, sizeof *ind);
	ind->pub.id = w->pub.id;
	ind->pub.name = w->pub.title;
	ind->pub.type = HG_IND_COUNT;
	ind->pub.per = 1;
	ind->pub.age_hi = HG_AGE_MAX;
	ind->pub.source = w->pub.source;
	ind->pub.note = w->pub.note;
	ind->num = w->who;
	ind->line = w->line;
	ind->col = w->col;
	ind->ps = w->ps;
	hg_breakdown *bds = hg_arena_calloc(&pk->arena, sizeof *bds * (size_t)(n + 1));
	snprintf(bds[0].name, sizeof bds[0].name, "all");
	for (int b = 0; b < n; b++) {
		const char *f = pn ? with[b] : one[b];
		snprintf(bds[b + 1].name, sizeof bds[b + 1].name, f, pn);
		bds[b + 1].n = strstr(bds[b + 1].name, " x ") ? 2 : 1;
		bds[b + 1].line = w->line;
		bds[b + 1].col = w->col;
	}
	ind->pub.bds = bds;
	ind->pub.nbds = n + 1;
	w->pub.ind = pk->ninds++;
	return 0;
}

/* Every id after `closes:` is an indicator of the pack (the worklists' own included). */
static int c_wl_closes(hg_checker *ck, const hg_wl_src *w)
{
	const hg_pack *pk = ck->pk;
	for (int k = 0; k < w->pub.ncloses; k++) {
		int found = 0;
		for (int i = 0; i < pk->ninds && !found; i++)
			found = !strcmp(pk->inds[i].pub.id, w->pub.closes[k]);
		if (!found)
			return hg_lang_error(
			    ck->err, &pk->src, w->closes_line[k], w->closes_col[k],
			    "'%s' after 'closes:' is not an indicator of this pack",
			    w->pub.closes[k]);
	}
	return 0;
}

/* The pack's distinct periods (each person is evaluated in each): at most
 * HG_PACK_PERIODS_MAX, counted as the compiler numbers them. */
static int c_pack_periods(hg_checker *ck)
{
	const hg_pack *pk = ck->pk;
	int n = 0;
	for (int i = 0; i < pk->ninds; i++)
		n += pk->inds[i].pub.nperiods;
	hg_period *all = hg_xmalloc(sizeof *all * (size_t)(n + 1));
	hg_period *uniq = hg_xmalloc(sizeof *uniq * (size_t)(n + 1));
	int *ix = hg_xmalloc(sizeof *ix * (size_t)(n + 1));
	n = 0;
	for (int i = 0; i < pk->ninds; i++)
		for (int j = 0; j < pk->inds[i].pub.nperiods; j++)
			all[n++] = pk->inds[i].pub.periods[j];
	int distinct = hg_periods_number(all, n, ix, uniq);
	free(all);
	free(uniq);
	free(ix);
	if (distinct > HG_PACK_PERIODS_MAX)
		return hg_err_set(
		    ck->err, HG_EINPUT,
		    "%s: the indicators have %d distinct periods together; a pack may "
		    "have at most %d: give indicators the same periods, or split the "
		    "pack",
		    pk->src.name, distinct, HG_PACK_PERIODS_MAX);
	return 0;
}

int hg_check_pack(hg_pack *pk, hg_err *err)
{
	hg_checker ck = {.pk = pk, .err = err};
	TRY(c_lets(&ck));
	for (int i = 0; i < pk->nwls; i++) {
		TRY(c_wl_parts(&ck, &pk->wls[i]));
		TRY(wl_indicator(&ck, &pk->wls[i]));
	}
	for (int i = 0; i < pk->ninds; i++)
		TRY(c_indicator(&ck, &pk->inds[i]));
	for (int i = 0; i < pk->nwls; i++)
		TRY(c_wl_closes(&ck, &pk->wls[i]));
	TRY(c_pack_periods(&ck));
	if (pk->ninds == 0)
		return hg_err_set(err, HG_EINPUT, "%s: no indicators defined", pk->src.name);
	return 0;
}
