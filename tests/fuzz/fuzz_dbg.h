/*
 * fuzz_dbg.h -- what the fuzz targets that need a live debugger session
 * share (dbgcmd, gdb): a fresh session over a small guest for each input,
 * so that every input starts from the same state.
 */
#ifndef TESTS_FUZZ_FUZZ_DBG_H
#define TESTS_FUZZ_FUZZ_DBG_H
#include <stdio.h>
#include <stdlib.h>

#include "viz/cli.h"
#include "viz/dbg.h"

static void fuzz_dbg_console(void *ctx, uint8_t ch)
{
	(void)ctx;
	(void)ch;
}

/* A debugger on the guest named by the environment variable `env`
 * (default build/tests/guest/paging.elf, a small guest that turns on Sv32
 * paging) with 4 MiB of RAM, its output going to /dev/null.  Aborts if it
 * cannot be opened: the fuzzer has nothing to test then. */
static struct dbg *fuzz_dbg_open(const char *env)
{
	static FILE *devnull;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	/* Option values as a command line would give them: writable strings
	 * (viz_cli_option may cut one up, as it does --disk's). */
	static char mem[] = "4M", paging[] = "build/tests/guest/paging.elf";
	char *guest = getenv(env);
	struct viz_cli cli;
	viz_cli_init(&cli);
	if (viz_cli_option(&cli, VIZ_OPT_MEM, mem, "debug") != 1 || /* small: fast to open */
	    viz_cli_option(&cli, 1, guest ? guest : paging, "debug") != 1 ||
	    viz_cli_done(&cli, 0, NULL, "debug"))
		abort();
	struct dbg *d = calloc(1, sizeof(*d));
	if (!d || dbg_open(d, &cli.cfg, fuzz_dbg_console, NULL))
		abort();
	d->out = devnull;
	return d;
}

/* Close and free a session from fuzz_dbg_open. */
static void fuzz_dbg_close(struct dbg *d)
{
	dbg_close(d);
	free(d);
}
#endif
