/*
 * harness.c -- the C half of the differential-test harness (a guest
 * program, freestanding, no libc).  For every entry of the table that
 * diffgen wrote it runs the body and prints one line:
 *
 *   seed 17: x0=00000000 x1=8000013c x3=80400000 ... x31=ffffffff mem=5d1c2e07
 *
 * x2 (sp) is the harness's own stack pointer and is left out; `mem` is the
 * 32-bit FNV-1a hash of the body's 256-byte scratch buffer after the run.
 * The same file is compiled for both peers; only harness.S differs.  With
 * -DDIFF_PAGING (bare board only) it first turns Sv32 paging on, so every
 * fetch, load, store and AMO of the bodies goes through trapvisor's MMU
 * and TLB (diff_paging_on below).
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

#ifdef DIFF_PAGING
/*
 * Identity-map the first 8 MiB of RAM (code from 0x80000000, data from
 * 0x80400000, see link.ld) with 4 KiB pages, and the finisher's 4 MiB with
 * one megapage; then satp = Sv32 | root.  A and D are left clear, so the
 * MMU must set them on first use.
 *
 *   PTE:  | PPN (31..10) | RSW | D | A | G | U | X | W | R | V |
 */
#define DIFF_PTE_V     (1u << 0)
#define DIFF_PTE_R     (1u << 1)
#define DIFF_PTE_W     (1u << 2)
#define DIFF_PTE_X     (1u << 3)
#define DIFF_SATP_SV32 (1u << 31)
#define DIFF_RAM       0x80000000u
#define DIFF_MEGA      (4u << 20)

static uint32_t diff_root[1024] __attribute__((aligned(4096)));
static uint32_t diff_leaf[2][1024] __attribute__((aligned(4096)));

static void diff_paging_on(void)
{
	uint32_t rwx = DIFF_PTE_R | DIFF_PTE_W | DIFF_PTE_X | DIFF_PTE_V;

	diff_root[0] = (0u >> 12) << 10 | DIFF_PTE_R | DIFF_PTE_W | DIFF_PTE_V; /* finisher */
	for (uint32_t m = 0; m < 2; m++) {
		uint32_t va = DIFF_RAM + m * DIFF_MEGA;
		for (uint32_t i = 0; i < 1024; i++)
			diff_leaf[m][i] = ((va + i * 4096) >> 12) << 10 | rwx;
		diff_root[va / DIFF_MEGA] =
		    ((uint32_t)(uintptr_t)diff_leaf[m] >> 12) << 10 | DIFF_PTE_V;
	}
	uint32_t satp = DIFF_SATP_SV32 | (uint32_t)(uintptr_t)diff_root >> 12;
	__asm__ volatile("sfence.vma zero, zero\n\tcsrw satp, %0\n\tsfence.vma zero, zero"
			 :
			 : "r"(satp)
			 : "memory");
}
#endif

#ifdef DIFF_PEER_BARE
void diff_exit(int code) __attribute__((noreturn)); /* harness.S */
void diff_trap_report(uint32_t cause, uint32_t epc, uint32_t tval) __attribute__((noreturn));

/* stvec lands here (harness.S) on any trap: print it, exit with 3. */
void diff_trap_report(uint32_t cause, uint32_t epc, uint32_t tval)
{
	diff_puts("\ndiff: unexpected trap scause=");
	diff_hex(cause);
	diff_puts(" sepc=");
	diff_hex(epc);
	diff_puts(" stval=");
	diff_hex(tval);
	diff_putc('\n');
	diff_exit(3);
}
#endif

int diff_main(void)
{
	uint32_t regs[32];

#ifdef DIFF_PAGING
	diff_paging_on();
#endif
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
