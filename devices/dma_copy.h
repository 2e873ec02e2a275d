/*
 * dma_copy.h -- an assignable DMA copy engine: the device of the
 * lecture's "device assignment" part.
 *
 * The engine copies LEN bytes from SRC to DST in its owner VM's
 * guest-physical memory.  Its registers are not emulated one access at a
 * time: they *live* in one 4 KiB register page of host memory, and the
 * engine reads them from that page when the monitor polls it (between
 * time slices, dma_copy_poll).  That is what makes assignment possible:
 *
 *   - emulated: the page is not mapped into the guest; every register
 *     access traps and goes through dma_copy_bus_ops, which counts it;
 *   - assigned: the owner VM's page-table entry for the device's MMIO
 *     page points at the register page itself, so the guest's loads and
 *     stores reach it with no trap at all.
 *
 * Either way, the addresses the guest writes into SRC and DST are its own
 * guest-physical addresses.  The engine never uses them as host addresses:
 * every page of a transfer goes through a translation callback (the
 * IOMMU, shadowpt/iommu.h), which answers only for the owner VM's RAM.  A
 * transfer with any page outside it is refused as a whole: ERR, and not a
 * byte moves.
 *
 * When a command ends (DONE or ERR) the engine sets INTR and raises its
 * interrupt line, PLIC source BOARD_DMA_IRQ of its owner's board -- the
 * only PLIC it is wired to, so no other VM can ever receive it.  The
 * line is level-triggered and follows INTR bit 0: the guest's handler
 * acknowledges by writing 0 to INTR, then completes the claim at its
 * PLIC.  Assigned, that store reaches the page with no trap, so the
 * monitor samples INTR again (dma_copy_sync) between time slices and
 * before each access to the owner's (emulated, trapping) PLIC: by the
 * time the guest completes its claim, the line is already low.
 *
 * Registers (32 bits each, at these offsets of the register page):
 *
 *   0x00 ID      R   DMA_COPY_MAGIC ("DMAC")
 *   0x04 SRC     RW  guest-physical source address
 *   0x08 DST     RW  guest-physical destination address
 *   0x0c LEN     RW  bytes to copy, 1..DMA_COPY_MAX_LEN
 *   0x10 GO      RW  write 1 to start; the engine clears it when it takes
 *                    the command
 *   0x14 STATUS  R   DONE 0x1 | ERR 0x2 of the last command (0: none yet)
 *   0x18 INTR    RW  1: a command ended and is not acknowledged (the
 *                    interrupt line is high); write 0 to acknowledge
 */
#ifndef DEVICES_DMA_COPY_H
#define DEVICES_DMA_COPY_H

#include <stdint.h>

#include "devices/bus.h"

#define DMA_COPY_ID	0x00u
#define DMA_COPY_SRC	0x04u
#define DMA_COPY_DST	0x08u
#define DMA_COPY_LEN	0x0cu
#define DMA_COPY_GO	0x10u
#define DMA_COPY_STATUS 0x14u
#define DMA_COPY_INTR	0x18u

#define DMA_COPY_MAGIC	 0x43414d44u /* "DMAC", little-endian */
#define DMA_COPY_ST_DONE 0x1u
#define DMA_COPY_ST_ERR	 0x2u
#define DMA_COPY_MAX_LEN (64u * 1024)
#define DMA_COPY_PAGE	 4096u

/* The IOMMU as the engine sees it: a host pointer to [addr, addr+len) of
 * the owner's memory (never crossing a page), or NULL if the owner may
 * not touch it. */
typedef uint8_t *(*dma_copy_translate_fn)(void *ctx, uint64_t addr, uint32_t len);

struct dma_copy_stats {
	uint64_t mmio_accesses; /* register accesses that trapped (bus) */
	uint64_t copies;	/* commands that completed */
	uint64_t bytes;		/* bytes they moved */
	uint64_t refused;	/* commands refused (ERR): nothing moved */
	uint64_t interrupts;	/* rising edges of the line, into the owner's PLIC */
};

/* Told after the engine wrote [addr, addr+len) of the owner's memory, so
 * a monitor can keep what it derived from that memory right (shadows of a
 * page table, decoded code).  NULL: nobody needs to know. */
typedef void (*dma_copy_written_fn)(void *ctx, uint64_t addr, uint32_t len);

struct dma_copy {
	uint32_t *regs; /* the register page (DMA_COPY_PAGE bytes) */
	dma_copy_translate_fn translate;
	dma_copy_written_fn written; /* set after dma_copy_init, or NULL */
	void *ctx;
	struct irq_line irq; /* the owner's PLIC source (set == NULL: none) */
	int line;	     /* level last driven on irq */
	struct dma_copy_stats stats;
};

/* Reset `d` with its registers in `regpage` (DMA_COPY_PAGE bytes of host
 * memory, 4-byte aligned, e.g. a machine frame the monitor can map), DMA
 * through `translate(ctx, ...)` and its interrupt on `irq` (copied; NULL
 * or irq->set == NULL: no line).  Drives the line low once. */
void dma_copy_init(struct dma_copy *d, void *regpage, dma_copy_translate_fn translate, void *ctx,
		   const struct irq_line *irq);

/* Run the device: if GO is set, take the command, do the whole copy or
 * refuse it, set STATUS and INTR; then drive the line from INTR
 * (dma_copy_sync).  The monitor calls this between time slices (and the
 * bus callback after a trapped write of GO).  Returns 1 if it took a
 * command (a guest may be waiting for its interrupt), else 0. */
int dma_copy_poll(struct dma_copy *d);

/* Drive the interrupt line to INTR bit 0 as the register page holds it
 * now (an assigned guest writes the page without a trap); counts each
 * rising edge in stats.interrupts. */
void dma_copy_sync(struct dma_copy *d);

/* Bus callbacks for the emulated (trapping) case; the region's dev pointer
 * is the struct dma_copy.  Aligned 32-bit accesses only. */
extern const struct bus_ops dma_copy_bus_ops;

#endif
