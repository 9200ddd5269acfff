/*
 * chart_econ.c: the equity-efficiency plane (chart_econ.h). The axes span
 * every point and zero, with nice ticks; quadrant words sit in the corners.
 */
#include "report/chart_econ.h"

#include "report/svg.h"

#include <math.h>
#include <stdio.h>

#define PLANE_TICKS 12

/* The range of v[0..n) and extra, widened to include zero. */
static void span(const double *v, size_t n, double extra, double *lo, double *hi)
{
	*lo = 0;
	*hi = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) {
			*lo = fmin(*lo, v[i]);
			*hi = fmax(*hi, v[i]);
		}
	if (isfinite(extra)) {
		*lo = fmin(*lo, extra);
		*hi = fmax(*hi, extra);
	}
	if (*hi - *lo <= 0) {
		*lo -= 1;
		*hi += 1;
	}
}

static void quadrants(hg_plot *p)
{
	hg_svg *s = p->svg;
	hg_svg_text(s, p->x1 - 4, p->y0 + 14, HG_END, "hg-tick", "healthier and fairer");
	hg_svg_text(s, p->x0 + 4, p->y0 + 14, HG_START, "hg-tick", "healthier, less fair");
	hg_svg_text(s, p->x1 - 4, p->y1 - 6, HG_END, "hg-tick", "fairer, less healthy");
	hg_svg_text(s, p->x0 + 4, p->y1 - 6, HG_START, "hg-tick", "less healthy and less fair");
}

void hg_chart_plane(hg_buf *out, const hg_plane_chart *c)
{
	double w = c->width > 0 ? c->width : 560, h = 0.7 * w;
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_plot p = {.svg = &s, .x0 = 72, .y0 = 40, .x1 = w - 24, .y1 = h - 56};
	double xlo, xhi, ylo, yhi, xt[PLANE_TICKS], yt[PLANE_TICKS];
	span(c->x, c->n, c->x0, &xlo, &xhi);
	span(c->y, c->n, c->y0, &ylo, &yhi);
	int nx = hg_nice_ticks(&xlo, &xhi, 5, xt, PLANE_TICKS);
	int ny = hg_nice_ticks(&ylo, &yhi, 5, yt, PLANE_TICKS);
	p.xs = (hg_scale){xlo, xhi, p.x0, p.x1};
	p.ys = (hg_scale){ylo, yhi, p.y1, p.y0};
	hg_plot_axis_y(&p, yt, ny, c->y_label);
	hg_plot_axis_x(&p, xt, nx, c->x_label);
	hg_svg_line(&s, hg_plot_x(&p, 0), p.y0, hg_plot_x(&p, 0), p.y1, HG_INK, 1, NULL);
	hg_svg_line(&s, p.x0, hg_plot_y(&p, 0), p.x1, hg_plot_y(&p, 0), HG_INK, 1, NULL);
	quadrants(&p);
	hg_svg_group(&s, "hg-draws", "probabilistic draws");
	for (size_t i = 0; i < c->n; i++)
		if (isfinite(c->x[i]) && isfinite(c->y[i]))
			hg_svg_circle(&s, hg_plot_x(&p, c->x[i]), hg_plot_y(&p, c->y[i]), 1.8,
			              "#a4c8e8", NULL);
	hg_svg_group_end(&s);
	if (isfinite(c->x0) && isfinite(c->y0)) {
		char tip[160], xv[32], yv[32];
		hg_fmt_value(c->x0, xv, sizeof xv);
		hg_fmt_value(c->y0, yv, sizeof yv);
		snprintf(tip, sizeof tip, "base case: equity impact %s, net health benefit %s", xv,
		         yv);
		hg_svg_group(&s, "hg-base", tip);
		hg_svg_circle(&s, hg_plot_x(&p, c->x0), hg_plot_y(&p, c->y0), 5, HG_HIGHLIGHT,
		              NULL);
		hg_svg_group_end(&s);
	}
	hg_legend_item leg[2] = {{"base case", HG_HIGHLIGHT, 0},
	                         {"probabilistic draws", "#a4c8e8", 0}};
	hg_svg_legend(&s, p.x0, 18, leg, 2);
	hg_svg_end(&s);
}
