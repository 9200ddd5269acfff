/*
 * server.c: the server's lifecycle: options, loading the pack and the first
 * results, starting the HTTP daemon, reloading when the store's CURRENT
 * snapshot changes, and shutting down.
 */
#include "server/srv.h"

#include "core/fs.h"
#include "lang/codelists.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hg_server_defaults(hg_server_opts *o)
{
	if (!o->bind)
		o->bind = "127.0.0.1";
	if (!o->sdc_k)
		o->sdc_k = 7;
	if (!o->idle_timeout)
		o->idle_timeout = 1800;
	if (!o->session_lifetime)
		o->session_lifetime = 8 * 3600;
	if (!o->throttle_account)
		o->throttle_account = 5;
	if (!o->throttle_address)
		o->throttle_address = 20;
	if (!o->throttle_window)
		o->throttle_window = 900;
	if (!o->throttle_lockout)
		o->throttle_lockout = 900;
	if (!o->threads)
		o->threads = 4;
	if (!o->poll_seconds)
		o->poll_seconds = 5;
	if (!o->conn_timeout)
		o->conn_timeout = 15;
	if (!o->request_timeout)
		o->request_timeout = 10;
	if (!o->conn_per_address)
		o->conn_per_address = 64;
	if (!o->rate_limit)
		o->rate_limit = 300;
}

/* --pack may name a .hg file or a directory holding exactly one. */
static int find_pack(const char *path, char *out, size_t cap, hg_err *err)
{
	if (!hg_is_dir(path)) {
		snprintf(out, cap, "%s", path);
		return 0;
	}
	DIR *d = opendir(path);
	if (!d)
		return hg_err_set(err, HG_EIO, "cannot read %s", path);
	int found = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 3 && !strcmp(e->d_name + n - 3, ".hg")) {
			snprintf(out, cap, "%s/%s", path, e->d_name);
			found++;
		}
	}
	closedir(d);
	if (found != 1)
		return hg_err_set(err, HG_EUSAGE, "%s: expected one .hg pack file, found %d", path,
		                  found);
	return 0;
}

static int server_tls(hg_srv *s, hg_err *err)
{
	if (!s->o.tls_cert && !s->o.tls_key)
		return 0;
	if (!s->o.tls_cert || !s->o.tls_key)
		return hg_err_set(err, HG_EUSAGE, "--tls-cert and --tls-key go together");
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return hg_err_set(err, HG_EUSAGE, "this libmicrohttpd was built without TLS");
	size_t n;
	s->cert_pem = hg_read_file(s->o.tls_cert, &n, err);
	if (!s->cert_pem)
		return -1;
	s->key_pem = hg_read_file(s->o.tls_key, &n, err);
	if (!s->key_pem)
		return -1;
	s->tls = 1;
	return 0;
}

int hg_server_start(hg_srv **out, const hg_server_opts *o, hg_err *err)
{
	hg_srv *s = hg_xcalloc(1, sizeof *s);
	s->o = *o;
	hg_server_defaults(&s->o);
	pthread_rwlock_init(&s->lock, NULL);
	s->scfg = (hg_session_cfg){s->o.idle_timeout, s->o.session_lifetime};
	s->tcfg = (hg_throttle_cfg){s->o.throttle_account, s->o.throttle_address,
	                            s->o.throttle_window, s->o.throttle_lockout};
	*out = s;
	if (s->o.sdc_k != 5 && s->o.sdc_k != 7 && s->o.sdc_k != 10)
		return hg_err_set(err, HG_EUSAGE, "disclosure control must be k5, k7 or k10");
	if (server_tls(s, err) || find_pack(o->pack, s->pack_path, sizeof s->pack_path, err))
		return -1;
	if (hg_pack_load_opts(&s->pk, s->pack_path, o->pack_opts, err))
		return -1;
	if (hg_objectives_load_default(&s->obj, o->objectives, o->pack, err))
		return -1;
	if (hg_db_open(&s->db, o->data_dir, err))
		return -1;
	if (hg_results_load(&s->res, s->pk, o->store, s->o.sdc_k, s->o.engine_threads, &s->obj,
	                    s->o.area_name, s->o.population, err))
		return -1;
	if (hg_http_start(s, err))
		return -1;
	hg_err e2 = {0};
	char detail[256];
	snprintf(detail, sizeof detail, "snapshot=%s sdc=k%d port=%d", s->res->snapshot, s->o.sdc_k,
	         s->port);
	if (hg_audit_append(&s->db, "", "", "server_start", detail, &e2))
		return hg_err_set(err, HG_EIO, "cannot write the audit log: %s", e2.msg);
	return 0;
}

int hg_server_port(const hg_srv *s)
{
	return s->port;
}

int hg_server_poll(hg_srv *s, hg_err *err)
{
	hg_session_sweep(&s->db, &s->scfg);
	char path[HG_PATH_MAX];
	if (hg_store_resolve(s->o.store, path, sizeof path, err))
		return -1;
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (!strcmp(name, s->res->snapshot) || !strcmp(name, s->refused))
		return 0;
	/* A new snapshot is verified before it is adopted: every checksum, then
	 * open's range checks; the results are computed from that snapshot (not
	 * CURRENT again, which may have moved on). One that fails is never
	 * loaded: the old results stay, and it is not tried again until CURRENT
	 * names another. */
	hg_results *nr = NULL;
	if (hg_store_verify(path, NULL, NULL, err) ||
	    hg_results_load(&nr, s->pk, path, s->o.sdc_k, s->o.engine_threads, &s->obj,
	                    s->o.area_name, s->o.population, err)) {
		snprintf(s->refused, sizeof s->refused, "%s", name);
		char detail[128];
		snprintf(detail, sizeof detail, "snapshot=%s kept=%s", name, s->res->snapshot);
		hg_err e2 = {0};
		hg_audit_append(&s->db, "", "", "snapshot_refused", detail, &e2);
		return -1;
	}
	pthread_rwlock_wrlock(&s->lock);
	hg_results *old = s->res;
	s->res = nr;
	pthread_rwlock_unlock(&s->lock);
	hg_results_free(old);
	char detail[128];
	snprintf(detail, sizeof detail, "snapshot=%s", nr->snapshot);
	hg_err e2 = {0};
	hg_audit_append(&s->db, "", "", "results_recomputed", detail, &e2);
	return 1;
}

void hg_server_stop(hg_srv *s)
{
	if (!s)
		return;
	hg_http_stop(s);
	if (s->db.sql) {
		hg_err e2 = {0};
		hg_audit_append(&s->db, "", "", "server_stop", "", &e2);
	}
	hg_results_free(s->res);
	hg_db_close(&s->db);
	hg_pack_free(s->pk);
	hg_objectives_free(&s->obj);
	free(s->cert_pem);
	free(s->key_pem);
	pthread_rwlock_destroy(&s->lock);
	free(s);
}
