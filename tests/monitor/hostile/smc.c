/*
 * smc: self-modifying code, with and without fence.i.  TRV32 promises
 * (docs/isa.md) that instruction fetch is always coherent with stores, so
 * the new code runs in both cases -- in every mode, binary translation
 * included, whose translated copies must be dropped.  Written by sw, sb,
 * an AMO, a misaligned sw, inline (the next instruction), and in a loop;
 * and a harmless word rewritten into a sensitive one, which must then be
 * trapped (or translated) like any other.
 */
#include "tests/monitor/hostile/hg.h"

static uint32_t code[4] __attribute__((aligned(16)));

#define ADDI_A0(n) (0x00000513u | ((uint32_t)(n) << 20)) /* addi a0, zero, n */
#define RET	   0x00008067u

static uint32_t run(void)
{
	uint32_t r;
	__asm__ volatile("jalr ra, 0(%1)\n mv %0, a0" : "=r"(r) : "r"(code) : "ra", "a0", "memory");
	return r;
}

static void show(const char *what, uint32_t v)
{
	puts_(what);
	puts_(" ");
	putdec(v);
	putc_('\n');
}

void hg_main(void)
{
	puts_("smc\n");
	code[0] = ADDI_A0(7);
	code[1] = RET;
	__asm__ volatile("fence.i");
	show("first", run());
	code[0] = ADDI_A0(9);
	__asm__ volatile("fence.i");
	show("sw, fence.i", run());
	code[0] = ADDI_A0(11);
	show("sw, no fence.i", run());
	((volatile uint8_t *)code)[3] = 0x01; /* imm 11 -> 16 + 11 */
	show("sb", run());
	uint32_t old;
	__asm__ volatile("amoswap.w %0, %1, (%2)"
			 : "=r"(old)
			 : "r"(ADDI_A0(13)), "r"(code)
			 : "memory");
	show("amoswap", run());
	/* A misaligned word across code[0] and code[1]: the upper half of
	 * addi's immediate and the lower half of ret. */
	uint32_t mis = (ADDI_A0(15) >> 16) | (RET << 16);
	__asm__ volatile("sw %0, 2(%1)" ::"r"(mis), "r"(code) : "memory");
	show("misaligned sw", run());
	/* The next instruction, rewritten just before it runs. */
	uint32_t inl;
	__asm__ volatile("la t0, 2f\n"
			 "sw %1, 0(t0)\n"
			 "2: addi a0, zero, 1\n"
			 "mv %0, a0\n"
			 : "=r"(inl)
			 : "r"(ADDI_A0(17))
			 : "t0", "a0", "memory");
	show("inline", inl);
	uint32_t sum = 0;
	for (uint32_t i = 0; i < 300; i++) {
		code[0] = ADDI_A0(i);
		sum += run();
	}
	show("loop sum", sum);
	/* A sensitive instruction written over a harmless one. */
	csr_write(sscratch, 0x5a5);
	code[0] = 0x14002573; /* csrr a0, sscratch */
	show("csrr sscratch", run());
	code[0] = 0x10002573; /* csrr a0, sstatus (PUSHF, on --isa=legacy) */
	show("csrr sstatus", run() & (SSTATUS_SUM | 0x122));
	puts_("done\n");
}
