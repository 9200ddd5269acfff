/*
 * pages.h: what the dashboard's page files share (internal to src/server):
 * the page parts (page_parts.c: status and error page, number formatting
 * for HTML, labels), and the indicator page's context and section type, so
 * a new section of the indicator page can live in its own file. Calls run
 * one way: pages.c -> page_indicator.c -> page_analysis.c, each -> page_parts.c.
 */
#ifndef HG_SRV_PAGES_H
#define HG_SRV_PAGES_H

#include "server/place.h"
#include "server/srv.h"

/* ---- page_parts.c ---- */

/* Mark r as an HTML page with this status. */
void hg_page_ok(hg_resp *r, int status);
/* An HTML error page with the site frame (for browsers; the API answers JSON). */
void hg_page_error(hg_req *q, hg_resp *r, int status, const char *msg);
/* A value (1 decimal, thousands separated), "-" when missing. */
void hg_page_num(hg_buf *b, double v);
/* A count as a whole number, "-" when missing or suppressed. */
void hg_page_count(hg_buf *b, double v);
/* A count to read (a headline, a fifth): a whole number, thousands separated, or "-". */
void hg_page_whole(hg_buf *b, double v);
/* A percentage with "%", or "-". */
void hg_page_pct(hg_buf *b, double v);
/* A value with its CI in a smaller span. */
void hg_page_num_ci(hg_buf *b, double v, double lo, double hi);
/* "Higher is better" (the objectives' polarity) as a small label. */
void hg_page_polarity(hg_buf *b, int polarity);
/* The direction of travel (summary.h HG_TREND_*) as a badge coloured better/worse. */
void hg_page_trend(hg_buf *b, int trend, int polarity);

/* The indicator page being built. */
typedef struct hg_ipage {
	hg_req *q;
	const hg_indicator *ind;
	int i;            /* indicator index in q->res */
	hg_pub_rows rows; /* every row the page shows (the period chosen, the role's breakdowns) */
	const char *period; /* the period parameter, NULL for the latest */
	char unit[96];      /* value axis label with units (report/labels.h) */
	const char *imd;    /* the store's IMD version, for breakdown labels */
	double all_value;   /* the whole area's value, NaN if suppressed */
	hg_an_view an;      /* the analysis of the period chosen, as the role may see it */
	hg_place place;     /* the place filter (place.h): kind "" for the whole area */
} hg_ipage;

/* One section of the indicator page: appends a card to b. */
typedef void (*hg_ip_section)(hg_ipage *ip, hg_buf *b);

/* A breakdown's or category's label (report/labels.h) for this page (page_parts.c). */
void hg_ip_bd_label(const hg_ipage *ip, const char *breakdown, char *buf, size_t size);

/* page_analysis.c: SII chart, gap table, SPC charts with icons, practice funnel plot. */
void hg_ip_sii(hg_ipage *ip, hg_buf *b);
void hg_ip_gaps(hg_ipage *ip, hg_buf *b);
void hg_ip_spc(hg_ipage *ip, hg_buf *b);
void hg_ip_funnel(hg_ipage *ip, hg_buf *b);

/* page_worklist.c: "Patients to act on" (/worklists..., /api/worklists...): 1 if handled. */
int hg_worklist_route(hg_req *q, hg_resp *r);
/* For a practice user: links to the worklists that act on indicator ind_id's gap (its
 * `closes:`) or whose aggregate it is; nothing for other roles. */
void hg_worklist_links(hg_buf *b, const hg_req *q, const char *ind_id);

/* page_segments.c: "Population segments" (/segments): 1 if handled; does the pack have any
 * segmentation indicator (the navigation shows the page only then)? */
int hg_segments_route(hg_req *q, hg_resp *r);
int hg_segments_any(const hg_results *res);

/* page_scenario.c: the case for acting (/scenarios), from serve --scenarios DIR. */
void hg_page_scenarios(hg_req *q, hg_resp *r);

/* page_brief.c: the executive summary card of the overview (the board report's ranked
 * messages from what the reader may see; nothing for a practice user). */
struct hg_ind_summary;
void hg_page_brief(const hg_req *q, hg_buf *b, const struct hg_ind_summary *s, int n);

/* page_practice.c: a practice user's overview (its indicators against the area, its PCN and
 * similar practices; those only available for the whole area; its patients to act on). */
void hg_page_practice(const hg_req *q, hg_buf *b);

/* page_indicator.c: the indicator page (called by pages.c's routes). */
void hg_page_indicator(hg_req *q, hg_resp *r, const char *id);

#endif
