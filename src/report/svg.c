/*
 * svg.c: SVG primitives, scales, ticks and legends (see svg.h).
 */
#include "report/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const hg_pal_categorical[HG_PAL_N] = {"#0072b2", "#d55e00", "#009e73",
                                                  "#cc79a7", "#e69f00", "#56b4e9"};
const char *const hg_pal_deprivation10[10] = {"#08306b", "#08458a", "#0b5aa3", "#1c6db5",
                                              "#2f7fc1", "#4591cc", "#5ea3d6", "#79b4de",
                                              "#95c4e6", "#b2d4ee"};
const char *const hg_pal_deprivation5[5] = {"#08306b", "#0b5aa3", "#2f7fc1", "#5ea3d6", "#95c4e6"};

void hg_xml_escape(hg_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			hg_buf_puts(b, "&amp;");
			break;
		case '<':
			hg_buf_puts(b, "&lt;");
			break;
		case '>':
			hg_buf_puts(b, "&gt;");
			break;
		case '"':
			hg_buf_puts(b, "&quot;");
			break;
		case '\'':
			hg_buf_puts(b, "&#39;");
			break;
		default:
			hg_buf_putc(b, *s);
		}
	}
}

void hg_svg_begin(hg_svg *s, hg_buf *b, double w, double h, const char *id, const char *title,
                  const char *desc)
{
	s->b = b;
	s->w = w;
	s->h = h;
	/* the width class (hg-cw-N: N = the width rounded up to 80s) lets a stylesheet keep the
	 * chart at a legible minimum width on a phone (web/app.css) without inline styles */
	int cw = (int)ceil(w / 80) * 80;
	hg_buf_printf(b,
	              "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hg-chart hg-cw-%d\" "
	              "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
	              "aria-labelledby=\"%s-t %s-d\" font-family=\"Arial, Helvetica, sans-serif\" "
	              "font-size=\"13\"><title id=\"%s-t\">",
	              cw, w, h, w, h, id, id, id);
	hg_xml_escape(b, title);
	hg_buf_printf(b, "</title><desc id=\"%s-d\">", id);
	hg_xml_escape(b, desc);
	hg_buf_puts(b, "</desc>");
}

void hg_svg_end(hg_svg *s)
{
	hg_buf_puts(s->b, "</svg>");
}

void hg_svg_group(hg_svg *s, const char *cls, const char *label)
{
	hg_buf_puts(s->b, "<g");
	if (cls)
		hg_buf_printf(s->b, " class=\"%s\"", cls);
	if (label) {
		hg_buf_puts(s->b, " aria-label=\"");
		hg_xml_escape(s->b, label);
		hg_buf_puts(s->b, "\"");
	}
	hg_buf_puts(s->b, ">");
}

void hg_svg_group_end(hg_svg *s)
{
	hg_buf_puts(s->b, "</g>");
}

void hg_svg_tooltip(hg_svg *s, const char *text)
{
	hg_buf_puts(s->b, "<title>");
	hg_xml_escape(s->b, text);
	hg_buf_puts(s->b, "</title>");
}

static void svg_cls(hg_svg *s, const char *cls)
{
	if (cls)
		hg_buf_printf(s->b, " class=\"%s\"", cls);
}

void hg_svg_rect(hg_svg *s, double x, double y, double w, double h, const char *fill,
                 const char *cls)
{
	hg_buf_printf(s->b,
	              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"", x,
	              y, w > 0 ? w : 0, h > 0 ? h : 0, fill ? fill : "none");
	svg_cls(s, cls);
	hg_buf_puts(s->b, "/>");
}

void hg_svg_line(hg_svg *s, double x1, double y1, double x2, double y2, const char *stroke,
                 double width, const char *cls)
{
	hg_buf_printf(s->b,
	              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
	              "stroke-width=\"%.1f\"",
	              x1, y1, x2, y2, stroke, width);
	svg_cls(s, cls);
	hg_buf_puts(s->b, "/>");
}

void hg_svg_circle(hg_svg *s, double cx, double cy, double r, const char *fill, const char *cls)
{
	hg_buf_printf(s->b,
	              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"" HG_INK
	              "\" stroke-width=\"1\"",
	              cx, cy, r, fill);
	svg_cls(s, cls);
	hg_buf_puts(s->b, "/>");
}

void hg_svg_path(hg_svg *s, const char *d, const char *fill, const char *stroke, double width,
                 const char *cls)
{
	hg_buf_printf(s->b, "<path d=\"%s\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%.1f\"", d,
	              fill ? fill : "none", stroke ? stroke : "none", width);
	svg_cls(s, cls);
	hg_buf_puts(s->b, "/>");
}

void hg_svg_text(hg_svg *s, double x, double y, int anchor, const char *cls, const char *text)
{
	static const char *const a[] = {"start", "middle", "end"};
	hg_buf_printf(s->b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"" HG_INK "\"", x,
	              y, a[anchor]);
	svg_cls(s, cls);
	hg_buf_puts(s->b, ">");
	hg_xml_escape(s->b, text);
	hg_buf_puts(s->b, "</text>");
}

/* ---- scales ---- */

double hg_scale_map(const hg_scale *sc, double v)
{
	if (sc->d1 == sc->d0)
		return (sc->r0 + sc->r1) / 2;
	return sc->r0 + (v - sc->d0) / (sc->d1 - sc->d0) * (sc->r1 - sc->r0);
}

static double nice_step(double span, int want)
{
	double raw = span / (want > 1 ? want : 1), mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

int hg_nice_ticks(double *lo, double *hi, int want, double *ticks, int max)
{
	if (!(*hi > *lo)) {
		double c = isfinite(*lo) ? *lo : 0;
		*lo = c - 1;
		*hi = c + 1;
	}
	double step = nice_step(*hi - *lo, want);
	double a = floor(*lo / step + 1e-9) * step, b = ceil(*hi / step - 1e-9) * step;
	int n = 0;
	for (double v = a; v <= b + step * 1e-6 && n < max; v += step)
		ticks[n++] = fabs(v) < step * 1e-9 ? 0 : v;
	*lo = a;
	*hi = n ? ticks[n - 1] : b;
	return n;
}

/* Insert thousands separators into the integer part of a formatted number. */
static void hg_thousands(char *buf, size_t size)
{
	char tmp[64];
	const char *p = buf;
	size_t o = 0;
	if (*p == '-')
		tmp[o++] = *p++;
	size_t ilen = strcspn(p, ".");
	for (size_t i = 0; i < ilen && o + 2 < sizeof tmp; i++) {
		if (i && (ilen - i) % 3 == 0)
			tmp[o++] = ',';
		tmp[o++] = p[i];
	}
	snprintf(tmp + o, sizeof tmp - o, "%s", p + ilen);
	snprintf(buf, size, "%s", tmp);
}

/* A tick label's character is about 0.6 em: 7.2 units at the 12-unit tick size. */
size_t hg_label_step(double span, size_t n, size_t maxlen, size_t min)
{
	size_t step = min ? min : 1;
	if (n < 2 || !(span > 0))
		return step;
	double gap = span / (double)(n - 1), need = 7.2 * (double)maxlen + 12;
	while (step < n && gap * (double)step < need)
		step++;
	return step;
}

void hg_fmt_tick(double v, double step, char *buf, size_t size)
{
	int dec = step >= 1 || step <= 0 ? 0 : (int)ceil(-log10(step) - 1e-9);
	if (dec > 6)
		dec = 6;
	if (step > 0 && dec < 6 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-6)
		dec++;
	snprintf(buf, size, "%.*f", dec, v);
	hg_thousands(buf, size);
}

void hg_fmt_value(double v, char *buf, size_t size)
{
	if (!isfinite(v)) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, fabs(v) >= 1000 ? "%.0f" : "%.1f", v);
	hg_thousands(buf, size);
}

/* ---- plots ---- */

double hg_plot_x(const hg_plot *p, double v)
{
	return hg_scale_map(&p->xs, v);
}

double hg_plot_y(const hg_plot *p, double v)
{
	return hg_scale_map(&p->ys, v);
}

static double step_of(const double *t, int n)
{
	return n > 1 ? t[1] - t[0] : 1;
}

void hg_plot_axis_y(hg_plot *p, const double *ticks, int n, const char *label)
{
	hg_svg *s = p->svg;
	char buf[64];
	hg_svg_group(s, "hg-axis hg-axis-y", NULL);
	for (int i = 0; i < n; i++) {
		double y = hg_plot_y(p, ticks[i]);
		hg_svg_line(s, p->x0, y, p->x1, y, ticks[i] == 0 ? HG_INK_SOFT : HG_GRID, 1, NULL);
		hg_fmt_tick(ticks[i], step_of(ticks, n), buf, sizeof buf);
		hg_svg_text(s, p->x0 - 6, y + 4, HG_END, "hg-tick", buf);
	}
	hg_buf_printf(s->b,
	              "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\" "
	              "fill=\"" HG_INK "\" class=\"hg-axis-label\">",
	              (p->y0 + p->y1) / 2);
	hg_xml_escape(s->b, label);
	hg_buf_puts(s->b, "</text>");
	hg_svg_group_end(s);
}

void hg_plot_axis_x(hg_plot *p, const double *ticks, int n, const char *label)
{
	hg_svg *s = p->svg;
	char buf[64];
	hg_svg_group(s, "hg-axis hg-axis-x", NULL);
	for (int i = 0; i < n; i++) {
		double x = hg_plot_x(p, ticks[i]);
		hg_svg_line(s, x, p->y0, x, p->y1, ticks[i] == 0 ? HG_INK_SOFT : HG_GRID, 1, NULL);
		hg_fmt_tick(ticks[i], step_of(ticks, n), buf, sizeof buf);
		hg_svg_text(s, x, p->y1 + 16, HG_MIDDLE, "hg-tick", buf);
	}
	hg_svg_text(s, (p->x0 + p->x1) / 2, p->y1 + 36, HG_MIDDLE, "hg-axis-label", label);
	hg_svg_group_end(s);
}

void hg_plot_ref(hg_plot *p, double v, int along_x, const char *label)
{
	hg_svg *s = p->svg;
	char d[160];
	if (!isfinite(v))
		return;
	hg_svg_group(s, "hg-ref", label);
	if (along_x) {
		double x = hg_plot_x(p, v);
		snprintf(d, sizeof d, "M%.1f %.1fV%.1f", x, p->y0 - 4, p->y1);
	} else {
		double y = hg_plot_y(p, v);
		snprintf(d, sizeof d, "M%.1f %.1fH%.1f", p->x0, y, p->x1);
	}
	hg_buf_printf(s->b,
	              "<path d=\"%s\" stroke=\"" HG_INK "\" stroke-width=\"1.5\" "
	              "stroke-dasharray=\"6 4\" fill=\"none\"/>",
	              d);
	hg_svg_group_end(s);
}

void hg_svg_legend(hg_svg *s, double x, double y, const hg_legend_item *items, int n)
{
	hg_svg_group(s, "hg-legend", "Legend");
	for (int i = 0; i < n; i++) {
		const hg_legend_item *it = &items[i];
		if (it->kind == 4) {
			hg_buf_printf(s->b,
			              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" "
			              "stroke=\"#fff\"/>",
			              x + 7, y - 4, it->colour);
		} else if (it->kind == 0 || it->kind == 3) {
			hg_buf_printf(s->b,
			              "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" "
			              "fill=\"%s\" stroke=\"" HG_INK "\"%s/>",
			              x, y - 11, it->colour,
			              it->kind == 3 ? " fill-opacity=\"0.25\"" : "");
		} else {
			hg_buf_printf(
			    s->b,
			    "<path d=\"M%.1f %.1fh18\" stroke=\"%s\" stroke-width=\"2.5\"%s/>",
			    x - 2, y - 4, it->colour,
			    it->kind == 2 ? " stroke-dasharray=\"6 4\"" : "");
		}
		hg_svg_text(s, x + 20, y, HG_START, "hg-legend-label", it->label);
		x += 34 + 7.0 * (double)strlen(it->label);
	}
	hg_svg_group_end(s);
}
