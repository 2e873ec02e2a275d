/*
 * sbi.h -- the firmware of the toy machine: a subset of the RISC-V
 * Supervisor Binary Interface, answering S-mode `ecall`s in C.
 *
 * On real RISC-V boards, OpenSBI runs in M-mode and the kernel calls it
 * with ecall (a7 = extension id, a6 = function id, a0..a5 = arguments;
 * it returns a0 = error, a1 = value).  TRV32 has no M-mode, so trapvisor
 * itself plays that part.  The monitor (trap mode) reuses this code for
 * its hypercalls: an ecall from the guest kernel is a call to the VMM.
 */
#ifndef ISA_TOY_SBI_H
#define ISA_TOY_SBI_H

#include <stdint.h>

/* Extension ids (a7). */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR	 0x01
#define SBI_EXT_LEGACY_GETCHAR	 0x02
#define SBI_EXT_LEGACY_SHUTDOWN	 0x08
#define SBI_EXT_BASE		 0x10
#define SBI_EXT_TIME		 0x54494d45 /* "TIME" */
#define SBI_EXT_SRST		 0x53525354 /* "SRST" */
#define SBI_EXT_DBCN		 0x4442434e /* "DBCN" */

/* Error codes (a0). */
#define SBI_SUCCESS		0
#define SBI_ERR_FAILED		(-1)
#define SBI_ERR_NOT_SUPPORTED	(-2)
#define SBI_ERR_INVALID_PARAM	(-3)
#define SBI_ERR_INVALID_ADDRESS (-5)

/* SRST reset types and reasons. */
#define SBI_SRST_SHUTDOWN	   0
#define SBI_SRST_COLD_REBOOT	   1
#define SBI_SRST_WARM_REBOOT	   2
#define SBI_SRST_REASON_NONE	   0
#define SBI_SRST_REASON_FAILURE	   1
/* TRV32 convention: a shutdown reason 0xF0000000 | code (SBI's vendor-
 * specific range) ends the run with exit status `code` (0..255). */
#define SBI_SRST_REASON_EXIT(code) (0xf0000000u | ((code)&0xff))

#define SBI_SPEC_VERSION 0x02000000 /* v2.0: major in 30:24, minor 23:0 */
#define SBI_IMPL_ID	 0x7476	    /* "tv": not a registered id */

/* What the firmware needs from the machine it runs on. */
struct sbi_platform {
	void (*putchar)(void *ctx, uint8_t c);
	int (*getchar)(void *ctx);		     /* -1: nothing to read */
	void (*set_timer)(void *ctx, uint64_t when); /* program stimecmp */
	void (*reset)(void *ctx, uint32_t type, uint32_t reason);
	/* Guest-physical memory for DBCN: 0 ok, -1 not all RAM. */
	int (*read_phys)(void *ctx, uint64_t pa, void *buf, uint32_t len);
	int (*write_phys)(void *ctx, uint64_t pa, const void *buf, uint32_t len);
	void *ctx;
};

/* Answer the call in registers x[10..17] (a0..a7), writing the results
 * to a0/a1.  Returns 0 to continue, -1 if the call stopped the machine. */
int sbi_call(const struct sbi_platform *p, uint32_t *x);

/* The exit status trapvisor reports for an SRST call. */
int sbi_exit_status(uint32_t type, uint32_t reason);

#endif
