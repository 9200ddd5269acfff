/*
 * cmd_reidentify.c: `healthgap reidentify --secret-key FILE --data-dir DIR WORKLIST.csv
 * --out FILE.csv`, run by a practice's key holder on the practice's own machine: opens
 * each row's re-identification token (store/reid.h) with the practice's secret key and
 * writes the worklist with an "NHS number" column after the pseudonym. Every row must
 * belong to the key's practice and its token must open with that key, or nothing is
 * written (a worklist of another practice, or an altered token, is refused whole).
 * The run is written to the audit log in DIR (the practice's own log: created on first
 * use) with who, which file, the practice and how many rows, before the file is
 * written; the output is mode 0600. No NHS number is ever printed.
 */
#include "cli.h"

#include "core/csv.h"
#include "core/fs.h"
#include "server/audit.h"
#include "store/reid.h"

#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char reid_usage[] =
    "usage: healthgap reidentify --secret-key FILE --data-dir DIR WORKLIST.csv --out FILE.csv\n"
    "  --secret-key FILE  the practice's key (PRACTICE.key from 'healthgap keygen --reid')\n"
    "  --data-dir DIR     the practice's audit log (made on first use)\n"
    "  --out FILE.csv     the worklist with NHS numbers added (mode 0600)\n";

typedef struct reid_opts {
	const char *key, *data_dir, *in, *out;
} reid_opts;

/* The columns the rows need. */
typedef struct reid_cols {
	int token, practice, person;
} reid_cols;

static int find_col(const hg_csv *c, const char *name)
{
	for (size_t i = 0; i < c->nfields; i++) {
		hg_sv s = hg_csv_field(c, (int)i);
		if (s.n == strlen(name) && !memcmp(s.p, name, s.n))
			return (int)i;
	}
	return -1;
}

/* One output row: the input's fields with the NHS number after the pseudonym. */
static void put_row(hg_buf *b, const hg_csv *c, int after, const char *nhs)
{
	for (size_t i = 0; i < c->nfields; i++) {
		if (i)
			hg_buf_putc(b, ',');
		hg_sv s = hg_csv_field(c, (int)i);
		hg_csv_put_field(b, s.p, s.n);
		if ((int)i == after) {
			hg_buf_putc(b, ',');
			hg_csv_put_field(b, nhs, strlen(nhs));
		}
	}
	hg_buf_putc(b, '\n');
}

/* Open every row's token; the rows, or an error naming the first row that fails. */
static int reid_rows(const reid_opts *o, const hg_reid_secret *key, hg_csv *c, hg_buf *out,
                     size_t *rows, size_t *none, hg_err *err)
{
	if (!hg_csv_next(c))
		return hg_err_set(err, HG_EINPUT, "%s: empty file (no header row)", o->in);
	reid_cols k = {find_col(c, "Re-identification token"), find_col(c, "Practice"),
	               find_col(c, "Patient (pseudonym)")};
	if (k.token < 0 || k.practice < 0)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: not a worklist from 'healthgap worklist' (no 'Practice' and "
		                  "'Re-identification token' columns)",
		                  o->in);
	int after = k.person >= 0 ? k.person : 0;
	put_row(out, c, after, "NHS number");
	while (hg_csv_next(c)) {
		hg_sv prac = hg_csv_field(c, k.practice), tok = hg_csv_field(c, k.token);
		if (prac.n != strlen(key->practice) || memcmp(prac.p, key->practice, prac.n))
			return hg_err_set(
			    err, HG_EINPUT,
			    "%s:%llu: a patient of practice %.*s: this key re-identifies "
			    "practice %s's patients only; nothing was written",
			    o->in, (unsigned long long)c->line, (int)prac.n, prac.p, key->practice);
		char digits[11] = "";
		unsigned char box[HG_REID_BYTES];
		if (tok.n && (hg_reid_untoken(tok.p, tok.n, box) || hg_reid_open(key, box, digits)))
			return hg_err_set(err, HG_EINPUT,
			                  "%s:%llu: the re-identification token does not open with "
			                  "practice %s's key (altered, or sealed to another key); "
			                  "nothing was written",
			                  o->in, (unsigned long long)c->line, key->practice);
		*none += tok.n == 0;
		put_row(out, c, after, digits);
		sodium_memzero(digits, sizeof digits);
		(*rows)++;
	}
	return 0;
}

static int reid_audit(const reid_opts *o, const hg_reid_secret *key, size_t rows, size_t none,
                      hg_err *err)
{
	hg_db db;
	if (hg_db_open(&db, o->data_dir, err) != 0)
		return -1;
	const struct passwd *pw = getpwuid(getuid());
	char actor[128], detail[HG_PATH_MAX * 2 + 200];
	snprintf(actor, sizeof actor, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
	snprintf(detail, sizeof detail,
	         "practice %s: %zu rows (%zu without a sealed number) from %s -> %s", key->practice,
	         rows, none, o->in, o->out);
	int rc = hg_audit_append(&db, actor, "local", "reidentify", detail, err);
	hg_db_close(&db);
	return rc;
}

static int reid_run(const reid_opts *o, hg_err *err)
{
	hg_reid_secret key;
	if (hg_reid_secret_load(&key, o->key, err) != 0)
		return -1;
	hg_csv c = {0};
	hg_buf out = {0};
	size_t rows = 0, none = 0;
	int rc = hg_csv_open(&c, o->in, err);
	if (rc == 0)
		rc = reid_rows(o, &key, &c, &out, &rows, &none, err);
	hg_csv_close(&c);
	if (rc == 0) /* audited before anything is written */
		rc = reid_audit(o, &key, rows, none, err);
	if (rc == 0)
		rc = hg_write_file_atomic(o->out, out.p ? out.p : "", out.n, err);
	if (rc == 0 && chmod(o->out, 0600) != 0)
		rc = hg_err_set(err, HG_EIO, "cannot make %s readable by its owner only", o->out);
	if (out.p)
		sodium_memzero(out.p, out.n);
	hg_buf_free(&out);
	if (rc == 0)
		fprintf(
		    stderr,
		    "healthgap reidentify: %zu rows of practice %s%s%zu without a sealed number "
		    "(their practice had no key when the data were ingested)\n",
		    rows, key.practice, none ? "; " : "", none);
	sodium_memzero(&key, sizeof key);
	return rc;
}

int hg_cmd_reidentify(int argc, char **argv)
{
	reid_opts o = {0};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--secret-key") && i + 1 < argc)
			o.key = argv[++i];
		else if (!strcmp(argv[i], "--data-dir") && i + 1 < argc)
			o.data_dir = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			o.out = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(reid_usage, stdout);
			return 0;
		} else if (argv[i][0] != '-' && !o.in)
			o.in = argv[i];
		else
			return hg_cli_usage("reidentify", reid_usage, "unexpected argument '%s'",
			                    argv[i]);
	}
	if (!o.key || !o.data_dir || !o.in || !o.out)
		return hg_cli_usage("reidentify", reid_usage,
		                    "give --secret-key, --data-dir, the worklist and --out");
	hg_err err = {0};
	if (reid_run(&o, &err) != 0)
		return hg_cli_fail("reidentify", &err);
	return 0;
}
