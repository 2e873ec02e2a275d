/*
 * sv32_test.c -- the Sv32 MMU against the privileged spec ("Sv32: Page-
 * Based 32-bit Virtual-Memory Systems", its "Virtual Address Translation
 * Process", and "Supervisor Memory-Management Fence Instruction").
 *
 * The address space every test starts from (root table at ROOT):
 *
 *   VA 0x80000000  4 MiB megapage, identity, R W X A D, U=0
 *                  (TH_CODE, TH_TRAP, TH_DATA, the tables: S-mode runs here)
 *   VA 0x00400000  UCODE  -> UCODE_PA, R X U A   (U-mode code)
 *   VA 0x00401000  TVA    -> TPA, flags under test
 *   VA 0x00402000  TVA2   -> TPA2 (not adjacent to TPA), R W A D
 *
 * ROOT[1] points at the level-0 table L0 for 0x00400000..0x007fffff.
 */
#include <criterion/criterion.h>

#include "tests/cpu/harness.h"

#define ROOT	 (TH_PT + 0x0000)
#define L0	 (TH_PT + 0x1000)
#define ROOT2	 (TH_PT + 0x2000) /* a second address space */
#define L0_2	 (TH_PT + 0x3000)
#define UCODE	 0x00400000u
#define UCODE_PA (TH_PAGES + 0x0000)
#define TVA	 0x00401000u
#define TPA	 (TH_PAGES + 0x1000)
#define TPA_B	 (TH_PAGES + 0x2000) /* where a remapped TVA points */
#define TVA2	 0x00402000u
#define TPA2	 (TH_PAGES + 0x5000)
#define DOFF	 0x800 /* data offset inside a test page */

#define VPN1(va)	       ((va) >> 22)
#define VPN0(va)	       (((va) >> 12) & 0x3ff)
#define PTE_AT(table, va, lvl) ((table) + 4 * ((lvl) ? VPN1(va) : VPN0(va)))

#define RWX  (PTE_R | PTE_W | PTE_X)
#define SATP 0x180

static uint32_t u_load, u_store, s_load, s_store, s_sfence;

static void set_l0(uint32_t va, uint32_t pte)
{
	th_put32(PTE_AT(L0, va, 0), pte);
}

/* Build the tables above and turn Sv32 on from S-mode with csrw satp. */
static void sv32_setup(void)
{
	th_setup();
	th_put32(PTE_AT(ROOT, TH_RAM_BASE, 1), th_pte(TH_RAM_BASE, PTE_V | RWX | PTE_A | PTE_D));
	th_put32(PTE_AT(ROOT, UCODE, 1), th_pte(L0, PTE_V));
	set_l0(UCODE, th_pte(UCODE_PA, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A));
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
	set_l0(TVA2, th_pte(TPA2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));

	/* U-mode snippets in UCODE: lw x5,0(x7) / sw x8,0(x7) */
	const uint32_t ucode[] = { enc_i(INSN_lw, 5, 7, 0), ENC_LOOP, enc_s(INSN_sw, 7, 8, 0),
				   ENC_LOOP };
	th_load(UCODE_PA, ucode, 4);
	u_load = UCODE;
	u_store = UCODE + 8;
	/* S-mode ones in the identity megapage */
	s_load = TH_PROG(enc_i(INSN_lw, 5, 7, 0));
	s_store = TH_PROG(enc_s(INSN_sw, 7, 8, 0));
	s_sfence = TH_PROG(enc_r(INSN_sfence_vma, 0, 0, 0));
	/* at TPA: addi x5, x0, 123 for fetch tests */
	th_put32(TPA, enc_i(INSN_addi, 5, 0, 123));
	th_put32(TPA + 4, ENC_LOOP);

	th_cpu.x[6] = th_satp(ROOT);
	uint32_t at = TH_RUN(enc_csr(INSN_csrrw, 0, SATP, 6), ENC_NOP);
	cr_assert_eq(th_cpu.pc, at + 8, "running on after paging went on");
	cr_assert_eq(th_cpu.csr.satp, th_satp(ROOT));
}

TestSuite(sv32, .init = sv32_setup, .fini = th_teardown);

/* sfence.vma x0, x0 from S-mode, leaving priv and sstatus as they were. */
static void sfence_all(void)
{
	enum cpu_priv p = th_cpu.csr.priv;
	th_cpu.csr.priv = PRIV_S;
	th_cpu.pc = s_sfence;
	th_run(1);
	cr_assert_eq(th_cpu.pc, s_sfence + 4);
	th_cpu.csr.priv = p;
}

/* Run one access of `kind` to `va` in `priv` with sstatus = `sstatus`;
 * returns the cause, or -1 if it completed. */
static int access(enum mmu_access kind, enum cpu_priv priv, uint32_t sstatus, uint32_t va)
{
	th_clear_trap();
	th_cpu.csr.priv = priv;
	th_cpu.csr.sstatus = sstatus;
	th_cpu.x[5] = 0x5a5a5a5a;
	th_cpu.x[7] = va;
	th_cpu.x[8] = 0xc0ffee00 ^ va;
	uint32_t epc;
	switch (kind) {
	case ACCESS_READ: epc = th_cpu.pc = priv == PRIV_U ? u_load : s_load; break;
	case ACCESS_WRITE: epc = th_cpu.pc = priv == PRIV_U ? u_store : s_store; break;
	default: epc = th_cpu.pc = va; break;
	}
	th_run(1);
	if (th_cpu.csr.scause == 0xdeadbeef) {
		cr_assert_eq(th_cpu.csr.priv, priv, "no trap, same mode");
		cr_assert_eq(th_cpu.pc, epc + 4, "no trap: pc %#x", th_cpu.pc);
		return -1;
	}
	cr_assert_eq(th_cpu.csr.sepc, epc, "sepc %#x, expected %#x", th_cpu.csr.sepc, epc);
	cr_assert_eq(th_cpu.csr.stval, va, "stval %#x, expected the virtual address %#x",
		     th_cpu.csr.stval, va);
	cr_assert_eq(th_cpu.csr.priv, PRIV_S);
	return (int)th_cpu.csr.scause;
}

static const int page_fault[] = { [ACCESS_READ] = EXC_load_page_fault,
				  [ACCESS_WRITE] = EXC_store_page_fault,
				  [ACCESS_EXEC] = EXC_insn_page_fault };

/* The spec's rules for a valid leaf PTE, written out (translation process
 * steps 3 and 5, and the SUM/MXR definitions in sstatus):
 *  - W=1 with R=0 is reserved: page fault;
 *  - U-mode may touch only U=1 pages;
 *  - S-mode never executes U=1 pages, and loads/stores them only with SUM;
 *  - fetch needs X; store needs W; load needs R, or X when MXR=1.
 * Returns the expected cause, or -1 for "allowed". */
static int expected(uint32_t flags, enum cpu_priv priv, bool sum, bool mxr, enum mmu_access k)
{
	int pf = page_fault[k];
	if ((flags & PTE_W) && !(flags & PTE_R))
		return pf;
	if (priv == PRIV_U && !(flags & PTE_U))
		return pf;
	if (priv == PRIV_S && (flags & PTE_U) && (k == ACCESS_EXEC || !sum))
		return pf;
	switch (k) {
	case ACCESS_EXEC: return flags & PTE_X ? -1 : pf;
	case ACCESS_WRITE: return flags & PTE_W ? -1 : pf;
	default: return (flags & PTE_R) || ((flags & PTE_X) && mxr) ? -1 : pf;
	}
}

/* Every combination of R/W/X (leaf ones: not all zero), U, the mode, SUM
 * and MXR, for one kind of access. */
static void matrix(enum mmu_access k)
{
	static const char *kname[] = { "load", "store", "fetch" };
	int checked = 0;
	for (uint32_t rwx = 1; rwx < 8; rwx++)
		for (uint32_t u = 0; u < 2; u++)
			for (int priv = PRIV_U; priv <= PRIV_S; priv++)
				for (int sum = 0; sum < 2; sum++)
					for (int mxr = 0; mxr < 2; mxr++) {
						uint32_t flags = rwx << 1 | (u ? PTE_U : 0);
						set_l0(TVA,
						       th_pte(TPA, PTE_V | flags | PTE_A | PTE_D));
						th_put32(TPA + DOFF, 0x11223344);
						sfence_all();
						uint32_t ss = (sum ? SSTATUS_SUM : 0) |
							      (mxr ? SSTATUS_MXR : 0);
						uint32_t va = k == ACCESS_EXEC ? TVA : TVA + DOFF;
						int got = access(k, priv, ss, va);
						int want = expected(flags, priv, sum, mxr, k);
						cr_expect_eq(got, want,
							     "%s %s-mode, PTE %c%c%c%c, SUM=%d "
							     "MXR=%d: got %d, expected %d",
							     kname[k], priv == PRIV_U ? "U" : "S",
							     flags & PTE_R ? 'R' : '-',
							     flags & PTE_W ? 'W' : '-',
							     flags & PTE_X ? 'X' : '-',
							     flags & PTE_U ? 'U' : '-', sum, mxr,
							     got, want);
						if (got == -1 && want == -1) {
							if (k == ACCESS_READ)
								cr_expect_eq(th_cpu.x[5],
									     0x11223344,
									     "load value");
							if (k == ACCESS_WRITE)
								cr_expect_eq(th_get32(TPA + DOFF),
									     0xc0ffee00 ^ va,
									     "stored");
							if (k == ACCESS_EXEC)
								cr_expect_eq(
								    th_cpu.x[5], 123,
								    "fetched the page's code");
						}
						if (want != -1 && k == ACCESS_WRITE)
							cr_expect_eq(th_get32(TPA + DOFF),
								     0x11223344,
								     "faulting store wrote");
						if (want != -1 && k != ACCESS_WRITE)
							cr_expect_eq(th_cpu.x[5], 0x5a5a5a5a,
								     "faulting access wrote rd");
						checked++;
					}
	cr_assert_eq(checked, 7 * 2 * 2 * 2 * 2);
}

Test(sv32, permission_matrix_load)
{
	matrix(ACCESS_READ);
}
Test(sv32, permission_matrix_store)
{
	matrix(ACCESS_WRITE);
}
Test(sv32, permission_matrix_fetch)
{
	matrix(ACCESS_EXEC);
}

/* V=0: page fault whatever the other bits say (step 3). */
Test(sv32, invalid_pte)
{
	set_l0(TVA, th_pte(TPA, RWX | PTE_U | PTE_A | PTE_D)); /* no V */
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, SSTATUS_SUM, TVA + 4), EXC_load_page_fault);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_U, 0, TVA + 8), EXC_store_page_fault);
	cr_assert_eq(access(ACCESS_EXEC, PRIV_U, 0, TVA), EXC_insn_page_fault);
	/* an invalid entry at level 1 */
	uint32_t va = 0x00c00000;
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, va + 0x10), EXC_load_page_fault);
}

/* A valid PTE with R=W=X=0 points to the next level; at level 0 there is
 * none: page fault (step 4, "if i < 0, stop and raise a page fault"). */
Test(sv32, non_leaf_at_level_0)
{
	set_l0(TVA, th_pte(TH_PAGES + 0x3000, PTE_V));
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + DOFF), EXC_load_page_fault);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, TVA + DOFF), EXC_store_page_fault);
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA), EXC_insn_page_fault);
}

/* A leaf at level 1 maps a 4 MiB megapage: pa = PPN[1] << 22 | va[21:0]
 * (step 8). */
Test(sv32, megapage_translation)
{
	uint32_t va = 0x40000000;
	th_put32(PTE_AT(ROOT, va, 1), th_pte(TH_RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
	sfence_all();
	th_put32(TH_DATA + 0x40, 0xabcd0123);
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, va + (TH_DATA - TH_RAM_BASE) + 0x40), -1);
	cr_assert_eq(th_cpu.x[5], 0xabcd0123);
	uint32_t off = TH_PAGES + 0x7ffc - TH_RAM_BASE; /* deep inside the megapage */
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, va + off), -1);
	cr_assert_eq(th_get32(TH_RAM_BASE + off), 0xc0ffee00 ^ (va + off));
}

/* A megapage whose PPN[0] is not zero is misaligned: page fault (step 6). */
Test(sv32, misaligned_megapage)
{
	uint32_t va = 0x40400000;
	th_put32(PTE_AT(ROOT, va, 1), th_pte(TH_RAM_BASE + 0x1000, PTE_V | RWX | PTE_A | PTE_D));
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, va + 0x20), EXC_load_page_fault);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, va + 0x20), EXC_store_page_fault);
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, va), EXC_insn_page_fault);
}

/* Hardware A/D updating (Svadu behaviour, chosen by TRV32; step 7): any
 * access sets A, a store also sets D, in the PTE in memory. */
Test(sv32, accessed_and_dirty_bits)
{
	uint32_t base = PTE_V | PTE_R | PTE_W | PTE_X;
	set_l0(TVA, th_pte(TPA, base));
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + DOFF), -1);
	cr_assert_eq(th_get32(PTE_AT(L0, TVA, 0)), th_pte(TPA, base | PTE_A), "load sets A only");
	/* the store comes after a load that may have cached the page */
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, TVA + DOFF), -1);
	cr_assert_eq(th_get32(PTE_AT(L0, TVA, 0)), th_pte(TPA, base | PTE_A | PTE_D),
		     "store sets D");

	set_l0(TVA, th_pte(TPA, base));
	sfence_all();
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA), -1);
	cr_assert_eq(th_get32(PTE_AT(L0, TVA, 0)), th_pte(TPA, base | PTE_A), "fetch sets A");

	set_l0(TVA, th_pte(TPA, base));
	sfence_all();
	th_cpu.x[10] = TVA + DOFF;
	th_cpu.x[11] = 1;
	TH_RUN(enc_amo(INSN_amoadd_w, 12, 10, 11));
	th_assert_no_trap();
	cr_assert_eq(th_get32(PTE_AT(L0, TVA, 0)), th_pte(TPA, base | PTE_A | PTE_D), "AMO sets D");

	/* a megapage leaf gets its bits set too */
	uint32_t va = 0x40000000;
	th_put32(PTE_AT(ROOT, va, 1), th_pte(TH_RAM_BASE, PTE_V | PTE_R | PTE_W));
	sfence_all();
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, va + (TH_DATA - TH_RAM_BASE)), -1);
	cr_assert_eq(th_get32(PTE_AT(ROOT, va, 1)),
		     th_pte(TH_RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
}

/* A PTE the walk cannot read (no memory there) is an access fault of the
 * original access's kind: 5 load, 7 store, 1 fetch (step 2: "if accessing
 * pte violates a PMA or PMP check, raise an access-fault exception
 * corresponding to the original access type"); stval = the VA. */
Test(sv32, page_table_outside_ram)
{
	uint32_t va = 0x00800000;
	th_put32(PTE_AT(ROOT, va, 1), th_pte(TH_NOWHERE, PTE_V));
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, va + 0x10), EXC_load_access);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, va + 0x10), EXC_store_access);
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, va), EXC_insn_access);
}

/* A leaf that maps a physical page where nothing is: access fault too. */
Test(sv32, leaf_to_nowhere)
{
	set_l0(TVA, th_pte(TH_NOWHERE, PTE_V | RWX | PTE_A | PTE_D));
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + 0x10), EXC_load_access);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, TVA + 0x10), EXC_store_access);
}

/* Atomics fault as stores (15) on a read-only page; LR as a load (13)
 * when the page is not readable. */
Test(sv32, atomics_fault_as_stores)
{
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_A | PTE_D));
	sfence_all();
	th_cpu.x[10] = TVA + DOFF;
	uint32_t at = TH_RUN(enc_amo(INSN_amoor_w, 5, 10, 11));
	th_assert_exc(EXC_store_page_fault, at, TVA + DOFF);
	th_clear_trap();
	at = TH_RUN(enc_amo(INSN_lr_w, 5, 10, 0), enc_amo(INSN_sc_w, 6, 10, 11));
	th_assert_exc(EXC_store_page_fault, at + 4, TVA + DOFF);

	set_l0(TVA, th_pte(TPA, PTE_V | PTE_X | PTE_A));
	sfence_all();
	th_clear_trap();
	at = TH_RUN(enc_amo(INSN_lr_w, 5, 10, 0));
	th_assert_exc(EXC_load_page_fault, at, TVA + DOFF);
}

/* A misaligned load that straddles two virtual pages reads each byte
 * through its own translation (the pages are not physically adjacent). */
Test(sv32, misaligned_across_pages)
{
	th_put32(TPA + 0xffc, 0x44332211);
	th_put32(TPA2, 0x88776655);
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
	sfence_all();
	th_cpu.x[7] = TVA2;
	th_cpu.x[8] = 0xa1b2c3d4;
	TH_RUN(enc_i(INSN_lw, 5, 7, -2), enc_i(INSN_lhu, 6, 7, -1), enc_s(INSN_sw, 7, 8, -3));
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[5], 0x66554433);
	cr_assert_eq(th_cpu.x[6], 0x5544);
	cr_assert_eq(th_get32(TPA + 0xffc), 0xb2c3d411, "d4 c3 b2 on the first page");
	cr_assert_eq(th_get32(TPA2), 0x887766a1, "a1 on the second");

	/* the second page unmapped: a load page fault (stval may name the
	 * access or the first byte on the unmapped page) */
	set_l0(TVA2, 0);
	sfence_all();
	th_cpu.x[7] = TVA2;
	uint32_t at = TH_RUN(enc_i(INSN_lw, 5, 7, -2));
	cr_assert_eq(th_cpu.csr.scause, EXC_load_page_fault);
	cr_assert_eq(th_cpu.csr.sepc, at);
	cr_assert(th_cpu.csr.stval == TVA2 - 2 || th_cpu.csr.stval == TVA2, "stval %#x",
		  th_cpu.csr.stval);
}

/* --- the TLB: translations may be cached, and these make changes seen --- */

/* lw x5,0(x7); sw x8,0(x9) (rewrite the PTE); <flush>; lw x6,0(x7) */
static void remap_and_reload(uint32_t flush)
{
	th_put32(TPA + DOFF, 111);
	th_put32(TPA_B + DOFF, 222);
	th_cpu.x[7] = TVA + DOFF;
	th_cpu.x[8] = th_pte(TPA_B, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
	th_cpu.x[9] = PTE_AT(L0, TVA, 0);
	TH_RUN(enc_i(INSN_lw, 5, 7, 0), enc_s(INSN_sw, 9, 8, 0), flush, enc_i(INSN_lw, 6, 7, 0));
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[5], 111);
	cr_assert_eq(th_cpu.x[6], 222, "the new mapping is used after %#010x", flush);
}

/* sfence.vma x0, x0 orders all earlier page-table stores before all later
 * translations. */
Test(sv32, sfence_vma_all)
{
	remap_and_reload(enc_r(INSN_sfence_vma, 0, 0, 0));
}

/* sfence.vma rs1, x0: the same for the page holding the address in rs1. */
Test(sv32, sfence_vma_one_address)
{
	remap_and_reload(enc_r(INSN_sfence_vma, 0, 7, 0));
}

/* Invalidating a cached page: after sfence.vma the access faults. */
Test(sv32, sfence_vma_after_unmap)
{
	th_cpu.x[7] = TVA + DOFF;
	th_cpu.x[9] = PTE_AT(L0, TVA, 0);
	TH_RUN(enc_i(INSN_lw, 5, 7, 0), enc_s(INSN_sw, 9, 0, 0), enc_r(INSN_sfence_vma, 0, 7, 0));
	th_assert_no_trap();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + DOFF), EXC_load_page_fault);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, TVA + DOFF), EXC_store_page_fault);
}

/* Fetches too: code on a remapped page comes from the new frame. */
Test(sv32, sfence_vma_code_page)
{
	th_put32(TPA_B, enc_i(INSN_addi, 5, 0, 77));
	th_put32(TPA_B + 4, ENC_LOOP);
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_X | PTE_A));
	sfence_all();
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA), -1);
	cr_assert_eq(th_cpu.x[5], 123);
	set_l0(TVA, th_pte(TPA_B, PTE_V | PTE_R | PTE_X | PTE_A));
	sfence_all();
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA), -1);
	cr_assert_eq(th_cpu.x[5], 77);
}

/* Switching satp to another root table switches address spaces.  TRV32
 * (issue #2) flushes its TLB on every satp write, so the new root's
 * mapping is used at once even without an sfence.vma. */
Test(sv32, satp_write_switches_tables)
{
	th_put32(PTE_AT(ROOT2, TH_RAM_BASE, 1), th_pte(TH_RAM_BASE, PTE_V | RWX | PTE_A | PTE_D));
	th_put32(PTE_AT(ROOT2, TVA, 1), th_pte(L0_2, PTE_V));
	th_put32(PTE_AT(L0_2, TVA, 0), th_pte(TPA_B, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
	th_put32(TPA + DOFF, 111);
	th_put32(TPA_B + DOFF, 222);
	th_cpu.x[7] = TVA + DOFF;
	th_cpu.x[10] = th_satp(ROOT2);
	th_cpu.x[11] = th_satp(ROOT);
	TH_RUN(enc_i(INSN_lw, 5, 7, 0), enc_csr(INSN_csrrw, 0, SATP, 10), enc_i(INSN_lw, 6, 7, 0),
	       enc_csr(INSN_csrrw, 0, SATP, 11), enc_i(INSN_lw, 12, 7, 0));
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[5], 111);
	cr_assert_eq(th_cpu.x[6], 222, "ROOT2's mapping");
	cr_assert_eq(th_cpu.x[12], 111, "ROOT's mapping again");
}

/* Turning paging off (satp.MODE = Bare) takes effect for the next access. */
Test(sv32, satp_bare_turns_translation_off)
{
	th_put32(TPA + DOFF, 111);
	th_cpu.x[7] = TVA + DOFF;
	th_cpu.x[8] = TPA + DOFF;
	TH_RUN(enc_i(INSN_lw, 5, 7, 0), enc_csr(INSN_csrrw, 0, SATP, 0), enc_i(INSN_lw, 6, 8, 0));
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[5], 111);
	cr_assert_eq(th_cpu.x[6], 111, "physical address used directly");
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + DOFF), EXC_load_access,
		     "TVA as a physical address is nowhere");
}

/* SUM and MXR are read by every access's permission check (translation
 * step 5 uses the current sstatus): clearing them must take effect on the
 * very next access, with no sfence.vma (cpu.h: the TLB is flushed on
 * SUM/MXR changes). */
Test(sv32, sum_change_takes_effect_immediately)
{
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D));
	sfence_all();
	th_put32(TPA + DOFF, 111);
	th_cpu.csr.sstatus = SSTATUS_SUM;
	th_cpu.x[7] = TVA + DOFF;
	th_cpu.x[9] = SSTATUS_SUM;
	uint32_t at = TH_RUN(enc_i(INSN_lw, 5, 7, 0), enc_csr(INSN_csrrc, 0, 0x100, 9),
			     enc_i(INSN_lw, 6, 7, 0));
	cr_assert_eq(th_cpu.x[5], 111, "SUM=1: S-mode reads the U page");
	th_assert_exc(EXC_load_page_fault, at + 8, TVA + DOFF);
}

Test(sv32, mxr_change_takes_effect_immediately)
{
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_X | PTE_A));
	sfence_all();
	th_put32(TPA + DOFF, 111);
	th_cpu.csr.sstatus = SSTATUS_MXR;
	th_cpu.x[7] = TVA + DOFF;
	th_cpu.x[9] = SSTATUS_MXR;
	uint32_t at = TH_RUN(enc_i(INSN_lw, 5, 7, 0), enc_csr(INSN_csrrc, 0, 0x100, 9),
			     enc_i(INSN_lw, 6, 7, 0));
	cr_assert_eq(th_cpu.x[5], 111, "MXR=1: the X-only page is readable");
	th_assert_exc(EXC_load_page_fault, at + 8, TVA + DOFF);
}

/* A translation used in S-mode must not let U-mode in: after S-mode reads
 * a U=0 page, sret to U-mode and the same load faults. */
Test(sv32, mode_change_rechecks_permissions)
{
	th_put32(TPA + DOFF, 111);
	th_cpu.x[7] = TVA + DOFF;
	th_cpu.csr.sepc = u_load;
	th_cpu.csr.sstatus = 0; /* SPP = U */
	TH_RUN(enc_i(INSN_lw, 5, 7, 0), enc_sys(INSN_sret));
	cr_assert_eq(th_cpu.x[5], 111);
	cr_assert_eq(th_cpu.csr.priv, PRIV_U);
	cr_assert_eq(th_cpu.pc, u_load);
	th_cpu.x[5] = 0;
	th_run(1);
	th_assert_exc(EXC_load_page_fault, u_load, TVA + DOFF);
	cr_assert_eq(th_cpu.x[5], 0);
}

/* A store after a cached read of a read-only page still faults. */
Test(sv32, store_after_load_on_read_only_page)
{
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_A));
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + DOFF), -1);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, TVA + DOFF), EXC_store_page_fault);
}

/* A self-modifying program on a paged code page: the store goes through
 * the VA, the fetch after fence.i must see it. */
Test(sv32, self_modifying_code_through_va)
{
	set_l0(TVA, th_pte(TPA, PTE_V | RWX | PTE_A | PTE_D));
	sfence_all();
	const uint32_t prog[] = { enc_s(INSN_sw, 6, 5, 12), enc_sys(INSN_fence_i),
				  enc_j(INSN_jal, 0, 4), enc_i(INSN_addi, 7, 0, 1), ENC_LOOP };
	th_load(TPA + 0x100, prog, 5);
	th_cpu.x[5] = enc_i(INSN_addi, 7, 0, 2);
	th_cpu.x[6] = TVA + 0x100;
	th_cpu.pc = TVA + 0x100;
	th_run(4);
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[7], 2);
}

/* The RSW bits (9:8) are for the supervisor: "the implementation shall
 * ignore" them. */
Test(sv32, rsw_bits_ignored)
{
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D) | 3u << 8);
	sfence_all();
	th_put32(TPA + DOFF, 111);
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + DOFF), -1);
	cr_assert_eq(th_cpu.x[5], 111);
}

/* Sv32 physical addresses have 34 bits (PPN is 22 bits).  A page above
 * 4 GiB is not RAM here: access fault, never an alias of low memory. */
Test(sv32, ppn_above_4gib_is_not_aliased)
{
	set_l0(TVA, (1u << 30) | th_pte(TPA, PTE_V | RWX | PTE_A | PTE_D)); /* PA 1_8008_1000 */
	sfence_all();
	th_put32(TPA + DOFF, 111);
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + DOFF), EXC_load_access);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, TVA + DOFF), EXC_store_access);
	cr_assert_eq(th_get32(TPA + DOFF), 111);
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA), EXC_insn_access);
	/* ... and a level-0 table above 4 GiB */
	th_put32(PTE_AT(ROOT, UCODE, 1), (1u << 30) | th_pte(L0, PTE_V));
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, TVA + DOFF), EXC_load_access);
}

/* Straight-line code running off the end of a virtual page continues at
 * the next *virtual* page, through its own translation: a fetch page
 * fault (stval = sepc = the page start) when that page is not
 * executable, and the code of the page it maps (not of the physically
 * next frame) once it is. */
Test(sv32, fetch_across_page_boundary)
{
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_X | PTE_A));
	set_l0(TVA2, th_pte(TPA2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
	sfence_all();
	th_put32(TPA + 0xffc, enc_i(INSN_addi, 5, 0, 1));
	th_put32(TPA + 0x1000, enc_i(INSN_addi, 6, 0, 66)); /* = TPA_B: must not run */
	th_put32(TPA_B + 4, ENC_LOOP);
	th_put32(TPA2, enc_i(INSN_addi, 6, 0, 22));
	th_put32(TPA2 + 4, ENC_LOOP);
	th_cpu.x[5] = th_cpu.x[6] = 0;
	th_cpu.pc = TVA + 0xffc;
	th_run(2);
	th_assert_exc(EXC_insn_page_fault, TVA2, TVA2);
	cr_assert_eq(th_cpu.x[5], 1);
	cr_assert_eq(th_cpu.x[6], 0);

	set_l0(TVA2, th_pte(TPA2, PTE_V | PTE_R | PTE_X | PTE_A));
	sfence_all();
	th_clear_trap();
	th_cpu.pc = TVA + 0xffc;
	th_run(2);
	th_assert_no_trap();
	cr_assert_eq(th_cpu.x[6], 22);
	cr_assert_eq(th_cpu.pc, TVA2 + 4);
}

/* sfence.vma rs1 invalidates every cached translation that came from the
 * leaf PTE for rs1's address -- for a megapage that is the whole 4 MiB,
 * including other 4 KiB pages of it that were used before ("invalidates
 * all address-translation cache entries that contain leaf page table
 * entries corresponding to the virtual address in rs1"). */
Test(sv32, sfence_vma_address_in_megapage)
{
	uint32_t mva = 0x40000000;
	uint32_t a = mva + (TH_DATA - TH_RAM_BASE), b = a + 0x3000;
	th_put32(PTE_AT(ROOT, mva, 1), th_pte(TH_RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
	sfence_all();
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, a), -1);
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, b), -1);
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, b), -1);
	th_put32(PTE_AT(ROOT, mva, 1), 0);
	th_cpu.x[7] = a;
	th_cpu.pc = TH_PROG(enc_r(INSN_sfence_vma, 0, 7, 0));
	th_cpu.csr.priv = PRIV_S;
	th_run(1);
	cr_assert_eq(access(ACCESS_READ, PRIV_S, 0, b), EXC_load_page_fault,
		     "a translation from the unmapped megapage survived sfence.vma");
	cr_assert_eq(access(ACCESS_WRITE, PRIV_S, 0, b), EXC_store_page_fault);
}

/* The one-address form flushes fetch translations too. */
Test(sv32, sfence_vma_one_address_code_page)
{
	th_put32(TPA_B, enc_i(INSN_addi, 5, 0, 77));
	th_put32(TPA_B + 4, ENC_LOOP);
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_X | PTE_A));
	sfence_all();
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA), -1);
	cr_assert_eq(th_cpu.x[5], 123);
	set_l0(TVA, th_pte(TPA_B, PTE_V | PTE_R | PTE_X | PTE_A));
	th_cpu.x[7] = TVA + 0x10;
	th_cpu.pc = TH_PROG(enc_r(INSN_sfence_vma, 0, 7, 0));
	th_run(1);
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA), -1);
	cr_assert_eq(th_cpu.x[5], 77);
}

/* Code that runs through one virtual address and is patched through
 * another (the identity megapage) is still refetched: TRV32 tracks code
 * by physical page; the spec needs the fence.i. */
Test(sv32, code_patched_through_an_alias)
{
	set_l0(TVA, th_pte(TPA, PTE_V | PTE_R | PTE_X | PTE_A));
	sfence_all();
	th_put32(TPA + 0x200, enc_i(INSN_addi, 5, 0, 1));
	th_put32(TPA + 0x204, ENC_LOOP);
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA + 0x200), -1);
	cr_assert_eq(th_cpu.x[5], 1);
	th_cpu.x[10] = TPA + 0x200; /* identity-mapped alias of the same frame */
	th_cpu.x[11] = enc_i(INSN_addi, 5, 0, 2);
	TH_RUN(enc_s(INSN_sw, 10, 11, 0), enc_sys(INSN_fence_i));
	cr_assert_eq(access(ACCESS_EXEC, PRIV_S, 0, TVA + 0x200), -1);
	cr_assert_eq(th_cpu.x[5], 2, "the patched instruction ran");
}
