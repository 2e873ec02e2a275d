/*
 * pio_disk.c -- a driver for trapvisor's emulated disk (devices/pio_disk.h
 * on the host side): every word of data goes through one register, the
 * way an IDE driver in PIO mode moves sectors with `rep insw`.  Under a
 * monitor each of those accesses traps: 128 traps per 512-byte sector,
 * against virtio's handful per request.
 *
 *   LBA = sector; COUNT = n; COMMAND = READ or WRITE
 *   per sector:  STATUS must show DRQ (else ERR: give up)
 *                128 x  word = DATA   (or DATA = word)
 *   at the end:  STATUS must be READY without ERR
 *
 * The controller is never busy (it is as fast as the host), so there is
 * nothing to wait for and no interrupt.
 */
#include "kernel/disk.h"
#include "kernel/kernel.h"
#include "kernel/vm.h"

#define PIO_ID	    0x00
#define PIO_SECTORS 0x04
#define PIO_LBA	    0x08
#define PIO_COUNT   0x0c
#define PIO_COMMAND 0x10
#define PIO_STATUS  0x14
#define PIO_DATA    0x18

#define PIO_MAGIC     0x444f4950u /* "PIOD" */
#define PIO_CMD_READ  1u
#define PIO_CMD_WRITE 2u
#define PIO_ST_ERR    0x01u
#define PIO_ST_DRQ    0x08u
#define PIO_ST_READY  0x40u

static volatile uint32_t *pio_regs;
static uint32_t pio_size;

static uint32_t pio_get(uint32_t off)
{
	return pio_regs[off / 4];
}

static void pio_put(uint32_t off, uint32_t val)
{
	pio_regs[off / 4] = val;
}

bool pio_probe(const struct fdt_info *fdt)
{
	if (!fdt->piodisk_base)
		return false;
	pio_regs = (volatile uint32_t *)VM_PIODISK;
	if (pio_get(PIO_ID) != PIO_MAGIC)
		return false;
	pio_size = pio_get(PIO_SECTORS); /* 0: no disk inserted */
	return pio_size != 0;
}

static uint32_t pio_sectors(void)
{
	return pio_size;
}

static int pio_rw(uint32_t sector, void *buf, uint32_t n, bool write)
{
	uint32_t *w = buf;

	pio_put(PIO_LBA, sector);
	pio_put(PIO_COUNT, n);
	pio_put(PIO_COMMAND, write ? PIO_CMD_WRITE : PIO_CMD_READ);
	for (uint32_t s = 0; s < n; s++) {
		if (!(pio_get(PIO_STATUS) & PIO_ST_DRQ))
			return -1;
		for (uint32_t i = 0; i < DISK_SECTOR / 4; i++, w++) {
			if (write)
				pio_put(PIO_DATA, *w);
			else
				*w = pio_get(PIO_DATA);
		}
	}
	return pio_get(PIO_STATUS) == PIO_ST_READY ? 0 : -1;
}

static bool pio_intr(uint32_t irq)
{
	(void)irq;
	return false; /* no interrupt line */
}

const struct disk_driver pio_driver = { "emulated", pio_sectors, pio_rw, pio_intr };
