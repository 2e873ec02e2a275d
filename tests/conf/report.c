/*
 * report.c -- how a conformance program says how it went: one line on the
 * console through the SBI, then the exit status through the test finisher.
 * Runs in S-mode (crt.S calls it), whatever mode the body ran in.
 */
#include <stdint.h>

#define FINISHER ((volatile uint32_t *)0x00100000)

static void conf_putc(char c)
{
	register long a0 __asm__("a0") = c;
	register long a7 __asm__("a7") = 1; /* legacy console_putchar */
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

static void conf_puts(const char *s)
{
	while (*s)
		conf_putc(*s++);
}

static void conf_putdec(uint32_t v)
{
	char buf[12];
	int n = 0;
	do
		buf[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		conf_putc(buf[--n]);
}

_Noreturn void conf_report(uint32_t failed_case, uint32_t cause);

/* Print "NAME: pass" or "NAME: FAIL case N" (and the cause of an
 * unexpected trap, if cause is not -1), then end the run: status 0 on a
 * pass, the case number (at least 1) on a failure. */
_Noreturn void conf_report(uint32_t failed_case, uint32_t cause)
{
	conf_puts(CONF_NAME);
	if (failed_case == 0 && cause == UINT32_MAX) {
		conf_puts(": pass\n");
		*FINISHER = 0x5555u;
	} else {
		conf_puts(": FAIL case ");
		conf_putdec(failed_case);
		if (cause != UINT32_MAX) {
			conf_puts(" unexpected trap cause ");
			conf_putdec(cause);
		}
		conf_putc('\n');
		if (failed_case == 0 || failed_case > 255)
			failed_case = 255;
		*FINISHER = 0x3333u | (failed_case << 16);
	}
	for (;;)
		;
}
