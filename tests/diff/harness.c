/*
 * harness.c -- the C half of the differential-test harness (a guest
 * program, freestanding, no libc).  For every entry of the table that
 * diffgen wrote it runs the body and prints one line:
 *
 *   seed 17: x0=00000000 x1=8000013c x3=80400000 ... x31=ffffffff mem=5d1c2e07
 *
 * x2 (sp) is the harness's own stack pointer and is left out; `mem` is the
 * 32-bit FNV-1a hash of the body's 256-byte scratch buffer after the run.
 * The same file is compiled for both peers; only harness.S differs.
 */
#include <stdint.h>

#define DIFF_SCRATCH_BYTES 256 /* as GEN_SCRATCH_BYTES in gen.c */

struct diff_entry {
	uint32_t seed;
	void (*body)(void);
	const uint8_t *scratch;
};

extern const struct diff_entry diff_table[]; /* generated */
extern const uint32_t diff_count;	     /* generated */

void diff_call(void (*body)(void), uint32_t regs[32]); /* harness.S */
void diff_putc(int c);				       /* harness.S */
int diff_main(void);

static void diff_puts(const char *s)
{
	while (*s)
		diff_putc(*s++);
}

static void diff_hex(uint32_t v)
{
	for (int i = 28; i >= 0; i -= 4)
		diff_putc("0123456789abcdef"[(v >> i) & 15]);
}

static void diff_dec(uint32_t v)
{
	char buf[12];
	int n = 0;
	do
		buf[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		diff_putc(buf[--n]);
}

/* FNV-1a, 32 bits: tiny, and any changed byte changes the hash. */
static uint32_t diff_fnv1a(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int diff_main(void)
{
	uint32_t regs[32];

	for (uint32_t i = 0; i < diff_count; i++) {
		const struct diff_entry *e = &diff_table[i];
		diff_call(e->body, regs);
		diff_puts("seed ");
		diff_dec(e->seed);
		diff_putc(':');
		for (int x = 0; x < 32; x++) {
			if (x == 2)
				continue;
			diff_puts(" x");
			diff_dec((uint32_t)x);
			diff_putc('=');
			diff_hex(regs[x]);
		}
		diff_puts(" mem=");
		diff_hex(diff_fnv1a(e->scratch, DIFF_SCRATCH_BYTES));
		diff_putc('\n');
	}
	diff_puts("diff: done\n");
	return 0;
}
