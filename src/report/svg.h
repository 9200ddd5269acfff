/*
 * svg.h: primitives for accessible SVG charts drawn by C code, shared by the
 * dashboard (src/server) and reports (issue 6: SII, SPC, funnel charts, the
 * board report). Everything is written into an hg_buf as text.
 *
 * Accessibility rules every chart follows: the <svg> has role="img" and is
 * labelled by its <title> and <desc>; colours come from the palettes below
 * (colour-blind safe; marks have a dark outline so they meet the 3:1
 * non-text contrast of WCAG 2.1 AA, text is #212b32 on white, 14.9:1);
 * axes carry a label with units; no colour is the only carrier of meaning
 * (values are also in labels, tables or legends). No inline style or script
 * is emitted, so the output is safe under a strict Content-Security-Policy;
 * presentation is by attributes and by the hg-* classes styled in web/app.css
 * (and in a report's own stylesheet).
 *
 * Coordinates are in SVG user units (px at 100% zoom). A plot is an hg_plot:
 * a frame (the inner rectangle) plus an x and a y scale; overlays (a fitted
 * line, control limits, a target) are added with the same primitives using
 * hg_plot_x / hg_plot_y.
 */
#ifndef HG_SVG_H
#define HG_SVG_H

#include "core/str.h"

#include <stddef.h>

/* Okabe-Ito categorical palette, ordered for contrast on white. */
#define HG_PAL_N 6
extern const char *const hg_pal_categorical[HG_PAL_N];
/* Deprivation (ordinal) palette: index 0 = most deprived (darkest) .. 9 least. */
extern const char *const hg_pal_deprivation10[10];
extern const char *const hg_pal_deprivation5[5];
#define HG_INK       "#212b32" /* text and outlines */
#define HG_INK_SOFT  "#4c6272" /* secondary text, 6.1:1 on white */
#define HG_GRID      "#d8dde0"
#define HG_HIGHLIGHT "#005eb8" /* NHS blue */

enum hg_anchor { HG_START = 0, HG_MIDDLE, HG_END };

typedef struct hg_svg {
	hg_buf *b;
	double w, h;
} hg_svg;

/* Write the XML-escaped text s (also safe inside HTML attributes). */
void hg_xml_escape(hg_buf *b, const char *s);

/* <svg> with viewBox 0 0 w h, role="img", <title> and <desc> (ids from id). */
void hg_svg_begin(hg_svg *s, hg_buf *b, double w, double h, const char *id, const char *title,
                  const char *desc);
void hg_svg_end(hg_svg *s);
/* Group with a class (and optional accessible label); close with hg_svg_group_end. */
void hg_svg_group(hg_svg *s, const char *cls, const char *label);
void hg_svg_group_end(hg_svg *s);

void hg_svg_rect(hg_svg *s, double x, double y, double w, double h, const char *fill,
                 const char *cls);
void hg_svg_line(hg_svg *s, double x1, double y1, double x2, double y2, const char *stroke,
                 double width, const char *cls);
void hg_svg_circle(hg_svg *s, double cx, double cy, double r, const char *fill, const char *cls);
/* A path from its d attribute. */
void hg_svg_path(hg_svg *s, const char *d, const char *fill, const char *stroke, double width,
                 const char *cls);
/* Text (escaped); cls NULL for the default. */
void hg_svg_text(hg_svg *s, double x, double y, int anchor, const char *cls, const char *text);
/* A <title> tooltip for the element just opened with hg_svg_group. */
void hg_svg_tooltip(hg_svg *s, const char *text);

/* ---- scales, ticks and number formatting ---- */

typedef struct hg_scale {
	double d0, d1; /* domain */
	double r0, r1; /* range (px) */
} hg_scale;

double hg_scale_map(const hg_scale *sc, double v);
/* Nice tick values covering [lo, hi] (about `want` of them); returns how many (<= max),
 * and widens lo and hi to the outer ticks. */
int hg_nice_ticks(double *lo, double *hi, int want, double *ticks, int max);
/* Format v with as many decimals as the tick step needs (thousands separated). */
void hg_fmt_tick(double v, double step, char *buf, size_t size);
/* Label every how-many-th of n points spread evenly over span user units, so that
   labels of up to maxlen characters at the tick size do not overlap; at least min. */
size_t hg_label_step(double span, size_t n, size_t maxlen, size_t min);
/* Format a value for a label: 1 decimal under 1000, thousands separated above. */
void hg_fmt_value(double v, char *buf, size_t size);

/* ---- plots ---- */

typedef struct hg_plot {
	hg_svg *svg;
	double x0, y0, x1, y1; /* inner frame: left, top, right, bottom */
	hg_scale xs, ys;
} hg_plot;

double hg_plot_x(const hg_plot *p, double v);
double hg_plot_y(const hg_plot *p, double v);
/* A value axis along y (left) with gridlines, tick labels and the axis label (rotated). */
void hg_plot_axis_y(hg_plot *p, const double *ticks, int n, const char *label);
/* A value axis along x (bottom) with gridlines, tick labels and the axis label. */
void hg_plot_axis_x(hg_plot *p, const double *ticks, int n, const char *label);
/* A dashed reference line at value v across the plot (vertical if along_x). */
void hg_plot_ref(hg_plot *p, double v, int along_x, const char *label);

/* A legend row of swatches starting at (x, y); kinds: 0 box, 1 line, 2 dashed line, 3 band,
 * 4 dot (a point as scatter charts draw it). */
typedef struct hg_legend_item {
	const char *label, *colour;
	int kind;
} hg_legend_item;
void hg_svg_legend(hg_svg *s, double x, double y, const hg_legend_item *items, int n);

#endif
