/*
 * dma_copy_test.c -- the assignable DMA copy engine behind its IOMMU, on
 * real machine frames shared by two VMs: a copy across scattered pages,
 * the register page driven with and without traps, and a hostile owner
 * aiming DMA below its RAM, past it, across the 4 GiB wrap and at the
 * other VM's frames: refused, nothing moved, the other VM's canary
 * intact; the completion interrupt, its acknowledgement with and
 * without a trap.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "devices/dma_copy.h"
#include "shadowpt/iommu.h"

#define DT_RAM	  0x80000000u
#define DT_PAGES  16u
#define DT_FRAMES 64u
#define DT_CANARY 0x5a

static uint8_t *machine;
static struct spt_frames frames;
static struct spt_p2r vm_a, vm_b;
static struct spt_iommu iommu_a;
static struct dma_copy dev;
static uint32_t regpage[DMA_COPY_PAGE / 4];

/* The engine's interrupt line, as a PLIC source would see it. */
static int dt_level, dt_edges, dt_source;

static void dt_line(void *ctrl, int irq, int level)
{
	(void)ctrl;
	dt_source = irq;
	if (level && !dt_level)
		dt_edges++;
	dt_level = level;
}

static void dt_setup(void)
{
	machine = calloc(DT_FRAMES, SPT_PAGE);
	cr_assert(machine);
	cr_assert(spt_frames_init(&frames, machine, DT_RAM, DT_FRAMES) == 0);
	cr_assert(spt_p2r_init(&vm_a, &frames, DT_RAM, DT_PAGES, 1) == 0);
	cr_assert(spt_p2r_init(&vm_b, &frames, DT_RAM, DT_PAGES, 2) == 0);
	/* Fill VM B's memory with its canary. */
	for (uint32_t i = 0; i < DT_PAGES; i++)
		memset(spt_frame_ptr(&frames, vm_b.frame[i]), DT_CANARY, SPT_PAGE);
	iommu_a = (struct spt_iommu){ .p2r = &vm_a, .frames = &frames };
	const struct irq_line line = { dt_line, NULL, 12 };
	dt_level = 1; /* init must drive it low */
	dt_edges = 0;
	dma_copy_init(&dev, regpage, spt_iommu_translate, &iommu_a, &line);
	cr_assert_eq(dt_level, 0);
}

static void dt_teardown(void)
{
	spt_p2r_destroy(&vm_a, &frames);
	spt_p2r_destroy(&vm_b, &frames);
	spt_frames_destroy(&frames);
	free(machine);
}

/* One byte of VM `m`'s guest-physical memory. */
static uint8_t *dt_byte(const struct spt_p2r *m, uint64_t gpa)
{
	uint8_t *p = spt_p2r_ptr(m, &frames, gpa, 1);
	cr_assert(p, "gpa %#llx is not guest RAM", (unsigned long long)gpa);
	return p;
}

static void dt_canary_intact(void)
{
	for (uint32_t i = 0; i < DT_PAGES; i++) {
		const uint8_t *p = spt_frame_ptr(&frames, vm_b.frame[i]);
		for (uint32_t j = 0; j < SPT_PAGE; j++)
			cr_assert_eq(p[j], DT_CANARY, "VM B page %u byte %u changed", i, j);
	}
}

/* Program a command straight into the register page, as an assigned
 * guest's stores do, and let the device run. */
static uint32_t dt_direct(uint64_t src, uint64_t dst, uint32_t len)
{
	regpage[DMA_COPY_SRC / 4] = (uint32_t)src;
	regpage[DMA_COPY_DST / 4] = (uint32_t)dst;
	regpage[DMA_COPY_LEN / 4] = len;
	regpage[DMA_COPY_GO / 4] = 1;
	dma_copy_poll(&dev);
	cr_assert_eq(regpage[DMA_COPY_GO / 4], 0, "the engine took the command");
	return regpage[DMA_COPY_STATUS / 4];
}

static void dt_put(uint32_t off, uint32_t v)
{
	cr_assert_eq(dma_copy_bus_ops.write(&dev, off, 4, v), BUS_OK);
}

static uint32_t dt_get(uint32_t off)
{
	uint64_t v;
	cr_assert_eq(dma_copy_bus_ops.read(&dev, off, 4, &v), BUS_OK);
	return (uint32_t)v;
}

TestSuite(dma_copy, .init = dt_setup, .fini = dt_teardown);

Test(dma_copy, copies_across_scattered_pages)
{
	/* 6000 bytes from the middle of page 1 to the middle of page 5: both
	 * sides cross a page, and the frames behind are not consecutive. */
	uint64_t src = DT_RAM + 0x1800, dst = DT_RAM + 0x5a00;
	for (uint32_t i = 0; i < 6000; i++)
		*dt_byte(&vm_a, src + i) = (uint8_t)(i * 7 + 3);
	cr_assert_neq(vm_a.frame[2], vm_a.frame[1] + 1, "seed 1 scatters pages 1 and 2");
	cr_assert_eq(dt_direct(src, dst, 6000), DMA_COPY_ST_DONE);
	for (uint32_t i = 0; i < 6000; i++)
		cr_assert_eq(*dt_byte(&vm_a, dst + i), (uint8_t)(i * 7 + 3), "byte %u", i);
	cr_assert_eq(dev.stats.copies, 1);
	cr_assert_eq(dev.stats.bytes, 6000);
	cr_assert_eq(dev.stats.mmio_accesses, 0, "assigned: no register access trapped");
	dt_canary_intact();
}

Test(dma_copy, emulated_registers_trap_and_copy)
{
	*dt_byte(&vm_a, DT_RAM + 0x100) = 0xab;
	cr_assert_eq(dt_get(DMA_COPY_ID), DMA_COPY_MAGIC);
	dt_put(DMA_COPY_SRC, DT_RAM + 0x100);
	dt_put(DMA_COPY_DST, DT_RAM + 0x3000);
	dt_put(DMA_COPY_LEN, 1);
	dt_put(DMA_COPY_GO, 1);
	cr_assert_eq(dt_get(DMA_COPY_STATUS), DMA_COPY_ST_DONE);
	cr_assert_eq(*dt_byte(&vm_a, DT_RAM + 0x3000), 0xab);
	cr_assert_eq(dev.stats.mmio_accesses, 6, "every register access trapped");
	/* The guest cannot forge the device's own registers. */
	dt_put(DMA_COPY_ID, 0);
	dt_put(DMA_COPY_STATUS, DMA_COPY_ST_ERR);
	cr_assert_eq(dt_get(DMA_COPY_ID), DMA_COPY_MAGIC);
	cr_assert_eq(dt_get(DMA_COPY_STATUS), DMA_COPY_ST_DONE);
	uint64_t v;
	cr_assert_eq(dma_copy_bus_ops.read(&dev, 2, 4, &v), BUS_FAULT, "misaligned");
	cr_assert_eq(dma_copy_bus_ops.write(&dev, 4, 1, 0), BUS_FAULT, "byte store");
	cr_assert_eq(dma_copy_bus_ops.read(&dev, DMA_COPY_PAGE, 4, &v), BUS_FAULT, "past page");
}

/* A hostile owner's DMA at `src`/`dst`: refused, and nothing moved in
 * its own memory or in VM B's. */
static void dt_refused(uint64_t src, uint64_t dst, uint32_t len)
{
	uint64_t before = dev.stats.refused;
	uint8_t mine = *dt_byte(&vm_a, DT_RAM + 0x2000);
	cr_assert_eq(dt_direct(src, dst, len), DMA_COPY_ST_ERR, "src %#llx dst %#llx len %u",
		     (unsigned long long)src, (unsigned long long)dst, len);
	cr_assert_eq(dev.stats.refused, before + 1);
	cr_assert_eq(*dt_byte(&vm_a, DT_RAM + 0x2000), mine);
	dt_canary_intact();
}

Test(dma_copy, hostile_dma_is_refused)
{
	uint64_t end = DT_RAM + DT_PAGES * SPT_PAGE;
	memset(dt_byte(&vm_a, DT_RAM + 0x2000), 0x11, 16);
	/* Below RAM, past its end, straddling the end (the first page is
	 * fine, so a device that checked only the start would write). */
	dt_refused(DT_RAM + 0x2000, DT_RAM - 0x1000, 16);
	dt_refused(DT_RAM + 0x2000, end, 16);
	dt_refused(DT_RAM + 0x2000, end - 8, 16);
	dt_refused(end - 8, DT_RAM + 0x2000, 16);
	dt_refused(DT_RAM - 8, DT_RAM + 0x2000, 16);
	/* A destination near 4 GiB: 64-bit sums, no wrap to address 0. */
	dt_refused(DT_RAM + 0x2000, 0xfffff000u, DMA_COPY_MAX_LEN);
	/* Zero and too-long lengths. */
	dt_refused(DT_RAM, DT_RAM + 0x2000, 0);
	dt_refused(DT_RAM, DT_RAM + 0x2000, DMA_COPY_MAX_LEN + 1);
	/* VM B's frames, named by their machine addresses: the IOMMU maps
	 * only VM A's P->R, so they are not addresses the device knows. */
	uint32_t aimed = 0;
	for (uint32_t i = 0; i < DT_PAGES; i++) {
		uint64_t b = spt_frame_ppn(&frames, vm_b.frame[i]) * (uint64_t)SPT_PAGE;
		uint32_t gpage;
		if (spt_p2r_page(&vm_a, b, &gpage))
			continue; /* also one of A's guest pages: legal for A */
		dt_refused(DT_RAM + 0x2000, b, 16);
		aimed++;
	}
	cr_assert_gt(aimed, 0, "some of VM B's frames lie outside VM A's RAM");
	cr_assert_gt(iommu_a.refused, 0);
	cr_assert_eq(dev.stats.copies, 0);
}

/* Every command ends with the line high (DONE and ERR alike) until the
 * guest writes 0 to INTR: through the bus (emulated) it drops at once;
 * straight in the page (assigned) it drops at the next sync. */
Test(dma_copy, interrupt_on_completion_and_error)
{
	cr_assert_eq(dt_direct(DT_RAM, DT_RAM + 0x3000, 64), DMA_COPY_ST_DONE);
	cr_assert_eq(dt_level, 1, "completion raises the line");
	cr_assert_eq(dt_source, 12);
	cr_assert_eq(regpage[DMA_COPY_INTR / 4], 1);
	regpage[DMA_COPY_INTR / 4] = 0; /* an assigned guest's ack: no trap */
	cr_assert_eq(dt_level, 1, "nobody has looked yet");
	dma_copy_sync(&dev);
	cr_assert_eq(dt_level, 0);
	cr_assert_eq(dt_direct(DT_RAM, 0xfffff000u, 64), DMA_COPY_ST_ERR);
	cr_assert_eq(dt_level, 1, "an error raises it too");
	dt_put(DMA_COPY_INTR, 0); /* the emulated ack */
	cr_assert_eq(dt_level, 0);
	cr_assert_eq(dma_copy_poll(&dev), 0, "no command");
	cr_assert_eq(dt_level, 0, "a poll without a command raises nothing");
	cr_assert_eq(dev.stats.interrupts, 2);
	cr_assert_eq(dt_edges, 2);
}
