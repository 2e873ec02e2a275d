/*
 * cli.h -- the options `trapvisor debug` and `trapvisor walk` share with
 * `trapvisor run`: --mode, --mem, --append, --trace, --trace-limit,
 * --disk, --net, --assign and the guest ELFs (options before each ELF apply to it and the ones after
 * it).
 */
#ifndef VIZ_CLI_H
#define VIZ_CLI_H

#include <getopt.h>

#include "viz/inspect.h"

/* getopt_long codes of the shared options; a command's own start at
 * VIZ_OPT_OWN. */
enum {
	VIZ_OPT_MODE = 256,
	VIZ_OPT_MEM,
	VIZ_OPT_APPEND,
	VIZ_OPT_TRACE,
	VIZ_OPT_TRACE_LIMIT,
	VIZ_OPT_ISA,
	VIZ_OPT_DISK,
	VIZ_OPT_NET,
	VIZ_OPT_ASSIGN,
	VIZ_OPT_PAGING,
	VIZ_OPT_OWN,
};

#define VIZ_RUN_OPTIONS                                                      \
	{ "mode", required_argument, NULL, VIZ_OPT_MODE },                   \
	    { "mem", required_argument, NULL, VIZ_OPT_MEM },                 \
	    { "append", required_argument, NULL, VIZ_OPT_APPEND },           \
	    { "trace", required_argument, NULL, VIZ_OPT_TRACE },             \
	    { "trace-limit", required_argument, NULL, VIZ_OPT_TRACE_LIMIT }, \
	    { "isa", required_argument, NULL, VIZ_OPT_ISA },                 \
	    { "disk", required_argument, NULL, VIZ_OPT_DISK },               \
	    { "net", required_argument, NULL, VIZ_OPT_NET },                 \
	    { "assign", required_argument, NULL, VIZ_OPT_ASSIGN },           \
	    { "paging", required_argument, NULL, VIZ_OPT_PAGING },           \
	{                                                                    \
		"help", no_argument, NULL, 'h'                               \
	}

#define VIZ_RUN_HELP                                                                         \
	"  --mode=MODE      trap (default), bt, pv, vt (the monitor) or bare (no monitor)\n" \
	"  --paging=P       with --mode=vt: nested (default) or shadow\n"                    \
	"  --isa=ISA        strict (default) or legacy (not strictly virtualizable)\n"       \
	"  --mem SIZE       guest RAM, e.g. 64M (default 64M)\n"                             \
	"  --append ARGS    kernel command line (/chosen/bootargs)\n"                        \
	"  --trace FILE     also write the monitor's events to FILE (JSON Lines)\n"          \
	"  --trace-limit SIZE  cap FILE at SIZE bytes (default 256M, 0 = no cap),\n"         \
	"                   as `trapvisor run` does\n"                                       \
	"  --disk FILE[,ro]...  a disk image for the next guest, as `trapvisor run`\n"       \
	"  --net switch     a virtio-net card for the next guest, as `trapvisor run`\n"      \
	"  --assign dma[,emulated]  the DMA copy engine for the next guest, as\n"            \
	"                   `trapvisor run` (bare: dma,emulated only)\n"

struct viz_cli {
	struct viz_config cfg;
	uint32_t ram_size;    /* for the next guest */
	const char *bootargs; /* for the next guest */
	/* --disk, --net and --assign given since the last guest: they
	 * belong to the next one only (a device belongs to one VM). */
	struct disk_spec disks[RUN_MAX_DISKS];
	int ndisks;
	bool net;
	int dma; /* VM_DMA_* */
};

void viz_cli_init(struct viz_cli *c);

/* Handle getopt_long's code `code` (with optarg `arg`) if it is a shared
 * option or a guest (code 1, from the "-" optstring).  Returns 1 if it
 * was handled, 0 if it is not ours, -1 after a message if it is bad. */
int viz_cli_option(struct viz_cli *c, int code, char *arg, const char *cmd);

/* After the getopt_long loop: the words left from optind on (those after
 * "--") are guest ELFs too; -1 with a message if there are too many or no
 * guest was given at all. */
int viz_cli_done(struct viz_cli *c, int argc, char **argv, const char *cmd);

/* Parse an unsigned number strictly: decimal or 0x hex digits and nothing
 * else (no sign, no spaces, no trailing text), at most `max`.  0 with *v
 * set, or -1.  The debugger's counts, VM numbers and addresses use it. */
int viz_parse_uint(const char *s, uint64_t max, uint64_t *v);

/* Flush stdout and check that everything printed to it was written (a
 * full disk, /dev/full, a closed pipe).  0, or -1 after one line naming
 * `cmd` on stderr. */
int viz_stdout_check(const char *cmd);

#endif
