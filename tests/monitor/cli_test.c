/*
 * cli_test.c -- the monitor as a user runs it: several VMs on one
 * machine, and the trace.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/guest/runner.h"

#define KERNEL "build/guests/kernel.elf"

/* Lines of `text` that start with `prefix`, concatenated without it. */
static char *lines_of(const char *text, const char *prefix)
{
	size_t n = strlen(prefix), len = 0;
	char *out = calloc(1, strlen(text) + 1);
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p + 1) : strlen(p);
		if (!strncmp(p, prefix, n)) {
			memcpy(out + len, p + n, l - n);
			len += l - n;
		}
		p += l;
	}
	return out;
}

Test(vms, two_kernels_each_with_its_own_console)
{
	struct runner_result r;
	runner_run(TV_BIN " run --append run=hello " KERNEL
			  " --mem 32M --append run=primes:100 " KERNEL,
		   "", &r);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	char *a = lines_of(r.out, "[vm0] "), *b = lines_of(r.out, "[vm1] ");
	cr_expect_str_eq(a, "kernel: 64 MiB RAM, bootargs \"run=hello\"\n"
			    "hello, world! I am pid 2\n"
			    "kernel: init exited with status 0, powering off\n");
	/* 25 primes below 100; 2+3+5+...+97 = 1060. */
	cr_expect_str_eq(b, "kernel: 32 MiB RAM, bootargs \"run=primes:100\"\n"
			    "primes: the first ten: 2 3 5 7 11 13 17 19 23 29\n"
			    "primes: 25 primes below 100, the largest 97, their sum 1060\n"
			    "kernel: init exited with status 0, powering off\n");
	cr_expect(strstr(r.err, "vm0 exited with status 0"), "%s", r.err);
	cr_expect(strstr(r.err, "vm1 exited with status 0"), "%s", r.err);
	free(a);
	free(b);
	runner_free(&r);
}

Test(vms, a_failing_vm_does_not_disturb_the_other)
{
	/* VM 0 runs a program the kernel kills and exits 255; VM 1, started
	 * after it on the same machine, runs to its normal end.  The run's
	 * status is the failing VM's. */
	struct runner_result r;
	runner_run(TV_BIN " run --append run=fault " KERNEL " --append run=memtouch:4 " KERNEL, "",
		   &r);
	cr_expect_eq(r.status, 255, "stderr: %s", r.err);
	char *b = lines_of(r.out, "[vm1] ");
	cr_expect(strstr(b, "init exited with status 0"), "vm1 said:\n%s", b);
	cr_expect(strstr(r.err, "vm0 exited with status 255"), "%s", r.err);
	cr_expect(strstr(r.err, "vm1 exited with status 0"), "%s", r.err);
	free(b);
	runner_free(&r);
}

Test(vms, bare_mode_refuses_two_guests)
{
	struct runner_result r;
	runner_run(TV_BIN " run --mode=bare " KERNEL " " KERNEL, "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "bare runs one guest"), "%s", r.err);
	runner_free(&r);
}

/* The value of "key": in a JSON line (a string without quotes, or a
 * number), into `out`. */
static bool json_field(const char *line, const char *key, char *out, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	bool quoted = *p == '"';
	p += quoted;
	size_t n = 0;
	while (p[n] && (quoted ? p[n] != '"' : (p[n] != ',' && p[n] != '}')) && n + 1 < len)
		n++;
	memcpy(out, p, n);
	out[n] = 0;
	return true;
}

Test(trace, every_trap_is_one_json_line)
{
	char path[] = "/tmp/tvtraceXXXXXX";
	cr_assert_eq(runner_tmpfile(path), 0);
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 TV_BIN " run --stats --trace %s --append run=syscalls:50 " KERNEL, path);
	struct runner_result r;
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);

	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	char line[1024], v[128];
	unsigned long long lines = 0, injected = 0, syscalls = 0, last_seq = 0;
	while (fgets(line, sizeof(line), f)) {
		cr_assert(line[0] == '{' && strstr(line, "}\n"), "not a JSON object: %s", line);
		const char *keys[] = { "seq",	     "icount", "vm",	 "vcpu",   "cause",
				       "cause_name", "pc",     "insn",	 "disasm", "vmode",
				       "action",     "detail", "cost_ns" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			cr_assert(json_field(line, keys[k], v, sizeof(v)), "no %s in %s", keys[k],
				  line);
		json_field(line, "seq", v, sizeof(v));
		cr_assert_eq(strtoull(v, NULL, 10), lines, "sequence numbers run 0, 1, 2, ...");
		last_seq = lines++;
		json_field(line, "action", v, sizeof(v));
		if (!strncmp(v, "inject", 6))
			injected++;
		if (!strcmp(v, "reflect ecall-from-U")) {
			/* A system call: the user's ecall, seen in virtual U-mode. */
			syscalls++;
			json_field(line, "disasm", v, sizeof(v));
			cr_expect_str_eq(v, "ecall");
			json_field(line, "vmode", v, sizeof(v));
			cr_expect_str_eq(v, "U");
		}
	}
	fclose(f);
	unlink(path);
	(void)last_seq;
	/* One line per trap to the monitor, plus one per injected interrupt. */
	const char *t = strstr(r.err, "traps to the monitor: ");
	cr_assert_not_null(t, "%s", r.err);
	unsigned long long traps = strtoull(t + strlen("traps to the monitor: "), NULL, 10);
	cr_expect_eq(lines, traps + injected, "%llu lines, %llu traps, %llu injections", lines,
		     traps, injected);
	/* syscalls:50 makes at least 50 getpid calls. */
	cr_expect_geq(syscalls, 50);
	runner_free(&r);
}

/* Numbers on the command line are parsed strictly (issue 12, item 9):
 * strtoull alone would take " -5" as 2^64 - 5 and " 1M" as 1M.  Each bad
 * form below must be refused with exit status 2 and one line on stderr
 * that names the option.  (Fixed-size strings: Criterion copies the
 * parameters into the process that runs the test.) */
struct bad_number {
	char args[96]; /* after "trapvisor " */
	char option[24];
};

ParameterizedTestParameters(cli, bad_numbers)
{
	static struct bad_number bad[] = {
		{ "run --max-insns ' -5' " KERNEL, "--max-insns" },
		{ "run --max-insns -5 " KERNEL, "--max-insns" },
		{ "run --max-insns +5 " KERNEL, "--max-insns" },
		{ "run --max-insns 99999999999999999999 " KERNEL, "--max-insns" },
		{ "run --max-insns 0x " KERNEL, "--max-insns" },
		{ "run --max-insns '5 ' " KERNEL, "--max-insns" },
		{ "run --mem ' 1M' " KERNEL, "--mem" },
		{ "run --mem 1Mi " KERNEL, "--mem" },
		{ "run --mem 1MX " KERNEL, "--mem" },
		{ "run --mem 4096B " KERNEL, "--mem" },
		{ "run --mem 18446744073709551615K " KERNEL, "--mem" },
		{ "walk --after ' 5' --va 0 " KERNEL, "--after" },
		{ "walk --after 10 --va ' 0x80000000' " KERNEL, "--va" },
		{ "debug --gdb ' 80' " KERNEL, "--gdb" },
		{ "debug --gdb +80 " KERNEL, "--gdb" },
		{ "bench modes --iters ' 1'", "--iters" },
		{ "bench modes --iters -1", "--iters" },
		{ "x86 --kernel k --cpus ' 1'", "--cpus" },
		{ "x86 --kernel k --mem ' 64M'", "--mem" },
		{ "x86 --kernel k --stop-after-exits -1", "--stop-after-exits" },
		{ "x86 --kernel k --timeout 99999999999999999999", "--timeout" },
	};
	return cr_make_param_array(struct bad_number, bad, sizeof(bad) / sizeof(bad[0]));
}

ParameterizedTest(struct bad_number *b, cli, bad_numbers)
{
	char cmd[256];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), TV_BIN " %s", b->args);
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 2, "%s: status %d, stderr: %s", cmd, r.status, r.err);
	cr_expect(strstr(r.err, b->option), "%s: stderr does not name %s: %s", cmd, b->option,
		  r.err);
	const char *nl = strchr(r.err, '\n');
	cr_expect(nl && !nl[1], "%s: not one line on stderr: %s", cmd, r.err);
	runner_free(&r);
}

/* The forms the help text documents are still taken: hex, and KiB/MB
 * spellings of the suffixes. */
Test(cli, good_numbers)
{
	struct runner_result r;
	runner_run(TV_BIN " run --mode=bare --mem 0x2000000 --max-insns 0x10000000 --append "
			  "run=hello " KERNEL,
		   "", &r);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "kernel: 32 MiB RAM"), "%s", r.out);
	runner_free(&r);
	runner_run(TV_BIN " run --mode=bare --mem 16MiB --append run=hello " KERNEL, "", &r);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "kernel: 16 MiB RAM"), "%s", r.out);
	runner_free(&r);
	runner_run(TV_BIN " run --mode=bare --mem 8MB --append run=hello " KERNEL, "", &r);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "kernel: 8 MiB RAM"), "%s", r.out);
	runner_free(&r);
}

/* "--" ends the options: the words after it are guests (they used to be
 * dropped without a word), with the --mem and --append given before. */
Test(cli, guests_after_double_dash)
{
	struct runner_result r;
	runner_run(TV_BIN " run --mode=bare --mem 32M --append run=hello -- " KERNEL, "", &r);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "kernel: 32 MiB RAM, bootargs \"run=hello\""), "%s", r.out);
	cr_expect(strstr(r.out, "hello, world!"), "%s", r.out);
	runner_free(&r);

	/* Two VMs, the second after "--". */
	runner_run(TV_BIN " run --append run=hello " KERNEL " -- " KERNEL, "", &r);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "vm1 exited with status 0"), "%s", r.err);
	runner_free(&r);

	/* After "--" a word starting with '-' is a guest's file name. */
	runner_run(TV_BIN " run -- -no-such.elf", "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "-no-such.elf"), "%s", r.err);
	runner_free(&r);

	/* Nothing after "--": no guest, one line. */
	runner_run(TV_BIN " run --mem 32M --", "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no guest ELF given"), "%s", r.err);
	runner_free(&r);

	/* walk and debug take guests after "--" the same way. */
	runner_run(TV_BIN " walk --after 10 --va 0x80000000 --dot /dev/null -- " KERNEL, "", &r);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	runner_free(&r);
	runner_run(TV_BIN " debug --batch - -- " KERNEL, "info regs\n", &r);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "pc"), "%s", r.out);
	runner_free(&r);
}
