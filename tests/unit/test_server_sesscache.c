/*
 * test_server_sesscache.c: the server's cache of sessions read in the last
 * second: a hit needs no database, a logout (drop) ends the session at once,
 * expiry is still checked on every use, and a session deleted by another
 * process stops working within HG_SESSCACHE_MS.
 */
#include "core/fs.h"
#include "server/sesscache.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static hg_db db;

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hg-test-sesscache-%ld-XXXXXX", (long)getpid());
	cr_assert(mkdtemp(dir));
	hg_err err = {0};
	cr_assert_eq(hg_db_open(&db, dir, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
	hg_db_close(&db);
	hg_rm_rf(dir);
}

TestSuite(server_sesscache, .init = setup, .fini = teardown);

Test(server_sesscache, hits_drops_expiry_and_staleness)
{
	hg_err err = {0};
	hg_user u;
	cr_assert_eq(hg_user_add(&db, "vic", HG_ROLE_VIEWER, NULL, "viewer password", &err), 0);
	cr_assert_eq(hg_user_get(&db, "vic", &u, &err), 1);
	char tok[HG_TOKEN_HEX], csrf[HG_TOKEN_HEX];
	cr_assert_eq(hg_session_create(&db, &u, tok, csrf, &err), 0);
	hg_session_cfg cfg = {100, 1000};
	hg_sesscache *c = malloc(sizeof *c);
	hg_sesscache_init(c);
	hg_session s;
	cr_assert_eq(hg_sesscache_get(c, &db, &cfg, tok, &s), 1);
	cr_assert_str_eq(s.user.username, "vic");
	/* served from the cache: the database's row is gone (another process), not yet seen */
	cr_assert_eq(hg_db_exec(&db, "DELETE FROM sessions", &err), 0);
	cr_assert_eq(hg_sesscache_get(c, &db, &cfg, tok, &s), 1);
	usleep((HG_SESSCACHE_MS + 100) * 1000);
	cr_assert_eq(hg_sesscache_get(c, &db, &cfg, tok, &s), 0, "stale after a second");
	/* a logout in the server ends it at once */
	cr_assert_eq(hg_session_create(&db, &u, tok, csrf, &err), 0);
	cr_assert_eq(hg_sesscache_get(c, &db, &cfg, tok, &s), 1);
	hg_session_delete(&db, tok);
	hg_sesscache_drop(c, tok);
	cr_assert_eq(hg_sesscache_get(c, &db, &cfg, tok, &s), 0);
	/* expiry is checked on a cached entry too: an idle limit of 0 s ends it */
	cr_assert_eq(hg_session_create(&db, &u, tok, csrf, &err), 0);
	cr_assert_eq(hg_sesscache_get(c, &db, &cfg, tok, &s), 1);
	hg_session_cfg none = {0, 1000};
	cr_assert_eq(hg_sesscache_get(c, &db, &none, tok, &s), 0);
	cr_assert_eq(hg_sesscache_get(c, &db, &cfg, "not a token", &s), 0);
	hg_sesscache_free(c);
	free(c);
}
