/*
 * virtio.c -- bringing a virtio-mmio device up, for the drivers
 * (virtio.h).
 */
#include "kernel/virtio.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/vm.h"

volatile uint32_t *vio_find(const struct fdt_info *fdt, uint32_t id, uint32_t *irq)
{
	for (uint32_t n = 0; n < fdt->nvirtio; n++) {
		volatile uint32_t *regs = (volatile uint32_t *)VM_VIRTIO(n);
		if (vio_read(regs, VIO_MAGIC) != VIO_MAGIC_VALUE ||
		    vio_read(regs, VIO_DEVICE_ID) != id)
			continue;
		if (vio_read(regs, VIO_VERSION) != 2) {
			kprintf("virtio: transport version %u, need 2 (QEMU: "
				"-global virtio-mmio.force-legacy=false)\n",
				vio_read(regs, VIO_VERSION));
			continue;
		}
		*irq = fdt->virtio_irq[n];
		return regs;
	}
	return NULL;
}

bool vio_begin(volatile uint32_t *regs, uint32_t features)
{
	vio_write(regs, VIO_STATUS, 0);
	vio_write(regs, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER);
	vio_write(regs, VIO_DEVICE_FEAT_SEL, 1);
	if (!(vio_read(regs, VIO_DEVICE_FEAT) & VIO_F_VERSION_1))
		return false;
	vio_write(regs, VIO_DEVICE_FEAT_SEL, 0);
	if ((vio_read(regs, VIO_DEVICE_FEAT) & features) != features)
		return false;
	vio_write(regs, VIO_DRIVER_FEAT_SEL, 0);
	vio_write(regs, VIO_DRIVER_FEAT, features);
	vio_write(regs, VIO_DRIVER_FEAT_SEL, 1);
	vio_write(regs, VIO_DRIVER_FEAT, VIO_F_VERSION_1);
	vio_write(regs, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK);
	return vio_read(regs, VIO_STATUS) & VIO_S_FEATURES_OK;
}

bool vio_queue(volatile uint32_t *regs, uint32_t q, struct vq *vq)
{
	vio_write(regs, VIO_QUEUE_SEL, q);
	if (vio_read(regs, VIO_QUEUE_READY) || vio_read(regs, VIO_QUEUE_NUM_MAX) < VQ_NUM)
		return false;
	uint8_t *page = kalloc();
	if (!page)
		panic("virtio: no memory for a queue");
	memset(page, 0, PAGE_SIZE);
	vq->desc = (struct vq_desc *)page;
	vq->avail = (struct vq_avail *)(page + VQ_AVAIL_OFF);
	vq->used = (volatile struct vq_used *)(page + VQ_USED_OFF);
	vq->used_seen = 0;
	vio_write(regs, VIO_QUEUE_NUM, VQ_NUM);
	vio_write(regs, VIO_QUEUE_DESC_LO, (uint32_t)vq->desc);
	vio_write(regs, VIO_QUEUE_DESC_HI, 0);
	vio_write(regs, VIO_QUEUE_DRIVER_LO, (uint32_t)vq->avail);
	vio_write(regs, VIO_QUEUE_DRIVER_HI, 0);
	vio_write(regs, VIO_QUEUE_DEVICE_LO, (uint32_t)vq->used);
	vio_write(regs, VIO_QUEUE_DEVICE_HI, 0);
	vio_write(regs, VIO_QUEUE_READY, 1);
	return true;
}

void vio_live(volatile uint32_t *regs, uint32_t features)
{
	(void)features;
	vio_write(regs, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK | VIO_S_DRIVER_OK);
}

void vio_post(struct vq *vq, uint16_t head)
{
	vq->avail->ring[vq->avail->idx % VQ_NUM] = head;
	__sync_synchronize();
	vq->avail->idx++;
	__sync_synchronize();
}
