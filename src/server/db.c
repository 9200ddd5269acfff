/*
 * db.c: opening the server database, its schema, and small SQLite helpers.
 * The audit table is append-only by construction: triggers abort any UPDATE
 * or DELETE, and every row is chained to the previous one (audit.c).
 */
#include "server/db.h"

#include "core/fs.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char db_schema[] =
    "CREATE TABLE IF NOT EXISTS users("
    " id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, role TEXT NOT NULL,"
    " practice TEXT NOT NULL DEFAULT '', pwhash TEXT NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions("
    " token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE "
    "CASCADE, csrf TEXT NOT NULL, created INTEGER NOT NULL, last_seen INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS throttle("
    " key TEXT PRIMARY KEY, failures INTEGER NOT NULL, window_start INTEGER NOT NULL,"
    " locked_until INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit("
    " seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, actor TEXT NOT NULL, address TEXT NOT NULL,"
    " action TEXT NOT NULL, detail TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

long long hg_db_now(void)
{
	return (long long)time(NULL);
}

void hg_db_lock(hg_db *db)
{
	pthread_mutex_lock(&db->mu);
}

void hg_db_unlock(hg_db *db)
{
	pthread_mutex_unlock(&db->mu);
}

int hg_db_exec(hg_db *db, const char *sql, hg_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
		hg_err_set(err, HG_EIO, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int hg_db_prepare(hg_db *db, const char *sql, sqlite3_stmt **st, hg_err *err)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, st, NULL) != SQLITE_OK)
		return hg_err_set(err, HG_EIO, "database: %s", sqlite3_errmsg(db->sql));
	return 0;
}

/* Read the audit key (a regular file of 32 bytes: a FIFO or device is refused, not read). */
static int read_key(hg_db *db, const char *path, hg_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return hg_err_set(err, HG_EIO, "cannot open %s", path);
	struct stat sb;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return hg_err_set(
		    err, HG_ECORRUPT,
		    "%s is not a regular file: the audit key must be a file of 32 bytes", path);
	}
	ssize_t r = read(fd, db->audit_key, sizeof db->audit_key);
	close(fd);
	if (r != (ssize_t)sizeof db->audit_key || sb.st_size != (off_t)sizeof db->audit_key)
		return hg_err_set(err, HG_ECORRUPT, "%s: not a 32-byte key", path);
	return 0;
}

/* A new key (32 random bytes, mode 0600): only when the database is being created. */
static int create_key(hg_db *db, const char *path, hg_err *err)
{
	randombytes_buf(db->audit_key, sizeof db->audit_key);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return hg_err_set(err, HG_EIO, "cannot create %s", path);
	ssize_t w = write(fd, db->audit_key, sizeof db->audit_key);
	int ok = w == (ssize_t)sizeof db->audit_key && fsync(fd) == 0;
	close(fd);
	return ok ? 0 : hg_err_set(err, HG_EIO, "cannot write %s", path);
}

/* The audit key. It is created only with a new database (first initialisation): a key
 * missing beside an existing database is an error, never silently replaced, since a new
 * key would make the existing chain unverifiable and let a rewritten log pass. */
static int db_audit_key(hg_db *db, int fresh_db, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/audit.key", db->dir);
	struct stat sb;
	if (lstat(path, &sb) == 0)
		return read_key(db, path, err);
	if (fresh_db)
		return create_key(db, path, err);
	return hg_err_set(err, HG_ECORRUPT,
	                  "%s is missing beside an existing database: restore it from your "
	                  "backup (a new key would not verify the existing audit log)",
	                  path);
}

static int db_open(hg_db *db, const char *data_dir, int may_create, hg_err *err)
{
	memset(db, 0, sizeof *db);
	if (sodium_init() < 0)
		return hg_err_set(err, HG_EIO, "libsodium failed to initialise");
	snprintf(db->dir, sizeof db->dir, "%s", data_dir);
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/healthgap.db", data_dir);
	struct stat sb;
	int fresh = stat(path, &sb) != 0;
	if (fresh && !may_create)
		return hg_err_set(err, HG_EIO,
		                  "%s does not exist: give the --data-dir the server uses", path);
	if (may_create && hg_mkdir_p(data_dir, err))
		return -1;
	if (may_create)
		chmod(data_dir, 0700);
	if (db_audit_key(db, fresh, err))
		return -1;
	mode_t old = umask(077);
	int rc = sqlite3_open_v2(path, &db->sql,
	                         (may_create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_READWRITE |
	                             SQLITE_OPEN_NOMUTEX,
	                         NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		hg_err_set(err, HG_EIO, "cannot open %s: %s", path,
		           db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
		sqlite3_close(db->sql);
		db->sql = NULL;
		return -1;
	}
	pthread_mutex_init(&db->mu, NULL);
	sqlite3_busy_timeout(
	    db->sql,
	    2000); /* another writer (a `healthgap user` command) holds it for milliseconds */
	if (hg_db_exec(db,
	               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA "
	               "foreign_keys=ON;",
	               err) ||
	    hg_db_exec(db, db_schema, err)) {
		hg_err_wrap(err, "%s", path);
		hg_db_close(db);
		return -1;
	}
	return 0;
}

int hg_db_open(hg_db *db, const char *data_dir, hg_err *err)
{
	return db_open(db, data_dir, 1, err);
}

int hg_db_open_existing(hg_db *db, const char *data_dir, hg_err *err)
{
	return db_open(db, data_dir, 0, err);
}

sqlite3_stmt *hg_db_hot(hg_db *db, int which, const char *sql)
{
	sqlite3_stmt *st = db->hot[which];
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	db->hot[which] = st;
	return st;
}

void hg_db_close(hg_db *db)
{
	if (!db->sql)
		return;
	for (int i = 0; i < HG_SQL_N; i++)
		sqlite3_finalize(db->hot[i]);
	sqlite3_close(db->sql);
	db->sql = NULL;
	pthread_mutex_destroy(&db->mu);
	sodium_memzero(db->audit_key, sizeof db->audit_key);
}
