/*
 * plic.c -- the PLIC, just enough for one device interrupt.
 *
 *   base + 4*irq                  priority of source irq (0 = never)
 *   base + 0x2000 + 0x80*ctx      enable bits, one per source
 *   base + 0x200000 + 0x1000*ctx  priority threshold
 *   base + 0x200004 + 0x1000*ctx  claim (read) / complete (write)
 *
 * A source interrupts context ctx when it is pending, enabled there and
 * its priority is above the threshold; the PLIC then raises the hart's
 * S-mode external interrupt (sip.SEIP) until the kernel claims it.
 */
#include "kernel/plic.h"

#define PLIC_CONTEXT	   1 /* hart 0, S-mode */
#define PLIC_PRIORITY(irq) (4 * (irq))
#define PLIC_ENABLE	   (0x2000 + 0x80 * PLIC_CONTEXT)
#define PLIC_THRESHOLD	   (0x200000 + 0x1000 * PLIC_CONTEXT)
#define PLIC_CLAIM	   (0x200004 + 0x1000 * PLIC_CONTEXT)

static uintptr_t plic_base;

static volatile uint32_t *plic_reg(uint32_t off)
{
	return (volatile uint32_t *)(plic_base + off);
}

void plic_init(uintptr_t base, uint32_t irq)
{
	plic_base = base;
	*plic_reg(PLIC_PRIORITY(irq)) = 1;
	*plic_reg(PLIC_ENABLE + 4 * (irq / 32)) = 1u << (irq % 32);
	*plic_reg(PLIC_THRESHOLD) = 0;
}

uint32_t plic_claim(void)
{
	return *plic_reg(PLIC_CLAIM);
}

void plic_complete(uint32_t irq)
{
	*plic_reg(PLIC_CLAIM) = irq;
}

void plic_enable(uint32_t irq)
{
	*plic_reg(PLIC_PRIORITY(irq)) = 1;
	*plic_reg(PLIC_ENABLE + 4 * (irq / 32)) |= 1u << (irq % 32);
}
