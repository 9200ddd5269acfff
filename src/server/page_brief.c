/*
 * page_brief.c: the executive summary on the dashboard's overview: the board
 * report's ranked messages (report/brief.c) built from the published results
 * the reader may see, so the overview and the board paper say the same things.
 * The gap and its CI, the people needed and the practices come through the
 * role-enforcing analysis view (rescache.h): a viewer's summary has no practice
 * message; a practice user gets none of it (its overview is its own practice's).
 */
#include "report/brief.h"
#include "server/pages.h"
#include "server/summary.h"
#include "stats/funnel.h"
#include "stats/spc.h"

#include <math.h>
#include <string.h>

typedef struct brief_acc {
	hg_brief_ind *v;
	hg_brief_practice *p;
	size_t np, cap;
	int practices_shown;
} brief_acc;

static int gap_trend(int var)
{
	return var == HG_SPC_VAR_CONCERN_HIGH || var == HG_SPC_VAR_CONCERN_LOW           ? 1
	       : var == HG_SPC_VAR_IMPROVEMENT_HIGH || var == HG_SPC_VAR_IMPROVEMENT_LOW ? -1
	                                                                                 : 0;
}

/* The practices of one indicator's funnel beyond its 99.8% limits, judged by the polarity. */
static void brief_dots(const hg_req *q, brief_acc *a, const hg_an_view *an, const hg_ind_summary *s)
{
	a->practices_shown = 1;
	for (size_t k = 0; k < an->ndots; k++) {
		const hg_funnel_dot *d = an->dots[k];
		int high = d->sig == HG_FUNNEL_HIGH_001;
		if (!high && d->sig != HG_FUNNEL_LOW_001)
			continue;
		if (a->np == a->cap)
			a->p = hg_xrealloc(a->p, (a->cap = a->cap * 2 + 8) * sizeof *a->p);
		a->p[a->np++] =
		    (hg_brief_practice){d->practice,
		                        hg_store_practice_name(&q->res->st, d->practice),
		                        s->ind->name,
		                        d->value,
		                        an->funnel->limits[0].baseline,
		                        s->polarity == HG_POL_NEUTRAL                   ? 0
		                        : (s->polarity == HG_POL_HIGHER_BETTER) == high ? -1
		                                                                        : 1};
	}
}

static void brief_row(const hg_req *q, brief_acc *a, const hg_ind_summary *s, hg_brief_ind *x)
{
	*x = (hg_brief_ind){.ind = s->ind,
	                    .id = s->ind->id,
	                    .name = s->ind->name,
	                    .value = s->value,
	                    .gap = s->gap,
	                    .gap_lo = NAN,
	                    .gap_hi = NAN,
	                    .gap_trend = gap_trend(s->gap_var),
	                    .failing = s->ass == HG_SPC_ASSURE_FAIL,
	                    .hit_miss = s->ass == HG_SPC_ASSURE_INCONSISTENT,
	                    .people = NAN};
	hg_an_view an;
	hg_err err = {0};
	if (hg_results_analysis(q->res, &q->sess.user, s->ind->id, NULL, &an, &err) != HG_Q_OK)
		return;
	const hg_ineq_row *g = hg_an_find(&an, "gap_abs", NULL, "1");
	const hg_ineq_row *p = hg_an_find(&an, "people_to_close_gap", g ? g->breakdown : NULL, "1");
	if (g)
		x->gap_lo = g->lo95, x->gap_hi = g->hi95;
	if (p)
		x->people = p->value;
	if (an.funnel)
		brief_dots(q, a, &an, s);
	hg_an_view_free(&an);
}

void hg_page_brief(const hg_req *q, hg_buf *b, const hg_ind_summary *s, int n)
{
	if (q->sess.user.role == HG_ROLE_PRACTICE || n <= 0)
		return;
	brief_acc a = {.v = hg_xcalloc((size_t)n, sizeof *a.v)};
	for (int i = 0; i < n; i++)
		brief_row(q, &a, &s[i], &a.v[i]);
	hg_brief_rank_practices(a.p, a.np);
	hg_buf_puts(b, "<section class=\"hg-card\" aria-labelledby=\"h-brief\" id=\"brief\"><h2 "
	               "id=\"h-brief\">Executive summary</h2>");
	hg_brief_messages(b, a.v, (size_t)n, a.p, a.np, a.practices_shown);
	hg_buf_puts(b, "<p class=\"hg-note\">The board report (<code>healthgap report</code>) "
	               "opens with the same summary.</p></section>");
	free(a.v);
	free(a.p);
}
