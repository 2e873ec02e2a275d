/*
 * pv.h -- the monitor's side of paravirtualization (--mode=pv): the
 * hypercalls of a guest kernel built PARAVIRT=1, and the page it shares
 * with the monitor.  The lecture: "present a new, simpler interface but
 * require OS modifications ... issue explicit hypercalls into the VMM".
 */
#ifndef CORE_PV_H
#define CORE_PV_H

#include <stdbool.h>

#include "isa-toy/cpu.h"

struct vm;

/* An ecall from the guest kernel in --mode=pv: if it is one of ours (the
 * PV extension's EID in a7), perform it and return true; otherwise false
 * (the SBI answers it). */
bool pv_hypercall(struct vm *vm, const struct cpu_trap *t, uint64_t t0);

/* Does the guest's shared page say its interrupts are masked?  (The
 * paravirtual replacement for sstatus.SIE: a flag in memory, no trap.) */
bool pv_masked(struct vm *vm);

#endif
