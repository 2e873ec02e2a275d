/*
 * platform.c -- devices, console and firmware glue (platform.h).
 */
#include "isa-toy/platform.h"

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

void platform_poll_input(struct platform *p, int timeout_ms)
{
	platform_check_signal();
	if (p->input_fd >= 0 && !p->input_eof && p->in_count < PLATFORM_INPUT_BUF) {
		struct pollfd pfd = { .fd = p->input_fd, .events = POLLIN };
		fflush(stdout);
		if (poll(&pfd, 1, timeout_ms) > 0) {
			uint8_t buf[512];
			size_t room = PLATFORM_INPUT_BUF - p->in_count;
			ssize_t n = read(p->input_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
			if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
				p->input_eof = true;
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
	    bus_register(&p->bus, "plic", BOARD_PLIC_BASE, BOARD_PLIC_SIZE, &p->plic,
			 &plic_bus_ops) ||
	    bus_register(&p->bus, "uart", BOARD_UART_BASE, BOARD_UART_SIZE, &p->uart,
			 &uart_bus_ops))
		return -1;
	p->sbi = (struct sbi_platform){ platform_sbi_putchar,
					platform_sbi_getchar,
					platform_sbi_set_timer,
					platform_sbi_reset,
					platform_sbi_read,
					platform_sbi_write,
					p };
	return 0;
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
	struct board_fdt_params fp = { BOARD_RAM_BASE, ram_size, bootargs, 0 };
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
