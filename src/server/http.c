/*
 * http.c: the libmicrohttpd glue: collecting request bodies (at most
 * HG_BODY_MAX bytes), finding the session, routing to the API, pages and
 * assets, and sending responses with the security headers every response
 * carries (CSP without inline script, nosniff, no referrer, no framing).
 * It is the driver: it calls the handlers (api.c, pages.c, assets.c) and
 * the request/response kit they share (request.c), never the other way.
 */
#include "server/srv.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'";

/* ---- sending ---- */

static void add_security_headers(struct MHD_Response *m, const hg_srv *s, const hg_resp *r)
{
	MHD_add_response_header(m, "Content-Security-Policy", csp);
	MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(m, "X-Frame-Options", "DENY");
	MHD_add_response_header(m, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(m, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(m, "Permissions-Policy",
	                        "camera=(), microphone=(), geolocation=(), interest-cohort=()");
	MHD_add_response_header(m, "Cache-Control",
	                        r->cacheable ? "private, max-age=3600" : "no-store");
	if (s->tls)
		MHD_add_response_header(m, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result send_response(hg_req *q, hg_resp *r)
{
	struct MHD_Response *m =
	    MHD_create_response_from_buffer(r->body.n, r->body.p, MHD_RESPMEM_MUST_FREE);
	r->body.p = NULL;
	r->body.n = r->body.cap = 0;
	if (!m)
		return MHD_NO;
	add_security_headers(m, q->srv, r);
	MHD_add_response_header(m, "Content-Type", r->ctype ? r->ctype : "text/plain");
	for (int i = 0; i < 2; i++)
		if (r->cookie[i][0])
			MHD_add_response_header(m, "Set-Cookie", r->cookie[i]);
	if (r->location[0])
		MHD_add_response_header(m, "Location", r->location);
	if (r->disposition[0])
		MHD_add_response_header(m, "Content-Disposition", r->disposition);
	if (r->etag)
		MHD_add_response_header(m, "ETag", r->etag);
	if (r->retry_after > 0) {
		char s[32];
		snprintf(s, sizeof s, "%ld", r->retry_after);
		MHD_add_response_header(m, "Retry-After", s);
	}
	enum MHD_Result rc = MHD_queue_response(q->conn, (unsigned)r->status, m);
	MHD_destroy_response(m);
	return rc;
}

/* ---- dispatch ---- */

static void req_address(hg_req *q)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(q->addr, sizeof q->addr, "unknown");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		          q->addr, sizeof q->addr);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          q->addr, sizeof q->addr);
}

static void req_session(hg_req *q)
{
	const char *tok = hg_req_cookie(q, "hg_session");
	if (!tok || strlen(tok) >= sizeof q->token)
		return;
	snprintf(q->token, sizeof q->token, "%s", tok);
	q->authed = hg_session_get(&q->srv->db, &q->srv->scfg, tok, &q->sess);
}

static void hg_dispatch(hg_req *q, hg_resp *r)
{
	if (q->too_big) {
		hg_resp_error(r, 413, "request body too large");
		return;
	}
	if (strcmp(q->method, "GET") && strcmp(q->method, "POST") && strcmp(q->method, "HEAD")) {
		hg_resp_error(r, 405, "method not allowed");
		return;
	}
	if (hg_assets_route(q, r))
		return;
	req_session(q);
	pthread_rwlock_rdlock(&q->srv->lock);
	q->res = q->srv->res;
	if (!hg_api_route(q, r) && !hg_pages_route(q, r))
		hg_resp_error(r, 404, "not found");
	pthread_rwlock_unlock(&q->srv->lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	hg_req *q = *con_cls;
	if (!q) {
		q = hg_xcalloc(1, sizeof *q);
		q->srv = cls;
		q->conn = conn;
		*con_cls = q;
		return MHD_YES;
	}
	if (*upload_size) {
		if (q->body.n + *upload_size > HG_BODY_MAX)
			q->too_big = 1;
		else
			hg_buf_put(&q->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	q->method = method;
	q->path = url;
	hg_buf_cstr(&q->body);
	req_address(q);
	hg_resp r = {.status = 200};
	hg_dispatch(q, &r);
	enum MHD_Result rc = send_response(q, &r);
	hg_buf_free(&r.body);
	return rc;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	hg_req *q = *con_cls;
	if (!q)
		return;
	hg_buf_free(&q->body);
	sodium_memzero(q->token, sizeof q->token);
	free(q);
	*con_cls = NULL;
}

int hg_http_start(hg_srv *s, hg_err *err)
{
	struct sockaddr_in a4 = {0};
	struct sockaddr_in6 a6 = {0};
	const struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	if (inet_pton(AF_INET, s->o.bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)s->o.port);
		sa = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, s->o.bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)s->o.port);
		sa = (const struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		return hg_err_set(err, HG_EUSAGE, "--bind expects an IP address, got '%s'",
		                  s->o.bind);
	}
	if (s->tls)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem tls_opts[] = {
	    {s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert_pem},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem},
	    {MHD_OPTION_END, 0, NULL}};
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.threads, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)s->o.conn_timeout, MHD_OPTION_CONNECTION_LIMIT, 1024u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, MHD_OPTION_NOTIFY_COMPLETED,
	    completed, s, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
	if (!s->d)
		return hg_err_set(err, HG_EIO, "cannot listen on %s port %d (in use?)", s->o.bind,
		                  s->o.port);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : s->o.port;
	return 0;
}
