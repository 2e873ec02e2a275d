/*
 * boot.h -- booting Linux on the x86 machine: the bzImage (bzimage.c), the
 * zero page and memory map (zeropage.c), ACPI tables (acpi.c) and the
 * 64-bit entry state (longmode.c).
 */
#ifndef X86_VTX_BOOT_H
#define X86_VTX_BOOT_H

#include <asm/bootparam.h> /* the kernel's own ABI: struct boot_params */
#include <stddef.h>
#include <stdint.h>

#include "x86-vtx/vtx.h"

struct vtx_bzimage {
	const uint8_t *file;		/* the whole file */
	const struct setup_header *hdr; /* inside file, at 0x1f1 */
	size_t hdr_len;			/* bytes of the header to copy */
	const uint8_t *kernel;		/* the protected/long-mode part */
	size_t kernel_size;
	uint16_t protocol;	  /* 0x20f = 2.15 */
	uint32_t init_size;	  /* memory the kernel needs at its load address */
	uint32_t initrd_addr_max; /* last byte of the initrd must be <= this */
	uint32_t cmdline_max;	  /* longest command line, without the NUL */
};

/* Read `path` into a malloc'd buffer.  Returns 0, or -1 with a message. */
int vtx_read_file(const char *path, const char *what, uint8_t **data, size_t *size);

/* Check that `file` is a bzImage we can boot through its 64-bit entry and
 * describe it in `bz` (pointers into `file`).  Returns 0, or -1 with a
 * one-line message naming `path`. */
int vtx_bzimage_parse(const char *path, const uint8_t *file, size_t size, struct vtx_bzimage *bz);

/* Everything a boot needs besides the kernel. */
struct vtx_boot_args {
	const uint8_t *initrd;
	size_t initrd_size;
	const char *cmdline;
	int use_acpi; /* 0: no ACPI tables (to watch a naive monitor hang) */
};

/* Where vtx_boot_load puts each piece in guest-physical memory.  Every
 * range is [start, end): inside low RAM (below min(mem, 3 GiB)), and no two
 * of kernel, zero page, command line and initrd overlap. */
struct vtx_boot_place {
	uint64_t low_end;		 /* end of the RAM below the PCI hole */
	uint64_t kernel, kernel_end;	 /* 1 MiB + init_size: the decompressor's room */
	uint64_t zeropage, zeropage_end; /* struct boot_params */
	uint64_t cmdline, cmdline_end;	 /* the command line and its NUL */
	uint64_t initrd, initrd_end;	 /* 0, 0 when there is no (or an empty) initrd */
	size_t hdr_len;			 /* bytes of the setup header to copy to the zero page */
};

/* The checks of everything that comes from outside (the bzImage's header,
 * the initrd's size, the command line's length, --mem) in one pure
 * function, so that they can be unit-tested and fuzzed without KVM.
 * `mem_size` is the guest's RAM; `has_initrd` says whether there is an
 * initrd (of `initrd_size` bytes; an empty one is placed as none).  The initrd goes as high as
 * initrd_addr_max and low RAM allow, page aligned, above the kernel.
 * Returns 0 and fills `p`, or -1 with a one-line reason (no newline,
 * no "x86: " prefix) in `err`.  Overflow-safe for any sizes. */
int vtx_boot_place(const struct vtx_bzimage *bz, uint64_t mem_size, uint64_t cmdline_len,
		   int has_initrd, uint64_t initrd_size, struct vtx_boot_place *p, char *err,
		   size_t errlen);

/* Load the kernel, initrd and command line into guest RAM where
 * vtx_boot_place says, write the ACPI tables and the zero page.  Returns 0,
 * or -1 with a message (e.g. the initrd does not fit below initrd_addr_max). */
int vtx_boot_load(struct vtx_vm *vm, const struct vtx_bzimage *bz, const struct vtx_boot_args *a);

/* Write the ACPI tables (RSDP, XSDT, FADT, FACS, DSDT, MADT) for `ncpus`
 * CPUs; returns the RSDP's guest-physical address, or 0 on failure. */
uint64_t vtx_acpi_build(struct vtx_vm *vm);

/* Identity page tables and a GDT in guest RAM, and the boot vCPU's
 * registers as the 64-bit boot protocol wants them: long mode, paging on,
 * RIP = `entry`, RSI = the zero page.  Returns 0 or -1. */
int vtx_longmode_enter(struct vtx_vm *vm, struct vtx_vcpu *c, uint64_t entry, uint64_t zeropage);

#endif
