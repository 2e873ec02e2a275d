/*
 * virtio_blk.c -- the virtio block device model (see virtio_blk.h).
 *
 * Requests are served synchronously, inside the driver's QueueNotify
 * write: by the time the guest's store retires, the data is in place and
 * the interrupt is raised.  That makes a run deterministic -- the same
 * guest instruction sees the same completion in every mode -- which the
 * kernel tests rely on to compare instruction counts across modes.
 */
#include "devices/virtio_blk.h"

#include <stdio.h>
#include <string.h>

#define VIRTIO_BLK_CHUNK 4096u /* bounce buffer between file and guest */

static uint32_t virtio_blk_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Move `len` bytes between the disk at byte `pos` and the chain's data
 * buffers (which start at offset `data_off` of its readable bytes for a
 * write, at offset 0 of its writable bytes for a read). */
static uint8_t virtio_blk_rw(struct virtio_blk *b, const struct virtq_chain *c, uint64_t pos,
			     uint64_t len, uint64_t data_off, bool write)
{
	uint8_t buf[VIRTIO_BLK_CHUNK];
	for (uint64_t done = 0; done < len;) {
		uint32_t n = len - done < sizeof(buf) ? (uint32_t)(len - done) : sizeof(buf);
		if (write) {
			if (virtq_chain_read(&b->dev, c, data_off + done, buf, n) ||
			    disk_write(b->disk, pos + done, buf, n))
				return VIRTIO_BLK_S_IOERR;
		} else {
			if (disk_read(b->disk, pos + done, buf, n) ||
			    virtq_chain_write(&b->dev, c, done, buf, n))
				return VIRTIO_BLK_S_IOERR;
		}
		done += n;
	}
	return VIRTIO_BLK_S_OK;
}

/* Serve one chain; returns its status byte and the bytes of data it
 * wrote into guest memory. */
static uint8_t virtio_blk_request(struct virtio_blk *b, const struct virtq_chain *c,
				  uint32_t *written)
{
	uint8_t hdr[VIRTIO_BLK_HDR_SIZE];
	*written = 0;
	if (virtq_chain_read(&b->dev, c, 0, hdr, sizeof(hdr)))
		return VIRTIO_BLK_S_IOERR;
	uint32_t type = virtio_blk_le32(hdr);
	uint64_t sector = virtio_blk_le32(hdr + 8) | (uint64_t)virtio_blk_le32(hdr + 12) << 32;

	/* Data: between the header and the status byte. */
	uint64_t in_len = c->write_len - 1;		      /* writable, but the status */
	uint64_t out_len = c->read_len - VIRTIO_BLK_HDR_SIZE; /* readable, but the header */
	uint64_t len = type == VIRTIO_BLK_T_OUT ? out_len : in_len;
	uint8_t st;

	switch (type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (type == VIRTIO_BLK_T_IN)
			b->stats.reads++;
		else
			b->stats.writes++;
		/* Whole sectors, inside the disk: sector * 512 + len <= size,
		 * computed so that nothing can overflow. */
		if (len % DISK_SECTOR || sector > b->disk->size / DISK_SECTOR ||
		    len > b->disk->size - sector * DISK_SECTOR)
			return VIRTIO_BLK_S_IOERR;
		if (type == VIRTIO_BLK_T_OUT && b->disk->ro)
			return VIRTIO_BLK_S_IOERR;
		st = virtio_blk_rw(b, c, sector * DISK_SECTOR, len, VIRTIO_BLK_HDR_SIZE,
				   type == VIRTIO_BLK_T_OUT);
		if (st == VIRTIO_BLK_S_OK && type == VIRTIO_BLK_T_IN)
			*written = (uint32_t)len;
		return st;
	case VIRTIO_BLK_T_FLUSH:
		b->stats.flushes++;
		return disk_flush(b->disk) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES] = { 0 };
		b->stats.other++;
		/* The serial: the file's base name, cut to 20 bytes (no NUL
		 * when it fills them, as the spec allows). */
		const char *base = strrchr(b->disk->path, '/');
		const char *name = base ? base + 1 : b->disk->path;
		size_t nlen = strlen(name);
		memcpy(id, name, nlen < sizeof(id) ? nlen : sizeof(id));
		uint32_t n = in_len < sizeof(id) ? (uint32_t)in_len : sizeof(id);
		if (virtq_chain_write(&b->dev, c, 0, id, n))
			return VIRTIO_BLK_S_IOERR;
		*written = n;
		return VIRTIO_BLK_S_OK;
	}
	default: b->stats.other++; return VIRTIO_BLK_S_UNSUPP;
	}
}

static void virtio_blk_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_blk *b = d->model;
	struct virtq_chain c;
	int got;

	while ((got = virtq_pop(d, q, &c)) == 1) {
		/* At least a header to read and a status byte to write. */
		if (c.read_len < VIRTIO_BLK_HDR_SIZE || c.write_len < 1) {
			virtio_dev_fail(d, "virtio-blk request without header or status");
			return;
		}
		uint32_t written;
		uint8_t st = virtio_blk_request(b, &c, &written);
		if (st == VIRTIO_BLK_S_IOERR)
			b->stats.ioerr++;
		/* The status byte is the last writable byte. */
		if (virtq_chain_write(d, &c, c.write_len - 1, &st, 1)) {
			virtio_dev_fail(d, "virtio-blk status outside guest RAM");
			return;
		}
		if (virtq_push(d, q, &c, written + 1))
			return;
	}
}

static bool virtio_blk_config_read(struct virtio_dev *d, uint32_t off, unsigned size, uint32_t *val)
{
	struct virtio_blk *b = d->model;
	uint8_t cfg[VIRTIO_BLK_CONFIG_SIZE] = { 0 };
	uint64_t cap = b->disk->size / DISK_SECTOR;
	for (int i = 0; i < 8; i++)
		cfg[i] = (uint8_t)(cap >> (8 * i)); /* capacity, little-endian */
	return virtio_config_bytes(cfg, sizeof(cfg), off, size, val);
}

static const struct virtio_dev_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.notify = virtio_blk_notify,
	.config_read = virtio_blk_config_read,
};

void virtio_blk_init(struct virtio_blk *b, struct disk *disk, const struct virtio_mem *mem,
		     const struct irq_line *irq)
{
	memset(b, 0, sizeof(*b));
	b->disk = disk;
	uint64_t features = 1ull << VIRTIO_BLK_F_FLUSH;
	if (disk->ro)
		features |= 1ull << VIRTIO_BLK_F_RO;
	virtio_dev_init(&b->dev, &virtio_blk_ops, b, VIRTIO_ID_BLOCK, 1, features, mem, irq);
}
