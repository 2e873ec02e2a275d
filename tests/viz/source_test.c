/*
 * source_test.c -- source lines in the debugger (viz/source.c): the line of
 * an address against the cross toolchain's addr2line (an independent DWARF
 * reader), `list` against the file itself, `step` into calls and `next`
 * over them, and the running user program's own symbols and lines.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/viz/util.h"

#define HELLO_ELF "build/guests/user/init.elf"

/* addr2line's "FILE:LINE" for addr in elf: the file's base name and the
 * line into base[] and *line. */
static void addr2line(const char *elf, uint32_t addr, char base[128], int *line)
{
	char cmd[256];
	struct runner_result r;
	snprintf(cmd, sizeof(cmd), "riscv64-unknown-elf-addr2line -e %s 0x%08x", elf, addr);
	runner_run(cmd, "", &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *colon = strrchr(r.out, ':');
	cr_assert(colon, "%s", r.out);
	*colon = 0;
	const char *slash = strrchr(r.out, '/');
	snprintf(base, 128, "%s", slash ? slash + 1 : r.out);
	*line = atoi(colon + 1);
	runner_free(&r);
}

/* "ADDR <SYM> is at FILE:LINE" as addr2line has it. */
static void expect_line_of(const char *out, const char *elf, uint32_t addr)
{
	char base[128], want[160];
	int line;
	addr2line(elf, addr, base, &line);
	cr_assert_gt(line, 0);
	snprintf(want, sizeof(want), "/%s:%d\n", base, line);
	char at[32];
	snprintf(at, sizeof(at), "0x%08x <", addr);
	const char *p = strstr(out, "(tv) info line\n");
	cr_assert(p, "no info line in:\n%s", out);
	p += strlen("(tv) info line\n");
	cr_assert(!strncmp(p, at, strlen(at)), "info line is not of %s:\n%s", at, p);
	cr_expect(strstr(p, want) && strstr(p, want) < strchr(p, '\n') + 1, "want %s in: %.200s",
		  want, p);
}

Test(source, info_line_and_list_agree_with_addr2line, .timeout = 60)
{
	struct runner_result r;
	uint32_t sw = viz_t_sym(KERNEL, "sys_write");
	cr_assert_neq(sw, 0);
	viz_t_batch("--append run=hello " KERNEL, "break sys_write\ncontinue\ninfo line\nlist\n",
		    &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_line_of(r.out, KERNEL, sw);
	/* `list` marks the line, and quotes the file: the function's own
	 * name is within the five lines before it. */
	const char *l = strstr(r.out, "(tv) list\n");
	cr_assert(l, "%s", r.out);
	cr_expect(strstr(l, "syscall.c:"), "%s", l);
	const char *mark = strstr(l, "\n=>");
	cr_assert(mark, "no => line: %s", l);
	cr_expect(strstr(l, "sys_write(") && strstr(l, "sys_write(") < mark, "%s", l);
	runner_free(&r);
}

/* From sys_write's first line, ten `step`s go into a function it calls;
 * ten `next`s stay in sys_write (or, at its end, its caller). */
Test(source, step_enters_calls_next_runs_them, .timeout = 60)
{
	struct runner_result s, n;
	const char *ten = "step\nstep\nstep\nstep\nstep\nstep\nstep\nstep\nstep\nstep\n";
	char script[512];
	snprintf(script, sizeof(script), "break sys_write\ncontinue\ndelete\n%s", ten);
	viz_t_batch("--append run=hello " KERNEL, script, &s);
	for (char *p = script; (p = strstr(p, "step")); p++)
		memcpy(p, "next", 4);
	viz_t_batch("--append run=hello " KERNEL, script, &n);
	cr_assert_eq(s.status, 0, "%s", s.err);
	cr_assert_eq(n.status, 0, "%s", n.err);
	int outside_s = 0, outside_n = 0, lines = 0;
	for (const char *p = strstr(s.out, "(tv) delete"); p && (p = strstr(p, "\n=> ")); p++)
		outside_s +=
		    !strstr(p, "<sys_write") || strstr(p, "<sys_write") > strchr(p + 1, '\n');
	for (const char *p = strstr(n.out, "(tv) delete"); p && (p = strstr(p, "\n=> ")); p++) {
		const char *eol = strchr(p + 1, '\n');
		bool in = strstr(p, "<sys_write") && strstr(p, "<sys_write") < eol;
		bool caller =
		    strstr(p, "<syscall_dispatch") && strstr(p, "<syscall_dispatch") < eol;
		outside_n += !in && !caller;
		/* Each stop prints the line it reached: "LINE\tTEXT". */
		lines += eol && eol[1] >= '1' && eol[1] <= '9';
	}
	cr_expect_gt(outside_s, 0, "step went into no call:\n%s", s.out);
	cr_expect_eq(outside_n, 0, "next went into a call:\n%s", n.out);
	cr_expect_geq(lines, 8, "next printed no source lines:\n%s", n.out);
	runner_free(&s);
	runner_free(&n);
}

/* In user mode, the running program's symbols and lines: the pc in init's
 * main names <main> and init.c, and `break printf` finds the user
 * library's printf (init's), not a kernel function. */
Test(source, user_program_symbols_and_lines, .timeout = 60)
{
	struct runner_result r;
	uint32_t main_at = viz_t_sym(HELLO_ELF, "main"), printf_at = viz_t_sym(HELLO_ELF, "printf");
	cr_assert(main_at && printf_at);
	char script[256];
	snprintf(script, sizeof(script), "break 0x%x\ncontinue\ninfo line\nbreak printf\n",
		 main_at);
	viz_t_batch("--append run=hello " KERNEL, script, &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char want[64];
	snprintf(want, sizeof(want), "=> 0x%08x <main>", main_at);
	cr_expect(strstr(r.out, want), "%s", r.out);
	expect_line_of(r.out, HELLO_ELF, main_at);
	snprintf(want, sizeof(want), "Breakpoint 2 at 0x%08x <printf>", printf_at);
	cr_expect(strstr(r.out, want), "%s", r.out);
	runner_free(&r);
}

/* Where there is no DWARF (a test guest built without lines here is the
 * kernel's own data): `list` says so; `info line` of an address with
 * none says so. */
Test(source, no_lines_said_plainly)
{
	struct runner_result r;
	viz_t_batch(KERNEL, "list 0x10\ninfo line 0x10\n", &r);
	cr_expect_eq(r.status, 1, "a failed command fails the batch: %s", r.err);
	cr_expect(strstr(r.out, "list: no source line for 0x00000010"), "%s", r.out);
	cr_expect(strstr(r.out, "0x00000010 : no source line"), "%s", r.out);
	runner_free(&r);
}
