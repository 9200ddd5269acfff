/*
 * coverage.c: a checked pack against a store, before anything runs. How many
 * codes and events of the store each codelist matches (so that a codelist in
 * the wrong coding system or format shows as "0 of 12 codes found" instead of
 * an indicator quietly at zero), and every problem that depends on the data:
 * flags the store lacks, practice codes it does not have, codelists that
 * match no event. Each problem is one message, all are listed.
 */
#include "lang/ast.h"
#include "lang/codelists.h"

#include "core/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- coverage ---- */

/* Events per store code id, in one pass over the events (or a copy of given). */
static uint64_t *code_events(const hg_store *st, const uint64_t *given)
{
	uint64_t *h = hg_xcalloc((size_t)st->codes.n + 1, sizeof *h);
	if (given) {
		memcpy(h, given, (size_t)st->codes.n * sizeof *h);
		return h;
	}
	for (uint64_t e = 0; e < st->n_events; e++)
		if (st->ev_code[e] < st->codes.n)
			h[st->ev_code[e]]++;
	return h;
}

static void cover_one(const hg_pack *pk, int i, const hg_store *st, const uint64_t *hist,
                      uint64_t *bits, hg_cl_cover *c)
{
	const hg_codeset *cs = &pk->sets[i];
	size_t words = hg_codeset_words(st);
	memset(bits, 0, words * sizeof *bits);
	memset(c, 0, sizeof *c);
	c->named = cs->name != NULL;
	c->label = cs->name ? cs->name : cs->label;
	c->expr = cs->label;
	c->line = cs->line;
	c->col = cs->col;
	c->list = cs->op == HG_CS_LEAF;
	c->prefix = c->list && cs->prefix;
	c->system = cs->system ? hg_code_system_names[cs->system] : "";
	c->file = cs->file;
	c->replaced = cs->replaced;
	if (c->list) {
		uint8_t *found = hg_xcalloc(cs->codes.n + 1, 1);
		hg_codeset_match(cs, st, bits, found);
		c->listed = cs->codes.n;
		for (uint32_t k = 0; k < cs->codes.n; k++)
			c->found += found[k];
		free(found);
	} else {
		hg_codeset_bits(pk, i, st, bits);
	}
	for (size_t w = 0; w < words; w++) {
		uint64_t b = bits[w];
		c->store_codes += (uint32_t)__builtin_popcountll(b);
		for (; b; b &= b - 1)
			c->events += hist[w * 64 + (size_t)__builtin_ctzll(b)];
	}
}

void hg_pack_coverage(const hg_pack *pk, const hg_store *st, hg_cl_cover **out, int *n)
{
	hg_pack_coverage_counts(pk, st, NULL, out, n);
}

void hg_pack_coverage_counts(const hg_pack *pk, const hg_store *st, const uint64_t *given,
                             hg_cl_cover **out, int *n)
{
	uint64_t *hist = code_events(st, given);
	uint64_t *bits = hg_xcalloc(hg_codeset_words(st), sizeof *bits);
	*out = hg_xcalloc((size_t)pk->nsets + 1, sizeof **out);
	*n = 0;
	for (int i = 0; i < pk->nsets; i++) {
		const hg_codeset *cs = &pk->sets[i];
		/* `any` matches every code: nothing to report */
		if ((!cs->name && !cs->in_query) || !cs->built || cs->op == HG_CS_ANY)
			continue;
		cover_one(pk, i, st, hist, bits, &(*out)[(*n)++]);
	}
	free(bits);
	free(hist);
}

/* ---- problems ---- */

void hg_diags_free(hg_diags *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->d[i].msg);
	free(d->d);
	memset(d, 0, sizeof *d);
}

static void diag_push(hg_diags *d, int error, const char *msg)
{
	HG_GROW(d->d, d->n, d->cap);
	size_t n = strlen(msg);
	char *m = hg_xmalloc(n + 1);
	memcpy(m, msg, n + 1);
	d->d[d->n++] = (hg_diag){error, m};
	d->nerrors += error;
}

typedef struct hg_sc {
	const hg_pack *pk;
	const hg_store *st;
	int strict;
	hg_diags *out;
	char *flag_done; /* per pack flag: reported */
} hg_sc;

/* An error (with the source line and caret) or a warning (one line) at line:col. */
static void sc_report(hg_sc *sc, int error, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void sc_report(hg_sc *sc, int error, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	error |= sc->strict;
	if (error) {
		hg_err err = {0};
		hg_lang_error(&err, &sc->pk->src, line, col, "%s", msg);
		diag_push(sc->out, 1, err.msg);
		return;
	}
	char buf[700];
	int at;
	const char *name = hg_src_where(&sc->pk->src, line, &at); /* an included file's own line */
	snprintf(buf, sizeof buf, "%s:%d:%d: warning: %s", name, at, col, msg);
	diag_push(sc->out, 0, buf);
}

/* The store's flag bit for pack flag f (named "X" or "flag_X" in the store), or -1. */
static int store_flag(const hg_store *st, const char *name)
{
	for (uint32_t b = 0; b < st->n_flags; b++) {
		const char *s = st->flag_names[b];
		if (!strcmp(s, name) || (!strncmp(s, "flag_", 5) && !strcmp(s + 5, name)))
			return (int)b;
	}
	return -1;
}

static void sc_flag(hg_sc *sc, int f, int error, int line, int col)
{
	const hg_store *st = sc->st;
	const char *name = sc->pk->flag_names[f];
	if (sc->flag_done[f] || store_flag(st, name) >= 0)
		return;
	sc->flag_done[f] = 1;
	hg_suggest sg;
	hg_suggest_init(&sg, name);
	hg_buf has = {0};
	for (uint32_t b = 0; b < st->n_flags; b++) {
		const char *s = st->flag_names[b];
		if (!strncmp(s, "flag_", 5))
			s += 5;
		hg_suggest_add(&sg, s);
		if (b < 8)
			hg_buf_printf(&has, "%sflag_%s", b ? ", " : "", s);
	}
	if (st->n_flags > 8)
		hg_buf_puts(&has, ", ...");
	char mean[160] = "";
	if (sg.best)
		snprintf(mean, sizeof mean, "did you mean 'flag_%s'? ", sg.best);
	sc_report(sc, error, line, col, "the store has no flag 'flag_%s' (%s%s%s)%s", name, mean,
	          st->n_flags ? "it has " : "it has no flags", st->n_flags ? hg_buf_cstr(&has) : "",
	          error ? "" : ": everyone would be 'No' in this breakdown");
	hg_buf_free(&has);
}

static void sc_practice(hg_sc *sc, const hg_node *lit)
{
	const hg_strtab *pr = &sc->st->practices;
	for (uint32_t i = 0; i < pr->n; i++)
		if (!strcmp(hg_strtab_get(pr, i), lit->str))
			return;
	hg_suggest sg;
	hg_suggest_init(&sg, lit->str);
	for (uint32_t i = 0; i < pr->n; i++)
		hg_suggest_add(&sg, hg_strtab_get(pr, i));
	char mean[96] = "";
	if (sg.best)
		snprintf(mean, sizeof mean, " (did you mean \"%s\"?)", sg.best);
	sc_report(sc, 0, lit->line, lit->col,
	          "the store has no practice \"%s\"%s: the comparison is false for everyone",
	          lit->str, mean);
}

/* Flags read as values and practice literals, anywhere in e. */
static void sc_walk(hg_sc *sc, const hg_node *e)
{
	if (!e)
		return;
	if (e->kind == N_NAME && e->symkind == SYM_ATTR && e->sym >= A_FLAG)
		sc_flag(sc, e->sym - A_FLAG, 1, e->line, e->col);
	if (e->kind == N_BINARY && (e->op == T_EQ || e->op == T_NE)) {
		if (e->a->type == TY_PRACTICE && e->b->kind == N_STR)
			sc_practice(sc, e->b);
		if (e->b->type == TY_PRACTICE && e->a->kind == N_STR)
			sc_practice(sc, e->a);
	}
	if (e->kind == N_IN && e->a->type == TY_PRACTICE)
		for (int i = 0; i < e->nargs; i++)
			if (e->args[i]->kind == N_STR)
				sc_practice(sc, e->args[i]);
	sc_walk(sc, e->a);
	sc_walk(sc, e->b);
	sc_walk(sc, e->c);
	for (int i = 0; i < e->nargs; i++)
		sc_walk(sc, e->args[i]);
	for (int i = 0; i < e->nquals; i++)
		if (e->quals[i].kind != Q_PAIRED) {
			sc_walk(sc, e->quals[i].a);
			sc_walk(sc, e->quals[i].b);
		}
}

static void sc_codelists(hg_sc *sc, const hg_cl_cover *cov, int ncov)
{
	for (int i = 0; i < ncov; i++) {
		const hg_cl_cover *c = &cov[i];
		if (c->events)
			continue;
		char what[160];
		if (c->list)
			snprintf(what, sizeof what, "%u of %u codes found%s", c->found, c->listed,
			         c->prefix ? " by prefix" : "");
		else
			snprintf(what, sizeof what,
			         "%u store codes, from the codelists it combines", c->store_codes);
		sc_report(sc, 0, c->line, c->col,
		          "codelist '%s' matches no event in the store (%s%s%s): check the "
		          "codes' system and format (docs/language.md, \"Codelists\")",
		          c->label, what, c->file ? "; read from " : "", c->file ? c->file : "");
	}
}

void hg_pack_check_store(const hg_pack *pk, const hg_store *st, const hg_cl_cover *cov, int ncov,
                         int strict, hg_diags *out)
{
	hg_sc sc = {pk, st, strict, out, hg_xcalloc((size_t)pk->nflags + 1, 1)};
	for (int i = 0; i < pk->nlets; i++)
		if (pk->lets[i].set < 0)
			sc_walk(&sc, pk->lets[i].e);
	for (int i = 0; i < pk->ninds; i++) {
		const hg_ind_src *ind = &pk->inds[i];
		const hg_node *roots[] = {ind->num, ind->den, ind->val, ind->pop, ind->ev};
		for (size_t r = 0; r < sizeof roots / sizeof roots[0]; r++)
			sc_walk(&sc, roots[r]);
		for (int b = 1; b < ind->pub.nbds; b++)
			for (int d = 0; d < ind->pub.bds[b].n; d++)
				if (ind->pub.bds[b].kind[d] == HG_BD_FLAG)
					sc_flag(&sc, ind->pub.bds[b].flag[d], 0,
					        ind->pub.bds[b].line, ind->pub.bds[b].col);
	}
	sc_codelists(&sc, cov, ncov);
	free(sc.flag_done);
}
