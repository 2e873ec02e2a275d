/* hg.c -- the probes and the trap handler of the hostile guests (hg.h). */
#include "tests/monitor/hostile/hg.h"

volatile uint32_t hg_cause, hg_tval;
void (*hg_irq)(uint32_t code, uint32_t *regs);
uint32_t hg_fdt; /* the device tree, as the boot convention passes it in a1 */

/* test_main: keep a1 (the device tree) before C code can clobber it. */
__asm__(".text\n"
	".globl test_main\n"
	"test_main:\n"
	"	la t0, hg_fdt\n"
	"	sw a1, 0(t0)\n"
	"	tail hg_main\n");

void trap_handler(uint32_t *regs)
{
	uint32_t cause = csr_read(scause);
	if (cause & (1u << 31)) {
		if (hg_irq)
			hg_irq(cause & ~(1u << 31), regs);
		else
			finish(98);
		return;
	}
	hg_cause = cause;
	hg_tval = csr_read(stval);
	/* Fetch faults (misaligned 0, access 1, page 12): back to the
	 * caller of hg_jump; anything else: the next instruction. */
	if (cause == 0 || cause == 1 || cause == 12)
		csr_write(sepc, regs[1]);
	else
		csr_write(sepc, csr_read(sepc) + 4);
}

__attribute__((noinline)) uint32_t hg_load(uint32_t va)
{
	uint32_t v;
	hg_cause = 0;
	__asm__ volatile("li %0, 0\n lw %0, 0(%1)" : "=&r"(v) : "r"(va) : "memory");
	return v;
}

__attribute__((noinline)) void hg_store(uint32_t va, uint32_t v)
{
	hg_cause = 0;
	__asm__ volatile("sw %1, 0(%0)" ::"r"(va), "r"(v) : "memory");
}

__attribute__((noinline)) void hg_jump(uint32_t va)
{
	hg_cause = 0;
	/* The code at va (if it runs) returns with `ret`. */
	__asm__ volatile("jalr ra, 0(%0)" ::"r"(va)
			 : "ra", "t0", "t1", "t2", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
			   "t3", "t4", "t5", "t6", "memory");
}

void hg_report(const char *name, uint32_t value)
{
	puts_(name);
	if (hg_cause) {
		puts_(": cause ");
		putdec(hg_cause);
		puts_(" stval ");
		puthex(hg_tval);
	} else {
		puts_(": value ");
		puthex(value);
	}
	putc_('\n');
}

void hg_probe_load(const char *name, uint32_t va)
{
	uint32_t v = hg_load(va);
	hg_report(name, v);
}

void hg_probe_store(const char *name, uint32_t va, uint32_t v)
{
	hg_store(va, v);
	hg_report(name, 0);
}

void hg_probe_jump(const char *name, uint32_t va)
{
	hg_jump(va);
	hg_report(name, 0);
}

void hg_probe_three(const char *what, uint32_t va)
{
	static const char *const kinds[] = { " load", " store", " fetch" };
	for (int k = 0; k < 3; k++) {
		char name[64];
		int n = 0;
		for (const char *s = what; *s && n < 48; s++)
			name[n++] = *s;
		for (const char *s = kinds[k]; *s; s++)
			name[n++] = *s;
		name[n] = 0;
		if (k == 0)
			hg_probe_load(name, va);
		else if (k == 1)
			hg_probe_store(name, va, 0x5a5a5a5a);
		else
			hg_probe_jump(name, va);
	}
}

static uint32_t hg_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t hg_arg(const char *key, uint32_t dflt)
{
	const uint8_t *fdt = (const uint8_t *)(uintptr_t)hg_fdt;
	if (!fdt || hg_be32(fdt) != 0xd00dfeedu)
		return dflt;
	uint32_t size = hg_be32(fdt + 4), klen = 0;
	while (key[klen])
		klen++;
	for (uint32_t i = 0; i + klen + 1 < size; i++) {
		uint32_t k = 0;
		while (k < klen && fdt[i + k] == (uint8_t)key[k])
			k++;
		if (k < klen || fdt[i + k] != '=')
			continue;
		uint32_t v = 0;
		for (const uint8_t *p = fdt + i + k + 1; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (uint32_t)(*p - '0');
		return v;
	}
	return dflt;
}
