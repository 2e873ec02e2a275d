/*
 * bench.h -- what a benchmark guest is made of.
 *
 * A guest = one workload (alu.c, sieve.c or chase.c: the same C file for
 * both peers) + bench.c (printing, the common main) + one peer file:
 *
 *   peer_qemu.S              qemu-riscv32, Linux user mode: write/exit
 *                            system calls; paging is Linux's business.
 *   peer_bare.S, paging.c    trapvisor's bare board, S-mode at the ELF
 *                            entry: SBI console, test finisher, and Sv32
 *                            page tables built here before the workload.
 *
 * A workload prints one line "bench NAME: checksum XXXXXXXX"; the runner
 * (run.c) refuses to report times when the two peers disagree on it.
 */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#include <stdint.h>

/* Defined by the workload. */
extern const char bench_name[];
uint32_t bench_run(void); /* the measured work; returns its checksum */

/*
 * bench_paging_on -- on the bare board, turn Sv32 paging on: RAM is
 * identity-mapped with 4 MiB megapages, except [base, base + bytes), which
 * gets 4 KiB pages (base 4 MiB aligned, bytes a multiple of 4 MiB) so that
 * accesses there go through the TLB page by page.  A no-op on qemu-riscv32
 * (Linux user mode has paging on anyway).
 */
void bench_paging_on(void *base, uint32_t bytes);

/* Defined by the peer files. */
void bench_putc(int c);
void bench_exit(int code) __attribute__((noreturn));

/* bench.c */
void bench_puts(const char *s);
void bench_hex(uint32_t v);
int bench_main(void);

#endif
