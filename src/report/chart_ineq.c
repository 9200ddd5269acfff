/*
 * chart_ineq.c: SII, SPC and funnel charts (chart_ineq.h) drawn with the
 * svg.h primitives. Colours: deprivation blues for quantile bars, Making
 * Data Count colours for special causes (improvement blue #00b0f0 is too
 * light on white, so the darker #005eb8 is used; concern #e87722, neutral
 * #7030a0, common cause #768692), and every mark also has a text label.
 */
#include "report/chart_ineq.h"

#include "report/labels.h"
#include "report/svg.h"
#include "stats/funnel.h"
#include "stats/spc.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HG_C_IMPROVE "#005eb8"
#define HG_C_CONCERN "#e87722"
#define HG_C_NEUTRAL "#7030a0"
#define HG_C_COMMON  "#768692"
#define HG_C_AMBER   "#e69f00" /* funnel points between the 95% and 99.8% limits */

/* Widen [lo, hi] by the finite values of v[0..n). */
static void extend(double *lo, double *hi, const double *v, size_t n)
{
	for (size_t k = 0; v && k < n; k++)
		if (isfinite(v[k])) {
			if (v[k] < *lo)
				*lo = v[k];
			if (v[k] > *hi)
				*hi = v[k];
		}
}

static void range_fix(double *lo, double *hi)
{
	if (!isfinite(*lo) || !isfinite(*hi)) {
		*lo = 0, *hi = 1;
	} else if (*hi - *lo < 1e-9) {
		double d = fabs(*hi) > 0 ? fabs(*hi) * 0.1 : 1;
		*lo -= d, *hi += d;
	}
}

/* ---- SII ---- */

static void sii_bar(hg_plot *p, const hg_sii_chart *c, size_t k, double x0, double x1)
{
	hg_svg *s = p->svg;
	char lab[160], v[32];
	double xm = (x0 + x1) / 2;
	if (c->suppressed[k] || !isfinite(c->value[k])) {
		hg_svg_text(s, xm, p->y1 - 8, HG_MIDDLE, "hg-supp", "supp.");
		return;
	}
	hg_fmt_value(c->value[k], v, sizeof v);
	snprintf(lab, sizeof lab, "%s %s: %s", c->cat_label, c->labels[k], v);
	hg_svg_group(s, "hg-bar", lab);
	double y = hg_plot_y(p, c->value[k]), yb = hg_plot_y(p, p->ys.d0);
	const char *col = c->n == 10 ? hg_pal_deprivation10[k] : hg_pal_deprivation5[k % 5];
	hg_svg_rect(s, x0 + 1, y < yb ? y : yb, x1 - x0 - 2, fabs(yb - y), col, NULL);
	if (isfinite(c->lo[k]) && isfinite(c->hi[k])) {
		double yl = hg_plot_y(p, c->lo[k]), yh = hg_plot_y(p, c->hi[k]);
		hg_svg_line(s, xm, yl, xm, yh, HG_INK, 1.5, NULL);
		hg_svg_line(s, xm - 4, yl, xm + 4, yl, HG_INK, 1.5, NULL);
		hg_svg_line(s, xm - 4, yh, xm + 4, yh, HG_INK, 1.5, NULL);
	}
	hg_svg_group_end(s);
	hg_svg_text(s, xm, p->y1 + 16, HG_MIDDLE, "hg-tick", c->labels[k]);
}

/* The fitted line: slope SII through the population-weighted mean at x = 0.5. */
static void sii_line(hg_plot *p, const hg_sii_chart *c, double tot)
{
	double ybar = 0;
	for (size_t k = 0; k < c->n; k++)
		ybar += c->value[k] * c->pop[k] / tot;
	double y0 = ybar - c->sii / 2, y1 = ybar + c->sii / 2;
	char lab[160], v[32];
	hg_fmt_value(fabs(c->sii), v, sizeof v);
	snprintf(lab, sizeof lab, "Fitted slope: %s %s from the most deprived end to the least",
	         c->sii < 0 ? "falling" : "rising", v);
	hg_svg_group(p->svg, "hg-sii-line", lab);
	hg_svg_line(p->svg, hg_plot_x(p, 0), hg_plot_y(p, y0), hg_plot_x(p, 1), hg_plot_y(p, y1),
	            HG_C_CONCERN, 3, NULL);
	hg_svg_group_end(p->svg);
}

void hg_chart_sii(hg_buf *out, const hg_sii_chart *c)
{
	double w = c->width > 0 ? c->width : 640, h = c->height > 0 ? c->height : 320, tot = 0;
	int all = 1;
	for (size_t k = 0; k < c->n; k++) {
		tot += isfinite(c->pop[k]) ? c->pop[k] : 0;
		all = all && !c->suppressed[k] && isfinite(c->pop[k]);
	}
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_plot p = {.svg = &s, .x0 = 64, .y0 = 40, .x1 = w - 16, .y1 = h - 60};
	double lo = 0, hi = -INFINITY, ticks[16];
	extend(&lo, &hi, c->hi, c->n);
	extend(&lo, &hi, c->value, c->n);
	range_fix(&lo, &hi);
	int nt = hg_nice_ticks(&lo, &hi, 5, ticks, 16);
	p.xs = (hg_scale){0, 1, p.x0, p.x1};
	p.ys = (hg_scale){lo, hi, p.y1, p.y0};
	hg_plot_axis_y(&p, ticks, nt, c->value_label);
	double cum = 0;
	for (size_t k = 0; k < c->n; k++) {
		/* bars span their share of the population when every quantile is published */
		double a = all && tot > 0 ? c->pop[k] / tot : 1.0 / (double)c->n;
		sii_bar(&p, c, k, hg_plot_x(&p, cum), hg_plot_x(&p, cum + a));
		cum += a;
	}
	if (all && isfinite(c->sii) && tot > 0)
		sii_line(&p, c, tot);
	hg_svg_text(&s, (p.x0 + p.x1) / 2, p.y1 + 40, HG_MIDDLE, "hg-axis-label", c->cat_label);
	hg_legend_item leg[2] = {{"Value, 95% CI", hg_pal_deprivation10[3], 0},
	                         {"Fitted slope (SII)", HG_C_CONCERN, 1}};
	hg_svg_legend(&s, p.x0, 18, leg, isfinite(c->sii) && all ? 2 : 1);
	hg_svg_end(&s);
}

/* ---- SPC ---- */

static const char *pt_colour(int pt)
{
	switch (pt) {
	case HG_SPC_PT_IMPROVEMENT:
		return HG_C_IMPROVE;
	case HG_SPC_PT_CONCERN:
		return HG_C_CONCERN;
	case HG_SPC_PT_NEUTRAL_HIGH:
	case HG_SPC_PT_NEUTRAL_LOW:
		return HG_C_NEUTRAL;
	default:
		return HG_C_COMMON;
	}
}

/* A polyline through the finite points of field off (value, mean, lpl, upl). */
static void spc_path(hg_plot *p, const hg_spc_chart *c, size_t off, const char *colour,
                     double width, int dashed)
{
	hg_buf d = {0};
	int pen = 0;
	for (size_t k = 0; k < c->n; k++) {
		double v = *(const double *)((const char *)&c->pts[k] + off);
		if (!isfinite(v)) {
			pen = 0;
			continue;
		}
		hg_buf_printf(&d, "%c%.1f %.1f", pen ? 'L' : 'M', hg_plot_x(p, (double)k),
		              hg_plot_y(p, v));
		pen = 1;
	}
	if (d.n)
		hg_buf_printf(
		    p->svg->b,
		    "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>",
		    hg_buf_cstr(&d), colour, width, dashed ? " stroke-dasharray=\"6 4\"" : "");
	hg_buf_free(&d);
}

static void spc_points(hg_plot *p, const hg_spc_chart *c)
{
	char lab[160], v[32];
	for (size_t k = 0; k < c->n; k++) {
		const hg_spc_chart_pt *q = &c->pts[k];
		if (!isfinite(q->value)) {
			hg_svg_text(p->svg, hg_plot_x(p, (double)k), p->y1 - 6, HG_MIDDLE,
			            "hg-supp", "\xc3\x97");
			continue;
		}
		hg_fmt_value(q->value, v, sizeof v);
		if (isfinite(q->mean))
			snprintf(lab, sizeof lab, "%s: %s (%s)", q->label, v,
			         hg_label_point_type(q->point_type));
		else /* no limits (too few events for SPC): no signal to name */
			snprintf(lab, sizeof lab, "%s: %s", q->label, v);
		hg_svg_group(p->svg, "hg-spc-pt", lab);
		hg_svg_circle(p->svg, hg_plot_x(p, (double)k), hg_plot_y(p, q->value),
		              q->point_type ? 5 : 3.5, pt_colour(q->point_type), NULL);
		hg_svg_group_end(p->svg);
	}
}

static void spc_xlabels(hg_plot *p, const hg_spc_chart *c)
{
	size_t len = 0;
	for (size_t k = 0; k < c->n; k++)
		len = strlen(c->pts[k].label) > len ? strlen(c->pts[k].label) : len;
	size_t step = hg_label_step(p->xs.r1 - p->xs.r0, c->n, len, c->n > 12 ? (c->n + 5) / 6 : 1);
	for (size_t k = (c->n - 1) % step; k < c->n; k += step) /* the latest point labelled */
		hg_svg_text(p->svg, hg_plot_x(p, (double)k), p->y1 + 16, HG_MIDDLE, "hg-tick",
		            c->pts[k].label);
}

static void spc_range(const hg_spc_chart *c, double *lo, double *hi)
{
	*lo = INFINITY, *hi = -INFINITY;
	for (size_t k = 0; k < c->n; k++) {
		const double v[4] = {c->pts[k].value, c->pts[k].lpl, c->pts[k].upl, c->pts[k].mean};
		extend(lo, hi, v, 4);
	}
	extend(lo, hi, &c->target, 1);
	range_fix(lo, hi);
}

void hg_chart_spc(hg_buf *out, const hg_spc_chart *c)
{
	double w = c->width > 0 ? c->width : 640, h = c->height > 0 ? c->height : 300;
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_plot p = {.svg = &s, .x0 = 70, .y0 = 40, .x1 = w - 90, .y1 = h - 50};
	if (isfinite(c->target) && p.x0 + 430 + 80 > w)
		p.y0 = 50; /* the target's legend takes a second row */
	double lo, hi, ticks[16];
	spc_range(c, &lo, &hi);
	int nt = hg_nice_ticks(&lo, &hi, 5, ticks, 16);
	p.xs = (hg_scale){0, c->n > 1 ? (double)(c->n - 1) : 1, p.x0 + 8, p.x1 - 8};
	p.ys = (hg_scale){lo, hi, p.y1, p.y0};
	hg_plot_axis_y(&p, ticks, nt, c->value_label);
	spc_xlabels(&p, c);
	spc_path(&p, c, offsetof(hg_spc_chart_pt, lpl), HG_INK_SOFT, 1.5, 1);
	spc_path(&p, c, offsetof(hg_spc_chart_pt, upl), HG_INK_SOFT, 1.5, 1);
	spc_path(&p, c, offsetof(hg_spc_chart_pt, mean), HG_INK, 1.5, 0);
	if (isfinite(c->target))
		hg_svg_line(&s, p.x0, hg_plot_y(&p, c->target), p.x1, hg_plot_y(&p, c->target),
		            "#009e73", 2, "hg-target");
	spc_path(&p, c, offsetof(hg_spc_chart_pt, value), HG_C_COMMON, 1.5, 0);
	spc_points(&p, c);
	hg_legend_item leg[4] = {{"Mean", HG_INK, 1},
	                         {"Process limits", HG_INK_SOFT, 2},
	                         {"Improvement", HG_C_IMPROVE, 0},
	                         {"Concern", HG_C_CONCERN, 0}};
	int limits = 0;
	for (size_t k = 0; k < c->n; k++)
		limits |= isfinite(c->pts[k].mean);
	if (limits) {
		hg_svg_legend(&s, p.x0, 18, leg, 4);
	} else {
		hg_legend_item v = {"Value (" HG_LABEL_TOO_FEW ": no limits)", HG_C_COMMON, 1};
		hg_svg_legend(&s, p.x0, 18, &v, 1);
	}
	if (isfinite(c->target)) { /* after the legend row, or under its start on a narrow chart */
		hg_legend_item t = {"Target", "#009e73", 1};
		int room = p.x0 + 430 + 80 <= w;
		hg_svg_legend(&s, room ? p.x0 + 430 : p.x0, room ? 18 : 34, &t, 1);
	}
	if (c->variation >= 0) {
		hg_buf_printf(out, "<g transform=\"translate(%.0f 40)\">", w - 80);
		hg_chart_spc_icons(out, c->variation, c->assurance, 34);
		hg_buf_puts(out, "</g>");
	}
	hg_svg_end(&s);
}

/* ---- Making Data Count icons ---- */

static void icon_variation(hg_buf *b, double cx, double cy, double r, int var)
{
	const char *col = HG_C_COMMON, *letter = "";
	int up = 0;
	switch (var) {
	case HG_SPC_VAR_IMPROVEMENT_HIGH:
		col = HG_C_IMPROVE, letter = "H", up = 1;
		break;
	case HG_SPC_VAR_IMPROVEMENT_LOW:
		col = HG_C_IMPROVE, letter = "L", up = -1;
		break;
	case HG_SPC_VAR_CONCERN_HIGH:
		col = HG_C_CONCERN, letter = "H", up = 1;
		break;
	case HG_SPC_VAR_CONCERN_LOW:
		col = HG_C_CONCERN, letter = "L", up = -1;
		break;
	case HG_SPC_VAR_NEUTRAL_HIGH:
		col = HG_C_NEUTRAL, letter = "H", up = 1;
		break;
	case HG_SPC_VAR_NEUTRAL_LOW:
		col = HG_C_NEUTRAL, letter = "L", up = -1;
		break;
	default:
		break;
	}
	hg_buf_printf(b,
	              "<g class=\"hg-icon\"><title>Variation: %s</title><circle cx=\"%.1f\" "
	              "cy=\"%.1f\" r=\"%.1f\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"%.1f\"/>",
	              hg_label_variation(var), cx, cy, r * 0.92, col, r * 0.12);
	if (!up) {
		hg_buf_printf(b,
		              "<path d=\"M%.1f %.1fh%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>",
		              cx - r * 0.55, cy, r * 1.1, col, r * 0.14);
	} else {
		hg_buf_printf(
		    b,
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%.0f\" "
		    "font-weight=\"bold\" fill=\"%s\">%s</text>",
		    cx, cy + (up > 0 ? -r * 0.05 : r * 0.55), r * 0.7, col, letter);
		hg_buf_printf(
		    b,
		    "<path d=\"M%.1f %.1fl%.1f %.1fl%.1f %.1f\" fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"%.1f\"/>",
		    cx - r * 0.5, cy + up * r * 0.45, r * 0.5, -up * r * 0.3, r * 0.5, up * r * 0.3,
		    col, r * 0.1);
	}
	hg_buf_puts(b, "</g>");
}

static void icon_assurance(hg_buf *b, double cx, double cy, double r, int ass)
{
	const char *col = HG_C_COMMON, *letter = "?", *name = hg_label_assurance(ass);
	if (ass == HG_SPC_ASSURE_PASS)
		col = HG_C_IMPROVE, letter = "P";
	else if (ass == HG_SPC_ASSURE_FAIL)
		col = HG_C_CONCERN, letter = "F";
	else if (ass != HG_SPC_ASSURE_INCONSISTENT)
		letter = "\xe2\x80\x93";
	hg_buf_printf(b,
	              "<g class=\"hg-icon\"><title>Assurance: %s</title><circle cx=\"%.1f\" "
	              "cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1\"/>"
	              "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%.0f\" "
	              "font-weight=\"bold\" fill=\"#fff\">%s</text></g>",
	              name, cx, cy, r * 0.92, ass == HG_SPC_ASSURE_NONE ? "#aeb7bd" : col, HG_INK,
	              cx, cy + r * 0.36, r, letter);
}

void hg_chart_spc_icons(hg_buf *out, int variation, int assurance, double size)
{
	double r = size / 2;
	hg_buf_printf(
	    out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hg-icons\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"%s; %s\" "
	    "font-family=\"Arial, Helvetica, sans-serif\">",
	    2 * size + 4, size, 2 * size + 4, size, hg_label_variation(variation),
	    hg_label_assurance(assurance));
	icon_variation(out, r, r, r, variation);
	icon_assurance(out, size + 4 + r, r, r, assurance);
	hg_buf_puts(out, "</svg>");
}

/* ---- funnel ---- */

static void funnel_curve(hg_plot *p, const hg_funnel_plot *c, int which, const char *dash)
{
	hg_buf d = {0};
	int pen = 0;
	for (size_t k = 0; k < c->nlims; k++) {
		const hg_funnel_chart_lim *l = &c->lims[k];
		double v = which == 0   ? l->lo95
		           : which == 1 ? l->hi95
		           : which == 2 ? l->lo998
		                        : l->hi998;
		if (!isfinite(v) || !isfinite(l->x) || l->x > p->xs.d1) {
			pen = 0;
			continue;
		}
		if (v < p->ys.d0)
			v = p->ys.d0;
		if (v > p->ys.d1)
			v = p->ys.d1;
		hg_buf_printf(&d, "%c%.1f %.1f", pen ? 'L' : 'M', hg_plot_x(p, l->x),
		              hg_plot_y(p, v));
		pen = 1;
	}
	if (d.n)
		hg_buf_printf(p->svg->b,
		              "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s/>",
		              hg_buf_cstr(&d), HG_INK_SOFT, dash);
	hg_buf_free(&d);
}

static void funnel_range(const hg_funnel_plot *c, double *xhi, double *lo, double *hi)
{
	*xhi = 0, *lo = INFINITY, *hi = -INFINITY;
	for (size_t k = 0; k < c->ndots; k++) {
		if (c->dots[k].x > *xhi)
			*xhi = c->dots[k].x;
		extend(lo, hi, &c->dots[k].value, 1);
	}
	*xhi *= 1.08;
	for (size_t k = 0; k < c->nlims; k++)
		if (c->lims[k].x <= *xhi && c->lims[k].x >= *xhi * 0.15) {
			const double v[2] = {c->lims[k].lo998, c->lims[k].hi998};
			extend(lo, hi, v, 2);
		}
	range_fix(lo, hi);
}

/* A placed label's box, so that labels never overlap each other. */
typedef struct lab_box {
	double x0, y0, x1, y1;
} lab_box;

static int lab_free(const lab_box *placed, size_t n, lab_box b, const hg_plot *p)
{
	if (b.x0 < p->x0 || b.x1 > p->x1 + 60 || b.y0 < p->y0 - 4 || b.y1 > p->y1 + 4)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (b.x0 < placed[k].x1 && placed[k].x0 < b.x1 && b.y0 < placed[k].y1 &&
		    placed[k].y0 < b.y1)
			return 0;
	return 1;
}

/* The label of a point beyond the limits: right of the point, else left, else a line above
 * or below, whichever is free first; a label with no free place is left out (the point keeps
 * its tooltip and the report names it in a table). */
static void funnel_label(hg_plot *p, lab_box *placed, size_t *nplaced, double x, double y,
                         const char *text)
{
	double w = 7.0 * (double)strlen(text), hh = 13;
	static const double dy[] = {0, -14, 14, -28, 28};
	for (int side = 0; side < 2; side++)
		for (size_t k = 0; k < sizeof dy / sizeof *dy; k++) {
			double x0 = side ? x - 8 - w : x + 8, yb = y + 4 + dy[k];
			lab_box b = {x0, yb - hh + 2, x0 + w, yb + 2};
			if (!lab_free(placed, *nplaced, b, p))
				continue;
			placed[(*nplaced)++] = b;
			hg_svg_text(p->svg, side ? x - 8 : x + 8, yb, side ? HG_END : HG_START,
			            "hg-point-label", text);
			return;
		}
}

/* The points in three kinds that match the legend: within the 95% limits (grey), between the
 * 95% and 99.8% limits (amber), beyond the 99.8% limits (orange, larger); the points beyond
 * the 95% limits carry their label. */
static void draw_funnel_dots(hg_plot *p, const hg_funnel_plot *c)
{
	char lab[160], v[32];
	lab_box *placed = hg_xcalloc(c->ndots + 1, sizeof *placed);
	size_t nplaced = 0;
	for (int pass = 0; pass < 2; pass++) /* the 99.8% outliers claim their label places first */
		for (size_t k = 0; k < c->ndots; k++) {
			const hg_funnel_chart_dot *d = &c->dots[k];
			int out3 = d->sig == HG_FUNNEL_HIGH_001 || d->sig == HG_FUNNEL_LOW_001;
			int out2 = d->sig == HG_FUNNEL_HIGH_025 || d->sig == HG_FUNNEL_LOW_025;
			double x = hg_plot_x(p, d->x), y = hg_plot_y(p, d->value);
			if (pass == 0) {
				hg_fmt_value(d->value, v, sizeof v);
				snprintf(lab, sizeof lab, "%s: %s (%s)", d->label, v,
				         hg_label_funnel_sig(d->sig));
				hg_svg_group(p->svg, "hg-funnel-pt", lab);
				hg_svg_circle(p->svg, x, y, out3 ? 6 : 4.5,
				              out3   ? HG_C_CONCERN
				              : out2 ? HG_C_AMBER
				                     : HG_C_COMMON,
				              NULL);
				hg_svg_group_end(p->svg);
			}
			if ((pass == 0 && out3) || (pass == 1 && out2))
				funnel_label(p, placed, &nplaced, x, y, d->label);
		}
	free(placed);
}

void hg_chart_funnel(hg_buf *out, const hg_funnel_plot *c)
{
	double w = c->width > 0 ? c->width : 640, h = c->height > 0 ? c->height : 340;
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_plot p = {.svg = &s, .x0 = 70, .y0 = 58, .x1 = w - 70, .y1 = h - 56};
	double xhi, lo, hi, xt[16], yt[16], xlo = 0;
	funnel_range(c, &xhi, &lo, &hi);
	int ny = hg_nice_ticks(&lo, &hi, 5, yt, 16);
	int nx = hg_nice_ticks(&xlo, &xhi, 5, xt, 16);
	p.xs = (hg_scale){xlo, xhi, p.x0, p.x1};
	p.ys = (hg_scale){lo, hi, p.y1, p.y0};
	hg_plot_axis_y(&p, yt, ny, c->value_label);
	hg_plot_axis_x(&p, xt, nx, c->x_label);
	funnel_curve(&p, c, 0, " stroke-dasharray=\"6 4\"");
	funnel_curve(&p, c, 1, " stroke-dasharray=\"6 4\"");
	funnel_curve(&p, c, 2, "");
	funnel_curve(&p, c, 3, "");
	if (isfinite(c->baseline))
		hg_svg_line(&s, p.x0, hg_plot_y(&p, c->baseline), p.x1, hg_plot_y(&p, c->baseline),
		            HG_INK, 1.5, "hg-baseline");
	draw_funnel_dots(&p, c);
	/* two rows: the lines, then the three kinds of point exactly as drawn */
	hg_legend_item lines[3] = {{"Average", HG_INK, 1},
	                           {"95% limits", HG_INK_SOFT, 2},
	                           {"99.8% limits", HG_INK_SOFT, 1}};
	hg_legend_item dots[3] = {{"Within 95%", HG_C_COMMON, 4},
	                          {"Beyond 95%", HG_C_AMBER, 4},
	                          {"Beyond 99.8%", HG_C_CONCERN, 4}};
	hg_svg_legend(&s, p.x0, 16, lines, 3);
	hg_svg_legend(&s, p.x0, 36, dots, 3);
	hg_svg_end(&s);
}
