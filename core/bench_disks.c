/*
 * bench_disks.c -- `trapvisor bench disks`: the lecture's claim that
 * replacing a device beats emulating it, as numbers.  The teaching
 * kernel's `disk` program (`disk:K:64:io`: write K KiB, read them back,
 * no pattern computed or checked) runs on each
 * disk -- the emulated PIO controller, where every data word is a
 * register access, and virtio-blk, where a whole request is one doorbell
 * -- in each mode, on a scratch raw image, muted, in this process.
 *
 * As in `bench modes` (bench.h), figures come from differencing: the
 * program moves 2K KiB in one run and 4K KiB in the other (K written and
 * read back, then 2K), so boot and start-up cancel out and
 *
 *                     count(run moving 4K KiB) - count(run moving 2K KiB)
 *   x per KiB   =    -----------------------------------------------------
 *                                         2K
 *
 * Traps are the hardware traps of the run: into the guest kernel on the
 * bare machine, into the monitor under trap and pv; under vt the column
 * counts VM exits instead.  Host time is the best of --runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bench.h"
#include "core/run.h"
#include "isa-toy/board.h"

/* Where the program writes (its default first sector, user/disk.c). */
#define BENCH_DISK_FIRST 64u

static const struct bench_row bench_disk_rows[] = {
	{ "bare", "bare", NULL, false, false, "the kernel on the machine itself", NULL },
	{ "trap", "trap", NULL, false, false, "trap-and-emulate", NULL },
	{ "pv", "pv", NULL, false, true, "the PARAVIRT=1 kernel", NULL },
	{ "vt", "vt", "nested", false, false, "TVT, nested paging", NULL },
};
#define BENCH_DISK_NROWS (int)(sizeof(bench_disk_rows) / sizeof(bench_disk_rows[0]))

static const struct {
	const char *name, *opt; /* ,if= of --disk */
} bench_disk_kinds[] = {
	{ "emulated", "emulated" },
	{ "virtio", "virtio" },
};
#define BENCH_DISK_NKINDS (int)(sizeof(bench_disk_kinds) / sizeof(bench_disk_kinds[0]))

struct bench_disk_opts {
	unsigned kib; /* K: the smaller run writes and reads K KiB */
	int runs;
	bool csv;
	const char *kernel, *pv_kernel;
	char image[64]; /* the scratch image */
};

/* Per KiB moved, for one (disk, row). */
struct bench_disk_cell {
	double insns, traps, ns;
};

static void bench_disks_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor bench disks [--kib K] [--runs R] [--csv]\n"
		   "                             [--kernel ELF] [--pv-kernel ELF]\n"
		   "\n"
		   "The teaching kernel's disk program writes K KiB and reads them back, then\n"
		   "2K; the difference, per KiB moved, for the emulated disk (one register\n"
		   "access per 32-bit word) and virtio-blk (one doorbell per request), on\n"
		   "the bare machine and in modes trap, pv and vt (nested paging).\n"
		   "\n"
		   "  --kib K         K (default 512; 1..4096)\n"
		   "  --runs R        host time: best of R runs of each size (default 5)\n"
		   "  --csv           disk,row,insns,traps,ns per KiB, one line each\n"
		   "  --kernel ELF    the kernel (default: guests/kernel.elf beside trapvisor)\n"
		   "  --pv-kernel ELF the PARAVIRT=1 kernel for the pv row\n"
		   "\n"
		   "traps/KiB counts hardware traps (bare: into the kernel; trap, pv: into\n"
		   "the monitor) and, under vt, VM exits.\n");
}

/* 0; 1 for --help; -1 after one line on stderr. */
static int bench_disks_parse(int argc, char **argv, struct bench_disk_opts *o)
{
	static const struct option opts[] = {
		{ "kib", required_argument, NULL, 'k' },
		{ "runs", required_argument, NULL, 'r' },
		{ "csv", no_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "pv-kernel", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;
	long v;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
		case 'r':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 1 ||
			    v > (c == 'k' ? 4096 : 100)) {
				fprintf(stderr, "trapvisor bench disks: --%s %s: need 1..%d\n",
					c == 'k' ? "kib" : "runs", optarg, c == 'k' ? 4096 : 100);
				return -1;
			}
			if (c == 'k')
				o->kib = (unsigned)v;
			else
				o->runs = (int)v;
			break;
		case 'c': o->csv = true; break;
		case 'K': o->kernel = optarg; break;
		case 'P': o->pv_kernel = optarg; break;
		case 'h': bench_disks_usage(stdout); return 1;
		default:
			fprintf(stderr,
				"trapvisor bench disks: unknown or incomplete option '%s' (try "
				"--help)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "trapvisor bench disks: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* One muted run moving 2 * kib KiB on disk kind `d` in row `r`. */
static int bench_disk_run(struct bench_disk_opts *o, const struct bench_row *r, int d, unsigned kib,
			  struct run_counts *counts)
{
	/* The size zero-padded to a fixed width, so that both runs cost
	 * the kernel the same argv copying. */
	char bootargs[64], spec[96];
	snprintf(bootargs, sizeof(bootargs), "run=disk:%010u:%u:io", kib, BENCH_DISK_FIRST);
	snprintf(spec, sizeof(spec), "%s,if=%s", o->image, bench_disk_kinds[d].opt);
	struct run_config cfg = {
		.mode = r->mode,
		.paging = r->paging,
		.nguests = 1,
		.mute = true,
		.counts = counts,
	};
	cfg.guest[0] = (struct run_guest){ .elf_path = r->pv_kernel ? o->pv_kernel : o->kernel,
					   .ram_size = BOARD_RAM_DEFAULT,
					   .bootargs = bootargs,
					   .ndisks = 1 };
	if (disk_parse_spec(spec, &cfg.guest[0].disks[0]))
		return -1;
	*counts = (struct run_counts){ .status = -1 };
	int status = run_find_mode(r->mode)->run(&cfg);
	if (status || counts->status) {
		fprintf(stderr,
			"trapvisor bench disks: %s disk, row %s: the run failed (exit status %d); "
			"see trapvisor run --mode=%s --disk %s,if=%s --append %s %s\n",
			bench_disk_kinds[d].name, r->name, status, r->mode, o->image,
			bench_disk_kinds[d].opt, bootargs, r->pv_kernel ? o->pv_kernel : o->kernel);
		return -1;
	}
	return 0;
}

/* The events column: exits under vt, hardware traps otherwise. */
static uint64_t bench_disk_events(const struct bench_row *r, const struct run_counts *c)
{
	return strcmp(r->mode, "vt") ? c->traps : c->exits;
}

static int bench_disk_measure(struct bench_disk_opts *o, const struct bench_row *r, int d,
			      struct bench_disk_cell *x)
{
	unsigned kib[2] = { o->kib, 2 * o->kib };
	struct run_counts first[2], c;
	uint64_t best_ns[2] = { UINT64_MAX, UINT64_MAX };

	for (int rep = 0; rep < o->runs; rep++)
		for (int s = 0; s < 2; s++) {
			if (bench_disk_run(o, r, d, kib[s], &c))
				return -1;
			if (rep == 0)
				first[s] = c;
			else if (c.insns != first[s].insns || c.traps != first[s].traps ||
				 c.exits != first[s].exits) {
				/* The machine is deterministic: a broken invariant. */
				fprintf(stderr,
					"trapvisor: %s:%d: internal error: %s disk, row %s: "
					"counts differ between runs\n",
					__FILE__, __LINE__, bench_disk_kinds[d].name, r->name);
				abort();
			}
			if (c.ns < best_ns[s])
				best_ns[s] = c.ns;
		}
	/* Each run moves twice its K: written, then read back. */
	double moved = 2.0 * (kib[1] - kib[0]);
	x->insns = ((double)first[1].insns - (double)first[0].insns) / moved;
	x->traps =
	    ((double)bench_disk_events(r, &first[1]) - (double)bench_disk_events(r, &first[0])) /
	    moved;
	x->ns = ((double)best_ns[1] - (double)best_ns[0]) / moved;
	return 0;
}

static void bench_disks_print(const struct bench_disk_opts *o,
			      struct bench_disk_cell cell[BENCH_DISK_NKINDS][BENCH_DISK_NROWS])
{
	if (o->csv) {
		printf("disk,row,insns,traps,ns\n");
		for (int d = 0; d < BENCH_DISK_NKINDS; d++)
			for (int r = 0; r < BENCH_DISK_NROWS; r++)
				printf("%s,%s,%.2f,%.3f,%.1f\n", bench_disk_kinds[d].name,
				       bench_disk_rows[r].name, cell[d][r].insns, cell[d][r].traps,
				       cell[d][r].ns);
		return;
	}
	printf("trapvisor bench disks: run=disk:K:64:io, K = %u and %u KiB written and read back;\n"
	       "figures per KiB moved (differences of the two runs; host ns best of %d)\n\n",
	       o->kib, 2 * o->kib, o->runs);
	printf("%-9s %-5s %12s %12s %12s %9s\n", "disk", "row", "insns/KiB", "traps/KiB",
	       "host ns/KiB", "vs bare");
	for (int d = 0; d < BENCH_DISK_NKINDS; d++) {
		for (int r = 0; r < BENCH_DISK_NROWS; r++) {
			const struct bench_disk_cell *x = &cell[d][r];
			printf("%-9s %-5s %12.1f %12.2f %12.0f", bench_disk_kinds[d].name,
			       bench_disk_rows[r].name, x->insns, x->traps, x->ns);
			if (r && cell[d][0].ns > 0)
				printf(" %8.1fx", x->ns / cell[d][0].ns);
			printf("\n");
		}
	}
	printf("\n(traps/KiB: under vt, VM exits.  The emulated disk moves each 32-bit word\n"
	       "through its data register: 256 register accesses per KiB, each a trap or\n"
	       "an exit under a monitor; virtio-blk rings one doorbell per 4 KiB request.)\n");
}

/* Write `size` zero bytes to fd.  0, or -1 (errno set). */
static int bench_disk_fill(int fd, size_t size)
{
	static const char zeros[65536];
	for (size_t done = 0; done < size;) {
		size_t n = size - done < sizeof(zeros) ? size - done : sizeof(zeros);
		ssize_t w = write(fd, zeros, n);
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

int bench_disks_main(int argc, char **argv)
{
	struct bench_disk_opts o = { .kib = 512, .runs = 5 };
	static struct bench_disk_cell cell[BENCH_DISK_NKINDS][BENCH_DISK_NROWS];
	char *own1 = NULL, *own2 = NULL;
	int status = TV_EXIT_USAGE;

	int p = bench_disks_parse(argc, argv, &o);
	if (p)
		return p > 0 ? 0 : TV_EXIT_USAGE;
	if (!o.kernel)
		o.kernel = own1 = bench_beside_exe("kernel.elf");
	if (!o.pv_kernel)
		o.pv_kernel = own2 = bench_beside_exe("kernel-pv.elf");
	const char *kernels[2] = { o.kernel, o.pv_kernel };
	for (int i = 0; i < 2; i++)
		if (!kernels[i] || access(kernels[i], R_OK)) {
			fprintf(stderr, "trapvisor bench disks: %s: %s (build it with make)\n",
				kernels[i] ? kernels[i] : "kernel", strerror(errno));
			goto out;
		}

	/* The scratch image: room for the larger run after the first
	 * sector the program writes, written out in full so that no run
	 * pays for the file system allocating blocks of a sparse file. */
	const char *tmp = getenv("TMPDIR");
	snprintf(o.image, sizeof(o.image), "%s/trapvisor-bench-XXXXXX",
		 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	int fd = mkstemp(o.image);
	if (fd < 0 ||
	    bench_disk_fill(fd, (size_t)BENCH_DISK_FIRST * 512 + (size_t)2 * o.kib * 1024)) {
		fprintf(stderr, "trapvisor bench disks: scratch image %s: %s\n", o.image,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	status = 1;
	for (int d = 0; d < BENCH_DISK_NKINDS; d++)
		for (int r = 0; r < BENCH_DISK_NROWS; r++)
			if (bench_disk_measure(&o, &bench_disk_rows[r], d, &cell[d][r]))
				goto out_image;
	bench_disks_print(&o, cell);
	status = 0;
out_image:
	unlink(o.image);
out:
	free(own1);
	free(own2);
	return status;
}
