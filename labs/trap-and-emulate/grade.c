/*
 * grade.c -- the grader of lab trap-and-emulate: one Criterion suite per
 * step (labs/grade.sh runs suite stepN for step N).  Steps 1-4 hand the
 * monitor crafted traps, exactly as the hart would, and check the vCPU's
 * software state afterwards; step 5 boots the teaching kernel.
 */
#include <criterion/criterion.h>

#include "labs/lab.h"

#define PC 0x80002000u /* where the crafted instructions "are" */

static struct csr_file *vc(void)
{
	return &lab_vm->vcpu.csr;
}

static uint32_t *x(void)
{
	return lab_mon.hw.x;
}

/* The guest kernel executes `w` at PC; the hart traps (illegal). */
static void exec_insn(uint32_t w)
{
	lab_trap(EXC_illegal, w, PC);
}

/* It was emulated: one instruction retired, the pc past it. */
static void emulated(uint64_t instret_before, const char *what)
{
	cr_assert_eq(lab_mon.hw.pc, PC + 4, "%s: pc %#x, want %#x (the next instruction)", what,
		     lab_mon.hw.pc, PC + 4);
	cr_assert_eq(vc()->instret, instret_before + 1,
		     "%s: the guest's instret must count the emulated instruction", what);
	cr_assert_not(lab_vm->halted, "%s: the VM stopped", what);
}

/* --- step 1: the CSR instructions, every form --- */

TestSuite(step1, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step1, csrrw_swaps)
{
	vc()->sscratch = 0x1111;
	x()[6] = 0x2222;
	uint64_t n = vc()->instret;
	exec_insn(LAB_CSRRW(5, CSR_sscratch, 6));
	emulated(n, "csrrw t0, sscratch, t1");
	cr_assert_eq(x()[5], 0x1111, "rd must get the old sscratch");
	cr_assert_eq(vc()->sscratch, 0x2222, "sscratch must get rs1 (on the vCPU's copy)");
	cr_assert_neq(lab_mon.hw.csr.sscratch, 0x2222, "the hart's own sscratch is the monitor's");
}

Test(step1, csrrs_csrrc_set_and_clear_bits)
{
	vc()->sie = 0x20;
	x()[6] = 0x202;
	uint64_t n = vc()->instret;
	exec_insn(LAB_CSRRS(7, CSR_sie, 6));
	emulated(n, "csrrs t2, sie, t1");
	cr_assert_eq(x()[7], 0x20);
	cr_assert_eq(vc()->sie, 0x222);
	x()[6] = 0x22;
	exec_insn(LAB_CSRRC(7, CSR_sie, 6));
	cr_assert_eq(x()[7], 0x222);
	cr_assert_eq(vc()->sie, 0x200);
}

Test(step1, immediate_forms)
{
	vc()->sstatus = 0;
	uint64_t n = vc()->instret;
	exec_insn(LAB_CSRRSI(0, CSR_sstatus, SSTATUS_SIE));
	emulated(n, "csrsi sstatus, SIE");
	cr_assert_eq(vc()->sstatus & SSTATUS_SIE, SSTATUS_SIE, "csrrsi must set sstatus.SIE");
	exec_insn(LAB_CSRRCI(8, CSR_sstatus, SSTATUS_SIE));
	cr_assert_eq(vc()->sstatus & SSTATUS_SIE, 0, "csrrci must clear sstatus.SIE");
	cr_assert_eq(x()[8] & SSTATUS_SIE, SSTATUS_SIE, "csrrci: rd gets the old value");
	exec_insn(LAB_CSRRWI(9, CSR_sscratch, 17));
	cr_assert_eq(vc()->sscratch, 17, "csrrwi writes the 5-bit immediate");
}

Test(step1, read_only_forms_and_counters)
{
	/* csrr (csrrs rd, csr, x0) reads without writing; reading instret
	 * gives the guest's count, not the hart's. */
	vc()->stvec = 0x80004000u;
	exec_insn(LAB_CSRRS(10, CSR_stvec, 0));
	cr_assert_eq(x()[10], 0x80004000u);
	vc()->instret = 123456;
	exec_insn(LAB_CSRRS(11, CSR_instret, 0));
	cr_assert_eq(x()[11], 123456, "instret must read the vCPU's count (%u)", x()[11]);
}

Test(step1, rd_x0_stays_zero)
{
	x()[6] = 0xabc;
	exec_insn(LAB_CSRRW(0, CSR_sscratch, 6));
	cr_assert_eq(x()[0], 0, "x0 is always zero");
	cr_assert_eq(vc()->sscratch, 0xabc);
}

Test(step1, not_from_virtual_user_mode)
{
	/* Guest user code touching sscratch: its hardware would trap, so
	 * the monitor must not do it. */
	vc()->priv = PRIV_U;
	vc()->sscratch = 0x5555;
	x()[5] = 0x77;
	x()[6] = 0x9999;
	exec_insn(LAB_CSRRW(5, CSR_sscratch, 6));
	cr_assert_eq(vc()->sscratch, 0x5555, "virtual U-mode wrote sscratch");
	cr_assert_eq(x()[5], 0x77, "virtual U-mode read sscratch");
}

/* --- step 2: what a CSR write changes for the monitor --- */

TestSuite(step2, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step2, satp_write_switches_the_shadow)
{
	uint32_t root = lab_page(0);
	uint32_t satp = SATP_MODE_SV32 | (root >> 12);
	x()[6] = satp;
	exec_insn(LAB_CSRRW(0, CSR_satp, 6));
	cr_assert_eq(vc()->satp, satp);
	cr_assert_not_null(lab_vm->spt.cur);
	cr_assert_eq(lab_vm->spt.cur->gsatp, satp,
		     "after csrw satp the hardware must walk the shadow of the new guest table "
		     "(current shadow is of satp %#x)",
		     lab_vm->spt.cur->gsatp);
}

Test(step2, sum_selects_the_view)
{
	x()[6] = SSTATUS_SUM;
	exec_insn(LAB_CSRRS(0, CSR_sstatus, 6));
	cr_assert_eq(
	    lab_vm->spt.cur->view, SPT_VIEW_S_SUM,
	    "with sstatus.SUM set the guest kernel may touch user pages: its view changes");
	exec_insn(LAB_CSRRC(0, CSR_sstatus, 6));
	cr_assert_eq(lab_vm->spt.cur->view, SPT_VIEW_S);
}

Test(step2, mxr_forgets_the_shadows)
{
	/* A filled shadow entry is R only if the guest page is R; MXR
	 * changes that, so the shadows made under the old rule must go. */
	struct spt_fault f;
	spt_fault(&lab_vm->spt, 0x80001000u, ACCESS_READ, PRIV_S, vc()->sstatus, &f);
	cr_assert_eq(f.result, SPT_FILLED);
	uint64_t evictions = lab_vm->spt.stats.evictions;
	x()[6] = SSTATUS_MXR;
	exec_insn(LAB_CSRRS(0, CSR_sstatus, 6));
	cr_assert_gt(lab_vm->spt.stats.evictions, evictions,
		     "setting sstatus.MXR must drop the shadows built without it");
}

/* --- step 3: sret --- */

TestSuite(step3, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step3, sret_to_user)
{
	vc()->sstatus = SSTATUS_SPIE; /* SPP = 0: back to U */
	vc()->sepc = 0x1000;
	uint64_t n = vc()->instret;
	exec_insn(LAB_SRET);
	cr_assert_eq(vc()->priv, PRIV_U, "SPP was 0: the guest must be in virtual U-mode");
	cr_assert_eq(lab_mon.hw.pc, 0x1000, "sret must jump to sepc");
	cr_assert_eq(vc()->sstatus & (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP),
		     SSTATUS_SIE | SSTATUS_SPIE, "sret: SIE = SPIE, SPIE = 1, SPP = 0 (got %#x)",
		     vc()->sstatus);
	cr_assert_eq(vc()->instret, n + 1, "sret retires");
	cr_assert_eq(lab_vm->spt.cur->view, SPT_VIEW_U,
		     "the hardware must now walk the user's view of the shadow");
}

Test(step3, sret_to_kernel)
{
	vc()->sstatus = SSTATUS_SPP | SSTATUS_SIE;
	vc()->sepc = 0x80003000u;
	exec_insn(LAB_SRET);
	cr_assert_eq(vc()->priv, PRIV_S);
	cr_assert_eq(lab_mon.hw.pc, 0x80003000u);
	cr_assert_eq(vc()->sstatus & (SSTATUS_SIE | SSTATUS_SPP), 0,
		     "SPIE was 0: SIE must be 0 after sret, and SPP cleared");
}

/* --- step 4: reflecting a trap into the guest --- */

TestSuite(step4, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step4, system_call_reaches_the_guest_kernel)
{
	vc()->priv = PRIV_U;
	vc()->stvec = 0x80004000u;
	vc()->sstatus = SSTATUS_SIE;
	vm_switch_shadow(lab_vm);
	lab_trap(EXC_ecall_u, 0, 0x1234);
	cr_assert_not(lab_vm->halted, "the VM stopped");
	cr_assert_eq(vc()->priv, PRIV_S, "the guest kernel handles it, in virtual S-mode");
	cr_assert_eq(lab_mon.hw.pc, 0x80004000u, "at its stvec");
	cr_assert_eq(vc()->sepc, 0x1234);
	cr_assert_eq(vc()->scause, EXC_ecall_u);
	cr_assert_eq(vc()->sstatus & (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP), SSTATUS_SPIE,
		     "SPIE = old SIE, SIE = 0, SPP = 0 (from U); got %#x", vc()->sstatus);
	cr_assert_eq(lab_vm->spt.cur->view, SPT_VIEW_S, "now the kernel's view");
}

Test(step4, privileged_instruction_from_user)
{
	/* sret in guest user mode: its hardware raises illegal instruction
	 * with the word in stval; so must we. */
	vc()->priv = PRIV_U;
	vc()->stvec = 0x80004000u;
	vm_switch_shadow(lab_vm);
	exec_insn(LAB_SRET);
	cr_assert_eq(vc()->priv, PRIV_S);
	cr_assert_eq(vc()->scause, EXC_illegal);
	cr_assert_eq(vc()->stval, LAB_SRET, "stval must hold the instruction word");
	cr_assert_eq(vc()->sepc, PC);
	cr_assert_eq(vc()->sstatus & SSTATUS_SPP, 0);
}

Test(step4, vectored_interrupt)
{
	vc()->stvec = 0x80004000u | 1u; /* vectored */
	vc()->sstatus = SSTATUS_SIE;
	lab_mon.hw.pc = 0x80002222u;
	monitor_reflect(lab_vm, CAUSE_INTERRUPT | 5u, 0);
	cr_assert_eq(lab_mon.hw.pc, 0x80004000u + 4 * 5, "vectored: base + 4 * cause");
	cr_assert_eq(vc()->sepc, 0x80002222u);
	cr_assert_eq(vc()->sstatus & (SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE),
		     SSTATUS_SPP | SSTATUS_SPIE, "from S with SIE set: SPP = 1, SPIE = 1, SIE = 0");
}

/* --- step 5: the whole kernel, trap mode equal to bare --- */

TestSuite(step5, .timeout = 120);

Test(step5, hello)
{
	lab_equal_to_bare("trap", "run=hello:a:b", NULL);
}

Test(step5, syscalls_and_faults)
{
	lab_equal_to_bare("trap", "run=syscalls,fault,fault:kernel,fault:priv", NULL);
}

Test(step5, processes)
{
	lab_equal_to_bare("trap", "run=spawnloop:20,pingpong", NULL);
}
