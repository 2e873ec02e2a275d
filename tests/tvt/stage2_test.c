/*
 * stage2_test.c -- TVT's second-stage translation: guest-physical
 * addresses mapped through the monitor's table, faults that exit with the
 * guest-physical address, the 2D walk's reference count, and the tagged
 * TLB that keeps root and guest translations apart.
 *
 * The guest's own address space, when a test turns its paging on:
 *   GVA 0x80000000  4 MiB guest megapage, identity (its code and tables)
 *   GVA 0x00400000  -> GPA TH_DATA, 4 KiB, R W (S-mode data)
 */
#include <criterion/criterion.h>

#include "tests/tvt/tvt_test.h"

#define INIT	  .init = tvt_setup, .fini = th_teardown
#define GVA	  0x00400000u
#define S2_FLAGS  (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define ELSEWHERE (TH_PAGES + 0x3000) /* a machine page the guest never names */

static enum tvt_exit_reason run_budget(uint64_t n)
{
	tv.ctl.budget = n;
	return tvt_run(&th_cpu, &tv);
}

static void guest_paging_on(void)
{
	th_put32(G_ROOT + 4 * (TH_RAM_BASE >> 22),
		 th_pte(TH_RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D));
	th_put32(G_ROOT + 4 * (GVA >> 22), th_pte(G_L0, PTE_V));
	th_put32(G_L0 + 4 * ((GVA >> 12) & 0x3ff),
		 th_pte(TH_DATA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
	tv.guest.csr.satp = th_satp(G_ROOT);
}

Test(stage2, guest_physical_goes_through_the_monitors_table, INIT)
{
	tvt_s2_identity();
	tvt_s2_set(TH_DATA, th_pte(ELSEWHERE, S2_FLAGS));
	th_put32(TH_DATA, 0x11111111);
	th_put32(ELSEWHERE, 0xcafebabe);
	TVT_PROG(enc_i(INSN_lw, 6, 7, 0));
	tv.guest.x[7] = TH_DATA;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.x[6], 0xcafebabe, "GPA TH_DATA is machine ELSEWHERE");
}

Test(stage2, unmapped_page_exits_with_the_guest_physical_address, INIT)
{
	tvt_s2_identity();
	tvt_s2_set(TH_DATA, 0);
	th_put32(TH_DATA + 8, 0x5a5a);
	uint32_t pc = TVT_PROG(enc_i(INSN_lw, 6, 7, 8));
	tv.guest.x[7] = TH_DATA;
	cr_assert_eq(run_budget(5), TVT_EXIT_npf);
	cr_assert_eq(tv.exit.gpa, TH_DATA + 8);
	cr_assert_eq(tv.exit.gva, TH_DATA + 8, "guest paging off: GVA = GPA");
	cr_assert_eq(tv.exit.qual, ACCESS_READ);
	cr_assert_eq(tv.exit.insn, enc_i(INSN_lw, 6, 7, 8), "decode assist");
	cr_assert_eq(tv.guest.pc, pc, "the load did not happen");
	cr_assert_eq(tv.guest.csr.instret, 0);
	cr_assert_eq(tv.guest.csr.traps, 0, "the guest saw nothing");
	/* The monitor maps the page; the guest retries and never knows. */
	tvt_s2_set(TH_DATA, th_pte(TH_DATA, S2_FLAGS));
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.x[6], 0x5a5a);
}

/* A fetch from an unmapped guest-physical page exits with the fetching
 * pc (the jump's target), on either engine -- not with the pc of an
 * earlier instruction of the same run (both engines once reported that). */
Test(stage2, unmapped_code_page_exits_at_the_fetching_pc, INIT)
{
	uint32_t target = TH_PAGES + 0x1000;
	tvt_s2_identity();
	tvt_s2_set(target, 0);
	th_put32(target, ENC_NOP);
	TVT_PROG(enc_i(INSN_addi, 8, 0, 1), enc_i(INSN_addi, 8, 8, 1), enc_i(INSN_jalr, 0, 7, 0));
	tv.guest.x[7] = target;
	cr_assert_eq(run_budget(10), TVT_EXIT_npf);
	cr_assert_eq(tv.exit.qual, ACCESS_EXEC);
	cr_assert_eq(tv.exit.gpa, target);
	cr_assert_eq(tv.exit.pc, target, "exit pc %#x, not the fetch's", tv.exit.pc);
	cr_assert_eq(tv.guest.pc, target, "the guest resumes at the fetch");
	cr_assert_eq(tv.guest.csr.instret, 3, "the two addi and the jalr retired");
	cr_assert_eq(tv.guest.x[8], 2);
}

Test(stage2, permissions_of_the_second_stage_apply, INIT)
{
	tvt_s2_identity();
	tvt_s2_set(TH_DATA, th_pte(TH_DATA, PTE_V | PTE_R | PTE_U | PTE_A)); /* read-only */
	TVT_PROG(enc_i(INSN_lw, 6, 7, 0), enc_s(INSN_sw, 7, 6, 4));
	tv.guest.x[7] = TH_DATA;
	cr_assert_eq(run_budget(5), TVT_EXIT_npf);
	cr_assert_eq(tv.exit.qual, ACCESS_WRITE, "the store, after the load went through");
	cr_assert_eq(tv.guest.csr.instret, 1);
	/* A leaf without U is no mapping for the second stage. */
	tvt_s2_set(TH_DATA, th_pte(TH_DATA, S2_FLAGS & ~PTE_U));
	TVT_PROG(enc_i(INSN_lw, 6, 7, 0));
	cr_assert_eq(run_budget(5), TVT_EXIT_npf);
}

Test(stage2, guest_faults_stay_in_the_guest, INIT)
{
	tvt_s2_identity();
	guest_paging_on();
	th_put32(G_L0 + 4 * ((GVA >> 12) & 0x3ff), 0); /* the guest unmaps it */
	uint32_t pc = TVT_PROG(enc_i(INSN_lw, 6, 7, 0));
	tv.guest.x[7] = GVA;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt, "no exit: the guest's own fault");
	cr_assert_eq(tv.guest.csr.scause, EXC_load_page_fault);
	cr_assert_eq(tv.guest.csr.stval, GVA);
	cr_assert_eq(tv.guest.csr.sepc, pc);
}

Test(stage2, guest_page_table_outside_stage2_exits_as_a_walk_fault, INIT)
{
	tvt_s2_identity();
	guest_paging_on();
	TVT_PROG(ENC_NOP, enc_i(INSN_lw, 6, 7, 0));
	tv.guest.x[7] = GVA;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt, "the nop: code is reachable");
	tvt_s2_set(G_L0, 0);
	cr_assert_eq(run_budget(5), TVT_EXIT_npf);
	cr_assert_eq(tv.exit.qual, ACCESS_READ | TVT_NPF_WALK, "during the guest's walk");
	cr_assert_eq(tv.exit.gpa, G_L0 + 4 * ((GVA >> 12) & 0x3ff), "the PTE's GPA");
	cr_assert_eq(tv.exit.gva, GVA);
}

Test(stage2, a_tlb_miss_costs_eight_references, INIT)
{
	/* (2+1) x (2+1) - 1: the guest root PTE (2 + 1), the guest leaf PTE
	 * (2 + 1), the final guest-physical address (2). */
	tvt_s2_identity();
	guest_paging_on();
	TVT_PROG(ENC_NOP, enc_i(INSN_lw, 6, 7, 0));
	tv.guest.x[7] = GVA;
	th_put32(TH_DATA, 0x77);
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt); /* code's TLB entry */
	uint64_t before = th_cpu.walk_refs;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.x[6], 0x77);
	cr_assert_eq(th_cpu.walk_refs - before, 8);

	/* Native Sv32, for comparison: the same tables on the root hart. */
	th_cpu.csr.satp = th_satp(G_ROOT);
	mmu_flush(&th_cpu);
	th_cpu.x[7] = GVA;
	TH_PROG(ENC_NOP, enc_i(INSN_lw, 6, 7, 0));
	th_run(1);
	before = th_cpu.walk_refs;
	th_run(1);
	cr_assert_eq(th_cpu.x[6], 0x77);
	cr_assert_eq(th_cpu.walk_refs - before, 2);
}

Test(stage2, root_and_guest_translations_live_under_different_tags, INIT)
{
	tvt_s2_identity();
	tvt_s2_set(TH_DATA, th_pte(ELSEWHERE, S2_FLAGS));
	th_put32(TH_DATA, 0x11111111);
	th_put32(ELSEWHERE, 0xcafebabe);
	uint32_t gpc = TVT_PROG(enc_i(INSN_lw, 6, 7, 0));
	tv.guest.x[7] = TH_DATA;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.x[6], 0xcafebabe);

	/* Root reads the same address: its own translation, machine TH_DATA. */
	th_cpu.x[7] = TH_DATA;
	TH_RUN(enc_i(INSN_lw, 6, 7, 0));
	cr_assert_eq(th_cpu.x[6], 0x11111111);

	/* Back in the guest: its entry survived (no walk at all). */
	tv.guest.pc = gpc;
	uint64_t before = th_cpu.walk_refs;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_eq(tv.guest.x[6], 0xcafebabe);
	cr_assert_eq(th_cpu.walk_refs - before, 0, "the guest's TLB entries were kept");

	/* INVVPID: now it must walk again. */
	tvt_flush(&th_cpu, &tv);
	tv.guest.pc = gpc;
	before = th_cpu.walk_refs;
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	cr_assert_gt(th_cpu.walk_refs - before, 0);
}

Test(stage2, guest_satp_write_flushes_only_the_guests_tag, INIT)
{
	/* Root fills its TLB with TH_DATA. */
	th_cpu.x[7] = TH_DATA;
	TH_RUN(enc_i(INSN_lw, 6, 7, 0));
	uint64_t misses = th_cpu.tlb_misses;
	/* The guest writes its satp (a context switch inside the guest). */
	tvt_s2_identity();
	TVT_PROG(enc_csr(INSN_csrrw, 0, CSR_satp, 0));
	cr_assert_eq(run_budget(1), TVT_EXIT_preempt);
	/* Root's entry is still there: the same load is a hit. */
	uint32_t w = enc_i(INSN_lw, 6, 7, 0);
	th_load(TH_CODE + 0x100, &w, 1);
	misses = th_cpu.tlb_misses;
	th_cpu.pc = TH_CODE + 0x100;
	th_run(1);
	cr_assert_eq(th_cpu.tlb_misses - misses, 1,
		     "only the code fetch of the new address misses");
}
