/*
 * netswitch.h -- a learning bridge inside the monitor: the virtual
 * Ethernet switch that connects the virtio-net devices of the VMs of one
 * run (`--net switch`).
 *
 * Like a hardware switch, it learns from the source address of every
 * frame which port that address lives behind, and then forwards:
 *
 *   destination                 goes to
 *   broadcast / multicast       every port but the one it came in on
 *   a learned address           that port only (dropped if it is the
 *                               port it came in on: a filter)
 *   an unknown address          every port but the one it came in on
 *                               ("flooding", until the reply teaches us)
 *
 * Delivery is synchronous: netswitch_send() calls the destination ports'
 * deliver callbacks before it returns, so a frame is in the receiving
 * VM's ring by the time the sending VM's doorbell store retires.
 */
#ifndef DEVICES_NETSWITCH_H
#define DEVICES_NETSWITCH_H

#include <stddef.h>
#include <stdint.h>

#define NETSWITCH_PORTS 8
#define NETSWITCH_MACS	64 /* learned addresses kept (oldest replaced) */
#define NET_ETH_HDR	14
#define NET_FRAME_MAX	1514 /* Ethernet without FCS */

struct netswitch_port {
	/* Hand a frame to the device behind the port. */
	void (*deliver)(void *ctx, const uint8_t *frame, size_t len);
	void *ctx;
	const char *name;
	uint64_t frames_in, frames_out; /* from and to the device */
};

struct netswitch {
	struct netswitch_port port[NETSWITCH_PORTS];
	int nports;
	struct {
		uint8_t mac[6];
		int port;
	} table[NETSWITCH_MACS];
	int nmacs, next_victim;
	uint64_t flooded, filtered, runts;
};

/* An empty switch. */
void netswitch_init(struct netswitch *sw);

/* A new port; returns its number, or -1 (message) if the switch is full. */
int netswitch_add_port(struct netswitch *sw, const char *name,
		       void (*deliver)(void *ctx, const uint8_t *frame, size_t len), void *ctx);

/* A frame arrives on `port`: learn its source, forward it.  Frames
 * shorter than an Ethernet header are counted and dropped. */
void netswitch_send(struct netswitch *sw, int port, const uint8_t *frame, size_t len);

/* The port `mac` was learned on, or -1. */
int netswitch_lookup(const struct netswitch *sw, const uint8_t mac[6]);

#endif
