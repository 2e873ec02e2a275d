/*
 * krun.h -- run the teaching kernel in a child process (trapvisor or
 * QEMU), feed its console, capture everything, bound it by a timeout, and
 * check the transcript against tests/kernel/expected/.
 */
#ifndef TESTS_KERNEL_KRUN_H
#define TESTS_KERNEL_KRUN_H

#include <stdbool.h>
#include <stddef.h>

struct krun_result {
	char *out; /* the guest's console (stdout), NUL-terminated */
	size_t out_len;
	char *err;	/* the runner's stderr, NUL-terminated */
	int status;	/* exit status, or 128 + signal */
	bool timed_out; /* killed after the timeout */
	double seconds; /* wall-clock time of the run */
};

/* krun: run argv (argv[0] a path) with `input` (len bytes, may be NULL)
 * on stdin, killing it after timeout_s seconds.  0, or -1 with a message
 * on stderr if it could not be started. */
int krun(char *const argv[], const char *input, size_t len, int timeout_s, struct krun_result *r);
void krun_free(struct krun_result *r);

/* krun_read_file: a whole file, NUL-terminated (NULL if unreadable). */
char *krun_read_file(const char *path, size_t *len);

/* The runners.  Each fills *r and returns 0 (-1: could not start). */
/* The kernel on `trapvisor run --mode=MODE --stats` (stats on r->err). */
int krun_trapvisor(const char *mode, const char *bootargs, const char *input_file, int timeout_s,
		   struct krun_result *r);
/* The same with --isa=ISA (strict or legacy). */
int krun_trapvisor_isa(const char *mode, const char *isa, const char *bootargs,
		       const char *input_file, int timeout_s, struct krun_result *r);
/* --mode=vt with --paging=PAGING (nested or shadow) and --isa=ISA. */
int krun_trapvisor_vt(const char *paging, const char *isa, const char *bootargs,
		      const char *input_file, int timeout_s, struct krun_result *r);
/* The kernel on QEMU's virt board (see krun_qemu_elf). */
int krun_qemu(const char *bootargs, const char *input_file, int timeout_s, struct krun_result *r);
/* The same with more QEMU arguments (`extra`, NULL-terminated; NULL for
 * none), e.g. a drive and a device. */
int krun_qemu_with(const char *bootargs, char *const extra[], const char *input_file, int timeout_s,
		   struct krun_result *r);
/* Any S-mode ELF linked at 0x80000000 on QEMU's virt board, -bios none
 * with the M-mode shim of tests/peer/shim in flash, 64 MiB (the shim's
 * stack is at its top); cpu (e.g. "rv32,c=false") and bootargs may be
 * NULL for QEMU's default CPU and no -append. */
int krun_qemu_elf(const char *elf, const char *cpu, const char *bootargs, const char *input_file,
		  int timeout_s, struct krun_result *r);
/* The same with no bootargs and the console input given as a string
 * (NULL or "" for none) rather than a file of tests/kernel/expected/. */
int krun_qemu_elf_input(const char *elf, const char *cpu, const char *input, int timeout_s,
			struct krun_result *r);

/* krun_verdict: NULL if run `r` (by `who`) printed exactly `want` and
 * exited with `status`; otherwise a message (malloc'd) that names the
 * problem -- timeout, kernel panic, unexpected M-mode trap in the QEMU
 * shim, a different transcript, a different status -- and shows the
 * whole transcript. */
char *krun_verdict(const char *who, const struct krun_result *r, const char *name, const char *want,
		   int status);
/* krun_check: Criterion assertions that run `r` (by `who`) printed
 * exactly expected/NAME.out and exited with `status`; a kernel panic, a
 * killed process, a shim trap or a timeout fails with the transcript
 * shown. */
void krun_check(const char *who, const struct krun_result *r, const char *name, int status);

/* Paths compiled in by the Makefile (tests/kernel/module.mk). */
#define KRUN_EXPECTED  KRUN_ROOT "/tests/kernel/expected"
#define KRUN_KERNEL    KRUN_BUILD "/guests/kernel.elf"
#define KRUN_TRAPVISOR KRUN_BUILD "/trapvisor"
#define KRUN_SHIM      KRUN_BUILD "/tests/peer/shim.pflash"

#endif
