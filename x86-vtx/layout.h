/*
 * layout.h -- the guest-physical memory map of the x86 machine that
 * trapvisor builds for a Linux guest (a small PC).
 *
 *   0x0000_0000 +----------------------------+
 *               | real-mode IVT, BDA (unused)|
 *   0x0000_0500 | GDT for the 64-bit entry   |  VTX_GDT
 *   0x0000_7000 | zero page (boot_params)    |  VTX_ZEROPAGE
 *   0x0000_9000 | PML4, PDPT, 4 x PD         |  VTX_PML4 .. (identity map, 4 GiB)
 *   0x0002_0000 | kernel command line        |  VTX_CMDLINE (VTX_CMDLINE_MAX bytes)
 *   0x0009_fc00 +----------------------------+  VTX_EBDA: e820 "reserved" from here
 *               | EBDA, VGA hole, BIOS area  |
 *   0x000e_0000 | ACPI: RSDP, XSDT, MADT, ...|  VTX_ACPI (where Linux scans for RSDP)
 *   0x0010_0000 +----------------------------+  VTX_KERNEL: e820 RAM again
 *               | kernel (protected-mode     |
 *               | part of the bzImage)       |
 *               |            ...             |
 *               | initrd (as high as allowed)|
 *   mem or 3GiB +----------------------------+
 *               | 32-bit PCI hole (no RAM)   |
 *   0xfeb0_0000 | virtio-mmio windows, 4 KiB |  VTX_VIRTIO_MMIO (one per --disk/--net)
 *   0xfec0_0000 | IOAPIC (in-kernel irqchip) |
 *   0xfee0_0000 | local APICs (in KVM)       |
 *   0x1_0000_00 +----------------------------+  VTX_HIGH_RAM: RAM above 3 GiB, if any
 *
 * Ports (the port-I/O bus): 0x3f8 COM1, 0x64 i8042 command (reset only),
 * 0x600 ACPI PM1 event/control blocks.  The PIT (0x40-0x43, 0x61) and the
 * two 8259 PICs (0x20, 0xa0, 0x4d0) are KVM's, in the kernel.
 */
#ifndef X86_VTX_LAYOUT_H
#define X86_VTX_LAYOUT_H

#define VTX_GDT		0x500ULL
#define VTX_ZEROPAGE	0x7000ULL
#define VTX_PML4	0x9000ULL
#define VTX_PDPT	0xa000ULL
#define VTX_PD		0xb000ULL /* four pages: 0xb000..0xefff */
#define VTX_CMDLINE	0x20000ULL
#define VTX_CMDLINE_MAX 4096
#define VTX_EBDA	0x9fc00ULL
#define VTX_ACPI	0xe0000ULL
#define VTX_ACPI_END	0x100000ULL
#define VTX_KERNEL	0x100000ULL
#define VTX_LOW_RAM_MAX 0xc0000000ULL /* RAM below the PCI hole: 3 GiB */
#define VTX_HIGH_RAM	0x100000000ULL
#define VTX_IOAPIC	0xfec00000ULL
#define VTX_LAPIC	0xfee00000ULL

/* KVM on Intel needs three pages for its real-mode TSS and one for an
 * identity page table (used only while the guest runs unpaged); both must
 * lie outside RAM, so they go in the PCI hole just below 4 GiB. */
#define VTX_KVM_TSS   0xfffbd000ULL
#define VTX_KVM_IDMAP 0xfffbc000ULL

#define VTX_COM1      0x3f8
#define VTX_COM1_IRQ  4
#define VTX_I8042_CMD 0x64
#define VTX_PM_BASE   0x600 /* PM1a_EVT_BLK (4 bytes), then PM1a_CNT_BLK (2) */
#define VTX_PM_LEN    8
#define VTX_SCI_IRQ   9

/* virtio-mmio transport windows (devices/virtio_mmio.h), one per device,
 * described to Linux in the DSDT as ACPI devices "LNRO0005" (acpi.c).
 * Device i sits at VTX_VIRTIO_MMIO + i * VTX_VIRTIO_SIZE and interrupts on
 * GSI VTX_VIRTIO_GSI + i: IOAPIC pins 16-23, which no ISA device uses,
 * level-triggered and active high as the virtio-mmio interrupt is (it
 * stays up until the driver acknowledges it). */
#define VTX_VIRTIO_MMIO 0xfeb00000ULL
#define VTX_VIRTIO_SIZE 0x1000ULL
#define VTX_VIRTIO_MAX	8
#define VTX_VIRTIO_GSI	16

#endif
