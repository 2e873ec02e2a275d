/*
 * lab.c -- the graders' shared set-up (lab.h).
 */
#include "labs/lab.h"

#include <criterion/criterion.h>

#include "isa-toy/board.h"

struct monitor lab_mon;
struct vm *lab_vm;

void lab_setup(void)
{
	cr_assert_eq(monitor_init(&lab_mon, LAB_RAM, 1, MON_KIND_TRAP, false), 0);
	lab_mon.mute = true;
	struct vm_config vc = { LAB_KERNEL, LAB_RAM, NULL, -1 };
	lab_vm = vm_create(&lab_mon, 0, &vc);
	cr_assert_not_null(lab_vm, "cannot load %s", LAB_KERNEL);
	lab_mon.vm[0] = lab_vm;
	lab_mon.nvm = 1;
	lab_mon.cur = lab_vm;
	lab_vm->vcpu.csr.priv = PRIV_S;
	vm_switch_shadow(lab_vm);
}

void lab_teardown(void)
{
	monitor_destroy(&lab_mon);
}

void lab_trap(uint32_t cause, uint32_t tval, uint32_t pc)
{
	struct cpu_trap t = { cause, tval, pc };
	lab_mon.hw.pc = pc;
	monitor_trap(lab_vm, &t);
}

uint32_t lab_page(unsigned index)
{
	uint32_t gpa = BOARD_RAM_BASE + LAB_RAM - (index + 1) * 4096u;
	static const uint8_t zero[4096];
	cr_assert_eq(vm_write_phys(lab_vm, gpa, zero, sizeof(zero)), 0);
	return gpa;
}

uint32_t lab_peek(uint32_t gpa)
{
	uint32_t v = 0;
	cr_assert_eq(vm_read_phys(lab_vm, gpa, &v, 4), 0);
	return v;
}

void lab_poke(uint32_t gpa, uint32_t val)
{
	cr_assert_eq(vm_write_phys(lab_vm, gpa, &val, 4), 0);
}
