/*
 * objectives.c: the objectives file that drives polarity, assurance and
 * progress (docs/methods.md, "Objectives file"). A CSV with a header:
 *   indicator_id,target_value,target_date,gap_reduction_target,polarity
 * target_value is in the indicator's own units (percent, rate per ...),
 * target_date is YYYY-MM-DD, gap_reduction_target a fraction (0.25) or a
 * percentage (25%) of the first period's gap to remove by the target date,
 * polarity higher_is_better | lower_is_better | neutral. Every field but
 * indicator_id may be empty; the polarity column may be absent.
 */
#include "analysis/analysis.h"

#include "core/csv.h"
#include "core/fs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hg_polarity_name(int polarity)
{
	return polarity > 0 ? "higher_is_better" : polarity < 0 ? "lower_is_better" : "neutral";
}

int hg_polarity_parse(const char *s, int *out)
{
	if (!strcmp(s, "higher_is_better") || !strcmp(s, "higher"))
		*out = HG_POL_HIGHER_BETTER;
	else if (!strcmp(s, "lower_is_better") || !strcmp(s, "lower"))
		*out = HG_POL_LOWER_BETTER;
	else if (!strcmp(s, "neutral") || !strcmp(s, ""))
		*out = HG_POL_NEUTRAL;
	else
		return 1;
	return 0;
}

static void sv_copy(hg_sv v, char *buf, size_t size)
{
	v = hg_sv_trim(v);
	size_t n = v.n < size - 1 ? v.n : size - 1;
	memcpy(buf, v.p, n);
	buf[n] = 0;
}

static int obj_number(hg_sv v, double *out, int *pct)
{
	char s[64];
	sv_copy(v, s, sizeof s);
	*out = NAN;
	*pct = 0;
	size_t n = strlen(s);
	if (n == 0)
		return 0;
	if (s[n - 1] == '%') {
		*pct = 1;
		s[--n] = 0;
	}
	return hg_parse_double(hg_sv_from(s), out) != 0 || !isfinite(*out);
}

typedef struct hg_obj_cols {
	int id, target, date, gap, pol;
} hg_obj_cols;

static int obj_row(hg_objectives *o, const hg_csv *c, const hg_obj_cols *k, hg_err *err)
{
	hg_objective ob = {.target_date = HG_DATE_NONE};
	sv_copy(hg_csv_field(c, k->id), ob.id, sizeof ob.id);
	if (!ob.id[0])
		return hg_err_set(err, HG_EINPUT, "%s:%llu: indicator_id is empty", c->path,
		                  (unsigned long long)c->line);
	int pct;
	if (obj_number(hg_csv_field(c, k->target), &ob.target_value, &pct) != 0)
		return hg_err_set(err, HG_EINPUT, "%s:%llu: target_value is not a number", c->path,
		                  (unsigned long long)c->line);
	if (obj_number(hg_csv_field(c, k->gap), &ob.gap_reduction, &pct) != 0 ||
	    ob.gap_reduction < 0 || (pct ? ob.gap_reduction > 100 : ob.gap_reduction > 1))
		return hg_err_set(err, HG_EINPUT,
		                  "%s:%llu: gap_reduction_target must be a fraction 0-1 or a "
		                  "percentage 0%%-100%%",
		                  c->path, (unsigned long long)c->line);
	if (pct)
		ob.gap_reduction /= 100;
	char s[64];
	sv_copy(hg_csv_field(c, k->date), s, sizeof s);
	if (s[0] && hg_date_parse(s, strlen(s), 0, &ob.target_date, NULL) != 0)
		return hg_err_set(err, HG_EINPUT, "%s:%llu: target_date '%s' is not YYYY-MM-DD",
		                  c->path, (unsigned long long)c->line, s);
	sv_copy(hg_csv_field(c, k->pol), s, sizeof s);
	if (hg_polarity_parse(s, &ob.polarity) != 0)
		return hg_err_set(err, HG_EINPUT,
		                  "%s:%llu: polarity '%s' is not higher_is_better, lower_is_better "
		                  "or neutral",
		                  c->path, (unsigned long long)c->line, s);
	ob.has_polarity = k->pol >= 0 && s[0];
	if (hg_objectives_find(o, ob.id))
		return hg_err_set(err, HG_EINPUT, "%s:%llu: indicator %s is listed twice", c->path,
		                  (unsigned long long)c->line, ob.id);
	HG_GROW(o->v, o->n, o->cap);
	o->v[o->n++] = ob;
	return 0;
}

static int obj_header(const hg_csv *c, hg_obj_cols *k, hg_err *err)
{
	k->id = hg_csv_col(c, "indicator_id");
	k->target = hg_csv_col(c, "target_value");
	k->date = hg_csv_col(c, "target_date");
	k->gap = hg_csv_col(c, "gap_reduction_target");
	k->pol = hg_csv_col(c, "polarity");
	if (k->id < 0 || k->target < 0 || k->date < 0 || k->gap < 0)
		return hg_err_set(
		    err, HG_EINPUT,
		    "%s: the header must have indicator_id, target_value, target_date "
		    "and gap_reduction_target (and optionally polarity)",
		    c->path);
	return 0;
}

int hg_objectives_parse(hg_objectives *o, const char *name, const char *text, size_t n, hg_err *err)
{
	memset(o, 0, sizeof *o);
	snprintf(o->path, sizeof o->path, "%s", name);
	hg_hash_hex(text, n, o->hash);
	hg_csv c;
	hg_csv_open_mem(&c, name, text, n, 1);
	hg_obj_cols k = {-1, -1, -1, -1, -1};
	int rc = 0;
	if (!hg_csv_next(&c))
		rc = hg_err_set(err, HG_EINPUT, "%s: empty objectives file", name);
	else
		rc = obj_header(&c, &k, err);
	while (rc == 0 && hg_csv_next(&c)) {
		if (c.malformed)
			rc = hg_err_set(err, HG_EINPUT, "%s:%llu: %s", name,
			                (unsigned long long)c.line, c.malformed);
		else
			rc = obj_row(o, &c, &k, err);
	}
	hg_csv_close(&c);
	if (rc)
		hg_objectives_free(o);
	return rc;
}

int hg_objectives_load(hg_objectives *o, const char *path, hg_err *err)
{
	size_t n = 0;
	char *text = hg_read_file(path, &n, err);
	if (!text)
		return hg_err_wrap(err, "objectives file");
	int rc = hg_objectives_parse(o, path, text, n, err);
	free(text);
	return rc;
}

int hg_objectives_load_default(hg_objectives *o, const char *path, const char *pack, hg_err *err)
{
	memset(o, 0, sizeof *o);
	if (path)
		return hg_objectives_load(o, path, err);
	char beside[HG_PATH_MAX];
	if (hg_is_dir(pack)) {
		snprintf(beside, sizeof beside, "%s/objectives.csv", pack);
	} else {
		const char *slash = strrchr(pack, '/');
		int n = slash ? (int)(slash - pack) : 1;
		snprintf(beside, sizeof beside, "%.*s/objectives.csv", n, slash ? pack : ".");
	}
	return hg_path_exists(beside) ? hg_objectives_load(o, beside, err) : 0;
}

void hg_objectives_free(hg_objectives *o)
{
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

const hg_objective *hg_objectives_find(const hg_objectives *o, const char *id)
{
	for (size_t i = 0; o && i < o->n; i++)
		if (!strcmp(o->v[i].id, id))
			return &o->v[i];
	return NULL;
}

int hg_objectives_polarity(const hg_objectives *o, const char *id)
{
	const hg_objective *ob = hg_objectives_find(o, id);
	return ob ? ob->polarity : HG_POL_NEUTRAL;
}
