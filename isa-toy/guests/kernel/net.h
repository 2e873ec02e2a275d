/*
 * net.h -- the kernel's network: a virtio-net card (virtio_net.c) and a
 * small stack over it (net.c): Ethernet, ARP, IPv4 (no options, no
 * fragments), ICMP echo, UDP.  Enough for two VMs on trapvisor's switch
 * to ping each other and move a file over UDP.
 *
 * Addresses: the card's MAC comes from its config space; the IPv4
 * address follows from it, 10.0.0.N for MAC 52:54:00:12:34:(0x55 + N),
 * so trapvisor's vm0 is 10.0.0.1, vm1 10.0.0.2, ... without any
 * configuration.
 */
#ifndef KERNEL_NET_H
#define KERNEL_NET_H

#include "kernel/fdt.h"
#include "kernel/types.h"

#define NET_ETH_HDR   14
#define NET_FRAME_MAX 1514
#define NET_UDP_MAX   1472		  /* payload in one frame: 1500 - 20 - 8 */
#define NET_IP(n)     (0x0a000000u | (n)) /* 10.0.0.n */

/* --- the card (virtio_net.c) --- */

/* net_card_probe: find and set up a virtio-net card; false if none.
 * Fills mac. */
bool net_card_probe(const struct fdt_info *fdt, uint8_t mac[6]);
/* net_card_send: one frame (Ethernet header included); -1 if the
 * transmit ring is full. */
int net_card_send(const uint8_t *frame, uint32_t len);
/* net_card_intr: PLIC source `irq` fired: if it is the card's, hand
 * received frames to net_input() and return true. */
bool net_card_intr(uint32_t irq);

/* --- the stack (net.c) --- */

/* net_init: the card, if there is one (prints nothing either way). */
void net_init(const struct fdt_info *fdt);
/* net_ip: our address, 0 without a card. */
uint32_t net_ip(void);
/* net_input: a received frame (from the card's interrupt). */
void net_input(const uint8_t *frame, uint32_t len);
/* net_intr: as net_card_intr. */
bool net_intr(uint32_t irq);

/* For the system calls: */
/* net_ping: echo request `seq` to `ip`, resent every tick until the
 * reply comes (0) or ~5 s have passed (-1). */
int net_ping(uint32_t ip, uint32_t seq);
/* net_echoes_answered: echo requests this kernel has answered. */
uint32_t net_echoes_answered(void);
/* net_udp_send: one datagram from port `sport` to ip:dport; 0, or -1
 * (no address yet for ip: ARP asked, try again; or too long). */
int net_udp_send(uint32_t ip, uint16_t dport, uint16_t sport, const void *data, uint32_t len);
/* net_udp_recv: the next datagram to port `port` (bound on first use),
 * waiting up to `ticks` timer ticks; its length (copied to data, cut to
 * max), or -2 on timeout, -1 if no port is free. */
int net_udp_recv(uint16_t port, void *data, uint32_t max, uint32_t ticks);

#endif
