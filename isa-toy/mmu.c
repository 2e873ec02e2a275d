/*
 * mmu.c -- Sv32 address translation, the software TLB, and the slow path
 * of loads and stores (TLB misses, devices, misaligned accesses).
 *
 * An Sv32 virtual address and page-table entry:
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
 *
 * The walk: satp.PPN names the root table; VPN[1] indexes it.  An entry
 * with R, W or X set is a leaf (at level 1: a 4 MiB megapage); otherwise
 * it points to the next table, which VPN[0] indexes.  PPN is 22 bits, so
 * physical addresses are 34 bits wide (uint64_t here).
 */
#include "isa-toy/cpu.h"

#include <string.h>

#define PTE_V (1u << 0) /* valid */
#define PTE_R (1u << 1) /* readable */
#define PTE_W (1u << 2) /* writable */
#define PTE_X (1u << 3) /* executable */
#define PTE_U (1u << 4) /* accessible to U-mode */
#define PTE_G (1u << 5) /* global (all address spaces) */
#define PTE_A (1u << 6) /* accessed: set by the walk */
#define PTE_D (1u << 7) /* dirty: set by the walk on a write */

/* The fault causes of each kind of access. */
static const uint32_t mmu_page_fault[] = {
	[ACCESS_READ] = EXC_load_page_fault,
	[ACCESS_WRITE] = EXC_store_page_fault,
	[ACCESS_EXEC] = EXC_insn_page_fault,
};
static const uint32_t mmu_access_fault[] = {
	[ACCESS_READ] = EXC_load_access,
	[ACCESS_WRITE] = EXC_store_access,
	[ACCESS_EXEC] = EXC_insn_access,
};

uint8_t *mmu_ram_ptr(struct cpu *cpu, uint64_t pa, uint32_t len)
{
	/* Overflow-safe: compare offsets, never add to pa. */
	if (pa < cpu->ram_base)
		return NULL;
	uint64_t off = pa - cpu->ram_base;
	if (off >= cpu->ram_size || len > cpu->ram_size - off)
		return NULL;
	return cpu->ram + off;
}

/* May the current mode do `access` through leaf `pte`? (privileged spec
 * 4.3.1 and 4.3.2, step 5). */
static bool mmu_leaf_allows(const struct cpu *cpu, uint32_t pte, enum mmu_access access)
{
	if (cpu->csr.priv == PRIV_U && !(pte & PTE_U))
		return false;
	if (cpu->csr.priv == PRIV_S && (pte & PTE_U)) {
		/* S-mode never executes user pages, and touches their data only
		 * with SUM set (the guard against following user pointers). */
		if (access == ACCESS_EXEC || !(cpu->csr.sstatus & SSTATUS_SUM))
			return false;
	}
	switch (access) {
	case ACCESS_EXEC:
		return pte & PTE_X;
	case ACCESS_WRITE:
		return pte & PTE_W;
	case ACCESS_READ:
		/* MXR: "make executable readable" */
		return (pte & PTE_R) || ((cpu->csr.sstatus & SSTATUS_MXR) && (pte & PTE_X));
	}
	return false;
}

int mmu_translate(struct cpu *cpu, uint32_t va, enum mmu_access access, uint64_t *pa)
{
	if (!(cpu->csr.satp & SATP_MODE_SV32)) {
		*pa = va; /* paging off: virtual = physical */
		return 0;
	}
	uint64_t table = (uint64_t)(cpu->csr.satp & SATP_PPN_MASK) << 12;
	for (int level = 1; level >= 0; level--) {
		uint32_t vpn = (va >> (12 + 10 * level)) & 0x3ff;
		uint64_t pte_pa = table + vpn * 4;
		uint8_t *p = mmu_ram_ptr(cpu, pte_pa, 4);
		if (!p)
			return (int)mmu_access_fault[access]; /* table outside RAM */
		uint32_t pte;
		memcpy(&pte, p, 4);

		/* Invalid, or the reserved W-without-R combination. */
		if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)))
			return (int)mmu_page_fault[access];
		if (!(pte & (PTE_R | PTE_X))) {
			/* A pointer to the next level; level 0 has none. */
			if (level == 0)
				return (int)mmu_page_fault[access];
			table = (uint64_t)(pte >> 10) << 12;
			continue;
		}
		if (!mmu_leaf_allows(cpu, pte, access))
			return (int)mmu_page_fault[access];
		/* A megapage must be 4 MiB aligned: PPN[0] zero. */
		if (level == 1 && ((pte >> 10) & 0x3ff))
			return (int)mmu_page_fault[access];

		/* The hardware keeps A and D: set A on any access and D on a
		 * write, writing the entry back to memory (Svadu behaviour). */
		uint32_t want = PTE_A | (access == ACCESS_WRITE ? PTE_D : 0);
		if ((pte & want) != want) {
			pte |= want;
			memcpy(p, &pte, 4);
			cpu_code_written(cpu, pte_pa, 4);
		}
		uint64_t ppn = pte >> 10;
		if (level == 1)
			*pa = ((ppn >> 10) << 22) | (va & 0x3fffff);
		else
			*pa = (ppn << 12) | (va & 0xfff);
		return 0;
	}
	return (int)mmu_page_fault[access]; /* not reached */
}

static void mmu_flush_slot(struct tlb *t, unsigned i)
{
	t->read[i].tag = TLB_INVALID;
	t->write[i].tag = TLB_INVALID;
	t->exec[i].tag = TLB_INVALID;
}

void mmu_flush(struct cpu *cpu)
{
	for (int m = 0; m < 2; m++) {
		struct tlb *t = &cpu->tlb[m];
		if (t->nlog <= TLB_LOG) {
			for (unsigned i = 0; i < t->nlog; i++)
				mmu_flush_slot(t, t->log[i]);
		} else {
			for (unsigned i = 0; i < TLB_SIZE; i++)
				mmu_flush_slot(t, i);
		}
		t->nlog = 0;
	}
}

void mmu_tlb_logged(struct tlb *t, uint32_t va)
{
	if (t->nlog < TLB_LOG)
		t->log[t->nlog] = (uint16_t)((va >> 12) & (TLB_SIZE - 1));
	if (t->nlog <= TLB_LOG)
		t->nlog++;
}

void mmu_flush_page(struct cpu *cpu, uint32_t va)
{
	unsigned i = (va >> 12) & (TLB_SIZE - 1);
	for (int m = 0; m < 2; m++) {
		cpu->tlb[m].read[i].tag = TLB_INVALID;
		cpu->tlb[m].write[i].tag = TLB_INVALID;
		cpu->tlb[m].exec[i].tag = TLB_INVALID;
	}
}

/* Remember "virtual page of va -> host page of pa" for the fast path.
 * Only RAM pages go in; pa must be RAM. */
static void mmu_tlb_fill(struct cpu *cpu, struct tlb_entry *e, uint32_t va, uint64_t pa,
			 uint32_t flags)
{
	mmu_tlb_logged(&cpu->tlb[cpu->csr.priv], va);
	uint32_t vpage = va & ~0xfffu;
	uint64_t off = (pa & ~0xfffull) - cpu->ram_base;
	e->tag = vpage | flags;
	e->ppage = (uint32_t)(off >> 12);
	e->addend = (uintptr_t)(cpu->ram + off) - vpage;
	cpu->tlb_misses++;
}

int mmu_load(struct cpu *cpu, uint32_t va, unsigned size, uint32_t *val)
{
	if (va & (size - 1)) {
		/* Misaligned: TRV32 performs it byte by byte, little-endian
		 * (possibly across a page boundary).  Not atomic. */
		uint32_t v = 0;
		for (unsigned i = 0; i < size; i++) {
			uint32_t b;
			int cause = mmu_load(cpu, va + i, 1, &b);
			if (cause)
				return cause;
			v |= b << (8 * i);
		}
		*val = v;
		return 0;
	}
	uint64_t pa;
	int cause = mmu_translate(cpu, va, ACCESS_READ, &pa);
	if (cause)
		return cause;
	uint8_t *h = mmu_ram_ptr(cpu, pa, size);
	if (h) {
		uint32_t v = 0;
		memcpy(&v, h, size);
		*val = v;
		mmu_tlb_fill(cpu, &cpu->tlb[cpu->csr.priv].read[(va >> 12) & (TLB_SIZE - 1)], va, pa, 0);
		return 0;
	}
	uint64_t v;
	if (bus_read(cpu->bus, pa, size, &v) != BUS_OK)
		return EXC_load_access;
	*val = (uint32_t)v;
	cpu->exit_request = true; /* a device may have changed its state */
	return 0;
}

int mmu_store(struct cpu *cpu, uint32_t va, unsigned size, uint32_t val)
{
	if (va & (size - 1)) {
		/* Misaligned: byte by byte.  Check every byte's translation
		 * first, so a fault on the second page writes nothing. */
		uint64_t pa;
		for (unsigned i = 0; i < size; i++) {
			int cause = mmu_translate(cpu, va + i, ACCESS_WRITE, &pa);
			if (cause)
				return cause;
		}
		for (unsigned i = 0; i < size; i++) {
			int cause = mmu_store(cpu, va + i, 1, (val >> (8 * i)) & 0xff);
			if (cause)
				return cause;
		}
		return 0;
	}
	struct tlb_entry *e = &cpu->tlb[cpu->csr.priv].write[(va >> 12) & (TLB_SIZE - 1)];
	uint64_t pa;
	if ((e->tag & ~0xfffu) == (va & ~0xfffu) && e->tag != TLB_INVALID) {
		/* A TLB_CODE entry: the translation is known, but the page
		 * holds decoded code, so come through here every time. */
		pa = cpu->ram_base + ((uint64_t)e->ppage << 12) + (va & 0xfff);
	} else {
		int cause = mmu_translate(cpu, va, ACCESS_WRITE, &pa);
		if (cause)
			return cause;
	}
	uint8_t *h = mmu_ram_ptr(cpu, pa, size);
	if (h) {
		memcpy(h, &val, size);
		struct cpu_code_page *page = cpu->code[(pa - cpu->ram_base) >> 12];
		bool code = page && page->live;
		if (code)
			cpu_code_written(cpu, pa, size);
		code = page && page->live; /* may have been dropped just now */
		mmu_tlb_fill(cpu, e, va, pa, code ? TLB_CODE : 0);
		return 0;
	}
	if (bus_write(cpu->bus, pa, size, val) != BUS_OK)
		return EXC_store_access;
	cpu->exit_request = true;
	return 0;
}
