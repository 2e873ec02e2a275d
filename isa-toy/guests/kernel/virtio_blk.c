/*
 * virtio_blk.c -- a virtio-blk driver over the virtio-mmio transport,
 * version 2 (virtio 1.2, 4.2 and 5.2), one request at a time.
 *
 * Setting the device up (4.2.3.1, 3.1.1), each step a register store:
 *   Status = 0                            reset
 *   Status = ACKNOWLEDGE | DRIVER
 *   DeviceFeatures (sel 1) must offer VERSION_1; DriverFeatures = just it
 *   Status |= FEATURES_OK, read back: the device agrees
 *   QueueSel = 0, QueueNum = 8, the three ring addresses, QueueReady = 1
 *   Status |= DRIVER_OK
 *
 * The queue lives in one page of RAM:
 *   +0    descriptor table, 8 x 16 bytes   {addr, len, flags, next}
 *   +128  avail ring: flags, idx, ring[8]  (we write it)
 *   +512  used ring:  flags, idx, ring[8] of {id, len}  (the device does)
 *
 * A request is a chain of three descriptors: the 16-byte header
 * {type, 0, sector} the device reads, the data (the device writes it for
 * a read), and one status byte the device writes.  We put the chain's
 * head in the avail ring, bump avail->idx, store the queue number in
 * QueueNotify and sleep; the device's interrupt finds the chain in the
 * used ring and wakes us.
 *
 * Memory: the kernel maps RAM virtual = physical, so the address of a
 * kernel buffer is the address the device needs.
 */
#include "kernel/disk.h"
#include "kernel/intr.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/plic.h"
#include "kernel/proc.h"
#include "kernel/vm.h"

/* Registers (byte offsets; all 32 bits). */
#define VIO_MAGIC	    0x000 /* "virt" */
#define VIO_VERSION	    0x004 /* 2 */
#define VIO_DEVICE_ID	    0x008 /* 2 = block */
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
#define VIO_CONFIG	    0x100 /* virtio-blk: u64 capacity */

#define VIO_MAGIC_VALUE	  0x74726976u
#define VIO_ID_BLOCK	  2
#define VIO_S_ACK	  1u /* ACKNOWLEDGE */
#define VIO_S_DRIVER	  2u
#define VIO_S_DRIVER_OK	  4u
#define VIO_S_FEATURES_OK 8u
#define VIO_S_NEEDS_RESET 64u
#define VIO_F_VERSION_1	  (1u << 0) /* bit 32: word 1, bit 0 */

#define VQ_NUM	      8
#define VQ_DESC_NEXT  1u
#define VQ_DESC_WRITE 2u
#define VQ_AVAIL_OFF  128
#define VQ_USED_OFF   512

#define BLK_T_IN  0u
#define BLK_T_OUT 1u

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
struct blk_req {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct {
	volatile uint32_t *regs; /* NULL: no disk */
	uint32_t irq;
	uint32_t sectors;
	struct vq_desc *desc;
	struct vq_avail *avail;
	volatile struct vq_used *used;
	uint16_t used_seen; /* used->idx we have consumed up to */
	bool busy;	    /* a request is in flight (one at a time) */
	bool done;	    /* ... and the device has finished it */
	struct blk_req req;
	volatile uint8_t status;
} vblk;

static uint32_t vio_read(volatile uint32_t *regs, uint32_t off)
{
	return regs[off / 4];
}

static void vio_write(volatile uint32_t *regs, uint32_t off, uint32_t val)
{
	regs[off / 4] = val;
}

/* vblk_setup: bring the device in slot `regs` up; false if it will not
 * speak virtio 1.x with us. */
static bool vblk_setup(volatile uint32_t *regs)
{
	vio_write(regs, VIO_STATUS, 0);
	vio_write(regs, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER);
	vio_write(regs, VIO_DEVICE_FEAT_SEL, 1);
	if (!(vio_read(regs, VIO_DEVICE_FEAT) & VIO_F_VERSION_1))
		return false;
	/* Nothing but VERSION_1: not read-only awareness, not flush. */
	vio_write(regs, VIO_DRIVER_FEAT_SEL, 0);
	vio_write(regs, VIO_DRIVER_FEAT, 0);
	vio_write(regs, VIO_DRIVER_FEAT_SEL, 1);
	vio_write(regs, VIO_DRIVER_FEAT, VIO_F_VERSION_1);
	vio_write(regs, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK);
	if (!(vio_read(regs, VIO_STATUS) & VIO_S_FEATURES_OK))
		return false;

	vio_write(regs, VIO_QUEUE_SEL, 0);
	if (vio_read(regs, VIO_QUEUE_READY) || vio_read(regs, VIO_QUEUE_NUM_MAX) < VQ_NUM)
		return false;
	uint8_t *page = kalloc();
	if (!page)
		panic("virtio-blk: no memory for the queue");
	memset(page, 0, PAGE_SIZE);
	vblk.desc = (struct vq_desc *)page;
	vblk.avail = (struct vq_avail *)(page + VQ_AVAIL_OFF);
	vblk.used = (volatile struct vq_used *)(page + VQ_USED_OFF);
	vio_write(regs, VIO_QUEUE_NUM, VQ_NUM);
	vio_write(regs, VIO_QUEUE_DESC_LO, (uint32_t)vblk.desc);
	vio_write(regs, VIO_QUEUE_DESC_HI, 0);
	vio_write(regs, VIO_QUEUE_DRIVER_LO, (uint32_t)vblk.avail);
	vio_write(regs, VIO_QUEUE_DRIVER_HI, 0);
	vio_write(regs, VIO_QUEUE_DEVICE_LO, (uint32_t)vblk.used);
	vio_write(regs, VIO_QUEUE_DEVICE_HI, 0);
	vio_write(regs, VIO_QUEUE_READY, 1);
	vio_write(regs, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK | VIO_S_DRIVER_OK);

	/* Capacity: a 64-bit sector count; we handle up to 2^32 - 1. */
	uint32_t hi = vio_read(regs, VIO_CONFIG + 4);
	vblk.sectors = hi ? 0xffffffffu : vio_read(regs, VIO_CONFIG);
	return true;
}

bool vblk_probe(const struct fdt_info *fdt)
{
	for (uint32_t n = 0; n < fdt->nvirtio && !vblk.regs; n++) {
		volatile uint32_t *regs = (volatile uint32_t *)VM_VIRTIO(n);
		if (vio_read(regs, VIO_MAGIC) != VIO_MAGIC_VALUE ||
		    vio_read(regs, VIO_DEVICE_ID) != VIO_ID_BLOCK)
			continue;
		if (vio_read(regs, VIO_VERSION) != 2) {
			kprintf("virtio-blk: transport version %u, need 2 (QEMU: "
				"-global virtio-mmio.force-legacy=false)\n",
				vio_read(regs, VIO_VERSION));
			continue;
		}
		if (!vblk_setup(regs)) {
			kprintf("virtio-blk: the device refused our setup\n");
			continue;
		}
		vblk.regs = regs;
		vblk.irq = fdt->virtio_irq[n];
		plic_enable(vblk.irq);
	}
	return vblk.regs != NULL;
}

static uint32_t vblk_sectors(void)
{
	return vblk.sectors;
}

static int vblk_rw(uint32_t sector, void *buf, uint32_t n, bool write)
{
	/* The ring and the flags are shared with disk_intr(): interrupts off
	 * from here until we have our answer (proc_sleep keeps them off). */
	uint32_t s = intr_save();
	while (vblk.busy)
		proc_sleep(&vblk);
	vblk.busy = true;
	vblk.done = false;
	vblk.req = (struct blk_req){ write ? BLK_T_OUT : BLK_T_IN, 0, sector };
	vblk.status = 0xff;

	vblk.desc[0] = (struct vq_desc){ (uint32_t)&vblk.req, sizeof(vblk.req), VQ_DESC_NEXT, 1 };
	vblk.desc[1] = (struct vq_desc){ (uint32_t)buf, n * DISK_SECTOR,
					 VQ_DESC_NEXT | (write ? 0 : VQ_DESC_WRITE), 2 };
	vblk.desc[2] = (struct vq_desc){ (uint32_t)&vblk.status, 1, VQ_DESC_WRITE, 0 };
	vblk.avail->ring[vblk.avail->idx % VQ_NUM] = 0;
	/* The device must see the chain before the index that publishes
	 * it, and the index before the notification. */
	__sync_synchronize();
	vblk.avail->idx++;
	__sync_synchronize();
	vio_write(vblk.regs, VIO_QUEUE_NOTIFY, 0);

	while (!vblk.done)
		proc_sleep(&vblk);
	int rc = vblk.status == 0 ? 0 : -1;
	vblk.busy = false;
	proc_wakeup(&vblk); /* someone may wait for the queue */
	intr_restore(s);
	return rc;
}

static bool vblk_intr(uint32_t irq)
{
	if (irq != vblk.irq)
		return false;
	uint32_t why = vio_read(vblk.regs, VIO_INT_STATUS);
	vio_write(vblk.regs, VIO_INT_ACK, why);
	__sync_synchronize();
	while (vblk.used_seen != vblk.used->idx) {
		vblk.used_seen++;
		vblk.done = true; /* one request in flight: it is ours */
	}
	if (vio_read(vblk.regs, VIO_STATUS) & VIO_S_NEEDS_RESET)
		panic("virtio-blk: the device needs a reset (it found our ring malformed)");
	proc_wakeup(&vblk);
	return true;
}

const struct disk_driver vblk_driver = { "virtio-blk", vblk_sectors, vblk_rw, vblk_intr };
