/*
 * fuzz_x86boot.c -- libFuzzer target for the x86 boot's checks of outside
 * input: vtx_bzimage_parse on a fuzzed bzImage, then vtx_boot_place with a
 * fuzzed --mem, initrd size and command line, then (when the guest is
 * small enough to have here) vtx_boot_load into a fake guest RAM.
 *
 * Input layout (little endian), everything after it is the bzImage:
 *
 *   0  u64  guest memory size (--mem)
 *   8  u64  initrd size
 *  16  u8   flags: bit 0 there is an initrd, bit 1 write ACPI tables
 *  17  u16  n, then n bytes: the command line (up to its first NUL)
 *
 * An accepted placement must keep every piece inside low RAM and apart:
 * kernel (1 MiB + init_size), zero page, command line, initrd; the initrd
 * page aligned, above the kernel, ending at or below initrd_addr_max.  A
 * refusal must be one line.  The real load writes into a RAM buffer with
 * an inaccessible guard page after it, so a copy past the end faults.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "x86-vtx/boot.h"
#include "x86-vtx/layout.h"

#define FUZZ_RAM_SIZE (16ull << 20) /* guests up to this size are really loaded */
#define FUZZ_HDR      19

static uint8_t *fuzz_ram;    /* FUZZ_RAM_SIZE bytes, then a guard page */
static uint8_t *fuzz_initrd; /* FUZZ_RAM_SIZE bytes of zeros to copy from */
static struct vtx_vm fuzz_vm;

static void fuzz_fail(const char *what, const struct vtx_boot_place *p)
{
	fprintf(stderr,
		"fuzz_x86boot: %s: low_end %#llx kernel [%#llx,%#llx) zp [%#llx,%#llx) "
		"cmdline [%#llx,%#llx) initrd [%#llx,%#llx)\n",
		what, (unsigned long long)p->low_end, (unsigned long long)p->kernel,
		(unsigned long long)p->kernel_end, (unsigned long long)p->zeropage,
		(unsigned long long)p->zeropage_end, (unsigned long long)p->cmdline,
		(unsigned long long)p->cmdline_end, (unsigned long long)p->initrd,
		(unsigned long long)p->initrd_end);
	abort();
}

/* Half-open ranges [s1,e1) and [s2,e2) share a byte (or an empty one
 * sits strictly inside the other). */
static int fuzz_overlap(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

static void fuzz_check(const struct vtx_bzimage *bz, uint64_t mem, uint64_t cl, int has_initrd,
		       uint64_t isize, const struct vtx_boot_place *p)
{
	uint64_t r[4][2] = { { p->kernel, p->kernel_end },
			     { p->zeropage, p->zeropage_end },
			     { p->cmdline, p->cmdline_end },
			     { p->initrd, p->initrd_end } };
	has_initrd = has_initrd && isize; /* an empty initrd is placed as none */
	int n = has_initrd ? 4 : 3;
	if (p->low_end > mem || p->low_end > VTX_LOW_RAM_MAX)
		fuzz_fail("low RAM beyond --mem or the PCI hole", p);
	for (int i = 0; i < n; i++) {
		if (r[i][0] > r[i][1] || r[i][1] > p->low_end)
			fuzz_fail("a range outside low RAM", p);
		for (int j = 0; j < i; j++)
			if (fuzz_overlap(r[i][0], r[i][1], r[j][0], r[j][1]))
				fuzz_fail("two ranges overlap", p);
	}
	if (p->kernel != VTX_KERNEL || p->kernel_end - p->kernel < bz->kernel_size ||
	    p->kernel_end - p->kernel < bz->init_size)
		fuzz_fail("the kernel's room is not 1 MiB + init_size", p);
	if (p->cmdline_end - p->cmdline != cl + 1 || cl > bz->cmdline_max || cl >= VTX_CMDLINE_MAX)
		fuzz_fail("a command line longer than allowed", p);
	if (p->hdr_len > bz->hdr_len || p->hdr_len > sizeof(struct setup_header))
		fuzz_fail("a header copy larger than struct setup_header", p);
	if (has_initrd &&
	    (p->initrd & 0xfff || p->initrd < p->kernel_end || p->initrd_end - p->initrd != isize ||
	     p->initrd_end - 1 > bz->initrd_addr_max || p->initrd > UINT32_MAX))
		fuzz_fail("an initrd misplaced", p);
	if (!has_initrd && (p->initrd || p->initrd_end))
		fuzz_fail("an initrd range without an initrd", p);
}

/* Load for real into the fake VM and compare the zero page with `p`. */
static void fuzz_load(const struct vtx_bzimage *bz, uint64_t mem, const char *cmdline,
		      int has_initrd, uint64_t isize, int acpi, const struct vtx_boot_place *p)
{
	fuzz_vm.mem_size = mem;
	fuzz_vm.ncpus = 1;
	fuzz_vm.nslots = 1;
	/* RAM ends right at the guard page */
	fuzz_vm.slots[0] = (struct vtx_slot){ 0, mem, fuzz_ram + FUZZ_RAM_SIZE - mem };
	struct vtx_boot_args a = { has_initrd ? fuzz_initrd : NULL, isize, cmdline, acpi };
	if (vtx_boot_load(&fuzz_vm, bz, &a) != 0)
		fuzz_fail("vtx_boot_load refused what vtx_boot_place accepted", p);
	const uint8_t *m = fuzz_vm.slots[0].hva;
	const struct boot_params *bp = (const void *)(m + p->zeropage);
	if (bp->hdr.cmd_line_ptr != p->cmdline || strcmp((const char *)m + p->cmdline, cmdline) ||
	    bp->hdr.ramdisk_image != p->initrd || bp->hdr.ramdisk_size != (has_initrd ? isize : 0))
		fuzz_fail("the zero page disagrees with the placement", p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	if (!fuzz_ram) {
		uint8_t *m = mmap(NULL, FUZZ_RAM_SIZE + page, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		fuzz_initrd = mmap(NULL, FUZZ_RAM_SIZE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED || fuzz_initrd == MAP_FAILED ||
		    mprotect(m, FUZZ_RAM_SIZE, PROT_READ | PROT_WRITE))
			abort();
		fuzz_ram = m;
	}
	if (size < FUZZ_HDR)
		return 0;
	uint64_t mem, isize;
	uint16_t n;
	memcpy(&mem, data, 8);
	memcpy(&isize, data + 8, 8);
	int has_initrd = data[16] & 1, acpi = (data[16] >> 1) & 1;
	memcpy(&n, data + 17, 2);
	if (n > size - FUZZ_HDR)
		n = (uint16_t)(size - FUZZ_HDR);
	char *cmdline = strndup((const char *)data + FUZZ_HDR, n);
	/* The bzImage: an exact-size copy, so that any read past it is caught. */
	size_t fsize = size - FUZZ_HDR - n;
	uint8_t *file = malloc(fsize ? fsize : 1);
	if (!cmdline || !file)
		abort();
	memcpy(file, data + FUZZ_HDR + n, fsize);

	struct vtx_bzimage bz;
	if (vtx_bzimage_parse("fuzz", file, fsize, &bz) == 0) {
		struct vtx_boot_place p;
		char err[200] = "";
		uint64_t cl = strlen(cmdline);
		if (vtx_boot_place(&bz, mem, cl, has_initrd, isize, &p, err, sizeof(err)) == 0) {
			fuzz_check(&bz, mem, cl, has_initrd, isize, &p);
			if (mem <= FUZZ_RAM_SIZE)
				fuzz_load(&bz, mem, cmdline, has_initrd, isize, acpi, &p);
		} else if (!err[0] || strchr(err, '\n')) {
			fprintf(stderr, "fuzz_x86boot: a refusal not in one line: \"%s\"\n", err);
			abort();
		}
	}
	free(file);
	free(cmdline);
	return 0;
}
