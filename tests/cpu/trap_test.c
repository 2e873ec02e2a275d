/*
 * trap_test.c -- exceptions and interrupts as the privileged spec defines
 * them for S-mode (ch. "Supervisor-Level ISA": sstatus, stvec, sip/sie,
 * scause, sepc, stval; "Trap-Return Instructions"; "Wait for Interrupt")
 * plus Sstc's stimecmp.  TRV32 has no M-mode, so every trap goes to S.
 */
#include <criterion/criterion.h>

#include "tests/cpu/harness.h"

TestSuite(trap, .init = th_setup, .fini = th_teardown);

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define INTR(c) (CAUSE_INTERRUPT | (c))

/* --- synchronous exceptions --- */

/* ecall: cause 8 from U, 9 from S (when no firmware answers it); sepc
 * = the ecall itself; stval = 0 ("for other traps, stval is set to zero"). */
Test(trap, ecall_from_u)
{
	th_cpu.csr.priv = PRIV_U;
	uint32_t at = TH_RUN(enc_sys(INSN_ecall));
	th_assert_exc(EXC_ecall_u, at, 0);
	cr_assert_eq(th_cpu.csr.sstatus & SSTATUS_SPP, 0, "SPP = U");
}

Test(trap, ecall_from_s_without_firmware)
{
	cr_assert_null(th_cpu.ecall_s);
	uint32_t at = TH_RUN(enc_sys(INSN_ecall));
	th_assert_exc(EXC_ecall_s, at, 0);
	cr_assert_eq(th_cpu.csr.sstatus & SSTATUS_SPP, SSTATUS_SPP, "SPP = S");
}

/* ebreak: breakpoint (3); TRV32 writes the pc to stval (the spec allows
 * the faulting virtual address or zero). */
Test(trap, ebreak)
{
	uint32_t at = TH_RUN(enc_sys(INSN_ebreak));
	th_assert_exc(EXC_breakpoint, at, at);
	th_clear_trap();
	th_cpu.csr.priv = PRIV_U;
	at = TH_RUN(enc_sys(INSN_ebreak));
	th_assert_exc(EXC_breakpoint, at, at);
}

/* Words that are no TRV32 instruction: illegal-instruction (2), stval =
 * the instruction bits, rd untouched.  All-zero and all-ones words are
 * illegal by the spec's design; the rest belong to extensions or widths
 * TRV32 lacks, or are reserved encodings of RV32I/M/A. */
Test(trap, illegal_words)
{
	static const uint32_t words[] = {
		0x00000000,	       /* defined illegal */
		0xffffffff,	       /* reserved (long encoding) */
		0x00000001,	       /* c.nop: no C extension */
		0x00004501,	       /* c.li: no C extension */
		0x30200073,	       /* mret: no M-mode */
		0x7b200073,	       /* dret */
		0x10200073 | 1u << 7,  /* sret with rd != 0 */
		0x00002287,	       /* flw x5,0(x0): no F */
		0x0000029b,	       /* addiw x5,x0,0: RV64 */
		0x000002bb,	       /* addw: RV64 */
		0x00003283,	       /* ld: RV64 */
		0x00003023,	       /* sd: RV64 */
		0x0000302f,	       /* amoadd.d: RV64 */
		0x000012e7,	       /* jalr with funct3 = 1 */
		0x00002063,	       /* branch funct3 = 2 */
		0x00003063,	       /* branch funct3 = 3 */
		0x06000033,	       /* R-type, funct7 = 3 */
		0x02001293 | 1u << 25, /* slli x5,x0,32: shamt[5] set on RV32 */
		0x40005293 | 1u << 25, /* srai x5,x0,32 */
		0x0000d073 | 1u << 7,  /* CSR funct3 = 4 */
	};
	for (size_t i = 0; i < N(words); i++) {
		th_clear_trap();
		th_cpu.csr.priv = PRIV_S;
		th_cpu.x[5] = 0x5a5a5a5a;
		uint32_t at = TH_RUN(words[i]);
		cr_expect_eq(th_cpu.csr.scause, EXC_illegal, "%#010x: scause %#x", words[i],
			     th_cpu.csr.scause);
		if (th_cpu.csr.scause == EXC_illegal)
			th_assert_exc(EXC_illegal, at, words[i]);
		cr_assert_eq(th_cpu.x[5], 0x5a5a5a5a, "%#010x wrote x5", words[i]);
	}
}

/* sret, wfi and sfence.vma are S-mode instructions: illegal in U-mode
 * (TRV32 is strict here, issue #2; the spec makes them illegal in U-mode
 * anyway, with TW/TSR/TVM concerning S-mode only). */
Test(trap, privileged_instructions_from_u)
{
	const uint32_t words[] = { enc_sys(INSN_sret), enc_sys(INSN_wfi),
				   enc_r(INSN_sfence_vma, 0, 0, 0),
				   enc_r(INSN_sfence_vma, 0, 7, 8) };
	for (size_t i = 0; i < N(words); i++) {
		th_clear_trap();
		th_cpu.csr.priv = PRIV_U;
		th_cpu.csr.sepc = 0x1234; /* an sret that executed would go here */
		th_cpu.csr.sstatus = SSTATUS_SPP;
		uint32_t at = TH_RUN(words[i]);
		th_assert_exc(EXC_illegal, at, words[i]);
		cr_assert_eq(th_cpu.csr.sstatus & SSTATUS_SPP, 0, "came from U");
	}
}

/* Trap entry: SPP = the old mode, SPIE = the old SIE, SIE = 0, mode = S,
 * pc = stvec.BASE, sepc = the trapping pc. */
Test(trap, entry_saves_mode_and_sie)
{
	th_cpu.csr.sstatus = SSTATUS_SIE;
	uint32_t at = TH_RUN(enc_sys(INSN_ecall));
	th_assert_exc(EXC_ecall_s, at, 0);
	cr_assert_eq(th_cpu.csr.sstatus & (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP),
		     SSTATUS_SPIE | SSTATUS_SPP);

	th_clear_trap();
	th_cpu.csr.priv = PRIV_U;
	th_cpu.csr.sstatus = SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SUM; /* SIE = 0 */
	at = TH_RUN(enc_sys(INSN_ecall));
	th_assert_exc(EXC_ecall_u, at, 0);
	cr_assert_eq(th_cpu.csr.sstatus, SSTATUS_SUM, "SPP = U, SPIE = old SIE (0), SUM kept");
}

/* sret: mode = SPP, SIE = SPIE, SPIE = 1, SPP = U, pc = sepc. */
Test(trap, sret_restores)
{
	uint32_t target = TH_CODE + 0x100;
	th_put32(target, ENC_LOOP);
	th_cpu.csr.sepc = target;
	th_cpu.csr.sstatus = SSTATUS_SPIE | SSTATUS_SUM; /* SPP = U */
	TH_RUN(enc_sys(INSN_sret));
	cr_assert_eq(th_cpu.pc, target);
	cr_assert_eq(th_cpu.csr.priv, PRIV_U);
	cr_assert_eq(th_cpu.csr.sstatus, SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SUM);

	th_cpu.csr.priv = PRIV_S;
	th_cpu.csr.sstatus = SSTATUS_SPP | SSTATUS_SIE; /* SPIE = 0 */
	TH_RUN(enc_sys(INSN_sret));
	cr_assert_eq(th_cpu.pc, target);
	cr_assert_eq(th_cpu.csr.priv, PRIV_S);
	cr_assert_eq(th_cpu.csr.sstatus, SSTATUS_SPIE, "SIE = old SPIE (0), SPIE = 1, SPP = U");
}

/* A round trip: U-mode ecall, an S-mode handler that steps sepc over the
 * ecall and returns, and U-mode carries on after the ecall. */
Test(trap, ecall_round_trip)
{
	uint32_t handler = TH_PROG(enc_csr(INSN_csrrs, 20, 0x141, 0), /* csrr x20, sepc */
				   enc_i(INSN_addi, 20, 20, 4),
				   enc_csr(INSN_csrrw, 0, 0x141, 20), /* csrw sepc, x20 */
				   enc_csr(INSN_csrrs, 21, 0x142, 0), /* csrr x21, scause */
				   enc_sys(INSN_sret));
	th_cpu.csr.stvec = handler;
	uint32_t at =
	    TH_PROG(enc_i(INSN_addi, 5, 0, 1), enc_sys(INSN_ecall), enc_i(INSN_addi, 6, 0, 2));
	th_cpu.csr.priv = PRIV_U;
	th_run(2 + 5 + 1); /* addi, ecall (does not retire), handler, addi */
	cr_assert_eq(th_cpu.x[21], EXC_ecall_u);
	cr_assert_eq(th_cpu.x[5], 1);
	cr_assert_eq(th_cpu.x[6], 2);
	cr_assert_eq(th_cpu.csr.priv, PRIV_U);
	cr_assert_eq(th_cpu.pc, at + 12);
}

/* With IALIGN=32, a taken jump or branch to an address that is not a
 * multiple of 4 raises instruction-address-misaligned (0) on the jump
 * itself: sepc = the jump, stval = the target (unprivileged spec 2.5:
 * "reported on the branch or jump instruction, not on the target").  The
 * jump has not retired, so rd is not written (exceptions are precise; the
 * Sail model writes rd only on success, and riscv-tests rv64si/ma_fetch
 * checks "return address was not written").  Not-taken branches never
 * trap. */
Test(trap, misaligned_jal)
{
	th_cpu.x[1] = 0x5a5a5a5a;
	uint32_t at = TH_RUN(enc_j(INSN_jal, 1, 2));
	th_assert_exc(EXC_insn_misaligned, at, at + 2);
	cr_assert_eq(th_cpu.x[1], 0x5a5a5a5a, "jal must not write rd (it wrote %#x)", th_cpu.x[1]);
}

Test(trap, misaligned_jalr)
{
	th_cpu.x[1] = 0x5a5a5a5a;
	uint32_t at = TH_PROG(enc_i(INSN_jalr, 1, 2, 0));
	th_cpu.x[2] = at + 6;
	th_run(1);
	th_assert_exc(EXC_insn_misaligned, at, at + 6);
	cr_assert_eq(th_cpu.x[1], 0x5a5a5a5a, "jalr must not write rd (it wrote %#x)", th_cpu.x[1]);

	th_clear_trap();
	th_cpu.csr.priv = PRIV_S;
	at = TH_PROG(enc_i(INSN_jalr, 2, 2, 0)); /* rd == rs1 */
	th_cpu.x[2] = at + 3;			 /* bit 0 is cleared, bit 1 is not */
	th_run(1);
	th_assert_exc(EXC_insn_misaligned, at, at + 2);
	cr_assert_eq(th_cpu.x[2], at + 3, "jalr must not write rd (it wrote %#x)", th_cpu.x[2]);
}

Test(trap, misaligned_branch)
{
	uint32_t at = TH_RUN(enc_b(INSN_beq, 0, 0, 2));
	th_assert_exc(EXC_insn_misaligned, at, at + 2);

	th_clear_trap();
	at = TH_RUN(enc_b(INSN_bne, 0, 0, 2), ENC_NOP);
	th_assert_no_trap();
	cr_assert_eq(th_cpu.pc, at + 8);
}

/* A load/store to a physical address where nothing answers: load access
 * fault (5) / store access fault (7), stval = the effective address;
 * the load's rd is not written, even when it is x0. */
Test(trap, access_faults)
{
	th_cpu.x[6] = TH_NOWHERE + 0x10;
	th_cpu.x[5] = 0x5a5a5a5a;
	uint32_t at = TH_RUN(enc_i(INSN_lw, 5, 6, -8));
	th_assert_exc(EXC_load_access, at, TH_NOWHERE + 8);
	cr_assert_eq(th_cpu.x[5], 0x5a5a5a5a);

	th_clear_trap();
	at = TH_RUN(enc_i(INSN_lbu, 0, 6, 1));
	th_assert_exc(EXC_load_access, at, TH_NOWHERE + 0x11);

	th_clear_trap();
	at = TH_RUN(enc_s(INSN_sw, 6, 5, 4));
	th_assert_exc(EXC_store_access, at, TH_NOWHERE + 0x14);

	th_clear_trap();
	at = TH_RUN(enc_s(INSN_sb, 6, 5, 0));
	th_assert_exc(EXC_store_access, at, TH_NOWHERE + 0x10);
}

/* Fetching from nowhere: instruction access fault (1), sepc = stval = the
 * address; the jump that got there retired normally. */
Test(trap, fetch_access_fault)
{
	th_cpu.x[2] = TH_NOWHERE;
	uint32_t at = TH_PROG(enc_i(INSN_jalr, 1, 2, 0));
	th_run(1);
	th_run(1);
	th_assert_exc(EXC_insn_access, TH_NOWHERE, TH_NOWHERE);
	cr_assert_eq(th_cpu.x[1], at + 4);
}

/* --- interrupts --- */

/* 0: csrw stimecmph, x0; 1: csrw stimecmp, x5 (= 3); then 40 x addi
 * x6,x6,1.  time = cycle / 10 reaches 3 when 30 instructions have
 * retired, so STIP (time >= stimecmp) rises before instruction 30. */
static uint32_t timer_prog(void)
{
	uint32_t w[42];
	w[0] = enc_csr(INSN_csrrw, 0, 0x15d, 0);
	w[1] = enc_csr(INSN_csrrw, 0, 0x14d, 5);
	for (int i = 2; i < 42; i++)
		w[i] = enc_i(INSN_addi, 6, 6, 1);
	uint32_t at = th_prog(w, 42);
	th_cpu.x[5] = 3;
	th_cpu.x[6] = 0;
	return at;
}

/* Sstc + "Supervisor Interrupt Registers": a pending STI is taken in
 * S-mode when sie.STIE and sstatus.SIE are set.  TRV32 takes it at the
 * first instruction boundary where it is pending; scause = interrupt|5,
 * sepc = the instruction not yet executed, stval = 0. */
Test(trap, timer_interrupt_in_s_mode)
{
	th_cpu.csr.sie = SIP_STIP;
	th_cpu.csr.sstatus = SSTATUS_SIE;
	uint32_t at = timer_prog();
	th_run(60);
	th_assert_exc(INTR(IRQ_sti), at + 30 * 4, 0);
	cr_assert_eq(th_cpu.x[6], 28);
	cr_assert_eq(th_cpu.csr.sstatus & (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP),
		     SSTATUS_SPIE | SSTATUS_SPP);
}

/* SIE = 0 in S-mode: not taken, but sip.STIP shows it pending. */
Test(trap, timer_masked_by_sie_in_s_mode)
{
	th_cpu.csr.sie = SIP_STIP;
	uint32_t at = timer_prog();
	th_run(42);
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[6], 40);
	cr_assert_eq(th_cpu.pc, at + 42 * 4);
	cr_assert_eq(csr_sip(&th_cpu.csr) & SIP_STIP, SIP_STIP);
}

/* sie.STIE = 0: not taken, in either mode. */
Test(trap, timer_masked_by_stie)
{
	th_cpu.csr.sstatus = SSTATUS_SIE;
	uint32_t at = timer_prog();
	th_run(42);
	th_assert_no_trap();
	cr_assert_eq(th_cpu.pc, at + 42 * 4);
}

/* In U-mode, S-level interrupts are enabled whatever sstatus.SIE says
 * ("interrupts for higher-privilege modes are always globally enabled"). */
Test(trap, timer_interrupt_in_u_mode_ignores_sie)
{
	uint32_t w[40];
	for (int i = 0; i < 40; i++)
		w[i] = enc_i(INSN_addi, 6, 6, 1);
	uint32_t at = th_prog(w, 40);
	th_cpu.csr.stimecmp = 3;
	th_cpu.csr.sie = SIP_STIP;
	th_cpu.csr.sstatus = 0;
	th_cpu.csr.priv = PRIV_U;
	th_run(60);
	th_assert_exc(INTR(IRQ_sti), at + 30 * 4, 0);
	cr_assert_eq(th_cpu.x[6], 30);
	cr_assert_eq(th_cpu.csr.sstatus & (SSTATUS_SPP | SSTATUS_SPIE), 0);
}

/* Setting SIE with an interrupt already pending and enabled takes it
 * right after the csrs that set SIE. */
Test(trap, pending_interrupt_taken_when_enabled)
{
	th_cpu.csr.stimecmp = 0;
	th_cpu.csr.sie = SIP_STIP;
	uint32_t at = TH_PROG(ENC_NOP, enc_csr(INSN_csrrsi, 0, 0x100, 2), ENC_NOP);
	th_run(4);
	th_assert_exc(INTR(IRQ_sti), at + 8, 0);
}

/* Vectored stvec: interrupts go to BASE + 4 * cause, exceptions to BASE. */
Test(trap, vectored_stvec)
{
	th_cpu.csr.stvec = TH_TRAP | STVEC_VECTORED;
	uint32_t at = TH_RUN(enc_sys(INSN_ecall));
	cr_assert_eq(th_cpu.csr.scause, EXC_ecall_s);
	cr_assert_eq(th_cpu.csr.sepc, at);
	cr_assert_eq(th_cpu.pc, TH_TRAP, "exceptions use BASE");

	static const uint32_t irqs[] = { IRQ_ssi, IRQ_sti, IRQ_sei };
	for (size_t i = 0; i < N(irqs); i++) {
		th_clear_trap();
		th_cpu.csr.priv = PRIV_U;
		th_cpu.csr.sie = 1u << irqs[i];
		th_cpu.csr.stimecmp = irqs[i] == IRQ_sti ? 0 : ~0ull;
		th_cpu.csr.sip_ssip = irqs[i] == IRQ_ssi ? SIP_SSIP : 0;
		cpu_set_irq(&th_cpu, IRQ_sei, irqs[i] == IRQ_sei);
		at = TH_PROG(ENC_NOP);
		th_run(1);
		cr_assert_eq(th_cpu.csr.scause, INTR(irqs[i]));
		cr_assert_eq(th_cpu.csr.sepc, at);
		cr_assert_eq(th_cpu.pc, TH_TRAP + 4 * irqs[i], "cause %u: pc %#x", irqs[i],
			     th_cpu.pc);
	}
}

/* Several pending and enabled: SEI, then SSI, then STI ("Supervisor
 * Interrupt Registers": priority order SEI, SSI, STI). */
static void check_first_taken(bool sei, bool ssi, bool sti, uint32_t want)
{
	th_clear_trap();
	th_cpu.csr.priv = PRIV_S;
	th_cpu.csr.sstatus = 0;
	th_cpu.csr.sip_ssip = 0;
	th_cpu.csr.sie = SIE_MASK;
	th_cpu.csr.stimecmp = sti ? 0 : ~0ull;
	cpu_set_irq(&th_cpu, IRQ_sei, sei);
	th_cpu.x[7] = ssi ? SIP_SSIP : 0;
	uint32_t at = TH_PROG(enc_csr(INSN_csrrs, 0, 0x144, 7),	 /* sip |= SSIP */
			      enc_csr(INSN_csrrsi, 0, 0x100, 2), /* SIE = 1 */
			      ENC_NOP);
	th_run(3);
	th_assert_exc(INTR(want), at + 8, 0);
}

Test(trap, interrupt_priority)
{
	check_first_taken(true, true, true, IRQ_sei);
	check_first_taken(false, true, true, IRQ_ssi);
	check_first_taken(true, false, true, IRQ_sei);
	check_first_taken(true, true, false, IRQ_sei);
	check_first_taken(false, false, true, IRQ_sti);
}

/* A software interrupt raised by writing sip.SSIP. */
Test(trap, software_interrupt)
{
	th_cpu.csr.sie = SIP_SSIP;
	th_cpu.csr.sstatus = SSTATUS_SIE;
	uint32_t at = TH_PROG(enc_csr(INSN_csrrsi, 0, 0x144, 2), ENC_NOP);
	th_run(2);
	th_assert_exc(INTR(IRQ_ssi), at + 4, 0);
}

/* An external interrupt raised by the interrupt controller between runs
 * is taken before the next instruction. */
Test(trap, external_interrupt)
{
	th_cpu.csr.sie = SIP_SEIP;
	th_cpu.csr.priv = PRIV_U;
	uint32_t at = TH_PROG(ENC_NOP, ENC_NOP, ENC_NOP);
	th_run(1);
	cr_assert_eq(th_cpu.pc, at + 4);
	cpu_set_irq(&th_cpu, IRQ_sei, 1);
	th_run(1);
	th_assert_exc(INTR(IRQ_sei), at + 4, 0);
}

/* wfi: the hart sleeps until a locally enabled (sie) interrupt is
 * pending.  With SIE = 1 the interrupt is taken with sepc = the
 * instruction after the wfi; with SIE = 0 execution simply resumes there.
 * Time keeps running while it sleeps. */
Test(trap, wfi_wakes_on_timer_and_traps)
{
	th_cpu.csr.stimecmp = 100;
	th_cpu.csr.sie = SIP_STIP;
	th_cpu.csr.sstatus = SSTATUS_SIE;
	uint32_t at = TH_PROG(enc_sys(INSN_wfi), enc_i(INSN_addi, 6, 6, 1));
	th_run(2);
	th_assert_exc(INTR(IRQ_sti), at + 4, 0);
	cr_assert_eq(th_cpu.x[6], 0);
	cr_assert_geq(csr_time(&th_cpu.csr), 100);
}

Test(trap, wfi_wakes_on_timer_with_sie_clear)
{
	th_cpu.csr.stimecmp = 100;
	th_cpu.csr.sie = SIP_STIP;
	uint32_t at = TH_PROG(enc_sys(INSN_wfi), enc_i(INSN_addi, 6, 6, 1));
	th_run(2);
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[6], 1);
	cr_assert_eq(th_cpu.pc, at + 8);
	cr_assert_geq(csr_time(&th_cpu.csr), 100);
}

/* Privileged spec 3.3.1 and Zicntr: instructions that raise synchronous
 * exceptions (ecall, ebreak, illegal, faulting loads) do not retire and
 * do not count in instret; sret does retire.  A handler reads instret:
 * between the two reads only the first csrr itself retired. */
static void check_not_retired(uint32_t w, enum cpu_priv priv)
{
	uint32_t handler = TH_PROG(enc_csr(INSN_csrrs, 20, 0xc02, 0));
	th_cpu.csr.stvec = handler;
	th_cpu.csr.scounteren = SCOUNTEREN_IR;
	th_cpu.csr.priv = priv;
	th_cpu.x[6] = TH_NOWHERE;
	TH_PROG(enc_csr(INSN_csrrs, 21, 0xc02, 0), w);
	th_run(3);
	cr_assert_eq(th_cpu.pc, handler + 4, "%#010x trapped to the handler", w);
	cr_assert_eq(th_cpu.x[20] - th_cpu.x[21], 1, "%#010x: instret moved by %u, expected 1", w,
		     th_cpu.x[20] - th_cpu.x[21]);
}

Test(trap, trapping_instructions_do_not_retire)
{
	check_not_retired(enc_sys(INSN_ecall), PRIV_U);
	check_not_retired(enc_sys(INSN_ecall), PRIV_S);
	check_not_retired(enc_sys(INSN_ebreak), PRIV_S);
	check_not_retired(0, PRIV_S);
	check_not_retired(enc_i(INSN_lw, 5, 6, 0), PRIV_S);
	check_not_retired(enc_s(INSN_sw, 6, 5, 0), PRIV_U);
	check_not_retired(enc_sys(INSN_wfi), PRIV_U);
}

/* sret retires: instret counts it. */
Test(trap, sret_retires)
{
	uint32_t target = TH_PROG(enc_csr(INSN_csrrs, 20, 0xc02, 0));
	th_cpu.csr.sepc = target;
	th_cpu.csr.sstatus = SSTATUS_SPP;
	TH_PROG(enc_csr(INSN_csrrs, 21, 0xc02, 0), enc_sys(INSN_sret));
	th_run(3);
	cr_assert_eq(th_cpu.pc, target + 4);
	cr_assert_eq(th_cpu.x[20] - th_cpu.x[21], 2);
}

/* sret into U-mode with a timer interrupt pending and enabled in sie:
 * in U-mode it is enabled, so it is taken before the first U-mode
 * instruction, with sepc = that instruction. */
Test(trap, sret_into_pending_interrupt)
{
	uint32_t target = TH_PROG(enc_i(INSN_addi, 5, 0, 1));
	th_cpu.csr.stimecmp = 0;
	th_cpu.csr.sie = SIP_STIP;
	th_cpu.csr.sepc = target;
	th_cpu.csr.sstatus = 0; /* SIE = 0 in S-mode: not taken there */
	TH_PROG(ENC_NOP, enc_sys(INSN_sret));
	th_run(3);
	th_assert_exc(INTR(IRQ_sti), target, 0);
	cr_assert_eq(th_cpu.csr.sstatus & SSTATUS_SPP, 0, "interrupted U-mode");
	cr_assert_eq(th_cpu.x[5], 0);
}

/* Writing stimecmp to a time already past makes STIP pending at once:
 * the interrupt follows the csrw. */
Test(trap, stimecmp_in_the_past_fires_at_once)
{
	th_cpu.csr.sie = SIP_STIP;
	th_cpu.csr.sstatus = SSTATUS_SIE;
	uint32_t at = TH_PROG(ENC_NOP, enc_csr(INSN_csrrw, 0, 0x15d, 0),
			      enc_csr(INSN_csrrw, 0, 0x14d, 0), ENC_NOP, ENC_NOP);
	th_run(5);
	th_assert_exc(INTR(IRQ_sti), at + 12, 0);
}

/* The timer fires at the same instruction boundary inside a loop:
 * after csrw, csrw and 28 loop instructions (14 addi, 14 jal), the 31st
 * instruction (an addi) is interrupted. */
Test(trap, timer_interrupt_inside_a_loop)
{
	th_cpu.csr.sie = SIP_STIP;
	th_cpu.csr.sstatus = SSTATUS_SIE;
	th_cpu.x[5] = 3;
	uint32_t at = TH_PROG(enc_csr(INSN_csrrw, 0, 0x15d, 0), enc_csr(INSN_csrrw, 0, 0x14d, 5),
			      enc_i(INSN_addi, 6, 6, 1), enc_j(INSN_jal, 0, -4));
	th_run(100);
	th_assert_exc(INTR(IRQ_sti), at + 8, 0);
	cr_assert_eq(th_cpu.x[6], 14);
}

/* Time passes during wfi: cycle (and time) jump ahead, instret does not. */
Test(trap, wfi_advances_cycle_not_instret)
{
	th_cpu.csr.stimecmp = 100;
	th_cpu.csr.sie = SIP_STIP;
	TH_RUN(enc_csr(INSN_csrrs, 20, 0xc02, 0), enc_csr(INSN_csrrs, 21, 0xc00, 0),
	       enc_sys(INSN_wfi), enc_csr(INSN_csrrs, 22, 0xc02, 0),
	       enc_csr(INSN_csrrs, 23, 0xc00, 0), enc_csr(INSN_csrrs, 24, 0xc01, 0));
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[22] - th_cpu.x[20], 3, "csrr, csrr, wfi retired");
	cr_assert_geq(th_cpu.x[23], 1000, "cycle %u: slept until time 100", th_cpu.x[23]);
	cr_assert_geq(th_cpu.x[24], 100, "time %u", th_cpu.x[24]);
}
