/*
 * disk.h -- the kernel's disk: one block device, found at boot, read and
 * written in 512-byte sectors by the disk system calls.  Two drivers can
 * provide it -- virtio-blk (virtio_blk.c), else the emulated PIO disk
 * (pio_disk.c) -- and the calls below do not care which (disk.c).
 */
#ifndef KERNEL_DISK_H
#define KERNEL_DISK_H

#include "kernel/fdt.h"
#include "kernel/types.h"

#define DISK_SECTOR 512u

/* disk_map: map the registers of the device tree's virtio-mmio slots in
 * the kernel page table (at VM_VIRTIO(n); before paging is on). */
void disk_map(const struct fdt_info *fdt);
/* disk_init: look for a block device among the virtio-mmio slots of the
 * device tree and set the first one found up.
 * Prints nothing when there is none (most runs have no disk). */
void disk_init(const struct fdt_info *fdt);
/* disk_sectors: the disk's size in sectors, 0 if there is no disk. */
uint32_t disk_sectors(void);
/* disk_rw: move `n` sectors (n * 512 <= PAGE_SIZE) between sector
 * `sector` and kernel buffer `buf` (in RAM: its address is also the one
 * the device uses); sleeps until the device is done.  0, or -1 (no disk,
 * out of range, or the device reported an error). */
int disk_rw(uint32_t sector, void *buf, uint32_t n, bool write);
/* disk_intr: PLIC source `irq` fired: if it is the disk's, take its
 * completions and return true. */
bool disk_intr(uint32_t irq);

/* A driver, as disk.c sees it.  sectors/rw/intr as disk_sectors,
 * disk_rw and disk_intr below, once probe() said the device is there. */
struct disk_driver {
	const char *name;
	uint32_t (*sectors)(void);
	int (*rw)(uint32_t sector, void *buf, uint32_t n, bool write);
	bool (*intr)(uint32_t irq);
};
extern const struct disk_driver vblk_driver, pio_driver;
/* vblk_probe, pio_probe: find and set up the device; false if absent. */
bool vblk_probe(const struct fdt_info *fdt);
bool pio_probe(const struct fdt_info *fdt);

#endif
