/*
 * corrupt.c: malformed rows for --corrupt-rate. Every corrupt row is an EXTRA
 * row inserted after a valid one (never a mutation of it), built from a copy of
 * a valid row with exactly one defect, so no valid row or its events become
 * invalid: new person rows get fresh ids that no event refers to, events for
 * unknown persons use ids outside the population, and a duplicate person row
 * follows the original (ingest keeps the first). Each is listed in
 * corruptions.csv with its physical line and kind.
 */
#include "synth_int.h"

#include <stdio.h>
#include <string.h>

const char *const hg_sy_kind_names[HG_CK_N] = {
    "date_before_1900",
    "date_after_extract",
    "date_impossible",
    "birth_after_death",
    "registered_to_before_from",
    "invalid_sex",
    "invalid_ethnicity",
    "malformed_lsoa",
    "malformed_practice",
    "duplicate_person_id",
    "unknown_person",
    "event_after_death",
    "non_numeric_value",
    "unknown_setting",
    "unbalanced_quotes",
    "wrong_field_count",
    "blank_required",
};

#define HG_NEW_PERSON_BASE 3000000000ULL
#define HG_UNKNOWN_BASE    6000000000ULL

enum { HG_PF = 12, HG_EF = 5, HG_FLEN = 48 };

void hg_sy_out_corr(hg_sy_out *o, int file, int kind)
{
	HG_GROW(o->corr, o->ncorr, o->capcorr);
	o->corr[o->ncorr++] =
	    (hg_sy_corr){file ? o->elines : o->plines, (uint8_t)file, (uint8_t)kind};
	if (file)
		o->elines++;
	else
		o->plines++;
}

static void fmt_date(hg_date d, char *out)
{
	if (d == HG_DATE_NONE)
		out[0] = 0;
	else
		hg_date_format(d, out);
}

static void fmt_id(const hg_sy_model *m, uint64_t index, char *out)
{
	hg_buf b = {0};
	hg_sy_put_id(m, index, &b);
	snprintf(out, HG_FLEN, "%.*s", (int)b.n, b.p);
	hg_buf_free(&b);
}

static void emit_fields(hg_buf *b, char f[][HG_FLEN], int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			hg_buf_putc(b, ',');
		hg_buf_puts(b, f[i]);
	}
	hg_buf_putc(b, '\n');
}

/* An impossible calendar date in the given year. */
static void bad_ymd(hg_rng *cr, int y, char *out)
{
	static const char *const md[4] = {"02-30", "04-31", "13-01", "06-00"};
	snprintf(out, HG_FLEN, "%04d-%s", y, md[hg_rng_below(cr, 4)]);
}

/* Insert a lone '"' after the 4th character (an unbalanced quote). */
static void stray_quote(char *f)
{
	char t[HG_FLEN];
	snprintf(t, sizeof t, "%.4s\"%s", f, strlen(f) > 4 ? f + 4 : "");
	memcpy(f, t, HG_FLEN);
}

static void person_fields(const hg_sy_model *m, const hg_sy_person *ps, char f[][HG_FLEN])
{
	const hg_sy_geo *g = m->geo;
	fmt_id(m, ps->index, f[0]);
	fmt_date(ps->dob, f[1]);
	snprintf(f[2], HG_FLEN, "%c", ps->sex_code);
	snprintf(f[3], HG_FLEN, "%s", hg_sy_eth_column(m, ps));
	snprintf(f[4], HG_FLEN, "%s", g->lsoa[ps->lsoa].code);
	snprintf(f[5], HG_FLEN, "%s", g->prac[ps->practice].code);
	fmt_date(ps->reg_from, f[6]);
	fmt_date(ps->reg_to, f[7]);
	fmt_date(ps->dod, f[8]);
	snprintf(f[9], HG_FLEN, "%d", ps->homeless);
	snprintf(f[10], HG_FLEN, "%d", ps->ld_flag);
	snprintf(f[11], HG_FLEN, "%d", ps->carer);
}

static void person_defect(const hg_sy_person *ps, int kind, hg_rng *cr, char f[][HG_FLEN])
{
	static const char *const sexes[3] = {"3", "X", "male"};
	static const char *const eths[4] = {"Q", "I", "AB", "12"};
	static const char *const lsoas[4] = {"E0100001", "X01000001", "E01ABC123", "E010000012"};
	static const char *const pracs[4] = {"123456", "AB1234", "A1234", "A123456"};
	int y, mo, d;
	hg_date_to_ymd(ps->dob, &y, &mo, &d);
	switch (kind) {
	case HG_CK_DATE_PRE1900:
		snprintf(f[1], HG_FLEN, "18%02d-%02d-%02d", (int)hg_rng_below(cr, 100), mo, d);
		break;
	case HG_CK_DATE_FUTURE:
		snprintf(f[6], HG_FLEN, "209%d-%02d-%02d", (int)hg_rng_below(cr, 10), mo, d);
		break;
	case HG_CK_DATE_IMPOSSIBLE:
		bad_ymd(cr, y, f[1]);
		break;
	case HG_CK_BIRTH_AFTER_DEATH:
		fmt_date(ps->dob - 1 - (hg_date)hg_rng_below(cr, 3000), f[8]);
		if (ps->dob - 3001 < hg_date_from_ymd(1901, 1, 1))
			fmt_date(ps->dob - 1, f[8]);
		f[7][0] = 0;
		break;
	case HG_CK_REG_ORDER:
		fmt_date(ps->reg_from - 1 - (hg_date)hg_rng_below(cr, 400), f[7]);
		f[8][0] = 0;
		break;
	case HG_CK_SEX:
		snprintf(f[2], HG_FLEN, "%s", sexes[hg_rng_below(cr, 3)]);
		break;
	case HG_CK_ETHNICITY:
		snprintf(f[3], HG_FLEN, "%s", eths[hg_rng_below(cr, 4)]);
		break;
	case HG_CK_LSOA:
		snprintf(f[4], HG_FLEN, "%s", lsoas[hg_rng_below(cr, 4)]);
		break;
	case HG_CK_PRACTICE:
		snprintf(f[5], HG_FLEN, "%s", pracs[hg_rng_below(cr, 4)]);
		break;
	case HG_CK_QUOTES: /* a stray quote inside an unquoted field: one line, no cascade */
		stray_quote(f[4]);
		break;
	case HG_CK_BLANK:
		f[hg_rng_below(cr, 2)][0] = 0; /* person_id or date_of_birth */
		break;
	default:
		break;
	}
}

static const int person_kinds[] = {
    HG_CK_DATE_PRE1900, HG_CK_DATE_FUTURE, HG_CK_DATE_IMPOSSIBLE, HG_CK_BIRTH_AFTER_DEATH,
    HG_CK_REG_ORDER,    HG_CK_SEX,         HG_CK_ETHNICITY,       HG_CK_LSOA,
    HG_CK_PRACTICE,     HG_CK_DUPLICATE,   HG_CK_QUOTES,          HG_CK_FIELDS,
    HG_CK_BLANK};

void hg_sy_corrupt_person(const hg_sy_model *m, const hg_sy_person *ps, hg_rng *cr, hg_sy_out *o)
{
	size_t nk = sizeof person_kinds / sizeof person_kinds[0];
	int kind = person_kinds[hg_rng_below(cr, nk)];
	hg_sy_person q = *ps;
	char f[HG_PF][HG_FLEN];
	if (kind == HG_CK_DUPLICATE) { /* a conflicting copy of the same person_id */
		q.carer = !ps->carer;
	} else { /* a new person, alive and registered: only the defect is wrong */
		q.index = HG_NEW_PERSON_BASE + ps->index;
		q.reg_to = q.dod = HG_DATE_NONE;
	}
	person_fields(m, &q, f);
	person_defect(&q, kind, cr, f);
	hg_sy_out_corr(o, 0, kind);
	int n = HG_PF;
	if (kind == HG_CK_FIELDS)
		n = hg_rng_bernoulli(cr, 0.5) ? HG_PF - 1 : HG_PF;
	if (kind == HG_CK_FIELDS && n == HG_PF) /* one extra field */
		snprintf(f[11], HG_FLEN, "%d,0", ps->carer);
	emit_fields(&o->persons, f, n);
}

static void event_fields(const hg_sy_model *m, const hg_sy_person *ps, const hg_sy_event *e,
                         char f[][HG_FLEN])
{
	fmt_id(m, ps->index, f[0]);
	fmt_date(e->date, f[1]);
	hg_buf b = {0};
	hg_sy_put_code(m, e->list, e->idx, &b);
	snprintf(f[2], HG_FLEN, "%.*s", (int)b.n, b.p);
	b.n = 0;
	hg_sy_put_value(e->value10, &b);
	snprintf(f[3], HG_FLEN, "%.*s", (int)b.n, b.p);
	hg_buf_free(&b);
	snprintf(f[4], HG_FLEN, "%s", hg_sy_setting_name(e->setting));
}

static const int event_kinds[] = {HG_CK_DATE_PRE1900,   HG_CK_DATE_FUTURE, HG_CK_DATE_IMPOSSIBLE,
                                  HG_CK_UNKNOWN_PERSON, HG_CK_AFTER_DEATH, HG_CK_VALUE,
                                  HG_CK_SETTING,        HG_CK_QUOTES,      HG_CK_FIELDS,
                                  HG_CK_BLANK};

static void event_defect(const hg_sy_model *m, const hg_sy_person *ps, int kind, hg_rng *cr,
                         char f[][HG_FLEN])
{
	static const char *const vals[4] = {"abc", "12.3.4", "<5", "1e"};
	static const char *const sets[3] = {"hospital", "GPX", "community"};
	int y = 2020;
	switch (kind) {
	case HG_CK_DATE_PRE1900:
		snprintf(f[1], HG_FLEN, "18%02d-06-15", (int)hg_rng_below(cr, 100));
		break;
	case HG_CK_DATE_FUTURE:
		snprintf(f[1], HG_FLEN, "209%d-03-01", (int)hg_rng_below(cr, 10));
		break;
	case HG_CK_DATE_IMPOSSIBLE:
		sscanf(f[1], "%d", &y);
		bad_ymd(cr, y, f[1]);
		break;
	case HG_CK_UNKNOWN_PERSON:
		fmt_id(m, HG_UNKNOWN_BASE + ps->index, f[0]);
		break;
	case HG_CK_AFTER_DEATH:
		fmt_date(ps->dod + 1 + (hg_date)hg_rng_below(cr, (uint64_t)(m->p->end - ps->dod)),
		         f[1]);
		break;
	case HG_CK_VALUE:
		snprintf(f[3], HG_FLEN, "%s", vals[hg_rng_below(cr, 4)]);
		break;
	case HG_CK_SETTING:
		snprintf(f[4], HG_FLEN, "%s", sets[hg_rng_below(cr, 3)]);
		break;
	case HG_CK_QUOTES:
		stray_quote(f[1]);
		break;
	case HG_CK_BLANK:
		f[hg_rng_below(cr, 3)][0] = 0; /* person_id, date or code */
		break;
	default:
		break;
	}
}

void hg_sy_corrupt_event(const hg_sy_model *m, const hg_sy_person *ps, const hg_sy_event *e,
                         hg_rng *cr, hg_sy_out *o)
{
	size_t nk = sizeof event_kinds / sizeof event_kinds[0];
	int kind = event_kinds[hg_rng_below(cr, nk)];
	if (kind == HG_CK_AFTER_DEATH && (ps->dod == HG_DATE_NONE || ps->dod >= m->p->end))
		kind = HG_CK_VALUE;
	char f[HG_EF][HG_FLEN];
	event_fields(m, ps, e, f);
	event_defect(m, ps, kind, cr, f);
	hg_sy_out_corr(o, 1, kind);
	if (kind == HG_CK_FIELDS && hg_rng_bernoulli(cr, 0.5)) {
		emit_fields(&o->events, f, HG_EF - 1);
	} else if (kind == HG_CK_FIELDS) {
		snprintf(f[4] + strlen(f[4]), HG_FLEN - strlen(f[4]), ",extra");
		emit_fields(&o->events, f, HG_EF);
	} else {
		emit_fields(&o->events, f, HG_EF);
	}
}
