/*
 * pt_self: page tables that map themselves, so the guest edits its own
 * PTEs through ordinary stores.  On the bare machine those are plain
 * stores; under the monitor the tables are write-protected, so each one
 * traps and is emulated -- and what the guest sees must not change.
 *
 *   root[0x100] -> leaf      VA 0x40000000: leaf[0] data, leaf[1] the leaf
 *                            table itself, leaf[2] the root table
 *   root[0x101] -> root      a recursive entry: root read as a leaf table
 */
#include "tests/monitor/hostile/hg.h"

static uint32_t root[1024] __attribute__((aligned(4096)));
static uint32_t leaf[1024] __attribute__((aligned(4096)));
static uint32_t data1[1024] __attribute__((aligned(4096)));
static uint32_t data2[1024] __attribute__((aligned(4096)));

#define VA	  0x40000000u
#define LEAF_VA	  (VA + 0x1000u) /* the leaf table, through itself */
#define ROOT_VA	  (VA + 0x2000u) /* the root table */
#define RECURSIVE (0x101u << 22) /* root used as a leaf table */
#define PA(p)	  ((uint32_t)(uintptr_t)(p))

void hg_main(void)
{
	data1[0] = 0x11111111;
	data2[0] = 0x22222222;
	root[0] = PTE(0, PTE_RW);
	root[RAM >> 22] = PTE(RAM, PTE_RWX);
	root[VA >> 22] = PTE_TABLE(PA(leaf));
	root[RECURSIVE >> 22] = PTE_TABLE(PA(root));
	leaf[0] = PTE(PA(data1), PTE_RW);
	leaf[1] = PTE(PA(leaf), PTE_RW);
	leaf[2] = PTE(PA(root), PTE_RW);
	csr_write(satp, SATP_SV32 | (PA(root) >> 12));
	hg_sfence();
	puts_("pt_self\n");

	hg_probe_load("va", VA);
	hg_probe_load("leaf[0] via itself", LEAF_VA);
	/* Remap VA through the leaf table's own mapping. */
	hg_probe_store("remap va via leaf", LEAF_VA, PTE(PA(data2), PTE_RW));
	hg_sfence();
	hg_probe_load("va after remap", VA);
	/* A new root entry, written through the root's mapping. */
	hg_probe_store("root[0x102] via root", ROOT_VA + 0x102 * 4, PTE_TABLE(PA(leaf)));
	hg_sfence();
	hg_probe_load("0x40800000", 0x40800000u);
	/* VA now maps the leaf table itself: the next store rewrites the
	 * very entry it is translated by. */
	hg_store(LEAF_VA, PTE(PA(leaf), PTE_RW));
	hg_sfence();
	hg_probe_store("leaf[0] via va", VA, PTE(PA(data1), PTE_RW));
	hg_sfence();
	hg_probe_load("va after self-store", VA);
	/* The leaf table's own mapping made read-only, through itself. */
	hg_probe_store("leaf[1] read-only", LEAF_VA + 4, PTE(PA(leaf), PTE_V | PTE_R | PTE_A));
	hg_sfence();
	hg_probe_store("store via read-only alias", LEAF_VA, 0);
	hg_probe_load("load via read-only alias", LEAF_VA + 8);
	/* The recursive entry: root read as a leaf table.  root[0x200] is a
	 * megapage, taken there as a 4 KiB page of its base; root[0x100] and
	 * root[0x101] are pointers, and a pointer at level 0 faults. */
	uint32_t first = hg_load(RECURSIVE | (0x200u << 12));
	puts_(first == *(volatile uint32_t *)RAM ? "recursive 0x200: reads RAM's first word\n"
						 : "recursive 0x200: BAD\n");
	hg_probe_load("recursive 0x100", RECURSIVE | (0x100u << 12));
	hg_probe_load("recursive 0x101", RECURSIVE | (0x101u << 12));
	hg_probe_load("recursive 0x000", RECURSIVE);
	hg_probe_load("recursive 0x005", RECURSIVE | (5u << 12));
	csr_write(satp, 0);
	puts_(data1[0] == 0x11111111 && data2[0] == 0x22222222 ? "data intact\n" : "data BAD\n");
}
