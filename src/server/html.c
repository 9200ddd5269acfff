/*
 * html.c: the page frame and HTML helpers (see html.h).
 */
#include "server/html.h"

#include "report/labels.h"
#include "server/pages.h"
#include "report/svg.h"

#include <stdio.h>
#include <string.h>

void hg_html_text(hg_buf *b, const char *s)
{
	hg_xml_escape(b, s);
}

void hg_html_urlenc(hg_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-_.~", c))
			hg_buf_putc(b, (char)c);
		else
			hg_buf_printf(b, "%%%02X", c);
	}
}

static void nav_item(hg_buf *b, const char *href, const char *label, const char *key,
                     const char *active)
{
	int on = active && !strcmp(key, active);
	hg_buf_printf(b, "<li><a href=\"%s\"%s>%s</a></li>", href,
	              on ? " aria-current=\"page\"" : "", label);
}

static void html_header(hg_buf *b, const hg_req *q, const char *active)
{
	hg_buf_puts(b, "<a class=\"skip\" href=\"#main\">Skip to main content</a>"
	               "<header class=\"hg-header\"><div class=\"hg-wrap hg-header-row\">"
	               "<a class=\"hg-brand\" href=\"/\"><span class=\"hg-logo\" "
	               "aria-hidden=\"true\">HG</span><span>healthgap<small>Health inequalities "
	               "dashboard</small></span></a>");
	if (q->authed) {
		hg_buf_puts(b, "<div class=\"hg-user\"><span>");
		hg_html_text(b, q->sess.user.username);
		hg_buf_printf(b, " <span class=\"hg-role\">%s", hg_role_name(q->sess.user.role));
		if (q->sess.user.practice[0]) {
			hg_buf_puts(b, " ");
			hg_html_text(b, q->sess.user.practice);
		}
		hg_buf_puts(b, "</span></span><form method=\"post\" action=\"/logout\">"
		               "<input type=\"hidden\" name=\"csrf\" value=\"");
		hg_html_text(b, q->sess.csrf);
		hg_buf_puts(b, "\"><button type=\"submit\" class=\"hg-btn-link\">Log out</button>"
		               "</form></div>");
	}
	hg_buf_puts(b, "</div>");
	if (q->authed) {
		hg_buf_puts(b, "<nav class=\"hg-nav\" aria-label=\"Main\"><ul class=\"hg-wrap\">");
		nav_item(b, "/", "Overview", "overview", active);
		if (q->sess.user.role == HG_ROLE_PRACTICE && q->res && q->res->pr->nwls)
			nav_item(b, "/worklists", "Patients to act on", "worklists", active);
		nav_item(b, "/population", "Population", "population", active);
		if (q->res && hg_segments_any(q->res))
			nav_item(b, "/segments", "Population segments", "segments", active);
		if (q->srv->o.scenarios_dir)
			nav_item(b, "/scenarios", "Case for acting", "scenarios", active);
		nav_item(b, "/methods", "Methods and data", "methods", active);
		if (hg_role_admin(q->sess.user.role))
			nav_item(b, "/admin", "Administration", "admin", active);
		hg_buf_puts(b, "</ul></nav>");
	}
	hg_buf_puts(b, "</header>");
}

/* The status marking of the results served: on every page, above the header and in the
 * footer (docs/security.md, "Marking"). Synthetic data say what they are. */
static void html_marking(hg_buf *b, const hg_req *q, const char *cls)
{
	if (!q->res)
		return;
	const hg_data_status *s = &q->res->status;
	hg_buf_printf(b,
	              "<div class=\"hg-marking %s hg-marking-%s\" role=\"note\" aria-label=\"Data "
	              "status\"><div class=\"hg-wrap\"><strong>%s</strong>",
	              cls, s->synthetic ? "synthetic" : "official", hg_data_status_marking(s));
	if (s->area[0]) {
		hg_buf_puts(b, " <span class=\"hg-area\">");
		hg_html_text(b, s->area);
		hg_buf_puts(b, "</span>");
	}
	if (s->synthetic)
		hg_buf_puts(b, " <span>These figures come from a synthetic population and describe "
		               "no real people.</span>");
	else
		hg_buf_puts(b, " <span>Handle and share under your organisation's information "
		               "governance.</span>");
	hg_buf_puts(b, "</div></div>");
}

void hg_html_begin(hg_buf *b, const hg_req *q, const char *title, const char *active)
{
	hg_buf_puts(b, "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	               "<title>");
	hg_html_text(b, title);
	hg_buf_puts(b, " - healthgap</title><link rel=\"stylesheet\" href=\"/assets/app.css\">"
	               "<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">"
	               "<script src=\"/assets/app.js\" defer></script></head><body>");
	html_marking(b, q, "hg-marking-top");
	html_header(b, q, active);
	hg_buf_puts(b, "<main id=\"main\" class=\"hg-wrap\" tabindex=\"-1\">");
}

void hg_html_end(hg_buf *b, const hg_req *q)
{
	hg_buf_puts(b, "</main><footer class=\"hg-footer\"><div class=\"hg-wrap\">");
	if (q->res && q->authed) {
		char rule[200];
		hg_sdc_describe(q->res->sdc_k, 0, rule, sizeof rule);
		hg_buf_printf(b,
		              "<p>Data snapshot <code>%s</code> (%s), computed %s. Disclosure "
		              "control k%d: %s.</p>",
		              q->res->snapshot, q->res->imd_version, q->res->computed_at,
		              q->res->sdc_k, rule);
	}
	hg_buf_puts(b, "<p>healthgap: offline analysis of health inequalities for Core20PLUS5 "
	               "(an independent tool, not an NHS product).</p></div>");
	html_marking(b, q, "hg-marking-foot");
	hg_buf_puts(b, "</footer></body></html>");
}
