/*
 * sv32.h -- the Sv32 page-table walk as a pure function over "memory that
 * holds page tables".  The hart's MMU walks machine memory with it; the
 * monitor walks the *guest's* tables (in guest-physical memory, through
 * its P->R map) with the very same rules, exactly as the hardware would.
 *
 *    31        22 21        12 11           0
 *   +------------+------------+--------------+
 *   |  VPN[1]    |   VPN[0]   | page offset  |   virtual address
 *   +------------+------------+--------------+
 *
 *    31        20 19        10 9 8 7 6 5 4 3 2 1 0
 *   +------------+------------+---+-+-+-+-+-+-+-+-+
 *   |  PPN[1]    |   PPN[0]   |RSW|D|A|G|U|X|W|R|V|  page-table entry
 *   +------------+------------+---+-+-+-+-+-+-+-+-+
 */
#ifndef ISA_TOY_SV32_H
#define ISA_TOY_SV32_H

#include <stdbool.h>
#include <stdint.h>

#include "isa-toy/csr.h"

#define PTE_V	      (1u << 0) /* valid */
#define PTE_R	      (1u << 1) /* readable */
#define PTE_W	      (1u << 2) /* writable */
#define PTE_X	      (1u << 3) /* executable */
#define PTE_U	      (1u << 4) /* accessible to U-mode */
#define PTE_G	      (1u << 5) /* global (all address spaces) */
#define PTE_A	      (1u << 6) /* accessed: set by the walk */
#define PTE_D	      (1u << 7) /* dirty: set by the walk on a write */
#define PTE_PPN_SHIFT 10

/* The kind of a memory access (for permissions and fault causes). */
enum mmu_access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

/* Where the page tables live: a pointer to the 4 bytes at physical
 * address `pa`, or NULL if that is not memory (an access fault). */
typedef uint8_t *(*sv32_mem_fn)(void *ctx, uint64_t pa);

/* Everything a walk saw -- what the visualizer draws. */
struct sv32_walk {
	int steps;	    /* PTEs read: 1 (megapage or fault at level 1) or 2 */
	uint64_t table[2];  /* physical address of the table read at each step */
	uint64_t pte_pa[2]; /* physical address of each PTE read */
	uint32_t pte[2];    /* each PTE's value (the leaf after A/D update) */
	int level;	    /* level of the leaf: 1 = 4 MiB megapage, 0 = 4 KiB */
	uint64_t pa;	    /* the translation */
	bool wrote;	    /* A/D were set: the walk stored to pte_pa[steps-1] */
};

/* Walk the table rooted at satp.PPN for `va`, doing `access` in mode
 * `priv` with sstatus (SUM, MXR).  Sets A (and D for writes) in the leaf
 * as hardware does; w->wrote says it did, for that store is a write to
 * memory like any other, and the word may also be code.  Returns 0, or
 * the exception cause: a page fault of the access's kind, or an access
 * fault if a table is not memory.  `w` may be NULL. */
int sv32_walk(sv32_mem_fn mem, void *ctx, uint32_t satp, uint32_t va, enum mmu_access access,
	      enum cpu_priv priv, uint32_t sstatus, struct sv32_walk *w);

/* May mode `priv` with `sstatus` do `access` through leaf `pte`? */
int sv32_leaf_allows(uint32_t pte, enum mmu_access access, enum cpu_priv priv, uint32_t sstatus);

/* Fault causes of each kind of access. */
uint32_t sv32_page_fault(enum mmu_access access);
uint32_t sv32_access_fault(enum mmu_access access);

#endif
