/*
 * virtio_balloon.c -- the memory balloon (see virtio_balloon.h).
 */
#include "devices/virtio_balloon.h"

#include <string.h>

/* Serve every chain of queue `q`: each readable buffer is an array of
 * le32 page numbers, handed one by one to the host. */
static void virtio_balloon_serve(struct virtio_balloon *b, unsigned q)
{
	struct virtio_dev *d = &b->dev;
	struct virtq_chain c;
	int got;
	while ((got = virtq_pop(d, q, &c)) == 1) {
		for (uint64_t off = 0; off + 4 <= c.read_len; off += 4) {
			uint8_t le[4];
			if (virtq_chain_read(d, &c, off, le, 4)) {
				virtio_dev_fail(d, "page numbers outside guest RAM");
				return;
			}
			uint32_t pfn = le[0] | le[1] << 8 | le[2] << 16 | (uint32_t)le[3] << 24;
			uint64_t gpa = (uint64_t)pfn << VIRTIO_BALLOON_PFN_SHIFT;
			bool ok;
			if (q == VIRTIO_BALLOON_INFLATEQ) {
				b->stats.inflated++;
				ok = b->host.give(b->host.ctx, gpa);
			} else {
				b->stats.deflated++;
				ok = b->host.take(b->host.ctx, gpa);
			}
			if (!ok)
				b->stats.refused++;
		}
		if (virtq_push(d, q, &c, 0))
			return;
	}
}

static void virtio_balloon_notify(struct virtio_dev *d, unsigned q)
{
	virtio_balloon_serve(d->model, q);
}

/* The config space as the spec lays it out: num_pages, then actual. */
static void virtio_balloon_config(const struct virtio_balloon *b, uint8_t cfg[8])
{
	for (int i = 0; i < 4; i++) {
		cfg[i] = (uint8_t)(b->num_pages >> (8 * i));
		cfg[4 + i] = (uint8_t)(b->actual >> (8 * i));
	}
}

static bool virtio_balloon_config_read(struct virtio_dev *d, uint32_t off, unsigned size,
				       uint32_t *val)
{
	uint8_t cfg[VIRTIO_BALLOON_CONFIG_SIZE];
	virtio_balloon_config(d->model, cfg);
	return virtio_config_bytes(cfg, sizeof(cfg), off, size, val);
}

/* Only `actual` is the driver's to write; a write elsewhere is ignored. */
static bool virtio_balloon_config_write(struct virtio_dev *d, uint32_t off, unsigned size,
					uint32_t val)
{
	struct virtio_balloon *b = d->model;
	if (off < 4 || off + size > VIRTIO_BALLOON_CONFIG_SIZE)
		return off + size <= VIRTIO_BALLOON_CONFIG_SIZE;
	for (unsigned i = 0; i < size; i++) {
		unsigned byte = off - 4 + i;
		b->actual = (b->actual & ~(0xffu << (8 * byte))) | ((val >> (8 * i)) & 0xffu)
								       << (8 * byte);
	}
	return true;
}

static const struct virtio_dev_ops virtio_balloon_ops = {
	.name = "virtio-balloon",
	.notify = virtio_balloon_notify,
	.config_read = virtio_balloon_config_read,
	.config_write = virtio_balloon_config_write,
};

void virtio_balloon_init(struct virtio_balloon *b, const struct virtio_balloon_host *host,
			 const struct virtio_mem *mem, const struct irq_line *irq)
{
	memset(b, 0, sizeof(*b));
	b->host = *host;
	virtio_dev_init(&b->dev, &virtio_balloon_ops, b, VIRTIO_ID_BALLOON, 2, 0, mem, irq);
}

void virtio_balloon_set_target(struct virtio_balloon *b, uint32_t pages)
{
	b->num_pages = pages;
	b->stats.requests++;
	virtio_dev_config_changed(&b->dev);
}
