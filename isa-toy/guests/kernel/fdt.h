/*
 * fdt.h -- a small reader of the flattened device tree (DTB) that the
 * firmware hands the kernel in a1: just what this kernel needs.
 */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include "kernel/types.h"

#define FDT_BOOTARGS_MAX 256
#define FDT_VIRTIO_MAX	 8 /* virtio,mmio nodes remembered */

struct fdt_info {
	uint32_t size;			 /* the blob's totalsize */
	char bootargs[FDT_BOOTARGS_MAX]; /* /chosen/bootargs, "" if none */
	uint32_t mem_base, mem_size;	 /* /memory reg */
	uint32_t timebase_hz;		 /* /cpus/timebase-frequency */
	uint32_t uart_base, uart_irq;	 /* the "ns16550a" node: reg, interrupts */
	uint32_t plic_base;		 /* the "riscv,plic0" node: reg */
	/* The "virtio,mmio" nodes, in the tree's order: reg, interrupts. */
	uint32_t virtio_base[FDT_VIRTIO_MAX], virtio_irq[FDT_VIRTIO_MAX];
	uint32_t nvirtio;
	uint32_t piodisk_base;	    /* "trapvisor,pio-disk": reg (0: none, as on QEMU) */
	uint32_t dma_base, dma_irq; /* "trapvisor,dma-copy": reg, interrupts (0: none) */
};

/* fdt_parse: read the blob at `blob` into *info.  0, or -1 with a
 * message in *err if the blob is malformed (every offset and length in
 * it is checked against its size) or lacks something we need. */
int fdt_parse(const void *blob, struct fdt_info *info, const char **err);

#endif
