/*
 * vm.c -- building and changing Sv32 page tables.  See vm.h for the
 * layout and the PTE format.
 */
#include "kernel/kalloc.h"
#include "kernel/riscv.h"
#include "kernel/vm.h"

static pte_t *vm_kroot;

pte_t *vm_walk(pte_t *root, uint32_t va, bool alloc)
{
	pte_t *pde = &root[VM_VPN1(va)];

	if (!(*pde & PTE_V)) {
		if (!alloc)
			return NULL;
		pte_t *table = kalloc();
		if (!table)
			return NULL;
		/* A non-leaf entry: V set, R=W=X=0, pointing at the table. */
		*pde = PTE_MAKE(table, PTE_V);
	}
	if (*pde & (PTE_R | PTE_W | PTE_X))
		return NULL; /* a megapage: no second level */
	pte_t *table = (pte_t *)PTE_PA(*pde);
	return &table[VM_VPN0(va)];
}

int vm_map(pte_t *root, uint32_t va, uint32_t pa, uint32_t flags)
{
	pte_t *pte = vm_walk(root, va, true);
	if (!pte || (*pte & PTE_V))
		return -1;
	*pte = PTE_MAKE(pa, flags | PTE_V);
	return 0;
}

void vm_unmap(pte_t *root, uint32_t va)
{
	pte_t *pte = vm_walk(root, va, false);
	if (!pte || !(*pte & PTE_V))
		return;
	kfree((void *)PTE_PA(*pte));
	*pte = 0;
	/* The TLB may still hold the old translation: drop it before the
	 * frame can be handed to someone else and reached through it. */
	vm_flush_page(va);
}

/* vm_kmap_range: map [va, va+size) -> [pa, ...) in the kernel table. */
static void vm_kmap_range(uint32_t va, uint32_t pa, uint32_t size, uint32_t flags)
{
	for (uint32_t off = 0; off < size; off += PAGE_SIZE)
		if (vm_map(vm_kroot, va + off, pa + off, flags | PTE_G | PTE_A | PTE_D) < 0)
			panic("vm: cannot map kernel page %p", (void *)(va + off));
}

void vm_kernel_init(uint32_t ram_base, uint32_t ram_end, uint32_t uart_pa, uint32_t plic_pa,
		    int nkstacks)
{
	uint32_t text_end = PAGE_ROUND_UP((uint32_t)kernel_text_end);

	vm_kroot = kalloc();
	if (!vm_kroot)
		panic("vm: no memory for the kernel page table");
	/* The kernel's code: readable and executable, never writable. */
	vm_kmap_range(ram_base, ram_base, text_end - ram_base, PTE_R | PTE_X);
	/* Everything else in RAM: data, page tables, user frames. */
	vm_kmap_range(text_end, text_end, ram_end - text_end, PTE_R | PTE_W);
	/* Devices, at fixed windows high up (see vm.h). */
	vm_kmap_range(VM_UART, uart_pa, PAGE_SIZE, PTE_R | PTE_W);
	vm_kroot[VM_VPN1(VM_PLIC)] =
		PTE_MAKE(plic_pa, PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D);
	/* Kernel stacks, each with an unmapped guard page below it: running
	 * off the bottom of a stack faults instead of corrupting memory. */
	for (int i = 0; i < nkstacks; i++)
		for (int pg = 0; pg < VM_KSTACK_PAGES; pg++) {
			void *frame = kalloc();
			if (!frame)
				panic("vm: no memory for kernel stacks");
			vm_kmap_range(VM_KSTACK(i) + pg * PAGE_SIZE, (uint32_t)frame, PAGE_SIZE,
				      PTE_R | PTE_W);
		}
}

pte_t *vm_kernel_root(void)
{
	return vm_kroot;
}

void vm_switch(pte_t *root)
{
	/* Writing satp changes the address space; the sfence.vma after it
	 * makes sure no translation of the old space is used any more. */
	csr_write(satp, SATP_MAKE(root));
	__asm__ volatile("sfence.vma zero, zero" : : : "memory");
}

void vm_flush_page(uint32_t va)
{
	__asm__ volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}

pte_t *vm_user_create(void)
{
	pte_t *root = kalloc();
	if (!root)
		return NULL;
	/* Share the kernel half: copy the root entries, so both tables point
	 * at the same second-level tables (built once, at boot). */
	for (uint32_t i = VM_VPN1(VM_KERNEL_BASE); i < 1024; i++)
		root[i] = vm_kroot[i];
	return root;
}

void vm_user_free(pte_t *root)
{
	for (uint32_t i = 0; i < VM_VPN1(VM_KERNEL_BASE); i++) {
		if (!(root[i] & PTE_V))
			continue;
		pte_t *table = (pte_t *)PTE_PA(root[i]);
		for (uint32_t j = 0; j < 1024; j++)
			if (table[j] & PTE_V)
				kfree((void *)PTE_PA(table[j]));
		kfree(table);
	}
	kfree(root);
}
