/*
 * vt.c -- the monitor on TVT: setting up a VM's VMCS, the run loop, and
 * the second-stage table.
 *
 * Compare with trap-and-emulate (monitor.c, trap.c).  There, the monitor
 * kept the guest's privileged state in software and ran every sensitive
 * instruction itself.  Here the *hardware* keeps it, in the VMCS's
 * guest-state area, and runs the guest kernel in a real S-mode of its
 * own; the monitor's loop is just "enter, handle the exit, enter again":
 *
 *      for (;;) {
 *              reason = tvt_run(hart, &vmcs);   -- VMRESUME / KVM_RUN
 *              vt_exit(vm, reason);             -- the few exits left
 *      }
 *
 * What still exits, by the controls set in vt_vm_init:
 *   always         ecall from the guest kernel (its firmware is us), wfi
 *                  (so an idle guest gives the hart back), and devices:
 *                  a guest-physical address that is not RAM;
 *   --paging=nested  the first touch of each guest page (the second-stage
 *                  table is filled lazily, as KVM fills EPT);
 *   --paging=shadow  every satp access and every page fault, because the
 *                  monitor must keep the shadow tables (shadowpt/).
 */
#include "core/vt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa-toy/board.h"

/* Second-stage entries: RWX, U=1 (every guest-physical access counts as
 * a user access there), A and D preset. */
#define VT_S2_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)

static uint32_t *vt_frame_words(struct vm *vm, uint32_t frame)
{
	return (uint32_t *)(void *)spt_frame_ptr(&vm->mon->frames, frame);
}

/* A zeroed machine frame for a second-stage table. */
static uint32_t vt_table_frame(struct vm *vm)
{
	uint32_t f = spt_frame_alloc(&vm->mon->frames);
	if (f != SPT_NO_FRAME)
		memset(vt_frame_words(vm, f), 0, SPT_PAGE);
	return f;
}

int vt_stage2_map(struct vm *vm, uint32_t gpa)
{
	struct vt_vm *t = vm->vtx;
	uint32_t gpage, rframe, leaf = VT_S2_LEAF;
	if (spt_p2r_page(&vm->p2r, gpa, &gpage)) {
		if (spt_p2r_touch(&vm->p2r, &vm->mon->frames, gpage))
			t->s2_not_resident++; /* "page not resident": swapped in */
		rframe = vm->p2r.frame[gpage];
	} else if (vm->spt.direct_gpa && (gpa >> 12) == (vm->spt.direct_gpa >> 12)) {
		/* An assigned device's page: its register frame, not
		 * executable.  Its accesses no longer exit. */
		rframe = vm->spt.direct_frame;
		leaf &= ~PTE_X;
	} else {
		return -1;
	}
	/* The leaf table for this 4 MiB of guest-physical space. */
	uint32_t vpn1 = gpa >> 22, vpn0 = (gpa >> 12) & 0x3ff;
	if (t->s2_leaf[vpn1] == SPT_NO_FRAME) {
		uint32_t f = vt_table_frame(vm);
		if (f == SPT_NO_FRAME) {
			/* The pool is sized for this (monitor_init): a broken
			 * invariant, not a guest's doing. */
			fprintf(stderr, "trapvisor: %s:%d: no frame for a second-stage table\n",
				__FILE__, __LINE__);
			abort();
		}
		t->s2_leaf[vpn1] = f;
		vt_frame_words(vm, t->s2_root)[vpn1] =
		    (spt_frame_ppn(&vm->mon->frames, f) << PTE_PPN_SHIFT) | PTE_V;
	}
	uint32_t rppn = spt_frame_ppn(&vm->mon->frames, rframe);
	vt_frame_words(vm, t->s2_leaf[vpn1])[vpn0] = (rppn << PTE_PPN_SHIFT) | leaf;
	t->s2_fills++;
	/* Adding a mapping needs no flush: no TLB holds a failed walk. */
	return 0;
}

void vt_stage2_unmap(struct vm *vm, uint32_t gpage)
{
	struct vt_vm *t = vm->vtx;
	uint32_t gpa = (uint32_t)vm->p2r.gpa_base + (gpage << 12);
	uint32_t vpn1 = gpa >> 22, vpn0 = (gpa >> 12) & 0x3ff;
	if (t->s2_leaf[vpn1] == SPT_NO_FRAME)
		return;
	vt_frame_words(vm, t->s2_leaf[vpn1])[vpn0] = 0;
	/* Removing one does: the hart may cache it under this VM's tag. */
	mmu_flush_tag(&vm->mon->hw, (unsigned)vm->id + 1);
}

int vt_vm_init(struct vm *vm)
{
	struct monitor *mon = vm->mon;
	struct vt_vm *t = calloc(1, sizeof(*t));
	if (!t) {
		fprintf(stderr, "trapvisor: out of memory\n");
		return -1;
	}
	if (vm->id + 1 > TVT_VPID_MAX) {
		fprintf(stderr, "trapvisor: --mode=vt runs at most %d VMs (one TLB tag each)\n",
			TVT_VPID_MAX);
		free(t);
		return -1;
	}
	vm->vtx = t;
	struct tvt_vmcs *v = &t->vmcs;

	/* The guest state: the vCPU as vm_create reset it. */
	memcpy(v->guest.x, vm->vcpu.x, sizeof(v->guest.x));
	v->guest.pc = vm->vcpu.pc;
	v->guest.csr = vm->vcpu.csr;
	v->guest.csr.changed = NULL; /* the hardware owns it now */
	v->guest.csr.ctx = NULL;

	/* Controls common to both pagings. */
	v->ctl.vpid = (unsigned)vm->id + 1;
	v->ctl.insn = TVT_CTL_WFI_EXIT;
	for (int j = 0; j < 1024; j++)
		t->s2_leaf[j] = SPT_NO_FRAME;
	t->s2_root = SPT_NO_FRAME;

	if (mon->paging == MON_PAGING_NESTED) {
		t->s2_root = vt_table_frame(vm);
		if (t->s2_root == SPT_NO_FRAME) {
			fprintf(stderr, "trapvisor: no machine memory for a second-stage table\n");
			return -1;
		}
		v->ctl.stage2 = true;
		v->ctl.s2_root = spt_frame_ppn(&mon->frames, t->s2_root) << 12;
	} else {
		/* Shadow paging: the hardware walks the monitor's shadow, so the
		 * guest must not see or set the real satp (CR3 exiting), and
		 * every page fault may be the shadow's, not the guest's. */
		tvt_csr_exit(&v->ctl, CSR_satp, true, true);
		v->ctl.exc_exit = (1u << EXC_insn_page_fault) | (1u << EXC_load_page_fault) |
				  (1u << EXC_store_page_fault);
		t->gsatp = v->guest.csr.satp;
		spt_use_tvt(&vm->spt, &v->guest.csr.satp, v->ctl.vpid);
		spt_switch(&vm->spt, t->gsatp, SPT_VIEW_NATIVE);
	}
	vm->vt = true;
	return 0;
}

void vt_vm_destroy(struct vm *vm)
{
	struct vt_vm *t = vm->vtx;
	if (!t)
		return;
	for (int j = 0; j < 1024; j++)
		if (t->s2_leaf[j] != SPT_NO_FRAME)
			spt_frame_free(&vm->mon->frames, t->s2_leaf[j]);
	if (t->s2_root != SPT_NO_FRAME)
		spt_frame_free(&vm->mon->frames, t->s2_root);
	free(t);
	vm->vtx = NULL;
}

enum mon_slice_end vt_slice(struct monitor *mon, struct vm *vm, uint64_t slice)
{
	struct tvt_vmcs *v = &vm->vtx->vmcs;
	struct csr_file *c = &v->guest.csr;
	uint64_t end = monitor_vm_progress(vm) + slice;
	if (vm->resume.slice_end) /* resumed mid-slice, as monitor_slice */
		end = vm->resume.slice_end;
	vm->resume.slice_end = 0;
	vm->resume.mid_run = false;

	while (!vm->halted) {
		if (vm->vcpu.wfi) {
			/* After a wfi exit: the same idle rule as the hart's. */
			if (csr_wfi_wakes(c))
				vm->vcpu.wfi = false;
			else if (!csr_idle_to_timer(c))
				return MON_SLICE_BLOCKED;
			else if (mon->nvm > 1)
				return MON_SLICE_DONE; /* as monitor_slice: let the others run */
			continue;
		}
		if (monitor_vm_progress(vm) >= end)
			return MON_SLICE_DONE;
		/* The budget is the preemption timer: the hart itself stops at
		 * the guest's timer deadlines (its stimecmp is on the hart). */
		v->ctl.budget = end - monitor_vm_progress(vm);
		/* --suspend-at: stop there (monitor_stop_point). */
		if (monitor_stop_point(mon, vm, end, &v->ctl.budget))
			return MON_SLICE_STOPPED;
		uint64_t before = c->instret;
		enum tvt_exit_reason r = tvt_run(&mon->hw, v);
		vm->stats.direct += c->instret - before;
		vt_exit(vm, r);
		if (r != TVT_EXIT_preempt)
			monitor_worked(vm);
		if (platform_signal_pending())
			return MON_SLICE_DONE; /* monitor_run acts on it */
	}
	return MON_SLICE_HALTED;
}
