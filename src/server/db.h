/*
 * db.h: the server's SQLite database under --data-dir (healthgap.db): users,
 * sessions, login throttling and the audit chain. One connection guarded by
 * a mutex; WAL journal so the `healthgap user` and `audit` commands can use
 * the same file while a server runs. The data directory is created 0700 and
 * also holds audit.key, the key of the audit chain's keyed hashes (created
 * with the database, never afterwards).
 */
#ifndef HG_SRV_DB_H
#define HG_SRV_DB_H

#include "core/error.h"

#include <pthread.h>
#include <sqlite3.h>

/* Statements kept prepared for the hot paths (every request). */
enum {
	HG_SQL_SESSION_READ = 0,
	HG_SQL_SESSION_TOUCH,
	HG_SQL_AUDIT_TAIL,
	HG_SQL_AUDIT_INSERT,
	HG_SQL_N
};

typedef struct hg_db {
	sqlite3 *sql;
	sqlite3_stmt *hot[HG_SQL_N];
	pthread_mutex_t mu;
	unsigned char audit_key[32];
	char dir[1024];
} hg_db;

/* Open (creating if needed) the database in data_dir and bring its schema up to date. The
 * audit key is created only with a new database; a database without its key is an error. */
int hg_db_open(hg_db *db, const char *data_dir, hg_err *err);
/* Open an existing database (and its key) without creating anything: for checking it. */
int hg_db_open_existing(hg_db *db, const char *data_dir, hg_err *err);
void hg_db_close(hg_db *db);
void hg_db_lock(hg_db *db);
void hg_db_unlock(hg_db *db);
/* Run SQL without results; on failure err names what failed. */
int hg_db_exec(hg_db *db, const char *sql, hg_err *err);
/* Prepare a statement or set err. */
int hg_db_prepare(hg_db *db, const char *sql, sqlite3_stmt **st, hg_err *err);
/* A kept statement (reset, bindings cleared), prepared on first use; do not finalize it.
 * Call with the lock held. NULL on error. */
sqlite3_stmt *hg_db_hot(hg_db *db, int which, const char *sql);
/* Seconds since the epoch (the clock every expiry uses). */
long long hg_db_now(void);

#endif
