/*
 * dma: a guest that drives the DMA copy engine (devices/dma_copy.h) at
 * 0x10012000, first as a good driver, then as a hostile one.
 *
 * It reads the engine's ID (a VM without the device gets an access fault
 * and says so), copies 6000 bytes across page boundaries and checks them,
 * then aims the engine's DMA where it must not go: below its RAM, at the
 * last bytes of its RAM and past them, at the device's own page, near
 * 4 GiB and far past any RAM (where a machine address of another VM could
 * be).  Every one must come back ERR.  Run in a VM without the engine,
 * it checks a canary in its own memory instead, for many time slices.  The boot argument mem=N (MiB) is
 * its RAM size.  The transcript is the same whether the engine is
 * emulated (every register access traps) or assigned (no trap).
 */
#include "tests/monitor/hostile/hg.h"

#define DMA	      0x10012000u
#define DMA_SRC	      0x04u
#define DMA_DST	      0x08u
#define DMA_LEN	      0x0cu
#define DMA_GO	      0x10u
#define DMA_STATUS    0x14u
#define COPY	      6000u
#define CANARY_ROUNDS 256u

static uint8_t src[COPY] __attribute__((aligned(4096)));
static uint8_t dst[COPY + 2048];

/* One command: program it, start it, wait until the engine took it
 * (assigned, it runs between time slices), return STATUS. */
static uint32_t dma_cmd(uint32_t s, uint32_t d, uint32_t len)
{
	hg_store(DMA + DMA_SRC, s);
	hg_store(DMA + DMA_DST, d);
	hg_store(DMA + DMA_LEN, len);
	hg_store(DMA + DMA_GO, 1);
	while (hg_load(DMA + DMA_GO))
		;
	return hg_load(DMA + DMA_STATUS);
}

static void dma_hostile(const char *what, uint32_t s, uint32_t d, uint32_t len)
{
	uint32_t st = dma_cmd(s, d, len);
	puts_("dma ");
	puts_(what);
	puts_(st == 2 ? ": refused\n" : ": NOT REFUSED\n");
}

/* Without the engine: fill 64 KiB with a canary and check it for long
 * enough (tens of millions of instructions, many time slices) that the
 * engine's owner has made all its attacks meanwhile. */
static uint32_t canary[16 * 1024];

static void dma_canary(void)
{
	uint32_t bad = 0;
	for (uint32_t i = 0; i < 16 * 1024; i++)
		canary[i] = i * 2654435761u;
	for (uint32_t r = 0; r < CANARY_ROUNDS; r++)
		for (uint32_t i = 0; i < 16 * 1024; i++)
			bad += canary[i] != i * 2654435761u;
	puts_(bad ? "dma canary: CHANGED\n" : "dma canary: intact\n");
}

void hg_main(void)
{
	hg_probe_load("dma id", DMA);
	if (hg_cause) {
		dma_canary(); /* not ours: be the VM whose memory is aimed at */
		return;
	}
	for (uint32_t i = 0; i < COPY; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	uint32_t st = dma_cmd((uint32_t)src, (uint32_t)dst + 1000, COPY);
	uint32_t bad = 0;
	for (uint32_t i = 0; i < COPY; i++)
		bad += dst[1000 + i] != (uint8_t)(i * 7 + 3);
	puts_("dma copy: status ");
	putdec(st);
	puts_(bad ? ", data WRONG\n" : ", data ok\n");

	uint32_t end = RAM + (hg_arg("mem", 64) << 20);
	dma_hostile("below RAM", (uint32_t)src, RAM - 0x1000, 64);
	dma_hostile("past RAM", (uint32_t)src, end, 64);
	dma_hostile("straddling the end", (uint32_t)src, end - 32, 64);
	dma_hostile("from past RAM", end, (uint32_t)dst, 64);
	dma_hostile("at its own registers", (uint32_t)src, DMA, 64);
	dma_hostile("near 4 GiB", (uint32_t)src, 0xfffff000u, 0x2000);
	dma_hostile("far past RAM", (uint32_t)src, 0xc0000000u, 64);
	puts_("dma done\n");
}
