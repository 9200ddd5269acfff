/*
 * page_segments.c: "Population segments" (/segments), built only from the
 * published, disclosure-controlled rows of whatever segmentation indicators
 * the pack has (docs/language.md "Segmentations and scores", "Transitions"),
 * through the role-enforcing query layer (rescache.h), so it works with any
 * pack and shows each role only what its indicator pages would:
 *
 *   shares     a count indicator broken down by a segmentation S: the share of
 *              each segment overall (the S rows over the "all" row), and by
 *              IMD quintile, ethnicity, age band and practice (the S x D rows
 *              over D's own rows; their sum when D is not published);
 *   flows      a transitions indicator of S: the flow matrix of the latest
 *              period, from each segment at the start to each at the end, as
 *              counts and shares of the row (optionally within one IMD
 *              quintile, from its "imd_quintile x transition" rows);
 *   use        every other indicator with a one-way S breakdown (service use
 *              per segment: A&E, admissions, appointments per person-year);
 *   practices  the drill from a segment to the practices: each practice's
 *              share in that segment (practice x S), largest first, linking
 *              to the practice breakdown.
 *
 * A suppressed count stays out of every share (and is said to be out). A group with nobody in
 * it (every count 0, none suppressed: the age bands under 65 of the eFI's people 65+) is left
 * out of the chart and its table, and the card says so.
 */
#include "report/chart_stack.h"
#include "report/labels.h"
#include "server/html.h"
#include "server/pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One segmentation of the pack and the indicators that describe it. */
typedef struct seg_def {
	int var;                  /* the pack's let */
	const hg_breakdown *bd;   /* a breakdown with it, for its categories */
	int dim;                  /* ... in this dimension */
	int count_ind, trans_ind; /* -1 when none */
} seg_def;

typedef struct seg_page {
	hg_req *q;
	hg_buf *b;
	const seg_def *sd;
} seg_page;

/* ---- finding the indicators ---- */

static int dim_of(const hg_breakdown *bd, int var, int kind)
{
	for (int d = 0; d < bd->n; d++)
		if (bd->kind[d] == kind && bd->var[d] == var)
			return d;
	return -1;
}

/* Breakdown of ind with S (var) in one dimension and `other` (an hg_bd_kind, or -1: S
 * alone) in the other; *sdim gets S's dimension. -1 when none. */
static int bd_find(const hg_indicator *ind, int var, int other, int *sdim)
{
	for (int b = 0; b < ind->nbds; b++) {
		const hg_breakdown *bd = &ind->bds[b];
		int d = dim_of(bd, var, HG_BD_VAR);
		if (d < 0 || (other < 0 ? bd->n != 1 : bd->n != 2 || bd->kind[1 - d] != other))
			continue;
		*sdim = d;
		return b;
	}
	return -1;
}

/* The one-way breakdown of kind (HG_BD_ALL: "all"), or -1. */
static int bd_plain(const hg_indicator *ind, int kind)
{
	for (int b = 0; b < ind->nbds; b++)
		if ((kind == HG_BD_ALL && ind->bds[b].n == 0) ||
		    (ind->bds[b].n == 1 && ind->bds[b].kind[0] == kind))
			return b;
	return -1;
}

/* Is indicator i a worklist's aggregate (people on a list by its priority groups: not
 * segments of the population)? */
static int wl_aggregate(const hg_program *pr, int i)
{
	for (int w = 0; w < pr->nwls; w++)
		if (pr->wls[w].wl->ind == i)
			return 1;
	return 0;
}

/* Keep the segmentations with a count or a transitions indicator (the page's subject). */
static int seg_keep(seg_def *v, int n)
{
	int m = 0;
	for (int k = 0; k < n; k++)
		if (v[k].count_ind >= 0 || v[k].trans_ind >= 0)
			v[m++] = v[k];
	return m;
}

/* Every segmentation the pack's indicators count people by (or follow across periods), in
 * order of first use. */
static int seg_defs(const hg_program *pr, seg_def **outp)
{
	size_t cap = 1;
	for (int i = 0; i < pr->ninds; i++)
		for (int b = 0; b < pr->inds[i].ind->nbds; b++)
			cap += (size_t)pr->inds[i].ind->bds[b].n;
	seg_def *out = *outp = hg_xcalloc(cap, sizeof *out);
	int n = 0;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		for (int b = 0; b < ind->nbds; b++)
			for (int d = 0; d < ind->bds[b].n; d++) {
				const hg_breakdown *bd = &ind->bds[b];
				if (bd->kind[d] != HG_BD_VAR && bd->kind[d] != HG_BD_TRANS)
					continue;
				int k = 0;
				while (k < n && out[k].var != bd->var[d])
					k++;
				if (k == n) {
					out[n++] = (seg_def){bd->var[d], bd, d, -1, -1};
				}
				int sd;
				if (out[k].count_ind < 0 && ind->type == HG_IND_COUNT &&
				    !ind->trans && !wl_aggregate(pr, i) &&
				    bd_find(ind, bd->var[d], -1, &sd) >= 0)
					out[k].count_ind = i;
				if (out[k].trans_ind < 0 && ind->trans &&
				    bd->kind[d] == HG_BD_TRANS)
					out[k].trans_ind = i;
			}
	}
	return seg_keep(out, n);
}

/* ---- rows ---- */

static int rows_of(seg_page *sp, int i, int b, hg_pub_rows *out)
{
	const hg_indicator *ind = sp->q->res->pr->inds[i].ind;
	hg_query_spec spec = {ind->id, ind->bds[b].name, "latest"};
	hg_err err = {0};
	return hg_results_query(sp->q->res, &sp->q->sess.user, &spec, out, &err) == HG_Q_OK ? 0
	                                                                                    : -1;
}

/* Segment index of a category name (ncat for Unknown), or -1. */
static int seg_index(const seg_def *sd, const char *name, size_t n)
{
	const hg_breakdown *bd = sd->bd;
	for (int k = 0; k < bd->var_ncat[sd->dim]; k++)
		if (strlen(bd->var_names[sd->dim][k]) == n &&
		    !strncmp(bd->var_names[sd->dim][k], name, n))
			return k;
	return n == 7 && !strncmp(name, "Unknown", 7) ? bd->var_ncat[sd->dim] : -1;
}

static int seg_nparts(const seg_def *sd)
{
	return sd->bd->var_ncat[sd->dim] + (sd->bd->var_unknown[sd->dim] != 0);
}

static const char *seg_part(const seg_def *sd, int k)
{
	return k < sd->bd->var_ncat[sd->dim] ? sd->bd->var_names[sd->dim][k] : "Unknown";
}

/* Shares of each segment in each group of one breakdown. */
typedef struct seg_tab {
	char **groups; /* category of the other dimension ("" overall); at most one per row */
	int ngroups, nparts, partial;
	int empty;           /* groups left out: nobody in them */
	double *num, *share; /* [group * nparts + part] */
	char period[11];
} seg_tab;

static void tab_free(seg_tab *t)
{
	for (int g = 0; g < t->ngroups; g++)
		free(t->groups[g]);
	free(t->groups);
	free(t->num);
	free(t->share);
}

static int tab_group(seg_tab *t, const char *s, size_t n)
{
	for (int g = 0; g < t->ngroups; g++)
		if (strlen(t->groups[g]) == n && !strncmp(t->groups[g], s, n))
			return g;
	t->groups[t->ngroups] = strndup(s, n);
	return t->ngroups++;
}

/* Split "a / b" into S's part and the other's part by S's dimension. */
static void split2(const char *cat, int sdim, const char **s, size_t *sn, const char **o,
                   size_t *on)
{
	const char *sep = sdim == 0 ? strrchr(cat, '/') : strstr(cat, " / ");
	if (!sep || sep == cat) {
		*s = cat, *sn = strlen(cat), *o = "", *on = 0;
		return;
	}
	if (sdim == 0)
		sep--; /* at the space before the last '/' */
	const char *a = cat, *bb = sep + 3;
	size_t an = (size_t)(sep - cat), bn = strlen(bb);
	if (sdim == 0)
		*s = a, *sn = an, *o = bb, *on = bn;
	else
		*o = a, *on = an, *s = bb, *sn = bn;
}

/* Leave out the groups with nobody in them (every part 0, none suppressed); returns how many. */
static int tab_drop_empty(seg_tab *t)
{
	int m = 0, np = t->nparts;
	for (int g = 0; g < t->ngroups; g++) {
		int nobody = 1;
		for (int p = 0; p < np; p++)
			nobody &= t->num[g * np + p] == 0;
		if (nobody) {
			free(t->groups[g]);
			continue;
		}
		t->groups[m] = t->groups[g];
		memmove(t->num + m * np, t->num + g * np, (size_t)np * sizeof *t->num);
		m++;
	}
	int dropped = t->ngroups - m;
	t->ngroups = m;
	return dropped;
}

/* The denominators: each group's own row of the one-way `other` breakdown ("all" when
 * other is HG_BD_ALL), else the sum of the group's published segments. */
static void tab_shares(seg_page *sp, seg_tab *t, int i, int other)
{
	const hg_indicator *ind = sp->q->res->pr->inds[i].ind;
	hg_pub_rows m = {0};
	int mb = bd_plain(ind, other);
	int have = mb >= 0 && rows_of(sp, i, mb, &m) == 0;
	for (int g = 0; g < t->ngroups; g++) {
		double den = NAN, sum = 0;
		for (size_t k = 0; have && k < m.n; k++)
			if (!m.rows[k].suppressed &&
			    (other == HG_BD_ALL || !strcmp(m.rows[k].category, t->groups[g])))
				den = m.rows[k].num;
		for (int p = 0; p < t->nparts; p++) {
			double v = t->num[g * t->nparts + p];
			sum += isfinite(v) ? v : 0;
			t->partial |= !isfinite(v);
		}
		if (!isfinite(den))
			den = sum;
		for (int p = 0; p < t->nparts; p++)
			t->share[g * t->nparts + p] =
			    den > 0 ? 100 * t->num[g * t->nparts + p] / den : NAN;
	}
	hg_pub_rows_free(&m);
}

/* The table of S x other (other -1: S alone, the whole area as one group). */
static int tab_load(seg_page *sp, seg_tab *t, int i, int other)
{
	const hg_indicator *ind = sp->q->res->pr->inds[i].ind;
	int sdim, b = bd_find(ind, sp->sd->var, other, &sdim);
	hg_pub_rows rows = {0};
	memset(t, 0, sizeof *t);
	if (b < 0 || rows_of(sp, i, b, &rows) != 0 || rows.n == 0) {
		hg_pub_rows_free(&rows);
		return -1;
	}
	t->nparts = seg_nparts(sp->sd);
	size_t cells = rows.n * (size_t)t->nparts;
	t->groups = hg_xcalloc(rows.n, sizeof *t->groups);
	t->num = hg_xcalloc(cells, sizeof *t->num);
	t->share = hg_xcalloc(cells, sizeof *t->share);
	for (size_t k = 0; k < cells; k++)
		t->num[k] = t->share[k] = NAN;
	snprintf(t->period, sizeof t->period, "%s", rows.rows[0].period_end);
	for (size_t k = 0; k < rows.n; k++) {
		const hg_pub_row *r = &rows.rows[k];
		const char *s = r->category, *o = "";
		size_t sn = strlen(s), on = 0;
		if (other >= 0)
			split2(r->category, sdim, &s, &sn, &o, &on);
		int p = seg_index(sp->sd, s, sn), g = tab_group(t, o, on);
		if (p >= 0 && g >= 0)
			t->num[g * t->nparts + p] = r->suppressed ? NAN : r->num;
	}
	hg_pub_rows_free(&rows);
	if (other >= 0)
		t->empty = tab_drop_empty(t);
	tab_shares(sp, t, i, other < 0 ? HG_BD_ALL : other);
	return 0;
}

/* ---- drawing ---- */

static void group_label(const seg_page *sp, int other, const char *g, char *buf, size_t n)
{
	static const char *const bdname[HG_BD_N] = {[HG_BD_IMDQ] = "imd_quintile",
	                                            [HG_BD_ETH] = "ethnicity",
	                                            [HG_BD_AGEBAND] = "age_band",
	                                            [HG_BD_PRACTICE] = "practice"};
	if (other < 0)
		snprintf(buf, n, "%s",
		         sp->q->sess.user.role == HG_ROLE_PRACTICE ? "Your practice"
		                                                   : "Whole area");
	else
		hg_label_category(bdname[other], g, buf, n);
}

static void tab_table(seg_page *sp, const seg_tab *t, int other, const char *caption)
{
	hg_buf *b = sp->b;
	hg_buf_puts(b, "<details><summary>The figures</summary><div class=\"hg-table-wrap\">"
	               "<table class=\"hg-table hg-seg-table\"><caption>");
	hg_html_text(b, caption);
	hg_buf_puts(b, " (% of people; people in brackets)</caption><thead><tr><th scope=\"col\">"
	               "Group</th>");
	for (int p = 0; p < t->nparts; p++) {
		hg_buf_puts(b, "<th scope=\"col\" class=\"num\">");
		hg_html_text(b, seg_part(sp->sd, p));
		hg_buf_puts(b, "</th>");
	}
	hg_buf_puts(b, "</tr></thead><tbody>");
	for (int g = 0; g < t->ngroups; g++) {
		char lab[200];
		group_label(sp, other, t->groups[g], lab, sizeof lab);
		hg_buf_puts(b, "<tr><th scope=\"row\">");
		hg_html_text(b, lab);
		hg_buf_puts(b, "</th>");
		for (int p = 0; p < t->nparts; p++) {
			hg_buf_puts(b, "<td class=\"num\">");
			hg_page_pct(b, t->share[g * t->nparts + p]);
			hg_buf_puts(b, " <span class=\"hg-small\">(");
			hg_page_count(b, t->num[g * t->nparts + p]);
			hg_buf_puts(b, ")</span></td>");
		}
		hg_buf_puts(b, "</tr>");
	}
	hg_buf_puts(b, "</tbody></table></div></details>");
}

static void tab_chart(seg_page *sp, const seg_tab *t, int other, const char *id, const char *title)
{
	const char **groups = hg_xcalloc((size_t)t->ngroups + 1, sizeof *groups);
	const char **parts = hg_xcalloc((size_t)t->nparts + 1, sizeof *parts);
	char(*labs)[200] = hg_xcalloc((size_t)t->ngroups + 1, sizeof *labs);
	for (int g = 0; g < t->ngroups; g++) {
		group_label(sp, other, t->groups[g], labs[g], sizeof labs[g]);
		groups[g] = labs[g];
	}
	for (int p = 0; p < t->nparts; p++)
		parts[p] = seg_part(sp->sd, p);
	hg_stack_chart c = {id,
	                    title,
	                    "Stacked bars: the share of each group's people in each segment, "
	                    "segments in their declared order from left to right.",
	                    groups,
	                    (size_t)t->ngroups,
	                    parts,
	                    (size_t)t->nparts,
	                    t->share,
	                    420};
	hg_chart_stacked(sp->b, &c);
	free(groups);
	free(parts);
	free(labs);
}

/* One section of shares: S alone (other -1) or S x other. */
static void sec_shares(seg_page *sp, int other, const char *what)
{
	seg_tab t;
	if (sp->sd->count_ind < 0 || tab_load(sp, &t, sp->sd->count_ind, other) != 0)
		return;
	char id[64], title[300];
	snprintf(id, sizeof id, "seg-%d-%s", sp->sd->var, other < 0 ? "all" : what);
	snprintf(title, sizeof title, "Segments %s, period ending %s", what, t.period);
	hg_buf_printf(sp->b, "<section class=\"hg-card\" aria-labelledby=\"h-%s\"><h3 id=\"h-%s\">",
	              id, id);
	hg_html_text(sp->b, title);
	hg_buf_puts(sp->b, "</h3><figure>");
	tab_chart(sp, &t, other, id, title);
	hg_buf_puts(sp->b, "</figure>");
	if (t.partial)
		hg_buf_puts(sp->b,
		            "<p class=\"hg-note\">Some counts are suppressed (small numbers): "
		            "they are left out of the shares.</p>");
	if (t.empty)
		hg_buf_printf(
		    sp->b, "<p class=\"hg-note\">%d group%s with nobody in %s not shown.</p>",
		    t.empty, t.empty == 1 ? "" : "s", t.empty == 1 ? "it is" : "them are");
	tab_table(sp, &t, other, title);
	hg_buf_puts(sp->b, "</section>");
	tab_free(&t);
}

/* ---- flows ---- */

static const char *const flow_from_extra[] = {"Joined"};
static const char *const flow_to_extra[] = {"Died", "Left"};

static const char *flow_name(const seg_def *sd, int k, int to)
{
	int n = seg_nparts(sd);
	return k < n ? seg_part(sd, k) : to ? flow_to_extra[k - n] : flow_from_extra[k - n];
}

/* The latest flow matrix of the transitions indicator (within IMD quintile imd, or 0). */
static void sec_flows(seg_page *sp, int imd)
{
	const seg_def *sd = sp->sd;
	if (sd->trans_ind < 0)
		return;
	const hg_indicator *ind = sp->q->res->pr->inds[sd->trans_ind].ind;
	int b = -1;
	for (int k = 0; k < ind->nbds && b < 0; k++) {
		const hg_breakdown *bd = &ind->bds[k];
		if (imd ? bd->n == 2 && bd->kind[0] == HG_BD_IMDQ && bd->kind[1] == HG_BD_TRANS
		        : bd->n == 1 && bd->kind[0] == HG_BD_TRANS)
			b = k;
	}
	hg_pub_rows rows = {0};
	if (b < 0 || rows_of(sp, sd->trans_ind, b, &rows) != 0 || rows.n == 0) {
		hg_pub_rows_free(&rows);
		return;
	}
	int n = seg_nparts(sd), nf = n + 1, nt = n + 2;
	double *m = hg_xcalloc((size_t)(nf * nt), sizeof *m);
	for (int k = 0; k < nf * nt; k++)
		m[k] = NAN;
	char pre[8];
	snprintf(pre, sizeof pre, "%d / ", imd);
	for (size_t k = 0; k < rows.n; k++) {
		const char *c = rows.rows[k].category;
		if (imd && strncmp(c, pre, strlen(pre)))
			continue;
		c += imd ? strlen(pre) : 0;
		const char *arrow = strstr(c, " -> ");
		if (!arrow)
			continue;
		int f = -1, t = -1;
		for (int x = 0; x < nf; x++)
			if (strlen(flow_name(sd, x, 0)) == (size_t)(arrow - c) &&
			    !strncmp(flow_name(sd, x, 0), c, (size_t)(arrow - c)))
				f = x;
		for (int x = 0; x < nt; x++)
			if (!strcmp(flow_name(sd, x, 1), arrow + 4))
				t = x;
		if (f >= 0 && t >= 0)
			m[f * nt + t] = rows.rows[k].suppressed ? NAN : rows.rows[k].num;
	}
	hg_buf *bb = sp->b;
	hg_buf_printf(bb,
	              "<section class=\"hg-card\" id=\"flows-%d\" aria-labelledby=\"h-flows-%d\">"
	              "<h3 id=\"h-flows-%d\">Where people moved: ",
	              sd->var, sd->var, sd->var);
	hg_html_text(bb, ind->name);
	hg_buf_printf(bb, ", %s to %s</h3>", rows.rows[0].period_start, rows.rows[0].period_end);
	hg_buf_printf(bb,
	              "<form method=\"get\" action=\"/segments\" class=\"hg-filters\">"
	              "<label for=\"imd-%d\">Deprivation</label><select id=\"imd-%d\" "
	              "name=\"imd\" data-autosubmit>",
	              sd->var, sd->var);
	for (int q = 0; q <= 5; q++) {
		char lab[64] = "", code[4];
		snprintf(code, sizeof code, "%d", q);
		if (q)
			hg_label_category("imd_quintile", code, lab, sizeof lab);
		hg_buf_printf(bb, "<option value=\"%d\"%s>%s%s</option>", q,
		              q == imd ? " selected" : "", q ? "Quintile " : "Everyone",
		              q ? lab : "");
	}
	hg_buf_puts(bb, "</select><noscript><button class=\"hg-btn hg-btn-small\" "
	                "type=\"submit\">Show</button></noscript></form>");
	hg_buf_puts(bb, "<div class=\"hg-table-wrap\"><table class=\"hg-table hg-flow\"><caption>"
	                "People by their segment at the start (rows) and at the end (columns): "
	                "the count, and the share of the row</caption><thead><tr><th "
	                "scope=\"col\">From \\ to</th>");
	for (int t = 0; t < nt; t++) {
		hg_buf_puts(bb, "<th scope=\"col\" class=\"num\">");
		hg_html_text(bb, flow_name(sd, t, 1));
		hg_buf_puts(bb, "</th>");
	}
	hg_buf_puts(bb, "</tr></thead><tbody>");
	for (int f = 0; f < nf; f++) {
		double tot = 0;
		for (int t = 0; t < nt; t++)
			tot += isfinite(m[f * nt + t]) ? m[f * nt + t] : 0;
		hg_buf_puts(bb, "<tr><th scope=\"row\">");
		hg_html_text(bb, flow_name(sd, f, 0));
		hg_buf_puts(bb, "</th>");
		for (int t = 0; t < nt; t++) {
			double v = m[f * nt + t];
			hg_buf_printf(bb, "<td class=\"num%s\">", f == t ? " hg-flow-stay" : "");
			hg_page_count(bb, v);
			hg_buf_puts(bb, "<span class=\"hg-small\">");
			hg_page_pct(bb, tot > 0 && isfinite(v) ? 100 * v / tot : NAN);
			hg_buf_puts(bb, "</span></td>");
		}
		hg_buf_puts(bb, "</tr>");
	}
	hg_buf_puts(bb, "</tbody></table></div><p class=\"hg-note\">Shares are of the published "
	                "counts of the row (a suppressed count, shown -, is left out). Joined: not "
	                "in the population at the start; Left: no longer in it at the end.</p>"
	                "</section>");
	free(m);
	hg_pub_rows_free(&rows);
}

/* ---- service use ---- */

static void sec_use(seg_page *sp)
{
	const hg_program *pr = sp->q->res->pr;
	const seg_def *sd = sp->sd;
	int n = seg_nparts(sd), shown = 0;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		int sdim, b = bd_find(ind, sd->var, -1, &sdim);
		hg_pub_rows rows = {0};
		if (i == sd->count_ind || ind->trans || wl_aggregate(pr, i) || b < 0 ||
		    rows_of(sp, i, b, &rows) != 0) {
			hg_pub_rows_free(&rows);
			continue;
		}
		if (!shown++)
			hg_buf_printf(
			    sp->b,
			    "<section class=\"hg-card\" aria-labelledby=\"h-use-%d\"><h3 "
			    "id=\"h-use-%d\">Use of services and outcomes by segment</h3>"
			    "<div class=\"hg-table-wrap\"><table class=\"hg-table\"><thead><tr>"
			    "<th scope=\"col\">Indicator</th>",
			    sd->var, sd->var);
		if (shown == 1) {
			for (int p = 0; p < n; p++) {
				hg_buf_puts(sp->b, "<th scope=\"col\" class=\"num\">");
				hg_html_text(sp->b, seg_part(sd, p));
				hg_buf_puts(sp->b, "</th>");
			}
			hg_buf_puts(sp->b, "</tr></thead><tbody>");
		}
		char unit[96];
		hg_label_unit(ind, unit, sizeof unit);
		hg_buf_puts(sp->b, "<tr><th scope=\"row\"><a href=\"/indicators/");
		hg_html_urlenc(sp->b, ind->id);
		hg_buf_puts(sp->b, "\">");
		hg_html_text(sp->b, ind->name);
		hg_buf_puts(sp->b, "</a><span class=\"hg-small\">");
		hg_html_text(sp->b, unit);
		hg_buf_printf(sp->b, ", period ending %s</span></th>",
		              rows.n ? rows.rows[0].period_end : "-");
		for (int p = 0; p < n; p++) {
			double v = NAN;
			for (size_t k = 0; k < rows.n; k++)
				if (!rows.rows[k].suppressed &&
				    !strcmp(rows.rows[k].category, seg_part(sd, p)))
					v = rows.rows[k].value;
			hg_buf_puts(sp->b, "<td class=\"num\">");
			hg_page_num(sp->b, v);
			hg_buf_puts(sp->b, "</td>");
		}
		hg_buf_puts(sp->b, "</tr>");
		hg_pub_rows_free(&rows);
	}
	if (shown)
		hg_buf_puts(sp->b, "</tbody></table></div></section>");
}

/* ---- the drill: one segment by practice ---- */

typedef struct prac_share {
	const char *code;
	double share, num;
} prac_share;

static int by_share(const void *a, const void *b)
{
	const prac_share *x = a, *y = b;
	double u = isfinite(x->share) ? x->share : -1, v = isfinite(y->share) ? y->share : -1;
	return u < v ? 1 : u > v ? -1 : strcmp(x->code, y->code);
}

static void sec_practices(seg_page *sp, int part)
{
	seg_tab t;
	const seg_def *sd = sp->sd;
	if (sd->count_ind < 0 || tab_load(sp, &t, sd->count_ind, HG_BD_PRACTICE) != 0)
		return;
	const hg_indicator *ind = sp->q->res->pr->inds[sd->count_ind].ind;
	int sdim, b = bd_find(ind, sd->var, HG_BD_PRACTICE, &sdim);
	prac_share *ps = hg_xcalloc((size_t)t.ngroups + 1, sizeof *ps);
	for (int g = 0; g < t.ngroups; g++)
		ps[g] = (prac_share){t.groups[g], t.share[g * t.nparts + part],
		                     t.num[g * t.nparts + part]};
	qsort(ps, (size_t)t.ngroups, sizeof *ps, by_share);
	hg_buf *bb = sp->b;
	hg_buf_printf(bb,
	              "<section class=\"hg-card\" id=\"practices-%d\" aria-labelledby=\"h-pr-%d\">"
	              "<h3 id=\"h-pr-%d\">",
	              sd->var, sd->var, sd->var);
	hg_html_text(bb, seg_part(sd, part));
	hg_buf_printf(bb,
	              " by practice, period ending %s</h3><div class=\"hg-table-wrap\"><table "
	              "class=\"hg-table\"><thead><tr><th scope=\"col\">Practice</th><th "
	              "scope=\"col\" class=\"num\">People in the segment</th><th scope=\"col\" "
	              "class=\"num\">Share of the practice's people</th></tr></thead><tbody>",
	              t.period);
	for (int g = 0; g < t.ngroups; g++) {
		hg_buf_puts(bb, "<tr><th scope=\"row\"><a href=\"/indicators/");
		hg_html_urlenc(bb, ind->id);
		hg_buf_puts(bb, "?breakdown=");
		hg_html_urlenc(bb, ind->bds[b].name);
		hg_buf_puts(bb, "\">");
		hg_html_text(bb, ps[g].code);
		hg_buf_puts(bb, "</a></th><td class=\"num\">");
		hg_page_count(bb, ps[g].num);
		hg_buf_puts(bb, "</td><td class=\"num\">");
		hg_page_pct(bb, ps[g].share);
		hg_buf_puts(bb, "</td></tr>");
	}
	hg_buf_puts(bb, "</tbody></table></div></section>");
	free(ps);
	tab_free(&t);
}

/* Links from each segment to its practices (where the role sees a practice breakdown). */
static void seg_drill_links(seg_page *sp)
{
	const seg_def *sd = sp->sd;
	if (sd->count_ind < 0)
		return;
	const hg_indicator *ind = sp->q->res->pr->inds[sd->count_ind].ind;
	int sdim, b = bd_find(ind, sd->var, HG_BD_PRACTICE, &sdim);
	if (b < 0 || !hg_results_bd_allowed(sp->q->res, &sp->q->sess.user, sd->count_ind, b))
		return;
	hg_buf_puts(sp->b, "<p class=\"hg-seg-drill\">By practice: ");
	for (int p = 0; p < seg_nparts(sd); p++) {
		hg_buf_printf(sp->b, "%s<a href=\"/segments?s=%d&amp;segment=%d#practices-%d\">",
		              p ? " &middot; " : "", sd->var, p, sd->var);
		hg_html_text(sp->b, seg_part(sd, p));
		hg_buf_puts(sp->b, "</a>");
	}
	hg_buf_puts(sp->b, "</p>");
}

/* ---- the page ---- */

static int arg_int(const hg_req *q, const char *name, int lo, int hi, int dflt)
{
	const char *v = hg_req_arg(q, name);
	char *end;
	long x = v ? strtol(v, &end, 10) : dflt;
	return v && (*end || x < lo || x > hi) ? dflt : (int)x;
}

static void seg_section(seg_page *sp, int imd, int drill)
{
	const seg_def *sd = sp->sd;
	hg_buf_printf(sp->b,
	              "<section class=\"hg-seg\" aria-labelledby=\"h-seg-%d\">"
	              "<h2 id=\"h-seg-%d\">",
	              sd->var, sd->var);
	hg_html_text(sp->b, sd->count_ind >= 0 ? sp->q->res->pr->inds[sd->count_ind].ind->name
	                                       : sp->q->res->pr->inds[sd->trans_ind].ind->name);
	hg_buf_puts(sp->b, "</h2>");
	seg_drill_links(sp);
	hg_buf_puts(sp->b, "<div class=\"hg-grid\">");
	sec_shares(sp, -1, "overall");
	if (sp->q->sess.user.role == HG_ROLE_PRACTICE)
		sec_shares(sp, HG_BD_PRACTICE, "in your practice");
	sec_shares(sp, HG_BD_IMDQ, "by deprivation quintile");
	sec_shares(sp, HG_BD_ETH, "by ethnic group");
	sec_shares(sp, HG_BD_AGEBAND, "by age band");
	hg_buf_puts(sp->b, "</div>");
	sec_flows(sp, imd);
	sec_use(sp);
	if (drill >= 0 && drill < seg_nparts(sd))
		sec_practices(sp, drill);
	hg_buf_puts(sp->b, "</section>");
}

static void hg_segments(hg_req *q, hg_resp *r)
{
	seg_def *sd;
	int n = seg_defs(q->res->pr, &sd);
	int imd = arg_int(q, "imd", 0, 5, 0), s = arg_int(q, "s", 0, 1 << 30, -1),
	    drill = arg_int(q, "segment", 0, 1 << 16, -1);
	hg_buf *b = &r->body;
	hg_html_begin(b, q, "Population segments", "segments");
	char rule[200];
	hg_sdc_describe(q->res->sdc_k, 0, rule, sizeof rule);
	hg_buf_printf(b,
	              "<h1>Population segments</h1><p class=\"hg-lede\">How the population "
	              "divides into the pack's segments, how that differs by deprivation, "
	              "ethnicity and age, where people move between segments from one period to "
	              "the next, and their use of services: from the published figures (%s), "
	              "latest period.</p>",
	              rule);
	if (n == 0)
		hg_buf_puts(b, "<p>This indicator pack has no segmentation indicators.</p>");
	for (int k = 0; k < n; k++) {
		seg_page sp = {q, b, &sd[k]};
		seg_section(&sp, imd, sd[k].var == s ? drill : -1);
	}
	free(sd);
	hg_html_end(b, q);
	hg_req_audit(q, "view", "page segments imd=%d s=%d segment=%d", imd, s, drill);
	hg_page_ok(r, 200);
}

int hg_segments_route(hg_req *q, hg_resp *r)
{
	if (strcmp(q->path, "/segments"))
		return 0;
	if (!q->authed)
		hg_resp_redirect(r, "/login");
	else if (strcmp(q->method, "GET") && strcmp(q->method, "HEAD"))
		hg_resp_error(r, 405, "method not allowed");
	else
		hg_segments(q, r);
	return 1;
}

int hg_segments_any(const hg_results *res)
{
	seg_def *sd;
	int n = seg_defs(res->pr, &sd);
	free(sd);
	return n > 0;
}
