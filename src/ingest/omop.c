/*
 * omop.c: `ingest --omop DIR`: OMOP CDM v5.4 tables (CSV) into the native row
 * stream (issue 15, part 5; docs/omop.md).
 *
 * The tables are read once each, row by row, in this order: location and
 * care_site (ids to LSOAs and practices), person (kept: one compact record a
 * person, so memory grows with people, not events), death, visit_occurrence
 * (visit id to setting: one entry a visit), observation_period (written out
 * as registrations.csv at once), location_history (addresses.csv), then the
 * five event tables streamed into events.csv; persons.csv is written last,
 * when flags and deaths are known. Nothing is validated here beyond what the
 * mapping needs (a table's header): every value goes on to the native rules,
 * and one that cannot be mapped goes on as a text saying why, which those
 * rules reject, naming it.
 */
#include "ingest_int.h"
#include "omop.h"
#include "omop_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int hg_omop_codes_parse(const char *s, hg_err *err)
{
	if (!strcmp(s, "source"))
		return HG_OMOP_CODES_SOURCE;
	if (!strcmp(s, "concept"))
		return HG_OMOP_CODES_CONCEPT;
	hg_err_set(err, HG_EUSAGE,
	           "--omop-codes '%s': give source (each row's *_source_value, the default) or "
	           "concept (its *_concept_id)",
	           s);
	return -1;
}

/* An OMOP table being read. */
typedef struct {
	hg_csv c;
	char file[64]; /* "person.csv", for omop_source */
	int open;
	const char *const *known; /* the columns read, not suggested for a missing one */
} otab;

static int otab_open(otab *t, const hg_omop_params *p, const char *table, int required, hg_err *err)
{
	memset(t, 0, sizeof *t);
	snprintf(t->file, sizeof t->file, "%s.csv", table);
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", p->dir, t->file);
	if (!hg_path_exists(path)) {
		if (required)
			return hg_err_set(err, HG_EINPUT,
			                  "%s: no %s: the OMOP %s table is required (export it as "
			                  "CSV with a header row, named %s)",
			                  p->dir, t->file, table, t->file);
		return 0;
	}
	if (hg_source_open(&t->c, path, p->encoding, 1, err))
		return -1;
	t->open = 1;
	if (!hg_csv_next(&t->c)) {
		hg_csv_close(&t->c);
		t->open = 0;
		return hg_err_set(err, HG_EINPUT, "%s: empty: an OMOP table needs a header row",
		                  path);
	}
	return 0;
}

static void otab_close(otab *t)
{
	if (t->open)
		hg_csv_close(&t->c);
	t->open = 0;
}

/* Column col of the table; a required one missing is an error naming the table. */
static int otab_col(otab *t, const char *col, int required, int *out, hg_err *err)
{
	*out = hg_csv_col(&t->c, col);
	if (*out >= 0 || !required)
		return 0;
	char what[160];
	snprintf(what, sizeof what, "no %s column (the OMOP CDM v5.4 %.*s table has it)", col,
	         (int)(strlen(t->file) - 4), t->file);
	return hg_header_missing(&t->c, what, col, t->known, err);
}

static hg_sv fld(const otab *t, int col)
{
	return hg_sv_trim(hg_csv_field(&t->c, col));
}

/* ---- state ---- */

#define NONE UINT32_MAX

typedef struct {
	const hg_omop_params *p;
	hg_dict strs;                 /* interned strings: ids, LSOAs, practices, dates, texts */
	hg_dict loc_ids, cs_ids;      /* location_id, care_site_id -> row */
	uint32_t *loc_lsoa, *cs_prac; /* ... -> string */
	hg_dict person_ids;           /* OMOP person_id -> person */
	struct person {
		uint64_t line;
		uint32_t nid, care, dod, rprac, rfrom, rto;
		hg_date rstart, dob;
		uint64_t flags, flags_bad; /* set; given a value other than blank, 0, 1 */
	} * pers;
	size_t np, cap_p, cap_off;
	hg_buf pre; /* each person's first columns, rendered */
	uint64_t *pre_off;
	hg_dict visit_ids;
	uint32_t *visit_setting; /* -> string: a setting name, or why not */
	uint32_t cap_v;
	char flag_names[HG_MAX_FLAGS][64];
	uint32_t n_flags;
	hg_omop_native *out;
} omop;

static uint32_t str_id(omop *o, hg_sv s)
{
	return hg_dict_intern(&o->strs, s.p, s.n, NULL);
}

static uint32_t str_fmt(omop *o, const char *fmt, hg_sv v)
{
	char buf[160];
	snprintf(buf, sizeof buf, fmt, (int)(v.n < 40 ? v.n : 40), v.p);
	return str_id(o, hg_sv_from(buf));
}

static hg_sv str_of(const omop *o, uint32_t id)
{
	if (id == NONE)
		return (hg_sv){"", 0};
	return (hg_sv){o->strs.keys[id], o->strs.lens[id]};
}

/* "TABLE.csv:LINE", the omop_source of a converted row. */
static void put_source(hg_omop_out *w, const otab *t)
{
	char src[96];
	snprintf(src, sizeof src, "%s:%llu", t->file, (unsigned long long)t->c.line);
	hg_omop_out_str(w, src);
}

/* ---- location, care_site: id -> value ---- */

static int load_lookup(omop *o, const char *table, const char *id_col, const char *val_col,
                       hg_dict *ids, uint32_t **vals, hg_err *err)
{
	otab t;
	if (otab_open(&t, o->p, table, 0, err))
		return -1;
	if (!t.open)
		return 0;
	int ci, cv, rc = -1;
	if (otab_col(&t, id_col, 1, &ci, err) || otab_col(&t, val_col, 1, &cv, err))
		goto out;
	uint32_t cap = 0;
	while (hg_csv_next(&t.c)) {
		hg_sv id = fld(&t, ci);
		int ins;
		uint32_t k = hg_dict_intern(ids, id.p, id.n, &ins);
		if (!ins)
			continue; /* the first row of an id counts */
		HG_GROW(*vals, k, cap);
		(*vals)[k] = str_id(o, fld(&t, cv));
	}
	rc = 0;
out:
	otab_close(&t);
	return rc;
}

/* The value an id refers to, or a text saying the id is not in its table. */
static uint32_t lookup(omop *o, const hg_dict *ids, const uint32_t *vals, hg_sv id,
                       const char *what)
{
	if (!id.n)
		return NONE;
	uint32_t k = hg_dict_find(ids, id.p, id.n);
	if (k != HG_DICT_MISSING)
		return vals[k];
	char fmt[96];
	snprintf(fmt, sizeof fmt, "%s %%.*s not in %s.csv", what,
	         !strcmp(what, "location_id") ? "location" : "care_site");
	return str_fmt(o, fmt, id);
}

/* ---- person ---- */

enum {
	P_ID,
	P_GENDER,
	P_YEAR,
	P_MONTH,
	P_DAY,
	P_BIRTH_DT,
	P_RACE,
	P_RACE_SRC,
	P_RACE_SRC_C,
	P_LOC,
	P_CARE,
	P_SRC,
	P_N
};

static const char *const person_fields[P_N + 1] = {
    "person_id",       "gender_concept_id", "year_of_birth",
    "month_of_birth",  "day_of_birth",      "birth_datetime",
    "race_concept_id", "race_source_value", "race_source_concept_id",
    "location_id",     "care_site_id",      "person_source_value"};

/* date_of_birth from year, month and day (YYYY-MM when the day is not given), into buf. */
static hg_sv dob_text(const otab *t, const int *col, char *buf, size_t cap)
{
	int64_t y, m, d;
	hg_sv ys = fld(t, col[P_YEAR]), ms = fld(t, col[P_MONTH]), ds = fld(t, col[P_DAY]);
	if (!ys.n && col[P_BIRTH_DT] >= 0)
		return fld(t, col[P_BIRTH_DT]);
	if (hg_omop_int(ys, &y) || y < 0 || y > 9999 ||
	    (ms.n && (hg_omop_int(ms, &m) || m < 0 || m > 99)) ||
	    (ds.n && (hg_omop_int(ds, &d) || d < 0 || d > 99)) || (!ms.n && ds.n))
		snprintf(buf, cap, "year %.*s month %.*s day %.*s", (int)(ys.n < 12 ? ys.n : 12),
		         ys.p, (int)(ms.n < 4 ? ms.n : 4), ms.p, (int)(ds.n < 4 ? ds.n : 4), ds.p);
	else if (!ms.n)
		snprintf(buf, cap, "%04d", (int)y); /* a year alone: native rejects it */
	else if (!ds.n)
		snprintf(buf, cap, "%04d-%02d", (int)y, (int)m);
	else
		snprintf(buf, cap, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
	return hg_sv_from(buf);
}

static void put_sex(hg_omop_out *w, hg_sv g)
{
	int64_t c;
	const char *sex = NULL;
	char buf[80];
	if (!g.n || (!hg_omop_int(g, &c) && c == 0))
		sex = ""; /* no matching concept: blank, a warning */
	else if (!hg_omop_int(g, &c))
		sex = hg_omop_sex_of(c);
	if (!sex) {
		snprintf(buf, sizeof buf, "gender_concept_id %.*s", (int)(g.n < 20 ? g.n : 20),
		         g.p);
		sex = buf;
	}
	hg_omop_out_str(w, sex);
}

/* NHS category: race_source_value when it is one, else the source concept, else the race. */
static void put_eth(hg_omop_out *w, const otab *t, const int *col)
{
	uint8_t grp;
	hg_sv sv = fld(t, col[P_RACE_SRC]);
	if (sv.n && hg_ethnicity_parse(sv, &grp) >= 0) {
		hg_omop_out_field(w, sv);
		return;
	}
	int64_t c;
	const char *cat = NULL;
	if (!hg_omop_int(fld(t, col[P_RACE_SRC_C]), &c))
		cat = hg_omop_eth_of_source_concept(c);
	if (!cat && !hg_omop_int(fld(t, col[P_RACE]), &c))
		cat = hg_omop_eth_of_race(c);
	hg_omop_out_str(w, cat ? cat : "");
}

static int person_row(omop *o, const otab *t, const int *col, hg_omop_out *pre, hg_err *err)
{
	hg_sv id = fld(t, col[P_ID]);
	int ins;
	uint32_t k = hg_dict_intern(&o->person_ids, id.p, id.n, &ins);
	if (!ins)
		return hg_err_set(
		    err, HG_EINPUT,
		    "%s:%llu: person_id repeats the one on line %llu: an OMOP person_id "
		    "is unique (remove the duplicate from the extract)",
		    t->c.path, (unsigned long long)t->c.line, (unsigned long long)o->pers[k].line);
	HG_GROW(o->pers, o->np, o->cap_p);
	while (o->cap_off < o->np + 2) {
		o->cap_off = o->cap_off ? 2 * o->cap_off : 16;
		o->pre_off = hg_xrealloc(o->pre_off, o->cap_off * sizeof *o->pre_off);
	}
	struct person *ps = &o->pers[o->np++];
	memset(ps, 0, sizeof *ps);
	hg_sv src = col[P_SRC] >= 0 ? fld(t, col[P_SRC]) : (hg_sv){"", 0};
	ps->line = t->c.line;
	ps->nid = str_id(o, src.n ? src : id);
	ps->care = lookup(o, &o->cs_ids, o->cs_prac, fld(t, col[P_CARE]), "care_site_id");
	ps->dod = ps->rprac = ps->rfrom = ps->rto = NONE;
	ps->rstart = INT32_MIN;
	pre->b.n = 0;
	pre->nf = 0;
	hg_omop_out_field(pre, str_of(o, ps->nid));
	char dbuf[64];
	hg_sv dob = dob_text(t, col, dbuf, sizeof dbuf);
	hg_omop_out_field(pre, dob);
	if (hg_date_parse(dob.p, dob.n, 1, &ps->dob, NULL))
		ps->dob = HG_DATE_NONE;
	put_sex(pre, fld(t, col[P_GENDER]));
	put_eth(pre, t, col);
	hg_omop_out_field(
	    pre, str_of(o, lookup(o, &o->loc_ids, o->loc_lsoa, fld(t, col[P_LOC]), "location_id")));
	o->pre_off[o->np - 1] = o->pre.n;
	hg_buf_put(&o->pre, pre->b.p, pre->b.n);
	o->pre_off[o->np] = o->pre.n;
	return 0;
}

static int load_persons(omop *o, hg_err *err)
{
	otab t;
	if (otab_open(&t, o->p, "person", 1, err))
		return -1;
	int col[P_N], rc = -1;
	t.known = person_fields;
	for (int k = 0; k < P_N; k++) {
		int req = k == P_ID || k == P_GENDER || k == P_YEAR;
		if (otab_col(&t, person_fields[k], req, &col[k], err))
			goto out;
	}
	hg_omop_out pre = {0};
	while (hg_csv_next(&t.c))
		if (person_row(o, &t, col, &pre, err)) {
			hg_buf_free(&pre.b);
			goto out;
		}
	hg_buf_free(&pre.b);
	rc = 0;
out:
	otab_close(&t);
	return rc;
}

/* The person of an OMOP person_id, or NULL. */
static struct person *person_of(omop *o, hg_sv id)
{
	uint32_t k = hg_dict_find(&o->person_ids, id.p, id.n);
	return k == HG_DICT_MISSING ? NULL : &o->pers[k];
}

/* The native identifier for a row's person: unknown ones get one no person has. */
static hg_sv nid_of(omop *o, hg_sv id)
{
	struct person *ps = person_of(o, id);
	return ps ? str_of(o, ps->nid) : HG_SV("?person_id not in person.csv");
}

/* ---- death ---- */

static int load_deaths(omop *o, hg_err *err)
{
	otab t;
	if (otab_open(&t, o->p, "death", 0, err))
		return -1;
	if (!t.open)
		return 0;
	int cp, cd, rc = -1;
	if (otab_col(&t, "person_id", 1, &cp, err) || otab_col(&t, "death_date", 1, &cd, err))
		goto out;
	while (hg_csv_next(&t.c)) {
		struct person *ps = person_of(o, fld(&t, cp));
		if (!ps) {
			o->out->deaths_unmatched++;
			continue;
		}
		if (ps->dod == NONE) /* a second death row of a person: the first counts */
			ps->dod = str_id(o, fld(&t, cd));
	}
	rc = 0;
out:
	otab_close(&t);
	return rc;
}

/* ---- visit_occurrence: visit id -> setting ---- */

static uint32_t visit_setting(omop *o, hg_sv concept, hg_sv source)
{
	int s = hg_setting_parse(source.p, source.n);
	if (s < 0) { /* a source value in another case */
		char low[16];
		if (source.n < sizeof low) {
			for (size_t i = 0; i < source.n; i++)
				low[i] = (char)(source.p[i] | 0x20);
			s = hg_setting_parse(low, source.n);
		}
	}
	int64_t c;
	if (s < 0 && !hg_omop_int(concept, &c))
		s = hg_omop_setting_of_visit(c);
	if (s >= 0)
		return str_id(o, hg_sv_from(hg_setting_names[s]));
	return str_fmt(o, "visit_concept_id %.*s", concept);
}

static int load_visits(omop *o, hg_err *err)
{
	otab t;
	if (otab_open(&t, o->p, "visit_occurrence", 0, err))
		return -1;
	if (!t.open)
		return 0;
	int ci, cc, cs, rc = -1;
	if (otab_col(&t, "visit_occurrence_id", 1, &ci, err) ||
	    otab_col(&t, "visit_concept_id", 1, &cc, err) ||
	    otab_col(&t, "visit_source_value", 0, &cs, err))
		goto out;
	while (hg_csv_next(&t.c)) {
		hg_sv id = fld(&t, ci);
		int ins;
		uint32_t k = hg_dict_intern(&o->visit_ids, id.p, id.n, &ins);
		if (!ins)
			continue;
		HG_GROW(o->visit_setting, k, o->cap_v);
		o->visit_setting[k] =
		    visit_setting(o, fld(&t, cc), cs >= 0 ? fld(&t, cs) : HG_SV(""));
		o->out->visits_n++;
	}
	rc = 0;
out:
	otab_close(&t);
	return rc;
}

/* ---- observation_period -> registrations.csv; location_history -> addresses.csv ---- */

/* An end date: blank when on or after the extract date (still registered, still there). */
static void put_end(hg_omop_out *w, const omop *o, hg_sv end)
{
	hg_date d;
	if (end.n && !hg_date_parse(end.p, end.n, 0, &d, NULL) && d >= o->p->extract_date)
		end.n = 0;
	hg_omop_out_field(w, end);
}

static const char *const native_period_cols[2][6] = {
    {"person_id", "practice", "from", "to", "omop_source", NULL},
    {"person_id", "lsoa", "from", "to", "omop_source", NULL}};

/* Remember the latest period of a person (persons.csv's practice and registration) that
 * persons.csv's rules accept (within their life, in order): a period they reject is
 * quarantined from registrations.csv alone, not with the person. */
static void note_period(omop *o, struct person *ps, uint32_t prac, hg_sv from, hg_sv to)
{
	hg_date d, e, dod;
	hg_sv dods = str_of(o, ps->dod);
	if (hg_date_parse(from.p, from.n, 0, &d, NULL) || d < ps->rstart ||
	    ps->dob == HG_DATE_NONE || d < ps->dob ||
	    (to.n && (hg_date_parse(to.p, to.n, 0, &e, NULL) || e < d)) ||
	    (dods.n && (hg_date_parse(dods.p, dods.n, 0, &dod, NULL) || d > dod)))
		return;
	ps->rstart = d;
	ps->rprac = prac;
	ps->rfrom = str_id(o, from);
	ps->rto = to.n && !(!hg_date_parse(to.p, to.n, 0, &e, NULL) && e >= o->p->extract_date)
	              ? str_id(o, to)
	              : NONE;
}

static int periods(omop *o, hg_err *err)
{
	otab t;
	if (otab_open(&t, o->p, "observation_period", 1, err))
		return -1;
	hg_omop_out w;
	int cp, cf, ct, cc, rc = -1;
	if (otab_col(&t, "person_id", 1, &cp, err) ||
	    otab_col(&t, "observation_period_start_date", 1, &cf, err) ||
	    otab_col(&t, "observation_period_end_date", 1, &ct, err) ||
	    otab_col(&t, "care_site_id", 0, &cc, err))
		goto out0;
	if (hg_omop_out_open(&w, o->out->registrations, err))
		goto out0;
	hg_omop_out_header(&w, native_period_cols[0]);
	while (hg_csv_next(&t.c)) {
		hg_sv pid = fld(&t, cp), from = fld(&t, cf), to = fld(&t, ct);
		struct person *ps = person_of(o, pid);
		uint32_t prac = cc >= 0 && fld(&t, cc).n
		                    ? lookup(o, &o->cs_ids, o->cs_prac, fld(&t, cc), "care_site_id")
		                : ps ? ps->care
		                     : NONE;
		hg_omop_out_pad(&w, t.c.line);
		hg_omop_out_field(&w, nid_of(o, pid));
		hg_omop_out_field(&w, str_of(o, prac));
		hg_omop_out_field(&w, from);
		put_end(&w, o, to);
		put_source(&w, &t);
		hg_omop_out_end(&w);
		if (ps)
			note_period(o, ps, prac, from, to);
	}
	o->out->has_registrations = 1;
	rc = 0;
	if (hg_omop_out_close(&w, err))
		rc = -1;
out0:
	otab_close(&t);
	return rc;
}

static int addresses(omop *o, hg_err *err)
{
	otab t;
	if (otab_open(&t, o->p, "location_history", 0, err))
		return -1;
	if (!t.open)
		return 0;
	hg_omop_out w;
	int cl, ce, cd, cf, ct, rc = -1;
	if (otab_col(&t, "location_id", 1, &cl, err) || otab_col(&t, "entity_id", 1, &ce, err) ||
	    otab_col(&t, "domain_id", 0, &cd, err) || otab_col(&t, "start_date", 1, &cf, err) ||
	    otab_col(&t, "end_date", 1, &ct, err))
		goto out0;
	if (hg_omop_out_open(&w, o->out->addresses, err))
		goto out0;
	hg_omop_out_header(&w, native_period_cols[1]);
	while (hg_csv_next(&t.c)) {
		hg_sv dom = cd >= 0 ? fld(&t, cd) : HG_SV("");
		if (dom.n && !hg_sv_eq_nocase(dom, "Person"))
			continue; /* a care site's or provider's address */
		hg_omop_out_pad(&w, t.c.line);
		hg_omop_out_field(&w, nid_of(o, fld(&t, ce)));
		hg_omop_out_field(
		    &w, str_of(o, lookup(o, &o->loc_ids, o->loc_lsoa, fld(&t, cl), "location_id")));
		hg_omop_out_field(&w, fld(&t, cf));
		put_end(&w, o, fld(&t, ct));
		put_source(&w, &t);
		hg_omop_out_end(&w);
	}
	o->out->has_addresses = 1;
	rc = hg_omop_out_close(&w, err) ? -1 : 0;
out0:
	otab_close(&t);
	return rc;
}

/* ---- the event tables -> events.csv ---- */

typedef struct {
	int person, concept, date, value, visit, source;
} evcols;

/* An observation whose source value is flag_NAME sets (value 1 or blank) or states (0) the
 * person's flag NAME: a PLUS-group flag, not an event. Another value goes on to persons.csv's
 * flag rule, which rejects it. 1 when the row was one. */
static int flag_row(omop *o, const otab *t, hg_sv src, hg_sv pid, hg_sv value, hg_err *err, int *rc)
{
	if (src.n <= 5 || strncasecmp(src.p, "flag_", 5))
		return 0;
	hg_sv name = {src.p + 5, src.n - 5};
	uint32_t k = 0;
	while (k < o->n_flags && !hg_sv_eq(name, o->flag_names[k]))
		k++;
	if (k == o->n_flags) {
		if (k == HG_MAX_FLAGS || name.n >= sizeof o->flag_names[0]) {
			*rc = hg_err_set(err, HG_EINPUT,
			                 "%s:%llu: flag '%.*s': at most %d flags of at most 63 "
			                 "characters (as persons.csv's flag_ columns)",
			                 t->c.path, (unsigned long long)t->c.line,
			                 (int)(name.n < 64 ? name.n : 64), name.p, HG_MAX_FLAGS);
			return 1;
		}
		memcpy(o->flag_names[k], name.p, name.n);
		o->flag_names[k][name.n] = 0;
		o->n_flags++;
	}
	struct person *ps = person_of(o, pid);
	int64_t v = 1;
	if (ps && value.n && (hg_omop_int(value, &v) || (v != 0 && v != 1)))
		ps->flags_bad |= 1ull << k;
	else if (ps && v)
		ps->flags |= 1ull << k;
	o->out->flag_rows++;
	return 1;
}

static void event_row(omop *o, hg_omop_out *w, const otab *t, const evcols *ec, int def)
{
	hg_sv code =
	    o->p->codes == HG_OMOP_CODES_CONCEPT ? fld(t, ec->concept) : fld(t, ec->source);
	if (o->p->codes == HG_OMOP_CODES_CONCEPT && hg_sv_eq(code, "0"))
		code.n = 0; /* no matching concept: no code */
	hg_sv visit = ec->visit >= 0 ? fld(t, ec->visit) : HG_SV("");
	hg_sv setting = hg_sv_from(hg_setting_names[def]);
	if (visit.n) {
		uint32_t k = hg_dict_find(&o->visit_ids, visit.p, visit.n);
		setting = k == HG_DICT_MISSING
		              ? HG_SV("visit_occurrence_id not in visit_occurrence")
		              : str_of(o, o->visit_setting[k]);
	}
	hg_omop_out_field(w, nid_of(o, fld(t, ec->person)));
	hg_omop_out_field(w, fld(t, ec->date));
	hg_omop_out_field(w, code);
	hg_omop_out_field(w, ec->value >= 0 ? fld(t, ec->value) : HG_SV(""));
	hg_omop_out_field(w, setting);
	put_source(w, t);
	hg_omop_out_end(w);
	o->out->events_n++;
}

/* Which lines of the converted events.csv came from which table, for the terminal. */
static void note_lines(hg_omop_native *out, uint64_t first, uint64_t last, const char *file)
{
	if (last < first)
		return;
	size_t n = strlen(out->event_lines);
	char one[128];
	if (first == last)
		snprintf(one, sizeof one, "%s%llu from %s", n ? ", " : "",
		         (unsigned long long)first, file);
	else
		snprintf(one, sizeof one, "%s%llu-%llu from %s", n ? ", " : "",
		         (unsigned long long)first, (unsigned long long)last, file);
	if (n + strlen(one) < sizeof out->event_lines)
		memcpy(out->event_lines + n, one, strlen(one) + 1);
}

static int event_table(omop *o, hg_omop_out *w, const hg_omop_evtab *et, hg_err *err)
{
	otab t;
	if (otab_open(&t, o->p, et->table, 0, err))
		return -1;
	if (!t.open)
		return 0;
	evcols ec;
	int rc = -1, code_req = o->p->codes == HG_OMOP_CODES_CONCEPT;
	if (otab_col(&t, "person_id", 1, &ec.person, err) ||
	    otab_col(&t, et->concept, code_req, &ec.concept, err) ||
	    otab_col(&t, et->date, 1, &ec.date, err) ||
	    otab_col(&t, "visit_occurrence_id", 0, &ec.visit, err) ||
	    otab_col(&t, et->source, !code_req, &ec.source, err))
		goto out;
	ec.value = -1;
	if (et->value && otab_col(&t, et->value, 0, &ec.value, err))
		goto out;
	int is_obs = et == &hg_omop_evtabs[HG_OMOP_OBS], frc = 0;
	int src_col = is_obs ? hg_csv_col(&t.c, et->source) : -1;
	uint64_t first = w->line + 1;
	while (hg_csv_next(&t.c)) {
		if (src_col >= 0 &&
		    flag_row(o, &t, fld(&t, src_col), fld(&t, ec.person),
		             ec.value >= 0 ? fld(&t, ec.value) : HG_SV(""), err, &frc)) {
			if (frc)
				goto out;
			continue;
		}
		event_row(o, w, &t, &ec, et->setting);
	}
	note_lines(o->out, first, w->line, t.file);
	rc = 0;
out:
	otab_close(&t);
	return rc;
}

static int events(omop *o, hg_err *err)
{
	static const char *const cols[] = {"person_id", "date",        "code", "value",
	                                   "setting",   "omop_source", NULL};
	hg_omop_out w;
	if (hg_omop_out_open(&w, o->out->events, err))
		return -1;
	hg_omop_out_header(&w, cols);
	int rc = 0;
	for (int k = 0; k < HG_OMOP_NEVTABS && !rc; k++)
		rc = event_table(o, &w, &hg_omop_evtabs[k], err);
	hg_err e2 = {0};
	if (hg_omop_out_close(&w, rc ? &e2 : err))
		rc = -1;
	return rc;
}

/* ---- persons.csv, last ---- */

static int write_persons(omop *o, hg_err *err)
{
	hg_omop_out w;
	if (hg_omop_out_open(&w, o->out->persons, err))
		return -1;
	/* with --ethnicity-codelist, ethnicity comes from the record's codes and the person
	 * table's race is the fallback for people with none (docs/omop.md) */
	const char *const cols[] = {"person_id",
	                            "date_of_birth",
	                            "sex",
	                            o->p->eth_from_record ? "ethnicity_hospital" : "ethnicity",
	                            "lsoa",
	                            "practice",
	                            "registered_from",
	                            "registered_to",
	                            "date_of_death",
	                            NULL};
	for (size_t k = 0; cols[k]; k++)
		hg_omop_out_str(&w, cols[k]);
	for (uint32_t k = 0; k < o->n_flags; k++) {
		char name[80];
		snprintf(name, sizeof name, "flag_%s", o->flag_names[k]);
		hg_omop_out_str(&w, name);
	}
	hg_omop_out_str(&w, "omop_source");
	hg_omop_out_end(&w);
	for (size_t i = 0; i < o->np; i++) {
		const struct person *ps = &o->pers[i];
		hg_omop_out_pad(&w, ps->line);
		hg_buf_put(&w.b, o->pre.p + o->pre_off[i], o->pre_off[i + 1] - o->pre_off[i]);
		w.nf = 5;
		hg_omop_out_field(&w, str_of(o, ps->rprac));
		hg_omop_out_field(&w, str_of(o, ps->rfrom));
		hg_omop_out_field(&w, str_of(o, ps->rto));
		hg_omop_out_field(&w, str_of(o, ps->dod));
		for (uint32_t k = 0; k < o->n_flags; k++)
			hg_omop_out_str(&w, ps->flags_bad >> k & 1 ? "observation value not 0 or 1"
			                    : ps->flags >> k & 1   ? "1"
			                                           : "0");
		char src[64];
		snprintf(src, sizeof src, "person.csv:%llu", (unsigned long long)ps->line);
		hg_omop_out_str(&w, src);
		hg_omop_out_end(&w);
	}
	o->out->persons_n = o->np;
	return hg_omop_out_close(&w, err);
}

static void omop_free(omop *o)
{
	hg_dict_free(&o->strs);
	hg_dict_free(&o->loc_ids);
	hg_dict_free(&o->cs_ids);
	hg_dict_free(&o->person_ids);
	hg_dict_free(&o->visit_ids);
	free(o->loc_lsoa);
	free(o->cs_prac);
	free(o->pers);
	free(o->pre_off);
	free(o->visit_setting);
	hg_buf_free(&o->pre);
}

/* A population written by synth --format omop: its SYNTHETIC marker goes beside the
 * converted persons file, where ingest looks for it (docs/synthetic-data.md). */
static int synthetic_marker(const hg_omop_params *p, hg_err *err)
{
	char from[HG_PATH_MAX], to[HG_PATH_MAX];
	snprintf(from, sizeof from, "%s/SYNTHETIC", p->dir);
	snprintf(to, sizeof to, "%s/SYNTHETIC", p->out_dir);
	if (!hg_path_exists(from))
		return 0;
	size_t n;
	char *text = hg_read_file(from, &n, err);
	if (!text)
		return -1;
	int rc = hg_write_file(to, text, n, err);
	free(text);
	return rc;
}

int hg_omop_to_native(const hg_omop_params *p, hg_omop_native *out, hg_err *err)
{
	memset(out, 0, sizeof *out);
	if (!hg_is_dir(p->dir))
		return hg_err_set(err, HG_EINPUT,
		                  "%s: not a folder: --omop takes the folder of the OMOP tables "
		                  "(person.csv, observation_period.csv, ...)",
		                  p->dir);
	if (hg_mkdir_p(p->out_dir, err))
		return -1;
	snprintf(out->persons, sizeof out->persons, "%s/person.csv", p->out_dir);
	snprintf(out->events, sizeof out->events, "%s/events.csv", p->out_dir);
	snprintf(out->registrations, sizeof out->registrations, "%s/observation_period.csv",
	         p->out_dir);
	snprintf(out->addresses, sizeof out->addresses, "%s/location_history.csv", p->out_dir);
	if (synthetic_marker(p, err))
		return -1;
	omop o = {.p = p, .out = out};
	hg_dict_init(&o.strs);
	hg_dict_init(&o.loc_ids);
	hg_dict_init(&o.cs_ids);
	hg_dict_init(&o.person_ids);
	hg_dict_init(&o.visit_ids);
	int rc = load_lookup(&o, "location", "location_id", "location_source_value", &o.loc_ids,
	                     &o.loc_lsoa, err) ||
	         load_lookup(&o, "care_site", "care_site_id", "care_site_source_value", &o.cs_ids,
	                     &o.cs_prac, err) ||
	         load_persons(&o, err) || load_deaths(&o, err) || load_visits(&o, err) ||
	         periods(&o, err) || addresses(&o, err) || events(&o, err) ||
	         write_persons(&o, err);
	omop_free(&o);
	return rc ? -1 : 0;
}

int hg_omop_ingest(hg_ingest_params *p, const char *dir, int codes, hg_ingest_result *res,
                   hg_err *err)
{
	if (hg_mkdir_p(p->store_dir, err))
		return -1;
	char tmp[HG_PATH_MAX], ref[HG_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s/.tmp-%ld-omop", p->store_dir, (long)getpid());
	hg_rm_rf(tmp);
	hg_omop_params op = {.dir = dir,
	                     .out_dir = tmp,
	                     .encoding = p->encoding,
	                     .codes = codes,
	                     .eth_from_record = p->ethnicity_codelist != NULL,
	                     .extract_date = p->extract_date,
	                     .quiet = p->quiet};
	hg_omop_native nat;
	int rc = hg_omop_to_native(&op, &nat, err);
	if (!rc) {
		if (!p->quiet) {
			printf("OMOP %s: %llu persons, %llu event rows (codes: %s), %llu visits, "
			       "%llu flag rows%s; converted to native rows (each with its "
			       "omop_source; person, observation_period and location_history keep "
			       "their lines)\n",
			       dir, (unsigned long long)nat.persons_n,
			       (unsigned long long)nat.events_n,
			       codes == HG_OMOP_CODES_CONCEPT ? "concept ids" : "source values",
			       (unsigned long long)nat.visits_n, (unsigned long long)nat.flag_rows,
			       nat.has_addresses ? ", address history" : "");
			if (nat.event_lines[0])
				printf("OMOP events in the converted events.csv: lines %s\n",
				       nat.event_lines);
			if (nat.deaths_unmatched)
				fprintf(stderr,
				        "warning: %s/death.csv: %llu rows for a person_id not in "
				        "person.csv were not used\n",
				        dir, (unsigned long long)nat.deaths_unmatched);
			fflush(stdout);
		}
		p->persons_path = nat.persons;
		p->events_path = nat.events;
		p->registrations_path = nat.has_registrations ? nat.registrations : NULL;
		p->addresses_path = nat.has_addresses ? nat.addresses : NULL;
		snprintf(ref, sizeof ref, "%s/reference", dir);
		if (!p->reference_dir && hg_is_dir(ref))
			p->reference_dir = ref;
		rc = hg_ingest_run(p, res, err);
	}
	hg_rm_rf(tmp);
	return rc;
}
