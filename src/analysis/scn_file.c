/*
 * scn_file.c: the scenario file (scenario.h; docs/economics.md "Scenario
 * files"). One `key: value` per line, '#' starts a comment:
 *
 *   id: hyp_gap_half                 (default: the file's name without .scn)
 *   title: Close half the deprivation gap in blood pressure control
 *   intervention: hypertension       (an intervention of the library)
 *   indicator: CVDP007HYP            (an indicator of the run)
 *   reach: close_gap 0.5 [quintiles 1, 2]
 *        | reach_rate 80 groups core20, Black      (q1..q5, core20, all, an ethnic group)
 *        | people 200 [quintiles 1] [practices Y00001, Y00003]
 *   horizons: 3, 5                   (years, 1..10; default 3 and 5)
 *   library: ../../interventions/interventions.csv   (repeatable; relative to this file)
 *   set: stroke.rr = 0.7 | set: response = 0.9 | set: model.k = 13000   (repeatable)
 *   period: latest | YYYY-MM-DD      (the indicator's period end; default latest)
 *   population: AE_RATE              (whose denominators are the quintiles' people)
 *   opportunity_cost: steep | moderate | flat
 *   draws: 10000                     seed: 1
 *   moves_indicator: no              (the intervention does not move the indicator one for
 *                                    one: people N only; default yes)
 */
#include "analysis/scenario.h"

#include "core/str.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const keys[] = {
    "id",  "title",  "intervention", "indicator",        "reach", "horizons", "library",
    "set", "period", "population",   "opportunity_cost", "draws", "seed",     "moves_indicator",
    NULL};

typedef struct hg_scn_line {
	const hg_scenario *s;
	const char *name;
	int line;
	char dir[HG_PATH_MAX];
} hg_scn_line;

static int line_err(const hg_scn_line *l, hg_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int line_err(const hg_scn_line *l, hg_err *err, const char *fmt, ...)
{
	char msg[HG_ERR_MSG_MAX - 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hg_err_set(err, HG_EINPUT, "%s:%d: %s", l->name, l->line, msg);
}

static int copy_to(const hg_scn_line *l, const char *v, char *buf, size_t size, const char *key,
                   hg_err *err)
{
	if (strlen(v) >= size)
		return line_err(l, err, "%s is longer than %zu characters", key, size - 1);
	snprintf(buf, size, "%s", v);
	return 0;
}

/* Split v at commas and blanks into words (in place); returns how many. */
static int words(char *v, char **w, int max)
{
	int n = 0;
	for (char *p = strtok(v, ", \t"); p && n < max; p = strtok(NULL, ", \t"))
		w[n++] = p;
	return n;
}

static int parse_num(const char *s, double *out)
{
	size_t n = strlen(s);
	char buf[64];
	if (n == 0 || n >= sizeof buf)
		return 1;
	memcpy(buf, s, n + 1);
	int pct = buf[n - 1] == '%';
	if (pct)
		buf[n - 1] = 0;
	if (hg_parse_double(hg_sv_from(buf), out) || !isfinite(*out))
		return 1;
	if (pct)
		*out /= 100;
	return 0;
}

static int reach_lists(hg_scenario *s, const hg_scn_line *l, char **w, int n, hg_err *err)
{
	int list = 0; /* 1 quintiles, 2 groups, 3 practices */
	for (int i = 2; i < n; i++) {
		if (!strcmp(w[i], "quintiles") || !strcmp(w[i], "groups") ||
		    !strcmp(w[i], "practices")) {
			list = w[i][0] == 'q' ? 1 : w[i][0] == 'g' ? 2 : 3;
			continue;
		}
		if (list == 1) {
			int q = atoi(w[i]);
			if (q < 1 || q > 5 || strlen(w[i]) != 1)
				return line_err(l, err, "quintiles are 1 to 5, not '%s'", w[i]);
			s->quintile[s->nquint++] = q;
		} else if (list == 2 && s->ngroups < 8) {
			snprintf(s->groups[s->ngroups++], sizeof s->groups[0], "%s", w[i]);
		} else if (list == 3 && s->nprac < 32 && strlen(w[i]) < sizeof s->practices[0]) {
			snprintf(s->practices[s->nprac++], sizeof s->practices[0], "%s", w[i]);
		} else {
			return line_err(l, err,
			                "unexpected '%s' in reach (after the number: quintiles, "
			                "groups or practices and their lists; at most 8 groups and "
			                "32 practices)",
			                w[i]);
		}
	}
	return 0;
}

static int parse_reach(hg_scenario *s, const hg_scn_line *l, const char *v, hg_err *err)
{
	char buf[256], *w[64];
	if (copy_to(l, v, s->reach_text, sizeof s->reach_text, "reach", err) ||
	    copy_to(l, v, buf, sizeof buf, "reach", err))
		return 1;
	int n = words(buf, w, 64);
	static const char *const modes[] = {"close_gap", "reach_rate", "people"};
	s->reach = 0;
	for (int m = 0; n && m < 3; m++)
		if (!strcmp(w[0], modes[m]))
			s->reach = m + 1;
	if (!s->reach)
		return line_err(l, err,
		                "reach must start with close_gap FRACTION, reach_rate VALUE groups "
		                "... or people N, not '%s'",
		                n ? w[0] : "");
	s->reach_pct = n >= 2 && w[1][0] && w[1][strlen(w[1]) - 1] == '%';
	if (n < 2 || parse_num(w[1], &s->reach_value))
		return line_err(l, err, "reach %s needs a number after it", w[0]);
	if (s->reach == HG_REACH_CLOSE_GAP && !(s->reach_value > 0 && s->reach_value <= 1))
		return line_err(l, err,
		                "close_gap takes the share of the gap to close, 0 to 1 "
		                "(0.5 or 50%%)");
	if (s->reach == HG_REACH_PEOPLE &&
	    !(s->reach_value >= 1 && s->reach_value == floor(s->reach_value)))
		return line_err(l, err, "people takes a whole number of people");
	s->nquint = s->ngroups = s->nprac = 0;
	if (reach_lists(s, l, w, n, err))
		return 1;
	if (s->reach == HG_REACH_RATE && !s->ngroups)
		return line_err(l, err,
		                "reach_rate needs groups (core20, q1..q5, all or ethnic "
		                "groups)");
	if (s->reach != HG_REACH_RATE && s->ngroups)
		return line_err(l, err, "groups go with reach_rate only");
	if (s->reach == HG_REACH_CLOSE_GAP && s->nprac)
		return line_err(l, err, "practices go with people N only");
	return 0;
}

static int parse_horizons(hg_scenario *s, const hg_scn_line *l, const char *v, hg_err *err)
{
	char buf[128], *w[16];
	if (copy_to(l, v, buf, sizeof buf, "horizons", err))
		return 1;
	int n = words(buf, w, 16);
	s->nh = 0;
	for (int i = 0; i < n; i++) {
		int y = atoi(w[i]);
		if (y < 1 || y > HG_ECON_YEARS || strspn(w[i], "0123456789") != strlen(w[i]))
			return line_err(l, err,
			                "a horizon is a whole number of years, 1 to %d, not "
			                "'%s'",
			                HG_ECON_YEARS, w[i]);
		for (int k = 0; k < s->nh; k++)
			if (s->horizons[k] == y)
				return line_err(l, err, "horizon %d is given twice", y);
		s->horizons[s->nh++] = y;
	}
	if (!s->nh)
		return line_err(l, err, "horizons needs at least one number of years");
	for (int i = 1; i < s->nh; i++) /* ascending, so the last is the longest */
		for (int k = i; k > 0 && s->horizons[k - 1] > s->horizons[k]; k--) {
			int t = s->horizons[k];
			s->horizons[k] = s->horizons[k - 1];
			s->horizons[k - 1] = t;
		}
	return 0;
}

/* set: [ENDPOINT.]PARAM = VALUE (ENDPOINT "model" for a model-wide parameter). */
static int parse_set(hg_scenario *s, const hg_scn_line *l, const char *v, hg_err *err)
{
	if (s->nsets == (int)(sizeof s->sets / sizeof *s->sets))
		return line_err(l, err, "at most %zu set: lines", sizeof s->sets / sizeof *s->sets);
	const char *eq = strchr(v, '=');
	hg_scn_set *st = &s->sets[s->nsets];
	memset(st, 0, sizeof *st);
	char name[96];
	if (!eq || (size_t)(eq - v) >= sizeof name)
		return line_err(l, err, "set: needs NAME = VALUE (e.g. set: stroke.rr = 0.7)");
	snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
	hg_sv t = hg_sv_trim(hg_sv_from(name));
	snprintf(name, sizeof name, "%.*s", (int)t.n, t.p);
	char *dot = strchr(name, '.');
	const char *par = name;
	if (dot) {
		*dot = 0;
		par = dot + 1;
		snprintf(st->endpoint, sizeof st->endpoint, "%s", name);
	}
	snprintf(st->name, sizeof st->name, "%s", par);
	if (parse_num(hg_sv_trim(hg_sv_from(eq + 1)).p, &st->value))
		return line_err(l, err, "set: %s needs a number after '='", st->name);
	for (int i = 0; i < s->nsets; i++)
		if (!strcmp(s->sets[i].endpoint, st->endpoint) &&
		    !strcmp(s->sets[i].name, st->name))
			return line_err(l, err, "%s is set twice (line %d)", st->name,
			                s->sets[i].line);
	st->line = l->line;
	s->nsets++;
	return 0;
}

static int parse_library(hg_scenario *s, const hg_scn_line *l, const char *v, hg_err *err)
{
	if (s->nlibs == HG_SCN_MAX_LIBS)
		return line_err(l, err, "at most %d library files", HG_SCN_MAX_LIBS);
	int n = v[0] == '/' ? snprintf(s->libs[s->nlibs], HG_PATH_MAX, "%s", v)
	                    : snprintf(s->libs[s->nlibs], HG_PATH_MAX, "%s/%s", l->dir, v);
	if (n >= HG_PATH_MAX)
		return line_err(l, err, "the library path is too long");
	s->nlibs++;
	return 0;
}

static int parse_long(const hg_scn_line *l, const char *key, const char *v, long lo, long hi,
                      long *out, hg_err *err)
{
	int64_t x;
	if (hg_parse_int64(hg_sv_from(v), &x) || x < lo || x > hi)
		return line_err(l, err, "%s must be a whole number from %ld to %ld, not '%s'", key,
		                lo, hi, v);
	*out = (long)x;
	return 0;
}

static int set_key(hg_scenario *s, const hg_scn_line *l, const char *k, const char *v, hg_err *err)
{
	long x;
	if (!strcmp(k, "id"))
		return copy_to(l, v, s->id, sizeof s->id, k, err);
	if (!strcmp(k, "title"))
		return copy_to(l, v, s->title, sizeof s->title, k, err);
	if (!strcmp(k, "intervention"))
		return copy_to(l, v, s->intervention, sizeof s->intervention, k, err);
	if (!strcmp(k, "indicator"))
		return copy_to(l, v, s->indicator, sizeof s->indicator, k, err);
	if (!strcmp(k, "period"))
		return copy_to(l, v, s->period, sizeof s->period, k, err);
	if (!strcmp(k, "population"))
		return copy_to(l, v, s->population, sizeof s->population, k, err);
	if (!strcmp(k, "opportunity_cost")) {
		if (strcmp(v, "steep") && strcmp(v, "moderate") && strcmp(v, "flat"))
			return line_err(l, err,
			                "opportunity_cost is steep, moderate or flat, not '%s'", v);
		return copy_to(l, v, s->hoc, sizeof s->hoc, k, err);
	}
	if (!strcmp(k, "reach"))
		return parse_reach(s, l, v, err);
	if (!strcmp(k, "moves_indicator")) {
		if (strcmp(v, "yes") && strcmp(v, "no"))
			return line_err(l, err, "moves_indicator is yes or no, not '%s'", v);
		s->no_move = !strcmp(v, "no");
		return 0;
	}
	if (!strcmp(k, "horizons"))
		return parse_horizons(s, l, v, err);
	if (!strcmp(k, "library"))
		return parse_library(s, l, v, err);
	if (!strcmp(k, "set"))
		return parse_set(s, l, v, err);
	if (!strcmp(k, "draws")) {
		if (parse_long(l, k, v, 100, HG_SCN_MAX_DRAWS, &s->draws, err))
			return 1;
		return 0;
	}
	if (parse_long(l, k, v, 0, 2147483647L, &x, err))
		return 1;
	s->seed = (uint64_t)x;
	return 0;
}

static int scn_line(hg_scenario *s, hg_scn_line *l, char *line, unsigned *seen, hg_err *err)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	hg_sv t = hg_sv_trim(hg_sv_from(line));
	if (!t.n)
		return 0;
	char *colon = strchr(line, ':');
	if (!colon)
		return line_err(l, err, "expected 'key: value'");
	*colon = 0;
	hg_sv k = hg_sv_trim(hg_sv_from(line)), v = hg_sv_trim(hg_sv_from(colon + 1));
	char key[32], val[512];
	snprintf(key, sizeof key, "%.*s", (int)(k.n < 31 ? k.n : 31), k.p);
	if (v.n >= sizeof val)
		return line_err(l, err, "the value of %s is too long", key);
	snprintf(val, sizeof val, "%.*s", (int)v.n, v.p);
	int i = 0;
	while (keys[i] && strcmp(keys[i], key))
		i++;
	if (!keys[i]) {
		char hint[80] = "";
		hg_suggest sg;
		hg_suggest_init(&sg, key);
		for (int j = 0; keys[j]; j++)
			hg_suggest_add(&sg, keys[j]);
		if (sg.best)
			snprintf(hint, sizeof hint, " (did you mean '%s'?)", sg.best);
		return line_err(l, err, "unknown key '%s'%s", key, hint);
	}
	int repeatable = !strcmp(key, "library") || !strcmp(key, "set");
	if (!repeatable && (*seen & (1u << i)))
		return line_err(l, err, "%s is given twice", key);
	*seen |= 1u << i;
	return set_key(s, l, key, val, err);
}

static void scn_defaults(hg_scenario *s, const char *name)
{
	memset(s, 0, sizeof *s);
	snprintf(s->path, sizeof s->path, "%s", name);
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	size_t n = strcspn(base, ".");
	snprintf(s->id, sizeof s->id, "%.*s", (int)(n < 63 ? n : 63), base);
	snprintf(s->period, sizeof s->period, "latest");
	snprintf(s->hoc, sizeof s->hoc, "steep");
	s->horizons[0] = 3;
	s->horizons[1] = 5;
	s->nh = 2;
	s->draws = 10000;
	s->seed = 1;
}

static int scn_required(const hg_scenario *s, const char *name, hg_err *err)
{
	const char *missing = !s->intervention[0] ? "intervention"
	                      : !s->indicator[0]  ? "indicator"
	                      : !s->reach         ? "reach"
	                                          : NULL;
	if (missing)
		return hg_err_set(err, HG_EINPUT, "%s: the scenario has no '%s:' line", name,
		                  missing);
	for (const char *p = s->id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return hg_err_set(
			    err, HG_EINPUT,
			    "%s: id '%s' may hold letters, digits, _ and - only (it names "
			    "the output folder)",
			    name, s->id);
	if (!s->id[0])
		return hg_err_set(err, HG_EINPUT, "%s: the scenario has no id", name);
	return 0;
}

int hg_scenario_parse(hg_scenario *s, const char *name, const char *text, size_t n, hg_err *err)
{
	scn_defaults(s, name);
	hg_scn_line l = {.s = s, .name = name};
	const char *slash = strrchr(name, '/');
	snprintf(l.dir, sizeof l.dir, "%.*s", slash ? (int)(slash - name) : 1, slash ? name : ".");
	unsigned seen = 0;
	size_t pos = 0;
	while (pos < n) {
		size_t e = pos;
		while (e < n && text[e] != '\n')
			e++;
		l.line++;
		char line[1024];
		if (e - pos >= sizeof line)
			return line_err(&l, err, "the line is longer than %zu characters",
			                sizeof line - 1);
		memcpy(line, text + pos, e - pos);
		line[e - pos] = 0;
		if (memchr(line, 0, e - pos))
			return line_err(&l, err, "the line holds a NUL byte: is this a text file?");
		if (scn_line(s, &l, line, &seen, err))
			return 1;
		pos = e + 1;
	}
	if (!s->title[0])
		snprintf(s->title, sizeof s->title, "%s", s->id);
	return scn_required(s, name, err);
}

int hg_scenario_load(hg_scenario *s, const char *path, hg_err *err)
{
	size_t n = 0;
	char *text = hg_read_file(path, &n, err);
	if (!text)
		return hg_err_wrap(err, "scenario");
	int rc = hg_scenario_parse(s, path, text, n, err);
	free(text);
	return rc;
}
