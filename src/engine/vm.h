/*
 * vm.h: one thread's register machine for running compiled segments
 * (lang.h) against one person of a store at a time.
 */
#ifndef HG_VM_H
#define HG_VM_H

#include "lang/lang.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct hg_vm {
	const hg_program *pr;
	const hg_store *st;
	double *r;       /* registers */
	uint64_t person; /* current person */
	uint64_t event;  /* current event, inside a `where` */
} hg_vm;

void hg_vm_init(hg_vm *vm, const hg_program *pr);
void hg_vm_free(hg_vm *vm);
/* Set the period registers (start, end, mid-period). */
void hg_vm_set_period(hg_vm *vm, hg_period p);
void hg_vm_run_seg(hg_vm *vm, int seg);

#endif
