/*
 * sieve.c -- the sieve of Eratosthenes over a bit array of 4 MiB (all
 * numbers below 2^25), then a count of the primes: loads and stores
 * (read-modify-write of words), shifts, short inner loops.  The array is
 * bigger than most host L2 caches, as it would be on real hardware.
 *
 * Built twice: `sieve` runs with paging off on trapvisor; `sieve-paged`
 * (-DBENCH_PAGED) first maps the array with 4 KiB pages (bench_paging_on),
 * so it is the same CPU-bound mix with every load and store translated.
 */
#include "tests/bench/bench.h"

#define SIEVE_N	    (1u << 25)	   /* numbers 0 .. N-1 */
#define SIEVE_WORDS (SIEVE_N / 32) /* 1 Mi words = 4 MiB */

/* Bit n set: n is composite.  4 MiB aligned for bench_paging_on. */
static uint32_t sieve_bits[SIEVE_WORDS] __attribute__((aligned(4 << 20)));

const char bench_name[] = "sieve";

/* Population count without the Zbb extension (TRV32 has none). */
static uint32_t sieve_popcount(uint32_t v)
{
	v = v - ((v >> 1) & 0x55555555u);
	v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
	v = (v + (v >> 4)) & 0x0f0f0f0fu;
	return (v * 0x01010101u) >> 24;
}

uint32_t bench_run(void)
{
	uint32_t primes = 0, hash = 0;

#ifdef BENCH_PAGED
	bench_paging_on(sieve_bits, sizeof(sieve_bits));
#endif
	for (uint32_t w = 0; w < SIEVE_WORDS; w++)
		sieve_bits[w] = 0;
	sieve_bits[0] = 3; /* 0 and 1 are not prime */

	for (uint32_t p = 2; p * p < SIEVE_N; p++) {
		if (sieve_bits[p >> 5] & (1u << (p & 31)))
			continue;
		for (uint32_t m = p * p; m < SIEVE_N; m += p)
			sieve_bits[m >> 5] |= 1u << (m & 31);
	}
	for (uint32_t w = 0; w < SIEVE_WORDS; w++) {
		primes += 32 - sieve_popcount(sieve_bits[w]);
		hash = (hash ^ sieve_bits[w]) * 16777619u;
	}
	return primes ^ hash; /* primes below 2^25: 2063689 */
}
