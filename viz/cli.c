/*
 * cli.c -- the options shared with `trapvisor run` (cli.h).
 */
#include "viz/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/run.h"
#include "core/vm.h"
#include "core/trace.h"
#include "isa-toy/board.h"

void viz_cli_init(struct viz_cli *c)
{
	*c = (struct viz_cli){ .cfg = { .mode = "trap", .trace_limit = TRACE_LIMIT_DEFAULT },
			       .ram_size = BOARD_RAM_DEFAULT };
}

int viz_cli_option(struct viz_cli *c, int code, char *arg, const char *cmd)
{
	uint64_t v;
	switch (code) {
	case 1: /* a guest ELF */
		if (c->cfg.nguests == VIZ_MAX_GUESTS) {
			fprintf(stderr, "trapvisor %s: at most %d guests\n", cmd, VIZ_MAX_GUESTS);
			return -1;
		}
		c->cfg.guest[c->cfg.nguests].elf_path = arg;
		c->cfg.guest[c->cfg.nguests].bootargs = c->bootargs;
		c->cfg.guest[c->cfg.nguests].ram_size = c->ram_size;
		memcpy(c->cfg.guest[c->cfg.nguests].disks, c->disks, sizeof(c->disks));
		c->cfg.guest[c->cfg.nguests].ndisks = c->ndisks;
		c->cfg.guest[c->cfg.nguests].net = c->net;
		c->cfg.guest[c->cfg.nguests].dma = c->dma;
		c->ndisks = 0;
		c->net = false;
		c->dma = 0;
		c->cfg.nguests++;
		return 1;
	case VIZ_OPT_MODE:
		if (!viz_mode(arg)) {
			fprintf(stderr,
				"trapvisor %s: unknown mode '%s' (trap, bt, pv, vt or bare)\n", cmd,
				arg);
			return -1;
		}
		c->cfg.mode = arg;
		return 1;
	case VIZ_OPT_MEM:
		if (run_parse_size(arg, &v) || v < (1u << 20) || v > BOARD_RAM_MAX || (v & 0xfff)) {
			fprintf(stderr, "trapvisor: --mem %s: need 1M..1G in whole 4 KiB pages\n",
				arg);
			return -1;
		}
		c->ram_size = (uint32_t)v;
		return 1;
	case VIZ_OPT_APPEND: c->bootargs = arg; return 1;
	case VIZ_OPT_ISA:
		if (strcmp(arg, "strict") && strcmp(arg, "legacy")) {
			fprintf(stderr, "trapvisor %s: --isa %s: strict or legacy\n", cmd, arg);
			return -1;
		}
		c->cfg.legacy = !strcmp(arg, "legacy");
		return 1;
	case VIZ_OPT_DISK: return run_parse_disk(arg, c->disks, &c->ndisks, cmd) ? -1 : 1;
	case VIZ_OPT_NET:
		if (run_parse_net(arg, cmd))
			return -1;
		c->net = true;
		return 1;
	case VIZ_OPT_ASSIGN: return run_parse_assign(arg, &c->dma, cmd) ? -1 : 1;
	case VIZ_OPT_PAGING:
		if (strcmp(arg, "nested") && strcmp(arg, "shadow")) {
			fprintf(stderr, "trapvisor %s: --paging %s: nested or shadow\n", cmd, arg);
			return -1;
		}
		c->cfg.paging = arg;
		return 1;
	case VIZ_OPT_TRACE: c->cfg.trace_path = arg; return 1;
	case VIZ_OPT_TRACE_LIMIT: return run_parse_trace_limit(arg, &c->cfg.trace_limit) ? -1 : 1;
	}
	return 0;
}

int viz_cli_done(struct viz_cli *c, int argc, char **argv, const char *cmd)
{
	for (; optind < argc; optind++)
		if (viz_cli_option(c, 1, argv[optind], cmd) < 0)
			return -1;
	if (c->ndisks || c->net || c->dma) {
		fprintf(stderr, "trapvisor %s: --%s comes after the last guest\n", cmd,
			c->ndisks ? "disk"
			: c->net  ? "net"
				  : "assign");
		return -1;
	}
	if (c->cfg.guest[0].dma == VM_DMA_ASSIGNED && !strcmp(c->cfg.mode, "bare")) {
		fprintf(stderr,
			"trapvisor %s: --assign dma needs a monitor mode (nothing to assign to on "
			"the bare machine; dma,emulated puts the engine on it)\n",
			cmd);
		return -1;
	}
	if (c->cfg.paging && strcmp(c->cfg.mode, "vt")) {
		fprintf(stderr, "trapvisor %s: --paging is for --mode=vt\n", cmd);
		return -1;
	}
	if (!c->cfg.nguests) {
		fprintf(stderr, "trapvisor %s: no guest ELF given (try --help)\n", cmd);
		return -1;
	}
	return 0;
}

int viz_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x;
	if (run_parse_u64(s, &x) || x > max)
		return -1;
	*v = x;
	return 0;
}

int viz_stdout_check(const char *cmd)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	fprintf(stderr, "trapvisor %s: standard output: cannot write: %s\n", cmd,
		errno ? strerror(errno) : "write error");
	return -1;
}
