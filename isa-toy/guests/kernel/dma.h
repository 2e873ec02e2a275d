/*
 * dma.h -- the DMA copy engine (`trapvisor,dma-copy`, in the device tree
 * only of a VM given `--assign dma`): it copies within guest-physical
 * memory, one command at a time, and raises a PLIC interrupt when the
 * command ends.  The driver sleeps until that interrupt; it never polls.
 */
#ifndef KERNEL_DMA_H
#define KERNEL_DMA_H

#include "kernel/fdt.h"
#include "kernel/types.h"

/* dma_map: map the engine's register page (before paging is on). */
void dma_map(const struct fdt_info *fdt);
/* dma_init: find the engine and enable its interrupt (none: no engine). */
void dma_init(const struct fdt_info *fdt);
/* dma_copy: copy n bytes (1..64 KiB) from physical src to physical dst
 * and sleep until the engine's interrupt says it is done.  Returns the
 * engine's STATUS (1 done, 2 refused), or -1 if there is no engine. */
int dma_copy(uint32_t dst, uint32_t src, uint32_t n);
/* dma_intr: PLIC source `irq` fired: if it is the engine's, acknowledge
 * it, wake the waiter and return true. */
bool dma_intr(uint32_t irq);

#endif
