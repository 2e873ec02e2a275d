/*
 * run_trap.c -- `--mode=trap`: the guests as VMs of the trap-and-emulate
 * monitor, and the --stats report (Popek and Goldberg's "efficiency":
 * how much of the guest ran directly on the hardware).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "core/run.h"
#include "core/migrate.h"
#include "core/state.h"
#include "core/vt.h"
#include "isa-toy/jit.h"

static const char *const run_action_text[] = {
#define ACTION(id, text) [MON_##id] = text,
#include "core/actions.def"
#undef ACTION
};

/* Under TVT: exits by reason instead of traps by cause. */
static void run_vt_stats(const struct vm *vm)
{
	const struct tvt_vmcs *v = &vm->vtx->vmcs;
	fprintf(stderr, "VM exits: %llu (entries %llu)\n", (unsigned long long)v->stats.exits,
		(unsigned long long)v->stats.entries);
	fprintf(stderr, "exits by reason:\n");
	for (int r = 0; r < TVT_EXIT_COUNT; r++)
		if (v->stats.by_reason[r])
			fprintf(stderr, "  %-32s %llu\n", tvt_exit_name((enum tvt_exit_reason)r),
				(unsigned long long)v->stats.by_reason[r]);
	fprintf(stderr, "traps the guest took without the monitor: %llu\n",
		(unsigned long long)v->guest.csr.traps);
	fprintf(stderr, "second-stage entries filled: %llu\n",
		(unsigned long long)vm->vtx->s2_fills);
}

static void run_trap_stats(const struct monitor *mon, double seconds)
{
	static const char *const kind_name[] = { "trap", "bt", "pv", "vt" };
	fprintf(stderr, "--- trapvisor stats (mode %s%s%s) ---\n", kind_name[mon->kind],
		mon->kind != MON_KIND_VT	   ? ""
		: mon->paging == MON_PAGING_NESTED ? ", paging nested"
						   : ", paging shadow",
		mon->legacy ? ", isa legacy" : "");
	fprintf(stderr, "engine: %s (%llu blocks translated)\n", cpu_engine_name(&mon->hw),
		(unsigned long long)jit_stats(&mon->hw).blocks);
	for (int i = 0; i < mon->nvm; i++) {
		const struct vm *vm = mon->vm[i];
		const struct vm_stats *s = &vm->stats;
		uint64_t n = vm_csr((struct vm *)vm)->instret;
		if (mon->nvm > 1)
			fprintf(stderr, "vm%d (exit status %d):\n", vm->id, vm->exit_code);
		fprintf(stderr, "instructions retired: %llu\n", (unsigned long long)n);
		fprintf(stderr, "  executed directly by the hardware: %llu (%.3f%%)\n",
			(unsigned long long)s->direct,
			n ? 100.0 * (double)s->direct / (double)n : 0.0);
		fprintf(stderr, "  emulated by the monitor:           %llu (%.3f%%)\n",
			(unsigned long long)s->emulated,
			n ? 100.0 * (double)s->emulated / (double)n : 0.0);
		fprintf(stderr, "host seconds: %.3f\n", seconds);
		fprintf(stderr, "guest MIPS: %.1f\n",
			seconds > 0 ? (double)n / seconds / 1e6 : 0.0);
		if (vm->vt) {
			run_vt_stats(vm);
		} else {
			fprintf(stderr, "traps to the monitor: %llu\n",
				(unsigned long long)s->traps);
			fprintf(stderr, "traps by cause:\n");
		}
		for (int c = 0; c < 16; c++)
			if (s->by_cause[c])
				fprintf(stderr, "  %-32s %llu\n", cpu_cause_name((uint32_t)c),
					(unsigned long long)s->by_cause[c]);
		fprintf(stderr, "monitor actions:%s\n",
			mon->timing ? "                  count   avg host ns" : "");
		for (int a = 0; a < MON_ACTIONS; a++) {
			if (!s->by_action[a])
				continue;
			fprintf(stderr, "  %-32s %llu", run_action_text[a],
				(unsigned long long)s->by_action[a]);
			if (mon->timing)
				fprintf(stderr, "   %.0f",
					(double)s->ns_by_action[a] / (double)s->by_action[a]);
			fputc('\n', stderr);
		}
		platform_print_stats(&vm->plat, stderr);
		/* The engine's line is wired to its owner's PLIC alone: every
		 * interrupt it raised went to this VM and no other. */
		if (vm->plat.has_dma)
			fprintf(stderr, "assigned-device interrupts: %llu delivered to vm%d\n",
				(unsigned long long)vm->plat.dma.stats.interrupts, vm->id);
		const struct spt_stats *p = &vm->spt.stats;
		/* Nested paging has no shadow tables to report. */
		if (!(vm->vt && mon->paging == MON_PAGING_NESTED)) {
			fprintf(stderr, "shadow page tables:\n");
			fprintf(stderr, "  fills %llu, guest faults reflected %llu, MMIO %llu\n",
				(unsigned long long)p->fills, (unsigned long long)p->guest_faults,
				(unsigned long long)p->mmio);
			fprintf(stderr,
				"  write-protect traps %llu, invalidations %llu, write revocations "
				"%llu\n",
				(unsigned long long)p->pt_writes,
				(unsigned long long)p->invalidations,
				(unsigned long long)p->revokes);
			fprintf(stderr, "  shadows built %llu, switches %llu, evictions %llu\n",
				(unsigned long long)p->builds, (unsigned long long)p->switches,
				(unsigned long long)p->evictions);
		}
		if (vm->p2r.swap) {
			/* --mem-limit: the shadow miss's third reason. */
			fprintf(stderr, "swap (--mem-limit):\n");
			fprintf(stderr,
				"  swap-outs %llu, swap-ins %llu, misses on a page not "
				"resident %llu\n",
				(unsigned long long)vm->p2r.swap->outs,
				(unsigned long long)vm->p2r.swap->ins,
				(unsigned long long)(p->not_resident +
						     (vm->vtx ? vm->vtx->s2_not_resident : 0)));
		}
		if (vm->balloon.in)
			fprintf(stderr,
				"balloon: %u pages in it now; %llu dropped (no swap file write, "
				"no read back), %llu taken back\n",
				vm->balloon.pages, (unsigned long long)vm->balloon.dropped,
				(unsigned long long)vm->balloon.returned);
		if (mon->kind == MON_KIND_BT) {
			fprintf(stderr, "binary translation:\n");
			fprintf(stderr, "  pages scanned %llu, instructions rewritten %llu\n",
				(unsigned long long)p->bt_pages,
				(unsigned long long)s->bt_rewritten);
			fprintf(stderr, "  traps at rewritten instructions %llu\n",
				(unsigned long long)s->bt_traps);
			fprintf(stderr,
				"  loads served from original code %llu, translations "
				"dropped by writes %llu\n",
				(unsigned long long)p->bt_reads, (unsigned long long)p->bt_drops);
		}
	}
}

/* --stats: the switch's ports. */
static void run_switch_stats(const struct netswitch *sw)
{
	fprintf(stderr, "switch: %llu frames flooded, %llu filtered\n",
		(unsigned long long)sw->flooded, (unsigned long long)sw->filtered);
	for (int p = 0; p < sw->nports; p++)
		fprintf(stderr, "  port %d (%s): %llu frames in, %llu out\n", p, sw->port[p].name,
			(unsigned long long)sw->port[p].frames_in,
			(unsigned long long)sw->port[p].frames_out);
}

/* The run's options a snapshot of `mon` carries. */
static struct state_run run_state_of(const struct monitor *mon, const struct run_config *cfg)
{
	return (struct state_run){ .kind = mon->kind,
				   .paging = mon->paging,
				   .legacy = mon->legacy,
				   .max_insns = cfg->max_insns };
}

/* Write the snapshot of `mon` to cfg->snapshot and say so on stderr
 * (`why`: what asked for it).  0, or -1 after one line. */
static int run_save(struct monitor *mon, const struct run_config *cfg, const char *why)
{
	fflush(stdout);
	struct state_run run = run_state_of(mon, cfg);
	if (state_save(mon, &run, cfg->snapshot))
		return -1;
	const struct csr_file *c = vm_csr(mon->vm[0]);
	fprintf(stderr,
		"trapvisor: %s after %llu instructions and %llu traps; state in %s (trapvisor "
		"resume %s)\n",
		why, (unsigned long long)c->instret, (unsigned long long)c->traps, cfg->snapshot,
		cfg->snapshot);
	return 0;
}

/* --suspend-at: run to the point, then write the snapshot.  -1 if the
 * guest ended (or stopped) first: *end says how, as monitor_run. */
static int run_suspend(struct monitor *mon, const struct run_config *cfg, int *end)
{
	mon->stop_at = cfg->suspend_at;
	*end = monitor_run(mon, cfg->max_insns);
	mon->stop_at = 0;
	if (*end != 4)
		return -1;
	return run_save(mon, cfg, "suspended") ? TV_EXIT_USAGE : 0;
}

/* --migrate-to: run to --migrate-at, then migrate.  0 if the VMs went
 * (the exit status: they run on there), else -1 with *end: 4 if they go
 * on here (the migration failed), else how the guest ended first. */
static int run_migrate(struct monitor *mon, const struct run_config *cfg, int *end)
{
	struct sockaddr_in to;
	if (state_check_savable(mon) || migrate_parse_addr(cfg->migrate_to, &to, "--migrate-to"))
		return TV_EXIT_USAGE;
	*end = 4;
	if (cfg->migrate_at) {
		mon->stop_at = cfg->migrate_at;
		*end = monitor_run(mon, cfg->max_insns);
		mon->stop_at = 0;
		if (*end != 4)
			return -1; /* ended before the migration was to start */
	}
	struct state_run run = run_state_of(mon, cfg);
	int rc = migrate_send(mon, &run, &to, end);
	return rc == 0 ? 0 : -1;
}

/* SIGUSR1 with --snapshot FILE: write it, and go on (a failure said why). */
static void run_on_snapshot(struct monitor *mon, void *ctx)
{
	run_save(mon, ctx, "SIGUSR1: snapshot");
}

int run_monitor_go(struct monitor *mon, const struct run_config *cfg, const struct netswitch *sw)
{
	int status = 0, end = 0;
	bool ended = false; /* before the suspension point */
	if (cfg->snapshot) {
		if (state_check_savable(mon))
			return TV_EXIT_USAGE;
		mon->on_snapshot = run_on_snapshot;
		mon->snapshot_ctx = (void *)cfg;
		platform_catch_snapshot_signal();
	}
	if (cfg->suspend_at && (!cfg->max_insns || cfg->suspend_at < cfg->max_insns)) {
		int rc = run_suspend(mon, cfg, &end);
		if (rc >= 0)
			return rc;
		ended = true;
	}
	if (cfg->migrate_to) {
		int rc = run_migrate(mon, cfg, &end);
		if (rc >= 0)
			return rc;
		ended = end != 4;
	}
	uint64_t t0 = monitor_now_ns(mon);
	if (!ended)
		end = monitor_run(mon, cfg->max_insns);
	double seconds = (double)(monitor_now_ns(mon) - t0) * 1e-9;
	for (int i = 0; i < mon->nvm; i++)
		vm_flush_output(mon->vm[i]); /* a last line without its newline */
	fflush(stdout);

	/* The exit status: the first VM that failed, else 0. */
	for (int i = mon->nvm - 1; i >= 0; i--)
		if (mon->vm[i]->halted && mon->vm[i]->exit_code)
			status = mon->vm[i]->exit_code;
	if (end == 1) {
		const struct csr_file *c = vm_csr(mon->vm[0]);
		fprintf(stderr,
			"trapvisor: guest stopped after %llu instructions and %llu traps "
			"(--max-insns)\n",
			(unsigned long long)c->instret, (unsigned long long)c->traps);
		status = TV_EXIT_LIMIT;
	} else if (end == 3) {
		status = TV_EXIT_USAGE;
	} else if (end == 2) {
		fprintf(stderr,
			"trapvisor: guest waits in wfi for an interrupt that can never come "
			"(pc %#x)\n",
			mon->hw.pc);
		status = TV_EXIT_STUCK;
	}
	if (mon->nvm > 1 && !cfg->mute)
		for (int i = 0; i < mon->nvm; i++)
			if (mon->vm[i]->halted)
				fprintf(stderr, "trapvisor: vm%d exited with status %d\n", i,
					mon->vm[i]->exit_code);
	/* The trace is output too: a file that could not be written whole is
	 * a failed run (trace_close said why). */
	if (trace_close(&mon->trace))
		status = TV_EXIT_USAGE;
	if (cfg->stats) {
		run_trap_stats(mon, seconds);
		if (sw && sw->nports)
			run_switch_stats(sw);
	}
	if (cfg->counts) {
		struct vm *vm = mon->vm[0];
		*cfg->counts = (struct run_counts){
			.insns = vm_csr(vm)->instret,
			/* Under TVT the guest's traps are taken by the hardware,
			 * and the monitor runs only on exits. */
			.traps = vm->vt ? vm_csr(vm)->traps : vm->stats.traps,
			.guest_traps = vm_csr(vm)->traps,
			.exits = vm->vt ? vm->vtx->vmcs.stats.exits : 0,
			.handled = vm->stats.traps,
			.walk_refs = mon->hw.walk_refs,
			.tlb_fills = mon->hw.tlb_misses,
			.ns = (uint64_t)(seconds * 1e9),
			.status = status,
		};
		for (int i = 0; i < mon->nvm; i++) {
			const struct vm *v = mon->vm[i];
			if (v->p2r.swap) {
				cfg->counts->swap_outs += v->p2r.swap->outs;
				cfg->counts->swap_ins += v->p2r.swap->ins;
			}
			cfg->counts->ballooned += v->balloon.dropped;
			cfg->counts->resident += spt_p2r_host_resident(&v->p2r, &mon->frames);
		}
	}
	return status;
}

static int run_monitor(const struct run_config *cfg, enum mon_kind kind, enum mon_paging paging)
{
	static const char *const port_names[RUN_MAX_GUESTS] = { "vm0", "vm1", "vm2", "vm3",
								"vm4", "vm5", "vm6", "vm7" };
	/* The switch of this run, joining the VMs given --net switch; MAC
	 * addresses 52:54:00:12:34:56 for vm0 (QEMU's default), :57, ... */
	static struct netswitch sw;
	netswitch_init(&sw);
	struct monitor *mon = calloc(1, sizeof(*mon));
	uint64_t guest_bytes = 0;
	int status = 0;
	if (!mon) {
		fprintf(stderr, "trapvisor: out of memory\n");
		return 1;
	}
	for (int i = 0; i < cfg->nguests; i++)
		guest_bytes += cfg->guest[i].ram_size;
	if (monitor_init(mon, guest_bytes, cfg->nguests, kind, cfg->legacy)) {
		free(mon);
		return TV_EXIT_USAGE;
	}
	mon->paging = paging;
	mon->swap_pool.limit = (uint32_t)(cfg->mem_limit / SPT_PAGE);
	if (trace_open(&mon->trace, cfg->trace_path)) {
		status = TV_EXIT_USAGE;
		goto out;
	}
	trace_set_limit(&mon->trace, cfg->trace_limit);
	mon->tracing = cfg->trace_path != NULL;
	mon->mute = cfg->mute;
	mon->timing = cfg->stats || mon->tracing;
	for (int i = 0; i < cfg->nguests; i++) {
		const struct run_guest *g = &cfg->guest[i];
		/* The terminal's input goes to the first VM (none when muted:
		 * a bench's counts must not depend on what is typed). */
		struct vm_config vc = { g->elf_path, g->ram_size, g->bootargs,
					i == 0 && !cfg->mute ? 0 : -1, g->dma };
		mon->vm[i] = vm_create(mon, i, &vc);
		if (!mon->vm[i]) {
			status = TV_EXIT_USAGE;
			goto out;
		}
		mon->nvm = i + 1;
		uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + i) };
		if (platform_add_disks(&mon->vm[i]->plat, g->disks, g->ndisks) ||
		    (g->net && platform_add_net(&mon->vm[i]->plat, &sw, mac, port_names[i])) ||
		    (g->nballoon && vm_add_balloon(mon->vm[i], g->balloon, g->nballoon))) {
			status = TV_EXIT_USAGE;
			goto out;
		}
	}

	status = run_monitor_go(mon, cfg, &sw);
out:
	monitor_destroy(mon);
	free(mon);
	return status;
}

int run_trap(const struct run_config *cfg)
{
	return run_monitor(cfg, MON_KIND_TRAP, MON_PAGING_NESTED);
}

int run_bt(const struct run_config *cfg)
{
	return run_monitor(cfg, MON_KIND_BT, MON_PAGING_NESTED);
}

int run_pv(const struct run_config *cfg)
{
	return run_monitor(cfg, MON_KIND_PV, MON_PAGING_NESTED);
}

int run_vt(const struct run_config *cfg)
{
	enum mon_paging paging = MON_PAGING_NESTED;
	if (cfg->paging && !strcmp(cfg->paging, "shadow"))
		paging = MON_PAGING_SHADOW;
	return run_monitor(cfg, MON_KIND_VT, paging);
}

const char *run_loaded_mode(const struct state_loaded *l)
{
	static const char *const names[] = { "trap", "bt", "pv", "vt" }; /* enum mon_kind */
	return l->run.bare ? "bare" : names[l->run.kind];
}

int run_loaded(struct state_loaded *l, struct run_config *cfg)
{
	cfg->mode = run_loaded_mode(l);
	cfg->max_insns = l->run.max_insns;
	cfg->legacy = l->run.legacy;
	platform_catch_signals();
	int status;
	if (l->machine) {
		status = run_bare_go(l->machine, cfg);
	} else {
		l->mon->timing = cfg->stats;
		status = run_monitor_go(l->mon, cfg, l->sw);
	}
	state_loaded_free(l);
	/* The console is the run's output: lost lines fail the run. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr,
			"trapvisor: console output (stdout): a write failed, output was lost\n");
		return TV_EXIT_USAGE;
	}
	return status;
}
