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
#include "server/sesscache.h"
#include "server/session.h"
#include "server/window.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#define HG_BODY_MAX 16384
#define HG_CONN_MAX 1024 /* open connections in all */
/* Memory per connection (request line, headers, buffers). libmicrohttpd zeroes all of it
 * after every request and maps anything over 32 KiB with mmap: 32 KiB holds the largest
 * request headers a browser sends, and bodies are read in pieces. */
#define HG_CONN_MEMORY 32768

/* Login attempts being checked now, per throttling key (login.c). */
typedef struct hg_login_gate {
	pthread_mutex_t mu;
	struct hg_inflight *v;
	size_t n, cap;
} hg_login_gate;

/* Open connections and when each must have delivered its request (http.c). */
typedef struct hg_conns {
	pthread_mutex_t mu;
	struct hg_conn **v;
	size_t n, cap;
	pthread_t thread; /* the housekeeper: deadlines, and the audit's minute */
	int inited, running, stop;
	pthread_cond_t wake;
} hg_conns;

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
	char refused[64];   /* a snapshot that failed verification: not tried again */
	hg_window rate;     /* requests per session in each minute (--rate-limit) */
	hg_window coalesce; /* audit entries per actor, address, action, detail in each minute */
	atomic_int audit_broken; /* the last audit write failed: coalesce nothing until one works */
	pthread_mutex_t xlsx_mu; /* libxlsxwriter calls gmtime(): one workbook at a time */
	hg_login_gate login;
	hg_conns conns;
	hg_sesscache sessions; /* sessions read in the last second */
};

typedef struct hg_req {
	hg_srv *srv;
	struct MHD_Connection *conn;
	const char *method, *path;
	hg_buf body;
	char addr[64];
	int audit_failed; /* an audit entry of this request could not be written: 503 */
	int authed;       /* a live session was found */
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
/* Stop the daemon and the housekeeper, write the audit's pending repeats, free their state. */
void hg_http_stop(hg_srv *s);

/* ---- auditgate.c: the server's audit entries ---- */
/* Write an entry, or count it as a repeat when an identical one (same actor, address,
 * action and detail) was written this minute and the action is one that repeats
 * (views, refusals); repeats are written as one "repeated" entry when the minute ends.
 * -1 when the entry could not be written: the request must then not be served. */
int hg_srv_audit(hg_srv *s, const char *actor, const char *address, const char *action,
                 const char *detail);
/* Write the repeats of an ended minute (all: end the current one now). */
void hg_srv_audit_flush(hg_srv *s, int all);

/* ---- request.c: reading requests and writing responses, for every handler ---- */
const char *hg_req_arg(const hg_req *q, const char *name);
const char *hg_req_header(const hg_req *q, const char *name);
const char *hg_req_cookie(const hg_req *q, const char *name);
/* A field of an application/x-www-form-urlencoded body, decoded into out (always
 * NUL-terminated, "" unless found): 0 found, HG_FORM_ABSENT, or HG_FORM_TOO_LONG when its
 * decoded value does not fit in cap - 1 bytes (then the request is refused with 400). */
enum { HG_FORM_ABSENT = -1, HG_FORM_TOO_LONG = -2 };
int hg_form_field(const hg_buf *body, const char *name, char *out, size_t cap);
void hg_resp_json(hg_resp *r, int status, void *json /* json_t *, stolen */);
void hg_resp_error(hg_resp *r, int status, const char *msg);
void hg_resp_redirect(hg_resp *r, const char *to);
/* Session cookie header value (max_age 0 clears it). */
void hg_resp_session_cookie(hg_resp *r, int slot, const hg_srv *s, const char *name,
                            const char *value, int max_age);
/* Audit an event for this request's user (hg_srv_audit). When it cannot be written the
 * error is logged, q->audit_failed is set and the router answers 503 instead; returns -1. */
int hg_req_audit(hg_req *q, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int hg_req_csrf_ok(const hg_req *q, const char *token);

/* ---- api.c / pages.c / assets.c: return 1 if they handled the path ---- */
int hg_api_route(hg_req *q, hg_resp *r);
int hg_pages_route(hg_req *q, hg_resp *r);
int hg_assets_route(hg_req *q, hg_resp *r);

/* ---- login.c: shared by the form and the API ---- */
/* HG_LOGIN_TOO_LONG: a user name over HG_USERNAME_MAX or a password over HG_PASSWORD_MAX
 * bytes (answered with 400, never checked); HG_LOGIN_ERROR also when the login's audit
 * entry could not be written (then no session exists). */
enum { HG_LOGIN_OK = 0, HG_LOGIN_BAD, HG_LOGIN_LOCKED, HG_LOGIN_ERROR, HG_LOGIN_TOO_LONG };
int hg_login(hg_req *q, const char *user, const char *pw, char token[80], char csrf[80],
             long *retry_after);
void hg_logout(hg_req *q);
void hg_login_gate_init(hg_login_gate *g);
void hg_login_gate_free(hg_login_gate *g);

#endif
