/*
 * engine.c: the one-pass evaluation of a compiled pack over a store. Persons
 * are split across threads (hg_parallel_for); each thread runs the segments
 * of every distinct period for each person and adds into its own copy of the
 * accumulators (no locks, no sharing), and the copies are summed at the end.
 * Also knows the categories of every breakdown and how they are labelled.
 */
#include "engine/engine.h"

#include "core/thread.h"
#include "engine/vm.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const hg_sex_labels[] = {"Male", "Female", "Indeterminate", "Unknown"};

int hg_bd_dim_ncat(int kind, const hg_store *st)
{
	switch (kind) {
	case HG_BD_ALL:
		return 1;
	case HG_BD_IMDQ:
		return 6;
	case HG_BD_IMDD:
		return 11;
	case HG_BD_ETH:
		return HG_ETH_N;
	case HG_BD_SEX:
		return 4;
	case HG_BD_AGEBAND:
		return HG_DSR_BANDS + 1;
	case HG_BD_PRACTICE:
		return (int)st->practices.n + 1;
	case HG_BD_FLAG:
		return 2;
	default:
		assert(0);
		return 1;
	}
}

static void hg_dim_label(int kind, const hg_store *st, int c, char *buf, size_t size)
{
	switch (kind) {
	case HG_BD_ALL:
		snprintf(buf, size, "All");
		return;
	case HG_BD_IMDQ:
	case HG_BD_IMDD:
		if (c == hg_bd_dim_ncat(kind, st) - 1)
			snprintf(buf, size, "Unknown");
		else
			snprintf(buf, size, "%d", c + 1);
		return;
	case HG_BD_ETH:
		snprintf(buf, size, "%s", hg_ethgroup_names[c]);
		return;
	case HG_BD_SEX:
		snprintf(buf, size, "%s", hg_sex_labels[c]);
		return;
	case HG_BD_AGEBAND:
		if (c == HG_DSR_BANDS)
			snprintf(buf, size, "Unknown");
		else if (c == HG_DSR_BANDS - 1)
			snprintf(buf, size, "90+");
		else
			snprintf(buf, size, "%d-%d", c * 5, c * 5 + 4);
		return;
	case HG_BD_PRACTICE:
		if ((uint32_t)c == st->practices.n)
			snprintf(buf, size, "Unknown");
		else
			snprintf(buf, size, "%s", hg_strtab_get(&st->practices, (uint32_t)c));
		return;
	default:
		snprintf(buf, size, "%s", c == 0 ? "Yes" : "No");
		return;
	}
}

void hg_bd_label(const hg_breakdown *bd, const hg_store *st, const char *const *flag_names, int c,
                 char *buf, size_t size)
{
	(void)flag_names;
	if (bd->n < 2) {
		hg_dim_label(bd->n ? bd->kind[0] : HG_BD_ALL, st, c, buf, size);
		return;
	}
	int n2 = hg_bd_dim_ncat(bd->kind[1], st);
	char a[64], b[64];
	hg_dim_label(bd->kind[0], st, c / n2, a, sizeof a);
	hg_dim_label(bd->kind[1], st, c % n2, b, sizeof b);
	snprintf(buf, size, "%s / %s", a, b);
}

/* ---- layout ---- */

static int hg_ind_bands(int type)
{
	return type == HG_IND_DSR ? HG_DSR_BANDS : type == HG_IND_LE ? HG_LE_NBANDS : 0;
}

static void hg_layout(hg_cells *c, const hg_program *pr)
{
	const hg_store *st = pr->store;
	int n = pr->ninds;
	c->pr = pr;
	c->base = hg_xcalloc((size_t)n + 1, sizeof *c->base);
	c->width = hg_xcalloc((size_t)n + 1, sizeof *c->width);
	c->nbands = hg_xcalloc((size_t)n + 1, sizeof *c->nbands);
	c->ncat = hg_xcalloc((size_t)n + 1, sizeof *c->ncat);
	c->bd_off = hg_xcalloc((size_t)n + 1, sizeof *c->bd_off);
	c->bd_ncat = hg_xcalloc((size_t)n + 1, sizeof *c->bd_ncat);
	size_t off = 0;
	for (int i = 0; i < n; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		c->nbands[i] = hg_ind_bands(ind->type);
		c->width[i] = HG_F_BANDS + 2 * c->nbands[i];
		c->bd_off[i] = hg_xcalloc((size_t)ind->nbds, sizeof(int));
		c->bd_ncat[i] = hg_xcalloc((size_t)ind->nbds, sizeof(int));
		int cats = 0;
		for (int b = 0; b < ind->nbds; b++) {
			const hg_breakdown *bd = &ind->bds[b];
			int k = 1;
			for (int d = 0; d < bd->n; d++)
				k *= hg_bd_dim_ncat(bd->kind[d], st);
			c->bd_off[i][b] = cats;
			c->bd_ncat[i][b] = k;
			cats += k;
		}
		c->ncat[i] = cats;
		c->base[i] = off;
		off += (size_t)ind->nperiods * (size_t)cats * (size_t)c->width[i];
	}
	c->nacc = off;
}

double *hg_cell(const hg_cells *c, int i, int j, int b, int cat)
{
	size_t k = (size_t)j * (size_t)c->ncat[i] + (size_t)(c->bd_off[i][b] + cat);
	return c->acc + c->base[i] + k * (size_t)c->width[i];
}

void hg_cells_free(hg_cells *c)
{
	if (!c->pr)
		return;
	for (int i = 0; i < c->pr->ninds; i++) {
		free(c->bd_off[i]);
		free(c->bd_ncat[i]);
	}
	free(c->bd_off);
	free(c->bd_ncat);
	free(c->base);
	free(c->width);
	free(c->nbands);
	free(c->ncat);
	free(c->acc);
	memset(c, 0, sizeof *c);
}

/* ---- the pass ---- */

typedef struct hg_work {
	const hg_program *pr;
	hg_cells *cells;
	double **acc; /* per thread */
	uint64_t *pp; /* person-periods per thread */
	/* per program period: (indicator, indicator period) pairs to accumulate */
	int **due;
	int *ndue;
} hg_work;

static int hg_dim_cat(int kind, int flagbit, const hg_store *st, uint64_t p, int age)
{
	switch (kind) {
	case HG_BD_ALL:
		return 0;
	case HG_BD_IMDQ:
		return st->imd_quintile[p] ? st->imd_quintile[p] - 1 : 5;
	case HG_BD_IMDD:
		return st->imd_decile[p] ? st->imd_decile[p] - 1 : 10;
	case HG_BD_ETH:
		return st->eth_group[p] < HG_ETH_N ? st->eth_group[p] : HG_ETH_NOT_STATED;
	case HG_BD_SEX: {
		int s = st->sex[p];
		return s == HG_SEX_MALE ? 0 : s == HG_SEX_FEMALE ? 1 : s == HG_SEX_INDET ? 2 : 3;
	}
	case HG_BD_AGEBAND:
		return age < 0 ? HG_DSR_BANDS : age >= 90 ? HG_DSR_BANDS - 1 : age / 5;
	case HG_BD_PRACTICE:
		return st->practice[p] == HG_NONE32 ? (int)st->practices.n : (int)st->practice[p];
	default:
		return flagbit >= 0 && (st->flags[p] >> flagbit & 1) ? 0 : 1;
	}
}

static int hg_age_on(const hg_store *st, uint64_t p, hg_date d)
{
	return st->dob[p] == HG_DATE_NONE ? -1 : hg_age_years(st->dob[p], d);
}

static int hg_le_band(int age)
{
	return age == 0 ? 0 : age < 5 ? 1 : age >= 90 ? HG_LE_NBANDS - 1 : age / 5 + 1;
}

/* Years registered and alive within the period. */
static double hg_person_years(const hg_store *st, uint64_t p, hg_period pd)
{
	hg_date from = pd.start, to = pd.end;
	if (st->reg_from[p] == HG_DATE_NONE)
		return 0;
	if (st->reg_from[p] > from)
		from = st->reg_from[p];
	if (st->dob[p] != HG_DATE_NONE && st->dob[p] > from)
		from = st->dob[p];
	if (st->reg_to[p] != HG_DATE_NONE && st->reg_to[p] < to)
		to = st->reg_to[p];
	if (st->dod[p] != HG_DATE_NONE && st->dod[p] < to)
		to = st->dod[p];
	return to >= from ? (to - from + 1) / 365.25 : 0;
}

static void hg_accumulate(hg_work *w, hg_vm *vm, double *acc, int i, int j, int age)
{
	const hg_program *pr = w->pr;
	const hg_cind *ci = &pr->inds[i];
	const hg_indicator *ind = ci->ind;
	const hg_cells *c = w->cells;
	double den = vm->r[ci->den], v = vm->r[ci->num];
	if (den != 1)
		return;
	const hg_store *st = vm->st;
	uint64_t p = vm->person;
	int type = ind->type;
	double add_num, add_pt = 0;
	int band = -1;
	if (type == HG_IND_PROPORTION || type == HG_IND_LE)
		add_num = v == 1;
	else if (type == HG_IND_MEAN)
		add_num = !isnan(v);
	else
		add_num = isnan(v) ? 0 : v;
	if (type == HG_IND_RATE && ind->pop == HG_POP_PERSON_TIME)
		add_pt = hg_person_years(st, p, ind->periods[j]);
	if (type == HG_IND_DSR || type == HG_IND_LE) {
		if (age < 0)
			return; /* cannot be placed in an age band */
		band =
		    type == HG_IND_DSR ? (age >= 90 ? HG_DSR_BANDS - 1 : age / 5) : hg_le_band(age);
	}
	size_t perw = (size_t)c->width[i];
	double *blk = acc + c->base[i] + (size_t)j * (size_t)c->ncat[i] * perw;
	for (int b = 0; b < ind->nbds; b++) {
		const hg_breakdown *bd = &ind->bds[b];
		int cat = 0;
		for (int d = 0; d < bd->n; d++) {
			int fb = bd->kind[d] == HG_BD_FLAG ? pr->flag_bit[bd->flag[d]] : -1;
			int k = hg_dim_cat(bd->kind[d], fb, st, p, age);
			cat = cat * hg_bd_dim_ncat(bd->kind[d], st) + k;
		}
		double *cell = blk + (size_t)(c->bd_off[i][b] + cat) * perw;
		cell[HG_F_NUM] += add_num;
		cell[HG_F_DEN] += 1;
		cell[HG_F_PT] += add_pt;
		if (type == HG_IND_MEAN && !isnan(v)) {
			cell[HG_F_SUM] += v;
			cell[HG_F_SUMSQ] += v * v;
		}
		if (band >= 0) {
			cell[HG_F_BANDS + 2 * band] += add_num;
			cell[HG_F_BANDS + 2 * band + 1] += 1;
		}
	}
}

static void hg_work_range(void *ctx, size_t begin, size_t end, int tid)
{
	hg_work *w = ctx;
	const hg_program *pr = w->pr;
	double *acc = w->acc[tid];
	hg_vm vm;
	hg_vm_init(&vm, pr);
	uint64_t pp = 0;
	for (size_t p = begin; p < end; p++) {
		vm.person = p;
		for (int k = 0; k < pr->nperiods; k++) {
			hg_vm_set_period(&vm, pr->periods[k]);
			for (const int *s = pr->period_segs[k]; *s >= 0; s++)
				hg_vm_run_seg(&vm, *s);
			int ages[2] = {hg_age_on(pr->store, p, pr->periods[k].end),
			               hg_age_on(pr->store, p, (hg_date)vm.r[HG_REG_MID])};
			for (int d = 0; d < w->ndue[k]; d++) {
				int i = w->due[k][2 * d], j = w->due[k][2 * d + 1];
				hg_accumulate(w, &vm, acc, i, j, ages[pr->inds[i].ctx]);
			}
			pp++;
		}
	}
	w->pp[tid] = pp;
	hg_vm_free(&vm);
}

static void hg_build_due(hg_work *w)
{
	const hg_program *pr = w->pr;
	w->due = hg_xcalloc((size_t)pr->nperiods + 1, sizeof *w->due);
	w->ndue = hg_xcalloc((size_t)pr->nperiods + 1, sizeof *w->ndue);
	for (int k = 0; k < pr->nperiods; k++) {
		w->due[k] = hg_xmalloc(sizeof(int) * 2 * (size_t)(pr->ninds + 1));
		for (int i = 0; i < pr->ninds; i++)
			for (int j = 0; j < pr->inds[i].ind->nperiods; j++)
				if (pr->inds[i].period_ix[j] == k) {
					w->due[k][2 * w->ndue[k]] = i;
					w->due[k][2 * w->ndue[k] + 1] = j;
					w->ndue[k]++;
				}
	}
}

int hg_engine_run(const hg_program *pr, int nthreads, hg_cells *out, hg_err *err)
{
	memset(out, 0, sizeof *out);
	if (nthreads <= 0)
		nthreads = hg_ncpu();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hg_layout(out, pr);
	hg_work w = {.pr = pr, .cells = out};
	hg_build_due(&w);
	w.acc = hg_xcalloc((size_t)nthreads, sizeof *w.acc);
	w.pp = hg_xcalloc((size_t)nthreads, sizeof *w.pp);
	for (int t = 0; t < nthreads; t++)
		w.acc[t] = hg_xcalloc(out->nacc + 1, sizeof(double));
	hg_parallel_for(nthreads, pr->store->n_persons, hg_work_range, &w);
	out->acc = w.acc[0];
	out->person_periods = w.pp[0];
	for (int t = 1; t < nthreads; t++) {
		for (size_t k = 0; k < out->nacc; k++)
			out->acc[k] += w.acc[t][k];
		out->person_periods += w.pp[t];
		free(w.acc[t]);
	}
	for (int k = 0; k < pr->nperiods; k++)
		free(w.due[k]);
	free(w.due);
	free(w.ndue);
	free(w.acc);
	free(w.pp);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	(void)err;
	return 0;
}
