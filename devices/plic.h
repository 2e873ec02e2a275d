/*
 * plic.h -- the RISC-V Platform-Level Interrupt Controller, laid out as on
 * QEMU's `virt` board (`riscv,plic0`), with sources 1..BOARD_PLIC_NDEV and
 * the two contexts of rv32 virt's hart 0.
 *
 * Devices raise and lower *source* lines (plic_set_irq); the PLIC decides
 * which one each *context* (a hart in one privilege mode) should hear:
 *
 *   device lines          gateways    pending   enable[ctx] + priority
 *   src 1  ----------->   [G] ----->   P1 ---+   > threshold[ctx]
 *   ...                                      +---------------------> ctx 0 out (M-mode:
 *   src 10 (UART) ---->   [G] ----->   P10 --+                        unconnected)
 *   ...                                      +---------------------> ctx 1 out (S-mode:
 *   src 31 ----------->   [G] ----->   P31 --+                        the CPU's SEIP)
 *
 * Register map (offsets from BOARD_PLIC_BASE; every register is 32 bits):
 *
 *   0x000000 + 4*src          priority of source src (0 = never interrupts)
 *   0x001000                  pending bits, source n = bit n (read-only)
 *   0x002000 + 0x80*ctx       enable bits of context ctx, source n = bit n
 *   0x200000 + 0x1000*ctx     priority threshold of context ctx
 *   0x200004 + 0x1000*ctx     claim (read) / complete (write) of context ctx
 *
 * Gateways are level-triggered: a source is pending while its line is high
 * and it is not claimed.  A claim takes the best pending source (highest
 * priority, ties to the lowest ID) that is enabled for that context with a
 * priority above its threshold, clears its pending bit and holds it back
 * until the guest writes its ID to the complete register; if the line is
 * still high then, it is pending again.  As on QEMU, a pending bit also
 * clears when the line drops before anyone claimed it.
 *
 * Only aligned 32-bit accesses are accepted (others: BUS_FAULT).  Reserved
 * offsets, source 0 and contexts other than 0 and 1 read as 0 and ignore
 * writes.  Priorities and thresholds hold 3 bits (0..7), as on QEMU virt;
 * wider values are truncated (WARL).
 */
#ifndef DEVICES_PLIC_H
#define DEVICES_PLIC_H

#include <stdint.h>

#include "devices/bus.h"
#include "isa-toy/board.h"

#define PLIC_NCTX      2  /* context 0 = hart 0 M-mode, context 1 = hart 0 S-mode */
#define PLIC_CTX_M     0  /* no M-mode on TRV32: output unconnected */
#define PLIC_CTX_S     1  /* drives the CPU's sip.SEIP */
#define PLIC_PRIO_MASK 7u /* 3 priority bits, as QEMU virt */

/* Register offsets. */
#define PLIC_PRIORITY	    0x000000u /* + 4*src */
#define PLIC_PENDING	    0x001000u /* bit per source */
#define PLIC_ENABLE	    0x002000u /* + 0x80*ctx, bit per source */
#define PLIC_ENABLE_STRIDE  0x80u
#define PLIC_CONTEXT	    0x200000u /* + 0x1000*ctx */
#define PLIC_CONTEXT_STRIDE 0x1000u
#define PLIC_THRESHOLD	    0x0u /* within a context block */
#define PLIC_CLAIM	    0x4u /* within a context block: claim/complete */

/* BOARD_PLIC_NDEV sources plus the non-existent source 0 fit one 32-bit
 * pending word and one enable word per context. */
_Static_assert(BOARD_PLIC_NDEV < 32, "plic.c keeps one 32-bit word of sources");

/* One PLIC.  Public so a board embeds it; only plic.c touches the fields. */
struct plic {
	uint32_t priority[BOARD_PLIC_NDEV + 1]; /* [0] unused, always 0 */
	uint32_t level;				/* source lines now high, bit n */
	uint32_t claimed;			/* claimed, not yet completed */
	/* (pending is not stored: it is always level & ~claimed) */
	uint32_t enable[PLIC_NCTX]; /* enable bits per context */
	uint32_t threshold[PLIC_NCTX];
	struct irq_line out[PLIC_NCTX]; /* the contexts' output lines */
	int out_level[PLIC_NCTX];	/* level last driven on out[] */
};

/* Reset `p`: all priorities, enables and thresholds 0, nothing pending.
 * `ctx_out` is an array of PLIC_NCTX lines (copied), context 0 then
 * context 1; an entry with set == NULL is unconnected.  Drives both lines
 * low once. */
void plic_init(struct plic *p, const struct irq_line *ctx_out);

/* Set the line of source `irq` (1..BOARD_PLIC_NDEV) to `level` (0 or not).
 * Usable as irq_line.set with ctrl = the struct plic.  A source number out
 * of range is a wiring bug in the board: it panics. */
void plic_set_irq(void *plic, int irq, int level);

/* Snapshots: the PLIC's priorities, lines, claims, enables, thresholds
 * and output levels (not its wiring).  plic_load: 0, or -1 if short or
 * impossible; load into a fresh (plic_init'ed) PLIC only. */
struct sbuf;
void plic_save(const struct plic *p, struct sbuf *b);
int plic_load(struct plic *p, struct sbuf *b);

/* Bus callbacks; the region's dev pointer is the struct plic. */
extern const struct bus_ops plic_bus_ops;

#endif
