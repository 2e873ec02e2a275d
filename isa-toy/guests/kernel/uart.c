/*
 * uart.c -- driver for the ns16550a UART (one per board, found in the
 * device tree).  Registers are one byte apart:
 *
 *   +0 RBR (read) / THR (write)   received byte / byte to send
 *   +1 IER  interrupt enable      bit 0: "received data available"
 *   +2 FCR  FIFO control (write)  bit 0: FIFOs on, 1/2: clear them
 *           (we leave it alone: turning the FIFOs on or off empties
 *           them, and bytes typed before boot would be lost)
 *   +3 LCR  line control          0x03: 8 data bits, no parity, 1 stop
 *   +4 MCR  modem control         bit 3: OUT2 gates the IRQ line on a PC
 *   +5 LSR  line status           bit 0: data ready, bit 5: THR empty
 *
 * Output is polled: wait for LSR.THRE, write THR.  Input arrives by
 * interrupt: the PLIC calls uart_intr(), which drains the receive FIFO
 * into `uart_rx` and wakes whoever sleeps in console_read().
 */
#include "kernel/console.h"
#include "kernel/intr.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"

#define UART_RBR      0
#define UART_THR      0
#define UART_IER      1
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_IER_RDA  0x01 /* interrupt when a byte is received */
#define UART_LCR_8N1  0x03
#define UART_MCR_OUT2 0x0b /* DTR | RTS | OUT2 */
#define UART_LSR_DR   0x01 /* a received byte is waiting */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

static volatile uint8_t *uart_regs;

/* The input ring buffer: the interrupt handler writes at `w`, readers
 * take from `r`; both only grow (indices are taken modulo the size). */
#define UART_RX_SIZE 128
static struct {
	char buf[UART_RX_SIZE];
	uint32_t r, w;
} uart_rx;

void uart_init(uintptr_t base)
{
	uart_regs = (volatile uint8_t *)base;
	uart_regs[UART_IER] = 0;
	uart_regs[UART_LCR] = UART_LCR_8N1;
	uart_regs[UART_MCR] = UART_MCR_OUT2;
	uart_regs[UART_IER] = UART_IER_RDA;
}

const volatile uint8_t *uart_lsr_reg(void)
{
	return &uart_regs[UART_LSR];
}

bool uart_ready(void)
{
	return uart_regs != NULL;
}

void uart_putc(char c)
{
	while (!(uart_regs[UART_LSR] & UART_LSR_THRE))
		;
	uart_regs[UART_THR] = (uint8_t)c;
}

void uart_intr(void)
{
	while (uart_regs[UART_LSR] & UART_LSR_DR) {
		char c = (char)uart_regs[UART_RBR];
		if (uart_rx.w - uart_rx.r < UART_RX_SIZE) /* full: drop */
			uart_rx.buf[uart_rx.w++ % UART_RX_SIZE] = c;
	}
	proc_wakeup(&uart_rx);
}

int console_read(char *dst, int n)
{
	int got = 0;

	/* The ring buffer is shared with uart_intr(): mask interrupts while
	 * we look at it.  proc_sleep() gives up the CPU with interrupts
	 * still masked; the next process's own state decides whether they
	 * come back on. */
	uint32_t s = intr_save();
	while (got < n) {
		while (uart_rx.r == uart_rx.w)
			proc_sleep(&uart_rx);
		char c = uart_rx.buf[uart_rx.r++ % UART_RX_SIZE];
		if (c == '\r')
			c = '\n';
		dst[got++] = c;
		if (c == '\n')
			break;
	}
	intr_restore(s);
	return got;
}
