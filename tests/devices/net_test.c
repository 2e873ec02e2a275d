/*
 * net_test.c -- the learning switch, and two virtio-net devices on it
 * driven through their rings as two guests' drivers would:
 *   switch/   learning, flooding, forwarding, filtering, moves, runts
 *   net/      a broadcast from A reaches B (header + frame in B's receive
 *             ring, interrupt) and not A; B's reply goes to A alone once
 *             learned; no receive buffer, a too-small one, an oversized
 *             or runt frame: dropped and counted; the MAC in config
 *             space; a looping transmit chain stops only that device
 */
#include <string.h>

#include <criterion/criterion.h>

#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"
#include "tests/devices/irq_log.h"

/* --- the switch alone --- */

struct sink {
	int frames;
	size_t last_len;
	uint8_t last[NET_FRAME_MAX];
};

static void sink_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct sink *s = ctx;
	s->frames++;
	s->last_len = len;
	memcpy(s->last, frame, len);
}

static void eth(uint8_t *f, uint8_t dst_last, uint8_t src_last)
{
	static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x00 };
	memcpy(f, base, 6);
	memcpy(f + 6, base, 6);
	f[5] = dst_last;
	f[11] = src_last;
	f[12] = 0x08; /* IPv4 */
	f[13] = 0x00;
}

Test(switch, learn_flood_forward)
{
	struct netswitch sw;
	struct sink s[3] = { 0 };
	uint8_t f[60] = { 0 };
	netswitch_init(&sw);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(netswitch_add_port(&sw, "p", sink_deliver, &s[i]), i);

	eth(f, 0x02, 0x01); /* 01 -> 02, unknown: flooded to 1 and 2 */
	netswitch_send(&sw, 0, f, sizeof(f));
	cr_assert(s[0].frames == 0 && s[1].frames == 1 && s[2].frames == 1);
	cr_assert_eq(netswitch_lookup(&sw, f + 6), 0, "01 learned on port 0");

	eth(f, 0x01, 0x02); /* the reply, 02 -> 01: to port 0 only */
	netswitch_send(&sw, 1, f, sizeof(f));
	cr_assert(s[0].frames == 1 && s[1].frames == 1 && s[2].frames == 1);
	eth(f, 0x02, 0x01); /* now known: port 1 only */
	netswitch_send(&sw, 0, f, sizeof(f));
	cr_assert(s[1].frames == 2 && s[2].frames == 1);

	memset(f, 0xff, 6); /* broadcast from 05: all but the sender */
	f[11] = 0x05;
	netswitch_send(&sw, 2, f, sizeof(f));
	cr_assert(s[0].frames == 2 && s[1].frames == 3 && s[2].frames == 1);

	eth(f, 0x01, 0x03); /* 01 is on port 0, sent from port 0: filtered */
	netswitch_send(&sw, 0, f, sizeof(f));
	cr_assert_eq(sw.filtered, 1);
	cr_assert_eq(netswitch_lookup(&sw, f + 6), 0, "03 learned on port 0");
	eth(f, 0x09, 0x03); /* 03 moves to port 2 */
	netswitch_send(&sw, 2, f, sizeof(f));
	cr_assert_eq(netswitch_lookup(&sw, f + 6), 2);

	netswitch_send(&sw, 1, f, 10); /* a runt */
	cr_assert_eq(sw.runts, 1);
	cr_assert_eq(sw.port[0].frames_in, 3);
	cr_assert_eq(sw.port[1].frames_out, 4, "flood, forward, broadcast, flood");
}

Test(switch, table_full)
{
	struct netswitch sw;
	struct sink s[2] = { 0 };
	uint8_t f[60] = { 0 };
	netswitch_init(&sw);
	netswitch_add_port(&sw, "a", sink_deliver, &s[0]);
	netswitch_add_port(&sw, "b", sink_deliver, &s[1]);
	for (int i = 0; i < 3 * NETSWITCH_MACS; i++) {
		eth(f, 0xee, (uint8_t)i);
		f[10] = (uint8_t)(i >> 8);
		netswitch_send(&sw, i % 2, f, sizeof(f));
	}
	cr_assert_eq(sw.nmacs, NETSWITCH_MACS, "the table stays bounded");
	for (int i = 0; i < NETSWITCH_PORTS - 2; i++)
		cr_assert_geq(netswitch_add_port(&sw, "x", sink_deliver, &s[0]), 0);
	cr_assert_eq(netswitch_add_port(&sw, "full", sink_deliver, &s[0]), -1);
}

/* --- two virtio-net devices, each with its own guest memory --- */

#define G_BASE 0x80000000ull
#define G_RAM  0x8000u
#define QN     4
#define DESC   0x0000u
#define AVAIL  0x0100u
#define USED   0x0200u
#define BUF    0x1000u /* receive buffers: 2 KiB each */
#define TXB    0x6000u

struct guest {
	uint8_t ram[G_RAM];
	struct virtio_net net;
	struct virtio_mmio mmio;
	struct irq_log irqs;
	uint16_t avail[2]; /* our avail idx per queue */
};

static int g_read(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	struct guest *g = ctx;
	if (gpa < G_BASE || gpa - G_BASE > G_RAM || len > G_RAM - (gpa - G_BASE))
		return -1;
	memcpy(buf, g->ram + (gpa - G_BASE), len);
	return 0;
}

static int g_write(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	struct guest *g = ctx;
	if (gpa < G_BASE || gpa - G_BASE > G_RAM || len > G_RAM - (gpa - G_BASE))
		return -1;
	memcpy(g->ram + (gpa - G_BASE), buf, len);
	return 0;
}

static void g_reg(struct guest *g, uint32_t off, uint32_t v)
{
	cr_assert_eq(virtio_mmio_bus_ops.write(&g->mmio, off, 4, v), BUS_OK);
}

static uint32_t g_get(struct guest *g, uint32_t off)
{
	uint64_t v;
	cr_assert_eq(virtio_mmio_bus_ops.read(&g->mmio, off, 4, &v), BUS_OK);
	return (uint32_t)v;
}

/* Queue q's rings at 0x800 * q + ... */
static uint32_t qoff(int q, uint32_t what)
{
	return 0x800u * (uint32_t)q + what;
}

static void g_desc(struct guest *g, int q, int i, uint64_t addr, uint32_t len, uint16_t flags,
		   uint16_t next)
{
	uint8_t *d = g->ram + qoff(q, DESC) + 16 * i;
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static void g_avail(struct guest *g, int q, uint16_t head)
{
	uint16_t idx = g->avail[q]++;
	memcpy(g->ram + qoff(q, AVAIL) + 4 + 2 * (idx % QN), &head, 2);
	uint16_t n = g->avail[q];
	memcpy(g->ram + qoff(q, AVAIL) + 2, &n, 2);
}

static uint16_t g_used_idx(struct guest *g, int q)
{
	uint16_t v;
	memcpy(&v, g->ram + qoff(q, USED) + 2, 2);
	return v;
}

static void g_init(struct guest *g, struct netswitch *sw, uint8_t last)
{
	memset(g, 0, sizeof(*g));
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, last };
	struct virtio_mem mem = { g_read, g_write, g };
	struct irq_line line = irq_log_line(&g->irqs, last);
	cr_assert_eq(virtio_net_init(&g->net, mac, sw, "vm", &mem, &line), 0);
	virtio_mmio_init(&g->mmio, &g->net.dev);
	g_reg(g, VIRTIO_MMIO_STATUS, 3);
	g_reg(g, VIRTIO_MMIO_DRIVER_FEAT_SEL, 0);
	g_reg(g, VIRTIO_MMIO_DRIVER_FEAT, 1u << VIRTIO_NET_F_MAC);
	g_reg(g, VIRTIO_MMIO_DRIVER_FEAT_SEL, 1);
	g_reg(g, VIRTIO_MMIO_DRIVER_FEAT, 1);
	g_reg(g, VIRTIO_MMIO_STATUS, 11);
	for (int q = 0; q < 2; q++) {
		g_reg(g, VIRTIO_MMIO_QUEUE_SEL, (uint32_t)q);
		g_reg(g, VIRTIO_MMIO_QUEUE_NUM, QN);
		g_reg(g, VIRTIO_MMIO_QUEUE_DESC, (uint32_t)G_BASE + qoff(q, DESC));
		g_reg(g, VIRTIO_MMIO_QUEUE_DRIVER, (uint32_t)G_BASE + qoff(q, AVAIL));
		g_reg(g, VIRTIO_MMIO_QUEUE_DEVICE, (uint32_t)G_BASE + qoff(q, USED));
		g_reg(g, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	g_reg(g, VIRTIO_MMIO_STATUS, 15);
}

/* Offer receive buffer i (of `len` bytes). */
static void g_rx_buffer(struct guest *g, int i, uint32_t len)
{
	g_desc(g, 0, i, G_BASE + BUF + 0x800u * (uint32_t)i, len, VIRTQ_DESC_F_WRITE, 0);
	g_avail(g, 0, (uint16_t)i);
	g_reg(g, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Send `frame` (header + frame, one descriptor). */
static void g_send(struct guest *g, const uint8_t *frame, uint32_t len)
{
	memset(g->ram + TXB, 0, VIRTIO_NET_HDR);
	memcpy(g->ram + TXB + VIRTIO_NET_HDR, frame, len);
	g_desc(g, 1, 0, G_BASE + TXB, VIRTIO_NET_HDR + len, 0, 0);
	g_avail(g, 1, 0);
	g_reg(g, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
}

static struct guest ga, gb;

Test(net, two_guests)
{
	struct netswitch sw;
	netswitch_init(&sw);
	g_init(&ga, &sw, 0x01);
	g_init(&gb, &sw, 0x02);
	cr_assert_eq(g_get(&ga, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	cr_assert_eq(g_get(&gb, VIRTIO_MMIO_CONFIG + 4) & 0xffff, 0x0234, "MAC bytes 4, 5");
	g_rx_buffer(&ga, 0, 2048);
	g_rx_buffer(&gb, 0, 2048);
	g_rx_buffer(&gb, 1, 2048);

	uint8_t f[64];
	for (int i = 0; i < 64; i++)
		f[i] = (uint8_t)i;
	memset(f, 0xff, 6);
	f[6] = 0x52, f[7] = 0x54, f[8] = 0, f[9] = 0x12, f[10] = 0x34, f[11] = 0x01;
	g_send(&ga, f, sizeof(f)); /* A broadcasts */
	cr_assert_eq(g_used_idx(&ga, 1), 1, "A's transmit chain came back");
	cr_assert_eq(g_used_idx(&gb, 0), 1, "B received it");
	cr_assert_eq(g_used_idx(&ga, 0), 0, "A did not hear itself");
	uint32_t len;
	memcpy(&len, gb.ram + qoff(0, USED) + 8, 4);
	cr_assert_eq(len, VIRTIO_NET_HDR + sizeof(f));
	cr_assert_eq(gb.ram[BUF + 10], 1, "num_buffers = 1");
	cr_assert(!memcmp(gb.ram + BUF + VIRTIO_NET_HDR, f, sizeof(f)), "the frame, intact");
	cr_assert_eq(irq_log_level(&gb.irqs), 1, "B interrupted");

	/* B replies to A: delivered to A alone (A was learned). */
	uint8_t r[60] = { 0 };
	eth(r, 0x01, 0x02);
	g_send(&gb, r, sizeof(r));
	cr_assert_eq(g_used_idx(&ga, 0), 1, "A got the reply");
	cr_assert_eq(sw.flooded, 1, "only the broadcast was flooded");

	/* A sends to B again: B has one buffer left, then none. */
	eth(r, 0x02, 0x01);
	g_send(&ga, r, sizeof(r));
	cr_assert_eq(g_used_idx(&gb, 0), 2);
	g_send(&ga, r, sizeof(r));
	cr_assert_eq(gb.net.stats.rx_dropped, 1, "no buffer: dropped");
	/* A too-small buffer is returned unused. */
	g_rx_buffer(&gb, 2, 20);
	g_send(&ga, r, sizeof(r));
	cr_assert_eq(gb.net.stats.rx_dropped, 2);
	memcpy(&len, gb.ram + qoff(0, USED) + 4 + 8 * 2 + 4, 4);
	cr_assert_eq(len, 0, "the small buffer came back with nothing written");
	/* Oversized and runt frames are not sent. */
	static uint8_t big[NET_FRAME_MAX + 1];
	memset(big, 0xff, sizeof(big));
	g_send(&ga, big, sizeof(big));
	g_send(&ga, r, 8);
	cr_assert_eq(ga.net.stats.tx_dropped, 2);
	cr_assert_eq(ga.net.stats.tx_frames, 4);
	cr_assert_eq(gb.net.stats.rx_frames, 2);
}

Test(net, hostile_tx)
{
	struct netswitch sw;
	netswitch_init(&sw);
	g_init(&ga, &sw, 0x01);
	g_init(&gb, &sw, 0x02);
	g_rx_buffer(&gb, 0, 2048);
	/* A transmit chain that loops: A stops, B is untouched. */
	g_desc(&ga, 1, 0, G_BASE + TXB, 40, VIRTQ_DESC_F_NEXT, 1);
	g_desc(&ga, 1, 1, G_BASE + TXB, 40, VIRTQ_DESC_F_NEXT, 0);
	g_avail(&ga, 1, 0);
	g_reg(&ga, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	cr_assert(g_get(&ga, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	cr_assert_eq(g_used_idx(&gb, 0), 0);
	cr_assert(virtio_dev_live(&gb.net.dev));
	/* A frame to a stopped device is dropped. */
	uint8_t r[60] = { 0 };
	eth(r, 0x01, 0x02);
	g_rx_buffer(&ga, 0, 2048);
	g_send(&gb, r, sizeof(r));
	cr_assert_eq(ga.net.stats.rx_dropped, 1);
}
