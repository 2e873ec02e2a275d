/*
 * sbi.h -- calls into the firmware (the RISC-V Supervisor Binary
 * Interface).  On trapvisor the firmware is C code in the monitor; on
 * QEMU it is the small M-mode shim of tests/peer.  Either way the kernel
 * does an `ecall` from S-mode with a7 = extension id, a6 = function id,
 * arguments in a0..a5, and gets back a0 = error, a1 = value.
 */
#ifndef KERNEL_SBI_H
#define KERNEL_SBI_H

#include "kernel/types.h"

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_BASE	       0x10
#define SBI_EXT_TIME	       0x54494D45 /* "TIME" */
#define SBI_EXT_SRST	       0x53525354 /* "SRST" */

#define SBI_ERR_NOT_SUPPORTED (-2) /* error: no such extension or function */

#define SBI_SRST_SHUTDOWN	0	    /* system_reset type */
#define SBI_SRST_REASON_NONE	0	    /* reason: all went well */
#define SBI_SRST_REASON_FAILURE 1	    /* reason: system failure (panic) */
#define SBI_SRST_REASON_VENDOR	0xF0000000u /* | exit code, 0..255 */

struct sbi_ret {
	long error;
	long value;
};

struct sbi_ret sbi_call(uint32_t ext, uint32_t fn, uint32_t a0, uint32_t a1, uint32_t a2);
/* sbi_putchar: the legacy console, used before the UART driver is up. */
void sbi_putchar(char c);
/* sbi_shutdown: power off, the run ending with exit status `status`
 * (0 = success, 1..255 as given); never returns. */
void sbi_shutdown(int status) __attribute__((noreturn));
/* sbi_shutdown_failure: power off reporting a system failure (panic). */
void sbi_shutdown_failure(void) __attribute__((noreturn));

#endif
