/*
 * printf.c -- kprintf and panic.  Output goes to the UART once it is set
 * up, and to the firmware's console before that.
 */
#include <stdarg.h>

#include "kernel/console.h"
#include "kernel/intr.h"
#include "kernel/kernel.h"
#include "kernel/sbi.h"
#include "lib/fmt.h"

static void printf_put(void *arg, char c)
{
	(void)arg;
	if (uart_ready())
		uart_putc(c);
	else
		sbi_putchar(c);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(printf_put, NULL, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	intr_off(); /* nothing else runs from here on */
	kprintf("panic: ");
	va_start(ap, fmt);
	fmt_vformat(printf_put, NULL, fmt, ap);
	va_end(ap);
	kprintf("\n");
	sbi_shutdown_failure();
}
