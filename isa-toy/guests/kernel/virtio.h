/*
 * virtio.h -- what the kernel's virtio drivers (virtio_blk.c, virtio_net.c)
 * share: the virtio-mmio version 2 registers (virtio 1.2, 4.2.2), the
 * split virtqueue layout (2.7), and the steps of bringing a device up
 * (3.1.1) in virtio.c.
 *
 * A queue lives in one page of RAM (8 entries):
 *   +0    descriptor table, 8 x 16 bytes   {addr, len, flags, next}
 *   +128  avail ring: flags, idx, ring[8]  (the driver writes it)
 *   +512  used ring:  flags, idx, ring[8] of {id, len}  (the device does)
 */
#ifndef KERNEL_VIRTIO_H
#define KERNEL_VIRTIO_H

#include "kernel/fdt.h"
#include "kernel/types.h"

/* Registers (byte offsets; all 32 bits). */
#define VIO_MAGIC	    0x000 /* "virt" */
#define VIO_VERSION	    0x004 /* 2 */
#define VIO_DEVICE_ID	    0x008 /* 1 = net, 2 = block */
#define VIO_DEVICE_FEAT	    0x010
#define VIO_DEVICE_FEAT_SEL 0x014
#define VIO_DRIVER_FEAT	    0x020
#define VIO_DRIVER_FEAT_SEL 0x024
#define VIO_QUEUE_SEL	    0x030
#define VIO_QUEUE_NUM_MAX   0x034
#define VIO_QUEUE_NUM	    0x038
#define VIO_QUEUE_READY	    0x044
#define VIO_QUEUE_NOTIFY    0x050
#define VIO_INT_STATUS	    0x060
#define VIO_INT_ACK	    0x064
#define VIO_STATUS	    0x070
#define VIO_QUEUE_DESC_LO   0x080
#define VIO_QUEUE_DESC_HI   0x084
#define VIO_QUEUE_DRIVER_LO 0x090
#define VIO_QUEUE_DRIVER_HI 0x094
#define VIO_QUEUE_DEVICE_LO 0x0a0
#define VIO_QUEUE_DEVICE_HI 0x0a4
#define VIO_CONFIG	    0x100 /* the device's own configuration */

#define VIO_MAGIC_VALUE	  0x74726976u
#define VIO_ID_NET	  1
#define VIO_ID_BLOCK	  2
#define VIO_ID_BALLOON	  5
#define VIO_S_ACK	  1u /* ACKNOWLEDGE */
#define VIO_S_DRIVER	  2u
#define VIO_S_DRIVER_OK	  4u
#define VIO_S_FEATURES_OK 8u
#define VIO_S_NEEDS_RESET 64u
#define VIO_F_VERSION_1	  (1u << 0) /* bit 32: word 1, bit 0 */

#define VQ_NUM		 8
#define VQ_DESC_NEXT	 1u
#define VQ_DESC_WRITE	 2u
#define VQ_AVAIL_NO_INTR 1u /* avail flags: no interrupt when the device uses a buffer */
#define VIO_ISR_CONFIG	 2u /* InterruptStatus: the configuration changed */
#define VQ_AVAIL_OFF	 128
#define VQ_USED_OFF	 512

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
struct vq_avail {
	uint16_t flags, idx;
	uint16_t ring[VQ_NUM];
};
struct vq_used {
	uint16_t flags, idx;
	struct {
		uint32_t id, len;
	} ring[VQ_NUM];
};

/* One queue as a driver keeps it. */
struct vq {
	struct vq_desc *desc;
	struct vq_avail *avail;
	volatile struct vq_used *used;
	uint16_t used_seen; /* used->idx consumed up to */
};

static inline uint32_t vio_read(volatile uint32_t *regs, uint32_t off)
{
	return regs[off / 4];
}

static inline void vio_write(volatile uint32_t *regs, uint32_t off, uint32_t val)
{
	regs[off / 4] = val;
}

/* vio_find: the registers (mapped at VM_VIRTIO(n)) and PLIC source of
 * the first slot of the device tree holding device `id` with the
 * version 2 interface; NULL if none. */
volatile uint32_t *vio_find(const struct fdt_info *fdt, uint32_t id, uint32_t *irq);
/* vio_begin: reset the device and agree on VERSION_1 plus `features`
 * (bits 0..31); false if it will not. */
bool vio_begin(volatile uint32_t *regs, uint32_t features);
/* vio_queue: set queue `q` up in a fresh page; false if it cannot be. */
bool vio_queue(volatile uint32_t *regs, uint32_t q, struct vq *vq);
/* vio_live: DRIVER_OK, the device may now be used. */
void vio_live(volatile uint32_t *regs, uint32_t features);
/* vio_post: put chain `head` in the avail ring (the device sees the
 * chain before the index, the index before the caller's notify). */
void vio_post(struct vq *vq, uint16_t head);

#endif
