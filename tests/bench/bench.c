/*
 * bench.c -- the main of every benchmark guest: run the workload, print
 * its checksum, exit 0.  Freestanding: no libc on either peer.
 */
#include "tests/bench/bench.h"

void bench_puts(const char *s)
{
	while (*s)
		bench_putc(*s++);
}

void bench_hex(uint32_t v)
{
	for (int i = 28; i >= 0; i -= 4)
		bench_putc("0123456789abcdef"[(v >> i) & 15]);
}

int bench_main(void)
{
	uint32_t sum = bench_run();
	bench_puts("bench ");
	bench_puts(bench_name);
	bench_puts(": checksum ");
	bench_hex(sum);
	bench_putc('\n');
	return 0;
}
