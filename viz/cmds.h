/*
 * cmds.h -- the debugger's commands, one function each, shared between
 * the files that implement them (private to viz/).  Each takes the words
 * of the command line, argv[0] being the command itself (with any /FMT
 * suffix, as in "x/8i"), prints to d->out, and returns 0 or -1 (bad
 * input, after one line saying why).
 */
#ifndef VIZ_CMDS_H
#define VIZ_CMDS_H

#include "viz/dbg.h"

int dbg_cmd_stepi(struct dbg *d, int argc, char **argv);
int dbg_cmd_next(struct dbg *d, int argc, char **argv);
/* nexti's work: one instruction, a call (jal/jalr linking ra) run to its
 * return; dbg_step_over without the printing.  The stop. */
enum dbg_stop dbg_step_over(struct dbg *d);
int dbg_cmd_next_insn(struct dbg *d);
/* viz/cmds_help.c: the paragraph and the example of command `name` (an
 * alias: its command's).  False if it has none. */
bool dbg_help_of(const char *name, const char **para, const char **example);
/* viz/source.c: source lines. */
int dbg_cmd_step(struct dbg *d, int argc, char **argv);
int dbg_cmd_next_line(struct dbg *d, int argc, char **argv);
int dbg_cmd_list(struct dbg *d, int argc, char **argv);
int dbg_cmd_info_line(struct dbg *d, int argc, char **argv);
int dbg_cmd_continue(struct dbg *d, int argc, char **argv);
int dbg_cmd_break(struct dbg *d, int argc, char **argv);
int dbg_cmd_tbreak(struct dbg *d, int argc, char **argv);
int dbg_cmd_delete(struct dbg *d, int argc, char **argv);
int dbg_cmd_watch(struct dbg *d, int argc, char **argv);
int dbg_cmd_rwatch(struct dbg *d, int argc, char **argv);
int dbg_cmd_catch(struct dbg *d, int argc, char **argv);
int dbg_cmd_walk(struct dbg *d, int argc, char **argv);
int dbg_cmd_x(struct dbg *d, int argc, char **argv);
int dbg_cmd_info(struct dbg *d, int argc, char **argv);
int dbg_cmd_shadow(struct dbg *d, int argc, char **argv);
int dbg_cmd_vm(struct dbg *d, int argc, char **argv);
int dbg_cmd_trace(struct dbg *d, int argc, char **argv);
int dbg_cmd_dot(struct dbg *d, int argc, char **argv);
int dbg_cmd_map(struct dbg *d, int argc, char **argv);
int dbg_cmd_restart(struct dbg *d, int argc, char **argv);
int dbg_cmd_reverse_stepi(struct dbg *d, int argc, char **argv);
int dbg_cmd_reverse_continue(struct dbg *d, int argc, char **argv);
int dbg_cmd_quit(struct dbg *d, int argc, char **argv);
/* snapshot save FILE (viz/cmds_state.c). */
int dbg_cmd_snapshot(struct dbg *d, int argc, char **argv);
int dbg_cmd_help(struct dbg *d, int argc, char **argv);

/* After a resume: the stop reason and the pc line, as gdb prints them. */
void dbg_print_stop(struct dbg *d);
/* Print the location line "=> 0x... <sym>: insn" for the current pc. */
void dbg_print_where(struct dbg *d);
/* The text of `walk`: every step of V -> P -> R and the shadow's V -> R. */
void dbg_print_xlate(struct dbg *d, const struct viz_xlate *x);
/* One trace event as one line of the trace pane. */
void dbg_trace_line(const struct trace_event *e, char *buf, size_t len);
/* A cause by name ("illegal-instruction", "ecall-from-U") or number;
 * 0, or -1 if unknown. */
int dbg_parse_cause(const char *s, uint32_t *cause);

/* --- shared by control.c and reverse.c --- */

/* Remember the state before a move (a resume, or a trip back in time),
 * for the "what changed" highlights, and clear the stop text. */
void dbg_mark_before(struct dbg *d);
/* True if an access watchpoint (rwatch, awatch, Z2-Z4) is set: only then
 * does a step need decoding. */
bool dbg_watching_access(const struct dbg *d);
/* Note what an access watchpoint needs to know about the step about to be
 * taken (the instruction, the registers, instret).  Before each step. */
void dbg_step_begin(struct dbg *d);
/* Did a breakpoint, watchpoint or caught trap fire in the step just taken
 * (traps_before: the trap count before it)?  Sets last_stop/stop_text. */
bool dbg_check(struct dbg *d, uint64_t traps_before);
/* (Re)open d->cfg as the target, its console through the counting tap;
 * the old target, if any, is closed only once the new one is open.  0, or
 * -1 after a message (the old target is kept then). */
int dbg_reopen(struct dbg *d);
/* Forget the edits made at or after position `pos`. */
void dbg_edits_forget(struct dbg *d, uint64_t pos);
/* Record an edit (reg 1..32, or -1: `len` bytes of memory at `addr`). */
void dbg_edit_record(struct dbg *d, int reg, uint32_t addr, const void *data, uint32_t len);
/* dbg_write_virt without recording it. */
int dbg_write_virt_now(struct dbg *d, uint32_t va, const void *buf, uint32_t len);

/* The title of a drawing: guest, mode, VM, position, pc (viz/dot.h). */
struct viz_caption;
void dbg_caption(struct dbg *d, struct viz_caption *c);
/* Draw the whole address space as a tree (`map FILE`, `walk --all`),
 * the table the hardware walks beside the guest's.  0, or -1 after a
 * message. */
int dbg_draw_tree(struct dbg *d, const char *path, const char *fmt);

#endif
