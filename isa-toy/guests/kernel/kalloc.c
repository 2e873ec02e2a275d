/*
 * kalloc.c -- physical pages.  Every free page stores, in its first word,
 * a pointer to the next free page: the list costs no memory of its own.
 * RAM is identity-mapped in the kernel's page table (virtual address =
 * physical address), so a page's address is usable directly.
 */
#include "kernel/intr.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"

struct kalloc_page {
	struct kalloc_page *next;
};

static struct kalloc_page *kalloc_list;
static uint32_t kalloc_nfree;
static uintptr_t kalloc_lo, kalloc_hi; /* the managed range, for checks */

void kalloc_init(uintptr_t start, uintptr_t end)
{
	kalloc_lo = PAGE_ROUND_UP(start);
	kalloc_hi = PAGE_ROUND_DOWN(end);
	/* Free from the top down so that the list hands out low pages first. */
	for (uintptr_t pa = kalloc_hi; pa > kalloc_lo; pa -= PAGE_SIZE)
		kfree((void *)(pa - PAGE_SIZE));
}

void *kalloc_dirty(void)
{
	/* The list is shared by every process and by the balloon's
	 * interrupt handler: keep interrupts out while we unlink. */
	uint32_t s = intr_save();
	struct kalloc_page *p = kalloc_list;
	if (p) {
		kalloc_list = p->next;
		kalloc_nfree--;
	}
	intr_restore(s);
	return p;
}

void *kalloc(void)
{
	void *p = kalloc_dirty();
	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

void kfree(void *page)
{
	uintptr_t pa = (uintptr_t)page;
	if (pa % PAGE_SIZE || pa < kalloc_lo || pa >= kalloc_hi)
		panic("kfree: bad page %p", page);
	struct kalloc_page *p = page;
	uint32_t s = intr_save();
	p->next = kalloc_list;
	kalloc_list = p;
	kalloc_nfree++;
	intr_restore(s);
}

uint32_t kalloc_free_pages(void)
{
	return kalloc_nfree;
}
