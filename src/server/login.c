/*
 * login.c: logging in and out, shared by the HTML form and the JSON API.
 * A login is refused while either the account or the client address is
 * locked out; every failure counts against both; every attempt is audited.
 *
 * Checking a password takes tens of milliseconds (Argon2id), so "is the key
 * locked?" and "count this failure" are far apart in time. The gate makes
 * them one step: an attempt is admitted only while the failures already
 * counted plus the attempts being checked now stay under the limit, so 16
 * parallel guesses against a limit of 5 check 5 passwords, not 16.
 */
#include "server/srv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hg_inflight {
	char key[128];
	int n; /* attempts being checked now */
};

void hg_login_gate_init(hg_login_gate *g)
{
	memset(g, 0, sizeof *g);
	pthread_mutex_init(&g->mu, NULL);
}

void hg_login_gate_free(hg_login_gate *g)
{
	free(g->v);
	pthread_mutex_destroy(&g->mu);
	memset(g, 0, sizeof *g);
}

/* The in-flight count of key (created at 0). Gate lock held. */
static int *inflight(hg_login_gate *g, const char *key)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->v[i].key, key))
			return &g->v[i].n;
	HG_GROW(g->v, g->n, g->cap);
	snprintf(g->v[g->n].key, sizeof g->v[g->n].key, "%s", key);
	g->v[g->n].n = 0;
	return &g->v[g->n++].n;
}

/* Drop keys with nothing in flight (the list holds at most the attempts running). */
static void inflight_prune(hg_login_gate *g)
{
	size_t o = 0;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].n > 0)
			g->v[o++] = g->v[i];
	g->n = o;
}

/* Admit an attempt against both keys, or return the seconds to wait (> 0). */
static long long gate_admit(hg_srv *s, const char *const key[2], const int max[2])
{
	hg_login_gate *g = &s->login;
	long long wait = 0;
	pthread_mutex_lock(&g->mu);
	for (int k = 0; k < 2; k++) {
		long long locked;
		long long used = hg_throttle_failures(&s->db, &s->tcfg, key[k], &locked);
		if (locked > wait)
			wait = locked;
		else if (used + *inflight(g, key[k]) >= max[k] && wait == 0)
			wait = 1; /* the attempts in flight decide: a lockout or a reset */
	}
	for (int k = 0; wait == 0 && k < 2; k++)
		(*inflight(g, key[k]))++;
	inflight_prune(g);
	pthread_mutex_unlock(&g->mu);
	return wait;
}

/* The attempt is over: count a failure (ok 0), reset the account (ok 1) or neither (-1).
 * Sets locked[k] when the failure locked key k. */
static void gate_done(hg_srv *s, const char *const key[2], const int max[2], int ok, int locked[2])
{
	hg_login_gate *g = &s->login;
	pthread_mutex_lock(&g->mu);
	for (int k = 0; k < 2; k++) {
		locked[k] = ok == 0 && hg_throttle_fail(&s->db, &s->tcfg, key[k], max[k]);
		(*inflight(g, key[k]))--;
	}
	if (ok == 1)
		hg_throttle_reset(&s->db, key[0]);
	inflight_prune(g);
	pthread_mutex_unlock(&g->mu);
}

/* The attempted user name as it may appear in the audit (never free text). */
static const char *audit_name(const char *user)
{
	return hg_username_valid(user) ? user : "(invalid name)";
}

/* Refused while locked: the address's lockout is one entry per address whatever the
 * names tried (so varying them does not grow the log); an account's names the account. */
static int login_locked(hg_req *q, const char *user, const char *addr_key)
{
	long long left = 0;
	hg_throttle_failures(&q->srv->db, &q->srv->tcfg, addr_key, &left);
	if (left > 0)
		hg_req_audit(q, "login_locked", "address locked");
	else
		hg_req_audit(q, "login_locked", "user=%s", audit_name(user));
	return HG_LOGIN_LOCKED;
}

/* A new session for u, audited; without its audit entry there is no session. */
static int login_session(hg_req *q, const hg_user *u, char token[80], char csrf[80])
{
	hg_err err = {0};
	if (hg_session_create(&q->srv->db, u, token, csrf, &err)) {
		fprintf(stderr, "healthgap serve: login: %s\n", err.msg);
		return HG_LOGIN_ERROR;
	}
	q->authed = 1;
	q->sess.user = *u;
	snprintf(q->sess.csrf, sizeof q->sess.csrf, "%s", csrf);
	if (hg_req_audit(q, "login", "role=%s", hg_role_name(u->role))) {
		hg_session_delete(&q->srv->db, token);
		q->authed = 0;
		return HG_LOGIN_ERROR;
	}
	return HG_LOGIN_OK;
}

int hg_login(hg_req *q, const char *user, const char *pw, char token[80], char csrf[80],
             long *retry_after)
{
	hg_srv *s = q->srv;
	if (strlen(user) > HG_USERNAME_MAX || strlen(pw) > HG_PASSWORD_MAX)
		return HG_LOGIN_TOO_LONG;
	char ka[128], kb[128];
	snprintf(ka, sizeof ka, "user:%s", audit_name(user));
	snprintf(kb, sizeof kb, "addr:%s", q->addr);
	const char *const keys[2] = {ka, kb};
	const int max[2] = {s->tcfg.account_max, s->tcfg.address_max};
	long long wait = gate_admit(s, keys, max);
	if (wait > 0) {
		*retry_after = (long)wait;
		return login_locked(q, user, kb);
	}
	hg_user u;
	hg_err err = {0};
	int ok = hg_user_check(&s->db, user, pw, &u, &err);
	int locked[2];
	gate_done(s, keys, max, ok, locked);
	if (ok < 0) {
		fprintf(stderr, "healthgap serve: login: %s\n", err.msg);
		return HG_LOGIN_ERROR;
	}
	if (!ok) {
		hg_req_audit(q, "login_failed", "user=%s%s%s", audit_name(user),
		             locked[0] ? " account_locked" : "",
		             locked[1] ? " address_locked" : "");
		return HG_LOGIN_BAD;
	}
	return login_session(q, &u, token, csrf);
}

void hg_logout(hg_req *q)
{
	hg_req_audit(q, "logout", "%s", "");
	hg_session_delete(&q->srv->db, q->token);
	hg_sesscache_drop(&q->srv->sessions, q->token);
	q->authed = 0;
}
