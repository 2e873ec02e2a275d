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
#include "kernel/virtio.h"
#include "kernel/vm.h"

#define BLK_T_IN  0u
#define BLK_T_OUT 1u

struct blk_req {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct {
	volatile uint32_t *regs; /* NULL: no disk */
	uint32_t irq;
	uint32_t sectors;
	struct vq q;
	bool busy; /* a request is in flight (one at a time) */
	bool done; /* ... and the device has finished it */
	struct blk_req req;
	volatile uint8_t status;
} vblk;

/* vblk_setup: bring the device in slot `regs` up; false if it will not
 * speak virtio 1.x with us. */
static bool vblk_setup(volatile uint32_t *regs)
{
	/* Nothing but VERSION_1: not read-only awareness, not flush. */
	if (!vio_begin(regs, 0) || !vio_queue(regs, 0, &vblk.q))
		return false;
	vio_live(regs, 0);
	/* Capacity: a 64-bit sector count; we handle up to 2^32 - 1. */
	uint32_t hi = vio_read(regs, VIO_CONFIG + 4);
	vblk.sectors = hi ? 0xffffffffu : vio_read(regs, VIO_CONFIG);
	return true;
}

bool vblk_probe(const struct fdt_info *fdt)
{
	uint32_t irq;
	volatile uint32_t *regs = vio_find(fdt, VIO_ID_BLOCK, &irq);
	if (!regs)
		return false;
	if (!vblk_setup(regs)) {
		kprintf("virtio-blk: the device refused our setup\n");
		return false;
	}
	vblk.regs = regs;
	vblk.irq = irq;
	plic_enable(irq);
	return true;
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

	vblk.q.desc[0] = (struct vq_desc){ (uint32_t)&vblk.req, sizeof(vblk.req), VQ_DESC_NEXT, 1 };
	vblk.q.desc[1] = (struct vq_desc){ (uint32_t)buf, n * DISK_SECTOR,
					   VQ_DESC_NEXT | (write ? 0 : VQ_DESC_WRITE), 2 };
	vblk.q.desc[2] = (struct vq_desc){ (uint32_t)&vblk.status, 1, VQ_DESC_WRITE, 0 };
	vio_post(&vblk.q, 0);
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
	while (vblk.q.used_seen != vblk.q.used->idx) {
		vblk.q.used_seen++;
		vblk.done = true; /* one request in flight: it is ours */
	}
	if (vio_read(vblk.regs, VIO_STATUS) & VIO_S_NEEDS_RESET)
		panic("virtio-blk: the device needs a reset (it found our ring malformed)");
	proc_wakeup(&vblk);
	return true;
}

const struct disk_driver vblk_driver = { "virtio-blk", vblk_sectors, vblk_rw, vblk_intr };
