/*
 * mmu.c -- the hart's address translation (the Sv32 walk of sv32.c over
 * machine RAM), the software TLB, and the slow path of loads and stores
 * (TLB misses, devices, misaligned accesses).
 */
#include "isa-toy/cpu.h"

#include <stdlib.h>
#include <string.h>

#include "isa-toy/tvt.h"

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

/* Page tables live in RAM; a walk that leaves RAM is an access fault.
 * When the walk sets A/D in a PTE, that word may have been code. */
static uint8_t *mmu_pte_mem(void *ctx, uint64_t pa)
{
	return mmu_ram_ptr(ctx, pa, 4);
}

int mmu_translate(struct cpu *cpu, uint32_t va, enum mmu_access access, uint64_t *pa)
{
	/* A guest under TVT with second-stage translation: two walks, one
	 * nested in the other (isa-toy/tvt_mmu.c). */
	if (cpu->tvt && tvt_stage2_on(cpu->tvt))
		return tvt_translate(cpu, va, access, pa);
	if (!(cpu->csr.satp & SATP_MODE_SV32)) {
		*pa = va; /* paging off: virtual = physical */
		return 0;
	}
	struct sv32_walk w;
	int cause = sv32_walk(mmu_pte_mem, cpu, cpu->csr.satp, va, access, cpu->csr.priv,
			      cpu->csr.sstatus, &w);
	cpu->walk_refs += (uint64_t)w.steps;
	if (cause)
		return cause;
	cpu_code_written(cpu, w.pte_pa[w.steps - 1], 4);
	if (w.level == 1)
		cpu->tset->mega = true;
	*pa = w.pa;
	return 0;
}

static void mmu_flush_slot(struct tlb *t, unsigned i)
{
	t->read[i].tag = TLB_INVALID;
	t->write[i].tag = TLB_INVALID;
	t->exec[i].tag = TLB_INVALID;
}

static void mmu_flush_set(struct tlb_set *set)
{
	for (int m = 0; m < 2; m++) {
		struct tlb *t = &set->mode[m];
		if (t->nlog <= TLB_LOG) {
			for (unsigned i = 0; i < t->nlog; i++)
				mmu_flush_slot(t, t->log[i]);
		} else {
			for (unsigned i = 0; i < TLB_SIZE; i++)
				mmu_flush_slot(t, i);
		}
		t->nlog = 0;
	}
	set->mega = false;
}

void mmu_flush(struct cpu *cpu)
{
	mmu_flush_set(cpu->tset);
}

void mmu_flush_tag(struct cpu *cpu, unsigned tag)
{
	if (tag < TLB_TAGS && cpu->tlb_sets[tag])
		mmu_flush_set(cpu->tlb_sets[tag]);
}

int mmu_select_tag(struct cpu *cpu, unsigned tag)
{
	if (tag >= TLB_TAGS)
		return -1;
	if (!cpu->tlb_sets[tag]) {
		struct tlb_set *set = malloc(sizeof(*set));
		if (!set)
			return -1;
		/* Every slot invalid: a "full" log makes the flush clear all. */
		set->mode[0].nlog = set->mode[1].nlog = TLB_LOG + 1;
		mmu_flush_set(set);
		cpu->tlb_sets[tag] = set;
	}
	cpu->tset = cpu->tlb_sets[tag];
	cpu->tlb = cpu->tset->mode;
	return 0;
}

void mmu_tlb_logged(struct tlb *t, uint32_t va)
{
	if (t->nlog < TLB_LOG)
		t->log[t->nlog] = (uint16_t)((va >> 12) & (TLB_SIZE - 1));
	if (t->nlog <= TLB_LOG)
		t->nlog++;
}

static void mmu_flush_page_set(struct tlb_set *set, uint32_t va)
{
	if (set->mega) {
		mmu_flush_set(set);
		return;
	}
	unsigned i = (va >> 12) & (TLB_SIZE - 1);
	for (int m = 0; m < 2; m++)
		mmu_flush_slot(&set->mode[m], i);
}

void mmu_flush_page(struct cpu *cpu, uint32_t va)
{
	mmu_flush_page_set(cpu->tset, va);
}

void mmu_flush_page_tag(struct cpu *cpu, unsigned tag, uint32_t va)
{
	if (tag < TLB_TAGS && cpu->tlb_sets[tag])
		mmu_flush_page_set(cpu->tlb_sets[tag], va);
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
		mmu_tlb_fill(cpu, &cpu->tlb[cpu->csr.priv].read[(va >> 12) & (TLB_SIZE - 1)], va,
			     pa, 0);
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
