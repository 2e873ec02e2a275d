/*
 * explore.c -- `trapvisor x86 explore`: the sensitive-instruction explorer.
 *
 * Popek and Goldberg: a machine can be virtualized by trap-and-emulate if
 * every *sensitive* instruction (one that reads or changes privileged
 * state) is *privileged* (traps when run outside the most privileged
 * mode).  Robin and Irvine (2000) listed the IA-32 instructions that break
 * the rule: sensitive, yet they run in ring 3 without trapping, so a
 * monitor that deprivileges its guest kernel to ring 3 never sees them.
 *
 * We run the same small guest (guests/explore.s) twice -- three times if
 * the CPU has UMIP:
 *   ring 3, IOPL 0   the guest kernel deprivileged, as under a pre-VT
 *                    monitor: "trap" = a fault the monitor would catch
 *   ring 0 non-root  the guest kernel in VMX non-root (SVM guest) ring 0,
 *                    as under KVM: it sees its own state; "exits" = VM
 *                    exits the instruction caused (KVM's own counter)
 *   ring 3 + UMIP    CR4.UMIP makes SGDT/SIDT/SLDT/SMSW/STR fault in ring 3
 *
 * Each run is its own tiny VM: 1 MiB of RAM, no interrupt controller (so
 * nothing interrupts the tests), 32-bit protected mode without paging.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "x86-vtx/boot.h"
#include "x86-vtx/vtx.h"

#define EXPLORE_BASE	  0x10000 /* where the Makefile links explore.s */
#define EXPLORE_RAM	  (1u << 20)
#define EXPLORE_MARK	  0xf0000000u /* the guest's "next test" store */
#define EXPLORE_DONE	  0xffffffffu
#define EXPLORE_MAX_EXITS 1000 /* a guest gone astray cannot loop forever */
#define EXPLORE_TIMEOUT_S 20
#define EXPLORE_MAX_TESTS 32

enum explore_mode { MODE_RING3, MODE_RING0, MODE_UMIP, MODE_COUNT };
static const char *const explore_mode_name[MODE_COUNT] = {
	"ring 3, IOPL 0 (deprivileged)",
	"ring 0, VMX/SVM non-root",
	"ring 3 + CR4.UMIP",
};

/* What the guest stored for one test (results[] in explore.s). */
struct explore_result {
	uint32_t vector1; /* fault vector + 1, 0 = no fault */
	uint32_t error;
	uint32_t value, value2;
};

/* How to read a test's values. */
enum explore_show {
	SHOW_FLAGS,
	SHOW_POPF,
	SHOW_TABLE,
	SHOW_SEL,
	SHOW_MSW,
	SHOW_ZF_VALUE,
	SHOW_ZF,
	SHOW_HEX
};

static const struct explore_row {
	const char *name;
	enum explore_show show;
	const char *lesson; /* what the row teaches, for the notes below the table */
} explore_rows[] = {
	{ "PUSHF", SHOW_FLAGS,
	  "shows the real IF and IOPL: the guest kernel learns it is not in charge" },
	{ "POPF", SHOW_POPF, "clearing IF at CPL > IOPL is silently dropped: no trap, no effect" },
	{ "SGDT", SHOW_TABLE,
	  "reveals the GDT the CPU really uses (the monitor's under trap-and-emulate)" },
	{ "SIDT", SHOW_TABLE, "reveals the real IDT base" },
	{ "SLDT", SHOW_SEL, "reveals the real LDT selector" },
	{ "SMSW", SHOW_MSW, "reveals CR0's low bits (PE, MP, EM, TS, ET)" },
	{ "STR", SHOW_SEL, "reveals the real task register" },
	{ "LAR", SHOW_ZF_VALUE, "access rights of the kernel's code segment: refused at CPL 3" },
	{ "LSL", SHOW_ZF_VALUE, "limit of the kernel's code segment: refused at CPL 3" },
	{ "VERR", SHOW_ZF, "is the kernel's data segment readable? no, at CPL 3" },
	{ "VERW", SHOW_ZF, "is the kernel's data segment writable? no, at CPL 3" },
	{ "PUSH CS", SHOW_SEL, "CS's low two bits are the CPL: 3, not the 0 the kernel expects" },
	{ "POP DS", SHOW_SEL, "loading a DPL-0 data segment at CPL 3 faults" },
	{ "MOV r,SS", SHOW_SEL, "SS's RPL is the CPL too" },
	{ "far CALL", SHOW_HEX, "a far call into the ring-0 code segment faults at CPL 3" },
	{ "far JMP", SHOW_HEX, "a far jump into the ring-0 code segment faults at CPL 3" },
	{ "far RET", SHOW_HEX, "a far return to ring 0 faults at CPL 3" },
	{ "INT 0x80", SHOW_HEX,
	  "a DPL-0 gate faults from ring 3; in ring 0 it runs the guest's own handler" },
	{ "CLI", SHOW_FLAGS,
	  "(control) truly privileged: traps in ring 3, so a monitor can emulate it" },
};
#define EXPLORE_NROWS ((int)(sizeof(explore_rows) / sizeof(explore_rows[0])))

struct explore_run {
	int ok;
	struct explore_result res[EXPLORE_MAX_TESTS];
	int64_t exits[EXPLORE_MAX_TESTS]; /* VM exits during the test, -1 unknown */
};

static const char *explore_vector_name(uint32_t v)
{
	static const char *const names[] = { "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
					     "#DF", "?",   "#TS", "#NP", "#SS", "#GP", "#PF" };
	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "int";
}

/* The explorer image: --guest FILE, else x86/explore.bin next to our own
 * executable (build/trapvisor -> build/x86/explore.bin). */
static int explore_load_image(const char *path, uint8_t **img, size_t *size)
{
	char buf[PATH_MAX];
	if (!path) {
		ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 32);
		if (n <= 0) {
			fprintf(stderr, "x86 explore: cannot find myself; give --guest FILE\n");
			return -1;
		}
		buf[n] = 0;
		strcat(dirname(buf), "/x86/explore.bin");
		path = buf;
	}
	if (vtx_read_file(path, "explorer guest", img, size) < 0)
		return -1;
	if (*size < 16 || *size > EXPLORE_RAM - EXPLORE_BASE || memcmp(*img + 4, "TVEX", 4)) {
		fprintf(stderr, "x86 explore: %s is not the explorer guest (build it: make)\n",
			path);
		free(*img);
		return -1;
	}
	return 0;
}

/* The vCPU counter "exits" in KVM's binary stats: its file offset, or -1. */
static off_t explore_exits_offset(int stats_fd)
{
	struct kvm_stats_header h;
	if (pread(stats_fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.name_size > 256)
		return -1;
	size_t dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	struct kvm_stats_desc *d = malloc(dsz);
	off_t off = -1;
	for (uint32_t i = 0; d && i < h.num_desc; i++) {
		if (pread(stats_fd, d, dsz, h.desc_offset + (off_t)i * (off_t)dsz) != (ssize_t)dsz)
			break;
		d->name[h.name_size - 1] = 0;
		if (!strcmp(d->name, "exits")) {
			off = h.data_offset + d->offset;
			break;
		}
	}
	free(d);
	return off;
}

static int64_t explore_read_exits(int fd, off_t off)
{
	uint64_t v;
	if (fd < 0 || off < 0 || pread(fd, &v, sizeof(v), off) != (ssize_t)sizeof(v))
		return -1;
	return (int64_t)v;
}

static void explore_alarm(int sig)
{
	(void)sig; /* only interrupts KVM_RUN */
}

static void explore_flat(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct kvm_segment){ .limit = 0xffffffff,
				   .selector = sel,
				   .type = type,
				   .present = 1,
				   .db = 1,
				   .s = 1,
				   .g = 1 };
}

/* One VM, one mode.  Returns 0 with r filled, or -1 with a message. */
static int explore_run_mode(int kvm, const struct kvm_cpuid2 *cpuid, const uint8_t *img,
			    size_t size, enum explore_mode mode, struct explore_run *r)
{
	int rc = -1, vm = -1, vcpu = -1, stats = -1;
	struct kvm_run *run = MAP_FAILED;
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	uint8_t *mem =
	    mmap(NULL, EXPLORE_RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || run_size <= 0)
		goto out;
	memcpy(mem + EXPLORE_BASE, img, size);

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "x86 explore: KVM_CREATE_VM: %s\n", strerror(errno));
		goto out;
	}
	ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL);
	struct kvm_userspace_memory_region reg = { .slot = 0,
						   .memory_size = EXPLORE_RAM,
						   .userspace_addr = (uint64_t)(uintptr_t)mem };
	vcpu = -1;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &reg) < 0 ||
	    (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0 || ioctl(vcpu, KVM_SET_CPUID2, cpuid) < 0) {
		fprintf(stderr, "x86 explore: setting up the VM: %s\n", strerror(errno));
		goto out;
	}
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		goto out;
	run->kvm_valid_regs = KVM_SYNC_X86_REGS; /* for the rip in messages */

	/* 32-bit protected mode, ring 0, flat segments, no paging: the guest
	 * loads its own GDT, IDT, TSS and LDT first thing. */
	struct kvm_sregs s;
	if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
		goto out;
	explore_flat(&s.cs, 0x08, 0xb);
	explore_flat(&s.ds, 0x10, 0x3);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr = (struct kvm_segment){ .limit = 0xffff, .type = 0xb, .present = 1 };
	s.cr0 = 0x11; /* PE, ET */
	s.cr4 = 0;
	s.efer = 0;
	struct kvm_regs regs = { .rip = EXPLORE_BASE, .rbx = (uint64_t)mode, .rflags = 0x2 };
	if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0) {
		fprintf(stderr, "x86 explore: setting registers: %s\n", strerror(errno));
		goto out;
	}

	stats = ioctl(vcpu, KVM_GET_STATS_FD, NULL);
	off_t exits_off = stats >= 0 ? explore_exits_offset(stats) : -1;
	int cur = -1;
	int64_t before = -1;
	for (int i = 0; i < EXPLORE_MAX_TESTS; i++)
		r->exits[i] = -1;

	alarm(EXPLORE_TIMEOUT_S);
	for (int n = 0; n < EXPLORE_MAX_EXITS; n++) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			fprintf(stderr, "x86 explore: KVM_RUN: %s (guest stuck?)\n",
				strerror(errno));
			goto out_alarm;
		}
		if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write ||
		    run->mmio.phys_addr != EXPLORE_MARK) {
			fprintf(
			    stderr,
			    "x86 explore: unexpected exit %u (suberror %u) in %s at rip 0x%llx\n",
			    run->exit_reason,
			    run->exit_reason == KVM_EXIT_INTERNAL_ERROR ? run->internal.suberror
									: 0,
			    explore_mode_name[mode], (unsigned long long)run->s.regs.regs.rip);
			goto out_alarm;
		}
		uint32_t id;
		memcpy(&id, run->mmio.data, 4);
		/* The exits counted from the previous mark to this one are the
		 * test's own, plus this mark's exit. */
		int64_t now = explore_read_exits(stats, exits_off);
		if (cur >= 0 && now >= 0 && before >= 0)
			r->exits[cur] = now - before - 1;
		before = now;
		if (id == EXPLORE_DONE) {
			uint32_t res_addr;
			memcpy(&res_addr, mem + EXPLORE_BASE + 12, 4);
			if (res_addr > EXPLORE_RAM - sizeof(r->res)) {
				fprintf(stderr, "x86 explore: bad results address 0x%x\n",
					res_addr);
				goto out_alarm;
			}
			memcpy(r->res, mem + res_addr, sizeof(r->res));
			r->ok = 1;
			rc = 0;
			goto out_alarm;
		}
		if (id >= EXPLORE_MAX_TESTS) {
			fprintf(stderr, "x86 explore: test number %u out of range\n", id);
			goto out_alarm;
		}
		cur = (int)id;
	}
	fprintf(stderr, "x86 explore: the guest never finished\n");
out_alarm:
	alarm(0);
out:
	if (stats >= 0)
		close(stats);
	if (run != MAP_FAILED)
		munmap(run, (size_t)run_size);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (mem != MAP_FAILED)
		munmap(mem, EXPLORE_RAM);
	return rc;
}

/* One cell: "#GP(0x8)" or what the guest saw. */
static void explore_cell(const struct explore_row *row, const struct explore_result *x, char *buf,
			 size_t len)
{
	if (x->vector1 && !(row->show == SHOW_HEX && x->vector1 - 1 == 0x80)) {
		uint32_t v = x->vector1 - 1;
		snprintf(buf, len, "TRAP %s(0x%x)", explore_vector_name(v), x->error);
		return;
	}
	switch (row->show) {
	case SHOW_FLAGS:
		snprintf(buf, len, "IF=%u IOPL=%u", (x->value >> 9) & 1, (x->value >> 12) & 3);
		break;
	case SHOW_POPF: /* the guest tried to clear IF, starting from IF=1 */
		snprintf(buf, len, "IF=%u %s", (x->value >> 9) & 1,
			 (x->value >> 9) & 1 ? "(clear dropped)" : "(cleared)");
		break;
	case SHOW_TABLE: snprintf(buf, len, "base=0x%x limit=0x%x", x->value, x->value2); break;
	case SHOW_SEL:
		snprintf(buf, len, "0x%02x (RPL %u)", x->value & 0xffff, x->value & 3);
		break;
	case SHOW_MSW: snprintf(buf, len, "0x%04x PE=%u", x->value & 0xffff, x->value & 1); break;
	case SHOW_ZF_VALUE:
		if (x->value2)
			snprintf(buf, len, "ZF=1 0x%x", x->value);
		else
			snprintf(buf, len, "ZF=0 (refused)");
		break;
	case SHOW_ZF:
		snprintf(buf, len, "ZF=%u %s", x->value & 1, x->value & 1 ? "(yes)" : "(no)");
		break;
	case SHOW_HEX:
		if (x->vector1)
			snprintf(buf, len, "guest handler (vector 0x80)");
		else
			snprintf(buf, len, "ran: 0x%x", x->value);
		break;
	}
}

int vtx_explore_main(int argc, char **argv)
{
	const char *guest = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--guest") && i + 1 < argc) {
			guest = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: trapvisor x86 explore [--guest explore.bin]\n"
			       "Runs each sensitive-but-unprivileged IA-32 instruction in ring 3\n"
			       "(IOPL 0) and in ring 0 of VMX/SVM non-root mode, and tabulates\n"
			       "what trapped and what the guest saw.\n");
			return 0;
		} else {
			fprintf(stderr, "x86 explore: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	uint8_t *img;
	size_t size;
	if (explore_load_image(guest, &img, &size) < 0)
		return 2;
	uint32_t ntests;
	memcpy(&ntests, img + 8, 4);
	if (ntests != (uint32_t)EXPLORE_NROWS) {
		fprintf(stderr, "x86 explore: the guest has %u tests, this trapvisor knows %d\n",
			ntests, EXPLORE_NROWS);
		free(img);
		return 2;
	}

	int kvm = vtx_open_kvm("x86 explore");
	if (kvm < 0) {
		free(img);
		return 2;
	}
	struct kvm_cpuid2 *cpuid = NULL;
	for (int n = 64; n <= 4096; n *= 2) {
		free(cpuid);
		cpuid = calloc(1, sizeof(*cpuid) + (size_t)n * sizeof(struct kvm_cpuid_entry2));
		cpuid->nent = (uint32_t)n;
		if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) == 0 || errno != E2BIG)
			break;
	}
	/* UMIP is CPUID.(EAX=7,ECX=0):ECX bit 2. */
	int umip = 0;
	for (uint32_t i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == 7 && cpuid->entries[i].index == 0)
			umip = (cpuid->entries[i].ecx >> 2) & 1;

	struct sigaction sa = { .sa_handler = explore_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	static struct explore_run runs[MODE_COUNT];
	int status = 0;
	int nmodes = umip ? MODE_COUNT : MODE_UMIP;
	for (int m = 0; m < nmodes; m++)
		if (explore_run_mode(kvm, cpuid, img, size, (enum explore_mode)m, &runs[m]) < 0)
			status = 1;

	/* One row per instruction, one cell per mode: what the guest saw,
	 * then the VM exits the instruction cost (KVM's counter). */
	printf("%-9s | %-36s | %-36s", "insn", explore_mode_name[0], explore_mode_name[1]);
	if (umip)
		printf(" | %s", explore_mode_name[2]);
	printf("\n");
	for (int i = 0; i < EXPLORE_NROWS; i++) {
		printf("%-9s", explore_rows[i].name);
		for (int m = 0; m < nmodes; m++) {
			char cell[48] = "(failed)", full[96];
			const struct explore_run *r = &runs[m];
			if (r->ok)
				explore_cell(&explore_rows[i], &r->res[i], cell, sizeof(cell));
			if (r->ok && r->exits[i] >= 0)
				snprintf(full, sizeof(full), "%s, %" PRId64 " exit%s", cell,
					 r->exits[i], r->exits[i] == 1 ? "" : "s");
			else
				snprintf(full, sizeof(full), "%s", cell);
			printf(m + 1 < nmodes ? " | %-36s" : " | %s", full);
		}
		printf("\n");
	}
	printf("\nWhat each row shows (ring 3 = under a trap-and-emulate monitor):\n");
	for (int i = 0; i < EXPLORE_NROWS; i++)
		printf("  %-9s %s\n", explore_rows[i].name, explore_rows[i].lesson);
	printf("In ring 0 of non-root mode every instruction behaves as on bare metal and none\n"
	       "needs a VM exit: VT-x/AMD-V fixes the problem by giving the guest a real ring 0.\n"
	       "A fault in ring 3 goes to the guest's own IDT without an exit.  Where the CPU\n"
	       "lacks UMIP, KVM on Intel emulates it with descriptor-table exits (1 exit per\n"
	       "instruction), and cannot catch SMSW that way.  (Exit counts come from KVM's\n"
	       "statistics and may include host interrupts.)\n");
	if (!umip)
		printf("This CPU (as KVM exposes it) has no UMIP, so there is no UMIP column.\n");
	free(cpuid);
	free(img);
	close(kvm);
	return status;
}
