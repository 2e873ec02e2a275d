/*
 * target_trap.c -- the inspection ops of the trap-and-emulate monitor
 * (--mode=trap).  Here three things the bare board merges come apart:
 *
 *   - the *hart* runs the guest kernel in U-mode on a shadow table; its
 *     CSRs are the monitor's (satp = the shadow's root);
 *   - the *vCPU* holds what the guest believes: its mode, its CSRs;
 *   - the guest's registers live on the hart while its VM is the one
 *     loaded (mon->cur), and in vcpu.x/pc while another VM runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "core/state.h"
#include "core/vt.h"
#include "viz/inspect.h"

static const struct vm *trap_vm(const struct viz_target *t)
{
	return t->mon->vm[t->vm];
}

/* The switch joining the VMs given --net switch (one target at a time). */
static struct netswitch trap_switch;
static const char *const port_names[VIZ_MAX_GUESTS] = { "vm0", "vm1", "vm2", "vm3",
							"vm4", "vm5", "vm6", "vm7" };

static const struct platform *trap_plat(const struct viz_target *t)
{
	return &trap_vm(t)->plat;
}

static int trap_open(struct viz_target *t, const struct viz_config *cfg)
{
	struct monitor *mon = calloc(1, sizeof(*mon));
	uint64_t bytes = 0;
	if (!mon) {
		fprintf(stderr, "trapvisor: out of memory\n");
		return -1;
	}
	for (int i = 0; i < cfg->nguests; i++)
		bytes += cfg->guest[i].ram_size;
	enum mon_kind kind = !strcmp(cfg->mode, "bt")	? MON_KIND_BT
			     : !strcmp(cfg->mode, "pv") ? MON_KIND_PV
			     : !strcmp(cfg->mode, "vt") ? MON_KIND_VT
							: MON_KIND_TRAP;
	if (monitor_init(mon, bytes, cfg->nguests, kind, cfg->legacy)) {
		free(mon);
		return -1;
	}
	/* --mode=vt: set before the VMs are made, as `trapvisor run` does. */
	mon->paging =
	    cfg->paging && !strcmp(cfg->paging, "shadow") ? MON_PAGING_SHADOW : MON_PAGING_NESTED;
	t->mon = mon;
	if (trace_open(&mon->trace, cfg->trace_path))
		goto out;
	trace_set_limit(&mon->trace, cfg->trace_limit);
	netswitch_init(&trap_switch);
	mon->tracing = true; /* the ring feeds the trace pane and `catch` */
	for (int i = 0; i < cfg->nguests; i++) {
		struct vm_config vc = { cfg->guest[i].elf_path, cfg->guest[i].ram_size,
					cfg->guest[i].bootargs, -1, cfg->guest[i].dma };
		struct vm *vm = vm_create(mon, i, &vc);
		if (!vm)
			goto out;
		mon->vm[i] = vm;
		mon->nvm = i + 1;
		/* Disks and the switch, as `trapvisor run` gives them. */
		uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + i) };
		if (platform_add_disks(&vm->plat, cfg->guest[i].disks, cfg->guest[i].ndisks) ||
		    (cfg->guest[i].net &&
		     platform_add_net(&vm->plat, &trap_switch, mac, port_names[i])))
			goto out;
		/* The console goes to the debugger, not straight to stdout. */
		if (t->console) {
			vm->plat.output = t->console;
			vm->plat.output_ctx = t->console_ctx;
		}
	}
	t->vm = 0;
	return 0;
out:
	monitor_destroy(mon);
	free(mon);
	t->mon = NULL;
	return -1;
}

static void trap_close(struct viz_target *t)
{
	if (!t->mon)
		return;
	monitor_destroy(t->mon);
	free(t->mon);
	t->mon = NULL;
}

static const struct cpu *trap_hart(const struct viz_target *t)
{
	return &t->mon->hw;
}

static void trap_guest_regs(const struct viz_target *t, uint32_t x[32], uint32_t *pc)
{
	const struct vm *vm = trap_vm(t);
	if (vm->vt) { /* under TVT: in the VMCS's guest-state area between runs */
		memcpy(x, vm->vtx->vmcs.guest.x, 32 * sizeof(uint32_t));
		*pc = vm->vtx->vmcs.guest.pc;
	} else if (t->mon->cur == vm) { /* loaded: the hart holds them */
		memcpy(x, t->mon->hw.x, 32 * sizeof(uint32_t));
		*pc = t->mon->hw.pc;
	} else {
		memcpy(x, vm->vcpu.x, 32 * sizeof(uint32_t));
		*pc = vm->vcpu.pc;
	}
}

static const struct csr_file *trap_guest_csr(const struct viz_target *t)
{
	const struct vm *vm = trap_vm(t);
	if (!vm->vt || t->mon->paging != MON_PAGING_SHADOW)
		return vm_csr((struct vm *)vm);
	/* vt with shadow paging: the VMCS's satp is the shadow's (the hart
	 * walks it); the guest believes in its own, kept aside in gsatp. */
	static struct csr_file seen;
	seen = vm->vtx->vmcs.guest.csr;
	seen.satp = vm->vtx->gsatp;
	return &seen;
}

static int trap_p2r(const struct viz_target *t, uint64_t gpa, uint64_t *ma)
{
	const struct vm *vm = trap_vm(t);
	uint32_t gpage;
	if (vm->spt.direct_gpa && gpa >> 12 == vm->spt.direct_gpa >> 12) {
		/* --assign: the device's register page, mapped straight in. */
		*ma = (uint64_t)spt_frame_ppn(&t->mon->frames, vm->spt.direct_frame) * SPT_PAGE +
		      (gpa & 0xfff);
		return 1;
	}
	if (!spt_p2r_page(&vm->p2r, gpa, &gpage))
		return -1;
	*ma = t->mon->frames.ram_base + (uint64_t)vm->p2r.frame[gpage] * SPT_PAGE + (gpa & 0xfff);
	return 0;
}

/* The VM's current shadow (its root as a satp would name it): what the
 * hart walks whenever this VM is loaded. */
static uint32_t trap_hw_satp(const struct viz_target *t)
{
	const struct vm *vm = trap_vm(t);
	if (!vm->spt.cur)
		return 0;
	return SATP_MODE_SV32 | spt_frame_ppn(&t->mon->frames, vm->spt.cur->root);
}

static const struct elf_image *trap_elf(const struct viz_target *t)
{
	return &trap_vm(t)->elf;
}

static const struct trace *trap_trace(const struct viz_target *t)
{
	return &t->mon->trace;
}

/* Traps are the monitor's trace events: every trap the hart took to the
 * monitor, and every virtual interrupt the monitor injected. */
static uint64_t trap_trap_count(const struct viz_target *t)
{
	return t->mon->trace.next_seq;
}

static int trap_trap_cause(const struct viz_target *t, uint64_t i, uint32_t *cause)
{
	const struct trace *tr = &t->mon->trace;
	if (i >= tr->next_seq || tr->next_seq - i > TRACE_RING)
		return -1;
	*cause = tr->ring[i % TRACE_RING].cause;
	return 0;
}

static bool trap_halted(const struct viz_target *t, int *code)
{
	*code = trap_vm(t)->exit_code;
	return trap_vm(t)->halted;
}

static uint64_t trap_progress(const struct monitor *mon)
{
	uint64_t n = 0;
	for (int i = 0; i < mon->nvm; i++)
		n += csr_progress(vm_csr(mon->vm[i]));
	return n;
}

static uint64_t trap_position(const struct viz_target *t)
{
	return trap_progress(t->mon);
}

/* monitor_run counts guest progress in all VMs together, so "n more"
 * is the total now plus n. */
static enum viz_end trap_run(struct viz_target *t, uint64_t n)
{
	switch (monitor_run(t->mon, trap_progress(t->mon) + n)) {
	case 0: return VIZ_EXITED;
	case 2: return VIZ_STUCK;
	}
	return VIZ_RUNNING;
}

static void trap_set_reg(struct viz_target *t, unsigned r, uint32_t v)
{
	struct vm *vm = t->mon->vm[t->vm];
	bool loaded = t->mon->cur == vm;
	uint32_t *x = vm->vt ? vm->vtx->vmcs.guest.x : loaded ? t->mon->hw.x : vm->vcpu.x;
	if (r == 32)
		*(vm->vt ? &vm->vtx->vmcs.guest.pc : loaded ? &t->mon->hw.pc : &vm->vcpu.pc) = v;
	else if (r > 0 && r < 32)
		x[r] = v;
}

static int trap_write_phys(struct viz_target *t, uint64_t gpa, const void *buf, uint32_t len)
{
	return vm_write_phys(t->mon->vm[t->vm], gpa, buf, len);
}

static int trap_select_vm(struct viz_target *t, int i)
{
	if (i < 0 || i >= t->mon->nvm)
		return -1;
	t->vm = i;
	return 0;
}

static uint32_t trap_stage2_root(const struct viz_target *t)
{
	const struct vm *vm = trap_vm(t);
	if (!vm->vtx || t->mon->paging != MON_PAGING_NESTED)
		return 0;
	return vm->vtx->vmcs.ctl.s2_root;
}

/* A checkpoint: the monitor's snapshot, as `snapshot save` writes it, but
 * into memory. */
static int trap_checkpoint(const struct viz_target *t, struct sbuf *out, struct viz_clock *clock)
{
	*clock = viz_clock_of(t);
	const struct monitor *mon = t->mon;
	for (int i = 0; i < mon->nvm; i++)
		if (state_platform_why(&mon->vm[i]->plat))
			return -1;
	struct state_run run = { .kind = mon->kind, .paging = mon->paging, .legacy = mon->legacy };
	return state_save_mem(t->mon, &run, out);
}

static int trap_restore(struct viz_target *t, struct viz_target *old, const struct sbuf *snap,
			const struct viz_clock *clock)
{
	struct state_loaded l;
	char err[160];
	if (state_load_mem(snap->data, snap->len, -1, &l, err, sizeof(err)))
		return -1;
	if (!l.mon || l.sw || l.mon->nvm != old->mon->nvm) {
		state_loaded_free(&l);
		return -1;
	}
	struct monitor *mon = l.mon;
	mon->tracing = true; /* the ring feeds the trace pane and `catch` */
	for (int i = 0; i < mon->nvm; i++) {
		struct vm *vm = mon->vm[i];
		/* A snapshot holds no ELF: the symbols come from the old run. */
		struct elf_image e = vm->elf;
		vm->elf = old->mon->vm[i]->elf;
		old->mon->vm[i]->elf = e;
		if (t->console) {
			vm->plat.output = t->console;
			vm->plat.output_ctx = t->console_ctx;
		}
	}
	mon->hw.csr.instret = clock->instret;
	mon->hw.csr.idle = clock->idle;
	mon->hw.csr.traps = clock->traps;
	t->mon = mon;
	t->vm = 0;
	return 0;
}

const struct viz_ops viz_trap_ops = {
	.mode = "trap",
	.monitor = true,
	.open = trap_open,
	.plat = trap_plat,
	.close = trap_close,
	.hart = trap_hart,
	.guest_regs = trap_guest_regs,
	.guest_csr = trap_guest_csr,
	.p2r = trap_p2r,
	.hw_satp = trap_hw_satp,
	.elf = trap_elf,
	.trace = trap_trace,
	.trap_count = trap_trap_count,
	.trap_cause = trap_trap_cause,
	.progress = trap_position,
	.halted = trap_halted,
	.run = trap_run,
	.set_reg = trap_set_reg,
	.write_phys = trap_write_phys,
	.select_vm = trap_select_vm,
	.stage2_root = trap_stage2_root,
	.checkpoint = trap_checkpoint,
	.restore = trap_restore,
};
