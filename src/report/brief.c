/*
 * brief.c: the executive summary's ranked messages (brief.h). The same rows
 * give the same words in the board report and the dashboard's overview. The
 * rules (docs/methods.md "The executive summary"): a gap's size is |gap| / |value|
 * of the whole area; clear gaps (95% CI excluding zero) come before the rest;
 * the first three are named. Widening and narrowing are the special-cause
 * concern and improvement of the gap's own SPC series. Practices are those
 * beyond the 99.8% funnel limits, worse under the polarity first; up to three
 * are named and the rest counted.
 */
#include "report/brief.h"

#include "report/labels.h"
#include "report/svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BRIEF_TOP = 3, BRIEF_PRACTICES = 3 };

double hg_brief_gap_size(double gap, double value)
{
	double v = fabs(gap) / fabs(value);
	return isfinite(v) ? v : isfinite(gap) ? fabs(gap) * 1e-9 : -1;
}

int hg_brief_gap_clear(const hg_brief_ind *v)
{
	if (!isfinite(v->gap))
		return 0;
	if (!isfinite(v->gap_lo) || !isfinite(v->gap_hi))
		return 1;
	return v->gap_lo > 0 || v->gap_hi < 0;
}

typedef struct rank_key {
	size_t i;
	int clear;
	double size;
} rank_key;

static int by_rank(const void *a, const void *b)
{
	const rank_key *x = a, *y = b;
	if (x->clear != y->clear)
		return y->clear - x->clear;
	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void hg_brief_rank(const hg_brief_ind *v, size_t n, size_t *order)
{
	rank_key *k = hg_xcalloc(n + 1, sizeof *k);
	for (size_t i = 0; i < n; i++)
		k[i] = (rank_key){i, hg_brief_gap_clear(&v[i]),
		                  hg_brief_gap_size(v[i].gap, v[i].value)};
	qsort(k, n, sizeof *k, by_rank);
	for (size_t i = 0; i < n; i++)
		order[i] = k[i].i;
	free(k);
}

static int worse_rank(int w)
{
	return w > 0 ? 0 : w < 0 ? 1 : 2;
}

void hg_brief_rank_practices(hg_brief_practice *p, size_t n)
{
	/* insertion sort: stable, and the lists are short (practices beyond 99.8% limits) */
	for (size_t i = 1; i < n; i++) {
		hg_brief_practice x = p[i];
		size_t j = i;
		for (; j > 0 && worse_rank(p[j - 1].worse) > worse_rank(x.worse); j--)
			p[j] = p[j - 1];
		p[j] = x;
	}
}

void hg_brief_practice_label(const hg_brief_practice *p, char *buf, size_t size)
{
	if (p->name && p->name[0])
		snprintf(buf, size, "%s (%s)", p->name, p->code);
	else
		snprintf(buf, size, "%s", p->code);
}

static void put(hg_buf *b, const char *s)
{
	hg_xml_escape(b, s);
}

/* ", " between items and " and " before the last of n. */
static void sep(hg_buf *b, size_t k, size_t n)
{
	if (k > 0)
		hg_buf_puts(b, k + 1 == n ? " and " : ", ");
}

static void msg_gaps(hg_buf *b, const hg_brief_ind *v, size_t n, const size_t *order)
{
	size_t clear = 0;
	for (size_t k = 0; k < n; k++)
		clear += hg_brief_gap_clear(&v[k]);
	if (!clear) {
		hg_buf_puts(b,
		            "<li><strong>No clear deprivation gap.</strong> No indicator shows a "
		            "gap between the most and least deprived fifths of neighbourhoods "
		            "that is clear of chance.</li>");
		return;
	}
	size_t top = clear < BRIEF_TOP ? clear : BRIEF_TOP;
	hg_buf_printf(b,
	              "<li><strong>The largest gaps.</strong> %zu of %zu indicators show a clear "
	              "gap between the most and least deprived fifths of neighbourhoods; the "
	              "largest for %s ",
	              clear, n, top == 1 ? "its size is" : "their size are");
	for (size_t k = 0; k < top; k++) {
		const hg_brief_ind *x = &v[order[k]];
		char w[128];
		hg_label_diff(x->ind, x->gap, 1, w, sizeof w);
		sep(b, k, top);
		hg_buf_puts(b, "<b>");
		put(b, x->name);
		hg_buf_puts(b, "</b> (");
		put(b, w);
		hg_buf_puts(b, " in the most deprived fifth)");
	}
	hg_buf_puts(b, ".</li>");
}

typedef int (*brief_pred)(const hg_brief_ind *x);
static int widening(const hg_brief_ind *x)
{
	return x->gap_trend > 0;
}
static int narrowing(const hg_brief_ind *x)
{
	return x->gap_trend < 0;
}
static int failing(const hg_brief_ind *x)
{
	return x->failing;
}
static int hit_miss(const hg_brief_ind *x)
{
	return x->hit_miss;
}

static size_t count_where(const hg_brief_ind *v, size_t n, brief_pred f)
{
	size_t m = 0;
	for (size_t k = 0; k < n; k++)
		m += f(&v[k]) != 0;
	return m;
}

/* The names of the indicators for which f holds, in rank order. */
static void list_where(hg_buf *b, const hg_brief_ind *v, size_t n, const size_t *order,
                       brief_pred f)
{
	size_t m = count_where(v, n, f), c = 0;
	for (size_t k = 0; k < n; k++) {
		const hg_brief_ind *x = &v[order[k]];
		if (!f(x))
			continue;
		sep(b, c++, m);
		hg_buf_puts(b, "<b>");
		put(b, x->name);
		hg_buf_puts(b, "</b>");
	}
}

static void msg_trend(hg_buf *b, const hg_brief_ind *v, size_t n, const size_t *order)
{
	size_t wid = count_where(v, n, widening), nar = count_where(v, n, narrowing);
	if (!wid)
		hg_buf_puts(b, "<li><strong>No gap is widening.</strong> No gap shows a run of "
		               "special-cause concern over time");
	else {
		hg_buf_puts(b, wid == 1 ? "<li><strong>A gap is widening:</strong> "
		                        : "<li><strong>Gaps are widening:</strong> ");
		list_where(b, v, n, order, widening);
	}
	if (nar) {
		hg_buf_puts(b, "; narrowing: ");
		list_where(b, v, n, order, narrowing);
	} else
		hg_buf_puts(b, "; none is narrowing");
	hg_buf_puts(b, " (statistical process control of each gap).</li>");
}

static void msg_targets(hg_buf *b, const hg_brief_ind *v, size_t n, const size_t *order)
{
	size_t fail = count_where(v, n, failing), hm = count_where(v, n, hit_miss);
	if (!fail)
		hg_buf_puts(b, "<li><strong>No target is consistently failed.</strong>");
	else {
		hg_buf_printf(b, "<li><strong>%zu %s consistently %s %s target:</strong> ", fail,
		              fail == 1 ? "indicator" : "indicators", fail == 1 ? "fails" : "fail",
		              fail == 1 ? "its" : "their");
		list_where(b, v, n, order, failing);
		hg_buf_puts(b, ".");
	}
	if (hm)
		hg_buf_printf(b, " %zu more %s the target only some of the time.", hm,
		              hm == 1 ? "meets" : "meet");
	hg_buf_puts(b, "</li>");
}

static void msg_practices(hg_buf *b, const hg_brief_practice *p, size_t np)
{
	size_t worse = 0;
	for (size_t k = 0; k < np; k++)
		worse += p[k].worse > 0;
	if (!np) {
		hg_buf_puts(b, "<li><strong>No practice stands out:</strong> every practice is "
		               "within the 99.8% limits of its funnel plot.</li>");
		return;
	}
	size_t shown = np < BRIEF_PRACTICES ? np : BRIEF_PRACTICES;
	hg_buf_printf(b,
	              "<li><strong>Practices that stand out.</strong> %zu practice %s beyond "
	              "the 99.8%% limits (%zu worse than expected): ",
	              np, np == 1 ? "result is" : "results are", worse);
	for (size_t k = 0; k < shown; k++) {
		char l[200];
		hg_brief_practice_label(&p[k], l, sizeof l);
		hg_buf_puts(b, k ? "; <b>" : "<b>");
		put(b, l);
		hg_buf_printf(b, "</b> %s on ",
		              p[k].worse > 0   ? "worse"
		              : p[k].worse < 0 ? "better"
		                               : "different");
		put(b, p[k].ind_name);
	}
	if (np > shown)
		hg_buf_printf(b, "; and %zu more", np - shown);
	hg_buf_puts(b, ".</li>");
}

static void msg_people(hg_buf *b, const hg_brief_ind *v, size_t n, const size_t *order)
{
	const hg_brief_ind *best = NULL;
	for (size_t k = 0; k < n; k++) {
		const hg_brief_ind *x = &v[order[k]];
		if (hg_brief_gap_clear(x) && isfinite(x->people) && x->people > 0 &&
		    (!best || x->people > best->people))
			best = x;
	}
	if (!best)
		return;
	char p[32];
	const char *what = hg_label_counted(best->ind, 0);
	hg_fmt_tick(round(best->people), 1, p, sizeof p);
	hg_buf_printf(b, "<li><strong>Most %s needed:</strong> closing the gap in <b>", what);
	put(b, best->name);
	hg_buf_printf(b,
	              "</b> would take about %s more %s in the most deprived fifth reaching "
	              "the least deprived fifth's rate.</li>",
	              p, what);
}

void hg_brief_messages(hg_buf *b, const hg_brief_ind *v, size_t n, const hg_brief_practice *p,
                       size_t np, int practices_shown)
{
	size_t *order = hg_xcalloc(n + 1, sizeof *order);
	hg_brief_rank(v, n, order);
	hg_buf_puts(b, "<ol class=\"hg-brief\">");
	msg_gaps(b, v, n, order);
	msg_trend(b, v, n, order);
	msg_targets(b, v, n, order);
	if (practices_shown)
		msg_practices(b, p, np);
	msg_people(b, v, n, order);
	hg_buf_puts(b, "</ol>");
	free(order);
}
