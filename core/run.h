/*
 * run.h -- what `trapvisor run` was asked to do, and the table of modes
 * that can do it.  A mode is a row of function pointers chosen by name
 * (--mode=bare, trap, ...); core/cmd_run.c only drives the table.
 */
#ifndef CORE_RUN_H
#define CORE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vm_balloon.h"
#include "devices/disk.h"

/* Exit statuses trapvisor itself uses (the guest's own are 0..255 and
 * pass through unchanged). */
#define TV_EXIT_USAGE 2	  /* bad command line or bad input file */
#define TV_EXIT_LIMIT 124 /* --max-insns reached (as timeout(1)) */
#define TV_EXIT_STUCK 125 /* guest waits for an interrupt that cannot come */

#define RUN_MAX_GUESTS 8
#define RUN_MAX_DISKS  8 /* per guest: the board's virtio slots */

/* One guest: options before its ELF on the command line apply to it (and
 * to the guests after it, unless they are given again). */
struct run_guest {
	const char *elf_path;
	uint32_t ram_size;
	const char *bootargs;
	/* --disk options given before this guest (and only those: a disk
	 * belongs to one VM). */
	struct disk_spec disks[RUN_MAX_DISKS];
	int ndisks;
	bool net; /* --net switch: a virtio-net port on the run's switch */
	int dma;  /* --assign dma: VM_DMA_EMULATED or VM_DMA_ASSIGNED (core/vm.h) */
	/* --balloon SIZE[,at=N], repeatable: a memory balloon, asked for
	 * SIZE bytes once the VM retired N instructions (core/reclaim.c);
	 * nballoon 0: no balloon device. */
	struct vm_balloon_request balloon[VM_BALLOON_REQUESTS];
	int nballoon;
};

/* What one run cost, for `trapvisor bench modes` (core/bench_modes.c):
 * everything counted, except the host time.  Of VM 0 when there are
 * several. */
struct run_counts {
	uint64_t insns;	      /* guest instructions retired */
	uint64_t traps;	      /* hardware traps taken: into the guest kernel
			       * (bare, vt) or into the monitor (trap, bt, pv) */
	uint64_t guest_traps; /* traps the guest kernel's handler received */
	uint64_t exits;	      /* VM exits (vt) */
	uint64_t handled;     /* events the monitor handled in software:
			       * traps to it, or exits */
	uint64_t walk_refs;   /* page-table entries the hardware walker read */
	uint64_t tlb_fills;   /* TLB misses that were filled */
	uint64_t ns;	      /* host time of the run */
	int status;	      /* the exit status the run returned */
	/* Memory, summed over every VM of the run (monitor modes): */
	uint64_t swap_outs, swap_ins; /* pages written to / read from swap */
	uint64_t ballooned;	      /* pages the balloons dropped */
	uint64_t resident;	      /* guest pages in host memory at the end */
};

struct run_config {
	const char *mode;   /* "bare", "trap", ... */
	const char *paging; /* --mode=vt: "nested" (default) or "shadow" */
	struct run_guest guest[RUN_MAX_GUESTS];
	int nguests;
	uint64_t max_insns; /* 0 = none */
	bool legacy;	    /* --isa=legacy */
	bool stats;
	const char *trace_path;	   /* --trace FILE or NULL */
	uint64_t trace_limit;	   /* --trace-limit: cap on its bytes, 0 = none */
	bool mute;		   /* drop the guest's console output */
	uint64_t mem_limit;	   /* --mem-limit: resident guest bytes, 0 = all */
	struct run_counts *counts; /* filled in at the end, if not NULL */
	/* --suspend-at N --snapshot FILE: stop after N instructions (counted
	 * as --max-insns counts) and write the VM's state to FILE (core/state.h);
	 * 0 = never. */
	uint64_t suspend_at;
	const char *snapshot;
	/* --migrate-to HOST:PORT [--migrate-at N]: live migration of the
	 * run's VMs (core/migrate.h), starting after N instructions (0: at
	 * once); --incoming HOST:PORT: be the destination, no guest given. */
	const char *migrate_to;
	uint64_t migrate_at;
	const char *incoming;
};

struct run_mode {
	const char *name;
	const char *help;
	/* Run the guest; return the process exit status. */
	int (*run)(const struct run_config *cfg);
};

/* The modes, ending with a row whose name is NULL. */
extern const struct run_mode run_modes[];

/* The row of mode `name`, or NULL. */
const struct run_mode *run_find_mode(const char *name);

/* The bare board (isa-toy, no monitor). */
int run_bare(const struct run_config *cfg);
/* --net switch on the bare board `p`: a virtio-net card on a switch of
 * its own (one VM, nobody to talk to).  0, or -1 after a message. */
struct platform;
int run_bare_net(struct platform *p);
/* The trap-and-emulate monitor with shadow page tables (core/), plain,
 * with binary translation, or for a paravirtualized guest. */
int run_trap(const struct run_config *cfg);
int run_bt(const struct run_config *cfg);
int run_pv(const struct run_config *cfg);
/* The monitor on TVT, the hardware assist (core/vt.h). */
int run_vt(const struct run_config *cfg);

/* Run the VMs of a monitor that is set up (by run_trap & co., or by a
 * resume), to the end or to cfg->suspend_at, and report as `run` does
 * (stats of the switch `sw`, which may be NULL).  The exit status. */
struct monitor;
struct netswitch;
int run_monitor_go(struct monitor *mon, const struct run_config *cfg, const struct netswitch *sw);

/* The same for the bare machine `m`, set up by run_bare or a resume. */
struct machine;
int run_bare_go(struct machine *m, const struct run_config *cfg);

/* A run rebuilt from a snapshot or a migration (core/state.h): its mode's
 * name, and running it on to its end under `cfg` (whose mode, max_insns
 * and ISA are set from it).  Frees *l; the exit status. */
struct state_loaded;
const char *run_loaded_mode(const struct state_loaded *l);
int run_loaded(struct state_loaded *l, struct run_config *cfg);

/* `trapvisor resume [OPTIONS] FILE` (core/cmd_resume.c). */
int cmd_resume(int argc, char **argv);

/* Numbers on the command line, strictly: the whole string, decimal or
 * 0x-hex, no blanks, no sign, no overflow; -1 otherwise (the caller names
 * the option on stderr and exits 2).
 * run_parse_u64: a plain number ("1000", "0x80000000").
 * run_parse_size: a number with an optional K, M or G (powers of 1024),
 * which may be spelt KB/KiB, MB/MiB, GB/GiB: "64M", "1G", "65536". */
int run_parse_u64(const char *s, uint64_t *out);
int run_parse_size(const char *s, uint64_t *out);

/* --trace-limit SIZE, for every command that takes --trace: 0 (no cap) or
 * a size of at least TRACE_LIMIT_MIN.  0 with *bytes set, or -1 after one
 * line on stderr naming the option. */
int run_parse_trace_limit(const char *s, uint64_t *bytes);

/* --disk SPEC and --net NET, for every command that builds VMs (run,
 * debug, walk): the disk is parsed (disk_parse_spec) into the next free
 * entry of disks[], *ndisks counting them; the one network is "switch".
 * 0, or -1 after one line on stderr naming `cmd`. */
int run_parse_disk(char *arg, struct disk_spec disks[RUN_MAX_DISKS], int *ndisks, const char *cmd);
int run_parse_net(const char *arg, const char *cmd);

/* --assign DEVICE, for the same commands: "dma" sets *dma to
 * VM_DMA_ASSIGNED, "dma,emulated" to VM_DMA_EMULATED (core/vm.h).  0, or
 * -1 after one line on stderr naming `cmd`. */
int run_parse_assign(const char *arg, int *dma, const char *cmd);

/* --suspend-at N: a positive count (0, or -1 after one line naming
 * `cmd`); run_check_snapshot: --suspend-at needs --snapshot, and
 * --snapshot alone (for SIGUSR1) a monitor mode (0, or -1 after one
 * line). */
int run_parse_suspend_at(const char *arg, uint64_t *n, const char *cmd);
int run_check_snapshot(const struct run_config *cfg, const char *cmd);

#endif
