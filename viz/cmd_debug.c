/*
 * cmd_debug.c -- `trapvisor debug [run options] guest.elf`: the debugger.
 * Three faces over one command engine (dbg.h):
 *
 *   (default)      the curses interface (tui.c)
 *   --batch FILE   the commands of FILE ("-" = stdin), each echoed after
 *                  "(tv) " and followed by its output: for tests and for
 *                  preparing slides
 *   --gdb PORT     a GDB remote stub on 127.0.0.1:PORT (gdb.c)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/run.h"
#include "viz/cli.h"
#include "viz/console.h"
#include "viz/gdb.h"
#include "viz/tui.h"

static void dbg_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor debug [OPTIONS] guest.elf [[OPTIONS] guest2.elf ...]\n"
		   "\n"
		   "Debug TRV32 guests: registers real and virtual, code, the monitor's trap\n"
		   "trace, page tables (guest, P->R, shadow), console and memory.  The guest\n"
		   "starts stopped at its entry.  Type `help` for the commands.\n"
		   "\n"
		   "options:\n" VIZ_RUN_HELP
		   "  --batch FILE     run the commands in FILE (- for stdin) without curses\n"
		   "                   and print their output\n"
		   "  --gdb PORT       serve GDB's remote protocol on 127.0.0.1:PORT instead\n"
		   "                   (gdb-multiarch: target remote :PORT)\n"
		   "  -h, --help       this text\n");
}

/* Run a script: 0 if every command succeeded, 1 if one failed, 2
 * (TV_EXIT_USAGE) if the script could not be read or an output (a
 * drawing, stdout) could not be written.  Lines may be of any length. */
static int dbg_batch(struct dbg *d, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	int status = 0;
	if (!f) {
		fprintf(stderr, "trapvisor debug: --batch %s: cannot open: %s\n", path,
			strerror(errno));
		return TV_EXIT_USAGE;
	}
	errno = 0;
	while (!d->quit && getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\r\n")] = 0;
		printf("(tv) %s\n", line);
		if (dbg_exec(d, line))
			status = 1;
		fflush(stdout);
		errno = 0;
	}
	/* A directory opens, then fails on the first read (EISDIR). */
	if (ferror(f)) {
		fprintf(stderr, "trapvisor debug: --batch %s: cannot read: %s\n", path,
			strerror(errno ? errno : EIO));
		status = TV_EXIT_USAGE;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (d->write_failed || viz_stdout_check("debug"))
		status = TV_EXIT_USAGE;
	return status;
}

int dbg_main(int argc, char **argv)
{
	static const struct option opts[] = {
		VIZ_RUN_OPTIONS,
		{ "batch", required_argument, NULL, VIZ_OPT_OWN },
		{ "gdb", required_argument, NULL, VIZ_OPT_OWN + 1 },
		{ NULL, 0, NULL, 0 },
	};
	struct viz_cli cli;
	const char *batch = NULL;
	long port = -1;
	int c, r;

	viz_cli_init(&cli);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-h", opts, NULL)) != -1) {
		if ((r = viz_cli_option(&cli, c, optarg, "debug")) < 0)
			return TV_EXIT_USAGE;
		if (r)
			continue;
		uint64_t v;
		switch (c) {
		case VIZ_OPT_OWN: batch = optarg; break;
		case VIZ_OPT_OWN + 1:
			port = viz_parse_uint(optarg, 65535, &v) ? -1 : (long)v;
			if (port < 1) {
				fprintf(stderr, "trapvisor debug: --gdb %s: need a port 1..65535\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			break;
		case 'h': dbg_usage(stdout); return 0;
		default:
			fprintf(stderr,
				"trapvisor debug: unknown or incomplete option '%s' (try --help)\n",
				argv[optind - 1]);
			return TV_EXIT_USAGE;
		}
	}
	if (viz_cli_done(&cli, argc, argv, "debug"))
		return TV_EXIT_USAGE;
	if (!batch && port < 0 && (!isatty(0) || !isatty(1))) {
		fprintf(stderr, "trapvisor debug: the curses interface needs a terminal "
				"(use --batch FILE or --gdb PORT)\n");
		return TV_EXIT_USAGE;
	}

	struct dbg *d = calloc(1, sizeof(*d));
	struct viz_console *con = calloc(1, sizeof(*con));
	if (!d || !con) {
		fprintf(stderr, "trapvisor: out of memory\n");
		free(d);
		free(con);
		return 1;
	}
	/* In batch and GDB modes the guest's console is this process's. */
	con->echo = batch || port >= 0 ? stdout : NULL;
	int status;
	if (dbg_open(d, &cli.cfg, viz_console_put, con)) {
		status = TV_EXIT_USAGE;
		goto out;
	}
	if (batch)
		status = dbg_batch(d, batch);
	else if (port >= 0)
		status = gdb_serve(d, (int)port);
	else
		status = viz_tui_run(d, con);
	dbg_close(d);
out:
	free(d);
	free(con);
	return status;
}
