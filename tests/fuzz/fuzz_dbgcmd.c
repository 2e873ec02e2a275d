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

#include "tests/fuzz/fuzz_dbg.h"

#define FUZZ_DBG_MAX_LINES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbg *d = fuzz_dbg_open("FUZZ_DBG_GUEST");
	char *text = strndup((const char *)data, size);
	int lines = 0;
	for (char *save, *line = strtok_r(text, "\n", &save); line && lines < FUZZ_DBG_MAX_LINES;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		if (strstr(line, "dot") || strstr(line, "map"))
			continue;
		dbg_exec(d, line);
	}
	free(text);
	fuzz_dbg_close(d);
	return 0;
}
