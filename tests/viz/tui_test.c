/*
 * tui_test.c -- the curses debugger as a user meets it: run under a
 * private tmux server (tmux -L), driven with send-keys, read back with
 * capture-pane.  Each test kills its server at the end, pass or fail.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/viz/util.h"

static char sock[64];

static int tmux(const char *fmt, ...)
{
	char args[768], cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "timeout 10 tmux -L %s %s >/dev/null 2>&1", sock, args);
	return system(cmd);
}

static void tui_start_size(int cols, int rows, const char *args)
{
	char cwd[512];
	snprintf(sock, sizeof(sock), "tv-viz-%d", (int)getpid());
	cr_assert(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(tmux("new-session -d -s tv -x %d -y %d -c '%s' "
			  "'exec timeout 120 " TV " debug %s'",
			  cols, rows, cwd, args),
		     0);
}

static void tui_start_args(const char *args)
{
	tui_start_size(100, 30, args);
}

static void tui_start(void)
{
	tui_start_args(KERNEL);
}

static void tui_stop(void)
{
	tmux("kill-server");
}

/* The screen now (static buffer). */
static const char *screen(void)
{
	static char buf[16384];
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "timeout 10 tmux -L %s capture-pane -p -t tv 2>/dev/null", sock);
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(buf, 1, sizeof(buf) - 1, p) : 0;
	buf[n] = 0;
	if (p)
		pclose(p);
	return buf;
}

/* Wait up to 10 s for `text` on the screen. */
static bool wait_for(const char *text)
{
	for (int i = 0; i < 200; i++) {
		if (strstr(screen(), text))
			return true;
		usleep(50000);
	}
	return false;
}

static void type(const char *line)
{
	tmux("send-keys -t tv -l '%s'", line);
	tmux("send-keys -t tv Enter");
}

Test(tui, panes_render, .init = tui_start, .fini = tui_stop, .timeout = 60)
{
	cr_assert(wait_for("(tv)"), "%s", screen());
	const char *titles[] = { "Registers", "Code",	"Trap trace", "Page tables",
				 "Console",   "Memory", "Output" };
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		cr_expect(strstr(screen(), titles[i]), "no %s pane:\n%s", titles[i], screen());
	/* The trap monitor: the hart is in U-mode, the guest believes S. */
	cr_expect(strstr(screen(), "mode: hart U, guest S"), "%s", screen());
	char want[64];
	snprintf(want, sizeof(want), "=> %08x <_start>", viz_t_sym(KERNEL, "_start"));
	cr_expect(strstr(screen(), want), "%s", screen());
}

Test(tui, stepping_moves_the_pc, .init = tui_start, .fini = tui_stop, .timeout = 60)
{
	char want[64];
	uint32_t start = viz_t_sym(KERNEL, "_start");
	cr_assert(wait_for("(tv)"));
	type("stepi");
	snprintf(want, sizeof(want), "=> %08x <_start+4>", start + 4);
	cr_expect(wait_for(want), "%s", screen());
	type(""); /* Enter alone repeats the step */
	snprintf(want, sizeof(want), "pc %08x <_start+8>", start + 8);
	cr_expect(wait_for(want), "%s", screen());
}

Test(tui, breakpoint_stops_and_walk_shows_the_translation, .init = tui_start, .fini = tui_stop,
     .timeout = 60)
{
	char want[96];
	uint32_t sw = viz_t_sym(KERNEL, "sys_write");
	cr_assert(wait_for("(tv)"));
	type("break sys_write");
	type("continue");
	snprintf(want, sizeof(want), "breakpoint 1 at 0x%08x <sys_write>", sw);
	cr_assert(wait_for(want), "%s", screen());
	cr_expect(strstr(screen(), "kernel: 64 MiB RAM"), "console pane:\n%s", screen());
	snprintf(want, sizeof(want), "=>*%08x <sys_write>", sw);
	cr_expect(strstr(screen(), want), "code pane marks pc and breakpoint:\n%s", screen());
	type("walk 0x1000");
	cr_expect(wait_for("Page tables: V -> P -> R"), "%s", screen());
	cr_expect(wait_for("V 0x00001000 -> P 0x"), "%s", screen());
	cr_expect(strstr(screen(), "(P->R map)"), "%s", screen());
}

Test(tui, resize_and_quit, .init = tui_start, .fini = tui_stop, .timeout = 60)
{
	cr_assert(wait_for("(tv)"));
	tmux("resize-window -t tv -x 80 -y 24");
	usleep(500000);
	type("info vms");
	cr_expect(wait_for("* vm0  64 MiB"), "%s", screen());
	/* Every line fits 80 columns and the prompt is on the last row. */
	const char *s = screen();
	int lines = 0;
	for (const char *p = s; *p; lines++) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		cr_expect_leq(len, 80u, "line %d too long", lines);
		p = e ? e + 1 : p + len;
	}
	cr_expect(strstr(s, "Registers") && strstr(s, "Memory"), "%s", s);
	type("quit");
	/* The session ends with the debugger. */
	bool gone = false;
	for (int i = 0; i < 100 && !gone; i++) {
		gone = tmux("has-session -t tv") != 0;
		usleep(50000);
	}
	cr_expect(gone, "the debugger did not quit:\n%s", screen());
}

Test(tui, bare_mode_and_tab_completion, .fini = tui_stop, .timeout = 60)
{
	tui_start_args("--mode=bare " KERNEL);
	cr_assert(wait_for("(tv)"));
	cr_expect(strstr(screen(), "Registers (bare board)"), "%s", screen());
	cr_expect(strstr(screen(), "no monitor, no trace"), "%s", screen());
	/* "tbr" + Tab completes the command, "sys_wr" + Tab the symbol. */
	tmux("send-keys -t tv -l 'tbr'");
	tmux("send-keys -t tv Tab");
	tmux("send-keys -t tv -l 'sys_wr'");
	tmux("send-keys -t tv Tab");
	cr_expect(wait_for("(tv) tbreak sys_write"), "%s", screen());
	tmux("send-keys -t tv Enter");
	cr_expect(wait_for("Temporary breakpoint 1"), "%s", screen());
}

/* A command line longer than the old 511-byte buffer is one whole
 * command, and Enter alone repeats all of it (it was cut to "break" and
 * spaces: "need a symbol or address"). */
Test(tui, long_command_line_is_whole, .init = tui_start, .fini = tui_stop, .timeout = 60)
{
	char line[700], want[96];
	uint32_t kmain = viz_t_sym(KERNEL, "kmain");
	cr_assert(wait_for("(tv)"));
	snprintf(line, sizeof(line), "break%600skmain", "");
	type(line);
	snprintf(want, sizeof(want), "Breakpoint 1 at 0x%08x <kmain>", kmain);
	cr_expect(wait_for(want), "%s", screen());
	type(""); /* Enter alone: the same long line again */
	snprintf(want, sizeof(want), "Breakpoint 2 at 0x%08x <kmain>", kmain);
	cr_expect(wait_for(want), "%s", screen());
	cr_expect_null(strstr(screen(), "need a symbol"), "%s", screen());
}

/* --mode=vt: a VMCS pane above the page tables, its counts moving as
 * the guest runs (the first stage2-fault exit fills the first entry). */
Test(tui, vt_mode_has_a_vmcs_pane, .fini = tui_stop, .timeout = 60)
{
	tui_start_args("--mode=vt " KERNEL);
	cr_assert(wait_for("(tv)"), "%s", screen());
	cr_expect(strstr(screen(), "vm0 nested: 0 stage-2 filled, 0 exits"), "%s", screen());
	cr_expect(strstr(screen(), "mode: guest S, non-root (TVT)"), "%s", screen());
	cr_expect(strstr(screen(), "Page tables"), "%s", screen());
	type("break kmain");
	type("continue");
	cr_expect(wait_for("breakpoint 1 at"), "%s", screen());
	/* The exits are mostly preemption-timer slices: their count follows
	 * the kernel's length, the stage-2 fills only its page count (a
	 * dozen or so pages to reach kmain), each from one stage-2 fault. */
	cr_expect(wait_for("stage-2 filled, "), "%s", screen());
	const char *at = strstr(screen(), "vm0 nested: ");
	cr_assert(at, "%s", screen());
	int fills = atoi(at + strlen("vm0 nested: "));
	cr_expect(fills >= 8 && fills <= 32, "%d stage-2 fills to reach kmain", fills);
	char want[64];
	snprintf(want, sizeof(want), "%d stage-2 filled, 0 exits", fills);
	cr_expect_null(strstr(screen(), want), "%s", screen());
	snprintf(want, sizeof(want), "stage2-fault %d ", fills);
	cr_expect(strstr(screen(), want), "%s", screen());
}

/* 80x24, the smallest terminal the layout is made for: every pane is
 * there, with its title, and the prompt. */
static void tui_start_small(void)
{
	tui_start_size(80, 24, KERNEL);
}

Test(tui, every_pane_at_80x24, .init = tui_start_small, .fini = tui_stop, .timeout = 60)
{
	cr_assert(wait_for("(tv)"), "%s", screen());
	type("stepi 1000");
	cr_assert(wait_for("(tv) stepi 1000"), "%s", screen());
	const char *titles[] = { "Registers", "Code",	"Trap trace", "Page tables",
				 "Console",   "Memory", "Output" };
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		cr_expect(strstr(screen(), titles[i]), "no %s pane at 80x24:\n%s", titles[i],
			  screen());
	/* No line of the screen is wider than the terminal. */
	const char *scr = screen();
	for (const char *p = scr; *p;) {
		size_t n = strcspn(p, "\n");
		cr_expect_leq(n, 80, "a line of %zu columns:\n%s", n, scr);
		p += n + (p[n] != 0);
	}
}

/* PageUp scrolls the Output pane back through everything printed, and
 * says so in its title; PageDown comes back. */
Test(tui, output_pane_scrolls_back, .init = tui_start, .fini = tui_stop, .timeout = 60)
{
	cr_assert(wait_for("(tv)"));
	type("help");
	cr_assert(wait_for("`help COMMAND` says more"), "%s", screen());
	cr_expect_null(strstr(screen(), "stepi [N]: run N"), "the top of help is off the pane");
	tmux("send-keys -t tv PPage");
	cr_expect(wait_for("lines back (PageDown: newer)"), "%s", screen());
	/* A page is the pane's height: help is many pages. */
	tmux("send-keys -t tv PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage "
	     "PPage PPage PPage PPage PPage PPage PPage PPage PPage");
	cr_expect(wait_for("stepi [N]: run N"), "scrolled back to the top of help:\n%s", screen());
	tmux("send-keys -t tv NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage "
	     "NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage");
	cr_expect(wait_for("`help COMMAND` says more"), "%s", screen());
	cr_expect_null(strstr(screen(), "lines back"), "back at the newest:\n%s", screen());
}

/* A command typed while a long `continue` runs is kept and run after it. */
Test(tui, typed_ahead_during_continue, .fini = tui_stop, .timeout = 90)
{
	tui_start_args("--append run=primes:300000 " KERNEL);
	cr_assert(wait_for("(tv)"));
	type("continue");
	tmux("send-keys -t tv -l 'info history'");
	tmux("send-keys -t tv Enter");
	cr_expect(wait_for("the guest exited with status 0"), "%s", screen());
	cr_expect(wait_for("(tv) info history"), "the typed-ahead command was lost:\n%s", screen());
	cr_expect(wait_for("position "), "%s", screen());
}

/* The code pane shows the C source at the pc above the disassembly, its
 * title naming the file and line. */
Test(tui, code_pane_shows_the_source_line, .init = tui_start, .fini = tui_stop, .timeout = 60)
{
	cr_assert(wait_for("(tv)"));
	type("break sys_write");
	type("continue");
	cr_assert(wait_for("breakpoint 1 at"), "%s", screen());
	cr_expect(wait_for("Code: syscall.c:"), "%s", screen());
	cr_expect(strstr(screen(), "static int sys_write("), "%s", screen());
	cr_expect(strstr(screen(), "<sys_write>"), "the disassembly too: %s", screen());
}

/* Ctrl-T cycles the Page tables pane: the shadow beside the guest's
 * table, then the P->R map, then back. */
Test(tui, ctrl_t_shows_shadow_then_p2r, .init = tui_start, .fini = tui_stop, .timeout = 60)
{
	cr_assert(wait_for("(tv)"));
	type("break sys_write");
	type("continue");
	cr_assert(wait_for("breakpoint 1 at"), "%s", screen());
	tmux("send-keys -t tv C-t");
	cr_expect(wait_for("Shadow beside guest"), "%s", screen());
	cr_expect(wait_for(", view S"), "%s", screen());
	cr_expect(strstr(screen(), "vm0 guest satp 0x800"), "%s", screen());
	cr_expect(strstr(screen(), " filled"), "%s", screen());
	tmux("send-keys -t tv C-t");
	cr_expect(wait_for("P->R map near the pc's P"), "%s", screen());
	cr_expect(strstr(screen(), " -> R "), "%s", screen());
	tmux("send-keys -t tv C-t");
	cr_expect(wait_for("Page tables"), "%s", screen());
}
