/*
 * util.h -- helpers of the viz tests: symbols of the guest (from the
 * cross toolchain's nm, an independent reader of the ELF), and running a
 * debugger script in batch mode.
 */
#ifndef TESTS_VIZ_UTIL_H
#define TESTS_VIZ_UTIL_H

#include <stdint.h>

#include "tests/guest/runner.h"

#define KERNEL "build/guests/kernel.elf"
#define TV     TV_BIN /* from the Makefile: this build's trapvisor */
/* A guest with local labels (back2) and a global and a local `twin`. */
#define LOCALS "build/tests/viz/locals.elf"

/* The address of `sym` in `elf` by riscv64-unknown-elf-nm; 0 if absent. */
uint32_t viz_t_sym(const char *elf, const char *sym);
/* The same, only for nm's type letter `type` ('T' global text, 't' local). */
uint32_t viz_t_sym_type(const char *elf, const char *sym, char type);

/* Run `script` with `trapvisor debug OPTIONS --batch FILE`. */
void viz_t_batch(const char *options, const char *script, struct runner_result *r);

/* Run `cmd` (stdin: `input`) and expect exit status `status` with
 * `err_has` in its stderr and nothing "wrote" on stdout. */
void viz_t_expect_exit(const char *cmd, const char *input, int status, const char *err_has);

/* The hex number after the first occurrence of `key` in `text` (which
 * must be followed by optional spaces and 0x...); 0 if not found. */
uint64_t viz_t_hex_after(const char *text, const char *key);

/* A port for a test server: free on loopback now, varying per process. */
int viz_t_port(void);

#endif
