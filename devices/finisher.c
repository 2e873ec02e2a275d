/*
 * finisher.c -- the sifive,test0 finisher (see finisher.h).
 */
#include "devices/finisher.h"

void finisher_init(struct finisher *f, void (*on_exit)(void *ctx, int code), void *ctx)
{
	f->on_exit = on_exit;
	f->ctx = ctx;
}

static enum bus_status finisher_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	(void)dev, (void)off, (void)size;
	*val = 0;
	return BUS_OK;
}

static enum bus_status finisher_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct finisher *f = dev;
	uint32_t v = (uint32_t)val;
	int code;

	if (size != 4)
		return BUS_FAULT;
	if (off != 0)
		return BUS_OK;
	switch (v & FINISHER_CMD_MASK) {
	case FINISHER_PASS:
	case FINISHER_RESET: code = 0; break;
	case FINISHER_FAIL: code = (int)(v >> FINISHER_CODE_SHIFT); break;
	default: return BUS_OK; /* not a command: ignored, as on QEMU */
	}
	if (f->on_exit)
		f->on_exit(f->ctx, code);
	return BUS_OK;
}

const struct bus_ops finisher_bus_ops = {
	.read = finisher_read,
	.write = finisher_write,
};
