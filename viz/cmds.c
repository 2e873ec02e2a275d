/*
 * cmds.c -- the debugger's command table ({name, fn, help} rows, STYLE.md
 * rule 8), the line parser, and the commands that move the guest: step,
 * next, continue, breakpoints, watchpoints, catches.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "viz/cli.h"
#include "core/monitor.h"
#include "isa-toy/tvt.h"
#include "viz/cmds.h"

const struct dbg_command dbg_commands[] = {
	{ "stepi", dbg_cmd_stepi, "stepi [N]: run N (1) instructions or traps" },
	{ "si", dbg_cmd_stepi, "si [N]: as stepi" },
	{ "step", dbg_cmd_step,
	  "step: run to the next source line, into calls (stepi where there are no lines)" },
	{ "s", dbg_cmd_step, "s: as step" },
	{ "next", dbg_cmd_next_line,
	  "next: run to the next source line of this function, over calls (nexti where there "
	  "are no lines)" },
	{ "n", dbg_cmd_next_line, "n: as next" },
	{ "nexti", dbg_cmd_next, "nexti: stepi, but run a call (jal/jalr ra) to its return" },
	{ "ni", dbg_cmd_next, "ni: as nexti" },
	{ "list", dbg_cmd_list, "list [SYM|ADDR]: the source lines around the pc (or ADDR)" },
	{ "continue", dbg_cmd_continue,
	  "continue: run to a breakpoint, watchpoint, catch or the end" },
	{ "c", dbg_cmd_continue, "c: as continue" },
	{ "reverse-stepi", dbg_cmd_reverse_stepi,
	  "reverse-stepi [N]: go back N (1) instructions or traps in the guest's history" },
	{ "rsi", dbg_cmd_reverse_stepi, "rsi [N]: as reverse-stepi" },
	{ "reverse-continue", dbg_cmd_reverse_continue,
	  "reverse-continue: go back to the last breakpoint or watchpoint hit (or the entry)" },
	{ "rc", dbg_cmd_reverse_continue, "rc: as reverse-continue" },
	{ "restart", dbg_cmd_restart,
	  "restart: begin again at the guest's entry (also after it exited); breakpoints kept" },
	{ "break", dbg_cmd_break, "break SYM|ADDR: stop when the pc gets there" },
	{ "b", dbg_cmd_break, "b SYM|ADDR: as break" },
	{ "tbreak", dbg_cmd_tbreak, "tbreak SYM|ADDR: a breakpoint that deletes itself when hit" },
	{ "delete", dbg_cmd_delete, "delete [N]: delete breakpoint/watchpoint N (all without N)" },
	{ "watch", dbg_cmd_watch, "watch ADDR: stop when the word at guest-virtual ADDR changes" },
	{ "rwatch", dbg_cmd_rwatch,
	  "rwatch ADDR [LEN]: stop after an instruction loads from [ADDR, ADDR+LEN) (LEN 4)" },
	{ "awatch", dbg_cmd_rwatch,
	  "awatch ADDR [LEN]: stop after an instruction loads from or stores to the range" },
	{ "catch", dbg_cmd_catch,
	  "catch trap CAUSE|any|none: stop on traps of a cause (by name or number);\n"
	  "    catch action shadow-fill|reflect|emulate|write-protect|stage2-fill|invalidate|\n"
	  "    vmexit REASON|none: stop after the monitor does that, showing what it changed" },
	{ "walk", dbg_cmd_walk, "walk VA: the translation V -> P -> R and the shadow's V -> R" },
	{ "x", dbg_cmd_x,
	  "x/N[xi] ADDR: N words (x) or instructions (i) at guest-virtual ADDR;\n"
	  "    x/Np ADDR guest-physical, x/Nm ADDR machine" },
	{ "info", dbg_cmd_info,
	  "info regs|csr|vcpu|tlb|shadow|vms|vmcs|break|assign|history|checkpoints|line|\n"
	  "    virtq [DEVICE]: the state, by part" },
	{ "shadow", dbg_cmd_shadow,
	  "shadow [VA [N [brief]]]: N (16) pages from VA ($pc): the guest's PTE beside the\n"
	  "    shadow's (filled, not yet filled, write-protected); brief: only V, P, R" },
	{ "vm", dbg_cmd_vm, "vm N: inspect VM N, and step it (stepi counts its steps)" },
	{ "trace", dbg_cmd_trace,
	  "trace [N] | trace filter [TEXT] | trace show SEQ: the monitor's events" },
	{ "dot", dbg_cmd_dot, "dot VA FILE: draw the walk of VA (FILE .dot, .png or .svg)" },
	{ "map", dbg_cmd_map,
	  "map [FILE]: every mapping of the guest's address space (runs merged)" },
	{ "snapshot", dbg_cmd_snapshot,
	  "snapshot save FILE: write the machine's state; trapvisor resume FILE goes on" },
	{ "quit", dbg_cmd_quit, "quit: leave the debugger" },
	{ "help", dbg_cmd_help, "help [COMMAND]: the commands, or one of them" },
	{ NULL, NULL, NULL },
};

int dbg_split_line(char *buf, char **argv, int max)
{
	int argc = 0;
	for (char *p = strtok(buf, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
		if (argc == max)
			return -1;
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	return argc;
}

int dbg_exec(struct dbg *d, const char *line)
{
	char *argv[DBG_MAX_ARGS + 1];
	/* A copy of any length: a line is never cut short. */
	char *buf = strdup(line);
	int r = -1;

	if (!buf) {
		fprintf(d->out, "out of memory for a %zu-byte command line\n", strlen(line));
		return -1;
	}
	int argc = dbg_split_line(buf, argv, DBG_MAX_ARGS);
	if (argc < 0) {
		fprintf(d->out, "too many words on one line (at most %d)\n", DBG_MAX_ARGS);
		goto out;
	}
	r = 0;
	if (!argc || argv[0][0] == '#')
		goto out; /* empty line or a comment (scripts) */
	/* The name ends at '/': "x/8i" is command x with format "8i". */
	size_t n = strcspn(argv[0], "/");
	for (const struct dbg_command *c = dbg_commands; c->name; c++)
		if (strlen(c->name) == n && !strncmp(c->name, argv[0], n)) {
			r = c->fn(d, argc, argv);
			goto out;
		}
	fprintf(d->out, "unknown command '%s' (try help)\n", argv[0]);
	r = -1;
out:
	free(buf);
	return r;
}

void dbg_print_where(struct dbg *d)
{
	char sym[64], insn[64];
	uint32_t pc = viz_pc(&d->t);
	fprintf(d->out, "=> 0x%08x %s: %s\n", pc, dbg_symbolize(d, pc, sym, sizeof(sym)),
		dbg_disasm_at(d, pc, insn, sizeof(insn)));
}

void dbg_print_stop(struct dbg *d)
{
	const char *why = dbg_stop_describe(d);
	if (*why)
		fprintf(d->out, "%s\n", why);
	/* catch action: what the action changed in the vCPU. */
	if (d->last_stop == DBG_STOP_CATCH && d->catch_diff[0])
		fprintf(d->out, "%s", d->catch_diff);
	d->catch_diff[0] = 0;
	if (d->last_stop != DBG_STOP_EXIT)
		dbg_print_where(d);
}

/* A count argument: the default when absent; -1 if malformed. */
static int dbg_count(struct dbg *d, const char *s, uint64_t def, uint64_t *n)
{
	if (!s) {
		*n = def;
		return 0;
	}
	if (viz_parse_uint(s, UINT64_MAX, n) || !*n) {
		fprintf(d->out, "'%s' is not a positive count\n", s);
		return -1;
	}
	return 0;
}

int dbg_cmd_stepi(struct dbg *d, int argc, char **argv)
{
	uint64_t n;
	if (dbg_count(d, argc > 1 ? argv[1] : NULL, 1, &n))
		return -1;
	dbg_resume(d, n);
	dbg_print_stop(d);
	return 0;
}

int dbg_cmd_next(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return dbg_cmd_next_insn(d);
}

enum dbg_stop dbg_step_over(struct dbg *d)
{
	uint32_t pc = viz_pc(&d->t), w;
	/* A call links into ra: run until the instruction after it, with a
	 * temporary breakpoint (deleted again if something else stops us). */
	if (!viz_read_virt(&d->t, pc, &w, 4)) {
		enum insn_id id = insn_decode(w);
		if ((id == INSN_jal || id == INSN_jalr) && insn_rd(w) == 1) {
			int bp = dbg_break_add(d, pc + 4, true);
			dbg_resume(d, UINT64_MAX);
			if (bp > 0)
				dbg_break_delete(d, bp);
			if (d->last_stop == DBG_STOP_BREAK && viz_pc(&d->t) == pc + 4)
				d->last_stop = DBG_STOP_STEPS; /* just the step done */
			return d->last_stop;
		}
	}
	return dbg_resume(d, 1);
}

int dbg_cmd_next_insn(struct dbg *d)
{
	dbg_step_over(d);
	dbg_print_stop(d);
	return 0;
}

int dbg_cmd_continue(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	dbg_resume(d, UINT64_MAX);
	dbg_print_stop(d);
	return 0;
}

/* --- going backwards (viz/reverse.c) --- */

static void dbg_print_travel(struct dbg *d, int r)
{
	if (r < 0)
		return;
	dbg_print_stop(d);
}

int dbg_cmd_restart(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int r = dbg_restart(d);
	if (r >= 0)
		fprintf(d->out, "restarted: the guest is at its entry again\n");
	dbg_print_travel(d, r);
	return r < 0 ? -1 : 0;
}

int dbg_cmd_reverse_stepi(struct dbg *d, int argc, char **argv)
{
	uint64_t n = 1;
	if (argc > 1 && (viz_parse_uint(argv[1], UINT64_MAX, &n) || !n)) {
		fprintf(d->out, "'%s' is not a positive count\n", argv[1]);
		return -1;
	}
	int r = dbg_reverse_step(d, n);
	dbg_print_travel(d, r);
	return r < 0 ? -1 : 0;
}

int dbg_cmd_reverse_continue(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int r = dbg_reverse_continue(d);
	dbg_print_travel(d, r);
	return r < 0 ? -1 : 0;
}

static int dbg_add_break(struct dbg *d, int argc, char **argv, bool temp)
{
	uint32_t addr;
	char sym[64];
	if (argc < 2 || dbg_parse_addr(d, argv[1], &addr)) {
		fprintf(d->out, "%s: need a symbol or address%s%s\n", argv[0],
			argc > 1 ? ", not " : "", argc > 1 ? argv[1] : "");
		return -1;
	}
	int id = dbg_break_add(d, addr, temp);
	if (id < 0) {
		fprintf(d->out, "%s: at most %d breakpoints\n", argv[0], DBG_MAX_BREAKS);
		return -1;
	}
	fprintf(d->out, "%sreakpoint %d at 0x%08x %s\n", temp ? "Temporary b" : "B", id, addr,
		dbg_symbolize(d, addr, sym, sizeof(sym)));
	return 0;
}

int dbg_cmd_break(struct dbg *d, int argc, char **argv)
{
	return dbg_add_break(d, argc, argv, false);
}

int dbg_cmd_tbreak(struct dbg *d, int argc, char **argv)
{
	return dbg_add_break(d, argc, argv, true);
}

int dbg_cmd_delete(struct dbg *d, int argc, char **argv)
{
	uint64_t id = 0;
	if (argc > 1 && (viz_parse_uint(argv[1], INT32_MAX, &id) || !id)) {
		fprintf(d->out, "delete: '%s' is not a breakpoint number\n", argv[1]);
		return -1;
	}
	if (dbg_break_delete(d, (int)id) && id) {
		fprintf(d->out, "delete: no breakpoint or watchpoint %llu\n",
			(unsigned long long)id);
		return -1;
	}
	return 0;
}

int dbg_cmd_watch(struct dbg *d, int argc, char **argv)
{
	uint32_t va;
	if (argc < 2 || dbg_parse_addr(d, argv[1], &va)) {
		fprintf(d->out, "watch: need an address\n");
		return -1;
	}
	int id = dbg_watch_add(d, va);
	if (id < 0)
		return -1;
	fprintf(d->out, "Watchpoint %d: word at 0x%08x\n", id, va);
	return 0;
}

/* rwatch and awatch: access watchpoints, by decoding each instruction
 * the guest retires (a store of an unchanged value counts too). */
int dbg_cmd_rwatch(struct dbg *d, int argc, char **argv)
{
	uint32_t va;
	uint64_t len = 4;
	bool read = !strcmp(argv[0], "rwatch");
	if (argc < 2 || dbg_parse_addr(d, argv[1], &va) ||
	    (argc > 2 && viz_parse_uint(argv[2], 4096, &len))) {
		fprintf(d->out, "%s: need an address (and a length 1..4096)\n", argv[0]);
		return -1;
	}
	int id =
	    dbg_watch_add_access(d, read ? DBG_WATCH_READ : DBG_WATCH_ACCESS, va, (uint32_t)len);
	if (id < 0)
		return -1;
	fprintf(d->out, "%s watchpoint %d: %u byte%s at 0x%08x\n", read ? "Read" : "Access", id,
		(uint32_t)len, len == 1 ? "" : "s", va);
	return 0;
}

int dbg_parse_cause(const char *s, uint32_t *cause)
{
	static const uint32_t all[] = {
#define EXC(id, name, code) code,
#define IRQ(id, name, code) CAUSE_INTERRUPT | code,
#include "isa-toy/traps.def"
#undef EXC
#undef IRQ
	};
	uint64_t v;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcasecmp(s, cpu_cause_name(all[i]))) {
			*cause = all[i];
			return 0;
		}
	if (!viz_parse_uint(s, UINT32_MAX, &v)) {
		*cause = (uint32_t)v;
		return 0;
	}
	return -1;
}

/* catch action KIND: the monitor's actions (core/actions.def) a user
 * may stop on, by a short name, and the start of their trace text. */
static int dbg_catch_action(struct dbg *d, const char *kind, const char *reason)
{
	/* Two watched not in the trace but in the monitor's counters: the
	 * shadow dropping entries, and VM exits of one reason. */
	if (!strcmp(kind, "invalidate") || !strcmp(kind, "vmexit")) {
		if (!d->t.ops->monitor) {
			fprintf(d->out, "catch action: no monitor on the bare board\n");
			return -1;
		}
		if (kind[0] == 'v' && !d->t.mon->vm[d->t.vm]->vtx) {
			fprintf(d->out,
				"catch action vmexit: no VM exits here (that is --mode=vt)\n");
			return -1;
		}
		d->catch_action[0] = 0;
		if (kind[0] == 'i') {
			d->catch_count = DBG_COUNT_INVALIDATE;
			fprintf(d->out, "Catching action invalidate\n");
			return 0;
		}
		for (int r = 0; reason && r < TVT_EXIT_COUNT; r++)
			if (!strcmp(reason, tvt_exit_name((enum tvt_exit_reason)r))) {
				d->catch_count = DBG_COUNT_VMEXIT;
				d->catch_reason = r;
				fprintf(d->out, "Catching action vmexit %s\n", reason);
				return 0;
			}
		fprintf(d->out, "catch action vmexit: which reason? (");
		for (int r = 0; r < TVT_EXIT_COUNT; r++)
			fprintf(d->out, "%s%s", r ? ", " : "",
				tvt_exit_name((enum tvt_exit_reason)r));
		fprintf(d->out, ")\n");
		return -1;
	}
	d->catch_count = DBG_COUNT_NONE;
	static const struct {
		const char *name, *action;
	} kinds[] = {
		{ "shadow-fill", "shadow fill" },
		{ "reflect", "reflect" },
		{ "emulate", "emulate" },
		{ "write-protect", "emulate write to write-protected page" },
		{ "stage2-fill", "fill second-stage table" },
		{ "none", "" },
	};
	if (!d->t.ops->monitor) {
		fprintf(d->out, "catch action: no monitor on the bare board\n");
		return -1;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i].name)) {
			snprintf(d->catch_action, sizeof(d->catch_action), "%s", kinds[i].action);
			fprintf(d->out, "Catching %s%s\n",
				kinds[i].action[0] ? "action " : "no actions",
				kinds[i].action[0] ? kinds[i].name : "");
			return 0;
		}
	fprintf(d->out,
		"catch action: unknown kind '%s' (shadow-fill, reflect, emulate, "
		"write-protect, stage2-fill, invalidate, vmexit REASON or none)\n",
		kind);
	return -1;
}

int dbg_cmd_catch(struct dbg *d, int argc, char **argv)
{
	uint32_t cause;
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "action"))
		return dbg_catch_action(d, argv[2], argc == 4 ? argv[3] : NULL);
	if (argc < 3 || strcmp(argv[1], "trap")) {
		fprintf(d->out, "catch: usage: catch trap CAUSE|any|none, or catch action KIND\n");
		return -1;
	}
	if (!strcmp(argv[2], "any") || !strcmp(argv[2], "none")) {
		d->catch_all = argv[2][0] == 'a';
		d->ncatch = 0;
		fprintf(d->out, "Catching %s traps\n", d->catch_all ? "all" : "no");
		return 0;
	}
	if (dbg_parse_cause(argv[2], &cause)) {
		fprintf(d->out,
			"catch: unknown trap cause '%s' (e.g. illegal-instruction, "
			"ecall-from-U, 8)\n",
			argv[2]);
		return -1;
	}
	if (d->ncatch == DBG_MAX_CATCHES) {
		fprintf(d->out, "catch: at most %d causes\n", DBG_MAX_CATCHES);
		return -1;
	}
	d->catch[d->ncatch++] = cause;
	fprintf(d->out, "Catching trap %s (scause 0x%x)\n", cpu_cause_name(cause), cause);
	return 0;
}

int dbg_cmd_quit(struct dbg *d, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	d->quit = true;
	return 0;
}
