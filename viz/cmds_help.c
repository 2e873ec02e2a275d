/*
 * cmds_help.c -- `help COMMAND`: for every command of the table in
 * cmds.c, a paragraph that says what it is for and an example that works
 * on the teaching kernel.  An alias (si, c, b, ...) shares its command's
 * entry: the one with the same function.  tests/viz/help_test.c checks
 * that every command has one and that every example runs.
 */
#include <string.h>

#include "viz/cli.h"
#include "viz/cmds.h"

static const struct {
	const char *name, *para, *example;
} dbg_help_text[] = {
	{ "stepi",
	  "Run the guest N steps. A step is one instruction retired or one trap taken, so a "
	  "trapping instruction (an ecall, a page fault) is two: the trap, then the handler's "
	  "first instruction. Under a monitor the step counts the guest's progress, not the "
	  "monitor's work. With several VMs it counts the inspected VM's steps (vm N).",
	  "stepi 100" },
	{ "step",
	  "Run to the next source line, going into the functions it calls. The lines come from "
	  "the ELF's DWARF (the kernel's, or the running user program's); where there are none, "
	  "step is stepi. The line reached is printed with its text.",
	  "step" },
	{ "next",
	  "Run to the next source line of this function: calls (jal/jalr linking ra) run to "
	  "their return, and an ecall's or an interrupt's trip through the other mode is run "
	  "through too. Where there are no lines, next is nexti.",
	  "next" },
	{ "nexti",
	  "One step, but a call (jal or jalr that links ra) runs until it returns to the "
	  "instruction after it, with a temporary breakpoint there.",
	  "nexti" },
	{ "list",
	  "The source lines around the pc (or around a symbol or address), the line of the "
	  "address marked =>. The file is the one the compiler read.",
	  "list sys_write" },
	{ "continue",
	  "Run until a breakpoint, a watchpoint, a caught trap or action, the guest's end, or "
	  "Ctrl-C. All VMs run, each in its time slices.",
	  "continue" },
	{ "reverse-stepi",
	  "Go back N steps in the guest's history. The machine is deterministic, so the state "
	  "there is found by restoring the last in-memory checkpoint before it (or the entry) "
	  "and running forward: registers, memory and the panes are what stepi saw there.",
	  "reverse-stepi 10" },
	{ "reverse-continue",
	  "Go back to the last breakpoint or watchpoint hit before now, searching the history "
	  "backwards an interval between checkpoints at a time; to the entry if there was none.",
	  "reverse-continue" },
	{ "restart",
	  "Begin again at the guest's entry, also after it exited. Breakpoints, watchpoints "
	  "and catches are kept; changes made by hand are forgotten.",
	  "restart" },
	{ "break",
	  "Stop when the pc reaches a symbol or address (SYM+OFF, a number, $reg). Kernel "
	  "symbols, local ones too; in user mode also the running program's.",
	  "break sys_write" },
	{ "tbreak",
	  "A breakpoint that deletes itself the first time it is hit: to run to a point once "
	  "without a breakpoint left behind.",
	  "tbreak kmain" },
	{ "delete",
	  "Delete breakpoint or watchpoint N (the numbers break and watch printed), or all of "
	  "them without N.",
	  "delete" },
	{ "watch",
	  "Stop when the 32-bit word at a guest-virtual address changes, whoever changed it: "
	  "the guest, a device's DMA, the monitor. The old and new values are printed.",
	  "watch kalloc_nfree" },
	{ "rwatch",
	  "Stop after an instruction loads from [ADDR, ADDR+LEN) (awatch: loads or stores). "
	  "The instruction is decoded at each step to find the address it reaches.",
	  "rwatch kalloc_nfree 4" },
	{ "catch",
	  "Stop on what happens, not where: catch trap CAUSE stops on traps of a cause (by name "
	  "or number, any, none); catch action KIND stops after the monitor does something -- "
	  "shadow-fill, reflect, emulate, write-protect, stage2-fill, invalidate, vmexit REASON "
	  "-- and prints the vCPU before and after as a diff.",
	  "catch action shadow-fill" },
	{ "walk",
	  "The translation of a virtual address, step by step: V -> P through the guest's "
	  "table, P -> R through the monitor's map, and the walk the hardware makes (the "
	  "shadow's V -> R, or under nested paging each address through the second stage).",
	  "walk $pc" },
	{ "x",
	  "Examine memory: x/Nx words or x/Ni instructions at a guest-virtual address; "
	  "x/Np guest-physical, x/Nm machine.",
	  "x/4i $pc" },
	{ "info",
	  "State by part: regs, csr (the hart's beside the guest's), vcpu, tlb, shadow, vms, "
	  "vmcs, break, assign, history, checkpoints, line, virtq.",
	  "info csr" },
	{ "shadow",
	  "The guest's page-table entries beside the shadow's, page by page from an address: "
	  "filled, not yet filled, write-protected (a guest page-table page).",
	  "shadow $pc 4" },
	{ "vm",
	  "Inspect VM N: the panes and info show it, and stepi, step and next count its steps "
	  "(the machine runs as always; the stop comes when VM N has made them).",
	  "vm 0" },
	{ "trace",
	  "The monitor's events, newest last: trace N shows N of them, trace filter TEXT keeps "
	  "those containing TEXT, trace show SEQ shows one whole.",
	  "trace 5" },
	{ "dot",
	  "Draw the walk of an address to a file (.dot, .svg or .png): the guest's walk, the "
	  "P -> R map, the hardware's walk, with a title and a legend for the projector.",
	  "dot $pc /tmp/tv-help-walk.svg" },
	{ "map",
	  "Every mapping of the guest's address space, runs of pages merged; with FILE, drawn "
	  "as the table's tree beside the one the hardware walks.",
	  "map" },
	{ "snapshot",
	  "Write the machine's state to FILE (the same snapshot as run --suspend-at); "
	  "trapvisor resume FILE goes on from here in a new process.",
	  "snapshot save /tmp/tv-help.snap" },
	{ "quit",
	  "Leave the debugger (Ctrl-D too). The guest is not run to its end; a GDB client "
	  "attached to --gdb sees the connection close.",
	  "quit" },
	{ "help",
	  "The commands, one line each, or one of them with a paragraph on what it is for and "
	  "an example that works on the teaching kernel.",
	  "help walk" },
};

/* The help entry of command `c`: its own, or that of the first command
 * with the same function (an alias's). */
static int dbg_help_index(const struct dbg_command *c)
{
	for (const struct dbg_command *o = dbg_commands; o->name; o++) {
		if (o->fn != c->fn)
			continue;
		for (size_t i = 0; i < sizeof(dbg_help_text) / sizeof(dbg_help_text[0]); i++)
			if (!strcmp(o->name, dbg_help_text[i].name))
				return (int)i;
	}
	return -1;
}

bool dbg_help_of(const char *name, const char **para, const char **example)
{
	for (const struct dbg_command *c = dbg_commands; c->name; c++) {
		if (strcmp(c->name, name))
			continue;
		int i = dbg_help_index(c);
		if (i < 0)
			return false;
		*para = dbg_help_text[i].para;
		*example = dbg_help_text[i].example;
		return true;
	}
	return false;
}

/* Print `text` in lines of at most 76 columns, broken at spaces. */
static void dbg_help_wrap(FILE *out, const char *text)
{
	while (*text) {
		size_t n = strlen(text);
		if (n > 76) {
			n = 76;
			while (n && text[n] != ' ')
				n--;
			if (!n)
				n = 76;
		}
		fprintf(out, "%.*s\n", (int)n, text);
		text += n;
		while (*text == ' ')
			text++;
	}
}

int dbg_cmd_help(struct dbg *d, int argc, char **argv)
{
	if (argc < 2) {
		for (const struct dbg_command *c = dbg_commands; c->name; c++)
			fprintf(d->out, "  %s\n", c->help);
		fprintf(d->out, "%s\n`help COMMAND` says more, with an example.\n", DBG_ADDR_HELP);
		return 0;
	}
	const char *para, *example;
	for (const struct dbg_command *c = dbg_commands; c->name; c++)
		if (!strcmp(argv[1], c->name)) {
			fprintf(d->out, "  %s\n", c->help);
			if (dbg_help_of(c->name, &para, &example)) {
				fputc('\n', d->out);
				dbg_help_wrap(d->out, para);
				fprintf(d->out, "\nexample: %s\n", example);
			}
			return 0;
		}
	fprintf(d->out, "help: no command '%s' (help lists them)\n", argv[1]);
	return -1;
}
