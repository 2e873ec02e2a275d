/*
 * ram.c -- anonymous reservations for machine RAM (ram.h).
 */
#include "isa-toy/ram.h"

#include <stdio.h>
#include <sys/mman.h>

uint8_t *ram_reserve(size_t size)
{
	/* MAP_NORESERVE: do not charge the whole size against swap up
	 * front; the kernel maps a zero page until a page is written. */
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "trapvisor: cannot reserve %zu bytes of RAM\n", size);
		return NULL;
	}
	return p;
}

void ram_release(uint8_t *ram, size_t size)
{
	if (ram)
		munmap(ram, size);
}
