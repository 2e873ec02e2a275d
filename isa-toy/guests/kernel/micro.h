/*
 * micro.h -- the kernel half of the microbenchmarks of user/micro.c, in
 * the style of Adams & Agesen (ASPLOS 2006): each kind repeats one
 * operation n times, so that (counter at 2n - counter at n) / n is the
 * cost of one operation, start-up and teardown cancelling out.
 *
 * The kinds below need privilege and so run inside the system call
 * micro(kind, n) (kernel/micro.c); the others (call, syscall, pgfault,
 * ctxsw, spawn) are plain user loops.  The numbers are shared with
 * user/micro.c, which includes this header.
 */
#ifndef KERNEL_MICRO_H
#define KERNEL_MICRO_H

#include "kernel/types.h"

#define MICRO_MMIO     1 /* n 8-bit reads of the UART's LSR (x86: in) */
#define MICRO_SSTATUS  2 /* n intr_restore(): sstatus writes (x86: POPF, cr8wr) */
#define MICRO_PTEWRITE 3 /* n writes of one user PTE, no sfence in between */

/* micro_run: run n iterations of kernel microbenchmark `kind` for the
 * calling process; 0, or -1 for an unknown kind or no memory. */
int micro_run(uint32_t kind, uint32_t n);

#endif
