/*
 * platform.c -- devices, console and firmware glue (platform.h).
 */
#include "isa-toy/platform.h"
#include "isa-toy/replay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa-toy/board.h"
#include "isa-toy/board_fdt.h"

#define FDT_MAX 16384

static void platform_output(struct platform *p, uint8_t c)
{
	if (p->output)
		p->output(p->output_ctx, c);
	else
		putchar(c);
}

static int platform_input_pop(struct platform *p)
{
	if (!p->in_count)
		return -1;
	int c = p->input[p->in_head];
	p->in_head = (p->in_head + 1) % PLATFORM_INPUT_BUF;
	p->in_count--;
	return c;
}

static volatile sig_atomic_t platform_signal;

/* SIGUSR1: a snapshot is wanted (core/state.c); the run goes on. */
static volatile sig_atomic_t platform_snapshot_wanted;

static void platform_on_usr1(int sig)
{
	(void)sig;
	platform_snapshot_wanted = 1;
}

bool platform_take_snapshot_request(void)
{
	if (!platform_snapshot_wanted)
		return false;
	platform_snapshot_wanted = 0;
	return true;
}

void platform_catch_snapshot_signal(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = platform_on_usr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
}

static void platform_on_signal(int sig)
{
	platform_signal = sig; /* all a handler may safely do */
}

static const int platform_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE };

void platform_catch_signals(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = platform_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a wait for console input returns at once. */
	for (size_t i = 0; i < sizeof(platform_signals) / sizeof(platform_signals[0]); i++)
		sigaction(platform_signals[i], &sa, NULL);
}

bool platform_signal_pending(void)
{
	return platform_signal != 0;
}

/* A signal arrived: write out every stream's buffer, then die of it. */
static void platform_check_signal(void)
{
	int sig = platform_signal;
	if (!sig)
		return;
	/* SIGPIPE: stdout's reader is gone, and flushing it fails (quietly:
	 * the handler is still ours); the other streams are still written. */
	fflush(NULL);
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig); /* not reached */
}

/* --replay: the bytes recorded at this look at the console instead of
 * stdin's, and no waiting (replay.h). */
static void platform_replay_input(struct platform *p, uint64_t look)
{
	uint8_t buf[PLATFORM_INPUT_BUF];
	bool eof;
	size_t n = replay_take(look, buf, PLATFORM_INPUT_BUF - p->in_count, &eof);
	for (size_t i = 0; i < n; i++) {
		p->input[(p->in_head + p->in_count) % PLATFORM_INPUT_BUF] = buf[i];
		p->in_count++;
	}
	if (eof)
		p->input_eof = true;
}

void platform_poll_input(struct platform *p, int timeout_ms)
{
	platform_check_signal();
	/* Every look at the console that has input is numbered, recorded or
	 * replayed: the number says where in the guest's run input came. */
	uint64_t look = p->input_fd >= 0 ? replay_look() : 0;
	if (p->input_fd >= 0 && replay_replaying()) {
		if (!p->input_eof)
			platform_replay_input(p, look);
	} else if (p->input_fd >= 0 && !p->input_eof && p->in_count < PLATFORM_INPUT_BUF) {
		struct pollfd pfd = { .fd = p->input_fd, .events = POLLIN };
		fflush(stdout);
		if (poll(&pfd, 1, timeout_ms) > 0) {
			uint8_t buf[512];
			size_t room = PLATFORM_INPUT_BUF - p->in_count;
			ssize_t n = read(p->input_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
			if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN))) {
				p->input_eof = true;
				replay_note_eof(look);
			}
			if (n > 0)
				replay_note_input(look, buf, (size_t)n);
			for (ssize_t i = 0; i < n; i++) {
				p->input[(p->in_head + p->in_count) % PLATFORM_INPUT_BUF] = buf[i];
				p->in_count++;
			}
		}
	}
	platform_check_signal(); /* one that ended the wait */
	while (p->in_count && uart_rx_room(&p->uart) > 0)
		uart_rx_push(&p->uart, (uint8_t)platform_input_pop(p));
}

bool platform_input_done(const struct platform *p)
{
	return (p->input_eof || p->input_fd < 0) && !p->in_count && !p->uart.count;
}

/* --- callbacks of the devices and the firmware --- */

static void platform_uart_tx(void *ctx, uint8_t c)
{
	platform_output(ctx, c);
}

static void platform_finisher_exit(void *ctx, int code)
{
	struct platform *p = ctx;
	p->halted = true;
	p->exit_code = code & 0xff;
	p->ops->halt(p->owner);
}

static void platform_seip(void *ctx, int irq, int level)
{
	struct platform *p = ctx;
	(void)irq;
	p->ops->set_seip(p->owner, level);
}

static void platform_sbi_putchar(void *ctx, uint8_t c)
{
	platform_output(ctx, c);
}

static int platform_sbi_getchar(void *ctx)
{
	struct platform *p = ctx;
	platform_poll_input(p, 0);
	return platform_input_pop(p);
}

static void platform_sbi_set_timer(void *ctx, uint64_t when)
{
	struct platform *p = ctx;
	p->ops->set_timer(p->owner, when);
}

static void platform_sbi_reset(void *ctx, uint32_t type, uint32_t reason)
{
	struct platform *p = ctx;
	p->halted = true;
	p->exit_code = sbi_exit_status(type, reason);
	p->ops->halt(p->owner);
}

static int platform_sbi_read(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
	struct platform *p = ctx;
	return p->ops->read_phys(p->owner, pa, buf, len);
}

static int platform_sbi_write(void *ctx, uint64_t pa, const void *buf, uint32_t len)
{
	struct platform *p = ctx;
	return p->ops->write_phys(p->owner, pa, buf, len);
}

int platform_sbi(struct platform *p, uint32_t *x)
{
	return sbi_call(&p->sbi, x);
}

/* The PLIC's bus callbacks, behind one step: an assigned DMA engine's
 * INTR register is written without a trap, so its line is sampled again
 * before the guest claims or completes -- the guest acknowledges the
 * engine, then completes, and must find the line low by then. */
static enum bus_status platform_plic_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
	struct platform *p = dev;
	if (p->has_dma)
		dma_copy_sync(&p->dma);
	return plic_bus_ops.read(&p->plic, off, size, val);
}

static enum bus_status platform_plic_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct platform *p = dev;
	if (p->has_dma)
		dma_copy_sync(&p->dma);
	return plic_bus_ops.write(&p->plic, off, size, val);
}

static const struct bus_ops platform_plic_ops = { platform_plic_read, platform_plic_write };

int platform_init(struct platform *p, const struct platform_ops *ops, void *owner,
		  void (*output)(void *ctx, uint8_t byte), void *output_ctx, int input_fd)
{
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->owner = owner;
	p->output = output;
	p->output_ctx = output_ctx;
	p->input_fd = input_fd;
	bus_init(&p->bus);

	/* Interrupt wiring: UART -> PLIC source 10; PLIC context 1 (S-mode)
	 * -> the hart's SEIP; context 0 would be M-mode, which TRV32 lacks. */
	struct irq_line plic_out[2] = {
		{ NULL, NULL, 0 },
		{ platform_seip, p, 9 },
	};
	plic_init(&p->plic, plic_out);
	struct irq_line uart_irq = { plic_set_irq, &p->plic, BOARD_UART_IRQ };
	uart_init(&p->uart, &uart_irq, platform_uart_tx, p);
	finisher_init(&p->finisher, platform_finisher_exit, p);
	if (bus_register(&p->bus, "finisher", BOARD_FINISHER_BASE, BOARD_FINISHER_SIZE,
			 &p->finisher, &finisher_bus_ops) ||
	    bus_register(&p->bus, "plic", BOARD_PLIC_BASE, BOARD_PLIC_SIZE, p,
			 &platform_plic_ops) ||
	    bus_register(&p->bus, "uart", BOARD_UART_BASE, BOARD_UART_SIZE, &p->uart,
			 &uart_bus_ops))
		return -1;
	pio_disk_init(&p->pio, NULL);
	p->vnet_slot = -1;
	p->vballoon_slot = -1;
	if (bus_register(&p->bus, "pio-disk", BOARD_PIODISK_BASE, BOARD_PIODISK_SIZE, &p->pio,
			 &pio_disk_bus_ops))
		return -1;
	virtio_dev_init(&p->virtio_none, NULL, NULL, VIRTIO_ID_NONE, 0, 0, NULL, NULL);
	for (int n = 0; n < BOARD_VIRTIO_SLOTS; n++) {
		virtio_mmio_init(&p->virtio[n], &p->virtio_none);
		if (bus_register(&p->bus, "virtio-mmio",
				 BOARD_VIRTIO_BASE + (uint64_t)n * BOARD_VIRTIO_SIZE,
				 BOARD_VIRTIO_SIZE, &p->virtio[n], &virtio_mmio_bus_ops))
			return -1;
	}
	p->sbi = (struct sbi_platform){ platform_sbi_putchar,
					platform_sbi_getchar,
					platform_sbi_set_timer,
					platform_sbi_reset,
					platform_sbi_read,
					platform_sbi_write,
					p };
	return 0;
}

/* A virtio device's DMA: guest physical memory through the owner, which
 * refuses anything outside the guest's RAM. */
static int platform_dma_read(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	struct platform *p = ctx;
	return p->ops->read_phys(p->owner, gpa, buf, len);
}

static int platform_dma_write(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	struct platform *p = ctx;
	return p->ops->write_phys(p->owner, gpa, buf, len);
}

int platform_add_dma(struct platform *p, void *regpage, dma_copy_translate_fn translate, void *ctx)
{
	/* Wired to this board's PLIC only: no other VM has a path to it. */
	struct irq_line irq = { plic_set_irq, &p->plic, BOARD_DMA_IRQ };
	dma_copy_init(&p->dma, regpage, translate, ctx, &irq);
	if (bus_register(&p->bus, "dma-copy", BOARD_DMA_BASE, BOARD_DMA_SIZE, &p->dma,
			 &dma_copy_bus_ops))
		return -1;
	p->has_dma = true;
	return 0;
}

/* Put disk `d` behind the emulated controller or the next virtio slot. */
/* The next free virtio-mmio slot, and what a device there gets: DMA into
 * the owner's guest memory and the slot's PLIC source.  -1 if every slot
 * is taken. */
static int platform_virtio_slot(struct platform *p, struct virtio_mem *mem, struct irq_line *irq)
{
	int slot = p->nvirtio;
	if (slot == BOARD_VIRTIO_SLOTS)
		return -1;
	*mem = (struct virtio_mem){ platform_dma_read, platform_dma_write, p };
	*irq = (struct irq_line){ plic_set_irq, &p->plic, BOARD_VIRTIO_IRQ + slot };
	return slot;
}

static int platform_attach(struct platform *p, struct disk *d, enum disk_if iface)
{
	if (iface == DISK_IF_EMULATED) {
		if (p->pio.disk) {
			fprintf(stderr, "trapvisor: --disk %s: the board has one emulated disk\n",
				d->path);
			return -1;
		}
		pio_disk_init(&p->pio, d);
		return 0;
	}
	struct virtio_mem mem;
	struct irq_line irq;
	int slot = platform_virtio_slot(p, &mem, &irq);
	if (slot < 0) {
		fprintf(stderr, "trapvisor: --disk %s: the board has %d virtio slots\n", d->path,
			BOARD_VIRTIO_SLOTS);
		return -1;
	}
	virtio_blk_init(&p->vblk[slot], d, &mem, &irq);
	virtio_mmio_init(&p->virtio[slot], &p->vblk[slot].dev);
	p->nvirtio++;
	return 0;
}

int platform_add_net(struct platform *p, struct netswitch *sw, const uint8_t mac[6],
		     const char *name)
{
	struct virtio_mem mem;
	struct irq_line irq;
	int slot = platform_virtio_slot(p, &mem, &irq);
	if (slot < 0 || p->vnet_slot >= 0) {
		fprintf(stderr, "trapvisor: --net: no free virtio slot\n");
		return -1;
	}
	if (virtio_net_init(&p->vnet, mac, sw, name, &mem, &irq))
		return -1;
	virtio_mmio_init(&p->virtio[slot], &p->vnet.dev);
	p->vnet_slot = slot;
	p->nvirtio++;
	return 0;
}

int platform_add_balloon(struct platform *p, const struct virtio_balloon_host *host)
{
	struct virtio_mem mem;
	struct irq_line irq;
	int slot = platform_virtio_slot(p, &mem, &irq);
	if (slot < 0 || p->vballoon_slot >= 0) {
		fprintf(stderr, "trapvisor: --balloon: no free virtio slot\n");
		return -1;
	}
	virtio_balloon_init(&p->vballoon, host, &mem, &irq);
	virtio_mmio_init(&p->virtio[slot], &p->vballoon.dev);
	p->vballoon_slot = slot;
	p->nvirtio++;
	return 0;
}

int platform_add_disks(struct platform *p, const struct disk_spec *specs, int n)
{
	for (int i = 0; i < n; i++) {
		if (p->ndisks == PLATFORM_MAX_DISKS) {
			fprintf(stderr, "trapvisor: --disk %s: too many disks\n", specs[i].path);
			return -1;
		}
		struct disk *d = &p->disks[p->ndisks];
		if (disk_open(d, &specs[i]))
			return -1;
		p->ndisks++;
		if (platform_attach(p, d, specs[i].iface))
			return -1;
	}
	return 0;
}

void platform_destroy(struct platform *p)
{
	for (int i = 0; i < p->ndisks; i++)
		disk_close(&p->disks[i]);
	p->ndisks = 0;
}

void platform_print_stats(const struct platform *p, FILE *f)
{
	if (p->has_dma) {
		const struct dma_copy_stats *d = &p->dma.stats;
		fprintf(f,
			"dma-copy: %llu register traps, %llu copies, %llu bytes, %llu refused, "
			"%llu interrupts\n",
			(unsigned long long)d->mmio_accesses, (unsigned long long)d->copies,
			(unsigned long long)d->bytes, (unsigned long long)d->refused,
			(unsigned long long)d->interrupts);
	}
	for (int i = 0; i < p->nvirtio; i++) {
		if (i == p->vnet_slot || i == p->vballoon_slot)
			continue;
		const struct virtio_blk *b = &p->vblk[i];
		const struct virtio_dev *d = &b->dev;
		fprintf(f,
			"disk %s (virtio-blk, slot %d): %llu reads, %llu writes, %llu flushes, "
			"%llu KiB read, %llu KiB written; %llu notifies, %llu interrupts",
			b->disk->path, i, (unsigned long long)b->stats.reads,
			(unsigned long long)b->stats.writes, (unsigned long long)b->stats.flushes,
			(unsigned long long)(b->disk->read_bytes >> 10),
			(unsigned long long)(b->disk->written_bytes >> 10),
			(unsigned long long)d->stats.notifies,
			(unsigned long long)d->stats.interrupts);
		if (b->stats.ioerr)
			fprintf(f, ", %llu I/O errors", (unsigned long long)b->stats.ioerr);
		if (d->error)
			fprintf(f, "; stopped: %s", d->error);
		fprintf(f, "\n");
	}
	if (p->vnet_slot >= 0) {
		const struct virtio_net *n = &p->vnet;
		fprintf(f,
			"net (virtio-net, slot %d, switch port %d): %llu frames sent, %llu "
			"received, %llu dropped",
			p->vnet_slot, n->port, (unsigned long long)n->stats.tx_frames,
			(unsigned long long)n->stats.rx_frames,
			(unsigned long long)(n->stats.tx_dropped + n->stats.rx_dropped));
		if (n->dev.error)
			fprintf(f, "; stopped: %s", n->dev.error);
		fprintf(f, "\n");
	}
	if (p->vballoon_slot >= 0) {
		const struct virtio_balloon *b = &p->vballoon;
		fprintf(f,
			"balloon (virtio-balloon, slot %d): target %u pages, the guest holds %u; "
			"%llu pages given, %llu taken back, %llu refused\n",
			p->vballoon_slot, b->num_pages, b->actual,
			(unsigned long long)b->stats.inflated,
			(unsigned long long)b->stats.deflated,
			(unsigned long long)b->stats.refused);
	}
	const struct pio_disk *c = &p->pio;
	if (c->disk)
		fprintf(f,
			"disk %s (emulated): %llu commands, %llu data words, %llu errors, %llu KiB "
			"read, %llu KiB written\n",
			c->disk->path, (unsigned long long)c->stats.commands,
			(unsigned long long)c->stats.words, (unsigned long long)c->stats.errors,
			(unsigned long long)(c->disk->read_bytes >> 10),
			(unsigned long long)(c->disk->written_bytes >> 10));
}

/* ELF segments go to guest physical memory through the owner. */
static int platform_load_segment(void *ctx, uint32_t paddr, const void *src, uint32_t filesz,
				 uint32_t memsz)
{
	struct platform *p = ctx;
	static const uint8_t zeros[4096];
	if (p->ops->write_phys(p->owner, paddr, src, filesz))
		return -1;
	for (uint32_t off = filesz; off < memsz;) {
		uint32_t n = memsz - off < sizeof(zeros) ? memsz - off : (uint32_t)sizeof(zeros);
		if (p->ops->write_phys(p->owner, paddr + off, zeros, n))
			return -1;
		off += n;
	}
	return 0;
}

int platform_load(struct platform *p, const char *elf_path, uint32_t ram_size, const char *bootargs,
		  struct elf_image *img, uint32_t *fdt_addr)
{
	if (elf_load(elf_path, BOARD_RAM_BASE, ram_size, platform_load_segment, p, img))
		return -1;
	/* The device tree goes at the top of RAM, 4 KiB aligned. */
	uint8_t fdt[FDT_MAX];
	struct board_fdt_params fp = { BOARD_RAM_BASE, ram_size, bootargs, BOARD_VIRTIO_SLOTS,
				       p->has_dma };
	int size = board_fdt_build(fdt, sizeof(fdt), &fp);
	if (size < 0) {
		elf_image_free(img);
		return -1;
	}
	*fdt_addr = (BOARD_RAM_BASE + ram_size - (uint32_t)size) & ~0xfffu;
	if (p->ops->write_phys(p->owner, *fdt_addr, fdt, (uint32_t)size)) {
		elf_image_free(img);
		return -1;
	}
	return 0;
}
