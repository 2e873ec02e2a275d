/*
 * grade.c -- the grader of lab pushf: one Criterion suite per step.
 * Steps 1-2 hand the translator crafted instruction words and a crafted
 * code page; step 3 makes the hart trap at a rewritten instruction whose
 * original is in guest memory; step 4 sets the paravirtual kernel's
 * shared page by hand; step 5 boots the kernels.
 */
#include <criterion/criterion.h>

#include "core/bt.h"
#include "isa-toy/guests/kernel/pv_abi.h"
#include "labs/lab.h"

#define PC    0x80002000u /* guest-physical = virtual: the guest's MMU is off */
#define STVEC 0x80004000u
#define ADD   0x00c58533u /* add a0, a1, a2 */

/* --- step 1: which instructions are sensitive but do not trap --- */

TestSuite(step1, .timeout = 30);

Test(step1, plain_reads_and_writes_of_sstatus)
{
	cr_assert(bt_sensitive(LAB_CSRRS(10, CSR_sstatus, 0)), "csrr a0, sstatus is PUSHF");
	cr_assert(bt_sensitive(LAB_CSRRC(10, CSR_sstatus, 0)), "csrrc a0, sstatus, x0 reads");
	cr_assert(bt_sensitive(LAB_CSRRSI(10, CSR_sstatus, 0)), "csrrsi a0, sstatus, 0 reads");
	cr_assert(bt_sensitive(LAB_CSRRW(0, CSR_sstatus, 11)), "csrw sstatus, a1 is POPF");
	cr_assert(bt_sensitive(LAB_CSRRWI(0, CSR_sstatus, 2)), "csrwi sstatus, 2 writes");
	cr_assert(bt_sensitive(LAB_CSRRW(10, CSR_sstatus, 11)), "csrrw reads and writes");
}

Test(step1, what_traps_anyway_is_left_alone)
{
	cr_assert_not(bt_sensitive(LAB_CSRRS(0, CSR_sstatus, 5)),
		      "csrs sstatus, t0 (STI) traps on the legacy machine by itself");
	cr_assert_not(bt_sensitive(LAB_CSRRCI(0, CSR_sstatus, 2)), "csrci sstatus, SIE traps");
	cr_assert_not(bt_sensitive(LAB_CSRRS(10, CSR_sscratch, 0)), "other CSRs always trap");
	cr_assert_not(bt_sensitive(ADD), "add is not sensitive");
	cr_assert_not(bt_sensitive(LAB_SRET), "sret traps");
}

/* --- step 2: rewriting a copy of a code page --- */

TestSuite(step2, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

Test(step2, every_sensitive_word_and_nothing_else)
{
	static uint32_t page[1024], orig[1024];
	for (int i = 0; i < 1024; i++)
		page[i] = ADD;
	page[0] = LAB_CSRRS(10, CSR_sstatus, 0);
	page[7] = LAB_CSRRW(0, CSR_sstatus, 11);
	page[8] = LAB_CSRRS(0, CSR_sstatus, 5); /* traps by itself */
	page[1023] = LAB_CSRRWI(0, CSR_sstatus, 0);
	memcpy(orig, page, sizeof(page));
	uint64_t before = lab_vm->stats.bt_rewritten;
	unsigned n = bt_rewrite(lab_vm, page, 0);
	cr_assert_eq(n, 3, "3 words to rewrite, %u rewritten", n);
	cr_assert_eq(lab_vm->stats.bt_rewritten, before + 3, "--stats counts the rewritten words");
	for (unsigned i = 0; i < 1024; i++) {
		bool want = i == 0 || i == 7 || i == 1023;
		if (want)
			cr_assert_eq(page[i], BT_MARKER, "word %u must become BT_MARKER", i);
		else
			cr_assert_eq(page[i], orig[i], "word %u changed", i);
	}
}

/* --- step 3: the rewritten instruction traps; emulate the original --- */

TestSuite(step3, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

static void bt_guest(uint32_t original)
{
	lab_mon.kind = MON_KIND_BT;
	lab_poke(PC, original);
	lab_vm->vcpu.csr.priv = PRIV_S;
	lab_vm->vcpu.csr.stvec = STVEC;
}

Test(step3, pushf_reads_the_virtual_sstatus)
{
	bt_guest(LAB_CSRRS(10, CSR_sstatus, 0));
	lab_vm->vcpu.csr.sstatus = SSTATUS_SPIE; /* interrupts virtually off */
	uint64_t n = lab_vm->vcpu.csr.instret;
	lab_trap(EXC_illegal, BT_MARKER, PC);
	cr_assert_eq(lab_mon.hw.pc, PC + 4, "the marker stands for csrr: emulate it, move on");
	cr_assert_eq(lab_mon.hw.x[10], SSTATUS_SPIE, "a0 must be the guest's sstatus (%#x)",
		     lab_mon.hw.x[10]);
	cr_assert_eq(lab_vm->vcpu.csr.instret, n + 1);
	cr_assert_eq(lab_vm->stats.bt_traps, 1, "--stats counts traps at rewritten words");
}

Test(step3, popf_writes_it)
{
	bt_guest(LAB_CSRRW(0, CSR_sstatus, 11));
	lab_vm->vcpu.csr.sstatus = SSTATUS_SIE;
	lab_mon.hw.x[11] = 0;
	lab_trap(EXC_illegal, BT_MARKER, PC);
	cr_assert_eq(lab_vm->vcpu.csr.sstatus & SSTATUS_SIE, 0,
		     "POPF with SIE = 0 must disable the guest's interrupts");
}

Test(step3, a_marker_that_is_not_ours)
{
	/* The word at the pc is really the illegal custom-0 instruction:
	 * the guest's own illegal instruction. */
	bt_guest(BT_MARKER);
	lab_trap(EXC_illegal, BT_MARKER, PC);
	cr_assert_eq(lab_vm->vcpu.csr.scause, EXC_illegal);
	cr_assert_eq(lab_mon.hw.pc, STVEC);
}

/* --- step 4: the paravirtual interrupt mask --- */

TestSuite(step4, .init = lab_setup, .fini = lab_teardown, .timeout = 30);

static uint32_t shared;

static void pv_guest(uint32_t mask)
{
	lab_mon.kind = MON_KIND_PV;
	shared = lab_page(5);
	lab_vm->pv.registered = true;
	lab_vm->pv.shared = shared;
	lab_poke(shared + PV_MASK, mask);
	struct csr_file *c = &lab_vm->vcpu.csr;
	c->priv = PRIV_S;
	c->sstatus = SSTATUS_SIE; /* a registered PV kernel never clears it */
	c->sie = 1u << IRQ_sti;
	c->stvec = STVEC;
	c->stimecmp = 0; /* the timer is due */
	lab_mon.hw.pc = PC;
}

Test(step4, masked_is_held_back)
{
	pv_guest(1);
	monitor_inject(lab_vm);
	cr_assert_eq(lab_mon.hw.pc, PC, "delivered while the kernel's PV_MASK is set");
	cr_assert_eq(lab_peek(shared + PV_PENDING), 1,
		     "held back: PV_PENDING tells the kernel to ask for it when it unmasks");
}

Test(step4, unmasked_is_delivered)
{
	pv_guest(0);
	monitor_inject(lab_vm);
	cr_assert_eq(lab_mon.hw.pc, STVEC);
	cr_assert_eq(lab_vm->vcpu.csr.scause, CAUSE_INTERRUPT | IRQ_sti);
	cr_assert_eq(lab_peek(shared + PV_PENDING), 0);
}

/* --- step 5: the kernels --- */

TestSuite(step5, .timeout = 150);

Test(step5, binary_translation)
{
	lab_equal_to_bare("bt --isa=legacy", "run=critical,detect,hello", NULL);
}

Test(step5, paravirtual)
{
	lab_equal_to_bare("pv", "run=critical,pingpong:2", NULL);
}
