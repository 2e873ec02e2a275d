/*
 * virtio_mmio.c -- the virtio-mmio register window (see virtio_mmio.h):
 * decode an access, hand it to the transport-independent device.
 */
#include "devices/virtio_mmio.h"

#include <stddef.h>

void virtio_mmio_init(struct virtio_mmio *m, struct virtio_dev *dev)
{
	m->dev = dev;
	m->dev_features_sel = m->drv_features_sel = m->queue_sel = 0;
}

/* The queue QueueSel points at, or NULL if there is no such queue. */
static struct virtq *virtio_mmio_queue(struct virtio_mmio *m)
{
	return m->queue_sel < m->dev->nqueues ? &m->dev->vq[m->queue_sel] : NULL;
}

static enum bus_status virtio_mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *d = m->dev;
	struct virtq *q = virtio_mmio_queue(m);
	uint32_t v = 0;

	if (off >= VIRTIO_MMIO_CONFIG) {
		if (!d->ops || !d->ops->config_read ||
		    !d->ops->config_read(d, (uint32_t)(off - VIRTIO_MMIO_CONFIG), size, &v))
			return BUS_FAULT;
		*val = v;
		return BUS_OK;
	}
	if (size != 4 || (off & 3))
		return BUS_FAULT;
	switch (off) {
	case VIRTIO_MMIO_MAGIC: v = VIRTIO_MMIO_MAGIC_VALUE; break;
	case VIRTIO_MMIO_VERSION: v = VIRTIO_MMIO_VERSION_2; break;
	case VIRTIO_MMIO_DEVICE_ID: v = d->device_id; break;
	case VIRTIO_MMIO_VENDOR_ID: v = VIRTIO_MMIO_VENDOR; break;
	case VIRTIO_MMIO_DEVICE_FEAT:
		v = m->dev_features_sel < 2
			? (uint32_t)(d->host_features >> (32 * m->dev_features_sel))
			: 0;
		break;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: v = q ? VIRTQ_MAX_SIZE : 0; break;
	case VIRTIO_MMIO_QUEUE_READY: v = q && q->ready; break;
	case VIRTIO_MMIO_INT_STATUS: v = d->isr; break;
	case VIRTIO_MMIO_STATUS: v = d->status; break;
	case VIRTIO_MMIO_QUEUE_DESC: v = q ? (uint32_t)q->desc : 0; break;
	case VIRTIO_MMIO_QUEUE_DESC + 4: v = q ? (uint32_t)(q->desc >> 32) : 0; break;
	case VIRTIO_MMIO_QUEUE_DRIVER: v = q ? (uint32_t)q->avail : 0; break;
	case VIRTIO_MMIO_QUEUE_DRIVER + 4: v = q ? (uint32_t)(q->avail >> 32) : 0; break;
	case VIRTIO_MMIO_QUEUE_DEVICE: v = q ? (uint32_t)q->used : 0; break;
	case VIRTIO_MMIO_QUEUE_DEVICE + 4: v = q ? (uint32_t)(q->used >> 32) : 0; break;
	case VIRTIO_MMIO_CONFIG_GEN: v = d->config_generation; break;
	default: v = 0; break; /* write-only or reserved: reads as 0 */
	}
	*val = v;
	return BUS_OK;
}

/* Set the low or high half of a 64-bit ring address. */
static void virtio_mmio_half(uint64_t *addr, uint64_t off, uint32_t v)
{
	if (off & 4)
		*addr = (*addr & 0xffffffffull) | ((uint64_t)v << 32);
	else
		*addr = (*addr & ~0xffffffffull) | v;
}

static enum bus_status virtio_mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *d = m->dev;
	struct virtq *q = virtio_mmio_queue(m);
	uint32_t v = (uint32_t)val;

	if (off >= VIRTIO_MMIO_CONFIG) {
		if (!d->ops || size > 4)
			return BUS_FAULT;
		/* Most config spaces are read-only: writes are ignored. */
		if (!d->ops->config_write)
			return BUS_OK;
		return d->ops->config_write(d, (uint32_t)(off - VIRTIO_MMIO_CONFIG), size, v)
			   ? BUS_OK
			   : BUS_FAULT;
	}
	if (size != 4 || (off & 3))
		return BUS_FAULT;
	if (!d->ops)
		return BUS_OK; /* an empty slot ignores everything */
	/* Queue registers are frozen while the queue is ready. */
	bool q_open = q && !q->ready;
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEAT_SEL: m->dev_features_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEAT: virtio_dev_set_features(d, m->drv_features_sel, v); break;
	case VIRTIO_MMIO_DRIVER_FEAT_SEL: m->drv_features_sel = v; break;
	case VIRTIO_MMIO_QUEUE_SEL: m->queue_sel = v; break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q_open)
			q->num = v > 0xffff ? 0 : (uint16_t)v; /* checked when used */
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q) {
			q->ready = v & 1;
			if (!q->ready)
				q->last_avail = q->used_idx = 0;
		}
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY: virtio_dev_notify(d, v); break;
	case VIRTIO_MMIO_INT_ACK: virtio_dev_ack(d, v); break;
	case VIRTIO_MMIO_STATUS: virtio_dev_set_status(d, v); break;
	case VIRTIO_MMIO_QUEUE_DESC:
	case VIRTIO_MMIO_QUEUE_DESC + 4:
		if (q_open)
			virtio_mmio_half(&q->desc, off, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER:
	case VIRTIO_MMIO_QUEUE_DRIVER + 4:
		if (q_open)
			virtio_mmio_half(&q->avail, off, v);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE:
	case VIRTIO_MMIO_QUEUE_DEVICE + 4:
		if (q_open)
			virtio_mmio_half(&q->used, off, v);
		break;
	default: break; /* read-only or reserved: ignored */
	}
	return BUS_OK;
}

const struct bus_ops virtio_mmio_bus_ops = {
	.read = virtio_mmio_read,
	.write = virtio_mmio_write,
};
