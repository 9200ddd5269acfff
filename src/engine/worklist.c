/*
 * worklist.c: draw up a worklist for one practice as at one date.
 *
 * Each person of the practice is evaluated once, as at the date, with the
 * worklist's compiled code (hg_cwl: who, priority group, reasons, columns and
 * order keys, in context 1 like an event indicator's population). People for
 * whom `who` is true are kept and sorted: priority group first (the
 * segmentation's order, "Other" last), then the order keys, then the
 * pseudonym, so the list is the same on every run.
 */
#include "engine/worklist.h"

#include "core/str.h"
#include "engine/engine.h"
#include "engine/vm.h"
#include "store/reid.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void hg_wl_rows_free(hg_wl_rows *r)
{
	free(r->rows);
	free(r->vals);
	free(r->group_n);
	memset(r, 0, sizeof *r);
}

/* The index of practice code `code`, or -1. */
static int64_t practice_index(const hg_store *st, const char *code)
{
	for (uint32_t i = 0; i < st->practices.n; i++)
		if (!strcmp(hg_strtab_get(&st->practices, i), code))
			return i;
	return -1;
}

static int popcount64(uint64_t x)
{
	int n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

/* Keep person p with the register values out (as hg_vm_eval_at wrote them). */
static void keep(hg_wl_rows *r, const hg_store *st, uint64_t p, const double *out)
{
	const hg_cwl *cw = r->cw;
	size_t nv = (size_t)cw->nregs - 2;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->rows = hg_xrealloc(r->rows, sizeof *r->rows * r->cap);
	}
	if (r->nvals + nv + 1 > r->capvals) {
		r->capvals = 2 * (r->nvals + nv + 1);
		r->vals = hg_xrealloc(r->vals, sizeof *r->vals * r->capvals);
	}
	memcpy(r->vals + r->nvals, out + 2, sizeof *out * nv);
	hg_wl_row *w = &r->rows[r->n++];
	const hg_worklist *wl = cw->wl;
	double g = out[1];
	w->person = p;
	w->group = wl->prio < 0 ? 0 : isnan(g) || g < 0 || g >= wl->nprio ? wl->nprio - 1 : (int)g;
	w->age = st->dob[p] == HG_DATE_NONE ? -1 : hg_age_years(st->dob[p], r->as_at);
	w->core20 = st->imd_decile[p] == 1 || st->imd_decile[p] == 2;
	w->nplus = popcount64(st->flags[p]);
	w->v = NULL; /* set after the last realloc (vals moves) */
	r->nvals += nv;
}

/* Compare a key: missing last whatever the direction. */
static int cmp_num(double a, double b, int desc)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	if (a == b)
		return 0;
	return (a < b) == !desc ? -1 : 1;
}

typedef struct sort_ctx {
	const hg_wl_rows *r;
	const hg_store *st;
} sort_ctx;

static int cmp_key(const hg_worklist *wl, const hg_wl_row *a, const hg_wl_row *b, int k)
{
	switch (wl->order_key[k]) {
	case HG_WL_KEY_CORE20:
		return b->core20 - a->core20;
	case HG_WL_KEY_PLUS:
		return b->nplus - a->nplus;
	default: {
		size_t at = (size_t)wl->nreasons + (size_t)wl->ncolumns + (size_t)k;
		return cmp_num(a->v[at], b->v[at], wl->order_desc[k]);
	}
	}
}

static int cmp_rows(const void *x, const void *y, void *arg)
{
	const sort_ctx *c = arg;
	const hg_wl_row *a = x, *b = y;
	const hg_worklist *wl = c->r->cw->wl;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	int d = 0;
	if (wl->norder == 0) { /* Core20 first, more PLUS flags, older first */
		d = b->core20 - a->core20;
		if (!d)
			d = b->nplus - a->nplus;
		if (!d)
			d = cmp_num(a->age < 0 ? NAN : a->age, b->age < 0 ? NAN : b->age, 1);
	}
	for (int k = 0; !d && k < wl->norder; k++)
		d = cmp_key(wl, a, b, k);
	if (d)
		return d;
	return strcmp(hg_strtab_get(&c->st->person_ids, (uint32_t)a->person),
	              hg_strtab_get(&c->st->person_ids, (uint32_t)b->person));
}

/* ---- the table ---- */

static const char *const fixed_names[HG_WLC_FIXED] = {
    "Worklist",     "Priority",   "Priority group", "Patient (pseudonym)", "Practice", "Age", "Sex",
    "Ethnic group", "IMD decile", "Core20",         "PLUS groups",         "Reasons"};

int hg_wl_ncols(const hg_worklist *wl)
{
	return HG_WLC_FIXED + wl->ncolumns + 1;
}

const char *hg_wl_col_name(const hg_worklist *wl, int c)
{
	if (c == HG_WLC_FIXED + wl->ncolumns)
		return "Re-identification token";
	return c < HG_WLC_FIXED ? fixed_names[c] : wl->columns[c - HG_WLC_FIXED];
}

int hg_wl_col_kind(const hg_worklist *wl, int c)
{
	if (c == HG_WLC_RANK || c == HG_WLC_AGE || c == HG_WLC_IMD_DECILE)
		return HG_WLK_NUMBER;
	if (c < HG_WLC_FIXED || c == HG_WLC_FIXED + wl->ncolumns)
		return HG_WLK_TEXT;
	int show = wl->column_show[c - HG_WLC_FIXED];
	return show == HG_WL_NUMBER ? HG_WLK_NUMBER
	       : show == HG_WL_DATE ? HG_WLK_DATE
	                            : HG_WLK_TEXT;
}

/* The flag names of person p, "; " between. */
static void plus_text(const hg_store *st, uint64_t p, char *buf, size_t size)
{
	hg_buf b = {0};
	for (uint32_t f = 0; f < st->n_flags; f++)
		if (st->flags[p] >> f & 1)
			hg_buf_printf(&b, "%s%s", b.n ? "; " : "", st->flag_names[f]);
	snprintf(buf, size, "%.*s", (int)b.n, b.p ? b.p : "");
	hg_buf_free(&b);
}

static void reasons_text(const hg_worklist *wl, const double *v, char *buf, size_t size)
{
	hg_buf b = {0};
	for (int k = 0; k < wl->nreasons; k++)
		if (v[k] == 1)
			hg_buf_printf(&b, "%s%s", b.n ? "; " : "", wl->reasons[k]);
	snprintf(buf, size, "%.*s", (int)b.n, b.p ? b.p : "");
	hg_buf_free(&b);
}

/* A worklist column's value as text. */
static const char *value_text(const hg_worklist *wl, int k, double v, char *buf, size_t size)
{
	buf[0] = 0;
	if (isnan(v))
		return buf;
	switch (wl->column_show[k]) {
	case HG_WL_DATE:
		return hg_date_format((hg_date)v, buf);
	case HG_WL_YESNO:
		snprintf(buf, size, "%s", v == 1 ? "Yes" : "No");
		return buf;
	case HG_WL_CATEGORY:
		if (v >= 0 && v < wl->column_ncat[k])
			snprintf(buf, size, "%s", wl->column_names[k][(int)v]);
		return buf;
	default:
		snprintf(buf, size, "%.10g", v);
		return buf;
	}
}

const char *hg_wl_cell(const hg_wl_rows *r, const hg_store *st, size_t i, int c, char *buf,
                       size_t size, double *num)
{
	const hg_wl_row *w = &r->rows[i];
	const hg_worklist *wl = r->cw->wl;
	*num = NAN;
	buf[0] = 0;
	switch (c) {
	case HG_WLC_LIST:
		snprintf(buf, size, "%s", wl->id);
		break;
	case HG_WLC_RANK:
		*num = w->group + 1;
		snprintf(buf, size, "%d", w->group + 1);
		break;
	case HG_WLC_GROUP:
		snprintf(buf, size, "%s", wl->prio < 0 ? "All" : wl->prio_names[w->group]);
		break;
	case HG_WLC_PERSON:
		snprintf(buf, size, "%s", hg_strtab_get(&st->person_ids, (uint32_t)w->person));
		break;
	case HG_WLC_PRACTICE:
		hg_person_label(st, w->person, HG_BD_PRACTICE, buf, size);
		break;
	case HG_WLC_AGE:
		if (w->age >= 0) {
			*num = w->age;
			snprintf(buf, size, "%d", w->age);
		}
		break;
	case HG_WLC_SEX:
		hg_person_label(st, w->person, HG_BD_SEX, buf, size);
		break;
	case HG_WLC_ETHNICITY:
		hg_person_label(st, w->person, HG_BD_ETH, buf, size);
		break;
	case HG_WLC_IMD_DECILE:
		hg_person_label(st, w->person, HG_BD_IMDD, buf, size);
		if (st->imd_decile[w->person])
			*num = st->imd_decile[w->person];
		break;
	case HG_WLC_CORE20:
		snprintf(buf, size, "%s", w->core20 ? "Yes" : "No");
		break;
	case HG_WLC_PLUS:
		plus_text(st, w->person, buf, size);
		break;
	case HG_WLC_REASONS:
		reasons_text(wl, w->v, buf, size);
		break;
	default: {
		int k = c - HG_WLC_FIXED;
		if (k == wl->ncolumns) { /* the sealed NHS number, for the practice's key alone */
			char tok[HG_REID_TOKEN_LEN + 1] = "";
			if (st->reid)
				hg_reid_token(st->reid + w->person * HG_REID_BYTES, tok);
			snprintf(buf, size, "%s", tok);
			break;
		}
		double v = w->v[wl->nreasons + k];
		value_text(wl, k, v, buf, size);
		if (wl->column_show[k] == HG_WL_NUMBER || wl->column_show[k] == HG_WL_DATE)
			*num = v;
	}
	}
	return buf;
}

int hg_worklist_run(const hg_program *pr, int w, const char *practice, hg_date as_at,
                    hg_wl_rows *out, hg_err *err)
{
	memset(out, 0, sizeof *out);
	assert(w >= 0 && w < pr->nwls);
	const hg_store *st = pr->store;
	int64_t pi = -1;
	if (practice && (pi = practice_index(st, practice)) < 0)
		return hg_err_set(err, HG_EINPUT,
		                  "practice %s has no patients in this store (check the code: "
		                  "'healthgap info --store DIR' lists the practices)",
		                  practice);
	const hg_cwl *cw = &pr->wls[w];
	out->cw = cw;
	out->as_at = as_at;
	hg_plan pl;
	hg_plan_build(&pl, pr);
	hg_vm vm;
	hg_vm_init(&vm, &pl);
	double *vals = hg_xcalloc((size_t)cw->nregs + 1, sizeof *vals);
	for (uint64_t p = 0; p < st->n_persons; p++) {
		if (pi >= 0 && st->practice[p] != (uint32_t)pi)
			continue;
		hg_vm_person(&vm, p);
		hg_vm_eval_at(&vm, &pl.at_wl[w], cw->regs, cw->nregs, &as_at, 1, vals, 1);
		if (vals[0] == 1)
			keep(out, st, p, vals);
	}
	free(vals);
	hg_vm_free(&vm);
	hg_plan_free(&pl);
	size_t nv = (size_t)cw->nregs - 2;
	for (size_t i = 0; i < out->n; i++)
		out->rows[i].v = out->vals + i * nv;
	sort_ctx c = {out, st};
	qsort_r(out->rows, out->n, sizeof *out->rows, cmp_rows, &c);
	out->ngroups = cw->wl->prio < 0 ? 1 : cw->wl->nprio;
	out->group_n = hg_xcalloc((size_t)out->ngroups + 1, sizeof *out->group_n);
	for (size_t i = 0; i < out->n; i++)
		out->group_n[out->rows[i].group]++;
	return 0;
}
