/*
 * run_bare.c -- `--mode=bare`: the guest on the machine itself, and the
 * --stats report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/run.h"
#include "core/vm.h"
#include "core/state.h"
#include "isa-toy/jit.h"
#include "isa-toy/machine.h"

static double run_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_print_stats(const struct machine *m, double seconds)
{
	const struct cpu *cpu = &m->cpu;
	fprintf(stderr, "--- trapvisor stats (mode bare) ---\n");
	fprintf(stderr, "instructions retired: %llu\n", (unsigned long long)cpu->csr.instret);
	fprintf(stderr, "host seconds: %.3f\n", seconds);
	fprintf(stderr, "guest MIPS: %.1f\n",
		seconds > 0 ? (double)cpu->csr.instret / seconds / 1e6 : 0.0);
	fprintf(stderr, "guest cycles (incl. idle): %llu\n",
		(unsigned long long)csr_cycle(&cpu->csr));
	fprintf(stderr, "traps by cause:\n");
	for (int i = 0; i < 16; i++)
		if (cpu->exc_count[i])
			fprintf(stderr, "  %-32s %llu\n", cpu_cause_name((uint32_t)i),
				(unsigned long long)cpu->exc_count[i]);
	for (int i = 0; i < 16; i++)
		if (cpu->irq_count[i])
			fprintf(stderr, "  %-32s %llu\n",
				cpu_cause_name(CAUSE_INTERRUPT | (uint32_t)i),
				(unsigned long long)cpu->irq_count[i]);
	fprintf(stderr, "tlb fills: %llu\n", (unsigned long long)cpu->tlb_misses);
	fprintf(stderr, "decoded pages dropped: %llu\n", (unsigned long long)cpu->code_flushes);
	struct jit_stats js = jit_stats(cpu);
	fprintf(stderr, "engine: %s\n", cpu_engine_name(cpu));
	if (cpu->jit)
		fprintf(stderr,
			"translated: %llu blocks, %llu guest insns, %llu host bytes; %llu chains, "
			"%llu pages invalidated, %llu cache flushes, %llu budgets finished by "
			"the interpreter\n",
			(unsigned long long)js.blocks, (unsigned long long)js.guest_insns,
			(unsigned long long)js.code_bytes, (unsigned long long)js.chains,
			(unsigned long long)js.invalidations, (unsigned long long)js.flushes,
			(unsigned long long)js.interp_tails);
	platform_print_stats(&m->plat, stderr);
}

static void run_drop_output(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

static void run_bare_counts(const struct machine *m, double seconds, struct run_counts *out)
{
	const struct cpu *cpu = &m->cpu;
	*out = (struct run_counts){ 0 };
	out->insns = cpu->csr.instret;
	out->guest_traps = cpu->csr.traps;
	for (int i = 0; i < 16; i++)
		out->traps += cpu->exc_count[i] + cpu->irq_count[i];
	/* An S-mode ecall is answered by the firmware without a trap into
	 * the kernel: it is a trap all the same (into M-mode, on RISC-V). */
	out->walk_refs = cpu->walk_refs;
	out->tlb_fills = cpu->tlb_misses;
	out->ns = (uint64_t)(seconds * 1e9);
}

int run_bare_net(struct platform *p)
{
	/* A switch with one port, its own: the card works, frames go nowhere. */
	static struct netswitch sw;
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	netswitch_init(&sw);
	return platform_add_net(p, &sw, mac, "vm0");
}

/* Run the machine until its progress (instructions and traps) reaches
 * `total`, counted from power-on (0 = no limit): a resumed machine has
 * run part of it already. */
static enum machine_end run_bare_to(struct machine *m, uint64_t total)
{
	uint64_t now = csr_progress(&m->cpu.csr);
	if (!total)
		return machine_run(m, 0);
	return total > now ? machine_run(m, total - now) : MACHINE_LIMIT;
}

/* --suspend-at reached: write the snapshot.  The exit status. */
static int run_bare_suspend(struct machine *m, const struct run_config *cfg)
{
	fflush(stdout);
	struct state_run run = { .bare = true, .legacy = cfg->legacy, .max_insns = cfg->max_insns };
	if (state_save_machine(m, &run, cfg->snapshot))
		return TV_EXIT_USAGE;
	fprintf(stderr,
		"trapvisor: suspended after %llu instructions and %llu traps; state in %s "
		"(trapvisor resume %s)\n",
		(unsigned long long)m->cpu.csr.instret, (unsigned long long)m->cpu.csr.traps,
		cfg->snapshot, cfg->snapshot);
	return 0;
}

int run_bare_go(struct machine *m, const struct run_config *cfg)
{
	enum machine_end end;
	bool ended = false; /* before the suspension point */
	if (cfg->suspend_at && (!cfg->max_insns || cfg->suspend_at < cfg->max_insns)) {
		if (state_check_platform(&m->plat))
			return TV_EXIT_USAGE;
		end = run_bare_to(m, cfg->suspend_at);
		if (end == MACHINE_LIMIT)
			return run_bare_suspend(m, cfg);
		ended = true;
	}
	double t0 = run_now();
	if (!ended)
		end = run_bare_to(m, cfg->max_insns);
	double t1 = run_now();
	int status = m->cpu.exit_code;
	fflush(stdout);
	if (end == MACHINE_LIMIT) {
		fprintf(stderr,
			"trapvisor: guest stopped after %llu instructions and %llu traps "
			"(--max-insns)\n",
			(unsigned long long)m->cpu.csr.instret,
			(unsigned long long)m->cpu.csr.traps);
		status = TV_EXIT_LIMIT;
	} else if (end == MACHINE_STUCK) {
		fprintf(stderr,
			"trapvisor: guest waits in wfi for an interrupt that can never come "
			"(pc %#x)\n",
			m->cpu.pc);
		status = TV_EXIT_STUCK;
	}
	if (cfg->stats)
		run_print_stats(m, t1 - t0);
	if (cfg->counts) {
		run_bare_counts(m, t1 - t0, cfg->counts);
		cfg->counts->status = status;
	}
	return status;
}

int run_bare(const struct run_config *cfg)
{
	if (cfg->nguests != 1) {
		fprintf(stderr, "trapvisor run: --mode=bare runs one guest (the machine itself has "
				"no monitor to share it)\n");
		return TV_EXIT_USAGE;
	}
	if (cfg->guest[0].dma == VM_DMA_ASSIGNED) {
		fprintf(stderr,
			"trapvisor run: --assign dma needs a monitor mode (nothing to "
			"assign to on the bare machine; dma,emulated puts the engine on it)\n");
		return TV_EXIT_USAGE;
	}
	struct machine *m = calloc(1, sizeof(*m));
	if (!m) {
		fprintf(stderr, "trapvisor: out of memory\n");
		return 1;
	}
	struct machine_config mc = {
		.ram_size = cfg->guest[0].ram_size,
		.bootargs = cfg->guest[0].bootargs,
		.elf_path = cfg->guest[0].elf_path,
		.input_fd = cfg->mute ? -1 : 0, /* a muted run (bench) reads no console */
		.legacy = cfg->legacy,
		.disks = cfg->guest[0].disks,
		.ndisks = cfg->guest[0].ndisks,
		.dma = cfg->guest[0].dma == VM_DMA_EMULATED,
		.output = cfg->mute ? run_drop_output : NULL,
	};
	if (machine_create(m, &mc)) {
		free(m);
		return TV_EXIT_USAGE;
	}
	if (cfg->guest[0].net && run_bare_net(&m->plat)) {
		machine_destroy(m);
		free(m);
		return TV_EXIT_USAGE;
	}
	int status = run_bare_go(m, cfg);
	machine_destroy(m);
	free(m);
	return status;
}
