/*
 * units.c: reading and validating pathways.csv and appointments.csv (units.h),
 * then ordering their rows by person and date.
 *
 * The files are read in one sequential pass each (a trust's extract is a few
 * rows per patient, far fewer than events). A row is rejected on the first
 * rule it breaks, in the order of its columns: the record's shape, the
 * identifier (a person of persons.csv whose row was accepted), then each
 * field; the quarantine file keeps the line, field, reason and record (with
 * an NHS number masked), and the terminal the first failing value of each
 * reason (never an identifier: neither a person's nor a pathway's). When the
 * first HG_EARLY_ROWS rows (all of them, in a smaller file) fail one rule,
 * ingest stops and writes nothing, as for the other files.
 */
#include "units.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum unit_kind { K_PATHWAYS, K_APPTS };

/* The columns of a unit file (-1: absent). */
typedef struct ucols {
	int id, nhs, pathway, provider, specialty, start, stop, priority, removal;
	int date, setting, type, outcome;
	size_t ncols;
} ucols;

/* What one row is being read into, and why it fails. */
typedef struct urow {
	uint32_t person;
	hg_date d0, d1;
	uint32_t spec, prov;
	uint8_t k0, k1, k2;
} urow;

typedef struct uctx {
	int kind;
	const char *path;
	const hg_persons *ps;
	hg_units *u;
	hg_unit_rows *out;
	const hg_datefmt *df;
	hg_date lo, hi;
	ucols uc;
	hg_dict pathway_ids; /* pathway_id -> seen (memory only: never written) */
	urow *rows;
	size_t nrows, cap;
	char spec[8], prov[8]; /* the row's specialty and provider ("" blank), interned when
	                          it is accepted */
	/* the reason, field and failing value of the row being read */
	enum hg_reject why;
	const char *field;
	hg_sv value;
	char detail[160];
} uctx;

static const char *const pathway_cols[] = {
    "person_id",   "nhs_number", "pathway_id", "provider",       "specialty",
    "clock_start", "clock_stop", "priority",   "removal_reason", NULL};
static const char *const appt_cols[] = {"person_id", "nhs_number",      "date",
                                        "setting",   "specialty",       "provider",
                                        "outcome",   "attendance_type", NULL};

/* ---- field rules ---- */

/* A code of min..max capital letters and digits (lower case accepted, upper-cased into
 * buf); 0 blank, 1 valid, -1 not such a code. */
static int code_field(hg_sv s, size_t min, size_t max, char *buf)
{
	if (!s.n)
		return 0;
	if (s.n < min || s.n > max)
		return -1;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char ch = (unsigned char)s.p[i];
		if (!isalnum(ch))
			return -1;
		buf[i] = (char)toupper(ch);
	}
	buf[s.n] = 0;
	return 1;
}

/* Priority P1-P4 (also 1-4, P1a, P1b, any case): 1-4, 0 blank, -1 invalid. */
static int priority_parse(hg_sv s)
{
	if (!s.n)
		return 0;
	size_t i = (s.p[0] == 'P' || s.p[0] == 'p') ? 1 : 0;
	if (i >= s.n || s.p[i] < '1' || s.p[i] > '4')
		return -1;
	int v = s.p[i] - '0';
	if (i + 1 == s.n)
		return v;
	if (i == 1 && v == 1 && i + 2 == s.n && strchr("abAB", s.p[i + 1]))
		return 1;
	return -1;
}

/* RTT clock-stop status 30-36: the code, 0 blank, -1 invalid. */
static int removal_parse(hg_sv s)
{
	if (!s.n)
		return 0;
	if (s.n != 2 || s.p[0] != '3' || s.p[1] < '0' || s.p[1] > '6')
		return -1;
	return 30 + (s.p[1] - '0');
}

/* The words of s in lower case with runs of spaces, '_' and '-' as one space. */
static void words(hg_sv s, char *buf, size_t cap)
{
	size_t k = 0;
	int sp = 0;
	for (size_t i = 0; i < s.n && k + 1 < cap; i++) {
		char ch = (char)tolower((unsigned char)s.p[i]);
		if (ch == ' ' || ch == '_' || ch == '-') {
			sp = k > 0;
			continue;
		}
		if (sp && k + 2 < cap)
			buf[k++] = ' ';
		sp = 0;
		buf[k++] = ch;
	}
	buf[k] = 0;
}

/* First or follow-up (NHS Data Dictionary FIRST ATTENDANCE 1, 3 first; 2, 4 follow-up):
 * enum hg_attendance, 0 blank, -1 invalid. */
static int attendance_parse(hg_sv s)
{
	char w[32];
	if (!s.n)
		return 0;
	if (s.n > 20)
		return -1;
	words(s, w, sizeof w);
	if (!strcmp(w, "first") || !strcmp(w, "1") || !strcmp(w, "3"))
		return HG_ATT_FIRST;
	if (!strcmp(w, "follow up") || !strcmp(w, "followup") || !strcmp(w, "2") || !strcmp(w, "4"))
		return HG_ATT_FOLLOW_UP;
	return -1;
}

/* An outcome (names, or NHS Data Dictionary ATTENDED OR DID NOT ATTEND: 5, 6 attended;
 * 3, 7 did not attend; 2 cancelled by the patient; 4 by the provider): enum hg_outcome,
 * -1 invalid or blank. */
static int outcome_parse(hg_sv s)
{
	static const struct {
		const char *w;
		int v;
	} names[] = {{"attended", HG_OUT_ATTENDED},
	             {"5", HG_OUT_ATTENDED},
	             {"6", HG_OUT_ATTENDED},
	             {"did not attend", HG_OUT_DNA},
	             {"dna", HG_OUT_DNA},
	             {"3", HG_OUT_DNA},
	             {"7", HG_OUT_DNA},
	             {"cancelled by patient", HG_OUT_CANCELLED_PATIENT},
	             {"2", HG_OUT_CANCELLED_PATIENT},
	             {"cancelled by provider", HG_OUT_CANCELLED_PROVIDER},
	             {"4", HG_OUT_CANCELLED_PROVIDER}};
	char w[48];
	if (!s.n || s.n > 40)
		return -1;
	words(s, w, sizeof w);
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (!strcmp(w, names[k].w))
			return names[k].v;
	return -1;
}

/* ---- rows ---- */

/* Fail the row: reason, field and the value shown (p NULL: withheld). */
static int fail(uctx *x, enum hg_reject why, const char *field, hg_sv value)
{
	x->why = why;
	x->field = field;
	x->value = value;
	return -1;
}

/* The trimmed field of column col ("" when the column is absent). */
static hg_sv ufield(const hg_csv *c, int col)
{
	return col < 0 ? (hg_sv){"", 0} : hg_sv_trim(hg_csv_field(c, col));
}

static const hg_sv withheld = {NULL, 0};

/* The record's shape and its person. */
static int row_person(uctx *x, const hg_csv *c, urow *r)
{
	const ucols *uc = &x->uc;
	const char *field;
	enum hg_reject why =
	    hg_persons_row(x->ps, c, uc->ncols, uc->nhs, uc->id, HG_REJ_UNIT_PERSON, NULL,
	                   &r->person, &field, x->detail, sizeof x->detail);
	return why == HG_REJ_N ? 0 : fail(x, why, field, withheld);
}

/* A date of column col: required, or blank allowed (*d HG_DATE_NONE); within
 * 1900-01-01 .. the extract date and the person's life. */
static int row_date(uctx *x, const hg_csv *c, int col, const char *name, int required, urow *r,
                    hg_date *d)
{
	hg_sv s = ufield(c, col);
	*d = HG_DATE_NONE;
	if (!s.n)
		return required ? fail(x, HG_REJ_DATE_MISSING, name, s) : 0;
	if (hg_datefmt_read(x->df, s, 0, d, NULL)) {
		snprintf(x->detail, sizeof x->detail, "'%.*s' is not %s",
		         (int)(s.n > 40 ? 40 : s.n), s.p, x->df->name);
		return fail(x, HG_REJ_DATE_INVALID, name, s);
	}
	if (*d < x->lo || *d > x->hi)
		return fail(x, HG_REJ_DATE_RANGE, name, s);
	if (*d < x->ps->dob[r->person])
		return fail(x, HG_REJ_UNIT_BIRTH, name, s);
	if (x->ps->dod[r->person] != HG_DATE_NONE && *d > x->ps->dod[r->person])
		return fail(x, HG_REJ_UNIT_DEATH, name, s);
	return 0;
}

/* Specialty and provider codes (interned by one_row when the row is accepted). */
static int row_codes(uctx *x, const hg_csv *c)
{
	hg_sv s = ufield(c, x->uc.specialty);
	x->spec[0] = x->prov[0] = 0;
	if (code_field(s, 3, 3, x->spec) < 0)
		return fail(x, HG_REJ_SPECIALTY, "specialty", s);
	s = ufield(c, x->uc.provider);
	if (code_field(s, 3, 6, x->prov) < 0)
		return fail(x, HG_REJ_PROVIDER, "provider", s);
	return 0;
}

/* A code of the row in a shared dictionary, HG_NONE32 when blank. */
static uint32_t intern(hg_dict *d, const char *code)
{
	return code[0] ? hg_dict_intern(d, code, strlen(code), NULL) : HG_NONE32;
}

/* A pathway id: 1-64 characters without commas or control characters, once per file. */
static int row_pathway_id(uctx *x, const hg_csv *c)
{
	hg_sv s = ufield(c, x->uc.pathway);
	if (!s.n || s.n > 64)
		return fail(x, HG_REJ_PATHWAY_ID, "pathway_id", withheld);
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 || s.p[i] == ',' || s.p[i] == 0x7f)
			return fail(x, HG_REJ_PATHWAY_ID, "pathway_id", withheld);
	int ins;
	hg_dict_intern(&x->pathway_ids, s.p, s.n, &ins);
	return ins ? 0 : fail(x, HG_REJ_PATHWAY_DUP, "pathway_id", withheld);
}

static int pathway_row(uctx *x, const hg_csv *c, urow *r)
{
	const ucols *uc = &x->uc;
	if (row_person(x, c, r) || row_pathway_id(x, c) || row_codes(x, c) ||
	    row_date(x, c, uc->start, "clock_start", 1, r, &r->d0) ||
	    row_date(x, c, uc->stop, "clock_stop", 0, r, &r->d1))
		return -1;
	if (r->d1 != HG_DATE_NONE && r->d1 < r->d0)
		return fail(x, HG_REJ_CLOCK_ORDER, "clock_stop", ufield(c, uc->stop));
	hg_sv s = ufield(c, uc->priority);
	int v = priority_parse(s);
	if (v < 0)
		return fail(x, HG_REJ_PRIORITY, "priority", s);
	r->k0 = (uint8_t)v;
	s = ufield(c, uc->removal);
	v = removal_parse(s);
	if (v < 0)
		return fail(x, HG_REJ_REMOVAL, "removal_reason", s);
	if (v && r->d1 == HG_DATE_NONE)
		return fail(x, HG_REJ_REMOVAL_OPEN, "removal_reason", s);
	r->k1 = (uint8_t)v;
	return 0;
}

static int appt_row(uctx *x, const hg_csv *c, urow *r)
{
	const ucols *uc = &x->uc;
	if (row_person(x, c, r) || row_date(x, c, uc->date, "date", 1, r, &r->d0))
		return -1;
	hg_sv s = ufield(c, uc->setting);
	r->k0 = HG_SET_OP;
	if (s.n) {
		if (s.n == 2 && !strncasecmp(s.p, "gp", 2))
			r->k0 = HG_SET_GP;
		else if (!(s.n == 2 && !strncasecmp(s.p, "op", 2)))
			return fail(x, HG_REJ_APPT_SETTING, "setting", s);
	}
	if (row_codes(x, c))
		return -1;
	s = ufield(c, uc->type);
	int v = attendance_parse(s);
	if (v < 0)
		return fail(x, HG_REJ_ATTENDANCE, "attendance_type", s);
	r->k1 = (uint8_t)v;
	s = ufield(c, uc->outcome);
	v = outcome_parse(s);
	if (v < 0)
		return fail(x, HG_REJ_OUTCOME, "outcome", s);
	r->k2 = (uint8_t)v;
	return 0;
}

/* Read one row: accepted into x->rows, or quarantined. Returns the reason or HG_REJ_N. */
static enum hg_reject one_row(uctx *x, const hg_csv *c)
{
	urow r = {.spec = HG_NONE32, .prov = HG_NONE32, .d1 = HG_DATE_NONE};
	x->detail[0] = 0;
	int bad = x->kind == K_PATHWAYS ? pathway_row(x, c, &r) : appt_row(x, c, &r);
	hg_unit_rows *o = x->out;
	if (!bad) {
		r.spec = intern(&x->u->specialties, x->spec);
		r.prov = intern(&x->u->providers, x->prov);
		HG_GROW(x->rows, x->nrows, x->cap);
		x->rows[x->nrows++] = r;
		if (r.d0 < o->min_date)
			o->min_date = r.d0;
		if (r.d0 > o->max_date)
			o->max_date = r.d0;
		return HG_REJ_N;
	}
	const char *detail = x->detail[0] ? x->detail : NULL;
	hg_quarantine_first(&o->quar, x->why, c->line, x->field, x->value, 0);
	if (x->uc.nhs >= 0)
		hg_quarantine_add_masked(&o->quar, c, x->uc.nhs, x->field, x->why, detail);
	else
		hg_quarantine_add(&o->quar, c->line, x->field, x->why, detail, c->rec, c->rec_len);
	return x->why;
}

/* ---- columns ---- */

static int need_col(const hg_csv *c, int col, const char *name, const char *const *known,
                    hg_err *err)
{
	if (col >= 0)
		return 0;
	char what[64];
	snprintf(what, sizeof what, "no %s column", name);
	return hg_header_missing(c, what, name, known, err);
}

static int ucols_find(uctx *x, const hg_csv *c, hg_err *err)
{
	ucols *uc = &x->uc;
	const char *const *known = x->kind == K_PATHWAYS ? pathway_cols : appt_cols;
	memset(uc, -1, sizeof *uc);
	uc->ncols = c->nfields;
	uc->id = hg_csv_col(c, "person_id");
	uc->nhs = hg_csv_col(c, "nhs_number");
	uc->provider = hg_csv_col(c, "provider");
	uc->specialty = hg_csv_col(c, "specialty");
	if (uc->id < 0 && uc->nhs < 0)
		return hg_header_missing(c, "neither person_id nor nhs_number", "person_id", known,
		                         err);
	if (uc->nhs >= 0 && !x->ps->has_nhs)
		return hg_err_set(err, HG_EINPUT,
		                  "%s:1: rows are keyed by nhs_number but persons by person_id",
		                  x->path);
	if (x->kind == K_PATHWAYS) {
		uc->pathway = hg_csv_col(c, "pathway_id");
		uc->start = hg_csv_col(c, "clock_start");
		uc->stop = hg_csv_col(c, "clock_stop");
		uc->priority = hg_csv_col(c, "priority");
		uc->removal = hg_csv_col(c, "removal_reason");
		return need_col(c, uc->pathway, "pathway_id", known, err) ||
		       need_col(c, uc->start, "clock_start", known, err) ||
		       need_col(c, uc->stop, "clock_stop", known, err);
	}
	uc->date = hg_csv_col(c, "date");
	uc->setting = hg_csv_col(c, "setting");
	uc->type = hg_csv_col(c, "attendance_type");
	uc->outcome = hg_csv_col(c, "outcome");
	return need_col(c, uc->date, "date", known, err) ||
	       need_col(c, uc->outcome, "outcome", known, err);
}

/* Say how the file is read and what its missing optional columns mean. */
static void say_columns(const uctx *x, const hg_csv *c, const hg_ingest_params *p)
{
	const ucols *uc = &x->uc;
	int pw = x->kind == K_PATHWAYS;
	const char *const *known = pw ? pathway_cols : appt_cols;
	hg_source_say(c, p->encoding, x->df, pw ? uc->start : uc->date, p->quiet);
	if (uc->specialty < 0)
		hg_say_missing_column(
		    c, "specialty", known,
		    "every specialty is Unknown (specialty breakdowns have one group)", 1,
		    p->quiet);
	if (uc->provider < 0)
		hg_say_missing_column(c, "provider", known, "every provider is Unknown", 0,
		                      p->quiet);
	if (pw && uc->priority < 0)
		hg_say_missing_column(c, "priority", known, "every clinical priority is not known",
		                      0, p->quiet);
	if (pw && uc->removal < 0)
		hg_say_missing_column(c, "removal_reason", known,
		                      "no clock stop has a reason (removal_reason is missing)", 0,
		                      p->quiet);
	if (!pw && uc->setting < 0)
		hg_say_missing_column(c, "setting", known, "every appointment is outpatients (op)",
		                      0, p->quiet);
	if (!pw && uc->type < 0)
		hg_say_missing_column(c, "attendance_type", known,
		                      "no appointment is known to be first or follow-up", 1,
		                      p->quiet);
}

/* ---- sorting into columns ---- */

static int row_before(const urow *a, const urow *b)
{
	return a->d0 < b->d0;
}

/* Counting sort by person (file order kept), then a stable sort by date per person. */
static void rows_sort(uctx *x, size_t npersons)
{
	hg_unit_rows *o = x->out;
	size_t n = x->nrows;
	o->n = n;
	o->off = hg_xcalloc(npersons + 1, sizeof *o->off);
	for (size_t k = 0; k < n; k++)
		o->off[x->rows[k].person + 1]++;
	for (size_t p = 0; p < npersons; p++)
		o->off[p + 1] += o->off[p];
	urow *s = hg_xmalloc((n ? n : 1) * sizeof *s);
	uint64_t *fill = hg_xmalloc((npersons + 1) * sizeof *fill);
	memcpy(fill, o->off, (npersons + 1) * sizeof *fill);
	for (size_t k = 0; k < n; k++)
		s[fill[x->rows[k].person]++] = x->rows[k];
	free(fill);
	for (size_t p = 0; p < npersons; p++)
		for (uint64_t i = o->off[p] + 1; i < o->off[p + 1]; i++) {
			urow r = s[i];
			uint64_t j = i;
			for (; j > o->off[p] && row_before(&r, &s[j - 1]); j--)
				s[j] = s[j - 1];
			s[j] = r;
		}
	size_t m = n ? n : 1;
	o->d0 = hg_xmalloc(m * sizeof *o->d0);
	o->d1 = hg_xmalloc(m * sizeof *o->d1);
	o->spec = hg_xmalloc(m * sizeof *o->spec);
	o->prov = hg_xmalloc(m * sizeof *o->prov);
	o->k0 = hg_xmalloc(m);
	o->k1 = hg_xmalloc(m);
	o->k2 = hg_xmalloc(m);
	for (size_t k = 0; k < n; k++) {
		o->d0[k] = s[k].d0;
		o->d1[k] = s[k].d1;
		o->spec[k] = s[k].spec;
		o->prov[k] = s[k].prov;
		o->k0[k] = s[k].k0;
		o->k1[k] = s[k].k1;
		o->k2[k] = s[k].k2;
	}
	free(s);
}

/* ---- one file ---- */

static int unit_file(uctx *x, const hg_ingest_params *p, hg_progress *prog, hg_err *err)
{
	hg_unit_rows *o = x->out;
	hg_csv c = {0};
	int rc = -1;
	if (hg_source_open(&c, x->path, p->encoding, 1, err))
		goto done;
	if (!hg_csv_next(&c)) {
		hg_err_set(err, HG_EINPUT, "%s: empty file (no header row)", x->path);
		goto done;
	}
	if (ucols_find(x, &c, err))
		goto done;
	say_columns(x, &c, p);
	prog->total = c.size;
	prog->label = x->kind == K_PATHWAYS ? "pathways" : "appointments";
	size_t last = c.pos;
	uint64_t same = 0; /* the first rows, all rejected for one reason */
	enum hg_reject why0 = HG_REJ_N;
	while (hg_csv_next(&c)) {
		o->counts.read++;
		enum hg_reject why = one_row(x, &c);
		if (why != HG_REJ_N && same + 1 == o->counts.read && (same == 0 || why == why0)) {
			same++;
			why0 = why;
		}
		if (o->counts.read == HG_EARLY_ROWS && same == HG_EARLY_ROWS)
			break;
		if (c.pos - last > (1 << 20)) {
			hg_progress_tick(prog, c.pos - last, 1);
			last = c.pos;
		}
	}
	hg_progress_end(prog);
	if (same && same == o->counts.read &&
	    (same == HG_EARLY_ROWS || o->counts.read < HG_EARLY_ROWS)) {
		hg_early_stop(x->path, same, &o->quar, why0, x->df, err);
		goto done;
	}
	o->counts.accepted = x->nrows;
	o->counts.quarantined = o->quar.n;
	assert(o->counts.read == o->counts.accepted + o->counts.quarantined);
	rows_sort(x, x->ps->n);
	rc = 0;
done:
	hg_csv_close(&c);
	return rc;
}

static int load_kind(hg_units *u, int kind, const char *path, const hg_persons *ps,
                     const hg_ingest_params *p, const hg_datefmt *df, hg_progress *prog,
                     hg_err *err)
{
	hg_unit_rows *o = kind == K_PATHWAYS ? &u->pw : &u->ap;
	o->min_date = HG_DATE_NONE;
	o->max_date = INT32_MIN;
	if (!path) { /* not given: no rows, every person's range empty */
		o->off = hg_xcalloc(ps->n + 1, sizeof *o->off);
		return 0;
	}
	o->given = 1;
	uctx x = {.kind = kind, .path = path, .ps = ps, .u = u, .out = o, .df = df};
	x.lo = hg_date_from_ymd(1900, 1, 1);
	x.hi = p->extract_date;
	hg_dict_init(&x.pathway_ids);
	atomic_store(&prog->done, 0);
	prog->last_pct = -1;
	int rc = unit_file(&x, p, prog, err);
	hg_dict_free(&x.pathway_ids);
	free(x.rows);
	return rc;
}

int hg_units_load(hg_units *u, const hg_persons *ps, const hg_ingest_params *p, hg_progress *prog,
                  hg_err *err)
{
	memset(u, 0, sizeof *u);
	hg_dict_init(&u->specialties);
	hg_dict_init(&u->providers);
	hg_datefmt df;
	if (hg_datefmt_init(&df, p->date_format, err))
		return -1;
	if (load_kind(u, K_PATHWAYS, p->pathways_path, ps, p, &df, prog, err) ||
	    load_kind(u, K_APPTS, p->appointments_path, ps, p, &df, prog, err))
		return -1;
	return 0;
}

static void rows_free(hg_unit_rows *o)
{
	free(o->off);
	free(o->d0);
	free(o->d1);
	free(o->spec);
	free(o->prov);
	free(o->k0);
	free(o->k1);
	free(o->k2);
	hg_buf_free(&o->quar.csv);
}

void hg_units_free(hg_units *u)
{
	rows_free(&u->pw);
	rows_free(&u->ap);
	hg_dict_free(&u->specialties);
	hg_dict_free(&u->providers);
	memset(u, 0, sizeof *u);
}
