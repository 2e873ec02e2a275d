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
int dbg_cmd_continue(struct dbg *d, int argc, char **argv);
int dbg_cmd_break(struct dbg *d, int argc, char **argv);
int dbg_cmd_tbreak(struct dbg *d, int argc, char **argv);
int dbg_cmd_delete(struct dbg *d, int argc, char **argv);
int dbg_cmd_watch(struct dbg *d, int argc, char **argv);
int dbg_cmd_catch(struct dbg *d, int argc, char **argv);
int dbg_cmd_walk(struct dbg *d, int argc, char **argv);
int dbg_cmd_x(struct dbg *d, int argc, char **argv);
int dbg_cmd_info(struct dbg *d, int argc, char **argv);
int dbg_cmd_shadow(struct dbg *d, int argc, char **argv);
int dbg_cmd_vm(struct dbg *d, int argc, char **argv);
int dbg_cmd_trace(struct dbg *d, int argc, char **argv);
int dbg_cmd_dot(struct dbg *d, int argc, char **argv);
int dbg_cmd_map(struct dbg *d, int argc, char **argv);
int dbg_cmd_quit(struct dbg *d, int argc, char **argv);
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

#endif
