/*
 * board_fdt.h -- the flattened device tree (FDT, "DTB") that the bare board
 * hands the guest kernel in a1 at reset, as QEMU and OpenSBI hand one to a
 * kernel on `-machine virt`.
 *
 * The tree follows what QEMU generates for rv32 virt with one hart, so a
 * kernel that parses QEMU's tree parses ours (see `dtc -I dtb -O dts` on
 * the blob for the full text):
 *
 *   /                    #address-cells = #size-cells = 2, "riscv-virtio"
 *   |-- chosen           bootargs (--append), stdout-path = the UART
 *   |-- memory@80000000  RAM
 *   |-- cpus             timebase-frequency
 *   |   `-- cpu@0        rv32ima_zicsr_zifencei_sstc, sv32
 *   |       `-- interrupt-controller   riscv,cpu-intc (phandle CPU_INTC)
 *   |-- poweroff, reboot syscon-poweroff/-reboot through the finisher
 *   `-- soc              simple-bus, identity ranges
 *       |-- test@100000          the finisher
 *       |-- plic@c000000         contexts: <&cpu_intc 11> (M), <&cpu_intc 9> (S)
 *       |-- serial@10000000      ns16550a, PLIC source 10
 *       |-- disk@10010000        trapvisor,pio-disk: the emulated disk
 *       `-- virtio_mmio@10001000 ... only as many as asked for
 */
#ifndef ISA_TOY_BOARD_FDT_H
#define ISA_TOY_BOARD_FDT_H

#include <stddef.h>
#include <stdint.h>

/* Phandles, fixed so a reader of the dts can follow them. */
#define BOARD_FDT_PHANDLE_CPU	   1 /* /cpus/cpu@0 */
#define BOARD_FDT_PHANDLE_CPU_INTC 2 /* its riscv,cpu-intc */
#define BOARD_FDT_PHANDLE_PLIC	   3 /* /soc/plic@c000000 */
#define BOARD_FDT_PHANDLE_TEST	   4 /* /soc/test@100000 (syscon) */

/* Interrupt numbers of the hart's local controller (scause codes). */
#define BOARD_FDT_IRQ_S_EXT 9  /* supervisor external interrupt */
#define BOARD_FDT_IRQ_M_EXT 11 /* machine external interrupt */

#define BOARD_FDT_ISA	     "rv32ima_zicsr_zifencei_sstc" /* riscv,isa */
#define BOARD_FDT_UART_CLOCK 3686400u			   /* clock-frequency, as QEMU */

struct board_fdt_params {
	uint64_t ram_base, ram_size; /* the memory node */
	const char *bootargs;	     /* /chosen/bootargs; NULL = no property */
	int virtio_slots;	     /* virtio-mmio nodes, 0..BOARD_VIRTIO_SLOTS */
	int dma_copy;		     /* 1: the DMA copy engine's node (its VM only) */
};

/* Build the device tree for `p` into `buf` (bufsize bytes; a few KiB are
 * plenty).  Returns the blob's total size in bytes, or -1 with a message on
 * stderr naming what failed (buffer too small, bad parameter). */
int board_fdt_build(void *buf, size_t bufsize, const struct board_fdt_params *p);

#endif
