/*
 * parser.c: recursive-descent parser from tokens to the syntax tree of a
 * pack (declarations: codelist, let, periods, indicator). The grammar is in
 * docs/language.md. Newlines are not significant: each clause of an
 * indicator starts with a keyword that cannot continue an expression.
 */
#include "lang/ast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hg_parser {
	hg_pack *pk;
	hg_lexer lx;
	hg_tok t; /* current token */
	hg_err *err;
	int depth;
	hg_period_spec *fdef; /* per file (include): its top-level periods */
	int nfiles;
} hg_parser;

/* The file (0: the pack's own, else an included one) that line came from. */
static int file_of(const hg_parser *ps, int line)
{
	const hg_src_part *part = hg_src_part_of(&ps->pk->src, line);
	return part ? part->file : 0;
}

/* The default periods for a declaration on line: its file's top-level `periods`, else
 * the one in force where that file is included, and so on up. */
static const hg_period_spec *p_default(const hg_parser *ps, int line)
{
	const hg_src *src = &ps->pk->src;
	for (int f = file_of(ps, line); f >= 0;) {
		if (ps->fdef[f].set)
			return &ps->fdef[f];
		int parent = -1;
		for (int i = 0; i < src->nparts; i++)
			if (src->parts[i].file == f)
				parent = src->parts[i].parent;
		f = parent;
	}
	return NULL;
}

/* Is the token at hand in the same file as line (a declaration never runs on into an
 * included file, nor back out of one)? */
static int same_file(const hg_parser *ps, int line)
{
	return ps->t.kind == T_EOF || file_of(ps, ps->t.line) == file_of(ps, line);
}

static int p_next(hg_parser *ps)
{
	return hg_lex_next(&ps->lx, &ps->t, ps->err);
}

static int p_is(const hg_parser *ps, const char *kw)
{
	return ps->t.kind == T_IDENT && strlen(kw) == ps->t.n && !memcmp(ps->t.p, kw, ps->t.n);
}

/* The token after the current one, without consuming anything. */
static hg_tok p_peek(hg_parser *ps)
{
	hg_lexer save = ps->lx;
	hg_tok t;
	hg_err e;
	if (hg_lex_next(&ps->lx, &t, &e) != 0)
		t.kind = T_EOF;
	ps->lx = save;
	return t;
}

static int p_fail(hg_parser *ps, const char *what)
{
	const hg_tok *t = &ps->t;
	if (t->kind == T_EOF)
		return hg_lang_error(ps->err, &ps->pk->src, t->line, t->col,
		                     "expected %s, found end of file", what);
	return hg_lang_error(ps->err, &ps->pk->src, t->line, t->col, "expected %s, found '%.*s'",
	                     what, (int)(t->n > 40 ? 40 : t->n), t->p);
}

static int p_expect(hg_parser *ps, int kind, const char *what)
{
	if (ps->t.kind != kind)
		return p_fail(ps, what);
	return p_next(ps);
}

static int p_expect_kw(hg_parser *ps, const char *kw)
{
	if (!p_is(ps, kw)) {
		char what[64];
		snprintf(what, sizeof what, "'%s'", kw);
		return p_fail(ps, what);
	}
	return p_next(ps);
}

static hg_node *p_node(hg_parser *ps, int kind)
{
	hg_node *n = hg_arena_calloc(&ps->pk->arena, sizeof *n);
	n->kind = kind;
	n->line = ps->t.line;
	n->col = ps->t.col;
	n->sym = -1;
	n->codeset = -1;
	n->paired = -1;
	return n;
}

static const char *p_ident(hg_parser *ps)
{
	return hg_arena_strndup(&ps->pk->arena, ps->t.p, ps->t.n);
}

/* String literal without quotes, escapes resolved. */
static const char *p_string(hg_parser *ps)
{
	const char *s = ps->t.p + 1;
	size_t n = ps->t.n - 2;
	char *out = hg_arena_alloc(&ps->pk->arena, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		out[j++] = s[i];
	}
	out[j] = 0;
	return out;
}

/*
 * A date literal (the current T_DATE token) from 1900-01-01: no store holds
 * an earlier date (ingest refuses them), and periods from year 1 ran to
 * 24,000 months of empty rows.
 */
static int p_date_ok(hg_parser *ps)
{
	if (ps->t.date >= hg_date_from_ymd(1900, 1, 1))
		return 0;
	char buf[11];
	return hg_lang_error(ps->err, &ps->pk->src, ps->t.line, ps->t.col,
	                     "date %s is before 1900-01-01, the earliest date a store holds",
	                     hg_date_format(ps->t.date, buf));
}

static const char *const reserved[] = {
    "and",         "or",       "not",          "if",          "then",     "else",      "in",
    "is",          "missing",  "true",         "false",       "codelist", "let",       "indicator",
    "periods",     "by",       "numerator",    "denominator", "source",   "note",      "population",
    "between",     "events",   "segmentation", "score",       "segment",  "otherwise", "band",
    "transitions", "worklist", "who",          "reason",      "column",   NULL};

static int p_reserved(const hg_parser *ps)
{
	for (int i = 0; reserved[i]; i++)
		if (p_is(ps, reserved[i]))
			return 1;
	return 0;
}

static hg_node *p_expr(hg_parser *ps);
static hg_node *p_add(hg_parser *ps);

/* ---- codelist expressions ---- */

static hg_node *p_codeexpr(hg_parser *ps);

static hg_node *p_codeterm(hg_parser *ps)
{
	hg_node *n;
	if (ps->t.kind == T_STRING) {
		n = p_node(ps, N_STR);
		n->str = p_string(ps);
		const hg_src_part *part = hg_src_part_of(&ps->pk->src, n->line);
		if (part && part->dir && n->str[0] != '/') { /* relative to the included file */
			char *full =
			    hg_arena_alloc(&ps->pk->arena, strlen(part->dir) + strlen(n->str) + 2);
			sprintf(full, "%s/%s", part->dir, n->str);
			n->str = full;
		}
		TRYN(p_next(ps));
		return n;
	}
	if (ps->t.kind == T_LPAREN) {
		TRYN(p_next(ps));
		n = p_codeexpr(ps);
		if (!n || p_expect(ps, T_RPAREN, "')'"))
			return NULL;
		return n;
	}
	if (p_is(ps, "codes")) {
		n = p_node(ps, N_CODES);
		TRYN(p_next(ps));
		TRYN(p_expect(ps, T_LPAREN, "'(' after codes"));
		hg_node **args = NULL;
		int na = 0;
		for (;;) {
			if (ps->t.kind != T_STRING) {
				p_fail(ps, "a code as a string, e.g. \"38341003\"");
				free(args);
				return NULL;
			}
			args = hg_xrealloc(args, sizeof *args * (size_t)(na + 1));
			args[na] = p_node(ps, N_STR);
			args[na++]->str = p_string(ps);
			if (p_next(ps) || (ps->t.kind != T_COMMA && ps->t.kind != T_RPAREN)) {
				if (ps->t.kind != T_COMMA && ps->t.kind != T_RPAREN)
					p_fail(ps, "',' or ')'");
				free(args);
				return NULL;
			}
			if (ps->t.kind == T_RPAREN)
				break;
			if (p_next(ps)) {
				free(args);
				return NULL;
			}
		}
		n->args = hg_arena_alloc(&ps->pk->arena, sizeof *args * (size_t)na);
		memcpy(n->args, args, sizeof *args * (size_t)na);
		n->nargs = na;
		free(args);
		TRYN(p_next(ps));
		return n;
	}
	if (ps->t.kind == T_IDENT && !p_reserved(ps)) {
		n = p_node(ps, N_NAME);
		n->str = p_ident(ps);
		TRYN(p_next(ps));
		return n;
	}
	p_fail(ps, "a codelist name, a file name in quotes or codes(...)");
	return NULL;
}

static int p_setop(hg_parser *ps)
{
	if (ps->t.kind == T_PLUS || p_is(ps, "union"))
		return T_PLUS;
	if (ps->t.kind == T_MINUS || p_is(ps, "minus") || p_is(ps, "except"))
		return T_MINUS;
	if (ps->t.kind == T_AMP || p_is(ps, "intersect"))
		return T_AMP;
	return 0;
}

static hg_node *p_codeexpr(hg_parser *ps)
{
	hg_node *l = p_codeterm(ps);
	int op;
	while (l && (op = p_setop(ps)) != 0) {
		hg_node *n = p_node(ps, N_BINARY);
		n->op = op;
		TRYN(p_next(ps));
		n->a = l;
		n->b = p_codeterm(ps);
		if (!n->b)
			return NULL;
		l = n;
	}
	return l;
}

/* ---- event queries ---- */

static int p_unit(hg_parser *ps, double *n, int *unit)
{
	if (p_is(ps, "day") || p_is(ps, "days"))
		*unit = U_DAYS;
	else if (p_is(ps, "week") || p_is(ps, "weeks")) {
		*unit = U_DAYS;
		*n *= 7;
	} else if (p_is(ps, "month") || p_is(ps, "months"))
		*unit = U_MONTHS;
	else if (p_is(ps, "year") || p_is(ps, "years")) {
		*unit = U_MONTHS;
		*n *= 12;
	} else
		return p_fail(ps, "a unit: days, weeks, months or years");
	return p_next(ps);
}

static int p_settings(hg_parser *ps, hg_qual *q)
{
	int paren = ps->t.kind == T_LPAREN;
	if (paren)
		TRY(p_next(ps));
	for (;;) {
		int s = ps->t.kind == T_IDENT ? hg_setting_parse(ps->t.p, ps->t.n) : -1;
		if (s < 0) {
			char word[64], what[160];
			int n = ps->t.kind == T_IDENT ? (int)(ps->t.n < 63 ? ps->t.n : 63) : 0;
			snprintf(word, sizeof word, "%.*s", n, ps->t.p);
			const char *best = n ? hg_lang_vocab_suggest(TY_SETTING, word) : NULL;
			snprintf(what, sizeof what,
			         "a setting (%s%s%sgp, rx, ae, apc, op, mh, mat or cancer)",
			         best ? "did you mean '" : "", best ? best : "", best ? "'? " : "");
			return p_fail(ps, what);
		}
		q->settings |= 1u << s;
		TRY(p_next(ps));
		if (!paren || ps->t.kind != T_COMMA)
			break;
		TRY(p_next(ps));
	}
	return paren ? p_expect(ps, T_RPAREN, "')'") : 0;
}

static int p_qual_in(hg_parser *ps, hg_qual *q)
{
	TRY(p_next(ps)); /* in */
	if (p_is(ps, "last")) {
		q->kind = Q_LAST;
		TRY(p_next(ps));
		if (ps->t.kind != T_NUMBER)
			return p_fail(ps, "a number, as in 'in last 12 months'");
		q->n = ps->t.num;
		TRY(p_next(ps));
		return p_unit(ps, &q->n, &q->unit);
	}
	if (p_is(ps, "period")) {
		q->kind = Q_PERIOD;
		return p_next(ps);
	}
	if (p_is(ps, "setting")) {
		q->kind = Q_SETTING;
		TRY(p_next(ps));
		return p_settings(ps, q);
	}
	return p_fail(ps, "'last', 'period' or 'setting' after 'in'");
}

static int p_qual_date(hg_parser *ps, hg_qual *q, int kind)
{
	q->kind = kind;
	TRY(p_next(ps));
	q->a = p_add(ps);
	if (!q->a)
		return -1;
	if (kind != Q_BETWEEN)
		return 0;
	TRY(p_expect_kw(ps, "and"));
	q->b = p_add(ps);
	return q->b ? 0 : -1;
}

/* One qualifier, or 1 when the current token does not start one. */
static int p_qual(hg_parser *ps, hg_qual *q)
{
	memset(q, 0, sizeof *q);
	q->line = ps->t.line;
	q->col = ps->t.col;
	if (p_is(ps, "in"))
		return p_qual_in(ps, q);
	if (p_is(ps, "ever")) {
		q->kind = Q_EVER;
		TRY(p_next(ps));
		if (p_is(ps, "before") || p_is(ps, "after") || p_is(ps, "on"))
			return p_qual(ps, q);
		return 0;
	}
	static const struct {
		const char *kw;
		int kind;
	} dq[] = {{"before", Q_BEFORE}, {"after", Q_AFTER}, {"on", Q_ON},
	          {"since", Q_SINCE},   {"until", Q_UNTIL}, {"between", Q_BETWEEN}};
	for (size_t i = 0; i < sizeof dq / sizeof dq[0]; i++)
		if (p_is(ps, dq[i].kw))
			return p_qual_date(ps, q, dq[i].kind);
	if (p_is(ps, "where")) {
		q->kind = Q_WHERE;
		TRY(p_next(ps));
		q->a = p_expr(ps);
		return q->a ? 0 : -1;
	}
	if (p_is(ps, "paired")) {
		q->kind = Q_PAIRED;
		TRY(p_next(ps));
		TRY(p_expect_kw(ps, "with"));
		q->a = p_codeterm(ps);
		if (!q->a)
			return -1;
		if (p_is(ps, "having")) {
			TRY(p_next(ps));
			TRY(p_expect_kw(ps, "value"));
			q->unit = 1; /* the paired event must carry a value */
		}
		return 0;
	}
	return 1;
}

/* A codelist and its qualifiers; inside a call (paren) up to the ')', else up
 * to the first word that does not start a qualifier. */
static hg_node *p_query(hg_parser *ps, int paren)
{
	hg_node *n = p_node(ps, N_QUERY);
	n->a = p_codeexpr(ps);
	if (!n->a)
		return NULL;
	hg_qual qs[16];
	int nq = 0, rc;
	while (!paren || ps->t.kind != T_RPAREN) {
		if (nq == 16) {
			p_fail(ps, paren ? "')' (at most 16 qualifiers)" : "at most 16 qualifiers");
			return NULL;
		}
		rc = p_qual(ps, &qs[nq]);
		if (rc < 0 || rc > 1) /* -1, or an error code from p_fail */
			return NULL;
		if (rc == 1 && !paren)
			break;
		if (rc == 1) {
			p_fail(ps, "')' or a qualifier (in last N months, in period, ever, before, "
			           "after, on, between, in setting, where, paired with)");
			return NULL;
		}
		nq++;
	}
	n->quals = hg_arena_alloc(&ps->pk->arena, sizeof *qs * (size_t)(nq ? nq : 1));
	memcpy(n->quals, qs, sizeof *qs * (size_t)nq);
	n->nquals = nq;
	return n;
}

static const char *const query_fns[] = {"exists",      "count",      "first_date", "last_date",
                                        "first_value", "last_value", "min_value",  "max_value",
                                        "mean_value",  "sum_value",  "count_days", NULL};

int hg_fn_lookup(const char *s, size_t n);

int hg_fn_lookup(const char *s, size_t n)
{
	static const char *const others[] = {"age_at",   "registered_at", "alive_at", "min",
	                                     "max",      "abs",           "round",    "floor",
	                                     "coalesce", "years_between", NULL};
	for (int i = 0; query_fns[i]; i++)
		if (strlen(query_fns[i]) == n && !memcmp(query_fns[i], s, n))
			return i;
	for (int i = 0; others[i]; i++)
		if (strlen(others[i]) == n && !memcmp(others[i], s, n))
			return F_N_QUERY + i;
	return -1;
}

/* ---- expressions ---- */

static hg_node *p_args(hg_parser *ps, hg_node *call)
{
	TRYN(p_next(ps)); /* ( */
	if (call->sym >= 0 && call->sym < F_N_QUERY) {
		hg_node *q = p_query(ps, 1);
		if (!q)
			return NULL;
		call->args = hg_arena_alloc(&ps->pk->arena, sizeof q);
		call->args[0] = q;
		call->nargs = 1;
		TRYN(p_expect(ps, T_RPAREN, "')'"));
		return call;
	}
	hg_node *args[8];
	int na = 0;
	while (ps->t.kind != T_RPAREN) {
		if (na == 8) {
			p_fail(ps, "')' (at most 8 arguments)");
			return NULL;
		}
		args[na] = p_expr(ps);
		if (!args[na++])
			return NULL;
		if (ps->t.kind == T_COMMA)
			TRYN(p_next(ps));
		else if (ps->t.kind != T_RPAREN) {
			p_fail(ps, "',' or ')'");
			return NULL;
		}
	}
	TRYN(p_next(ps));
	call->args = hg_arena_alloc(&ps->pk->arena, sizeof *args * (size_t)(na ? na : 1));
	memcpy(call->args, args, sizeof *args * (size_t)na);
	call->nargs = na;
	return call;
}

static hg_node *p_if(hg_parser *ps)
{
	hg_node *n = p_node(ps, N_IF);
	TRYN(p_next(ps));
	if (!(n->a = p_expr(ps)) || p_expect_kw(ps, "then") || !(n->b = p_expr(ps)) ||
	    p_expect_kw(ps, "else") || !(n->c = p_expr(ps)))
		return NULL;
	return n;
}

static hg_node *p_name(hg_parser *ps)
{
	hg_node *n;
	if (p_is(ps, "true") || p_is(ps, "false")) {
		n = p_node(ps, N_BOOL);
		n->num = p_is(ps, "true");
	} else if (p_is(ps, "missing")) {
		n = p_node(ps, N_MISSING);
	} else if (p_is(ps, "if")) {
		return p_if(ps);
	} else if (p_reserved(ps)) {
		p_fail(ps, "an expression");
		return NULL;
	} else if (p_peek(ps).kind == T_LPAREN) {
		n = p_node(ps, N_CALL);
		n->str = p_ident(ps);
		n->sym = hg_fn_lookup(ps->t.p, ps->t.n);
		if (n->sym < 0) {
			hg_lang_error(ps->err, &ps->pk->src, n->line, n->col,
			              "unknown function '%s'", n->str);
			return NULL;
		}
		TRYN(p_next(ps));
		return p_args(ps, n);
	} else {
		n = p_node(ps, N_NAME);
		n->str = p_ident(ps);
	}
	TRYN(p_next(ps));
	return n;
}

static hg_node *p_primary(hg_parser *ps)
{
	hg_node *n;
	switch (ps->t.kind) {
	case T_NUMBER: {
		n = p_node(ps, N_NUM);
		n->num = ps->t.num;
		TRYN(p_next(ps));
		if (ps->t.kind == T_IDENT &&
		    (p_is(ps, "day") || p_is(ps, "days") || p_is(ps, "week") || p_is(ps, "weeks") ||
		     p_is(ps, "month") || p_is(ps, "months") || p_is(ps, "year") ||
		     p_is(ps, "years"))) {
			n->kind = N_DURATION;
			TRYN(p_unit(ps, &n->num, &n->ival));
		}
		return n;
	}
	case T_STRING:
		n = p_node(ps, N_STR);
		n->str = p_string(ps);
		TRYN(p_next(ps));
		return n;
	case T_DATE:
		TRYN(p_date_ok(ps));
		n = p_node(ps, N_DATE);
		n->num = ps->t.date;
		TRYN(p_next(ps));
		return n;
	case T_LPAREN:
		TRYN(p_next(ps));
		if (++ps->depth > 200) {
			p_fail(ps, "less nesting");
			return NULL;
		}
		n = p_expr(ps);
		ps->depth--;
		if (!n || p_expect(ps, T_RPAREN, "')'"))
			return NULL;
		return n;
	case T_IDENT:
		return p_name(ps);
	default:
		p_fail(ps, "an expression");
		return NULL;
	}
}

static hg_node *p_unary(hg_parser *ps)
{
	if (ps->t.kind == T_MINUS) {
		hg_node *n = p_node(ps, N_UNARY);
		n->op = T_MINUS;
		TRYN(p_next(ps));
		n->a = p_unary(ps);
		return n->a ? n : NULL;
	}
	return p_primary(ps);
}

static hg_node *p_binary(hg_parser *ps, int op, hg_node *l, hg_node *(*sub)(hg_parser *))
{
	hg_node *n = p_node(ps, N_BINARY);
	n->op = op;
	TRYN(p_next(ps));
	n->a = l;
	n->b = sub(ps);
	return n->b ? n : NULL;
}

static hg_node *p_mul(hg_parser *ps)
{
	hg_node *l = p_unary(ps);
	while (l && (ps->t.kind == T_STAR || ps->t.kind == T_SLASH))
		l = p_binary(ps, ps->t.kind, l, p_unary);
	return l;
}

static hg_node *p_add(hg_parser *ps)
{
	hg_node *l = p_mul(ps);
	while (l && (ps->t.kind == T_PLUS || ps->t.kind == T_MINUS))
		l = p_binary(ps, ps->t.kind, l, p_mul);
	return l;
}

static hg_node *p_in(hg_parser *ps, hg_node *l, int negate)
{
	hg_node *n = p_node(ps, N_IN);
	n->ival = negate;
	n->a = l;
	hg_node call = {0};
	call.sym = -1;
	TRYN(p_next(ps)); /* in */
	if (ps->t.kind != T_LPAREN) {
		p_fail(ps, "'(' after 'in'");
		return NULL;
	}
	if (!p_args(ps, &call))
		return NULL;
	if (call.nargs == 0) {
		hg_lang_error(ps->err, &ps->pk->src, n->line, n->col, "empty list after 'in'");
		return NULL;
	}
	n->args = call.args;
	n->nargs = call.nargs;
	return n;
}

static hg_node *p_cmp(hg_parser *ps)
{
	hg_node *l = p_add(ps);
	if (!l)
		return NULL;
	int k = ps->t.kind;
	if (k >= T_EQ && k <= T_GE)
		return p_binary(ps, k, l, p_add);
	if (p_is(ps, "after"))
		return p_binary(ps, KW_AFTER, l, p_add);
	if (p_is(ps, "before"))
		return p_binary(ps, KW_BEFORE, l, p_add);
	if (p_is(ps, "in") && p_peek(ps).kind == T_LPAREN)
		return p_in(ps, l, 0);
	if (p_is(ps, "not") && p_peek(ps).kind == T_IDENT) {
		hg_tok nx = p_peek(ps);
		if (nx.n == 2 && !memcmp(nx.p, "in", 2)) {
			TRYN(p_next(ps));
			return p_in(ps, l, 1);
		}
	}
	if (p_is(ps, "is")) {
		hg_node *n = p_node(ps, N_ISMISSING);
		n->a = l;
		TRYN(p_next(ps));
		if (p_is(ps, "not")) {
			n->ival = 1;
			TRYN(p_next(ps));
		}
		TRYN(p_expect_kw(ps, "missing"));
		return n;
	}
	if (p_is(ps, "between")) {
		/* a between x and y  ==  a >= x and a <= y */
		hg_node *n = p_node(ps, N_BINARY);
		n->op = KW_AND;
		TRYN(p_next(ps));
		hg_node *lo = p_add(ps);
		if (!lo || p_expect_kw(ps, "and"))
			return NULL;
		hg_node *hi = p_add(ps);
		if (!hi)
			return NULL;
		n->a = p_node(ps, N_BINARY);
		n->a->op = T_GE;
		n->a->a = l;
		n->a->b = lo;
		n->b = p_node(ps, N_BINARY);
		n->b->op = T_LE;
		n->b->a = l;
		n->b->b = hi;
		n->a->line = n->b->line = n->line;
		n->a->col = n->b->col = n->col;
		return n;
	}
	return l;
}

static hg_node *p_not(hg_parser *ps)
{
	if (p_is(ps, "not")) {
		hg_node *n = p_node(ps, N_UNARY);
		n->op = KW_NOT;
		TRYN(p_next(ps));
		n->a = p_not(ps);
		return n->a ? n : NULL;
	}
	return p_cmp(ps);
}

static hg_node *p_and(hg_parser *ps)
{
	hg_node *l = p_not(ps);
	while (l && p_is(ps, "and"))
		l = p_binary(ps, KW_AND, l, p_not);
	return l;
}

static hg_node *p_expr(hg_parser *ps)
{
	hg_node *l = p_and(ps);
	while (l && p_is(ps, "or"))
		l = p_binary(ps, KW_OR, l, p_and);
	return l;
}

/* ---- declarations ---- */

static int p_name_decl(hg_parser *ps, const char **name, int *line, int *col)
{
	if (ps->t.kind != T_IDENT || p_reserved(ps))
		return p_fail(ps, "a name");
	*name = p_ident(ps);
	*line = ps->t.line;
	*col = ps->t.col;
	TRY(p_next(ps));
	return 0;
}

/* The name of a category: a string; no two alike in one declaration. */
static int p_cat_name(hg_parser *ps, hg_let *l, const char **out)
{
	if (ps->t.kind != T_STRING)
		return p_fail(ps, "a category's name in double quotes");
	*out = p_string(ps);
	for (int k = 0; k < l->ncat; k++)
		if (!strcmp(l->cat_names[k], *out))
			return hg_lang_error(ps->err, &ps->pk->src, ps->t.line, ps->t.col,
			                     "\"%s\" is already a category of %s", *out, l->name);
	return p_next(ps);
}

/* Room for one more category in l (arena-owned arrays, grown by copying). */
static void cat_grow(hg_parser *ps, hg_let *l)
{
	int n = l->ncat + 1;
	const char **names = hg_arena_alloc(&ps->pk->arena, sizeof *names * (size_t)n);
	hg_node **cond = hg_arena_alloc(&ps->pk->arena, sizeof *cond * (size_t)n);
	double *upto = hg_arena_alloc(&ps->pk->arena, sizeof *upto * (size_t)n);
	if (l->ncat) {
		memcpy(names, l->cat_names, sizeof *names * (size_t)l->ncat);
		memcpy(cond, l->cat_cond, sizeof *cond * (size_t)l->ncat);
		memcpy(upto, l->cat_upto, sizeof *upto * (size_t)l->ncat);
	}
	l->cat_names = names;
	l->cat_cond = cond;
	l->cat_upto = upto;
	cond[l->ncat] = NULL;
	upto[l->ncat] = NAN;
}

static hg_let *new_let(hg_parser *ps)
{
	hg_pack *pk = ps->pk;
	HG_GROW(pk->lets, pk->nlets, pk->caplets);
	hg_let *l = &pk->lets[pk->nlets];
	memset(l, 0, sizeof *l);
	l->set = -1;
	l->bands_of = -1;
	return l;
}

static int p_codelist(hg_parser *ps)
{
	hg_pack *pk = ps->pk;
	TRY(p_next(ps));
	HG_GROW(pk->sets, pk->nsets, pk->capsets);
	hg_codeset *cs = &pk->sets[pk->nsets];
	memset(cs, 0, sizeof *cs);
	TRY(p_name_decl(ps, &cs->name, &cs->line, &cs->col));
	TRY(p_expect(ps, T_EQ, "'='"));
	hg_node *e = p_codeexpr(ps);
	if (!e)
		return -1;
	if (p_is(ps, "system")) { /* how its codes match: docs/language.md "Codelists" */
		TRY(p_next(ps));
		int sys = ps->t.kind == T_IDENT ? hg_code_system_parse(ps->t.p, ps->t.n) : -1;
		if (sys < 0)
			return p_fail(ps, "a coding system: icd10, opcs4, snomedct, dmd, ctv3 or "
			                  "read");
		pk->sets[pk->nsets].system = sys;
		TRY(p_next(ps));
	}
	/* declarations are checked in order, so codelists also go in the let list */
	hg_let *l = new_let(ps);
	l->name = cs->name;
	l->line = cs->line;
	l->col = cs->col;
	l->e = e;
	l->type = TY_CODESET;
	l->set = pk->nsets;
	pk->nlets++;
	pk->nsets++;
	return 0;
}

static int p_let(hg_parser *ps)
{
	hg_pack *pk = ps->pk;
	TRY(p_next(ps));
	hg_let *l = new_let(ps);
	TRY(p_name_decl(ps, &l->name, &l->line, &l->col));
	TRY(p_expect(ps, T_EQ, "'='"));
	l->e = p_expr(ps);
	if (!l->e)
		return -1;
	pk->nlets++;
	return 0;
}

/*
 * segmentation NAME "title"
 *   segment "A" = CONDITION ...       first true condition wins
 *   otherwise "Z"                      optional: when none is true
 */
static int p_segmentation(hg_parser *ps)
{
	TRY(p_next(ps));
	hg_let *l = new_let(ps);
	TRY(p_name_decl(ps, &l->name, &l->line, &l->col));
	if (ps->t.kind != T_STRING)
		return p_fail(ps, "the segmentation's title in double quotes");
	l->title = p_string(ps);
	TRY(p_next(ps));
	while (p_is(ps, "segment")) {
		TRY(p_next(ps));
		cat_grow(ps, l);
		TRY(p_cat_name(ps, l, &l->cat_names[l->ncat]));
		TRY(p_expect(ps, T_EQ, "'='"));
		l->cat_cond[l->ncat] = p_expr(ps);
		if (!l->cat_cond[l->ncat])
			return -1;
		l->ncat++;
	}
	if (l->ncat == 0)
		return p_fail(ps, "'segment \"NAME\" = CONDITION'");
	if (p_is(ps, "otherwise")) {
		TRY(p_next(ps));
		cat_grow(ps, l);
		TRY(p_cat_name(ps, l, &l->cat_names[l->ncat]));
		l->ncat++;
	}
	l->type = TY_CATEG;
	ps->pk->nlets++;
	return 0;
}

/*
 * score NAME "title" = EXPRESSION
 *   band "A" up to NUMBER ...          value <= NUMBER, the bounds rising
 *   band "Z"                           the rest
 * declares NAME (a number) and NAME_category (its band).
 */
static int p_score(hg_parser *ps)
{
	TRY(p_next(ps));
	hg_let *l = new_let(ps);
	TRY(p_name_decl(ps, &l->name, &l->line, &l->col));
	if (ps->t.kind != T_STRING)
		return p_fail(ps, "the score's title in double quotes");
	l->title = p_string(ps);
	TRY(p_next(ps));
	TRY(p_expect(ps, T_EQ, "'='"));
	l->e = p_expr(ps);
	if (!l->e)
		return -1;
	int score = ps->pk->nlets++;
	if (!p_is(ps, "band"))
		return 0;
	hg_let *b = new_let(ps);
	const hg_let *sl = &ps->pk->lets[score];
	char *name = hg_arena_alloc(&ps->pk->arena, strlen(sl->name) + 10);
	sprintf(name, "%s_category", sl->name);
	b->name = name;
	b->line = sl->line;
	b->col = sl->col;
	b->title = sl->title;
	b->bands_of = score;
	b->type = TY_CATEG;
	while (p_is(ps, "band")) {
		TRY(p_next(ps));
		cat_grow(ps, b);
		TRY(p_cat_name(ps, b, &b->cat_names[b->ncat]));
		b->ncat++;
		if (!p_is(ps, "up"))
			break; /* the last band */
		TRY(p_next(ps));
		TRY(p_expect_kw(ps, "to"));
		int neg = ps->t.kind == T_MINUS;
		if (neg)
			TRY(p_next(ps));
		if (ps->t.kind != T_NUMBER)
			return p_fail(ps, "a number, as in 'band \"Fit\" up to 0.12'");
		b->cat_upto[b->ncat - 1] = neg ? -ps->t.num : ps->t.num;
		if (b->ncat > 1 && !(b->cat_upto[b->ncat - 1] > b->cat_upto[b->ncat - 2]))
			return hg_lang_error(ps->err, &ps->pk->src, ps->t.line, ps->t.col,
			                     "band bounds must rise: %g after %g",
			                     b->cat_upto[b->ncat - 1], b->cat_upto[b->ncat - 2]);
		TRY(p_next(ps));
	}
	if (b->ncat < 2 || !isnan(b->cat_upto[b->ncat - 1]))
		return p_fail(ps, "a last band without a bound, as in 'band \"Severe\"'");
	ps->pk->nlets++;
	return 0;
}

static int p_date(hg_parser *ps, int *d)
{
	if (ps->t.kind != T_DATE)
		return p_fail(ps, "a date YYYY-MM-DD");
	TRY(p_date_ok(ps));
	*d = ps->t.date;
	return p_next(ps);
}

static int p_periods(hg_parser *ps, hg_period_spec *sp)
{
	TRY(p_next(ps)); /* periods */
	memset(sp, 0, sizeof *sp);
	sp->set = 1;
	if (p_is(ps, "rolling")) {
		TRY(p_next(ps));
		if (ps->t.kind != T_NUMBER || ps->t.num < 1 || ps->t.num > 120)
			return p_fail(ps, "a number of months, as in 'rolling 12 months'");
		sp->rolling = (int)ps->t.num;
		TRY(p_next(ps));
		TRY(p_expect_kw(ps, "months"));
		sp->step = 1;
	}
	if (p_is(ps, "monthly"))
		sp->step = 1;
	else if (p_is(ps, "quarterly"))
		sp->step = 3;
	else if (p_is(ps, "annual") || p_is(ps, "annually") || p_is(ps, "yearly"))
		sp->step = 12;
	else if ((p_is(ps, "range") || p_is(ps, "once")) && !sp->rolling)
		sp->step = 0;
	else if (!sp->rolling)
		return p_fail(ps, "monthly, quarterly, annual, range or rolling N months");
	else if (!p_is(ps, "from"))
		return p_fail(ps, "'from', or the step of rolling periods (monthly, quarterly "
		                  "or annual)");
	if (!(sp->rolling && p_is(ps, "from")))
		TRY(p_next(ps));
	TRY(p_expect_kw(ps, "from"));
	TRY(p_date(ps, &sp->from));
	TRY(p_expect_kw(ps, "to"));
	int line = ps->t.line, col = ps->t.col;
	TRY(p_date(ps, &sp->to));
	if (sp->to < sp->from)
		return hg_lang_error(ps->err, &ps->pk->src, line, col,
		                     "the end date is before the start date");
	return 0;
}

static int p_breakdown(hg_parser *ps, hg_ind_src *ind, hg_breakdown *bd)
{
	memset(bd, 0, sizeof *bd);
	for (int d = 0; d < 2; d++) {
		if (ps->t.kind != T_IDENT)
			return p_fail(ps,
			              "a breakdown (imd_quintile, imd_decile, ethnicity, "
			              "ethnicity_detailed, sex, age_band, practice, pcn, sub_icb, "
			              "local_authority, msoa, imd_quintile_local, flag_NAME)");
		/* the checker resolves the name; keep the text in name for now */
		size_t len = strlen(bd->name);
		snprintf(bd->name + len, sizeof bd->name - len, "%s%.*s", d ? " x " : "",
		         (int)ps->t.n, ps->t.p);
		if (d == 0) {
			bd->line = ps->t.line;
			bd->col = ps->t.col;
		}
		bd->n = d + 1;
		TRY(p_next(ps));
		if (!(ps->t.kind == T_STAR || p_is(ps, "x")) || d == 1)
			break;
		TRY(p_next(ps));
	}
	(void)ind;
	return 0;
}

static int p_by(hg_parser *ps, hg_ind_src *ind)
{
	hg_breakdown bds[HG_MAX_BDS];
	int n = 0;
	TRY(p_next(ps));
	for (;;) {
		if (n == HG_MAX_BDS)
			return p_fail(ps, "at most 64 breakdowns");
		_Static_assert(HG_MAX_BDS == 64, "the message names the limit");
		TRY(p_breakdown(ps, ind, &bds[n++]));
		if (ps->t.kind != T_COMMA)
			break;
		TRY(p_next(ps));
	}
	hg_breakdown *all = hg_arena_calloc(&ps->pk->arena, sizeof *all * (size_t)(n + 1));
	snprintf(all[0].name, sizeof all[0].name, "all");
	memcpy(all + 1, bds, sizeof *bds * (size_t)n);
	ind->pub.bds = all;
	ind->pub.nbds = n + 1;
	return 0;
}

/* `per K` and `per year` after a type: K (once, first) for proportions, rates
 * and DSRs; `per year` (rates are always per year) for rates and DSRs. */
static int p_per(hg_parser *ps, hg_ind_src *ind)
{
	int t = ind->pub.type, rates = t == HG_IND_RATE || t == HG_IND_DSR;
	int year = 0, k = 0;
	while (p_is(ps, "per")) {
		TRY(p_next(ps));
		const char *want = NULL;
		if (p_is(ps, "year")) {
			if (!rates)
				want = "a positive multiplier ('per year' is for rate and dsr)";
			else if (year)
				want = "a clause ('per year' is written once)";
		} else if (!rates && t != HG_IND_PROPORTION && t != HG_IND_MEAN) {
			want =
			    "a clause ('per' multipliers are for proportion, mean, rate and dsr)";
		} else if (ps->t.kind != T_NUMBER || ps->t.num <= 0 || k || year) {
			want = k || year ? "'year' (the multiplier comes once, before 'per year')"
			       : rates ? "a positive multiplier or 'year' after 'per', as in 'rate "
			                 "per 1000 per year'"
			               : "a positive multiplier, as in 'per 1000'";
		}
		if (want) {
			p_fail(ps, want);
			return -1;
		}
		if (p_is(ps, "year"))
			year = 1;
		else {
			ind->pub.per = ps->t.num;
			k = 1;
		}
		TRY(p_next(ps));
	}
	return 0;
}

/* A type keyword and its multipliers: 0 parsed, 1 not a type, -1 an error. */
static int p_type(hg_parser *ps, hg_ind_src *ind)
{
	if (p_is(ps, "transitions")) { /* transitions of NAME: a count of people */
		TRY(p_next(ps));
		TRY(p_expect_kw(ps, "of"));
		if (ps->t.kind != T_IDENT)
			return p_fail(ps, "a segmentation's name, as in 'transitions of b2h'");
		ind->trans_name = p_ident(ps);
		ind->trans_line = ps->t.line;
		ind->trans_col = ps->t.col;
		ind->pub.type = HG_IND_COUNT;
		ind->pub.trans = 1;
		ind->pub.per = 1;
		return p_next(ps);
	}
	if (p_is(ps, "percentile")) { /* percentile P: 0 < P < 100 */
		TRY(p_next(ps));
		if (ps->t.kind != T_NUMBER || !(ps->t.num > 0 && ps->t.num < 100)) {
			p_fail(ps, "a percentile above 0 and below 100, as in 'percentile 92'");
			return -1;
		}
		ind->pub.type = HG_IND_PERCENTILE;
		ind->pub.pct = ps->t.num;
		ind->pub.per = 1;
		return p_next(ps);
	}
	static const char *const kw[] = {"proportion", "rate",  "dsr",
	                                 "mean",       "count", "life_expectancy"};
	for (int i = 0; i < HG_IND_PERCENTILE; i++) {
		if (!p_is(ps, kw[i]))
			continue;
		ind->pub.type = i;
		ind->pub.per = i == HG_IND_PROPORTION                ? 100
		               : i == HG_IND_RATE || i == HG_IND_DSR ? 100000
		                                                     : 1;
		TRY(p_next(ps));
		return p_per(ps, ind);
	}
	return 1;
}

/* Does the word at hand start a declaration? */
static int p_top_level(const hg_parser *ps)
{
	static const char *const kw[] = {"codelist", "let",       "segmentation", "score",
	                                 "periods",  "indicator", "worklist",     NULL};
	for (int i = 0; kw[i]; i++)
		if (p_is(ps, kw[i]))
			return 1;
	return 0;
}

static int p_clause_expr(hg_parser *ps, hg_node **slot)
{
	TRY(p_next(ps));
	TRY(p_expect(ps, T_COLON, "':'"));
	*slot = p_expr(ps);
	return *slot ? 0 : -1;
}

static int p_clause_text(hg_parser *ps, const char **slot)
{
	TRY(p_next(ps));
	if (ps->t.kind == T_COLON)
		TRY(p_next(ps));
	if (ps->t.kind != T_STRING)
		return p_fail(ps, "a string in double quotes");
	*slot = p_string(ps);
	return p_next(ps);
}

/* events: deaths | CODELIST [qualifier ...]   (no parentheses: the clause ends
 * at the first word that is not a qualifier) */
static int p_events(hg_parser *ps, hg_ind_src *ind)
{
	TRY(p_next(ps));
	TRY(p_expect(ps, T_COLON, "':'"));
	ind->pub.events = HG_EV_QUERY;
	if (p_is(ps, "deaths")) {
		ind->pub.events = HG_EV_DEATHS;
		return p_next(ps);
	}
	ind->ev = p_query(ps, 0);
	return ind->ev ? 0 : -1;
}

/* ages A to B: whole years, inclusive */
static int p_ages(hg_parser *ps, hg_ind_src *ind)
{
	ind->ages_line = ps->t.line;
	ind->ages_col = ps->t.col;
	TRY(p_next(ps));
	double v[2];
	for (int k = 0; k < 2; k++) {
		if (k)
			TRY(p_expect_kw(ps, "to"));
		if (ps->t.kind != T_NUMBER || ps->t.num < 0 || ps->t.num != floor(ps->t.num) ||
		    ps->t.num > HG_AGE_MAX)
			return p_fail(ps, "a whole number of years, as in 'ages 0 to 74'");
		v[k] = ps->t.num;
		TRY(p_next(ps));
	}
	if (v[1] < v[0])
		return hg_lang_error(ps->err, &ps->pk->src, ind->ages_line, ind->ages_col,
		                     "ages %g to %g: the upper age is below the lower", v[0], v[1]);
	ind->pub.age_lo = (int)v[0];
	ind->pub.age_hi = (int)v[1];
	return 0;
}

/* One clause of the clause keyword at hand, or 1 when the word starts none. */
static int p_clause1(hg_parser *ps, hg_ind_src *ind, hg_period_spec *sp)
{
	if (p_is(ps, "numerator"))
		return p_clause_expr(ps, &ind->num);
	if (p_is(ps, "denominator"))
		return p_clause_expr(ps, &ind->den);
	if (p_is(ps, "value"))
		return p_clause_expr(ps, &ind->val);
	if (p_is(ps, "by"))
		return p_by(ps, ind);
	if (p_is(ps, "periods"))
		return p_periods(ps, sp);
	if (p_is(ps, "source"))
		return p_clause_text(ps, &ind->pub.source);
	if (p_is(ps, "note"))
		return p_clause_text(ps, &ind->pub.note);
	if (p_is(ps, "population")) {
		TRY(p_next(ps));
		TRY(p_expect(ps, T_COLON, "':'"));
		if (p_is(ps, "mid_period") || p_is(ps, "person_time"))
			return p_fail(ps,
			              "the population's condition, e.g. 'population: registered' "
			              "('population: person_time' is now 'denominator: "
			              "person_time')");
		ind->pop = p_expr(ps);
		return ind->pop ? 0 : -1;
	}
	if (p_is(ps, "over")) { /* over pathways | appointments: what is counted */
		TRY(p_next(ps));
		if (p_is(ps, "pathways"))
			ind->pub.unit = HG_UNIT_PATHWAY;
		else if (p_is(ps, "appointments"))
			ind->pub.unit = HG_UNIT_APPT;
		else
			return p_fail(ps, "'pathways' or 'appointments'");
		return p_next(ps);
	}
	if (p_is(ps, "events"))
		return p_events(ps, ind);
	if (p_is(ps, "ages"))
		return p_ages(ps, ind);
	return 1;
}

/*
 * One indicator clause: 0 parsed, 1 the word starts no clause (the indicator
 * ends there), -1 an error (reported: a clause's own message is never
 * replaced by "expected an indicator clause").
 */
static int p_clause(hg_parser *ps, hg_ind_src *ind, hg_period_spec *sp)
{
	int rc = p_type(ps, ind);
	if (rc <= 0)
		return rc;
	int line = ps->t.line, col = ps->t.col;
	rc = p_clause1(ps, ind, sp);
	if (rc == 1 && (ps->t.line != line || ps->t.col != col))
		return -1; /* it consumed tokens, so it was a clause that failed */
	return rc == 0 || rc == 1 ? rc : -1;
}

static int p_indicator(hg_parser *ps)
{
	hg_pack *pk = ps->pk;
	TRY(p_next(ps));
	HG_GROW(pk->inds, pk->ninds, pk->capinds);
	hg_ind_src *ind = &pk->inds[pk->ninds];
	memset(ind, 0, sizeof *ind);
	ind->pub.type = -1;
	ind->pub.age_hi = HG_AGE_MAX;
	if (ps->t.kind != T_IDENT)
		return p_fail(ps, "an indicator id, e.g. CVDP001HYP");
	ind->pub.id = p_ident(ps);
	ind->line = ps->t.line;
	ind->col = ps->t.col;
	TRY(p_next(ps));
	if (ps->t.kind != T_STRING)
		return p_fail(ps, "the indicator's name in double quotes");
	ind->pub.name = p_string(ps);
	TRY(p_next(ps));
	hg_period_spec sp = {0};
	int rc = 0;
	while (same_file(ps, ind->line) && (rc = p_clause(ps, ind, &sp)) == 0)
		;
	if (rc < 0)
		return -1;
	if (ps->t.kind != T_EOF && !p_top_level(ps))
		return p_fail(ps, "an indicator clause (proportion, rate, dsr, mean, count, "
		                  "life_expectancy, transitions of, numerator:, denominator:, "
		                  "value:, population:, events:, ages, by, periods, source, note)");
	if (!ind->pub.bds) {
		ind->pub.bds = hg_arena_calloc(&pk->arena, sizeof *ind->pub.bds);
		snprintf(ind->pub.bds[0].name, sizeof ind->pub.bds[0].name, "all");
		ind->pub.nbds = 1;
	}
	const hg_period_spec *def = p_default(ps, ind->line);
	ind->ps = sp.set || !def ? sp : *def; /* its own, else its file's default */
	pk->ninds++;
	return 0;
}

/* ---- worklists ---- */

/* A growing list of labelled expressions (reasons, columns, order keys). */
typedef struct wl_list {
	const char **label;
	hg_node **e;
	int *flag; /* order: the key kind; its direction in flag2 */
	int *flag2;
	int n, cap;
} wl_list;

static void wl_push(wl_list *l, const char *label, hg_node *e, int flag, int flag2)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->label = hg_xrealloc(l->label, sizeof *l->label * (size_t)l->cap);
		l->e = hg_xrealloc(l->e, sizeof *l->e * (size_t)l->cap);
		l->flag = hg_xrealloc(l->flag, sizeof *l->flag * (size_t)l->cap);
		l->flag2 = hg_xrealloc(l->flag2, sizeof *l->flag2 * (size_t)l->cap);
	}
	l->label[l->n] = label;
	l->e[l->n] = e;
	l->flag[l->n] = flag;
	l->flag2[l->n++] = flag2;
}

static void wl_free(wl_list *l)
{
	free(l->label);
	free(l->e);
	free(l->flag);
	free(l->flag2);
}

/* A copy of n elements of size sz in the pack's arena. */
static void *arena_copy(hg_parser *ps, const void *p, size_t n, size_t sz)
{
	void *q = hg_arena_calloc(&ps->pk->arena, n * sz + 1);
	if (n)
		memcpy(q, p, n * sz);
	return q;
}

/* reason "TEXT" = CONDITION, column "HEADING" = EXPRESSION */
static int p_wl_item(hg_parser *ps, wl_list *l, const char *what)
{
	TRY(p_next(ps));
	if (ps->t.kind != T_STRING)
		return p_fail(ps, what);
	const char *label = p_string(ps);
	TRY(p_next(ps));
	TRY(p_expect(ps, T_EQ, "'='"));
	hg_node *e = p_expr(ps);
	if (!e)
		return -1;
	wl_push(l, label, e, 0, 0);
	return 0;
}

/* order: core20, plus, EXPRESSION [ascending|descending], ... */
static int p_wl_order(hg_parser *ps, wl_list *l)
{
	TRY(p_next(ps));
	TRY(p_expect(ps, T_COLON, "':'"));
	for (;;) {
		if (p_is(ps, "core20") || p_is(ps, "plus")) {
			wl_push(l, NULL, NULL,
			        p_is(ps, "core20") ? HG_WL_KEY_CORE20 : HG_WL_KEY_PLUS, 1);
			TRY(p_next(ps));
		} else {
			hg_node *e = p_expr(ps);
			if (!e)
				return -1;
			int desc = 0;
			if (p_is(ps, "descending") || p_is(ps, "ascending")) {
				desc = p_is(ps, "descending");
				TRY(p_next(ps));
			}
			wl_push(l, NULL, e, HG_WL_KEY_EXPR, desc);
		}
		if (ps->t.kind != T_COMMA)
			return 0;
		TRY(p_next(ps));
	}
}

/* closes: ID, ...: the indicators whose gap the list acts on (checked in check.c). */
static int p_wl_closes(hg_parser *ps, hg_wl_src *w)
{
	TRY(p_next(ps));
	TRY(p_expect(ps, T_COLON, "':'"));
	if (w->pub.ncloses)
		return p_fail(ps, "one 'closes:' per worklist (list the indicators after it)");
	const char *ids[HG_MAX_BDS];
	int line[HG_MAX_BDS], col[HG_MAX_BDS], n = 0;
	for (;;) {
		if (ps->t.kind != T_IDENT)
			return p_fail(ps, "an indicator's id, as in 'closes: CVDP007HYP'");
		if (n == HG_MAX_BDS)
			return p_fail(ps, "at most 64 indicators after 'closes:'");
		line[n] = ps->t.line;
		col[n] = ps->t.col;
		ids[n++] = p_ident(ps);
		TRY(p_next(ps));
		if (ps->t.kind != T_COMMA)
			break;
		TRY(p_next(ps));
	}
	w->pub.ncloses = n;
	w->pub.closes = arena_copy(ps, ids, (size_t)n, sizeof *ids);
	w->closes_line = arena_copy(ps, line, (size_t)n, sizeof *line);
	w->closes_col = arena_copy(ps, col, (size_t)n, sizeof *col);
	return 0;
}

/* One worklist clause: 0 parsed, 1 the word starts none, -1 an error. */
static int p_wl_clause(hg_parser *ps, hg_wl_src *w, wl_list *lists)
{
	if (p_is(ps, "who"))
		return p_clause_expr(ps, &w->who);
	if (p_is(ps, "priority")) {
		TRY(p_next(ps));
		TRY(p_expect(ps, T_COLON, "':'"));
		if (ps->t.kind != T_IDENT)
			return p_fail(ps, "a segmentation's name, as in 'priority: hyp_risk'");
		w->prio_name = p_ident(ps);
		w->prio_line = ps->t.line;
		w->prio_col = ps->t.col;
		return p_next(ps);
	}
	if (p_is(ps, "reason"))
		return p_wl_item(ps, &lists[0],
		                 "the reason's text in double quotes, as in 'reason "
		                 "\"No BP in 12 months\" = bp_date is missing'");
	if (p_is(ps, "column"))
		return p_wl_item(ps, &lists[1],
		                 "the column's heading in double quotes, as in 'column "
		                 "\"Last systolic BP\" = sys_bp'");
	if (p_is(ps, "order"))
		return p_wl_order(ps, &lists[2]);
	if (p_is(ps, "closes"))
		return p_wl_closes(ps, w);
	if (p_is(ps, "source"))
		return p_clause_text(ps, &w->pub.source);
	if (p_is(ps, "note"))
		return p_clause_text(ps, &w->pub.note);
	return 1;
}

/* Keep the lists in the worklist (arena copies). */
static void wl_keep(hg_parser *ps, hg_wl_src *w, wl_list *lists)
{
	w->pub.nreasons = lists[0].n;
	w->pub.reasons = arena_copy(ps, lists[0].label, (size_t)lists[0].n, sizeof(char *));
	w->reason_e = arena_copy(ps, lists[0].e, (size_t)lists[0].n, sizeof(hg_node *));
	w->pub.ncolumns = lists[1].n;
	w->pub.columns = arena_copy(ps, lists[1].label, (size_t)lists[1].n, sizeof(char *));
	w->column_e = arena_copy(ps, lists[1].e, (size_t)lists[1].n, sizeof(hg_node *));
	w->pub.norder = lists[2].n;
	w->pub.order_key = arena_copy(ps, lists[2].flag, (size_t)lists[2].n, sizeof(int));
	w->pub.order_desc = arena_copy(ps, lists[2].flag2, (size_t)lists[2].n, sizeof(int));
	w->order_e = arena_copy(ps, lists[2].e, (size_t)lists[2].n, sizeof(hg_node *));
}

static int p_worklist(hg_parser *ps)
{
	hg_pack *pk = ps->pk;
	TRY(p_next(ps));
	HG_GROW(pk->wls, pk->nwls, pk->capwls);
	hg_wl_src *w = &pk->wls[pk->nwls];
	memset(w, 0, sizeof *w);
	w->pub.prio = -1;
	w->pub.ind = -1;
	if (ps->t.kind != T_IDENT)
		return p_fail(ps, "a worklist id, e.g. HYP_NOT_AT_TARGET");
	w->pub.id = p_ident(ps);
	w->line = ps->t.line;
	w->col = ps->t.col;
	TRY(p_next(ps));
	if (ps->t.kind != T_STRING)
		return p_fail(ps, "the worklist's title in double quotes");
	w->pub.title = p_string(ps);
	TRY(p_next(ps));
	wl_list lists[3] = {{0}};
	int rc = 0;
	while (same_file(ps, w->line) && (rc = p_wl_clause(ps, w, lists)) == 0)
		;
	if (rc >= 0 && ps->t.kind != T_EOF && !p_top_level(ps))
		rc = p_fail(ps,
		            "a worklist clause (who:, priority:, order:, reason, column, source, "
		            "note)");
	if (rc < 0) {
		for (int k = 0; k < 3; k++)
			wl_free(&lists[k]);
		return -1;
	}
	wl_keep(ps, w, lists);
	for (int k = 0; k < 3; k++)
		wl_free(&lists[k]);
	const hg_period_spec *def = p_default(ps, w->line);
	if (def)
		w->ps = *def;
	pk->nwls++;
	return 0;
}

int hg_parse_pack(hg_pack *pk, hg_err *err)
{
	hg_parser ps = {.pk = pk, .err = err};
	for (int i = 0; i < pk->src.nparts; i++)
		ps.nfiles =
		    pk->src.parts[i].file + 1 > ps.nfiles ? pk->src.parts[i].file + 1 : ps.nfiles;
	ps.nfiles = ps.nfiles ? ps.nfiles : 1;
	ps.fdef = hg_arena_calloc(&pk->arena, sizeof *ps.fdef * (size_t)ps.nfiles);
	hg_lex_init(&ps.lx, &pk->src);
	TRY(p_next(&ps));
	while (ps.t.kind != T_EOF) {
		if (p_is(&ps, "codelist"))
			TRY(p_codelist(&ps));
		else if (p_is(&ps, "let"))
			TRY(p_let(&ps));
		else if (p_is(&ps, "segmentation"))
			TRY(p_segmentation(&ps));
		else if (p_is(&ps, "score"))
			TRY(p_score(&ps));
		else if (p_is(&ps, "indicator"))
			TRY(p_indicator(&ps));
		else if (p_is(&ps, "worklist"))
			TRY(p_worklist(&ps));
		else if (p_is(&ps, "periods")) {
			int f = file_of(&ps, ps.t.line);
			TRY(p_periods(&ps, &ps.fdef[f]));
			if (f == 0)
				pk->periods = ps.fdef[0];
		} else
			return p_fail(&ps, "'codelist', 'let', 'segmentation', 'score', 'periods', "
			                   "'indicator' or 'worklist'");
	}
	return 0;
}
