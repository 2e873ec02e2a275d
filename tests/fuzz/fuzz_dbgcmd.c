/*
 * fuzz_dbgcmd.c -- libFuzzer target for the debugger's command parser
 * (dbg_exec and every command behind it), on a live guest.
 *
 * Each input is a batch script: its lines go to dbg_exec one by one, as
 * `trapvisor debug --batch` would send them, against a fresh debugger on
 * a small guest that turns on Sv32 paging (FUZZ_DBG_GUEST, default
 * build/tests/guest/paging.elf; the kernel works too but costs ~0.4 s a
 * `continue` under the sanitizers), so every input starts from one state.
 * Lines naming `dot` or `map` are skipped: those commands write files.
 * The commands' output goes to /dev/null.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/cli.h"
#include "viz/dbg.h"

#define FUZZ_DBG_MAX_LINES 16

static void fuzz_console(void *ctx, uint8_t ch)
{
	(void)ctx;
	(void)ch;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	const char *guest = getenv("FUZZ_DBG_GUEST");
	struct viz_cli cli;
	viz_cli_init(&cli);
	if (viz_cli_option(&cli, VIZ_OPT_MEM, "4M", "debug") != 1 || /* small: fast to open */
	    viz_cli_option(&cli, 1, guest ? guest : "build/tests/guest/paging.elf", "debug") != 1 ||
	    viz_cli_done(&cli, 0, NULL, "debug"))
		abort();
	struct dbg *d = calloc(1, sizeof(*d));
	if (!d || dbg_open(d, &cli.cfg, fuzz_console, NULL))
		abort();
	d->out = devnull;
	char *text = strndup((const char *)data, size);
	int lines = 0;
	for (char *save, *line = strtok_r(text, "\n", &save); line && lines < FUZZ_DBG_MAX_LINES;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		if (strstr(line, "dot") || strstr(line, "map"))
			continue;
		dbg_exec(d, line);
	}
	free(text);
	dbg_close(d);
	free(d);
	return 0;
}
