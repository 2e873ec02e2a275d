/*
 * tvt_harness.c -- the fixture of tvt_test.h.
 */
#include <string.h>

#include "tests/tvt/tvt_test.h"

struct tvt_vmcs tv;

void tvt_setup(void)
{
	th_setup();
	memset(&tv, 0, sizeof(tv));
	csr_reset(&tv.guest.csr);
	tv.guest.csr.priv = PRIV_S;
	tv.guest.csr.stvec = GUEST_TRAP;
	tv.ctl.vpid = 1;
	th_cpu.pc = HOST_PC;
}

uint32_t tvt_guest_prog(const uint32_t *w, size_t n)
{
	uint32_t pc = th_prog(w, n);
	tv.guest.pc = pc;
	th_cpu.pc = HOST_PC;
	return pc;
}

void tvt_s2_set(uint32_t gpa, uint32_t pte)
{
	th_put32(S2_L0 + 4 * ((gpa >> 12) & 0x3ff), pte);
	tvt_flush(&th_cpu, &tv);
}

void tvt_s2_identity(void)
{
	th_put32(S2_ROOT + 4 * (TH_RAM_BASE >> 22), th_pte(S2_L0, PTE_V));
	for (uint32_t off = 0; off < TH_RAM_SIZE; off += 4096)
		th_put32(S2_L0 + 4 * (off >> 12),
			 th_pte(TH_RAM_BASE + off,
				PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D));
	tv.ctl.stage2 = true;
	tv.ctl.s2_root = S2_ROOT;
}
