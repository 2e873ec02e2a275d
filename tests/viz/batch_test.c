/*
 * batch_test.c -- `trapvisor debug --batch`: the command engine's output
 * against what the guest's code says must happen (addresses from nm, the
 * instructions at _start, the kernel's system call path).
 */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/viz/util.h"

static void expect_has(const struct runner_result *r, const char *s)
{
	cr_expect(strstr(r->out, s), "missing \"%s\" in:\n%s\nstderr: %s", s, r->out, r->err);
}

/* Both modes: break at a kernel function, stop exactly there. */
static void break_at_kmain(const char *mode)
{
	struct runner_result r;
	char want[128], opts[64];
	uint32_t kmain = viz_t_sym(KERNEL, "kmain");
	cr_assert(kmain, "nm found no kmain");
	snprintf(opts, sizeof(opts), "--mode=%s " KERNEL, mode);
	viz_t_batch(opts, "break kmain\ncontinue\ninfo regs\n", &r);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	snprintf(want, sizeof(want), "Breakpoint 1 at 0x%08x <kmain>", kmain);
	expect_has(&r, want);
	snprintf(want, sizeof(want), "breakpoint 1 at 0x%08x <kmain>", kmain);
	expect_has(&r, want);
	snprintf(want, sizeof(want), "pc       0x%08x <kmain>", kmain);
	expect_has(&r, want);
	runner_free(&r);
}

Test(batch, break_at_kmain_trap)
{
	break_at_kmain("trap");
}
Test(batch, break_at_kmain_bare)
{
	break_at_kmain("bare");
}
Test(batch, break_at_kmain_vt)
{
	break_at_kmain("vt");
}
Test(batch, break_at_kmain_vt_shadow)
{
	break_at_kmain("vt --paging=shadow");
}

/* --mode=vt: the VMCS shows the exits the monitor took, by reason; with
 * nested paging, one stage2-fault per guest page first touched, each
 * one second-stage entry filled. */
Test(batch, info_vmcs_counts_the_exits)
{
	struct runner_result r;
	viz_t_batch("--mode=vt " KERNEL, "info vmcs\nbreak kmain\ncontinue\ninfo vmcs\n", &r);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	expect_has(&r, "VMCS of vm0  vpid 1  paging nested\n  second stage  root 0x");
	expect_has(&r, "entries filled 0\n");
	expect_has(&r, "entries 0  exits 0\n");
	const char *second = strstr(r.out, "(tv) continue");
	cr_assert(second, "%s", r.out);
	unsigned long filled = 0, faults = 0;
	const char *f = strstr(second, "entries filled "), *s = strstr(second, "\n  stage2-fault ");
	cr_assert(f && s, "%s", r.out);
	filled = strtoul(f + 15, NULL, 10);
	faults = strtoul(s + 16, NULL, 10);
	cr_expect(filled > 0 && filled == faults, "filled %lu, stage2-fault exits %lu", filled,
		  faults);
	runner_free(&r);
	/* Not under TVT: there is no VMCS, and --paging needs --mode=vt. */
	viz_t_batch(KERNEL, "info vmcs\n", &r);
	expect_has(&r, "no VMCS: this VM does not run under TVT (--mode=vt)");
	runner_free(&r);
	runner_run(TV " debug --paging=shadow --batch - " KERNEL, "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--paging is for --mode=vt"), "%s", r.err);
	runner_free(&r);
}

Test(batch, stepi_moves_the_pc_through_start)
{
	/* _start begins with straight-line code (la t0 / la t1: two
	 * auipc+addi pairs), so three steps end at entry + 12. */
	struct runner_result r;
	char want[64];
	uint32_t start = viz_t_sym(KERNEL, "_start");
	viz_t_batch(KERNEL, "x/2i $pc\nstepi 3\nstepi\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "=> 0x%08x <_start>: auipc x5,", start);
	expect_has(&r, want);
	snprintf(want, sizeof(want), "=> 0x%08x <_start+12>: ", start + 12);
	expect_has(&r, want);
	snprintf(want, sizeof(want), "=> 0x%08x <_start+16>: ", start + 16);
	expect_has(&r, want);
	runner_free(&r);
}

Test(batch, catch_an_ecall_lands_in_the_trap_vector)
{
	/* The first system call of the first user program: under the
	 * monitor the trap is reflected, so the guest is at its stvec, in
	 * virtual S-mode, with scause 8 -- and the hart still in U-mode. */
	struct runner_result r;
	char want[128];
	uint32_t vec = viz_t_sym(KERNEL, "trap_vector");
	viz_t_batch(KERNEL, "catch trap ecall-from-U\ncontinue\ninfo vcpu\ninfo csr\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_has(&r, "caught trap ecall-from-U (scause 0x8)");
	snprintf(want, sizeof(want), "=> 0x%08x <trap_vector>", vec);
	expect_has(&r, want);
	expect_has(&r, "virtual mode S");
	expect_has(&r, "scause 0x00000008 (ecall-from-U)");
	expect_has(&r, "mode       U            S");
	runner_free(&r);
}

Test(batch, walk_agrees_with_memory_at_each_level)
{
	/* In a system call, user page 0x1000 (the program's text): V -> P by
	 * the guest's table, P -> R by the monitor.  The same word must read
	 * back through all three names. */
	struct runner_result r, r2;
	viz_t_batch("--append run=hello " KERNEL, "break sys_write\ncontinue\nwalk 0x1000\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	uint64_t p = viz_t_hex_after(r.out, "V 0x00001000 -> P");
	uint64_t m =
	    strstr(r.out, "(P->R map)") ? viz_t_hex_after(strstr(r.out, "-> P"), "-> R") : 0;
	cr_assert(p && m, "%s", r.out);
	cr_expect_neq(p, m, "P->R is scattered, never the identity");
	char script[256];
	snprintf(script, sizeof(script),
		 "break sys_write\ncontinue\nx/1 0x1000\nx/1p 0x%llx\nx/1m 0x%llx\n",
		 (unsigned long long)p, (unsigned long long)m);
	viz_t_batch("--append run=hello " KERNEL, script, &r2);
	uint64_t v = viz_t_hex_after(r2.out, "0x00001000:");
	char key[32];
	snprintf(key, sizeof(key), "0x%08llx:", (unsigned long long)p);
	cr_expect_eq(viz_t_hex_after(r2.out, key), v, "%s", r2.out);
	snprintf(key, sizeof(key), "0x%08llx:", (unsigned long long)m);
	cr_expect_eq(viz_t_hex_after(r2.out, key), v, "%s", r2.out);
	cr_expect_neq(v, 0);
	runner_free(&r);
	runner_free(&r2);
}

Test(batch, shadow_fills_on_demand)
{
	/* Before the first instruction the shadow maps nothing of the kernel
	 * text; after one step the monitor has filled the entry for _start,
	 * and the shadow agrees with V -> P -> R. */
	struct runner_result r;
	viz_t_batch(KERNEL, "walk _start\nstepi\nwalk _start\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_has(&r, "no shadow page table yet");
	expect_has(&r, "by the shadow  (agrees with V->P->R)");
	runner_free(&r);
}

Test(batch, watch_sees_the_next_pid_change)
{
	struct runner_result r;
	char want[96];
	uint32_t a = viz_t_sym(KERNEL, "proc_next_pid");
	viz_t_batch(KERNEL, "x/1 proc_next_pid\nwatch proc_next_pid\ncontinue\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	uint32_t before = (uint32_t)viz_t_hex_after(r.out, ":");
	snprintf(want, sizeof(want), "word at 0x%08x changed 0x%08x -> 0x%08x", a, before,
		 before + 1);
	expect_has(&r, want);
	runner_free(&r);
}

Test(batch, runs_to_the_end_and_reports_the_exit)
{
	struct runner_result r;
	viz_t_batch("--append run=hello " KERNEL, "continue\ncontinue\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_has(&r, "hello, world! I am pid 2");
	expect_has(&r, "the guest exited with status 0");
	runner_free(&r);
}

Test(batch, trace_filter_and_show)
{
	struct runner_result r;
	viz_t_batch(KERNEL, "break sys_write\ncontinue\ntrace filter emulate\ntrace 3\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_has(&r, "trace filter: emulate");
	expect_has(&r, "(3 of ");
	/* Every line the filter let through mentions it. */
	for (const char *p = strstr(r.out, "(tv) trace 3\n") + 13; *p == '#';
	     p = strchr(p, '\n') + 1) {
		const char *eol = strchr(p, '\n');
		cr_expect(memmem(p, (size_t)(eol - p), "emulate", 7), "%.*s", (int)(eol - p), p);
	}
	/* The newest event expands to its full record. */
	const char *last = strrchr(r.out, '#');
	cr_assert(last, "%s", r.out);
	unsigned long long seq = strtoull(last + 1, NULL, 10);
	char script[128], want[64];
	snprintf(script, sizeof(script),
		 "break sys_write\ncontinue\ntrace show %llu\ntrace show 0\n", seq);
	runner_free(&r);
	viz_t_batch(KERNEL, script, &r);
	snprintf(want, sizeof(want), "{\"seq\":%llu,\"icount\":", seq);
	expect_has(&r, want);
	expect_has(&r, "trace: no event #0 in the ring"); /* long overwritten */
	runner_free(&r);
}

Test(batch, info_and_map)
{
	struct runner_result r;
	viz_t_batch("--mem 32M " KERNEL,
		    "break sys_write\ncontinue\ninfo shadow\ninfo tlb\ninfo vms\nmap\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_has(&r, "shadow tables of vm0");
	expect_has(&r, "U-mode TLB:");
	expect_has(&r, "* vm0  32 MiB");
	expect_has(&r, "runs of mappings (satp 0x8");
	runner_free(&r);
}

Test(batch, bad_input_is_one_line_each)
{
	struct runner_result r;
	viz_t_batch(KERNEL,
		    "frobnicate\nbreak nosuchsymbol\nx/2 0x4\nwatch 0x3\ncatch trap nope\n"
		    "vm 7\ndelete 99\nx/0q 1\ninfo\nstepi -1\nquit\n",
		    &r);
	cr_expect_eq(r.status, 1, "a failed command makes the status 1");
	expect_has(&r, "unknown command 'frobnicate'");
	expect_has(&r, "break: need a symbol or address, not nosuchsymbol");
	expect_has(&r, "0x00000004: cannot read");
	expect_has(&r, "watch: 0x00000003 is not an aligned, mapped word");
	expect_has(&r, "catch: unknown trap cause 'nope'");
	expect_has(&r, "vm: no such VM 7");
	expect_has(&r, "delete: no breakpoint or watchpoint 99");
	expect_has(&r, "x: format is");
	expect_has(&r, "info: which?");
	expect_has(&r, "'-1' is not a positive count");
	runner_free(&r);
}

Test(batch, bad_command_lines)
{
	struct runner_result r;
	runner_run(TV " debug --batch /nonexistent/script " KERNEL, "", &r);
	cr_expect_eq(r.status, 2, "%s", r.err);
	runner_free(&r);
	runner_run(TV " debug --gdb 99999 " KERNEL, "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "need a port 1..65535"), "%s", r.err);
	runner_free(&r);
	runner_run(TV " debug --batch - /nonexistent.elf", "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "nonexistent.elf"), "%s", r.err);
	runner_free(&r);
	runner_run(TV " debug " KERNEL " < /dev/null", "", &r);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "needs a terminal"), "%s", r.err);
	runner_free(&r);
}

Test(batch, two_vms)
{
	struct runner_result r;
	viz_t_batch(KERNEL " " KERNEL, "stepi 10\ninfo vms\nvm 1\ninfo vcpu\n", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_has(&r, "* vm0");
	expect_has(&r, "  vm1");
	expect_has(&r, "inspecting vm1");
	expect_has(&r, "vCPU of vm1");
	runner_free(&r);
}

/* `vm 1; stepi` steps vm1, however long vm0's time slice: the machine
 * runs as always, and the stop comes when vm1 made its step. */
Test(batch, vm_n_chooses_which_vm_steps, .timeout = 60)
{
	struct runner_result r;
	viz_t_batch("--append run=hello " KERNEL " " KERNEL,
		    "stepi 3\nvm 1\nstepi\ninfo vms\nstepi 2\ninfo vms\nvm 0\nstepi 4\ninfo vms\n",
		    &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	uint32_t start = viz_t_sym(KERNEL, "_start");
	char want[96];
	snprintf(want, sizeof(want), "=> 0x%08x <_start+4>", start + 4);
	expect_has(&r, want);
	expect_has(&r, "* vm1  64 MiB  pc");
	const char *first = strstr(r.out, "(tv) info vms");
	cr_assert(first);
	cr_expect(strstr(first, "instret 1 ") || strstr(first, "instret 1  "), "%s", first);
	const char *second = strstr(first + 1, "(tv) info vms");
	cr_assert(second);
	cr_expect(strstr(second, "instret 3 "), "vm1 made 2 more steps: %s", second);
	runner_free(&r);
}

/* Several drawings in one process: libgvc once read a font name freed
 * with the previous drawing's context (valgrind: "Invalid read" in the
 * pango plugin).  Three drawings and a map under valgrind must be clean
 * and all four files real pictures.  In the sanitizer build (make
 * test-sanitize) AddressSanitizer watches the same reads itself, and
 * valgrind cannot run an ASan binary, so it runs without valgrind there. */
#ifdef TV_SANITIZED
#define VIZ_T_MEMCHECK ""
#else
#define VIZ_T_MEMCHECK "valgrind --error-exitcode=99 -q "
#endif
Test(batch, three_drawings_in_one_run_under_valgrind, .timeout = 240)
{
	char dir[] = "/tmp/tv-viz-many-XXXXXX", script[512], cmd[1024], path[128];
	static const char *const files[] = { "a.svg", "b.png", "c.svg", "m.svg" };
	struct runner_result r;
	cr_assert(mkdtemp(dir));
	snprintf(script, sizeof(script),
		 "break sys_write\ncontinue\ndot $pc %s/a.svg\ndot $sp %s/b.png\n"
		 "dot kmain %s/c.svg\nmap %s/m.svg\n",
		 dir, dir, dir, dir);
	snprintf(path, sizeof(path), "%s/script", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f && fputs(script, f) >= 0 && fclose(f) == 0);
	snprintf(cmd, sizeof(cmd), VIZ_T_MEMCHECK TV " debug --batch %s --append run=hello " KERNEL,
		 path);
	runner_run(cmd, "", &r);
	cr_expect_eq(r.status, 0, "valgrind or the script failed (%d):\n%s", r.status, r.err);
	cr_expect_null(strstr(r.err, "Invalid read"), "%s", r.err);
	for (int i = 0; i < 4; i++) {
		char head[8] = { 0 };
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		f = fopen(path, "rb");
		cr_assert(f, "%s was not written:\n%s", path, r.out);
		cr_expect_eq(fread(head, 1, 5, f), 5u, "%s is empty", path);
		fclose(f);
		bool png = strstr(files[i], ".png");
		cr_expect(png ? !memcmp(head, "\x89PNG", 4) : !memcmp(head, "<?xml", 5),
			  "%s: not a picture", path);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/script", dir);
	unlink(path);
	rmdir(dir);
	runner_free(&r);
}

/* Outputs that cannot be written: a drawing to /dev/full or into a
 * missing directory, stdout to /dev/full; and a script that is a
 * directory (it opens, then every read fails).  Each is exit 2 with a line
 * on stderr, never a silent 0 or 1. */
Test(batch, unwritable_outputs_and_unreadable_scripts_are_exit_2)
{
	struct runner_result r;
	viz_t_batch(KERNEL, "dot 0x80000000 /dev/full\n", &r);
	cr_expect_eq(r.status, 2, "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.err, "/dev/full: cannot write"), "%s", r.err);
	runner_free(&r);
	viz_t_batch("--append run=hello " KERNEL,
		    "break sys_write\ncontinue\nmap /nonexistent/dir/m.svg\n", &r);
	cr_expect_eq(r.status, 2, "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.err, "/nonexistent/dir/m.svg: cannot write"), "%s", r.err);
	runner_free(&r);
	/* (sh -c: the runner's own redirection of stdout comes last) */
	viz_t_expect_exit("sh -c '" TV " debug --batch - " KERNEL " >/dev/full'", "info regs\n", 2,
			  "standard output");
	viz_t_expect_exit(TV " debug --batch /tmp " KERNEL, "", 2, "--batch /tmp: cannot read");
}

/* A command line of any length is one command: a line longer than the
 * old 511-byte buffer was cut and its tail run as a second command.  More
 * words than a command can have are refused, not dropped. */
Test(batch, long_command_lines_are_whole)
{
	struct runner_result r;
	char want[64];
	size_t pad = 3000;
	char *script = malloc(pad + 512);
	cr_assert(script);
	strcpy(script, "break");
	memset(script + 5, ' ', pad);
	strcpy(script + 5 + pad, "kmain\ninfo break\n");
	/* 17 words: one more than a command line may hold. */
	strcat(script, "help 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
	viz_t_batch(KERNEL, script, &r);
	snprintf(want, sizeof(want), "Breakpoint 1 at 0x%08x <kmain>", viz_t_sym(KERNEL, "kmain"));
	expect_has(&r, want);
	cr_expect_null(strstr(r.out, "unknown command 'kmain'"), "the line was cut:\n%s", r.out);
	expect_has(&r, "too many words on one line (at most 16)");
	cr_expect_eq(r.status, 1, "the refused line fails the script");
	free(script);
	runner_free(&r);
	/* A symbol far longer than any: refused in one line, no crash. */
	char *longsym = malloc(5000);
	cr_assert(longsym);
	strcpy(longsym, "break ");
	memset(longsym + 6, 'k', 4000);
	strcpy(longsym + 4006, "\n");
	viz_t_batch(KERNEL, longsym, &r);
	cr_expect_eq(r.status, 1, "%s", r.err);
	expect_has(&r, "break: need a symbol or address, not kkkk");
	free(longsym);
	runner_free(&r);
}

/* Numbers are parsed strictly: `vm 4294967296` once wrapped to vm0. */
Test(batch, numbers_are_strict)
{
	struct runner_result r;
	viz_t_batch(KERNEL " " KERNEL,
		    "vm 4294967296\nvm -0\nvm +1\nvm 1x\nvm 0x\nvm 99999999999999999999\n"
		    "stepi 1junk\nstepi 0x\ndelete -1\ntrace 4294967296x\nvm 1\n",
		    &r);
	cr_expect_eq(r.status, 1);
	expect_has(&r, "vm: no such VM 4294967296");
	expect_has(&r, "vm: no such VM -0");
	expect_has(&r, "vm: no such VM +1");
	expect_has(&r, "vm: no such VM 1x");
	expect_has(&r, "vm: no such VM 0x\n");
	expect_has(&r, "vm: no such VM 99999999999999999999");
	expect_has(&r, "'1junk' is not a positive count");
	expect_has(&r, "'0x' is not a positive count");
	expect_has(&r, "delete: '-1' is not a breakpoint number");
	expect_has(&r, "trace: usage");
	/* Only the last, well-formed one selected a VM. */
	cr_expect_null(strstr(r.out, "inspecting vm0"), "%s", r.out);
	expect_has(&r, "inspecting vm1");
	runner_free(&r);
}

/* Local symbols (`t` in nm) resolve for break and x and name addresses;
 * where a global and a local share a name, the global wins. */
Test(batch, local_symbols)
{
	struct runner_result r;
	char want[96];
	uint32_t back2 = viz_t_sym(LOCALS, "back2");
	uint32_t twin_g = viz_t_sym_type(LOCALS, "twin", 'T');
	uint32_t twin_l = viz_t_sym_type(LOCALS, "twin", 't');
	uint32_t spot = viz_t_sym(LOCALS, "spot");
	cr_assert(back2 && twin_g && twin_l && spot && twin_g != twin_l, "nm: %x %x %x %x", back2,
		  twin_g, twin_l, spot);
	viz_t_batch("--mode=bare " LOCALS,
		    "break back2\ncontinue\ncontinue\nbreak twin\nx/2i local_twin_call\nhelp\n",
		    &r);
	cr_expect_eq(r.status, 0, "%s\n%s", r.out, r.err);
	snprintf(want, sizeof(want), "Breakpoint 1 at 0x%08x", back2);
	expect_has(&r, want);
	/* The loop runs three times: two continues stop at back2 twice. */
	snprintf(want, sizeof(want), "breakpoint 1 at 0x%08x", back2);
	const char *p = strstr(r.out, want);
	cr_expect(p && strstr(p + 1, want), "two stops at back2:\n%s", r.out);
	snprintf(want, sizeof(want), "Breakpoint 2 at 0x%08x <twin>", twin_g);
	expect_has(&r, want);
	/* local_twin_call (global) and twin (local) share an address: the
	 * global names it; spot, alone, names the next one. */
	snprintf(want, sizeof(want), "0x%08x <local_twin_call>:", twin_l);
	expect_has(&r, want);
	snprintf(want, sizeof(want), "0x%08x <spot>:", spot);
	expect_has(&r, want);
	expect_has(&r, "global or local");
	expect_has(&r, "the global wins");
	runner_free(&r);
}

/* rwatch and awatch stop after the instruction that loads (or stores)
 * the watched bytes, named by the stop line, with the pc after it; a
 * store of the range does not stop a read watchpoint. */
Test(batch, access_watchpoints, .timeout = 60)
{
	struct runner_result r;
	viz_t_batch("--append run=hello " KERNEL,
		    "rwatch proc_cur\ncontinue\ninfo break\ndelete\nawatch kalloc_list 4\n"
		    "continue\nrwatch 0 4\nawatch kalloc_list 5000\n",
		    &r);
	cr_expect_eq(r.status, 1, "the last two commands fail:\n%s", r.out);
	cr_expect(strstr(r.out, "Read watchpoint 1: 4 bytes at"), "%s", r.out);
	cr_expect(strstr(r.out, "read watchpoint 1: load of 4 bytes at P"), "%s", r.out);
	cr_expect(strstr(r.out, "1   rwatch 0x"), "info break lists it:\n%s", r.out);
	char *aw = strstr(r.out, "access watchpoint 2: ");
	cr_assert(aw, "%s", r.out);
	cr_expect(!strncmp(aw + 21, "load", 4) || !strncmp(aw + 21, "store", 5), "%s", aw);
	/* The access is to kalloc_list itself (the kernel's addresses are
	 * its physical ones). */
	char want[64];
	snprintf(want, sizeof(want), "bytes at P 0x%08x", viz_t_sym(KERNEL, "kalloc_list"));
	cr_expect(strstr(aw, want), "%s\n%s", want, aw);
	cr_expect(strstr(r.out, "rwatch 0 4") && strstr(r.out, "is not mapped RAM"), "%s", r.out);
	runner_free(&r);
}

/* shadow: the guest's PTE beside the shadow's.  At sys_write the kernel
 * runs in view S: its code page at the pc is filled (it just ran), the
 * user's page 0x1000 is hidden from that view, 0x2000 is not mapped;
 * under nested paging there is no shadow to show. */
Test(batch, shadow_beside_guest)
{
	struct runner_result r;
	viz_t_batch("--append run=hello " KERNEL,
		    "break sys_write\ncontinue\nshadow $pc 1\nshadow 0x1000 2\nshadow 1 0\n", &r);
	cr_assert_eq(r.status, 1, "%s\n%s", r.out, r.err); /* the last line is refused */
	expect_has(&r, "view S:  V -> guest PTE (P) | shadow PTE (R)\n");
	const char *pc = strstr(r.out, "(tv) shadow $pc 1");
	cr_assert(pc, "%s", r.out);
	cr_expect(strstr(pc, " filled\n"), "%s", pc);
	expect_has(&r, "  00001000  ");
	expect_has(&r, "hidden in this view\n  00002000  -");
	expect_has(&r, "not mapped\n");
	expect_has(&r, "shadow: usage: shadow [VA [N [brief]]] (N 1..1024)");
	runner_free(&r);
	/* Nested paging has no shadow: the second stage stands beside the
	 * guest's table instead (empty before the VM ran). */
	viz_t_batch("--mode=vt " KERNEL, "shadow\n", &r);
	expect_has(&r, "nested paging: second stage root R 0x");
	expect_has(&r, "  80000000  (paging off) P 80000000          | -");
	expect_has(&r, "not yet filled (stage2-fault)\n");
	runner_free(&r);
}

/* catch action: stop after the monitor reflects hello's first system
 * call -- the vCPU went from U at the user's ecall to S at the kernel's
 * trap vector -- and after a shadow fill; bad kinds and the bare board
 * are refused. */
Test(batch, catch_action_shows_the_change)
{
	struct runner_result r;
	char want[160];
	uint32_t vec = viz_t_sym(KERNEL, "trap_vector");
	cr_assert(vec, "nm found no trap_vector");
	viz_t_batch("--append run=hello " KERNEL,
		    "catch action reflect\ncontinue\ncatch action shadow-fill\ncontinue\n"
		    "catch action bogus\n",
		    &r);
	cr_assert_eq(r.status, 1, "%s\n%s", r.out, r.err);
	expect_has(&r, "Catching action reflect\n");
	snprintf(want, sizeof(want), " reflect ecall-from-U: pc 0x");
	expect_has(&r, want);
	snprintf(want, sizeof(want), " -> 0x%08x, mode U -> S, ", vec);
	expect_has(&r, want);
	expect_has(&r, " shadow fill: pc 0x");
	expect_has(&r, "catch action: unknown kind 'bogus'");
	runner_free(&r);
	viz_t_batch("--mode=bare " KERNEL, "catch action emulate\n", &r);
	expect_has(&r, "catch action: no monitor on the bare board");
	runner_free(&r);
}
