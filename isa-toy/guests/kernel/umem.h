/*
 * umem.h -- a process's user memory: loading its program, its stack and
 * arguments, the heap (sbrk, demand-zero faults), and copying between
 * kernel and user memory.  The kernel never dereferences a user pointer:
 * it looks the address up in the process's page table, checks U=1 and
 * the permission, and uses the physical page (RAM is identity-mapped).
 */
#ifndef KERNEL_UMEM_H
#define KERNEL_UMEM_H

#include "kernel/proc.h"

/* umem_load_elf: map and fill the PT_LOAD segments of the ELF image
 * [elf, elf+len); sets p->heap_start/brk; *entry = its entry point.
 * 0, or -1 for a bad image or no memory. */
int umem_load_elf(struct proc *p, const uint8_t *elf, uint32_t len, uint32_t *entry);
/* umem_setup_stack: map the user stack and copy argv onto it (C style:
 * the strings, then the NULL-terminated pointer array).  Returns the
 * initial sp and the user address of argv in *argv_va, or 0. */
uint32_t umem_setup_stack(struct proc *p, int argc, char *const argv[], uint32_t *argv_va);
/* umem_sbrk: move the end of the heap by delta bytes; returns the old
 * end, or (uint32_t)-1 if that leaves [heap_start, VM_UHEAP_MAX). */
uint32_t umem_sbrk(struct proc *p, int delta);
/* umem_fault: a page fault at va in user mode.  If va is in the heap and
 * not yet mapped, map a fresh zeroed page (demand-zero) and return 0;
 * UMEM_FAULT_NOMEM if that needs memory there is none of; otherwise -1
 * (a real fault). */
#define UMEM_FAULT_NOMEM (-2)
int umem_fault(struct proc *p, uint32_t va);
/* umem_copyout / umem_copyin: copy n bytes to / from user address va;
 * 0, or -1 if some page is not the program's to write / read. */
int umem_copyout(struct proc *p, uint32_t va, const void *src, uint32_t n);
int umem_copyin(struct proc *p, void *dst, uint32_t va, uint32_t n);
/* umem_copyinstr: copy a NUL-terminated string of at most max-1 chars;
 * its length, or -1 (bad address or too long). */
int umem_copyinstr(struct proc *p, char *dst, uint32_t va, uint32_t max);

#endif
