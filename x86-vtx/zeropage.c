/*
 * zeropage.c -- copy the kernel, command line and initrd where place.c says
 * and fill the "zero page" (struct boot_params), the one page through
 * which a boot loader tells Linux about the machine: where RAM is (the e820
 * map), where the command line and initrd are, where ACPI's tables are.
 *
 * boot_params, the fields we write (offsets from boot.rst / bootparam.h):
 *
 *   0x070 acpi_rsdp_addr    RSDP address (protocol 2.14+; else Linux scans)
 *   0x0c0 ext_ramdisk_image high 32 bits of ramdisk_image
 *   0x1e8 e820_entries      how many e820_table[] rows are valid
 *   0x1f1 hdr               the setup header, copied from the bzImage, then:
 *     0x1fa vid_mode          0xffff: "normal" text mode, we have no VGA
 *     0x210 type_of_loader    0xff: a loader with no assigned id
 *     0x211 loadflags         QUIET_FLAG cleared: we want the messages
 *     0x218 ramdisk_image     initrd address (low 32 bits)
 *     0x21c ramdisk_size      initrd length
 *     0x228 cmd_line_ptr      command line address, NUL-terminated
 *   0x2d0 e820_table[]      {addr, size, type}: 1 = RAM, 2 = reserved
 */
#include "x86-vtx/boot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86-vtx/layout.h"

#define E820_RAM      1
#define E820_RESERVED 2

static void vtx_e820_add(struct boot_params *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	if (bp->e820_entries >= E820_MAX_ENTRIES_ZEROPAGE)
		return;
	bp->e820_table[bp->e820_entries++] = (struct boot_e820_entry){ addr, size, type };
}

/* The e820 map, named after the BIOS call (INT 15h, AX=E820h) that a real
 * setup would ask.  Low RAM stops at the EBDA; the legacy VGA/BIOS area up
 * to 1 MiB is reserved (our ACPI tables live there); then RAM from 1 MiB,
 * and above 4 GiB whatever did not fit under the PCI hole. */
static void vtx_e820_build(const struct vtx_vm *vm, struct boot_params *bp)
{
	const struct vtx_slot *low = &vm->slots[0];
	vtx_e820_add(bp, 0, VTX_EBDA, E820_RAM);
	vtx_e820_add(bp, VTX_EBDA, VTX_KERNEL - VTX_EBDA, E820_RESERVED);
	vtx_e820_add(bp, VTX_KERNEL, low->size - VTX_KERNEL, E820_RAM);
	if (vm->nslots > 1)
		vtx_e820_add(bp, vm->slots[1].gpa, vm->slots[1].size, E820_RAM);
}

/* Panic: a broken invariant of the monitor (never the user's doing). */
#define VTX_PANIC(msg)                                                                     \
	do {                                                                               \
		fprintf(stderr, "trapvisor: %s:%d: panic: %s\n", __FILE__, __LINE__, msg); \
		abort();                                                                   \
	} while (0)

/* Host address of [gpa, gpa+len), which vtx_boot_place already checked. */
static void *vtx_boot_at(struct vtx_vm *vm, uint64_t gpa, uint64_t len)
{
	void *hva = vtx_gpa_to_hva(vm, gpa, len);
	if (!hva)
		VTX_PANIC("a placed boot range is outside guest RAM");
	return hva;
}

int vtx_boot_load(struct vtx_vm *vm, const struct vtx_bzimage *bz, const struct vtx_boot_args *a)
{
	/* 1. Decide where everything goes, or refuse, before writing a byte
	 * (place.c: every check of the bzImage, initrd and command line). */
	struct vtx_boot_place p;
	char err[200];
	if (vtx_boot_place(bz, vm->mem_size, strlen(a->cmdline), a->initrd != NULL, a->initrd_size,
			   &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "x86: %s\n", err);
		return -1;
	}
	if (vm->slots[0].size != p.low_end)
		VTX_PANIC("slot 0 is not the RAM below the PCI hole");

	/* 2. Copy: the kernel at 1 MiB, the command line, the initrd. */
	memcpy(vtx_boot_at(vm, p.kernel, bz->kernel_size), bz->kernel, bz->kernel_size);
	memcpy(vtx_boot_at(vm, p.cmdline, p.cmdline_end - p.cmdline), a->cmdline,
	       p.cmdline_end - p.cmdline);
	if (p.initrd_end > p.initrd)
		memcpy(vtx_boot_at(vm, p.initrd, a->initrd_size), a->initrd, a->initrd_size);

	/* 3. The zero page: start from zeros and the kernel's own header. */
	struct boot_params *bp = vtx_boot_at(vm, p.zeropage, sizeof(*bp));
	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, bz->hdr, p.hdr_len);
	bp->hdr.vid_mode = 0xffff;
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags &= (uint8_t)~QUIET_FLAG;
	bp->hdr.cmd_line_ptr = (uint32_t)p.cmdline;
	bp->hdr.ramdisk_image = (uint32_t)p.initrd; /* below 3 GiB: fits */
	bp->hdr.ramdisk_size = (uint32_t)(p.initrd_end - p.initrd);
	bp->ext_ramdisk_image = (uint32_t)(p.initrd >> 32);
	bp->hdr.setup_data = 0; /* no linked list of extra data */
	vtx_e820_build(vm, bp);

	/* 4. ACPI tables: how Linux finds the IOAPIC, the CPUs and the PM
	 * registers (the Debian kernel has no MP-table parser). */
	if (a->use_acpi) {
		uint64_t rsdp = vtx_acpi_build(vm);
		if (!rsdp)
			return -1;
		if (bz->protocol >= 0x20e)
			bp->acpi_rsdp_addr = rsdp;
	}
	return 0;
}
