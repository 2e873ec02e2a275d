/*
 * tvt_mmu.c -- TVT's two-stage translation: the guest's Sv32 walk, with
 * every guest-physical address in it -- each page-table entry's and the
 * final one -- walked again through the monitor's second-stage table.
 *
 * Counting the memory references of one TLB miss with 4 KiB pages at
 * both stages (the "2D walk" of Bhargava et al., ASPLOS 2008):
 *
 *      guest root PTE:  2 second-stage refs to find it, 1 to read it
 *      guest leaf PTE:  2 second-stage refs to find it, 1 to read it
 *      final GPA:       2 second-stage refs
 *                       = (2+1) x (2+1) - 1 = 8   (native Sv32: 2)
 *
 * Real hardware caches second-stage translations to cut this down; TVT
 * does not, so the count is the worst case every time.
 */
#include "isa-toy/tvt.h"

static uint8_t *tvt_machine_pte(void *cpu, uint64_t mpa)
{
	return mmu_ram_ptr(cpu, mpa, 4);
}

int tvt_stage2_walk(struct cpu *cpu, uint32_t root, uint32_t gpa, enum mmu_access access,
		    uint64_t *mpa, unsigned *refs)
{
	/* The second stage is an Sv32 table whose leaves must have U=1:
	 * every guest-physical access counts as a user access there, as on
	 * RISC-V's G-stage, so one walker serves both stages. */
	struct sv32_walk w;
	int cause = sv32_walk(tvt_machine_pte, cpu, SATP_MODE_SV32 | (root >> 12), gpa, access,
			      PRIV_U, 0, &w);
	*refs += (unsigned)w.steps;
	if (cause)
		return -1;
	*mpa = w.pa;
	return 0;
}

/* The guest's walk reads its page-table entries through this: each
 * guest-physical PTE address goes through the second stage first. */
struct tvt_walk {
	struct cpu *cpu;
	unsigned refs;	   /* second-stage references made */
	bool fault;	   /* a PTE's address had no second-stage mapping */
	uint32_t gpa;	   /* ... this one */
	uint64_t last_mpa; /* machine address of the last PTE read */
};

static uint8_t *tvt_guest_pte(void *ctx, uint64_t gpa)
{
	struct tvt_walk *t = ctx;
	uint64_t mpa;
	if (gpa > 0xffffffffu || tvt_stage2_walk(t->cpu, t->cpu->tvt->ctl.s2_root, (uint32_t)gpa,
						 ACCESS_READ, &mpa, &t->refs)) {
		t->fault = true;
		t->gpa = (uint32_t)gpa;
		return NULL;
	}
	t->last_mpa = mpa;
	return mmu_ram_ptr(t->cpu, mpa, 4);
}

static int tvt_npf(struct cpu *cpu, uint32_t gva, uint32_t gpa, uint32_t qual)
{
	tvt_exit(cpu, TVT_EXIT_npf, qual, tvt_current_insn(cpu));
	cpu->tvt->exit.gva = gva;
	cpu->tvt->exit.gpa = gpa;
	return (int)CPU_CAUSE_VMEXIT;
}

int tvt_translate(struct cpu *cpu, uint32_t va, enum mmu_access access, uint64_t *pa)
{
	uint64_t gpa = va; /* the guest's paging off: virtual = guest-physical */
	if (cpu->csr.satp & SATP_MODE_SV32) {
		struct tvt_walk t = { .cpu = cpu };
		struct sv32_walk w;
		int cause = sv32_walk(tvt_guest_pte, &t, cpu->csr.satp, va, access, cpu->csr.priv,
				      cpu->csr.sstatus, &w);
		cpu->walk_refs += t.refs + (uint64_t)w.steps;
		if (t.fault)
			return tvt_npf(cpu, va, t.gpa, (uint32_t)access | TVT_NPF_WALK);
		if (cause)
			return cause; /* the guest's own fault: the guest's business */
		cpu_code_written(cpu, t.last_mpa, 4); /* A/D may have changed a word */
		if (w.level == 1)
			cpu->tset->mega = true;
		gpa = w.pa;
	}
	unsigned refs = 0;
	uint64_t mpa;
	int bad = gpa > 0xffffffffu ||
		  tvt_stage2_walk(cpu, cpu->tvt->ctl.s2_root, (uint32_t)gpa, access, &mpa, &refs);
	cpu->walk_refs += refs;
	if (bad)
		return tvt_npf(cpu, va, (uint32_t)gpa, (uint32_t)access);
	*pa = mpa;
	return 0;
}
