/*
 * cmd_report.c: `healthgap report --results DIR [--objectives FILE]
 * --out report.html [--pdf] [--title TEXT]`: the board report (report/board.h)
 * as one self-contained HTML file, and with --pdf a PDF beside it printed by
 * headless chromium (/usr/bin/chromium, or $HG_CHROMIUM) when installed.
 */
#include "cli.h"

#include "core/fs.h"
#include "core/str.h"
#include "analysis/analysis.h"
#include "report/board.h"
#include "report/labels.h"

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char report_usage[] =
    "usage: healthgap report --results DIR --out report.html [OPTIONS]\n"
    "  --results DIR      a results directory written by `healthgap run` (JSON outputs)\n"
    "  --objectives FILE  targets, gap-reduction targets and polarity per indicator\n"
    "  --out FILE         the HTML report to write\n"
    "  --pdf              also print it to FILE with .pdf through headless chromium\n"
    "  --title TEXT       the report title\n"
    "  --area-name NAME   the area's name in the marking of every page (default: the\n"
    "                     run's, from the store or run --area-name)\n"
    "  --scenarios DIR    add \"the case for acting\" page from `healthgap scenario --out DIR`\n";

typedef struct hg_report_opts {
	const char *results, *objectives, *out, *title, *area_name, *scenarios;
	int pdf;
} hg_report_opts;

static int report_parse(hg_report_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {{"results", required_argument, NULL, 'r'},
	                                     {"objectives", required_argument, NULL, 'O'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"pdf", no_argument, NULL, 'p'},
	                                     {"title", required_argument, NULL, 't'},
	                                     {"area-name", required_argument, NULL, 'a'},
	                                     {"scenarios", required_argument, NULL, 's'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof *o);
	int c;
	optind = 1;
	opterr = 0; /* hg_cli_bad_option says what is wrong */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->results = optarg;
			break;
		case 'O':
			o->objectives = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'p':
			o->pdf = 1;
			break;
		case 't':
			o->title = optarg;
			break;
		case 's':
			o->scenarios = optarg;
			break;
		case 'a': {
			hg_err err = {0};
			if (hg_area_name_check(optarg, &err))
				return hg_cli_usage("report", report_usage, "%s", err.msg);
			o->area_name = optarg;
			break;
		}
		case 'h':
			fputs(report_usage, stdout);
			return -1;
		default:
			return hg_cli_bad_option("report", report_usage, opts, argc, argv);
		}
	}
	if (!o->results || !o->out)
		return hg_cli_usage("report", report_usage, "--results and --out are required");
	return 0;
}

static const char *hg_chromium(void)
{
	const char *env = getenv("HG_CHROMIUM");
	if (env && *env)
		return env;
	return access("/usr/bin/chromium", X_OK) == 0 ? "/usr/bin/chromium" : NULL;
}

/* Print html (a path) to pdf with headless chromium; no shell is involved. */
static int report_pdf(const char *html, const char *pdf, hg_err *err)
{
	const char *exe = hg_chromium();
	if (!exe)
		return hg_err_set(err, HG_EUSAGE,
		                  "--pdf needs chromium (install it with scripts/install-deps.sh "
		                  "--browser)");
	char abs[PATH_MAX], url[PATH_MAX + 16], arg[PATH_MAX + 32];
	if (!realpath(html, abs))
		return hg_err_set(err, HG_EIO, "cannot resolve %s", html);
	snprintf(url, sizeof url, "file://%s", abs);
	snprintf(arg, sizeof arg, "--print-to-pdf=%s", pdf);
	pid_t pid = fork();
	if (pid < 0)
		return hg_err_set(err, HG_EIO, "cannot start chromium");
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(exe, exe, "--headless", "--no-sandbox", "--disable-gpu",
		      "--disable-background-networking", "--no-pdf-header-footer", arg, url,
		      (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    !hg_path_exists(pdf))
		return hg_err_set(err, HG_EIO, "chromium did not print %s", pdf);
	if (chmod(pdf, 0640) != 0) /* as every output; chromium leaves the umask's 0644 */
		return hg_err_set(err, HG_EIO, "cannot set the mode of %s to 0640", pdf);
	return 0;
}

static int report_write(const hg_report_opts *o, const hg_objectives *obj, hg_err *err)
{
	hg_board_opts bo = {.results_dir = o->results,
	                    .obj = obj,
	                    .title = o->title,
	                    .area_name = o->area_name,
	                    .scenarios_dir = o->scenarios};
	hg_buf html = {0};
	int rc = hg_board_render(&bo, &html, err);
	if (rc == 0)
		rc = hg_write_file_atomic(o->out, html.p, html.n, err);
	if (rc == 0)
		fprintf(stderr, "healthgap report: %s (%zu KB)\n", o->out, html.n / 1024);
	hg_buf_free(&html);
	if (rc == 0 && o->pdf) {
		char pdf[PATH_MAX];
		size_t n = strlen(o->out);
		int html_ext = n > 5 && !strcmp(o->out + n - 5, ".html");
		snprintf(pdf, sizeof pdf, "%.*s.pdf", (int)(html_ext ? n - 5 : n), o->out);
		rc = report_pdf(o->out, pdf, err);
		if (rc == 0)
			fprintf(stderr, "healthgap report: %s\n", pdf);
	}
	return rc;
}

int hg_cmd_report(int argc, char **argv)
{
	hg_report_opts o;
	int rc = report_parse(&o, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	hg_err err = {0};
	hg_objectives obj = {0};
	if (o.objectives && hg_objectives_load(&obj, o.objectives, &err) != 0)
		return hg_cli_fail("report", &err);
	rc = report_write(&o, o.objectives ? &obj : NULL, &err);
	hg_objectives_free(&obj);
	return rc ? hg_cli_fail("report", &err) : 0;
}
