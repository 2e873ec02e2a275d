/*
 * bench_text.h -- reading figures out of an emulator's text output, and
 * printing them back in a table.  Shared by the benchmark runners
 * (run.c: trapvisor against qemu-riscv32; modes.c: bare against trap).
 *
 * trapvisor's --stats report is text meant for people ("instructions
 * retired: 342398670"); these helpers find a figure by the words in
 * front of it rather than by its line number, so that a new line in the
 * report does not break the benchmarks.
 */
#ifndef TESTS_BENCH_BENCH_TEXT_H
#define TESTS_BENCH_BENCH_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * bench_text_u64 -- the unsigned number after the first `key` in text
 * (blanks skipped; digits, ',' and '_' allowed inside it) into *out.
 * Returns 0, or -1 if key is missing or no digit follows it.
 */
int bench_text_u64(const char *text, const char *key, uint64_t *out);

/* bench_text_double -- the same for a decimal number (strtod syntax). */
int bench_text_double(const char *text, const char *key, double *out);

/*
 * bench_text_grouped -- n with thousands separators ("1,234,567") in
 * buf (len bytes, 32 are always enough); returns buf.
 */
const char *bench_text_grouped(uint64_t n, char *buf, size_t len);

#endif
