/*
 * persons.c: reading and validating persons.csv into person columns.
 * One row per person; the first failing rule rejects the row (quarantined
 * with line, field and reason; the first row of each reason is kept for the
 * terminal); soft problems are counted as warnings. Optional columns the
 * header lacks are said up front; when the first rows all fail one rule the
 * load stops there.
 */
#include "ingest_int.h"

#include <assert.h>
#include <stddef.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	int id, nhs, dob, sex, eth, eth_hosp, lsoa, practice, reg_from, reg_to, dod;
	int flag[HG_MAX_FLAGS];
	size_t ncols;
} hg_pcols;

static void persons_grow(hg_persons *ps)
{
	if (ps->n < ps->cap)
		return;
	size_t c = ps->cap ? ps->cap * 2 : 4096;
#define G(f) ps->f = hg_xrealloc(ps->f, c * sizeof *ps->f)
	G(dob);
	G(reg_from);
	G(reg_to);
	G(dod);
	G(dob_month_only);
	G(sex);
	G(eth_cat);
	G(eth_group);
	G(decile);
	G(quintile);
	G(lsoa);
	G(practice);
	G(flags);
#undef G
	if (ps->has_eth_hosp) /* hospital-recorded ethnicity, only with its column */
		ps->eth_hosp = hg_xrealloc(ps->eth_hosp, c);
	if (ps->reid_keys) /* sealed NHS numbers, only when re-identification keys are given */
		ps->reid = hg_xrealloc(ps->reid, c * HG_REID_BYTES);
	ps->cap = c;
}

void hg_persons_free(hg_persons *ps)
{
	free(ps->dob);
	free(ps->reg_from);
	free(ps->reg_to);
	free(ps->dod);
	free(ps->dob_month_only);
	free(ps->sex);
	free(ps->eth_cat);
	free(ps->eth_group);
	free(ps->eth_hosp);
	free(ps->decile);
	free(ps->quintile);
	free(ps->lsoa);
	free(ps->practice);
	free(ps->flags);
	free(ps->reid);
	hg_dict_free(&ps->ids);
	hg_dict_free(&ps->raw_nhs);
	hg_dict_free(&ps->lsoas);
	hg_dict_free(&ps->practices);
	hg_buf_free(&ps->quar.csv);
	memset(ps, 0, sizeof *ps);
}

/* The columns persons.csv may have (besides flag_*), for "did you mean". */
static const char *const person_cols[] = {"person_id",     "nhs_number",    "date_of_birth",
                                          "sex",           "ethnicity",     "ethnicity_hospital",
                                          "lsoa",          "practice",      "registered_from",
                                          "registered_to", "date_of_death", NULL};

/* Say up front which optional columns are absent and what that means for the results. */
static void say_missing(const hg_pcols *pc, const hg_csv *c, const hg_ingest_params *p)
{
	int quiet = p->quiet;
	static const struct {
		size_t off;
		const char *name, *meaning;
		int warn; /* a loss for the results, not an ordinary choice */
	} opt[] = {
	    {offsetof(hg_pcols, eth), "ethnicity",
	     "everyone's ethnicity is Not stated, so ethnicity breakdowns have one group", 1},
	    {offsetof(hg_pcols, lsoa), "lsoa",
	     "IMD is unknown for everyone, so deprivation breakdowns (Core20) are all Unknown", 1},
	    {offsetof(hg_pcols, practice), "practice",
	     "nobody is registered at a practice, so registered-population indicators count "
	     "no one",
	     1},
	    {offsetof(hg_pcols, reg_from), "registered_from",
	     "every row with a practice will be rejected (practice without registered_from)", 1},
	    {offsetof(hg_pcols, reg_to), "registered_to", "everyone is taken as still registered",
	     0},
	    {offsetof(hg_pcols, dod), "date_of_death", "everyone is taken as alive", 0},
	};
	for (size_t k = 0; k < sizeof opt / sizeof opt[0]; k++) {
		int col = *(const int *)((const char *)pc + opt[k].off);
		if (col >= 0 || (opt[k].off == offsetof(hg_pcols, reg_from) && pc->practice < 0))
			continue;
		if (opt[k].off == offsetof(hg_pcols, eth) && p->ethnicity_codelist) {
			if (!quiet)
				fprintf(stderr,
				        "note: persons.csv has no ethnicity column: ethnicity "
				        "is the latest recorded in events (--ethnicity-codelist)"
				        "%s\n",
				        pc->eth_hosp >= 0 ? ", else ethnicity_hospital" : "");
			continue;
		}
		hg_say_missing_column(c, opt[k].name, person_cols, opt[k].meaning, opt[k].warn,
		                      quiet);
	}
}

static int pcols_find(hg_persons *ps, hg_pcols *pc, const hg_csv *c, const char *path, hg_err *err)
{
	pc->id = hg_csv_col(c, "person_id");
	pc->nhs = hg_csv_col(c, "nhs_number");
	pc->dob = hg_csv_col(c, "date_of_birth");
	pc->sex = hg_csv_col(c, "sex");
	pc->eth = hg_csv_col(c, "ethnicity");
	pc->eth_hosp = hg_csv_col(c, "ethnicity_hospital");
	pc->lsoa = hg_csv_col(c, "lsoa");
	pc->practice = hg_csv_col(c, "practice");
	pc->reg_from = hg_csv_col(c, "registered_from");
	pc->reg_to = hg_csv_col(c, "registered_to");
	pc->dod = hg_csv_col(c, "date_of_death");
	pc->ncols = c->nfields;
	if (pc->id < 0 && pc->nhs < 0)
		return hg_header_missing(c, "neither person_id nor nhs_number", "person_id",
		                         person_cols, err);
	if (pc->id >= 0 && pc->nhs >= 0)
		return hg_err_set(err, HG_EINPUT,
		                  "%s:1: header has both person_id and nhs_number; give one", path);
	if (pc->dob < 0)
		return hg_header_missing(c, "no date_of_birth column", "date_of_birth", person_cols,
		                         err);
	if (pc->sex < 0)
		return hg_header_missing(c, "no sex column", "sex", person_cols, err);
	ps->has_nhs = pc->nhs >= 0;
	ps->has_eth = pc->eth >= 0;
	ps->has_eth_hosp = pc->eth_hosp >= 0;
	for (size_t i = 0; i < c->nfields; i++) {
		hg_sv f = hg_sv_trim(c->fields[i]);
		if (f.n > 5 && strncasecmp(f.p, "flag_", 5) == 0) {
			if (ps->n_flags == HG_MAX_FLAGS)
				return hg_err_set(err, HG_EINPUT,
				                  "%s:1: more than %d flag_ columns", path,
				                  HG_MAX_FLAGS);
			if (f.n - 5 >= sizeof ps->flag_names[0])
				return hg_err_set(err, HG_EINPUT, "%s:1: flag column name too long",
				                  path);
			/* a pack names the flag as the identifier flag_NAME */
			for (size_t k = 5; k < f.n; k++)
				if (!isalnum((unsigned char)f.p[k]) && f.p[k] != '_')
					return hg_err_set(
					    err, HG_EINPUT,
					    "%s:1: field %zu: a flag column's name after flag_ "
					    "must be "
					    "letters, digits and underscores (a pack uses it as "
					    "flag_NAME); rename the column",
					    path, i + 1);
			memcpy(ps->flag_names[ps->n_flags], f.p + 5, f.n - 5);
			ps->flag_names[ps->n_flags][f.n - 5] = 0;
			pc->flag[ps->n_flags++] = (int)i;
		}
	}
	return 0;
}

typedef struct {
	const char *field;
	enum hg_reject why;
	char detail[160];
	hg_sv value; /* the failing value for the terminal (p NULL: none, or withheld) */
	int allow_month;
} hg_verdict;

static int reject_as(hg_verdict *v, const char *field, enum hg_reject why)
{
	v->field = field;
	v->why = why;
	v->detail[0] = 0;
	v->value = (hg_sv){NULL, 0};
	v->allow_month = 0;
	return -1;
}

/* A rejection whose value may be shown (never an identifier). */
static int reject_val(hg_verdict *v, const char *field, enum hg_reject why, hg_sv value)
{
	reject_as(v, field, why);
	v->value = value;
	return -1;
}

typedef struct {
	hg_persons *ps;
	const hg_reference *ref;
	const hg_key *key;
	const hg_datefmt *df;
	hg_pcols pc;
	hg_date lo, hi;
	hg_verdict v;
} hg_prow;

/* A date field: 0 ok (or blank when allowed: *out = HG_DATE_NONE), -1 rejected. */
static int date_field(const hg_prow *r, hg_sv s, const char *field, int allow_month,
                      int allow_blank, hg_date *out, int *prec, hg_verdict *v)
{
	s = hg_sv_trim(s);
	if (!s.n) {
		*out = HG_DATE_NONE;
		if (allow_blank)
			return 0;
		return reject_as(v, field, HG_REJ_DOB_MISSING);
	}
	if (hg_datefmt_read(r->df, s, allow_month, out, prec)) {
		reject_val(v, field, HG_REJ_DATE_INVALID, s);
		v->allow_month = allow_month;
		snprintf(v->detail, sizeof v->detail, "'%.*s' is not %s%s",
		         (int)(s.n > 40 ? 40 : s.n), s.p, r->df->name,
		         allow_month && r->df->iso ? " or YYYY-MM" : "");
		return -1;
	}
	if (*out < r->lo || *out > r->hi)
		return reject_val(v, field, HG_REJ_DATE_RANGE, s);
	return 0;
}

static int hg_person_id(hg_prow *r, const hg_csv *c, char *id, size_t *idlen, char digits[11])
{
	hg_persons *ps = r->ps;
	if (ps->has_nhs) {
		hg_sv s = hg_sv_trim(hg_csv_field(c, r->pc.nhs));
		if (!s.n)
			return reject_as(&r->v, "nhs_number", HG_REJ_ID_MISSING);
		if (!r->key)
			return reject_as(&r->v, "nhs_number", HG_REJ_ID_FORMAT);
		if (hg_nhs_digits(s.p, s.n, digits) || !hg_nhs_number_valid(s.p, s.n))
			return reject_as(&r->v, "nhs_number", HG_REJ_NHS_INVALID);
		hg_pseudonymise(r->key, digits, id);
		*idlen = 64;
		return 0;
	}
	hg_sv s = hg_sv_trim(hg_csv_field(c, r->pc.id));
	if (!s.n)
		return reject_as(&r->v, "person_id", HG_REJ_ID_MISSING);
	if (s.n > 64)
		return reject_as(&r->v, "person_id", HG_REJ_ID_FORMAT);
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 || s.p[i] == ',')
			return reject_as(&r->v, "person_id", HG_REJ_ID_FORMAT);
	memcpy(id, s.p, s.n);
	id[s.n] = 0;
	*idlen = s.n;
	return 0;
}

/* Validate one row into slot ps->n (not yet counted). */
static int person_row(hg_prow *r, const hg_csv *c, uint64_t *warn_row)
{
	hg_persons *ps = r->ps;
	size_t i = ps->n;
	if (c->malformed) {
		reject_as(&r->v, "(record)", HG_REJ_QUOTING);
		snprintf(r->v.detail, sizeof r->v.detail, "%s", c->malformed);
		return -1;
	}
	if (c->nfields != r->pc.ncols) {
		reject_as(&r->v, "(record)", HG_REJ_SHAPE);
		snprintf(r->v.detail, sizeof r->v.detail, "%zu fields, header has %zu", c->nfields,
		         r->pc.ncols);
		return -1;
	}
	char id[80], digits[11];
	size_t idlen;
	if (hg_person_id(r, c, id, &idlen, digits))
		return -1;
	int prec = 0;
	if (date_field(r, hg_csv_field(c, r->pc.dob), "date_of_birth", 1, 0, &ps->dob[i], &prec,
	               &r->v))
		return -1;
	ps->dob_month_only[i] = prec == HG_DATE_MONTH;
	if (date_field(r, hg_csv_field(c, r->pc.dod), "date_of_death", 0, 1, &ps->dod[i], NULL,
	               &r->v))
		return -1;
	if (ps->dod[i] != HG_DATE_NONE && ps->dod[i] < ps->dob[i])
		return reject_as(&r->v, "date_of_death", HG_REJ_DEATH_BEFORE_BIRTH);
	hg_sv sexv = hg_sv_trim(hg_csv_field(c, r->pc.sex));
	int sex = hg_sex_parse(sexv);
	if (sex == -1)
		return reject_val(&r->v, "sex", HG_REJ_SEX, sexv);
	if (sex == -2) {
		warn_row[HG_WARN_SEX_BLANK]++;
		sex = HG_SEX_UNKNOWN;
	}
	ps->sex[i] = (uint8_t)sex;
	hg_sv ethv = hg_sv_trim(hg_csv_field(c, r->pc.eth));
	int eth = hg_ethnicity_parse(ethv, &ps->eth_group[i]);
	if (eth == -1)
		return reject_val(&r->v, "ethnicity", HG_REJ_ETHNICITY, ethv);
	if (eth == -2 && ps->has_eth) /* else derived from the record (ethnicity.c) */
		warn_row[HG_WARN_ETH_BLANK]++;
	ps->eth_cat[i] = eth < 0 ? 0 : (uint8_t)eth;
	if (ps->has_eth_hosp) {
		uint8_t g;
		hg_sv hv = hg_sv_trim(hg_csv_field(c, r->pc.eth_hosp));
		int h = hg_ethnicity_parse(hv, &g);
		if (h == -1)
			return reject_val(&r->v, "ethnicity_hospital", HG_REJ_ETHNICITY, hv);
		ps->eth_hosp[i] = h < 0 ? 0 : (uint8_t)h;
	}
	hg_sv lsoa = hg_sv_trim(hg_csv_field(c, r->pc.lsoa));
	ps->lsoa[i] = HG_NONE32;
	ps->decile[i] = 0;
	if (!lsoa.n) {
		warn_row[HG_WARN_LSOA_BLANK]++;
	} else if (!hg_lsoa_valid(lsoa)) {
		return reject_val(&r->v, "lsoa", HG_REJ_LSOA, lsoa);
	} else {
		ps->decile[i] = (uint8_t)hg_reference_decile(r->ref, lsoa.p, lsoa.n);
		if (!ps->decile[i] && r->ref->n_lsoa)
			warn_row[HG_WARN_LSOA_UNMATCHED]++;
	}
	ps->quintile[i] = (uint8_t)((ps->decile[i] + 1) / 2);
	hg_sv prac = hg_sv_trim(hg_csv_field(c, r->pc.practice));
	if (prac.n && !hg_practice_valid(prac))
		return reject_val(&r->v, "practice", HG_REJ_PRACTICE, prac);
	if (date_field(r, hg_csv_field(c, r->pc.reg_from), "registered_from", 0, 1,
	               &ps->reg_from[i], NULL, &r->v) ||
	    date_field(r, hg_csv_field(c, r->pc.reg_to), "registered_to", 0, 1, &ps->reg_to[i],
	               NULL, &r->v))
		return -1;
	if (prac.n && ps->reg_from[i] == HG_DATE_NONE)
		return reject_as(&r->v, "registered_from", HG_REJ_REG_MISSING);
	if (ps->reg_from[i] != HG_DATE_NONE &&
	    (ps->reg_from[i] < ps->dob[i] ||
	     (ps->reg_to[i] != HG_DATE_NONE && ps->reg_to[i] < ps->reg_from[i])))
		return reject_as(&r->v,
		                 ps->reg_from[i] < ps->dob[i] ? "registered_from" : "registered_to",
		                 HG_REJ_REG_ORDER);
	if (ps->reg_from[i] == HG_DATE_NONE && ps->reg_to[i] != HG_DATE_NONE)
		return reject_as(&r->v, "registered_to", HG_REJ_REG_ORDER);
	if (ps->reg_from[i] != HG_DATE_NONE && ps->dod[i] != HG_DATE_NONE &&
	    ps->reg_from[i] > ps->dod[i])
		return reject_as(&r->v, "registered_from", HG_REJ_REG_ORDER);
	uint64_t flags = 0;
	for (uint32_t f = 0; f < ps->n_flags; f++) {
		hg_sv s = hg_sv_trim(hg_csv_field(c, r->pc.flag[f]));
		if (s.n == 1 && s.p[0] == '1')
			flags |= 1ULL << f;
		else if (!(s.n == 0 || (s.n == 1 && s.p[0] == '0'))) {
			reject_val(&r->v, "flag", HG_REJ_FLAG, s);
			snprintf(r->v.detail, sizeof r->v.detail, "flag_%s", ps->flag_names[f]);
			return -1;
		}
	}
	ps->flags[i] = flags;
	/* uniqueness last, so a rejected row never claims an identifier */
	int ins;
	if (ps->has_nhs) {
		hg_dict_intern(&ps->raw_nhs, digits, 10, &ins);
		if (!ins)
			return reject_as(&r->v, "nhs_number", HG_REJ_DUPLICATE);
	}
	uint32_t pid = hg_dict_intern(&ps->ids, id, idlen, &ins);
	if (!ins)
		return reject_as(&r->v, ps->has_nhs ? "nhs_number" : "person_id", HG_REJ_DUPLICATE);
	(void)pid;
	assert(pid == i);
	ps->lsoa[i] = lsoa.n ? hg_dict_intern(&ps->lsoas, lsoa.p, lsoa.n, NULL) : HG_NONE32;
	ps->practice[i] = HG_NONE32;
	if (prac.n) {
		ps->practice[i] = hg_dict_intern(&ps->practices, prac.p, prac.n, NULL);
		const unsigned char *pk = ps->reid_keys && ps->has_nhs
		                              ? hg_reid_key_for(ps->reid_keys, prac.p, prac.n)
		                              : NULL;
		if (pk) { /* sealed to the person's own practice's key (store/reid.h) */
			hg_reid_seal(pk, digits, ps->reid + (size_t)i * HG_REID_BYTES);
			ps->reid_sealed++;
		}
		if (r->ref->practice.n &&
		    hg_dict_find(&r->ref->practice, prac.p, prac.n) == HG_DICT_MISSING)
			warn_row[HG_WARN_PRACTICE_UNMAPPED]++;
	} else {
		warn_row[HG_WARN_NO_PRACTICE]++;
	}
	return 0;
}

/* Quarantine the row r rejected (masking the NHS number), noting the first of its reason. */
static void person_reject(hg_persons *ps, const hg_prow *r, const hg_csv *c)
{
	const char *detail = r->v.detail[0] ? r->v.detail : NULL;
	hg_quarantine_first(&ps->quar, r->v.why, c->line, r->v.field, r->v.value, r->v.allow_month);
	if (ps->has_nhs)
		hg_quarantine_add_masked(&ps->quar, c, r->pc.nhs, r->v.field, r->v.why, detail);
	else
		hg_quarantine_add(&ps->quar, c->line, r->v.field, r->v.why, detail, c->rec,
		                  c->rec_len);
}

/* Open persons.csv at its header, find its columns and say how it is read. */
static int persons_open(hg_persons *ps, hg_prow *r, hg_csv *c, const hg_ingest_params *p,
                        hg_err *err)
{
	if (hg_source_open(c, p->persons_path, p->encoding, 1, err))
		return -1;
	if (!hg_csv_next(c))
		return hg_err_set(err, HG_EINPUT, "%s: empty file (no header row)",
		                  p->persons_path);
	if (pcols_find(ps, &r->pc, c, p->persons_path, err))
		return -1;
	if (ps->has_nhs && !r->key)
		return hg_err_set(err, HG_EUSAGE,
		                  "%s has an nhs_number column: give --key-file to pseudonymise it "
		                  "(make one with 'healthgap keygen')",
		                  p->persons_path);
	hg_source_say(c, p->encoding, r->df, r->pc.dob, p->quiet);
	if (r->pc.eth >= 0 && p->ethnicity_codelist)
		return hg_err_set(err, HG_EUSAGE,
		                  "%s has an ethnicity column: --ethnicity-codelist derives "
		                  "ethnicity from the record only when there is none (drop one)",
		                  p->persons_path);
	say_missing(&r->pc, c, p);
	return 0;
}

enum hg_reject hg_persons_row(const hg_persons *ps, const hg_csv *c, size_t ncols, int nhs_col,
                              int id_col, enum hg_reject unknown, hg_person_memo *memo,
                              uint32_t *person, const char **field, char *detail, size_t dcap)
{
	*field = "(record)";
	if (c->malformed) {
		snprintf(detail, dcap, "%s", c->malformed);
		return HG_REJ_QUOTING;
	}
	if (c->nfields != ncols) {
		snprintf(detail, dcap, "%zu fields, header has %zu", c->nfields, ncols);
		return HG_REJ_SHAPE;
	}
	uint32_t p;
	if (nhs_col >= 0) {
		*field = "nhs_number";
		hg_sv s = hg_sv_trim(hg_csv_field(c, nhs_col));
		char digits[11];
		if (!s.n)
			return HG_REJ_ID_MISSING;
		if (hg_nhs_digits(s.p, s.n, digits) || !hg_nhs_number_valid(s.p, s.n))
			return HG_REJ_NHS_INVALID;
		p = hg_dict_find(&ps->raw_nhs, digits, 10);
	} else {
		*field = "person_id";
		hg_sv s = hg_sv_trim(hg_csv_field(c, id_col));
		if (!s.n)
			return HG_REJ_ID_MISSING;
		if (memo && memo->id && s.n == memo->len && memcmp(s.p, memo->id, s.n) == 0) {
			p = memo->person;
		} else {
			p = hg_dict_find(&ps->ids, s.p, s.n);
			if (memo && p != HG_DICT_MISSING && c->offs[id_col] == SIZE_MAX)
				*memo = (hg_person_memo){s.p, s.n, p}; /* s points into the input */
		}
	}
	if (p == HG_DICT_MISSING)
		return unknown;
	*person = p;
	return HG_REJ_N;
}

int hg_persons_load(hg_persons *ps, const hg_ingest_params *p, const hg_reference *ref,
                    const hg_key *key, const hg_reid_keys *reid, hg_progress *prog, hg_err *err)
{
	memset(ps, 0, sizeof *ps);
	hg_dict_init(&ps->ids);
	hg_dict_init(&ps->raw_nhs);
	hg_dict_init(&ps->lsoas);
	hg_dict_init(&ps->practices);
	hg_datefmt df;
	if (hg_datefmt_init(&df, p->date_format, err))
		return -1;
	ps->reid_keys = reid;
	hg_prow r = {.ps = ps, .ref = ref, .key = key, .df = &df};
	r.lo = hg_date_from_ymd(1900, 1, 1);
	r.hi = p->extract_date;
	hg_csv c = {0};
	if (persons_open(ps, &r, &c, p, err)) {
		hg_csv_close(&c);
		return -1;
	}
	prog->total = c.size;
	prog->label = "persons";
	size_t last = c.pos;
	uint64_t same = 0; /* the first rows, all rejected for one reason */
	while (hg_csv_next(&c)) {
		persons_grow(ps);
		if (ps->reid) /* no box unless this row's is sealed */
			memset(ps->reid + ps->n * HG_REID_BYTES, 0, HG_REID_BYTES);
		ps->counts.read++;
		uint64_t w[HG_WARN_N] = {0};
		if (person_row(&r, &c, w)) {
			if (same + 1 == ps->counts.read && ps->quar.by_reason[r.v.why] == same)
				same++;
			person_reject(ps, &r, &c);
			if (same == HG_EARLY_ROWS)
				break;
			continue;
		}
		for (int k = 0; k < HG_WARN_N; k++) {
			ps->warn[k] += w[k];
			ps->counts.warnings += w[k];
		}
		ps->n++;
		if (c.pos - last > (1 << 20)) {
			hg_progress_tick(prog, c.pos - last, 1);
			last = c.pos;
		}
	}
	hg_progress_end(prog);
	int rc = 0;
	if (same && same == ps->counts.read)
		rc = hg_early_stop(p->persons_path, same, &ps->quar, r.v.why, &df, err);
	ps->counts.accepted = ps->n;
	ps->counts.quarantined = ps->quar.n;
	hg_csv_close(&c);
	assert(ps->counts.read == ps->counts.accepted + ps->counts.quarantined);
	return rc ? -1 : 0;
}
