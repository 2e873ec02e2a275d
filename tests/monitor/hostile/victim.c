/*
 * victim: the well-behaved VM that runs beside a hostile one.  It fills
 * 256 KiB with a pattern, then for several million instructions (so that
 * the hostile VM runs in between, in its own time slices) sums and checks
 * it, and prints what it found and its instret.  Beside any hostile VM
 * its transcript must be exactly the one it prints alone.
 */
#include "tests/monitor/hostile/hg.h"

#define WORDS  (64 * 1024)
#define ROUNDS 2
static uint32_t buf[WORDS];

static uint32_t pattern(uint32_t i)
{
	return (i * 2654435761u) ^ 0x5a5a5a5au;
}

void hg_main(void)
{
	uint32_t sum = 0, bad = 0;
	for (uint32_t i = 0; i < WORDS; i++)
		buf[i] = pattern(i);
	for (int r = 0; r < ROUNDS; r++)
		for (uint32_t i = 0; i < WORDS; i++) {
			sum = sum * 33 + buf[i];
			bad += buf[i] != pattern(i);
		}
	puts_("victim: sum ");
	puthex(sum);
	puts_(bad ? " memory CHANGED" : " memory intact");
	puts_(" instret ");
	putdec(csr_read(instret));
	putc_('\n');
}
