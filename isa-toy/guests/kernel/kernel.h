/*
 * kernel.h -- things every part of the kernel uses: sizes, the console
 * printf, panic, and the few string functions a freestanding kernel needs.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include "kernel/types.h"

#define PAGE_SIZE	   4096u
#define PAGE_ROUND_UP(a)   (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(a) ((a) & ~(PAGE_SIZE - 1))
#define ARRAY_SIZE(a)	   (sizeof(a) / sizeof((a)[0]))

/* lib.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
size_t strlcpy(char *dst, const char *src, size_t size);

/* virt.c: the PUSHF/POPF demonstrations. */
int virt_critical(uint32_t rounds, uint32_t *lost);
int virt_probe(void);
void virt_timer_tick(void);

/* printf.c: formatted output to the console (%d %u %x %s %c %p %%). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* panic: print "panic: ..." and power the machine off with a failure
 * status; never returns. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Symbols from the linker script (kernel.ld). */
extern char kernel_start[], kernel_text_end[], kernel_end[];

#endif
