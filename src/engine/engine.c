/*
 * engine.c: the one-pass evaluation of a compiled pack over a store. The
 * program is planned (plan.c: lane groups, match classes, hoisted period
 * code); persons are cut into chunks of 1,024 and thread t takes chunks t,
 * t + T, t + 2T, ... (deterministic for a given thread count, balanced);
 * each thread evaluates each of its persons for all periods at once
 * (vm.c) and adds into its own copy of the accumulators (no locks, no
 * sharing), and the copies are summed at the end. Accumulators keep one
 * category's periods adjacent, so one person's updates stay close together.
 * Also knows the categories of every breakdown and how they are labelled.
 * HEALTHGAP_ENGINE_STATS=1 prints the pass's time and person-periods/s.
 */
#include "engine/engine.h"

#include "core/thread.h"
#include "engine/vm.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
	/* period fastest: one person's periods of a category are adjacent */
	size_t k =
	    (size_t)(c->bd_off[i][b] + cat) * (size_t)c->pr->inds[i].ind->nperiods + (size_t)j;
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

/* One breakdown of one indicator, ready for placing a person. */
typedef struct hg_bdplan {
	int n;          /* dimensions */
	int kind[2];    /* enum hg_bd_kind */
	int flagbit[2]; /* store flag bit, -1 when absent */
	int ncat2;      /* categories of the second dimension */
	int aged;       /* a dimension is the age band */
	int off;        /* first category of the breakdown */
} hg_bdplan;

typedef struct hg_work {
	const hg_program *pr;
	const hg_plan *pl;
	hg_cells *cells;
	hg_bdplan **bdp; /* per indicator, per breakdown */
	double **acc;    /* per thread */
	uint64_t *pp;    /* person-periods per thread */
	int nthreads, max_bds;
	size_t chunk; /* persons per chunk; thread t takes chunks t, t + T, ... */
} hg_work;

/* A person's category in each breakdown dimension that does not depend on age. */
typedef struct hg_pcat {
	int cat[HG_BD_N];
	uint64_t flags;
} hg_pcat;

static void hg_pcat_init(hg_pcat *pc, const hg_store *st, uint64_t p)
{
	pc->cat[HG_BD_ALL] = 0;
	pc->cat[HG_BD_IMDQ] = st->imd_quintile[p] ? st->imd_quintile[p] - 1 : 5;
	pc->cat[HG_BD_IMDD] = st->imd_decile[p] ? st->imd_decile[p] - 1 : 10;
	pc->cat[HG_BD_ETH] = st->eth_group[p] < HG_ETH_N ? st->eth_group[p] : HG_ETH_NOT_STATED;
	int s = st->sex[p];
	pc->cat[HG_BD_SEX] = s == HG_SEX_MALE     ? 0
	                     : s == HG_SEX_FEMALE ? 1
	                     : s == HG_SEX_INDET  ? 2
	                                          : 3;
	pc->cat[HG_BD_PRACTICE] =
	    st->practice[p] == HG_NONE32 ? (int)st->practices.n : (int)st->practice[p];
	pc->cat[HG_BD_AGEBAND] = HG_DSR_BANDS;
	pc->flags = st->flags[p];
}

static int hg_dim_cat(const hg_pcat *pc, int kind, int flagbit, int age)
{
	if (kind == HG_BD_AGEBAND)
		return age < 0 ? HG_DSR_BANDS : age >= 90 ? HG_DSR_BANDS - 1 : age / 5;
	if (kind == HG_BD_FLAG)
		return flagbit >= 0 && (pc->flags >> flagbit & 1) ? 0 : 1;
	return pc->cat[kind];
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

/* What one person adds to a cell of an indicator in one period. */
typedef struct hg_add {
	double num, pt, v;
	int band; /* -1: no age bands */
} hg_add;

/* The person's contribution for value v (numerator register) and age; 0 if none. */
static int hg_add_of(const hg_work *w, int i, int j, uint64_t p, double v, int age, hg_add *a)
{
	const hg_indicator *ind = w->pr->inds[i].ind;
	int type = ind->type;
	a->v = v;
	a->pt = 0;
	a->band = -1;
	if (type == HG_IND_PROPORTION || type == HG_IND_LE)
		a->num = v == 1;
	else if (type == HG_IND_MEAN)
		a->num = !isnan(v);
	else
		a->num = isnan(v) ? 0 : v;
	if (type == HG_IND_RATE && ind->pop == HG_POP_PERSON_TIME)
		a->pt = hg_person_years(w->pr->store, p, ind->periods[j]);
	if (type == HG_IND_DSR || type == HG_IND_LE) {
		if (age < 0)
			return 0; /* cannot be placed in an age band */
		a->band =
		    type == HG_IND_DSR ? (age >= 90 ? HG_DSR_BANDS - 1 : age / 5) : hg_le_band(age);
	}
	return 1;
}

static void hg_cell_add(double *cell, const hg_add *a, int mean)
{
	cell[HG_F_NUM] += a->num;
	cell[HG_F_DEN] += 1;
	cell[HG_F_PT] += a->pt;
	if (mean && !isnan(a->v)) {
		cell[HG_F_SUM] += a->v;
		cell[HG_F_SUMSQ] += a->v * a->v;
	}
	if (a->band >= 0) {
		cell[HG_F_BANDS + 2 * a->band] += a->num;
		cell[HG_F_BANDS + 2 * a->band + 1] += 1;
	}
}

static int hg_bd_cat(const hg_bdplan *bp, const hg_pcat *pc, int age)
{
	int cat = 0;
	for (int d = 0; d < bp->n; d++)
		cat = cat * (d ? bp->ncat2 : 0) + hg_dim_cat(pc, bp->kind[d], bp->flagbit[d], age);
	return cat;
}

/* The lanes of one indicator for one person: jl maps lanes to its periods. */
typedef struct hg_lanes {
	int nl;
	const int *jl, *age;
	const double *den, *num;
} hg_lanes;

/* Add a person to indicator i in every lane where they are in the denominator. */
static void hg_acc_ind(const hg_work *w, double *acc, double **cellp, const hg_pcat *pc, uint64_t p,
                       int i, const hg_lanes *ln)
{
	const hg_cells *c = w->cells;
	const hg_indicator *ind = w->pr->inds[i].ind;
	const hg_bdplan *bp = w->bdp[i];
	size_t perw = (size_t)c->width[i], blk = (size_t)ind->nperiods * perw;
	double *base = acc + c->base[i];
	int mean = ind->type == HG_IND_MEAN, any = 0;
	for (int l = 0; l < ln->nl && !any; l++)
		any = ln->den[l] == 1;
	if (!any)
		return;
	/* categories that do not depend on age are the same in every lane */
	for (int b = 0; b < ind->nbds; b++)
		cellp[b] =
		    bp[b].aged ? NULL : base + (size_t)(bp[b].off + hg_bd_cat(&bp[b], pc, 0)) * blk;
	for (int l = 0; l < ln->nl; l++) {
		hg_add a;
		if (ln->den[l] != 1 || !hg_add_of(w, i, ln->jl[l], p, ln->num[l], ln->age[l], &a))
			continue;
		size_t off = (size_t)ln->jl[l] * perw;
		for (int b = 0; b < ind->nbds; b++) {
			double *cell = cellp[b];
			if (!cell)
				cell =
				    base +
				    (size_t)(bp[b].off + hg_bd_cat(&bp[b], pc, ln->age[l])) * blk;
			hg_cell_add(cell + off, &a, mean);
		}
	}
}

/* Ages (-1 when unknown) on each lane's period end and mid-period. */
static void hg_lane_ages(const hg_vm *vm, const hg_lgroup *g, int *end, int *mid)
{
	for (int l = 0; l < g->nl; l++) {
		if (vm->dob_y < 0) {
			end[l] = mid[l] = -1;
			continue;
		}
		end[l] = g->end_y[l] - vm->dob_y - (g->end_md[l] < vm->dob_md);
		mid[l] = g->mid_y[l] - vm->dob_y - (g->mid_md[l] < vm->dob_md);
	}
}

static void hg_eval_person(const hg_work *w, hg_vm *vm, double *acc, uint64_t p, int *ages,
                           double **cellp)
{
	const hg_plan *pl = w->pl;
	if (pl->ngroups == 0)
		return; /* no periods: nothing to evaluate (the checker rejects this) */
	hg_pcat pc;
	hg_pcat_init(&pc, w->pr->store, p);
	hg_vm_person(vm, p);
	for (int g = 0; g < pl->ngroups; g++) {
		const hg_lgroup *gr = &pl->groups[g];
		hg_vm_run_group(vm, g);
		hg_lane_ages(vm, gr, ages, ages + pl->max_lanes);
		for (int d = 0; d < gr->nind; d++) {
			int i = gr->ind[d];
			const hg_cind *ci = &w->pr->inds[i];
			hg_lanes ln = {gr->nl, gr->ind_j[d], ages + (ci->ctx ? pl->max_lanes : 0),
			               hg_vm_reg(vm, ci->den), hg_vm_reg(vm, ci->num)};
			hg_acc_ind(w, acc, cellp, &pc, p, i, &ln);
		}
	}
}

static void hg_worker(void *ctx, size_t begin, size_t end, int tid)
{
	hg_work *w = ctx;
	(void)begin;
	(void)end;
	const hg_plan *pl = w->pl;
	uint64_t n = w->pr->store->n_persons, pp = 0;
	int lanes = 0;
	for (int g = 0; g < pl->ngroups; g++)
		lanes += pl->groups[g].nl;
	hg_vm vm;
	hg_vm_init(&vm, pl);
	int *ages = hg_xcalloc(2 * (size_t)pl->max_lanes + 1, sizeof *ages);
	double **cellp = hg_xcalloc((size_t)w->max_bds + 1, sizeof *cellp);
	size_t step = w->chunk * (size_t)w->nthreads;
	for (size_t c0 = (size_t)tid * w->chunk; c0 < n; c0 += step) {
		size_t c1 = c0 + w->chunk < n ? c0 + w->chunk : n;
		for (size_t p = c0; p < c1; p++)
			hg_eval_person(w, &vm, w->acc[tid], p, ages, cellp);
		pp += (c1 - c0) * (uint64_t)lanes;
	}
	w->pp[tid] = pp;
	free(ages);
	free(cellp);
	hg_vm_free(&vm);
}

static void hg_build_bdplans(hg_work *w)
{
	const hg_program *pr = w->pr;
	w->bdp = hg_xcalloc((size_t)pr->ninds + 1, sizeof *w->bdp);
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		w->bdp[i] = hg_xcalloc((size_t)ind->nbds + 1, sizeof **w->bdp);
		if (ind->nbds > w->max_bds)
			w->max_bds = ind->nbds;
		for (int b = 0; b < ind->nbds; b++) {
			const hg_breakdown *bd = &ind->bds[b];
			hg_bdplan *bp = &w->bdp[i][b];
			bp->n = bd->n;
			bp->off = w->cells->bd_off[i][b];
			for (int d = 0; d < bd->n; d++) {
				bp->kind[d] = bd->kind[d];
				bp->flagbit[d] =
				    bd->kind[d] == HG_BD_FLAG ? pr->flag_bit[bd->flag[d]] : -1;
				bp->aged |= bd->kind[d] == HG_BD_AGEBAND;
			}
			bp->ncat2 = bd->n == 2 ? hg_bd_dim_ncat(bd->kind[1], pr->store) : 1;
		}
	}
}

int hg_engine_run(const hg_program *pr, int nthreads, hg_cells *out, hg_err *err)
{
	memset(out, 0, sizeof *out);
	if (nthreads <= 0)
		nthreads = hg_ncpu();
	struct timespec t0, t1, c0, c1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	hg_layout(out, pr);
	hg_plan pl;
	hg_plan_build(&pl, pr);
	hg_work w = {.pr = pr, .pl = &pl, .cells = out, .nthreads = nthreads, .chunk = 1024};
	hg_build_bdplans(&w);
	w.acc = hg_xcalloc((size_t)nthreads, sizeof *w.acc);
	w.pp = hg_xcalloc((size_t)nthreads, sizeof *w.pp);
	for (int t = 0; t < nthreads; t++)
		w.acc[t] = hg_xcalloc(out->nacc + 1, sizeof(double));
	hg_parallel_for(nthreads, (size_t)nthreads, hg_worker, &w);
	out->acc = w.acc[0];
	out->person_periods = w.pp[0];
	for (int t = 1; t < nthreads; t++) {
		for (size_t k = 0; k < out->nacc; k++)
			out->acc[k] += w.acc[t][k];
		out->person_periods += w.pp[t];
		free(w.acc[t]);
	}
	for (int i = 0; i < pr->ninds; i++)
		free(w.bdp[i]);
	free(w.bdp);
	free(w.acc);
	free(w.pp);
	hg_plan_free(&pl);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	(void)err;
	if (getenv("HEALTHGAP_ENGINE_STATS")) {
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
		double cpu =
		    (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
		fprintf(stderr,
		        "engine: %d threads, %.3f s (cpu %.3f s), %llu person-periods, %.2fM/s\n",
		        nthreads, out->seconds, cpu, (unsigned long long)out->person_periods,
		        (double)out->person_periods / out->seconds / 1e6);
	}
	return 0;
}
