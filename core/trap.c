/*
 * trap.c -- what the monitor does with each trap.  This is the trap path
 * a student follows: the hart ran the guest deprivileged (U-mode) until
 * something needed the monitor; cpu_run returned with the cause; here the
 * monitor either
 *
 *   EMULATES  the instruction against the vCPU's software copy of the
 *             privileged state (CSR accesses, sret, wfi, sfence.vma),
 *   HYPERCALLS: treats an ecall from virtual S-mode as a call to the VMM
 *             (the SBI the firmware would answer on real hardware),
 *   FILLS     the shadow page table (a miss the guest must not see),
 *   EMULATES  a load or store the hardware could not do (a device, or a
 *             write to a write-protected guest page table), or
 *   REFLECTS  the trap into the guest, exactly as the hardware would have
 *             delivered it to a kernel running in S-mode.
 *
 * Dispatch is a table indexed by the hardware's cause.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bt.h"
#include "core/monitor.h"
#include "core/pv.h"

static const char *const mon_action_text[] = {
#define ACTION(id, text) [MON_##id] = text,
#include "core/actions.def"
#undef ACTION
};

/* The instruction word at the guest's pc, read through the shadow (it is
 * mapped: the hart was executing it).  0 if it cannot be read. */
static uint32_t mon_fetch(struct vm *vm)
{
	struct cpu *hw = &vm->mon->hw;
	uint64_t pa;
	uint32_t w = 0;
	uint8_t *p;
	if (!mmu_translate(hw, hw->pc, ACCESS_EXEC, &pa) && (p = mmu_ram_ptr(hw, pa, 4)))
		memcpy(&w, p, 4);
	return w;
}

void monitor_disasm(uint32_t w, uint32_t pc, char *buf, size_t len)
{
	insn_disasm(w, pc, buf, len);
	char *tab = strchr(buf, '\t');
	if (tab)
		*tab = ' ';
}

void monitor_note(struct vm *vm, enum mon_action action, const struct cpu_trap *t, const char *what,
		  uint64_t t0)
{
	struct monitor *mon = vm->mon;
	vm->stats.by_action[action]++;
	uint64_t ns = mon->timing ? monitor_now_ns(mon) - t0 : 0;
	vm->stats.ns_by_action[action] += ns;
	if (!mon->tracing)
		return;
	struct trace_event ev = { 0 };
	ev.icount = vm_csr(vm)->instret;
	ev.vm = vm->id;
	ev.cause = t->cause;
	if (vm->vt) /* under TVT: what made the VM exit */
		snprintf(ev.cause_name, sizeof(ev.cause_name), "vmexit %s",
			 tvt_exit_name(vm->vtx->vmcs.exit.reason));
	else
		snprintf(ev.cause_name, sizeof(ev.cause_name), "%s", cpu_cause_name(t->cause));
	ev.pc = t->pc;
	if (!(t->cause & CAUSE_INTERRUPT) && (!vm->vt || vm->trap_insn)) {
		ev.insn = vm->trap_insn;
		monitor_disasm(ev.insn, t->pc, ev.disasm, sizeof(ev.disasm));
	}
	snprintf(ev.vmode, sizeof(ev.vmode), "%s", vm->trap_mode == PRIV_S ? "S" : "U");
	snprintf(ev.action, sizeof(ev.action), "%s%s%s", mon_action_text[action],
		 what && *what ? " " : "", what ? what : "");
	ev.detail = t->tval;
	ev.cost_ns = ns;
	trace_emit(&mon->trace, &ev);
}

/* An instruction the monitor performed for the guest retires: it counts
 * in the guest's instret exactly as on the bare machine. */
static void mon_retire(struct vm *vm)
{
	vm->mon->hw.pc += 4;
	vm->vcpu.csr.instret++;
	vm->stats.emulated++;
}

static void mon_reflect_trap(struct vm *vm, const struct cpu_trap *t, uint32_t cause, uint32_t tval,
			     uint64_t t0)
{
	/* The guest's user mode made the trap, or the guest kernel did
	 * something its own hardware would trap on: either way the guest's
	 * handler gets it with the cause the hardware would have given. */
	monitor_reflect(vm, cause, tval);
	monitor_note(vm, MON_reflect, t, cpu_cause_name(cause), t0);
}

/* --- illegal instruction: the sensitive instructions --- */

static void mon_illegal(struct vm *vm, const struct cpu_trap *t, uint64_t t0)
{
	struct cpu *hw = &vm->mon->hw;
	struct csr_file *c = &vm->vcpu.csr;
	uint32_t w = t->tval; /* stval holds the instruction word */
	bool guest_kernel = c->priv == PRIV_S;
	char text[TRACE_TEXT];
	const char *how = "";

	/* A rewritten instruction of binary translation: what it stands for
	 * is the original word in the guest's own page. */
	/* LAB pushf step 3 BEGIN: a rewritten instruction traps */
	if (vm->mon->kind == MON_KIND_BT && guest_kernel && w == BT_MARKER) {
		uint32_t orig;
		if (!bt_original(vm, t->pc, &orig) && bt_sensitive(orig)) {
			w = orig;
			how = " (translated)";
			vm->stats.bt_traps++;
		}
	}
	/* LAB STUB */
	//| /* Not written yet: the marker is the guest's illegal instruction. */
	/* LAB END */
	enum insn_id id = insn_decode(w);

	switch (id) {
	case INSN_csrrw:
	case INSN_csrrs:
	case INSN_csrrc:
	case INSN_csrrwi:
	case INSN_csrrsi:
	case INSN_csrrci: {
		/* LAB trap-and-emulate step 1 BEGIN: emulate the CSR instruction */
		/* The same rules as the hardware (csr.c), on the software copy;
		 * in virtual U-mode they refuse S-mode CSRs, so the trap goes on
		 * to the guest kernel as its hardware would send it. */
		uint32_t src = csr_source(id, w, hw->x), old;
		if (csr_exec(c, id, w, src, &old))
			break;
		cpu_set_reg(hw, insn_rd(w), old);
		mon_retire(vm);
		text[0] = 0;
		if (vm->mon->tracing) { /* the words cost more than the emulation */
			monitor_disasm(w, t->pc, text, sizeof(text) - 16);
			strcat(text, how);
		}
		monitor_note(vm, MON_emulate_csr, t, text, t0);
		return;
		/* LAB STUB */
		//| /* Not written yet: the guest kernel gets an illegal-instruction
		//|  * trap, as if its hardware had no CSRs.  (text and how are for
		//|  * the trace line you will write.) */
		//| (void)text;
		//| (void)how;
		//| break;
		/* LAB END */
	}
	case INSN_sret:
		if (!guest_kernel)
			break;
		/* LAB trap-and-emulate step 3 BEGIN: emulate sret */
		csr_sret(c, &hw->pc);
		vm->vcpu.csr.instret++;
		vm->stats.emulated++;
		vm_switch_shadow(vm); /* maybe back to the user's view */
		monitor_note(vm, MON_emulate_sret, t, NULL, t0);
		return;
		/* LAB STUB */
		//| /* Not written yet: sret is reflected as an illegal instruction. */
		//| break;
		/* LAB END */
	case INSN_wfi:
		if (!guest_kernel)
			break;
		/* LAB interrupts step 2 BEGIN: emulate wfi */
		mon_retire(vm);
		if (!csr_wfi_wakes(c))
			vm->vcpu.wfi = true; /* the loop idles it (monitor.c) */
		monitor_note(vm, MON_emulate_wfi, t, NULL, t0);
		return;
		/* LAB STUB */
		//| /* Not written yet: wfi is an illegal instruction for the guest. */
		//| break;
		/* LAB END */
	case INSN_sfence_vma:
		if (!guest_kernel)
			break;
		/* The shadows are already right: every guest page-table write
		 * was seen and invalidated what it changed.  What remains is the
		 * hardware's own TLB, which may hold entries of the old shadow. */
		if (insn_rs1(w))
			mmu_flush_page(hw, hw->x[insn_rs1(w)]);
		else
			mmu_flush(hw);
		mon_retire(vm);
		monitor_note(vm, MON_emulate_sfence, t, NULL, t0);
		return;
	default: break;
	}
	mon_reflect_trap(vm, t, EXC_illegal, w, t0);
}

/* --- ecall: system call or hypercall --- */

const char *monitor_sbi_name(uint32_t eid)
{
	switch (eid) {
	case SBI_EXT_LEGACY_SET_TIMER: return "legacy set_timer";
	case SBI_EXT_LEGACY_PUTCHAR: return "legacy putchar";
	case SBI_EXT_LEGACY_GETCHAR: return "legacy getchar";
	case SBI_EXT_LEGACY_SHUTDOWN: return "legacy shutdown";
	case SBI_EXT_BASE: return "base";
	case SBI_EXT_TIME: return "TIME";
	case SBI_EXT_SRST: return "SRST";
	case SBI_EXT_DBCN: return "DBCN";
	default: return "unknown";
	}
}

static void mon_ecall(struct vm *vm, const struct cpu_trap *t, uint64_t t0)
{
	struct cpu *hw = &vm->mon->hw;
	if (vm->vcpu.csr.priv == PRIV_U) {
		mon_reflect_trap(vm, t, EXC_ecall_u, 0, t0); /* a system call */
		return;
	}
	/* A paravirtual guest's own hypercalls (core/pv.c). */
	if (vm->mon->kind == MON_KIND_PV && pv_hypercall(vm, t, t0))
		return;
	/* The guest kernel calls its "firmware": that is us. */
	uint32_t eid = hw->x[17];
	platform_sbi(&vm->plat, hw->x);
	if (!vm->halted)
		hw->pc += 4;
	monitor_note(vm, MON_hypercall, t, monitor_sbi_name(eid), t0);
}

/* --- loads and stores the hardware could not do --- */

/* A guest access through the current shadow's guest table (vm.c). */
static int mon_guest_rw(struct vm *vm, uint32_t va, unsigned size, bool write, uint32_t *val)
{
	const struct csr_file *c = &vm->vcpu.csr;
	uint32_t gsatp = vm->spt.cur ? vm->spt.cur->gsatp : 0;
	return vm_guest_rw(vm, gsatp, c->priv, c->sstatus, va, size, write, val);
}

/* Perform the faulting load/store/atomic at the guest's pc for it;
 * `f` is what the shadow code found (NULL: an access across two pages). */
static void mon_emulate_access(struct vm *vm, const struct cpu_trap *t, const struct spt_fault *f,
			       uint64_t t0)
{
	struct cpu *hw = &vm->mon->hw;
	uint32_t w = mon_fetch(vm);
	enum insn_id id = insn_decode(w);
	enum insn_kind kind = insn_table[id].kind;
	uint32_t va = hw->x[insn_rs1(w)], v;
	int sign, cause = 0;
	unsigned size = insn_mem_width(id, &sign);
	const struct bus_region *dev = f ? bus_find(&vm->plat.bus, f->gpa) : NULL;

	if (kind == INSN_KIND_LOAD) {
		va += (uint32_t)insn_imm_i(w);
		cause = mon_guest_rw(vm, va, size, false, &v);
		if (!cause) {
			if (sign)
				v = size == 1 ? (uint32_t)(int8_t)v : (uint32_t)(int16_t)v;
			cpu_set_reg(hw, insn_rd(w), v);
		}
	} else if (kind == INSN_KIND_STORE) {
		va += (uint32_t)insn_imm_s(w);
		v = hw->x[insn_rs2(w)];
		cause = mon_guest_rw(vm, va, size, true, &v);
	} else if (kind == INSN_KIND_ATOMIC && f && f->result != SPT_MMIO) {
		/* An AMO or sc.w on a protected page (or lr.w/AMO on a page run
		 * from a translated copy): read, compute, write, with the
		 * hart's reservation for sc.w. */
		uint32_t old, b = hw->x[insn_rs2(w)];
		cause = mon_guest_rw(vm, va, 4, false, &old);
		if (!cause && id == INSN_lr_w) {
			hw->resv_valid = true;
			hw->resv_pa = va;
			hw->resv_val = old;
			cpu_set_reg(hw, insn_rd(w), old);
		} else if (!cause && id == INSN_sc_w) {
			bool ok = hw->resv_valid && hw->resv_pa == va && hw->resv_val == old;
			hw->resv_valid = false;
			if (ok)
				cause = mon_guest_rw(vm, va, 4, true, &b);
			if (!cause)
				cpu_set_reg(hw, insn_rd(w), ok ? 0 : 1);
		} else if (!cause) {
			uint32_t new = insn_amo(id, old, b);
			cause = mon_guest_rw(vm, va, 4, true, &new);
			if (!cause)
				cpu_set_reg(hw, insn_rd(w), old);
		}
	} else {
		/* Atomics on a device: the bare machine faults too. */
		cause = id == INSN_lr_w ? EXC_load_access : EXC_store_access;
	}
	if (cause) {
		mon_reflect_trap(vm, t, (uint32_t)cause, va, t0);
		return;
	}
	mon_retire(vm);
	if (!f)
		monitor_note(vm, MON_emulate_split, t, NULL, t0);
	else if (f->result == SPT_MMIO)
		monitor_note(vm, MON_emulate_mmio, t, dev ? dev->name : "unmapped", t0);
	else if (f->result == SPT_BT_READ)
		monitor_note(vm, MON_emulate_bt_read, t, NULL, t0);
	else
		monitor_note(vm, MON_emulate_pt, t, NULL, t0);
}

/* --- page faults: shadow misses, guest faults, devices, page tables --- */

bool monitor_access_splits(uint32_t w, const uint32_t *x)
{
	enum insn_id id = insn_decode(w);
	enum insn_kind kind = insn_table[id].kind;
	int sign;
	uint32_t va = x[insn_rs1(w)];
	if (kind == INSN_KIND_LOAD)
		va += (uint32_t)insn_imm_i(w);
	else if (kind == INSN_KIND_STORE)
		va += (uint32_t)insn_imm_s(w);
	else
		return false; /* atomics must be aligned: they never split */
	return (va & 0xfff) + insn_mem_width(id, &sign) > SPT_PAGE;
}

static void mon_page_fault(struct vm *vm, const struct cpu_trap *t, uint64_t t0)
{
	enum mmu_access access = t->cause == EXC_insn_page_fault   ? ACCESS_EXEC
				 : t->cause == EXC_load_page_fault ? ACCESS_READ
								   : ACCESS_WRITE;
	/* A misaligned access across a page boundary: the hardware does it
	 * byte by byte, and its fault's stval is the access's first byte
	 * even when the page that is missing is the second one.  Filling
	 * stval's page would change nothing and the retry would fault
	 * again, forever; so the monitor performs the whole access itself,
	 * through the guest's tables, byte by byte as the hardware would. */
	if (access != ACCESS_EXEC && monitor_access_splits(mon_fetch(vm), vm->mon->hw.x)) {
		mon_emulate_access(vm, t, NULL, t0);
		return;
	}
	struct spt_fault f;
	spt_fault(&vm->spt, t->tval, access, vm->vcpu.csr.priv, vm->vcpu.csr.sstatus, &f);
	switch (f.result) {
	case SPT_FILLED:
		/* retry the insn; a page brought back from swap is the
		 * miss's third reason (--mem-limit) */
		monitor_note(vm, f.not_resident ? MON_swap_in : MON_shadow_fill, t, NULL, t0);
		return;
	case SPT_GUEST_FAULT: mon_reflect_trap(vm, t, f.cause, t->tval, t0); return;
	case SPT_MMIO:
	case SPT_PT_WRITE:
	case SPT_BT_READ: mon_emulate_access(vm, t, &f, t0); return;
	}
}

/* Everything else: the guest's own fault, for the guest's kernel. */
static void mon_reflect_same(struct vm *vm, const struct cpu_trap *t, uint64_t t0)
{
	mon_reflect_trap(vm, t, t->cause, t->tval, t0);
}

typedef void (*mon_handler)(struct vm *vm, const struct cpu_trap *t, uint64_t t0);

static const mon_handler mon_handlers[16] = {
	[EXC_insn_misaligned] = mon_reflect_same,
	[EXC_insn_access] = mon_reflect_same,
	[EXC_illegal] = mon_illegal,
	[EXC_breakpoint] = mon_reflect_same,
	[EXC_load_misaligned] = mon_reflect_same,
	[EXC_load_access] = mon_reflect_same,
	[EXC_store_misaligned] = mon_reflect_same,
	[EXC_store_access] = mon_reflect_same,
	[EXC_ecall_u] = mon_ecall, /* the hart is always in U-mode */
	[EXC_insn_page_fault] = mon_page_fault,
	[EXC_load_page_fault] = mon_page_fault,
	[EXC_store_page_fault] = mon_page_fault,
};

void monitor_trap(struct vm *vm, const struct cpu_trap *t)
{
	uint64_t t0 = vm->mon->timing ? monitor_now_ns(vm->mon) : 0;
	mon_handler h = t->cause < 16 ? mon_handlers[t->cause] : NULL;
	vm->stats.traps++;
	vm->stats.by_cause[t->cause & 15]++;
	vm->trap_mode = vm->vcpu.csr.priv;
	if (vm->mon->tracing) /* what was executing, before handling moves on */
		vm->trap_insn = t->cause == EXC_illegal ? t->tval : mon_fetch(vm);
	if (!h) {
		fprintf(stderr, "trapvisor: %s:%d: panic: hardware trap %#x in U-mode\n", __FILE__,
			__LINE__, t->cause);
		abort();
	}
	h(vm, t, t0);
}
