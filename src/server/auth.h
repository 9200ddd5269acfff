/*
 * auth.h: users, roles, password hashing and login throttling.
 *
 * Roles (docs/security.md):
 *   viewer   disclosure-controlled aggregates, no practice breakdowns, no downloads
 *   analyst  also practice breakdowns and CSV/XLSX downloads
 *   practice its own practice only (see hg_role_* and rescache.h for the rule)
 *   admin    everything an analyst sees, plus the user list and the audit log
 * Passwords are stored as Argon2id strings (libsodium crypto_pwhash_str,
 * interactive limits). Throttling counts failed logins per account and per
 * client address in a window; past the limit the key is locked out.
 */
#ifndef HG_SRV_AUTH_H
#define HG_SRV_AUTH_H

#include "server/db.h"

enum hg_role { HG_ROLE_NONE = 0, HG_ROLE_VIEWER, HG_ROLE_ANALYST, HG_ROLE_PRACTICE, HG_ROLE_ADMIN };

#define HG_USERNAME_MAX 64
#define HG_PASSWORD_MAX 1024
#define HG_PRACTICE_MAX 16

typedef struct hg_user {
	long long id;
	char username[HG_USERNAME_MAX + 1];
	int role;
	char practice[HG_PRACTICE_MAX + 1]; /* ODS code for the practice role, else "" */
} hg_user;

int hg_role_parse(const char *s);
const char *hg_role_name(int role);
/* What a role may see. */
int hg_role_sees_practices(int role); /* every practice's rows */
int hg_role_downloads(int role);
int hg_role_admin(int role);

/* A username is 1-64 of [A-Za-z0-9._@-]; a practice code a letter and 5 digits. */
int hg_username_valid(const char *s);
int hg_practice_code_valid(const char *s);
/* Passwords: 12 to HG_PASSWORD_MAX (1024) bytes. */
int hg_password_valid(const char *pw, hg_err *err);

int hg_user_add(hg_db *db, const char *name, int role, const char *practice, const char *pw,
                hg_err *err);
int hg_user_remove(hg_db *db, const char *name, hg_err *err);
int hg_user_passwd(hg_db *db, const char *name, const char *pw, hg_err *err);
/* Look a user up by name: 1 found, 0 not found, -1 error. */
int hg_user_get(hg_db *db, const char *name, hg_user *u, hg_err *err);
/* Call fn for each user in name order. */
int hg_user_each(hg_db *db, void (*fn)(const hg_user *u, long long created, void *arg), void *arg,
                 hg_err *err);

/* Check a password: 1 correct, 0 wrong or no such user (same cost either way), -1 error. */
int hg_user_check(hg_db *db, const char *name, const char *pw, hg_user *u, hg_err *err);

typedef struct hg_throttle_cfg {
	int account_max, address_max; /* failures allowed in a window */
	int window, lockout;          /* seconds */
} hg_throttle_cfg;

/* Seconds the key ("user:NAME" or "addr:IP") is still locked, 0 if free. */
long long hg_throttle_locked(hg_db *db, const char *key);
/* The failures of key counted in its current window (0 once the window has passed), and in
 * *locked the seconds it is still locked (0 if free). */
long long hg_throttle_failures(hg_db *db, const hg_throttle_cfg *cfg, const char *key,
                               long long *locked);
/* Record a failure; returns 1 when it locked the key. */
int hg_throttle_fail(hg_db *db, const hg_throttle_cfg *cfg, const char *key, int max);
void hg_throttle_reset(hg_db *db, const char *key);

#endif
