/*
 * grade.c -- the grader of lab tvt: one Criterion suite per step.  Steps
 * 1-4 set up a VM under TVT, write the exit information into its VMCS
 * by hand, as the hardware does when the guest exits, call the exit
 * handler (vt_exit) and check the guest state it leaves; step 5 boots the
 * kernel under both kinds of paging.
 */
#include <criterion/criterion.h>

#include "core/vt.h"
#include "isa-toy/board.h"
#include "isa-toy/sbi.h"
#include "labs/lab.h"

#define PC 0x80002000u

static void nested(void)
{
	lab_setup_kind(MON_KIND_VT, MON_PAGING_NESTED);
}

static void shadow(void)
{
	lab_setup_kind(MON_KIND_VT, MON_PAGING_SHADOW);
}

static struct tvt_state *g(void)
{
	return &lab_vm->vtx->vmcs.guest;
}

/* The guest exits at PC with `reason`, the instruction word `insn`. */
static void vm_exit(enum tvt_exit_reason reason, uint32_t qual, uint32_t insn, uint32_t gpa)
{
	struct tvt_exit_info *e = &lab_vm->vtx->vmcs.exit;
	g()->pc = PC;
	g()->csr.priv = PRIV_S;
	*e = (struct tvt_exit_info){ reason, qual, PC, insn, gpa, gpa };
	vt_exit(lab_vm, reason);
}

/* --- step 1: ecall, the firmware call --- */

TestSuite(step1, .init = nested, .fini = lab_teardown, .timeout = 30);

Test(step1, sbi_base_answers)
{
	g()->x[17] = SBI_EXT_BASE;
	g()->x[16] = 0; /* get_spec_version */
	vm_exit(TVT_EXIT_ecall, 0, 0x00000073u, 0);
	cr_assert_not(lab_vm->halted, "the VM stopped");
	cr_assert_eq(g()->pc, PC + 4, "after the call the guest goes on past its ecall");
	cr_assert_eq(g()->x[10], 0, "a0 = SBI_SUCCESS");
	cr_assert_neq(g()->x[11], 0, "a1 = the SBI version");
}

Test(step1, shutdown_stops_the_vm)
{
	g()->x[17] = SBI_EXT_SRST;
	g()->x[16] = 0;
	g()->x[10] = SBI_SRST_SHUTDOWN;
	g()->x[11] = SBI_SRST_REASON_NONE;
	vm_exit(TVT_EXIT_ecall, 0, 0x00000073u, 0);
	cr_assert(lab_vm->halted, "SRST shutdown must stop the VM");
	cr_assert_eq(lab_vm->exit_code, 0);
}

/* --- step 2: a second-stage fault on guest RAM: map it --- */

TestSuite(step2, .init = nested, .fini = lab_teardown, .timeout = 30);

static uint32_t s2_entry(uint32_t gpa)
{
	uint32_t leaf = lab_vm->vtx->s2_leaf[gpa >> 22];
	if (leaf == SPT_NO_FRAME)
		return 0;
	return ((const uint32_t *)(void *)spt_frame_ptr(&lab_mon.frames, leaf))[(gpa >> 12) & 1023];
}

Test(step2, lazy_fill)
{
	uint32_t gpa = BOARD_RAM_BASE + 0x123000u;
	cr_assert_eq(s2_entry(gpa), 0, "(the page starts unmapped)");
	vm_exit(TVT_EXIT_npf, ACCESS_READ, 0x0005a503u /* lw a0, 0(a1) */, gpa);
	uint32_t e = s2_entry(gpa);
	cr_assert(e & PTE_V, "the second-stage table must now map guest page %#x", gpa);
	cr_assert_eq(e >> PTE_PPN_SHIFT, lab_rppn(gpa), "... to its machine page (P -> R)");
	cr_assert_eq(g()->pc, PC, "the guest retries the access: the pc stays");
	cr_assert_eq(lab_vm->vtx->vmcs.inject.valid, false, "nothing for the guest to see");
}

/* --- step 3: MMIO, emulated with the hardware's decode assist --- */

TestSuite(step3, .init = nested, .fini = lab_teardown, .timeout = 30);

#define UART_SCR 7 /* the 16550's scratch register */

Test(step3, store_then_load_a_device_register)
{
	uint32_t a = BOARD_UART_BASE + UART_SCR;
	g()->x[11] = BOARD_UART_BASE;
	g()->x[12] = 0x5a;
	/* sb a2, 7(a1) */
	vm_exit(TVT_EXIT_npf, ACCESS_WRITE, 0x00c583a3u, a);
	cr_assert_eq(g()->pc, PC + 4, "the store is done for the guest: it moves on");
	cr_assert_not(lab_vm->vtx->vmcs.inject.valid, "a device store is no fault");
	/* lbu a0, 7(a1) */
	vm_exit(TVT_EXIT_npf, ACCESS_READ, 0x0075c503u, a);
	cr_assert_eq(g()->x[10], 0x5a, "a0 must read back the scratch register (got %#x)",
		     g()->x[10]);
	cr_assert_eq(g()->pc, PC + 4);
}

Test(step3, sign_extension)
{
	g()->x[11] = BOARD_UART_BASE;
	g()->x[12] = 0x80;
	vm_exit(TVT_EXIT_npf, ACCESS_WRITE, 0x00c583a3u, BOARD_UART_BASE + UART_SCR);
	/* lb a0, 7(a1) */
	vm_exit(TVT_EXIT_npf, ACCESS_READ, 0x00758503u, BOARD_UART_BASE + UART_SCR);
	cr_assert_eq(g()->x[10], 0xffffff80u, "lb sign-extends (got %#x)", g()->x[10]);
}

/* --- step 4: the guest's satp under shadow paging --- */

TestSuite(step4, .init = shadow, .fini = lab_teardown, .timeout = 30);

Test(step4, satp_is_the_guests)
{
	uint32_t root = lab_page(0);
	uint32_t satp = SATP_MODE_SV32 | (root >> 12);
	g()->x[11] = satp;
	g()->x[10] = 0x1234;
	/* csrrw a0, satp, a1 */
	vm_exit(TVT_EXIT_csr, 0, LAB_CSRRW(10, CSR_satp, 11), 0);
	cr_assert_eq(g()->pc, PC + 4);
	cr_assert_eq(g()->x[10], 0, "a0 = the guest's old satp (0), not the shadow's root");
	cr_assert_eq(lab_vm->vtx->gsatp, satp, "the monitor must keep the guest's new satp");
	cr_assert_eq(lab_vm->spt.cur->gsatp, satp, "... and switch to its shadow");
	cr_assert_neq(g()->csr.satp, satp, "the hardware's satp is the shadow's root");
	/* csrr a2, satp */
	vm_exit(TVT_EXIT_csr, 0, LAB_CSRRS(12, CSR_satp, 0), 0);
	cr_assert_eq(g()->x[12], satp, "reading satp gives the guest what it wrote");
}

/* --- step 5: the kernel under TVT --- */

TestSuite(step5, .timeout = 150);

Test(step5, nested_paging)
{
	lab_equal_to_bare("vt --paging=nested", "run=hello,syscalls,echo:2", "echo.in");
}

Test(step5, shadow_paging)
{
	lab_equal_to_bare("vt --paging=shadow", "run=memtouch:4,spawnloop:20", NULL);
}
