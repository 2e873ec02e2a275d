/*
 * csr_test.c -- Zicsr and the S-mode CSRs, against the unprivileged spec
 * ("Zicsr", "Zicntr") and the privileged spec (2.1 "CSR Address Mapping
 * Conventions", ch. "Supervisor-Level ISA", and Sstc).
 *
 * CSR numbers are written out here from the specs, not taken from
 * csrs.def, so the table itself is under test too.
 */
#include <criterion/criterion.h>

#include "tests/cpu/harness.h"

TestSuite(csr, .init = th_setup, .fini = th_teardown);

enum {
	SSTATUS = 0x100,
	SIE = 0x104,
	STVEC = 0x105,
	SCOUNTEREN = 0x106,
	SSCRATCH = 0x140,
	SEPC = 0x141,
	SCAUSE = 0x142,
	STVAL = 0x143,
	SIP = 0x144,
	STIMECMP = 0x14d,
	STIMECMPH = 0x15d,
	SATP = 0x180,
	CYCLE = 0xc00,
	TIME = 0xc01,
	INSTRET = 0xc02,
	CYCLEH = 0xc80,
	TIMEH = 0xc81,
	INSTRETH = 0xc82,
};

static const unsigned s_csrs[] = { SSTATUS, SIE,   STVEC, SCOUNTEREN, SSCRATCH,	 SEPC,
				   SCAUSE,  STVAL, SIP,	  STIMECMP,   STIMECMPH, SATP };
static const unsigned counters[] = { CYCLE, TIME, INSTRET, CYCLEH, TIMEH, INSTRETH };
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* csrr x5, csr (csrrs x5, csr, x0) in the current mode; must not trap
 * (checked by the pc: scause/sepc/stval may be the CSR under test). */
static uint32_t guest_csrr(unsigned csr)
{
	th_cpu.x[5] = 0x5a5a5a5a;
	uint32_t at = TH_RUN(enc_csr(INSN_csrrs, 5, csr, 0));
	cr_assert_eq(th_cpu.pc, at + 4, "csrr %#x trapped", csr);
	return th_cpu.x[5];
}

/* csrw csr, v (csrrw x0, csr, x6); must not trap. */
static void guest_csrw(unsigned csr, uint32_t v)
{
	th_cpu.x[6] = v;
	uint32_t at = TH_RUN(enc_csr(INSN_csrrw, 0, csr, 6));
	cr_assert_eq(th_cpu.pc, at + 4, "csrw %#x trapped", csr);
}

/* Run `w` and expect illegal-instruction with stval = the instruction
 * word (TRV32 reports the word, as the privileged spec allows), rd
 * untouched. */
static void expect_illegal(uint32_t w)
{
	enum cpu_priv from = th_cpu.csr.priv;
	th_clear_trap();
	th_cpu.x[5] = 0x5a5a5a5a;
	uint32_t at = TH_RUN(w);
	th_assert_exc(EXC_illegal, at, w);
	cr_assert_eq(th_cpu.x[5], 0x5a5a5a5a, "rd not written by %#010x", w);
	cr_assert_eq(!!(th_cpu.csr.sstatus & SSTATUS_SPP), from == PRIV_S, "SPP = the old mode");
	th_cpu.csr.priv = from;
}

/* Privileged spec 2.1: bits [9:8] of a CSR number give the lowest
 * privilege that may access it; an access from a lower mode is an illegal
 * instruction -- reads and writes alike. */
Test(csr, s_csrs_from_u_mode_are_illegal)
{
	for (size_t i = 0; i < N(s_csrs); i++) {
		th_cpu.csr.sscratch = 0x600df00d;
		th_cpu.csr.priv = PRIV_U;
		expect_illegal(enc_csr(INSN_csrrs, 5, s_csrs[i], 0));
		th_cpu.csr.priv = PRIV_U;
		th_cpu.x[6] = 0xffffffff;
		expect_illegal(enc_csr(INSN_csrrw, 0, s_csrs[i], 6));
		th_cpu.csr.priv = PRIV_U;
		expect_illegal(enc_csr(INSN_csrrci, 5, s_csrs[i], 31));
		cr_assert_eq(th_cpu.csr.sscratch, 0x600df00d, "U-mode wrote sscratch");
	}
}

/* Bits [11:10] = 11 mark a read-only CSR: an attempt to write it is an
 * illegal instruction.  csrrw/csrrwi always write; csrrs/csrrc write
 * unless rs1 is x0 -- even if the register holds 0; csrrsi/csrrci write
 * unless uimm is 0 (Zicsr, "CSR Instructions"). */
Test(csr, read_only_counters)
{
	for (size_t i = 0; i < N(counters); i++) {
		unsigned c = counters[i];
		th_cpu.x[6] = 0; /* a zero *value* in a register other than x0 */
		expect_illegal(enc_csr(INSN_csrrw, 5, c, 6));
		expect_illegal(enc_csr(INSN_csrrw, 0, c, 6));
		expect_illegal(enc_csr(INSN_csrrwi, 5, c, 0));
		expect_illegal(enc_csr(INSN_csrrs, 5, c, 6));
		expect_illegal(enc_csr(INSN_csrrc, 5, c, 6));
		expect_illegal(enc_csr(INSN_csrrsi, 5, c, 1));
		expect_illegal(enc_csr(INSN_csrrci, 5, c, 1));
		/* the read-only forms are legal */
		static const enum insn_id ro[] = { INSN_csrrs, INSN_csrrc, INSN_csrrsi,
						   INSN_csrrci };
		for (size_t k = 0; k < N(ro); k++) {
			th_clear_trap();
			uint32_t at = TH_RUN(enc_csr(ro[k], 5, c, 0));
			th_assert_no_trap();
			cr_assert_eq(th_cpu.pc, at + 4);
		}
	}
}

/* Numbers TRV32 does not implement: F-extension, M-mode and custom CSRs.
 * Accessing a CSR that does not exist is an illegal instruction. */
Test(csr, unknown_csrs_are_illegal)
{
	static const unsigned unknown[] = { 0x001, 0x003, 0x300, 0x305, 0x341,
					    0x5c0, 0x7c0, 0x9c0, 0xdc0, 0xfc0 };
	for (size_t i = 0; i < N(unknown); i++) {
		expect_illegal(enc_csr(INSN_csrrs, 5, unknown[i], 0));
		th_cpu.x[6] = 1;
		expect_illegal(enc_csr(INSN_csrrw, 0, unknown[i], 6));
	}
}

/* Zicntr + privileged spec "Counter-Enable Register (scounteren)": in
 * U-mode, cycle/time/instret (and their h halves) are readable only when
 * scounteren's CY/TM/IR bit is set; otherwise illegal.  S-mode reads them
 * always (TRV32 has no M-mode, so no mcounteren to consult). */
Test(csr, counters_from_u_gated_by_scounteren)
{
	static const uint32_t bit[] = { 1, 2, 4, 1, 2, 4 };
	for (size_t i = 0; i < N(counters); i++) {
		th_cpu.csr.scounteren = 0x7 & ~bit[i];
		th_cpu.csr.priv = PRIV_U;
		expect_illegal(enc_csr(INSN_csrrs, 5, counters[i], 0));
		th_cpu.csr.scounteren = bit[i];
		th_cpu.csr.priv = PRIV_U;
		guest_csrr(counters[i]);
		cr_assert_eq(th_cpu.csr.priv, PRIV_U, "still in U-mode: no trap");
		th_cpu.csr.priv = PRIV_S;
		th_cpu.csr.scounteren = 0;
		guest_csrr(counters[i]);
	}
}

/* instret counts retired instructions, the CSR reads among them: two
 * reads k instructions apart differ by k+1.  cycle advances with it (one
 * instruction per cycle); time is cycle / 10 (cpu.h). */
Test(csr, counter_values)
{
	th_cpu.x[9] = 0;
	TH_RUN(enc_csr(INSN_csrrs, 5, INSTRET, 0), ENC_NOP, ENC_NOP, ENC_NOP,
	       enc_csr(INSN_csrrs, 6, INSTRET, 0), enc_csr(INSN_csrrs, 7, CYCLE, 0), ENC_NOP,
	       enc_csr(INSN_csrrs, 8, CYCLE, 0));
	cr_assert_eq(th_cpu.x[6] - th_cpu.x[5], 4);
	cr_assert_eq(th_cpu.x[8] - th_cpu.x[7], 2);
	cr_assert_eq(th_cpu.x[7] - th_cpu.x[6], 1, "cycle == instret with no wfi");
	cr_assert_eq(th_cpu.csr.instret, 8);

	for (int i = 0; i < 25; i++)
		TH_RUN(ENC_NOP);
	uint64_t lo = csr_cycle(&th_cpu.csr);
	uint32_t t = guest_csrr(TIME);
	cr_assert(t >= lo / 10 && t <= (lo + 1) / 10, "time %u at cycle %llu", t,
		  (unsigned long long)lo);

	/* the h halves are bits 63:32 */
	th_cpu.csr.instret = 0x2fffffff0ull;
	uint32_t hi = guest_csrr(INSTRETH);
	cr_assert_eq(hi, 2);
	cr_assert_eq(guest_csrr(CYCLEH), 2);
	cr_assert_eq(guest_csrr(TIMEH), (uint32_t)(csr_cycle(&th_cpu.csr) / 10 >> 32));
	uint32_t low = guest_csrr(INSTRET);
	cr_assert(low >= 0xfffffff0u, "instret low half %#x", low);
}

/* sstatus: only SIE, SPIE, SPP, SUM and MXR exist in TRV32; every other
 * bit reads as zero (SD is 0: no FS/VS/XS state). */
Test(csr, sstatus_writable_mask)
{
	guest_csrw(SSTATUS, 0xffffffff);
	cr_assert_eq(guest_csrr(SSTATUS), 0x000c0122, "SIE|SPIE|SPP|SUM|MXR");
	guest_csrw(SSTATUS, 0);
	cr_assert_eq(guest_csrr(SSTATUS), 0);
	guest_csrw(SSTATUS, SSTATUS_SUM | SSTATUS_SPIE);
	cr_assert_eq(guest_csrr(SSTATUS), SSTATUS_SUM | SSTATUS_SPIE);
}

/* sie: SSIE, STIE, SEIE writable.  sip: SSIP writable; STIP (Sstc: time
 * >= stimecmp) and SEIP (the interrupt controller's line) are read-only
 * in sip. */
Test(csr, sie_sip_masks)
{
	guest_csrw(SIE, 0xffffffff);
	cr_assert_eq(guest_csrr(SIE), 0x222);
	guest_csrw(SIE, 0);
	cr_assert_eq(guest_csrr(SIE), 0);

	guest_csrw(SIP, 0xffffffff);
	cr_assert_eq(guest_csrr(SIP), SIP_SSIP, "only SSIP is writable");
	guest_csrw(SIP, 0);
	cr_assert_eq(guest_csrr(SIP), 0);

	cpu_set_irq(&th_cpu, IRQ_sei, 1);
	cr_assert_eq(guest_csrr(SIP) & SIP_SEIP, SIP_SEIP, "SEIP follows the line");
	guest_csrw(SIP, 0);
	cr_assert_eq(guest_csrr(SIP) & SIP_SEIP, SIP_SEIP, "software cannot clear SEIP");
	cpu_set_irq(&th_cpu, IRQ_sei, 0);
	cr_assert_eq(guest_csrr(SIP) & SIP_SEIP, 0);

	guest_csrw(STIMECMPH, 0);
	guest_csrw(STIMECMP, 0); /* time >= 0: STIP */
	cr_assert_eq(guest_csrr(SIP) & SIP_STIP, SIP_STIP);
	th_cpu.x[7] = 0xffffffff;
	TH_RUN(enc_csr(INSN_csrrc, 0, SIP, 7));
	cr_assert_eq(guest_csrr(SIP) & SIP_STIP, SIP_STIP, "software cannot clear STIP");
	guest_csrw(STIMECMPH, 0x7fffffff); /* far future: STIP clears */
	cr_assert_eq(guest_csrr(SIP) & SIP_STIP, 0);
	th_assert_no_trap();
}

/* Sstc: stimecmp is 64 bits, its high half in stimecmph on RV32. */
Test(csr, stimecmp_halves)
{
	guest_csrw(STIMECMPH, 0x12345678);
	guest_csrw(STIMECMP, 0x9abcdef0);
	cr_assert_eq(guest_csrr(STIMECMP), 0x9abcdef0);
	cr_assert_eq(guest_csrr(STIMECMPH), 0x12345678);
	cr_assert_eq(th_cpu.csr.stimecmp, 0x123456789abcdef0ull);
}

/* stvec: MODE 0 direct, 1 vectored; 2 and 3 are reserved, so a read
 * must never return them (WARL).  BASE is 4-byte aligned. */
Test(csr, stvec_modes)
{
	guest_csrw(STVEC, TH_TRAP);
	cr_assert_eq(guest_csrr(STVEC), TH_TRAP);
	guest_csrw(STVEC, TH_TRAP | 1);
	cr_assert_eq(guest_csrr(STVEC), TH_TRAP | 1);
	guest_csrw(STVEC, TH_TRAP | 2);
	cr_assert_lt(guest_csrr(STVEC) & 3, 2, "reserved MODE 2 read back");
	guest_csrw(STVEC, TH_TRAP | 3);
	cr_assert_lt(guest_csrr(STVEC) & 3, 2, "reserved MODE 3 read back");
}

/* sepc: with IALIGN=32 (no C extension) sepc[1:0] are always zero. */
Test(csr, sepc_low_bits)
{
	guest_csrw(SEPC, 0xffffffff);
	cr_assert_eq(guest_csrr(SEPC), 0xfffffffc);
	guest_csrw(SEPC, TH_CODE + 2);
	cr_assert_eq(guest_csrr(SEPC), TH_CODE);
}

/* sscratch and stval hold any 32-bit value; scause holds the legal cause
 * values; scounteren's CY, TM, IR bits are writable; satp keeps MODE=Bare
 * and its PPN. */
Test(csr, plain_registers)
{
	guest_csrw(SSCRATCH, 0xa5a5a5a5);
	cr_assert_eq(guest_csrr(SSCRATCH), 0xa5a5a5a5);
	guest_csrw(STVAL, 0x12345678);
	cr_assert_eq(guest_csrr(STVAL), 0x12345678);
	guest_csrw(SCAUSE, 8);
	cr_assert_eq(guest_csrr(SCAUSE), 8);
	guest_csrw(SCAUSE, 0x80000005);
	cr_assert_eq(guest_csrr(SCAUSE), 0x80000005);
	guest_csrw(SCOUNTEREN, 7);
	cr_assert_eq(guest_csrr(SCOUNTEREN) & 7, 7);
	guest_csrw(SATP, 0x00012345); /* Bare: no translation starts */
	cr_assert_eq(guest_csrr(SATP) & 0x803fffff, 0x00012345);
}

/* The six Zicsr forms: rd gets the old value; W writes rs1/uimm, S sets
 * and C clears the bits it names. */
Test(csr, read_modify_write_forms)
{
	th_cpu.csr.sscratch = 0x0000ff00;
	th_cpu.x[6] = 0x12345678;
	th_cpu.x[7] = 0x000000f0;
	TH_RUN(enc_csr(INSN_csrrw, 10, SSCRATCH, 6),	 /* old ff00; now 12345678 */
	       enc_csr(INSN_csrrc, 11, SSCRATCH, 7),	 /* clear f0 -> 12345608 */
	       enc_csr(INSN_csrrs, 12, SSCRATCH, 7),	 /* set f0 -> 123456f8 */
	       enc_csr(INSN_csrrwi, 13, SSCRATCH, 31),	 /* -> 1f */
	       enc_csr(INSN_csrrci, 14, SSCRATCH, 3),	 /* -> 1c */
	       enc_csr(INSN_csrrsi, 15, SSCRATCH, 0x10), /* no change: 1c */
	       enc_csr(INSN_csrrs, 16, SSCRATCH, 0));
	cr_assert_eq(th_cpu.x[10], 0x0000ff00);
	cr_assert_eq(th_cpu.x[11], 0x12345678);
	cr_assert_eq(th_cpu.x[12], 0x12345608);
	cr_assert_eq(th_cpu.x[13], 0x123456f8);
	cr_assert_eq(th_cpu.x[14], 0x1f);
	cr_assert_eq(th_cpu.x[15], 0x1c);
	cr_assert_eq(th_cpu.x[16], 0x1c);
	th_assert_no_trap();
}

/* csrrw with rd = x0 writes but does not read (nothing observable in
 * TRV32 beyond x0 staying 0); the source register is read before rd is
 * written when they are the same. */
Test(csr, csrrw_rd_x0_and_swap)
{
	th_cpu.csr.sscratch = 1;
	th_cpu.x[6] = 2;
	TH_RUN(enc_csr(INSN_csrrw, 0, SSCRATCH, 6));
	cr_assert_eq(th_cpu.csr.sscratch, 2);
	cr_assert_eq(th_cpu.x[0], 0);
	TH_RUN(enc_csr(INSN_csrrw, 6, SSCRATCH, 6)); /* swap: x6 <-> sscratch */
	cr_assert_eq(th_cpu.x[6], 2);
	cr_assert_eq(th_cpu.csr.sscratch, 2);
	th_cpu.x[6] = 9;
	TH_RUN(enc_csr(INSN_csrrw, 6, SSCRATCH, 6));
	cr_assert_eq(th_cpu.x[6], 2);
	cr_assert_eq(th_cpu.csr.sscratch, 9);
}

/* A trap's CSR write leaves the other CSRs alone and the CSR write from a
 * trapping instruction never happens (it did not retire). */
Test(csr, trapping_csr_write_has_no_effect)
{
	th_cpu.csr.sscratch = 5;
	th_cpu.csr.priv = PRIV_U;
	th_cpu.x[6] = 7;
	expect_illegal(enc_csr(INSN_csrrw, 5, SSCRATCH, 6));
	cr_assert_eq(th_cpu.csr.sscratch, 5);
	/* cpu_run's budget of 1 went to the trap (traps count toward it):
	 * the trapping csrrw did not retire. */
	cr_assert_eq(th_cpu.csr.instret, 0, "the trapping csrrw retired");
	cr_assert_eq(th_cpu.csr.traps, 1, "one trap taken");
}
