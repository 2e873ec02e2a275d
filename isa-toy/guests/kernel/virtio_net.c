/*
 * virtio_net.c -- a virtio-net driver (virtio 1.2, 5.1) over virtio-mmio.
 *
 *   receiveq (0): 8 buffers of 2 KiB, all offered at start; each frame
 *                 arrives in one as a 12-byte header and the frame; the
 *                 interrupt hands it to the stack and offers it again
 *   transmitq (1): 8 buffers; a frame goes out as header + frame in the
 *                 next one, which is free again once the device has used
 *                 it (checked before each send: no interrupt needed)
 *
 * We ask for no offloads, only VIRTIO_NET_F_MAC, so the header is all
 * zeros both ways.
 */
#include "kernel/intr.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/net.h"
#include "kernel/plic.h"
#include "kernel/virtio.h"

#define VNET_F_MAC (1u << 5)
#define VNET_HDR   12
#define VNET_BUF   2048
#define VNET_RXQ   0
#define VNET_TXQ   1

static struct {
	volatile uint32_t *regs; /* NULL: no card */
	uint32_t irq;
	struct vq rx, tx;
	uint8_t *rxbuf[VQ_NUM], *txbuf[VQ_NUM];
	uint16_t tx_out; /* transmit buffers handed to the device, not yet used */
	uint16_t tx_next;
} vnet;

/* Two buffers per page. */
static void vnet_buffers(uint8_t *bufs[VQ_NUM])
{
	for (int i = 0; i < VQ_NUM; i += 2) {
		uint8_t *page = kalloc();
		if (!page)
			panic("virtio-net: no memory for buffers");
		bufs[i] = page;
		bufs[i + 1] = page + VNET_BUF;
	}
}

bool net_card_probe(const struct fdt_info *fdt, uint8_t mac[6])
{
	uint32_t irq;
	volatile uint32_t *regs = vio_find(fdt, VIO_ID_NET, &irq);
	if (!regs)
		return false;
	if (!vio_begin(regs, VNET_F_MAC) || !vio_queue(regs, VNET_RXQ, &vnet.rx) ||
	    !vio_queue(regs, VNET_TXQ, &vnet.tx)) {
		kprintf("virtio-net: the device refused our setup\n");
		return false;
	}
	uint32_t w0 = vio_read(regs, VIO_CONFIG), w1 = vio_read(regs, VIO_CONFIG + 4);
	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(w0 >> (8 * i));
	mac[4] = (uint8_t)w1;
	mac[5] = (uint8_t)(w1 >> 8);
	vnet_buffers(vnet.rxbuf);
	vnet_buffers(vnet.txbuf);
	for (uint16_t i = 0; i < VQ_NUM; i++) {
		vnet.rx.desc[i] =
		    (struct vq_desc){ (uint32_t)vnet.rxbuf[i], VNET_BUF, VQ_DESC_WRITE, 0 };
		vio_post(&vnet.rx, i);
	}
	vio_live(regs, VNET_F_MAC);
	vio_write(regs, VIO_QUEUE_NOTIFY, VNET_RXQ);
	vnet.regs = regs;
	vnet.irq = irq;
	plic_enable(irq);
	return true;
}

int net_card_send(const uint8_t *frame, uint32_t len)
{
	if (!vnet.regs || len > NET_FRAME_MAX)
		return -1;
	uint32_t s = intr_save();
	/* Reclaim what the device has sent. */
	while (vnet.tx.used_seen != vnet.tx.used->idx) {
		vnet.tx.used_seen++;
		vnet.tx_out--;
	}
	if (vnet.tx_out == VQ_NUM) {
		intr_restore(s);
		return -1;
	}
	uint16_t i = vnet.tx_next++ % VQ_NUM;
	memset(vnet.txbuf[i], 0, VNET_HDR);
	memcpy(vnet.txbuf[i] + VNET_HDR, frame, len);
	vnet.tx.desc[i] = (struct vq_desc){ (uint32_t)vnet.txbuf[i], VNET_HDR + len, 0, 0 };
	vnet.tx_out++;
	vio_post(&vnet.tx, i);
	vio_write(vnet.regs, VIO_QUEUE_NOTIFY, VNET_TXQ);
	intr_restore(s);
	return 0;
}

bool net_card_intr(uint32_t irq)
{
	if (!vnet.regs || irq != vnet.irq)
		return false;
	vio_write(vnet.regs, VIO_INT_ACK, vio_read(vnet.regs, VIO_INT_STATUS));
	__sync_synchronize();
	bool again = false;
	while (vnet.rx.used_seen != vnet.rx.used->idx) {
		uint32_t k = vnet.rx.used_seen++ % VQ_NUM;
		uint32_t id = vnet.rx.used->ring[k].id, len = vnet.rx.used->ring[k].len;
		if (id < VQ_NUM && len > VNET_HDR && len <= VNET_BUF)
			net_input(vnet.rxbuf[id] + VNET_HDR, len - VNET_HDR);
		if (id < VQ_NUM)
			vio_post(&vnet.rx, (uint16_t)id); /* the buffer, offered again */
		again = true;
	}
	if (again)
		vio_write(vnet.regs, VIO_QUEUE_NOTIFY, VNET_RXQ);
	return true;
}
