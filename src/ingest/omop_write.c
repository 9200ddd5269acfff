/*
 * omop_write.c: native files as OMOP CDM v5.4 tables (`synth --format omop`,
 * issue 15 part 5), so the same synthetic population can be ingested both
 * ways and the results compared cell for cell (tests/e2e/omop_roundtrip.sh).
 *
 * It writes what ingest --omop reads back to the same native rows, by the
 * tables of omop_map.c: one location per LSOA and one care site per practice
 * (their codes as source values), the person with year, month and day of
 * birth, gender and race concepts and the NHS category as race_source_value,
 * deaths, each registration as an observation period (with the practice in
 * the care_site_id extension column), each address period as a
 * location_history row, PLUS-group flags as observations `flag_NAME`, and
 * events: with a value to measurement, prescriptions to drug_exposure, the
 * rest to condition_occurrence, a visit for each event whose setting is not
 * its table's (docs/omop.md). Concept ids of events are 0: the codes are
 * source values (no vocabulary is read offline). Every row is copied, valid
 * or not, so a native row's faults stay visible after the trip.
 */
#include "ingest_int.h"
#include "omop.h"
#include "omop_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	T_PERSON,
	T_OBS_PERIOD,
	T_VISIT,
	T_CONDITION,
	T_DRUG,
	T_PROCEDURE,
	T_MEASUREMENT,
	T_OBSERVATION,
	T_DEATH,
	T_LOCATION,
	T_CARE_SITE,
	T_LOC_HISTORY,
	T_N
};

static const char *const table_names[T_N] = {"person",
                                             "observation_period",
                                             "visit_occurrence",
                                             "condition_occurrence",
                                             "drug_exposure",
                                             "procedure_occurrence",
                                             "measurement",
                                             "observation",
                                             "death",
                                             "location",
                                             "care_site",
                                             "location_history"};

/* The columns of each table, as the OMOP CDM v5.4 DDL lists them (observation_period's
 * care_site_id and the location_history table are the extensions docs/omop.md names). */
static const char *const table_cols[T_N][24] = {
    {"person_id", "gender_concept_id", "year_of_birth", "month_of_birth", "day_of_birth",
     "birth_datetime", "race_concept_id", "ethnicity_concept_id", "location_id", "provider_id",
     "care_site_id", "person_source_value", "gender_source_value", "gender_source_concept_id",
     "race_source_value", "race_source_concept_id", "ethnicity_source_value",
     "ethnicity_source_concept_id", NULL},
    {"observation_period_id", "person_id", "observation_period_start_date",
     "observation_period_end_date", "period_type_concept_id", "care_site_id", NULL},
    {"visit_occurrence_id", "person_id", "visit_concept_id", "visit_start_date",
     "visit_start_datetime", "visit_end_date", "visit_end_datetime", "visit_type_concept_id",
     "provider_id", "care_site_id", "visit_source_value", "visit_source_concept_id",
     "admitted_from_concept_id", "admitted_from_source_value", "discharged_to_concept_id",
     "discharged_to_source_value", "preceding_visit_occurrence_id", NULL},
    {"condition_occurrence_id", "person_id", "condition_concept_id", "condition_start_date",
     "condition_start_datetime", "condition_end_date", "condition_end_datetime",
     "condition_type_concept_id", "condition_status_concept_id", "stop_reason", "provider_id",
     "visit_occurrence_id", "visit_detail_id", "condition_source_value",
     "condition_source_concept_id", "condition_status_source_value", NULL},
    {"drug_exposure_id",
     "person_id",
     "drug_concept_id",
     "drug_exposure_start_date",
     "drug_exposure_start_datetime",
     "drug_exposure_end_date",
     "drug_exposure_end_datetime",
     "verbatim_end_date",
     "drug_type_concept_id",
     "stop_reason",
     "refills",
     "quantity",
     "days_supply",
     "sig",
     "route_concept_id",
     "lot_number",
     "provider_id",
     "visit_occurrence_id",
     "visit_detail_id",
     "drug_source_value",
     "drug_source_concept_id",
     "route_source_value",
     "dose_unit_source_value",
     NULL},
    {"procedure_occurrence_id", "person_id", "procedure_concept_id", "procedure_date",
     "procedure_datetime", "procedure_end_date", "procedure_end_datetime",
     "procedure_type_concept_id", "modifier_concept_id", "quantity", "provider_id",
     "visit_occurrence_id", "visit_detail_id", "procedure_source_value",
     "procedure_source_concept_id", "modifier_source_value", NULL},
    {"measurement_id",
     "person_id",
     "measurement_concept_id",
     "measurement_date",
     "measurement_datetime",
     "measurement_time",
     "measurement_type_concept_id",
     "operator_concept_id",
     "value_as_number",
     "value_as_concept_id",
     "unit_concept_id",
     "range_low",
     "range_high",
     "provider_id",
     "visit_occurrence_id",
     "visit_detail_id",
     "measurement_source_value",
     "measurement_source_concept_id",
     "unit_source_value",
     "unit_source_concept_id",
     "value_source_value",
     "measurement_event_id",
     "meas_event_field_concept_id",
     NULL},
    {"observation_id",
     "person_id",
     "observation_concept_id",
     "observation_date",
     "observation_datetime",
     "observation_type_concept_id",
     "value_as_number",
     "value_as_string",
     "value_as_concept_id",
     "qualifier_concept_id",
     "unit_concept_id",
     "provider_id",
     "visit_occurrence_id",
     "visit_detail_id",
     "observation_source_value",
     "observation_source_concept_id",
     "unit_source_value",
     "qualifier_source_value",
     "value_source_value",
     "observation_event_id",
     "obs_event_field_concept_id",
     NULL},
    {"person_id", "death_date", "death_datetime", "death_type_concept_id", "cause_concept_id",
     "cause_source_value", "cause_source_concept_id", NULL},
    {"location_id", "address_1", "address_2", "city", "state", "zip", "county",
     "location_source_value", "country_concept_id", "country_source_value", "latitude", "longitude",
     NULL},
    {"care_site_id", "care_site_name", "place_of_service_concept_id", "location_id",
     "care_site_source_value", "place_of_service_source_value", NULL},
    {"location_history_id", "location_id", "relationship_type_concept_id", "domain_id", "entity_id",
     "start_date", "end_date", NULL},
};

/* EHR: the type concept of every row written. */
#define TYPE_EHR "32817"

/* One row being assembled: values by column name, written in the table's order. */
typedef struct {
	const char *name[16];
	char val[16][80];
	int n;
} orow;

static void set(orow *r, const char *name, hg_sv v)
{
	assert(r->n < 16);
	r->name[r->n] = name;
	snprintf(r->val[r->n++], sizeof r->val[0], "%.*s", (int)(v.n < 79 ? v.n : 79), v.p);
}

static void seti(orow *r, const char *name, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	set(r, name, hg_sv_from(buf));
}

typedef struct {
	hg_omop_out out[T_N];
	hg_dict native_ids, lsoas, practices;
	int64_t next_id[T_N];
	hg_date extract;
} writer;

static void put(writer *wr, int t, orow *r)
{
	hg_omop_out *w = &wr->out[t];
	for (size_t c = 0; table_cols[t][c]; c++) {
		const char *v = "";
		for (int k = 0; k < r->n; k++)
			if (!strcmp(r->name[k], table_cols[t][c]))
				v = r->val[k];
		hg_omop_out_str(w, v);
	}
	hg_omop_out_end(w);
	r->n = 0;
}

static int64_t next_id(writer *wr, int t)
{
	return ++wr->next_id[t];
}

/* The id of an LSOA's location or a practice's care site (1-based), 0 for blank. */
static int64_t place_id(hg_dict *d, hg_sv v)
{
	return v.n ? (int64_t)hg_dict_intern(d, v.p, v.n, NULL) + 1 : 0;
}

static void set_place(orow *r, const char *name, int64_t id)
{
	if (id)
		seti(r, name, id);
}

/* A native input file, its header read; absent optional files leave open 0. */
typedef struct {
	hg_csv c;
	int open;
} nin;

static int nin_open(nin *f, const char *dir, const char *name, int required, hg_err *err)
{
	char path[HG_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f->open = 0;
	if (!required && !hg_path_exists(path))
		return 0;
	if (hg_csv_open(&f->c, path, err))
		return -1;
	f->open = 1;
	if (!hg_csv_next(&f->c))
		return hg_err_set(err, HG_EINPUT, "%s: empty", path);
	return 0;
}

static hg_sv col(const nin *f, int k)
{
	return hg_sv_trim(hg_csv_field(&f->c, k));
}

/* person_id of a native identifier (unknown ones: a new id no person has). */
static int64_t person_id(writer *wr, hg_sv nid)
{
	uint32_t k = hg_dict_find(&wr->native_ids, nid.p, nid.n);
	return k == HG_DICT_MISSING ? -1 : (int64_t)k + 1;
}

static void person_birth(orow *r, hg_sv dob)
{
	/* YYYY-MM-DD, or YYYY-MM (day not known); anything else kept whole in birth_datetime */
	if ((dob.n == 10 || dob.n == 7) && dob.p[4] == '-') {
		set(r, "year_of_birth", (hg_sv){dob.p, 4});
		set(r, "month_of_birth", (hg_sv){dob.p + 5, 2});
		if (dob.n == 10)
			set(r, "day_of_birth", (hg_sv){dob.p + 8, 2});
	} else
		set(r, "birth_datetime", dob);
}

enum { N_ID, N_DOB, N_SEX, N_ETH, N_LSOA, N_PRAC, N_FROM, N_TO, N_DOD, N_N };
static const char *const person_native[N_N] = {"person_id",       "date_of_birth", "sex",
                                               "ethnicity",       "lsoa",          "practice",
                                               "registered_from", "registered_to", "date_of_death"};

static void person_demog(writer *wr, orow *r, const nin *f, const int *pc)
{
	hg_sv sex = col(f, pc[N_SEX]), eth = col(f, pc[N_ETH]);
	int s = hg_sex_parse(sex);
	seti(r, "gender_concept_id", s >= 0 || s == -2 ? hg_omop_gender_of(s) : 0);
	set(r, "gender_source_value", sex);
	int64_t race, src;
	hg_omop_race_of(eth, &race, &src);
	seti(r, "race_concept_id", race);
	seti(r, "ethnicity_concept_id", 0);
	set(r, "race_source_value", eth);
	if (src)
		seti(r, "race_source_concept_id", src);
	set_place(r, "location_id", place_id(&wr->lsoas, col(f, pc[N_LSOA])));
	set_place(r, "care_site_id", place_id(&wr->practices, col(f, pc[N_PRAC])));
}

/* An end date for OMOP (required there): blank (still) is the extract date. */
static void set_end(writer *wr, orow *r, const char *name, hg_sv to)
{
	char buf[11];
	set(r, name, to.n ? to : hg_sv_from(hg_date_format(wr->extract, buf)));
}

static void person_row(writer *wr, const nin *f, const int *pc, const int *flag, int nflags,
                       char (*fname)[64], int has_regs)
{
	orow r = {0};
	hg_sv nid = col(f, pc[N_ID]);
	int64_t pid = (int64_t)hg_dict_intern(&wr->native_ids, nid.p, nid.n, NULL) + 1;
	seti(&r, "person_id", pid);
	set(&r, "person_source_value", nid);
	person_birth(&r, col(f, pc[N_DOB]));
	person_demog(wr, &r, f, pc);
	put(wr, T_PERSON, &r);
	hg_sv dod = col(f, pc[N_DOD]);
	if (dod.n) {
		seti(&r, "person_id", pid);
		set(&r, "death_date", dod);
		set(&r, "death_type_concept_id", HG_SV(TYPE_EHR));
		put(wr, T_DEATH, &r);
	}
	if (!has_regs && col(f, pc[N_PRAC]).n) {
		seti(&r, "observation_period_id", next_id(wr, T_OBS_PERIOD));
		seti(&r, "person_id", pid);
		set(&r, "observation_period_start_date", col(f, pc[N_FROM]));
		set_end(wr, &r, "observation_period_end_date", col(f, pc[N_TO]));
		set(&r, "period_type_concept_id", HG_SV(TYPE_EHR));
		set_place(&r, "care_site_id", place_id(&wr->practices, col(f, pc[N_PRAC])));
		put(wr, T_OBS_PERIOD, &r);
	}
	for (int k = 0; k < nflags; k++) {
		hg_sv v = col(f, flag[k]);
		int on = v.n && !hg_sv_eq(v, "0");
		if (!on && pid != 1) /* the first person states every flag, so each exists */
			continue;
		char src[80];
		snprintf(src, sizeof src, "flag_%s", fname[k]);
		seti(&r, "observation_id", next_id(wr, T_OBSERVATION));
		seti(&r, "person_id", pid);
		seti(&r, "observation_concept_id", 0);
		set_end(wr, &r, "observation_date", HG_SV(""));
		set(&r, "observation_type_concept_id", HG_SV(TYPE_EHR));
		set(&r, "value_as_number", on ? v : HG_SV("0"));
		set(&r, "observation_source_value", hg_sv_from(src));
		put(wr, T_OBSERVATION, &r);
	}
}

static int persons(writer *wr, const char *dir, int has_regs, hg_err *err)
{
	nin f;
	if (nin_open(&f, dir, "persons.csv", 1, err))
		goto fail;
	int pc[N_N], flag[HG_MAX_FLAGS], nflags = 0;
	char fname[HG_MAX_FLAGS][64];
	for (int k = 0; k < N_N; k++)
		pc[k] = hg_csv_col(&f.c, person_native[k]);
	/* ethnicity recorded as codes (synth --ethnicity-as codes): the hospital-recorded
	 * category is the person's race, read back as ethnicity_hospital by ingest --omop
	 * --ethnicity-codelist (docs/omop.md) */
	if (pc[N_ETH] < 0)
		pc[N_ETH] = hg_csv_col(&f.c, "ethnicity_hospital");
	if (pc[N_ID] < 0) {
		hg_err_set(err, HG_EINPUT, "%s: no person_id column", f.c.path);
		goto fail;
	}
	for (size_t i = 0; i < f.c.nfields && nflags < HG_MAX_FLAGS; i++) {
		hg_sv h = hg_sv_trim(f.c.fields[i]);
		if (h.n > 5 && h.n - 5 < 64 && !strncmp(h.p, "flag_", 5)) {
			snprintf(fname[nflags], 64, "%.*s", (int)(h.n - 5), h.p + 5);
			flag[nflags++] = (int)i;
		}
	}
	while (hg_csv_next(&f.c))
		person_row(wr, &f, pc, flag, nflags, fname, has_regs);
	hg_csv_close(&f.c);
	return 0;
fail:
	if (f.open)
		hg_csv_close(&f.c);
	return -1;
}

/* registrations.csv -> observation_period, addresses.csv -> location_history. */
static int periods(writer *wr, const char *dir, int addr, hg_err *err)
{
	nin f;
	if (nin_open(&f, dir, addr ? "addresses.csv" : "registrations.csv", 0, err))
		goto fail;
	if (!f.open)
		return 0;
	int ci = hg_csv_col(&f.c, "person_id"), cv = hg_csv_col(&f.c, addr ? "lsoa" : "practice"),
	    cf = hg_csv_col(&f.c, "from"), ct = hg_csv_col(&f.c, "to");
	orow r = {0};
	while (hg_csv_next(&f.c)) {
		int64_t pid = person_id(wr, col(&f, ci));
		hg_sv v = col(&f, cv);
		if (addr) {
			seti(&r, "location_history_id", next_id(wr, T_LOC_HISTORY));
			set_place(&r, "location_id", place_id(&wr->lsoas, v));
			seti(&r, "relationship_type_concept_id", 0);
			set(&r, "domain_id", HG_SV("Person"));
			seti(&r, "entity_id", pid);
			set(&r, "start_date", col(&f, cf));
			set_end(wr, &r, "end_date", col(&f, ct));
			put(wr, T_LOC_HISTORY, &r);
			continue;
		}
		seti(&r, "observation_period_id", next_id(wr, T_OBS_PERIOD));
		seti(&r, "person_id", pid);
		set(&r, "observation_period_start_date", col(&f, cf));
		set_end(wr, &r, "observation_period_end_date", col(&f, ct));
		set(&r, "period_type_concept_id", HG_SV(TYPE_EHR));
		set_place(&r, "care_site_id", place_id(&wr->practices, v));
		put(wr, T_OBS_PERIOD, &r);
	}
	hg_csv_close(&f.c);
	return 0;
fail:
	if (f.open)
		hg_csv_close(&f.c);
	return -1;
}

/* One event: its table by value and setting, a visit when the setting is not the table's. */
static void event_row(writer *wr, hg_sv nid, hg_sv date, hg_sv code, hg_sv value, hg_sv setting)
{
	int s = hg_setting_parse(setting.p, setting.n);
	int t = value.n ? T_MEASUREMENT : s == HG_SET_RX ? T_DRUG : T_CONDITION;
	const hg_omop_evtab *et = &hg_omop_evtabs[t == T_MEASUREMENT ? HG_OMOP_MEASUREMENT
	                                          : t == T_DRUG      ? HG_OMOP_DRUG
	                                                             : HG_OMOP_CONDITION];
	int64_t pid = person_id(wr, nid), visit = 0;
	orow r = {0};
	if (s != et->setting) {
		visit = next_id(wr, T_VISIT);
		seti(&r, "visit_occurrence_id", visit);
		seti(&r, "person_id", pid);
		seti(&r, "visit_concept_id", s >= 0 ? hg_omop_visit_of_setting(s) : 0);
		set(&r, "visit_start_date", date);
		set(&r, "visit_end_date", date);
		set(&r, "visit_type_concept_id", HG_SV(TYPE_EHR));
		set(&r, "visit_source_value", setting);
		put(wr, T_VISIT, &r);
	}
	seti(&r, et->id, next_id(wr, t));
	seti(&r, "person_id", pid);
	seti(&r, et->concept, 0);
	set(&r, et->date, date);
	set(&r, et->type, HG_SV(TYPE_EHR));
	if (et->value)
		set(&r, et->value, value);
	if (visit)
		seti(&r, "visit_occurrence_id", visit);
	set(&r, et->source, code);
	put(wr, t, &r);
}

static int events(writer *wr, const char *dir, hg_err *err)
{
	nin f;
	if (nin_open(&f, dir, "events.csv", 1, err)) {
		if (f.open)
			hg_csv_close(&f.c);
		return -1;
	}
	int ci = hg_csv_col(&f.c, "person_id"), cd = hg_csv_col(&f.c, "date"),
	    cc = hg_csv_col(&f.c, "code"), cv = hg_csv_col(&f.c, "value"),
	    cs = hg_csv_col(&f.c, "setting");
	while (hg_csv_next(&f.c))
		event_row(wr, col(&f, ci), col(&f, cd), col(&f, cc), col(&f, cv), col(&f, cs));
	hg_csv_close(&f.c);
	return 0;
}

/* location and care_site from the places met. */
static void places(writer *wr)
{
	orow r = {0};
	for (uint32_t k = 0; k < wr->lsoas.n; k++) {
		seti(&r, "location_id", k + 1);
		set(&r, "location_source_value", hg_sv_from(wr->lsoas.keys[k]));
		put(wr, T_LOCATION, &r);
	}
	for (uint32_t k = 0; k < wr->practices.n; k++) {
		seti(&r, "care_site_id", k + 1);
		set(&r, "care_site_source_value", hg_sv_from(wr->practices.keys[k]));
		put(wr, T_CARE_SITE, &r);
	}
}

int hg_omop_from_native(const char *native_dir, const char *omop_dir, hg_date extract_date,
                        hg_err *err)
{
	if (hg_mkdir_p(omop_dir, err))
		return -1;
	writer wr = {.extract = extract_date};
	hg_dict_init(&wr.native_ids);
	hg_dict_init(&wr.lsoas);
	hg_dict_init(&wr.practices);
	char regs[HG_PATH_MAX], addrs[HG_PATH_MAX];
	snprintf(regs, sizeof regs, "%s/registrations.csv", native_dir);
	snprintf(addrs, sizeof addrs, "%s/addresses.csv", native_dir);
	int has_regs = hg_path_exists(regs), has_addrs = hg_path_exists(addrs);
	int rc = 0, t = 0;
	for (; t < T_N && !rc; t++) {
		if (t == T_LOC_HISTORY && !has_addrs)
			continue; /* no address history: the person's location is their address */
		char path[HG_PATH_MAX];
		snprintf(path, sizeof path, "%s/%s.csv", omop_dir, table_names[t]);
		rc = hg_omop_out_open(&wr.out[t], path, err);
		if (!rc)
			hg_omop_out_header(&wr.out[t], table_cols[t]);
	}
	if (!rc)
		rc = persons(&wr, native_dir, has_regs, err) || periods(&wr, native_dir, 0, err) ||
		     periods(&wr, native_dir, 1, err) || events(&wr, native_dir, err);
	if (!rc)
		places(&wr);
	for (int k = 0; k < t; k++) {
		hg_err e2 = {0};
		if (hg_omop_out_close(&wr.out[k], rc ? &e2 : err))
			rc = -1;
	}
	hg_dict_free(&wr.native_ids);
	hg_dict_free(&wr.lsoas);
	hg_dict_free(&wr.practices);
	return rc ? -1 : 0;
}
