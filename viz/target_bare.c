/*
 * target_bare.c -- the inspection ops of the bare board (--mode=bare):
 * the guest kernel runs in S-mode on the hart itself, so "the guest's
 * privileged state" *is* the hart's, guest physical = machine physical,
 * and the table the hardware walks is the guest's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa-toy/machine.h"
#include "core/state.h"
#include "core/vm.h"
#include "viz/inspect.h"

static int bare_open(struct viz_target *t, const struct viz_config *cfg)
{
	if (cfg->nguests != 1) {
		fprintf(stderr, "trapvisor: --mode=bare runs one guest\n");
		return -1;
	}
	struct machine *m = calloc(1, sizeof(*m));
	if (!m) {
		fprintf(stderr, "trapvisor: out of memory\n");
		return -1;
	}
	struct machine_config mc = {
		.ram_size = cfg->guest[0].ram_size,
		.bootargs = cfg->guest[0].bootargs,
		.elf_path = cfg->guest[0].elf_path,
		.legacy = cfg->legacy,
		.input_fd = -1, /* the terminal belongs to the debugger */
		.output = t->console,
		.output_ctx = t->console_ctx,
		.disks = cfg->guest[0].disks,
		.ndisks = cfg->guest[0].ndisks,
		.dma = cfg->guest[0].dma == VM_DMA_EMULATED,
	};
	if (machine_create(m, &mc)) {
		free(m);
		return -1;
	}
	/* --net switch: as `trapvisor run` gives it. */
	if (cfg->guest[0].net && run_bare_net(&m->plat)) {
		machine_destroy(m);
		free(m);
		return -1;
	}
	t->m = m;
	return 0;
}

static void bare_close(struct viz_target *t)
{
	if (!t->m)
		return;
	machine_destroy(t->m);
	free(t->m);
	t->m = NULL;
}

static const struct platform *bare_plat(const struct viz_target *t)
{
	return &t->m->plat;
}

static const struct cpu *bare_hart(const struct viz_target *t)
{
	return &t->m->cpu;
}

static void bare_guest_regs(const struct viz_target *t, uint32_t x[32], uint32_t *pc)
{
	memcpy(x, t->m->cpu.x, 32 * sizeof(uint32_t));
	*pc = t->m->cpu.pc;
}

static const struct csr_file *bare_guest_csr(const struct viz_target *t)
{
	return &t->m->cpu.csr;
}

static int bare_p2r(const struct viz_target *t, uint64_t gpa, uint64_t *ma)
{
	const struct cpu *c = &t->m->cpu;
	if (gpa < c->ram_base || gpa - c->ram_base >= c->ram_size)
		return -1;
	*ma = gpa; /* no monitor: P = R */
	return 0;
}

static uint32_t bare_hw_satp(const struct viz_target *t)
{
	return t->m->cpu.csr.satp;
}

static const struct elf_image *bare_elf(const struct viz_target *t)
{
	return &t->m->elf;
}

static const struct trace *bare_trace(const struct viz_target *t)
{
	(void)t;
	return NULL;
}

static uint64_t bare_trap_count(const struct viz_target *t)
{
	return t->m->cpu.csr.traps;
}

/* The hart remembers only its last trap: scause. */
static int bare_trap_cause(const struct viz_target *t, uint64_t i, uint32_t *cause)
{
	if (i + 1 != t->m->cpu.csr.traps)
		return -1;
	*cause = t->m->cpu.csr.scause;
	return 0;
}

static uint64_t bare_progress(const struct viz_target *t)
{
	return csr_progress(&t->m->cpu.csr);
}

static bool bare_halted(const struct viz_target *t, int *code)
{
	*code = t->m->cpu.exit_code;
	return t->m->cpu.halted;
}

static enum viz_end bare_run(struct viz_target *t, uint64_t n)
{
	switch (machine_run(t->m, n)) {
	case MACHINE_EXITED: return VIZ_EXITED;
	case MACHINE_STUCK: return VIZ_STUCK;
	case MACHINE_LIMIT: break;
	}
	return VIZ_RUNNING;
}

static void bare_set_reg(struct viz_target *t, unsigned r, uint32_t v)
{
	if (r == 32)
		t->m->cpu.pc = v;
	else
		cpu_set_reg(&t->m->cpu, r, v);
}

static int bare_write_phys(struct viz_target *t, uint64_t gpa, const void *buf, uint32_t len)
{
	struct platform *p = &t->m->plat;
	return p->ops->write_phys(p->owner, gpa, buf, len);
}

static int bare_select_vm(struct viz_target *t, int i)
{
	(void)t;
	return i == 0 ? 0 : -1;
}

/* A checkpoint: the bare machine's snapshot, into memory. */
static int bare_checkpoint(const struct viz_target *t, struct sbuf *out, struct viz_clock *clock)
{
	*clock = viz_clock_of(t);
	if (state_platform_why(&t->m->plat))
		return -1;
	struct state_run run = { .bare = true, .legacy = t->m->cfg.legacy };
	return state_save_machine_mem(t->m, &run, out);
}

static int bare_restore(struct viz_target *t, struct viz_target *old, const struct sbuf *snap,
			const struct viz_clock *clock)
{
	struct state_loaded l;
	char err[160];
	if (state_load_mem(snap->data, snap->len, -1, &l, err, sizeof(err)))
		return -1;
	if (!l.machine || l.sw) {
		state_loaded_free(&l);
		return -1;
	}
	struct elf_image e = l.machine->elf; /* a snapshot holds no ELF */
	l.machine->elf = old->m->elf;
	old->m->elf = e;
	l.machine->plat.output = t->console;
	l.machine->plat.output_ctx = t->console_ctx;
	(void)clock; /* the bare hart is the guest's: its counters are in the snapshot */
	t->m = l.machine;
	return 0;
}

const struct viz_ops viz_bare_ops = {
	.mode = "bare",
	.open = bare_open,
	.plat = bare_plat,
	.close = bare_close,
	.hart = bare_hart,
	.guest_regs = bare_guest_regs,
	.guest_csr = bare_guest_csr,
	.p2r = bare_p2r,
	.hw_satp = bare_hw_satp,
	.elf = bare_elf,
	.trace = bare_trace,
	.trap_count = bare_trap_count,
	.trap_cause = bare_trap_cause,
	.progress = bare_progress,
	.halted = bare_halted,
	.run = bare_run,
	.set_reg = bare_set_reg,
	.write_phys = bare_write_phys,
	.select_vm = bare_select_vm,
	.checkpoint = bare_checkpoint,
	.restore = bare_restore,
};
