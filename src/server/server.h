/*
 * server.h: `healthgap serve`, the dashboard and JSON API (docs/api.md,
 * docs/security.md). All of the server's state lives in an hg_srv created
 * by hg_server_start and ended by hg_server_stop; nothing is global.
 */
#ifndef HG_SERVER_H
#define HG_SERVER_H

#include "core/error.h"

typedef struct hg_server_opts {
	const char *store, *pack, *data_dir;
	const char *objectives; /* NULL: objectives.csv beside the pack, if any */
	const char *area_name;  /* NULL: the name ingest recorded in the store, if any */
	const char
	    *population;  /* ONS estimates for `denominator: residents` (--population), or NULL */
	const char *bind; /* IPv4 or IPv6 literal; default 127.0.0.1 */
	int port;         /* 0 = any free port (see hg_server_port) */
	const char *tls_cert, *tls_key;
	int sdc_k;                          /* 5, 7 or 10; never 0 */
	int idle_timeout, session_lifetime; /* seconds (default 1800, 28800) */
	int throttle_account, throttle_address, throttle_window, throttle_lockout;
	int threads;          /* HTTP worker threads (default 4) */
	int engine_threads;   /* 0 = all cores */
	int poll_seconds;     /* how often the store's CURRENT is checked (default 5) */
	int conn_timeout;     /* seconds a connection may stay idle (default 15) */
	int request_timeout;  /* seconds a connection has to deliver a whole request, from its
	                         opening or its previous response (default 10) */
	int conn_per_address; /* open connections allowed from one address (default 64) */
	int rate_limit;       /* requests a session may make in a minute (default 300) */
	/* where the pack's codelists come from (--codelists, --codelist), or NULL */
	const struct hg_pack_opts *pack_opts;
	const char *scenarios_dir; /* `healthgap scenario --out` for /scenarios, or NULL */
} hg_server_opts;

typedef struct hg_srv hg_srv;

/* Fill defaults for unset (zero/NULL) options. */
void hg_server_defaults(hg_server_opts *o);
/* Load the pack, compute the results, open the database and start listening. */
int hg_server_start(hg_srv **out, const hg_server_opts *o, hg_err *err);
/* The port actually bound. */
int hg_server_port(const hg_srv *s);
/* Recompute the results if the store's current snapshot changed: 1 reloaded, 0 no change,
 * -1 failed (the previous results stay in service). Also sweeps expired sessions. */
int hg_server_poll(hg_srv *s, hg_err *err);
void hg_server_stop(hg_srv *s);

#endif
