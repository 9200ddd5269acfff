/*
 * api.c: the JSON API (docs/api.md) and the CSV/XLSX downloads. Every data
 * endpoint requires a session (401 with a JSON error without one) and goes
 * through the query layer, which enforces the role (403 outside it). Every
 * POST but the login needs the session's CSRF token in X-CSRF-Token; the
 * login itself needs a JSON body, which a cross-site form cannot send.
 */
#include "report/labels.h"
#include "server/export.h"
#include "server/pages.h"
#include "server/srv.h"
#include "server/summary.h"

#include "core/json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The status marking every data response carries (SYNTHETIC DATA or OFFICIAL-SENSITIVE). */
static json_t *status_json(const hg_req *q)
{
	return hg_data_status_json(&q->res->status);
}

static int hg_is(const hg_req *q, const char *method, const char *path)
{
	return !strcmp(q->path, path) && (!strcmp(q->method, method) ||
	                                  (!strcmp(method, "GET") && !strcmp(q->method, "HEAD")));
}

/* ---- login / logout ---- */

static void api_login(hg_req *q, hg_resp *r)
{
	const char *ct = hg_req_header(q, "Content-Type");
	if (!ct || strncmp(ct, "application/json", 16)) {
		hg_resp_error(r, 415, "send the credentials as application/json");
		return;
	}
	json_error_t je;
	json_t *j = json_loadb(q->body.p ? q->body.p : "", q->body.n, 0, &je);
	const char *user = j ? json_string_value(json_object_get(j, "username")) : NULL;
	const char *pw = j ? json_string_value(json_object_get(j, "password")) : NULL;
	if (!user || !pw) {
		json_decref(j);
		hg_resp_error(r, 400, "expected {\"username\": ..., \"password\": ...}");
		return;
	}
	char token[80], csrf[80];
	long retry = 0;
	int rc = hg_login(q, user, pw, token, csrf, &retry);
	json_decref(j);
	if (rc == HG_LOGIN_LOCKED) {
		r->retry_after = retry;
		hg_resp_error(r, 429, "too many failed logins: try again later");
	} else if (rc == HG_LOGIN_TOO_LONG) {
		char msg[128];
		snprintf(msg, sizeof msg,
		         "the user name (at most %d bytes) or the password (at most %d bytes) is "
		         "too long",
		         HG_USERNAME_MAX, HG_PASSWORD_MAX);
		hg_resp_error(r, 400, msg);
	} else if (rc == HG_LOGIN_BAD) {
		hg_resp_error(r, 401, "wrong user name or password");
	} else if (rc != HG_LOGIN_OK) {
		hg_resp_error(r, 500, "login failed");
	} else {
		hg_resp_session_cookie(r, 0, q->srv, "hg_session", token, q->srv->scfg.absolute);
		hg_resp_json(r, 200,
		             json_pack("{s:s, s:s, s:s, s:s}", "user", q->sess.user.username,
		                       "role", hg_role_name(q->sess.user.role), "practice",
		                       q->sess.user.practice, "csrf_token", csrf));
	}
}

static void api_logout(hg_req *q, hg_resp *r)
{
	hg_logout(q);
	hg_resp_session_cookie(r, 0, q->srv, "hg_session", "", 0);
	hg_resp_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}

/* ---- data ---- */

static json_t *icon_json(int var, int ass, int assurance)
{
	const char *n = var < 0     ? NULL
	                : assurance ? hg_spc_assurance_name(ass)
	                            : hg_spc_variation_name(var);
	return n ? json_string(n) : json_null();
}

/* The Making Data Count icons of the overview (null when not charted or not visible). */
static json_t *summary_icons(const hg_ind_summary *s)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "variation_icon",
	                 icon_json(s->var, s->ass, 0), "assurance_icon",
	                 icon_json(s->var, s->ass, 1), "gap_series",
	                 s->gap_series ? json_string(s->gap_series) : json_null(),
	                 "gap_variation_icon", icon_json(s->gap_var, s->gap_ass, 0),
	                 "gap_assurance_icon", icon_json(s->gap_var, s->gap_ass, 1));
}

static json_t *summary_json(const hg_ind_summary *s)
{
	json_t *c = json_pack("{s:o, s:o}", "imd_unknown_pct", hg_json_num(s->imd_unknown_pct),
	                      "ethnicity_not_stated_pct", hg_json_num(s->eth_not_stated_pct));
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
	                 "s:s, s:s, s:o, s:o}",
	                 "indicator_id", s->ind->id, "indicator_name", s->ind->name, "source",
	                 s->ind->source, "note", s->ind->note, "value_type", s->value_type, "scope",
	                 s->scope, "period_end", s->period_end, "value", hg_json_num(s->value),
	                 "lower_ci95", hg_json_num(s->lo95), "upper_ci95", hg_json_num(s->hi95),
	                 "most_deprived_quintile", hg_json_num(s->q1), "least_deprived_quintile",
	                 hg_json_num(s->q5), "quintile_gap", hg_json_num(s->gap), "direction",
	                 hg_trend_name(s->trend), "polarity", hg_polarity_name(s->polarity),
	                 "completeness", c, "monitoring", summary_icons(s));
}

static void api_list(hg_req *q, hg_resp *r)
{
	json_t *a = json_array();
	for (int i = 0; i < q->res->pr->ninds; i++) {
		hg_ind_summary s;
		hg_summarise(q->res, &q->sess.user, i, &s);
		json_array_append_new(a, summary_json(&s));
	}
	hg_req_audit(q, "view", "api indicators");
	hg_resp_json(r, 200,
	             json_pack("{s:s, s:o, s:o}", "snapshot", q->res->snapshot, "data_status",
	                       status_json(q), "indicators", a));
}

/* Run a query from the request's parameters; sends the error itself when it fails. */
static int api_query(hg_req *q, hg_resp *r, const char *id, hg_pub_rows *rows)
{
	hg_query_spec spec = {id, hg_req_arg(q, "breakdown"), hg_req_arg(q, "period")};
	hg_err err = {0};
	int rc = hg_results_query(q->res, &q->sess.user, &spec, rows, &err);
	if (rc != HG_Q_OK) {
		if (rc == HG_Q_FORBIDDEN)
			hg_req_audit(q, "forbidden", "indicator=%.64s breakdown=%.64s", id,
			             spec.breakdown ? spec.breakdown : "");
		hg_resp_error(r, rc, err.msg);
		return -1;
	}
	return 0;
}

/* The rows of one indicator as JSON text (from the results' cache when there). */
static int api_indicator_body(hg_req *q, hg_resp *r, const char *id, const char *key)
{
	if (hg_respcache_get((hg_respcache *)&q->res->cache, key, &r->body))
		return 0;
	hg_pub_rows rows;
	if (api_query(q, r, id, &rows))
		return -1;
	json_t *j = json_pack("{s:s, s:s, s:i, s:o, s:o}", "indicator_id", id, "snapshot",
	                      q->res->snapshot, "sdc_k", q->res->sdc_k, "data_status",
	                      status_json(q), "rows", hg_export_json(&rows));
	hg_pub_rows_free(&rows);
	char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(j);
	if (!text) {
		hg_resp_error(r, 500, "out of memory");
		return -1;
	}
	hg_respcache_put((hg_respcache *)&q->res->cache, key, text, strlen(text));
	hg_buf_puts(&r->body, text);
	free(text);
	return 0;
}

static void api_indicator(hg_req *q, hg_resp *r, const char *id)
{
	const char *bd = hg_req_arg(q, "breakdown"), *per = hg_req_arg(q, "period");
	char scope[32], key[512];
	hg_results_scope(&q->sess.user, scope, sizeof scope);
	snprintf(key, sizeof key, "ind\x1f%.128s\x1f%.128s\x1f%.32s\x1f%s", id, bd ? bd : "",
	         per && *per ? per : "latest", scope);
	if (api_indicator_body(q, r, id, key))
		return;
	r->status = 200;
	r->ctype = "application/json";
	hg_req_audit(q, "view", "api indicator=%.64s breakdown=%.64s period=%.16s", id,
	             bd ? bd : "", per ? per : "latest");
}

/* The analysis view of the request's indicator; sends the error itself when it fails. */
static int api_view(hg_req *q, hg_resp *r, const char *id, const char *period, hg_an_view *v)
{
	hg_err err = {0};
	int rc = hg_results_analysis(q->res, &q->sess.user, id, period, v, &err);
	if (rc != HG_Q_OK) {
		hg_resp_error(r, rc, err.msg);
		return -1;
	}
	return 0;
}

/* The funnel with the points the user may see (a practice user: its own only). */
static json_t *api_funnel(const hg_results *x, const hg_an_view *v)
{
	if (!v->funnel)
		return json_null();
	json_t *f = hg_funnel_chart_json(x->pub.inds[v->i], v->funnel);
	json_t *pts = json_array(), *all = json_object_get(f, "practices"), *p;
	size_t k;
	json_array_foreach(all, k, p)
	{
		const char *code = json_string_value(json_object_get(p, "practice"));
		for (size_t d = 0; d < v->ndots; d++)
			if (code && !strcmp(code, v->dots[d]->practice))
				json_array_append(pts, p);
	}
	json_object_set_new(f, "practices", pts);
	return f;
}

static json_t *api_ineq_json(const hg_results *x, const hg_an_view *v)
{
	json_t *m = json_array();
	for (size_t k = 0; k < v->nineq; k++)
		json_array_append_new(m,
		                      hg_ineq_row_json(x->pub.inds[v->i], v->ineq[k], v->polarity));
	return m;
}

static json_t *api_mon_json(const hg_results *x, const hg_an_view *v)
{
	json_t *a = json_array();
	for (size_t k = 0; k < v->nmon;) {
		size_t e = k + 1;
		while (e < v->nmon && !strcmp(v->mon[e]->series, v->mon[k]->series))
			e++;
		/* the rows of a series are contiguous in the analysis (monitor.c) */
		json_array_append_new(
		    a, hg_mon_series_json(x->pub.inds[v->i], v->mon[k], e - k, v->polarity));
		k = e;
	}
	return a;
}

/* GET /api/indicators/ID/inequalities?period= and /api/indicators/ID/monitoring. */
static void api_analysis(hg_req *q, hg_resp *r, const char *id, int monitoring)
{
	const char *per = monitoring ? "all" : hg_req_arg(q, "period");
	char scope[32], key[512];
	hg_results_scope(&q->sess.user, scope, sizeof scope);
	snprintf(key, sizeof key, "%s\x1f%.128s\x1f%.32s\x1f%s", monitoring ? "mon" : "ineq", id,
	         per && *per ? per : "latest", scope);
	hg_respcache *cache = (hg_respcache *)&q->res->cache;
	if (!hg_respcache_get(cache, key, &r->body)) {
		hg_an_view v;
		if (api_view(q, r, id, per, &v))
			return;
		const hg_results *x = q->res;
		json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:o}", "indicator_id", id, "snapshot",
		                      x->snapshot, "sdc_k", x->sdc_k, "polarity",
		                      hg_polarity_name(v.polarity), "data_status", status_json(q));
		if (monitoring) {
			json_object_set_new(j, "series", api_mon_json(x, &v));
		} else {
			json_object_set_new(j, "measures", api_ineq_json(x, &v));
			json_object_set_new(j, "funnel", api_funnel(x, &v));
		}
		hg_an_view_free(&v);
		char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
		json_decref(j);
		if (!text) {
			hg_resp_error(r, 500, "out of memory");
			return;
		}
		hg_respcache_put(cache, key, text, strlen(text));
		hg_buf_puts(&r->body, text);
		free(text);
	}
	r->status = 200;
	r->ctype = "application/json";
	hg_req_audit(q, "view", "api %s indicator=%.64s period=%.16s",
	             monitoring ? "monitoring" : "inequalities", id, per ? per : "latest");
}

/* /api/indicators/ID/SUB: the analysis endpoints. */
static void api_indicator_sub(hg_req *q, hg_resp *r, const char *rest)
{
	const char *slash = strchr(rest, '/');
	char id[128];
	if ((size_t)(slash - rest) >= sizeof id || strchr(slash + 1, '/')) {
		hg_resp_error(r, 404, "no such endpoint");
		return;
	}
	snprintf(id, sizeof id, "%.*s", (int)(slash - rest), rest);
	if (!strcmp(slash + 1, "inequalities") || !strcmp(slash + 1, "monitoring"))
		api_analysis(q, r, id, !strcmp(slash + 1, "monitoring"));
	else
		hg_resp_error(r, 404, "no such endpoint");
}

/* GET /download/ID.csv or ID.xlsx with the indicator page's parameters. */
static void api_download(hg_req *q, hg_resp *r, const char *file)
{
	if (!hg_role_downloads(q->sess.user.role)) {
		hg_req_audit(q, "forbidden", "download %.80s", file);
		hg_resp_error(r, 403, "your role may not download data");
		return;
	}
	char id[128];
	const char *dot = strrchr(file, '.');
	if (!dot || (strcmp(dot, ".csv") && strcmp(dot, ".xlsx")) ||
	    (size_t)(dot - file) >= sizeof id) {
		hg_resp_error(r, 404, "downloads are ID.csv or ID.xlsx");
		return;
	}
	snprintf(id, sizeof id, "%.*s", (int)(dot - file), file);
	hg_pub_rows rows;
	if (api_query(q, r, id, &rows))
		return;
	int xlsx = !strcmp(dot, ".xlsx");
	const char *cols = hg_req_arg(q, "columns");
	hg_err err = {0};
	int bad = 0;
	if (xlsx) { /* one workbook at a time: libxlsxwriter uses gmtime()'s static buffer */
		pthread_mutex_lock(&q->srv->xlsx_mu);
		bad = hg_export_xlsx(q->res, &rows, q->srv->db.dir, &r->body, &err);
		pthread_mutex_unlock(&q->srv->xlsx_mu);
	}
	if (bad) {
		hg_pub_rows_free(&rows);
		hg_resp_error(r, 500, "could not build the workbook");
		return;
	}
	if (!xlsx) /* for people by default; columns=codes: indicators.csv's columns */
		hg_export_csv(q->res, &rows, cols && !strcmp(cols, "codes"), &r->body);
	const char *bd = hg_req_arg(q, "breakdown"), *per = hg_req_arg(q, "period");
	hg_req_audit(q, "download", "%s indicator=%.64s breakdown=%.64s period=%.16s rows=%zu",
	             xlsx ? "xlsx" : "csv", id, bd ? bd : "", per ? per : "latest", rows.n);
	hg_pub_rows_free(&rows);
	r->ctype = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	                : "text/csv; charset=utf-8";
	snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s%s\"", id, dot);
}

static void api_population(hg_req *q, hg_resp *r)
{
	hg_req_audit(q, "view", "api population");
	json_t *pop = hg_results_population(q->res, &q->sess.user);
	json_object_set_new(pop, "data_status", status_json(q));
	hg_resp_json(r, 200, pop);
}

static void api_meta(hg_req *q, hg_resp *r)
{
	const hg_results *x = q->res;
	hg_req_audit(q, "view", "api meta");
	char rule[16];
	snprintf(rule, sizeof rule, "k%d", x->sdc_k);
	hg_resp_json(r, 200,
	             json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:O, s:b, s:o, s:i}",
	                       "snapshot", x->snapshot, "manifest_hash_blake2b256",
	                       x->manifest_hash, "pack_hash_blake2b256", x->pack_hash,
	                       "imd_version", x->imd_version, "computed_at", x->computed_at,
	                       "disclosure_control", rule, "compute_seconds", x->seconds,
	                       "completeness", x->completeness, "synthetic", x->status.synthetic,
	                       "data_status", status_json(q), "indicators", x->pr->ninds));
}

static void hg_me(hg_req *q, hg_resp *r)
{
	hg_resp_json(r, 200,
	             json_pack("{s:s, s:s, s:s, s:s}", "user", q->sess.user.username, "role",
	                       hg_role_name(q->sess.user.role), "practice", q->sess.user.practice,
	                       "csrf_token", q->sess.csrf));
}

static void audit_row(long long seq, const char *ts, const char *actor, const char *address,
                      const char *action, const char *detail, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "seq",
	                                     (json_int_t)seq, "ts", ts, "actor", actor, "address",
	                                     address, "action", action, "detail", detail));
}

static void user_row(const hg_user *u, long long created, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:I}", "user", u->username, "role",
	                                     hg_role_name(u->role), "practice", u->practice,
	                                     "created", (json_int_t)created));
}

static void api_admin(hg_req *q, hg_resp *r, int audit)
{
	if (!hg_role_admin(q->sess.user.role)) {
		hg_req_audit(q, "forbidden", "%s", audit ? "api audit" : "api users");
		hg_resp_error(r, 403, "administrators only");
		return;
	}
	json_t *a = json_array();
	hg_err err = {0};
	int rc = audit ? hg_audit_each(&q->srv->db, 200, audit_row, a, &err)
	               : hg_user_each(&q->srv->db, user_row, a, &err);
	if (rc) {
		json_decref(a);
		hg_resp_error(r, 500, "database error");
		return;
	}
	hg_req_audit(q, "view", "%s", audit ? "api audit" : "api users");
	hg_resp_json(r, 200, json_pack("{s:o}", audit ? "entries" : "users", a));
}

/* Authenticated GET routes; returns 0 if the path is not one. */
static int api_get(hg_req *q, hg_resp *r)
{
	const char *p = q->path;
	if (!strcmp(p, "/api/indicators"))
		api_list(q, r);
	else if (!strncmp(p, "/api/indicators/", 16) && p[16] && !strchr(p + 16, '/'))
		api_indicator(q, r, p + 16);
	else if (!strncmp(p, "/api/indicators/", 16) && p[16] && p[16] != '/')
		api_indicator_sub(q, r, p + 16);
	else if (!strncmp(p, "/download/", 10) && p[10] && !strchr(p + 10, '/'))
		api_download(q, r, p + 10);
	else if (!strcmp(p, "/api/population"))
		api_population(q, r);
	else if (!strcmp(p, "/api/meta"))
		api_meta(q, r);
	else if (!strcmp(p, "/api/me"))
		hg_me(q, r);
	else if (!strcmp(p, "/api/audit") || !strcmp(p, "/api/users"))
		api_admin(q, r, !strcmp(p, "/api/audit"));
	else if (hg_worklist_route(q, r)) /* page_worklist.c: the practice's own patients */
		;
	else
		hg_resp_error(r, 404, "no such endpoint");
	return 1;
}

int hg_api_route(hg_req *q, hg_resp *r)
{
	int api = !strncmp(q->path, "/api/", 5), dl = !strncmp(q->path, "/download/", 10);
	if (!api && !dl)
		return 0;
	if (hg_is(q, "POST", "/api/login")) {
		api_login(q, r);
		return 1;
	}
	if (!q->authed) {
		hg_resp_error(r, 401, "log in first: no valid session");
		return 1;
	}
	if (!strcmp(q->method, "POST")) {
		if (!hg_req_csrf_ok(q, hg_req_header(q, "X-CSRF-Token"))) {
			hg_req_audit(q, "csrf_rejected", "%.64s", q->path);
			hg_resp_error(r, 403, "missing or wrong CSRF token");
		} else if (!strcmp(q->path, "/api/logout")) {
			api_logout(q, r);
		} else {
			hg_resp_error(r, 404, "no such endpoint");
		}
		return 1;
	}
	return api_get(q, r);
}
