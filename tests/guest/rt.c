/* rt.c -- printing through the SBI console, and the finisher. */
#include "tests/guest/rt.h"

void putc_(char c)
{
	sbi(0x01, 0, c, 0, 0); /* legacy console_putchar */
}

void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

void puthex(uint32_t v)
{
	puts_("0x");
	for (int i = 28; i >= 0; i -= 4)
		putc_("0123456789abcdef"[(v >> i) & 15]);
}

void putdec(uint32_t v)
{
	char buf[12];
	int n = 0;
	do
		buf[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		putc_(buf[--n]);
}

_Noreturn void finish(int code)
{
	*FINISHER = code ? (0x3333u | ((uint32_t)code << 16)) : 0x5555u;
	for (;;)
		;
}

/* Programs that take no traps get this one: any trap is a failure. */
__attribute__((weak)) void trap_handler(uint32_t *regs)
{
	(void)regs;
	puts_("unexpected trap ");
	puthex(csr_read(scause));
	putc_('\n');
	finish(99);
}
