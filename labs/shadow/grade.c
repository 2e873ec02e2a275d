/*
 * grade.c -- the grader of lab shadow: one Criterion suite per step.
 * Steps 1-3 build a guest page table by hand in guest memory, make the
 * shadow of a given view current, hand spt_fault() a crafted miss and
 * check exactly what it decided: the reflected fault, or the shadow
 * entry it installed (machine page and permission bits) and what it did
 * to the guest's own PTE (A/D).  Step 4 boots the teaching kernel.
 */
#include <criterion/criterion.h>

#include "labs/lab.h"

/* The crafted address space: VA (root entry 1, leaf entry 1) maps the
 * data page; the leaf table is itself mapped at VA_PT. */
#define VA    0x00401000u
#define VA_PT 0x00402000u

static uint32_t root, table, data;

/* A guest with its MMU on, in mode `priv` with `sstatus`, whose page at
 * VA has guest PTE flags `flags`. */
static void guest(enum cpu_priv priv, uint32_t sstatus, uint32_t flags)
{
	root = lab_page(0);
	table = lab_page(1);
	data = lab_page(2);
	lab_poke(root + 4 * (VA >> 22), lab_pte(table, PTE_V));
	lab_poke(table + 4 * ((VA >> 12) & 1023), lab_pte(data, flags));
	lab_poke(table + 4 * ((VA_PT >> 12) & 1023),
		 lab_pte(table, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
	lab_satp(root, priv, sstatus);
}

static uint32_t guest_pte(void)
{
	return lab_peek(table + 4 * ((VA >> 12) & 1023));
}

static const uint32_t RWX = PTE_R | PTE_W | PTE_X;

/* --- step 1: walk the guest's table; its faults are the guest's --- */

TestSuite(step1, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step1, fill_composes_v_p_r)
{
	guest(PRIV_S, 0, PTE_V | PTE_R | PTE_A);
	uint32_t e = lab_filled(VA, ACCESS_READ);
	cr_assert_eq(e >> PTE_PPN_SHIFT, lab_rppn(data),
		     "V %#x -> P %#x -> R page %#x, but the shadow maps page %#x", VA, data,
		     lab_rppn(data), e >> PTE_PPN_SHIFT);
}

Test(step1, accessed_bit_goes_to_the_guest)
{
	guest(PRIV_S, 0, PTE_V | PTE_R);
	lab_filled(VA, ACCESS_READ);
	cr_assert(guest_pte() & PTE_A, "the guest's PTE must show A after the access (%#x)",
		  guest_pte());
}

Test(step1, not_present_is_the_guests_fault)
{
	guest(PRIV_S, 0, 0);
	static const struct {
		enum mmu_access a;
		uint32_t cause;
	} want[] = { { ACCESS_READ, EXC_load_page_fault },
		     { ACCESS_WRITE, EXC_store_page_fault },
		     { ACCESS_EXEC, EXC_insn_page_fault } };
	for (unsigned i = 0; i < 3; i++) {
		struct spt_fault f = lab_miss(VA, want[i].a);
		cr_assert_eq(f.result, SPT_GUEST_FAULT);
		cr_assert_eq(f.cause, want[i].cause, "cause %u, want %u", f.cause, want[i].cause);
	}
	cr_assert_eq(lab_shadow_pte(VA), 0, "nothing may be installed for a guest fault");
}

Test(step1, guest_permissions_are_enforced)
{
	/* User code on a kernel page, a store to a read-only page. */
	guest(PRIV_U, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
	struct spt_fault f = lab_miss(VA, ACCESS_READ);
	cr_assert_eq(f.result, SPT_GUEST_FAULT, "guest user mode read a kernel page (U=0)");
	cr_assert_eq(f.cause, EXC_load_page_fault);
	guest(PRIV_S, 0, PTE_V | PTE_R | PTE_A);
	f = lab_miss(VA, ACCESS_WRITE);
	cr_assert_eq(f.result, SPT_GUEST_FAULT, "a store to a read-only page must fault");
	cr_assert_eq(f.cause, EXC_store_page_fault);
}

Test(step1, reflected_with_the_address)
{
	/* Through the whole trap path: the hart's load page fault at VA in
	 * virtual U-mode reaches the guest kernel as its own, stval = VA. */
	guest(PRIV_U, 0, 0);
	lab_vm->vcpu.csr.stvec = 0x80004000u;
	lab_trap(EXC_load_page_fault, VA + 0x10, 0x1000);
	cr_assert_eq(lab_vm->vcpu.csr.priv, PRIV_S, "the fault was not given to the guest");
	cr_assert_eq(lab_vm->vcpu.csr.scause, EXC_load_page_fault);
	cr_assert_eq(lab_vm->vcpu.csr.stval, VA + 0x10);
	cr_assert_eq(lab_vm->vcpu.csr.sepc, 0x1000);
}

/* --- step 2: the permissions of each view --- */

TestSuite(step2, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step2, kernel_page_in_the_kernel_view)
{
	guest(PRIV_S, 0, PTE_V | PTE_R | PTE_X | PTE_A);
	uint32_t e = lab_filled(VA, ACCESS_EXEC);
	cr_assert(e & PTE_U, "the hart runs the whole guest in U-mode: every entry needs U");
	cr_assert_eq(e & RWX, PTE_R | PTE_X, "guest R|X must give R|X (got %#x)", e & RWX);
}

Test(step2, execute_only_page)
{
	guest(PRIV_U, 0, PTE_V | PTE_X | PTE_U | PTE_A);
	uint32_t e = lab_filled(VA, ACCESS_EXEC);
	cr_assert_eq(e & RWX, PTE_X, "an execute-only page must not become readable (got %#x)",
		     e & RWX);
}

Test(step2, mxr_makes_executable_readable)
{
	guest(PRIV_U, SSTATUS_MXR, PTE_V | PTE_X | PTE_U | PTE_A);
	uint32_t e = lab_filled(VA, ACCESS_READ);
	cr_assert(e & PTE_R, "with sstatus.MXR, an executable page may be read (got %#x)", e & RWX);
}

Test(step2, kernel_never_executes_user_pages)
{
	/* With SUM the guest kernel may read user data -- but the entry it
	 * fills serves its fetches too, and S-mode never executes U pages. */
	guest(PRIV_S, SSTATUS_SUM, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
	cr_assert_eq(lab_vm->spt.cur->view, SPT_VIEW_S_SUM);
	uint32_t e = lab_filled(VA, ACCESS_READ);
	cr_assert(e & PTE_R);
	cr_assert_not(e & PTE_X, "the kernel's view maps a user page executable");
}

Test(step2, user_view_of_user_code)
{
	guest(PRIV_U, 0, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
	uint32_t e = lab_filled(VA, ACCESS_EXEC);
	cr_assert_eq(e & RWX, PTE_R | PTE_X, "got %#x", e & RWX);
}

/* --- step 3: writes, dirty bits, protected page tables --- */

TestSuite(step3, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step3, clean_page_is_not_writable_until_written)
{
	guest(PRIV_S, 0, PTE_V | PTE_R | PTE_W);
	uint32_t e = lab_filled(VA, ACCESS_READ);
	cr_assert_not(e & PTE_W,
		      "a read filled a writable entry for a clean page: the guest's D would never "
		      "be set");
	cr_assert_not(guest_pte() & PTE_D, "a read must not set D");
	e = lab_filled(VA, ACCESS_WRITE);
	cr_assert(e & PTE_W, "after the store's fill the page is writable");
	cr_assert(guest_pte() & PTE_D, "the store must set D in the guest's PTE (%#x)",
		  guest_pte());
}

Test(step3, dirty_page_is_writable_at_once)
{
	guest(PRIV_S, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
	uint32_t e = lab_filled(VA, ACCESS_READ);
	cr_assert(e & PTE_W, "a dirty writable page needs no second fault");
}

Test(step3, page_tables_stay_read_only)
{
	/* The leaf table is mapped writable and dirty by the guest, but a
	 * shadow was built from it: the guest's writes to it must trap. */
	guest(PRIV_S, 0, PTE_V | PTE_R | PTE_A);
	lab_filled(VA, ACCESS_READ);
	uint32_t e = lab_filled(VA_PT, ACCESS_READ);
	cr_assert_not(e & PTE_W, "the guest's own page table is mapped writable in the shadow");
	cr_assert_eq(lab_miss(VA_PT, ACCESS_WRITE).result, SPT_PT_WRITE);
}

/* --- step 4: the whole kernel --- */

TestSuite(step4, .timeout = 150);

Test(step4, memory)
{
	lab_equal_to_bare("trap", "run=memtouch:2,ptchurn:10:32", NULL);
}

Test(step4, faults_and_processes)
{
	lab_equal_to_bare("trap", "run=fault,fault:kernel,fault:priv,spawnloop:20", NULL);
}
