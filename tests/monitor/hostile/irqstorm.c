/*
 * irqstorm: interrupts that never stop on their own.  A timer that is
 * always due (stimecmp = 0), a software interrupt the handler raises
 * again, the UART's transmit-empty interrupt re-armed through the PLIC on
 * every claim, and a timer due every tick while the program computes.
 * Each storm is cut by the handler after a fixed count.  Virtual time is
 * exact, so the interrupts arrive at the same instructions in every
 * mode: the interrupted pcs and the final instret agree with bare.
 */
#include "tests/monitor/hostile/hg.h"

#define STORM		 200
#define SIE_SSIE	 (1u << 1)
#define SIE_STIE	 (1u << 5)
#define SIE_SEIE	 (1u << 9)
#define SSTATUS_SIE	 (1u << 1)
#define UART_IER	 (UART + 1)
#define PLIC_S_ENABLE	 (PLIC + 0x2080 / 4)
#define PLIC_S_THRESHOLD (PLIC + 0x201000 / 4)
#define PLIC_S_CLAIM	 (PLIC + 0x201004 / 4)

static volatile uint32_t count[16], pcsum;

static void on_irq(uint32_t code, uint32_t *regs)
{
	(void)regs;
	count[code]++;
	pcsum = pcsum * 31 + csr_read(sepc) - RAM;
	switch (code) {
	case 5: /* timer: due again at once, until the storm is over */
		if (count[5] >= STORM)
			csr_write(stimecmp, 0xffffffffu);
		break;
	case 1: /* software: raise it again */
		if (count[1] < STORM)
			csr_set(sip, SIE_SSIE);
		else
			csr_clear(sip, SIE_SSIE);
		break;
	case 9: { /* the UART: claim, re-arm THRE, complete */
		uint32_t src = *PLIC_S_CLAIM;
		*UART_IER = 0;
		if (count[9] < STORM)
			*UART_IER = 2;
		*PLIC_S_CLAIM = src;
		break;
	}
	}
}

static void report(const char *what, uint32_t n)
{
	puts_(what);
	puts_(" interrupts ");
	putdec(n);
	puts_(" pcs ");
	puthex(pcsum);
	putc_('\n');
	pcsum = 0;
}

void hg_main(void)
{
	hg_irq = on_irq;
	puts_("irqstorm\n");
	csr_set(sstatus, SSTATUS_SIE);

	csr_write(sie, SIE_STIE);
	csr_write(stimecmph, 0);
	csr_write(stimecmp, 0);
	while (count[5] < STORM)
		;
	report("timer", count[5]);

	csr_write(sie, SIE_SSIE);
	csr_set(sip, SIE_SSIE);
	while (count[1] < STORM)
		;
	report("software", count[1]);

	PLIC[10] = 1; /* priority of the UART's source */
	*PLIC_S_THRESHOLD = 0;
	*PLIC_S_ENABLE = 1u << 10;
	csr_write(sie, SIE_SEIE);
	*UART_IER = 2;
	while (count[9] < STORM)
		;
	report("uart", count[9]);

	/* A timer every tick while computing. */
	count[5] = 0;
	csr_write(sie, SIE_STIE);
	uint32_t x = 1;
	for (uint32_t i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		if ((i & 63) == 0)
			csr_write(stimecmp, (uint32_t)csr_read(time) + 1);
	}
	csr_write(stimecmp, 0xffffffffu);
	csr_write(sie, 0);
	report("busy timer", count[5]);
	puts_("x ");
	puthex(x);
	puts_(" instret ");
	putdec(csr_read(instret));
	putc_('\n');
}
