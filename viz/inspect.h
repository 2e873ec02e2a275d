/*
 * inspect.h -- the debugger's view of a running guest, whichever way it
 * runs: on the bare board (no monitor) or as a VM of the trap-and-emulate
 * monitor.  Two layers over one `struct viz_target`:
 *
 *   inspection   const functions that only *read*: real registers and
 *                CSRs of the hart, the guest's registers and its (virtual)
 *                privileged state, memory by guest-virtual, guest-physical
 *                or machine address, the three translations
 *
 *                    V --(guest page table)--> P --(P->R map)--> R
 *                    V --------(shadow page table)-----------> R
 *
 *                and the monitor's trace ring;
 *   control      step and write, used only by the command layer (viz/dbg)
 *                -- the same operations a user types.
 *
 * A mode is a row of function pointers (struct viz_ops), chosen by name
 * as `trapvisor run --mode` chooses (STYLE.md rule 4).
 */
#ifndef VIZ_INSPECT_H
#define VIZ_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/run.h"
#include "core/trace.h"
#include "isa-toy/cpu.h"
#include "isa-toy/elf_load.h"
#include "isa-toy/sv32.h"

struct machine;
struct monitor;
struct platform;

#define VIZ_MAX_GUESTS 8

/* What to run: the options `trapvisor run` takes. */
struct viz_config {
	const char *mode;   /* "trap" (default), "bt", "pv", "vt" or "bare" */
	const char *paging; /* --mode=vt: "nested" (NULL: the default) or "shadow" */
	bool legacy;	    /* --isa=legacy */
	struct {
		const char *elf_path, *bootargs;
		uint32_t ram_size;
		struct disk_spec disks[RUN_MAX_DISKS]; /* --disk, as `run` */
		int ndisks;
		bool net; /* --net switch */
		int dma;  /* --assign: VM_DMA_* (core/vm.h) */
	} guest[VIZ_MAX_GUESTS];
	int nguests;
	const char *trace_path; /* --trace FILE, or NULL */
	uint64_t trace_limit;	/* --trace-limit: cap on its bytes, 0 = none */
};

/* How the last run of the target ended. */
enum viz_end {
	VIZ_RUNNING, /* the budget was used up: more to run */
	VIZ_EXITED,  /* the guest (every guest) shut down */
	VIZ_STUCK,   /* waits for an interrupt nothing can raise */
};

struct viz_target;
struct sbuf;

/* The hart's own counters.  Under a monitor the hart is the host's
 * machine, not the VM's, so a snapshot leaves them out; a checkpoint of
 * the debugger keeps them beside it, so that after going back `info csr`
 * shows the hart's counts as they were. */
struct viz_clock {
	uint64_t instret, idle, traps;
};

struct viz_ops {
	const char *mode;
	bool monitor; /* a monitor between guest and hart: P->R, shadows */
	/* Build the machine and load the guests.  0, or -1 after a message. */
	int (*open)(struct viz_target *t, const struct viz_config *cfg);
	void (*close)(struct viz_target *t);

	/* --- inspection: never changes the target --- */
	const struct cpu *(*hart)(const struct viz_target *t);
	/* The guest's x0..x31 and pc as the guest itself sees them. */
	void (*guest_regs)(const struct viz_target *t, uint32_t x[32], uint32_t *pc);
	/* The privileged state the guest believes in: the hart's own on the
	 * bare board, the vCPU's software copy under the monitor. */
	const struct csr_file *(*guest_csr)(const struct viz_target *t);
	/* P -> R: the machine address of guest-physical `gpa`; -1 if not RAM,
	 * 1 (*ma set) if it is an assigned device's register page, mapped
	 * straight into the VM (not RAM either: no memory reads there). */
	int (*p2r)(const struct viz_target *t, uint64_t gpa, uint64_t *ma);
	/* The satp of the table the hardware walks for the guest now: the
	 * guest's own (bare) or the current shadow's (trap); 0 if none. */
	uint32_t (*hw_satp)(const struct viz_target *t);
	const struct elf_image *(*elf)(const struct viz_target *t);
	/* The trace ring (trap mode), or NULL. */
	const struct trace *(*trace)(const struct viz_target *t);
	/* Traps so far: a counter that grows by one per trap, and the cause
	 * of trap number `i` (0, or -1 if no longer known). */
	uint64_t (*trap_count)(const struct viz_target *t);
	int (*trap_cause)(const struct viz_target *t, uint64_t i, uint32_t *cause);
	/* The board of the guest being inspected: its devices (info virtq). */
	const struct platform *(*plat)(const struct viz_target *t);
	/* Guest progress (csr_progress) summed over every guest: where the
	 * run is in time; `run` moves it by at least n. */
	uint64_t (*progress)(const struct viz_target *t);
	/* Exit status of the guest being inspected, if it shut down. */
	bool (*halted)(const struct viz_target *t, int *exit_code);

	/* --- control: the command layer only --- */
	/* Run `n` steps: one guest instruction retired or one trap taken
	 * each (csr_progress), fewer if the guest ends. */
	enum viz_end (*run)(struct viz_target *t, uint64_t n);
	/* Set register r (1..31, 32 = pc) as the guest sees it. */
	void (*set_reg)(struct viz_target *t, unsigned r, uint32_t v);
	/* Write guest-physical memory the way a device would (caches and
	 * shadows kept right).  0, or -1 if not all RAM. */
	int (*write_phys)(struct viz_target *t, uint64_t gpa, const void *buf, uint32_t len);
	/* Make VM `i` the one inspected.  0, or -1 if there is none. */
	int (*select_vm)(struct viz_target *t, int i);
	/* Under --mode=vt --paging=nested: the machine address of the root
	 * of the monitor's second-stage table; 0 otherwise. */
	uint32_t (*stage2_root)(const struct viz_target *t);

	/* --- checkpoints for running backwards (viz/reverse.c) --- */
	/* Append the whole machine's state to `out` (core/state.h's
	 * in-memory snapshot) and note the hart's own counters in *clock.
	 * 0, or -1 if it cannot be saved (a device a snapshot cannot hold)
	 * or memory is short; nothing printed. */
	int (*checkpoint)(const struct viz_target *t, struct sbuf *out, struct viz_clock *clock);
	/* Build the machine again from such a snapshot into `t` (closed),
	 * its hart's counters set from `clock`, taking the ELF images
	 * (symbols) of `old`, which stays open.  0, or -1 (nothing built). */
	int (*restore)(struct viz_target *t, struct viz_target *old, const struct sbuf *snap,
		       const struct viz_clock *clock);
};

struct viz_target {
	const struct viz_ops *ops;
	struct machine *m;   /* bare */
	struct monitor *mon; /* trap */
	int vm;		     /* the VM inspected (trap) */
	enum viz_end end;    /* how the last run ended */
	/* Where the guest's console output goes (set before open). */
	void (*console)(void *ctx, uint8_t byte);
	void *console_ctx;
};

/* The ops of mode `name`, or NULL. */
const struct viz_ops *viz_mode(const char *name);
extern const struct viz_ops viz_bare_ops, viz_trap_ops;

/* The hart's counters now. */
static inline struct viz_clock viz_clock_of(const struct viz_target *t)
{
	const struct csr_file *c = &t->ops->hart(t)->csr;
	return (struct viz_clock){ c->instret, c->idle, c->traps };
}

/* Open the target for `cfg` (mode by name).  0, or -1 after a message. */
int viz_open(struct viz_target *t, const struct viz_config *cfg);
void viz_close(struct viz_target *t);

/* --- memory: 0, or -1 if the range is not all RAM (or unmapped) --- */

/* Machine memory: the hart's RAM. */
int viz_read_machine(const struct viz_target *t, uint64_t ma, void *buf, uint32_t len);
/* Guest-physical memory, through P -> R. */
int viz_read_phys(const struct viz_target *t, uint64_t gpa, void *buf, uint32_t len);
/* Guest-virtual memory, through the guest's page table (any valid
 * mapping, whatever its permissions: the debugger looks, it does not
 * access). */
int viz_read_virt(const struct viz_target *t, uint32_t va, void *buf, uint32_t len);

/* --- translations --- */

/* V -> P through the guest's current satp: 0 and *w, or the fault cause.
 * With the guest's paging off, P = V and w->steps = 0.  The walk reads
 * copies of the PTEs, so the A/D bits a real walk would set are not. */
int viz_walk_guest(const struct viz_target *t, uint32_t va, struct sv32_walk *w);
/* The same walk for an explicit satp. */
int viz_walk_guest_satp(const struct viz_target *t, uint32_t satp, uint32_t va,
			struct sv32_walk *w);
/* V -> R through the table the hardware walks (the shadow in trap mode;
 * the guest's own on the bare board, where P = R).  0 and *w, or the
 * cause: a page fault here under the monitor means "not filled yet". */
int viz_walk_hw(const struct viz_target *t, uint32_t va, struct sv32_walk *w);
/* The same through the table at `satp` in machine memory (a second stage). */
int viz_walk_hw_satp(const struct viz_target *t, uint32_t satp, uint32_t va, struct sv32_walk *w);

/* Why the table the hardware walks has no entry for an address: three
 * different stories (and a device), each drawn differently. */
enum viz_miss {
	VIZ_MISS_NONE,	 /* it has one */
	VIZ_MISS_FILL,	 /* the guest maps it for this mode: the first access
			  * faults to the monitor, which fills the entry */
	VIZ_MISS_VIEW,	 /* the guest maps it, but not for the mode it runs in
			  * (a user page from the kernel with SUM=0, a kernel
			  * page from user mode): never shadowed in this view */
	VIZ_MISS_GUEST,	 /* the guest maps nothing there: a fault the monitor
			  * reflects to the guest kernel */
	VIZ_MISS_DEVICE, /* not RAM: a device the monitor emulates (each
			  * access traps) */
};

/* The whole story of one virtual address, for `walk` and the drawings. */
struct viz_xlate {
	uint32_t va;
	bool monitor;	    /* a monitor sits between guest and hardware */
	uint32_t gsatp;	    /* the guest's satp */
	int gfault;	    /* V -> P: 0, or the fault cause */
	struct sv32_walk g; /* the guest walk (steps 0: paging off) */
	int rfault;	    /* P -> R: 0, or -1 (not RAM) */
	bool assigned;	    /* P is an assigned device's page, mapped at R */
	uint64_t ma;	    /* R */
	uint32_t hsatp;	    /* the table the hardware walks (shadow) */
	int hfault;	    /* V -> R by it: 0, or the cause (not filled) */
	struct sv32_walk h;
	enum viz_miss miss; /* with hfault: why (monitor modes) */
	/* Under nested paging (TVT), the hardware's two-dimensional walk:
	 * the guest's table walked in guest-physical addresses, each of them
	 * -- every guest PTE's, then the final one -- translated again
	 * through the monitor's second-stage table (tvt_mmu.c). */
	struct viz_2d {
		uint32_t root; /* the second stage's root (R); 0: no nested paging */
		int n;	       /* guest-physical addresses translated */
		struct {
			uint64_t gpa;	    /* a guest PTE's address, or the final P */
			bool leaf;	    /* the final P (not a PTE) */
			int fault;	    /* 0, or: no second-stage entry (a
					   * stage2-fault exit: the monitor fills it) */
			struct sv32_walk w; /* its second-stage walk */
		} s[3];
		unsigned refs; /* memory references in all: second-stage PTEs
				* read, plus the guest PTEs themselves */
	} nested;
};
void viz_translate(const struct viz_target *t, uint32_t va, struct viz_xlate *x);
/* One line on a miss, for `walk` ("" for VIZ_MISS_NONE). */
const char *viz_miss_text(enum viz_miss m);

/* One run of pages the guest maps alike: [va, va+len) -> pa, same flags. */
struct viz_run {
	uint32_t va, len, flags;
	uint64_t pa;
};
/* Call fn for every run of valid mappings of the table rooted at satp
 * (merged: contiguous in V and P with equal flags); returns how many. */
int viz_map_runs(const struct viz_target *t, uint32_t satp,
		 void (*fn)(void *ctx, const struct viz_run *r), void *ctx);

/* A two-level table as a tree, for `walk --all`: the root, its valid
 * entries (each a 4 MiB leaf or a pointer to a level-0 table), and under
 * each level-0 table its runs of leaves mapped alike -- contiguous in V,
 * the same V R W X U G -- whether or not they are contiguous in the
 * addresses they map to (a shadow's R, scattered by the monitor, is not). */
struct viz_tree_run {
	uint32_t va, len, flags;
	uint64_t pa;	 /* of the first page */
	bool contiguous; /* the pages are contiguous in pa too */
	uint64_t ma;	 /* guest tables under a monitor: R of the first page */
};
struct viz_tree_l1 {
	unsigned idx;	 /* VPN[1] */
	uint32_t pte;	 /* the root entry */
	uint64_t table;	 /* the level-0 table it points to (0: a megapage) */
	unsigned nruns;	 /* runs under it (a megapage: one) */
	unsigned first;	 /* index of its first run in viz_tree.run */
	unsigned mapped; /* 4 KiB pages it maps */
};
struct viz_tree {
	uint32_t satp;
	bool machine; /* the tables are in machine memory (shadow, stage 2) */
	unsigned n1;
	struct viz_tree_l1 l1[1024];
	unsigned nrun, cap;
	struct viz_tree_run *run;
};
/* Read the table rooted at `satp` into *tr (in machine memory if
 * `machine`: a shadow or second-stage table).  0, or -1 if out of memory
 * (what was read is kept).  Free with viz_tree_free. */
int viz_tree_read(const struct viz_target *t, uint32_t satp, bool machine, struct viz_tree *tr);
void viz_tree_free(struct viz_tree *tr);

/* "V R W X U G A D" style flags into buf ("-" for clear bits). */
const char *viz_pte_flags(uint32_t pte, char buf[9]);

/* The guest's registers and pc, as the guest sees them. */
static inline uint32_t viz_pc(const struct viz_target *t)
{
	uint32_t x[32], pc;
	t->ops->guest_regs(t, x, &pc);
	return pc;
}

#endif
