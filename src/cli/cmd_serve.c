/*
 * cmd_serve.c: `healthgap serve`: the dashboard and JSON API (src/server).
 * Runs until SIGINT or SIGTERM; checks the store's CURRENT snapshot every
 * --poll seconds and recomputes the results when it changes. Takes the
 * pack's codelists from --codelists DIR and --codelist NAME=FILE as `run`.
 */
#include "cli.h"

#include "lang/codelists.h"
#include "report/labels.h"
#include "server/server.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char serve_usage[] =
    "usage: healthgap serve --store DIR --pack DIR --data-dir DIR [OPTIONS]\n"
    "  --store DIR            the store (its current snapshot; reloaded when it changes)\n"
    "  --pack DIR|FILE        the indicator pack (a directory with one .hg file, or the file)\n"
    "  --data-dir DIR         users, sessions and the audit log (created 0700)\n"
    "  --objectives FILE      targets and polarity for the inequality analysis (default:\n"
    "                         objectives.csv beside the pack, if there is one)\n"
    "  --scenarios DIR        the case for acting page (/scenarios): the --out folder of\n"
    "                         healthgap scenario\n"
    "  --area-name NAME       the area's name on every page and download (default: the\n"
    "                         one recorded by ingest --area-name)\n"
    "  --population FILE      ONS mid-year population estimates by LSOA, sex and single\n"
    "                         year of age for the pack's 'denominator: residents' indicators,\n"
    "                         as run --population (read again with each new snapshot)\n"
    "  --port N               TCP port (default 8080; 0 = any free port)\n"
    "  --bind ADDR            address to listen on (default 127.0.0.1)\n"
    "  --tls-cert F --tls-key F   serve HTTPS with this PEM certificate and key\n"
    "  --sdc k7|k5|k10        disclosure control (default k7; it cannot be turned off)\n"
    "  --idle-timeout S       end a session after S idle seconds (default 1800)\n"
    "  --session-lifetime S   end a session S seconds after login (default 28800)\n"
    "  --throttle-account N   failed logins per account before lockout (default 5)\n"
    "  --throttle-address N   failed logins per address before lockout (default 20)\n"
    "  --throttle-window S    window of the failure counts (default 900)\n"
    "  --lockout S            lockout length (default 900)\n"
    "  --threads N            HTTP worker threads (default 4)\n"
    "  --poll S               check the store for a new snapshot every S seconds (default 5)\n"
    "  --conn-timeout S       close a connection idle for S seconds (default 15)\n"
    "  --request-timeout S    close a connection that has not delivered a whole request S\n"
    "                         seconds after opening or after its previous response (default 10)\n"
    "  --conn-per-address N   open connections allowed from one address (default 64; 1-1024)\n"
    "  --rate-limit N         requests a session may make in a minute (default 300)\n"
    "  --codelists DIR        read each codelist file of the pack from DIR when it is there\n"
    "                         (same file name, or an OpenCodelists download *-NAME.csv)\n"
    "  --codelist NAME=FILE   read codelist NAME from FILE instead (repeatable)\n";

static int serve_int(const char *opt, const char *s, int *out)
{
	long v;
	int rc = hg_cli_long("serve", opt, s, &v);
	if (rc == 0 && (v < 0 || v > 100000000))
		return hg_cli_usage("serve", serve_usage, "%s is out of range", opt);
	*out = (int)v;
	return rc;
}

/* An option that must lie in [lo, hi] (0 is not "the default" here: it is refused). */
static int serve_range(const char *opt, const char *s, long lo, long hi, int *out)
{
	long v;
	if (hg_cli_long("serve", opt, s, &v))
		return 2;
	if (v < lo || v > hi)
		return hg_cli_usage("serve", serve_usage, "%s must be %ld to %ld, got %ld", opt, lo,
		                    hi, v);
	*out = (int)v;
	return 0;
}

static int serve_sdc(hg_server_opts *o, const char *s)
{
	if (!strcmp(s, "k5") || !strcmp(s, "k7") || !strcmp(s, "k10")) {
		o->sdc_k = (int)strtol(s + 1, NULL, 10);
		return 0;
	}
	return hg_cli_usage("serve", serve_usage,
	                    "--sdc expects k5, k7 or k10 (the dashboard always applies it)");
}

static int serve_opt(hg_server_opts *o, int c, const char *arg)
{
	switch (c) {
	case 's':
		o->store = arg;
		return 0;
	case 'k':
		o->pack = arg;
		return 0;
	case 'd':
		o->data_dir = arg;
		return 0;
	case 'O':
		o->objectives = arg;
		return 0;
	case 'N': {
		hg_err err = {0};
		if (hg_area_name_check(arg, &err))
			return hg_cli_usage("serve", serve_usage, "%s", err.msg);
		o->area_name = arg;
		return 0;
	}
	case 'b':
		o->bind = arg;
		return 0;
	case 'j':
		o->scenarios_dir = arg;
		return 0;
	case 'E':
		o->population = arg;
		return 0;
	case 'c':
		o->tls_cert = arg;
		return 0;
	case 'K':
		o->tls_key = arg;
		return 0;
	case 'p':
		return serve_int("--port", arg, &o->port);
	case 'z':
		return serve_sdc(o, arg);
	case 'i':
		return serve_int("--idle-timeout", arg, &o->idle_timeout);
	case 'l':
		return serve_int("--session-lifetime", arg, &o->session_lifetime);
	case 'A':
		return serve_int("--throttle-account", arg, &o->throttle_account);
	case 'R':
		return serve_int("--throttle-address", arg, &o->throttle_address);
	case 'W':
		return serve_int("--throttle-window", arg, &o->throttle_window);
	case 'L':
		return serve_int("--lockout", arg, &o->throttle_lockout);
	case 't':
		return serve_int("--threads", arg, &o->threads);
	case 'P':
		return serve_int("--poll", arg, &o->poll_seconds);
	case 'T':
		return serve_int("--conn-timeout", arg, &o->conn_timeout);
	case 'D':
		return serve_range("--request-timeout", arg, 1, 3600, &o->request_timeout);
	case 'M':
		return serve_range("--conn-per-address", arg, 1, 1024, &o->conn_per_address);
	case 'Q':
		return serve_range("--rate-limit", arg, 1, 100000000, &o->rate_limit);
	case 'h':
		fputs(serve_usage, stdout);
		return -1;
	default:
		return hg_cli_usage("serve", serve_usage, "unknown option");
	}
}

/* --codelists DIR and --codelist NAME=FILE, as `run` takes them. */
static int serve_codelists(hg_pack_opts *po, hg_codelist_sub *subs, int c, char *arg)
{
	if (c == 'C') {
		po->codelist_dir = arg;
		return 0;
	}
	char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		return hg_cli_usage("serve", serve_usage,
		                    "--codelist expects NAME=FILE (e.g. hyp=hyp_cod.csv), got '%s'",
		                    arg);
	*eq = 0;
	subs[po->nsubs++] = (hg_codelist_sub){arg, eq + 1};
	po->subs = subs;
	return 0;
}

static int serve_parse(hg_server_opts *o, hg_pack_opts *po, hg_codelist_sub *subs, int *port_set,
                       int argc, char **argv)
{
	static const struct option opts[] = {{"store", 1, NULL, 's'},
	                                     {"pack", 1, NULL, 'k'},
	                                     {"data-dir", 1, NULL, 'd'},
	                                     {"objectives", 1, NULL, 'O'},
	                                     {"area-name", 1, NULL, 'N'},
	                                     {"scenarios", 1, NULL, 'j'},
	                                     {"population", 1, NULL, 'E'},
	                                     {"port", 1, NULL, 'p'},
	                                     {"bind", 1, NULL, 'b'},
	                                     {"tls-cert", 1, NULL, 'c'},
	                                     {"tls-key", 1, NULL, 'K'},
	                                     {"sdc", 1, NULL, 'z'},
	                                     {"idle-timeout", 1, NULL, 'i'},
	                                     {"session-lifetime", 1, NULL, 'l'},
	                                     {"throttle-account", 1, NULL, 'A'},
	                                     {"throttle-address", 1, NULL, 'R'},
	                                     {"throttle-window", 1, NULL, 'W'},
	                                     {"lockout", 1, NULL, 'L'},
	                                     {"threads", 1, NULL, 't'},
	                                     {"poll", 1, NULL, 'P'},
	                                     {"conn-timeout", 1, NULL, 'T'},
	                                     {"request-timeout", 1, NULL, 'D'},
	                                     {"conn-per-address", 1, NULL, 'M'},
	                                     {"rate-limit", 1, NULL, 'Q'},
	                                     {"codelists", 1, NULL, 'C'},
	                                     {"codelist", 1, NULL, 'X'},
	                                     {"help", 0, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof *o);
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'p')
			*port_set = 1;
		if (c == 'C' || c == 'X')
			rc = serve_codelists(po, subs, c, optarg);
		else
			rc = serve_opt(o, c, optarg);
		if (rc != 0)
			return rc;
	}
	if (optind < argc)
		return hg_cli_usage("serve", serve_usage, "unexpected argument '%s'", argv[optind]);
	if (!o->store || !o->pack || !o->data_dir)
		return hg_cli_usage("serve", serve_usage,
		                    "--store, --pack and --data-dir are required");
	o->pack_opts = po;
	return 0;
}

/* Wait for SIGINT/SIGTERM, polling the store between waits. */
static void serve_loop(hg_srv *s, const sigset_t *set, int poll)
{
	struct timespec ts = {poll, 0};
	for (;;) {
		int sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			return;
		hg_err err = {0};
		int rc = hg_server_poll(s, &err);
		if (rc > 0)
			fprintf(stderr, "healthgap serve: the store changed; results recomputed\n");
		else if (rc < 0)
			fprintf(stderr, "healthgap serve: keeping the previous results: %s\n",
			        err.msg);
	}
}

int hg_cmd_serve(int argc, char **argv)
{
	hg_server_opts o;
	hg_pack_opts po = {0};
	hg_codelist_sub *subs = hg_xcalloc((size_t)argc + 1, sizeof *subs);
	int port_set = 0;
	int rc = serve_parse(&o, &po, subs, &port_set, argc, argv);
	if (rc) {
		free(subs);
		return rc < 0 ? 0 : rc;
	}
	if (!port_set)
		o.port = 8080;
	hg_server_defaults(&o);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any thread starts */
	signal(SIGPIPE, SIG_IGN);
	hg_srv *s = NULL;
	hg_err err = {0};
	if (hg_server_start(&s, &o, &err)) {
		hg_server_stop(s);
		free(subs);
		return hg_cli_fail("serve", &err);
	}
	printf("healthgap serve: listening on %s://%s:%d/ (disclosure control k%d)\n",
	       o.tls_cert ? "https" : "http", o.bind, hg_server_port(s), o.sdc_k);
	fflush(stdout);
	serve_loop(s, &set, o.poll_seconds);
	fprintf(stderr, "healthgap serve: stopping\n");
	hg_server_stop(s);
	free(subs);
	return 0;
}
