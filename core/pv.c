/*
 * pv.c -- paravirtualization: the monitor's half (see pv.h).  Until a
 * PARAVIRT=1 guest registers a shared page, nothing here applies and the
 * guest is treated as in --mode=trap.
 */
#include "core/pv.h"

#include "core/monitor.h"

bool pv_hypercall(struct vm *vm, const struct cpu_trap *t, uint64_t t0)
{
	(void)vm;
	(void)t;
	(void)t0;
	return false;
}

bool pv_masked(struct vm *vm)
{
	(void)vm;
	return false;
}
