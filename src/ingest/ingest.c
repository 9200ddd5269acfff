/*
 * ingest.c: the ingest pipeline. Reference data -> persons -> events ->
 * snapshot (columns, dictionaries, quarantine files, ingest report,
 * manifest) -> publish, unless a file's rejection rate exceeds the limit, in
 * which case the snapshot is kept for inspection but CURRENT is unchanged.
 */
#include "core/fs.h"
#include "core/version.h"
#include "store/schema.h"
#include "ingest_int.h"
#include "history.h"
#include "units.h"

#include <assert.h>
#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void hg_ingest_defaults(hg_ingest_params *p)
{
	memset(p, 0, sizeof *p);
	p->max_reject_rate = 0.01;
	p->extract_date = hg_date_today();
}

json_t *hg_ingest_counts_json(const hg_ingest_counts *c, const hg_quarantine *q,
                              const uint64_t *warn, int nwarn)
{
	json_t *o = json_object();
	json_object_set_new(o, "read", json_integer((json_int_t)c->read));
	json_object_set_new(o, "accepted", json_integer((json_int_t)c->accepted));
	json_object_set_new(o, "quarantined", json_integer((json_int_t)c->quarantined));
	json_t *r = json_object();
	for (int i = 0; i < HG_REJ_N; i++)
		if (q->by_reason[i])
			json_object_set_new(r, hg_reject_names[i],
			                    json_integer((json_int_t)q->by_reason[i]));
	json_object_set_new(o, "rejected_by_reason", r);
	json_t *w = json_object();
	for (int i = 0; i < nwarn; i++)
		if (warn[i])
			json_object_set_new(w, hg_warn_names[i], json_integer((json_int_t)warn[i]));
	json_object_set_new(o, "warnings", w);
	return o;
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

json_t *hg_completeness(const hg_persons *ps)
{
	uint64_t eth = 0, lsoa_blank = 0, unmatched = 0, noprac = 0;
	for (size_t i = 0; i < ps->n; i++) {
		eth += ps->eth_group[i] == HG_ETH_NOT_STATED;
		lsoa_blank += ps->lsoa[i] == HG_NONE32;
		unmatched += ps->lsoa[i] != HG_NONE32 && !ps->decile[i];
		noprac += ps->practice[i] == HG_NONE32;
	}
	json_t *o = json_object();
	json_object_set_new(o, "ethnicity_not_stated_pct", json_real(pct(eth, ps->n)));
	json_object_set_new(o, "lsoa_unknown_pct", json_real(pct(lsoa_blank, ps->n)));
	json_object_set_new(o, "lsoa_not_matched_to_imd_pct", json_real(pct(unmatched, ps->n)));
	json_object_set_new(o, "imd_unknown_pct", json_real(pct(lsoa_blank + unmatched, ps->n)));
	json_object_set_new(o, "no_practice_pct", json_real(pct(noprac, ps->n)));
	return o;
}

json_t *hg_ingest_source_json(const char *role, const char *path, hg_err *err)
{
	char hex[65];
	if (hg_hash_file_hex(path, hex, err))
		return NULL;
	json_t *o = json_object();
	char tmp[HG_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	json_object_set_new(o, "role", json_string(role));
	json_object_set_new(o, "file", json_string(basename(tmp)));
	json_object_set_new(o, "blake2b256", json_string(hex));
	return o;
}

/* Write column c of the schema (store/schema.h) from arr, rows elements. */
#define PUT(c, rows, arr)                                                                          \
	do {                                                                                       \
		assert(sizeof *(arr) == hg_store_cols[c].elem);                                    \
		if (hg_store_put(w, hg_store_cols[c].file, hg_store_cols[c].type, rows, arr,       \
		                 (size_t)(rows) * sizeof *(arr), err))                             \
			return -1;                                                                 \
	} while (0)

int hg_ingest_write_persons(hg_store_writer *w, const hg_persons *ps, hg_err *err)
{
	uint64_t n = ps->n;
	PUT(HG_COL_DOB, n, ps->dob);
	PUT(HG_COL_DOB_MONTH_ONLY, n, ps->dob_month_only);
	PUT(HG_COL_SEX, n, ps->sex);
	PUT(HG_COL_ETH_CAT, n, ps->eth_cat);
	PUT(HG_COL_ETH_GROUP, n, ps->eth_group);
	PUT(HG_COL_LSOA, n, ps->lsoa);
	PUT(HG_COL_IMD_DECILE, n, ps->decile);
	PUT(HG_COL_IMD_QUINTILE, n, ps->quintile);
	PUT(HG_COL_PRACTICE, n, ps->practice);
	PUT(HG_COL_REG_FROM, n, ps->reg_from);
	PUT(HG_COL_REG_TO, n, ps->reg_to);
	PUT(HG_COL_DOD, n, ps->dod);
	PUT(HG_COL_FLAGS, n, ps->flags);
	if (ps->reid_keys &&
	    hg_store_put(w, HG_REID_FILE, "b58", n, ps->reid, (size_t)n * HG_REID_BYTES, err))
		return -1;
	return hg_store_put_strings(w, hg_store_strs[HG_STR_PERSON_ID], ps->ids.keys, ps->ids.n,
	                            err);
}

static int write_events(hg_store_writer *w, const hg_events *ev, uint64_t np, hg_err *err)
{
	uint64_t n = ev->n;
	PUT(HG_COL_EV_OFFSET, np + 1, ev->off);
	PUT(HG_COL_EV_DATE, n, ev->date);
	PUT(HG_COL_EV_CODE, n, ev->code);
	PUT(HG_COL_EV_VALUE, n, ev->value);
	PUT(HG_COL_EV_SETTING, n, ev->setting);
	return hg_store_put_strings(w, hg_store_strs[HG_STR_CODE], ev->codes.keys, ev->codes.n,
	                            err);
}

/* The unit tables: pathways and appointments (empty when their files were not given). */
static int write_units(hg_store_writer *w, const hg_units *u, uint64_t np, hg_err *err)
{
	const hg_unit_rows *pw = &u->pw, *ap = &u->ap;
	PUT(HG_COL_PW_OFFSET, np + 1, pw->off);
	PUT(HG_COL_PW_START, pw->n, pw->d0);
	PUT(HG_COL_PW_STOP, pw->n, pw->d1);
	PUT(HG_COL_PW_SPECIALTY, pw->n, pw->spec);
	PUT(HG_COL_PW_PROVIDER, pw->n, pw->prov);
	PUT(HG_COL_PW_PRIORITY, pw->n, pw->k0);
	PUT(HG_COL_PW_REMOVAL, pw->n, pw->k1);
	PUT(HG_COL_AP_OFFSET, np + 1, ap->off);
	PUT(HG_COL_AP_DATE, ap->n, ap->d0);
	PUT(HG_COL_AP_SETTING, ap->n, ap->k0);
	PUT(HG_COL_AP_SPECIALTY, ap->n, ap->spec);
	PUT(HG_COL_AP_PROVIDER, ap->n, ap->prov);
	PUT(HG_COL_AP_TYPE, ap->n, ap->k1);
	PUT(HG_COL_AP_OUTCOME, ap->n, ap->k2);
	return hg_store_put_strings(w, hg_store_strs[HG_STR_SPECIALTY], u->specialties.keys,
	                            u->specialties.n, err) ||
	               hg_store_put_strings(w, hg_store_strs[HG_STR_PROVIDER], u->providers.keys,
	                                    u->providers.n, err)
	           ? -1
	           : 0;
}

/* Write string table k of the schema from n strings. */
static int put_strs(hg_store_writer *w, int k, const char **strs, uint32_t n, hg_err *err)
{
	return hg_store_put_strings(w, hg_store_strs[k], strs, n, err);
}

/* The practices' lookups: codes (core) and names (the place tables). */
static int write_practice_places(hg_store_writer *w, const hg_persons *ps, const hg_reference *ref,
                                 hg_err *err)
{
	uint32_t n = ps->practices.n;
	enum { PCN, SUB, NAME, PCN_NAME, SUB_NAME, NCOL };
	static const int strs[NCOL] = {HG_STR_PRACTICE_PCN, HG_STR_PRACTICE_SUBICB,
	                               HG_STR_PRACTICE_NAME, HG_STR_PCN_NAME, HG_STR_SUBICB_NAME};
	char **const src[NCOL] = {ref->pcn, ref->subicb, ref->prac_name, ref->pcn_name,
	                          ref->subicb_name};
	const char **col[NCOL];
	for (int k = 0; k < NCOL; k++)
		col[k] = hg_xcalloc((size_t)n + 1, sizeof *col[k]);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t id =
		    hg_dict_find(&ref->practice, ps->practices.keys[i], ps->practices.lens[i]);
		for (int k = 0; k < NCOL; k++)
			col[k][i] = id == HG_DICT_MISSING ? "" : src[k][id];
	}
	int r = 0;
	for (int k = 0; k < NCOL && !r; k++)
		r = put_strs(w, strs[k], col[k], n, err);
	for (int k = 0; k < NCOL; k++)
		free(col[k]);
	return r ? -1 : 0;
}

typedef struct {
	uint32_t rank, lsoa;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* The local IMD quintile of each of the store's LSOAs (docs/data-model.md "Places"): the
 * LSOAs with a national rank, in rank order, cut into five groups of equal count. */
static uint8_t *local_quintiles(const hg_persons *ps, const hg_reference *ref)
{
	uint32_t n = ps->lsoas.n, m = 0;
	uint8_t *q = hg_xcalloc((size_t)n + 1, 1);
	ranked *r = hg_xmalloc(((size_t)n + 1) * sizeof *r);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = hg_reference_rank(ref, ps->lsoas.keys[i], ps->lsoas.lens[i]);
		if (k)
			r[m++] = (ranked){k, i};
	}
	qsort(r, m, sizeof *r, cmp_ranked);
	for (uint32_t j = 0; j < m; j++)
		q[r[j].lsoa] = (uint8_t)(1 + (uint64_t)5 * j / m);
	free(r);
	return q;
}

/* The LSOAs' places (local authority, MSOA) and local quintile. */
static int write_lsoa_places(hg_store_writer *w, const hg_persons *ps, const hg_reference *ref,
                             hg_err *err)
{
	uint32_t n = ps->lsoas.n;
	const char **col[4];
	for (int k = 0; k < 4; k++)
		col[k] = hg_xcalloc((size_t)n + 1, sizeof *col[k]);
	for (uint32_t i = 0; i < n; i++) {
		hg_lsoa_places pl = hg_reference_places(ref, ps->lsoas.keys[i], ps->lsoas.lens[i]);
		col[0][i] = pl.la;
		col[1][i] = pl.la_name;
		col[2][i] = pl.msoa;
		col[3][i] = pl.msoa_name;
	}
	static const int strs[4] = {HG_STR_LSOA_LA, HG_STR_LSOA_LA_NAME, HG_STR_LSOA_MSOA,
	                            HG_STR_LSOA_MSOA_NAME};
	int r = 0;
	for (int k = 0; k < 4 && !r; k++)
		r = put_strs(w, strs[k], col[k], n, err);
	for (int k = 0; k < 4; k++)
		free(col[k]);
	if (r)
		return -1;
	uint8_t *q = local_quintiles(ps, ref);
	const hg_colspec *c = &hg_store_cols[HG_COL_LSOA_LOCAL_Q];
	r = hg_store_put(w, c->file, c->type, n, q, n, err);
	free(q);
	return r ? -1 : 0;
}

/* The history tables: registration and address periods (none when not given). */
static int write_history(hg_store_writer *w, const hg_history *h, uint64_t np, hg_err *err)
{
	const hg_spells *rg = &h->reg, *ad = &h->addr;
	PUT(HG_COL_RG_OFFSET, np + 1, rg->off);
	PUT(HG_COL_RG_FROM, rg->n, rg->from);
	PUT(HG_COL_RG_TO, rg->n, rg->to);
	PUT(HG_COL_RG_PRACTICE, rg->n, rg->place);
	PUT(HG_COL_AD_OFFSET, np + 1, ad->off);
	PUT(HG_COL_AD_FROM, ad->n, ad->from);
	PUT(HG_COL_AD_TO, ad->n, ad->to);
	PUT(HG_COL_AD_LSOA, ad->n, ad->place);
	return 0;
}

/* The history files in the manifest: counts, sources, ingest reports (gaps, moves). */
static int manifest_history(json_t *sources, json_t *counts, json_t *ing, const hg_ingest_params *p,
                            const hg_history *h, hg_err *err)
{
	const char *role[2] = {"registrations", "addresses"};
	const char *path[2] = {p->registrations_path, p->addresses_path};
	const hg_spells *r[2] = {&h->reg, &h->addr};
	for (int k = 0; k < 2; k++) {
		json_object_set_new(counts, role[k], json_integer((json_int_t)r[k]->n));
		if (!path[k])
			continue;
		json_t *s = hg_ingest_source_json(role[k], path[k], err);
		if (!s)
			return -1;
		json_array_append_new(sources, s);
		json_t *o = hg_ingest_counts_json(&r[k]->counts, &r[k]->quar, NULL, 0);
		json_object_set_new(o, "gaps", json_integer((json_int_t)r[k]->gaps));
		json_object_set_new(o, "moves_on_the_last_day",
		                    json_integer((json_int_t)r[k]->moves_same_day));
		json_object_set_new(ing, role[k], o);
	}
	return 0;
}

int hg_ingest_write_dicts(hg_store_writer *w, const hg_persons *ps, const hg_reference *ref,
                          hg_err *err)
{
	uint8_t *dec = hg_xcalloc(ps->lsoas.n + 1, 1);
	for (uint32_t i = 0; i < ps->lsoas.n; i++)
		dec[i] = (uint8_t)hg_reference_decile(ref, ps->lsoas.keys[i], ps->lsoas.lens[i]);
	const hg_colspec *c = &hg_store_cols[HG_COL_LSOA_DECILE];
	int r = hg_store_put(w, c->file, c->type, ps->lsoas.n, dec, ps->lsoas.n, err);
	free(dec);
	if (r || put_strs(w, HG_STR_LSOA, ps->lsoas.keys, ps->lsoas.n, err) ||
	    put_strs(w, HG_STR_PRACTICE, ps->practices.keys, ps->practices.n, err) ||
	    write_practice_places(w, ps, ref, err) || write_lsoa_places(w, ps, ref, err))
		return -1;
	return 0;
}

int hg_ingest_write_quarantine(hg_store_writer *w, const char *name, const hg_quarantine *q,
                               hg_err *err)
{
	hg_buf b = {0};
	hg_buf_puts(&b, "line,field,reason,record\n");
	hg_buf_put(&b, q->csv.p, q->csv.n);
	int r = hg_store_put_file(w, name, b.p, b.n, err);
	hg_buf_free(&b);
	return r;
}

/* Is there a SYNTHETIC marker beside persons.csv (written by healthgap synth)? */
static int hg_synthetic_population(const hg_ingest_params *p)
{
	char tmp[HG_PATH_MAX], path[HG_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", p->persons_path);
	snprintf(path, sizeof path, "%s/SYNTHETIC", dirname(tmp));
	return hg_path_exists(path);
}

/* The unit files in the manifest: their sources, counts and ingest reports. */
static int manifest_units(json_t *m, json_t *sources, json_t *counts, json_t *ing,
                          const hg_ingest_params *p, const hg_units *u, hg_err *err)
{
	const char *role[2] = {"pathways", "appointments"};
	const char *path[2] = {p->pathways_path, p->appointments_path};
	const hg_unit_rows *r[2] = {&u->pw, &u->ap};
	for (int k = 0; k < 2; k++) {
		json_object_set_new(counts, role[k], json_integer((json_int_t)r[k]->n));
		if (!path[k])
			continue;
		json_t *s = hg_ingest_source_json(role[k], path[k], err);
		if (!s)
			return -1;
		json_array_append_new(sources, s);
		json_object_set_new(ing, role[k],
		                    hg_ingest_counts_json(&r[k]->counts, &r[k]->quar, NULL, 0));
	}
	json_object_set_new(counts, "specialties", json_integer(u->specialties.n));
	json_object_set_new(counts, "providers", json_integer(u->providers.n));
	(void)m;
	return 0;
}

/* Where ethnicity came from (ethnicity.c when derived from the record). */
static json_t *ethnicity_json(const hg_persons *ps, const hg_eth_derive *d)
{
	json_t *o = json_object();
	if (!d->on) {
		json_object_set_new(
		    o, "source",
		    json_string(ps->has_eth ? "persons.csv ethnicity column" : "none"));
		return o;
	}
	char tmp[HG_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", d->source);
	json_object_set_new(o, "source", json_string("latest recorded code"));
	json_object_set_new(o, "codelist", json_string(basename(tmp)));
	json_object_set_new(o, "codelist_codes", json_integer(d->listed));
	json_object_set_new(o, "codes_in_events", json_integer(d->found));
	json_object_set_new(o, "from_codes", json_integer((json_int_t)d->from_codes));
	json_object_set_new(o, "not_stated_codes_only", json_integer((json_int_t)d->not_stated));
	json_object_set_new(o, "from_hospital", json_integer((json_int_t)d->from_hospital));
	json_object_set_new(o, "none_recorded", json_integer((json_int_t)d->none));
	json_object_set_new(o, "conflicts_on_latest_date", json_integer((json_int_t)d->conflicts));
	json_object_set_new(o, "hospital_fallback", json_boolean(ps->has_eth_hosp));
	return o;
}

static json_t *hg_manifest(const hg_ingest_params *p, const hg_reference *ref, const hg_persons *ps,
                           const hg_events *ev, const hg_units *u, const hg_history *h,
                           const hg_eth_derive *ed, const hg_key *key, hg_err *err)
{
	json_t *m = json_object();
	char d[11];
	json_object_set_new(m, "format", json_string("healthgap-store"));
	json_object_set_new(m, "format_version", json_integer(HG_STORE_FORMAT_VERSION));
	json_object_set_new(m, "software_version", json_string("healthgap " HG_VERSION));
	time_t now = time(NULL);
	char ts[32];
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_set_new(m, "created", json_string(ts));
	json_object_set_new(m, "extract_date", json_string(hg_date_format(p->extract_date, d)));
	if (p->area_name) /* marks every output with it (engine/status.h) */
		json_object_set_new(m, "area_name", json_string(p->area_name));
	/* a population written by healthgap synth (SYNTHETIC beside persons.csv) */
	json_object_set_new(m, "synthetic_population", json_boolean(hg_synthetic_population(p)));
	json_t *imd = json_object();
	json_object_set_new(imd, "version", json_string(ref->imd_version));
	json_object_set_new(imd, "lsoa_vintage", json_string(ref->lsoa_vintage));
	json_object_set_new(imd, "synthetic", json_boolean(ref->synthetic));
	json_object_set_new(imd, "lsoas_in_file", json_integer(ref->n_lsoa));
	json_t *sources = json_array();
	json_t *s1 = hg_ingest_source_json("persons", p->persons_path, err);
	json_t *s2 = s1 ? hg_ingest_source_json("events", p->events_path, err) : NULL;
	if (!s1 || !s2) {
		json_decref(s1);
		json_decref(imd);
		json_decref(sources);
		json_decref(m);
		return NULL;
	}
	json_array_append_new(sources, s1);
	json_array_append_new(sources, s2);
	if (ref->imd_source[0]) {
		json_t *s3 = hg_ingest_source_json("imd", ref->imd_source, err);
		if (s3)
			json_array_append_new(sources, s3);
	}
	if (ref->practice_source[0]) {
		json_t *s4 = hg_ingest_source_json("practices", ref->practice_source, err);
		if (s4)
			json_array_append_new(sources, s4);
	}
	if (ref->lookup_source[0]) {
		json_t *s5 = hg_ingest_source_json("lsoa_lookup", ref->lookup_source, err);
		if (s5)
			json_array_append_new(sources, s5);
	}
	json_object_set_new(m, "imd", imd);
	json_object_set_new(m, "sources", sources);
	json_t *counts = json_object();
	json_object_set_new(counts, "persons", json_integer((json_int_t)ps->n));
	json_object_set_new(counts, "events", json_integer((json_int_t)ev->n));
	json_object_set_new(counts, "codes", json_integer(ev->codes.n));
	json_object_set_new(counts, "lsoas", json_integer(ps->lsoas.n));
	json_object_set_new(counts, "practices", json_integer(ps->practices.n));
	json_object_set_new(counts, "places", json_integer(1)); /* the place tables are here */
	json_t *bys = json_object();
	for (int i = 0; i < HG_SET_N; i++)
		json_object_set_new(bys, hg_setting_names[i],
		                    json_integer((json_int_t)ev->by_setting[i]));
	json_object_set_new(counts, "events_by_setting", bys);
	json_object_set_new(m, "counts", counts);
	if (ps->reid_keys) { /* how many can be re-identified, by how many practices' keys */
		json_t *r = json_object();
		json_object_set_new(r, "practice_keys", json_integer((json_int_t)ps->reid_keys->n));
		json_object_set_new(r, "people_sealed", json_integer((json_int_t)ps->reid_sealed));
		json_object_set_new(m, "reidentification", r);
	}
	json_t *range = json_object();
	json_object_set_new(range, "first_event",
	                    ev->n ? json_string(hg_date_format(ev->min_date, d)) : json_null());
	json_object_set_new(range, "last_event",
	                    ev->n ? json_string(hg_date_format(ev->max_date, d)) : json_null());
	json_object_set_new(m, "date_range", range);
	json_object_set_new(m, "completeness", hg_completeness(ps));
	json_object_set_new(m, "ethnicity", ethnicity_json(ps, ed));
	json_t *flags = json_array();
	for (uint32_t i = 0; i < ps->n_flags; i++)
		json_array_append_new(flags, json_string(ps->flag_names[i]));
	json_object_set_new(m, "flags", flags);
	json_t *pseudo = json_object();
	json_object_set_new(pseudo, "method",
	                    json_string(ps->has_nhs ? "HMAC-SHA256 of the NHS number"
	                                            : "none: person_id supplied as a pseudonym"));
	if (ps->has_nhs)
		json_object_set_new(pseudo, "key_id", json_string(key->id));
	json_object_set_new(m, "pseudonymisation", pseudo);
	json_t *ing = json_object();
	json_object_set_new(ing, "persons",
	                    hg_ingest_counts_json(&ps->counts, &ps->quar, ps->warn, HG_WARN_N));
	json_object_set_new(ing, "events", hg_ingest_counts_json(&ev->counts, &ev->quar, NULL, 0));
	if (manifest_units(m, sources, counts, ing, p, u, err) ||
	    manifest_history(sources, counts, ing, p, h, err)) {
		json_decref(ing);
		json_decref(m);
		return NULL;
	}
	json_object_set_new(ing, "max_reject_rate", json_real(p->max_reject_rate));
	json_object_set_new(m, "ingest", ing);
	return m;
}

void hg_ingest_print_counts(const char *label, const char *path, const hg_ingest_counts *c,
                            const hg_quarantine *q, const uint64_t *warn, int nwarn,
                            const hg_datefmt *df)
{
	char first[600];
	printf("%s (%s): read %llu = accepted %llu + quarantined %llu (%.2f%%)\n", label, path,
	       (unsigned long long)c->read, (unsigned long long)c->accepted,
	       (unsigned long long)c->quarantined, pct(c->quarantined, c->read));
	for (int i = 0; i < HG_REJ_N; i++)
		if (q->by_reason[i]) {
			printf("    rejected: %-40s %llu\n", hg_reject_names[i],
			       (unsigned long long)q->by_reason[i]);
			hg_first_describe(q, (enum hg_reject)i, df, first, sizeof first);
			printf("              first at %s\n", first);
		}
	for (int i = 0; i < nwarn; i++)
		if (warn[i])
			printf("    warning:  %-40s %llu\n", hg_warn_names[i],
			       (unsigned long long)warn[i]);
}

static int find_reference(const hg_ingest_params *p, char *out, size_t cap)
{
	if (p->reference_dir) {
		snprintf(out, cap, "%s", p->reference_dir);
		return 1;
	}
	char tmp[HG_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", p->persons_path);
	snprintf(out, cap, "%s/reference", dirname(tmp));
	return hg_is_dir(out);
}

static int ingest_write(const hg_ingest_params *p, const hg_reference *ref, const hg_persons *ps,
                        const hg_events *ev, const hg_units *u, const hg_history *h,
                        const hg_eth_derive *ed, const hg_key *key, int publish,
                        hg_ingest_result *res, hg_err *err)
{
	hg_store_writer w;
	if (hg_store_begin(&w, p->store_dir, err))
		return -1;
	json_t *m = NULL;
	if (hg_ingest_write_persons(&w, ps, err) || write_events(&w, ev, ps->n, err) ||
	    hg_ingest_write_dicts(&w, ps, ref, err) ||
	    hg_ingest_write_quarantine(&w, "quarantine_persons.csv", &ps->quar, err) ||
	    hg_ingest_write_quarantine(&w, "quarantine_events.csv", &ev->quar, err) ||
	    write_units(&w, u, ps->n, err) || write_history(&w, h, ps->n, err) ||
	    (h->reg.given &&
	     hg_ingest_write_quarantine(&w, "quarantine_registrations.csv", &h->reg.quar, err)) ||
	    (h->addr.given &&
	     hg_ingest_write_quarantine(&w, "quarantine_addresses.csv", &h->addr.quar, err)) ||
	    (u->pw.given &&
	     hg_ingest_write_quarantine(&w, "quarantine_pathways.csv", &u->pw.quar, err)) ||
	    (u->ap.given &&
	     hg_ingest_write_quarantine(&w, "quarantine_appointments.csv", &u->ap.quar, err)) ||
	    !(m = hg_manifest(p, ref, ps, ev, u, h, ed, key, err)) ||
	    hg_store_commit(&w, m, publish, res->snapshot, err)) {
		if (m)
			json_decref(m);
		hg_store_abort(&w);
		return -1;
	}
	json_decref(m);
	return 0;
}

int hg_ingest_verdict(hg_ingest_result *res, int over, double max_reject_rate, hg_err *err)
{
	res->published = !over;
	if (!over)
		return 0;
	return hg_err_set(err, HG_EREJECT,
	                  "rejection rate above --max-reject-rate %.4g%%: snapshot %s was written "
	                  "(see its quarantine_*.csv) but not made current",
	                  100.0 * max_reject_rate, res->snapshot);
}

int hg_ingest_run(const hg_ingest_params *p, hg_ingest_result *res, hg_err *err)
{
	memset(res, 0, sizeof *res);
	if (sodium_init() < 0)
		return hg_err_set(err, HG_EIO, "libsodium failed to initialise");
	hg_datefmt df; /* the options' errors before any file is read */
	if (hg_datefmt_init(&df, p->date_format, err) || hg_encoding_kind(p->encoding, err) < 0)
		return HG_EUSAGE;
	char refdir[HG_PATH_MAX];
	int have_ref = find_reference(p, refdir, sizeof refdir);
	hg_reference ref;
	if (hg_reference_load(&ref, have_ref ? refdir : NULL, p->imd_version, err) ||
	    (p->lsoa_lookup && hg_reference_load_lookup(&ref, p->lsoa_lookup, err))) {
		hg_reference_free(&ref);
		return err->code;
	}
	hg_key key, *keyp = NULL;
	if (p->key_file) {
		if (hg_key_load(&key, p->key_file, err)) {
			hg_reference_free(&ref);
			return err->code;
		}
		keyp = &key;
	}
	hg_reid_keys reid, *reidp = NULL;
	if (p->reid_keys) {
		if (!p->key_file || hg_reid_keys_load(&reid, p->reid_keys, err)) {
			if (!p->key_file)
				hg_err_set(err, HG_EUSAGE,
				           "--reid-keys seals NHS numbers: it needs an nhs_number "
				           "column and --key-file");
			if (keyp)
				sodium_memzero(&key, sizeof key);
			hg_reference_free(&ref);
			return err->code;
		}
		reidp = &reid;
	}
	hg_progress prog = {.on = p->progress, .last_pct = -1};
	if (p->append) { /* a batch added to the store's current snapshot (append.c) */
		int rc = reidp ? hg_err_set(err, HG_EUSAGE,
		                            "--append cannot seal NHS numbers (--reid-keys) yet: "
		                            "re-ingest the whole extract with them")
		               : hg_append_run(p, &ref, keyp, &prog, res, err);
		if (keyp)
			sodium_memzero(&key, sizeof key);
		if (reidp)
			hg_reid_keys_free(&reid);
		hg_reference_free(&ref);
		return rc == 0 || rc == HG_EREJECT ? rc : err->code ? err->code : HG_EIO;
	}
	hg_persons ps;
	hg_events ev;
	memset(&ev, 0, sizeof ev);
	int rc = hg_persons_load(&ps, p, &ref, keyp, reidp, &prog, err);
	hg_history hist;
	memset(&hist, 0, sizeof hist);
	if (!rc)
		rc = hg_history_load(&hist, &ps, &ref, p, err);
	if (!rc) {
		atomic_store(&prog.done, 0);
		prog.last_pct = -1;
		rc = hg_events_load(&ev, &ps, p, &prog, err);
	}
	hg_eth_derive ed = {0};
	if (!rc)
		rc = hg_ethnicity_derive(&ps, &ev, p->ethnicity_codelist, &ed, err);
	hg_units un;
	memset(&un, 0, sizeof un);
	if (!rc)
		rc = hg_units_load(&un, &ps, p, &prog, err);
	if (!rc) {
		res->persons = ps.counts;
		res->events = ev.counts;
		res->pathways = un.pw.counts;
		res->appointments = un.ap.counts;
		res->registrations = hist.reg.counts;
		res->addresses = hist.addr.counts;
		double lim = 100.0 * p->max_reject_rate;
		int over = pct(ps.counts.quarantined, ps.counts.read) > lim ||
		           pct(ev.counts.quarantined, ev.counts.read) > lim ||
		           pct(un.pw.counts.quarantined, un.pw.counts.read) > lim ||
		           pct(un.ap.counts.quarantined, un.ap.counts.read) > lim ||
		           pct(hist.reg.counts.quarantined, hist.reg.counts.read) > lim ||
		           pct(hist.addr.counts.quarantined, hist.addr.counts.read) > lim;
		rc = ingest_write(p, &ref, &ps, &ev, &un, &hist, &ed, keyp, !over, res, err);
		if (!rc && !p->quiet) {
			hg_ingest_print_counts("persons", p->persons_path, &ps.counts, &ps.quar,
			                       ps.warn, HG_WARN_N, &df);
			hg_ingest_print_counts("events", p->events_path, &ev.counts, &ev.quar, NULL,
			                       0, &df);
			if (hist.reg.given)
				hg_ingest_print_counts("registrations", p->registrations_path,
				                       &hist.reg.counts, &hist.reg.quar, NULL, 0,
				                       &df);
			if (hist.addr.given)
				hg_ingest_print_counts("addresses", p->addresses_path,
				                       &hist.addr.counts, &hist.addr.quar, NULL, 0,
				                       &df);
			if (ed.on)
				printf(
				    "ethnicity: latest recorded code for %llu, not stated codes "
				    "only "
				    "%llu, hospital-recorded %llu, none %llu (%llu conflicting on "
				    "the latest date)\n",
				    (unsigned long long)ed.from_codes,
				    (unsigned long long)ed.not_stated,
				    (unsigned long long)ed.from_hospital,
				    (unsigned long long)ed.none, (unsigned long long)ed.conflicts);
			if (un.pw.given)
				hg_ingest_print_counts("pathways", p->pathways_path, &un.pw.counts,
				                       &un.pw.quar, NULL, 0, &df);
			if (un.ap.given)
				hg_ingest_print_counts("appointments", p->appointments_path,
				                       &un.ap.counts, &un.ap.quar, NULL, 0, &df);
			if (ref.n_lsoa)
				printf("IMD: %s from %s%s\n", ref.imd_version, ref.imd_source,
				       ref.synthetic ? " (SYNTHETIC geography)" : "");
			else
				printf("IMD: none (no reference data given or found beside the "
				       "persons file): deprivation breakdowns will be Unknown\n");
		}
		if (!rc)
			rc = hg_ingest_verdict(res, over, p->max_reject_rate, err);
	}
	if (rc && rc != HG_EREJECT)
		rc = err && err->code ? err->code : HG_EIO;
	if (keyp)
		sodium_memzero(&key, sizeof key);
	hg_persons_free(&ps);
	hg_events_free(&ev);
	hg_units_free(&un);
	hg_history_free(&hist);
	hg_reference_free(&ref);
	if (reidp)
		hg_reid_keys_free(&reid);
	return rc;
}
