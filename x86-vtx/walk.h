/*
 * walk.h -- the x86 page walker: guest virtual -> guest physical through
 * the guest's own page tables (from CR3), then guest physical -> host
 * virtual through KVM's memory slots.
 */
#ifndef X86_VTX_WALK_H
#define X86_VTX_WALK_H

#include <stdint.h>
#include <stdio.h>

#include "x86-vtx/vtx.h"

#define VTX_WALK_MAX_LEVELS 5

/* One step of a walk: the table entry read at each level. */
struct vtx_walk_step {
	int level;	    /* 5 = PML5, 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT */
	uint64_t table_gpa; /* the table's guest-physical base */
	unsigned index;	    /* which of its 512 entries */
	uint64_t entry;	    /* the 64-bit entry read */
};

struct vtx_walk {
	uint64_t va, cr3;
	int levels; /* 4 or 5 (CR4.LA57) */
	int nsteps;
	struct vtx_walk_step steps[VTX_WALK_MAX_LEVELS];
	int ok;		 /* 1: translated; 0: a non-present entry or a bad table */
	uint64_t gpa;	 /* the result, if ok */
	uint64_t page;	 /* size of the page that maps it: 4K, 2M or 1G */
	const char *why; /* if !ok */
};

/* Walk `va` from `cr3` in the VM's memory (pure: reads guest RAM only).
 * Returns 0 with `w` filled, even for a non-present entry (w->ok = 0). */
int vtx_walk_va(const struct vtx_vm *vm, uint64_t cr3, int la57, uint64_t va, struct vtx_walk *w);

/* Print the walk step by step, then GPA -> HVA via the slots. */
void vtx_walk_print(const struct vtx_vm *vm, const struct vtx_walk *w, FILE *f);

/* The walk as a Graphviz digraph (plain text; the viz module renders). */
void vtx_walk_dot(const struct vtx_walk *w, FILE *f);

/* Read the vCPU's CR3/CR4, walk `va`, print it to f, and draw it to each
 * non-NULL path of draw[]: the --dot, --svg and --png files, in that
 * order.  0; -1 after a message if KVM failed; -2 after a message if a
 * drawing could not be written (bad input: exit status 2). */
struct vtx_vm;
struct vtx_vcpu;
int vtx_walk(struct vtx_vm *vm, struct vtx_vcpu *c, uint64_t va, const char *const draw[3],
	     FILE *f);

#endif
