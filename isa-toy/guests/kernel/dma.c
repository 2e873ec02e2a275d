/*
 * dma.c -- the driver of the DMA copy engine (dma.h; the device is
 * devices/dma_copy.h in trapvisor).
 *
 * Registers (32 bits, at the page the device tree names):
 *   0x04 SRC, 0x08 DST, 0x0c LEN   the command
 *   0x10 GO       write 1 to start it
 *   0x14 STATUS   1 done, 2 refused
 *   0x18 INTR     1: a command ended (the interrupt line is high);
 *                 write 0 to acknowledge
 * Emulated, each access traps to the monitor; assigned, the page is
 * mapped straight into the VM and none does.  This driver cannot tell.
 */
#include "kernel/dma.h"
#include "kernel/intr.h"
#include "kernel/kernel.h"
#include "kernel/plic.h"
#include "kernel/proc.h"
#include "kernel/vm.h"

#define DMA_ID	   0x00u
#define DMA_SRC	   0x04u
#define DMA_DST	   0x08u
#define DMA_LEN	   0x0cu
#define DMA_GO	   0x10u
#define DMA_STATUS 0x14u
#define DMA_INTR   0x18u
#define DMA_MAGIC  0x43414d44u /* "DMAC" */

static struct {
	volatile uint32_t *regs; /* NULL: no engine */
	uint32_t irq;
	bool busy; /* a command is in flight (one at a time) */
	bool done; /* the interrupt for it came */
} dma;

static uint32_t dma_reg(uint32_t off)
{
	return dma.regs[off / 4];
}

static void dma_set(uint32_t off, uint32_t v)
{
	dma.regs[off / 4] = v;
}

void dma_map(const struct fdt_info *fdt)
{
	if (fdt->dma_base)
		vm_kernel_map_mmio(VM_DMA, fdt->dma_base);
}

void dma_init(const struct fdt_info *fdt)
{
	if (!fdt->dma_base || !fdt->dma_irq)
		return;
	dma.regs = (volatile uint32_t *)VM_DMA;
	if (dma_reg(DMA_ID) != DMA_MAGIC) {
		kprintf("dma: no engine at %p\n", (void *)fdt->dma_base);
		dma.regs = NULL;
		return;
	}
	dma.irq = fdt->dma_irq;
	plic_enable(dma.irq);
}

int dma_copy(uint32_t dst, uint32_t src, uint32_t n)
{
	if (!dma.regs)
		return -1;
	/* busy and done are shared with dma_intr: interrupts off until we
	 * have our answer (proc_sleep keeps them off, as for the disk). */
	uint32_t s = intr_save();
	while (dma.busy)
		proc_sleep(&dma);
	dma.busy = true;
	dma.done = false;
	dma_set(DMA_SRC, src);
	dma_set(DMA_DST, dst);
	dma_set(DMA_LEN, n);
	dma_set(DMA_GO, 1);
	/* Sleep until the interrupt: whether the engine finished at once
	 * (emulated) or only between the monitor's time slices (assigned). */
	while (!dma.done)
		proc_sleep(&dma);
	int status = (int)dma_reg(DMA_STATUS);
	dma.busy = false;
	proc_wakeup(&dma); /* someone may wait for the engine */
	intr_restore(s);
	return status;
}

bool dma_intr(uint32_t irq)
{
	if (!dma.regs || irq != dma.irq)
		return false;
	/* Level-triggered: acknowledge at the device before the caller
	 * completes the claim at the PLIC, or it fires again at once. */
	if (dma_reg(DMA_INTR)) {
		dma_set(DMA_INTR, 0);
		dma.done = true;
		proc_wakeup(&dma);
	}
	return true;
}
