/*
 * html.h: the page frame shared by every dashboard page (the status marking
 * - SYNTHETIC DATA or OFFICIAL-SENSITIVE and the area - above the header and
 * in the footer, header, navigation, the signed-in user and logout form,
 * footer with the snapshot and the disclosure rule) and small HTML helpers.
 * All text is escaped; pages have no inline script or style (CSP), only
 * /assets/app.css and /assets/app.js. Words for codes come from
 * report/labels.h.
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

#endif
