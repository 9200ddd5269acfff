/*
 * http.c: the libmicrohttpd glue: collecting request bodies (at most
 * HG_BODY_MAX bytes; a larger declared body is refused before it is read),
 * finding the session, the per-session request limit, routing to the API,
 * pages and assets, refusing (503) what could not be audited, and sending
 * responses with the security headers every response carries (CSP without
 * inline script, nosniff, no referrer, no framing). Connections: at most
 * --conn-per-address from one address, and each must deliver a whole
 * request within --request-timeout of opening or of its previous response
 * (a housekeeping thread shuts down those that do not, unless bytes wait
 * unread in the socket, i.e. the delay is the server's: a client trickling
 * its headers a byte at a time cannot hold a connection). It is the driver:
 * it calls the handlers (api.c, pages.c, assets.c) and the request/response
 * kit they share (request.c), never the other way.
 */
#include "server/srv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

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
	q->authed = hg_sesscache_get(&q->srv->sessions, &q->srv->db, &q->srv->scfg, tok, &q->sess);
}

/* More than --rate-limit requests of this session this minute: 429 until the minute ends.
 * The session is keyed by a hash of its token (no secret kept in the table). */
static int rate_limited(hg_req *q, hg_resp *r)
{
	hg_srv *s = q->srv;
	if (!q->authed)
		return 0;
	char key[24];
	snprintf(key, sizeof key, "%016llx",
	         (unsigned long long)hg_hash_bytes(q->token, strlen(q->token)));
	long long now = hg_db_now();
	if (hg_window_hit(&s->rate, key, now, NULL, NULL) <= s->o.rate_limit)
		return 0;
	char msg[160];
	snprintf(msg, sizeof msg,
	         "too many requests: a session may make %d a minute (serve --rate-limit); "
	         "retry after the minute",
	         s->o.rate_limit);
	hg_req_audit(q, "rate_limited", "limit=%d/min", s->o.rate_limit);
	hg_resp_error(r, 429, msg);
	r->retry_after = hg_window_left(&s->rate, now);
	return 1;
}

/* A response whose audit entry could not be written is not sent: a 503 replaces it. */
static void refuse_unaudited(hg_resp *r)
{
	memset(r->cookie, 0, sizeof r->cookie);
	r->location[0] = r->disposition[0] = 0;
	r->cacheable = 0;
	r->etag = NULL;
	r->retry_after = 30;
	hg_resp_error(r, 503,
	              "the audit log cannot be written, so nothing is served: try again later "
	              "or tell your administrator");
}

static void hg_dispatch(hg_req *q, hg_resp *r)
{
	if (strcmp(q->method, "GET") && strcmp(q->method, "POST") && strcmp(q->method, "HEAD")) {
		hg_resp_error(r, 405, "method not allowed");
		return;
	}
	if (hg_assets_route(q, r))
		return;
	req_session(q);
	if (rate_limited(q, r)) {
		if (q->audit_failed)
			refuse_unaudited(r);
		return;
	}
	pthread_rwlock_rdlock(&q->srv->lock);
	q->res = q->srv->res;
	if (!hg_api_route(q, r) && !hg_pages_route(q, r))
		hg_resp_error(r, 404, "not found");
	pthread_rwlock_unlock(&q->srv->lock);
	if (q->audit_failed)
		refuse_unaudited(r);
}

/* ---- connections: the request deadline ---- */

struct hg_conn {
	int fd;
	int busy;     /* its request is complete and being answered */
	int cut;      /* shut down for missing the deadline */
	long long t0; /* ms: opened, or its previous response sent */
	size_t slot;
};

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct hg_conn *conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Its request is complete (busy 1) or answered (busy 0: the next one's deadline runs). */
static void conn_mark(hg_srv *s, struct MHD_Connection *conn, int busy)
{
	struct hg_conn *c = conn_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&s->conns.mu);
	c->busy = busy;
	if (!busy)
		c->t0 = now_ms();
	pthread_mutex_unlock(&s->conns.mu);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **ctx,
                          enum MHD_ConnectionNotificationCode code)
{
	hg_conns *cs = &((hg_srv *)cls)->conns;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct hg_conn *c = hg_xcalloc(1, sizeof *c);
		c->fd = ci ? ci->connect_fd : -1;
		c->t0 = now_ms();
		pthread_mutex_lock(&cs->mu);
		HG_GROW(cs->v, cs->n, cs->cap);
		c->slot = cs->n;
		cs->v[cs->n++] = c;
		pthread_mutex_unlock(&cs->mu);
		*ctx = c;
		return;
	}
	struct hg_conn *c = *ctx;
	if (!c)
		return;
	/* MHD closes the socket after this returns: once removed, the housekeeper cannot
	 * touch a descriptor that may be reused */
	pthread_mutex_lock(&cs->mu);
	cs->v[c->slot] = cs->v[--cs->n];
	cs->v[c->slot]->slot = c->slot;
	pthread_mutex_unlock(&cs->mu);
	free(c);
	*ctx = NULL;
}

/* Has the client sent bytes the server has not read yet? Then any delay is the server's
 * (its worker busy with another request), not the client's. */
static int unread_bytes(int fd)
{
	int n = 0;
	return ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

/* Shut down every connection past its deadline (MHD then closes it as a dead peer). */
static void conns_enforce(hg_srv *s)
{
	hg_conns *cs = &s->conns;
	long long now = now_ms(), limit = (long long)s->o.request_timeout * 1000;
	pthread_mutex_lock(&cs->mu);
	for (size_t i = 0; i < cs->n; i++) {
		struct hg_conn *c = cs->v[i];
		if (!c->busy && !c->cut && c->fd >= 0 && now - c->t0 > limit &&
		    !unread_bytes(c->fd)) {
			shutdown(c->fd, SHUT_RDWR);
			c->cut = 1;
		}
	}
	pthread_mutex_unlock(&cs->mu);
}

/* Every quarter second: deadlines; the audit's and the rate limit's minutes. */
static void *housekeeper(void *arg)
{
	hg_srv *s = arg;
	hg_conns *cs = &s->conns;
	pthread_mutex_lock(&cs->mu);
	while (!cs->stop) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 250000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&cs->wake, &cs->mu, &t);
		if (cs->stop)
			break;
		pthread_mutex_unlock(&cs->mu);
		conns_enforce(s);
		hg_srv_audit_flush(s, 0);
		hg_window_roll(&s->rate, hg_db_now(), NULL, NULL);
		pthread_mutex_lock(&cs->mu);
	}
	pthread_mutex_unlock(&cs->mu);
	return NULL;
}

/* ---- requests ---- */

/* The declared body is over the limit: refuse it now, before reading any of it. */
static int body_too_big(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	if (!cl)
		return 0;
	errno = 0;
	char *end;
	unsigned long long n = strtoull(cl, &end, 10);
	return errno || end == cl || n > HG_BODY_MAX;
}

static enum MHD_Result respond(hg_req *q, hg_resp *r)
{
	enum MHD_Result rc = send_response(q, r);
	hg_buf_free(&r->body);
	return rc;
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
		if (!body_too_big(conn))
			return MHD_YES;
		/* answered at once: MHD then closes the connection without reading the body */
		conn_mark(q->srv, conn, 1);
		hg_resp r = {.status = 200};
		hg_resp_error(&r, 413, "request body too large (at most 16384 bytes)");
		return respond(q, &r);
	}
	if (*upload_size) {
		/* a body without a declared length (chunked) that outgrows the limit: the
		 * connection is dropped rather than read on */
		if (q->body.n + *upload_size > HG_BODY_MAX)
			return MHD_NO;
		hg_buf_put(&q->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	conn_mark(q->srv, conn, 1);
	q->method = method;
	q->path = url;
	hg_buf_cstr(&q->body);
	req_address(q);
	hg_resp r = {.status = 200};
	hg_dispatch(q, &r);
	return respond(q, &r);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	conn_mark(cls, conn, 0);
	hg_req *q = *con_cls;
	if (!q)
		return;
	hg_buf_free(&q->body);
	sodium_memzero(q->token, sizeof q->token);
	free(q);
	*con_cls = NULL;
}

/* The state the requests share, and the housekeeper. */
static void http_init(hg_srv *s)
{
	hg_window_init(&s->rate, 60);
	hg_window_init(&s->coalesce, 60);
	pthread_mutex_init(&s->xlsx_mu, NULL);
	hg_login_gate_init(&s->login);
	hg_sesscache_init(&s->sessions);
	pthread_mutex_init(&s->conns.mu, NULL);
	pthread_cond_init(&s->conns.wake, NULL);
	s->conns.inited = 1;
}

void hg_http_stop(hg_srv *s)
{
	if (!s->conns.inited)
		return;
	if (s->conns.running) {
		pthread_mutex_lock(&s->conns.mu);
		s->conns.stop = 1;
		pthread_cond_signal(&s->conns.wake);
		pthread_mutex_unlock(&s->conns.mu);
		pthread_join(s->conns.thread, NULL);
		s->conns.running = 0;
	}
	if (s->d)
		MHD_stop_daemon(s->d);
	s->d = NULL;
	if (s->db.sql)
		hg_srv_audit_flush(s, 1);
	free(s->conns.v);
	pthread_cond_destroy(&s->conns.wake);
	pthread_mutex_destroy(&s->conns.mu);
	hg_login_gate_free(&s->login);
	hg_sesscache_free(&s->sessions);
	pthread_mutex_destroy(&s->xlsx_mu);
	hg_window_free(&s->coalesce);
	hg_window_free(&s->rate);
	s->conns.inited = 0;
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
	http_init(s);
	struct MHD_OptionItem tls_opts[] = {
	    {s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert_pem},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem},
	    {MHD_OPTION_END, 0, NULL}};
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.threads, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)s->o.conn_timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned)HG_CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->o.conn_per_address,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HG_CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
	    completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_ARRAY,
	    tls_opts, MHD_OPTION_END);
	if (!s->d)
		return hg_err_set(err, HG_EIO, "cannot listen on %s port %d (in use?)", s->o.bind,
		                  s->o.port);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : s->o.port;
	if (pthread_create(&s->conns.thread, NULL, housekeeper, s))
		return hg_err_set(err, HG_EIO, "cannot start the server's housekeeping thread");
	s->conns.running = 1;
	return 0;
}
