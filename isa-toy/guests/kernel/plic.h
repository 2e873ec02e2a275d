/*
 * plic.h -- the platform-level interrupt controller, seen from hart 0's
 * supervisor context (context 1 on QEMU's virt board and on TRV32).
 */
#ifndef KERNEL_PLIC_H
#define KERNEL_PLIC_H

#include "kernel/types.h"

/* plic_init: PLIC at (kernel virtual) `base`; give source `irq` priority 1
 * and enable it for our context, threshold 0. */
void plic_init(uintptr_t base, uint32_t irq);
/* plic_enable: let source `irq` interrupt us too (priority 1). */
void plic_enable(uint32_t irq);
/* plic_claim: the highest-priority pending source (0 if none); the PLIC
 * will not raise it again until plic_complete(). */
uint32_t plic_claim(void);
void plic_complete(uint32_t irq);

#endif
