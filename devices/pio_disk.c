/*
 * pio_disk.c -- the emulated, word-at-a-time disk controller (see
 * pio_disk.h).
 */
#include "devices/pio_disk.h"
#include "devices/statebuf.h"

#include <string.h>

void pio_disk_init(struct pio_disk *c, struct disk *disk)
{
	memset(c, 0, sizeof(*c));
	c->disk = disk;
	c->count = 1;
	c->status = PIO_DISK_ST_READY;
}

static uint64_t pio_disk_sectors(const struct pio_disk *c)
{
	return c->disk ? c->disk->size / DISK_SECTOR : 0;
}

/* End the command: READY again, ERR if it failed. */
static void pio_disk_finish(struct pio_disk *c, bool failed)
{
	c->cmd = 0;
	c->left = 0;
	c->status = PIO_DISK_ST_READY | (failed ? PIO_DISK_ST_ERR : 0);
	if (failed)
		c->stats.errors++;
}

/* READ: load sector c->next into the buffer. */
static void pio_disk_load(struct pio_disk *c)
{
	c->pos = 0;
	if (disk_read(c->disk, c->next * DISK_SECTOR, c->buf, DISK_SECTOR))
		pio_disk_finish(c, true);
}

static void pio_disk_command(struct pio_disk *c, uint32_t cmd)
{
	c->stats.commands++;
	c->cmd = 0;
	if (!c->disk) {
		pio_disk_finish(c, true);
		return;
	}
	if (cmd == PIO_DISK_CMD_FLUSH) {
		pio_disk_finish(c, disk_flush(c->disk) != 0);
		return;
	}
	/* LBA and COUNT are the guest's: range-check them as 64-bit
	 * numbers, so lba + count cannot wrap. */
	if ((cmd != PIO_DISK_CMD_READ && cmd != PIO_DISK_CMD_WRITE) || c->count == 0 ||
	    c->count > PIO_DISK_MAX_COUNT || (uint64_t)c->lba + c->count > pio_disk_sectors(c) ||
	    (cmd == PIO_DISK_CMD_WRITE && c->disk->ro)) {
		pio_disk_finish(c, true);
		return;
	}
	c->cmd = cmd;
	c->next = c->lba;
	c->left = c->count;
	c->pos = 0;
	c->status = PIO_DISK_ST_DRQ;
	if (cmd == PIO_DISK_CMD_READ)
		pio_disk_load(c);
}

/* A word moved: after the last of a sector, the next sector (READ) or
 * the file (WRITE). */
static void pio_disk_advance(struct pio_disk *c)
{
	c->stats.words++;
	c->pos += 4;
	if (c->pos < DISK_SECTOR)
		return;
	if (c->cmd == PIO_DISK_CMD_WRITE &&
	    disk_write(c->disk, c->next * DISK_SECTOR, c->buf, DISK_SECTOR)) {
		pio_disk_finish(c, true);
		return;
	}
	c->next++;
	c->pos = 0;
	if (--c->left == 0)
		pio_disk_finish(c, false);
	else if (c->cmd == PIO_DISK_CMD_READ)
		pio_disk_load(c);
}

static enum bus_status pio_disk_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct pio_disk *c = dev;
	uint32_t v = 0;
	if (size != 4 || (off & 3))
		return BUS_FAULT;
	switch (off) {
	case PIO_DISK_ID: v = PIO_DISK_MAGIC; break;
	case PIO_DISK_SECTORS: {
		uint64_t n = pio_disk_sectors(c);
		v = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		break;
	}
	case PIO_DISK_LBA: v = c->lba; break;
	case PIO_DISK_COUNT: v = c->count; break;
	case PIO_DISK_STATUS: v = c->status; break;
	case PIO_DISK_DATA:
		if (c->cmd == PIO_DISK_CMD_READ) {
			/* The disk's bytes in order: little-endian, as RISC-V. */
			const uint8_t *b = c->buf + c->pos;
			v = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			    (uint32_t)b[3] << 24;
			pio_disk_advance(c);
		}
		break;
	default: break;
	}
	*val = v;
	return BUS_OK;
}

static enum bus_status pio_disk_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct pio_disk *c = dev;
	uint32_t v = (uint32_t)val;
	if (size != 4 || (off & 3))
		return BUS_FAULT;
	switch (off) {
	case PIO_DISK_LBA: c->lba = v; break;
	case PIO_DISK_COUNT: c->count = v; break;
	case PIO_DISK_COMMAND: pio_disk_command(c, v); break;
	case PIO_DISK_DATA:
		if (c->cmd == PIO_DISK_CMD_WRITE) {
			for (int i = 0; i < 4; i++)
				c->buf[c->pos + i] = (uint8_t)(v >> (8 * i));
			pio_disk_advance(c);
		}
		break;
	default: break;
	}
	return BUS_OK;
}

const struct bus_ops pio_disk_bus_ops = {
	.read = pio_disk_read,
	.write = pio_disk_write,
};

void pio_disk_snapshot(const struct pio_disk *c, struct sbuf *b)
{
	const uint32_t w[] = { c->lba, c->count, c->status, c->cmd, c->left, c->pos };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		sbuf_put_u32(b, w[i]);
	sbuf_put_u64(b, c->next);
	sbuf_put(b, c->buf, sizeof(c->buf));
	sbuf_put_u64(b, c->stats.commands);
	sbuf_put_u64(b, c->stats.words);
	sbuf_put_u64(b, c->stats.errors);
}

int pio_disk_restore(struct pio_disk *c, struct sbuf *b)
{
	uint32_t *w[] = { &c->lba, &c->count, &c->status, &c->cmd, &c->left, &c->pos };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		*w[i] = sbuf_get_u32(b);
	c->next = sbuf_get_u64(b);
	sbuf_get(b, c->buf, sizeof(c->buf));
	c->stats.commands = sbuf_get_u64(b);
	c->stats.words = sbuf_get_u64(b);
	c->stats.errors = sbuf_get_u64(b);
	return b->bad || c->pos > DISK_SECTOR ? -1 : 0;
}
