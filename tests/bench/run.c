/*
 * run.c -- benchrun: time each benchmark guest on trapvisor and on
 * qemu-riscv32 in the same run, and print one table.
 *
 *   benchrun [-n RUNS] [-m MODE] [-t TRAPVISOR] [-q QEMU] [-s SHIM] DIR WORKLOAD...
 *
 * For WORKLOAD w it runs DIR/w-bare.elf with `TRAPVISOR run --mode=MODE
 * --stats` (MODE: bare unless -m; -m may be repeated, one row per mode,
 * named w/MODE for modes other than bare) and DIR/w-qemu.elf with `QEMU`, RUNS times each (default 3),
 * alternating the two so that a noisy moment hurts both alike, and keeps
 * the best (smallest) wall-clock time of each.  Wall clock includes the
 * start-up of each emulator (a few milliseconds against runs of ~1 s).
 *
 * With -s SHIM (tests/peer's M-mode SBI shim as a flash image), a third
 * peer: the very ELF trapvisor runs, DIR/w-bare.elf, on full-system
 * qemu-system-riscv32 (virt, -bios none, the shim in flash bank 0): the
 * same machine-level work, with QEMU's own MMU, devices and interrupts
 * (its console through the shim's SBI, its end through virt's sifive_test
 * finisher, where trapvisor's board has its own).
 *
 * From trapvisor's stderr it reads "instructions retired: N" and "guest
 * MIPS: X" (its own figure, timed inside trapvisor); from both stdouts the
 * line "bench w: checksum XXXXXXXX".  Different checksums, a failed run or
 * a missing figure make benchrun exit 1: a fast wrong answer is no result.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/bench/bench_text.h"
#include "tests/diff/diff_proc.h"

#define BENCH_TIMEOUT_S 300	     /* per run */
#define BENCH_MAX_INSNS "4000000000" /* ~5x the longest workload; the CLI takes < 2^32 */

struct bench_result {
	double best;	   /* seconds, best of the runs */
	uint64_t insns;	   /* trapvisor only: instructions retired */
	double self_mips;  /* trapvisor only: its own guest MIPS figure */
	char checksum[64]; /* the guest's checksum line */
	int ok;
};

/* Copy the checksum line "bench NAME: checksum X" out of a guest's output. */
static int bench_find_checksum(const char *text, char *out, size_t n)
{
	const char *s = strstr(text, ": checksum ");
	if (!s)
		return -1;
	s += strlen(": checksum ");
	size_t len = strcspn(s, "\r\n");
	snprintf(out, n, "%.*s", (int)len, s);
	return 0;
}

/*
 * One run of one peer: time it, check exit status 0 and read its output.
 * is_tv selects trapvisor's extra parsing.  Returns 0 or -1 (message
 * printed).
 */
static int bench_once(char *const argv[], const char *out, const char *err, int is_tv,
		      struct bench_result *res)
{
	double secs;
	int rc = diff_proc_run(argv, out, err, BENCH_TIMEOUT_S, &secs);
	char *o = diff_proc_read(out), *e = diff_proc_read(err);
	char sum[64];
	int ret = -1;

	if (rc != 0) {
		fprintf(stderr, "benchrun: %s (output in %s): status %d\n%s", argv[0], out, rc,
			e ? e : "");
		goto out;
	}
	if (!o || bench_find_checksum(o, sum, sizeof(sum))) {
		fprintf(stderr, "benchrun: no checksum in the output of %s (%s)\n", argv[0], out);
		goto out;
	}
	if (res->ok && strcmp(sum, res->checksum)) {
		fprintf(stderr, "benchrun: %s changed its checksum between runs\n", argv[0]);
		goto out;
	}
	snprintf(res->checksum, sizeof(res->checksum), "%s", sum);
	uint64_t insns = 0;
	double self = 0;
	if (is_tv) {
		if (!e || bench_text_u64(e, "instructions retired:", &insns)) {
			fprintf(stderr, "benchrun: no 'instructions retired: N' in %s\n", err);
			goto out;
		}
		if (bench_text_double(e, "guest MIPS:", &self))
			self = 0; /* optional: shown as '-' */
	}
	if (!res->ok || secs < res->best) { /* the figures of the best run */
		res->best = secs;
		res->insns = insns;
		res->self_mips = self;
	}
	res->ok = 1;
	ret = 0;
out:
	free(o);
	free(e);
	return ret;
}

static void bench_usage(void)
{
	fprintf(stderr,
		"usage: benchrun [-n RUNS] [-m MODE]... [-t TRAPVISOR] [-q QEMU] [-s SHIM] DIR "
		"WORKLOAD...\n");
}

int main(int argc, char **argv)
{
	const char *tv = TV_BIN, *qemu = "qemu-riscv32", *shim = NULL;
	int runs = 3, c, failed = 0;
	double log_ratio_sum = 0;
	int nratio = 0;

	const char *modes[8];
	int nmodes = 0;

	double log_sys_sum = 0;
	int nsys = 0;
	while ((c = getopt(argc, argv, "n:m:t:q:s:")) != -1) {
		switch (c) {
		case 'n':
			runs = atoi(optarg);
			if (runs < 1 || runs > 100) {
				bench_usage();
				return 2;
			}
			break;
		case 't': tv = optarg; break;
		case 'm':
			if (nmodes == 8) {
				bench_usage();
				return 2;
			}
			modes[nmodes++] = optarg;
			break;
		case 'q': qemu = optarg; break;
		case 's': shim = optarg; break;
		default: bench_usage(); return 2;
		}
	}
	if (argc - optind < 2) {
		bench_usage();
		return 2;
	}
	const char *dir = argv[optind];

	if (nmodes == 0)
		modes[nmodes++] = "bare";
	printf(
	    "trapvisor (--mode=%s%s) against %s (user mode), best of %d wall-clock runs each\n\n",
	    modes[0], nmodes > 1 ? ", ..." : "", qemu, runs);
	if (shim)
		printf("and against qemu-system-riscv32 (full system: virt, the same ELF)\n\n");
	printf("%-24s %15s %12s %8s %8s %9s %15s", "workload", "guest insns", "trapvisor s", "MIPS",
	       "(self)", "qemu s", "trapvisor/qemu");
	if (shim)
		printf(" %10s %14s", "q-sys s", "trapvisor/sys");
	printf("\n");
	fflush(stdout);

	for (int row = 0; row < (argc - optind - 1) * nmodes; row++) {
		const char *work = argv[optind + 1 + row / nmodes], *mode = modes[row % nmodes];
		char name[64], mode_opt[64], engine_opt[64] = "--engine=jit";
		/* MODE or MODE:ENGINE (bare:interp): the engine defaults to jit,
		 * and only jit rows count in the geomeans. */
		const char *colon = strchr(mode, ':');
		int mlen = colon ? (int)(colon - mode) : (int)strlen(mode);
		if (colon)
			snprintf(engine_opt, sizeof(engine_opt), "--engine=%s", colon + 1);
		bool main_row = !colon || !strcmp(colon + 1, "jit");
		if (!strcmp(mode, "bare"))
			snprintf(name, sizeof(name), "%s", work);
		else if (!strncmp(mode, "bare:", 5))
			snprintf(name, sizeof(name), "%s/%s", work, mode + 5);
		else
			snprintf(name, sizeof(name), "%s/%s", work, mode);
		snprintf(mode_opt, sizeof(mode_opt), "--mode=%.*s", mlen, mode);
		char elf[3][512], out[3][512], err[3][512];
		struct bench_result res[3];
		memset(res, 0, sizeof(res));
		static const char *peer[3] = { "bare", "qemu", "bare" };
		static const char *tag[3] = { "bare", "qemu", "sys" };

		for (int p = 0; p < 3; p++) {
			snprintf(elf[p], sizeof(elf[p]), "%s/%s-%s.elf", dir, work, peer[p]);
			snprintf(out[p], sizeof(out[p]), "%s/%s-%s.out", dir, work, tag[p]);
			snprintf(err[p], sizeof(err[p]), "%s/%s-%s.err", dir, work, tag[p]);
		}
		char pflash[600];
		snprintf(pflash, sizeof(pflash), "if=pflash,unit=0,format=raw,readonly=on,file=%s",
			 shim ? shim : "");
		char *sys_argv[] = { "qemu-system-riscv32",
				     "-machine",
				     "virt",
				     "-bios",
				     "none",
				     "-m",
				     "128M",
				     "-drive",
				     pflash,
				     "-kernel",
				     elf[2],
				     "-nographic",
				     "-no-reboot",
				     NULL };
		char *tv_argv[] = { (char *)tv,	   "run",	    engine_opt, mode_opt, "--stats",
				    "--max-insns", BENCH_MAX_INSNS, elf[0],	NULL };
		char *q_argv[] = { (char *)qemu, elf[1], NULL };

		int bad = 0;
		for (int r = 0; r < runs && !bad; r++) {
			bad |= bench_once(tv_argv, out[0], err[0], 1, &res[0]);
			bad |= bench_once(q_argv, out[1], err[1], 0, &res[1]);
			if (shim && !strcmp(mode, "bare")) /* once per workload */
				bad |= bench_once(sys_argv, out[2], err[2], 0, &res[2]);
		}
		if (!bad && strcmp(res[0].checksum, res[1].checksum)) {
			fprintf(stderr, "benchrun: %s: checksums differ: trapvisor %s, qemu %s\n",
				name, res[0].checksum, res[1].checksum);
			bad = 1;
		}
		if (!bad && res[2].ok && strcmp(res[0].checksum, res[2].checksum)) {
			fprintf(stderr,
				"benchrun: %s: checksums differ: trapvisor %s, qemu-system %s\n",
				name, res[0].checksum, res[2].checksum);
			bad = 1;
		}
		if (bad) {
			printf("%-24s FAILED (see above)\n", name);
			failed = 1;
			continue;
		}

		char insns[40], self[16] = "-";
		double mips = (double)res[0].insns / res[0].best / 1e6;
		double ratio = res[0].best / res[1].best;
		if (res[0].self_mips > 0)
			snprintf(self, sizeof(self), "(%.0f)", res[0].self_mips);
		printf("%-24s %15s %12.3f %8.0f %8s %9.3f %15.2f", name,
		       bench_text_grouped(res[0].insns, insns, sizeof(insns)), res[0].best, mips,
		       self, res[1].best, ratio);
		if (res[2].ok) {
			double sys = res[0].best / res[2].best;
			printf(" %10.3f %14.2f", res[2].best, sys);
			log_sys_sum += log(sys);
			nsys++;
		}
		printf("\n");
		fflush(stdout);
		if (main_row) {
			log_ratio_sum += log(ratio);
			nratio++;
		}
	}
	if (nratio > 1) {
		printf("%-24s %15s %12s %8s %8s %9s %15.2f", "geomean", "", "", "", "", "",
		       exp(log_ratio_sum / nratio));
		if (nsys > 1)
			printf(" %10s %14.2f", "", exp(log_sys_sum / nsys));
		printf("\n");
	}
	printf("\nRows are the translating engine (--engine=jit) unless named :interp; the\n"
	       "geomeans count jit rows only.\n");
	printf("MIPS = guest instructions / trapvisor's best wall-clock time; (self) = the\n"
	       "guest MIPS trapvisor reports itself.  trapvisor/qemu > 1: trapvisor is slower.\n");
	if (shim)
		printf("q-sys = qemu-system-riscv32 running the bare-board ELF full-system (bare "
		       "rows\n"
		       "only); trapvisor/sys > 1: trapvisor is slower than full-system QEMU.\n");
	return failed;
}
