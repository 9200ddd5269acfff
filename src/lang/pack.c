/*
 * pack.c: a pack's life cycle: read a file (a pack directory means its one
 * .hg file) or text, run the parser and the checker (with codelists from
 * --codelists DIR or --codelist NAME=FILE when given), expose the indicators,
 * hash the definition for provenance, replace its periods (--period-end), and
 * free everything. Calls run one way: pack.c -> check.c -> codelist.c,
 * periods.c.
 */
#include "lang/ast.h"
#include "lang/codelists.h"

#include "core/fs.h"
#include "core/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void hg_pack_free(hg_pack *pk)
{
	if (!pk)
		return;
	for (int i = 0; i < pk->nsets; i++)
		if (pk->sets[i].codes.slots)
			hg_dict_free(&pk->sets[i].codes);
	free(pk->sets);
	free(pk->lets);
	free(pk->inds);
	free(pk->wls);
	free(pk->text);
	hg_arena_free(&pk->arena);
	free(pk);
}

static void pack_compute_hash(hg_pack *pk)
{
	hg_buf b = {0};
	hg_buf_put(&b, pk->text, pk->src.len);
	for (int i = 0; i < pk->nsets; i++)
		if (pk->sets[i].codes.slots)
			hg_buf_puts(&b, pk->sets[i].hash);
	hg_hash_hex(b.p, b.n, pk->hash);
	hg_buf_free(&b);
}

/* ---- where codelists come from: --codelists DIR, --codelist NAME=FILE ---- */

/* Does name end with "-" + base (an OpenCodelists download, "<owner>-<id>.csv")? */
/* Every --codelist NAME must be a codelist of the pack, named once. */
static int check_subs(const hg_pack *pk, hg_err *err)
{
	const hg_pack_opts *o = pk->opts;
	for (int i = 0; o && i < o->nsubs; i++) {
		const char *name = o->subs[i].name;
		for (int j = 0; j < i; j++)
			if (!strcmp(o->subs[j].name, name))
				return hg_err_set(err, HG_EUSAGE, "--codelist %s is given twice",
				                  name);
		hg_suggest sg;
		hg_suggest_init(&sg, name);
		int found = 0;
		for (int k = 0; k < pk->nsets; k++)
			if (pk->sets[k].name) {
				found |= !strcmp(pk->sets[k].name, name);
				hg_suggest_add(&sg, pk->sets[k].name);
			}
		if (!found)
			return hg_err_set(
			    err, HG_EUSAGE, "--codelist %s=%s: the pack has no codelist '%s'%s%s%s",
			    name, o->subs[i].file, name, sg.best ? " (did you mean '" : "",
			    sg.best ? sg.best : "", sg.best ? "'?)" : "");
	}
	return 0;
}

/* --codelists DIR that replaces nothing is a mistake, not a silent no-op. */
static int check_codelist_dir(const hg_pack *pk, hg_err *err)
{
	if (!pk->opts || !pk->opts->codelist_dir)
		return 0;
	for (int i = 0; i < pk->nsets; i++)
		if (pk->sets[i].replaced == 1)
			return 0;
	return hg_err_set(err, HG_EINPUT,
	                  "--codelists %s: none of the pack's codelist files is in that "
	                  "directory (looked for each file's name, and for downloads ending "
	                  "-NAME.csv)",
	                  pk->opts->codelist_dir);
}

/* ---- include "PATH": another pack file's declarations, in place of the line ---- */

#define HG_INCLUDE_DEPTH 16

typedef struct inc_ctx {
	hg_pack *pk;
	hg_buf out;
	hg_src_part *parts;
	int nparts, cap;
	int line;   /* the next line of out */
	int nfiles; /* files so far */
} inc_ctx;

/* The path of an `include "PATH"` line (only white space or a comment after it), or
 * 0 when the line is something else. */
static int include_path(const char *p, const char *e, char *path, size_t cap)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (e - p < 9 || strncmp(p, "include", 7) || (p[7] != ' ' && p[7] != '\t'))
		return 0;
	p += 7;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	const char *q = p < e && *p == '"' ? memchr(p + 1, '"', (size_t)(e - p - 1)) : NULL;
	if (!q || (size_t)(q - p - 1) >= cap)
		return 0;
	for (const char *r = q + 1; r < e && *r != '#'; r++)
		if (*r != ' ' && *r != '\t' && *r != '\r')
			return 0;
	memcpy(path, p + 1, (size_t)(q - p - 1));
	path[q - p - 1] = 0;
	return 1;
}

static void part_close(inc_ctx *c, int first, int local, const char *name, const char *dir,
                       int file, int parent)
{
	if (c->line == first)
		return;
	if (c->nparts == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->parts = hg_xrealloc(c->parts, sizeof *c->parts * (size_t)c->cap);
	}
	c->parts[c->nparts++] =
	    (hg_src_part){first, c->line - first, local, file, parent, name, dir};
}

static int expand(inc_ctx *c, const char *name, const char *text, const char *dir, int depth,
                  int parent, hg_err *err);

/* Expand the file of `include "path"` (line `line` of file `name`, in directory base). */
static int expand_file(inc_ctx *c, const char *name, int line, const char *base, const char *path,
                       int depth, int file, hg_err *err)
{
	char joined[HG_PATH_MAX * 2 + 2], real[HG_PATH_MAX];
	snprintf(joined, sizeof joined, "%s/%s", path[0] == '/' ? "" : base, path);
	if (depth >= HG_INCLUDE_DEPTH)
		return hg_err_set(
		    err, HG_EINPUT,
		    "%s:%d: include \"%s\": includes nest deeper than %d (does a file "
		    "include itself?)",
		    name, line, path, HG_INCLUDE_DEPTH);
	if (!realpath(joined, real))
		return hg_err_set(err, HG_EINPUT, "%s:%d: include \"%s\": cannot open %s: %s", name,
		                  line, path, joined, strerror(errno));
	size_t len;
	char *text = hg_read_file(real, &len, err);
	if (!text)
		return hg_err_wrap(err, "%s:%d: include \"%s\"", name, line, path);
	char *slash = strrchr(real, '/');
	const char *dir = hg_arena_strndup(&c->pk->arena, real, (size_t)(slash - real));
	const char *shown = hg_arena_strdup(&c->pk->arena, real);
	int rc = expand(c, shown, text, dir, depth + 1, file, err);
	free(text);
	return rc;
}

/* Copy text (file `name`; dir: its directory, NULL for the pack's own) to c->out with
 * every include line replaced by the included file's lines, recording the parts. */
static int expand(inc_ctx *c, const char *name, const char *text, const char *dir, int depth,
                  int parent, hg_err *err)
{
	int local = 1, first = c->line, first_local = 1, file = c->nfiles++;
	for (const char *p = text; *p; local++) {
		const char *e = strchr(p, '\n');
		const char *next = e ? e + 1 : p + strlen(p);
		e = e ? e : next;
		char path[HG_PATH_MAX];
		if (include_path(p, e, path, sizeof path)) {
			part_close(c, first, first_local, name, dir, file, parent);
			TRY(expand_file(c, name, local, dir ? dir : c->pk->src.dir, path, depth,
			                file, err));
			first = c->line;
			first_local = local + 1;
		} else {
			hg_buf_put(&c->out, p, (size_t)(e - p));
			hg_buf_putc(&c->out, '\n');
			c->line++;
		}
		p = next;
	}
	part_close(c, first, first_local, name, dir, file, parent);
	return 0;
}

/* The pack's text with its includes expanded into pk->text and pk->src. */
static int pack_includes(hg_pack *pk, const char *text, hg_err *err)
{
	inc_ctx c = {.pk = pk, .line = 1};
	int rc = expand(&c, pk->src.name, text, NULL, 0, -1, err);
	if (rc == 0 && c.nparts > 1) { /* an include: keep where each line came from */
		free(pk->text);
		hg_buf_putc(&c.out, 0);
		pk->text = c.out.p;
		c.out.p = NULL;
		pk->src.text = pk->text;
		pk->src.len = strlen(pk->text);
		pk->src.parts = hg_arena_alloc(&pk->arena, sizeof *c.parts * (size_t)c.nparts);
		memcpy(pk->src.parts, c.parts, sizeof *c.parts * (size_t)c.nparts);
		pk->src.nparts = c.nparts;
	}
	hg_buf_free(&c.out);
	free(c.parts);
	return rc;
}

static int pack_load_text(hg_pack **out, const char *name, const char *text, const char *dir,
                          const hg_pack_opts *o, hg_err *err)
{
	hg_pack *pk = hg_xcalloc(1, sizeof *pk);
	hg_arena_init(&pk->arena, 64 * 1024);
	size_t len = strlen(text);
	pk->text = hg_xmalloc(len + 1);
	memcpy(pk->text, text, len + 1);
	pk->src.name = hg_arena_strdup(&pk->arena, name);
	pk->src.text = pk->text;
	pk->src.len = len;
	pk->src.dir = hg_arena_strdup(&pk->arena, dir ? dir : ".");
	pk->opts = o;
	struct stat sb;
	int rc = 0;
	if (o && o->codelist_dir && (stat(o->codelist_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
		rc = hg_err_set(err, HG_EUSAGE, "--codelists %s: no such directory",
		                o->codelist_dir);
	else if (pack_includes(pk, text, err) != 0)
		rc = err->code ? err->code : HG_EINPUT;
	else if (hg_parse_pack(pk, err) != 0 || check_subs(pk, err) != 0 ||
	         hg_check_pack(pk, err) != 0 || check_codelist_dir(pk, err) != 0)
		rc = err->code ? err->code : HG_EINPUT;
	pk->opts = NULL; /* the options belong to the caller */
	if (rc) {
		hg_pack_free(pk);
		*out = NULL;
		return rc;
	}
	pack_compute_hash(pk);
	*out = pk;
	return 0;
}

int hg_pack_load_str(hg_pack **out, const char *name, const char *text, const char *dir,
                     hg_err *err)
{
	return pack_load_text(out, name, text, dir, NULL, err);
}

/* Is name a pack file name ("*.hg", not hidden)? */
static int is_pack_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 3 && !strcmp(name + n - 3, ".hg");
}

/* path itself, or for a directory the one .hg file in it, into buf. */
static int pack_file(const char *path, char *buf, size_t cap, hg_err *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(buf, cap, "%s", path);
		return 0;
	}
	DIR *d = opendir(path);
	if (!d)
		return hg_err_set(err, HG_EIO, "%s: cannot open the pack directory: %s", path,
		                  strerror(errno));
	int n = 0;
	char first[256] = "", second[256] = "";
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (is_pack_name(e->d_name) && n++ < 2)
			snprintf(n == 1 ? first : second, sizeof first, "%s", e->d_name);
	closedir(d);
	if (n == 0)
		return hg_err_set(err, HG_EINPUT, "%s: no pack file (*.hg) in this directory",
		                  path);
	if (n > 1)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: %d pack files (*.hg) in this directory (%s, %s%s); name one",
		                  path, n, first, second, n > 2 ? ", ..." : "");
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	if ((size_t)snprintf(buf, cap, "%.*s/%s", (int)len, path, first) >= cap)
		return hg_err_set(err, HG_EINPUT, "%s: path too long", path);
	return 0;
}

int hg_pack_load(hg_pack **out, const char *arg, hg_err *err)
{
	return hg_pack_load_opts(out, arg, NULL, err);
}

int hg_pack_load_opts(hg_pack **out, const char *arg, const hg_pack_opts *o, hg_err *err)
{
	size_t len;
	char path[HG_PATH_MAX];
	*out = NULL;
	if (pack_file(arg, path, sizeof path, err) != 0)
		return err->code;
	char *text = hg_read_file(path, &len, err);
	*out = NULL;
	if (!text)
		return hg_err_wrap(err, "reading pack");
	if (strlen(text) != len) {
		free(text);
		return hg_err_set(err, HG_EINPUT, "%s: contains a NUL byte", path);
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof dir, ".");
	int rc = pack_load_text(out, path, text, dir, o, err);
	free(text);
	return rc;
}

int hg_pack_n_indicators(const hg_pack *pk)
{
	return pk->ninds;
}

const hg_indicator *hg_pack_indicator(const hg_pack *pk, int i)
{
	return &pk->inds[i].pub;
}

int hg_pack_n_worklists(const hg_pack *pk)
{
	return pk->nwls;
}

const hg_worklist *hg_pack_worklist(const hg_pack *pk, int i)
{
	return &pk->wls[i].pub;
}

const char *hg_pack_hash(const hg_pack *pk)
{
	return pk->hash;
}

/* Months in one period of a specification (a range counts as 12). */
static int spec_months(const hg_period_spec *ps)
{
	return ps->rolling ? ps->rolling : ps->step ? ps->step : 12;
}

void hg_pack_set_period_end(hg_pack *pk, hg_date end)
{
	for (int i = 0; i < pk->ninds; i++) {
		const hg_period_spec *ps = pk->inds[i].ps.set ? &pk->inds[i].ps : &pk->periods;
		hg_period *p = hg_arena_alloc(&pk->arena, sizeof *p);
		p->end = end;
		p->start = hg_months_ending_start(end, spec_months(ps));
		pk->inds[i].pub.periods = p;
		pk->inds[i].pub.nperiods = 1;
	}
}
