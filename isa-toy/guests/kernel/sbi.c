/*
 * sbi.c -- the three firmware services the kernel uses: early console
 * output, and shutdown with an exit status (SRST).  See sbi.h.
 */
#include "kernel/sbi.h"

struct sbi_ret sbi_call(uint32_t ext, uint32_t fn, uint32_t a0, uint32_t a1, uint32_t a2)
{
	register uint32_t r_a0 __asm__("a0") = a0;
	register uint32_t r_a1 __asm__("a1") = a1;
	register uint32_t r_a2 __asm__("a2") = a2;
	register uint32_t r_a6 __asm__("a6") = fn;
	register uint32_t r_a7 __asm__("a7") = ext;

	/* An ecall from S-mode goes to the firmware (M-mode on QEMU, the
	 * monitor's C code on trapvisor), not to our own trap vector. */
	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbi_ret){ (long)r_a0, (long)r_a1 };
}

void sbi_putchar(char c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0, 0);
}

void sbi_shutdown(int status)
{
	uint32_t reason = SBI_SRST_REASON_NONE;
	if (status != 0)
		reason = SBI_SRST_REASON_VENDOR | ((uint32_t)status & 0xff);
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, reason, 0);
	for (;;) /* the firmware never returns from a shutdown */
		;
}

void sbi_shutdown_failure(void)
{
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE, 0);
	for (;;)
		;
}
