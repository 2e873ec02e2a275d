/*
 * pio_disk_test.c -- the emulated word-at-a-time disk controller on a
 * scratch raw image: the registers, a write and a read of several
 * sectors word by word checked against the file, and every way a
 * command can fail (ERR, nothing moved).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "devices/pio_disk.h"

#define PIO_TEST_BYTES (32u * 1024)

static struct disk pdisk;
static struct pio_disk ctl;
static char pimg[64];

static void pio_setup_disk(bool ro)
{
	strcpy(pimg, "/tmp/trapvisor-pio-XXXXXX");
	int fd = mkstemp(pimg);
	cr_assert(fd >= 0 && ftruncate(fd, PIO_TEST_BYTES) == 0);
	close(fd);
	struct disk_spec spec = { .path = pimg, .format = "raw", .ro = ro };
	cr_assert(disk_open(&pdisk, &spec) == 0);
	pio_disk_init(&ctl, &pdisk);
}

static void pio_setup(void)
{
	pio_setup_disk(false);
}

static void pio_teardown(void)
{
	disk_close(&pdisk);
	unlink(pimg);
}

static uint32_t pget(uint32_t off)
{
	uint64_t v;
	cr_assert_eq(pio_disk_bus_ops.read(&ctl, off, 4, &v), BUS_OK);
	return (uint32_t)v;
}

static void pput(uint32_t off, uint32_t v)
{
	cr_assert_eq(pio_disk_bus_ops.write(&ctl, off, 4, v), BUS_OK);
}

static void pio_start(uint32_t cmd, uint32_t lba, uint32_t count)
{
	pput(PIO_DISK_LBA, lba);
	pput(PIO_DISK_COUNT, count);
	pput(PIO_DISK_COMMAND, cmd);
}

TestSuite(pio, .init = pio_setup, .fini = pio_teardown);

Test(pio, registers)
{
	uint64_t v;
	cr_assert_eq(pget(PIO_DISK_ID), PIO_DISK_MAGIC);
	cr_assert_eq(pget(PIO_DISK_SECTORS), PIO_TEST_BYTES / 512);
	cr_assert_eq(pget(PIO_DISK_STATUS), PIO_DISK_ST_READY);
	cr_assert_eq(pio_disk_bus_ops.read(&ctl, PIO_DISK_DATA, 2, &v), BUS_FAULT);
	cr_assert_eq(pio_disk_bus_ops.write(&ctl, PIO_DISK_LBA + 1, 4, 0), BUS_FAULT);
	/* DATA without a command: reads 0, writes ignored. */
	cr_assert_eq(pget(PIO_DISK_DATA), 0);
	pput(PIO_DISK_DATA, 0x12345678);
	cr_assert_eq(ctl.stats.words, 0);
}

Test(pio, write_then_read)
{
	pio_start(PIO_DISK_CMD_WRITE, 5, 3);
	for (uint32_t i = 0; i < 3 * 128; i++) {
		if (i % 128 == 0)
			cr_assert_eq(pget(PIO_DISK_STATUS), PIO_DISK_ST_DRQ, "sector %u", i / 128);
		pput(PIO_DISK_DATA, i * 0x01010101u + 7);
	}
	cr_assert_eq(pget(PIO_DISK_STATUS), PIO_DISK_ST_READY, "done");

	/* The file: little-endian words from byte 5 * 512. */
	uint8_t file[3 * 512];
	FILE *f = fopen(pimg, "rb");
	cr_assert(f && fseek(f, 5 * 512, SEEK_SET) == 0 &&
		  fread(file, 1, sizeof(file), f) == sizeof(file));
	fclose(f);
	for (uint32_t i = 0; i < 3 * 128; i++) {
		uint32_t w = file[4 * i] | (uint32_t)file[4 * i + 1] << 8 |
			     (uint32_t)file[4 * i + 2] << 16 | (uint32_t)file[4 * i + 3] << 24;
		cr_assert_eq(w, i * 0x01010101u + 7, "word %u", i);
	}

	pio_start(PIO_DISK_CMD_READ, 6, 2);
	for (uint32_t i = 128; i < 3 * 128; i++)
		cr_assert_eq(pget(PIO_DISK_DATA), i * 0x01010101u + 7, "read word %u", i);
	cr_assert_eq(pget(PIO_DISK_STATUS), PIO_DISK_ST_READY);
	cr_assert_eq(pget(PIO_DISK_DATA), 0, "past the end of the transfer");
	cr_assert_eq(ctl.stats.words, 5 * 128);
	cr_assert_eq(ctl.stats.errors, 0);
}

Test(pio, errors)
{
	uint32_t n = PIO_TEST_BYTES / 512;
	static const uint32_t bad[][3] = {
		{ PIO_DISK_CMD_READ, 0, 0 },			  /* no sectors */
		{ PIO_DISK_CMD_READ, 0, PIO_DISK_MAX_COUNT + 1 }, /* too many */
		{ PIO_DISK_CMD_READ, 63, 2 },			  /* past the end */
		{ PIO_DISK_CMD_WRITE, 0xffffffffu, 2 },		  /* lba + count would wrap */
		{ 9, 0, 1 },					  /* no such command */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pio_start(bad[i][0], bad[i][1], bad[i][2]);
		cr_assert_eq(pget(PIO_DISK_STATUS), PIO_DISK_ST_READY | PIO_DISK_ST_ERR, "case %zu",
			     i);
		cr_assert_eq(pget(PIO_DISK_DATA), 0);
	}
	cr_assert_eq(n, 64);
	/* A good command clears ERR; a new command aborts one in progress. */
	pio_start(PIO_DISK_CMD_READ, 0, 2);
	cr_assert_eq(pget(PIO_DISK_STATUS), PIO_DISK_ST_DRQ);
	pget(PIO_DISK_DATA);
	pput(PIO_DISK_COMMAND, PIO_DISK_CMD_FLUSH);
	cr_assert_eq(pget(PIO_DISK_STATUS), PIO_DISK_ST_READY);
	cr_assert_eq(ctl.stats.errors, 5);
}

Test(pio, readonly_and_empty)
{
	pio_teardown();
	pio_setup_disk(true);
	pio_start(PIO_DISK_CMD_WRITE, 0, 1);
	cr_assert_eq(pget(PIO_DISK_STATUS), PIO_DISK_ST_READY | PIO_DISK_ST_ERR);
	pput(PIO_DISK_DATA, 0xdeadbeef);
	pio_start(PIO_DISK_CMD_READ, 0, 1);
	cr_assert_eq(pget(PIO_DISK_DATA), 0, "the read-only disk is still zero");

	struct pio_disk empty;
	uint64_t v;
	pio_disk_init(&empty, NULL);
	cr_assert_eq(pio_disk_bus_ops.read(&empty, PIO_DISK_SECTORS, 4, &v), BUS_OK);
	cr_assert_eq(v, 0, "no disk: 0 sectors");
	cr_assert_eq(pio_disk_bus_ops.write(&empty, PIO_DISK_COMMAND, 4, PIO_DISK_CMD_READ),
		     BUS_OK);
	cr_assert_eq(pio_disk_bus_ops.read(&empty, PIO_DISK_STATUS, 4, &v), BUS_OK);
	cr_assert_eq(v, PIO_DISK_ST_READY | PIO_DISK_ST_ERR);
}
