/*
 * vm_exec.h: the lane machine's instruction loop (vm.c), included there twice: as
 * exec_dense, which runs code[0, n), and as exec_list, which runs code[run[k]] for k in
 * [0, n) (the instructions of a group's fused code that its event-free baseline leaves to
 * run: vm.h). Two copies, not one with a test per instruction: the dispatch is the machine's
 * hottest path. Before including, define HG_EXEC_NAME and HG_EXEC_LIST (0 or 1); both are
 * undefined at the end. A guard skips what follows it in the code up to its length, so in a
 * list the entries that fall there.
 */

static void HG_EXEC_NAME(hg_vm *vm, const hg_ins *const code, const uint32_t n, const uint32_t *run)
{
	/* locals: the byte stores into u could alias code and vm, forcing their reloads per
	   instruction (the handlers leave vm->r and the stride as they found them) */
	int nl = vm->nl;
	uint8_t *u = vm->u;
	double *const r = vm->r;
	const size_t stride = (size_t)vm->stride;
	/* threaded dispatch (labels as values, a GNU C extension like the others this file uses:
	   gcc and clang): each handler ends in its own indirect jump, which the processor
	   predicts from where it is in the code, where one shared jump was mispredicted often
	   (docs/performance.md, step 18) */
	static const void *const op_at[OP_N] = {
	    [OP_CONST] = &&op_const,
	    [OP_MOV] = &&op_mov,
	    [OP_ATTR] = &&op_attr,
	    [OP_EVF] = &&op_evf,
	    [OP_IF] = &&op_logic,
	    [OP_AGEAT] = &&op_ageat,
	    [OP_REGAT] = &&op_regat,
	    [OP_ALIVEAT] = &&op_regat,
	    [OP_PLACEAT] = &&op_placeat,
	    [OP_QUERY] = &&op_query,
	    [OP_UNIT] = &&op_unit,
	    [OP_SKIP] = &&op_skip,
	    [OP_ADD] = &&op_add,
	    [OP_SUB] = &&op_sub,
	    [OP_MUL] = &&op_mul,
	    [OP_DIV] = &&op_div,
	    [OP_NEG] = &&op_neg,
	    [OP_ADDM] = &&op_addm,
	    [OP_LT] = &&op_lt,
	    [OP_LE] = &&op_le,
	    [OP_GT] = &&op_gt,
	    [OP_GE] = &&op_ge,
	    [OP_EQ] = &&op_eq,
	    [OP_NE] = &&op_ne,
	    [OP_AND] = &&op_and,
	    [OP_OR] = &&op_or,
	    [OP_NOT] = &&op_not,
	    [OP_ISMISS] = &&op_ismiss,
	    [OP_COALESCE] = &&op_coalesce,
	    [OP_MIN] = &&op_min,
	    [OP_MAX] = &&op_max,
	    [OP_ABS] = &&op_abs,
	    [OP_ROUND] = &&op_round,
	    [OP_FLOOR] = &&op_floor,
	    [OP_YEARS] = &&op_years,
	    [OP_LOMAX] = &&op_lomax,
	    [OP_HIMIN] = &&op_himin,
	};
	uint32_t i = 0;
	const hg_ins *x;
	double *d;
	int ud;
#define NEXT                                                                                       \
	do {                                                                                       \
		if (++i >= n)                                                                      \
			return;                                                                    \
		x = &code[HG_EXEC_LIST ? run[i] : i];                                              \
		d = r + (size_t)x->d * stride;                                                     \
		assert(op_at[x->op]); /* a label for every operation */                            \
		goto *op_at[x->op];                                                                \
	} while (0)
#define DONE                                                                                       \
	do {                                                                                       \
		if (ud == HG_U_NO && x->op != OP_MOV && vm->pl->tested[x->d])                      \
			ud = written(vm, d, nl);                                                   \
		u[x->d] = (uint8_t)ud;                                                             \
		NEXT;                                                                              \
	} while (0)
	if (n == 0)
		return;
	x = &code[HG_EXEC_LIST ? run[0] : 0];
	d = r + (size_t)x->d * stride;
	assert(op_at[x->op]);
	goto *op_at[x->op];
op_const:
	d[0] = x->k;
	ud = HG_U_LANE0;
	DONE;
op_mov:
	if (x->d == x->a)
		NEXT;
	if (u[x->a]) {
		d[0] = LANES(vm, x->a)[0];
		ud = HG_U_LANE0;
	} else {
		memcpy(d, LANES(vm, x->a), sizeof *d * (size_t)nl);
		ud = HG_U_NO;
	}
	DONE;
op_attr:
	ud = run_attr(vm, x, d);
	DONE;
op_evf:
	ud = run_evf(vm, x, d);
	DONE;
op_ageat:
	ud = run_ageat(vm, x, d);
	DONE;
op_regat : {
	int one = u[x->a] != 0;
	double v;
	if (!one && regat_uniform(vm, x, nl, &v)) {
		d[0] = v;
		ud = HG_U_LANE0;
		DONE;
	}
	if (!one)
		lanes(vm, x->a);
	ud = x->op == OP_REGAT ? run_regat(vm, x, d, one ? 1 : nl)
	                       : run_aliveat(vm, x, d, one ? 1 : nl);
	if (one)
		ud = HG_U_LANE0;
	DONE;
}
op_placeat:
	ud = run_placeat(vm, x, d);
	DONE;
op_query:
	ud = run_query(vm, x->c, d);
	DONE;
op_unit:
	ud = run_unit(vm, x, d);
	DONE;
op_skip : {
	int one = u[x->a] != 0;
	if (!guard_needs(x->c, LANES(vm, x->a), one ? 1 : nl)) {
		if (HG_EXEC_LIST)
			for (uint32_t end = run[i] + (uint32_t)x->k;
			     i + 1 < n && run[i + 1] <= end;)
				i++;
		else
			i += (uint32_t)x->k;
	}
	NEXT;
}
op_logic: /* tested for uniformity inside */
	u[x->d] = (uint8_t)exec_uniform(vm, x, d, nl);
	NEXT;
	/* each operation of lane_op its own handler: with uniform inputs, lane 0 is the one
	   operation (no second dispatch on the operation), else exec_uniform */
#define LOGIC(OP, label)                                                                           \
	label:                                                                                     \
	if (u[x->a] && (hg_op_unary(OP) || u[x->b])) {                                             \
		d[0] = lane_op(OP, LANES(vm, x->a)[0], LANES(vm, x->b)[0], 0, x->k);               \
		u[x->d] = HG_U_LANE0;                                                              \
		NEXT;                                                                              \
	}                                                                                          \
	goto op_logic
	LOGIC(OP_ADD, op_add);
	LOGIC(OP_SUB, op_sub);
	LOGIC(OP_MUL, op_mul);
	LOGIC(OP_DIV, op_div);
	LOGIC(OP_NEG, op_neg);
	LOGIC(OP_ADDM, op_addm);
	LOGIC(OP_LT, op_lt);
	LOGIC(OP_LE, op_le);
	LOGIC(OP_GT, op_gt);
	LOGIC(OP_GE, op_ge);
	LOGIC(OP_EQ, op_eq);
	LOGIC(OP_NE, op_ne);
	LOGIC(OP_AND, op_and);
	LOGIC(OP_OR, op_or);
	LOGIC(OP_NOT, op_not);
	LOGIC(OP_ISMISS, op_ismiss);
	LOGIC(OP_COALESCE, op_coalesce);
	LOGIC(OP_MIN, op_min);
	LOGIC(OP_MAX, op_max);
	LOGIC(OP_ABS, op_abs);
	LOGIC(OP_ROUND, op_round);
	LOGIC(OP_FLOOR, op_floor);
	LOGIC(OP_YEARS, op_years);
	LOGIC(OP_LOMAX, op_lomax);
	LOGIC(OP_HIMIN, op_himin);
#undef LOGIC
#undef NEXT
#undef DONE
}

#undef HG_EXEC_NAME
#undef HG_EXEC_LIST
