/*
 * monitor.c -- the monitor's main loop: put a VM on the hart, deliver its
 * virtual interrupts, run it deprivileged until it traps, handle the
 * trap, repeat; several VMs take turns.
 *
 * Time inside a VM is *virtual*: its counters advance by the guest
 * instructions the hardware ran for it plus those the monitor emulated,
 * exactly as they would advance on the bare machine.  So a guest's timer
 * interrupts arrive at the same instruction in every mode, and the
 * monitor is invisible even to a stopwatch inside the guest.
 */
#include "core/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pv.h"
#include "core/vt.h"
#include "isa-toy/board.h"
#include "isa-toy/ram.h"

/* Shadow tables get this much machine memory beyond the guests'. */
#define MON_SHADOW_POOL (8u << 20)

uint64_t monitor_now_ns(const struct monitor *mon)
{
	(void)mon;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int monitor_init(struct monitor *mon, uint64_t guest_bytes, int nvm, enum mon_kind kind,
		 bool legacy)
{
	memset(mon, 0, sizeof(*mon));
	mon->kind = kind;
	mon->legacy = legacy;
	uint64_t size = guest_bytes + MON_SHADOW_POOL + (uint64_t)nvm * (1u << 20);
	if (size > 0xc0000000ull) {
		fprintf(stderr,
			"trapvisor: guests need more machine memory than TRV32 can address\n");
		return -1;
	}
	mon->mram_size = (uint32_t)size;
	/* An anonymous reservation: a frame costs host memory only once
	 * something writes it, so start-up does not grow with --mem. */
	mon->mram = ram_reserve(size);
	if (!mon->mram)
		return -1;
	bus_init(&mon->hw_bus); /* the hart reaches no device directly */
	if (cpu_init(&mon->hw, mon->mram, BOARD_RAM_BASE, mon->mram_size, &mon->hw_bus))
		goto out_ram;
	if (spt_frames_init(&mon->frames, mon->mram, BOARD_RAM_BASE, mon->mram_size / SPT_PAGE))
		goto out_cpu;

	/* The hart as the monitor configures it for guests: U-mode, every
	 * trap to us, no hardware interrupts, and counters that trap too
	 * (scounteren = 0), so reading `time` is emulated: virtual time. */
	cpu_reset(&mon->hw, 0, 0);
	mon->hw.host_traps = true;
	mon->hw.csr.priv = PRIV_U;
	mon->hw.csr.scounteren = 0;
	mon->hw.csr.sie = 0;
	mon->hw.csr.legacy = legacy; /* the real machine's flaw */
	return 0;

out_cpu:
	cpu_destroy(&mon->hw);
out_ram:
	ram_release(mon->mram, mon->mram_size);
	mon->mram = NULL;
	return -1;
}

void monitor_destroy(struct monitor *mon)
{
	for (int i = 0; i < mon->nvm; i++)
		vm_destroy(mon->vm[i]);
	spt_frames_destroy(&mon->frames);
	cpu_destroy(&mon->hw);
	ram_release(mon->mram, mon->mram_size);
	trace_close(&mon->trace);
}

/* A world switch: the outgoing VM's registers off the hart, the incoming
 * VM's registers and shadow table on. */
static void monitor_load(struct monitor *mon, struct vm *vm)
{
	if (mon->cur == vm)
		return;
	if (mon->cur) {
		memcpy(mon->cur->vcpu.x, mon->hw.x, sizeof(mon->hw.x));
		mon->cur->vcpu.pc = mon->hw.pc;
	}
	memcpy(mon->hw.x, vm->vcpu.x, sizeof(mon->hw.x));
	mon->hw.pc = vm->vcpu.pc;
	mon->hw.resv_valid = false;
	mon->cur = vm;
	vm_switch_shadow(vm);
}

void monitor_reflect(struct vm *vm, uint32_t cause, uint32_t tval)
{
	/* LAB trap-and-emulate step 4 BEGIN: reflect a trap into the guest */
	/* What the hardware does on a trap into S-mode, done to the vCPU's
	 * software copy: sepc, scause, stval, SPP/SPIE/SIE, mode, pc. */
	csr_trap_enter(&vm->vcpu.csr, &vm->mon->hw.pc, cause, tval);
	vm->mon->hw.resv_valid = false;
	vm_switch_shadow(vm); /* now in virtual S-mode: the kernel's view */

	/* LAB STUB */
	//| /* Not written yet: the VM stops, saying which trap it could not
	//|  * deliver (doing nothing would retry the same trap forever). */
	//| fprintf(stderr, "trapvisor: vm%d: %s (tval %#x) not reflected: write monitor_reflect\n",
	//| 	vm->id, cpu_cause_name(cause), tval);
	//| vm->halted = true;
	//| vm->exit_code = 1;
	/* LAB END */
}

void monitor_inject(struct vm *vm)
{
	struct vcpu *v = &vm->vcpu;
	/* LAB interrupts step 2 BEGIN: wake a vCPU waiting in wfi */
	if (csr_wfi_wakes(&v->csr))
		v->wfi = false;
	/* LAB STUB */
	//| /* Not written yet: a vCPU in wfi sleeps forever. */
	/* LAB END */
	/* LAB interrupts step 1 BEGIN: deliver a due, enabled interrupt */
	int code = csr_interrupt(&v->csr);
	if (code < 0)
		return;
	/* A paravirtual kernel masks interrupts with a flag in the page it
	 * shares with us, instead of sstatus.SIE: no trap to set it. */
	if (vm->mon->kind == MON_KIND_PV && v->csr.priv == PRIV_S && pv_masked(vm))
		return;
	uint64_t t0 = vm->mon->timing ? monitor_now_ns(vm->mon) : 0;
	struct cpu_trap t = { CAUSE_INTERRUPT | (uint32_t)code, 0, vm->mon->hw.pc };
	vm->trap_mode = v->csr.priv;
	monitor_reflect(vm, t.cause, 0);
	monitor_note(vm, MON_inject_irq, &t, cpu_cause_name(t.cause), t0);
	/* LAB STUB */
	//| /* Not written yet: the guest never gets an interrupt.  (A
	//|  * paravirtual kernel's mask is pv_masked(vm): keep one held back
	//|  * while its kernel masks them.) */
	//| (void)v;
	/* LAB END */
}

/*
 * Monitor work that makes no guest progress.  Every trap or exit the
 * monitor handles should lead the guest on: the instruction it emulated
 * retires, the fault it reflected is taken, the shadow entry it filled
 * lets the instruction run.  A few in a row without progress are normal
 * (an instruction's fetch and its load may each need a fill), but a run
 * of them is a loop of monitor work -- a monitor bug, as the shadow fill
 * that once never gave a U-mode guest a usable entry.  Such work must
 * still end: past MON_STALL_FREE in a row, each one counts as guest
 * progress, so time slices end and --max-insns stops the run; and a run
 * of MON_STALL_PANIC is a broken invariant.
 */
#define MON_STALL_FREE	64
#define MON_STALL_PANIC (1ull << 24)

uint64_t monitor_vm_progress(struct vm *vm)
{
	return csr_progress(vm_csr(vm)) + vm->stall.counted;
}

void monitor_worked(struct vm *vm)
{
	uint64_t now = csr_progress(vm_csr(vm));
	if (now != vm->stall.at) {
		vm->stall.at = now;
		vm->stall.run = 0;
		return;
	}
	if (++vm->stall.run > MON_STALL_FREE)
		vm->stall.counted++;
	if (vm->stall.run >= MON_STALL_PANIC) {
		fprintf(stderr,
			"trapvisor: %s:%d: panic: VM %d: %llu traps or exits handled without "
			"guest progress (pc 0x%08x)\n",
			__FILE__, __LINE__, vm->id, (unsigned long long)vm->stall.run,
			vm->vt ? vm->vtx->vmcs.guest.pc : vm->mon->hw.pc);
		fflush(NULL);
		abort();
	}
}

static uint64_t monitor_total_progress(const struct monitor *mon);

/* The slice of `vm`, which would have ended at `end`, stops at
 * mon->stop_at: remember where it was for a resume. */
static enum mon_slice_end monitor_stop(struct vm *vm, uint64_t end, bool mid_run)
{
	vm->resume.slice_end = end;
	vm->resume.mid_run = mid_run;
	return MON_SLICE_STOPPED;
}

bool monitor_stop_point(struct monitor *mon, struct vm *vm, uint64_t end, uint64_t *budget)
{
	if (!mon->stop_at)
		return false;
	uint64_t total = monitor_total_progress(mon);
	if (total >= mon->stop_at) {
		monitor_stop(vm, end, true);
		return true;
	}
	if (mon->stop_at - total < *budget)
		*budget = mon->stop_at - total;
	return false;
}

/* Run `vm` for up to `slice` of its instructions. */
static enum mon_slice_end monitor_slice(struct monitor *mon, struct vm *vm, uint64_t slice)
{
	struct vcpu *v = &vm->vcpu;
	if (vm->vt)
		return vt_slice(mon, vm, slice); /* the hardware does most of this */
	uint64_t end = monitor_vm_progress(vm) + slice;
	/* Resumed in the middle of a slice (core/state.c): the slice ends
	 * where it would have, and if the hart stopped in the middle of
	 * guest code, we go on without the look for interrupts the run that
	 * never stopped did not make there (for a paravirtual guest, that
	 * look leaves a note in its memory). */
	bool look = !vm->resume.mid_run;
	if (vm->resume.slice_end)
		end = vm->resume.slice_end;
	vm->resume.slice_end = 0;
	vm->resume.mid_run = false;

	monitor_load(mon, vm);
	while (!vm->halted) {
		if (look)
			monitor_inject(vm);
		look = true;
		if (v->wfi) {
			/* Idle: let virtual time run to the timer, by the same
			 * rule as the hart; otherwise only a device (the
			 * console) can wake us. */
			if (!csr_idle_to_timer(&v->csr))
				return MON_SLICE_BLOCKED;
			/* With other VMs, an idle one hands them the hart at
			 * each of its timer ticks: its clock must not run ahead
			 * of theirs by more than a tick and a slice, or what it
			 * waits for from them (a frame on the switch) could
			 * only come after its own timeouts. */
			if (mon->nvm > 1)
				return MON_SLICE_DONE;
			continue;
		}
		if (monitor_vm_progress(vm) >= end)
			return MON_SLICE_DONE;
		uint64_t budget = end - monitor_vm_progress(vm);
		/* Stop at the timer's deadline, to deliver it on time -- unless
		 * an interrupt is already due and was held back (a paravirtual
		 * kernel's mask): the guest calls us when it unmasks, and
		 * stepping it one instruction at a time would only burn time. */
		if (csr_timer_can_fire(&v->csr) && csr_interrupt(&v->csr) < 0) {
			uint64_t t = csr_cycles_to_timer(&v->csr);
			if (t < budget)
				budget = t ? t : 1;
		}
		/* --suspend-at: the hart stops at the point, wherever the
		 * slice is. */
		if (monitor_stop_point(mon, vm, end, &budget))
			return MON_SLICE_STOPPED;
		uint64_t before = mon->hw.csr.instret;
		enum cpu_stop stop = cpu_run(&mon->hw, budget);
		uint64_t ran = mon->hw.csr.instret - before;
		v->csr.instret += ran;
		vm->stats.direct += ran;
		if (stop == CPU_STOP_TRAP) {
			uint64_t fills = vm->stats.by_action[MON_shadow_fill];
			mon->hw.trap_stop = false;
			monitor_trap(vm, &mon->hw.trap);
			monitor_worked(vm);
			/* A shadow fill is invisible to the guest -- the
			 * shadow is a cache -- and so is the next look for
			 * interrupts: a fill cannot make one deliverable, and
			 * one held back by a paravirtual kernel's mask must not
			 * be delivered sooner because a cache was cold (as after
			 * a resume, core/state.c). */
			look = vm->stats.by_action[MON_shadow_fill] == fills;
			if (platform_signal_pending())
				return MON_SLICE_DONE; /* monitor_run acts on it */
			if (mon->stop_at && monitor_total_progress(mon) >= mon->stop_at)
				return monitor_stop(vm, end, !look);
		} else if (mon->stop_at && monitor_total_progress(mon) >= mon->stop_at) {
			return monitor_stop(vm, end, true);
		}
	}
	return MON_SLICE_HALTED;
}

static uint64_t monitor_total_progress(const struct monitor *mon)
{
	/* (All VMs: --max-insns and --suspend-at count them all.) */
	uint64_t n = 0;
	for (int i = 0; i < mon->nvm; i++)
		n += monitor_vm_progress(mon->vm[i]);
	return n;
}

int monitor_run(struct monitor *mon, uint64_t max_insns)
{
	/* A run resumed (core/state.c) in the middle of a round of slices
	 * goes on with the VM that was stopped, then the rest of the round. */
	int first = 0;
	for (int i = 0; i < mon->nvm; i++)
		if (mon->vm[i]->resume.slice_end)
			first = i;
	for (;;) {
		bool alive = false, ran = false, partial = first > 0;
		/* Between two rounds every VM is at the start of a slice: a
		 * resumed run starts there too, and slices time the same. */
		if (mon->on_snapshot && platform_take_snapshot_request())
			mon->on_snapshot(mon, mon->snapshot_ctx);
		for (int i = first; i < mon->nvm; i++) {
			struct vm *vm = mon->vm[i];
			if (vm->halted)
				continue;
			alive = true;
			uint64_t slice = PLATFORM_SLICE;
			if (max_insns) {
				uint64_t done = monitor_total_progress(mon);
				if (done >= max_insns)
					return 1;
				if (max_insns - done < slice)
					slice = max_insns - done;
			}
			uint64_t idle_before = vm_csr(vm)->idle;
			enum mon_slice_end e = monitor_slice(mon, vm, slice);
			if (e == MON_SLICE_STOPPED)
				return 4; /* in the middle of the slice: no polling */
			if (e != MON_SLICE_BLOCKED)
				ran = true;
			/* An assigned device runs between time slices: it finds
			 * the command the guest stored in its register page and
			 * raises its interrupt on this VM's PLIC.  A guest that
			 * waits for it in wfi was blocked, but is not stuck. */
			if (vm->plat.has_dma && dma_copy_poll(&vm->plat.dma))
				ran = true;
			/* The monitor asks for memory between slices too: at a
			 * slice boundary, so at the same instruction in every
			 * run of the same guest. */
			vm_balloon_poll(vm);
			/* The console: look for input between turns; wait a little
			 * when the guest only idles, so we do not spin. */
			bool idling = vm_csr(vm)->idle - idle_before > PLATFORM_SLICE;
			struct platform *p = &vm->plat;
			if (e == MON_SLICE_BLOCKED)
				platform_poll_input(p, 0);
			else
				platform_poll_input(p, idling && !p->input_eof ? 1 : 0);
		}
		fflush(stdout);
		first = 0;
		if (mon->trace.failed)
			return 3; /* said so already */
		if (partial)
			continue; /* the VMs before it had their turn before the stop */
		if (!alive)
			return 0;
		if (max_insns && monitor_total_progress(mon) >= max_insns)
			return 1;
		if (!ran) {
			/* Everyone waits for a device.  Only VM 0 has input. */
			bool hope = false;
			for (int i = 0; i < mon->nvm; i++)
				if (!mon->vm[i]->halted && !platform_input_done(&mon->vm[i]->plat))
					hope = true;
			if (!hope)
				return 2;
			platform_poll_input(&mon->vm[0]->plat, 100);
		}
	}
}
