/*
 * tvt_test.c -- TVT's entry, exit and controls: a guest exits exactly
 * when the VMCS says so, and otherwise runs on its own state, its traps
 * going to its own stvec.  (Second-stage translation: stage2_test.c.)
 */
#include <criterion/criterion.h>

#include "tests/tvt/tvt_test.h"

#define INIT .init = tvt_setup, .fini = th_teardown

static enum tvt_exit_reason run_budget(uint64_t n)
{
	tv.ctl.budget = n;
	return tvt_run(&th_cpu, &tv);
}

Test(tvt, entry_loads_guest_exit_restores_root, INIT)
{
	uint32_t pc = TVT_PROG(enc_i(INSN_addi, 5, 5, 1), enc_i(INSN_addi, 5, 5, 1),
			       enc_i(INSN_addi, 5, 5, 1));
	tv.guest.x[5] = 10;
	tv.guest.csr.sscratch = 0x5678;
	th_cpu.x[5] = 77;
	th_cpu.csr.sscratch = 0x1234;
	uint64_t root_instret = th_cpu.csr.instret;

	cr_assert_eq(run_budget(3), TVT_EXIT_preempt, "the budget ends the run");
	cr_assert_eq(tv.guest.x[5], 13, "three guest instructions ran on guest registers");
	cr_assert_eq(tv.guest.pc, pc + 12);
	cr_assert_eq(tv.guest.csr.instret, 3, "the guest's own counter");
	cr_assert_eq(tv.guest.csr.sscratch, 0x5678);
	cr_assert_eq(th_cpu.x[5], 77, "root registers restored");
	cr_assert_eq(th_cpu.pc, HOST_PC);
	cr_assert_eq(th_cpu.csr.sscratch, 0x1234, "root CSRs restored");
	cr_assert_eq(th_cpu.csr.instret, root_instret, "root's counter untouched");
	cr_assert_null(th_cpu.tvt, "back in root operation");
	cr_assert_eq(tv.stats.entries, 1);
	cr_assert_eq(tv.stats.exits, 1);
	cr_assert_eq(tv.stats.by_reason[TVT_EXIT_preempt], 1);
}

Test(tvt, bad_vmcs_fails_entry_and_runs_nothing, INIT)
{
	uint32_t pc = TVT_PROG(enc_i(INSN_addi, 5, 5, 1));
	tv.ctl.vpid = 0;
	cr_assert_eq(run_budget(1), TVT_EXIT_entry_fail);
	cr_assert_eq(tv.exit.qual, TVT_BAD_VPID);
	tv.ctl.vpid = TVT_VPID_MAX + 1;
	cr_assert_eq(run_budget(1), TVT_EXIT_entry_fail);
	tv.ctl.vpid = 1;
	tv.guest.csr.priv = 3;
	cr_assert_eq(run_budget(1), TVT_EXIT_entry_fail);
	cr_assert_eq(tv.exit.qual, TVT_BAD_PRIV);
	tv.guest.csr.priv = PRIV_S;
	tv.ctl.stage2 = true;
	tv.ctl.s2_root = S2_ROOT + 4; /* misaligned */
	cr_assert_eq(run_budget(1), TVT_EXIT_entry_fail);
	cr_assert_eq(tv.exit.qual, TVT_BAD_STAGE2);
	tv.ctl.s2_root = TH_NOWHERE; /* not RAM */
	cr_assert_eq(run_budget(1), TVT_EXIT_entry_fail);
	cr_assert_eq(tv.guest.pc, pc, "nothing ran");
	cr_assert_eq(tv.guest.x[5], 0);
	cr_assert_eq(th_cpu.pc, HOST_PC);
}

/* --- CSR accesses --- */

Test(tvt, csr_accesses_use_the_guest_copy_without_exiting, INIT)
{
	TVT_PROG(enc_csr(INSN_csrrs, 6, CSR_sstatus, 0), enc_csr(INSN_csrrw, 0, CSR_sscratch, 7),
		 enc_csr(INSN_csrrci, 0, CSR_sstatus, SSTATUS_SIE));
	tv.guest.csr.sstatus = SSTATUS_SIE | SSTATUS_SPP;
	tv.guest.x[7] = 0xabcd;
	th_cpu.csr.sstatus = SSTATUS_SUM;
	cr_assert_eq(run_budget(3), TVT_EXIT_preempt, "no CSR exits without controls");
	cr_assert_eq(tv.guest.x[6], SSTATUS_SIE | SSTATUS_SPP, "read the guest's sstatus");
	cr_assert_eq(tv.guest.csr.sscratch, 0xabcd);
	cr_assert_eq(tv.guest.csr.sstatus, SSTATUS_SPP, "CLI on the guest's copy");
	cr_assert_eq(th_cpu.csr.sstatus, SSTATUS_SUM, "the root's sstatus is not the guest's");
	cr_assert_eq(tv.stats.exits, 1);
}

Test(tvt, csr_read_control_exits_before_the_access, INIT)
{
	uint32_t w = enc_csr(INSN_csrrs, 6, CSR_sstatus, 0);
	uint32_t pc = TVT_PROG(w);
	tvt_csr_exit(&tv.ctl, CSR_sstatus, true, false);
	tv.guest.x[6] = 0x99;
	cr_assert_eq(run_budget(5), TVT_EXIT_csr);
	cr_assert_eq(tv.exit.qual, CSR_sstatus, "qualification: the CSR number");
	cr_assert_eq(tv.exit.insn, w, "and the instruction");
	cr_assert_eq(tv.exit.pc, pc);
	cr_assert_eq(tv.guest.pc, pc, "not retired: the monitor emulates it");
	cr_assert_eq(tv.guest.csr.instret, 0);
	cr_assert_eq(tv.guest.x[6], 0x99);
}

Test(tvt, csr_write_control_sees_only_writes, INIT)
{
	tvt_csr_exit(&tv.ctl, CSR_sstatus, false, true);
	/* Reads: csrrs/csrrc with x0 or uimm 0 write nothing. */
	TVT_PROG(enc_csr(INSN_csrrs, 6, CSR_sstatus, 0), enc_csr(INSN_csrrc, 6, CSR_sstatus, 0),
		 enc_csr(INSN_csrrsi, 6, CSR_sstatus, 0));
	cr_assert_eq(run_budget(3), TVT_EXIT_preempt, "three reads, no exit");
	/* Writes: each exits. */
	uint32_t writes[] = { enc_csr(INSN_csrrw, 0, CSR_sstatus, 7),
			      enc_csr(INSN_csrrsi, 0, CSR_sstatus, SSTATUS_SIE),
			      enc_csr(INSN_csrrc, 6, CSR_sstatus, 7) };
	for (int i = 0; i < 3; i++) {
		tvt_guest_prog(&writes[i], 1);
		tv.guest.x[7] = SSTATUS_SIE;
		cr_assert_eq(run_budget(5), TVT_EXIT_csr, "write %d exits", i);
		cr_assert_eq(tv.exit.insn, writes[i]);
	}
	/* And another CSR is not watched. */
	TVT_PROG(enc_csr(INSN_csrrw, 0, CSR_sscratch, 7));
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	tvt_csr_exit(&tv.ctl, CSR_sstatus, false, false);
	TVT_PROG(enc_csr(INSN_csrrw, 0, CSR_sstatus, 7));
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt, "bit cleared: no exit");
}

Test(tvt, csr_controls_apply_to_guest_kernel_only, INIT)
{
	/* Guest U-mode touching sstatus meets the ordinary rule: illegal,
	 * delivered to the guest's own handler -- no exit. */
	uint32_t w = enc_csr(INSN_csrrs, 6, CSR_sstatus, 0);
	uint32_t pc = TVT_PROG(w);
	tv.guest.csr.priv = PRIV_U;
	tvt_csr_exit(&tv.ctl, CSR_sstatus, true, true);
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.csr.scause, EXC_illegal);
	cr_assert_eq(tv.guest.csr.sepc, pc);
	cr_assert_eq(tv.guest.csr.stval, w);
	cr_assert_eq(tv.guest.pc, GUEST_TRAP);
	cr_assert_eq(tv.guest.csr.priv, PRIV_S);
}

Test(tvt, legacy_sstatus_accesses_are_virtual, INIT)
{
	/* The legacy machine: plain sstatus reads and writes from U-mode do
	 * not trap.  Under TVT the guest *kernel* is in S-mode, so its
	 * PUSHF/POPF work on its own copy; and even U-mode's silent read
	 * shows the guest's copy, never the root's. */
	th_cpu.csr.legacy = true;
	th_cpu.csr.sstatus = SSTATUS_SUM;
	tv.guest.csr.sstatus = SSTATUS_SIE;
	tv.guest.x[7] = 0;
	TVT_PROG(enc_csr(INSN_csrrs, 6, CSR_sstatus, 0), enc_csr(INSN_csrrw, 0, CSR_sstatus, 7));
	cr_assert_eq(run_budget(2), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.x[6], SSTATUS_SIE, "PUSHF saw the guest's SIE");
	cr_assert_eq(tv.guest.csr.sstatus & SSTATUS_SIE, 0, "POPF cleared the guest's SIE");
	cr_assert_eq(th_cpu.csr.sstatus, SSTATUS_SUM);
	cr_assert(th_cpu.csr.legacy, "the hardware stays legacy");

	tv.guest.csr.priv = PRIV_U;
	tv.guest.csr.sstatus = SSTATUS_SPIE;
	TVT_PROG(enc_csr(INSN_csrrs, 6, CSR_sstatus, 0));
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.x[6], SSTATUS_SPIE, "U-mode's read shows the guest's copy");
	cr_assert_eq(tv.guest.csr.traps, 0, "and does not trap (legacy)");
}

/* --- instructions --- */

Test(tvt, ecall_from_guest_kernel_always_exits, INIT)
{
	uint32_t pc = TVT_PROG(enc_sys(INSN_ecall));
	cr_assert_eq(run_budget(10), TVT_EXIT_ecall);
	cr_assert_eq(tv.exit.pc, pc);
	cr_assert_eq(tv.exit.insn, enc_sys(INSN_ecall));
	cr_assert_eq(tv.guest.csr.traps, 0, "no trap inside the guest");
}

Test(tvt, ecall_from_guest_user_goes_to_guest_kernel, INIT)
{
	uint32_t pc = TVT_PROG(enc_sys(INSN_ecall));
	tv.guest.csr.priv = PRIV_U;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt, "a trap uses the budget");
	cr_assert_eq(tv.guest.csr.scause, EXC_ecall_u);
	cr_assert_eq(tv.guest.csr.sepc, pc);
	cr_assert_eq(tv.guest.pc, GUEST_TRAP);
	cr_assert_eq(tv.guest.csr.priv, PRIV_S);
}

Test(tvt, exception_bitmap_makes_a_trap_exit, INIT)
{
	uint32_t pc = TVT_PROG(enc_sys(INSN_ecall));
	tv.guest.csr.priv = PRIV_U;
	tv.ctl.exc_exit = 1u << EXC_ecall_u;
	cr_assert_eq(run_budget(5), TVT_EXIT_exception);
	cr_assert_eq(tv.exit.qual, EXC_ecall_u);
	cr_assert_eq(tv.guest.pc, pc, "not delivered");
	cr_assert_eq(tv.guest.csr.priv, PRIV_U);
	cr_assert_eq(tv.guest.csr.scause, 0);
	/* Another cause is still the guest's. */
	tv.ctl.exc_exit = 1u << EXC_breakpoint;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.csr.scause, EXC_ecall_u);
}

Test(tvt, wfi_exits_only_with_its_control, INIT)
{
	uint32_t pc = TVT_PROG(enc_sys(INSN_wfi));
	tv.ctl.insn = TVT_CTL_WFI_EXIT;
	cr_assert_eq(run_budget(5), TVT_EXIT_wfi);
	cr_assert_eq(tv.guest.pc, pc);
	cr_assert_eq(tv.guest.csr.instret, 0);
	/* Without it the hart waits itself; nothing can wake it: idle. */
	tv.ctl.insn = 0;
	cr_assert_eq(run_budget(5), TVT_EXIT_idle);
	cr_assert_eq(tv.guest.pc, pc + 4, "the wfi retired");
}

Test(tvt, wfi_without_exit_waits_for_the_guest_timer, INIT)
{
	TVT_PROG(enc_sys(INSN_wfi));
	tv.guest.csr.sie = SIP_STIP;
	tv.guest.csr.sstatus = SSTATUS_SIE;
	tv.guest.csr.stimecmp = 1000;
	cr_assert_eq(run_budget(20), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.csr.scause, CAUSE_INTERRUPT | IRQ_sti, "the timer woke it");
	cr_assert_geq(csr_time(&tv.guest.csr), 1000, "virtual time ran to the deadline");
	cr_assert_eq(tv.stats.exits, 1, "with no exit on the way");
}

Test(tvt, sfence_exits_only_with_its_control, INIT)
{
	uint32_t w = enc_r(INSN_sfence_vma, 0, 0, 0);
	uint32_t pc = TVT_PROG(w);
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.pc, pc + 4);
	TVT_PROG(w);
	tv.ctl.insn = TVT_CTL_SFENCE_EXIT;
	cr_assert_eq(run_budget(5), TVT_EXIT_sfence);
	cr_assert_eq(tv.exit.insn, w);
}

/* --- interrupts and injection --- */

Test(tvt, guest_timer_interrupt_is_delivered_to_the_guest, INIT)
{
	uint32_t pc = TVT_PROG(ENC_NOP);
	tv.guest.csr.sie = SIP_STIP;
	tv.guest.csr.sstatus = SSTATUS_SIE;
	tv.guest.csr.stimecmp = 0; /* due now */
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.csr.scause, CAUSE_INTERRUPT | IRQ_sti);
	cr_assert_eq(tv.guest.csr.sepc, pc);
	cr_assert_eq(tv.stats.exits, 1);
}

Test(tvt, interrupt_control_makes_it_exit_and_stay_pending, INIT)
{
	uint32_t pc = TVT_PROG(ENC_NOP);
	tv.guest.csr.sie = SIP_STIP | SIP_SEIP;
	tv.guest.csr.sstatus = SSTATUS_SIE;
	tv.guest.csr.stimecmp = 0;
	tv.ctl.intr_exit = 1u << IRQ_sti;
	cr_assert_eq(run_budget(5), TVT_EXIT_interrupt);
	cr_assert_eq(tv.exit.qual, IRQ_sti);
	cr_assert_eq(tv.guest.pc, pc, "not delivered");
	cr_assert_eq(tv.guest.csr.traps, 0);
	cr_assert(csr_sip(&tv.guest.csr) & SIP_STIP, "still pending");
	/* An external interrupt is not selected: delivered. */
	tv.guest.csr.sie = SIP_SEIP;
	tv.guest.csr.seip = true;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.csr.scause, CAUSE_INTERRUPT | IRQ_sei);
}

Test(tvt, injected_event_is_delivered_on_entry, INIT)
{
	uint32_t pc = TVT_PROG(ENC_NOP);
	tv.inject = (struct tvt_event){ true, EXC_load_page_fault, 0x1234 };
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.csr.scause, EXC_load_page_fault);
	cr_assert_eq(tv.guest.csr.stval, 0x1234);
	cr_assert_eq(tv.guest.csr.sepc, pc);
	cr_assert_not(tv.inject.valid, "consumed");
	tv.inject = (struct tvt_event){ true, 40, 0 };
	cr_assert_eq(run_budget(1), TVT_EXIT_entry_fail, "an impossible cause");
	cr_assert_eq(tv.exit.qual, TVT_BAD_EVENT);
}
