/*
 * cmd_worklist.c: `healthgap worklist PACK --store DIR --practice CODE --data-dir DIR
 * --out FILE.csv|FILE.xlsx [--list ID] [--as-at DATE]`: the people of one practice on
 * the pack's worklists (docs/language.md "Worklists"), for that practice's own direct
 * care. Person-level, so: one practice at a time (there is no "every practice"), the
 * pseudonyms only (re-identification is the key holder's step, `healthgap
 * reidentify`), and every run written to the dashboard's audit log (data dir) with
 * who, which worklists, which practice and how many rows, before the file is written.
 * The output is written atomically (a temporary name, then renamed), mode 0640.
 */
#include "cli.h"

#include "core/csv.h"
#include "core/date.h"
#include "core/fs.h"
#include "engine/engine.h"
#include "engine/wlout.h"
#include "engine/worklist.h"
#include "lang/lang.h"
#include "lang/program.h"
#include "server/audit.h"
#include "store/store.h"

#include <getopt.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char wl_usage[] =
    "usage: healthgap worklist PACK --store DIR --practice CODE --data-dir DIR --out FILE\n"
    "  --store DIR        the store to read (its current snapshot)\n"
    "  --practice CODE    the practice whose own patients are listed (required)\n"
    "  --data-dir DIR     the dashboard's data directory: every run is written to its\n"
    "                     audit log (who, which worklists, practice, rows)\n"
    "  --out FILE         FILE.csv (one table) or FILE.xlsx (a sheet per worklist and a\n"
    "                     summary of the people per priority group)\n"
    "  --list ID          only this worklist (repeatable; default: every worklist)\n"
    "  --as-at DATE       the date the lists are drawn up at (default: the date of the\n"
    "                     store's latest event, the end of its data)\n";

typedef struct wl_opts {
	const char *pack, *store, *practice, *data_dir, *out;
	const char *lists[64];
	int nlists;
	hg_date as_at;
} wl_opts;

static int wl_parse(wl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {{"store", 1, 0, 's'},    {"practice", 1, 0, 'p'},
	                                   {"data-dir", 1, 0, 'd'}, {"out", 1, 0, 'o'},
	                                   {"list", 1, 0, 'l'},     {"as-at", 1, 0, 'a'},
	                                   {"help", 0, 0, 'h'},     {0, 0, 0, 0}};
	memset(o, 0, sizeof *o);
	o->as_at = HG_DATE_NONE;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o->store = optarg;
			break;
		case 'p':
			o->practice = optarg;
			break;
		case 'd':
			o->data_dir = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'l':
			if (o->nlists == 64) {
				fprintf(stderr, "healthgap worklist: at most 64 --list options\n");
				return 2;
			}
			o->lists[o->nlists++] = optarg;
			break;
		case 'a':
			if (hg_date_parse(optarg, strlen(optarg), 0, &o->as_at, NULL) != 0) {
				fprintf(
				    stderr,
				    "healthgap worklist: --as-at %s: expected a date YYYY-MM-DD\n",
				    optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(wl_usage, stdout);
			return -1;
		default:
			fputs(wl_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || !o->store || !o->practice || !o->data_dir || !o->out) {
		fprintf(stderr,
		        "healthgap worklist: give PACK, --store, --practice, --data-dir and "
		        "--out\n%s",
		        wl_usage);
		return 2;
	}
	o->pack = argv[optind];
	return 0;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !strcasecmp(s + n - m, suf);
}

/* The worklists asked for (indices into the program), or an error naming the unknown id. */
static int wl_pick(const wl_opts *o, const hg_program *pr, int *pick, int *n, hg_err *err)
{
	*n = 0;
	if (pr->nwls == 0)
		return hg_err_set(err, HG_EINPUT,
		                  "%s declares no worklist (docs/language.md "
		                  "\"Worklists\")",
		                  o->pack);
	for (int i = 0; i < pr->nwls; i++) {
		int want = o->nlists == 0;
		for (int k = 0; k < o->nlists; k++)
			want |= !strcmp(o->lists[k], pr->wls[i].wl->id);
		if (want)
			pick[(*n)++] = i;
	}
	for (int k = 0; k < o->nlists; k++) {
		int found = 0;
		for (int i = 0; i < pr->nwls; i++)
			found |= !strcmp(o->lists[k], pr->wls[i].wl->id);
		if (!found)
			return hg_err_set(
			    err, HG_EINPUT, "--list %s: %s has no such worklist (it has %s%s)",
			    o->lists[k], o->pack, pr->wls[0].wl->id, pr->nwls > 1 ? " ..." : "");
	}
	return 0;
}

/* ---- the files (engine/wlout.h: the dashboard's downloads are the same) ---- */

static int write_csv(const char *path, hg_wl_rows *rs, int n, const hg_store *st, hg_err *err)
{
	hg_buf b = {0};
	hg_wl_csv(&b, rs, n, st);
	int rc = hg_write_file_atomic(path, b.p ? b.p : "", b.n, err);
	hg_buf_free(&b);
	return rc;
}

static int write_xlsx(const char *path, hg_wl_rows *rs, int n, const hg_store *st, hg_err *err)
{
	hg_data_status status;
	hg_data_status_from_manifest(st->manifest, NULL, &status);
	char tmp[HG_PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (hg_wl_xlsx(tmp, rs, n, st, &status, err) != 0)
		return -1;
	if (rename(tmp, path) != 0) {
		remove(tmp);
		return hg_err_set(err, HG_EIO, "cannot rename %s to %s", tmp, path);
	}
	return 0;
}

/* ---- audit ---- */

static const char *os_user(void)
{
	const struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

static int wl_audit(const wl_opts *o, hg_wl_rows *rs, int n, hg_err *err)
{
	hg_db db;
	if (hg_db_open_existing(&db, o->data_dir, err) != 0)
		return -1;
	hg_buf d = {0};
	hg_buf_printf(&d, "practice %s as at ", o->practice);
	char day[11];
	hg_buf_printf(&d, "%s:", hg_date_format(rs[0].as_at, day));
	for (int k = 0; k < n; k++)
		hg_buf_printf(&d, " %s %zu rows", rs[k].cw->wl->id, rs[k].n);
	hg_buf_printf(&d, " -> %s", o->out);
	hg_buf_putc(&d, 0);
	char actor[128];
	snprintf(actor, sizeof actor, "cli:%s", os_user());
	int rc = hg_audit_append(&db, actor, "local", "worklist_export", d.p, err);
	hg_buf_free(&d);
	hg_db_close(&db);
	return rc;
}

static int wl_run(const wl_opts *o, hg_err *err)
{
	if (!ends_with(o->out, ".csv") && !ends_with(o->out, ".xlsx"))
		return hg_err_set(err, HG_EINPUT, "--out %s: give a .csv or an .xlsx file", o->out);
	hg_pack *pk = NULL;
	if (hg_pack_load(&pk, o->pack, err) != 0)
		return -1;
	hg_store st;
	if (hg_store_open(&st, o->store, err) != 0) {
		hg_pack_free(pk);
		return -1;
	}
	hg_program *pr = NULL;
	int pick[256], n = 0, rc = hg_compile(pk, &st, &pr, err);
	if (rc == 0)
		rc = wl_pick(o, pr, pick, &n, err);
	hg_date as_at = o->as_at != HG_DATE_NONE ? o->as_at : hg_wl_default_as_at(&st);
	hg_wl_rows *rs = hg_xcalloc((size_t)n + 1, sizeof *rs);
	for (int k = 0; k < n && rc == 0; k++)
		rc = hg_worklist_run(pr, pick[k], o->practice, as_at, &rs[k], err);
	if (rc == 0) /* audited before anything leaves */
		rc = wl_audit(o, rs, n, err);
	if (rc == 0)
		rc = ends_with(o->out, ".csv") ? write_csv(o->out, rs, n, &st, err)
		                               : write_xlsx(o->out, rs, n, &st, err);
	if (rc == 0)
		for (int k = 0; k < n; k++) {
			char day[11];
			fprintf(stderr, "%s: %zu people of practice %s as at %s\n",
			        rs[k].cw->wl->id, rs[k].n, o->practice, hg_date_format(as_at, day));
		}
	for (int k = 0; k < n; k++)
		hg_wl_rows_free(&rs[k]);
	free(rs);
	hg_program_free(pr);
	hg_store_close(&st);
	hg_pack_free(pk);
	return rc;
}

int hg_cmd_worklist(int argc, char **argv)
{
	wl_opts o;
	int rc = wl_parse(&o, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	hg_err err = {0};
	if (wl_run(&o, &err) != 0)
		return hg_cli_fail("worklist", &err);
	return 0;
}
