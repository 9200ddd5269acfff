/*
 * scn_library.c: the intervention library (scenario.h, docs/economics.md
 * "The intervention library"). One CSV row per parameter:
 *   library_version,intervention,endpoint,parameter,value,low,high,distribution,
 *   unit,label,evidence,source,note
 * `endpoint` is empty for a parameter of the intervention itself; the
 * intervention `model` holds the model-wide parameters (discounting,
 * thresholds, QALE and opportunity-cost shares by IMD quintile, inequality
 * aversion). Users add interventions in a file of their own in the same
 * format; a parameter defined twice is an error, never a silent override.
 */
#include "analysis/scenario.h"

#include "core/csv.h"
#include "core/fs.h"
#include "core/str.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a parameter name means: where it goes, and what values it takes. */
enum { P_INTERVENTION = 1, P_ENDPOINT = 2, P_MODEL = 4 };
enum { V_ANY = 0, V_PROB = 1, V_POS = 2, V_NONNEG = 3, V_FIXED_POS = 4, V_TEXT = 5 };

typedef struct hg_pname {
	const char *name;
	int where, values;
	size_t off; /* in hg_econ_params (intervention) or hg_econ_endpoint (endpoint) */
} hg_pname;

#define IOFF(f) offsetof(hg_econ_params, f)
#define EOFF(f) offsetof(hg_econ_endpoint, f)
#define NOOFF   ((size_t)-1)

static const hg_pname pnames[] = {
    {"name", P_INTERVENTION, V_TEXT, NOOFF},
    {"response", P_INTERVENTION, V_PROB, IOFF(response)},
    {"effect_units", P_INTERVENTION, V_NONNEG, IOFF(effect_units)},
    {"cost_once", P_INTERVENTION, V_ANY, IOFF(cost_once)},
    {"cost_annual", P_INTERVENTION, V_ANY, IOFF(cost_annual)},
    {"saving_once", P_INTERVENTION, V_ANY, IOFF(saving_once)},
    {"indicator_share", P_INTERVENTION, V_PROB, NOOFF},
    {"risk", P_ENDPOINT, V_PROB, EOFF(risk)},
    {"risk_years", P_ENDPOINT, V_FIXED_POS, EOFF(risk_years)},
    {"rate", P_ENDPOINT, V_NONNEG, EOFF(rate)},
    {"max_years", P_ENDPOINT, V_FIXED_POS, EOFF(max_years)},
    {"rr", P_ENDPOINT, V_NONNEG, EOFF(rr)},
    {"case_fatality", P_ENDPOINT, V_PROB, EOFF(case_fatality)},
    {"cost_y1", P_ENDPOINT, V_ANY, EOFF(cost_y1)},
    {"cost_y2", P_ENDPOINT, V_ANY, EOFF(cost_y2)},
    {"cost_y3", P_ENDPOINT, V_ANY, EOFF(cost_y3)},
    {"cost_later", P_ENDPOINT, V_ANY, EOFF(cost_later)},
    {"cost_fatal", P_ENDPOINT, V_ANY, EOFF(cost_fatal)},
    {"qaly_y1", P_ENDPOINT, V_ANY, EOFF(qaly_y1)},
    {"qaly_later", P_ENDPOINT, V_ANY, EOFF(qaly_later)},
    {"qaly_death", P_ENDPOINT, V_ANY, EOFF(qaly_death)},
    {"discount_rate", P_MODEL, V_FIXED_POS, NOOFF},
    {"threshold_low", P_MODEL, V_FIXED_POS, NOOFF},
    {"threshold_high", P_MODEL, V_FIXED_POS, NOOFF},
    {"k", P_MODEL, V_FIXED_POS, NOOFF},
    {"aversion", P_MODEL, V_FIXED_POS, NOOFF},
    {"kolm_alpha", P_MODEL, V_FIXED_POS, NOOFF},
};

static const char *const q_prefixes[] = {"qale_q", "hoc_steep_q", "hoc_moderate_q", "hoc_flat_q"};

static const hg_pname *pname_find(const char *name)
{
	for (size_t i = 0; i < sizeof pnames / sizeof *pnames; i++)
		if (!strcmp(pnames[i].name, name))
			return &pnames[i];
	return NULL;
}

/* qale_q1 .. hoc_flat_q5: model-wide, one per IMD quintile; returns the quintile or 0. */
static int quintile_param(const char *name, int *which)
{
	for (int k = 0; k < 4; k++) {
		size_t n = strlen(q_prefixes[k]);
		if (!strncmp(name, q_prefixes[k], n) && name[n] >= '1' && name[n] <= '5' &&
		    !name[n + 1]) {
			*which = k;
			return name[n] - '0';
		}
	}
	return 0;
}

static void unknown_name(const char *name, char *hint, size_t size)
{
	hg_suggest sg;
	hg_suggest_init(&sg, name);
	for (size_t i = 0; i < sizeof pnames / sizeof *pnames; i++)
		hg_suggest_add(&sg, pnames[i].name);
	hg_suggest_add(&sg, "qale_q1");
	hg_suggest_add(&sg, "hoc_steep_q1");
	if (sg.best)
		snprintf(hint, size, " (did you mean '%s'?)", sg.best);
	else
		hint[0] = 0;
}

static void field(const hg_csv *c, int col, char *buf, size_t size)
{
	hg_sv v = hg_sv_trim(hg_csv_field(c, col));
	size_t n = v.n < size - 1 ? v.n : size - 1;
	memcpy(buf, v.p, n);
	buf[n] = 0;
}

static int number(const hg_csv *c, int col, double *out)
{
	hg_sv v = hg_sv_trim(hg_csv_field(c, col));
	*out = NAN;
	return v.n && (hg_parse_double(v, out) != 0 || !isfinite(*out));
}

enum {
	C_VER,
	C_INT,
	C_EP,
	C_PAR,
	C_VAL,
	C_LO,
	C_HI,
	C_DIST,
	C_UNIT,
	C_LABEL,
	C_EV,
	C_SRC,
	C_NOTE,
	C_N
};
static const char *const cols[C_N] = {
    "library_version", "intervention", "endpoint", "parameter", "value",  "low", "high",
    "distribution",    "unit",         "label",    "evidence",  "source", "note"};

/* The value rules of the parameter's kind. */
static int check_values(const hg_lib_param *p, const hg_pname *pn, hg_err *err)
{
	const hg_dist *d = &p->dist;
	int fixed_only = pn && (pn->values == V_FIXED_POS || pn->where == P_MODEL);
	if (fixed_only && d->kind != HG_DIST_FIXED)
		return hg_err_set(err, HG_EINPUT,
		                  "parameter %s takes no distribution (write 'fixed'): it sets the "
		                  "model's structure, not an uncertain quantity",
		                  p->name);
	double lo = d->kind == HG_DIST_FIXED ? d->value : d->low;
	double hi = d->kind == HG_DIST_FIXED ? d->value : d->high;
	int values = pn ? pn->values : V_ANY;
	if (values == V_PROB && !(lo >= 0 && hi <= 1 && (strcmp(p->name, "risk") || hi < 1)))
		return hg_err_set(err, HG_EINPUT,
		                  "parameter %s is a probability: value and interval must lie in "
		                  "[0, 1]%s",
		                  p->name, strcmp(p->name, "risk") ? "" : " (a risk below 1)");
	if ((values == V_NONNEG && !(lo >= 0)) || (values == V_FIXED_POS && !(lo > 0)))
		return hg_err_set(err, HG_EINPUT, "parameter %s must be %s, not %g", p->name,
		                  values == V_NONNEG ? "0 or more" : "positive", lo);
	return 0;
}

static int row_names(hg_lib_param *p, const hg_csv *c, const int *k, const hg_pname **pn,
                     hg_err *err)
{
	field(c, k[C_INT], p->intervention, sizeof p->intervention);
	field(c, k[C_EP], p->endpoint, sizeof p->endpoint);
	field(c, k[C_PAR], p->name, sizeof p->name);
	if (!p->intervention[0] || !p->name[0])
		return hg_err_set(err, HG_EINPUT, "intervention and parameter must not be empty");
	int which, model = !strcmp(p->intervention, "model");
	*pn = pname_find(p->name);
	if (!*pn && !(model && quintile_param(p->name, &which))) {
		char hint[80];
		unknown_name(p->name, hint, sizeof hint);
		return hg_err_set(err, HG_EINPUT,
		                  "unknown parameter '%s'%s; docs/economics.md lists them", p->name,
		                  hint);
	}
	int where = *pn ? (*pn)->where : P_MODEL;
	if (model ? where != P_MODEL || p->endpoint[0] : where == P_MODEL)
		return hg_err_set(
		    err, HG_EINPUT, "parameter %s belongs to %s, not to intervention %s", p->name,
		    where == P_MODEL ? "intervention 'model'" : "an intervention", p->intervention);
	if ((where == P_ENDPOINT) != (p->endpoint[0] != 0))
		return hg_err_set(err, HG_EINPUT, "parameter %s %s an endpoint", p->name,
		                  where == P_ENDPOINT ? "needs" : "takes no");
	if (!strcmp(p->endpoint, "model"))
		return hg_err_set(err, HG_EINPUT, "'model' is not a possible endpoint name");
	return 0;
}

static int row_dist(hg_lib_param *p, const hg_csv *c, const int *k, const hg_pname *pn, hg_err *err)
{
	char dist[32];
	field(c, k[C_DIST], dist, sizeof dist);
	p->dist.kind = dist[0] ? hg_dist_parse(dist) : HG_DIST_FIXED;
	if (p->dist.kind < 0)
		return hg_err_set(
		    err, HG_EINPUT,
		    "distribution '%s' is not fixed, normal, lognormal, gamma, beta or "
		    "uniform",
		    dist);
	if (number(c, k[C_VAL], &p->dist.value) || number(c, k[C_LO], &p->dist.low) ||
	    number(c, k[C_HI], &p->dist.high))
		return hg_err_set(err, HG_EINPUT, "value, low and high must be numbers");
	if (pn && pn->values == V_TEXT) {
		if (!p->label[0])
			return hg_err_set(err, HG_EINPUT,
			                  "parameter name needs its words in label");
		p->dist = (hg_dist){.kind = HG_DIST_FIXED, .value = 0};
		return 0;
	}
	if (hg_dist_fit(&p->dist, err))
		return hg_err_wrap(err, "parameter %s", p->name);
	return check_values(p, pn, err);
}

static int lib_row(hg_library *l, const hg_csv *c, const int *k, hg_err *err)
{
	hg_lib_param p = {.file = l->nfiles - 1, .line = (int)c->line};
	char ver[32];
	field(c, k[C_VER], ver, sizeof ver);
	hg_lib_file *f = &l->files[l->nfiles - 1];
	if (!ver[0] || (f->version[0] && strcmp(ver, f->version)))
		return hg_err_set(err, HG_EINPUT,
		                  "library_version '%s' differs from the file's first row '%s': a "
		                  "library file has one version",
		                  ver, f->version);
	snprintf(f->version, sizeof f->version, "%s", ver);
	field(c, k[C_UNIT], p.unit, sizeof p.unit);
	field(c, k[C_LABEL], p.label, sizeof p.label);
	field(c, k[C_EV], p.evidence, sizeof p.evidence);
	field(c, k[C_SRC], p.source, sizeof p.source);
	field(c, k[C_NOTE], p.note, sizeof p.note);
	const hg_pname *pn = NULL;
	if (row_names(&p, c, k, &pn, err) || row_dist(&p, c, k, pn, err))
		return 1;
	if (!p.source[0] && !(pn && pn->values == V_TEXT))
		return hg_err_set(err, HG_EINPUT,
		                  "parameter %s has no source: every figure states where it comes "
		                  "from (or 'assumption')",
		                  p.name);
	const hg_lib_param *dup = hg_library_find(l, p.intervention, p.endpoint, p.name);
	if (dup)
		return hg_err_set(
		    err, HG_EINPUT,
		    "%s%s%s %s is already defined at %s:%d: change it there (or with a "
		    "scenario's set: line) rather than twice",
		    p.intervention, p.endpoint[0] ? "." : "", p.endpoint, p.name,
		    l->files[dup->file].path, dup->line);
	HG_GROW(l->v, l->n, l->cap);
	l->v[l->n++] = p;
	return 0;
}

static int lib_header(const hg_csv *c, int *k, hg_err *err)
{
	for (int i = 0; i < C_N; i++)
		if ((k[i] = hg_csv_col(c, cols[i])) < 0)
			return hg_err_set(err, HG_EINPUT,
			                  "%s: the header has no column '%s' (library_version, "
			                  "intervention, endpoint, parameter, value, low, high, "
			                  "distribution, unit, label, evidence, source, note)",
			                  c->path, cols[i]);
	return 0;
}

int hg_library_parse(hg_library *l, const char *name, const char *text, size_t n, hg_err *err)
{
	if (l->nfiles == HG_SCN_MAX_LIBS)
		return hg_err_set(err, HG_EUSAGE, "%s: at most %d library files", name,
		                  HG_SCN_MAX_LIBS);
	hg_lib_file *f = &l->files[l->nfiles++];
	memset(f, 0, sizeof *f);
	snprintf(f->path, sizeof f->path, "%s", name);
	hg_hash_hex(text, n, f->hash);
	hg_csv c;
	hg_csv_open_mem(&c, name, text, n, 1);
	int k[C_N], rc = 0;
	if (!hg_csv_next(&c))
		rc = hg_err_set(err, HG_EINPUT, "%s: empty intervention library", name);
	else
		rc = lib_header(&c, k, err);
	while (rc == 0 && hg_csv_next(&c)) {
		if (c.malformed)
			rc = hg_err_set(err, HG_EINPUT, "%s", c.malformed);
		else
			rc = lib_row(l, &c, k, err);
		if (rc)
			hg_err_wrap(err, "%s:%llu", name, (unsigned long long)c.line);
	}
	hg_csv_close(&c);
	return rc;
}

int hg_library_load(hg_library *l, const char *path, hg_err *err)
{
	size_t n = 0;
	char *text = hg_read_file(path, &n, err);
	if (!text)
		return hg_err_wrap(err, "intervention library");
	int rc = hg_library_parse(l, path, text, n, err);
	free(text);
	return rc;
}

void hg_library_free(hg_library *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

const hg_lib_param *hg_library_find(const hg_library *l, const char *intervention,
                                    const char *endpoint, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].intervention, intervention) &&
		    !strcmp(l->v[i].endpoint, endpoint) && !strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

/* ---- a scenario's set: lines ---- */

static const hg_scn_set *set_find(const hg_scn_set *sets, size_t n, const char *ep,
                                  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(sets[i].endpoint, ep) && !strcmp(sets[i].name, name))
			return &sets[i];
	return NULL;
}

/* The parameter's distribution after a set: line: the value replaced, the interval moved by
 * the same ratio (so the relative uncertainty stays) or made fixed when that cannot be. */
static int apply_set(hg_dist *d, const hg_scn_set *st, hg_err *err)
{
	if (!st)
		return 0;
	if (d->kind != HG_DIST_FIXED && d->value != 0 && st->value / d->value > 0) {
		double r = st->value / d->value;
		d->low *= r;
		d->high *= r;
	} else {
		d->kind = HG_DIST_FIXED;
	}
	d->value = st->value;
	if (d->kind == HG_DIST_BETA && d->high >= 1)
		d->kind = HG_DIST_FIXED;
	if (hg_dist_fit(d, err))
		return hg_err_wrap(err, "scenario line %d (set: %s)", st->line, st->name);
	return 0;
}

/* ---- model-wide parameters ---- */

static int model_value(const hg_library *l, const hg_scn_set *sets, size_t nsets, const char *name,
                       double *out, hg_err *err)
{
	const hg_lib_param *p = hg_library_find(l, "model", "", name);
	const hg_scn_set *st = set_find(sets, nsets, "model", name);
	if (!p && !st)
		return hg_err_set(
		    err, HG_EINPUT,
		    "the intervention library has no model parameter '%s' (rows with "
		    "intervention 'model'): add it, or give it with set: model.%s = V",
		    name, name);
	*out = st ? st->value : p->dist.value;
	return 0;
}

int hg_econ_model_get(const hg_library *l, const hg_scn_set *sets, size_t nsets, hg_econ_model *m,
                      hg_err *err)
{
	static const char *const one[] = {"discount_rate", "threshold_low", "threshold_high", "k",
	                                  "aversion",      "kolm_alpha"};
	double *slot[] = {&m->discount, &m->threshold_low, &m->threshold_high,
	                  &m->k,        &m->aversion,      &m->kolm_alpha};
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < sizeof one / sizeof *one; i++)
		if (model_value(l, sets, nsets, one[i], slot[i], err))
			return 1;
	for (int k = 0; k < 4; k++)
		for (int q = 0; q < HG_SCN_QUINTILES; q++) {
			char name[32];
			snprintf(name, sizeof name, "%s%d", q_prefixes[k], q + 1);
			if (model_value(l, sets, nsets, name, k ? &m->hoc[k - 1][q] : &m->qale[q],
			                err))
				return 1;
		}
	for (size_t i = 0; i < nsets; i++) { /* a set: of a model parameter that does not exist */
		int which;
		if (!strcmp(sets[i].endpoint, "model") && !pname_find(sets[i].name) &&
		    !quintile_param(sets[i].name, &which))
			return hg_err_set(err, HG_EINPUT,
			                  "scenario line %d: model has no parameter %s",
			                  sets[i].line, sets[i].name);
	}
	return 0;
}

/* ---- binding an intervention ---- */

static int endpoint_index(hg_intervention *iv, const hg_lib_param *p, hg_err *err)
{
	for (int i = 0; i < iv->base.nep; i++)
		if (!strcmp(iv->ep_name[i], p->endpoint))
			return i;
	if (iv->base.nep == HG_ECON_MAX_ENDPOINTS)
		return -hg_err_set(err, HG_EINPUT, "intervention %s has more than %d endpoints",
		                   iv->id, HG_ECON_MAX_ENDPOINTS);
	int i = iv->base.nep++;
	hg_econ_endpoint_init(&iv->base.ep[i]);
	iv->base.ep[i].kind = -1; /* set by its risk or rate row */
	snprintf(iv->ep_name[i], sizeof iv->ep_name[i], "%s", p->endpoint);
	snprintf(iv->ep_label[i], sizeof iv->ep_label[i], "%s", p->endpoint);
	return i;
}

static int bind_param(hg_intervention *iv, const hg_lib_param *p, const hg_scn_set *sets,
                      size_t nsets, hg_err *err)
{
	const hg_pname *pn = pname_find(p->name);
	if (pn->values == V_TEXT) {
		snprintf(iv->name, sizeof iv->name, "%s", p->label);
		return 0;
	}
	hg_bind b = {.par = p, .dist = p->dist, .prob = pn->values == V_PROB};
	if (apply_set(&b.dist, set_find(sets, nsets, p->endpoint, p->name), err))
		return 1;
	if (!strcmp(p->name, "indicator_share")) {
		iv->indicator_share = b.dist.value;
		return 0;
	}
	b.off = pn->off;
	if (pn->where == P_ENDPOINT) {
		int i = endpoint_index(iv, p, err);
		if (i < 0)
			return 1;
		if (p->label[0])
			snprintf(iv->ep_label[i], sizeof iv->ep_label[i], "%s", p->label);
		hg_econ_endpoint *e = &iv->base.ep[i];
		int kind = !strcmp(p->name, "risk")   ? HG_EP_RISK
		           : !strcmp(p->name, "rate") ? HG_EP_RATE
		                                      : -1;
		if (kind >= 0 && e->kind >= 0)
			return hg_err_set(err, HG_EINPUT,
			                  "endpoint %s.%s has both a risk and a rate: give one",
			                  iv->id, p->endpoint);
		if (kind >= 0)
			e->kind = kind;
		b.off += offsetof(hg_econ_params, ep) + (size_t)i * sizeof(hg_econ_endpoint);
	}
	*(double *)((char *)&iv->base + b.off) = b.dist.value;
	HG_GROW(iv->bind, iv->nbind, iv->bind_cap);
	iv->bind[iv->nbind++] = b;
	return 0;
}

static int bind_check(const hg_intervention *iv, const hg_library *l, hg_err *err)
{
	if (!iv->nbind)
		return 0;
	if (!iv->base.nep)
		return hg_err_set(err, HG_EINPUT,
		                  "intervention %s has no endpoint (a risk or rate row with an "
		                  "endpoint name): nothing would be averted",
		                  iv->id);
	for (int i = 0; i < iv->base.nep; i++) {
		if (iv->base.ep[i].kind < 0)
			return hg_err_set(err, HG_EINPUT,
			                  "endpoint %s.%s has neither a risk nor a rate row",
			                  iv->id, iv->ep_name[i]);
		if (!hg_library_find(l, iv->id, iv->ep_name[i], "rr"))
			return hg_err_set(
			    err, HG_EINPUT,
			    "endpoint %s.%s has no rr row (the relative risk with the "
			    "intervention)",
			    iv->id, iv->ep_name[i]);
	}
	return 0;
}

static int sets_known(const hg_intervention *iv, const hg_library *l, const hg_scn_set *sets,
                      size_t nsets, hg_err *err)
{
	for (size_t i = 0; i < nsets; i++)
		if (strcmp(sets[i].endpoint, "model") &&
		    !hg_library_find(l, iv->id, sets[i].endpoint, sets[i].name))
			return hg_err_set(
			    err, HG_EINPUT,
			    "scenario line %d: intervention %s has no parameter %s%s%s to "
			    "set",
			    sets[i].line, iv->id, sets[i].endpoint, sets[i].endpoint[0] ? "." : "",
			    sets[i].name);
	return 0;
}

int hg_intervention_bind(const hg_library *l, const char *id, const hg_scn_set *sets, size_t nsets,
                         double discount, hg_intervention *iv, hg_err *err)
{
	memset(iv, 0, sizeof *iv);
	snprintf(iv->id, sizeof iv->id, "%s", id);
	snprintf(iv->name, sizeof iv->name, "%s", id);
	hg_econ_params_init(&iv->base);
	iv->base.discount = discount;
	iv->indicator_share = 1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < l->n; i++)
		if (!strcmp(l->v[i].intervention, id)) {
			rc = bind_param(iv, &l->v[i], sets, nsets, err);
			if (rc)
				hg_err_wrap(err, "%s:%d", l->files[l->v[i].file].path,
				            l->v[i].line);
		}
	if (rc == 0 && !iv->nbind) {
		hg_suggest sg;
		hg_suggest_init(&sg, id);
		for (size_t i = 0; i < l->n; i++)
			if (strcmp(l->v[i].intervention, "model"))
				hg_suggest_add(&sg, l->v[i].intervention);
		rc = hg_err_set(err, HG_EINPUT,
		                "the intervention library has no intervention '%s'%s%s%s", id,
		                sg.best ? " (did you mean '" : "", sg.best ? sg.best : "",
		                sg.best ? "'?)" : "");
	}
	if (rc == 0)
		rc = bind_check(iv, l, err) || sets_known(iv, l, sets, nsets, err);
	if (rc)
		hg_intervention_free(iv);
	return rc;
}

void hg_intervention_free(hg_intervention *iv)
{
	free(iv->bind);
	iv->bind = NULL;
	iv->nbind = 0;
}

static double clamp_prob(double v)
{
	return v < 0 ? 0 : v > 0.999999 ? 0.999999 : v;
}

void hg_intervention_draw(const hg_intervention *iv, hg_rng *r, hg_econ_params *out)
{
	*out = iv->base;
	for (size_t k = 0; k < iv->nbind; k++) {
		const hg_bind *b = &iv->bind[k];
		if (b->dist.kind == HG_DIST_FIXED)
			continue;
		double v = hg_dist_draw(&b->dist, r);
		if (b->prob)
			v = clamp_prob(v);
		*(double *)((char *)out + b->off) = v;
	}
}

void hg_intervention_with(const hg_intervention *iv, size_t k, double v, hg_econ_params *out)
{
	*out = iv->base;
	*(double *)((char *)out + iv->bind[k].off) = iv->bind[k].prob ? clamp_prob(v) : v;
}
