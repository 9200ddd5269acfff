/*
 * page_parts.c: the parts every dashboard page is built from: the HTML
 * status and error page, numbers, counts, percentages and CIs as the pages
 * show them, the polarity and direction-of-travel labels, and breakdown
 * labels on the indicator page. The page files (pages.c, page_indicator.c,
 * page_analysis.c) call it; it calls none of them.
 */
#include "report/labels.h"
#include "report/svg.h"
#include "server/html.h"
#include "server/pages.h"
#include "server/summary.h"

#include <math.h>
#include <stdio.h>

void hg_page_ok(hg_resp *r, int status)
{
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
}

void hg_page_num(hg_buf *b, double v)
{
	char s[32];
	hg_fmt_value(v, s, sizeof s);
	hg_buf_puts(b, s);
}

/* A count (numerator, denominator): a whole number, "-" when suppressed. */
void hg_page_count(hg_buf *b, double v)
{
	char s[32];
	if (!isfinite(v)) {
		hg_buf_puts(b, "-");
		return;
	}
	snprintf(s, sizeof s, "%.0f", v);
	hg_buf_puts(b, s);
}

/* A count as a figure to read (a headline, a fifth's count): a whole number with thousands
 * separators, "-" when suppressed or missing. */
void hg_page_whole(hg_buf *b, double v)
{
	char s[32];
	if (!isfinite(v)) {
		hg_buf_puts(b, "-");
		return;
	}
	hg_fmt_tick(round(v), 1, s, sizeof s);
	hg_buf_puts(b, s);
}

/* A percentage, or "-" when unknown. */
void hg_page_pct(hg_buf *b, double v)
{
	hg_page_num(b, v);
	if (isfinite(v))
		hg_buf_puts(b, "%");
}

void hg_page_num_ci(hg_buf *b, double v, double lo, double hi)
{
	hg_page_num(b, v);
	if (isfinite(lo) && isfinite(hi)) {
		hg_buf_puts(b, " <span class=\"hg-ci\">(");
		hg_page_num(b, lo);
		hg_buf_puts(b, "&ndash;");
		hg_page_num(b, hi);
		hg_buf_puts(b, ")</span>");
	}
}

void hg_page_error(hg_req *q, hg_resp *r, int status, const char *msg)
{
	hg_buf *b = &r->body;
	b->n = 0;
	const char *title = status == 403   ? "Not available to your role"
	                    : status == 400 ? "Cannot show that"
	                                    : "Page not found";
	hg_html_begin(b, q, title, "");
	hg_buf_printf(b, "<h1>%s</h1><p class=\"hg-lede\">", title);
	hg_html_text(b, msg);
	hg_buf_puts(b, "</p><p><a href=\"/\">Back to the overview</a></p>");
	hg_html_end(b, q);
	hg_page_ok(r, status);
}

/* The polarity under the indicator's name. */
void hg_page_polarity(hg_buf *b, int polarity)
{
	hg_buf_printf(b, "<span class=\"hg-polarity hg-polarity-%s\">%s</span>",
	              polarity > 0   ? "up"
	              : polarity < 0 ? "down"
	                             : "none",
	              hg_label_polarity(polarity));
}

/* A direction-of-travel badge coloured better/worse by the polarity. */
void hg_page_trend(hg_buf *b, int trend, int polarity)
{
	int judge;
	const char *w = hg_trend_words(trend, polarity, &judge);
	hg_buf_printf(b, "<span class=\"hg-trend hg-trend-%d hg-judge-%s\">%s</span>", trend,
	              judge > 0   ? "better"
	              : judge < 0 ? "worse"
	                          : "none",
	              w);
}

void hg_ip_bd_label(const hg_ipage *ip, const char *breakdown, char *buf, size_t size)
{
	hg_label_breakdown(breakdown, ip->imd, buf, size);
}
