/*
 * tvt.c -- TVT's entry and exit (VMLAUNCH/VMRESUME and the VM exit), and
 * the checks the hart makes in non-root operation to decide whether an
 * event exits.  The two-stage MMU is in tvt_mmu.c.
 *
 * An entry, step by step (what tvt_run does):
 *   1. check the guest state and controls; a bad VMCS fails the entry
 *      before anything runs (entry_fail);
 *   2. save the hart's root state in the VMCS's host-state area;
 *   3. load the guest-state area onto the hart: registers, pc, CSRs;
 *   4. switch the TLB to the guest's tag (its VPID) -- nothing flushed;
 *   5. deliver the event to inject, if any, as the guest's hardware would;
 *   6. run, in non-root operation, until something exits.
 * An exit is the same backwards: guest state into the VMCS, host state
 * back, root's TLB tag, and the reason returned to the monitor.
 */
#include "isa-toy/tvt.h"

#include <string.h>

const char *tvt_exit_name(enum tvt_exit_reason r)
{
	static const char *const names[] = {
#define EXIT(id, name, doc) [TVT_EXIT_##id] = name,
#include "isa-toy/tvt_exits.def"
#undef EXIT
	};
	return (unsigned)r < TVT_EXIT_COUNT ? names[r] : "?";
}

void tvt_csr_exit(struct tvt_controls *ctl, unsigned csr, bool read, bool write)
{
	uint8_t bit = (uint8_t)(1u << (csr & 7));
	csr &= 0xfff;
	ctl->csr_read_exit[csr / 8] = (uint8_t)(read ? ctl->csr_read_exit[csr / 8] | bit
						     : ctl->csr_read_exit[csr / 8] & ~bit);
	ctl->csr_write_exit[csr / 8] = (uint8_t)(write ? ctl->csr_write_exit[csr / 8] | bit
						       : ctl->csr_write_exit[csr / 8] & ~bit);
}

void tvt_flush(struct cpu *cpu, const struct tvt_vmcs *vmcs)
{
	mmu_flush_tag(cpu, vmcs->ctl.vpid);
}

void tvt_flush_page(struct cpu *cpu, const struct tvt_vmcs *vmcs, uint32_t gva)
{
	mmu_flush_page_tag(cpu, vmcs->ctl.vpid, gva);
}

/* The word of the instruction at the hart's pc, through the execute TLB
 * (it is there: the hart is executing it).  The "decode assist" of AMD-V:
 * the monitor gets the instruction without walking the guest's tables. */
uint32_t tvt_current_insn(const struct cpu *cpu)
{
	const struct tlb_code_entry *e =
	    &cpu->tlb[cpu->csr.priv].exec[(cpu->pc >> 12) & (TLB_SIZE - 1)];
	uint32_t w = 0;
	if (e->tag == (cpu->pc & ~0xfffu) && !(cpu->pc & 3))
		memcpy(&w, cpu->ram + ((uint64_t)e->page->ppage << 12) + (cpu->pc & 0xfff), 4);
	return w;
}

void tvt_exit(struct cpu *cpu, enum tvt_exit_reason reason, uint32_t qual, uint32_t insn)
{
	struct tvt_exit_info *e = &cpu->tvt->exit;
	e->reason = reason;
	e->qual = qual;
	e->pc = cpu->pc;
	e->insn = insn;
	cpu->trap_stop = true; /* leave the run loop at once */
}

bool tvt_trap_exits(struct cpu *cpu, uint32_t cause, uint32_t tval)
{
	const struct tvt_controls *ctl = &cpu->tvt->ctl;
	if (cause & CAUSE_INTERRUPT) {
		uint32_t code = cause & 31;
		if (!(ctl->intr_exit & (1u << code)))
			return false;
		/* The interrupt stays pending: the monitor decides. */
		tvt_exit(cpu, TVT_EXIT_interrupt, code, 0); /* no instruction */
		return true;
	}
	if (cause >= 32 || !(ctl->exc_exit & (1u << cause)))
		return false;
	tvt_exit(cpu, TVT_EXIT_exception, cause,
		 cause == EXC_illegal ? tval : tvt_current_insn(cpu));
	cpu->tvt->exit.gva = tval;
	return true;
}

bool tvt_csr_exits(struct cpu *cpu, enum insn_id id, uint32_t w)
{
	if (cpu->csr.priv != PRIV_S)
		return false; /* U-mode meets the ordinary rules (and faults) */
	const struct tvt_controls *ctl = &cpu->tvt->ctl;
	unsigned csr = w >> 20, rd = insn_rd(w), src = insn_rs1(w);
	bool swap = id == INSN_csrrw || id == INSN_csrrwi;
	bool reads = swap ? rd != 0 : true;
	bool writes = swap ? true : src != 0;
	uint8_t bit = (uint8_t)(1u << (csr & 7));
	if ((reads && (ctl->csr_read_exit[csr / 8] & bit)) ||
	    (writes && (ctl->csr_write_exit[csr / 8] & bit))) {
		tvt_exit(cpu, TVT_EXIT_csr, csr, w);
		return true;
	}
	return false;
}

/* Step 1: a VMCS the hardware cannot run fails the entry. */
static uint32_t tvt_check(struct cpu *cpu, const struct tvt_vmcs *v)
{
	if (v->guest.csr.priv != PRIV_U && v->guest.csr.priv != PRIV_S)
		return TVT_BAD_PRIV;
	if (v->ctl.vpid < 1 || v->ctl.vpid > TVT_VPID_MAX)
		return TVT_BAD_VPID;
	if (v->ctl.stage2 && ((v->ctl.s2_root & 0xfff) || !mmu_ram_ptr(cpu, v->ctl.s2_root, 4096)))
		return TVT_BAD_STAGE2;
	if (v->inject.valid && (v->inject.cause & ~CAUSE_INTERRUPT) >= 16)
		return TVT_BAD_EVENT;
	return 0;
}

/* Move a state area onto the hart, keeping the hart's own CSR hook and
 * its `legacy` wiring (properties of the hardware, not state). */
static void tvt_load(struct cpu *cpu, const struct tvt_state *s)
{
	bool legacy = cpu->csr.legacy;
	memcpy(cpu->x, s->x, sizeof(cpu->x));
	cpu->x[0] = 0;
	cpu->pc = s->pc;
	cpu->csr = s->csr;
	cpu->csr.changed = cpu_csr_changed;
	cpu->csr.ctx = cpu;
	cpu->csr.legacy = legacy;
	cpu->resv_valid = s->resv_valid;
	cpu->resv_pa = s->resv_pa;
	cpu->resv_val = s->resv_val;
}

/* ... and off it, keeping the area's own hook (the monitor's, if any). */
static void tvt_save(const struct cpu *cpu, struct tvt_state *s)
{
	void (*changed)(void *, unsigned, uint32_t) = s->csr.changed;
	void *ctx = s->csr.ctx;
	bool legacy = s->csr.legacy;
	memcpy(s->x, cpu->x, sizeof(s->x));
	s->pc = cpu->pc;
	s->csr = cpu->csr;
	s->csr.changed = changed;
	s->csr.ctx = ctx;
	s->csr.legacy = legacy;
	s->resv_valid = cpu->resv_valid;
	s->resv_pa = cpu->resv_pa;
	s->resv_val = cpu->resv_val;
}

enum tvt_exit_reason tvt_run(struct cpu *cpu, struct tvt_vmcs *v)
{
	memset(&v->exit, 0, sizeof(v->exit));
	v->stats.entries++;
	uint32_t bad = tvt_check(cpu, v);
	if (bad) {
		v->exit.reason = TVT_EXIT_entry_fail;
		v->exit.qual = bad;
		v->exit.pc = v->guest.pc;
		v->stats.by_reason[TVT_EXIT_entry_fail]++;
		return TVT_EXIT_entry_fail;
	}

	/* Steps 2-4: root state out, guest state in, the guest's TLB tag. */
	tvt_save(cpu, &v->host);
	bool host_traps = cpu->host_traps;
	tvt_load(cpu, &v->guest);
	cpu->tvt = v;
	cpu->host_traps = false; /* the guest's traps are the guest's */
	cpu->trap_stop = cpu->wfi = false;
	mmu_select_tag(cpu, v->ctl.vpid); /* cannot fail: tvt_check */

	/* Step 5: the event to inject, delivered as its hardware would. */
	if (v->inject.valid) {
		cpu->resv_valid = false; /* as any trap */
		csr_trap_enter(&cpu->csr, &cpu->pc, v->inject.cause, v->inject.tval);
		v->inject.valid = false;
	}

	/* Step 6: run the guest in non-root operation. */
	enum cpu_stop stop = cpu_run(cpu, v->ctl.budget ? v->ctl.budget : UINT64_MAX);
	if (!cpu->trap_stop) {
		v->exit.pc = cpu->pc;
		v->exit.reason = stop == CPU_STOP_WFI ? TVT_EXIT_idle : TVT_EXIT_preempt;
	}

	/* The VM exit: guest state out, root state back. */
	tvt_save(cpu, &v->guest);
	cpu->tvt = NULL;
	cpu->trap_stop = cpu->wfi = false;
	cpu->host_traps = host_traps;
	tvt_load(cpu, &v->host);
	mmu_select_tag(cpu, 0);
	v->stats.exits++;
	v->stats.by_reason[v->exit.reason]++;
	return v->exit.reason;
}
