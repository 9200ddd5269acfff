/*
 * cmd_user.c: `healthgap user add|remove|list|passwd --data-dir DIR`:
 * manage the dashboard's users. Passwords are read from a prompt without
 * echo, or from standard input when it is not a terminal (one line). Every
 * change is written to the audit log.
 */
#include "cli.h"

#include "server/audit.h"
#include "server/auth.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char user_usage[] =
    "usage: healthgap user add NAME --role ROLE [--practice CODE --store DIR] --data-dir DIR\n"
    "       healthgap user passwd NAME --data-dir DIR\n"
    "       healthgap user remove NAME --data-dir DIR\n"
    "       healthgap user list --data-dir DIR\n"
    "  ROLE is viewer, analyst, practice (needs --practice ODS code and --store, the data\n"
    "  store the code is checked against) or admin.\n"
    "  The password is asked for without echo, or read as one line from standard input\n"
    "  when it is not a terminal; it needs at least 12 characters.\n";

static int read_line(char *buf, size_t cap)
{
	if (!fgets(buf, (int)cap, stdin))
		return -1;
	buf[strcspn(buf, "\r\n")] = 0;
	return 0;
}

/* Read a password (twice on a terminal); returns 0 or prints why not. */
static int read_password(char *pw, size_t cap)
{
	if (!isatty(STDIN_FILENO))
		return read_line(pw, cap);
	struct termios old, quiet;
	tcgetattr(STDIN_FILENO, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	char again[1100];
	fprintf(stderr, "Password: ");
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	int rc = read_line(pw, cap);
	fprintf(stderr, "\nAgain: ");
	if (rc == 0)
		rc = read_line(again, sizeof again);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fprintf(stderr, "\n");
	if (rc == 0 && strcmp(pw, again)) {
		fprintf(stderr, "healthgap user: the passwords differ\n");
		rc = -1;
	}
	memset(again, 0, sizeof again);
	return rc;
}

static void user_print(const hg_user *u, long long created, void *arg)
{
	(void)arg;
	(void)created;
	printf("%-24s %-9s %s\n", u->username, hg_role_name(u->role), u->practice);
}

typedef struct hg_user_opts {
	const char *verb, *name, *data_dir, *practice, *store;
	int role;
} hg_user_opts;

static int user_parse(hg_user_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {{"data-dir", 1, NULL, 'd'}, {"role", 1, NULL, 'r'},
	                                     {"practice", 1, NULL, 'p'}, {"store", 1, NULL, 's'},
	                                     {"help", 0, NULL, 'h'},     {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof *o);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd')
			o->data_dir = optarg;
		else if (c == 'p')
			o->practice = optarg;
		else if (c == 's')
			o->store = optarg;
		else if (c == 'r' && !(o->role = hg_role_parse(optarg)))
			return hg_cli_usage("user", user_usage, "unknown role '%s'", optarg);
		else if (c == 'h') {
			fputs(user_usage, stdout);
			return -1;
		} else if (c != 'r')
			return hg_cli_usage("user", user_usage, "unknown option");
	}
	if (optind < argc)
		o->verb = argv[optind++];
	if (optind < argc)
		o->name = argv[optind++];
	if (!o->verb || !o->data_dir)
		return hg_cli_usage("user", user_usage, "give a command and --data-dir");
	if (strcmp(o->verb, "list") && !o->name)
		return hg_cli_usage("user", user_usage, "give the user name");
	if (!strcmp(o->verb, "add") && !o->role)
		return hg_cli_usage("user", user_usage, "give --role");
	if (!strcmp(o->verb, "add") && o->role == HG_ROLE_PRACTICE && (!o->practice || !o->store))
		return hg_cli_usage(
		    "user", user_usage,
		    "a practice user needs --practice CODE and --store DIR (the data "
		    "the practice code is checked against)");
	return 0;
}

/* A practice user's code must name a practice of the store: a mistyped code would give a
 * user who sees nothing, or another practice's patients' figures if it were a real one. */
static int user_check_practice(const hg_user_opts *o, hg_err *err)
{
	hg_store st;
	if (hg_store_open(&st, o->store, err))
		return -1;
	int rc = 0;
	if (hg_store_practice_find(&st, o->practice) < 0) {
		char some[200] = "";
		for (uint32_t i = 0; i < st.practices.n && i < 5; i++)
			snprintf(some + strlen(some), sizeof some - strlen(some), "%s%s",
			         i ? ", " : "", hg_strtab_get(&st.practices, i));
		rc = hg_err_set(err, HG_EUSAGE,
		                "practice '%s' is not in the store %s (its %u practices include "
		                "%s%s); give the ODS code of a practice in the data",
		                o->practice, o->store, st.practices.n, some[0] ? some : "none",
		                st.practices.n > 5 ? ", ..." : "");
	}
	hg_store_close(&st);
	return rc;
}

static int user_run(hg_db *db, const hg_user_opts *o, hg_err *err)
{
	char pw[1100] = "", detail[160];
	int rc;
	if (!strcmp(o->verb, "list"))
		return hg_user_each(db, user_print, NULL, err);
	if (!strcmp(o->verb, "remove")) {
		rc = hg_user_remove(db, o->name, err);
		snprintf(detail, sizeof detail, "user=%s", o->name);
	} else if (!strcmp(o->verb, "add") || !strcmp(o->verb, "passwd")) {
		if (!strcmp(o->verb, "add") && o->role == HG_ROLE_PRACTICE &&
		    user_check_practice(o, err))
			return err->code;
		if (read_password(pw, sizeof pw))
			return hg_err_set(err, HG_EUSAGE, "no password given");
		rc = !strcmp(o->verb, "add")
		         ? hg_user_add(db, o->name, o->role, o->practice, pw, err)
		         : hg_user_passwd(db, o->name, pw, err);
		memset(pw, 0, sizeof pw);
		if (o->role)
			snprintf(detail, sizeof detail, "user=%s role=%s%s%s", o->name,
			         hg_role_name(o->role), o->practice ? " practice=" : "",
			         o->practice ? o->practice : "");
		else
			snprintf(detail, sizeof detail, "user=%s", o->name);
	} else {
		return hg_err_set(err, HG_EUSAGE,
		                  "unknown command '%s' (add, remove, list, passwd)", o->verb);
	}
	if (rc)
		return rc;
	char action[32];
	snprintf(action, sizeof action, "user_%s", o->verb);
	return hg_audit_append(db, "cli", "local", action, detail, err);
}

int hg_cmd_user(int argc, char **argv)
{
	hg_user_opts o;
	int rc = user_parse(&o, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	hg_db db;
	hg_err err = {0};
	if (hg_db_open(&db, o.data_dir, &err))
		return hg_cli_fail("user", &err);
	rc = user_run(&db, &o, &err);
	hg_db_close(&db);
	if (rc)
		return err.code == HG_EUSAGE ? (fprintf(stderr, "healthgap user: %s\n", err.msg), 2)
		                             : hg_cli_fail("user", &err);
	if (strcmp(o.verb, "list"))
		printf("healthgap user: %s %s: done\n", o.verb, o.name);
	return 0;
}
