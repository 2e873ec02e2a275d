/*
 * virtio_test.c -- virtio-blk behind the virtio-mmio transport, driven
 * register by register as a guest driver would, on a scratch raw image:
 *   mmio/      identity registers, access sizes, the empty slot
 *   features/  negotiation: FEATURES_OK only for an acceptable subset
 *   blk/       write and read through the rings, the file's bytes, the
 *              interrupt line and its acknowledgement, I/O errors
 *   hostile/   malformed rings (loops, wild indices and addresses):
 *              DEVICE_NEEDS_RESET, nothing served, nothing written;
 *              and random rings from many seeds
 * Guest RAM is a host array at GUEST_BASE; the device reaches it only
 * through the two callbacks below, which refuse anything outside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "devices/virtio_balloon.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "tests/devices/irq_log.h"

#define GUEST_BASE 0x80000000ull
#define GUEST_RAM  0x10000u /* 64 KiB */
#define DISK_BYTES (64u * 1024)
#define QN	   8	   /* ring size the test driver uses */
#define DESC	   0x0000u /* ring offsets in guest RAM */
#define AVAIL	   0x0400u
#define USED	   0x0800u
#define HDR	   0x1000u /* request header */
#define DATA	   0x2000u /* data buffer, 4 KiB */
#define STATUS	   0x3000u /* status byte */

static uint8_t ram[GUEST_RAM];
static uint64_t refused; /* DMA attempts outside guest RAM */

static int mem_read(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	(void)ctx;
	if (gpa < GUEST_BASE || gpa - GUEST_BASE > GUEST_RAM ||
	    len > GUEST_RAM - (gpa - GUEST_BASE)) {
		refused++;
		return -1;
	}
	memcpy(buf, ram + (gpa - GUEST_BASE), len);
	return 0;
}

static int mem_write(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	(void)ctx;
	if (gpa < GUEST_BASE || gpa - GUEST_BASE > GUEST_RAM ||
	    len > GUEST_RAM - (gpa - GUEST_BASE)) {
		refused++;
		return -1;
	}
	memcpy(ram + (gpa - GUEST_BASE), buf, len);
	return 0;
}

static struct disk disk;
static struct virtio_blk blk;
static struct virtio_mmio slot;
static struct irq_log irqs;
static char img[64];

static void setup_disk(bool ro)
{
	strcpy(img, "/tmp/trapvisor-virtio-XXXXXX");
	int fd = mkstemp(img);
	cr_assert(fd >= 0 && ftruncate(fd, DISK_BYTES) == 0);
	close(fd);
	struct disk_spec spec = { .path = img, .format = "raw", .ro = ro };
	cr_assert(disk_open(&disk, &spec) == 0);
	memset(ram, 0, sizeof(ram));
	memset(&irqs, 0, sizeof(irqs));
	refused = 0;
	struct virtio_mem mem = { mem_read, mem_write, NULL };
	struct irq_line line = irq_log_line(&irqs, 3);
	virtio_blk_init(&blk, &disk, &mem, &line);
	virtio_mmio_init(&slot, &blk.dev);
}

static void setup(void)
{
	setup_disk(false);
}

static void teardown(void)
{
	disk_close(&disk);
	unlink(img);
}

static uint32_t rd(uint32_t off)
{
	uint64_t v;
	cr_assert_eq(virtio_mmio_bus_ops.read(&slot, off, 4, &v), BUS_OK, "read %#x", off);
	return (uint32_t)v;
}

static void wr(uint32_t off, uint32_t v)
{
	cr_assert_eq(virtio_mmio_bus_ops.write(&slot, off, 4, v), BUS_OK, "write %#x", off);
}

static void put16(uint32_t at, uint16_t v)
{
	memcpy(ram + at, &v, 2);
}
static void put32(uint32_t at, uint32_t v)
{
	memcpy(ram + at, &v, 4);
}
static void put64(uint32_t at, uint64_t v)
{
	memcpy(ram + at, &v, 8);
}
static uint16_t get16(uint32_t at)
{
	uint16_t v;
	memcpy(&v, ram + at, 2);
	return v;
}
static uint32_t get32(uint32_t at)
{
	uint32_t v;
	memcpy(&v, ram + at, 4);
	return v;
}

/* The driver's side of 3.1.1: negotiate VERSION_1 only, one queue. */
static void driver_init(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEAT_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEAT, 1); /* VERSION_1 */
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	cr_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QN);
	wr(VIRTIO_MMIO_QUEUE_DESC, (uint32_t)GUEST_BASE + DESC);
	wr(VIRTIO_MMIO_QUEUE_DESC + 4, 0);
	wr(VIRTIO_MMIO_QUEUE_DRIVER, (uint32_t)GUEST_BASE + AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE, (uint32_t)GUEST_BASE + USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void desc(int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	put64(DESC + 16 * i, addr);
	put32(DESC + 16 * i + 8, len);
	put16(DESC + 16 * i + 12, flags);
	put16(DESC + 16 * i + 14, next);
}

/* Publish chain head `head` and notify. */
static void kick(uint16_t head)
{
	uint16_t idx = get16(AVAIL + 2);
	put16(AVAIL + 4 + 2 * (idx % QN), head);
	put16(AVAIL + 2, (uint16_t)(idx + 1));
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* One request of `type` at `sector` with `len` data bytes; its status. */
static uint8_t request(uint32_t type, uint64_t sector, uint32_t len)
{
	put32(HDR, type);
	put32(HDR + 4, 0);
	put64(HDR + 8, sector);
	ram[STATUS] = 0xee;
	desc(0, GUEST_BASE + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GUEST_BASE + DATA, len,
	     VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0), 2);
	desc(2, GUEST_BASE + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	uint16_t used = get16(USED + 2);
	kick(0);
	cr_assert_eq(get16(USED + 2), (uint16_t)(used + 1), "no used entry");
	return ram[STATUS];
}

TestSuite(mmio, .init = setup, .fini = teardown);
TestSuite(features, .init = setup, .fini = teardown);
TestSuite(blk, .init = setup, .fini = teardown);
TestSuite(hostile, .init = setup, .fini = teardown);

Test(mmio, identity)
{
	cr_assert_eq(rd(VIRTIO_MMIO_MAGIC), 0x74726976u);
	cr_assert_eq(rd(VIRTIO_MMIO_VERSION), 2);
	cr_assert_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQ_MAX_SIZE);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1); /* virtio-blk has one queue */
	cr_assert_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* Capacity in sectors, at config offset 0, byte by byte too. */
	cr_assert_eq(rd(VIRTIO_MMIO_CONFIG), DISK_BYTES / 512);
	uint64_t v;
	cr_assert_eq(virtio_mmio_bus_ops.read(&slot, VIRTIO_MMIO_CONFIG + 1, 1, &v), BUS_OK);
	cr_assert_eq(v, (DISK_BYTES / 512) >> 8);
	/* Registers take 32-bit accesses only. */
	cr_assert_eq(virtio_mmio_bus_ops.read(&slot, VIRTIO_MMIO_MAGIC, 2, &v), BUS_FAULT);
	cr_assert_eq(virtio_mmio_bus_ops.write(&slot, VIRTIO_MMIO_STATUS, 1, 1), BUS_FAULT);
	cr_assert_eq(virtio_mmio_bus_ops.read(&slot, VIRTIO_MMIO_CONFIG + 0x100, 4, &v), BUS_FAULT);
}

Test(mmio, empty_slot)
{
	struct virtio_dev none;
	struct virtio_mmio empty;
	uint64_t v;
	virtio_dev_init(&none, NULL, NULL, VIRTIO_ID_BLOCK, 0, 0, NULL, NULL);
	virtio_mmio_init(&empty, &none);
	cr_assert_eq(virtio_mmio_bus_ops.read(&empty, VIRTIO_MMIO_MAGIC, 4, &v), BUS_OK);
	cr_assert_eq(v, 0x74726976u);
	cr_assert_eq(virtio_mmio_bus_ops.read(&empty, VIRTIO_MMIO_DEVICE_ID, 4, &v), BUS_OK);
	cr_assert_eq(v, 0, "an empty slot is device ID 0");
	cr_assert_eq(virtio_mmio_bus_ops.write(&empty, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0), BUS_OK);
	cr_assert_eq(virtio_mmio_bus_ops.write(&empty, VIRTIO_MMIO_STATUS, 4, 15), BUS_OK);
	cr_assert_eq(virtio_mmio_bus_ops.read(&empty, VIRTIO_MMIO_STATUS, 4, &v), BUS_OK);
	cr_assert_eq(v, 0);
}

Test(features, offer)
{
	wr(VIRTIO_MMIO_DEVICE_FEAT_SEL, 0);
	cr_assert_eq(rd(VIRTIO_MMIO_DEVICE_FEAT), 1u << VIRTIO_BLK_F_FLUSH, "rw disk: FLUSH only");
	wr(VIRTIO_MMIO_DEVICE_FEAT_SEL, 1);
	cr_assert_eq(rd(VIRTIO_MMIO_DEVICE_FEAT), 1u, "VERSION_1");
	teardown();
	setup_disk(true);
	wr(VIRTIO_MMIO_DEVICE_FEAT_SEL, 0);
	cr_assert(rd(VIRTIO_MMIO_DEVICE_FEAT) & (1u << VIRTIO_BLK_F_RO), "ro disk offers RO");
}

static bool try_features(uint32_t lo, uint32_t hi)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEAT_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEAT, lo);
	wr(VIRTIO_MMIO_DRIVER_FEAT_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEAT, hi);
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	return rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

Test(features, negotiation)
{
	cr_assert(!try_features(0, 0), "a legacy driver (no VERSION_1) is refused");
	cr_assert(!try_features(1u << 3, 1), "a feature never offered is refused");
	cr_assert(try_features(1u << VIRTIO_BLK_F_FLUSH, 1));
	cr_assert(try_features(0, 1));
	/* Once agreed, the driver cannot change its mind (2.2). */
	wr(VIRTIO_MMIO_DRIVER_FEAT_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEAT, 1u << 3);
	cr_assert_eq(blk.dev.driver_features, 1ull << VIRTIO_F_VERSION_1);
	/* Without FEATURES_OK the device is not live: a notify serves nothing. */
	try_features(0, 0);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	cr_assert(!virtio_dev_live(&blk.dev));
}

Test(blk, write_then_read)
{
	driver_init();
	for (uint32_t i = 0; i < 4096; i++)
		ram[DATA + i] = (uint8_t)(i * 7 + 1);
	cr_assert_eq(request(VIRTIO_BLK_T_OUT, 3, 4096), VIRTIO_BLK_S_OK);
	cr_assert_eq(get32(USED + 4), 0, "used id: head 0");
	cr_assert_eq(get32(USED + 8), 1, "an OUT request writes only its status");
	cr_assert_eq(irq_log_level(&irqs), 1, "interrupt raised");
	cr_assert_eq(irqs.last_irq, 3);
	cr_assert_eq(rd(VIRTIO_MMIO_INT_STATUS), VIRTIO_ISR_USED);
	wr(VIRTIO_MMIO_INT_ACK, VIRTIO_ISR_USED);
	cr_assert_eq(irq_log_level(&irqs), 0, "acknowledged: line low");

	/* The file holds the bytes at 3 * 512. */
	uint8_t file[4096];
	FILE *f = fopen(img, "rb");
	cr_assert(f && fseek(f, 3 * 512, SEEK_SET) == 0 && fread(file, 1, 4096, f) == 4096);
	fclose(f);
	cr_assert(!memcmp(file, ram + DATA, 4096));

	memset(ram + DATA, 0, 4096);
	cr_assert_eq(request(VIRTIO_BLK_T_IN, 3, 4096), VIRTIO_BLK_S_OK);
	cr_assert(!memcmp(file, ram + DATA, 4096), "read back");
	cr_assert_eq(get32(USED + 4 + 8 + 4), 4097, "an IN request wrote data and status");
	cr_assert_eq(blk.stats.reads, 1);
	cr_assert_eq(blk.stats.writes, 1);
	cr_assert_eq(refused, 0);
}

Test(blk, errors)
{
	driver_init();
	cr_assert_eq(request(VIRTIO_BLK_T_IN, DISK_BYTES / 512 - 1, 1024), VIRTIO_BLK_S_IOERR,
		     "past the end");
	cr_assert_eq(request(VIRTIO_BLK_T_IN, UINT64_MAX, 512), VIRTIO_BLK_S_IOERR,
		     "sector * 512 would overflow");
	cr_assert_eq(request(VIRTIO_BLK_T_OUT, 0, 100), VIRTIO_BLK_S_IOERR, "not whole sectors");
	cr_assert_eq(request(77, 0, 512), VIRTIO_BLK_S_UNSUPP);
	cr_assert_eq(request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
	cr_assert_eq(request(VIRTIO_BLK_T_IN, DISK_BYTES / 512 - 2, 1024), VIRTIO_BLK_S_OK,
		     "the last two sectors");
	cr_assert(virtio_dev_live(&blk.dev), "errors in requests do not stop the device");
	struct stat st;
	cr_assert(stat(img, &st) == 0 && st.st_size == DISK_BYTES, "the file did not grow");
}

Test(blk, readonly)
{
	teardown();
	setup_disk(true);
	driver_init();
	memset(ram + DATA, 0xab, 512);
	cr_assert_eq(request(VIRTIO_BLK_T_OUT, 0, 512), VIRTIO_BLK_S_IOERR);
	cr_assert_eq(request(VIRTIO_BLK_T_IN, 0, 512), VIRTIO_BLK_S_OK);
	cr_assert_eq(ram[DATA], 0, "nothing was written");
}

/* After a malformed ring: NEEDS_RESET, a config interrupt, and nothing
 * served until the driver resets the device. */
static void assert_stopped(const char *what)
{
	cr_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, "%s: not stopped",
		  what);
	cr_assert(rd(VIRTIO_MMIO_INT_STATUS) & VIRTIO_ISR_CONFIG, "%s: no config interrupt", what);
	cr_assert_eq(irq_log_level(&irqs), 1);
	uint64_t served = blk.dev.stats.chains;
	kick(0);
	cr_assert_eq(blk.dev.stats.chains, served, "%s: served after NEEDS_RESET", what);
	wr(VIRTIO_MMIO_STATUS, 0);
	cr_assert_eq(rd(VIRTIO_MMIO_STATUS), 0, "reset clears it");
	cr_assert_eq(irq_log_level(&irqs), 0);
}

Test(hostile, chain_loop)
{
	driver_init();
	desc(0, GUEST_BASE + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GUEST_BASE + DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	kick(0);
	assert_stopped("loop");
}

Test(hostile, wild_indices)
{
	driver_init();
	put16(AVAIL + 4, QN); /* head out of the table */
	put16(AVAIL + 2, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_stopped("head");

	driver_init();
	desc(0, GUEST_BASE + HDR, 16, VIRTQ_DESC_F_NEXT, 200); /* link out of the table */
	kick(0);
	assert_stopped("next");

	driver_init();
	put16(AVAIL + 2, 1000); /* more than a ring ahead */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_stopped("avail idx");
}

Test(hostile, wild_addresses)
{
	static const uint64_t addrs[] = { 0, GUEST_BASE - 16, GUEST_BASE + GUEST_RAM - 8,
					  0x100000000ull + GUEST_BASE };
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		driver_init();
		put32(HDR, VIRTIO_BLK_T_IN);
		put64(HDR + 8, 0);
		desc(0, GUEST_BASE + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
		desc(1, addrs[i], 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
		desc(2, GUEST_BASE + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
		ram[STATUS] = 0xee;
		kick(0);
		/* The data could not be placed: IOERR, and RAM untouched. */
		cr_assert_eq(ram[STATUS], VIRTIO_BLK_S_IOERR, "data at %#llx",
			     (unsigned long long)addrs[i]);
		cr_assert(refused > 0);
	}
	/* A buffer that wraps around the address space: the device stops. */
	driver_init();
	desc(0, GUEST_BASE + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(1, UINT64_MAX - 4, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	desc(2, GUEST_BASE + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	kick(0);
	assert_stopped("buffer wraps");
	/* A ring that wraps: the device stops. */
	driver_init();
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	wr(VIRTIO_MMIO_QUEUE_DESC, 0xfffffff0u);
	wr(VIRTIO_MMIO_QUEUE_DESC + 4, 0xffffffffu);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	kick(0);
	assert_stopped("ring wraps");
}

/* Random rings, many seeds: whatever the guest writes, the device returns,
 * touches guest RAM only through the callbacks (which refuse the rest),
 * never grows the file, and either serves or stops cleanly. */
Test(hostile, random_rings)
{
	for (unsigned seed = 1; seed <= 3000; seed++) {
		srand(seed);
		driver_init();
		if (rand() % 4 == 0) { /* sometimes a wild ring size */
			wr(VIRTIO_MMIO_QUEUE_READY, 0);
			wr(VIRTIO_MMIO_QUEUE_NUM, (uint32_t)rand());
			wr(VIRTIO_MMIO_QUEUE_READY, 1);
		}
		for (uint32_t i = 0; i < 0x3010; i += 4) /* rings, header, some data */
			put32(i, (uint32_t)rand() * 2654435761u);
		for (int i = 0; i < QN; i++) {
			/* Mostly plausible addresses, some wild. */
			uint64_t a = rand() % 3 ? GUEST_BASE + (uint32_t)rand() % GUEST_RAM
						: ((uint64_t)rand() << 33) ^ (uint64_t)rand();
			desc(i, a, (uint32_t)rand() % 9000, (uint16_t)(rand() & 3),
			     (uint16_t)(rand() % (QN + 2)));
		}
		/* The avail ring: a plausible index, heads mostly in range. */
		put16(AVAIL + 2, (uint16_t)(rand() % (QN + 2)));
		for (int i = 0; i < QN; i++)
			put16(AVAIL + 4 + 2 * i, (uint16_t)(rand() % (QN + 1)));
		put32(HDR, (uint32_t)rand() % 3);
		put64(HDR + 8, (uint64_t)(rand() % 200));
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	}
	struct stat st;
	cr_assert(stat(img, &st) == 0 && st.st_size == DISK_BYTES, "the file changed size");
	cr_assert(blk.dev.stats.errors > 0 && blk.dev.stats.chains > 0,
		  "the seeds should both stop the device and get requests served "
		  "(errors %llu, chains %llu)",
		  (unsigned long long)blk.dev.stats.errors,
		  (unsigned long long)blk.dev.stats.chains);
}

/* --- balloon/: virtio-balloon (devices/virtio_balloon.h) behind the same
 * transport, with a fake monitor that records the pages it is given --- */

static struct virtio_balloon bal;
static uint64_t bal_given[16], bal_taken[16];
static int bal_ngiven, bal_ntaken;

/* The fake monitor: accepts pages of the test's guest RAM only. */
static bool bal_host(uint64_t gpa, uint64_t *log, int *n)
{
	if (gpa < GUEST_BASE || gpa >= GUEST_BASE + GUEST_RAM)
		return false;
	if (*n < 16)
		log[(*n)++] = gpa;
	return true;
}
static bool bal_give(void *ctx, uint64_t gpa)
{
	(void)ctx;
	return bal_host(gpa, bal_given, &bal_ngiven);
}
static bool bal_take(void *ctx, uint64_t gpa)
{
	(void)ctx;
	return bal_host(gpa, bal_taken, &bal_ntaken);
}

static void setup_balloon(void)
{
	memset(ram, 0, sizeof(ram));
	memset(&irqs, 0, sizeof(irqs));
	bal_ngiven = bal_ntaken = 0;
	struct virtio_mem mem = { mem_read, mem_write, NULL };
	struct irq_line line = irq_log_line(&irqs, 5);
	const struct virtio_balloon_host host = { bal_give, bal_take, NULL };
	virtio_balloon_init(&bal, &host, &mem, &line);
	virtio_mmio_init(&slot, &bal.dev);
}

TestSuite(balloon, .init = setup_balloon);

Test(balloon, config_and_request)
{
	cr_assert_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BALLOON);
	driver_init();
	cr_assert_eq(rd(VIRTIO_MMIO_CONFIG), 0, "no target yet");
	uint32_t gen = rd(VIRTIO_MMIO_CONFIG_GEN);
	/* The monitor asks: the config space changes and the driver hears
	 * of it by a configuration interrupt. */
	virtio_balloon_set_target(&bal, 1234);
	cr_assert_eq(rd(VIRTIO_MMIO_CONFIG), 1234);
	cr_assert_neq(rd(VIRTIO_MMIO_CONFIG_GEN), gen);
	cr_assert_eq(rd(VIRTIO_MMIO_INT_STATUS) & VIRTIO_ISR_CONFIG, VIRTIO_ISR_CONFIG);
	cr_assert_eq(irq_log_level(&irqs), 1);
	wr(VIRTIO_MMIO_INT_ACK, VIRTIO_ISR_CONFIG);
	cr_assert_eq(irq_log_level(&irqs), 0);
	/* `actual` is the driver's to write; num_pages is not. */
	wr(VIRTIO_MMIO_CONFIG + 4, 77);
	wr(VIRTIO_MMIO_CONFIG, 5);
	cr_assert_eq(rd(VIRTIO_MMIO_CONFIG + 4), 77);
	cr_assert_eq(bal.actual, 77);
	cr_assert_eq(rd(VIRTIO_MMIO_CONFIG), 1234, "the driver cannot change the target");
	uint64_t v;
	cr_assert_eq(virtio_mmio_bus_ops.write(&slot, VIRTIO_MMIO_CONFIG + 8, 4, 1), BUS_FAULT);
	cr_assert_eq(virtio_mmio_bus_ops.read(&slot, VIRTIO_MMIO_CONFIG + 8, 4, &v), BUS_FAULT);
}

Test(balloon, inflate_hands_each_page_to_the_monitor)
{
	driver_init(); /* queue 0: inflateq */
	/* Three pages of guest RAM, then one that is not guest RAM: the
	 * device hands over the three and counts the fourth refused. */
	const uint32_t pfns[4] = { (uint32_t)(GUEST_BASE >> 12) + 4,
				   (uint32_t)(GUEST_BASE >> 12) + 5,
				   (uint32_t)(GUEST_BASE >> 12) + 9, 0x12345 };
	memcpy(ram + DATA, pfns, sizeof(pfns));
	desc(0, GUEST_BASE + DATA, sizeof(pfns), 0, 0);
	uint16_t used = get16(USED + 2);
	kick(0);
	cr_assert_eq(get16(USED + 2), (uint16_t)(used + 1), "the buffer came back");
	cr_assert_eq(bal_ngiven, 3);
	cr_assert_eq(bal_given[0], GUEST_BASE + 4 * 4096);
	cr_assert_eq(bal_given[2], GUEST_BASE + 9 * 4096);
	cr_assert_eq(bal.stats.inflated, 4);
	cr_assert_eq(bal.stats.refused, 1);
	cr_assert_eq(bal_ntaken, 0);
}

Test(balloon, deflate_and_a_ring_outside_ram)
{
	driver_init();
	/* Queue 1, the deflateq, in the upper half of the test's RAM. */
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(VIRTIO_MMIO_QUEUE_NUM, QN);
	wr(VIRTIO_MMIO_QUEUE_DESC, (uint32_t)GUEST_BASE + 0x8000);
	wr(VIRTIO_MMIO_QUEUE_DRIVER, (uint32_t)GUEST_BASE + 0x8400);
	wr(VIRTIO_MMIO_QUEUE_DEVICE, (uint32_t)GUEST_BASE + 0x8800);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	const uint32_t pfn = (uint32_t)(GUEST_BASE >> 12) + 7;
	memcpy(ram + DATA, &pfn, 4);
	put64(0x8000, GUEST_BASE + DATA);
	put32(0x8008, 4);
	put16(0x8400 + 4, 0);
	put16(0x8400 + 2, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	cr_assert_eq(get16(0x8800 + 2), 1);
	cr_assert_eq(bal_ntaken, 1);
	cr_assert_eq(bal_taken[0], GUEST_BASE + 7 * 4096);
	/* A page-number buffer outside guest RAM: a malformed chain, the
	 * device stops, and nothing is handed to the monitor. */
	desc(0, GUEST_BASE + GUEST_RAM + 4096, 4, 0, 0);
	kick(0);
	cr_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	cr_assert_eq(bal_ngiven, 0);
}
