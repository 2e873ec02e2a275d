/*
 * hypercall_test.c -- the monitor's side of the PV interface (core/pv.c)
 * called directly, as a hostile guest kernel would call it: every
 * guest-controlled address, length and list entry is checked, and a bad
 * one is an SBI error in a0 (the pc moving past the ecall), never a crash
 * or a write outside the guest's RAM.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "core/monitor.h"
#include "core/pv.h"
#include "isa-toy/board.h"
#include "isa-toy/guests/kernel/pv_abi.h"
#include "isa-toy/sbi.h"

#define HC_RAM	  (4u << 20)
#define HC_KERNEL KRUN_BUILD "/guests/kernel-pv.elf"
#define HC_PAGE	  (BOARD_RAM_BASE + HC_RAM - 2 * 4096) /* the shared page */
#define HC_LIST	  (BOARD_RAM_BASE + HC_RAM - 4096)     /* an mmu_update list */

static struct monitor hc_mon;
static struct vm *hc_vm;

static void hc_setup(void)
{
	cr_assert_eq(monitor_init(&hc_mon, HC_RAM, 1, MON_KIND_PV, false), 0);
	hc_mon.mute = true;
	struct vm_config vc = { HC_KERNEL, HC_RAM, NULL, -1, VM_DMA_NONE };
	hc_vm = vm_create(&hc_mon, 0, &vc);
	cr_assert_not_null(hc_vm);
	hc_mon.vm[0] = hc_vm;
	hc_mon.nvm = 1;
	hc_vm->vcpu.csr.priv = PRIV_S; /* an ecall from the guest kernel */
}

static void hc_teardown(void)
{
	monitor_destroy(&hc_mon);
}

/* One ecall with a7 = eid, a6 = fn: returns whether pv.c took it; a0, a1
 * as it left them.  The pc must have moved past the ecall. */
static bool hc_call(uint32_t eid, uint32_t fn, uint32_t a0, uint32_t a1, int32_t *err,
		    uint32_t *val)
{
	struct cpu *hw = &hc_mon.hw;
	struct cpu_trap t = { EXC_ecall_u, 0, 0x80001000u };
	hw->pc = 0x80001000u;
	hw->x[17] = eid;
	hw->x[16] = fn;
	hw->x[10] = a0;
	hw->x[11] = a1;
	bool took = pv_hypercall(hc_vm, &t, 0);
	if (took)
		cr_assert_eq(hw->pc, 0x80001004u, "the pc did not move past the ecall");
	*err = (int32_t)hw->x[10];
	*val = hw->x[11];
	return took;
}

static int32_t hc(uint32_t fn, uint32_t a0, uint32_t a1)
{
	int32_t err;
	uint32_t val;
	cr_assert(hc_call(PV_EID, fn, a0, a1, &err, &val), "pv.c ignored its own extension");
	return err;
}

TestSuite(hypercall, .init = hc_setup, .fini = hc_teardown);

Test(hypercall, others_pass_through)
{
	int32_t err;
	uint32_t val;
	cr_assert_not(hc_call(SBI_EXT_TIME, 0, 0, 0, &err, &val), "took an SBI TIME call");
	cr_assert_eq(hc(PV_FN_COUNT, 0, 0), SBI_ERR_NOT_SUPPORTED);
	cr_assert_eq(hc(0xffffffffu, 0, 0), SBI_ERR_NOT_SUPPORTED);
}

Test(hypercall, nothing_before_register)
{
	for (uint32_t fn = 1; fn < PV_FN_COUNT; fn++)
		cr_assert_eq(hc(fn, HC_LIST, 1), PV_ERR_DENIED, "function %u", fn);
	cr_assert_not(pv_masked(hc_vm));
}

Test(hypercall, register_checks_the_page)
{
	cr_assert_eq(hc(PV_FN_REGISTER, HC_PAGE + 4, 0), SBI_ERR_INVALID_ADDRESS); /* unaligned */
	cr_assert_eq(hc(PV_FN_REGISTER, 0, 0), SBI_ERR_INVALID_ADDRESS);	   /* below RAM */
	cr_assert_eq(hc(PV_FN_REGISTER, BOARD_RAM_BASE + HC_RAM, 0), SBI_ERR_INVALID_ADDRESS);
	cr_assert_eq(hc(PV_FN_REGISTER, 0xfffff000u, 0), SBI_ERR_INVALID_ADDRESS); /* wraps */
	cr_assert_eq(hc(PV_FN_REGISTER, HC_PAGE, 0), 0);
}

Test(hypercall, masking_through_the_page)
{
	uint32_t one = 1, v;
	cr_assert_eq(hc(PV_FN_REGISTER, HC_PAGE, 0), 0);
	cr_assert_not(pv_masked(hc_vm));
	vm_write_phys(hc_vm, HC_PAGE + PV_MASK, &one, 4);
	cr_assert(pv_masked(hc_vm));
	/* Holding an interrupt back leaves the note the guest looks for. */
	vm_read_phys(hc_vm, HC_PAGE + PV_PENDING, &v, 4);
	cr_assert_eq(v, 1);
	cr_assert_eq(hc(PV_FN_IRQ_UNMASKED, 0, 0), 0);
	vm_read_phys(hc_vm, HC_PAGE + PV_PENDING, &v, 4);
	cr_assert_eq(v, 0);
}

Test(hypercall, mmu_update_checks_everything)
{
	int32_t err;
	uint32_t done, e[3][2];
	cr_assert_eq(hc(PV_FN_REGISTER, HC_PAGE, 0), 0);

	/* The list itself: too long, outside RAM, wrapping around. */
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, HC_LIST, PV_MMU_MAX + 1), SBI_ERR_INVALID_PARAM);
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, HC_LIST, 0xffffffffu), SBI_ERR_INVALID_PARAM);
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, 0x1000, 1), SBI_ERR_INVALID_ADDRESS);
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, 0xfffffff8u, 2), SBI_ERR_INVALID_ADDRESS);
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, BOARD_RAM_BASE + HC_RAM - 8, 2),
		     SBI_ERR_INVALID_ADDRESS); /* its end runs past RAM */

	/* Its entries: a good write, then one past the end of RAM: the
	 * first is done, the list stops at the second. */
	e[0][0] = HC_LIST + 1024 + PV_MMU_PT_UPDATE;
	e[0][1] = 0x12345678;
	e[1][0] = (BOARD_RAM_BASE + HC_RAM) | PV_MMU_PT_UPDATE;
	e[1][1] = 0xdeadbeef;
	e[2][0] = HC_LIST + 1028 + PV_MMU_PT_UPDATE;
	e[2][1] = 0x9abcdef0;
	vm_write_phys(hc_vm, HC_LIST, e, sizeof(e));
	uint32_t w[2] = { 0, 0 };
	vm_write_phys(hc_vm, HC_LIST + 1024, w, sizeof(w)); /* (the DTB is up here) */
	cr_assert(hc_call(PV_EID, PV_FN_MMU_UPDATE, HC_LIST, 3, &err, &done));
	cr_assert_eq(err, SBI_ERR_INVALID_ADDRESS);
	cr_assert_eq(done, 1);
	vm_read_phys(hc_vm, HC_LIST + 1024, w, sizeof(w));
	cr_assert_eq(w[0], 0x12345678);
	cr_assert_eq(w[1], 0, "an entry after the bad one ran");

	/* An address that wraps, and an unknown command. */
	e[0][0] = 0xfffffffcu;
	vm_write_phys(hc_vm, HC_LIST, e, 8);
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, HC_LIST, 1), SBI_ERR_INVALID_ADDRESS);
	e[0][0] = 3;
	vm_write_phys(hc_vm, HC_LIST, e, 8);
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, HC_LIST, 1), SBI_ERR_INVALID_PARAM);

	/* Flushes and an empty list are fine. */
	e[0][0] = PV_MMU_FLUSH_VA;
	e[0][1] = 0xffffffffu;
	e[1][0] = PV_MMU_FLUSH_ALL;
	vm_write_phys(hc_vm, HC_LIST, e, 16);
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, HC_LIST, 2), 0);
	cr_assert_eq(hc(PV_FN_MMU_UPDATE, 0, 0), SBI_ERR_INVALID_ADDRESS); /* 0 bytes at 0 */
}
