/*
 * session.h: login sessions. A session token is 32 random bytes (64 hex
 * digits) sent only in the HttpOnly cookie; the database keeps its BLAKE2b
 * hash, so a copy of the database does not give working sessions. Each
 * session carries its CSRF token (32 random bytes) that every POST must
 * echo. Sessions end on logout, after `idle` seconds without a request, and
 * `absolute` seconds after login, whichever comes first.
 */
#ifndef HG_SRV_SESSION_H
#define HG_SRV_SESSION_H

#include "server/auth.h"

#define HG_TOKEN_HEX 65

typedef struct hg_session {
	hg_user user;
	char csrf[HG_TOKEN_HEX];
	long long created, last_seen;
} hg_session;

typedef struct hg_session_cfg {
	int idle, absolute; /* seconds */
} hg_session_cfg;

/* Create a session for u; token receives the cookie value. */
int hg_session_create(hg_db *db, const hg_user *u, char token[HG_TOKEN_HEX],
                      char csrf[HG_TOKEN_HEX], hg_err *err);
/* Find a live session by cookie value: 1 found, 0 none or expired (then deleted). */
int hg_session_get(hg_db *db, const hg_session_cfg *cfg, const char *token, hg_session *s);
void hg_session_delete(hg_db *db, const char *token);
/* Remove every expired session (called now and then). */
void hg_session_sweep(hg_db *db, const hg_session_cfg *cfg);
/* Random bytes as lowercase hex (2 * n digits + NUL). */
void hg_random_hex(char *out, size_t n);
/* Compare two NUL-terminated secrets in time independent of where they differ. */
int hg_secret_eq(const char *a, const char *b);

#endif
