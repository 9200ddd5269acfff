/*
 * session.c: sessions in SQLite, keyed by the BLAKE2b hash of the token.
 * last_seen is written at most once per refresh interval (idle/60, at least
 * one second) so that a busy session does not write on every request.
 */
#include "server/session.h"

#include "core/fs.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void hg_random_hex(char *out, size_t n)
{
	unsigned char b[64];
	if (n > sizeof b)
		n = sizeof b;
	randombytes_buf(b, n);
	sodium_bin2hex(out, 2 * n + 1, b, n);
}

int hg_secret_eq(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na != nb || na == 0)
		return 0;
	return sodium_memcmp(a, b, na) == 0;
}

static int token_ok(const char *t)
{
	if (strlen(t) != HG_TOKEN_HEX - 1)
		return 0;
	for (const char *p = t; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

int hg_session_create(hg_db *db, const hg_user *u, char token[HG_TOKEN_HEX],
                      char csrf[HG_TOKEN_HEX], hg_err *err)
{
	char h[65];
	hg_random_hex(token, 32);
	hg_random_hex(csrf, 32);
	hg_hash_hex(token, strlen(token), h);
	sqlite3_stmt *st;
	hg_db_lock(db);
	if (hg_db_prepare(db,
	                  "INSERT INTO sessions(token_hash, user_id, csrf, created, last_seen) "
	                  "VALUES (?1, ?2, ?3, ?4, ?4)",
	                  &st, err)) {
		hg_db_unlock(db);
		return -1;
	}
	sqlite3_bind_text(st, 1, h, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, u->id);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, hg_db_now());
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc)
		hg_err_set(err, HG_EIO, "database: %s", sqlite3_errmsg(db->sql));
	sqlite3_finalize(st);
	hg_db_unlock(db);
	return rc;
}

static void session_exec1(hg_db *db, const char *sql, const char *h, long long v)
{
	sqlite3_stmt *st;
	if (hg_db_prepare(db, sql, &st, NULL))
		return;
	sqlite3_bind_text(st, 1, h, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, v);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

static void session_touch(hg_db *db, const char *h, long long now)
{
	sqlite3_stmt *st = hg_db_hot(db, HG_SQL_SESSION_TOUCH,
	                             "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1");
	if (!st)
		return;
	sqlite3_bind_text(st, 1, h, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_step(st);
	sqlite3_reset(st);
}

/* Read the session row of hash h into s: 1 found, 0 not. Lock held. */
static int session_read(hg_db *db, const char *h, hg_session *s)
{
	sqlite3_stmt *st = hg_db_hot(db, HG_SQL_SESSION_READ,
	                             "SELECT u.id, u.username, u.role, u.practice, s.csrf, "
	                             "s.created, s.last_seen FROM sessions s JOIN users u ON "
	                             "u.id = s.user_id WHERE s.token_hash = ?1");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, h, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		memset(s, 0, sizeof *s);
		s->user.id = sqlite3_column_int64(st, 0);
		snprintf(s->user.username, sizeof s->user.username, "%s",
		         (const char *)sqlite3_column_text(st, 1));
		s->user.role = hg_role_parse((const char *)sqlite3_column_text(st, 2));
		snprintf(s->user.practice, sizeof s->user.practice, "%s",
		         (const char *)sqlite3_column_text(st, 3));
		snprintf(s->csrf, sizeof s->csrf, "%s", (const char *)sqlite3_column_text(st, 4));
		s->created = sqlite3_column_int64(st, 5);
		s->last_seen = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	return found;
}

int hg_session_get(hg_db *db, const hg_session_cfg *cfg, const char *token, hg_session *s)
{
	if (!token || !token_ok(token))
		return 0;
	char h[65];
	hg_hash_hex(token, strlen(token), h);
	long long now = hg_db_now();
	hg_db_lock(db);
	int found = session_read(db, h, s);
	if (found && (now - s->last_seen >= cfg->idle || now - s->created >= cfg->absolute ||
	              s->user.role == HG_ROLE_NONE)) {
		session_exec1(db, "DELETE FROM sessions WHERE token_hash = ?1", h, 0);
		found = 0;
	} else if (found) {
		long long every = cfg->idle / 60 > 1 ? cfg->idle / 60 : 1;
		if (now - s->last_seen >= every) {
			session_touch(db, h, now);
			s->last_seen = now; /* as the row now says (the server caches it) */
		}
	}
	hg_db_unlock(db);
	return found;
}

void hg_session_delete(hg_db *db, const char *token)
{
	if (!token || !token_ok(token))
		return;
	char h[65];
	hg_hash_hex(token, strlen(token), h);
	hg_db_lock(db);
	session_exec1(db, "DELETE FROM sessions WHERE token_hash = ?1", h, 0);
	hg_db_unlock(db);
}

void hg_session_sweep(hg_db *db, const hg_session_cfg *cfg)
{
	sqlite3_stmt *st;
	long long now = hg_db_now();
	hg_db_lock(db);
	if (hg_db_prepare(db, "DELETE FROM sessions WHERE last_seen <= ?1 OR created <= ?2", &st,
	                  NULL) == 0) {
		sqlite3_bind_int64(st, 1, now - cfg->idle);
		sqlite3_bind_int64(st, 2, now - cfg->absolute);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	hg_db_unlock(db);
}
