/*
 * login.c: logging in and out, shared by the HTML form and the JSON API.
 * A login is refused while either the account or the client address is
 * locked out; every failure counts against both; every attempt is audited.
 */
#include "server/srv.h"

#include <stdio.h>
#include <string.h>

/* The attempted user name as it may appear in the audit (never free text). */
static const char *audit_name(const char *user)
{
	return hg_username_valid(user) ? user : "(invalid name)";
}

int hg_login(hg_req *q, const char *user, const char *pw, char token[80], char csrf[80],
             long *retry_after)
{
	hg_srv *s = q->srv;
	char ka[128], kb[128];
	snprintf(ka, sizeof ka, "user:%s", audit_name(user));
	snprintf(kb, sizeof kb, "addr:%s", q->addr);
	long long la = hg_throttle_locked(&s->db, ka), lb = hg_throttle_locked(&s->db, kb);
	if (la > 0 || lb > 0) {
		*retry_after = (long)(la > lb ? la : lb);
		hg_req_audit(q, "login_locked", "user=%s", audit_name(user));
		return HG_LOGIN_LOCKED;
	}
	hg_user u;
	hg_err err = {0};
	int ok = hg_user_check(&s->db, user, pw, &u, &err);
	if (ok < 0) {
		fprintf(stderr, "healthgap serve: login: %s\n", err.msg);
		return HG_LOGIN_ERROR;
	}
	if (!ok) {
		int l1 = hg_throttle_fail(&s->db, &s->tcfg, ka, s->tcfg.account_max);
		int l2 = hg_throttle_fail(&s->db, &s->tcfg, kb, s->tcfg.address_max);
		hg_req_audit(q, "login_failed", "user=%s%s%s", audit_name(user),
		             l1 ? " account_locked" : "", l2 ? " address_locked" : "");
		return HG_LOGIN_BAD;
	}
	hg_throttle_reset(&s->db, ka);
	if (hg_session_create(&s->db, &u, token, csrf, &err)) {
		fprintf(stderr, "healthgap serve: login: %s\n", err.msg);
		return HG_LOGIN_ERROR;
	}
	q->authed = 1;
	q->sess.user = u;
	snprintf(q->sess.csrf, sizeof q->sess.csrf, "%s", csrf);
	hg_req_audit(q, "login", "role=%s", hg_role_name(u.role));
	return HG_LOGIN_OK;
}

void hg_logout(hg_req *q)
{
	hg_req_audit(q, "logout", "%s", "");
	hg_session_delete(&q->srv->db, q->token);
	q->authed = 0;
}
