/*
 * assign_test.c -- device assignment (`run --assign dma`), through real
 * trapvisor runs of tests/monitor/hostile/dma.c: the same transcript with
 * the DMA copy engine emulated and assigned, in modes trap, bt, pv and vt
 * (nested and shadow paging), instruction count included; the engine's
 * register traps > 0 emulated and 0 assigned; its completion interrupt
 * taken by its owner (one per command), never by a second VM, not even
 * when the owner acknowledges and masks wildly; a second VM cannot see
 * it; its owner's DMA outside its own RAM is refused while the second
 * VM's canary stays intact; bad options.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/guest/runner.h"

#define DMA_ELF "build/tests/monitor/hostile/dma.elf"

/* What dma.elf prints with the engine, in any mode, emulated or not. */
static const char dma_transcript[] = "dma id: value 0x43414d44\n"
				     "dma copy: status 1, data ok\n"
				     "dma below RAM: refused\n"
				     "dma past RAM: refused\n"
				     "dma straddling the end: refused\n"
				     "dma from past RAM: refused\n"
				     "dma at its own registers: refused\n"
				     "dma near 4 GiB: refused\n"
				     "dma far past RAM: refused\n"
				     "dma done, 8 interrupts, instret ";

/* What dma.elf prints in a VM without the engine. */
static const char canary_transcript[] = "dma id: cause 5 stval 0x10012000\n"
					"dma canary: intact, external interrupts 0\n";

/* Run `cmd` with `input` on stdin; it must exit 0. */
static void assign_ok(const char *cmd, const char *input, struct runner_result *r)
{
	runner_run(cmd, input, r);
	cr_assert_eq(r->status, 0, "%s: status %d\n%s", cmd, r->status, r->err);
}

/* The register-trap count of the --stats line "dma-copy: N register
 * traps, ..."; fails the test if there is no such line. */
static unsigned long long assign_traps(const char *err)
{
	const char *l = strstr(err, "dma-copy: ");
	cr_assert_not_null(l, "no dma-copy stats line in:\n%s", err);
	char *end;
	unsigned long long n = strtoull(l + strlen("dma-copy: "), &end, 10);
	static const char rest[] =
	    " register traps, 1 copies, 6000 bytes, 7 refused, 8 interrupts\n";
	cr_assert(!strncmp(end, rest, strlen(rest)), "stats line: %.140s", l);
	return n;
}

/* One run of dma.elf alone with `how` ("dma" or "dma,emulated"): its
 * register traps; its transcript (ending with its instruction count)
 * into out[size]. */
static unsigned long long assign_run(const char *mode, const char *how, char *out, size_t size)
{
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd),
		 "build/trapvisor run %s --stats --mem 4M --assign %s --append mem=4 " DMA_ELF,
		 mode, how);
	assign_ok(cmd, "", &r);
	cr_assert(!strncmp(r.out, dma_transcript, strlen(dma_transcript)), "%s:\n%s", cmd, r.out);
	snprintf(out, size, "%s", r.out);
	unsigned long long n = assign_traps(r.err);
	/* Under a monitor, the owner's count of interrupts it was given. */
	if (!strstr(mode, "bare"))
		cr_assert_not_null(
		    strstr(r.err, "assigned-device interrupts: 8 delivered to vm0\n"), "%s:\n%s",
		    cmd, r.err);
	runner_free(&r);
	return n;
}

static void assign_compare(const char *mode)
{
	char out_e[1024], out_a[1024];
	unsigned long long emulated = assign_run(mode, "dma,emulated", out_e, sizeof(out_e));
	unsigned long long assigned = assign_run(mode, "dma", out_a, sizeof(out_a));
	/* The same transcript, down to the instruction count: the interrupt
	 * is taken at the same instruction, however late the engine ran. */
	cr_assert_str_eq(out_a, out_e, "%s", mode);
	/* Emulated: ID, and per command SRC, DST, LEN, GO, STATUS and the
	 * handler's read and write of INTR -- 8 commands. */
	cr_assert_eq(emulated, 1 + 8 * 7, "%s: %llu register traps emulated", mode, emulated);
	cr_assert_eq(assigned, 0, "%s: %llu register traps assigned", mode, assigned);
}

Test(assign, trap_mode)
{
	assign_compare("--mode=trap");
}

Test(assign, bt_mode)
{
	assign_compare("--mode=bt --isa=legacy");
}

Test(assign, pv_mode)
{
	assign_compare("--mode=pv");
}

Test(assign, vt_nested)
{
	assign_compare("--mode=vt --paging=nested");
}

Test(assign, vt_shadow)
{
	assign_compare("--mode=vt --paging=shadow");
}

/* The bare machine, the engine on its board (emulated: there is no
 * monitor to assign it): the transcript and instruction count the
 * monitor gives it assigned. */
Test(assign, bare_board)
{
	char out_bare[1024], out_trap[1024];
	unsigned long long bus =
	    assign_run("--mode=bare", "dma,emulated", out_bare, sizeof(out_bare));
	cr_assert_eq(bus, 1 + 8 * 7, "%llu register accesses on the bare board", bus);
	assign_run("--mode=trap", "dma", out_trap, sizeof(out_trap));
	cr_assert_str_eq(out_bare, out_trap);
}

/* vm1's lines of a two-VM transcript, without their "[vm1] " prefix. */
static void assign_vm1_lines(const char *out, char *buf, size_t size)
{
	size_t n = 0;
	for (const char *l = strstr(out, "[vm1] "); l; l = strstr(l, "[vm1] ")) {
		l += strlen("[vm1] ");
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) + 1 : strlen(l);
		cr_assert_lt(n + len, size);
		memcpy(buf + n, l, len);
		n += len;
	}
	buf[n] = 0;
}

/* Two VMs: vm0 owns the engine and attacks with it (then, with
 * `hostile`, acknowledges and masks wildly); vm1 runs the same program
 * without it, cannot reach the device, checks a canary in its memory
 * until well after vm0's attacks with every interrupt source enabled,
 * and gets no interrupt: its transcript is that of a run alone. */
static void assign_isolated(const char *mode, const char *hostile)
{
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd),
		 "build/trapvisor run %s --stats --mem 4M --assign dma --append mem=4%s " DMA_ELF
		 " --append mem=4 " DMA_ELF,
		 mode, hostile);
	assign_ok(cmd, "", &r);
	char vm1[512];
	assign_vm1_lines(r.out, vm1, sizeof(vm1));
	cr_assert_str_eq(vm1, canary_transcript, "%s:\n%s", cmd, r.out);
	if (*hostile)
		cr_assert_not_null(strstr(r.out, "[vm0] dma wild: done\n"), "%s", r.out);
	/* Counted where they went: vm0's stats block only. */
	const char *owner = strstr(r.err, "assigned-device interrupts: ");
	const char *vm1_stats = strstr(r.err, "vm1 (exit status");
	cr_assert(owner && vm1_stats && owner < vm1_stats, "%s", r.err);
	cr_assert_null(strstr(owner + 1, "assigned-device interrupts: "), "%s", r.err);
	unsigned long long n = strtoull(owner + strlen("assigned-device interrupts: "), NULL, 10);
	cr_assert_geq(n, 8, "%s", r.err);
	cr_assert_not_null(strstr(owner, " delivered to vm0\n"), "%s", r.err);
	cr_assert_not_null(strstr(r.out, "[vm1] dma id: cause 5 stval 0x10012000\n"),
			   "vm1 reached the device:\n%s", r.out);
	cr_assert_null(strstr(r.out, "[vm1] dma copy"), "%s", r.out);
	cr_assert_null(strstr(r.out, "NOT REFUSED"), "%s", r.out);
	const char *done = strstr(r.out, "[vm0] dma done, ");
	const char *canary = strstr(r.out, "[vm1] dma canary: ");
	cr_assert(done && canary && done < canary, "vm1 checked after vm0's attacks:\n%s", r.out);
	cr_assert_not_null(strstr(canary, "[vm1] dma canary: intact, external interrupts 0\n"),
			   "%s", r.out);
	runner_free(&r);
}

Test(assign, other_vms_trap)
{
	assign_isolated("--mode=trap", "");
}

Test(assign, other_vms_vt)
{
	assign_isolated("--mode=vt", "");
}

Test(assign, hostile_owner_trap)
{
	assign_isolated("--mode=trap", ",hostile=1");
}

Test(assign, hostile_owner_vt_shadow)
{
	assign_isolated("--mode=vt --paging=shadow", ",hostile=1");
}

/* vm1's transcript alone, as the two-VM runs must leave it. */
Test(assign, canary_alone)
{
	struct runner_result r;
	assign_ok("build/trapvisor run --mem 4M --append mem=4 " DMA_ELF, "", &r);
	cr_assert_str_eq(r.out, canary_transcript);
	runner_free(&r);
}

/* `trapvisor debug --assign`: `info assign` shows the register page
 * mapped straight in (emulated: not mapped), and after the run the
 * interrupts the owner took; the second VM has no device. */
static void assign_debug(const char *how, const char *mapping)
{
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd),
		 "build/trapvisor debug --mem 4M --assign %s --append mem=4 --batch - " DMA_ELF
		 " --append mem=4 " DMA_ELF,
		 how);
	assign_ok(cmd, "info assign\ncontinue 400000000\ninfo assign\nvm 1\ninfo assign\n", &r);
	const char *first = strstr(r.out, "(tv) info assign\nvm0: dma-copy at 0x10012000, "
					  "PLIC source 12, ");
	cr_assert_not_null(first, "%s", r.out);
	cr_assert_not_null(strstr(first, mapping), "%s", r.out);
	cr_assert_not_null(strstr(first, "interrupt line low (INTR 0): 0 interrupts, delivered "
					 "to vm0's PLIC only\n"),
			   "%s", r.out);
	const char *after = strstr(first + 1, "(tv) info assign\nvm0: ");
	cr_assert_not_null(after, "%s", r.out);
	cr_assert_not_null(strstr(after, "copies 1, bytes 6000, refused 7\n"
					 "  interrupt line low (INTR 0): 8 interrupts, delivered "
					 "to vm0's PLIC only\n"),
			   "%s", r.out);
	cr_assert_not_null(strstr(after, "(tv) info assign\nvm1 has no assigned device\n"), "%s",
			   r.out);
	runner_free(&r);
}

Test(assign, debug_info_assigned)
{
	assign_debug("dma", "assigned\n  register page: guest P 0x10012000 -> machine R 0x");
	struct runner_result r;
	/* walk takes --assign too, and draws the page as mapped straight in. */
	assign_ok("build/trapvisor walk --mem 4M --assign dma --append mem=4 " DMA_ELF
		  " --after 1000 --va 0x10012000",
		  "", &r);
	cr_assert_not_null(strstr(r.out, "(an assigned device's register page: no trap per "
					 "access)\n"),
			   "%s", r.out);
	cr_assert_not_null(strstr(r.out, "by the shadow  (agrees with V->P->R)\n"), "%s", r.out);
	runner_free(&r);
}

Test(assign, debug_info_emulated)
{
	assign_debug("dma,emulated", "emulated\n  register page: guest P 0x10012000 -> machine "
				     "R 0x");
}

/* Bad --assign options, to run, debug and walk: one line, exit 2. */
Test(assign, bad_options)
{
	static const char *const bad[][2] = {
		{ "run --assign foo " DMA_ELF, "trapvisor run: --assign foo: the assignable device "
					       "is 'dma' (or 'dma,emulated')\n" },
		{ "run " DMA_ELF " --assign dma", "trapvisor run: --assign comes after the last "
						  "guest\n" },
		{ "run --mode=bare --assign dma " DMA_ELF,
		  "trapvisor run: --assign dma needs a monitor mode (nothing to assign to on the "
		  "bare machine; dma,emulated puts the engine on it)\n" },
		{ "debug --assign foo " DMA_ELF,
		  "trapvisor debug: --assign foo: the assignable device is 'dma' (or "
		  "'dma,emulated')\n" },
		{ "debug " DMA_ELF " --assign dma",
		  "trapvisor debug: --assign comes after the last "
		  "guest\n" },
		{ "debug --mode=bare --assign dma " DMA_ELF,
		  "trapvisor debug: --assign dma needs a monitor mode (nothing to assign to on the "
		  "bare machine; dma,emulated puts the engine on it)\n" },
		{ "walk --mode=bare --assign dma " DMA_ELF " --after 10 --va 0",
		  "trapvisor walk: --assign dma needs a monitor mode (nothing to assign to on the "
		  "bare machine; dma,emulated puts the engine on it)\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char cmd[512];
		struct runner_result r;
		snprintf(cmd, sizeof(cmd), "build/trapvisor %s", bad[i][0]);
		runner_run(cmd, "", &r);
		cr_assert_eq(r.status, 2, "%s: status %d", cmd, r.status);
		cr_assert_str_eq(r.err, bad[i][1], "%s", cmd);
		runner_free(&r);
	}
}

/* The teaching kernel's driver (isa-toy/guests/kernel/dma.c): the
 * `dmacopy` program's copies, the kernel sleeping until the engine's
 * interrupt, in every mode, emulated and assigned (and on the bare
 * board): the same transcript, one interrupt per copy. */
static void assign_kernel(const char *mode, const char *kernel, const char *how)
{
	static const char want[] = "kernel: 64 MiB RAM, bootargs \"run=dmacopy\"\n"
				   "dmacopy: 4 copies of 3000 bytes, all right\n"
				   "kernel: init exited with status 0, powering off\n";
	char cmd[512];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd),
		 "build/trapvisor run %s --stats --assign %s --append run=dmacopy "
		 "build/guests/%s",
		 mode, how, kernel);
	assign_ok(cmd, "", &r);
	cr_assert_str_eq(r.out, want, "%s", cmd);
	cr_assert_not_null(strstr(r.err, "4 copies, 12000 bytes, 0 refused, 4 interrupts\n"),
			   "%s:\n%s", cmd, r.err);
	runner_free(&r);
}

Test(assign, kernel_driver)
{
	static const char *const modes[][2] = {
		{ "--mode=trap", "kernel.elf" },
		{ "--mode=bt --isa=legacy", "kernel.elf" },
		{ "--mode=pv", "kernel-pv.elf" },
		{ "--mode=vt --paging=nested", "kernel.elf" },
		{ "--mode=vt --paging=shadow", "kernel.elf" },
	};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assign_kernel(modes[i][0], modes[i][1], "dma");
		assign_kernel(modes[i][0], modes[i][1], "dma,emulated");
	}
	assign_kernel("--mode=bare", "kernel.elf", "dma,emulated");
}
