/*
 * hostile_test.c -- Popek and Goldberg's resource control, tested: a
 * hostile guest under the monitor never reads or writes outside its own
 * memory.
 *
 * Each seeded run builds a monitor with two VMs: the hostile one, whose
 * RAM is filled with a random instruction stream biased toward what could
 * hurt (CSR writes -- satp with random roots --, sret, sfence.vma, wfi,
 * ecalls with random arguments, loads and stores to random addresses
 * including devices and the top of the address space, jumps anywhere) and
 * with random words that its satp may well take for page tables; and a
 * victim VM that never runs.  Some machine frames are kept aside as
 * canaries.  After the hostile VM has run, the victim's memory and the
 * canaries must be unchanged (hashed), and every entry of every shadow
 * table of the hostile VM must map one of its own frames.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/monitor.h"
#include "tests/monitor/contain.h"
#include "tests/monitor/vmhash.h"
#include "isa-toy/board.h"

#define HOSTILE_RAM	 (1u << 20)
#define HOSTILE_INSNS	 20000
#define HOSTILE_CANARIES 16
#ifndef HOSTILE_SEEDS
#define HOSTILE_SEEDS 500 /* per group; four groups */
#endif

static uint32_t rng_state;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* One instruction a hostile guest might like. */
static uint32_t hostile_word(void)
{
	static const uint16_t csrs[] = { 0x100, 0x104, 0x105, 0x106, 0x140, 0x141,
					 0x142, 0x143, 0x144, 0x14d, 0x15d, 0x180,
					 0xc00, 0xc01, 0xc02, 0x300, 0x7c0 };
	uint32_t r = rnd(), rd = r & 31, rs1 = (r >> 5) & 31, rs2 = (r >> 10) & 31;
	switch (rnd() % 12) {
	case 0: /* csrrw/s/c and immediates on a privileged CSR */
		return ((uint32_t)csrs[rnd() % 17] << 20) | rs1 << 15 |
		       (uint32_t)(1 + rnd() % 7 % 3 + (rnd() & 4)) << 12 | rd << 7 | 0x73;
	case 1: return 0x10200073;			   /* sret */
	case 2: return 0x12000073 | rs1 << 15 | rs2 << 20; /* sfence.vma */
	case 3: return 0x10500073;			   /* wfi */
	case 4: return 0x00000073;			   /* ecall */
	case 5: /* lui: big addresses into registers (devices, top of memory) */
		return (rnd() & 0xfffff000u) | rd << 7 | 0x37;
	case 6: /* sw/sb/sh anywhere */
		return (rnd() & 0xfe000f80u) | rs2 << 20 | rs1 << 15 | (rnd() % 3) << 12 | 0x23;
	case 7: /* lw/lb/lbu anywhere */
		return (rnd() & 0xfff00000u) | rs1 << 15 |
		       (uint32_t)((int[]){ 0, 2, 4 }[rnd() % 3]) << 12 | rd << 7 | 0x03;
	case 8: /* jalr anywhere */ return (rnd() & 0xfff00000u) | rs1 << 15 | rd << 7 | 0x67;
	case 9: /* amoswap/amoadd */
		return (rnd() & 0x08000000u) | rs2 << 20 | rs1 << 15 | 2u << 12 | rd << 7 | 0x2f;
	case 10: /* addi: keep values flowing */
		return (rnd() & 0xfff00000u) | rs1 << 15 | rd << 7 | 0x13;
	default: return rnd(); /* anything at all */
	}
}

/* Is machine frame `frame` one of `vm`'s own (or, under binary
 * translation, the translated copy of one)? */
static bool hostile_own(const struct vm *vm, uint32_t frame)
{
	for (uint32_t g = 0; g < vm->p2r.npages; g++)
		if (vm->p2r.frame[g] == frame || (vm->spt.bt_frame && vm->spt.bt_frame[g] == frame))
			return true;
	return false;
}

/* Under TVT with nested paging: every second-stage leaf maps one of the
 * VM's own frames. */
static void hostile_check_stage2(const struct vm *bad, const char *what)
{
	const struct spt_frames *f = &bad->mon->frames;
	for (int j = 0; j < 1024; j++) {
		if (bad->vtx->s2_leaf[j] == SPT_NO_FRAME)
			continue;
		const uint32_t *leaf =
		    (const uint32_t *)(const void *)spt_frame_ptr(f, bad->vtx->s2_leaf[j]);
		for (int i = 0; i < 1024; i++)
			if (leaf[i] & PTE_V)
				cr_assert(hostile_own(bad, (leaf[i] >> PTE_PPN_SHIFT) -
							       (uint32_t)(f->ram_base >> 12)),
					  "%s: the second stage maps a frame not the guest's",
					  what);
	}
}

/* The shadow code's reverse map lists exactly the leaves with a source:
 * every (tree, j) mirroring guest page g is on g's list, once, and the
 * lists hold nothing else. */
static void hostile_check_rmap(const struct spt *s, const char *what)
{
	int listed = 0, sourced = 0;
	for (uint32_t g = 0; g < s->p2r->npages; g++)
		for (int32_t n = s->rmap_head[g]; n >= 0; n = s->rmap_next[n]) {
			const struct spt_tree *tree = &s->trees[n / 1024];
			cr_assert(tree->used && tree->leaf[n % 1024] != SPT_NONE &&
				      tree->src[n % 1024] == g,
				  "%s: reverse map slot %d is stale", what, (int)n);
			cr_assert_lt(++listed, SPT_TREES * 1024 + 1, "%s: a loop", what);
		}
	for (int t = 0; t < SPT_TREES; t++)
		for (int j = 0; j < 1024 && s->trees[t].used; j++)
			sourced +=
			    s->trees[t].leaf[j] != SPT_NONE && s->trees[t].src[j] != SPT_NONE;
	cr_assert_eq(listed, sourced, "%s: %d listed, %d leaves with a source", what, listed,
		     sourced);
}

void hostile_contain(const char *elf, const char *bootargs, int64_t seed, enum mon_kind kind,
		     enum mon_paging paging, uint64_t budget)
{
	char what[160];
	if (seed >= 0)
		snprintf(what, sizeof(what), "seed %lld", (long long)seed);
	else
		snprintf(what, sizeof(what), "%s %s (kind %d, paging %d)", elf,
			 bootargs ? bootargs : "", (int)kind, (int)paging);
	struct monitor *mon = calloc(1, sizeof(*mon));
	cr_assert_not_null(mon);
	cr_assert_eq(monitor_init(mon, 2 * HOSTILE_RAM, 2, kind, kind == MON_KIND_BT), 0);
	mon->paging = paging;
	mon->mute = true;
	for (int i = 0; i < 2; i++) {
		struct vm_config vc = { i == 0 ? elf : "build/tests/guest/spin.elf", HOSTILE_RAM,
					i == 0 ? bootargs : NULL, -1, VM_DMA_NONE };
		mon->vm[i] = vm_create(mon, i, &vc);
		cr_assert_not_null(mon->vm[i]);
		mon->nvm = i + 1;
	}
	struct vm *bad = mon->vm[0], *victim = mon->vm[1];
	victim->halted = true; /* it never runs: its memory must stay as is */

	/* Canary frames: taken from the pool, patterned, used by nobody. */
	uint32_t canary[HOSTILE_CANARIES];
	uint64_t canary_hash = VMHASH_START;
	for (int i = 0; i < HOSTILE_CANARIES; i++) {
		canary[i] = spt_frame_alloc(&mon->frames);
		cr_assert_neq(canary[i], SPT_NO_FRAME);
		memset(spt_frame_ptr(&mon->frames, canary[i]), 0xa5 ^ i, SPT_PAGE);
		canary_hash = vmhash_frame(&mon->frames, canary[i], canary_hash);
	}

	/* The hostile guest: random code at the entry, random words (some
	 * shaped like PTEs) everywhere else, random registers.  (A targeted
	 * guest, seed < 0, runs as it was built.) */
	rng_state = (uint32_t)seed * 2654435761u + 12345;
	for (uint32_t off = 0; seed >= 0 && off < HOSTILE_RAM; off += 4) {
		uint32_t w;
		if (off < 64 * 1024)
			w = hostile_word();
		else if (rnd() % 4 == 0)
			w = (rnd() & ~0x3ffu) | (rnd() & 0xff); /* PTE-shaped */
		else
			w = rnd();
		cr_assert_eq(vm_write_phys(bad, BOARD_RAM_BASE + off, &w, 4), 0);
	}
	uint32_t *x = bad->vt ? bad->vtx->vmcs.guest.x : bad->vcpu.x;
	for (int r = 1; r < 32 && seed >= 0; r++)
		x[r] = rnd() % 3 ? rnd() : BOARD_RAM_BASE + (rnd() % HOSTILE_RAM);
	if (seed >= 0)
		vm_csr(bad)->stvec = BOARD_RAM_BASE + (rnd() % 256) * 4;
	uint64_t victim_hash = vmhash_vm(victim);

	monitor_run(mon, budget);

	cr_assert_eq(vmhash_vm(victim), victim_hash, "%s: the victim VM's memory changed", what);
	uint64_t h = VMHASH_START;
	for (int i = 0; i < HOSTILE_CANARIES; i++)
		h = vmhash_frame(&mon->frames, canary[i], h);
	cr_assert_eq(h, canary_hash, "%s: a canary frame changed", what);

	/* Every shadow mapping of the hostile VM points into its own RAM. */
	for (int t = 0; t < SPT_TREES; t++) {
		const struct spt_tree *tree = &bad->spt.trees[t];
		if (!tree->used)
			continue;
		for (int j = 0; j < 1024; j++) {
			if (tree->leaf[j] == SPT_NONE)
				continue;
			const uint32_t *leaf = (const uint32_t *)(const void *)spt_frame_ptr(
			    &mon->frames, tree->leaf[j]);
			for (int i = 0; i < 1024; i++) {
				if (!(leaf[i] & PTE_V))
					continue;
				uint32_t frame = (leaf[i] >> PTE_PPN_SHIFT) -
						 (uint32_t)(mon->frames.ram_base >> 12);
				cr_assert(hostile_own(bad, frame),
					  "%s: shadow maps machine frame %u, not the guest's", what,
					  frame);
			}
		}
	}
	if (bad->vt && paging == MON_PAGING_NESTED)
		hostile_check_stage2(bad, what);
	hostile_check_rmap(&bad->spt, what);
	monitor_destroy(mon);
	free(mon);
}

/* Four groups so Criterion can run them on both cores. */
#define HOSTILE_GROUP(n)                                                                      \
	Test(hostile, seeds_##n)                                                              \
	{                                                                                     \
		for (uint32_t s = (n)*HOSTILE_SEEDS; s < ((n) + 1) * HOSTILE_SEEDS; s++)      \
			hostile_contain("build/tests/guest/spin.elf", NULL, s, MON_KIND_TRAP, \
					MON_PAGING_NESTED, HOSTILE_INSNS);                    \
	}
HOSTILE_GROUP(0)
HOSTILE_GROUP(1)
HOSTILE_GROUP(2)
HOSTILE_GROUP(3)

/* The same hostile guests under TVT (--mode=vt): the guest kernel now
 * runs in a real S-mode and may write its own satp with any root it
 * likes; the second stage (or the shadow) is what contains it. */
#define HOSTILE_VT_GROUP(name, paging, n)                                                        \
	Test(hostile_vt, name##_##n)                                                             \
	{                                                                                        \
		for (uint32_t s = (n)*HOSTILE_SEEDS / 2; s < ((n) + 1) * HOSTILE_SEEDS / 2; s++) \
			hostile_contain("build/tests/guest/spin.elf", NULL, s, MON_KIND_VT,      \
					paging, HOSTILE_INSNS);                                  \
	}
HOSTILE_VT_GROUP(nested, MON_PAGING_NESTED, 0)
HOSTILE_VT_GROUP(nested, MON_PAGING_NESTED, 1)
HOSTILE_VT_GROUP(shadow, MON_PAGING_SHADOW, 0)
HOSTILE_VT_GROUP(shadow, MON_PAGING_SHADOW, 1)
