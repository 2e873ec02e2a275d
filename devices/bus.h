/*
 * bus.h -- the device bus: every device is a struct plus two callbacks
 * answering accesses inside its range [base, base+len).
 *
 * The same bus serves the toy machine's loads and stores (MMIO) and the x86
 * backend's MMIO and port-I/O exits (one bus per address space).  The bus
 * hands the device an *offset* from its base, so a device never knows
 * where it was mapped.  Overlapping registrations are refused, and an
 * access that hits no device goes to one explicit fallback (by default:
 * an access fault, which the CPU turns into a guest exception).
 */
#ifndef DEVICES_BUS_H
#define DEVICES_BUS_H

#include <stdint.h>

#define BUS_MAX_DEVICES 32

/* Result of one bus access. */
enum bus_status {
	BUS_OK = 0,    /* the device answered */
	BUS_FAULT = 1, /* no device, or the device refused: access fault */
};

/* The two callbacks of a device.  `off` is relative to the device's base;
 * `size` is 1, 2, 4 or 8 bytes.  A NULL callback refuses (BUS_FAULT). */
struct bus_ops {
	enum bus_status (*read)(void *dev, uint64_t off, unsigned size, uint64_t *val);
	enum bus_status (*write)(void *dev, uint64_t off, unsigned size, uint64_t val);
};

struct bus_region {
	const char *name; /* for traces and `info bus` */
	uint64_t base, len;
	void *dev;
	const struct bus_ops *ops;
};

struct bus {
	struct bus_region regions[BUS_MAX_DEVICES]; /* sorted by base */
	int count;
	struct bus_region fallback; /* unmapped accesses; ops may be NULL */
	uint64_t unmapped_accesses; /* counted for --stats */
};

/* Start an empty bus whose unmapped accesses fault. */
void bus_init(struct bus *bus);

/* Map `dev` at [base, base+len).  Returns 0, or -1 with a message on
 * stderr if the range is empty, wraps, overlaps a device, or the bus is
 * full. */
int bus_register(struct bus *bus, const char *name, uint64_t base, uint64_t len, void *dev,
		 const struct bus_ops *ops);

/* Send unmapped accesses to `ops` (used by the x86 backend, which ignores
 * unknown ports as a PC does) instead of faulting. */
void bus_set_fallback(struct bus *bus, void *dev, const struct bus_ops *ops);

/* The region holding `addr`, or NULL. */
const struct bus_region *bus_find(const struct bus *bus, uint64_t addr);

/* One access.  An access that straddles the end of a region faults. */
enum bus_status bus_read(struct bus *bus, uint64_t addr, unsigned size, uint64_t *val);
enum bus_status bus_write(struct bus *bus, uint64_t addr, unsigned size, uint64_t val);

/* An interrupt line from a device to an interrupt controller: the device
 * calls irq_set(line, 1) to raise it and irq_set(line, 0) to lower it
 * (level-triggered).  An unconnected line (set == NULL) is ignored. */
struct irq_line {
	void (*set)(void *ctrl, int irq, int level);
	void *ctrl;
	int irq;
};

static inline void irq_set(const struct irq_line *line, int level)
{
	if (line->set)
		line->set(line->ctrl, line->irq, level);
}

#endif
