/*
 * virtio_net.c -- the virtio network device (see virtio_net.h).
 */
#include "devices/virtio_net.h"

#include <string.h>

/* The driver sent frames: each chain is header + frame, readable. */
static void virtio_net_tx(struct virtio_net *n)
{
	struct virtio_dev *d = &n->dev;
	struct virtq_chain c;
	uint8_t frame[NET_FRAME_MAX];
	int got;

	while ((got = virtq_pop(d, VIRTIO_NET_TXQ, &c)) == 1) {
		uint64_t len = c.read_len;
		if (len < VIRTIO_NET_HDR + NET_ETH_HDR || len - VIRTIO_NET_HDR > sizeof(frame) ||
		    virtq_chain_read(d, &c, VIRTIO_NET_HDR, frame,
				     (uint32_t)(len - VIRTIO_NET_HDR))) {
			n->stats.tx_dropped++;
		} else {
			n->stats.tx_frames++;
			netswitch_send(n->sw, n->port, frame, (size_t)(len - VIRTIO_NET_HDR));
		}
		if (virtq_push(d, VIRTIO_NET_TXQ, &c, 0))
			return;
	}
}

static void virtio_net_notify(struct virtio_dev *d, unsigned q)
{
	if (q == VIRTIO_NET_TXQ)
		virtio_net_tx(d->model);
	/* receiveq: new buffers; frames are never queued for later, so
	 * there is nothing to do until the next one arrives. */
}

/* The switch hands us a frame: into the next receive buffer. */
static void virtio_net_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct virtio_net *n = ctx;
	struct virtio_dev *d = &n->dev;
	struct virtq_chain c;

	if (!virtio_dev_live(d) || !d->vq[VIRTIO_NET_RXQ].ready ||
	    virtq_pop(d, VIRTIO_NET_RXQ, &c) != 1) {
		n->stats.rx_dropped++;
		return;
	}
	uint8_t hdr[VIRTIO_NET_HDR] = { 0 };
	hdr[10] = 1; /* num_buffers, little-endian */
	if (c.write_len < VIRTIO_NET_HDR + len || virtq_chain_write(d, &c, 0, hdr, sizeof(hdr)) ||
	    virtq_chain_write(d, &c, VIRTIO_NET_HDR, frame, (uint32_t)len)) {
		n->stats.rx_dropped++;
		virtq_push(d, VIRTIO_NET_RXQ, &c, 0); /* the buffer goes back unused */
		return;
	}
	n->stats.rx_frames++;
	virtq_push(d, VIRTIO_NET_RXQ, &c, (uint32_t)(VIRTIO_NET_HDR + len));
}

static bool virtio_net_config_read(struct virtio_dev *d, uint32_t off, unsigned size, uint32_t *val)
{
	struct virtio_net *n = d->model;
	uint8_t cfg[8] = { 0 }; /* mac[6], status (not offered) */
	memcpy(cfg, n->mac, 6);
	return virtio_config_bytes(cfg, sizeof(cfg), off, size, val);
}

static const struct virtio_dev_ops virtio_net_ops = {
	.name = "virtio-net",
	.notify = virtio_net_notify,
	.config_read = virtio_net_config_read,
};

int virtio_net_init(struct virtio_net *n, const uint8_t mac[6], struct netswitch *sw,
		    const char *name, const struct virtio_mem *mem, const struct irq_line *irq)
{
	memset(n, 0, sizeof(*n));
	memcpy(n->mac, mac, 6);
	n->sw = sw;
	virtio_dev_init(&n->dev, &virtio_net_ops, n, VIRTIO_ID_NET, 2, 1ull << VIRTIO_NET_F_MAC,
			mem, irq);
	n->port = netswitch_add_port(sw, name, virtio_net_deliver, n);
	return n->port < 0 ? -1 : 0;
}
