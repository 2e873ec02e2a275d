/*
 * alu.c -- the ALU loop: integer arithmetic, multiplication, a division
 * now and then, and data-dependent branches that a predictor cannot learn.
 * No memory traffic beyond the stack: this measures the interpreter's
 * dispatch and its register file, nothing else.  ~16 instructions per
 * iteration at -O2.
 */
#include "tests/bench/bench.h"

#define ALU_ITERS 40000000u

const char bench_name[] = "alu";

uint32_t bench_run(void)
{
	uint32_t x = 1, y = 2, z = 3;

	for (uint32_t i = 0; i < ALU_ITERS; i++) {
		x = x * 1664525u + 1013904223u; /* an LCG: mul, add */
		y ^= x >> 13;
		y = (y << 3) | (y >> 29); /* rotate */
		if (x & 0x100)		  /* taken half of the time, at random */
			z += y;
		else
			z -= x;
		if ((int32_t)y < 0)
			z ^= i;
		if ((i & 255) == 0) /* a division every 256 iterations */
			z += y / (x | 1);
	}
	return x ^ y ^ z;
}
