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
/* kfree: give back a page that kalloc returned. */
void kfree(void *page);
/* kalloc_free_pages: how many pages are free (for tests of leaks). */
uint32_t kalloc_free_pages(void);

#endif
