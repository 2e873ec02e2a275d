/*
 * dma_copy.c -- the assignable DMA copy engine (see dma_copy.h).
 */
#include "devices/dma_copy.h"

#include <string.h>

static uint32_t dma_copy_reg(const struct dma_copy *d, uint32_t off)
{
	return d->regs[off / 4];
}

void dma_copy_init(struct dma_copy *d, void *regpage, dma_copy_translate_fn translate, void *ctx,
		   const struct irq_line *irq)
{
	memset(d, 0, sizeof(*d));
	d->regs = regpage;
	d->translate = translate;
	d->ctx = ctx;
	if (irq)
		d->irq = *irq;
	memset(d->regs, 0, DMA_COPY_PAGE);
	d->regs[DMA_COPY_ID / 4] = DMA_COPY_MAGIC;
	irq_set(&d->irq, 0);
}

void dma_copy_sync(struct dma_copy *d)
{
	int level = (int)(dma_copy_reg(d, DMA_COPY_INTR) & 1u);
	if (level == d->line)
		return;
	d->line = level;
	if (level)
		d->stats.interrupts++;
	/* The only wire there is: to the owner's own PLIC. */
	irq_set(&d->irq, level);
}

/* Whether every page of [addr, addr+len) translates.  Checked for the
 * whole transfer before any byte moves, so a refused command leaves
 * memory untouched.  Sums are 64-bit: addr + len cannot wrap. */
static int dma_copy_allowed(const struct dma_copy *d, uint64_t addr, uint32_t len)
{
	uint64_t end = addr + len;
	while (addr < end) {
		uint32_t chunk = DMA_COPY_PAGE - (uint32_t)(addr % DMA_COPY_PAGE);
		if (chunk > end - addr)
			chunk = (uint32_t)(end - addr);
		if (!d->translate(d->ctx, addr, chunk))
			return 0;
		addr += chunk;
	}
	return 1;
}

/* Copy page piece by page piece: both sides may cross pages, and the
 * owner's consecutive guest pages are scattered machine frames. */
static void dma_copy_move(const struct dma_copy *d, uint64_t src, uint64_t dst, uint32_t len)
{
	while (len) {
		uint32_t chunk = len;
		uint32_t s_room = DMA_COPY_PAGE - (uint32_t)(src % DMA_COPY_PAGE);
		uint32_t d_room = DMA_COPY_PAGE - (uint32_t)(dst % DMA_COPY_PAGE);
		if (chunk > s_room)
			chunk = s_room;
		if (chunk > d_room)
			chunk = d_room;
		memmove(d->translate(d->ctx, dst, chunk), d->translate(d->ctx, src, chunk), chunk);
		if (d->written)
			d->written(d->ctx, dst, chunk);
		src += chunk;
		dst += chunk;
		len -= chunk;
	}
}

/* Take the command in the registers: the whole copy, or nothing. */
static void dma_copy_run(struct dma_copy *d)
{
	d->regs[DMA_COPY_GO / 4] = 0;
	uint64_t src = dma_copy_reg(d, DMA_COPY_SRC), dst = dma_copy_reg(d, DMA_COPY_DST);
	uint32_t len = dma_copy_reg(d, DMA_COPY_LEN);
	if (len == 0 || len > DMA_COPY_MAX_LEN || !dma_copy_allowed(d, src, len) ||
	    !dma_copy_allowed(d, dst, len)) {
		d->regs[DMA_COPY_STATUS / 4] = DMA_COPY_ST_ERR;
		d->stats.refused++;
		return;
	}
	dma_copy_move(d, src, dst, len);
	d->regs[DMA_COPY_STATUS / 4] = DMA_COPY_ST_DONE;
	d->stats.copies++;
	d->stats.bytes += len;
}

int dma_copy_poll(struct dma_copy *d)
{
	int took = dma_copy_reg(d, DMA_COPY_GO) == 1;
	if (took) {
		dma_copy_run(d);
		d->regs[DMA_COPY_INTR / 4] = 1; /* DONE or ERR: either ends it */
	}
	/* Also when no command ran: an assigned guest may have acknowledged
	 * (or scribbled on) INTR in the page since we last looked. */
	dma_copy_sync(d);
	return took;
}

static enum bus_status dma_copy_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct dma_copy *d = dev;
	if (size != 4 || off % 4 || off >= DMA_COPY_PAGE)
		return BUS_FAULT;
	d->stats.mmio_accesses++;
	*val = dma_copy_reg(d, (uint32_t)off);
	return BUS_OK;
}

static enum bus_status dma_copy_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct dma_copy *d = dev;
	if (size != 4 || off % 4 || off >= DMA_COPY_PAGE)
		return BUS_FAULT;
	d->stats.mmio_accesses++;
	/* ID and STATUS are the device's; the guest's writes to them are
	 * dropped, as hardware would.  (An assigned guest can scribble on
	 * them in the page; the engine rewrites STATUS on every command.) */
	if (off == DMA_COPY_ID || off == DMA_COPY_STATUS)
		return BUS_OK;
	d->regs[off / 4] = (uint32_t)val;
	if (off == DMA_COPY_GO)
		dma_copy_poll(d);
	else if (off == DMA_COPY_INTR)
		dma_copy_sync(d); /* an acknowledgement lowers the line now */
	return BUS_OK;
}

const struct bus_ops dma_copy_bus_ops = { dma_copy_read, dma_copy_write };
