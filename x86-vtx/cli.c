/*
 * cli.c -- `trapvisor x86 ...`: boot a Linux bzImage on KVM, or run the
 * sensitive-instruction explorer, or stop a boot and walk the guest's page
 * tables.
 */
#include <getopt.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/run.h"
#include "x86-vtx/boot.h"
#include "x86-vtx/exits.h"
#include "x86-vtx/layout.h"
#include "x86-vtx/snapshot.h"
#include "x86-vtx/vtx.h"
#include "x86-vtx/walk.h"

#define VTX_DEFAULT_MEM	    (512ULL << 20)
#define VTX_MIN_MEM	    (64ULL << 20)
#define VTX_MAX_MEM	    (64ULL << 30)
#define VTX_DEFAULT_CMDLINE "console=ttyS0 reboot=k"

int vtx_explore_main(int argc, char **argv);

struct vtx_opts {
	const char *kernel, *initrd, *append, *trace;
	uint64_t mem;
	int cpus;
	int stats;
	int use_acpi;
	int no_pv;
	unsigned timeout_s;
	uint64_t stop_after;
	int stop_on;
	/* walk */
	int walk;
	uint64_t va;
	const char *dot, *png, *svg; /* walk drawings */
	/* --disk FILE[,format=raw|qcow2][,ro], in order: /dev/vda, vdb, ... */
	struct disk_spec disks[VTX_VIRTIO_MAX];
	int ndisks;
	struct vtx_net_spec net;
	/* --snapshot-on SIGNAL FILE | exits N FILE; --restore FILE */
	int snap_signal;
	uint64_t snap_exits;
	const char *snap_file, *restore;
};

static void vtx_usage(FILE *f)
{
	fprintf(
	    f, "usage: trapvisor x86 --kernel bzImage [--initrd FILE] [--append ARGS]\n"
	       "                     [--mem SIZE] [--cpus N] [--trace FILE] [--stats]\n"
	       "                     [--stop-after-exits N [--stop-on EXIT]] [--timeout SECONDS]\n"
	       "                     [--disk FILE[,format=raw|qcow2][,ro]]...\n"
	       "                     [--net user[,hostfwd=tcp:ADDR:HOSTPORT-:GUESTPORT]...]\n"
	       "                     [--net switch]\n"
	       "                     [--snapshot-on SIGNAL FILE | --snapshot-on exits N FILE]\n"
	       "       trapvisor x86 --restore FILE [--stats] [--trace FILE] [--timeout S]\n"
	       "                     [--snapshot-on ...]   (a restored VM can be saved again)\n"
	       "                     [--no-acpi] [--no-pv]   (to see what a naive monitor misses)\n"
	       "       trapvisor x86 walk --va ADDR --stop-after-exits N [--stop-on EXIT]\n"
	       "                     --kernel bzImage ...\n"
	       "                     [--dot FILE] [--svg FILE] [--png FILE]\n"
	       "       trapvisor x86 explore\n\n"
	       "Boots a Linux bzImage on KVM (VT-x or AMD-V) with COM1 on the terminal.\n"
	       "The kernel command line is \"" VTX_DEFAULT_CMDLINE "\" followed by --append.\n"
	       "SIZE takes K, M or G (default 512M).  Exit status: 0 when the guest powers\n"
	       "off or resets, 1 on a VM failure, 2 on bad input, no /dev/kvm or a\n"
	       "--trace write that failed (which ends the run).\n");
}

/* The signals --snapshot-on takes (SIGUSR1 is taken: it kicks vCPUs). */
static const struct {
	const char *name;
	int sig;
} vtx_snap_signals[] = {
	{ "USR2", SIGUSR2 },
	{ "HUP", SIGHUP },
	{ "ALRM", SIGALRM },
	{ "TERM", SIGTERM },
};

/* --snapshot-on SIGNAL FILE, or --snapshot-on exits N FILE: the words
 * after the option's own argument are taken from argv here. */
static int vtx_parse_snapshot_on(int argc, char **argv, struct vtx_opts *o)
{
	const char *what = optarg;
	if (!strcmp(what, "exits")) {
		if (optind >= argc || run_parse_u64(argv[optind], &o->snap_exits) < 0 ||
		    !o->snap_exits) {
			fprintf(stderr, "x86: --snapshot-on exits N FILE: give a positive N\n");
			return -1;
		}
		optind++;
	} else {
		const char *name = strncmp(what, "SIG", 3) ? what : what + 3;
		for (size_t i = 0; i < sizeof(vtx_snap_signals) / sizeof(vtx_snap_signals[0]); i++)
			if (!strcmp(name, vtx_snap_signals[i].name))
				o->snap_signal = vtx_snap_signals[i].sig;
		if (!o->snap_signal) {
			fprintf(stderr,
				"x86: --snapshot-on %s: give SIGUSR2, SIGHUP, SIGALRM, SIGTERM or "
				"'exits N', then FILE\n",
				what);
			return -1;
		}
	}
	if (optind >= argc || argv[optind][0] == '-') {
		fprintf(stderr, "x86: --snapshot-on %s: the snapshot FILE is missing\n", what);
		return -1;
	}
	o->snap_file = argv[optind++];
	return 0;
}

/* What a restore must rebuild around the state: from the options. */
static void vtx_snap_config_of(const struct vtx_opts *o, struct vtx_snap_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mem_size = o->mem;
	c->ncpus = (uint32_t)o->cpus;
	c->hide_hypervisor = (uint32_t)o->no_pv;
	c->ndisks = (uint32_t)o->ndisks;
	for (int i = 0; i < o->ndisks; i++) {
		/* The path as given: a restore runs where the files are. */
		snprintf(c->disk[i].path, sizeof(c->disk[i].path), "%s", o->disks[i].path);
		snprintf(c->disk[i].format, sizeof(c->disk[i].format), "%s",
			 o->disks[i].format ? o->disks[i].format : "");
		c->disk[i].ro = o->disks[i].ro;
	}
	c->net = o->net;
}

/* The machine of a snapshot's config, as options. */
static void vtx_opts_of_snap(const struct vtx_snap_config *c, struct vtx_opts *o)
{
	o->mem = c->mem_size;
	o->cpus = (int)c->ncpus;
	o->no_pv = (int)c->hide_hypervisor;
	o->ndisks = (int)c->ndisks;
	for (int i = 0; i < o->ndisks; i++)
		o->disks[i] =
		    (struct disk_spec){ .path = c->disk[i].path,
					.format = c->disk[i].format[0] ? c->disk[i].format : NULL,
					.ro = c->disk[i].ro != 0,
					.iface = DISK_IF_VIRTIO };
	o->net = c->net;
}

static int vtx_parse_opts(int argc, char **argv, struct vtx_opts *o)
{
	enum {
		O_STATS = 256,
		O_NOACPI,
		O_NOPV,
		O_STOPON,
		O_STOP,
		O_TIMEOUT,
		O_VA,
		O_DOT,
		O_PNG,
		O_SVG,
		O_DISK,
		O_NET,
		O_SNAP,
		O_RESTORE
	};
	static const struct option longopts[] = {
		{ "kernel", required_argument, 0, 'k' },
		{ "initrd", required_argument, 0, 'i' },
		{ "append", required_argument, 0, 'a' },
		{ "mem", required_argument, 0, 'm' },
		{ "cpus", required_argument, 0, 'c' },
		{ "trace", required_argument, 0, 't' },
		{ "stats", no_argument, 0, O_STATS },
		{ "no-acpi", no_argument, 0, O_NOACPI },
		{ "no-pv", no_argument, 0, O_NOPV },
		{ "stop-after-exits", required_argument, 0, O_STOP },
		{ "stop-on", required_argument, 0, O_STOPON },
		{ "timeout", required_argument, 0, O_TIMEOUT },
		{ "va", required_argument, 0, O_VA },
		{ "dot", required_argument, 0, O_DOT },
		{ "png", required_argument, 0, O_PNG },
		{ "svg", required_argument, 0, O_SVG },
		{ "disk", required_argument, 0, O_DISK },
		{ "net", required_argument, 0, O_NET },
		{ "snapshot-on", required_argument, 0, O_SNAP },
		{ "restore", required_argument, 0, O_RESTORE },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	uint64_t v;
	optind = 1;
	opterr = 0;
	for (;;) {
		int ch = getopt_long(argc, argv, "+k:i:a:m:c:t:h", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'k': o->kernel = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'a': o->append = optarg; break;
		case 't': o->trace = optarg; break;
		case O_STATS: o->stats = 1; break;
		case O_NOACPI: o->use_acpi = 0; break;
		case O_NOPV: o->no_pv = 1; break;
		case O_DOT: o->dot = optarg; break;
		case 'm':
			/* The strict parsers of `trapvisor run` (core/run.h). */
			if (run_parse_size(optarg, &o->mem) || o->mem < VTX_MIN_MEM ||
			    o->mem > VTX_MAX_MEM) {
				fprintf(stderr, "x86: --mem %s: give a size from 64M to 64G\n",
					optarg);
				return -1;
			}
			break;
		case 'c':
			if (run_parse_u64(optarg, &v) < 0 || v < 1 || v > VTX_MAX_CPUS) {
				fprintf(stderr, "x86: --cpus %s: give 1 to %d\n", optarg,
					VTX_MAX_CPUS);
				return -1;
			}
			o->cpus = (int)v;
			break;
		case O_STOP:
			if (run_parse_u64(optarg, &o->stop_after) < 0 || !o->stop_after) {
				fprintf(stderr,
					"x86: --stop-after-exits %s: give a positive number\n",
					optarg);
				return -1;
			}
			break;
		case O_STOPON:
			o->stop_on = vtx_exit_lookup(optarg);
			if (o->stop_on < 0) {
				fprintf(stderr,
					"x86: --stop-on %s: not a KVM exit name (IO, MMIO, ...)\n",
					optarg);
				return -1;
			}
			break;
		case O_TIMEOUT:
			if (run_parse_u64(optarg, &v) < 0 || !v || v > 86400) {
				fprintf(stderr, "x86: --timeout %s: give seconds, 1 to 86400\n",
					optarg);
				return -1;
			}
			o->timeout_s = (unsigned)v;
			break;
		case O_VA:
			if (run_parse_u64(optarg, &o->va) < 0) {
				fprintf(stderr, "x86: --va %s: give an address (0x...)\n", optarg);
				return -1;
			}
			o->walk = 1;
			break;
		case O_PNG: o->png = optarg; break;
		case O_SVG: o->svg = optarg; break;
		case O_DISK:
			if (o->ndisks == VTX_VIRTIO_MAX) {
				fprintf(stderr, "x86: --disk %s: at most %d disks\n", optarg,
					VTX_VIRTIO_MAX);
				return -1;
			}
			/* Without format= the image's first bytes decide (qcow2's
			 * magic, else raw): a qcow2 file must not be shown to the
			 * guest as its raw header. */
			int named = strstr(optarg, "format=") != NULL;
			if (disk_parse_spec(optarg, &o->disks[o->ndisks]) < 0)
				return -1;
			if (!named)
				o->disks[o->ndisks].format = NULL;
			if (o->disks[o->ndisks].iface != DISK_IF_VIRTIO) {
				fprintf(stderr, "x86: --disk %s: only if=virtio on x86\n", optarg);
				return -1;
			}
			o->ndisks++;
			break;
		case O_NET:
			if (vtx_net_parse(optarg, &o->net) < 0)
				return -1;
			break;
		case O_SNAP:
			if (vtx_parse_snapshot_on(argc, argv, o) < 0)
				return -1;
			break;
		case O_RESTORE: o->restore = optarg; break;
		case 'h': vtx_usage(stdout); exit(0);
		default:
			fprintf(
			    stderr,
			    "x86: unknown or incomplete option '%s' (try trapvisor x86 --help)\n",
			    argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "x86: unexpected argument '%s' (try trapvisor x86 --help)\n",
			argv[optind]);
		return -1;
	}
	if (o->restore) {
		if (o->kernel || o->initrd || o->append || o->ndisks || o->net.wanted) {
			fprintf(stderr, "x86: --restore FILE brings its own machine: give only "
					"--stats, --trace, --timeout, --snapshot-on with it\n");
			return -1;
		}
		return 0;
	}
	if (!o->kernel) {
		fprintf(stderr, "x86: --kernel bzImage is required (try trapvisor x86 --help)\n");
		return -1;
	}
	return 0;
}

/* --timeout: a watchdog thread, so no guest can hang a test. */
struct vtx_watch {
	struct vtx_vm *vm;
	unsigned seconds;
};

static void *vtx_watch_loop(void *arg)
{
	struct vtx_watch *w = arg;
	for (unsigned ms = 0; ms < w->seconds * 1000u; ms += 100) {
		if (atomic_load(&w->vm->stop) != VTX_RUNNING)
			return NULL;
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
	}
	char msg[64];
	snprintf(msg, sizeof(msg), "--timeout: still running after %u s", w->seconds);
	vtx_vm_stop(w->vm, VTX_STOP_ERROR, msg);
	return NULL;
}

/* Where each vCPU was when the VM stopped with an error. */
static void vtx_dump_regs(struct vtx_vm *vm, FILE *f)
{
	for (int i = 0; i < vm->ncpus; i++) {
		struct kvm_regs r;
		struct kvm_sregs s;
		if (ioctl(vm->vcpus[i].fd, KVM_GET_REGS, &r) < 0 ||
		    ioctl(vm->vcpus[i].fd, KVM_GET_SREGS, &s) < 0)
			continue;
		fprintf(f,
			"x86: vCPU %d rip 0x%llx rsp 0x%llx rflags 0x%llx cr0 0x%llx cr3 0x%llx "
			"cr4 0x%llx efer 0x%llx cs 0x%x\n",
			i, r.rip, r.rsp, r.rflags, s.cr0, s.cr3, s.cr4, s.efer, s.cs.selector);
	}
}

/* Boot (and, for walk, stop and walk).  Returns the exit status. */
static int vtx_boot_main(struct vtx_opts *o)
{
	int status = 1;
	uint8_t *kfile = NULL, *initrd = NULL;
	size_t ksize = 0, isize = 0;
	struct vtx_bzimage bz;

	struct vtx_snapshot *snap = NULL;
	char cmdline[VTX_CMDLINE_MAX];

	if (o->restore) {
		/* The whole file is checked before /dev/kvm is opened. */
		snap = vtx_snapshot_read(o->restore);
		if (!snap)
			return 2;
		vtx_opts_of_snap(vtx_snapshot_config(snap), o);
		goto make_vm;
	}
	if (vtx_read_file(o->kernel, "kernel", &kfile, &ksize) < 0)
		return 2;
	if (vtx_bzimage_parse(o->kernel, kfile, ksize, &bz) < 0) {
		free(kfile);
		return 2;
	}
	if (o->initrd && vtx_read_file(o->initrd, "initrd", &initrd, &isize) < 0) {
		free(kfile);
		return 2;
	}
	int n = snprintf(cmdline, sizeof(cmdline), "%s%s%s", VTX_DEFAULT_CMDLINE,
			 o->append ? " " : "", o->append ? o->append : "");
	if (n < 0 || (size_t)n >= sizeof(cmdline)) {
		fprintf(stderr, "x86: --append is longer than %d bytes\n", VTX_CMDLINE_MAX - 1);
		status = 2;
		goto out_files;
	}

make_vm:;
	struct vtx_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		goto out_files;
	for (int i = 0; i < o->ndisks; i++)
		if (vtx_virtio_add_disk(vm, &o->disks[i]) < 0) {
			status = 2; /* a bad image is bad input */
			goto out_disks;
		}
	vm->net.spec = o->net;
	if (o->net.wanted && vtx_virtio_add_net(vm) < 0) {
		status = 2;
		goto out_disks;
	}
	vm->stop_after_exits = o->snap_exits ? o->snap_exits : o->stop_after;
	vm->snapshot_at_limit = o->snap_exits != 0;
	vm->hide_hypervisor = o->no_pv;
	vm->stop_on = o->stop_on;
	int rc = vtx_vm_create(vm, o->mem, o->cpus);
	if (rc < 0) {
		status = rc == -2 ? 2 : 1;
		goto out_disks;
	}
	if (trace_open(&vm->trace, o->trace) < 0)
		goto out_vm;
	if (vtx_vcpu_create_all(vm) < 0 || vtx_pc_devices(vm) < 0)
		goto out_trace;
	if (vtx_virtio_attach(vm) < 0 || (o->net.user && vtx_slirp_start(vm) < 0))
		goto out_trace;
	if (snap) {
		/* The ACPI tables, the kernel, everything is in the saved RAM. */
		if (vtx_snapshot_restore(vm, snap) < 0)
			goto out_trace;
	} else {
		struct vtx_boot_args args = { initrd, isize, cmdline, o->use_acpi };
		if (vtx_boot_load(vm, &bz, &args) < 0) {
			status = 2; /* the inputs do not fit this machine */
			goto out_trace;
		}
		/* The 64-bit entry: 0x200 past the start of the loaded kernel. */
		if (vtx_longmode_enter(vm, &vm->vcpus[0], VTX_KERNEL + 0x200, VTX_ZEROPAGE) < 0)
			goto out_trace;
	}
	if (o->snap_signal)
		vtx_console_snapshot_on(o->snap_signal);

	fflush(stdout);
	vtx_console_start(vm);
	pthread_t wd;
	struct vtx_watch w = { vm, o->timeout_s };
	int wd_started = o->timeout_s && pthread_create(&wd, NULL, vtx_watch_loop, &w) == 0;
	enum vtx_stop why = vtx_vcpu_run_all(vm);
	vtx_console_stop();
	if (wd_started)
		pthread_join(wd, NULL);

	/* A failed trace write is reported by one line of its own. */
	if (why != VTX_STOP_TRACE)
		fprintf(stderr, "\nx86: %s after %" PRIu64 " exits to user space\n", vm->stop_why,
			atomic_load(&vm->exits));
	status = why == VTX_STOP_ERROR ? 1 : why == VTX_STOP_TRACE ? 2 : 0;
	if (why == VTX_STOP_SNAPSHOT) {
		struct vtx_snap_config cfg;
		vtx_snap_config_of(o, &cfg);
		if (vtx_snapshot_save(vm, &cfg, o->snap_file) < 0)
			status = 1;
		else
			fprintf(stderr, "x86: the VM is saved in %s (trapvisor x86 --restore %s)\n",
				o->snap_file, o->snap_file);
	}
	if (why == VTX_STOP_ERROR)
		vtx_dump_regs(vm, stderr);
	const char *const draw[3] = { o->dot, o->svg, o->png };
	int wr = o->walk ? vtx_walk(vm, &vm->vcpus[0], o->va, draw, stdout) : 0;
	if (wr < 0)
		status = wr == -2 ? 2 : 1;
	if (o->stats)
		vtx_stats_print(vm, stdout);
	fflush(stdout);
out_trace:
	/* The trace is output too: a file that could not be written whole
	 * fails the run, exit 2, as in `trapvisor run` (trace_close said
	 * why). */
	vtx_slirp_stop(vm);
	if (trace_close(&vm->trace))
		status = 2;
out_vm:
	vtx_vm_destroy(vm);
out_disks:
	vtx_virtio_close(vm);
	free(vm);
out_files:
	vtx_snapshot_free(snap);
	free(initrd);
	free(kfile);
	return status;
}

/* `trapvisor x86 walk ...`: a boot with a stop point and a page walk. */
static int vtx_walk_main(int argc, char **argv)
{
	struct vtx_opts o = { .mem = VTX_DEFAULT_MEM, .cpus = 1, .use_acpi = 1, .stop_on = -1 };
	if (vtx_parse_opts(argc, argv, &o) < 0)
		return 2;
	if (!o.walk || !o.stop_after) {
		fprintf(stderr, "x86 walk: give --va ADDR and --stop-after-exits N\n");
		return 2;
	}
	return vtx_boot_main(&o);
}

/* `trapvisor x86 --kernel ...`: boot and run until the guest ends. */
static int vtx_run_main(int argc, char **argv)
{
	struct vtx_opts o = { .mem = VTX_DEFAULT_MEM, .cpus = 1, .use_acpi = 1, .stop_on = -1 };
	if (vtx_parse_opts(argc, argv, &o) < 0)
		return 2;
	if (o.walk) {
		fprintf(stderr, "x86: --va belongs to `trapvisor x86 walk`\n");
		return 2;
	}
	if (o.snap_file && o.stop_after) {
		fprintf(stderr, "x86: --snapshot-on and --stop-after-exits do not go together\n");
		return 2;
	}
	return vtx_boot_main(&o);
}

/* The subcommands of `trapvisor x86`; no subcommand name means a boot. */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] = the subcommand's name */
} vtx_subcommands[] = {
	{ "explore", vtx_explore_main },
	{ "walk", vtx_walk_main },
};

int vtx_main(int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 && i < sizeof(vtx_subcommands) / sizeof(vtx_subcommands[0]);
	     i++)
		if (!strcmp(argv[1], vtx_subcommands[i].name))
			return vtx_subcommands[i].fn(argc - 1, argv + 1);
	return vtx_run_main(argc, argv);
}
