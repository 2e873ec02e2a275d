/*
 * pv.c -- paravirtualization: the monitor's half (see pv.h, and the
 * contract in isa-toy/guests/kernel/pv_abi.h).
 *
 * In --mode=pv the guest kernel still runs deprivileged, on shadow page
 * tables, exactly as in --mode=trap; what changes is the *guest*: a
 * kernel built PARAVIRT=1 knows it is virtualized and, instead of
 * executing a sensitive instruction and letting the monitor trap and
 * decode it, it asks for what it wants:
 *
 *   sstatus.SIE (mask interrupts)  ->  a word in the shared page: no trap
 *   a PTE write the shadow catches  ->  PV_FN_MMU_UPDATE, many per call
 *   csrw satp + sfence.vma          ->  PV_FN_SET_SATP
 *   sfence.vma va                   ->  an entry of PV_FN_MMU_UPDATE
 *   csrw stimecmp (x3)              ->  the SBI TIME call (not ours)
 *   6 CSR reads and writes at trap  ->  PV_FN_TRAP_ENTER
 *   entry, 5 + sret at trap return      and PV_FN_SRET
 *
 * Until a guest registers its shared page, nothing here applies, every
 * call but PV_FN_REGISTER is refused, and the guest is treated as in
 * --mode=trap.  Everything the guest hands us (addresses, lengths, list
 * entries) is checked against its RAM; a bad one is an SBI error for the
 * guest, never a crash of ours.
 */
#include "core/pv.h"

#include <string.h>

#include "core/monitor.h"
#include "isa-toy/board.h"
#include "isa-toy/guests/kernel/pv_abi.h"
#include "isa-toy/sbi.h"

/* The paravirtual state of `vm` (struct pv_vm, in struct vm); with
 * `create`, mark it in use (the REGISTER call).  NULL if not in use. */
static struct pv_vm *pv_of(struct vm *vm, bool create)
{
	if (create)
		vm->pv.registered = true;
	return vm->pv.registered ? &vm->pv : NULL;
}

/* Is [gpa, gpa+len) inside the VM's RAM?  Written so that nothing can
 * overflow: compare offsets from the base, never gpa + len. */
static bool pv_in_ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa < BOARD_RAM_BASE || len > vm->ram_size)
		return false;
	return gpa - BOARD_RAM_BASE <= vm->ram_size - len;
}

/* One word of the shared page: read or write.  0, or -1 if the page is
 * gone (it was checked at registration, so that is a monitor bug). */
static int pv_get(struct vm *vm, const struct pv_vm *p, uint32_t off, uint32_t *val)
{
	return vm_read_phys(vm, (uint64_t)p->shared + off, val, 4);
}

static int pv_put(struct vm *vm, const struct pv_vm *p, uint32_t off, uint32_t val)
{
	return vm_write_phys(vm, (uint64_t)p->shared + off, &val, 4);
}

/* --- the hypercalls: each returns an SBI error (0 = success) and may
 * set *value (a1) --- */

/* PV_FN_REGISTER(a0 = GPA): the shared page, page-aligned, in RAM.  From
 * now on sstatus.SIE stays 1 for this guest and PV_MASK does its job
 * (see pv_masked): the guest never touches SIE again. */
static int pv_register(struct vm *vm, struct pv_vm *p, uint32_t *value)
{
	uint32_t gpa = vm->mon->hw.x[10];
	if ((gpa & (PV_SHARED_SIZE - 1)) || !pv_in_ram(vm, gpa, PV_SHARED_SIZE))
		return SBI_ERR_INVALID_ADDRESS;
	p->shared = gpa;
	vm->vcpu.csr.sstatus |= SSTATUS_SIE;
	*value = PV_FN_COUNT; /* how many functions we know */
	return 0;
}

/* PV_FN_IRQ_UNMASKED: the guest cleared PV_MASK and found PV_PENDING set.
 * Nothing to do but clear the flag: returning to the guest goes through
 * monitor_inject, which now delivers what it held back. */
static int pv_irq_unmasked(struct vm *vm, struct pv_vm *p, uint32_t *value)
{
	(void)value;
	return pv_put(vm, p, PV_PENDING, 0) ? SBI_ERR_FAILED : 0;
}

/* PV_FN_MMU_UPDATE(a0 = GPA of the list, a1 = count): Xen's mmu_update.
 * One trap for a whole batch of PTE writes and TLB flushes, where the
 * strict kernel costs one trap per write to a shadowed table and one per
 * sfence.vma. */
static int pv_mmu_update(struct vm *vm, struct pv_vm *p, uint32_t *value)
{
	struct cpu *hw = &vm->mon->hw;
	uint32_t list = hw->x[10], count = hw->x[11];
	uint32_t e[PV_MMU_MAX][2];
	(void)p;

	*value = 0;
	if (count > PV_MMU_MAX)
		return SBI_ERR_INVALID_PARAM;
	/* count <= PV_MMU_MAX, so count * 8 cannot overflow. */
	if (!pv_in_ram(vm, list, (uint64_t)count * PV_MMU_ENTRY) ||
	    vm_read_phys(vm, list, e, count * PV_MMU_ENTRY))
		return SBI_ERR_INVALID_ADDRESS;
	for (uint32_t i = 0; i < count; i++, (*value)++) {
		uint32_t ptr = e[i][0] & ~(uint32_t)PV_MMU_CMD_MASK, val = e[i][1];
		switch (e[i][0] & PV_MMU_CMD_MASK) {
		case PV_MMU_PT_UPDATE:
			/* vm_write_phys tells the shadow code the guest's
			 * table changed: it drops what was derived from it. */
			if (!pv_in_ram(vm, ptr, 4) || vm_write_phys(vm, ptr, &val, 4))
				return SBI_ERR_INVALID_ADDRESS;
			break;
		case PV_MMU_FLUSH_VA: /* what the sfence.vma emulation does */
			mmu_flush_page(hw, val);
			break;
		case PV_MMU_FLUSH_ALL: mmu_flush(hw); break;
		default: return SBI_ERR_INVALID_PARAM;
		}
	}
	return 0;
}

/* PV_FN_SET_SATP(a0): csrw satp + sfence.vma in one call.  csr_write
 * runs the VM's hook (core/vm.c), which switches to the new shadow. */
static int pv_set_satp(struct vm *vm, struct pv_vm *p, uint32_t *value)
{
	(void)p;
	(void)value;
	if (csr_write(&vm->vcpu.csr, CSR_satp, vm->mon->hw.x[10]))
		return SBI_ERR_FAILED;
	mmu_flush(&vm->mon->hw);
	return 0;
}

/* PV_FN_TRAP_ENTER: the first thing the kernel's trap vector does once
 * the registers are saved.  The trap was reflected with the hardware's
 * rules (SIE cleared); here we hand the kernel everything it would have
 * read from the CSRs in one go, and swap the hardware's masking for the
 * paravirtual one: PV_MASK = 1, SIE back to 1. */
static int pv_trap_enter(struct vm *vm, struct pv_vm *p, uint32_t *value)
{
	struct csr_file *c = &vm->vcpu.csr;
	uint32_t e[PV_E_WORDS] = { c->sepc, c->scause, c->stval, c->sstatus, c->sscratch };
	(void)value;
	if (vm_write_phys(vm, (uint64_t)p->shared + PV_E_SEPC, e, sizeof(e)) ||
	    pv_put(vm, p, PV_MASK, 1))
		return SBI_ERR_FAILED;
	c->sscratch = 0; /* "the kernel is running" (trapvec.S) */
	c->sstatus |= SSTATUS_SIE;
	return 0;
}

/* PV_FN_SRET: sret, with what it needs taken from the shared page (like
 * Xen's iret hypercall, which pops a frame from the guest's stack).  The
 * guest's sp, a0, a6 and a7 come back from the page too: the hypercall
 * itself needed those registers.  On success this does not return to the
 * instruction after the ecall but to PV_R_SEPC. */
static int pv_sret(struct vm *vm, struct pv_vm *p, uint32_t *value)
{
	struct cpu *hw = &vm->mon->hw;
	struct csr_file *c = &vm->vcpu.csr;
	uint32_t r[PV_R_WORDS];
	(void)value;
	if (vm_read_phys(vm, (uint64_t)p->shared + PV_R_SEPC, r, sizeof(r)))
		return SBI_ERR_FAILED;
	uint32_t want = r[(PV_R_SSTATUS - PV_R_SEPC) / 4];
	/* SPIE says whether the returned-to code runs masked: that is now
	 * PV_MASK's job, so the real SPIE is always 1 (SIE stays on). */
	if (pv_put(vm, p, PV_MASK, (want & SSTATUS_SPIE) ? 0 : 1))
		return SBI_ERR_FAILED;
	c->sepc = r[(PV_R_SEPC - PV_R_SEPC) / 4] & ~3u; /* as csrw sepc would */
	c->sscratch = r[(PV_R_SSCRATCH - PV_R_SEPC) / 4];
	c->sstatus = (c->sstatus & ~SSTATUS_SPP) | (want & SSTATUS_SPP) | SSTATUS_SPIE;
	csr_sret(c, &hw->pc);
	hw->x[2] = r[(PV_R_SP - PV_R_SEPC) / 4];
	hw->x[10] = r[(PV_R_A0 - PV_R_SEPC) / 4];
	hw->x[16] = r[(PV_R_A6 - PV_R_SEPC) / 4];
	hw->x[17] = r[(PV_R_A7 - PV_R_SEPC) / 4];
	hw->resv_valid = false;
	vm_switch_shadow(vm); /* maybe back to the user's view */
	return 0;
}

/* The table of hypercalls, by function id.  `jumps`: on success the
 * call has set the pc and the registers itself (PV_FN_SRET). */
struct pv_call {
	const char *name; /* in --trace: "hypercall pv <name>" */
	int (*fn)(struct vm *vm, struct pv_vm *p, uint32_t *value);
	bool jumps;
};

static const struct pv_call pv_calls[PV_FN_COUNT] = {
	[PV_FN_REGISTER] = { "pv register", pv_register, false },
	[PV_FN_IRQ_UNMASKED] = { "pv irq_unmasked", pv_irq_unmasked, false },
	[PV_FN_MMU_UPDATE] = { "pv mmu_update", pv_mmu_update, false },
	[PV_FN_SET_SATP] = { "pv set_satp", pv_set_satp, false },
	[PV_FN_TRAP_ENTER] = { "pv trap_enter", pv_trap_enter, false },
	[PV_FN_SRET] = { "pv sret", pv_sret, true },
};

bool pv_hypercall(struct vm *vm, const struct cpu_trap *t, uint64_t t0)
{
	struct cpu *hw = &vm->mon->hw;
	if (hw->x[17] != PV_EID)
		return false; /* an ordinary SBI call */
	uint32_t fid = hw->x[16], value = 0;
	const struct pv_call *call = fid < PV_FN_COUNT ? &pv_calls[fid] : NULL;
	struct pv_vm *p = pv_of(vm, fid == PV_FN_REGISTER);
	int err;

	if (!call)
		err = SBI_ERR_NOT_SUPPORTED;
	else if (!p || (fid != PV_FN_REGISTER && !p->shared))
		err = PV_ERR_DENIED;
	else
		err = call->fn(vm, p, &value);
	if (err || !call->jumps) {
		hw->x[10] = (uint32_t)err;
		hw->x[11] = value;
		hw->pc += 4;
	}
	monitor_note(vm, MON_hypercall, t, call ? call->name : "pv unknown", t0);
	return true;
}

bool pv_masked(struct vm *vm)
{
	struct pv_vm *p = pv_of(vm, false);
	uint32_t mask, pending;
	/* LAB pushf step 4 BEGIN: the paravirtual interrupt mask */
	if (!p || !p->shared || pv_get(vm, p, PV_MASK, &mask))
		return false;
	if (!mask)
		return false;
	/* Held back: leave a note, so the guest's next unmask asks for it
	 * (PV_FN_IRQ_UNMASKED) instead of running on with it pending. */
	if (!pv_get(vm, p, PV_PENDING, &pending) && !pending)
		pv_put(vm, p, PV_PENDING, 1);
	return true;
	/* LAB STUB */
	//| /* Not written yet: never masked (interrupts hit critical sections).
	//|  * (pv_get and pv_put, above, read and write the shared page.) */
	//| (void)pv_get;
	//| (void)p;
	//| (void)mask;
	//| (void)pending;
	//| return false;
	/* LAB END */
}
