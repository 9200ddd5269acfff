/*
 * vm.h: how the engine runs a compiled program (lang.h) fast.
 *
 * A plan (plan.c, built once per run, read-only while threads run) groups the
 * program's distinct periods into lane groups: periods needing the same
 * segments. A thread's machine (vm.c) evaluates one person for all periods
 * of a group at once: every register holds one double per lane (period), so
 * each instruction is dispatched once per person and group and runs a short
 * loop over the lanes. Code that depends only on the period (window bounds
 * such as `in last 12 months`) is hoisted out and run once per group.
 *
 * Event queries do not scan the person's events per period: before a
 * person's periods are evaluated, one pass over the person's events files
 * each event into the match classes it belongs to (a class is a distinct
 * code set + setting + pairing + per-event `where` that does not depend on
 * the period), keeping date and value in date order. A query then finds its
 * window in its class's short list for every lane by binary search.
 *
 * What does not depend on the person is not run per person either: instructions
 * that depend only on event classes the person has no events in keep the value
 * the plan computed for a person with no events (the event-free baseline,
 * hg_lgroup.bw), and a query whose bounds are period-only finds every lane's
 * window from two tables of days (hg_dtab) instead of searching.
 */
#ifndef HG_VM_H
#define HG_VM_H

#include "lang/program.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* A class of a code and setting as filing reads it (vm.c file_event): what else decides
   whether the class takes an event of the code in that setting, next to the class, so that
   one load gives it. */
typedef struct hg_cfile {
	uint32_t cls;       /* the class */
	int8_t where_value; /* its hg_mclass.where_value */
	uint8_t flags;      /* HG_CF_* */
} hg_cfile;
enum {
	HG_CF_MORE = 1, /* pairing or a `where` of its own to test too (class_takes) */
	HG_CF_VALS = 2, /* hg_mclass.vals */
	HG_CF_EVS = 4   /* hg_mclass.evs */
};

/* A match class: events selected independently of the period. */
typedef struct hg_mclass {
	const uint64_t *codes;  /* bitset over code ids */
	const uint64_t *paired; /* NULL or: needs a same-day event in this set */
	int paired_value;
	uint32_t settings; /* 0 = any */
	int where_seg;     /* -1, or a period-independent `where` run per event */
	uint16_t where_reg;
	/* planned (plan_classes), not part of the class's identity: */
	int8_t where_value; /* the `where` is `value is not missing` (1) or `is missing` (0),
	                       tested on the event's value without running where_seg; else -1 */
	uint8_t vals;       /* some query reads the events' values (else they are not filed) */
	uint8_t evs;        /* a period-dependent `where` reads the events (else not filed) */
} hg_mclass;

/*
 * A window bound's lanes as a table of days (plan.c plan_tables): for a period-only register
 * whose values never decrease over the lanes in table order, how many of them are below day t
 * (an upper bound's table) or at or below it (a lower bound's). An event on day t is then in
 * the windows of a run of lanes found by two lookups (vm.c window_lanes). The table order is
 * the due lanes (all = 0), or every lane with the hidden ones first (all = 1: their days come
 * before the due lanes' periods).
 */
typedef struct hg_dtab {
	int32_t base, len;    /* t[k] is for day base + k */
	uint8_t below, above; /* the count for days before base, and for base + len on */
	uint8_t all;          /* in the order of every lane, hidden first, else the due lanes */
	uint8_t *t;
} hg_dtab;

/* What the plan knows of a query, and the query's bounds and function again (a copy of its
   hg_query's), in one record that run_query reads with one load. */
typedef struct hg_qplan {
	int32_t cls;     /* its match class */
	int32_t where;   /* a period-dependent `where` segment, or -1 */
	uint16_t lo, hi; /* hg_query.lo, hi */
	int32_t agg;     /* hg_query.agg */
} hg_qplan;

/* A query in one lane group: its bounds' tables and whether they are period-only. */
typedef struct hg_qgroup {
	int32_t tl, th; /* its lower and upper bounds' tables (hg_dtab), or -1 -1 */
	uint8_t cnst;   /* bounds period-only and set in every lane, so with no events in its
	                   class its value is the same in every lane */
} hg_qgroup;

/*
 * Periods evaluated together as lanes. The first nd lanes are program periods,
 * counted by the indicators due; the other nl - nd are hidden: the one-day
 * periods of the days before a due transitions indicator's periods that no due
 * lane ends on, run only so that acc_trans (engine.c) finds the population and
 * segment as at those days in the group's registers (plan.c plan_hidden).
 */
typedef struct hg_lgroup {
	int nl;                 /* lanes run */
	int nd;                 /* lanes due (program periods) */
	int *period;            /* per due lane: program period */
	hg_date *pstart, *pend; /* per due lane: its period's first and last day */
	hg_date *hid;           /* per hidden lane (l - nd): its day */
	int *before;    /* per due lane: the lane whose period ends the day before its period
	                   starts (the first such; transitions), or -1 */
	const int *seg; /* segments to run, -1 terminated */
	int *ind;       /* indicators due in this group */
	int nind;
	int **ind_j;  /* per due indicator, per lane: index into its periods */
	int *ind_j0;  /* per due indicator: j0 when lane l is its period j0 + l, else -1 */
	int *eager;   /* parts run for every person, -1 terminated */
	hg_seg fused; /* the eager parts' code as one segment, guarded (plan.c) */
	int **lazy;   /* per due indicator: parts to run when a lane is in its
	                 denominator (plan parts, -1 terminated) */
	int32_t *end_y, *end_md, *mid_y, *mid_md; /* per lane: year and month*32+day */
	hg_date span_lo, span_hi; /* the due lanes' periods' first day and last day */
	int ascending;            /* the due lanes' periods' starts and ends both never decrease */
	double *inv;              /* register image after the hoisted code: nregs x nl */
	int32_t *ext; /* per register, 2 each: the lanes of its least and its greatest value
	                 when it is never missing and is a period-only value or an age on one
	                 (plan_extremes), else -1: comparisons with a uniform value, and
	                 registered and alive on such dates, are uniform when both lanes agree */
	/* The event-free baseline (plan.c plan_baseline): an instruction of the fused code
	   whose value depends only on some classes' lists (not on other person data) has, for
	   a person with no events in those classes, the value it has for a person with no
	   events at all, which the group's image (inv) holds. Only the instructions that
	   depend on the person, or on a class the person has events in, are run
	   (hg_vm_run_group). Instruction bitsets of bw words; bw = 0: the fused code is run
	   whole. */
	int bw;
	uint64_t *b_person; /* the instructions that depend on other person data */
	int32_t *b_cls;     /* per class: offset in b_bits of its instructions' bitset, or -1 */
	uint64_t *b_bits;   /* per such class: the instructions that depend on it (not the
	                       person), in the order of the classes */
	uint8_t *b_uni;     /* per fused instruction: its baseline is the same in every lane */
	hg_dtab *dtab;      /* the bounds' tables (nl < 256) */
	int ndtab;
	hg_qgroup *qg; /* per query */
} hg_lgroup;

typedef struct hg_plan {
	const hg_program *pr;
	int nclass;
	hg_mclass *cls;
	hg_qplan *q;        /* per query */
	uint32_t *code_row; /* per code id: where its row starts in code_off (0: an empty row) */
	uint32_t *code_off; /* per row, HG_SET_N + 1: each setting's range in code_cls (CSR) */
	hg_cfile *code_cls; /* classes of each code that take its events in each setting,
	                       with what filing tests */
	uint8_t *code_any;  /* per code id: 1 when some class has it (one byte read per event) */
	hg_seg *segs;       /* per segment: the code left after hoisting */
	/* parts: 2s is what segment s always runs (an indicator's denominator and
	   what it needs), 2s + 1 what it runs only for people in the denominator */
	hg_seg *parts;
	int ngroups;
	hg_lgroup *groups;
	int max_lanes;
	/* the code hg_vm_eval_at runs, unhoisted and guarded: per indicator with
	   pop_segs but transitions (empty for the others), per worklist */
	hg_seg *at_ind, *at_wl;
	uint8_t *tested; /* per register: read by an instruction (so its uniform state counts) */
	int baseline;    /* some group has an event-free baseline (hg_lgroup.bw) */
} hg_plan;

/*
 * Guards (plan.c, "skipping unneeded code"): an OP_SKIP before the code that
 * computes only one operand of an if/and/or skips that code when no lane needs
 * the operand, judged by the lanes of the condition (register a):
 */
enum hg_guard {
	HG_GUARD_ANY_TRUE,     /* `if a then b`: b is read where a = 1 */
	HG_GUARD_ANY_NOT_0,    /* `a and b`: b is read where a is not 0 */
	HG_GUARD_ANY_NOT_1,    /* `a or b`: b is read where a is not 1 */
	HG_GUARD_ANY_SET_NOT_1 /* `if a ... else c`: c is read where a is not missing and not 1 */
};

/* Does op read register a only (of a, b and c)? OP_CONST, OP_ATTR, OP_EVF and OP_QUERY read
   none, OP_IF all three, the others a and b. */
static inline int hg_op_unary(int op)
{
	switch (op) {
	case OP_MOV:
	case OP_NEG:
	case OP_ADDM:
	case OP_NOT:
	case OP_ISMISS:
	case OP_ABS:
	case OP_ROUND:
	case OP_FLOOR:
	case OP_AGEAT:
	case OP_REGAT:
	case OP_ALIVEAT:
	case OP_PLACEAT:
	case OP_UNIT: /* a: the date of U_OPEN_PATHWAYS (period start, unread, for the others) */
		return 1;
	default:
		return 0;
	}
}

/* Build the plan of a program (never fails: every program can be planned). */
void hg_plan_build(hg_plan *pl, const hg_program *pr);
void hg_plan_free(hg_plan *pl);

/* One class's events of the current person, in date order. */
typedef struct hg_mlist {
	int32_t *date;
	double *val;  /* hg_f32_decimal of the stored value */
	uint32_t *ev; /* event index relative to the person's first */
	uint32_t n;
} hg_mlist;

/*
 * Uniform registers. Most of a person's values are the same in every lane (no events of
 * a codelist, an age band held throughout, a constant), so the machine keeps such a value
 * in lane 0 only and an instruction whose inputs are all uniform computes lane 0 alone
 * (hg_vm_exec). Anything that reads other lanes asks hg_vm_lanes_of (hg_vm_reg from the
 * engine), which copies lane 0 to them first.
 */
enum hg_uniform {
	HG_U_NO,    /* lanes [0, nl) hold their own values */
	HG_U_LANE0, /* lane 0 holds every lane's value; the other lanes are stale */
	HG_U_ALL    /* every lane holds the same value */
};

typedef struct hg_vm {
	const hg_plan *pl;
	const hg_program *pr;
	const hg_store *st;
	double **rf; /* per group: register file, nregs x lanes, lane fastest */
	double *r;   /* the current group's register file */
	/* Uniform registers (enum hg_uniform), per register of the current file (u): uf per
	   group, uat for atf. */
	uint8_t **uf, *uat, *u;
	int nl;     /* lanes being run */
	int stride; /* lanes of the current register file */
	const hg_lgroup *g;
	int far;               /* with nl = stride, the lane to test first for uniformity: the
	                          latest due lane (hidden lanes, after it, are close to lane 0) */
	const int32_t *ext;    /* the current group's hg_lgroup.ext when it has 2 lanes or more */
	uint64_t person;       /* current person */
	uint64_t ev0;          /* the person's first event */
	uint64_t event;        /* current event, inside a `where` */
	int unit_kind;         /* enum hg_unit_kind of the current unit (0: none, fields missing) */
	uint64_t unit;         /* the current pathway or appointment (store index) */
	int32_t dob_y, dob_md; /* the person's birth date split, dob_y < 0 when none */
	int reg_hist;          /* the person has a registration history */
	hg_date reg_lo, reg_hi; /* without one: registered on these days (lo > hi: none) */
	hg_mlist *ml;           /* per class; each list has room for ml_cap events */
	uint32_t ml_cap;
	uint32_t *cand;   /* ml_cap: the person's events whose code some class has */
	uint64_t *ne;     /* with baselines (hg_plan.baseline): the classes whose list is not
	                     empty for the current person (bitset), marked as events are filed */
	uint64_t **dirty; /* per group with a baseline: instructions off their baseline (the
	                     ones run for the current person that depend on classes only) */
	uint32_t *run;    /* scratch: the fused instructions to run */
	uint64_t *live;   /* scratch: the instructions on classes with events (a bitset) */
	uint32_t *cnt;    /* scratch: 2 x (max_lanes + 1) counts for window_lanes */
	uint8_t *done;    /* per part: run for the current person and group */
	uint8_t **pass;   /* per query with a period-dependent where: scratch */
	size_t *pass_cap;
	double *atf; /* register file for hg_vm_eval_at: nregs x HG_AT_LANES */
} hg_vm;

/* Lanes of the register file used to evaluate code as at given dates. */
#define HG_AT_LANES 32

void hg_vm_init(hg_vm *vm, const hg_plan *pl);
void hg_vm_free(hg_vm *vm);
/* Start a person: split the birth date and file the events into match classes. */
void hg_vm_person(hg_vm *vm, uint64_t p);
/* Run group g's segments for the current person over all its lanes, except
   what only numerators need (hg_vm_run_lazy). */
void hg_vm_run_group(hg_vm *vm, int g);
/* Run what the numerator of the current group's due indicator d needs. */
void hg_vm_run_lazy(hg_vm *vm, int d);
/* What the lane loops ask of group g, worked out once when it becomes current (hg_vm.far,
   hg_vm.ext). */
static inline void hg_vm_group_facts(hg_vm *vm, const hg_lgroup *g)
{
	vm->far = g->nd > 0 ? g->nd - 1 : g->nl - 1;
	vm->ext = g->nl > 1 ? g->ext : NULL;
}

/* Lanes of register reg in the current register file, every one valid (a uniform value
   kept in lane 0 copied to the others first). */
static inline double *hg_vm_lanes_of(hg_vm *vm, int reg)
{
	double *d = vm->r + (size_t)reg * (size_t)vm->stride;
	if (vm->u[reg] == HG_U_LANE0) {
		for (int l = 1; l < vm->stride; l++)
			d[l] = d[0];
		vm->u[reg] = HG_U_ALL;
	}
	return d;
}

/* Register reg's value when it is the same in every lane (uniform), else NaN: the engine
   tests a uniform denominator or category without copying it to the lanes. */
static inline double hg_vm_uniform(const hg_vm *vm, int reg)
{
	return vm->u[reg] != HG_U_NO ? vm->r[(size_t)reg * (size_t)vm->stride] : NAN;
}

/* Is register reg the same in every lane (uniform, missing or not)? */
static inline int hg_vm_is_uniform(const hg_vm *vm, int reg)
{
	return vm->u[reg] != HG_U_NO;
}

/* Register reg's lane 0, valid whether or not the register is uniform (for a value the
   engine knows is the same in every lane). */
static inline const double *hg_vm_lane0(const hg_vm *vm, int reg)
{
	return vm->r + (size_t)reg * (size_t)vm->stride;
}

/* Lanes of register reg in the current group's register file (for the engine). */
static inline const double *hg_vm_reg(hg_vm *vm, int reg)
{
	return hg_vm_lanes_of(vm, reg);
}

/*
 * Evaluate the nregs registers regs, computed by code (the plan's at_ind or at_wl:
 * the segments' unhoisted code, guarded), for the current person as at
 * each of n dates: period start, end and middle are all the date. Register r's
 * value on date k goes to out[r * stride + k]. Used for an event rate's
 * population, and its segmentation breakdowns, on each counted event's date.
 * The group's registers are left as they were.
 */
void hg_vm_eval_at(hg_vm *vm, const hg_seg *code, const int *regs, int nregs, const hg_date *dates,
                   int n, double *out, size_t stride);

/* Run code over lanes [0, vm->nl) of the register file vm->r. */
void hg_vm_exec(hg_vm *vm, const hg_seg *sg);
/* The current person's age in whole years on date t (hg_age_years), -1 without a birth date. */
int hg_vm_age_on(const hg_vm *vm, hg_date t);
/* Which copy of the HG_CLONES lane loops this machine runs: "avx2" or "baseline"
   (the same test as the loader's choice; HEALTHGAP_ENGINE_STATS prints it). */
const char *hg_vm_lanes(void);

#endif
