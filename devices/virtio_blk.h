/*
 * virtio_blk.h -- virtio-blk (virtio 1.2, 5.2): a disk as one request
 * queue.  Written against devices/virtio.h only, so any transport can
 * carry it.
 *
 * A request is one descriptor chain:
 *
 *   readable                              writable
 *   +------------------------------+      +-------------------+  +--------+
 *   | header: u32 type, u32 0,     | ---> | data (IN: the     |  | u8     |
 *   |         u64 sector           |      | device fills it)  |  | status |
 *   +------------------------------+      +-------------------+  +--------+
 *   (OUT: the data is readable instead, between header and status)
 *
 * Types served: IN (read), OUT (write), FLUSH, GET_ID (20-byte serial).
 * Status: 0 OK, 1 IOERR (out of range, read-only, host I/O failed),
 * 2 UNSUPP.  A chain too short for a header and a status byte is a
 * malformed ring: the device stops (DEVICE_NEEDS_RESET).
 *
 * Config space: u64 capacity in 512-byte sectors at offset 0 (then
 * size_max, seg_max, ... which we leave 0, not offering their features).
 * Features offered: VERSION_1, FLUSH, and RO for a read-only disk.
 */
#ifndef DEVICES_VIRTIO_BLK_H
#define DEVICES_VIRTIO_BLK_H

#include "devices/disk.h"
#include "devices/virtio.h"

#define VIRTIO_BLK_F_RO	   5 /* the disk is read-only */
#define VIRTIO_BLK_F_FLUSH 9 /* FLUSH requests are served */

#define VIRTIO_BLK_T_IN	    0u
#define VIRTIO_BLK_T_OUT    1u
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_T_GET_ID 8u

#define VIRTIO_BLK_S_OK	    0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

#define VIRTIO_BLK_HDR_SIZE 16u
#define VIRTIO_BLK_ID_BYTES 20u
#define VIRTIO_BLK_CONFIG_SIZE \
	0x3cu /* struct virtio_blk_config up to
					 * the fields of 1.2 we answer */

struct virtio_blk_stats {
	uint64_t reads, writes, flushes, other; /* requests by type */
	uint64_t ioerr;				/* requests answered IOERR */
};

struct virtio_blk {
	struct virtio_dev dev;
	struct disk *disk; /* not owned */
	struct virtio_blk_stats stats;
};

/* Set up `b` on `disk`, reaching guest memory through `mem` and
 * interrupting on `irq`. */
void virtio_blk_init(struct virtio_blk *b, struct disk *disk, const struct virtio_mem *mem,
		     const struct irq_line *irq);

#endif
