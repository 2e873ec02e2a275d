/*
 * vtx.h -- the x86 backend on the Linux KVM API: one VM, its memory
 * slots, its vCPUs (one thread each), its two device buses and its trace.
 *
 * How the pieces talk (user space only sees what KVM cannot handle):
 *
 *   vCPU thread --ioctl(KVM_RUN)--> KVM --VMRUN/VMLAUNCH--> guest
 *        ^                            | exits it handles itself (HLT, APIC,
 *        |                            | PIT, PIC, IOAPIC, EPT faults...) stay
 *        +---- kvm_run says why <-----+ in the kernel; the rest return here
 *
 * The exit loop (exit.c) turns each return into one trace event and hands
 * port I/O to `pio` and MMIO to `mmio`.
 */
#ifndef X86_VTX_VTX_H
#define X86_VTX_VTX_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/trace.h"
#include "devices/bus.h"
#include "devices/uart16550.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"
#include "x86-vtx/layout.h"

#define VTX_MAX_CPUS	 8
#define VTX_MAX_SLOTS	 2
#define VTX_EXIT_REASONS 64 /* KVM_EXIT_* numbers are below this */
#define VTX_PIO_COUNTERS 16

/* One KVM memory slot: guest-physical [gpa, gpa+size) is host [hva, ...). */
struct vtx_slot {
	uint64_t gpa, size;
	uint8_t *hva;
};

struct vtx_vcpu {
	struct vtx_vm *vm;
	int id;
	int fd;		     /* from KVM_CREATE_VCPU */
	struct kvm_run *run; /* shared page: why KVM_RUN returned */
	pthread_t thread;
	int started;
};

/* One virtio device on its virtio-mmio window (virtio.c): a disk (the
 * model and the image behind it) or the network card. */
struct vtx_virtio {
	struct virtio_mmio mmio;
	int is_net;
	struct virtio_blk blk;
	struct disk disk;
	struct virtio_net net;
	char name[16];		/* "virtio-blk0": the MMIO bus region's name */
	_Atomic uint64_t exits; /* MMIO exits into this window, for --stats */
};

/* --net: what the command line asked for (net.c parses it). */
#define VTX_NET_MAX_FWD 8
struct vtx_net_spec {
	int wanted; /* any --net given: the VM gets a virtio-net card */
	int user;   /* user: libslirp's NAT (DHCP, DNS, TCP/UDP to the host) */
	int nfwd;
	struct vtx_hostfwd {
		int udp;
		uint32_t host_addr; /* network byte order */
		uint16_t host_port, guest_port;
	} fwd[VTX_NET_MAX_FWD];
};

/* The network: the card is one port of a switch, the same learning
 * bridge the toy VMs share (devices/netswitch.c); `user` puts libslirp on
 * another port of it (slirp.c), so more ports can join later. */
struct vtx_net {
	struct vtx_net_spec spec;
	struct netswitch sw;
	void *slirp; /* Slirp *, or NULL */
	int slirp_port;
	pthread_t thread; /* polls slirp's sockets */
	int thread_started;
	int wake[2]; /* a pipe: slirp's notify() wakes the thread */
	struct vtx_slirp_timer {
		void (*cb)(void *);
		void *cb_opaque;
		int64_t expire_ms; /* -1: not armed */
		int used;
	} timers[4];
	uint64_t slirp_frames_in, slirp_frames_out;
};

/* Exit counts for --stats (atomic: every vCPU thread adds to them). */
struct vtx_stats {
	_Atomic uint64_t by_reason[VTX_EXIT_REASONS];
	_Atomic uint64_t ns_by_reason[VTX_EXIT_REASONS];
	_Atomic uint64_t pio_by_region[VTX_PIO_COUNTERS]; /* index = pio region, last = unmapped */
};

/* Why the VM stopped, for the exit status and the last line printed. */
enum vtx_stop {
	VTX_RUNNING = 0,
	VTX_STOP_POWEROFF, /* ACPI S5 or KVM_SYSTEM_EVENT_SHUTDOWN: status 0 */
	VTX_STOP_RESET,	   /* i8042 reset, triple fault, SYSTEM_EVENT_RESET: 0 */
	VTX_STOP_LIMIT,	   /* --stop-after-exits reached: 0 */
	VTX_STOP_ERROR,	   /* entry failure, internal error, unknown exit: 1 */
	VTX_STOP_TRACE,	   /* a --trace write failed (said so): 2, as `run` */
	VTX_STOP_QUIT,	   /* Ctrl-A x on the console: 0 */
	VTX_STOP_SNAPSHOT, /* --snapshot-on: save the VM, then 0 */
};

struct vtx_vm {
	int kvm_fd, vm_fd;
	int run_size; /* KVM_GET_VCPU_MMAP_SIZE */
	uint64_t mem_size;
	struct vtx_slot slots[VTX_MAX_SLOTS];
	int nslots;
	int ncpus;
	struct vtx_vcpu vcpus[VTX_MAX_CPUS];
	struct kvm_cpuid2 *cpuid; /* what KVM supports; per-vCPU copies get APIC ids */
	int hide_hypervisor;	  /* --no-pv: leave CPUID.1:ECX.hypervisor clear */

	pthread_mutex_t bus_lock; /* devices are not thread-safe: one access at a time */
	struct bus pio, mmio;
	struct uart16550 com1;
	uint8_t pm_regs[8]; /* ACPI PM1a event and control blocks (pc.c) */
	int console_out;    /* host fd COM1 writes to */
	uint64_t com1_tx;   /* bytes COM1 sent to it, for --stats */
	struct vtx_virtio virtio[VTX_VIRTIO_MAX];
	int nvirtio;
	struct vtx_net net;

	pthread_mutex_t trace_lock;
	struct trace trace;
	struct vtx_stats stats;
	uint64_t stop_after_exits; /* 0 = never */
	int snapshot_at_limit;	   /* reaching it means VTX_STOP_SNAPSHOT */
	int stop_on;		   /* count only this KVM exit reason; -1 = all */
	_Atomic uint64_t exits;	   /* exits counted toward stop_after_exits */

	_Atomic int stop; /* enum vtx_stop; first writer wins */
	char stop_why[96];
};

/* vm.c */
/* Open /dev/kvm, or say in one line why not and how to test without it
 * (messages start with `who`).  Returns the fd or -1. */
int vtx_open_kvm(const char *who);
/* Open /dev/kvm and create a VM with `mem_size` bytes of RAM (split around
 * the PCI hole), the in-kernel irqchip and PIT.  Returns 0, or -1 with a
 * message; on -1 whatever was made is released. */
int vtx_vm_create(struct vtx_vm *vm, uint64_t mem_size, int ncpus);
/* Release everything vtx_vm_create and vtx_vcpu_create_all made. */
void vtx_vm_destroy(struct vtx_vm *vm);
/* Host address of guest-physical [gpa, gpa+len), or NULL if any byte of it
 * is outside RAM (overflow-safe). */
void *vtx_gpa_to_hva(const struct vtx_vm *vm, uint64_t gpa, uint64_t len);
/* The slot holding `gpa`, or NULL. */
const struct vtx_slot *vtx_slot_of(const struct vtx_vm *vm, uint64_t gpa);
/* Ask every vCPU to stop (idempotent: the first reason is kept). */
void vtx_vm_stop(struct vtx_vm *vm, enum vtx_stop why, const char *what);

/* vcpu.c */
/* Create the vCPUs, map their kvm_run pages, give each the CPUID KVM
 * supports (with its own APIC id).  Returns 0 or -1 with a message. */
int vtx_vcpu_create_all(struct vtx_vm *vm);
/* Run every vCPU on its own thread until the VM stops; returns the stop
 * reason. */
enum vtx_stop vtx_vcpu_run_all(struct vtx_vm *vm);

/* exit.c */
/* The exit loop of one vCPU (the thread body). */
void *vtx_exit_loop(void *vcpu);
/* "KVM_EXIT_IO" for 2, "KVM_EXIT_17" for an unknown number. */
const char *vtx_exit_name(uint32_t reason, char *buf, size_t len);

/* pc.c */
/* Put the PC's devices on the buses: COM1, the i8042 reset line, the ACPI
 * PM registers, and a fallback that ignores unknown ports and MMIO.
 * Returns 0 or -1. */
int vtx_pc_devices(struct vtx_vm *vm);

/* virtio.c */
/* Open the disk image `spec` names for the next virtio-mmio window
 * (before /dev/kvm is opened, so a bad image is refused on any host).
 * 0, or -1 after a one-line message (bad image, too many devices). */
int vtx_virtio_add_disk(struct vtx_vm *vm, const struct disk_spec *spec);
/* Put every added disk behind its window on the MMIO bus as virtio-blk,
 * interrupting on its GSI.  After vtx_pc_devices, before the ACPI tables
 * are written (they list the windows).  0, or -1 with a message. */
int vtx_virtio_attach(struct vtx_vm *vm);
/* Close the images (flushing what their formats buffer). */
void vtx_virtio_close(struct vtx_vm *vm);
/* Reserve the next window for the network card (attached by
 * vtx_virtio_attach).  0, or -1 after a message. */
int vtx_virtio_add_net(struct vtx_vm *vm);
/* The device whose window holds `gpa`, for the MMIO exit counters; NULL
 * if none. */
struct vtx_virtio *vtx_virtio_at(struct vtx_vm *vm, uint64_t gpa);

/* net.c */
/* Parse one --net option into `spec` (several accumulate): "switch", or
 * "user[,hostfwd=tcp|udp:[ADDR]:HOSTPORT-:GUESTPORT]...".  0, or -1
 * after a one-line message naming the bad part. */
int vtx_net_parse(const char *arg, struct vtx_net_spec *spec);

/* slirp.c */
/* Put libslirp on a port of vm->net.sw with the spec's host forwards, and
 * start its thread.  0, or -1 after a message (e.g. a port in use). */
int vtx_slirp_start(struct vtx_vm *vm);
/* Stop the thread and free slirp. */
void vtx_slirp_stop(struct vtx_vm *vm);

/* console.c */
/* Feed host stdin to COM1 on a thread (raw mode if it is a terminal,
 * restored on every way out; Ctrl-A x quits, Ctrl-A s prints --stats). */
int vtx_console_start(struct vtx_vm *vm);
void vtx_console_stop(void);
/* Make signal `sig` stop the VM for a snapshot (--snapshot-on SIGNAL);
 * call before vtx_console_start. */
void vtx_console_snapshot_on(int sig);

/* stats.c */
/* Print exits by reason, port-I/O by device, and KVM's own counters. */
void vtx_stats_print(struct vtx_vm *vm, FILE *f);

#endif
