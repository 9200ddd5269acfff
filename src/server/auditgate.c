/*
 * auditgate.c: how the server writes its audit entries (srv.h). Two rules:
 *
 * Fail closed: an entry is written before its response leaves; when it
 * cannot be (the database is full, locked past its busy timeout, or
 * broken) the caller is told, and the router answers 503 instead of the
 * data (http.c).
 *
 * Bounded growth: a session re-reading the same view, or a client
 * repeating the same refused request, would otherwise write one entry per
 * request (millions an hour). Within each minute the first entry of an
 * (actor, address, action, detail) is written at once; identical ones
 * after it are counted and written as one "repeated" entry when the minute
 * ends, with how many there were. Logins, logouts, failed logins, downloads
 * and administration are never coalesced. After any failed write nothing is
 * coalesced until a write succeeds, so requests keep failing closed.
 */
#include "server/srv.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define HG_SEP "\x1f"

/* Actions whose repeats within a minute are counted instead of written one by one. */
static int repeats(const char *action)
{
	static const char *const coalesced[] = {"view", "forbidden", "csrf_rejected",
	                                        "login_locked", "rate_limited"};
	for (size_t i = 0; i < sizeof coalesced / sizeof coalesced[0]; i++)
		if (!strcmp(action, coalesced[i]))
			return 1;
	return 0;
}

static int write_entry(hg_srv *s, const char *actor, const char *address, const char *action,
                       const char *detail)
{
	hg_err err = {0};
	if (hg_audit_append(&s->db, actor, address, action, detail, &err) == 0) {
		atomic_store(&s->audit_broken, 0);
		return 0;
	}
	atomic_store(&s->audit_broken, 1);
	fprintf(stderr, "healthgap serve: audit: %s (request refused with 503)\n", err.msg);
	return -1;
}

int hg_srv_audit(hg_srv *s, const char *actor, const char *address, const char *action,
                 const char *detail)
{
	if (!repeats(action))
		return write_entry(s, actor, address, action, detail);
	hg_buf key = {0};
	hg_buf_printf(&key, "%s" HG_SEP "%s" HG_SEP "%s" HG_SEP "%s", actor, address, action,
	              detail);
	hg_buf_cstr(&key);
	long n = hg_window_hit(&s->coalesce, key.p, hg_db_now(), NULL, NULL);
	int rc = 0;
	if (n == 1) {
		rc = write_entry(s, actor, address, action, detail);
		if (rc) /* not recorded: the next identical request must try again */
			hg_window_unhit(&s->coalesce, key.p);
	} else if (atomic_load(&s->audit_broken)) {
		/* written on its own (or refused): either way not a repeat to count */
		rc = write_entry(s, actor, address, action, detail);
		hg_window_unhit(&s->coalesce, key.p);
	}
	hg_buf_free(&key);
	return rc;
}

static void iso_time(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One ended minute's key: the repeats after its first entry, as one entry. */
static void write_repeats(const char *key, long n, long long t0, void *arg)
{
	hg_srv *s = arg;
	if (n < 2)
		return;
	/* actor, address and action never hold the separator; the detail may: it is last */
	char f[3][128];
	const char *p = key;
	for (int i = 0; i < 3; i++) {
		const char *e = strchr(p, HG_SEP[0]);
		if (!e)
			return;
		snprintf(f[i], sizeof f[i], "%.*s", (int)(e - p), p);
		p = e + 1;
	}
	char from[32], to[32];
	iso_time(t0, from);
	iso_time(t0 + s->coalesce.secs, to);
	hg_buf d = {0};
	hg_buf_printf(&d, "%s x%ld from %s to %s: %s", f[2], n - 1, from, to, p);
	hg_buf_cstr(&d);
	write_entry(s, f[0], f[1], "repeated", d.p);
	hg_buf_free(&d);
}

void hg_srv_audit_flush(hg_srv *s, int all)
{
	long long now = hg_db_now();
	hg_window_roll(&s->coalesce, all ? now + s->coalesce.secs : now, write_repeats, s);
}
