/*
 * vm.h -- Sv32 page tables and the kernel's virtual memory layout.
 *
 * Every process has its own page table; the upper half of each (the
 * kernel, 0x80000000 and up) points at the same second-level tables, so
 * the kernel is mapped identically in every address space and a trap
 * needs no page-table switch.  U=1 marks the pages a program may touch.
 *
 *   0xFFFFFFFF +----------------------------+
 *              | PLIC (4 MiB megapage)      | VM_PLIC = 0xF0400000
 *              | DMA copy engine (one page) | VM_DMA = 0xF000A000
 *              | emulated disk (one page)   | VM_PIODISK = 0xF0009000
 *              | virtio-mmio slots, a page   | VM_VIRTIO(n) = 0xF0001000
 *              | each (up to 8)             |   + n * 4096
 *              | UART (one page)            | VM_UART = 0xF0000000
 *   0xF0000000 +----------------------------+
 *              | kernel stacks, one per     | VM_KSTACK(i): 2 pages each,
 *              | process slot, each with an | below each an unmapped
 *              | unmapped guard page below  | guard page
 *   0xE0000000 +----------------------------+
 *              | RAM, identity mapped       | kernel text R-X,
 *              | (virtual = physical)       | the rest RW-, U=0
 *   0x80000000 +----------------------------+ ---- kernel above, user below
 *              | guard page (unmapped)      |
 *   0x7FFFF000 +----------------------------+ VM_USTACK_TOP
 *              | user stack, 4 pages        | U=1 RW-
 *              | guard page (unmapped)      |
 *              +----------------------------+ VM_UHEAP_MAX
 *              | heap, grows up with sbrk;  | U=1 RW-, pages allocated
 *              | demand-zero                | on the first touch
 *              +----------------------------+ the program's end
 *              | program: text, data, bss   | U=1, R-X / RW- from the ELF
 *   0x00001000 +----------------------------+
 *              | guard page: NULL faults    |
 *   0x00000000 +----------------------------+
 *
 * A Sv32 page-table entry (PTE):
 *
 *   31                 20 19             10 9  8 7 6 5 4 3 2 1 0
 *  +---------------------+-----------------+----+-+-+-+-+-+-+-+-+
 *  |       PPN[1]        |     PPN[0]      |RSW |D|A|G|U|X|W|R|V|
 *  +---------------------+-----------------+----+-+-+-+-+-+-+-+-+
 *
 * A virtual address: VPN[1] (10 bits) picks the entry of the root table,
 * VPN[0] (10 bits) the entry of the second-level table, then 12 bits of
 * offset.  A root entry with R, W or X set is a 4 MiB megapage leaf.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include "kernel/kernel.h"

typedef uint32_t pte_t;

#define PTE_V		    (1u << 0) /* valid */
#define PTE_R		    (1u << 1) /* readable */
#define PTE_W		    (1u << 2) /* writable */
#define PTE_X		    (1u << 3) /* executable */
#define PTE_U		    (1u << 4) /* user mode may access */
#define PTE_G		    (1u << 5) /* global: in every address space */
#define PTE_A		    (1u << 6) /* accessed (set by the hardware) */
#define PTE_D		    (1u << 7) /* dirty (set by the hardware) */
#define PTE_PA(pte)	    (((pte) >> 10) << 12)
#define PTE_MAKE(pa, flags) ((((uint32_t)(pa) >> 12) << 10) | (flags))
#define VM_VPN1(va)	    (((uint32_t)(va) >> 22) & 0x3ff)
#define VM_VPN0(va)	    (((uint32_t)(va) >> 12) & 0x3ff)
#define VM_MEGAPAGE	    (1u << 22)

#define VM_KERNEL_BASE	0x80000000u
#define VM_KSTACK_BASE	0xE0000000u
#define VM_KSTACK_PAGES 2
#define VM_KSTACK(i) \
	(VM_KSTACK_BASE + (uint32_t)(i) * (VM_KSTACK_PAGES + 1) * PAGE_SIZE + PAGE_SIZE)
#define VM_UART		0xF0000000u
#define VM_VIRTIO(n)	(0xF0001000u + (uint32_t)(n)*PAGE_SIZE) /* n < 8 */
#define VM_PIODISK	0xF0009000u
#define VM_DMA		0xF000A000u
#define VM_PLIC		0xF0400000u
#define VM_USER_BASE	0x00001000u
#define VM_USTACK_TOP	0x7FFFF000u
#define VM_USTACK_PAGES 4
#define VM_UHEAP_MAX	(VM_USTACK_TOP - (VM_USTACK_PAGES + 1) * PAGE_SIZE)

/* vm_kernel_init: build the kernel page table: RAM [ram_base, ram_end),
 * the UART and PLIC windows, `nkstacks` kernel stacks.  Paging stays off. */
void vm_kernel_init(uint32_t ram_base, uint32_t ram_end, uint32_t uart_pa, uint32_t plic_pa,
		    int nkstacks);
/* vm_kernel_map_mmio: map one page of device registers at `va` -> `pa`
 * in the kernel table (after vm_kernel_init, before vm_switch). */
void vm_kernel_map_mmio(uint32_t va, uint32_t pa);
/* vm_kernel_root: the kernel's own page table. */
pte_t *vm_kernel_root(void);
/* vm_switch: make `root` the current page table (satp, then sfence.vma). */
void vm_switch(pte_t *root);
/* vm_flush_page: forget any cached translation of `va` (sfence.vma va). */
void vm_flush_page(uint32_t va);
/* vm_sync: with PARAVIRT, hand the queued page-table writes and flushes
 * to the monitor now (see vm.c); the strict kernel has nothing queued. */
#ifdef PARAVIRT
void vm_sync(void);
#else
static inline void vm_sync(void) {}
#endif

/* vm_walk: the leaf PTE for `va` in `root`; with `alloc`, create the
 * second-level table if missing.  NULL if absent (or out of memory). */
pte_t *vm_walk(pte_t *root, uint32_t va, bool alloc);
/* vm_map: map one page va -> pa with `flags` (R W X U G ...); 0 on
 * success, -1 if out of memory or va is already mapped. */
int vm_map(pte_t *root, uint32_t va, uint32_t pa, uint32_t flags);
/* vm_pte_write: *pte = val, the way this kernel writes its page tables
 * (a plain store; with PARAVIRT, queued for the monitor).  No TLB flush:
 * the caller does vm_flush_page() when it is done.  For the ptewrite
 * microbenchmark (micro.c), which times exactly this write. */
void vm_pte_write(pte_t *pte, pte_t val);
/* vm_unmap: remove the page at va (if mapped), free its frame, flush. */
void vm_unmap(pte_t *root, uint32_t va);

/* vm_user_create: a new address space: empty user half, shared kernel
 * half.  NULL if out of memory. */
pte_t *vm_user_create(void);
/* vm_user_free: free every user page and table of `root`, and root. */
void vm_user_free(pte_t *root);

#endif
