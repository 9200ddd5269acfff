/*
 * test_server_auth.c: the dashboard's security core without HTTP: users and
 * Argon2id passwords, throttling, session expiry, CSRF token comparison and
 * the audit chain (an edit is found and located).
 */
#include "core/fs.h"
#include "server/audit.h"
#include "server/auth.h"
#include "server/session.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static hg_db db;

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hg-test-server-%ld-XXXXXX", (long)getpid());
	cr_assert(mkdtemp(dir));
	hg_err err = {0};
	cr_assert_eq(hg_db_open(&db, dir, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
	hg_db_close(&db);
	hg_rm_rf(dir);
}

TestSuite(server_auth, .init = setup, .fini = teardown);

Test(server_auth, users_and_passwords)
{
	hg_err err = {0};
	hg_user u;
	cr_assert_eq(hg_user_add(&db, "ana", HG_ROLE_ANALYST, NULL, "correct horse 1", &err), 0,
	             "%s", err.msg);
	cr_assert_neq(hg_user_add(&db, "ana", HG_ROLE_VIEWER, NULL, "correct horse 2", &err), 0);
	cr_assert(strstr(err.msg, "already exists"));
	cr_assert_neq(hg_user_add(&db, "bob", HG_ROLE_VIEWER, NULL, "short", &err), 0);
	cr_assert_neq(hg_user_add(&db, "bad name", HG_ROLE_VIEWER, NULL, "long enough pw", &err),
	              0);
	cr_assert_neq(hg_user_add(&db, "pat", HG_ROLE_PRACTICE, NULL, "long enough pw", &err), 0);
	cr_assert_eq(hg_user_check(&db, "ana", "correct horse 1", &u, &err), 1);
	cr_assert_eq(u.role, HG_ROLE_ANALYST);
	cr_assert_eq(hg_user_check(&db, "ana", "wrong horse 1", &u, &err), 0);
	cr_assert_eq(hg_user_check(&db, "nobody", "correct horse 1", &u, &err), 0);
	cr_assert_eq(hg_user_passwd(&db, "ana", "new password 12", &err), 0);
	cr_assert_eq(hg_user_check(&db, "ana", "new password 12", &u, &err), 1);
	cr_assert_eq(hg_user_remove(&db, "ana", &err), 0);
	cr_assert_eq(hg_user_check(&db, "ana", "new password 12", &u, &err), 0);
}

Test(server_auth, roles)
{
	cr_assert_eq(hg_role_parse("practice"), HG_ROLE_PRACTICE);
	cr_assert_eq(hg_role_parse("root"), HG_ROLE_NONE);
	cr_assert(!hg_role_sees_practices(HG_ROLE_VIEWER));
	cr_assert(!hg_role_downloads(HG_ROLE_VIEWER));
	cr_assert(hg_role_sees_practices(HG_ROLE_ANALYST));
	cr_assert(hg_role_admin(HG_ROLE_ADMIN) && !hg_role_admin(HG_ROLE_ANALYST));
	cr_assert(hg_practice_code_valid("A81001") && !hg_practice_code_valid("A8100"));
}

Test(server_auth, throttling)
{
	hg_throttle_cfg cfg = {3, 10, 60, 30};
	cr_assert_eq(hg_throttle_locked(&db, "user:x"), 0);
	cr_assert_eq(hg_throttle_fail(&db, &cfg, "user:x", 3), 0);
	cr_assert_eq(hg_throttle_fail(&db, &cfg, "user:x", 3), 0);
	cr_assert_eq(hg_throttle_fail(&db, &cfg, "user:x", 3), 1);
	long long left = hg_throttle_locked(&db, "user:x");
	cr_assert(left > 25 && left <= 30, "locked for %lld s", left);
	cr_assert_eq(hg_throttle_locked(&db, "user:y"), 0);
	hg_throttle_reset(&db, "user:x");
	cr_assert_eq(hg_throttle_locked(&db, "user:x"), 0);
}

Test(server_auth, sessions_expire)
{
	hg_err err = {0};
	hg_user u;
	cr_assert_eq(hg_user_add(&db, "vic", HG_ROLE_VIEWER, NULL, "viewer password", &err), 0);
	cr_assert_eq(hg_user_get(&db, "vic", &u, &err), 1);
	char tok[HG_TOKEN_HEX], csrf[HG_TOKEN_HEX];
	cr_assert_eq(hg_session_create(&db, &u, tok, csrf, &err), 0);
	hg_session_cfg cfg = {100, 1000};
	hg_session s;
	cr_assert_eq(hg_session_get(&db, &cfg, tok, &s), 1);
	cr_assert_str_eq(s.user.username, "vic");
	cr_assert(hg_secret_eq(s.csrf, csrf));
	cr_assert(!hg_secret_eq(s.csrf, tok));
	cr_assert_eq(hg_session_get(&db, &cfg, "00", &s), 0);
	/* the database holds the token's hash, not the token */
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT 1 FROM sessions WHERE token_hash = '%s'", tok);
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(db.sql, sql, -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	/* idle: last seen 200 s ago */
	cr_assert_eq(hg_db_exec(&db, "UPDATE sessions SET last_seen = last_seen - 200", &err), 0);
	cr_assert_eq(hg_session_get(&db, &cfg, tok, &s), 0);
	/* absolute: created 2000 s ago though active */
	cr_assert_eq(hg_session_create(&db, &u, tok, csrf, &err), 0);
	cr_assert_eq(hg_db_exec(&db, "UPDATE sessions SET created = created - 2000", &err), 0);
	cr_assert_eq(hg_session_get(&db, &cfg, tok, &s), 0);
}

Test(server_auth, audit_chain_detects_edits)
{
	hg_err err = {0};
	for (int i = 0; i < 5; i++)
		cr_assert_eq(
		    hg_audit_append(&db, "ana", "127.0.0.1", "view", "page overview", &err), 0,
		    "%s", err.msg);
	hg_audit_report rep;
	cr_assert_eq(hg_audit_verify(&db, &rep, &err), 0, "%s", err.msg);
	cr_assert_eq(rep.entries, 5);
	cr_assert_neq(hg_db_exec(&db, "UPDATE audit SET detail = 'x' WHERE seq = 2", &err), 0);
	cr_assert_neq(hg_db_exec(&db, "DELETE FROM audit WHERE seq = 2", &err), 0);
	cr_assert_eq(hg_db_exec(&db,
	                        "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'x' "
	                        "WHERE seq = 3",
	                        &err),
	             0);
	cr_assert_neq(hg_audit_verify(&db, &rep, &err), 0);
	cr_assert_eq(rep.first_bad, 3);
	cr_assert(strstr(err.msg, "entry 3"), "%s", err.msg);
}
