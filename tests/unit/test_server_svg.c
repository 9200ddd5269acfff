/*
 * test_server_svg.c: the SVG chart primitives: escaping, nice ticks, number
 * formats, and charts that are well-formed, accessible and never draw a
 * suppressed value.
 */
#include "report/chart.h"
#include "report/chart_ineq.h"
#include "report/svg.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

Test(server_svg, escape)
{
	hg_buf b = {0};
	hg_xml_escape(&b, "<a href=\"x\">&'</a>");
	cr_assert_str_eq(hg_buf_cstr(&b), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	hg_buf_free(&b);
}

Test(server_svg, ticks_and_formats)
{
	double lo = 3.2, hi = 47.9, t[24];
	int n = hg_nice_ticks(&lo, &hi, 5, t, 24);
	cr_assert_eq(n, 6);
	cr_assert_float_eq(t[0], 0, 1e-12);
	cr_assert_float_eq(t[5], 50, 1e-12);
	cr_assert_float_eq(lo, 0, 1e-12);
	char s[32];
	hg_fmt_tick(2.5, 2.5, s, sizeof s);
	cr_assert_str_eq(s, "2.5");
	hg_fmt_tick(125000, 25000, s, sizeof s);
	cr_assert_str_eq(s, "125,000");
	hg_fmt_value(1234.56, s, sizeof s);
	cr_assert_str_eq(s, "1,235");
	hg_fmt_value(NAN, s, sizeof s);
	cr_assert_str_eq(s, "-");
}

Test(server_svg, bar_chart_is_accessible_and_hides_suppressed)
{
	hg_bar bars[3] = {{"1", 40, 35, 45, 0}, {"2", NAN, NAN, NAN, 1}, {"<3>", 10, 8, 12, 0}};
	hg_bar_chart c = {.id = "c1",
	                  .title = "Title & more",
	                  .desc = "Description",
	                  .value_label = "Per cent (%)",
	                  .bars = bars,
	                  .n = 3,
	                  .ref = 25,
	                  .ref_label = "Area",
	                  .palette = HG_PAL_DEPRIVATION,
	                  .vertical = 1,
	                  .from_zero = 1};
	hg_buf b = {0};
	hg_chart_bars(&b, &c);
	const char *s = hg_buf_cstr(&b);
	cr_assert(strstr(s, "role=\"img\""));
	cr_assert(strstr(s, "aria-labelledby=\"c1-t c1-d\""));
	cr_assert(strstr(s, "<title id=\"c1-t\">Title &amp; more</title>"));
	cr_assert(strstr(s, "suppressed"));
	cr_assert(strstr(s, "&lt;3&gt;"));
	cr_assert(strstr(s, "Per cent (%)"));
	cr_assert_null(strstr(s, "style="));
	cr_assert_null(strstr(s, "nan"));
	cr_assert(strstr(s, "</svg>") == s + strlen(s) - 6);
	hg_buf_free(&b);
}

Test(server_svg, timeseries_and_pyramid)
{
	hg_ts_point p[3] = {{"2024-06-30", 10, 9, 11, 0},
	                    {"2024-09-30", NAN, NAN, NAN, 1},
	                    {"2024-12-31", 12, 11, 13, 0}};
	hg_ts_series se = {"Area", p, 3};
	hg_ts_chart c = {"t", "Trend", "desc", "Per cent (%)", "Period end", &se, 1, 0, 0, 1};
	hg_buf b = {0};
	hg_chart_timeseries(&b, &c);
	cr_assert(strstr(hg_buf_cstr(&b), "Period end"));
	cr_assert_null(strstr(hg_buf_cstr(&b), "nan"));
	b.n = 0;
	const char *bands[2] = {"0-4", "5-9"};
	double m[2] = {5, NAN}, f[2] = {6, 4};
	hg_pyramid_chart pc = {"p", "Pyramid", "desc", bands, 2, m, f, "Male", "Female", "%", 0, 0};
	hg_chart_pyramid(&b, &pc);
	cr_assert(strstr(hg_buf_cstr(&b), "Female"));
	cr_assert_null(strstr(hg_buf_cstr(&b), "nan"));
	hg_buf_free(&b);
}

/* The x positions of the tick labels of svg that start with prefix, in order; returns how many. */
static int label_xs(const char *svg, const char *prefix, double *x, int max)
{
	int n = 0;
	for (const char *t = strstr(svg, "<text x=\""); t && n < max;
	     t = strstr(t + 1, "<text x=\"")) {
		const char *gt = strchr(t, '>');
		if (gt && !strncmp(gt + 1, prefix, strlen(prefix)))
			x[n++] = strtod(t + 9, NULL);
	}
	return n;
}

/* Twelve month-end dates on a half-width SPC chart (the trust pages' monthly series): every
   date labelled overlapped its neighbours; now labels are at least their width apart and the
   latest period is one of them. The same rule for the time series chart. */
Test(server_svg, date_labels_never_overlap)
{
	static const char *const ends[12] = {
	    "2025-04-30", "2025-05-31", "2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30",
	    "2025-10-31", "2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31"};
	hg_spc_chart_pt pts[12];
	hg_ts_point tp[12];
	for (int k = 0; k < 12; k++) {
		pts[k] = (hg_spc_chart_pt){ends[k], 30 + k % 3, 31, 28, 34, 0};
		tp[k] = (hg_ts_point){.label = ends[k], .value = 30 + k % 3, .lo = 29, .hi = 33};
	}
	for (int kind = 0; kind < 2; kind++) {
		hg_buf b = {0};
		if (kind == 0) {
			hg_spc_chart c = {.id = "s",
			                  .title = "t",
			                  .desc = "d",
			                  .value_label = "%",
			                  .pts = pts,
			                  .n = 12,
			                  .target = NAN,
			                  .variation = -1,
			                  .assurance = -1,
			                  .width = 520};
			hg_chart_spc(&b, &c);
		} else {
			hg_ts_series se = {.name = "Area", .pts = tp, .n = 12};
			hg_ts_chart c = {.id = "t",
			                 .title = "t",
			                 .desc = "d",
			                 .value_label = "%",
			                 .time_label = "Period end",
			                 .series = &se,
			                 .nseries = 1,
			                 .width = 520};
			hg_chart_timeseries(&b, &c);
		}
		double x[12];
		int n = label_xs(hg_buf_cstr(&b), "202", x, 12);
		cr_assert_geq(n, 2, "chart %d: %d date labels", kind, n);
		cr_assert_lt(n, 12, "chart %d: every one of 12 dates labelled on 520 units", kind);
		for (int k = 1; k < n; k++)
			cr_assert_geq(x[k] - x[k - 1], 7.2 * 10 + 12,
			              "chart %d: labels %d and %d overlap", kind, k - 1, k);
		cr_assert(strstr(hg_buf_cstr(&b), ">2026-03-31</text>"),
		          "chart %d: the latest period is not labelled", kind);
		hg_buf_free(&b);
	}
	cr_assert_eq(hg_label_step(1000, 12, 10, 1), 1);
	cr_assert_eq(hg_label_step(430, 12, 10, 1), 3);
	cr_assert_eq(hg_label_step(430, 12, 10, 4), 4);
}
