/*
 * place.c -- decide where the pieces of a Linux boot go in guest RAM, and
 * refuse inputs that do not fit, before anything is written.
 *
 * Every number here comes from outside trapvisor: the bzImage's setup
 * header (init_size, initrd_addr_max, cmdline_size, the header's own
 * length), the size of the user's initrd, the length of the command line
 * built from --append, and --mem.  So this is a pure function of those
 * numbers, unit-tested (tests/x86/x86_unit.c) and fuzzed (tests/fuzz/
 * fuzz_x86boot.c) without KVM; vtx_boot_load (zeropage.c) only copies.
 *
 *   0x7000    zero page            fixed (layout.h)
 *   0x20000   command line + NUL   at most min(cmdline_size, 4095) bytes
 *   1 MiB     kernel ... 1 MiB + init_size   (init_size >= the kernel's bytes)
 *             ... gap ...
 *   initrd    page aligned, its last byte <= initrd_addr_max, and as high
 *             as that and the end of low RAM allow
 *   low_end   min(mem, 3 GiB): RAM stops at the PCI hole
 *
 * All sums are done in 64 bits on values of at most 32 bits (init_size,
 * initrd_addr_max) or after a comparison that rules out wrapping, so no
 * size, however large, can make a range wrap around.
 */
#include <stdio.h>
#include <string.h>

#include "x86-vtx/boot.h"
#include "x86-vtx/layout.h"

#define PLACE_PAGE_MASK 0xfffULL

int vtx_boot_place(const struct vtx_bzimage *bz, uint64_t mem_size, uint64_t cmdline_len,
		   int has_initrd, uint64_t initrd_size, struct vtx_boot_place *p, char *err,
		   size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->low_end = mem_size < VTX_LOW_RAM_MAX ? mem_size : VTX_LOW_RAM_MAX;

	/* 1. The kernel at 1 MiB.  vtx_bzimage_parse promises a non-empty
	 * kernel and init_size >= its size; a caller that breaks the promise
	 * gets an answer, not an overlap. */
	if (bz->kernel_size == 0 || bz->kernel_size > bz->init_size) {
		snprintf(err, errlen, "the kernel (%zu bytes) is empty or larger than init_size %u",
			 bz->kernel_size, bz->init_size);
		return -1;
	}
	p->kernel = VTX_KERNEL;
	p->kernel_end = VTX_KERNEL + bz->init_size; /* a u32 added in 64 bits */
	if (p->kernel_end > p->low_end) {
		snprintf(err, errlen,
			 "the kernel needs %u MiB from 1 MiB (init_size 0x%x) and RAM ends at "
			 "0x%llx; give the guest more --mem",
			 (unsigned)(bz->init_size >> 20) + 1, bz->init_size,
			 (unsigned long long)p->low_end);
		return -1;
	}

	/* 2. The zero page, and how much of the header goes into it: the
	 * header's length byte (0x201) may claim up to 0x110 bytes, but only
	 * struct setup_header belongs to the kernel; what follows it in the
	 * zero page (edd_mbr_sig_buffer, e820_table) is the loader's to fill. */
	p->zeropage = VTX_ZEROPAGE;
	p->zeropage_end = VTX_ZEROPAGE + sizeof(struct boot_params);
	p->hdr_len =
	    bz->hdr_len < sizeof(struct setup_header) ? bz->hdr_len : sizeof(struct setup_header);

	/* 3. The command line: the kernel's cmdline_size (without the NUL)
	 * and our own buffer at VTX_CMDLINE, whichever is smaller. */
	uint64_t cl_max =
	    bz->cmdline_max < VTX_CMDLINE_MAX - 1 ? bz->cmdline_max : VTX_CMDLINE_MAX - 1;
	if (cmdline_len > cl_max) {
		snprintf(err, errlen,
			 "the command line is %llu bytes; this kernel takes at most %llu",
			 (unsigned long long)cmdline_len, (unsigned long long)cl_max);
		return -1;
	}
	p->cmdline = VTX_CMDLINE;
	p->cmdline_end = VTX_CMDLINE + cmdline_len + 1;

	/* 4. The initrd, as high as allowed: its last byte at most
	 * initrd_addr_max, inside low RAM, page aligned, above the kernel's
	 * init_size (the kernel decompresses itself in there). */
	if (!has_initrd || initrd_size == 0)
		return 0; /* an empty initrd is no initrd: ramdisk_size 0 */
	uint64_t top = (uint64_t)bz->initrd_addr_max + 1; /* a u32 + 1 in 64 bits */
	if (top <= p->kernel_end) {
		snprintf(err, errlen,
			 "this kernel's initrd_addr_max 0x%x lies below the end of its init_size "
			 "(0x%llx): there is no place for an initrd",
			 bz->initrd_addr_max, (unsigned long long)p->kernel_end);
		return -1;
	}
	if (top > p->low_end)
		top = p->low_end;
	/* top > kernel_end here unless RAM ends right at the kernel, so the
	 * subtraction cannot wrap; and initrd_size <= top - kernel_end rules
	 * out every overflow of top - initrd_size below. */
	if (top < p->kernel_end || initrd_size > top - p->kernel_end ||
	    ((top - initrd_size) & ~PLACE_PAGE_MASK) < p->kernel_end) {
		snprintf(err, errlen,
			 "the initrd (%llu KiB) does not fit between the kernel (0x%llx) and "
			 "0x%llx (initrd_addr_max or end of RAM); give the guest more --mem",
			 (unsigned long long)(initrd_size >> 10), (unsigned long long)p->kernel_end,
			 (unsigned long long)top);
		return -1;
	}
	p->initrd = (top - initrd_size) & ~PLACE_PAGE_MASK;
	p->initrd_end = p->initrd + initrd_size;
	return 0;
}
