/* uart_rx: receive interrupts from the UART through the PLIC (context 1,
 * S-mode), taken out of wfi; one line of input echoed back. */
#include "tests/guest/rt.h"

static char line[64];
static volatile int len, done;

void trap_handler(uint32_t *regs)
{
	(void)regs;
	if (csr_read(scause) != 0x80000009u) {
		puts_("unexpected trap\n");
		finish(99);
	}
	uint32_t irq = PLIC[0x201004 / 4]; /* claim (context 1) */
	while (UART[5] & 1) {		   /* LSR.DR: data ready */
		char c = (char)UART[0];
		if (c == '\n')
			done = 1;
		else if (len < 63)
			line[len++] = c;
	}
	PLIC[0x201004 / 4] = irq; /* complete */
	if (irq != 10)
		finish(98);
}

void test_main(void)
{
	PLIC[10] = 1;			      /* priority of source 10 (UART) */
	PLIC[(0x2000 + 0x80) / 4] = 1u << 10; /* enable it for context 1 */
	PLIC[0x201000 / 4] = 0;		      /* threshold 0 */
	UART[1] = 1;			      /* IER: received data available */
	csr_set(sie, 1u << 9);		      /* SEIE */
	csr_set(sstatus, 1u << 1);	      /* SIE */
	while (!done)
		__asm__ volatile("wfi");
	line[len] = 0;
	puts_("line: ");
	puts_(line);
	putc_('\n');
}
