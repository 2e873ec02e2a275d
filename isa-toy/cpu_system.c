/*
 * cpu_system.c -- the out-of-line instructions: CSR accesses and the
 * privileged ones (system), and the slow paths of loads, stores and
 * atomics.  The interpreter syncs cpu->pc and cpu->csr.instret before calling
 * these, so they see precise state.
 */
#include "isa-toy/cpu.h"

#include <string.h>

#include "isa-toy/tvt.h"

/* Retire the current instruction and go on to the next. */
static void cpu_retire(struct cpu *cpu)
{
	cpu->pc += 4;
	cpu->csr.instret++;
}

/* csrrw/csrrs/csrrc and their immediate forms: the rules are in csr.c. */
static void cpu_exec_csr(struct cpu *cpu, enum insn_id id, uint32_t w)
{
	uint32_t src = csr_source(id, w, cpu->x);
	uint32_t old;
	if (cpu->tvt && tvt_csr_exits(cpu, id, w))
		return; /* TVT: the monitor asked to see this access */
	if (csr_exec(&cpu->csr, id, w, src, &old)) {
		cpu_exception(cpu, EXC_illegal, w);
		return;
	}
	cpu_set_reg(cpu, insn_rd(w), old);
	cpu_retire(cpu);
}

void cpu_exec_system(struct cpu *cpu, enum insn_id id, uint32_t w)
{
	bool user = cpu->csr.priv == PRIV_U;

	switch (id) {
	case INSN_csrrw:
	case INSN_csrrs:
	case INSN_csrrc:
	case INSN_csrrwi:
	case INSN_csrrsi:
	case INSN_csrrci: cpu_exec_csr(cpu, id, w); return;
	case INSN_ecall:
		if (!user && cpu->tvt) {
			/* TVT: the guest kernel calls its firmware -- the monitor
			 * (VT-x's VMCALL always exits too). */
			tvt_exit(cpu, TVT_EXIT_ecall, 0, w);
			return;
		}
		if (user || cpu->host_traps || !cpu->ecall_s) {
			cpu_exception(cpu, user ? EXC_ecall_u : EXC_ecall_s, 0);
			return;
		}
		/* S-mode ecall on the bare board: the firmware (SBI) answers,
		 * as M-mode firmware would, and returns to the next insn. */
		cpu->exc_count[EXC_ecall_s]++;
		if (cpu->ecall_s(cpu, cpu->ecall_ctx) == 0)
			cpu->pc += 4;
		return;
	case INSN_ebreak: cpu_exception(cpu, EXC_breakpoint, cpu->pc); return;
	case INSN_sret:
		if (user)
			break;
		csr_sret(&cpu->csr, &cpu->pc);
		cpu->csr.instret++;
		return;
	case INSN_wfi:
		if (user)
			break;
		if (cpu->tvt && (cpu->tvt->ctl.insn & TVT_CTL_WFI_EXIT)) {
			tvt_exit(cpu, TVT_EXIT_wfi, 0, w);
			return;
		}
		cpu_retire(cpu);
		/* Stall until an interrupt is pending and enabled in sie,
		 * whatever sstatus.SIE says (cpu_run does the waiting). */
		if (!csr_wfi_wakes(&cpu->csr))
			cpu->wfi = true;
		return;
	case INSN_sfence_vma:
		if (user)
			break;
		if (cpu->tvt && (cpu->tvt->ctl.insn & TVT_CTL_SFENCE_EXIT)) {
			tvt_exit(cpu, TVT_EXIT_sfence, 0, w);
			return;
		}
		/* rs1 = x0: every address; else the page of x[rs1].  Our TLB
		 * is tagged with VPIDs (TVT), not ASIDs, so rs2 (the ASID) only narrows
		 * what the spec requires, and flushing more is always safe. */
		if (insn_rs1(w) == 0)
			mmu_flush(cpu);
		else
			mmu_flush_page(cpu, cpu->x[insn_rs1(w)]);
		cpu_retire(cpu);
		return;
	default: break;
	}
	cpu_exception(cpu, EXC_illegal, w);
}

bool cpu_exec_memory(struct cpu *cpu, const struct cpu_op *op, uint32_t va)
{
	const struct insn_desc *d = &insn_table[op->id];
	/* The width and sign come from the id (funct3 is not in the op). */
	int sign;
	unsigned size = insn_mem_width((enum insn_id)op->id, &sign);
	int cause;
	if (d->kind == INSN_KIND_LOAD) {
		uint32_t v;
		cause = mmu_load(cpu, va, size, &v);
		if (!cause) {
			if (sign)
				v = size == 1 ? (uint32_t)(int8_t)v : (uint32_t)(int16_t)v;
			cpu->x[op->rd] = v; /* rd 32 is the sink: x0 stays 0 */
		}
	} else {
		cause = mmu_store(cpu, va, size, cpu->x[op->rs2]);
	}
	if (cause) {
		cpu_exception(cpu, (uint32_t)cause, va);
		return false;
	}
	cpu_retire(cpu);
	return true;
}

/* Translate an atomic's address: aligned, RAM only.  0 or a cause. */
static int cpu_atomic_addr(struct cpu *cpu, uint32_t va, enum mmu_access access, uint32_t **p)
{
	if (va & 3)
		return access == ACCESS_READ ? EXC_load_misaligned : EXC_store_misaligned;
	uint64_t pa;
	int cause = mmu_translate(cpu, va, access, &pa);
	if (cause)
		return cause;
	uint8_t *h = mmu_ram_ptr(cpu, pa, 4);
	if (!h)
		return access == ACCESS_READ ? EXC_load_access : EXC_store_access;
	if (access == ACCESS_WRITE)
		cpu_code_written(cpu, pa, 4);
	*p = (uint32_t *)(void *)h;
	return 0;
}

bool cpu_exec_atomic(struct cpu *cpu, const struct cpu_op *op)
{
	uint32_t va = cpu->x[op->rs1], B = cpu->x[op->rs2], OLD, *p;
	int cause;

	switch (op->id) {
	case INSN_lr_w:
		/* Load and reserve.  The reservation remembers the address and
		 * the value seen; sc.w succeeds only if both still hold. */
		cause = cpu_atomic_addr(cpu, va, ACCESS_READ, &p);
		if (cause)
			break;
		memcpy(&OLD, p, 4);
		cpu->resv_valid = true;
		cpu->resv_pa = va;
		cpu->resv_val = OLD;
		cpu->x[op->rd] = OLD;
		cpu_retire(cpu);
		return true;
	case INSN_sc_w: {
		bool ok = cpu->resv_valid && cpu->resv_pa == va;
		if (ok) {
			/* A fault here leaves the reservation alone: under the
			 * monitor the fault may be a shadow fill the guest never
			 * sees, after which this sc.w runs again. */
			cause = cpu_atomic_addr(cpu, va, ACCESS_WRITE, &p);
			if (cause)
				break;
			memcpy(&OLD, p, 4);
			ok = OLD == cpu->resv_val;
			if (ok)
				memcpy(p, &B, 4);
		} else if (va & 3) {
			cause = EXC_store_misaligned;
			break;
		}
		cpu->resv_valid = false; /* a completed sc.w ends the reservation */
		cpu->x[op->rd] = ok ? 0 : 1;
		cpu_retire(cpu);
		return true;
	}
	default:
		cause = cpu_atomic_addr(cpu, va, ACCESS_WRITE, &p);
		if (cause)
			break;
		memcpy(&OLD, p, 4);
		uint32_t new = insn_amo((enum insn_id)op->id, OLD, B);
		memcpy(p, &new, 4);
		cpu->x[op->rd] = OLD;
		cpu_retire(cpu);
		return true;
	}
	cpu_exception(cpu, (uint32_t)cause, va);
	return false;
}
