/*
 * board.h -- the TRV32 "bare board": its memory map and interrupt numbers.
 *
 * The map follows QEMU's riscv `virt` machine, so the same guest kernel and
 * the same drivers run on trapvisor and on QEMU (the peer tests rely on it).
 *
 *   0x00000000 +---------------------------+
 *              |  (unmapped: access fault) |
 *   0x00100000 +---------------------------+ BOARD_FINISHER_BASE
 *              |  test finisher (4 KiB)    |  0x5555 pass, 0x3333|code<<16 fail
 *   0x00101000 +---------------------------+
 *              |  (unmapped)               |
 *   0x0c000000 +---------------------------+ BOARD_PLIC_BASE
 *              |  PLIC (64 MiB window)     |  priorities, pending, enables,
 *              |                           |  threshold/claim per context
 *   0x10000000 +---------------------------+ BOARD_UART_BASE
 *              |  ns16550a UART (256 B)    |  IRQ 10
 *   0x10001000 +---------------------------+ BOARD_VIRTIO_BASE
 *              |  virtio-mmio slots 0..7   |  IRQ 1..8, 4 KiB each
 *   0x10009000 +---------------------------+
 *              |  (unmapped)               |
 *   0x10010000 +---------------------------+ BOARD_PIODISK_BASE
 *              |  emulated PIO disk (4 KiB)|  no IRQ (polled); not on QEMU
 *   0x10011000 +---------------------------+
 *              |  (unmapped)               |
 *   0x10012000 +---------------------------+ BOARD_DMA_BASE
 *              |  DMA copy engine (4 KiB)  |  IRQ 12; only with --assign dma
 *   0x10013000 +---------------------------+
 *              |  (unmapped)               |
 *   0x80000000 +---------------------------+ BOARD_RAM_BASE
 *              |  RAM (--mem, 64 MiB)      |  kernel loaded from its ELF;
 *              |                           |  the device tree at the top
 *   0x80000000 + size ---------------------+
 *
 * There is no M-mode and so no CLINT: the timer is Sstc's `stimecmp`, and
 * the firmware (SBI) is C code inside trapvisor answering S-mode `ecall`s.
 */
#ifndef ISA_TOY_BOARD_H
#define ISA_TOY_BOARD_H

#define BOARD_FINISHER_BASE 0x00100000u /* sifive,test0 finisher */
#define BOARD_FINISHER_SIZE 0x1000u
#define BOARD_PLIC_BASE	    0x0c000000u /* riscv,plic0 */
#define BOARD_PLIC_SIZE	    0x04000000u
#define BOARD_UART_BASE	    0x10000000u /* ns16550a */
#define BOARD_UART_SIZE	    0x100u
#define BOARD_VIRTIO_BASE   0x10001000u /* virtio,mmio slot 0 */
#define BOARD_VIRTIO_SIZE   0x1000u	/* one slot */
#define BOARD_VIRTIO_SLOTS  8
#define BOARD_PIODISK_BASE  0x10010000u /* trapvisor,pio-disk (devices/pio_disk.h) */
#define BOARD_PIODISK_SIZE  0x1000u
#define BOARD_DMA_BASE	    0x10012000u /* trapvisor,dma-copy (devices/dma_copy.h) */
#define BOARD_DMA_SIZE	    0x1000u	/* one page: it can be mapped whole */
#define BOARD_RAM_BASE	    0x80000000u
#define BOARD_RAM_DEFAULT   (64u << 20)	  /* 64 MiB */
#define BOARD_RAM_MAX	    (1024u << 20) /* 1 GiB: RAM must end below 4 GiB */

#define BOARD_UART_IRQ	  10	    /* PLIC source of the UART */
#define BOARD_VIRTIO_IRQ  1	    /* PLIC source of virtio slot 0 (slot n: 1+n) */
#define BOARD_DMA_IRQ	  12	    /* PLIC source of the DMA copy engine */
#define BOARD_PLIC_NDEV	  31	    /* PLIC sources 1..31 */
#define BOARD_TIMEBASE_HZ 10000000u /* `time` ticks per second (as QEMU) */

/* Finisher commands (low 16 bits of the 32-bit word written). */
#define FINISHER_FAIL  0x3333u /* | code << 16: exit with `code`    */
#define FINISHER_PASS  0x5555u /* exit status 0                     */
#define FINISHER_RESET 0x7777u /* reset: trapvisor treats as exit 0 */

#endif
