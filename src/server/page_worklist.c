/*
 * page_worklist.c: "Patients to act on", the pack's worklists (docs/language.md
 * "Worklists") for a practice user's own patients: the lists with their
 * people per priority group (/worklists), one list's people with their
 * reasons and columns (/worklists/ID), its CSV and workbook
 * (/worklists/ID.csv, .xlsx: engine/wlout.h, the files `healthgap worklist`
 * writes) and the same as JSON (/api/worklists, /api/worklists/ID).
 *
 * Person-level, so (docs/security.md "Worklists and re-identification"):
 * only the practice role, and only for the user's own practice - the lists
 * are drawn up by hg_worklist_run for that one practice code, never for
 * another or for every practice; every other role gets 403 on every route
 * here (they see each worklist's aggregate count indicator, with
 * disclosure control). Every view, JSON response and download is written to
 * the audit log (who, which worklist, how many rows) before it leaves, and
 * is never coalesced; when the entry cannot be written the router answers 503.
 */
#include "core/json.h"
#include "core/fs.h"
#include "engine/wlout.h"
#include "engine/worklist.h"
#include "server/html.h"
#include "server/pages.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- access and lists ---- */

/* Only a practice user with a practice code sees people; others are refused (audited). */
static int wl_allowed(hg_req *q, hg_resp *r, int json, const char *what)
{
	if (q->sess.user.role == HG_ROLE_PRACTICE && q->sess.user.practice[0])
		return 1;
	hg_req_audit(q, "forbidden", "worklist %.80s", what);
	const char *msg = "Worklists name patients: they are for a practice's own users only. "
	                  "Each worklist's count, with disclosure control, is an indicator on the "
	                  "overview.";
	if (json)
		hg_resp_error(r, 403,
		              "worklists are for a practice's own users only (person-level)");
	else
		hg_page_error(q, r, 403, msg);
	return 0;
}

static int wl_find(const hg_program *pr, const char *id, size_t n)
{
	for (int w = 0; w < pr->nwls; w++)
		if (strlen(pr->wls[w].wl->id) == n && !strncmp(pr->wls[w].wl->id, id, n))
			return w;
	return -1;
}

/* Worklist w of the user's own practice. A practice with nobody in the store has empty
 * lists (hg_worklist_run refuses an unknown code; that is not an error here). */
static void wl_rows(const hg_req *q, int w, hg_wl_rows *out)
{
	const char *practice = q->sess.user.practice;
	assert(q->sess.user.role == HG_ROLE_PRACTICE && practice[0]); /* never every practice */
	hg_err err = {0};
	if (hg_worklist_run(q->res->pr, w, practice, q->res->wl_as_at, out, &err) == 0)
		return;
	memset(out, 0, sizeof *out);
	out->cw = &q->res->pr->wls[w];
	out->as_at = q->res->wl_as_at;
	out->ngroups = out->cw->wl->prio < 0 ? 1 : out->cw->wl->nprio;
	out->group_n = hg_xcalloc((size_t)out->ngroups + 1, sizeof *out->group_n);
}

static const char *group_name(const hg_worklist *wl, int g)
{
	return wl->prio < 0 ? "All" : wl->prio_names[g];
}

/* Columns shown on the page: all but the list, the practice and the token (in the files). */
static int page_col(const hg_worklist *wl, int c)
{
	return c != HG_WLC_LIST && c != HG_WLC_PRACTICE && c != HG_WLC_RANK && c != HG_WLC_GROUP &&
	       c != HG_WLC_FIXED + wl->ncolumns;
}

/* ---- pages ---- */

static void wl_lede(hg_buf *b, const hg_req *q)
{
	char day[11];
	hg_buf_puts(b, "<p class=\"hg-lede\">Your practice's own patients (");
	hg_html_text(b, q->sess.user.practice);
	hg_buf_printf(b,
	              ") as at %s, the end of the data, most urgent group first. Patients are "
	              "shown by pseudonym: your practice's re-identification key holder turns a "
	              "downloaded list into NHS numbers on your own system "
	              "(<code>healthgap reidentify</code>). Every view and download is "
	              "recorded.</p>",
	              hg_date_format(q->res->wl_as_at, day));
}

/* The people per priority group of one list, as links to its groups. */
static void wl_groups(hg_buf *b, const hg_wl_rows *rs, int links)
{
	const hg_worklist *wl = rs->cw->wl;
	hg_buf_puts(b, "<ol class=\"hg-wl-groups\">");
	for (int g = 0; g < rs->ngroups; g++) {
		hg_buf_puts(b, "<li>");
		if (links && rs->group_n[g])
			hg_buf_printf(b, "<a href=\"#g%d\">", g + 1);
		hg_buf_printf(b, "<span class=\"hg-wl-rank\">%d</span> ", g + 1);
		hg_html_text(b, group_name(wl, g));
		if (links && rs->group_n[g])
			hg_buf_puts(b, "</a>");
		hg_buf_printf(b, " <strong class=\"hg-wl-n\">%zu</strong></li>", rs->group_n[g]);
	}
	hg_buf_puts(b, "</ol>");
}

static void wl_downloads(hg_buf *b, const hg_worklist *wl)
{
	hg_buf_puts(b, "<p class=\"hg-wl-dl\"><a class=\"hg-btn hg-btn-small\" id=\"wl-csv\" "
	               "href=\"/worklists/");
	hg_html_urlenc(b, wl->id);
	hg_buf_puts(b, ".csv\">Download CSV</a> <a class=\"hg-btn hg-btn-secondary\" "
	               "id=\"wl-xlsx\" href=\"/worklists/");
	hg_html_urlenc(b, wl->id);
	hg_buf_puts(b, ".xlsx\">Download Excel</a></p>");
}

static void wl_index(hg_req *q, hg_resp *r)
{
	const hg_program *pr = q->res->pr;
	hg_buf *b = &r->body, d = {0};
	hg_html_begin(b, q, "Patients to act on", "worklists");
	hg_buf_puts(b, "<h1>Patients to act on</h1>");
	wl_lede(b, q);
	if (pr->nwls == 0)
		hg_buf_puts(b, "<p>This indicator pack declares no worklists.</p>");
	hg_buf_puts(b, "<div class=\"hg-wl-cards\">");
	for (int w = 0; w < pr->nwls; w++) {
		hg_wl_rows rs;
		wl_rows(q, w, &rs);
		const hg_worklist *wl = rs.cw->wl;
		hg_buf_puts(b, "<section class=\"hg-card hg-wl-card\"><h2><a href=\"/worklists/");
		hg_html_urlenc(b, wl->id);
		hg_buf_puts(b, "\">");
		hg_html_text(b, wl->title);
		hg_buf_printf(
		    b, "</a></h2><p class=\"hg-wl-total\"><strong>%zu</strong> patient%s</p>", rs.n,
		    rs.n == 1 ? "" : "s");
		wl_groups(b, &rs, 0);
		if (wl->source) {
			hg_buf_puts(b, "<p class=\"hg-small\">");
			hg_html_text(b, wl->source);
			hg_buf_puts(b, "</p>");
		}
		hg_buf_printf(&d, " %s=%zu", wl->id, rs.n);
		hg_wl_rows_free(&rs);
	}
	hg_buf_puts(b, "</div>");
	hg_html_end(b, q);
	char day[11];
	hg_buf_cstr(&d);
	hg_req_audit(q, "worklist_view", "summary practice=%s as_at=%s:%s", q->sess.user.practice,
	             hg_date_format(q->res->wl_as_at, day), d.p ? d.p : "");
	hg_buf_free(&d);
	hg_page_ok(r, 200);
}

static void wl_table_head(hg_buf *b, const hg_worklist *wl)
{
	hg_buf_puts(b, "<thead><tr>");
	for (int c = 0; c < hg_wl_ncols(wl); c++) {
		if (!page_col(wl, c))
			continue;
		int num = hg_wl_col_kind(wl, c) == HG_WLK_NUMBER;
		hg_buf_printf(b, "<th scope=\"col\"%s>", num ? " class=\"num\"" : "");
		hg_html_text(b, hg_wl_col_name(wl, c));
		hg_buf_puts(b, "</th>");
	}
	hg_buf_puts(b, "</tr></thead>");
}

static void wl_table_row(hg_buf *b, const hg_wl_rows *rs, const hg_store *st, size_t i)
{
	const hg_worklist *wl = rs->cw->wl;
	char cell[4096];
	double num;
	hg_buf_puts(b, "<tr>");
	for (int c = 0; c < hg_wl_ncols(wl); c++) {
		if (!page_col(wl, c))
			continue;
		hg_wl_cell(rs, st, i, c, cell, sizeof cell, &num);
		int isnum = hg_wl_col_kind(wl, c) == HG_WLK_NUMBER;
		hg_buf_printf(b, "<%s%s data-label=\"",
		              c == HG_WLC_PERSON ? "th scope=\"row\"" : "td",
		              isnum                 ? " class=\"num\""
		              : c == HG_WLC_REASONS ? " class=\"hg-wl-why\""
		                                    : "");
		hg_html_text(b, hg_wl_col_name(wl, c));
		hg_buf_puts(b, "\">");
		if (cell[0])
			hg_html_text(b, cell);
		else
			hg_buf_puts(b, "<span class=\"hg-na\">-</span>");
		hg_buf_puts(b, c == HG_WLC_PERSON ? "</th>" : "</td>");
	}
	hg_buf_puts(b, "</tr>");
}

/* The people of each priority group in a table of their own. */
static void wl_tables(hg_buf *b, const hg_wl_rows *rs, const hg_store *st)
{
	const hg_worklist *wl = rs->cw->wl;
	size_t i = 0;
	for (int g = 0; g < rs->ngroups; g++) {
		if (!rs->group_n[g])
			continue;
		hg_buf_printf(
		    b,
		    "<section class=\"hg-card hg-wl-list\" id=\"g%d\" aria-labelledby=\"h-g%d\">"
		    "<h2 id=\"h-g%d\"><span class=\"hg-wl-rank\">%d</span> ",
		    g + 1, g + 1, g + 1, g + 1);
		hg_html_text(b, group_name(wl, g));
		hg_buf_printf(b, " <span class=\"hg-small\">%zu patient%s</span></h2>",
		              rs->group_n[g], rs->group_n[g] == 1 ? "" : "s");
		hg_buf_puts(b, "<div class=\"hg-table-wrap\"><table class=\"hg-table hg-wl-table\" "
		               "data-no-copy>");
		wl_table_head(b, wl);
		hg_buf_puts(b, "<tbody>");
		for (; i < rs->n && rs->rows[i].group == g; i++)
			wl_table_row(b, rs, st, i);
		hg_buf_puts(b, "</tbody></table></div></section>");
	}
}

static void wl_page(hg_req *q, hg_resp *r, int w)
{
	hg_wl_rows rs;
	wl_rows(q, w, &rs);
	const hg_worklist *wl = rs.cw->wl;
	hg_buf *b = &r->body;
	hg_html_begin(b, q, wl->title, "worklists");
	hg_buf_puts(b,
	            "<p class=\"hg-crumb\"><a href=\"/worklists\">Patients to act on</a></p><h1>");
	hg_html_text(b, wl->title);
	hg_buf_puts(b, "</h1>");
	wl_lede(b, q);
	hg_buf_printf(b,
	              "<section class=\"hg-card\" aria-labelledby=\"h-wl-sum\"><h2 id=\"h-wl-sum\">"
	              "<span id=\"wl-total\">%zu</span> patient%s by priority group</h2>",
	              rs.n, rs.n == 1 ? "" : "s");
	wl_groups(b, &rs, 1);
	wl_downloads(b, wl);
	if (wl->note) {
		hg_buf_puts(b, "<p class=\"hg-small\"><em>Note:</em> ");
		hg_html_text(b, wl->note);
		hg_buf_puts(b, "</p>");
	}
	hg_buf_puts(b, "</section>");
	if (rs.n == 0)
		hg_buf_puts(b, "<p>Nobody in your practice is on this list.</p>");
	wl_tables(b, &rs, &q->res->st);
	hg_html_end(b, q);
	char day[11];
	hg_req_audit(q, "worklist_view", "list=%s practice=%s as_at=%s rows=%zu", wl->id,
	             q->sess.user.practice, hg_date_format(rs.as_at, day), rs.n);
	hg_wl_rows_free(&rs);
	hg_page_ok(r, 200);
}

/* ---- downloads ---- */

static int wl_xlsx_bytes(hg_req *q, const hg_wl_rows *rs, hg_buf *out, hg_err *err)
{
	char tok[33], path[HG_PATH_MAX];
	hg_random_hex(tok, 16);
	snprintf(path, sizeof path, "%s/.worklist-%s.xlsx", q->srv->db.dir, tok);
	/* one workbook at a time: libxlsxwriter uses gmtime()'s static buffer */
	pthread_mutex_lock(&q->srv->xlsx_mu);
	int rc = hg_wl_xlsx(path, rs, 1, &q->res->st, &q->res->status, err);
	pthread_mutex_unlock(&q->srv->xlsx_mu);
	if (rc)
		return -1;
	size_t n;
	char *data = hg_read_file(path, &n, err);
	unlink(path);
	if (!data)
		return -1;
	hg_buf_put(out, data, n);
	free(data);
	return 0;
}

static void wl_download(hg_req *q, hg_resp *r, int w, int xlsx)
{
	hg_wl_rows rs;
	wl_rows(q, w, &rs);
	const hg_worklist *wl = rs.cw->wl;
	hg_err err = {0};
	if (xlsx && wl_xlsx_bytes(q, &rs, &r->body, &err)) {
		hg_wl_rows_free(&rs);
		hg_resp_error(r, 500, "could not build the workbook");
		return;
	}
	if (!xlsx)
		hg_wl_csv(&r->body, &rs, 1, &q->res->st);
	char day[11];
	hg_req_audit(q, "worklist_download", "%s list=%s practice=%s as_at=%s rows=%zu",
	             xlsx ? "xlsx" : "csv", wl->id, q->sess.user.practice,
	             hg_date_format(rs.as_at, day), rs.n);
	r->status = 200;
	r->ctype = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	                : "text/csv; charset=utf-8";
	snprintf(r->disposition, sizeof r->disposition,
	         "attachment; filename=\"%.64s-%.16s-%s.%s\"", wl->id, q->sess.user.practice, day,
	         xlsx ? "xlsx" : "csv");
	hg_wl_rows_free(&rs);
}

/* ---- JSON ---- */

static json_t *wl_groups_json(const hg_wl_rows *rs)
{
	json_t *a = json_array();
	for (int g = 0; g < rs->ngroups; g++)
		json_array_append_new(a, json_pack("{s:i, s:s, s:I}", "priority", g + 1, "name",
		                                   group_name(rs->cw->wl, g), "patients",
		                                   (json_int_t)rs->group_n[g]));
	return a;
}

static json_t *wl_head_json(const hg_req *q, const hg_wl_rows *rs)
{
	const hg_worklist *wl = rs->cw->wl;
	return json_pack("{s:s, s:s, s:s?, s:s?, s:I, s:o}", "id", wl->id, "title", wl->title,
	                 "source", wl->source, "note", wl->note, "patients", (json_int_t)rs->n,
	                 "groups", wl_groups_json(rs));
}

/* The rows as the CSV's columns (text cells; "" missing). */
static json_t *wl_rows_json(const hg_wl_rows *rs, const hg_store *st, json_t **cols)
{
	const hg_worklist *wl = rs->cw->wl;
	int nc = hg_wl_ncols(wl);
	*cols = json_array();
	for (int c = 0; c < nc; c++)
		json_array_append_new(*cols, json_string(hg_wl_col_name(wl, c)));
	json_t *a = json_array();
	char cell[4096];
	double num;
	for (size_t i = 0; i < rs->n; i++) {
		json_t *row = json_array();
		for (int c = 0; c < nc; c++)
			json_array_append_new(
			    row, json_string(hg_wl_cell(rs, st, i, c, cell, sizeof cell, &num)));
		json_array_append_new(a, row);
	}
	return a;
}

static void wl_api(hg_req *q, hg_resp *r, int w)
{
	char day[11];
	json_t *o = json_pack("{s:s, s:s, s:o}", "practice", q->sess.user.practice, "as_at",
	                      hg_date_format(q->res->wl_as_at, day), "data_status",
	                      hg_data_status_json(&q->res->status));
	if (w < 0) {
		hg_buf d = {0};
		json_t *a = json_array();
		for (int k = 0; k < q->res->pr->nwls; k++) {
			hg_wl_rows rs;
			wl_rows(q, k, &rs);
			json_array_append_new(a, wl_head_json(q, &rs));
			hg_buf_printf(&d, " %s=%zu", rs.cw->wl->id, rs.n);
			hg_wl_rows_free(&rs);
		}
		json_object_set_new(o, "worklists", a);
		hg_buf_cstr(&d);
		hg_req_audit(q, "worklist_view", "api summary practice=%s as_at=%s:%s",
		             q->sess.user.practice, day, d.p ? d.p : "");
		hg_buf_free(&d);
	} else {
		hg_wl_rows rs;
		wl_rows(q, w, &rs);
		json_t *cols, *rows = wl_rows_json(&rs, &q->res->st, &cols);
		json_t *h = wl_head_json(q, &rs);
		json_object_update(o, h);
		json_decref(h);
		json_object_set_new(o, "columns", cols);
		json_object_set_new(o, "rows", rows);
		hg_req_audit(q, "worklist_view", "api list=%s practice=%s as_at=%s rows=%zu",
		             rs.cw->wl->id, q->sess.user.practice, day, rs.n);
		hg_wl_rows_free(&rs);
	}
	hg_resp_json(r, 200, o);
}

/* ---- links from the overview ---- */

static int wl_acts_on(const hg_program *pr, const hg_worklist *wl, const char *ind_id)
{
	if (wl->ind >= 0 && !strcmp(pr->inds[wl->ind].ind->id, ind_id))
		return 1;
	for (int k = 0; k < wl->ncloses; k++)
		if (!strcmp(wl->closes[k], ind_id))
			return 1;
	return 0;
}

void hg_worklist_links(hg_buf *b, const hg_req *q, const char *ind_id)
{
	if (q->sess.user.role != HG_ROLE_PRACTICE || !q->sess.user.practice[0])
		return;
	const hg_program *pr = q->res->pr;
	for (int w = 0; w < pr->nwls; w++) {
		const hg_worklist *wl = pr->wls[w].wl;
		if (!wl_acts_on(pr, wl, ind_id))
			continue;
		hg_buf_puts(b, "<a class=\"hg-wl-link\" href=\"/worklists/");
		hg_html_urlenc(b, wl->id);
		hg_buf_puts(b, "\">Patients to act on<span class=\"hg-small\">");
		hg_html_text(b, wl->title);
		hg_buf_puts(b, "</span></a>");
	}
}

/* ---- routes ---- */

int hg_worklist_route(hg_req *q, hg_resp *r)
{
	const char *p = q->path;
	int api = !strncmp(p, "/api/worklists", 14);
	const char *rest = p + (api ? 14 : 10);
	if (!api && strncmp(p, "/worklists", 10))
		return 0;
	if (*rest && *rest != '/')
		return 0; /* /worklistsX: not ours */
	if (!q->authed) {
		if (api)
			hg_resp_error(r, 401, "log in first: no valid session");
		else
			hg_resp_redirect(r, "/login");
		return 1;
	}
	if (strcmp(q->method, "GET") && strcmp(q->method, "HEAD")) {
		hg_resp_error(r, 405, "method not allowed");
		return 1;
	}
	if (!wl_allowed(q, r, api || strchr(rest, '.') != NULL, *rest ? rest + 1 : "index"))
		return 1;
	if (!*rest || !strcmp(rest, "/")) {
		if (api)
			wl_api(q, r, -1);
		else
			wl_index(q, r);
		return 1;
	}
	const char *id = rest + 1, *dot = api ? NULL : strrchr(id, '.');
	int w = wl_find(q->res->pr, id, dot ? (size_t)(dot - id) : strlen(id));
	int ext_ok = !dot || !strcmp(dot, ".csv") || !strcmp(dot, ".xlsx");
	if (w < 0 || !ext_ok || strchr(id, '/')) {
		if (api || dot)
			hg_resp_error(r, 404, "no such worklist");
		else
			hg_page_error(q, r, 404,
			              "There is no such worklist in this indicator pack.");
		return 1;
	}
	if (api)
		wl_api(q, r, w);
	else if (dot)
		wl_download(q, r, w, !strcmp(dot, ".xlsx"));
	else
		wl_page(q, r, w);
	return 1;
}
