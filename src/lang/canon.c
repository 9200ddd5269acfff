/*
 * canon.c: a canonical text of what an indicator counts, for disclosure
 * control. Two indicators whose numerators (or denominators) have the same
 * canonical text count the same people or events in every cell of the same
 * period, breakdown and category, so a count suppressed in one must be
 * suppressed in the other too (engine/sdc.c). The text covers the type, the
 * expressions with every let expanded (so two lets written alike agree),
 * codelists by their matched codes, and for event rates the population,
 * ages and events; positions in the source do not matter.
 */
#include "lang/ast.h"

#include "core/fs.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void canon_node(const hg_pack *pk, const hg_node *n, hg_buf *b);

static void canon_set(const hg_pack *pk, int set, hg_buf *b)
{
	if (set < 0) {
		hg_buf_puts(b, "-");
		return;
	}
	const hg_codeset *s = &pk->sets[set];
	if (s->op == HG_CS_LEAF)
		hg_buf_printf(b, "{%s}", s->hash);
	else if (s->op == HG_CS_ANY)
		hg_buf_puts(b, "{any}");
	else if (s->op == HG_CS_REF)
		canon_set(pk, s->l, b);
	else {
		hg_buf_printf(b, "(%d ", s->op);
		canon_set(pk, s->l, b);
		hg_buf_putc(b, ' ');
		canon_set(pk, s->r, b);
		hg_buf_putc(b, ')');
	}
}

static void canon_quals(const hg_pack *pk, const hg_node *n, hg_buf *b)
{
	for (int i = 0; i < n->nquals; i++) {
		const hg_qual *q = &n->quals[i];
		hg_buf_printf(b, " [q%d %.17g %d %u ", q->kind, q->n, q->unit, q->settings);
		canon_node(pk, q->a, b);
		hg_buf_putc(b, ' ');
		canon_node(pk, q->b, b);
		hg_buf_putc(b, ']');
	}
}

/* A let's definition: its expression, or a categorical variable's categories and rules
 * (a segmentation's conditions in order; a score's expression and band bounds). */
static void canon_let(const hg_pack *pk, const hg_let *l, hg_buf *b)
{
	if (l->type != TY_CATEG) {
		canon_node(pk, l->e, b);
		return;
	}
	hg_buf_puts(b, "(categ ");
	if (l->bands_of >= 0)
		canon_let(pk, &pk->lets[l->bands_of], b);
	for (int k = 0; k < l->ncat; k++) {
		hg_buf_printf(b, " [\"%s\" ", l->cat_names[k]);
		if (l->cat_cond)
			canon_node(pk, l->cat_cond[k], b);
		if (l->bands_of >= 0 && k < l->ncat - 1)
			hg_buf_printf(b, "%.17g", l->cat_upto[k]);
		hg_buf_putc(b, ']');
	}
	hg_buf_putc(b, ')');
}

static void canon_node(const hg_pack *pk, const hg_node *n, hg_buf *b)
{
	if (!n) {
		hg_buf_puts(b, "_");
		return;
	}
	if (n->kind == N_NAME && n->symkind == SYM_LET) { /* the let's definition, not its name */
		canon_let(pk, &pk->lets[n->sym], b);
		return;
	}
	hg_buf_printf(b, "(%d %d %.17g %d %d %d ", n->kind, n->op, n->num, n->ival, n->sym,
	              n->symkind);
	if (n->str && n->kind != N_NAME && n->kind != N_CALL)
		hg_buf_printf(b, "\"%s\" ", n->str);
	if (n->kind == N_QUERY) {
		canon_set(pk, n->codeset, b);
		hg_buf_putc(b, ' ');
		canon_set(pk, n->paired, b);
		hg_buf_printf(b, " %d", n->paired_value);
	}
	canon_node(pk, n->a, b);
	canon_node(pk, n->b, b);
	canon_node(pk, n->c, b);
	for (int i = 0; i < n->nargs; i++)
		canon_node(pk, n->args[i], b);
	canon_quals(pk, n, b);
	hg_buf_putc(b, ')');
}

/* ---- counts of people: conditions as sets of conjuncts ---- */

typedef struct conj {
	char **v;
	size_t n, cap;
} conj;

/* Add the conjuncts of e (an `and` tree, lets expanded) to c, each as canonical text. */
static void conj_add(const hg_pack *pk, const hg_node *e, conj *c)
{
	if (!e)
		return;
	if (e->kind == N_NAME && e->symkind == SYM_LET && pk->lets[e->sym].type != TY_CATEG) {
		conj_add(pk, pk->lets[e->sym].e, c);
		return;
	}
	if (e->kind == N_BINARY && e->op == KW_AND) {
		conj_add(pk, e->a, c);
		conj_add(pk, e->b, c);
		return;
	}
	hg_buf b = {0};
	canon_node(pk, e, &b);
	hg_buf_putc(&b, 0);
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i], b.p)) { /* a and a counts as a */
			hg_buf_free(&b);
			return;
		}
	HG_GROW(c->v, c->n, c->cap);
	c->v[c->n++] = b.p;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "people where" the conjuncts in a canonical order, into out; frees c. */
static void conj_text(conj *c, hg_buf *out)
{
	if (c->n > 1) /* no conjuncts: v is NULL, which qsort must not be given */
		qsort(c->v, c->n, sizeof *c->v, cmp_str);
	hg_buf_puts(out, "people where");
	for (size_t i = 0; i < c->n; i++) {
		hg_buf_printf(out, " & %s", c->v[i]);
		free(c->v[i]);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

static void key_of(hg_buf *b, char out[65])
{
	hg_hash_hex(b->p, b->n, out);
	hg_buf_free(b);
}

void hg_pack_count_keys(const hg_pack *pk, int i, char num[65], char den[65])
{
	const hg_ind_src *s = &pk->inds[i];
	const hg_indicator *ind = &s->pub;
	hg_buf d = {0}, n = {0};
	if (ind->trans) {
		/* people in the population at either end of the period, by their flow */
		conj c = {0};
		conj_add(pk, s->pop, &c);
		hg_buf_puts(&d, "transitions of ");
		for (int k = 0; k < pk->nlets; k++)
			if (pk->lets[k].type == TY_CATEG &&
			    !strcmp(pk->lets[k].name, s->trans_name))
				canon_let(pk, &pk->lets[k], &d);
		hg_buf_puts(&d, " in ");
		conj_text(&c, &d);
		hg_buf_put(&n, d.p, d.n);
	} else if (ind->events != HG_EV_NONE) {
		/* people in the population at mid-period; events of people in it on their date */
		conj c = {0};
		conj_add(pk, s->pop, &c);
		hg_buf_printf(&d, "at mid-period, ages %d-%d, %d: ", ind->age_lo, ind->age_hi,
		              ind->pop);
		conj_text(&c, &d);
		hg_buf_printf(&n, "events %d ", ind->events);
		canon_node(pk, s->ev, &n);
		hg_buf_puts(&n, " of ");
		hg_buf_put(&n, d.p, d.n);
	} else {
		/* people where the denominator holds, as at the period end; a proportion's (or a
		   count of a condition's) numerator: people where both hold, so CVDP007HYP's
		   denominator and CVDP001HYP's numerator are the same count */
		conj c = {0};
		conj_add(pk, s->den, &c);
		if (ind->unit) { /* pathways or appointments, never people */
			hg_buf_printf(&d, "over %d ", ind->unit);
			hg_buf_printf(&n, "over %d ", ind->unit);
		}
		hg_buf_puts(&d, "at the period end: ");
		conj_text(&c, &d);
		const hg_node *v =
		    ind->type == HG_IND_MEAN || ind->type == HG_IND_PERCENTILE ? s->val : s->num;
		if (ind->type == HG_IND_PROPORTION ||
		    (ind->type == HG_IND_COUNT && v->type == TY_BOOL)) {
			conj_add(pk, s->den, &c);
			conj_add(pk, v, &c);
			hg_buf_puts(&n, "at the period end: ");
			conj_text(&c, &n);
		} else {
			hg_buf_printf(&n, "%s %d ", ind->type == HG_IND_COUNT ? "sum" : "value",
			              ind->type);
			canon_node(pk, v, &n);
			hg_buf_puts(&n, " of ");
			hg_buf_put(&n, d.p, d.n);
		}
	}
	key_of(&d, den);
	key_of(&n, num);
}
