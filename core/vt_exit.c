/*
 * vt_exit.c -- what the monitor does with each VM exit under TVT.  The
 * counterpart of trap.c, and much shorter: the hardware already handled
 * every CSR access, sret, the guest's own traps and its interrupts.
 * What is left, by exit reason:
 *
 *   ecall          the guest kernel's firmware call (SBI): answer it;
 *   wfi            the guest idles: let its time run (monitor loop);
 *   stage2-fault   a guest page the second-stage table does not map yet:
 *                  map it; or a device: emulate the load or store;
 *   csr-access     (shadow paging) satp: the guest's value is ours to
 *                  keep, the hardware's is the shadow's root;
 *   exception      (shadow paging) a page fault: fill the shadow, emulate
 *                  a write to a protected page table or a device, or hand
 *                  the fault to the guest by injecting it on the next
 *                  entry -- the guest's handler runs as if the hardware
 *                  had delivered it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/vt.h"

static struct tvt_vmcs *vt_vmcs(struct vm *vm)
{
	return &vm->vtx->vmcs;
}

static void vt_note(struct vm *vm, enum mon_action action, const char *what, uint64_t t0)
{
	const struct tvt_exit_info *e = &vt_vmcs(vm)->exit;
	struct cpu_trap t = { e->reason == TVT_EXIT_exception ? e->qual : 0, e->gva, e->pc };
	monitor_note(vm, action, &t, what, t0);
}

/* An instruction the monitor performed retires, as on the bare machine. */
static void vt_retire(struct vm *vm)
{
	struct tvt_vmcs *v = vt_vmcs(vm);
	v->guest.pc += 4;
	v->guest.csr.instret++;
	vm->stats.emulated++;
}

static void vt_set_reg(struct vm *vm, unsigned rd, uint32_t val)
{
	if (rd != 0 && rd < 32)
		vt_vmcs(vm)->guest.x[rd] = val;
}

/* Hand the guest a trap: delivered by the hardware on the next entry. */
static void vt_inject(struct vm *vm, uint32_t cause, uint32_t tval, uint64_t t0)
{
	vt_vmcs(vm)->inject = (struct tvt_event){ true, cause, tval };
	vt_note(vm, MON_reflect, cpu_cause_name(cause), t0);
}

/* --- loads and stores the hardware could not do --- */

/* A guest access through the guest's own page tables (vm.c): the satp
 * it believes in, which under shadow paging is not the hardware's. */
static int vt_guest_rw(struct vm *vm, uint32_t va, unsigned size, bool write, uint32_t *val)
{
	const struct csr_file *c = &vt_vmcs(vm)->guest.csr;
	uint32_t gsatp = vm->mon->paging == MON_PAGING_SHADOW ? vm->vtx->gsatp : c->satp;
	return vm_guest_rw(vm, gsatp, c->priv, c->sstatus, va, size, write, val);
}

/* Perform the load, store or atomic that exited, for the guest. */
static void vt_emulate_access(struct vm *vm, enum mon_action action, const char *what, uint64_t t0)
{
	struct tvt_vmcs *v = vt_vmcs(vm);
	uint32_t w = v->exit.insn; /* the hardware's decode assist */
	enum insn_id id = insn_decode(w);
	enum insn_kind kind = insn_table[id].kind;
	uint32_t va = v->guest.x[insn_rs1(w)], val;
	int sign, cause;
	unsigned size = insn_mem_width(id, &sign);

	if (kind == INSN_KIND_LOAD) {
		/* LAB tvt step 3 BEGIN: a load, decoded by the hardware */
		va += (uint32_t)insn_imm_i(w);
		cause = vt_guest_rw(vm, va, size, false, &val);
		if (!cause) {
			if (sign)
				val = size == 1 ? (uint32_t)(int8_t)val : (uint32_t)(int16_t)val;
			vt_set_reg(vm, insn_rd(w), val);
		}
		/* LAB STUB */
		//| /* Not written yet: the guest gets an access fault. */
		//| (void)size;
		//| (void)val;
		//| cause = EXC_load_access;
		/* LAB END */
	} else if (kind == INSN_KIND_STORE) {
		/* LAB tvt step 3 BEGIN: a store */
		va += (uint32_t)insn_imm_s(w);
		val = v->guest.x[insn_rs2(w)];
		cause = vt_guest_rw(vm, va, size, true, &val);
		/* LAB STUB */
		//| cause = EXC_store_access;
		/* LAB END */
	} else if (kind == INSN_KIND_ATOMIC && action == MON_emulate_pt) {
		/* An AMO or sc.w on a protected page table (shadow paging). */
		uint32_t old, b = v->guest.x[insn_rs2(w)];
		cause = vt_guest_rw(vm, va, 4, false, &old);
		if (!cause && id == INSN_sc_w) {
			bool ok = v->guest.resv_valid && v->guest.resv_pa == va &&
				  v->guest.resv_val == old;
			v->guest.resv_valid = false;
			if (ok)
				cause = vt_guest_rw(vm, va, 4, true, &b);
			if (!cause)
				vt_set_reg(vm, insn_rd(w), ok ? 0 : 1);
		} else if (!cause && id != INSN_lr_w) {
			uint32_t new = insn_amo(id, old, b);
			cause = vt_guest_rw(vm, va, 4, true, &new);
			if (!cause)
				vt_set_reg(vm, insn_rd(w), old);
		}
	} else {
		/* Atomics on a device: the bare machine faults too. */
		cause = id == INSN_lr_w ? EXC_load_access : EXC_store_access;
	}
	if (cause) {
		vt_inject(vm, (uint32_t)cause, va, t0);
		return;
	}
	vt_retire(vm);
	vt_note(vm, action, what, t0);
}

/* A guest-physical address that is not RAM: a device, or nothing. */
static void vt_not_ram(struct vm *vm, uint32_t gpa, enum mmu_access access, uint64_t t0)
{
	const struct bus_region *dev = bus_find(&vm->plat.bus, gpa);
	if (access == ACCESS_EXEC) {
		/* No executing from devices (or from nowhere). */
		vt_inject(vm, EXC_insn_access, vt_vmcs(vm)->exit.gva, t0);
		return;
	}
	vt_emulate_access(vm, MON_emulate_mmio, dev ? dev->name : "unmapped", t0);
}

/* --- the handlers, one per exit reason --- */

static void vt_on_preempt(struct vm *vm, uint64_t t0)
{
	(void)vm; /* the slice's budget is used up: monitor_run decides */
	(void)t0;
}

static void vt_on_ecall(struct vm *vm, uint64_t t0)
{
	struct tvt_vmcs *v = vt_vmcs(vm);
	/* LAB tvt step 1 BEGIN: the guest kernel calls its firmware */
	uint32_t eid = v->guest.x[17];
	platform_sbi(&vm->plat, v->guest.x);
	if (!vm->halted)
		v->guest.pc += 4;
	vt_note(vm, MON_hypercall, monitor_sbi_name(eid), t0);
	/* LAB STUB */
	//| /* Not written yet: the VM stops (entering it again would only
	//|  * exit again on the same ecall). */
	//| fprintf(stderr, "trapvisor: vm%d: ecall a7=%#x at %#x: write vt_on_ecall\n", vm->id,
	//| 	v->guest.x[17], v->guest.pc);
	//| (void)t0;
	//| vm->halted = true;
	//| vm->exit_code = 1;
	/* LAB END */
}

static void vt_on_wfi(struct vm *vm, uint64_t t0)
{
	vt_retire(vm);
	if (!csr_wfi_wakes(&vt_vmcs(vm)->guest.csr))
		vm->vcpu.wfi = true; /* vt_slice idles it */
	vt_note(vm, MON_emulate_wfi, NULL, t0);
}

static void vt_on_npf(struct vm *vm, uint64_t t0)
{
	const struct tvt_exit_info *e = &vt_vmcs(vm)->exit;
	enum mmu_access access = (enum mmu_access)(e->qual & 0xff);
	/* LAB tvt step 2 BEGIN: lazy second-stage fill */
	uint64_t swapped = vm->vtx->s2_not_resident;
	if (!vt_stage2_map(vm, e->gpa)) {
		/* retry: it is there now (brought back from swap, if the
		 * count moved: --mem-limit) */
		vt_note(vm, vm->vtx->s2_not_resident != swapped ? MON_swap_in : MON_stage2_fill,
			NULL, t0);
		return;
	}
	/* LAB STUB */
	//| /* Not written yet: guest RAM is never mapped, so every access to
	//|  * it looks like a device's. */
	/* LAB END */
	if (e->qual & TVT_NPF_WALK) {
		/* The guest's page table is not in RAM: its walk faults. */
		vt_inject(vm, sv32_access_fault(access), e->gva, t0);
		return;
	}
	vt_not_ram(vm, e->gpa, access, t0);
}

/* --paging=shadow: the guest reads or writes satp. */
static void vt_on_csr(struct vm *vm, uint64_t t0)
{
	struct tvt_vmcs *v = vt_vmcs(vm);
	struct csr_file *c = &v->guest.csr;
	uint32_t w = v->exit.insn, old;
	/* LAB tvt step 4 BEGIN: a satp access exits (shadow paging) */
	enum insn_id id = insn_decode(w);
	bool satp = (w >> 20) == CSR_satp;
	/* The guest's satp in place of the shadow's for the instruction. */
	uint32_t real = c->satp;
	if (satp)
		c->satp = vm->vtx->gsatp;
	int bad = csr_exec(c, id, w, csr_source(id, w, v->guest.x), &old);
	uint32_t now = c->satp;
	c->satp = real;
	if (bad) {
		vt_inject(vm, EXC_illegal, w, t0);
		return;
	}
	vt_set_reg(vm, insn_rd(w), old);
	if (satp && now != vm->vtx->gsatp) {
		vm->vtx->gsatp = now;
		spt_switch(&vm->spt, now, SPT_VIEW_NATIVE); /* loads c->satp */
	}
	vt_retire(vm);
	char text[TRACE_TEXT] = "";
	if (vm->mon->tracing) /* the words cost more than the emulation */
		monitor_disasm(w, v->exit.pc, text, sizeof(text));
	vt_note(vm, MON_emulate_csr, text, t0);
	/* LAB STUB */
	//| /* Not written yet: the guest's satp access is its illegal
	//|  * instruction.  (old is for you.) */
	//| (void)c;
	//| (void)old;
	//| vt_inject(vm, EXC_illegal, w, t0);
	/* LAB END */
}

/* --paging=shadow: a page fault, which may be the shadow's or the guest's. */
static void vt_on_exception(struct vm *vm, uint64_t t0)
{
	struct tvt_vmcs *v = vt_vmcs(vm);
	const struct tvt_exit_info *e = &v->exit;
	uint32_t cause = e->qual;
	enum mmu_access access = cause == EXC_insn_page_fault	? ACCESS_EXEC
				 : cause == EXC_load_page_fault ? ACCESS_READ
								: ACCESS_WRITE;
	if (cause != EXC_insn_page_fault && cause != EXC_load_page_fault &&
	    cause != EXC_store_page_fault) {
		vt_inject(vm, cause, e->gva, t0); /* not ours to handle */
		return;
	}
	/* A misaligned access across two pages: performed by the monitor,
	 * for the reason given in trap.c (mon_page_fault). */
	if (access != ACCESS_EXEC && monitor_access_splits(e->insn, v->guest.x)) {
		vt_emulate_access(vm, MON_emulate_split, NULL, t0);
		return;
	}
	struct spt_fault f;
	spt_fault(&vm->spt, e->gva, access, v->guest.csr.priv, v->guest.csr.sstatus, &f);
	switch (f.result) {
	case SPT_FILLED:
		vt_note(vm, f.not_resident ? MON_swap_in : MON_shadow_fill, NULL, t0);
		return;
	case SPT_GUEST_FAULT: vt_inject(vm, f.cause, e->gva, t0); return;
	case SPT_MMIO: vt_not_ram(vm, (uint32_t)f.gpa, access, t0); return;
	case SPT_PT_WRITE: vt_emulate_access(vm, MON_emulate_pt, NULL, t0); return;
	case SPT_BT_READ: break; /* no binary translation under TVT */
	}
	fprintf(stderr, "trapvisor: %s:%d: panic: unexpected shadow result %d\n", __FILE__,
		__LINE__, (int)f.result);
	abort();
}

static void vt_on_bug(struct vm *vm, uint64_t t0)
{
	(void)t0;
	/* Controls the monitor never sets, or a VMCS it built wrong: its own
	 * bug, not the guest's. */
	const struct tvt_exit_info *e = &vt_vmcs(vm)->exit;
	fprintf(stderr, "trapvisor: %s:%d: panic: unexpected VM exit %s (qualification %#x)\n",
		__FILE__, __LINE__, tvt_exit_name(e->reason), e->qual);
	abort();
}

typedef void (*vt_handler)(struct vm *vm, uint64_t t0);

static const vt_handler vt_handlers[TVT_EXIT_COUNT] = {
	[TVT_EXIT_none] = vt_on_bug,
	[TVT_EXIT_preempt] = vt_on_preempt,
	[TVT_EXIT_exception] = vt_on_exception,
	[TVT_EXIT_interrupt] = vt_on_bug,
	[TVT_EXIT_csr] = vt_on_csr,
	[TVT_EXIT_ecall] = vt_on_ecall,
	[TVT_EXIT_wfi] = vt_on_wfi,
	[TVT_EXIT_sfence] = vt_on_bug,
	[TVT_EXIT_npf] = vt_on_npf,
	[TVT_EXIT_idle] = vt_on_bug,
	[TVT_EXIT_entry_fail] = vt_on_bug,
};

void vt_exit(struct vm *vm, enum tvt_exit_reason reason)
{
	uint64_t t0 = vm->mon->timing ? monitor_now_ns(vm->mon) : 0;
	const struct tvt_exit_info *e = &vt_vmcs(vm)->exit;
	if (reason != TVT_EXIT_preempt) {
		vm->stats.traps++; /* a world switch, counted as the monitor's work */
		vm->trap_mode = vt_vmcs(vm)->guest.csr.priv;
		vm->trap_insn = e->insn;
	}
	vt_handlers[reason](vm, t0);
}
