/*
 * net.c -- a small network stack (see net.h).  One interface, numbers in
 * network byte order (big-endian) on the wire, host order here.
 *
 *   Ethernet  dst[6] src[6] type[2]          0x0806 ARP, 0x0800 IPv4
 *   ARP       htype 1, ptype 0x0800, 6, 4, op (1 ask, 2 answer),
 *             sender mac, ip, target mac, ip
 *   IPv4      0x45, tos, length, id, 0 (no fragments), ttl, protocol,
 *             header checksum, src, dst
 *   ICMP      type (8 echo request, 0 reply), 0, checksum, id, seq, data
 *   UDP       sport, dport, length, checksum (0: none, allowed on IPv4)
 *
 * Everything received is handled in the card's interrupt (no queues
 * inside the stack but UDP's): an ARP request for us is answered, every
 * ARP packet teaches the cache, an echo request is answered, an echo
 * reply and UDP datagrams are left for the process waiting for them.
 * A send to an address not in the ARP cache asks for it and fails; the
 * callers retry on the next tick, which is how the first packet to a
 * neighbour gets out.
 */
#include "kernel/intr.h"
#include "kernel/kernel.h"
#include "kernel/net.h"
#include "kernel/proc.h"
#include "kernel/timer.h"

#define ETH_ARP	   0x0806
#define ETH_IPV4   0x0800
#define IP_ICMP	   1
#define IP_UDP	   17
#define ICMP_ECHO  8
#define ICMP_REPLY 0
#define ICMP_ID	   0x7476 /* "tv": our echo identifier */
#define ARP_SLOTS  8
#define UDP_PORTS  4
#define UDP_QUEUE  4
#define PING_TICKS 500 /* 5 s at TIMER_HZ 100 */

static uint8_t net_mac[6];
static uint32_t net_addr; /* 0: no card */
static const uint8_t net_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct {
	uint32_t ip;
	uint8_t mac[6];
} arp_cache[ARP_SLOTS];
static uint32_t arp_next;

static uint32_t echoes_answered, echo_reply_seq = 0xffffffffu;
static uint16_t ip_ident;

struct udp_dgram {
	uint32_t len;
	uint8_t data[NET_UDP_MAX];
};
static struct {
	uint16_t port; /* 0: free */
	uint32_t r, w;
	struct udp_dgram q[UDP_QUEUE];
} udp_socks[UDP_PORTS];

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* The Internet checksum: the ones' complement of the ones' complement
 * sum of 16-bit words (RFC 1071). */
static uint16_t net_csum(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0;
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t net_ip(void)
{
	return net_addr;
}

void net_init(const struct fdt_info *fdt)
{
	if (!net_card_probe(fdt, net_mac))
		return;
	net_addr = NET_IP((uint32_t)(net_mac[5] - 0x55));
}

bool net_intr(uint32_t irq)
{
	return net_card_intr(irq);
}

static uint8_t net_frame[NET_FRAME_MAX];

/* One frame: Ethernet header, then `len` bytes of payload. */
static int eth_send(const uint8_t dst[6], uint32_t type, const uint8_t *payload, uint32_t len)
{
	uint32_t s = intr_save(); /* net_frame is shared with the interrupt */
	memcpy(net_frame, dst, 6);
	memcpy(net_frame + 6, net_mac, 6);
	put16(net_frame + 12, type);
	memcpy(net_frame + NET_ETH_HDR, payload, len);
	int rc = net_card_send(net_frame, NET_ETH_HDR + len);
	intr_restore(s);
	return rc;
}

/* --- ARP --- */

static const uint8_t *arp_lookup(uint32_t ip)
{
	for (int i = 0; i < ARP_SLOTS; i++)
		if (arp_cache[i].ip == ip)
			return arp_cache[i].mac;
	return NULL;
}

static void arp_learn(uint32_t ip, const uint8_t mac[6])
{
	for (int i = 0; i < ARP_SLOTS; i++)
		if (arp_cache[i].ip == ip) {
			memcpy(arp_cache[i].mac, mac, 6);
			return;
		}
	uint32_t i = arp_next++ % ARP_SLOTS;
	arp_cache[i].ip = ip;
	memcpy(arp_cache[i].mac, mac, 6);
}

static void arp_send(uint32_t op, const uint8_t tha[6], uint32_t tpa, const uint8_t dst[6])
{
	uint8_t a[28];
	put16(a, 1);
	put16(a + 2, ETH_IPV4);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, net_mac, 6);
	put32(a + 14, net_addr);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tpa);
	eth_send(dst, ETH_ARP, a, sizeof(a));
}

static void arp_input(const uint8_t *a, uint32_t len)
{
	if (len < 28 || get16(a) != 1 || get16(a + 2) != ETH_IPV4 || a[4] != 6 || a[5] != 4)
		return;
	uint32_t spa = get32(a + 14), tpa = get32(a + 24);
	arp_learn(spa, a + 8);
	if (get16(a + 6) == 1 && tpa == net_addr)
		arp_send(2, a + 8, spa, a + 8);
}

/* --- IPv4 --- */

static int ip_send(uint32_t dst, uint32_t proto, const uint8_t *payload, uint32_t len)
{
	static uint8_t pkt[1500];
	if (len > sizeof(pkt) - 20)
		return -1;
	const uint8_t *mac = arp_lookup(dst);
	if (!mac) {
		static const uint8_t zero[6];
		arp_send(1, zero, dst, net_bcast); /* who has dst? */
		return -1;
	}
	uint32_t s = intr_save(); /* pkt is shared with the interrupt's replies */
	pkt[0] = 0x45;
	pkt[1] = 0;
	put16(pkt + 2, 20 + len);
	put16(pkt + 4, ip_ident++);
	put16(pkt + 6, 0);
	pkt[8] = 64;
	pkt[9] = (uint8_t)proto;
	put16(pkt + 10, 0);
	put32(pkt + 12, net_addr);
	put32(pkt + 16, dst);
	put16(pkt + 10, net_csum(pkt, 20));
	memcpy(pkt + 20, payload, len);
	int rc = eth_send(mac, ETH_IPV4, pkt, 20 + len);
	intr_restore(s);
	return rc;
}

static void icmp_input(uint32_t src, const uint8_t *m, uint32_t len)
{
	if (len < 8 || net_csum(m, len) != 0)
		return;
	if (m[0] == ICMP_ECHO) {
		static uint8_t r[NET_UDP_MAX + 8];
		if (len > sizeof(r))
			return;
		memcpy(r, m, len);
		r[0] = ICMP_REPLY;
		put16(r + 2, 0);
		put16(r + 2, net_csum(r, len));
		if (ip_send(src, IP_ICMP, r, len) == 0)
			echoes_answered++;
	} else if (m[0] == ICMP_REPLY && get16(m + 4) == ICMP_ID) {
		echo_reply_seq = get16(m + 6);
	}
}

static void udp_input(const uint8_t *u, uint32_t len)
{
	if (len < 8 || get16(u + 4) > len || get16(u + 4) < 8)
		return;
	uint32_t dport = get16(u + 2), n = get16(u + 4) - 8;
	for (int i = 0; i < UDP_PORTS; i++) {
		if (udp_socks[i].port != dport)
			continue;
		if (udp_socks[i].w - udp_socks[i].r == UDP_QUEUE)
			return; /* full: dropped, as UDP may */
		struct udp_dgram *d = &udp_socks[i].q[udp_socks[i].w++ % UDP_QUEUE];
		d->len = n;
		memcpy(d->data, u + 8, n);
		proc_wakeup(&udp_socks[i]);
		return;
	}
}

void net_input(const uint8_t *f, uint32_t len)
{
	if (len < NET_ETH_HDR || (memcmp(f, net_mac, 6) && memcmp(f, net_bcast, 6)))
		return;
	const uint8_t *p = f + NET_ETH_HDR;
	len -= NET_ETH_HDR;
	if (get16(f + 12) == ETH_ARP) {
		arp_input(p, len);
		return;
	}
	if (get16(f + 12) != ETH_IPV4 || len < 20 || p[0] != 0x45 || net_csum(p, 20) != 0)
		return;
	uint32_t total = get16(p + 2);
	if (total < 20 || total > len || get32(p + 16) != net_addr || (get16(p + 6) & 0x3fff))
		return; /* too short, not ours, or a fragment */
	uint32_t src = get32(p + 12);
	if (p[9] == IP_ICMP)
		icmp_input(src, p + 20, total - 20);
	else if (p[9] == IP_UDP)
		udp_input(p + 20, total - 20);
}

/* --- for the system calls --- */

int net_ping(uint32_t ip, uint32_t seq)
{
	uint8_t m[8 + 32];
	if (!net_addr)
		return -1;
	for (uint32_t t = 0; t < PING_TICKS; t++) {
		m[0] = ICMP_ECHO;
		m[1] = 0;
		put16(m + 2, 0);
		put16(m + 4, ICMP_ID);
		put16(m + 6, seq);
		for (uint32_t i = 8; i < sizeof(m); i++)
			m[i] = (uint8_t)i;
		put16(m + 2, net_csum(m, sizeof(m)));
		ip_send(ip, IP_ICMP, m, sizeof(m));
		proc_sleep_ticks(1);
		if (echo_reply_seq == (seq & 0xffff))
			return 0;
	}
	return -1;
}

uint32_t net_echoes_answered(void)
{
	return echoes_answered;
}

int net_udp_send(uint32_t ip, uint16_t dport, uint16_t sport, const void *data, uint32_t len)
{
	static uint8_t u[8 + NET_UDP_MAX];
	if (!net_addr || len > NET_UDP_MAX)
		return -1;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, 8 + len);
	put16(u + 6, 0); /* no checksum */
	memcpy(u + 8, data, len);
	return ip_send(ip, IP_UDP, u, 8 + len);
}

int net_udp_recv(uint16_t port, void *data, uint32_t max, uint32_t ticks)
{
	int s = -1;
	for (int i = 0; i < UDP_PORTS && s < 0; i++)
		if (udp_socks[i].port == port)
			s = i;
	for (int i = 0; i < UDP_PORTS && s < 0; i++)
		if (!udp_socks[i].port) {
			udp_socks[i].port = port;
			s = i;
		}
	if (s < 0 || !net_addr)
		return -1;
	for (uint32_t t = 0;; t++) {
		uint32_t st = intr_save();
		if (udp_socks[s].r != udp_socks[s].w) {
			struct udp_dgram *d = &udp_socks[s].q[udp_socks[s].r++ % UDP_QUEUE];
			uint32_t n = d->len < max ? d->len : max;
			memcpy(data, d->data, n);
			intr_restore(st);
			return (int)n;
		}
		intr_restore(st);
		if (t == ticks)
			return -2;
		proc_sleep_ticks(1);
	}
}
