/*
 * audit.h: the append-only, hash-chained audit log (table `audit`).
 *
 * Entry n stores prev = hash of entry n-1 (64 zeros for the first) and
 * hash = BLAKE2b-256 keyed with data-dir/audit.key over
 *   prev | seq | ts | actor | address | action | detail
 * (fields separated by 0x1f). Editing, inserting, reordering or deleting any
 * entry but the last breaks the chain; `healthgap audit verify` recomputes
 * it. Details name indicators, breakdowns and users, never person-level data.
 */
#ifndef HG_SRV_AUDIT_H
#define HG_SRV_AUDIT_H

#include "core/str.h"
#include "server/db.h"

#include <stdio.h>

/* Append an entry (actor "" for anonymous, e.g. a failed login). Each field is stored
 * escaped by hg_audit_escape(..., 1, ...). */
int hg_audit_append(hg_db *db, const char *actor, const char *address, const char *action,
                    const char *detail, hg_err *err);

typedef struct hg_audit_report {
	long long entries;
	long long first_bad; /* seq of the first broken entry, 0 if none */
} hg_audit_report;

/* Append s to out (NUL-terminated) with every byte outside printable ASCII as \xNN and,
 * when backslash is set, \ as \\ (how the log stores fields, so the escaping can be read
 * back unambiguously); with backslash 0 for printing entries stored before escaping. */
void hg_audit_escape(const char *s, int backslash, hg_buf *out);

/* Recompute the chain; 0 when intact, else err says which entry and why. An empty log
 * beside existing users is an error (it has been emptied). */
int hg_audit_verify(hg_db *db, hg_audit_report *rep, hg_err *err);

/* Call fn for the latest `limit` entries, newest first. */
typedef void (*hg_audit_fn)(long long seq, const char *ts, const char *actor, const char *address,
                            const char *action, const char *detail, void *arg);
int hg_audit_each(hg_db *db, int limit, hg_audit_fn fn, void *arg, hg_err *err);

#endif
