/*
 * chart_stack.c: 100% stacked bars (chart_stack.h). A share that is not
 * published (suppressed) leaves its piece out, so the bar stops short of
 * 100% (the caller says why beside the chart); a bar with none published
 * reads "suppressed".
 */
#include "report/chart_stack.h"

#include "report/svg.h"

#include <math.h>
#include <stdio.h>

#define LABEL_W    124.0 /* group labels left of the bars */
#define BAR_H      24.0
#define BAR_GAP    12.0
#define LEGEND_ROW 20.0

/* The categorical palette and, for segmentations of 7 and 8 parts such as Bridges to
 * Health, the Okabe-Ito yellow and a grey: no two neighbouring pieces alike. */
static const char *part_colour(size_t k)
{
	static const char *const more[2] = {"#f0e442", "#8c8c8c"};
	size_t i = k % (HG_PAL_N + 2);
	return i < HG_PAL_N ? hg_pal_categorical[i] : more[i - HG_PAL_N];
}

/* The legend: the parts in order, in as many columns as fit. */
static double stack_legend(hg_svg *s, const hg_stack_chart *c, double w)
{
	int cols = (int)fmax(1, floor((w - 16) / 190));
	for (size_t k = 0; k < c->nparts; k++) {
		double x = 8 + (double)(k % (size_t)cols) * 190,
		       y = 8 + (double)(k / (size_t)cols) * LEGEND_ROW;
		hg_svg_rect(s, x, y + 2, 12, 12, part_colour(k), "hg-key");
		hg_buf_printf(s->b, "<text x=\"%.1f\" y=\"%.1f\" class=\"hg-tick\">", x + 18,
		              y + 13);
		hg_xml_escape(s->b, c->parts[k]);
		hg_buf_puts(s->b, "</text>");
	}
	return 8 + ceil((double)c->nparts / cols) * LEGEND_ROW + 8;
}

static void stack_bar(hg_svg *s, const hg_stack_chart *c, size_t g, double y, double x0, double x1)
{
	double x = x0, total = 0;
	hg_svg_text(s, x0 - 8, y + BAR_H / 2 + 4, HG_END, "hg-tick", c->groups[g]);
	for (size_t k = 0; k < c->nparts; k++) {
		double v = c->share[g * c->nparts + k];
		if (!isfinite(v) || v <= 0)
			continue;
		/* rounded counts over a rounded margin can pass 100% a little: stop at the end */
		double len = fmin((x1 - x0) * fmin(v, 100) / 100, x1 - x);
		if (len <= 0)
			break;
		char tip[400], val[32];
		snprintf(val, sizeof val, "%.1f%%", v);
		snprintf(tip, sizeof tip, "%s: %s %s", c->groups[g], c->parts[k], val);
		hg_svg_group(s, "hg-bar", NULL);
		hg_svg_tooltip(s, tip);
		hg_buf_printf(
		    s->b,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
		    "stroke=\"" HG_INK "\" stroke-width=\"0.5\"/>",
		    x, y, len, BAR_H, part_colour(k));
		if (len > 38) /* the value on a light box so it reads on any colour */
			hg_buf_printf(
			    s->b,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"34\" height=\"14\" "
			    "fill=\"#ffffff\" fill-opacity=\"0.85\"/><text x=\"%.1f\" "
			    "y=\"%.1f\" text-anchor=\"middle\" class=\"hg-value\">%.0f%%</text>",
			    x + len / 2 - 17, y + 5, x + len / 2, y + 16, v);
		hg_svg_group_end(s);
		x += len;
		total += v;
	}
	if (total == 0)
		hg_svg_text(s, x0 + 4, y + BAR_H / 2 + 4, HG_START, "hg-suppressed", "suppressed");
}

void hg_chart_stacked(hg_buf *out, const hg_stack_chart *c)
{
	double w = c->width > 0 ? c->width : 640;
	hg_svg s;
	/* the legend's height first, to size the drawing */
	hg_buf tmp = {0};
	hg_svg probe = {&tmp, w, 0};
	double top = stack_legend(&probe, c, w);
	hg_buf_free(&tmp);
	double h = top + (double)c->ngroups * (BAR_H + BAR_GAP) + 28;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	stack_legend(&s, c, w);
	double x0 = LABEL_W, x1 = w - 12;
	double ya = top + (double)c->ngroups * (BAR_H + BAR_GAP);
	for (int t = 0; t <= 4; t++) { /* the grid under the bars */
		char lab[8];
		snprintf(lab, sizeof lab, "%d%%", t * 25);
		double x = x0 + (x1 - x0) * t / 4;
		hg_svg_line(&s, x, top - 4, x, ya - BAR_GAP + 4, HG_GRID, 1, NULL);
		hg_svg_text(&s, x, ya + 8,
		            t == 0   ? HG_START
		            : t == 4 ? HG_END
		                     : HG_MIDDLE,
		            "hg-tick", lab);
	}
	for (size_t g = 0; g < c->ngroups; g++)
		stack_bar(&s, c, g, top + (double)g * (BAR_H + BAR_GAP), x0, x1);
	hg_svg_end(&s);
}
