/*
 * audit.c: appending to and verifying the hash-chained audit log. Appends
 * run in a BEGIN IMMEDIATE transaction so that the server and a `healthgap
 * user` command writing at the same time cannot fork the chain. Every field
 * is stored escaped (printable ASCII only), so a request path or a file
 * name cannot forge a line or send control sequences to whoever reads the
 * log.
 */
#include "server/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void audit_hash(const hg_db *db, const char *prev, long long seq, const char *ts,
                       const char *actor, const char *address, const char *action,
                       const char *detail, char out[65])
{
	crypto_generichash_state s;
	unsigned char h[32], sep = 0x1f;
	char num[32];
	snprintf(num, sizeof num, "%lld", seq);
	const char *f[] = {prev, num, ts, actor, address, action, detail};
	crypto_generichash_init(&s, db->audit_key, sizeof db->audit_key, sizeof h);
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (i)
			crypto_generichash_update(&s, &sep, 1);
		crypto_generichash_update(&s, (const unsigned char *)f[i], strlen(f[i]));
	}
	crypto_generichash_final(&s, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void audit_now(char ts[32])
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	struct tm tm;
	gmtime_r(&t.tv_sec, &tm);
	char s[24];
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, 32, "%s.%03ldZ", s, t.tv_nsec / 1000000);
}

/* The last entry's seq and hash (0 and zeros when empty). Lock held. */
static int audit_tail(hg_db *db, long long *seq, char prev[65])
{
	sqlite3_stmt *st = hg_db_hot(db, HG_SQL_AUDIT_TAIL,
	                             "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
	*seq = 0;
	memset(prev, '0', 64);
	prev[64] = 0;
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(prev, 65, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int audit_insert(hg_db *db, long long seq, const char *const f[7])
{
	sqlite3_stmt *st = hg_db_hot(db, HG_SQL_AUDIT_INSERT,
	                             "INSERT INTO audit(seq, ts, actor, address, action, detail, "
	                             "prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	for (int i = 0; i < 7; i++)
		sqlite3_bind_text(st, i + 2, f[i], -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return rc;
}

void hg_audit_escape(const char *s, int backslash, hg_buf *out)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p > 0x7e)
			hg_buf_printf(out, "\\x%02x", *p);
		else if (*p == '\\' && backslash)
			hg_buf_puts(out, "\\\\");
		else
			hg_buf_putc(out, (char)*p);
	}
	hg_buf_cstr(out);
}

static int audit_append_escaped(hg_db *db, const char *actor, const char *address,
                                const char *action, const char *detail, hg_err *err);

int hg_audit_append(hg_db *db, const char *actor, const char *address, const char *action,
                    const char *detail, hg_err *err)
{
	hg_buf f[4] = {{0}};
	const char *in[4] = {actor, address, action, detail};
	for (int i = 0; i < 4; i++)
		hg_audit_escape(in[i], 1, &f[i]);
	int rc = audit_append_escaped(db, f[0].p, f[1].p, f[2].p, f[3].p, err);
	for (int i = 0; i < 4; i++)
		hg_buf_free(&f[i]);
	return rc;
}

static int audit_append_escaped(hg_db *db, const char *actor, const char *address,
                                const char *action, const char *detail, hg_err *err)
{
	char ts[32], prev[65], hash[65];
	long long seq;
	audit_now(ts);
	hg_db_lock(db);
	if (hg_db_exec(db, "BEGIN IMMEDIATE", err)) {
		hg_db_unlock(db);
		return -1;
	}
	int rc = audit_tail(db, &seq, prev);
	if (rc == 0) {
		seq++;
		audit_hash(db, prev, seq, ts, actor, address, action, detail, hash);
		const char *f[7] = {ts, actor, address, action, detail, prev, hash};
		rc = audit_insert(db, seq, f);
	}
	if (rc == 0)
		rc = hg_db_exec(db, "COMMIT", err);
	else
		hg_err_set(err, HG_EIO, "audit: %s", sqlite3_errmsg(db->sql));
	if (rc)
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	hg_db_unlock(db);
	return rc;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

/* Check one row against the expected previous hash and sequence number. */
static int audit_check_row(hg_db *db, sqlite3_stmt *st, long long want_seq, char prev[65],
                           hg_err *err)
{
	long long seq = sqlite3_column_int64(st, 0);
	char h[65];
	if (seq != want_seq)
		return hg_err_set(err, HG_ECORRUPT, "audit entry %lld is missing (found %lld next)",
		                  want_seq, seq);
	if (strcmp(col(st, 6), prev) != 0)
		return hg_err_set(err, HG_ECORRUPT,
		                  "audit entry %lld: its link to entry %lld does not match", seq,
		                  seq - 1);
	audit_hash(db, prev, seq, col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), h);
	if (strcmp(h, col(st, 7)) != 0)
		return hg_err_set(err, HG_ECORRUPT,
		                  "audit entry %lld has been altered (hash mismatch)", seq);
	snprintf(prev, 65, "%s", h);
	return 0;
}

/* An empty log is only right for a database nobody has used: every user added was
 * audited, so users beside an empty log mean the log was emptied. Lock held. */
static int audit_empty_check(hg_db *db, hg_audit_report *rep, hg_err *err)
{
	sqlite3_stmt *st;
	if (hg_db_prepare(db, "SELECT count(*) FROM users", &st, err))
		return -1;
	long long users = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (users == 0)
		return 0;
	rep->first_bad = 1;
	return hg_err_set(err, HG_ECORRUPT,
	                  "the audit log is empty but %lld user%s exist%s: it has been emptied "
	                  "(restore it from a backup or from the copy shipped off the host)",
	                  users, users == 1 ? "" : "s", users == 1 ? "s" : "");
}

int hg_audit_verify(hg_db *db, hg_audit_report *rep, hg_err *err)
{
	sqlite3_stmt *st;
	memset(rep, 0, sizeof *rep);
	char prev[65];
	memset(prev, '0', 64);
	prev[64] = 0;
	hg_db_lock(db);
	if (hg_db_prepare(db,
	                  "SELECT seq, ts, actor, address, action, detail, prev, hash FROM audit "
	                  "ORDER BY seq",
	                  &st, err)) {
		hg_db_unlock(db);
		return -1;
	}
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		rc = audit_check_row(db, st, rep->entries + 1, prev, err);
		if (rc)
			rep->first_bad = rep->entries + 1;
		else
			rep->entries++;
	}
	sqlite3_finalize(st);
	if (rc == 0 && rep->entries == 0)
		rc = audit_empty_check(db, rep, err);
	hg_db_unlock(db);
	return rc ? -1 : 0;
}

int hg_audit_each(hg_db *db, int limit, hg_audit_fn fn, void *arg, hg_err *err)
{
	sqlite3_stmt *st;
	hg_db_lock(db);
	if (hg_db_prepare(db,
	                  "SELECT seq, ts, actor, address, action, detail FROM audit "
	                  "ORDER BY seq DESC LIMIT ?1",
	                  &st, err)) {
		hg_db_unlock(db);
		return -1;
	}
	sqlite3_bind_int(st, 1, limit);
	while (sqlite3_step(st) == SQLITE_ROW)
		fn(sqlite3_column_int64(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
		   col(st, 5), arg);
	sqlite3_finalize(st);
	hg_db_unlock(db);
	return 0;
}
