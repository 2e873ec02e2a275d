/*
 * balloon.h -- the memory balloon driver (virtio-balloon, virtio 1.2,
 * 5.5): the monitor asks for pages back, and this driver takes them from
 * the kernel's own free list and hands them over.
 */
#ifndef KERNEL_BALLOON_H
#define KERNEL_BALLOON_H

#include "kernel/fdt.h"
#include "kernel/types.h"

/* balloon_init: find the device and, if there is one, give it what it
 * already asks for (none: nothing happens). */
void balloon_init(const struct fdt_info *fdt);
/* balloon_intr: PLIC source `irq` fired: if it is the balloon's, read the
 * new target and inflate or deflate to it.  False if not ours. */
bool balloon_intr(uint32_t irq);
/* For meminfo(): is there a balloon, how many pages it holds, how many
 * the monitor asked for, how many times it asked (counting the target
 * found at start-up). */
bool balloon_present(void);
uint32_t balloon_pages(void);
uint32_t balloon_target(void);
uint32_t balloon_requests(void);

#endif
