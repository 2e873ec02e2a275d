/*
 * virtio_net.h -- virtio-net (virtio 1.2, 5.1), the network card of a VM,
 * one port of the monitor's switch (netswitch.h).  Written against
 * devices/virtio.h only, like virtio-blk.
 *
 *   queue 0 (receiveq)   buffers the driver offers; the device fills one
 *                        per frame: header, then the frame
 *   queue 1 (transmitq)  chains the driver sends: header, then the frame
 *
 * The 12-byte header (struct virtio_net_hdr with num_buffers): we offer
 * no checksum or segmentation offload, so it is all zeros on receive but
 * num_buffers = 1, and ignored on transmit.  Features: VERSION_1 and MAC
 * (config space: the 6-byte MAC address at offset 0).
 *
 * A frame for a VM without a free receive buffer, or too big for the one
 * it offered, is dropped and counted, as a real card would.
 */
#ifndef DEVICES_VIRTIO_NET_H
#define DEVICES_VIRTIO_NET_H

#include "devices/netswitch.h"
#include "devices/virtio.h"

#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_HDR	 12u
#define VIRTIO_NET_RXQ	 0
#define VIRTIO_NET_TXQ	 1

struct virtio_net_stats {
	uint64_t tx_frames, rx_frames;
	uint64_t tx_dropped, rx_dropped; /* too big, too small, no buffer */
};

struct virtio_net {
	struct virtio_dev dev;
	uint8_t mac[6];
	struct netswitch *sw;
	int port;
	struct virtio_net_stats stats;
};

/* Set up `n` with address `mac` on a new port of `sw` (named `name`).
 * 0, or -1 (message) if the switch is full. */
int virtio_net_init(struct virtio_net *n, const uint8_t mac[6], struct netswitch *sw,
		    const char *name, const struct virtio_mem *mem, const struct irq_line *irq);

#endif
