/*
 * bench.h -- `trapvisor bench modes`: the software-versus-hardware
 * comparison (issue 8), after Adams & Agesen, "A Comparison of Software
 * and Hardware Techniques for x86 Virtualization" (ASPLOS 2006).
 *
 * Each microbenchmark kind of the teaching kernel's `micro` program
 * (isa-toy/guests/user/micro.c) runs in each configuration row (bare,
 * trap, bt, pv, vt + nested, vt + shadow), in this process, through the
 * mode table of core/run.h.  One row of figures is "per iteration":
 *
 *              count(run with 2N iterations) - count(run with N)
 *     x  =    ---------------------------------------------------
 *                                   N
 *
 * so the kernel's boot and the program's start-up and teardown, the same
 * in both runs, cancel out.  core/bench_modes.c runs and prints;
 * core/bench_svg.c draws the chart.
 */
#ifndef CORE_BENCH_H
#define CORE_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One microbenchmark: `run=micro:NAME:N` on the kernel command line. */
struct bench_kind {
	const char *name;
	double n1;	  /* default N (the runs use N and 2N) */
	const char *what; /* one iteration, for --help */
};

/* One configuration: how `trapvisor run` would be told to run it. */
struct bench_row {
	const char *name;   /* for --rows and the table */
	const char *mode;   /* the run_modes[] row (--mode=) */
	const char *paging; /* --paging= for mode vt, else NULL */
	bool legacy;	    /* --isa=legacy */
	bool pv_kernel;	    /* the PARAVIRT=1 kernel (kernel-pv.elf) */
	const char *what;   /* for --help */
	const char *color;  /* of its bars in the chart */
};

/*
 * The cost model: a figure in "instruction units" that weighs the events
 * of one iteration by what they would cost a real machine.
 *
 *   cost = insns + trap * traps + switch * exits + walk * walk_refs
 *                + emulate * handled
 *
 * An instruction costs 1 by definition; the weights are placeholders,
 * justified in docs/comparison.md (--cost changes them).
 */
struct bench_cost {
	double trap;	/* a hardware trap (into the kernel or the monitor) */
	double sw;	/* a world switch: a VM exit and the re-entry */
	double walk;	/* one page-table entry read by the hardware walker */
	double emulate; /* one event handled in software by the monitor */
};

/* The per-iteration figures of one (kind, row) cell. */
struct bench_cell {
	uint64_t n1, n2;  /* the two iteration counts */
	double insns;	  /* guest instructions retired */
	double traps;	  /* hardware traps (kernel or monitor) */
	double exits;	  /* VM exits (vt) */
	double handled;	  /* events the monitor handled in software */
	double walk_refs; /* page-table entries read by the walker */
	double tlb_fills; /* TLB misses filled */
	double ns;	  /* host time (best of --runs) */
};

#define BENCH_MAX_KINDS 16
#define BENCH_MAX_ROWS	8

/* What was measured: the kinds and rows chosen, in order, and a cell
 * for each pair. */
struct bench_table {
	int nkinds, nrows;
	const struct bench_kind *kind[BENCH_MAX_KINDS];
	const struct bench_row *row[BENCH_MAX_ROWS];
	struct bench_cell cell[BENCH_MAX_KINDS][BENCH_MAX_ROWS];
};

/* bench_cost_of: the cost-model figure of one cell. */
double bench_cost_of(const struct bench_cost *c, const struct bench_cell *x);

/* bench_svg_write: write a grouped bar chart of the cost per iteration
 * (one group per kind, one bar per row, log-scale y axis) to `f` as a
 * standalone SVG document.  Every bar is one <rect> (nothing else in the
 * chart is).  Returns 0, or -1 if writing failed. */
int bench_svg_write(FILE *f, const struct bench_table *t, const struct bench_cost *c);

/* `trapvisor bench modes [OPTIONS]` (core/cmd_bench.c calls it). */
int bench_modes_main(int argc, char **argv);

/* `trapvisor bench disks [OPTIONS]` (core/bench_disks.c): emulated disk
 * against virtio-blk, per KiB moved, in each mode. */
int bench_disks_main(int argc, char **argv);
/* `trapvisor bench startup`: wall time and peak RSS of a trivial guest at
 * 64 MiB and 1 GiB, bare, trap and vt (core/bench_startup.c). */
int bench_startup_main(int argc, char **argv);
/* `trapvisor bench reclaim`: swap against the balloon (core/bench_reclaim.c). */
int bench_reclaim_main(int argc, char **argv);

/* bench_beside_exe: "DIR/guests/NAME" for the directory of this
 * executable (build/trapvisor -> build/guests/NAME): where the default
 * kernels are.  malloc'd, or NULL. */
char *bench_beside_exe(const char *name);

#endif
