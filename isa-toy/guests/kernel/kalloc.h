/*
 * kalloc.h -- the physical page allocator: a free list of 4 KiB pages.
 */
#ifndef KERNEL_KALLOC_H
#define KERNEL_KALLOC_H

#include "kernel/types.h"

/* kalloc_init: hand the pages of [start, end) to the allocator. */
void kalloc_init(uintptr_t start, uintptr_t end);
/* kalloc: one zeroed page, or NULL when memory is exhausted. */
void *kalloc(void);
/* kalloc_dirty: one page as it is, not cleared, or NULL: for a caller
 * that never reads it (the balloon: clearing a page only to give it away
 * would touch all of it, and under a monitor make it resident). */
void *kalloc_dirty(void);
/* kfree: give back a page that kalloc returned. */
void kfree(void *page);
/* kalloc_free_pages: how many pages are free (for tests of leaks). */
uint32_t kalloc_free_pages(void);

#endif
