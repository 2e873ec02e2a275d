/*
 * srcline.h -- source lines for the debugger: which line of which C (or
 * assembler) file an address was compiled from, read from the ELF's DWARF
 * line tables by elfutils' libdw, and the text of that line.
 *
 * The teaching kernel and its user programs are built with -g, so every
 * instruction of theirs maps to a line.  (-g adds sections the loader
 * never reads: the code and the instruction counts are the same.)
 */
#ifndef VIZ_SRCLINE_H
#define VIZ_SRCLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct viz_src;

/* Open the DWARF of ELF file `path`: NULL if it has none (no message: a
 * guest without -g simply has no source lines). */
struct viz_src *viz_src_open(const char *path);
void viz_src_close(struct viz_src *s);

/* The source line of `addr`: true with *file (the path the compiler saw,
 * valid while `s` is open) and *line, or false if `addr` has none. */
bool viz_src_line(struct viz_src *s, uint32_t addr, const char **file, int *line);

/* The text of line `line` of `file`, without its newline, into buf; false
 * if the file cannot be read or is shorter. */
bool viz_src_text(const char *file, int line, char *buf, size_t len);

#endif
