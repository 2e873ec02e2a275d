/*
 * machine.c -- assembling and running the bare board (machine.h).
 */
#include "isa-toy/machine.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa-toy/board.h"
#include "isa-toy/board_fdt.h"

#define FDT_MAX 16384
/* Instructions between looks at the console input. */
#define MACHINE_SLICE 2000000

int machine_read_phys(struct machine *m, uint64_t pa, void *buf, uint32_t len)
{
	uint8_t *p = mmu_ram_ptr(&m->cpu, pa, len);
	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

int machine_write_phys(struct machine *m, uint64_t pa, const void *buf, uint32_t len)
{
	uint8_t *p = mmu_ram_ptr(&m->cpu, pa, len);
	if (!p)
		return -1;
	memcpy(p, buf, len);
	cpu_code_written(&m->cpu, pa, len); /* it may have been code */
	return 0;
}

/* --- console --- */

static void machine_output(struct machine *m, uint8_t c)
{
	if (m->cfg.output)
		m->cfg.output(m->cfg.output_ctx, c);
	else
		putchar(c);
}

static void machine_uart_tx(void *ctx, uint8_t c)
{
	machine_output(ctx, c);
}

static int machine_input_pop(struct machine *m)
{
	if (!m->in_count)
		return -1;
	int c = m->input[m->in_head];
	m->in_head = (m->in_head + 1) % MACHINE_INPUT_BUF;
	m->in_count--;
	return c;
}

/* Read what the host has for us, waiting up to `timeout_ms`; then feed
 * the UART as far as its FIFO has room. */
static void machine_poll_input(struct machine *m, int timeout_ms)
{
	if (m->cfg.input_fd >= 0 && !m->input_eof && m->in_count < MACHINE_INPUT_BUF) {
		struct pollfd pfd = { .fd = m->cfg.input_fd, .events = POLLIN };
		fflush(stdout);
		if (poll(&pfd, 1, timeout_ms) > 0) {
			uint8_t buf[512];
			size_t room = MACHINE_INPUT_BUF - m->in_count;
			ssize_t n = read(m->cfg.input_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
			if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
				m->input_eof = true;
			for (ssize_t i = 0; i < n; i++) {
				unsigned tail = (m->in_head + m->in_count) % MACHINE_INPUT_BUF;
				m->input[tail] = buf[i];
				m->in_count++;
			}
		}
	}
	while (m->in_count && uart_rx_room(&m->uart) > 0)
		uart_rx_push(&m->uart, (uint8_t)machine_input_pop(m));
}

/* --- firmware callbacks --- */

static void machine_sbi_putchar(void *ctx, uint8_t c)
{
	machine_output(ctx, c);
}

static int machine_sbi_getchar(void *ctx)
{
	struct machine *m = ctx;
	machine_poll_input(m, 0);
	return machine_input_pop(m);
}

static void machine_sbi_set_timer(void *ctx, uint64_t when)
{
	struct machine *m = ctx;
	m->cpu.stimecmp = when;
}

static void machine_sbi_reset(void *ctx, uint32_t type, uint32_t reason)
{
	struct machine *m = ctx;
	m->cpu.halted = true;
	m->cpu.exit_code = sbi_exit_status(type, reason);
}

static int machine_sbi_read(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
	return machine_read_phys(ctx, pa, buf, len);
}

static int machine_sbi_write(void *ctx, uint64_t pa, const void *buf, uint32_t len)
{
	return machine_write_phys(ctx, pa, buf, len);
}

static int machine_ecall(struct cpu *cpu, void *ctx)
{
	struct machine *m = ctx;
	return sbi_call(&m->sbi, cpu->x);
}

static void machine_finisher_exit(void *ctx, int code)
{
	struct machine *m = ctx;
	m->cpu.halted = true;
	m->cpu.exit_code = code;
}

/* --- loading --- */

static int machine_load_segment(void *ctx, uint32_t paddr, const void *src, uint32_t filesz,
				uint32_t memsz)
{
	struct machine *m = ctx;
	uint8_t *p = mmu_ram_ptr(&m->cpu, paddr, memsz);
	if (!p)
		return -1; /* elf_load checked this already; belt and braces */
	memcpy(p, src, filesz);
	memset(p + filesz, 0, memsz - filesz);
	return 0;
}

int machine_create(struct machine *m, const struct machine_config *cfg)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->ram = calloc(1, cfg->ram_size);
	if (!m->ram) {
		fprintf(stderr, "trapvisor: cannot allocate %u bytes of guest RAM\n", cfg->ram_size);
		return -1;
	}
	bus_init(&m->bus);
	if (cpu_init(&m->cpu, m->ram, BOARD_RAM_BASE, cfg->ram_size, &m->bus))
		goto out_ram;

	/* Interrupt wiring: UART -> PLIC source 10; PLIC context 1 (S-mode)
	 * -> the hart's SEIP; context 0 would be M-mode, which TRV32 lacks. */
	struct irq_line plic_out[2] = {
		{ NULL, NULL, 0 },
		{ cpu_set_irq, &m->cpu, IRQ_sei },
	};
	plic_init(&m->plic, plic_out);
	struct irq_line uart_irq = { plic_set_irq, &m->plic, BOARD_UART_IRQ };
	uart_init(&m->uart, &uart_irq, machine_uart_tx, m);
	finisher_init(&m->finisher, machine_finisher_exit, m);
	if (bus_register(&m->bus, "finisher", BOARD_FINISHER_BASE, BOARD_FINISHER_SIZE, &m->finisher,
			 &finisher_bus_ops) ||
	    bus_register(&m->bus, "plic", BOARD_PLIC_BASE, BOARD_PLIC_SIZE, &m->plic,
			 &plic_bus_ops) ||
	    bus_register(&m->bus, "uart", BOARD_UART_BASE, BOARD_UART_SIZE, &m->uart,
			 &uart_bus_ops))
		goto out_cpu;

	m->sbi = (struct sbi_platform){ machine_sbi_putchar, machine_sbi_getchar,
					machine_sbi_set_timer, machine_sbi_reset,
					machine_sbi_read, machine_sbi_write, m };
	m->cpu.ecall_s = machine_ecall;
	m->cpu.ecall_ctx = m;

	if (elf_load(cfg->elf_path, BOARD_RAM_BASE, cfg->ram_size, machine_load_segment, m,
		     &m->elf))
		goto out_cpu;

	/* The device tree goes at the top of RAM, 4 KiB aligned. */
	uint8_t fdt[FDT_MAX];
	struct board_fdt_params fp = { BOARD_RAM_BASE, cfg->ram_size, cfg->bootargs, 0 };
	int size = board_fdt_build(fdt, sizeof(fdt), &fp);
	if (size < 0)
		goto out_elf;
	m->fdt_size = (uint32_t)size;
	m->fdt_addr = (BOARD_RAM_BASE + cfg->ram_size - m->fdt_size) & ~0xfffu;
	memcpy(m->ram + (m->fdt_addr - BOARD_RAM_BASE), fdt, m->fdt_size);

	cpu_reset(&m->cpu, m->elf.entry, m->fdt_addr);
	return 0;

out_elf:
	elf_image_free(&m->elf);
out_cpu:
	cpu_destroy(&m->cpu);
out_ram:
	free(m->ram);
	m->ram = NULL;
	return -1;
}

void machine_destroy(struct machine *m)
{
	elf_image_free(&m->elf);
	cpu_destroy(&m->cpu);
	free(m->ram);
	m->ram = NULL;
}

enum machine_end machine_run(struct machine *m, uint64_t max_insns)
{
	uint64_t end = max_insns ? m->cpu.instret + max_insns : UINT64_MAX;

	for (;;) {
		uint64_t left = end - m->cpu.instret;
		uint64_t idle_before = m->cpu.idle;
		enum cpu_stop stop = cpu_run(&m->cpu, left < MACHINE_SLICE ? left : MACHINE_SLICE);

		if (m->cpu.halted) {
			fflush(stdout);
			return MACHINE_EXITED;
		}
		if (stop == CPU_STOP_WFI) {
			/* Only the console can wake the guest now: wait for it. */
			if (m->input_eof || m->cfg.input_fd < 0) {
				machine_poll_input(m, 0);
				if (!m->in_count && !m->uart.count) {
					fflush(stdout);
					return MACHINE_STUCK;
				}
			}
			machine_poll_input(m, 100);
			continue;
		}
		/* A guest that mostly idles in wfi waiting for its timer
		 * while the console could still speak: give the host a
		 * breather instead of spinning through virtual time. */
		bool idling = m->cpu.idle - idle_before > MACHINE_SLICE;
		machine_poll_input(m, idling && !m->input_eof ? 1 : 0);
		if (m->cpu.instret >= end) {
			fflush(stdout);
			return MACHINE_LIMIT;
		}
	}
}
