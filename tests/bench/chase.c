/*
 * chase.c -- a pointer chase over 4 MiB: one random cycle through all
 * 1 Mi words of the buffer (Sattolo's algorithm), then a walk along it.
 * Every step is a dependent load from a random one of 1024 pages, so on
 * trapvisor each step is a TLB lookup at a random place (4 KiB pages over
 * the buffer, see bench_paging_on): a TLB smaller than 1024 entries misses
 * on most steps (`--stats` counts the fills).  On both peers the host's own
 * caches and TLB miss too: this is the memory-bound end of the table,
 * where the other workloads measure dispatch.
 */
#include "tests/bench/bench.h"

#define CHASE_BYTES (4u << 20)
#define CHASE_WORDS (CHASE_BYTES / 4)
#define CHASE_STEPS 50000000u

/* 4 MiB aligned: exactly one second-level page table's worth of pages. */
static uint32_t chase_next[CHASE_WORDS] __attribute__((aligned(4 << 20)));

const char bench_name[] = "chase";

uint32_t bench_run(void)
{
	uint32_t rng = 12345, p = 0, sum = 0;

	bench_paging_on(chase_next, CHASE_BYTES);

	/* Sattolo: a random permutation that is one single cycle. */
	for (uint32_t i = 0; i < CHASE_WORDS; i++)
		chase_next[i] = i;
	for (uint32_t i = CHASE_WORDS - 1; i > 0; i--) {
		rng = rng * 1103515245u + 12345u;
		uint32_t j = (rng >> 8) % i, t = chase_next[i];
		chase_next[i] = chase_next[j];
		chase_next[j] = t;
	}

	for (uint32_t k = 0; k < CHASE_STEPS; k++) {
		p = chase_next[p];
		sum += p;
	}
	return sum ^ p;
}
