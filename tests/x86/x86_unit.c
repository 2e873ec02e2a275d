/*
 * x86_unit.c -- host unit tests of the x86 backend's pure parts, which
 * need no /dev/kvm: the bzImage header checks, the zero page and e820
 * map, the ACPI tables' checksums and contents, the page walker, the exit
 * name table.  A fake VM is just a struct vtx_vm with malloc'd slots.
 * And, where /dev/kvm opens, the fake bzImage with a few instructions in
 * it boots for real: its trace, and a trace that cannot be written.  The
 * nested venue (tests/x86/run.sh) checks the same two runs inside L1, so
 * they are proved whether or not this host has /dev/kvm.
 */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <graphviz/cgraph.h>
#include <criterion/redirect.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "x86-vtx/boot.h"
#include "x86-vtx/exits.h"
#include "x86-vtx/layout.h"
#include "x86-vtx/snapshot.h"
#include "x86-vtx/walk.h"
#include "tests/guest/runner.h"
#include "tests/x86/tinybz.h"

static struct vtx_vm *fake_vm(uint64_t mem, int ncpus)
{
	struct vtx_vm *vm = calloc(1, sizeof(*vm));
	cr_assert_not_null(vm);
	vm->mem_size = mem;
	vm->ncpus = ncpus;
	vm->slots[0] = (struct vtx_slot){ 0, mem, calloc(1, mem) };
	cr_assert_not_null(vm->slots[0].hva);
	vm->nslots = 1;
	return vm;
}

static void fake_vm_free(struct vtx_vm *vm)
{
	free(vm->slots[0].hva);
	free(vm);
}

#define FAKE_BZ_SIZE TINYBZ_SIZE
static uint8_t *fake_bzimage(uint16_t version, uint8_t loadflags, uint16_t xloadflags)
{
	uint8_t *f = tinybz_image(version, loadflags, xloadflags);
	cr_assert_not_null(f);
	return f;
}

Test(x86_bzimage, accepts_a_64bit_bzimage)
{
	uint8_t *f = fake_bzimage(0x20f, LOADED_HIGH, XLF_KERNEL_64);
	struct vtx_bzimage bz;
	cr_assert_eq(vtx_bzimage_parse("fake", f, FAKE_BZ_SIZE, &bz), 0);
	cr_assert_eq(bz.kernel, f + 1024);
	cr_assert_eq(bz.kernel_size, 4096);
	cr_assert_eq(bz.protocol, 0x20f);
	cr_assert_eq(bz.cmdline_max, 2047);
	free(f);
}

Test(x86_bzimage, refuses_bad_images)
{
	struct vtx_bzimage bz;
	uint8_t *f = fake_bzimage(0x20b, LOADED_HIGH, XLF_KERNEL_64); /* 2.11: too old */
	cr_assert_eq(vtx_bzimage_parse("old", f, FAKE_BZ_SIZE, &bz), -1);
	free(f);
	f = fake_bzimage(0x20f, 0, XLF_KERNEL_64); /* zImage */
	cr_assert_eq(vtx_bzimage_parse("zimage", f, FAKE_BZ_SIZE, &bz), -1);
	free(f);
	f = fake_bzimage(0x20f, LOADED_HIGH, 0); /* 32-bit only */
	cr_assert_eq(vtx_bzimage_parse("i386", f, FAKE_BZ_SIZE, &bz), -1);
	f[0x202] = 'X'; /* no "HdrS" */
	cr_assert_eq(vtx_bzimage_parse("magic", f, FAKE_BZ_SIZE, &bz), -1);
	cr_assert_eq(vtx_bzimage_parse("tiny", f, 100, &bz), -1);
	free(f);
	f = fake_bzimage(0x20f, LOADED_HIGH, XLF_KERNEL_64);
	f[0x1f1] = 200; /* setup_sects past the end */
	cr_assert_eq(vtx_bzimage_parse("sects", f, FAKE_BZ_SIZE, &bz), -1);
	free(f);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static const uint8_t *acpi_table(const uint8_t *mem, uint64_t addr, const char *sig)
{
	const uint8_t *t = mem + addr;
	cr_assert(!memcmp(t, sig, 4), "table at 0x%llx is not %s", (unsigned long long)addr, sig);
	uint32_t len;
	memcpy(&len, t + 4, 4);
	cr_assert_eq(sum(t, len), 0, "%s checksum", sig);
	return t;
}

/* AML PkgLength at p: its value and (in *n) how many bytes it took. */
static size_t aml_pkglen(const uint8_t *p, size_t *n)
{
	*n = 1 + (p[0] >> 6);
	size_t len = *n == 1 ? p[0] & 0x3f : p[0] & 0xf;
	for (size_t i = 1; i < *n; i++)
		len |= (size_t)p[i] << (4 + 8 * (i - 1));
	return len;
}

Test(x86_acpi, dsdt_lists_each_virtio_mmio_window_as_lnro0005)
{
	struct vtx_vm *vm = fake_vm(16 << 20, 1);
	vm->nvirtio = 3;
	vtx_acpi_build(vm);
	uint8_t *m = vm->slots[0].hva;
	uint64_t xsdt_addr;
	memcpy(&xsdt_addr, m + VTX_ACPI + 24, 8);
	uint64_t fadt_addr;
	memcpy(&fadt_addr, m + xsdt_addr + 36, 8);
	uint32_t dsdt_addr, len;
	memcpy(&dsdt_addr, m + fadt_addr + 40, 4);
	const uint8_t *dsdt = acpi_table(m, dsdt_addr, "DSDT");
	memcpy(&len, dsdt + 4, 4);
	/* After \_S5_ (14 bytes): Scope (\_SB_) reaching exactly to the end. */
	const uint8_t *scope = dsdt + 36 + 14;
	cr_assert_eq(scope[0], 0x10, "ScopeOp");
	size_t n, plen = aml_pkglen(scope + 1, &n);
	cr_assert_eq(1 + plen, (size_t)(dsdt + len - scope), "Scope's PkgLength covers the rest");
	cr_assert(!memcmp(scope + 1 + n, "\\_SB_", 5));
	const uint8_t *d = scope + 1 + n + 5;
	for (int i = 0; i < 3; i++) {
		cr_assert(d[0] == 0x5b && d[1] == 0x82, "device %d: DeviceOp", i);
		size_t dn, dlen = aml_pkglen(d + 2, &dn);
		char name[5] = { 0 };
		memcpy(name, d + 2 + dn, 4);
		char want[16];
		snprintf(want, sizeof(want), "VR%02d", i);
		cr_assert_str_eq(name, want);
		cr_assert(memmem(d, 2 + dlen, "_HID\x0dLNRO0005", 14), "device %d: _HID", i);
		/* _CRS: Memory32Fixed with the window, Extended Interrupt with the GSI. */
		const uint8_t *mem = memmem(d, 2 + dlen, "\x86\x09\x00\x01", 4);
		cr_assert(mem, "device %d: Memory32Fixed", i);
		uint32_t base, size, gsi;
		memcpy(&base, mem + 4, 4);
		memcpy(&size, mem + 8, 4);
		cr_assert_eq(base, VTX_VIRTIO_MMIO + (uint64_t)i * VTX_VIRTIO_SIZE);
		cr_assert_eq(size, VTX_VIRTIO_SIZE);
		cr_assert(mem[12] == 0x89 && mem[15] == 0x01 && mem[16] == 1,
			  "device %d: one level, active-high interrupt", i);
		memcpy(&gsi, mem + 17, 4);
		cr_assert_eq(gsi, VTX_VIRTIO_GSI + i);
		cr_assert(mem[21] == 0x79, "device %d: end tag", i);
		d += 2 + dlen;
	}
	cr_assert_eq(d, dsdt + len, "nothing after the last device");
	fake_vm_free(vm);
}

Test(x86_acpi, tables_have_valid_checksums_and_describe_the_pc)
{
	struct vtx_vm *vm = fake_vm(16 << 20, 3);
	uint64_t rsdp = vtx_acpi_build(vm);
	uint8_t *m = vm->slots[0].hva;
	cr_assert_eq(rsdp, VTX_ACPI);
	cr_assert(!memcmp(m + rsdp, "RSD PTR ", 8));
	cr_assert_eq(sum(m + rsdp, 20), 0);
	cr_assert_eq(sum(m + rsdp, 36), 0);
	uint64_t xsdt_addr, fadt_addr, madt_addr;
	memcpy(&xsdt_addr, m + rsdp + 24, 8);
	const uint8_t *xsdt = acpi_table(m, xsdt_addr, "XSDT");
	memcpy(&fadt_addr, xsdt + 36, 8);
	memcpy(&madt_addr, xsdt + 44, 8);
	const uint8_t *fadt = acpi_table(m, fadt_addr, "FACP");
	uint32_t dsdt_addr, pm1a_cnt;
	memcpy(&dsdt_addr, fadt + 40, 4);
	memcpy(&pm1a_cnt, fadt + 64, 4);
	cr_assert_eq(pm1a_cnt, VTX_PM_BASE + 4);
	const uint8_t *dsdt = acpi_table(m, dsdt_addr, "DSDT");
	cr_assert(!memcmp(dsdt + 36, "\x08_S5_", 5), "DSDT defines \\_S5_");
	const uint8_t *madt = acpi_table(m, madt_addr, "APIC");
	/* three local APICs (type 0) with ids 0..2, then the IOAPIC (type 1) */
	const uint8_t *e = madt + 44;
	for (int i = 0; i < 3; i++, e += 8) {
		cr_assert_eq(e[0], 0);
		cr_assert_eq(e[3], i);
	}
	cr_assert_eq(e[0], 1);
	cr_assert_eq(e[2], 3, "IOAPIC id follows the CPUs'");
	uint32_t ioapic;
	memcpy(&ioapic, e + 4, 4);
	cr_assert_eq(ioapic, VTX_IOAPIC);
	fake_vm_free(vm);
}

Test(x86_zeropage, lays_out_cmdline_initrd_and_e820)
{
	struct vtx_vm *vm = fake_vm(64 << 20, 1);
	uint8_t *f = fake_bzimage(0x20f, LOADED_HIGH, XLF_KERNEL_64);
	struct vtx_bzimage bz;
	cr_assert_eq(vtx_bzimage_parse("fake", f, FAKE_BZ_SIZE, &bz), 0);
	static uint8_t initrd[10000];
	memset(initrd, 0x5a, sizeof(initrd));
	struct vtx_boot_args a = { initrd, sizeof(initrd), "console=ttyS0 quiet", 1 };
	cr_assert_eq(vtx_boot_load(vm, &bz, &a), 0);
	const struct boot_params *bp = (const void *)(vm->slots[0].hva + VTX_ZEROPAGE);
	uint8_t *m = vm->slots[0].hva;
	cr_assert_str_eq((char *)m + bp->hdr.cmd_line_ptr, "console=ttyS0 quiet");
	cr_assert_eq(bp->hdr.type_of_loader, 0xff);
	/* the initrd: page aligned, as high as RAM allows, intact */
	uint32_t at = bp->hdr.ramdisk_image;
	cr_assert_eq(at & 0xfff, 0);
	cr_assert_leq(at + sizeof(initrd), 64u << 20);
	cr_assert_gt(at + sizeof(initrd), (64u << 20) - 4096);
	cr_assert_eq(bp->hdr.ramdisk_size, sizeof(initrd));
	cr_assert_eq(memcmp(m + at, initrd, sizeof(initrd)), 0);
	cr_assert_eq(bp->acpi_rsdp_addr, VTX_ACPI);
	/* e820: low RAM, the reserved legacy hole, RAM from 1 MiB */
	cr_assert_eq(bp->e820_entries, 3);
	cr_assert_eq(bp->e820_table[0].addr, 0);
	cr_assert_eq(bp->e820_table[0].size, VTX_EBDA);
	cr_assert_eq(bp->e820_table[1].type, 2);
	cr_assert_eq(bp->e820_table[2].addr, VTX_KERNEL);
	cr_assert_eq(bp->e820_table[2].addr + bp->e820_table[2].size, 64u << 20);

	/* an initrd larger than RAM is refused, not written */
	struct vtx_boot_args b = { initrd, 64u << 20, "x", 1 }; /* refused before it is read */
	cr_assert_eq(vtx_boot_load(vm, &bz, &b), -1);
	/* a command line longer than the kernel's limit is refused */
	char *longcl = malloc(3000);
	memset(longcl, 'a', 2999);
	longcl[2999] = 0;
	struct vtx_boot_args c = { NULL, 0, longcl, 1 };
	cr_assert_eq(vtx_boot_load(vm, &bz, &c), -1);
	free(longcl);
	free(f);
	fake_vm_free(vm);
}

/* --- vtx_boot_place: every check of outside input, without a VM --- */

static struct vtx_bzimage place_bz; /* parsed from a fresh fake bzImage */
static uint8_t *place_file;

static void place_setup(void)
{
	place_file = fake_bzimage(0x20f, LOADED_HIGH, XLF_KERNEL_64);
	cr_assert_eq(vtx_bzimage_parse("fake", place_file, FAKE_BZ_SIZE, &place_bz), 0);
}

static void place_teardown(void)
{
	free(place_file);
}

/* Expect a refusal whose one line contains `want`. */
static void place_refused(uint64_t mem, uint64_t cl, int has_initrd, uint64_t isize,
			  const char *want)
{
	struct vtx_boot_place p;
	char err[200] = "";
	cr_assert_eq(vtx_boot_place(&place_bz, mem, cl, has_initrd, isize, &p, err, sizeof(err)),
		     -1, "mem 0x%llx cmdline %llu initrd %llu accepted", (unsigned long long)mem,
		     (unsigned long long)cl, (unsigned long long)isize);
	cr_assert(strstr(err, want), "error \"%s\" does not say \"%s\"", err, want);
	cr_assert_null(strchr(err, '\n'), "error \"%s\" is one line", err);
}

TestSuite(x86_place, .init = place_setup, .fini = place_teardown);

Test(x86_place, lays_out_the_pieces_apart_and_the_initrd_high)
{
	struct vtx_boot_place p;
	char err[200];
	cr_assert_eq(vtx_boot_place(&place_bz, 64 << 20, 19, 1, 10000, &p, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(p.low_end, 64 << 20);
	cr_assert_eq(p.kernel, VTX_KERNEL);
	cr_assert_eq(p.kernel_end, VTX_KERNEL + (1 << 20));
	cr_assert_eq(p.cmdline_end, VTX_CMDLINE + 20);
	cr_assert_eq(p.initrd, ((64 << 20) - 10000) & ~0xfffULL);
	cr_assert_eq(p.initrd_end, p.initrd + 10000);
	cr_assert_eq(p.hdr_len, 0x264 - 0x1f1);
	/* without an initrd there is no initrd range */
	cr_assert_eq(vtx_boot_place(&place_bz, 64 << 20, 0, 0, 12345, &p, err, sizeof(err)), 0);
	cr_assert_eq(p.initrd_end, 0);
	/* RAM above 3 GiB is not low RAM: the initrd stays below the hole,
	 * and below initrd_addr_max (0x7fffffff here) */
	cr_assert_eq(vtx_boot_place(&place_bz, 8ULL << 30, 0, 1, 4096, &p, err, sizeof(err)), 0);
	cr_assert_eq(p.low_end, VTX_LOW_RAM_MAX);
	cr_assert_eq(p.initrd_end - 1, 0x7fffffffULL);
	/* an initrd that fills the gap exactly still fits */
	uint64_t gap = (64 << 20) - p.kernel_end;
	cr_assert_eq(vtx_boot_place(&place_bz, 64 << 20, 0, 1, gap, &p, err, sizeof(err)), 0);
	cr_assert_eq(p.initrd, p.kernel_end);
}

Test(x86_place, the_header_copy_stops_at_struct_setup_header)
{
	/* The length byte at 0x201 may claim 0x110 bytes of header; only
	 * struct setup_header goes to the zero page. */
	place_file[0x201] = 0xff;
	cr_assert_eq(vtx_bzimage_parse("long", place_file, FAKE_BZ_SIZE, &place_bz), 0);
	cr_assert_gt(place_bz.hdr_len, sizeof(struct setup_header));
	struct vtx_boot_place p;
	char err[200];
	cr_assert_eq(vtx_boot_place(&place_bz, 64 << 20, 0, 0, 0, &p, err, sizeof(err)), 0);
	cr_assert_eq(p.hdr_len, sizeof(struct setup_header));
}

Test(x86_place, a_command_line_too_long_is_refused)
{
	place_refused(64 << 20, 2048, 0, 0,
		      "the command line is 2048 bytes; this kernel takes "
		      "at most 2047");
	/* a kernel that takes more than our buffer: the buffer is the limit */
	place_bz.cmdline_max = 100000;
	place_refused(64 << 20, 4096, 0, 0, "at most 4095");
	place_refused(64 << 20, UINT64_MAX, 0, 0, "at most 4095");
}

Test(x86_place, an_initrd_too_big_is_refused)
{
	place_refused(64 << 20, 0, 1, 64 << 20, "the initrd (65536 KiB) does not fit");
	/* one byte more than the gap above the kernel */
	place_refused(64 << 20, 0, 1, (63 << 20) - (1 << 20) + 1, "does not fit between");
	/* initrd_addr_max, not RAM, is the limit */
	place_bz.initrd_addr_max = 0x3fffff; /* 4 MiB - 1 */
	place_refused(64 << 20, 0, 1, 3 << 20, "and 0x400000 (initrd_addr_max");
}

Test(x86_place, initrd_addr_max_below_the_kernel_is_refused)
{
	place_bz.initrd_addr_max = 0x1fffff; /* the kernel's init_size ends at 2 MiB */
	place_refused(64 << 20, 0, 1, 1, "initrd_addr_max 0x1fffff lies below the end of");
	place_bz.initrd_addr_max = 0xfffff; /* below the kernel itself */
	place_refused(64 << 20, 0, 1, 1, "no place for an initrd");
	/* an empty initrd is no initrd: placed nowhere, refused never */
	struct vtx_boot_place p;
	char err[200];
	cr_assert_eq(vtx_boot_place(&place_bz, 64 << 20, 0, 1, 0, &p, err, sizeof(err)), 0);
	cr_assert_eq(p.initrd_end, 0);
}

Test(x86_place, overflow_prone_sizes_are_refused_not_wrapped)
{
	place_refused(64 << 20, 0, 1, UINT64_MAX, "does not fit");
	place_refused(64 << 20, 0, 1, UINT64_MAX - 0xfff, "does not fit");
	place_refused(64 << 20, 0, 1, 1ULL << 63, "does not fit");
	/* the largest init_size and initrd_addr_max the header can hold */
	place_bz.init_size = UINT32_MAX;
	place_refused(UINT64_MAX, 0, 0, 0, "the kernel needs 4096 MiB from 1 MiB");
	place_bz.init_size = 1 << 20;
	place_bz.initrd_addr_max = UINT32_MAX;
	struct vtx_boot_place p;
	char err[200];
	cr_assert_eq(vtx_boot_place(&place_bz, UINT64_MAX, 0, 1, 1 << 20, &p, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(p.initrd_end, VTX_LOW_RAM_MAX);
	/* no RAM, or less than 1 MiB: the kernel does not fit */
	place_refused(0, 0, 0, 0, "give the guest more --mem");
	place_refused(VTX_KERNEL, 0, 0, 0, "give the guest more --mem");
	/* a header that breaks the parser's promise is refused too */
	place_bz.init_size = 16;
	place_refused(64 << 20, 0, 0, 0, "larger than init_size 16");
}

/* A fake VM with a 4-level table: va -> gpa 0x345567 through a 4 KiB
 * page, the tables at 1 MiB.  Its RAM in *m. */
#define WALK_VA	  0xffffffff81234567ULL
#define WALK_PML4 0x100000u
static struct vtx_vm *walk_vm(uint64_t **m)
{
	struct vtx_vm *vm = fake_vm(16 << 20, 1);
	const uint64_t va = WALK_VA, pml4 = WALK_PML4, pdpt = 0x101000, pd = 0x102000,
		       pt = 0x103000;
	*m = (uint64_t *)vm->slots[0].hva;
	(*m)[pml4 / 8 + ((va >> 39) & 511)] = pdpt | 3;
	(*m)[pdpt / 8 + ((va >> 30) & 511)] = pd | 3;
	(*m)[pd / 8 + ((va >> 21) & 511)] = pt | 3;
	(*m)[pt / 8 + ((va >> 12) & 511)] = 0x345000 | 3;
	return vm;
}

/* The drawing of a walk, read back with libcgraph: a title saying what it
 * shows, the 16:9 size, one node per table in the guest OS's box, the
 * gpa at the end. */
Test(x86_walk, drawing_is_lecture_ready)
{
	uint64_t *m;
	struct vtx_vm *vm = walk_vm(&m);
	struct vtx_walk w;
	vtx_walk_va(vm, WALK_PML4, 0, WALK_VA, &w);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert(f);
	vtx_walk_dot(&w, f);
	fclose(f);
	Agraph_t *g = agmemread(text);
	cr_assert(g, "not DOT:\n%s", text);
	cr_expect(strstr(agget(g, "label"), "How va 0xffffffff81234567 translates"), "%s",
		  agget(g, "label"));
	cr_expect_str_eq(agget(g, "size"), "13.33,7.5");
	Agraph_t *guest = agsubg(g, "cluster_guest", 0);
	cr_assert(guest, "no owner box");
	cr_expect_eq(agnnodes(guest), 4, "PML4, PDPT, PD, PT");
	cr_expect(strstr(agget(guest, "label"), "guest OS"));
	Agnode_t *gpa = agnode(g, "gpa", 0);
	cr_assert(gpa);
	cr_expect(strstr(agget(gpa, "label"), "0x345567"), "%s", agget(gpa, "label"));
	agclose(g);
	free(text);
	fake_vm_free(vm);
}

/* Build a 4-level table in the fake VM: va -> gpa with a 4 KiB page. */
Test(x86_walk, four_levels_to_a_4k_page_then_a_2m_page)
{
	uint64_t *m;
	struct vtx_vm *vm = walk_vm(&m);
	const uint64_t va = WALK_VA, pml4 = WALK_PML4, pdpt = 0x101000, pd = 0x102000;
	struct vtx_walk w;
	vtx_walk_va(vm, pml4, 0, va, &w);
	cr_assert(w.ok);
	cr_assert_eq(w.nsteps, 4);
	cr_assert_eq(w.gpa, 0x345567);
	cr_assert_eq(w.page, 4096);
	cr_assert_eq(w.steps[0].level, 4);
	cr_assert_eq(w.steps[0].index, 511);

	/* the same PD entry as a 2 MiB page (PS) ends the walk at level 2 */
	m[pd / 8 + ((va >> 21) & 511)] = 0x600000 | 0x83;
	vtx_walk_va(vm, pml4, 0, va, &w);
	cr_assert(w.ok);
	cr_assert_eq(w.nsteps, 3);
	cr_assert_eq(w.gpa, 0x600000 | (va & 0x1fffff));

	/* not present: stops with a reason */
	m[pdpt / 8 + ((va >> 30) & 511)] = 0;
	vtx_walk_va(vm, pml4, 0, va, &w);
	cr_assert(!w.ok);
	cr_assert_eq(w.nsteps, 2);
	cr_assert_not_null(w.why);

	/* a table outside RAM is reported, not read */
	m[pdpt / 8 + ((va >> 30) & 511)] = 0x7fff0000000ULL | 3;
	vtx_walk_va(vm, pml4, 0, va, &w);
	cr_assert(!w.ok);
	fake_vm_free(vm);
}

Test(x86_exits, names_come_from_the_table)
{
	char buf[48];
	cr_assert_str_eq(vtx_exit_name(KVM_EXIT_IO, buf, sizeof(buf)), "KVM_EXIT_IO");
	cr_assert_str_eq(vtx_exit_name(KVM_EXIT_SHUTDOWN, buf, sizeof(buf)), "KVM_EXIT_SHUTDOWN");
	cr_assert_str_eq(vtx_exit_name(999, buf, sizeof(buf)), "KVM_EXIT_999");
	cr_assert_not_null(vtx_exit_meaning(KVM_EXIT_MMIO));
	cr_assert_null(vtx_exit_meaning(999));
	cr_assert_eq(vtx_exit_lookup("io"), KVM_EXIT_IO);
	cr_assert_eq(vtx_exit_lookup("KVM_EXIT_MMIO"), KVM_EXIT_MMIO);
	cr_assert_eq(vtx_exit_lookup("nonsense"), -1);
}

Test(x86_memory, gpa_to_hva_is_bounds_checked)
{
	struct vtx_vm *vm = fake_vm(1 << 20, 1);
	cr_assert_eq(vtx_gpa_to_hva(vm, 0x1000, 16), vm->slots[0].hva + 0x1000);
	cr_assert_null(vtx_gpa_to_hva(vm, (1 << 20) - 8, 16));
	cr_assert_null(vtx_gpa_to_hva(vm, 0x1000, UINT64_MAX));
	cr_assert_null(vtx_gpa_to_hva(vm, 1 << 20, 1));
	fake_vm_free(vm);
}

/* --- the fake bzImage on a real /dev/kvm --- */

/* The tiny bzImage of tinybz.h (`outs` OUTs to port 0x80, then a triple
 * fault), written to a temporary file whose name goes to `path`. */
static void tiny_kernel(char *path, uint32_t outs)
{
	cr_assert_eq(runner_tmpfile(path), 0);
	cr_assert_eq(tinybz_write(path, outs), 0, "writing %s", path);
}

static void need_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR);
	if (fd < 0)
		cr_skip_test("no usable /dev/kvm here: make test-x86 boots the same tiny "
			     "bzImage in L1 and checks the same two things");
	close(fd);
}

Test(x86_kvm, the_tiny_kernel_traces_every_exit)
{
	need_kvm();
	char kernel[] = "/tmp/tvtinyXXXXXX", trace[] = "/tmp/tvtinytraceXXXXXX", cmd[256];
	tiny_kernel(kernel, 300);
	cr_assert_eq(runner_tmpfile(trace), 0);
	snprintf(cmd, sizeof(cmd), TV_BIN " x86 --kernel %s --trace %s --timeout 30", kernel,
		 trace);
	struct runner_result r;
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 0, "%s: %s", cmd, r.err);
	cr_expect(strstr(r.err, "KVM_EXIT_SHUTDOWN"), "%s: %s", cmd, r.err);
	FILE *f = fopen(trace, "r");
	cr_assert_not_null(f);
	int c, lines = 0;
	while ((c = fgetc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	cr_expect_geq(lines, 301, "300 OUTs and the shutdown, %d records", lines);
	runner_free(&r);
	unlink(kernel);
	unlink(trace);
}

/* As in `trapvisor run`: a trace write that fails ends the run, with one
 * line naming the file (and not the usual stop line), and exit 2. */
Test(x86_kvm, an_unwritable_trace_fails_the_run)
{
	need_kvm();
	char kernel[] = "/tmp/tvtinyXXXXXX", cmd[256];
	tiny_kernel(kernel, 3000);
	snprintf(cmd, sizeof(cmd), TV_BIN " x86 --kernel %s --trace /dev/full --timeout 30",
		 kernel);
	struct runner_result r;
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 2, "%s: %s", cmd, r.err);
	cr_expect(strstr(r.err, "--trace /dev/full: write failed: No space left"), "%s: %s", cmd,
		  r.err);
	cr_expect(!strstr(r.err, "exits to user space"), "%s: %s", cmd, r.err);
	runner_free(&r);
	unlink(kernel);
}

Test(x86_net, parses_user_with_host_forwards_and_switch)
{
	struct vtx_net_spec s = { 0 };
	cr_assert_eq(vtx_net_parse("user,hostfwd=tcp:127.0.0.1:5555-:80,hostfwd=udp::53-:5353", &s),
		     0);
	cr_assert(s.wanted && s.user);
	cr_assert_eq(s.nfwd, 2);
	cr_assert(!s.fwd[0].udp && s.fwd[0].host_port == 5555 && s.fwd[0].guest_port == 80);
	cr_assert_eq(s.fwd[0].host_addr, htonl(0x7f000001));
	cr_assert(s.fwd[1].udp && s.fwd[1].host_port == 53 && s.fwd[1].guest_port == 5353);
	cr_assert_eq(s.fwd[1].host_addr, htonl(0x7f000001), "no address: the loopback");
	struct vtx_net_spec w = { 0 };
	cr_assert_eq(vtx_net_parse("switch", &w), 0);
	cr_assert(w.wanted && !w.user && !w.nfwd);
}

Test(x86_net, refuses_specs_that_do_not_parse, .init = cr_redirect_stderr)
{
	static const char *bad[] = {
		"",
		"usr",
		"userx",
		"user,",
		"user,foo=1",
		"user,hostfwd=",
		"user,hostfwd=tcp:5555-80",
		"user,hostfwd=sctp::1-:2",
		"user,hostfwd=tcp::0-:80",
		"user,hostfwd=tcp::65536-:80",
		"user,hostfwd=tcp::80-:",
		"user,hostfwd=tcp:1.2.3:80-:80",
		"user,hostfwd=tcp::80-:8x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vtx_net_spec s = { 0 };
		cr_assert_eq(vtx_net_parse(bad[i], &s), -1, "'%s' was accepted", bad[i]);
	}
}

/* A file of `len` bytes for vtx_snapshot_read. */
static void snap_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert(f);
	cr_assert_eq(fwrite(p, 1, len, f), len);
	fclose(f);
}

Test(x86_snapshot, bad_files_get_one_line_each_without_kvm, .init = cr_redirect_stderr)
{
	char dir[] = "/tmp/x86snapXXXXXX", path[64];
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	/* header, then an END section: length 0, FNV-1a of nothing */
	uint8_t f[16 + 24] = "TVX86SNP\1\0\0\0\0\0\0\0";
	uint64_t basis = 0xcbf29ce484222325ull;
	memcpy(f + 16 + 16, &basis, 8);

	snap_file(path, "not a snapshot at all", 21);
	cr_assert_null(vtx_snapshot_read(path));
	f[8] = 2;
	snap_file(path, f, sizeof(f));
	cr_assert_null(vtx_snapshot_read(path));
	f[8] = 1;
	snap_file(path, f, 16 + 10);
	cr_assert_null(vtx_snapshot_read(path));
	f[16 + 16] ^= 1;
	snap_file(path, f, sizeof(f));
	cr_assert_null(vtx_snapshot_read(path));
	f[16 + 16] ^= 1;
	snap_file(path, f, sizeof(f));
	cr_assert_null(vtx_snapshot_read(path));
	f[16 + 8] = 8; /* END claims 8 bytes the file does not have */
	snap_file(path, f, sizeof(f));
	cr_assert_null(vtx_snapshot_read(path));
	unlink(path);
	rmdir(dir);
	fflush(stderr);
	char want[1024];
	snprintf(want, sizeof(want),
		 "x86: --restore %s: not a trapvisor x86 snapshot (no TVX86SNP header)\n"
		 "x86: --restore %s: snapshot version 2, this trapvisor reads version 1\n"
		 "x86: --restore %s: truncated (a section header is cut off)\n"
		 "x86: --restore %s: checksum mismatch in the end section 0: corrupt\n"
		 "x86: --restore %s: a section is missing\n"
		 "x86: --restore %s: truncated (the end section needs 8 bytes)\n",
		 path, path, path, path, path, path);
	cr_assert_stderr_eq_str(want);
}
