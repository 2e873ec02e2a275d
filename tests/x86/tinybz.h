/*
 * tinybz.h -- hand-made bzImages for the x86 tests: a setup header the
 * parser accepts, and a "kernel" of a few instructions that exits to the
 * monitor a chosen number of times and then triple-faults.  Used by the
 * host unit tests (x86_unit.c) and, through the tinybz tool, by the nested
 * venue (run.sh), which boots the same image in L1.
 */
#ifndef TESTS_X86_TINYBZ_H
#define TESTS_X86_TINYBZ_H

#include <stddef.h>
#include <stdint.h>

/* Boot sector + 1 setup sector + a 4 KiB "kernel". */
#define TINYBZ_SIZE (2 * 512 + 4096)

/* A calloc'd TINYBZ_SIZE-byte bzImage with this header (init_size 1 MiB,
 * initrd_addr_max 0x7fffffff, cmdline_size 2047) and an empty kernel.
 * Returns NULL when out of memory. */
uint8_t *tinybz_image(uint16_t version, uint8_t loadflags, uint16_t xloadflags);

/* Write to `path` a protocol-2.15 64-bit bzImage whose entry (kernel +
 * 0x200) does `outs` OUTs to port 0x80 (each a KVM_EXIT_IO: one trace
 * record) and then `ud2` with no IDT: a triple fault, KVM_EXIT_SHUTDOWN,
 * which ends the run with status 0.  Returns 0, or -1 with errno set. */
int tinybz_write(const char *path, uint32_t outs);

#endif
