/*
 * auth.c: users in SQLite, Argon2id passwords (libsodium) and login
 * throttling. Callers hold no lock: each function takes the database lock
 * for its statements and releases it before the (slow) password hash.
 */
#include "server/auth.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *const role_names[] = {"", "viewer", "analyst", "practice", "admin"};

int hg_role_parse(const char *s)
{
	for (int i = HG_ROLE_VIEWER; i <= HG_ROLE_ADMIN; i++)
		if (!strcmp(s, role_names[i]))
			return i;
	return HG_ROLE_NONE;
}

const char *hg_role_name(int role)
{
	return role >= HG_ROLE_VIEWER && role <= HG_ROLE_ADMIN ? role_names[role] : "none";
}

int hg_role_sees_practices(int role)
{
	return role == HG_ROLE_ANALYST || role == HG_ROLE_ADMIN;
}

int hg_role_downloads(int role)
{
	return role == HG_ROLE_ANALYST || role == HG_ROLE_ADMIN || role == HG_ROLE_PRACTICE;
}

int hg_role_admin(int role)
{
	return role == HG_ROLE_ADMIN;
}

int hg_username_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > HG_USERNAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._@-", s[i]))
			return 0;
	return 1;
}

int hg_practice_code_valid(const char *s)
{
	if (strlen(s) != 6 || !isupper((unsigned char)s[0]))
		return 0;
	for (int i = 1; i < 6; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int hg_password_valid(const char *pw, hg_err *err)
{
	size_t n = strlen(pw);
	if (n < 12)
		return hg_err_set(err, HG_EUSAGE, "a password needs at least 12 characters");
	if (n > HG_PASSWORD_MAX)
		return hg_err_set(err, HG_EUSAGE, "a password may have at most %d characters",
		                  HG_PASSWORD_MAX);
	return 0;
}

static int pw_hash(const char *pw, char out[crypto_pwhash_STRBYTES], hg_err *err)
{
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return hg_err_set(err, HG_ENOMEM, "password hashing ran out of memory");
	return 0;
}

/* Run one statement with text parameters (NULL ends them); returns rows changed or -1. */
static int db_run(hg_db *db, const char *sql, const char *const *params, hg_err *err)
{
	sqlite3_stmt *st;
	hg_db_lock(db);
	if (hg_db_prepare(db, sql, &st, err)) {
		hg_db_unlock(db);
		return -1;
	}
	for (int i = 0; params[i]; i++)
		sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	int changed = sqlite3_changes(db->sql);
	if (rc != SQLITE_DONE)
		hg_err_set(err, HG_EIO, "database: %s", sqlite3_errmsg(db->sql));
	sqlite3_finalize(st);
	hg_db_unlock(db);
	return rc == SQLITE_DONE ? changed : -1;
}

int hg_user_add(hg_db *db, const char *name, int role, const char *practice, const char *pw,
                hg_err *err)
{
	if (!hg_username_valid(name))
		return hg_err_set(err, HG_EUSAGE,
		                  "a user name is 1-64 letters, digits or . _ @ - characters");
	if (role == HG_ROLE_PRACTICE && !hg_practice_code_valid(practice ? practice : ""))
		return hg_err_set(
		    err, HG_EUSAGE,
		    "the practice role needs --practice CODE (a letter and 5 digits)");
	if (role != HG_ROLE_PRACTICE && practice && *practice)
		return hg_err_set(err, HG_EUSAGE, "--practice is only for the practice role");
	if (hg_password_valid(pw, err))
		return -1;
	char h[crypto_pwhash_STRBYTES], created[32];
	if (pw_hash(pw, h, err))
		return -1;
	snprintf(created, sizeof created, "%lld", hg_db_now());
	const char *p[] = {
	    name, hg_role_name(role), role == HG_ROLE_PRACTICE ? practice : "", h, created, NULL};
	int rc = db_run(db,
	                "INSERT INTO users(username, role, practice, pwhash, created) "
	                "SELECT ?1, ?2, ?3, ?4, CAST(?5 AS INTEGER) WHERE NOT EXISTS "
	                "(SELECT 1 FROM users WHERE username = ?1)",
	                p, err);
	if (rc == 0)
		return hg_err_set(err, HG_EUSAGE, "user '%s' already exists", name);
	return rc < 0 ? -1 : 0;
}

int hg_user_remove(hg_db *db, const char *name, hg_err *err)
{
	const char *p[] = {name, NULL};
	int rc = db_run(db, "DELETE FROM users WHERE username = ?1", p, err);
	if (rc == 0)
		return hg_err_set(err, HG_EUSAGE, "no user '%s'", name);
	return rc < 0 ? -1 : 0;
}

int hg_user_passwd(hg_db *db, const char *name, const char *pw, hg_err *err)
{
	if (hg_password_valid(pw, err))
		return -1;
	char h[crypto_pwhash_STRBYTES];
	if (pw_hash(pw, h, err))
		return -1;
	const char *p[] = {h, name, NULL};
	int rc = db_run(db, "UPDATE users SET pwhash = ?1 WHERE username = ?2", p, err);
	if (rc == 0)
		return hg_err_set(err, HG_EUSAGE, "no user '%s'", name);
	if (rc < 0)
		return -1;
	/* a new password ends every session of the account */
	const char *q[] = {name, NULL};
	return db_run(db,
	              "DELETE FROM sessions WHERE user_id = "
	              "(SELECT id FROM users WHERE username = ?1)",
	              q, err) < 0
	           ? -1
	           : 0;
}

static void user_from_row(sqlite3_stmt *st, hg_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	snprintf(u->username, sizeof u->username, "%s", (const char *)sqlite3_column_text(st, 1));
	u->role = hg_role_parse((const char *)sqlite3_column_text(st, 2));
	snprintf(u->practice, sizeof u->practice, "%s", (const char *)sqlite3_column_text(st, 3));
}

/* Fetch a user and (if pwhash) its hash: 1 found, 0 not, -1 error. */
static int user_fetch(hg_db *db, const char *name, hg_user *u, char *pwhash, hg_err *err)
{
	sqlite3_stmt *st;
	hg_db_lock(db);
	if (hg_db_prepare(db,
	                  "SELECT id, username, role, practice, pwhash FROM users WHERE "
	                  "username = ?1",
	                  &st, err)) {
		hg_db_unlock(db);
		return -1;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		user_from_row(st, u);
		if (pwhash)
			snprintf(pwhash, crypto_pwhash_STRBYTES, "%s",
			         (const char *)sqlite3_column_text(st, 4));
		found = 1;
	} else if (rc != SQLITE_DONE) {
		hg_err_set(err, HG_EIO, "database: %s", sqlite3_errmsg(db->sql));
		found = -1;
	}
	sqlite3_finalize(st);
	hg_db_unlock(db);
	return found;
}

int hg_user_get(hg_db *db, const char *name, hg_user *u, hg_err *err)
{
	return user_fetch(db, name, u, NULL, err);
}

int hg_user_each(hg_db *db, void (*fn)(const hg_user *u, long long created, void *arg), void *arg,
                 hg_err *err)
{
	sqlite3_stmt *st;
	hg_db_lock(db);
	if (hg_db_prepare(db,
	                  "SELECT id, username, role, practice, created FROM users ORDER BY "
	                  "username",
	                  &st, err)) {
		hg_db_unlock(db);
		return -1;
	}
	hg_user u;
	while (sqlite3_step(st) == SQLITE_ROW) {
		user_from_row(st, &u);
		fn(&u, sqlite3_column_int64(st, 4), arg);
	}
	sqlite3_finalize(st);
	hg_db_unlock(db);
	return 0;
}

int hg_user_check(hg_db *db, const char *name, const char *pw, hg_user *u, hg_err *err)
{
	/* an Argon2id string of a random password: unknown users cost the same time */
	static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$ro1dKhysNUhsdP53AqZsSA$"
	                            "5EEi6/z+KeeY0dbne8sA5gSpHFLm4DqImU1u2eoi1k4";
	char h[crypto_pwhash_STRBYTES];
	int found = hg_username_valid(name) ? user_fetch(db, name, u, h, err) : 0;
	if (found < 0)
		return -1;
	const char *use = found ? h : dummy;
	int ok = crypto_pwhash_str_verify(use, pw, strlen(pw)) == 0;
	sodium_memzero(h, sizeof h);
	return found && ok ? 1 : 0;
}

long long hg_throttle_locked(hg_db *db, const char *key)
{
	sqlite3_stmt *st;
	long long left = 0, now = hg_db_now();
	hg_db_lock(db);
	if (hg_db_prepare(db, "SELECT locked_until FROM throttle WHERE key = ?1", &st, NULL) == 0) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > now)
			left = sqlite3_column_int64(st, 0) - now;
		sqlite3_finalize(st);
	}
	hg_db_unlock(db);
	return left;
}

long long hg_throttle_failures(hg_db *db, const hg_throttle_cfg *cfg, const char *key,
                               long long *locked)
{
	sqlite3_stmt *st;
	long long n = 0, now = hg_db_now();
	*locked = 0;
	hg_db_lock(db);
	if (hg_db_prepare(
	        db, "SELECT failures, window_start, locked_until FROM throttle WHERE key = ?1", &st,
	        NULL) == 0) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			if (sqlite3_column_int64(st, 1) + cfg->window >= now)
				n = sqlite3_column_int64(st, 0);
			if (sqlite3_column_int64(st, 2) > now)
				*locked = sqlite3_column_int64(st, 2) - now;
		}
		sqlite3_finalize(st);
	}
	hg_db_unlock(db);
	return n;
}

int hg_throttle_fail(hg_db *db, const hg_throttle_cfg *cfg, const char *key, int max)
{
	char now[32], win[32], lock[32], mx[32];
	long long t = hg_db_now();
	snprintf(now, sizeof now, "%lld", t);
	snprintf(win, sizeof win, "%d", cfg->window);
	snprintf(lock, sizeof lock, "%lld", t + cfg->lockout);
	snprintf(mx, sizeof mx, "%d", max);
	const char *p[] = {key, now, win, NULL};
	db_run(db,
	       "INSERT INTO throttle(key, failures, window_start, locked_until) "
	       "VALUES (?1, 1, CAST(?2 AS INTEGER), 0) ON CONFLICT(key) DO UPDATE SET "
	       "failures = CASE WHEN window_start + CAST(?3 AS INTEGER) < CAST(?2 AS INTEGER) "
	       "THEN 1 ELSE failures + 1 END, "
	       "window_start = CASE WHEN window_start + CAST(?3 AS INTEGER) < "
	       "CAST(?2 AS INTEGER) THEN CAST(?2 AS INTEGER) ELSE window_start END",
	       p, NULL);
	const char *q[] = {key, lock, mx, NULL};
	return db_run(db,
	              "UPDATE throttle SET locked_until = CAST(?2 AS INTEGER), failures = 0 "
	              "WHERE key = ?1 AND failures >= CAST(?3 AS INTEGER)",
	              q, NULL) > 0;
}

void hg_throttle_reset(hg_db *db, const char *key)
{
	const char *p[] = {key, NULL};
	db_run(db, "DELETE FROM throttle WHERE key = ?1", p, NULL);
}
