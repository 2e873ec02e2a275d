/*
 * bus.c -- the device bus (see bus.h).  A handful of devices, so a sorted
 * array with a linear scan is both simplest and fast enough: RAM never
 * goes through the bus on the toy machine's fast path.
 */
#include "devices/bus.h"

#include <stdio.h>
#include <string.h>

void bus_init(struct bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	bus->fallback.name = "unmapped";
}

int bus_register(struct bus *bus, const char *name, uint64_t base, uint64_t len, void *dev,
		 const struct bus_ops *ops)
{
	if (len == 0 || base + len < base) {
		fprintf(stderr, "bus: device %s: empty or wrapping range\n", name);
		return -1;
	}
	if (bus->count == BUS_MAX_DEVICES) {
		fprintf(stderr, "bus: device %s: bus full\n", name);
		return -1;
	}
	int at = 0;
	for (int i = 0; i < bus->count; i++) {
		const struct bus_region *r = &bus->regions[i];
		/* Two ranges overlap unless one ends before the other starts. */
		if (base < r->base + r->len && r->base < base + len) {
			fprintf(stderr, "bus: device %s [%#llx, +%#llx) overlaps %s\n", name,
				(unsigned long long)base, (unsigned long long)len, r->name);
			return -1;
		}
		if (r->base < base)
			at = i + 1;
	}
	memmove(&bus->regions[at + 1], &bus->regions[at],
		(size_t)(bus->count - at) * sizeof(bus->regions[0]));
	bus->regions[at] = (struct bus_region){ name, base, len, dev, ops };
	bus->count++;
	return 0;
}

void bus_set_fallback(struct bus *bus, void *dev, const struct bus_ops *ops)
{
	bus->fallback.dev = dev;
	bus->fallback.ops = ops;
}

const struct bus_region *bus_find(const struct bus *bus, uint64_t addr)
{
	for (int i = 0; i < bus->count; i++) {
		const struct bus_region *r = &bus->regions[i];
		if (addr >= r->base && addr - r->base < r->len)
			return r;
	}
	return NULL;
}

/* The region and offset for an access of `size` bytes at `addr`, or the
 * fallback (offset = the address itself) when no region holds all of it. */
static const struct bus_region *bus_route(struct bus *bus, uint64_t addr, unsigned size,
					  uint64_t *off)
{
	const struct bus_region *r = bus_find(bus, addr);
	if (r && addr - r->base + size <= r->len) {
		*off = addr - r->base;
		return r;
	}
	bus->unmapped_accesses++;
	*off = addr;
	return &bus->fallback;
}

enum bus_status bus_read(struct bus *bus, uint64_t addr, unsigned size, uint64_t *val)
{
	uint64_t off;
	const struct bus_region *r = bus_route(bus, addr, size, &off);
	*val = 0;
	if (!r->ops || !r->ops->read)
		return BUS_FAULT;
	return r->ops->read(r->dev, off, size, val);
}

enum bus_status bus_write(struct bus *bus, uint64_t addr, unsigned size, uint64_t val)
{
	uint64_t off;
	const struct bus_region *r = bus_route(bus, addr, size, &off);
	if (!r->ops || !r->ops->write)
		return BUS_FAULT;
	return r->ops->write(r->dev, off, size, val);
}
