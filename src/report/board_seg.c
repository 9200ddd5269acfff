/*
 * board_seg.c: the board report's "Population segments" page, from the
 * published rows alone (indicators.json), so it needs no pack: a count
 * indicator with a one-way breakdown S and an "imd_quintile x S" (or
 * "S x imd_quintile") breakdown is a segmentation's count - S is any
 * breakdown but the built-in ones (IMD, ethnicity, sex, age band, the places,
 * specialty, provider, flags, transition) and it is not a worklist's aggregate (metadata.json
 * "worklists") - and an indicator with a "transition" breakdown is its
 * transitions. The page has each segmentation's shares for the whole area
 * and by IMD quintile (report/chart_stack.h; each group's published segment
 * counts over their sum, a suppressed count left out), the segment whose
 * share differs most between the most and least deprived fifths, in words,
 * and from the transitions the largest move between two segments. Nothing is
 * added when the results have no segmentation.
 */
#include "report/board.h"

#include "report/chart_stack.h"
#include "report/svg.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEG_PARTS 64 /* segments of one segmentation shown (more: the page says so) */

static const char *sj(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int standard_bd(const char *s)
{
	/* every built-in breakdown (docs/language.md "Breakdowns"): the trust pack's counts by
	   ethnicity_detailed or specialty are not a segmentation's */
	static const char *const std[] = {"all",
	                                  "imd_quintile",
	                                  "imd_decile",
	                                  "ethnicity",
	                                  "ethnicity_detailed",
	                                  "sex",
	                                  "age_band",
	                                  "practice",
	                                  "pcn",
	                                  "sub_icb",
	                                  "local_authority",
	                                  "msoa",
	                                  "imd_quintile_local",
	                                  "specialty",
	                                  "provider",
	                                  "transition"};
	for (size_t k = 0; k < sizeof std / sizeof *std; k++)
		if (!strcmp(s, std[k]))
			return 1;
	return !strncmp(s, "flag_", 5) || strstr(s, " x ") != NULL;
}

/* The latest period end of indicator id. */
static const char *latest(json_t *rows, const char *id)
{
	const char *end = "";
	size_t k;
	json_t *r;
	json_array_foreach(rows, k, r) if (!strcmp(sj(r, "indicator_id"), id) &&
	                                   strcmp(sj(r, "period_end"), end) > 0) end =
	    sj(r, "period_end");
	return end;
}

typedef struct seg_tab {
	const char *parts[SEG_PARTS];
	int nparts, more;
	double num[6][SEG_PARTS]; /* group 0 whole area, 1..5 quintiles */
	double share[6 * SEG_PARTS];
} seg_tab;

static int part_of(seg_tab *t, const char *name, size_t n)
{
	for (int p = 0; p < t->nparts; p++)
		if (strlen(t->parts[p]) == n && !strncmp(t->parts[p], name, n))
			return p;
	if (t->nparts == SEG_PARTS) {
		t->more = 1;
		return -1;
	}
	t->parts[t->nparts] = strndup(name, n);
	for (int g = 0; g < 6; g++)
		t->num[g][t->nparts] = NAN;
	return t->nparts++;
}

/* Fill the table from the latest rows of indicator id: S (group 0) and Q x S or S x Q. */
static void seg_fill(seg_tab *t, json_t *rows, const char *id, const char *s)
{
	const char *end = latest(rows, id);
	char qs[160], sq[160];
	snprintf(qs, sizeof qs, "imd_quintile x %s", s);
	snprintf(sq, sizeof sq, "%s x imd_quintile", s);
	size_t k;
	json_t *r;
	json_array_foreach(rows, k, r)
	{
		if (strcmp(sj(r, "indicator_id"), id) || strcmp(sj(r, "period_end"), end))
			continue;
		const char *bd = sj(r, "breakdown"), *cat = sj(r, "category");
		json_t *v = json_object_get(r, "numerator");
		double num = json_is_number(v) ? json_number_value(v) : NAN;
		int g = 0, p = -1;
		if (!strcmp(bd, s)) {
			p = part_of(t, cat, strlen(cat));
		} else if (!strcmp(bd, qs) || !strcmp(bd, sq)) {
			const char *sep = strstr(cat, " / ");
			if (!sep)
				continue;
			const char *q = !strcmp(bd, qs) ? cat : sep + 3;
			const char *seg = !strcmp(bd, qs) ? sep + 3 : cat;
			size_t segn = !strcmp(bd, qs) ? strlen(seg) : (size_t)(sep - cat);
			if (q[0] < '1' || q[0] > '5' || (q[1] && q[1] != ' '))
				continue; /* Unknown */
			g = q[0] - '0';
			p = part_of(t, seg, segn);
		}
		if (p >= 0)
			t->num[g][p] = num;
	}
	for (int g = 0; g < 6; g++) {
		double sum = 0;
		for (int p = 0; p < t->nparts; p++)
			sum += isfinite(t->num[g][p]) ? t->num[g][p] : 0;
		for (int p = 0; p < t->nparts; p++)
			t->share[g * t->nparts + p] = sum > 0 ? 100 * t->num[g][p] / sum : NAN;
	}
}

/* The segment whose share differs most between quintiles 1 and 5, in words. */
static void seg_words(hg_buf *b, const seg_tab *t)
{
	int best = -1;
	double gap = 0;
	for (int p = 0; p < t->nparts; p++) {
		double d = t->share[1 * t->nparts + p] - t->share[5 * t->nparts + p];
		if (isfinite(d) && fabs(d) > fabs(gap))
			gap = d, best = p;
	}
	if (best < 0)
		return;
	hg_buf_puts(b, "<p><b>");
	hg_xml_escape(b, t->parts[best]);
	hg_buf_printf(
	    b,
	    "</b>: %.1f%% of people in the most deprived fifth of neighbourhoods, %.1f%% in "
	    "the least deprived fifth (%.1f percentage points %s), the largest "
	    "difference of any segment.</p>",
	    t->share[1 * t->nparts + best], t->share[5 * t->nparts + best], fabs(gap),
	    gap > 0 ? "higher" : "lower");
}

/* The largest move between two different segments in the latest period of a
 * transitions indicator (not joining, leaving or dying), in words. */
static void seg_flow(hg_buf *b, json_t *rows, const char *id, const char *name)
{
	const char *end = latest(rows, id), *best = NULL, *start = "";
	double most = 0;
	size_t k;
	json_t *r;
	json_array_foreach(rows, k, r)
	{
		if (strcmp(sj(r, "indicator_id"), id) || strcmp(sj(r, "period_end"), end) ||
		    strcmp(sj(r, "breakdown"), "transition"))
			continue;
		const char *c = sj(r, "category"), *arrow = strstr(c, " -> ");
		json_t *v = json_object_get(r, "numerator");
		if (!arrow || !json_is_number(v) || !strncmp(c, "Joined", 6) ||
		    !strcmp(arrow + 4, "Died") || !strcmp(arrow + 4, "Left") ||
		    (strlen(arrow + 4) == (size_t)(arrow - c) &&
		     !strncmp(c, arrow + 4, (size_t)(arrow - c))))
			continue;
		if (json_number_value(v) > most)
			most = json_number_value(v), best = c, start = sj(r, "period_start");
	}
	if (!best)
		return;
	const char *arrow = strstr(best, " -> ");
	hg_buf_puts(b, "<p>");
	hg_xml_escape(b, name);
	hg_buf_printf(b, ", %s to %s: the largest move between segments was %.0f people from <b>",
	              start, end, most);
	hg_buf_put(b, best, (size_t)(arrow - best));
	hg_buf_puts(b, "</b> to <b>");
	hg_xml_escape(b, arrow + 4);
	hg_buf_puts(b, "</b>.</p>");
}

static void seg_section(hg_buf *b, json_t *rows, json_t *first, const char *s, int n)
{
	seg_tab *t = hg_xcalloc(1, sizeof *t);
	const char *id = sj(first, "indicator_id");
	seg_fill(t, rows, id, s);
	static const char *const groups[6] = {"Whole area", "1 (most deprived)", "2", "3",
	                                      "4",          "5 (least deprived)"};
	char cid[48], title[400];
	snprintf(cid, sizeof cid, "board-seg-%d", n);
	snprintf(title, sizeof title, "%s, period ending %s", sj(first, "indicator_name"),
	         latest(rows, id));
	hg_buf_puts(b, "<h3>");
	hg_xml_escape(b, title);
	hg_buf_puts(b, "</h3>");
	seg_words(b, t);
	hg_buf_puts(b, "<div class=\"chart\">");
	hg_stack_chart c = {cid,
	                    title,
	                    "Stacked bars: the share of each group's people in each "
	                    "segment, by IMD quintile (1 most deprived).",
	                    groups,
	                    6,
	                    t->parts,
	                    (size_t)t->nparts,
	                    t->share,
	                    900};
	hg_chart_stacked(b, &c);
	hg_buf_puts(b, "</div>");
	if (t->more)
		hg_buf_printf(b, "<p class=\"note\">Only the first %d segments are shown.</p>",
		              SEG_PARTS);
	for (int p = 0; p < t->nparts; p++)
		free((char *)t->parts[p]);
	free(t);
}

/* Is id one of the run's worklist aggregates (metadata.json "worklists")? */
static int is_worklist(json_t *meta, const char *id)
{
	size_t k;
	json_t *w;
	json_array_foreach(
	    json_object_get(meta, "worklists"), k,
	    w) if (!strcmp(json_string_value(w) ? json_string_value(w) : "", id)) return 1;
	return 0;
}

void hg_board_segments(hg_buf *b, void *rows_json, void *meta_json)
{
	json_t *rows = rows_json, *meta = meta_json;
	size_t k;
	json_t *r;
	int n = 0;
	const char *seen[64];
	/* segmentation counts: one-way non-standard breakdowns of count indicators */
	json_array_foreach(rows, k, r)
	{
		const char *bd = sj(r, "breakdown"), *id = sj(r, "indicator_id");
		if (strcmp(sj(r, "value_type"), "count") || standard_bd(bd) || n == 64 ||
		    is_worklist(meta, id))
			continue;
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= !strcmp(seen[i], id);
		if (dup)
			continue;
		seen[n++] = id;
		if (n == 1)
			hg_buf_puts(
			    b, "<section class=\"page\" id=\"segments\"><h2>Population "
			       "segments</h2><p>How the registered population divides into "
			       "segments and how that differs by deprivation, from the published, "
			       "disclosure-controlled counts (a suppressed count is left out of "
			       "the shares).</p>");
		seg_section(b, rows, r, bd, n);
	}
	if (!n)
		return;
	const char *tseen[64];
	int nt = 0;
	json_array_foreach(rows, k, r)
	{
		const char *id = sj(r, "indicator_id");
		if (strcmp(sj(r, "breakdown"), "transition") || nt == 64)
			continue;
		int dup = 0;
		for (int i = 0; i < nt; i++)
			dup |= !strcmp(tseen[i], id);
		if (!dup) {
			tseen[nt++] = id;
			seg_flow(b, rows, id, sj(r, "indicator_name"));
		}
	}
	hg_buf_puts(b, "</section>");
}
