/*
 * html.h: the page frame shared by every dashboard page (header, navigation,
 * the signed-in user and logout form, footer with the snapshot and the
 * disclosure rule) and small HTML helpers. All text is escaped; pages have
 * no inline script or style (CSP), only /assets/app.css and /assets/app.js.
 */
#ifndef HG_SRV_HTML_H
#define HG_SRV_HTML_H

#include "server/srv.h"

/* Escaped text. */
void hg_html_text(hg_buf *b, const char *s);
/* Text for a URL query value (percent-encoded). */
void hg_html_urlenc(hg_buf *b, const char *s);
/* Start a page: nav marks `active` ("overview", "population", "methods", "" none). */
void hg_html_begin(hg_buf *b, const hg_req *q, const char *title, const char *active);
void hg_html_end(hg_buf *b, const hg_req *q);
/* The axis label of an indicator's values, with units: "Per cent (%)". */
void hg_value_unit(const hg_indicator *ind, char *buf, size_t size);

#endif
