/*
 * umem.c -- user memory; see umem.h.
 */
#include "kernel/kalloc.h"
#include "kernel/umem.h"

/* ELF32 as the RISC-V toolchain writes it (little-endian). */
struct umem_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct umem_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
#define UMEM_PT_LOAD  1
#define UMEM_PF_X     1
#define UMEM_PF_W     2
#define UMEM_PF_R     4
#define UMEM_EM_RISCV 243

/* umem_page: the kernel address of the page holding user address va,
 * if the program may access it (writing if `write`); NULL otherwise.
 * Touching an untouched heap page allocates it, as the hardware fault
 * would. */
static uint8_t *umem_page(struct proc *p, uint32_t va, bool write)
{
	if (va >= VM_KERNEL_BASE)
		return NULL;
	pte_t *pte = vm_walk(p->pagetable, va, false);
	if ((!pte || !(*pte & PTE_V)) && umem_fault(p, va) == 0)
		pte = vm_walk(p->pagetable, va, false);
	if (!pte || !(*pte & PTE_V) || !(*pte & PTE_U))
		return NULL;
	if (!(*pte & (write ? PTE_W : PTE_R)))
		return NULL;
	return (uint8_t *)PTE_PA(*pte);
}

int umem_copyout(struct proc *p, uint32_t va, const void *src, uint32_t n)
{
	const uint8_t *s = src;
	while (n > 0) {
		uint8_t *page = umem_page(p, va, true);
		if (!page)
			return -1;
		uint32_t off = va % PAGE_SIZE, chunk = PAGE_SIZE - off;
		if (chunk > n)
			chunk = n;
		memcpy(page + off, s, chunk);
		s += chunk, va += chunk, n -= chunk;
	}
	return 0;
}

int umem_copyin(struct proc *p, void *dst, uint32_t va, uint32_t n)
{
	uint8_t *d = dst;
	while (n > 0) {
		uint8_t *page = umem_page(p, va, false);
		if (!page)
			return -1;
		uint32_t off = va % PAGE_SIZE, chunk = PAGE_SIZE - off;
		if (chunk > n)
			chunk = n;
		memcpy(d, page + off, chunk);
		d += chunk, va += chunk, n -= chunk;
	}
	return 0;
}

int umem_copyinstr(struct proc *p, char *dst, uint32_t va, uint32_t max)
{
	for (uint32_t i = 0; i < max; i++, va++) {
		uint8_t *page = umem_page(p, va, false);
		if (!page)
			return -1;
		dst[i] = (char)page[va % PAGE_SIZE];
		if (!dst[i])
			return (int)i;
	}
	return -1;
}

/* umem_map_new: map a fresh zeroed page at va with `flags`. */
static int umem_map_new(struct proc *p, uint32_t va, uint32_t flags)
{
	void *frame = kalloc();
	if (!frame)
		return -1;
	if (vm_map(p->pagetable, va, (uint32_t)frame, flags) < 0) {
		kfree(frame);
		return -1;
	}
	return 0;
}

int umem_load_elf(struct proc *p, const uint8_t *elf, uint32_t len, uint32_t *entry)
{
	const struct umem_ehdr *eh = (const void *)elf;
	uint32_t end = VM_USER_BASE;

	/* Check everything the file says before believing it. */
	if (len < sizeof(*eh) || memcmp(eh->ident, "\177ELF\1\1", 6) ||
	    eh->machine != UMEM_EM_RISCV || eh->phentsize != sizeof(struct umem_phdr) ||
	    eh->phoff > len || eh->phnum > (len - eh->phoff) / sizeof(struct umem_phdr))
		return -1;
	for (int i = 0; i < eh->phnum; i++) {
		const struct umem_phdr *ph = (const void *)(elf + eh->phoff + i * sizeof(*ph));
		if (ph->type != UMEM_PT_LOAD || ph->memsz == 0)
			continue;
		if (ph->filesz > ph->memsz || ph->offset > len || ph->filesz > len - ph->offset ||
		    ph->vaddr < VM_USER_BASE || ph->vaddr >= VM_UHEAP_MAX ||
		    ph->memsz > VM_UHEAP_MAX - ph->vaddr)
			return -1;
		uint32_t flags = PTE_U;
		flags |= (ph->flags & UMEM_PF_R) ? PTE_R : 0;
		flags |= (ph->flags & UMEM_PF_W) ? PTE_W : 0;
		flags |= (ph->flags & UMEM_PF_X) ? PTE_X : 0;
		/* Map the pages of [vaddr, vaddr+memsz): fresh zero pages,
		 * so the part past filesz (the .bss) is already zero. */
		for (uint32_t va = PAGE_ROUND_DOWN(ph->vaddr); va < ph->vaddr + ph->memsz;
		     va += PAGE_SIZE) {
			pte_t *pte = vm_walk(p->pagetable, va, false);
			if (pte && (*pte & PTE_V))
				*pte |= flags; /* shared with the previous segment */
			else if (umem_map_new(p, va, flags) < 0)
				return -1;
		}
		/* Copy the file's bytes through the kernel's view of RAM. */
		for (uint32_t done = 0; done < ph->filesz;) {
			uint32_t va = ph->vaddr + done;
			pte_t *pte = vm_walk(p->pagetable, va, false);
			uint8_t *page = (uint8_t *)PTE_PA(*pte);
			uint32_t chunk = PAGE_SIZE - va % PAGE_SIZE;
			if (chunk > ph->filesz - done)
				chunk = ph->filesz - done;
			memcpy(page + va % PAGE_SIZE, elf + ph->offset + done, chunk);
			done += chunk;
		}
		if (ph->vaddr + ph->memsz > end)
			end = ph->vaddr + ph->memsz;
	}
	p->heap_start = p->brk = PAGE_ROUND_UP(end);
	*entry = eh->entry;
	return 0;
}

uint32_t umem_setup_stack(struct proc *p, int argc, char *const argv[], uint32_t *argv_va)
{
	uint32_t bottom = VM_USTACK_TOP - VM_USTACK_PAGES * PAGE_SIZE;
	uint32_t sp = VM_USTACK_TOP, ptrs[9];

	/* The page below `bottom` stays unmapped: the stack's guard page. */
	for (uint32_t va = bottom; va < VM_USTACK_TOP; va += PAGE_SIZE)
		if (umem_map_new(p, va, PTE_U | PTE_R | PTE_W) < 0)
			return 0;
	if (argc < 0 || argc >= (int)ARRAY_SIZE(ptrs))
		return 0;
	/* The strings first, at the top... */
	for (int i = 0; i < argc; i++) {
		uint32_t n = strlen(argv[i]) + 1;
		sp -= n;
		if (umem_copyout(p, sp, argv[i], n) < 0)
			return 0;
		ptrs[i] = sp;
	}
	ptrs[argc] = 0;
	/* ...then argv[], with sp 16-byte aligned as the ABI wants. */
	sp -= (argc + 1) * sizeof(uint32_t);
	sp &= ~15u;
	if (umem_copyout(p, sp, ptrs, (argc + 1) * sizeof(uint32_t)) < 0)
		return 0;
	*argv_va = sp;
	return sp;
}

uint32_t umem_sbrk(struct proc *p, int delta)
{
	uint32_t old = p->brk, new = old + (uint32_t)delta;

	if ((delta > 0 && (new < old || new > VM_UHEAP_MAX)) ||
	    (delta < 0 && (new > old || new < p->heap_start)))
		return (uint32_t)-1;
	/* Growing only moves the mark: pages come on the first touch
	 * (umem_fault).  Shrinking frees the pages now past the end; each
	 * vm_unmap() also flushes that page's TLB entry (sfence.vma). */
	for (uint32_t va = PAGE_ROUND_UP(new); va < PAGE_ROUND_UP(old); va += PAGE_SIZE)
		vm_unmap(p->pagetable, va);
	p->brk = new;
	return old;
}

int umem_fault(struct proc *p, uint32_t va)
{
	if (va < p->heap_start || va >= p->brk)
		return -1; /* not heap: a real fault */
	va = PAGE_ROUND_DOWN(va);
	pte_t *pte = vm_walk(p->pagetable, va, false);
	if (pte && (*pte & PTE_V))
		return -1; /* mapped already: a permission fault */
	if (umem_map_new(p, va, PTE_U | PTE_R | PTE_W) < 0)
		return UMEM_FAULT_NOMEM;
	/* The spec lets a hart remember that va was *invalid* (only the
	 * Svvptc extension promises otherwise), so fence before the
	 * instruction runs again.  It also tells a monitor with shadow page
	 * tables that this mapping changed. */
	vm_flush_page(va);
	return 0;
}
