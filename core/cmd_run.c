/*
 * cmd_run.c -- `trapvisor run [OPTIONS] guest.elf`: parse the options,
 * pick the mode from the table, run.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/migrate.h"
#include "core/run.h"
#include "core/trace.h"
#include "core/vm.h"
#include "isa-toy/platform.h"
#include "isa-toy/replay.h"
#include "isa-toy/board.h"

const struct run_mode run_modes[] = {
	{ "trap",
	  "the guest kernel runs deprivileged (U-mode); the monitor traps and\n"
	  "                            emulates its sensitive instructions, shadow page tables",
	  run_trap },
	{ "bt",
	  "as trap, and guest-kernel code is scanned and its non-trapping\n"
	  "                            sensitive instructions rewritten to trap (--isa=legacy)",
	  run_bt },
	{ "pv",
	  "as trap, for a kernel built PARAVIRT=1 that makes hypercalls\n"
	  "                            instead of sensitive instructions",
	  run_pv },
	{ "vt",
	  "the guest kernel runs in its own S-mode under TVT, the hardware\n"
	  "                            assist; the monitor handles only VM exits (--paging)",
	  run_vt },
	{ "bare", "the guest kernel runs in S-mode on the machine itself, no monitor", run_bare },
	{ NULL, NULL, NULL },
};

const struct run_mode *run_find_mode(const char *name)
{
	for (const struct run_mode *m = run_modes; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

static void run_usage(FILE *f)
{
	fprintf(f, "usage: trapvisor run [OPTIONS] guest.elf [[OPTIONS] guest2.elf ...]\n"
		   "\n"
		   "Run TRV32 guests (RISC-V RV32IMA ELFs built for the trapvisor board).\n"
		   "The guest's console is this terminal; the exit status is the guest's\n"
		   "(test finisher or SBI shutdown code).  Several guests run as VMs\n"
		   "time-sliced on one machine (trap mode), each line of console output\n"
		   "prefixed by its VM; --mem and --append apply to the guests after them.\n"
		   "After \"--\" every word is a guest ELF, even one starting with '-'.\n"
		   "Numbers are decimal or 0x-hex; SIZE takes K, M or G (KiB, MiB, GiB).\n"
		   "\n"
		   "options:\n"
		   "  --mode=MODE      how to run the guest kernel (default trap):\n");
	for (const struct run_mode *m = run_modes; m->name; m++)
		fprintf(f, "                     %-6s %s\n", m->name, m->help);
	fprintf(f,
		"  --mem SIZE       guest RAM, e.g. 64M (default 64M, at most 1G)\n"
		"  --mem-limit SIZE keep at most SIZE of the guests' RAM resident (all VMs\n"
		"                   together, at least 1M); the rest is swapped to a file\n"
		"  --append ARGS    kernel command line (/chosen/bootargs)\n"
		"  --max-insns N    stop after N guest instructions (exit status %d);\n"
		"                   a trap counts as one, so trap loops stop too, and\n"
		"                   so does a run of monitor work without guest progress\n"
		"  --stats          print instructions, guest MIPS, traps by cause and\n"
		"                   the monitor's actions on stderr at the end\n"
		"  --trace FILE     write every trap as a JSON Lines record to FILE;\n"
		"                   a write that fails ends the run (exit status %d)\n"
		"  --trace-limit SIZE  cap FILE at SIZE bytes (default 256M, 0 = no\n"
		"                   cap): the record that would pass the cap and all\n"
		"                   after it are left out, one last record\n"
		"                   {\"seq\":N,\"truncated\":true,\"limit\":SIZE} says so\n"
		"                   (N: the first one left out), and the run goes on\n"
		"  --disk FILE[,format=raw][,ro][,if=virtio|emulated]\n"
		"                   a disk image for the next guest: virtio-blk in the\n"
		"                   next free virtio-mmio slot, or the emulated disk\n"
		"                   controller; repeat for more disks\n"
		"  --balloon SIZE[,at=N]  a memory balloon (virtio-balloon) for the next\n"
		"                   guest; the monitor asks its driver to hold SIZE once\n"
		"                   the VM retired N instructions (default: from the\n"
		"                   start), and drops the pages it gets (no swap I/O);\n"
		"                   with --mem-limit they go to the other VMs.  Up to 4\n"
		"                   requests per guest (a smaller SIZE gives pages back)\n"
		"  --net switch     a virtio-net card for the next guest, on the switch\n"
		"                   (a learning bridge) that joins the VMs of this run\n"
		"  --record FILE    write the console input to FILE as it reaches the\n"
		"                   guest: which bytes, and at which look at the console\n"
		"  --replay FILE    give the guest the input recorded in FILE, at the\n"
		"                   same points, instead of stdin's: the same run again\n"
		"                   (transcript, instruction count), exactly\n"
		"  --assign dma[,emulated]\n"
		"                   give the next guest the DMA copy engine at 0x10012000\n"
		"                   outright: its register page mapped into that VM (no\n"
		"                   trap per access), its DMA confined to that VM's RAM\n"
		"                   by an IOMMU, its interrupt (PLIC source 12) wired to\n"
		"                   that VM's PLIC alone; ',emulated' leaves the page\n"
		"                   unmapped so every access traps (to compare, and the\n"
		"                   only form --mode=bare takes)\n"
		"  --suspend-at N   stop after N guest instructions (counted as\n"
		"                   --max-insns counts) and write the VM's state to the\n"
		"                   --snapshot FILE; `trapvisor resume FILE` goes on\n"
		"                   from there (not with --assign yet)\n"
		"  --snapshot FILE  where --suspend-at writes the state; and (not bare)\n"
		"                   SIGUSR1 writes it there too while the VM goes on\n"
		"  --migrate-to HOST:PORT  live migration (pre-copy) of the run's VMs to\n"
		"                   `trapvisor run --incoming HOST:PORT` (loopback only):\n"
		"                   rounds of changed pages while the guest runs, then\n"
		"                   a stop-and-copy; a report on stderr; if it fails the\n"
		"                   VMs go on here.  --migrate-at N: start after N\n"
		"                   instructions (default: at once)\n"
		"  --incoming HOST:PORT  be the destination (no guest ELF); port 0:\n"
		"                   any free one, printed on stderr\n"
		"  --paging=P       with --mode=vt: nested (default; second-stage\n"
		"                   translation) or shadow (shadow page tables)\n"
		"  --isa=ISA        strict (default): every sensitive instruction traps in\n"
		"                   U-mode; legacy: U-mode sstatus reads and writes do not\n"
		"                   trap (reads show the truth, writes are dropped), as\n"
		"                   IA-32's PUSHF/POPF -- not strictly virtualizable\n"
		"  -h, --help       this text\n"
		"\n"
		"exit status: the guest's code; %d for a bad option or guest file, or\n"
		"console or trace output that could not be written;\n"
		"%d when --max-insns stops the guest; %d when the guest waits for an\n"
		"interrupt that can never come.\n",
		TV_EXIT_LIMIT, TV_EXIT_USAGE, TV_EXIT_USAGE, TV_EXIT_LIMIT, TV_EXIT_STUCK);
}

/* The digits at the start of `s` as a number: decimal, or hexadecimal
 * after "0x".  Stricter than strtoull alone, which would skip leading
 * blanks, take a sign (" -5" is 2^64 - 5 to it) and clamp an overflow to
 * ULLONG_MAX: here the first character must be a digit, and a number too
 * big for 64 bits is an error.  *end is left after the last digit. */
static int run_parse_digits(const char *s, uint64_t *out, const char **end)
{
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s)))
		return -1;
	char *e;
	errno = 0;
	unsigned long long v = strtoull(s, &e, base);
	if (errno)
		return -1;
	*out = v;
	*end = e;
	return 0;
}

int run_parse_u64(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	if (run_parse_digits(s, &v, &end) || *end)
		return -1;
	*out = v;
	return 0;
}

int run_parse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	unsigned shift = 0;
	if (run_parse_digits(s, &v, &end))
		return -1;
	switch (*end) {
	case 'k':
	case 'K': shift = 10; break;
	case 'm':
	case 'M': shift = 20; break;
	case 'g':
	case 'G': shift = 30; break;
	}
	/* After K, M or G: nothing, "B" or "iB" (64M, 64MB, 64MiB). */
	if (shift) {
		end++;
		if (!strcmp(end, "B") || !strcmp(end, "iB"))
			end += strlen(end);
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

int run_parse_trace_limit(const char *s, uint64_t *bytes)
{
	uint64_t v;
	if (run_parse_size(s, &v) || (v && v < TRACE_LIMIT_MIN)) {
		fprintf(stderr,
			"trapvisor: --trace-limit %s: need 0 (no cap) or a size of at least %uK\n",
			s, TRACE_LIMIT_MIN >> 10);
		return -1;
	}
	*bytes = v;
	return 0;
}

int run_parse_disk(char *arg, struct disk_spec disks[RUN_MAX_DISKS], int *ndisks, const char *cmd)
{
	if (*ndisks == RUN_MAX_DISKS) {
		fprintf(stderr, "trapvisor %s: at most %d disks per guest\n", cmd, RUN_MAX_DISKS);
		return -1;
	}
	if (disk_parse_spec(arg, &disks[*ndisks]))
		return -1;
	(*ndisks)++;
	return 0;
}

int run_parse_assign(const char *arg, int *dma, const char *cmd)
{
	if (!strcmp(arg, "dma")) {
		*dma = VM_DMA_ASSIGNED;
	} else if (!strcmp(arg, "dma,emulated")) {
		*dma = VM_DMA_EMULATED;
	} else {
		fprintf(stderr,
			"trapvisor %s: --assign %s: the assignable device is 'dma' (or "
			"'dma,emulated')\n",
			cmd, arg);
		return -1;
	}
	return 0;
}

/* --balloon SIZE[,at=N]: one more request in g's list, whose moments
 * must not go back in time: 0, or -1 after a line naming the option. */
static int run_parse_balloon(const char *arg, struct run_guest *g)
{
	char size[32];
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	struct vm_balloon_request r = { 0, 0 };
	if (g->nballoon == VM_BALLOON_REQUESTS) {
		fprintf(stderr, "trapvisor run: --balloon %s: at most %d per guest\n", arg,
			VM_BALLOON_REQUESTS);
		return -1;
	}
	if (n >= sizeof(size))
		goto bad;
	memcpy(size, arg, n);
	size[n] = 0;
	if (run_parse_size(size, &r.bytes) || (r.bytes & 0xfff) || r.bytes > BOARD_RAM_MAX)
		goto bad;
	if (comma && (strncmp(comma, ",at=", 4) || run_parse_size(comma + 4, &r.at)))
		goto bad;
	if (g->nballoon && r.at < g->balloon[g->nballoon - 1].at)
		goto bad;
	g->balloon[g->nballoon++] = r;
	return 0;
bad:
	fprintf(stderr,
		"trapvisor run: --balloon %s: need SIZE[,at=N] (whole 4 KiB pages, at most 1G; "
		"N instructions, not before the previous request's)\n",
		arg);
	return -1;
}

int run_parse_suspend_at(const char *arg, uint64_t *n, const char *cmd)
{
	if (run_parse_size(arg, n) || !*n) {
		fprintf(stderr, "trapvisor %s: --suspend-at %s: need a positive count\n", cmd, arg);
		return -1;
	}
	return 0;
}

int run_check_snapshot(const struct run_config *cfg, const char *cmd)
{
	if (cfg->suspend_at && !cfg->snapshot) {
		fprintf(stderr, "trapvisor %s: --suspend-at needs --snapshot FILE\n", cmd);
		return -1;
	}
	if (cfg->snapshot && !cfg->suspend_at && !strcmp(cfg->mode, "bare")) {
		fprintf(stderr,
			"trapvisor %s: --snapshot without --suspend-at (a snapshot on SIGUSR1) "
			"needs a monitor mode\n",
			cmd);
		return -1;
	}
	return 0;
}

int run_parse_net(const char *arg, const char *cmd)
{
	if (strcmp(arg, "switch")) {
		fprintf(stderr, "trapvisor %s: --net %s: the one network is 'switch'\n", cmd, arg);
		return -1;
	}
	return 0;
}

/* One more guest for cfg, with the *ndisks --disk options (and --net,
 * --assign) given since the last guest (which then belong to it: *ndisks
 * becomes 0); -1 (and the reason on stderr) if there are too many. */
static int run_add_guest(struct run_config *cfg, const char *elf, uint32_t ram_size,
			 const char *bootargs, const struct disk_spec *disks, int *ndisks,
			 bool *net, int *dma, struct run_guest *balloon)
{
	if (cfg->nguests == RUN_MAX_GUESTS) {
		fprintf(stderr, "trapvisor run: at most %d guests\n", RUN_MAX_GUESTS);
		return -1;
	}
	struct run_guest *g = &cfg->guest[cfg->nguests++];
	*g = (struct run_guest){ .elf_path = elf, .ram_size = ram_size, .bootargs = bootargs };
	memcpy(g->disks, disks, sizeof(g->disks));
	g->ndisks = *ndisks;
	*ndisks = 0;
	g->net = *net;
	*net = false;
	g->dma = *dma;
	*dma = 0;
	memcpy(g->balloon, balloon->balloon, sizeof(g->balloon));
	g->nballoon = balloon->nballoon;
	balloon->nballoon = 0;
	return 0;
}

/* --incoming HOST:PORT: take a migrated run and run it on. */
static int run_incoming(struct run_config *cfg)
{
	struct sockaddr_in at;
	struct state_loaded l;
	if (cfg->nguests || cfg->migrate_to || cfg->suspend_at) {
		fprintf(stderr, "trapvisor run: --incoming takes no guest, --migrate-to or "
				"--suspend-at (the source sends the run)\n");
		return TV_EXIT_USAGE;
	}
	if (migrate_parse_addr(cfg->incoming, &at, "--incoming") || migrate_receive(&at, 0, &l))
		return TV_EXIT_USAGE;
	return run_loaded(&l, cfg);
}

int cmd_run(int argc, char **argv)
{
	enum {
		OPT_MODE = 256,
		OPT_MEM,
		OPT_MEM_LIMIT,
		OPT_APPEND,
		OPT_MAX,
		OPT_STATS,
		OPT_TRACE,
		OPT_TRACE_LIMIT,
		OPT_ISA,
		OPT_PAGING,
		OPT_DISK,
		OPT_NET,
		OPT_ASSIGN,
		OPT_RECORD,
		OPT_REPLAY,
		OPT_SUSPEND_AT,
		OPT_SNAPSHOT,
		OPT_MIGRATE_TO,
		OPT_MIGRATE_AT,
		OPT_INCOMING,
		OPT_BALLOON
	};
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "mem-limit", required_argument, NULL, OPT_MEM_LIMIT },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "max-insns", required_argument, NULL, OPT_MAX },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "trace-limit", required_argument, NULL, OPT_TRACE_LIMIT },
		{ "isa", required_argument, NULL, OPT_ISA },
		{ "paging", required_argument, NULL, OPT_PAGING },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "net", required_argument, NULL, OPT_NET },
		{ "assign", required_argument, NULL, OPT_ASSIGN },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "suspend-at", required_argument, NULL, OPT_SUSPEND_AT },
		{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
		{ "migrate-to", required_argument, NULL, OPT_MIGRATE_TO },
		{ "migrate-at", required_argument, NULL, OPT_MIGRATE_AT },
		{ "incoming", required_argument, NULL, OPT_INCOMING },
		{ "balloon", required_argument, NULL, OPT_BALLOON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_config cfg = { .mode = "trap", .trace_limit = TRACE_LIMIT_DEFAULT };
	uint32_t ram_size = BOARD_RAM_DEFAULT;
	const char *bootargs = NULL, *record = NULL, *replay = NULL;
	struct disk_spec disks[RUN_MAX_DISKS] = { 0 };
	int ndisks = 0;
	bool net = false;
	int dma = 0;			  /* --assign dma: 1 emulated, 2 assigned (VM_DMA_*) */
	struct run_guest balloon = { 0 }; /* --balloon, for the next guest */
	uint64_t v;
	struct sockaddr_in addr;
	int c;

	optind = 1;
	opterr = 0;
	/* "-" first: guests (non-options) come back in order as code 1, so
	 * the options before each apply to it. */
	while ((c = getopt_long(argc, argv, "-h", opts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (run_add_guest(&cfg, optarg, ram_size, bootargs, disks, &ndisks, &net,
					  &dma, &balloon))
				return TV_EXIT_USAGE;
			break;
		case OPT_NET:
			if (run_parse_net(optarg, "run"))
				return TV_EXIT_USAGE;
			net = true;
			break;
		case OPT_ASSIGN:
			if (run_parse_assign(optarg, &dma, "run"))
				return TV_EXIT_USAGE;
			break;
		case OPT_BALLOON:
			if (run_parse_balloon(optarg, &balloon))
				return TV_EXIT_USAGE;
			break;
		case OPT_DISK:
			if (run_parse_disk(optarg, disks, &ndisks, "run"))
				return TV_EXIT_USAGE;
			break;
		case OPT_MODE: cfg.mode = optarg; break;
		case OPT_MEM:
			if (run_parse_size(optarg, &v) || v < (1u << 20) || v > BOARD_RAM_MAX ||
			    (v & 0xfff)) {
				fprintf(stderr,
					"trapvisor: --mem %s: need 1M..1G in whole 4 KiB pages\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			ram_size = (uint32_t)v;
			break;
		case OPT_MEM_LIMIT:
			/* Larger than the guests' RAM is fine: nothing swaps.
			 * Smaller than 1M is refused: one instruction may need
			 * six guest pages at once (code, data and, under nested
			 * paging, two table pages for each), and a limit near
			 * that could evict them from each other for ever. */
			if (run_parse_size(optarg, &cfg.mem_limit) || cfg.mem_limit < (1u << 20)) {
				fprintf(stderr,
					"trapvisor: --mem-limit %s: need a size of at least 1M\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			break;
		case OPT_APPEND: bootargs = optarg; break;
		case OPT_MAX:
			if (run_parse_size(optarg, &cfg.max_insns) || !cfg.max_insns) {
				fprintf(stderr,
					"trapvisor: --max-insns %s: need a positive count\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			break;
		case OPT_SUSPEND_AT:
			if (run_parse_suspend_at(optarg, &cfg.suspend_at, "run"))
				return TV_EXIT_USAGE;
			break;
		case OPT_SNAPSHOT: cfg.snapshot = optarg; break;
		case OPT_MIGRATE_TO:
			if (migrate_parse_addr(optarg, &addr, "--migrate-to"))
				return TV_EXIT_USAGE;
			cfg.migrate_to = optarg;
			break;
		case OPT_MIGRATE_AT:
			if (run_parse_size(optarg, &cfg.migrate_at) || !cfg.migrate_at) {
				fprintf(stderr,
					"trapvisor run: --migrate-at %s: need a positive count\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			break;
		case OPT_INCOMING:
			if (migrate_parse_addr(optarg, &addr, "--incoming"))
				return TV_EXIT_USAGE;
			cfg.incoming = optarg;
			break;
		case OPT_STATS: cfg.stats = true; break;
		case OPT_TRACE: cfg.trace_path = optarg; break;
		case OPT_TRACE_LIMIT:
			if (run_parse_trace_limit(optarg, &cfg.trace_limit))
				return TV_EXIT_USAGE;
			break;
		case OPT_ISA:
			if (strcmp(optarg, "strict") && strcmp(optarg, "legacy")) {
				fprintf(stderr, "trapvisor run: --isa %s: strict or legacy\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			cfg.legacy = !strcmp(optarg, "legacy");
			break;
		case OPT_PAGING:
			if (strcmp(optarg, "nested") && strcmp(optarg, "shadow")) {
				fprintf(stderr, "trapvisor run: --paging %s: nested or shadow\n",
					optarg);
				return TV_EXIT_USAGE;
			}
			cfg.paging = optarg;
			break;
		case OPT_RECORD: record = optarg; break;
		case OPT_REPLAY: replay = optarg; break;
		case 'h': run_usage(stdout); return 0;
		default:
			fprintf(stderr,
				"trapvisor run: unknown or incomplete option '%s' (try --help)\n",
				argv[optind - 1]);
			return TV_EXIT_USAGE;
		}
	}
	/* "--" ends the options: every word after it is a guest ELF (with the
	 * --mem and --append given before), even one that starts with '-'. */
	for (; optind < argc; optind++)
		if (run_add_guest(&cfg, argv[optind], ram_size, bootargs, disks, &ndisks, &net,
				  &dma, &balloon))
			return TV_EXIT_USAGE;
	if (ndisks || net || dma || balloon.nballoon) {
		fprintf(stderr, "trapvisor run: --%s comes after the last guest\n",
			ndisks ? "disk"
			: net  ? "net"
			: dma  ? "assign"
			       : "balloon");
		return TV_EXIT_USAGE;
	}
	if (cfg.incoming)
		return run_incoming(&cfg);
	if (!cfg.nguests) {
		fprintf(stderr, "trapvisor run: no guest ELF given (try --help)\n");
		return TV_EXIT_USAGE;
	}
	if (cfg.migrate_at && !cfg.migrate_to) {
		fprintf(stderr, "trapvisor run: --migrate-at needs --migrate-to\n");
		return TV_EXIT_USAGE;
	}
	if (cfg.migrate_to && (cfg.suspend_at || !strcmp(cfg.mode, "bare"))) {
		fprintf(stderr,
			"trapvisor run: --migrate-to: a monitor mode, and no --suspend-at\n");
		return TV_EXIT_USAGE;
	}
	if (cfg.paging && strcmp(cfg.mode, "vt")) {
		fprintf(stderr, "trapvisor run: --paging is for --mode=vt\n");
		return TV_EXIT_USAGE;
	}
	if (record && replay) {
		fprintf(stderr, "trapvisor run: --record and --replay exclude each other\n");
		return TV_EXIT_USAGE;
	}
	if (run_check_snapshot(&cfg, "run"))
		return TV_EXIT_USAGE;
	if (cfg.snapshot)
		platform_catch_snapshot_signal(); /* early: SIGUSR1 must never kill */
	for (int i = 0; i < cfg.nguests; i++)
		if (cfg.guest[i].nballoon && !strcmp(cfg.mode, "bare")) {
			fprintf(stderr, "trapvisor run: --balloon needs a monitor to give the "
					"pages to (not --mode=bare)\n");
			return TV_EXIT_USAGE;
		}
	if (cfg.mem_limit && !strcmp(cfg.mode, "bare")) {
		fprintf(stderr, "trapvisor run: --mem-limit needs a monitor (not --mode=bare)\n");
		return TV_EXIT_USAGE;
	}
	const struct run_mode *m = run_find_mode(cfg.mode);
	if (m) {
		if ((record && replay_record_open(record)) ||
		    (replay && replay_replay_open(replay)))
			return TV_EXIT_USAGE;
		platform_catch_signals();
		int status = m->run(&cfg);
		/* A replay that did not reach all its input did not follow
		 * the recording: say so, and fail the run. */
		if (replay_close() && replay && status == 0)
			status = 1;
		/* The console is the run's output: lost lines fail the run.
		 * (The failing write may have been long ago: errno is gone.) */
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "trapvisor: console output (stdout): a write failed, "
					"output was lost\n");
			return TV_EXIT_USAGE;
		}
		return status;
	}
	fprintf(stderr, "trapvisor run: unknown mode '%s' (try --help)\n", cfg.mode);
	return TV_EXIT_USAGE;
}
