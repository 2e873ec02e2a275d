/*
 * pio_disk.h -- the emulated disk: a register-level controller in the
 * style of an IDE disk in PIO mode, where the driver moves every word of
 * data through one data register.  Under a monitor every one of those
 * accesses is a trap (or a VM exit): 128 per 512-byte sector.  It is the
 * "emulate the real hardware" half of the lecture's comparison; virtio
 * (virtio_blk.h) is the other half.
 *
 * Registers (32 bits each, aligned 32-bit accesses only):
 *
 *   0x00 ID       R   PIO_DISK_MAGIC ("PIOD")
 *   0x04 SECTORS  R   capacity in 512-byte sectors (0: no disk inserted)
 *   0x08 LBA      RW  first sector of the next command
 *   0x0c COUNT    RW  sectors of the next command, 1..PIO_DISK_MAX_COUNT
 *   0x10 COMMAND  W   1 READ, 2 WRITE, 3 FLUSH: starts a command
 *   0x14 STATUS   R   READY | DRQ | ERR, below
 *   0x18 DATA     RW  the next 32-bit word of the transfer
 *
 *   STATUS bits:
 *     READY 0x40  no command in progress: LBA, COUNT, COMMAND accepted
 *     DRQ   0x08  data request: DATA has (READ) or wants (WRITE) a word
 *     ERR   0x01  the last command failed (out of range, read-only disk,
 *                 the host file failed); cleared by the next command
 *
 * A READ fills a one-sector buffer from the file and raises DRQ; each
 * DATA read returns the next word, and after the last word of a sector
 * the next sector is loaded.  A WRITE raises DRQ; each DATA write fills
 * the buffer, and a full buffer goes to the file.  After the last word,
 * DRQ drops and READY returns.  The controller is as fast as the host:
 * there is no busy time, so a driver polls STATUS and never waits, and
 * there is no interrupt line.  Accesses to DATA without DRQ read 0 and
 * are ignored; a command while one is in progress aborts it.
 */
#ifndef DEVICES_PIO_DISK_H
#define DEVICES_PIO_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/disk.h"

#define PIO_DISK_ID	 0x00u
#define PIO_DISK_SECTORS 0x04u
#define PIO_DISK_LBA	 0x08u
#define PIO_DISK_COUNT	 0x0cu
#define PIO_DISK_COMMAND 0x10u
#define PIO_DISK_STATUS	 0x14u
#define PIO_DISK_DATA	 0x18u

#define PIO_DISK_MAGIC 0x444f4950u /* "PIOD", little-endian */

#define PIO_DISK_CMD_READ  1u
#define PIO_DISK_CMD_WRITE 2u
#define PIO_DISK_CMD_FLUSH 3u

#define PIO_DISK_ST_ERR	  0x01u
#define PIO_DISK_ST_DRQ	  0x08u
#define PIO_DISK_ST_READY 0x40u

#define PIO_DISK_MAX_COUNT 256u

struct pio_disk_stats {
	uint64_t commands; /* commands started */
	uint64_t words;	   /* DATA accesses that moved a word */
	uint64_t errors;   /* commands that ended in ERR */
};

struct pio_disk {
	struct disk *disk; /* NULL: no disk inserted */
	uint32_t lba, count, status;
	uint32_t cmd;  /* READ or WRITE in progress (with DRQ) */
	uint64_t next; /* sector the buffer belongs to */
	uint32_t left; /* sectors still to move, the buffered one included */
	uint32_t pos;  /* byte offset in the buffer */
	uint8_t buf[DISK_SECTOR];
	struct pio_disk_stats stats;
};

/* Reset `c` with `disk` inserted (NULL: empty). */
void pio_disk_init(struct pio_disk *c, struct disk *disk);

/* Bus callbacks; the region's dev pointer is the struct pio_disk. */
extern const struct bus_ops pio_disk_bus_ops;

/* Snapshots: the controller's registers, the command in progress and its
 * sector buffer (not the disk: core/state.c reopens it).  pio_disk_restore:
 * 0, or -1 if short or impossible; into a freshly attached controller. */
struct sbuf;
void pio_disk_snapshot(const struct pio_disk *c, struct sbuf *b);
int pio_disk_restore(struct pio_disk *c, struct sbuf *b);

#endif
