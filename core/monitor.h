/*
 * monitor.h -- the trap-and-emulate monitor: one hart, its machine
 * memory, and the VMs time-sliced on it.
 *
 * While a guest runs, the hart is in U-mode on the guest's shadow page
 * table, with host_traps set: every trap ends cpu_run and comes here.
 * The monitor plays the part of S-mode software for the real hardware,
 * and of the whole machine for the guest.
 */
#ifndef CORE_MONITOR_H
#define CORE_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/trace.h"
#include "core/vm.h"
#include "devices/bus.h"
#include "isa-toy/cpu.h"
#include "shadowpt/frames.h"

#define MON_MAX_VMS 8

/* Which monitor: the plain one, with binary translation, or for a
 * paravirtualized guest (the three rows of --mode in core/cmd_run.c). */
enum mon_kind { MON_KIND_TRAP, MON_KIND_BT, MON_KIND_PV, MON_KIND_VT };

/* How memory is virtualized under --mode=vt (core/vt.h). */
enum mon_paging { MON_PAGING_NESTED, MON_PAGING_SHADOW };

/* How a VM's time slice ended. */
enum mon_slice_end { MON_SLICE_DONE, MON_SLICE_BLOCKED, MON_SLICE_HALTED, MON_SLICE_STOPPED };

struct monitor {
	struct cpu hw; /* the real hart */
	uint8_t *mram; /* machine RAM */
	uint32_t mram_size;
	struct bus hw_bus;	  /* the hart's own bus: nothing on it */
	struct spt_frames frames; /* machine frames for guests and shadows */
	struct vm *vm[MON_MAX_VMS];
	int nvm;
	struct vm *cur; /* the VM whose registers are on the hart */
	bool timing;	/* measure host ns per action */
	bool tracing;	/* emit trace events */
	bool mute;	/* drop guest console output (tests) */
	enum mon_kind kind;
	bool legacy;		/* the machine is --isa=legacy */
	enum mon_paging paging; /* MON_KIND_VT only */
	/* --mem-limit: how many guest pages of all VMs may be resident
	 * (limit 0: no limit, no swap). */
	struct spt_swap_pool swap_pool;
	struct trace trace;
	/* --suspend-at: stop every VM once their progress (as --max-insns
	 * counts it) reaches this, 0 = never; monitor_run returns 4. */
	uint64_t stop_at;
	/* SIGUSR1 (platform_take_snapshot_request): called between two
	 * rounds of time slices, if set, to write a snapshot; the run goes
	 * on. */
	void (*on_snapshot)(struct monitor *mon, void *ctx);
	void *snapshot_ctx;
};

/* Set up the hart with `guest_bytes` of guest RAM in total, plus room for
 * shadow tables.  Returns 0, or -1 with a message. */
int monitor_init(struct monitor *mon, uint64_t guest_bytes, int nvm, enum mon_kind kind,
		 bool legacy);
void monitor_destroy(struct monitor *mon);

/* Run every VM to its end, or until max_insns guest instructions in all
 * (0 = no limit).  Returns 0, 1 if the limit stopped it, 2 if every VM
 * left waits for an interrupt that cannot come, 3 if writing the trace
 * failed (with a message), 4 if mon->stop_at stopped it (each VM's
 * vm->resume says where its slice was, for core/state.c). */
int monitor_run(struct monitor *mon, uint64_t max_insns);

/* A VM's progress for time slices and --max-insns: its instructions and
 * traps, plus the monitor work that made none, past a few in a row. */
uint64_t monitor_vm_progress(struct vm *vm);

/* Call after handling each trap or VM exit of `vm`: keeps the count of
 * work without guest progress (monitor.c), and panics on an endless run
 * of it. */
void monitor_worked(struct vm *vm);

/* --suspend-at, for a time slice of `vm` that ends at `end` and is about
 * to run the guest for *budget: true if mon->stop_at is reached (the
 * slice stops; vm->resume remembers where), else false with *budget cut
 * so that the guest stops there. */
bool monitor_stop_point(struct monitor *mon, struct vm *vm, uint64_t end, uint64_t *budget);

/* Handle the trap the hart just stopped with (core/trap.c). */
void monitor_trap(struct vm *vm, const struct cpu_trap *t);

/* Is `w` a load or store whose bytes, at the effective address it
 * computes from registers `x`, lie on two pages?  Such a misaligned
 * access faults with stval = its first byte, whichever page is missing,
 * so the monitor performs it instead of filling a shadow (trap.c). */
bool monitor_access_splits(uint32_t w, const uint32_t *x);

/* Deliver a pending virtual interrupt, if the guest can take one now. */
void monitor_inject(struct vm *vm);

/* Enter the guest's trap handler with `cause` (an exception or
 * CAUSE_INTERRUPT | code), as the hardware would have. */
void monitor_reflect(struct vm *vm, uint32_t cause, uint32_t tval);

/* Record an action: stats, and a trace event when tracing. */
void monitor_note(struct vm *vm, enum mon_action action, const struct cpu_trap *t, const char *what,
		  uint64_t t0_ns);
uint64_t monitor_now_ns(const struct monitor *mon);

/* The disassembly of `w` at `pc` on one line ("csrrw x0,satp,x10"). */
void monitor_disasm(uint32_t w, uint32_t pc, char *buf, size_t len);

/* The name of SBI extension `eid`, for the trace ("DBCN", "SRST"...). */
const char *monitor_sbi_name(uint32_t eid);

#endif
