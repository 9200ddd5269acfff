/*
 * place.c: the place filter of the overview and indicator pages (place.h): which places
 * there are (the categories of the published place breakdowns the user may see), the
 * select that picks one, and which published rows are a place's.
 */
#include "server/place.h"

#include "report/labels.h"
#include "server/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The place breakdowns, in the order the filter lists them (widest first). */
static const char *const place_kinds[] = {"local_authority", "sub_icb", "pcn", "msoa"};
#define N_KINDS 4

static int kind_index(const char *kind, size_t n)
{
	for (int k = 0; k < N_KINDS; k++)
		if (strlen(place_kinds[k]) == n && !strncmp(place_kinds[k], kind, n))
			return k;
	return -1;
}

int hg_place_get(const hg_req *q, hg_place *pl)
{
	memset(pl, 0, sizeof *pl);
	const char *a = hg_req_arg(q, "place");
	if (!a || q->sess.user.role == HG_ROLE_PRACTICE)
		return 0;
	const char *colon = strchr(a, ':');
	if (!colon || !colon[1] || strlen(colon + 1) >= sizeof pl->cat ||
	    strlen(a) >= sizeof pl->arg || kind_index(a, (size_t)(colon - a)) < 0)
		return 0;
	snprintf(pl->kind, sizeof pl->kind, "%.*s", (int)(colon - a), a);
	snprintf(pl->cat, sizeof pl->cat, "%s", colon + 1);
	snprintf(pl->arg, sizeof pl->arg, "%s", a);
	return 1;
}

void hg_place_title(const hg_place *pl, char *buf, size_t size)
{
	char k[64];
	hg_label_breakdown(pl->kind, NULL, k, sizeof k);
	snprintf(buf, size, "%s (%s)", pl->cat, k);
}

int hg_place_row(const hg_place *pl, const char *bd, const char *cat)
{
	size_t nk = strlen(pl->kind), nc = strlen(pl->cat), nb = strlen(bd), n = strlen(cat);
	if (!strcmp(bd, pl->kind)) /* the place's own row */
		return !strcmp(cat, pl->cat);
	if (!strncmp(bd, pl->kind, nk) && !strncmp(bd + nk, " x ", 3)) /* KIND x B: "cat / b" */
		return !strncmp(cat, pl->cat, nc) && !strncmp(cat + nc, " / ", 3);
	if (nb > nk + 3 && !strcmp(bd + nb - nk, pl->kind) && /* A x KIND: "a / cat" */
	    !strncmp(bd + nb - nk - 3, " x ", 3))
		return n > nc + 3 && !strcmp(cat + n - nc, pl->cat) &&
		       !strncmp(cat + n - nc - 3, " / ", 3);
	return 0;
}

/* The distinct categories (not Unknown) of one place breakdown over every indicator's
 * latest published rows that u may see, sorted (codes sort with their names). */
typedef struct place_list {
	char **cat;
	size_t n, cap;
} place_list;

static void list_add(place_list *l, const char *c)
{
	for (size_t k = 0; k < l->n; k++)
		if (!strcmp(l->cat[k], c))
			return;
	HG_GROW(l->cat, l->n, l->cap);
	l->cat[l->n++] = hg_xstrdup(c);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_places(const hg_req *q, const char *kind, place_list *l)
{
	const hg_results *r = q->res;
	for (int i = 0; i < r->pr->ninds; i++) {
		hg_query_spec spec = {r->pr->inds[i].ind->id, kind, "latest"};
		hg_pub_rows p;
		hg_err err = {0};
		if (hg_results_query(r, &q->sess.user, &spec, &p, &err) != HG_Q_OK)
			continue;
		for (size_t k = 0; k < p.n; k++)
			if (strcmp(p.rows[k].category, "Unknown"))
				list_add(l, p.rows[k].category);
		hg_pub_rows_free(&p);
	}
	if (l->n)
		qsort(l->cat, l->n, sizeof *l->cat, by_name);
}

void hg_place_select(hg_buf *b, const hg_req *q, const hg_place *pl)
{
	if (q->sess.user.role == HG_ROLE_PRACTICE)
		return;
	place_list ls[N_KINDS];
	size_t total = 0;
	for (int k = 0; k < N_KINDS; k++) {
		memset(&ls[k], 0, sizeof ls[k]);
		list_places(q, place_kinds[k], &ls[k]);
		total += ls[k].n;
	}
	if (total) {
		hg_buf_puts(b, "<label for=\"place\">Place</label><select id=\"place\" "
		               "name=\"place\" data-autosubmit><option value=\"\">Whole area"
		               "</option>");
		for (int k = 0; k < N_KINDS; k++) {
			if (!ls[k].n)
				continue;
			char label[64];
			hg_label_breakdown(place_kinds[k], NULL, label, sizeof label);
			hg_buf_puts(b, "<optgroup label=\"");
			hg_html_text(b, label);
			hg_buf_puts(b, "\">");
			for (size_t c = 0; c < ls[k].n; c++) {
				int sel = !strcmp(pl->kind, place_kinds[k]) &&
				          !strcmp(pl->cat, ls[k].cat[c]);
				hg_buf_printf(b, "<option value=\"%s:", place_kinds[k]);
				hg_html_text(b, ls[k].cat[c]);
				hg_buf_printf(b, "\"%s>", sel ? " selected" : "");
				hg_html_text(b, ls[k].cat[c]);
				hg_buf_puts(b, "</option>");
			}
			hg_buf_puts(b, "</optgroup>");
		}
		hg_buf_puts(b, "</select>");
	}
	for (int k = 0; k < N_KINDS; k++) {
		for (size_t c = 0; c < ls[k].n; c++)
			free(ls[k].cat[c]);
		free(ls[k].cat);
	}
}
