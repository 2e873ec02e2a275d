/* uart_tx: the ns16550a's transmitter, polled through LSR.THRE. */
#include "tests/guest/rt.h"

static void uart_putc(char c)
{
	while (!(UART[5] & 0x20)) /* LSR bit 5: THR empty */
		;
	UART[0] = (uint8_t)c;
}

void test_main(void)
{
	for (const char *s = "uart says hi\n"; *s; s++)
		uart_putc(*s);
}
