/*
 * bus_test.c -- the device bus: registration (overlaps, empty and wrapping
 * ranges, a full bus), routing with offsets relative to the base, accesses
 * that straddle a region's end, unmapped accesses and the fallback.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "devices/bus.h"

/* A fake device that remembers its last access. */
struct fake_dev {
	uint64_t off, val;
	unsigned size;
	int reads, writes;
};

static enum bus_status fake_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct fake_dev *d = dev;
	d->off = off;
	d->size = size;
	d->reads++;
	*val = 0xabc0 + off;
	return BUS_OK;
}

static enum bus_status fake_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct fake_dev *d = dev;
	d->off = off;
	d->size = size;
	d->val = val;
	d->writes++;
	return BUS_OK;
}

static const struct bus_ops fake_ops = { fake_read, fake_write };

static struct bus bus;
static struct fake_dev a, b, fb;

static void setup(void)
{
	bus_init(&bus);
	a = (struct fake_dev){ 0 };
	b = (struct fake_dev){ 0 };
	fb = (struct fake_dev){ 0 };
	cr_redirect_stderr(); /* refusals print a message */
}

TestSuite(bus, .init = setup);

Test(bus, routes_with_offsets)
{
	uint64_t v;
	cr_assert_eq(bus_register(&bus, "a", 0x1000, 0x100, &a, &fake_ops), 0);
	cr_assert_eq(bus_register(&bus, "b", 0x2000, 0x10, &b, &fake_ops), 0);
	cr_assert_eq(bus_write(&bus, 0x1010, 4, 77), BUS_OK);
	cr_assert_eq(a.off, 0x10, "the device sees an offset");
	cr_assert_eq(a.size, 4);
	cr_assert_eq(a.val, 77);
	cr_assert_eq(bus_read(&bus, 0x2008, 8, &v), BUS_OK);
	cr_assert_eq(b.off, 8);
	cr_assert_eq(v, 0xabc8);
	cr_assert_eq(a.reads, 0);
	cr_assert_eq(bus.unmapped_accesses, 0);
}

Test(bus, refuses_overlaps)
{
	cr_assert_eq(bus_register(&bus, "a", 0x1000, 0x100, &a, &fake_ops), 0);
	cr_assert_eq(bus_register(&bus, "same", 0x1000, 0x100, &b, &fake_ops), -1);
	cr_assert_eq(bus_register(&bus, "head", 0x0f80, 0x100, &b, &fake_ops), -1);
	cr_assert_eq(bus_register(&bus, "tail", 0x10ff, 0x10, &b, &fake_ops), -1);
	cr_assert_eq(bus_register(&bus, "inside", 0x1040, 0x10, &b, &fake_ops), -1);
	cr_assert_eq(bus_register(&bus, "around", 0x0, 0x10000, &b, &fake_ops), -1);
	cr_assert_eq(bus.count, 1);
	/* touching is not overlapping */
	cr_assert_eq(bus_register(&bus, "below", 0x0f00, 0x100, &b, &fake_ops), 0);
	cr_assert_eq(bus_register(&bus, "above", 0x1100, 0x100, &b, &fake_ops), 0);
	cr_assert_eq(bus.count, 3);
	/* kept sorted by base */
	cr_assert_eq(bus.regions[0].base, 0x0f00);
	cr_assert_eq(bus.regions[1].base, 0x1000);
	cr_assert_eq(bus.regions[2].base, 0x1100);
}

Test(bus, refuses_empty_wrapping_and_full)
{
	cr_assert_eq(bus_register(&bus, "empty", 0x1000, 0, &a, &fake_ops), -1);
	cr_assert_eq(bus_register(&bus, "wraps", UINT64_MAX - 0xf, 0x100, &a, &fake_ops), -1);
	for (int i = 0; i < BUS_MAX_DEVICES; i++)
		cr_assert_eq(bus_register(&bus, "dev", 0x1000u * (uint64_t)i, 0x10, &a, &fake_ops),
			     0);
	cr_assert_eq(bus_register(&bus, "one too many", 0x100000, 0x10, &a, &fake_ops), -1);
	cr_assert_eq(bus.count, BUS_MAX_DEVICES);
}

Test(bus, find)
{
	bus_register(&bus, "a", 0x1000, 0x100, &a, &fake_ops);
	cr_assert_null(bus_find(&bus, 0xfff));
	cr_assert_str_eq(bus_find(&bus, 0x1000)->name, "a");
	cr_assert_str_eq(bus_find(&bus, 0x10ff)->name, "a");
	cr_assert_null(bus_find(&bus, 0x1100));
}

Test(bus, unmapped_and_straddling_fault)
{
	uint64_t v = 123;
	bus_register(&bus, "a", 0x1000, 0x100, &a, &fake_ops);
	cr_assert_eq(bus_read(&bus, 0x5000, 4, &v), BUS_FAULT);
	cr_assert_eq(v, 0, "a faulting read yields 0");
	cr_assert_eq(bus_write(&bus, 0x5000, 4, 1), BUS_FAULT);
	/* last 2 bytes in the region, 2 outside */
	cr_assert_eq(bus_write(&bus, 0x10fe, 4, 1), BUS_FAULT);
	cr_assert_eq(bus_write(&bus, 0x10fc, 4, 1), BUS_OK);
	cr_assert_eq(a.writes, 1);
	cr_assert_eq(bus.unmapped_accesses, 3);
}

Test(bus, null_callbacks_refuse)
{
	static const struct bus_ops read_only = { fake_read, NULL };
	uint64_t v;
	bus_register(&bus, "ro", 0x1000, 0x100, &a, &read_only);
	cr_assert_eq(bus_read(&bus, 0x1000, 4, &v), BUS_OK);
	cr_assert_eq(bus_write(&bus, 0x1000, 4, 1), BUS_FAULT);
}

Test(bus, fallback_gets_absolute_address)
{
	uint64_t v;
	bus_register(&bus, "a", 0x1000, 0x100, &a, &fake_ops);
	bus_set_fallback(&bus, &fb, &fake_ops);
	cr_assert_eq(bus_write(&bus, 0x80, 1, 9), BUS_OK);
	cr_assert_eq(fb.off, 0x80, "fallback sees the address itself");
	cr_assert_eq(fb.val, 9);
	cr_assert_eq(bus_read(&bus, 0x10ff, 2, &v), BUS_OK, "a straddling access too");
	cr_assert_eq(fb.off, 0x10ff);
	cr_assert_eq(fb.reads, 1);
	cr_assert_eq(a.reads, 0);
	cr_assert_eq(bus.unmapped_accesses, 2);
}
