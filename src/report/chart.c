/*
 * chart.c: bar, time-series and pyramid charts (see chart.h).
 */
#include "report/chart.h"

#include "report/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define HG_MAXTICKS 24

static const char *bar_colour(const hg_bar_chart *c, size_t i)
{
	if (c->palette == HG_PAL_DEPRIVATION)
		return c->n <= 6 ? hg_pal_deprivation5[i < 5 ? i : 4]
		                 : hg_pal_deprivation10[i < 10 ? i : 9];
	if (c->palette == HG_PAL_CATEGORY)
		return hg_pal_categorical[i % HG_PAL_N];
	return HG_HIGHLIGHT;
}

/* Value range of bars, whiskers and the reference line. */
static void bar_range(const hg_bar_chart *c, double *lo, double *hi)
{
	*lo = c->from_zero ? 0 : INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < c->n; i++) {
		const hg_bar *b = &c->bars[i];
		if (b->suppressed || !isfinite(b->value))
			continue;
		double a = isfinite(b->lo) ? b->lo : b->value,
		       z = isfinite(b->hi) ? b->hi : b->value;
		*lo = fmin(*lo, fmin(a, b->value));
		*hi = fmax(*hi, fmax(z, b->value));
	}
	if (isfinite(c->ref)) {
		*lo = fmin(*lo, c->ref);
		*hi = fmax(*hi, c->ref);
	}
	if (!isfinite(*lo) || !isfinite(*hi)) {
		*lo = 0;
		*hi = 1;
	}
}

/* The legend's label for the bars: mentions the CI only when bars have whiskers. */
static const char *bar_legend(const hg_bar_chart *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (isfinite(c->bars[i].lo) && isfinite(c->bars[i].hi))
			return "Value with 95% confidence interval";
	return "Value";
}

static void bar_tip(const hg_bar *b, char *buf, size_t size)
{
	char v[32], l[32], h[32];
	if (b->suppressed || !isfinite(b->value)) {
		snprintf(buf, size, "%s: suppressed (small numbers)", b->label);
		return;
	}
	hg_fmt_value(b->value, v, sizeof v);
	hg_fmt_value(b->lo, l, sizeof l);
	hg_fmt_value(b->hi, h, sizeof h);
	if (isfinite(b->lo))
		snprintf(buf, size, "%s: %s (95%% CI %s to %s)", b->label, v, l, h);
	else
		snprintf(buf, size, "%s: %s", b->label, v);
}

/* One horizontal bar in row i. */
static void hbar(hg_plot *p, const hg_bar_chart *c, size_t i, double y, double bh)
{
	hg_svg *s = p->svg;
	const hg_bar *b = &c->bars[i];
	char tip[256], v[32];
	bar_tip(b, tip, sizeof tip);
	hg_svg_group(s, "hg-bar", NULL);
	hg_svg_tooltip(s, tip);
	hg_svg_text(s, p->x0 - 8, y + bh / 2 + 4, HG_END, "hg-cat", b->label);
	if (b->suppressed || !isfinite(b->value)) {
		hg_svg_text(s, p->x0 + 6, y + bh / 2 + 4, HG_START, "hg-suppressed", "suppressed");
		hg_svg_group_end(s);
		return;
	}
	double x0 = hg_plot_x(p, p->xs.d0 > 0 ? p->xs.d0 : 0), x1 = hg_plot_x(p, b->value);
	hg_buf_printf(s->b,
	              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
	              "stroke=\"" HG_INK "\" stroke-width=\"0.75\"/>",
	              fmin(x0, x1), y, fabs(x1 - x0), bh, bar_colour(c, i));
	double whi = x1;
	if (isfinite(b->lo) && isfinite(b->hi)) {
		double a = hg_plot_x(p, b->lo), z = hg_plot_x(p, b->hi), m = y + bh / 2;
		char d[200];
		snprintf(d, sizeof d, "M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f", a, m, z, a,
		         m - 5, m + 5, z, m - 5, m + 5);
		hg_svg_path(s, d, NULL, HG_INK, 1.5, "hg-ci");
		whi = fmax(whi, z);
	}
	hg_fmt_value(b->value, v, sizeof v);
	hg_svg_text(s, whi + 6, y + bh / 2 + 4, HG_START, "hg-value", v);
	hg_svg_group_end(s);
}

/* Where the bars start: room for the longest category label right-aligned before them
 * (about 7 px a character at the charts' 13 px, as the legend reckons), at least 170 px
 * and at most 45% of the width, so "Mixed: White and Black Caribbean" (ethnicity_detailed)
 * is not cut at the chart's left edge. */
static double hbar_label_room(const hg_bar_chart *c, double w)
{
	size_t longest = 0;
	for (size_t i = 0; i < c->n; i++) {
		size_t n = strlen(c->bars[i].label);
		longest = n > longest ? n : longest;
	}
	double x0 = 16 + 7.0 * (double)longest;
	return fmin(fmax(x0, 170), 0.45 * w);
}

static void chart_hbars(hg_buf *out, const hg_bar_chart *c)
{
	double w = c->width > 0 ? c->width : 640, bh = 22, gap = 8;
	double h = 40 + (double)c->n * (bh + gap) + 64;
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_plot p = {.svg = &s, .x0 = hbar_label_room(c, w), .y0 = 34, .x1 = w - 60, .y1 = h - 58};
	double lo, hi, ticks[HG_MAXTICKS];
	bar_range(c, &lo, &hi);
	int nt = hg_nice_ticks(&lo, &hi, 6, ticks, HG_MAXTICKS);
	p.xs = (hg_scale){lo, hi, p.x0, p.x1};
	hg_plot_axis_x(&p, ticks, nt, c->value_label);
	for (size_t i = 0; i < c->n; i++)
		hbar(&p, c, i, p.y0 + 4 + (double)i * (bh + gap), bh);
	hg_plot_ref(&p, c->ref, 1, c->ref_label);
	hg_legend_item leg[2] = {{bar_legend(c), bar_colour(c, 0), 0},
	                         {c->ref_label ? c->ref_label : "Reference", HG_INK, 2}};
	int nleg = isfinite(c->ref) ? 2 : 1;
	double lw = 0; /* the legend's width as hg_svg_legend advances: left of x0 if it must */
	for (int i = 0; i < nleg; i++)
		lw += 34 + 7.0 * (double)strlen(leg[i].label);
	hg_svg_legend(&s, fmax(16, fmin(p.x0, w - lw)), 18, leg, nleg);
	hg_svg_end(&s);
}

/* One vertical bar in column i. */
static void vbar(hg_plot *p, const hg_bar_chart *c, size_t i, double x, double bw)
{
	hg_svg *s = p->svg;
	const hg_bar *b = &c->bars[i];
	char tip[256], v[32];
	bar_tip(b, tip, sizeof tip);
	hg_svg_group(s, "hg-bar", NULL);
	hg_svg_tooltip(s, tip);
	hg_svg_text(s, x + bw / 2, p->y1 + 16, HG_MIDDLE, "hg-cat", b->label);
	if (b->suppressed || !isfinite(b->value)) {
		hg_buf_printf(s->b,
		              "<text transform=\"translate(%.1f %.1f) rotate(-90)\" "
		              "fill=\"" HG_INK_SOFT "\" class=\"hg-suppressed\">suppressed</text>",
		              x + bw / 2 + 4, p->y1 - 6);
		hg_svg_group_end(s);
		return;
	}
	double y0 = hg_plot_y(p, p->ys.d0 > 0 ? p->ys.d0 : 0), y1 = hg_plot_y(p, b->value);
	hg_buf_printf(s->b,
	              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
	              "stroke=\"" HG_INK "\" stroke-width=\"0.75\"/>",
	              x, fmin(y0, y1), bw, fabs(y1 - y0), bar_colour(c, i));
	double top = y1;
	if (isfinite(b->lo) && isfinite(b->hi)) {
		double a = hg_plot_y(p, b->lo), z = hg_plot_y(p, b->hi), m = x + bw / 2;
		char d[200];
		snprintf(d, sizeof d, "M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f", m, a, z,
		         m - 6, a, m + 6, m - 6, z, m + 6);
		hg_svg_path(s, d, NULL, HG_INK, 1.5, "hg-ci");
		top = fmin(top, z);
	}
	hg_fmt_value(b->value, v, sizeof v);
	hg_svg_text(s, x + bw / 2, top - 6, HG_MIDDLE, "hg-value", v);
	hg_svg_group_end(s);
}

static void chart_vbars(hg_buf *out, const hg_bar_chart *c)
{
	double w = c->width > 0 ? c->width : 640, h = 340;
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_plot p = {.svg = &s, .x0 = 64, .y0 = 40, .x1 = w - 16, .y1 = h - 60};
	double lo, hi, ticks[HG_MAXTICKS];
	bar_range(c, &lo, &hi);
	hi += (hi - lo) * 0.08; /* room for value labels */
	int nt = hg_nice_ticks(&lo, &hi, 5, ticks, HG_MAXTICKS);
	p.ys = (hg_scale){lo, hi, p.y1, p.y0};
	hg_plot_axis_y(&p, ticks, nt, c->value_label);
	double slot = (p.x1 - p.x0) / (double)(c->n ? c->n : 1), bw = slot * 0.62;
	for (size_t i = 0; i < c->n; i++)
		vbar(&p, c, i, p.x0 + (double)i * slot + (slot - bw) / 2, bw);
	hg_plot_ref(&p, c->ref, 0, c->ref_label);
	if (c->cat_label)
		hg_svg_text(&s, (p.x0 + p.x1) / 2, p.y1 + 40, HG_MIDDLE, "hg-axis-label",
		            c->cat_label);
	hg_legend_item leg[2] = {{bar_legend(c), bar_colour(c, 0), 0},
	                         {c->ref_label ? c->ref_label : "Reference", HG_INK, 2}};
	hg_svg_legend(&s, p.x0, 18, leg, isfinite(c->ref) ? 2 : 1);
	hg_svg_end(&s);
}

void hg_chart_bars(hg_buf *out, const hg_bar_chart *c)
{
	if (c->vertical)
		chart_vbars(out, c);
	else
		chart_hbars(out, c);
}

/* ---- time series ---- */

static void ts_range(const hg_ts_chart *c, double *lo, double *hi)
{
	*lo = c->from_zero ? 0 : INFINITY;
	*hi = -INFINITY;
	for (size_t k = 0; k < c->nseries; k++)
		for (size_t i = 0; i < c->series[k].n; i++) {
			const hg_ts_point *t = &c->series[k].pts[i];
			if (t->suppressed || !isfinite(t->value))
				continue;
			*lo = fmin(*lo, isfinite(t->lo) ? fmin(t->lo, t->value) : t->value);
			*hi = fmax(*hi, isfinite(t->hi) ? fmax(t->hi, t->value) : t->value);
		}
	if (!isfinite(*lo) || !isfinite(*hi)) {
		*lo = 0;
		*hi = 1;
	}
}

/* The CI band of a series: one closed path per run of unsuppressed points. */
static void ts_band(hg_plot *p, const hg_ts_series *se, const char *colour)
{
	hg_buf d = {0};
	size_t i = 0;
	while (i < se->n) {
		size_t j = i;
		while (j < se->n && !se->pts[j].suppressed && isfinite(se->pts[j].lo) &&
		       isfinite(se->pts[j].hi))
			j++;
		for (size_t k = i; k < j; k++)
			hg_buf_printf(&d, "%c%.1f %.1f", k == i ? 'M' : 'L',
			              hg_plot_x(p, (double)k), hg_plot_y(p, se->pts[k].hi));
		for (size_t k = j; k-- > i;)
			hg_buf_printf(&d, "L%.1f %.1f", hg_plot_x(p, (double)k),
			              hg_plot_y(p, se->pts[k].lo));
		if (j > i)
			hg_buf_puts(&d, "Z");
		i = j + 1;
	}
	if (d.n)
		hg_buf_printf(p->svg->b, "<path d=\"%s\" fill=\"%s\" fill-opacity=\"0.18\"/>",
		              hg_buf_cstr(&d), colour);
	hg_buf_free(&d);
}

static void ts_line(hg_plot *p, const hg_ts_series *se, const char *colour)
{
	hg_buf d = {0};
	int pen = 0;
	for (size_t k = 0; k < se->n; k++) {
		const hg_ts_point *t = &se->pts[k];
		if (t->suppressed || !isfinite(t->value)) {
			pen = 0;
			continue;
		}
		hg_buf_printf(&d, "%c%.1f %.1f", pen ? 'L' : 'M', hg_plot_x(p, (double)k),
		              hg_plot_y(p, t->value));
		pen = 1;
	}
	if (d.n)
		hg_svg_path(p->svg, hg_buf_cstr(&d), NULL, colour, 2.5, "hg-line");
	hg_buf_free(&d);
	for (size_t k = 0; k < se->n; k++) {
		const hg_ts_point *t = &se->pts[k];
		if (t->suppressed || !isfinite(t->value))
			continue;
		char tip[200], v[32], l[32], h[32];
		hg_fmt_value(t->value, v, sizeof v);
		hg_fmt_value(t->lo, l, sizeof l);
		hg_fmt_value(t->hi, h, sizeof h);
		snprintf(tip, sizeof tip, "%s, %s: %s (95%% CI %s to %s)", se->name, t->label, v, l,
		         h);
		hg_svg_group(p->svg, "hg-point", NULL);
		hg_svg_tooltip(p->svg, tip);
		hg_svg_circle(p->svg, hg_plot_x(p, (double)k), hg_plot_y(p, t->value), 3.5, colour,
		              NULL);
		hg_svg_group_end(p->svg);
	}
}

static void ts_xlabels(hg_plot *p, const hg_ts_series *se, const char *label)
{
	size_t len = 0;
	for (size_t k = 0; k < se->n; k++)
		len = strlen(se->pts[k].label) > len ? strlen(se->pts[k].label) : len;
	size_t every =
	    hg_label_step(p->xs.r1 - p->xs.r0, se->n, len, se->n > 10 ? (se->n + 7) / 8 : 1);
	hg_svg_group(p->svg, "hg-axis hg-axis-x", NULL);
	hg_svg_line(p->svg, p->x0, p->y1, p->x1, p->y1, HG_INK_SOFT, 1, NULL);
	for (size_t k = 0; k < se->n; k++) {
		if ((se->n - 1 - k) % every)
			continue;
		double x = hg_plot_x(p, (double)k);
		hg_svg_line(p->svg, x, p->y1, x, p->y1 + 5, HG_INK_SOFT, 1, NULL);
		hg_svg_text(p->svg, x, p->y1 + 18, HG_MIDDLE, "hg-tick", se->pts[k].label);
	}
	hg_svg_text(p->svg, (p->x0 + p->x1) / 2, p->y1 + 40, HG_MIDDLE, "hg-axis-label", label);
	hg_svg_group_end(p->svg);
}

void hg_chart_timeseries(hg_buf *out, const hg_ts_chart *c)
{
	double w = c->width > 0 ? c->width : 640, h = c->height > 0 ? c->height : 320;
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_plot p = {.svg = &s, .x0 = 64, .y0 = 40, .x1 = w - 40, .y1 = h - 56};
	double lo, hi, ticks[HG_MAXTICKS];
	ts_range(c, &lo, &hi);
	int nt = hg_nice_ticks(&lo, &hi, 5, ticks, HG_MAXTICKS);
	size_t n = c->nseries ? c->series[0].n : 0;
	p.xs = (hg_scale){0, n > 1 ? (double)(n - 1) : 1, p.x0 + 10, p.x1 - 10};
	p.ys = (hg_scale){lo, hi, p.y1, p.y0};
	hg_plot_axis_y(&p, ticks, nt, c->value_label);
	if (n)
		ts_xlabels(&p, &c->series[0], c->time_label);
	hg_legend_item leg[8];
	int nl = 0;
	for (size_t k = 0; k < c->nseries && k < 8; k++) {
		const char *col = hg_pal_categorical[k % HG_PAL_N];
		hg_svg_group(&s, "hg-series", c->series[k].name);
		ts_band(&p, &c->series[k], col);
		ts_line(&p, &c->series[k], col);
		hg_svg_group_end(&s);
		leg[nl++] = (hg_legend_item){c->series[k].name, col, 1};
	}
	if (nl < 8)
		leg[nl++] = (hg_legend_item){"95% confidence interval", HG_INK_SOFT, 3};
	hg_svg_legend(&s, p.x0, 18, leg, nl);
	hg_svg_end(&s);
}

/* ---- pyramid ---- */

static void pyr_bar(hg_plot *p, double v, int left, double y, double bh, const char *fill)
{
	double mid = (p->x0 + p->x1) / 2;
	if (!isfinite(v)) {
		hg_svg_text(p->svg, left ? mid - 4 : mid + 4, y + bh - 1, left ? HG_END : HG_START,
		            "hg-suppressed", "s");
		return;
	}
	double len = hg_scale_map(&p->xs, v) - p->xs.r0;
	hg_buf_printf(p->svg->b,
	              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
	              "stroke=\"" HG_INK "\" stroke-width=\"0.5\"/>",
	              left ? mid - len : mid, y, len, bh, fill);
}

static double pyr_max(const hg_pyramid_chart *c)
{
	double m = 0;
	if (c->max > 0)
		return c->max;
	for (size_t i = 0; i < c->n; i++)
		m = fmax(m, fmax(isfinite(c->left[i]) ? c->left[i] : 0,
		                 isfinite(c->right[i]) ? c->right[i] : 0));
	return m > 0 ? m : 1;
}

static void pyr_axis(hg_plot *p, double max, const char *label)
{
	double lo = 0, hi = max, t[HG_MAXTICKS];
	int nt = hg_nice_ticks(&lo, &hi, 2, t, HG_MAXTICKS);
	double mid = (p->x0 + p->x1) / 2;
	char buf[32];
	p->xs = (hg_scale){0, hi, 0, mid - p->x0};
	for (int i = 0; i < nt; i++) {
		double d = hg_scale_map(&p->xs, t[i]);
		hg_fmt_tick(t[i], nt > 1 ? t[1] - t[0] : 1, buf, sizeof buf);
		hg_svg_line(p->svg, mid - d, p->y0, mid - d, p->y1, HG_GRID, 1, NULL);
		hg_svg_line(p->svg, mid + d, p->y0, mid + d, p->y1, HG_GRID, 1, NULL);
		hg_svg_text(p->svg, mid - d, p->y1 + 14, HG_MIDDLE, "hg-tick", buf);
		if (t[i] > 0)
			hg_svg_text(p->svg, mid + d, p->y1 + 14, HG_MIDDLE, "hg-tick", buf);
	}
	hg_svg_text(p->svg, mid, p->y1 + 32, HG_MIDDLE, "hg-axis-label", label);
}

void hg_chart_pyramid(hg_buf *out, const hg_pyramid_chart *c)
{
	double w = c->width > 0 ? c->width : 320, bh = 11, h = 50 + (double)c->n * (bh + 2) + 44;
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_plot p = {.svg = &s, .x0 = 44, .y0 = 40, .x1 = w - 10, .y1 = h - 44};
	pyr_axis(&p, pyr_max(c), c->value_label);
	double mid = (p.x0 + p.x1) / 2;
	hg_svg_text(&s, mid - 8, 30, HG_END, "hg-legend-label", c->left_label);
	hg_svg_text(&s, mid + 8, 30, HG_START, "hg-legend-label", c->right_label);
	for (size_t i = 0; i < c->n; i++) {
		size_t r = c->n - 1 - i; /* oldest at the top */
		double y = p.y0 + (double)i * (bh + 2);
		char tip[160], a[32], b[32];
		hg_fmt_value(c->left[r], a, sizeof a);
		hg_fmt_value(c->right[r], b, sizeof b);
		snprintf(tip, sizeof tip, "Age %s: %s %s, %s %s", c->bands[r], c->left_label, a,
		         c->right_label, b);
		hg_svg_group(&s, "hg-bar", NULL);
		hg_svg_tooltip(&s, tip);
		pyr_bar(&p, c->left[r], 1, y, bh, hg_pal_categorical[0]);
		pyr_bar(&p, c->right[r], 0, y, bh, hg_pal_categorical[1]);
		if (r % 2 == 0)
			hg_svg_text(&s, p.x0 - 6, y + bh - 1, HG_END, "hg-tick", c->bands[r]);
		hg_svg_group_end(&s);
	}
	hg_svg_line(&s, mid, p.y0, mid, p.y1, HG_INK, 1, NULL);
	hg_svg_end(&s);
}

/* ---- dumbbell ---- */

void hg_chart_dumbbell(hg_buf *out, const hg_dumbbell_chart *c)
{
	double w = c->width > 0 ? c->width : 120, h = c->height > 0 ? c->height : 24;
	double v[3] = {c->a, c->b, c->ref}, lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < 3; i++)
		if (isfinite(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	/* zoom on the values: the gap, not the distance from zero, is the point */
	double span = fmax(hi - lo, 0.05 * fmax(fabs(hi), 1e-9));
	hg_svg s;
	hg_svg_begin(&s, out, w, h, c->id, c->title, c->desc);
	hg_scale sc = {lo - 0.5 * span, hi + 0.5 * span, 8, w - 8};
	double y = h / 2;
	hg_svg_line(&s, 8, y, w - 8, y, HG_GRID, 2, NULL);
	if (isfinite(c->a) && isfinite(c->b))
		hg_svg_line(&s, hg_scale_map(&sc, c->a), y, hg_scale_map(&sc, c->b), y, HG_INK_SOFT,
		            3, NULL);
	if (isfinite(c->ref))
		hg_svg_line(&s, hg_scale_map(&sc, c->ref), y - 8, hg_scale_map(&sc, c->ref), y + 8,
		            HG_INK, 2, NULL);
	if (isfinite(c->b))
		hg_svg_circle(&s, hg_scale_map(&sc, c->b), y, 6, hg_pal_deprivation5[4], NULL);
	if (isfinite(c->a))
		hg_svg_circle(&s, hg_scale_map(&sc, c->a), y, 6, hg_pal_deprivation5[0], NULL);
	hg_svg_end(&s);
}
