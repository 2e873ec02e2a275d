/*
 * virtio.c -- the transport-independent half of a virtio device: status
 * and feature negotiation, and the split virtqueue (see virtio.h).
 *
 * The rings live in guest memory, and the guest may change them under
 * our feet (another vCPU, or a hostile driver).  So every value is read
 * once into a local, checked, and only then used; ring addresses are
 * checked for wrap-around before any offset is added; every buffer goes
 * through d->mem, which refuses anything not wholly inside guest RAM.
 */
#include "devices/virtio.h"
#include "devices/statebuf.h"

#include <string.h>

/* Little-endian loads and stores of guest memory (the rings are LE by
 * the spec, whatever the host). */
static int virtio_load(const struct virtio_dev *d, uint64_t gpa, unsigned size, uint64_t *val)
{
	uint8_t b[8];
	if (d->mem.read(d->mem.ctx, gpa, b, size))
		return -1;
	*val = 0;
	for (unsigned i = 0; i < size; i++)
		*val |= (uint64_t)b[i] << (8 * i);
	return 0;
}

static int virtio_store(struct virtio_dev *d, uint64_t gpa, unsigned size, uint64_t val)
{
	uint8_t b[8];
	for (unsigned i = 0; i < size; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	return d->mem.write(d->mem.ctx, gpa, b, size);
}

void virtio_dev_init(struct virtio_dev *d, const struct virtio_dev_ops *ops, void *model,
		     uint32_t device_id, unsigned nqueues, uint64_t features,
		     const struct virtio_mem *mem, const struct irq_line *irq)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->model = model;
	d->device_id = ops ? device_id : VIRTIO_ID_NONE;
	d->nqueues = nqueues > VIRTIO_MAX_QUEUES ? VIRTIO_MAX_QUEUES : nqueues;
	d->host_features = features | (1ull << VIRTIO_F_VERSION_1);
	if (mem)
		d->mem = *mem;
	if (irq)
		d->irq = *irq;
}

void virtio_dev_reset(struct virtio_dev *d)
{
	d->driver_features = 0;
	d->status = 0;
	d->isr = 0;
	d->error = NULL;
	memset(d->vq, 0, sizeof(d->vq));
	irq_set(&d->irq, 0);
}

void virtio_dev_set_status(struct virtio_dev *d, uint32_t status)
{
	if (status == 0) {
		virtio_dev_reset(d);
		return;
	}
	/* FEATURES_OK: the device agrees only to a subset of its offer that
	 * includes VERSION_1 (we implement no legacy interface).  A driver
	 * reads the status back to learn the verdict (3.1.1 step 6). */
	if ((status & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
		uint64_t f = d->driver_features;
		if ((f & ~d->host_features) || !(f & (1ull << VIRTIO_F_VERSION_1)))
			status &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	d->status = status | (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

void virtio_dev_set_features(struct virtio_dev *d, unsigned sel, uint32_t bits)
{
	if (d->status & VIRTIO_STATUS_FEATURES_OK || sel > 1)
		return;
	unsigned shift = 32 * sel;
	d->driver_features =
	    (d->driver_features & ~(0xffffffffull << shift)) | ((uint64_t)bits << shift);
}

void virtio_dev_ack(struct virtio_dev *d, uint32_t bits)
{
	d->isr &= ~bits;
	if (!d->isr)
		irq_set(&d->irq, 0);
}

bool virtio_dev_live(const struct virtio_dev *d)
{
	uint32_t need = VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK;
	return d->ops && (d->status & need) == need &&
	       !(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* A configuration change interrupt, if the driver is there to see it. */
static void virtio_config_irq(struct virtio_dev *d)
{
	if (d->status & VIRTIO_STATUS_DRIVER_OK) {
		d->isr |= VIRTIO_ISR_CONFIG;
		d->stats.interrupts++;
		irq_set(&d->irq, 1);
	}
}

int virtio_dev_fail(struct virtio_dev *d, const char *why)
{
	d->stats.errors++;
	if (!d->error)
		d->error = why;
	d->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	virtio_config_irq(d);
	return -1;
}

void virtio_dev_config_changed(struct virtio_dev *d)
{
	d->config_generation++;
	virtio_config_irq(d);
}

void virtio_dev_notify(struct virtio_dev *d, unsigned q)
{
	d->stats.notifies++;
	if (q < d->nqueues && d->vq[q].ready && virtio_dev_live(d))
		d->ops->notify(d, q);
}

/* The three rings of `q` must end below 2^64 (no wrap-around when we add
 * an index), and have the alignment of 2.7: then every address computed
 * below from an index < num is exact. */
static int virtq_check_rings(struct virtio_dev *d, const struct virtq *q)
{
	uint64_t n = q->num;
	if (n == 0 || (n & (n - 1)) || n > VIRTQ_MAX_SIZE)
		return virtio_dev_fail(d, "queue size not a power of 2 up to the maximum");
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
		return virtio_dev_fail(d, "misaligned ring");
	if (q->desc > UINT64_MAX - VIRTQ_DESC_SIZE * n || q->avail > UINT64_MAX - (6 + 2 * n) ||
	    q->used > UINT64_MAX - (6 + 8 * n))
		return virtio_dev_fail(d, "ring wraps around the address space");
	return 0;
}

/* Add descriptor `i` of queue `q` to chain `c`. */
static int virtq_take_desc(struct virtio_dev *d, const struct virtq *q, uint16_t i,
			   struct virtq_chain *c, uint16_t *flags, uint16_t *next)
{
	uint64_t addr, len, fl, nx;
	uint64_t at = q->desc + (uint64_t)VIRTQ_DESC_SIZE * i;
	if (virtio_load(d, at, 8, &addr) || virtio_load(d, at + 8, 4, &len) ||
	    virtio_load(d, at + 12, 2, &fl) || virtio_load(d, at + 14, 2, &nx))
		return virtio_dev_fail(d, "descriptor table outside guest RAM");
	if (fl & VIRTQ_DESC_F_INDIRECT)
		return virtio_dev_fail(d, "indirect descriptor (not offered)");
	if (addr > UINT64_MAX - len)
		return virtio_dev_fail(d, "buffer wraps around the address space");
	bool write = fl & VIRTQ_DESC_F_WRITE;
	if (!write && c->nread != c->nseg)
		return virtio_dev_fail(d, "readable buffer after a writable one");
	c->seg[c->nseg++] = (struct virtq_seg){ addr, (uint32_t)len, write };
	if (write)
		c->write_len += len;
	else {
		c->nread++;
		c->read_len += len;
	}
	*flags = (uint16_t)fl;
	*next = (uint16_t)nx;
	return 0;
}

int virtq_pop(struct virtio_dev *d, unsigned qi, struct virtq_chain *c)
{
	struct virtq *q = &d->vq[qi];
	uint64_t idx, head;

	if (virtq_check_rings(d, q))
		return -1;
	if (virtio_load(d, q->avail + 2, 2, &idx))
		return virtio_dev_fail(d, "avail ring outside guest RAM");
	if ((uint16_t)idx == q->last_avail)
		return 0;
	/* The driver can be at most a whole ring ahead of us. */
	if ((uint16_t)((uint16_t)idx - q->last_avail) > q->num)
		return virtio_dev_fail(d, "avail index ran more than a ring ahead");
	if (virtio_load(d, q->avail + 4 + 2ull * (q->last_avail % q->num), 2, &head))
		return virtio_dev_fail(d, "avail ring outside guest RAM");
	if (head >= q->num)
		return virtio_dev_fail(d, "chain head out of the descriptor table");

	c->head = (uint16_t)head;
	c->nseg = c->nread = 0;
	c->read_len = c->write_len = 0;
	uint16_t i = (uint16_t)head, flags = 0, next = 0;
	/* A chain visits each descriptor at most once: more links than the
	 * table has entries means a loop. */
	for (;;) {
		if (c->nseg == q->num || c->nseg == VIRTQ_MAX_SEGS)
			return virtio_dev_fail(d, "descriptor chain loops");
		if (virtq_take_desc(d, q, i, c, &flags, &next))
			return -1;
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		if (next >= q->num)
			return virtio_dev_fail(d, "descriptor link out of the table");
		i = next;
	}
	q->last_avail++;
	d->stats.chains++;
	return 1;
}

int virtq_push(struct virtio_dev *d, unsigned qi, const struct virtq_chain *c, uint32_t len)
{
	struct virtq *q = &d->vq[qi];
	uint64_t elem = q->used + 4 + 8ull * (q->used_idx % q->num);
	uint64_t aflags;

	/* The element first, then the index that publishes it. */
	if (virtio_store(d, elem, 4, c->head) || virtio_store(d, elem + 4, 4, len) ||
	    virtio_store(d, q->used + 2, 2, (uint16_t)(q->used_idx + 1)))
		return virtio_dev_fail(d, "used ring outside guest RAM");
	q->used_idx++;
	if (virtio_load(d, q->avail, 2, &aflags))
		return virtio_dev_fail(d, "avail ring outside guest RAM");
	if (!(aflags & VIRTQ_AVAIL_F_NO_INTERRUPT)) {
		d->isr |= VIRTIO_ISR_USED;
		d->stats.interrupts++;
		irq_set(&d->irq, 1);
	}
	return 0;
}

/* Copy between `buf` and the bytes [off, off+len) of the chain's
 * segments [from, to). */
static int virtq_chain_copy(struct virtio_dev *d, const struct virtq_chain *c, int from, int to,
			    uint64_t off, uint8_t *buf, uint32_t len, bool to_guest)
{
	for (int s = from; s < to && len; s++) {
		const struct virtq_seg *g = &c->seg[s];
		if (off >= g->len) {
			off -= g->len;
			continue;
		}
		uint32_t n = g->len - (uint32_t)off < len ? g->len - (uint32_t)off : len;
		int rc = to_guest ? d->mem.write(d->mem.ctx, g->addr + off, buf, n)
				  : d->mem.read(d->mem.ctx, g->addr + off, buf, n);
		if (rc)
			return -1;
		buf += n;
		len -= n;
		off = 0;
	}
	return len ? -1 : 0;
}

int virtq_chain_read(struct virtio_dev *d, const struct virtq_chain *c, uint64_t off, void *buf,
		     uint32_t len)
{
	return virtq_chain_copy(d, c, 0, c->nread, off, buf, len, false);
}

int virtq_chain_write(struct virtio_dev *d, const struct virtq_chain *c, uint64_t off,
		      const void *buf, uint32_t len)
{
	return virtq_chain_copy(d, c, c->nread, c->nseg, off, (uint8_t *)buf, len, true);
}

bool virtio_config_bytes(const uint8_t *cfg, uint32_t cfglen, uint32_t off, unsigned size,
			 uint32_t *val)
{
	if (size > 4 || off > cfglen || size > cfglen - off)
		return false;
	*val = 0;
	for (unsigned i = 0; i < size; i++)
		*val |= (uint32_t)cfg[off + i] << (8 * i);
	return true;
}

/* The inspectors' view: the same little-endian loads, on a const
 * device, after checking that the queue exists and is set up. */
static const struct virtq *virtq_peek(const struct virtio_dev *d, unsigned q)
{
	if (q >= d->nqueues || !d->vq[q].num)
		return NULL;
	return &d->vq[q];
}

int virtq_peek_idx(const struct virtio_dev *d, unsigned q, uint16_t *avail_idx, uint16_t *used_idx)
{
	const struct virtq *vq = virtq_peek(d, q);
	uint64_t a, u;
	/* avail: flags16 then idx16; used: the same. */
	if (!vq || virtio_load(d, vq->avail + 2, 2, &a) || virtio_load(d, vq->used + 2, 2, &u))
		return -1;
	*avail_idx = (uint16_t)a;
	*used_idx = (uint16_t)u;
	return 0;
}

int virtq_peek_desc(const struct virtio_dev *d, unsigned q, uint16_t i, struct virtq_desc *out)
{
	const struct virtq *vq = virtq_peek(d, q);
	uint64_t addr, len, flags, next;
	if (!vq || i >= vq->num)
		return -1;
	uint64_t at = vq->desc + (uint64_t)i * VIRTQ_DESC_SIZE;
	if (virtio_load(d, at, 8, &addr) || virtio_load(d, at + 8, 4, &len) ||
	    virtio_load(d, at + 12, 2, &flags) || virtio_load(d, at + 14, 2, &next))
		return -1;
	*out = (struct virtq_desc){ addr, (uint32_t)len, (uint16_t)flags, (uint16_t)next };
	return 0;
}

int virtq_peek_avail(const struct virtio_dev *d, unsigned q, uint16_t slot, uint16_t *head)
{
	const struct virtq *vq = virtq_peek(d, q);
	uint64_t h;
	/* avail->ring[] starts after flags16 and idx16. */
	if (!vq || virtio_load(d, vq->avail + 4 + 2u * (slot % vq->num), 2, &h))
		return -1;
	*head = (uint16_t)h;
	return 0;
}

void virtio_snapshot(const struct virtio_dev *d, struct sbuf *b)
{
	sbuf_put_u64(b, d->driver_features);
	sbuf_put_u32(b, d->status);
	sbuf_put_u32(b, d->isr);
	sbuf_put_u32(b, d->config_generation);
	sbuf_put_u8(b, d->error != NULL);
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		const struct virtq *v = &d->vq[q];
		sbuf_put_u32(b, v->num);
		sbuf_put_u8(b, v->ready);
		sbuf_put_u64(b, v->desc);
		sbuf_put_u64(b, v->avail);
		sbuf_put_u64(b, v->used);
		sbuf_put_u32(b, v->last_avail);
		sbuf_put_u32(b, v->used_idx);
	}
	const uint64_t st[] = { d->stats.notifies, d->stats.chains, d->stats.interrupts,
				d->stats.errors };
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		sbuf_put_u64(b, st[i]);
}

int virtio_restore(struct virtio_dev *d, struct sbuf *b)
{
	d->driver_features = sbuf_get_u64(b);
	d->status = sbuf_get_u32(b);
	d->isr = sbuf_get_u32(b);
	d->config_generation = sbuf_get_u32(b);
	/* The reason text is not kept: a device that needed a reset still
	 * does, for a reason said before the snapshot. */
	d->error = sbuf_get_u8(b) ? "failed before the snapshot" : NULL;
	bool ok = true;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		struct virtq *v = &d->vq[q];
		uint32_t num = sbuf_get_u32(b);
		v->ready = sbuf_get_u8(b) != 0;
		v->desc = sbuf_get_u64(b);
		v->avail = sbuf_get_u64(b);
		v->used = sbuf_get_u64(b);
		uint32_t last = sbuf_get_u32(b), used = sbuf_get_u32(b);
		ok = ok && num <= 0x8000 && !(num & (num - 1)) && last <= 0xffff && used <= 0xffff;
		v->num = (uint16_t)num;
		v->last_avail = (uint16_t)last;
		v->used_idx = (uint16_t)used;
	}
	d->stats.notifies = sbuf_get_u64(b);
	d->stats.chains = sbuf_get_u64(b);
	d->stats.interrupts = sbuf_get_u64(b);
	d->stats.errors = sbuf_get_u64(b);
	return b->bad || !ok ? -1 : 0;
}
