/*
 * disk.c -- the kernel's one disk, whichever driver found it (disk.h).
 */
#include "kernel/disk.h"
#include "kernel/kernel.h"
#include "kernel/vm.h"

static const struct disk_driver *disk_drv; /* NULL: no disk */

void disk_map(const struct fdt_info *fdt)
{
	for (uint32_t n = 0; n < fdt->nvirtio; n++)
		vm_kernel_map_mmio(VM_VIRTIO(n), fdt->virtio_base[n]);
	if (fdt->piodisk_base)
		vm_kernel_map_mmio(VM_PIODISK, fdt->piodisk_base);
}

void disk_init(const struct fdt_info *fdt)
{
	/* The replacement first: a virtio disk if there is one, else the
	 * emulated one. */
	if (vblk_probe(fdt))
		disk_drv = &vblk_driver;
	else if (pio_probe(fdt))
		disk_drv = &pio_driver;
}

uint32_t disk_sectors(void)
{
	return disk_drv ? disk_drv->sectors() : 0;
}

int disk_rw(uint32_t sector, void *buf, uint32_t n, bool write)
{
	uint32_t size = disk_sectors();
	if (!disk_drv || n == 0 || n > PAGE_SIZE / DISK_SECTOR || sector > size ||
	    n > size - sector)
		return -1;
	return disk_drv->rw(sector, buf, n, write);
}

bool disk_intr(uint32_t irq)
{
	return disk_drv && disk_drv->intr(irq);
}
