/*
 * platform.h -- the devices, console and firmware around a TRV32 hart:
 * what a guest sees besides the CPU and RAM.  The bare board (machine.c)
 * and every virtual machine of the monitor (core/vm.c) embed one, so a
 * guest meets the same UART, PLIC, finisher and SBI either way -- the
 * monitor's devices are *emulated*: reached only through its traps.
 *
 * The platform does not own memory or the hart: its owner hands it four
 * callbacks for those (struct platform_ops).
 */
#ifndef ISA_TOY_PLATFORM_H
#define ISA_TOY_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/bus.h"
#include "devices/disk.h"
#include "devices/finisher.h"
#include "devices/dma_copy.h"
#include "devices/pio_disk.h"
#include "devices/plic.h"
#include "devices/uart16550.h"
#include "devices/virtio_balloon.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"
#include "isa-toy/elf_load.h"
#include "isa-toy/sbi.h"

#define PLATFORM_INPUT_BUF 4096
#define PLATFORM_MAX_DISKS (BOARD_VIRTIO_SLOTS + 1) /* virtio, and one emulated */

/* Guest instructions (and traps) between two looks at the console input,
 * on the bare board and under the monitor alike: the same slice in every
 * mode is what makes input reach a guest at the same instruction in all
 * of them (the kernel tests compare instruction counts). */
#define PLATFORM_SLICE 2000000

struct platform_ops {
	/* Guest physical memory: 0, or -1 if not all RAM. */
	int (*read_phys)(void *owner, uint64_t pa, void *buf, uint32_t len);
	int (*write_phys)(void *owner, uint64_t pa, const void *buf, uint32_t len);
	void (*set_timer)(void *owner, uint64_t when); /* SBI set_timer */
	void (*set_seip)(void *owner, int level);      /* PLIC context 1 */
	void (*halt)(void *owner);		       /* finisher, SBI reset */
};

struct platform {
	struct bus bus;
	struct uart16550 uart;
	struct plic plic;
	struct finisher finisher;
	struct sbi_platform sbi;
	/* The eight virtio-mmio slots of the board, in the device tree
	 * whether or not a device sits behind them (as on QEMU virt); an
	 * empty slot answers device ID 0.  The n-th virtio disk is
	 * virtio-blk in slot n. */
	struct virtio_mmio virtio[BOARD_VIRTIO_SLOTS];
	struct virtio_dev virtio_none; /* behind every empty slot */
	struct virtio_blk vblk[BOARD_VIRTIO_SLOTS];
	int nvirtio;
	struct virtio_net vnet;		/* --net switch, in the next free slot */
	int vnet_slot;			/* -1: none */
	struct virtio_balloon vballoon; /* --balloon, in the next free slot */
	int vballoon_slot;		/* -1: none */
	/* The emulated disk controller, always on the bus (empty: 0
	 * sectors), with at most one disk. */
	struct pio_disk pio;
	/* The DMA copy engine (--assign dma), on this board only. */
	struct dma_copy dma;
	bool has_dma;
	struct disk disks[PLATFORM_MAX_DISKS]; /* in --disk order */
	int ndisks;
	const struct platform_ops *ops;
	void *owner;

	bool halted; /* finisher or SBI shutdown */
	int exit_code;

	/* Console: output callback (NULL = stdout) and input from a file
	 * descriptor, buffered until the UART has room. */
	void (*output)(void *ctx, uint8_t byte);
	void *output_ctx;
	int input_fd;
	uint8_t input[PLATFORM_INPUT_BUF];
	unsigned in_head, in_count;
	bool input_eof;
};

/* Wire up the devices.  Returns 0, or -1 with a message. */
int platform_init(struct platform *p, const struct platform_ops *ops, void *owner,
		  void (*output)(void *ctx, uint8_t byte), void *output_ctx, int input_fd);

/* Attach `n` disks: open each image and put it behind the next free
 * slot of its interface.  Call between platform_init and platform_load.
 * Returns 0, or -1 after a one-line message (bad image, too many). */
int platform_add_disks(struct platform *p, const struct disk_spec *specs, int n);

/* Give the board a virtio-net card with address `mac` on a new port of
 * `sw` (named `name`), in the next free virtio slot.  0, or -1 after a
 * one-line message. */
int platform_add_net(struct platform *p, struct netswitch *sw, const uint8_t mac[6],
		     const char *name);

/* Give the board a memory balloon serving `host` (the monitor's side,
 * core/reclaim.c), in the next free virtio slot.  0, or -1 after a
 * one-line message. */
int platform_add_balloon(struct platform *p, const struct virtio_balloon_host *host);

/* Give the board the DMA copy engine, its registers in `regpage` and its
 * DMA through `translate(ctx, ...)` (the owner's IOMMU); on the bus (the
 * emulated, trapping path) and in the device tree.  Call before
 * platform_load.  0, or -1 after a one-line message. */
int platform_add_dma(struct platform *p, void *regpage, dma_copy_translate_fn translate, void *ctx);

/* Close the disks (the rest of the platform holds no resources). */
void platform_destroy(struct platform *p);

/* Print the devices' counters (disk requests and bytes) for --stats;
 * nothing if the platform has no disks and no DMA engine. */
void platform_print_stats(const struct platform *p, FILE *f);

/* Load the guest ELF into RAM [RAM base, +ram_size) through write_phys,
 * build the device tree at the top of RAM.  Returns 0 and the entry and
 * tree address, or -1 after a one-line message. */
int platform_load(struct platform *p, const char *elf_path, uint32_t ram_size, const char *bootargs,
		  struct elf_image *img, uint32_t *fdt_addr);

/* Read what the console has (waiting up to timeout_ms) and feed the UART
 * as far as it has room. */
void platform_poll_input(struct platform *p, int timeout_ms);

/* For `trapvisor run`: the console reaches stdout line by line, whatever
 * stdout is (terminal, pipe or file), and SIGTERM, SIGINT, SIGHUP and
 * SIGPIPE end the run only after everything written so far -- the
 * console's last partial line, the trace's last complete record -- is
 * out.  The signal is noted by a handler and acted on at the next
 * platform_poll_input, which every run loop calls between time slices;
 * then the process dies of the signal, as it would have. */
void platform_catch_signals(void);

/* True once such a signal arrived: a run loop doing much work between
 * time slices (a trap storm) should end its slice early. */
bool platform_signal_pending(void);

/* SIGUSR1 asks a run that has --snapshot FILE for a snapshot, and the
 * run goes on: platform_catch_snapshot_signal installs the handler (which
 * only notes it); platform_take_snapshot_request says whether one came
 * since the last call.  The run loop takes it between time slices. */
void platform_catch_snapshot_signal(void);
bool platform_take_snapshot_request(void);

/* True if no console input can ever arrive any more. */
bool platform_input_done(const struct platform *p);

/* Answer an SBI call in x[10..17]: 0 to go on, -1 if it halted. */
int platform_sbi(struct platform *p, uint32_t *x);

#endif
