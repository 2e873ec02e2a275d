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
 * it checks a canary in its own memory instead, for many time slices,
 * with every PLIC source enabled, and counts the external interrupts it
 * gets (the engine's must never reach it).  The boot argument mem=N
 * (MiB) is its RAM size; hostile=1 makes the owner end with rounds of
 * wild acknowledgements and masking (its own INTR, PLIC enables,
 * priorities, thresholds, claims and completes of any source).
 *
 * The driver waits for the engine's interrupt (PLIC source 12), not by
 * polling: it starts a command with interrupts masked, sleeps in wfi
 * until the interrupt is pending, then unmasks for one instruction so
 * the handler takes it.  The interrupt is thus always taken at the same
 * instruction, however late the engine finishes: the transcript and the
 * instruction count are the same whether the engine is emulated (every
 * register access traps, the copy runs at the GO store) or assigned (no
 * trap, the copy runs between time slices).
 */
#include "tests/monitor/hostile/hg.h"

#define DMA		 0x10012000u
#define DMA_SRC		 0x04u
#define DMA_DST		 0x08u
#define DMA_LEN		 0x0cu
#define DMA_GO		 0x10u
#define DMA_STATUS	 0x14u
#define DMA_INTR	 0x18u
#define DMA_IRQ		 12u
#define COPY		 6000u
#define CANARY_ROUNDS	 256u
#define SIE_SEIE	 (1u << 9)
#define SSTATUS_SIE	 (1u << 1)
#define PLIC_S_ENABLE	 (PLIC + 0x2080 / 4)
#define PLIC_S_THRESHOLD (PLIC + 0x201000 / 4)
#define PLIC_S_CLAIM	 (PLIC + 0x201004 / 4)
#define REG(off)	 (*(volatile uint32_t *)(DMA + (off)))

static uint8_t src[COPY] __attribute__((aligned(4096)));
static uint8_t dst[COPY + 2048];

static volatile uint32_t dma_done, dma_irqs, ext_irqs;

/* External interrupts: claim, and if it is the engine's, acknowledge it
 * at the engine (INTR = 0) before completing the claim, as a level-
 * triggered source wants. */
static void dma_on_irq(uint32_t code, uint32_t *regs)
{
	(void)regs;
	if (code != 9)
		return;
	ext_irqs++;
	uint32_t src = *PLIC_S_CLAIM;
	if (src == DMA_IRQ && REG(DMA_INTR)) {
		REG(DMA_INTR) = 0;
		dma_done = 1;
		dma_irqs++;
	}
	if (src)
		*PLIC_S_CLAIM = src;
}

/* Take external interrupts from the sources in `mask`, at priority 1. */
static void dma_irqs_on(uint32_t mask)
{
	for (uint32_t n = 1; n < 32; n++)
		if (mask & (1u << n))
			PLIC[n] = 1;
	*PLIC_S_THRESHOLD = 0;
	*PLIC_S_ENABLE = mask;
	hg_irq = dma_on_irq;
	csr_write(sie, SIE_SEIE);
}

/* One command: program it, start it, sleep until the handler saw it
 * end, return STATUS.  sstatus.SIE is 0 here except for the one
 * instruction after each wfi, so the interrupt is taken right there. */
static uint32_t dma_cmd(uint32_t s, uint32_t d, uint32_t len)
{
	REG(DMA_SRC) = s;
	REG(DMA_DST) = d;
	REG(DMA_LEN) = len;
	dma_done = 0;
	REG(DMA_GO) = 1;
	while (!dma_done) {
		__asm__ volatile("wfi");
		csr_set(sstatus, SSTATUS_SIE);
		csr_clear(sstatus, SSTATUS_SIE);
	}
	return REG(DMA_STATUS);
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
	/* Every source but the console's (whose line our own output may
	 * raise), interrupts on: only what is ours could arrive. */
	dma_irqs_on(~1u & ~(1u << 10));
	csr_set(sstatus, SSTATUS_SIE);
	for (uint32_t r = 0; r < CANARY_ROUNDS; r++)
		for (uint32_t i = 0; i < 16 * 1024; i++)
			bad += canary[i] != i * 2654435761u;
	csr_clear(sstatus, SSTATUS_SIE);
	puts_(bad ? "dma canary: CHANGED" : "dma canary: intact");
	puts_(", external interrupts ");
	putdec(ext_irqs);
	putc_('\n');
}

/* A hostile owner: acknowledges, raises, masks and unmasks at random,
 * with commands in flight and interrupts on, claims without completing
 * and completes what it never claimed.  Whatever it does, the engine's
 * line reaches this VM's PLIC only. */
static void dma_wild(void)
{
	uint32_t x = 12345;
	csr_set(sstatus, SSTATUS_SIE);
	for (uint32_t r = 0; r < 2000; r++) {
		x = x * 1103515245u + 12345u;
		uint32_t v = x >> 8;
		switch (v % 8) {
		case 0: REG(DMA_INTR) = v >> 3; break; /* ack or raise itself */
		case 1: *PLIC_S_ENABLE = v; break;
		case 2: *PLIC_S_THRESHOLD = v >> 3; break;
		case 3: PLIC[DMA_IRQ] = v >> 3; break;
		case 4: (void)*PLIC_S_CLAIM; break;	      /* claim, never complete */
		case 5: *PLIC_S_CLAIM = (v >> 3) % 40; break; /* complete anything */
		case 6: /* a command in flight, not waited for */
			REG(DMA_SRC) = (uint32_t)src;
			REG(DMA_DST) = (uint32_t)dst;
			REG(DMA_LEN) = 1 + (v >> 3) % 256;
			REG(DMA_GO) = 1;
			break;
		default: csr_write(sie, (v & 1) ? SIE_SEIE : 0); break;
		}
		for (volatile uint32_t i = 0; i < (v >> 4) % 200; i++)
			;
	}
	csr_clear(sstatus, SSTATUS_SIE);
	REG(DMA_INTR) = 0;
	puts_("dma wild: done\n");
}

void hg_main(void)
{
	hg_probe_load("dma id", DMA);
	if (hg_cause) {
		dma_canary(); /* not ours: be the VM whose memory is aimed at */
		return;
	}
	dma_irqs_on(1u << DMA_IRQ);
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
	puts_("dma done, ");
	putdec(dma_irqs);
	puts_(" interrupts, instret ");
	putdec((uint32_t)csr_read(instret));
	putc_('\n');
	if (hg_arg("hostile", 0))
		dma_wild();
}
