/*
 * longmode.c -- put the boot vCPU where the 64-bit boot protocol starts a
 * kernel: long mode, paging on with an identity map, flat segments from a
 * GDT with __BOOT_CS = 0x10 and __BOOT_DS = 0x18, interrupts off, RSI =
 * the zero page.  A real CPU gets here through real mode and protected
 * mode; KVM lets us write the end state straight into the VMCS.
 *
 * The identity map: 4 GiB with 2 MiB pages, enough for the kernel, the
 * zero page, the command line and the initrd.
 *
 *   CR3 -> PML4 (0x9000)  entry 0 -> PDPT (0xa000)
 *          PDPT entries 0..3 -> PD0..PD3 (0xb000..0xe000)
 *          PDn entry i   -> 2 MiB page at (n*512 + i) * 2 MiB   (PS = 1)
 */
#include "x86-vtx/boot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "x86-vtx/layout.h"

#define PTE_P  0x001ULL /* present */
#define PTE_RW 0x002ULL /* writable */
#define PTE_PS 0x080ULL /* in a PD: this entry maps a 2 MiB page */

#define CR0_PE	 0x00000001ULL /* protected mode */
#define CR0_ET	 0x00000010ULL /* extension type (always 1 since the 486) */
#define CR0_PG	 0x80000000ULL /* paging */
#define CR4_PAE	 0x00000020ULL /* physical address extension, required by long mode */
#define EFER_LME 0x00000100ULL /* long mode enable */
#define EFER_LMA 0x00000400ULL /* long mode active (set by the CPU when PG=1) */

#define BOOT_CS 0x10 /* GDT entry 2 */
#define BOOT_DS 0x18 /* GDT entry 3 */

/*
 * A GDT descriptor (8 bytes), for the two we need:
 *
 *   63    56 55 54 53 52 51  48 47 46 45 44 43  40 39     16 15      0
 *  +--------+--+--+--+--+------+--+-----+--+------+---------+---------+
 *  |base hi |G |DB|L |  |lim hi|P | DPL |S | type | base lo | lim lo  |
 *  +--------+--+--+--+--+------+--+-----+--+------+---------+---------+
 *
 * code64: G=1 L=1 P=1 DPL=0 S=1 type=0xb (execute/read, accessed)
 * data:   G=1 DB=1 P=1 DPL=0 S=1 type=0x3 (read/write, accessed)
 */
#define GDT_CODE64 0x00af9b000000ffffULL
#define GDT_DATA   0x00cf93000000ffffULL

static void vtx_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = code ? 0 : 1, /* in long mode a code segment has L=1, D=0 */
		.s = 1,
		.l = code ? 1 : 0,
		.g = 1,
	};
}

int vtx_longmode_enter(struct vtx_vm *vm, struct vtx_vcpu *c, uint64_t entry, uint64_t zeropage)
{
	uint64_t *pml4 = vtx_gpa_to_hva(vm, VTX_PML4, 4096);
	uint64_t *pdpt = vtx_gpa_to_hva(vm, VTX_PDPT, 4096);
	uint64_t *pd = vtx_gpa_to_hva(vm, VTX_PD, 4 * 4096);
	uint64_t *gdt = vtx_gpa_to_hva(vm, VTX_GDT, 4 * 8);
	if (!pml4 || !pdpt || !pd || !gdt) {
		fprintf(stderr, "x86: guest RAM too small for the boot page tables\n");
		return -1;
	}
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = VTX_PDPT | PTE_P | PTE_RW;
	for (uint64_t n = 0; n < 4; n++) {
		pdpt[n] = (VTX_PD + n * 4096) | PTE_P | PTE_RW;
		for (uint64_t i = 0; i < 512; i++)
			pd[n * 512 + i] = ((n * 512 + i) << 21) | PTE_P | PTE_RW | PTE_PS;
	}
	gdt[0] = gdt[1] = 0; /* the null descriptor, and one unused */
	gdt[2] = GDT_CODE64;
	gdt[3] = GDT_DATA;

	struct kvm_sregs s;
	if (ioctl(c->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(stderr, "x86: KVM_GET_SREGS: %s\n", strerror(errno));
		return -1;
	}
	vtx_seg(&s.cs, BOOT_CS, 0xb, 1);
	vtx_seg(&s.ds, BOOT_DS, 0x3, 0);
	s.es = s.fs = s.gs = s.ss = s.ds;
	/* VM entry checks TR and LDTR even though nothing uses them yet: a
	 * busy 64-bit TSS (type 11) and an LDT (type 2). */
	s.tr = (struct kvm_segment){ .limit = 0xffff, .type = 0xb, .present = 1 };
	s.ldt = (struct kvm_segment){ .limit = 0xffff, .type = 0x2, .present = 1 };
	s.gdt.base = VTX_GDT;
	s.gdt.limit = 4 * 8 - 1;
	s.idt.base = 0;
	s.idt.limit = 0;
	s.cr0 = CR0_PE | CR0_ET | CR0_PG;
	s.cr3 = VTX_PML4;
	s.cr4 = CR4_PAE;
	s.efer = EFER_LME | EFER_LMA;
	if (ioctl(c->fd, KVM_SET_SREGS, &s) < 0) {
		fprintf(stderr, "x86: KVM_SET_SREGS: %s\n", strerror(errno));
		return -1;
	}

	struct kvm_regs r = {
		.rip = entry,
		.rsi = zeropage, /* boot.rst: "%rsi must hold the base of struct boot_params" */
		.rflags = 0x2,	 /* bit 1 is reserved and reads as 1; IF = 0 */
	};
	if (ioctl(c->fd, KVM_SET_REGS, &r) < 0) {
		fprintf(stderr, "x86: KVM_SET_REGS: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}
