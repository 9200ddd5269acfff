/*
 * page_practice.c: the overview of a practice user. Its own indicators (those
 * with a practice breakdown) against the whole area, its PCN and similar
 * practices (pooled from other practices' published rows by the query layer,
 * never fewer than HG_PEER_MIN_PRACTICES: rescache.h), with its name from the
 * store's practices.csv lookup; the indicators only available for the whole
 * area are listed plainly as the area's, never as the practice's; and the way
 * to its patients to act on (page_worklist.c). Every number comes through the
 * role-enforcing query layer.
 */
#include "report/labels.h"
#include "server/html.h"
#include "server/pages.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { SIMILAR_PRACTICES = 10 };

typedef struct prac_ctx {
	const hg_req *q;
	hg_buf *b;
	const char **pcn; /* the other practices of the user's PCN */
	size_t npcn;
	const char *similar[SIMILAR_PRACTICES];
	size_t nsimilar;
} prac_ctx;

/* The latest published row of breakdown bd ("practice": the user's own; "All") or NULL. */
static const hg_pub_row *latest_row(const hg_req *q, const char *id, const char *bd,
                                    hg_pub_rows *rows)
{
	hg_query_spec spec = {id, NULL, NULL};
	hg_err err = {0};
	if (hg_results_query(q->res, &q->sess.user, &spec, rows, &err) != HG_Q_OK)
		return NULL;
	for (size_t k = 0; k < rows->n; k++)
		if (!strcasecmp(rows->rows[k].breakdown, bd) && /* the area's breakdown is "all" */
		    (strcmp(bd, "practice") ||
		     !strcmp(rows->rows[k].category, q->sess.user.practice)))
			return &rows->rows[k];
	return NULL;
}

static int has_practice_bd(const hg_indicator *ind)
{
	for (int k = 0; k < ind->nbds; k++)
		if (ind->bds[k].n == 1 && ind->bds[k].kind[0] == HG_BD_PRACTICE)
			return 1;
	return 0;
}

static void value_cell(hg_buf *b, const char *label, const hg_pub_row *r)
{
	hg_buf_printf(b, "<td class=\"num\" data-label=\"%s\">", label);
	if (r && isfinite(r->value))
		hg_page_num_ci(b, r->value, r->lo95, r->hi95);
	else
		hg_buf_puts(b, "<span class=\"hg-na\">not available</span>");
	hg_buf_puts(b, "</td>");
}

static void peer_cell(const prac_ctx *c, int i, const char *label, const char *const *codes,
                      size_t n)
{
	const hg_indicator *ind = c->q->res->pr->inds[i].ind;
	size_t used = 0;
	double v = hg_results_peer_value(c->q->res, &c->q->sess.user, i, ind->nperiods - 1, codes,
	                                 n, &used);
	hg_buf_printf(c->b, "<td class=\"num\" data-label=\"%s\">", label);
	if (isfinite(v)) {
		hg_page_num(c->b, v);
		hg_buf_printf(c->b, "<span class=\"hg-small\">%zu practices</span>", used);
	} else
		hg_buf_puts(c->b, "<span class=\"hg-na hg-small\">not available</span>");
	hg_buf_puts(c->b, "</td>");
}

/* Better, worse or similar to the whole area: the practice's 95% CI against the area's value,
 * judged by the polarity (as Fingertips compares a group with its parent). */
static void judge_cell(hg_buf *b, const hg_pub_row *own, const hg_pub_row *area, int polarity)
{
	hg_buf_puts(b, "<td data-label=\"Compared with the whole area\">");
	if (!own || !area || !isfinite(own->lo95) || !isfinite(area->value)) {
		hg_buf_puts(b, "<span class=\"hg-na\">not compared</span></td>");
		return;
	}
	int sign = own->lo95 > area->value ? 1 : own->hi95 < area->value ? -1 : 0;
	int judge = sign ? hg_label_judge(sign, polarity) : 0;
	hg_buf_printf(b, "<span class=\"hg-tag%s\">%s</span></td>",
	              judge > 0   ? " hg-tag-better"
	              : judge < 0 ? " hg-tag-worse"
	                          : "",
	              !sign       ? "Similar"
	              : judge > 0 ? "Better"
	              : judge < 0 ? "Worse"
	              : sign > 0  ? "Higher"
	                          : "Lower");
}

static void practice_row(prac_ctx *c, int i)
{
	const hg_indicator *ind = c->q->res->pr->inds[i].ind;
	hg_pub_rows own_rows = {0}, area_rows = {0};
	const hg_pub_row *own = latest_row(c->q, ind->id, "practice", &own_rows);
	const hg_pub_row *area = latest_row(c->q, ind->id, "All", &area_rows);
	char unit[96];
	hg_label_unit(ind, unit, sizeof unit);
	hg_buf_puts(c->b, "<tr><th scope=\"row\"><a href=\"/indicators/");
	hg_html_urlenc(c->b, ind->id);
	hg_buf_puts(c->b, "\">");
	hg_html_text(c->b, ind->name);
	hg_buf_puts(c->b, "</a><span class=\"hg-id\">");
	hg_html_text(c->b, unit);
	hg_buf_puts(c->b, "</span>");
	hg_worklist_links(c->b, c->q, ind->id); /* the patients behind the gap (page_worklist.c) */
	hg_buf_puts(c->b, "</th>");
	value_cell(c->b, "Your practice", own);
	peer_cell(c, i, "Your PCN's other practices", c->pcn, c->npcn);
	peer_cell(c, i, "Similar practices", c->similar, c->nsimilar);
	value_cell(c->b, "Whole area", area);
	judge_cell(c->b, own, area, hg_objectives_polarity(c->q->res->obj, ind->id));
	hg_buf_puts(c->b, "</tr>");
	hg_pub_rows_free(&own_rows);
	hg_pub_rows_free(&area_rows);
}

static void area_only(prac_ctx *c)
{
	const hg_program *pr = c->q->res->pr;
	int any = 0;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		if (has_practice_bd(ind))
			continue;
		if (!any++)
			hg_buf_puts(c->b,
			            "<section class=\"hg-card\" aria-labelledby=\"h-area-only\" "
			            "id=\"area-only\"><h2 id=\"h-area-only\">Only available for "
			            "the whole area</h2><p>These indicators have no practice "
			            "breakdown, so there is no figure for your practice: the "
			            "figures below are the <strong>whole area's</strong>.</p><ul>");
		hg_pub_rows rows = {0};
		const hg_pub_row *area = latest_row(c->q, ind->id, "All", &rows);
		char unit[96];
		hg_label_unit(ind, unit, sizeof unit);
		hg_buf_puts(c->b, "<li><a href=\"/indicators/");
		hg_html_urlenc(c->b, ind->id);
		hg_buf_puts(c->b, "\">");
		hg_html_text(c->b, ind->name);
		hg_buf_puts(c->b, "</a>: whole area ");
		if (area && isfinite(area->value)) {
			hg_page_num(c->b, area->value);
			hg_buf_puts(c->b, " ");
			hg_html_text(c->b, unit);
		} else
			hg_buf_puts(c->b, "not available");
		hg_buf_puts(c->b, "</li>");
		hg_pub_rows_free(&rows);
	}
	if (any)
		hg_buf_puts(c->b, "</ul></section>");
}

/* The other practices of the user's PCN (none when the lookup gave no PCN). */
static void pcn_of(prac_ctx *c)
{
	const hg_store *st = &c->q->res->st;
	long own = hg_store_practice_find(st, c->q->sess.user.practice);
	const char *pcn = own < 0 ? "" : hg_strtab_get(&st->practice_pcn, (uint32_t)own);
	c->pcn = hg_xcalloc(st->practices.n + 1, sizeof *c->pcn);
	for (uint32_t p = 0; pcn[0] && p < st->practices.n; p++)
		if ((long)p != own && !strcmp(hg_strtab_get(&st->practice_pcn, p), pcn))
			c->pcn[c->npcn++] = hg_strtab_get(&st->practices, p);
}

static void practice_head(prac_ctx *c)
{
	const hg_store *st = &c->q->res->st;
	const char *code = c->q->sess.user.practice, *name = hg_store_practice_name(st, code);
	long own = hg_store_practice_find(st, code);
	const char *pcn = own < 0 ? "" : hg_strtab_get(&st->practice_pcn, (uint32_t)own);
	hg_buf_puts(c->b, "<section class=\"hg-card\" aria-labelledby=\"h-practice\" "
	                  "id=\"practice-view\"><h2 id=\"h-practice\">Your practice: ");
	if (name[0]) {
		hg_html_text(c->b, name);
		hg_buf_puts(c->b, " (");
		hg_html_text(c->b, code);
		hg_buf_puts(c->b, ")");
	} else
		hg_html_text(c->b, code);
	hg_buf_puts(c->b, "</h2><p>");
	if (pcn[0]) {
		hg_buf_puts(c->b, "Primary care network ");
		hg_html_text(c->b, pcn);
		hg_buf_puts(c->b, ". ");
	}
	hg_buf_printf(c->b,
	              "Your practice's latest figures against the whole area, the other "
	              "practices of your PCN and similar practices (the %d whose registered "
	              "patients most nearly share your practice's proportion living in the most "
	              "deprived fifth of neighbourhoods). Those two are pooled from published "
	              "figures of at least %d practices, and only for proportions and crude "
	              "rates; otherwise they show &ldquo;not available&rdquo;.</p>",
	              SIMILAR_PRACTICES, HG_PEER_MIN_PRACTICES);
}

void hg_page_practice(const hg_req *q, hg_buf *b)
{
	prac_ctx c = {.q = q, .b = b};
	double share;
	pcn_of(&c);
	c.nsimilar = hg_results_similar_practices(q->res, &q->sess.user, c.similar,
	                                          SIMILAR_PRACTICES, &share);
	practice_head(&c);
	hg_buf_puts(b, "<div class=\"hg-table-wrap\"><table class=\"hg-table hg-cards\" "
	               "id=\"practice-table\"><caption>Your practice's indicators, latest period "
	               "(95% confidence intervals)</caption><thead><tr><th scope=\"col\">"
	               "Indicator</th><th scope=\"col\" class=\"num\">Your practice</th><th "
	               "scope=\"col\" class=\"num\">Your PCN's other practices</th><th "
	               "scope=\"col\" class=\"num\">Similar practices</th><th scope=\"col\" "
	               "class=\"num\">Whole area</th><th scope=\"col\">Compared with the whole "
	               "area</th></tr></thead><tbody>");
	const hg_program *pr = q->res->pr;
	for (int i = 0; i < pr->ninds; i++)
		if (has_practice_bd(pr->inds[i].ind))
			practice_row(&c, i);
	hg_buf_puts(b, "</tbody></table></div></section>");
	area_only(&c);
	hg_buf_puts(b, "<section class=\"hg-card\" aria-labelledby=\"h-act\" id=\"worklists\"><h2 "
	               "id=\"h-act\">Patients to act on</h2><p>");
	if (q->res->pr->nwls)
		hg_buf_puts(b, "Lists of your own practice's patients to act on, in priority order "
		               "with the reasons, are on <a href=\"/worklists\">Patients to act "
		               "on</a>.</p></section>");
	else
		hg_buf_puts(b, "This indicator pack has no worklists, so there are no lists of "
		               "patients to act on (a pack declares them: docs/language.md, "
		               "&ldquo;Worklists&rdquo;).</p></section>");
	free(c.pcn);
}
