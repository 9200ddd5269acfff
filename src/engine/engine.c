/*
 * engine.c: the one-pass evaluation of a compiled pack over a store. The
 * program is planned (plan.c: lane groups, match classes, hoisted period
 * code); persons are cut into chunks of 1,024 and thread t takes chunks t,
 * t + T, t + 2T, ... (deterministic for a given thread count, balanced);
 * each thread evaluates each of its persons for all periods at once
 * (vm.c) and adds into its own copy of the accumulators (no locks, no
 * sharing), and the copies are summed at the end. Every addition is exact
 * (engine.h, "Exact accumulation"), so the sums do not depend on the thread
 * count, and the cells of person ranges evaluated apart (MPI ranks, dist.c)
 * add up to those of one pass bit for bit. Accumulators keep one
 * category's periods adjacent, so one person's updates stay close together.
 * Also knows the categories of every breakdown and how they are labelled.
 * HEALTHGAP_ENGINE_STATS=1 prints the pass's time and person-periods/s.
 */
#include "engine/engine.h"

#include "core/thread.h"
#include "engine/residents.h"
#include "engine/vm.h"
#include "stats/stats.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const sex_labels[] = {"Male", "Female", "Indeterminate", "Unknown"};

/* the place breakdowns are the places of store.h in order */
_Static_assert(HG_BD_MSOA - HG_BD_PCN + 1 == HG_PLACE_N, "place breakdowns and places");

int hg_bd_ncat(const hg_breakdown *bd, int d, const hg_store *st)
{
	int kind = bd->n ? bd->kind[d] : HG_BD_ALL;
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
	case HG_BD_ETHD:
		return HG_ETHD_N;
	case HG_BD_PCN:
	case HG_BD_SUBICB:
	case HG_BD_LA:
	case HG_BD_MSOA: /* the places, then Unknown */
		return (int)st->place[kind - HG_BD_PCN].n + 1;
	case HG_BD_IMDQ_LOCAL:
		return 6;
	case HG_BD_FLAG:
		return 2;
	case HG_BD_VAR: /* its categories, then Unknown if it can be missing */
		return bd->var_ncat[d] + bd->var_unknown[d];
	case HG_BD_SPECIALTY: /* the codes, then Unknown */
		return (int)st->specialties.n + 1;
	case HG_BD_PROVIDER:
		return (int)st->providers.n + 1;
	case HG_BD_TRANS: { /* from (categories, Joined) x to (categories, Died, Left) */
		int nv = bd->var_ncat[d] + bd->var_unknown[d];
		return (nv + 1) * (nv + 2);
	}
	default:
		assert(0);
		return 1;
	}
}

static void dim_label(const hg_breakdown *bd, int d, const hg_store *st, int c, char *buf,
                      size_t size)
{
	int kind = bd->n ? bd->kind[d] : HG_BD_ALL;
	switch (kind) {
	case HG_BD_ALL:
		snprintf(buf, size, "All");
		return;
	case HG_BD_IMDQ:
	case HG_BD_IMDD:
	case HG_BD_IMDQ_LOCAL:
		if (c == hg_bd_ncat(bd, d, st) - 1)
			snprintf(buf, size, "Unknown");
		else
			snprintf(buf, size, "%d", c + 1);
		return;
	case HG_BD_ETH:
		snprintf(buf, size, "%s", hg_ethgroup_names[c]);
		return;
	case HG_BD_SEX:
		snprintf(buf, size, "%s", sex_labels[c]);
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
	case HG_BD_ETHD:
		snprintf(buf, size, "%s", hg_ethd_names[c]);
		return;
	case HG_BD_PCN:
	case HG_BD_SUBICB:
	case HG_BD_LA:
	case HG_BD_MSOA: {
		const hg_place_dim *pd = &st->place[kind - HG_BD_PCN];
		snprintf(buf, size, "%s", (uint32_t)c < pd->n ? pd->label[c] : "Unknown");
		return;
	}
	case HG_BD_VAR:
		snprintf(buf, size, "%s", c < bd->var_ncat[d] ? bd->var_names[d][c] : "Unknown");
		return;
	case HG_BD_SPECIALTY:
	case HG_BD_PROVIDER: {
		const hg_strtab *t = kind == HG_BD_SPECIALTY ? &st->specialties : &st->providers;
		snprintf(buf, size, "%s",
		         (uint32_t)c == t->n ? "Unknown" : hg_strtab_get(t, (uint32_t)c));
		return;
	}
	case HG_BD_TRANS: {
		int nv = bd->var_ncat[d] + bd->var_unknown[d], f = c / (nv + 2), t = c % (nv + 2);
		const char *from = f < bd->var_ncat[d] ? bd->var_names[d][f]
		                   : f < nv            ? "Unknown"
		                                       : HG_TRANS_JOINED;
		const char *to = t < bd->var_ncat[d] ? bd->var_names[d][t]
		                 : t < nv            ? "Unknown"
		                 : t == nv           ? HG_TRANS_DIED
		                                     : HG_TRANS_LEFT;
		snprintf(buf, size, "%s -> %s", from, to);
		return;
	}
	default:
		snprintf(buf, size, "%s", c == 0 ? "Yes" : "No");
		return;
	}
}

void hg_bd_label(const hg_breakdown *bd, const hg_store *st, int c, char *buf, size_t size)
{
	if (bd->n < 2) {
		dim_label(bd, 0, st, c, buf, size);
		return;
	}
	int n2 = hg_bd_ncat(bd, 1, st);
	char a[128], b[128];
	dim_label(bd, 0, st, c / n2, a, sizeof a);
	dim_label(bd, 1, st, c % n2, b, sizeof b);
	snprintf(buf, size, "%s / %s", a, b);
}

/* ---- layout ---- */

static int ind_bands(int type)
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
	c->xbase = hg_xcalloc((size_t)n + 1, sizeof *c->xbase);
	size_t off = 0, xoff = 0;
	for (int i = 0; i < n; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		c->nbands[i] = ind_bands(ind->type);
		c->width[i] = HG_F_BANDS + 2 * c->nbands[i] +
		              (ind->type == HG_IND_PERCENTILE ? HG_PCT_FIELDS : 0);
		c->bd_off[i] = hg_xcalloc((size_t)ind->nbds, sizeof(int));
		c->bd_ncat[i] = hg_xcalloc((size_t)ind->nbds, sizeof(int));
		int cats = 0;
		for (int b = 0; b < ind->nbds; b++) {
			const hg_breakdown *bd = &ind->bds[b];
			int k = 1;
			for (int d = 0; d < bd->n; d++)
				k *= hg_bd_ncat(bd, d, st);
			c->bd_off[i][b] = cats;
			c->bd_ncat[i][b] = k;
			cats += k;
		}
		c->ncat[i] = cats;
		c->base[i] = off;
		off += (size_t)ind->nperiods * (size_t)cats * (size_t)c->width[i];
		c->xbase[i] = SIZE_MAX;
		if (ind->type == HG_IND_MEAN || ind->type == HG_IND_COUNT) {
			c->xbase[i] = xoff;
			xoff += (size_t)ind->nperiods * (size_t)cats * HG_X_PER_CELL;
		}
	}
	c->nacc = off;
	c->nx = xoff;
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
	free(c->xbase);
	free(c->acc);
	free(c->x);
	memset(c, 0, sizeof *c);
}

/* ---- the pass ---- */

/* The values of one cell of a percentile indicator, in the order they came. */
typedef struct hg_dvec {
	double *v;
	size_t n, cap;
} hg_dvec;

/* A percentile indicator's values: one list per cell, (category, period), period fastest. */
typedef struct hg_vals {
	hg_dvec *cell;
	size_t n;
} hg_vals;

/* One breakdown of one indicator, ready for placing a person. */
typedef struct hg_bdplan {
	int n;          /* dimensions */
	int kind[2];    /* enum hg_bd_kind */
	int flagbit[2]; /* store flag bit, -1 when absent */
	int ncat2;      /* categories of the second dimension */
	int lane;       /* a dimension depends on the lane: the age band, a segmentation */
	int place;      /* a dimension is a place (practice, IMD, ...): as at the index date */
	int off;        /* first category of the breakdown */
	int b;          /* the breakdown's index (its variables' categories: vc[2 b + d]) */
} hg_bdplan;

/* One thread's accumulators: the cells' doubles and exact sums (engine.h). */
typedef struct hg_acc {
	double *d;
	hg_i128 *x;
	int64_t *t; /* the run tallies (hg_work.tbase), folded into d and x after the pass */
	int bad;    /* 1 + an indicator given a value the exact sums cannot hold, or 0 */
} hg_acc;

typedef struct hg_work {
	const hg_program *pr;
	const hg_plan *pl;
	hg_cells *cells;
	hg_bdplan **bdp; /* per indicator, per breakdown */
	hg_acc *acc;     /* per thread */
	uint64_t *pp;    /* person-periods per thread */
	int nthreads;
	uint64_t p0, p1; /* the persons of the pass */
	size_t chunk;    /* persons per chunk; thread t takes chunks t, t + T, ... from p0 */
	char *has_var;   /* per indicator: broken down by a segmentation or score bands */
	char *age_bd;    /* per indicator: broken down by age band */
	int **var_regs;  /* per indicator: the distinct registers of its HG_BD_VAR breakdowns'
	                    categories, -1 terminated */
	int **trans_k;   /* per indicator: where in a lane's categories (2 b + d) its
	                    HG_BD_TRANS dimensions are, -1 terminated (acc_trans) */
	char *has_place; /* per indicator: broken down by a place (as at a date with a history) */
	int detail;      /* some breakdown is by detailed ethnicity or a place other than the IMD
	                    and practice (pcat_init) */
	char *gaged;     /* per lane group: some indicator due in it is aged */
	char *aged;      /* per indicator: reads ages (an age-band breakdown, DSR, LE); else no
	                    lane_ages or hg_vm_age_on for it (nothing else reads an age) */
	size_t *tbase;   /* per indicator: its run tallies in hg_acc.t, SIZE_MAX without */
	size_t ntally;
	hg_vals **vals; /* per thread, per indicator: a percentile's values per cell, or NULL */
} hg_work;

/* A person's category in each breakdown dimension that does not depend on age. */
typedef struct hg_pcat {
	int cat[HG_BD_N];
	uint64_t flags;
	int moves; /* a registration or address history: places depend on the date */
	uint64_t person;
} hg_pcat;

int hg_bd_kind_is_place(int kind)
{
	return kind == HG_BD_IMDQ || kind == HG_BD_IMDD || kind == HG_BD_PRACTICE ||
	       (kind >= HG_BD_PCN && kind <= HG_BD_IMDQ_LOCAL);
}

/* The categories that follow a person's practice and LSOA; the places (PCN, sub-ICB, local
 * authority, MSOA, local IMD quintile) only with `places`. */
static void pcat_places(hg_pcat *pc, const hg_store *st, uint32_t prac, uint32_t lsoa, int places)
{
	uint8_t dec = lsoa == HG_NONE32 ? 0 : st->lsoa_decile[lsoa];
	pc->cat[HG_BD_IMDQ] = dec ? (dec + 1) / 2 - 1 : 5;
	pc->cat[HG_BD_IMDD] = dec ? dec - 1 : 10;
	pc->cat[HG_BD_PRACTICE] = prac == HG_NONE32 ? (int)st->practices.n : (int)prac;
	if (!places)
		return;
	for (int k = 0; k < HG_PLACE_N; k++) {
		uint32_t owner = k == HG_PLACE_PCN || k == HG_PLACE_SUBICB ? prac : lsoa;
		uint32_t pl = owner == HG_NONE32 ? HG_NONE32 : st->place[k].of[owner];
		pc->cat[HG_BD_PCN + k] = pl == HG_NONE32 ? (int)st->place[k].n : (int)pl;
	}
	uint8_t lq = lsoa == HG_NONE32 ? 0 : st->lsoa_local_q[lsoa];
	pc->cat[HG_BD_IMDQ_LOCAL] = lq ? lq - 1 : 5;
}

/* pc's places as at d (a person with a history; docs/data-model.md "As-at histories"). */
static void pcat_at(hg_pcat *pc, const hg_store *st, uint64_t p, hg_date d)
{
	pcat_places(pc, st, hg_store_practice_on(st, p, d), hg_store_lsoa_on(st, p, d), 1);
}

/* A person's categories: with `detail`, also the detailed ethnic category and the places
 * (pcat_places), which a program's breakdowns may not need (build_bdplans: hg_work.detail);
 * the others are cheap and read elsewhere. */
static void pcat_init(hg_pcat *pc, const hg_store *st, uint64_t p, int detail)
{
	pc->cat[HG_BD_ALL] = 0;
	pc->cat[HG_BD_ETH] = st->eth_group[p] < HG_ETH_N ? st->eth_group[p] : HG_ETH_NOT_STATED;
	int s = st->sex[p];
	pc->cat[HG_BD_SEX] = s == HG_SEX_MALE     ? 0
	                     : s == HG_SEX_FEMALE ? 1
	                     : s == HG_SEX_INDET  ? 2
	                                          : 3;
	pc->cat[HG_BD_AGEBAND] = HG_DSR_BANDS;
	if (detail) {
		int ed = hg_eth_detailed_of(st->eth_cat[p]); /* every stored byte has one */
		pc->cat[HG_BD_ETHD] = ed < 0 ? HG_ETHD_NOT_KNOWN : ed;
	}
	/* as persons.csv's columns hold them (the places as at the extract date) */
	pcat_places(pc, st, st->practice[p], st->lsoa[p], detail);
	pc->cat[HG_BD_SPECIALTY] = (int)st->specialties.n; /* set per pathway or appointment */
	pc->cat[HG_BD_PROVIDER] = (int)st->providers.n;
	pc->flags = st->flags[p];
	pc->moves = hg_store_moves(st, p);
	pc->person = p;
}

void hg_person_label(const hg_store *st, uint64_t p, int kind, char *buf, size_t size)
{
	assert(kind > HG_BD_ALL && kind < HG_BD_FLAG && kind != HG_BD_AGEBAND);
	hg_pcat pc;
	pcat_init(&pc, st, p, 1);
	hg_breakdown bd = {.n = 1, .kind = {kind}};
	dim_label(&bd, 0, st, pc.cat[kind], buf, size);
}

/* A person's category in dimension d of a breakdown, in a lane where they are aged age and
 * its segmentation variables have the categories vc (2 per breakdown). */
static int dim_cat(const hg_pcat *pc, const hg_bdplan *bp, int d, int age, const int *vc)
{
	int kind = bp->kind[d];
	if (kind == HG_BD_AGEBAND)
		return age < 0 ? HG_DSR_BANDS : age >= 90 ? HG_DSR_BANDS - 1 : age / 5;
	if (kind == HG_BD_FLAG)
		return bp->flagbit[d] >= 0 && (pc->flags >> bp->flagbit[d] & 1) ? 0 : 1;
	if (kind == HG_BD_VAR || kind == HG_BD_TRANS) {
		assert(vc);
		return vc[2 * bp->b + d];
	}
	return pc->cat[kind];
}

static int le_band(int age)
{
	return age == 0 ? 0 : age < 5 ? 1 : age >= 90 ? HG_LE_NBANDS - 1 : age / 5 + 1;
}

/*
 * Run tallies. Most of what a person adds to a proportion, a count or a percentile (and to
 * an event rate's mid-period population) is 1 to a cell's denominator, and to its numerator
 * or not, in a run of consecutive periods of one category: in the denominator from some
 * quarter on, in one segment for years. Each thread keeps, per such indicator, category and
 * field (denominator, numerator), the differences along the indicator's periods as
 * integers (np + 1 of them, hg_work.tbase): a run of periods [ja, jb] adds 1 at ja and -1 at
 * jb + 1, so a person adds two integers per run and breakdown instead of one cell update
 * per lane and breakdown. tally_fold turns them into the cells when the thread is done
 * (prefix sums). The cells get the same integers as by adding 1 per lane, so every sum is
 * exact and the same (engine.h, "Exact accumulation").
 */
typedef struct hg_run {
	int ja, jb; /* the periods (indices into the indicator's) */
	int row;    /* the category, as an offset from the breakdown's first (or absolute) */
	int v;      /* TV_DEN, with TV_NUM when also in the numerator */
} hg_run;
enum { TV_DEN = 1, TV_NUM = 2 };

/* What one person adds to person-level indicator i: one entry per lane in its denominator. */
typedef struct hg_adds {
	int n;
	size_t *off;     /* the lane's period's cell offset: j * width */
	double *num, *v; /* numerator, register value */
	int *age, *band; /* age for aged breakdowns; band field offset, or -1 */
	int *lane;       /* the lane (its segmentation categories) */
} hg_adds;

/* Dates at which an event indicator's population is evaluated for one person. */
typedef struct hg_dates {
	hg_date *d;  /* event dates (with repeats) or change points */
	hg_date *u;  /* the distinct ones, ascending */
	double *val; /* as at each distinct date: the population (row 0), then each segmentation
	                breakdown's value (rows 1 .. nv - 1), rows of ucap */
	int *vc;     /* the segmentation categories as at one date, 2 per breakdown */
	size_t n, nu, cap, ucap, vccap;
	int nv;
} hg_dates;

/* Per-thread scratch of the pass. */
typedef struct hg_scratch {
	int *ages; /* end-of-period ages, then mid-period ages */
	hg_adds ad;
	hg_dates ev;
	int *vc; /* lanes x segmentation categories (lane_vcats) */
	size_t vc_cap;
	double *tin;   /* transitions: per lane, counted (1) and a flow's count (1) */
	double *uden;  /* over units: per lane, the unit in scope and in the denominator */
	int *js;       /* event indicators: the periods of the lanes holding an event */
	hg_vals *vals; /* this thread's percentile values (hg_work.vals) */
} hg_scratch;

static void scratch_init(hg_scratch *sc, int max_lanes)
{
	size_t n = (size_t)max_lanes + 1;
	sc->ages = hg_xcalloc(2 * n, sizeof *sc->ages);
	sc->ad.off = hg_xcalloc(n, sizeof *sc->ad.off);
	sc->ad.num = hg_xcalloc(2 * n, sizeof *sc->ad.num);
	sc->ad.v = sc->ad.num + n;
	sc->ad.age = hg_xcalloc(3 * n, sizeof *sc->ad.age);
	sc->ad.band = sc->ad.age + n;
	sc->ad.lane = sc->ad.age + 2 * n;
	memset(&sc->ev, 0, sizeof sc->ev);
	sc->vc = NULL;
	sc->vc_cap = 0;
	sc->tin = hg_xcalloc(2 * n, sizeof *sc->tin);
	sc->uden = hg_xcalloc(n, sizeof *sc->uden);
	sc->js = hg_xcalloc(n, sizeof *sc->js);
	sc->vals = NULL;
}

static void scratch_free(hg_scratch *sc)
{
	free(sc->ages);
	free(sc->ad.off);
	free(sc->ad.num);
	free(sc->ad.age);
	free(sc->ev.d);
	free(sc->ev.u);
	free(sc->ev.val);
	free(sc->ev.vc);
	free(sc->vc);
	free(sc->tin);
	free(sc->uden);
	free(sc->js);
}

/* The lanes of one indicator for one person: jl maps lanes to its periods. */
typedef struct hg_lanes {
	int nl;
	const int *jl, *age;
	const double *den, *num;
	int j0;               /* lane l is period j0 + l, or -1 (hg_lgroup.ind_j0) */
	int uni;              /* den and num are the same in every lane (uniform registers, vm.h) */
	int vuni;             /* the segmentation categories given with the lanes (vcl) are too */
	const uint64_t *vchg; /* NULL, or the lanes l >= 1 whose categories in vcl differ from
	                         lane l - 1's (the caller knows them: acc_trans) */
} hg_lanes;

/* Which lane of the segmentation categories given with the lanes holds lane l's (vuni: the
   first holds every lane's). */
static size_t vc_lane(const hg_lanes *ln, int l)
{
	return ln->vuni ? 0 : (size_t)l;
}

/* The numerator of value v (numerator register) for a person-level indicator type. */
static double num_of(int type, double v)
{
	if (type == HG_IND_PROPORTION)
		return v == 1;
	if (type == HG_IND_MEAN || type == HG_IND_PERCENTILE)
		return !isnan(v); /* people (or units) with a value */
	return isnan(v) ? 0 : v;
}

/* The field offset of age's band (DSR or LE), -1 without bands, -2 if unplaceable. */
static int band_field(int type, int age)
{
	if (type != HG_IND_DSR && type != HG_IND_LE)
		return -1;
	if (age < 0)
		return -2; /* cannot be placed in an age band */
	int band = type == HG_IND_DSR ? (age >= 90 ? HG_DSR_BANDS - 1 : age / 5) : le_band(age);
	return HG_F_BANDS + 2 * band;
}

/* Collect the person's contributions to indicator i; returns how many lanes. */
static int gather(const hg_work *w, int i, const hg_lanes *ln, hg_adds *ad)
{
	const hg_indicator *ind = w->pr->inds[i].ind;
	int type = ind->type;
	size_t perw = (size_t)w->cells->width[i];
	int n = 0;
	for (int l = 0, nl = ln->nl; l < nl; l++) {
		if (ln->den[l] != 1)
			continue;
		ad->off[n] = (size_t)ln->jl[l] * perw;
		ad->v[n] = ln->num[l];
		ad->num[n] = num_of(type, ln->num[l]);
		ad->age[n] = ln->age[l];
		ad->lane[n] = l;
		ad->band[n++] = -1;
	}
	ad->n = n;
	return n;
}

/* Add contribution k to a proportion's cell. */
static void cell_add(double *cell, const hg_adds *ad, int k)
{
	cell[HG_F_NUM] += ad->num[k];
	cell[HG_F_DEN] += 1;
}

/* v as a fixed-point integer of the exact sums; out of range marks indicator i bad. */
static hg_i128 x_fix(hg_acc *a, int i, double v)
{
	if (!(fabs(v) < HG_X_LIMIT)) {
		a->bad = i + 1;
		return 0;
	}
	return (hg_i128)llrint(v * HG_X_SCALE);
}

/* Add contribution k to a mean's or count's cell: the count of people (and for a mean
 * of those with a value) in doubles, the values (a count's numerator) in the exact sums. */
static void cell_add_x(const hg_work *w, hg_acc *a, int i, double *cell, const hg_adds *ad, int k,
                       int mean)
{
	const hg_cells *c = w->cells;
	size_t cellno = (size_t)(cell - (a->d + c->base[i])) / (size_t)c->width[i];
	hg_i128 *x = a->x + c->xbase[i] + cellno * HG_X_PER_CELL;
	cell[HG_F_DEN] += 1;
	if (!mean) {
		x[0] += x_fix(a, i, ad->num[k]);
		return;
	}
	cell[HG_F_NUM] += ad->num[k];
	double v = ad->v[k];
	if (isnan(v))
		return;
	x[0] += x_fix(a, i, v);
	if (fabs(v) < HG_X_LIMIT) /* below 2^56 x 2^32: exact in 128 bits */
		x[1] += (hg_i128)nearbyint(v * v * HG_X_SCALE);
}

/* Proportions and counts: only numerator and denominator. */
static void cells_add_plain(double *cb, const hg_adds *ad)
{
	for (int k = 0; k < ad->n; k++) {
		double *cell = cb + ad->off[k];
		cell[HG_F_NUM] += ad->num[k];
		cell[HG_F_DEN] += 1;
	}
}

static int bd_cat(const hg_bdplan *bp, const hg_pcat *pc, int age, const int *vc)
{
	int cat = 0;
	for (int d = 0; d < bp->n; d++)
		cat = cat * (d ? bp->ncat2 : 0) + dim_cat(pc, bp, d, age, vc);
	return cat;
}

/* The category index of a segmentation value v of breakdown bd, dimension d (Unknown,
 * after its categories, when missing). */
static int var_cat(const hg_breakdown *bd, int d, double v)
{
	int c = isnan(v) || v < 0 || v >= bd->var_ncat[d] ? bd->var_ncat[d] : (int)v;
	assert(c < bd->var_ncat[d] + bd->var_unknown[d]);
	return c;
}

/* Indicator i's segmentation categories in each of nl lanes (nl x 2 nbds), from the
 * registers; NULL when it has no segmentation breakdown. */
static const int *lane_vcats(const hg_work *w, hg_vm *vm, int i, int nl, hg_scratch *sc)
{
	const hg_cind *ci = &w->pr->inds[i];
	const hg_indicator *ind = ci->ind;
	if (!w->has_var[i])
		return NULL;
	size_t stride = 2 * (size_t)ind->nbds, need = stride * (size_t)nl + 1;
	if (sc->vc_cap < need) {
		sc->vc = hg_xrealloc(sc->vc, need * sizeof *sc->vc);
		sc->vc_cap = need;
	}
	for (int l = 0; l < nl; l++)
		for (size_t k = 0; k < stride; k++) {
			int reg = ci->bd_reg[k];
			sc->vc[(size_t)l * stride + k] =
			    reg < 0
			        ? 0
			        : var_cat(&ind->bds[k / 2], (int)(k % 2), hg_vm_reg(vm, reg)[l]);
		}
	return sc->vc;
}

/* A person's lanes as bit masks for the run tallies (nl < 64): in the denominator (*dm) and
 * also counted in the numerator (*nm) of person-level indicator type `type`; -1 when a
 * count's numerator is not 0 or 1 (cell_add_x sums it). */
static int tally_lanes(int type, const hg_lanes *ln, uint64_t *dm, uint64_t *nm)
{
	uint64_t d = 0, n = 0;
	assert(ln->nl < 64);
	/* uniform: lane 0 decides every lane, and the masks are all or nothing */
	uint64_t all = ln->uni ? ((uint64_t)1 << ln->nl) - 1 : 1;
	for (int l = 0, nl = ln->uni ? 1 : ln->nl; l < nl; l++) {
		double v = ln->num[l];
		int num = type == HG_IND_PROPORTION ? v == 1 : !isnan(v);
		if (type == HG_IND_COUNT) {
			if (ln->den[l] == 1 && !(isnan(v) || v == 0 || v == 1))
				return -1;
			num = v == 1; /* num_of: missing counts 0 */
		}
		uint64_t in = ln->den[l] == 1;
		d |= in << l;
		n |= (in & (uint64_t)num) << l;
	}
	if (ln->uni) {
		d = d ? all : 0;
		n = n ? all : 0;
	}
	*dm = d;
	*nm = n;
	return 0;
}

/* Add run r to the tallies t of an indicator of np1 - 1 periods. */
static void run_add(int64_t *t, size_t np1, const hg_run *r)
{
	int64_t *den = t + (size_t)r->row * 2 * np1, *num = den + np1;
	assert(r->ja <= r->jb && (size_t)r->jb + 1 < np1);
	den[r->ja]++;
	den[r->jb + 1]--;
	if (r->v & TV_NUM) {
		num[r->ja]++;
		num[r->jb + 1]--;
	}
}

/* The lanes dm (numerator nm) of periods jl into the tallies t, all in category row: a run
 * per stretch of consecutive periods with one numerator. */
static void tally_rows(int64_t *t, size_t np1, const int *jl, uint64_t dm, uint64_t nm, int row)
{
	hg_run cur = {0, 0, 0, 0};
	for (uint64_t m = dm; m; m &= m - 1) {
		int l = __builtin_ctzll(m);
		int v = TV_DEN | (nm >> l & 1 ? TV_NUM : 0);
		if (cur.v == v && cur.jb + 1 == jl[l]) {
			cur.jb = jl[l];
			continue;
		}
		if (cur.v)
			run_add(t, np1, &cur);
		cur = (hg_run){jl[l], jl[l], row, v};
	}
	if (cur.v)
		run_add(t, np1, &cur);
}

/* The lanes m of consecutive periods from j0 into one field's tallies t: +1 where a run of
 * m starts, -1 after it ends (bit nl of m << 1 ends a run in the last lane). */
static void tally_edges(int64_t *t, uint64_t m)
{
	for (uint64_t e = m ^ (m << 1); e; e &= e - 1) {
		int l = __builtin_ctzll(e);
		t[l] += (int64_t)(m >> l & 1) * 2 - 1;
	}
}

/* The lanes dm (numerator nm) of consecutive periods from j0, all in category row, into the
 * tallies t: their edges. */
static void tally_row(int64_t *t, size_t np1, int row, int j0, uint64_t dm, uint64_t nm)
{
	int64_t *den = t + (size_t)row * 2 * np1 + j0, *num = den + np1;
	if (nm != dm) {
		tally_edges(den, dm);
		tally_edges(num, nm);
		return;
	}
	/* counted in the numerator wherever in the denominator (a count of people, flows):
	   one pass over the edges for both */
	for (uint64_t e = dm ^ (dm << 1); e; e &= e - 1) {
		int l = __builtin_ctzll(e);
		int64_t v = (int64_t)(dm >> l & 1) * 2 - 1;
		den[l] += v;
		num[l] += v;
	}
}

/* A breakdown's category in lane l as bd_cat gives it, its segmentations' categories read
 * from their registers reg (per dimension, NULL when not a segmentation). */
static int bd_cat_regs(const hg_bdplan *bp, const hg_breakdown *bd, const hg_pcat *pc, int age,
                       const double *const *reg, int l)
{
	int cat = 0;
	for (int d = 0; d < bp->n; d++)
		cat = cat * (d ? bp->ncat2 : 0) +
		      (reg[d] ? var_cat(bd, d, reg[d][l]) : dim_cat(pc, bp, d, age, NULL));
	return cat;
}

/* The lanes l >= 1 where a breakdown of indicator i that depends on the lane may change
 * category from lane l - 1 (the age changes, a segmentation's category in vcl or, vcl NULL,
 * its value in its register changes) or where the periods are not consecutive (jl). */
static uint64_t lane_changes(const hg_work *w, hg_vm *vm, int i, const hg_lanes *ln, const int *vcl)
{
	const hg_cind *ci = &w->pr->inds[i];
	const hg_indicator *ind = ci->ind;
	size_t stride = 2 * (size_t)ind->nbds;
	uint64_t chg = 0;
	if (ln->j0 < 0) /* else the lanes' periods are consecutive */
		for (int l = 1, nl = ln->nl; l < nl; l++)
			chg |= (uint64_t)(ln->jl[l] != ln->jl[l - 1] + 1) << l;
	if (w->age_bd[i]) /* an age-band breakdown: its category changes with the age */
		for (int l = 1, nl = ln->nl; l < nl; l++)
			chg |= (uint64_t)(ln->age[l] != ln->age[l - 1]) << l;
	if (vcl && ln->vchg)
		return chg | *ln->vchg;
	if (vcl) {
		for (int l = 1, nl = ln->vuni ? 0 : ln->nl; l < nl; l++)
			for (size_t k = 0; k < stride; k++)
				chg |= (uint64_t)(vcl[(size_t)l * stride + k] !=
				                  vcl[(size_t)(l - 1) * stride + k])
				       << l;
		return chg;
	}
	for (const int *reg = w->var_regs[i]; *reg >= 0; reg++) {
		if (hg_vm_is_uniform(vm, *reg))
			continue; /* the same category in every lane (missing too: Unknown) */
		const double *r = hg_vm_reg(vm, *reg);
		for (int l = 1, nl = ln->nl; l < nl; l++) /* missing to missing: Unknown in both */
			chg |= (uint64_t)((r[l] != r[l - 1]) & !(isnan(r[l]) & isnan(r[l - 1])))
			       << l;
	}
	return chg;
}

/* The lanes dm (numerator nm) into breakdown bp, whose category depends on the lane (its
 * segmentation categories vc, stride per lane, or values in registers reg): the lanes are
 * cut where dm or nm has an edge or a lane changes (chg: lane_changes), the category is
 * computed once per piece, and pieces of one category and value in consecutive periods are
 * added as one run. */
static void tally_lane_bd(int64_t *t, size_t np1, const hg_bdplan *bp, const hg_breakdown *bd,
                          const hg_pcat *pc, const hg_lanes *ln, uint64_t dm, uint64_t nm,
                          uint64_t chg, const int *vc, size_t stride, const double *const *reg)
{
	uint64_t cut = (dm ^ (dm << 1)) | (nm ^ (nm << 1)) | (chg & dm);
	hg_run cur = {0, 0, 0, 0};
	while (cut) {
		int la = __builtin_ctzll(cut);
		cut &= cut - 1;
		if (la >= ln->nl || !(dm >> la & 1))
			continue; /* the end, or a piece out of the denominator */
		/* lanes [la, lb) are in dm, all in nm or none, no lane changes */
		int lb = cut ? __builtin_ctzll(cut) : ln->nl;
		assert(lb <= ln->nl);
		int v = TV_DEN | (nm >> la & 1 ? TV_NUM : 0);
		int row = bp->off + (vc ? bd_cat(bp, pc, ln->age[la], vc + vc_lane(ln, la) * stride)
		                        : bd_cat_regs(bp, bd, pc, ln->age[la], reg, la));
		int ja = ln->jl[la], jb = ln->jl[lb - 1];
		if (cur.v == v && cur.row == row && cur.jb + 1 == ja) {
			cur.jb = jb;
			continue;
		}
		if (cur.v)
			run_add(t, np1, &cur);
		cur = (hg_run){ja, jb, row, v};
	}
	if (cur.v)
		run_add(t, np1, &cur);
}

/* Tally one person's lanes dm (numerator nm; lanes of periods ln->jl, consecutive from
 * ln->j0 when it is not -1, aged ln->age) in each of indicator i's breakdowns: a breakdown
 * whose category does not depend on the lane takes the masks' edges, the others a run per
 * category. The lanes' segmentation categories are vcl (as lane_vcats), or NULL: read from
 * vm's registers for the lanes in dm only. */
static void tally_bds(const hg_work *w, hg_acc *a, hg_vm *vm, const hg_pcat *pc, int i,
                      const hg_lanes *ln, uint64_t dm, uint64_t nm, const int *vcl)
{
	const hg_cind *ci = &w->pr->inds[i];
	const hg_indicator *ind = ci->ind;
	const hg_bdplan *bp = w->bdp[i];
	size_t stride = 2 * (size_t)ind->nbds, np1 = (size_t)ind->nperiods + 1;
	int64_t *t = a->t + w->tbase[i];
	uint64_t chg = 0;
	int chg_done = 0;
	for (int b = 0; b < ind->nbds; b++) {
		if (!bp[b].lane) {
			int row = bp[b].off + bd_cat(&bp[b], pc, 0, NULL);
			if (ln->j0 < 0) {
				tally_rows(t, np1, ln->jl, dm, nm, row);
				continue;
			}
			tally_row(t, np1, row, ln->j0, dm, nm);
			continue;
		}
		if (!chg_done) {
			chg = lane_changes(w, vm, i, ln, vcl);
			chg_done = 1;
		}
		const double *reg[2] = {NULL, NULL};
		if (!chg && ln->j0 >= 0) {
			/* one category in every lane (most people: one segment, one age band
			   throughout): the masks' edges, as for a breakdown that does not depend
			   on the lane, its category from lane 0 (valid in a uniform register) */
			for (int d = 0; !vcl && d < bp[b].n; d++)
				if (bp[b].kind[d] == HG_BD_VAR)
					reg[d] = hg_vm_lane0(vm, ci->bd_reg[2 * b + d]);
			int row = bp[b].off +
			          (vcl ? bd_cat(&bp[b], pc, ln->age[0], vcl)
			               : bd_cat_regs(&bp[b], &ind->bds[b], pc, ln->age[0], reg, 0));
			tally_row(t, np1, row, ln->j0, dm, nm);
			continue;
		}
		for (int d = 0; !vcl && d < bp[b].n; d++)
			if (bp[b].kind[d] == HG_BD_VAR) {
				assert(ci->bd_reg[2 * b + d] >= 0);
				reg[d] = hg_vm_reg(vm, ci->bd_reg[2 * b + d]);
			}
		tally_lane_bd(t, np1, &bp[b], &ind->bds[b], pc, ln, dm, nm, chg, vcl, stride, reg);
	}
}

/* Turn thread a's run tallies into its cells (prefix sums along each row's periods): a
 * count's numerator into its exact sums (1 is 2^32 there), other fields into the doubles. */
static void tally_fold(const hg_work *w, hg_acc *a)
{
	const hg_cells *c = w->cells;
	for (int i = 0; i < w->pr->ninds; i++) {
		if (w->tbase[i] == SIZE_MAX)
			continue;
		size_t np = (size_t)w->pr->inds[i].ind->nperiods, width = (size_t)c->width[i];
		int events =
		    w->pr->inds[i].ind->events != HG_EV_NONE; /* a rate: events per person */
		const int64_t *t = a->t + w->tbase[i];
		for (size_t cat = 0; cat < (size_t)c->ncat[i]; cat++, t += 2 * (np + 1)) {
			int64_t den = 0, num = 0;
			for (size_t j = 0; j < np; j++) {
				den += t[j];
				num += t[np + 1 + j];
				assert(den >= 0 && num >= 0 && (num <= den || events));
				size_t k = cat * np + j;
				double *cell = a->d + c->base[i] + k * width;
				cell[HG_F_DEN] += (double)den;
				if (!num)
					continue;
				if (c->xbase[i] != SIZE_MAX)
					a->x[c->xbase[i] + k * HG_X_PER_CELL] += (hg_i128)num << 32;
				else
					cell[HG_F_NUM] += (double)num;
			}
		}
	}
}

/* Does person-level indicator i add these lanes by the run tallies (acc_ind)? */
static int tallied(const hg_work *w, const hg_pcat *pc, int i, const hg_lanes *ln)
{
	return w->tbase[i] != SIZE_MAX && ln->nl < 64 && !(pc->moves && w->has_place[i]);
}

/*
 * Add a person to person-level indicator i in every lane where they are in
 * the denominator: by the run tallies when it has them (except for places as
 * at each lane's period end, of a person with a history), else cell by cell. Each cell gets at most
 * one addition per person and field, so the order over breakdowns and lanes does not change any
 * sum.
 */
static void acc_ind(const hg_work *w, hg_acc *a, hg_scratch *sc, hg_vm *vm, const hg_pcat *pc,
                    int i, const hg_lanes *ln, const int *vcl)
{
	const hg_indicator *ind = w->pr->inds[i].ind;
	hg_adds *ad = &sc->ad;
	uint64_t dm, nm;
	if (tallied(w, pc, i, ln) && tally_lanes(ind->type, ln, &dm, &nm) == 0) {
		if (dm)
			tally_bds(w, a, vm, pc, i, ln, dm, nm, vcl);
		return;
	}
	if (!vcl)
		vcl = lane_vcats(w, vm, i, ln->nl, sc);
	if (!gather(w, i, ln, ad))
		return;
	const hg_cells *c = w->cells;
	const hg_bdplan *bp = w->bdp[i];
	size_t blk = (size_t)ind->nperiods * (size_t)c->width[i];
	size_t stride = 2 * (size_t)ind->nbds;
	double *base = a->d + c->base[i];
	int mean = ind->type == HG_IND_MEAN, exact = c->xbase[i] != SIZE_MAX;
	for (int b = 0; b < ind->nbds; b++) {
		if (bp[b].place && pc->moves) { /* places as at each lane's period end */
			size_t perw = (size_t)c->width[i];
			hg_pcat at = *pc;
			for (int k = 0; k < ad->n; k++) {
				const int *vc =
				    vcl ? vcl + vc_lane(ln, ad->lane[k]) * stride : NULL;
				pcat_at(&at, w->pr->store, pc->person,
				        ind->periods[ad->off[k] / perw].end);
				size_t cat =
				    (size_t)(bp[b].off + bd_cat(&bp[b], &at, ad->age[k], vc));
				double *cell = base + cat * blk + ad->off[k];
				if (exact)
					cell_add_x(w, a, i, cell, ad, k, mean);
				else
					cell_add(cell, ad, k);
			}
			continue;
		}
		if (bp[b].lane) {
			for (int k = 0; k < ad->n; k++) {
				const int *vc =
				    vcl ? vcl + vc_lane(ln, ad->lane[k]) * stride : NULL;
				size_t cat =
				    (size_t)(bp[b].off + bd_cat(&bp[b], pc, ad->age[k], vc));
				double *cell = base + cat * blk + ad->off[k];
				if (exact)
					cell_add_x(w, a, i, cell, ad, k, mean);
				else
					cell_add(cell, ad, k);
			}
			continue;
		}
		/* categories that do not depend on the lane are the same in every lane */
		double *cb = base + (size_t)(bp[b].off + bd_cat(&bp[b], pc, 0, NULL)) * blk;
		if (!exact) {
			cells_add_plain(cb, ad);
			continue;
		}
		for (int k = 0; k < ad->n; k++)
			cell_add_x(w, a, i, cb + ad->off[k], ad, k, mean);
	}
}

/* ---- event indicators: rate, dsr, life_expectancy ---- */

/*
 * Add v to field f (HG_F_NUM events, HG_F_DEN population, HG_F_PT person-
 * years) of event indicator i's cells for each of the nj periods js, in the
 * categories of a person aged `age` (-1 unknown). Standardised rates and life
 * tables also count the events and population of the age's band; a person whose
 * age is unknown cannot be placed in a band and adds nothing to them. The
 * categories are the same in every period (an event, a day): found once.
 */
static void acc_event_cells(const hg_work *w, double *acc, const hg_pcat *pc, int i, const int *js,
                            int nj, int age, const int *vc, int f, double v)
{
	const hg_cells *c = w->cells;
	const hg_indicator *ind = w->pr->inds[i].ind;
	int band = band_field(ind->type, age);
	if (band == -2)
		return;
	const hg_bdplan *bp = w->bdp[i];
	size_t width = (size_t)c->width[i], blk = (size_t)ind->nperiods * width;
	double *base = acc + c->base[i];
	for (int b = 0; b < ind->nbds; b++) {
		double *row = base + (size_t)(bp[b].off + bd_cat(&bp[b], pc, age, vc)) * blk;
		for (int k = 0; k < nj; k++) {
			double *cell = row + (size_t)js[k] * width;
			cell[f] += v;
			if (band >= 0 && f != HG_F_PT)
				cell[band + (f == HG_F_DEN)] += v;
		}
	}
}

static void acc_event_cell(const hg_work *w, double *acc, const hg_pcat *pc, int i, int j, int age,
                           const int *vc, int f, double v)
{
	acc_event_cells(w, acc, pc, i, &j, 1, age, vc, f, v);
}

static void dates_push(hg_dates *ds, hg_date d)
{
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? 2 * ds->cap : 64;
		ds->d = hg_xrealloc(ds->d, sizeof *ds->d * ds->cap);
		ds->u = hg_xrealloc(ds->u, sizeof *ds->u * ds->cap);
	}
	ds->d[ds->n++] = d;
}

static int date_cmp(const void *a, const void *b)
{
	hg_date x = *(const hg_date *)a, y = *(const hg_date *)b;
	return (x > y) - (x < y);
}

/*
 * Evaluate event indicator ci's population as at each distinct date of ds, and the values
 * of its segmentation breakdowns (a person's category on an event's date places it).
 */
static void dates_eval(hg_dates *ds, hg_vm *vm, const hg_cind *ci, int sorted)
{
	if (!sorted)
		qsort(ds->d, ds->n, sizeof *ds->d, date_cmp);
	ds->nu = 0;
	for (size_t k = 0; k < ds->n; k++)
		if (ds->nu == 0 || ds->u[ds->nu - 1] != ds->d[k])
			ds->u[ds->nu++] = ds->d[k];
	int regs[2 * (HG_MAX_BDS + 1) + 1], nv = 0;
	assert(ci->ind->nbds <= HG_MAX_BDS + 1);
	regs[nv++] = ci->den;
	for (int k = 0; k < 2 * ci->ind->nbds; k++)
		if (ci->bd_reg[k] >= 0)
			regs[nv++] = ci->bd_reg[k];
	if (ds->ucap < ds->nu || ds->nv < nv) {
		ds->ucap = ds->cap;
		ds->val = hg_xrealloc(ds->val, sizeof *ds->val * ds->ucap * (size_t)nv);
	}
	ds->nv = nv;
	hg_vm_eval_at(vm, &vm->pl->at_ind[ci - vm->pr->inds], regs, nv, ds->u, (int)ds->nu, ds->val,
	              ds->ucap);
}

/* The segmentation categories as at distinct date k (2 per breakdown), or NULL. */
static const int *dates_vc(hg_dates *ds, const hg_cind *ci, size_t k)
{
	const hg_indicator *ind = ci->ind;
	if (ds->nv < 2)
		return NULL;
	size_t need = 2 * (size_t)ind->nbds + 1;
	if (ds->vccap < need) {
		ds->vc = hg_xrealloc(ds->vc, sizeof *ds->vc * need);
		ds->vccap = need;
	}
	for (int b = 0, row = 1; b < ind->nbds; b++)
		for (int d = 0; d < 2; d++) {
			int *v = &ds->vc[2 * b + d];
			*v = 0;
			if (ci->bd_reg[2 * b + d] >= 0)
				*v =
				    var_cat(&ind->bds[b], d, ds->val[(size_t)row++ * ds->ucap + k]);
		}
	return ds->vc;
}

/* The span [lo, hi] of a group's periods (plan.c). */
static void group_span(const hg_lgroup *g, hg_date *lo, hg_date *hi)
{
	*lo = g->span_lo;
	*hi = g->span_hi;
}

/* denominator: residents. Did p live in the area on t (their LSOA on t has ONS estimates)?
 * Then at holds p's places as at t: a residents' event is placed by where they lived. */
static int resident_on(const hg_program *pr, hg_pcat *at, uint64_t p, hg_date t)
{
	const hg_residents *r = pr->residents;
	assert(r); /* hg_publish refuses a residents indicator without --population */
	uint32_t lsoa = hg_store_lsoa_on(pr->store, p, t);
	if (lsoa == HG_NONE32 || lsoa >= r->nlsoa || !r->in_area[lsoa])
		return 0;
	pcat_places(at, pr->store, HG_NONE32, lsoa, 1);
	return 1;
}

/* A crude rate (no age bands) whose population and events go to the run tallies
 * (hg_acc.t), unless its places are as at each lane's mid-period or each event's date. */
static int rate_tallied(const hg_work *w, const hg_lgroup *g, const hg_pcat *pc, int i)
{
	return w->tbase[i] != SIZE_MAX && g->nd < 64 && !(pc->moves && w->has_place[i]);
}

/* One event in the periods js (nj of them, ascending) into the numerator tallies of rate
 * i's breakdowns: an edge pair per breakdown when the periods are consecutive. */
static void tally_event(const hg_work *w, hg_acc *a, const hg_pcat *pc, int i, const int *js,
                        int nj, int age, const int *vc)
{
	const hg_indicator *ind = w->pr->inds[i].ind;
	const hg_bdplan *bp = w->bdp[i];
	size_t np1 = (size_t)ind->nperiods + 1;
	int64_t *t = a->t + w->tbase[i];
	int run = 1;
	for (int k = 1; k < nj; k++)
		run &= js[k] == js[0] + k;
	for (int b = 0; b < ind->nbds; b++) {
		int64_t *num =
		    t + (size_t)(bp[b].off + bd_cat(&bp[b], pc, age, vc)) * 2 * np1 + np1;
		if (run) {
			num[js[0]]++;
			num[js[nj - 1] + 1]--;
			continue;
		}
		for (int k = 0; k < nj; k++) {
			num[js[k]]++;
			num[js[k] + 1]--;
		}
	}
}

/*
 * The numerator: every counted event (or the death) dated in a lane's
 * period, of a person who was in the population on the event's date, in the
 * categories of the person's age on that date.
 */
static void acc_events_num(const hg_work *w, hg_vm *vm, hg_acc *acc, hg_dates *ds, int *js,
                           const hg_pcat *pc, uint64_t p, const hg_lgroup *g, int d)
{
	const hg_program *pr = w->pr;
	const hg_store *st = pr->store;
	int i = g->ind[d];
	const hg_cind *ci = &pr->inds[i];
	hg_date lo, hi;
	group_span(g, &lo, &hi);
	ds->n = 0;
	if (ci->ind->events == HG_EV_DEATHS) {
		if (st->dod[p] >= lo && st->dod[p] <= hi)
			dates_push(ds, st->dod[p]);
	} else {
		assert(w->pl->q[ci->ev_q].where < 0); /* the checker keeps `where` per event */
		const hg_mlist *m = &vm->ml[w->pl->q[ci->ev_q].cls];
		for (uint32_t k = 0; k < m->n; k++)
			if (m->date[k] >= lo && m->date[k] <= hi)
				dates_push(ds, m->date[k]);
	}
	if (ds->n == 0)
		return;
	dates_eval(ds, vm, ci, 1); /* the list's dates ascend */
	int res = ci->ind->pop == HG_POP_RESIDENTS, tallied = rate_tallied(w, g, pc, i);
	hg_pcat at = *pc;
	/* the lanes whose periods hold t: with ascending periods and dates, lanes before l0 end
	   before t, and from l0 on they hold t until one starts after it */
	int l0 = 0;
	for (size_t k = 0, u = 0; k < ds->n; k++) {
		hg_date t = ds->d[k];
		u += k && t != ds->d[k - 1]; /* its distinct date */
		assert(u < ds->nu && ds->u[u] == t);
		if (g->ascending)
			while (l0 < g->nd && g->pend[l0] < t)
				l0++;
		if (ds->val[u] != 1)
			continue; /* not in the population on that day */
		if (res && !resident_on(pr, &at, p, t))
			continue;      /* not living in the area on that day */
		if (!res && pc->moves) /* placed where the person was on the event's date */
			pcat_at(&at, st, p, t);
		int nj = 0;
		for (int l = l0; l < g->nd; l++) {
			if (g->ascending && g->pstart[l] > t)
				break;
			if (t >= g->pstart[l] && t <= g->pend[l])
				js[nj++] = g->ind_j[d][l];
		}
		if (!nj)
			continue;
		int age = w->aged[i] ? hg_vm_age_on(vm, t) : 0;
		if (tallied)
			tally_event(w, acc, &at, i, js, nj, age, dates_vc(ds, ci, u));
		else
			acc_event_cells(w, acc->d, &at, i, js, nj, age, dates_vc(ds, ci, u),
			                HG_F_NUM, 1);
	}
}

/* The first day on which an event dated d is no longer `in last n unit` (docs/language.md:
 * the window of date t starts the day after t - n). */
static hg_date window_lapse(hg_date d, int n, int months)
{
	if (!months)
		return d + n;
	hg_date t = hg_date_add_months(d, n) - 1; /* month ends clamp: step to the first */
	while (hg_date_add_months(t, -n) < d)
		t++;
	return t;
}

/* Days on which what a person's events say can change: each event's date, and the day it
 * leaves each window of the program. */
static void event_points(hg_dates *ds, const hg_program *pr, uint64_t p, hg_date lo, hg_date hi)
{
	const hg_store *st = pr->store;
	for (uint64_t e = st->ev_off[p]; e < st->ev_off[p + 1]; e++) {
		hg_date d = st->ev_date[e];
		if (d > hi)
			break;
		if (d > lo)
			dates_push(ds, d);
		for (int k = 0; k < pr->nwindows; k++) {
			hg_date t = window_lapse(d, pr->windows[k][0], pr->windows[k][1]);
			if (t > lo && t <= hi)
				dates_push(ds, t);
		}
	}
}

/* Days on which the population or a person's places can change: registration (each
 * period of a registration or address history), death, birthdays. */
static void change_points(hg_dates *ds, const hg_store *st, uint64_t p, hg_date lo, hg_date hi)
{
	hg_date c[3] = {st->reg_from[p], st->reg_to[p], st->dod[p]};
	for (int k = 0; k < 3; k++) {
		hg_date t = k ? (c[k] == HG_DATE_NONE ? c[k] : c[k] + 1) : c[k];
		if (t > lo && t <= hi)
			dates_push(ds, t);
	}
	/* a registration or address history: each period's first day and the day after its
	   last (a move changes the places person-time is placed in) */
	for (int h = 0; h < 2; h++) {
		const uint64_t *off = h ? st->ad_off : st->rg_off;
		const hg_date *from = h ? st->ad_from : st->rg_from,
		              *to = h ? st->ad_to : st->rg_to;
		for (uint64_t k = off[p]; k < off[p + 1]; k++) {
			hg_date a = from[k], b = to[k];
			if (a > lo && a <= hi)
				dates_push(ds, a);
			if (b != HG_DATE_NONE && b + 1 > lo && b + 1 <= hi)
				dates_push(ds, b + 1);
		}
	}
	if (st->dob[p] == HG_DATE_NONE)
		return;
	int by, bm, bd, y0, y1, m, dd;
	hg_date_to_ymd(st->dob[p], &by, &bm, &bd);
	hg_date_to_ymd(lo, &y0, &m, &dd);
	hg_date_to_ymd(hi, &y1, &m, &dd);
	for (int y = y0; y <= y1; y++) {
		/* a 29 February birthday is passed on 1 March in other years */
		hg_date t = hg_date_valid_ymd(y, bm, bd) ? hg_date_from_ymd(y, bm, bd)
		                                         : hg_date_from_ymd(y, 3, 1);
		if (t > lo && t <= hi)
			dates_push(ds, t);
	}
}

/*
 * Person-time: the days of each lane's period on which the person was in the
 * population (in days: hg_cells_finish makes years of 365.25 days), in the categories of their age
 * on those days. The population is evaluated on the period's first day and on every day it can
 * change (change_points).
 */
static void acc_person_time(const hg_work *w, hg_vm *vm, double *acc, hg_dates *ds,
                            const hg_pcat *pc, uint64_t p, const hg_lgroup *g, int d)
{
	const hg_program *pr = w->pr;
	int i = g->ind[d];
	hg_date lo, hi;
	group_span(g, &lo, &hi);
	ds->n = 0;
	for (int l = 0; l < g->nd; l++)
		dates_push(ds, pr->periods[g->period[l]].start);
	change_points(ds, pr->store, p, lo, hi);
	event_points(ds, pr, p, lo, hi);
	dates_eval(ds, vm, &pr->inds[i], 0);
	hg_pcat at = *pc;
	for (int l = 0; l < g->nd; l++) {
		hg_period pd = pr->periods[g->period[l]];
		size_t k = 0;
		while (ds->u[k] < pd.start)
			k++;
		for (; k < ds->nu && ds->u[k] <= pd.end; k++) {
			if (ds->val[k] != 1)
				continue;
			hg_date last =
			    k + 1 < ds->nu && ds->u[k + 1] <= pd.end ? ds->u[k + 1] - 1 : pd.end;
			if (pc->moves) /* the places hold from ds->u[k] to last (change_points) */
				pcat_at(&at, pr->store, p, ds->u[k]);
			acc_event_cell(w, acc, &at, i, g->ind_j[d][l],
			               w->aged[i] ? hg_vm_age_on(vm, ds->u[k]) : 0,
			               dates_vc(ds, &pr->inds[i], k), HG_F_PT,
			               (double)(last - ds->u[k] + 1));
		}
	}
}

/*
 * The mid-period population: a person adds 1 to each lane in which they are
 * in it, in the categories of their age at mid-period (mid[l]). The lanes
 * are gathered once, then added breakdown by breakdown (a category that does
 * not depend on age is the same in every lane).
 */
static void acc_events_den(const hg_work *w, hg_acc *a, hg_scratch *sc, hg_vm *vm,
                           const hg_pcat *pc, const hg_lgroup *g, int d, const int *mid)
{
	hg_adds *ad = &sc->ad;
	int i = g->ind[d];
	const hg_cells *c = w->cells;
	const hg_cind *ci = &w->pr->inds[i];
	const hg_indicator *ind = ci->ind;
	int n = 0;
	if (rate_tallied(w, g, pc, i)) {
		uint64_t dm = 0;
		if (vm->u[ci->den]) /* the same in every lane: all of them or none */
			dm = hg_vm_uniform(vm, ci->den) == 1 ? ((uint64_t)1 << g->nd) - 1 : 0;
		else {
			const double *den = hg_vm_reg(vm, ci->den);
			for (int l = 0, nl = g->nd; l < nl; l++)
				dm |= (uint64_t)(den[l] == 1) << l;
		}
		hg_lanes ln = {g->nd, g->ind_j[d], mid, NULL, NULL, g->ind_j0[d], 0, 0, NULL};
		if (dm)
			tally_bds(w, a, vm, pc, i, &ln, dm, 0, NULL);
		return;
	}
	const double *den = hg_vm_reg(vm, ci->den);
	const int *vcl = lane_vcats(w, vm, i, g->nd, sc);
	for (int l = 0, nl = g->nd; l < nl; l++) {
		int band = band_field(ind->type, mid[l]);
		if (den[l] != 1 || band == -2)
			continue;
		ad->off[n] = (size_t)g->ind_j[d][l] * (size_t)c->width[i];
		ad->age[n] = mid[l];
		ad->lane[n] = l;
		ad->band[n++] = band;
	}
	size_t stride = 2 * (size_t)ind->nbds;
	const hg_bdplan *bp = w->bdp[i];
	size_t blk = (size_t)ind->nperiods * (size_t)c->width[i];
	double *base = a->d + c->base[i];
	hg_pcat at = *pc;
	for (int b = 0; b < ind->nbds; b++) {
		int asat = bp[b].place && pc->moves; /* places as at each lane's mid-period */
		/* categories that do not depend on the lane are the same in every lane */
		double *cb = bp[b].lane || asat
		                 ? NULL
		                 : base + (size_t)(bp[b].off + bd_cat(&bp[b], pc, 0, NULL)) * blk;
		for (int k = 0; k < n; k++) {
			const int *vc = vcl ? vcl + (size_t)ad->lane[k] * stride : NULL;
			if (asat)
				pcat_at(&at, w->pr->store, pc->person,
				        hg_period_mid(w->pr->periods[g->period[ad->lane[k]]]));
			double *cell = cb ? cb + ad->off[k]
			                  : base +
			                        (size_t)(bp[b].off + bd_cat(&bp[b], asat ? &at : pc,
			                                                    ad->age[k], vc)) *
			                            blk +
			                        ad->off[k];
			cell[HG_F_DEN] += 1;
			if (ad->band[k] >= 0)
				cell[ad->band[k] + 1] += 1;
		}
	}
}

/* One person's part of event indicator d of group g: population and events. */
static void acc_events(const hg_work *w, hg_vm *vm, hg_acc *acc, hg_scratch *sc, const hg_pcat *pc,
                       uint64_t p, const hg_lgroup *g, int d)
{
	int i = g->ind[d];
	const hg_cind *ci = &w->pr->inds[i];
	if (ci->ind->pop == HG_POP_PERSON_TIME)
		acc_person_time(w, vm, acc->d, &sc->ev, pc, p, g, d);
	else if (ci->ind->pop != HG_POP_RESIDENTS) /* residents: hg_cells_finish */
		acc_events_den(w, acc, sc, vm, pc, g, d, sc->ages + w->pl->max_lanes);
	acc_events_num(w, vm, acc, &sc->ev, sc->js, pc, p, g, d);
}

/* Ages (-1 when unknown) on each lane's period end and mid-period. */
static void lane_ages(const hg_vm *vm, const hg_lgroup *g, int *restrict end, int *restrict mid)
{
	int y = vm->dob_y, md = vm->dob_md;
	if (y < 0) {
		for (int l = 0, nl = g->nd; l < nl; l++)
			end[l] = mid[l] = -1;
		return;
	}
	for (int l = 0, nl = g->nd; l < nl; l++) {
		end[l] = g->end_y[l] - y - (g->end_md[l] < md);
		mid[l] = g->mid_y[l] - y - (g->mid_md[l] < md);
	}
}

/* A segmentation's category from its value (Unknown after the categories when it can be
 * missing), for the flow dimension d of bd. */
static int trans_seg(const hg_breakdown *bd, int d, double v)
{
	int c = isnan(v) || v < 0 || v >= bd->var_ncat[d] ? bd->var_ncat[d] : (int)v;
	assert(c < bd->var_ncat[d] + bd->var_unknown[d]);
	return c;
}

/*
 * One person's part of transitions indicator d of group g: over each lane's period
 * [S, E], from where they were as at S - 1 (their segment, or Joined when not in the
 * population) to where they are as at E (their segment, or Died when they died in
 * [S, E], else Left). People in the population on neither date are not counted.
 * The indicator is compiled as at the period end (compile.c), so the group's own
 * registers hold the population and segment as at each lane's E; as at S - 1 they are
 * the lane that ends on S - 1: a due one when there is one (consecutive periods: all
 * but the first), else the hidden one-day lane the plan added for that day.
 */
static void acc_trans(const hg_work *w, hg_vm *vm, hg_acc *acc, hg_scratch *sc, const hg_pcat *pc,
                      uint64_t p, const hg_lgroup *g, int d)
{
	const hg_program *pr = w->pr;
	int i = g->ind[d];
	const hg_cind *ci = &pr->inds[i];
	const hg_indicator *ind = ci->ind;
	const hg_breakdown *tb = &ind->bds[1]; /* "transition" (c_trans_ind) */
	assert(tb->kind[0] == HG_BD_TRANS && ci->bd_reg[2] >= 0 && ci->ctx == 0);
	/* the first HG_BD_TRANS register is the segmentation */
	size_t stride = 2 * (size_t)ind->nbds, need = stride * (size_t)g->nd + 1;
	if (sc->vc_cap < need) {
		sc->vc = hg_xrealloc(sc->vc, need * sizeof *sc->vc);
		sc->vc_cap = need;
	}
	int nv = tb->var_ncat[0] + tb->var_unknown[0];
	double *in = sc->tin, *one = sc->tin + w->pl->max_lanes + 1;
	/* most people are in the population on every lane's days and in one segment
	   throughout (uniform registers, vm.h): each lane is a flow from that segment to
	   itself, and the lanes' categories are all the same */
	if (hg_vm_uniform(vm, ci->den) == 1 && hg_vm_is_uniform(vm, ci->bd_reg[2])) {
		int seg = trans_seg(tb, 0, hg_vm_lane0(vm, ci->bd_reg[2])[0]);
		for (const int *k = w->trans_k[i]; *k >= 0; k++) /* lane 0's, for every lane */
			sc->vc[*k] = seg * (nv + 2) + seg;
		for (int l = 0; l < g->nd; l++)
			in[l] = one[l] = 1;
		hg_lanes ln = {g->nd, g->ind_j[d], sc->ages, in, one, g->ind_j0[d], 1, 1, NULL};
		acc_ind(w, acc, sc, vm, pc, i, &ln, sc->vc);
		return;
	}
	/* the others: each lane's flow (only the categories' transition dimensions are
	   written: bd_cat reads no others), the lanes counted (dm) and those whose flow
	   differs from the lane before's (vchg), known here without comparing the lanes */
	const double *gpop = hg_vm_reg(vm, ci->den), *gseg = hg_vm_reg(vm, ci->bd_reg[2]);
	hg_date dod = pr->store->dod[p];
	uint64_t dm = 0, vchg = 0;
	for (int l = 0, prev = -1; l < g->nd; l++) {
		int k = g->before[l];
		assert(k >= 0); /* plan.c plan_hidden */
		int in0 = gpop[k] == 1, in1 = gpop[l] == 1, to = nv + 1;
		int from = in0 ? trans_seg(tb, 0, gseg[k]) : nv;
		if (in1)
			to = trans_seg(tb, 0, gseg[l]);
		else if (dod >= pr->periods[g->period[l]].start &&
		         dod <= pr->periods[g->period[l]].end)
			to = nv;
		int tc = from * (nv + 2) + to;
		in[l] = in0 || in1;
		dm |= (uint64_t)(in0 | in1) << l;
		vchg |= (uint64_t)(l > 0 && tc != prev) << l;
		prev = tc;
		for (const int *k2 = w->trans_k[i]; *k2 >= 0; k2++)
			sc->vc[(size_t)l * stride + (size_t)*k2] = tc;
	}
	hg_lanes ln = {g->nd, g->ind_j[d], sc->ages, in, one, g->ind_j0[d], 0, 0, &vchg};
	if (tallied(w, pc, i, &ln)) { /* a count of 1 in each lane counted: nm = dm */
		if (dm)
			tally_bds(w, acc, vm, pc, i, &ln, dm, dm, sc->vc);
		return;
	}
	for (int l = 0; l < g->nd; l++)
		one[l] = 1;
	acc_ind(w, acc, sc, vm, pc, i, &ln, sc->vc);
}

/* ---- indicators over pathways and appointments ---- */

static void dvec_push(hg_dvec *d, double v)
{
	HG_GROW(d->v, d->n, d->cap);
	d->v[d->n++] = v;
}

/* A percentile's values: each unit with a value, in every lane where it is counted, into
 * the cell of each breakdown category (as acc_ind places its counts). */
static void vals_add(const hg_work *w, hg_vals *vs, const hg_pcat *pc, int i, const hg_lanes *ln,
                     const int *vcl)
{
	const hg_indicator *ind = w->pr->inds[i].ind;
	const hg_bdplan *bp = w->bdp[i];
	size_t stride = 2 * (size_t)ind->nbds;
	hg_pcat at = *pc;
	for (int l = 0; l < ln->nl; l++) {
		if (ln->den[l] != 1 || isnan(ln->num[l]))
			continue;
		const int *vc = vcl ? vcl + vc_lane(ln, l) * stride : NULL;
		if (pc->moves) /* places as at the lane's period end, as acc_ind counts them */
			pcat_at(&at, w->pr->store, pc->person, ind->periods[ln->jl[l]].end);
		for (int b = 0; b < ind->nbds; b++) {
			const hg_pcat *bc = bp[b].place && pc->moves ? &at : pc;
			size_t cat = (size_t)(bp[b].off + bd_cat(&bp[b], bc, ln->age[l], vc));
			size_t k = cat * (size_t)ind->nperiods + (size_t)ln->jl[l];
			assert(k < vs[i].n);
			dvec_push(&vs[i].cell[k], ln->num[l]);
		}
	}
}

/* Is unit u of kind `unit` counted in period pd: an appointment dated in it, a pathway
 * on the waiting list at some time in it (clock started by its end, not stopped before
 * its start; an open pathway's stop is HG_DATE_NONE, after every date). */
static int unit_in_period(const hg_store *st, int unit, uint64_t u, hg_period pd)
{
	if (unit == HG_UNIT_APPT)
		return st->ap_date[u] >= pd.start && st->ap_date[u] <= pd.end;
	return st->pw_start[u] <= pd.end && st->pw_stop[u] >= pd.start;
}

/* Can unit u be counted in any period of [lo, hi] (the group's span)? */
static int unit_in_span(const hg_store *st, int unit, uint64_t u, hg_date lo, hg_date hi)
{
	return unit_in_period(st, unit, u, (hg_period){lo, hi});
}

/*
 * One person's pathways or appointments in indicator d of group g (over units): for
 * each unit, the indicator's code runs over the group's lanes with the unit current
 * (its fields read by OP_UNIT; the person's names as at each period end, computed by
 * the group), and the unit counts in each lane where it is in the period and in the
 * denominator, placed by the person's categories and its own specialty and provider.
 */
static void acc_units(const hg_work *w, hg_vm *vm, hg_acc *acc, hg_scratch *sc, const hg_pcat *pc,
                      uint64_t p, const hg_lgroup *g, int d)
{
	const hg_program *pr = w->pr;
	const hg_store *st = pr->store;
	int i = g->ind[d];
	const hg_cind *ci = &pr->inds[i];
	const hg_indicator *ind = ci->ind;
	int pw = ind->unit == HG_UNIT_PATHWAY;
	uint64_t u0 = pw ? st->pw_off[p] : st->ap_off[p],
	         u1 = pw ? st->pw_off[p + 1] : st->ap_off[p + 1];
	if (u0 == u1)
		return;
	hg_vm_run_lazy(vm, d); /* the lets only numerators need */
	const hg_seg *den_part = &w->pl->parts[2 * ci->seg],
	             *num_part = &w->pl->parts[2 * ci->seg + 1];
	hg_pcat upc = *pc;
	hg_date lo, hi;
	group_span(g, &lo, &hi);
	for (uint64_t u = u0; u < u1; u++) {
		if (!unit_in_span(st, ind->unit, u, lo, hi))
			continue; /* in none of the group's periods: its code need not run */
		vm->unit_kind = ind->unit;
		vm->unit = u;
		hg_vm_exec(vm, den_part);
		hg_vm_exec(vm, num_part);
		const double *den = hg_vm_reg(vm, ci->den);
		int any = 0;
		for (int l = 0; l < g->nd; l++) {
			sc->uden[l] = den[l] == 1 &&
			              unit_in_period(st, ind->unit, u, pr->periods[g->period[l]]);
			any |= sc->uden[l] == 1;
		}
		if (!any)
			continue;
		uint32_t spec = pw ? st->pw_specialty[u] : st->ap_specialty[u];
		uint32_t prov = pw ? st->pw_provider[u] : st->ap_provider[u];
		upc.cat[HG_BD_SPECIALTY] = (int)(spec == HG_NONE32 ? st->specialties.n : spec);
		upc.cat[HG_BD_PROVIDER] = (int)(prov == HG_NONE32 ? st->providers.n : prov);
		hg_lanes ln = {
		    g->nd,        g->ind_j[d], sc->ages, sc->uden, hg_vm_reg(vm, ci->num),
		    g->ind_j0[d], 0,           0,        NULL};
		const int *vcl = lane_vcats(w, vm, i, g->nd, sc);
		acc_ind(w, acc, sc, vm, &upc, i, &ln, vcl);
		if (ind->type == HG_IND_PERCENTILE)
			vals_add(w, sc->vals, &upc, i, &ln, vcl);
	}
	vm->unit_kind = HG_UNIT_PERSON;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Every thread's values of percentile indicator i, cell by cell, into its value and
 * limits (hg_percentile7, hg_percentile_ci: docs/methods.md "Percentiles"). */
static void percentile_cells(hg_work *w, int i)
{
	const hg_cells *c = w->cells;
	const hg_indicator *ind = w->pr->inds[i].ind;
	double p = ind->pct / 100;
	hg_dvec all = {0};
	for (size_t k = 0; k < w->vals[0][i].n; k++) {
		all.n = 0;
		for (int t = 0; t < w->nthreads; t++) {
			hg_dvec *dv = &w->vals[t][i].cell[k];
			for (size_t m = 0; m < dv->n; m++)
				dvec_push(&all, dv->v[m]);
			free(dv->v);
		}
		double *cell = c->acc + c->base[i] + k * (size_t)c->width[i];
		assert(all.n == (size_t)cell[HG_F_NUM]);
		if (all.n) /* all.v is NULL when no value reached the cell */
			qsort(all.v, all.n, sizeof *all.v, dbl_cmp);
		cell[HG_F_PCT_VALUE] = hg_percentile7(all.v, all.n, p);
		cell[HG_F_PCT_LO95] = cell[HG_F_PCT_HI95] = NAN;
		cell[HG_F_PCT_LO998] = cell[HG_F_PCT_HI998] = NAN;
		if (all.n) {
			hg_percentile_ci(all.v, all.n, p, 0.95, &cell[HG_F_PCT_LO95],
			                 &cell[HG_F_PCT_HI95]);
			hg_percentile_ci(all.v, all.n, p, 0.998, &cell[HG_F_PCT_LO998],
			                 &cell[HG_F_PCT_HI998]);
		}
	}
	free(all.v);
}

static void vals_init(hg_work *w)
{
	const hg_program *pr = w->pr;
	w->vals = hg_xcalloc((size_t)w->nthreads, sizeof *w->vals);
	for (int t = 0; t < w->nthreads; t++) {
		w->vals[t] = hg_xcalloc((size_t)pr->ninds + 1, sizeof **w->vals);
		for (int i = 0; i < pr->ninds; i++) {
			const hg_indicator *ind = pr->inds[i].ind;
			if (ind->type != HG_IND_PERCENTILE)
				continue;
			hg_vals *v = &w->vals[t][i];
			v->n = (size_t)w->cells->ncat[i] * (size_t)ind->nperiods;
			v->cell = hg_xcalloc(v->n + 1, sizeof *v->cell);
		}
	}
}

static void vals_free(hg_work *w)
{
	for (int t = 0; t < w->nthreads; t++) {
		for (int i = 0; i < w->pr->ninds; i++)
			free(w->vals[t][i].cell);
		free(w->vals[t]);
	}
	free(w->vals);
}

static int any_den(const double *den, int nl)
{
	for (int l = 0; l < nl; l++)
		if (den[l] == 1)
			return 1;
	return 0;
}

static void eval_person(const hg_work *w, hg_vm *vm, hg_acc *acc, uint64_t p, hg_scratch *sc)
{
	const hg_plan *pl = w->pl;
	if (pl->ngroups == 0)
		return; /* no periods: nothing to evaluate (the checker rejects this) */
	hg_pcat pc;
	pcat_init(&pc, w->pr->store, p, w->detail);
	hg_vm_person(vm, p);
	for (int g = 0; g < pl->ngroups; g++) {
		const hg_lgroup *gr = &pl->groups[g];
		hg_vm_run_group(vm, g);
		if (w->gaged[g]) /* else no one reads them */
			lane_ages(vm, gr, sc->ages, sc->ages + pl->max_lanes);
		for (int d = 0; d < gr->nind; d++) {
			int i = gr->ind[d];
			const hg_cind *ci = &w->pr->inds[i];
			if (ci->ind->trans) {
				acc_trans(w, vm, acc, sc, &pc, p, gr, d);
				continue;
			}
			if (ci->ind->events != HG_EV_NONE) {
				acc_events(w, vm, acc, sc, &pc, p, gr, d);
				continue;
			}
			if (ci->ind->unit) {
				acc_units(w, vm, acc, sc, &pc, p, gr, d);
				continue;
			}
			double du = hg_vm_uniform(vm, ci->den);
			if (du == du ? du != 1 : !any_den(hg_vm_reg(vm, ci->den), gr->nd))
				continue; /* the numerator is not needed */
			hg_vm_run_lazy(vm, d);
			hg_lanes ln = {gr->nd,
			               gr->ind_j[d],
			               sc->ages,
			               hg_vm_reg(vm, ci->den),
			               hg_vm_reg(vm, ci->num),
			               gr->ind_j0[d],
			               vm->u[ci->den] && vm->u[ci->num],
			               0,
			               NULL};
			acc_ind(w, acc, sc, vm, &pc, i, &ln, NULL);
		}
	}
}

static void worker(void *ctx, size_t begin, size_t end, int tid)
{
	hg_work *w = ctx;
	(void)begin;
	(void)end;
	const hg_plan *pl = w->pl;
	uint64_t n = w->p1, pp = 0;
	int lanes = 0;
	for (int g = 0; g < pl->ngroups; g++)
		lanes += pl->groups[g].nl;
	hg_vm vm;
	hg_vm_init(&vm, pl);
	hg_scratch sc;
	scratch_init(&sc, pl->max_lanes);
	sc.vals = w->vals[tid];
	size_t step = w->chunk * (size_t)w->nthreads;
	for (size_t c0 = w->p0 + (size_t)tid * w->chunk; c0 < n; c0 += step) {
		size_t c1 = c0 + w->chunk < n ? c0 + w->chunk : n;
		for (size_t p = c0; p < c1; p++)
			eval_person(w, &vm, &w->acc[tid], p, &sc);
		pp += (c1 - c0) * (uint64_t)lanes;
	}
	w->pp[tid] = pp;
	tally_fold(w, &w->acc[tid]);
	free(w->acc[tid].t);
	w->acc[tid].t = NULL;
	scratch_free(&sc);
	hg_vm_free(&vm);
}

static void free_bdplans(hg_work *w)
{
	for (int i = 0; i < w->pr->ninds; i++)
		free(w->bdp[i]);
	free(w->bdp);
	free(w->has_var);
	free(w->age_bd);
	for (int i = 0; w->var_regs && i < w->pr->ninds; i++)
		free(w->var_regs[i]);
	free(w->var_regs);
	for (int i = 0; w->trans_k && i < w->pr->ninds; i++)
		free(w->trans_k[i]);
	free(w->trans_k);
	free(w->has_place);
	free(w->aged);
	free(w->gaged);
}

static void build_bdplans(hg_work *w)
{
	const hg_program *pr = w->pr;
	w->bdp = hg_xcalloc((size_t)pr->ninds + 1, sizeof *w->bdp);
	w->has_var = hg_xcalloc((size_t)pr->ninds + 1, 1);
	w->has_place = hg_xcalloc((size_t)pr->ninds + 1, 1);
	w->aged = hg_xcalloc((size_t)pr->ninds + 1, 1);
	w->age_bd = hg_xcalloc((size_t)pr->ninds + 1, 1);
	w->var_regs = hg_xcalloc((size_t)pr->ninds + 1, sizeof *w->var_regs);
	w->trans_k = hg_xcalloc((size_t)pr->ninds + 1, sizeof *w->trans_k);
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		const hg_cind *ci = &pr->inds[i];
		int nv = 0;
		w->bdp[i] = hg_xcalloc((size_t)ind->nbds + 1, sizeof **w->bdp);
		w->var_regs[i] = hg_xmalloc((2 * (size_t)ind->nbds + 1) * sizeof(int));
		w->trans_k[i] = hg_xmalloc((2 * (size_t)ind->nbds + 1) * sizeof(int));
		int nt = 0;
		/* band_field and dim_cat's age bands are the only readers of a lane's age */
		w->aged[i] = ind->type == HG_IND_DSR || ind->type == HG_IND_LE;
		for (int b = 0; b < ind->nbds; b++) {
			const hg_breakdown *bd = &ind->bds[b];
			hg_bdplan *bp = &w->bdp[i][b];
			bp->n = bd->n;
			bp->off = w->cells->bd_off[i][b];
			bp->b = b;
			for (int d = 0; d < bd->n; d++) {
				bp->kind[d] = bd->kind[d];
				bp->flagbit[d] =
				    bd->kind[d] == HG_BD_FLAG ? pr->flag_bit[bd->flag[d]] : -1;
				bp->lane |= bd->kind[d] == HG_BD_AGEBAND ||
				            bd->kind[d] == HG_BD_VAR || bd->kind[d] == HG_BD_TRANS;
				bp->place |= hg_bd_kind_is_place(bd->kind[d]);
				w->has_place[i] |= (char)bp->place;
				w->has_var[i] |= bd->kind[d] == HG_BD_VAR;
				w->aged[i] |= bd->kind[d] == HG_BD_AGEBAND;
				w->age_bd[i] |= bd->kind[d] == HG_BD_AGEBAND;
				int reg = ci->bd_reg ? ci->bd_reg[2 * b + d] : -1, seen = 0;
				assert(bd->kind[d] != HG_BD_VAR || !ci->bd_reg || reg >= 0);
				for (int k = 0; k < nv; k++)
					seen |= w->var_regs[i][k] == reg;
				if (bd->kind[d] == HG_BD_VAR && reg >= 0 && !seen)
					w->var_regs[i][nv++] = reg;
				if (bd->kind[d] == HG_BD_TRANS)
					w->trans_k[i][nt++] = 2 * b + d;
				w->detail |=
				    bd->kind[d] == HG_BD_ETHD ||
				    (bd->kind[d] >= HG_BD_PCN && bd->kind[d] <= HG_BD_IMDQ_LOCAL);
			}
			bp->ncat2 = bd->n == 2 ? hg_bd_ncat(bd, 1, pr->store) : 1;
		}
		w->var_regs[i][nv] = -1;
		w->trans_k[i][nt] = -1;
	}
	if (!w->pl)
		return; /* (residents_den: no lanes) */
	w->gaged = hg_xcalloc((size_t)w->pl->ngroups + 1, 1);
	for (int g = 0; g < w->pl->ngroups; g++)
		for (int d = 0; d < w->pl->groups[g].nind; d++)
			w->gaged[g] |= w->aged[w->pl->groups[g].ind[d]];
}

/* Which indicators have run tallies (see hg_run), and where: proportions, counts and
 * percentiles (person-level), and crude rates over the mid-period population; none when off
 * (HEALTHGAP_NO_TALLY=1: every addition cell by cell, to compare). */
static void tally_layout(hg_work *w, int on)
{
	const hg_program *pr = w->pr;
	w->tbase = hg_xcalloc((size_t)pr->ninds + 1, sizeof *w->tbase);
	w->ntally = 0;
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		int t = ind->type;
		int ok = !on ? 0
		         : ind->events == HG_EV_NONE
		             ? t == HG_IND_PROPORTION || t == HG_IND_COUNT || t == HG_IND_PERCENTILE
		             : t == HG_IND_RATE && ind->pop == HG_POP_MID;
		w->tbase[i] = ok ? w->ntally : SIZE_MAX;
		if (ok)
			w->ntally += (size_t)w->cells->ncat[i] * 2 * ((size_t)ind->nperiods + 1);
	}
}

void hg_cells_add(hg_cells *a, const hg_cells *b)
{
	/* the same program, or one compiled the same way for another shard of a sharded store
	   (the same dictionaries: store/shard.h), so the same cells */
	assert(a->pr->ninds == b->pr->ninds && a->nacc == b->nacc && a->nx == b->nx &&
	       !a->finished && !b->finished);
	for (size_t k = 0; k < a->nacc; k++)
		a->acc[k] += b->acc[k];
	for (size_t k = 0; k < a->nx; k++)
		a->x[k] += b->x[k];
	a->person_periods += b->person_periods;
}

/*
 * denominator: residents (docs/language.md "Resident populations"): the ONS estimate of
 * each LSOA of the area by sex and single year of age (90+ as 90), the same in every
 * period, placed by the LSOA's places, its sex and age, within the indicator's ages. It is
 * added here, once, to the summed cells, so no thread or MPI rank counts it twice.
 */
static void residents_den(hg_cells *c, int i)
{
	const hg_program *pr = c->pr;
	const hg_residents *r = pr->residents;
	const hg_indicator *ind = pr->inds[i].ind;
	assert(r);
	hg_work w = {.pr = pr, .cells = c};
	build_bdplans(&w);
	hg_pcat pc;
	memset(&pc, 0, sizeof pc);
	for (uint32_t l = 0; l < r->nlsoa; l++) {
		if (!r->in_area[l])
			continue;
		pcat_places(&pc, pr->store, HG_NONE32, l, 1);
		for (int s = 0; s < 2; s++) {
			pc.cat[HG_BD_SEX] = s; /* Male, Female (sex_labels) */
			for (int a = 0; a < HG_RES_AGES; a++) {
				uint32_t n = hg_residents_n(r, l, s, a);
				int in = a >= ind->age_lo &&
				         (a < HG_RES_AGES - 1 ? a <= ind->age_hi
				                              : ind->age_hi == HG_AGE_MAX);
				for (int j = 0; n && in && j < ind->nperiods; j++)
					acc_event_cell(&w, c->acc, &pc, i, j, a, NULL, HG_F_DEN, n);
			}
		}
	}
	free_bdplans(&w);
}

void hg_cells_finish(hg_cells *c)
{
	assert(!c->finished);
	const hg_program *pr = c->pr;
	for (int i = 0; i < pr->ninds; i++)
		if (pr->inds[i].ind->events != HG_EV_NONE &&
		    pr->inds[i].ind->pop == HG_POP_RESIDENTS)
			residents_den(c, i);
	for (int i = 0; i < pr->ninds; i++) {
		const hg_indicator *ind = pr->inds[i].ind;
		size_t ncell = (size_t)ind->nperiods * (size_t)c->ncat[i];
		double *cell = c->acc + c->base[i];
		int pt = ind->events != HG_EV_NONE && ind->pop == HG_POP_PERSON_TIME;
		for (size_t k = 0; k < ncell; k++, cell += c->width[i]) {
			if (pt)
				cell[HG_F_PT] /= 365.25;
			if (c->xbase[i] == SIZE_MAX)
				continue;
			const hg_i128 *x = c->x + c->xbase[i] + k * HG_X_PER_CELL;
			if (ind->type == HG_IND_MEAN) {
				cell[HG_F_SUM] = (double)x[0] / HG_X_SCALE;
				cell[HG_F_SUMSQ] = (double)x[1] / HG_X_SCALE;
			} else {
				cell[HG_F_NUM] = (double)x[0] / HG_X_SCALE;
			}
		}
	}
	c->finished = 1;
}

/* Sum the threads' accumulators into the cells; an error if a value was out of range. */
static int merge_threads(hg_work *w, hg_cells *out, hg_err *err)
{
	int bad = 0;
	out->acc = w->acc[0].d;
	out->x = w->acc[0].x;
	out->person_periods = w->pp[0];
	for (int t = 0; t < w->nthreads; t++) {
		bad = bad ? bad : w->acc[t].bad;
		if (t == 0)
			continue;
		for (size_t k = 0; k < out->nacc; k++)
			out->acc[k] += w->acc[t].d[k];
		for (size_t k = 0; k < out->nx; k++)
			out->x[k] += w->acc[t].x[k];
		out->person_periods += w->pp[t];
		free(w->acc[t].d);
		free(w->acc[t].x);
	}
	if (!bad)
		return 0;
	return hg_err_set(err, HG_EINPUT,
	                  "indicator %s: a value of magnitude 268,435,456 (2^28) or more; a "
	                  "mean's values and a count's numerators are summed exactly only below "
	                  "it (docs/language.md, How it runs): scale the value down",
	                  w->pr->inds[bad - 1].ind->id);
}

int hg_engine_pass(const hg_program *pr, int nthreads, uint64_t p0, uint64_t p1, hg_cells *out,
                   hg_err *err)
{
	memset(out, 0, sizeof *out);
	assert(p0 <= p1 && p1 <= pr->store->n_persons);
	if (nthreads <= 0)
		nthreads = hg_ncpu();
	struct timespec t0, t1, c0, c1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	hg_layout(out, pr);
	hg_plan pl;
	hg_plan_build(&pl, pr);
	hg_work w = {.pr = pr,
	             .pl = &pl,
	             .cells = out,
	             .nthreads = nthreads,
	             .p0 = p0,
	             .p1 = p1,
	             .chunk = 1024};
	build_bdplans(&w);
	tally_layout(&w, !getenv("HEALTHGAP_NO_TALLY"));
	w.acc = hg_xcalloc((size_t)nthreads, sizeof *w.acc);
	w.pp = hg_xcalloc((size_t)nthreads, sizeof *w.pp);
	for (int t = 0; t < nthreads; t++) {
		w.acc[t].d = hg_xcalloc(out->nacc + 1, sizeof(double));
		w.acc[t].x = hg_xcalloc(out->nx + 1, sizeof(hg_i128));
		w.acc[t].t = hg_xcalloc(w.ntally + 1, sizeof(int64_t));
	}
	vals_init(&w);
	hg_parallel_for(nthreads, (size_t)nthreads, worker, &w);
	int rc = merge_threads(&w, out, err);
	for (int i = 0; i < pr->ninds; i++)
		if (pr->inds[i].ind->type == HG_IND_PERCENTILE)
			percentile_cells(&w, i);
	vals_free(&w);
	free_bdplans(&w);
	free(w.tbase);
	free(w.acc);
	free(w.pp);
	hg_plan_free(&pl);
	if (rc) {
		hg_cells_free(out);
		return rc;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (getenv("HEALTHGAP_ENGINE_STATS")) {
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
		double cpu =
		    (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
		fprintf(stderr,
		        "engine: %d threads, persons %llu-%llu, %.3f s (cpu %.3f s), %llu "
		        "person-periods, %.2fM/s, accumulators %.2f MB, lanes %s\n",
		        nthreads, (unsigned long long)p0, (unsigned long long)p1, out->seconds, cpu,
		        (unsigned long long)out->person_periods,
		        (double)out->person_periods / out->seconds / 1e6,
		        ((double)out->nacc * sizeof(double) + (double)out->nx * sizeof(hg_i128)) /
		            1e6,
		        hg_vm_lanes());
	}
	return 0;
}

int hg_engine_run(const hg_program *pr, int nthreads, hg_cells *out, hg_err *err)
{
	int rc = hg_engine_pass(pr, nthreads, 0, pr->store->n_persons, out, err);
	if (rc == 0)
		hg_cells_finish(out);
	return rc;
}
