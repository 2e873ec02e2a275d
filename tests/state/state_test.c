/*
 * state_test.c -- suspend and resume: `trapvisor run --suspend-at N
 * --snapshot FILE` then `trapvisor resume FILE` must give, joined, the
 * console transcript, the exit status and the instruction count of the
 * run that never stopped.  In every mode, at points spread over the run,
 * at points inside the guest's interrupt handler, and in the middle of a
 * console line.  And a snapshot that is truncated, has a flipped byte,
 * another version or another mode is refused: one line, exit 2, no VM.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/state.h"
#include "tests/guest/runner.h"

#define KERNEL	  "build/guests/kernel.elf"
#define KERNEL_PV "build/guests/kernel-pv.elf"
/* Timer interrupts (about one per million instructions), processes that
 * switch, console lines. */
#define PROGS	  "run=primes:30000,pingpong,hello"

struct outcome {
	char *out; /* the console, joined */
	int status;
	unsigned long long insns; /* "instructions retired" of --stats */
};

static unsigned long long stats_insns(const char *err)
{
	const char *p = strstr(err, "instructions retired: ");
	cr_assert(p, "no instruction count in: %s", err);
	return strtoull(p + strlen("instructions retired: "), NULL, 10);
}

/* The run that never stopped. */
static void run_whole(const char *mode, const char *elf, struct outcome *o)
{
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s --stats --append " PROGS " %s", mode, elf);
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "%s: status %d: %s", cmd, r.status, r.err);
	o->out = strdup(r.out);
	o->status = r.status;
	o->insns = stats_insns(r.err);
	runner_free(&r);
}

/* The run suspended after `at` and resumed.  *mid_line: the first half
 * ended inside a console line. */
static void run_split(const char *mode, const char *elf, unsigned long long at, struct outcome *o,
		      bool *mid_line)
{
	char path[] = "/tmp/tv-state-XXXXXX";
	cr_assert_eq(runner_tmpfile(path), 0);
	char cmd[512];
	struct runner_result a, b;
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " run %s --append " PROGS " --suspend-at %llu --snapshot %s %s", mode, at,
		 path, elf);
	runner_run(cmd, "", &a);
	cr_assert_eq(a.status, 0, "%s: status %d: %s", cmd, a.status, a.err);
	cr_assert(strstr(a.err, "suspended after"), "%s did not suspend: %s", cmd, a.err);
	snprintf(cmd, sizeof(cmd), TV_BIN " resume --stats %s", path);
	runner_run(cmd, "", &b);
	unlink(path);
	size_t la = strlen(a.out), lb = strlen(b.out);
	o->out = malloc(la + lb + 1);
	memcpy(o->out, a.out, la);
	memcpy(o->out + la, b.out, lb + 1);
	o->status = b.status;
	o->insns = stats_insns(b.err);
	*mid_line = la && a.out[la - 1] != '\n';
	runner_free(&a);
	runner_free(&b);
}

/* From the --trace of a run in monitor mode `mode`: the progress count
 * (icount) of every `every`-th record that has both `what` and `and`,
 * at most `max` of them.  How many. */
static int trace_points(const char *mode, const char *elf, const char *what, const char *and,
			int every, unsigned long long *at, int max)
{
	char path[] = "/tmp/tv-state-trace-XXXXXX";
	cr_assert_eq(runner_tmpfile(path), 0);
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s --trace %s --append " PROGS " %s", mode, path,
		 elf);
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "%s: %s", cmd, r.err);
	runner_free(&r);
	FILE *f = fopen(path, "r");
	cr_assert(f);
	char line[1024];
	int n = 0, seen = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		const char *ic = strstr(line, "\"icount\":");
		if (ic && strstr(line, what) && strstr(line, and) && seen++ % every == every - 1)
			at[n++] = strtoull(ic + 9, NULL, 10);
	}
	fclose(f);
	unlink(path);
	return n;
}

/* Split the run at 20 points spread over it and at points just after the
 * first timer interrupts (`trace_mode`: the monitor mode whose trace
 * shows them, NULL for none), each time comparing with the whole run. */
static void check_mode(const char *mode, const char *elf, const char *trace_mode)
{
	struct outcome whole;
	run_whole(mode, elf, &whole);
	unsigned long long points[40];
	int n = 0;
	for (int i = 1; i <= 20; i++)
		points[n++] = whole.insns * (unsigned long long)i / 21 + (unsigned long long)i * 7;
	if (trace_mode) {
		unsigned long long at[3];
		int k = trace_points(trace_mode, elf, "interrupt\"", "", 1, at, 3);
		cr_assert_geq(k, 3, "%s: fewer than 3 interrupts in the run", mode);
		/* Into the handler: its first instruction, a few in (saving
		 * registers), and deeper (in the timer code). */
		static const unsigned long long into[] = { 1, 2, 9, 40, 200 };
		for (int i = 0; i < k; i++)
			for (size_t j = 0; j < sizeof(into) / sizeof(into[0]); j++)
				points[n++] = at[i] + into[j];
		/* Just after the guest stored a byte into the UART's transmit
		 * register: the console is in the middle of a line. */
		k = trace_points(trace_mode, elf, "emulate MMIO uart", "\"disasm\":\"sb ", 97, at,
				 3);
		cr_assert_geq(k, 3, "%s: fewer than 300 UART writes", mode);
		for (int i = 0; i < k; i++)
			points[n++] = at[i] + 1;
	}
	int mid_lines = 0;
	for (int i = 0; i < n; i++) {
		struct outcome split;
		bool mid;
		run_split(mode, elf, points[i], &split, &mid);
		mid_lines += mid;
		cr_expect_str_eq(split.out, whole.out, "%s, suspended at %llu: transcript differs",
				 mode, points[i]);
		cr_expect_eq(split.status, whole.status, "%s at %llu: status", mode, points[i]);
		cr_expect_eq(split.insns, whole.insns, "%s at %llu: %llu instructions, not %llu",
			     mode, points[i], split.insns, whole.insns);
		free(split.out);
	}
	cr_expect_gt(mid_lines, 0, "%s: no suspension fell inside a console line", mode);
	free(whole.out);
}

Test(state, trap_split_anywhere)
{
	check_mode("--mode=trap", KERNEL, "--mode=trap");
}

Test(state, bt_legacy_split_anywhere)
{
	check_mode("--mode=bt --isa=legacy", KERNEL, "--mode=bt --isa=legacy");
}

Test(state, pv_split_anywhere)
{
	check_mode("--mode=pv", KERNEL_PV, "--mode=pv");
}

Test(state, vt_nested_split_anywhere)
{
	/* Under TVT the hardware takes the guest's interrupts: the trace
	 * (of exits) does not show them; trap mode's do, at the same
	 * instruction (virtual time is the same in every mode). */
	check_mode("--mode=vt", KERNEL, "--mode=trap");
}

Test(state, vt_shadow_split_anywhere)
{
	check_mode("--mode=vt --paging=shadow", KERNEL, "--mode=trap");
}

Test(state, bare_split_anywhere)
{
	check_mode("--mode=bare", KERNEL, "--mode=trap");
}

/* Run `cmd` (a run that suspends into `snap`), then resume `snap` with
 * --stats into *b: the two consoles joined (malloc'd). */
static char *suspend_resume(const char *cmd, const char *snap, struct runner_result *b)
{
	struct runner_result a;
	char resume[256];
	runner_run(cmd, "", &a);
	cr_assert_eq(a.status, 0, "%s: %s", cmd, a.err);
	snprintf(resume, sizeof(resume), TV_BIN " resume --stats %s", snap);
	runner_run(resume, "", b);
	size_t la = strlen(a.out);
	char *joined = malloc(la + strlen(b->out) + 1);
	memcpy(joined, a.out, la);
	strcpy(joined + la, b->out);
	runner_free(&a);
	return joined;
}

/* Two VMs time-sliced on one monitor: the snapshot holds both, and
 * where the round of slices was, so the resumed run interleaves their
 * console lines exactly as the run that never stopped. */
static void check_two_vms(const char *mode, const char *elf)
{
	char guests[512];
	snprintf(guests, sizeof(guests),
		 "--append run=primes:3000,hello %s --append run=pingpong,hello %s", elf, elf);
	char cmd[1024];
	struct runner_result w;
	snprintf(cmd, sizeof(cmd), TV_BIN " run %s --stats %s", mode, guests);
	runner_run(cmd, "", &w);
	cr_assert_eq(w.status, 0, "%s: %s", cmd, w.err);
	cr_assert(strstr(w.out, "[vm1] pingpong"), "%s", w.out);
	unsigned long long n = stats_insns(w.err); /* vm0's */
	for (int i = 1; i <= 8; i++) {
		unsigned long long at = n * 2 * (unsigned long long)i / 9 + (unsigned long long)i;
		char snap[] = "/tmp/tv-state-2vm-XXXXXX";
		cr_assert_eq(runner_tmpfile(snap), 0);
		struct runner_result b;
		snprintf(cmd, sizeof(cmd), TV_BIN " run %s --suspend-at %llu --snapshot %s %s",
			 mode, at, snap, guests);
		char *joined = suspend_resume(cmd, snap, &b);
		cr_expect_str_eq(joined, w.out, "%s, two VMs suspended at %llu", mode, at);
		cr_expect_eq(b.status, w.status, "%s at %llu: status", mode, at);
		cr_expect_eq(stats_insns(b.err), n, "%s at %llu: vm0 instructions", mode, at);
		free(joined);
		runner_free(&b);
		unlink(snap);
	}
	runner_free(&w);
}

Test(state, two_vms_trap)
{
	check_two_vms("--mode=trap", KERNEL);
}

Test(state, two_vms_vt)
{
	check_two_vms("--mode=vt", KERNEL);
}

/* The net pair: ping and pingd on the switch.  The snapshot holds both
 * cards, the switch's learned table and the round of slices: the frames
 * cross at the same instructions after the resume. */
Test(state, net_pair_trap_and_vt)
{
	static const char *const modes[] = { "--mode=trap", "--mode=vt" };
	for (size_t m = 0; m < 2; m++) {
		char args[512], cmd[1024];
		snprintf(args, sizeof(args),
			 "%s --net switch --append run=ping:2:3 " KERNEL
			 " --net switch --append run=pingd:3 " KERNEL,
			 modes[m]);
		struct runner_result w;
		snprintf(cmd, sizeof(cmd), TV_BIN " run --stats %s", args);
		runner_run(cmd, "", &w);
		cr_assert_eq(w.status, 0, "%s: %s", cmd, w.err);
		cr_assert(strstr(w.out, "ping"), "%s", w.out);
		unsigned long long n = stats_insns(w.err);
		for (int i = 1; i <= 5; i++) {
			char snap[] = "/tmp/tv-state-net-XXXXXX";
			cr_assert_eq(runner_tmpfile(snap), 0);
			unsigned long long at = n * 2 * (unsigned long long)i / 6 + 5;
			snprintf(cmd, sizeof(cmd), TV_BIN " run %s --suspend-at %llu --snapshot %s",
				 args, at, snap);
			struct runner_result b;
			char *joined = suspend_resume(cmd, snap, &b);
			cr_expect_str_eq(joined, w.out, "%s: net pair suspended at %llu", modes[m],
					 at);
			cr_expect_eq(b.status, w.status, "%s at %llu: status", modes[m], at);
			cr_expect_eq(stats_insns(b.err), n, "%s at %llu: vm0 instructions",
				     modes[m], at);
			free(joined);
			runner_free(&b);
			unlink(snap);
		}
		runner_free(&w);
	}
}

static void expect_refused(const char *opts, const char *path, const char *want, const char *what);

/* A disk transfer: run=disk writes 64 KiB to a fresh 1 MiB image and reads
 * it back, through virtio-blk or the emulated controller.  The disk's
 * contents stay in its file, which the resumed run reopens; every split
 * starts from a fresh image, as the whole run did. */
static void check_disk(const char *mode, const char *iface)
{
	char img[] = "/tmp/tv-state-disk-XXXXXX", snap[] = "/tmp/tv-state-dsnap-XXXXXX";
	cr_assert_eq(runner_tmpfile(img), 0);
	cr_assert_eq(runner_tmpfile(snap), 0);
	char cmd[1024];
	struct runner_result w;
	snprintf(cmd, sizeof(cmd),
		 "sh -c 'truncate -s 0 %s && truncate -s 1M %s && " TV_BIN
		 " run %s --stats --disk %s%s --append run=disk " KERNEL "'",
		 img, img, mode, img, iface);
	runner_run(cmd, "", &w);
	cr_assert_eq(w.status, 0, "%s: %s", cmd, w.err);
	cr_assert(strstr(w.out, "disk: ok"), "%s", w.out);
	unsigned long long n = stats_insns(w.err);
	for (int i = 1; i <= 4; i++) {
		unsigned long long at = n * (unsigned long long)i / 5 + 11;
		struct runner_result b;
		snprintf(
		    cmd, sizeof(cmd),
		    "sh -c 'truncate -s 0 %s && truncate -s 1M %s && " TV_BIN
		    " run %s --disk %s%s --append run=disk --suspend-at %llu --snapshot %s " KERNEL
		    "'",
		    img, img, mode, img, iface, at, snap);
		char *joined = suspend_resume(cmd, snap, &b);
		cr_expect_str_eq(joined, w.out, "%s%s: disk run suspended at %llu", mode, iface,
				 at);
		cr_expect_eq(b.status, 0, "%s%s at %llu: %s", mode, iface, at, b.err);
		cr_expect_eq(stats_insns(b.err), n, "%s%s at %llu: instructions", mode, iface, at);
		free(joined);
		runner_free(&b);
	}
	/* The image changed under the snapshot: refused, one line. */
	snprintf(cmd, sizeof(cmd),
		 "sh -c 'printf XXXX | dd of=%s bs=1 seek=1000 conv=notrunc 2>/dev/null'", img);
	struct runner_result c;
	runner_run(cmd, "", &c);
	runner_free(&c);
	expect_refused("", snap, "is not what it was", "a disk changed since the snapshot");
	runner_free(&w);
	unlink(img);
	unlink(snap);
}

Test(state, disk_virtio_trap)
{
	check_disk("--mode=trap", "");
}

Test(state, disk_emulated_vt)
{
	check_disk("--mode=vt", ",if=emulated");
}

Test(state, disk_virtio_bare)
{
	check_disk("--mode=bare", "");
}

/* --- snapshots that must be refused --- */

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *d = malloc((size_t)n);
	cr_assert_eq(fread(d, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return d;
}

static void write_all(const char *path, const unsigned char *d, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert(f);
	cr_assert_eq(fwrite(d, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* `trapvisor resume [opts] path` must refuse: exit 2, nothing on the
 * console, exactly one line on stderr (containing `want`, if given). */
static void expect_refused(const char *opts, const char *path, const char *want, const char *what)
{
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), TV_BIN " resume %s %s", opts, path);
	runner_run(cmd, "", &r);
	int lines = 0;
	for (const char *p = r.err; *p; p++)
		lines += *p == '\n';
	cr_expect_eq(r.status, 2, "%s: status %d, stderr: %s", what, r.status, r.err);
	cr_expect_str_empty(r.out, "%s: the console printed: %s", what, r.out);
	cr_expect_eq(lines, 1, "%s: %d lines on stderr: %s", what, lines, r.err);
	if (want)
		cr_expect(strstr(r.err, want), "%s: no '%s' in: %s", what, want, r.err);
	runner_free(&r);
}

Test(state, bad_snapshots_refused)
{
	char good[] = "/tmp/tv-state-good-XXXXXX", bad[] = "/tmp/tv-state-bad-XXXXXX";
	cr_assert_eq(runner_tmpfile(good), 0);
	cr_assert_eq(runner_tmpfile(bad), 0);
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " run --append run=hello --suspend-at 1000000 --snapshot %s " KERNEL, good);
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	runner_free(&r);
	size_t len;
	unsigned char *d = read_all(good, &len);
	cr_assert_gt(len, 4096u);

	/* Cut short anywhere: in the header, in a section's header, in its
	 * body, one byte before the end. */
	const size_t cuts[] = { 0,  4,	8,  12,	 15,   16,	20,	    40,	    56,
				57, 60, 73, 100, 1000, len / 2, len - 4096, len - 1 };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		write_all(bad, d, cuts[i]);
		char what[64];
		snprintf(what, sizeof(what), "truncated to %zu bytes", cuts[i]);
		expect_refused("", bad, NULL, what);
	}
	/* One byte flipped, at 40 places over the file and in every field
	 * of the header and the first section's header. */
	for (size_t i = 0; i < 40 + 32; i++) {
		size_t at = i < 32 ? i : (i - 32) * (len / 40) + 7;
		d[at] ^= 0x41;
		write_all(bad, d, len);
		d[at] ^= 0x41;
		char what[64];
		snprintf(what, sizeof(what), "byte %zu flipped", at);
		expect_refused("", bad, NULL, what);
	}
	/* Bytes after the end. */
	unsigned char *longer = malloc(len + 1);
	memcpy(longer, d, len);
	longer[len] = 0;
	write_all(bad, longer, len + 1);
	free(longer);
	expect_refused("", bad, "after the last section", "one byte appended");
	/* Another version of the format: the next one, and the one before. */
	unsigned char v = d[8];
	char want[32];
	d[8] = (unsigned char)(STATE_VERSION + 1);
	write_all(bad, d, len);
	snprintf(want, sizeof(want), "version %d", STATE_VERSION + 1);
	expect_refused("", bad, want, "a later version");
	d[8] = (unsigned char)(STATE_VERSION - 1);
	write_all(bad, d, len);
	d[8] = v;
	snprintf(want, sizeof(want), "version %d", STATE_VERSION - 1);
	expect_refused("", bad, want, "an earlier version");
	/* The wrong mode, and a file that is not there. */
	expect_refused("--mode=bare", good, "mode trap, not bare", "wrong mode");
	expect_refused("", "/nonexistent/snapshot", NULL, "no file");
	/* The good one still resumes. */
	snprintf(cmd, sizeof(cmd), TV_BIN " resume %s", good);
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "hello, world!"), "%s", r.out);
	runner_free(&r);
	free(d);
	unlink(good);
	unlink(bad);
}

/* Under --mem-limit, a snapshot reads swapped-out pages back through the
 * swap (core/state.c reads guest RAM as the monitor does): suspended and
 * resumed at a few points, a run that swaps all the time joins into the
 * run that never stopped, and that never swapped. */
static void check_mem_limit(const char *mode)
{
	char limited[128];
	struct outcome whole, split;
	bool mid;
	snprintf(limited, sizeof(limited), "%s --mem-limit 2M", mode);
	run_whole(mode, KERNEL, &whole);
	static const unsigned long long at[] = { 900000, 3000000, 5000000 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		run_split(limited, KERNEL, at[i], &split, &mid);
		cr_expect_str_eq(split.out, whole.out, "%s: split at %llu", limited, at[i]);
		cr_expect_eq(split.insns, whole.insns, "%s: split at %llu", limited, at[i]);
		cr_expect_eq(split.status, whole.status);
		free(split.out);
	}
	free(whole.out);
}

Test(state, mem_limit_trap)
{
	check_mem_limit("--mode=trap");
}
Test(state, mem_limit_vt_nested)
{
	check_mem_limit("--mode=vt");
}

/* What a snapshot cannot hold yet is refused before the run starts. */
Test(state, unsavable_runs_refused)
{
	static const char *const runs[] = {
		"--assign dma --suspend-at 1000 --snapshot /tmp/tv-never " KERNEL,
		"--suspend-at 1000 " KERNEL,
		"--mode=bare --snapshot /tmp/tv-never " KERNEL,
		"--suspend-at 0 --snapshot /tmp/tv-never " KERNEL,
	};
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		char cmd[512];
		struct runner_result r;
		snprintf(cmd, sizeof(cmd), TV_BIN " run %s", runs[i]);
		runner_run(cmd, "", &r);
		cr_expect_eq(r.status, 2, "%s: status %d", runs[i], r.status);
		cr_expect_str_empty(r.out, "%s: the guest ran: %s", runs[i], r.out);
		cr_expect(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "%s: not one line: %s",
			  runs[i], r.err);
		cr_expect_neq(access("/tmp/tv-never", F_OK), 0, "%s wrote a snapshot", runs[i]);
		runner_free(&r);
	}
}

/* SIGUSR1 on a running VM with --snapshot FILE: the state goes to FILE
 * and the run goes on to its end; resuming FILE later prints the rest of
 * the transcript and ends with the same count and status. */
Test(state, sigusr1_snapshot_and_go_on)
{
	char snap[] = "/tmp/tv-state-usr1-XXXXXX", whole[] = "/tmp/tv-state-whole-XXXXXX";
	cr_assert_eq(runner_tmpfile(snap), 0);
	cr_assert_eq(runner_tmpfile(whole), 0);
	unlink(snap);
	char cmd[1024];
	struct runner_result r, b;
	/* Signals every 0.1 s from 0.4 s on while it runs (each rewrites
	 * FILE); the run takes about 2 s. */
	/* (Under sh -c: runner_run puts its timeout and redirections around
	 * the whole, and the signals must reach trapvisor itself.) */
	snprintf(cmd, sizeof(cmd),
		 "sh -c '" TV_BIN
		 " run --stats --snapshot %s --append run=primes:3000000,hello " KERNEL
		 " >%s & p=$!; sleep 0.3; for i in 1 2 3 4 5; do sleep 0.1; kill -USR1 $p "
		 "2>/dev/null || break; done; wait $p'",
		 snap, whole);
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "trapvisor: SIGUSR1: snapshot after"), "no snapshot: %s", r.err);
	unsigned long long n = stats_insns(r.err);
	size_t wlen;
	unsigned char *w = read_all(whole, &wlen);
	snprintf(cmd, sizeof(cmd), TV_BIN " resume --stats %s", snap);
	runner_run(cmd, "", &b);
	cr_expect_eq(b.status, 0, "%s", b.err);
	cr_expect_eq(stats_insns(b.err), n, "resumed: %llu instructions, not %llu",
		     stats_insns(b.err), n);
	size_t blen = strlen(b.out);
	cr_expect(blen > 0 && blen <= wlen && !memcmp(w + wlen - blen, b.out, blen),
		  "the resumed transcript is not the end of the whole one: %s", b.out);
	free(w);
	runner_free(&r);
	runner_free(&b);
	unlink(snap);
	unlink(whole);
}

/* The debugger's `snapshot save FILE` at a stop: resuming FILE prints
 * the rest of the transcript and ends with the whole run's count. */
static void check_debugger_snapshot(const char *mode)
{
	struct outcome whole;
	run_whole(mode, KERNEL, &whole);
	char snap[] = "/tmp/tv-state-dbg-XXXXXX", script[] = "/tmp/tv-state-script-XXXXXX";
	cr_assert_eq(runner_tmpfile(snap), 0);
	cr_assert_eq(runner_tmpfile(script), 0);
	FILE *f = fopen(script, "w");
	cr_assert(f);
	fprintf(f, "stepi 3000000\nsnapshot save %s\nquit\n", snap);
	fclose(f);
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), TV_BIN " debug %s --batch %s --append " PROGS " " KERNEL, mode,
		 script);
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "%s: %s", cmd, r.err);
	cr_assert(strstr(r.out, "state saved in"), "%s: %s", cmd, r.out);
	runner_free(&r);
	snprintf(cmd, sizeof(cmd), TV_BIN " resume --stats %s", snap);
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, whole.status, "%s: %s", cmd, r.err);
	cr_expect_eq(stats_insns(r.err), whole.insns, "%s: %llu instructions, not %llu", mode,
		     stats_insns(r.err), whole.insns);
	size_t lw = strlen(whole.out), lr = strlen(r.out);
	cr_expect(lr > 0 && lr < lw && !strcmp(whole.out + lw - lr, r.out), /* banner before */
		  "%s: the resumed transcript is not the end of the whole one: %s", mode, r.out);
	runner_free(&r);
	free(whole.out);
	unlink(snap);
	unlink(script);
}

Test(state, debugger_snapshot_trap)
{
	check_debugger_snapshot("--mode=trap");
}

Test(state, debugger_snapshot_bare)
{
	check_debugger_snapshot("--mode=bare");
}
