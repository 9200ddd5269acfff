/*
 * test_server_hostile.c: the server's defences against a hostile client and a
 * tampered data directory, without HTTP (issue 11): form fields that do not
 * fit are refused and never left unterminated; audit fields are stored
 * escaped; `audit verify` fails on an emptied log; the audit key is created
 * only with a new database and a FIFO is refused; per-key counts in windows
 * (the rate limit and the audit's coalescing) hand over an ended window's
 * counts; throttling failures are read back per window.
 */
#include "core/fs.h"
#include "server/srv.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hg-test-hostile-%ld-XXXXXX", (long)getpid());
	cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
	hg_rm_rf(dir);
}

TestSuite(server_hostile, .init = setup, .fini = teardown);

Test(server_hostile, form_fields_that_do_not_fit_are_refused_and_terminated)
{
	hg_buf body = {0};
	hg_buf_puts(&body, "username=ana&password=");
	for (int i = 0; i < 1200; i++)
		hg_buf_putc(&body, 'a');
	hg_buf_puts(&body, "&csrf=%41%42");
	hg_buf_cstr(&body);
	char pw[1100], user[8], csrf[3];
	memset(pw, 'x', sizeof pw);
	cr_assert_eq(hg_form_field(&body, "password", pw, sizeof pw), HG_FORM_TOO_LONG);
	cr_assert_eq(pw[0], 0, "a field that does not fit must leave an empty string");
	cr_assert_eq(hg_form_field(&body, "username", user, sizeof user), 0);
	cr_assert_str_eq(user, "ana");
	cr_assert_eq(hg_form_field(&body, "csrf", csrf, sizeof csrf), 0);
	cr_assert_str_eq(csrf, "AB");
	cr_assert_eq(hg_form_field(&body, "csrf", csrf, 2), HG_FORM_TOO_LONG);
	cr_assert_eq(csrf[0], 0);
	memset(user, 'x', sizeof user);
	cr_assert_eq(hg_form_field(&body, "nothing", user, sizeof user), HG_FORM_ABSENT);
	cr_assert_eq(user[0], 0);
	hg_buf_free(&body);
}

static void collect(long long seq, const char *ts, const char *actor, const char *address,
                    const char *action, const char *detail, void *arg)
{
	hg_buf_printf(arg, "%s|%s|%s|%s\n", actor, address, action, detail);
}

Test(server_hostile, audit_fields_are_stored_escaped)
{
	hg_db db;
	hg_err err = {0};
	cr_assert_eq(hg_db_open(&db, dir, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_audit_append(&db, "ana", "127.0.0.1", "view",
	                             "api x\n2099-01-01 root login\x1b[2J \\x41 \xc3\xa9", &err),
	             0, "%s", err.msg);
	hg_buf out = {0};
	cr_assert_eq(hg_audit_each(&db, 10, collect, &out, &err), 0);
	hg_buf_cstr(&out);
	cr_assert_str_eq(out.p,
	                 "ana|127.0.0.1|view|api x\\x0a2099-01-01 root login\\x1b[2J \\\\x41 "
	                 "\\xc3\\xa9\n");
	hg_audit_report rep;
	cr_assert_eq(hg_audit_verify(&db, &rep, &err), 0, "%s", err.msg);
	hg_buf_free(&out);
	/* printing an entry stored before escaping: controls escaped, backslashes kept */
	hg_buf p = {0};
	hg_audit_escape("a\tb\\x", 0, &p);
	cr_assert_str_eq(p.p, "a\\x09b\\x");
	hg_buf_free(&p);
	hg_db_close(&db);
}

Test(server_hostile, an_emptied_log_beside_users_does_not_verify)
{
	hg_db db;
	hg_err err = {0};
	hg_audit_report rep;
	cr_assert_eq(hg_db_open(&db, dir, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_audit_verify(&db, &rep, &err), 0, "a new database is intact");
	cr_assert_eq(hg_user_add(&db, "ana", HG_ROLE_ANALYST, NULL, "correct horse 1", &err), 0);
	cr_assert_eq(hg_audit_append(&db, "cli", "local", "user_add", "user=ana", &err), 0);
	cr_assert_eq(hg_audit_verify(&db, &rep, &err), 0, "%s", err.msg);
	cr_assert_eq(hg_db_exec(&db, "DROP TRIGGER audit_no_delete; DELETE FROM audit", &err), 0);
	cr_assert_neq(hg_audit_verify(&db, &rep, &err), 0, "an emptied log reported intact");
	cr_assert(strstr(err.msg, "empty but 1 user exists"), "%s", err.msg);
	cr_assert_eq(rep.first_bad, 1);
	hg_db_close(&db);
}

Test(server_hostile, the_audit_key_is_created_only_with_a_new_database)
{
	hg_db db;
	hg_err err = {0};
	char key[512], sub[400];
	snprintf(sub, sizeof sub, "%s/dd", dir);
	snprintf(key, sizeof key, "%s/audit.key", sub);
	cr_assert_neq(hg_db_open_existing(&db, sub, &err), 0, "no database yet");
	struct stat sb;
	cr_assert_neq(stat(sub, &sb), 0, "checking must not create the data directory");
	cr_assert_eq(hg_db_open(&db, sub, &err), 0, "%s", err.msg);
	hg_db_close(&db);
	cr_assert_eq(stat(key, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	cr_assert_eq(hg_db_open_existing(&db, sub, &err), 0, "%s", err.msg);
	hg_db_close(&db);
	unlink(key);
	cr_assert_neq(hg_db_open(&db, sub, &err), 0, "a missing key was recreated");
	cr_assert(strstr(err.msg, "audit.key is missing"), "%s", err.msg);
	cr_assert_neq(stat(key, &sb), 0);
	cr_assert_neq(hg_db_open_existing(&db, sub, &err), 0);
	cr_assert_eq(mkfifo(key, 0600), 0);
	cr_assert_neq(hg_db_open(&db, sub, &err), 0, "a FIFO as the key was read");
	cr_assert(strstr(err.msg, "not a regular file"), "%s", err.msg);
}

typedef struct ended_keys {
	char keys[256];
	long total;
} ended_keys;

static void on_ended(const char *key, long n, long long t0, void *arg)
{
	ended_keys *e = arg;
	cr_assert_eq(t0, 120);
	snprintf(e->keys + strlen(e->keys), sizeof e->keys - strlen(e->keys), "%s=%ld ", key, n);
	e->total += n;
}

Test(server_hostile, window_counts_per_key_and_hands_over_ended_windows)
{
	hg_window w;
	hg_window_init(&w, 60);
	ended_keys e = {{0}, 0};
	cr_assert_eq(hg_window_hit(&w, "a", 130, on_ended, &e), 1);
	cr_assert_eq(hg_window_hit(&w, "a", 150, on_ended, &e), 2);
	cr_assert_eq(hg_window_hit(&w, "b", 179, on_ended, &e), 1);
	hg_window_unhit(&w, "a");
	cr_assert_eq(hg_window_hit(&w, "a", 179, on_ended, &e), 2);
	cr_assert_eq(hg_window_left(&w, 170), 10);
	cr_assert_eq(e.total, 0, "nothing ends within the window");
	cr_assert_eq(hg_window_hit(&w, "a", 180, on_ended, &e), 1, "a new minute starts at 1");
	cr_assert_str_eq(e.keys, "a=2 b=1 ");
	hg_window_free(&w);
}

Test(server_hostile, throttle_failures_count_within_the_window)
{
	hg_db db;
	hg_err err = {0};
	cr_assert_eq(hg_db_open(&db, dir, &err), 0, "%s", err.msg);
	hg_throttle_cfg cfg = {3, 10, 60, 30};
	long long locked;
	cr_assert_eq(hg_throttle_failures(&db, &cfg, "user:x", &locked), 0);
	hg_throttle_fail(&db, &cfg, "user:x", 3);
	hg_throttle_fail(&db, &cfg, "user:x", 3);
	cr_assert_eq(hg_throttle_failures(&db, &cfg, "user:x", &locked), 2);
	cr_assert_eq(locked, 0);
	cr_assert_eq(hg_db_exec(&db, "UPDATE throttle SET window_start = window_start - 61", &err),
	             0);
	cr_assert_eq(hg_throttle_failures(&db, &cfg, "user:x", &locked), 0, "the window passed");
	for (int i = 0; i < 3; i++)
		hg_throttle_fail(&db, &cfg, "user:x", 3);
	hg_throttle_failures(&db, &cfg, "user:x", &locked);
	cr_assert(locked > 25 && locked <= 30, "locked for %lld s", locked);
	hg_db_close(&db);
}
