/*
 * request.c: what a handler reads from its request and writes into its
 * response: query arguments, headers, cookies and form fields, JSON bodies
 * and errors, redirects, session cookies, the CSRF check and the audit of
 * the request's user. The handlers (api.c, pages.c, page_indicator.c,
 * login.c, assets.c) and the router (http.c) call it; it calls none of them.
 */
#include "server/srv.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hg_req_arg(const hg_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *hg_req_header(const hg_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

const char *hg_req_cookie(const hg_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND, name);
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Decode a form-encoded value of n bytes into out (always NUL-terminated): 0, or
 * HG_FORM_TOO_LONG when it does not fit (out is then ""). */
static int url_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		         isxdigit((unsigned char)s[i + 2])) {
			c = (char)(hexval((unsigned char)s[i + 1]) * 16 +
			           hexval((unsigned char)s[i + 2]));
			i += 2;
		}
		if (o + 1 >= cap) {
			out[0] = 0;
			return HG_FORM_TOO_LONG;
		}
		out[o++] = c;
	}
	out[o] = 0;
	return 0;
}

int hg_form_field(const hg_buf *body, const char *name, char *out, size_t cap)
{
	if (!cap)
		return HG_FORM_TOO_LONG;
	out[0] = 0;
	size_t nl = strlen(name);
	const char *p = body->p, *end = body->p + body->n;
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fe = amp ? amp : end;
		if ((size_t)(fe - p) > nl && !memcmp(p, name, nl) && p[nl] == '=')
			return url_decode(p + nl + 1, (size_t)(fe - p - (ptrdiff_t)nl - 1), out,
			                  cap);
		p = amp ? amp + 1 : NULL;
	}
	return HG_FORM_ABSENT;
}

void hg_resp_json(hg_resp *r, int status, void *json)
{
	json_t *j = json;
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(j);
	r->status = status;
	r->ctype = "application/json";
	r->body.n = 0;
	hg_buf_puts(&r->body, s ? s : "{}");
	free(s);
}

void hg_resp_error(hg_resp *r, int status, const char *msg)
{
	hg_resp_json(r, status, json_pack("{s:s, s:i}", "error", msg, "status", status));
}

void hg_resp_redirect(hg_resp *r, const char *to)
{
	r->status = 303;
	snprintf(r->location, sizeof r->location, "%s", to);
	r->ctype = "text/plain; charset=utf-8";
	r->body.n = 0;
	hg_buf_puts(&r->body, "See other\n");
}

void hg_resp_session_cookie(hg_resp *r, int slot, const hg_srv *s, const char *name,
                            const char *value, int max_age)
{
	snprintf(r->cookie[slot], sizeof r->cookie[slot],
	         "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", name, value, max_age,
	         s->tls ? "; Secure" : "");
}

int hg_req_csrf_ok(const hg_req *q, const char *token)
{
	return q->authed && token && hg_secret_eq(token, q->sess.csrf);
}

int hg_req_audit(hg_req *q, const char *action, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (hg_srv_audit(q->srv, q->authed ? q->sess.user.username : "", q->addr, action, detail) ==
	    0)
		return 0;
	q->audit_failed = 1;
	return -1;
}
