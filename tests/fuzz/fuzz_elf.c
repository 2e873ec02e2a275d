/*
 * fuzz_elf.c -- libFuzzer target for the guest ELF loader (elf_load).
 *
 * Each input is written to a memfd and loaded as a guest, the way
 * `trapvisor run FILE` would.  Guest RAM is a buffer with an inaccessible
 * guard page on each side, so a write outside RAM faults at once; the load
 * callback also checks every range the loader hands it and aborts if one
 * leaves RAM (the promise of elf_load.h: "every segment inside RAM").
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "isa-toy/elf_load.h"

#define FUZZ_RAM_BASE 0x80000000u
#define FUZZ_RAM_SIZE (16u << 20)

static uint8_t *fuzz_ram; /* FUZZ_RAM_SIZE bytes between two guard pages */

static int fuzz_load(void *ctx, uint32_t paddr, const void *src, uint32_t filesz, uint32_t memsz)
{
	(void)ctx;
	uint64_t off = (uint64_t)paddr - FUZZ_RAM_BASE;
	if (paddr < FUZZ_RAM_BASE || filesz > memsz || off + memsz > FUZZ_RAM_SIZE) {
		fprintf(stderr, "fuzz_elf: segment [%#x, +%#x) outside RAM\n", paddr, memsz);
		abort();
	}
	memcpy(fuzz_ram + off, src, filesz);
	memset(fuzz_ram + off + filesz, 0, memsz - filesz);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	if (!fuzz_ram) {
		uint8_t *m = mmap(NULL, FUZZ_RAM_SIZE + 2 * page, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED || mprotect(m + page, FUZZ_RAM_SIZE, PROT_READ | PROT_WRITE))
			abort();
		fuzz_ram = m + page;
	}
	int fd = memfd_create("fuzz-elf", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct elf_image img;
	if (elf_load(path, FUZZ_RAM_BASE, FUZZ_RAM_SIZE, fuzz_load, NULL, &img) == 0) {
		/* Use what the loader returned: symbols must be sorted and named. */
		for (size_t i = 0; i < img.nsyms; i++) {
			if (!img.syms[i].name || (i && img.syms[i - 1].addr > img.syms[i].addr))
				abort();
			if (elf_symbol_at(&img, img.syms[i].addr) == NULL)
				abort();
		}
		elf_image_free(&img);
	} else if (img.nsyms || img.syms) {
		abort(); /* a failed load leaves the image empty */
	}
	close(fd);
	return 0;
}
