/*
 * pv.c -- registering with the monitor (see pv.h).  Only in the PARAVIRT
 * build; the strict kernel compiles this file to nothing.
 */
#include "kernel/kernel.h"
#include "kernel/pv.h"

#ifdef PARAVIRT
/* Interrupts start masked (PV_MASK = 1), as sstatus.SIE = 0 at reset. */
uint32_t pv_shared[PV_SHARED_SIZE / 4] __attribute__((aligned(PV_SHARED_SIZE))) = {
	[PV_MASK / 4] = 1,
};

void pv_init(void)
{
	struct sbi_ret r = pv_call(PV_FN_REGISTER, (uint32_t)pv_shared, 0);
	/* Without the extension (trapvisor --mode=trap, the bare machine,
	 * QEMU) nobody would ever turn our interrupts on or write our page
	 * tables: stop now, with a message that says why. */
	if (r.error == SBI_ERR_NOT_SUPPORTED)
		panic("PARAVIRT kernel needs --mode=pv (no hypercall extension 0x%x)", PV_EID);
	if (r.error)
		panic("pv: the monitor refused the shared page %p (error %d)", (void *)pv_shared,
		      (int)r.error);
}
#else
typedef int pv_strict_kernel_has_no_pv; /* ISO C: no empty source files */
#endif
