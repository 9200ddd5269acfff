/*
 * history.c: the optional history files of ingest (docs/data-model.md "As-at
 * histories"): registrations.csv (person, practice, from, to) and
 * addresses.csv (person, lsoa, from, to). A person's registration and address
 * are then taken as at each date from their periods, not from persons.csv's
 * single values. Each row is validated (the first rule it breaks quarantines
 * it with its line, field and reason, as for the other files): the person
 * (a person of persons.csv whose row was accepted), the code, `from` (a date
 * within the person's life), `to` (blank: still current; else on or after
 * `from`). Then each person's periods are sorted by `from`, and a period
 * that overlaps the one before is quarantined too ("overlaps an earlier
 * period"), except that a period starting on the last day of the one before
 * is a move on that day (the earlier one then ends the day before). Gaps
 * between periods are allowed and counted. Counts reconcile: read = accepted
 * + quarantined.
 */
#include "history.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One accepted row before the overlap check. */
typedef struct hrow {
	uint32_t person, place;
	hg_date from, to;
	uint64_t line;
	const char *rec; /* the record in the input (held whole in memory until the file is */
	size_t rec_len;  /* closed), for quarantining an overlap */
} hrow;

typedef struct hctx {
	int addr; /* 0 registrations, 1 addresses */
	const char *path;
	hg_persons *ps;
	hg_spells *out;
	const hg_datefmt *df;
	hg_date lo, hi;
	int id, nhs, code, from, to;
	size_t ncols;
	hrow *rows;
	size_t nrows, cap;
	enum hg_reject why;
	const char *field;
	hg_sv value;
	char detail[160];
} hctx;

static int fail(hctx *x, enum hg_reject why, const char *field, hg_sv value)
{
	x->why = why;
	x->field = field;
	x->value = value;
	return -1;
}

static hg_sv hfield(const hg_csv *c, int col)
{
	return col < 0 ? (hg_sv){"", 0} : hg_sv_trim(hg_csv_field(c, col));
}

static const hg_sv withheld = {NULL, 0};

static int row_person(hctx *x, const hg_csv *c, hrow *r)
{
	const char *field;
	enum hg_reject why = hg_persons_row(x->ps, c, x->ncols, x->nhs, x->id, HG_REJ_UNIT_PERSON,
	                                    NULL, &r->person, &field, x->detail, sizeof x->detail);
	return why == HG_REJ_N ? 0 : fail(x, why, field, withheld);
}

static int row_date(hctx *x, const hg_csv *c, int col, const char *name, int required,
                    const hrow *r, hg_date *d)
{
	hg_sv s = hfield(c, col);
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
	if (required && x->ps->dod[r->person] != HG_DATE_NONE && *d > x->ps->dod[r->person])
		return fail(x, HG_REJ_UNIT_DEATH, name, s);
	return 0;
}

/* Validate one row into r; its practice or LSOA interned into the persons' dictionary. */
static int one_row(hctx *x, const hg_csv *c, hrow *r)
{
	x->detail[0] = 0;
	if (row_person(x, c, r))
		return -1;
	hg_sv code = hfield(c, x->code);
	const char *cname = x->addr ? "lsoa" : "practice";
	if (x->addr ? !hg_lsoa_valid(code) : !hg_practice_valid(code))
		return fail(x, x->addr ? HG_REJ_LSOA : HG_REJ_PRACTICE, cname, code);
	if (row_date(x, c, x->from, "from", 1, r, &r->from) ||
	    row_date(x, c, x->to, "to", 0, r, &r->to))
		return -1;
	if (r->to != HG_DATE_NONE && r->to < r->from)
		return fail(x, HG_REJ_REG_ORDER, "to", hfield(c, x->to));
	hg_dict *d = x->addr ? &x->ps->lsoas : &x->ps->practices;
	r->place = hg_dict_intern(d, code.p, code.n, NULL);
	return 0;
}

static void quarantine(hctx *x, uint64_t line, const char *rec, size_t len)
{
	hg_quarantine *q = &x->out->quar;
	const char *detail = x->detail[0] ? x->detail : NULL;
	hg_quarantine_first(q, x->why, line, x->field, x->value, 0);
	hg_quarantine_add(q, line, x->field, x->why, detail, rec, len);
}

static int cols_find(hctx *x, const hg_csv *c, hg_err *err)
{
	static const char *const known_r[] = {"person_id", "nhs_number", "practice",
	                                      "from",      "to",         NULL};
	static const char *const known_a[] = {"person_id", "nhs_number", "lsoa",
	                                      "from",      "to",         NULL};
	const char *const *known = x->addr ? known_a : known_r;
	x->ncols = c->nfields;
	x->id = hg_csv_col(c, "person_id");
	x->nhs = hg_csv_col(c, "nhs_number");
	x->code = hg_csv_col(c, x->addr ? "lsoa" : "practice");
	x->from = hg_csv_col(c, "from");
	x->to = hg_csv_col(c, "to");
	if (x->id < 0 && x->nhs < 0)
		return hg_header_missing(c, "neither person_id nor nhs_number", "person_id", known,
		                         err);
	if (x->nhs >= 0 && !x->ps->has_nhs)
		return hg_err_set(err, HG_EINPUT,
		                  "%s:1: rows are keyed by nhs_number but persons by person_id",
		                  x->path);
	if (x->code < 0)
		return hg_header_missing(c, x->addr ? "no lsoa column" : "no practice column",
		                         x->addr ? "lsoa" : "practice", known, err);
	if (x->from < 0)
		return hg_header_missing(c, "no from column", "from", known, err);
	if (x->to < 0)
		return hg_header_missing(c, "no to column", "to", known, err);
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	const hrow *x = a, *y = b;
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort by person and from; quarantine overlaps; count gaps and moves; into columns. */
static void spells_build(hctx *x)
{
	hg_spells *o = x->out;
	size_t n = x->nrows, np = x->ps->n, m = 0;
	qsort(x->rows, n, sizeof *x->rows, cmp_row);
	for (size_t k = 0; k < n; k++) {
		hrow *r = &x->rows[k];
		hrow *prev = m ? &x->rows[m - 1] : NULL;
		if (prev && prev->person == r->person) {
			hg_date end = prev->to == HG_DATE_NONE ? INT32_MAX : prev->to;
			if (r->from == end && prev->from < r->from) { /* a move on that day */
				prev->to = r->from - 1;
				o->moves_same_day++;
			} else if (r->from <= end) {
				x->why = HG_REJ_OVERLAP;
				x->field = "from";
				x->value = withheld;
				snprintf(x->detail, sizeof x->detail,
				         "overlaps the period from line %llu",
				         (unsigned long long)prev->line);
				quarantine(x, r->line, r->rec, r->rec_len);
				continue;
			} else if (r->from > end + 1) {
				o->gaps++;
			}
		}
		x->rows[m++] = *r;
	}
	o->n = m;
	o->off = hg_xcalloc(np + 1, sizeof *o->off);
	size_t cap = m ? m : 1;
	o->from = hg_xmalloc(cap * sizeof *o->from);
	o->to = hg_xmalloc(cap * sizeof *o->to);
	o->place = hg_xmalloc(cap * sizeof *o->place);
	for (size_t k = 0; k < m; k++) {
		o->off[x->rows[k].person + 1]++;
		o->from[k] = x->rows[k].from;
		o->to[k] = x->rows[k].to;
		o->place[k] = x->rows[k].place;
	}
	for (size_t p = 0; p < np; p++)
		o->off[p + 1] += o->off[p];
}

static int history_file(hctx *x, const hg_ingest_params *p, hg_err *err)
{
	hg_spells *o = x->out;
	hg_csv c = {0};
	int rc = -1;
	if (hg_source_open(&c, x->path, p->encoding, 1, err))
		goto done;
	if (!hg_csv_next(&c)) {
		hg_err_set(err, HG_EINPUT, "%s: empty file (no header row)", x->path);
		goto done;
	}
	if (cols_find(x, &c, err))
		goto done;
	hg_source_say(&c, p->encoding, x->df, x->from, p->quiet);
	uint64_t same = 0;
	enum hg_reject why0 = HG_REJ_N;
	while (hg_csv_next(&c)) {
		o->counts.read++;
		hrow r = {0};
		if (one_row(x, &c, &r)) {
			if (same + 1 == o->counts.read && (same == 0 || x->why == why0)) {
				same++;
				why0 = x->why;
			}
			quarantine(x, c.line, c.rec, c.rec_len);
			if (o->counts.read == HG_EARLY_ROWS && same == HG_EARLY_ROWS)
				break;
			continue;
		}
		r.line = c.line;
		r.rec = c.rec;
		r.rec_len = c.rec_len;
		HG_GROW(x->rows, x->nrows, x->cap);
		x->rows[x->nrows++] = r;
	}
	if (same && same == o->counts.read &&
	    (same == HG_EARLY_ROWS || o->counts.read < HG_EARLY_ROWS)) {
		hg_early_stop(x->path, same, &o->quar, why0, x->df, err);
		goto done;
	}
	spells_build(x);
	o->counts.accepted = o->n;
	o->counts.quarantined = o->quar.n;
	assert(o->counts.read == o->counts.accepted + o->counts.quarantined);
	rc = 0;
done:
	hg_csv_close(&c);
	return rc;
}

static int load_one(hg_spells *o, int addr, const char *path, hg_persons *ps,
                    const hg_ingest_params *p, const hg_datefmt *df, hg_err *err)
{
	if (!path) { /* not given: no periods, persons.csv's single values hold */
		o->off = hg_xcalloc(ps->n + 1, sizeof *o->off);
		return 0;
	}
	o->given = 1;
	hctx x = {.addr = addr, .path = path, .ps = ps, .out = o, .df = df};
	x.lo = hg_date_from_ymd(1900, 1, 1);
	x.hi = p->extract_date;
	int rc = history_file(&x, p, err);
	free(x.rows);
	return rc;
}

/* The period of person i covering date d, else the last one before d, else -1. */
static int64_t spell_at(const hg_spells *o, size_t i, hg_date d)
{
	int64_t best = -1;
	for (uint64_t k = o->off[i]; k < o->off[i + 1]; k++)
		if (o->from[k] <= d)
			best = (int64_t)k;
	return best;
}

/* persons.csv's single values become the periods' as at the extract date (or the last
 * period before it), so what reads them (the dashboard's population, worklists) sees
 * where a person is now. */
static void current_values(hg_history *h, hg_persons *ps, const hg_reference *ref, hg_date xd)
{
	for (size_t i = 0; i < ps->n; i++) {
		int64_t k = h->reg.given ? spell_at(&h->reg, i, xd) : -1;
		if (h->reg.given) {
			ps->practice[i] = k < 0 ? HG_NONE32 : h->reg.place[k];
			ps->reg_from[i] = k < 0 ? HG_DATE_NONE : h->reg.from[k];
			ps->reg_to[i] = k < 0 ? HG_DATE_NONE : h->reg.to[k];
		}
		if (!h->addr.given)
			continue;
		k = spell_at(&h->addr, i, xd);
		ps->lsoa[i] = k < 0 ? HG_NONE32 : h->addr.place[k];
		const char *code = k < 0 ? NULL : ps->lsoas.keys[ps->lsoa[i]];
		ps->decile[i] =
		    code ? (uint8_t)hg_reference_decile(ref, code, ps->lsoas.lens[ps->lsoa[i]]) : 0;
		ps->quintile[i] = (uint8_t)((ps->decile[i] + 1) / 2);
	}
}

int hg_history_load(hg_history *h, hg_persons *ps, const hg_reference *ref,
                    const hg_ingest_params *p, hg_err *err)
{
	memset(h, 0, sizeof *h);
	hg_datefmt df;
	if (hg_datefmt_init(&df, p->date_format, err))
		return -1;
	if (load_one(&h->reg, 0, p->registrations_path, ps, p, &df, err) ||
	    load_one(&h->addr, 1, p->addresses_path, ps, p, &df, err))
		return -1;
	current_values(h, ps, ref, p->extract_date);
	return 0;
}

static void spells_free(hg_spells *o)
{
	free(o->off);
	free(o->from);
	free(o->to);
	free(o->place);
	hg_buf_free(&o->quar.csv);
}

void hg_history_free(hg_history *h)
{
	spells_free(&h->reg);
	spells_free(&h->addr);
	memset(h, 0, sizeof *h);
}
