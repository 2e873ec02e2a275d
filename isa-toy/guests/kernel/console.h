/*
 * console.h -- the ns16550a UART: output polled, input interrupt-driven
 * through the PLIC into a small ring buffer that `read` drains.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/types.h"

/* uart_init: take the UART at (kernel virtual) address `base`, 8N1,
 * FIFOs on, receive interrupt enabled. */
void uart_init(uintptr_t base);
/* uart_ready: has uart_init run?  Before that, kprintf uses the SBI. */
bool uart_ready(void);
/* uart_lsr_reg: the line status register, for code that wants to read a
 * device register and nothing else (the mmio microbenchmark, micro.c).
 * Reading LSR changes nothing in the UART. */
const volatile uint8_t *uart_lsr_reg(void);
/* uart_putc: send one byte, waiting until the transmitter has room. */
void uart_putc(char c);
/* uart_intr: the UART raised its PLIC line: move received bytes into the
 * input buffer and wake a reader.  Runs with interrupts off. */
void uart_intr(void);
/* console_read: block until a whole line (or n bytes) has arrived; copy
 * it to dst and return its length.  A CR counts as end of line and is
 * turned into '\n'. */
int console_read(char *dst, int n);

#endif
