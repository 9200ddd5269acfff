/*
 * rescache.c: computing, indexing and querying the published results (see
 * rescache.h for the role rules enforced here).
 */
#include "server/rescache.h"
#include "core/json.h"
#include "engine/wlout.h"

#include "lang/lang.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HG_POP_BANDS 19 /* 0-4 ... 85-89, 90+ */

/* ---- population counts ---- */

/* Registered and alive on d by the store's one set of population rules (store.h), born by d. */
static int pop_registered(const hg_store *st, size_t p, hg_date d)
{
	return hg_store_registered_on(st, p, d) && hg_store_alive_on(st, p, d) && st->dob[p] <= d;
}

static void pop_add(hg_pop_counts *pc, uint32_t slot, const hg_store *st, size_t p, int band)
{
	int q = st->imd_quintile[p] <= 5 ? st->imd_quintile[p] : 0;
	int sex = st->sex[p] == HG_SEX_MALE ? 0 : st->sex[p] == HG_SEX_FEMALE ? 1 : -1;
	if (sex >= 0)
		pc->pyr[((slot * 6 + (uint32_t)q) * 2 + (uint32_t)sex) * HG_POP_BANDS + band]++;
	int e = st->eth_group[p] < HG_ETH_N ? st->eth_group[p] : HG_ETH_NOT_STATED;
	pc->eth[slot * HG_ETH_N + (uint32_t)e]++;
	pc->tot[slot]++;
	pc->imd_unk[slot] += q == 0;
	pc->eth_unk[slot] += e == HG_ETH_NOT_STATED;
}

static void pop_count(hg_pop_counts *pc, const hg_store *st)
{
	uint32_t ns = (uint32_t)st->practices.n + 1;
	pc->nprac = (uint32_t)st->practices.n;
	pc->pyr = hg_xcalloc((size_t)ns * 6 * 2 * HG_POP_BANDS, sizeof(double));
	pc->eth = hg_xcalloc((size_t)ns * HG_ETH_N, sizeof(double));
	pc->tot = hg_xcalloc(ns, sizeof(double));
	pc->imd_unk = hg_xcalloc(ns, sizeof(double));
	pc->eth_unk = hg_xcalloc(ns, sizeof(double));
	pc->as_at = st->extract_date != HG_DATE_NONE ? st->extract_date : hg_date_today();
	for (size_t p = 0; p < st->n_persons; p++) {
		if (!pop_registered(st, p, pc->as_at))
			continue;
		int age = hg_age_years(st->dob[p], pc->as_at);
		int band = age / 5 < HG_POP_BANDS - 1 ? age / 5 : HG_POP_BANDS - 1;
		pop_add(pc, st->practice[p], st, p, band);
		pop_add(pc, pc->nprac, st, p, band);
	}
}

static void pop_free(hg_pop_counts *pc)
{
	free(pc->pyr);
	free(pc->eth);
	free(pc->tot);
	free(pc->imd_unk);
	free(pc->eth_unk);
}

/* ---- loading ---- */

static void results_index(hg_results *r)
{
	const hg_program *pr = r->pr;
	r->grp = hg_xcalloc((size_t)pr->ninds, sizeof *r->grp);
	size_t k = 0;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		int ng = ind->nperiods * ind->nbds;
		r->grp[i] = hg_xcalloc((size_t)ng + 1, sizeof **r->grp);
		for (int g = 0; g < ng; g++) {
			r->grp[i][g] = k;
			int j = g / ind->nbds, b = g % ind->nbds;
			while (k < r->pub.t.n && r->pub.t.rows[k].ind == i &&
			       r->pub.t.rows[k].period == j && r->pub.t.rows[k].bd == b)
				k++;
		}
		r->grp[i][ng] = k;
	}
}

static void results_meta(hg_results *r, const hg_pack *pk, double secs, const char *area)
{
	snprintf(r->snapshot, sizeof r->snapshot, "%s", r->st.snapshot);
	snprintf(r->manifest_hash, sizeof r->manifest_hash, "%s", r->st.manifest_hash);
	snprintf(r->imd_version, sizeof r->imd_version, "%s", r->st.imd_version);
	snprintf(r->pack_hash, sizeof r->pack_hash, "%s", hg_pack_hash(pk));
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(r->computed_at, sizeof r->computed_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	r->seconds = secs;
	json_t *m = r->st.manifest;
	json_t *c = m ? json_object_get(m, "completeness") : NULL;
	r->completeness = c ? json_deep_copy(c) : json_object();
	/* ingest records synthetic reference data (healthgap synth) under imd.synthetic */
	hg_data_status_from_manifest(m, area, &r->status);
}

/* Where each indicator's measure rows (by period) and series rows start. */
static void results_an_index(hg_results *r)
{
	int ni = r->pr->ninds;
	const hg_analysis *a = &r->pub.an;
	r->ineq_at = hg_xcalloc((size_t)ni + 1, sizeof *r->ineq_at);
	r->mon_at = hg_xcalloc((size_t)ni + 1, sizeof *r->mon_at);
	size_t k = 0, m = 0;
	for (int i = 0; i < ni; i++) {
		int np = r->pub.inds[i]->nperiods;
		r->ineq_at[i] = hg_xcalloc((size_t)np + 1, sizeof **r->ineq_at);
		for (int j = 0; j < np; j++) {
			r->ineq_at[i][j] = k;
			while (k < a->nineq && a->ineq[k].ind == i && a->ineq[k].period == j)
				k++;
		}
		r->ineq_at[i][np] = k;
		r->mon_at[i] = m;
		while (m < a->nmon && a->mon[m].ind == i)
			m++;
	}
	r->mon_at[ni] = m;
}

/* For each indicator and period: are HG_AREA_MIN_PRACTICES practices behind the area's
 * figure? Counted from the published rows of its one-way practice breakdown (a practice is
 * listed when anyone is counted there); an indicator without one counts the store's
 * practices with registered patients. */
static void results_area_index(hg_results *r)
{
	const hg_program *pr = r->pr;
	int store_prac = 0;
	for (uint32_t p = 0; p < r->pop.nprac; p++)
		store_prac += r->pop.tot[p] > 0;
	r->area_ok = hg_xcalloc((size_t)pr->ninds + 1, sizeof *r->area_ok);
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		int b = -1;
		for (int k = 0; k < ind->nbds && b < 0; k++)
			if (ind->bds[k].n == 1 && ind->bds[k].kind[0] == HG_BD_PRACTICE)
				b = k;
		r->area_ok[i] = hg_xcalloc((size_t)ind->nperiods + 1, 1);
		for (int j = 0; j < ind->nperiods; j++) {
			size_t g = (size_t)(j * ind->nbds + b);
			size_t n = b < 0 ? (size_t)store_prac : r->grp[i][g + 1] - r->grp[i][g];
			r->area_ok[i][j] = n >= HG_AREA_MIN_PRACTICES;
		}
	}
}

/* The one-way practice breakdown of indicator i, or -1. */
static int practice_bd(const hg_indicator *ind)
{
	for (int k = 0; k < ind->nbds; k++)
		if (ind->bds[k].n == 1 && ind->bds[k].kind[0] == HG_BD_PRACTICE)
			return k;
	return -1;
}

double hg_results_peer_value(const hg_results *r, const hg_user *u, int i, int j,
                             const char *const *codes, size_t n, size_t *used)
{
	const hg_indicator *ind = r->pr->inds[i].ind;
	int b = practice_bd(ind);
	double num = 0, den = 0;
	*used = 0;
	if (b < 0 || j < 0 || j >= ind->nperiods ||
	    (ind->type != HG_IND_PROPORTION && ind->type != HG_IND_RATE))
		return NAN;
	size_t g = (size_t)(j * ind->nbds + b);
	for (size_t k = r->grp[i][g]; k < r->grp[i][g + 1]; k++) {
		const hg_row *row = &r->pub.t.rows[k];
		if (!strcmp(row->category, u->practice) || !isfinite(row->num) ||
		    !isfinite(row->den) || row->den <= 0)
			continue;
		for (size_t c = 0; c < n; c++)
			if (!strcmp(codes[c], row->category)) {
				num += row->num, den += row->den, (*used)++;
				break;
			}
	}
	return *used >= HG_PEER_MIN_PRACTICES && den > 0 ? num / den * ind->per : NAN;
}

/* A practice slot's share of its registered population in IMD quintile 1 (%), NaN if none. */
static double q1_share(const hg_pop_counts *pc, uint32_t slot)
{
	double q1 = 0;
	for (int sex = 0; sex < 2; sex++)
		for (int band = 0; band < HG_POP_BANDS; band++)
			q1 += pc->pyr[((size_t)(slot * 6 + 1) * 2 + (size_t)sex) * HG_POP_BANDS +
			              (size_t)band];
	return pc->tot[slot] > 0 ? 100 * q1 / pc->tot[slot] : NAN;
}

size_t hg_results_similar_practices(const hg_results *r, const hg_user *u, const char **codes,
                                    size_t n, double *share)
{
	long own = hg_store_practice_find(&r->st, u->practice);
	*share = own < 0 ? NAN : q1_share(&r->pop, (uint32_t)own);
	if (!isfinite(*share) || n == 0)
		return 0;
	double *dist = hg_xcalloc(n + 1, sizeof *dist);
	size_t m = 0;
	for (uint32_t p = 0; p < r->pop.nprac; p++) { /* keep the n nearest, by insertion */
		double d = fabs(q1_share(&r->pop, p) - *share);
		if ((long)p == own || !isfinite(d))
			continue;
		if (m == n && d >= dist[n - 1])
			continue;
		size_t k = m < n ? m++ : n - 1; /* when full, the farthest makes room */
		for (; k > 0 && dist[k - 1] > d; k--)
			dist[k] = dist[k - 1], codes[k] = codes[k - 1];
		dist[k] = d;
		codes[k] = hg_strtab_get(&r->st.practices, p);
	}
	free(dist);
	return m;
}

int hg_results_area_visible(const hg_results *r, const hg_user *u, int i, int j)
{
	return u->role != HG_ROLE_PRACTICE || r->area_ok[i][j];
}

int hg_results_load(hg_results **out, const hg_pack *pk, const char *store_dir, int sdc_k,
                    int threads, const hg_objectives *obj, const char *area_name,
                    const char *population, hg_err *err)
{
	if (sdc_k < 5)
		return hg_err_set(err, HG_EUSAGE, "the server always applies disclosure control");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hg_results *r = hg_xcalloc(1, sizeof *r);
	r->sdc_k = sdc_k;
	if (hg_store_open(&r->st, store_dir, err)) {
		free(r);
		return -1;
	}
	/* the same pipeline as `healthgap run`, with its analysis */
	hg_publish_opts po = {
	    .threads = threads, .sdc_k = sdc_k, .analyse = 1, .obj = obj, .population = population};
	if (hg_publish(pk, &r->st, &po, &r->pub, err)) {
		hg_store_close(&r->st);
		free(r);
		return -1;
	}
	r->pr = r->pub.pr;
	r->obj = obj;
	results_index(r);
	results_an_index(r);
	pop_count(&r->pop, &r->st);
	results_area_index(r);
	r->wl_as_at = hg_wl_default_as_at(&r->st);
	hg_respcache_init(&r->cache, 4096, (size_t)256 << 20);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	results_meta(r, pk,
	             (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	             area_name);
	*out = r;
	return 0;
}

void hg_results_free(hg_results *r)
{
	if (!r)
		return;
	if (r->grp)
		for (int i = 0; i < r->pr->ninds; i++)
			free(r->grp[i]);
	free(r->grp);
	if (r->ineq_at)
		for (int i = 0; i < r->pr->ninds; i++)
			free(r->ineq_at[i]);
	free(r->ineq_at);
	if (r->area_ok)
		for (int i = 0; i < r->pr->ninds; i++)
			free(r->area_ok[i]);
	free(r->area_ok);
	free(r->mon_at);
	hg_published_free(&r->pub);
	pop_free(&r->pop);
	if (r->completeness)
		json_decref(r->completeness);
	hg_respcache_free(&r->cache);
	hg_store_close(&r->st);
	free(r);
}

void hg_results_scope(const hg_user *u, char *buf, size_t size)
{
	if (u->role == HG_ROLE_PRACTICE)
		snprintf(buf, size, "p:%s", u->practice);
	else
		snprintf(buf, size, "%s", hg_role_sees_practices(u->role) ? "all" : "noprac");
}

/* ---- queries ---- */

void hg_pub_rows_free(hg_pub_rows *p)
{
	free(p->rows);
	memset(p, 0, sizeof *p);
}

int hg_results_find(const hg_results *r, const char *id)
{
	for (int i = 0; id && i < r->pr->ninds; i++)
		if (!strcmp(r->pr->inds[i].ind->id, id))
			return i;
	return -1;
}

/* Which dimension of a breakdown is practice: 0 or 1, or -1 if none. */
static int bd_practice_dim(const hg_breakdown *bd)
{
	for (int d = 0; d < bd->n; d++)
		if (bd->kind[d] == HG_BD_PRACTICE)
			return d;
	return -1;
}

int hg_results_bd_allowed(const hg_results *r, const hg_user *u, int i, int b)
{
	const hg_breakdown *bd = &r->pr->inds[i].ind->bds[b];
	int pd = bd_practice_dim(bd);
	switch (u->role) {
	case HG_ROLE_ANALYST:
	case HG_ROLE_ADMIN:
		return 1;
	case HG_ROLE_VIEWER:
		return pd < 0;
	case HG_ROLE_PRACTICE:
		return bd->n == 0 || pd >= 0;
	default:
		return 0;
	}
}

/* For the practice role: is this category about the user's own practice (or the area)? */
static int cat_allowed(const hg_breakdown *bd, const char *cat, const hg_user *u)
{
	if (u->role != HG_ROLE_PRACTICE || bd->n == 0)
		return 1;
	int pd = bd_practice_dim(bd);
	if (pd < 0)
		return 0;
	const char *sep = bd->n == 2 ? strstr(cat, " / ") : NULL;
	size_t n = strlen(u->practice);
	if (bd->n == 1)
		return !strcmp(cat, u->practice);
	if (!sep)
		return 0;
	if (pd == 0)
		return (size_t)(sep - cat) == n && !strncmp(cat, u->practice, n);
	return !strcmp(sep + 3, u->practice);
}

int hg_results_cat_allowed(const hg_results *r, const hg_user *u, int i, int b, const char *cat)
{
	return hg_results_bd_allowed(r, u, i, b) &&
	       cat_allowed(&r->pr->inds[i].ind->bds[b], cat, u);
}

static void pub_push(hg_pub_rows *p, const hg_results *r, const hg_row *row)
{
	HG_GROW(p->rows, p->n, p->cap);
	hg_pub_row_make(r->pr->inds[row->ind].ind, row, &p->rows[p->n++]);
}

int hg_results_periods(const hg_indicator *ind, const char *p, int *j0, int *j1, hg_err *err)
{
	*j0 = ind->nperiods - 1;
	*j1 = ind->nperiods;
	if (!p || !*p || !strcmp(p, "latest"))
		return HG_Q_OK;
	if (!strcmp(p, "all")) {
		*j0 = 0;
		return HG_Q_OK;
	}
	hg_date d;
	if (hg_date_parse(p, strlen(p), 0, &d, NULL))
		return hg_err_set(err, HG_Q_BAD, "period must be latest, all or YYYY-MM-DD");
	for (int j = 0; j < ind->nperiods; j++)
		if (ind->periods[j].end == d || ind->periods[j].start == d) {
			*j0 = j;
			*j1 = j + 1;
			return HG_Q_OK;
		}
	return hg_err_set(err, HG_Q_NOTFOUND, "no period ending or starting on %s", p);
}

/* Resolve the breakdown parameter into [*b0, *b1). */
static int query_bds(const hg_results *r, const hg_user *u, int i, const char *name, int *b0,
                     int *b1, hg_err *err)
{
	const hg_indicator *ind = r->pr->inds[i].ind;
	*b0 = 0;
	*b1 = ind->nbds;
	if (!name || !*name)
		return HG_Q_OK;
	for (int b = 0; b < ind->nbds; b++)
		if (!strcmp(ind->bds[b].name, name)) {
			if (!hg_results_bd_allowed(r, u, i, b))
				return hg_err_set(err, HG_Q_FORBIDDEN,
				                  "your role may not see the %s breakdown", name);
			*b0 = b;
			*b1 = b + 1;
			return HG_Q_OK;
		}
	return hg_err_set(err, HG_Q_NOTFOUND, "no breakdown '%s'", name);
}

int hg_results_query(const hg_results *r, const hg_user *u, const hg_query_spec *q,
                     hg_pub_rows *out, hg_err *err)
{
	memset(out, 0, sizeof *out);
	if (u->role == HG_ROLE_NONE)
		return hg_err_set(err, HG_Q_FORBIDDEN, "no role");
	int i = hg_results_find(r, q->indicator);
	if (i < 0)
		return hg_err_set(err, HG_Q_NOTFOUND, "no indicator '%s'",
		                  q->indicator ? q->indicator : "");
	const hg_indicator *ind = r->pr->inds[i].ind;
	int j0, j1, b0, b1, rc;
	if ((rc = hg_results_periods(ind, q->period, &j0, &j1, err)) != HG_Q_OK ||
	    (rc = query_bds(r, u, i, q->breakdown, &b0, &b1, err)) != HG_Q_OK)
		return rc;
	for (int j = j0; j < j1; j++)
		for (int b = b0; b < b1; b++) {
			if (!hg_results_bd_allowed(r, u, i, b) ||
			    (ind->bds[b].n == 0 && !hg_results_area_visible(r, u, i, j)))
				continue;
			size_t g = (size_t)(j * ind->nbds + b);
			for (size_t k = r->grp[i][g]; k < r->grp[i][g + 1]; k++)
				if (cat_allowed(&ind->bds[b], r->pub.t.rows[k].category, u))
					pub_push(out, r, &r->pub.t.rows[k]);
		}
	return HG_Q_OK;
}

/* ---- population ---- */

/* Disclosure-controlled counts of one additive set (n1 x n2 cross when n1 > 0). */
static json_t *pop_controlled(const double *raw, size_t n, int k, int n1, int n2, double *sum)
{
	hg_row *rows = hg_xcalloc(n, sizeof *rows);
	for (size_t i = 0; i < n; i++)
		rows[i].raw_num = raw[i];
	hg_sdc_group(rows, n, k, n1, n2);
	json_t *a = json_array();
	*sum = 0;
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(a, hg_json_num(rows[i].num));
		if (!isnan(rows[i].num))
			*sum += rows[i].num;
	}
	free(rows);
	return a;
}

static json_t *pop_pyramid(const hg_pop_counts *pc, uint32_t slot, int q, int k)
{
	double raw[2 * HG_POP_BANDS] = {0}, sum; /* band-major: band * 2 + sex */
	for (int qq = 0; qq < 6; qq++) {
		if (q >= 0 && qq != q)
			continue;
		for (int s = 0; s < 2; s++)
			for (int b = 0; b < HG_POP_BANDS; b++)
				raw[b * 2 + s] +=
				    pc->pyr[((slot * 6 + (uint32_t)qq) * 2 + (uint32_t)s) *
				                HG_POP_BANDS +
				            b];
	}
	json_t *cells = pop_controlled(raw, 2 * HG_POP_BANDS, k, HG_POP_BANDS, 2, &sum);
	json_t *m = json_array(), *f = json_array();
	for (int b = 0; b < HG_POP_BANDS; b++) {
		json_array_append(m, json_array_get(cells, (size_t)b * 2));
		json_array_append(f, json_array_get(cells, (size_t)b * 2 + 1));
	}
	json_decref(cells);
	char label[16];
	snprintf(label, sizeof label, "%d", q);
	return json_pack("{s:s, s:o, s:o, s:f}", "quintile", q < 0 ? "All" : label, "male", m,
	                 "female", f, "total", sum);
}

static json_t *pop_bands(void)
{
	json_t *a = json_array();
	char buf[16];
	for (int b = 0; b < HG_POP_BANDS; b++) {
		if (b == HG_POP_BANDS - 1)
			snprintf(buf, sizeof buf, "90+");
		else
			snprintf(buf, sizeof buf, "%d-%d", b * 5, b * 5 + 4);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static json_t *pop_eth(const hg_pop_counts *pc, uint32_t slot, int k)
{
	double sum;
	json_t *cells = pop_controlled(pc->eth + (size_t)slot * HG_ETH_N, HG_ETH_N, k, 0, 0, &sum);
	json_t *a = json_array();
	for (int e = 0; e < HG_ETH_N; e++)
		json_array_append_new(a, json_pack("{s:s, s:O}", "group", hg_ethgroup_names[e],
		                                   "count", json_array_get(cells, (size_t)e)));
	json_decref(cells);
	return a;
}

static json_t *pop_completeness(const hg_pop_counts *pc, uint32_t slot, int k)
{
	double raw[3] = {pc->tot[slot], pc->imd_unk[slot], pc->eth_unk[slot]};
	json_t *o = json_object();
	const char *names[3] = {"registered", "imd_unknown", "ethnicity_not_stated"};
	double v[3];
	for (int i = 0; i < 3; i++) {
		v[i] = hg_sdc_count(raw[i], k);
		json_object_set_new(o, names[i], hg_json_num(v[i]));
	}
	json_object_set_new(o, "imd_unknown_pct", hg_json_num(v[0] > 0 ? 100 * v[1] / v[0] : NAN));
	json_object_set_new(o, "ethnicity_not_stated_pct",
	                    hg_json_num(v[0] > 0 ? 100 * v[2] / v[0] : NAN));
	return o;
}

json_t *hg_results_population(const hg_results *r, const hg_user *u)
{
	const hg_pop_counts *pc = &r->pop;
	uint32_t slot = pc->nprac;
	json_t *o = json_object();
	char d[11];
	json_object_set_new(o, "as_at", json_string(hg_date_format(pc->as_at, d)));
	if (u->role == HG_ROLE_PRACTICE) {
		slot = UINT32_MAX;
		for (uint32_t p = 0; p < pc->nprac; p++)
			if (!strcmp(hg_strtab_get(&r->st.practices, p), u->practice))
				slot = p;
		json_object_set_new(o, "scope", json_string(u->practice));
		if (slot == UINT32_MAX)
			return o; /* no one registered there: nothing to show */
	} else {
		json_object_set_new(o, "scope", json_string("area"));
	}
	json_object_set_new(o, "age_bands", pop_bands());
	json_t *pyr = json_array();
	json_array_append_new(pyr, pop_pyramid(pc, slot, -1, r->sdc_k));
	for (int q = 1; q <= 5; q++)
		json_array_append_new(pyr, pop_pyramid(pc, slot, q, r->sdc_k));
	json_object_set_new(o, "pyramids", pyr);
	json_object_set_new(o, "ethnicity", pop_eth(pc, slot, r->sdc_k));
	json_object_set_new(o, "completeness", pop_completeness(pc, slot, r->sdc_k));
	return o;
}
