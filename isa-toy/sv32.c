/*
 * sv32.c -- the Sv32 walk (sv32.h), privileged spec section 4.3.2.
 */
#include "isa-toy/sv32.h"

#include <string.h>

uint32_t sv32_page_fault(enum mmu_access access)
{
	static const uint32_t cause[] = {
		[ACCESS_READ] = EXC_load_page_fault,
		[ACCESS_WRITE] = EXC_store_page_fault,
		[ACCESS_EXEC] = EXC_insn_page_fault,
	};
	return cause[access];
}

uint32_t sv32_access_fault(enum mmu_access access)
{
	static const uint32_t cause[] = {
		[ACCESS_READ] = EXC_load_access,
		[ACCESS_WRITE] = EXC_store_access,
		[ACCESS_EXEC] = EXC_insn_access,
	};
	return cause[access];
}

int sv32_leaf_allows(uint32_t pte, enum mmu_access access, enum cpu_priv priv, uint32_t sstatus)
{
	if (priv == PRIV_U && !(pte & PTE_U))
		return 0;
	if (priv == PRIV_S && (pte & PTE_U)) {
		/* S-mode never executes user pages, and touches their data only
		 * with SUM set (the guard against following user pointers). */
		if (access == ACCESS_EXEC || !(sstatus & SSTATUS_SUM))
			return 0;
	}
	switch (access) {
	case ACCESS_EXEC: return (pte & PTE_X) != 0;
	case ACCESS_WRITE: return (pte & PTE_W) != 0;
	case ACCESS_READ:
		/* MXR: "make executable readable" */
		return (pte & PTE_R) || ((sstatus & SSTATUS_MXR) && (pte & PTE_X));
	}
	return 0;
}

int sv32_walk(sv32_mem_fn mem, void *ctx, uint32_t satp, uint32_t va, enum mmu_access access,
	      enum cpu_priv priv, uint32_t sstatus, struct sv32_walk *w)
{
	struct sv32_walk local;
	if (!w)
		w = &local;
	w->steps = 0;
	w->wrote = false;
	uint64_t table = (uint64_t)(satp & SATP_PPN_MASK) << 12;
	for (int level = 1; level >= 0; level--) {
		uint32_t vpn = (va >> (12 + 10 * level)) & 0x3ff;
		uint64_t pte_pa = table + vpn * 4;
		uint8_t *p = mem(ctx, pte_pa);
		if (!p)
			return (int)sv32_access_fault(access); /* table outside memory */
		uint32_t pte;
		memcpy(&pte, p, 4);
		w->table[w->steps] = table;
		w->pte_pa[w->steps] = pte_pa;
		w->pte[w->steps] = pte;
		w->steps++;

		/* Invalid, or the reserved W-without-R combination. */
		if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)))
			return (int)sv32_page_fault(access);
		if (!(pte & (PTE_R | PTE_X))) {
			/* A pointer to the next level; level 0 has none. */
			if (level == 0)
				return (int)sv32_page_fault(access);
			table = (uint64_t)(pte >> PTE_PPN_SHIFT) << 12;
			continue;
		}
		if (!sv32_leaf_allows(pte, access, priv, sstatus))
			return (int)sv32_page_fault(access);
		/* A megapage must be 4 MiB aligned: PPN[0] zero. */
		if (level == 1 && ((pte >> PTE_PPN_SHIFT) & 0x3ff))
			return (int)sv32_page_fault(access);

		/* The hardware keeps A and D: set A on any access and D on a
		 * write, writing the entry back to memory (Svadu behaviour). */
		uint32_t want = PTE_A | (access == ACCESS_WRITE ? PTE_D : 0);
		if ((pte & want) != want) {
			pte |= want;
			memcpy(p, &pte, 4);
			w->pte[w->steps - 1] = pte;
			w->wrote = true;
		}
		uint64_t ppn = pte >> PTE_PPN_SHIFT;
		w->level = level;
		if (level == 1)
			w->pa = ((ppn >> 10) << 22) | (va & 0x3fffff);
		else
			w->pa = (ppn << 12) | (va & 0xfff);
		return 0;
	}
	return (int)sv32_page_fault(access); /* not reached */
}
