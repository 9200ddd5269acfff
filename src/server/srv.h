/*
 * srv.h: the server context and the request/response types shared by the
 * server's modules (internal to src/server). Calls between the request
 * files run one way: http.c (daemon, router) -> api.c, pages.c, assets.c ->
 * login.c -> request.c (the request/response kit every one of them uses).
 */
#ifndef HG_SRV_H
#define HG_SRV_H

#include "core/str.h"
#include "core/fs.h"
#include "lang/lang.h"
#include "server/audit.h"
#include "server/auth.h"
#include "server/db.h"
#include "server/rescache.h"
#include "server/server.h"
#include "server/session.h"

#include <microhttpd.h>
#include <pthread.h>

#define HG_BODY_MAX 16384

struct hg_srv {
	hg_server_opts o;
	hg_db db;
	hg_pack *pk;
	hg_objectives obj;     /* targets and polarity for the analysis (engine/analysis.h) */
	pthread_rwlock_t lock; /* guards res (the pointer; results are read-only) */
	hg_results *res;
	struct MHD_Daemon *d;
	hg_session_cfg scfg;
	hg_throttle_cfg tcfg;
	int tls, port;
	char *cert_pem, *key_pem;
	char pack_path[HG_PATH_MAX];
	char refused[64]; /* a snapshot that failed verification: not tried again */
};

typedef struct hg_req {
	hg_srv *srv;
	struct MHD_Connection *conn;
	const char *method, *path;
	hg_buf body;
	int too_big;
	char addr[64];
	int authed; /* a live session was found */
	hg_session sess;
	char token[80];
	const hg_results *res; /* read-locked for the request */
} hg_req;

typedef struct hg_resp {
	int status;
	hg_buf body;
	const char *ctype;
	char cookie[2][256]; /* Set-Cookie headers */
	char location[512];
	char disposition[160];
	long retry_after;
	int cacheable; /* static assets */
	const char *etag;
} hg_resp;

/* ---- http.c: the daemon and the router (calls the routes below) ---- */
int hg_http_start(hg_srv *s, hg_err *err);

/* ---- request.c: reading requests and writing responses, for every handler ---- */
const char *hg_req_arg(const hg_req *q, const char *name);
const char *hg_req_header(const hg_req *q, const char *name);
const char *hg_req_cookie(const hg_req *q, const char *name);
/* A field of an application/x-www-form-urlencoded body, decoded into out. */
int hg_form_field(const hg_buf *body, const char *name, char *out, size_t cap);
void hg_resp_json(hg_resp *r, int status, void *json /* json_t *, stolen */);
void hg_resp_error(hg_resp *r, int status, const char *msg);
void hg_resp_redirect(hg_resp *r, const char *to);
/* Session cookie header value (max_age 0 clears it). */
void hg_resp_session_cookie(hg_resp *r, int slot, const hg_srv *s, const char *name,
                            const char *value, int max_age);
/* Audit an event for this request's user (errors are logged, not returned). */
void hg_req_audit(hg_req *q, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int hg_req_csrf_ok(const hg_req *q, const char *token);

/* ---- api.c / pages.c / assets.c: return 1 if they handled the path ---- */
int hg_api_route(hg_req *q, hg_resp *r);
int hg_pages_route(hg_req *q, hg_resp *r);
int hg_assets_route(hg_req *q, hg_resp *r);

/* ---- login.c: shared by the form and the API ---- */
enum { HG_LOGIN_OK = 0, HG_LOGIN_BAD, HG_LOGIN_LOCKED, HG_LOGIN_ERROR };
int hg_login(hg_req *q, const char *user, const char *pw, char token[80], char csrf[80],
             long *retry_after);
void hg_logout(hg_req *q);

#endif
