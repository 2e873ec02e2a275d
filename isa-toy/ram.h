/*
 * ram.h -- memory for a machine's RAM, as QEMU and KVM users get it: an
 * anonymous reservation.  The host gives a page only when it is first
 * touched (until then it reads as zero), so asking for 1 GiB costs
 * nothing until the guest uses it: start-up does not grow with --mem.
 */
#ifndef ISA_TOY_RAM_H
#define ISA_TOY_RAM_H

#include <stddef.h>
#include <stdint.h>

/* `size` bytes of zeroed RAM, backed on first touch; NULL (with a message
 * naming what failed) if the host will not reserve them. */
uint8_t *ram_reserve(size_t size);
/* Give back what ram_reserve returned (NULL is fine). */
void ram_release(uint8_t *ram, size_t size);

#endif
